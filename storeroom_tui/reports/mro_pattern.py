"""Report 7: how each MRO item is really used, month by month, and the min / max that use
suggests beside the ones set on the item.

Use = what the lines of the WOs closed in the window used (written off to them, net of
reversals, as kept at closure in `line_usage`), summed per item and month of closing in
SQL. The suggestion, per item, from its monthly figures:

    daily use       = used in the window / days in the window
    safety stock    = (peak month - average month) x lead time / 30
    suggested min   = daily use x lead time + safety stock     (rounded up to whole units)
    suggested max   = suggested min + one average month         (rounded up to whole units)

Lead time is the item's; an item without one is taken at 14 days.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import String, cast, func, select
from sqlmodel import Session

from models import Item, LineUsage
from storeroom_tui import catalog
from storeroom_tui.quantities import MILLI
from storeroom_tui.reports.common import (
    Chart,
    Figure,
    Kind,
    Report,
    Table,
    columns,
    i,
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


def mro_pattern(
    session: Session, start: date | None = None, end: date | None = None, item: str | None = None
) -> Report:
    start, end = window(start, end)
    chosen = catalog.find_item(session, item) if item else None
    usage = LineUsage
    # the month each line's use was booked: its WO's closing (write-offs happen there)
    month = func.substr(cast(usage.closed_on, String), 1, 7)
    query = (
        select(usage.item_id, month, func.sum(usage.used), func.sum(usage.used_value))
        .where(usage.closed_on >= start, usage.closed_on <= end, usage.used != 0)  # type: ignore[operator]
        .group_by(usage.item_id, month)
    )
    if chosen is not None:
        query = query.where(usage.item_id == chosen.id)
    per_item: dict[int, dict[str, int]] = {}
    value_by_month: dict[str, int] = {}
    qty_by_month: dict[str, int] = {}
    for item_id, period, qty, val in session.execute(query):
        per_item.setdefault(item_id, {})[period] = i(qty)
        value_by_month[period] = value_by_month.get(period, 0) + i(val)
        qty_by_month[period] = qty_by_month.get(period, 0) + i(qty)
    all_months = months(start, end)
    days = (end - start).days + 1
    totals = {item_id: sum(by_month.values()) for item_id, by_month in per_item.items()}
    used_items = [item_id for item_id, total in totals.items() if total > 0]
    # the most used first; the table and its figures are about those shown
    shown = sorted(used_items, key=lambda item_id: -totals[item_id])[:ROW_LIMIT]
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
        by_month = per_item[item_id]
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
        f"{len(rows)} of {len(used_items)} items used in the window, most used first",
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
