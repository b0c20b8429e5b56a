"""At the counter: issue parts to a work order, take them back, write off what was used.

These are the posts a clerk makes with a scanner in one hand. Each checks the acting
user's right, the WO's gate and the ledger's rules, then posts one set of movements
in one transaction. A key posted twice returns the first result.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import SimpleNamespace
from typing import Any, NamedTuple

from sqlalchemy import (
    Integer,
    bindparam,
    cast,
    exists,
    func,
    literal_column,
    null,
    select,
    true,
    union_all,
)
from sqlmodel import Session

from models import (
    DemandLine,
    Item,
    ItemSupply,
    Location,
    LocationKind,
    Lot,
    Movement,
    MovementKind,
    Reservation,
    Serial,
    WorkOrder,
)
from models.workorder import OPEN_RESERVATION_STATUSES
from storeroom_tui import catalog, ledger, replenishment, reservations, wip, workorders
from storeroom_tui.errors import (
    DuplicateSerial,
    ExpiredLot,
    InsufficientStock,
    InvalidQuantity,
    InvalidValue,
    ReasonRequired,
    ReturnExceedsIssued,
    SerialNotAvailable,
    SerialNotIssued,
    SerialRequired,
    ToolMustBeReturned,
    UnknownLot,
    WriteOffExceedsIssued,
)
from storeroom_tui.gates import Gate, require_gate
from storeroom_tui.ledger import MovementSpec, Posting
from storeroom_tui.permissions import Action, Actor
from storeroom_tui.prepared import Prepared
from storeroom_tui.quantities import MILLI, format_qty


class Condition(StrEnum):
    NEW = "new"
    OPENED = "opened"
    INSPECT = "inspect"
    REJECTED = "rejected"


def parse_condition(text: str) -> Condition:
    try:
        return Condition(text.strip().lower())
    except ValueError:
        known = ", ".join(c.value for c in Condition)
        raise InvalidValue(f"condition {text!r} is not one of: {known}", text) from None


def _serial_count(item: Item, qty: int, serial_nos: list[str]) -> list[str]:
    if qty <= 0:
        raise InvalidQuantity(
            f"quantity {format_qty(qty)} of {item.part_number} must be greater than zero", qty
        )
    if not ledger.needs_serial(item):
        if serial_nos:
            raise InvalidValue(
                f"{item.part_number} is not tracked by serial; serial {serial_nos[0]!r}",
                serial_nos[0],
            )
        return []
    if not serial_nos:
        raise SerialRequired(
            f"{item.part_number} is serialised: scan or give the serial of each unit",
            item.part_number,
        )
    if qty % MILLI or len(serial_nos) != qty // MILLI:
        raise SerialRequired(
            f"{item.part_number}: {format_qty(qty)} units need {format_qty(qty)} serials, "
            f"{len(serial_nos)} given",
            item.part_number,
        )
    cleaned = [ledger.check_serial_text(s) for s in serial_nos]
    if len(set(cleaned)) != len(cleaned):
        twice = next(s for s in cleaned if cleaned.count(s) > 1)
        raise DuplicateSerial(f"serial {twice} is given twice", twice)
    return cleaned


# --- issue -------------------------------------------------------------------------------
#
# An issue is the post a clerk makes most, so it reads what it needs as plain rows with
# three statements built once on the tables (SQLAlchemy Core, run on the driver's cursor:
# `prepared`): whether the key was posted with the WO and the item and its reorder point;
# the item's lines on the WO with what is issued and their open reservations; the places
# the stock can come from with what others hold there and what is reserved of the item
# in all. From those it also knows the item's availability after posting, so the reorder
# point is checked without asking again (with a bin or a lot named, it asks). Anything
# unusual (a barcode instead of a part number, a substitute, an extra line) goes the
# general way through the catalog and the WO's whole position.


@dataclass(frozen=True, slots=True)
class Place:
    """A location as a post names it (`ledger.post` takes this or a `Location`)."""

    id: int
    code: str
    kind: str
    physical: bool


@dataclass(frozen=True, slots=True)
class LotRef:
    id: int
    lot_no: str


_WO = WorkOrder.__table__  # type: ignore[attr-defined]
_ITEM = Item.__table__  # type: ignore[attr-defined]
_LINE = DemandLine.__table__  # type: ignore[attr-defined]
_MOVE = Movement.__table__  # type: ignore[attr-defined]
_ORIGINAL = _MOVE.alias("original")
_SUPPLY = ItemSupply.__table__  # type: ignore[attr-defined]
_KEY_POSTED = exists().where(_MOVE.c.posting_key == bindparam("key"))
# the key probe, the WO and the item (with its reorder point) in one round trip (no row:
# the WO or the part number is unknown, or the part was given by a barcode; the general
# way sorts it out)
_HEAD_SELECT = (
    select(
        _KEY_POSTED.label("posted"),
        _WO.c.id.label("wo_id"),
        _WO.c.number,
        _WO.c.status,
        _ITEM.c.id,
        _ITEM.c.part_number,
        _ITEM.c.uom,
        _ITEM.c.tracking,
        _ITEM.c.critical,
        _ITEM.c.kind,
        _ITEM.c.avg_cost,
        _ITEM.c.min_qty,
        _SUPPLY.c.reorder_raised_at,
    )
    .select_from(_WO.join(_ITEM, true()).outerjoin(_SUPPLY, _SUPPLY.c.item_id == _ITEM.c.id))
    .where(_WO.c.number == bindparam("number"), _ITEM.c.part_number == bindparam("part"))
)
_HEAD = Prepared(_HEAD_SELECT)


class _Head(NamedTuple):
    """The row `_HEAD` reads: the key's probe, the WO, and the item as a post names it."""

    posted: bool
    wo_id: int
    number: str
    status: str
    id: int
    part_number: str
    uom: str
    tracking: str
    critical: bool
    kind: str
    avg_cost: int
    min_qty: int
    reorder_raised_at: datetime | None


