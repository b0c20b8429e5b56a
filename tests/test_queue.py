"""The work-order queue at the service layer: filter, sort, paging, counts and parts
readiness on hand-made work orders, and the detail the WO screen reads."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event

from storeroom_tui import catalog, counter, ledger, queue, reconciliation, workorders
from storeroom_tui.errors import StoreroomError
from storeroom_tui.quantities import parse_qty
from storeroom_tui.queue import ALL_STATUSES, QueueFilter, QueueRow, work_order_queue
from storeroom_tui.service import Storeroom

PAST = date(2020, 1, 10)
FUTURE = date(2099, 6, 1)


def make_wo(
    store,
    asset: str,
    title: str,
    wo_type: str = "CM",
    priority: int = 3,
    due: date | None = None,
    assignee: str | None = None,
    lines: dict[str, str] | None = None,
    steps: tuple[str, ...] = (),
    reserve: bool = False,
) -> str:
    def make(session, actor):
        work_order = workorders.create_work_order(
            session, actor, asset, title, wo_type, priority, due, assignee
        )
        for part, qty in (lines or {}).items():
            workorders.add_demand_line(session, actor, work_order, part, parse_qty(qty))
        for step in steps:
            reason = "planned stop" if step in ("on_hold", "postponed", "cancelled") else None
            workorders.change_status(session, actor, work_order, step, reason)
            if step == "approved" and reserve:
                queue.reserve_for(session, actor, work_order.number)
        return work_order.number

    return store.write(make)


def build_shop(path: Path) -> None:
    """Six WOs on three assets (numbers WO-000001..6):

    1 PUMP-07 'Replace bearing cage'   CM P3 due 2020  T1  in_progress  2 BRG reserved
    2 FAN-02  'Inspect fan belt'       INSP P2 due 2099    requested    no lines
    3 PUMP-07 'Leak at seal'           EM P2 no due        approved     10 SEAL-9, 6 reserved
    4 MIX-10  'Mixer gearbox noise'    CM P1 due 2020      closed
    5 FAN-02  'Lubricate 100% of fans' PM P4 due 2099      cancelled
    6 PUMP-07 'Bearing_check'          PM P3 due 2099  S1  in_progress  1 BRG issued
    """
    s = Storeroom.open(str(path), terminal="")
    s.init()
    s.sign_in("ADMIN")
    fill_shop(s)
    s.close()


def fill_shop(s: Storeroom) -> None:
    """build_shop's master data and WOs, into an initialised storeroom signed in as ADMIN."""
    s.write(catalog.add_bin, "A-01-01", "MAIN")
    s.write(catalog.add_item, "BRG-6204", "Bearing 6204")
    s.write(catalog.add_item, "SEAL-9", "Shaft seal")
    for tag, name in (
        ("PUMP-07", "Cooling pump 7"),
        ("FAN-02", "Exhaust fan 2"),
        ("MIX-10", "Mixer"),
    ):
        s.write(catalog.add_asset, tag, name)
    s.write(catalog.add_user, "T1", "Tom Tech", "technician")
    s.write(catalog.add_user, "S1", "Sue Supervisor", "supervisor")
    s.write(ledger.receive, "BRG-6204", parse_qty("20"), "A-01-01", unit_cost=500)
    s.write(ledger.receive, "SEAL-9", parse_qty("6"), "A-01-01", unit_cost=150)
    make_wo(s, "PUMP-07", "Replace bearing cage", "CM", 3, PAST, "T1", {"BRG-6204": "2"},
            ("approved", "in_progress"), reserve=True)  # fmt: skip
    make_wo(s, "FAN-02", "Inspect fan belt", "INSP", 2, FUTURE)
    make_wo(s, "PUMP-07", "Leak at seal", "EM", 2, None, None, {"SEAL-9": "10"},
            ("approved",), reserve=True)  # fmt: skip
    make_wo(s, "MIX-10", "Mixer gearbox noise", "CM", 1, date(2020, 2, 1), None, None,
            ("approved", "in_progress", "completed"))  # fmt: skip
    s.write(reconciliation.close_work_order, "WO-000004")
    make_wo(s, "FAN-02", "Lubricate 100% of fans", "PM", 4, FUTURE, None, None, ("cancelled",))
    make_wo(s, "PUMP-07", "Bearing_check", "PM", 3, FUTURE, "S1", {"BRG-6204": "1"},
            ("approved", "in_progress"), reserve=True)  # fmt: skip
    s.write(counter.issue_to_line, "WO-000006", "BRG-6204", parse_qty("1"))


