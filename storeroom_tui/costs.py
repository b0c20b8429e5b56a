"""Cost of work: labour, contractors and downtime booked on a WO, trade rates, budgets and
asset values, the WO's cost frozen at closure and rolled up its asset's hierarchy.

A WO's cost is parts (the write-offs at their moving average) + labour + contractor, to
the cent. It is frozen once, when the WO closes (`freeze_work_order_cost`, called from
`reconciliation.close_work_order`), and added in the same transaction to the lifetime
cost of its asset and of every ancestor (site > building > line > machine). Downtime is
kept beside the direct cost, priced at the asset's hourly downtime cost, never added in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import String, case, cast, delete, exists, func, insert, select, text, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel

from models import (
    Asset,
    AssetCost,
    AssigneeMonth,
    Budget,
    ContractorEntry,
    ItemMonth,
    LabourEntry,
    LabourMonth,
    LineUsage,
    Movement,
    PurchaseOrder,
    TradeRate,
    User,
    WorkOrder,
    WorkOrderCost,
)
from models._columns import utcnow
from storeroom_tui import catalog, ledger, wip
from storeroom_tui.errors import (
    CostsFrozen,
    InvalidDate,
    InvalidDateRange,
    InvalidHours,
    InvalidMoney,
    InvalidPeriod,
    InvalidQuantity,
    InvalidRate,
    InvalidValue,
    NotFound,
    TooManyHours,
    UnknownAsset,
    UnknownPurchaseOrder,
    UnknownTrade,
)
from storeroom_tui.gates import Status
from storeroom_tui.permissions import Action, Actor
from storeroom_tui.quantities import MILLI, format_money, format_qty, parse_money, parse_qty

DAY_HOURS = 24 * MILLI  # thousandths of an hour a person can work in a day
REACTIVE_TYPES = ("CM", "EM")
PLANNED_TYPES = ("PM", "INSP")
BUDGET_SCOPES = ("asset", "cost_centre", "site")
_FROZEN_STATUSES = (Status.CLOSED, Status.CANCELLED)
_PERIOD = re.compile(r"([0-9]{4})-([0-9]{2})")


# --- reading what people type ----------------------------------------------------------------


def parse_hours(raw: str | int, what: str = "hours") -> int:
    """'2.5' -> 2500 thousandths of an hour; more than zero, at most 3 decimals."""
    try:
        return parse_qty(raw)
    except InvalidQuantity as error:
        message = error.message.replace("quantity", what, 1)
        raise InvalidHours(message, str(raw).strip()) from None


def parse_hours_or_zero(raw: str | int, what: str = "hours") -> int:
    """Like parse_hours, but 0 is allowed (clearing a downtime or an estimate)."""
    text_value = str(raw).strip()
    if re.fullmatch(r"0+(\.0*)?", text_value):
        return 0
    return parse_hours(text_value, what)


def parse_rate(raw: str | int, what: str = "rate") -> int:
    """'45.50' -> 4550 cents; zero or below is refused."""
    text_value = str(raw).strip()
    if text_value.startswith("-"):
        raise InvalidRate(f"{what} {text_value} must be greater than zero", text_value)
    try:
        cents = parse_money(text_value)
    except InvalidMoney as error:
        raise InvalidRate(error.message.replace("amount", what, 1), text_value) from None
    if cents <= 0:
        raise InvalidRate(f"{what} {text_value} must be greater than zero", text_value)
    return cents


def parse_amount(raw: str | int, what: str = "amount") -> int:
    """'1200' -> 120000 cents; zero is allowed (a budget of nothing), negatives are not."""
    text_value = str(raw).strip()
    try:
        return parse_money(text_value)
    except InvalidMoney as error:
        raise InvalidMoney(error.message.replace("amount", what, 1), text_value) from None


def parse_factor(raw: str | int) -> int:
    """'1.5' -> 1500 thousandths; an overtime factor is at least 1."""
    text_value = str(raw).strip()
    try:
        factor = parse_qty(text_value)
    except InvalidQuantity:
        raise InvalidRate(
            f"overtime factor {text_value!r} is not a number of 1 or more", text_value
        ) from None
    if factor < MILLI:
        raise InvalidRate(f"overtime factor {text_value} must be 1 or more", text_value)
    return factor


def parse_period(raw: str) -> str:
    """'2026-11' -> '2026-11'; anything that is not a month is refused."""
    text_value = str(raw).strip()
    match = _PERIOD.fullmatch(text_value)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise InvalidPeriod(f"period {text_value!r} is not a month (YYYY-MM)", text_value)
    return text_value


def parse_day(raw: str | date | None, what: str = "date") -> date:
    """A date written YYYY-MM-DD; none means today."""
    if raw is None or raw == "":
        return ledger.today()
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise InvalidDate(f"{what} {raw!r} is not a date (YYYY-MM-DD)", raw) from None


def period_bounds(period: str) -> tuple[date, date]:
    """The first day of the month and the first day of the next."""
    year, month = (int(part) for part in parse_period(period).split("-"))
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following


def check_range(start: date, end: date) -> None:
    if end < start:
        raise InvalidDateRange(
            f"end date {end.isoformat()} is before the start {start.isoformat()}",
            end.isoformat(),
        )


def cost_of(hours: int, rate: int, factor: int = MILLI) -> int:
    """Cents for hours (thousandths) at a rate (cents/hour) times a factor (thousandths),
    rounded half up to the cent."""
    exact = Decimal(hours) * Decimal(rate) * Decimal(factor) / (MILLI * MILLI)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _trade(raw: str) -> str:
    name = raw.strip().lower()
    if not name or len(name) > 32 or not re.fullmatch(r"[a-z0-9][a-z0-9 _./-]*", name):
        raise InvalidValue(f"trade {raw!r} is not a trade name (letters, digits, - _ .)", raw)
    return name


def _open_work_order(session: Session, wo_number: str, what: str) -> WorkOrder:
    work_order = catalog.find_work_order(session, wo_number)
    if work_order.status in _FROZEN_STATUSES:
        frozen = "its cost is frozen" if work_order.status == Status.CLOSED else "it is void"
        raise CostsFrozen(
            f"{work_order.number} is {work_order.status}: {frozen}; no {what} can be booked",
            work_order.number,
        )
    return work_order


# --- trade rates -----------------------------------------------------------------------------


def set_trade_rate(
    session: Session, actor: Actor, trade: str, rate: int, overtime_factor: int = 1500
) -> TradeRate:
    """Set (or change) a trade's blended hourly rate; bookings already made keep theirs."""
    actor.require(Action.COST_SETTINGS)
    name = _trade(trade)
    if rate <= 0:
        raise InvalidRate(f"rate {format_money(rate)} must be greater than zero", rate)
    if overtime_factor < MILLI:
        raise InvalidRate(
            f"overtime factor {format_qty(overtime_factor)} must be 1 or more", overtime_factor
        )
    row = session.execute(select(TradeRate).where(TradeRate.trade == name)).scalars().first()
    if row is None:
        row = TradeRate(trade=name, rate=rate, overtime_factor=overtime_factor)
    else:
        row.rate, row.overtime_factor, row.updated_at = rate, overtime_factor, utcnow()
    session.add(row)
    session.flush()
    return row


