"""Faults of the file itself: each one a clear refusal that names the file, and nothing lost
that was posted before it.

- read-only: the tests run as root, who may write any file whatever its mode, so a
  read-only file is opened as SQLite's URI `file:...?mode=ro` (what SQLite does by itself
  when the account may not write the file); where the file system allows it, an immutable
  file (`chattr +i`) is tried too;
- full disk: `PRAGMA max_page_count` on every connection of the engine, so that a post
  needing one more page fails with SQLITE_FULL;
- not a storeroom database: random bytes, an empty file, another program's SQLite file;
- a corrupted page: bytes overwritten in the middle of a copy of a storeroom file.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import uuid
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import event
from typer.testing import CliRunner

from storeroom_tui import ledger, stock
from storeroom_tui.backup import backup, restore
from storeroom_tui.cli import app
from storeroom_tui.db import Database
from storeroom_tui.errors import (
    DatabaseCorrupt,
    DatabaseError,
    DatabaseFull,
    DatabaseReadOnly,
    NotAStoreroomDatabase,
)
from storeroom_tui.quantities import parse_qty
from storeroom_tui.service import Storeroom
from tests.conftest import Plant

PLANT_MOVEMENTS = 8  # the receipts of the `plant` fixture


def count(path: Path) -> int:
    with closing(sqlite3.connect(path, timeout=15)) as connection:
        return connection.execute("SELECT count(*) FROM movement").fetchone()[0]


def bearings_in_a_01_01(room: Storeroom) -> int:
    position = room.read(stock.stock_position, "BRG-6204")
    return sum(b.qty for b in position.balances if b.location == "MAIN/A-01-01")


def assert_intact(path: Path, movements: int) -> None:
    """The file still holds every movement posted before, and `check` is clean."""
    room = Storeroom.open(str(path), terminal="")
    try:
        assert room.read(ledger.check) == ([], [])
    finally:
        room.close()
    assert count(path) == movements


@pytest.fixture
def site(plant: Plant) -> Path:
    path = Path(plant.store.location)
    plant.store.close()  # the last connection folds the -wal into the file
    return path


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, " ".join(result.stderr.split())


# --- a read-only file ----------------------------------------------------------------------------


def test_read_only_file_reads_but_refuses_a_post(site: Path) -> None:
    room = Storeroom(Database(f"sqlite:///file:{site}?mode=ro&uri=true"), terminal="")
    room.sign_in("C1")
    on_hand = bearings_in_a_01_01(room)
    key = str(uuid.uuid4())

    with pytest.raises(DatabaseReadOnly) as refused:
        room.write(ledger.receive, "BRG-6204", parse_qty("1"), "MAIN/A-01-01", key=key)

    assert refused.value.code == "database_read_only"
    assert refused.value.message == (
        f"{site} is read-only (the file or its folder cannot be written): nothing was posted. "
        "Give this account write access to the file and its folder"
    )
    assert on_hand == parse_qty("10")
    room.close()
    assert_intact(site, PLANT_MOVEMENTS)


def test_read_only_file_through_the_cli(site: Path) -> None:
    url = f"sqlite:///file:{site}?mode=ro&uri=true"

    code, said = cli("--db", url, "--user", "C1", "receive", "BRG-6204", "1", "--bin", "A-01-01")
    check_code, _ = cli("--db", url, "check")

    assert (code, said) == (
        1,
        f"refused: {site} is read-only (the file or its folder cannot be written): nothing was "
        "posted. Give this account write access to the file and its folder",
    )
    assert check_code == 0
    assert_intact(site, PLANT_MOVEMENTS)


def test_immutable_file_refuses_a_post(site: Path) -> None:
    made = subprocess.run(["chattr", "+i", str(site)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"chattr +i is not supported here: {made.stderr.decode().strip()}")
    try:
        room = Storeroom.open(str(site), terminal="")
        room.sign_in("C1")
        with pytest.raises(DatabaseReadOnly) as refused:
            room.write(ledger.receive, "BRG-6204", parse_qty("1"), "MAIN/A-01-01")
        room.close()
    finally:
        subprocess.run(["chattr", "-i", str(site)], check=True)
    assert refused.value.message.startswith(f"{site} is read-only")
    assert_intact(site, PLANT_MOVEMENTS)


# --- a full disk ---------------------------------------------------------------------------------


def test_full_disk_refuses_the_post_and_keeps_every_earlier_one(site: Path) -> None:
    with closing(sqlite3.connect(site)) as connection:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
    room = Storeroom.open(str(site), terminal="")

    @event.listens_for(room.db.engine, "connect")
    def _no_more_pages(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    room.db.engine.dispose()
    room.sign_in("C1")
    keys = [str(uuid.uuid5(uuid.NAMESPACE_URL, f"full-{n}")) for n in range(2000)]
    posted = 0
    with pytest.raises(DatabaseFull) as refused:  # noqa: PT012 - post until the disk is full
        for key in keys:
            room.write(ledger.receive, "BRG-6204", parse_qty("1"), "MAIN/A-01-01", key=key)
            posted += 1
    room.close()

    assert refused.value.code == "database_full"
    assert refused.value.message == (
        f"the disk holding {site} is full: this post was not saved, everything posted before "
        "is safe. Free some disk space, then post again"
    )
    assert 0 < posted < len(keys)
    assert_intact(site, PLANT_MOVEMENTS + posted)
    # space again: the post that failed goes through once, and only once
    again = Storeroom.open(str(site), terminal="")
    again.sign_in("C1")
    assert bearings_in_a_01_01(again) == parse_qty("10") + posted * 1000
    failed_key = keys[posted]
    first = again.write(ledger.receive, "BRG-6204", parse_qty("1"), "MAIN/A-01-01", key=failed_key)
    second = again.write(ledger.receive, "BRG-6204", parse_qty("1"), "MAIN/A-01-01", key=failed_key)
    assert (first.replayed, second.replayed) == (False, True)
    assert bearings_in_a_01_01(again) == parse_qty("10") + (posted + 1) * 1000
    again.close()


# --- files that are not a storeroom database -----------------------------------------------------


def test_random_bytes_are_not_a_storeroom_database_and_are_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "photo.db"
    content = os.urandom(16384)
    path.write_bytes(content)
    room = Storeroom.open(str(path), terminal="")

    with pytest.raises(NotAStoreroomDatabase) as on_open:
        room.sign_in("ADMIN")
    with pytest.raises(NotAStoreroomDatabase) as on_init:
        room.init()
    room.close()
    code, said = cli("--db", str(path), "check")

    message = (
        f"{path} is not a storeroom database (not a SQLite file at all); check --db or STOREROOM_DB"
    )
    assert on_open.value.message == on_init.value.message == message
    assert on_open.value.code == "not_a_storeroom_database"
    assert (code, said) == (1, f"refused: {message}")
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["photo.db"]


def test_empty_file_is_a_storeroom_not_made_yet(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    room = Storeroom.open(str(path), terminal="")

    with pytest.raises(DatabaseError) as refused:
        room.require_initialised()
    assert refused.value.code == "database_error"
    assert refused.value.message == f"{path} is not a storeroom database yet; run: storeroom init"

    assert room.init() is True
    room.sign_in("ADMIN")
    assert room.read(ledger.check) == ([], [])
    room.close()


def test_another_programs_database_is_refused_by_every_command(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("CREATE TABLE invoice (id INTEGER PRIMARY KEY, total INTEGER)")
        connection.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT)")

    code, said = cli("--db", str(path), "--user", "ADMIN", "stock", "BRG-6204")
    init_code, init_said = cli("--db", str(path), "init")

    message = (
        f"refused: {path} is not a storeroom database (it holds other tables: customer, "
        "invoice); check --db or STOREROOM_DB"
    )
    assert (code, said) == (init_code, init_said) == (1, message)
    with closing(sqlite3.connect(path)) as connection:
        tables = [n for (n,) in connection.execute("SELECT name FROM sqlite_master ORDER BY 1")]
    assert tables == ["customer", "invoice"]


# --- a corrupted page ----------------------------------------------------------------------------


def corrupt_the_movement_table(path: Path) -> None:
    """Overwrite the first 512 bytes of the movement table's page, in the middle of the file."""
    with closing(sqlite3.connect(path)) as connection:
        (page,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'movement'"
        ).fetchone()
        (size,) = connection.execute("PRAGMA page_size").fetchone()
        (pages,) = connection.execute("PRAGMA page_count").fetchone()
    assert 1 < page < pages
    with path.open("r+b") as file:
        file.seek((page - 1) * size)
        file.write(b"\xa5" * 512)


