"""The purchasing screens' plant: the conftest `plant` plus a lot-tracked valve (1 on the
shelf), two vendors with prices and a second planner; and a busier site for snapshots
with requisitions, POs in several states and an open match exception."""

from __future__ import annotations

from datetime import date

from storeroom_tui import catalog, invoicing, ledger, purchasing, receiving, reservations
from storeroom_tui.invoicing import InvoiceLineInput
from storeroom_tui.quantities import parse_money, parse_qty
from storeroom_tui.scan import GS, gs1_standard_check_digit

GTIN13 = "950600013435"
VALVE_GTIN = GTIN13 + str(gs1_standard_check_digit(GTIN13))
PRICE = parse_money("250")
LATER = date(2030, 6, 30)


def gs1(qty: int, lot: str, expiry: date, gtin13: str = VALVE_GTIN) -> str:
    """A GS1-128 label as the scanner sends it: AIM prefix, GTIN, expiry, lot, FNC1, count."""
    return f"]C1010{gtin13}17{expiry:%y%m%d}10{lot}{GS}30{qty}"


def stock_buying(plant) -> None:  # noqa: ANN001
    s = plant.store
    plant.as_user("ADMIN")
    s.write(catalog.add_item, "VLV-50", "Ball valve DN50", tracking="lot", barcodes=[VALVE_GTIN])
    s.write(catalog.add_user, "P2", "Paula Planner", "planner")
    s.write(ledger.receive, "VLV-50", parse_qty("1"), "A-01-01", "LOT-A", LATER, unit_cost=PRICE)
    s.write(purchasing.add_vendor, "ACME", "Acme Valves Ltd")
    s.write(purchasing.add_vendor, "BOLT", "Bolt & Nut Co")
    s.write(purchasing.set_vendor_price, "ACME", "VLV-50", PRICE, "AC-V50", 5)
    s.write(purchasing.set_vendor_price, "BOLT", "SEAL-9", parse_money("1.50"), "BN-S9", 3)


def reserve(store, number: str):  # noqa: ANN001, ANN201
    def run(session, actor):  # noqa: ANN001, ANN202
        work_order = catalog.find_work_order(session, number)
        return reservations.reserve_work_order(session, actor, work_order)

    return store.write(run)


def busy_site(plant) -> dict[str, str]:  # noqa: ANN001
    """Requisitions (one expedited for an emergency WO), PO-000001 pending approval,
    PO-000002 partly received with an open match exception, PO-000003 a draft."""
    stock_buying(plant)
    s = plant.store
    plant.as_user("S1")
    valves = plant.wo_in_progress({"VLV-50": "4"}, "Replace cooling valves")
    reserve(s, valves)  # 1 reserved, 3 short: RQ-000001
    from storeroom_tui import workorders

    def emergency(session, actor):  # noqa: ANN001, ANN202
        work_order = workorders.create_work_order(
            session, actor, "PUMP-07", "Seal blown, line stopped", "EM", 1
        )
        workorders.add_demand_line(session, actor, work_order, "SEAL-9", parse_qty("12"))
        workorders.change_status(session, actor, work_order, "approved", "line stopped")
        reservations.reserve_work_order(session, actor, work_order)
        return work_order.number

    urgent = s.write(emergency)  # 6 reserved, 6 short: RQ-000002, expedited
    s.write(purchasing.raise_requisition, "SEAL-9", parse_qty("20"), None, None, "BOLT", "stock")
    plant.as_user("P1")
    (first,) = s.write(purchasing.order_requisitions, ["RQ-000001"])
    s.write(purchasing.submit_purchase_order, first.number)
    second = s.write(purchasing.create_purchase_order, "ACME", date(2026, 11, 10))
    s.write(purchasing.add_po_line, second.number, "VLV-50", parse_qty("2"))
    s.write(purchasing.submit_purchase_order, second.number)
    plant.as_user("S1")
    s.write(purchasing.approve_purchase_order, second.number, "stock for the winter")
    plant.as_user("C1")
    s.write(receiving.receive_by_scan, second.number, gs1(1, "LOT-B", LATER), "A-01-01")
    plant.as_user("K1")
    s.write(
        invoicing.enter_invoice,
        second.number,
        "INV-7",
        [InvoiceLineInput("1", parse_qty("1"), parse_money("290"))],
    )
    plant.as_user("P1")
    third = s.write(purchasing.create_purchase_order, "BOLT")
    s.write(purchasing.add_po_line, third.number, "SEAL-9", parse_qty("50"))
    return {"valves": valves, "urgent": urgent, "pending": first.number, "partial": second.number}
