"""The ledger: the only way any quantity changes (DESIGN.md section 4).

`post()` writes movements and keeps the balances beside them in the same transaction;
a physical place never goes negative (an atomic conditional UPDATE, so the rule also
holds between PostgreSQL sessions); a client key posted twice posts once. Receipts,
reversals and the consistency check live here; issue, return and write-off, which need
a work order, live in `counter`.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    bindparam,
    func,
    insert,
    literal,
    select,
    text,
    union_all,
    update,
)
from sqlmodel import Session

from models import (
    Balance,
    Item,
    Location,
    LocationKind,
    Lot,
    Movement,
    MovementKind,
    Serial,
    WorkOrder,
)
from models._columns import new_uuid
from storeroom_tui import catalog
from storeroom_tui.errors import (
    AlreadyReversed,
    DuplicateSerial,
    ExpiredLot,
    InsufficientStock,
    InvalidDate,
    InvalidSerial,
    InvalidValue,
    LotRequired,
    NotReversible,
    SerialRequired,
    UnknownMovement,
)
from storeroom_tui.gates import Gate, require_gate
from storeroom_tui.permissions import Action, Actor
from storeroom_tui.prepared import Prepared
from storeroom_tui.quantities import MILLI, format_qty, moving_average

_SERIAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
_LOT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")


def today() -> date:
    return datetime.now(UTC).date()


def new_key() -> str:
    """A fresh idempotency key: time-ordered (version 7), like every other row's UUID."""
    return new_uuid()


def check_key(key: str | None) -> str:
    """A client idempotency key must be a UUID, of any version; none given means a fresh
    one."""
    if key is None:
        return new_key()
    try:
        return str(uuid.UUID(key.strip()))
    except (ValueError, AttributeError):
        raise InvalidValue(f"key {key!r} is not a UUID", key) from None


def movement_key(posting_key: str, index: int) -> str:
    """The first movement of a posting carries the client's key; the rest derive from it."""
    if index == 0:
        return posting_key
    return str(uuid.uuid5(uuid.UUID(posting_key), str(index)))


def check_serial_text(serial_no: str) -> str:
    text = serial_no.strip()
    if not _SERIAL.fullmatch(text):
        raise InvalidSerial(
            f"serial {serial_no!r} is malformed: letters, digits, '.', '_', '/', '-' (up to 64)",
            serial_no,
        )
    return text


def parse_expiry(text: str | None) -> date | None:
    if text is None or text == "":
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidDate(f"expiry {text!r} is not a date (YYYY-MM-DD)", text) from None


def needs_serial(item: Item) -> bool:
    return item.tracking == "serial" or item.critical


@dataclass(slots=True)
class MovementSpec:
    """One movement to post; services build these, `post()` writes them."""

    kind: MovementKind
    item: Item
    qty: int
    source: Location
    target: Location
    lot: Lot | None = None
    serial: Serial | None = None
    wo_id: int | None = None
    demand_line_id: int | None = None
    reservation_id: int | None = None
    related_id: int | None = None
    reverses_id: int | None = None
    unit_cost: int = 0
    condition: str | None = None
    deviation: str | None = None
    reason: str | None = None
    wo_number: str | None = None  # names the WO in the result; looked up when not given


@dataclass(frozen=True, slots=True)
class PostedMovement:
    """A movement as a person reads it."""

    id: int
    key: str
    kind: str
    part: str
    qty: int
    uom: str
    source: str
    target: str
    lot: str | None
    serial: str | None
    unit_cost: int
    work_order: str | None
    condition: str | None
    deviation: str | None

    def describe(self) -> str:
        text = f"{format_qty(self.qty)} {self.uom} {self.part} {self.source} → {self.target}"
        if self.lot:
            text += f" lot {self.lot}"
        if self.serial:
            text += f" s/n {self.serial}"
        return text