def find_trade_rate(session: Session, trade: str) -> TradeRate:
    name = trade.strip().lower()
    row = session.execute(select(TradeRate).where(TradeRate.trade == name)).scalars().first()
    if row is None:
        known = ", ".join(r.trade for r in list_trade_rates(session)) or "none set yet"
        raise UnknownTrade(
            f"no rate for trade {trade!r} (known: {known}); set one with: storeroom rate set",
            trade,
        )
    return row


def list_trade_rates(session: Session) -> list[TradeRate]:
    return list(session.execute(select(TradeRate).order_by(TradeRate.trade)).scalars())


# --- labour ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LabourBooking:
    uuid: str
    number: str
    technician: str  # badge
    technician_name: str
    trade: str
    work_date: date
    hours: int
    rate: int
    overtime: bool
    factor: int
    cost: int
    day_hours: int  # the technician's hours that day over every WO, this booking included

    def describe(self) -> str:
        extra = f" overtime x{format_qty(self.factor)}" if self.overtime else ""
        return (
            f"{self.number}: {format_qty(self.hours)} h {self.trade} by {self.technician_name} "
            f"on {self.work_date.isoformat()} at {format_money(self.rate)}/h{extra} "
            f"= {format_money(self.cost)}"
        )


def hours_on_day(session: Session, user_id: int, day: date) -> int:
    """Thousandths of an hour booked for one person on one day, over every WO."""
    total = session.execute(
        select(func.coalesce(func.sum(LabourEntry.hours), 0)).where(
            LabourEntry.user_id == user_id, LabourEntry.work_date == day
        )
    ).scalar_one()
    return int(total)