# the WO's own lines for the item, each with what is issued net of reversed issues (as
# `wip.position` counts it): its issues summed from ix_movement_wo_kind alone, less the
# reversals of issues (rare: their originals are read)
_ISSUED = (
    select(func.coalesce(func.sum(_MOVE.c.qty), literal_column("0")))
    .where(
        _MOVE.c.wo_id == _LINE.c.wo_id,
        _MOVE.c.kind == literal_column(f"'{MovementKind.ISSUE.value}'"),
        _MOVE.c.demand_line_id == _LINE.c.id,
    )
    .scalar_subquery()
)
_UNISSUED = (
    select(func.coalesce(func.sum(_MOVE.c.qty), literal_column("0")))
    .join(_ORIGINAL, _ORIGINAL.c.id == _MOVE.c.reverses_id)
    .where(
        _MOVE.c.wo_id == _LINE.c.wo_id,
        _MOVE.c.kind == literal_column(f"'{MovementKind.REVERSAL.value}'"),
        _MOVE.c.demand_line_id == _LINE.c.id,
        _ORIGINAL.c.kind == literal_column(f"'{MovementKind.ISSUE.value}'"),
    )
    .scalar_subquery()
)
_OWN_LINES = select(
    literal_column("0", Integer).label("part"),
    _LINE.c.id,
    _LINE.c.line_no,
    _LINE.c.planned_qty,
    cast(_LINE.c.additional, Integer),
    (_ISSUED - _UNISSUED).label("issued"),
    cast(null(), Integer),
).where(_LINE.c.wo_id == bindparam("wo_id"), _LINE.c.item_id == bindparam("item_id"))
# ... and in the same round trip the open reservations of those lines (those
# `reservations.open_reservation_rows` reads for one line; `consume` orders them)
_RESERVATION = Reservation.__table__  # type: ignore[attr-defined]
_OWNER = _LINE.alias("owner")
_OWN_RESERVATIONS = (
    select(
        literal_column("1", Integer),
        _RESERVATION.c.demand_line_id,
        _RESERVATION.c.id,
        _RESERVATION.c.location_id,
        _RESERVATION.c.lot_id,
        _RESERVATION.c.qty,
        _RESERVATION.c.supplied_qty,
    )
    .join(_OWNER, _OWNER.c.id == _RESERVATION.c.demand_line_id)
    .where(
        _OWNER.c.wo_id == bindparam("wo_id"),
        _OWNER.c.item_id == bindparam("item_id"),
        _RESERVATION.c.status.in_(
            [literal_column(f"'{status.value}'") for status in OPEN_RESERVATION_STATUSES]
        ),
    )
)
_OWN_LINES_AND_RESERVATIONS = Prepared(union_all(_OWN_LINES, _OWN_RESERVATIONS))
_WIP: weakref.WeakKeyDictionary[object, Place] = weakref.WeakKeyDictionary()


