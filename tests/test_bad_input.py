"""Every refused action of the counter: a clear code, a message naming the offending value,
and nothing changed — not one movement, not one balance, not one reservation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import Balance, DemandLine, Movement, Reservation, WorkOrder
from storeroom_tui import catalog, counter, ledger, reconciliation, reservations, stock, workorders
from storeroom_tui.errors import StoreroomError
from storeroom_tui.quantities import parse_qty

pytestmark = pytest.mark.both_backends

# --- helpers ----------------------------------------------------------------------------------


def snapshot(store):
    """Movements, balances, reservations, demand lines and WO statuses, as they are."""

    def read(session):
        return (
            catalog.count_rows(session, Movement),
            sorted(
                (b.item_id, b.location_id, b.lot_id, b.serial_id, b.qty)
                for b in session.execute(select(Balance)).scalars()
            ),
            sorted(
                session.execute(
                    select(Reservation.id, Reservation.status, Reservation.supplied_qty)
                ).all()
            ),
            catalog.count_rows(session, DemandLine),
            sorted(session.execute(select(WorkOrder.number, WorkOrder.status)).all()),
        )

    return store.read(read)


def refused(store, code: str, named: str, service, *args, **kwargs) -> StoreroomError:
    """Run `service`; it must refuse with `code`, name `named`, and change nothing."""
    before = snapshot(store)
    with pytest.raises(StoreroomError) as caught:
        store.write(service, *args, **kwargs)
    error = caught.value
    assert error.code == code, error.message
    assert named in error.message
    assert snapshot(store) == before
    assert store.read(ledger.check) == ([], [])
    return error


def make_wo(store, lines: dict[str, str], steps=("approved", "in_progress")) -> str:
    def make(session, actor):
        work_order = workorders.create_work_order(session, actor, "PUMP-07", "Fix pump")
        for part, qty in lines.items():
            workorders.add_demand_line(session, actor, work_order, part, parse_qty(qty))
        for step in steps:
            if step == "reserve":
                reservations.reserve_work_order(session, actor, work_order)
            else:
                workorders.change_status(session, actor, work_order, step)
        return work_order.number

    return store.write(make)


@pytest.fixture
def started(plant) -> str:
    """A WO in progress planning 30 BRG-6204, 6 FLT-1, 2 UPS-BAT, 1 TRQ-WR, reserved."""
    return make_wo(
        plant.store,
        {"BRG-6204": "30", "FLT-1": "6", "UPS-BAT": "2", "TRQ-WR": "1"},
        ("approved", "reserve", "in_progress"),
    )


@pytest.fixture
def after_l1_expired(monkeypatch) -> date:
    """The clock moved to the day after lot L1 of FLT-1 expired (2030-01-31)."""
    day = date(2030, 2, 1)
    # ledger, counter (`ledger.today()`) and reservations (imported at call time) read
    # `storeroom_tui.ledger.today`; stock imported `today` when it was loaded
    monkeypatch.setattr("storeroom_tui.ledger.today", lambda: day)
    monkeypatch.setattr("storeroom_tui.stock.today", lambda: day)
    return day


# --- unknown things ---------------------------------------------------------------------------


def test_issue_of_an_unknown_part_is_refused(plant, started):
    error = refused(
        plant.store, "unknown_item", "NOPE-1", counter.issue_to_line, started, "NOPE-1", 1000
    )
    assert error.message == "no item with part number or barcode 'NOPE-1'"


def test_receipt_of_an_unknown_part_is_refused(plant):
    refused(
        plant.store,
        "unknown_item",
        "0000000000000",
        ledger.receive,
        "0000000000000",
        1000,
        "A-01-01",
    )


def test_issue_from_an_unknown_bin_is_refused(plant, started):
    error = refused(
        plant.store,
        "unknown_location",
        "Z-99-99",
        counter.issue_to_line,
        started,
        "BRG-6204",
        1000,
        bin_code="Z-99-99",
    )
    assert error.message == "no bin 'Z-99-99'"


def test_receipt_into_an_unknown_bin_is_refused(plant):
    refused(
        plant.store,
        "unknown_location",
        "BIN-MAIN-Q-00",
        ledger.receive,
        "SEAL-9",
        1000,
        "BIN-MAIN-Q-00",
    )


def test_issue_to_an_unknown_work_order_is_refused(plant, started):
    error = refused(
        plant.store,
        "unknown_work_order",
        "WO-999999",
        counter.issue_to_line,
        "WO-999999",
        "BRG-6204",
        1000,
    )
    assert error.message == "no work order 'WO-999999'"


def test_return_to_an_unknown_work_order_is_refused(plant):
    refused(
        plant.store,
        "unknown_work_order",
        "WO-000777",
        counter.return_with_condition,
        "WO-000777",
        "BRG-6204",
        1000,
        "new",
    )


def test_an_unknown_badge_cannot_sign_in(plant):
    store = plant.store
    before = snapshot(store)
    with pytest.raises(StoreroomError) as caught:
        store.sign_in("USR-9999")
    assert caught.value.code == "unknown_user"
    assert caught.value.message == "no user with badge 'USR-9999'"
    # whoever was signed in stays signed in
    assert store.actor.badge == "ADMIN"
    assert snapshot(store) == before


def test_an_unknown_asset_is_refused(plant):
    refused(
        plant.store, "unknown_asset", "AST-NOPE", workorders.create_work_order, "AST-NOPE", "Fix"
    )


# --- quantities -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("0", "must be greater than zero"),
        ("0.000", "must be greater than zero"),
        ("-1", "must be greater than zero"),
        ("-0.5", "must be greater than zero"),
        ("abc", "is not a number"),
        ("", "is not a number"),
        ("1,5", "is not a number"),
        ("NaN", "is not a number"),
        ("inf", "is not a number"),
        ("1.0001", "has more than 3 decimals"),
        ("0.0005", "has more than 3 decimals"),
    ],
)
def test_a_bad_quantity_is_refused_before_anything_is_posted(plant, started, text, says):
    def issue(session, actor):
        return counter.issue_to_line(session, actor, started, "BRG-6204", parse_qty(text))

    error = refused(plant.store, "invalid_quantity", repr(text), issue)
    assert error.message.startswith(f"quantity {text!r} {says}")
    assert error.value == text


@pytest.mark.parametrize(("text", "milli"), [("2.5", 2500), ("0.001", 1), ("3.000", 3000)])
def test_a_good_quantity_is_read_exactly(text, milli):
    assert parse_qty(text) == milli


@pytest.mark.parametrize("qty", [0, -1000])
@pytest.mark.parametrize("action", ["issue", "return", "write off"])
def test_a_quantity_of_zero_or_less_is_refused_by_the_services_too(plant, started, action, qty):
    store = plant.store
    store.write(counter.issue_to_line, started, "BRG-6204", parse_qty("2"))
    calls = {
        "issue": (counter.issue_to_line, (started, "BRG-6204", qty), {"reason": "extra"}),
        "return": (counter.return_with_condition, (started, "BRG-6204", qty, "new"), {}),
        "write off": (counter.write_off, (started, "BRG-6204", qty), {}),
    }
    service, args, kwargs = calls[action]
    error = refused(store, "invalid_quantity", "BRG-6204", service, *args, **kwargs)
    assert error.message == f"quantity {qty // 1000} of BRG-6204 must be greater than zero"


# --- the work order's status ------------------------------------------------------------------


def test_issue_on_a_work_order_not_in_progress_is_refused(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "2"}, ("approved", "reserve"))
    error = refused(
        store, "not_in_progress", number, counter.issue_to_line, number, "BRG-6204", 1000
    )
    assert error.message == (
        f"{number} is approved: issue is allowed only when in_progress; start the work order first"
    )


def test_close_with_parts_in_wip_is_refused(plant, started):
    store = plant.store
    store.write(counter.issue_to_line, started, "BRG-6204", parse_qty("3"))

    def complete(session, actor):
        work_order = catalog.find_work_order(session, started)
        workorders.change_status(session, actor, work_order, "completed")

    store.write(complete)
    error = refused(store, "not_reconciled", "BRG-6204", reconciliation.close_work_order, started)
    assert error.message == (
        f"{started} cannot close: line 1 BRG-6204: 3 in WIP, return or write off"
    )


# --- stock ------------------------------------------------------------------------------------


def test_issue_of_more_than_is_on_hand_is_refused(plant, started):
    error = refused(
        plant.store,
        "insufficient_stock",
        "BRG-6204",
        counter.issue_to_line,
        started,
        "BRG-6204",
        21000,
    )
    assert error.message == "only 20 EA of BRG-6204 available; 21 asked"


def test_issue_of_more_than_the_named_bin_holds_is_refused(plant, started):
    error = refused(
        plant.store,
        "insufficient_stock",
        "BRG-6204",
        counter.issue_to_line,
        started,
        "BRG-6204",
        11000,
        bin_code="A-01-01",
    )
    assert error.message == "only 10 EA of BRG-6204 available at MAIN/A-01-01; 11 asked"


def test_issue_of_an_unknown_lot_is_refused(plant, started):
    refused(
        plant.store, "unknown_lot", "L9", counter.issue_to_line, started, "FLT-1", 1000, lot_no="L9"
    )


# --- expired lots -----------------------------------------------------------------------------


def test_issue_from_an_expired_lot_is_refused(plant, started, after_l1_expired):
    error = refused(
        plant.store, "expired_lot", "L1", counter.issue_to_line, started, "FLT-1", 1000, lot_no="L1"
    )
    assert error.message == "lot L1 of FLT-1 expired on 2030-01-31; take another lot"


def test_an_expired_lot_is_passed_over_and_not_counted_as_available(
    plant, started, after_l1_expired
):
    store = plant.store
    error = refused(
        store, "insufficient_stock", "FLT-1", counter.issue_to_line, started, "FLT-1", 4000
    )
    assert error.message == "only 3 EA of FLT-1 available; 4 asked"
    posting = store.write(counter.issue_to_line, started, "FLT-1", parse_qty("3"))
    assert [(m.lot, m.qty) for m in posting.movements] == [("L0", 3000)]


def test_an_expired_lot_shows_as_expired_and_not_available(plant, after_l1_expired):
    position = plant.store.read(stock.stock_position, "FLT-1")
    assert [(b.lot, b.qty, b.expired) for b in position.balances] == [
        ("L1", 5000, True),
        ("L0", 3000, False),
    ]
    assert (position.on_hand, position.available) == (8000, 3000)


def test_an_expired_lot_is_not_reserved(plant, after_l1_expired):
    store = plant.store
    number = make_wo(store, {"FLT-1": "4"}, ("approved",))

    def reserve(session, actor):
        return reservations.reserve_work_order(
            session, actor, catalog.find_work_order(session, number)
        )

    assert store.write(reserve) == [reservations.LineReservation(1, "FLT-1", 3000, 1000)]


def test_receipt_into_an_expired_lot_is_refused(plant, after_l1_expired):
    error = refused(
        plant.store, "expired_lot", "L1", ledger.receive, "FLT-1", 1000, "A-01-01", "L1"
    )
    assert error.message == "lot L1 of FLT-1 expired on 2030-01-31"


# --- serials ----------------------------------------------------------------------------------


def test_issue_of_a_serialised_item_without_its_serial_is_refused(plant, started):
    error = refused(
        plant.store, "serial_required", "UPS-BAT", counter.issue_to_line, started, "UPS-BAT", 1000
    )
    assert error.message == "UPS-BAT is serialised: scan or give the serial of each unit"


def test_issue_with_fewer_serials_than_units_is_refused(plant, started):
    error = refused(
        plant.store,
        "serial_required",
        "UPS-BAT",
        counter.issue_to_line,
        started,
        "UPS-BAT",
        2000,
        serial_nos=["SN1"],
    )
    assert error.message == "UPS-BAT: 2 units need 2 serials, 1 given"


def test_issue_with_a_malformed_serial_is_refused(plant, started):
    error = refused(
        plant.store,
        "invalid_serial",
        "SN 1!",
        counter.issue_to_line,
        started,
        "UPS-BAT",
        1000,
        serial_nos=["SN 1!"],
    )
    assert error.value == "SN 1!"


def test_issue_with_the_same_serial_twice_is_refused(plant, started):
    error = refused(
        plant.store,
        "duplicate_serial",
        "SN1",
        counter.issue_to_line,
        started,
        "UPS-BAT",
        2000,
        serial_nos=["SN1", "SN1"],
    )
    assert error.message == "serial SN1 is given twice"


def test_issue_of_an_unknown_serial_is_refused(plant, started):
    error = refused(
        plant.store,
        "serial_not_available",
        "SN9",
        counter.issue_to_line,
        started,
        "UPS-BAT",
        1000,
        serial_nos=["SN9"],
    )
    assert error.message == "serial SN9 of UPS-BAT is not known here"


def test_return_of_a_serial_issued_to_another_work_order_is_refused(plant, started):
    store = plant.store
    other = make_wo(store, {"UPS-BAT": "1"})
    store.write(counter.issue_to_line, other, "UPS-BAT", 1000, serial_nos=["SN1"])
    store.write(counter.issue_to_line, started, "UPS-BAT", 1000, serial_nos=["SN2"])
    error = refused(
        store,
        "serial_not_issued",
        "SN1",
        counter.return_with_condition,
        started,
        "UPS-BAT",
        1000,
        "new",
        serial_nos=["SN1"],
    )
    assert (
        error.message == f"serial SN1 of UPS-BAT was not issued to {started} (or is already back)"
    )


def test_write_off_of_a_serial_not_issued_to_this_work_order_is_refused(plant, started):
    store = plant.store
    store.write(counter.issue_to_line, started, "UPS-BAT", 1000, serial_nos=["SN2"])
    refused(
        store,
        "serial_not_issued",
        "SN1",
        counter.write_off,
        started,
        "UPS-BAT",
        1000,
        serial_nos=["SN1"],
    )


# --- returns and write-offs -------------------------------------------------------------------


def test_return_beyond_what_is_out_is_refused(plant, started):
    store = plant.store
    store.write(counter.issue_to_line, started, "BRG-6204", parse_qty("2"))
    error = refused(
        store,
        "return_exceeds_issued",
        "BRG-6204",
        counter.return_with_condition,
        started,
        "BRG-6204",
        2001,
        "new",
    )
    assert error.message == f"only 2 EA of BRG-6204 is out on {started}; 2.001 asked"


def test_return_of_a_part_never_issued_is_refused(plant, started):
    error = refused(
        plant.store,
        "return_exceeds_issued",
        "SEAL-9",
        counter.return_with_condition,
        started,
        "SEAL-9",
        1000,
        "new",
    )
    assert error.message == f"only 0 EA of SEAL-9 is out on {started}; 1 asked"


def test_return_with_an_unknown_condition_is_refused(plant, started):
    store = plant.store
    store.write(counter.issue_to_line, started, "BRG-6204", parse_qty("1"))
    refused(
        store,
        "invalid_value",
        "'as new'",
        counter.return_with_condition,
        started,
        "BRG-6204",
        1000,
        "as new",
    )


def test_return_into_a_virtual_place_as_a_bin_is_refused(plant, started):
    store = plant.store
    store.write(counter.issue_to_line, started, "BRG-6204", parse_qty("1"))
    refused(
        store,
        "unknown_location",
        "SCRAP",
        counter.return_with_condition,
        started,
        "BRG-6204",
        1000,
        "new",
        bin_code="SCRAP",
    )


def test_a_key_that_is_not_a_uuid_is_refused_at_the_counter(plant, started):
    refused(
        plant.store,
        "invalid_value",
        "'42'",
        counter.issue_to_line,
        started,
        "BRG-6204",
        1000,
        key="42",
    )


# --- rights -----------------------------------------------------------------------------------


def test_a_user_without_the_right_is_refused(plant, started):
    plant.as_user("T1")
    error = refused(
        plant.store, "permission_denied", "T1", counter.issue_to_line, started, "BRG-6204", 1000
    )
    assert error.message == "Tom Tech (T1) is a technician and may not issue"


def test_a_clerk_cannot_close_a_work_order(plant):
    store = plant.store
    number = make_wo(store, {"SEAL-9": "1"}, ("approved", "in_progress", "completed"))
    plant.as_user("C1")
    error = refused(store, "permission_denied", "C1", reconciliation.close_work_order, number)
    assert error.message == "Carla Clerk (C1) is a clerk and may not close work orders"
