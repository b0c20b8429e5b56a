"""Count adjustment: a counted difference is posted to or from ADJUSTMENT, never edited in."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from storeroom_tui import counting, ledger, purchasing
from storeroom_tui.cli import app
from storeroom_tui.errors import (
    InvalidQuantity,
    InvalidValue,
    LotRequired,
    PermissionDenied,
    UnknownLocation,
    UnknownLot,
)
from storeroom_tui.quantities import parse_count, parse_qty
from tests.ledger_probes import where_is

pytestmark = pytest.mark.both_backends


def test_a_short_count_posts_the_difference_from_the_bin_to_adjustment(plant):
    s = plant.store
    plant.as_user("K1")
    result = s.write(counting.count_adjust, "SEAL-9", "A-01-02", parse_count("4.5"))

    assert (result.on_hand, result.counted, result.difference) == (6000, 4500, -1500)
    (moved,) = result.posting.movements
    assert (moved.kind, moved.qty, moved.source, moved.target, moved.unit_cost) == (
        "adjust",
        1500,
        "MAIN/A-01-02",
        "ADJUSTMENT",
        150,
    )
    assert result.describe() == (
        "count of SEAL-9 in MAIN/A-01-02: 4.5 EA counted, 6 EA held; -1.5 EA posted to the ledger"
    )
    assert s.read(ledger.check) == ([], [])


def test_an_over_count_posts_from_adjustment_into_the_bin_and_a_matching_count_posts_nothing(
    plant,
):
    s = plant.store
    plant.as_user("K1")
    over = s.write(counting.count_adjust, "BRG-6204", "A-01-01", parse_count("12"))
    (moved,) = over.posting.movements
    assert (moved.qty, moved.source, moved.target) == (2000, "ADJUSTMENT", "MAIN/A-01-01")

    same = s.write(counting.count_adjust, "BRG-6204", "A-01-01", parse_count("12"))
    assert same.posting is None
    assert same.describe() == "count of BRG-6204 in MAIN/A-01-01: 12 EA, as the ledger holds"
    assert s.read(ledger.check) == ([], [])


def test_an_empty_bin_counts_zero_and_a_lot_is_counted_by_its_number(plant):
    s = plant.store
    plant.as_user("K1")
    result = s.write(counting.count_adjust, "FLT-1", "A-01-02", parse_count("0"), "L0")
    assert (result.on_hand, result.counted, result.lot) == (3000, 0, "L0")
    assert s.read(ledger.check) == ([], [])


def test_the_same_count_sent_twice_posts_once(plant):
    s = plant.store
    plant.as_user("K1")
    key = ledger.new_key()
    first = s.write(counting.count_adjust, "SEAL-9", "A-01-02", parse_count("5"), key=key)
    again = s.write(counting.count_adjust, "SEAL-9", "A-01-02", parse_count("5"), key=key)

    assert again.posting.replayed and again.on_hand == first.on_hand == 6000
    assert [m.id for m in again.posting.movements] == [m.id for m in first.posting.movements]
    assert where_is(s, "SEAL-9") == {("MAIN/A-01-02", None): 5000}


def test_a_count_below_min_raises_one_reorder_requisition(plant):
    s = plant.store
    plant.as_user("P1")
    s.write(purchasing.set_item_supply, "SEAL-9", min_qty=parse_qty("5"), max_qty=parse_qty("10"))
    plant.as_user("K1")
    s.write(counting.count_adjust, "SEAL-9", "A-01-02", parse_count("3"))
    s.write(counting.count_adjust, "SEAL-9", "A-01-02", parse_count("2"))  # the same dip

    (requisition,) = s.read(purchasing.list_requisitions)
    assert (requisition.part, requisition.qty, requisition.source) == ("SEAL-9", 7000, "reorder")


@pytest.mark.parametrize(
    ("badge", "args", "error", "message"),
    [
        ("C1", ("SEAL-9", "A-01-02", 1000), PermissionDenied,
         "Carla Clerk (C1) is a clerk and may not adjust stock"),
        ("K1", ("SEAL-9", "NOWHERE", 1000), UnknownLocation, "no bin 'NOWHERE'"),
        ("K1", ("SEAL-9", "A-01-02", -1000), InvalidValue,
         "counted quantity -1 cannot be negative"),
        ("K1", ("FLT-1", "A-01-01", 1000), LotRequired,
         "FLT-1 is lot-tracked: name the counted lot"),
        ("K1", ("FLT-1", "A-01-01", 1000, "L9"), UnknownLot, "no lot 'L9' of FLT-1"),
        ("K1", ("UPS-BAT", "A-01-02", 1000), InvalidValue,
         "UPS-BAT is serialised: count it serial by serial (return or receive each unit), "
         "not as a quantity"),
    ],
)  # fmt: skip
def test_a_count_that_cannot_be_taken_is_refused_and_changes_nothing(
    plant, badge, args, error, message
):
    s = plant.store
    before = {part: where_is(s, part) for part in ("SEAL-9", "FLT-1", "UPS-BAT")}
    plant.as_user(badge)
    with pytest.raises(error) as refused:
        s.write(counting.count_adjust, *args)
    assert refused.value.message == message
    assert {part: where_is(s, part) for part in before} == before


def test_storeroom_count_posts_and_answers_in_json(plant, db_path):
    runner = CliRunner()
    base = ["--db", str(db_path), "--user", "K1"]
    result = runner.invoke(app, [*base, "--json", "count", "SEAL-9", "A-01-02", "4"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert (answer["counted"], answer["on_hand_before"], answer["difference"]) == (4, 6, -2)
    assert answer["posting"]["movements"][0]["to"] == "ADJUSTMENT"

    refused = runner.invoke(app, [*base, "count", "SEAL-9", "A-01-02", "--", "-2"])
    assert refused.exit_code == 1
    assert "counted quantity '-2' cannot be negative" in " ".join(refused.stderr.split())
    assert where_is(plant.store, "SEAL-9") == {("MAIN/A-01-02", None): 4000}


def test_parse_count_takes_zero_and_refuses_negative_and_junk():
    assert parse_count("0") == 0 and parse_count("2.5") == 2500
    for text, message in (
        ("-1", "counted quantity '-1' cannot be negative"),
        ("two", "quantity 'two' is not a number"),
    ):
        with pytest.raises(InvalidQuantity) as refused:
            parse_count(text)
        assert refused.value.message == message
