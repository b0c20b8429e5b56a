"""Purchasing: vendors and prices, requisitions, purchase orders and their approval.

A buyer groups open requisition lines by vendor into draft POs, submits them, and
someone else approves them within the tier their role may approve (settings:
`po.limit.planner`, `po.limit.supervisor`; a controller and an admin approve any total).
Nobody approves their own PO; every decision is logged with who, in which role, and
why. Expedited POs are flagged on every list, never let past approval. Receiving is in
`receiving`, invoices and the three-way match in `invoicing`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from models import (
    Asset,
    DemandLine,
    Item,
    ItemSupply,
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    RequisitionLine,
    User,
    Vendor,
    VendorItem,
    WorkOrder,
)
from models._columns import utcnow
from models.purchasing import PoStatus, RequisitionSource, RequisitionStatus
from storeroom_tui import catalog, replenishment
from storeroom_tui.errors import (
    AlreadyExists,
    ApprovalRefused,
    ImportRefused,
    InvalidQuantity,
    InvalidValue,
    PurchaseOrderState,
    UnknownPurchaseOrder,
    UnknownRequisition,
    UnknownVendor,
)
from storeroom_tui.permissions import Action, Actor, Role
from storeroom_tui.quantities import format_money, format_qty, value_of

# --- settings: approval tiers and tolerances --------------------------------------------

# key -> default; money in cents, percentages in basis points (1% = 100)
SETTING_DEFAULTS: dict[str, int] = {
    "po.limit.planner": 50_000,  # a planner approves up to 500.00
    "po.limit.supervisor": 500_000,  # a supervisor up to 5,000.00; above: a controller
    "po.tolerance.price": 500,  # invoice price within 5% of the PO price
    "po.tolerance.qty": 0,  # invoiced quantity over the ordered quantity
    "po.tolerance.over_delivery": 1_000,  # receive up to 10% over the ordered quantity
}


@dataclass(frozen=True, slots=True)
class PurchasingSettings:
    planner_limit: int  # cents
    supervisor_limit: int  # cents
    price_tolerance: int  # basis points
    qty_tolerance: int  # basis points
    over_delivery: int  # basis points

    def limit_for(self, role: Role) -> int | None:
        """The highest PO total `role` may approve; None: any total."""
        if role == Role.PLANNER:
            return self.planner_limit
        if role == Role.SUPERVISOR:
            return self.supervisor_limit
        return None  # controller, admin


def purchasing_settings(session: Session) -> PurchasingSettings:
    def value(key: str) -> int:
        stored = catalog.get_setting(session, key)
        return int(stored) if stored is not None else SETTING_DEFAULTS[key]

    return PurchasingSettings(
        value("po.limit.planner"),
        value("po.limit.supervisor"),
        value("po.tolerance.price"),
        value("po.tolerance.qty"),
        value("po.tolerance.over_delivery"),
    )


def parse_percent(text: str | int) -> int:
    """'2.5' -> 250 basis points; 0 to 1000%, at most 2 decimals."""
    raw = str(text).strip().removesuffix("%").strip()
    try:
        number = Decimal(raw)
    except ArithmeticError:
        raise InvalidValue(f"percentage {text!r} is not a number", text) from None
    if not number.is_finite() or number < 0 or number > 1000:
        raise InvalidValue(f"percentage {text!r} must be between 0 and 1000", text)
    basis = number * 100
    if basis != basis.to_integral_value():
        raise InvalidValue(f"percentage {text!r} has more than 2 decimals", text)
    return int(basis)


def format_percent(basis_points: int) -> str:
    return f"{Decimal(basis_points) / 100:g}%"


def set_purchasing_settings(
    session: Session,
    actor: Actor,
    planner_limit: int | None = None,
    supervisor_limit: int | None = None,
    price_tolerance: int | None = None,
    qty_tolerance: int | None = None,
    over_delivery: int | None = None,
) -> PurchasingSettings:
    """Change the approval tiers (cents) and tolerances (basis points) given; keep the rest."""
    actor.require(Action.PURCHASING_SETTINGS)
    current = purchasing_settings(session)
    planner = current.planner_limit if planner_limit is None else planner_limit
    supervisor = current.supervisor_limit if supervisor_limit is None else supervisor_limit
    if planner > supervisor:
        raise InvalidValue(
            f"the planner limit {format_money(planner)} is above the supervisor limit "
            f"{format_money(supervisor)}",
            planner,
        )
    for key, given in (
        ("po.limit.planner", planner_limit),
        ("po.limit.supervisor", supervisor_limit),
        ("po.tolerance.price", price_tolerance),
        ("po.tolerance.qty", qty_tolerance),
        ("po.tolerance.over_delivery", over_delivery),
    ):
        if given is not None:
            if given < 0:
                raise InvalidValue(f"{key} {given} must be zero or more", given)
            catalog.set_setting(session, key, str(given))
    return purchasing_settings(session)


# --- vendors and how items are bought ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class VendorPrice:
    vendor: str
    vendor_name: str
    part: str
    vendor_part: str | None
    unit_price: int
    lead_time_days: int
    preferred: bool


def add_vendor(session: Session, actor: Actor, code: str, name: str) -> Vendor:
    actor.require(Action.MASTER_DATA)
    text = code.strip().upper()
    if not text or len(text) > 32 or not all(ch.isalnum() or ch in "-_." for ch in text):
        raise InvalidValue(f"vendor code {code!r} must be letters, digits, '-', '_', '.'", code)
    if not name.strip():
        raise InvalidValue(f"vendor {text} needs a name", name)
    if session.execute(select(Vendor.id).where(Vendor.code == text)).first():
        raise AlreadyExists(f"vendor {text} already exists", text)
    vendor = Vendor(code=text, name=name.strip())
    session.add(vendor)
    session.flush()
    return vendor


def find_vendor(session: Session, code: str) -> Vendor:
    vendor = session.execute(
        select(Vendor).where(Vendor.code == code.strip().upper())
    ).scalar_one_or_none()
    if vendor is None:
        raise UnknownVendor(f"no vendor {code!r}", code)
    return vendor


def list_vendors(session: Session) -> list[Vendor]:
    return list(session.execute(select(Vendor).order_by(Vendor.code)).scalars())


def set_vendor_price(
    session: Session,
    actor: Actor,
    vendor_code: str,
    part: str,
    unit_price: int,
    vendor_part: str | None = None,
    lead_time_days: int | None = None,
) -> VendorPrice:
    """What a vendor calls the item and charges for it (added, or changed)."""
    actor.require(Action.MASTER_DATA)
    vendor = find_vendor(session, vendor_code)
    item = catalog.find_item(session, part)
    if unit_price < 0:
        raise InvalidValue(f"price {format_money(unit_price)} must be zero or more", unit_price)
    if lead_time_days is not None and lead_time_days < 0:
        raise InvalidValue(f"lead time {lead_time_days} days must be zero or more", lead_time_days)
    row = session.execute(
        select(VendorItem).where(VendorItem.vendor_id == vendor.id, VendorItem.item_id == item.id)
    ).scalar_one_or_none()
    if row is None:
        row = VendorItem(vendor_id=vendor.id, item_id=item.id)  # type: ignore[arg-type]
    row.unit_price = unit_price
    if vendor_part is not None:
        row.vendor_part = vendor_part.strip() or None
    if lead_time_days is not None:
        row.lead_time_days = lead_time_days
    session.add(row)
    session.flush()
    assert item.id is not None
    return _vendor_price(session, vendor, item, row)


def _vendor_price(session: Session, vendor: Vendor, item: Item, row: VendorItem) -> VendorPrice:
    assert item.id is not None
    return VendorPrice(
        vendor.code,
        vendor.name,
        item.part_number,
        row.vendor_part,
        row.unit_price,
        row.lead_time_days,
        replenishment.preferred_vendor_id(session, item.id) == vendor.id,
    )


def import_price_list(
    session: Session,
    actor: Actor,
    vendor_code: str,
    rows: list[tuple[str, int, str | None, int]],
) -> int:
    """A vendor's whole price list at once: (part, unit price, their code, lead time days)
    per row; rows for items already listed replace their price. Any unknown part or
    negative price refuses the whole list. Returns the number of rows."""
    actor.require(Action.MASTER_DATA)
    vendor = find_vendor(session, vendor_code)
    parts = [part.strip().upper() for part, *_ in rows]
    items = dict(
        session.execute(
            select(Item.part_number, Item.id).where(Item.part_number.in_(parts))  # type: ignore[attr-defined]
        ).all()
    )
    unknown = [part for part in parts if part not in items]
    if unknown:
        raise InvalidValue(
            f"price list of {vendor.code}: no item {', '.join(unknown[:5])}"
            + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""),
            unknown,
        )
    existing = {
        row.item_id: row
        for row in session.execute(
            select(VendorItem).where(VendorItem.vendor_id == vendor.id)
        ).scalars()
    }
    for (part, price, code, lead), key in zip(rows, parts, strict=True):
        if price < 0 or lead < 0:
            raise InvalidValue(f"price list of {vendor.code}: {part} has a negative value", part)
        row = existing.get(items[key]) or VendorItem(vendor_id=vendor.id, item_id=items[key])  # type: ignore[arg-type]
        row.unit_price, row.vendor_part, row.lead_time_days = price, code, lead
        session.add(row)
    session.flush()
    return len(rows)


def vendor_prices(session: Session, part: str) -> list[VendorPrice]:
    """Every vendor's price for an item, cheapest first."""
    item = catalog.find_item(session, part)
    rows = session.execute(
        select(VendorItem, Vendor)
        .join(Vendor, Vendor.id == VendorItem.vendor_id)
        .where(VendorItem.item_id == item.id)
        .order_by(VendorItem.unit_price, Vendor.code)
    ).all()
    return [_vendor_price(session, vendor, item, row) for row, vendor in rows]


