"""Replenishment and purchasing through the services: shortage -> requisition -> PO ->
approval -> receipt by scan -> reserved to the waiting WO -> invoice and three-way match
-> PO closed, and the WO's parts cost equals what was paid. Reorder points, the approval
tiers, the ERP handoff, and every refusal the issue names, with its message."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models import Movement, Receipt, Reservation
from storeroom_tui import (
    catalog,
    counter,
    invoicing,
    ledger,
    purchasing,
    receiving,
    reservations,
    stock,
    wip,
    workorders,
)
from storeroom_tui.errors import (
    ApprovalRefused,
    ExpiredLot,
    ImportRefused,
    InvalidQuantity,
    InvoiceExceedsReceived,
    OverDelivery,
    PermissionDenied,
    PurchaseOrderState,
    StoreroomError,
    UnknownPurchaseOrder,
)
from storeroom_tui.invoicing import InvoiceLineInput
from storeroom_tui.quantities import parse_money, parse_qty
from storeroom_tui.reconciliation import close_work_order, complete_work_order, reconcile
from storeroom_tui.scan import GS, gs1_standard_check_digit

pytestmark = pytest.mark.both_backends

GTIN13 = "950600013435"  # + check digit below: the valve's GTIN-13
VALVE_GTIN = GTIN13 + str(gs1_standard_check_digit(GTIN13))
PRICE = parse_money("250")
LATER = date.today() + timedelta(days=400)


def gs1(qty: int, lot: str, expiry: date, gtin13: str = VALVE_GTIN) -> str:
    """A GS1-128 label as the scanner sends it: AIM prefix, GTIN, expiry, lot, FNC1, count."""
    return f"]C1010{gtin13}17{expiry:%y%m%d}10{lot}{GS}30{qty}"


@pytest.fixture
def buying(plant):
    """The plant plus a lot-tracked valve (1 on the shelf at 250.00), vendor ACME selling
    it at 250.00, a second planner P2, and ACME's other item for reorder tests."""
    s = plant.store
    plant.as_user("ADMIN")
    s.write(catalog.add_item, "VLV-50", "Ball valve DN50", tracking="lot", barcodes=[VALVE_GTIN])
    s.write(catalog.add_user, "P2", "Paula Planner", "planner")
    s.write(
        ledger.receive,
        "VLV-50",
        parse_qty("1"),
        "A-01-01",
        "LOT-A",
        LATER,
        unit_cost=PRICE,
    )
    s.write(purchasing.add_vendor, "ACME", "Acme Valves Ltd")
    s.write(purchasing.add_vendor, "BOLT", "Bolt & Nut Co")
    s.write(purchasing.set_vendor_price, "ACME", "VLV-50", PRICE, "AC-V50", 5)
    s.write(purchasing.set_vendor_price, "BOLT", "SEAL-9", parse_money("1.50"), "BN-S9", 3)
    return plant


def reserve(store, number):
    def run(session, actor):
        work_order = catalog.find_work_order(session, number)
        return reservations.reserve_work_order(session, actor, work_order)

    return store.write(run)


def refused(call, *args, **kwargs) -> StoreroomError:
    with pytest.raises(StoreroomError) as caught:
        call(*args, **kwargs)
    return caught.value


def count(store, model) -> int:
    return store.read(lambda session: catalog.count_rows(session, model))


# --- the whole loop ------------------------------------------------------------------------


