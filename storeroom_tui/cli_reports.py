"""`storeroom report NAME` and `storeroom journal`: the plant's reports in the terminal and
as CSV / XLSX / JSON files, and the period's journal for accounting. Registered on
`storeroom_tui.cli.app`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from storeroom_tui import reports
from storeroom_tui.cli import STATE, app, emit, out, refusals
from storeroom_tui.quantities import format_money, money_json
from storeroom_tui.reports.common import Report, Table
from storeroom_tui.reports.export import FORMATS, export, journal, write

report_app = typer.Typer(
    help="Reports: "
    + ", ".join(spec.name for spec in reports.REPORTS)
    + ". `storeroom report list` says what each takes.",
    no_args_is_help=True,
)
app.add_typer(report_app, name="report")


def _rich(table: Table, limit: int) -> RichTable:
    view = RichTable(title=table.title, title_justify="left")
    for column in table.columns:
        view.add_column(column.title, justify="right" if column.numeric else "left")
    for row in table.formatted()[:limit]:
        view.add_row(*row)
    notes = [table.note] if table.note else []
    if len(table.rows) > limit:
        notes.append(f"first {limit} of {len(table.rows)} rows shown; --limit N or --format csv")
    view.caption = "; ".join(notes)
    return view


def _show(report: Report, table_key: str | None, limit: int) -> None:
    out.print(
        f"[bold]{report.title}[/] · " + ", ".join(f"{k} {v}" for k, v in report.parameters.items())
    )
    if report.figures:
        out.print("  ".join(f"{f.label}: [bold]{f.format() or '-'}[/]" for f in report.figures))
    for table in (report.table(table_key),) if table_key else report.tables:
        out.print(_rich(table, limit))


@report_app.command("list")
@refusals
def report_list() -> None:
    """Every report, what it shows and the parameters it takes."""
    view = RichTable("Report", "What", "Parameters")
    for spec in reports.REPORTS:
        view.add_row(
            spec.name,
            spec.summary,
            ", ".join(f"--{p.name} ({p.default or p.kind})" for p in spec.params) or "-",
        )
    emit(
        {
            "reports": [
                {
                    "name": spec.name,
                    "title": spec.title,
                    "summary": spec.summary,
                    "params": [
                        {"name": p.name, "kind": p.kind, "help": p.help, "default": p.default}
                        for p in spec.params
                    ],
                }
                for spec in reports.REPORTS
            ]
        },
        view,
    )


# one command per report keeps `storeroom report kpi --help` specific; they share this body
def _run(
    name: str,
    params: dict[str, str | None],
    fmt: str | None,
    output: Path | None,
    table: str | None,
    limit: int,
) -> None:
    if fmt is not None and fmt.strip().lower() not in FORMATS:
        raise typer.BadParameter(
            f"{fmt!r} is not one of: {', '.join(FORMATS)}", param_hint="--format"
        )
    if fmt is None and output is not None:
        fmt = output.suffix.lstrip(".").lower() or None
        if fmt not in FORMATS:
            raise typer.BadParameter(
                f"cannot tell the format from {output.name!r}: give --format csv|xlsx|json",
                param_hint="--out",
            )
    if fmt is not None and fmt.strip().lower() == "xlsx" and output is None:
        raise typer.BadParameter("an XLSX export needs a file: --out FILE.xlsx", param_hint="--out")
    store = STATE.store(signed_in=False)
    report = store.read(reports.run_report, name, params)
    if fmt is None:
        if STATE.json:
            emit(report.as_dict(), "")
        else:
            _show(report, table, limit)
        return
    result = export(report, fmt, output, table)
    if output is None:
        sys.stdout.write(result.content.decode())
        sys.stdout.flush()
        return
    emit(
        {
            "report": report.name,
            "format": result.format,
            "path": str(result.path),
            "tables": list(result.tables),
            "rows": result.rows,
            "parameters": report.parameters,
        },
        f"{report.title}: {result.rows} rows ({', '.join(result.tables)}) written to "
        f"{result.path} as {result.format}",
    )


Format = Annotated[
    str | None, typer.Option("--format", help="csv, xlsx or json; without it, a table here.")
]
Out = Annotated[Path | None, typer.Option("--out", help="The file to write (else stdout).")]
TableKey = Annotated[
    str | None, typer.Option("--table", help="One table of the report (CSV: the first).")
]
Limit = Annotated[int, typer.Option("--limit", help="Rows shown per table here.")]
Start = Annotated[str | None, typer.Option("--start", help="YYYY-MM-DD; 12 months back")]
End = Annotated[str | None, typer.Option("--end", help="YYYY-MM-DD; today")]
AssetTag = Annotated[str | None, typer.Option("--asset", help="An asset and all below it.")]


@report_app.command("asset-cost")
@refusals
def asset_cost(
    start: Start = None,
    end: End = None,
    asset: AssetTag = None,
    fmt: Format = None,
    output: Out = None,
    table: TableKey = None,
    limit: Limit = 40,
) -> None:
    """Cost per asset over time, with the repair-vs-replace signal."""
    _run("asset-cost", {"start": start, "end": end, "asset": asset}, fmt, output, table, limit)


@report_app.command("planned-reactive")
@refusals
def planned_reactive(
    start: Start = None,
    end: End = None,
    asset: AssetTag = None,
    fmt: Format = None,
    output: Out = None,
    table: TableKey = None,
    limit: Limit = 40,
) -> None:
    """Planned vs reactive: cost and hours, and the emergency premium."""
    params = {"start": start, "end": end, "asset": asset}
    _run("planned-reactive", params, fmt, output, table, limit)


@report_app.command("budget-variance")
@refusals
def budget_variance(
    period: Annotated[str | None, typer.Option("--period", help="YYYY-MM; this month")] = None,
    scope: Annotated[str | None, typer.Option("--scope", help="asset|cost_centre|site")] = None,
    fmt: Format = None,
    output: Out = None,
    table: TableKey = None,
    limit: Limit = 40,
) -> None:
    """Budget variance per asset, cost centre and site for one month."""
    _run("budget-variance", {"period": period, "scope": scope}, fmt, output, table, limit)


@report_app.command("consumption")
@refusals
def consumption(
    start: Start = None,
    end: End = None,
    wo: Annotated[str | None, typer.Option("--wo", help="One WO's lines, lots, serials.")] = None,
    top: Annotated[str | None, typer.Option("--top", help="Items by discrepancy; 20")] = None,
    fmt: Format = None,
    output: Out = None,
    table: TableKey = None,
    limit: Limit = 40,
) -> None:
    """Consumption by WO, down to line, lot and serial; top items by discrepancy."""
    params = {"start": start, "end": end, "wo": wo, "top": top}
    _run("consumption", params, fmt, output, table, limit)


@report_app.command("hanging")
@refusals
def hanging(
    days: Annotated[str | None, typer.Option("--days", help="Older than N days; 14")] = None,
    fmt: Format = None,
    output: Out = None,
    table: TableKey = None,
    limit: Limit = 40,
) -> None:
    """Hanging reservations and WIP older than N days."""
    _run("hanging", {"days": days}, fmt, output, table, limit)


@report_app.command("returns")
@refusals
def returns(
    start: Start = None,
    end: End = None,
    fmt: Format = None,
    output: Out = None,
    table: TableKey = None,
    limit: Limit = 40,
) -> None:
    """Return rate and time to return by item and technician; quarantine ageing."""
    _run("returns", {"start": start, "end": end}, fmt, output, table, limit)


@report_app.command("mro-pattern")
@refusals
def mro_pattern(
    start: Start = None,
    end: End = None,
    item: Annotated[str | None, typer.Option("--item", help="One item's months.")] = None,
    fmt: Format = None,
    output: Out = None,
    table: TableKey = None,
    limit: Limit = 40,
) -> None:
    """Monthly use per item and a suggested min / max."""
    params = {"start": start, "end": end, "item": item}
    _run("mro-pattern", params, fmt, output, table, limit)


@report_app.command("kpi")
@refusals
def kpi(
    start: Start = None,
    end: End = None,
    asset: AssetTag = None,
    fmt: Format = None,
    output: Out = None,
    table: TableKey = None,
    limit: Limit = 40,
) -> None:
    """MTTR, MTBF, backlog, first-time fix, completion time, labour per technician."""
    _run("kpi", {"start": start, "end": end, "asset": asset}, fmt, output, table, limit)


@app.command("journal")
@refusals
def journal_command(
    period: Annotated[str, typer.Option("--period", help="The month, YYYY-MM.")],
    output: Annotated[
        Path | None, typer.Option("--out", help="The CSV file (else stdout).")
    ] = None,
) -> None:
    """The period's WO cost postings by cost centre and account, as CSV for accounting."""
    book = STATE.store(signed_in=False).read(journal, period)
    if output is None:
        sys.stdout.write(book.csv())
        sys.stdout.flush()
        return
    write(output, book.csv().encode())
    emit(
        {
            "period": book.period,
            "path": str(output),
            "lines": len(book.lines),
            "total": money_json(book.total),
            "accounts": {account: money_json(v) for account, v in sorted(book.totals.items())},
        },
        f"journal {book.period}: {len(book.lines)} postings, total {format_money(book.total)}, "
        f"written to {output}",
    )
