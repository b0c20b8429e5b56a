"""Purchasing: vendors, requisitions, purchase orders, approvals, receipts and invoices (issue 6).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

Frozen like 0001: plain SQLAlchemy types, tables and constraints in the order the models
(`models/purchasing.py`) make them, so a migrated file equals a new one exactly. New
tables only: the item and movement tables are not widened (a receipt is linked to its
movement by the `receipt` table; how an item is bought lives in `item_supply`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vendor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "vendor_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("vendor_part", sa.String(length=64), nullable=True),
        sa.Column("unit_price", sa.Integer(), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vendor_id", "item_id", name="uq_vendor_item"),
        sa.CheckConstraint("unit_price >= 0 AND lead_time_days >= 0", name="ck_vendor_item"),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendor.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
    )
    op.create_index(op.f("ix_vendor_item_item_id"), "vendor_item", ["item_id"], unique=False)
    op.create_table(
        "item_supply",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("preferred_vendor_id", sa.Integer(), nullable=True),
        sa.Column("inspect_on_receipt", sa.Boolean(), nullable=False),
        sa.Column("reorder_raised_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("item_id"),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["preferred_vendor_id"], ["vendor.id"]),
    )
    op.create_table(
        "purchase_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("terminal", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("expedited", sa.Boolean(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("requested_date", sa.Date(), nullable=True),
        sa.Column("cost_centre", sa.String(length=32), nullable=True),
        sa.Column("erp_number", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("total >= 0", name="ck_po_total"),
        sa.UniqueConstraint("uuid"),
        sa.UniqueConstraint("number"),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendor.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["user_account.id"]),
    )
    op.create_index("ix_po_status_vendor", "purchase_order", ["status", "vendor_id"], unique=False)
    op.create_index(
        op.f("ix_purchase_order_vendor_id"), "purchase_order", ["vendor_id"], unique=False
    )
    op.create_table(
        "purchase_order_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("terminal", sa.String(length=16), nullable=False),
        sa.Column("po_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Integer(), nullable=False),
        sa.Column("cost_centre", sa.String(length=32), nullable=True),
        sa.Column("requested_date", sa.Date(), nullable=True),
        sa.Column("wo_id", sa.Integer(), nullable=True),
        sa.Column("demand_line_id", sa.Integer(), nullable=True),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("received_qty", sa.Integer(), nullable=False),
        sa.Column("invoiced_qty", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("po_id", "line_no", name="uq_po_line_no"),
        sa.CheckConstraint("qty > 0 AND unit_price >= 0", name="ck_po_line"),
        sa.CheckConstraint("received_qty >= 0 AND invoiced_qty >= 0", name="ck_po_line_progress"),
        sa.UniqueConstraint("uuid"),
        sa.ForeignKeyConstraint(["po_id"], ["purchase_order.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["wo_id"], ["work_order.id"]),
        sa.ForeignKeyConstraint(["demand_line_id"], ["demand_line.id"]),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"]),
    )
    op.create_index(
        op.f("ix_purchase_order_line_item_id"), "purchase_order_line", ["item_id"], unique=False
    )
    op.create_index(
        op.f("ix_purchase_order_line_po_id"), "purchase_order_line", ["po_id"], unique=False
    )
    op.create_index(
        op.f("ix_purchase_order_line_wo_id"), "purchase_order_line", ["wo_id"], unique=False
    )
    op.create_table(
        "requisition_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("terminal", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("wo_id", sa.Integer(), nullable=True),
        sa.Column("demand_line_id", sa.Integer(), nullable=True),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("vendor_id", sa.Integer(), nullable=True),
        sa.Column("needed_by", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("po_line_id", sa.Integer(), nullable=True),
        sa.Column("erp_number", sa.String(length=64), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("qty > 0", name="ck_requisition_qty"),
        sa.UniqueConstraint("uuid"),
        sa.UniqueConstraint("number"),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["wo_id"], ["work_order.id"]),
        sa.ForeignKeyConstraint(["demand_line_id"], ["demand_line.id"]),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"]),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendor.id"]),
        sa.ForeignKeyConstraint(["po_line_id"], ["purchase_order_line.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["user_account.id"]),
    )
    op.create_index(
        "ix_requisition_item_status", "requisition_line", ["item_id", "status"], unique=False
    )
    op.create_index(
        op.f("ix_requisition_line_demand_line_id"),
        "requisition_line",
        ["demand_line_id"],
        unique=False,
    )
    op.create_index(op.f("ix_requisition_line_wo_id"), "requisition_line", ["wo_id"], unique=False)
    op.create_table(
        "purchase_order_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("terminal", sa.String(length=16), nullable=False),
        sa.Column("po_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
        sa.ForeignKeyConstraint(["po_id"], ["purchase_order.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
    )
    op.create_index(
        op.f("ix_purchase_order_event_po_id"), "purchase_order_event", ["po_id"], unique=False
    )
    op.create_table(
        "receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("terminal", sa.String(length=16), nullable=False),
        sa.Column("po_line_id", sa.Integer(), nullable=False),
        sa.Column("movement_id", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Integer(), nullable=False),
        sa.Column("inspection", sa.Boolean(), nullable=False),
        sa.Column("released_qty", sa.Integer(), nullable=False),
        sa.Column("reserved_wo_id", sa.Integer(), nullable=True),
        sa.Column("reserved_qty", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("qty > 0", name="ck_receipt_qty"),
        sa.UniqueConstraint("uuid"),
        sa.ForeignKeyConstraint(["po_line_id"], ["purchase_order_line.id"]),
        sa.UniqueConstraint("movement_id"),
        sa.ForeignKeyConstraint(["movement_id"], ["movement.id"]),
        sa.ForeignKeyConstraint(["reserved_wo_id"], ["work_order.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
    )
    op.create_index(op.f("ix_receipt_po_line_id"), "receipt", ["po_line_id"], unique=False)
    op.create_index(op.f("ix_receipt_reserved_wo_id"), "receipt", ["reserved_wo_id"], unique=False)
    op.create_table(
        "invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("terminal", sa.String(length=16), nullable=False),
        sa.Column("po_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("vendor_ref", sa.String(length=64), nullable=False),
        sa.Column("invoice_date", sa.Date(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vendor_id", "vendor_ref", name="uq_invoice_vendor_ref"),
        sa.UniqueConstraint("uuid"),
        sa.ForeignKeyConstraint(["po_id"], ["purchase_order.id"]),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendor.id"]),
        sa.ForeignKeyConstraint(["entered_by"], ["user_account.id"]),
    )
    op.create_index(op.f("ix_invoice_po_id"), "invoice", ["po_id"], unique=False)
    op.create_table(
        "invoice_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("po_line_id", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("qty > 0 AND unit_price >= 0", name="ck_invoice_line"),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoice.id"]),
        sa.ForeignKeyConstraint(["po_line_id"], ["purchase_order_line.id"]),
    )
    op.create_index(
        op.f("ix_invoice_line_invoice_id"), "invoice_line", ["invoice_id"], unique=False
    )
    op.create_index(
        op.f("ix_invoice_line_po_line_id"), "invoice_line", ["po_line_id"], unique=False
    )
    op.create_table(
        "match_exception",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("terminal", sa.String(length=16), nullable=False),
        sa.Column("po_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("po_line_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
        sa.ForeignKeyConstraint(["po_id"], ["purchase_order.id"]),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoice.id"]),
        sa.ForeignKeyConstraint(["po_line_id"], ["purchase_order_line.id"]),
        sa.ForeignKeyConstraint(["resolved_by"], ["user_account.id"]),
    )
    op.create_index(op.f("ix_match_exception_po_id"), "match_exception", ["po_id"], unique=False)
    op.create_table(
        "price_variance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_line_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("wo_id", sa.Integer(), nullable=True),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("applied_to", sa.String(length=12), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["invoice_line_id"], ["invoice_line.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["wo_id"], ["work_order.id"]),
    )
    op.create_index(
        op.f("ix_price_variance_invoice_line_id"),
        "price_variance",
        ["invoice_line_id"],
        unique=False,
    )
    op.create_index(op.f("ix_price_variance_wo_id"), "price_variance", ["wo_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_price_variance_invoice_line_id", table_name="price_variance")
    op.drop_index("ix_price_variance_wo_id", table_name="price_variance")
    op.drop_table("price_variance")
    op.drop_index("ix_match_exception_po_id", table_name="match_exception")
    op.drop_table("match_exception")
    op.drop_index("ix_invoice_line_invoice_id", table_name="invoice_line")
    op.drop_index("ix_invoice_line_po_line_id", table_name="invoice_line")
    op.drop_table("invoice_line")
    op.drop_index("ix_invoice_po_id", table_name="invoice")
    op.drop_table("invoice")
    op.drop_index("ix_receipt_po_line_id", table_name="receipt")
    op.drop_index("ix_receipt_reserved_wo_id", table_name="receipt")
    op.drop_table("receipt")
    op.drop_index("ix_purchase_order_event_po_id", table_name="purchase_order_event")
    op.drop_table("purchase_order_event")
    op.drop_index("ix_requisition_item_status", table_name="requisition_line")
    op.drop_index("ix_requisition_line_demand_line_id", table_name="requisition_line")
    op.drop_index("ix_requisition_line_wo_id", table_name="requisition_line")
    op.drop_table("requisition_line")
    op.drop_index("ix_purchase_order_line_item_id", table_name="purchase_order_line")
    op.drop_index("ix_purchase_order_line_po_id", table_name="purchase_order_line")
    op.drop_index("ix_purchase_order_line_wo_id", table_name="purchase_order_line")
    op.drop_table("purchase_order_line")
    op.drop_index("ix_po_status_vendor", table_name="purchase_order")
    op.drop_index("ix_purchase_order_vendor_id", table_name="purchase_order")
    op.drop_table("purchase_order")
    op.drop_table("item_supply")
    op.drop_index("ix_vendor_item_item_id", table_name="vendor_item")
    op.drop_table("vendor_item")
    op.drop_table("vendor")