def book_labour(
    session: Session,
    actor: Actor,
    wo_number: str,
    technician: str,
    hours: int,
    trade: str,
    work_date: date | None = None,
    overtime: bool = False,
    rate: int | None = None,
) -> LabourBooking:
    """Book a technician's hours on a WO at the trade's rate (or an agreed `rate`)."""
    actor.require(Action.BOOK_COST)
    work_order = _open_work_order(session, wo_number, "labour")
    person = catalog.find_user(session, technician)
    day = work_date or ledger.today()
    if hours <= 0:
        raise InvalidHours(f"hours {format_qty(hours)} must be greater than zero", hours)
    trade_rate = find_trade_rate(session, trade)
    if rate is not None and rate <= 0:
        raise InvalidRate(f"rate {format_money(rate)} must be greater than zero", rate)
    assert person.id is not None and work_order.id is not None
    already = hours_on_day(session, person.id, day)
    if already + hours > DAY_HOURS:
        raise TooManyHours(
            f"{person.name} ({person.badge}) would work {format_qty(already + hours)} h on "
            f"{day.isoformat()} ({format_qty(already)} h already booked); a day has 24",
            format_qty(already + hours),
        )
    unit = rate if rate is not None else trade_rate.rate
    factor = trade_rate.overtime_factor if overtime else MILLI
    entry = LabourEntry(
        terminal=actor.terminal,
        wo_id=work_order.id,
        user_id=person.id,
        trade=trade_rate.trade,
        work_date=day,
        hours=hours,
        rate=unit,
        overtime=overtime,
        factor=factor,
        cost=cost_of(hours, unit, factor),
        booked_by=actor.user_id,
    )
    session.add(entry)
    session.flush()
    return LabourBooking(
        entry.uuid,
        work_order.number,
        person.badge,
        person.name,
        entry.trade,
        day,
        hours,
        unit,
        overtime,
        factor,
        entry.cost,
        already + hours,
    )


def labour_of(session: Session, wo_number: str) -> list[LabourBooking]:
    work_order = catalog.find_work_order(session, wo_number)
    rows = session.execute(
        select(LabourEntry, User.badge, User.name)
        .join(User, User.id == LabourEntry.user_id)
        .where(LabourEntry.wo_id == work_order.id)
        .order_by(LabourEntry.work_date, LabourEntry.id)
    ).all()
    return [
        LabourBooking(
            e.uuid,
            work_order.number,
            badge,
            name,
            e.trade,
            e.work_date,
            e.hours,
            e.rate,
            e.overtime,
            e.factor,
            e.cost,
            0,
        )
        for e, badge, name in rows
    ]


# --- contractors -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContractorBooking:
    uuid: str
    number: str
    vendor: str
    work_date: date
    hours: int | None
    rate: int | None
    cost: int
    po_number: str | None
    description: str | None

    def describe(self) -> str:
        how = (
            f"{format_qty(self.hours)} h at {format_money(self.rate)}/h"
            if self.hours is not None and self.rate is not None
            else "fixed amount"
        )
        po = f", paid through {self.po_number}" if self.po_number else ""
        return f"{self.number}: {self.vendor}, {how} = {format_money(self.cost)}{po}"


def _purchase_order_number(session: Session, raw: str) -> str:
    """The number of an existing purchase order (PO-000012; 12 will do)."""
    number = raw.strip().upper()
    if not number:
        raise InvalidValue("a PO number cannot be empty", raw)
    if number.isdigit():
        number = f"PO-{int(number):06d}"
    found = session.execute(
        select(PurchaseOrder.number).where(PurchaseOrder.number == number)
    ).first()
    if found is None:
        raise UnknownPurchaseOrder(f"no purchase order {raw.strip()!r}", raw.strip())
    return number


