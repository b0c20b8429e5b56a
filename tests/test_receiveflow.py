"""The receiving dock's scan workflow: what each scan means given the scans before it,
and every refusal the Receive screen shows in red (nothing received)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import Lot, Movement
from storeroom_tui import purchasing, receiving
from storeroom_tui.quantities import parse_money, parse_qty
from storeroom_tui.receiveflow import Need, ReceiveSession
from storeroom_tui.scanflow import Tone
from tests.buying_plant import LATER, gs1, reserve, stock_buying

pytestmark = pytest.mark.both_backends


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        self.now += 1.0  # every scan a second apart unless a test says otherwise
        return self.now


def movements(store) -> int:  # noqa: ANN001
    return store.read(lambda s: s.execute(select(func.count()).select_from(Movement)).scalar_one())


def approved_po(plant, part: str, qty: str, price: str, wo: str | None = None) -> str:  # noqa: ANN001
    s = plant.store
    plant.as_user("P1")
    vendor = "ACME"
    po = s.write(purchasing.create_purchase_order, vendor)
    s.write(purchasing.add_po_line, po.number, part, parse_qty(qty), parse_money(price), wo)
    s.write(purchasing.submit_purchase_order, po.number)
    plant.as_user("S1")
    s.write(purchasing.approve_purchase_order, po.number)
    return po.number


@pytest.fixture
def dock(plant):  # noqa: ANN001, ANN201
    stock_buying(plant)
    return plant


def session(plant) -> ReceiveSession:  # noqa: ANN001
    plant.as_user("C1")
    return ReceiveSession(plant.store, clock=Clock())


def test_po_then_gs1_label_receives_its_count_and_lot_and_reserves_to_the_waiting_wo(dock):
    number = dock.wo_in_progress({"VLV-50": "4"})
    reserve(dock.store, number)  # 1 reserved, 3 short
    po = approved_po(dock, "VLV-50", "3", "250", number)
    flow = session(dock)
    opened = flow.feed(po)
    assert opened.tone == Tone.INFO and "1 line(s) to receive" in opened.message
    assert flow.expected() is not None and flow.expected().lines[0].outstanding == 3000
    outcome = flow.feed(gs1(2, "LOT-B", LATER))
    assert outcome.tone == Tone.POSTED
    assert outcome.message == (
        f"{po} line 1: received 2 EA VLV-50 into MAIN/A-01-01 (2 of 3); "
        f"2 reserved to {number} line 1"
    )
    assert outcome.posting is not None and outcome.posting.movements[0].lot == "LOT-B"
    assert flow.expected().lines[0].outstanding == 1000
    assert "scan an item" in flow.prompt()


def test_typed_lot_asks_the_expiry_and_done_means_none(dock):
    po = approved_po(dock, "VLV-50", "5", "250")
    flow = session(dock)
    flow.feed(po)
    assert flow.feed("CMD-QTY-2").message == "quantity 2 for the next item"
    asked = flow.feed("VLV-50")
    assert (asked.tone, flow.need) == (Tone.PROMPT, Need.LOT)
    assert asked.message == "scan or type the lot of 2 VLV-50"
    asked = flow.feed("LOT-N")
    assert flow.need == Need.EXPIRY and "YYYY-MM-DD" in asked.message
    bad = flow.feed("next week")
    assert bad.tone == Tone.ERROR and "'next week' is not a date" in bad.message
    assert flow.need == Need.EXPIRY
    done = flow.feed("CMD-DONE")
    assert done.tone == Tone.POSTED and "received 2 EA VLV-50" in done.message
    # a lot already in stock has its expiry: not asked again
    flow.feed("VLV-50")
    again = flow.feed("LOT-N")
    assert again.tone == Tone.POSTED and "(3 of 5)" in again.message


def test_typed_expiry_is_kept_on_the_new_lot(dock):
    po = approved_po(dock, "VLV-50", "1", "250")
    flow = session(dock)
    flow.feed(po)
    flow.feed("VLV-50")
    flow.feed("LOT-E")
    posted = flow.feed("2031-03-31")
    assert posted.tone == Tone.POSTED
    lot = dock.store.read(
        lambda s: s.execute(select(Lot.expiry).where(Lot.lot_no == "LOT-E")).scalar_one()
    )
    assert lot == date(2031, 3, 31)


def test_serialised_item_asks_one_serial_per_unit_and_refuses_a_repeat(dock):
    po = approved_po(dock, "UPS-BAT", "2", "120")
    flow = session(dock)
    flow.feed(po)
    flow.feed("CMD-QTY-2")
    assert flow.feed("UPS-BAT").message == "scan the serial of UPS-BAT (1 of 2)"
    assert flow.feed("SN7").message == "scan the serial of UPS-BAT (2 of 2)"
    repeat = flow.feed("SN7")
    assert repeat.tone == Tone.ERROR and repeat.message == "serial SN7 was already scanned"
    posted = flow.feed("SN8")
    assert posted.tone == Tone.POSTED
    assert posted.posting is not None
    assert sorted(m.serial for m in posted.posting.movements) == ["SN7", "SN8"]


def test_an_item_scanned_where_a_lot_is_expected_keeps_waiting(dock):
    po = approved_po(dock, "VLV-50", "1", "250")
    flow = session(dock)
    flow.feed(po)
    flow.feed("VLV-50")
    wrong = flow.feed("SEAL-9")
    assert wrong.tone == Tone.ERROR and "that is item SEAL-9" in wrong.message
    assert flow.need == Need.LOT
    assert flow.feed("CMD-CANCEL").message == "VLV-50 dropped; nothing received"
    assert flow.pending is None


def test_item_without_a_po_is_received_on_its_oldest_open_po_which_is_then_shown(dock):
    first = approved_po(dock, "SEAL-9", "10", "1.50")
    approved_po(dock, "SEAL-9", "10", "1.50")
    flow = session(dock)
    assert flow.feed("BIN-MAIN-A-01-01").message == "bin MAIN/A-01-01 for what follows"
    posted = flow.feed("SEAL-9")
    assert posted.tone == Tone.POSTED and posted.message.startswith(f"{first} line 1")
    assert "into MAIN/A-01-01" in posted.message
    assert flow.po_number == first


def test_inspected_goods_go_to_quarantine(dock):
    dock.as_user("ADMIN")
    dock.store.write(purchasing.set_item_supply, "SEAL-9", inspect_on_receipt=True)
    po = approved_po(dock, "SEAL-9", "4", "1.50")
    flow = session(dock)
    flow.feed(po)
    assert flow.expected().lines[0].inspection
    posted = flow.feed("CMD-QTY-4") and flow.feed("SEAL-9")
    assert posted.tone == Tone.POSTED
    assert "into QUARANTINE" in posted.message and "waits in QUARANTINE" in posted.message
    assert dock.store.read(receiving.in_inspection) == [("SEAL-9", None, 4000)]


def test_scanner_firing_twice_receives_once(dock):
    po = approved_po(dock, "SEAL-9", "10", "1.50")
    clock = Clock()
    dock.as_user("C1")
    flow = ReceiveSession(dock.store, clock=clock)
    flow.feed(po)
    before = movements(dock.store)
    assert flow.feed("SEAL-9").tone == Tone.POSTED
    clock.now -= 0.9  # the same code again 0.1 s later
    twice = flow.feed("SEAL-9")
    assert twice.tone == Tone.INFO and "fired twice" in twice.message
    assert movements(dock.store) == before + 1


@pytest.mark.parametrize(
    ("scans", "message"),
    [
        (["PO-999999"], "no purchase order 'PO-999999'"),
        (["XYZ-999"], "XYZ-999"),
        (["WO-000001"], "WO-000001 is not used on receiving"),
    ],
)
def test_bad_scans_name_the_code_and_receive_nothing(dock, scans, message):
    approved_po(dock, "SEAL-9", "10", "1.50")
    flow = session(dock)
    before = movements(dock.store)
    outcome = None
    for code in scans:
        outcome = flow.feed(code)
    assert outcome is not None and outcome.tone == Tone.ERROR and message in outcome.message
    assert movements(dock.store) == before


def test_unapproved_po_is_refused_with_its_status(dock):
    dock.as_user("P1")
    po = dock.store.write(purchasing.create_purchase_order, "ACME")
    dock.store.write(purchasing.add_po_line, po.number, "SEAL-9", parse_qty("5"), 150)
    dock.store.write(purchasing.submit_purchase_order, po.number)
    flow = session(dock)
    refused = flow.feed(po.number)
    assert refused.tone == Tone.ERROR
    assert refused.message == (
        f"{po.number} is pending approval, not approved: receive only on an approved PO"
    )
    assert flow.po_number is None


def test_over_delivery_is_refused_with_the_reason_and_nothing_received(dock):
    po = approved_po(dock, "SEAL-9", "10", "1.50")
    flow = session(dock)
    flow.feed(po)
    before = movements(dock.store)
    flow.feed("CMD-QTY-12")
    refused = flow.feed("SEAL-9")
    assert refused.tone == Tone.ERROR
    assert refused.message == (
        f"{po} line 1 SEAL-9: ordered 10, received 0; 12 more would be 2 over, beyond the "
        "over-delivery tolerance of 10% (at most 11 more); nothing received"
    )
    assert movements(dock.store) == before
    assert flow.pending is None


def test_expired_lot_on_the_label_is_refused(dock):
    po = approved_po(dock, "VLV-50", "3", "250")
    flow = session(dock)
    flow.feed(po)
    refused = flow.feed(gs1(1, "OLD-1", date(2020, 1, 31)))
    assert refused.tone == Tone.ERROR
    assert refused.message == "lot OLD-1 of VLV-50 expired on 2020-01-31; nothing received"
    assert flow.expected().lines[0].received == 0


def test_done_ends_the_po(dock):
    po = approved_po(dock, "SEAL-9", "10", "1.50")
    flow = session(dock)
    flow.feed(po)
    assert flow.feed("CMD-DONE").message == f"{po} done; scan the next delivery's PO"
    assert flow.po_number is None and flow.expected() is None


def test_undo_takes_the_last_receipt_off_the_po_and_its_reservation(dock):
    number = dock.wo_in_progress({"VLV-50": "4"})
    reserve(dock.store, number)
    po = approved_po(dock, "VLV-50", "3", "250", number)
    flow = session(dock)
    assert flow.undo("wrong count").message == "nothing received from this screen to undo"
    flow.feed(po)
    flow.feed(gs1(2, "LOT-B", LATER))
    undone = flow.undo("counted the wrong box")
    assert undone.tone == Tone.POSTED
    assert undone.message == (
        f"undone: 2 VLV-50 taken off {po} (now approved); 2 no longer reserved: "
        "counted the wrong box"
    )
    assert flow.expected().lines[0].received == 0
    assert dock.store.read(receiving.arrivals_for_work_order, number) == []
    assert flow.undo("again").tone == Tone.ERROR  # once only


def test_release_from_quarantine_puts_it_in_a_bin_and_reserves_it_to_the_waiting_wo(dock):
    dock.as_user("ADMIN")
    dock.store.write(purchasing.set_item_supply, "SEAL-9", inspect_on_receipt=True)
    number = dock.wo_in_progress({"SEAL-9": "8"})
    reserve(dock.store, number)  # 6 on the shelf, 2 short
    po = approved_po(dock, "SEAL-9", "2", "1.50", number)
    flow = session(dock)
    flow.feed(po)
    flow.feed("CMD-QTY-2")
    held = flow.feed("SEAL-9")
    assert "QUARANTINE" in held.message and "reserved" not in held.message
    refused = flow.release("SEAL-9", parse_qty("3"), "A-01-02", None)
    assert refused.tone == Tone.ERROR
    released = flow.release("SEAL-9", parse_qty("2"), "A-01-02", None)
    assert released.tone == Tone.POSTED
    assert released.message == (
        f"released 2 SEAL-9 from QUARANTINE into MAIN/A-01-02; 2 reserved to {number} "
        f"line 1; parts complete for {number}"
    )
    assert dock.store.read(receiving.in_inspection) == []
