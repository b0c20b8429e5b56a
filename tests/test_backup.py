"""Backups taken while another terminal posts, and restores that check before they replace.

The poster is a real second process (a fresh interpreter with its own engine, like a second
SSH session) posting receipts of one bearing with keys it derives from a counter, so the
restored file can be read back as "receipts 0..k-1, none missing, none twice".
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storeroom_tui import ledger, migrations
from storeroom_tui.backup import backup, restore
from storeroom_tui.cli import app
from storeroom_tui.errors import (
    BackupRefused,
    NotAStoreroomDatabase,
    SchemaTooNew,
)
from storeroom_tui.quantities import parse_qty
from storeroom_tui.service import Storeroom
from tests.conftest import Plant

RECEIPTS = uuid.UUID("b4c0b4c0-0000-4000-8000-000000000000")
POSTER = """
import sys, uuid
from pathlib import Path
from storeroom_tui import ledger
from storeroom_tui.service import Storeroom

db, stop = sys.argv[1], Path(sys.argv[2])
room = Storeroom.open(db, terminal="T9")
room.sign_in("ADMIN")
n = 0
while not stop.exists():
    key = str(uuid.uuid5(uuid.UUID(sys.argv[3]), str(n)))
    room.write(ledger.receive, "BRG-6204", 1000, "MAIN/A-01-01", key=key)
    n += 1
