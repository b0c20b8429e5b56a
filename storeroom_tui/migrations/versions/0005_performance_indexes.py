"""Indexes that hold the performance budgets on a large plant (issue 5).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

- `ix_movement_item_places`: the stock look-up's "who has it in WIP" reads an item's
  WIP movements from the index alone (no row look-ups: 48 -> 5 ms for the busiest part).
- SQLite: `work_order_search`, an FTS5 trigram index of work-order numbers and titles,
  kept in step by triggers, so that the queue's filter-as-you-type finds a substring
  without scanning every title (models/search.py says why it is not a model). It is
  filled from the existing work orders here. PostgreSQL gets no counterpart (see
  README, Performance): its filter stays ILIKE.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# the same statements as models/search.py's STATEMENTS (copied: a revision stays as it
# was released; tests/test_migrations.py checks that both make the same schema)
_SEARCH = (
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


def upgrade() -> None:
    op.create_index(
        "ix_movement_item_places",
        "movement",
        ["item_id", "to_location_id", "from_location_id", "wo_id", "qty"],
        unique=False,
    )
    op.create_index(
        "ix_movement_wo_kind",
        "movement",
        ["wo_id", "kind", "demand_line_id", "qty"],
        unique=False,
    )
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SEARCH:
            op.execute(statement)
        # index the work orders already there
        op.execute("INSERT INTO work_order_search (work_order_search) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER work_order_search_{trigger}")
        op.execute("DROP TABLE work_order_search")
    op.drop_index("ix_movement_wo_kind", table_name="movement")
    op.drop_index("ix_movement_item_places", table_name="movement")
