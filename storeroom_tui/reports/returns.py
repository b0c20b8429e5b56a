"""Report 6: what comes back: return rate and time to return by item and by technician,
and how long returned parts have sat in quarantine.

The rate and the time to return read what each line of the WOs closed in the window
issued, got back, and how many days its returns took from the issue they settle, as kept
at closure (`line_usage`), grouped in SQL by item and by WO assignee.
Quarantine stock is the balance table at QUARANTINE, aged from the last return or receipt
into it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, literal_column, select
from sqlmodel import Session

from models import (
    Balance,
    Item,
    LineUsage,
    LocationKind,
    Lot,
    Movement,
    Serial,
    User,
)
from models._columns import utcnow
from storeroom_tui import catalog
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
    ratio,
    window,
)
from storeroom_tui.reports.hanging import _age_days

ROW_LIMIT = 500


def returns(session: Session, start: date | None = None, end: date | None = None) -> Report:
    start, end = window(start, end)

    # issued and returned per line of the WOs closed in the window, with how many returns
    # came back and their days from the issue, all as kept at closure (line_usage, read
    # from its covering index), by item or by WO assignee
    usage = LineUsage
    in_usage = (usage.closed_on >= start, usage.closed_on <= end)  # type: ignore[operator]

    def grouped(by_technician: bool) -> list:
        """(key, issued, returned, sum of days in thousandths, returns) per item or per WO
        assignee."""
        key = usage.assignee_id if by_technician else usage.item_id
        totals = select(
            key,
            func.sum(usage.issued),
            func.sum(usage.returned),
            func.sum(usage.return_days),
            func.sum(usage.returns),
        ).where(*in_usage)
        return list(session.execute(totals.group_by(key)).all())

    def table(by_technician: bool, label: tuple[str, str, str, str]) -> tuple[Table, int, int]:
        figures = {
            key: (i(iss), i(ret), i(days), i(n))
            for key, iss, ret, days, n in grouped(by_technician)
        }
        rows = [
            (key, iss, ret, ratio(ret, iss), (days + n // 2) // n if n else None)
            for key, (iss, ret, days, n) in figures.items()
        ]
        # the highest rates first; named after choosing, so only the rows shown are named
        rows.sort(key=lambda r: (-(r[3] or 0), -r[1], r[0] is None, r[0] or 0))
        rows = rows[:ROW_LIMIT]
        ids = [r[0] for r in rows if r[0] is not None]
        named = select(User.id, User.name) if by_technician else select(Item.id, Item.part_number)
        column = User.id if by_technician else Item.id
        names = dict(session.execute(named.where(column.in_(ids or [0]))).all())  # type: ignore[attr-defined]
        rows = [(names.get(r[0], "(none)"), *r[1:]) for r in rows]
        rows.sort(key=lambda r: (-(r[3] or 0), -r[1], r[0]))
        shown = Table(
            label[0],
            label[1],
            columns(
                (label[2], label[3], Kind.TEXT),
                ("issued", "Issued", Kind.QTY),
                ("returned", "Returned", Kind.QTY),
                ("return_rate", "Return rate %", Kind.PERCENT),
                ("days_to_return", "Days to return (avg)", Kind.DAYS),
            ),
            rows,
            Chart("bar", label[2], ("return_rate",), label[1]),
            f"{len(rows)} of {len(figures)}, highest return rate first",
        )
        return shown, sum(f[0] for f in figures.values()), sum(f[1] for f in figures.values())

    by_item, total_issued, total_returned = table(
        False, ("items", "Returns by item", "part", "Part")
    )
    by_technician, _, _ = table(
        True, ("technicians", "Returns by technician (WO assignee)", "technician", "Technician")
    )

    quarantine = catalog.virtual_location(session, LocationKind.QUARANTINE)
    lot_of = func.coalesce(Movement.lot_id, literal_column("0"))
    serial_of = func.coalesce(Movement.serial_id, literal_column("0"))
    last_in = (
        select(
            Movement.item_id,
            lot_of.label("lot_id"),
            serial_of.label("serial_id"),
            func.max(Movement.created_at).label("since"),
        )
        # stock reaches quarantine by a return to inspect or a receipt held for inspection
        .where(
            Movement.kind.in_(("return", "receive")),  # type: ignore[attr-defined]
            Movement.to_location_id == quarantine.id,
        )
        .group_by(Movement.item_id, lot_of, serial_of)
        .subquery()
    )
    now = utcnow()
    held = []
    for part, lot, serial, qty, avg, since in session.execute(
        select(
            Item.part_number,
            Lot.lot_no,
            Serial.serial_no,
            Balance.qty,
            Item.avg_cost,
            last_in.c.since,
        )
        .select_from(Balance)
        .join(Item, Item.id == Balance.item_id)
        .outerjoin(Lot, Lot.id == Balance.lot_id)
        .outerjoin(Serial, Serial.id == Balance.serial_id)
        .outerjoin(
            last_in,
            and_(
                last_in.c.item_id == Balance.item_id,
                last_in.c.lot_id == Balance.lot_id,
                last_in.c.serial_id == Balance.serial_id,
            ),
        )
        .where(Balance.location_id == quarantine.id, Balance.qty > 0)
        .order_by(last_in.c.since)
    ):
        age = _age_days(since, now) if since is not None else 0
        held.append(
            (
                part,
                lot,
                serial,
                i(qty),
                (i(qty) * i(avg) + MILLI // 2) // MILLI,
                str(since)[:10] if since is not None else None,
                age * MILLI,
                age_bucket(age),
            )
        )
    buckets = {bucket: [0, 0, 0] for bucket in AGE_BUCKETS}
    for row in held:
        buckets[row[7]][0] += 1
        buckets[row[7]][1] += row[3]
        buckets[row[7]][2] += row[4]
    tables = (
        by_item,
        by_technician,
        Table(
            "quarantine",
            "In quarantine",
            columns(
                ("part", "Part", Kind.TEXT),
                ("lot", "Lot", Kind.TEXT),
                ("serial", "Serial", Kind.TEXT),
                ("qty", "Qty", Kind.QTY),
                ("value", "Value", Kind.MONEY),
                ("since", "In quarantine since", Kind.DATE),
                ("age_days", "Age (days)", Kind.DAYS),
                ("age", "Age", Kind.TEXT),
            ),
            held,
        ),
        Table(
            "quarantine_ageing",
            "Quarantine ageing",
            columns(
                ("age", "Age", Kind.TEXT),
                ("lines", "Lines", Kind.INT),
                ("qty", "Qty", Kind.QTY),
                ("value", "Value", Kind.MONEY),
            ),
            [(bucket, *figures) for bucket, figures in buckets.items()],
            Chart("bar", "age", ("value",), "Quarantine value by age"),
        ),
    )
    figures = (
        Figure("return_rate", "Return rate", ratio(total_returned, total_issued), Kind.PERCENT),
        Figure("quarantine_lines", "Lines in quarantine", len(held)),
        Figure("quarantine_value", "Value in quarantine", sum(r[4] for r in held), Kind.MONEY),
    )
    params = {"start": start.isoformat(), "end": end.isoformat()}
    return Report("returns", "Returns", params, tables, figures)
