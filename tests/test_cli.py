"""The `storeroom` command as a script sees it, on real files.

The commands run through `tests.command_line`: in this process through the same Typer
app by default, and as the installed console script where the process itself is under
test (usage errors, an uninitialised file). The happy path is one long walk through a
work order, and the refusals share one storeroom built once through the services and
copied for each test.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from storeroom_tui import catalog, counter, ledger, reservations, stock, workorders
from storeroom_tui.quantities import parse_money, parse_qty
from storeroom_tui.reconciliation import reconcile
from storeroom_tui.service import Storeroom
from tests.command_line import STOREROOM, run_storeroom

SEAL_RECEIPT_KEY = "5ea10000-0000-4000-8000-000000000001"
BRG_RECEIPT_KEY = "b0000000-0000-4000-8000-000000000001"
QTY_FIELDS = ("planned", "reserved", "issued", "returned", "written_off", "in_wip")


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def said(self) -> str:
        """stdout on one line (rich may wrap a long human line when piped)."""
        return " ".join(self.out.split())


def storeroom(db: Path, command: str, user: str | None = "ADMIN", *, real: bool = False) -> Result:
    """Run `storeroom <command>` on `db`, signed in through STOREROOM_USER."""
    return Result(*run_storeroom(db, command, user, real=real))


def ok(result: Result) -> Result:
    assert result.code == 0, f"exit {result.code}\nstdout: {result.out}\nstderr: {result.err}"
    return result


def balances(position: dict[str, Any]) -> list[tuple[str, str | None, str | None, int]]:
    return [(b["location"], b["lot"], b["serial"], b["qty"]) for b in position["balances"]]


def contents(db: Path) -> list[str]:
    """Every row of every table: a refusal must leave all of them as they were."""
    with closing(sqlite3.connect(db)) as connection:
        return list(connection.iterdump())


def opened(db: Path) -> Storeroom:
    return Storeroom.open(str(db), terminal="")


def assert_check_is_clean(db: Path) -> None:
    room = opened(db)
    try:
        assert room.read(ledger.check) == ([], [])
    finally:
        room.close()


@pytest.fixture(scope="module", autouse=True)
def console_script_is_installed() -> None:
    assert STOREROOM.exists(), f"{STOREROOM} is missing: run `uv sync`"


# --- the whole flow, as the storeroom would type it ----------------------------------------


def test_a_work_order_from_receipt_to_close_through_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "plant.db"
    run = lambda command, user="ADMIN": ok(storeroom(db, command, user))  # noqa: E731

    # setting up: the admin, a clerk, four kinds of item, a bin, an asset
    assert run("init --json").json() == {"db": str(db), "created": True, "admin": "ADMIN"}
    assert run("user add C1 --name 'Carla Clerk' --role clerk --json").json() == {
        "badge": "C1",
        "name": "Carla Clerk",
        "role": "clerk",
    }
    assert (
        run("item add BRG-6204 --desc 'Bearing 6204' --barcode 4006381333931").said
        == "item BRG-6204 Bearing 6204"
    )
    assert run("item add FLT-1 --desc 'Oil filter' --tracking lot --json").json() == {
        "part": "FLT-1",
        "kind": "material",
        "tracking": "lot",
    }
    battery = run("item add UPS-BAT --desc 'UPS battery' --tracking serial --critical --json")
    assert battery.json()["tracking"] == "serial"
    assert run("item add TRQ-WR --desc 'Torque wrench' --kind tool --json").json()["kind"] == "tool"
    assert run("bin add A-01-01 --warehouse MAIN --json").json() == {
        "code": "MAIN/A-01-01",
        "barcode": "BIN-MAIN-A-01-01",
    }
    assert (
        run("asset add PUMP-07 --name 'Cooling pump 7' --cost-centre CC-100").said
        == "asset PUMP-07 Cooling pump 7"
    )

    # receipts: with a key and a price (the same key twice posts once), with lot and expiry,
    # with a serial per unit
    received = run(
        f"receive BRG-6204 10 --bin A-01-01 --unit-cost 5 --key {BRG_RECEIPT_KEY} --json"
    ).json()
    assert (received["key"], received["replayed"]) == (BRG_RECEIPT_KEY, False)
    [movement] = received["movements"]
    assert (movement["kind"], movement["part"], movement["qty"], movement["unit_cost"]) == (
        "receive",
        "BRG-6204",
        10,
        5.0,
    )
    assert (movement["from"], movement["to"]) == ("SUPPLIER", "MAIN/A-01-01")
    again = run(f"--json receive BRG-6204 10 --bin A-01-01 --unit-cost 5 --key {BRG_RECEIPT_KEY}")
    assert (again.json()["replayed"], again.json()["movements"]) == (True, received["movements"])
    filters = run(
        "receive FLT-1 5 --bin MAIN/A-01-01 --lot L1 --expiry 2030-01-31 --unit-cost 3 --json"
    ).json()
    assert [(m["qty"], m["lot"]) for m in filters["movements"]] == [(5, "L1")]
    batteries = run(
        "receive UPS-BAT 2 --bin BIN-MAIN-A-01-01 --serial SN1 --serial SN2 --unit-cost 120 --json"
    ).json()
    assert [(m["qty"], m["serial"]) for m in batteries["movements"]] == [(1, "SN1"), (1, "SN2")]

    # the work order: create, plan, approve, reserve, start
    created = run("wo create --asset PUMP-07 --title 'Replace bearing' --json").json()
    wo = created["number"]
    assert wo.startswith("WO-")
    assert created == {"number": wo, "status": "requested"}
    assert run(f"wo line {wo} BRG-6204 4 --json").json() == {
        "work_order": wo,
        "line": 1,
        "part": "BRG-6204",
        "planned": 4,
    }
    assert run(f"wo line {wo} FLT-1 2").said == f"{wo} line 2: 2 FLT-1"
    assert run(f"wo line {wo} UPS-BAT 1").said == f"{wo} line 3: 1 UPS-BAT"
    assert run(f"wo status {wo} approved").said == f"{wo} is now approved"
    assert run(f"wo reserve {wo} --json").json() == {
        "number": wo,
        "lines": [
            {"line": 1, "part": "BRG-6204", "reserved": 4, "shortage": 0},
            {"line": 2, "part": "FLT-1", "reserved": 2, "shortage": 0},
            {"line": 3, "part": "UPS-BAT", "reserved": 1, "shortage": 0},
        ],
    }
    assert run(f"wo status {wo} in_progress").said == f"{wo} is now in_progress"

    # issues by the clerk: by part number, by barcode, a lot, a serial
    [movement] = run(f"issue {wo} BRG-6204 3 --user C1 --json").json()["movements"]
    assert (movement["kind"], movement["qty"], movement["from"], movement["to"]) == (
        "issue",
        3,
        "MAIN/A-01-01",
        "WIP",
    )
    assert (movement["work_order"], movement["unit_cost"]) == (wo, 5.0)
    assert run(f"issue {wo} 4006381333931 1", "C1").said == "1 EA BRG-6204 MAIN/A-01-01 → WIP"
    assert run(f"issue {wo} FLT-1 1 --lot L1", "C1").said == "1 EA FLT-1 MAIN/A-01-01 → WIP lot L1"
    assert (
        run(f"issue {wo} UPS-BAT 1 --serial SN2", "C1").said
        == "1 EA UPS-BAT MAIN/A-01-01 → WIP s/n SN2"
    )

    # returns, one per condition; then what was used is written off
    [movement] = run(f"return {wo} BRG-6204 1 --condition new --json").json()["movements"]
    assert (movement["kind"], movement["from"], movement["to"], movement["condition"]) == (
        "return",
        "WIP",
        "MAIN/A-01-01",
        "new",
    )
    assert (
        run(f"return {wo} BRG-6204 1 --condition opened").said == "1 EA BRG-6204 WIP → MAIN/A-01-01"
    )
    assert (
        run(f"return {wo} BRG-6204 1 --condition inspect").said == "1 EA BRG-6204 WIP → QUARANTINE"
    )
    assert (
        run(f"return {wo} FLT-1 1 --condition rejected --lot L1").said
        == "1 EA FLT-1 WIP → SCRAP lot L1"
    )
    [movement] = run(f"writeoff {wo} BRG-6204 1 --json").json()["movements"]
    assert (movement["kind"], movement["qty"], movement["to"]) == ("writeoff", 1, "CONSUMED")

    shown = run(f"wo show {wo} --json").json()
    assert shown["status"] == "in_progress"
    assert [(line["part"], *(line[k] for k in QTY_FIELDS)) for line in shown["lines"]] == [
        # part, planned, reserved, issued, returned, written off, in WIP
        ("BRG-6204", 4, 0, 4, 3, 1, 0),
        ("FLT-1", 2, 1, 1, 1, 0, 0),
        ("UPS-BAT", 1, 0, 1, 0, 0, 1),
    ]
    assert {type(line[k]) for line in shown["lines"] for k in QTY_FIELDS} == {int}

    # closing: refused while the battery is in WIP, naming its line; then closed
    assert run(f"wo status {wo} completed").said == f"{wo} is now completed"
    refused = storeroom(db, f"wo close {wo} --json")
    assert (refused.code, refused.err) == (1, "")
    assert refused.json() == {
        "error": {
            "code": "not_reconciled",
            "message": f"{wo} cannot close: line 3 UPS-BAT: 1 in WIP, return or write off",
            "value": ["line 3 UPS-BAT: 1 in WIP, return or write off"],
        }
    }
    run(f"writeoff {wo} UPS-BAT 1 --serial SN2")
    closed = run(f"wo close {wo} --json").json()
    assert (closed["number"], closed["status"]) == (wo, "closed")
    assert closed["parts_cost"] == 125.0  # one bearing at 5.00 and one battery at 120.00

    # stock afterwards, with --json before and after the command
    filters = run("--json stock FLT-1").json()
    assert (filters["part"], filters["on_hand"], filters["available"]) == ("FLT-1", 4, 4)
    assert balances(filters) == [("MAIN/A-01-01", "L1", None, 4), ("SCRAP", "L1", None, 1)]
    batteries = run("stock UPS-BAT --json").json()
    assert (batteries["on_hand"], batteries["reserved"], batteries["available"]) == (1, 0, 1)
    assert balances(batteries) == [("MAIN/A-01-01", None, "SN1", 1)]
    assert run("check").said == "check clean: balances equal the movements; integrity ok"

    room = opened(db)
    try:
        bearings = room.read(stock.stock_position, "BRG-6204")
        assert (bearings.on_hand, bearings.available) == (parse_qty("8"), parse_qty("8"))
        assert len(room.read(ledger.find_posting, BRG_RECEIPT_KEY)) == 1
        battery = room.read(catalog.find_item, "UPS-BAT")
        assert (battery.tracking, battery.critical) == ("serial", True)
    finally:
        room.close()


# --- one prepared storeroom for the refusals ------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    path: Path
    rows: list[str]
    started: str  # in progress: BRG-6204 4 reserved, UPS-BAT SN1 issued
    approved: str  # approved, not started


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    """Built once through the services (fast); every test works on its own copy."""
    path = tmp_path_factory.mktemp("prepared") / "storeroom.db"
    room = opened(path)
    room.init()
    room.sign_in("ADMIN")
    room.write(catalog.add_bin, "A-01-01", "MAIN")
    room.write(catalog.add_bin, "A-01-02", "MAIN")
    room.write(catalog.add_item, "BRG-6204", "Bearing 6204", barcodes=["4006381333931"])
    room.write(catalog.add_item, "UPS-BAT", "UPS battery", tracking="serial", critical=True)
    room.write(catalog.add_item, "SEAL-9", "Shaft seal")
    room.write(catalog.add_asset, "PUMP-07", "Cooling pump 7", None, "CC-100")
    room.write(catalog.add_user, "C1", "Carla Clerk", "clerk")
    room.write(ledger.receive, "BRG-6204", parse_qty("10"), "A-01-01", unit_cost=parse_money("5"))
    room.write(
        ledger.receive,
        "UPS-BAT",
        parse_qty("2"),
        "A-01-02",
        serial_nos=["SN1", "SN2"],
        unit_cost=parse_money("120"),
    )
    room.write(
        ledger.receive,
        "SEAL-9",
        parse_qty("6"),
        "A-01-02",
        unit_cost=parse_money("1.50"),
        key=SEAL_RECEIPT_KEY,
    )

    def work_order(session, actor, lines: dict[str, str], steps: list[str]):  # noqa: ANN001, ANN202
        made = workorders.create_work_order(session, actor, "PUMP-07", "Fix pump")
        for part, qty in lines.items():
            workorders.add_demand_line(session, actor, made, part, parse_qty(qty))
        for step in steps:
            workorders.change_status(session, actor, made, step)
        if made.status == "in_progress":
            reservations.reserve_work_order(session, actor, made)
        return made.number

    started = room.write(work_order, {"BRG-6204": "4", "UPS-BAT": "1"}, ["approved", "in_progress"])
    approved = room.write(work_order, {"BRG-6204": "1"}, ["approved"])
    room.write(counter.issue_to_line, started, "UPS-BAT", parse_qty("1"), serial_nos=["SN1"])
    room.close()
    assert_check_is_clean(path)
    return Prepared(path, contents(path), started, approved)


@pytest.fixture
def db(prepared: Prepared, tmp_path: Path) -> Path:
    copy = tmp_path / "storeroom.db"
    shutil.copyfile(prepared.path, copy)
    return copy


REFUSALS = [
    # id, command, badge, --json, code, message
    (
        "unknown_part",
        "receive NOPE-1 1 --bin A-01-01",
        "ADMIN",
        True,
        "unknown_item",
        "no item with part number or barcode 'NOPE-1'",
    ),
    (
        "quantity_that_is_not_a_number",
        "issue {started} BRG-6204 abc",
        "ADMIN",
        True,
        "invalid_quantity",
        "quantity 'abc' is not a number",
    ),
    (
        "quantity_finer_than_a_thousandth",
        "receive BRG-6204 1.0001 --bin A-01-01",
        "ADMIN",
        False,
        "invalid_quantity",
        "quantity '1.0001' has more than 3 decimals; the smallest step is 0.001",
    ),
    (
        "negative_quantity",
        "receive BRG-6204 --bin A-01-01 -- -1",
        "ADMIN",
        True,
        "invalid_quantity",
        "quantity '-1' must be greater than zero",
    ),
    (
        "issue_on_work_order_not_in_progress",
        "issue {approved} BRG-6204 1",
        "ADMIN",
        True,
        "not_in_progress",
        "{approved} is approved: issue is allowed only when in_progress; "
        "start the work order first",
    ),
    (
        "clerk_may_not_write_off",
        "writeoff {started} UPS-BAT 1 --serial SN1",
        "C1",
        False,
        "permission_denied",
        "Carla Clerk (C1) is a clerk and may not write-off",
    ),
    (
        "unknown_badge",
        "receive BRG-6204 1 --bin A-01-01",
        "NOBODY",
        True,
        "unknown_user",
        "no user with badge 'NOBODY'",
    ),
    (
        "nobody_signed_in",
        "receive BRG-6204 1 --bin A-01-01",
        None,
        False,
        "not_signed_in",
        "no user: pass --user BADGE or set STOREROOM_USER",
    ),
    (
        "return_of_unissued_serial",
        "return {started} UPS-BAT 1 --condition new --serial SN2",
        "ADMIN",
        True,
        "serial_not_issued",
        "serial SN2 of UPS-BAT was not issued to {started} (or is already back)",
    ),
    (
        "unknown_condition",
        "return {started} UPS-BAT 1 --condition broken --serial SN1",
        "ADMIN",
        False,
        "invalid_value",
        "condition 'broken' is not one of: new, opened, inspect, rejected",
    ),
]


@pytest.mark.parametrize(
    ("command", "badge", "as_json", "code", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in REFUSALS],
)
def test_refusal_exits_1_with_a_message_naming_the_value_and_changes_nothing(
    prepared: Prepared,
    db: Path,
    command: str,
    badge: str | None,
    as_json: bool,
    code: str,
    message: str,
) -> None:
    numbers = {"started": prepared.started, "approved": prepared.approved}
    command, message = command.format(**numbers), message.format(**numbers)

    result = storeroom(db, f"--json {command}" if as_json else command, badge)

    assert result.code == 1
    if as_json:
        assert result.err == ""
        answer = result.json()
        assert list(answer) == ["error"]
        assert (answer["error"]["code"], answer["error"]["message"]) == (code, message)
    else:
        assert (result.out, result.err) == ("", f"refused: {message}\n")
    assert contents(db) == prepared.rows


@pytest.mark.parametrize(
    ("command", "complaint"),
    [
        pytest.param(
            "receive BRG-6204 --bin A-01-01", "Missing argument 'qty'", id="missing_quantity"
        ),
        pytest.param(
            "--json stock BRG-6204 --colour red", "No such option: --colour", id="unknown_option"
        ),
        pytest.param(
            "receive BRG-6204 -1 --bin A-01-01", "No such option: -1", id="bare_negative_quantity"
        ),
    ],
)
def test_usage_error_exits_2_and_changes_nothing(
    prepared: Prepared, db: Path, command: str, complaint: str
) -> None:
    result = storeroom(db, command, real=True)

    assert (result.code, result.out) == (2, "")
    assert complaint in result.err
    assert contents(db) == prepared.rows


def test_reversing_a_receipt_sends_it_back_to_the_supplier(db: Path) -> None:
    reversal = ok(storeroom(db, f"reverse {SEAL_RECEIPT_KEY} --reason 'wrong delivery' --json"))

    [movement] = reversal.json()["movements"]
    assert (movement["kind"], movement["part"], movement["qty"]) == ("reversal", "SEAL-9", 6)
    assert (movement["from"], movement["to"]) == ("MAIN/A-01-02", "SUPPLIER")
    room = opened(db)
    try:
        assert room.read(stock.stock_position, "SEAL-9").on_hand == 0
    finally:
        room.close()
    assert_check_is_clean(db)


def test_scans_post_what_they_can_and_exit_1_on_an_unknown_code(
    prepared: Prepared, db: Path
) -> None:
    wo = prepared.started

    result = storeroom(db, f"--json scan {wo} 4006381333931 NOT-A-CODE", "C1")

    assert result.code == 1
    scans = result.json()["scans"]
    assert [(s["scan"], s["ok"]) for s in scans] == [
        (wo, True),
        ("4006381333931", True),
        ("NOT-A-CODE", False),
    ]
    assert scans[1]["message"] == "4 EA BRG-6204 MAIN/A-01-01 → WIP"
    assert scans[2]["message"] == "no item with part number or barcode 'NOT-A-CODE'"
    room = opened(db)
    try:
        summary = room.read(reconcile, wo)
    finally:
        room.close()
    assert [(line.part, line.issued, line.in_wip) for line in summary.lines] == [
        ("BRG-6204", parse_qty("4"), parse_qty("4")),
        ("UPS-BAT", parse_qty("1"), parse_qty("1")),
    ]
    assert_check_is_clean(db)


def test_storeroom_alone_takes_the_file_and_badge_from_the_environment(tmp_path: Path) -> None:
    """`storeroom` with no arguments (an SSH account's ForceCommand) opens the app without
    the command line (storeroom_tui.launch): its refusals are the command line's."""
    db = tmp_path / "never-initialised.db"
    alone = storeroom(db, "", real=True)
    message = f"{db} is not a storeroom database yet; run: storeroom init"
    assert (alone.code, alone.out, alone.err) == (1, "", f"refused: {message}\n")
    ok(storeroom(db, "init", None))
    unknown = storeroom(db, "", "NOBODY", real=True)
    through_cli = storeroom(db, "--db " + str(db), "NOBODY", real=True)
    assert unknown.code == through_cli.code == 1
    assert unknown.err == through_cli.err
    assert unknown.err.startswith("refused: ") and "NOBODY" in unknown.err


def test_uninitialised_database_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "never-initialised.db"

    plain = storeroom(db, "stock BRG-6204", real=True)
    as_json = storeroom(db, "stock BRG-6204 --json", real=True)

    message = f"{db} is not a storeroom database yet; run: storeroom init"
    assert (plain.code, plain.out, plain.err) == (1, "", f"refused: {message}\n")
    assert as_json.code == 1
    assert as_json.json() == {
        "error": {"code": "database_error", "message": message, "value": str(db)}
    }
