"""The large demo plant, built in bulk: exact sizes, a clean ledger, every rule the services
keep, and the same plant from the same seed. Built here at a small size (the full one,
2,000,000 movements, takes a minute: `storeroom demo --size large`)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from models import Item, Serial, WorkOrder
from storeroom_tui import catalog, counter, demo_large, ledger, wip
from storeroom_tui.cli import app
from storeroom_tui.demo_large import PlantSize, build_large
from storeroom_tui.errors import AlreadyExists, InvalidValue
from storeroom_tui.gates import Status
from storeroom_tui.quantities import MILLI
from storeroom_tui.reconciliation import close_work_order, reconcile
from storeroom_tui.service import Storeroom

SMALL = PlantSize(items=600, work_orders=1500, movements=15_000, days=120)
TABLES = (
    "item",
    "item_barcode",
    "location",
    "asset",
    "work_order",
    "work_order_event",
    "demand_line",
    "reservation",
    "lot",
    "serial",
    "movement",
    "balance",
)
NEVER_STARTED = ("requested", "approved", "scheduled", "postponed", "cancelled")


@pytest.fixture(scope="module")
def plant_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("large") / "plant.db"
    build_large(str(path), seed=7, size=SMALL)
    return path


@pytest.fixture(scope="module")
def rows(plant_file: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(plant_file)) as connection:
        yield connection


@pytest.fixture
def room(plant_file: Path, tmp_path: Path) -> Iterator[Storeroom]:
    """A copy of the plant to post into through the services."""
    copy = tmp_path / "copy.db"
    copy.write_bytes(plant_file.read_bytes())
    opened = Storeroom.open(str(copy), terminal="")
    yield opened
    opened.close()


def _digest(path: Path) -> str:
    """Every row of every table the builder writes, in id order."""
    digest = hashlib.sha256()
    with closing(sqlite3.connect(path)) as connection:
        for table in TABLES:
            for row in connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3"):
                digest.update(repr(row).encode())
    return digest.hexdigest()


def test_large_plant_holds_exactly_the_items_work_orders_and_movements_asked(
    rows: sqlite3.Connection,
) -> None:
    count = {t: rows.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    assert (count["item"], count["work_order"], count["movement"]) == (600, 1500, 15_000)
    # the small demo's catalogue comes first, then alternative sources of the same parts
    first = rows.execute("SELECT part_number FROM item WHERE id IN (1, 379) ORDER BY id")
    assert [part for (part,) in first] == ["BRG-6200", "BRG-6200-V001"]
    assert rows.execute("SELECT value FROM setting WHERE key = 'wo_seq:'").fetchone() == ("1500",)


def test_large_plant_checks_clean_and_is_left_in_wal_mode(
    plant_file: Path, rows: sqlite3.Connection
) -> None:
    room = Storeroom.open(str(plant_file))
    try:
        differences, problems = room.read(ledger.check)
    finally:
        room.close()
    assert differences == []
    assert problems == []
    assert rows.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_no_physical_place_ever_went_negative_in_the_plants_history(
    rows: sqlite3.Connection,
) -> None:
    physical = {i for (i,) in rows.execute("SELECT id FROM location WHERE physical")}
    running: dict[tuple, int] = {}
    lowest = 0
    for item, source, target, lot, serial, qty in rows.execute(
        "SELECT item_id, from_location_id, to_location_id, coalesce(lot_id, 0), "
        "coalesce(serial_id, 0), qty FROM movement ORDER BY id"
    ):
        out = (item, source, lot, serial)
        running[out] = running.get(out, 0) - qty
        if source in physical:
            lowest = min(lowest, running[out])
        into = (item, target, lot, serial)
        running[into] = running.get(into, 0) + qty
    assert lowest == 0


def test_movement_ids_and_times_run_in_the_same_order(rows: sqlite3.Connection) -> None:
    out_of_order = rows.execute(
        "SELECT count(*) FROM movement a JOIN movement b ON b.id = a.id + 1 "
        "WHERE b.created_at < a.created_at"
    ).fetchone()[0]
    assert out_of_order == 0


def test_every_serial_is_where_its_last_movement_took_it(rows: sqlite3.Connection) -> None:
    wip_id = rows.execute("SELECT id FROM location WHERE code = 'WIP'").fetchone()[0]
    last = {
        serial: (target, wo)
        for serial, target, wo in rows.execute(
            "SELECT serial_id, to_location_id, wo_id FROM movement "
            "WHERE serial_id IS NOT NULL ORDER BY id"
        )
    }
    serials = rows.execute("SELECT id, location_id, wo_id FROM serial").fetchall()
    assert len(serials) == len(last) > 0
    for serial, location, wo in serials:
        target, moved_for = last[serial]
        assert location == target, serial
        assert wo == (moved_for if target == wip_id else None), serial


def test_closed_and_cancelled_work_orders_hold_nothing_and_closed_ones_keep_their_cost(
    plant_file: Path,
) -> None:
    room = Storeroom.open(str(plant_file))

    def finished(session) -> list[tuple]:  # noqa: ANN001
        found = []
        for work_order in session.execute(
            select(WorkOrder).where(WorkOrder.status.in_(("closed", "cancelled")))  # type: ignore[attr-defined]
        ).scalars():
            position = wip.position(session, work_order.id)
            found.append((work_order.status, position.in_wip, work_order.parts_cost, position))
        return found

    try:
        found = room.read(finished)
    finally:
        room.close()
    statuses = {status for status, *_ in found}
    assert statuses == {"closed", "cancelled"}
    assert all(in_wip == 0 for _, in_wip, _, _ in found)
    assert all(
        cost == position.parts_cost for status, _, cost, position in found if status == "closed"
    )
    assert sum(cost for status, _, cost, _ in found if status == "closed") > 0


def test_work_orders_that_never_started_have_no_movements(rows: sqlite3.Connection) -> None:
    marks = ", ".join("?" * len(NEVER_STARTED))
    moved = rows.execute(
        f"SELECT count(*) FROM movement m JOIN work_order w ON w.id = m.wo_id "
        f"WHERE w.status IN ({marks})",
        NEVER_STARTED,
    ).fetchone()[0]
    statuses = {s for (s,) in rows.execute("SELECT DISTINCT status FROM work_order")}
    assert moved == 0
    assert statuses == {status.value for status in Status}  # every status is there


def test_open_reservations_never_promise_more_than_the_shelf_holds(
    rows: sqlite3.Connection,
) -> None:
    over = rows.execute(
        "SELECT r.item_id, r.location_id, r.lot_id, sum(r.qty - r.supplied_qty) AS promised, "
        " (SELECT coalesce(sum(b.qty), 0) FROM balance b WHERE b.item_id = r.item_id "
        "   AND b.location_id = r.location_id AND b.lot_id = coalesce(r.lot_id, 0)) AS held "
        "FROM reservation r WHERE r.status IN ('created', 'confirmed', 'partially_supplied') "
        "GROUP BY r.item_id, r.location_id, r.lot_id HAVING promised > held"
    ).fetchall()
    open_count = rows.execute(
        "SELECT count(*) FROM reservation WHERE status IN ('confirmed', 'partially_supplied')"
    ).fetchone()[0]
    assert over == []
    assert open_count > 0


def test_same_seed_same_plant_and_another_seed_another(plant_file: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    other = tmp_path / "other.db"
    build_large(str(again), seed=7, size=SMALL)
    build_large(str(other), seed=8, size=SMALL)
    assert _digest(again) == _digest(plant_file)
    assert _digest(other) != _digest(plant_file)


def test_movements_handed_to_the_other_thread_go_in_exactly_as_inserted_here(
    plant_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With chunks small enough, the first movements go to SQLite's other thread as JSON
    (as in the full build) and the rest through `executemany`: the same plant either way."""
    handed: list[int] = []
    hand_over = demo_large._Bulk._hand_over

    def counted(builder: demo_large._Bulk, table: str, columns: str, rows: list) -> None:
        handed.append(len(rows))
        hand_over(builder, table, columns, rows)

    monkeypatch.setattr(demo_large, "CHUNK", 1_000)
    monkeypatch.setattr(demo_large.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(demo_large._Bulk, "_hand_over", counted)
    chunked = tmp_path / "chunked.db"
    build_large(str(chunked), seed=7, size=SMALL)
    assert handed == [1_000] * int(SMALL.movements * demo_large.HANDED_OVER / 1_000)
    assert _digest(chunked) == _digest(plant_file)


def test_services_post_and_close_on_the_large_plant(room: Storeroom) -> None:
    """A completed WO with parts still out is settled and closed through the services."""

    def completed_with_parts_out(session) -> str:  # noqa: ANN001
        for work_order in session.execute(
            select(WorkOrder).where(WorkOrder.status == "completed").order_by(WorkOrder.id)
        ).scalars():
            if wip.position(session, work_order.id).in_wip:
                return work_order.number
        raise AssertionError("the plant has no completed WO with parts out")

    number = room.read(completed_with_parts_out)
    room.sign_in("3001")  # the supervisor writes off and closes

    def parts_out(session) -> list[tuple[str, str, int, list[str] | None]]:  # noqa: ANN001
        """(part, item kind, quantity, serials) of each issue still out."""
        work_order = catalog.find_work_order(session, number)
        found = []
        for issue in wip.position(session, work_order.id).outstanding:
            item = session.get(Item, issue.item_id)
            serial = session.get(Serial, issue.serial_id) if issue.serial_id else None
            serials = [serial.serial_no] if serial else None
            found.append((item.part_number, item.kind, issue.qty_out, serials))
        return found

    for part, kind, qty, serials in room.read(parts_out):
        if kind == "tool":
            room.write(counter.return_with_condition, number, part, qty, "new", serial_nos=serials)
        else:
            room.write(counter.write_off, number, part, qty, serial_nos=serials)
    closed = room.write(close_work_order, number)
    assert closed.status == "closed"
    assert room.read(reconcile, number).blockers == []
    assert room.read(ledger.check) == ([], [])


def test_large_demo_is_built_only_into_a_fresh_file(plant_file: Path, tmp_path: Path) -> None:
    before = _digest(plant_file)
    with pytest.raises(AlreadyExists) as refused:
        build_large(str(plant_file), seed=7, size=SMALL)
    assert refused.value.code == "already_exists"
    assert refused.value.message == (
        f"{plant_file} already holds data; the demo plant is built only into a fresh file: "
        "delete it or pass --db NEW.db"
    )
    assert _digest(plant_file) == before


def test_large_demo_refuses_a_server_and_a_plant_smaller_than_the_catalogue(
    tmp_path: Path,
) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1/test"
    with pytest.raises(InvalidValue) as server:
        build_large(url, size=SMALL)
    assert server.value.message == (
        f"the large demo plant is built into a SQLite file, not {url}; "
        "build it into a file, then copy it to the server"
    )
    small = tmp_path / "small.db"
    with pytest.raises(InvalidValue) as tiny:
        build_large(str(small), size=PlantSize(items=100, work_orders=10, movements=1000))
    assert tiny.value.message == "a large plant needs at least 378 items, not 100"
    assert not small.exists()


def test_cli_builds_the_large_plant_with_a_progress_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_large, "LARGE", SMALL)  # the real size takes a minute
    path = tmp_path / "cli.db"
    result = CliRunner().invoke(
        app, ["--db", str(path), "--json", "demo", "--size", "large", "--no-tui"]
    )
    assert result.exit_code == 0, result.output
    assert '"movements": 15000' in result.stdout
    assert '"work_orders": 1500' in result.stdout
    assert "done" in result.stderr  # the progress bar's last state
    assert _digest(path) == _digest_of_fresh_build(tmp_path)


