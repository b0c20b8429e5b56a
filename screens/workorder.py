"""One work order: its header, demand lines (planned, reserved, issued, returned, in WIP,
short), status history, and only the actions its gates and the user's role allow now."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from screens.costing import CostedScreen, CostLine
from screens.dialogs import ConfirmDialog, ReasonDialog
from screens.widgets import MessageLine, ModeBar, StoreroomFooter
from storeroom_tui import receiving
from storeroom_tui.errors import StoreroomError
from storeroom_tui.gates import Gate, Status, allows, next_statuses, transition_action
from storeroom_tui.outcome import Outcome, Tone
from storeroom_tui.permissions import Action
from storeroom_tui.quantities import format_qty
from storeroom_tui.queue import WorkOrderDetail, change_status_of, reserve_for, work_order_detail
from storeroom_tui.wip import LinePosition

# the action that moves a WO to each status it can be moved to from this screen
_STATUS_OF_ACTION = {
    "hold": Status.ON_HOLD,
    "postpone": Status.POSTPONED,
    "cancel_wo": Status.CANCELLED,
}
_STATUS_WORDS = {
    Status.APPROVED: "approved",
    Status.SCHEDULED: "scheduled",
    Status.IN_PROGRESS: "started (in progress)",
    Status.COMPLETED: "completed",
}


NARROW = 100  # below this many columns the quantity headings are shortened
WIDE_NUMBERS = (
    ("planned", "Planned"),
    ("reserved", "Reserved"),
    ("issued", "Issued"),
    ("returned", "Returned"),
    ("wip", "In WIP"),
    ("short", "Short"),
)
NARROW_NUMBERS = (
    ("planned", "Plan"),
    ("reserved", "Rsvd"),
    ("issued", "Issued"),
    ("returned", "Retd"),
    ("wip", "WIP"),
    ("short", "Short"),
)


def line_quantities(line: LinePosition) -> dict[str, int]:
    return {
        "planned": line.planned,
        "reserved": line.reserved,
        "issued": line.issued,
        "returned": line.returned,
        "wip": line.in_wip,
        "short": line.shortage,
    }


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def words(status: str) -> str:
    return status.replace("_", " ")


def qty(milli: int) -> str:
    return format_qty(milli) if milli else ""


class WorkOrderScreen(CostedScreen):
    CSS_PATH = "workorder.tcss"
    # the footer shows only what the gates and the role allow now (check_action)
    BINDINGS = [
        Binding("a", "status('approved')", "Approve"),
        Binding("d", "status('scheduled')", "Schedule"),
        Binding("s", "status('in_progress')", "Start"),
        Binding("m", "status('completed')", "Complete"),
        Binding("v", "reserve", "Reserve"),
        Binding("i", "issue", "Issue"),
        Binding("t", "return_parts", "Return"),
        Binding("k", "reconcile", "Reconcile"),
        Binding("h", "hold", "Hold"),
        Binding("p", "postpone", "Postpone"),
        Binding("x", "cancel_wo", "Cancel"),
        Binding("escape", "back", "Back"),
        Binding("r", "refresh", "Refresh", show=False),
        # offered on the cost line
        Binding("l", "book_labour", "Labour", show=False, tooltip="book a technician's hours"),
        Binding("c", "book_contractor", "Contractor", show=False, tooltip="book contractor work"),
    ]

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number
        self.detail: WorkOrderDetail | None = None
        self.arrivals: list[receiving.Arrival] = []  # bought for it and reserved on receipt
        self.problem = ""  # why the WO could not be read, if it could not

    def compose(self) -> ComposeResult:
        yield ModeBar()
        yield Static("", id="wo-header")
        yield CostLine(id="wo-cost")
        yield DataTable(id="lines", cursor_type="row", cell_padding=0, zebra_stripes=True)
        yield Label("Status history", id="history-title")
        yield DataTable(id="history", cursor_type="row", cell_padding=0)
        yield MessageLine(id="message")
        yield StoreroomFooter()

    def on_mount(self) -> None:
        self.sub_title = "Work order"
        self.refresh_data()
        self.set_focus(self.query_one("#lines", DataTable))

    # --- reading ------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        try:
            self.detail = self.store.read(work_order_detail, self.number)
            self.arrivals = self.store.read(receiving.arrivals_for_work_order, self.number)
        except StoreroomError as error:
            self.detail = None
            self.problem = error.message
            self.query_one(MessageLine).error(error.message)
        else:
            self.number = self.detail.number
            self.problem = ""
        self.cost = self.read_cost() if self.detail is not None else None
        self.show_detail()
        self.refresh_bindings()

    def on_resize(self) -> None:
        self.show_detail()

    # --- rendering ----------------------------------------------------------------------------

    def show_detail(self) -> None:
        detail = self.detail
        header = self.query_one("#wo-header", Static)
        if detail is None:
            header.update(Text(self.problem, style="bold red"))
            return
        self.sub_title = f"Work order {detail.number}"
        room = (self.size.width or 80) - 2
        first = Text.assemble((detail.number, "bold"), "  ")
        if detail.emergency:
            first.append("! EMERGENCY  ", style="bold red")
        first.append(clip(detail.title, room - len(first)))
        due = detail.due.isoformat() if detail.due else "no due date"
        late = " ! OVERDUE" if detail.overdue else ""
        second = Text.assemble(
            (f" {words(detail.status)} ", "bold reverse"),
            f" {detail.wo_type} P{detail.priority} · ",
            (detail.asset, "bold"),
        )
        rest = Text.assemble(
            " · due ",
            (due + late, "bold yellow" if detail.overdue else ""),
            f" · {detail.assignee or 'unassigned'}",
        )
        name_room = room - len(second) - len(rest) - 1
        if name_room >= 6:
            second.append(" " + clip(detail.asset_name, name_room))
        second.append_text(rest)
        second.truncate(room, overflow="ellipsis")
        rows = [first, second]
        if self.arrivals:
            arrived = Text.assemble(("Parts arrived: ", "bold green"))
            arrived.append(
                "; ".join(
                    f"{qty(a.qty)} {a.part} ({a.po_number}) in {a.place}" for a in self.arrivals
                )
            )
            arrived.truncate(room, overflow="ellipsis")
            rows.append(arrived)
        header.update(Text("\n").join(rows))
        self.query_one(CostLine).show_cost(self.cost, self.may_book_cost())
        self.show_lines(detail)
        self.show_history(detail)

    def show_lines(self, detail: WorkOrderDetail) -> None:
        table = self.query_one("#lines", DataTable)
        table.clear(columns=True)
        width = self.size.width or 80
        numbers = NARROW_NUMBERS if width < NARROW else WIDE_NUMBERS
        part_width = min(max([4, *(len(line.part) for line in detail.lines)]), 14) + 1
        quantities = [line_quantities(line) for line in detail.lines]
        values = {key: [qty(q[key]) for q in quantities] for key, _ in numbers}
        widths = {
            key: max([len(label), *(len(v) for v in values[key])]) + 1 for key, label in numbers
        }
        fixed = 3 + part_width + sum(widths.values())
        description = max(width - fixed - 2, 10)
        table.add_column("#", width=3, key="line")
        table.add_column("Part", width=part_width, key="part")
        table.add_column("Description", width=description, key="description")
        for key, label in numbers:
            table.add_column(label, width=widths[key], key=key)
        for line in detail.lines:
            description_text = line.description
            if line.additional:
                description_text = "+ " + description_text
            cells = [
                str(line.line_no),
                line.part,
                clip(description_text, description - 1),
                qty(line.planned),
                qty(line.reserved),
                qty(line.issued),
                qty(line.returned),
                Text(qty(line.in_wip), style="bold yellow" if line.in_wip else ""),
                Text(qty(line.shortage), style="bold red" if line.shortage else ""),
            ]
            table.add_row(*cells, key=str(line.line_no))
        if not detail.lines:
            table.add_row("", "", Text("no demand lines", style="dim"), *[""] * len(numbers))

    def show_history(self, detail: WorkOrderDetail) -> None:
        table = self.query_one("#history", DataTable)
        table.clear(columns=True)
        width = self.size.width or 80
        who_width = min(max([4, *(len(e.who) for e in detail.history)]), 16) + 1
        changes = [self.change(e.from_status, e.to_status) for e in detail.history]
        change_width = min(max([10, *(len(c) for c in changes)]), 26) + 1
        why = max(width - 17 - who_width - change_width - 2, 10)
        table.add_column("When", width=17, key="when")
        table.add_column("Who", width=who_width, key="who")
        table.add_column("From → to", width=change_width, key="change")
        table.add_column("Why", width=why, key="why")
        for index, event in enumerate(reversed(detail.history)):
            table.add_row(
                event.at,
                event.who[: who_width - 1],
                self.change(event.from_status, event.to_status),
                (event.reason or "")[:why],
                key=str(index),
            )

    @staticmethod
    def change(from_status: str | None, to_status: str) -> str:
        if from_status is None:
            return words(to_status)
        if from_status == to_status:
            return f"{words(to_status)} (note)"
        return f"{words(from_status)} → {words(to_status)}"

    # --- what is allowed now ------------------------------------------------------------------

    def may_move_to(self, target: Status) -> bool:
        if self.detail is None:
            return False
        return target in next_statuses(self.detail.status) and self.can(transition_action(target))

    def gate_open(self, gate: Gate, action: Action) -> bool:
        return self.detail is not None and allows(self.detail.status, gate) and self.can(action)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "status":
            return self.may_move_to(Status(str(parameters[0])))
        if action in _STATUS_OF_ACTION:
            return self.may_move_to(_STATUS_OF_ACTION[action])
        if action in ("book_labour", "book_contractor"):
            return self.may_book_cost()
        if action == "reserve":
            return self.gate_open(Gate.RESERVE, Action.RESERVE)
        if action == "issue":
            return self.gate_open(Gate.ISSUE, Action.ISSUE)
        if action == "return_parts":
            return self.gate_open(Gate.RETURN, Action.RETURN)
        if action == "reconcile":
            # the supervisor's screen: write off what was used, then close
            return self.detail is not None and (
                self.detail.status in (Status.IN_PROGRESS, Status.COMPLETED, Status.CLOSED)
                and (self.can(Action.WRITE_OFF) or self.can(Action.CLOSE))
            )
        return True

    # --- actions ------------------------------------------------------------------------------

    def say(self, tone: Tone, message: str) -> None:
        self.query_one(MessageLine).show(Outcome(tone, message))

    def move(self, target: Status, reason: str | None = None, release: bool = False) -> None:
        try:
            status = self.store.write(change_status_of, self.number, target, reason, release)
        except StoreroomError as error:
            self.say(Tone.ERROR, error.message)
        else:
            said = _STATUS_WORDS.get(Status(status), words(status))
            because = f": {reason}" if reason else ""
            released = "; reservations released" if release else ""
            self.say(Tone.POSTED, f"{self.number} {said}{because}{released}")
        self.refresh_data()

    def action_status(self, to_status: str) -> None:
        if self.check_action("status", (to_status,)):
            self.move(Status(to_status))

    def ask_reason(self, question: str, then: Callable[[str], None]) -> None:
        def answered(reason: str | None) -> None:
            if reason:
                then(reason)
            else:
                self.say(Tone.INFO, "dropped; nothing changed")

        self.app.push_screen(ReasonDialog(question), answered)

    def action_hold(self) -> None:
        if self.check_action("hold", ()):
            self.ask_reason(
                f"Why put {self.number} on hold?", lambda why: self.move(Status.ON_HOLD, why)
            )

    def action_cancel_wo(self) -> None:
        if self.check_action("cancel_wo", ()):
            self.ask_reason(
                f"Why cancel {self.number}? (its reservations are released)",
                lambda why: self.move(Status.CANCELLED, why),
            )

    def action_postpone(self) -> None:
        if not self.check_action("postpone", ()):
            return

        def with_reason(why: str) -> None:
            reserved = self.detail.reserved if self.detail else 0
            if not reserved:
                self.move(Status.POSTPONED, why)
                return
            self.app.push_screen(
                ConfirmDialog(
                    f"Release the {format_qty(reserved)} reserved for {self.number}, so others "
                    "can use it? (y: release · n: keep)"
                ),
                lambda release: self.move(Status.POSTPONED, why, bool(release)),
            )

        self.ask_reason(f"Why postpone {self.number}?", with_reason)

    def action_reserve(self) -> None:
        if not self.check_action("reserve", ()):
            return
        try:
            lines = self.store.write(reserve_for, self.number)
        except StoreroomError as error:
            self.say(Tone.ERROR, error.message)
        else:
            if not lines:
                self.say(Tone.INFO, f"{self.number} has no demand lines to reserve")
            else:
                told = "; ".join(
                    f"{line.part} +{format_qty(line.reserved_now)}"
                    + (f" short {format_qty(line.shortage)}" if line.shortage else "")
                    for line in lines
                )
                self.say(Tone.POSTED, f"reserved for {self.number}: {told}")
        self.refresh_data()

    def action_issue(self) -> None:
        if self.check_action("issue", ()):
            self.storeroom_app.open_in("issue", self.number)

    def action_return_parts(self) -> None:
        if self.check_action("return_parts", ()):
            self.storeroom_app.open_in("return", self.number)

    def action_reconcile(self) -> None:
        if self.check_action("reconcile", ()):
            self.storeroom_app.open_in("reconcile", self.number)

    def action_refresh(self) -> None:
        self.refresh_data()
        self.say(Tone.INFO, f"{self.number} re-read")

    def action_back(self) -> None:
        self.storeroom_app.go_back()
