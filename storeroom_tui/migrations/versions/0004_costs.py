"""Cost: labour, contractors, downtime, frozen WO cost and the asset roll-up (issue 7).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

New tables only (no column added to `work_order` or `asset`): a WO's cost and an asset's
values and lifetime cost each live in a one-row-per-parent table, so the upgrade of a
file with 200,000 WOs rewrites nothing. Written out in plain SQLAlchemy types, frozen.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trade_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trade", sa.String(length=32), nullable=False),
        sa.Column("rate", sa.Integer(), nullable=False),
        sa.Column("overtime_factor", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("rate > 0", name="ck_trade_rate_rate"),
        sa.CheckConstraint("overtime_factor >= 1000", name="ck_trade_rate_overtime"),
        sa.UniqueConstraint("trade"),
    )
    op.create_table(
        "labour_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("terminal", sa.String(length=16), nullable=False),
        sa.Column("wo_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("trade", sa.String(length=32), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("rate", sa.Integer(), nullable=False),
        sa.Column("overtime", sa.Boolean(), nullable=False),
        sa.Column("factor", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Integer(), nullable=False),
        sa.Column("booked_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("hours > 0 AND hours <= 24000", name="ck_labour_hours"),
        sa.CheckConstraint("rate > 0", name="ck_labour_rate"),
        sa.CheckConstraint("cost >= 0", name="ck_labour_cost"),
        sa.UniqueConstraint("uuid"),
        sa.ForeignKeyConstraint(["wo_id"], ["work_order.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["booked_by"], ["user_account.id"]),
    )
    op.create_index(op.f("ix_labour_entry_wo_id"), "labour_entry", ["wo_id"], unique=False)
    op.create_index("ix_labour_user_date", "labour_entry", ["user_id", "work_date"], unique=False)
    op.create_index(
        "ix_labour_wo_cover",
        "labour_entry",
        ["wo_id", "user_id", "overtime", "hours", "cost"],
        unique=False,
    )
    op.create_table(
        "contractor_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("terminal", sa.String(length=16), nullable=False),
        sa.Column("wo_id", sa.Integer(), nullable=False),
        sa.Column("vendor", sa.String(length=80), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=True),
        sa.Column("rate", sa.Integer(), nullable=True),
        sa.Column("cost", sa.Integer(), nullable=False),
        sa.Column("po_number", sa.String(length=32), nullable=True),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("booked_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("cost >= 0", name="ck_contractor_cost"),
        sa.CheckConstraint(
            "(hours IS NULL AND rate IS NULL) OR (hours > 0 AND rate > 0)",
            name="ck_contractor_hours_rate",
        ),
        sa.UniqueConstraint("uuid"),
        sa.ForeignKeyConstraint(["wo_id"], ["work_order.id"]),
        sa.ForeignKeyConstraint(["booked_by"], ["user_account.id"]),
    )
    op.create_index(op.f("ix_contractor_entry_wo_id"), "contractor_entry", ["wo_id"], unique=False)
    op.create_table(
        "budget",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scope", "key", "period", name="uq_budget_scope_key_period"),
        sa.CheckConstraint("amount >= 0", name="ck_budget_amount"),
    )
    op.create_index("ix_budget_period", "budget", ["period"], unique=False)
    op.create_table(
        "work_order_cost",
        sa.Column("wo_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("wo_type", sa.String(length=8), nullable=False),
        sa.Column("downtime_hours", sa.Integer(), nullable=False),
        sa.Column("estimated_hours", sa.Integer(), nullable=False),
        sa.Column("parts_cost", sa.Integer(), nullable=True),
        sa.Column("labour_cost", sa.Integer(), nullable=True),
        sa.Column("labour_hours", sa.Integer(), nullable=True),
        sa.Column("contractor_cost", sa.Integer(), nullable=True),
        sa.Column("total_cost", sa.Integer(), nullable=True),
        sa.Column("lines", sa.Integer(), nullable=True),
        sa.Column("lines_off_plan", sa.Integer(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("period", sa.String(length=7), nullable=True),
        sa.PrimaryKeyConstraint("wo_id"),
        sa.CheckConstraint("downtime_hours >= 0", name="ck_wo_cost_downtime"),
        sa.CheckConstraint("estimated_hours >= 0", name="ck_wo_cost_estimate"),
        sa.ForeignKeyConstraint(["wo_id"], ["work_order.id"]),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"]),
    )
    op.create_index("ix_wo_cost_period", "work_order_cost", ["period"], unique=False)
    op.create_index(
        "ix_wo_cost_closed_on",
        "work_order_cost",
        [
            "closed_on",
            "asset_id",
            "wo_type",
            "total_cost",
            "parts_cost",
            "labour_cost",
            "labour_hours",
            "contractor_cost",
            "downtime_hours",
        ],
        unique=False,
    )
    op.create_table(
        "asset_cost",
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("replacement_value", sa.Integer(), nullable=True),
        sa.Column("downtime_cost_per_hour", sa.Integer(), nullable=False),
        sa.Column("lifetime_cost", sa.Integer(), nullable=False),
        sa.Column("own_cost", sa.Integer(), nullable=False),
        sa.Column("work_orders", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("asset_id"),
        sa.CheckConstraint(
            "replacement_value IS NULL OR replacement_value >= 0", name="ck_asset_cost_value"
        ),
        sa.CheckConstraint("downtime_cost_per_hour >= 0", name="ck_asset_cost_downtime"),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"]),
    )
    op.create_table(
        "line_usage",
        sa.Column("demand_line_id", sa.Integer(), nullable=False),
        sa.Column("wo_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("tool", sa.Boolean(), nullable=False),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("returned", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("used_value", sa.Integer(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("returns", sa.Integer(), nullable=False),
        sa.Column("return_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("demand_line_id"),
        sa.ForeignKeyConstraint(["demand_line_id"], ["demand_line.id"]),
        sa.ForeignKeyConstraint(["wo_id"], ["work_order.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["assignee_id"], ["user_account.id"]),
    )
    op.create_index(op.f("ix_line_usage_wo_id"), "line_usage", ["wo_id"], unique=False)
    op.create_index(
        "ix_line_usage_closed_on",
        "line_usage",
        ["closed_on", "item_id", "tool", "planned", "used", "issued", "returned", "used_value"],
        unique=False,
    )
    op.create_index(
        "ix_line_usage_returns",
        "line_usage",
        ["closed_on", "item_id", "assignee_id", "issued", "returned", "returns", "return_days"],
        unique=False,
    )
    op.create_index(
        "ix_movement_kind_time",
        "movement",
        [
            "kind",
            "created_at",
            "item_id",
            "qty",
            "unit_cost",
            "wo_id",
            "related_id",
            "reverses_id",
            "to_location_id",
        ],
        unique=False,
    )
    op.create_index(
        "ix_wo_asset_created", "work_order", ["asset_id", "created_at", "wo_type"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_wo_asset_created", table_name="work_order")
    op.drop_index("ix_movement_kind_time", table_name="movement")
    op.drop_index("ix_line_usage_returns", table_name="line_usage")
    op.drop_index("ix_line_usage_closed_on", table_name="line_usage")
    op.drop_index(op.f("ix_line_usage_wo_id"), table_name="line_usage")
    op.drop_table("line_usage")
    op.drop_table("asset_cost")
    op.drop_index("ix_wo_cost_closed_on", table_name="work_order_cost")
    op.drop_index("ix_wo_cost_period", table_name="work_order_cost")
    op.drop_table("work_order_cost")
    op.drop_index("ix_budget_period", table_name="budget")
    op.drop_table("budget")
    op.drop_index(op.f("ix_contractor_entry_wo_id"), table_name="contractor_entry")
    op.drop_table("contractor_entry")
    op.drop_index("ix_labour_wo_cover", table_name="labour_entry")
    op.drop_index("ix_labour_user_date", table_name="labour_entry")
    op.drop_index(op.f("ix_labour_entry_wo_id"), table_name="labour_entry")
    op.drop_table("labour_entry")
    op.drop_table("trade_rate")