def _wip_place(session: Session) -> Place:
    """WIP as a plain place, read once per database."""
    bind = session.get_bind()
    place = _WIP.get(bind)
    if place is None:
        wip_location = catalog.virtual_location(session, LocationKind.WIP)
        place = Place(wip_location.id, wip_location.code, wip_location.kind, wip_location.physical)  # type: ignore[arg-type]
        _WIP[bind] = place
    return place


def work_order_number(number: str) -> str:
    """`42` -> `WO-000042`; any other text upper-cased (as `catalog.find_work_order`)."""
    text = number.strip().upper()
    return f"WO-{int(text):06d}" if text.isdigit() else text


@dataclass(slots=True)
class IssuePlan:
    """Which demand line an issue lands on and why it deviates from plan, if it does."""

    line_id: int | None  # None: an additional issue, its line made when posting
    deviation: str | None
    # the open reservations of the line when it is the item's own (read with it)
    reservations: list[reservations.OpenReservation] | None = None


def plan_line(
    session: Session,
    work_order: WorkOrder,
    item: Item,
    qty: int,
    reason: str | None,
) -> IssuePlan:
    """The line for `item`: its own, one it substitutes on, or an additional issue.

    `work_order` and `item` need only their ids and names.
    """
    assert work_order.id is not None
    has_reason = bool(reason and reason.strip())
    rows = _OWN_LINES_AND_RESERVATIONS.rows(
        session.connection(), {"wo_id": work_order.id, "item_id": item.id}
    )
    own = []
    held: dict[int, list[reservations.OpenReservation]] = {}
    for part, first, second, third, fourth, fifth, sixth in rows:
        if part == 0:  # a line: id, line_no, planned, additional, issued
            own.append((first, second, max(third - int(fifth or 0), 0), bool(fourth)))
        else:  # a reservation of a line: line id, id, location, lot, qty, supplied
            found = reservations.OpenReservation(second, third, fourth, int(fifth), int(sixth))
            held.setdefault(first, []).append(found)
    lines = sorted(own, key=lambda line: (line[3], line[2] == 0, line[1]))
    if lines:
        line_id, line_no, to_issue, additional = lines[0]
        if qty > to_issue and not additional:
            if not has_reason:
                raise ReasonRequired(
                    f"{item.part_number}: {format_qty(qty)} asked but only "
                    f"{format_qty(to_issue)} still planned on line {line_no}; "
                    "give a reason for the over-issue",
                    item.part_number,
                )
            return IssuePlan(line_id, "over_issue", held.get(line_id, []))
        return IssuePlan(line_id, "additional" if additional else None, held.get(line_id, []))
    for candidate in wip.position(session, work_order.id).lines:
        if item.id in workorders.substitutes_of(session, candidate.line_id):
            if not has_reason:
                raise ReasonRequired(
                    f"{item.part_number} substitutes {candidate.part} on line "
                    f"{candidate.line_no}; give a reason",
                    item.part_number,
                )
            return IssuePlan(candidate.line_id, "substitute")
    if not has_reason:
        raise ReasonRequired(
            f"{item.part_number} is not on the pick list of {work_order.number}; "
            "give a reason for an additional issue",
            item.part_number,
        )
    return IssuePlan(None, "additional")


