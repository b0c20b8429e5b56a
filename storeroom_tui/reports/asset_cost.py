"""Report 1: what each asset really costs, month by month, and whether to repair or replace
it (its lifetime cost, rolled up from everything under it, against its replacement value).

Reads the frozen cost of the WOs closed in the window (`work_order_cost`, one row per WO,
picked by its `closed_on` index) and the roll-up kept in `asset_cost`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from models import Asset, AssetCost, WorkOrderCost
from storeroom_tui.costs import cost_of
from storeroom_tui.reports.common import (
    Chart,
    Figure,
    Kind,
    Report,
    Table,
    columns,
    i,
    months,
    ratio,
    subtree,
    window,
)

REVIEW_AT = 5_000  # lifetime at 50 % of the replacement value: time to look at it
REPLACE_AT = 10_000  # lifetime at or above the replacement value: replace


def signal(share: int | None) -> str:
    """repair / review / replace from lifetime as hundredths of a percent of replacement."""
    if share is None:
        return ""
    if share >= REPLACE_AT:
        return "replace"
    return "review" if share >= REVIEW_AT else "repair"


def asset_cost(
    session: Session, start: date | None = None, end: date | None = None, asset: str | None = None
) -> Report:
    start, end = window(start, end)
    cost = WorkOrderCost
    in_window = and_(cost.closed_on >= start, cost.closed_on <= end)  # type: ignore[operator]
    tree = subtree(session, asset) if asset else None
    per_asset = (
        select(
            cost.asset_id.label("asset_id"),
            func.count().label("wos"),
            func.sum(cost.parts_cost).label("parts"),
            func.sum(cost.labour_cost).label("labour"),
            func.sum(cost.contractor_cost).label("contractor"),
            func.sum(cost.total_cost).label("total"),
            func.sum(cost.downtime_hours).label("downtime"),
        )
        .where(in_window)
        .group_by(cost.asset_id)
        .subquery()
    )
    query = (
        select(
            Asset.tag,
            Asset.name,
            per_asset.c.wos,
            per_asset.c.parts,
            per_asset.c.labour,
            per_asset.c.contractor,
            per_asset.c.total,
            per_asset.c.downtime,
            AssetCost.downtime_cost_per_hour,
            AssetCost.lifetime_cost,
            AssetCost.replacement_value,
        )
        .select_from(Asset)
        .outerjoin(per_asset, per_asset.c.asset_id == Asset.id)
        .outerjoin(AssetCost, AssetCost.asset_id == Asset.id)
        .where(or_(per_asset.c.wos > 0, AssetCost.lifetime_cost > 0))
        .order_by(func.coalesce(per_asset.c.total, 0).desc(), Asset.tag)
    )
    if tree is not None:
        query = query.where(Asset.id.in_(select(tree.c.id)))  # type: ignore[union-attr]
    rows = []
    for (
        tag,
        name,
        wos,
        parts,
        labour,
        contractor,
        total,
        down,
        rate,
        life,
        value,
    ) in session.execute(query):
        share = ratio(i(life), value) if value else None
        rows.append(
            (
                tag,
                name,
                i(wos),
                i(parts),
                i(labour),
                i(contractor),
                i(total),
                i(down),
                cost_of(i(down), i(rate)),
                i(life),
                value,
                share,
                signal(share),
            )
        )
    assets = Table(
        "assets",
        "Cost per asset",
        columns(
            ("asset", "Asset", Kind.TEXT),
            ("name", "Name", Kind.TEXT),
            ("work_orders", "WOs closed", Kind.INT),
            ("parts", "Parts", Kind.MONEY),
            ("labour", "Labour", Kind.MONEY),
            ("contractor", "Contractor", Kind.MONEY),
            ("total", "Total", Kind.MONEY),
            ("downtime_hours", "Downtime h", Kind.HOURS),
            ("downtime_cost", "Downtime cost", Kind.MONEY),
            ("lifetime_cost", "Lifetime (with children)", Kind.MONEY),
            ("replacement_value", "Replacement value", Kind.MONEY),
            ("lifetime_share", "Lifetime % of replacement", Kind.PERCENT),
            ("signal", "Repair / replace", Kind.TEXT),
        ),
        rows,
        Chart("stacked", "asset", ("parts", "labour", "contractor"), "Cost per asset"),
        "own closed WOs in the window; lifetime includes every asset below",
    )

    by_month = (
        select(
            cost.period,
            func.sum(cost.parts_cost),
            func.sum(cost.labour_cost),
            func.sum(cost.contractor_cost),
            func.sum(cost.total_cost),
            func.sum(cost.downtime_hours * func.coalesce(AssetCost.downtime_cost_per_hour, 0)),
            func.count(),
        )
        .outerjoin(AssetCost, AssetCost.asset_id == cost.asset_id)
        .where(in_window)
        .group_by(cost.period)
    )
    if tree is not None:
        by_month = by_month.where(cost.asset_id.in_(select(tree.c.id)))
    found = {
        period: (i(p), i(lab), i(con), i(tot), cost_of(i(down), 1), i(n))
        for period, p, lab, con, tot, down, n in session.execute(by_month)
    }
    month_rows = [(m, *found.get(m, (0, 0, 0, 0, 0, 0))) for m in months(start, end)]
    timeline = Table(
        "months",
        "Cost per month",
        columns(
            ("month", "Month", Kind.MONTH),
            ("parts", "Parts", Kind.MONEY),
            ("labour", "Labour", Kind.MONEY),
            ("contractor", "Contractor", Kind.MONEY),
            ("total", "Total", Kind.MONEY),
            ("downtime_cost", "Downtime cost", Kind.MONEY),
            ("work_orders", "WOs closed", Kind.INT),
        ),
        month_rows,
        Chart("stacked", "month", ("parts", "labour", "contractor"), "Cost per month"),
    )
    figures = (
        Figure("total", "Direct cost", sum(r[4] for r in month_rows), Kind.MONEY),
        Figure("work_orders", "WOs closed", sum(r[6] for r in month_rows), Kind.INT),
        Figure("downtime_cost", "Downtime cost", sum(r[5] for r in month_rows), Kind.MONEY),
        Figure("to_replace", "Assets to replace", sum(1 for r in rows if r[12] == "replace")),
    )
    params = {"start": start.isoformat(), "end": end.isoformat(), "asset": asset or "all"}
    return Report("asset-cost", "Cost per asset over time", params, (assets, timeline), figures)
