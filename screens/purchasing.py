"""Buy (F7): what the storeroom is short of and what is on order, in five views a key
apart — requisitions (r), purchase orders (p), the weekly open-PO review (v), the
three-way-match exceptions (x) and the WOs whose parts are now complete (w).

One table serves every view, so the screen fits 80x24 with a line to spare; the
footer offers only the keys of the view shown and the user's role. Every rule (who
may approve, how requisitions group into POs, what counts as overdue) is a service's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from screens.base import StoreroomScreen
from screens.dialogs import ReasonDialog
from screens.forms import Field, FormDialog
from screens.purchase_order import PurchaseOrderScreen, money
from screens.widgets import MessageLine, ModeBar, StoreroomFooter
from screens.workorder import WorkOrderScreen
from storeroom_tui import invoicing, purchasing, receiving
from storeroom_tui.errors import StoreroomError
from storeroom_tui.outcome import Outcome, Tone
from storeroom_tui.permissions import Action
from storeroom_tui.quantities import format_qty, parse_qty

VIEWS = (
    ("req", "Requisitions", "r"),
    ("po", "POs", "p"),
    ("review", "Review", "v"),
    ("exc", "Exceptions", "x"),
    ("ready", "Parts here", "w"),
)
# the PO list's quick filters, in the order a PO lives; None is every PO
PO_FILTERS: tuple[str | None, ...] = (
    None,
    "pending_approval",
    "draft",
    "approved",
    "partially_received",
    "received",
    "refused",
    "closed",
    "cancelled",
)
# which keys belong to which view (the rest are everywhere)
VIEW_ACTIONS = {
    "raise_req": "req",
    "toggle": "req",
    "order": "req",
    "cancel_req": "req",
    "next_filter": "po",
    "accept": "exc",
    "reject": "exc",
}


def words(status: str) -> str:
    return status.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    cap: int = 14  # widest it may grow; the flexible column takes the rest


def fill(
    table: DataTable,
    width: int,
    columns: list[Column],
    rows: list[tuple[str, list[Text]]],
    flex: str,
) -> None:
    """Each column as wide as its cells need (one blank after), `flex` takes the rest."""
    table.clear(columns=True)
    widths = {}
    for index, column in enumerate(columns):
        texts = [len(cells[index].plain) for _, cells in rows]
        widths[column.key] = min(max([len(column.label), *texts]), column.cap) + 1
    fixed = sum(w for key, w in widths.items() if key != flex)
    widths[flex] = max(width - fixed - 2, 8)
    for column in columns:
        table.add_column(column.label, width=widths[column.key], key=column.key)
    for key, cells in rows:
        for column, cell in zip(columns, cells, strict=True):
            room = widths[column.key] - 1  # one blank after each column
            if len(cell) > room:
                cell.truncate(room, overflow="ellipsis")
            elif cell.justify == "right":
                cell.pad_left(room - len(cell))
                cell.justify = "left"
        table.add_row(*cells, key=key)


class PurchasingScreen(StoreroomScreen):
    CSS_PATH = "purchasing.tcss"
    BINDINGS = [
        Binding("r", "view('req')", "Requisitions", show=False),
        Binding("p", "view('po')", "POs", show=False),
        Binding("v", "view('review')", "Review", show=False),
        Binding("x", "view('exc')", "Exceptions", show=False),
        Binding("w", "view('ready')", "Parts here", show=False),
        Binding("n", "raise_req", "New req"),
        Binding("space", "toggle", "Select"),
        Binding("o", "order", "Order"),
        Binding("c", "cancel_req", "Cancel req"),
        Binding("f", "next_filter", "Status"),
        Binding("a", "accept", "Accept"),
        Binding("j", "reject", "Reject"),
        Binding("enter", "open", "Open"),
        Binding("escape", "back", "Back", show=False),
        Binding("ctrl+r", "refresh", "Refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "req"
        self.selected: set[str] = set()
        self.po_filter: str | None = None
        self.keys: list[str] = []  # the row keys of the table, in order
        self.reasons: dict[str, str] = {}  # the exceptions' reasons by row key

    def compose(self) -> ComposeResult:
        yield ModeBar()
        yield Label("", id="views")
        yield Label("", id="quick")
        yield DataTable(id="buy", cursor_type="row", cell_padding=0, zebra_stripes=True)
        yield Static("", id="detail")
        yield MessageLine(id="message")
        yield StoreroomFooter()

    def on_mount(self) -> None:
        self.sub_title = "Buy"
        self.refresh_data()
        self.set_focus(self.query_one("#buy", DataTable))

    # --- reading and rendering ---------------------------------------------------------------

    def refresh_data(self) -> None:
        table = self.query_one("#buy", DataTable)
        keep = self.current_key()
        try:
            rows, columns, flex, quick = self.load(self.size.width or 80)
        except StoreroomError as error:
            self.query_one(MessageLine).error(error.message)
            return
        with self.app.batch_update():
            self.render_views()
            self.query_one("#quick", Label).update(quick)
            fill(table, self.size.width or 80, columns, rows, flex)
            self.keys = [key for key, _ in rows]
            if keep in self.keys:
                table.move_cursor(row=self.keys.index(keep), animate=False)
            self.show_detail()
        self.refresh_bindings()

    def on_resize(self) -> None:
        self.refresh_data()

    def current_key(self) -> str | None:
        table = self.query_one("#buy", DataTable)
        if not self.keys or table.cursor_row < 0 or table.cursor_row >= len(self.keys):
            return None
        return self.keys[table.cursor_row]

    def render_views(self) -> None:
        parts: list[tuple[str, str] | str] = []
        for view, label, key in VIEWS:
            lit = view == self.view
            parts += [
                (f" {key} ", "reverse bold" if lit else "bold"),
                (f"{label} ", "reverse" if lit else ""),
            ]
            parts.append(" ")
        self.query_one("#views", Label).update(Text.assemble(*parts, no_wrap=True))

    def load(self, width: int) -> tuple[list[tuple[str, list[Text]]], list[Column], str, Text]:
        loader: dict[str, Callable[[int], tuple]] = {
            "req": self.load_requisitions,
            "po": self.load_purchase_orders,
            "review": self.load_review,
            "exc": self.load_exceptions,
            "ready": self.load_ready,
        }
        return loader[self.view](width)

    def load_requisitions(self, width: int) -> tuple:
        found = self.store.read(purchasing.list_requisitions, "open")
        self.selected &= {r.number for r in found}
        rows = []
        for r in found:
            urgent = "bold red" if r.expedited else ""
            mark = "●" if r.number in self.selected else ("!" if r.expedited else "")
            rows.append(
                (
                    r.number,
                    [
                        Text(mark, style="bold yellow" if r.number in self.selected else urgent),
                        Text(r.number, style=urgent),
                        Text(r.part),
                        Text(r.description),
                        Text(format_qty(r.qty), justify="right"),
                        Text(r.work_order or "", style=urgent),
                        Text(r.asset or ""),
                        Text(r.vendor or "none", style="" if r.vendor else "bold red"),
                        Text(r.source),
                    ],
                )
            )
        narrow = width < 100
        columns = [
            Column("sel", "", 1),
            Column("number", "Req", 9),
            Column("part", "Part", 12),
            Column("desc", "Description", 40),
            Column("qty", "Qty", 7),
            Column("wo", "For WO", 9),
            Column("asset", "Asset", 8 if narrow else 14),
            Column("vendor", "Vendor", 8 if narrow else 10),
            Column("source", "Source", 8),
        ]
        if narrow:  # the description matters more than the source at 80 columns
            columns.pop()
            rows = [(key, cells[:-1]) for key, cells in rows]
        chosen = f"{len(self.selected)} selected" if self.selected else "none selected"
        quick = Text.assemble(
            (f"{len(found)} open", "bold"),
            (" · expedited (!) first, then for a WO · ", "dim"),
            (chosen, "bold yellow" if self.selected else ""),
            (" (space)", "dim"),
        )
        return rows, columns, "desc", quick

    def load_purchase_orders(self, width: int) -> tuple:
        found = self.store.read(purchasing.list_purchase_orders, self.po_filter)
        rows = []
        for po in found:
            urgent = "bold red" if po.expedited else ""
            rows.append(
                (
                    po.number,
                    [
                        Text("!" if po.expedited else "", style=urgent),
                        Text(po.number, style=urgent),
                        Text(words(po.status), style=_STATUS_STYLE.get(po.status, "")),
                        Text(po.vendor),
                        Text(po.vendor_name),
                        Text(money(po.total), justify="right"),
                        Text(po.requested_date.isoformat() if po.requested_date else ""),
                        Text(po.erp_number or ""),
                    ],
                )
            )
        narrow = width < 100
        columns = [
            Column("mark", "", 1),
            Column("number", "PO", 10),
            Column("status", "Status", 18),
            Column("vendor", "Vendor", 8),
            Column("name", "Name", 30),
            Column("total", "Total", 12),
            Column("due", "Wanted", 10),
            Column("erp", "ERP", 8 if narrow else 14),
        ]
        shown = words(self.po_filter) if self.po_filter else "every status"
        quick = Text.assemble(
            (shown, "bold"),
            (" (f)", "dim"),
            (f" · {len(found)} POs · ", "dim"),
            ("!", "bold red"),
            (" expedited · Enter opens", "dim"),
        )
        return rows, columns, "name", quick

    def load_review(self, width: int) -> tuple:
        vendors = self.store.read(purchasing.open_po_review)
        rows: list[tuple[str, list[Text]]] = []
        for group in vendors:
            rows.append(
                (
                    f"vendor:{group.vendor}",
                    [
                        Text(""),
                        Text(f"{group.vendor} {group.vendor_name}", style="bold"),
                        Text(""),
                        Text(""),
                        Text(""),
                        Text(""),
                        Text(money(group.outstanding_value), style="bold", justify="right"),
                    ],
                )
            )
            for po in group.purchase_orders:
                late = f"{po.days_late} d late" if po.overdue else ""
                rows.append(
                    (
                        po.number,
                        [
                            Text("!" if po.expedited else "", style="bold red"),
                            Text("  " + po.number, style="bold red" if po.expedited else ""),
                            Text(words(po.status)),
                            Text(late, style="bold yellow" if late else ""),
                            Text(money(po.ordered_value), justify="right"),
                            Text(money(po.received_value), justify="right"),
                            Text(money(po.outstanding_value), justify="right"),
                        ],
                    )
                )
        columns = [
            Column("mark", "", 1),
            Column("number", "Vendor / PO", 40),
            Column("status", "Status", 18),
            Column("late", "Overdue", 10),
            Column("ordered", "Ordered", 12),
            Column("received", "Received", 12),
            Column("open", "Open value", 12),
        ]
        quick = Text.assemble(
            ("Open-PO review", "bold"),
            (f" · {len(vendors)} vendor(s) with overdue or partly received POs", "dim"),
        )
        return rows, columns, "number", quick

    def load_exceptions(self, width: int) -> tuple:
        found = self.store.read(invoicing.list_exceptions, "open")
        self.reasons = {str(e.id): e.reason for e in found}
        rows = [
            (
                str(e.id),
                [
                    Text(str(e.id)),
                    Text(e.po_number),
                    Text(e.invoice or ""),
                    Text(e.kind),
                    Text(e.reason),
                ],
            )
            for e in found
        ]
        columns = [
            Column("id", "#", 4),
            Column("po", "PO", 10),
            Column("invoice", "Invoice", 10),
            Column("kind", "Kind", 8),
            Column("reason", "Reason", 200),
        ]
        may = " · a accept as billed, j reject" if self.can(Action.INVOICE) else ""
        quick = Text.assemble(
            (f"{len(found)} open match exception(s)", "bold"),
            (may, "dim"),
        )
        return rows, columns, "reason", quick

    def load_ready(self, width: int) -> tuple:
        found = self.store.read(receiving.work_orders_with_parts_complete)
        rows = [
            (
                p.number,
                [
                    Text(p.number, style="bold"),
                    Text(str(p.priority)),
                    Text(words(p.status)),
                    Text(p.title),
                    Text(p.last_arrival.strftime("%Y-%m-%d %H:%M")),
                ],
            )
            for p in found
        ]
        columns = [
            Column("number", "WO", 10),
            Column("p", "P", 1),
            Column("status", "Status", 11),
            Column("title", "Title", 60),
            Column("at", "Last arrival", 16),
        ]
        quick = Text.assemble(
            (f"{len(found)} WO(s) with every part here", "bold"),
            (" · for the technicians · Enter opens", "dim"),
        )
        return rows, columns, "title", quick

    # --- what is offered now --------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        view = VIEW_ACTIONS.get(action)
        if view is not None and view != self.view:
            return False
        if action in ("raise_req", "cancel_req"):
            return self.can(Action.REQUISITION)
        if action == "order":
            return self.can(Action.PURCHASE)
        if action in ("accept", "reject"):
            return self.can(Action.INVOICE)
        if action == "open":
            return self.view in ("po", "review", "ready")
        return True

    # --- actions ----------------------------------------------------------------------------

    def say(self, tone: Tone, message: str) -> None:
        self.query_one(MessageLine).show(Outcome(tone, message))

    def action_view(self, view: str) -> None:
        self.view = view
        self.query_one("#buy", DataTable).move_cursor(row=0, animate=False)
        self.refresh_data()

    def action_next_filter(self) -> None:
        index = PO_FILTERS.index(self.po_filter)
        self.po_filter = PO_FILTERS[(index + 1) % len(PO_FILTERS)]
        self.refresh_data()

    def action_toggle(self) -> None:
        number = self.current_key()
        if number is None:
            return
        self.selected ^= {number}
        self.refresh_data()
        table = self.query_one("#buy", DataTable)
        if table.cursor_row < len(self.keys) - 1:
            table.move_cursor(row=table.cursor_row + 1, animate=False)

    def action_order(self) -> None:
        numbers = sorted(self.selected) or ([k] if (k := self.current_key()) else [])
        if not numbers:
            self.say(Tone.ERROR, "no requisition to order: select some with space")
            return
        try:
            made = self.store.write(purchasing.order_requisitions, numbers)
        except StoreroomError as error:
            self.say(Tone.ERROR, error.message)
            return
        self.selected.clear()
        told = "; ".join(
            f"{po.number} to {po.vendor} ({len(po.lines)} line(s), {money(po.total)})"
            for po in made
        )
        self.say(Tone.POSTED, f"drafted {told}: submit it from the PO (p, Enter)")
        self.refresh_data()

    def action_raise_req(self, given: dict[str, str] | None = None, problem: str = "") -> None:
        given = given or {}
        fields = [
            Field("part", "Part", "part number or barcode", given.get("part", "")),
            Field("qty", "Quantity", "how many", given.get("qty", "")),
            Field("wo", "For WO", "WO-… (optional)", given.get("wo", "")),
            Field("vendor", "Vendor", "vendor code (optional)", given.get("vendor", "")),
        ]

        def answered(values: dict[str, str] | None) -> None:
            if values is not None:
                self.raise_req(values)

        self.app.push_screen(FormDialog("New requisition", fields, problem), answered)

    def raise_req(self, values: dict[str, str]) -> None:
        try:
            view = self.store.write(
                purchasing.raise_requisition,
                values["part"],
                parse_qty(values["qty"] or "0"),
                values["wo"] or None,
                None,
                values["vendor"] or None,
            )
        except StoreroomError as error:
            self.say(Tone.ERROR, error.message)
            self.action_raise_req(values, error.message)
            return
        linked = f" for {view.work_order}" if view.work_order else ""
        self.say(Tone.POSTED, f"{view.number} raised: {format_qty(view.qty)} {view.part}{linked}")
        self.refresh_data()

    def action_cancel_req(self) -> None:
        number = self.current_key()
        if number is None:
            return

        def answered(reason: str | None) -> None:
            if not reason:
                self.say(Tone.INFO, "dropped; nothing changed")
                return
            try:
                view = self.store.write(purchasing.cancel_requisition, number, reason)
            except StoreroomError as error:
                self.say(Tone.ERROR, error.message)
            else:
                self.say(Tone.POSTED, f"{view.number} cancelled: {reason}")
            self.refresh_data()

        self.app.push_screen(ReasonDialog(f"Why cancel {number}?"), answered)

    def resolve(self, accept: bool) -> None:
        key = self.current_key()
        if key is None:
            return
        verb = "accept as billed" if accept else "reject (the vendor owes a credit)"

        def answered(note: str | None) -> None:
            if not note:
                self.say(Tone.INFO, "dropped; nothing changed")
                return
            try:
                view = self.store.write(invoicing.resolve_exception, int(key), accept, note)
            except StoreroomError as error:
                self.say(Tone.ERROR, error.message)
            else:
                self.say(Tone.POSTED, f"exception {view.id} on {view.po_number} {view.resolution}")
            self.refresh_data()

        self.app.push_screen(ReasonDialog(f"Exception {key}: {verb} — note?"), answered)

    def action_accept(self) -> None:
        self.resolve(True)

    def action_reject(self) -> None:
        self.resolve(False)

    def action_open(self) -> None:
        key = self.current_key()
        if key is None or key.startswith("vendor:"):
            return
        if self.view in ("po", "review"):
            self.app.push_screen(PurchaseOrderScreen(key))
        elif self.view == "ready":
            self.app.push_screen(WorkOrderScreen(key))

    @on(DataTable.RowHighlighted, "#buy")
    def row_highlighted(self) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        """The whole reason of the exception under the cursor: too long for a column."""
        detail = self.query_one("#detail", Static)
        key = self.current_key()
        reason = self.reasons.get(key or "") if self.view == "exc" else None
        detail.display = reason is not None
        detail.update(Text(reason or ""))

    @on(DataTable.RowSelected, "#buy")
    def row_chosen(self) -> None:
        self.action_open()

    def action_refresh(self) -> None:
        self.refresh_data()
        self.say(Tone.INFO, "re-read")

    def action_back(self) -> None:
        self.storeroom_app.go_back()


_STATUS_STYLE = {
    "pending_approval": "bold yellow",
    "refused": "bold red",
    "approved": "green",
    "partially_received": "yellow",
    "received": "green",
    "closed": "dim",
    "cancelled": "dim",
}
