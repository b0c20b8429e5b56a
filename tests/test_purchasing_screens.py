"""Issue 6's whole loop through the screens, with real key presses and badge sign-ins:
a WO needs 4 valves and 1 is on the shelf → the shortage raises a requisition → a
planner orders it → approval refused for the requester and for a planner (tier), the
clerk is not even offered it, a supervisor approves → 2 received by scan with their lot
→ reserved to the WO, which shows the parts arrived → issued → the rest received (GS1)
→ invoiced inside then outside the price tolerance → the exception rejected → matched →
PO closed. Then the exact movements, and the WO's parts cost equals what was paid.
And the refusals a clerk meets at the dock: each rings the bell and names the code."""

from __future__ import annotations

from sqlalchemy import select

from models import Location, Movement
from screens.issue import IssueScreen
from screens.purchase_order import PurchaseOrderScreen
from screens.purchasing import PurchasingScreen
from screens.receive import ReceiveScreen
from screens.reconcile import ReconcileScreen
from screens.widgets import MessageLine
from screens.workorder import WorkOrderScreen
from storeroom_tui import catalog, invoicing, ledger, purchasing
from storeroom_tui.app import StoreroomApp
from storeroom_tui.quantities import parse_money, parse_qty
from tests.buying_plant import PRICE, VALVE_GTIN, stock_buying


async def scan(pilot, code: str) -> None:  # noqa: ANN001
    """A keyboard-wedge scanner: a burst of characters, then Enter."""
    await pilot.press(*code, "enter")
    await pilot.pause()


async def keys(pilot, *pressed: str) -> None:  # noqa: ANN001
    for key in pressed:
        await pilot.press(key)
        await pilot.pause()