@pytest.fixture(scope="module")
def shop_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("shop") / "storeroom.db"
    build_shop(path)
    return path


@pytest.fixture(scope="module")
def shop(shop_file) -> Iterator[Storeroom]:
    """The shop, shared by the tests that only read it."""
    s = Storeroom.open(str(shop_file), terminal="")
    s.sign_in("ADMIN")
    yield s
    s.close()


@pytest.fixture
def shop_copy(shop_file, tmp_path) -> Iterator[Storeroom]:
    """A copy of the shop of its own, for a test that changes it."""
    path = tmp_path / "storeroom.db"
    shutil.copyfile(shop_file, path)
    s = Storeroom.open(str(path), terminal="")
    s.sign_in("ADMIN")
    yield s
    s.close()


def numbers(store, **kwargs) -> list[str]:
    page = store.read(work_order_queue, QueueFilter(**kwargs))
    return [row.number for row in page.rows]


# --- what the queue shows ---------------------------------------------------------------------


def test_the_queue_shows_open_work_orders_most_urgent_first(shop):
    page = shop.read(work_order_queue, QueueFilter())
    assert page.rows == [
        QueueRow("WO-000002", 2, "requested", "INSP", "FAN-02", "Inspect fan belt", FUTURE,
                 None, "no parts", False, False),
        QueueRow("WO-000003", 2, "approved", "EM", "PUMP-07", "Leak at seal", None,
                 None, "short 4", False, True),
        QueueRow("WO-000001", 3, "in_progress", "CM", "PUMP-07", "Replace bearing cage", PAST,
                 "Tom Tech", "ready", True, False),
        QueueRow("WO-000006", 3, "in_progress", "PM", "PUMP-07", "Bearing_check", FUTURE,
                 "Sue Supervisor", "issued", False, False),
    ]  # fmt: skip
    assert (page.total, page.range_text, page.filter.status_label) == (4, "rows 1–4 of 4", "open")


def test_a_closed_emergency_with_a_past_due_date_is_not_overdue(shop):
    [row] = shop.read(work_order_queue, QueueFilter(text="mixer", statuses=ALL_STATUSES)).rows
    assert (row.number, row.status, row.emergency, row.overdue) == (
        "WO-000004",
        "closed",
        True,
        False,
    )


def test_all_shows_closed_and_cancelled_too(shop):
    assert numbers(shop, statuses=ALL_STATUSES, sort="number") == [
        "WO-000001",
        "WO-000002",
        "WO-000003",
        "WO-000004",
        "WO-000005",
        "WO-000006",
    ]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("in_progress", ["WO-000001", "WO-000006"]),
        ("requested", ["WO-000002"]),
        ("closed", ["WO-000004"]),
        ("cancelled", ["WO-000005"]),
        ("on_hold", []),
    ],
)
def test_a_quick_filter_by_one_status(shop, status, expected):
    assert numbers(shop, statuses=frozenset({status}), sort="number") == expected


def test_the_quick_filters_are_open_each_status_then_all():
    labels = [label for label, _ in queue.quick_filters()]
    assert labels == [
        "open",
        "requested",
        "approved",
        "scheduled",
        "in_progress",
        "on_hold",
        "postponed",
        "completed",
        "closed",
        "cancelled",
        "all",
    ]


def test_a_priority_filter_keeps_only_that_priority(shop):
    assert numbers(shop, priority=2) == ["WO-000002", "WO-000003"]
    assert numbers(shop, priority=1) == []
    assert numbers(shop, priority=1, statuses=ALL_STATUSES) == ["WO-000004"]


