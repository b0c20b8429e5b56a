"""Pilot tests of the Reports mode (F9) on the small fixed cost plant (tests/costs_plant.py):
pick a report, type its parameters, read hand-computed rows, sort, filter, switch tables,
show the chart, export files and read them back; bad parameters are named and change
nothing. The figures are those of the plant's docstring, written here as text.

Plant: MIX-1 closed WO-1 (EM: parts 10.00, labour 80.00, contractor 100.00 = 190.00)
and WO-3 (CM: parts 100.00, labour 60.00 = 160.00); PUMP-2 closed WO-2 (PM: parts 3.00,
labour 82.50 = 85.50); LINE-1 and SITE-1 above them own no WO. Direct cost 435.50.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from openpyxl import load_workbook
from textual.widgets import DataTable, Input, OptionList, Static
from textual_plotext import PlotextPlot

from screens.costing import BookingDialog
from screens.reports import ExportDialog, ReportsScreen
from screens.widgets import MessageLine
from screens.workorder import WorkOrderScreen
from storeroom_tui import costs
from storeroom_tui.app import StoreroomApp
from tests.costs_plant import CostPlant, build

SIZE = (80, 24)
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


@pytest.fixture
def cp(store) -> Iterator[CostPlant]:  # noqa: ANN001
    with time_machine.travel(NOW, tick=False):
        yield build(store)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Exports with no folder named land in the current directory: a fresh one here."""
    here = tmp_path / "exports"
    here.mkdir()
    monkeypatch.chdir(here)
    return here


# --- helpers ---------------------------------------------------------------------------------