@dataclass(slots=True)
class Posting:
    """What one post did. `replayed` is true when the key had been posted before."""

    key: str
    movements: list[PostedMovement] = field(default_factory=list)
    replayed: bool = False

    def describe(self) -> str:
        head = "already posted: " if self.replayed else ""
        return head + "; ".join(m.describe() for m in self.movements)


# --- posting -----------------------------------------------------------------------------


# The statements of every post, built once with their values bound at each call, on the
# tables themselves (SQLAlchemy Core): a post runs a handful of them, and through the ORM
# each cost about five times what SQLite spends on it (the profile in README, Performance).
# The hot ones are `Prepared`: compiled once per dialect and run on the driver's cursor
# in the session's transaction (`Connection.execute` still costs ~0.1 ms a statement).
_MOVEMENT = Movement.__table__  # type: ignore[attr-defined]
_BALANCE = Balance.__table__  # type: ignore[attr-defined]
_POSTING = select(Movement).where(Movement.posting_key == bindparam("key")).order_by(Movement.id)
_POSTED = select(_MOVEMENT.c.id).where(_MOVEMENT.c.posting_key == bindparam("key")).limit(1)
# (not named after the columns: SQLAlchemy keeps those names for VALUES and SET)
_BALANCE_KEY = (
    _BALANCE.c.item_id == bindparam("b_item"),
    _BALANCE.c.location_id == bindparam("b_location"),
    _BALANCE.c.lot_id == bindparam("b_lot"),
    _BALANCE.c.serial_id == bindparam("b_serial"),
)
# the no-negative-stock rule: one atomic conditional UPDATE, refused by the database
# itself when another session took the units first (no read-then-write window)
_TAKE = Prepared(
    update(_BALANCE)
    .where(*_BALANCE_KEY, _BALANCE.c.qty >= bindparam("take"))
    .values(qty=_BALANCE.c.qty - bindparam("take"))
)
_HAVE = select(_BALANCE.c.qty).where(*_BALANCE_KEY)
# every column a movement is written with, given at each post; its id read back
_MOVEMENT_VALUES = (
    "uuid",
    "posting_key",
    "kind",
    "item_id",
    "qty",
    "from_location_id",
    "to_location_id",
    "lot_id",
    "serial_id",
    "wo_id",
    "demand_line_id",
    "reservation_id",
    "related_id",
    "reverses_id",
    "unit_cost",
    "condition",
    "deviation",
    "reason",
    "user_id",
    "terminal",
    "created_at",
)
_INSERT_MOVEMENT = Prepared(insert(_MOVEMENT), _MOVEMENT_VALUES, new_id=_MOVEMENT.c.id)
_WO_NUMBERS = select(WorkOrder.id, WorkOrder.number).where(
    WorkOrder.id.in_(bindparam("ids", expanding=True))  # type: ignore[union-attr]
)
_ADD: dict[str, Prepared] = {}  # dialect name -> INSERT .. ON CONFLICT DO UPDATE


def find_posting(session: Session, key: str) -> list[Movement]:
    return list(session.execute(_POSTING, {"key": key}).scalars())


def _insert_for(session: Session):  # noqa: ANN202 - dialect-specific insert construct
    # imported here: the PostgreSQL dialect costs ~50 ms at start-up where it is not used
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def _add_statement(session: Session) -> Prepared:
    dialect = session.get_bind().dialect.name
    if dialect not in _ADD:
        statement = _insert_for(session)(_BALANCE).values(
            item_id=bindparam("b_item"),
            location_id=bindparam("b_location"),
            lot_id=bindparam("b_lot"),
            serial_id=bindparam("b_serial"),
            qty=bindparam("delta"),
        )
        _ADD[dialect] = Prepared(
            statement.on_conflict_do_update(
                index_elements=["item_id", "location_id", "lot_id", "serial_id"],
                set_={"qty": _BALANCE.c.qty + bindparam("delta")},
            )
        )
    return _ADD[dialect]