def test_corrupted_page_is_reported_and_the_last_backup_brings_everything_back(
    site: Path, tmp_path: Path
) -> None:
    taken = backup(f"sqlite:///{site}", tmp_path / "last-night.db")
    damaged = tmp_path / "damaged.db"
    shutil.copyfile(site, damaged)
    corrupt_the_movement_table(damaged)
    room = Storeroom.open(str(damaged), terminal="")
    room.sign_in("C1")  # users and settings are on pages still whole

    with pytest.raises(DatabaseCorrupt) as posting:
        room.write(ledger.receive, "BRG-6204", parse_qty("1"), "MAIN/A-01-01")
    with pytest.raises(DatabaseCorrupt) as checking:
        room.read(ledger.check)
    room.close()
    check_code, check_said = cli("--db", str(damaged), "check")
    with pytest.raises(DatabaseCorrupt) as backing_up:
        backup(f"sqlite:///{damaged}", tmp_path / "of-damaged.db")

    message = (
        f"{damaged} is damaged (SQLite: database disk image is malformed). Stop posting; "
        "restore the last backup with: storeroom restore BACKUP"
    )
    assert posting.value.code == "database_corrupt"
    assert posting.value.message == checking.value.message == message
    assert (check_code, check_said) == (1, f"refused: {message}")
    assert backing_up.value.message.startswith(f"{damaged} is damaged (")
    assert not (tmp_path / "of-damaged.db").exists()
    assert_intact(site, PLANT_MOVEMENTS)  # the file it was copied from is untouched

    restored = restore(f"sqlite:///{damaged}", taken.path)

    assert restored.kept is not None
    assert restored.kept.read_bytes()[:16] == b"SQLite format 3\x00"
    assert restored.movements == PLANT_MOVEMENTS
    assert_intact(damaged, PLANT_MOVEMENTS)


def test_restore_refuses_a_damaged_backup(site: Path, tmp_path: Path) -> None:
    taken = backup(f"sqlite:///{site}", tmp_path / "b.db")
    corrupt_the_movement_table(taken.path)

    with pytest.raises(DatabaseCorrupt) as refused:
        restore(f"sqlite:///{site}", taken.path)

    assert refused.value.message == (
        f"{taken.path} is damaged (SQLite: database disk image is malformed): nothing was "
        "replaced; choose another backup"
    )
    assert_intact(site, PLANT_MOVEMENTS)
    assert not any(site.parent.glob("*.before-restore-*"))
