"""Sign in: scan a badge (USR-…) or type it. The role decides what the screens offer."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from screens.widgets import MessageLine, ScanInput, StoreroomFooter
from storeroom_tui.errors import StoreroomError


class SignInScreen(ModalScreen[bool]):
    CSS_PATH = "signin.tcss"
    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        with Vertical(id="signin"):
            yield Label("[b]Storeroom[/b] — sign in", id="title")
            yield Label("Scan your badge (USR-…) or type it and press Enter.")
            yield ScanInput(placeholder="badge…")
            yield MessageLine(id="message")
        yield StoreroomFooter()

    def on_mount(self) -> None:
        self.query_one(ScanInput).focus()

    @on(ScanInput.Scanned)
    def badge_given(self, event: ScanInput.Scanned) -> None:
        badge = event.text.strip()
        if not badge:
            return
        try:
            actor = self.app.store.sign_in(badge)  # type: ignore[attr-defined]
        except StoreroomError as error:
            self.query_one(MessageLine).error(error.message)
            return
        self.notify(f"signed in: {actor.name} ({actor.role.value})")
        self.dismiss(True)