# --- filter as you type -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wo-000003", ["WO-000003"]),  # the number, any case
        ("0006", ["WO-000006"]),
        ("pump", ["WO-000003", "WO-000001", "WO-000006"]),  # the asset tag
        ("fan-0", ["WO-000002"]),
        ("BEARING", ["WO-000001", "WO-000006"]),  # the title, any case
        ("  seal ", ["WO-000003"]),  # surrounding blanks do not count
        ("g_c", ["WO-000006"]),  # '_' is a character, not a wildcard ("bearing cage")
        ("nothing like this", []),
    ],
)
def test_the_text_filter_matches_number_asset_and_title(shop, text, expected):
    assert numbers(shop, text=text) == expected


def test_a_percent_sign_in_the_filter_is_taken_literally(shop):
    assert numbers(shop, text="100%", statuses=ALL_STATUSES) == ["WO-000005"]
    assert numbers(shop, text="%", statuses=ALL_STATUSES) == ["WO-000005"]


# --- sorting ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("number", ["1", "2", "3", "4", "5", "6"]),
        ("priority", ["4", "2", "3", "1", "6", "5"]),
        ("status", ["2", "3", "1", "6", "4", "5"]),  # in the order of a WO's life
        ("asset", ["2", "5", "4", "1", "3", "6"]),
        ("title", ["6", "2", "3", "5", "4", "1"]),  # case ignored
        ("due", ["1", "4", "2", "5", "6", "3"]),  # no due date last
    ],
)
def test_each_column_sorts_and_reverses(shop, sort, expected):
    wanted = [f"WO-00000{n}" for n in expected]
    assert numbers(shop, statuses=ALL_STATUSES, sort=sort) == wanted
    reverse = numbers(shop, statuses=ALL_STATUSES, sort=sort, descending=True)
    if sort == "due":  # still last when reversed: a WO without a date has no place in time
        assert reverse == [f"WO-00000{n}" for n in ["6", "5", "2", "4", "1", "3"]]
    else:
        assert reverse == wanted[::-1]


@pytest.mark.parametrize(("id_list_max", "count_cap"), [(1000, 10_000), (2, 10_000), (1, 3)])
@pytest.mark.parametrize("sort", queue.SORTS)
def test_every_way_of_finding_a_page_gives_the_same_rows(
    shop, monkeypatch, sort, id_list_max, count_cap
):
    """Few matches sort from their ids, more from one scan, many walk the sort's index."""
    expected = numbers(shop, statuses=ALL_STATUSES, sort=sort)
    monkeypatch.setattr(queue, "_ID_LIST_MAX", id_list_max)
    monkeypatch.setattr(queue, "COUNT_CAP", count_cap)
    assert numbers(shop, statuses=ALL_STATUSES, sort=sort) == expected
    for offset in (0, 2, 4):
        page = shop.read(work_order_queue, QueueFilter(statuses=ALL_STATUSES, sort=sort), offset, 2)
        assert [row.number for row in page.rows] == expected[offset : offset + 2]


