"""At the counter: issue to a work order, return with a condition, write off what was used."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from models import DemandLine, Location, Movement, Reservation, WorkOrder
from storeroom_tui import catalog, counter, ledger, reservations, stock, wip, workorders
from storeroom_tui.errors import StoreroomError
from storeroom_tui.quantities import parse_money, parse_qty
from tests.ledger_probes import balances, movement_count, where_is

pytestmark = pytest.mark.both_backends

# --- helpers ----------------------------------------------------------------------------------


def make_wo(
    store,
    lines: dict[str, str],
    substitutes: dict[str, list[str]] | None = None,
    reserve: bool = False,
) -> str:
    """A WO in progress with the given lines (part -> qty) and allowed substitutes."""

    def make(session, actor):
        work_order = workorders.create_work_order(session, actor, "PUMP-07", "Fix pump")
        for part, qty in lines.items():
            workorders.add_demand_line(
                session,
                actor,
                work_order,
                part,
                parse_qty(qty),
                substitutes=(substitutes or {}).get(part, []),
            )
        workorders.change_status(session, actor, work_order, "approved")
        if reserve:
            reservations.reserve_work_order(session, actor, work_order)
        workorders.change_status(session, actor, work_order, "in_progress")
        return work_order.number

    return store.write(make)


def lines_of(store, number: str) -> list[wip.LinePosition]:
    def read(session):
        return wip.position(session, catalog.find_work_order(session, number).id).lines

    return store.read(read)


def wo_reservations(store, number: str) -> list[tuple[int | None, str, int, int, str]]:
    def read(session):
        work_order = catalog.find_work_order(session, number)
        rows = session.execute(
            select(Reservation).where(Reservation.wo_id == work_order.id).order_by(Reservation.id)
        ).scalars()
        return [
            (r.id, session.get(Location, r.location_id).code, r.qty, r.supplied_qty, r.status)
            for r in rows
        ]

    return store.read(read)


def movement(store, movement_id: int) -> Movement:
    return store.read(lambda session: session.get(Movement, movement_id))


def serial_at(store, part: str, serial_no: str) -> tuple[str, str | None]:
    def read(session):
        serial = ledger.find_serial(session, catalog.find_item(session, part), serial_no)
        place = session.get(Location, serial.location_id).code
        number = session.get(WorkOrder, serial.wo_id).number if serial.wo_id else None
        return place, number

    return store.read(read)


def refused(store, code: str, service, *args, **kwargs) -> StoreroomError:
    """Run `service`, expect the refusal `code`, and check that nothing moved."""
    before = (movement_count(store), balances(store))
    with pytest.raises(StoreroomError) as caught:
        store.write(service, *args, **kwargs)
    assert caught.value.code == code, caught.value.message
    assert (movement_count(store), balances(store)) == before
    assert store.read(ledger.check) == ([], [])
    return caught.value


# --- issue ------------------------------------------------------------------------------------


def test_issue_moves_stock_from_the_bin_to_wip_at_the_average_cost(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "4"})
    posting = store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("4"))
    assert [
        (m.kind, m.qty, m.source, m.target, m.unit_cost, m.work_order, m.deviation)
        for m in posting.movements
    ] == [("issue", 4000, "MAIN/A-01-01", "WIP", 600, number, None)]
    assert where_is(store, "BRG-6204") == {
        ("MAIN/A-01-01", None): 6000,
        ("MAIN/A-01-02", None): 10000,
        ("WIP", None): 4000,
    }
    (line,) = lines_of(store, number)
    assert (line.issued, line.in_wip, line.to_issue) == (4000, 4000, 0)


def test_issue_consumes_the_reservation(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "4"}, reserve=True)
    ((reservation_id, *_),) = wo_reservations(store, number)
    posting = store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("4"))
    assert wo_reservations(store, number) == [
        (reservation_id, "MAIN/A-01-01", 4000, 4000, "supplied")
    ]
    assert movement(store, posting.movements[0].id).reservation_id == reservation_id
    (line,) = lines_of(store, number)
    assert (line.reserved, line.issued) == (0, 4000)
    position = store.read(stock.stock_position, "BRG-6204")
    assert (position.on_hand, position.reserved, position.available) == (16000, 0, 16000)


def test_partial_issue_keeps_the_remainder_reserved(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "4"}, reserve=True)
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("2.5"))
    assert [r[1:] for r in wo_reservations(store, number)] == [
        ("MAIN/A-01-01", 4000, 2500, "partially_supplied")
    ]
    (line,) = lines_of(store, number)
    assert (line.reserved, line.issued, line.to_issue, line.shortage) == (1500, 2500, 1500, 0)
    position = store.read(stock.stock_position, "BRG-6204")
    assert (position.on_hand, position.reserved, position.available) == (17500, 1500, 16000)


def test_issue_takes_from_the_reserved_bin_before_a_fuller_one(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "4"}, reserve=True)
    store.write(ledger.receive, "BRG-6204", parse_qty("5"), "A-01-02")
    posting = store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("2"))
    assert [m.source for m in posting.movements] == ["MAIN/A-01-01"]


def test_issue_from_another_bin_still_draws_on_the_line_reservation(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "4"}, reserve=True)
    posting = store.write(
        counter.issue_to_line, number, "BRG-6204", parse_qty("3"), bin_code="BIN-MAIN-A-01-02"
    )
    assert [m.source for m in posting.movements] == ["MAIN/A-01-02"]
    assert movement(store, posting.movements[0].id).reservation_id is None
    assert [r[1:] for r in wo_reservations(store, number)] == [
        ("MAIN/A-01-01", 4000, 3000, "partially_supplied")
    ]
    assert store.read(stock.stock_position, "BRG-6204").reserved == 1000


def test_issue_spreads_over_bins_when_one_is_not_enough(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "12"})
    posting = store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("12"))
    assert [(m.source, m.qty) for m in posting.movements] == [
        ("MAIN/A-01-01", 10000),
        ("MAIN/A-01-02", 2000),
    ]


def test_the_same_issue_key_twice_issues_once(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "4"}, reserve=True)
    key = str(uuid.uuid4())
    first = store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("2"), key=key)
    again = store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("2"), key=key)
    assert (first.replayed, again.replayed) == (False, True)
    assert again.movements == first.movements
    assert where_is(store, "BRG-6204")[("WIP", None)] == 2000
    assert [r[3] for r in wo_reservations(store, number)] == [2000]


def test_a_substitute_is_issued_onto_the_line_it_replaces_with_a_reason(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "2"}, substitutes={"BRG-6204": ["SEAL-9"]})
    posting = store.write(
        counter.issue_to_line, number, "SEAL-9", parse_qty("2"), reason="6204 out of stock"
    )
    (moved,) = posting.movements
    assert (moved.part, moved.deviation) == ("SEAL-9", "substitute")
    row = movement(store, moved.id)
    assert row.reason == "6204 out of stock"
    (line,) = lines_of(store, number)
    assert row.demand_line_id == line.line_id
    assert (line.part, line.issued, line.deviations) == ("BRG-6204", 2000, {"substitute"})


def test_a_substitute_without_a_reason_is_refused(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "2"}, substitutes={"BRG-6204": ["SEAL-9"]})
    error = refused(store, "reason_required", counter.issue_to_line, number, "SEAL-9", 1000)
    assert error.message == "SEAL-9 substitutes BRG-6204 on line 1; give a reason"


def test_a_part_that_is_not_an_allowed_substitute_is_an_additional_issue(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "2"}, substitutes={"BRG-6204": ["SEAL-9"]})
    error = refused(store, "reason_required", counter.issue_to_line, number, "FLT-1", 1000)
    assert error.message == (
        f"FLT-1 is not on the pick list of {number}; give a reason for an additional issue"
    )
    assert [line.part for line in lines_of(store, number)] == ["BRG-6204"]


def test_an_additional_issue_with_a_reason_gets_its_own_line(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "2"})
    posting = store.write(
        counter.issue_to_line, number, "SEAL-9", parse_qty("1"), reason="old seal leaking"
    )
    assert posting.movements[0].deviation == "additional"
    first, extra = lines_of(store, number)
    assert (extra.line_no, extra.part, extra.planned, extra.issued, extra.additional) == (
        2,
        "SEAL-9",
        0,
        1000,
        True,
    )
    assert extra.deviations == {"additional"}

    def reason(session):
        return session.get(DemandLine, extra.line_id).reason

    assert store.read(reason) == "old seal leaking"
    # a second additional issue of the same part lands on the same extra line
    store.write(counter.issue_to_line, number, "SEAL-9", parse_qty("1"), reason="one more")
    assert [(line.part, line.issued) for line in lines_of(store, number)] == [
        ("BRG-6204", 0),
        ("SEAL-9", 2000),
    ]


def test_an_over_issue_needs_a_reason(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "4"})
    error = refused(store, "reason_required", counter.issue_to_line, number, "BRG-6204", 5000)
    assert error.message == (
        "BRG-6204: 5 asked but only 4 still planned on line 1; give a reason for the over-issue"
    )
    posting = store.write(
        counter.issue_to_line, number, "BRG-6204", parse_qty("5"), reason="one dropped"
    )
    assert posting.movements[0].deviation == "over_issue"
    (line,) = lines_of(store, number)
    assert (line.planned, line.issued, line.deviations) == (4000, 5000, {"over_issue"})


def test_issuing_more_once_the_plan_is_met_needs_a_reason(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "2"})
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("2"))
    error = refused(store, "reason_required", counter.issue_to_line, number, "BRG-6204", 1000)
    assert "only 0 still planned on line 1" in error.message


def test_a_lot_item_is_issued_first_expiry_first(plant):
    store = plant.store
    number = make_wo(store, {"FLT-1": "6"})
    posting = store.write(counter.issue_to_line, number, "FLT-1", parse_qty("6"))
    assert [(m.source, m.lot, m.qty) for m in posting.movements] == [
        ("MAIN/A-01-01", "L1", 5000),
        ("MAIN/A-01-02", "L0", 1000),
    ]
    assert where_is(store, "FLT-1") == {
        ("MAIN/A-01-02", "L0"): 2000,
        ("WIP", "L1"): 5000,
        ("WIP", "L0"): 1000,
    }


def test_a_named_lot_is_issued_from_that_lot(plant):
    store = plant.store
    number = make_wo(store, {"FLT-1": "2"})
    posting = store.write(counter.issue_to_line, number, "FLT-1", parse_qty("2"), lot_no="L0")
    assert [(m.source, m.lot, m.qty) for m in posting.movements] == [("MAIN/A-01-02", "L0", 2000)]


def test_an_unknown_lot_is_refused(plant):
    store = plant.store
    number = make_wo(store, {"FLT-1": "2"})
    error = refused(store, "unknown_lot", counter.issue_to_line, number, "FLT-1", 1000, lot_no="L9")
    assert error.message == "no lot 'L9' of FLT-1"


def test_a_serial_is_issued_and_followed_into_wip(plant):
    store = plant.store
    number = make_wo(store, {"UPS-BAT": "1"})
    posting = store.write(
        counter.issue_to_line, number, "UPS-BAT", parse_qty("1"), serial_nos=["SN2"]
    )
    assert [(m.source, m.serial, m.qty, m.unit_cost) for m in posting.movements] == [
        ("MAIN/A-01-02", "SN2", 1000, 12000)
    ]
    assert serial_at(store, "UPS-BAT", "SN2") == ("WIP", number)
    assert serial_at(store, "UPS-BAT", "SN1") == ("MAIN/A-01-02", None)


def test_a_serial_already_in_wip_cannot_be_issued_again(plant):
    store = plant.store
    first = make_wo(store, {"UPS-BAT": "1"})
    second = make_wo(store, {"UPS-BAT": "1"})
    store.write(counter.issue_to_line, first, "UPS-BAT", 1000, serial_nos=["SN1"])
    error = refused(
        store,
        "serial_not_available",
        counter.issue_to_line,
        second,
        "UPS-BAT",
        1000,
        serial_nos=["SN1"],
    )
    assert error.message == f"serial SN1 of UPS-BAT is not on a shelf (it is in WIP on {first})"


def test_a_serial_asked_from_the_wrong_bin_is_refused(plant):
    store = plant.store
    number = make_wo(store, {"UPS-BAT": "1"})
    error = refused(
        store,
        "serial_not_available",
        counter.issue_to_line,
        number,
        "UPS-BAT",
        1000,
        bin_code="A-01-01",
        serial_nos=["SN1"],
    )
    assert error.message == "serial SN1 is in MAIN/A-01-02, not in MAIN/A-01-01"


def test_serials_on_an_untracked_item_are_refused(plant):
    store = plant.store
    number = make_wo(store, {"SEAL-9": "1"})
    error = refused(
        store, "invalid_value", counter.issue_to_line, number, "SEAL-9", 1000, serial_nos=["X9"]
    )
    assert "'X9'" in error.message


# --- return -----------------------------------------------------------------------------------


@pytest.fixture
def three_bearings_out(plant):
    """3 BRG-6204 issued at 6.00 from A-01-01; then the average moves on to 7.11."""
    store = plant.store
    number = make_wo(store, {"BRG-6204": "4"})
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("3"))
    # (17*600 + 10*900) / 27 = 19200 / 27 = 711.1 -> 711
    store.write(ledger.receive, "BRG-6204", parse_qty("10"), "A-01-02", unit_cost=900)
    assert store.read(catalog.find_item, "BRG-6204").avg_cost == 711
    return number


@pytest.mark.parametrize(
    ("condition", "place"),
    [
        ("new", "MAIN/A-01-01"),
        ("opened", "MAIN/A-01-01"),
        ("inspect", "QUARANTINE"),
        ("rejected", "SCRAP"),
    ],
)
def test_a_return_goes_where_its_condition_says_at_the_cost_of_the_issue(
    plant, three_bearings_out, condition, place
):
    store = plant.store
    number = three_bearings_out
    before = where_is(store, "BRG-6204")
    posting = store.write(
        counter.return_with_condition, number, "BRG-6204", parse_qty("1"), condition.upper()
    )
    (moved,) = posting.movements
    assert (moved.kind, moved.source, moved.target, moved.unit_cost, moved.condition) == (
        "return",
        "WIP",
        place,
        600,
        condition,
    )
    after = where_is(store, "BRG-6204")
    assert after[("WIP", None)] == 2000
    assert after[(place, None)] == before.get((place, None), 0) + 1000

    def issue_of_return(session):
        row = session.get(Movement, moved.id)
        return session.get(Movement, row.related_id).kind

    assert store.read(issue_of_return) == "issue"
    (line,) = lines_of(store, number)
    assert (line.issued, line.returned, line.in_wip) == (3000, 1000, 2000)


def test_a_return_in_quarantine_or_scrap_is_not_available(plant, three_bearings_out):
    store = plant.store
    number = three_bearings_out
    available = store.read(stock.stock_position, "BRG-6204").available
    store.write(counter.return_with_condition, number, "BRG-6204", parse_qty("1"), "inspect")
    store.write(counter.return_with_condition, number, "BRG-6204", parse_qty("1"), "rejected")
    assert store.read(stock.stock_position, "BRG-6204").available == available
    store.write(counter.return_with_condition, number, "BRG-6204", parse_qty("1"), "opened")
    assert store.read(stock.stock_position, "BRG-6204").available == available + 1000


def test_a_return_as_new_can_go_to_another_bin(plant, three_bearings_out):
    store = plant.store
    posting = store.write(
        counter.return_with_condition,
        three_bearings_out,
        "BRG-6204",
        parse_qty("2"),
        "new",
        bin_code="A-01-02",
    )
    assert [(m.target, m.qty) for m in posting.movements] == [("MAIN/A-01-02", 2000)]


def test_a_return_goes_back_to_each_bin_the_parts_came_from(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "12"})
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("12"))
    posting = store.write(counter.return_with_condition, number, "BRG-6204", parse_qty("12"), "new")
    assert sorted((m.target, m.qty) for m in posting.movements) == [
        ("MAIN/A-01-01", 10000),
        ("MAIN/A-01-02", 2000),
    ]
    assert where_is(store, "BRG-6204") == {
        ("MAIN/A-01-01", None): 10000,
        ("MAIN/A-01-02", None): 10000,
    }


def test_a_return_settles_the_newest_issue_first(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "4"})
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("2"))
    # (18*600 + 2*1500) / 20 = 13800 / 20 = 690
    store.write(ledger.receive, "BRG-6204", parse_qty("2"), "A-01-01", unit_cost=1500)
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("2"))
    posting = store.write(counter.return_with_condition, number, "BRG-6204", 1000, "new")
    assert [m.unit_cost for m in posting.movements] == [690]


def test_a_serial_return_puts_the_unit_back_and_off_the_work_order(plant):
    store = plant.store
    number = make_wo(store, {"UPS-BAT": "2"})
    store.write(counter.issue_to_line, number, "UPS-BAT", 2000, serial_nos=["SN1", "SN2"])
    store.write(counter.return_with_condition, number, "UPS-BAT", 1000, "new", serial_nos=["SN2"])
    store.write(
        counter.return_with_condition, number, "UPS-BAT", 1000, "rejected", serial_nos=["SN1"]
    )
    assert serial_at(store, "UPS-BAT", "SN2") == ("MAIN/A-01-02", None)
    assert serial_at(store, "UPS-BAT", "SN1") == ("SCRAP", None)
    assert where_is(store, "UPS-BAT") == {("MAIN/A-01-02", "SN2"): 1000, ("SCRAP", "SN1"): 1000}


def test_a_return_of_an_unissued_serial_is_refused(plant):
    store = plant.store
    number = make_wo(store, {"UPS-BAT": "1"})
    store.write(counter.issue_to_line, number, "UPS-BAT", 1000, serial_nos=["SN1"])
    error = refused(
        store,
        "serial_not_issued",
        counter.return_with_condition,
        number,
        "UPS-BAT",
        1000,
        "new",
        serial_nos=["SN2"],
    )
    assert error.message == (
        f"serial SN2 of UPS-BAT was not issued to {number} (or is already back)"
    )


def test_a_serial_returned_once_cannot_be_returned_again(plant):
    store = plant.store
    number = make_wo(store, {"UPS-BAT": "1"})
    store.write(counter.issue_to_line, number, "UPS-BAT", 1000, serial_nos=["SN1"])
    store.write(counter.return_with_condition, number, "UPS-BAT", 1000, "new", serial_nos=["SN1"])
    error = refused(
        store,
        "serial_not_issued",
        counter.return_with_condition,
        number,
        "UPS-BAT",
        1000,
        "new",
        serial_nos=["SN1"],
    )
    assert "SN1" in error.message


def test_a_return_beyond_what_is_out_is_refused(plant, three_bearings_out):
    store = plant.store
    number = three_bearings_out
    error = refused(
        store,
        "return_exceeds_issued",
        counter.return_with_condition,
        number,
        "BRG-6204",
        4000,
        "new",
    )
    assert error.message == f"only 3 EA of BRG-6204 is out on {number}; 4 asked"
    store.write(counter.return_with_condition, number, "BRG-6204", parse_qty("1"), "new")
    store.write(counter.write_off, number, "BRG-6204", parse_qty("1"))
    error = refused(
        store,
        "return_exceeds_issued",
        counter.return_with_condition,
        number,
        "BRG-6204",
        1500,
        "new",
    )
    assert error.message == f"only 1 EA of BRG-6204 is out on {number}; 1.5 asked"


def test_a_return_of_one_lot_counts_only_that_lot(plant):
    store = plant.store
    number = make_wo(store, {"FLT-1": "6"})
    store.write(counter.issue_to_line, number, "FLT-1", parse_qty("6"))
    error = refused(
        store,
        "return_exceeds_issued",
        counter.return_with_condition,
        number,
        "FLT-1",
        2000,
        "new",
        lot_no="L0",
    )
    assert error.message == f"only 1 EA of FLT-1 lot L0 is out on {number}; 2 asked"
    posting = store.write(counter.return_with_condition, number, "FLT-1", 1000, "new", lot_no="L0")
    assert [(m.target, m.lot) for m in posting.movements] == [("MAIN/A-01-02", "L0")]


def test_a_return_with_an_unknown_condition_is_refused(plant, three_bearings_out):
    error = refused(
        plant.store,
        "invalid_value",
        counter.return_with_condition,
        three_bearings_out,
        "BRG-6204",
        1000,
        "broken",
    )
    assert error.message == "condition 'broken' is not one of: new, opened, inspect, rejected"


def test_the_same_return_key_twice_returns_once(plant, three_bearings_out):
    store = plant.store
    key = str(uuid.uuid4())
    args = (three_bearings_out, "BRG-6204", 1000, "new")
    store.write(counter.return_with_condition, *args, key=key)
    again = store.write(counter.return_with_condition, *args, key=key)
    assert again.replayed is True
    assert where_is(store, "BRG-6204")[("WIP", None)] == 2000


# --- preview ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "bin_code", "destination", "text"),
    [
        ("new", None, "MAIN/A-01-01", "back to bin MAIN/A-01-01"),
        ("opened", "A-01-02", "MAIN/A-01-02", "back to bin MAIN/A-01-02"),
        ("inspect", None, "QUARANTINE", "to QUARANTINE for inspection (not available)"),
        ("rejected", None, "SCRAP", "to SCRAP"),
    ],
)
def test_preview_return_says_where_the_return_goes_and_posts_nothing(
    plant, three_bearings_out, condition, bin_code, destination, text
):
    store = plant.store
    before = (movement_count(store), balances(store))
    preview = store.write(
        counter.preview_return, three_bearings_out, "BRG-6204", 1000, condition, bin_code
    )
    assert (preview.destination, preview.text) == (destination, text)
    assert (movement_count(store), balances(store)) == before


def test_preview_return_over_two_bins_names_both(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "12"})
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("12"))
    preview = store.write(counter.preview_return, number, "BRG-6204", parse_qty("12"), "new")
    assert preview.text == "back to bin MAIN/A-01-01, MAIN/A-01-02"


def test_preview_return_refuses_what_the_return_would_refuse(plant, three_bearings_out):
    error = refused(
        plant.store,
        "return_exceeds_issued",
        counter.preview_return,
        three_bearings_out,
        "BRG-6204",
        5000,
        "new",
    )
    assert "5 asked" in error.message


# --- write-off --------------------------------------------------------------------------------


def test_write_off_moves_wip_to_consumed_at_the_cost_of_each_issue(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "4"})
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("2"))
    # (18*600 + 2*1500) / 20 = 690
    store.write(ledger.receive, "BRG-6204", parse_qty("2"), "A-01-01", unit_cost=1500)
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("2"))
    store.write(counter.return_with_condition, number, "BRG-6204", parse_qty("1"), "new")

    posting = store.write(counter.write_off, number, "BRG-6204", parse_qty("3"))

    # the oldest issue first: 2 at 6.00, then 1 at 6.90
    assert [(m.source, m.target, m.qty, m.unit_cost) for m in posting.movements] == [
        ("WIP", "CONSUMED", 2000, 600),
        ("WIP", "CONSUMED", 1000, 690),
    ]
    (line,) = lines_of(store, number)
    assert (line.issued, line.returned, line.written_off, line.in_wip) == (4000, 1000, 3000, 0)
    assert line.cost == 2 * 600 + 690
    assert ("WIP", None) not in where_is(store, "BRG-6204")


def test_write_off_of_a_fraction_is_costed_to_the_cent(plant):
    store = plant.store
    number = make_wo(store, {"SEAL-9": "2"})
    store.write(counter.issue_to_line, number, "SEAL-9", parse_qty("1.5"))
    store.write(counter.write_off, number, "SEAL-9", parse_qty("1.333"))
    (line,) = lines_of(store, number)
    # 1.333 x 1.50 = 1.9995 -> 2.00
    assert (line.written_off, line.in_wip, line.cost) == (1333, 167, 200)


def test_a_tool_cannot_be_written_off(plant):
    store = plant.store
    number = make_wo(store, {"TRQ-WR": "1"})
    store.write(counter.issue_to_line, number, "TRQ-WR", parse_qty("1"))
    error = refused(store, "tool_must_be_returned", counter.write_off, number, "TRQ-WR", 1000)
    assert error.message == "TRQ-WR is a tool: it must come back, not be written off"


def test_a_write_off_beyond_what_is_out_is_refused(plant, three_bearings_out):
    error = refused(
        plant.store,
        "writeoff_exceeds_issued",
        counter.write_off,
        three_bearings_out,
        "BRG-6204",
        parse_qty("3.5"),
    )
    assert error.message == f"only 3 EA of BRG-6204 is out on {three_bearings_out}; 3.5 asked"


def test_a_serial_write_off_takes_that_unit_off_the_work_order(plant):
    store = plant.store
    number = make_wo(store, {"UPS-BAT": "2"})
    store.write(counter.issue_to_line, number, "UPS-BAT", 2000, serial_nos=["SN1", "SN2"])
    posting = store.write(counter.write_off, number, "UPS-BAT", 1000, serial_nos=["SN2"])
    assert [(m.serial, m.target, m.unit_cost) for m in posting.movements] == [
        ("SN2", "CONSUMED", 12000)
    ]
    assert serial_at(store, "UPS-BAT", "SN2") == ("CONSUMED", None)
    assert serial_at(store, "UPS-BAT", "SN1") == ("WIP", number)


def test_an_issue_is_costed_at_the_average_after_a_new_receipt(plant):
    store = plant.store
    number = make_wo(store, {"SEAL-9": "1"})
    # (6*150 + 4*200) / 10 = 170
    store.write(ledger.receive, "SEAL-9", parse_qty("4"), "A-01-01", unit_cost=parse_money("2"))
    posting = store.write(counter.issue_to_line, number, "SEAL-9", parse_qty("1"))
    assert posting.movements[0].unit_cost == 170
