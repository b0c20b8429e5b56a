"""A WO's cost on its detail screen: the line with parts + labour + contractor (frozen at
closure) and downtime beside it, and the dialogs that book labour and contractor work.

The dialogs only collect text; the cost services parse and check it (`costs.parse_*`,
`costs.book_labour`, `costs.book_contractor`) and a refusal comes back into the dialog
with the message naming the value.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from screens.base import StoreroomScreen
from screens.dialogs import DIALOG_CSS
from screens.widgets import MessageLine
from storeroom_tui import costs
from storeroom_tui.costs import CostBreakdown
from storeroom_tui.errors import InvalidValue, StoreroomError
from storeroom_tui.outcome import Outcome, Tone
from storeroom_tui.permissions import Action
from storeroom_tui.quantities import format_money, format_qty

Fields = tuple[tuple[str, str, str], ...]  # key, label, hint

LABOUR_FIELDS: Fields = (
    ("badge", "Technician", "badge, e.g. T1"),
    ("hours", "Hours", "e.g. 2.5"),
    ("trade", "Trade", "whose rate applies"),
    ("date", "Date", "YYYY-MM-DD, empty = today"),
    ("overtime", "Overtime", "y or n"),
)
CONTRACTOR_FIELDS: Fields = (
    ("vendor", "Vendor", "the firm's name"),
    ("hours", "Hours", "with a rate, or leave empty"),
    ("rate", "Rate /h", "e.g. 65.00"),
    ("amount", "Or amount", "a fixed price instead"),
    ("po", "PO", "paid through, optional"),
    ("date", "Date", "YYYY-MM-DD, empty = today"),
    ("description", "What", "optional"),
)


def cost_text(cost: CostBreakdown, width: int, may_book: bool) -> Text:
    """'Cost parts 10.00 + labour 80.00 (2 h) + contractor 100.00 = 190.00 · downtime...'"""
    line = Text.assemble(
        ("Cost ", "bold"),
        f"parts {format_money(cost.parts)} + labour {format_money(cost.labour)}",
        (f" ({format_qty(cost.labour_hours)} h)", "dim"),
        f" + contractor {format_money(cost.contractor)} = ",
        (format_money(cost.total), "bold"),
    )
    line.append(" frozen at close" if cost.frozen else " so far", style="dim")
    downtime = Text.assemble(
        " · downtime ",
        f"{format_qty(cost.downtime_hours)} h = {format_money(cost.downtime_cost)}",
    )
    hint = (
        Text("  l labour · c contractor", style="dim") if may_book and not cost.frozen else Text("")
    )
    if len(line) + len(downtime) + len(hint) <= width:
        return Text.assemble(line, downtime, hint)
    second = Text.assemble(downtime.plain.removeprefix(" · ").capitalize(), hint)
    return Text("\n").join([line, second])


class CostLine(Static):
    """The WO's cost under its header."""

    DEFAULT_CSS = """
    CostLine {
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    """

    def show_cost(self, cost: CostBreakdown | None, may_book: bool) -> None:
        if cost is None:
            self.update("")
            return
        self.update(cost_text(cost, (self.size.width or 80) - 2, may_book))


