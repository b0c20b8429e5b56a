"""Invoices against purchase orders and the three-way match: PO vs receipts vs invoice.

An invoice line may never bill more than was received (refused, nothing recorded).
Its price is matched against the PO price within the price tolerance and its quantity
against the ordered quantity within the quantity tolerance; a mismatch lands in the
exceptions list with the reason and waits for a person to accept or reject it.

Cost: receipts post at the PO price (the moving average moves with them), so a WO is
first costed at the PO price. When an invoice price is accepted (within tolerance, or
an exception accepted) the difference is a `PriceVariance`: on a PO line bought for a
WO it is charged to that WO — `reconciliation.reconcile` adds it to the parts cost, so
the cost frozen at closing is what was paid; on a stock line it corrects the moving
average of what is on hand (or, with nothing on hand, stays recorded as unabsorbed).
`work_order_paid` gives a WO's parts cost with its variances, those accepted after
closing included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlmodel import Session

from models import (
    Invoice,
    InvoiceLine,
    Item,
    MatchException,
    PriceVariance,
    PurchaseOrder,
    PurchaseOrderLine,
    User,
    Vendor,
)
from models._columns import utcnow
from models.purchasing import InvoiceStatus, PoStatus
from storeroom_tui import catalog, ledger, purchasing, wip
from storeroom_tui.errors import (
    AlreadyExists,
    InvalidQuantity,
    InvalidValue,
    InvoiceExceedsReceived,
    NotFound,
    PurchaseOrderState,
)
from storeroom_tui.permissions import Action, Actor
from storeroom_tui.quantities import MILLI, format_money, format_qty, value_of

INVOICEABLE = (PoStatus.APPROVED, PoStatus.PARTIALLY_RECEIVED, PoStatus.RECEIVED)
REJECTED = "rejected"  # an invoice whose every exception was rejected


@dataclass(frozen=True, slots=True)
class InvoiceLineInput:
    """One invoice line as entered: the PO line (by number, or by part) and qty x price."""

    line: str  # "1" (the PO line number) or a part number
    qty: int  # thousandths
    unit_price: int  # cents


@dataclass(frozen=True, slots=True)
class LineMatch:
    line_no: int
    part: str
    qty: int
    unit_price: int
    po_price: int
    amount: int
    ordered: int
    received: int
    invoiced: int  # on the PO line, this invoice included
    price_difference: int  # basis points, signed
    matched: bool
    reason: str | None  # why not, when not
    variance: int  # cents charged or absorbed (accepted lines only)
    variance_to: str | None  # work_order|stock|unabsorbed


@dataclass(frozen=True, slots=True)
class InvoiceResult:
    id: int
    po_number: str
    vendor_ref: str
    status: str
    total: int
    lines: list[LineMatch] = field(default_factory=list)
    exceptions: list[int] = field(default_factory=list)  # ids of new MatchExceptions

    def describe(self) -> str:
        head = f"invoice {self.vendor_ref} on {self.po_number}: {format_money(self.total)}, "
        if self.status == InvoiceStatus.MATCHED:
            return head + "matched"
        reasons = "; ".join(line.reason for line in self.lines if line.reason)
        return head + f"{len(self.exceptions)} exception(s): {reasons}"


def _difference(invoice_price: int, po_price: int) -> int:
    """(invoice - PO) / PO in basis points, rounded half away from zero."""
    if po_price == 0:
        return 0 if invoice_price == 0 else 1_000_000
    exact = Decimal(invoice_price - po_price) * 10_000 / po_price
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _find_line(
    session: Session, po: PurchaseOrder, lines: list[PurchaseOrderLine], text: str
) -> PurchaseOrderLine:
    raw = text.strip()
    if raw.isdigit():
        found = [line for line in lines if line.line_no == int(raw)]
        if found:
            return found[0]
        raise NotFound(f"{po.number} has no line {raw}", raw)
    item = catalog.find_item(session, raw)
    found = [line for line in lines if line.item_id == item.id]
    if not found:
        raise NotFound(f"{po.number} has no line for {item.part_number}", raw)
    return next((line for line in found if line.invoiced_qty < line.received_qty), found[0])


def enter_invoice(
    session: Session,
    actor: Actor,
    po_number: str,
    vendor_ref: str,
    lines: list[InvoiceLineInput],
    invoice_date: date | None = None,
) -> InvoiceResult:
    """Record a vendor's invoice against a PO and match it, line by line.

    Refused (nothing recorded): a PO not approved, closed or cancelled; a vendor
    reference used before; a line billing more than was received (less what was
    invoiced before). Otherwise the invoice is recorded: `matched` when every line is
    within the tolerances, else `exception` with one open MatchException per mismatch.
    """
    actor.require(Action.INVOICE)
    po = purchasing.find_purchase_order(session, po_number)
    if po.status not in INVOICEABLE:
        raise PurchaseOrderState(
            f"{po.number} is {po.status.replace('_', ' ')}: invoices are entered only on an "
            "approved PO",
            po.number,
        )
    ref = vendor_ref.strip()
    if not ref or len(ref) > 64:
        raise InvalidValue(f"invoice number {vendor_ref!r} must be 1-64 characters", vendor_ref)
    if session.execute(
        select(Invoice.id).where(Invoice.vendor_id == po.vendor_id, Invoice.vendor_ref == ref)
    ).first():
        vendor = session.get(Vendor, po.vendor_id)
        raise AlreadyExists(
            f"invoice {ref} of {vendor.code if vendor else 'this vendor'} is already entered", ref
        )
    if not lines:
        raise InvalidValue(f"invoice {ref} has no lines", ref)
    po_lines = purchasing.po_lines(session, po)
    settings = purchasing.purchasing_settings(session)
    planned: list[tuple[PurchaseOrderLine, InvoiceLineInput]] = []
    adding: dict[int, int] = {}
    for entry in lines:
        line = _find_line(session, po, po_lines, entry.line)
        item = session.get(Item, line.item_id)
        assert item is not None and line.id is not None
        if entry.qty <= 0:
            raise InvalidQuantity(
                f"invoice {ref} line {line.line_no}: quantity {format_qty(entry.qty)} must be "
                "greater than zero",
                entry.qty,
            )
        if entry.unit_price < 0:
            raise InvalidValue(
                f"invoice {ref} line {line.line_no}: price {format_money(entry.unit_price)} "
                "must be zero or more",
                entry.unit_price,
            )
        adding[line.id] = adding.get(line.id, 0) + entry.qty
        if line.invoiced_qty + adding[line.id] > line.received_qty:
            raise InvoiceExceedsReceived(
                f"invoice {ref} bills {format_qty(adding[line.id])} {item.uom} of "
                f"{item.part_number} on {po.number} line {line.line_no}, but only "
                f"{format_qty(line.received_qty)} were received and "
                f"{format_qty(line.invoiced_qty)} already invoiced: refused",
                format_qty(adding[line.id]),
            )
        planned.append((line, entry))
    invoice = Invoice(
        terminal=actor.terminal,
        po_id=po.id,  # type: ignore[arg-type]
        vendor_id=po.vendor_id,
        vendor_ref=ref,
        invoice_date=invoice_date,
        entered_by=actor.user_id,
    )
    session.add(invoice)
    session.flush()
    matches: list[LineMatch] = []
    exceptions: list[int] = []
    for line, entry in planned:
        item = session.get(Item, line.item_id)
        assert item is not None
        amount = value_of(entry.qty, entry.unit_price)
        row = InvoiceLine(
            invoice_id=invoice.id,  # type: ignore[arg-type]
            po_line_id=line.id,  # type: ignore[arg-type]
            qty=entry.qty,
            unit_price=entry.unit_price,
            amount=amount,
        )
        session.add(row)
        line.invoiced_qty += entry.qty
        session.add(line)
        session.flush()
        invoice.total += amount
        difference = _difference(entry.unit_price, line.unit_price)
        reasons: list[tuple[str, str]] = []
        if abs(difference) > settings.price_tolerance:
            direction = "above" if difference > 0 else "below"
            reasons.append(
                (
                    "price",
                    f"line {line.line_no} {item.part_number}: price "
                    f"{format_money(entry.unit_price)} is {abs(difference) / 100:g}% {direction} "
                    f"the PO price {format_money(line.unit_price)} (tolerance "
                    f"{purchasing.format_percent(settings.price_tolerance)})",
                )
            )
        allowed_qty = line.qty + line.qty * settings.qty_tolerance // 10_000
        if line.invoiced_qty > allowed_qty:
            reasons.append(
                (
                    "qty",
                    f"line {line.line_no} {item.part_number}: {format_qty(line.invoiced_qty)} "
                    f"invoiced, {format_qty(line.qty)} ordered (tolerance "
                    f"{purchasing.format_percent(settings.qty_tolerance)})",
                )
            )
        for kind, reason in reasons:
            problem = MatchException(
                terminal=actor.terminal,
                po_id=po.id,  # type: ignore[arg-type]
                invoice_id=invoice.id,
                po_line_id=line.id,
                kind=kind,
                reason=f"{po.number} invoice {ref} {reason}",
            )
            session.add(problem)
            session.flush()
            exceptions.append(problem.id)  # type: ignore[arg-type]
        variance, variance_to = (0, None)
        if not reasons:
            variance, variance_to = _apply_variance(session, row, line, item)
        matches.append(
            LineMatch(
                line.line_no,
                item.part_number,
                entry.qty,
                entry.unit_price,
                line.unit_price,
                amount,
                line.qty,
                line.received_qty,
                line.invoiced_qty,
                difference,
                not reasons,
                "; ".join(reason for _, reason in reasons) or None,
                variance,
                variance_to,
            )
        )
    invoice.status = InvoiceStatus.EXCEPTION if exceptions else InvoiceStatus.MATCHED
    session.add(invoice)
    session.flush()
    purchasing.log_po_event(
        session,
        actor,
        po,
        "invoiced",
        po.status,
        f"invoice {ref} {format_money(invoice.total)}: "
        + (f"{len(exceptions)} exception(s)" if exceptions else "matched"),
    )
    return InvoiceResult(
        invoice.id,  # type: ignore[arg-type]
        po.number,
        ref,
        invoice.status,
        invoice.total,
        matches,
        exceptions,
    )


def _apply_variance(
    session: Session, row: InvoiceLine, line: PurchaseOrderLine, item: Item
) -> tuple[int, str | None]:
    """Charge the accepted price difference where the goods went (see the module doc)."""
    amount = row.amount - value_of(row.qty, line.unit_price)
    if amount == 0:
        return 0, None
    assert item.id is not None and row.id is not None
    if line.wo_id is not None:
        applied = "work_order"
    else:
        session.execute(select(Item.id).where(Item.id == item.id).with_for_update())
        on_hand = ledger.stock_on_hand(session, item.id)
        if on_hand > 0:
            value = Decimal(on_hand) * item.avg_cost / MILLI + amount
            item.avg_cost = max(
                int((value * MILLI / on_hand).quantize(Decimal(1), rounding=ROUND_HALF_UP)), 0
            )
            session.add(item)
            applied = "stock"
        else:
            applied = "unabsorbed"
    session.add(
        PriceVariance(
            invoice_line_id=row.id,
            item_id=item.id,
            wo_id=line.wo_id if applied == "work_order" else None,
            qty=row.qty,
            amount=amount,
            applied_to=applied,
        )
    )
    session.flush()
    return amount, applied


# --- the exceptions list ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExceptionView:
    id: int
    po_number: str
    vendor: str
    invoice: str | None
    line_no: int | None
    kind: str
    reason: str
    status: str
    created_at: datetime
    resolved_by: str | None
    resolution: str | None


def list_exceptions(session: Session, status: str | None = "open") -> list[ExceptionView]:
    """Three-way-match mismatches with their reasons, oldest first."""
    query = (
        select(MatchException, PurchaseOrder.number, Vendor.code, Invoice.vendor_ref)
        .add_columns(PurchaseOrderLine.line_no, User.name)
        .join(PurchaseOrder, PurchaseOrder.id == MatchException.po_id)
        .join(Vendor, Vendor.id == PurchaseOrder.vendor_id)
        .outerjoin(Invoice, Invoice.id == MatchException.invoice_id)
        .outerjoin(PurchaseOrderLine, PurchaseOrderLine.id == MatchException.po_line_id)
        .outerjoin(User, User.id == MatchException.resolved_by)
        .order_by(MatchException.id)
    )
    if status:
        if status not in ("open", "resolved"):
            raise InvalidValue(f"status {status!r} is not one of: open, resolved", status)
        query = query.where(MatchException.status == status)
    return [
        ExceptionView(
            problem.id,  # type: ignore[arg-type]
            number,
            vendor,
            ref,
            line_no,
            problem.kind,
            problem.reason,
            problem.status,
            problem.created_at,
            who,
            problem.resolution,
        )
        for problem, number, vendor, ref, line_no, who in session.execute(query).all()
    ]


def resolve_exception(
    session: Session, actor: Actor, exception_id: int, accept: bool, note: str
) -> ExceptionView:
    """Accept the invoice line as billed (its price difference is then charged like a
    matched one) or reject it (the vendor owes a credit: its quantity is no longer
    counted as invoiced). Either way with a note; the invoice is settled once none of
    its exceptions is open."""
    actor.require(Action.INVOICE)
    problem = session.get(MatchException, exception_id)
    if problem is None:
        raise NotFound(f"no match exception {exception_id}", exception_id)
    if problem.status != "open":
        raise PurchaseOrderState(
            f"match exception {exception_id} is already resolved", exception_id
        )
    if not note.strip():
        raise InvalidValue(f"resolving match exception {exception_id} needs a note", note)
    problem.status = "resolved"
    problem.resolved_by = actor.user_id
    problem.resolved_at = utcnow()
    problem.resolution = ("accepted: " if accept else "rejected: ") + note.strip()
    session.add(problem)
    session.flush()
    invoice = session.get(Invoice, problem.invoice_id) if problem.invoice_id else None
    if invoice is not None and problem.po_line_id is not None:
        siblings = list(
            session.execute(
                select(MatchException).where(
                    MatchException.invoice_id == invoice.id,
                    MatchException.po_line_id == problem.po_line_id,
                )
            ).scalars()
        )
        line_settled = all(s.status == "resolved" for s in siblings)
        rows = list(
            session.execute(
                select(InvoiceLine).where(
                    InvoiceLine.invoice_id == invoice.id,
                    InvoiceLine.po_line_id == problem.po_line_id,
                )
            ).scalars()
        )
        po_line = session.get(PurchaseOrderLine, problem.po_line_id)
        assert po_line is not None
        item = session.get(Item, po_line.item_id)
        assert item is not None
        rejected = any((s.resolution or "").startswith("rejected") for s in siblings)
        if line_settled and rejected:
            po_line.invoiced_qty -= sum(r.qty for r in rows)
            session.add(po_line)
            session.flush()
        elif line_settled:
            for row in rows:
                _apply_variance(session, row, po_line, item)
        _settle_invoice(session, invoice)
    view = next(v for v in list_exceptions(session, None) if v.id == exception_id)
    return view


def _settle_invoice(session: Session, invoice: Invoice) -> None:
    problems = list(
        session.execute(select(MatchException).where(MatchException.invoice_id == invoice.id))
        .scalars()
        .all()
    )
    if any(p.status == "open" for p in problems):
        return
    if problems and all((p.resolution or "").startswith("rejected") for p in problems):
        invoice.status = REJECTED
    else:
        invoice.status = InvoiceStatus.ACCEPTED
    session.add(invoice)
    session.flush()


# --- match state and closing -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MatchState:
    po_number: str
    status: str
    fully_received: bool
    fully_invoiced: bool
    open_exceptions: int
    invoices: list[tuple[str, str, int]]  # (vendor ref, status, total)
    blockers: list[str]

    @property
    def can_close(self) -> bool:
        return not self.blockers


def match_state(session: Session, po_number: str) -> MatchState:
    """Where a PO stands in the three-way match, and what still keeps it from closing."""
    po = purchasing.find_purchase_order(session, po_number)
    lines = purchasing.po_lines(session, po)
    blockers = []
    for line in lines:
        item = session.get(Item, line.item_id)
        part = item.part_number if item else "?"
        if line.received_qty < line.qty:
            blockers.append(
                f"line {line.line_no} {part}: {format_qty(line.received_qty)} of "
                f"{format_qty(line.qty)} received"
            )
        if line.invoiced_qty != line.received_qty:
            blockers.append(
                f"line {line.line_no} {part}: {format_qty(line.invoiced_qty)} invoiced, "
                f"{format_qty(line.received_qty)} received"
            )
    open_count = session.execute(
        select(func.count())
        .select_from(MatchException)
        .where(MatchException.po_id == po.id, MatchException.status == "open")
    ).scalar_one()
    if open_count:
        blockers.append(f"{open_count} match exception(s) open")
    if po.status not in (PoStatus.RECEIVED, PoStatus.PARTIALLY_RECEIVED, PoStatus.APPROVED):
        blockers.insert(0, f"{po.number} is {po.status.replace('_', ' ')}")
    invoices = [
        (i.vendor_ref, i.status, i.total)
        for i in session.execute(
            select(Invoice).where(Invoice.po_id == po.id).order_by(Invoice.id)
        ).scalars()
    ]
    return MatchState(
        po.number,
        po.status,
        all(line.received_qty >= line.qty for line in lines),
        all(line.invoiced_qty == line.received_qty for line in lines),
        int(open_count),
        invoices,
        blockers,
    )


def close_purchase_order(
    session: Session, actor: Actor, po_number: str, reason: str | None = None
) -> MatchState:
    """A fully received, fully invoiced PO with no open match exception is closed."""
    if not actor.can(Action.INVOICE):
        actor.require(Action.PURCHASE)
    po = purchasing.find_purchase_order(session, po_number)
    state = match_state(session, po.number)
    if state.blockers:
        raise PurchaseOrderState(
            f"{po.number} cannot close: " + "; ".join(state.blockers), state.blockers
        )
    po.closed_at = utcnow()
    purchasing.log_po_event(
        session, actor, po, "closed", PoStatus.CLOSED, reason or "matched and received"
    )
    return match_state(session, po.number)


# --- what a WO's parts cost, with what was paid ----------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkOrderPaid:
    number: str
    ledger_cost: int  # the write-offs at their issue cost (the PO price, via the average)
    price_variance: int  # accepted invoice differences charged to the WO
    total: int  # what the WO's parts cost, as paid


def price_variance_of(session: Session, wo_id: int) -> int:
    return int(
        session.execute(
            select(func.coalesce(func.sum(PriceVariance.amount), 0)).where(
                PriceVariance.wo_id == wo_id
            )
        ).scalar_one()
    )


def work_order_paid(session: Session, wo_number: str) -> WorkOrderPaid:
    """What the WO's parts cost as paid. Open: its write-offs plus the price differences
    charged to it. Closed: the frozen parts cost (which took the differences known at
    closing) plus any accepted after it."""
    work_order = catalog.find_work_order(session, wo_number)
    assert work_order.id is not None
    variance = price_variance_of(session, work_order.id)
    if work_order.parts_cost is None or work_order.closed_at is None:
        ledger_cost = wip.position(session, work_order.id).parts_cost
        return WorkOrderPaid(work_order.number, ledger_cost, variance, ledger_cost + variance)
    late = int(
        session.execute(
            select(func.coalesce(func.sum(PriceVariance.amount), 0)).where(
                PriceVariance.wo_id == work_order.id, PriceVariance.at > work_order.closed_at
            )
        ).scalar_one()
    )
    ledger_cost = work_order.parts_cost - (variance - late)
    return WorkOrderPaid(work_order.number, ledger_cost, variance, work_order.parts_cost + late)
