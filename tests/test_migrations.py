"""Upgrades: `init` makes the newest schema through Alembic, an older file is copied aside and
upgraded on first open, and a file made by the first release keeps every movement.

`tests/data/storeroom-v1.db` was made by the code of the first commit (94b68d2) through its
own `storeroom` CLI: 5 items, 2 bins, 19 movements (receipts, issues, returns to a bin and to
quarantine, write-offs, a reversal), WO-000001 closed, WO-000002 in progress with parts in
WIP, WO-000003 requested. It was then VACUUMed to 1 KiB pages in rollback-journal mode (the
schema untouched) to stay small. The constants below were read from it with plain sqlite3.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from models.search import include_name
from storeroom_tui import ledger, migrations, stock
from storeroom_tui.db import Database
from storeroom_tui.errors import (
    DatabaseReadOnly,
    NotAStoreroomDatabase,
    SchemaTooNew,
    UpgradeFailed,
)
from storeroom_tui.quantities import parse_qty
from storeroom_tui.service import Storeroom

V1_FILE = Path(__file__).parent / "data" / "storeroom-v1.db"
V1_MOVEMENTS = 19
V1_QTY_SUM = 58_500
V1_PER_ITEM = {  # part: (movements, sum of qty in thousandths)
    "BRG-6204": (5, 28_000),
    "FLT-1": (4, 11_000),
    "SEAL-9": (5, 13_500),
    "TRQ-WR": (2, 3_000),
    "UPS-BAT": (3, 3_000),
}
V1_WORK_ORDERS = [("WO-000001", "closed"), ("WO-000002", "in_progress"), ("WO-000003", "requested")]


def sql(path: Path, query: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(query).fetchall()


def per_item(path: Path) -> dict[str, tuple[int, int]]:
    rows = sql(
        path,
        "SELECT i.part_number, count(*), sum(m.qty) FROM movement m "
        "JOIN item i ON i.id = m.item_id GROUP BY i.part_number",
    )
    return {part: (count, total) for part, count, total in rows}


def schema(path: Path) -> dict[tuple[str, str], str]:
    """Every table and index as SQLite stores its CREATE statement (Alembic's own left out)."""
    rows = sql(path, "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE '%alembic%'")
    return {(kind, name): text for kind, name, text in rows}


def copies(folder: Path, label: str) -> list[Path]:
    return sorted(folder.glob(f"*.{label}-*"))


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    target = tmp_path / "site.db"
    shutil.copyfile(V1_FILE, target)
    return target


def opened(path: Path) -> tuple[Storeroom, list[str]]:
    """A storeroom on `path` whose notices are collected instead of printed."""
    room = Storeroom.open(str(path), terminal="")
    said: list[str] = []
    room.notify = said.append
    return room, said


# --- the revisions themselves ---------------------------------------------------------------


def test_head_known_to_the_program_is_alembics_head() -> None:
    assert migrations.head_revision() == migrations.HEAD
    assert migrations.REVISIONS[-1] == migrations.HEAD


def test_first_revision_makes_exactly_the_schema_of_the_first_release(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'r1.db'}")
    with db.connection(write=True) as connection:
        command.upgrade(migrations.alembic_config(connection), "0001")
    db.dispose()

    made, first = schema(tmp_path / "r1.db"), schema(V1_FILE)
    assert len(first) == 53
    assert made == first


def test_init_makes_the_schema_the_models_describe(tmp_path: Path) -> None:
    room = Storeroom.open(str(tmp_path / "new.db"), terminal="")
    assert room.init() is True
    reference = Database(f"sqlite:///{tmp_path / 'models.db'}")
    reference.create_schema()  # SQLModel's create_all of today's models
    reference.dispose()

    assert migrations.current_revision(room.db) == migrations.HEAD
    assert schema(tmp_path / "new.db") == schema(tmp_path / "models.db")
    with room.db.connection() as connection:
        # the FTS5 work-order index is not a model (models/search.py says why)
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        assert compare_metadata(context, SQLModel.metadata) == []
    assert sql(tmp_path / "new.db", "SELECT value FROM setting WHERE key = 'schema_version'") == [
        ("1",)
    ]
    room.close()
    assert copies(tmp_path, "bak") == []


def test_second_revision_adds_the_queue_indexes(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'r2.db'}")
    with db.connection(write=True) as connection:
        command.upgrade(migrations.alembic_config(connection), "0002")
    db.dispose()
    added = set(schema(tmp_path / "r2.db")) - set(schema(V1_FILE))
    assert added == {("index", "ix_wo_queue"), ("index", "ix_wo_priority_number")}


# --- a file made by the first release ----------------------------------------------------------


def test_first_release_file_is_copied_aside_and_upgraded_keeping_every_movement(
    v1_copy: Path,
) -> None:
    assert sql(v1_copy, "SELECT count(*), sum(qty) FROM movement") == [(V1_MOVEMENTS, V1_QTY_SUM)]
    assert per_item(v1_copy) == V1_PER_ITEM
    before = schema(v1_copy)
    balances_before = sql(v1_copy, "SELECT * FROM balance ORDER BY 1, 2, 3, 4")

    room, said = opened(v1_copy)
    room.sign_in("ADMIN")

    (backup,) = copies(v1_copy.parent, "bak-0001")
    assert said == [
        f"upgraded {v1_copy} from schema revision 0001 to {migrations.HEAD}; "
        f"the file as it was is kept in {backup}"
    ]
    assert room.upgrade is not None and room.upgrade.stamped
    assert migrations.current_revision(room.db) == migrations.HEAD
    assert sql(v1_copy, "SELECT count(*), sum(qty) FROM movement") == [(V1_MOVEMENTS, V1_QTY_SUM)]
    assert per_item(v1_copy) == V1_PER_ITEM
    assert sql(v1_copy, "SELECT * FROM balance ORDER BY 1, 2, 3, 4") == balances_before
    assert sql(v1_copy, "SELECT number, status FROM work_order ORDER BY 1") == V1_WORK_ORDERS
    assert room.read(ledger.check) == ([], [])
    # the copy is the file exactly as it was: first schema, no revision recorded
    assert schema(backup) == before
    assert "alembic_version" not in {t for (t,) in sql(backup, "SELECT name FROM sqlite_master")}
    assert sql(backup, "SELECT count(*), sum(qty) FROM movement") == [(V1_MOVEMENTS, V1_QTY_SUM)]
    assert sql(backup, "PRAGMA journal_mode") == [("delete",)]  # one self-contained file
    room.close()


def test_upgraded_first_release_file_takes_new_posts(v1_copy: Path) -> None:
    room, _ = opened(v1_copy)
    room.sign_in("ADMIN")
    posting = room.write(ledger.receive, "BRG-6204", parse_qty("3"), "MAIN/A-01-01", unit_cost=600)
    position = room.read(stock.stock_position, "BRG-6204")

    assert [m.qty for m in posting.movements] == [3000]
    assert position.on_hand == parse_qty("20")  # 7 + 10 left by the first release, 3 now
    assert sql(v1_copy, "SELECT count(*) FROM movement") == [(V1_MOVEMENTS + 1,)]
    assert room.read(ledger.check) == ([], [])
    room.close()


def test_upgraded_file_is_not_upgraded_again(v1_copy: Path) -> None:
    first, said_first = opened(v1_copy)
    first.require_initialised()
    first.close()
    second, said_second = opened(v1_copy)
    second.require_initialised()
    second.sign_in("ADMIN")
    second.close()

    assert len(said_first) == 1 and said_second == []
    assert len(copies(v1_copy.parent, "bak")) == 1


def test_two_terminals_opening_an_old_file_at_once_upgrade_it_once(v1_copy: Path) -> None:
    rooms = [opened(v1_copy) for _ in range(2)]
    failures: list[BaseException] = []

    def open_it(room: Storeroom) -> None:
        try:
            room.require_initialised()
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=open_it, args=(room,)) for room, _ in rooms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert failures == []
    assert sorted(len(said) for _, said in rooms) == [0, 1]
    assert len(copies(v1_copy.parent, "bak-0001")) == 1
    assert sql(v1_copy, "SELECT version_num FROM alembic_version") == [(migrations.HEAD,)]
    for room, _ in rooms:
        room.close()


