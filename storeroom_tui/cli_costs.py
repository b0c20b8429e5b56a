"""`storeroom labour|contractor|downtime|estimate|rate|budget|cost` and `storeroom asset value`:
the cost of work booked on WOs, and the rates, budgets and asset values it is priced and
judged by. Registered on `storeroom_tui.cli.app`; every command takes `--json`."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from storeroom_tui import costs
from storeroom_tui.cli import STATE, _actor_store, app, asset_app, emit, refusals
from storeroom_tui.quantities import format_money, format_qty, money_json, qty_json

labour_app = typer.Typer(help="Labour booked on work orders.", no_args_is_help=True)
contractor_app = typer.Typer(help="Contractor work on work orders.", no_args_is_help=True)
rate_app = typer.Typer(help="Blended hourly rates per trade.", no_args_is_help=True)
budget_app = typer.Typer(
    help="Maintenance budgets per asset, cost centre or site and month.", no_args_is_help=True
)
app.add_typer(labour_app, name="labour")
app.add_typer(contractor_app, name="contractor")
app.add_typer(rate_app, name="rate")
app.add_typer(budget_app, name="budget")


def _labour_json(b: costs.LabourBooking) -> dict[str, Any]:
    return {
        "uuid": b.uuid,
        "work_order": b.number,
        "technician": b.technician,
        "trade": b.trade,
        "date": b.work_date.isoformat(),
        "hours": qty_json(b.hours),
        "rate": money_json(b.rate),
        "overtime": b.overtime,
        "factor": qty_json(b.factor),
        "cost": money_json(b.cost),
    }


def _contractor_json(b: costs.ContractorBooking) -> dict[str, Any]:
    return {
        "uuid": b.uuid,
        "work_order": b.number,
        "vendor": b.vendor,
        "date": b.work_date.isoformat(),
        "hours": qty_json(b.hours) if b.hours is not None else None,
        "rate": money_json(b.rate) if b.rate is not None else None,
        "cost": money_json(b.cost),
        "po": b.po_number,
        "description": b.description,
    }


# --- labour ----------------------------------------------------------------------------------


@labour_app.command("add")
@refusals
def labour_add(
    wo: str,
    technician: Annotated[str, typer.Option("--tech", help="The technician's badge.")],
    hours: Annotated[str, typer.Option("--hours", help="Hours worked, e.g. 2.5")],
    trade: Annotated[str, typer.Option("--trade", help="The trade whose rate applies.")],
    work_date: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD; today")] = None,
    overtime: Annotated[bool, typer.Option("--overtime", help="At the overtime factor.")] = False,
    rate: Annotated[
        str | None, typer.Option("--rate", help="An agreed rate instead of the trade's.")
    ] = None,
) -> None:
    """Book a technician's hours on a WO (refused past 24 h a day for one person)."""
    booking = _actor_store().write(
        costs.book_labour,
        wo,
        technician,
        costs.parse_hours(hours),
        trade,
        costs.parse_day(work_date),
        overtime,
        costs.parse_rate(rate) if rate is not None else None,
    )
    emit(
        {**_labour_json(booking), "day_hours": qty_json(booking.day_hours)},
        f"[green]{booking.describe()}[/]; {format_qty(booking.day_hours)} h that day",
    )


@labour_app.command("list")
@refusals
def labour_list(wo: str) -> None:
    """The labour booked on a WO."""
    entries = STATE.store(signed_in=False).read(costs.labour_of, wo)
    table = Table("Date", "Technician", "Trade", "Hours", "Rate", "OT", "Cost")
    for b in entries:
        table.add_row(
            b.work_date.isoformat(),
            f"{b.technician_name} ({b.technician})",
            b.trade,
            format_qty(b.hours),
            format_money(b.rate),
            f"x{format_qty(b.factor)}" if b.overtime else "",
            format_money(b.cost),
        )
    emit({"labour": [_labour_json(b) for b in entries]}, table)


# --- contractors -----------------------------------------------------------------------------


