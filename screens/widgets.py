"""Small widgets reused across screens: the scan field and the message line."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Footer, Input, Static

from storeroom_tui.scanflow import Outcome, Tone


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

    def __init__(self, placeholder: str = "scan…", id: str | None = "scan") -> None:  # noqa: A002
        super().__init__(placeholder=placeholder, id=id, select_on_focus=False)


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
