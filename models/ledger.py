"""The ledger: append-only movements, the balances kept beside them, lots and serials."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field

from models._columns import TableModel, utcnow


class Lot(TableModel, table=True):
    __tablename__ = "lot"
    __table_args__ = (UniqueConstraint("item_id", "lot_no", name="uq_lot_item"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id")
    lot_no: str = Field(max_length=64)
    expiry: date | None = None


class Serial(TableModel, table=True):
    """One serialised unit and where it is now (kept in step with its movements)."""

    __tablename__ = "serial"
    __table_args__ = (UniqueConstraint("item_id", "serial_no", name="uq_serial_item"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id")
    serial_no: str = Field(max_length=64)
    lot_id: int | None = Field(default=None, foreign_key="lot.id")
    location_id: int = Field(foreign_key="location.id")
    wo_id: int | None = Field(default=None, foreign_key="work_order.id", index=True)


class MovementKind(StrEnum):
    RECEIVE = "receive"
    ISSUE = "issue"
    RETURN = "return"
    WRITE_OFF = "writeoff"
    TRANSFER = "transfer"
    ADJUST = "adjust"
    REVERSAL = "reversal"


class Movement(TableModel, table=True):
    """One change of quantity. Never updated, never deleted; mistakes are reversed."""

    __tablename__ = "movement"
    __table_args__ = (
        CheckConstraint("qty > 0", name="ck_movement_qty"),
        CheckConstraint("from_location_id <> to_location_id", name="ck_movement_places"),
        Index("ix_movement_item_time", "item_id", "created_at"),
        # the stock look-up's "who has it in WIP": an item's WIP movements read from the
        # index alone (revision 0005)
        Index(
            "ix_movement_item_places",
            "item_id",
            "to_location_id",
            "from_location_id",
            "wo_id",
            "qty",
        ),
        # a WO's issues, returns and write-offs per line (the queue's readiness, the WIP
        # position) from the index alone; without it SQLite reads every movement of the
        # kind through ix_movement_kind_time (revision 0005)
        Index("ix_movement_wo_kind", "wo_id", "kind", "demand_line_id", "qty"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # the idempotency key of this movement; a posting of several movements shares
    # `posting_key` (the client's key) and derives each movement's key from it
    uuid: str = Field(unique=True, max_length=36)
    posting_key: str = Field(index=True, max_length=36)
    kind: str = Field(max_length=12)
    item_id: int = Field(foreign_key="item.id")
    qty: int  # thousandths, always > 0
    from_location_id: int = Field(foreign_key="location.id")
    to_location_id: int = Field(foreign_key="location.id")
    lot_id: int | None = Field(default=None, foreign_key="lot.id")
    serial_id: int | None = Field(default=None, foreign_key="serial.id")
    # looked up through ix_movement_wo_kind, which starts with it (revision 0007)
    wo_id: int | None = Field(default=None, foreign_key="work_order.id")
    demand_line_id: int | None = Field(default=None, foreign_key="demand_line.id", index=True)
    reservation_id: int | None = Field(default=None, foreign_key="reservation.id")
    # the issue that a return or write-off settles
    related_id: int | None = Field(default=None, foreign_key="movement.id", index=True)
    # the movement this one reverses; one reversal at most per movement
    reverses_id: int | None = Field(default=None, foreign_key="movement.id", unique=True)
    unit_cost: int = 0  # cents per base unit
    condition: str | None = Field(default=None, max_length=12)
    deviation: str | None = Field(default=None, max_length=16)  # substitute|additional|over_issue
    reason: str | None = None
    user_id: int = Field(foreign_key="user_account.id")
    terminal: str = Field(default="", max_length=16)
    created_at: datetime = Field(default_factory=utcnow)


class Balance(TableModel, table=True):
    """Quantity per item x location x lot x serial; 0 stands for "no lot" / "no serial".

    Kept in the same transaction as each movement, always re-derivable from them.
    """

    __tablename__ = "balance"
    __table_args__ = (Index("ix_balance_location", "location_id"),)

    item_id: int = Field(foreign_key="item.id", primary_key=True)
    location_id: int = Field(foreign_key="location.id", primary_key=True)
    lot_id: int = Field(default=0, primary_key=True)
    serial_id: int = Field(default=0, primary_key=True)
    qty: int = 0
