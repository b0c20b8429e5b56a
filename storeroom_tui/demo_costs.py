"""The demo plant's cost of work: trade rates, labour and contractors booked on the WOs as
they are worked, downtime on breakdowns, estimates, replacement values, downtime costs and
monthly budgets, so every report and chart has believable figures.

Two calls from `demo.py`: `book_work` while a WO is in progress (before it is completed
and closed, so closure freezes a real cost through the services), and `add_costs` after
the plant is built. Randomness is seeded from the WO's number, so the demo's own random
sequence (and so the rest of the plant) is unchanged.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlmodel import Session

from data import demo_plant as plant
from models import Asset, TradeRate, WorkOrder, WorkOrderCost
from storeroom_tui import catalog, costs, ledger
from storeroom_tui.gates import Status
from storeroom_tui.permissions import Actor
from storeroom_tui.quantities import MILLI
from storeroom_tui.service import ADMIN_BADGE, Storeroom

RATES = (  # trade, cents per hour, overtime factor in thousandths
    ("mechanical", 4_800, 1_500),
    ("electrical", 5_600, 1_500),
    ("instrument", 6_200, 1_750),
)
CONTRACTORS = (
    "Rhein Pumpen Service GmbH",
    "Delta Electrical Contractors",
    "Northside Rewinds Ltd",
    "Kältetechnik Brandt",
)
# labour hours by WO type: (fewest, most) in quarter hours
HOURS = {"PM": (4, 16), "INSP": (2, 8), "CM": (6, 24), "EM": (8, 40)}
BUSY_DAY = 10 * MILLI  # a technician's bookings stop at 10 h a day in the demo


def _rng(work_order: WorkOrder) -> random.Random:
    return random.Random(f"costs:{work_order.number}")


def _ensure_rates(session: Session) -> None:
    if session.execute(select(func.count()).select_from(TradeRate)).scalar_one():
        return
    admin = catalog.actor_for(session, ADMIN_BADGE)
    for trade, rate, factor in RATES:
        costs.set_trade_rate(session, admin, trade, rate, factor)


def _free_day(session: Session, user_id: int, start: date, hours: int) -> date:
    """The latest day on or before `start` on which the person still has `hours` to give."""
    day = start
    for _ in range(60):
        if costs.hours_on_day(session, user_id, day) + hours <= BUSY_DAY:
            return day
        day -= timedelta(days=1)
    return day


def book_work(
    session: Session, work_order: WorkOrder, technicians: list[Actor], today: date
) -> None:
    """Labour (one or two technicians), sometimes a contractor, and the downtime of a
    breakdown, booked through the services on a WO in progress."""
    _ensure_rates(session)
    rng = _rng(work_order)
    low, high = HOURS.get(work_order.wo_type, (4, 16))
    start = min(work_order.due_date or today, today)
    people = [t for t in technicians if t.user_id == work_order.assignee_id] or technicians[:1]
    if rng.random() < 0.3:
        people.append(rng.choice([t for t in technicians if t not in people] or technicians))
    trade = rng.choice(("mechanical", "mechanical", "electrical", "instrument"))
    for person in people:
        hours = rng.randint(low, high) * 250
        day = _free_day(session, person.user_id, start - timedelta(days=rng.randint(0, 2)), hours)
        overtime = work_order.wo_type == "EM" and rng.random() < 0.6
        costs.book_labour(
            session, person, work_order.number, person.badge, hours, trade, day, overtime
        )
    if work_order.wo_type in ("CM", "EM") and rng.random() < 0.35:
        booker = people[0]
        if rng.random() < 0.5:
            costs.book_contractor(
                session,
                booker,
                work_order.number,
                rng.choice(CONTRACTORS),
                hours=rng.randint(2, 12) * 500,
                rate=rng.choice((7_500, 8_900, 11_000)),
                work_date=start,
            )
        else:
            costs.book_contractor(
                session,
                booker,
                work_order.number,
                rng.choice(CONTRACTORS),
                amount=rng.randint(15, 240) * 1_000,
                work_date=start,
                description="fixed-price repair",
            )
    if work_order.wo_type in ("CM", "EM"):
        downtime = rng.randint(2, 16 if work_order.wo_type == "EM" else 8) * 500
        costs.set_downtime(session, people[0], work_order.number, downtime)


def add_costs(store: Storeroom) -> None:
    """After the build: asset values, estimates of the open WOs, closures spread over the
    past weeks (as they happened), and a budget per site, line and cost centre per month."""
    store.db.run(_add_costs)


def _add_costs(session: Session) -> None:
    _ensure_rates(session)
    controller = catalog.actor_for(session, ADMIN_BADGE)
    today = ledger.today()
    rng = random.Random("costs:assets")
    for tag, _name, _line, _kind, criticality in plant.MACHINES:
        value = rng.randint(8, 120) * 100_000 * (2 if criticality == 1 else 1)
        per_hour = {1: 150_000, 2: 60_000, 3: 20_000}.get(criticality, 10_000)
        costs.set_asset_values(session, controller, tag, value, per_hour)
    for tag, *_ in plant.LINES:
        costs.set_asset_values(session, controller, tag, rng.randint(20, 60) * 10_000_000, None)

    # planners estimate the open work (the backlog's hours)
    planner = controller
    open_wos = session.execute(
        select(WorkOrder.number, WorkOrder.wo_type).where(
            WorkOrder.status.in_(  # type: ignore[attr-defined]
                (Status.REQUESTED, Status.APPROVED, Status.SCHEDULED, Status.IN_PROGRESS,
                 Status.ON_HOLD, Status.POSTPONED)
            )
        )
    ).all()  # fmt: skip
    for number, wo_type in open_wos:
        low, high = HOURS.get(wo_type, (4, 16))
        hours = random.Random(f"estimate:{number}").randint(low, high) * 250
        costs.set_estimate(session, planner, number, hours)

    # a demo WO is closed the day it is built; it was really closed around its due date
    closed = session.execute(
        select(WorkOrder.id, WorkOrder.due_date).where(WorkOrder.status == Status.CLOSED)
    ).all()
    for wo_id, due in closed:
        spread = random.Random(wo_id)
        day = min(today, (due or today) + timedelta(days=spread.randint(0, 4)))
        at = datetime.combine(day, time(15, spread.randint(0, 59)), UTC)
        session.execute(
            update(WorkOrderCost)
            .where(WorkOrderCost.wo_id == wo_id)
            .values(closed_on=day, period=day.strftime("%Y-%m"))
        )
        session.execute(
            update(WorkOrder)
            .where(WorkOrder.id == wo_id)
            .values(closed_at=at, created_at=at - timedelta(days=spread.randint(1, 9)))
        )

    # budgets: this month and the two before, per site, line and cost centre, near the spend
    spend = dict(
        session.execute(
            select(Asset.cost_centre, func.sum(WorkOrderCost.total_cost))
            .join(WorkOrder, WorkOrder.asset_id == Asset.id)
            .join(WorkOrderCost, WorkOrderCost.wo_id == WorkOrder.id)
            .group_by(Asset.cost_centre)
        ).all()
    )
    first = today.replace(day=1)
    periods = [first.strftime("%Y-%m")]
    for _ in range(2):
        first = (first - timedelta(days=1)).replace(day=1)
        periods.append(first.strftime("%Y-%m"))
    site_tag = plant.SITE[0]
    total = sum(int(v or 0) for v in spend.values())
    for period in periods:
        costs.set_budget(session, controller, "site", site_tag, period, max(total // 2, 100_000))
        for centre, spent in spend.items():
            if centre:
                share = int(spent or 0) * rng.randint(30, 70) // 100
                costs.set_budget(
                    session, controller, "cost_centre", centre, period, max(share, 50_000)
                )
        for tag, *_ in plant.LINES[:3]:
            costs.set_budget(session, controller, "asset", tag, period, rng.randint(5, 40) * 10_000)
