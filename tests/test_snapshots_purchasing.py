"""Snapshots of the purchasing screens at 80x24 (rugged terminals) and at 120x40: Buy's
views, a PO's detail, Receive after a post and after a refusal, and a WO whose parts
arrived. Time is frozen so dates, overdue days and the approval log are the same on
every run. Update after a deliberate change with `uv run pytest
tests/test_snapshots_purchasing.py --snapshot-update`, and look at the SVGs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from storeroom_tui.app import StoreroomApp
from tests.buying_plant import VALVE_GTIN, busy_site

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture(autouse=True)
def frozen_time() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 20, 9, 30, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def site(frozen_time, plant):  # noqa: ANN001, ANN201
    numbers = busy_site(plant)
    plant.store.sign_in("S1")
    return plant, numbers


def app_for(plant) -> StoreroomApp:  # noqa: ANN001
    return StoreroomApp(plant.store, poll=False)


@pytest.mark.parametrize("size", SIZES)
def test_buy_requisitions(site, snap_compare, size) -> None:  # noqa: ANN001
    plant, _ = site
    assert snap_compare(app_for(plant), terminal_size=size, press=["f7", "space"])


@pytest.mark.parametrize("size", SIZES)
def test_buy_purchase_orders(site, snap_compare, size) -> None:  # noqa: ANN001
    plant, _ = site
    assert snap_compare(app_for(plant), terminal_size=size, press=["f7", "p"])


@pytest.mark.parametrize("size", SIZES)
def test_buy_open_po_review(site, snap_compare, size) -> None:  # noqa: ANN001
    plant, _ = site
    assert snap_compare(app_for(plant), terminal_size=size, press=["f7", "v"])


@pytest.mark.parametrize("size", SIZES)
def test_buy_exceptions_for_the_controller(site, snap_compare, size) -> None:  # noqa: ANN001
    plant, _ = site
    plant.store.sign_in("K1")
    assert snap_compare(app_for(plant), terminal_size=size, press=["f7", "x"])


@pytest.mark.parametrize("size", SIZES)
def test_po_detail_waiting_for_approval(site, snap_compare, size) -> None:  # noqa: ANN001
    plant, _ = site
    keys = ["f7", "p", "down", "down", "enter"]  # PO-000001, pending approval
    assert snap_compare(app_for(plant), terminal_size=size, press=keys)


@pytest.mark.parametrize("size", SIZES)
def test_po_detail_with_a_match_exception(site, snap_compare, size) -> None:  # noqa: ANN001
    plant, _ = site
    plant.store.sign_in("K1")
    keys = ["f7", "p", "down", "enter"]  # PO-000002, partly received, invoice off
    assert snap_compare(app_for(plant), terminal_size=size, press=keys)


@pytest.mark.parametrize("size", SIZES)
def test_receive_after_a_post(site, snap_compare, size) -> None:  # noqa: ANN001
    plant, numbers = site
    label = f"(01)0{VALVE_GTIN}(17)300630(10)LOT-D(30)1"
    keys = ["f8", *numbers["partial"], "enter", *label, "enter"]
    assert snap_compare(app_for(plant), terminal_size=size, press=keys)


@pytest.mark.parametrize("size", SIZES)
def test_receive_after_a_refusal(site, snap_compare, size) -> None:  # noqa: ANN001
    plant, numbers = site
    keys = ["f8", *numbers["partial"], "enter", *numbers["pending"], "enter"]
    assert snap_compare(app_for(plant), terminal_size=size, press=keys)


@pytest.mark.parametrize("size", SIZES)
def test_work_order_with_parts_arrived(site, snap_compare, size) -> None:  # noqa: ANN001
    plant, numbers = site

    async def open_detail(pilot) -> None:  # noqa: ANN001
        pilot.app.screen.open_work_order(numbers["valves"])
        await pilot.pause()

    assert snap_compare(app_for(plant), terminal_size=size, run_before=open_detail)
