"""Monthly totals kept at closure, and an index of arrivals, for reports over years (issue 7).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26

- `item_month`, `assignee_month`, `labour_month`: per item, per WO assignee and per
  technician, what the WOs closed in a month used against plan, issued, got back and
  cost in labour,
  added at each closure (`costs.freeze_work_order_cost`), so that a report over years
  reads one row per item and month instead of every closed line. Filled here from the
  lines and the labour of the WOs already closed.
- `ix_movement_arrivals`: movements by the place they went to, item, lot, serial and
  time, so the quarantine ageing finds the last arrival of what is held there without
  reading every return and receipt; on SQLite a partial index of the returns and receipts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# models/costs.py's ARRIVAL_KINDS, copied (a revision stays as it was released)
_ARRIVALS = "kind IN ('return', 'receive')"


def _fill() -> list[str]:
    """The totals of the WOs closed before this revision, as closure would have added them."""
    postgres = op.get_bind().dialect.name == "postgresql"
    month = "to_char(closed_on, 'YYYY-MM')" if postgres else "substr(closed_on, 1, 7)"
    return [
        "INSERT INTO item_month (item_id, period, lines, issued, returned, used, used_value, "
        "returns, return_days, plan_lines, planned, plan_used, off_plan) "
        f"SELECT item_id, {month}, count(*), sum(issued), sum(returned), sum(used), "
        "sum(CASE WHEN used <> 0 THEN used_value ELSE 0 END), sum(returns), sum(return_days), "
        "sum(CASE WHEN tool THEN 0 ELSE 1 END), sum(CASE WHEN tool THEN 0 ELSE planned END), "
        "sum(CASE WHEN tool THEN 0 ELSE used END), "
        "sum(CASE WHEN tool THEN 0 ELSE abs(used - planned) END) "
        f"FROM line_usage GROUP BY item_id, {month}",
        "INSERT INTO assignee_month (assignee_id, period, lines, issued, returned, returns, "
        "return_days) "
        f"SELECT assignee_id, {month}, count(*), sum(issued), sum(returned), sum(returns), "
        "sum(return_days) FROM line_usage WHERE assignee_id IS NOT NULL "
        f"GROUP BY assignee_id, {month}",
        "INSERT INTO labour_month (user_id, period, work_orders, hours, cost) "
        f"SELECT l.user_id, {month}, count(DISTINCT l.wo_id), sum(l.hours), sum(l.cost) "
        "FROM labour_entry l JOIN work_order_cost c ON c.wo_id = l.wo_id "
        f"WHERE c.closed_on IS NOT NULL GROUP BY l.user_id, {month}",
    ]


def upgrade() -> None:
    op.create_table(
        "item_month",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("returned", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("used_value", sa.Integer(), nullable=False),
        sa.Column("returns", sa.Integer(), nullable=False),
        sa.Column("return_days", sa.Integer(), nullable=False),
        sa.Column("plan_lines", sa.Integer(), nullable=False),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("plan_used", sa.Integer(), nullable=False),
        sa.Column("off_plan", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("item_id", "period"),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "assignee_month",
        sa.Column("assignee_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("returned", sa.Integer(), nullable=False),
        sa.Column("returns", sa.Integer(), nullable=False),
        sa.Column("return_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("assignee_id", "period"),
        sa.ForeignKeyConstraint(["assignee_id"], ["user_account.id"]),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "labour_month",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("work_orders", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "period"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sqlite_with_rowid=False,
    )
    for statement in _fill():
        op.execute(statement)
    op.create_index(
        "ix_movement_arrivals",
        "movement",
        ["to_location_id", "item_id", "lot_id", "serial_id", "created_at"],
        unique=False,
        sqlite_where=sa.text(_ARRIVALS),
    )


def downgrade() -> None:
    op.drop_index("ix_movement_arrivals", table_name="movement")
    op.drop_table("labour_month")
    op.drop_table("assignee_month")
    op.drop_table("item_month")
