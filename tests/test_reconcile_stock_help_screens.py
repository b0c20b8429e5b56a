"""Pilot tests of the reconcile, stock look-up and help screens, with real key presses."""

from __future__ import annotations

import io

from rich.console import Console
from sqlalchemy import func, select
from textual.widgets import DataTable, Input, OptionList, Static

from models import Movement
from screens.dialogs import ConfirmDialog, QuantityDialog
from screens.help import HelpScreen
from screens.reconcile import ConditionDialog, ReconcileScreen, SerialsDialog
from screens.stock import StockScreen
from screens.widgets import MessageLine
from storeroom_tui import catalog, counter, ledger, reservations, stock, workorders
from storeroom_tui.app import StoreroomApp
from storeroom_tui.quantities import parse_qty
from storeroom_tui.reconciliation import reconcile

SIZE = (80, 24)

# --- helpers ---------------------------------------------------------------------------


def issue(store, number: str, part: str, qty: str, **kwargs) -> None:
    store.write(counter.issue_to_line, number, part, parse_qty(qty), **kwargs)


def set_status(store, number: str, status: str) -> None:
    store.write(
        lambda session, actor: workorders.change_status(
            session, actor, catalog.find_work_order(session, number), status
        )
    )


def movement_count(store) -> int:
    return store.read(lambda session: session.execute(select(func.count(Movement.id))).scalar_one())


def ledger_is_clean(store) -> bool:
    differences, problems = store.read(ledger.check)
    return not differences and not problems


