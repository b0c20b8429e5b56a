"""Stock look-up: on hand per bin and lot, reserved, available, and who has it in WIP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, case, func, or_, select
from sqlmodel import Session

from models import Balance, Location, LocationKind, Lot, Movement, Reservation, Serial, WorkOrder
from models.workorder import OPEN_RESERVATION_STATUSES
from storeroom_tui import catalog
from storeroom_tui.ledger import today


@dataclass(frozen=True, slots=True)
class StockBalance:
    location: str
    kind: str
    lot: str | None
    expiry: date | None
    serial: str | None
    qty: int
    expired: bool


@dataclass(frozen=True, slots=True)
class WipHolder:
    number: str
    title: str
    qty: int


@dataclass(frozen=True, slots=True)
class StockPosition:
    part: str
    description: str
    uom: str
    tracking: str
    avg_cost: int
    on_hand: int  # in bins
    reserved: int
    available: int
    balances: list[StockBalance]
    in_wip: list[WipHolder]


def stock_position(session: Session, part: str) -> StockPosition:
    item = catalog.find_item(session, part)
    rows = session.execute(
        select(
            Location.code,
            Location.kind,
            Location.available,
            Lot.lot_no,
            Lot.expiry,
            Serial.serial_no,
            Balance.qty,
        )
        .join(Location, Location.id == Balance.location_id)
        .outerjoin(Lot, Lot.id == Balance.lot_id)
        .outerjoin(Serial, Serial.id == Balance.serial_id)
        .where(Balance.item_id == item.id, Balance.qty != 0, Location.physical.is_(True))  # type: ignore[attr-defined]
        .order_by(Location.kind, Location.code, Lot.expiry, Lot.lot_no, Serial.serial_no)
    ).all()
    now = today()
    balances = [
        StockBalance(code, kind, lot, expiry, serial, qty, bool(expiry and expiry < now))
        for code, kind, _available, lot, expiry, serial, qty in rows
        if kind != LocationKind.WIP
    ]
    on_hand = sum(b.qty for b in balances if b.kind == LocationKind.BIN)
    usable = sum(
        qty
        for code, kind, available, lot, expiry, serial, qty in rows
        if kind == LocationKind.BIN and available and not (expiry and expiry < now)
    )
    reserved = session.execute(
        select(func.coalesce(func.sum(Reservation.qty - Reservation.supplied_qty), 0)).where(
            Reservation.item_id == item.id,
            Reservation.status.in_(OPEN_RESERVATION_STATUSES),  # type: ignore[attr-defined]
        )
    ).scalar_one()
    holders = _wip_holders(session, item.id)  # type: ignore[arg-type]
    return StockPosition(
        item.part_number,
        item.description,
        item.uom,
        item.tracking,
        item.avg_cost,
        on_hand,
        int(reserved),
        max(usable - int(reserved), 0),
        balances,
        holders,
    )


_WIP = bindparam("wip_id")
_HELD = func.sum(case((Movement.to_location_id == _WIP, Movement.qty), else_=-Movement.qty))
# one pass over the item's movements in and out of WIP, netted per WO in SQL: only the
# WOs still holding some are joined and returned (a part used for years has thousands)
_HOLDING = (
    select(Movement.wo_id, _HELD.label("qty"))
    .where(
        Movement.item_id == bindparam("item_id"),
        or_(Movement.to_location_id == _WIP, Movement.from_location_id == _WIP),
    )
    .group_by(Movement.wo_id)
    .having(_HELD > 0)
).subquery()
_HOLDERS = (
    select(WorkOrder.number, WorkOrder.title, _HOLDING.c.qty)
    .join(_HOLDING, _HOLDING.c.wo_id == WorkOrder.id)
    .order_by(WorkOrder.number)
)


def _wip_holders(session: Session, item_id: int) -> list[WipHolder]:
    """Work orders holding this item in WIP, from the WIP movements of this item."""
    wip_id = catalog.virtual_location(session, LocationKind.WIP).id
    rows = session.execute(_HOLDERS, {"item_id": item_id, "wip_id": wip_id}).all()
    return [WipHolder(number, title, int(qty)) for number, title, qty in rows]