def _serial_sources(
    session: Session, item: Item, serial_nos: list[str], bin_location: Location | None
) -> list[tuple[Location, Lot | None, Serial, int]]:
    picked = []
    for serial_no in serial_nos:
        serial = ledger.find_serial(session, item, serial_no)
        if serial is None:
            raise SerialNotAvailable(
                f"serial {serial_no} of {item.part_number} is not known here", serial_no
            )
        location = session.get(Location, serial.location_id)
        assert location is not None
        if location.kind != LocationKind.BIN or not location.available:
            where = location.code
            if serial.wo_id:
                wo = session.get(WorkOrder, serial.wo_id)
                where += f" on {wo.number}" if wo else ""
            raise SerialNotAvailable(
                f"serial {serial_no} of {item.part_number} is not on a shelf (it is in {where})",
                serial_no,
            )
        if bin_location is not None and location.id != bin_location.id:
            raise SerialNotAvailable(
                f"serial {serial_no} is in {location.code}, not in {bin_location.code}", serial_no
            )
        lot = session.get(Lot, serial.lot_id) if serial.lot_id else None
        picked.append((location, lot, serial, MILLI))
    return picked


def _bulk_sources(
    session: Session,
    item: Item,
    qty: int,
    line_id: int | None,
    bin_location: Location | None,
    lot: Lot | None,
    line_reservations: list[reservations.OpenReservation],
    found: list[reservations.Source] | None = None,
) -> list[tuple[Place, LotRef | None, Serial | None, int]]:
    """Take from the line's reservations first, then first expiry, then fullest bin.

    `found`: the item's sources for this line when the caller read them already."""
    if found is None:
        found = reservations.sources(
            session,
            item.id,  # type: ignore[arg-type]
            exclude_line_id=line_id,
            location_id=bin_location.id if bin_location else None,
            lot_id=lot.id if lot else None,
        )
    mine = {(r.location_id, r.lot_id) for r in line_reservations if r.supplied_qty < r.qty}
    found.sort(key=lambda s: (s.location_id, s.lot_id) not in mine)
    picked: list[tuple[Place, LotRef | None, Serial | None, int]] = []
    remaining = qty
    for source in found:
        if remaining <= 0:
            break
        take = min(source.free, remaining)
        if take <= 0:
            continue
        place = Place(source.location_id, source.location_code, LocationKind.BIN, source.physical)
        source_lot = LotRef(source.lot_id, source.lot_no or "") if source.lot_id else None
        picked.append((place, source_lot, None, take))
        remaining -= take
    if remaining > 0:
        free = sum(s.free for s in found)
        on_hand = sum(s.on_hand for s in found)
        where = f" at {bin_location.code}" if bin_location else ""
        if lot:
            where += f" lot {lot.lot_no}"
        held = (
            f" ({format_qty(on_hand - free)} reserved for other work orders)"
            if on_hand > free
            else ""
        )
        raise InsufficientStock(
            f"only {format_qty(free)} {item.uom} of {item.part_number} available{where}{held}; "
            f"{format_qty(qty)} asked",
            item.part_number,
        )
    return picked