@dataclass(frozen=True, slots=True)
class ItemSupplyView:
    part: str
    min_qty: int
    max_qty: int
    reorder_qty: int
    lead_time_days: int
    preferred_vendor: str | None
    inspect_on_receipt: bool
    available: int
    on_order: int
    reorder_raised: bool


def set_item_supply(
    session: Session,
    actor: Actor,
    part: str,
    min_qty: int | None = None,
    max_qty: int | None = None,
    reorder_qty: int | None = None,
    lead_time_days: int | None = None,
    preferred_vendor: str | None = None,
    inspect_on_receipt: bool | None = None,
) -> ItemSupplyView:
    """Reorder point (min / max / reorder quantity / lead time), preferred vendor and
    whether receipts go to inspection. Only what is given changes."""
    actor.require(Action.MASTER_DATA)
    item = catalog.find_item(session, part)
    assert item.id is not None
    new_min = item.min_qty if min_qty is None else min_qty
    new_max = item.max_qty if max_qty is None else max_qty
    for what, value in (
        ("min", new_min),
        ("max", new_max),
        ("reorder quantity", reorder_qty),
        ("lead time", lead_time_days),
    ):
        if value is not None and value < 0:
            raise InvalidQuantity(f"{what} {value / 1000:g} must be zero or more", value)
    if new_max and new_min > new_max:
        raise InvalidValue(f"min {format_qty(new_min)} is above max {format_qty(new_max)}", new_min)
    item.min_qty, item.max_qty = new_min, new_max
    if reorder_qty is not None:
        item.reorder_qty = reorder_qty
    if lead_time_days is not None:
        item.lead_time_days = lead_time_days
    session.add(item)
    supply = session.get(ItemSupply, item.id) or ItemSupply(item_id=item.id)
    if preferred_vendor is not None:
        supply.preferred_vendor_id = (
            find_vendor(session, preferred_vendor).id if preferred_vendor.strip() else None
        )
    if inspect_on_receipt is not None:
        supply.inspect_on_receipt = inspect_on_receipt
    session.add(supply)
    session.flush()
    return item_supply(session, item.part_number)


