"""One purchase order: its lines (ordered, received, invoiced), the approval log, where
it stands in the three-way match, and only the actions its status and the user's role
allow now. Who may approve this total is the service's decision: a refusal shows its
reason on the red line."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from screens.base import StoreroomScreen
from screens.dialogs import ReasonDialog
from screens.forms import Field, FormDialog
from screens.widgets import MessageLine, ModeBar, StoreroomFooter
from storeroom_tui import invoicing, purchasing
from storeroom_tui.errors import StoreroomError
from storeroom_tui.invoicing import INVOICEABLE, InvoiceLineInput, MatchState
from storeroom_tui.outcome import Outcome, Tone
from storeroom_tui.permissions import Action
from storeroom_tui.purchasing import CANCELLABLE, SUBMITTABLE, PurchaseOrderView
from storeroom_tui.quantities import format_money, format_qty, parse_money, parse_qty
from storeroom_tui.receiving import RECEIVABLE


def money(cents: int) -> str:
    return format_money(cents)


def qty(milli: int) -> str:
    return format_qty(milli) if milli else ""


def words(status: str) -> str:
    return status.replace("_", " ")


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


class PurchaseOrderScreen(StoreroomScreen):
    CSS_PATH = "purchase_order.tcss"
    BINDINGS = [
        Binding("s", "submit", "Submit"),
        Binding("a", "approve", "Approve"),
        Binding("f", "refuse", "Refuse"),
        Binding("e", "receive", "Receive"),
        Binding("i", "invoice", "Invoice"),
        Binding("c", "close_po", "Close PO"),
        Binding("x", "cancel_po", "Cancel PO"),
        Binding("escape", "back", "Back"),
        Binding("ctrl+r", "refresh", "Refresh", show=False),
    ]

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number
        self.po: PurchaseOrderView | None = None
        self.match: MatchState | None = None
        self.problem = ""

    def compose(self) -> ComposeResult:
        yield ModeBar()
        yield Static("", id="po-header")
        yield DataTable(id="po-lines", cursor_type="row", cell_padding=0, zebra_stripes=True)
        yield Label("Approval log", id="log-title")
        yield DataTable(id="po-log", cursor_type="row", cell_padding=0)
        yield Static("", id="match")
        yield MessageLine(id="message")
        yield StoreroomFooter()

    def on_mount(self) -> None:
        self.refresh_data()
        self.set_focus(self.query_one("#po-lines", DataTable))

    # --- reading ------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        try:
            self.po = self.store.read(purchasing.po_detail, self.number)
            self.match = self.store.read(invoicing.match_state, self.po.number)
        except StoreroomError as error:
            self.po, self.match, self.problem = None, None, error.message
            self.query_one(MessageLine).error(error.message)
        else:
            self.number, self.problem = self.po.number, ""
        self.show_po()
        self.refresh_bindings()

    def on_resize(self) -> None:
        self.show_po()

    # --- rendering ----------------------------------------------------------------------------

    def show_po(self) -> None:
        po = self.po
        header = self.query_one("#po-header", Static)
        if po is None:
            header.update(Text(self.problem, style="bold red"))
            return
        self.sub_title = f"Purchase order {po.number}"
        room = (self.size.width or 80) - 2
        first = Text.assemble((po.number, "bold red" if po.expedited else "bold"), "  ")
        if po.expedited:
            first.append("! EXPEDITED  ", style="bold red")
        first.append(f"{po.vendor} ")
        first.append(po.vendor_name, style="bold")
        if po.erp_number:
            first.append(f" · ERP {po.erp_number}")
        first.truncate(room, overflow="ellipsis")
        second = Text.assemble(
            (f" {words(po.status)} ", "bold reverse"),
            " total ",
            (money(po.total), "bold"),
            f" · approver: {po.approval_needs}",
            f" · wanted {po.requested_date.isoformat()}" if po.requested_date else "",
            f" · by {po.created_by}",
        )
        second.truncate(room, overflow="ellipsis")
        header.update(Text("\n").join([first, second]))
        self.show_lines(po)
        self.show_log(po)
        self.show_match()

    def show_lines(self, po: PurchaseOrderView) -> None:
        table = self.query_one("#po-lines", DataTable)
        table.clear(columns=True)
        width = self.size.width or 80
        narrow = width < 100
        part_width = min(max([4, *(len(line.part) for line in po.lines)]), 14) + 1
        cols = [
            ("qty", "Qty", [qty(line.qty) for line in po.lines]),
            ("price", "Price", [money(line.unit_price) for line in po.lines]),
            ("amount", "Amount", [money(line.amount) for line in po.lines]),
            ("received", "Recvd" if narrow else "Received", [qty(ln.received) for ln in po.lines]),
            ("invoiced", "Invd" if narrow else "Invoiced", [qty(ln.invoiced) for ln in po.lines]),
            ("wo", "For WO", [line.work_order or "" for line in po.lines]),
        ]
        widths = {k: max([len(label), *(len(v) for v in values)]) + 1 for k, label, values in cols}
        description = max(width - 3 - part_width - sum(widths.values()) - 2, 8)
        table.add_column("#", width=3, key="line")
        table.add_column("Part", width=part_width, key="part")
        table.add_column("Description", width=description, key="desc")
        for key, label, _ in cols:
            table.add_column(label, width=widths[key], key=key)

        def right(text: str, key: str) -> Text:
            return Text(text.rjust(widths[key] - 1))

        for line in po.lines:
            done = line.received >= line.qty
            table.add_row(
                str(line.line_no),
                line.part,
                clip(line.description, description - 1),
                right(qty(line.qty), "qty"),
                right(money(line.unit_price), "price"),
                right(money(line.amount), "amount"),
                Text(qty(line.received), style="green" if done else "yellow"),
                Text(
                    qty(line.invoiced),
                    style="green" if line.invoiced == line.received and done else "",
                ),
                line.work_order or "",
                key=str(line.line_no),
            )
        if not po.lines:
            table.add_row("", "", Text("no lines", style="dim"), *[""] * len(cols))

    def show_log(self, po: PurchaseOrderView) -> None:
        table = self.query_one("#po-log", DataTable)
        table.clear(columns=True)
        width = self.size.width or 80
        who_width = min(max([4, *(len(e.who) for e in po.events)]), 16) + 1
        why = max(width - 17 - who_width - 11 - 11 - 2, 10)
        table.add_column("When", width=17, key="when")
        table.add_column("Who", width=who_width, key="who")
        table.add_column("Role", width=11, key="role")
        table.add_column("Decision", width=11, key="decision")
        table.add_column("Why", width=why, key="why")
        style = {"approved": "green", "refused": "bold red", "cancelled": "red"}
        for index, event in enumerate(reversed(po.events)):
            table.add_row(
                event.at.strftime("%Y-%m-%d %H:%M"),
                clip(event.who, who_width - 1),
                event.role,
                Text(event.decision, style=style.get(event.decision, "")),
                clip(event.reason or "", why),
                key=str(index),
            )

    def show_match(self) -> None:
        match = self.match
        box = self.query_one("#match", Static)
        if match is None:
            box.update("")
            return

        def mark(ok: bool) -> tuple[str, str]:
            return ("✔", "bold green") if ok else ("✘", "bold red")

        first = Text.assemble(
            ("Match: ", "bold"),
            "received ",
            mark(match.fully_received),
            " · invoiced ",
            mark(match.fully_invoiced) if match.invoices else ("none yet", "dim"),
            " · exceptions ",
            (str(match.open_exceptions), "bold red" if match.open_exceptions else "green"),
        )
        for ref, status, total in match.invoices:
            first.append(f" · {ref} {status} {money(total)}")
        first.truncate((self.size.width or 80) - 2, overflow="ellipsis")
        if match.status == "closed":
            second = Text("closed", style="dim")
        elif match.can_close:
            second = Text("matched and received: c closes it", style="bold green")
        else:
            second = Text("open: " + "; ".join(match.blockers), style="yellow")
        box.update(Text("\n").join([first, second]))

    # --- what is allowed now ------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        po = self.po
        if action in ("back", "refresh"):
            return True
        if po is None:
            return False
        if action == "submit":
            return po.status in SUBMITTABLE and self.can(Action.PURCHASE)
        if action in ("approve", "refuse"):
            # offered to every role that may approve; the service decides the tier
            return po.status == "pending_approval" and self.can(Action.APPROVE_PO)
        if action == "receive":
            return po.status in RECEIVABLE and self.can(Action.RECEIVE)
        if action == "invoice":
            return po.status in INVOICEABLE and self.can(Action.INVOICE)
        if action == "close_po":
            return (
                self.match is not None
                and self.match.can_close
                and (self.can(Action.INVOICE) or self.can(Action.PURCHASE))
            )
        if action == "cancel_po":
            return po.status in CANCELLABLE and self.can(Action.PURCHASE)
        return True

    # --- actions ------------------------------------------------------------------------------

    def say(self, tone: Tone, message: str) -> None:
        self.query_one(MessageLine).show(Outcome(tone, message))

    def decide(self, call: Callable[..., object], *args: object, told: str) -> None:
        try:
            self.store.write(call, self.number, *args)
        except StoreroomError as error:
            self.say(Tone.ERROR, error.message)
        else:
            self.say(Tone.POSTED, told)
        self.refresh_data()

    def action_submit(self) -> None:
        if self.check_action("submit", ()) and self.po is not None:
            self.decide(
                purchasing.submit_purchase_order,
                told=f"{self.number} submitted for approval (a {self.po.approval_needs} or above)",
            )

    def action_approve(self) -> None:
        if not self.check_action("approve", ()) or self.po is None:
            return
        total = money(self.po.total)

        def answered(values: dict[str, str] | None) -> None:
            if values is None:
                self.say(Tone.INFO, "not approved; nothing changed")
                return
            note = values["note"] or None
            because = f": {note}" if note else ""
            self.decide(
                purchasing.approve_purchase_order, note, told=f"{self.number} approved{because}"
            )

        field = Field("note", "Why", "a note for the log (optional)")
        self.app.push_screen(
            FormDialog(f"Approve {self.number} for {total}? Enter approves, Esc drops", [field]),
            answered,
        )

    def action_refuse(self) -> None:
        if not self.check_action("refuse", ()):
            return

        def answered(reason: str | None) -> None:
            if reason:
                self.decide(
                    purchasing.refuse_purchase_order,
                    reason,
                    told=f"{self.number} refused: {reason}",
                )
            else:
                self.say(Tone.INFO, "dropped; nothing changed")

        self.app.push_screen(ReasonDialog(f"Why refuse {self.number}?"), answered)

    def action_cancel_po(self) -> None:
        if not self.check_action("cancel_po", ()):
            return

        def answered(reason: str | None) -> None:
            if reason:
                self.decide(
                    purchasing.cancel_purchase_order,
                    reason,
                    told=f"{self.number} cancelled: {reason}; its requisitions are open again",
                )
            else:
                self.say(Tone.INFO, "dropped; nothing changed")

        self.app.push_screen(ReasonDialog(f"Why cancel {self.number}?"), answered)

    def action_close_po(self) -> None:
        if self.check_action("close_po", ()):
            self.decide(invoicing.close_purchase_order, told=f"{self.number} closed: matched")

    def action_receive(self) -> None:
        if not self.check_action("receive", ()):
            return
        number = self.number
        self.app.switch_mode("receive")
        opener = getattr(self.app.screen, "open_po", None)
        if opener is not None:
            self.app.screen.call_later(opener, number)

    def action_invoice(self, given: dict[str, str] | None = None, problem: str = "") -> None:
        if not self.check_action("invoice", ()) or self.po is None:
            return
        given = given or {}
        first = next((ln for ln in self.po.lines if ln.received > ln.invoiced), None)
        fields = [
            Field("ref", "Invoice no", "the vendor's invoice number", given.get("ref", "")),
            Field("line", "PO line", "line number or part", given.get("line", "")),
            Field(
                "qty",
                "Quantity",
                "how many billed",
                given.get("qty", format_qty(first.received - first.invoiced) if first else ""),
            ),
            Field(
                "price",
                "Unit price",
                "as billed",
                given.get("price", money(first.unit_price).replace(",", "") if first else ""),
            ),
        ]
        if first is not None and "line" not in given:
            fields[1] = Field("line", "PO line", "line number or part", str(first.line_no))

        def answered(values: dict[str, str] | None) -> None:
            if values is not None:
                self.enter_invoice(values)

        self.app.push_screen(FormDialog(f"Invoice on {self.number}", fields, problem), answered)

    def enter_invoice(self, values: dict[str, str]) -> None:
        try:
            line = InvoiceLineInput(
                values["line"], parse_qty(values["qty"] or "0"), parse_money(values["price"] or "")
            )
            result = self.store.write(invoicing.enter_invoice, self.number, values["ref"], [line])
        except StoreroomError as error:
            self.say(Tone.ERROR, error.message)
            self.refresh_data()
            return
        tone = Tone.POSTED if result.status == "matched" else Tone.ERROR
        self.say(tone, result.describe())
        self.refresh_data()

    def action_refresh(self) -> None:
        self.refresh_data()
        self.say(Tone.INFO, f"{self.number} re-read")

    def action_back(self) -> None:
        self.storeroom_app.go_back()
