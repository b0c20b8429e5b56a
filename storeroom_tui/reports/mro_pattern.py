"""Report 7: how each MRO item is really used, month by month, and the min / max that use
suggests beside the ones set on the item.

Use = what the lines of the WOs closed in the window used (written off to them, net of
reversals, as kept at closure), summed per item and month of closing in SQL: the whole
months from the monthly totals (`item_month`), the days at either end from the lines
(`line_usage`). The suggestion, per item, from its monthly figures:

    daily use       = used in the window / days in the window
    safety stock    = (peak month - average month) x lead time / 30
    suggested min   = daily use x lead time + safety stock     (rounded up to whole units)
    suggested max   = suggested min + one average month         (rounded up to whole units)

Lead time is the item's; an item without one is taken at 14 days.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import String, Subquery, cast, func, select, union_all
from sqlmodel import Session

from models import Item, ItemMonth, LineUsage
from storeroom_tui import catalog
from storeroom_tui.quantities import MILLI
from storeroom_tui.reports.common import (
    Chart,
    Figure,
    Kind,
    MonthCut,
    Report,
    Table,
    columns,
    i,
    month_cut,
    months,
    window,
)

DEFAULT_LEAD_DAYS = 14
ROW_LIMIT = 500


def _units_up(numerator: int, denominator: int) -> int:
    """numerator / denominator thousandths, rounded up to a whole unit (2.1 EA is 3 EA);
    exact integer arithmetic, so a third never comes out as 1.0000001."""
    if numerator <= 0:
        return 0
    return -(-numerator // (denominator * MILLI)) * MILLI


def suggest(
    used: int, month_values: list[int], days: int, lead_days: int
) -> tuple[int, int, int, int]:
    """(average month, peak month, suggested min, suggested max), all thousandths."""
    lead = lead_days or DEFAULT_LEAD_DAYS
    count = len(month_values) or 1
    peak = max(month_values, default=0)
    days = max(days, 1)
    # min = used / days x lead + (peak - used / count) x lead / 30, over one denominator
    low = _units_up(
        used * lead * count * 30 + (peak * count - used) * lead * days, days * count * 30
    )
    high = _units_up(low * count + used, count)  # min + an average month
    average = (2 * used + count) // (2 * count)  # half up
    return average, peak, low, high


def _use(cut: MonthCut, keys: tuple[str, ...], items: list[int] | None) -> Subquery:
    """Used quantity and value per `keys` (item_id, period) over the window, in two parts
    to be added up: the whole months from the monthly totals kept at closure
    (`item_month`), the days at either end from the lines closed on them (`line_usage`).
    A line's use is booked in the month of its WO's closing (write-offs happen there)."""
    usage, month = LineUsage, ItemMonth
    line_keys = {
        "item_id": usage.item_id,
        "period": func.substr(cast(usage.closed_on, String), 1, 7),
    }
    month_keys = {"item_id": month.item_id, "period": month.period}
    parts = []
    for first, last in cut.days:
        lines = (
            select(
                *(line_keys[k].label(k) for k in keys),  # type: ignore[attr-defined]
                func.sum(usage.used).label("used"),
                func.sum(usage.used_value).label("value"),
            )
            .where(usage.closed_on.between(first, last), usage.used != 0)  # type: ignore[attr-defined]
            .group_by(*(line_keys[k] for k in keys))
        )
        if items is not None:
            lines = lines.where(usage.item_id.in_(items))  # type: ignore[attr-defined]
        parts.append(lines)
    if cut.whole:
        totals = (
            select(
                *(month_keys[k].label(k) for k in keys),  # type: ignore[attr-defined]
                func.sum(month.used).label("used"),
                func.sum(month.used_value).label("value"),
            )
            .where(month.period.between(cut.first, cut.last))  # type: ignore[attr-defined]
            .group_by(*(month_keys[k] for k in keys))
        )
        if items is not None:
            totals = totals.where(month.item_id.in_(items))  # type: ignore[attr-defined]
        parts.append(totals)
    return union_all(*parts).subquery()


def mro_pattern(
    session: Session, start: date | None = None, end: date | None = None, item: str | None = None
) -> Report:
    start, end = window(start, end)
    chosen = catalog.find_item(session, item) if item else None
    cut = month_cut(start, end)
    only = [chosen.id] if chosen is not None and chosen.id is not None else None
    # use per item over the window, the most used first (the table is about those shown)
    every = _use(cut, ("item_id",), only)
    total = func.sum(every.c.used)
    shown: list[int] = []
    used_items = 0  # all the items used in the window, shown or not
    for item_id, counted in session.execute(
        select(every.c.item_id, func.count().over())
        .group_by(every.c.item_id)
        .having(total > 0)
        .order_by(total.desc(), every.c.item_id)
        .limit(ROW_LIMIT)
    ):
        shown.append(item_id)
        used_items = i(counted)
    # per month, all items (the timeline) and each item shown
    value_by_month: dict[str, int] = {}
    qty_by_month: dict[str, int] = {}
    timeline = _use(cut, ("period",), only)
    for period, qty, val in session.execute(
        select(timeline.c.period, func.sum(timeline.c.used), func.sum(timeline.c.value)).group_by(
            timeline.c.period
        )
    ):
        value_by_month[period], qty_by_month[period] = i(val), i(qty)
    per_item: dict[int, dict[str, int]] = {}
    if shown:
        detail = _use(cut, ("item_id", "period"), shown)
        for item_id, period, qty in session.execute(
            select(detail.c.item_id, detail.c.period, detail.c.used)
        ):
            per_item.setdefault(item_id, {})[period] = i(qty)
    all_months = months(start, end)
    days = (end - start).days + 1
    details = {
        row[0]: row[1:]
        for row in session.execute(
            select(
                Item.id,
                Item.part_number,
                Item.description,
                Item.uom,
                Item.lead_time_days,
                Item.min_qty,
                Item.max_qty,
            ).where(Item.id.in_(shown or [0]))  # type: ignore[union-attr]
        )
    }
    rows = []
    for item_id in shown:
        by_month = per_item.get(item_id, {})
        part, description, uom, lead, low_now, high_now = details[item_id]
        monthly = [by_month.get(m, 0) for m in all_months]
        total = sum(monthly)
        if total <= 0:
            continue
        average, peak, low, high = suggest(total, monthly, days, lead)
        rows.append(
            (
                part,
                description,
                uom,
                sum(1 for q in monthly if q > 0),
                total,
                average,
                peak,
                lead or DEFAULT_LEAD_DAYS,
                low_now,
                high_now,
                low,
                high,
                "raise" if low > low_now else "lower" if low < low_now else "",
            )
        )
    rows.sort(key=lambda r: (-r[4], r[0]))
    items = Table(
        "items",
        "Use per item and suggested min / max",
        columns(
            ("part", "Part", Kind.TEXT),
            ("description", "Description", Kind.TEXT),
            ("uom", "UoM", Kind.TEXT),
            ("months_used", "Months used", Kind.INT),
            ("used", "Used", Kind.QTY),
            ("average_month", "Average month", Kind.QTY),
            ("peak_month", "Peak month", Kind.QTY),
            ("lead_days", "Lead time (days)", Kind.INT),
            ("min", "Min now", Kind.QTY),
            ("max", "Max now", Kind.QTY),
            ("suggested_min", "Suggested min", Kind.QTY),
            ("suggested_max", "Suggested max", Kind.QTY),
            ("min_change", "Min", Kind.TEXT),
        ),
        rows[:ROW_LIMIT],
        Chart("bar", "part", ("used",), "Most used items"),
        f"{len(rows)} of {used_items} items used in the window, most used first",
    )
    timeline = Table(
        "months",
        f"{chosen.part_number} per month" if chosen else "Use per month (all items)",
        columns(
            ("month", "Month", Kind.MONTH),
            ("used", "Used", Kind.QTY),
            ("value", "Value", Kind.MONEY),
        ),
        [(m, qty_by_month.get(m, 0), value_by_month.get(m, 0)) for m in all_months],
        Chart("line", "month", ("used",) if chosen else ("value",), "Use per month"),
    )
    figures = (
        Figure("items_used", "Items used", len(rows)),
        Figure("to_raise", "Mins to raise", sum(1 for r in rows if r[12] == "raise")),
        Figure("to_lower", "Mins to lower", sum(1 for r in rows if r[12] == "lower")),
    )
    params = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "item": chosen.part_number if chosen else "all",
    }
    return Report("mro-pattern", "MRO consumption pattern", params, (items, timeline), figures)
