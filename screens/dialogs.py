"""Modal dialogs: a reason, a yes/no confirmation, a quantity. Scans typed into them land
in their field, so a scan that arrives while one is open is never lost or posted twice."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

DIALOG_CSS = """
{name} {{
    align: center middle;
}}
{name} > Vertical {{
    width: 64;
    max-width: 100%;
    height: auto;
    border: thick $accent;
    background: $surface;
    padding: 0 1;
}}
{name} .hint {{
    color: $text-muted;
}}
"""


class ReasonDialog(ModalScreen[str | None]):
    """Ask why (an over-issue, a substitute, a hold). Esc or CMD-CANCEL: no reason, no post."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ReasonDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, id="question")
            yield Input(placeholder="reason…", id="reason")
            yield Label("Enter to post · Esc or CMD-CANCEL to drop", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text.upper() == "CMD-CANCEL":
            self.dismiss(None)
        elif text.upper().startswith("CMD-") or not text:
            self.query_one("#question", Label).update(
                f"{self.question}\n[b red]{text or 'empty'}: type a reason in words[/]"
            )
            self.app.bell()
            event.input.value = ""
        else:
            self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """Yes or no, with one key. A scanned CMD-DONE / CMD-CANCEL answers too."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmDialog")
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield Input(placeholder="y / n, or scan CMD-DONE / CMD-CANCEL", id="answer")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.value in ("y", "Y"):
            self.dismiss(True)
        elif event.value in ("n", "N"):
            self.dismiss(False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip().upper()
        if text in ("CMD-DONE", "Y", "YES"):
            self.dismiss(True)
        elif text in ("CMD-CANCEL", "N", "NO"):
            self.dismiss(False)
        else:
            self.app.bell()
            self.query_one(Label).update(f"{self.question}\n[b red]{text!r}: answer y or n[/]")
            event.input.value = ""

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class QuantityDialog(ModalScreen[str | None]):
    """Ask for a quantity (a write-off, a return), prefilled with the usual answer."""

    DEFAULT_CSS = DIALOG_CSS.format(name="QuantityDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, default: str) -> None:
        super().__init__()
        self.question = question
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield Input(value=self.default, id="quantity")
            yield Label("Enter to confirm · Esc to cancel", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
