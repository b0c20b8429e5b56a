"""Cost of work: labour, contractors, downtime, rates, budgets and asset values; the WO's
cost frozen at closure (parts + labour + contractor, to the cent) and rolled up through
the asset hierarchy once; every refusal with its exact message, changing nothing.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import (
    AssetCost,
    AssigneeMonth,
    Item,
    ItemMonth,
    LabourEntry,
    LabourMonth,
    User,
    WorkOrderCost,
)
from storeroom_tui import catalog, costs, counter, ledger
from storeroom_tui.errors import StoreroomError
from storeroom_tui.quantities import parse_money, parse_qty
from storeroom_tui.reconciliation import close_work_order, complete_work_order
from tests.costs_plant import _new_wo, master_data

pytestmark = pytest.mark.both_backends

DAY = date(2026, 11, 20)


@pytest.fixture
def costed(store):
    master_data(store)
    return store


def refused(call, code: str, message: str) -> StoreroomError:
    with pytest.raises(StoreroomError) as caught:
        call()
    assert (caught.value.code, caught.value.message) == (code, message)
    return caught.value


def labour_rows(store) -> int:
    return store.read(lambda s: len(s.execute(select(LabourEntry.id)).all()))


def lifetime(store, tag: str) -> tuple[int, int, int]:
    v = store.read(costs.asset_values, tag)
    return v.lifetime_cost, v.own_cost, v.work_orders


def closed(store, number: str) -> None:
    store.write(complete_work_order, number)
    store.write(close_work_order, number)


# --- labour ----------------------------------------------------------------------------------


def test_labour_is_costed_at_the_trade_rate_and_overtime_factor(costed):
    wo = _new_wo(costed, "MIX-1", "Seized", "EM", {}, "T1", "in_progress")
    normal = costed.write(costs.book_labour, wo, "T1", parse_qty("2.5"), "mechanical", DAY)
    extra = costed.write(
        costs.book_labour, wo, "T1", parse_qty("1"), "mechanical", DAY, overtime=True
    )
    sparks = costed.write(costs.book_labour, wo, "T2", parse_qty("0.75"), "electrical", DAY)
    agreed = costed.write(
        costs.book_labour, wo, "T2", parse_qty("2"), "electrical", DAY, True, parse_money("30")
    )
    # 2.5 x 40.00; 1 x 40.00 x 1.5; 0.75 x 55.00; 2 x 30.00 x 2
    assert [b.cost for b in (normal, extra, sparks, agreed)] == [10_000, 6_000, 4_125, 12_000]
    assert (extra.rate, extra.factor, extra.day_hours) == (4_000, 1_500, 3_500)
    assert normal.describe() == (
        f"{wo}: 2.5 h mechanical by Tom Tech on 2026-11-20 at 40.00/h = 100.00"
    )
    assert [b.cost for b in costed.read(costs.labour_of, wo)] == [10_000, 6_000, 4_125, 12_000]


def test_labour_cost_rounds_half_up_to_the_cent(costed):
    costed.write(costs.set_trade_rate, "fitter", parse_money("40.10"), 1500)
    wo = _new_wo(costed, "MIX-1", "Seized", "EM", {}, "T1", "in_progress")
    book = costed.write
    # 0.125 h x 40.10 = 5.0125 -> 5.01; 0.375 h x 40.10 = 15.0375 -> 15.04;
    # 0.375 h x 40.10 x 1.5 = 22.55625 -> 22.56
    assert book(costs.book_labour, wo, "T1", 125, "fitter", DAY).cost == 501
    assert book(costs.book_labour, wo, "T1", 375, "fitter", DAY).cost == 1_504
    assert book(costs.book_labour, wo, "T1", 375, "fitter", DAY, True).cost == 2_256


def test_a_day_has_24_hours_for_one_person_over_every_work_order(costed):
    first = _new_wo(costed, "MIX-1", "Seized", "EM", {}, "T1", "in_progress")
    second = _new_wo(costed, "PUMP-2", "Leaking", "CM", {}, "T1", "in_progress")
    costed.write(costs.book_labour, first, "T1", parse_qty("20"), "mechanical", DAY)
    before = labour_rows(costed)
    refused(
        lambda: costed.write(costs.book_labour, second, "T1", parse_qty("4.5"), "mechanical", DAY),
        "too_many_hours",
        "Tom Tech (T1) would work 24.5 h on 2026-11-20 (20 h already booked); a day has 24",
    )
    assert labour_rows(costed) == before
    # exactly 24 is a (long) day; another day, or another person, is not counted
    assert (
        costed.write(costs.book_labour, second, "T1", 4_000, "mechanical", DAY).day_hours == 24_000
    )
    costed.write(costs.book_labour, second, "T1", 4_000, "mechanical", date(2026, 11, 21))
    costed.write(costs.book_labour, second, "T2", 4_000, "mechanical", DAY)


def test_labour_refusals_name_the_value_and_change_nothing(costed):
    wo = _new_wo(costed, "MIX-1", "Seized", "EM", {}, "T1", "in_progress")
    before = labour_rows(costed)
    book = costed.write
    refused(
        lambda: book(costs.book_labour, wo, "T1", parse_qty("1"), "plumbing", DAY),
        "unknown_trade",
        "no rate for trade 'plumbing' (known: electrical, mechanical); "
        "set one with: storeroom rate set",
    )
    refused(
        lambda: book(costs.book_labour, wo, "T1", parse_qty("1"), "mechanical", DAY, False, 0),
        "invalid_rate",
        "rate 0.00 must be greater than zero",
    )
    refused(
        lambda: book(costs.book_labour, wo, "NOBODY", parse_qty("1"), "mechanical", DAY),
        "unknown_user",
        "no user with badge 'NOBODY'",
    )
    refused(
        lambda: book(costs.book_labour, "WO-999999", "T1", 1000, "mechanical", DAY),
        "unknown_work_order",
        "no work order 'WO-999999'",
    )
    refused(lambda: costs.parse_hours("0"), "invalid_hours", "hours '0' must be greater than zero")
    refused(
        lambda: costs.parse_hours("-2"), "invalid_hours", "hours '-2' must be greater than zero"
    )
    refused(lambda: costs.parse_hours("two"), "invalid_hours", "hours 'two' is not a number")
    refused(
        lambda: costs.parse_day("20-11-2026"),
        "invalid_date",
        "date '20-11-2026' is not a date (YYYY-MM-DD)",
    )
    assert labour_rows(costed) == before


def test_a_technician_books_labour_but_does_not_set_rates(costed):
    wo = _new_wo(costed, "MIX-1", "Seized", "EM", {}, "T1", "in_progress")
    costed.sign_in("T1")
    assert costed.write(costs.book_labour, wo, "T1", 1000, "mechanical", DAY).cost == 4_000
    refused(
        lambda: costed.write(costs.set_trade_rate, "mechanical", 9_900),
        "permission_denied",
        "Tom Tech (T1) is a technician and may not set trade rates, budgets and asset values",
    )
    costed.sign_in("K1")
    refused(
        lambda: costed.write(costs.book_labour, wo, "T1", 1000, "mechanical", DAY),
        "permission_denied",
        "Kim Controller (K1) is a controller and may not book labour, contractors and downtime",
    )
    assert costed.read(costs.find_trade_rate, "mechanical").rate == 4_000


# --- rates -----------------------------------------------------------------------------------


def test_a_rate_of_zero_or_below_is_refused(costed):
    refused(
        lambda: costed.write(costs.set_trade_rate, "welding", 0),
        "invalid_rate",
        "rate 0.00 must be greater than zero",
    )
    refused(lambda: costs.parse_rate("0"), "invalid_rate", "rate 0 must be greater than zero")
    refused(lambda: costs.parse_rate("-5"), "invalid_rate", "rate -5 must be greater than zero")
    refused(
        lambda: costs.parse_rate("4.555"), "invalid_rate", "rate '4.555' has fractions of a cent"
    )
    refused(
        lambda: costs.parse_factor("0.5"), "invalid_rate", "overtime factor 0.5 must be 1 or more"
    )
    assert [r.trade for r in costed.read(costs.list_trade_rates)] == ["electrical", "mechanical"]


def test_a_new_rate_prices_later_bookings_only(costed):
    wo = _new_wo(costed, "MIX-1", "Seized", "EM", {}, "T1", "in_progress")
    costed.write(costs.book_labour, wo, "T1", 1000, "mechanical", DAY)
    costed.write(costs.set_trade_rate, "Mechanical", parse_money("44"), 1750)
    costed.write(costs.book_labour, wo, "T1", 1000, "mechanical", DAY, True)
    assert [b.cost for b in costed.read(costs.labour_of, wo)] == [4_000, 7_700]


# --- contractors -----------------------------------------------------------------------------


def test_contractor_work_by_the_hour_or_for_a_fixed_amount(costed):
    wo = _new_wo(costed, "MIX-1", "Seized", "EM", {}, "T1", "in_progress")
    timed = costed.write(
        costs.book_contractor, wo, "Acme Pumps", hours=parse_qty("3"), rate=parse_money("65.50")
    )
    fixed = costed.write(costs.book_contractor, wo, "Beta Rewinds", amount=parse_money("120"))
    assert (timed.cost, fixed.cost) == (19_650, 12_000)
    assert fixed.describe() == f"{wo}: Beta Rewinds, fixed amount = 120.00"
    assert [b.vendor for b in costed.read(costs.contractors_of, wo)] == [
        "Acme Pumps",
        "Beta Rewinds",
    ]


def test_contractor_refusals(costed):
    wo = _new_wo(costed, "MIX-1", "Seized", "EM", {}, "T1", "in_progress")
    book = costed.write
    refused(
        lambda: book(costs.book_contractor, wo, "Acme", hours=1000, rate=100, amount=100),
        "invalid_value",
        "give either hours and a rate or a fixed amount for Acme, not both",
    )
    refused(
        lambda: book(costs.book_contractor, wo, "Acme"),
        "invalid_value",
        "give hours and a rate, or a fixed amount, for Acme",
    )
    refused(
        lambda: book(costs.book_contractor, wo, "Acme", amount=0),
        "invalid_rate",
        "amount 0.00 must be greater than zero",
    )
    refused(
        lambda: book(costs.book_contractor, wo, "Acme", hours=1000, rate=0),
        "invalid_rate",
        "rate 0.00 must be greater than zero",
    )
    refused(
        lambda: book(costs.book_contractor, wo, "Acme", amount=100, po_number="PO-999999"),
        "unknown_purchase_order",
        "no purchase order 'PO-999999'",
    )
    assert costed.read(costs.contractors_of, wo) == []


# --- the WO's cost at closure and the roll-up ------------------------------------------------


def test_a_closed_work_order_costs_parts_plus_labour_plus_contractor_to_the_cent(costed):
    wo = _new_wo(costed, "MIX-1", "Seized", "EM", {"BRG": "3", "SEAL": "1"}, "T1", "in_progress")
    costed.write(counter.issue_to_line, wo, "BRG", parse_qty("3"))
    costed.write(counter.issue_to_line, wo, "SEAL", parse_qty("1"))
    costed.write(counter.write_off, wo, "BRG", parse_qty("3"))
    costed.write(counter.write_off, wo, "SEAL", parse_qty("1"))
    costed.write(costs.book_labour, wo, "T1", parse_qty("2.25"), "mechanical", DAY)  # 90.00
    costed.write(costs.book_labour, wo, "T2", 333, "electrical", DAY, True)  # 36.63
    costed.write(costs.book_contractor, wo, "Acme", hours=1500, rate=parse_money("65.55"))  # 98.33
    costed.write(costs.set_downtime, wo, parse_qty("1.5"))
    live = costed.read(costs.work_order_cost, wo)
    assert (live.parts, live.labour, live.contractor, live.frozen) == (1_650, 12_663, 9_833, False)

    closed(costed, wo)
    cost = costed.read(costs.work_order_cost, wo)
    # parts 3 x 5.00 + 1 x 1.50 = 16.50; labour 90.00 + 36.63; contractor 98.33 (98.325 up)
    assert (cost.parts, cost.labour, cost.labour_hours, cost.contractor) == (
        1_650,
        12_663,
        2_583,
        9_833,
    )
    assert cost.total == 24_146 and cost.frozen
    assert (cost.downtime_hours, cost.downtime_cost) == (1_500, 15_000)  # 1.5 h x 100.00, beside

    def frozen(session):
        row = session.get(WorkOrderCost, catalog.find_work_order(session, wo).id)
        return (row.parts_cost, row.labour_cost, row.contractor_cost, row.total_cost, row.period)

    assert costed.read(frozen) == (1_650, 12_663, 9_833, 24_146, ledger.today().strftime("%Y-%m"))
    assert costed.read(lambda s: catalog.find_work_order(s, wo).parts_cost) == 1_650


def test_the_cost_rolls_up_through_the_hierarchy_once(costed):
    first = _new_wo(costed, "MIX-1", "Seized", "EM", {"BRG": "2"}, "T1", "in_progress")
    costed.write(counter.issue_to_line, first, "BRG", parse_qty("2"))
    costed.write(counter.write_off, first, "BRG", parse_qty("2"))
    costed.write(costs.book_labour, first, "T1", parse_qty("2"), "mechanical", DAY)
    costed.write(costs.book_contractor, first, "Acme", amount=parse_money("100"))
    closed(costed, first)  # 10.00 + 80.00 + 100.00
    assert lifetime(costed, "MIX-1") == (19_000, 19_000, 1)
    assert lifetime(costed, "LINE-1") == (19_000, 0, 1)
    assert lifetime(costed, "SITE-1") == (19_000, 0, 1)
    assert lifetime(costed, "PUMP-2") == (0, 0, 0)

    second = _new_wo(costed, "PUMP-2", "Filter", "PM", {}, "T2", "in_progress")
    costed.write(costs.book_labour, second, "T2", parse_qty("1.5"), "electrical", DAY)
    closed(costed, second)  # 82.50
    assert lifetime(costed, "PUMP-2") == (8_250, 8_250, 1)
    assert lifetime(costed, "MIX-1") == (19_000, 19_000, 1)
    assert lifetime(costed, "LINE-1") == (27_250, 0, 2)
    assert lifetime(costed, "SITE-1") == (27_250, 0, 2)

    # closing again is refused, and freezing again adds nothing
    refused(
        lambda: costed.write(close_work_order, first),
        "invalid_transition",
        f"{first} cannot go from closed to closed (allowed: none)",
    )

    def freeze_again(session, _actor):
        work_order = catalog.find_work_order(session, first)
        costs.freeze_work_order_cost(session, work_order, 1_000)

    costed.write(freeze_again)
    assert lifetime(costed, "SITE-1") == (27_250, 0, 2)
    assert costed.read(costs.work_order_cost, first).total == 19_000


def month_totals(store) -> dict[str, list[tuple]]:
    """The monthly totals, by part number and badge, in key order."""

    def read(session):
        def rows(query):
            return sorted(tuple(row) for row in session.execute(query).all())

        return {
            "items": rows(
                select(
                    Item.part_number,
                    ItemMonth.period,
                    ItemMonth.lines,
                    ItemMonth.issued,
                    ItemMonth.returned,
                    ItemMonth.used,
                    ItemMonth.used_value,
                    ItemMonth.returns,
                ).join(Item, Item.id == ItemMonth.item_id)
            ),
            "assignees": rows(
                select(
                    User.badge,
                    AssigneeMonth.period,
                    AssigneeMonth.lines,
                    AssigneeMonth.issued,
                    AssigneeMonth.returned,
                    AssigneeMonth.returns,
                ).join(User, User.id == AssigneeMonth.assignee_id)
            ),
            "labour": rows(
                select(
                    User.badge,
                    LabourMonth.period,
                    LabourMonth.work_orders,
                    LabourMonth.hours,
                    LabourMonth.cost,
                ).join(User, User.id == LabourMonth.user_id)
            ),
        }

    return store.read(read)


def test_closing_adds_the_lines_and_labour_to_the_months_totals_once(costed):
    month = ledger.today().strftime("%Y-%m")
    first = _new_wo(costed, "MIX-1", "Seized", "EM", {"BRG": "3", "SEAL": "1"}, "T1", "in_progress")
    costed.write(counter.issue_to_line, first, "BRG", parse_qty("3"))
    costed.write(counter.issue_to_line, first, "SEAL", parse_qty("1"))
    costed.write(counter.write_off, first, "BRG", parse_qty("2"))
    costed.write(counter.return_with_condition, first, "BRG", parse_qty("1"), "new")
    costed.write(counter.return_with_condition, first, "SEAL", parse_qty("1"), "inspect")
    costed.write(costs.book_labour, first, "T1", parse_qty("2"), "mechanical", DAY)  # 80.00
    costed.write(costs.book_labour, first, "T2", parse_qty("1"), "electrical", DAY)  # 55.00
    closed(costed, first)
    second = _new_wo(costed, "PUMP-2", "Bearing", "CM", {"BRG": "1"}, "T1", "in_progress")
    costed.write(counter.issue_to_line, second, "BRG", parse_qty("1"))
    costed.write(counter.write_off, second, "BRG", parse_qty("1"))
    costed.write(costs.book_labour, second, "T1", parse_qty("0.5"), "mechanical", DAY)  # 20.00
    closed(costed, second)
    unassigned = _new_wo(costed, "PUMP-2", "Check", "INSP", {"SEAL": "1"}, None, "in_progress")
    costed.write(counter.issue_to_line, unassigned, "SEAL", parse_qty("1"))
    costed.write(counter.write_off, unassigned, "SEAL", parse_qty("1"))
    closed(costed, unassigned)
    open_wo = _new_wo(costed, "PUMP-2", "Noisy", "CM", {"BRG": "1"}, "T2", "in_progress")
    costed.write(counter.issue_to_line, open_wo, "BRG", parse_qty("1"))
    costed.write(costs.book_labour, open_wo, "T2", parse_qty("1"), "electrical", DAY)

    totals = month_totals(costed)
    assert totals == {
        # part, month, lines, issued, returned, used, used value, returns
        "items": [
            ("BRG", month, 2, 4_000, 1_000, 3_000, 1_500, 1),  # 3 x 5.00 used
            ("SEAL", month, 2, 2_000, 1_000, 1_000, 150, 1),  # the unassigned WO's seal
        ],
        # the WOs of T1 (the first and the second); the unassigned one is in no one's
        "assignees": [("T1", month, 3, 5_000, 2_000, 2)],
        # technician, month, WOs, hours, cost; the open WO's hour is not closed yet
        "labour": [("T1", month, 2, 2_500, 10_000), ("T2", month, 1, 1_000, 5_500)],
    }

    # freezing again adds nothing; making them again from the lines and labour gives the same
    def freeze_again(session, _actor):
        costs.freeze_work_order_cost(session, catalog.find_work_order(session, first), 0)

    costed.write(freeze_again)
    assert month_totals(costed) == totals
    costed.write(lambda session, _actor: costs.refill_month_totals(session))
    assert month_totals(costed) == totals


def test_nothing_is_booked_on_a_closed_or_cancelled_work_order(costed):
    wo = _new_wo(costed, "MIX-1", "Seized", "EM", {}, "T1", "in_progress")
    closed(costed, wo)
    before = labour_rows(costed)
    refused(
        lambda: costed.write(costs.book_labour, wo, "T1", 1000, "mechanical", DAY),
        "costs_frozen",
        f"{wo} is closed: its cost is frozen; no labour can be booked",
    )
    refused(
        lambda: costed.write(costs.book_contractor, wo, "Acme", amount=100),
        "costs_frozen",
        f"{wo} is closed: its cost is frozen; no contractor work can be booked",
    )
    refused(
        lambda: costed.write(costs.set_downtime, wo, 1000),
        "costs_frozen",
        f"{wo} is closed: its cost is frozen; no downtime can be booked",
    )
    assert labour_rows(costed) == before
    assert costed.read(costs.work_order_cost, wo).total == 0


# --- asset values and budgets ----------------------------------------------------------------


def test_asset_values_and_their_refusals(costed):
    costed.write(costs.set_asset_values, "LINE-1", parse_money("250000"), parse_money("900"))
    v = costed.read(costs.asset_values, "line-1")
    assert (v.replacement_value, v.downtime_cost_per_hour) == (25_000_000, 90_000)
    refused(
        lambda: costed.write(costs.set_asset_values, "NOPE", 100),
        "unknown_asset",
        "no asset 'NOPE'",
    )
    refused(
        lambda: costed.write(costs.set_asset_values, "LINE-1"),
        "invalid_value",
        "give LINE-1 a replacement value, a downtime cost per hour, or both",
    )
    refused(
        lambda: costed.write(costs.set_asset_values, "LINE-1", -5),
        "invalid_rate",
        "replacement value -0.05 cannot be below zero",
    )
    assert (
        costed.read(lambda s: s.get(AssetCost, catalog.find_asset(s, "LINE-1").id).lifetime_cost)
        == 0
    )


def test_budgets_per_asset_cost_centre_and_site(costed):
    costed.write(costs.set_budget, "asset", "mix-1", "2026-11", parse_money("300"))
    costed.write(costs.set_budget, "cost-centre", "cc-l1", "2026-11", parse_money("400"))
    costed.write(costs.set_budget, "site", "SITE-1", "2026-11", parse_money("1000"))
    costed.write(costs.set_budget, "asset", "MIX-1", "2026-11", parse_money("350"))  # replaces
    rows = costed.read(costs.list_budgets, "2026-11")
    assert [(b.scope, b.key, b.amount) for b in rows] == [
        ("asset", "MIX-1", 35_000),
        ("cost_centre", "CC-L1", 40_000),
        ("site", "SITE-1", 100_000),
    ]
    refused(
        lambda: costed.write(costs.set_budget, "asset", "MIX-1", "2026-13", 100),
        "invalid_period",
        "period '2026-13' is not a month (YYYY-MM)",
    )
    refused(
        lambda: costed.write(costs.set_budget, "asset", "NOPE", "2026-11", 100),
        "unknown_asset",
        "no asset 'NOPE'",
    )
    refused(
        lambda: costed.write(costs.set_budget, "site", "LINE-1", "2026-11", 100),
        "unknown_asset",
        "LINE-1 is not a site (it sits under another asset)",
    )
    refused(
        lambda: costed.write(costs.set_budget, "cost_centre", "CC-NONE", "2026-11", 100),
        "not_found",
        "no asset carries cost centre 'CC-NONE'",
    )
    refused(
        lambda: costed.write(costs.set_budget, "region", "X", "2026-11", 100),
        "invalid_value",
        "scope 'region' is not one of: asset, cost_centre, site",
    )
    assert len(costed.read(costs.list_budgets)) == 3


def test_period_and_date_range_are_checked():
    assert costs.period_bounds("2026-12") == (date(2026, 12, 1), date(2027, 1, 1))
    refused(
        lambda: costs.parse_period("2026-1"),
        "invalid_period",
        "period '2026-1' is not a month (YYYY-MM)",
    )
    refused(
        lambda: costs.check_range(date(2026, 2, 1), date(2026, 1, 1)),
        "invalid_date_range",
        "end date 2026-01-01 is before the start 2026-02-01",
    )