def book_contractor(
    session: Session,
    actor: Actor,
    wo_number: str,
    vendor: str,
    hours: int | None = None,
    rate: int | None = None,
    amount: int | None = None,
    po_number: str | None = None,
    work_date: date | None = None,
    description: str | None = None,
) -> ContractorBooking:
    """Capture an outside firm's work on the WO: hours x rate, or a fixed amount."""
    actor.require(Action.BOOK_COST)
    work_order = _open_work_order(session, wo_number, "contractor work")
    name = vendor.strip()
    if not name or len(name) > 80:
        raise InvalidValue(f"vendor {vendor!r} needs a name of 1 to 80 characters", vendor)
    by_time = hours is not None or rate is not None
    if by_time and amount is not None:
        raise InvalidValue(
            f"give either hours and a rate or a fixed amount for {name}, not both", name
        )
    if by_time:
        if hours is None or rate is None:
            raise InvalidValue(f"contractor hours need a rate, and a rate needs hours ({name})")
        if hours <= 0:
            raise InvalidHours(f"hours {format_qty(hours)} must be greater than zero", hours)
        if rate <= 0:
            raise InvalidRate(f"rate {format_money(rate)} must be greater than zero", rate)
        cost = cost_of(hours, rate)
    else:
        if amount is None:
            raise InvalidValue(f"give hours and a rate, or a fixed amount, for {name}", name)
        if amount <= 0:
            raise InvalidRate(f"amount {format_money(amount)} must be greater than zero", amount)
        cost = amount
    po = _purchase_order_number(session, po_number) if po_number else None
    assert work_order.id is not None
    entry = ContractorEntry(
        terminal=actor.terminal,
        wo_id=work_order.id,
        vendor=name,
        work_date=work_date or ledger.today(),
        hours=hours,
        rate=rate,
        cost=cost,
        po_number=po,
        description=(description or "").strip() or None,
        booked_by=actor.user_id,
    )
    session.add(entry)
    session.flush()
    return _contractor_booking(work_order.number, entry)


def _contractor_booking(number: str, e: ContractorEntry) -> ContractorBooking:
    return ContractorBooking(
        e.uuid, number, e.vendor, e.work_date, e.hours, e.rate, e.cost, e.po_number, e.description
    )


def contractors_of(session: Session, wo_number: str) -> list[ContractorBooking]:
    work_order = catalog.find_work_order(session, wo_number)
    rows = session.execute(
        select(ContractorEntry)
        .where(ContractorEntry.wo_id == work_order.id)
        .order_by(ContractorEntry.work_date, ContractorEntry.id)
    ).scalars()
    return [_contractor_booking(work_order.number, e) for e in rows]


# --- downtime and estimate -------------------------------------------------------------------


def _cost_row(session: Session, work_order: WorkOrder) -> WorkOrderCost:
    assert work_order.id is not None
    row = session.get(WorkOrderCost, work_order.id)
    if row is None:
        row = WorkOrderCost(
            wo_id=work_order.id, asset_id=work_order.asset_id, wo_type=work_order.wo_type
        )
        session.add(row)
    return row


def set_downtime(session: Session, actor: Actor, wo_number: str, hours: int) -> WorkOrderCost:
    """How long the asset stood still for this WO (0 clears it)."""
    actor.require(Action.BOOK_COST)
    work_order = _open_work_order(session, wo_number, "downtime")
    if hours < 0:
        raise InvalidHours(f"downtime {format_qty(hours)} h cannot be below zero", hours)
    assert work_order.id is not None
    row = _cost_row(session, work_order)
    row.downtime_hours = hours
    session.flush()
    return row


def set_estimate(session: Session, actor: Actor, wo_number: str, hours: int) -> WorkOrderCost:
    """The labour hours the planner expects the WO to take (the backlog counts them)."""
    actor.require(Action.PLAN)
    work_order = _open_work_order(session, wo_number, "estimate")
    if hours < 0:
        raise InvalidHours(f"estimate {format_qty(hours)} h cannot be below zero", hours)
    assert work_order.id is not None
    row = _cost_row(session, work_order)
    row.estimated_hours = hours
    session.flush()
    return row