@contractor_app.command("add")
@refusals
def contractor_add(
    wo: str,
    vendor: Annotated[str, typer.Option("--vendor", help="The contractor's name.")],
    hours: Annotated[str | None, typer.Option("--hours", help="Hours, with --rate")] = None,
    rate: Annotated[str | None, typer.Option("--rate", help="Per hour, with --hours")] = None,
    amount: Annotated[str | None, typer.Option("--amount", help="A fixed amount")] = None,
    po: Annotated[str | None, typer.Option("--po", help="The PO it is paid through")] = None,
    work_date: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD; today")] = None,
    description: Annotated[str | None, typer.Option("--desc")] = None,
) -> None:
    """Capture a contractor's work on a WO: --hours and --rate, or --amount."""
    booking = _actor_store().write(
        costs.book_contractor,
        wo,
        vendor,
        costs.parse_hours(hours) if hours is not None else None,
        costs.parse_rate(rate) if rate is not None else None,
        costs.parse_rate(amount, "amount") if amount is not None else None,
        po,
        costs.parse_day(work_date),
        description,
    )
    emit(_contractor_json(booking), f"[green]{booking.describe()}[/]")


@contractor_app.command("list")
@refusals
def contractor_list(wo: str) -> None:
    """The contractor work captured on a WO."""
    entries = STATE.store(signed_in=False).read(costs.contractors_of, wo)
    table = Table("Date", "Vendor", "Hours", "Rate", "Cost", "PO")
    for b in entries:
        table.add_row(
            b.work_date.isoformat(),
            b.vendor,
            format_qty(b.hours) if b.hours is not None else "",
            format_money(b.rate) if b.rate is not None else "",
            format_money(b.cost),
            b.po_number or "",
        )
    emit({"contractors": [_contractor_json(b) for b in entries]}, table)


# --- downtime and estimate -------------------------------------------------------------------


@app.command("downtime")
@refusals
def downtime(wo: str, hours: str) -> None:
    """How long the asset stood still for WO (0 clears it)."""
    row = _actor_store().write(costs.set_downtime, wo, costs.parse_hours_or_zero(hours, "downtime"))
    emit(
        {"work_order": wo.upper(), "downtime_hours": qty_json(row.downtime_hours)},
        f"{wo.upper()}: downtime {format_qty(row.downtime_hours)} h",
    )


@app.command("estimate")
@refusals
def estimate(wo: str, hours: str) -> None:
    """The labour hours WO is expected to take (the backlog counts them)."""
    row = _actor_store().write(costs.set_estimate, wo, costs.parse_hours_or_zero(hours, "estimate"))
    emit(
        {"work_order": wo.upper(), "estimated_hours": qty_json(row.estimated_hours)},
        f"{wo.upper()}: estimated {format_qty(row.estimated_hours)} h",
    )


# --- a WO's cost -----------------------------------------------------------------------------


@app.command("cost")
@refusals
def cost_command(wo: str) -> None:
    """A WO's cost: parts + labour + contractor (frozen once closed), and its downtime."""
    c = STATE.store(signed_in=False).read(costs.work_order_cost, wo)
    table = Table("", "Amount", title=f"{c.number} · {c.wo_type} · {c.asset} · {c.status}")
    for label, amount in (
        ("parts", c.parts),
        ("labour", c.labour),
        ("contractor", c.contractor),
        ("total", c.total),
    ):
        table.add_row(label, format_money(amount))
    table.caption = (
        f"labour {format_qty(c.labour_hours)} h; downtime {format_qty(c.downtime_hours)} h "
        f"= {format_money(c.downtime_cost)} (beside the total); "
        + ("frozen at closure" if c.frozen else "so far")
    )
    emit(
        {
            "work_order": c.number,
            "status": c.status,
            "asset": c.asset,
            "parts": money_json(c.parts),
            "labour": money_json(c.labour),
            "labour_hours": qty_json(c.labour_hours),
            "contractor": money_json(c.contractor),
            "total": money_json(c.total),
            "downtime_hours": qty_json(c.downtime_hours),
            "downtime_cost": money_json(c.downtime_cost),
            "estimated_hours": qty_json(c.estimated_hours),
            "frozen": c.frozen,
        },
        table,
    )


# --- rates -----------------------------------------------------------------------------------