def text_of(widget: Static) -> str:
    """What a Static shows, as plain text (80 columns wide)."""
    console = Console(width=78, record=True, color_system=None, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def message(app: StoreroomApp) -> str:
    return str(app.screen.query_one(MessageLine).content)


def rows(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def type_text(pilot, text: str) -> None:
    await pilot.press(*text)
    await pilot.pause()


async def open_reconcile(pilot, number: str) -> ReconcileScreen:
    await pilot.press("f5")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReconcileScreen)
    await type_text(pilot, number)
    await pilot.press("enter")
    await pilot.pause()
    return screen


# --- reconcile ---------------------------------------------------------------------------


async def test_reconcile_writes_off_returns_and_closes_only_when_nothing_is_in_wip(plant):
    store = plant.store
    number = plant.wo_in_progress({"BRG-6204": "4", "SEAL-9": "2", "TRQ-WR": "1"})
    issue(store, number, "BRG-6204", "4")  # at the moving average (10 × 5.00 + 10 × 7.00) / 20
    issue(store, number, "SEAL-9", "2")
    issue(store, number, "TRQ-WR", "1")
    store.sign_in("S1")
    app = StoreroomApp(store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reconcile(pilot, number)
        table = screen.query_one("#lines", DataTable)
        assert rows(table) == [
            ["1", "BRG-6204", "4", "4", "0", "0", "4", "0", "", "Bearing 6204"],
            ["2", "SEAL-9", "2", "2", "0", "0", "2", "0", "", "Shaft seal"],
            ["3", "TRQ-WR", "1", "1", "0", "0", "1 tool", "0", "", "Torque wrench"],
        ]

        # line 1: 3 of 4 bearings were used; the dialog offers what is in WIP
        await pilot.press("w")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, QuantityDialog)
        assert dialog.query_one(Input).value == "4"
        await pilot.press("backspace", "3", "enter")
        await pilot.pause()
        assert "✔ 3 EA BRG-6204 WIP → CONSUMED" in message(app)

        # the fourth bearing comes back opened, to its bin
        await pilot.press("r")
        await pilot.pause()
        assert app.screen.query_one(Input).value == "1"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConditionDialog)
        await pilot.press("o")
        await pilot.pause()
        assert "1 EA BRG-6204 WIP → MAIN/A-01-" in message(app)

        # line 2: both seals used
        await pilot.press("down", "w")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "2 EA SEAL-9 WIP → CONSUMED" in message(app)

        # the torque wrench is still out and the WO is in progress: close is shown, disabled
        assert screen.check_action("close_wo", ()) is None
        assert not screen.active_bindings["c"].enabled
        gate = text_of(screen.query_one("#gate", Static))
        assert f"{number} is in_progress: mark it completed (m) first" in gate
        assert "line 3 TRQ-WR: 1 in WIP, must come back (tool)" in gate
        before = movement_count(store)
        await pilot.press("c")
        await pilot.pause()
        assert app.screen is screen  # no confirmation was even asked
        assert store.read(reconcile, number).status == "in_progress"

        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert store.read(reconcile, number).status == "completed"
        gate = text_of(screen.query_one("#gate", Static))
        assert "mark it completed" not in gate
        assert "line 3 TRQ-WR: 1 in WIP, must come back (tool)" in gate
        assert screen.check_action("close_wo", ()) is None

        # a tool cannot be written off: red line, nothing posted
        await pilot.press("down", "w")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "TRQ-WR is a tool: it must come back, not be written off" in message(app)
        assert movement_count(store) == before

        # it comes back as new; now the gate is clear
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert "1 EA TRQ-WR WIP → MAIN/A-01-01" in message(app)
        assert screen.check_action("close_wo", ()) is True
        assert "Gate clear" in text_of(screen.query_one("#gate", Static))

        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()

        # 3 bearings at 6.00 + 2 seals at 1.50 = 21.00
        closed = store.read(reconcile, number)
        assert closed.status == "closed"
        assert closed.parts_cost == 3 * 600 + 2 * 150 == 2100
        gate = text_of(screen.query_one("#gate", Static))
        assert f"✔ {number} closed · parts cost 21.00" in gate
        assert "line 1 BRG-6204: planned 4, used 3 (-1 EA)" in gate
        assert "TRQ-WR" not in gate  # a returned tool is no deviation
        assert "SEAL-9" not in gate  # used exactly what was planned
        assert f"{number} closed · parts cost 21.00" in message(app)
        assert screen.check_action("close_wo", ()) is None
        assert screen.check_action("write_off", ()) is None

    assert rows_of_closed(store, number) == [
        ("BRG-6204", 4000, 1000, 3000, 0),
        ("SEAL-9", 2000, 0, 2000, 0),
        ("TRQ-WR", 1000, 1000, 0, 0),
    ]
    assert ledger_is_clean(store)


def rows_of_closed(store, number: str) -> list[tuple]:
    summary = store.read(reconcile, number)
    return [
        (line.part, line.issued, line.returned, line.written_off, line.in_wip)
        for line in summary.lines
    ]


async def test_serial_line_is_written_off_by_scanning_its_serial(plant):
    store = plant.store
    number = plant.wo_in_progress({"UPS-BAT": "2"})
    issue(store, number, "UPS-BAT", "2", serial_nos=["SN1", "SN2"])
    store.sign_in("S1")
    app = StoreroomApp(store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_reconcile(pilot, number)
        await pilot.press("w")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SerialsDialog)
        assert dialog.serials == ["SN1", "SN2"]

        # a serial that is not out on the line is refused in the dialog
        before = movement_count(store)
        await type_text(pilot, "SN9")
        await pilot.press("enter")
        await pilot.pause()
        problem = str(dialog.query_one("#problem").content)
        assert "serial SN9 is not out on this line: scan one of those listed" in problem
        assert movement_count(store) == before

        await type_text(pilot, "SN2")
        await pilot.press("enter")
        await pilot.pause()
        assert "[✔] SN2" in str(dialog.query_one("#serials", Static).content)
        await pilot.press("enter")  # empty Enter: post the serials ticked
        await pilot.pause()
        assert "1 EA UPS-BAT WIP → CONSUMED s/n SN2" in message(app)

    assert store.read(counter.serials_out, number, "UPS-BAT") == ["SN1"]
    line = store.read(reconcile, number).lines[0]
    assert (line.written_off, line.in_wip, line.cost) == (1000, 1000, 12000)
    assert movement_count(store) == before + 1
    assert ledger_is_clean(store)