def test_whole_loop_from_shortage_to_closed_po_and_the_wo_carries_what_was_paid(buying):
    s = buying.store
    # a WO needs 4 valves; 1 is on the shelf
    buying.as_user("S1")
    wo = buying.wo_in_progress({"VLV-50": "4"}, "Replace cooling valves")
    (line,) = reserve(s, wo)
    assert (line.reserved_now, line.shortage) == (parse_qty("1"), parse_qty("3"))

    # the shortage raised one requisition line, linked to the WO and its asset
    (req,) = s.read(purchasing.list_requisitions)
    assert (req.part, req.qty, req.source, req.work_order, req.asset, req.vendor) == (
        "VLV-50",
        parse_qty("3"),
        "shortage",
        wo,
        "PUMP-07",
        "ACME",
    )
    reserve(s, wo)  # reserving again raises nothing new
    assert len(s.read(purchasing.list_requisitions, None)) == 1

    # the buyer orders it: one draft PO at the vendor's price, linked to the WO
    buying.as_user("P1")
    (po,) = s.write(purchasing.order_requisitions, [req.number])
    assert (po.number, po.vendor, po.status, po.total) == ("PO-000001", "ACME", "draft", 75_000)
    assert (po.lines[0].work_order, po.lines[0].asset, po.lines[0].requisitions) == (
        wo,
        "PUMP-07",
        [req.number],
    )
    assert s.write(purchasing.submit_purchase_order, po.number).approval_needs == "supervisor"

    # approval: not a clerk, not the requester, not a planner above the planner tier
    buying.as_user("C1")
    error = refused(s.write, purchasing.approve_purchase_order, po.number)
    assert isinstance(error, PermissionDenied)
    assert error.message == "Carla Clerk (C1) is a clerk and may not approve purchase orders"
    buying.as_user("P1")
    error = refused(s.write, purchasing.approve_purchase_order, po.number)
    assert isinstance(error, ApprovalRefused)
    assert error.message == (
        "Pete Planner (P1) made PO-000001 and may not approve it: nobody decides on their own PO"
    )
    buying.as_user("P2")
    error = refused(s.write, purchasing.approve_purchase_order, po.number)
    assert error.message == (
        "PO-000001 totals 750.00, above the 500.00 a planner may approve: it needs a supervisor"
    )
    error = refused(s.write, purchasing.refuse_purchase_order, po.number, "too dear")
    assert error.code == "approval_refused"
    buying.as_user("S1")
    approved = s.write(purchasing.approve_purchase_order, po.number, "pump down, order it")
    assert approved.status == "approved"
    assert [(e.decision, e.who, e.role) for e in approved.events] == [
        ("created", "Pete Planner", "planner"),
        ("submitted", "Pete Planner", "planner"),
        ("approved", "Sue Supervisor", "supervisor"),
    ]
    assert approved.events[-1].reason == "pump down, order it"

    # a partial delivery of 2, scanned from the vendor's GS1 label with its lot
    buying.as_user("C1")
    expected = s.read(receiving.expected_delivery, "PO-000001")
    assert (expected.receivable, expected.lines[0].outstanding, expected.lines[0].bin) == (
        True,
        parse_qty("3"),
        "MAIN/A-01-01",
    )
    first = s.write(receiving.receive_by_scan, "PO-000001", gs1(2, "LOT-B", LATER), "A-01-01")
    assert (first.qty, first.received, first.outstanding, first.po_status) == (
        parse_qty("2"),
        parse_qty("2"),
        parse_qty("1"),
        "partially_received",
    )
    assert first.posting.movements[0].lot == "LOT-B"
    assert first.posting.movements[0].source == "SUPPLIER"
    # ... reserved to the waiting WO at once: the WO shows the parts arrived
    assert [(r.work_order, r.line_no, r.qty) for r in first.reserved] == [(wo, 1, parse_qty("2"))]
    assert first.parts_complete == []  # one is still missing
    arrivals = s.read(receiving.arrivals_for_work_order, wo)
    assert [(a.po_number, a.part, a.qty) for a in arrivals] == [
        ("PO-000001", "VLV-50", parse_qty("2"))
    ]
    position = s.read(
        lambda session: wip.position(session, catalog.find_work_order(session, wo).id)
    )
    assert (position.lines[0].reserved, position.lines[0].shortage) == (parse_qty("3"), 1000)

    # the clerk issues the 3 that are here
    s.write(counter.issue_to_line, wo, "VLV-50", parse_qty("3"))

    # the rest arrives; the WO's parts are complete now
    rest = s.write(
        receiving.receive_on_po, "PO-000001", "VLV-50", parse_qty("1"), "A-01-01", "LOT-C", LATER
    )
    assert (rest.po_status, rest.parts_complete) == ("received", [wo])
    ready = s.read(receiving.work_orders_with_parts_complete)
    assert [r.number for r in ready] == [wo]
    s.write(counter.issue_to_line, wo, "VLV-50", parse_qty("1"))
    buying.as_user("S1")
    s.write(counter.write_off, wo, "VLV-50", parse_qty("4"))

    # invoices: a price difference inside the tolerance matches ...
    buying.as_user("K1")
    inside = s.write(
        invoicing.enter_invoice,
        "PO-000001",
        "INV-100",
        [InvoiceLineInput("1", parse_qty("2"), parse_money("255"))],
    )
    assert (inside.status, inside.total) == ("matched", 51_000)
    assert (inside.lines[0].price_difference, inside.lines[0].variance) == (200, 1_000)
    assert inside.lines[0].variance_to == "work_order"
    # ... one outside it lands in the exceptions list with the reason
    outside = s.write(
        invoicing.enter_invoice,
        "PO-000001",
        "INV-101",
        [InvoiceLineInput("VLV-50", parse_qty("1"), parse_money("275"))],
    )
    assert outside.status == "exception"
    (problem,) = s.read(invoicing.list_exceptions)
    assert problem.reason == (
        "PO-000001 invoice INV-101 line 1 VLV-50: price 275.00 is 10% above the PO price "
        "250.00 (tolerance 5%)"
    )
    error = refused(s.write, invoicing.close_purchase_order, "PO-000001")
    assert error.message == "PO-000001 cannot close: 1 match exception(s) open"
    # the vendor is told; the wrong invoice is rejected and a corrected one matches
    s.write(invoicing.resolve_exception, problem.id, False, "vendor to credit; quoted 255")
    assert s.read(invoicing.list_exceptions) == []
    corrected = s.write(
        invoicing.enter_invoice,
        "PO-000001",
        "INV-102",
        [InvoiceLineInput("1", parse_qty("1"), parse_money("255"))],
    )
    assert corrected.status == "matched"
    closed = s.write(invoicing.close_purchase_order, "PO-000001")
    assert (closed.status, closed.fully_received, closed.fully_invoiced) == ("closed", True, True)

    # the WO's parts cost equals what was paid: the shelf valve and the 3 bought for it
    paid = PRICE + parse_money("255") * 3
    assert s.read(invoicing.work_order_paid, wo).total == paid == 101_500
    assert s.read(reconcile, wo).parts_cost == paid  # what the reconciliation screen shows
    buying.as_user("S1")
    s.write(complete_work_order, wo)
    assert s.write(close_work_order, wo).parts_cost == paid
    assert s.read(catalog.find_work_order, wo).parts_cost == paid  # frozen as paid
    after = s.read(invoicing.work_order_paid, wo)
    assert (after.ledger_cost, after.price_variance, after.total) == (100_000, 1_500, paid)
    assert s.read(ledger.check) == ([], [])


