"""Reservations: stock promised to a demand line, and what is still free for others.

Reserving picks the first-expiring lot first, then the bin with most stock; whatever
cannot be reserved stays open on the line as a shortage. Issuing consumes the line's
reservations; an undone issue gives back what it took.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, literal_column, or_, select, update
from sqlmodel import Session

from models import Balance, Location, LocationKind, Lot, Reservation, WorkOrder
from models._columns import utcnow
from models.workorder import OPEN_RESERVATION_STATUSES, ReservationStatus
from storeroom_tui import replenishment, wip
from storeroom_tui.gates import Gate, require_gate
from storeroom_tui.permissions import Action, Actor
from storeroom_tui.prepared import Prepared


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
    physical: bool = True


# Every issue asks where an item can be taken from: the statements are built once,
# with the item (and the optional filters) bound at each call.
# What others hold at each (location, lot), read beside the stock in one round trip:
# "where can I take it from". `line_id` -1 leaves no line out (ids are > 0). A balance
# row each (one per serial of a serialised item), summed per (location, lot) in Python:
# SQLite answers that faster than a GROUP BY over a joined subquery of what is held.
_R = Reservation.__table__  # type: ignore[attr-defined]
_B = Balance.__table__  # type: ignore[attr-defined]
_L = Location.__table__  # type: ignore[attr-defined]
_LOT = Lot.__table__  # type: ignore[attr-defined]
# the open statuses written into the SQL (a list bound as parameters is expanded anew
# at every execution)
_OPEN = _R.c.status.in_(
    [literal_column(f"'{status.value}'") for status in OPEN_RESERVATION_STATUSES]
)
_HELD_HERE = (
    select(func.sum(_R.c.qty - _R.c.supplied_qty))
    .where(
        _R.c.item_id == _B.c.item_id,
        _R.c.location_id == _B.c.location_id,
        func.coalesce(_R.c.lot_id, literal_column("0")) == _B.c.lot_id,
        _OPEN,
        _R.c.demand_line_id != bindparam("line_id"),
    )
    .scalar_subquery()
)
_SOURCES = (
    select(
        _B.c.location_id,
        _L.c.code,
        _B.c.lot_id,
        _LOT.c.lot_no,
        _LOT.c.expiry,
        _L.c.physical,
        _B.c.qty,
        _HELD_HERE.label("held"),
    )
    .join(_L, _L.c.id == _B.c.location_id)
    .outerjoin(_LOT, _LOT.c.id == _B.c.lot_id)
    .where(
        _B.c.item_id == bindparam("item_id"),
        _B.c.qty > 0,
        _L.c.kind == LocationKind.BIN.value,
        _L.c.available.is_(True),
        or_(_LOT.c.expiry.is_(None), _LOT.c.expiry >= bindparam("today")),
    )
)
# (at one location?, of one lot?) -> the statement
_SOURCES_AT = {
    (False, False): Prepared(_SOURCES),
    (True, False): Prepared(_SOURCES.where(_B.c.location_id == bindparam("location_id"))),
    (False, True): Prepared(_SOURCES.where(_B.c.lot_id == bindparam("lot_id"))),
    (True, True): Prepared(
        _SOURCES.where(
            _B.c.location_id == bindparam("location_id"), _B.c.lot_id == bindparam("lot_id")
        )
    ),
}


# all the item's stock can come from, with what is reserved of the item in all (what an
# issue needs after posting to check the item's reorder point without asking again)
_RESERVED_OF_ITEM = (
    select(func.coalesce(func.sum(_R.c.qty - _R.c.supplied_qty), literal_column("0")))
    .where(_R.c.item_id == bindparam("item_id"), _OPEN)
    .scalar_subquery()
)
_SOURCES_AND_RESERVED = Prepared(_SOURCES.add_columns(_RESERVED_OF_ITEM.label("reserved")))


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
    values = {
        "item_id": item_id,
        "today": today(),
        "location_id": location_id,
        "lot_id": lot_id,
        "line_id": -1 if exclude_line_id is None else exclude_line_id,
    }
    session.flush()  # (a Core statement does not flush pending objects by itself)
    return _sources_of(query.rows(session.connection(), values))


def sources_and_reserved(
    session: Session, item_id: int, exclude_line_id: int | None = None
) -> tuple[list[Source], int]:
    """`sources` of the item anywhere, and how much of the item open reservations hold
    in all (0 when it has no stock at all), in one round trip."""
    from storeroom_tui.ledger import today

    values = {
        "item_id": item_id,
        "today": today(),
        "line_id": -1 if exclude_line_id is None else exclude_line_id,
    }
    session.flush()  # (a Core statement does not flush pending objects by itself)
    rows = _SOURCES_AND_RESERVED.rows(session.connection(), values)
    return _sources_of(rows), int(rows[0][-1]) if rows else 0


def _sources_of(rows: list[tuple]) -> list[Source]:
    placed: dict[tuple[int, int], list] = {}  # (location, lot) -> its row, serials summed
    for loc_id, code, lot, lot_no, expiry, physical, qty, held, *_reserved in rows:
        here = placed.get((loc_id, lot))
        if here is None:
            placed[(loc_id, lot)] = [loc_id, code, lot, lot_no, expiry, physical, qty, held]
        else:
            here[6] += qty
    found = [
        Source(
            loc_id,
            code,
            lot or None,
            lot_no,
            expiry.toordinal() if expiry else 10**7,
            int(qty),
            max(int(qty) - int(held or 0), 0),
            bool(physical),
        )
        for loc_id, code, lot, lot_no, expiry, physical, qty, held in placed.values()
    ]
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


@dataclass(slots=True)
class OpenReservation:
    """The columns of an open reservation an issue draws on (read and written as rows)."""

    id: int
    location_id: int
    lot_id: int | None
    qty: int
    supplied_qty: int


_OPEN_ROWS = Prepared(
    select(_R.c.id, _R.c.location_id, _R.c.lot_id, _R.c.qty, _R.c.supplied_qty)
    .where(_R.c.demand_line_id == bindparam("line_id"), _OPEN)
    .order_by(_R.c.id)
)
_SUPPLY = Prepared(
    update(_R)
    .where(_R.c.id == bindparam("r_id"))
    .values(supplied_qty=bindparam("r_supplied"), status=bindparam("r_status"))
    .values(updated_at=bindparam("r_at"))
)


def open_reservation_rows(session: Session, line_id: int) -> list[OpenReservation]:
    rows = _OPEN_ROWS.rows(session.connection(), {"line_id": line_id})
    return [OpenReservation(*row) for row in rows]


def consume(
    session: Session,
    line_id: int,
    location_id: int,
    lot_id: int | None,
    qty: int,
    rows: list[OpenReservation] | None = None,
) -> int | None:
    """Mark `qty` of the line's reservations supplied, the matching place first.

    Returns the id of the reservation at the same place, if one was drawn on. `rows`, the
    line's open reservations read once by the caller, are kept up to date for its next call.
    """
    if rows is None:
        session.flush()
        rows = open_reservation_rows(session, line_id)
    matched_id: int | None = None
    ordered = sorted(
        (r for r in rows if r.supplied_qty < r.qty),
        key=lambda r: (r.location_id != location_id or r.lot_id != lot_id, r.id),
    )
    connection = session.connection()
    for reservation in ordered:
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
        supplied = reservation.supplied_qty >= reservation.qty
        status = ReservationStatus.SUPPLIED if supplied else ReservationStatus.PARTIALLY_SUPPLIED
        values = {
            "r_id": reservation.id,
            "r_supplied": reservation.supplied_qty,
            "r_status": status.value,
            "r_at": utcnow(),
        }
        _SUPPLY.rowcount(connection, values)
        # a Reservation this transaction loaded as an object reads the new values
        if len(session.identity_map):
            loaded = session.identity_map.get(session.identity_key(Reservation, reservation.id))
            if loaded is not None:
                session.expire(loaded)
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
