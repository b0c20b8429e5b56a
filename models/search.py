"""The work-order text index: database objects that are not SQLModel tables.

The queue filters 200,000 work orders by a substring of their number or title as the
supervisor types. `LIKE '%pump%'` cannot use a B-tree index, so on SQLite an FTS5 table
with the trigram tokenizer (`work_order_search`, external content: it stores only the
index, the text stays in `work_order`) answers it instead, and three triggers keep it in
step with every write to `work_order` whoever makes it (the services, the bulk demo
build, `storeroom copy`, a restore): an insert adds a row, a rename re-indexes it, a
delete removes it. The DDL is attached to `work_order`'s `after_create`, so
`SQLModel.metadata.create_all` makes exactly what revision 0005 makes.

Alembic's `compare_metadata` reflects tables and indexes, not virtual tables and
triggers, and would report the FTS5 table and the shadow tables SQLite keeps for it
(`work_order_search_data`, `_idx`, `_docsize`, `_config`) as tables the models lack.
They are the index of one table, not tables of the model: `include_name` below leaves
exactly these names out of a comparison, and tests/test_migrations.py checks them
separately (made by the revision, identical to create_all's, kept in step).

PostgreSQL has no such table: its queue filter stays `ILIKE` (see README, Performance).
"""

from __future__ import annotations

from sqlalchemy import DDL, event

from models.workorder import WorkOrder

WORK_ORDER_SEARCH = "work_order_search"
# the shadow tables SQLite's FTS5 makes for it (no `_content`: the content is work_order's)
_SHADOWS = frozenset(f"{WORK_ORDER_SEARCH}_{part}" for part in ("data", "idx", "docsize", "config"))

# Revision 0005 runs these same statements (copied there: a revision does not change
# when this module does; tests/test_migrations.py compares the two schemas).
STATEMENTS = (
    f"CREATE VIRTUAL TABLE {WORK_ORDER_SEARCH} USING fts5("
    "number, title, content='work_order', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER {WORK_ORDER_SEARCH}_insert AFTER INSERT ON work_order BEGIN "
    f"INSERT INTO {WORK_ORDER_SEARCH} (rowid, number, title) "
    "VALUES (new.id, new.number, new.title); END",
    f"CREATE TRIGGER {WORK_ORDER_SEARCH}_delete AFTER DELETE ON work_order BEGIN "
    f"INSERT INTO {WORK_ORDER_SEARCH} ({WORK_ORDER_SEARCH}, rowid, number, title) "
    "VALUES ('delete', old.id, old.number, old.title); END",
    f"CREATE TRIGGER {WORK_ORDER_SEARCH}_update AFTER UPDATE OF number, title ON work_order "
    f"BEGIN INSERT INTO {WORK_ORDER_SEARCH} ({WORK_ORDER_SEARCH}, rowid, number, title) "
    "VALUES ('delete', old.id, old.number, old.title); "
    f"INSERT INTO {WORK_ORDER_SEARCH} (rowid, number, title) "
    "VALUES (new.id, new.number, new.title); END",
)
# the shortest text the trigram index can answer; shorter ones are matched with LIKE
MIN_SEARCH_LENGTH = 3

for _statement in STATEMENTS:
    event.listen(
        WorkOrder.__table__,  # type: ignore[attr-defined]
        "after_create",
        DDL(_statement).execute_if(dialect="sqlite"),
    )


def is_search_object(name: str | None) -> bool:
    """The FTS5 table and its shadow tables (triggers are never reflected)."""
    return name == WORK_ORDER_SEARCH or name in _SHADOWS


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """For Alembic's `include_name`: compare everything but the text index."""
    return not (type_ == "table" and is_search_object(name))
