"""Figure 7: every report over the full data of the large plant, < 1 s each.

Each of the eight reports (`storeroom_tui.reports`) runs through `Storeroom.read` (one
read transaction) with its default parameters, which cover the last twelve months, and
again over the whole three years of history (where it takes dates); a drill-down of one
WO's consumption is timed as well. Each is run `--runs` times after one warm-up run; the
worst run must stay under the budget (DESIGN.md section 7: any report over the full data
< 1 s).
"""

from __future__ import annotations

import time
from datetime import timedelta

from _common import Report, arguments, command_line, large_plant, spread

BUDGET_MS = 1000.0


def main() -> None:
    args = arguments(__doc__.splitlines()[0], _options)
    plant = large_plant(args.db)
    figures = run(str(plant), args.runs)
    worst = max(f["max_ms"] for f in figures["reports"].values())
    slowest = max(figures["reports"], key=lambda name: figures["reports"][name]["max_ms"])
    Report(
        "reports",
        command_line(),
        figures,
        f"{len(figures['reports'])} report runs, slowest {slowest} max {worst} ms "
        f"(budget < {BUDGET_MS:g} ms)",
        worst < BUDGET_MS,
    ).emit()


def _options(parser) -> None:  # noqa: ANN001
    parser.add_argument("--runs", type=int, default=3, help="timed runs per report (default 3)")


def run(db: str, runs: int) -> dict:
    from sqlalchemy import func, select

    from models import Budget, WorkOrder, WorkOrderCost
    from storeroom_tui import ledger, reports
    from storeroom_tui.service import Storeroom

    store = Storeroom.open(db)
    store.require_initialised()
    today = ledger.today()
    whole = {"start": (today - timedelta(days=3 * 366)).isoformat(), "end": today.isoformat()}

    def busiest_closed(session) -> str:  # noqa: ANN001
        return session.execute(
            select(WorkOrder.number)
            .join(WorkOrderCost, WorkOrderCost.wo_id == WorkOrder.id)
            .where(WorkOrderCost.total_cost.is_not(None))  # type: ignore[union-attr]
            .order_by(WorkOrderCost.total_cost.desc())  # type: ignore[union-attr]
            .limit(1)
        ).scalar_one()

    def closed_months(session) -> list[str]:  # noqa: ANN001
        return list(
            session.execute(
                select(WorkOrderCost.period)
                .where(WorkOrderCost.period.is_not(None))  # type: ignore[union-attr]
                .group_by(WorkOrderCost.period)
                .order_by(func.count().desc())
                .limit(1)
            ).scalars()
        )

    cases: list[tuple[str, str, dict[str, str]]] = []
    for spec in reports.REPORTS:
        cases.append((spec.name, spec.name, {}))
        if any(p.name == "start" for p in spec.params):
            cases.append((f"{spec.name} (3 years)", spec.name, whole))
    cases.append(("consumption --wo", "consumption", {"wo": store.read(busiest_closed)}))
    busiest_month = store.read(closed_months)
    # the latest month with budgets (this month has none on the 1st, before any closing)
    budget_month = store.read(lambda s: s.execute(select(func.max(Budget.period))).scalar_one())
    cases = [
        (label, name, {"period": budget_month} if name == "budget-variance" else params)
        for label, name, params in cases
    ]

    figures: dict[str, dict] = {}
    rows: dict[str, int] = {}
    for label, name, params in cases:
        report = store.read(reports.run_report, name, params)  # warm-up: page cache, plans
        rows[label] = sum(len(t.rows) for t in report.tables)
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            store.read(reports.run_report, name, params)
            samples.append((time.perf_counter() - start) * 1000)
        figures[label] = spread(samples)
    store.close()
    return {
        "runs": runs,
        "busiest_month": busiest_month[0] if busiest_month else None,
        "reports": figures,
        "rows": rows,
    }


if __name__ == "__main__":
    main()