def _balance_key(spec: MovementSpec, location_id: int) -> dict[str, int]:
    return {
        "b_item": spec.item.id,  # type: ignore[dict-item]
        "b_location": location_id,
        "b_lot": spec.lot.id if spec.lot else 0,  # type: ignore[dict-item]
        "b_serial": spec.serial.id if spec.serial else 0,  # type: ignore[dict-item]
    }


def _take_from_balance(connection: Connection, spec: MovementSpec) -> None:
    """Lower a physical balance, refusing atomically if it would go negative."""
    values = _balance_key(spec, spec.source.id)  # type: ignore[arg-type]
    if _TAKE.rowcount(connection, {**values, "take": spec.qty}) == 1:
        return
    have = connection.execute(_HAVE, values).scalar_one_or_none()
    where = spec.source.code
    if spec.lot:
        where += f" lot {spec.lot.lot_no}"
    if spec.serial:
        where += f" s/n {spec.serial.serial_no}"
    raise InsufficientStock(
        f"only {format_qty(have or 0)} {spec.item.uom} of {spec.item.part_number} at {where}; "
        f"{format_qty(spec.qty)} asked",
        spec.item.part_number,
    )


def post(
    session: Session, actor: Actor, key: str, specs: list[MovementSpec]
) -> list[PostedMovement]:
    """Write the movements of one posting and move the balances with them.

    Every statement runs on the session's connection, in the caller's transaction: the
    movements and their balances commit together or not at all. `spec.item`, `.source`,
    `.target`, `.lot` need only their ids and names (an ORM row or a plain column row);
    a serial is an ORM `Serial`, moved with the unit.
    """
    for spec in specs:
        if spec.qty <= 0:
            raise InvalidValue(f"movement quantity {spec.qty} must be positive", spec.qty)
    session.flush()  # rows the caller added (a new lot, serial or line) exist before ours
    connection = session.connection()
    add = _add_statement(session)
    now = datetime.now(UTC)
    numbers = _wo_numbers(connection, specs)
    posted_movements: list[PostedMovement] = []
    serials = False
    for index, spec in enumerate(specs):
        if spec.source.physical:
            _take_from_balance(connection, spec)
        else:
            add.rowcount(connection, {**_balance_key(spec, spec.source.id), "delta": -spec.qty})  # type: ignore[arg-type]
        add.rowcount(connection, {**_balance_key(spec, spec.target.id), "delta": spec.qty})  # type: ignore[arg-type]
        movement_uuid = movement_key(key, index)
        lot_id = spec.lot.id if spec.lot else None
        serial_id = spec.serial.id if spec.serial else None
        movement_id = _INSERT_MOVEMENT.insert(
            connection,
            {
                "uuid": movement_uuid,
                "posting_key": key,
                "kind": str(spec.kind),
                "item_id": spec.item.id,
                "qty": spec.qty,
                "from_location_id": spec.source.id,
                "to_location_id": spec.target.id,
                "lot_id": lot_id,
                "serial_id": serial_id,
                "wo_id": spec.wo_id,
                "demand_line_id": spec.demand_line_id,
                "reservation_id": spec.reservation_id,
                "related_id": spec.related_id,
                "reverses_id": spec.reverses_id,
                "unit_cost": spec.unit_cost,
                "condition": spec.condition,
                "deviation": spec.deviation,
                "reason": spec.reason,
                "user_id": actor.user_id,
                "terminal": actor.terminal,
                "created_at": now,
            },
        )
        if spec.serial is not None:
            spec.serial.location_id = spec.target.id  # type: ignore[assignment]
            in_wip = spec.target.kind == LocationKind.WIP
            spec.serial.wo_id = spec.wo_id if in_wip else None
            session.add(spec.serial)
            serials = True
        posted_movements.append(
            PostedMovement(
                id=movement_id,
                key=movement_uuid,
                kind=str(spec.kind),
                part=spec.item.part_number,
                qty=spec.qty,
                uom=spec.item.uom,
                source=spec.source.code,
                target=spec.target.code,
                lot=spec.lot.lot_no if spec.lot else None,
                serial=spec.serial.serial_no if spec.serial else None,
                unit_cost=spec.unit_cost,
                work_order=numbers.get(spec.wo_id) if spec.wo_id else None,
                condition=spec.condition,
                deviation=spec.deviation,
            )
        )
    if serials:
        session.flush()
    return posted_movements


