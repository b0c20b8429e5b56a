"""The database: one engine per file or URL, and the one unit of work every post uses.

SQLite is tuned for a storeroom that must never lose a movement (DESIGN.md 4.6): WAL,
`synchronous=FULL`, foreign keys on, a generous `busy_timeout`, and `BEGIN IMMEDIATE`
for every write so that two terminals never interleave a read-check-write. PostgreSQL
takes the same code; row-level conditions in the ledger keep its rules there.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session, SQLModel, create_engine

import models  # noqa: F401  (registers every table)
from storeroom_tui.errors import DatabaseBusy, DatabaseError

T = TypeVar("T")

BUSY_TIMEOUT_MS = 15_000
BUSY_RETRIES = 3
_WRITE = "storeroom_write"


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("storeroom", appauthor=False)) / "storeroom.db"


def database_url(db: str | os.PathLike[str] | None = None) -> str:
    """`--db` value, else STOREROOM_DB, else the user's data dir; a path or a URL."""
    target = str(db) if db else os.environ.get("STOREROOM_DB") or str(default_db_path())
    if "://" in target:
        return target
    path = Path(target).expanduser()
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///"))
    return None


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # take transactions into our own hands (pysqlite would defer BEGIN otherwise)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )
        _tune_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _is_busy(error: DBAPIError) -> bool:
    text = str(error.orig).lower() if error.orig else str(error).lower()
    return "database is locked" in text or "database is busy" in text or "deadlock" in text


class Database:
    """An engine plus the transactions the services run in."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._write_engine = self.engine.execution_options(**{_WRITE: True})

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def create_schema(self) -> None:
        SQLModel.metadata.create_all(self.engine)

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Session]:
        """One short transaction: committed when the block ends, rolled back on error."""
        bind = self._write_engine if write else self.engine
        session = Session(bind=bind, expire_on_commit=False)
        try:
            with session.begin():
                yield session
        except OperationalError as error:
            if _is_busy(error):
                raise DatabaseBusy(
                    "the database stayed busy (another terminal is posting); try again",
                    self.url,
                ) from error
            raise DatabaseError(f"database error: {error.orig}", self.url) from error
        finally:
            session.close()

    def run(self, work: Callable[[Session], T], write: bool = True) -> T:
        """Run `work` in one transaction, retrying a bounded number of times when busy."""
        for attempt in range(BUSY_RETRIES):
            try:
                with self.transaction(write=write) as session:
                    return work(session)
            except DatabaseBusy:
                if attempt == BUSY_RETRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
            except IntegrityError as error:
                # another session committed the same key or name first (PostgreSQL);
                # running again finds it and answers as the services say
                if attempt == BUSY_RETRIES - 1:
                    raise DatabaseError(f"database refused the change: {error.orig}") from error
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()
