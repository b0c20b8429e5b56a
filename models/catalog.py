"""Master data: users, items and their barcodes, locations, assets."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint
from sqlmodel import Field

from models._columns import TableModel, utcnow


class User(TableModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    badge: str = Field(unique=True, max_length=32)
    name: str
    role: str = Field(max_length=16)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class Item(TableModel, table=True):
    __tablename__ = "item"
    __table_args__ = (
        CheckConstraint("min_qty >= 0 AND max_qty >= 0", name="ck_item_minmax"),
        CheckConstraint("avg_cost >= 0", name="ck_item_avg_cost"),
    )

    id: int | None = Field(default=None, primary_key=True)
    part_number: str = Field(unique=True, max_length=64)
    description: str = Field(index=True)
    uom: str = Field(default="EA", max_length=8)
    kind: str = Field(default="material", max_length=16)  # material|tool|rotable|kit
    tracking: str = Field(default="none", max_length=8)  # none|lot|serial
    critical: bool = False
    min_qty: int = 0  # thousandths of the UoM
    max_qty: int = 0
    reorder_qty: int = 0
    lead_time_days: int = 0
    avg_cost: int = 0  # moving-average unit cost, cents per base unit
    created_at: datetime = Field(default_factory=utcnow)


class ItemBarcode(TableModel, table=True):
    """An item may carry several barcodes: its GTIN, a supplier code, our own label."""

    __tablename__ = "item_barcode"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    code: str = Field(unique=True, max_length=128)
    source: str = Field(default="own", max_length=16)  # own|gtin|supplier


class LocationKind(StrEnum):
    BIN = "bin"
    SUPPLIER = "supplier"
    WIP = "wip"
    CONSUMED = "consumed"
    QUARANTINE = "quarantine"
    SCRAP = "scrap"
    ADJUSTMENT = "adjustment"
    TRANSIT = "transit"


class Location(TableModel, table=True):
    """A bin (`MAIN/A-01-03`) or one of the virtual places stock moves through."""

    __tablename__ = "location"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    barcode: str | None = Field(default=None, unique=True, max_length=80)
    warehouse: str | None = Field(default=None, max_length=32)
    kind: str = Field(default=LocationKind.BIN, max_length=16)
    # physical places never go negative; available ones count towards availability
    physical: bool = True
    available: bool = True


class Asset(TableModel, table=True):
    __tablename__ = "asset"

    id: int | None = Field(default=None, primary_key=True)
    tag: str = Field(unique=True, max_length=64)
    name: str
    parent_id: int | None = Field(default=None, foreign_key="asset.id", index=True)
    cost_centre: str | None = Field(default=None, max_length=32)
    criticality: int = 3
