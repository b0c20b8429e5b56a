"""Work orders at the service layer: numbering, demand lines, the life of DESIGN.md section 5
(every transition of `gates`, allowed or refused), status history and reservations."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import DemandLine, DemandSubstitute, Item, Location, Lot, Movement, Reservation
from storeroom_tui import (
    catalog,
    counter,
    ledger,
    reconciliation,
    reservations,
    stock,
    wip,
    workorders,
)
from storeroom_tui.errors import StoreroomError
from storeroom_tui.quantities import parse_qty
from storeroom_tui.service import Storeroom

pytestmark = pytest.mark.both_backends

# the life of a work order, written out by hand from DESIGN.md section 5
ALLOWED = {
    "requested": {"approved", "cancelled"},
    "approved": {"scheduled", "in_progress", "on_hold", "postponed", "cancelled"},
    "scheduled": {"in_progress", "on_hold", "postponed", "cancelled"},
    "in_progress": {"completed", "on_hold", "postponed", "cancelled"},
    "on_hold": {"approved", "scheduled", "in_progress", "cancelled"},
    "postponed": {"approved", "scheduled", "in_progress", "cancelled"},
    "completed": {"in_progress", "closed"},
    "closed": set(),
    "cancelled": set(),
}
STATUSES = list(ALLOWED)

# how to bring a fresh work order to each status
PATHS = {
    "requested": [],
    "approved": ["approved"],
    "scheduled": ["approved", "scheduled"],
    "in_progress": ["approved", "in_progress"],
    "completed": ["approved", "in_progress", "completed"],
    "on_hold": ["approved", "on_hold"],
    "postponed": ["approved", "postponed"],
    "cancelled": ["cancelled"],
    "closed": ["approved", "in_progress", "completed"],
}

# --- helpers ----------------------------------------------------------------------------------


def create(store, title: str = "Fix pump", lines: dict[str, str] | None = None, **kwargs) -> str:
    def make(session, actor):
        work_order = workorders.create_work_order(session, actor, "PUMP-07", title, **kwargs)
        for part, qty in (lines or {}).items():
            workorders.add_demand_line(session, actor, work_order, part, parse_qty(qty))
        return work_order.number

    return store.write(make)


def set_status(
    store, number: str, status: str, reason: str | None = None, release: bool = False
) -> str:
    def change(session, actor):
        work_order = catalog.find_work_order(session, number)
        return workorders.change_status(session, actor, work_order, status, reason, release).status

    return store.write(change)


def bring_to(store, status: str, lines: dict[str, str] | None = None) -> str:
    """A fresh WO taken to `status` along PATHS, in one transaction."""

    def make(session, actor):
        work_order = workorders.create_work_order(session, actor, "PUMP-07", "Fix pump")
        for part, qty in (lines or {}).items():
            workorders.add_demand_line(session, actor, work_order, part, parse_qty(qty))
        for step in PATHS[status]:
            workorders.change_status(session, actor, work_order, step, reason=f"to {step}")
        if status == "closed":
            reconciliation.close_work_order(session, actor, work_order.number)
        return work_order.number

    return store.write(make)


def status_of(store, number: str) -> str:
    return store.read(catalog.find_work_order, number).status


def history(store, number: str) -> list[tuple[str | None, str, str, str | None]]:
    def read(session):
        work_order = catalog.find_work_order(session, number)
        return [
            (e.from_status, e.to_status, e.who, e.reason)
            for e in workorders.history(session, work_order)
        ]

    return store.read(read)


def reserve(store, number: str) -> list[reservations.LineReservation]:
    def run(session, actor):
        work_order = catalog.find_work_order(session, number)
        return reservations.reserve_work_order(session, actor, work_order)

    return store.write(run)


def wo_reservations(store, number: str) -> list[tuple[str, str | None, int, int, str]]:
    def read(session):
        work_order = catalog.find_work_order(session, number)
        rows = session.execute(
            select(Reservation).where(Reservation.wo_id == work_order.id).order_by(Reservation.id)
        ).scalars()
        return [
            (
                session.get(Location, r.location_id).code,
                session.get(Lot, r.lot_id).lot_no if r.lot_id else None,
                r.qty,
                r.supplied_qty,
                r.status,
            )
            for r in rows
        ]

    return store.read(read)


def lines_of(store, number: str) -> list[wip.LinePosition]:
    def read(session):
        return wip.position(session, catalog.find_work_order(session, number).id).lines

    return store.read(read)


def movement_count(store) -> int:
    return store.read(lambda session: catalog.count_rows(session, Movement))


def refusal(store, service, *args, **kwargs) -> StoreroomError:
    with pytest.raises(StoreroomError) as caught:
        store.write(service, *args, **kwargs)
    return caught.value


@pytest.fixture
def site(store: Storeroom) -> Storeroom:
    """An empty storeroom with one asset, signed in as the admin (who may do everything)."""
    store.write(catalog.add_asset, "PUMP-07", "Cooling pump 7")
    return store


# --- numbering and creation -------------------------------------------------------------------


def test_work_orders_are_numbered_in_sequence(site):
    assert [create(site) for _ in range(3)] == ["WO-000001", "WO-000002", "WO-000003"]


def test_a_terminal_numbers_its_own_work_orders_with_its_code(site, db_path):
    create(site)
    terminal = Storeroom.open(str(db_path), terminal="T2")
    try:
        terminal.sign_in("ADMIN")
        assert create(terminal) == "WO-T2-000001"
        assert create(terminal) == "WO-T2-000002"
    finally:
        terminal.close()
    assert create(site) == "WO-000002"


def test_a_new_work_order_is_requested_with_its_details(plant):
    store = plant.store
    number = create(store, "Replace seal", wo_type="pm", priority=1, due_date=date(2031, 5, 1))
    work_order = store.read(catalog.find_work_order, number)
    assert (work_order.status, work_order.wo_type, work_order.priority, work_order.due_date) == (
        "requested",
        "PM",
        1,
        date(2031, 5, 1),
    )
    assert history(store, number) == [(None, "requested", "Administrator", "created")]


def test_a_work_order_is_found_by_its_bare_number(site):
    create(site)
    assert site.read(catalog.find_work_order, "1").number == "WO-000001"
    assert site.read(catalog.find_work_order, "wo-000001").number == "WO-000001"


@pytest.mark.parametrize(
    ("kwargs", "code", "named"),
    [
        ({"wo_type": "XX"}, "invalid_value", "XX"),
        ({"priority": 5}, "invalid_value", "5"),
        ({"title": "   "}, "invalid_value", "title"),
        ({"assignee": "NOBODY"}, "unknown_user", "NOBODY"),
    ],
)
def test_a_work_order_with_bad_details_is_refused(site, kwargs, code, named):
    error = refusal(
        site,
        lambda s, a: workorders.create_work_order(s, a, "PUMP-07", **{"title": "Fix", **kwargs}),
    )
    assert error.code == code
    assert named in error.message
    with pytest.raises(StoreroomError):
        site.read(catalog.find_work_order, "WO-000001")


def test_a_work_order_on_an_unknown_asset_is_refused(site):
    error = refusal(site, workorders.create_work_order, "PUMP-99", "Fix")
    assert error.code == "unknown_asset"
    assert "PUMP-99" in error.message


def test_a_refused_work_order_does_not_use_up_a_number(site):
    refusal(site, workorders.create_work_order, "PUMP-99", "Fix")
    assert create(site) == "WO-000001"


# --- demand lines -----------------------------------------------------------------------------


def test_demand_lines_are_numbered_with_their_item_quantity_and_substitutes(plant):
    store = plant.store

    def plan(session, actor):
        work_order = workorders.create_work_order(session, actor, "PUMP-07", "Overhaul")
        workorders.add_demand_line(session, actor, work_order, "BRG-6204", parse_qty("2"))
        workorders.add_demand_line(
            session,
            actor,
            work_order,
            "4006381333931",
            parse_qty("0.5"),
            mandatory=False,
            operation="OP20",
        )
        workorders.add_demand_line(
            session, actor, work_order, "SEAL-9", parse_qty("1"), substitutes=["FLT-1"]
        )
        rows = session.execute(
            select(DemandLine.line_no, Item.part_number, DemandLine.planned_qty)
            .join(Item, Item.id == DemandLine.item_id)
            .where(DemandLine.wo_id == work_order.id)
            .order_by(DemandLine.line_no)
        ).all()
        line_two = session.execute(
            select(DemandLine).where(DemandLine.wo_id == work_order.id, DemandLine.line_no == 2)
        ).scalar_one()
        substitutes = session.execute(
            select(Item.part_number)
            .join(DemandSubstitute, DemandSubstitute.item_id == Item.id)
            .join(DemandLine, DemandLine.id == DemandSubstitute.demand_line_id)
            .where(DemandLine.wo_id == work_order.id)
        ).all()
        return (
            [tuple(r) for r in rows],
            (line_two.mandatory, line_two.operation),
            [s for (s,) in substitutes],
        )

    rows, line_two, substitutes = store.write(plan)
    assert rows == [(1, "BRG-6204", 2000), (2, "BRG-6204", 500), (3, "SEAL-9", 1000)]
    assert line_two == (False, "OP20")
    assert substitutes == ["FLT-1"]


def test_a_part_cannot_be_its_own_substitute(plant):
    store = plant.store
    number = create(store)

    def add(session, actor):
        work_order = catalog.find_work_order(session, number)
        workorders.add_demand_line(
            session, actor, work_order, "SEAL-9", 1000, substitutes=["SEAL-9"]
        )

    error = refusal(store, add)
    assert error.code == "invalid_value"
    assert "SEAL-9" in error.message
    assert lines_of(store, number) == []


def test_a_demand_line_on_an_unknown_part_is_refused_and_adds_nothing(plant):
    store = plant.store
    number = create(store, lines={"BRG-6204": "1"})

    def add(session, actor):
        work_order = catalog.find_work_order(session, number)
        workorders.add_demand_line(session, actor, work_order, "NOPE-1", 1000)

    error = refusal(store, add)
    assert (error.code, error.value) == ("unknown_item", "NOPE-1")
    assert "NOPE-1" in error.message
    assert [line.part for line in lines_of(store, number)] == ["BRG-6204"]


def test_a_demand_line_added_while_in_progress_is_logged(plant):
    store = plant.store
    number = plant.wo_in_progress({"BRG-6204": "1"})

    def add(session, actor):
        work_order = catalog.find_work_order(session, number)
        workorders.add_demand_line(session, actor, work_order, "SEAL-9", parse_qty("2"))

    store.write(add)
    assert history(store, number)[-1] == (
        "in_progress",
        "in_progress",
        "Administrator",
        "demand line 2 added: 2 SEAL-9",
    )


def test_demand_can_be_edited_only_where_the_gate_table_says(plant):
    store = plant.store
    editable = {"requested", "approved", "scheduled", "in_progress", "postponed"}
    for status in STATUSES:
        number = bring_to(store, status)

        def add(session, actor, number=number):
            work_order = catalog.find_work_order(session, number)
            return workorders.add_demand_line(session, actor, work_order, "SEAL-9", 1000).line_no

        if status in editable:
            assert store.write(add) == 1, status
            continue
        error = refusal(store, add)
        assert error.code == "gate_closed", status
        assert error.message.startswith(f"{number} is {status}: edit demand is allowed only when")
        assert lines_of(store, number) == [], status


# --- every transition -------------------------------------------------------------------------


@pytest.mark.parametrize("from_status", STATUSES)
def test_every_transition_is_allowed_or_refused_as_designed(site, from_status):
    for to_status in STATUSES:
        if to_status == "closed":
            continue  # closing goes through reconciliation, below
        number = bring_to(site, from_status)
        events = len(history(site, number))
        pair = f"{from_status} -> {to_status}"
        if to_status in ALLOWED[from_status]:
            assert set_status(site, number, to_status, reason="planned change") == to_status, pair
            assert status_of(site, number) == to_status, pair
            assert history(site, number)[-1] == (
                from_status,
                to_status,
                "Administrator",
                "planned change",
            ), pair
            continue
        with pytest.raises(StoreroomError) as caught:
            set_status(site, number, to_status, reason="planned change")
        error = caught.value
        assert error.code == "invalid_transition", pair
        assert error.message.startswith(f"{number} cannot go from {from_status} to {to_status}"), (
            pair
        )
        allowed = ", ".join(sorted(ALLOWED[from_status])) or "none"
        assert error.message.endswith(f"(allowed: {allowed})"), pair
        assert status_of(site, number) == from_status, pair
        assert len(history(site, number)) == events, pair


@pytest.mark.parametrize("from_status", STATUSES)
def test_closing_is_allowed_only_from_completed(site, from_status):
    number = bring_to(site, from_status)
    if from_status == "completed":
        summary = site.write(reconciliation.close_work_order, number)
        assert summary.status == "closed"
        assert status_of(site, number) == "closed"
    else:
        error = refusal(site, reconciliation.close_work_order, number)
        assert error.code == "invalid_transition"
        assert f"cannot go from {from_status} to closed" in error.message
        assert status_of(site, number) == from_status


def test_closing_through_a_status_change_is_refused_pointing_at_reconciliation(site):
    number = bring_to(site, "completed")
    error = refusal(
        site,
        lambda s, a: workorders.change_status(s, a, catalog.find_work_order(s, number), "closed"),
    )
    assert error.code == "invalid_transition"
    assert f"storeroom wo close {number}" in error.message
    assert status_of(site, number) == "completed"


def test_an_unknown_status_is_refused(site):
    number = create(site)
    error = refusal(
        site,
        lambda s, a: workorders.change_status(s, a, catalog.find_work_order(s, number), "paused"),
    )
    assert error.code == "invalid_value"
    assert "'paused'" in error.message


@pytest.mark.parametrize("status", ["on_hold", "postponed", "cancelled"])
def test_hold_postpone_and_cancel_need_a_reason(site, status):
    number = bring_to(site, "approved")
    error = refusal(
        site,
        lambda s, a: workorders.change_status(
            s, a, catalog.find_work_order(s, number), status, " "
        ),
    )
    assert error.code == "invalid_value"
    assert f"putting {number} {status} needs a reason" == error.message
    assert status_of(site, number) == "approved"


def test_starting_and_completing_stamp_the_actual_times(site):
    number = bring_to(site, "approved")
    assert site.read(catalog.find_work_order, number).actual_start is None
    set_status(site, number, "in_progress")
    started = site.read(catalog.find_work_order, number).actual_start
    assert started is not None
    set_status(site, number, "on_hold", "no crane")
    set_status(site, number, "in_progress")
    assert site.read(catalog.find_work_order, number).actual_start == started
    set_status(site, number, "completed")
    assert site.read(catalog.find_work_order, number).actual_end is not None


# --- status history ---------------------------------------------------------------------------


def test_every_status_change_is_logged_with_who_and_why(plant):
    store = plant.store
    plant.as_user("P1")
    number = create(store)
    plant.as_user("S1")
    set_status(store, number, "approved", "budget ok")
    plant.as_user("T1")
    set_status(store, number, "in_progress")
    plant.as_user("P1")
    set_status(store, number, "on_hold", "waiting for the crane")
    plant.as_user("T1")
    set_status(store, number, "in_progress", "crane is here")
    set_status(store, number, "completed")
    plant.as_user("S1")
    store.write(reconciliation.close_work_order, number, "all parts used")
    assert history(store, number) == [
        (None, "requested", "Pete Planner", "created"),
        ("requested", "approved", "Sue Supervisor", "budget ok"),
        ("approved", "in_progress", "Tom Tech", None),
        ("in_progress", "on_hold", "Pete Planner", "waiting for the crane"),
        ("on_hold", "in_progress", "Tom Tech", "crane is here"),
        ("in_progress", "completed", "Tom Tech", None),
        ("completed", "closed", "Sue Supervisor", "all parts used"),
    ]


# --- gates for reserve, issue and return ------------------------------------------------------


def test_reserving_is_allowed_only_where_the_gate_table_says(plant):
    store = plant.store
    for status in STATUSES:
        number = bring_to(store, status, lines={"SEAL-9": "2"})
        if status in {"approved", "scheduled", "in_progress"}:
            assert [r.reserved_now for r in reserve(store, number)] == [2000], status
            continue
        with pytest.raises(StoreroomError) as caught:
            reserve(store, number)
        assert caught.value.code == "gate_closed", status
        assert caught.value.message.startswith(f"{number} is {status}: reserve is allowed only")
        assert wo_reservations(store, number) == [], status


def test_issuing_is_allowed_only_in_progress(plant):
    store = plant.store
    for status in STATUSES:
        number = bring_to(store, status, lines={"SEAL-9": "1"})
        before = movement_count(store)
        if status == "in_progress":
            store.write(counter.issue_to_line, number, "SEAL-9", parse_qty("1"))
            assert movement_count(store) == before + 1
            continue
        error = refusal(store, counter.issue_to_line, number, "SEAL-9", parse_qty("1"))
        assert error.code == "not_in_progress", status
        assert error.message.startswith(f"{number} is {status}: issue is allowed only when")
        assert error.message.endswith("start the work order first")
        assert movement_count(store) == before, status


@pytest.mark.parametrize(
    ("status", "allowed"),
    [("in_progress", True), ("completed", True), ("on_hold", False), ("postponed", False)],
)
def test_returns_and_write_offs_follow_the_gate_table(plant, status, allowed):
    store = plant.store
    number = plant.wo_in_progress({"SEAL-9": "2"})
    store.write(counter.issue_to_line, number, "SEAL-9", parse_qty("2"))
    if status != "in_progress":
        set_status(store, number, status, "gate check")
    before = movement_count(store)
    if allowed:
        store.write(counter.return_with_condition, number, "SEAL-9", parse_qty("1"), "new")
        store.write(counter.write_off, number, "SEAL-9", parse_qty("1"))
        assert movement_count(store) == before + 2
    else:
        for service, args in (
            (counter.return_with_condition, (number, "SEAL-9", 1000, "new")),
            (counter.write_off, (number, "SEAL-9", 1000)),
        ):
            error = refusal(store, service, *args)
            assert error.code == "gate_closed"
            assert error.message.startswith(f"{number} is {status}: return is allowed only when")
        assert movement_count(store) == before


# --- hold, postpone, cancel -------------------------------------------------------------------


def test_on_hold_blocks_issue_and_return_but_keeps_reservations(plant):
    store = plant.store
    number = plant.wo_in_progress({"BRG-6204": "4"})
    reserve(store, number)
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("1"))
    set_status(store, number, "on_hold", "waiting for the vendor")
    before = movement_count(store)

    error = refusal(store, counter.issue_to_line, number, "BRG-6204", parse_qty("1"))
    assert error.code == "not_in_progress"
    assert f"{number} is on_hold" in error.message
    error = refusal(store, counter.return_with_condition, number, "BRG-6204", 1000, "new")
    assert error.code == "gate_closed"
    assert movement_count(store) == before
    assert wo_reservations(store, number) == [
        ("MAIN/A-01-01", None, 4000, 1000, "partially_supplied")
    ]
    assert store.read(stock.stock_position, "BRG-6204").reserved == 3000


def test_postponed_keeps_reservations_unless_told_to_release_them(plant):
    store = plant.store
    keep = bring_to(store, "approved", lines={"BRG-6204": "4"})
    release = bring_to(store, "approved", lines={"SEAL-9": "2"})
    reserve(store, keep)
    reserve(store, release)

    set_status(store, keep, "postponed", "shutdown moved to June")
    set_status(store, release, "postponed", "shutdown moved to June", release=True)

    assert wo_reservations(store, keep) == [("MAIN/A-01-01", None, 4000, 0, "confirmed")]
    assert wo_reservations(store, release) == [("MAIN/A-01-02", None, 2000, 0, "cancelled")]
    assert store.read(stock.stock_position, "BRG-6204").reserved == 4000
    assert store.read(stock.stock_position, "SEAL-9").available == 6000


def test_cancel_is_refused_while_parts_are_in_wip(plant):
    store = plant.store
    number = plant.wo_in_progress({"BRG-6204": "4", "SEAL-9": "1"})
    reserve(store, number)
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("2"))
    before = movement_count(store)

    error = refusal(
        store,
        lambda s, a: workorders.change_status(
            s, a, catalog.find_work_order(s, number), "cancelled", "not needed"
        ),
    )
    assert error.code == "wip_open"
    assert error.message == (
        f"{number} cannot be cancelled: parts are in WIP (line 1 BRG-6204 2); return them first"
    )
    assert status_of(store, number) == "in_progress"
    assert movement_count(store) == before
    assert [r[-1] for r in wo_reservations(store, number)] == ["partially_supplied", "confirmed"]


def test_cancel_releases_reservations_when_nothing_is_in_wip(plant):
    store = plant.store
    number = plant.wo_in_progress({"BRG-6204": "4"})
    reserve(store, number)
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("2"))
    store.write(counter.return_with_condition, number, "BRG-6204", parse_qty("2"), "new")

    set_status(store, number, "cancelled", "asset replaced")

    assert status_of(store, number) == "cancelled"
    assert wo_reservations(store, number) == [("MAIN/A-01-01", None, 4000, 2000, "cancelled")]
    position = store.read(stock.stock_position, "BRG-6204")
    assert (position.reserved, position.available) == (0, 20000)


# --- reservations -----------------------------------------------------------------------------


def test_reservation_takes_the_first_expiring_lot_first(plant):
    store = plant.store
    number = bring_to(store, "approved", lines={"FLT-1": "6"})
    assert [(r.reserved_now, r.shortage) for r in reserve(store, number)] == [(6000, 0)]
    # L1 expires 2030-01-31, before L0 (2031-06-30), though L0 was received first
    assert wo_reservations(store, number) == [
        ("MAIN/A-01-01", "L1", 5000, 0, "confirmed"),
        ("MAIN/A-01-02", "L0", 1000, 0, "confirmed"),
    ]


def test_reservation_prefers_an_earlier_expiry_over_a_fuller_bin(plant):
    store = plant.store
    store.write(ledger.receive, "FLT-1", parse_qty("1"), "A-01-02", "L3", date(2029, 12, 31))
    number = bring_to(store, "approved", lines={"FLT-1": "2"})
    reserve(store, number)
    assert wo_reservations(store, number) == [
        ("MAIN/A-01-02", "L3", 1000, 0, "confirmed"),
        ("MAIN/A-01-01", "L1", 1000, 0, "confirmed"),
    ]


def test_reservation_takes_the_fullest_bin_first_when_nothing_expires(plant):
    store = plant.store
    store.write(ledger.receive, "BRG-6204", parse_qty("3"), "A-01-02")
    number = bring_to(store, "approved", lines={"BRG-6204": "15"})
    reserve(store, number)
    assert wo_reservations(store, number) == [
        ("MAIN/A-01-02", None, 13000, 0, "confirmed"),
        ("MAIN/A-01-01", None, 2000, 0, "confirmed"),
    ]


def test_partial_reservation_leaves_a_shortage_on_the_line(plant):
    store = plant.store
    number = bring_to(store, "approved", lines={"SEAL-9": "8"})
    assert reserve(store, number) == [reservations.LineReservation(1, "SEAL-9", 6000, 2000)]
    (line,) = lines_of(store, number)
    assert (line.planned, line.reserved, line.to_issue, line.shortage) == (8000, 6000, 8000, 2000)


def test_reserving_again_reserves_only_what_is_still_missing(plant):
    store = plant.store
    number = bring_to(store, "approved", lines={"SEAL-9": "8"})
    reserve(store, number)
    assert reserve(store, number) == [reservations.LineReservation(1, "SEAL-9", 0, 2000)]
    store.write(ledger.receive, "SEAL-9", parse_qty("5"), "A-01-01")
    assert reserve(store, number) == [reservations.LineReservation(1, "SEAL-9", 2000, 0)]
    assert sum(r[2] for r in wo_reservations(store, number)) == 8000


def test_availability_leaves_out_what_other_work_orders_reserved(plant):
    store = plant.store
    first = bring_to(store, "in_progress", lines={"SEAL-9": "4"})
    second = bring_to(store, "in_progress", lines={"SEAL-9": "5"})
    reserve(store, first)
    assert reserve(store, second) == [reservations.LineReservation(1, "SEAL-9", 2000, 3000)]
    position = store.read(stock.stock_position, "SEAL-9")
    assert (position.on_hand, position.reserved, position.available) == (6000, 6000, 0)

    error = refusal(store, counter.issue_to_line, second, "SEAL-9", parse_qty("3"))
    assert error.code == "insufficient_stock"
    assert error.message == (
        "only 2 EA of SEAL-9 available (4 reserved for other work orders); 3 asked"
    )
    # the first work order still gets all it reserved
    store.write(counter.issue_to_line, first, "SEAL-9", parse_qty("4"))
    store.write(counter.issue_to_line, second, "SEAL-9", parse_qty("2"))
    assert store.read(stock.stock_position, "SEAL-9").on_hand == 0


def test_serialised_items_are_reserved_like_any_other_stock(plant):
    store = plant.store
    number = bring_to(store, "approved", lines={"UPS-BAT": "2"})
    assert reserve(store, number) == [reservations.LineReservation(1, "UPS-BAT", 2000, 0)]
    assert wo_reservations(store, number) == [("MAIN/A-01-02", None, 2000, 0, "confirmed")]