# --- reorder points -------------------------------------------------------------------------------


def _seal_reorder_point(buying) -> None:
    buying.as_user("P1")
    buying.store.write(
        purchasing.set_item_supply,
        "SEAL-9",
        min_qty=parse_qty("5"),
        max_qty=parse_qty("10"),
        preferred_vendor="BOLT",
    )


def test_reorder_point_raises_one_requisition_per_dip_up_to_max(buying):
    s = buying.store
    _seal_reorder_point(buying)  # 6 on the shelf, min 5, max 10
    buying.as_user("S1")
    wo = buying.wo_in_progress({"SEAL-9": "4"})
    buying.as_user("C1")
    s.write(counter.issue_to_line, wo, "SEAL-9", parse_qty("1"))  # 5 left: at min, nothing
    assert s.read(purchasing.list_requisitions) == []
    s.write(counter.issue_to_line, wo, "SEAL-9", parse_qty("1"))  # 4: below min

    (req,) = s.read(purchasing.list_requisitions)
    assert (req.part, req.qty, req.source, req.vendor, req.work_order) == (
        "SEAL-9",
        parse_qty("6"),  # up to max: 10 - 4
        "reorder",
        "BOLT",
        None,
    )
    s.write(counter.issue_to_line, wo, "SEAL-9", parse_qty("1"))  # 3: still the same dip
    assert len(s.read(purchasing.list_requisitions, None)) == 1
    # cancelled, it is not raised again while the dip lasts
    buying.as_user("P1")
    s.write(purchasing.cancel_requisition, req.number, "buying a kit instead")
    buying.as_user("C1")
    s.write(counter.issue_to_line, wo, "SEAL-9", parse_qty("1"))  # 2
    assert len(s.read(purchasing.list_requisitions, None)) == 1
    assert s.read(purchasing.item_supply, "SEAL-9").reorder_raised is True


def test_reorder_point_is_raised_again_only_after_stock_recovers(buying):
    s = buying.store
    _seal_reorder_point(buying)
    buying.as_user("S1")
    wo = buying.wo_in_progress({"SEAL-9": "6"})
    buying.as_user("C1")
    s.write(counter.issue_to_line, wo, "SEAL-9", parse_qty("2"))  # 4: raised
    (req,) = s.read(purchasing.list_requisitions)
    buying.as_user("P1")
    (po,) = s.write(purchasing.order_requisitions, [req.number])
    s.write(purchasing.submit_purchase_order, po.number)  # 9.00: any other planner
    buying.as_user("P2")
    s.write(purchasing.approve_purchase_order, po.number)
    buying.as_user("C1")
    s.write(counter.issue_to_line, wo, "SEAL-9", parse_qty("1"))  # 3, on order: nothing new
    assert len(s.read(purchasing.list_requisitions, None)) == 1
    s.write(receiving.receive_on_po, po.number, "SEAL-9", parse_qty("6"), "A-01-02")  # 9
    assert s.read(purchasing.item_supply, "SEAL-9").reorder_raised is False
    s.write(counter.issue_to_line, wo, "SEAL-9", parse_qty("3"))  # 6: above min, nothing
    assert len(s.read(purchasing.list_requisitions, None)) == 1
    buying.as_user("S1")
    wo2 = buying.wo_in_progress({"SEAL-9": "2"})
    buying.as_user("C1")
    s.write(counter.issue_to_line, wo2, "SEAL-9", parse_qty("2"))  # 4: a new dip
    numbers = [r.number for r in s.read(purchasing.list_requisitions, None)]
    assert numbers == ["RQ-000001", "RQ-000002"]


