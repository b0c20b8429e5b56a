"""Snapshots of the Reports mode (F9) and of one chart, at 80x24 and 120x40, on the small
fixed cost plant (tests/costs_plant.py) with time frozen.

Update after a deliberate change with `uv run pytest tests/test_snapshots_reports.py
--snapshot-update`, and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from storeroom_tui.app import StoreroomApp
from tests.costs_plant import build

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture(autouse=True)
def frozen_time() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 20, 9, 30, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def app(store) -> StoreroomApp:  # noqa: ANN001
    build(store)
    return StoreroomApp(store, poll=False)


@pytest.mark.parametrize("size", SIZES)
def test_reports_list(app, snap_compare, size) -> None:  # noqa: ANN001
    assert snap_compare(app, terminal_size=size, press=["f9"])


@pytest.mark.parametrize("size", SIZES)
def test_reports_cost_per_asset_sorted(app, snap_compare, size) -> None:  # noqa: ANN001
    # the first report, run with the defaults, sorted by its fourth column (parts)
    assert snap_compare(app, terminal_size=size, press=["f9", "1", "s", "s", "s", "s"])


@pytest.mark.parametrize("size", SIZES)
def test_reports_chart_of_cost_per_asset(app, snap_compare, size) -> None:  # noqa: ANN001
    assert snap_compare(app, terminal_size=size, press=["f9", "1", "c"])
