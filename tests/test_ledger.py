"""The ledger at the service layer: receipts, moving average, lots and serials, keys,
reversals and the check that the balances match the movements (DESIGN.md section 4)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select, text

from models import Item, Location, Lot, Movement, Reservation
from storeroom_tui import catalog, counter, ledger, reservations, wip
from storeroom_tui.errors import StoreroomError
from storeroom_tui.ledger import BalanceDifference
from storeroom_tui.quantities import parse_money, parse_qty
from tests.ledger_probes import balances, movement_count, where_is

pytestmark = pytest.mark.both_backends

# --- helpers ----------------------------------------------------------------------------------


def avg_cost(store, part: str) -> int:
    return store.read(lambda session: catalog.find_item(session, part).avg_cost)


def assert_ledger_clean(store) -> None:
    assert store.read(ledger.check) == ([], [])


def refused(store, code: str, service, *args, **kwargs) -> StoreroomError:
    """Run `service`, expect the refusal `code`, and check that nothing moved."""
    before = (movement_count(store), balances(store))
    with pytest.raises(StoreroomError) as caught:
        store.write(service, *args, **kwargs)
    assert caught.value.code == code, caught.value.message
    assert (movement_count(store), balances(store)) == before
    assert_ledger_clean(store)
    return caught.value


def wo_in_progress_reserved(plant, lines: dict[str, str]) -> str:
    number = plant.wo_in_progress(lines)

    def reserve(session, actor):
        work_order = catalog.find_work_order(session, number)
        return reservations.reserve_work_order(session, actor, work_order)

    plant.store.write(reserve)
    return number


def line_position(store, number: str, line_no: int = 1) -> wip.LinePosition:
    def read(session):
        work_order = catalog.find_work_order(session, number)
        return wip.position(session, work_order.id).lines[line_no - 1]

    return store.read(read)


def wo_reservations(store, number: str) -> list[tuple[str, int, int, str]]:
    def read(session):
        work_order = catalog.find_work_order(session, number)
        return [
            (session.get(Location, r.location_id).code, r.qty, r.supplied_qty, r.status)
            for r in session.execute(
                select(Reservation)
                .where(Reservation.wo_id == work_order.id)
                .order_by(Reservation.id)
            ).scalars()
        ]

    return store.read(read)


# --- receipt ----------------------------------------------------------------------------------


def test_receipt_moves_stock_from_supplier_into_the_bin(plant):
    store = plant.store
    before = movement_count(store)
    posting = store.write(
        ledger.receive, "SEAL-9", parse_qty("4"), "A-01-01", unit_cost=parse_money("2")
    )
    assert not posting.replayed
    assert [
        (m.kind, m.part, m.qty, m.source, m.target, m.unit_cost) for m in posting.movements
    ] == [("receive", "SEAL-9", 4000, "SUPPLIER", "MAIN/A-01-01", 200)]
    assert movement_count(store) == before + 1
    assert where_is(store, "SEAL-9") == {("MAIN/A-01-01", None): 4000, ("MAIN/A-01-02", None): 6000}
    assert_ledger_clean(store)


def test_receipt_by_barcode_and_label_finds_the_same_item_and_bin(plant):
    store = plant.store
    store.write(ledger.receive, "4006381333931", parse_qty("1"), "BIN-MAIN-A-01-02")
    assert where_is(store, "BRG-6204")[("MAIN/A-01-02", None)] == 11000


def test_moving_average_follows_each_priced_receipt(plant):
    store = plant.store
    # the plant: 10 at 5.00 then 10 at 7.00 -> (10*500 + 10*700) / 20 = 600
    assert avg_cost(store, "BRG-6204") == 600
    # 5 at 8.00 on 20 at 6.00: (20*600 + 5*800) / 25 = 16000 / 25 = 640
    store.write(ledger.receive, "BRG-6204", parse_qty("5"), "A-01-01", unit_cost=800)
    assert avg_cost(store, "BRG-6204") == 640
    # 3 at 6.33 on 25 at 6.40: (25*640 + 3*633) / 28 = 17899 / 28 = 639.25 -> 639
    store.write(ledger.receive, "BRG-6204", parse_qty("3"), "A-01-02", unit_cost=633)
    assert avg_cost(store, "BRG-6204") == 639


def test_moving_average_rounds_half_a_cent_up(plant):
    store = plant.store
    # 2 at 1.52 on 6 at 1.50: (6*150 + 2*152) / 8 = 1204 / 8 = 150.5 -> 151
    store.write(ledger.receive, "SEAL-9", parse_qty("2"), "A-01-01", unit_cost=152)
    assert avg_cost(store, "SEAL-9") == 151


def test_moving_average_weighs_fractional_quantities_exactly(plant):
    store = plant.store
    # 0.5 at 3.01 on 6 at 1.50: (6000*150 + 500*301) / 6500 = 1050500 / 6500 = 161.61 -> 162
    store.write(ledger.receive, "SEAL-9", parse_qty("0.5"), "A-01-01", unit_cost=301)
    assert avg_cost(store, "SEAL-9") == 162
    assert where_is(store, "SEAL-9")[("MAIN/A-01-01", None)] == 500


def test_receipt_without_a_price_keeps_the_average_and_posts_at_it(plant):
    store = plant.store
    posting = store.write(ledger.receive, "BRG-6204", parse_qty("2"), "A-01-01")
    assert avg_cost(store, "BRG-6204") == 600
    assert posting.movements[0].unit_cost == 600


def test_receipt_into_a_virtual_place_is_refused(plant):
    error = refused(plant.store, "unknown_location", ledger.receive, "SEAL-9", 1000, "QUARANTINE")
    assert "QUARANTINE is not a bin" in error.message


# --- lots on receipt --------------------------------------------------------------------------


def test_receipt_of_a_new_lot_creates_it_with_its_expiry(plant):
    store = plant.store
    store.write(
        ledger.receive, "FLT-1", parse_qty("4"), "A-01-02", "L2", date(2032, 3, 31), unit_cost=300
    )

    def lot(session):
        item = catalog.find_item(session, "FLT-1")
        return catalog.find_lot(session, item, "L2").expiry

    assert store.read(lot) == date(2032, 3, 31)
    assert where_is(store, "FLT-1") == {
        ("MAIN/A-01-01", "L1"): 5000,
        ("MAIN/A-01-02", "L0"): 3000,
        ("MAIN/A-01-02", "L2"): 4000,
    }


def test_receipt_into_a_known_lot_adds_to_it(plant):
    store = plant.store
    store.write(ledger.receive, "FLT-1", parse_qty("2"), "A-01-01", "L1")
    assert where_is(store, "FLT-1")[("MAIN/A-01-01", "L1")] == 7000


def test_receipt_of_a_lot_item_without_a_lot_is_refused(plant):
    error = refused(plant.store, "lot_required", ledger.receive, "FLT-1", 1000, "A-01-01")
    assert "FLT-1" in error.message


def test_receipt_of_an_already_expired_lot_is_refused(plant):
    error = refused(
        plant.store,
        "expired_lot",
        ledger.receive,
        "FLT-1",
        1000,
        "A-01-01",
        "OLD7",
        date(2020, 1, 31),
    )
    assert "OLD7" in error.message
    assert "2020-01-31" in error.message


def test_receipt_giving_a_known_lot_another_expiry_is_refused(plant):
    error = refused(
        plant.store,
        "invalid_value",
        ledger.receive,
        "FLT-1",
        1000,
        "A-01-01",
        "L1",
        date(2032, 1, 1),
    )
    assert "L1" in error.message
    assert "2030-01-31" in error.message


def test_receipt_with_a_lot_on_an_item_not_tracked_by_lot_is_refused(plant):
    error = refused(plant.store, "invalid_value", ledger.receive, "SEAL-9", 1000, "A-01-01", "X1")
    assert "X1" in error.message


def test_receipt_with_a_malformed_lot_is_refused(plant):
    error = refused(plant.store, "invalid_value", ledger.receive, "FLT-1", 1000, "A-01-01", "L 1!")
    assert "L 1!" in error.message


# --- serials on receipt -----------------------------------------------------------------------


def test_receipt_of_serials_posts_one_movement_per_unit(plant):
    store = plant.store
    posting = store.write(
        ledger.receive,
        "UPS-BAT",
        parse_qty("2"),
        "A-01-01",
        serial_nos=["SN3", "SN4"],
        unit_cost=parse_money("130"),
    )
    assert [(m.qty, m.serial, m.target) for m in posting.movements] == [
        (1000, "SN3", "MAIN/A-01-01"),
        (1000, "SN4", "MAIN/A-01-01"),
    ]
    assert where_is(store, "UPS-BAT") == {
        ("MAIN/A-01-02", "SN1"): 1000,
        ("MAIN/A-01-02", "SN2"): 1000,
        ("MAIN/A-01-01", "SN3"): 1000,
        ("MAIN/A-01-01", "SN4"): 1000,
    }
    # (2*12000 + 2*13000) / 4
    assert avg_cost(store, "UPS-BAT") == 12500


def test_receipt_of_serials_with_too_few_serials_is_refused(plant):
    error = refused(
        plant.store,
        "serial_required",
        ledger.receive,
        "UPS-BAT",
        parse_qty("2"),
        "A-01-01",
        serial_nos=["SN3"],
    )
    assert "UPS-BAT" in error.message
    assert "1 serials given" in error.message


def test_receipt_of_a_part_unit_of_a_serialised_item_is_refused(plant):
    error = refused(
        plant.store,
        "serial_required",
        ledger.receive,
        "UPS-BAT",
        parse_qty("1.5"),
        "A-01-01",
        serial_nos=["SN3"],
    )
    assert "1.5 units" in error.message


def test_receipt_of_a_critical_item_needs_a_serial_even_untracked(plant):
    store = plant.store
    store.write(catalog.add_item, "VLV-1", "Safety valve", critical=True)
    error = refused(store, "serial_required", ledger.receive, "VLV-1", 1000, "A-01-01")
    assert "VLV-1" in error.message
    store.write(ledger.receive, "VLV-1", 1000, "A-01-01", serial_nos=["V-001"])
    assert where_is(store, "VLV-1") == {("MAIN/A-01-01", "V-001"): 1000}


def test_receipt_with_the_same_serial_twice_is_refused(plant):
    error = refused(
        plant.store,
        "duplicate_serial",
        ledger.receive,
        "UPS-BAT",
        parse_qty("2"),
        "A-01-01",
        serial_nos=["SN7", "SN7"],
    )
    assert "SN7" in error.message


def test_receipt_of_a_serial_already_in_stock_is_refused(plant):
    error = refused(
        plant.store,
        "duplicate_serial",
        ledger.receive,
        "UPS-BAT",
        parse_qty("1"),
        "A-01-01",
        serial_nos=["SN1"],
    )
    assert "SN1" in error.message
    assert "already in stock" in error.message


def test_receipt_of_a_malformed_serial_is_refused(plant):
    error = refused(
        plant.store,
        "invalid_serial",
        ledger.receive,
        "UPS-BAT",
        parse_qty("1"),
        "A-01-01",
        serial_nos=["SN 9!"],
    )
    assert "SN 9!" in error.message


def test_receipt_with_a_serial_on_an_untracked_item_is_refused(plant):
    error = refused(
        plant.store, "invalid_value", ledger.receive, "SEAL-9", 1000, "A-01-01", serial_nos=["S1"]
    )
    assert "S1" in error.message


def test_a_serial_sent_back_to_the_supplier_can_be_received_again(plant):
    store = plant.store
    key = str(uuid.uuid4())
    store.write(ledger.receive, "UPS-BAT", 1000, "A-01-01", serial_nos=["SN5"], key=key)
    store.write(ledger.reverse, key, "wrong delivery")
    assert ("MAIN/A-01-01", "SN5") not in where_is(store, "UPS-BAT")
    store.write(ledger.receive, "UPS-BAT", 1000, "A-01-02", serial_nos=["SN5"])
    assert where_is(store, "UPS-BAT")[("MAIN/A-01-02", "SN5")] == 1000
    assert_ledger_clean(store)


# --- idempotency ------------------------------------------------------------------------------


def test_the_same_key_posted_twice_posts_once_and_returns_the_first_result(plant):
    store = plant.store
    key = str(uuid.uuid4())
    before = movement_count(store)
    first = store.write(ledger.receive, "SEAL-9", parse_qty("4"), "A-01-01", unit_cost=200, key=key)
    again = store.write(ledger.receive, "SEAL-9", parse_qty("4"), "A-01-01", unit_cost=200, key=key)
    assert first.replayed is False
    assert again.replayed is True
    assert again.key == first.key == key
    assert again.movements == first.movements
    assert again.describe().startswith("already posted: ")
    assert movement_count(store) == before + 1
    assert where_is(store, "SEAL-9")[("MAIN/A-01-01", None)] == 4000
    # (6*150 + 4*200) / 10: the replay did not average the price in a second time
    assert avg_cost(store, "SEAL-9") == 170


def test_a_replay_returns_the_first_result_even_when_the_second_call_differs(plant):
    store = plant.store
    key = str(uuid.uuid4())
    first = store.write(ledger.receive, "SEAL-9", parse_qty("1"), "A-01-01", key=key)
    again = store.write(ledger.receive, "SEAL-9", parse_qty("3"), "A-01-02", key=key)
    assert again.replayed is True
    assert again.movements == first.movements
    assert where_is(store, "SEAL-9") == {("MAIN/A-01-01", None): 1000, ("MAIN/A-01-02", None): 6000}


def test_movements_of_one_posting_share_its_key(plant):
    store = plant.store
    key = str(uuid.uuid4())
    posting = store.write(
        ledger.receive, "UPS-BAT", parse_qty("2"), "A-01-01", serial_nos=["SN3", "SN4"], key=key
    )
    first, second = posting.movements
    assert first.key == key
    assert second.key != key

    def keys(session):
        return [m.posting_key for m in ledger.find_posting(session, key)]

    assert store.read(keys) == [key, key]


def test_a_key_that_is_not_a_uuid_is_refused(plant):
    error = refused(
        plant.store, "invalid_value", ledger.receive, "SEAL-9", 1000, "A-01-01", key="scan-42"
    )
    assert "scan-42" in error.message


# --- reversal ---------------------------------------------------------------------------------


def test_reversal_of_a_receipt_takes_the_stock_back_and_references_the_original(plant):
    store = plant.store
    key = str(uuid.uuid4())
    received = store.write(ledger.receive, "SEAL-9", parse_qty("4"), "A-01-01", key=key)
    reversal = store.write(ledger.reverse, key, "received into the wrong bin")
    assert [(m.kind, m.qty, m.source, m.target) for m in reversal.movements] == [
        ("reversal", 4000, "MAIN/A-01-01", "SUPPLIER")
    ]

    def reverses(session):
        movement = session.get(Movement, reversal.movements[0].id)
        return movement.reverses_id, movement.reason

    assert store.read(reverses) == (received.movements[0].id, "received into the wrong bin")
    assert where_is(store, "SEAL-9") == {("MAIN/A-01-02", None): 6000}
    assert_ledger_clean(store)


def test_a_second_reversal_of_the_same_posting_is_refused(plant):
    store = plant.store
    key = str(uuid.uuid4())
    received = store.write(ledger.receive, "SEAL-9", parse_qty("4"), "A-01-01", key=key)
    store.write(ledger.reverse, key, "typo")
    error = refused(store, "already_reversed", ledger.reverse, key, "typo again")
    assert str(received.movements[0].id) in error.message


def test_the_same_reversal_key_twice_reverses_once(plant):
    store = plant.store
    key, undo_key = str(uuid.uuid4()), str(uuid.uuid4())
    store.write(ledger.receive, "SEAL-9", parse_qty("4"), "A-01-01", key=key)
    store.write(ledger.reverse, key, "typo", key=undo_key)
    again = store.write(ledger.reverse, key, "typo", key=undo_key)
    assert again.replayed is True
    assert where_is(store, "SEAL-9") == {("MAIN/A-01-02", None): 6000}


def test_a_reversal_cannot_itself_be_reversed(plant):
    store = plant.store
    key, undo_key = str(uuid.uuid4()), str(uuid.uuid4())
    store.write(ledger.receive, "SEAL-9", parse_qty("4"), "A-01-01", key=key)
    undone = store.write(ledger.reverse, key, "typo", key=undo_key)
    error = refused(store, "not_reversible", ledger.reverse, undo_key, "undo the undo")
    assert str(undone.movements[0].id) in error.message


def test_a_reversal_of_an_unknown_key_is_refused(plant):
    key = str(uuid.uuid4())
    error = refused(plant.store, "unknown_movement", ledger.reverse, key, "why not")
    assert key in error.message


def test_a_reversal_without_a_reason_is_refused(plant):
    store = plant.store
    key = str(uuid.uuid4())
    store.write(ledger.receive, "SEAL-9", parse_qty("4"), "A-01-01", key=key)
    refused(store, "invalid_value", ledger.reverse, key, "  ")


def test_a_reversal_that_would_empty_a_bin_below_zero_is_refused(plant):
    store = plant.store
    key = str(uuid.uuid4())
    store.write(ledger.receive, "SEAL-9", parse_qty("4"), "A-01-01", key=key)
    number = plant.wo_in_progress({"SEAL-9": "4"})
    store.write(counter.issue_to_line, number, "SEAL-9", parse_qty("4"), bin_code="A-01-01")
    error = refused(store, "insufficient_stock", ledger.reverse, key, "late correction")
    assert error.message == "only 0 EA of SEAL-9 at MAIN/A-01-01; 4 asked"


def test_reversal_of_an_issue_gives_back_its_reservation(plant):
    store = plant.store
    number = wo_in_progress_reserved(plant, {"BRG-6204": "4"})
    key = str(uuid.uuid4())
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("3"), key=key)
    assert wo_reservations(store, number) == [("MAIN/A-01-01", 4000, 3000, "partially_supplied")]
    line = line_position(store, number)
    assert (line.reserved, line.issued, line.in_wip) == (1000, 3000, 3000)

    store.write(ledger.reverse, key, "scanned the wrong WO")

    assert wo_reservations(store, number) == [("MAIN/A-01-01", 4000, 0, "confirmed")]
    line = line_position(store, number)
    assert (line.reserved, line.issued, line.in_wip) == (4000, 0, 0)
    assert where_is(store, "BRG-6204") == {
        ("MAIN/A-01-01", None): 10000,
        ("MAIN/A-01-02", None): 10000,
    }
    assert_ledger_clean(store)


def test_reversal_of_an_issue_already_returned_in_part_is_refused(plant):
    store = plant.store
    number = plant.wo_in_progress({"BRG-6204": "4"})
    key = str(uuid.uuid4())
    issued = store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("4"), key=key)
    store.write(counter.return_with_condition, number, "BRG-6204", parse_qty("1"), "new")
    error = refused(store, "not_reversible", ledger.reverse, key, "wrong WO")
    assert str(issued.movements[0].id) in error.message


# --- the check --------------------------------------------------------------------------------


def test_the_check_is_clean_after_receipts_issues_returns_and_write_offs(plant):
    store = plant.store
    number = wo_in_progress_reserved(plant, {"BRG-6204": "4", "UPS-BAT": "1", "FLT-1": "2"})
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("4"))
    store.write(counter.issue_to_line, number, "UPS-BAT", parse_qty("1"), serial_nos=["SN1"])
    store.write(counter.issue_to_line, number, "FLT-1", parse_qty("2"))
    store.write(counter.return_with_condition, number, "BRG-6204", parse_qty("1"), "inspect")
    store.write(counter.write_off, number, "BRG-6204", parse_qty("3"))
    store.write(
        counter.return_with_condition, number, "UPS-BAT", 1000, "rejected", serial_nos=["SN1"]
    )
    assert_ledger_clean(store)


def _tamper(store, sql: str) -> tuple[int, int]:
    def ids(session):
        item = session.execute(select(Item.id).where(Item.part_number == "SEAL-9")).scalar_one()
        place = session.execute(
            select(Location.id).where(Location.code == "MAIN/A-01-02")
        ).scalar_one()
        return item, place

    item_id, location_id = store.read(ids)
    with store.db.engine.begin() as connection:
        connection.execute(text(sql), {"item": item_id, "location": location_id})
    return item_id, location_id


def test_the_check_finds_a_tampered_balance_row(plant):
    store = plant.store
    item_id, location_id = _tamper(
        store,
        "UPDATE balance SET qty = qty + 1000 WHERE item_id = :item AND location_id = :location",
    )
    differences, problems = store.read(ledger.check)
    assert differences == [BalanceDifference(item_id, location_id, 0, 0, 6000, 7000)]
    assert problems == []


def test_the_check_finds_a_deleted_balance_row(plant):
    store = plant.store
    item_id, location_id = _tamper(
        store, "DELETE FROM balance WHERE item_id = :item AND location_id = :location"
    )
    differences, _ = store.read(ledger.check)
    assert differences == [BalanceDifference(item_id, location_id, 0, 0, 6000, 0)]


def test_the_check_reports_negative_stock_in_a_physical_place(plant):
    store = plant.store
    item_id, _ = _tamper(
        store, "UPDATE balance SET qty = -1000 WHERE item_id = :item AND location_id = :location"
    )
    differences, problems = store.read(ledger.check)
    assert len(differences) == 1
    assert problems == [f"negative stock: item {item_id} at MAIN/A-01-02: -1"]


def test_balances_are_never_written_for_a_refused_post(plant):
    store = plant.store
    number = plant.wo_in_progress({"SEAL-9": "10"})
    error = refused(store, "insufficient_stock", counter.issue_to_line, number, "SEAL-9", 7000)
    assert "SEAL-9" in error.message
    assert "7 asked" in error.message


def test_reservations_do_not_move_stock(plant):
    store = plant.store
    before = (movement_count(store), balances(store))
    wo_in_progress_reserved(plant, {"BRG-6204": "4"})
    assert (movement_count(store), balances(store)) == before


def test_a_lot_row_exists_once_per_item_and_lot(plant):
    def lots(session):
        return sorted(
            lot.lot_no for lot in session.execute(select(Lot).order_by(Lot.lot_no)).scalars()
        )

    plant.store.write(ledger.receive, "FLT-1", 1000, "A-01-02", "L1")
    assert plant.store.read(lots) == ["L0", "L1"]
