"""`storeroom vendor|req|po|receive --po|invoice|quarantine` and `storeroom wo arrivals|
parts-complete|paid`: the purchasing loop as a script drives it, in plain text and --json,
with exit code 1 and the message for each refusal (nothing changed)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest

from storeroom_tui import ledger
from tests.command_line import run_storeroom


class Cli:
    def __init__(self, db: Path) -> None:
        self.db = db

    def __call__(self, user: str, *args: str, code: int = 0) -> Any:
        """Run with --json; the parsed output (or the error) for the expected exit code."""
        exit_code, out, err = run_storeroom(self.db, shlex.join(["--json", *args]), user)
        assert exit_code == code, (out, err)
        return json.loads(out) if out.strip() else None

    def text(self, user: str, *args: str, code: int = 0) -> str:
        exit_code, out, err = run_storeroom(self.db, shlex.join(args), user)
        assert exit_code == code, (out, err)
        return " ".join((out + err).split())


@pytest.fixture
def cli(plant) -> Cli:
    plant.as_user("ADMIN")
    return Cli(Path(str(plant.store.db.url).removeprefix("sqlite:///")))


def test_the_purchasing_loop_from_the_command_line(plant, cli: Cli, tmp_path: Path) -> None:
    assert cli("P1", "vendor", "add", "ACME", "--name", "Acme Seals") == {
        "code": "ACME",
        "name": "Acme Seals",
    }
    price = cli("P1", "vendor", "price", "ACME", "SEAL-9", "--price", "2.50", "--lead-time", "3")
    assert (price["unit_price"], price["lead_time_days"], price["preferred"]) == (2.5, 3, True)
    supply = cli("P1", "item", "supply", "SEAL-9", "--min", "5", "--max", "10", "--vendor", "ACME")
    assert (supply["min"], supply["max"], supply["available"]) == (5, 10, 6)

    wo = plant.wo_in_progress({"SEAL-9": "8"})
    reserved = cli("S1", "wo", "reserve", wo)
    assert reserved["lines"][0]["shortage"] == 2
    reqs = cli("P1", "req", "list")["requisitions"]
    assert [(r["number"], r["source"], r["qty"], r["work_order"]) for r in reqs] == [
        ("RQ-000001", "shortage", 2, wo),
        ("RQ-000002", "reorder", 10, None),  # nothing left available: up to max
    ]
    assert f"RQ-000001 SEAL-9 2 EA {wo} ACME open" in cli.text("P1", "req", "list")

    (po,) = cli("P1", "req", "order", "RQ-000001", "RQ-000002")["purchase_orders"]
    assert (po["number"], po["status"], po["total"], len(po["lines"])) == (
        "PO-000001",
        "draft",
        30.0,
        2,
    )
    assert cli("P1", "po", "submit", "PO-000001")["approval_needs"] == "planner"
    assert cli.text("P1", "po", "approve", "PO-000001", code=1) == (
        "refused: Pete Planner (P1) made PO-000001 and may not approve it: nobody decides on "
        "their own PO"
    )
    error = cli("C1", "po", "approve", "PO-000001", code=1)["error"]
    assert (error["code"], error["value"]) == ("permission_denied", "C1")
    approved = cli("S1", "po", "approve", "PO-000001", "--reason", "stock-out")
    assert [e["decision"] for e in approved["events"]] == ["created", "submitted", "approved"]

    receipt = cli("C1", "receive", "--po", "PO-000001", "SEAL-9", "2", "--bin", "A-01-02")
    assert (receipt["line"], receipt["received"], receipt["place"]) == (1, 2, "MAIN/A-01-02")
    assert receipt["reserved"] == [{"work_order": wo, "line": 1, "qty": 2}]
    assert receipt["parts_complete"] == [wo]
    assert receipt["movements"][0]["unit_cost"] == 2.5
    scanned = cli("C1", "po", "receive", "PO-000001", "SEAL-9", "--qty", "10", "--bin", "A-01-02")
    assert [(r["line"], r["qty"], r["po_status"]) for r in scanned["receipts"]] == [
        (2, 10, "received")
    ]
    arrivals = cli("T1", "wo", "arrivals", wo)["arrivals"]
    assert [(a["po"], a["qty"]) for a in arrivals] == [("PO-000001", 2)]
    assert [w["number"] for w in cli("T1", "wo", "parts-complete")["work_orders"]] == [wo]

    invoice = cli("K1", "invoice", "add", "PO-000001", "INV-9", "--line", "1:2:2.50")
    assert invoice["status"] == "matched"
    invoice = cli("K1", "invoice", "add", "PO-000001", "INV-10", "--line", "SEAL-9:10:2.80")
    assert (invoice["status"], invoice["lines"][0]["price_difference_pct"]) == ("exception", 12)
    (problem,) = cli("K1", "invoice", "exceptions")["exceptions"]
    assert problem["reason"] == (
        "PO-000001 invoice INV-10 line 2 SEAL-9: price 2.80 is 12% above the PO price 2.50 "
        "(tolerance 5%)"
    )
    assert cli.text("K1", "po", "close", "PO-000001", code=1) == (
        "refused: PO-000001 cannot close: 1 match exception(s) open"
    )
    resolved = cli(
        "K1", "invoice", "resolve", str(problem["id"]), "--accept", "--note", "freight included"
    )
    assert resolved["resolution"] == "accepted: freight included"
    assert cli("K1", "po", "match", "PO-000001")["can_close"] is True
    assert cli("K1", "po", "close", "PO-000001")["status"] == "closed"
    assert cli.text("ADMIN", "check") == "check clean: balances equal the movements; integrity ok"

    # the ERP: export, and its numbers back
    exported = tmp_path / "pos.csv"
    assert cli("P1", "po", "export", "--out", str(exported))["path"] == str(exported)
    assert exported.read_text().splitlines()[1].startswith("PO-000001,ACME,closed,False,30")
    _, reqs_json, _ = run_storeroom(cli.db, "req export --format json --status all", None)
    assert [r["number"] for r in json.loads(reqs_json)] == ["RQ-000001", "RQ-000002"]
    mapping = tmp_path / "erp.json"
    mapping.write_text(json.dumps([{"number": "PO-000001", "erp_number": "4500000017"}]))
    assert cli("P1", "po", "import", str(mapping))["updated"] == [
        {"number": "PO-000001", "erp_number": "4500000017"}
    ]
    assert cli("P1", "po", "show", "4500000017")["number"] == "PO-000001"


def test_refusals_exit_1_with_the_message_and_change_nothing(plant, cli: Cli, tmp_path) -> None:
    cli("P1", "vendor", "add", "ACME", "--name", "Acme Seals")
    assert cli.text("C1", "po", "show", "PO-000999", code=1) == (
        "refused: no purchase order 'PO-000999'"
    )
    assert cli("C1", "po", "show", "PO-000999", code=1) == {
        "error": {
            "code": "unknown_purchase_order",
            "message": "no purchase order 'PO-000999'",
            "value": "PO-000999",
        }
    }
    cli("P1", "po", "create", "ACME")
    cli("P1", "po", "line", "PO-000001", "SEAL-9", "4", "--price", "2")
    assert cli.text(
        "C1", "receive", "--po", "PO-000001", "SEAL-9", "1", "--bin", "A-01-02", code=1
    ) == ("refused: PO-000001 is draft, not approved: receive only on an approved PO")
    cli("P1", "po", "submit", "PO-000001")
    cli("S1", "po", "approve", "PO-000001")
    assert cli.text(
        "C1", "receive", "--po", "PO-000001", "--bin", "A-01-02", "--", "SEAL-9", "-1", code=1
    ) == ("refused: quantity '-1' must be greater than zero")
    assert cli.text(
        "C1", "receive", "--po", "PO-000001", "SEAL-9", "5", "--bin", "A-01-02", code=1
    ) == (
        "refused: PO-000001 line 1 SEAL-9: ordered 4, received 0; 5 more would be 1 over, "
        "beyond the over-delivery tolerance of 10% (at most 4.4 more)"
    )
    cli("C1", "receive", "--po", "PO-000001", "SEAL-9", "1", "--bin", "A-01-02")
    assert cli.text("K1", "invoice", "add", "PO-000001", "I-1", "--line", "1:2:2", code=1) == (
        "refused: invoice I-1 bills 2 EA of SEAL-9 on PO-000001 line 1, but only 1 were "
        "received and 0 already invoiced: refused"
    )
    assert cli.text("K1", "invoice", "add", "PO-000001", "I-1", "--line", "1-2", code=1) == (
        "refused: invoice line '1-2' must be LINE:QTY:PRICE, e.g. 1:2:255.00"
    )
    bad = tmp_path / "erp.csv"
    bad.write_text("number,erp_number\nPO-000001,45001\nPO-000404,45002\n")
    assert cli.text("P1", "po", "import", str(bad), code=1) == (
        "refused: nothing imported; 1 bad row(s): row 3: no purchase order or requisition PO-000404"
    )
    assert cli("P1", "po", "show", "PO-000001")["erp_number"] is None
    receipt = "receive --po PO-000001 SEAL-9 1 --bin A-01-02 --unit-cost 3"
    assert run_storeroom(cli.db, receipt, "C1")[0] == 2
    assert plant.store.read(ledger.check) == ([], [])


def test_settings_tiers_and_tolerances(plant, cli: Cli) -> None:
    assert cli.text("K1", "po", "settings") == (
        "approval: a planner up to 500.00, a supervisor up to 5,000.00, above that a "
        "controller; tolerances: price 5%, quantity 0%, over-delivery 10%"
    )
    changed = cli("K1", "po", "settings", "--planner-limit", "750", "--price-tolerance", "2.5")
    assert (changed["planner_limit"], changed["price_tolerance_pct"]) == (750.0, 2.5)
    assert cli.text("P1", "po", "settings", "--over-delivery", "50", code=1) == (
        "refused: Pete Planner (P1) is a planner and may not change approval tiers and tolerances"
    )
    assert cli.text("K1", "po", "settings", "--price-tolerance", "abc", code=1) == (
        "refused: percentage 'abc' is not a number"
    )


def test_quarantine_release_and_review_from_the_command_line(plant, cli: Cli) -> None:
    cli("P1", "vendor", "add", "ACME", "--name", "Acme Seals")
    cli("P1", "item", "supply", "SEAL-9", "--inspect")
    cli("P1", "po", "create", "ACME", "--date", "2020-01-01")
    cli("P1", "po", "line", "PO-000001", "SEAL-9", "4", "--price", "2")
    cli("P1", "po", "submit", "PO-000001")
    cli("S1", "po", "approve", "PO-000001")
    receipt = cli("C1", "receive", "--po", "PO-000001", "SEAL-9", "1", "--bin", "A-01-02")
    assert (receipt["place"], receipt["inspection"]) == ("QUARANTINE", True)
    assert cli("C1", "quarantine", "list")["quarantine"] == [
        {"part": "SEAL-9", "lot": None, "qty": 1}
    ]
    released = cli("C1", "quarantine", "release", "SEAL-9", "1", "--bin", "A-01-02")
    assert released["movements"][0]["from"] == "QUARANTINE"
    (vendor,) = cli("P1", "po", "review")["vendors"]
    (late,) = vendor["purchase_orders"]
    assert (late["number"], late["overdue"], late["partly_received"]) == ("PO-000001", True, True)
    assert "PO-000001" in cli.text("P1", "po", "review")


def test_the_demo_plant_buys_in_every_state_and_stays_consistent(tmp_path: Path) -> None:
    from storeroom_tui.demo import build_demo

    built = build_demo(str(tmp_path / "demo.db"), seed=7)
    cli = Cli(Path(built.location))
    statuses = {po["status"] for po in cli("4001", "po", "list")["purchase_orders"]}
    assert statuses == {
        "draft",
        "pending_approval",
        "refused",
        "approved",
        "partially_received",
        "received",
        "closed",
    }
    sources = {r["source"] for r in cli("4001", "req", "list", "--status", "all")["requisitions"]}
    assert sources == {"shortage", "reorder", "manual"}
    (problem,) = cli("5001", "invoice", "exceptions")["exceptions"]
    assert "above the PO price" in problem["reason"]
    assert cli("4001", "po", "review")["vendors"]
    assert len(cli("4001", "vendor", "prices", "BRG-6204-2RS")["prices"]) == 2
    assert cli.text("4001", "check") == "check clean: balances equal the movements; integrity ok"


def test_a_wrong_receipt_is_undone_with_po_unreceive(plant, cli: Cli) -> None:
    key = "0e0e0e0e-0000-4000-8000-000000000001"
    cli("P1", "vendor", "add", "ACME", "--name", "Acme Seals")
    cli("P1", "po", "create", "ACME")
    cli("P1", "po", "line", "PO-000001", "SEAL-9", "4", "--price", "2")
    cli("P1", "po", "submit", "PO-000001")
    cli("S1", "po", "approve", "PO-000001")
    cli("C1", "receive", "--po", "PO-000001", "SEAL-9", "4", "--bin", "A-01-02", "--key", key)
    assert cli.text("C1", "reverse", key, "--reason", "counted twice", code=1).startswith(
        "refused: movement "
    )
    undone = cli("C1", "po", "unreceive", key, "--reason", "counted twice")
    assert (undone["po_status"], undone["qty"], undone["movements"][0]["to"]) == (
        "approved",
        4,
        "SUPPLIER",
    )
    assert cli("C1", "po", "show", "PO-000001")["lines"][0]["received"] == 0
