"""Schema migrations: `storeroom init` makes the newest schema, an older file is copied aside
and upgraded the first time it is opened.

Alembic is driven from here, never from an alembic.ini: this folder is the script location
(`env.py`, `versions/`) and ships inside the package. Every upgrade runs in one write
transaction (SQLite `BEGIN IMMEDIATE`, the PostgreSQL advisory lock of `db.py`), so two
terminals opening an old file at once upgrade it once, and a failed upgrade changes nothing.

A file made before Alembic came (no `alembic_version` table, our tables, the setting
`schema_version` = 1) is the first schema, revision 0001 - or 0002 when it already has the
queue indexes - and is stamped so before it is upgraded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

from storeroom_tui.db import Database, sqlite_path
from storeroom_tui.errors import (
    DatabaseBusy,
    DatabaseError,
    DatabaseReadOnly,
    NotAStoreroomDatabase,
    SchemaTooNew,
    UpgradeFailed,
)

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = Path(__file__).parent
# the newest revision this program knows; tests hold it equal to Alembic's head
HEAD = "0008"
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008")
VERSION_TABLE = "alembic_version"
# tables every storeroom database has had since the first release
CORE_TABLES = frozenset({"setting", "movement", "balance", "item", "location", "work_order"})
QUEUE_INDEXES = frozenset({"ix_wo_queue", "ix_wo_priority_number"})  # revision 0002


@dataclass(frozen=True)
class SchemaState:
    """What a database holds before anything is done to it."""

    location: str
    tables: frozenset[str]
    revision: str | None  # None: no Alembic version recorded

    @property
    def empty(self) -> bool:
        return not self.tables

    @property
    def ours(self) -> bool:
        """Every storeroom schema has had the `setting` table (another program's Alembic
        table alone proves nothing)."""
        return "setting" in self.tables

    def refuse_foreign(self) -> None:
        """Tables, but not ours: another program's database."""
        if self.tables and not self.ours:
            shown = ", ".join(sorted(self.tables)[:5]) + (", ..." if len(self.tables) > 5 else "")
            raise NotAStoreroomDatabase(
                f"{self.location} is not a storeroom database (it holds other tables: {shown}); "
                "check --db or STOREROOM_DB",
                self.location,
            )

    def refuse_too_new(self) -> None:
        if self.revision is not None and self.revision not in REVISIONS:
            raise SchemaTooNew(
                f"{self.location} was made by a newer storeroom (schema revision "
                f"{self.revision}; this program knows up to {HEAD}); upgrade the program",
                self.location,
            )


@dataclass(frozen=True)
class Upgrade:
    """One upgrade that happened: from which revision, and the copy made before it."""

    location: str
    from_revision: str
    to_revision: str
    backup: Path | None
    stamped: bool  # the file came from before Alembic

    def describe(self) -> str:
        if self.from_revision == self.to_revision:
            return (
                f"{self.location}: recorded its schema revision {self.to_revision} "
                "(made before schema revisions were recorded)"
            )
        copy = (
            f"; the file as it was is kept in {self.backup}"
            if self.backup is not None
            else "; no copy was made on PostgreSQL (pg_dump makes one)"
        )
        return (
            f"upgraded {self.location} from schema revision {self.from_revision} to "
            f"{self.to_revision}{copy}"
        )


# --- reading ---------------------------------------------------------------------------------


def _state(connection: Connection, location: str) -> SchemaState:
    tables = frozenset(inspect(connection).get_table_names())
    revision = None
    if VERSION_TABLE in tables:
        revision = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    return SchemaState(location, tables, revision)


def state(db: Database) -> SchemaState:
    """The tables and the recorded revision; a missing file is empty (and is not created)."""
    path = sqlite_path(db.url)
    if path is not None and not path.exists():
        return SchemaState(db.location, frozenset(), None)
    with db.connection(write=False) as connection:
        return _state(connection, db.location)


def current_revision(db: Database) -> str | None:
    return state(db).revision


def _legacy_revision(connection: Connection, found: SchemaState) -> str:
    """The revision of a file made before Alembic: 0001, or 0002 with the queue indexes."""
    missing = CORE_TABLES - found.tables
    if missing:
        raise NotAStoreroomDatabase(
            f"{found.location} is not a storeroom database (no {', '.join(sorted(missing))} "
            "table); check --db or STOREROOM_DB",
            found.location,
        )
    version = connection.execute(
        text("SELECT value FROM setting WHERE key = 'schema_version'")
    ).scalar()
    if version not in (None, "1"):
        raise SchemaTooNew(
            f"{found.location} has schema_version {version} and no schema revision: "
            "it was not made by this storeroom; upgrade the program",
            found.location,
        )
    indexes = {index["name"] for index in inspect(connection).get_indexes("work_order")}
    return "0002" if indexes >= QUEUE_INDEXES else "0001"


# --- changing ----------------------------------------------------------------------------------


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration without a file: our script folder and the caller's connection."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """Alembic's own view of the newest revision in versions/ (HEAD must equal it)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def create(db: Database) -> bool:
    """The newest schema in an empty database, through every revision. False if not empty."""
    from alembic import command

    with db.connection(write=True) as connection:
        found = _state(connection, db.location)
        if not found.empty:
            return False
        command.upgrade(alembic_config(connection), "head")
    return True


def ensure_current(db: Database, backup: bool = True) -> Upgrade | None:
    """Bring a storeroom database to HEAD; None when it already is.

    An older SQLite file is first copied beside itself with the online backup API
    (`site.db.bak-0001-20261126-093600`), inside the same write lock, so the copy is
    exactly the file before the upgrade.
    """
    found = state(db)
    found.refuse_foreign()
    found.refuse_too_new()
    if found.revision == HEAD:
        return None
    if found.empty:
        raise DatabaseError(
            f"{db.location} is not a storeroom database yet; run: storeroom init", db.location
        )
    return _upgrade(db, backup)


def _upgrade(db: Database, backup: bool) -> Upgrade | None:
    from alembic import command

    from storeroom_tui.backup import copy_beside

    copy: Path | None = None
    start = "?"
    try:
        with db.connection(write=True) as connection:
            found = _state(connection, db.location)  # again, under the lock
            found.refuse_foreign()
            found.refuse_too_new()
            if found.revision == HEAD:
                return None  # another terminal upgraded it while we waited
            stamped = found.revision is None
            start = found.revision or _legacy_revision(connection, found)
            path = sqlite_path(db.url)
            if start != HEAD and backup and path is not None:
                copy = copy_beside(path, f"bak-{start}")
            config = alembic_config(connection)
            if stamped:
                command.stamp(config, start)
            if start != HEAD:
                command.upgrade(config, "head")
    except (DatabaseBusy, SchemaTooNew, NotAStoreroomDatabase):
        raise
    except DatabaseError as error:
        # the transaction rolled back: the file is as it was, its copy is not needed
        if copy is not None:
            copy.unlink(missing_ok=True)
        if isinstance(error, DatabaseReadOnly):
            raise DatabaseReadOnly(
                f"{db.location} is read-only and was made by an older storeroom (schema "
                f"revision {start}, this program needs {HEAD}): open it once where it can be "
                "written, and it is upgraded then",
                db.location,
            ) from error
        raise UpgradeFailed(
            f"upgrading {db.location} from schema revision {start} to {HEAD} failed, nothing "
            f"was changed: {error.message}",
            db.location,
        ) from error
    return Upgrade(db.location, start, HEAD, copy, stamped)