def issue_to_line(
    session: Session,
    actor: Actor,
    wo_number: str,
    part: str,
    qty: int,
    bin_code: str | None = None,
    lot_no: str | None = None,
    serial_nos: list[str] | None = None,
    reason: str | None = None,
    key: str | None = None,
) -> Posting:
    """Bin -> WIP against a demand line (or, with a reason, a substitute or an extra)."""
    actor.require(Action.ISSUE)
    key = ledger.check_key(key)
    session.flush()
    row = _HEAD.first(
        session.connection(),
        {"key": key, "number": work_order_number(wo_number), "part": part.strip().upper()},
    )
    head: _Head | None = None
    if row is None:  # the general way: the catalog's look-ups and their refusals
        if (earlier := ledger.replay(session, key)) is not None:
            return earlier
        work_order: Any = catalog.find_work_order(session, wo_number)
        item: Any = catalog.find_item(session, part)
    else:
        head = _Head._make(row)
        if head.posted and (earlier := ledger.replay_posted(session, key)):
            return earlier
        work_order = SimpleNamespace(id=head.wo_id, number=head.number, status=head.status)
        item = head
    require_gate(work_order.number, work_order.status, Gate.ISSUE)
    serials = _serial_count(item, qty, list(serial_nos or []))
    bin_location = catalog.find_bin(session, bin_code) if bin_code else None
    lot = None
    if lot_no:
        lot = catalog.find_lot(session, item, lot_no)
        if lot is None:
            raise UnknownLot(f"no lot {lot_no!r} of {item.part_number}", lot_no)
        if lot.expiry is not None and lot.expiry < ledger.today():
            raise ExpiredLot(
                f"lot {lot.lot_no} of {item.part_number} expired on {lot.expiry.isoformat()}; "
                "take another lot",
                lot_no,
            )
    plan = plan_line(session, work_order, item, qty, reason)
    line_id = plan.line_id
    if line_id is None:
        full = session.get(WorkOrder, work_order.id)
        assert full is not None
        line_id = workorders.add_additional_line(session, actor, full, item.id, reason or "").id
    assert line_id is not None
    line_reservations = plan.reservations
    if line_reservations is None:
        line_reservations = reservations.open_reservation_rows(session, line_id)
    picked: list[tuple[Any, Any, Serial | None, int]]
    # the item's availability before this post (on hand in available bins, reserved), read
    # with its sources when it is taken from anywhere: its reorder point is then checked
    # without asking again
    before: tuple[int, int] | None = None
    if serials:
        picked = list(_serial_sources(session, item, serials, bin_location))
    elif head is not None and bin_location is None and lot is None:
        found, reserved = reservations.sources_and_reserved(session, item.id, line_id)
        before = (sum(source.on_hand for source in found), reserved)
        picked = list(
            _bulk_sources(session, item, qty, line_id, None, None, line_reservations, found)
        )
    else:
        picked = list(
            _bulk_sources(session, item, qty, line_id, bin_location, lot, line_reservations)
        )
    held_for_line = sum(r.qty - r.supplied_qty for r in line_reservations)
    wip_place = _wip_place(session)
    specs = []
    for location, source_lot, serial, take in picked:
        reservation_id = reservations.consume(
            session,
            line_id,
            location.id,
            source_lot.id if source_lot else None,
            take,
            line_reservations,
        )
        specs.append(
            MovementSpec(
                MovementKind.ISSUE,
                item,
                take,
                location,
                wip_place,  # type: ignore[arg-type]
                source_lot,
                serial,
                wo_id=work_order.id,
                demand_line_id=line_id,
                reservation_id=reservation_id,
                unit_cost=item.avg_cost,
                deviation=plan.deviation,
                reason=reason.strip() if reason else None,
                wo_number=work_order.number,
            )
        )
    posting = ledger.posted(session, key, ledger.post(session, actor, key, specs))
    # below min: one requisition
    if before is None:
        replenishment.check_reorder(session, actor, item.id)
    elif head is not None and head.min_qty and head.min_qty > 0:
        # what this post took from the bins and drew from the line's reservations
        on_hand, reserved = before
        drawn = held_for_line - sum(r.qty - r.supplied_qty for r in line_reservations)
        now_available = (on_hand - qty) - (reserved - drawn)
        replenishment.reorder_below_min(
            session, actor, item.id, head.min_qty, head.reorder_raised_at, now_available
        )
    return posting


# --- return and write-off ---------------------------------------------------------------