def _wo_numbers(connection: Connection, specs: list[MovementSpec]) -> dict[int, str]:
    """The WO numbers the specs name, asking the database only for those not given."""
    numbers = {spec.wo_id: spec.wo_number for spec in specs if spec.wo_id and spec.wo_number}
    missing = {spec.wo_id for spec in specs if spec.wo_id and spec.wo_id not in numbers}
    if missing:
        numbers.update(connection.execute(_WO_NUMBERS, {"ids": sorted(missing)}).tuples())  # type: ignore[arg-type]
    return numbers  # type: ignore[return-value]


def _rows_by_id(session: Session, model: type, ids: set[int]) -> dict[int, Any]:
    """Rows by id: those this transaction has loaded already from the session's identity
    map (a post has its item, places and WO there), the others in one query."""
    found: dict[int, Any] = {}
    missing = []
    for row_id in ids:
        row = session.identity_map.get(session.identity_key(model, row_id))
        if row is None:
            missing.append(row_id)
        else:
            found[row_id] = row
    if missing:
        query = select(model).where(model.id.in_(missing))  # type: ignore[attr-defined]
        found.update((row.id, row) for row in session.execute(query).scalars())
    return found


def describe_movements(session: Session, movements: list[Movement]) -> list[PostedMovement]:
    """Names for the ids of the given movements, in as few queries as it takes (none for
    the rows this transaction has loaded already)."""
    if not movements:
        return []
    item_ids = {m.item_id for m in movements}
    location_ids = {m.from_location_id for m in movements} | {m.to_location_id for m in movements}
    lot_ids = {m.lot_id for m in movements if m.lot_id}
    serial_ids = {m.serial_id for m in movements if m.serial_id}
    wo_ids = {m.wo_id for m in movements if m.wo_id}
    items = _rows_by_id(session, Item, item_ids)
    places = {i: row.code for i, row in _rows_by_id(session, Location, location_ids).items()}
    lots = {i: row.lot_no for i, row in _rows_by_id(session, Lot, lot_ids).items()}
    serials = {i: row.serial_no for i, row in _rows_by_id(session, Serial, serial_ids).items()}
    numbers = {i: row.number for i, row in _rows_by_id(session, WorkOrder, wo_ids).items()}
    return [
        PostedMovement(
            id=m.id or 0,
            key=m.uuid,
            kind=m.kind,
            part=items[m.item_id].part_number,
            qty=m.qty,
            uom=items[m.item_id].uom,
            source=places[m.from_location_id],
            target=places[m.to_location_id],
            lot=lots.get(m.lot_id) if m.lot_id else None,
            serial=serials.get(m.serial_id) if m.serial_id else None,
            unit_cost=m.unit_cost,
            work_order=numbers.get(m.wo_id) if m.wo_id else None,
            condition=m.condition,
            deviation=m.deviation,
        )
        for m in movements
    ]


def replay(session: Session, key: str) -> Posting | None:
    """The first result of a key already posted, or None."""
    if session.connection().execute(_POSTED, {"key": key}).first() is None:
        return None  # the usual case, told by the index alone
    return replay_posted(session, key)


def replay_posted(session: Session, key: str) -> Posting | None:
    """The first result of a key known to be posted (a post's own probe found it)."""
    existing = find_posting(session, key)
    if not existing:
        return None
    return Posting(key=key, movements=describe_movements(session, existing), replayed=True)


def posted(session: Session, key: str, movements: list[PostedMovement]) -> Posting:
    """The result of a fresh post (`session` kept for the callers' symmetry with replay)."""
    return Posting(key=key, movements=list(movements))