def _digest_of_fresh_build(tmp_path: Path) -> str:
    fresh = tmp_path / "fresh.db"
    build_large(str(fresh), seed=7, size=SMALL)
    return _digest(fresh)


def test_cli_refuses_an_unknown_size_as_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "none.db"
    result = CliRunner().invoke(app, ["--db", str(path), "demo", "--size", "huge", "--no-tui"])
    assert result.exit_code == 2
    assert "'huge' is not one of: small, large" in result.output
    assert not path.exists()


def test_issue_through_the_services_on_the_large_plant_moves_one_unit(room: Storeroom) -> None:
    def line_to_issue(session) -> tuple[str, str]:  # noqa: ANN001
        for work_order in session.execute(
            select(WorkOrder).where(WorkOrder.status == "in_progress").order_by(WorkOrder.id)
        ).scalars():
            for line in wip.position(session, work_order.id).lines:
                if line.to_issue >= MILLI and line.tracking == "none" and not line.additional:
                    return work_order.number, line.part
        raise AssertionError("no in-progress line left to issue")

    number, part = room.read(line_to_issue)
    room.sign_in("1001")
    room.write(ledger.receive, part, 5 * MILLI, "MAIN/A-01-01", unit_cost=100)
    posting = room.write(counter.issue_to_line, number, part, MILLI, bin_code="MAIN/A-01-01")
    assert [(m.kind, m.qty, m.source, m.target, m.work_order) for m in posting.movements] == [
        ("issue", MILLI, "MAIN/A-01-01", "WIP", number)
    ]
    assert room.read(ledger.check) == ([], [])
