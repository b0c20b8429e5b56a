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

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models import Asset, AssetCost, LabourEntry, User, WorkOrder, WorkOrderCost
from models._columns import utcnow
from storeroom_tui.costs import REACTIVE_TYPES, cost_of
from storeroom_tui.gates import Status
from storeroom_tui.quantities import MILLI
from storeroom_tui.reports.common import (
    AGE_BUCKETS,
    Chart,
    Figure,
    Kind,
    Report,
    Table,
    columns,
    days_between,
    divide,
    i,
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
    closed_in = [cost.closed_on >= start, cost.closed_on <= end]  # type: ignore[operator]
    if tree is not None:
        closed_in.append(cost.asset_id.in_(select(tree.c.id)))  # type: ignore[attr-defined]
    reactive = cost.wo_type.in_(REACTIVE_TYPES)  # type: ignore[attr-defined]
    window_hours = ((end - start).days + 1) * 24 * MILLI

    # --- MTTR / MTBF per asset ------------------------------------------------------------------
    per_asset = session.execute(
        select(
            Asset.tag,
            Asset.name,
            func.count(),
            func.sum(cost.downtime_hours),
            func.coalesce(AssetCost.downtime_cost_per_hour, 0),
        )
        .select_from(cost)
        .join(Asset, Asset.id == cost.asset_id)
        .outerjoin(AssetCost, AssetCost.asset_id == Asset.id)
        .where(*closed_in, reactive)
        .group_by(Asset.id, Asset.tag, Asset.name, AssetCost.downtime_cost_per_hour)
        .order_by(func.count().desc(), Asset.tag)
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

    # --- first-time fix: the asset's next failure came more than 30 days after closing -----
    # (the next reactive WO raised on the asset: one seek of ix_wo_asset_created per failure)
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
    failures_closed = (
        select(WorkOrder.closed_at.label("closed_at"), next_failure.label("next_failure"))
        .select_from(cost)
        .join(WorkOrder, WorkOrder.id == cost.wo_id)
        .where(*closed_in, reactive)
        .subquery()
    )
    gap = days_between(session, failures_closed.c.closed_at, failures_closed.c.next_failure)
    refailed = and_(failures_closed.c.next_failure.is_not(None), gap <= REFAILURE_DAYS)
    fixed, attempts = session.execute(
        select(func.sum(case((refailed, 0), else_=1)), func.count()).select_from(failures_closed)
    ).one()

    # --- completion time and count of everything closed ---
    closed_count, completion = session.execute(
        select(
            func.count(), func.avg(days_between(session, WorkOrder.created_at, WorkOrder.closed_at))
        )
        .select_from(cost)
        .join(WorkOrder, WorkOrder.id == cost.wo_id)
        .where(*closed_in)
    ).one()
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
    tech_rows = [
        (name, badge, i(wos), i(hours), i(spent), divide(i(spent), i(wos)))
        for name, badge, wos, hours, spent in session.execute(
            select(
                User.name,
                User.badge,
                func.count(func.distinct(LabourEntry.wo_id)),
                func.sum(LabourEntry.hours),
                func.sum(LabourEntry.cost),
            )
            .select_from(cost)
            .join(LabourEntry, LabourEntry.wo_id == cost.wo_id)
            .join(User, User.id == LabourEntry.user_id)
            .where(*closed_in)
            .group_by(User.id, User.name, User.badge)
            .order_by(func.sum(LabourEntry.cost).desc(), User.name)
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