room.close()
print(n)
"""


def count(path: Path, query: str = "SELECT count(*) FROM movement") -> int:
    with closing(sqlite3.connect(path, timeout=15)) as connection:
        return connection.execute(query).fetchone()[0]


def poster_keys_in(path: Path, limit: int) -> set[int]:
    with closing(sqlite3.connect(path)) as connection:
        keys = {k for (k,) in connection.execute("SELECT posting_key FROM movement")}
    return {n for n in range(limit) if str(uuid.uuid5(RECEIPTS, str(n))) in keys}


def wait_for(condition, seconds: float = 30.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def site(plant: Plant) -> Path:
    return Path(plant.store.location)


def test_backup_taken_while_a_terminal_posts_restores_to_a_clean_ledger(
    site: Path, tmp_path: Path
) -> None:
    base = count(site)
    stop = tmp_path / "stop"
    poster = subprocess.Popen(
        [sys.executable, "-c", POSTER, str(site), str(stop), str(RECEIPTS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: count(site) >= base + 30 or poster.poll() is not None)
        before = count(site)
        taken = backup(f"sqlite:///{site}", tmp_path / "during.db")
        after = count(site)
        wait_for(lambda: count(site) >= after + 10 or poster.poll() is not None)
    finally:
        stop.touch()
        out, err = poster.communicate(timeout=60)
    assert poster.returncode == 0, err
    posted = int(out)
    assert count(site) == base + posted  # the poster lost nothing while the copy was taken

    restored = restore(f"sqlite:///{tmp_path / 'restored.db'}", taken.path)

    in_copy = count(tmp_path / "restored.db")
    assert before <= in_copy <= after
    assert taken.movements == restored.movements == in_copy
    # one snapshot: receipts 0..k-1 all there, nothing after a gap
    k = in_copy - base
    assert poster_keys_in(tmp_path / "restored.db", posted) == set(range(k))
    room = Storeroom.open(str(tmp_path / "restored.db"), terminal="")
    assert room.read(ledger.check) == ([], [])
    on_hand = count(
        tmp_path / "restored.db",
        "SELECT qty FROM balance b JOIN location l ON l.id = b.location_id "
        "JOIN item i ON i.id = b.item_id "
        "WHERE l.code = 'MAIN/A-01-01' AND i.part_number = 'BRG-6204'",
    )
    assert on_hand == parse_qty("10") + k * 1000
    room.close()
    assert restored.kept is None
    assert taken.revision == restored.revision == migrations.HEAD


def test_backup_is_one_file_and_names_what_it_holds(site: Path, tmp_path: Path) -> None:
    taken = backup(f"sqlite:///{site}", tmp_path / "b.db")

    assert taken.path == tmp_path / "b.db"
    assert taken.movements == count(site) == 8
    assert taken.size == (tmp_path / "b.db").stat().st_size
    assert not (tmp_path / "b.db-wal").exists() and not (tmp_path / "b.db.partial").exists()
    with closing(sqlite3.connect(tmp_path / "b.db")) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_backup_never_overwrites_a_file(site: Path, tmp_path: Path) -> None:
    (tmp_path / "b.db").write_text("my notes")

    with pytest.raises(BackupRefused) as refused:
        backup(f"sqlite:///{site}", tmp_path / "b.db")

    assert refused.value.message == (
        f"{tmp_path / 'b.db'} already exists: choose a new name (nothing was written)"
    )
    assert (tmp_path / "b.db").read_text() == "my notes"


def test_backup_and_restore_of_postgresql_point_at_its_own_tools(tmp_path: Path) -> None:
    url = "postgresql+psycopg://storeroom@db.example/site"

    with pytest.raises(BackupRefused) as backing_up:
        backup(url, tmp_path / "b.db")
    with pytest.raises(BackupRefused) as restoring:
        restore(url, tmp_path / "b.db")

    assert backing_up.value.message == (
        "storeroom backup works on a SQLite file; for PostgreSQL use pg_dump --format=custom "
        "--file FILE (the server's own tools, consistent while terminals post)"
    )
    assert "for PostgreSQL use pg_restore" in restoring.value.message
    assert not (tmp_path / "b.db").exists()


# --- restore --------------------------------------------------------------------------------


@pytest.fixture
def good_backup(plant: Plant, site: Path, tmp_path: Path) -> Path:
    taken = backup(f"sqlite:///{site}", tmp_path / "good.db")
    plant.store.write(ledger.receive, "SEAL-9", parse_qty("4"), "MAIN/A-01-02")  # after it
    plant.store.close()
    return taken.path


def test_restore_replaces_the_file_and_keeps_the_one_it_replaced(
    site: Path, good_backup: Path
) -> None:
    assert count(site) == 9 and count(good_backup) == 8

    restored = restore(f"sqlite:///{site}", good_backup)

    assert restored.kept is not None and restored.kept.name.startswith("storeroom.db.before-")
    assert count(restored.kept) == 9  # the replaced file, with the post made after the backup
    assert count(site) == restored.movements == 8
    assert not any(site.parent.glob("*.restoring-*"))
    room = Storeroom.open(str(site), terminal="")
    assert room.read(ledger.check) == ([], [])
    room.sign_in("ADMIN")
    room.write(ledger.receive, "SEAL-9", parse_qty("1"), "MAIN/A-01-02")  # posting goes on
    room.close()
    assert count(site) == 9


def test_restore_is_refused_while_another_terminal_has_the_file_open(
    site: Path, good_backup: Path
) -> None:
    other = Storeroom.open(str(site), terminal="T2")
    other.sign_in("C1")  # its connection stays open, as in a running terminal
    try:
        with pytest.raises(BackupRefused) as refused:
            restore(f"sqlite:///{site}", good_backup)
    finally:
        other.close()

    assert refused.value.message == (
        f"{site} is open in another terminal or screen: close every storeroom using it, "
        "then restore again; nothing was replaced"
    )
    assert count(site) == 9
    assert sorted(p.name for p in site.parent.glob("storeroom.db*") if "-" not in p.name[12:]) == [
        "storeroom.db"
    ]
    assert not any(site.parent.glob("*.before-restore-*"))
    assert not any(site.parent.glob("*.restoring-*"))


def test_terminal_that_opened_the_file_during_the_restore_reads_the_restored_file(
    site: Path, good_backup: Path
) -> None:
    late = sqlite3.connect(site)  # the file is open, not yet read: no lock held

    restore(f"sqlite:///{site}", good_backup)

    assert late.execute("SELECT count(*) FROM movement").fetchone() == (8,)
    late.close()
    assert count(site) == 8


def test_restore_refuses_a_backup_that_does_not_pass_check(
    site: Path, good_backup: Path, tmp_path: Path
) -> None:
    tampered = tmp_path / "tampered.db"
    shutil.copyfile(good_backup, tampered)
    with closing(sqlite3.connect(tampered)) as connection, connection:
        connection.execute("UPDATE balance SET qty = qty + 1000 WHERE qty > 0 AND lot_id = 0")

    with pytest.raises(BackupRefused) as refused:
        restore(f"sqlite:///{site}", tampered)

    assert refused.value.message.startswith(f"{tampered} does not pass check (")
    assert refused.value.message.endswith("nothing was replaced. Choose another backup")
    assert count(site) == 9
    assert not any(site.parent.glob("*.before-restore-*"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (os.urandom(8192), "{f} is not a storeroom database (not a SQLite file at all); "),
        (b"", "{f} is not a storeroom database; nothing was replaced"),
    ],
    ids=["random-bytes", "empty"],
)
def test_restore_refuses_a_file_that_is_not_a_storeroom_database(
    site: Path, good_backup: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    wrong = tmp_path / "wrong.db"
    wrong.write_bytes(content)

    with pytest.raises(NotAStoreroomDatabase) as refused:
        restore(f"sqlite:///{site}", wrong)

    assert refused.value.message.startswith(message.format(f=wrong))
    assert refused.value.code == "not_a_storeroom_database"
    assert wrong.read_bytes() == content
    assert count(site) == 9
    assert not any(site.parent.glob("*.before-restore-*"))


def test_restore_refuses_a_backup_of_a_newer_storeroom(
    site: Path, good_backup: Path, tmp_path: Path
) -> None:
    with closing(sqlite3.connect(good_backup)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = '0042'")

    with pytest.raises(SchemaTooNew) as refused:
        restore(f"sqlite:///{site}", good_backup)

    assert refused.value.message == (
        f"{good_backup} was made by a newer storeroom (schema revision 0042; this program "
        f"knows up to {migrations.HEAD}); upgrade the program"
    )
    assert count(site) == 9


def test_restore_of_a_first_release_backup_upgrades_it(site: Path, good_backup: Path) -> None:
    v1 = Path(__file__).parent / "data" / "storeroom-v1.db"

    restored = restore(f"sqlite:///{site}", v1)

    upgrade = (restored.upgraded_from, restored.revision, restored.movements)
    assert upgrade == ("0001", migrations.HEAD, 19)
    assert count(site) == 19
    assert count(site, "SELECT version_num FROM alembic_version") == migrations.HEAD
    assert v1.read_bytes()[:16] == b"SQLite format 3\x00"
    assert count(v1) == 19 and "alembic_version" not in {
        n for (n,) in sqlite3.connect(v1).execute("SELECT name FROM sqlite_master")
    }


def test_restore_over_a_damaged_file_keeps_it_as_it_was(site: Path, good_backup: Path) -> None:
    damaged = os.urandom(4096) * 3
    site.write_bytes(damaged)
    for suffix in ("-wal", "-shm"):
        Path(f"{site}{suffix}").unlink(missing_ok=True)

    restored = restore(f"sqlite:///{site}", good_backup)

    assert restored.kept is not None and restored.kept.read_bytes() == damaged
    assert count(site) == 8


# --- the commands -------------------------------------------------------------------------------


def test_backup_and_restore_commands(site: Path, good_backup: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    took = runner.invoke(app, ["--db", str(site), "--json", "backup", str(tmp_path / "c.db")])
    assert took.exit_code == 0, took.stderr
    assert '"movements": 9' in took.stdout and f'"revision": "{migrations.HEAD}"' in took.stdout

    asked = runner.invoke(app, ["--db", str(site), "restore", str(good_backup)], input="n\n")
    assert asked.exit_code == 1 and count(site) == 9  # "n": nothing replaced

    put = runner.invoke(app, ["--db", str(site), "restore", str(good_backup), "--yes"])
    assert put.exit_code == 0, put.stderr
    said = " ".join(put.stdout.split())
    assert said.startswith(f"restored {site} from {good_backup}: 8 movements, check clean; ")
    assert "the replaced file is kept in" in said
    assert count(site) == 8

    again = runner.invoke(app, ["--db", str(site), "backup", str(tmp_path / "c.db")])
    assert again.exit_code == 1
    assert " ".join(again.stderr.split()) == (
        f"refused: {tmp_path / 'c.db'} already exists: choose a new name (nothing was written)"
    )
