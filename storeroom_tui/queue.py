"""The work-order queue and one WO's detail, read a page at a time from SQL.

The queue never loads every work order: it filters with indexed columns where it can,
pages with LIMIT/OFFSET, counts at most `COUNT_CAP` + 1 rows (fewer where counting would
read a large view whole), and works out parts readiness for the rows of the page only.
The detail gathers a WO's header, its demand lines as `wip.position` sees them and its
status history; the small wrappers at the end let the screens change a WO by its number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import (
    ColumnElement,
    Integer,
    bindparam,
    case,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    union_all,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models import Asset, DemandLine, Movement, MovementKind, Reservation, User, WorkOrder
from models.search import (
    MIN_SEARCH_LENGTH,
    TERMINATOR,
    WORK_ORDER_SEARCH,
    WORK_ORDER_SEARCH_TERMS,
)
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
    total: int  # capped at cap + 1
    filter: QueueFilter = field(default_factory=QueueFilter)
    # how far the matches were counted: COUNT_CAP, or _ID_LIST_MAX where counting them
    # would read a large view whole (see _page_ids)
    cap: int = COUNT_CAP

    @property
    def capped(self) -> bool:
        return self.total > self.cap

    @property
    def total_text(self) -> str:
        return f"{self.cap:,}+" if self.capped else f"{self.total:,}"

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
            return f"rows {first:,}–{last:,} of {max(last, self.cap):,}+"
        return f"rows {first:,}–{last:,} of {self.total_text}"


def _like(db: Connection, column: ColumnElement[str], pattern: str) -> ColumnElement[bool]:
    # SQLite's LIKE ignores ASCII case already (and stays cheap); elsewhere ask for ILIKE
    if db.dialect.name == "sqlite":
        return column.like(pattern, escape="\\")
    return column.ilike(pattern, escape="\\")


def _pattern(text: str) -> str:
    """`%text%` for LIKE, with its own wildcards and the escape taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True, slots=True)
class _Match:
    """How the page's work orders are found: the terms of the view (statuses, priority);
    the text's terms that find every match at least cost (`found_by`: the trigram
    index's answer where it has one) and those a walk in some order tests row by row
    (`walked_by`: LIKE, which reads the columns an index walk has at hand); and the
    number of matches where the index counted them (up to COUNT_CAP + 1), else None;
    whether the view is large (`_view_is_large`) where that was asked already."""

    view: list[ColumnElement[bool]]
    found_by: list[ColumnElement[bool]]
    walked_by: list[ColumnElement[bool]]
    counted: int | None = None
    large: bool | None = None


def _view(queue_filter: QueueFilter, statuses: bool = True) -> list[ColumnElement[bool]]:
    """The terms of the statuses (unless left out) and priority chosen, on indexed columns."""
    conditions: list[ColumnElement[bool]] = []
    if statuses and queue_filter.statuses != ALL_STATUSES:
        conditions.append(WorkOrder.status.in_(sorted(queue_filter.statuses)))  # type: ignore[attr-defined]
    if queue_filter.priority is not None:
        conditions.append(WorkOrder.priority == queue_filter.priority)  # type: ignore[arg-type]
    return conditions