# --- lots and serials ------------------------------------------------------------------


def lot_for_receipt(
    session: Session, item: Item, lot_no: str | None, expiry: date | None
) -> Lot | None:
    if item.tracking != "lot":
        if lot_no:
            raise InvalidValue(f"{item.part_number} is not tracked by lot; lot {lot_no!r}", lot_no)
        return None
    if not lot_no:
        raise LotRequired(f"{item.part_number} is tracked by lot: give the lot", item.part_number)
    if not _LOT.fullmatch(lot_no.strip()):
        raise InvalidValue(f"lot {lot_no!r} is malformed", lot_no)
    if expiry is not None and expiry < today():
        raise ExpiredLot(
            f"lot {lot_no} of {item.part_number} expired on {expiry.isoformat()}", lot_no
        )
    lot = catalog.find_lot(session, item, lot_no)
    if lot is None:
        lot = Lot(item_id=item.id, lot_no=lot_no.strip(), expiry=expiry)  # type: ignore[arg-type]
        session.add(lot)
        session.flush()
    elif expiry is not None and lot.expiry != expiry:
        raise InvalidValue(
            f"lot {lot_no} of {item.part_number} already has expiry "
            f"{lot.expiry.isoformat() if lot.expiry else 'none'}, not {expiry.isoformat()}",
            lot_no,
        )
    elif lot.expiry is not None and lot.expiry < today():
        raise ExpiredLot(
            f"lot {lot_no} of {item.part_number} expired on {lot.expiry.isoformat()}", lot_no
        )
    return lot


def serials_for_receipt(
    session: Session, item: Item, serial_nos: list[str], qty: int, supplier: Location
) -> list[Serial]:
    if not needs_serial(item):
        if serial_nos:
            raise InvalidValue(
                f"{item.part_number} is not tracked by serial; serial {serial_nos[0]!r}",
                serial_nos[0],
            )
        return []
    if qty % MILLI or len(serial_nos) != qty // MILLI:
        raise SerialRequired(
            f"{item.part_number} needs one serial per unit: {format_qty(qty)} units, "
            f"{len(serial_nos)} serials given",
            item.part_number,
        )
    cleaned = [check_serial_text(s) for s in serial_nos]
    if len(set(cleaned)) != len(cleaned):
        twice = next(s for s in cleaned if cleaned.count(s) > 1)
        raise DuplicateSerial(f"serial {twice} is given twice", twice)
    serials: list[Serial] = []
    for serial_no in cleaned:
        serial = session.execute(
            select(Serial).where(Serial.item_id == item.id, Serial.serial_no == serial_no)
        ).scalar_one_or_none()
        if serial is not None and serial.location_id != supplier.id:
            raise DuplicateSerial(
                f"serial {serial_no} of {item.part_number} is already in stock", serial_no
            )
        if serial is None:
            serial = Serial(item_id=item.id, serial_no=serial_no, location_id=supplier.id)  # type: ignore[arg-type]
            session.add(serial)
        serials.append(serial)
    session.flush()
    return serials


def find_serial(session: Session, item: Item, serial_no: str) -> Serial | None:
    return session.execute(
        select(Serial).where(Serial.item_id == item.id, Serial.serial_no == serial_no.strip())
    ).scalar_one_or_none()


# --- receipt -------------------------------------------------------------------------------


def stock_on_hand(session: Session, item_id: int) -> int:
    """Physical stock held in stores (bins, quarantine, transit): the moving-average base."""
    kinds = (LocationKind.BIN, LocationKind.QUARANTINE, LocationKind.TRANSIT)
    total = session.execute(
        select(func.coalesce(func.sum(Balance.qty), 0))
        .join(Location, Location.id == Balance.location_id)
        .where(Balance.item_id == item_id, Location.kind.in_(kinds))  # type: ignore[attr-defined]
    ).scalar_one()
    return int(total)