# --- asset values and budgets ----------------------------------------------------------------


def _asset_cost_row(session: Session, asset_id: int) -> AssetCost:
    row = session.get(AssetCost, asset_id)
    if row is None:
        row = AssetCost(asset_id=asset_id)
        session.add(row)
    return row


def set_asset_values(
    session: Session,
    actor: Actor,
    tag: str,
    replacement_value: int | None = None,
    downtime_cost_per_hour: int | None = None,
) -> AssetCost:
    """An asset's replacement value and hourly downtime cost (either or both)."""
    actor.require(Action.COST_SETTINGS)
    asset = catalog.find_asset(session, tag)
    if replacement_value is None and downtime_cost_per_hour is None:
        raise InvalidValue(
            f"give {asset.tag} a replacement value, a downtime cost per hour, or both", asset.tag
        )
    for what, value in (
        ("replacement value", replacement_value),
        ("downtime cost per hour", downtime_cost_per_hour),
    ):
        if value is not None and value < 0:
            raise InvalidRate(f"{what} {format_money(value)} cannot be below zero", value)
    assert asset.id is not None
    row = _asset_cost_row(session, asset.id)
    if replacement_value is not None:
        row.replacement_value = replacement_value
    if downtime_cost_per_hour is not None:
        row.downtime_cost_per_hour = downtime_cost_per_hour
    session.flush()
    return row


def check_budget_key(session: Session, scope: str, key: str) -> str:
    """The key as stored: an existing asset tag, cost centre, or site (a top-level asset)."""
    if scope not in BUDGET_SCOPES:
        raise InvalidValue(f"scope {scope!r} is not one of: {', '.join(BUDGET_SCOPES)}", scope)
    if scope == "cost_centre":
        centre = key.strip().upper()
        found = session.execute(select(Asset.id).where(Asset.cost_centre == centre)).first()
        if found is None:
            raise NotFound(f"no asset carries cost centre {key!r}", key)
        return centre
    asset = catalog.find_asset(session, key)
    if scope == "site" and asset.parent_id is not None:
        raise UnknownAsset(f"{asset.tag} is not a site (it sits under another asset)", key)
    return asset.tag


def set_budget(
    session: Session, actor: Actor, scope: str, key: str, period: str, amount: int
) -> Budget:
    """The maintenance budget of an asset, a cost centre or a site for one month."""
    actor.require(Action.COST_SETTINGS)
    scope = scope.strip().lower().replace("-", "_")
    stored_key = check_budget_key(session, scope, key)
    month = parse_period(period)
    if amount < 0:
        raise InvalidMoney(f"budget {format_money(amount)} cannot be below zero", amount)
    row = (
        session.execute(
            select(Budget).where(
                Budget.scope == scope, Budget.key == stored_key, Budget.period == month
            )
        )
        .scalars()
        .first()
    )
    if row is None:
        row = Budget(scope=scope, key=stored_key, period=month, amount=amount)
    else:
        row.amount, row.updated_at = amount, utcnow()
    session.add(row)
    session.flush()
    return row


def list_budgets(session: Session, period: str | None = None) -> list[Budget]:
    query = select(Budget).order_by(Budget.period, Budget.scope, Budget.key)
    if period is not None:
        query = query.where(Budget.period == parse_period(period))
    return list(session.execute(query).scalars())


# --- a WO's cost, live or frozen -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CostBreakdown:
    number: str
    wo_type: str
    asset: str
    status: str
    parts: int
    labour: int
    labour_hours: int
    contractor: int
    downtime_hours: int
    downtime_cost: int  # beside the direct cost, never in it
    estimated_hours: int
    frozen: bool  # closed: the figures are those frozen at closure

    @property
    def total(self) -> int:
        return self.parts + self.labour + self.contractor


def _labour_totals(session: Session, wo_id: int) -> tuple[int, int]:
    hours, cost = session.execute(
        select(
            func.coalesce(func.sum(LabourEntry.hours), 0),
            func.coalesce(func.sum(LabourEntry.cost), 0),
        ).where(LabourEntry.wo_id == wo_id)
    ).one()
    return int(hours), int(cost)


