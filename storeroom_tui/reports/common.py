"""The one shape every report returns, so the Reports screen, the CLI and the exports
render any report the same way: a title, the parameters it ran with, headline figures,
and one or more tables of typed columns, each with a suggested chart.

Numbers stay exact integers in the rows (cents, thousandths of a unit or an hour,
hundredths of a percent); a column's `kind` says how to read and print them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from storeroom_tui.quantities import format_money, format_qty


class Kind(StrEnum):
    """How a column's values are stored (all numbers are ints) and printed."""

    TEXT = "text"  # str
    INT = "int"  # a count
    MONEY = "money"  # cents
    QTY = "qty"  # thousandths of the item's unit
    HOURS = "hours"  # thousandths of an hour
    DAYS = "days"  # thousandths of a day
    PERCENT = "percent"  # hundredths of a percent: 1234 = 12.34 %
    DATE = "date"  # ISO date text, YYYY-MM-DD
    MONTH = "month"  # YYYY-MM text


SCALE: dict[Kind, int] = {
    Kind.INT: 1,
    Kind.MONEY: 100,
    Kind.QTY: 1000,
    Kind.HOURS: 1000,
    Kind.DAYS: 1000,
    Kind.PERCENT: 100,
}
NUMERIC = frozenset(SCALE)


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # stable, snake_case: the JSON key and the CSV header
    title: str  # for people
    kind: Kind = Kind.TEXT

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC

    def decimal(self, value: Any) -> Decimal | None:
        """The exact value in its unit (12.34 for 1234 cents); None stays None."""
        if value is None or not self.numeric:
            return None
        return Decimal(int(value)) / SCALE[self.kind]

    def format(self, value: Any) -> str:
        """For a table cell or a CSV field: '1,234.50', '2.5', '12.34', '' for none."""
        if value is None:
            return ""
        if self.kind == Kind.MONEY:
            return format_money(int(value))
        if self.kind in (Kind.QTY, Kind.HOURS, Kind.DAYS):
            return format_qty(int(value))
        if self.kind == Kind.PERCENT:
            return f"{Decimal(int(value)) / 100:.2f}"
        return str(value)

    def plain(self, value: Any) -> str:
        """For a file: like `format` but money without thousands separators."""
        if value is None:
            return ""
        if self.kind == Kind.MONEY:
            return format_money(int(value)).replace(",", "")
        return self.format(value)

    def json(self, value: Any) -> Any:
        """A JSON value: numbers as numbers in their unit (exact: ints, or short decimals)."""
        if value is None:
            return None
        if not self.numeric:
            return str(value)
        exact = self.decimal(value)
        assert exact is not None
        return int(exact) if exact == exact.to_integral_value() else float(exact)


@dataclass(frozen=True, slots=True)
class Chart:
    """A suggestion for a picture of a table: `kind` bar, stacked (bars of several y
    columns on top of each other) or line; `x` a column key; `y` numeric column keys."""

    kind: str
    x: str
    y: tuple[str, ...]
    title: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]
    chart: Chart | None = None
    note: str = ""  # e.g. "top 200 of 4,512 by value"

    def index(self, key: str) -> int:
        for position, column in enumerate(self.columns):
            if column.key == key:
                return position
        raise KeyError(key)

    def column(self, key: str) -> Column:
        return self.columns[self.index(key)]

    def values(self, key: str) -> list[Any]:
        position = self.index(key)
        return [row[position] for row in self.rows]

    def formatted(self) -> list[list[str]]:
        return [[c.format(v) for c, v in zip(self.columns, row, strict=True)] for row in self.rows]

    def as_dicts(self) -> list[dict[str, Any]]:
        return [
            {c.key: c.json(v) for c, v in zip(self.columns, row, strict=True)} for row in self.rows
        ]

    def sorted_by(self, key: str, descending: bool = False) -> Table:
        """Rows ordered by one column, None last either way."""
        position = self.index(key)
        present = [row for row in self.rows if row[position] is not None]
        absent = [row for row in self.rows if row[position] is None]
        present.sort(key=lambda row: row[position], reverse=descending)
        return Table(self.key, self.title, self.columns, present + absent, self.chart, self.note)

    def filtered(self, text: str) -> Table:
        """Rows where any cell, as printed, contains `text` (any case)."""
        needle = text.strip().lower()
        if not needle:
            return self
        rows = [
            row
            for row in self.rows
            if any(needle in c.format(v).lower() for c, v in zip(self.columns, row, strict=True))
        ]
        return Table(self.key, self.title, self.columns, rows, self.chart, self.note)


@dataclass(frozen=True, slots=True)
class Figure:
    """A headline number of a report (a KPI): label, value in the kind's unit."""

    key: str
    label: str
    value: Any
    kind: Kind = Kind.INT

    def format(self) -> str:
        return Column(self.key, self.label, self.kind).format(self.value)

    def json(self) -> Any:
        return Column(self.key, self.label, self.kind).json(self.value)


@dataclass(frozen=True, slots=True)
class Report:
    name: str  # as on the command line: asset-cost
    title: str
    parameters: dict[str, str]  # what it ran with, resolved (defaults filled in)
    tables: tuple[Table, ...]
    figures: tuple[Figure, ...] = field(default=())

    def table(self, key: str | None = None) -> Table:
        if key is None:
            return self.tables[0]
        for table in self.tables:
            if table.key == key:
                return table
        known = ", ".join(t.key for t in self.tables)
        from storeroom_tui.errors import InvalidValue

        raise InvalidValue(f"report {self.name} has no table {key!r} (it has: {known})", key)

    def as_dict(self) -> dict[str, Any]:
        return {
            "report": self.name,
            "title": self.title,
            "parameters": dict(self.parameters),
            "figures": {f.key: f.json() for f in self.figures},
            "tables": [
                {
                    "key": t.key,
                    "title": t.title,
                    "note": t.note,
                    "columns": [
                        {"key": c.key, "title": c.title, "kind": c.kind} for c in t.columns
                    ],
                    "chart": (
                        {"kind": t.chart.kind, "x": t.chart.x, "y": list(t.chart.y)}
                        if t.chart
                        else None
                    ),
                    "rows": t.as_dicts(),
                }
                for t in self.tables
            ],
        }


