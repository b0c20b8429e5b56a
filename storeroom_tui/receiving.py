"""Receiving against purchase orders, by scan, and straight back to the waiting WO.

A receipt posts SUPPLIER -> bin (or -> QUARANTINE for items inspected on receipt) at
the PO line's price, updating the moving average, and links each movement to its PO
line in `receipt`. What arrives for a waiting WO is reserved to it at once: the PO
line's own WO first, else the most urgent WO short of the item. Inspected goods are
reserved when `release_from_quarantine` puts them in a bin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session

from models import (
    Balance,
    DemandLine,
    Item,
    ItemSupply,
    Location,
    LocationKind,
    Lot,
    MovementKind,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    Reservation,
    WorkOrder,
)
from models.purchasing import PoStatus
from storeroom_tui import catalog, ledger, purchasing, replenishment, wip
from storeroom_tui.errors import (
    InsufficientStock,
    InvalidQuantity,
    InvalidValue,
    OverDelivery,
    PurchaseOrderState,
    ScanError,
)
from storeroom_tui.gates import Gate, Status, allows
from storeroom_tui.ledger import MovementSpec, Posting
from storeroom_tui.permissions import Action, Actor
from storeroom_tui.quantities import MILLI, format_qty, moving_average

RECEIVABLE = (PoStatus.APPROVED, PoStatus.PARTIALLY_RECEIVED, PoStatus.RECEIVED)
WAITING_STATUSES = (Status.APPROVED, Status.SCHEDULED, Status.IN_PROGRESS)


@dataclass(frozen=True, slots=True)
class Reserved:
    work_order: str
    line_no: int
    qty: int


@dataclass(frozen=True, slots=True)
class ReceiptResult:
    """What one receipt did: the posting, where it went, what the PO line now stands at,
    what was reserved to a waiting WO, and which WOs have every part now."""

    po_number: str
    po_status: str
    line_no: int
    part: str
    uom: str
    qty: int
    unit_price: int
    ordered: int
    received: int  # on the line, this receipt included
    place: str  # the bin, or QUARANTINE
    inspection: bool
    posting: Posting
    reserved: list[Reserved] = field(default_factory=list)
    parts_complete: list[str] = field(default_factory=list)  # WO numbers now complete
    lines: list[tuple[int, int]] = field(default_factory=list)  # (line no, qty) it went to

    @property
    def outstanding(self) -> int:
        return max(self.ordered - self.received, 0)

    def describe(self) -> str:
        text = (
            f"{self.po_number} line {self.line_no}: received {format_qty(self.qty)} {self.uom} "
            f"{self.part} into {self.place} ({format_qty(self.received)} of "
            f"{format_qty(self.ordered)})"
        )
        if self.posting.replayed:
            text = "already posted: " + text
        if self.inspection:
            text += "; waits in QUARANTINE for inspection"
        for r in self.reserved:
            text += f"; {format_qty(r.qty)} reserved to {r.work_order} line {r.line_no}"
        if self.parts_complete:
            text += "; parts complete for " + ", ".join(self.parts_complete)
        return text


# --- what a PO still expects ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExpectedLine:
    line_no: int
    part: str
    description: str
    uom: str
    tracking: str
    ordered: int
    received: int
    unit_price: int
    inspection: bool
    bin: str | None  # where it would go by default
    work_order: str | None

    @property
    def outstanding(self) -> int:
        return max(self.ordered - self.received, 0)


@dataclass(frozen=True, slots=True)
class ExpectedDelivery:
    po_number: str
    vendor: str
    status: str
    expedited: bool
    receivable: bool  # approved (or partly received): receipts allowed
    lines: list[ExpectedLine]


def expected_delivery(session: Session, po_number: str) -> ExpectedDelivery:
    """What a scanned PO still expects, line by line, with the default bin of each."""
    po = purchasing.find_purchase_order(session, po_number)
    view = purchasing.po_detail(session, po.number)
    lines = []
    for line, row in zip(view.lines, purchasing.po_lines(session, po), strict=True):
        item = session.get(Item, row.item_id)
        assert item is not None
        inspect = _inspected(session, item)
        default = None if inspect else default_bin(session, item)
        lines.append(
            ExpectedLine(
                line.line_no,
                line.part,
                line.description,
                line.uom,
                item.tracking,
                line.qty,
                line.received,
                line.unit_price,
                inspect,
                default.code if default else None,
                line.work_order,
            )
        )
    return ExpectedDelivery(
        po.number, view.vendor, po.status, po.expedited, po.status in RECEIVABLE, lines
    )


def open_lines_for_item(session: Session, part: str) -> list[tuple[str, int, int]]:
    """(PO number, line no, outstanding) of receivable PO lines of an item, oldest first:
    a scanned item with no PO scanned before it is received on the first of these."""
    item = catalog.find_item(session, part)
    rows = session.execute(
        select(PurchaseOrder.number, PurchaseOrderLine.line_no, PurchaseOrderLine.qty)
        .add_columns(PurchaseOrderLine.received_qty)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.po_id)
        .where(
            PurchaseOrderLine.item_id == item.id,
            PurchaseOrderLine.qty > PurchaseOrderLine.received_qty,
            PurchaseOrder.status.in_(RECEIVABLE),  # type: ignore[attr-defined]
        )
        .order_by(PurchaseOrder.expedited.desc(), PurchaseOrder.id, PurchaseOrderLine.line_no)  # type: ignore[attr-defined]
    ).all()
    return [(number, line_no, qty - received) for number, line_no, qty, received in rows]


def default_bin(session: Session, item: Item) -> Location | None:
    """The bin holding most of the item now, else where it was last received."""
    row = session.execute(
        select(Location)
        .join(Balance, Balance.location_id == Location.id)
        .where(Balance.item_id == item.id, Location.kind == LocationKind.BIN, Balance.qty > 0)
        .group_by(Location.id)
        .order_by(func.sum(Balance.qty).desc(), Location.code)
        .limit(1)
    ).scalar_one_or_none()
    if row is not None:
        return row
    from models import Movement

    return session.execute(
        select(Location)
        .join(Movement, Movement.to_location_id == Location.id)
        .where(Movement.item_id == item.id, Location.kind == LocationKind.BIN)
        .order_by(Movement.id.desc())  # type: ignore[union-attr]
        .limit(1)
    ).scalar_one_or_none()


def _inspected(session: Session, item: Item) -> bool:
    supply = session.get(ItemSupply, item.id)
    return bool(supply and supply.inspect_on_receipt)


# --- receiving ---------------------------------------------------------------------------------


def _allocate(
    po: PurchaseOrder, lines: list[PurchaseOrderLine], item: Item, qty: int, tolerance: int
) -> list[tuple[PurchaseOrderLine, int]]:
    """Spread a delivery over the PO's lines of the item, first line first; what is
    beyond every line's order goes on the last one, within the over-delivery tolerance."""
    if not lines:
        raise InvalidValue(f"{po.number} has no line for {item.part_number}", item.part_number)
    ordered = sum(line.qty for line in lines)
    received = sum(line.received_qty for line in lines)
    allowed = ordered + ordered * tolerance // 10_000
    if received + qty > allowed:
        which = (
            f"line {lines[0].line_no}"
            if len(lines) == 1
            else "lines " + ", ".join(str(line.line_no) for line in lines)
        )
        raise OverDelivery(
            f"{po.number} {which} {item.part_number}: ordered {format_qty(ordered)}, "
            f"received {format_qty(received)}; {format_qty(qty)} more would be "
            f"{format_qty(received + qty - ordered)} over, beyond the over-delivery tolerance "
            f"of {purchasing.format_percent(tolerance)} "
            f"(at most {format_qty(max(allowed - received, 0))} more)",
            format_qty(qty),
        )
    taken: dict[int, int] = {}
    left = qty
    for index, line in enumerate(lines):
        take = min(max(line.qty - line.received_qty, 0), left)
        if take > 0:
            taken[index] = take
            left -= take
    if left > 0:
        last = len(lines) - 1
        taken[last] = taken.get(last, 0) + left
    return [(lines[index], take) for index, take in sorted(taken.items())]


