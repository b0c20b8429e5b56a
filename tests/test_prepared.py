"""The posting path's statements run on the driver's cursor write and read what
SQLAlchemy's `Connection.execute` writes and reads, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import exc, insert, select, text, update

from models import Item, Location, LocationKind, Lot, Movement, Reservation
from storeroom_tui import catalog, counter, ledger, purchasing, replenishment, reservations
from storeroom_tui.errors import DatabaseError
from storeroom_tui.prepared import Prepared
from storeroom_tui.quantities import parse_qty
from tests.ledger_probes import balances, movement_count
from tests.test_counter import make_wo

pytestmark = pytest.mark.both_backends

MOVEMENT = Movement.__table__  # type: ignore[attr-defined]
RESERVATION = Reservation.__table__  # type: ignore[attr-defined]


def stored(connection, table: str, row_id: int) -> dict:
    """A row as the database keeps it: the driver's own values, no SQLAlchemy types."""
    result = connection.exec_driver_sql(f"SELECT * FROM {table} WHERE id = {int(row_id)}")
    return dict(zip(result.keys(), result.one(), strict=True))


def movement_values(session, actor, qty: int = 1500) -> dict:
    """Every column of an issue of BRG-6204 from A-01-01, with a fresh key."""
    key = ledger.new_key()
    return {
        "uuid": key,
        "posting_key": key,
        "kind": "issue",
        "item_id": catalog.find_item(session, "BRG-6204").id,
        "qty": qty,
        "from_location_id": catalog.find_bin(session, "A-01-01").id,
        "to_location_id": catalog.virtual_location(session, LocationKind.WIP).id,
        "lot_id": None,
        "serial_id": None,
        "wo_id": None,
        "demand_line_id": None,
        "reservation_id": None,
        "related_id": None,
        "reverses_id": None,
        "unit_cost": 512,
        "condition": None,
        "deviation": "over_issue",
        "reason": "a reason with 'quotes' and 100%",
        "user_id": actor.user_id,
        "terminal": "T2",
        "created_at": datetime(2026, 11, 26, 21, 5, 7, 123456, tzinfo=UTC),
    }


def test_a_movement_written_on_the_cursor_is_the_row_sqlalchemy_writes(plant):
    def both(session, actor):
        connection = session.connection()
        fast = ledger._INSERT_MOVEMENT.insert(connection, movement_values(session, actor))
        slow = connection.execute(
            insert(MOVEMENT), movement_values(session, actor)
        ).inserted_primary_key[0]
        return stored(connection, "movement", fast), stored(connection, "movement", slow)

    fast, slow = plant.store.write(both)
    assert fast["id"] != slow["id"] and fast["uuid"] != slow["uuid"]
    for column in ("id", "uuid", "posting_key"):
        del fast[column], slow[column]
    assert fast == slow
    assert fast["created_at"] is not None


def test_a_reservation_supplied_on_the_cursor_is_the_row_sqlalchemy_writes(plant):
    store = plant.store
    make_wo(store, {"BRG-6204": "4", "SEAL-9": "2"}, reserve=True)

    def both(session, _actor):
        connection = session.connection()
        first, second = session.execute(
            select(Reservation.id).order_by(Reservation.id)  # type: ignore[arg-type]
        ).scalars()
        at = datetime(2026, 11, 26, 21, 6, 0, 42, tzinfo=UTC)
        values = {"r_supplied": 1000, "r_status": "partially_supplied", "r_at": at}
        assert reservations._SUPPLY.rowcount(connection, {**values, "r_id": first}) == 1
        connection.execute(
            update(RESERVATION)
            .where(RESERVATION.c.id == second)
            .values(supplied_qty=1000, status="partially_supplied", updated_at=at)
        )
        return stored(connection, "reservation", first), stored(connection, "reservation", second)

    fast, slow = store.write(both)
    assert (fast["updated_at"], fast["status"], fast["supplied_qty"]) == (
        slow["updated_at"],
        slow["status"],
        slow["supplied_qty"],
    )


def test_dates_and_booleans_read_on_the_cursor_are_what_sqlalchemy_reads(plant):
    query = (
        select(Lot.lot_no, Lot.expiry, Location.physical, Location.available)
        .join(Location, Location.code == text("'MAIN/A-01-01'"))
        .order_by(Lot.lot_no)
    )

    def both(session):
        connection = session.connection()
        return Prepared(query).rows(connection, {}), [tuple(r) for r in connection.execute(query)]

    fast, slow = plant.store.read(both)
    assert fast == slow
    assert [row[1].isoformat() for row in fast] == ["2031-06-30", "2030-01-31"]


