"""The work-order queue, the home screen: filter as you type, quick filters by status and
priority, sort by column, a page at a time from SQL; Enter opens the WO's detail."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.reactive import Reactive
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from screens.base import StoreroomScreen
from screens.dialogs import DIALOG_CSS
from screens.queue_table import QueueColumn, QueueTable
from screens.widgets import MessageLine, ModeBar, StoreroomFooter
from storeroom_tui import workorders
from storeroom_tui.errors import StoreroomError
from storeroom_tui.ledger import today
from storeroom_tui.outcome import Outcome, Tone
from storeroom_tui.permissions import Action
from storeroom_tui.queue import (
    ALL_STATUSES,
    OPEN,
    SORTS,
    QueueFilter,
    QueuePage,
    QueueRow,
    quick_filters,
    work_order_queue,
)

SORT_COLUMN = {
    "number": "number",
    "priority": "p",
    "status": "status",
    "asset": "asset",
    "title": "title",
    "due": "due",
}
NARROW = 100  # below this many columns, dates and names are shortened


def status_text(status: str) -> str:
    return status.replace("_", " ")


def due_text(due: date | None, narrow: bool) -> str:
    """ISO when there is room; '31 Jan' this year and 'Jan 2024' otherwise when narrow."""
    if due is None:
        return ""
    if not narrow:
        return due.isoformat()
    return due.strftime("%d %b") if due.year == today().year else due.strftime("%b %Y")


def person(name: str | None, narrow: bool) -> str:
    """'Tomasz Nowak', or 'Tomasz N.' when the screen is narrow."""
    if not name:
        return ""
    first, _, rest = name.partition(" ")
    return f"{first} {rest[0]}." if narrow and rest else name


@dataclass(frozen=True, slots=True)
class NewWorkOrder:
    asset: str
    title: str
    wo_type: str
    priority: str


class CreateWorkOrderDialog(ModalScreen[NewWorkOrder | None]):
    """Asset tag, title, type and priority; Enter moves on, Enter on the last creates."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="CreateWorkOrderDialog")
        + """
    CreateWorkOrderDialog Horizontal { height: 1; margin: 1 0 0 0; }
    CreateWorkOrderDialog Horizontal Label { width: 10; }
    CreateWorkOrderDialog Input { border: none; height: 1; width: 1fr; padding: 0 1;
        background: $boost; }
    CreateWorkOrderDialog Input:focus { border: none; background: $accent 30%; }
    CreateWorkOrderDialog #problem { color: $error; }
    """
    )
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        # priority: the focus moves before the next key arrives (a scanner types fast)
        Binding("enter", "next_field", "Next field", priority=True),
        Binding("tab", "next_field(True)", "Next field", show=False, priority=True),
    ]
    FIELDS = (
        ("asset", "Asset", "asset tag, e.g. PUMP-07"),
        ("title", "Title", "what is wrong / what to do"),
        ("type", "Type", "PM, CM, EM or INSP"),
        ("priority", "Priority", "1 (highest) to 4"),
    )

    def __init__(self, given: NewWorkOrder | None = None, problem: str = "") -> None:
        super().__init__()
        self.given = given or NewWorkOrder("", "", "CM", "3")
        self.problem = problem

    def compose(self) -> ComposeResult:
        values = {
            "asset": self.given.asset,
            "title": self.given.title,
            "type": self.given.wo_type,
            "priority": self.given.priority,
        }
        with Vertical():
            yield Label("[b]New work order[/b]")
            for key, label, hint in self.FIELDS:
                with Horizontal():
                    yield Label(label)
                    yield Input(value=values[key], placeholder=hint, id=key)
            yield Label(Text(self.problem), id="problem")
            yield Label("Enter: next field, on Priority creates · Esc: drop", classes="hint")

    def on_mount(self) -> None:
        first_empty = next(
            (key for key, _, _ in self.FIELDS if not self.query_one(f"#{key}", Input).value),
            "asset",
        )
        self.set_focus(self.query_one(f"#{first_empty}", Input))

    def action_next_field(self, wrap: bool = False) -> None:
        """Enter: the next field, and on the last one create. Tab: the next, round."""
        inputs = [self.query_one(f"#{key}", Input) for key, _, _ in self.FIELDS]
        index = inputs.index(self.focused) if self.focused in inputs else 0
        if index < len(inputs) - 1 or wrap:
            self.set_focus(inputs[(index + 1) % len(inputs)])
            return
        self.after_typing(inputs)

    def after_typing(self, inputs: list[Input]) -> None:
        """Read the fields once each has handled the keys already sent to it.

        Keys go to a field's own queue; a callback queued behind them runs after them,
        so a fast burst (a scanner, a paste) is read whole.
        """
        if inputs:
            inputs[0].call_later(self.after_typing, inputs[1:])
            return
        asset, title, wo_type, priority = (
            self.query_one(f"#{key}", Input).value.strip() for key, _, _ in self.FIELDS
        )
        self.dismiss(NewWorkOrder(asset, title, wo_type, priority))

    def action_cancel(self) -> None:
        self.dismiss(None)