def test_cli_says_on_stderr_that_it_upgraded_the_file(v1_copy: Path) -> None:
    from typer.testing import CliRunner

    from storeroom_tui.cli import app

    result = CliRunner().invoke(app, ["--db", str(v1_copy), "check"])

    (backup,) = copies(v1_copy.parent, "bak-0001")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "check clean: balances equal the movements; integrity ok\n"
    assert " ".join(result.stderr.split()) == (
        f"upgraded {v1_copy} from schema revision 0001 to {migrations.HEAD}; "
        f"the file as it was is kept in {backup}"
    )


def test_init_on_a_first_release_file_upgrades_it_and_adds_nothing(v1_copy: Path) -> None:
    room, said = opened(v1_copy)

    assert room.init() is False
    assert len(said) == 1 and said[0].startswith(f"upgraded {v1_copy} from schema revision 0001")
    assert sql(v1_copy, "SELECT count(*) FROM user_account WHERE badge = 'ADMIN'") == [(1,)]
    assert sql(v1_copy, "SELECT count(*), sum(qty) FROM movement") == [(V1_MOVEMENTS, V1_QTY_SUM)]
    room.close()


def test_file_made_before_alembic_with_the_queue_indexes_is_only_stamped(tmp_path: Path) -> None:
    # what `storeroom init` made between the queue indexes and Alembic: create_all, no revision
    path = tmp_path / "recent.db"
    db = Database(f"sqlite:///{path}")
    with db.connection(write=True) as connection:
        command.upgrade(migrations.alembic_config(connection), "0002")
    db.dispose()
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("DROP TABLE alembic_version")
        connection.execute("INSERT INTO setting VALUES ('schema_version', '1')")

    room, said = opened(path)
    room.require_initialised()

    (backup,) = copies(tmp_path, "bak-0002")
    assert said == [
        f"upgraded {path} from schema revision 0002 to {migrations.HEAD}; "
        f"the file as it was is kept in {backup}"
    ]
    assert migrations.current_revision(room.db) == migrations.HEAD
    room.close()


