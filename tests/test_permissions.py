"""Who may do what: the role table, asked through the services by each user of the plant.

A refusal is `PermissionDenied`, names the badge, and changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from models import Balance, Item, Location, Movement, Reservation, User, WorkOrder, WorkOrderEvent
from storeroom_tui import catalog, counter, ledger, reconciliation, reservations, workorders
from storeroom_tui.errors import StoreroomError
from storeroom_tui.permissions import PERMISSIONS, Action, Actor, Role
from storeroom_tui.quantities import parse_qty
from storeroom_tui.service import Storeroom

pytestmark = pytest.mark.both_backends

BADGES = {
    "ADMIN": "admin",
    "C1": "clerk",
    "T1": "technician",
    "S1": "supervisor",
    "P1": "planner",
    "K1": "controller",
}

# the role table, written out by hand: who may do each thing at the storeroom
MAY = {
    Action.VIEW: {"clerk", "technician", "supervisor", "planner", "controller", "admin"},
    Action.RECEIVE: {"clerk", "supervisor", "admin"},
    Action.ISSUE: {"clerk", "supervisor", "admin"},
    Action.RETURN: {"clerk", "technician", "supervisor", "admin"},
    Action.WRITE_OFF: {"supervisor", "controller", "admin"},
    Action.RESERVE: {"clerk", "planner", "supervisor", "admin"},
    Action.CREATE_WO: {"planner", "supervisor", "admin"},
    Action.PLAN: {"planner", "supervisor", "admin"},
    Action.APPROVE: {"supervisor", "admin"},
    Action.WORK: {"technician", "supervisor", "admin"},
    Action.CLOSE: {"supervisor", "admin"},
    Action.ADJUST: {"controller", "admin"},
    Action.MASTER_DATA: {"planner", "supervisor", "admin"},
    Action.MANAGE_USERS: {"admin"},
    # cost (issue 7)
    Action.BOOK_COST: {"technician", "supervisor", "admin"},
    Action.COST_SETTINGS: {"controller", "admin"},
    # purchasing (issue 6); how much a role may approve is the approval tiers' business
    Action.REQUISITION: {"clerk", "planner", "supervisor", "admin"},
    Action.PURCHASE: {"planner", "supervisor", "admin"},
    Action.APPROVE_PO: {"planner", "supervisor", "controller", "admin"},
    Action.INVOICE: {"controller", "admin"},
    Action.PURCHASING_SETTINGS: {"controller", "admin"},
}


# --- helpers ----------------------------------------------------------------------------------


def state(store: Storeroom) -> tuple[Any, ...]:
    """Everything a refused action must leave as it was."""

    def read(session):
        return (
            catalog.count_rows(session, Movement),
            sorted(
                (b.item_id, b.location_id, b.lot_id, b.serial_id, b.qty)
                for b in session.execute(select(Balance)).scalars()
            ),
            sorted(session.execute(select(WorkOrder.number, WorkOrder.status)).all()),
            catalog.count_rows(session, WorkOrderEvent),
            sorted(
                session.execute(
                    select(Reservation.id, Reservation.status, Reservation.supplied_qty)
                ).all()
            ),
            catalog.count_rows(session, Item),
            catalog.count_rows(session, Location),
            catalog.count_rows(session, User),
        )

    return store.read(read)


def make_wo(store: Storeroom, lines: dict[str, str], steps: tuple[str, ...]) -> str:
    def make(session, actor):
        work_order = workorders.create_work_order(session, actor, "PUMP-07", "Fix pump")
        for part, qty in lines.items():
            workorders.add_demand_line(session, actor, work_order, part, parse_qty(qty))
        for step in steps:
            workorders.change_status(session, actor, work_order, step, reason="planned")
        return work_order.number

    return store.write(make)


def to_status(number: str, status: str) -> Callable[[Any, Actor], Any]:
    def change(session, actor):
        work_order = catalog.find_work_order(session, number)
        return workorders.change_status(session, actor, work_order, status, reason="asked")

    return change


@dataclass(frozen=True)
class Case:
    """Something a user tries: what is set up first (as the admin) and what they then do."""

    action: Action
    prepare: Callable[[Storeroom], Any]
    act: Callable[[Storeroom, Any], Any]


def _issued(store: Storeroom) -> str:
    number = make_wo(store, {"BRG-6204": "10"}, ("approved", "in_progress"))
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("2"))
    return number


def _received(store: Storeroom) -> str:
    key = str(uuid.uuid4())
    store.write(ledger.receive, "SEAL-9", parse_qty("1"), "A-01-01", key=key)
    return key


def _issue_key(store: Storeroom) -> str:
    number = make_wo(store, {"BRG-6204": "10"}, ("approved", "in_progress"))
    key = str(uuid.uuid4())
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("1"), key=key)
    return key


def _reserve(store: Storeroom, number: str) -> Any:
    def run(session, actor):
        work_order = catalog.find_work_order(session, number)
        return reservations.reserve_work_order(session, actor, work_order)

    return store.write(run)


def _add_line(store: Storeroom, number: str) -> Any:
    def add(session, actor):
        work_order = catalog.find_work_order(session, number)
        return workorders.add_demand_line(session, actor, work_order, "SEAL-9", 1000)

    return store.write(add)


def _nothing(store: Storeroom) -> None:
    return None


def _requested(store: Storeroom) -> str:
    return make_wo(store, {"SEAL-9": "1"}, ())


def _approved(store: Storeroom) -> str:
    return make_wo(store, {"SEAL-9": "1"}, ("approved",))


def _in_progress(store: Storeroom) -> str:
    return make_wo(store, {"SEAL-9": "1"}, ("approved", "in_progress"))


def _completed(store: Storeroom) -> str:
    return make_wo(store, {"SEAL-9": "1"}, ("approved", "in_progress", "completed"))


CASES = {
    "receive": Case(
        Action.RECEIVE,
        _nothing,
        lambda s, _: s.write(ledger.receive, "SEAL-9", parse_qty("1"), "A-01-01"),
    ),
    "issue": Case(
        Action.ISSUE,
        _in_progress,
        lambda s, n: s.write(counter.issue_to_line, n, "SEAL-9", parse_qty("1")),
    ),
    "return": Case(
        Action.RETURN,
        _issued,
        lambda s, n: s.write(counter.return_with_condition, n, "BRG-6204", 1000, "new"),
    ),
    "preview a return": Case(
        Action.RETURN,
        _issued,
        lambda s, n: s.write(counter.preview_return, n, "BRG-6204", 1000, "new"),
    ),
    "write off": Case(
        Action.WRITE_OFF, _issued, lambda s, n: s.write(counter.write_off, n, "BRG-6204", 1000)
    ),
    "reserve": Case(Action.RESERVE, _approved, _reserve),
    "create a work order": Case(
        Action.CREATE_WO,
        _nothing,
        lambda s, _: s.write(workorders.create_work_order, "PUMP-07", "Noise"),
    ),
    "add a demand line": Case(Action.PLAN, _requested, _add_line),
    "schedule": Case(Action.PLAN, _approved, lambda s, n: s.write(to_status(n, "scheduled"))),
    "hold": Case(Action.PLAN, _in_progress, lambda s, n: s.write(to_status(n, "on_hold"))),
    "postpone": Case(Action.PLAN, _approved, lambda s, n: s.write(to_status(n, "postponed"))),
    "cancel": Case(Action.PLAN, _requested, lambda s, n: s.write(to_status(n, "cancelled"))),
    "approve": Case(Action.APPROVE, _requested, lambda s, n: s.write(to_status(n, "approved"))),
    "start": Case(Action.WORK, _approved, lambda s, n: s.write(to_status(n, "in_progress"))),
    "complete": Case(Action.WORK, _in_progress, lambda s, n: s.write(to_status(n, "completed"))),
    "close": Case(
        Action.CLOSE, _completed, lambda s, n: s.write(reconciliation.close_work_order, n)
    ),
    "reverse a receipt": Case(
        Action.RECEIVE, _received, lambda s, k: s.write(ledger.reverse, k, "typo")
    ),
    "reverse an issue": Case(
        Action.ISSUE, _issue_key, lambda s, k: s.write(ledger.reverse, k, "wrong WO")
    ),
    "add an item": Case(
        Action.MASTER_DATA,
        _nothing,
        lambda s, _: s.write(catalog.add_item, f"P-{uuid.uuid4().hex[:8]}", "Gasket"),
    ),
    "add a bin": Case(
        Action.MASTER_DATA,
        _nothing,
        lambda s, _: s.write(catalog.add_bin, f"B-{uuid.uuid4().hex[:6]}", "MAIN"),
    ),
    "add an asset": Case(
        Action.MASTER_DATA,
        _nothing,
        lambda s, _: s.write(catalog.add_asset, f"AS-{uuid.uuid4().hex[:6]}", "Fan"),
    ),
    "add a user": Case(
        Action.MANAGE_USERS,
        _nothing,
        lambda s, _: s.write(catalog.add_user, f"U{uuid.uuid4().hex[:6]}", "New Hire", "clerk"),
    ),
}


# --- the table --------------------------------------------------------------------------------


def test_the_role_table_is_the_one_the_storeroom_agreed():
    for role in Role:
        expected = {action for action, roles in MAY.items() if role.value in roles}
        assert set(PERMISSIONS[role]) == expected, role


@pytest.mark.parametrize("badge", list(BADGES))
def test_each_user_of_the_plant_signs_in_with_their_role(plant, badge):
    actor = plant.as_user(badge)
    assert (actor.badge, actor.role.value) == (badge, BADGES[badge])
    assert plant.as_user(f"usr-{badge.lower()}").badge == badge


@pytest.mark.parametrize("name", list(CASES))
def test_each_role_may_do_only_what_the_table_says(plant, name):
    store = plant.store
    case = CASES[name]
    for badge, role in BADGES.items():
        plant.as_user("ADMIN")
        prepared = case.prepare(store)
        actor = plant.as_user(badge)
        before = state(store)
        if role in MAY[case.action]:
            case.act(store, prepared)
            continue
        with pytest.raises(StoreroomError) as caught:
            case.act(store, prepared)
        error = caught.value
        assert error.code == "permission_denied", (badge, error.message)
        assert error.message == (
            f"{actor.name} ({badge}) is a {role} and may not {case.action.value}"
        )
        assert error.value == badge
        assert state(store) == before, badge


# --- the storeroom's own words ----------------------------------------------------------------


def test_a_clerk_issues_and_takes_returns(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "2"}, ("approved", "in_progress"))
    plant.as_user("C1")
    issued = store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("2"))
    returned = store.write(counter.return_with_condition, number, "BRG-6204", 1000, "opened")

    def who(session):
        return {
            session.get(User, session.get(Movement, m.id).user_id).badge
            for m in issued.movements + returned.movements
        }

    assert store.read(who) == {"C1"}


def test_a_clerk_cannot_approve_or_close(plant):
    store = plant.store
    requested = make_wo(store, {"SEAL-9": "1"}, ())
    completed = make_wo(store, {"SEAL-9": "1"}, ("approved", "in_progress", "completed"))
    plant.as_user("C1")
    before = state(store)
    with pytest.raises(StoreroomError) as caught:
        store.write(to_status(requested, "approved"))
    assert caught.value.message == "Carla Clerk (C1) is a clerk and may not approve work orders"
    with pytest.raises(StoreroomError) as caught:
        store.write(reconciliation.close_work_order, completed)
    assert caught.value.message == "Carla Clerk (C1) is a clerk and may not close work orders"
    assert state(store) == before


def test_a_technician_cannot_issue_but_returns_what_was_not_used(plant):
    store = plant.store
    number = make_wo(store, {"BRG-6204": "2"}, ("approved", "in_progress"))
    store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("1"))
    plant.as_user("T1")
    before = state(store)
    with pytest.raises(StoreroomError) as caught:
        store.write(counter.issue_to_line, number, "BRG-6204", parse_qty("1"))
    assert caught.value.code == "permission_denied"
    assert caught.value.message == "Tom Tech (T1) is a technician and may not issue"
    assert state(store) == before
    store.write(counter.return_with_condition, number, "BRG-6204", 1000, "new")


def test_a_planner_creates_and_plans_but_does_not_approve_or_issue(plant):
    store = plant.store
    plant.as_user("P1")
    number = make_wo(store, {"SEAL-9": "2"}, ())
    with pytest.raises(StoreroomError) as caught:
        store.write(to_status(number, "approved"))
    assert caught.value.code == "permission_denied"
    assert "(P1)" in caught.value.message
    plant.as_user("S1")
    store.write(to_status(number, "approved"))
    plant.as_user("P1")
    store.write(to_status(number, "scheduled"))
    assert [r.reserved_now for r in _reserve(store, number)] == [2000]
    plant.as_user("T1")
    store.write(to_status(number, "in_progress"))
    plant.as_user("P1")
    with pytest.raises(StoreroomError) as caught:
        store.write(counter.issue_to_line, number, "SEAL-9", parse_qty("1"))
    assert caught.value.message == "Pete Planner (P1) is a planner and may not issue"


def test_a_supervisor_approves_and_closes(plant):
    store = plant.store
    plant.as_user("S1")
    number = make_wo(store, {"SEAL-9": "1"}, ("approved", "in_progress"))
    store.write(counter.issue_to_line, number, "SEAL-9", parse_qty("1"))
    store.write(counter.write_off, number, "SEAL-9", parse_qty("1"))
    store.write(to_status(number, "completed"))
    assert store.write(reconciliation.close_work_order, number).status == "closed"


def test_a_controller_adjusts_and_writes_off_but_does_not_issue(plant):
    store = plant.store
    number = make_wo(store, {"SEAL-9": "2"}, ("approved", "in_progress"))
    store.write(counter.issue_to_line, number, "SEAL-9", parse_qty("2"))
    controller = plant.as_user("K1")
    assert controller.can(Action.ADJUST)
    assert not plant.as_user("C1").can(Action.ADJUST)
    plant.as_user("K1")
    store.write(counter.write_off, number, "SEAL-9", parse_qty("1"))
    with pytest.raises(StoreroomError) as caught:
        store.write(counter.issue_to_line, number, "SEAL-9", parse_qty("1"), reason="x")
    assert caught.value.message == "Kim Controller (K1) is a controller and may not issue"


def test_nobody_signed_in_may_do_nothing(db_path):
    store = Storeroom.open(str(db_path), terminal="")
    try:
        store.init()
        with pytest.raises(StoreroomError) as caught:
            store.write(catalog.add_bin, "A-09-09", "MAIN")
        assert caught.value.code == "not_signed_in"
        assert store.read(catalog.list_bins) == []
    finally:
        store.close()
