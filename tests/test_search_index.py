"""Revision 0005 on SQLite: the work orders' trigram text index and the stock look-up's
covering index. The index answers the queue's filter exactly as `LIKE '%text%'` would,
stays in step with every insert, rename and delete, and is filled when an older file is
upgraded."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from models.search import STATEMENTS, WORK_ORDER_SEARCH
from storeroom_tui import migrations, queue, workorders
from storeroom_tui.queue import ALL_STATUSES, QueueFilter, work_order_queue
from storeroom_tui.service import Storeroom

V1_FILE = Path(__file__).parent / "data" / "storeroom-v1.db"
TITLES = (
    "Replace pump bearing",
    "Pump seal leaking",
    "Inspect fan belt",
    "Lubricate 100% of fans",
    "Bearing_check on PUMP",
    'Quote "urgent" valve',
    "Kühlwasserpumpe prüfen",
)


def found(store: Storeroom, text: str) -> list[str]:
    page = store.read(
        work_order_queue, QueueFilter(text=text, statuses=ALL_STATUSES, sort="number")
    )
    return [row.number for row in page.rows]


def by_like(path: Path, text: str) -> list[str]:
    """The reference: SQLite's own LIKE over every number and title (and asset tag)."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT number FROM work_order JOIN asset ON asset.id = work_order.asset_id "
            "WHERE number LIKE ?1 ESCAPE '\\' OR title LIKE ?1 ESCAPE '\\' "
            "OR asset.tag LIKE ?1 ESCAPE '\\' ORDER BY number",
            (f"%{escaped}%",),
        ).fetchall()
    return [number for (number,) in rows]


def integrity(path: Path) -> None:
    """FTS5's own check that the index holds exactly what work_order holds (raises if not)."""
    with sqlite3.connect(path) as db:
        db.execute(
            f"INSERT INTO {WORK_ORDER_SEARCH} ({WORK_ORDER_SEARCH}, rank) "
            "VALUES ('integrity-check', 1)"
        )


@pytest.fixture
def shop(plant) -> Storeroom:  # noqa: ANN001
    def make(session, actor):  # noqa: ANN001, ANN202
        for title in TITLES:
            workorders.create_work_order(session, actor, "PUMP-07", title)

    plant.store.write(make)
    return plant.store


def db_file(store: Storeroom) -> Path:
    return Path(store.db.location)


@pytest.mark.parametrize(
    "text",
    ["pump", "PUMP", "bearing", "g_c", "100%", "% o", '"urgent"', "ühl", "wo-000", "0003"]
    + ["nothing like this", "fa", "p"],
)
def test_the_filter_finds_what_like_finds(shop: Storeroom, text: str) -> None:
    # three characters and more through the index, fewer through LIKE: the same answer
    assert found(shop, text) == by_like(db_file(shop), text)