def test_a_reservation_that_lowers_availability_below_min_raises_a_requisition(buying):
    s = buying.store
    _seal_reorder_point(buying)
    buying.as_user("S1")
    wo = buying.wo_in_progress({"SEAL-9": "3"})
    reserve(s, wo)  # 6 on hand, 3 reserved: 3 available
    (req,) = s.read(purchasing.list_requisitions)
    assert (req.source, req.qty) == ("reorder", parse_qty("7"))


# --- approval tiers and expedited --------------------------------------------------------------


def test_tiers_are_settings_a_controller_changes_and_a_planner_then_approves_more(buying):
    s = buying.store
    buying.as_user("P1")
    po = s.write(purchasing.create_purchase_order, "ACME")
    s.write(purchasing.add_po_line, po.number, "VLV-50", parse_qty("3"))  # 750.00
    s.write(purchasing.submit_purchase_order, po.number)
    buying.as_user("P2")
    assert refused(s.write, purchasing.approve_purchase_order, po.number).code == (
        "approval_refused"
    )
    error = refused(s.write, purchasing.set_purchasing_settings, parse_money("1000"))
    assert error.message == (
        "Paula Planner (P2) is a planner and may not change approval tiers and tolerances"
    )
    buying.as_user("K1")
    error = refused(s.write, purchasing.set_purchasing_settings, parse_money("6000"))
    assert error.message == "the planner limit 6,000.00 is above the supervisor limit 5,000.00"
    settings = s.write(purchasing.set_purchasing_settings, parse_money("1000"))
    assert settings.planner_limit == 100_000
    buying.as_user("P2")
    assert s.write(purchasing.approve_purchase_order, po.number).status == "approved"


def test_a_controller_approves_above_the_supervisor_tier_and_expedited_is_no_bypass(buying):
    s = buying.store
    buying.as_user("S1")
    wo = buying.wo_in_progress({"VLV-50": "30"})

    def make_emergency(session, actor):
        work_order = catalog.find_work_order(session, wo)
        work_order.wo_type, work_order.priority = "EM", 1
        session.add(work_order)

    s.write(make_emergency)
    reserve(s, wo)
    (req,) = s.read(purchasing.list_requisitions)
    assert req.expedited
    buying.as_user("P1")
    (po,) = s.write(purchasing.order_requisitions, [req.number])
    assert (po.expedited, po.total) == (True, 725_000)  # 29 x 250.00
    s.write(purchasing.submit_purchase_order, po.number)
    buying.as_user("S1")
    assert refused(s.write, purchasing.approve_purchase_order, po.number).message == (
        "PO-000001 totals 7,250.00, above the 5,000.00 a supervisor may approve: it needs a "
        "controller"
    )
    buying.as_user("C1")  # nor may it be received before approval, expedited or not
    error = refused(s.write, receiving.receive_on_po, po.number, "VLV-50", 1000, "A-01-01", "L")
    assert error.message == (
        "PO-000001 is pending approval, not approved: receive only on an approved PO"
    )
    buying.as_user("K1")
    assert s.write(purchasing.approve_purchase_order, po.number).status == "approved"
    assert s.read(purchasing.list_purchase_orders)[0].expedited


def test_refused_po_is_logged_with_why_changed_and_resubmitted(buying):
    s = buying.store
    buying.as_user("P1")
    po = s.write(purchasing.create_purchase_order, "BOLT")
    s.write(purchasing.add_po_line, po.number, "SEAL-9", parse_qty("10"))
    s.write(purchasing.submit_purchase_order, po.number)
    buying.as_user("P2")
    assert refused(s.write, purchasing.refuse_purchase_order, po.number, " ").message == (
        "refusing PO-000001 needs a reason"
    )
    refusal = s.write(purchasing.refuse_purchase_order, po.number, "we have 6, order 4")
    assert (refusal.status, refusal.events[-1].reason, refusal.events[-1].who) == (
        "refused",
        "we have 6, order 4",
        "Paula Planner",
    )
    buying.as_user("P1")
    s.write(purchasing.add_po_line, po.number, "SEAL-9", parse_qty("1"))
    assert s.write(purchasing.submit_purchase_order, po.number).status == "pending_approval"


