"""Purchasing: vendors and their prices, requisitions, purchase orders with their approval
log, receipts against PO lines, invoices, three-way-match exceptions and price variances.

Work orders and purchase orders stay separate records, linked through the PO line's
`wo_id` / `demand_line_id` / `asset_id`. Quantities are thousandths of the item's UoM,
money is cents. Every row a terminal can create carries a UUID and its terminal.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field

from models._columns import TableModel, new_uuid, utcnow


class Vendor(TableModel, table=True):
    __tablename__ = "vendor"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name: str
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class VendorItem(TableModel, table=True):
    """What a vendor calls an item, what it costs there and how long it takes to come."""

    __tablename__ = "vendor_item"
    __table_args__ = (
        UniqueConstraint("vendor_id", "item_id", name="uq_vendor_item"),
        CheckConstraint("unit_price >= 0 AND lead_time_days >= 0", name="ck_vendor_item"),
    )

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id")
    item_id: int = Field(foreign_key="item.id", index=True)
    vendor_part: str | None = Field(default=None, max_length=64)
    unit_price: int = 0  # cents per base unit
    lead_time_days: int = 0


class ItemSupply(TableModel, table=True):
    """How an item is bought: its preferred vendor, whether a receipt goes to inspection,
    and the reorder state (set when a reorder requisition was raised below min, cleared
    once availability is back at min or above: one requisition per dip)."""

    __tablename__ = "item_supply"

    item_id: int = Field(foreign_key="item.id", primary_key=True)
    preferred_vendor_id: int | None = Field(default=None, foreign_key="vendor.id")
    inspect_on_receipt: bool = False
    reorder_raised_at: datetime | None = None


class RequisitionSource(StrEnum):
    REORDER = "reorder"  # availability fell below min
    SHORTAGE = "shortage"  # a WO's demand line could not be reserved
    MANUAL = "manual"


class RequisitionStatus(StrEnum):
    OPEN = "open"
    ORDERED = "ordered"
    CANCELLED = "cancelled"


class RequisitionLine(TableModel, table=True):
    """A need to buy: an item and a quantity, from a reorder point, a WO shortage or a
    person; it becomes a PO line when a buyer orders it."""

    __tablename__ = "requisition_line"
    __table_args__ = (
        CheckConstraint("qty > 0", name="ck_requisition_qty"),
        Index("ix_requisition_item_status", "item_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    terminal: str = Field(default="", max_length=16)
    number: str = Field(unique=True, max_length=32)  # RQ-000001, RQ-T2-000001
    item_id: int = Field(foreign_key="item.id")
    qty: int
    source: str = Field(max_length=12)
    wo_id: int | None = Field(default=None, foreign_key="work_order.id", index=True)
    demand_line_id: int | None = Field(default=None, foreign_key="demand_line.id", index=True)
    asset_id: int | None = Field(default=None, foreign_key="asset.id")
    vendor_id: int | None = Field(default=None, foreign_key="vendor.id")
    needed_by: date | None = None
    status: str = Field(default=RequisitionStatus.OPEN, max_length=12)
    po_line_id: int | None = Field(default=None, foreign_key="purchase_order_line.id")
    erp_number: str | None = Field(default=None, max_length=64)
    note: str | None = None
    created_by: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class PoStatus(StrEnum):
    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REFUSED = "refused"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class PurchaseOrder(TableModel, table=True):
    __tablename__ = "purchase_order"
    __table_args__ = (
        CheckConstraint("total >= 0", name="ck_po_total"),
        Index("ix_po_status_vendor", "status", "vendor_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    terminal: str = Field(default="", max_length=16)
    number: str = Field(unique=True, max_length=32)  # PO-000001, PO-T2-000001
    vendor_id: int = Field(foreign_key="vendor.id", index=True)
    status: str = Field(default=PoStatus.DRAFT, max_length=20)
    expedited: bool = False  # shown on every list; never a bypass of approval
    total: int = 0  # cents, kept equal to the sum of its lines
    requested_date: date | None = None
    cost_centre: str | None = Field(default=None, max_length=32)
    erp_number: str | None = Field(default=None, max_length=64)
    created_by: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None


class PurchaseOrderLine(TableModel, table=True):
    __tablename__ = "purchase_order_line"
    __table_args__ = (
        UniqueConstraint("po_id", "line_no", name="uq_po_line_no"),
        CheckConstraint("qty > 0 AND unit_price >= 0", name="ck_po_line"),
        CheckConstraint("received_qty >= 0 AND invoiced_qty >= 0", name="ck_po_line_progress"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    terminal: str = Field(default="", max_length=16)
    po_id: int = Field(foreign_key="purchase_order.id", index=True)
    line_no: int
    item_id: int = Field(foreign_key="item.id", index=True)
    qty: int
    unit_price: int  # cents per base unit
    cost_centre: str | None = Field(default=None, max_length=32)
    requested_date: date | None = None
    wo_id: int | None = Field(default=None, foreign_key="work_order.id", index=True)
    demand_line_id: int | None = Field(default=None, foreign_key="demand_line.id")
    asset_id: int | None = Field(default=None, foreign_key="asset.id")
    received_qty: int = 0  # kept with each receipt, in the same transaction
    invoiced_qty: int = 0


class PurchaseOrderEvent(TableModel, table=True):
    """One decision or status change on a PO: who (and in which role), what, why, when."""

    __tablename__ = "purchase_order_event"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    terminal: str = Field(default="", max_length=16)
    po_id: int = Field(foreign_key="purchase_order.id", index=True)
    decision: str = Field(max_length=16)  # created|submitted|approved|refused|received|...
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    user_id: int = Field(foreign_key="user_account.id")
    role: str = Field(max_length=16)
    reason: str | None = None
    at: datetime = Field(default_factory=utcnow)


class Receipt(TableModel, table=True):
    """Links a receive movement to the PO line it delivers (the movement table is not
    widened): quantity, price, and what of it was reserved at once to a waiting WO."""

    __tablename__ = "receipt"
    __table_args__ = (CheckConstraint("qty > 0", name="ck_receipt_qty"),)

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    terminal: str = Field(default="", max_length=16)
    po_line_id: int = Field(foreign_key="purchase_order_line.id", index=True)
    movement_id: int = Field(foreign_key="movement.id", unique=True)
    qty: int
    unit_price: int
    inspection: bool = False  # went to QUARANTINE, waits for release
    released_qty: int = 0
    reserved_wo_id: int | None = Field(default=None, foreign_key="work_order.id", index=True)
    reserved_qty: int = 0
    user_id: int = Field(foreign_key="user_account.id")
    at: datetime = Field(default_factory=utcnow)


class InvoiceStatus(StrEnum):
    MATCHED = "matched"
    EXCEPTION = "exception"  # outside a tolerance: waits in the exceptions list
    ACCEPTED = "accepted"  # an exception resolved by a person


class Invoice(TableModel, table=True):
    __tablename__ = "invoice"
    __table_args__ = (UniqueConstraint("vendor_id", "vendor_ref", name="uq_invoice_vendor_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    terminal: str = Field(default="", max_length=16)
    po_id: int = Field(foreign_key="purchase_order.id", index=True)
    vendor_id: int = Field(foreign_key="vendor.id")
    vendor_ref: str = Field(max_length=64)  # the vendor's invoice number
    invoice_date: date | None = None
    total: int = 0  # cents
    status: str = Field(default=InvoiceStatus.MATCHED, max_length=12)
    entered_by: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)


class InvoiceLine(TableModel, table=True):
    __tablename__ = "invoice_line"
    __table_args__ = (CheckConstraint("qty > 0 AND unit_price >= 0", name="ck_invoice_line"),)

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    po_line_id: int = Field(foreign_key="purchase_order_line.id", index=True)
    qty: int
    unit_price: int
    amount: int  # qty x unit_price, cents


class MatchException(TableModel, table=True):
    """A three-way-match mismatch: PO vs receipts vs invoice, with the reason."""

    __tablename__ = "match_exception"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    terminal: str = Field(default="", max_length=16)
    po_id: int = Field(foreign_key="purchase_order.id", index=True)
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    po_line_id: int | None = Field(default=None, foreign_key="purchase_order_line.id")
    kind: str = Field(max_length=12)  # price|qty
    reason: str
    status: str = Field(default="open", max_length=12)  # open|resolved
    created_at: datetime = Field(default_factory=utcnow)
    resolved_by: int | None = Field(default=None, foreign_key="user_account.id")
    resolved_at: datetime | None = None
    resolution: str | None = None


class PriceVariance(TableModel, table=True):
    """The difference between the invoice price and the PO price on an accepted invoice
    line: charged to the WO the goods were bought for, or absorbed into the moving
    average of the stock on hand (DESIGN: the WO carries what was paid)."""

    __tablename__ = "price_variance"

    id: int | None = Field(default=None, primary_key=True)
    invoice_line_id: int = Field(foreign_key="invoice_line.id", index=True)
    item_id: int = Field(foreign_key="item.id")
    wo_id: int | None = Field(default=None, foreign_key="work_order.id", index=True)
    qty: int
    amount: int  # cents, negative when the invoice is cheaper than the PO
    applied_to: str = Field(max_length=12)  # work_order|stock|unabsorbed
    at: datetime = Field(default_factory=utcnow)
