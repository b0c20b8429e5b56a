"""Reorder points and shortages become requisition lines, once each.

Kept small and cheap because the counter calls it after every post that can lower
availability: an item without a min costs one identity-map look-up. Availability is
DESIGN's: on hand in available bins (unexpired) minus open reservations.

- `check_reorder`: below min (counting what is already on order) raises ONE reorder
  requisition for up to max, then stays quiet until availability is back at min.
- `raise_for_shortage`: a WO's demand line that could not be reserved raises one
  requisition line linked to the WO, the demand line and the asset.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam, case, func, literal_column, or_, select
from sqlmodel import Session

from models import (
    Balance,
    DemandLine,
    Item,
    ItemSupply,
    Location,
    LocationKind,
    Lot,
    PurchaseOrder,
    PurchaseOrderLine,
    RequisitionLine,
    Reservation,
    VendorItem,
    WorkOrder,
)
from models._columns import utcnow
from models.purchasing import PoStatus, RequisitionSource, RequisitionStatus
from models.workorder import OPEN_RESERVATION_STATUSES
from storeroom_tui import catalog
from storeroom_tui.permissions import Actor
from storeroom_tui.prepared import Prepared

# POs whose outstanding quantity is still coming
OPEN_PO_STATUSES = (
    PoStatus.DRAFT,
    PoStatus.PENDING_APPROVAL,
    PoStatus.APPROVED,
    PoStatus.PARTIALLY_RECEIVED,
)


def next_number(session: Session, prefix: str, terminal: str) -> str:
    """PO-000001 / RQ-000001 on the site database; PO-T2-000001 on a terminal's own file
    (the same scheme as work-order numbers)."""
    key = f"{prefix.lower()}_seq:{terminal}"
    current = catalog.get_setting(session, key)
    sequence = int(current) + 1 if current else 1
    catalog.set_setting(session, key, str(sequence))
    head = f"{prefix}-{terminal}-" if terminal else f"{prefix}-"
    return f"{head}{sequence:06d}"


def available(session: Session, item_id: int, today: date | None = None) -> int:
    """On hand in available bins, unexpired, minus open reservations (DESIGN section 4)."""
    from storeroom_tui.ledger import today as ledger_today

    day = today or ledger_today()
    on_hand = session.execute(
        select(func.coalesce(func.sum(Balance.qty), 0))
        .join(Location, Location.id == Balance.location_id)
        .outerjoin(Lot, Lot.id == Balance.lot_id)
        .where(
            Balance.item_id == item_id,
            Location.kind == LocationKind.BIN,
            Location.available.is_(True),  # type: ignore[attr-defined]
            or_(Lot.expiry.is_(None), Lot.expiry >= day),  # type: ignore[union-attr]
        )
    ).scalar_one()
    reserved = session.execute(
        select(func.coalesce(func.sum(Reservation.qty - Reservation.supplied_qty), 0)).where(
            Reservation.item_id == item_id,
            Reservation.status.in_(OPEN_RESERVATION_STATUSES),  # type: ignore[attr-defined]
        )
    ).scalar_one()
    return int(on_hand) - int(reserved)


def on_order_for_stock(session: Session, item_id: int) -> int:
    """What is already asked for or coming for stock (not for a WO): open reorder and
    manual requisitions, plus the outstanding quantity of open PO lines with no WO."""
    requested = session.execute(
        select(func.coalesce(func.sum(RequisitionLine.qty), 0)).where(
            RequisitionLine.item_id == item_id,
            RequisitionLine.status == RequisitionStatus.OPEN,
            RequisitionLine.wo_id.is_(None),  # type: ignore[union-attr]
        )
    ).scalar_one()
    coming = session.execute(
        select(
            func.coalesce(
                func.sum(PurchaseOrderLine.qty - PurchaseOrderLine.received_qty),
                0,
            )
        )
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.po_id)
        .where(
            PurchaseOrderLine.item_id == item_id,
            PurchaseOrderLine.wo_id.is_(None),  # type: ignore[union-attr]
            PurchaseOrderLine.qty > PurchaseOrderLine.received_qty,
            PurchaseOrder.status.in_(OPEN_PO_STATUSES),  # type: ignore[attr-defined]
        )
    ).scalar_one()
    return int(requested) + int(coming)


def preferred_vendor_id(session: Session, item_id: int) -> int | None:
    """The item's preferred vendor, else the cheapest vendor that lists it."""
    supply = session.get(ItemSupply, item_id)
    if supply is not None and supply.preferred_vendor_id is not None:
        return supply.preferred_vendor_id
    return session.execute(
        select(VendorItem.vendor_id)
        .where(VendorItem.item_id == item_id)
        .order_by(VendorItem.unit_price, VendorItem.vendor_id)
        .limit(1)
    ).scalar_one_or_none()


def new_requisition(
    session: Session,
    actor: Actor,
    item_id: int,
    qty: int,
    source: RequisitionSource,
    *,
    wo_id: int | None = None,
    demand_line_id: int | None = None,
    asset_id: int | None = None,
    vendor_id: int | None = None,
    needed_by: date | None = None,
    note: str | None = None,
) -> RequisitionLine:
    line = RequisitionLine(
        terminal=actor.terminal,
        number=next_number(session, "RQ", actor.terminal),
        item_id=item_id,
        qty=qty,
        source=source.value,
        wo_id=wo_id,
        demand_line_id=demand_line_id,
        asset_id=asset_id,
        vendor_id=vendor_id if vendor_id is not None else preferred_vendor_id(session, item_id),
        needed_by=needed_by,
        note=note,
        created_by=actor.user_id,
    )
    session.add(line)
    session.flush()
    return line