# --- receiving ------------------------------------------------------------------------------------


def _approved_po(buying, part="VLV-50", qty="3", vendor="ACME", price=None) -> str:
    s = buying.store
    buying.as_user("P1")
    po = s.write(purchasing.create_purchase_order, vendor)
    s.write(purchasing.add_po_line, po.number, part, parse_qty(qty), price)
    s.write(purchasing.submit_purchase_order, po.number)
    buying.as_user("K1")
    s.write(purchasing.approve_purchase_order, po.number)
    buying.as_user("C1")
    return po.number


def test_goods_inspected_on_receipt_wait_in_quarantine_until_released(buying):
    s = buying.store
    buying.as_user("P1")
    s.write(purchasing.set_item_supply, "VLV-50", inspect_on_receipt=True)
    buying.as_user("S1")
    wo = buying.wo_in_progress({"VLV-50": "2"})
    reserve(s, wo)  # 1 reserved, 1 short
    number = _approved_po(buying, qty="2")
    receipt = s.write(receiving.receive_on_po, number, "VLV-50", 2000, "A-01-02", "LOT-Q", LATER)
    assert (receipt.place, receipt.inspection, receipt.reserved) == ("QUARANTINE", True, [])
    assert s.read(stock.stock_position, "VLV-50").available == 0  # not available yet
    assert s.read(receiving.in_inspection) == [("VLV-50", "LOT-Q", 2000)]
    released = s.write(receiving.release_from_quarantine, "VLV-50", 2000, "A-01-02", "LOT-Q")
    assert [(r.work_order, r.qty) for r in released.reserved] == [(wo, 1000)]
    assert released.parts_complete == [wo]
    assert s.read(stock.stock_position, "VLV-50").available == 1000
    assert s.read(ledger.check) == ([], [])


def test_receiving_a_scanned_item_without_a_po_takes_the_oldest_open_po(buying):
    s = buying.store
    older = _approved_po(buying, "SEAL-9", "2", "BOLT")
    _approved_po(buying, "SEAL-9", "5", "BOLT")
    assert s.read(receiving.open_lines_for_item, "SEAL-9") == [
        (older, 1, 2000),
        ("PO-000002", 1, 5000),
    ]
    result = s.write(receiving.receive_by_scan, None, "SEAL-9", "A-01-02")
    assert (result.po_number, result.qty, result.place) == (older, 1000, "MAIN/A-01-02")


def test_receipt_is_at_the_po_price_and_moves_the_moving_average(buying):
    s = buying.store
    number = _approved_po(buying, "SEAL-9", "6", "BOLT", price=parse_money("2.50"))
    s.write(receiving.receive_on_po, number, "SEAL-9", parse_qty("6"), "A-01-02")
    assert s.read(stock.stock_position, "SEAL-9").avg_cost == 200  # 6 at 1.50, 6 at 2.50
    movement = s.read(
        lambda session: session.execute(
            select(Movement.unit_cost, Movement.reason).order_by(Movement.id.desc()).limit(1)
        ).one()
    )
    assert tuple(movement) == (250, f"{number} line 1")


def test_receipt_key_posted_twice_receives_once(buying):
    s = buying.store
    number = _approved_po(buying)
    key = ledger.new_key()
    args = (number, "VLV-50", 1000, "A-01-01", "LOT-K", LATER, None, key)
    first = s.write(receiving.receive_on_po, *args)
    again = s.write(receiving.receive_on_po, *args)
    assert again.posting.replayed and not first.posting.replayed
    assert again.received == first.received == 1000
    assert count(s, Receipt) == 1


# --- bad input, each with its message, nothing changed --------------------------------------------


def test_receipt_on_an_unknown_po_is_refused(buying):
    buying.as_user("C1")
    error = refused(buying.store.write, receiving.receive_on_po, "PO-999999", "VLV-50", 1000)
    assert isinstance(error, UnknownPurchaseOrder)
    assert error.message == "no purchase order 'PO-999999'"


def test_receipt_on_a_closed_po_is_refused(buying):
    s = buying.store
    number = _approved_po(buying, "SEAL-9", "2", "BOLT")
    s.write(receiving.receive_on_po, number, "SEAL-9", 2000, "A-01-02")
    buying.as_user("K1")
    s.write(invoicing.enter_invoice, number, "B-1", [InvoiceLineInput("1", 2000, 150)])
    s.write(invoicing.close_purchase_order, number)
    buying.as_user("C1")
    before = count(s, Movement)
    error = refused(s.write, receiving.receive_on_po, number, "SEAL-9", 1000, "A-01-02")
    assert isinstance(error, PurchaseOrderState)
    assert error.message == f"{number} is closed: nothing more can be received on it"
    assert count(s, Movement) == before


