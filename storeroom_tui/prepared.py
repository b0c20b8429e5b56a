"""The posting path's statements, compiled once per dialect and run on the driver's cursor.

An issue runs seven statements besides BEGIN and COMMIT. Through `Connection.execute`
each one costs about 0.1 ms of Python before and after SQLite's own work (the compiled
cache's look-up, the parameters processed into a new dict, events, a result object),
several times what SQLite spends on most of them. A `Prepared` statement is a SQLAlchemy
Core statement like any other, compiled here once per dialect; each call hands its SQL
and its values to the DBAPI connection under the session's SQLAlchemy connection, in the
same transaction. The values pass through the same bind processors SQLAlchemy applies (a
datetime is stored as the very text SQLAlchemy writes on SQLite), the rows through the
same result processors (a date read back as a date), and a driver's error is raised as
the SQLAlchemy error `Connection.execute` raises (so `Database` translates it as before).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, exc
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.sql import ClauseElement, ColumnElement


class _Compiled(NamedTuple):
    sql: str
    positional: bool
    # the values in the order the SQL takes them (positional; a name may come twice), or
    # once each by name, read from the caller's values and the statement's own
    names: tuple[str, ...]
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]  # (place in names, processor)
    fixed: dict[str, Any]  # values the statement carries itself (a literal compared with)
    results: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column, result processor)
    error: type[Exception]  # the driver's base error class
    dialect: Dialect


class Prepared:
    """A Core statement run on the driver's own cursor, with SQLAlchemy's types.

    The caller gives every bind parameter by name (`bindparam("name")`, or the column
    keys of an INSERT given as `insert_keys`); literal values written into the statement
    are bound from the statement itself. Statements that SQLAlchemy would complete at
    execution (an expanding IN, Python-side column defaults) are refused when compiled.
    """

    __slots__ = ("statement", "insert_keys", "new_id", "_compiled", "_last")

    def __init__(
        self,
        statement: ClauseElement,
        insert_keys: Sequence[str] = (),
        new_id: ColumnElement | None = None,
    ) -> None:
        self.statement = statement
        self.insert_keys = list(insert_keys)
        # an INSERT's key column: read back with RETURNING, or on SQLite as the cursor's
        # lastrowid (what SQLAlchemy does there: RETURNING costs SQLite more)
        self.new_id = new_id
        self._compiled: dict[tuple, _Compiled] = {}
        self._last: _Compiled | None = None  # the one compiled last, for its dialect

    def compiled(self, dialect: Dialect) -> _Compiled:
        last = self._last
        if last is not None and last.dialect is dialect:
            return last
        # the same SQL and processors for every engine of one kind and server version
        key = (type(dialect), dialect.server_version_info, dialect.paramstyle)
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = self._compile(dialect)
        self._last = found
        return found

    def _compile(self, dialect: Dialect) -> _Compiled:
        statement: Any = self.statement
        if self.new_id is not None and dialect.name != "sqlite":
            statement = statement.returning(self.new_id)
        compiled: Any = statement.compile(dialect=dialect, column_keys=self.insert_keys or None)
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise ValueError(f"{self.statement}: values expanded at execution are not taken")
        if getattr(compiled, "insert_prefetch", None) or getattr(compiled, "update_prefetch", None):
            raise ValueError(f"{self.statement}: column defaults made in Python are not taken")
        if compiled.escaped_bind_names:
            raise ValueError(f"{self.statement}: bind names that need escaping are not taken")
        by_name = {name: bind for bind, name in compiled.bind_names.items()}
        fixed = {
            name: bind.effective_value
            for name, bind in by_name.items()
            if not bind.required and name not in self.insert_keys
        }
        names = tuple(compiled.positiontup) if compiled.positional else tuple(by_name)
        processors = tuple(
            (place, processor)
            for place, name in enumerate(names)
            if (processor := by_name[name].type._cached_bind_processor(dialect)) is not None
        )
        results = tuple(
            (index, processor)
            for index, entry in enumerate(compiled._result_columns)
            if (processor := entry.type._cached_result_processor(dialect, None)) is not None
        )
        return _Compiled(
            compiled.string,
            bool(compiled.positional),
            names,
            processors,
            fixed,
            results,
            dialect.loaded_dbapi.Error,
            dialect,
        )

    def _execute(self, connection: Connection, values: Mapping[str, Any]) -> tuple[Any, Any]:
        compiled = self.compiled(connection.dialect)
        if compiled.fixed:
            values = {**compiled.fixed, **values}
        ordered = [values[name] for name in compiled.names]
        for place, process in compiled.processors:
            ordered[place] = process(ordered[place])
        parameters: Any = (
            ordered if compiled.positional else dict(zip(compiled.names, ordered, strict=True))
        )
        return driver_execute(connection, compiled.sql, parameters, compiled), compiled

    def rows(self, connection: Connection, values: Mapping[str, Any]) -> list[tuple]:
        """Every row, as tuples of the statement's columns."""
        cursor, compiled = self._execute(connection, values)
        try:
            rows = cursor.fetchall()
        except compiled.error as error:
            raise exc.DBAPIError.instance(
                compiled.sql, None, error, compiled.error, dialect=compiled.dialect
            ) from error
        if compiled.results and rows:
            rows = [_processed(row, compiled.results) for row in rows]
        return rows

    def first(self, connection: Connection, values: Mapping[str, Any]) -> tuple | None:
        """The first row, or None (all rows are read: the statement is done after)."""
        rows = self.rows(connection, values)
        return rows[0] if rows else None

    def rowcount(self, connection: Connection, values: Mapping[str, Any]) -> int:
        """Run an UPDATE or DELETE: how many rows it changed."""
        cursor, _compiled = self._execute(connection, values)
        return cursor.rowcount

    def insert(self, connection: Connection, values: Mapping[str, Any]) -> int:
        """Run an INSERT of one row given `new_id`: the new row's key."""
        cursor, compiled = self._execute(connection, values)
        if compiled.dialect.name == "sqlite":
            return cursor.lastrowid
        try:
            return cursor.fetchone()[0]
        except compiled.error as error:
            raise exc.DBAPIError.instance(
                compiled.sql, None, error, compiled.error, dialect=compiled.dialect
            ) from error


def driver_execute(
    connection: Connection, sql: str, parameters: Any = (), compiled: _Compiled | None = None
) -> Any:
    """Run SQL on the driver's connection under `connection`, in its transaction; a
    driver's error comes out as the SQLAlchemy error `Connection.execute` raises."""
    driver: Any = connection.connection.driver_connection
    try:
        return driver.execute(sql, parameters)
    except Exception as error:
        dialect = compiled.dialect if compiled is not None else connection.dialect
        base = dialect.loaded_dbapi.Error
        if not isinstance(error, base):
            raise
        raise exc.DBAPIError.instance(sql, parameters, error, base, dialect=dialect) from error


def _processed(row: tuple, results: tuple[tuple[int, Callable[[Any], Any]], ...]) -> tuple:
    values = list(row)
    for index, process in results:
        values[index] = process(values[index])
    return tuple(values)