def _outstanding_for(
    session: Session,
    work_order: WorkOrder,
    item: Item,
    qty: int,
    serial_nos: list[str],
    lot_no: str | None,
    newest_first: bool,
    refusal: type[ReturnExceedsIssued] | type[WriteOffExceedsIssued],
) -> list[tuple[wip.OutstandingIssue, int]]:
    """The issues a return or write-off settles, with how much of each."""
    assert work_order.id is not None
    out = [o for o in wip.position(session, work_order.id).outstanding if o.item_id == item.id]
    if serial_nos:
        chosen = []
        for serial_no in serial_nos:
            serial = ledger.find_serial(session, item, serial_no)
            match = next((o for o in out if serial and o.serial_id == serial.id), None)
            if match is None:
                raise SerialNotIssued(
                    f"serial {serial_no} of {item.part_number} was not issued to "
                    f"{work_order.number} (or is already back)",
                    serial_no,
                )
            chosen.append((match, MILLI))
        return chosen
    if lot_no:
        lot = catalog.find_lot(session, item, lot_no)
        out = [o for o in out if lot is not None and o.lot_id == lot.id]
    out.sort(key=lambda o: o.movement_id, reverse=newest_first)
    total = sum(o.qty_out for o in out)
    if qty > total:
        lot_text = f" lot {lot_no}" if lot_no else ""
        raise refusal(
            f"only {format_qty(total)} {item.uom} of {item.part_number}{lot_text} is out on "
            f"{work_order.number}; {format_qty(qty)} asked",
            item.part_number,
        )
    chosen, remaining = [], qty
    for issue in out:
        if remaining <= 0:
            break
        take = min(issue.qty_out, remaining)
        chosen.append((issue, take))
        remaining -= take
    return chosen


@dataclass(frozen=True, slots=True)
class ReturnPreview:
    """Where a return will go, shown before it posts."""

    destination: str
    text: str


def return_destination(
    session: Session, condition: Condition, issued_from: Location, bin_code: str | None
) -> Location:
    if condition == Condition.INSPECT:
        return catalog.virtual_location(session, LocationKind.QUARANTINE)
    if condition == Condition.REJECTED:
        return catalog.virtual_location(session, LocationKind.SCRAP)
    if bin_code:
        return catalog.find_bin(session, bin_code)
    return issued_from


def _plan_return(
    session: Session,
    actor: Actor,
    wo_number: str,
    part: str,
    qty: int,
    condition: str,
    bin_code: str | None,
    serial_nos: list[str] | None,
    lot_no: str | None,
) -> tuple[WorkOrder, list[MovementSpec]]:
    actor.require(Action.RETURN)
    parsed = parse_condition(condition)
    work_order = catalog.find_work_order(session, wo_number)
    require_gate(work_order.number, work_order.status, Gate.RETURN)
    item = catalog.find_item(session, part)
    serials = _serial_count(item, qty, list(serial_nos or []))
    settled = _outstanding_for(
        session, work_order, item, qty, serials, lot_no, True, ReturnExceedsIssued
    )
    wip_location = catalog.virtual_location(session, LocationKind.WIP)
    specs = []
    for issue, take in settled:
        issued_from = session.get(Location, issue.bin_id)
        assert issued_from is not None
        specs.append(
            MovementSpec(
                MovementKind.RETURN,
                item,
                take,
                wip_location,
                return_destination(session, parsed, issued_from, bin_code),
                session.get(Lot, issue.lot_id) if issue.lot_id else None,
                session.get(Serial, issue.serial_id) if issue.serial_id else None,
                wo_id=work_order.id,
                demand_line_id=issue.line_id,
                related_id=issue.movement_id,
                unit_cost=issue.unit_cost,
                condition=parsed.value,
                wo_number=work_order.number,
            )
        )
    return work_order, specs


def preview_return(
    session: Session,
    actor: Actor,
    wo_number: str,
    part: str,
    qty: int,
    condition: str,
    bin_code: str | None = None,
    serial_nos: list[str] | None = None,
    lot_no: str | None = None,
) -> ReturnPreview:
    """Say where a return goes (back to bin X, to quarantine, to scrap), posting nothing."""
    _, specs = _plan_return(
        session, actor, wo_number, part, qty, condition, bin_code, serial_nos, lot_no
    )
    places = sorted({spec.target.code for spec in specs})
    kind = specs[0].target.kind
    if kind == LocationKind.QUARANTINE:
        text = "to QUARANTINE for inspection (not available)"
    elif kind == LocationKind.SCRAP:
        text = "to SCRAP"
    else:
        text = "back to bin " + ", ".join(places)
    return ReturnPreview(", ".join(places), text)


