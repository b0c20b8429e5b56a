"""Backups of a storeroom file while terminals post, and restoring one, without losing a movement.

A live SQLite file is never copied as plain bytes: its last commits may sit in the `-wal`
beside it. `backup` reads it through SQLite's online backup API from a read-only connection
in one step - one snapshot, the writers go on posting (WAL) - into a partial file that is
checked and then renamed. `restore` checks the backup (a storeroom database, upgraded, with
`check` clean) on a private copy before it takes the file from the terminals, keeps the file
it replaces as `site.db.before-restore-<time>`, and refuses while another terminal has it open.
PostgreSQL has its own tools (pg_dump, pg_restore); these commands say so.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from storeroom_tui.db import (
    SQLITE_CORRUPT,
    SQLITE_FULL,
    SQLITE_NOTADB,
    Database,
    sqlite_code,
    sqlite_path,
    translate_error,
)
from storeroom_tui.errors import (
    BackupRefused,
    DatabaseCorrupt,
    DatabaseError,
    NotAStoreroomDatabase,
)

SQLITE_BUSY, SQLITE_LOCKED = 5, 6
LOCK_WAIT_S = 1.0  # how long restore waits for the other terminals to let go


@dataclass(frozen=True)
class BackupResult:
    source: str
    path: Path
    movements: int
    revision: str | None
    size: int
    seconds: float


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    source: Path
    kept: Path | None  # the file that was replaced, as it was
    movements: int
    revision: str | None
    upgraded_from: str | None
    seconds: float


def beside(path: Path, label: str, now: datetime | None = None) -> Path:
    """`site.db.<label>-20261126-093600`, next to the file and unique in its folder."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.{label}-{stamp}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.{label}-{stamp}-{n}")
    return candidate


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=15)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite file, as one self-contained file (no -wal).

    Written to `target.partial` and renamed, so `target` is either whole or absent.
    """
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        reader = _read_only(source)
        try:
            writer = sqlite3.connect(partial, isolation_level=None)
            try:
                reader.backup(writer)  # pages=-1: the whole file in one step, one snapshot
                writer.execute("PRAGMA journal_mode = DELETE")
            finally:
                writer.close()
        finally:
            reader.close()
        _fsync(partial)
        os.replace(partial, target)
        _fsync(target.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def copy_beside(path: Path, label: str) -> Path:
    """The copy made before an upgrade: `site.db.bak-0001-<time>`."""
    target = beside(path, label)
    try:
        copy_database(path, target)
    except (sqlite3.Error, OSError) as error:
        raise _copy_failed(error, path, target) from error
    return target


def _copy_failed(error: BaseException, source: Path, target: Path) -> DatabaseError:
    code = sqlite_code(error)
    if code == SQLITE_FULL or getattr(error, "errno", None) == errno.ENOSPC:
        return BackupRefused(
            f"the disk holding {target} is full: no copy was written; free some space "
            "or write it to another disk",
            str(target),
        )
    if isinstance(error, OSError):
        return BackupRefused(f"cannot write {target}: {error.strerror or error}", str(target))
    return translate_error(error, str(source))


def _database_file(db_url: str, what: str) -> Path:
    path = sqlite_path(db_url)
    if path is None:
        tool = "pg_dump --format=custom --file FILE" if what == "backup" else "pg_restore"
        raise BackupRefused(
            f"storeroom {what} works on a SQLite file; for PostgreSQL use {tool} "
            "(the server's own tools, consistent while terminals post)",
            what,
        )
    return path


def _inspect_copy(path: Path, source: str) -> tuple[int, str | None]:
    """quick_check, then the movement count and revision of a fresh copy."""
    connection = sqlite3.connect(path)
    try:
        try:
            problems = [row[0] for row in connection.execute("PRAGMA quick_check").fetchall()]
        except sqlite3.DatabaseError as error:
            if sqlite_code(error) != SQLITE_CORRUPT:
                raise
            problems = [str(error)]
        if problems != ["ok"]:
            raise DatabaseCorrupt(
                f"{source} is damaged ({'; '.join(problems[:3])}): a copy would be damaged "
                "too, so none was kept. Restore the last good backup: storeroom restore BACKUP",
                source,
            )
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if "movement" not in tables:
            raise NotAStoreroomDatabase(
                f"{source} is not a storeroom database (no movement table)", source
            )
        movements = connection.execute("SELECT count(*) FROM movement").fetchone()[0]
        revision = None
        if "alembic_version" in tables:
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = revision[0] if revision else None
        return movements, revision
    finally:
        connection.close()


def backup(db_url: str, target: Path) -> BackupResult:
    """A consistent copy of the storeroom file at `target`, taken while others post."""
    from storeroom_tui import migrations

    started = time.perf_counter()
    source = _database_file(db_url, "backup")
    target = Path(target).expanduser()
    if not source.exists():
        raise DatabaseError(f"{source} does not exist: nothing to back up", str(source))
    if target.exists():
        raise BackupRefused(
            f"{target} already exists: choose a new name (nothing was written)", str(target)
        )
    if not target.parent.is_dir():
        raise BackupRefused(f"folder {target.parent} does not exist", str(target))
    db = Database(db_url)
    try:
        found = migrations.state(db)
    finally:
        db.dispose()
    found.refuse_foreign()
    if found.empty:
        raise NotAStoreroomDatabase(
            f"{source} is not a storeroom database yet: nothing to back up", str(source)
        )
    try:
        copy_database(source, target)
    except (sqlite3.Error, OSError) as error:
        raise _copy_failed(error, source, target) from error
    try:
        movements, revision = _inspect_copy(target, str(source))
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return BackupResult(
        str(source),
        target,
        movements,
        revision,
        target.stat().st_size,
        time.perf_counter() - started,
    )


# --- restore -----------------------------------------------------------------------------------


def _verify_restorable(staged: Path, source: Path) -> tuple[int, str | None, str | None]:
    """Upgrade the private copy to this program's schema and run `check` on it."""
    from storeroom_tui import ledger, migrations

    db = Database(f"sqlite:///{staged}")
    try:
        found = migrations.state(db)
        if found.empty or not found.ours:
            raise NotAStoreroomDatabase(
                f"{source} is not a storeroom database; nothing was replaced", str(source)
            )
        upgrade = migrations.ensure_current(db, backup=False)
        with db.transaction(write=False) as session:
            differences, problems = ledger.check(session)
            movements = (
                session.connection().exec_driver_sql("SELECT count(*) FROM movement").scalar_one()
            )
        if differences or problems:
            shown = "; ".join(problems[:3]) or f"{len(differences)} balances differ"
            raise BackupRefused(
                f"{source} does not pass check ({shown}); nothing was replaced. "
                "Choose another backup",
                str(source),
            )
        revision = migrations.current_revision(db)
    except DatabaseCorrupt as error:
        raise DatabaseCorrupt(
            f"{source} is damaged (SQLite: database disk image is malformed): nothing was "
            "replaced; choose another backup",
            str(source),
        ) from error
    except DatabaseError as error:
        if error.value == str(staged):  # name the file the user gave, not our copy
            message = error.message.replace(str(staged), str(source))
            raise type(error)(message, str(source)) from error
        raise
    finally:
        db.dispose()
    # one self-contained file again (our engine put it in WAL mode)
    connection = sqlite3.connect(staged, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = DELETE")
    finally:
        connection.close()
    return movements, revision, upgrade.from_revision if upgrade else None


def _take_from_terminals(dest: Path) -> sqlite3.Connection | None:
    """Hold `dest` exclusively (no other connection may have it open), WAL folded in.

    None when the file is too damaged to lock: nobody can be posting to it then.
    """
    lock = sqlite3.connect(dest, timeout=LOCK_WAIT_S, isolation_level=None)
    try:
        lock.execute("PRAGMA locking_mode = EXCLUSIVE")
        lock.execute("BEGIN EXCLUSIVE")
        lock.execute("COMMIT")
        lock.execute("PRAGMA journal_mode = DELETE")  # checkpoints and removes the -wal
        return lock
    except sqlite3.Error as error:
        lock.close()
        code = sqlite_code(error)
        if code in (SQLITE_BUSY, SQLITE_LOCKED):
            raise BackupRefused(
                f"{dest} is open in another terminal or screen: close every storeroom using "
                "it, then restore again; nothing was replaced",
                str(dest),
            ) from error
        if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
            return None
        raise translate_error(error, str(dest)) from error


def restore(db_url: str, source: Path) -> RestoreResult:
    """Replace the storeroom file with a checked backup; the replaced file is kept."""
    started = time.perf_counter()
    dest = _database_file(db_url, "restore")
    source = Path(source).expanduser()
    if not source.is_file():
        raise BackupRefused(f"{source} does not exist; nothing was replaced", str(source))
    if dest.exists() and source.resolve() == dest.resolve():
        raise BackupRefused(f"{source} is the storeroom file itself", str(source))
    dest.parent.mkdir(parents=True, exist_ok=True)
    staged = beside(dest, "restoring")
    try:
        try:
            copy_database(source, staged)
        except sqlite3.Error as error:
            if sqlite_code(error) == SQLITE_NOTADB:
                raise NotAStoreroomDatabase(
                    f"{source} is not a storeroom database (not a SQLite file at all); "
                    "nothing was replaced",
                    str(source),
                ) from error
            raise _copy_failed(error, source, staged) from error
        except OSError as error:
            raise _copy_failed(error, source, staged) from error
        movements, revision, upgraded_from = _verify_restorable(staged, source)
        kept = _replace(dest, staged)
    finally:
        staged.unlink(missing_ok=True)
    return RestoreResult(
        dest, source, kept, movements, revision, upgraded_from, time.perf_counter() - started
    )


def _replace(dest: Path, staged: Path) -> Path | None:
    """Put the checked copy in place, keeping the file it replaces.

    The new content is written into the file itself through the backup API, under the
    exclusive lock and SQLite's rollback journal: a terminal that opened the file while we
    held it reads the restored content once we let go (a renamed file would leave it
    posting into the old one), and a crash half-way leaves the old file whole.
    """
    if not dest.exists():
        os.replace(staged, dest)
        _fsync(dest.parent)
        return None
    lock = _take_from_terminals(dest)
    kept = beside(dest, "before-restore")
    if lock is None:  # too damaged for SQLite to lock: nobody can be posting to it
        shutil.copyfile(dest, kept)
        wal = dest.with_name(dest.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, kept.with_name(kept.name + "-wal"))
        _fsync(kept)
        os.replace(staged, dest)
        # journals of the damaged file must never be applied to the new one
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                dest.with_name(dest.name + suffix).unlink()
        _fsync(dest.parent)
        return kept
    try:
        try:
            shutil.copyfile(dest, kept)  # whole: the -wal was folded in under the lock
            _fsync(kept)
        except OSError:
            kept.unlink(missing_ok=True)
            raise
        reader = sqlite3.connect(staged)
        try:
            reader.backup(lock)
        finally:
            reader.close()
    except (sqlite3.Error, OSError) as error:
        raise _copy_failed(error, staged, dest) from error
    finally:
        lock.close()
    return kept