async def sign_in_as(pilot, badge: str) -> None:  # noqa: ANN001
    """Hand the terminal over: the palette's Sign out, then the next badge scanned."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"Sign out")
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()
    assert pilot.app.store.actor is None
    await scan(pilot, f"USR-{badge}")
    assert pilot.app.store.actor is not None and pilot.app.store.actor.badge == badge


def message(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one(MessageLine).render())


def rendered(app, selector: str) -> str:  # noqa: ANN001
    return str(app.screen.query_one(selector).render())


def table_text(app, selector: str) -> list[list[str]]:  # noqa: ANN001
    table = app.screen.query_one(selector)
    return [[str(cell).strip() for cell in table.get_row_at(i)] for i in range(table.row_count)]


def footer_keys(app) -> set[str]:  # noqa: ANN001
    screen = app.screen
    return {
        active.binding.action
        for active in screen.active_bindings.values()
        if active.enabled and active.node is screen
    }


def movements(store, since: int) -> list[tuple[str, str, int, str, str, str | None, int]]:  # noqa: ANN001
    def rows(session):  # noqa: ANN001, ANN202
        places = dict(session.execute(select(Location.id, Location.code)).all())
        found = session.execute(
            select(Movement).where(Movement.id > since).order_by(Movement.id)
        ).scalars()
        lots = {}
        from models import Lot

        for lot in session.execute(select(Lot)).scalars():
            lots[lot.id] = lot.lot_no
        return [
            (
                m.kind,
                places[m.from_location_id],
                m.qty,
                places[m.to_location_id],
                lots.get(m.lot_id) if m.lot_id else None,
                m.wo_id is not None,
                m.unit_cost,
            )
            for m in found
        ]

    return store.read(rows)


def last_movement_id(store) -> int:  # noqa: ANN001
    return store.read(
        lambda s: s.execute(select(Movement.id).order_by(Movement.id.desc())).scalar()
    )


async def test_shortage_to_closed_po_through_the_screens(plant) -> None:
    stock_buying(plant)
    plant.as_user("S1")
    number = plant.wo_in_progress({"VLV-50": "4"}, title="Replace cooling valves")
    since = last_movement_id(plant.store)
    plant.store.actor = None
    app = StoreroomApp(plant.store, poll=False)
    bells: list[int] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
        await scan(pilot, "USR-S1")

        # the WO: reserve what is there; the line is 3 short
        await pilot.press("slash", *number)
        await pilot.pause()
        await keys(pilot, "enter", "v")
        assert isinstance(app.screen, WorkOrderScreen)
        assert "VLV-50 +1 short 3" in message(app)
        (line,) = table_text(app, "#lines")
        assert line[1] == "VLV-50" and line[-1] == "3"

        # Buy: the shortage became a requisition for the WO and its asset
        await keys(pilot, "f7")
        assert isinstance(app.screen, PurchasingScreen)
        (req,) = table_text(app, "#buy")
        assert req[1:3] == ["RQ-000001", "VLV-50"] and req[4:8] == ["3", number, "PUMP-07", "ACME"]

        # the planner orders it: one draft PO for the vendor, then submits it
        await sign_in_as(pilot, "P1")
        await keys(pilot, "space", "o")
        assert "drafted PO-000001 to ACME (1 line(s), 750.00)" in message(app)
        assert table_text(app, "#buy") == []
        await keys(pilot, "p")
        (po_row,) = table_text(app, "#buy")
        assert po_row[1:4] == ["PO-000001", "draft", "ACME"]
        await keys(pilot, "enter")
        assert isinstance(app.screen, PurchaseOrderScreen)
        assert "approve" not in footer_keys(app)  # draft: nothing to approve yet
        await keys(pilot, "s")
        assert "PO-000001 submitted for approval (a supervisor or above)" in message(app)

        # the requester may not approve it: the service says why, in red
        await keys(pilot, "a", "enter")
        assert (
            "Pete Planner (P1) made PO-000001 and may not approve it: nobody decides on their "
            "own PO" in message(app)
        )
        assert "-error" in app.screen.query_one(MessageLine).classes
        # a clerk is not offered approval at all
        await sign_in_as(pilot, "C1")
        assert isinstance(app.screen, PurchaseOrderScreen)
        assert {"approve", "refuse"}.isdisjoint(footer_keys(app))
        await keys(pilot, "a")
        assert isinstance(app.screen, PurchaseOrderScreen)  # no dialog, nothing changed
        # another planner: above the planner's tier, for approving and for refusing
        await sign_in_as(pilot, "P2")
        await keys(pilot, "a", "enter")
        assert (
            "PO-000001 totals 750.00, above the 500.00 a planner may approve: it needs a "
            "supervisor" in message(app)
        )
        await keys(pilot, "f")
        await pilot.press(*"too dear", "enter")
        await pilot.pause()
        assert "it needs a supervisor" in message(app)
        # the supervisor approves; the log shows who decided what
        await sign_in_as(pilot, "S1")
        await keys(pilot, "a")
        await pilot.press(*"pump down, order it", "enter")
        await pilot.pause()
        assert "PO-000001 approved: pump down, order it" in message(app)
        log = table_text(app, "#po-log")
        assert [(row[1], row[2], row[3]) for row in log] == [
            ("Sue Supervisor", "supervisor", "approved"),
            ("Pete Planner", "planner", "submitted"),
            ("Pete Planner", "planner", "created"),
        ]
        assert log[0][4] == "pump down, order it"
        assert "approved" in rendered(app, "#po-header")

        # the clerk receives 2 of 3 by scan, typing the lot and its expiry
        await sign_in_as(pilot, "C1")
        await keys(pilot, "e")  # Receive, with this PO open
        assert isinstance(app.screen, ReceiveScreen)
        assert "PO-000001" in rendered(app, "#po-header")
        await scan(pilot, "CMD-QTY-2")
        await scan(pilot, "VLV-50")
        assert "lot of 2 VLV-50" in rendered(app, "#prompt")
        await scan(pilot, "LOT-B")
        assert "expiry of lot LOT-B" in rendered(app, "#prompt")
        await scan(pilot, "2030-06-30")
        assert (
            f"PO-000001 line 1: received 2 EA VLV-50 into MAIN/A-01-01 (2 of 3); 2 reserved "
            f"to {number} line 1" in message(app).replace("\n", " ")
        )
        assert app.screen.focused is app.screen.query_one("#scan")
        (expected,) = table_text(app, "#expected")
        assert expected[3:7] == ["3", "2", "1", "MAIN/A-01-01"]

        # the WO shows the parts arrived; the issue screen offers them
        await keys(pilot, "f2")
        await pilot.press("slash", *number)
        await pilot.pause()
        await keys(pilot, "enter")
        assert "Parts arrived: 2 VLV-50 (PO-000001) in MAIN/A-01-01" in rendered(app, "#wo-header")
        (line,) = table_text(app, "#lines")
        assert line[4] == "3" and line[-1] == "1"  # 3 reserved, 1 still short
        await keys(pilot, "i")
        assert isinstance(app.screen, IssueScreen)
        await scan(pilot, "CMD-QTY-1")
        await scan(pilot, "VLV-50")
        await scan(pilot, "LOT-A")
        await scan(pilot, "CMD-QTY-2")
        await scan(pilot, "VLV-50")
        await scan(pilot, "LOT-B")
        assert "2 EA VLV-50" in message(app) and "lot LOT-B" in message(app)

        # the rest arrives on the vendor's GS1 label: the WO's parts are complete
        await keys(pilot, "f8")
        await scan(pilot, f"(01)0{VALVE_GTIN}(17)300630(10)LOT-C(30)1")
        said = message(app).replace("\n", " ")
        assert "(3 of 3); 1 reserved to" in said and f"parts complete for {number}" in said
        await keys(pilot, "f7", "escape", "w")  # Buy keeps the PO open: back to the list
        (ready,) = table_text(app, "#buy")
        assert ready[0] == number
        await keys(pilot, "f3")
        await scan(pilot, "VLV-50")
        await scan(pilot, "LOT-C")
        assert "1 EA VLV-50" in message(app)

        # the supervisor completes the WO and writes off the 4 used
        await sign_in_as(pilot, "S1")
        await keys(pilot, "f5")
        assert isinstance(app.screen, ReconcileScreen)
        await scan(pilot, number)
        await keys(pilot, "m", "y", "w", "enter")
        assert "CONSUMED" in message(app)

        # the controller enters invoices on the PO: inside the tolerance, then outside
        await sign_in_as(pilot, "K1")
        await keys(pilot, "f7", "p", "enter")
        assert isinstance(app.screen, PurchaseOrderScreen)
        await keys(pilot, "i")
        await pilot.press(*"INV-100", "enter", "enter")  # line 1 offered
        await pilot.press("ctrl+u", *"2", "enter", "ctrl+u", *"255", "enter")
        await pilot.pause()
        assert "invoice INV-100 on PO-000001: 510.00, matched" in message(app)
        await keys(pilot, "i")
        await pilot.press(*"INV-101", "enter", "ctrl+u", *"VLV-50", "enter")
        await pilot.press("ctrl+u", "1", "enter", "ctrl+u", *"275", "enter")
        await pilot.pause()
        assert "1 exception(s)" in message(app) and len(bells) >= 2
        assert "exceptions 1" in rendered(app, "#match")
        assert "c" not in {k for k, a in app.screen.active_bindings.items() if a.enabled}
        # the exceptions list has the reason; the controller rejects it
        await keys(pilot, "escape", "x")
        (problem,) = table_text(app, "#buy")
        assert problem[1:4] == ["PO-000001", "INV-101", "price"]
        assert rendered(app, "#detail") == (
            "PO-000001 invoice INV-101 line 1 VLV-50: price 275.00 is 10% above the PO price "
            "250.00 (tolerance 5%)"
        )
        await keys(pilot, "j")
        await pilot.press(*"vendor to credit; quoted 255", "enter")
        await pilot.pause()
        assert "rejected: vendor to credit" in message(app)
        assert table_text(app, "#buy") == []
        # the corrected invoice matches, and the PO closes
        await keys(pilot, "p", "enter", "i")
        await pilot.press(*"INV-102", "enter", "enter")
        await pilot.press("ctrl+u", "1", "enter", "ctrl+u", *"255", "enter")
        await pilot.pause()
        assert "INV-102 on PO-000001: 255.00, matched" in message(app)
        assert "matched and received: c closes it" in rendered(app, "#match")
        await keys(pilot, "c")
        assert "PO-000001 closed" in message(app)
        assert " closed " in rendered(app, "#po-header")

        # the supervisor closes the WO
        await sign_in_as(pilot, "S1")
        await keys(pilot, "f5", "c", "y")
        # the parts cost frozen on the WO is what was paid: 250.00 + 3 x 255.00
        assert "closed · parts cost 1,015.00" in rendered(app, "#gate")

    # the exact movements: the 1 reserved from the shelf, 2 + 1 received at the PO
    # price, all 4 issued and written off lot by lot
    cost = PRICE
    assert movements(plant.store, since) == [
        ("receive", "SUPPLIER", 2000, "MAIN/A-01-01", "LOT-B", False, cost),
        ("issue", "MAIN/A-01-01", 1000, "WIP", "LOT-A", True, cost),
        ("issue", "MAIN/A-01-01", 2000, "WIP", "LOT-B", True, cost),
        ("receive", "SUPPLIER", 1000, "MAIN/A-01-01", "LOT-C", False, cost),
        ("issue", "MAIN/A-01-01", 1000, "WIP", "LOT-C", True, cost),
        ("writeoff", "WIP", 1000, "CONSUMED", "LOT-A", True, cost),
        ("writeoff", "WIP", 2000, "CONSUMED", "LOT-B", True, cost),
        ("writeoff", "WIP", 1000, "CONSUMED", "LOT-C", True, cost),
    ]
    # what the WO's parts cost equals what was paid: the shelf valve and 3 at 255.00
    paid = PRICE + parse_money("255") * 3
    state = plant.store.read(invoicing.match_state, "PO-000001")
    assert (state.status, [(ref, status) for ref, status, _ in state.invoices]) == (
        "closed",
        [("INV-100", "matched"), ("INV-101", "rejected"), ("INV-102", "matched")],
    )
    after = plant.store.read(invoicing.work_order_paid, number)
    assert (after.ledger_cost, after.price_variance, after.total) == (100_000, 1_500, paid)
    assert paid == 101_500
    assert plant.store.read(purchasing.po_detail, "PO-000001").lines[0].invoiced == parse_qty("3")
    assert plant.store.read(ledger.check) == ([], [])
    assert plant.store.read(catalog.find_work_order, number).status == "closed"


async def test_dock_refusals_ring_the_bell_name_the_code_and_receive_nothing(plant) -> None:
    stock_buying(plant)
    s = plant.store
    plant.as_user("P1")
    approved = s.write(purchasing.create_purchase_order, "ACME")
    s.write(purchasing.add_po_line, approved.number, "SEAL-9", parse_qty("10"), 150)
    s.write(purchasing.add_po_line, approved.number, "VLV-50", parse_qty("2"))
    s.write(purchasing.submit_purchase_order, approved.number)
    waiting = s.write(purchasing.create_purchase_order, "ACME")
    s.write(purchasing.add_po_line, waiting.number, "SEAL-9", parse_qty("5"), 150)
    s.write(purchasing.submit_purchase_order, waiting.number)
    plant.as_user("S1")
    s.write(purchasing.approve_purchase_order, approved.number)
    plant.as_user("C1")
    before = last_movement_id(s)
    app = StoreroomApp(s, poll=False)
    bells: list[int] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
        await keys(pilot, "f8")
        assert isinstance(app.screen, ReceiveScreen)

        def red() -> bool:
            return "-error" in app.screen.query_one(MessageLine).classes

        # an unknown PO
        await scan(pilot, "PO-999999")
        assert "no purchase order 'PO-999999'" in message(app) and red() and len(bells) == 1
        assert "no purchase order" in rendered(app, "#po-header")
        # a PO still waiting for approval
        await scan(pilot, waiting.number)
        assert (
            f"{waiting.number} is pending approval, not approved: receive only on an approved PO"
            in message(app)
        )
        assert red() and len(bells) == 2
        # more than the over-delivery tolerance allows
        await scan(pilot, approved.number)
        assert not red()
        await scan(pilot, "CMD-QTY-12")
        await scan(pilot, "SEAL-9")
        assert (
            f"{approved.number} line 1 SEAL-9: ordered 10, received 0; 12 more would be 2 over, "
            "beyond the over-delivery tolerance of 10% (at most 11 more); nothing received"
            in message(app).replace("\n", " ")
        )
        assert red() and len(bells) == 3
        # an expired lot on the vendor's label
        await scan(pilot, f"(01)0{VALVE_GTIN}(17)201231(10)OLD-1(30)2")
        assert "lot OLD-1 of VLV-50 expired on 2020-12-31; nothing received" in message(app)
        assert red() and len(bells) == 4
        # a scan the dock does not use, and one no scanner makes
        await scan(pilot, "WO-000001")
        assert "WO-000001 is not used on receiving" in message(app) and len(bells) == 5
        await scan(pilot, "WO-")
        assert "'WO-'" in message(app) and len(bells) == 6
        assert app.screen.focused is app.screen.query_one("#scan")
        (seal, valve) = table_text(app, "#expected")
        assert seal[4:6] == ["", "10"] and valve[4:6] == ["", "2"]
    assert last_movement_id(s) == before


async def test_buyer_raises_cancels_and_filters_from_the_keyboard(plant) -> None:
    stock_buying(plant)
    plant.as_user("P1")
    app = StoreroomApp(plant.store, poll=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await keys(pilot, "f7", "n")
        # a bad quantity is refused in the form, which comes back with the message
        await pilot.press(*"SEAL-9", "enter", *"-2", "enter", "enter", "enter")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "FormDialog"
        assert "-2" in rendered(app, "#problem")
        await pilot.press("escape")
        await pilot.pause()
        await keys(pilot, "n")
        await pilot.press(*"SEAL-9", "enter", *"20", "enter", "enter", *"BOLT", "enter")
        await pilot.pause()
        assert "RQ-000001 raised: 20 SEAL-9" in message(app)
        (req,) = table_text(app, "#buy")
        assert req[1:3] == ["RQ-000001", "SEAL-9"] and req[-1] == "BOLT"  # no Source column at 80
        # cancel needs a reason
        await keys(pilot, "c")
        await pilot.press(*"found 20 in the other store", "enter")
        await pilot.pause()
        assert "RQ-000001 cancelled: found 20 in the other store" in message(app)
        assert table_text(app, "#buy") == []
        # the PO list's status filter cycles; the review has no late PO yet
        await keys(pilot, "p", "f")
        assert "pending approval (f)" in rendered(app, "#quick")
        await keys(pilot, "v")
        assert "0 vendor(s)" in rendered(app, "#quick")
        # a planner does not resolve match exceptions
        await keys(pilot, "x")
        assert {"accept", "reject"}.isdisjoint(footer_keys(app))


async def test_dock_undoes_a_wrong_count_and_releases_inspected_goods(plant) -> None:
    stock_buying(plant)
    s = plant.store
    s.write(purchasing.set_item_supply, "SEAL-9", inspect_on_receipt=True)
    plant.as_user("P1")
    po = s.write(purchasing.create_purchase_order, "ACME")
    s.write(purchasing.add_po_line, po.number, "SEAL-9", parse_qty("4"), 150)
    s.write(purchasing.submit_purchase_order, po.number)
    plant.as_user("S1")
    s.write(purchasing.approve_purchase_order, po.number)
    plant.as_user("C1")
    app = StoreroomApp(s, poll=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await keys(pilot, "f8")
        await scan(pilot, po.number)
        assert "QUARANTINE" in table_text(app, "#expected")[0][6]
        await scan(pilot, "CMD-QTY-5")  # a wrong count, within the tolerance? no: refused
        await scan(pilot, "SEAL-9")
        assert "over-delivery" in message(app)
        await scan(pilot, "CMD-QTY-3")  # a wrong count: undone with a reason
        await scan(pilot, "SEAL-9")
        assert "waits in QUARANTINE" in message(app)
        await keys(pilot, "ctrl+z")
        await pilot.press(*"it was 4", "enter")
        await pilot.pause()
        assert f"undone: 3 SEAL-9 taken off {po.number} (now approved)" in message(app)
        await scan(pilot, "CMD-QTY-4")
        await scan(pilot, "SEAL-9")
        assert "QUARANTINE: 4 SEAL-9 wait for inspection" in rendered(app, "#quarantine")
        # inspection passed: released into a bin from the keyboard
        await keys(pilot, "ctrl+r")
        assert app.screen.__class__.__name__ == "FormDialog"
        await pilot.press(*"A-01-02", "enter")  # what waits is offered; the bin is asked
        await pilot.pause()
        assert "released 4 SEAL-9 from QUARANTINE into MAIN/A-01-02" in message(app)
        assert "nothing waits" in rendered(app, "#quarantine")
        assert app.screen.focused is app.screen.query_one("#scan")
    assert plant.store.read(ledger.check) == ([], [])
