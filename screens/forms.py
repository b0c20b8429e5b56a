"""A small form in a modal: a few labelled fields, Enter moves on and on the last one
answers. Used to raise a requisition and to enter an invoice line from the keyboard."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from screens.dialogs import DIALOG_CSS


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    label: str
    hint: str
    value: str = ""


class FormDialog(ModalScreen[dict[str, str] | None]):
    """The fields' values by key, or None (Esc). Scanned bursts land whole in a field."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="FormDialog")
        + """
    FormDialog Horizontal { height: 1; margin: 1 0 0 0; }
    FormDialog Horizontal Label { width: 12; }
    FormDialog Input { border: none; height: 1; width: 1fr; padding: 0 1; background: $boost; }
    FormDialog Input:focus { border: none; background: $accent 30%; }
    FormDialog #problem { color: $error; }
    """
    )
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "next_field", "Next field", priority=True),
        Binding("tab", "next_field(True)", "Next field", show=False, priority=True),
    ]

    def __init__(
        self, title: str, fields: list[Field], problem: str = "", focus: str | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.problem = problem
        self.focus_key = focus  # the field to start in; else the first empty one

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text, style="bold"))
            for field in self.fields:
                with Horizontal():
                    yield Label(field.label)
                    yield Input(value=field.value, placeholder=field.hint, id=field.key)
            yield Label(Text(self.problem), id="problem")
            yield Label("Enter: next field, on the last one done · Esc: drop", classes="hint")

    def on_mount(self) -> None:
        inputs = list(self.query(Input))
        chosen = [i for i in inputs if i.id == self.focus_key]
        first_empty = next((i for i in inputs if not i.value), inputs[0])
        self.set_focus(chosen[0] if chosen else first_empty)

    def action_next_field(self, wrap: bool = False) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(self.focused) if self.focused in inputs else 0
        if index < len(inputs) - 1 or wrap:
            self.set_focus(inputs[(index + 1) % len(inputs)])
            return
        self.after_typing(inputs)

    def after_typing(self, inputs: list[Input]) -> None:
        """Read the fields once each has handled the keys already sent to it."""
        if inputs:
            inputs[0].call_later(self.after_typing, inputs[1:])
            return
        self.dismiss({i.id or "": i.value.strip() for i in self.query(Input)})

    def action_cancel(self) -> None:
        self.dismiss(None)
