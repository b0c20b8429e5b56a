"""Cost: trade rates, labour and contractor entries, budgets, each WO's frozen cost and
each asset's values and rolled-up lifetime cost (issue 7).

Money is in cents, hours in thousandths of an hour, a factor in thousandths (1500 = x1.5).
The cost of a WO and the asset roll-up live in tables of their own (`work_order_cost`,
`asset_cost`), one row per WO / asset, so that the roll-up at closure is one UPDATE per
ancestor and the reports join one narrow row instead of widening `work_order`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, text
from sqlmodel import Field

from models._columns import TableModel, new_uuid, utcnow
from models.ledger import Movement
from models.workorder import WorkOrder


class TradeRate(TableModel, table=True):
    """The blended hourly rate of a trade (mechanical, electrical...) and its overtime factor."""

    __tablename__ = "trade_rate"
    __table_args__ = (
        CheckConstraint("rate > 0", name="ck_trade_rate_rate"),
        CheckConstraint("overtime_factor >= 1000", name="ck_trade_rate_overtime"),
    )

    id: int | None = Field(default=None, primary_key=True)
    trade: str = Field(unique=True, max_length=32)
    rate: int  # cents per hour
    overtime_factor: int = 1500  # thousandths: 1500 = time and a half
    updated_at: datetime = Field(default_factory=utcnow)


class LabourEntry(TableModel, table=True):
    """Hours one technician worked on a WO on one day, costed when booked."""

    __tablename__ = "labour_entry"
    __table_args__ = (
        CheckConstraint("hours > 0 AND hours <= 24000", name="ck_labour_hours"),
        CheckConstraint("rate > 0", name="ck_labour_rate"),
        CheckConstraint("cost >= 0", name="ck_labour_cost"),
        # the 24-hours-a-day check and the per-technician KPIs read by person and day
        Index("ix_labour_user_date", "user_id", "work_date"),
        # the reports add up a WO's labour by person from the index alone
        Index("ix_labour_wo_cover", "wo_id", "user_id", "overtime", "hours", "cost"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    terminal: str = Field(default="", max_length=16)
    wo_id: int = Field(foreign_key="work_order.id", index=True)
    user_id: int = Field(foreign_key="user_account.id")  # the technician
    trade: str = Field(max_length=32)
    work_date: date
    hours: int  # thousandths of an hour
    rate: int  # cents per hour, the trade's rate when booked (or an override)
    overtime: bool = False
    factor: int = 1000  # thousandths; the trade's overtime factor when overtime
    cost: int  # cents: hours x rate x factor, rounded half up
    booked_by: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)


class ContractorEntry(TableModel, table=True):
    """An outside firm's work on a WO: hours x rate, or a fixed amount; maybe paid by a PO."""

    __tablename__ = "contractor_entry"
    __table_args__ = (
        CheckConstraint("cost >= 0", name="ck_contractor_cost"),
        CheckConstraint(
            "(hours IS NULL AND rate IS NULL) OR (hours > 0 AND rate > 0)",
            name="ck_contractor_hours_rate",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, unique=True, max_length=36)
    terminal: str = Field(default="", max_length=16)
    wo_id: int = Field(foreign_key="work_order.id", index=True)
    vendor: str = Field(max_length=80)
    work_date: date
    hours: int | None = None  # thousandths, with rate; both empty for a fixed amount
    rate: int | None = None  # cents per hour
    cost: int  # cents
    po_number: str | None = Field(default=None, max_length=32)
    description: str | None = None
    booked_by: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)