def require_receivable(po: PurchaseOrder) -> None:
    """Refuse, saying why, unless the PO takes receipts (approved or partly received)."""
    if po.status in RECEIVABLE:
        return
    if po.status == PoStatus.CLOSED:
        why = "is closed: nothing more can be received on it"
    elif po.status == PoStatus.CANCELLED:
        why = "is cancelled: nothing can be received on it"
    else:
        why = f"is {po.status.replace('_', ' ')}, not approved: receive only on an approved PO"
    raise PurchaseOrderState(f"{po.number} {why}", po.number)


_require_receivable = require_receivable  # the name the first screens used


def receive_on_po(
    session: Session,
    actor: Actor,
    po_number: str | None,
    part: str,
    qty: int,
    bin_code: str | None = None,
    lot_no: str | None = None,
    expiry: date | None = None,
    serial_nos: list[str] | None = None,
    key: str | None = None,
) -> ReceiptResult:
    """Receive `qty` of `part` on a PO (None: the oldest receivable PO line of the item).

    Refused, with nothing posted: an unknown PO, a PO not approved (or closed), a
    quantity of zero or less, more than the over-delivery tolerance allows, an expired
    lot, a missing lot or serial. The bin defaults to where the item is kept; an item
    inspected on receipt goes to QUARANTINE whatever bin is given.
    """
    actor.require(Action.RECEIVE)
    key = ledger.check_key(key)
    if (earlier := ledger.replay(session, key)) is not None:
        return _replayed(session, earlier)
    if qty <= 0:
        raise InvalidQuantity(f"quantity {format_qty(qty)} must be greater than zero", qty)
    item = catalog.find_item(session, part)
    if po_number is None:
        found = open_lines_for_item(session, item.part_number)
        if not found:
            raise PurchaseOrderState(
                f"no approved PO expects {item.part_number}: scan the PO first",
                item.part_number,
            )
        po_number = found[0][0]
    po = purchasing.find_purchase_order(session, po_number)
    require_receivable(po)
    lines = [line for line in purchasing.po_lines(session, po) if line.item_id == item.id]
    settings = purchasing.purchasing_settings(session)
    allocations = _allocate(po, lines, item, qty, settings.over_delivery)
    inspection = _inspected(session, item)
    if inspection:
        target = catalog.virtual_location(session, LocationKind.QUARANTINE)
    elif bin_code:
        target = catalog.find_bin(session, bin_code)
    else:
        found_bin = default_bin(session, item)
        if found_bin is None:
            raise InvalidValue(
                f"{item.part_number} has no bin yet: scan the bin to put it in", item.part_number
            )
        target = found_bin
    supplier = catalog.virtual_location(session, LocationKind.SUPPLIER)
    lot = ledger.lot_for_receipt(session, item, lot_no, expiry)
    serials = ledger.serials_for_receipt(session, item, list(serial_nos or []), qty, supplier)
    # lock the item row (PostgreSQL) so two receipts cannot lose an average update
    session.execute(select(Item.id).where(Item.id == item.id).with_for_update())
    assert item.id is not None
    on_hand = ledger.stock_on_hand(session, item.id)
    specs: list[MovementSpec] = []
    spec_lines: list[PurchaseOrderLine] = []
    next_serial = iter(serials)
    for line, take in allocations:
        # each line at its own price, the moving average taking them in turn
        item.avg_cost = moving_average(on_hand, item.avg_cost, take, line.unit_price)
        on_hand += take
        reason = f"{po.number} line {line.line_no}"
        pieces = [(MILLI, next(next_serial)) for _ in range(take // MILLI)] if serials else []
        for units, serial in pieces or [(take, None)]:
            specs.append(
                MovementSpec(
                    MovementKind.RECEIVE,
                    item,
                    units,
                    supplier,
                    target,
                    lot,
                    serial,
                    unit_cost=line.unit_price,
                    reason=reason,
                )
            )
            spec_lines.append(line)
        line.received_qty += take
        session.add(line)
    session.add(item)
    posting = ledger.posted(session, key, ledger.post(session, actor, key, specs))
    receipts = []
    for movement, line in zip(posting.movements, spec_lines, strict=True):
        receipt = Receipt(
            terminal=actor.terminal,
            po_line_id=line.id,  # type: ignore[arg-type]
            movement_id=movement.id,
            qty=movement.qty,
            unit_price=line.unit_price,
            inspection=inspection,
            user_id=actor.user_id,
        )
        session.add(receipt)
        receipts.append(receipt)
    session.flush()
    _refresh_received_status(session, actor, po)
    reserved: list[Reserved] = []
    if not inspection:
        for receipt, movement, line in zip(receipts, posting.movements, spec_lines, strict=True):
            reserved += _reserve_arrival(
                session,
                actor,
                receipt,
                line,
                item,
                target.id,  # type: ignore[arg-type]
                lot.id if lot else None,
                movement.qty,
            )
    replenishment.check_reorder(session, actor, item.id)
    first = allocations[0][0]
    return ReceiptResult(
        po.number,
        po.status,
        first.line_no,
        item.part_number,
        item.uom,
        qty,
        first.unit_price,
        sum(line.qty for line in lines),
        sum(line.received_qty for line in lines),
        target.code,
        inspection,
        posting,
        _merge(reserved),
        _complete_now(session, reserved),
        [(line.line_no, take) for line, take in allocations],
    )


def _merge(reserved: list[Reserved]) -> list[Reserved]:
    totals: dict[tuple[str, int], int] = {}
    for r in reserved:
        totals[(r.work_order, r.line_no)] = totals.get((r.work_order, r.line_no), 0) + r.qty
    return [Reserved(wo, line_no, qty) for (wo, line_no), qty in totals.items()]


def _refresh_received_status(session: Session, actor: Actor, po: PurchaseOrder) -> None:
    lines = purchasing.po_lines(session, po)
    if all(line.received_qty >= line.qty for line in lines):
        status = PoStatus.RECEIVED
    elif any(line.received_qty for line in lines):
        status = PoStatus.PARTIALLY_RECEIVED
    else:
        return
    if po.status != status:
        purchasing.log_po_event(session, actor, po, "received", status)


def _replayed(session: Session, posting: Posting) -> ReceiptResult:
    """The first result of a receipt whose key was posted before."""
    first = session.execute(
        select(Receipt).where(Receipt.movement_id == posting.movements[0].id)
    ).scalar_one_or_none()
    if first is None:
        raise InvalidValue(
            f"key {posting.key} was used for another posting, not a PO receipt", posting.key
        )
    line = session.get(PurchaseOrderLine, first.po_line_id)
    assert line is not None
    po = session.get(PurchaseOrder, line.po_id)
    item = session.get(Item, line.item_id)
    assert po is not None and item is not None
    work_order = session.get(WorkOrder, first.reserved_wo_id) if first.reserved_wo_id else None
    demand = session.get(DemandLine, line.demand_line_id) if line.demand_line_id else None
    reserved = []
    if work_order is not None and first.reserved_qty:
        reserved.append(
            Reserved(work_order.number, demand.line_no if demand else 0, first.reserved_qty)
        )
    return ReceiptResult(
        po.number,
        po.status,
        line.line_no,
        item.part_number,
        item.uom,
        sum(m.qty for m in posting.movements),
        line.unit_price,
        line.qty,
        line.received_qty,
        posting.movements[0].target,
        first.inspection,
        posting,
        reserved,
        [],
    )


# --- back to the work order ----------------------------------------------------------------


def _waiting_lines(
    session: Session, item_id: int, line: PurchaseOrderLine | None
) -> list[tuple[WorkOrder, DemandLine]]:
    """Demand lines that wait for this item: the PO line's own first, then the other
    reservable WOs by priority and due date."""
    found: list[tuple[WorkOrder, DemandLine]] = []
    if line is not None and line.demand_line_id:
        demand = session.get(DemandLine, line.demand_line_id)
        work_order = session.get(WorkOrder, line.wo_id) if line.wo_id else None
        if demand is not None and work_order is not None:
            found.append((work_order, demand))
    rows = session.execute(
        select(WorkOrder, DemandLine)
        .join(DemandLine, DemandLine.wo_id == WorkOrder.id)
        .where(
            DemandLine.item_id == item_id,
            WorkOrder.status.in_(WAITING_STATUSES),  # type: ignore[attr-defined]
        )
        .order_by(WorkOrder.priority, WorkOrder.due_date, WorkOrder.number, DemandLine.line_no)
    ).all()
    found += [(wo, dl) for wo, dl in rows if not any(dl.id == d.id for _, d in found)]
    return found


def _reserve_arrival(
    session: Session,
    actor: Actor,
    receipt: Receipt,
    line: PurchaseOrderLine | None,
    item: Item,
    location_id: int,
    lot_id: int | None,
    qty: int,
) -> list[Reserved]:
    """Reserve what just came into a bin to the WO waiting for it (one WO per receipt)."""
    assert item.id is not None
    for work_order, demand in _waiting_lines(session, item.id, line):
        if not allows(work_order.status, Gate.RESERVE):
            continue
        assert work_order.id is not None and demand.id is not None
        position = wip.position(session, work_order.id).line_for(demand.id)
        take = min(position.shortage, qty)
        if take <= 0:
            continue
        session.add(
            Reservation(
                terminal=actor.terminal,
                demand_line_id=demand.id,
                wo_id=work_order.id,
                item_id=item.id,
                location_id=location_id,
                lot_id=lot_id,
                qty=take,
                user_id=actor.user_id,
            )
        )
        receipt.reserved_wo_id = work_order.id
        receipt.reserved_qty = take
        session.add(receipt)
        session.flush()
        return [Reserved(work_order.number, demand.line_no, take)]
    return []


def _complete_now(session: Session, reserved: list[Reserved]) -> list[str]:
    done = []
    for number in dict.fromkeys(r.work_order for r in reserved):
        work_order = catalog.find_work_order(session, number)
        assert work_order.id is not None
        if all(line.shortage == 0 for line in wip.position(session, work_order.id).lines):
            done.append(number)
    return done


def receive_by_scan(
    session: Session,
    actor: Actor,
    po_number: str | None,
    code: str,
    bin_code: str | None = None,
    qty: int | None = None,
    key: str | None = None,
) -> ReceiptResult:
    """One scan on the Receive screen: an item barcode, a part number or a GS1 code
    (GTIN with lot, expiry, serial and quantity). `qty` is the count keyed or scanned
    before (`CMD-QTY-n`); a GS1 quantity wins; otherwise 1 (a serial: 1 per scan)."""
    from storeroom_tui import scan

    parsed = scan.parse(code)
    lot_no: str | None = None
    expiry: date | None = None
    serials: list[str] = []
    if isinstance(parsed, scan.Gs1Scan):
        if parsed.gtin is None:
            raise ScanError(f"GS1 code {code.strip()!r} has no GTIN (AI 01)", code)
        item = catalog.find_item_by_gtin(session, parsed.gtin)
        lot_no, expiry = parsed.lot, parsed.expiry
        serials = [parsed.serial] if parsed.serial else []
        qty = parsed.qty_milli or qty
    elif isinstance(parsed, scan.ItemScan):
        item = catalog.find_item(session, parsed.code)
    else:
        raise ScanError(f"{scan.describe(parsed)} is not an item: scan the part", code)
    if serials:
        qty = MILLI
    return receive_on_po(
        session,
        actor,
        po_number,
        item.part_number,
        qty if qty is not None else MILLI,
        bin_code,
        lot_no,
        expiry,
        serials,
        key,
    )


# --- quarantine release ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Release:
    part: str
    qty: int
    bin: str
    posting: Posting
    reserved: list[Reserved]
    parts_complete: list[str]


def in_inspection(session: Session) -> list[tuple[str, str | None, int]]:
    """(part, lot, qty) waiting in QUARANTINE, by part."""
    quarantine = catalog.virtual_location(session, LocationKind.QUARANTINE)
    rows = session.execute(
        select(Item.part_number, Lot.lot_no, func.sum(Balance.qty))
        .join(Item, Item.id == Balance.item_id)
        .outerjoin(Lot, Lot.id == Balance.lot_id)
        .where(Balance.location_id == quarantine.id, Balance.qty > 0)
        .group_by(Item.part_number, Lot.lot_no)
        .order_by(Item.part_number, Lot.lot_no)
    ).all()
    return [(part, lot, int(qty)) for part, lot, qty in rows]


def release_from_quarantine(
    session: Session,
    actor: Actor,
    part: str,
    qty: int,
    bin_code: str,
    lot_no: str | None = None,
    serial_nos: list[str] | None = None,
    key: str | None = None,
) -> Release:
    """Inspection passed: QUARANTINE -> bin (a transfer), then reserved to a waiting WO."""
    actor.require(Action.RECEIVE)
    key = ledger.check_key(key)
    if qty <= 0:
        raise InvalidQuantity(f"quantity {format_qty(qty)} must be greater than zero", qty)
    item = catalog.find_item(session, part)
    target = catalog.find_bin(session, bin_code)
    quarantine = catalog.virtual_location(session, LocationKind.QUARANTINE)
    lot = None
    if item.tracking == "lot":
        if not lot_no:
            raise InvalidValue(f"{item.part_number} is tracked by lot: give the lot", part)
        lot = catalog.find_lot(session, item, lot_no)
        if lot is None:
            raise InvalidValue(f"no lot {lot_no!r} of {item.part_number}", lot_no)
    serials = []
    if ledger.needs_serial(item):
        if len(serial_nos or []) * MILLI != qty:
            raise InvalidValue(
                f"{item.part_number} needs one serial per unit released", item.part_number
            )
        for serial_no in serial_nos or []:
            serial = ledger.find_serial(session, item, serial_no)
            if serial is None or serial.location_id != quarantine.id:
                raise InsufficientStock(f"serial {serial_no} is not in QUARANTINE", serial_no)
            serials.append(serial)
    if (earlier := ledger.replay(session, key)) is not None:
        return Release(item.part_number, qty, target.code, earlier, [], [])
    specs = [
        MovementSpec(
            MovementKind.TRANSFER,
            item,
            MILLI,
            quarantine,
            target,
            session.get(Lot, serial.lot_id) if serial.lot_id else None,
            serial,
            unit_cost=item.avg_cost,
            reason="released after inspection",
        )
        for serial in serials
    ] or [
        MovementSpec(
            MovementKind.TRANSFER,
            item,
            qty,
            quarantine,
            target,
            lot,
            unit_cost=item.avg_cost,
            reason="released after inspection",
        )
    ]
    posting = ledger.posted(session, key, ledger.post(session, actor, key, specs))
    # the oldest receipts waiting for inspection are released first
    left = qty
    reserved: list[Reserved] = []
    assert item.id is not None
    pending = session.execute(
        select(Receipt, PurchaseOrderLine)
        .join(PurchaseOrderLine, PurchaseOrderLine.id == Receipt.po_line_id)
        .where(
            PurchaseOrderLine.item_id == item.id,
            Receipt.inspection.is_(True),  # type: ignore[attr-defined]
            Receipt.released_qty < Receipt.qty,
        )
        .order_by(Receipt.id)
    ).all()
    for receipt, po_line in pending:
        if left <= 0:
            break
        take = min(receipt.qty - receipt.released_qty, left)
        receipt.released_qty += take
        left -= take
        reserved += _reserve_arrival(
            session,
            actor,
            receipt,
            po_line,
            item,
            target.id,
            lot.id if lot else None,
            take,  # type: ignore[arg-type]
        )
    replenishment.check_reorder(session, actor, item.id)
    return Release(
        item.part_number,
        qty,
        target.code,
        posting,
        _merge(reserved),
        _complete_now(session, reserved),
    )


# --- "parts arrived" --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Arrival:
    po_number: str
    part: str
    qty: int  # reserved to the WO on arrival
    place: str
    at: datetime


def arrivals_for_work_order(session: Session, wo_number: str) -> list[Arrival]:
    """What arrived on POs and was reserved to this WO: its "parts arrived" list."""
    from models import Movement

    work_order = catalog.find_work_order(session, wo_number)
    rows = session.execute(
        select(PurchaseOrder.number, Item.part_number, Receipt.reserved_qty, Location.code)
        .add_columns(Receipt.at)
        .join(PurchaseOrderLine, PurchaseOrderLine.id == Receipt.po_line_id)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.po_id)
        .join(Item, Item.id == PurchaseOrderLine.item_id)
        .join(Movement, Movement.id == Receipt.movement_id)
        .join(Location, Location.id == Movement.to_location_id)
        .where(Receipt.reserved_wo_id == work_order.id, Receipt.reserved_qty > 0)
        .order_by(Receipt.id)
    ).all()
    return [Arrival(number, part, int(qty), place, at) for number, part, qty, place, at in rows]


@dataclass(frozen=True, slots=True)
class PartsComplete:
    number: str
    title: str
    status: str
    priority: int
    asset_id: int
    last_arrival: datetime


def work_orders_with_parts_complete(
    session: Session, since: datetime | None = None
) -> list[PartsComplete]:
    """Open WOs that had parts arrive (since `since`) and now lack nothing: every line's
    still-to-issue quantity is reserved. The technicians' "your parts are here" list."""
    query = (
        select(WorkOrder, func.max(Receipt.at))
        .join(Receipt, Receipt.reserved_wo_id == WorkOrder.id)
        .where(WorkOrder.status.in_(WAITING_STATUSES), Receipt.reserved_qty > 0)  # type: ignore[attr-defined]
        .group_by(WorkOrder.id)
    )
    if since is not None:
        query = query.having(func.max(Receipt.at) >= since)
    found = []
    for work_order, last in session.execute(query).all():
        assert work_order.id is not None
        if all(line.shortage == 0 for line in wip.position(session, work_order.id).lines):
            found.append(
                PartsComplete(
                    work_order.number,
                    work_order.title,
                    work_order.status,
                    work_order.priority,
                    work_order.asset_id,
                    last,
                )
            )
    found.sort(key=lambda p: (p.priority, p.number))
    return found


def receipts_of(session: Session, po_number: str) -> list[tuple[int, str, int, int, str, datetime]]:
    """(line no, part, qty, unit price, place, at) of every receipt on a PO."""
    from models import Movement

    po = purchasing.find_purchase_order(session, po_number)
    rows = session.execute(
        select(
            PurchaseOrderLine.line_no,
            Item.part_number,
            Receipt.qty,
            Receipt.unit_price,
            Location.code,
            Receipt.at,
        )
        .join(PurchaseOrderLine, PurchaseOrderLine.id == Receipt.po_line_id)
        .join(Item, Item.id == PurchaseOrderLine.item_id)
        .join(Movement, Movement.id == Receipt.movement_id)
        .join(Location, Location.id == Movement.to_location_id)
        .where(PurchaseOrderLine.po_id == po.id)
        .order_by(Receipt.id)
    ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


# --- undoing a receipt -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReceiptReversal:
    po_number: str
    po_status: str
    part: str
    qty: int
    posting: Posting
    released_reservation: int  # what was reserved on arrival and is given up again


def refuse_reversal_of_po_receipt(session: Session, movement_id: int) -> None:
    """`ledger.reverse` asks this for every receipt: a PO receipt is undone only through
    `reverse_receipt`, which also takes it off the PO line and its reservation."""
    number = session.execute(
        select(PurchaseOrder.number)
        .join(PurchaseOrderLine, PurchaseOrderLine.po_id == PurchaseOrder.id)
        .join(Receipt, Receipt.po_line_id == PurchaseOrderLine.id)
        .where(Receipt.movement_id == movement_id)
    ).scalar_one_or_none()
    if number is not None:
        from storeroom_tui.errors import NotReversible

        raise NotReversible(
            f"movement {movement_id} is a receipt on {number}: undo it with "
            f"storeroom po unreceive (it comes off the PO too)",
            movement_id,
        )


def reverse_receipt(
    session: Session, actor: Actor, posting_key: str, reason: str, key: str | None = None
) -> ReceiptReversal:
    """Undo a PO receipt (a wrong count, a wrong item): reversing movements, the PO line's
    received quantity lowered, what it reserved to a WO released. Refused once invoiced
    beyond what would remain, or released from quarantine."""
    actor.require(Action.RECEIVE)
    original_key = ledger.check_key(posting_key)
    originals = ledger.find_posting(session, original_key)
    receipts = list(
        session.execute(
            select(Receipt)
            .where(Receipt.movement_id.in_([m.id for m in originals]))  # type: ignore[attr-defined]
            .order_by(Receipt.id)
        ).scalars()
    )
    if not receipts:
        from storeroom_tui.errors import UnknownMovement

        raise UnknownMovement(f"no PO receipt was posted with key {posting_key}", posting_key)
    if not reason.strip():
        raise InvalidValue("undoing a receipt needs a reason", reason)
    by_line: dict[int, int] = {}
    for receipt in receipts:
        by_line[receipt.po_line_id] = by_line.get(receipt.po_line_id, 0) + receipt.qty
        if receipt.released_qty:
            raise PurchaseOrderState(
                "this receipt was already released from quarantine: move it back first",
                receipt.id,
            )
    lines = {line_id: session.get(PurchaseOrderLine, line_id) for line_id in by_line}
    po = session.get(PurchaseOrder, next(iter(lines.values())).po_id)  # type: ignore[union-attr]
    assert po is not None
    item = session.get(Item, originals[0].item_id)
    assert item is not None
    for line_id, qty in by_line.items():
        line = lines[line_id]
        assert line is not None
        if line.invoiced_qty > line.received_qty - qty:
            raise PurchaseOrderState(
                f"{po.number} line {line.line_no}: {format_qty(line.invoiced_qty)} already "
                f"invoiced; undoing {format_qty(qty)} would leave "
                f"{format_qty(line.received_qty - qty)} received: get a credit note first",
                po.number,
            )
    released = 0
    for receipt, movement in zip(receipts, originals, strict=False):
        if receipt.reserved_wo_id and receipt.reserved_qty:
            released += _shrink_reservation(
                session, receipt, movement.to_location_id, movement.lot_id
            )
    session.info["po_receipt_reversal"] = True
    try:
        posting = ledger.reverse(session, actor, original_key, reason, key)
    finally:
        session.info.pop("po_receipt_reversal", None)
    for line_id, qty in by_line.items():
        line = lines[line_id]
        assert line is not None
        line.received_qty -= qty
        session.add(line)
    for receipt in receipts:
        session.delete(receipt)  # the link goes; the movement and its reversal stay
    session.flush()
    _refresh_received_status(session, actor, po)
    if po.status in (PoStatus.PARTIALLY_RECEIVED, PoStatus.RECEIVED) and not any(
        line.received_qty for line in purchasing.po_lines(session, po)
    ):
        purchasing.log_po_event(session, actor, po, "unreceived", PoStatus.APPROVED, reason)
    assert item.id is not None
    replenishment.check_reorder(session, actor, item.id)
    return ReceiptReversal(
        po.number, po.status, item.part_number, sum(by_line.values()), posting, released
    )


def _shrink_reservation(
    session: Session, receipt: Receipt, location_id: int, lot_id: int | None
) -> int:
    """Give up what a receipt reserved to its WO (what is not issued yet)."""
    from models.workorder import OPEN_RESERVATION_STATUSES, ReservationStatus

    left = receipt.reserved_qty
    released = 0
    for reservation in session.execute(
        select(Reservation)
        .where(
            Reservation.wo_id == receipt.reserved_wo_id,
            Reservation.location_id == location_id,
            Reservation.lot_id == lot_id if lot_id is not None else Reservation.lot_id.is_(None),  # type: ignore[union-attr]
            Reservation.status.in_(OPEN_RESERVATION_STATUSES),  # type: ignore[attr-defined]
        )
        .order_by(Reservation.id.desc())  # type: ignore[union-attr]
    ).scalars():
        if left <= 0:
            break
        free = reservation.qty - reservation.supplied_qty
        take = min(free, left)
        if take <= 0:
            continue
        if take == reservation.qty:
            reservation.status = ReservationStatus.CANCELLED
        else:
            reservation.qty -= take
            if reservation.supplied_qty >= reservation.qty:
                reservation.status = ReservationStatus.SUPPLIED
        session.add(reservation)
        left -= take
        released += take
    session.flush()
    return released