def receive(
    session: Session,
    actor: Actor,
    part: str,
    qty: int,
    bin_code: str,
    lot_no: str | None = None,
    expiry: date | None = None,
    serial_nos: list[str] | None = None,
    unit_cost: int | None = None,
    key: str | None = None,
    reason: str | None = None,
) -> Posting:
    """SUPPLIER -> bin; a price updates the item's moving-average unit cost."""
    actor.require(Action.RECEIVE)
    key = check_key(key)
    if (earlier := replay(session, key)) is not None:
        return earlier
    item = catalog.find_item(session, part)
    target = catalog.find_bin(session, bin_code)
    supplier = catalog.virtual_location(session, LocationKind.SUPPLIER)
    lot = lot_for_receipt(session, item, lot_no, expiry)
    serials = serials_for_receipt(session, item, list(serial_nos or []), qty, supplier)
    # lock the item row (PostgreSQL) so two receipts cannot lose an average update
    session.execute(select(Item.id).where(Item.id == item.id).with_for_update())
    if unit_cost is not None:
        assert item.id is not None
        item.avg_cost = moving_average(
            stock_on_hand(session, item.id), item.avg_cost, qty, unit_cost
        )
        session.add(item)
    cost = item.avg_cost if unit_cost is None else unit_cost
    specs = [
        MovementSpec(
            MovementKind.RECEIVE,
            item,
            MILLI,
            supplier,
            target,
            lot,
            serial,
            unit_cost=cost,
            reason=reason,
        )
        for serial in serials
    ] or [
        MovementSpec(
            MovementKind.RECEIVE, item, qty, supplier, target, lot, unit_cost=cost, reason=reason
        )
    ]
    return posted(session, key, post(session, actor, key, specs))


# --- reversal ------------------------------------------------------------------------------


def reverse(
    session: Session, actor: Actor, posting_key: str, reason: str, key: str | None = None
) -> Posting:
    """Undo a posting with reversing movements that reference the originals."""
    key = check_key(key)
    if (earlier := replay(session, key)) is not None:
        return earlier
    original_key = check_key(posting_key)
    originals = find_posting(session, original_key)
    if not originals:
        raise UnknownMovement(f"nothing was posted with key {posting_key}", posting_key)
    if not reason.strip():
        raise InvalidValue("a reversal needs a reason", reason)
    needed = {
        MovementKind.RECEIVE: Action.RECEIVE,
        MovementKind.ISSUE: Action.ISSUE,
        MovementKind.RETURN: Action.RETURN,
        MovementKind.WRITE_OFF: Action.WRITE_OFF,
        MovementKind.ADJUST: Action.ADJUST,
        MovementKind.TRANSFER: Action.RECEIVE,
    }
    specs: list[MovementSpec] = []
    for original in originals:
        if original.kind == MovementKind.REVERSAL:
            raise NotReversible(f"movement {original.id} is itself a reversal", original.id)
        actor.require(needed[MovementKind(original.kind)])
        if original.kind == MovementKind.RECEIVE and not session.info.get("po_receipt_reversal"):
            from storeroom_tui.receiving import refuse_reversal_of_po_receipt

            refuse_reversal_of_po_receipt(session, original.id)  # a PO receipt: unreceive it
        wo_number = None
        if original.wo_id is not None:
            # undoing moves parts between WIP and stores: only while the WO takes returns
            work_order = session.get(WorkOrder, original.wo_id)
            assert work_order is not None
            require_gate(work_order.number, work_order.status, Gate.RETURN)
            wo_number = work_order.number
        done = session.execute(
            select(Movement.id).where(Movement.reverses_id == original.id)
        ).scalar_one_or_none()
        if done is not None:
            raise AlreadyReversed(f"movement {original.id} was already reversed", original.id)
        settled = session.execute(
            select(func.count()).select_from(Movement).where(Movement.related_id == original.id)
        ).scalar_one()
        if settled:
            raise NotReversible(
                f"movement {original.id} was already returned or written off in part; "
                "reverse those first",
                original.id,
            )
        specs.append(
            MovementSpec(
                MovementKind.REVERSAL,
                session.get(Item, original.item_id),  # type: ignore[arg-type]
                original.qty,
                session.get(Location, original.to_location_id),  # type: ignore[arg-type]
                session.get(Location, original.from_location_id),  # type: ignore[arg-type]
                session.get(Lot, original.lot_id) if original.lot_id else None,
                session.get(Serial, original.serial_id) if original.serial_id else None,
                wo_id=original.wo_id,
                demand_line_id=original.demand_line_id,
                reservation_id=original.reservation_id,
                reverses_id=original.id,
                unit_cost=original.unit_cost,
                reason=reason.strip(),
                wo_number=wo_number,
            )
        )
    movements = post(session, actor, key, specs)
    _restore_reservations(session, originals)
    return posted(session, key, movements)