def _match(db: Connection, queue_filter: QueueFilter) -> _Match:
    view = _view(queue_filter)
    text = queue_filter.text.strip()
    if not text:
        return _Match(view, [], [])
    pattern = _pattern(text)
    # the asset table is small: whether a tag holds the text is asked first, so that a text
    # none holds (the usual case) costs the work orders' scan no test of asset_id at all;
    # the tags are then matched in SQL (a bound list of hundreds of ids, once per status
    # walked, costs more to send than to match)
    matching_assets = select(Asset.id).where(_like(db, Asset.tag, pattern))  # type: ignore[arg-type]
    any_asset = db.execute(matching_assets.limit(1)).first() is not None
    by_asset = [WorkOrder.asset_id.in_(matching_assets)] if any_asset else []  # type: ignore[attr-defined]
    like = or_(
        _like(db, WorkOrder.number, pattern),  # type: ignore[arg-type]
        _like(db, WorkOrder.title, pattern),  # type: ignore[arg-type]
        *by_asset,
    )
    # a short text is looked up in the index's terms only in a large view
    large = _view_is_large(db, queue_filter) if _short_for_terms(db, text) else None
    index_query = _index_query(db, text, like, large)
    if index_query is None:
        return _Match(view, [like], [like], large=large)
    # The trigram index (models/search.py) finds a text of up to COUNT_CAP work orders
    # instead of a scan of every title: a few (up to _ID_LIST_MAX) as a list of ids, more
    # as the index's answer, and over every status it counts them (up to COUNT_CAP + 1).
    # In a view of some statuses, a text more than a few hold is left to LIKE (the open
    # ones are few: LIKE over them costs less than reading the index's thousands).
    phrase = {"phrase": index_query}
    every_status = queue_filter.statuses == ALL_STATUSES
    most = COUNT_CAP if every_status else _ID_LIST_MAX
    found = db.execute(_SEARCH_COUNT, {**phrase, "most": most + 1}).scalar_one()
    if found <= _ID_LIST_MAX:
        ids = db.execute(_SEARCH, phrase).scalars().all()
        by_ids = or_(WorkOrder.id.in_(ids), *by_asset)  # type: ignore[union-attr]
        counted = None
        if every_status and queue_filter.priority is None:
            counted = found + _count_of_assets(db, phrase, by_asset, found)
        return _Match(view, [by_ids], [by_ids], counted, large)
    if not every_status:
        return _Match(view, [like], [like], large=large)
    counted = None
    if queue_filter.priority is None:
        counted = found
        if found <= COUNT_CAP:
            counted += _count_of_assets(db, phrase, by_asset, found)
    if found > COUNT_CAP:  # common: LIKE finds them after a short walk in any order
        return _Match(view, [like], [like], counted, large)
    by_index = or_(WorkOrder.id.in_(_SEARCH.params(phrase)), *by_asset)  # type: ignore[union-attr]
    return _Match(view, [by_index], [like], counted, large)


def _count_of_assets(
    db: Connection, phrase: dict[str, str], by_asset: list[ColumnElement[bool]], found: int
) -> int:
    """How many work orders of the matching assets the index's `found` left out (counted
    up to COUNT_CAP + 1 in all)."""
    if not by_asset:
        return 0
    extra = (
        select(WorkOrder.id)
        .where(*by_asset, WorkOrder.id.not_in(_SEARCH))  # type: ignore[union-attr]
        .limit(COUNT_CAP + 1 - found)
        .subquery()
    )
    return db.execute(select(func.count()).select_from(extra), phrase).scalar_one()


def _short_for_terms(db: Connection, text: str) -> bool:
    """SQLite, and a text of one or two ASCII characters (beyond ASCII the index folds
    case and LIKE does not; a terminator is never typed): the index's terms can find it."""
    return (
        db.dialect.name == "sqlite"
        and len(text) < MIN_SEARCH_LENGTH
        and text.isascii()
        and TERMINATOR not in text
    )


def _index_query(
    db: Connection, text: str, like: ColumnElement[bool], view_is_large: bool | None
) -> str | None:
    """The FTS5 query that finds the text in the trigram index, or None where LIKE is
    the better way (or the only one: PostgreSQL has no such index).

    A text of three characters or more is one phrase. A shorter one begins trigrams (the
    index has two terminators after each column, models/search.py), so the work orders
    that hold it are those holding any of the index's terms that begin with it, looked
    up in the index's vocabulary. That look-up reads each term's list of work orders, so
    it is worth it only when few hold the text ('zz': LIKE reads all 200,000 numbers and
    titles of the large plant to find none) in a view too large for LIKE to read quickly;
    where a sample of the newest work orders shows it common, LIKE finds a page after a
    short walk. `view_is_large` is None for a text `_short_for_terms` leaves to LIKE.
    """
    if db.dialect.name != "sqlite" or TERMINATOR in text:
        return None
    if len(text) >= MIN_SEARCH_LENGTH:
        return _phrase(text)
    if not view_is_large or _common_in_sample(db, like):
        return None
    low = text.lower()
    terms = db.execute(_TERMS, {"low": low, "high": low + _PAST_EVERY_CHARACTER}).scalars()
    # no term at all: the short text as a phrase, which matches nothing
    return " OR ".join(_phrase(term) for term in terms) or _phrase(text)


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