def test_receipt_on_an_unapproved_po_is_refused(buying):
    s = buying.store
    buying.as_user("P1")
    po = s.write(purchasing.create_purchase_order, "BOLT")
    s.write(purchasing.add_po_line, po.number, "SEAL-9", 2000)
    buying.as_user("C1")
    error = refused(s.write, receiving.receive_on_po, po.number, "SEAL-9", 1000, "A-01-02")
    assert error.message == "PO-000001 is draft, not approved: receive only on an approved PO"


def test_receipt_of_a_negative_or_zero_quantity_is_refused(buying):
    s = buying.store
    number = _approved_po(buying, "SEAL-9", "2", "BOLT")
    for qty, shown in ((-1000, "-1"), (0, "0")):
        error = refused(s.write, receiving.receive_on_po, number, "SEAL-9", qty, "A-01-02")
        assert isinstance(error, InvalidQuantity)
        assert error.message == f"quantity {shown} must be greater than zero"
    assert refused(parse_qty, "-2").message == "quantity '-2' must be greater than zero"
    assert count(s, Receipt) == 0


def test_receipt_beyond_the_over_delivery_tolerance_is_refused_with_the_reason(buying):
    s = buying.store
    number = _approved_po(buying, "SEAL-9", "10", "BOLT")
    s.write(receiving.receive_on_po, number, "SEAL-9", parse_qty("10.5"), "A-01-02")  # 5% over
    error = refused(s.write, receiving.receive_on_po, number, "SEAL-9", 1000, "A-01-02")
    assert isinstance(error, OverDelivery)
    assert error.message == (
        f"{number} line 1 SEAL-9: ordered 10, received 10.5; 1 more would be 1.5 over, beyond "
        "the over-delivery tolerance of 10% (at most 0.5 more)"
    )
    assert count(s, Receipt) == 1


def test_receipt_of_an_expired_lot_is_refused(buying):
    s = buying.store
    number = _approved_po(buying)
    expired = date.today() - timedelta(days=3)
    error = refused(s.write, receiving.receive_by_scan, number, gs1(1, "OLD-1", expired), "A-01-01")
    assert isinstance(error, ExpiredLot)
    assert error.message == f"lot OLD-1 of VLV-50 expired on {expired.isoformat()}"
    assert count(s, Receipt) == 0


def test_invoice_for_more_than_was_received_is_refused(buying):
    s = buying.store
    number = _approved_po(buying)
    s.write(receiving.receive_on_po, number, "VLV-50", 1000, "A-01-01", "LOT-I", LATER)
    buying.as_user("K1")
    error = refused(
        s.write, invoicing.enter_invoice, number, "X-1", [InvoiceLineInput("1", 2000, PRICE)]
    )
    assert isinstance(error, InvoiceExceedsReceived)
    assert error.message == (
        f"invoice X-1 bills 2 EA of VLV-50 on {number} line 1, but only 1 were received and "
        "0 already invoiced: refused"
    )
    assert s.read(invoicing.match_state, number).invoices == []


def test_invoice_needs_a_controller_and_receipt_needs_the_receive_right(buying):
    s = buying.store
    number = _approved_po(buying, "SEAL-9", "2", "BOLT")
    buying.as_user("T1")
    assert refused(s.write, receiving.receive_on_po, number, "SEAL-9", 1000).message == (
        "Tom Tech (T1) is a technician and may not receive"
    )
    buying.as_user("C1")
    assert refused(
        s.write, invoicing.enter_invoice, number, "B-9", [InvoiceLineInput("1", 1000, 150)]
    ).message == ("Carla Clerk (C1) is a clerk and may not enter invoices")


# --- open-PO review and the ERP ------------------------------------------------------------------


def test_open_po_review_lists_overdue_and_partly_received_pos_by_vendor(buying):
    s = buying.store
    late = _approved_po(buying, "SEAL-9", "4", "BOLT")
    partly = _approved_po(buying, "VLV-50", "2", "ACME")
    s.write(receiving.receive_on_po, partly, "VLV-50", 1000, "A-01-01", "LOT-R", LATER)
    _approved_po(buying, "VLV-50", "1", "ACME")  # on time, nothing received: not listed
    review = s.read(purchasing.open_po_review, date.today() + timedelta(days=4))
    by_vendor = {
        r.vendor: [(p.number, p.days_late, p.partly_received) for p in r.purchase_orders]
        for r in review
    }
    assert by_vendor == {"ACME": [(partly, 0, True)], "BOLT": [(late, 1, False)]}


