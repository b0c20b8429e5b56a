"""The demo plant: built through the services, consistent, in every status, same seed same plant."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from biip.checksums import gs1_standard_check_digit
from sqlalchemy import func, select
from sqlmodel import Session
from typer.testing import CliRunner

from models import (
    Asset,
    Item,
    ItemBarcode,
    LocationKind,
    Lot,
    Movement,
    Reservation,
    User,
    WorkOrder,
    WorkOrderEvent,
)
from storeroom_tui import catalog, demo, ledger, stock, wip
from storeroom_tui.cli import app
from storeroom_tui.demo import DemoPlant, build_demo
from storeroom_tui.errors import AlreadyExists
from storeroom_tui.gates import Status
from storeroom_tui.permissions import Role
from storeroom_tui.quantities import parse_qty
from storeroom_tui.service import Storeroom

SEED = 7
# parts whose stock two builds with the same seed must agree on, bin by bin and lot by lot
WATCHED_PARTS = ("BRG-6204-2RS", "GR-EP2-400", "OIL-VDL46", "UPS-BAT-12V9", "DMM-CAT3")
REFUSAL = "delete it or pass --db NEW.db"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> DemoPlant:
    return build_demo(str(tmp_path_factory.mktemp("demo") / "plant.db"), seed=SEED)


@pytest.fixture(scope="module")
def room(built: DemoPlant) -> Iterator[Storeroom]:
    opened = Storeroom.open(built.location, terminal="")
    yield opened
    opened.close()


def _work_orders(session: Session) -> list[tuple]:
    return [
        (w.number, w.title, w.status, w.wo_type, w.priority, w.due_date)
        for w in session.execute(select(WorkOrder).order_by(WorkOrder.number)).scalars()
    ]


def _ledger_story(session: Session) -> list[tuple]:
    """Every movement as a person would tell it: no keys, no clock."""
    return session.execute(
        select(
            Movement.kind,
            Item.part_number,
            Movement.qty,
            Movement.from_location_id,
            Movement.to_location_id,
            Movement.condition,
            Movement.deviation,
            Movement.unit_cost,
            WorkOrder.number,
        )
        .join(Item, Item.id == Movement.item_id)
        .outerjoin(WorkOrder, WorkOrder.id == Movement.wo_id)
        .order_by(Movement.id)
    ).all()


# --- what gets built -----------------------------------------------------------------------


def test_demo_plant_is_built_in_the_named_file_and_counts_what_it_holds(
    built: DemoPlant, room: Storeroom
) -> None:
    assert Path(built.location).name == "plant.db"
    assert Path(built.location).is_file()

    def count(session: Session) -> dict[str, int]:
        return {
            "items": catalog.count_rows(session, Item),
            "assets": catalog.count_rows(session, Asset),
            "work_orders": catalog.count_rows(session, WorkOrder),
            "movements": catalog.count_rows(session, Movement),
            "bins": len(catalog.list_bins(session)),
        }

    held = room.read(count)
    assert {name: built.counts[name] for name in held} == held
    assert held["items"] > 0 and held["work_orders"] > 0 and held["movements"] > 0


def test_demo_plant_ledger_checks_clean(room: Storeroom) -> None:
    differences, problems = room.read(ledger.check)

    assert differences == []
    assert problems == []


def test_demo_plant_has_two_warehouses_and_about_sixty_bins(room: Storeroom) -> None:
    bins = room.read(catalog.list_bins)

    assert {b.warehouse for b in bins} == {"MAIN", "NORTH"}
    assert 55 <= len(bins) <= 70
    assert room.read(catalog.find_bin, "MAIN/A-01-01").barcode == "BIN-MAIN-A-01-01"
    assert room.read(catalog.find_bin, "NORTH/N-01-01").warehouse == "NORTH"


def test_demo_plant_has_a_badge_for_every_role_with_human_names(
    built: DemoPlant, room: Storeroom
) -> None:
    users = room.read(catalog.list_users)

    assert {role for _, role in built.badges} == {role.value for role in Role}
    assert sorted(built.badges) == sorted((u.badge, u.role) for u in users)
    assert ("2001", "technician") in built.badges
    people = [u for u in users if u.badge != "ADMIN"]
    assert all(" " in u.name and u.name.istitle() for u in people)


def test_demo_catalogue_holds_a_few_hundred_believable_items(room: Storeroom) -> None:
    items = room.read(lambda s: list(s.execute(select(Item)).scalars()))

    assert 250 <= len(items) <= 500
    assert {i.uom for i in items} == {"EA", "M", "L", "KG", "SET"}
    assert {i.kind for i in items} == {"material", "tool", "rotable"}
    assert {i.tracking for i in items} == {"none", "lot", "serial"}
    assert all(i.max_qty >= i.min_qty for i in items)
    bearing = room.read(catalog.find_item, "BRG-6204-2RS")
    assert bearing.description == "Deep groove ball bearing 6204-2RS, 20x47x14 mm, rubber seals"
    assert bearing.avg_cost > 0
    drive = room.read(catalog.find_item, "VFD-7K5")
    assert (drive.kind, drive.tracking, drive.critical) == ("rotable", "serial", True)
    assert room.read(catalog.find_item, "TW-38-100").kind == "tool"


def test_demo_barcodes_find_their_items_and_gtins_carry_a_valid_check_digit(
    room: Storeroom,
) -> None:
    rows = room.read(
        lambda s: s.execute(
            select(ItemBarcode.code, ItemBarcode.source, Item.part_number).join(
                Item, Item.id == ItemBarcode.item_id
            )
        ).all(),
    )
    gtins = [(code, part) for code, source, part in rows if source == "gtin"]
    labels = [(code, part) for code, source, part in rows if source == "own"]

    assert len(gtins) >= 50
    assert len(labels) == room.read(catalog.count_rows, Item)
    for code, _part in gtins:
        assert len(code) == 13
        assert gs1_standard_check_digit(code[:-1]) == int(code[-1]), code
    code, part = gtins[0]
    assert room.read(catalog.find_item_by_gtin, code.zfill(14)).part_number == part
    code, part = labels[-1]
    assert code.startswith("SR-")
    assert room.read(catalog.find_item, code).part_number == part


def test_demo_lots_expire_soon_but_none_has_expired(room: Storeroom) -> None:
    today = ledger.today()
    expiries = room.read(lambda s: [e for e in s.execute(select(Lot.expiry)).scalars() if e])

    assert expiries
    assert min(expiries) >= today
    assert any(e <= today + timedelta(days=30) for e in expiries)
    grease = room.read(stock.stock_position, "GR-EP2-400")
    assert all(b.lot for b in grease.balances)


def test_demo_assets_hang_from_one_site_through_buildings_and_lines(room: Storeroom) -> None:
    assets = room.read(lambda s: list(s.execute(select(Asset)).scalars()))
    by_id = {a.id: a for a in assets}

    def path(asset: Asset) -> list[str]:
        return [asset.tag] + (path(by_id[asset.parent_id]) if asset.parent_id else [])

    roots = [a for a in assets if a.parent_id is None]
    assert [r.tag for r in roots] == ["SITE-RIV"]
    pump = room.read(catalog.find_asset, "PUMP-07")
    assert path(pump) == ["PUMP-07", "SYS-WWT", "BLD-WWT", "SITE-RIV"]
    assert pump.cost_centre == "CC-4310"
    assert all(a.cost_centre for a in assets)
    assert max(len(path(a)) for a in assets) == 4


# --- the work orders -----------------------------------------------------------------------


def test_demo_has_work_orders_of_every_status_type_and_priority(room: Storeroom) -> None:
    rows = room.read(_work_orders)
    today = ledger.today()

    assert 60 <= len(rows) <= 120
    assert {status for _, _, status, _, _, _ in rows} == {s.value for s in Status}
    assert {wo_type for _, _, _, wo_type, _, _ in rows} == {"PM", "CM", "EM", "INSP"}
    assert {priority for *_, priority, _ in rows} == {1, 2, 3, 4}
    open_statuses = {"requested", "approved", "scheduled", "in_progress", "on_hold", "postponed"}
    overdue = [r for r in rows if r[2] in open_statuses and r[5] < today]
    assert overdue
    assert rows[0][0] == "WO-000001"


def test_every_demo_work_order_has_its_status_history(room: Storeroom) -> None:
    def histories(session: Session) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        for event in session.execute(select(WorkOrderEvent).order_by(WorkOrderEvent.id)).scalars():
            found.setdefault(event.wo_id, []).append(event.to_status)
        return found

    events = room.read(histories)
    orders = room.read(lambda s: list(s.execute(select(WorkOrder)).scalars()))

    for order in orders:
        assert events[order.id][0] == "requested", order.number
        assert events[order.id][-1] == order.status, order.number
    closed = [o for o in orders if o.status == "closed"]
    assert all(o.parts_cost is not None and o.closed_at for o in closed)
    assert all("completed" in events[o.id] for o in closed)


def test_demo_moves_parts_only_on_work_orders_that_allow_it(room: Storeroom) -> None:
    rows = room.read(
        lambda s: s.execute(
            select(WorkOrder.status, func.count(Movement.id))
            .join(Movement, Movement.wo_id == WorkOrder.id)
            .group_by(WorkOrder.status)
        ).all(),
    )
    moved = dict(rows)

    assert set(moved) <= {"in_progress", "completed", "closed", "on_hold"}
    assert moved["in_progress"] > 0
    assert moved["completed"] > 0
    assert moved["closed"] > 0


def test_demo_issues_returns_in_every_condition_write_offs_and_a_reversal(
    room: Storeroom,
) -> None:
    def ledger_summary(session: Session) -> tuple[dict[str, int], set[str], set[str], int]:
        kinds = dict(
            session.execute(select(Movement.kind, func.count()).group_by(Movement.kind)).all()
        )
        conditions = set(session.execute(select(Movement.condition).distinct()).scalars())
        deviations = set(session.execute(select(Movement.deviation).distinct()).scalars())
        quarantine = catalog.virtual_location(session, LocationKind.QUARANTINE)
        to_quarantine = session.execute(
            select(func.count()).where(Movement.to_location_id == quarantine.id)
        ).scalar_one()
        return kinds, conditions - {None}, deviations - {None}, to_quarantine

    kinds, conditions, deviations, to_quarantine = room.read(ledger_summary)

    assert set(kinds) == {"receive", "issue", "return", "writeoff", "reversal"}
    assert kinds["issue"] >= 50
    assert kinds["writeoff"] >= 30
    assert conditions == {"new", "opened", "inspect", "rejected"}
    assert {"additional", "over_issue", "substitute"} <= deviations
    assert to_quarantine >= 1


def test_demo_closed_work_orders_are_reconciled_and_completed_ones_await_it(
    room: Storeroom,
) -> None:
    def out_by_status(session: Session) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for order in session.execute(select(WorkOrder)).scalars():
            found.setdefault(order.status, []).append(wip.position(session, order.id).in_wip)
        return found

    out = room.read(out_by_status)

    assert set(out["closed"]) == {0}
    assert any(out["completed"])
    assert any(out["in_progress"])
    assert set(out["cancelled"]) == {0}
    assert set(out["requested"]) == {0}


def test_demo_reservations_are_open_on_planned_work_and_some_are_short(room: Storeroom) -> None:
    def lines_of(session: Session, status: str) -> list[wip.LinePosition]:
        orders = session.execute(select(WorkOrder).where(WorkOrder.status == status)).scalars()
        return [line for o in orders for line in wip.position(session, o.id).lines]

    scheduled = room.read(lambda s: lines_of(s, "scheduled"))
    cancelled = room.read(lambda s: lines_of(s, "cancelled"))
    closed = room.read(lambda s: lines_of(s, "closed"))

    assert any(line.reserved for line in scheduled)
    assert any(line.shortage for line in scheduled)
    assert all(line.reserved == 0 for line in cancelled + closed)
    statuses = set(room.read(lambda s: s.execute(select(Reservation.status)).scalars()))
    assert {"confirmed", "supplied", "cancelled"} <= statuses


# --- same seed, same plant -------------------------------------------------------------------


def test_the_same_seed_builds_the_same_plant_through_the_cli(
    built: DemoPlant, room: Storeroom, tmp_path: Path
) -> None:
    again = tmp_path / "again.db"

    result = CliRunner().invoke(app, ["--db", str(again), "demo", "--no-tui", "--seed", "7"])

    assert result.exit_code == 0, result.output
    printed = "".join(result.output.split())
    assert f"demoplantin{again}" in printed
    assert "3001(supervisor)" in printed and "ADMIN(admin)" in printed
    twin = Storeroom.open(str(again), terminal="")
    try:
        assert twin.read(_work_orders) == room.read(_work_orders)
        assert twin.read(_ledger_story) == room.read(_ledger_story)
        for part in WATCHED_PARTS:
            assert twin.read(stock.stock_position, part) == room.read(stock.stock_position, part)
    finally:
        twin.close()


def test_another_seed_plans_another_plant() -> None:
    today = ledger.today()

    def plan(seed: int) -> list[tuple[str, str, str]]:
        builder = demo._Builder(None, random.Random(seed), today)  # type: ignore[arg-type]
        return [(p.status, p.machine[0], p.task[1]) for p in builder._plan()]

    assert plan(7) == plan(7)
    assert plan(7) != plan(8)


# --- refusals --------------------------------------------------------------------------------


def test_demo_refuses_a_storeroom_that_already_holds_data(store: Storeroom, db_path: Path) -> None:
    store.write(catalog.add_item, "SEAL-9", "Shaft seal")
    store.write(catalog.add_bin, "A-01-01", "MAIN")
    store.write(ledger.receive, "SEAL-9", parse_qty("6"), "A-01-01")
    movements = store.read(catalog.count_rows, Movement)

    with pytest.raises(AlreadyExists) as refused:
        build_demo(str(db_path), seed=SEED)

    assert refused.value.code == "already_exists"
    assert refused.value.message == (
        f"{db_path} already holds data; the demo plant is built only into a fresh file: {REFUSAL}"
    )
    assert store.read(catalog.count_rows, Movement) == movements == 1
    assert store.read(catalog.count_rows, Item) == 1
    assert store.read(catalog.count_rows, WorkOrder) == 0
    assert store.read(catalog.count_rows, User) == 1
    assert store.read(ledger.check) == ([], [])


def test_demo_refuses_the_storeroom_db_of_the_environment_when_no_db_is_given(
    store: Storeroom, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STOREROOM_DB", str(db_path))

    with pytest.raises(AlreadyExists, match=REFUSAL) as refused:
        build_demo(None, seed=SEED)

    assert refused.value.value == str(db_path)
    assert store.read(catalog.count_rows, Item) == 0


def test_demo_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_bytes(b"shopping list: 6204-2RS x4\n")

    with pytest.raises(AlreadyExists, match=REFUSAL):
        build_demo(str(notes), seed=SEED)

    assert notes.read_bytes() == b"shopping list: 6204-2RS x4\n"


def test_demo_refuses_its_own_plant_a_second_time(built: DemoPlant, room: Storeroom) -> None:
    movements = room.read(catalog.count_rows, Movement)

    with pytest.raises(AlreadyExists, match=REFUSAL):
        build_demo(built.location, seed=SEED)

    assert room.read(catalog.count_rows, Movement) == movements
    assert room.read(ledger.check) == ([], [])


def test_cli_demo_refusal_says_what_to_do(built: DemoPlant) -> None:
    result = CliRunner().invoke(app, ["--db", built.location, "demo", "--no-tui"])

    assert result.exit_code == 1
    assert REFUSAL.replace(" ", "") in "".join(result.output.split())


def test_a_failed_build_leaves_no_half_built_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "half.db"

    def power_cut(self: demo._Builder, session: Session) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(demo._Builder, "_opening_stock", power_cut)
    with pytest.raises(RuntimeError, match="power cut"):
        build_demo(str(target), seed=SEED)

    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_demo_builds_into_an_empty_file_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "empty.db"
    target.touch()
    monkeypatch.setattr(demo._Builder, "_opening_stock", lambda self, session: None)
    monkeypatch.setattr(demo._Builder, "_work_orders", lambda self, session: None)

    result = build_demo(str(target), seed=SEED)

    assert result.location == str(target)
    assert result.counts["items"] > 250
    assert result.counts["movements"] == 0
