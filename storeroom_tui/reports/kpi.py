"""Report 8: the maintenance KPIs: MTTR and MTBF per asset, the backlog by age (count and
estimated hours), first-time-fix rate, completion time and labour cost per WO per
technician.

Definitions (for the window, over WOs closed in it unless said otherwise):

- a failure is a reactive WO (CM, EM);
- MTTR = downtime hours of the failures / failures;
- MTBF = (hours in the window - those downtime hours) / failures;
- first-time fix = share of failures whose asset's next failure (the next reactive WO
  raised on it) came more than 30 days after their closing, or not at all;
- completion time = average days from a WO's creation to its closing;
- backlog = WOs not yet completed (requested ... in progress, on hold, postponed) today,
  by age since creation, with their estimated hours.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models import Asset, AssetCost, LabourEntry, LabourMonth, User, WorkOrder, WorkOrderCost
from models._columns import utcnow
from storeroom_tui.costs import REACTIVE_TYPES, cost_of
from storeroom_tui.gates import Status
from storeroom_tui.quantities import MILLI
from storeroom_tui.reports.common import (
    AGE_BUCKETS,
    Chart,
    Figure,
    Kind,
    MonthCut,
    Report,
    Table,
    columns,
    days_between,
    divide,
    every_asset,
    i,
    month_cut,
    ratio,
    subtree,
    window,
)

REFAILURE_DAYS = 30
BACKLOG_STATUSES = (
    Status.REQUESTED,
    Status.APPROVED,
    Status.SCHEDULED,
    Status.IN_PROGRESS,
    Status.ON_HOLD,
    Status.POSTPONED,
)


def kpi(
    session: Session,
    start: date | None = None,
    end: date | None = None,
    asset: str | None = None,
    now: datetime | None = None,
) -> Report:
    start, end = window(start, end)
    now = now or utcnow()
    cost = WorkOrderCost
    tree = subtree(session, asset) if asset else None
    if tree is not None and every_asset(session, tree):
        tree = None  # the whole plant's site: read as for the plant (labour from its totals)
    closed_in = [cost.closed_on >= start, cost.closed_on <= end]  # type: ignore[operator]
    if tree is not None:
        closed_in.append(cost.asset_id.in_(select(tree.c.id)))  # type: ignore[attr-defined]
    reactive = cost.wo_type.in_(REACTIVE_TYPES)  # type: ignore[attr-defined]
    window_hours = ((end - start).days + 1) * 24 * MILLI

    # --- MTTR / MTBF per asset ------------------------------------------------------------------
    # (grouped by asset from the index on closed_on first, then each asset named once)
    by_asset = (
        select(
            cost.asset_id.label("asset_id"),
            func.count().label("failures"),
            func.sum(cost.downtime_hours).label("downtime"),
        )
        .where(*closed_in, reactive)
        .group_by(cost.asset_id)
        .subquery()
    )
    per_asset = session.execute(
        select(
            Asset.tag,
            Asset.name,
            by_asset.c.failures,
            by_asset.c.downtime,
            func.coalesce(AssetCost.downtime_cost_per_hour, 0),
        )
        .select_from(by_asset)
        .join(Asset, Asset.id == by_asset.c.asset_id)
        .outerjoin(AssetCost, AssetCost.asset_id == Asset.id)
        .order_by(by_asset.c.failures.desc(), Asset.tag)
    ).all()
    asset_rows = []
    for tag, name, failures, down, rate in per_asset:
        down = i(down)
        asset_rows.append(
            (
                tag,
                name,
                i(failures),
                down,
                divide(down, failures),
                divide(window_hours - down, failures),
                cost_of(down, i(rate)),
            )
        )
    failures = sum(r[2] for r in asset_rows)
    downtime = sum(r[3] for r in asset_rows)

    # --- completion time, count of everything closed, first-time fix ---------------------------
    # one pass over the WOs closed in the window; for each failure, whether the asset's next
    # failure (the next reactive WO raised on it: one seek of ix_wo_asset_created) came
    # within 30 days of its closing
    later = aliased(WorkOrder, name="later")
    next_failure = (
        select(later.created_at)
        .where(
            later.asset_id == WorkOrder.asset_id,
            later.created_at > WorkOrder.created_at,
            later.wo_type.in_(REACTIVE_TYPES),  # type: ignore[attr-defined]
        )
        .order_by(later.created_at)
        .limit(1)
        .correlate(WorkOrder)
        .scalar_subquery()
    )
    gap = days_between(session, WorkOrder.closed_at, next_failure)
    refailed = case((reactive, case((gap <= REFAILURE_DAYS, 1), else_=0)), else_=0)
    closed_count, completion, attempts, again = session.execute(
        select(
            func.count(),
            func.avg(days_between(session, WorkOrder.created_at, WorkOrder.closed_at)),
            func.sum(case((reactive, 1), else_=0)),
            func.sum(refailed),
        )
        .select_from(cost)
        .join(WorkOrder, WorkOrder.id == cost.wo_id)
        .where(*closed_in)
    ).one()
    fixed = i(attempts) - i(again)
    completion_days = int(round(float(completion) * MILLI)) if completion is not None else None

    # --- backlog by age, today -------------------------------------------------------------------
    edges = [now - timedelta(days=d) for d in (7, 30, 90)]
    bucket = case(
        (WorkOrder.created_at >= edges[0], AGE_BUCKETS[0]),
        (WorkOrder.created_at >= edges[1], AGE_BUCKETS[1]),
        (WorkOrder.created_at >= edges[2], AGE_BUCKETS[2]),
        else_=AGE_BUCKETS[3],
    )
    backlog_query = (
        select(bucket, func.count(), func.sum(func.coalesce(cost.estimated_hours, 0)))
        .select_from(WorkOrder)
        .outerjoin(cost, cost.wo_id == WorkOrder.id)
        .where(WorkOrder.status.in_(BACKLOG_STATUSES))  # type: ignore[attr-defined]
        .group_by(bucket)
    )
    if tree is not None:
        backlog_query = backlog_query.where(WorkOrder.asset_id.in_(select(tree.c.id)))  # type: ignore[attr-defined]
    found = {age: (i(n), i(h)) for age, n, h in session.execute(backlog_query)}
    backlog_rows = [(age, *found.get(age, (0, 0))) for age in AGE_BUCKETS]

    # --- labour per technician ---
    # (for the whole plant: the whole months from the monthly totals kept at closure,
    # `labour_month`, the days at either end from the labour of the WOs closed on them;
    # for part of it, the labour of its WOs closed in the window)
    cut = month_cut(start, end) if tree is None else MonthCut(None, None, ((start, end),))
    labour = LabourEntry
    parts = [
        select(
            labour.user_id.label("user_id"),
            func.count(func.distinct(labour.wo_id)).label("work_orders"),
            func.sum(labour.hours).label("hours"),
            func.sum(labour.cost).label("cost"),
        )
        .select_from(cost)
        .join(labour, labour.wo_id == cost.wo_id)
        .where(cost.closed_on.between(first, last), *closed_in[2:])  # type: ignore[union-attr]
        .group_by(labour.user_id)
        for first, last in cut.days
    ]
    if cut.whole:
        month = LabourMonth
        parts.append(
            select(
                month.user_id.label("user_id"),
                func.sum(month.work_orders).label("work_orders"),
                func.sum(month.hours).label("hours"),
                func.sum(month.cost).label("cost"),
            )
            .where(month.period.between(cut.first, cut.last))  # type: ignore[attr-defined]
            .group_by(month.user_id)
        )
    both = union_all(*parts).subquery()
    per_person = (
        select(
            both.c.user_id,
            func.sum(both.c.work_orders).label("work_orders"),
            func.sum(both.c.hours).label("hours"),
            func.sum(both.c.cost).label("cost"),
        )
        .group_by(both.c.user_id)
        .subquery()
    )
    tech_rows = [
        (name, badge, i(wos), i(hours), i(spent), divide(i(spent), i(wos)))
        for name, badge, wos, hours, spent in session.execute(
            select(
                User.name,
                User.badge,
                per_person.c.work_orders,
                per_person.c.hours,
                per_person.c.cost,
            )
            .join(User, User.id == per_person.c.user_id)
            .order_by(per_person.c.cost.desc(), User.name)
        )
    ]

    tables = (
        Table(
            "assets",
            "Failures, MTTR and MTBF per asset",
            columns(
                ("asset", "Asset", Kind.TEXT),
                ("name", "Name", Kind.TEXT),
                ("failures", "Failures", Kind.INT),
                ("downtime_hours", "Downtime h", Kind.HOURS),
                ("mttr_hours", "MTTR h", Kind.HOURS),
                ("mtbf_hours", "MTBF h", Kind.HOURS),
                ("downtime_cost", "Downtime cost", Kind.MONEY),
            ),
            asset_rows,
            Chart("bar", "asset", ("mttr_hours",), "MTTR per asset"),
        ),
        Table(
            "backlog",
            "Backlog by age",
            columns(
                ("age", "Age", Kind.TEXT),
                ("work_orders", "WOs", Kind.INT),
                ("estimated_hours", "Estimated h", Kind.HOURS),
            ),
            backlog_rows,
            Chart("bar", "age", ("work_orders",), "Backlog by age"),
        ),
        Table(
            "technicians",
            "Labour per technician",
            columns(
                ("technician", "Technician", Kind.TEXT),
                ("badge", "Badge", Kind.TEXT),
                ("work_orders", "WOs", Kind.INT),
                ("hours", "Hours", Kind.HOURS),
                ("labour_cost", "Labour cost", Kind.MONEY),
                ("cost_per_wo", "Labour cost per WO", Kind.MONEY),
            ),
            tech_rows,
            Chart("bar", "technician", ("cost_per_wo",), "Labour cost per WO"),
        ),
    )
    figures = (
        Figure("failures", "Failures", failures),
        Figure("mttr_hours", "MTTR h", divide(downtime, failures), Kind.HOURS),
        Figure(
            "mtbf_hours",
            "MTBF h (per asset with failures)",
            divide(window_hours * len(asset_rows) - downtime, failures),
            Kind.HOURS,
        ),
        Figure("first_time_fix", "First-time fix", ratio(i(fixed), i(attempts)), Kind.PERCENT),
        Figure("completion_days", "Completion time (days)", completion_days, Kind.DAYS),
        Figure("closed", "WOs closed", i(closed_count)),
        Figure("backlog", "Backlog WOs", sum(r[1] for r in backlog_rows)),
        Figure("backlog_hours", "Backlog estimated h", sum(r[2] for r in backlog_rows), Kind.HOURS),
    )
    params = {"start": start.isoformat(), "end": end.isoformat(), "asset": asset or "all"}
    return Report("kpi", "Maintenance KPIs", params, tables, figures)