def test_erp_export_and_import_of_po_numbers_changes_nothing_on_a_bad_row(buying, tmp_path):
    s = buying.store
    number = _approved_po(buying, "SEAL-9", "4", "BOLT")
    csv_text = s.read(purchasing.export_purchase_orders, "csv")
    assert csv_text.splitlines()[0].startswith("number,vendor,status,expedited,total")
    assert f"{number},BOLT,approved,False,6,," in csv_text
    data = json.loads(s.read(purchasing.export_purchase_orders, "json"))
    assert data[0]["qty"] == "4" and data[0]["unit_price"] == "1.5"

    buying.as_user("P1")
    bad = "number,erp_number\nPO-000001,4500001\nPO-000777,4500002\nRQ-000009,\n"
    error = refused(s.write, purchasing.import_erp_numbers, bad, "csv")
    assert isinstance(error, ImportRefused)
    assert error.message == (
        "nothing imported; 2 bad row(s): row 3: no purchase order or requisition PO-000777; "
        "row 4 RQ-000009: ERP number '' must be 1-64 characters"
    )
    assert s.read(purchasing.po_detail, number).erp_number is None
    done = s.write(purchasing.import_erp_numbers, '{"PO-000001": "4500001"}', "json")
    assert done.updated == [("PO-000001", "4500001")]
    assert s.read(purchasing.po_detail, "4500001").number == number  # found by ERP number too


def test_requisitions_export_for_the_erp(buying):
    s = buying.store
    buying.as_user("C1")
    s.write(purchasing.raise_requisition, "SEAL-9", parse_qty("2.5"), None, None, None, "spare")
    text = s.read(purchasing.export_requisitions, "csv")
    assert text.splitlines()[1].startswith(
        "RQ-000001,SEAL-9,Shaft seal,2.5,EA,manual,open,,,BOLT,1.5"
    )
    assert refused(s.read, purchasing.export_requisitions, "xml").message == (
        "format 'xml' is not one of: csv, json"
    )


def test_cancelled_po_reopens_its_requisitions(buying):
    s = buying.store
    buying.as_user("C1")
    req = s.write(purchasing.raise_requisition, "SEAL-9", 2000)
    buying.as_user("P1")
    (po,) = s.write(purchasing.order_requisitions, [req.number])
    s.write(purchasing.cancel_purchase_order, po.number, "vendor discontinued it")
    (again,) = s.read(purchasing.list_requisitions)
    assert (again.number, again.status, again.po_number) == (req.number, "open", None)


def test_the_loop_leaves_no_stray_reservations(buying):
    s = buying.store
    buying.as_user("S1")
    wo = buying.wo_in_progress({"VLV-50": "2"})
    reserve(s, wo)
    number = _approved_po(buying, qty="1")
    s.write(receiving.receive_on_po, number, "VLV-50", 1000, "A-01-01", "LOT-Z", LATER)
    s.write(receiving.receive_on_po, number, "VLV-50", 100, "A-01-01", "LOT-Z", LATER)
    total = s.read(
        lambda session: session.execute(
            select(func.sum(Reservation.qty)).where(
                Reservation.wo_id == catalog.find_work_order(session, wo).id
            )
        ).scalar_one()
    )
    assert total == 2000  # never more than the line needs


def test_one_delivery_for_two_lines_of_the_item_is_split_first_line_first(buying):
    s = buying.store
    _seal_reorder_point(buying)
    buying.as_user("S1")
    wo = buying.wo_in_progress({"SEAL-9": "8"})
    reserve(s, wo)  # 6 reserved, 2 short; nothing left: a reorder for 10
    numbers = [r.number for r in s.read(purchasing.list_requisitions)]
    buying.as_user("P1")
    (po,) = s.write(purchasing.order_requisitions, numbers)
    assert [(line.qty, line.work_order) for line in po.lines] == [(2000, wo), (10_000, None)]
    s.write(purchasing.submit_purchase_order, po.number)
    buying.as_user("S1")
    s.write(purchasing.approve_purchase_order, po.number)
    buying.as_user("C1")

    result = s.write(receiving.receive_on_po, po.number, "SEAL-9", parse_qty("12.5"), "A-01-02")

    assert result.lines == [(1, 2000), (2, 10_500)]  # the half over goes on the last line
    assert [(r.work_order, r.qty) for r in result.reserved] == [(wo, 2000)]
    assert (result.ordered, result.received, result.po_status) == (12_000, 12_500, "received")
    assert [m.qty for m in result.posting.movements] == [2000, 10_500]
    assert s.read(ledger.check) == ([], [])