class FilterInput(Input):
    """The queue's filter line. Input's virtual size, which grows with the text typed,
    is a reactive that asks for a layout pass: every key re-arranged and re-drew the
    whole screen (~8 ms of a keystroke's 50 ms budget). This line is one row as wide
    as the screen whatever it holds, so a new size needs only a repaint."""

    virtual_size = Reactive(Size(0, 0), layout=False)


class QueueScreen(StoreroomScreen):
    """The work orders, a page at a time. Keys act on the table; '/' goes to the filter."""

    CSS_PATH = "queue.tcss"
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter"),
        Binding("escape", "leave_filter", "Back to list", show=False),
        Binding("down", "leave_filter", "Back to list", show=False),
        Binding("o", "statuses('open')", "Open", show=False),
        Binding("a", "statuses('all')", "All", show=False),
        Binding("f", "next_status", "Status", show=False),
        Binding("s", "next_sort", "Sort", show=False),
        Binding("S,shift+s", "reverse_sort", "Reverse sort", show=False),
        Binding("1", "priority(1)", "Priority 1", show=False),
        Binding("2", "priority(2)", "Priority 2", show=False),
        Binding("3", "priority(3)", "Priority 3", show=False),
        Binding("4", "priority(4)", "Priority 4", show=False),
        Binding("n", "next_page", "Next page", show=False),
        Binding("p", "previous_page", "Previous page", show=False),
        Binding("r", "refresh", "Refresh", show=False),
        Binding("c", "create", "New"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.queue_filter = QueueFilter()
        self.page_offset = 0
        self.page: QueuePage | None = None

    def compose(self) -> ComposeResult:
        yield ModeBar()
        yield FilterInput(placeholder="/ filter: number, asset, title", id="filter")
        yield Label("", id="quick")
        yield QueueTable(id="queue")
        yield MessageLine(id="message")
        yield StoreroomFooter()

    def on_mount(self) -> None:
        # no read here: the screen is resumed right after it is mounted, and every resume
        # re-reads (StoreroomScreen.on_screen_resume); reading here too read the first
        # page twice on the way to the first screen
        self.sub_title = "Work-order queue"
        self.set_focus(self.query_one(QueueTable))

    # --- reading ------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Re-read the page (another terminal posted); the cursor stays on its WO."""
        self.load(keep=self.current_number())

    def load(self, keep: str | None = None, to_bottom: bool = False) -> None:
        try:
            page = self.store.read(work_order_queue, self.queue_filter, self.page_offset)
        except StoreroomError as error:
            self.query_one(MessageLine).error(error.message)
            return
        self.page = page
        with self.app.batch_update():  # the table rebuilt, the bar updated: one frame
            self.render_page(page, keep, to_bottom)

    def current_number(self) -> str | None:
        table = self.query_one(QueueTable)
        if self.page is None or not table.row_count:
            return None
        row = min(table.cursor_row, len(self.page.rows) - 1)
        return self.page.rows[row].number if row >= 0 else None

    # --- rendering ----------------------------------------------------------------------------

    def on_resize(self) -> None:
        if self.page is not None:
            self.render_page(self.page, self.current_number())

    def render_page(
        self, page: QueuePage, keep: str | None = None, to_bottom: bool = False
    ) -> None:
        self.render_quick_bar(page)
        width = self.size.width or 80
        narrow = width < NARROW
        sort_key = SORT_COLUMN[self.queue_filter.sort]
        arrow = " ↓" if self.queue_filter.descending else " ↑"
        columns = [
            QueueColumn(key, label + (arrow if key == sort_key else ""), column_width)
            for key, label, column_width in self.column_widths(page.rows, width, narrow)
        ]
        room = [column.width - 1 for column in columns]  # one blank after each
        room[-1] += 1  # but the last

        def make_cells(index: int) -> list[Text]:
            cells = self.cells(page.rows[index], narrow)
            for cell, fits in zip(cells, room, strict=True):
                if cell.cell_len > fits:
                    cell.truncate(fits, overflow="ellipsis")
            return cells

        numbers = [row.number for row in page.rows]
        if keep in numbers:
            cursor = numbers.index(keep)
        elif to_bottom:
            cursor = len(numbers) - 1
        else:
            cursor = 0
        self.query_one(QueueTable).show(columns, numbers, make_cells, cursor, keep is None)

    def column_widths(
        self, rows: list[QueueRow], width: int, narrow: bool
    ) -> list[tuple[str, str, int]]:
        """Each column as wide as its page needs (one blank after), Title takes the rest."""

        def fit(label: str, texts: list[str], cap: int) -> int:
            return min(max([len(label) + 2, *(len(t) for t in texts)]), cap) + 1

        number = fit("Number", [r.number for r in rows], 14)
        priority = 3
        status = fit("Status", [status_text(r.status) for r in rows], 11)
        asset = fit("Asset", [r.asset for r in rows], 8 if narrow else 14)
        due = fit("Due", [("!" if r.overdue else "") + due_text(r.due, narrow) for r in rows], 11)
        parts = fit("Parts", [r.readiness for r in rows], 10)
        names = [person(r.assignee, narrow) for r in rows]
        assignee = fit("Assignee", names, 10 if narrow else 18) - 1
        fixed = number + priority + status + asset + due + parts + assignee
        title = max(width - fixed - 2, 12)  # the vertical scrollbar and a margin
        return [
            ("number", "Number", number),
            ("p", "P", priority),
            ("status", "Status", status),
            ("asset", "Asset", asset),
            ("title", "Title", title),
            ("due", "Due", due),
            ("parts", "Parts", parts),
            ("assignee", "Assignee", assignee),
        ]

    def cells(self, row: QueueRow, narrow: bool) -> list[Text]:
        base = "bold" if row.emergency else ""
        urgent = "bold red" if row.emergency else ""
        late = "bold yellow" if row.overdue else base
        parts_style = {"ready": "green", "issued": "green", "no parts": "dim"}.get(
            row.readiness, "yellow" if row.readiness.startswith("short") else ""
        )
        return [
            Text(row.number, style=urgent),
            Text(f"{row.priority}{'!' if row.emergency else ''}", style=urgent),
            Text(status_text(row.status), style=base),
            Text(row.asset, style=base),
            Text(row.title, style=base),
            Text(("!" if row.overdue else "") + due_text(row.due, narrow), style=late),
            Text(row.readiness, style=parts_style),
            Text(person(row.assignee, narrow), style=base),
        ]

    def render_quick_bar(self, page: QueuePage) -> None:
        f = self.queue_filter
        priority = f"P{f.priority}" if f.priority else "P any"
        arrow = "↓" if f.descending else "↑"
        legend = "  ! emergency/overdue" if self.size.width >= 100 else ""
        self.query_one("#quick", Label).update(
            Text.assemble(
                (f.status_label, "bold"),
                (" (o a f)", "dim"),
                (" · ", "dim"),
                (priority, "bold"),
                (" (1–4)", "dim"),
                (" · sort ", "dim"),
                (f"{f.sort} {arrow}", "bold"),
                (" (s S)", "dim"),
                (" · ", "dim"),
                page.range_text,
                (legend, "dim"),
            ),
            layout=False,  # one line, as wide as the screen: no layout pass for each key
        )

    # --- the filter ---------------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        if event.value == self.queue_filter.text:
            return
        self.apply(replace(self.queue_filter, text=event.value))

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        """Enter in the filter: one match opens it, otherwise on to the list."""
        if self.page is not None and self.page.total == 1:
            self.open_work_order(self.page.rows[0].number)
        self.set_focus(self.query_one(QueueTable))

    def apply(self, queue_filter: QueueFilter) -> None:
        self.queue_filter = queue_filter
        self.page_offset = 0
        self.load()

    def action_focus_filter(self) -> None:
        self.set_focus(self.query_one("#filter", Input))

    def action_leave_filter(self) -> None:
        if self.focused is self.query_one("#filter", Input):
            self.set_focus(self.query_one(QueueTable))
        elif self.focused is not self.query_one(QueueTable):
            self.storeroom_app.go_back()

    def action_statuses(self, which: str) -> None:
        self.apply(replace(self.queue_filter, statuses=OPEN if which == "open" else ALL_STATUSES))

    def action_next_status(self) -> None:
        """Cycle the quick filters: open, each status in the order of a WO's life, all."""
        cycle = quick_filters()
        sets = [statuses for _, statuses in cycle]
        current = self.queue_filter.statuses
        index = sets.index(current) if current in sets else -1
        self.apply(replace(self.queue_filter, statuses=sets[(index + 1) % len(sets)]))

    def action_priority(self, priority: int) -> None:
        """1-4 keep that priority only; the same key again shows every priority."""
        chosen = None if self.queue_filter.priority == priority else priority
        self.apply(replace(self.queue_filter, priority=chosen))

    def action_next_sort(self) -> None:
        following = SORTS[(SORTS.index(self.queue_filter.sort) + 1) % len(SORTS)]
        self.apply(replace(self.queue_filter, sort=following, descending=False))

    def action_reverse_sort(self) -> None:
        self.apply(replace(self.queue_filter, descending=not self.queue_filter.descending))

    # --- pages --------------------------------------------------------------------------------

    def action_next_page(self) -> None:
        if self.page is None or not self.page.has_next:
            self.query_one(MessageLine).info("this is the last page")
            return
        self.page_offset += self.page.limit
        self.load()

    def action_previous_page(self, to_bottom: bool = False) -> None:
        if self.page is None or not self.page.has_previous:
            self.query_one(MessageLine).info("this is the first page")
            return
        self.page_offset = max(self.page_offset - self.page.limit, 0)
        self.load(to_bottom=to_bottom)

    def action_refresh(self) -> None:
        self.refresh_data()
        self.query_one(MessageLine).info("queue re-read")

    # --- opening and creating -----------------------------------------------------------------

    @on(QueueTable.PageEdge)
    def page_edge(self, event: QueueTable.PageEdge) -> None:
        if event.forward:
            self.action_next_page()
        else:
            self.action_previous_page(to_bottom=True)

    @on(QueueTable.RowSelected, "#queue")
    def row_chosen(self, event: QueueTable.RowSelected) -> None:
        self.open_work_order(event.key)

    def open_work_order(self, number: str) -> None:
        from screens.workorder import WorkOrderScreen  # not needed for the first screen

        self.app.push_screen(WorkOrderScreen(number))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "create":
            return self.can(Action.CREATE_WO)
        return True

    def action_create(self, given: NewWorkOrder | None = None, problem: str = "") -> None:
        if not self.can(Action.CREATE_WO):
            return

        def answered(new: NewWorkOrder | None) -> None:
            if new is not None:
                self.create(new)

        self.app.push_screen(CreateWorkOrderDialog(given, problem), answered)

    def create(self, new: NewWorkOrder) -> None:
        text = new.priority or "3"
        priority: int | str = int(text) if text.isdigit() else text
        try:
            work_order = self.store.write(
                workorders.create_work_order,
                new.asset,
                new.title,
                new.wo_type or "CM",
                priority,  # type: ignore[arg-type]
            )
        except StoreroomError as error:
            self.query_one(MessageLine).error(error.message)
            self.action_create(new, error.message)
            return
        self.query_one(MessageLine).show(
            Outcome(
                Tone.POSTED,
                f"{work_order.number} created: {work_order.wo_type} P{work_order.priority} "
                f"on {new.asset.upper()}, {work_order.status}",
            )
        )
        self.load(keep=work_order.number)