# Up to this many matches the page is sorted from their ids; more, in priority order, come
# from a walk of each status's covering index (_walk_by_status); in another order, up to
# COUNT_CAP are sorted from one scan of the filter's index, and beyond, the sort order's
# index is walked (matches are then common, so a page is found after a short walk).
_ID_LIST_MAX = 1_000
# a view of up to this many work orders is counted by LIKE whatever the text (a few ms);
# in a larger one, a text the index did not count is counted only as far as _ID_LIST_MAX
_SCAN_MAX = 20_000
# a list of ids bound as one expanding parameter (cheaper than one bound value each)
_IDS = bindparam("ids", expanding=True)
# the work orders whose number or title holds a text, from the FTS5 trigram index
_SEARCH_TABLE = table(WORK_ORDER_SEARCH, column("rowid"))
_MATCH = literal_column(WORK_ORDER_SEARCH).op("MATCH")(bindparam("phrase"))
_SEARCH = select(_SEARCH_TABLE.c.rowid).where(_MATCH)
# how many of them, counted as far as the bound `most`
_SEARCH_COUNT = select(func.count()).select_from(
    _SEARCH.limit(bindparam("most", type_=Integer)).subquery()
)
# the index's terms (trigrams) from `low` up to `high`: those a short text begins
_TERMS_TABLE = table(WORK_ORDER_SEARCH_TERMS, column("term"))
_TERMS = select(_TERMS_TABLE.c.term).where(
    _TERMS_TABLE.c.term >= bindparam("low"), _TERMS_TABLE.c.term < bindparam("high")
)
_PAST_EVERY_CHARACTER = "\U0010ffff"
# A short text is common when more than _SAMPLE_COMMON of the newest _SAMPLE work orders
# hold it (1 in 20): LIKE then finds its first thousand after a walk of at most 20,000
# rows (a few ms), while the index's terms would list ten thousand and more. Below that
# the terms cost less (measured on the large plant: 'z', 5,146 work orders, 0.7 ms for the
# terms against 10 ms of LIKE). Reading the sample costs well under a millisecond.
_SAMPLE = 2_000
_SAMPLE_COMMON = 100
_NEWEST_ID = select(func.max(WorkOrder.id)).scalar_subquery()


def _common_in_sample(db: Connection, like: ColumnElement[bool]) -> bool:
    newest = select(WorkOrder.id).where(WorkOrder.id > _NEWEST_ID - _SAMPLE, like)  # type: ignore[operator]
    held = select(func.count()).select_from(newest.limit(_SAMPLE_COMMON + 1).subquery())
    return db.execute(held).scalar_one() > _SAMPLE_COMMON


