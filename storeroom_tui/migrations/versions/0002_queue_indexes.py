"""The work-order queue's indexes: ix_wo_queue and ix_wo_priority_number.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

`if_not_exists`: files made between the index commit and the first Alembic release
already have them (they are stamped 0002 directly; this guards any that are not).
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the queue (storeroom_tui/queue.py): covers its status/priority/text filters
    op.create_index(
        "ix_wo_queue",
        "work_order",
        ["status", "priority", "number", "due_date", "asset_id", "title"],
        unique=False,
        if_not_exists=True,
    )
    # the queue sorted by priority over all statuses, or filtered by one priority
    op.create_index(
        "ix_wo_priority_number",
        "work_order",
        ["priority", "number"],
        unique=False,
        if_not_exists=True,
    )


def downgrade() -> None:
    op.drop_index("ix_wo_priority_number", table_name="work_order")
    op.drop_index("ix_wo_queue", table_name="work_order")