async def test_serial_coming_back_is_matched_then_given_a_condition(plant):
    store = plant.store
    number = plant.wo_in_progress({"UPS-BAT": "1"})
    issue(store, number, "UPS-BAT", "1", serial_nos=["SN1"])
    store.sign_in("S1")
    async with StoreroomApp(store, poll=False).run_test(size=SIZE) as pilot:
        await open_reconcile(pilot, number)
        await pilot.press("r")
        await pilot.pause()
        await type_text(pilot, "SN1")
        await pilot.press("enter")  # the only serial out: the dialog closes by itself
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConditionDialog)
        await pilot.press("i")
        await pilot.pause()
        assert "1 EA UPS-BAT WIP → QUARANTINE s/n SN1" in message(pilot.app)
    assert store.read(counter.serials_out, number, "UPS-BAT") == []
    assert ledger_is_clean(store)


async def test_last_write_off_is_undone_with_a_reversal_after_yes(plant):
    store = plant.store
    number = plant.wo_in_progress({"SEAL-9": "2"})
    issue(store, number, "SEAL-9", "2")
    store.sign_in("S1")
    async with StoreroomApp(store, poll=False).run_test(size=SIZE) as pilot:
        await open_reconcile(pilot, number)
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert store.read(reconcile, number).lines[0].in_wip == 0
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert "undone: 2 EA SEAL-9 CONSUMED → WIP" in message(pilot.app)
    line = store.read(reconcile, number).lines[0]
    assert (line.written_off, line.in_wip, line.cost) == (0, 2000, 0)
    assert ledger_is_clean(store)