class Budget(TableModel, table=True):
    """The maintenance budget of an asset, a cost centre or a site for one month."""

    __tablename__ = "budget"
    __table_args__ = (
        UniqueConstraint("scope", "key", "period", name="uq_budget_scope_key_period"),
        CheckConstraint("amount >= 0", name="ck_budget_amount"),
        Index("ix_budget_period", "period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=16)  # asset|cost_centre|site
    key: str = Field(max_length=64)  # the asset tag, the cost centre, the site's tag
    period: str = Field(max_length=7)  # YYYY-MM
    amount: int  # cents
    updated_at: datetime = Field(default_factory=utcnow)


class WorkOrderCost(TableModel, table=True):
    """A WO's downtime and estimate while open; its full cost, frozen once at closure."""

    __tablename__ = "work_order_cost"
    __table_args__ = (
        CheckConstraint("downtime_hours >= 0", name="ck_wo_cost_downtime"),
        CheckConstraint("estimated_hours >= 0", name="ck_wo_cost_estimate"),
        # the reports pick the WOs closed in a period, or between two dates
        Index("ix_wo_cost_period", "period"),
        Index(
            "ix_wo_cost_closed_on",
            "closed_on",
            "asset_id",
            "wo_type",
            "total_cost",
            "parts_cost",
            "labour_cost",
            "labour_hours",
            "contractor_cost",
            "downtime_hours",
        ),
    )

    wo_id: int = Field(foreign_key="work_order.id", primary_key=True)
    # the WO's asset and type, copied so the reports aggregate this table alone
    asset_id: int = Field(foreign_key="asset.id")
    wo_type: str = Field(max_length=8)
    downtime_hours: int = 0  # thousandths of an hour the asset stood still
    estimated_hours: int = 0  # thousandths: planned labour, for the backlog
    # frozen at closure (empty while the WO is open)
    parts_cost: int | None = None
    labour_cost: int | None = None
    labour_hours: int | None = None
    contractor_cost: int | None = None
    total_cost: int | None = None  # parts + labour + contractor
    lines: int | None = None  # demand lines at closure
    lines_off_plan: int | None = None  # of which used differs from planned (tools aside)
    closed_on: date | None = None
    period: str | None = Field(default=None, max_length=7)  # YYYY-MM of closed_on


class AssetCost(TableModel, table=True):
    """An asset's replacement value, its downtime cost and the lifetime cost rolled up to it
    (its own closed WOs and those of everything below it in the hierarchy)."""

    __tablename__ = "asset_cost"
    __table_args__ = (
        CheckConstraint(
            "replacement_value IS NULL OR replacement_value >= 0", name="ck_asset_cost_value"
        ),
        CheckConstraint("downtime_cost_per_hour >= 0", name="ck_asset_cost_downtime"),
    )

    asset_id: int = Field(foreign_key="asset.id", primary_key=True)
    replacement_value: int | None = None  # cents
    downtime_cost_per_hour: int = 0  # cents
    lifetime_cost: int = 0  # cents, own WOs and every descendant's
    own_cost: int = 0  # cents, this asset's own closed WOs
    work_orders: int = 0  # closed WOs rolled up into lifetime_cost


class LineUsage(TableModel, table=True):
    """What each demand line of a closed WO used against its plan, and how its returns
    came back, kept at closure so the consumption and returns reports read one row per
    line instead of the WO's movements."""

    __tablename__ = "line_usage"
    __table_args__ = (
        # covers the top-discrepancy query: lines closed in a window, by item
        Index(
            "ix_line_usage_closed_on",
            "closed_on",
            "item_id",
            "tool",
            "planned",
            "used",
            "issued",
            "returned",
            "used_value",
        ),
        # covers the returns report: lines closed in a window, by item or by assignee
        Index(
            "ix_line_usage_returns",
            "closed_on",
            "item_id",
            "assignee_id",
            "issued",
            "returned",
            "returns",
            "return_days",
        ),
    )

    demand_line_id: int = Field(foreign_key="demand_line.id", primary_key=True)
    wo_id: int = Field(foreign_key="work_order.id", index=True)
    item_id: int = Field(foreign_key="item.id")
    tool: bool = False  # tools come back by rule: never a deviation
    planned: int  # thousandths
    issued: int
    returned: int
    used: int  # written off to the WO
    used_value: int  # cents
    closed_on: date
    assignee_id: int | None = Field(default=None, foreign_key="user_account.id")
    returns: int = 0  # return movements that still stand (not reversed)
    return_days: int = 0  # their days from issue to return, summed, in thousandths of a day


class ItemMonth(TableModel, table=True):
    """One item's lines in the WOs closed in one month, added up at each closure, so that
    a report over many months reads one row per item and month instead of every line
    (`line_usage`): what they issued, got back and used, and how their returns came back.
    SQLite keeps the rows in key order (WITHOUT ROWID): an item's months lie together, so
    totals per item are read in one ordered pass."""

    __tablename__ = "item_month"
    __table_args__ = {"sqlite_with_rowid": False}

    item_id: int = Field(foreign_key="item.id", primary_key=True)
    period: str = Field(primary_key=True, max_length=7)  # YYYY-MM of the lines' closed_on
    lines: int = 0
    issued: int = 0  # thousandths
    returned: int = 0
    used: int = 0
    used_value: int = 0  # cents, of the lines that used something (used != 0)
    returns: int = 0  # return movements that still stand
    return_days: int = 0  # their days from issue to return, summed, in thousandths
    # the lines held to their plan (tools come back by rule, so they are left out)
    plan_lines: int = 0
    planned: int = 0  # thousandths
    plan_used: int = 0  # thousandths
    off_plan: int = 0  # |used - planned| line by line, summed, thousandths


class AssigneeMonth(TableModel, table=True):
    """The lines of the WOs one person was assigned, closed in one month, added up like
    `ItemMonth`. WOs without an assignee are not kept here: their lines are the item
    totals less these."""

    __tablename__ = "assignee_month"
    __table_args__ = {"sqlite_with_rowid": False}

    assignee_id: int = Field(foreign_key="user_account.id", primary_key=True)
    period: str = Field(primary_key=True, max_length=7)  # YYYY-MM of the lines' closed_on
    lines: int = 0
    issued: int = 0  # thousandths
    returned: int = 0
    returns: int = 0
    return_days: int = 0  # thousandths of a day


class LabourMonth(TableModel, table=True):
    """One technician's labour on the WOs closed in one month (by the WO's `closed_on`),
    added at each closure: how many of those WOs they worked on, their hours and cost."""

    __tablename__ = "labour_month"
    __table_args__ = {"sqlite_with_rowid": False}

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    period: str = Field(primary_key=True, max_length=7)  # YYYY-MM of the WOs' closed_on
    work_orders: int = 0
    hours: int = 0  # thousandths of an hour
    cost: int = 0  # cents


# the reports that read the ledger by time (returns, consumption pattern) pick movements of
# one kind in a window; declared here, on the movement table, with the revision (0004)
# (covering: the reports read these columns from the index alone)
Index(
    "ix_movement_kind_time",
    Movement.kind,  # type: ignore[arg-type]
    Movement.created_at,  # type: ignore[arg-type]
    Movement.item_id,  # type: ignore[arg-type]
    Movement.qty,  # type: ignore[arg-type]
    Movement.unit_cost,  # type: ignore[arg-type]
    Movement.wo_id,  # type: ignore[arg-type]
    Movement.related_id,  # type: ignore[arg-type]
    Movement.reverses_id,  # type: ignore[arg-type]
    Movement.to_location_id,  # type: ignore[arg-type]
)
# the returns report's quarantine ageing: the last return or receipt into a place, per item,
# lot and serial (0006). On SQLite a partial index of the returns and receipts alone (the
# query spells these kinds out as constants, so the planner can tell it applies); PostgreSQL
# indexes every movement (declaring its WHERE would load its dialect at each start, ~70 ms)
ARRIVAL_KINDS = "kind IN ('return', 'receive')"
Index(
    "ix_movement_arrivals",
    Movement.to_location_id,  # type: ignore[arg-type]
    Movement.item_id,  # type: ignore[arg-type]
    Movement.lot_id,  # type: ignore[arg-type]
    Movement.serial_id,  # type: ignore[arg-type]
    Movement.created_at,  # type: ignore[arg-type]
    sqlite_where=text(ARRIVAL_KINDS),
)
# first-time fix: a failure's asset's next failure, found by one index seek
Index(
    "ix_wo_asset_created",
    WorkOrder.asset_id,  # type: ignore[arg-type]
    WorkOrder.created_at,  # type: ignore[arg-type]
    WorkOrder.wo_type,  # type: ignore[arg-type]
)
