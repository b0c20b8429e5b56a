"""The database: one engine per file or URL, and the one unit of work every post uses.

SQLite is tuned for a storeroom that must never lose a movement (DESIGN.md 4.6): WAL,
`synchronous=FULL`, foreign keys on, a generous `busy_timeout`, and `BEGIN IMMEDIATE`
for every write so that two terminals never interleave a read-check-write. PostgreSQL
takes the same code; an advisory lock per schema makes its writers take turns too.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, event, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session, SQLModel, create_engine

import models  # noqa: F401  (registers every table)
from storeroom_tui.errors import (
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseError,
    DatabaseFull,
    DatabaseReadOnly,
    NotAStoreroomDatabase,
)
from storeroom_tui.prepared import driver_execute

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
        target = url.removeprefix("sqlite:///")
        if target.startswith("file:"):  # a URI filename: sqlite:///file:/x.db?mode=ro&uri=true
            target = target.removeprefix("file:").split("?", 1)[0]
        return Path(target)
    return None


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # take transactions into our own hands (pysqlite would defer BEGIN otherwise)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _switch_to_wal(cursor)
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # on the driver itself: every post begins here (SQLAlchemy's execution around a
        # statement costs more than SQLite's BEGIN)
        write = connection.get_execution_options().get(_WRITE, False)
        driver_execute(connection, "BEGIN IMMEDIATE" if write else "BEGIN")


def _switch_to_wal(cursor: sqlite3.Cursor) -> None:
    """Put the file in WAL mode (a no-op once it is).

    Switching a file that is still in rollback-journal mode (made by the first release)
    needs it to itself for a moment, and SQLite answers "database is locked" at once,
    without its busy handler, while another terminal opens it too: that is retried within
    the same bound as any busy wait.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            code = sqlite_code(error)
            if code == SQLITE_READONLY:
                return  # a read-only file still reads; a post on it is refused clearly
            if code != SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _tune_postgresql(engine: Engine) -> None:
    """The same guarantees as SQLite's single writer, on a server.

    Every write transaction first takes a transaction-scoped advisory lock named after
    the schema, so writers to one storeroom take turns exactly as `BEGIN IMMEDIATE`
    makes them on a file: a read-check-write (a second post of the same key, a close
    racing an issue, a moving average) always reads what the previous writer committed.
    Readers are never blocked and see one snapshot per transaction.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # times read back in UTC (as SQLite has them), and a time without a zone (a
        # copied SQLite row) taken as UTC, whatever the server's default zone; a wedged
        # writer is a bounded wait, then busy
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
            cursor.execute(f"SET lock_timeout = {BUSY_TIMEOUT_MS}")
        dbapi_connection.commit()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(_WRITE, False):
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext(current_schema()))")
        else:
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def make_engine(url: str, **engine_options: Any) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **engine_options,
        )
        _tune_sqlite(engine)
        return engine
    engine = create_engine(url, **{"pool_pre_ping": True, **engine_options})
    if engine.dialect.name == "postgresql":
        _tune_postgresql(engine)
    return engine


def _is_busy(error: DBAPIError) -> bool:
    text = str(error.orig).lower() if error.orig else str(error).lower()
    return (
        "database is locked" in text
        or "database is busy" in text
        or "deadlock" in text
        or "lock timeout" in text  # PostgreSQL: another writer held on past lock_timeout
        or "could not serialize" in text
    )


# SQLite's primary result codes (https://sqlite.org/rescode.html) that a user can act on
SQLITE_BUSY, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL = 5, 8, 10, 11, 13
SQLITE_CANTOPEN, SQLITE_NOTADB = 14, 26


def sqlite_code(error: BaseException) -> int | None:
    """The primary SQLite result code behind an error (wrapped by SQLAlchemy or not)."""
    code = getattr(getattr(error, "orig", None) or error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _translated(error: DBAPIError) -> bool:
    """Failures of the database itself (not of a statement or a constraint)."""
    return isinstance(error, OperationalError) or sqlite_code(error) in (
        SQLITE_READONLY,
        SQLITE_IOERR,
        SQLITE_CORRUPT,
        SQLITE_FULL,
        SQLITE_CANTOPEN,
        SQLITE_NOTADB,
    )


def translate_error(error: BaseException, location: str) -> DatabaseError:
    """A database failure as a refusal that names the file and says what to do."""
    code = sqlite_code(error)
    if isinstance(error, DBAPIError) and _is_busy(error):
        return DatabaseBusy(
            "the database stayed busy (another terminal is posting); try again", location
        )
    if code == SQLITE_READONLY:
        return DatabaseReadOnly(
            f"{location} is read-only (the file or its folder cannot be written): nothing was "
            "posted. Give this account write access to the file and its folder",
            location,
        )
    if code == SQLITE_FULL:
        return DatabaseFull(
            f"the disk holding {location} is full: this post was not saved, everything posted "
            "before is safe. Free some disk space, then post again",
            location,
        )
    if code == SQLITE_CORRUPT:
        return DatabaseCorrupt(
            f"{location} is damaged (SQLite: database disk image is malformed). Stop posting; "
            "restore the last backup with: storeroom restore BACKUP",
            location,
        )
    if code == SQLITE_NOTADB:
        return NotAStoreroomDatabase(
            f"{location} is not a storeroom database (not a SQLite file at all); "
            "check --db or STOREROOM_DB",
            location,
        )
    if code == SQLITE_CANTOPEN:
        return DatabaseError(
            f"cannot open {location}: check that its folder exists and that this account may "
            "read and write the file and its folder",
            location,
        )
    if code == SQLITE_IOERR:
        return DatabaseError(
            f"disk I/O error on {location}: nothing was posted; check the disk, then try again",
            location,
        )
    return DatabaseError(f"database error: {getattr(error, 'orig', None) or error}", location)


class Database:
    """An engine plus the transactions the services run in."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_options)
        self._write_engine = self.engine.execution_options(**{_WRITE: True})
        self._writer: Connection | None = None  # SQLite: see _take_writer
        self._writer_lock = threading.Lock()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def location(self) -> str:
        """The file, or the URL without its password: what messages name."""
        path = sqlite_path(self.url)
        if path is not None:
            return str(path)
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def failures(self) -> Iterator[None]:
        """Outside a transaction (schema checks): the same clear refusals as inside one."""
        try:
            yield
        except DBAPIError as error:
            if not _translated(error):
                raise
            raise translate_error(error, self.location) from error

    @contextmanager
    def connection(self, write: bool = False) -> Iterator[Connection]:
        """A plain connection in one transaction (the write lock when writing): schema work."""
        with self.failures(), (self._write_engine if write else self.engine).begin() as connection:
            yield connection

    def create_schema(self) -> None:
        SQLModel.metadata.create_all(self.engine)

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Session]:
        """One short transaction: committed when the block ends, rolled back on error."""
        held = self._take_writer() if write and self.is_sqlite else None
        bind: Engine | Connection = held or (self._write_engine if write else self.engine)
        session = Session(bind=bind, expire_on_commit=False)
        try:
            with session.begin():
                yield session
        except DBAPIError as error:
            if not _translated(error):
                raise  # an IntegrityError: run() retries it, then the services answer
            raise translate_error(error, self.location) from error
        finally:
            session.close()
            if held is not None:
                self._give_back_writer(held)

    def _take_writer(self) -> Connection | None:
        """The file's write connection, kept between write transactions, when no other
        transaction has it (then None: a connection from the pool, as for reads).

        A post checks a connection out of SQLAlchemy's pool and back in each time
        otherwise, about a tenth of what a whole issue costs. Writers to one file take
        turns anyway (BEGIN IMMEDIATE); one kept connection serves them in turn.
        """
        if not self._writer_lock.acquire(blocking=False):
            return None
        try:
            connection = self._writer
            if connection is None or connection.closed or connection.invalidated:
                connection = self._writer = self._write_engine.connect()
            if connection.in_transaction():  # never join what another transaction left
                connection.rollback()
        except BaseException:
            self._writer_lock.release()
            raise
        return connection

    def _give_back_writer(self, connection: Connection) -> None:
        try:
            if connection.in_transaction():
                connection.rollback()
        except DBAPIError:
            connection.invalidate()
        finally:
            self._writer_lock.release()

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
        # the kept write connection once its transaction (another thread's) is done
        if self._writer_lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
            try:
                if self._writer is not None:
                    self._writer.close()
                    self._writer = None
            finally:
                self._writer_lock.release()
        self.engine.dispose()