@rate_app.command("set")
@refusals
def rate_set(
    trade: str,
    rate: str,
    overtime: Annotated[str, typer.Option("--overtime", help="Overtime factor, e.g. 1.5")] = "1.5",
) -> None:
    """Set a trade's blended hourly rate and overtime factor."""
    row = _actor_store().write(
        costs.set_trade_rate, trade, costs.parse_rate(rate), costs.parse_factor(overtime)
    )
    emit(
        {
            "trade": row.trade,
            "rate": money_json(row.rate),
            "overtime": qty_json(row.overtime_factor),
        },
        f"{row.trade}: {format_money(row.rate)}/h, overtime x{format_qty(row.overtime_factor)}",
    )


@rate_app.command("list")
@refusals
def rate_list() -> None:
    """Every trade's rate."""
    rows = STATE.store(signed_in=False).read(costs.list_trade_rates)
    table = Table("Trade", "Rate/h", "Overtime")
    for r in rows:
        table.add_row(r.trade, format_money(r.rate), f"x{format_qty(r.overtime_factor)}")
    emit(
        {
            "rates": [
                {
                    "trade": r.trade,
                    "rate": money_json(r.rate),
                    "overtime": qty_json(r.overtime_factor),
                }
                for r in rows
            ]
        },
        table,
    )


# --- budgets ---------------------------------------------------------------------------------


@budget_app.command("set")
@refusals
def budget_set(scope: str, key: str, period: str, amount: str) -> None:
    """Set the budget of SCOPE (asset|cost_centre|site) KEY for PERIOD (YYYY-MM)."""
    row = _actor_store().write(
        costs.set_budget, scope, key, period, costs.parse_amount(amount, "budget")
    )
    emit(
        {
            "scope": row.scope,
            "key": row.key,
            "period": row.period,
            "amount": money_json(row.amount),
        },
        f"budget {row.scope} {row.key} {row.period}: {format_money(row.amount)}",
    )


@budget_app.command("list")
@refusals
def budget_list(
    period: Annotated[str | None, typer.Option("--period", help="YYYY-MM")] = None,
) -> None:
    """The budgets, of one month or all."""
    rows = STATE.store(signed_in=False).read(costs.list_budgets, period)
    table = Table("Period", "Scope", "Key", "Amount")
    for r in rows:
        table.add_row(r.period, r.scope, r.key, format_money(r.amount))
    emit(
        {
            "budgets": [
                {"scope": r.scope, "key": r.key, "period": r.period, "amount": money_json(r.amount)}
                for r in rows
            ]
        },
        table,
    )


# --- asset values ----------------------------------------------------------------------------


@asset_app.command("value")
@refusals
def asset_value(
    tag: str,
    replacement: Annotated[
        str | None, typer.Option("--replacement", help="What a new one would cost.")
    ] = None,
    downtime_rate: Annotated[
        str | None, typer.Option("--downtime-rate", help="Cost of an hour standing still.")
    ] = None,
) -> None:
    """Set an asset's replacement value and hourly downtime cost; show its lifetime cost."""
    changing = replacement is not None or downtime_rate is not None
    store = _actor_store() if changing else STATE.store(signed_in=False)
    if changing:
        store.write(
            costs.set_asset_values,
            tag,
            costs.parse_amount(replacement, "replacement value") if replacement else None,
            costs.parse_amount(downtime_rate, "downtime cost") if downtime_rate else None,
        )
    v = store.read(costs.asset_values, tag)
    emit(
        {
            "asset": v.tag,
            "lifetime_cost": money_json(v.lifetime_cost),
            "own_cost": money_json(v.own_cost),
            "work_orders": v.work_orders,
            "replacement_value": (
                money_json(v.replacement_value) if v.replacement_value is not None else None
            ),
            "downtime_cost_per_hour": money_json(v.downtime_cost_per_hour),
        },
        f"{v.tag} {v.name}: lifetime cost {format_money(v.lifetime_cost)} "
        f"({v.work_orders} closed WOs, {format_money(v.own_cost)} its own); replacement value "
        + (format_money(v.replacement_value) if v.replacement_value is not None else "not set")
        + f"; downtime {format_money(v.downtime_cost_per_hour)}/h",
    )
