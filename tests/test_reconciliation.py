"""Reconciliation at closure: every unit that left a bin is accounted for (DESIGN.md section 5)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Movement, Reservation
from storeroom_tui import catalog, counter, ledger, reconciliation, reservations, stock, workorders
from storeroom_tui.errors import StoreroomError
from storeroom_tui.quantities import parse_qty
from storeroom_tui.reconciliation import Blocker

pytestmark = pytest.mark.both_backends

# --- helpers ----------------------------------------------------------------------------------


def make_wo(store, lines: dict[str, str], reserve: bool = True) -> str:
    """A WO in progress with the given lines (part -> qty), reserved unless told not to."""

    def make(session, actor):
        work_order = workorders.create_work_order(session, actor, "PUMP-07", "Overhaul pump")
        for part, qty in lines.items():
            workorders.add_demand_line(session, actor, work_order, part, parse_qty(qty))
        workorders.change_status(session, actor, work_order, "approved")
        if reserve:
            reservations.reserve_work_order(session, actor, work_order)
        workorders.change_status(session, actor, work_order, "in_progress")
        return work_order.number

    return store.write(make)


def complete(store, number: str) -> None:
    def change(session, actor):
        work_order = catalog.find_work_order(session, number)
        workorders.change_status(session, actor, work_order, "completed")

    store.write(change)


def issue(store, number: str, part: str, qty: str, **kwargs) -> None:
    store.write(counter.issue_to_line, number, part, parse_qty(qty), **kwargs)


def give_back(store, number: str, part: str, qty: str, condition: str = "new", **kwargs) -> None:
    store.write(counter.return_with_condition, number, part, parse_qty(qty), condition, **kwargs)


def use(store, number: str, part: str, qty: str, **kwargs) -> None:
    store.write(counter.write_off, number, part, parse_qty(qty), **kwargs)


def summary_rows(summary) -> list[tuple]:
    return [
        (
            line.part,
            line.planned,
            line.reserved,
            line.issued,
            line.returned,
            line.written_off,
            line.in_wip,
        )
        for line in summary.lines
    ]


def open_reservation_statuses(store, number: str) -> list[str]:
    def read(session):
        work_order = catalog.find_work_order(session, number)
        return list(
            session.execute(
                select(Reservation.status)
                .where(Reservation.wo_id == work_order.id)
                .order_by(Reservation.id)
            ).scalars()
        )

    return store.read(read)


def movement_count(store) -> int:
    return store.read(lambda session: catalog.count_rows(session, Movement))


def events(store, number: str) -> list[tuple[str | None, str, str, str | None]]:
    def read(session):
        work_order = catalog.find_work_order(session, number)
        return [
            (e.from_status, e.to_status, e.who, e.reason)
            for e in workorders.history(session, work_order)
        ]

    return store.read(read)


# --- the summary ------------------------------------------------------------------------------


def test_the_summary_shows_each_line_planned_reserved_issued_returned_used_and_out(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "4", "SEAL-9": "2", "FLT-1": "3"})
    issue(store, number, "BRG-6204", "4")
    give_back(store, number, "BRG-6204", "1")
    use(store, number, "BRG-6204", "2")
    issue(store, number, "SEAL-9", "1")
    use(store, number, "SEAL-9", "1")

    summary = store.read(reconciliation.reconcile, number)

    assert summary_rows(summary) == [
        ("BRG-6204", 4000, 0, 4000, 1000, 2000, 1000),
        ("SEAL-9", 2000, 1000, 1000, 0, 1000, 0),
        ("FLT-1", 3000, 3000, 0, 0, 0, 0),
    ]
    assert summary.blockers == [Blocker(1, "BRG-6204", 1000, False)]
    # 2 bearings at 6.00 and 1 seal at 1.50
    assert summary.parts_cost == 2 * 600 + 150
    assert (summary.status, summary.can_close) == ("in_progress", False)


def test_an_unknown_work_order_cannot_be_reconciled(plant):
    with pytest.raises(StoreroomError) as caught:
        plant.store.read(reconciliation.reconcile, "WO-000404")
    assert caught.value.code == "unknown_work_order"
    assert "WO-000404" in caught.value.message


def test_a_completed_work_order_with_nothing_out_can_close(plant):
    store = plant.store
    number = make_wo(store, {"SEAL-9": "2"})
    issue(store, number, "SEAL-9", "2")
    use(store, number, "SEAL-9", "2")
    complete(store, number)
    summary = store.read(reconciliation.reconcile, number)
    assert (summary.status, summary.blockers, summary.can_close) == ("completed", [], True)


# --- close ------------------------------------------------------------------------------------


def test_close_is_refused_naming_every_line_still_in_wip(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "4", "SEAL-9": "1", "TRQ-WR": "1", "FLT-1": "1"})
    issue(store, number, "BRG-6204", "2.5")
    issue(store, number, "SEAL-9", "1")
    issue(store, number, "TRQ-WR", "1")
    issue(store, number, "FLT-1", "1")
    use(store, number, "FLT-1", "1")
    complete(store, number)
    before = (
        movement_count(store),
        events(store, number),
        open_reservation_statuses(store, number),
    )

    with pytest.raises(StoreroomError) as caught:
        store.write(reconciliation.close_work_order, number)

    error = caught.value
    assert error.code == "not_reconciled"
    assert error.message == (
        f"{number} cannot close: "
        "line 1 BRG-6204: 2.5 in WIP, return or write off; "
        "line 2 SEAL-9: 1 in WIP, return or write off; "
        "line 3 TRQ-WR: 1 in WIP, must come back (tool)"
    )
    assert error.value == [
        "line 1 BRG-6204: 2.5 in WIP, return or write off",
        "line 2 SEAL-9: 1 in WIP, return or write off",
        "line 3 TRQ-WR: 1 in WIP, must come back (tool)",
    ]
    after = (movement_count(store), events(store, number), open_reservation_statuses(store, number))
    assert after == before
    work_order = store.read(catalog.find_work_order, number)
    assert (work_order.status, work_order.parts_cost, work_order.closed_at) == (
        "completed",
        None,
        None,
    )


def test_close_is_refused_while_the_work_order_is_still_in_progress(plant):
    store = plant.store
    number = make_wo(store, {"SEAL-9": "1"})
    with pytest.raises(StoreroomError) as caught:
        store.write(reconciliation.close_work_order, number)
    assert caught.value.code == "invalid_transition"
    assert caught.value.message == (
        f"{number} cannot go from in_progress to closed "
        "(allowed: cancelled, completed, on_hold, postponed)"
    )


def test_a_tool_must_come_back_before_the_work_order_closes(plant):
    store = plant.store
    number = make_wo(store, {"TRQ-WR": "1"})
    issue(store, number, "TRQ-WR", "1")
    complete(store, number)

    with pytest.raises(StoreroomError) as caught:
        use(store, number, "TRQ-WR", "1")
    assert caught.value.code == "tool_must_be_returned"
    with pytest.raises(StoreroomError) as caught:
        store.write(reconciliation.close_work_order, number)
    assert caught.value.code == "not_reconciled"
    assert "TRQ-WR: 1 in WIP, must come back (tool)" in caught.value.message

    give_back(store, number, "TRQ-WR", "1", "opened")
    assert store.write(reconciliation.close_work_order, number).status == "closed"
    assert store.read(stock.stock_position, "TRQ-WR").on_hand == 2000


def test_close_releases_open_reservations(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "4", "SEAL-9": "2"})
    issue(store, number, "BRG-6204", "2")
    use(store, number, "BRG-6204", "2")
    complete(store, number)
    assert open_reservation_statuses(store, number) == ["partially_supplied", "confirmed"]
    assert store.read(stock.stock_position, "BRG-6204").reserved == 2000

    summary = store.write(reconciliation.close_work_order, number)

    assert open_reservation_statuses(store, number) == ["cancelled", "cancelled"]
    assert [line.reserved for line in summary.lines] == [0, 0]
    bearings = store.read(stock.stock_position, "BRG-6204")
    assert (bearings.on_hand, bearings.reserved, bearings.available) == (18000, 0, 18000)
    assert store.read(stock.stock_position, "SEAL-9").available == 6000


def test_close_freezes_the_parts_cost_computed_from_the_write_offs(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "4", "SEAL-9": "2", "UPS-BAT": "1"})
    issue(store, number, "BRG-6204", "4")
    use(store, number, "BRG-6204", "3")
    give_back(store, number, "BRG-6204", "1")
    issue(store, number, "SEAL-9", "2")
    use(store, number, "SEAL-9", "1.5")
    give_back(store, number, "SEAL-9", "0.5", "rejected")
    issue(store, number, "UPS-BAT", "1", serial_nos=["SN2"])
    use(store, number, "UPS-BAT", "1", serial_nos=["SN2"])
    complete(store, number)

    summary = store.write(reconciliation.close_work_order, number)

    # 3 x 6.00 + 1.5 x 1.50 + 1 x 120.00; returns and scrap are not costed to the WO
    expected = 3 * 600 + 225 + 12000
    assert expected == 14025
    assert summary.parts_cost == expected
    assert [line.cost for line in summary.lines] == [1800, 225, 12000]
    work_order = store.read(catalog.find_work_order, number)
    assert work_order.parts_cost == expected
    assert work_order.closed_at is not None

    # a later receipt at another price moves the average, not the frozen cost
    store.write(ledger.receive, "BRG-6204", parse_qty("10"), "A-01-01", unit_cost=5000)
    assert store.read(catalog.find_work_order, number).parts_cost == expected


def test_close_is_logged_with_who_and_why(plant):
    store = plant.store
    number = make_wo(store, {"SEAL-9": "1"})
    issue(store, number, "SEAL-9", "1")
    use(store, number, "SEAL-9", "1")
    complete(store, number)
    plant.as_user("S1")
    store.write(reconciliation.close_work_order, number, "pump back in service")
    assert events(store, number)[-1] == (
        "completed",
        "closed",
        "Sue Supervisor",
        "pump back in service",
    )


def test_close_without_a_reason_logs_reconciled(plant):
    store = plant.store
    number = make_wo(store, {"SEAL-9": "1"}, reserve=False)
    complete(store, number)
    store.write(reconciliation.close_work_order, number)
    assert events(store, number)[-1][-1] == "reconciled"


def test_a_closed_work_order_takes_no_more_movements(plant):
    store = plant.store
    number = make_wo(store, {"SEAL-9": "2"})
    issue(store, number, "SEAL-9", "1")
    use(store, number, "SEAL-9", "1")
    complete(store, number)
    store.write(reconciliation.close_work_order, number)
    before = movement_count(store)

    with pytest.raises(StoreroomError) as caught:
        issue(store, number, "SEAL-9", "1")
    assert caught.value.code == "not_in_progress"
    assert f"{number} is closed" in caught.value.message
    with pytest.raises(StoreroomError) as caught:
        use(store, number, "SEAL-9", "1")
    assert caught.value.code == "gate_closed"
    with pytest.raises(StoreroomError) as caught:
        store.write(reconciliation.close_work_order, number)
    assert caught.value.code == "invalid_transition"
    assert movement_count(store) == before


# --- deviations -------------------------------------------------------------------------------


def test_deviations_from_plan_are_shown_and_kept_after_close(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "4", "SEAL-9": "2", "FLT-1": "1", "UPS-BAT": "1"})
    issue(store, number, "BRG-6204", "5", reason="one dropped in the sump")
    use(store, number, "BRG-6204", "5")
    issue(store, number, "SEAL-9", "2")
    give_back(store, number, "SEAL-9", "1")
    use(store, number, "SEAL-9", "1")
    issue(store, number, "FLT-1", "1")
    use(store, number, "FLT-1", "1")
    issue(store, number, "TRQ-WR", "1", reason="stuck bolt")
    give_back(store, number, "TRQ-WR", "1")
    # UPS-BAT planned but never issued

    summary = store.read(reconciliation.reconcile, number)
    deviating = [
        (line.part, line.planned, line.issued - line.returned, line.deviations)
        for line in summary.deviations
    ]
    assert deviating == [
        ("BRG-6204", 4000, 5000, {"over_issue"}),
        ("SEAL-9", 2000, 1000, set()),
        ("UPS-BAT", 1000, 0, set()),
    ]
    # the tool came back: issued 1, returned 1, planned 0 on its additional line
    tool = summary.lines[-1]
    assert (tool.part, tool.additional, tool.planned, tool.deviations) == (
        "TRQ-WR",
        True,
        0,
        {"additional"},
    )

    complete(store, number)
    closed = store.write(reconciliation.close_work_order, number)
    assert [line.part for line in closed.deviations] == ["BRG-6204", "SEAL-9", "UPS-BAT"]
    assert store.read(reconciliation.reconcile, number).deviations == closed.deviations


def test_a_substitute_is_kept_as_a_deviation_of_its_line(plant):
    store = plant.store

    def make(session, actor):
        work_order = workorders.create_work_order(session, actor, "PUMP-07", "Reseal")
        workorders.add_demand_line(
            session, actor, work_order, "BRG-6204", parse_qty("1"), substitutes=["SEAL-9"]
        )
        workorders.change_status(session, actor, work_order, "approved")
        workorders.change_status(session, actor, work_order, "in_progress")
        return work_order.number

    number = store.write(make)
    issue(store, number, "SEAL-9", "1", reason="no bearing in stock")
    use(store, number, "SEAL-9", "1")
    (line,) = store.read(reconciliation.reconcile, number).lines
    assert (line.part, line.issued, line.written_off, line.deviations, line.cost) == (
        "BRG-6204",
        1000,
        1000,
        {"substitute"},
        150,
    )
