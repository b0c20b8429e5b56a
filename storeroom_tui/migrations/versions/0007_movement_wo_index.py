"""One index fewer on the movement table (issue 5).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26

- `ix_movement_wo_id` goes: `ix_movement_wo_kind` (wo_id, kind, demand_line_id, qty,
  revision 0005) starts with the same column and serves every look-up by WO, including
  the foreign key's. Each post wrote both; on the large plant the build also spent about
  two seconds making the redundant one.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_movement_wo_id", table_name="movement")


def downgrade() -> None:
    op.create_index("ix_movement_wo_id", "movement", ["wo_id"], unique=False)
