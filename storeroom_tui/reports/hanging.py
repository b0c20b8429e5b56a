"""Report 5: what hangs: reservations made long ago and never issued, and parts in WIP on
open WOs for longer than N days.

Both read with GROUP BY in SQL: open reservations by their age, WIP per WO and item as
the net of its movements into and out of WIP (a reversal moves the other way, so it
nets by itself), kept where the oldest issue is older than the cut-off.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlmodel import Session

from models import (
    Asset,
    Item,
    Location,
    LocationKind,
    Movement,
    Reservation,
    User,
    WorkOrder,
)
from models._columns import utcnow
from models.workorder import OPEN_RESERVATION_STATUSES
from storeroom_tui import catalog
from storeroom_tui.gates import Status
from storeroom_tui.quantities import MILLI
from storeroom_tui.reports.common import (
    AGE_BUCKETS,
    Chart,
    Figure,
    Kind,
    Report,
    Table,
    age_bucket,
    columns,
    i,
)

ROW_LIMIT = 1000
_WIP_STATUSES = (Status.IN_PROGRESS, Status.COMPLETED, Status.ON_HOLD, Status.POSTPONED)


def _age_days(at: datetime | str, now: datetime) -> int:
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=now.tzinfo)
    return (now - at).days


def hanging(session: Session, days: int = 14, now: datetime | None = None) -> Report:
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    open_qty = Reservation.qty - Reservation.supplied_qty
    reservation_filter = (
        Reservation.status.in_(OPEN_RESERVATION_STATUSES),  # type: ignore[attr-defined]
        Reservation.created_at < cutoff,
    )
    total_reservations, total_open_value = session.execute(
        select(func.count(), func.sum(open_qty * Item.avg_cost))
        .select_from(Reservation)
        .join(Item, Item.id == Reservation.item_id)
        .where(*reservation_filter)
    ).one()
    reservations = [
        (
            number,
            status,
            part,
            bin_code,
            i(qty),
            (i(qty) * i(avg) + MILLI // 2) // MILLI,
            created.date().isoformat() if isinstance(created, datetime) else str(created)[:10],
            _age_days(created, now) * MILLI,
        )
        for number, status, part, bin_code, qty, avg, created in session.execute(
            select(
                WorkOrder.number,
                WorkOrder.status,
                Item.part_number,
                Location.code,
                open_qty,
                Item.avg_cost,
                Reservation.created_at,
            )
            .join(WorkOrder, WorkOrder.id == Reservation.wo_id)
            .join(Item, Item.id == Reservation.item_id)
            .join(Location, Location.id == Reservation.location_id)
            .where(*reservation_filter)
            .order_by(Reservation.created_at, Reservation.id)
            .limit(ROW_LIMIT)
        )
    ]

    wip_id = catalog.virtual_location(session, LocationKind.WIP).id
    into = Movement.to_location_id == wip_id
    out_of = Movement.from_location_id == wip_id
    net = func.sum(case((into, Movement.qty), (out_of, -Movement.qty), else_=0))
    value = func.sum(
        case(
            (into, Movement.qty * Movement.unit_cost),
            (out_of, -Movement.qty * Movement.unit_cost),
            else_=0,
        )
    )
    first_in = func.min(case((into, Movement.created_at)))
    per_wo_item = (
        select(
            WorkOrder.number,
            WorkOrder.status,
            Asset.tag,
            User.name,
            Item.part_number,
            net,
            value,
            first_in,
        )
        .select_from(Movement)
        .join(WorkOrder, WorkOrder.id == Movement.wo_id)
        .join(Asset, Asset.id == WorkOrder.asset_id)
        .outerjoin(User, User.id == WorkOrder.assignee_id)
        .join(Item, Item.id == Movement.item_id)
        .where(WorkOrder.status.in_(_WIP_STATUSES))  # type: ignore[attr-defined]
        .group_by(
            WorkOrder.number, WorkOrder.status, Asset.tag, User.name, Item.id, Item.part_number
        )
        .having(net > 0, first_in < cutoff)
        .order_by(first_in)
    )
    wip_rows = [
        (
            number,
            status,
            tag,
            who,
            part,
            i(qty),
            (i(val) + MILLI // 2) // MILLI,
            first.date().isoformat() if isinstance(first, datetime) else str(first)[:10],
            _age_days(first, now) * MILLI,
        )
        for number, status, tag, who, part, qty, val, first in session.execute(per_wo_item)
    ]
    buckets = {bucket: [0, 0, 0, 0] for bucket in AGE_BUCKETS}
    for row in reservations:
        bucket = buckets[age_bucket(row[7] // MILLI)]
        bucket[0] += 1
        bucket[1] += row[5]
    for row in wip_rows:
        bucket = buckets[age_bucket(row[8] // MILLI)]
        bucket[2] += 1
        bucket[3] += row[6]
    tables = (
        Table(
            "reservations",
            f"Reservations older than {days} days, never issued",
            columns(
                ("wo", "WO", Kind.TEXT),
                ("status", "WO status", Kind.TEXT),
                ("part", "Part", Kind.TEXT),
                ("bin", "Bin", Kind.TEXT),
                ("open_qty", "Open qty", Kind.QTY),
                ("value", "Value", Kind.MONEY),
                ("reserved_on", "Reserved on", Kind.DATE),
                ("age_days", "Age (days)", Kind.DAYS),
            ),
            reservations,
            None,
            f"{len(reservations)} of {i(total_reservations)}, oldest first",
        ),
        Table(
            "wip",
            f"WIP older than {days} days on open WOs",
            columns(
                ("wo", "WO", Kind.TEXT),
                ("status", "WO status", Kind.TEXT),
                ("asset", "Asset", Kind.TEXT),
                ("assignee", "Assignee", Kind.TEXT),
                ("part", "Part", Kind.TEXT),
                ("in_wip", "In WIP", Kind.QTY),
                ("value", "Value", Kind.MONEY),
                ("issued_on", "First issued", Kind.DATE),
                ("age_days", "Age (days)", Kind.DAYS),
            ),
            wip_rows,
        ),
        Table(
            "ageing",
            "By age",
            columns(
                ("age", "Age", Kind.TEXT),
                ("reservations", "Reservations", Kind.INT),
                ("reserved_value", "Reserved value", Kind.MONEY),
                ("wip_lines", "WIP lines", Kind.INT),
                ("wip_value", "WIP value", Kind.MONEY),
            ),
            [(bucket, *figures) for bucket, figures in buckets.items()],
            Chart("bar", "age", ("reserved_value", "wip_value"), "Hanging value by age"),
        ),
    )
    figures = (
        Figure("hanging_reservations", "Hanging reservations", i(total_reservations)),
        Figure(
            "hanging_value",
            "Reserved value hanging",
            (i(total_open_value) + MILLI // 2) // MILLI,
            Kind.MONEY,
        ),
        Figure("old_wip_lines", "Old WIP lines", len(wip_rows)),
        Figure("old_wip_value", "Old WIP value", sum(r[6] for r in wip_rows), Kind.MONEY),
    )
    return Report(
        "hanging", "Hanging reservations and old WIP", {"days": str(days)}, tables, figures
    )