# --- refusals -----------------------------------------------------------------------------------


def test_file_of_a_newer_storeroom_is_refused_and_left_alone(v1_copy: Path) -> None:
    room, _ = opened(v1_copy)
    room.require_initialised()
    room.close()
    newest = f"{int(migrations.HEAD) + 1:04d}"  # a revision this program does not know
    with closing(sqlite3.connect(v1_copy)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (newest,))
    for old in copies(v1_copy.parent, "bak"):
        old.unlink()

    newer, said = opened(v1_copy)
    with pytest.raises(SchemaTooNew) as refused:
        newer.sign_in("ADMIN")

    assert refused.value.code == "schema_too_new"
    assert refused.value.message == (
        f"{v1_copy} was made by a newer storeroom (schema revision {newest}; this program knows "
        f"up to {migrations.HEAD}); upgrade the program"
    )
    assert said == [] and copies(v1_copy.parent, "bak") == []
    assert sql(v1_copy, "SELECT version_num FROM alembic_version") == [(newest,)]
    newer.close()


def test_failed_upgrade_changes_nothing_and_leaves_no_copy(v1_copy: Path) -> None:
    # something in the way of revision 0002: a table with the name of its index
    with closing(sqlite3.connect(v1_copy)) as connection, connection:
        connection.execute("CREATE TABLE ix_wo_queue (x INTEGER)")
    before = schema(v1_copy)

    room, said = opened(v1_copy)
    with pytest.raises(UpgradeFailed) as refused:
        room.require_initialised()

    assert refused.value.code == "upgrade_failed"
    assert refused.value.message == (
        f"upgrading {v1_copy} from schema revision 0001 to {migrations.HEAD} failed, "
        "nothing was changed: database error: there is already a table named ix_wo_queue"
    )
    assert said == [] and copies(v1_copy.parent, "bak") == []
    assert schema(v1_copy) == before  # not even stamped
    assert sql(v1_copy, "SELECT count(*), sum(qty) FROM movement") == [(V1_MOVEMENTS, V1_QTY_SUM)]
    room.close()


def test_old_file_opened_read_only_is_refused_until_it_can_be_upgraded(v1_copy: Path) -> None:
    read_only = Storeroom(Database(f"sqlite:///file:{v1_copy}?mode=ro&uri=true"), terminal="")
    said: list[str] = []
    read_only.notify = said.append

    with pytest.raises(DatabaseReadOnly) as refused:
        read_only.require_initialised()

    assert refused.value.message == (
        f"{v1_copy} is read-only and was made by an older storeroom (schema revision 0001, "
        f"this program needs {migrations.HEAD}): open it once where it can be written, "
        "and it is upgraded then"
    )
    assert said == [] and copies(v1_copy.parent, "bak") == []
    assert per_item(v1_copy) == V1_PER_ITEM
    read_only.close()


def test_another_programs_database_is_neither_upgraded_nor_initialised(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO customer (name) VALUES ('ACME')")
    before = schema(path)

    room, _ = opened(path)
    with pytest.raises(NotAStoreroomDatabase) as on_open:
        room.require_initialised()
    with pytest.raises(NotAStoreroomDatabase) as on_init:
        room.init()

    message = (
        f"{path} is not a storeroom database (it holds other tables: customer); "
        "check --db or STOREROOM_DB"
    )
    assert on_open.value.message == on_init.value.message == message
    assert on_open.value.code == "not_a_storeroom_database"
    assert schema(path) == before
    assert sql(path, "SELECT name FROM customer") == [("ACME",)]
    room.close()
