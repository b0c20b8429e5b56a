"""The plant's reports: each a read-only service `(session, params...) -> Report`, reading
with SQL aggregates, and this registry so the CLI and the Reports screen list them, parse
their parameters the same way, and run them by name.

    store.read(reports.run_report, "asset-cost", {"start": "2026-01-01", "asset": "PUMP-07"})
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from storeroom_tui import costs, ledger
from storeroom_tui.errors import InvalidValue, UnknownReport
from storeroom_tui.reports import (
    asset_cost,
    budget_variance,
    consumption,
    hanging,
    kpi,
    mro_pattern,
    planned_reactive,
    returns,
)
from storeroom_tui.reports.common import Chart, Column, Figure, Kind, Report, Table

__all__ = [
    "REPORTS",
    "Chart",
    "Column",
    "Figure",
    "Kind",
    "Param",
    "Report",
    "ReportSpec",
    "Table",
    "default_window",
    "find_report",
    "run_report",
]


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter of a report, as the CLI option `--name` and a field on the screen.

    kind: date (YYYY-MM-DD), period (YYYY-MM), asset (a tag), work_order (a number),
    item (a part number), int (a whole number > 0), scope (asset|cost_centre|site)."""

    name: str
    kind: str
    help: str
    default: str = ""  # printed; empty = none / all


@dataclass(frozen=True, slots=True)
class ReportSpec:
    name: str
    title: str
    summary: str
    params: tuple[Param, ...]
    run: Callable[..., Report]


def default_window(today: date | None = None) -> tuple[date, date]:
    """Twelve months up to today: from the first day of the month eleven months back."""
    end = today or ledger.today()
    month = end.month - 11
    year = end.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, 1), end


_START = Param("start", "date", "first day (YYYY-MM-DD)", "12 months back")
_END = Param("end", "date", "last day (YYYY-MM-DD)", "today")


def _parse(spec: ReportSpec, raw: Mapping[str, Any]) -> dict[str, Any]:
    known = {p.name: p for p in spec.params}
    unknown = [name for name, value in raw.items() if name not in known and value not in (None, "")]
    if unknown:
        names = ", ".join(p.name for p in spec.params) or "none"
        raise InvalidValue(
            f"report {spec.name} takes no parameter {unknown[0]!r} (it takes: {names})",
            unknown[0],
        )
    values: dict[str, Any] = {}
    for param in spec.params:
        value = raw.get(param.name)
        if value is None or value == "":
            continue
        if param.kind == "date":
            values[param.name] = costs.parse_day(value, f"{param.name} date")
        elif param.kind == "period":
            values[param.name] = costs.parse_period(value)
        elif param.kind == "int":
            text = str(value).strip()
            if not text.isdigit() or int(text) <= 0:
                raise InvalidValue(f"{param.name} {text!r} must be a whole number above 0", text)
            values[param.name] = int(text)
        else:
            values[param.name] = str(value).strip()
    return values


def run_report(session: Session, name: str, params: Mapping[str, Any] | None = None) -> Report:
    """Run report `name` with text parameters (as typed on the command line or the screen)."""
    spec = find_report(name)
    return spec.run(session, **_parse(spec, params or {}))


def find_report(name: str) -> ReportSpec:
    key = name.strip().lower().replace("_", "-")
    for spec in REPORTS:
        if spec.name == key:
            return spec
    known = ", ".join(spec.name for spec in REPORTS)
    raise UnknownReport(f"no report {name!r} (known: {known})", name)


def _registry() -> tuple[ReportSpec, ...]:
    return (
        ReportSpec(
            "asset-cost",
            "Cost per asset over time",
            "closed-WO cost per asset and per month; lifetime cost against replacement value",
            (_START, _END, Param("asset", "asset", "an asset and everything under it", "all")),
            asset_cost.asset_cost,
        ),
        ReportSpec(
            "planned-reactive",
            "Planned vs reactive",
            "cost and hours of PM/INSP against CM/EM work, and the emergency premium",
            (_START, _END, Param("asset", "asset", "an asset and everything under it", "all")),
            planned_reactive.planned_reactive,
        ),
        ReportSpec(
            "budget-variance",
            "Budget variance",
            "budget against actual cost per asset, cost centre and site for a month",
            (
                Param("period", "period", "the month (YYYY-MM)", "this month"),
                Param("scope", "scope", "asset, cost_centre or site", "all"),
            ),
            budget_variance.budget_variance,
        ),
        ReportSpec(
            "consumption",
            "Consumption by work order",
            "parts used per WO, per line, lot and serial; issued vs planned; top discrepancies",
            (
                _START,
                _END,
                Param("wo", "work_order", "one WO's lines, lots and serials", "all WOs"),
                Param("top", "int", "how many items by discrepancy", "20"),
            ),
            consumption.consumption,
        ),
        ReportSpec(
            "hanging",
            "Hanging reservations and old WIP",
            "reservations never issued and parts in WIP for longer than N days",
            (Param("days", "int", "older than this many days", "14"),),
            hanging.hanging,
        ),
        ReportSpec(
            "returns",
            "Returns",
            "return rate and time to return by item and technician; quarantine ageing",
            (_START, _END),
            returns.returns,
        ),
        ReportSpec(
            "mro-pattern",
            "MRO consumption pattern",
            "monthly use per item and a suggested min / max from it",
            (_START, _END, Param("item", "item", "one item's months", "all items")),
            mro_pattern.mro_pattern,
        ),
        ReportSpec(
            "kpi",
            "Maintenance KPIs",
            "MTTR, MTBF, backlog, first-time fix, completion time, labour per technician",
            (_START, _END, Param("asset", "asset", "an asset and everything under it", "all")),
            kpi.kpi,
        ),
    )


REPORTS: tuple[ReportSpec, ...] = _registry()
