"""The work-order text index: database objects that are not SQLModel tables.

The queue filters 200,000 work orders by a substring of their number or title as the
supervisor types. `LIKE '%pump%'` cannot use a B-tree index, so on SQLite an FTS5 table
with the trigram tokenizer (`work_order_search`, external content: it stores only the
index, the text stays in `work_order`, read through the view `work_order_search_text`)
answers it instead, with its vocabulary (`work_order_search_terms`) for texts of one or
two characters, and three triggers keep it in
step with every write to `work_order` whoever makes it (the services, the bulk demo
build, `storeroom copy`, a restore): an insert adds a row, a rename re-indexes it, a
delete removes it. The DDL is attached to `work_order`'s `after_create`, so
`SQLModel.metadata.create_all` makes exactly what revisions 0005 and 0008 make.

Alembic's `compare_metadata` reflects tables and indexes, not virtual tables and
triggers, and would report the FTS5 table, its vocabulary and the shadow tables SQLite
keeps for it (`work_order_search_data`, `_idx`, `_docsize`, `_config`) as tables the
models lack.
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

# Each number and title is indexed with two of these after it, so that every character
# of the text starts a trigram: a text of one or two characters is then found from the
# index's terms that begin with it (work_order_search_terms, a prefix range of the
# vocabulary), and none is missed for standing at the end of its column. ASCII's unit
# separator: no keyboard or scanner types it (a filter holding one is matched by LIKE).
TERMINATOR = "\x1f"
_INDEXED_TEXT = f"{WORK_ORDER_SEARCH}_text"
WORK_ORDER_SEARCH_TERMS = f"{WORK_ORDER_SEARCH}_terms"

# Revision 0008 runs these same statements (copied there: a revision does not change
# when this module does; tests/test_migrations.py compares the two schemas).
STATEMENTS = (
    # the text as indexed: the FTS5 table's content, so that 'rebuild' and FTS5's
    # integrity-check read exactly what the triggers below index
    f"CREATE VIEW {_INDEXED_TEXT} AS SELECT id, number || char(31, 31) AS number, "
    "title || char(31, 31) AS title FROM work_order",
    f"CREATE VIRTUAL TABLE {WORK_ORDER_SEARCH} USING fts5("
    f"number, title, content='{_INDEXED_TEXT}', content_rowid='id', tokenize='trigram')",
    f"CREATE VIRTUAL TABLE {WORK_ORDER_SEARCH_TERMS} USING fts5vocab({WORK_ORDER_SEARCH}, row)",
    f"CREATE TRIGGER {WORK_ORDER_SEARCH}_insert AFTER INSERT ON work_order BEGIN "
    f"INSERT INTO {WORK_ORDER_SEARCH} (rowid, number, title) "
    "VALUES (new.id, new.number || char(31, 31), new.title || char(31, 31)); END",
    f"CREATE TRIGGER {WORK_ORDER_SEARCH}_delete AFTER DELETE ON work_order BEGIN "
    f"INSERT INTO {WORK_ORDER_SEARCH} ({WORK_ORDER_SEARCH}, rowid, number, title) "
    "VALUES ('delete', old.id, old.number || char(31, 31), old.title || char(31, 31)); END",
    f"CREATE TRIGGER {WORK_ORDER_SEARCH}_update AFTER UPDATE OF number, title ON work_order "
    f"BEGIN INSERT INTO {WORK_ORDER_SEARCH} ({WORK_ORDER_SEARCH}, rowid, number, title) "
    "VALUES ('delete', old.id, old.number || char(31, 31), old.title || char(31, 31)); "
    f"INSERT INTO {WORK_ORDER_SEARCH} (rowid, number, title) "
    "VALUES (new.id, new.number || char(31, 31), new.title || char(31, 31)); END",
)
# the shortest text the trigram index answers as a phrase; a shorter one is found from the
# terms it begins (storeroom_tui/queue.py chooses between that and LIKE)
MIN_SEARCH_LENGTH = 3

for _statement in STATEMENTS:
    event.listen(
        WorkOrder.__table__,  # type: ignore[attr-defined]
        "after_create",
        DDL(_statement).execute_if(dialect="sqlite"),
    )


def is_search_object(name: str | None) -> bool:
    """The FTS5 table, its shadow tables and its vocabulary (triggers and views are never
    reflected as tables)."""
    return name in (WORK_ORDER_SEARCH, WORK_ORDER_SEARCH_TERMS) or name in _SHADOWS


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """For Alembic's `include_name`: compare everything but the text index."""
    return not (type_ == "table" and is_search_object(name))
