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
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlmodel import Session

from data import demo_plant as plant
from models import Asset, LineUsage, TradeRate, WorkOrder, WorkOrderCost
from models._columns import uuid7_maker
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
_EPOCH = datetime(1970, 1, 1)  # of the large plant's stamps, which are naive UTC


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
        session.execute(update(LineUsage).where(LineUsage.wo_id == wo_id).values(closed_on=day))
        session.execute(
            update(WorkOrder)
            .where(WorkOrder.id == wo_id)
            .values(closed_at=at, created_at=at - timedelta(days=spread.randint(1, 9)))
        )
    # the monthly totals closing added, in the months the closings now fall in
    costs.refill_month_totals(session)

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


# --- the large plant, in bulk ------------------------------------------------------------------

CREW = 150  # technicians of the large plant who book labour (badges 7001...)
_FIRST = ("Lena", "Omar", "Piotr", "Grace", "Kenji", "Sofia", "Yusuf", "Marta", "Ravi", "Eva")
_LAST = ("Adler", "Bianchi", "Chen", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes")
OPEN_STATUSES = ("requested", "approved", "scheduled", "in_progress", "on_hold", "postponed")
# what plan_costs is told of each WO worked or waiting, in this order
WAITING_COLUMNS = ("id", "status", "asset_id", "parts_cost", "closed_at", "wo_type")


_NET = "CASE WHEN mv.kind = 'reversal' THEN -1 ELSE 1 END"
_KIND = "coalesce(o.kind, mv.kind)"
_LINE_USAGE = f"""
INSERT INTO line_usage (demand_line_id, wo_id, item_id, tool, planned, issued, returned, used,
                        used_value, closed_on, assignee_id, returns, return_days)
SELECT d.id, d.wo_id, d.item_id, i.kind = 'tool', d.planned_qty, coalesce(m.issued, 0),
       coalesce(m.returned, 0), coalesce(m.used, 0), coalesce(m.used_value, 0), c.closed_on,
       w.assignee_id, coalesce(r.returns, 0), coalesce(r.return_days, 0)
FROM demand_line d
JOIN work_order_cost c ON c.wo_id = d.wo_id AND c.total_cost IS NOT NULL
JOIN work_order w ON w.id = d.wo_id
JOIN item i ON i.id = d.item_id
LEFT JOIN (
    SELECT rt.demand_line_id AS line_id, count(*) AS returns,
           CAST(round(sum(julianday(rt.created_at) - julianday(iss.created_at)) * 1000)
                AS INTEGER) AS return_days
    FROM movement rt JOIN movement iss ON iss.id = rt.related_id
    WHERE rt.kind = 'return' AND rt.demand_line_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM movement u WHERE u.reverses_id = rt.id)
    GROUP BY rt.demand_line_id
) r ON r.line_id = d.id
LEFT JOIN (
    SELECT mv.demand_line_id AS line_id,
           sum(CASE WHEN {_KIND} = 'issue' THEN {_NET} * mv.qty ELSE 0 END) AS issued,
           sum(CASE WHEN {_KIND} = 'return' THEN {_NET} * mv.qty ELSE 0 END) AS returned,
           sum(CASE WHEN {_KIND} = 'writeoff' THEN {_NET} * mv.qty ELSE 0 END) AS used,
           sum(CASE WHEN {_KIND} = 'writeoff'
                    THEN {_NET} * ((mv.qty * mv.unit_cost + 500) / 1000) ELSE 0 END) AS used_value
    FROM movement mv LEFT JOIN movement o ON o.id = mv.reverses_id
    WHERE mv.demand_line_id IS NOT NULL
    GROUP BY mv.demand_line_id
) m ON m.line_id = d.id
"""


def _crew_member(
    booked: dict[tuple[int, str], int], turn: int, day: str, hours: int
) -> tuple[int, str]:
    """The next crew member, from `turn` on, with `hours` free on `day`; on a day when the
    whole crew is booked, the work is done the day after."""
    while True:
        for step in range(CREW):
            who = (turn + step) % CREW
            if booked.get((who, day), 0) + hours <= BUSY_DAY:
                return who, day
        day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()


@dataclass(slots=True)
class CostPlan:
    """The labour, contractors and cost rows of the large plant, drawn before the crew
    exists in the file: labour rows name the crew member by number (0 to CREW - 1), and
    contractor rows leave the booker to be filled in with the admin's id."""

    rng: random.Random  # where the drawing goes on (asset values, budgets)
    labour_rows: list[tuple]
    contractor_rows: list[tuple]
    cost_rows: list[tuple]
    own: dict[int, tuple[int, int]]  # asset -> (cost, closed WOs)


def plan_costs(worked: list[tuple[int, str, str]], wos: list[tuple], seed: int = 7) -> CostPlan:
    """The drawing half of `bulk_costs`, needing no database: `worked` is each started WO's
    (id, wo_type, actual_start) in order of its start (then id), `wos` each WO worked or
    waiting (WAITING_COLUMNS) in order of id. The large build draws it while SQLite builds
    the movement indexes on another thread."""
    rng = random.Random(f"costs:{seed}")
    uuid_at = uuid7_maker(rng.getrandbits)

    def new_uuid(created_at: str) -> str:
        """A version-7 key of the row's own time (the WO's start), as the builder's rows."""
        return uuid_at((datetime.fromisoformat(created_at) - _EPOCH) // timedelta(microseconds=1))

    rates = {trade: (rate, factor) for trade, rate, factor in RATES}
    booked: dict[tuple[int, str], int] = {}
    labour_rows, contractor_rows = [], []
    labour = {}  # wo id -> (hours, cost)
    contractor = {}  # wo id -> cost
    downtime = {}  # wo id -> thousandths of an hour
    turn = 0
    for wo_id, wo_type, started in worked:
        day = started[:10]
        low, high = HOURS.get(wo_type, (4, 16))
        trade = ("mechanical", "mechanical", "electrical", "instrument")[wo_id % 4]
        rate, factor = rates[trade]
        hours_total, cost_total = 0, 0
        for _person in range(1 + (wo_id % 10 < 3)):
            hours = rng.randint(low, high) * 250
            who, day = _crew_member(booked, turn, day, hours)
            turn = who + 1
            booked[(who, day)] = booked.get((who, day), 0) + hours
            overtime = wo_type == "EM" and rng.random() < 0.5
            used = factor if overtime else MILLI
            cost = costs.cost_of(hours, rate, used)
            labour_rows.append(
                (new_uuid(started), "", wo_id, who, trade, day, hours, rate, int(overtime),
                 used, cost, who, started)
            )  # fmt: skip
            hours_total, cost_total = hours_total + hours, cost_total + cost
        labour[wo_id] = (hours_total, cost_total)
        if wo_type in ("CM", "EM"):
            downtime[wo_id] = rng.randint(2, 16 if wo_type == "EM" else 8) * 500
            if rng.random() < 0.15:
                if rng.random() < 0.5:
                    c_hours, c_rate = rng.randint(2, 12) * 500, rng.choice((7_500, 8_900, 11_000))
                    c_cost = costs.cost_of(c_hours, c_rate)
                else:
                    c_hours, c_rate, c_cost = None, None, rng.randint(15, 240) * 1_000
                contractor_rows.append(
                    (new_uuid(started), "", wo_id, rng.choice(CONTRACTORS), day, c_hours, c_rate,
                     c_cost, None, None, None, started)
                )  # fmt: skip
                contractor[wo_id] = contractor.get(wo_id, 0) + c_cost

    # one cost row per WO that was worked or waits: frozen figures for the closed ones
    cost_rows = []
    own: dict[int, tuple[int, int]] = {}
    for wo_id, status, asset_id, parts, closed_at, wo_type in wos:
        hours, spent = labour.get(wo_id, (0, 0))
        estimate = 0
        if status in OPEN_STATUSES:
            low, high = HOURS.get(wo_type, (4, 16))
            estimate = rng.randint(low, high) * 250
        if status == "closed" and closed_at:
            outside = contractor.get(wo_id, 0)
            total = (parts or 0) + spent + outside
            day = closed_at[:10]
            cost_rows.append(
                (wo_id, asset_id, wo_type, downtime.get(wo_id, 0), estimate, parts or 0, spent,
                 hours, outside, total, 0, 0, day, day[:7])
            )  # fmt: skip
            mine = own.get(asset_id, (0, 0))
            own[asset_id] = (mine[0] + total, mine[1] + 1)
        else:
            cost_rows.append(
                (wo_id, asset_id, wo_type, downtime.get(wo_id, 0), estimate, None, None, None,
                 None, None, None, None, None, None)
            )  # fmt: skip
    return CostPlan(rng, labour_rows, contractor_rows, cost_rows, own)


def bulk_costs(db: sqlite3.Connection, today: date, plan: CostPlan) -> None:
    """Costs of the large plant written straight into its file, as the services would have:
    a crew that books the labour of every WO that was started (never over 10 h a day a
    person), contractors on some breakdowns, downtime, estimates of the open work, each
    closed WO's frozen cost and the roll-up to its asset and every ancestor, asset values
    and three months of budgets. About 200,000 labour rows; a few seconds. `plan` is
    `plan_costs` of the work orders the builder wrote."""
    now = datetime.combine(today, time(6), UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    rng, own = plan.rng, plan.own

    db.executemany(
        "INSERT INTO trade_rate (trade, rate, overtime_factor, updated_at) VALUES (?, ?, ?, ?)",
        [(trade, rate, factor, now) for trade, rate, factor in RATES],
    )
    db.executemany(
        "INSERT INTO user_account (badge, name, role, active, created_at) VALUES (?, ?, ?, 1, ?)",
        [
            (str(7001 + n), f"{_FIRST[n % 10]} {_LAST[n // 10 % 8]}", "technician", now)
            for n in range(CREW)
        ],
    )
    crew = [
        row[0]
        for row in db.execute(
            "SELECT id FROM user_account WHERE badge >= '7001' AND badge <= ? ORDER BY badge",
            (str(7000 + CREW),),
        )
    ]
    admin = db.execute("SELECT id FROM user_account WHERE badge = ?", (ADMIN_BADGE,)).fetchone()[0]
    labour_rows = [
        (*row[:3], crew[row[3]], *row[4:11], crew[row[11]], row[12]) for row in plan.labour_rows
    ]
    contractor_rows = [(*row[:10], admin, row[11]) for row in plan.contractor_rows]
    db.executemany(
        "INSERT INTO labour_entry (uuid, terminal, wo_id, user_id, trade, work_date, hours, "
        "rate, overtime, factor, cost, booked_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        labour_rows,
    )
    db.executemany(
        "INSERT INTO contractor_entry (uuid, terminal, wo_id, vendor, work_date, hours, rate, "
        "cost, po_number, description, booked_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        contractor_rows,
    )
    db.executemany(
        "INSERT INTO work_order_cost (wo_id, asset_id, wo_type, downtime_hours, "
        "estimated_hours, parts_cost, labour_cost, labour_hours, contractor_cost, total_cost, "
        "lines, lines_off_plan, closed_on, period) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        plan.cost_rows,
    )
    # each closed WO's lines, used against planned, as closing keeps them (from the ledger:
    # a reversal counts as its original's kind with the opposite sign)
    db.execute(_LINE_USAGE)
    db.execute(
        "UPDATE work_order_cost SET lines = agg.n, lines_off_plan = agg.off FROM ("
        "SELECT wo_id, count(*) AS n, sum(CASE WHEN NOT tool AND used != planned THEN 1 "
        "ELSE 0 END) AS off FROM line_usage GROUP BY wo_id) AS agg "
        "WHERE agg.wo_id = work_order_cost.wo_id"
    )
    # and the monthly totals closing adds them to (items, assignees, technicians' labour)
    for statement in costs.month_totals_sql("sqlite"):
        db.execute(statement)

    # the roll-up, and what each asset is worth and costs standing still
    assets = db.execute("SELECT id, parent_id, criticality FROM asset").fetchall()
    parent = {asset_id: parent_id for asset_id, parent_id, _ in assets}
    has_children = {parent_id for _, parent_id, _ in assets if parent_id is not None}
    lifetime: dict[int, list[int]] = {}
    for asset_id, (spent, count) in own.items():
        seen: set[int] = set()
        current: int | None = asset_id
        while current is not None and current not in seen:
            seen.add(current)
            entry = lifetime.setdefault(current, [0, 0])
            entry[0] += spent
            entry[1] += count
            current = parent.get(current)
    rows = []
    for asset_id, _parent, criticality in assets:
        life, count = lifetime.get(asset_id, [0, 0])
        machine = asset_id not in has_children
        value = rng.randint(8, 120) * 100_000 * (2 if criticality == 1 else 1) if machine else None
        per_hour = {1: 150_000, 2: 60_000, 3: 20_000}.get(criticality, 10_000) if machine else 0
        rows.append((asset_id, value, per_hour, life, own.get(asset_id, (0, 0))[0], count))
    db.executemany(
        "INSERT INTO asset_cost (asset_id, replacement_value, downtime_cost_per_hour, "
        "lifetime_cost, own_cost, work_orders) VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )

    # budgets: the last three months, per site and cost centre, near what was spent
    first = today.replace(day=1)
    periods = [first.strftime("%Y-%m")]
    for _ in range(2):
        first = (first - timedelta(days=1)).replace(day=1)
        periods.append(first.strftime("%Y-%m"))
    marks = ", ".join("?" * len(periods))
    budgets = []
    for period, centre, spent in db.execute(
        "SELECT c.period, a.cost_centre, sum(c.total_cost) FROM work_order_cost c "
        "JOIN work_order w ON w.id = c.wo_id JOIN asset a ON a.id = w.asset_id "
        f"WHERE c.period IN ({marks}) GROUP BY c.period, a.cost_centre",
        periods,
    ).fetchall():
        if centre:
            amount = int(spent or 0) * rng.randint(80, 125) // 100
            budgets.append(("cost_centre", centre, period, max(amount, 50_000), now))
    site = db.execute("SELECT tag FROM asset WHERE parent_id IS NULL ORDER BY id").fetchone()[0]
    for period, spent in db.execute(
        f"SELECT period, sum(total_cost) FROM work_order_cost WHERE period IN ({marks}) "
        "GROUP BY period",
        periods,
    ).fetchall():
        budgets.append(("site", site, period, int(spent or 0) * 105 // 100, now))
    db.executemany(
        "INSERT INTO budget (scope, key, period, amount, updated_at) VALUES (?, ?, ?, ?, ?)",
        budgets,
    )