def _page_ids(
    db: Connection,
    queue_filter: QueueFilter,
    match: _Match,
    offset: int,
    limit: int,
) -> tuple[list[int], int, int]:
    """The ids of one page, in order, the number of matches, and how far they were counted
    (COUNT_CAP, or _ID_LIST_MAX: the number is then at most cap + 1).

    Unless the index counted them, one bounded scan finds the matches; how the page is
    then found depends on how many there were, so that neither a rare nor a common match
    costs a long walk. Counting a text the index did not count (one or two characters on
    SQLite; a view of some statuses or one priority) reads every row of the view that
    does not hold it: in a view of more than _SCAN_MAX work orders (every status: all
    200,000 of the large plant) the count stops at the first scan's _ID_LIST_MAX + 1
    ("1,000+"), a far shorter read than a count to COUNT_CAP ('z': 5,146 matches, every
    one of the 200,000 read to count them).
    """
    view, cap = match.view, COUNT_CAP
    matches: list[int] = []
    if match.counted is not None and match.counted > _ID_LIST_MAX:
        total = match.counted
    else:
        first = select(WorkOrder.id).where(*view, *match.found_by).limit(_ID_LIST_MAX + 1)
        matches = list(db.execute(first).scalars().all())
        total = len(matches)
        if total > _ID_LIST_MAX:
            large = match.large
            if large is None:
                large = _view_is_large(db, queue_filter)
            if match.found_by and large:
                cap = _ID_LIST_MAX
            else:
                bounded = (
                    select(WorkOrder.id)
                    .where(*view, *match.found_by)
                    .limit(COUNT_CAP + 1)
                    .subquery()
                )
                total = db.execute(select(func.count()).select_from(bounded)).scalar_one()
    if total == 0 or (offset >= total and total <= cap):
        return [], total, cap
    if total > _ID_LIST_MAX and queue_filter.sort == "priority":
        return _walk_by_status(db, queue_filter, match, offset, limit), total, cap
    query = select(WorkOrder.id)
    if queue_filter.sort == "asset":
        query = query.join(Asset, Asset.id == WorkOrder.asset_id)
    if total <= _ID_LIST_MAX:
        query = query.where(WorkOrder.id.in_(_IDS)).params(ids=matches)  # type: ignore[union-attr]
        walk = True
    elif total > cap:  # common: walk the sort order's index
        query = query.where(*view, *match.walked_by)
        walk = True
    else:  # sort them all, found the cheapest way
        query = query.where(*view, *match.found_by)
        walk = False
    query = query.order_by(*_order_by(queue_filter, walk)).offset(offset).limit(limit)
    return list(db.execute(query).scalars()), total, cap


def _walk_by_status(
    db: Connection, queue_filter: QueueFilter, match: _Match, offset: int, limit: int
) -> list[int]:
    """A page of more than _ID_LIST_MAX matches in priority order, walked status by
    status and merged.

    The queue's covering index (status, priority, number, due, asset, title) holds each
    status's work orders in priority order with every column LIKE reads, so one walk per
    status reads no row of the table, and SQLite merges the walks (MERGE (UNION ALL)),
    each going only as far as the page needs: a text of thousands of matches is paged
    after a short walk, not sorted whole, and at worst the walks read that index once.
    One walk of the priority index would look each row up for its title, and goes far
    when the matches gather late in that order ('seal' over every status: not one among
    the 36,000 work orders of priority 1).
    """
    walks = [
        select(WorkOrder.id, WorkOrder.priority, WorkOrder.number).where(
            WorkOrder.status == status,
            *_view(queue_filter, statuses=False),
            *match.walked_by,
        )
        for status in sorted(queue_filter.statuses)
    ]
    merged = union_all(*walks)
    order = [merged.selected_columns.priority, merged.selected_columns.number]
    if queue_filter.descending:
        order = [term.desc() for term in order]
    page = merged.order_by(*order).offset(offset).limit(limit)
    return [row[0] for row in db.execute(page)]


def _view_is_large(db: Connection, queue_filter: QueueFilter) -> bool:
    """More than _SCAN_MAX work orders in the statuses and priority chosen (counted from
    the status index as far as that)."""
    view = select(WorkOrder.id).where(*_view(queue_filter)).limit(_SCAN_MAX + 1).subquery()
    return db.execute(select(func.count()).select_from(view)).scalar_one() > _SCAN_MAX


# the columns of the page's rows, by their ids (built once)
_ASSIGNEE = aliased(User)
_PAGE_ROWS = (
    select(
        WorkOrder.id,
        WorkOrder.number,
        WorkOrder.priority,
        WorkOrder.status,
        WorkOrder.wo_type,
        Asset.tag,
        WorkOrder.title,
        WorkOrder.due_date,
        _ASSIGNEE.name,
    )
    .join(Asset, Asset.id == WorkOrder.asset_id)
    .outerjoin(_ASSIGNEE, _ASSIGNEE.id == WorkOrder.assignee_id)
    .where(WorkOrder.id.in_(_IDS))  # type: ignore[union-attr]
)


