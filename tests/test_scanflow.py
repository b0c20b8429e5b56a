"""The counter scan workflow: what each scan means given the scans before it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import Movement
from storeroom_tui import ledger, stock
from storeroom_tui.scanflow import CounterSession, Mode, Need, Tone

pytestmark = pytest.mark.both_backends

GS = "\x1d"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        self.now += 1.0  # every scan a second apart unless a test says otherwise
        return self.now


def movements(store) -> int:  # noqa: ANN001
    return store.read(lambda s: s.execute(select(func.count()).select_from(Movement)).scalar_one())


def counter(plant, mode: Mode = Mode.ISSUE) -> CounterSession:  # noqa: ANN001
    plant.store.sign_in("C1")
    return CounterSession(plant.store, mode, clock=Clock())


def test_item_scan_issues_what_is_still_to_issue(plant) -> None:
    number = plant.wo_in_progress({"BRG-6204": "3"})
    flow = counter(plant)
    assert flow.feed(f"{number}\r\n").tone == Tone.INFO
    outcome = flow.feed("4006381333931")  # the bearing's GTIN on the box
    assert outcome.tone == Tone.POSTED
    assert outcome.posting is not None
    assert sum(m.qty for m in outcome.posting.movements) == 3000
    assert "BRG-6204" in outcome.message and "WIP" in outcome.message


def test_quantity_command_sets_the_next_items_quantity(plant) -> None:
    number = plant.wo_in_progress({"SEAL-9": "4"})
    flow = counter(plant)
    flow.feed(number)
    assert "quantity 2" in flow.feed("CMD-QTY-2").message
    outcome = flow.feed("SEAL-9")
    assert outcome.posting is not None and outcome.posting.movements[0].qty == 2000
    picked = flow.pick_list()
    assert picked is not None and picked.lines[0].to_issue == 2000


def test_lot_item_asks_for_its_lot_and_done_takes_the_suggested_first_expiring(plant) -> None:
    number = plant.wo_in_progress({"FLT-1": "2"})
    flow = counter(plant)
    flow.feed(number)
    asked = flow.feed("FLT-1")
    assert asked.tone == Tone.PROMPT and flow.need == Need.LOT
    assert "L1" in asked.message  # L1 expires before L0
    posted = flow.feed("CMD-DONE")
    assert posted.tone == Tone.POSTED
    assert posted.posting is not None and posted.posting.movements[0].lot == "L1"


def test_gs1_code_carries_lot_and_quantity(plant) -> None:
    from storeroom_tui import catalog

    plant.store.write(
        lambda s, a: catalog.add_barcode(s, catalog.find_item(s, "FLT-1"), "09501101020917")
    )
    number = plant.wo_in_progress({"FLT-1": "3"})
    flow = counter(plant)
    flow.feed(number)
    outcome = flow.feed(f"]C10109501101020917{GS}10L0{GS}302")
    assert outcome.tone == Tone.POSTED, outcome.message
    moved = outcome.posting.movements[0]  # type: ignore[union-attr]
    assert (moved.lot, moved.qty) == ("L0", 2000)


def test_serial_item_asks_for_the_serial_then_posts_that_unit(plant) -> None:
    number = plant.wo_in_progress({"UPS-BAT": "1"})
    flow = counter(plant)
    flow.feed(number)
    assert flow.feed("UPS-BAT").tone == Tone.PROMPT and flow.need == Need.SERIAL
    outcome = flow.feed("SN2")
    assert outcome.tone == Tone.POSTED
    assert outcome.posting.movements[0].serial == "SN2"  # type: ignore[union-attr]


def test_item_scanned_where_a_serial_is_expected_is_refused_and_keeps_waiting(plant) -> None:
    number = plant.wo_in_progress({"UPS-BAT": "1"})
    flow = counter(plant)
    flow.feed(number)
    flow.feed("UPS-BAT")
    outcome = flow.feed("SEAL-9")
    assert outcome.tone == Tone.ERROR and "SEAL-9" in outcome.message
    assert flow.need == Need.SERIAL


def test_over_issue_waits_for_a_typed_reason_and_a_scan_cannot_give_it(plant) -> None:
    number = plant.wo_in_progress({"SEAL-9": "1"})
    flow = counter(plant)
    flow.feed(number)
    flow.feed("CMD-QTY-3")
    asked = flow.feed("SEAL-9")
    assert asked.tone == Tone.PROMPT and flow.need == Need.REASON
    before = movements(plant.store)
    refused = flow.feed("BRG-6204")
    assert refused.tone == Tone.ERROR and "BRG-6204" in refused.message
    assert movements(plant.store) == before
    posted = flow.give_reason("seal kit needs three")
    assert posted.tone == Tone.POSTED
    assert movements(plant.store) == before + 1


def test_cancel_drops_what_waits_and_posts_nothing(plant) -> None:
    number = plant.wo_in_progress({"UPS-BAT": "1"})
    flow = counter(plant)
    flow.feed(number)
    flow.feed("UPS-BAT")
    before = movements(plant.store)
    assert "dropped" in flow.feed("CMD-CANCEL").message
    assert flow.pending is None and movements(plant.store) == before


def test_scanner_firing_twice_posts_once(plant) -> None:
    number = plant.wo_in_progress({"SEAL-9": "4"})
    plant.store.sign_in("C1")
    now = [0.0]
    flow = CounterSession(plant.store, clock=lambda: now[0])
    flow.feed(number)
    now[0] = 5.0
    flow.feed("CMD-QTY-1")
    now[0] = 10.0
    first = flow.feed("SEAL-9")
    now[0] = 10.1
    second = flow.feed("SEAL-9")
    assert first.tone == Tone.POSTED
    assert second.tone == Tone.INFO and "ignored" in second.message
    on_hand = plant.store.read(stock.stock_position, "SEAL-9").on_hand
    assert on_hand == 6000 - 1000  # one unit moved, not two


def test_bad_scan_names_the_code_and_posts_nothing(plant) -> None:
    number = plant.wo_in_progress({"SEAL-9": "1"})
    flow = counter(plant)
    flow.feed(number)
    before = movements(plant.store)
    outcome = flow.feed("WO-")
    assert outcome.tone == Tone.ERROR and "'WO-'" in outcome.message
    outcome = flow.feed("NO-SUCH-PART")
    assert outcome.tone == Tone.ERROR and "NO-SUCH-PART" in outcome.message
    assert movements(plant.store) == before


def test_item_before_any_work_order_is_refused(plant) -> None:
    flow = counter(plant)
    outcome = flow.feed("SEAL-9")
    assert outcome.tone == Tone.ERROR and "work order first" in outcome.message


def test_work_order_not_in_progress_cannot_be_opened_for_issue(plant) -> None:
    from storeroom_tui import workorders

    number = plant.store.write(workorders.create_work_order, "PUMP-07", "Later").number
    flow = counter(plant)
    outcome = flow.feed(number)
    assert outcome.tone == Tone.ERROR and "requested" in outcome.message
    assert flow.work_order is None


def test_undo_reverses_the_last_post(plant) -> None:
    number = plant.wo_in_progress({"SEAL-9": "2"})
    flow = counter(plant)
    flow.feed(number)
    flow.feed("SEAL-9")
    assert plant.store.read(stock.stock_position, "SEAL-9").on_hand == 4000
    undone = flow.feed("CMD-UNDO")
    assert undone.tone == Tone.POSTED and undone.message.startswith("undone")
    assert plant.store.read(stock.stock_position, "SEAL-9").on_hand == 6000
    assert flow.feed("CMD-UNDO").tone == Tone.ERROR
    assert plant.store.read(ledger.check) == ([], [])


def test_return_asks_condition_shows_destination_then_posts_on_done(plant) -> None:
    number = plant.wo_in_progress({"BRG-6204": "2"})
    issuing = counter(plant)
    issuing.feed(number)
    issuing.feed("BRG-6204")
    flow = CounterSession(plant.store, Mode.RETURN, clock=Clock())
    flow.feed(number)
    flow.feed("CMD-QTY-1")
    asked = flow.feed("BRG-6204")
    assert asked.tone == Tone.PROMPT and flow.need == Need.CONDITION
    preview = flow.feed("CMD-RETURN-INSPECT")
    assert preview.tone == Tone.PROMPT and "QUARANTINE" in preview.message
    assert flow.need == Need.CONFIRM
    posted = flow.feed("CMD-DONE")
    assert posted.tone == Tone.POSTED
    assert posted.posting.movements[0].target == "QUARANTINE"  # type: ignore[union-attr]


def test_return_by_serial_alone_finds_the_item(plant) -> None:
    number = plant.wo_in_progress({"UPS-BAT": "1"})
    issuing = counter(plant)
    issuing.feed(number)
    issuing.feed("UPS-BAT")
    issuing.feed("SN1")
    flow = CounterSession(plant.store, Mode.RETURN, clock=Clock())
    flow.feed(number)
    flow.feed("CMD-RETURN-NEW")
    preview = flow.feed("SN1")
    assert preview.tone == Tone.PROMPT and "MAIN/A-01-02" in preview.message
    posted = flow.confirm()
    assert posted.tone == Tone.POSTED
    assert posted.posting.movements[0].serial == "SN1"  # type: ignore[union-attr]


def test_unknown_serial_on_return_is_refused(plant) -> None:
    number = plant.wo_in_progress({"UPS-BAT": "1"})
    flow = counter(plant, Mode.RETURN)
    flow.feed(number)
    outcome = flow.feed("SN9")
    assert outcome.tone == Tone.ERROR and "SN9" in outcome.message


def test_a_condition_applies_to_one_return_and_can_be_changed_before_posting(plant) -> None:
    number = plant.wo_in_progress({"SEAL-9": "2"})
    issuing = counter(plant)
    issuing.feed(number)
    issuing.feed("SEAL-9")
    flow = CounterSession(plant.store, Mode.RETURN, clock=Clock())
    flow.feed(number)
    flow.feed("CMD-QTY-1")
    flow.feed("SEAL-9")
    assert "back to bin" in flow.choose_condition("opened").message
    changed = flow.choose_condition("rejected")
    assert "SCRAP" in changed.message and flow.need == Need.CONFIRM
    assert flow.confirm().posting.movements[0].target == "SCRAP"  # type: ignore[union-attr]
    flow.feed("SEAL-9")
    assert flow.need == Need.CONDITION  # not carried over from the last return
