"""Reservations: stock promised to a demand line, and what is still free for others.

Reserving picks the first-expiring lot first, then the bin with most stock; whatever
cannot be reserved stays open on the line as a shortage. Issuing consumes the line's
reservations; an undone issue gives back what it took.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, or_, select
from sqlmodel import Session

from models import Balance, Location, LocationKind, Lot, Reservation, WorkOrder
from models._columns import utcnow
from models.workorder import OPEN_RESERVATION_STATUSES, ReservationStatus
from storeroom_tui import replenishment, wip
from storeroom_tui.gates import Gate, require_gate
from storeroom_tui.permissions import Action, Actor


@dataclass(frozen=True, slots=True)
class Source:
    """Stock of one item at one bin and lot, and how much of it others have not claimed."""

    location_id: int
    location_code: str
    lot_id: int | None
    lot_no: str | None
    expiry_ordinal: int  # for first-expiry-first ordering; no expiry sorts last
    on_hand: int
    free: int


# Every issue asks where an item can be taken from: these statements are built once,
# with the item (and the optional filters) bound at each call.
_RESERVED = (
    select(
        Reservation.location_id,
        Reservation.lot_id,
        func.sum(Reservation.qty - Reservation.supplied_qty),
    )
    .where(
        Reservation.item_id == bindparam("item_id"),
        Reservation.status.in_(OPEN_RESERVATION_STATUSES),  # type: ignore[attr-defined]
    )
    .group_by(Reservation.location_id, Reservation.lot_id)
)
_RESERVED_BY_OTHERS = _RESERVED.where(Reservation.demand_line_id != bindparam("line_id"))


def reserved_by_others(
    session: Session, item_id: int, exclude_line_id: int | None = None
) -> dict[tuple[int, int | None], int]:
    """Open reservation quantities per (location, lot), leaving out one demand line."""
    if exclude_line_id is None:
        rows = session.execute(_RESERVED, {"item_id": item_id}).all()
    else:
        rows = session.execute(
            _RESERVED_BY_OTHERS, {"item_id": item_id, "line_id": exclude_line_id}
        ).all()
    return {(loc, lot): int(qty) for loc, lot, qty in rows}


_SOURCES = (
    select(
        Balance.location_id,
        Location.code,
        Balance.lot_id,
        Lot.lot_no,
        Lot.expiry,
        func.sum(Balance.qty),
    )
    .join(Location, Location.id == Balance.location_id)
    .outerjoin(Lot, Lot.id == Balance.lot_id)
    .where(
        Balance.item_id == bindparam("item_id"),
        Balance.qty > 0,
        Location.kind == LocationKind.BIN,
        Location.available.is_(True),  # type: ignore[attr-defined]
        or_(Lot.expiry.is_(None), Lot.expiry >= bindparam("today")),  # type: ignore[union-attr]
    )
    .group_by(Balance.location_id, Location.code, Balance.lot_id, Lot.lot_no, Lot.expiry)
)
# (at one location?, of one lot?) -> the statement
_SOURCES_AT = {
    (False, False): _SOURCES,
    (True, False): _SOURCES.where(Balance.location_id == bindparam("location_id")),
    (False, True): _SOURCES.where(Balance.lot_id == bindparam("lot_id")),
    (True, True): _SOURCES.where(
        Balance.location_id == bindparam("location_id"), Balance.lot_id == bindparam("lot_id")
    ),
}


def sources(
    session: Session,
    item_id: int,
    exclude_line_id: int | None = None,
    location_id: int | None = None,
    lot_id: int | None = None,
) -> list[Source]:
    """Non-serial stock in available bins, unexpired, first expiry first, then most stock."""
    from storeroom_tui.ledger import today

    query = _SOURCES_AT[(location_id is not None, lot_id is not None)]
    values = {"item_id": item_id, "today": today(), "location_id": location_id, "lot_id": lot_id}
    claimed = reserved_by_others(session, item_id, exclude_line_id)
    found = []
    for loc_id, code, lot, lot_no, expiry, qty in session.execute(query, values).all():
        lot_key = lot or None
        free = int(qty) - claimed.get((loc_id, lot_key), 0)
        found.append(
            Source(
                loc_id,
                code,
                lot_key,
                lot_no,
                expiry.toordinal() if expiry else 10**7,
                int(qty),
                max(free, 0),
            )
        )
    found.sort(key=lambda s: (s.expiry_ordinal, -s.free, s.location_code))
    return found


@dataclass(frozen=True, slots=True)
class LineReservation:
    line_no: int
    part: str
    reserved_now: int
    shortage: int


def reserve_work_order(
    session: Session, actor: Actor, work_order: WorkOrder
) -> list[LineReservation]:
    """Reserve what every line still needs; the rest stays open as a shortage."""
    actor.require(Action.RESERVE)
    require_gate(work_order.number, work_order.status, Gate.RESERVE)
    assert work_order.id is not None
    outcome = []
    for line in wip.position(session, work_order.id).lines:
        need = line.to_issue - line.reserved
        reserved_now = 0
        if need > 0:
            for source in sources(session, line.item_id):
                if need <= 0:
                    break
                take = min(source.free, need)
                if take <= 0:
                    continue
                session.add(
                    Reservation(
                        terminal=actor.terminal,
                        demand_line_id=line.line_id,
                        wo_id=work_order.id,
                        item_id=line.item_id,
                        location_id=source.location_id,
                        lot_id=source.lot_id,
                        qty=take,
                        user_id=actor.user_id,
                    )
                )
                session.flush()
                need -= take
                reserved_now += take
        outcome.append(LineReservation(line.line_no, line.part, reserved_now, max(need, 0)))
    replenishment.after_reservation(session, actor, work_order)  # shortages -> requisitions
    return outcome


def _refresh_status(reservation: Reservation) -> None:
    if reservation.supplied_qty >= reservation.qty:
        reservation.status = ReservationStatus.SUPPLIED
    elif reservation.supplied_qty > 0:
        reservation.status = ReservationStatus.PARTIALLY_SUPPLIED
    else:
        reservation.status = ReservationStatus.CONFIRMED
    reservation.updated_at = utcnow()


_OPEN_OF_LINE = (
    select(Reservation)
    .where(
        Reservation.demand_line_id == bindparam("line_id"),
        Reservation.status.in_(OPEN_RESERVATION_STATUSES),  # type: ignore[attr-defined]
    )
    .order_by(Reservation.id)
)


def open_reservations(session: Session, line_id: int) -> list[Reservation]:
    return list(session.execute(_OPEN_OF_LINE, {"line_id": line_id}).scalars())


def consume(
    session: Session, line_id: int, location_id: int, lot_id: int | None, qty: int
) -> int | None:
    """Mark `qty` of the line's reservations supplied, the matching place first.

    Returns the id of the reservation at the same place, if one was drawn on.
    """
    matched_id: int | None = None
    reservations = open_reservations(session, line_id)
    reservations.sort(key=lambda r: (r.location_id != location_id or r.lot_id != lot_id, r.id))
    for reservation in reservations:
        if qty <= 0:
            break
        take = min(reservation.qty - reservation.supplied_qty, qty)
        reservation.supplied_qty += take
        qty -= take
        if (
            matched_id is None
            and reservation.location_id == location_id
            and reservation.lot_id == lot_id
        ):
            matched_id = reservation.id
        _refresh_status(reservation)
        session.add(reservation)
    session.flush()
    return matched_id


def give_back(session: Session, reservation_id: int, qty: int) -> None:
    reservation = session.get(Reservation, reservation_id)
    if reservation is None or reservation.status == ReservationStatus.CANCELLED:
        return
    reservation.supplied_qty -= min(reservation.supplied_qty, qty)
    _refresh_status(reservation)
    session.add(reservation)
    session.flush()


def release(session: Session, work_order: WorkOrder) -> int:
    """Cancel the WO's open reservations (close, cancel, postpone-and-release)."""
    released = 0
    for reservation in session.execute(
        select(Reservation).where(
            Reservation.wo_id == work_order.id,
            Reservation.status.in_(OPEN_RESERVATION_STATUSES),  # type: ignore[attr-defined]
        )
    ).scalars():
        released += reservation.qty - reservation.supplied_qty
        reservation.status = ReservationStatus.CANCELLED
        reservation.updated_at = utcnow()
        session.add(reservation)
    session.flush()
    return released