def test_a_po_receipt_is_undone_through_the_po_and_gives_its_reservation_back(buying):
    s = buying.store
    buying.as_user("S1")
    wo = buying.wo_in_progress({"VLV-50": "3"})
    reserve(s, wo)
    number = _approved_po(buying, qty="2")
    key = ledger.new_key()
    s.write(receiving.receive_on_po, number, "VLV-50", 2000, "A-01-01", "LOT-U", LATER, None, key)
    error = refused(s.write, ledger.reverse, key, "wrong count")
    assert error.message.endswith(
        f"is a receipt on {number}: undo it with storeroom po unreceive (it comes off the PO too)"
    )
    undone = s.write(receiving.reverse_receipt, key, "wrong count")
    assert (undone.qty, undone.released_reservation, undone.po_status) == (2000, 2000, "approved")
    position = s.read(
        lambda session: wip.position(session, catalog.find_work_order(session, wo).id)
    )
    assert (position.lines[0].reserved, position.lines[0].shortage) == (1000, 2000)
    assert s.read(receiving.arrivals_for_work_order, wo) == []
    assert s.read(purchasing.po_detail, number).lines[0].received == 0
    assert s.read(ledger.check) == ([], [])


def test_an_invoiced_receipt_is_not_undone(buying):
    s = buying.store
    number = _approved_po(buying, "SEAL-9", "2", "BOLT")
    key = ledger.new_key()
    s.write(receiving.receive_on_po, number, "SEAL-9", 2000, "A-01-02", None, None, None, key)
    buying.as_user("K1")
    s.write(invoicing.enter_invoice, number, "B-7", [InvoiceLineInput("1", 1000, 150)])
    buying.as_user("C1")
    assert refused(s.write, receiving.reverse_receipt, key, "count").message == (
        f"{number} line 1: 1 already invoiced; undoing 2 would leave 0 received: get a credit "
        "note first"
    )


def test_a_requisition_for_a_cancelled_wo_is_not_ordered(buying):
    s = buying.store
    buying.as_user("S1")
    wo = buying.wo_in_progress({"VLV-50": "2"})
    reserve(s, wo)
    (req,) = s.read(purchasing.list_requisitions)

    def cancel(session, actor):
        work_order = catalog.find_work_order(session, wo)
        workorders.change_status(session, actor, work_order, "on_hold", "pump replaced")
        workorders.change_status(session, actor, work_order, "cancelled", "pump replaced")

    s.write(cancel)
    (req,) = s.read(purchasing.list_requisitions)
    assert req.wo_status == "cancelled"
    buying.as_user("P1")
    assert refused(s.write, purchasing.order_requisitions, [req.number]).message == (
        f"{req.number} is for {wo}, which is cancelled: cancel the requisition instead"
    )


def test_invoicing_more_than_ordered_is_an_exception_even_when_received(buying):
    s = buying.store
    number = _approved_po(buying, "SEAL-9", "10", "BOLT")
    s.write(receiving.receive_on_po, number, "SEAL-9", parse_qty("10.5"), "A-01-02")
    buying.as_user("K1")
    result = s.write(
        invoicing.enter_invoice, number, "B-20", [InvoiceLineInput("1", parse_qty("10.5"), 150)]
    )
    assert result.status == "exception"
    (problem,) = s.read(invoicing.list_exceptions)
    assert (problem.kind, problem.reason) == (
        "qty",
        f"{number} invoice B-20 line 1 SEAL-9: 10.5 invoiced, 10 ordered (tolerance 0%)",
    )


def test_an_accepted_price_exception_on_stock_corrects_the_moving_average(buying):
    s = buying.store
    number = _approved_po(buying, "SEAL-9", "6", "BOLT")  # 6 on the shelf at 1.50
    s.write(receiving.receive_on_po, number, "SEAL-9", parse_qty("6"), "A-01-02")
    buying.as_user("K1")
    s.write(invoicing.enter_invoice, number, "B-30", [InvoiceLineInput("1", 6000, 270)])
    (problem,) = s.read(invoicing.list_exceptions)
    assert "price 2.70 is 80% above the PO price 1.50" in problem.reason
    assert s.read(stock.stock_position, "SEAL-9").avg_cost == 150  # not until accepted
    s.write(invoicing.resolve_exception, problem.id, True, "price rise agreed by phone")
    # 12 on hand at 1.50 + 7.20 paid more: 25.20 / 12 = 2.10
    assert s.read(stock.stock_position, "SEAL-9").avg_cost == 210
    assert s.read(invoicing.match_state, number).invoices == [("B-30", "accepted", 1620)]
    assert s.write(invoicing.close_purchase_order, number).status == "closed"
