"""`storeroom vendor|req|po|invoice|quarantine …`, `storeroom item supply`, `storeroom wo
arrivals|parts-complete|paid` and `storeroom receive --po`: replenishment and purchasing
from the command line, every command with `--json`. Registered on `storeroom_tui.cli.app`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from storeroom_tui import invoicing, ledger, purchasing, receiving
from storeroom_tui.cli import (
    STATE,
    _actor_store,
    _key,
    _posting_json,
    app,
    emit,
    item_app,
    refusals,
    wo_app,
)
from storeroom_tui.errors import InvalidDate, InvalidValue
from storeroom_tui.invoicing import InvoiceLineInput
from storeroom_tui.quantities import (
    format_money,
    format_qty,
    money_json,
    parse_money,
    parse_qty,
    qty_json,
)

vendor_app = typer.Typer(help="Vendors and their prices.", no_args_is_help=True)
req_app = typer.Typer(help="Requisitions: what needs buying.", no_args_is_help=True)
po_app = typer.Typer(help="Purchase orders and their approval.", no_args_is_help=True)
invoice_app = typer.Typer(help="Invoices and the three-way match.", no_args_is_help=True)
quarantine_app = typer.Typer(help="Goods waiting for inspection.", no_args_is_help=True)
app.add_typer(vendor_app, name="vendor")
app.add_typer(req_app, name="req")
app.add_typer(po_app, name="po")
app.add_typer(invoice_app, name="invoice")
app.add_typer(quarantine_app, name="quarantine")


def _date(text: str | None, what: str = "date") -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidDate(f"{what} {text!r} is not a date (YYYY-MM-DD)", text) from None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _read() -> Any:
    return STATE.store(signed_in=False)


# --- vendors ----------------------------------------------------------------------------------


@vendor_app.command("add")
@refusals
def vendor_add(code: str, name: Annotated[str, typer.Option("--name")]) -> None:
    """Add a vendor."""
    vendor = _actor_store().write(purchasing.add_vendor, code, name)
    emit({"code": vendor.code, "name": vendor.name}, f"vendor {vendor.code} {vendor.name}")


@vendor_app.command("list")
@refusals
def vendor_list() -> None:
    """Every vendor."""
    vendors = _read().read(purchasing.list_vendors)
    table = Table("code", "name", "active")
    for v in vendors:
        table.add_row(v.code, v.name, "yes" if v.active else "no")
    emit(
        {"vendors": [{"code": v.code, "name": v.name, "active": v.active} for v in vendors]}, table
    )


def _price_json(p: purchasing.VendorPrice) -> dict[str, Any]:
    return {
        "vendor": p.vendor,
        "part": p.part,
        "vendor_part": p.vendor_part,
        "unit_price": money_json(p.unit_price),
        "lead_time_days": p.lead_time_days,
        "preferred": p.preferred,
    }


@vendor_app.command("price")
@refusals
def vendor_price(
    vendor: str,
    part: str,
    price: Annotated[str, typer.Option("--price", help="Unit price, e.g. 12.50")],
    vendor_part: Annotated[str | None, typer.Option("--vendor-part")] = None,
    lead_time: Annotated[int | None, typer.Option("--lead-time", help="Days.")] = None,
) -> None:
    """Set what a vendor calls an item and charges for it."""
    p = _actor_store().write(
        purchasing.set_vendor_price, vendor, part, parse_money(price), vendor_part, lead_time
    )
    emit(
        _price_json(p),
        f"{p.vendor} sells {p.part} at {format_money(p.unit_price)} "
        f"({p.vendor_part or 'no code'}, {p.lead_time_days} days)",
    )


@vendor_app.command("prices")
@refusals
def vendor_prices(part: str) -> None:
    """Every vendor's price for an item, cheapest first."""
    prices = _read().read(purchasing.vendor_prices, part)
    table = Table("vendor", "their code", "price", "lead time", "preferred")
    for p in prices:
        table.add_row(
            p.vendor,
            p.vendor_part or "",
            format_money(p.unit_price),
            f"{p.lead_time_days} d",
            "✔" if p.preferred else "",
        )
    emit({"part": part.upper(), "prices": [_price_json(p) for p in prices]}, table)


# --- how an item is bought --------------------------------------------------------------------


