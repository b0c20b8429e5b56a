"""The `storeroom` command line: every action of the TUI, scriptable, with `--json`.

Exit codes: 0 done, 1 refused (the message says why; nothing changed), 2 usage error.
Commands call the same services as the screens, through `Storeroom`.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from storeroom_tui import catalog, counter, ledger, reservations, stock, workorders
from storeroom_tui.errors import NotSignedIn, StoreroomError
from storeroom_tui.quantities import (
    format_money,
    format_qty,
    money_json,
    parse_count,
    parse_money,
    parse_qty,
    qty_json,
)
from storeroom_tui.reconciliation import close_work_order, reconcile
from storeroom_tui.service import Storeroom
from storeroom_tui.terminal import DB_VARIABLE, USER_VARIABLE, run_terminal_app

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="storeroom",
    help="Storeroom TUI: issue spare parts to work orders, take them back, reconcile and close.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
user_app = typer.Typer(help="Users and their badges.", no_args_is_help=True)
item_app = typer.Typer(help="Stocked items.", no_args_is_help=True)
bin_app = typer.Typer(help="Bins in the warehouses.", no_args_is_help=True)
asset_app = typer.Typer(help="Assets (equipment).", no_args_is_help=True)
wo_app = typer.Typer(help="Work orders.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(item_app, name="item")
app.add_typer(bin_app, name="bin")
app.add_typer(asset_app, name="asset")
app.add_typer(wo_app, name="wo")

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


@dataclass
class CliState:
    db: str | None = None
    user: str | None = None
    json: bool = False
    _store: Storeroom | None = field(default=None, repr=False)

    def store(self, signed_in: bool = True) -> Storeroom:
        if self._store is None:
            self._store = Storeroom.open(self.db)
            self._store.require_initialised()
        if signed_in and self._store.actor is None:
            if not self.user:
                raise NotSignedIn("no user: pass --user BADGE or set STOREROOM_USER")
            self._store.sign_in(self.user)
        return self._store


STATE = CliState()


def emit(payload: dict[str, Any], human: Any) -> None:
    if STATE.json:
        out.print_json(json.dumps(payload, default=str))
    elif isinstance(human, str):
        # a sentence is never broken inside a word: file paths and keys stay copyable
        out.print(human, soft_wrap=True)
    else:
        out.print(human)


def refusals(command: F) -> F:
    """Turn a domain error into its message (or JSON) and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except StoreroomError as error:
            if STATE.json:
                out.print_json(json.dumps(error.to_dict(), default=str))
            else:
                err.print(f"[bold red]refused[/]: {error.message}", markup=True, soft_wrap=True)
            raise typer.Exit(1) from None
        finally:
            if STATE._store is not None:
                STATE._store.close()
                STATE._store = None

    return wrapper  # type: ignore[return-value]


def _posting_json(posting: ledger.Posting) -> dict[str, Any]:
    return {
        "key": posting.key,
        "replayed": posting.replayed,
        "movements": [
            {
                "id": m.id,
                "kind": m.kind,
                "part": m.part,
                "qty": qty_json(m.qty),
                "from": m.source,
                "to": m.target,
                "lot": m.lot,
                "serial": m.serial,
                "unit_cost": money_json(m.unit_cost),
                "work_order": m.work_order,
                "condition": m.condition,
            }
            for m in posting.movements
        ],
    }


def _key(key: str | None) -> str:
    """Fix the idempotency key before the call, so a retried transaction can only replay."""
    return ledger.check_key(key)


def _posted(posting: ledger.Posting) -> None:
    colour = "yellow" if posting.replayed else "green"
    emit(_posting_json(posting), f"[{colour}]{posting.describe()}[/]")


# --- global options ---------------------------------------------------------------------


