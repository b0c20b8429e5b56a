"""The work-order text index finds texts of one or two characters too (issue 5).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26

The trigram index of revision 0005 answers a text of three characters or more; a
shorter one was matched by LIKE, which reads every number and title of a large plant
when few hold it ('zz' over 200,000 work orders: about 40 ms, the queue's slowest key).
Now each number and title is indexed with two unit separators (char 31) after it, so
every character of the text begins a trigram, and `work_order_search_terms` (FTS5's
vocabulary of the index) lists the trigrams a short text begins: the work orders that
hold any of them are exactly those that hold the text. The index is made again with its
content read through the view `work_order_search_text` (so that 'rebuild' and FTS5's
integrity-check read what the triggers index) and filled from the work orders there
(about 5 s for 200,000). models/search.py holds the same statements.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TRIGGERS = ("insert", "delete", "update")

# models/search.py's STATEMENTS as released with this revision
_SEARCH = (
    "CREATE VIEW work_order_search_text AS SELECT id, number || char(31, 31) AS number, "
    "title || char(31, 31) AS title FROM work_order",
    "CREATE VIRTUAL TABLE work_order_search USING fts5("
    "number, title, content='work_order_search_text', content_rowid='id', tokenize='trigram')",
    "CREATE VIRTUAL TABLE work_order_search_terms USING fts5vocab(work_order_search, row)",
    "CREATE TRIGGER work_order_search_insert AFTER INSERT ON work_order BEGIN "
    "INSERT INTO work_order_search (rowid, number, title) "
    "VALUES (new.id, new.number || char(31, 31), new.title || char(31, 31)); END",
    "CREATE TRIGGER work_order_search_delete AFTER DELETE ON work_order BEGIN "
    "INSERT INTO work_order_search (work_order_search, rowid, number, title) "
    "VALUES ('delete', old.id, old.number || char(31, 31), old.title || char(31, 31)); END",
    "CREATE TRIGGER work_order_search_update AFTER UPDATE OF number, title ON work_order "
    "BEGIN INSERT INTO work_order_search (work_order_search, rowid, number, title) "
    "VALUES ('delete', old.id, old.number || char(31, 31), old.title || char(31, 31)); "
    "INSERT INTO work_order_search (rowid, number, title) "
    "VALUES (new.id, new.number || char(31, 31), new.title || char(31, 31)); END",
)

# revision 0005's, for a downgrade
_SEARCH_0005 = (
    "CREATE VIRTUAL TABLE work_order_search USING fts5("
    "number, title, content='work_order', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER work_order_search_insert AFTER INSERT ON work_order BEGIN "
    "INSERT INTO work_order_search (rowid, number, title) "
    "VALUES (new.id, new.number, new.title); END",
    "CREATE TRIGGER work_order_search_delete AFTER DELETE ON work_order BEGIN "
    "INSERT INTO work_order_search (work_order_search, rowid, number, title) "
    "VALUES ('delete', old.id, old.number, old.title); END",
    "CREATE TRIGGER work_order_search_update AFTER UPDATE OF number, title ON work_order "
    "BEGIN INSERT INTO work_order_search (work_order_search, rowid, number, title) "
    "VALUES ('delete', old.id, old.number, old.title); "
    "INSERT INTO work_order_search (rowid, number, title) "
    "VALUES (new.id, new.number, new.title); END",
)


def _drop_triggers() -> None:
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER work_order_search_{trigger}")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL has no text index (revision 0005)
    _drop_triggers()
    op.execute("DROP TABLE work_order_search")
    for statement in _SEARCH:
        op.execute(statement)
    op.execute("INSERT INTO work_order_search (work_order_search) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_triggers()
    op.execute("DROP TABLE work_order_search_terms")
    op.execute("DROP TABLE work_order_search")
    op.execute("DROP VIEW work_order_search_text")
    for statement in _SEARCH_0005:
        op.execute(statement)
    op.execute("INSERT INTO work_order_search (work_order_search) VALUES ('rebuild')")
