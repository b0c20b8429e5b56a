"""Reports as files: CSV (one table), XLSX (a sheet per table, plus one of figures and
parameters) and JSON (everything), and the accounting journal of a period as CSV.

Numbers are written exactly: CSV and JSON from the integer cents / thousandths, XLSX as
numbers with a number format (money with 2 decimals), so a spreadsheet can sum them.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, literal, select, union_all
from sqlmodel import Session

from models import Asset, WorkOrder, WorkOrderCost
from storeroom_tui import costs
from storeroom_tui.errors import ExportFailed, InvalidValue
from storeroom_tui.quantities import format_money
from storeroom_tui.reports.common import Kind, Report, Table

FORMATS = ("csv", "xlsx", "json")


def parse_format(text: str) -> str:
    value = text.strip().lower()
    if value not in FORMATS:
        raise InvalidValue(f"format {text!r} is not one of: {', '.join(FORMATS)}", text)
    return value


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in table.columns])
    for row in table.rows:
        writer.writerow([c.plain(v) for c, v in zip(table.columns, row, strict=True)])
    return out.getvalue()


def report_json(report: Report) -> str:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False)


def _xlsx_value(kind: Kind, value: Any) -> Any:
    if value is None:
        return None
    if kind in (Kind.TEXT, Kind.DATE, Kind.MONTH):
        return str(value)
    if kind == Kind.INT:
        return int(value)
    from storeroom_tui.reports.common import SCALE

    exact = Decimal(int(value)) / SCALE[kind]
    return int(exact) if exact == exact.to_integral_value() else float(exact)


_XLSX_FORMAT = {
    Kind.MONEY: "#,##0.00",
    Kind.PERCENT: "0.00",
    Kind.QTY: "0.###",
    Kind.HOURS: "0.###",
    Kind.DAYS: "0.###",
    Kind.INT: "0",
}


def report_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    assert about is not None
    about.title = "report"
    about.append(["report", report.name])
    about.append(["title", report.title])
    for key, value in report.parameters.items():
        about.append([key, value])
    for figure in report.figures:
        about.append([figure.key, _xlsx_value(figure.kind, figure.value)])
    for table in report.tables:
        sheet = book.create_sheet(table.key[:31])
        sheet.append([c.key for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_xlsx_value(c.kind, v) for c, v in zip(table.columns, row, strict=True)])
        for position, column in enumerate(table.columns, start=1):
            number_format = _XLSX_FORMAT.get(column.kind)
            if number_format:
                for (cell,) in sheet.iter_rows(
                    min_row=2, min_col=position, max_col=position, max_row=sheet.max_row
                ):
                    cell.number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class Export:
    path: Path | None  # None: written to standard output (csv, json)
    format: str
    tables: tuple[str, ...]
    rows: int
    content: bytes  # what was written


def export(report: Report, fmt: str, out: Path | None = None, table: str | None = None) -> Export:
    """Render `report` as `fmt` and write it to `out` (when given)."""
    fmt = parse_format(fmt)
    if fmt == "csv":
        chosen = report.table(table)
        content, tables, rows = table_csv(chosen).encode(), (chosen.key,), len(chosen.rows)
    elif fmt == "json":
        content = report_json(report).encode()
        tables, rows = tuple(t.key for t in report.tables), sum(len(t.rows) for t in report.tables)
    else:
        if out is None:
            raise InvalidValue("an XLSX export needs a file: --out FILE.xlsx", fmt)
        content = report_xlsx(report)
        tables, rows = tuple(t.key for t in report.tables), sum(len(t.rows) for t in report.tables)
    if out is not None:
        write(out, content)
    return Export(out, fmt, tables, rows, content)


def write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as error:
        raise ExportFailed(f"cannot write {path}: {error.strerror or error}", str(path)) from None


# --- the accounting journal ---

JOURNAL_COLUMNS = (
    "period",
    "posting_date",
    "work_order",
    "wo_type",
    "asset",
    "cost_centre",
    "account",
    "amount",
)
# the cost account each kind of WO cost is posted to
ACCOUNTS = {
    "parts": "maintenance-parts",
    "labour": "maintenance-labour",
    "contractor": "maintenance-contractors",
}


@dataclass(frozen=True, slots=True)
class Journal:
    period: str
    lines: list[tuple[str, str, str, str, str, str, str, int]]
    totals: dict[str, int]  # account -> cents
    by_cost_centre: dict[tuple[str, str], int]  # (cost centre, account) -> cents

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(JOURNAL_COLUMNS)
        for line in self.lines:
            writer.writerow([*line[:7], format_money(line[7]).replace(",", "")])
        return out.getvalue()


def journal(session: Session, period: str) -> Journal:
    """The period's WO cost postings: one line per closed WO and cost kind (parts, labour,
    contractor) that is not zero, with its asset's cost centre and the account."""
    month = costs.parse_period(period)
    cost = WorkOrderCost

    def part(kind: str, amount: Any) -> Any:
        return (
            select(
                WorkOrder.number.label("number"),
                WorkOrder.wo_type.label("wo_type"),
                Asset.tag.label("asset"),
                func.coalesce(Asset.cost_centre, "").label("cost_centre"),
                cost.closed_on.label("closed_on"),
                literal(ACCOUNTS[kind]).label("account"),
                amount.label("amount"),
            )
            .join(WorkOrder, WorkOrder.id == cost.wo_id)
            .join(Asset, Asset.id == WorkOrder.asset_id)
            .where(cost.period == month, amount != 0)
        )

    lines_sq = union_all(
        part("parts", cost.parts_cost),
        part("labour", cost.labour_cost),
        part("contractor", cost.contractor_cost),
    ).subquery()
    rows = session.execute(
        select(lines_sq).order_by(
            lines_sq.c.cost_centre, lines_sq.c.closed_on, lines_sq.c.number, lines_sq.c.account
        )
    ).all()
    lines = []
    totals: dict[str, int] = {}
    by_centre: dict[tuple[str, str], int] = {}
    for number, wo_type, tag, centre, closed_on, account, amount in rows:
        cents = int(amount)
        lines.append((month, str(closed_on)[:10], number, wo_type, tag, centre, account, cents))
        totals[account] = totals.get(account, 0) + cents
        by_centre[(centre, account)] = by_centre.get((centre, account), 0) + cents
    return Journal(month, lines, totals, by_centre)
