"""Pilot tests of the work-order queue and the work-order detail, with real key presses:
the queue shows the storeroom's WOs, the filter narrows them as you type, Enter opens one,
and the detail offers only what the gates and the role allow."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from textual.widgets import DataTable, Input, Label, Static

from models import Movement
from screens.dialogs import ConfirmDialog, ReasonDialog
from screens.issue import IssueScreen
from screens.queue import CreateWorkOrderDialog, QueueScreen
from screens.queue_table import QueueTable
from screens.reconcile import ReconcileScreen
from screens.widgets import MessageLine
from screens.workorder import WorkOrderScreen
from storeroom_tui import catalog, counter, ledger, workorders
from storeroom_tui.app import THEMES, StoreroomApp
from storeroom_tui.quantities import parse_qty
from storeroom_tui.queue import reserve_for, work_order_detail
from storeroom_tui.service import Storeroom

SIZE = (80, 24)

# --- helpers ---------------------------------------------------------------------------


def create(store, title: str, asset: str = "PUMP-07", steps: tuple[str, ...] = (), **kwargs) -> str:
    def make(session, actor):
        work_order = workorders.create_work_order(session, actor, asset, title, **kwargs)
        for step in steps:
            workorders.change_status(session, actor, work_order, step)
        return work_order.number

    return store.write(make)


def status_of(store, number: str) -> str:
    return store.read(catalog.find_work_order, number).status


def movement_count(store) -> int:
    return store.read(lambda session: session.execute(select(func.count(Movement.id))).scalar_one())


def queue_numbers(app: StoreroomApp) -> list[str]:
    table = app.screen.query_one("#queue", QueueTable)
    return [str(table.row_at(i)[0]) for i in range(table.row_count)]


def quick_bar(app: StoreroomApp) -> str:
    return str(app.screen.query_one("#quick", Label).content)


def message(app: StoreroomApp) -> str:
    return str(app.screen.query_one(MessageLine).content)


def shown_keys(app: StoreroomApp) -> set[str]:
    """The keys the footer offers on the current screen."""
    return {key for key, active in app.screen.active_bindings.items() if active.enabled}


async def open_detail(pilot, number: str) -> WorkOrderScreen:
    """From the queue: filter down to one WO by the end of its number, press Enter."""
    await pilot.press("slash", *number[-2:], "enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, WorkOrderScreen)
    assert screen.number == number
    return screen


def build_base(path: Path) -> None:
    """A storeroom with stock and people but no work orders (built once per module)."""
    s = Storeroom.open(str(path), terminal="")
    s.init()
    s.sign_in("ADMIN")
    s.write(catalog.add_bin, "A-01-01", "MAIN")
    s.write(catalog.add_item, "BRG-6204", "Bearing 6204")
    s.write(catalog.add_item, "SEAL-9", "Shaft seal")
    s.write(catalog.add_asset, "PUMP-07", "Cooling pump 7")
    s.write(catalog.add_asset, "FAN-02", "Exhaust fan 2")
    for badge, name, role in (
        ("C1", "Carla Clerk", "clerk"),
        ("S1", "Sue Supervisor", "supervisor"),
        ("P1", "Pete Planner", "planner"),
    ):
        s.write(catalog.add_user, badge, name, role)
    s.write(ledger.receive, "BRG-6204", parse_qty("10"), "A-01-01", unit_cost=500)
    s.write(ledger.receive, "SEAL-9", parse_qty("6"), "A-01-01", unit_cost=150)
    s.close()


def add_three_work_orders(s: Storeroom) -> tuple[str, str, str]:
    """WO-000001 in progress with 2 bearings reserved, WO-000002 requested (P2, FAN-02),
    WO-000003 an approved emergency (EM, P1)."""

    def started_one(session, actor):
        work_order = workorders.create_work_order(session, actor, "PUMP-07", "Replace pump bearing")
        workorders.add_demand_line(session, actor, work_order, "BRG-6204", parse_qty("2"))
        workorders.change_status(session, actor, work_order, "approved")
        workorders.change_status(session, actor, work_order, "in_progress")
        return work_order.number

    started = s.write(started_one)
    s.write(reserve_for, started)
    requested = create(s, "Inspect fan belt", "FAN-02", priority=2)
    emergency = create(s, "Seal leaking", wo_type="EM", priority=1, steps=("approved",))
    return started, requested, emergency


@pytest.fixture(scope="module")
def base_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("base") / "storeroom.db"
    build_base(path)
    return path


@pytest.fixture(scope="module")
def three_file(base_file, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("three") / "storeroom.db"
    shutil.copyfile(base_file, path)
    s = Storeroom.open(str(path), terminal="")
    s.sign_in("ADMIN")
    assert add_three_work_orders(s) == THREE
    s.close()
    return path


def copy_of(source: Path, tmp_path: Path) -> Iterator[Storeroom]:
    path = tmp_path / "storeroom.db"
    shutil.copyfile(source, path)
    s = Storeroom.open(str(path), terminal="")
    s.sign_in("ADMIN")
    yield s
    s.close()


@pytest.fixture
def store(base_file, tmp_path) -> Iterator[Storeroom]:
    """A copy of the base storeroom: no work orders yet."""
    yield from copy_of(base_file, tmp_path)


@pytest.fixture
def shop(three_file, tmp_path) -> Iterator[Storeroom]:
    """A copy of the storeroom with the three work orders of THREE."""
    yield from copy_of(three_file, tmp_path)


THREE = ("WO-000001", "WO-000002", "WO-000003")
STARTED, REQUESTED, EMERGENCY = THREE


# --- the queue -----------------------------------------------------------------------------


async def test_the_queue_shows_the_work_orders_most_urgent_first(shop):
    started, requested, emergency = THREE
    shop.sign_in("S1")
    app = StoreroomApp(shop, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert queue_numbers(app) == [emergency, requested, started]
        assert "rows 1–3 of 3" in quick_bar(app)
        table = app.screen.query_one("#queue", QueueTable)
        assert [str(c) for c in table.row_at(0)][:3] == [emergency, "1!", "approved"]
        # the started WO: 2 bearings reserved for it, nothing issued yet
        assert str(table.row_at(2)[6]) == "ready"


async def test_typing_in_the_filter_narrows_the_queue(shop):
    started, requested, emergency = THREE
    shop.sign_in("C1")
    app = StoreroomApp(shop, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"pump")
        await pilot.pause()
        # 'pump' is in the asset tag PUMP-07 of two of them (and one title)
        assert queue_numbers(app) == [emergency, started]
        await pilot.press(*" bear")
        await pilot.pause()
        assert queue_numbers(app) == [started]
        assert "rows 1–1 of 1" in quick_bar(app)
        await pilot.press("ctrl+u", *"nothing")
        await pilot.pause()
        assert queue_numbers(app) == []
        assert "no work orders match" in quick_bar(app)
        # Esc leaves the filter for the list; the quick keys work again
        await pilot.press("ctrl+u", "escape")
        await pilot.pause()
        assert isinstance(app.focused, QueueTable)
        await pilot.press("a")
        await pilot.pause()
        assert "all" in quick_bar(app)
        assert queue_numbers(app) == [emergency, requested, started]


async def test_quick_filters_sort_and_priority_keys(shop):
    started, requested, emergency = THREE
    cancelled = create(shop, "Dropped job", priority=4)
    shop.write(
        lambda session, actor: workorders.change_status(
            session, actor, catalog.find_work_order(session, cancelled), "cancelled", "not needed"
        )
    )
    shop.sign_in("C1")
    app = StoreroomApp(shop, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        assert queue_numbers(app) == [emergency, requested, started]
        await pilot.press("a")
        await pilot.pause()
        assert queue_numbers(app) == [emergency, requested, started, cancelled]
        await pilot.press("s")  # priority -> status
        await pilot.pause()
        assert "sort status ↑" in quick_bar(app)
        assert queue_numbers(app) == [requested, emergency, started, cancelled]
        await pilot.press("S")
        await pilot.pause()
        assert queue_numbers(app) == [cancelled, started, emergency, requested]
        await pilot.press("2")
        await pilot.pause()
        assert queue_numbers(app) == [requested]
        await pilot.press("2")  # again: every priority
        await pilot.press("o")
        await pilot.pause()
        assert quick_bar(app).startswith("open (o a f) · P any")
        assert queue_numbers(app) == [started, emergency, requested]
        await pilot.press("f")  # open -> requested only
        await pilot.pause()
        assert queue_numbers(app) == [requested]


async def test_the_queue_pages_with_n_and_p(store):
    def many(session, actor):
        for n in range(103):
            workorders.create_work_order(session, actor, "PUMP-07", f"Route {n}", priority=3)

    store.write(many)
    store.sign_in("C1")
    app = StoreroomApp(store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        assert "rows 1–100 of 103" in quick_bar(app)
        await pilot.press("n")
        await pilot.pause()
        assert "rows 101–103 of 103" in quick_bar(app)
        assert queue_numbers(app) == ["WO-000101", "WO-000102", "WO-000103"]
        await pilot.press("n")
        await pilot.pause()
        assert "last page" in message(app)
        await pilot.press("pageup")  # at the top row: the previous page, cursor at its end
        await pilot.pause()
        assert "rows 1–100 of 103" in quick_bar(app)
        assert app.screen.query_one("#queue", QueueTable).cursor_row == 99


async def test_another_terminals_post_appears_on_refresh(store):
    store.sign_in("C1")
    app = StoreroomApp(store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        assert queue_numbers(app) == []
        store.sign_in("ADMIN")
        number = create(store, "Made elsewhere")
        app.screen.refresh_data()
        await pilot.pause()
        assert queue_numbers(app) == [number]


async def test_a_planner_creates_a_work_order_and_a_clerk_may_not(store):
    store.sign_in("P1")
    app = StoreroomApp(store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        assert "c" in shown_keys(app)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CreateWorkOrderDialog)
        await pilot.press(*"pump-07", "enter", *"Noisy bearing", "enter")
        await pilot.press("ctrl+u", *"EM", "enter", "ctrl+u", "9", "enter")
        await pilot.pause()
        # priority 9 is refused: the dialog comes back with what was typed and why
        assert isinstance(app.screen, CreateWorkOrderDialog)
        assert "priority 9 must be 1 (highest) to 4" in str(
            app.screen.query_one("#problem", Label).content
        )
        assert app.screen.query_one("#title", Input).value == "Noisy bearing"
        await pilot.press("enter", "enter", "enter", "backspace", "2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert "WO-000001 created: EM P2 on PUMP-07, requested" in message(app)
        assert queue_numbers(app) == ["WO-000001"]
    work_order = store.read(catalog.find_work_order, "WO-000001")
    assert (work_order.title, work_order.wo_type, work_order.priority) == ("Noisy bearing", "EM", 2)

    store.sign_in("C1")
    app = StoreroomApp(store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        assert "c" not in shown_keys(app)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)


# --- the detail ----------------------------------------------------------------------------


async def test_enter_opens_the_work_order_detail(shop):
    started = STARTED
    shop.sign_in("S1")
    app = StoreroomApp(shop, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down", "enter")  # the last row: the started WO
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WorkOrderScreen)
        header = str(screen.query_one("#wo-header", Static).content)
        assert started in header
        assert "Replace pump bearing" in header
        assert "in progress" in header
        lines = screen.query_one("#lines", DataTable)
        assert [str(c) for c in lines.get_row_at(0)] == [
            "1", "BRG-6204", "Bearing 6204", "2", "2", "", "", "", "",
        ]  # fmt: skip
        history = screen.query_one("#history", DataTable)
        assert [str(c) for c in history.get_row_at(0)][1:3] == [
            "Administrator",
            "approved → in progress",
        ]
        # what a supervisor may do to a WO in progress, and nothing else
        assert {"m", "v", "i", "t", "k", "h", "p", "x"} <= shown_keys(app)
        assert not {"a", "d", "s"} & shown_keys(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)


async def test_a_supervisor_approves_with_a_and_a_clerk_is_not_offered_it(shop):
    requested = REQUESTED
    shop.sign_in("C1")
    app = StoreroomApp(shop, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, requested)
        assert "a" not in shown_keys(app)
        await pilot.press("a")
        await pilot.pause()
    assert status_of(shop, requested) == "requested"

    shop.sign_in("S1")
    app = StoreroomApp(shop, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot, requested)
        assert "a" in shown_keys(app)
        await pilot.press("a")
        await pilot.pause()
        assert "✔ " + requested + " approved" in message(app)
        assert screen.query_one(MessageLine).has_class("-posted")
        assert "a" not in shown_keys(app)  # approved already
        assert {"d", "s", "v"} <= shown_keys(app)
    assert status_of(shop, requested) == "approved"


async def test_h_with_a_reason_puts_it_on_hold(shop):
    started = STARTED
    shop.sign_in("S1")
    app = StoreroomApp(shop, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot, started)
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press("escape")  # no reason: nothing happens
        await pilot.pause()
        assert status_of(shop, started) == "in_progress"
        assert "nothing changed" in message(app)
        await pilot.press("h", *"crane", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert f"{started} on hold: crane" in message(app)
        history = screen.query_one("#history", DataTable)
        assert [str(c) for c in history.get_row_at(0)][1:] == [
            "Sue Supervisor",
            "in progress → on hold",
            "crane",
        ]
        assert "i" not in shown_keys(app)  # frozen: no movements
    detail = shop.read(work_order_detail, started)
    assert (detail.status, detail.reserved) == ("on_hold", 2000)  # reservations kept


async def test_postpone_asks_whether_to_release_the_reservations(shop):
    started = STARTED
    shop.sign_in("S1")
    app = StoreroomApp(shop, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, started)
        await pilot.press("p", *"no window", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert "reservations released" in message(app)
    detail = shop.read(work_order_detail, started)
    assert (detail.status, detail.reserved) == ("postponed", 0)


async def test_a_refused_cancel_shows_red_and_changes_nothing(shop):
    started = STARTED
    shop.write(counter.issue_to_line, started, "BRG-6204", parse_qty("1"))
    before = movement_count(shop)
    shop.sign_in("S1")
    app = StoreroomApp(shop, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot, started)
        await pilot.press("x", *"wrong", "enter")
        await pilot.pause()
        assert f"{started} cannot be cancelled: parts are in WIP" in message(app)
        assert screen.query_one(MessageLine).has_class("-error")
    assert status_of(shop, started) == "in_progress"
    assert movement_count(shop) == before
    assert shop.read(ledger.check) == ([], [])


async def test_v_reserves_and_tells_the_shortage(store):
    number = create(store, "Seals", steps=("approved",))
    store.write(
        lambda session, actor: workorders.add_demand_line(
            session, actor, catalog.find_work_order(session, number), "SEAL-9", parse_qty("8")
        )
    )
    store.sign_in("C1")
    app = StoreroomApp(store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot, number)
        await pilot.press("v")
        await pilot.pause()
        assert f"reserved for {number}: SEAL-9 +6 short 2" in message(app)
        lines = screen.query_one("#lines", DataTable)
        assert [str(c) for c in lines.get_row_at(0)][3:] == ["8", "6", "", "", "", "2"]


async def test_i_lands_on_the_issue_screen_with_the_wo_loaded(shop):
    started = STARTED
    shop.sign_in("S1")
    app = StoreroomApp(shop, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, started)
        await pilot.press("i")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IssueScreen)
        assert started in str(screen.query_one("#wo-header", Label).content)
        assert screen.query_one("#picklist", DataTable).row_count == 1
        # the scan field has the focus: scanning the item posts the line
        await pilot.press(*"BRG-6204", "enter")
        await pilot.pause()
        assert "✔" in message(app)
    assert shop.read(work_order_detail, started).lines[0].issued == 2000


async def test_overdue_and_emergency_rows_are_marked_not_only_coloured(store):
    late = create(store, "Late job", due_date=date(2020, 1, 31))
    urgent = create(store, "Urgent job", wo_type="EM", priority=3, due_date=date(2099, 1, 31))
    store.sign_in("C1")
    app = StoreroomApp(store, poll=False)
    async with app.run_test(size=SIZE):
        table = app.screen.query_one("#queue", QueueTable)
        rows = {str(table.row_at(i)[0]): table.row_at(i) for i in range(table.row_count)}
        # at 80 columns dates are short; '!' marks the overdue date and the emergency
        assert [str(rows[late][1]), str(rows[late][5])] == ["3", "!Jan 2020"]
        assert [str(rows[urgent][1]), str(rows[urgent][5])] == ["3!", "Jan 2099"]
        assert rows[urgent][0].style == "bold red"
        assert rows[late][5].style == "bold yellow"
    app = StoreroomApp(store, poll=False)
    async with app.run_test(size=(120, 40)):
        table = app.screen.query_one("#queue", QueueTable)
        dues = sorted(str(table.row_at(i)[5]) for i in range(table.row_count))
        assert dues == ["!2020-01-31", "2099-01-31"]


async def test_k_opens_reconciliation_for_a_supervisor_and_an_unknown_wo_is_named(shop):
    shop.sign_in("S1")
    app = StoreroomApp(shop, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, STARTED)
        assert "k" in shown_keys(app)
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, ReconcileScreen)
        assert app.current_mode == "reconcile"
        await pilot.press("f2")
        await pilot.pause()
        app.push_screen(WorkOrderScreen("WO-999999"))
        await pilot.pause()
        assert "no work order 'WO-999999'" in message(app)
        assert not {"a", "i", "k", "h"} & shown_keys(app)


async def test_the_queue_table_draws_header_rows_and_cursor(store):
    """QueueTable draws each line from its page: the header with the sort arrow, each
    cell in its column (cut with an ellipsis where too long), the cursor's row in the
    cursor's colours; keys move the cursor and the view follows it."""
    long_title = "Late job with a rather long title to be cut " * 3
    late = create(store, long_title, due_date=date(2020, 1, 31))
    for n in range(30):
        create(store, f"Route {n}", "FAN-02", priority=4)
    store.sign_in("C1")
    app = StoreroomApp(store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#queue", QueueTable)
        width = table.scrollable_content_region.width
        header = table.render_line(0)
        assert header.text.startswith("Number ")
        assert "P ↑" in header.text and header.cell_length == width
        assert all(segment.style.bold for segment in header)
        first = table.render_line(1)
        assert first.text.startswith(late) and first.cell_length == width
        title_column = [c.key for c in table.columns].index("title")
        title_cell = table.row_at(0)[title_column]
        assert str(title_cell).endswith("…")
        assert title_cell.cell_len == table.columns[title_column].width - 1
        cursor_style = table.get_component_rich_style("queue-table--cursor")
        assert {s.style.bgcolor for s in first if s.text.strip()} == {cursor_style.bgcolor}
        second = table.render_line(2)
        assert cursor_style.bgcolor not in {s.style.bgcolor for s in second}
        # down moves the cursor; End goes to the last row and the view scrolls to it
        await pilot.press("down")
        assert table.cursor_row == 1
        assert cursor_style.bgcolor in {s.style.bgcolor for s in table.render_line(2)}
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == table.row_count - 1 == 30
        rows_shown = table.scrollable_content_region.height - 1
        assert int(table.scroll_y) == table.row_count - rows_shown
        last = table.render_line(rows_shown)
        assert last.text.startswith(table.keys[-1])
        assert table.render_line(0).text.startswith("Number")  # the header stays
        # another terminal posts: the page is re-read, the cursor and the view stay put
        await pilot.press("up", "up")
        scrolled = int(table.scroll_y)
        app.screen.refresh_data()
        await pilot.pause()
        assert (table.cursor_row, int(table.scroll_y)) == (28, scrolled) and scrolled > 0
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0 and int(table.scroll_y) == 0


async def test_a_click_moves_the_cursor_and_a_second_click_opens(shop):
    started, requested, emergency = THREE
    shop.sign_in("S1")
    app = StoreroomApp(shop, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#queue", QueueTable)
        await pilot.click("#queue", offset=(2, 0))  # the header: nothing happens
        assert table.cursor_row == 0 and isinstance(app.screen, QueueScreen)
        await pilot.click("#queue", offset=(2, 3))  # the third row
        await pilot.pause()
        assert table.cursor_row == 2 and isinstance(app.screen, QueueScreen)
        await pilot.click("#queue", offset=(2, 3))
        await pilot.pause()
        assert isinstance(app.screen, WorkOrderScreen)
        assert app.screen.number == started


async def test_ctrl_t_cycles_every_theme_and_the_queue_redraws_in_it(store):
    """Ctrl+T goes through THEMES and back; each is one Textual has (an unknown name
    stopped the app), and the queue's cursor row is drawn in each theme's colours."""
    create(store, "Inspect fan belt", "FAN-02", priority=2)
    store.sign_in("C1")
    app = StoreroomApp(store, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#queue", QueueTable)
        seen, cursor_colours = [], set()
        for _ in THEMES:
            await pilot.press("ctrl+t")
            await pilot.pause()
            seen.append(app.theme)
            cursor = table.get_component_rich_style("queue-table--cursor")
            assert cursor.bgcolor in {segment.style.bgcolor for segment in table.render_line(1)}
            cursor_colours.add(cursor.bgcolor)
        assert seen == [*THEMES[1:], THEMES[0]]
        assert len(cursor_colours) > 1  # the drawing followed the theme
        assert app.is_running