async def test_clerk_is_not_offered_close_write_off_or_complete(plant):
    store = plant.store
    number = plant.wo_in_progress({"SEAL-9": "1"})
    issue(store, number, "SEAL-9", "1")
    store.write(counter.return_with_condition, number, "SEAL-9", parse_qty("1"), "new")
    set_status(store, number, "completed")
    assert store.read(reconcile, number).can_close  # the gate is clear; only the role refuses
    store.sign_in("C1")
    app = StoreroomApp(store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reconcile(pilot, number)
        assert screen.check_action("close_wo", ()) is False
        assert screen.check_action("write_off", ()) is False
        assert screen.check_action("complete", ()) is False
        keys = screen.active_bindings
        assert "c" not in keys and "w" not in keys and "m" not in keys
        assert "r" in keys  # a clerk takes returns
        assert "A supervisor closes." in text_of(screen.query_one("#gate", Static))
        await pilot.press("c")
        await pilot.pause()
        assert app.screen is screen
    assert store.read(reconcile, number).status == "completed"


async def test_unknown_work_order_scan_is_a_red_line(plant):
    store = plant.store
    store.sign_in("S1")
    app = StoreroomApp(store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reconcile(pilot, "WO-999999")
        assert "no work order 'WO-999999'" in message(app)
        assert screen.query_one(MessageLine).has_class("-error")
        assert screen.query_one("#lines", DataTable).row_count == 0


# --- stock look-up -----------------------------------------------------------------------


async def test_stock_lookup_by_barcode_shows_on_hand_reserved_available_and_wip(plant):
    store = plant.store
    number = plant.wo_in_progress({"BRG-6204": "5"})
    store.write(
        lambda session, actor: reservations.reserve_work_order(
            session, actor, catalog.find_work_order(session, number)
        )
    )
    issue(store, number, "BRG-6204", "2")  # 20 on hand - 2 = 18; 5 reserved - 2 = 3 still
    store.sign_in("C1")
    app = StoreroomApp(store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StockScreen)
        await type_text(pilot, "4006381333931")
        await pilot.press("enter")
        await pilot.pause()
        summary = text_of(screen.query_one("#item", Static))
        assert "BRG-6204" in summary and "avg cost 6.00" in summary
        assert "On hand 18  ·  reserved 3  ·  available 15 EA" in summary
        balances = rows(screen.query_one("#balances", DataTable))
        assert sorted((row[0], row[4]) for row in balances) == [
            ("MAIN/A-01-01", "8"),
            ("MAIN/A-01-02", "10"),
        ]
        assert rows(screen.query_one("#wip", DataTable)) == [[number, "2", "Fix pump"]]
        assert screen.focused is screen.query_one("#scan")  # ready for the next scan

    position = store.read(stock.stock_position, "BRG-6204")
    assert (position.on_hand, position.reserved, position.available) == (18000, 3000, 15000)


async def test_stock_lookup_by_gs1_code_finds_the_item_by_its_gtin(plant):
    store = plant.store
    store.sign_in("C1")
    app = StoreroomApp(store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        await type_text(pilot, "(01)04006381333931(30)2")
        await pilot.press("enter")
        await pilot.pause()
        summary = text_of(app.screen.query_one("#item", Static))
        assert "BRG-6204" in summary
        assert "On hand 20  ·  reserved 0  ·  available 20 EA" in summary
        assert "(from GS1 GTIN 04006381333931 quantity 2)" in message(app)

        await type_text(pilot, "(10)L1")  # a GS1 code without a GTIN names no item
        await pilot.press("enter")
        await pilot.pause()
        assert "GS1 lot L1: no GTIN (01) to find the item by" in message(app)
        assert "BRG-6204" in text_of(app.screen.query_one("#item", Static))


async def test_stock_lookup_by_words_lists_matches_to_pick_and_shows_lots(plant):
    store = plant.store
    store.sign_in("C1")
    app = StoreroomApp(store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        screen = app.screen
        await type_text(pilot, "e")  # Bearing, filter, battery, wrench, seal
        await pilot.press("enter")
        await pilot.pause()
        matches = screen.query_one("#matches", OptionList)
        assert matches.display and matches.option_count == 5
        await pilot.press("down", "enter")  # the second, by part number: FLT-1
        await pilot.pause()
        assert not matches.display
        balances = rows(screen.query_one("#balances", DataTable))
        assert [(row[0], row[1], row[2], row[4]) for row in balances] == [
            ("MAIN/A-01-01", "L1", "2030-01-31", "5"),
            ("MAIN/A-01-02", "L0", "2031-06-30", "3"),
        ]
        assert "In WIP: nobody has it" in str(screen.query_one("#wip-title").content)
        assert screen.focused is screen.query_one("#scan")


async def test_stock_lookup_of_an_unknown_code_is_a_red_line(plant):
    store = plant.store
    store.sign_in("C1")
    app = StoreroomApp(store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        await type_text(pilot, "NOPE-42")
        await pilot.press("enter")
        await pilot.pause()
        assert "no item with part number, barcode or words 'NOPE-42'" in message(app)
        assert app.screen.query_one(MessageLine).has_class("-error")


# --- help --------------------------------------------------------------------------------


async def test_help_lists_the_f_keys_screen_keys_and_scan_commands(plant):
    store = plant.store
    store.sign_in("S1")
    app = StoreroomApp(store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        text = text_of(screen.query_one("#help-text", Static))
        for line in (
            "F3 ",
            "Issue screen",
            "Ctrl+Q",
            "Ctrl+Z",
            "Ctrl+P",
            "Ctrl+T",
            "Reconcile and close (F5)",
            "Write off what the selected line used",
            "Close the WO (only when the gate is clear)",
            "CMD-QTY-n",
            "CMD-RETURN-INSPECT",
            "GS1 (17)",
        ):
            assert line in text, line
        assert screen.query_one("#help").max_scroll_y > 0  # it scrolls at 80×24
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