class BookingDialog(ModalScreen[dict[str, str] | None]):
    """A few labelled fields; Enter moves on and on the last one books; Esc drops."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="BookingDialog")
        + """
    BookingDialog Horizontal { height: 1; margin: 1 0 0 0; }
    BookingDialog Horizontal Label { width: 12; }
    BookingDialog Input { border: none; height: 1; width: 1fr; padding: 0 1; background: $boost; }
    BookingDialog Input:focus { border: none; background: $accent 30%; }
    BookingDialog #problem { color: $error; }
    """
    )
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "next_field", "Next field", priority=True),
        Binding("tab", "next_field(True)", "Next field", show=False, priority=True),
    ]

    def __init__(
        self, title: str, fields: Fields, given: dict[str, str] | None = None, problem: str = ""
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.given = given or {}
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text, style="bold"))
            for key, label, hint in self.fields:
                with Horizontal():
                    yield Label(label)
                    yield Input(self.given.get(key, ""), placeholder=hint, id=key)
            yield Label(Text(self.problem), id="problem")
            yield Label("Enter: next field, on the last one books · Esc: drop", classes="hint")

    def on_mount(self) -> None:
        first_empty = next(
            (key for key, _, _ in self.fields if not self.query_one(f"#{key}", Input).value),
            self.fields[0][0],
        )
        self.set_focus(self.query_one(f"#{first_empty}", Input))

    def inputs(self) -> list[Input]:
        return [self.query_one(f"#{key}", Input) for key, _, _ in self.fields]

    def action_next_field(self, wrap: bool = False) -> None:
        inputs = self.inputs()
        index = inputs.index(self.focused) if self.focused in inputs else 0
        if index < len(inputs) - 1 or wrap:
            self.set_focus(inputs[(index + 1) % len(inputs)])
            return
        inputs[-1].call_later(self.answer)  # after the keys already sent to the field

    def answer(self) -> None:
        self.dismiss(
            {key: self.query_one(f"#{key}", Input).value.strip() for key, _, _ in self.fields}
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


class CostedScreen(StoreroomScreen):
    """Base of the WO detail screen for its cost: read it, and book labour and contractor
    work (l, c) while the WO is open and the user may book cost."""

    number: str
    cost: CostBreakdown | None = None

    def say(self, tone: Tone, message: str) -> None:
        self.query_one(MessageLine).show(Outcome(tone, message))

    def read_cost(self) -> CostBreakdown | None:
        try:
            return self.store.read(costs.work_order_cost, self.number)
        except StoreroomError:
            return None  # the WO itself could not be read: the header says why

    def may_book_cost(self) -> bool:
        return self.can(Action.BOOK_COST) and self.cost is not None and not self.cost.frozen

    def action_book_labour(self, given: dict[str, str] | None = None, problem: str = "") -> None:
        if not self.may_book_cost():
            return
        trades = ", ".join(t.trade for t in self.store.read(costs.list_trade_rates))
        fields = tuple(
            (key, label, trades or hint) if key == "trade" else (key, label, hint)
            for key, label, hint in LABOUR_FIELDS
        )

        def answered(values: dict[str, str] | None) -> None:
            if values is not None:
                self.book(values, labour=True)

        self.app.push_screen(
            BookingDialog(f"Labour on {self.number}", fields, given, problem), answered
        )

    def action_book_contractor(
        self, given: dict[str, str] | None = None, problem: str = ""
    ) -> None:
        if not self.may_book_cost():
            return

        def answered(values: dict[str, str] | None) -> None:
            if values is not None:
                self.book(values, labour=False)

        self.app.push_screen(
            BookingDialog(f"Contractor work on {self.number}", CONTRACTOR_FIELDS, given, problem),
            answered,
        )

    def book(self, values: dict[str, str], labour: bool) -> None:
        store = self.store
        try:
            if labour:
                booking = store.write(
                    costs.book_labour,
                    self.number,
                    values["badge"],
                    costs.parse_hours(values["hours"]),
                    values["trade"],
                    costs.parse_day(values["date"]),
                    parse_yes_no(values["overtime"], "overtime"),
                )
            else:
                booking = store.write(
                    costs.book_contractor,
                    self.number,
                    values["vendor"],
                    costs.parse_hours(values["hours"]) if values["hours"] else None,
                    costs.parse_rate(values["rate"]) if values["rate"] else None,
                    costs.parse_amount(values["amount"]) if values["amount"] else None,
                    values["po"] or None,
                    costs.parse_day(values["date"]),
                    values["description"] or None,
                )
        except StoreroomError as error:
            self.say(Tone.ERROR, error.message)
            again = self.action_book_labour if labour else self.action_book_contractor
            again(values, error.message)
            return
        self.say(Tone.POSTED, booking.describe())
        self.refresh_data()


def parse_yes_no(text: str, what: str) -> bool:
    answer = text.strip().lower()
    if answer in ("", "n", "no"):
        return False
    if answer in ("y", "yes"):
        return True
    raise InvalidValue(f"{what} {text.strip()!r}: answer y or n", text.strip())