@pytest.mark.parametrize(
    "text",
    ["p", "P", "pu", "g_", "%", "% ", '"', "07", "7", "g", "ng", "ue", "zz", 't"', "k"],
)
def test_a_short_text_found_from_the_index_terms_is_what_like_finds(
    shop: Storeroom, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    """One or two characters through the vocabulary of the index (as in a large view where
    the text is rare), with those that end a number or a title ('7', 'ng', 'g'): the same
    answer as LIKE."""
    used: list[str | None] = []
    index_query = queue._index_query

    def spy(*args):  # noqa: ANN002, ANN202
        used.append(index_query(*args))
        return used[-1]

    monkeypatch.setattr(queue, "_SCAN_MAX", 0)
    monkeypatch.setattr(queue, "_SAMPLE_COMMON", 1_000)
    monkeypatch.setattr(queue, "_index_query", spy)
    assert found(shop, text) == by_like(db_file(shop), text)
    assert used and used[-1] is not None  # the index answered, not LIKE


def test_the_index_ignores_case_beyond_ascii_too(shop: Storeroom) -> None:
    assert by_like(db_file(shop), "PRÜ") == []  # SQLite's LIKE folds ASCII letters only
    assert found(shop, "PRÜ") == found(shop, "prü") == ["WO-000007"]


def test_the_index_follows_inserts_renames_and_deletes(shop: Storeroom) -> None:
    path = db_file(shop)
    integrity(path)
    assert found(shop, "gearbox") == []
    with sqlite3.connect(path) as db:  # any writer, not only the services
        db.execute("UPDATE work_order SET title = 'Mixer gearbox noise' WHERE number = 'WO-000003'")
    assert found(shop, "gearbox") == ["WO-000003"]
    assert found(shop, "fan belt") == []  # the old title is gone from the index
    integrity(path)

    def make(session, actor):  # noqa: ANN001, ANN202
        return workorders.create_work_order(session, actor, "PUMP-07", "Gearbox oil change").number

    new = shop.write(make)
    assert found(shop, "gearbox") == ["WO-000003", new]
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(
            "DELETE FROM work_order_event WHERE wo_id = (SELECT id FROM work_order "
            "WHERE number = ?)",
            (new,),
        )
        db.execute("DELETE FROM work_order WHERE number = ?", (new,))
    assert found(shop, "gearbox") == ["WO-000003"]
    integrity(path)


def test_an_upgraded_first_release_file_is_indexed(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copyfile(V1_FILE, path)
    room = Storeroom.open(str(path), terminal="")
    room.sign_in("ADMIN")  # opening upgrades it (0001 -> HEAD)
    assert migrations.current_revision(room.db) == migrations.HEAD
    assert found(room, "bearings") == ["WO-000001"]
    assert found(room, "ALIGN") == ["WO-000003"]
    room.close()
    integrity(path)


def test_the_revision_makes_the_same_search_objects_as_the_models(tmp_path: Path) -> None:
    room = Storeroom.open(str(tmp_path / "new.db"), terminal="")
    room.init()
    room.close()
    with sqlite3.connect(tmp_path / "new.db") as db:
        made = {
            sql
            for (sql,) in db.execute(
                "SELECT sql FROM sqlite_master WHERE name LIKE 'work_order_search%' "
                "AND sql IS NOT NULL AND name NOT LIKE '%\\_data' ESCAPE '\\' "
                "AND name NOT LIKE '%\\_idx' ESCAPE '\\' AND name NOT LIKE '%\\_docsize' "
                "ESCAPE '\\' AND name NOT LIKE '%\\_config' ESCAPE '\\'"
            )
        }
    assert made == set(STATEMENTS)


def test_the_stock_look_up_reads_the_wip_movements_from_the_covering_index(
    shop: Storeroom,
) -> None:
    with sqlite3.connect(db_file(shop)) as db:
        plan = " ".join(
            row[-1]
            for row in db.execute(
                "EXPLAIN QUERY PLAN SELECT wo_id, sum(qty) FROM movement WHERE item_id = 1 "
                "AND (to_location_id = 2 OR from_location_id = 2) GROUP BY wo_id"
            )
        )
    assert "COVERING INDEX ix_movement_item_places" in plan


def test_the_bulk_built_large_plant_has_its_text_index_whole(tmp_path: Path) -> None:
    """`demo --size large` fills the index in one pass after its bulk inserts (a smaller
    plant of the same build here) and leaves the triggers in place for what follows."""
    from storeroom_tui.demo_large import PlantSize, build_large

    path = tmp_path / "large.db"
    build_large(
        str(path), seed=7, size=PlantSize(items=400, work_orders=400, movements=4_000, days=60)
    )
    integrity(path)
    room = Storeroom.open(str(path), terminal="")
    room.sign_in("ADMIN")
    titles = [
        row.title for row in room.read(work_order_queue, QueueFilter(statuses=ALL_STATUSES)).rows
    ]
    word = max(titles[0].split(), key=len)
    assert found(room, word) == by_like(path, word) != []
    # a text more than a thousand work orders hold: paged through LIKE, counted from the
    # index (with the WOs of matching assets added), the same count either way
    for common in ("WO-0", "WO-", "AGI", word):
        page = room.read(work_order_queue, QueueFilter(text=common, statuses=ALL_STATUSES))
        assert page.total == len(by_like(path, common)), common

    def make(session, actor):  # noqa: ANN001, ANN202
        return workorders.create_work_order(session, actor, "AGIT-01", "Zyxwv test").number

    number = room.write(make)
    assert found(room, "zyxwv") == [number]
    room.close()