def test_a_driver_error_is_the_error_sqlalchemy_raises_and_nothing_is_kept(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "4"})
    first = store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("1"))
    before, kept = movement_count(store), balances(store)

    def twice(session, actor):
        connection = session.connection()
        values = movement_values(session, actor)
        key = {"b_item": values["item_id"], "b_location": values["from_location_id"]}
        taken = ledger._TAKE.rowcount(connection, {**key, "b_lot": 0, "b_serial": 0, "take": 1})
        assert taken == 1
        ledger._INSERT_MOVEMENT.insert(connection, {**values, "uuid": first.key})  # again

    # the IntegrityError SQLAlchemy raises, retried as one (another terminal's key), then
    # refused
    with pytest.raises(DatabaseError) as refused:
        store.write(twice)
    assert isinstance(refused.value.__cause__, exc.IntegrityError)
    assert (movement_count(store), balances(store)) == (before, kept)
    # the connection kept between posts carries on
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("1"))
    assert movement_count(store) == before + 1


def test_a_post_that_fails_after_writing_keeps_nothing_and_the_next_one_posts(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "4"}, reserve=True)
    before, kept = movement_count(store), balances(store)

    def issue_then_fail(session, actor):
        counter.issue_to_line(session, actor, number, "BRG-6204", parse_qty("2"))
        raise RuntimeError("the terminal lost its power")

    with pytest.raises(RuntimeError):
        store.write(issue_then_fail)
    assert (movement_count(store), balances(store)) == (before, kept)
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("2"))
    assert movement_count(store) == before + 1


def test_statements_completed_at_execution_are_refused(plant):
    expanding = Prepared(select(Item.id).where(Item.id.in_([1, 2])))  # type: ignore[union-attr]
    dialect = plant.store.db.engine.dialect
    with pytest.raises(ValueError, match="expanded at execution"):
        expanding.compiled(dialect)


def test_the_reorder_check_after_an_issue_sees_the_availability_a_query_reads(plant, monkeypatch):
    """An issue checks the item's reorder point with the availability it worked out from
    its own reads; the check's own query, run at that moment, reads the same."""
    store = plant.store
    checked: list[tuple[str, int, int]] = []
    below_min = replenishment.reorder_below_min

    def compared(session, actor, item_id, minimum, raised_at, now_available):  # noqa: ANN001, ANN202
        part = session.get(Item, item_id).part_number
        checked.append((part, now_available, replenishment.available(session, item_id)))
        return below_min(session, actor, item_id, minimum, raised_at, now_available)

    monkeypatch.setattr(replenishment, "reorder_below_min", compared)

    def with_min(session, _actor):
        for part, minimum in (("BRG-6204", "15"), ("FLT-1", "6")):
            item = catalog.find_item(session, part)
            item.min_qty = parse_qty(minimum)
            session.add(item)

    store.write(with_min)
    reserved_here = make_wo(store, {"BRG-6204": "4", "FLT-1": "3"}, reserve=True)
    make_wo(store, {"BRG-6204": "3", "FLT-1": "2"}, reserve=True)  # held for another WO
    not_reserved = make_wo(store, {"BRG-6204": "2"})
    checked.clear()  # (the reservations' own checks)
    issue = counter.issue_to_line
    store.write(issue, reserved_here, "BRG-6204", parse_qty("1.5"))  # from its reservation
    store.write(issue, reserved_here, "FLT-1", parse_qty("2"))  # a lot item, first expiry
    store.write(issue, reserved_here, "BRG-6204", parse_qty("2.5"))  # the reservation's rest
    store.write(issue, reserved_here, "BRG-6204", parse_qty("3"), reason="more worn than planned")
    store.write(issue, not_reserved, "BRG-6204", parse_qty("2"))  # free stock only

    assert [part for part, _, _ in checked] == ["BRG-6204", "FLT-1"] + ["BRG-6204"] * 3
    assert all(worked_out == read for _, worked_out, read in checked), checked
    # each item's dip below min (from the reservations on) raised one requisition
    raised = [(r.part, r.source) for r in store.read(purchasing.list_requisitions)]
    assert sorted(raised) == [("BRG-6204", "reorder"), ("FLT-1", "reorder")]
