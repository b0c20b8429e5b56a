"""Report 4: what the WOs closed in the window consumed, per WO, drilled down to each
demand line and to each lot and serial; issued against planned; and the items whose use
strays furthest from plan.

Quantities come from the WOs' own movements netted of reversals in one GROUP BY (a
reversal counts as its original's kind with the opposite sign), joined from the closed
WOs' `work_order_cost` rows (index on `closed_on`) through `movement.wo_id`. The items off
plan read what each line used against its plan as kept at closure: the window's whole
months from their monthly totals (`item_month`), its odd days from the lines (`line_usage`).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, select, union_all
from sqlmodel import Session

from models import (
    Asset,
    DemandLine,
    Item,
    ItemMonth,
    LineUsage,
    Lot,
    Movement,
    Serial,
    WorkOrder,
    WorkOrderCost,
)
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
    month_cut,
    net_movement,
    window,
)

WO_LIMIT = 500  # the WO table shows the largest consumers; the note says how many in all


def _sums(kind, sign):  # noqa: ANN001, ANN202 - SQL expressions
    def of(name: str, what=Movement.qty):  # noqa: ANN001, ANN202
        return func.sum(case((kind == name, sign * what), else_=0))

    return (
        of("issue"),
        of("return"),
        of("writeoff"),
        of("writeoff", Movement.qty * Movement.unit_cost),
    )


def consumption(
    session: Session,
    start: date | None = None,
    end: date | None = None,
    wo: str | None = None,
    top: int = 20,
) -> Report:
    start, end = window(start, end)
    original, kind, sign = net_movement()
    cost = WorkOrderCost
    in_window = and_(cost.closed_on >= start, cost.closed_on <= end)  # type: ignore[operator]
    chosen = catalog.find_work_order(session, wo) if wo else None
    issued, returned, used, used_value = _sums(kind, sign)

    # per demand line: planned vs the net issued / returned / used of its movements
    per_line_query = (
        select(
            Movement.demand_line_id.label("line_id"),
            issued.label("issued"),
            returned.label("returned"),
            used.label("used"),
            used_value.label("used_value"),
        )
        .outerjoin(original, original.id == Movement.reverses_id)
        .group_by(Movement.demand_line_id)
    )
    if chosen is None:
        per_line_query = per_line_query.join(cost, cost.wo_id == Movement.wo_id).where(in_window)
    else:
        per_line_query = per_line_query.where(Movement.wo_id == chosen.id)
    per_line = per_line_query.subquery()
    line_query = (
        select(
            DemandLine.wo_id,
            DemandLine.line_no,
            Item.part_number,
            Item.description,
            Item.uom,
            Item.kind,
            DemandLine.planned_qty,
            func.coalesce(per_line.c.issued, 0),
            func.coalesce(per_line.c.returned, 0),
            func.coalesce(per_line.c.used, 0),
            func.coalesce(per_line.c.used_value, 0),
            DemandLine.item_id,
            Item.avg_cost,
        )
        .join(Item, Item.id == DemandLine.item_id)
        .outerjoin(per_line, per_line.c.line_id == DemandLine.id)
    )
    tables: list[Table] = []
    deviation = func.coalesce(per_line.c.used, 0) - DemandLine.planned_qty
    tool = Item.kind == "tool"
    if chosen is None:
        # per WO: read from the cost and line counts frozen at closure, largest first
        largest = (
            select(
                cost.wo_id,
                cost.asset_id,
                cost.wo_type,
                cost.closed_on,
                cost.lines,
                cost.lines_off_plan,
                cost.parts_cost,
            )
            .where(in_window)
            .order_by(cost.parts_cost.desc(), cost.wo_id)  # type: ignore[union-attr]
            .limit(WO_LIMIT)
            .subquery()
        )
        per_wo = (
            select(
                WorkOrder.number,
                Asset.tag,
                largest.c.wo_type,
                largest.c.closed_on,
                largest.c.lines,
                largest.c.lines_off_plan,
                largest.c.parts_cost,
            )
            .select_from(largest)
            .join(WorkOrder, WorkOrder.id == largest.c.wo_id)
            .join(Asset, Asset.id == largest.c.asset_id)
            .order_by(largest.c.parts_cost.desc(), WorkOrder.number)
        )
        total_wos = session.execute(
            select(func.count()).select_from(cost).where(in_window)
        ).scalar_one()
        rows = [
            (number, tag, t, closed.isoformat() if closed else None, i(n), i(dev), i(parts))
            for number, tag, t, closed, n, dev, parts in session.execute(per_wo)
        ]
        tables.append(
            Table(
                "work_orders",
                "Consumption by WO",
                columns(
                    ("wo", "WO", Kind.TEXT),
                    ("asset", "Asset", Kind.TEXT),
                    ("wo_type", "Type", Kind.TEXT),
                    ("closed_on", "Closed", Kind.DATE),
                    ("lines", "Lines", Kind.INT),
                    ("deviations", "Lines off plan", Kind.INT),
                    ("parts_cost", "Parts used (frozen cost)", Kind.MONEY),
                ),
                rows,
                Chart("bar", "wo", ("parts_cost",), "Largest consumers"),
                f"{min(int(total_wos), WO_LIMIT)} of {int(total_wos)} WOs closed in the window, "
                "largest first; --wo WO drills down to lines, lots and serials",
            )
        )
    else:
        line_rows = []
        for line in session.execute(
            line_query.where(DemandLine.wo_id == chosen.id).order_by(DemandLine.line_no)
        ):
            planned, use = line[6], i(line[9])
            off = "over" if use > planned else "under" if use < planned else ""
            line_rows.append(
                (
                    chosen.number,
                    line[1],
                    line[2],
                    line[3],
                    line[4],
                    planned,
                    i(line[7]),
                    i(line[8]),
                    use,
                    use - planned,
                    "" if line[5] == "tool" else off,
                    (i(line[10]) + MILLI // 2) // MILLI,
                )
            )
        tables.append(
            Table(
                "lines",
                f"{chosen.number}: issued vs planned per line",
                columns(
                    ("wo", "WO", Kind.TEXT),
                    ("line", "Line", Kind.INT),
                    ("part", "Part", Kind.TEXT),
                    ("description", "Description", Kind.TEXT),
                    ("uom", "UoM", Kind.TEXT),
                    ("planned", "Planned", Kind.QTY),
                    ("issued", "Issued", Kind.QTY),
                    ("returned", "Returned", Kind.QTY),
                    ("used", "Used", Kind.QTY),
                    ("deviation", "Used - planned", Kind.QTY),
                    ("off_plan", "Off plan", Kind.TEXT),
                    ("used_value", "Used value", Kind.MONEY),
                ),
                line_rows,
                Chart("bar", "part", ("planned", "used"), "Planned and used"),
            )
        )
        per_lot = (
            select(
                DemandLine.line_no,
                Item.part_number,
                Lot.lot_no,
                Serial.serial_no,
                issued,
                returned,
                used,
            )
            .select_from(Movement)
            .outerjoin(original, original.id == Movement.reverses_id)
            .join(DemandLine, DemandLine.id == Movement.demand_line_id)
            .join(Item, Item.id == Movement.item_id)
            .outerjoin(Lot, Lot.id == Movement.lot_id)
            .outerjoin(Serial, Serial.id == Movement.serial_id)
            .where(Movement.wo_id == chosen.id, kind.in_(("issue", "return", "writeoff")))
            .group_by(DemandLine.line_no, Item.part_number, Lot.lot_no, Serial.serial_no)
            .order_by(DemandLine.line_no, Item.part_number, Lot.lot_no, Serial.serial_no)
        )
        tables.append(
            Table(
                "lots",
                f"{chosen.number}: by lot and serial",
                columns(
                    ("line", "Line", Kind.INT),
                    ("part", "Part", Kind.TEXT),
                    ("lot", "Lot", Kind.TEXT),
                    ("serial", "Serial", Kind.TEXT),
                    ("issued", "Issued", Kind.QTY),
                    ("returned", "Returned", Kind.QTY),
                    ("used", "Used", Kind.QTY),
                ),
                [
                    (line_no, part, lot, serial, i(a), i(b), i(c))
                    for line_no, part, lot, serial, a, b, c in session.execute(per_lot)
                ],
            )
        )

    # top items by discrepancy: the sum over lines of |used - planned|, tools left out (the
    # window's whole months from the monthly totals kept at closure, `item_month`, its odd
    # days from the lines, `line_usage`)
    if chosen is None:
        usage, month = LineUsage, ItemMonth
        cut = month_cut(start, end)
        parts = [
            select(
                usage.item_id.label("item_id"),
                func.count().label("lines"),
                func.sum(usage.planned).label("planned"),
                func.sum(usage.used).label("used"),
                func.sum(func.abs(usage.used - usage.planned)).label("discrepancy"),
            )
            .where(usage.closed_on.between(first, last), usage.tool.is_(False))  # type: ignore[attr-defined]
            .group_by(usage.item_id)
            for first, last in cut.days
        ]
        if cut.whole:
            parts.append(
                select(
                    month.item_id.label("item_id"),
                    func.sum(month.plan_lines).label("lines"),
                    func.sum(month.planned).label("planned"),
                    func.sum(month.plan_used).label("used"),
                    func.sum(month.off_plan).label("discrepancy"),
                )
                .where(month.period.between(cut.first, cut.last))  # type: ignore[attr-defined]
                .group_by(month.item_id)
            )
        both = union_all(*parts).subquery()
        gap = func.sum(both.c.discrepancy)
        by_item = (
            select(
                both.c.item_id,
                func.sum(both.c.lines).label("lines"),
                func.sum(both.c.planned).label("planned"),
                func.sum(both.c.used).label("used"),
                (func.sum(both.c.used) - func.sum(both.c.planned)).label("net"),
                gap.label("discrepancy"),
            )
            .group_by(both.c.item_id)
            .having(gap > 0)
            .order_by(gap.desc(), both.c.item_id)
            .limit(top)
            .subquery()
        )
        top_query = (
            select(
                Item.part_number,
                Item.description,
                Item.uom,
                by_item.c.lines,
                by_item.c.planned,
                by_item.c.used,
                by_item.c.net,
                by_item.c.discrepancy,
                Item.avg_cost,
            )
            .join(Item, Item.id == by_item.c.item_id)
            .order_by(by_item.c.discrepancy.desc(), Item.part_number)
        )
    else:
        discrepancy = func.sum(func.abs(deviation))
        top_query = (
            select(
                Item.part_number,
                Item.description,
                Item.uom,
                func.count(),
                func.sum(DemandLine.planned_qty),
                func.sum(func.coalesce(per_line.c.used, 0)),
                func.sum(deviation),
                discrepancy,
                Item.avg_cost,
            )
            .select_from(DemandLine)
            .join(Item, Item.id == DemandLine.item_id)
            .outerjoin(per_line, per_line.c.line_id == DemandLine.id)
            .where(DemandLine.wo_id == chosen.id, ~tool)
            .group_by(Item.id, Item.part_number, Item.description, Item.uom, Item.avg_cost)
            .having(discrepancy > 0)
            .order_by(discrepancy.desc(), Item.part_number)
            .limit(top)
        )
    top_rows = [
        (part, desc, uom, i(n), i(p), i(u), i(d), i(a), (i(a) * i(avg) + MILLI // 2) // MILLI)
        for part, desc, uom, n, p, u, d, a, avg in session.execute(top_query)
    ]
    tables.append(
        Table(
            "discrepancies",
            f"Top {top} items by discrepancy (used vs planned)",
            columns(
                ("part", "Part", Kind.TEXT),
                ("description", "Description", Kind.TEXT),
                ("uom", "UoM", Kind.TEXT),
                ("lines", "Lines", Kind.INT),
                ("planned", "Planned", Kind.QTY),
                ("used", "Used", Kind.QTY),
                ("net_deviation", "Used - planned", Kind.QTY),
                ("discrepancy", "Discrepancy (sum of |used - planned|)", Kind.QTY),
                ("discrepancy_value", "Discrepancy at average cost", Kind.MONEY),
            ),
            top_rows,
            Chart("bar", "part", ("discrepancy",), "Items furthest from plan"),
        )
    )
    figures = (Figure("items_off_plan", "Items off plan (top list)", len(top_rows)),)
    params = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "wo": chosen.number if chosen else "all",
        "top": str(top),
    }
    return Report("consumption", "Consumption by work order", params, tuple(tables), figures)