def return_with_condition(
    session: Session,
    actor: Actor,
    wo_number: str,
    part: str,
    qty: int,
    condition: str,
    bin_code: str | None = None,
    serial_nos: list[str] | None = None,
    lot_no: str | None = None,
    key: str | None = None,
) -> Posting:
    """WIP -> bin (`new`, `opened`), QUARANTINE (`inspect`) or SCRAP (`rejected`)."""
    actor.require(Action.RETURN)
    key = ledger.check_key(key)
    if (earlier := ledger.replay(session, key)) is not None:
        return earlier
    _, specs = _plan_return(
        session, actor, wo_number, part, qty, condition, bin_code, serial_nos, lot_no
    )
    return ledger.posted(session, key, ledger.post(session, actor, key, specs))


def write_off(
    session: Session,
    actor: Actor,
    wo_number: str,
    part: str,
    qty: int,
    serial_nos: list[str] | None = None,
    lot_no: str | None = None,
    key: str | None = None,
) -> Posting:
    """WIP -> CONSUMED: the quantity actually used, costed at the issue's unit cost."""
    actor.require(Action.WRITE_OFF)
    key = ledger.check_key(key)
    if (earlier := ledger.replay(session, key)) is not None:
        return earlier
    work_order = catalog.find_work_order(session, wo_number)
    require_gate(work_order.number, work_order.status, Gate.RETURN)
    item = catalog.find_item(session, part)
    if item.kind == "tool":
        raise ToolMustBeReturned(
            f"{item.part_number} is a tool: it must come back, not be written off",
            item.part_number,
        )
    serials = _serial_count(item, qty, list(serial_nos or []))
    settled = _outstanding_for(
        session, work_order, item, qty, serials, lot_no, False, WriteOffExceedsIssued
    )
    wip_location = catalog.virtual_location(session, LocationKind.WIP)
    consumed = catalog.virtual_location(session, LocationKind.CONSUMED)
    specs = [
        MovementSpec(
            MovementKind.WRITE_OFF,
            item,
            take,
            wip_location,
            consumed,
            session.get(Lot, issue.lot_id) if issue.lot_id else None,
            session.get(Serial, issue.serial_id) if issue.serial_id else None,
            wo_id=work_order.id,
            demand_line_id=issue.line_id,
            related_id=issue.movement_id,
            unit_cost=issue.unit_cost,
            wo_number=work_order.number,
        )
        for issue, take in settled
    ]
    return ledger.posted(session, key, ledger.post(session, actor, key, specs))


def last_posting_key(session: Session, actor: Actor) -> str | None:
    """The newest posting this user made that is not itself a reversal (for undo)."""
    return session.execute(
        select(Movement.posting_key)
        .where(Movement.user_id == actor.user_id, Movement.kind != MovementKind.REVERSAL)
        .order_by(Movement.id.desc())  # type: ignore[union-attr]
        .limit(1)
    ).scalar_one_or_none()


def serial_out_on(session: Session, wo_number: str, serial_no: str) -> str | None:
    """The part number of a serial that is in WIP on this WO, if it is."""
    work_order = catalog.find_work_order(session, wo_number)
    row = session.execute(
        select(Item.part_number)
        .join(Serial, Serial.item_id == Item.id)
        .where(Serial.serial_no == serial_no.strip(), Serial.wo_id == work_order.id)
    ).first()
    return row[0] if row else None


def serials_out(session: Session, wo_number: str, part: str) -> list[str]:
    """The serials of `part` still in WIP on this WO, to match them one by one."""
    work_order = catalog.find_work_order(session, wo_number)
    item = catalog.find_item(session, part)
    return list(
        session.execute(
            select(Serial.serial_no)
            .where(Serial.item_id == item.id, Serial.wo_id == work_order.id)
            .order_by(Serial.serial_no)
        ).scalars()
    )