def item_supply(session: Session, part: str) -> ItemSupplyView:
    item = catalog.find_item(session, part)
    assert item.id is not None
    supply = session.get(ItemSupply, item.id)
    vendor_id = replenishment.preferred_vendor_id(session, item.id)
    vendor = session.get(Vendor, vendor_id) if vendor_id else None
    return ItemSupplyView(
        item.part_number,
        item.min_qty,
        item.max_qty,
        item.reorder_qty,
        item.lead_time_days,
        vendor.code if vendor else None,
        bool(supply and supply.inspect_on_receipt),
        replenishment.available(session, item.id),
        replenishment.on_order_for_stock(session, item.id),
        bool(supply and supply.reorder_raised_at),
    )


# --- requisitions ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequisitionView:
    number: str
    part: str
    description: str
    uom: str
    qty: int
    source: str
    status: str
    work_order: str | None
    asset: str | None
    vendor: str | None  # the requisition's vendor, else the item's preferred / cheapest
    unit_price: int | None  # that vendor's price
    needed_by: date | None
    po_number: str | None
    erp_number: str | None
    note: str | None
    created_by: str
    created_at: datetime
    expedited: bool  # for an emergency WO (type EM or priority 1)
    wo_status: str | None = None  # the WO's status now: a closed or cancelled WO needs none


def _expedited(work_order: WorkOrder | None) -> bool:
    return work_order is not None and (work_order.wo_type == "EM" or work_order.priority == 1)


def _requisition_view(session: Session, req: RequisitionLine) -> RequisitionView:
    item = session.get(Item, req.item_id)
    assert item is not None
    work_order = session.get(WorkOrder, req.wo_id) if req.wo_id else None
    asset = session.get(Asset, req.asset_id) if req.asset_id else None
    vendor_id = req.vendor_id or replenishment.preferred_vendor_id(session, req.item_id)
    vendor = session.get(Vendor, vendor_id) if vendor_id else None
    price = None
    if vendor is not None:
        price = session.execute(
            select(VendorItem.unit_price).where(
                VendorItem.vendor_id == vendor.id, VendorItem.item_id == item.id
            )
        ).scalar_one_or_none()
    po_number = None
    if req.po_line_id:
        po_number = session.execute(
            select(PurchaseOrder.number)
            .join(PurchaseOrderLine, PurchaseOrderLine.po_id == PurchaseOrder.id)
            .where(PurchaseOrderLine.id == req.po_line_id)
        ).scalar_one_or_none()
    creator = session.get(User, req.created_by)
    return RequisitionView(
        req.number,
        item.part_number,
        item.description,
        item.uom,
        req.qty,
        req.source,
        req.status,
        work_order.number if work_order else None,
        asset.tag if asset else None,
        vendor.code if vendor else None,
        price,
        req.needed_by,
        po_number,
        req.erp_number,
        req.note,
        creator.name if creator else "?",
        req.created_at,
        _expedited(work_order),
        work_order.status if work_order else None,
    )


def find_requisition(session: Session, number: str) -> RequisitionLine:
    text = number.strip().upper()
    if text.isdigit():
        text = f"RQ-{int(text):06d}"
    req = session.execute(
        select(RequisitionLine).where(RequisitionLine.number == text)
    ).scalar_one_or_none()
    if req is None:
        raise UnknownRequisition(f"no requisition {number!r}", number)
    return req


def raise_requisition(
    session: Session,
    actor: Actor,
    part: str,
    qty: int,
    wo_number: str | None = None,
    needed_by: date | None = None,
    vendor: str | None = None,
    note: str | None = None,
) -> RequisitionView:
    """A requisition by hand (a clerk or a buyer), optionally for a WO."""
    actor.require(Action.REQUISITION)
    if qty <= 0:
        raise InvalidQuantity(f"quantity {format_qty(qty)} must be greater than zero", qty)
    item = catalog.find_item(session, part)
    work_order = catalog.find_work_order(session, wo_number) if wo_number else None
    vendor_id = find_vendor(session, vendor).id if vendor else None
    assert item.id is not None
    req = replenishment.new_requisition(
        session,
        actor,
        item.id,
        qty,
        RequisitionSource.MANUAL,
        wo_id=work_order.id if work_order else None,
        asset_id=work_order.asset_id if work_order else None,
        vendor_id=vendor_id,
        needed_by=needed_by or (work_order.due_date if work_order else None),
        note=note.strip() if note else None,
    )
    return _requisition_view(session, req)


def list_requisitions(
    session: Session, status: str | None = "open", source: str | None = None
) -> list[RequisitionView]:
    """Requisition lines, WO-linked and expedited first, then oldest first."""
    query = select(RequisitionLine)
    if status:
        if status not in tuple(RequisitionStatus):
            known = ", ".join(RequisitionStatus)
            raise InvalidValue(f"status {status!r} is not one of: {known}", status)
        query = query.where(RequisitionLine.status == status)
    if source:
        if source not in tuple(RequisitionSource):
            known = ", ".join(RequisitionSource)
            raise InvalidValue(f"source {source!r} is not one of: {known}", source)
        query = query.where(RequisitionLine.source == source)
    rows = session.execute(query.order_by(RequisitionLine.id)).scalars().all()
    views = [_requisition_view(session, req) for req in rows]
    views.sort(key=lambda v: (not v.expedited, v.work_order is None))
    return views


def cancel_requisition(session: Session, actor: Actor, number: str, reason: str) -> RequisitionView:
    actor.require(Action.REQUISITION)
    req = find_requisition(session, number)
    if req.status != RequisitionStatus.OPEN:
        raise PurchaseOrderState(
            f"{req.number} is {req.status}: only an open requisition can be cancelled", req.number
        )
    if not reason.strip():
        raise InvalidValue(f"cancelling {req.number} needs a reason", reason)
    req.status = RequisitionStatus.CANCELLED
    req.note = f"cancelled: {reason.strip()}"
    req.updated_at = utcnow()
    session.add(req)
    session.flush()
    return _requisition_view(session, req)


# --- purchase orders -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PoLineView:
    line_no: int
    part: str
    description: str
    uom: str
    qty: int
    unit_price: int
    amount: int
    received: int
    invoiced: int
    requested_date: date | None
    cost_centre: str | None
    work_order: str | None
    asset: str | None
    requisitions: list[str]

    @property
    def outstanding(self) -> int:
        return max(self.qty - self.received, 0)


@dataclass(frozen=True, slots=True)
class PoEventView:
    at: datetime
    decision: str
    from_status: str | None
    to_status: str
    who: str
    role: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class PurchaseOrderView:
    number: str
    vendor: str
    vendor_name: str
    status: str
    expedited: bool
    total: int
    requested_date: date | None
    cost_centre: str | None
    erp_number: str | None
    created_by: str
    created_at: datetime
    approval_needs: str  # the role this total needs: planner, supervisor or controller
    lines: list[PoLineView] = field(default_factory=list)
    events: list[PoEventView] = field(default_factory=list)

    @property
    def received_value(self) -> int:
        return sum(value_of(line.received, line.unit_price) for line in self.lines)


def find_purchase_order(session: Session, number: str) -> PurchaseOrder:
    """By number (`PO-000001`, or just `1`), or by the ERP's number for it."""
    text = number.strip().upper()
    if text.isdigit():
        text = f"PO-{int(text):06d}"
    po = session.execute(
        select(PurchaseOrder).where(PurchaseOrder.number == text)
    ).scalar_one_or_none()
    if po is None:
        po = session.execute(
            select(PurchaseOrder).where(PurchaseOrder.erp_number == number.strip())
        ).scalar_one_or_none()
    if po is None:
        raise UnknownPurchaseOrder(f"no purchase order {number!r}", number)
    return po


def po_lines(session: Session, po: PurchaseOrder) -> list[PurchaseOrderLine]:
    return list(
        session.execute(
            select(PurchaseOrderLine)
            .where(PurchaseOrderLine.po_id == po.id)
            .order_by(PurchaseOrderLine.line_no)
        ).scalars()
    )


def approval_needs(settings: PurchasingSettings, total: int) -> Role:
    if total <= settings.planner_limit:
        return Role.PLANNER
    if total <= settings.supervisor_limit:
        return Role.SUPERVISOR
    return Role.CONTROLLER


def po_detail(session: Session, number: str) -> PurchaseOrderView:
    """A PO with its lines (ordered, received, invoiced, WO links) and its decision log."""
    po = find_purchase_order(session, number)
    return _po_view(session, po)


def _po_view(session: Session, po: PurchaseOrder, with_lines: bool = True) -> PurchaseOrderView:
    vendor = session.get(Vendor, po.vendor_id)
    creator = session.get(User, po.created_by)
    assert vendor is not None
    lines: list[PoLineView] = []
    events: list[PoEventView] = []
    if with_lines:
        for line in po_lines(session, po):
            item = session.get(Item, line.item_id)
            assert item is not None
            work_order = session.get(WorkOrder, line.wo_id) if line.wo_id else None
            asset = session.get(Asset, line.asset_id) if line.asset_id else None
            reqs = list(
                session.execute(
                    select(RequisitionLine.number)
                    .where(RequisitionLine.po_line_id == line.id)
                    .order_by(RequisitionLine.number)
                ).scalars()
            )
            lines.append(
                PoLineView(
                    line.line_no,
                    item.part_number,
                    item.description,
                    item.uom,
                    line.qty,
                    line.unit_price,
                    value_of(line.qty, line.unit_price),
                    line.received_qty,
                    line.invoiced_qty,
                    line.requested_date,
                    line.cost_centre,
                    work_order.number if work_order else None,
                    asset.tag if asset else None,
                    reqs,
                )
            )
        for event, name in session.execute(
            select(PurchaseOrderEvent, User.name)
            .join(User, User.id == PurchaseOrderEvent.user_id)
            .where(PurchaseOrderEvent.po_id == po.id)
            .order_by(PurchaseOrderEvent.id)
        ).all():
            events.append(
                PoEventView(
                    event.at,
                    event.decision,
                    event.from_status,
                    event.to_status,
                    name,
                    event.role,
                    event.reason,
                )
            )
    return PurchaseOrderView(
        po.number,
        vendor.code,
        vendor.name,
        po.status,
        po.expedited,
        po.total,
        po.requested_date,
        po.cost_centre,
        po.erp_number,
        creator.name if creator else "?",
        po.created_at,
        approval_needs(purchasing_settings(session), po.total).value,
        lines,
        events,
    )


def list_purchase_orders(
    session: Session, status: str | None = None, vendor: str | None = None
) -> list[PurchaseOrderView]:
    """POs (without their lines), expedited first, then newest first."""
    query = select(PurchaseOrder)
    if status:
        if status not in tuple(PoStatus):
            raise InvalidValue(f"status {status!r} is not one of: {', '.join(PoStatus)}", status)
        query = query.where(PurchaseOrder.status == status)
    if vendor:
        query = query.where(PurchaseOrder.vendor_id == find_vendor(session, vendor).id)
    rows = session.execute(query.order_by(PurchaseOrder.id.desc())).scalars().all()  # type: ignore[union-attr]
    views = [_po_view(session, po, with_lines=False) for po in rows]
    views.sort(key=lambda v: not v.expedited)
    return views


def log_po_event(
    session: Session,
    actor: Actor,
    po: PurchaseOrder,
    decision: str,
    to_status: str,
    reason: str | None = None,
) -> None:
    assert po.id is not None
    session.add(
        PurchaseOrderEvent(
            terminal=actor.terminal,
            po_id=po.id,
            decision=decision,
            from_status=po.status,
            to_status=to_status,
            user_id=actor.user_id,
            role=actor.role.value,
            reason=reason,
        )
    )
    po.status = to_status
    po.updated_at = utcnow()
    session.add(po)
    session.flush()


def _refresh_total(session: Session, po: PurchaseOrder) -> None:
    po.total = sum(value_of(line.qty, line.unit_price) for line in po_lines(session, po))
    session.add(po)
    session.flush()


def create_purchase_order(
    session: Session,
    actor: Actor,
    vendor: str,
    requested_date: date | None = None,
    cost_centre: str | None = None,
    expedited: bool = False,
) -> PurchaseOrderView:
    """An empty draft PO; lines come from requisitions or `add_po_line`."""
    actor.require(Action.PURCHASE)
    po = _new_po(session, actor, find_vendor(session, vendor), requested_date, cost_centre)
    po.expedited = expedited
    session.add(po)
    session.flush()
    return _po_view(session, po)


def _new_po(
    session: Session,
    actor: Actor,
    vendor: Vendor,
    requested_date: date | None,
    cost_centre: str | None,
) -> PurchaseOrder:
    if not vendor.active:
        raise InvalidValue(f"vendor {vendor.code} is not active", vendor.code)
    po = PurchaseOrder(
        terminal=actor.terminal,
        number=replenishment.next_number(session, "PO", actor.terminal),
        vendor_id=vendor.id,  # type: ignore[arg-type]
        status=PoStatus.DRAFT,
        requested_date=requested_date,
        cost_centre=cost_centre.strip().upper() if cost_centre else None,
        created_by=actor.user_id,
    )
    session.add(po)
    session.flush()
    session.add(
        PurchaseOrderEvent(
            terminal=actor.terminal,
            po_id=po.id,  # type: ignore[arg-type]
            decision="created",
            from_status=None,
            to_status=PoStatus.DRAFT,
            user_id=actor.user_id,
            role=actor.role.value,
        )
    )
    session.flush()
    return po


def _price_of(session: Session, vendor_id: int, item: Item) -> int:
    price = session.execute(
        select(VendorItem.unit_price).where(
            VendorItem.vendor_id == vendor_id, VendorItem.item_id == item.id
        )
    ).scalar_one_or_none()
    return item.avg_cost if price is None else price


def _lead_date(session: Session, vendor_id: int, item: Item) -> date:
    from storeroom_tui.ledger import today

    days = session.execute(
        select(VendorItem.lead_time_days).where(
            VendorItem.vendor_id == vendor_id, VendorItem.item_id == item.id
        )
    ).scalar_one_or_none()
    return today() + timedelta(days=days if days is not None else item.lead_time_days)


def _add_line(
    session: Session,
    actor: Actor,
    po: PurchaseOrder,
    item: Item,
    qty: int,
    unit_price: int,
    requested_date: date | None,
    cost_centre: str | None,
    work_order: WorkOrder | None = None,
    demand_line_id: int | None = None,
) -> PurchaseOrderLine:
    last = session.execute(
        select(func.max(PurchaseOrderLine.line_no)).where(PurchaseOrderLine.po_id == po.id)
    ).scalar_one()
    asset = session.get(Asset, work_order.asset_id) if work_order else None
    line = PurchaseOrderLine(
        terminal=actor.terminal,
        po_id=po.id,  # type: ignore[arg-type]
        line_no=(last or 0) + 1,
        item_id=item.id,  # type: ignore[arg-type]
        qty=qty,
        unit_price=unit_price,
        cost_centre=(asset.cost_centre if asset and asset.cost_centre else cost_centre),
        requested_date=requested_date,
        wo_id=work_order.id if work_order else None,
        demand_line_id=demand_line_id,
        asset_id=asset.id if asset else None,
    )
    session.add(line)
    session.flush()
    if _expedited(work_order):
        po.expedited = True
    _refresh_total(session, po)
    return line


# what a PO's status allows, as the services below check it (screens offer keys from these)
SUBMITTABLE = (PoStatus.DRAFT, PoStatus.REFUSED)  # also: its lines may change
CANCELLABLE = (PoStatus.DRAFT, PoStatus.PENDING_APPROVAL, PoStatus.REFUSED, PoStatus.APPROVED)


def _require_draft(po: PurchaseOrder) -> None:
    if po.status not in SUBMITTABLE:
        raise PurchaseOrderState(
            f"{po.number} is {po.status.replace('_', ' ')}: lines change only on a draft "
            "or refused PO",
            po.number,
        )


def add_po_line(
    session: Session,
    actor: Actor,
    po_number: str,
    part: str,
    qty: int,
    unit_price: int | None = None,
    wo_number: str | None = None,
    requested_date: date | None = None,
) -> PurchaseOrderView:
    """A line on a draft PO; the price defaults to the vendor's, else the moving average."""
    actor.require(Action.PURCHASE)
    po = find_purchase_order(session, po_number)
    _require_draft(po)
    if qty <= 0:
        raise InvalidQuantity(f"quantity {format_qty(qty)} must be greater than zero", qty)
    if unit_price is not None and unit_price < 0:
        raise InvalidValue(f"price {format_money(unit_price)} must be zero or more", unit_price)
    item = catalog.find_item(session, part)
    work_order = catalog.find_work_order(session, wo_number) if wo_number else None
    price = _price_of(session, po.vendor_id, item) if unit_price is None else unit_price
    _add_line(
        session,
        actor,
        po,
        item,
        qty,
        price,
        requested_date or po.requested_date or _lead_date(session, po.vendor_id, item),
        po.cost_centre,
        work_order,
    )
    return _po_view(session, po)


def order_requisitions(
    session: Session,
    actor: Actor,
    numbers: list[str],
    vendor: str | None = None,
    requested_date: date | None = None,
    cost_centre: str | None = None,
) -> list[PurchaseOrderView]:
    """Group open requisition lines by vendor into draft POs, one per vendor.

    Each line keeps its WO / demand line / asset link and gets the vendor's price; the
    requested date is the requisition's need date, else today + the vendor's lead time.
    A PO for an emergency WO (type EM or priority 1) is flagged expedited.
    """
    actor.require(Action.PURCHASE)
    if not numbers:
        raise InvalidValue("name at least one requisition to order", numbers)
    forced = find_vendor(session, vendor) if vendor else None
    reqs = [find_requisition(session, number) for number in numbers]
    groups: dict[int, list[RequisitionLine]] = {}
    for req in reqs:
        if req.status != RequisitionStatus.OPEN:
            raise PurchaseOrderState(
                f"{req.number} is {req.status}: only open requisitions can be ordered", req.number
            )
        vendor_id = (
            forced.id
            if forced
            else (req.vendor_id or replenishment.preferred_vendor_id(session, req.item_id))
        )
        if vendor_id is None:
            item = session.get(Item, req.item_id)
            raise InvalidValue(
                f"{req.number} {item.part_number if item else ''} has no vendor: give a vendor "
                "or set a vendor price for the item",
                req.number,
            )
        if req.wo_id is not None:
            work_order = session.get(WorkOrder, req.wo_id)
            if work_order is not None and work_order.status in ("closed", "cancelled"):
                raise PurchaseOrderState(
                    f"{req.number} is for {work_order.number}, which is {work_order.status}: "
                    "cancel the requisition instead",
                    req.number,
                )
        groups.setdefault(vendor_id, []).append(req)
    made: list[PurchaseOrder] = []
    for vendor_id, group in groups.items():
        vendor_row = session.get(Vendor, vendor_id)
        assert vendor_row is not None
        po = _new_po(session, actor, vendor_row, requested_date, cost_centre)
        for req in group:
            item = session.get(Item, req.item_id)
            assert item is not None
            work_order = session.get(WorkOrder, req.wo_id) if req.wo_id else None
            line = _add_line(
                session,
                actor,
                po,
                item,
                req.qty,
                _price_of(session, vendor_id, item),
                requested_date or req.needed_by or _lead_date(session, vendor_id, item),
                cost_centre,
                work_order,
                req.demand_line_id,
            )
            req.status = RequisitionStatus.ORDERED
            req.po_line_id = line.id
            req.updated_at = utcnow()
            session.add(req)
        session.flush()
        made.append(po)
    return [_po_view(session, po) for po in made]


def submit_purchase_order(session: Session, actor: Actor, po_number: str) -> PurchaseOrderView:
    """Draft (or refused, after changes) -> pending approval."""
    actor.require(Action.PURCHASE)
    po = find_purchase_order(session, po_number)
    _require_draft(po)
    if not po_lines(session, po):
        raise PurchaseOrderState(f"{po.number} has no lines to approve", po.number)
    needs = approval_needs(purchasing_settings(session), po.total)
    log_po_event(
        session,
        actor,
        po,
        "submitted",
        PoStatus.PENDING_APPROVAL,
        f"total {format_money(po.total)} needs a {needs.value}",
    )
    return _po_view(session, po)


def _check_approver(session: Session, actor: Actor, po: PurchaseOrder, verb: str) -> None:
    actor.require(Action.APPROVE_PO)
    if po.status != PoStatus.PENDING_APPROVAL:
        raise PurchaseOrderState(
            f"{po.number} is {po.status.replace('_', ' ')}, not pending approval", po.number
        )
    if po.created_by == actor.user_id:
        raise ApprovalRefused(
            f"{actor.name} ({actor.badge}) made {po.number} and may not {verb} it: "
            "nobody decides on their own PO",
            po.number,
        )
    settings = purchasing_settings(session)
    limit = settings.limit_for(actor.role)
    if limit is not None and po.total > limit:
        needs = approval_needs(settings, po.total)
        raise ApprovalRefused(
            f"{po.number} totals {format_money(po.total)}, above the {format_money(limit)} a "
            f"{actor.role.value} may {verb}: it needs a {needs.value}",
            po.number,
        )


def approve_purchase_order(
    session: Session, actor: Actor, po_number: str, reason: str | None = None
) -> PurchaseOrderView:
    """Pending approval -> approved, by someone else whose role's tier covers the total.
    An expedited PO is approved the same way (the flag is shown, not a bypass)."""
    po = find_purchase_order(session, po_number)
    _check_approver(session, actor, po, "approve")
    log_po_event(session, actor, po, "approved", PoStatus.APPROVED, (reason or "").strip() or None)
    return _po_view(session, po)


def refuse_purchase_order(
    session: Session, actor: Actor, po_number: str, reason: str
) -> PurchaseOrderView:
    """Pending approval -> refused, with the reason; the buyer may change and resubmit."""
    po = find_purchase_order(session, po_number)
    _check_approver(session, actor, po, "refuse")
    if not reason.strip():
        raise InvalidValue(f"refusing {po.number} needs a reason", reason)
    log_po_event(session, actor, po, "refused", PoStatus.REFUSED, reason.strip())
    return _po_view(session, po)


def cancel_purchase_order(
    session: Session, actor: Actor, po_number: str, reason: str
) -> PurchaseOrderView:
    """Before anything is received; its requisitions are open again."""
    actor.require(Action.PURCHASE)
    po = find_purchase_order(session, po_number)
    lines = po_lines(session, po)
    if po.status not in CANCELLABLE or any(line.received_qty for line in lines):
        raise PurchaseOrderState(
            f"{po.number} is {po.status.replace('_', ' ')}: only a PO with nothing received "
            "can be cancelled",
            po.number,
        )
    if not reason.strip():
        raise InvalidValue(f"cancelling {po.number} needs a reason", reason)
    for line in lines:
        for req in session.execute(
            select(RequisitionLine).where(RequisitionLine.po_line_id == line.id)
        ).scalars():
            req.status = RequisitionStatus.OPEN
            req.po_line_id = None
            req.updated_at = utcnow()
            session.add(req)
    log_po_event(session, actor, po, "cancelled", PoStatus.CANCELLED, reason.strip())
    return _po_view(session, po)


# --- the weekly open-PO review ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenPo:
    number: str
    status: str
    expedited: bool
    requested_date: date | None
    days_late: int  # 0 when not overdue
    ordered_value: int
    received_value: int
    outstanding_value: int
    lines_open: int

    @property
    def overdue(self) -> bool:
        return self.days_late > 0

    @property
    def partly_received(self) -> bool:
        return self.received_value > 0


@dataclass(frozen=True, slots=True)
class VendorReview:
    vendor: str
    vendor_name: str
    purchase_orders: list[OpenPo]

    @property
    def outstanding_value(self) -> int:
        return sum(po.outstanding_value for po in self.purchase_orders)


def open_po_review(
    session: Session, today: date | None = None, only_late_or_partial: bool = True
) -> list[VendorReview]:
    """Approved POs still waiting for goods, by vendor: the overdue ones (a line's
    requested date passed) and the partly received ones, most late first."""
    from storeroom_tui.ledger import today as ledger_today

    day = today or ledger_today()
    rows = session.execute(
        select(PurchaseOrder, Vendor)
        .join(Vendor, Vendor.id == PurchaseOrder.vendor_id)
        .where(
            PurchaseOrder.status.in_((PoStatus.APPROVED, PoStatus.PARTIALLY_RECEIVED))  # type: ignore[attr-defined]
        )
        .order_by(Vendor.code, PurchaseOrder.number)
    ).all()
    by_vendor: dict[str, VendorReview] = {}
    for po, vendor in rows:
        lines = po_lines(session, po)
        open_lines = [line for line in lines if line.received_qty < line.qty]
        late_dates = [
            line.requested_date or po.requested_date
            for line in open_lines
            if (line.requested_date or po.requested_date) is not None
        ]
        due = min(late_dates) if late_dates else None  # type: ignore[type-var]
        days_late = max((day - due).days, 0) if due else 0
        ordered = sum(value_of(line.qty, line.unit_price) for line in lines)
        received = sum(value_of(line.received_qty, line.unit_price) for line in lines)
        entry = OpenPo(
            po.number,
            po.status,
            po.expedited,
            due,
            days_late,
            ordered,
            received,
            sum(value_of(line.qty - line.received_qty, line.unit_price) for line in open_lines),
            len(open_lines),
        )
        if only_late_or_partial and not (entry.overdue or entry.partly_received):
            continue
        review = by_vendor.setdefault(vendor.code, VendorReview(vendor.code, vendor.name, []))
        review.purchase_orders.append(entry)
    for review in by_vendor.values():
        review.purchase_orders.sort(key=lambda p: (-p.days_late, p.number))
    return list(by_vendor.values())


# --- ERP handoff ------------------------------------------------------------------------------

REQUISITION_FIELDS = (
    "number",
    "part",
    "description",
    "qty",
    "uom",
    "source",
    "status",
    "work_order",
    "asset",
    "vendor",
    "unit_price",
    "needed_by",
    "po_number",
    "erp_number",
)
PO_FIELDS = (
    "number",
    "vendor",
    "status",
    "expedited",
    "total",
    "requested_date",
    "cost_centre",
    "erp_number",
    "line_no",
    "part",
    "qty",
    "uom",
    "unit_price",
    "amount",
    "line_requested_date",
    "line_cost_centre",
    "work_order",
    "asset",
)


def _decimal(value: int, scale: int) -> str:
    return format(Decimal(value) / scale, "f") if value % scale else str(value // scale)


def _render(rows: list[dict[str, Any]], fields: tuple[str, ...], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, indent=2, default=str) + "\n"
    if fmt != "csv":
        raise InvalidValue(f"format {fmt!r} is not one of: csv, json", fmt)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row[k] is None else row[k] for k in fields})
    return buffer.getvalue()


def export_requisitions(session: Session, fmt: str = "csv", status: str | None = "open") -> str:
    """Requisition lines for an ERP, one row each; quantities and prices as decimals."""
    rows = []
    for view in list_requisitions(session, status):
        row = asdict(view)
        row["qty"] = _decimal(view.qty, 1000)
        row["unit_price"] = _decimal(view.unit_price, 100) if view.unit_price is not None else None
        rows.append({k: row[k] for k in REQUISITION_FIELDS})
    return _render(rows, REQUISITION_FIELDS, fmt)


def export_purchase_orders(session: Session, fmt: str = "csv", status: str | None = None) -> str:
    """POs for an ERP: one row per PO line, the PO's fields repeated."""
    rows = []
    for summary in list_purchase_orders(session, status):
        po = po_detail(session, summary.number)
        for line in po.lines:
            rows.append(
                {
                    "number": po.number,
                    "vendor": po.vendor,
                    "status": po.status,
                    "expedited": po.expedited,
                    "total": _decimal(po.total, 100),
                    "requested_date": po.requested_date,
                    "cost_centre": po.cost_centre,
                    "erp_number": po.erp_number,
                    "line_no": line.line_no,
                    "part": line.part,
                    "qty": _decimal(line.qty, 1000),
                    "uom": line.uom,
                    "unit_price": _decimal(line.unit_price, 100),
                    "amount": _decimal(line.amount, 100),
                    "line_requested_date": line.requested_date,
                    "line_cost_centre": line.cost_centre,
                    "work_order": line.work_order,
                    "asset": line.asset,
                }
            )
    return _render(rows, PO_FIELDS, fmt)


@dataclass(frozen=True, slots=True)
class ErpImport:
    updated: list[tuple[str, str]]  # (our number, ERP number)
    unchanged: int


def _import_rows(text: str, fmt: str) -> list[dict[str, Any]]:
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportRefused(
                f"the file is not JSON: {error.msg} (line {error.lineno})"
            ) from None
        if isinstance(data, dict):
            data = [{"number": k, "erp_number": v} for k, v in data.items()]
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise ImportRefused("the JSON must be a list of {number, erp_number} objects")
        return data
    if fmt != "csv":
        raise InvalidValue(f"format {fmt!r} is not one of: csv, json", fmt)
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"number", "erp_number"} <= set(reader.fieldnames):
        raise ImportRefused("the CSV needs the columns number and erp_number")
    return list(reader)


def import_erp_numbers(session: Session, actor: Actor, text: str, fmt: str) -> ErpImport:
    """The ERP's numbers back onto our POs (`PO-…`) and requisitions (`RQ-…`).

    Every row is checked first; any bad row refuses the whole file, naming each bad
    row, and nothing is changed.
    """
    actor.require(Action.PURCHASE)
    rows = _import_rows(text, fmt)
    problems: list[str] = []
    targets: list[tuple[PurchaseOrder | RequisitionLine, str, str]] = []
    seen: set[str] = set()
    for index, row in enumerate(rows, start=2 if fmt == "csv" else 1):
        where = f"row {index}"
        number = str(row.get("number") or "").strip().upper()
        erp = str(row.get("erp_number") or "").strip()
        if not number:
            problems.append(f"{where}: no number")
            continue
        if not erp or len(erp) > 64:
            problems.append(f"{where} {number}: ERP number {erp!r} must be 1-64 characters")
            continue
        if number in seen:
            problems.append(f"{where} {number}: given twice")
            continue
        seen.add(number)
        target: PurchaseOrder | RequisitionLine | None
        if number.startswith("RQ-"):
            target = session.execute(
                select(RequisitionLine).where(RequisitionLine.number == number)
            ).scalar_one_or_none()
        else:
            target = session.execute(
                select(PurchaseOrder).where(PurchaseOrder.number == number)
            ).scalar_one_or_none()
        if target is None:
            problems.append(f"{where}: no purchase order or requisition {number}")
            continue
        if target.erp_number and target.erp_number != erp:
            problems.append(f"{where} {number}: already has ERP number {target.erp_number}")
            continue
        targets.append((target, number, erp))
    if problems:
        raise ImportRefused(
            f"nothing imported; {len(problems)} bad row(s): " + "; ".join(problems), problems
        )
    updated = []
    for target, number, erp in targets:
        if target.erp_number == erp:
            continue
        target.erp_number = erp
        session.add(target)
        updated.append((number, erp))
    session.flush()
    return ErpImport(updated, len(targets) - len(updated))


def demand_line_of(session: Session, line: PurchaseOrderLine) -> DemandLine | None:
    return session.get(DemandLine, line.demand_line_id) if line.demand_line_id else None
