"""Snapshots of every screen at 80x24 (rugged terminals) and at 120x40.

Time is frozen so that dates and the status history are the same on every run.
Update after a deliberate change with `uv run pytest tests/test_snapshots.py
--snapshot-update`, and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine

from storeroom_tui import catalog, counter, reservations, workorders
from storeroom_tui.app import StoreroomApp
from storeroom_tui.quantities import parse_qty

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture(autouse=True)
def frozen_time() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 20, 9, 30, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def site(plant):  # noqa: ANN001, ANN201
    """The plant with four WOs: one emergency in progress with parts out, one overdue."""

    def build(session, actor):  # noqa: ANN001, ANN202
        def wo(title: str, wo_type: str, priority: int, due: date, lines: dict[str, str]):  # noqa: ANN202
            work_order = workorders.create_work_order(
                session, actor, "PUMP-07", title, wo_type, priority, due
            )
            for part, qty in lines.items():
                workorders.add_demand_line(session, actor, work_order, part, parse_qty(qty))
            return work_order

        urgent = wo(
            "Replace bearing on cooling pump",
            "EM",
            1,
            date(2026, 11, 18),
            {"BRG-6204": "2", "FLT-1": "1", "UPS-BAT": "1", "TRQ-WR": "1"},
        )
        workorders.change_status(session, actor, urgent, "approved", "line stopped")
        reservations.reserve_work_order(session, actor, urgent)
        workorders.change_status(session, actor, urgent, "in_progress")
        counter.issue_to_line(session, actor, urgent.number, "BRG-6204", parse_qty("2"))
        counter.issue_to_line(session, actor, urgent.number, "TRQ-WR", parse_qty("1"))
        lube = wo("Quarterly lubrication", "PM", 3, date(2026, 12, 1), {"SEAL-9": "2"})
        workorders.change_status(session, actor, lube, "approved")
        wo("Seal leak at gland", "CM", 2, date(2026, 11, 25), {"SEAL-9": "1"})
        wo("Inspect coupling", "INSP", 4, date(2026, 12, 10), {})
        return urgent.number

    number = plant.store.write(build)
    plant.store.sign_in("S1")
    return plant, number


def app_for(plant) -> StoreroomApp:  # noqa: ANN001
    return StoreroomApp(plant.store, poll=False)


@pytest.mark.parametrize("size", SIZES)
def test_sign_in_screen(plant, snap_compare, size) -> None:  # noqa: ANN001
    plant.store.actor = None
    assert snap_compare(app_for(plant), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_queue_screen(site, snap_compare, size) -> None:  # noqa: ANN001
    plant, _ = site
    assert snap_compare(app_for(plant), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_work_order_detail_screen(site, snap_compare, size) -> None:  # noqa: ANN001
    plant, number = site

    async def open_detail(pilot) -> None:  # noqa: ANN001
        pilot.app.screen.open_work_order(number)
        await pilot.pause()

    assert snap_compare(app_for(plant), terminal_size=size, run_before=open_detail)


@pytest.mark.parametrize("size", SIZES)
def test_issue_screen_after_a_post(site, snap_compare, size) -> None:  # noqa: ANN001
    plant, number = site
    keys = ["f3", *number, "enter", *"FLT-1", "enter", "enter"]
    assert snap_compare(app_for(plant), terminal_size=size, press=keys)


@pytest.mark.parametrize("size", SIZES)
def test_issue_screen_after_a_bad_scan(site, snap_compare, size) -> None:  # noqa: ANN001
    plant, number = site
    keys = ["f3", *number, "enter", *"XYZ-999", "enter"]
    assert snap_compare(app_for(plant), terminal_size=size, press=keys)


@pytest.mark.parametrize("size", SIZES)
def test_return_screen_asking_the_condition(site, snap_compare, size) -> None:  # noqa: ANN001
    plant, number = site
    keys = ["f4", *number, "enter", *"CMD-QTY-1", "enter", *"BRG-6204", "enter"]
    assert snap_compare(app_for(plant), terminal_size=size, press=keys)


@pytest.mark.parametrize("size", SIZES)
def test_reconcile_screen_with_parts_out(site, snap_compare, size) -> None:  # noqa: ANN001
    plant, number = site
    plant.store.write(
        lambda s, a: workorders.change_status(s, a, catalog.find_work_order(s, number), "completed")
    )
    keys = ["f5", *number, "enter"]
    assert snap_compare(app_for(plant), terminal_size=size, press=keys)


@pytest.mark.parametrize("size", SIZES)
def test_stock_screen(site, snap_compare, size) -> None:  # noqa: ANN001
    plant, _ = site
    keys = ["f6", *"4006381333931", "enter"]
    assert snap_compare(app_for(plant), terminal_size=size, press=keys)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(site, snap_compare, size) -> None:  # noqa: ANN001
    plant, _ = site
    assert snap_compare(app_for(plant), terminal_size=size, press=["f1"])
