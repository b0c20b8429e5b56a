"""The first schema, exactly as the first release created it (commit 94b68d2).

Revision ID: 0001
Revises: -
Create Date: 2026-11-26

Frozen: written out in plain SQLAlchemy types (`String`, `DateTime(timezone=True)`) so
that later changes of the models or of SQLModel cannot change what this revision makes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "asset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("cost_centre", sa.String(length=32), nullable=True),
        sa.Column("criticality", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tag"),
        sa.ForeignKeyConstraint(["parent_id"], ["asset.id"]),
    )
    op.create_index(op.f("ix_asset_parent_id"), "asset", ["parent_id"], unique=False)
    op.create_table(
        "item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("part_number", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("uom", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("tracking", sa.String(length=8), nullable=False),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.Column("min_qty", sa.Integer(), nullable=False),
        sa.Column("max_qty", sa.Integer(), nullable=False),
        sa.Column("reorder_qty", sa.Integer(), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("avg_cost", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("min_qty >= 0 AND max_qty >= 0", name="ck_item_minmax"),
        sa.CheckConstraint("avg_cost >= 0", name="ck_item_avg_cost"),
        sa.UniqueConstraint("part_number"),
    )
    op.create_index(op.f("ix_item_description"), "item", ["description"], unique=False)
    op.create_table(
        "location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("barcode", sa.String(length=80), nullable=True),
        sa.Column("warehouse", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("physical", sa.Boolean(), nullable=False),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("barcode"),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("badge", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("badge"),
    )
    op.create_table(
        "balance",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("serial_id", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("item_id", "location_id", "lot_id", "serial_id"),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"]),
    )
    op.create_index("ix_balance_location", "balance", ["location_id"], unique=False)
    op.create_table(
        "item_barcode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=128), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.UniqueConstraint("code"),
    )
    op.create_index(op.f("ix_item_barcode_item_id"), "item_barcode", ["item_id"], unique=False)
    op.create_table(
        "lot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("lot_no", sa.String(length=64), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id", "lot_no", name="uq_lot_item"),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
    )
    op.create_table(
        "work_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("terminal", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("wo_type", sa.String(length=8), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("planned_start", sa.Date(), nullable=True),
        sa.Column("actual_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actual_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("parts_cost", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("priority BETWEEN 1 AND 4", name="ck_wo_priority"),
        sa.UniqueConstraint("uuid"),
        sa.UniqueConstraint("number"),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"]),
        sa.ForeignKeyConstraint(["requester_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["assignee_id"], ["user_account.id"]),
    )
    op.create_index("ix_wo_status_priority", "work_order", ["status", "priority"], unique=False)
    op.create_index(op.f("ix_work_order_asset_id"), "work_order", ["asset_id"], unique=False)
    op.create_index(op.f("ix_work_order_due_date"), "work_order", ["due_date"], unique=False)
    op.create_table(
        "demand_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("terminal", sa.String(length=16), nullable=False),
        sa.Column("wo_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("planned_qty", sa.Integer(), nullable=False),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.Column("operation", sa.String(), nullable=True),
        sa.Column("additional", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("wo_id", "line_no", name="uq_demand_line_no"),
        sa.CheckConstraint("planned_qty >= 0", name="ck_demand_planned"),
        sa.UniqueConstraint("uuid"),
        sa.ForeignKeyConstraint(["wo_id"], ["work_order.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
    )
    op.create_index(op.f("ix_demand_line_item_id"), "demand_line", ["item_id"], unique=False)
    op.create_index(op.f("ix_demand_line_wo_id"), "demand_line", ["wo_id"], unique=False)
    op.create_table(
        "serial",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("serial_no", sa.String(length=64), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("wo_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id", "serial_no", name="uq_serial_item"),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"]),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"]),
        sa.ForeignKeyConstraint(["wo_id"], ["work_order.id"]),
    )
    op.create_index(op.f("ix_serial_wo_id"), "serial", ["wo_id"], unique=False)
    op.create_table(
        "work_order_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("terminal", sa.String(length=16), nullable=False),
        sa.Column("wo_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
        sa.ForeignKeyConstraint(["wo_id"], ["work_order.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
    )
    op.create_index(op.f("ix_work_order_event_wo_id"), "work_order_event", ["wo_id"], unique=False)
    op.create_table(
        "demand_substitute",
        sa.Column("demand_line_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("demand_line_id", "item_id"),
        sa.ForeignKeyConstraint(["demand_line_id"], ["demand_line.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
    )
    op.create_table(
        "reservation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("terminal", sa.String(length=16), nullable=False),
        sa.Column("demand_line_id", sa.Integer(), nullable=False),
        sa.Column("wo_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("supplied_qty", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("qty > 0", name="ck_reservation_qty"),
        sa.CheckConstraint("supplied_qty >= 0 AND supplied_qty <= qty", name="ck_res_supplied"),
        sa.UniqueConstraint("uuid"),
        sa.ForeignKeyConstraint(["demand_line_id"], ["demand_line.id"]),
        sa.ForeignKeyConstraint(["wo_id"], ["work_order.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"]),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
    )
    op.create_index(
        op.f("ix_reservation_demand_line_id"), "reservation", ["demand_line_id"], unique=False
    )
    op.create_index(
        "ix_reservation_open",
        "reservation",
        ["item_id", "location_id", "lot_id", "status"],
        unique=False,
    )
    op.create_index(op.f("ix_reservation_wo_id"), "reservation", ["wo_id"], unique=False)
    op.create_table(
        "movement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("posting_key", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("from_location_id", sa.Integer(), nullable=False),
        sa.Column("to_location_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("serial_id", sa.Integer(), nullable=True),
        sa.Column("wo_id", sa.Integer(), nullable=True),
        sa.Column("demand_line_id", sa.Integer(), nullable=True),
        sa.Column("reservation_id", sa.Integer(), nullable=True),
        sa.Column("related_id", sa.Integer(), nullable=True),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("unit_cost", sa.Integer(), nullable=False),
        sa.Column("condition", sa.String(length=12), nullable=True),
        sa.Column("deviation", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("terminal", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("qty > 0", name="ck_movement_qty"),
        sa.CheckConstraint("from_location_id <> to_location_id", name="ck_movement_places"),
        sa.UniqueConstraint("uuid"),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["from_location_id"], ["location.id"]),
        sa.ForeignKeyConstraint(["to_location_id"], ["location.id"]),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"]),
        sa.ForeignKeyConstraint(["serial_id"], ["serial.id"]),
        sa.ForeignKeyConstraint(["wo_id"], ["work_order.id"]),
        sa.ForeignKeyConstraint(["demand_line_id"], ["demand_line.id"]),
        sa.ForeignKeyConstraint(["reservation_id"], ["reservation.id"]),
        sa.ForeignKeyConstraint(["related_id"], ["movement.id"]),
        sa.UniqueConstraint("reverses_id"),
        sa.ForeignKeyConstraint(["reverses_id"], ["movement.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
    )
    op.create_index(
        op.f("ix_movement_demand_line_id"), "movement", ["demand_line_id"], unique=False
    )
    op.create_index("ix_movement_item_time", "movement", ["item_id", "created_at"], unique=False)
    op.create_index(op.f("ix_movement_posting_key"), "movement", ["posting_key"], unique=False)
    op.create_index(op.f("ix_movement_related_id"), "movement", ["related_id"], unique=False)
    op.create_index(op.f("ix_movement_wo_id"), "movement", ["wo_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_movement_wo_id"), table_name="movement")
    op.drop_index(op.f("ix_movement_related_id"), table_name="movement")
    op.drop_index(op.f("ix_movement_posting_key"), table_name="movement")
    op.drop_index("ix_movement_item_time", table_name="movement")
    op.drop_index(op.f("ix_movement_demand_line_id"), table_name="movement")
    op.drop_table("movement")
    op.drop_index(op.f("ix_reservation_wo_id"), table_name="reservation")
    op.drop_index("ix_reservation_open", table_name="reservation")
    op.drop_index(op.f("ix_reservation_demand_line_id"), table_name="reservation")
    op.drop_table("reservation")
    op.drop_table("demand_substitute")
    op.drop_index(op.f("ix_work_order_event_wo_id"), table_name="work_order_event")
    op.drop_table("work_order_event")
    op.drop_index(op.f("ix_serial_wo_id"), table_name="serial")
    op.drop_table("serial")
    op.drop_index(op.f("ix_demand_line_wo_id"), table_name="demand_line")
    op.drop_index(op.f("ix_demand_line_item_id"), table_name="demand_line")
    op.drop_table("demand_line")
    op.drop_index(op.f("ix_work_order_due_date"), table_name="work_order")
    op.drop_index(op.f("ix_work_order_asset_id"), table_name="work_order")
    op.drop_index("ix_wo_status_priority", table_name="work_order")
    op.drop_table("work_order")
    op.drop_table("lot")
    op.drop_index(op.f("ix_item_barcode_item_id"), table_name="item_barcode")
    op.drop_table("item_barcode")
    op.drop_index("ix_balance_location", table_name="balance")
    op.drop_table("balance")
    op.drop_table("user_account")
    op.drop_table("setting")
    op.drop_table("location")
    op.drop_index(op.f("ix_item_description"), table_name="item")
    op.drop_table("item")
    op.drop_index(op.f("ix_asset_parent_id"), table_name="asset")
    op.drop_table("asset")
