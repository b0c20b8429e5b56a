"""`storeroom copy --to URL`: a plant moves from a SQLite file to PostgreSQL and back, whole.

The known plant, with work orders issued, returned, written off, closed and a reversal,
is copied into a fresh PostgreSQL schema and from there into a new SQLite file; all three
must hold the same rows with the same ids and check clean. A copy that cannot be made
leaves its target as it found it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, inspect, select, text
from sqlmodel import SQLModel

from storeroom_tui import catalog, counter, ledger, reconciliation, workorders
from storeroom_tui.copying import CopyRefused, SourceNotClean, TargetNotEmpty, copy_plant
from storeroom_tui.quantities import parse_qty
from storeroom_tui.service import Storeroom
from tests.conftest import PG_ADMIN_URL, schema_url

STOREROOM = Path(sys.executable).parent / "storeroom"


def busy_plant(plant: Any) -> dict[str, str]:
    """Two WOs (one closed, one with parts still out and one in quarantine) and a reversal."""
    store = plant.store
    closed = plant.wo_in_progress(
        {"BRG-6204": "3", "FLT-1": "2", "UPS-BAT": "1", "TRQ-WR": "1"}, "Overhaul pump"
    )
    store.write(counter.issue_to_line, closed, "BRG-6204", parse_qty("3"), "A-01-01")
    store.write(counter.issue_to_line, closed, "FLT-1", parse_qty("2"), lot_no="L1")
    store.write(counter.issue_to_line, closed, "UPS-BAT", parse_qty("1"), serial_nos=["SN1"])
    store.write(counter.issue_to_line, closed, "TRQ-WR", parse_qty("1"))
    store.write(counter.return_with_condition, closed, "BRG-6204", parse_qty("1"), "new")
    store.write(counter.return_with_condition, closed, "TRQ-WR", parse_qty("1"), "new")
    store.write(counter.write_off, closed, "BRG-6204", parse_qty("2"))
    store.write(counter.write_off, closed, "FLT-1", parse_qty("2"), lot_no="L1")
    store.write(counter.write_off, closed, "UPS-BAT", parse_qty("1"), serial_nos=["SN1"])
    store.write(reconciliation.complete_work_order, closed)
    store.write(reconciliation.close_work_order, closed)
    still_open = plant.wo_in_progress({"SEAL-9": "2"}, "Replace seal")
    store.write(counter.issue_to_line, still_open, "SEAL-9", parse_qty("2"))
    store.write(counter.return_with_condition, still_open, "SEAL-9", parse_qty("1"), "inspect")
    mistaken = ledger.new_key()
    store.write(ledger.receive, "SEAL-9", parse_qty("4"), "A-01-01", key=mistaken)
    store.write(ledger.reverse, mistaken, "received into the wrong bin")
    return {"closed": closed, "open": still_open}


def contents(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, by primary key; times as UTC wall clock (as SQLite has them)."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: [
                    tuple(plain(v) for v in row)
                    for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for table in SQLModel.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def opened(url: str, badge: str = "ADMIN") -> Storeroom:
    room = Storeroom.open(url, terminal="")
    room.sign_in(badge)
    return room


def tables_in(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        return sorted(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_a_plant_copied_to_postgresql_and_back_keeps_every_row_and_checks_clean(
    plant, db_path, pg_url, tmp_path
):
    numbers = busy_plant(plant)
    before = plant.store.read(ledger.check)
    assert before == ([], [])
    back = tmp_path / "back" / "storeroom.db"

    there = copy_plant(str(db_path), pg_url)
    home = copy_plant(pg_url, str(back))

    source = contents(f"sqlite:///{db_path}")
    assert contents(pg_url) == source
    assert contents(f"sqlite:///{back}") == source
    assert len(source["movement"]) == 8 + 13  # the plant's receipts, then busy_plant's posts
    assert there.movements == home.movements == 21
    assert there.balances == home.balances == len(source["balance"])
    assert there.rows == home.rows == {name: len(rows) for name, rows in source.items()}
    assert there.target == pg_url
    assert home.source == pg_url and home.target == str(back)
    for url in (pg_url, f"sqlite:///{back}"):
        room = opened(url)
        try:
            assert room.read(ledger.check) == ([], [])
            stock = room.read(catalog.find_item, "SEAL-9")
            assert stock.avg_cost == 150
            closed = room.read(reconciliation.reconcile, numbers["closed"])
            assert closed.status == "closed"
            assert [line.in_wip for line in closed.lines] == [0, 0, 0, 0]
            still_open = room.read(reconciliation.reconcile, numbers["open"])
            assert [line.in_wip for line in still_open.lines] == [parse_qty("1")]
        finally:
            room.close()


def test_a_copy_on_postgresql_goes_on_numbering_after_the_copied_rows(plant, db_path, pg_url):
    busy_plant(plant)
    last_id = plant.store.read(
        lambda session: session.execute(text("SELECT max(id) FROM movement")).scalar_one()
    )
    copy_plant(str(db_path), pg_url)
    room = opened(pg_url)
    try:
        posting = room.write(ledger.receive, "SEAL-9", parse_qty("1"), "A-01-02")
        number = room.write(
            lambda session, actor: (
                workorders.create_work_order(session, actor, "PUMP-07", "After the move").number
            )
        )
        bin_id = room.write(catalog.add_bin, "A-09-09", "MAIN").id
        assert room.read(ledger.check) == ([], [])
    finally:
        room.close()
    assert posting.movements[0].id == last_id + 1
    assert number == "WO-000003"
    assert bin_id == max(row[0] for row in contents(f"sqlite:///{db_path}")["location"]) + 1


def test_storeroom_copy_moves_the_plant_and_a_second_copy_onto_it_is_refused(
    plant, db_path, pg_url
):
    busy_plant(plant)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOREROOM_")}
    env.update({"NO_COLOR": "1", "TERM": "dumb"})
    command = [str(STOREROOM), "--db", str(db_path), "copy", "--to", pg_url, "--json"]

    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout)
    assert said["source"] == str(db_path)
    assert said["target"] == pg_url
    assert said["movements"] == 21
    assert said["rows"]["movement"] == 21
    assert said["check"] == {"source": "clean", "target": "clean"}

    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 1
    error = json.loads(again.stdout)["error"]
    assert error["code"] == "target_not_empty"
    assert error["message"].startswith(f"target {pg_url} is not empty (it has tables: ")
    assert contents(pg_url) == contents(f"sqlite:///{db_path}")


# --- refusals: the target is left as it was -------------------------------------------------------


def test_copy_into_a_schema_that_holds_tables_is_refused_naming_it(plant, db_path, pg_url):
    engine = create_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (id integer)"))
    engine.dispose()
    with pytest.raises(TargetNotEmpty) as caught:
        copy_plant(str(db_path), pg_url)
    assert caught.value.code == "target_not_empty"
    assert caught.value.message == (
        f"target {pg_url} is not empty (it has tables: notes); "
        "copy into an empty database or schema only"
    )
    assert tables_in(pg_url) == ["notes"]


def test_a_copy_that_fails_half_way_leaves_the_schema_empty(plant, db_path, pg_url):
    busy_plant(plant)
    # SQLite keeps a text longer than its column allows; PostgreSQL refuses it, and the
    # movements are the last table copied
    with closing(sqlite3.connect(db_path)) as connection, connection:
        connection.execute(
            "UPDATE movement SET terminal = 'TERMINAL-WITH-A-LONG-NAME' WHERE id = 7"
        )
    with pytest.raises(CopyRefused) as caught:
        copy_plant(str(db_path), pg_url)
    assert caught.value.code == "copy_refused"
    assert caught.value.message.startswith(f"copying into {pg_url} failed, nothing was kept: ")
    assert "value too long" in caught.value.message
    assert tables_in(pg_url) == []


def test_a_source_that_does_not_check_clean_is_not_copied_and_no_file_is_made(
    plant, db_path, tmp_path
):
    with closing(sqlite3.connect(db_path)) as connection, connection:
        connection.execute("UPDATE balance SET qty = qty + 1000 WHERE qty = 6000")
    target = tmp_path / "copy.db"
    with pytest.raises(SourceNotClean) as caught:
        copy_plant(str(db_path), str(target))
    assert caught.value.code == "source_not_clean"
    assert caught.value.message.startswith(f"{db_path} does not check clean (item ")
    assert "movements say 6000, balance says 7000" in caught.value.message
    assert not target.exists()
    assert not Path(f"{target}-wal").exists()


def test_copy_onto_a_file_that_exists_is_refused_and_the_file_is_untouched(
    plant, db_path, tmp_path
):
    target = tmp_path / "other.db"
    target.write_bytes(b"somebody's notes")
    with pytest.raises(TargetNotEmpty) as caught:
        copy_plant(str(db_path), str(target))
    assert caught.value.message == f"target {target} already exists; copy into a new file only"
    assert target.read_bytes() == b"somebody's notes"


def test_copy_into_a_schema_that_does_not_exist_is_refused_naming_it(
    plant, db_path, pg_admin: Engine
):
    schema = f"sr_missing_{uuid.uuid4().hex[:8]}"
    url = schema_url(schema, PG_ADMIN_URL)
    with pytest.raises(CopyRefused) as caught:
        copy_plant(str(db_path), url)
    assert caught.value.message == (
        f"schema {schema} of {url} does not exist; create it first "
        f"(CREATE SCHEMA {schema}) or name an existing empty one"
    )
    with pg_admin.connect() as connection:
        found = connection.execute(
            text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"), {"s": schema}
        ).scalar()
    assert found == 0


def test_copy_onto_itself_is_refused(plant, db_path):
    with pytest.raises(CopyRefused) as caught:
        copy_plant(str(db_path), str(db_path))
    assert caught.value.message == (
        f"source and target are the same database ({db_path}); copy to another file or schema"
    )
    assert plant.store.read(ledger.check) == ([], [])