# --- arithmetic the reports share ------------------------------------------------------------


def ratio(part: int | None, whole: int | None, scale: int = 10_000) -> int | None:
    """part / whole in hundredths of a percent (scale 10,000 = 100 %), half up; None when
    there is no whole."""
    if part is None or not whole:
        return None
    exact = Decimal(part) * scale / Decimal(whole)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def divide(numerator: int | None, denominator: int | None) -> int | None:
    """numerator / denominator rounded half up; None when there is nothing to divide by."""
    if numerator is None or not denominator:
        return None
    exact = Decimal(numerator) / Decimal(denominator)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def i(value: Any) -> int:
    """An aggregate as an int (SUM gives None over no rows, PostgreSQL gives Decimal)."""
    return int(value or 0)


# --- SQL that differs between SQLite and PostgreSQL ---------------------------------------------


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def month_of(session: Session, column: Any) -> ColumnElement[str]:
    """'YYYY-MM' of a timestamp column, in UTC."""
    if dialect(session) == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def days_between(session: Session, start: Any, end: Any) -> ColumnElement[float]:
    """end - start in days (with fractions) of two timestamp columns."""
    if dialect(session) == "postgresql":
        return func.extract("epoch", end - start) / 86400.0
    return func.julianday(end) - func.julianday(start)


def months(start: date, end: date) -> list[str]:
    """Every 'YYYY-MM' from start's month to end's month, inclusive."""
    found, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


@dataclass(frozen=True, slots=True)
class MonthCut:
    """A window cut for the monthly totals kept at closure (`ItemMonth`, `AssigneeMonth`,
    `LabourMonth`): the whole months inside it, read from the totals, and the days left
    before and after them, read from the rows closed on those days."""

    first: str | None  # 'YYYY-MM' of the first whole month; None when no month is whole
    last: str | None  # 'YYYY-MM' of the last whole month
    days: tuple[tuple[date, date], ...]  # the stretches of days outside them (0, 1 or 2)

    @property
    def whole(self) -> bool:
        return self.first is not None


def month_cut(start: date, end: date) -> MonthCut:
    """Cut [start, end] into whole months and the odd days at either end."""
    first_day = start if start.day == 1 else _next_month(start)
    after_end = end + timedelta(days=1)
    stop = after_end if after_end.day == 1 else end.replace(day=1)  # first day not whole
    if first_day >= stop:
        return MonthCut(None, None, ((start, end),))
    days = []
    if start < first_day:
        days.append((start, first_day - timedelta(days=1)))
    if stop <= end:
        days.append((stop, end))
    last = stop - timedelta(days=1)
    return MonthCut(first_day.strftime("%Y-%m"), last.strftime("%Y-%m"), tuple(days))


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def columns(*spec: tuple[str, str, Kind]) -> tuple[Column, ...]:
    return tuple(Column(key, title, kind) for key, title, kind in spec)


def rows_of(result: Sequence[Any]) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in result]


# --- parameters every report checks the same way ------------------------------------------------


def window(start: date | None, end: date | None) -> tuple[date, date]:
    """The report's dates: default twelve months up to today; an end before the start is
    refused."""
    from storeroom_tui import costs
    from storeroom_tui.reports import default_window

    first, last = default_window()
    start, end = start or (first if end is None else date(end.year - 1, end.month, 1)), end or last
    costs.check_range(start, end)
    return start, end


def subtree(session: Session, tag: str) -> Any:
    """A recursive CTE of the ids of an asset and everything under it (unknown tag refused)."""
    from models import Asset
    from storeroom_tui import catalog

    asset = catalog.find_asset(session, tag)
    base = select(Asset.id.label("id")).where(Asset.id == asset.id).cte("subtree", recursive=True)  # type: ignore[union-attr]
    child = select(Asset.id).join(base, Asset.parent_id == base.c.id)
    return base.union_all(child)


def every_asset(session: Session, tree: Any) -> bool:
    """Whether a subtree (`subtree`) holds every asset, as the site of a one-site plant
    does: filtering by it keeps everything, so a report may read as for the whole plant."""
    from models import Asset

    inside = session.execute(select(func.count()).select_from(tree)).scalar_one()
    return bool(inside == session.execute(select(func.count()).select_from(Asset)).scalar_one())


def net_movement() -> tuple[Any, Any, Any]:
    """(movement, effective kind, sign): a reversal counts as its original's kind with the
    opposite sign, so SUM(sign * qty) per kind nets mistakes out in one pass."""
    from sqlalchemy import case
    from sqlalchemy.orm import aliased

    from models import Movement

    original = aliased(Movement, name="original")
    kind = func.coalesce(original.kind, Movement.kind)
    sign = case((Movement.kind == "reversal", -1), else_=1)
    return original, kind, sign


def age_bucket(days: int) -> str:
    if days <= 7:
        return "0-7 days"
    if days <= 30:
        return "8-30 days"
    if days <= 90:
        return "31-90 days"
    return "over 90 days"


AGE_BUCKETS = ("0-7 days", "8-30 days", "31-90 days", "over 90 days")