def _contractor_total(session: Session, wo_id: int) -> int:
    return int(
        session.execute(
            select(func.coalesce(func.sum(ContractorEntry.cost), 0)).where(
                ContractorEntry.wo_id == wo_id
            )
        ).scalar_one()
    )


def _downtime_rate(session: Session, asset_id: int) -> int:
    row = session.get(AssetCost, asset_id)
    return row.downtime_cost_per_hour if row is not None else 0


def work_order_cost(session: Session, wo_number: str) -> CostBreakdown:
    """The WO's cost now: frozen figures once closed, else what is booked so far."""
    work_order = catalog.find_work_order(session, wo_number)
    assert work_order.id is not None
    asset = session.get(Asset, work_order.asset_id)
    assert asset is not None and asset.id is not None
    row = session.get(WorkOrderCost, work_order.id)
    downtime = row.downtime_hours if row is not None else 0
    estimate = row.estimated_hours if row is not None else 0
    if row is not None and row.total_cost is not None:
        parts, labour = row.parts_cost or 0, row.labour_cost or 0
        hours, contractor, frozen = row.labour_hours or 0, row.contractor_cost or 0, True
    else:
        parts = wip.position(session, work_order.id).parts_cost
        hours, labour = _labour_totals(session, work_order.id)
        contractor, frozen = _contractor_total(session, work_order.id), False
    return CostBreakdown(
        work_order.number,
        work_order.wo_type,
        asset.tag,
        work_order.status,
        parts,
        labour,
        hours,
        contractor,
        downtime,
        cost_of(downtime, _downtime_rate(session, asset.id)),
        estimate,
        frozen,
    )


def ancestors(session: Session, asset_id: int) -> list[int]:
    """The asset and every parent up to its site, nearest first (a cycle stops the walk)."""
    chain: list[int] = []
    current: int | None = asset_id
    while current is not None and current not in chain:
        chain.append(current)
        current = session.execute(
            select(Asset.parent_id).where(Asset.id == current)
        ).scalar_one_or_none()
    return chain


def _returns_by_line(session: Session, wo_id: int) -> dict[int, tuple[int, int]]:
    """Per demand line: the returns that still stand, and their days from the issue they
    settle, summed in thousandths of a day."""
    from storeroom_tui.reports.common import days_between

    issue, undone = aliased(Movement), aliased(Movement)
    lag = days_between(session, issue.created_at, Movement.created_at)
    rows = session.execute(
        select(Movement.demand_line_id, func.count(), func.sum(lag))
        .join(issue, issue.id == Movement.related_id)
        .where(
            Movement.wo_id == wo_id,
            Movement.kind == "return",
            ~exists().where(undone.reverses_id == Movement.id),
        )
        .group_by(Movement.demand_line_id)
    ).all()
    return {
        line_id: (int(count), int(round(float(days or 0) * MILLI)))
        for line_id, count, days in rows
        if line_id is not None
    }