@pytest.mark.parametrize(
    ("id_list_max", "count_cap", "scan_max", "sample_common"),
    [
        (1000, 10_000, 20_000, 10),
        (1, 10_000, 20_000, 10),
        (1, 2, 20_000, 10),
        (1, 10_000, 2, 10),
        # one or two characters in a large view: always through the index's terms, never
        (1000, 10_000, 2, 10_000),
        (1, 10_000, 2, 10_000),
        (1, 10_000, 2, -1),
    ],
)
@pytest.mark.parametrize("sort", queue.SORTS)
def test_every_way_of_finding_a_filtered_page_gives_the_same_rows(
    shop, monkeypatch, sort, id_list_max, count_cap, scan_max, sample_common
):
    """A text by LIKE or through the index (a phrase of three characters and more, the
    terms one or two begin), in every status, the open ones or one priority, either way
    round, a page at a time: a list of ids, one sort of them all, a walk of the sort's
    index or of each status's."""
    filters = [
        QueueFilter(text=text, statuses=statuses, priority=priority, sort=sort, descending=down)
        for text in ("e", "p", "0", "pump", "bearing", "wo-00000")
        for statuses in (ALL_STATUSES, queue.OPEN)
        for priority in (None, 3)
        for down in (False, True)
    ]
    expected = {f: [r.number for r in shop.read(work_order_queue, f).rows] for f in filters}
    monkeypatch.setattr(queue, "_ID_LIST_MAX", id_list_max)
    monkeypatch.setattr(queue, "COUNT_CAP", count_cap)
    monkeypatch.setattr(queue, "_SCAN_MAX", scan_max)
    monkeypatch.setattr(queue, "_SAMPLE_COMMON", sample_common)
    for queue_filter in filters:
        wanted = expected[queue_filter]
        for offset in (0, 2, 4):
            page = shop.read(work_order_queue, queue_filter, offset, 2)
            assert [row.number for row in page.rows] == wanted[offset : offset + 2], (
                queue_filter,
                offset,
            )
            assert page.total == len(wanted) or (page.capped and page.total == page.cap + 1)


def test_a_short_text_in_a_large_view_is_counted_only_as_far_as_the_first_scan(shop, monkeypatch):
    """One or two characters common in the newest work orders, left to LIKE: counting them
    in a view of more than _SCAN_MAX work orders would read it whole, so the count stops
    at _ID_LIST_MAX + 1."""
    monkeypatch.setattr(queue, "_ID_LIST_MAX", 2)
    monkeypatch.setattr(queue, "_SCAN_MAX", 5)
    monkeypatch.setattr(queue, "_SAMPLE_COMMON", 1)  # 'i': 5 of the 6 newest
    every = QueueFilter(text="i", statuses=ALL_STATUSES, sort="number")  # 6 WOs, 5 match
    page = shop.read(work_order_queue, every, 0, 2)
    assert (page.total, page.cap, page.capped, page.range_text, page.has_next) == (
        3,
        2,
        True,
        "rows 1–2 of 2+",
        True,
    )
    last = shop.read(work_order_queue, every, 4, 2)
    assert ([row.number for row in last.rows], last.has_next) == (["WO-000006"], False)
    # the open ones are 4, fewer than _SCAN_MAX: counted whole
    page = shop.read(work_order_queue, QueueFilter(text="i", sort="number"), 0, 2)
    assert (page.total, page.capped, page.range_text) == (3, False, "rows 1–2 of 3")
    # three characters and more: the index counts them over every status
    page = shop.read(work_order_queue, QueueFilter(text="wo-", statuses=ALL_STATUSES), 0, 2)
    assert (page.total, page.capped, page.range_text) == (6, False, "rows 1–2 of 6")
    # rare in the newest: found through the index's terms, and counted whole
    monkeypatch.setattr(queue, "_SAMPLE_COMMON", 5)
    page = shop.read(work_order_queue, every, 0, 2)
    assert (page.total, page.capped, page.range_text) == (5, False, "rows 1–2 of 5")


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"sort": "colour"}, "colour"),
        ({"priority": 7}, "7"),
        ({"statuses": frozenset({"finished"})}, "finished"),
        ({"statuses": frozenset()}, "at least one status"),
    ],
)
def test_a_bad_filter_is_refused_naming_the_value(kwargs, named):
    with pytest.raises(StoreroomError) as caught:
        QueueFilter(**kwargs)
    assert caught.value.code == "invalid_value"
    assert named in caught.value.message


# --- paging and counting ----------------------------------------------------------------------


def test_pages_come_from_the_database_in_order(shop):
    everything = QueueFilter(statuses=ALL_STATUSES, sort="number")
    first = shop.read(work_order_queue, everything, 0, 4)
    second = shop.read(work_order_queue, everything, 4, 4)
    beyond = shop.read(work_order_queue, everything, 8, 4)
    assert [r.number for r in first.rows] == ["WO-000001", "WO-000002", "WO-000003", "WO-000004"]
    assert [r.number for r in second.rows] == ["WO-000005", "WO-000006"]
    assert (first.range_text, first.has_previous, first.has_next) == ("rows 1–4 of 6", False, True)
    assert (second.range_text, second.has_previous, second.has_next) == (
        "rows 5–6 of 6",
        True,
        False,
    )
    assert (beyond.rows, beyond.total, beyond.range_text) == ([], 6, "no rows here of 6")