# One statement, built once, answers the usual case of every post: the item's min and
# its availability now (on hand in available bins, unexpired, minus open reservations),
# and whether a reorder was already raised in this dip.
_ON_HAND = (
    select(func.coalesce(func.sum(Balance.qty), 0))
    .join(Location, Location.id == Balance.location_id)
    .outerjoin(Lot, Lot.id == Balance.lot_id)
    .where(
        Balance.item_id == bindparam("item_id"),
        Location.kind == LocationKind.BIN.value,
        Location.available.is_(True),  # type: ignore[attr-defined]
        or_(Lot.expiry.is_(None), Lot.expiry >= bindparam("today")),  # type: ignore[union-attr]
    )
    .scalar_subquery()
)
_RESERVED = (
    select(func.coalesce(func.sum(Reservation.qty - Reservation.supplied_qty), 0))
    .where(
        Reservation.item_id == bindparam("item_id"),
        # the open statuses written into the SQL (a bound list is expanded at each call)
        Reservation.status.in_(  # type: ignore[attr-defined]
            [literal_column(f"'{status.value}'") for status in OPEN_RESERVATION_STATUSES]
        ),
    )
    .scalar_subquery()
)
_REORDER_STATE = Prepared(
    select(
        Item.min_qty,
        ItemSupply.reorder_raised_at,
        # the sums only for an item with a min (the CASE spares the others them)
        case((Item.min_qty > 0, _ON_HAND - _RESERVED), else_=0),
    )
    .outerjoin(ItemSupply, ItemSupply.item_id == Item.id)
    .where(Item.id == bindparam("item_id"))
)


def check_reorder(session: Session, actor: Actor, item_id: int) -> RequisitionLine | None:
    """Raise one reorder requisition when availability is below min, for up to max.

    Quiet while the dip it was raised for lasts (the item's `reorder_raised_at`), and
    armed again once availability is back at min or above. What is already on order for
    stock counts: nothing is raised when it covers min. Returns the new line, if any.
    One round trip, whatever the item.
    """
    from storeroom_tui.ledger import today

    session.flush()  # (a Core statement does not flush pending objects by itself)
    values = {"item_id": item_id, "today": today()}
    row = _REORDER_STATE.first(session.connection(), values)
    if row is None or not row[0] or row[0] <= 0:
        return None
    return reorder_below_min(session, actor, item_id, row[0], row[1], int(row[2]))


def reorder_below_min(
    session: Session,
    actor: Actor,
    item_id: int,
    minimum: int,
    raised_at: datetime | None,
    now_available: int,
) -> RequisitionLine | None:
    """`check_reorder` for an item with a min (> 0), given that min, its reorder mark and
    its availability now (an issue knows them from its own reads: no round trip)."""
    if now_available >= minimum:
        if raised_at is not None:
            supply = session.get(ItemSupply, item_id)
            assert supply is not None
            supply.reorder_raised_at = None
            session.add(supply)
            session.flush()
        return None
    if raised_at is not None:
        return None  # raised once for this dip
    item = session.get(Item, item_id)
    assert item is not None
    position = now_available + on_order_for_stock(session, item_id)
    if position >= item.min_qty:
        return None
    target = item.max_qty if item.max_qty > item.min_qty else item.min_qty
    qty = max(target - position, item.reorder_qty)
    if qty <= 0:
        return None
    line = new_requisition(
        session,
        actor,
        item_id,
        qty,
        RequisitionSource.REORDER,
        note=f"available {now_available / 1000:g} below min {item.min_qty / 1000:g}",
    )
    supply = session.get(ItemSupply, item_id) or ItemSupply(item_id=item_id)
    supply.reorder_raised_at = utcnow()
    session.add(supply)
    session.flush()
    return line


def raise_for_shortage(
    session: Session, actor: Actor, work_order: WorkOrder, demand_line_id: int, shortage: int
) -> RequisitionLine | None:
    """One requisition line per short demand line, linked to the WO and its asset.

    An open one is brought up to the current shortage; an ordered one is left alone
    (what is on its PO is reserved to the WO when it arrives).
    """
    if shortage <= 0:
        return None
    existing = (
        session.execute(
            select(RequisitionLine)
            .where(
                RequisitionLine.demand_line_id == demand_line_id,
                RequisitionLine.status != RequisitionStatus.CANCELLED,
            )
            .order_by(RequisitionLine.id)
        )
        .scalars()
        .first()
    )
    if existing is not None:
        if existing.status == RequisitionStatus.OPEN and existing.qty < shortage:
            existing.qty = shortage
            existing.updated_at = utcnow()
            session.add(existing)
            session.flush()
        return existing
    line = session.get(DemandLine, demand_line_id)
    assert line is not None
    return new_requisition(
        session,
        actor,
        line.item_id,
        shortage,
        RequisitionSource.SHORTAGE,
        wo_id=work_order.id,
        demand_line_id=demand_line_id,
        asset_id=work_order.asset_id,
        needed_by=work_order.due_date,
        note=f"shortage on {work_order.number} line {line.line_no}",
    )


def after_reservation(session: Session, actor: Actor, work_order: WorkOrder) -> None:
    """Called once a WO was reserved: each short line raises its requisition, and every
    item whose availability the reservation lowered is checked against its min."""
    from storeroom_tui import wip

    assert work_order.id is not None
    for line in wip.position(session, work_order.id).lines:
        if line.shortage > 0:
            raise_for_shortage(session, actor, work_order, line.line_id, line.shortage)
        check_reorder(session, actor, line.item_id)
