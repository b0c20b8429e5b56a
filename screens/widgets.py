"""Small widgets reused across screens: the mode bar, the scan field and the message line."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Input, Static

from storeroom_tui.outcome import Outcome, Tone


class ScanInput(Input):
    """The scan field: a keyboard-wedge scanner types here and ends with Enter."""

    DEFAULT_CSS = """
    ScanInput {
        border: tall $accent;
    }
    ScanInput:focus {
        border: tall $success;
    }
    """

    class Scanned(Message):
        """A scan (or typed code) was finished with Enter or Tab; the field is empty again."""

        def __init__(self, scan_input: ScanInput, text: str) -> None:
            super().__init__()
            self.scan_input = scan_input
            self.text = text

        @property
        def control(self) -> ScanInput:
            return self.scan_input

    def __init__(self, placeholder: str = "scan…", id: str | None = "scan") -> None:  # noqa: A002
        super().__init__(placeholder=placeholder, id=id, select_on_focus=False)

    async def action_submit(self) -> None:
        self.take()

    def take(self) -> None:
        """Hand what was typed to the screen as one scan, and clear the field for the next."""
        text, self.value = self.value, ""
        self.post_message(self.Scanned(self, text))


_STYLE = {
    Tone.INFO: "",
    Tone.PROMPT: "bold",
    Tone.POSTED: "bold green",
    Tone.ERROR: "bold red",
}
_MARK = {Tone.INFO: "·", Tone.PROMPT: "?", Tone.POSTED: "✔", Tone.ERROR: "✘"}


class MessageLine(Static):
    """The last outcome: green when stock moved, red (with the bell) when refused."""

    DEFAULT_CSS = """
    MessageLine {
        height: auto;
        min-height: 1;
        padding: 0 1;
    }
    MessageLine.-error {
        background: $error 20%;
    }
    MessageLine.-posted {
        background: $success 20%;
    }
    """

    def show(self, outcome: Outcome) -> None:
        self.set_class(outcome.tone == Tone.ERROR, "-error")
        self.set_class(outcome.tone == Tone.POSTED, "-posted")
        self.update(Text(f"{_MARK[outcome.tone]} {outcome.message}", style=_STYLE[outcome.tone]))
        if outcome.tone == Tone.ERROR:
            self.app.bell()

    def error(self, message: str) -> None:
        self.show(Outcome(Tone.ERROR, message))

    def info(self, message: str) -> None:
        self.show(Outcome(Tone.INFO, message))


class StoreroomFooter(Footer):
    """The footer every screen uses: compact, and without the palette hint (Ctrl+P is on
    the help screen), so the F-keys fit on an 80-column terminal."""

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)


class ModeBar(Static):
    """The top line of every full screen: each mode's F-key with the current one lit, then
    what this screen shows and who is signed in, as far as the width allows.

    The F-keys live here rather than in the footer, so the footer keeps the screen's own
    keys even on an 80-column terminal. The modes are read from the app's bindings, so a
    new mode appears here by being bound to a key.
    """

    DEFAULT_CSS = """
    ModeBar {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
        link-style: none;
        link-background: $panel;
        link-color: $foreground;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.screen, "sub_title", lambda _: self.refresh_bar())
        self.watch(self.app, "sub_title", lambda _: self.refresh_bar())

    def on_resize(self) -> None:
        self.refresh_bar()

    def refresh_bar(self) -> None:
        self.update(self.bar(self.size.width or 80))

    def bar(self, width: int) -> Content:
        current = self.app.current_mode
        parts: list[Content] = []
        used = 0
        modes = [
            (action.removeprefix("switch_mode(").strip("')\""), binding)
            for binding in self.app.BINDINGS
            if (action := getattr(binding, "action", "")).startswith("switch_mode(")
        ]
        # a blank either side of each key while they fit; one between them when not
        padded = sum(len(f" {b.key} {b.description} ") for _, b in modes) <= width
        for mode, binding in modes:
            key = binding.key.upper()
            lit = "reverse bold " if mode == current else ""
            label = f" {key} {binding.description} "
            if not padded:
                label = label if lit else f"{key} {binding.description} "
            click = f"@click=app.switch_mode('{mode}')"
            parts.append(Content.from_markup(f"[{lit}{click}]$label[/]", label=label))
            used += len(label)
        where = " · ".join(text for text in (self.screen.sub_title, self.app.sub_title) if text)
        room = width - used - 2
        if where and room >= 12:
            shown = where if len(where) <= room else where[: room - 1] + "…"
            parts.append(Content(" " * (room - len(shown) + 1)))
            parts.append(Content.styled(shown, "dim"))
        return Content("").join(parts)