@item_app.command("supply")
@refusals
def item_supply(
    part: str,
    min_qty: Annotated[str | None, typer.Option("--min")] = None,
    max_qty: Annotated[str | None, typer.Option("--max")] = None,
    reorder_qty: Annotated[str | None, typer.Option("--reorder-qty")] = None,
    lead_time: Annotated[int | None, typer.Option("--lead-time", help="Days.")] = None,
    vendor: Annotated[str | None, typer.Option("--vendor", help="Preferred vendor.")] = None,
    inspect: Annotated[
        bool | None, typer.Option("--inspect/--no-inspect", help="Receipts go to QUARANTINE.")
    ] = None,
) -> None:
    """Show, or set, an item's reorder point, preferred vendor and inspection on receipt."""

    def qty(text: str | None) -> int | None:
        if text is None:
            return None
        return 0 if text.strip() == "0" else parse_qty(text)

    changes = (min_qty, max_qty, reorder_qty, lead_time, vendor, inspect)
    if any(value is not None for value in changes):
        view = _actor_store().write(
            purchasing.set_item_supply,
            part,
            qty(min_qty),
            qty(max_qty),
            qty(reorder_qty),
            lead_time,
            vendor,
            inspect,
        )
    else:
        view = _read().read(purchasing.item_supply, part)
    emit(
        {
            "part": view.part,
            "min": qty_json(view.min_qty),
            "max": qty_json(view.max_qty),
            "reorder_qty": qty_json(view.reorder_qty),
            "lead_time_days": view.lead_time_days,
            "preferred_vendor": view.preferred_vendor,
            "inspect_on_receipt": view.inspect_on_receipt,
            "available": qty_json(view.available),
            "on_order": qty_json(view.on_order),
            "reorder_raised": view.reorder_raised,
        },
        f"{view.part}: min {format_qty(view.min_qty)}, max {format_qty(view.max_qty)}, "
        f"reorder qty {format_qty(view.reorder_qty)}, lead time {view.lead_time_days} d, "
        f"vendor {view.preferred_vendor or 'none'}, "
        f"{'inspected on receipt' if view.inspect_on_receipt else 'no inspection'}; "
        f"available {format_qty(view.available)}, on order {format_qty(view.on_order)}",
    )


# --- requisitions -----------------------------------------------------------------------------


def _req_json(r: purchasing.RequisitionView) -> dict[str, Any]:
    return {
        "number": r.number,
        "part": r.part,
        "qty": qty_json(r.qty),
        "uom": r.uom,
        "source": r.source,
        "status": r.status,
        "work_order": r.work_order,
        "asset": r.asset,
        "vendor": r.vendor,
        "unit_price": money_json(r.unit_price) if r.unit_price is not None else None,
        "needed_by": _iso(r.needed_by),
        "po": r.po_number,
        "erp_number": r.erp_number,
        "expedited": r.expedited,
        "note": r.note,
    }


@req_app.command("list")
@refusals
def req_list(
    status: Annotated[str, typer.Option("--status", help="open|ordered|cancelled|all")] = "open",
    source: Annotated[str | None, typer.Option("--source", help="reorder|shortage|manual")] = None,
) -> None:
    """Requisition lines: emergencies first, then those for a WO, then oldest first."""
    reqs = _read().read(purchasing.list_requisitions, None if status == "all" else status, source)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("number", "part", "qty", "for", "vendor", "status"):
        table.add_column(column, no_wrap=True, justify="right" if column == "qty" else "left")
    for r in reqs:
        table.add_row(
            r.number + (" !" if r.expedited else ""),
            r.part,
            f"{format_qty(r.qty)} {r.uom}",
            r.work_order or r.source,
            r.vendor or "",
            r.po_number or r.status,
        )
    emit({"requisitions": [_req_json(r) for r in reqs]}, table if reqs else "no requisitions")