def test_a_count_beyond_the_cap_is_shown_as_cap_plus(shop, monkeypatch):
    monkeypatch.setattr(queue, "COUNT_CAP", 4)
    monkeypatch.setattr(queue, "_ID_LIST_MAX", 2)
    page = shop.read(work_order_queue, QueueFilter(statuses=ALL_STATUSES, sort="number"), 0, 2)
    assert (page.total, page.capped, page.range_text, page.has_next) == (
        5,
        True,
        "rows 1–2 of 4+",
        True,
    )


def test_thousands_are_grouped_in_the_range(shop):
    page = queue.QueuePage([], 0, 100, 2345)
    assert page.total_text == "2,345"
    page = queue.QueuePage([], 0, 100, queue.COUNT_CAP + 1)
    assert page.total_text == "10,000+"


def test_no_match_says_so(shop):
    page = shop.read(work_order_queue, QueueFilter(text="zzz"))
    assert (page.rows, page.total, page.range_text) == ([], 0, "no work orders match")


# --- parts readiness --------------------------------------------------------------------------


def readiness(store, number: str) -> str:
    [row] = store.read(work_order_queue, QueueFilter(text=number, statuses=ALL_STATUSES)).rows
    return row.readiness


def test_readiness_follows_reserve_issue_and_reversal(plant):
    s = plant.store
    number = make_wo(s, "PUMP-07", "Two lines", lines={"BRG-6204": "3", "SEAL-9": "2"})
    assert readiness(s, number) == "short 5"  # nothing reserved yet
    s.write(workorders.change_status, s.read(catalog.find_work_order, number), "approved")
    s.write(queue.reserve_for, number)
    assert readiness(s, number) == "ready"
    s.write(queue.change_status_of, number, "in_progress")
    first = s.write(counter.issue_to_line, number, "BRG-6204", parse_qty("3"))
    assert readiness(s, number) == "ready"  # 3 issued, 2 still reserved
    s.write(counter.issue_to_line, number, "SEAL-9", parse_qty("2"))
    assert readiness(s, number) == "issued"
    s.write(ledger.reverse, first.key, "wrong bin")
    assert readiness(s, number) == "ready"  # the reversal gave the reservation back


def test_a_partial_issue_leaves_the_rest_short(plant):
    s = plant.store
    number = plant.wo_in_progress({"SEAL-9": "10"})  # started without reserving
    s.write(counter.issue_to_line, number, "SEAL-9", parse_qty("4"))
    assert readiness(s, number) == "short 6"
    s.write(queue.reserve_for, number)  # 2 seals left in the bin
    assert readiness(s, number) == "short 4"


def test_readiness_counts_shortage_per_line_not_in_total(plant):
    """An over-issue on one line does not cover another line's shortage."""
    s = plant.store
    number = plant.wo_in_progress({"BRG-6204": "1", "SEAL-9": "2"})
    s.write(counter.issue_to_line, number, "BRG-6204", parse_qty("3"), reason="worn more")
    assert readiness(s, number) == "short 2"


def test_readiness_is_worked_out_only_for_the_ids_asked(shop):
    ids = {n: shop.read(catalog.find_work_order, n).id for n in ("WO-000001", "WO-000002")}
    asked = shop.read(queue.parts_readiness, [ids["WO-000001"], ids["WO-000002"]])
    # WO-000002 has no lines: left out, the queue shows 'no parts'
    assert asked == {ids["WO-000001"]: "ready"}
    assert shop.read(queue.parts_readiness, []) == {}


# --- the detail -------------------------------------------------------------------------------


