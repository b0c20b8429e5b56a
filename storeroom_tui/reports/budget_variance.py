"""Report 3: budget against actual for one month, per asset (with everything under it),
per cost centre and per site.

Actual = the frozen cost of the WOs closed in that month (`work_order_cost.period`). An
asset's or a site's actual sums its whole subtree, read with one recursive CTE from the
budgeted assets down; a cost centre's sums the WOs of the assets that carry it.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from models import Asset, Budget, WorkOrderCost
from storeroom_tui import costs, ledger
from storeroom_tui.errors import InvalidValue, UnknownPeriod
from storeroom_tui.reports.common import Chart, Figure, Kind, Report, Table, columns, i, ratio


def budget_variance(
    session: Session, period: str | None = None, scope: str | None = None
) -> Report:
    month = costs.parse_period(period) if period else ledger.today().strftime("%Y-%m")
    wanted = scope.strip().lower().replace("-", "_") if scope else None
    if wanted is not None and wanted not in costs.BUDGET_SCOPES:
        known = ", ".join(costs.BUDGET_SCOPES)
        raise InvalidValue(f"scope {scope!r} is not one of: {known}", scope)
    query = select(Budget.scope, Budget.key, Budget.amount).where(Budget.period == month)
    if wanted:
        query = query.where(Budget.scope == wanted)
    budgets = session.execute(query.order_by(Budget.scope, Budget.key)).all()
    if not budgets:
        what = f"{wanted} budget" if wanted else "budget"
        raise UnknownPeriod(
            f"no {what} set for period {month}; set one with: storeroom budget set", month
        )
    cost = WorkOrderCost
    actual: dict[tuple[str, str], int] = {}
    tags = sorted({key for s, key, _ in budgets if s in ("asset", "site")})
    if tags:
        tree = (
            select(Asset.tag.label("root"), Asset.id.label("id"))
            .where(Asset.tag.in_(tags))  # type: ignore[attr-defined]
            .cte("budget_tree", recursive=True)
        )
        tree = tree.union_all(
            select(tree.c.root, Asset.id).join(tree, Asset.parent_id == tree.c.id)
        )
        for root, spent in session.execute(
            select(tree.c.root, func.sum(cost.total_cost))
            .join(cost, cost.asset_id == tree.c.id)
            .where(cost.period == month)
            .group_by(tree.c.root)
        ):
            actual[("asset", root)] = actual[("site", root)] = i(spent)
    centres = sorted({key for s, key, _ in budgets if s == "cost_centre"})
    if centres:
        for centre, spent in session.execute(
            select(Asset.cost_centre, func.sum(cost.total_cost))
            .join(cost, cost.asset_id == Asset.id)
            .where(cost.period == month, Asset.cost_centre.in_(centres))  # type: ignore[union-attr]
            .group_by(Asset.cost_centre)
        ):
            actual[("cost_centre", centre)] = i(spent)
    rows = []
    for s, key, amount in budgets:
        spent = actual.get((s, key), 0)
        variance = amount - spent
        rows.append(
            (
                s,
                key,
                amount,
                spent,
                variance,
                ratio(spent, amount),
                "over" if variance < 0 else "within",
            )
        )
    table = Table(
        "budgets",
        f"Budget variance {month}",
        columns(
            ("scope", "Scope", Kind.TEXT),
            ("key", "Asset / cost centre / site", Kind.TEXT),
            ("budget", "Budget", Kind.MONEY),
            ("actual", "Actual", Kind.MONEY),
            ("variance", "Variance (budget - actual)", Kind.MONEY),
            ("used", "Used %", Kind.PERCENT),
            ("status", "Status", Kind.TEXT),
        ),
        rows,
        Chart("bar", "key", ("budget", "actual"), f"Budget and actual {month}"),
    )
    figures = (
        Figure("budgets", "Budgets", len(rows)),
        Figure("over", "Over budget", sum(1 for r in rows if r[6] == "over")),
    )
    params = {"period": month, "scope": wanted or "all"}
    return Report("budget-variance", "Budget variance", params, (table,), figures)
