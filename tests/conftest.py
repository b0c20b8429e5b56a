"""Fixtures that build a known storeroom on a real SQLite file in a temporary directory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from storeroom_tui import catalog, ledger, workorders
from storeroom_tui.permissions import Actor
from storeroom_tui.quantities import parse_money, parse_qty
from storeroom_tui.service import Storeroom


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "storeroom.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Storeroom]:
    """An initialised storeroom, signed in as the admin."""
    room = Storeroom.open(str(db_path), terminal="")
    room.init()
    room.sign_in("ADMIN")
    yield room
    room.close()


@dataclass
class Plant:
    """A small known plant: two bins, five items, one asset, four users."""

    store: Storeroom

    def as_user(self, badge: str) -> Actor:
        return self.store.sign_in(badge)

    def wo_in_progress(self, lines: dict[str, str], title: str = "Fix pump") -> str:
        """A WO with the given lines (part -> qty), approved and started; nothing reserved."""

        def make(session, actor):  # noqa: ANN001, ANN202
            work_order = workorders.create_work_order(session, actor, "PUMP-07", title)
            for part, qty in lines.items():
                workorders.add_demand_line(session, actor, work_order, part, parse_qty(qty))
            workorders.change_status(session, actor, work_order, "approved")
            workorders.change_status(session, actor, work_order, "in_progress")
            return work_order.number

        return self.store.write(make)


@pytest.fixture
def plant(store: Storeroom) -> Plant:
    """Bins MAIN/A-01-01 and MAIN/A-01-02; items:

    - BRG-6204 bearing (10 at 5.00 in A-01-01, 10 at 7.00 in A-01-02), barcode 4006381333931
    - FLT-1 oil filter, by lot: L1 (exp 2030-01-31) 5 in A-01-01, L0 (exp 2031-06-30) 3
    - UPS-BAT critical serialised battery: SN1, SN2 in A-01-02 at 120.00
    - TRQ-WR torque wrench, a tool: 2 in A-01-01
    - SEAL-9 seal: 6 in A-01-02 at 1.50
    users: ADMIN (admin), C1 clerk, T1 technician, S1 supervisor, P1 planner, K1 controller
    """
    s = store
    for code in ("A-01-01", "A-01-02"):
        s.write(catalog.add_bin, code, "MAIN")
    s.write(catalog.add_item, "BRG-6204", "Bearing 6204", barcodes=["4006381333931"])
    s.write(catalog.add_item, "FLT-1", "Oil filter", tracking="lot")
    s.write(catalog.add_item, "UPS-BAT", "UPS battery", tracking="serial", critical=True)
    s.write(catalog.add_item, "TRQ-WR", "Torque wrench", kind="tool")
    s.write(catalog.add_item, "SEAL-9", "Shaft seal")
    s.write(catalog.add_asset, "PUMP-07", "Cooling pump 7", None, "CC-100")
    for badge, name, role in (
        ("C1", "Carla Clerk", "clerk"),
        ("T1", "Tom Tech", "technician"),
        ("S1", "Sue Supervisor", "supervisor"),
        ("P1", "Pete Planner", "planner"),
        ("K1", "Kim Controller", "controller"),
    ):
        s.write(catalog.add_user, badge, name, role)
    receive = ledger.receive
    s.write(receive, "BRG-6204", parse_qty("10"), "A-01-01", unit_cost=parse_money("5"))
    s.write(receive, "BRG-6204", parse_qty("10"), "A-01-02", unit_cost=parse_money("7"))
    s.write(
        receive,
        "FLT-1",
        parse_qty("5"),
        "A-01-01",
        "L1",
        ledger.parse_expiry("2030-01-31"),
        unit_cost=parse_money("3"),
    )
    s.write(
        receive,
        "FLT-1",
        parse_qty("3"),
        "A-01-02",
        "L0",
        ledger.parse_expiry("2031-06-30"),
        unit_cost=parse_money("3"),
    )
    s.write(
        receive,
        "UPS-BAT",
        parse_qty("2"),
        "A-01-02",
        serial_nos=["SN1", "SN2"],
        unit_cost=parse_money("120"),
    )
    s.write(receive, "TRQ-WR", parse_qty("2"), "A-01-01", unit_cost=parse_money("80"))
    s.write(receive, "SEAL-9", parse_qty("6"), "A-01-02", unit_cost=parse_money("1.50"))
    return Plant(s)
