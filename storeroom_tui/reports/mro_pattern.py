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
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import String, cast, func, select, true
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


def _whole_units_up(milli: Decimal) -> int:
    """Thousandths rounded up to a whole unit (a min of 2.1 EA is 3 EA)."""
    units = (milli / MILLI).quantize(Decimal("0.000001"))  # no 1.0000000001 from a third
    if units <= 0:
        return 0
    return int(units.to_integral_value(rounding=ROUND_CEILING)) * MILLI


def suggest(
    used: int, month_values: list[int], days: int, lead_days: int
) -> tuple[int, int, int, int]:
    """(average month, peak month, suggested min, suggested max), all thousandths."""
    lead = lead_days or DEFAULT_LEAD_DAYS
    count = len(month_values) or 1
    average = Decimal(used) / count
    peak = max(month_values, default=0)
    daily = Decimal(used) / max(days, 1)
    safety = (Decimal(peak) - average) * lead / 30
    low = _whole_units_up(daily * lead + safety)
    high = _whole_units_up(low + average)
    return int(average.to_integral_value()), peak, low, high


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
            ).where(
                # a long IN list is slower than all items (and has a length limit)
                Item.id.in_(list(per_item) or [0]) if len(per_item) <= 1000 else true()  # type: ignore[union-attr]
            )
        )
        if row[0] in per_item
    }
    rows = []
    for item_id, by_month in per_item.items():
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
        f"{min(len(rows), ROW_LIMIT)} of {len(rows)} items used in the window, most used first",
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