def work_order_queue(
    session: Session, queue_filter: QueueFilter, offset: int = 0, limit: int = PAGE_SIZE
) -> QueuePage:
    """One page of the queue and the number of matches (counted up to the page's cap + 1)."""
    if limit < 1:
        raise InvalidValue(f"a page holds at least one row, not {limit}", limit)
    offset = max(offset, 0)
    db = session.connection()  # Core statements: the ORM adds nothing to plain columns
    page_ids, total, cap = _page_ids(db, queue_filter, _match(db, queue_filter), offset, limit)
    if not page_ids:
        return QueuePage([], offset, limit, total, queue_filter, cap)
    found = db.execute(_PAGE_ROWS, {"ids": page_ids}).all()
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
    return QueuePage(rows, offset, limit, total, queue_filter, cap)


# --- parts readiness ----------------------------------------------------------------------


def _not_below_zero(quantity: ColumnElement[int]) -> ColumnElement[int]:
    return case((quantity > 0, quantity), else_=0)


# Built once, one statement for the page (its ids come in as one expanding parameter):
# each demand line's quantities as signed parts (issues, less the reversals of issues;
# open reservations), summed per line, then the lines' to-issue and shortage per WO.
_ORIGINAL = aliased(Movement)
_LINE_PARTS = union_all(
    select(
        Movement.demand_line_id.label("line_id"),  # type: ignore[union-attr]
        Movement.qty.label("issued"),  # type: ignore[attr-defined]
        literal(0).label("reserved"),
    ).where(Movement.wo_id.in_(_IDS), Movement.kind == MovementKind.ISSUE),  # type: ignore[union-attr]
    select(_ORIGINAL.demand_line_id, -Movement.qty, literal(0))  # type: ignore[operator]
    .join(_ORIGINAL, _ORIGINAL.id == Movement.reverses_id)
    .where(
        Movement.wo_id.in_(_IDS),  # type: ignore[union-attr]
        Movement.kind == MovementKind.REVERSAL,
        _ORIGINAL.kind == MovementKind.ISSUE,
    ),
    select(
        Reservation.demand_line_id, literal(0), Reservation.qty - Reservation.supplied_qty
    ).where(
        Reservation.wo_id.in_(_IDS),  # type: ignore[attr-defined]
        Reservation.status.in_(OPEN_RESERVATION_STATUSES),  # type: ignore[attr-defined]
    ),
).subquery()
_PER_LINE = (
    select(
        _LINE_PARTS.c.line_id,
        func.sum(_LINE_PARTS.c.issued).label("issued"),
        func.sum(_LINE_PARTS.c.reserved).label("reserved"),
    )
    .group_by(_LINE_PARTS.c.line_id)
    .subquery()
)
_TO_ISSUE = _not_below_zero(DemandLine.planned_qty - func.coalesce(_PER_LINE.c.issued, 0))
_READINESS = (
    select(
        DemandLine.wo_id,
        func.sum(_TO_ISSUE),
        func.sum(_not_below_zero(_TO_ISSUE - func.coalesce(_PER_LINE.c.reserved, 0))),
    )
    .outerjoin(_PER_LINE, _PER_LINE.c.line_id == DemandLine.id)
    .where(DemandLine.wo_id.in_(_IDS))  # type: ignore[attr-defined]
    .group_by(DemandLine.wo_id)
)


def parts_readiness(session: Session, wo_ids: list[int]) -> dict[int, str]:
    """'no parts', 'issued', 'ready' or 'short N' for each WO, from one grouped query.

    Per demand line: issued = issue movements net of their reversals; still to issue =
    planned - issued (not below 0); open reserved = qty - supplied of open reservations;
    short = still to issue - open reserved (not below 0). N sums the lines' shortages.
    A WO without demand lines is left out (the queue shows it as 'no parts').
    """
    if not wo_ids:
        return {}
    readiness = {}
    for wo_id, to_issue, short in session.connection().execute(_READINESS, {"ids": wo_ids}):
        if to_issue == 0:
            readiness[wo_id] = "issued"
        elif short == 0:
            readiness[wo_id] = "ready"
        else:
            readiness[wo_id] = f"short {format_qty(int(short))}"
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