def _restore_reservations(session: Session, originals: list[Movement]) -> None:
    """An undone issue gives back what it took from its reservation.

    Never more than the line still has to issue: a later issue may have covered it.
    """
    from storeroom_tui.reservations import give_back
    from storeroom_tui.wip import position

    for original in originals:
        if original.kind == MovementKind.ISSUE and original.reservation_id:
            assert original.wo_id is not None and original.demand_line_id is not None
            line = position(session, original.wo_id).line_for(original.demand_line_id)
            room = line.to_issue - line.reserved
            if room > 0:
                give_back(session, original.reservation_id, min(original.qty, room))


# --- the check -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BalanceDifference:
    item_id: int
    location_id: int
    lot_id: int
    serial_id: int
    from_movements: int
    in_balance: int


def derived_balances_query():  # noqa: ANN201 - a SQLAlchemy selectable
    """Every balance as the movements say it is: one query, in minus out."""
    lot = func.coalesce(Movement.lot_id, 0)
    serial = func.coalesce(Movement.serial_id, 0)
    zero = literal(0, Integer)
    flows = union_all(
        select(
            Movement.item_id,
            Movement.to_location_id.label("location_id"),
            lot.label("lot_id"),
            serial.label("serial_id"),
            Movement.qty.label("moved"),
            zero.label("kept"),
        ),
        select(
            Movement.item_id,
            Movement.from_location_id,
            lot,
            serial,
            (-Movement.qty).label("moved"),
            zero,
        ),
        select(
            Balance.item_id,
            Balance.location_id,
            Balance.lot_id,
            Balance.serial_id,
            zero,
            Balance.qty,
        ),
    ).subquery()
    moved = func.sum(flows.c.moved)
    kept = func.sum(flows.c.kept)
    return (
        select(
            flows.c.item_id,
            flows.c.location_id,
            flows.c.lot_id,
            flows.c.serial_id,
            moved.label("moved"),
            kept.label("kept"),
        )
        .group_by(flows.c.item_id, flows.c.location_id, flows.c.lot_id, flows.c.serial_id)
        .having(moved != kept)
    )


def check(session: Session) -> tuple[list[BalanceDifference], list[str]]:
    """Balance differences, and integrity problems the database itself reports."""
    differences = [
        BalanceDifference(*row) for row in session.execute(derived_balances_query()).all()
    ]
    problems: list[str] = []
    if session.get_bind().dialect.name == "sqlite":
        rows = [r[0] for r in session.execute(text("PRAGMA integrity_check")).all()]
        problems += [r for r in rows if r != "ok"]
        problems += [
            f"foreign key: {r[0]} row {r[1]} -> {r[2]}"
            for r in session.execute(text("PRAGMA foreign_key_check")).all()
        ]
    negative = session.execute(
        select(Balance.item_id, Location.code, Balance.qty)
        .join(Location, Location.id == Balance.location_id)
        .where(Location.physical.is_(True), Balance.qty < 0)  # type: ignore[attr-defined]
    ).all()
    problems += [f"negative stock: item {i} at {loc}: {format_qty(q)}" for i, loc, q in negative]
    return differences, problems
