"""The work-order queue and one WO's detail, read a page at a time from SQL.

The queue never loads every work order: it filters with indexed columns where it can,
pages with LIMIT/OFFSET, counts at most `COUNT_CAP` + 1 rows, and works out parts
readiness for the rows of the page only. The detail gathers a WO's header, its demand
lines as `wip.position` sees them and its status history; the small wrappers at the
end let the screens change a WO by its number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import (
    ColumnElement,
    bindparam,
    case,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models import Asset, DemandLine, Movement, MovementKind, Reservation, User, WorkOrder
from models.search import MIN_SEARCH_LENGTH, WORK_ORDER_SEARCH
from models.workorder import OPEN_RESERVATION_STATUSES
from storeroom_tui import catalog, reservations, wip, workorders
from storeroom_tui.errors import InvalidValue
from storeroom_tui.gates import OPEN_STATUSES, Status, parse_status
from storeroom_tui.ledger import today
from storeroom_tui.permissions import Actor
from storeroom_tui.quantities import format_qty

PAGE_SIZE = 100
COUNT_CAP = 10_000
SORTS = ("number", "priority", "status", "asset", "title", "due")
ALL_STATUSES: frozenset[str] = frozenset(Status)
OPEN: frozenset[str] = frozenset(OPEN_STATUSES)
EMERGENCY_TYPE = "EM"

# the life order of DESIGN.md section 5, for sorting by status
_STATUS_ORDER = (
    Status.REQUESTED,
    Status.APPROVED,
    Status.SCHEDULED,
    Status.IN_PROGRESS,
    Status.ON_HOLD,
    Status.POSTPONED,
    Status.COMPLETED,
    Status.CLOSED,
    Status.CANCELLED,
)


# --- the filter ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue shows: text, statuses, priority, and the order."""

    text: str = ""
    statuses: frozenset[str] = OPEN
    priority: int | None = None
    sort: str = "priority"
    descending: bool = False

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise InvalidValue(f"sort {self.sort!r} is not one of: {', '.join(SORTS)}", self.sort)
        if self.priority is not None and self.priority not in (1, 2, 3, 4):
            raise InvalidValue(
                f"priority {self.priority!r} must be 1 (highest) to 4", self.priority
            )
        if not self.statuses:
            raise InvalidValue("a queue filter needs at least one status", "")
        object.__setattr__(
            self, "statuses", frozenset(parse_status(s).value for s in self.statuses)
        )

    @property
    def status_label(self) -> str:
        """'open', 'all', one status, or the statuses joined with '+'."""
        if self.statuses == OPEN:
            return "open"
        if self.statuses == ALL_STATUSES:
            return "all"
        return "+".join(s for s in _STATUS_ORDER if s in self.statuses)


def quick_filters() -> list[tuple[str, frozenset[str]]]:
    """The quick status filters in the order a key cycles them: open, each status, all."""
    return [
        ("open", OPEN),
        *((status.value, frozenset({status.value})) for status in _STATUS_ORDER),
        ("all", ALL_STATUSES),
    ]


# --- the page ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueRow:
    number: str
    priority: int
    status: str
    wo_type: str
    asset: str
    title: str
    due: date | None
    assignee: str | None
    readiness: str  # 'no parts' | 'issued' | 'ready' | 'short N' (N: quantity still short)
    overdue: bool
    emergency: bool


@dataclass(frozen=True, slots=True)
class QueuePage:
    rows: list[QueueRow]
    offset: int
    limit: int
    total: int  # capped at COUNT_CAP + 1
    filter: QueueFilter = field(default_factory=QueueFilter)

    @property
    def capped(self) -> bool:
        return self.total > COUNT_CAP

    @property
    def total_text(self) -> str:
        return f"{COUNT_CAP:,}+" if self.capped else f"{self.total:,}"

    @property
    def has_next(self) -> bool:
        if self.capped:
            return len(self.rows) == self.limit
        return self.offset + len(self.rows) < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def range_text(self) -> str:
        """'rows 1–100 of 2,345', or 'no work orders match'."""
        if not self.rows:
            if self.total == 0:
                return "no work orders match"
            return f"no rows here of {self.total_text}"
        first, last = self.offset + 1, self.offset + len(self.rows)
        if self.capped:  # paged beyond the count: at least this many
            return f"rows {first:,}–{last:,} of {max(last, COUNT_CAP):,}+"
        return f"rows {first:,}–{last:,} of {self.total_text}"