def test_the_detail_has_header_lines_and_history(shop):
    detail = shop.read(queue.work_order_detail, "WO-000003")
    assert (detail.number, detail.title, detail.asset, detail.asset_name) == (
        "WO-000003",
        "Leak at seal",
        "PUMP-07",
        "Cooling pump 7",
    )
    assert (detail.wo_type, detail.priority, detail.status, detail.due) == (
        "EM",
        2,
        "approved",
        None,
    )
    assert (detail.emergency, detail.overdue, detail.requester, detail.assignee) == (
        True,
        False,
        "Administrator",
        None,
    )
    [line] = detail.lines
    assert (line.part, line.planned, line.reserved, line.issued, line.shortage) == (
        "SEAL-9",
        10000,
        6000,
        0,
        4000,
    )
    assert [(e.from_status, e.to_status, e.who, e.reason) for e in detail.history] == [
        (None, "requested", "Administrator", "created"),
        ("requested", "approved", "Administrator", None),
    ]


def test_changing_a_status_by_number_is_logged_with_the_reason(shop_copy):
    assert shop_copy.write(queue.change_status_of, "WO-000001", "on_hold", "waiting for crane") == (
        "on_hold"
    )
    detail = shop_copy.read(queue.work_order_detail, "WO-000001")
    last = detail.history[-1]
    assert (last.from_status, last.to_status, last.reason) == (
        "in_progress",
        "on_hold",
        "waiting for crane",
    )


def test_postponing_can_release_the_reservations(shop_copy):
    shop_copy.write(queue.change_status_of, "WO-000003", "postponed", "no window", True)
    detail = shop_copy.read(queue.work_order_detail, "WO-000003")
    assert (detail.status, detail.reserved) == ("postponed", 0)
    assert readiness(shop_copy, "WO-000003") == "short 10"


def test_a_refused_status_change_by_number_changes_nothing(shop_copy):
    with pytest.raises(StoreroomError) as caught:
        shop_copy.write(queue.change_status_of, "WO-000002", "in_progress")
    assert caught.value.code == "invalid_transition"
    assert "WO-000002" in caught.value.message
    assert shop_copy.read(queue.work_order_detail, "WO-000002").status == "requested"


def test_reserving_by_number_tells_the_shortage_per_line(shop_copy):
    number = make_wo(shop_copy, "PUMP-07", "More seals", lines={"SEAL-9": "1"}, steps=("approved",))
    [line] = shop_copy.write(queue.reserve_for, number)
    # WO-000003 holds all 6 seals: nothing is free
    assert (line.line_no, line.part, line.reserved_now, line.shortage) == (1, "SEAL-9", 0, 1000)


def test_an_unknown_work_order_is_named(shop):
    with pytest.raises(StoreroomError) as caught:
        shop.read(queue.work_order_detail, "WO-999999")
    assert (caught.value.code, "WO-999999" in caught.value.message) == ("unknown_work_order", True)


def test_a_page_of_common_matches_walks_each_status_in_the_covering_index(shop, monkeypatch):
    """The priority order over many matches: one walk per status through ix_wo_queue (no
    look-up of the table, no sort of all the matches), merged."""
    monkeypatch.setattr(queue, "_ID_LIST_MAX", 1)
    sent: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if "UNION ALL" in statement and "demand_line" not in statement:  # not readiness's
            sent.append((statement, parameters))

    event.listen(shop.db.engine, "before_cursor_execute", keep)
    try:
        page = shop.read(work_order_queue, QueueFilter(text="e", statuses=ALL_STATUSES), 0, 3)
    finally:
        event.remove(shop.db.engine, "before_cursor_execute", keep)
    assert [row.number for row in page.rows] == ["WO-000004", "WO-000002", "WO-000003"]
    [(statement, parameters)] = sent
    with sqlite3.connect(shop.db.location) as db:
        plan = [row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)]
    assert "MERGE (UNION ALL)" in plan
    walks = [step for step in plan if step.startswith(("SCAN", "SEARCH"))]
    assert len(walks) == len(ALL_STATUSES)
    assert all("USING COVERING INDEX ix_wo_queue (status=?)" in step for step in walks), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan
