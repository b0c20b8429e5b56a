"""Work orders, their status history, demand lines and reservations.

Every row a terminal can create carries a UUID and the terminal that made it, so that
a low-connectivity terminal can later sync without collisions (DESIGN.md section 8).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field

from models._columns import TableModel, new_uuid, utcnow


class WorkOrder(TableModel, table=True):
    __tablename__ = "work_order"
    __table_args__ = (
        CheckConstraint("priority BETWEEN 1 AND 4", name="ck_wo_priority"),
        Index("ix_wo_status_priority", "status", "priority"),
        # the queue (storeroom_tui/queue.py): covers its status/priority/text filters,
        # so filter-as-you-type scans this index instead of the table
        Index("ix_wo_queue", "status", "priority", "number", "due_date", "asset_id", "title"),
        # the queue sorted by priority over all statuses, or filtered by one priority
        Index("ix_wo_priority_number", "priority", "number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    terminal: str = Field(default="", max_length=16)
    number: str = Field(unique=True, max_length=32)
    asset_id: int = Field(foreign_key="asset.id", index=True)
    title: str
    wo_type: str = Field(default="CM", max_length=8)  # PM|CM|EM|INSP
    priority: int = 3
    status: str = Field(default="requested", max_length=16)
    requester_id: int | None = Field(default=None, foreign_key="user_account.id")
    assignee_id: int | None = Field(default=None, foreign_key="user_account.id")
    due_date: date | None = Field(default=None, index=True)
    planned_start: date | None = None
    actual_start: datetime | None = None
    actual_end: datetime | None = None
    parts_cost: int | None = None  # cents, frozen at close
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None


class WorkOrderEvent(TableModel, table=True):
    """One status change: who, when, from, to, why."""

    __tablename__ = "work_order_event"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    terminal: str = Field(default="", max_length=16)
    wo_id: int = Field(foreign_key="work_order.id", index=True)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    user_id: int = Field(foreign_key="user_account.id")
    reason: str | None = None
    at: datetime = Field(default_factory=utcnow)


class DemandLine(TableModel, table=True):
    """What a WO needs. An additional issue beyond plan gets a line with planned 0."""

    __tablename__ = "demand_line"
    __table_args__ = (
        UniqueConstraint("wo_id", "line_no", name="uq_demand_line_no"),
        CheckConstraint("planned_qty >= 0", name="ck_demand_planned"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    terminal: str = Field(default="", max_length=16)
    wo_id: int = Field(foreign_key="work_order.id", index=True)
    line_no: int
    item_id: int = Field(foreign_key="item.id", index=True)
    planned_qty: int  # thousandths
    mandatory: bool = True
    operation: str | None = None
    additional: bool = False
    reason: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class DemandSubstitute(TableModel, table=True):
    """An item allowed in place of the line's own."""

    __tablename__ = "demand_substitute"

    demand_line_id: int = Field(foreign_key="demand_line.id", primary_key=True)
    item_id: int = Field(foreign_key="item.id", primary_key=True)


class ReservationStatus(StrEnum):
    CREATED = "created"
    CONFIRMED = "confirmed"
    PARTIALLY_SUPPLIED = "partially_supplied"
    SUPPLIED = "supplied"
    CANCELLED = "cancelled"


OPEN_RESERVATION_STATUSES = (
    ReservationStatus.CREATED,
    ReservationStatus.CONFIRMED,
    ReservationStatus.PARTIALLY_SUPPLIED,
)


class Reservation(TableModel, table=True):
    """Stock promised to a demand line at a location (and lot). Lowers availability."""

    __tablename__ = "reservation"
    __table_args__ = (
        CheckConstraint("qty > 0", name="ck_reservation_qty"),
        CheckConstraint("supplied_qty >= 0 AND supplied_qty <= qty", name="ck_res_supplied"),
        Index("ix_reservation_open", "item_id", "location_id", "lot_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    terminal: str = Field(default="", max_length=16)
    demand_line_id: int = Field(foreign_key="demand_line.id", index=True)
    wo_id: int = Field(foreign_key="work_order.id", index=True)
    item_id: int = Field(foreign_key="item.id")
    location_id: int = Field(foreign_key="location.id")
    lot_id: int | None = Field(default=None, foreign_key="lot.id")
    qty: int
    supplied_qty: int = 0
    status: str = Field(default=ReservationStatus.CONFIRMED, max_length=20)
    user_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
