"""Moving a plant to another database: a SQLite file to PostgreSQL, and back.

`copy_plant` makes the newest schema in an empty target (the same Alembic revisions as
`storeroom init`), copies every table, in dependency order and with its ids, from a
source at that revision, resets the target's id sequences (PostgreSQL), then runs the
ledger check on both ends and compares them. The target is written in one transaction
(DDL included: both SQLite and PostgreSQL roll schema changes back), so a refusal at
any step leaves it as empty as it was; a new SQLite file that was refused is removed.
The source is read in one snapshot, so terminals may go on posting while it is copied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Table, func, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel

import models  # noqa: F401  (registers every table)
from models.search import is_search_object
from storeroom_tui import ledger, migrations
from storeroom_tui.db import Database, database_url, sqlite_path
from storeroom_tui.errors import DatabaseError

BATCH_ROWS = 5_000


class CopyRefused(DatabaseError):
    """A copy that cannot be made as asked; the target was left as it was."""

    code = "copy_refused"


class TargetNotEmpty(CopyRefused):
    code = "target_not_empty"


class SourceNotClean(CopyRefused):
    code = "source_not_clean"


class CopyMismatch(CopyRefused):
    """The copy differs from its source: it was rolled back."""

    code = "copy_mismatch"


@dataclass(frozen=True, slots=True)
class LedgerFacts:
    """What must be equal on both ends: the check's verdict and the ledger's contents."""

    clean: bool
    problems: tuple[str, ...]
    movements: int
    movement_qty: int
    balances: frozenset[tuple[int, int, int, int, int]]


@dataclass(frozen=True, slots=True)
class CopyReport:
    source: str
    target: str
    rows: dict[str, int]  # table -> rows copied, in the order they were copied
    movements: int
    balances: int

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def describe(self) -> str:
        return (
            f"copied {self.source} → {self.target}: {self.total_rows} rows in "
            f"{len(self.rows)} tables, {self.movements} movements, {self.balances} balances; "
            "check clean on both ends"
        )


Progress = Callable[[str, int], None]


def copy_plant(
    source_url: str,
    target_url: str,
    progress: Progress | None = None,
    batch_rows: int = BATCH_ROWS,
) -> CopyReport:
    """Copy the storeroom at `source_url` into the empty database at `target_url`."""
    source_url, target_url = database_url(source_url), database_url(target_url)
    path = sqlite_path(source_url)
    if path is not None and not path.exists():  # opening it would make an empty file
        raise CopyRefused(f"there is no storeroom at {path}; check --db", str(path))
    source = Database(source_url)
    try:
        _refuse_same(source, source_url, target_url)
        with _new_target(target_url) as target:
            return _copy(source, target, progress, batch_rows)
    finally:
        source.dispose()


def _refuse_same(source: Database, source_url: str, target_url: str) -> None:
    one, other = sqlite_path(source_url), sqlite_path(target_url)
    if one is not None and other is not None:
        same = one.resolve() == other.resolve()
    else:
        same = source_url == target_url
    if same:
        raise CopyRefused(
            f"source and target are the same database ({source.location}); "
            "copy to another file or schema",
            source.location,
        )


@contextmanager
def _new_target(target_url: str) -> Iterator[Database]:
    """The target database; a SQLite file this copy created is removed if the copy fails."""
    path = sqlite_path(target_url)
    existed = path is not None and path.exists()
    if path is not None and existed and path.stat().st_size > 0:
        raise TargetNotEmpty(f"target {path} already exists; copy into a new file only", str(path))
    target = Database(target_url)
    try:
        yield target
    except BaseException:
        target.dispose()
        if path is not None and not existed:
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                with suppress(FileNotFoundError):
                    leftover.unlink()
        raise
    target.dispose()


def _copy(
    source: Database, target: Database, progress: Progress | None, batch_rows: int
) -> CopyReport:
    # the source in one snapshot (a read transaction); the target in one write transaction
    with source.connection() as reading, target.connection(write=True) as writing:
        tables = _tables_to_copy(source, reading)
        _refuse_unless_empty(target, writing)
        before = _ledger_facts(reading)
        if not before.clean:
            raise SourceNotClean(
                f"{source.location} does not check clean ({'; '.join(before.problems[:3])}); "
                "run `storeroom check` and fix it before copying",
                source.location,
            )
        try:
            _create_schema(writing)
            rows = {
                table.name: _copy_rows(reading, writing, table, progress, batch_rows)
                for table in tables
            }
            _reset_sequences(writing, tables)
        except DBAPIError as error:
            raise CopyRefused(
                f"copying into {target.location} failed, nothing was kept: {error.orig}",
                target.location,
            ) from error
        for table in tables:
            copied = _count(writing, table)
            if copied != rows[table.name]:
                raise CopyMismatch(
                    f"table {table.name}: {rows[table.name]} rows read from "
                    f"{source.location}, {copied} in {target.location}; nothing was kept",
                    table.name,
                )
        after = _ledger_facts(writing)
        _compare(before, after, source, target)
    return CopyReport(source.location, target.location, rows, after.movements, len(after.balances))


def _tables_to_copy(source: Database, reading: Connection) -> list[Table]:
    """The model tables in dependency order, after checking the source has this schema."""
    found = inspect(reading)
    names = set(found.get_table_names())
    if (
        "setting" not in names
        or not reading.execute(
            text("SELECT value FROM setting WHERE key = 'schema_version'")
        ).first()
    ):
        raise CopyRefused(
            f"{source.location} is not a storeroom database; check --db", source.location
        )
    tables = list(SQLModel.metadata.sorted_tables)
    known = {table.name for table in tables}
    # (the SQLite text index is no table of the model: it follows work_order by itself)
    strange = sorted(
        name for name in names - known - {migrations.VERSION_TABLE} if not is_search_object(name)
    )
    if strange:
        raise CopyRefused(
            f"{source.location} has tables this storeroom does not know ({', '.join(strange)}); "
            "it was made by a newer storeroom",
            source.location,
        )
    for table in tables:
        if table.name not in names:
            raise CopyRefused(
                f"{source.location} has no table {table.name}: an older schema; "
                "open it once with this storeroom to upgrade it, then copy",
                table.name,
            )
        have = {column["name"] for column in found.get_columns(table.name)}
        want = {column.name for column in table.columns}
        if have != want:
            missing, extra = sorted(want - have), sorted(have - want)
            raise CopyRefused(
                f"{source.location}: table {table.name} differs from this storeroom's schema "
                f"(missing: {', '.join(missing) or 'none'}; unknown: {', '.join(extra) or 'none'});"
                " open it with the storeroom version that matches, or upgrade it first",
                table.name,
            )
    revision = _revision(reading) if migrations.VERSION_TABLE in names else None
    if revision != migrations.HEAD:
        raise CopyRefused(
            f"{source.location} is at schema revision {revision or 'none recorded'}, this "
            f"storeroom's is {migrations.HEAD}; open it once with this storeroom to upgrade "
            "it, then copy",
            source.location,
        )
    return tables


def _revision(connection: Connection) -> str | None:
    return connection.execute(text(f"SELECT version_num FROM {migrations.VERSION_TABLE}")).scalar()


def _create_schema(writing: Connection) -> None:
    """The newest schema, made by the same revisions as `storeroom init`, in our transaction."""
    from alembic import command

    command.upgrade(migrations.alembic_config(writing), "head")
    made = _revision(writing)
    if made != migrations.HEAD:  # pragma: no cover - the revisions and HEAD disagree
        raise CopyRefused(f"the new schema is at revision {made}, not {migrations.HEAD}", made)


def _refuse_unless_empty(target: Database, writing: Connection) -> None:
    postgresql = writing.dialect.name == "postgresql"
    if postgresql and writing.execute(text("SELECT current_schema()")).scalar() is None:
        path = writing.execute(text("SHOW search_path")).scalar()
        raise CopyRefused(
            f"schema {path} of {target.location} does not exist; create it first "
            f"(CREATE SCHEMA {path}) or name an existing empty one",
            path,
        )
    present = sorted(inspect(writing).get_table_names())
    if present:
        shown = ", ".join(present[:6]) + (", ..." if len(present) > 6 else "")
        raise TargetNotEmpty(
            f"target {target.location} is not empty (it has tables: {shown}); "
            "copy into an empty database or schema only",
            target.location,
        )


def _copy_rows(
    reading: Connection,
    writing: Connection,
    table: Table,
    progress: Progress | None,
    batch_rows: int,
) -> int:
    order = list(table.primary_key.columns) or list(table.columns)
    result = reading.execution_options(yield_per=batch_rows).execute(select(table).order_by(*order))
    copied = 0
    for part in result.mappings().partitions():
        writing.execute(table.insert(), [dict(row) for row in part])
        copied += len(part)
        if progress is not None:
            progress(table.name, copied)
    return copied


def _reset_sequences(writing: Connection, tables: list[Table]) -> None:
    """PostgreSQL hands out ids from sequences: start them after the copied ids."""
    if writing.dialect.name != "postgresql":
        return  # SQLite takes the next rowid after the largest one by itself
    for table in tables:
        key = list(table.primary_key.columns)
        if len(key) != 1:
            continue
        column = key[0]
        sequence = writing.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": column.name},
        ).scalar()
        if sequence is None:
            continue
        writing.execute(
            text(
                f'SELECT setval(:sequence, coalesce(max("{column.name}"), 0) + 1, false) '
                f'FROM "{table.name}"'
            ),
            {"sequence": sequence},
        )


def _count(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _ledger_facts(connection: Connection) -> LedgerFacts:
    from models import Balance, Movement

    session = Session(bind=connection)
    try:
        differences, problems = ledger.check(session)
        movements, qty = session.execute(
            select(func.count(), func.coalesce(func.sum(Movement.qty), 0))
        ).one()
        balances = frozenset(
            (int(i), int(loc), int(lot), int(serial), int(q))
            for i, loc, lot, serial, q in session.execute(
                select(
                    Balance.item_id,
                    Balance.location_id,
                    Balance.lot_id,
                    Balance.serial_id,
                    Balance.qty,
                )
            ).all()
        )
    finally:
        session.close()
    said = [
        f"item {d.item_id} location {d.location_id}: movements say {d.from_movements}, "
        f"balance says {d.in_balance}"
        for d in differences
    ]
    return LedgerFacts(
        clean=not differences and not problems,
        problems=tuple(said + problems),
        movements=int(movements),
        movement_qty=int(qty),
        balances=balances,
    )


def _compare(before: LedgerFacts, after: LedgerFacts, source: Database, target: Database) -> None:
    where = target.location
    if not after.clean:
        raise CopyMismatch(
            f"the copy in {where} does not check clean ({'; '.join(after.problems[:3])}); "
            "nothing was kept",
            where,
        )
    if (before.movements, before.movement_qty) != (after.movements, after.movement_qty):
        raise CopyMismatch(
            f"{source.location} has {before.movements} movements, the copy in {where} "
            f"{after.movements}; nothing was kept",
            where,
        )
    if before.balances != after.balances:
        differ = len(before.balances ^ after.balances)
        raise CopyMismatch(
            f"{differ} balances differ between {source.location} and the copy in {where}; "
            "nothing was kept",
            where,
        )