def _add_to(
    session: Session, model: type[SQLModel], key: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """Add each row's amounts to the row of `model` with the same key, or make it: one
    INSERT ... ON CONFLICT DO UPDATE (SQLite and PostgreSQL), so two closings of the same
    month add up instead of racing to make the row."""
    if not rows:
        return
    # (the dialects are imported here: PostgreSQL's takes ~90 ms, not to be paid at start-up)
    from sqlalchemy.dialects import postgresql, sqlite

    table = model.__table__  # type: ignore[attr-defined]
    postgres = session.get_bind().dialect.name == "postgresql"
    statement = (postgresql.insert if postgres else sqlite.insert)(table).values(rows)
    amounts = [name for name in rows[0] if name not in key]
    session.execute(
        statement.on_conflict_do_update(
            index_elements=list(key),
            set_={name: table.c[name] + statement.excluded[name] for name in amounts},
        )
    )


_ITEM_MONTH_AMOUNTS = (
    "lines",
    "issued",
    "returned",
    "used",
    "used_value",
    "returns",
    "return_days",
    "plan_lines",
    "planned",
    "plan_used",
    "off_plan",
)


def _add_to_month_totals(
    session: Session, work_order: WorkOrder, period: str | None, usages: list[LineUsage]
) -> None:
    """At closure: the WO's lines added to its items' and its assignee's totals of the
    month, and its labour to each technician's (the reports read whole months there)."""
    assert work_order.id is not None and period is not None
    by_item: dict[int, dict[str, int]] = {}
    for usage in usages:
        sums = by_item.setdefault(usage.item_id, dict.fromkeys(_ITEM_MONTH_AMOUNTS, 0))
        sums["lines"] += 1
        sums["issued"] += usage.issued
        sums["returned"] += usage.returned
        sums["used"] += usage.used
        sums["used_value"] += usage.used_value if usage.used != 0 else 0
        sums["returns"] += usage.returns
        sums["return_days"] += usage.return_days
        if not usage.tool:  # tools come back by rule: never off plan
            sums["plan_lines"] += 1
            sums["planned"] += usage.planned
            sums["plan_used"] += usage.used
            sums["off_plan"] += abs(usage.used - usage.planned)
    _add_to(
        session,
        ItemMonth,
        ("item_id", "period"),
        [{"item_id": item_id, "period": period, **sums} for item_id, sums in by_item.items()],
    )
    if work_order.assignee_id is not None and usages:
        totals = {
            name: sum(sums[name] for sums in by_item.values())
            for name in ("lines", "issued", "returned", "returns", "return_days")
        }
        _add_to(
            session,
            AssigneeMonth,
            ("assignee_id", "period"),
            [{"assignee_id": work_order.assignee_id, "period": period, **totals}],
        )
    labour = session.execute(
        select(LabourEntry.user_id, func.sum(LabourEntry.hours), func.sum(LabourEntry.cost))
        .where(LabourEntry.wo_id == work_order.id)
        .group_by(LabourEntry.user_id)
    ).all()
    _add_to(
        session,
        LabourMonth,
        ("user_id", "period"),
        [
            {
                "user_id": user_id,
                "period": period,
                "work_orders": 1,
                "hours": int(hours),
                "cost": int(spent),
            }
            for user_id, hours, spent in labour
        ],
    )


def month_totals_sql(dialect: str) -> list[str]:
    """The statements that make the monthly totals (`ItemMonth`, `AssigneeMonth`,
    `LabourMonth`) again from the lines and the labour kept at closure, as closing adds them:
    for a plant loaded in bulk, or one whose closing dates were rewritten after closing (the
    demos spread their closings over past weeks). Plain SQL of `dialect` (sqlite,
    postgresql), so a raw connection can run it too."""
    from sqlalchemy.dialects import postgresql, sqlite

    usage, cost = LineUsage, WorkOrderCost
    month = func.substr(cast(usage.closed_on, String), 1, 7)
    closed_month = func.substr(cast(cost.closed_on, String), 1, 7)
    statements = [
        delete(ItemMonth),
        delete(AssigneeMonth),
        delete(LabourMonth),
        insert(ItemMonth).from_select(
            ["item_id", "period", *_ITEM_MONTH_AMOUNTS],
            select(
                usage.item_id,
                month,
                func.count(),
                func.sum(usage.issued),
                func.sum(usage.returned),
                func.sum(usage.used),
                func.sum(case((usage.used != 0, usage.used_value), else_=0)),
                func.sum(usage.returns),
                func.sum(usage.return_days),
                func.sum(case((usage.tool, 0), else_=1)),
                func.sum(case((usage.tool, 0), else_=usage.planned)),
                func.sum(case((usage.tool, 0), else_=usage.used)),
                func.sum(case((usage.tool, 0), else_=func.abs(usage.used - usage.planned))),
            ).group_by(usage.item_id, month),
        ),
        insert(AssigneeMonth).from_select(
            ["assignee_id", "period", "lines", "issued", "returned", "returns", "return_days"],
            select(
                usage.assignee_id,
                month,
                func.count(),
                func.sum(usage.issued),
                func.sum(usage.returned),
                func.sum(usage.returns),
                func.sum(usage.return_days),
            )
            .where(usage.assignee_id.is_not(None))  # type: ignore[union-attr]
            .group_by(usage.assignee_id, month),
        ),
        insert(LabourMonth).from_select(
            ["user_id", "period", "work_orders", "hours", "cost"],
            select(
                LabourEntry.user_id,
                closed_month,
                func.count(func.distinct(LabourEntry.wo_id)),
                func.sum(LabourEntry.hours),
                func.sum(LabourEntry.cost),
            )
            .join(cost, cost.wo_id == LabourEntry.wo_id)
            .where(cost.closed_on.is_not(None))  # type: ignore[union-attr]
            .group_by(LabourEntry.user_id, closed_month),
        ),
    ]
    compiler = postgresql.dialect() if dialect == "postgresql" else sqlite.dialect()
    return [
        str(statement.compile(dialect=compiler, compile_kwargs={"literal_binds": True}))
        for statement in statements
    ]


def refill_month_totals(session: Session) -> None:
    """`month_totals_sql`, run in the session's transaction."""
    for statement in month_totals_sql(session.get_bind().dialect.name):
        session.execute(text(statement))


def freeze_work_order_cost(
    session: Session, work_order: WorkOrder, parts_cost: int
) -> WorkOrderCost:
    """At closure: freeze parts + labour + contractor on the WO and add the total to its
    asset and every ancestor, once (a WO already frozen is left as it is)."""
    assert work_order.id is not None
    row = _cost_row(session, work_order)
    if row.total_cost is not None:
        return row
    hours, labour = _labour_totals(session, work_order.id)
    contractor = _contractor_total(session, work_order.id)
    closed = (work_order.closed_at or utcnow()).date()
    lines = wip.position(session, work_order.id).lines
    row.asset_id, row.wo_type = work_order.asset_id, work_order.wo_type
    row.parts_cost, row.labour_cost, row.labour_hours = parts_cost, labour, hours
    row.contractor_cost = contractor
    row.total_cost = parts_cost + labour + contractor
    row.lines = len(lines)
    row.lines_off_plan = sum(
        1 for line in lines if line.item_kind != "tool" and line.written_off != line.planned
    )
    row.closed_on, row.period = closed, closed.strftime("%Y-%m")
    # what each line used against its plan and how its returns came back, kept for the
    # consumption and returns reports
    came_back = _returns_by_line(session, work_order.id)
    usages = []
    for line in lines:
        returns, return_days = came_back.get(line.line_id, (0, 0))
        usages.append(
            LineUsage(
                demand_line_id=line.line_id,
                wo_id=work_order.id,
                item_id=line.item_id,
                tool=line.item_kind == "tool",
                planned=line.planned,
                issued=line.issued,
                returned=line.returned,
                used=line.written_off,
                used_value=line.cost,
                closed_on=closed,
                assignee_id=work_order.assignee_id,
                returns=returns,
                return_days=return_days,
            )
        )
    session.add_all(usages)
    _add_to_month_totals(session, work_order, row.period, usages)
    chain = ancestors(session, work_order.asset_id)
    have = set(
        session.execute(select(AssetCost.asset_id).where(AssetCost.asset_id.in_(chain))).scalars()  # type: ignore[attr-defined]
    )
    for asset_id in chain:
        if asset_id not in have:
            session.add(AssetCost(asset_id=asset_id))
    session.flush()
    session.execute(
        update(AssetCost)
        .where(AssetCost.asset_id.in_(chain))  # type: ignore[attr-defined]
        .values(
            lifetime_cost=AssetCost.lifetime_cost + row.total_cost,
            work_orders=AssetCost.work_orders + 1,
        )
    )
    session.execute(
        update(AssetCost)
        .where(AssetCost.asset_id == work_order.asset_id)
        .values(own_cost=AssetCost.own_cost + row.total_cost)
    )
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class AssetValues:
    tag: str
    name: str
    lifetime_cost: int
    own_cost: int
    work_orders: int
    replacement_value: int | None
    downtime_cost_per_hour: int


def asset_values(session: Session, tag: str) -> AssetValues:
    asset = catalog.find_asset(session, tag)
    assert asset.id is not None
    row = session.get(AssetCost, asset.id) or AssetCost(asset_id=asset.id)
    return AssetValues(
        asset.tag,
        asset.name,
        row.lifetime_cost,
        row.own_cost,
        row.work_orders,
        row.replacement_value,
        row.downtime_cost_per_hour,
    )


def days_before(day: date, days: int) -> date:
    return day - timedelta(days=days)