@app.callback(invoke_without_command=True)
def main_options(
    ctx: typer.Context,
    db: Annotated[
        str | None, typer.Option("--db", help="SQLite file or database URL.", envvar=DB_VARIABLE)
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="Badge to act as.", envvar=USER_VARIABLE)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Without a command: open the terminal app."""
    STATE.db, STATE.user, STATE.json = db, user, as_json
    STATE._store = None
    if ctx.invoked_subcommand is None:
        _run_tui(db, user)


def _run_tui(db: str | None, user: str | None) -> None:
    if run_terminal_app(db, user):
        raise typer.Exit(1)


def _actor_store() -> Storeroom:
    return STATE.store(signed_in=True)


# --- setup --------------------------------------------------------------------------------


@app.command()
@refusals
def init() -> None:
    """Create the schema and one admin user, badge ADMIN."""
    store = Storeroom.open(STATE.db)
    STATE._store = store
    created = store.init()
    message = (
        f"initialised {store.location}; sign in with badge ADMIN"
        if created
        else f"{store.location} is already initialised"
    )
    emit({"db": store.location, "created": created, "admin": "ADMIN"}, message)


@app.command()
@refusals
def demo(
    no_tui: Annotated[
        bool, typer.Option("--no-tui", help="Build the plant, do not open it.")
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same plant.")] = 7,
    size: Annotated[
        str,
        typer.Option(
            "--size", help="small, or large: 50,000 items, 200,000 WOs, 2,000,000 movements."
        ),
    ] = "small",
) -> None:
    """Build a believable demo plant in a fresh file and open it."""
    from storeroom_tui.demo import build_demo
    from storeroom_tui.demo_large import build_with_progress

    if size not in ("small", "large"):
        raise typer.BadParameter(f"{size!r} is not one of: small, large", param_hint="--size")
    if size == "large":
        result = build_with_progress(STATE.db, seed, err)
    else:
        result = build_demo(STATE.db, seed=seed)
    badges = ", ".join(f"{b} ({role})" for b, role in result.badges)
    emit(
        {"db": result.location, "badges": [b for b, _ in result.badges], **result.counts},
        f"demo plant in [bold]{result.location}[/]\n"
        + "  ".join(f"{k}: {v}" for k, v in result.counts.items())
        + f"\nbadges: {badges}",
    )
    if not no_tui:
        _run_tui(result.location, None)


# --- master data ----------------------------------------------------------------------------


@user_app.command("add")
@refusals
def user_add(
    badge: str,
    name: Annotated[str, typer.Option("--name")],
    role: Annotated[
        str, typer.Option("--role", help="clerk|technician|supervisor|planner|controller|admin")
    ],
) -> None:
    """Add a user with a badge and a role."""
    user = _actor_store().write(catalog.add_user, badge, name, role)
    emit(
        {"badge": user.badge, "name": user.name, "role": user.role},
        f"user {user.badge} {user.name} ({user.role})",
    )


@item_app.command("add")
@refusals
def item_add(
    part: str,
    desc: Annotated[str, typer.Option("--desc")],
    uom: Annotated[str, typer.Option("--uom")] = "EA",
    kind: Annotated[str, typer.Option("--kind", help="material|tool|rotable|kit")] = "material",
    tracking: Annotated[str, typer.Option("--tracking", help="none|lot|serial")] = "none",
    critical: Annotated[bool, typer.Option("--critical")] = False,
    min_qty: Annotated[str, typer.Option("--min")] = "0",
    max_qty: Annotated[str, typer.Option("--max")] = "0",
    barcode: Annotated[list[str] | None, typer.Option("--barcode")] = None,
) -> None:
    """Add a stocked item, with any number of barcodes."""
    minimum = 0 if min_qty.strip() == "0" else parse_qty(min_qty)
    maximum = 0 if max_qty.strip() == "0" else parse_qty(max_qty)
    item = _actor_store().write(
        catalog.add_item,
        part,
        desc,
        uom,
        kind,
        tracking,
        critical,
        minimum,
        maximum,
        tuple(barcode or ()),
    )
    emit(
        {"part": item.part_number, "kind": item.kind, "tracking": item.tracking},
        f"item {item.part_number} {item.description}",
    )


@bin_app.command("add")
@refusals
def bin_add(
    code: str, warehouse: Annotated[str | None, typer.Option("--warehouse")] = None
) -> None:
    """Add a bin (A-01-03 in --warehouse, or MAIN/A-01-03)."""
    location = _actor_store().write(catalog.add_bin, code, warehouse)
    emit(
        {"code": location.code, "barcode": location.barcode},
        f"bin {location.code} (label {location.barcode})",
    )


@asset_app.command("add")
@refusals
def asset_add(
    tag: str,
    name: Annotated[str, typer.Option("--name")],
    parent: Annotated[str | None, typer.Option("--parent")] = None,
    cost_centre: Annotated[str | None, typer.Option("--cost-centre")] = None,
) -> None:
    """Add an asset, under a parent if given."""
    asset = _actor_store().write(catalog.add_asset, tag, name, parent, cost_centre)
    emit({"tag": asset.tag, "name": asset.name}, f"asset {asset.tag} {asset.name}")


# --- stock movements ----------------------------------------------------------------------


@app.command()
@refusals
def receive(
    part: str,
    qty: str,
    bin_code: Annotated[str, typer.Option("--bin")],
    lot: Annotated[str | None, typer.Option("--lot")] = None,
    expiry: Annotated[str | None, typer.Option("--expiry", help="YYYY-MM-DD")] = None,
    serial: Annotated[list[str] | None, typer.Option("--serial")] = None,
    unit_cost: Annotated[str | None, typer.Option("--unit-cost")] = None,
    key: Annotated[str | None, typer.Option("--key", help="Idempotency key (UUID).")] = None,
    po: Annotated[str | None, typer.Option("--po", help="Against this PO, at its price.")] = None,
) -> None:
    """Receive stock from a supplier into a bin (with --po: on a purchase order)."""
    if po is not None:
        from storeroom_tui.cli_purchasing import receive_on_po_command

        if unit_cost is not None:
            raise typer.BadParameter("a PO receipt is at the PO price", param_hint="--unit-cost")

        receive_on_po_command(po, part, qty, bin_code, lot, expiry, list(serial or []), key)
        return
    posting = _actor_store().write(
        ledger.receive,
        part,
        parse_qty(qty),
        bin_code,
        lot,
        ledger.parse_expiry(expiry),
        list(serial or []),
        parse_money(unit_cost) if unit_cost is not None else None,
        _key(key),
    )
    _posted(posting)


@app.command("count")
@refusals
def count_command(
    part: str,
    bin_code: Annotated[str, typer.Argument(metavar="BIN")],
    counted: Annotated[str, typer.Argument(metavar="COUNTED")],
    lot: Annotated[str | None, typer.Option("--lot")] = None,
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    key: Annotated[str | None, typer.Option("--key", help="Idempotency key (UUID).")] = None,
) -> None:
    """Post a counted quantity: the difference goes to or from ADJUSTMENT."""
    from storeroom_tui import counting

    result = _actor_store().write(
        counting.count_adjust, part, bin_code, parse_count(counted), lot, _key(key), reason
    )
    payload = {
        "part": result.part,
        "bin": result.bin,
        "lot": result.lot,
        "counted": qty_json(result.counted),
        "on_hand_before": qty_json(result.on_hand),
        "difference": qty_json(result.difference),
        "posting": _posting_json(result.posting) if result.posting else None,
    }
    emit(payload, f"[{'green' if result.posting else 'default'}]{result.describe()}[/]")


@app.command("issue")
@refusals
def issue_command(
    wo: str,
    part: str,
    qty: str,
    bin_code: Annotated[str | None, typer.Option("--bin")] = None,
    lot: Annotated[str | None, typer.Option("--lot")] = None,
    serial: Annotated[list[str] | None, typer.Option("--serial")] = None,
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    key: Annotated[str | None, typer.Option("--key")] = None,
) -> None:
    """Issue parts from a bin to a work order in progress."""
    posting = _actor_store().write(
        counter.issue_to_line,
        wo,
        part,
        parse_qty(qty),
        bin_code,
        lot,
        list(serial or []),
        reason,
        _key(key),
    )
    _posted(posting)


@app.command("return")
@refusals
def return_command(
    wo: str,
    part: str,
    qty: str,
    condition: Annotated[str, typer.Option("--condition", help="new|opened|inspect|rejected")],
    bin_code: Annotated[str | None, typer.Option("--bin")] = None,
    serial: Annotated[list[str] | None, typer.Option("--serial")] = None,
    lot: Annotated[str | None, typer.Option("--lot")] = None,
    key: Annotated[str | None, typer.Option("--key")] = None,
) -> None:
    """Return parts from a work order with their condition."""
    posting = _actor_store().write(
        counter.return_with_condition,
        wo,
        part,
        parse_qty(qty),
        condition,
        bin_code,
        list(serial or []),
        lot,
        _key(key),
    )
    _posted(posting)


@app.command()
@refusals
def writeoff(
    wo: str,
    part: str,
    qty: str,
    serial: Annotated[list[str] | None, typer.Option("--serial")] = None,
    lot: Annotated[str | None, typer.Option("--lot")] = None,
    key: Annotated[str | None, typer.Option("--key")] = None,
) -> None:
    """Write off what a work order used (WIP -> CONSUMED)."""
    posting = _actor_store().write(
        counter.write_off, wo, part, parse_qty(qty), list(serial or []), lot, _key(key)
    )
    _posted(posting)


@app.command()
@refusals
def reverse(
    posting_key: str,
    reason: Annotated[str, typer.Option("--reason")],
    key: Annotated[str | None, typer.Option("--key")] = None,
) -> None:
    """Undo a posting by its key with reversing movements."""
    _posted(_actor_store().write(ledger.reverse, posting_key, reason, _key(key)))


# --- work orders -------------------------------------------------------------------------


@wo_app.command("create")
@refusals
def wo_create(
    asset: Annotated[str, typer.Option("--asset")],
    title: Annotated[str, typer.Option("--title")],
    wo_type: Annotated[str, typer.Option("--type", help="PM|CM|EM|INSP")] = "CM",
    priority: Annotated[int, typer.Option("--priority", help="1 (highest) to 4")] = 3,
) -> None:
    """Create a work order (status requested)."""
    work_order = _actor_store().write(workorders.create_work_order, asset, title, wo_type, priority)
    emit(
        {"number": work_order.number, "status": work_order.status},
        f"{work_order.number} created ({work_order.status})",
    )


@wo_app.command("line")
@refusals
def wo_line(
    wo: str,
    part: str,
    qty: str,
    optional: Annotated[bool, typer.Option("--optional")] = False,
    substitute: Annotated[list[str] | None, typer.Option("--substitute")] = None,
) -> None:
    """Add a demand line to a work order."""
    store = _actor_store()

    def add(session: Any, actor: Any) -> Any:
        work_order = catalog.find_work_order(session, wo)
        return workorders.add_demand_line(
            session, actor, work_order, part, parse_qty(qty), not optional, list(substitute or [])
        ), work_order.number

    line, number = store.write(add)
    emit(
        {
            "work_order": number,
            "line": line.line_no,
            "part": part.upper(),
            "planned": qty_json(line.planned_qty),
        },
        f"{number} line {line.line_no}: {format_qty(line.planned_qty)} {part.upper()}",
    )


@wo_app.command("status")
@refusals
def wo_status(
    wo: str, status: str, reason: Annotated[str | None, typer.Option("--reason")] = None
) -> None:
    """Move a work order to another status (closing goes through `wo close`)."""

    def change(session: Any, actor: Any) -> Any:
        work_order = catalog.find_work_order(session, wo)
        return workorders.change_status(session, actor, work_order, status, reason)

    work_order = _actor_store().write(change)
    emit(
        {"number": work_order.number, "status": work_order.status},
        f"{work_order.number} is now {work_order.status}",
    )


@wo_app.command("reserve")
@refusals
def wo_reserve(wo: str) -> None:
    """Reserve stock for every line that still needs it."""

    def reserve(session: Any, actor: Any) -> Any:
        work_order = catalog.find_work_order(session, wo)
        return work_order.number, reservations.reserve_work_order(session, actor, work_order)

    number, lines = _actor_store().write(reserve)
    emit(
        {
            "number": number,
            "lines": [
                {
                    "line": r.line_no,
                    "part": r.part,
                    "reserved": qty_json(r.reserved_now),
                    "shortage": qty_json(r.shortage),
                }
                for r in lines
            ],
        },
        "\n".join(
            f"{number} line {r.line_no} {r.part}: reserved {format_qty(r.reserved_now)}"
            + (f", [red]short {format_qty(r.shortage)}[/]" if r.shortage else "")
            for r in lines
        )
        or f"{number} has no lines",
    )


def _wo_json(summary: Any, work_order: Any, asset: Any) -> dict[str, Any]:
    return {
        "number": work_order.number,
        "status": work_order.status,
        "title": work_order.title,
        "type": work_order.wo_type,
        "priority": work_order.priority,
        "asset": asset.tag,
        "parts_cost": money_json(summary.parts_cost),
        "lines": [
            {
                "line": line.line_no,
                "part": line.part,
                "planned": qty_json(line.planned),
                "reserved": qty_json(line.reserved),
                "issued": qty_json(line.issued),
                "returned": qty_json(line.returned),
                "written_off": qty_json(line.written_off),
                "in_wip": qty_json(line.in_wip),
                "additional": line.additional,
            }
            for line in summary.lines
        ],
        "blockers": [b.describe() for b in summary.blockers],
    }


def _wo_table(summary: Any) -> Table:
    table = Table(title=f"{summary.number} — {summary.status}")
    for column in (
        "line",
        "part",
        "planned",
        "reserved",
        "issued",
        "returned",
        "written off",
        "in WIP",
    ):
        table.add_column(column, justify="left" if column == "part" else "right")
    for line in summary.lines:
        table.add_row(
            str(line.line_no),
            line.part,
            format_qty(line.planned),
            format_qty(line.reserved),
            format_qty(line.issued),
            format_qty(line.returned),
            format_qty(line.written_off),
            format_qty(line.in_wip),
        )
    table.caption = f"parts cost {format_money(summary.parts_cost)}"
    return table


@wo_app.command("show")
@refusals
def wo_show(wo: str) -> None:
    """A work order with its lines: planned, reserved, issued, returned, in WIP."""
    store = STATE.store(signed_in=False)

    def show(session: Any) -> Any:
        work_order = catalog.find_work_order(session, wo)
        return (
            reconcile(session, work_order.number),
            work_order,
            workorders.asset_of(session, work_order),
        )

    summary, work_order, asset = store.read(show)
    emit(_wo_json(summary, work_order, asset), _wo_table(summary))


@wo_app.command("close")
@refusals
def wo_close(wo: str, reason: Annotated[str | None, typer.Option("--reason")] = None) -> None:
    """Reconcile and close: refused while anything is still in WIP."""
    summary = _actor_store().write(close_work_order, wo, reason)
    emit(
        {
            "number": summary.number,
            "status": summary.status,
            "parts_cost": money_json(summary.parts_cost),
            "deviations": [
                {
                    "part": d.part,
                    "planned": qty_json(d.planned),
                    "used": qty_json(d.issued - d.returned),
                }
                for d in summary.deviations
            ],
        },
        f"[green]{summary.number} closed[/]; parts cost {format_money(summary.parts_cost)}",
    )


# --- looking --------------------------------------------------------------------------------


@app.command("stock")
@refusals
def stock_command(part: str) -> None:
    """On hand per bin and lot, reserved, available, and who has it in WIP."""
    position = STATE.store(signed_in=False).read(stock.stock_position, part)
    payload = {
        "part": position.part,
        "description": position.description,
        "on_hand": qty_json(position.on_hand),
        "reserved": qty_json(position.reserved),
        "available": qty_json(position.available),
        "avg_cost": money_json(position.avg_cost),
        "balances": [
            {
                "location": b.location,
                "lot": b.lot,
                "serial": b.serial,
                "qty": qty_json(b.qty),
                "expiry": b.expiry.isoformat() if b.expiry else None,
            }
            for b in position.balances
        ],
        "in_wip": [{"work_order": h.number, "qty": qty_json(h.qty)} for h in position.in_wip],
    }
    table = Table(title=f"{position.part} {position.description}")
    for column in ("location", "lot", "expiry", "serial", "qty"):
        table.add_column(column)
    for b in position.balances:
        table.add_row(
            b.location,
            b.lot or "",
            b.expiry.isoformat() if b.expiry else "",
            b.serial or "",
            format_qty(b.qty),
        )
    table.caption = (
        f"on hand {format_qty(position.on_hand)}  reserved {format_qty(position.reserved)}  "
        f"available {format_qty(position.available)}"
    )
    emit(payload, table)


@app.command()
@refusals
def check() -> None:
    """Re-derive every balance from the movements; exit 1 on any difference."""
    differences, problems = STATE.store(signed_in=False).read(ledger.check)
    payload = {
        "ok": not differences and not problems,
        "differences": [
            {
                "item_id": d.item_id,
                "location_id": d.location_id,
                "lot_id": d.lot_id,
                "serial_id": d.serial_id,
                "movements": qty_json(d.from_movements),
                "balance": qty_json(d.in_balance),
            }
            for d in differences
        ],
        "problems": problems,
    }
    if not differences and not problems:
        emit(payload, "[green]check clean[/]: balances equal the movements; integrity ok")
        return
    lines = [
        f"item {d.item_id} location {d.location_id} lot {d.lot_id} serial {d.serial_id}: "
        f"movements say {format_qty(d.from_movements)}, balance says {format_qty(d.in_balance)}"
        for d in differences
    ] + problems
    emit(payload, "[red]check found problems[/]\n" + "\n".join(lines))
    raise typer.Exit(1)


@app.command()
@refusals
def scan(codes: list[str]) -> None:
    """Feed scans through the same workflow the issue screen uses."""
    from storeroom_tui.scanflow import CounterSession

    store = _actor_store()
    flow = CounterSession(store)
    results = []
    failed = False
    for code in codes:
        outcome = flow.feed(code)
        results.append({"scan": code, "ok": outcome.ok, "message": outcome.message})
        if not STATE.json:
            (out if outcome.ok else err).print(
                f"[{'green' if outcome.ok else 'red'}]{code}[/]: {outcome.message}"
            )
        failed = failed or not outcome.ok
    if flow.pending is not None:
        waiting = f"still waiting, nothing posted for {flow.pending.part}: {flow.prompt()}"
        results.append({"scan": None, "ok": False, "message": waiting})
        if not STATE.json:
            err.print(f"[red]{waiting}[/]")
        failed = True
    if STATE.json:
        out.print_json(json.dumps({"scans": results}))
    if failed:
        raise typer.Exit(1)


GLOBAL_FLAGS = ("--json",)
GLOBAL_OPTIONS = ("--db", "--user")


def hoist_global_options(argv: list[str]) -> list[str]:
    """Let `--json`, `--db X` and `--user X` stand anywhere, e.g. `storeroom stock P --json`."""
    hoisted: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--":
            rest += argv[index:]
            break
        name = word.split("=", 1)[0]
        if word in GLOBAL_FLAGS or name in GLOBAL_OPTIONS and "=" in word:
            hoisted.append(word)
        elif word in GLOBAL_OPTIONS and index + 1 < len(argv):
            hoisted += argv[index : index + 2]
            index += 1
        else:
            rest.append(word)
        index += 1
    return hoisted + rest


@app.command()
@refusals
def labels(
    what: Annotated[str, typer.Argument(help="bins|items|wo|badges|commands")],
    out: Annotated[Path, typer.Option("--out", help="FILE.pdf, FILE.svg or FILE.zpl")],
    wo: Annotated[str | None, typer.Option("--wo", help="The WO, for `labels wo`.")] = None,
    number: Annotated[str | None, typer.Argument(help="The WO, for `labels wo WO`.")] = None,
) -> None:
    """Write a printable label sheet (Code 128): PDF or SVG for an office printer, ZPL
    for a thermal printer."""
    from storeroom_tui.labels import write_labels

    sheet = STATE.store(signed_in=False).read(write_labels, what, out, wo or number)
    emit(
        {
            "path": str(sheet.path),
            "format": sheet.format,
            "count": sheet.count,
            "codes": list(sheet.codes),
        },
        f"{sheet.count} labels ({sheet.format}) written to {sheet.path}",
    )


def main() -> None:
    try:
        app(args=hoist_global_options(sys.argv[1:]), prog_name="storeroom")
    except KeyboardInterrupt:
        sys.exit(130)


import storeroom_tui.cli_admin  # noqa: E402,F401
import storeroom_tui.cli_costs  # noqa: E402,F401
import storeroom_tui.cli_purchasing  # noqa: E402,F401
import storeroom_tui.cli_reports  # noqa: E402,F401
from storeroom_tui import cli_copy  # noqa: E402,F401