def rows(app: StoreroomApp) -> list[list[str]]:
    table = app.screen.query_one("#report-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def column(app: StoreroomApp, index: int) -> list[str]:
    return [row[index] for row in rows(app)]


def headings(app: StoreroomApp) -> list[str]:
    table = app.screen.query_one("#report-table", DataTable)
    return [str(c.label) for c in table.columns.values()]


def text_of(app: StoreroomApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def message_of(app: StoreroomApp) -> str:
    """The message line of the WO screen (under any dialog)."""
    screen = next(s for s in app.screen_stack if isinstance(s, WorkOrderScreen))
    return str(screen.query_one(MessageLine).render())


def message(app: StoreroomApp) -> str:
    """The Reports screen's message line, also while a dialog is open over it."""
    screen = next(s for s in app.screen_stack if isinstance(s, ReportsScreen))
    return str(screen.query_one(MessageLine).render())


async def open_reports(pilot, report: int = 1) -> None:  # noqa: ANN001
    """F9, then down the list to report `report` and Enter."""
    await pilot.press("f9")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReportsScreen)
    assert isinstance(pilot.app.focused, OptionList)
    await pilot.press(*["down"] * (report - 1), "enter")
    await pilot.pause()


async def type_params(pilot, *values: str) -> None:  # noqa: ANN001
    """p: to the first parameter; each value typed (after clearing), Tab between, Enter.
    (Esc first when a field has the focus, as after a refusal: `p` would be typed.)"""
    if isinstance(pilot.app.focused, Input):
        await pilot.press("escape")
    await pilot.press("p")
    for index, value in enumerate(values):
        if index:
            await pilot.press("tab")
        await pilot.press("ctrl+u", *value)  # ctrl+u: clear to the start of the field
    await pilot.press("enter")
    await pilot.pause()


MIX = ["MIX-1", "Syrup mixer", "2", "110.00", "140.00", "100.00", "350.00"]
PUMP = ["PUMP-2", "Transfer pump", "1", "3.00", "82.50", "0.00", "85.50"]


# --- running ---------------------------------------------------------------------------------


async def test_pick_a_report_and_type_its_parameters(cp) -> None:  # noqa: ANN001
    app = StoreroomApp(cp.store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(pilot, 1)  # Cost per asset over time, with the defaults
        assert [row[:7] for row in rows(app)] == [
            MIX,
            PUMP,
            ["LINE-1", "Bottling line 1", "0", "0.00", "0.00", "0.00", "0.00"],
            ["SITE-1", "Riverside site", "0", "0.00", "0.00", "0.00", "0.00"],
        ]
        assert "Direct cost 435.50" in text_of(app, "#figures")
        assert "WOs closed 3" in text_of(app, "#figures")
        assert isinstance(app.focused, DataTable)
        # the defaults it ran with are shown in the empty fields
        start = app.screen.query_one("#param-asset-cost-start", Input)
        assert (start.value, start.placeholder) == ("", "2025-12-01")

        await type_params(pilot, "2026-01-01", "2026-11-20", "MIX-1")
        assert [row[:7] for row in rows(app)] == [MIX]
        assert "Direct cost 350.00" in text_of(app, "#figures")
        assert isinstance(app.focused, DataTable)  # Enter ran it and went back to the rows

        # another report by its number: planned vs reactive, per WO type
        await pilot.press("2")
        await pilot.pause()
        assert [row[:3] + row[8:9] for row in rows(app)] == [
            ["PM", "planned", "1", "85.50"],
            ["INSP", "planned", "0", "0.00"],
            ["CM", "reactive", "1", "160.00"],
            ["EM", "reactive", "1", "190.00"],
        ]


async def test_sort_filter_and_switch_tables(cp) -> None:  # noqa: ANN001
    app = StoreroomApp(cp.store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(pilot, 1)
        assert column(app, 0) == ["MIX-1", "PUMP-2", "LINE-1", "SITE-1"]
        await pilot.press("s")  # by the first column, text: A to Z
        assert column(app, 0) == ["LINE-1", "MIX-1", "PUMP-2", "SITE-1"]
        assert headings(app)[0] == "Asset ↑"
        await pilot.press("s", "s", "s")  # name, WOs, parts: numbers largest first
        assert headings(app)[3].endswith(" ↓")
        assert column(app, 3) == ["110.00", "3.00", "0.00", "0.00"]
        await pilot.press("S")  # reversed
        assert column(app, 3)[-2:] == ["3.00", "110.00"]
        assert "by Parts ↑" in text_of(app, "#tables")

        await pilot.press("slash", *"pump")
        assert column(app, 0) == ["PUMP-2"]
        assert "1 of 4" in text_of(app, "#tables")
        await pilot.press("ctrl+u", *"line")  # any printed cell: the name too
        assert column(app, 0) == ["LINE-1"]
        await pilot.press("ctrl+u", *"nothing like it")
        assert rows(app) == [["no rows match the filter", *[""] * 12]]
        await pilot.press("ctrl+u", "enter")
        assert len(rows(app)) == 4 and isinstance(app.focused, DataTable)

        await pilot.press("t")  # the second table: cost per month
        assert headings(app)[:5] == ["Month", "Parts", "Labour", "Contractor", "Total"]
        assert len(rows(app)) == 12
        # every WO was frozen (closed) this month
        assert rows(app)[-1][:5] == ["2026-11", "113.00", "222.50", "100.00", "435.50"]
        assert all(row[4] == "0.00" for row in rows(app)[:-1])
        await pilot.press("t")  # round to the first again
        assert headings(app)[0] == "Asset"


async def test_the_chart_of_the_table_shown(cp) -> None:  # noqa: ANN001
    app = StoreroomApp(cp.store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(pilot, 1)
        table = app.screen.query_one("#report-table", DataTable)
        plot = app.screen.query_one("#chart", PlotextPlot)
        assert not plot.display
        await pilot.press("c")
        await pilot.pause()
        assert plot.display and not table.display
        drawn = str(plot.render())
        for label in ("MIX-1", "PUMP-2", "Parts", "Labour", "Contractor", "Cost per asset"):
            assert label in drawn
        assert "stacked chart" in text_of(app, "#note")
        await pilot.press("slash", *"pump", "enter")  # the chart follows the filter
        await pilot.pause()
        drawn = str(plot.render())
        assert "PUMP-2" in drawn and "MIX-1" not in drawn
        await pilot.press("c")
        assert table.display and not plot.display

        await pilot.press("5")  # hanging: its first table has no chart
        await pilot.press("c")
        assert "no chart for this table" in message(app)
        assert not plot.display


# --- export ----------------------------------------------------------------------------------


async def test_export_csv_xlsx_and_json_from_the_screen(cp, in_tmp) -> None:  # noqa: ANN001
    app = StoreroomApp(cp.store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(pilot, 1)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("enter", "enter")  # csv, to the default file
        await pilot.pause()
        written = in_tmp / "asset-cost-assets-2026-11-20.csv"
        assert f"to {written}" in message(app)
        with written.open(newline="") as handle:
            read = list(csv.reader(handle))
        assert read[0][:7] == [
            "asset",
            "name",
            "work_orders",
            "parts",
            "labour",
            "contractor",
            "total",
        ]
        assert [row[:7] for row in read[1:3]] == [MIX, PUMP]

        await pilot.press("t", "e")  # the months table, as xlsx: every table
        await pilot.pause()
        await pilot.press("ctrl+u", *"xlsx", "enter", "enter")
        await pilot.pause()
        book = load_workbook(in_tmp / "asset-cost-2026-11-20.xlsx")
        assert book.sheetnames == ["report", "assets", "months"]
        sheet = book["assets"]
        assert [c.value for c in sheet[2]][:7] == ["MIX-1", "Syrup mixer", 2, 110, 140, 100, 350]
        assert [c.value for c in sheet[3]][:7] == ["PUMP-2", "Transfer pump", 1, 3, 82.5, 0, 85.5]
        assert sheet.max_row == 5

        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+u", *"json", "tab", "ctrl+u", *"cost.json", "enter")
        await pilot.pause()
        data = json.loads((in_tmp / "cost.json").read_text())
        assert data["figures"]["total"] == 435.5
        assert [t["key"] for t in data["tables"]] == ["assets", "months"]
        assert "wrote" in message(app) and str(in_tmp / "cost.json") in message(app)


async def test_export_refusals_write_nothing(cp, in_tmp) -> None:  # noqa: ANN001
    app = StoreroomApp(cp.store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(pilot, 1)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+u", *"pdf", "tab", "ctrl+u", *"out.pdf", "enter")
        await pilot.pause()
        # the dialog comes back naming the value; nothing was written
        assert isinstance(app.screen, ExportDialog)
        assert "format 'pdf' is not one of: csv, xlsx, json" in message(app)
        assert "'pdf'" in str(app.screen.query_one("#problem").render())
        await pilot.press("escape")
        await pilot.pause()
        assert "nothing written" in message(app)
        assert list(in_tmp.iterdir()) == []

        # a file that is there already is written over only when confirmed
        (in_tmp / "keep.csv").write_text("mine\n")
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("tab", "ctrl+u", *"keep.csv", "enter")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        assert "keep.csv exists" in str(app.screen.query_one("#problem").render())
        await pilot.press("escape")
        assert (in_tmp / "keep.csv").read_text() == "mine\n"

        # a folder that does not exist
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("tab", "ctrl+u", *"no/such/dir/x.csv", "enter")
        await pilot.pause()
        assert "cannot write" in message(app) and "x.csv" in message(app)
        await pilot.press("escape")
        assert not (in_tmp / "no").exists()


# --- bad input -------------------------------------------------------------------------------


async def test_bad_parameters_are_named_and_change_nothing(cp) -> None:  # noqa: ANN001
    app = StoreroomApp(cp.store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(pilot, 1)
        before = rows(app)
        figures = text_of(app, "#figures")

        await type_params(pilot, "2026-02-01", "2026-01-01")
        assert "end date 2026-01-01 is before the start 2026-02-01" in message(app)
        assert rows(app) == before and text_of(app, "#figures") == figures

        await type_params(pilot, "", "", "NOPE")
        assert "no asset 'NOPE'" in message(app)
        assert app.focused is app.screen.query_one("#param-asset-cost-asset", Input)
        assert rows(app) == before and text_of(app, "#figures") == figures

        await type_params(pilot, "2026-13-01", "", "")
        assert "start date '2026-13-01' is not a date (YYYY-MM-DD)" in message(app)
        assert rows(app) == before

        # a report of its own refused: its numbers are not shown under another's title
        await pilot.press("escape", "3")  # budget variance: no budget set for this month
        await pilot.pause()
        assert "no budget set for period 2026-11" in message(app)
        assert rows(app) == []
        assert "not run yet" in text_of(app, "#tables")


# --- cost on the WO detail -------------------------------------------------------------------


def cost_line(app: StoreroomApp) -> str:
    return str(app.screen.query_one("#wo-cost", Static).render())


async def test_the_work_order_shows_its_cost_and_books_labour_and_contractors(cp) -> None:  # noqa: ANN001
    number = cp.wo["WO-4"]  # in progress: T1 0.5 h mechanical (20.00), nothing written off
    app = StoreroomApp(cp.store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(WorkOrderScreen(number))
        await pilot.pause()
        assert (
            "Cost parts 0.00 + labour 20.00 (0.5 h) + contractor 0.00 = 20.00 so far"
            in cost_line(app)
        )
        assert "l labour · c contractor" in cost_line(app)

        # Tina, 2 h electrical on overtime: 2 x 55.00 x 2 = 220.00
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, BookingDialog)
        await pilot.press(*"T2", "enter", *"2", "enter", *"electrical", "enter")
        await pilot.press(*"2026-11-19", "enter", "y", "enter")
        await pilot.pause()
        assert isinstance(app.screen, WorkOrderScreen)
        assert "2 h electrical by Tina Tech on 2026-11-19" in message_of(app)
        assert "= 220.00" in message_of(app)
        assert "labour 240.00 (2.5 h)" in cost_line(app) and "= 240.00 so far" in cost_line(app)

        # more than a day: refused in the dialog, naming the hours; nothing booked
        await pilot.press("l")
        await pilot.pause()
        await pilot.press(*"T2", "enter", *"23", "enter", *"electrical", "enter")
        await pilot.press(*"2026-11-19", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BookingDialog)
        problem = str(app.screen.query_one("#problem").render())
        assert "Tina Tech (T2) would work 25 h on 2026-11-19" in problem
        await pilot.press("escape")
        await pilot.pause()
        assert len(cp.store.read(costs.labour_of, number)) == 2

        # a contractor at a rate of zero is refused; a fixed amount is booked
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"Acme Pumps", "enter", "1", "enter", "0", "enter")
        for _ in range(4):
            await pilot.press("enter")
        await pilot.pause()
        assert "rate 0 must be greater than zero" in str(app.screen.query_one("#problem").render())
        await pilot.press("escape")
        await pilot.pause()
        assert cp.store.read(costs.contractors_of, number) == []
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"Acme Pumps", "enter", "enter", "enter", *"150", "enter")
        for _ in range(3):
            await pilot.press("enter")
        await pilot.pause()
        assert "Acme Pumps, fixed amount = 150.00" in message_of(app)
        assert "contractor 150.00 = 390.00 so far" in cost_line(app)


async def test_a_closed_work_order_shows_its_frozen_cost(cp) -> None:  # noqa: ANN001
    app = StoreroomApp(cp.store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(WorkOrderScreen(cp.wo["WO-1"]))
        await pilot.pause()
        line = cost_line(app)
        assert "parts 10.00 + labour 80.00 (2 h) + contractor 100.00 = 190.00" in line
        assert "frozen at close" in line and "owntime 4 h = 400.00" in line
        assert "l labour" not in line
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, WorkOrderScreen)  # nothing to book on a closed WO
