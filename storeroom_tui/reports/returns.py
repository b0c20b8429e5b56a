"""Report 6: what comes back: return rate and time to return by item and by technician,
and how long returned parts have sat in quarantine.

The rate and the time to return read what each line of the WOs closed in the window
issued, got back, and how many days its returns took from the issue they settle, as kept
at closure, grouped in SQL by item and by WO assignee: the window's whole months from the
monthly totals (`item_month`, `assignee_month`), the days at either end from the lines
themselves (`line_usage`).
Quarantine stock is the balance table at QUARANTINE, aged from the last return or receipt
into it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, literal_column, select, union_all
from sqlmodel import Session

from models import (
    AssigneeMonth,
    Balance,
    Item,
    ItemMonth,
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
    month_cut,
    ratio,
    window,
)
from storeroom_tui.reports.hanging import _age_days

ROW_LIMIT = 500


def returns(session: Session, start: date | None = None, end: date | None = None) -> Report:
    start, end = window(start, end)

    # issued and returned per line of the WOs closed in the window, with how many returns
    # came back and their days from the issue, as kept at closure: the whole months from
    # their monthly totals (`item_month`, `assignee_month`), the days at either end from
    # the lines (`line_usage`, read from its covering index), added up in SQL
    cut = month_cut(start, end)
    amounts = ("lines", "issued", "returned", "return_days", "returns")

    def grouped(by_technician: bool) -> list:
        """(key, lines, issued, returned, sum of days in thousandths, returns) per item, or
        per WO assignee (WOs without one left out)."""
        usage = LineUsage
        key = usage.assignee_id if by_technician else usage.item_id
        parts = [
            select(key.label("key"), func.count().label("lines"))
            .add_columns(*(func.sum(getattr(usage, a)).label(a) for a in amounts[1:]))
            .where(usage.closed_on.between(first, last), key.is_not(None))  # type: ignore[union-attr,attr-defined]
            .group_by(key)
            for first, last in cut.days
        ]
        if cut.whole:
            month = AssigneeMonth if by_technician else ItemMonth
            month_key = month.assignee_id if by_technician else month.item_id  # type: ignore[attr-defined]
            parts.append(
                select(month_key.label("key"))
                .add_columns(*(func.sum(getattr(month, a)).label(a) for a in amounts))
                .where(month.period.between(cut.first, cut.last))  # type: ignore[attr-defined]
                .group_by(month_key)
            )
        both = union_all(*parts).subquery()
        return list(
            session.execute(
                select(both.c.key, *(func.sum(both.c[a]) for a in amounts)).group_by(both.c.key)
            ).all()
        )

    def table(
        figures: dict[int | None, tuple[int, int, int, int]],
        by_technician: bool,
        label: tuple[str, str, str, str],
    ) -> Table:
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
        return Table(
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

    per_item = {key: tuple(i(v) for v in rest) for key, *rest in grouped(False)}
    per_assignee = {key: tuple(i(v) for v in rest) for key, *rest in grouped(True)}
    # the lines of WOs without an assignee: all the lines less those of someone's WOs
    unassigned = [
        sum(f[n] for f in per_item.values()) - sum(f[n] for f in per_assignee.values())
        for n in range(len(amounts))
    ]
    if unassigned[0]:
        per_assignee[None] = tuple(unassigned)
    by_item = table(
        {key: f[1:] for key, f in per_item.items()},
        False,
        ("items", "Returns by item", "part", "Part"),
    )
    by_technician = table(
        {key: f[1:] for key, f in per_assignee.items()},
        True,
        ("technicians", "Returns by technician (WO assignee)", "technician", "Technician"),
    )
    total_issued = sum(f[1] for f in per_item.values())
    total_returned = sum(f[2] for f in per_item.values())

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
        # (the kinds written as constants: the partial index ix_movement_arrivals is theirs)
        .where(
            Movement.kind.in_((literal_column("'return'"), literal_column("'receive'"))),  # type: ignore[attr-defined]
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