@req_app.command("add")
@refusals
def req_add(
    part: str,
    qty: str,
    wo: Annotated[str | None, typer.Option("--wo", help="The WO it is for.")] = None,
    vendor: Annotated[str | None, typer.Option("--vendor")] = None,
    needed_by: Annotated[str | None, typer.Option("--needed-by", help="YYYY-MM-DD")] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Raise a requisition by hand."""
    r = _actor_store().write(
        purchasing.raise_requisition,
        part,
        parse_qty(qty),
        wo,
        _date(needed_by, "needed-by"),
        vendor,
        note,
    )
    emit(
        _req_json(r),
        f"{r.number}: {format_qty(r.qty)} {r.uom} {r.part} ({r.vendor or 'no vendor'})",
    )


@req_app.command("cancel")
@refusals
def req_cancel(number: str, reason: Annotated[str, typer.Option("--reason")]) -> None:
    """Cancel an open requisition."""
    r = _actor_store().write(purchasing.cancel_requisition, number, reason)
    emit(_req_json(r), f"{r.number} cancelled")


@req_app.command("order")
@refusals
def req_order(
    numbers: Annotated[list[str], typer.Argument(help="RQ-… numbers to order.")],
    vendor: Annotated[str | None, typer.Option("--vendor", help="One vendor for all.")] = None,
    requested: Annotated[str | None, typer.Option("--date", help="Delivery date.")] = None,
    cost_centre: Annotated[str | None, typer.Option("--cost-centre")] = None,
) -> None:
    """Group requisitions by vendor into draft POs."""
    pos = _actor_store().write(
        purchasing.order_requisitions,
        numbers,
        vendor,
        _date(requested, "delivery date"),
        cost_centre,
    )
    emit(
        {"purchase_orders": [_po_json(po) for po in pos]},
        "\n".join(
            f"{po.number} ({po.vendor}, {len(po.lines)} lines, {format_money(po.total)}) draft"
            for po in pos
        ),
    )


def _write_out(text: str, out: Path | None, what: str) -> None:
    if out is None:
        STATE.json = False  # the export itself is the output
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    rows = max(len(text.splitlines()) - 1, 0)
    emit({"path": str(out), "what": what}, f"{what} written to {out} ({rows} lines)")


@req_app.command("export")
@refusals
def req_export(
    fmt: Annotated[str, typer.Option("--format", help="csv|json")] = "csv",
    out: Annotated[Path | None, typer.Option("--out")] = None,
    status: Annotated[str, typer.Option("--status", help="open|ordered|cancelled|all")] = "open",
) -> None:
    """Requisitions for the ERP, as CSV or JSON (to --out, or to the screen)."""
    text = _read().read(purchasing.export_requisitions, fmt, None if status == "all" else status)
    _write_out(text, out, "requisitions")


# --- purchase orders --------------------------------------------------------------------------


def _po_json(po: purchasing.PurchaseOrderView) -> dict[str, Any]:
    return {
        "number": po.number,
        "vendor": po.vendor,
        "status": po.status,
        "expedited": po.expedited,
        "total": money_json(po.total),
        "requested_date": _iso(po.requested_date),
        "cost_centre": po.cost_centre,
        "erp_number": po.erp_number,
        "created_by": po.created_by,
        "approval_needs": po.approval_needs,
        "lines": [
            {
                "line": line.line_no,
                "part": line.part,
                "qty": qty_json(line.qty),
                "unit_price": money_json(line.unit_price),
                "amount": money_json(line.amount),
                "received": qty_json(line.received),
                "invoiced": qty_json(line.invoiced),
                "requested_date": _iso(line.requested_date),
                "cost_centre": line.cost_centre,
                "work_order": line.work_order,
                "asset": line.asset,
                "requisitions": line.requisitions,
            }
            for line in po.lines
        ],
        "events": [
            {
                "at": e.at.isoformat(),
                "decision": e.decision,
                "from": e.from_status,
                "to": e.to_status,
                "who": e.who,
                "role": e.role,
                "reason": e.reason,
            }
            for e in po.events
        ],
    }


def _po_line(po: purchasing.PurchaseOrderView) -> str:
    flag = " [bold red]EXPEDITED[/]" if po.expedited else ""
    return f"{po.number} {po.vendor} {po.status.replace('_', ' ')} {format_money(po.total)}{flag}"


def _po_table(po: purchasing.PurchaseOrderView) -> Table:
    flag = " — EXPEDITED" if po.expedited else ""
    table = Table(
        title=f"{po.number} — {po.vendor} {po.vendor_name} — {po.status.replace('_', ' ')}{flag}"
    )
    for column in ("line", "part", "qty", "price", "amount", "received", "invoiced", "WO"):
        table.add_column(column, justify="left" if column in ("part", "WO") else "right")
    for line in po.lines:
        table.add_row(
            str(line.line_no),
            line.part,
            f"{format_qty(line.qty)} {line.uom}",
            format_money(line.unit_price),
            format_money(line.amount),
            format_qty(line.received),
            format_qty(line.invoiced),
            line.work_order or "",
        )
    decisions = "; ".join(
        f"{e.decision} by {e.who} ({e.role})" + (f": {e.reason}" if e.reason else "")
        for e in po.events
    )
    table.caption = (
        f"total {format_money(po.total)}; approval needs a {po.approval_needs}; {decisions}"
    )
    return table


@po_app.command("list")
@refusals
def po_list(
    status: Annotated[str | None, typer.Option("--status")] = None,
    vendor: Annotated[str | None, typer.Option("--vendor")] = None,
) -> None:
    """Purchase orders, expedited first, newest first."""
    pos = _read().read(purchasing.list_purchase_orders, status, vendor)
    emit(
        {"purchase_orders": [_po_json(po) for po in pos]},
        "\n".join(_po_line(po) for po in pos) or "no purchase orders",
    )


@po_app.command("show")
@refusals
def po_show(number: str) -> None:
    """A PO with its lines, what was received and invoiced, and every decision."""
    po = _read().read(purchasing.po_detail, number)
    emit(_po_json(po), _po_table(po))


def _po_write(service: Any, *args: Any) -> None:
    po = _actor_store().write(service, *args)
    emit(_po_json(po), _po_line(po))


@po_app.command("create")
@refusals
def po_create(
    vendor: str,
    requested: Annotated[str | None, typer.Option("--date", help="Delivery date.")] = None,
    cost_centre: Annotated[str | None, typer.Option("--cost-centre")] = None,
    expedited: Annotated[bool, typer.Option("--expedited")] = False,
) -> None:
    """An empty draft PO for a vendor."""
    _po_write(
        purchasing.create_purchase_order,
        vendor,
        _date(requested, "delivery date"),
        cost_centre,
        expedited,
    )


@po_app.command("line")
@refusals
def po_line(
    number: str,
    part: str,
    qty: str,
    price: Annotated[str | None, typer.Option("--price", help="Else the vendor's.")] = None,
    wo: Annotated[str | None, typer.Option("--wo")] = None,
    requested: Annotated[str | None, typer.Option("--date")] = None,
) -> None:
    """Add a line to a draft PO."""
    _po_write(
        purchasing.add_po_line,
        number,
        part,
        parse_qty(qty),
        parse_money(price) if price is not None else None,
        wo,
        _date(requested),
    )


@po_app.command("submit")
@refusals
def po_submit(number: str) -> None:
    """Send a draft (or refused) PO for approval."""
    _po_write(purchasing.submit_purchase_order, number)


@po_app.command("approve")
@refusals
def po_approve(number: str, reason: Annotated[str | None, typer.Option("--reason")] = None) -> None:
    """Approve a PO (not your own; within your role's tier)."""
    _po_write(purchasing.approve_purchase_order, number, reason)


@po_app.command("refuse")
@refusals
def po_refuse(number: str, reason: Annotated[str, typer.Option("--reason")]) -> None:
    """Refuse a PO, saying why."""
    _po_write(purchasing.refuse_purchase_order, number, reason)


@po_app.command("cancel")
@refusals
def po_cancel(number: str, reason: Annotated[str, typer.Option("--reason")]) -> None:
    """Cancel a PO with nothing received; its requisitions are open again."""
    _po_write(purchasing.cancel_purchase_order, number, reason)


def _match_json(state: invoicing.MatchState) -> dict[str, Any]:
    return {
        "number": state.po_number,
        "status": state.status,
        "fully_received": state.fully_received,
        "fully_invoiced": state.fully_invoiced,
        "open_exceptions": state.open_exceptions,
        "invoices": [
            {"invoice": ref, "status": status, "total": money_json(total)}
            for ref, status, total in state.invoices
        ],
        "blockers": state.blockers,
        "can_close": state.can_close,
    }


@po_app.command("match")
@refusals
def po_match(number: str) -> None:
    """Where a PO stands in the three-way match, and what keeps it from closing."""
    state = _read().read(invoicing.match_state, number)
    emit(
        _match_json(state),
        f"{state.po_number} {state.status}: "
        + ("can close" if state.can_close else "; ".join(state.blockers)),
    )


@po_app.command("close")
@refusals
def po_close(number: str, reason: Annotated[str | None, typer.Option("--reason")] = None) -> None:
    """Close a fully received, matched PO."""
    state = _actor_store().write(invoicing.close_purchase_order, number, reason)
    emit(_match_json(state), f"[green]{state.po_number} closed[/]")


@po_app.command("review")
@refusals
def po_review(
    on: Annotated[str | None, typer.Option("--date", help="Review as of YYYY-MM-DD.")] = None,
    everything: Annotated[bool, typer.Option("--all", help="On-time POs too.")] = False,
) -> None:
    """The weekly open-PO review: overdue and partly received POs by vendor."""
    review = _read().read(purchasing.open_po_review, _date(on), not everything)
    table = Table("vendor", "PO", "status", "due", "late", "received", "outstanding")
    for vendor in review:
        for po in vendor.purchase_orders:
            table.add_row(
                vendor.vendor,
                po.number + (" !" if po.expedited else ""),
                po.status.replace("_", " "),
                _iso(po.requested_date) or "",
                f"{po.days_late} d" if po.days_late else "",
                format_money(po.received_value),
                format_money(po.outstanding_value),
            )
    emit(
        {
            "vendors": [
                {
                    "vendor": v.vendor,
                    "name": v.vendor_name,
                    "outstanding": money_json(v.outstanding_value),
                    "purchase_orders": [
                        {
                            "number": p.number,
                            "status": p.status,
                            "expedited": p.expedited,
                            "requested_date": _iso(p.requested_date),
                            "days_late": p.days_late,
                            "overdue": p.overdue,
                            "partly_received": p.partly_received,
                            "received": money_json(p.received_value),
                            "outstanding": money_json(p.outstanding_value),
                        }
                        for p in v.purchase_orders
                    ],
                }
                for v in review
            ]
        },
        table if review else "no overdue or partly received POs",
    )


@po_app.command("export")
@refusals
def po_export(
    fmt: Annotated[str, typer.Option("--format", help="csv|json")] = "csv",
    out: Annotated[Path | None, typer.Option("--out")] = None,
    status: Annotated[str | None, typer.Option("--status")] = None,
) -> None:
    """POs for the ERP, one row per line, as CSV or JSON."""
    _write_out(_read().read(purchasing.export_purchase_orders, fmt, status), out, "purchase orders")


@po_app.command("import")
@refusals
def po_import(
    file: Path,
    fmt: Annotated[str | None, typer.Option("--format", help="csv|json; else by suffix")] = None,
) -> None:
    """The ERP's numbers back onto POs and requisitions (columns number, erp_number);
    one bad row and nothing is imported."""
    kind = fmt or file.suffix.lstrip(".").lower()
    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise InvalidValue(f"cannot read {file}: {error.strerror}", str(file)) from None
    done = _actor_store().write(purchasing.import_erp_numbers, text, kind)
    emit(
        {
            "updated": [{"number": n, "erp_number": e} for n, e in done.updated],
            "unchanged": done.unchanged,
        },
        f"{len(done.updated)} ERP numbers imported"
        + (f", {done.unchanged} already there" if done.unchanged else "")
        + "".join(f"\n  {n} → {e}" for n, e in done.updated),
    )


@po_app.command("settings")
@refusals
def po_settings(
    planner_limit: Annotated[str | None, typer.Option("--planner-limit")] = None,
    supervisor_limit: Annotated[str | None, typer.Option("--supervisor-limit")] = None,
    price_tolerance: Annotated[str | None, typer.Option("--price-tolerance", help="%")] = None,
    qty_tolerance: Annotated[str | None, typer.Option("--qty-tolerance", help="%")] = None,
    over_delivery: Annotated[str | None, typer.Option("--over-delivery", help="%")] = None,
) -> None:
    """Show, or change, the approval tiers and the match and delivery tolerances."""
    given = (planner_limit, supervisor_limit, price_tolerance, qty_tolerance, over_delivery)
    if any(value is not None for value in given):
        settings = _actor_store().write(
            purchasing.set_purchasing_settings,
            parse_money(planner_limit) if planner_limit is not None else None,
            parse_money(supervisor_limit) if supervisor_limit is not None else None,
            purchasing.parse_percent(price_tolerance) if price_tolerance is not None else None,
            purchasing.parse_percent(qty_tolerance) if qty_tolerance is not None else None,
            purchasing.parse_percent(over_delivery) if over_delivery is not None else None,
        )
    else:
        settings = _read().read(purchasing.purchasing_settings)
    pct = purchasing.format_percent
    emit(
        {
            "planner_limit": money_json(settings.planner_limit),
            "supervisor_limit": money_json(settings.supervisor_limit),
            "price_tolerance_pct": settings.price_tolerance / 100,
            "qty_tolerance_pct": settings.qty_tolerance / 100,
            "over_delivery_pct": settings.over_delivery / 100,
        },
        f"approval: a planner up to {format_money(settings.planner_limit)}, a supervisor up to "
        f"{format_money(settings.supervisor_limit)}, above that a controller; tolerances: "
        f"price {pct(settings.price_tolerance)}, quantity {pct(settings.qty_tolerance)}, "
        f"over-delivery {pct(settings.over_delivery)}",
    )


# --- receiving --------------------------------------------------------------------------------


def _receipt_json(r: receiving.ReceiptResult) -> dict[str, Any]:
    return {
        "po": r.po_number,
        "po_status": r.po_status,
        "line": r.line_no,
        "part": r.part,
        "qty": qty_json(r.qty),
        "unit_price": money_json(r.unit_price),
        "ordered": qty_json(r.ordered),
        "received": qty_json(r.received),
        "outstanding": qty_json(r.outstanding),
        "place": r.place,
        "inspection": r.inspection,
        "reserved": [
            {"work_order": x.work_order, "line": x.line_no, "qty": qty_json(x.qty)}
            for x in r.reserved
        ],
        "parts_complete": r.parts_complete,
        **_posting_json(r.posting),
    }


def receive_on_po_command(
    po: str,
    part: str,
    qty: str,
    bin_code: str | None,
    lot: str | None,
    expiry: str | None,
    serials: list[str],
    key: str | None,
) -> None:
    """`storeroom receive --po PO-…`: called by `cli.receive` when --po is given."""
    result = _actor_store().write(
        receiving.receive_on_po,
        po,
        part,
        parse_qty(qty),
        bin_code,
        lot,
        ledger.parse_expiry(expiry),
        serials,
        _key(key),
    )
    colour = "yellow" if result.posting.replayed else "green"
    emit(_receipt_json(result), f"[{colour}]{result.describe()}[/]")


@po_app.command("receive")
@refusals
def po_receive(
    number: str,
    scans: Annotated[list[str], typer.Argument(help="Item barcodes or GS1 codes, in order.")],
    bin_code: Annotated[str | None, typer.Option("--bin")] = None,
    qty: Annotated[str | None, typer.Option("--qty", help="Count per scan (not GS1's).")] = None,
) -> None:
    """Receive on a PO the way the scanner does: one receipt per scanned code."""
    store = _actor_store()
    results = [
        store.write(
            receiving.receive_by_scan,
            number,
            code,
            bin_code,
            parse_qty(qty) if qty else None,
            _key(None),
        )
        for code in scans
    ]
    emit(
        {"receipts": [_receipt_json(r) for r in results]},
        "\n".join(f"[green]{r.describe()}[/]" for r in results),
    )


@po_app.command("expected")
@refusals
def po_expected(number: str) -> None:
    """What a PO still expects, line by line, and where each would go."""
    d = _read().read(receiving.expected_delivery, number)
    table = Table(
        "line",
        "part",
        "ordered",
        "received",
        "to come",
        "bin",
        "WO",
        title=f"{d.po_number} {d.vendor} {d.status.replace('_', ' ')}"
        + ("" if d.receivable else " — not receivable"),
    )
    for line in d.lines:
        table.add_row(
            str(line.line_no),
            line.part,
            format_qty(line.ordered),
            format_qty(line.received),
            format_qty(line.outstanding),
            "QUARANTINE" if line.inspection else (line.bin or "?"),
            line.work_order or "",
        )
    emit(
        {
            "po": d.po_number,
            "status": d.status,
            "receivable": d.receivable,
            "lines": [
                {
                    "line": line.line_no,
                    "part": line.part,
                    "ordered": qty_json(line.ordered),
                    "received": qty_json(line.received),
                    "outstanding": qty_json(line.outstanding),
                    "inspection": line.inspection,
                    "bin": line.bin,
                    "work_order": line.work_order,
                }
                for line in d.lines
            ],
        },
        table,
    )


@quarantine_app.command("list")
@refusals
def quarantine_list() -> None:
    """What waits in QUARANTINE for inspection."""
    rows = _read().read(receiving.in_inspection)
    emit(
        {"quarantine": [{"part": p, "lot": lot, "qty": qty_json(q)} for p, lot, q in rows]},
        "\n".join(f"{p}{' lot ' + lot if lot else ''}: {format_qty(q)}" for p, lot, q in rows)
        or "nothing in quarantine",
    )


@quarantine_app.command("release")
@refusals
def quarantine_release(
    part: str,
    qty: str,
    bin_code: Annotated[str, typer.Option("--bin")],
    lot: Annotated[str | None, typer.Option("--lot")] = None,
    serial: Annotated[list[str] | None, typer.Option("--serial")] = None,
    key: Annotated[str | None, typer.Option("--key")] = None,
) -> None:
    """Inspection passed: QUARANTINE -> bin, then reserved to a waiting WO."""
    r = _actor_store().write(
        receiving.release_from_quarantine,
        part,
        parse_qty(qty),
        bin_code,
        lot,
        list(serial or []),
        _key(key),
    )
    text = f"released {format_qty(r.qty)} {r.part} to {r.bin}" + "".join(
        f"; {format_qty(x.qty)} reserved to {x.work_order}" for x in r.reserved
    )
    emit(
        {
            "part": r.part,
            "qty": qty_json(r.qty),
            "bin": r.bin,
            "reserved": [{"work_order": x.work_order, "qty": qty_json(x.qty)} for x in r.reserved],
            "parts_complete": r.parts_complete,
            **_posting_json(r.posting),
        },
        f"[green]{text}[/]",
    )


# --- back to the work order -------------------------------------------------------------------


@wo_app.command("arrivals")
@refusals
def wo_arrivals(wo: str) -> None:
    """Parts that arrived on POs and were reserved to this WO."""
    rows = _read().read(receiving.arrivals_for_work_order, wo)
    emit(
        {
            "work_order": wo.upper(),
            "arrivals": [
                {
                    "po": a.po_number,
                    "part": a.part,
                    "qty": qty_json(a.qty),
                    "place": a.place,
                    "at": a.at.isoformat(),
                }
                for a in rows
            ],
        },
        "\n".join(
            f"parts arrived: {format_qty(a.qty)} {a.part} on {a.po_number}, in {a.place}"
            for a in rows
        )
        or "no parts arrived on a PO for it",
    )


@wo_app.command("parts-complete")
@refusals
def wo_parts_complete() -> None:
    """Open WOs whose waited-for parts arrived and that now lack nothing."""
    rows = _read().read(receiving.work_orders_with_parts_complete)
    emit(
        {
            "work_orders": [
                {"number": r.number, "title": r.title, "status": r.status, "priority": r.priority}
                for r in rows
            ]
        },
        "\n".join(f"{r.number} P{r.priority} {r.status}: {r.title}" for r in rows)
        or "no WO has just had its parts completed",
    )


@wo_app.command("paid")
@refusals
def wo_paid(wo: str) -> None:
    """A WO's parts cost as paid: write-offs plus accepted invoice price differences."""
    p = _read().read(invoicing.work_order_paid, wo)
    emit(
        {
            "work_order": p.number,
            "ledger_cost": money_json(p.ledger_cost),
            "price_variance": money_json(p.price_variance),
            "total": money_json(p.total),
        },
        f"{p.number}: parts {format_money(p.ledger_cost)} + price differences "
        f"{format_money(p.price_variance)} = {format_money(p.total)} paid",
    )


# --- invoices ---------------------------------------------------------------------------------


def _invoice_line(text: str) -> InvoiceLineInput:
    """LINE:QTY:PRICE, e.g. 1:2:255.00 (LINE is the PO line number or the part)."""
    parts = text.split(":")
    if len(parts) != 3:
        raise InvalidValue(f"invoice line {text!r} must be LINE:QTY:PRICE, e.g. 1:2:255.00", text)
    return InvoiceLineInput(parts[0], parse_qty(parts[1]), parse_money(parts[2]))


@invoice_app.command("add")
@refusals
def invoice_add(
    po: str,
    ref: Annotated[str, typer.Argument(help="The vendor's invoice number.")],
    line: Annotated[list[str], typer.Option("--line", help="LINE:QTY:PRICE, repeatable.")],
    invoice_date: Annotated[str | None, typer.Option("--date")] = None,
) -> None:
    """Enter a vendor's invoice against a PO and match it (PO vs receipts vs invoice)."""
    result = _actor_store().write(
        invoicing.enter_invoice,
        po,
        ref,
        [_invoice_line(text) for text in line],
        _date(invoice_date, "invoice date"),
    )
    colour = "green" if result.status == "matched" else "yellow"
    emit(
        {
            "id": result.id,
            "po": result.po_number,
            "invoice": result.vendor_ref,
            "status": result.status,
            "total": money_json(result.total),
            "exceptions": result.exceptions,
            "lines": [
                {
                    "line": m.line_no,
                    "part": m.part,
                    "qty": qty_json(m.qty),
                    "unit_price": money_json(m.unit_price),
                    "po_price": money_json(m.po_price),
                    "amount": money_json(m.amount),
                    "price_difference_pct": m.price_difference / 100,
                    "matched": m.matched,
                    "reason": m.reason,
                    "variance": money_json(m.variance),
                    "variance_to": m.variance_to,
                }
                for m in result.lines
            ],
        },
        f"[{colour}]{result.describe()}[/]",
    )


@invoice_app.command("exceptions")
@refusals
def invoice_exceptions(
    everything: Annotated[bool, typer.Option("--all", help="Resolved ones too.")] = False,
) -> None:
    """The three-way-match exceptions, with their reasons."""
    rows = _read().read(invoicing.list_exceptions, None if everything else "open")
    emit(
        {
            "exceptions": [
                {
                    "id": x.id,
                    "po": x.po_number,
                    "vendor": x.vendor,
                    "invoice": x.invoice,
                    "line": x.line_no,
                    "kind": x.kind,
                    "reason": x.reason,
                    "status": x.status,
                    "resolution": x.resolution,
                }
                for x in rows
            ]
        },
        "\n".join(
            f"#{x.id} {x.status}: {x.reason}" + (f" — {x.resolution}" if x.resolution else "")
            for x in rows
        )
        or "no match exceptions",
    )


@invoice_app.command("resolve")
@refusals
def invoice_resolve(
    exception_id: int,
    note: Annotated[str, typer.Option("--note")],
    accept: Annotated[
        bool, typer.Option("--accept/--reject", help="Accept as billed, or reject for a credit.")
    ] = True,
) -> None:
    """Accept or reject a match exception, with a note."""
    x = _actor_store().write(invoicing.resolve_exception, exception_id, accept, note)
    emit(
        {"id": x.id, "status": x.status, "resolution": x.resolution},
        f"#{x.id} {x.resolution}",
    )


@po_app.command("unreceive")
@refusals
def po_unreceive(
    key: Annotated[str, typer.Argument(help="The key the receipt was posted with.")],
    reason: Annotated[str, typer.Option("--reason")],
) -> None:
    """Undo a PO receipt: reversing movements, off the PO line, its reservation released."""
    r = _actor_store().write(receiving.reverse_receipt, key, reason, _key(None))
    emit(
        {
            "po": r.po_number,
            "po_status": r.po_status,
            "part": r.part,
            "qty": qty_json(r.qty),
            "released_reservation": qty_json(r.released_reservation),
            **_posting_json(r.posting),
        },
        f"[green]receipt of {format_qty(r.qty)} {r.part} on {r.po_number} undone; "
        f"{r.po_number} is {r.po_status.replace('_', ' ')}[/]",
    )