def _like(session: Session, column: ColumnElement[str], pattern: str) -> ColumnElement[bool]:
    # SQLite's LIKE ignores ASCII case already (and stays cheap); elsewhere ask for ILIKE
    if session.get_bind().dialect.name == "sqlite":
        return column.like(pattern, escape="\\")
    return column.ilike(pattern, escape="\\")


def _pattern(text: str) -> str:
    """`%text%` for LIKE, with its own wildcards and the escape taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(session: Session, queue_filter: QueueFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if queue_filter.statuses != ALL_STATUSES:
        conditions.append(WorkOrder.status.in_(sorted(queue_filter.statuses)))  # type: ignore[attr-defined]
    if queue_filter.priority is not None:
        conditions.append(WorkOrder.priority == queue_filter.priority)  # type: ignore[arg-type]
    text = queue_filter.text.strip()
    if text:
        pattern = _pattern(text)
        # the asset table is small: match its tags once, then use work_order.asset_id's index
        matching_assets = select(Asset.id).where(_like(session, Asset.tag, pattern))  # type: ignore[arg-type]
        in_text: ColumnElement[bool] = or_(
            _like(session, WorkOrder.number, pattern),  # type: ignore[arg-type]
            _like(session, WorkOrder.title, pattern),  # type: ignore[arg-type]
        )
        if _searchable(session, text):
            # The trigram index (models/search.py) finds a text of up to COUNT_CAP work
            # orders instead of a scan of every title: a few (up to _ID_LIST_MAX) as a
            # list of ids, more as the index's answer. A text more hold is left to LIKE,
            # which finds a page of such dense matches after a short walk; so is one
            # more than a few hold in a view of some statuses (the open ones are few:
            # LIKE over them costs less than reading the index's thousands).
            phrase = _phrase(text)
            every_status = queue_filter.statuses == ALL_STATUSES
            probe = _SEARCH_COUNT if every_status else _SEARCH_FEW
            found = session.execute(probe, {"phrase": phrase}).scalar_one()
            if found <= _ID_LIST_MAX:
                ids = session.execute(_SEARCH, {"phrase": phrase}).scalars().all()
                in_text = WorkOrder.id.in_(ids)  # type: ignore[union-attr]
            elif every_status and found <= COUNT_CAP:
                in_text = WorkOrder.id.in_(_SEARCH.params(phrase=phrase))  # type: ignore[union-attr]
        conditions.append(or_(in_text, WorkOrder.asset_id.in_(matching_assets)))  # type: ignore[attr-defined]
    return conditions


def _searchable(session: Session, text: str) -> bool:
    """SQLite, and a text the trigram index can answer (three characters or more)."""
    return session.get_bind().dialect.name == "sqlite" and len(text) >= MIN_SEARCH_LENGTH


def _phrase(text: str) -> str:
    """The text as one FTS5 phrase: with the trigram tokenizer, a substring, any case."""
    return '"' + text.replace('"', '""') + '"'


def _order_by(queue_filter: QueueFilter, walk: bool) -> list[ColumnElement]:
    """The ORDER BY terms; with `walk` False, plain columns are wrapped so that SQLite
    cannot walk an index in that order and instead sorts the (few) matches it found."""

    def direction(column: ColumnElement) -> ColumnElement:
        return column.desc() if queue_filter.descending else column.asc()

    def text(column: ColumnElement) -> ColumnElement:
        return direction(column if walk else column.concat(""))

    number = text(WorkOrder.number)  # type: ignore[arg-type]
    sort = queue_filter.sort
    if sort == "number":
        return [number]
    if sort == "priority":
        priority = WorkOrder.priority if walk else WorkOrder.priority + 0
        return [direction(priority), number]  # type: ignore[arg-type]
    if sort == "status":
        rank = case(
            {status.value: index for index, status in enumerate(_STATUS_ORDER)},
            value=WorkOrder.status,
        )
        return [direction(rank), number]
    if sort == "asset":
        return [text(Asset.tag), number]  # type: ignore[arg-type]
    if sort == "title":
        return [direction(func.lower(WorkOrder.title)), number]
    # due: a WO without a due date sorts last either way
    return [WorkOrder.due_date.is_(None), direction(WorkOrder.due_date), number]  # type: ignore[union-attr,arg-type]


# Up to this many matches the page is sorted from their ids; up to COUNT_CAP it is
# sorted from one scan of the filter's index; beyond, the sort order's index is walked
# (matches are then common, so a page is found after a short walk).
_ID_LIST_MAX = 1_000
# a list of ids bound as one expanding parameter (cheaper than one bound value each)
_IDS = bindparam("ids", expanding=True)
# the work orders whose number or title holds a text, from the FTS5 trigram index
_SEARCH_TABLE = table(WORK_ORDER_SEARCH, column("rowid"))
_MATCH = literal_column(WORK_ORDER_SEARCH).op("MATCH")(bindparam("phrase"))
_SEARCH = select(_SEARCH_TABLE.c.rowid).where(_MATCH)
_SEARCH_COUNT = select(func.count()).select_from(_SEARCH.limit(COUNT_CAP + 1).subquery())
_SEARCH_FEW = select(func.count()).select_from(_SEARCH.limit(_ID_LIST_MAX + 1).subquery())


def _page_ids(
    session: Session,
    queue_filter: QueueFilter,
    conditions: list[ColumnElement[bool]],
    offset: int,
    limit: int,
) -> tuple[list[int], int]:
    """The ids of one page, in order, and the number of matches (up to COUNT_CAP + 1).

    One bounded scan finds the matches; how the page is then sorted depends on how many
    there were, so that neither a rare nor a common match costs a long walk.
    """
    matches = list(
        session.execute(select(WorkOrder.id).where(*conditions).limit(_ID_LIST_MAX + 1)).scalars()
    )
    total = len(matches)
    if total > _ID_LIST_MAX:
        counted = _count_from_index(session, queue_filter)
        if counted is None:
            bounded = select(WorkOrder.id).where(*conditions).limit(COUNT_CAP + 1).subquery()
            counted = session.execute(select(func.count()).select_from(bounded)).scalar_one()
        total = counted
    if total == 0 or (offset >= total and total <= COUNT_CAP):
        return [], total
    query = select(WorkOrder.id)
    if queue_filter.sort == "asset":
        query = query.join(Asset, Asset.id == WorkOrder.asset_id)
    if total <= _ID_LIST_MAX:
        query = query.where(WorkOrder.id.in_(_IDS)).params(ids=matches)  # type: ignore[union-attr]
        walk = True
    else:
        query = query.where(*conditions)
        walk = total > COUNT_CAP
    query = query.order_by(*_order_by(queue_filter, walk)).offset(offset).limit(limit)
    return list(session.execute(query).scalars()), total


def _count_from_index(session: Session, queue_filter: QueueFilter) -> int | None:
    """The matches of a text alone (every status, any priority) up to COUNT_CAP + 1,
    counted from the trigram index rather than by a LIKE over every title: the work
    orders whose number or title holds it, then those of a matching asset not counted
    yet (each part stops at the cap). None where the index cannot answer (another
    backend, a short text, a status or priority filter)."""
    text = queue_filter.text.strip()
    if queue_filter.statuses != ALL_STATUSES or queue_filter.priority is not None:
        return None
    if not _searchable(session, text):
        return None
    phrase = {"phrase": _phrase(text)}
    by_text = select(_SEARCH_TABLE.c.rowid).where(_MATCH).limit(COUNT_CAP + 1).subquery()
    total = session.execute(select(func.count()).select_from(by_text), phrase).scalar_one()
    if total > COUNT_CAP:
        return total
    matching_assets = select(Asset.id).where(_like(session, Asset.tag, _pattern(text)))  # type: ignore[arg-type]
    by_asset = (
        select(WorkOrder.id)
        .where(
            WorkOrder.asset_id.in_(matching_assets),  # type: ignore[attr-defined]
            WorkOrder.id.not_in(select(_SEARCH_TABLE.c.rowid).where(_MATCH)),  # type: ignore[union-attr]
        )
        .limit(COUNT_CAP + 1 - total)
        .subquery()
    )
    return total + session.execute(select(func.count()).select_from(by_asset), phrase).scalar_one()


def work_order_queue(
    session: Session, queue_filter: QueueFilter, offset: int = 0, limit: int = PAGE_SIZE
) -> QueuePage:
    """One page of the queue and the number of matches (counted up to COUNT_CAP + 1)."""
    if limit < 1:
        raise InvalidValue(f"a page holds at least one row, not {limit}", limit)
    offset = max(offset, 0)
    conditions = _conditions(session, queue_filter)
    page_ids, total = _page_ids(session, queue_filter, conditions, offset, limit)
    if not page_ids:
        return QueuePage([], offset, limit, total, queue_filter)
    assignee = aliased(User)
    found = session.execute(
        select(
            WorkOrder.id,
            WorkOrder.number,
            WorkOrder.priority,
            WorkOrder.status,
            WorkOrder.wo_type,
            Asset.tag,
            WorkOrder.title,
            WorkOrder.due_date,
            assignee.name,
        )
        .join(Asset, Asset.id == WorkOrder.asset_id)
        .outerjoin(assignee, assignee.id == WorkOrder.assignee_id)
        .where(WorkOrder.id.in_(_IDS)),  # type: ignore[union-attr]
        {"ids": page_ids},
    ).all()
    by_id = {row[0]: row for row in found}
    readiness = parts_readiness(session, page_ids)
    day = today()
    rows = []
    for wo_id in page_ids:
        _, number, priority, status, wo_type, tag, title, due, assignee_name = by_id[wo_id]
        rows.append(
            QueueRow(
                number=number,
                priority=priority,
                status=status,
                wo_type=wo_type,
                asset=tag,
                title=title,
                due=due,
                assignee=assignee_name,
                readiness=readiness.get(wo_id, "no parts"),
                overdue=due is not None and due < day and status in OPEN,
                emergency=wo_type == EMERGENCY_TYPE or priority == 1,
            )
        )
    return QueuePage(rows, offset, limit, total, queue_filter)


# --- parts readiness ----------------------------------------------------------------------


# built once: the page's ids come in as one expanding parameter
_LINES = select(DemandLine.id, DemandLine.wo_id, DemandLine.planned_qty).where(
    DemandLine.wo_id.in_(_IDS)  # type: ignore[attr-defined]
)
_OPEN_RESERVED = (
    select(Reservation.demand_line_id, func.sum(Reservation.qty - Reservation.supplied_qty))
    .where(
        Reservation.wo_id.in_(_IDS),  # type: ignore[attr-defined]
        Reservation.status.in_(OPEN_RESERVATION_STATUSES),  # type: ignore[attr-defined]
    )
    .group_by(Reservation.demand_line_id)
)
_ISSUED = (
    select(Movement.demand_line_id, func.sum(Movement.qty))
    .where(Movement.wo_id.in_(_IDS), Movement.kind == MovementKind.ISSUE)  # type: ignore[union-attr]
    .group_by(Movement.demand_line_id)
)
_ORIGINAL = aliased(Movement)
_REVERSED_ISSUES = (
    select(_ORIGINAL.demand_line_id, func.sum(Movement.qty))
    .join(_ORIGINAL, _ORIGINAL.id == Movement.reverses_id)
    .where(
        Movement.wo_id.in_(_IDS),  # type: ignore[union-attr]
        Movement.kind == MovementKind.REVERSAL,
        _ORIGINAL.kind == MovementKind.ISSUE,
    )
    .group_by(_ORIGINAL.demand_line_id)
)


def parts_readiness(session: Session, wo_ids: list[int]) -> dict[int, str]:
    """'no parts', 'issued', 'ready' or 'short N' for each WO, from grouped queries.

    Per demand line: issued = issue movements net of their reversals; still to issue =
    planned - issued (not below 0); open reserved = qty - supplied of open reservations;
    short = still to issue - open reserved (not below 0). N sums the lines' shortages.
    A WO without demand lines is left out (the queue shows it as 'no parts').
    """
    if not wo_ids:
        return {}
    ids = {"ids": list(wo_ids)}
    lines = session.execute(_LINES, ids).all()
    reserved = dict(session.execute(_OPEN_RESERVED, ids).all())
    issued = dict(session.execute(_ISSUED, ids).all())
    reversed_issues = session.execute(_REVERSED_ISSUES, ids).all()
    for line_id, qty in reversed_issues:
        issued[line_id] = issued.get(line_id, 0) - int(qty)

    to_issue: dict[int, int] = {}
    short: dict[int, int] = {}
    for line_id, wo_id, planned in lines:
        line_to_issue = max(planned - int(issued.get(line_id) or 0), 0)
        to_issue[wo_id] = to_issue.get(wo_id, 0) + line_to_issue
        short[wo_id] = short.get(wo_id, 0) + max(line_to_issue - int(reserved.get(line_id) or 0), 0)
    readiness = {}
    for wo_id in to_issue:
        if to_issue[wo_id] == 0:
            readiness[wo_id] = "issued"
        elif short[wo_id] == 0:
            readiness[wo_id] = "ready"
        else:
            readiness[wo_id] = f"short {format_qty(short[wo_id])}"
    return readiness


# --- one work order in detail ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkOrderDetail:
    number: str
    title: str
    asset: str
    asset_name: str
    wo_type: str
    priority: int
    status: str
    due: date | None
    assignee: str | None
    requester: str | None
    overdue: bool
    emergency: bool
    lines: list[wip.LinePosition]
    history: list[workorders.StatusEvent]

    @property
    def reserved(self) -> int:
        return sum(line.reserved for line in self.lines)


def _user_name(session: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    user = session.get(User, user_id)
    return user.name if user else None


def work_order_detail(session: Session, number: str) -> WorkOrderDetail:
    work_order = catalog.find_work_order(session, number)
    assert work_order.id is not None
    asset = workorders.asset_of(session, work_order)
    due = work_order.due_date
    return WorkOrderDetail(
        number=work_order.number,
        title=work_order.title,
        asset=asset.tag,
        asset_name=asset.name,
        wo_type=work_order.wo_type,
        priority=work_order.priority,
        status=work_order.status,
        due=due,
        assignee=_user_name(session, work_order.assignee_id),
        requester=_user_name(session, work_order.requester_id),
        overdue=due is not None and due < today() and work_order.status in OPEN,
        emergency=work_order.wo_type == EMERGENCY_TYPE or work_order.priority == 1,
        lines=wip.position(session, work_order.id).lines,
        history=workorders.history(session, work_order),
    )


def change_status_of(
    session: Session,
    actor: Actor,
    number: str,
    to_status: str,
    reason: str | None = None,
    release_reservations: bool = False,
) -> str:
    """`workorders.change_status` by WO number; returns the new status."""
    work_order = catalog.find_work_order(session, number)
    return workorders.change_status(
        session, actor, work_order, to_status, reason, release_reservations
    ).status


def reserve_for(session: Session, actor: Actor, number: str) -> list[reservations.LineReservation]:
    """`reservations.reserve_work_order` by WO number."""
    work_order = catalog.find_work_order(session, number)
    return reservations.reserve_work_order(session, actor, work_order)
