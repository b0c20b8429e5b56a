"""Report 2: is planned work replacing emergencies? Cost and hours of planned (PM, INSP)
against reactive (CM, EM) work, and what an emergency costs over planned work.

Planned or reactive follows the WO type. Reads the frozen cost of WOs closed in the
window and their labour entries, grouped by type in SQL.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from models import LabourEntry, WorkOrderCost
from storeroom_tui.costs import PLANNED_TYPES
from storeroom_tui.reports.common import (
    Chart,
    Figure,
    Kind,
    Report,
    Table,
    columns,
    divide,
    i,
    ratio,
    subtree,
    window,
)

TYPES = ("PM", "INSP", "CM", "EM")


def work_class(wo_type: str) -> str:
    return "planned" if wo_type in PLANNED_TYPES else "reactive"


def planned_reactive(
    session: Session, start: date | None = None, end: date | None = None, asset: str | None = None
) -> Report:
    start, end = window(start, end)
    cost = WorkOrderCost
    where = [cost.closed_on >= start, cost.closed_on <= end]  # type: ignore[operator]
    if asset:
        tree = subtree(session, asset)
        where.append(cost.asset_id.in_(select(tree.c.id)))  # type: ignore[attr-defined]
    by_type = {
        wo_type: (i(n), i(hours), i(labour), i(parts), i(contractor), i(total), i(down))
        for wo_type, n, hours, labour, parts, contractor, total, down in session.execute(
            select(
                cost.wo_type,
                func.count(),
                func.sum(cost.labour_hours),
                func.sum(cost.labour_cost),
                func.sum(cost.parts_cost),
                func.sum(cost.contractor_cost),
                func.sum(cost.total_cost),
                func.sum(cost.downtime_hours),
            )
            .where(and_(*where))
            .group_by(cost.wo_type)
        )
    }
    overtime = {
        wo_type: (i(hours), i(spent))
        for wo_type, hours, spent in session.execute(
            select(
                cost.wo_type,
                func.sum(case((LabourEntry.overtime, LabourEntry.hours), else_=0)),
                func.sum(case((LabourEntry.overtime, LabourEntry.cost), else_=0)),
            )
            .select_from(cost)
            .join(LabourEntry, LabourEntry.wo_id == cost.wo_id)
            .where(and_(*where), LabourEntry.overtime)
            .group_by(cost.wo_type)
        )
    }
    rows = []
    for wo_type in [*TYPES, *sorted(set(by_type) - set(TYPES))]:
        n, hours, labour, parts, contractor, total, down = by_type.get(wo_type, (0,) * 7)
        ot_hours, _ot_cost = overtime.get(wo_type, (0, 0))
        rows.append(
            (
                wo_type,
                work_class(wo_type),
                n,
                hours,
                ot_hours,
                labour,
                parts,
                contractor,
                total,
                divide(total, n),
                down,
            )
        )
    kinds = columns(
        ("wo_type", "Type", Kind.TEXT),
        ("class", "Class", Kind.TEXT),
        ("work_orders", "WOs closed", Kind.INT),
        ("labour_hours", "Labour h", Kind.HOURS),
        ("overtime_hours", "Overtime h", Kind.HOURS),
        ("labour", "Labour", Kind.MONEY),
        ("parts", "Parts", Kind.MONEY),
        ("contractor", "Contractor", Kind.MONEY),
        ("total", "Total", Kind.MONEY),
        ("cost_per_wo", "Cost per WO", Kind.MONEY),
        ("downtime_hours", "Downtime h", Kind.HOURS),
    )
    classes = []
    for name in ("planned", "reactive"):
        mine = [r for r in rows if r[1] == name]
        sums = [sum(r[k] for r in mine) for k in (2, 3, 4, 5, 6, 7, 8)]
        classes.append((name, name, *sums, divide(sums[6], sums[0]), sum(r[10] for r in mine)))
    planned, reactive = classes
    all_cost, all_hours = planned[8] + reactive[8], planned[3] + reactive[3]
    em = next(r for r in rows if r[0] == "EM")
    premium = ratio(em[9] - planned[9], planned[9]) if em[9] is not None and planned[9] else None
    figures = (
        Figure(
            "planned_cost_share", "Planned share of cost", ratio(planned[8], all_cost), Kind.PERCENT
        ),
        Figure(
            "planned_hours_share",
            "Planned share of hours",
            ratio(planned[3], all_hours),
            Kind.PERCENT,
        ),
        Figure("reactive_cost", "Reactive cost", reactive[8], Kind.MONEY),
        Figure("planned_cost", "Planned cost", planned[8], Kind.MONEY),
        Figure("emergency_cost_per_wo", "Cost per emergency WO", em[9], Kind.MONEY),
        Figure("planned_cost_per_wo", "Cost per planned WO", planned[9], Kind.MONEY),
        Figure("emergency_premium", "Emergency premium over planned", premium, Kind.PERCENT),
    )
    tables = (
        Table(
            "types",
            "Cost and hours by WO type",
            kinds,
            rows,
            Chart("stacked", "wo_type", ("parts", "labour", "contractor"), "Cost by WO type"),
        ),
        Table(
            "classes",
            "Planned vs reactive",
            (kinds[1], *kinds[2:]),
            [(c[0], *c[2:]) for c in classes],
            Chart("bar", "class", ("total", "labour_hours"), "Planned vs reactive"),
        ),
    )
    params = {"start": start.isoformat(), "end": end.isoformat(), "asset": asset or "all"}
    return Report("planned-reactive", "Planned vs reactive", params, tables, figures)
