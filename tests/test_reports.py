"""The eight reports on a small fixed plant (tests/costs_plant.py), every figure worked out
by hand and written here as a number; the exports read back (CSV with the csv module,
XLSX with openpyxl, JSON with json) and compared; the journal; every refusal.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from models import LineUsage, WorkOrderCost
from storeroom_tui import catalog, costs, ledger, reports
from storeroom_tui.errors import StoreroomError
from storeroom_tui.quantities import parse_money
from storeroom_tui.reports import (
    asset_cost,
    budget_variance,
    consumption,
    hanging,
    kpi,
    mro_pattern,
    planned_reactive,
    returns,
)
from storeroom_tui.reports.export import export, journal
from tests.costs_plant import build

pytestmark = pytest.mark.both_backends


@pytest.fixture
def cp(store):
    return build(store)


def today() -> date:
    return ledger.today()


def month() -> str:
    return today().strftime("%Y-%m")


def refused(call, code: str, message: str) -> None:
    with pytest.raises(StoreroomError) as caught:
        call()
    assert (caught.value.code, caught.value.message) == (code, message)


# --- 1. cost per asset -----------------------------------------------------------------------


def test_cost_per_asset_with_the_repair_or_replace_signal(cp):
    report = cp.store.read(asset_cost.asset_cost)
    assert report.table("assets").rows == [
        # tag, name, WOs, parts, labour, contractor, total, downtime h, downtime cost,
        # lifetime, replacement, lifetime % of replacement, signal
        ("MIX-1", "Syrup mixer", 2, 11_000, 14_000, 10_000, 35_000, 6_000, 60_000, 35_000,
         50_000, 7_000, "review"),
        ("PUMP-2", "Transfer pump", 1, 300, 8_250, 0, 8_550, 0, 0, 8_550,
         1_000_000, 86, "repair"),
        ("LINE-1", "Bottling line 1", 0, 0, 0, 0, 0, 0, 0, 43_550, None, None, ""),
        ("SITE-1", "Riverside site", 0, 0, 0, 0, 0, 0, 0, 43_550, None, None, ""),
    ]  # fmt: skip
    months = report.table("months")
    assert len(months.rows) == 12 and months.rows[-1] == (
        month(),
        11_300,
        22_250,
        10_000,
        43_550,
        60_000,
        3,
    )
    assert all(row[1:] == (0, 0, 0, 0, 0, 0) for row in months.rows[:-1])
    assert {f.key: f.value for f in report.figures} == {
        "total": 43_550,
        "work_orders": 3,
        "downtime_cost": 60_000,
        "to_replace": 0,
    }
    assert report.table("assets").chart.y == ("parts", "labour", "contractor")


def test_cost_per_asset_of_one_branch_and_a_replace_signal(cp):
    cp.store.write(costs.set_asset_values, "MIX-1", parse_money("300"))
    report = cp.store.read(asset_cost.asset_cost, asset="MIX-1")
    assert [(r[0], r[11], r[12]) for r in report.table().rows] == [("MIX-1", 11_667, "replace")]
    assert report.parameters["asset"] == "MIX-1"


# --- 2. planned vs reactive ------------------------------------------------------------------


def test_planned_against_reactive_and_the_emergency_premium(cp):
    report = cp.store.read(planned_reactive.planned_reactive)
    assert report.table("types").rows == [
        # type, class, WOs, labour h, overtime h, labour, parts, contractor, total, per WO,
        # downtime h
        ("PM", "planned", 1, 1_500, 0, 8_250, 300, 0, 8_550, 8_550, 0),
        ("INSP", "planned", 0, 0, 0, 0, 0, 0, 0, None, 0),
        ("CM", "reactive", 1, 1_000, 1_000, 6_000, 10_000, 0, 16_000, 16_000, 2_000),
        ("EM", "reactive", 1, 2_000, 0, 8_000, 1_000, 10_000, 19_000, 19_000, 4_000),
    ]
    assert report.table("classes").rows == [
        ("planned", 1, 1_500, 0, 8_250, 300, 0, 8_550, 8_550, 0),
        ("reactive", 2, 3_000, 1_000, 14_000, 11_000, 10_000, 35_000, 17_500, 6_000),
    ]
    figures = {f.key: f.value for f in report.figures}
    assert figures == {
        "planned_cost_share": 1_963,  # 85.50 / 435.50 = 19.63 %
        "planned_hours_share": 3_333,  # 1.5 h / 4.5 h
        "reactive_cost": 35_000,
        "planned_cost": 8_550,
        "emergency_cost_per_wo": 19_000,
        "planned_cost_per_wo": 8_550,
        "emergency_premium": 12_222,  # (190.00 - 85.50) / 85.50 = 122.22 %
    }


# --- 3. budget variance ----------------------------------------------------------------------


def test_budget_variance_per_asset_cost_centre_and_site(cp):
    period = month()
    for scope, key, amount in (
        ("asset", "MIX-1", "300"),
        ("site", "SITE-1", "1000"),
        ("cost_centre", "CC-L2", "50"),
        ("cost_centre", "CC-L1", "400"),
    ):
        cp.store.write(costs.set_budget, scope, key, period, parse_money(amount))
    report = cp.store.read(budget_variance.budget_variance, period)
    assert report.table().rows == [
        ("asset", "MIX-1", 30_000, 35_000, -5_000, 11_667, "over"),
        ("cost_centre", "CC-L1", 40_000, 35_000, 5_000, 8_750, "within"),
        ("cost_centre", "CC-L2", 5_000, 8_550, -3_550, 17_100, "over"),
        ("site", "SITE-1", 100_000, 43_550, 56_450, 4_355, "within"),
    ]
    only = cp.store.read(budget_variance.budget_variance, period, "cost-centre")
    assert [r[1] for r in only.table().rows] == ["CC-L1", "CC-L2"]
    refused(
        lambda: cp.store.read(budget_variance.budget_variance, "2027-01"),
        "unknown_period",
        "no budget set for period 2027-01; set one with: storeroom budget set",
    )
    refused(
        lambda: cp.store.read(budget_variance.budget_variance, "2027-1"),
        "invalid_period",
        "period '2027-1' is not a month (YYYY-MM)",
    )


# --- 4. consumption --------------------------------------------------------------------------


def test_consumption_by_work_order_and_the_top_discrepancies(cp):
    wo = cp.wo
    report = cp.store.read(consumption.consumption)
    closed_on = today().isoformat()
    assert report.table("work_orders").rows == [
        # WO, asset, type, closed, lines, lines off plan, parts used (the frozen cost)
        (wo["WO-3"], "MIX-1", "CM", closed_on, 1, 0, 10_000),
        (wo["WO-1"], "MIX-1", "EM", closed_on, 2, 1, 1_000),
        (wo["WO-2"], "PUMP-2", "PM", closed_on, 1, 0, 300),
    ]
    assert report.table("discrepancies").rows == [
        ("SEAL", "Shaft seal", "EA", 1, 1_000, 0, -1_000, 1_000, 150),
    ]


def test_consumption_drills_down_to_line_lot_and_serial(cp):
    wo = cp.wo
    one = cp.store.read(consumption.consumption, wo=wo["WO-1"])
    assert one.table("lines").rows == [
        (wo["WO-1"], 1, "BRG", "Bearing", "EA", 2_000, 2_000, 0, 2_000, 0, "", 1_000),
        (wo["WO-1"], 2, "SEAL", "Shaft seal", "EA", 1_000, 1_000, 1_000, 0, -1_000, "under", 0),
    ]
    assert one.table("lots").rows == [
        (1, "BRG", None, None, 2_000, 0, 2_000),
        (2, "SEAL", None, None, 1_000, 1_000, 0),
    ]
    lot = cp.store.read(consumption.consumption, wo=wo["WO-2"]).table("lots").rows
    serial = cp.store.read(consumption.consumption, wo=wo["WO-3"]).table("lots").rows
    assert lot == [(1, "FLT", "L1", None, 1_000, 0, 1_000)]
    assert serial == [(1, "MOTOR", None, "SN1", 1_000, 0, 1_000)]
    # an open WO drills down too: one bearing out, nothing used yet
    open_one = cp.store.read(consumption.consumption, wo=wo["WO-4"]).table("lines").rows
    assert open_one == [
        (wo["WO-4"], 1, "BRG", "Bearing", "EA", 1_000, 1_000, 0, 0, -1_000, "under", 0)
    ]


# --- 5. hanging reservations and old WIP -----------------------------------------------------


def test_hanging_reservations_and_wip_older_than_n_days(cp):
    now, wo = cp.now, cp.wo
    report = cp.store.read(hanging.hanging, 14, now)
    reserved_on = (now - timedelta(days=20)).date().isoformat()
    issued_on = (now - timedelta(days=16)).date().isoformat()
    assert report.table("reservations").rows == [
        (wo["WO-5"], "approved", "BRG", "MAIN/A-1", 2_000, 1_000, reserved_on, 20_000)
    ]
    assert report.table("wip").rows == [
        (wo["WO-4"], "in_progress", "PUMP-2", "Tom Tech", "BRG", 1_000, 500, issued_on, 16_000)
    ]
    assert report.table("ageing").rows == [
        ("0-7 days", 0, 0, 0, 0),
        ("8-30 days", 1, 1_000, 1, 500),
        ("31-90 days", 0, 0, 0, 0),
        ("over 90 days", 0, 0, 0, 0),
    ]
    # 21 days: neither is old enough
    later = cp.store.read(hanging.hanging, 21, now)
    assert later.table("reservations").rows == [] and later.table("wip").rows == []


# --- 6. returns ------------------------------------------------------------------------------


def test_returns_by_item_and_technician_and_quarantine_ageing(cp):
    report = cp.store.read(returns.returns)
    # the lines of the three closed WOs; WO-4's open bearing is not counted yet
    assert report.table("items").rows == [
        # part, issued, returned, return rate, days to return
        ("SEAL", 1_000, 1_000, 10_000, 0),
        ("BRG", 2_000, 0, 0, None),
        ("FLT", 1_000, 0, 0, None),
        ("MOTOR", 1_000, 0, 0, None),
    ]
    assert report.table("technicians").rows == [
        ("Tom Tech", 3_000, 1_000, 3_333, 0),  # WO-1: 2 bearings and a seal, the seal back
        ("Tina Tech", 2_000, 0, 0, None),
    ]
    assert report.table("quarantine").rows == [
        ("SEAL", None, None, 1_000, 150, today().isoformat(), 0, "0-7 days")
    ]
    assert report.table("quarantine_ageing").rows[0] == ("0-7 days", 1, 1_000, 150)
    assert {f.key: f.value for f in report.figures} == {
        "return_rate": 2_000,  # 1 of 5 issued
        "quarantine_lines": 1,
        "quarantine_value": 150,
    }


# --- 7. MRO consumption pattern -----------------------------------------------------------------


def three_months() -> tuple[date, date, list[str]]:
    """From the first of this month to the last day of the month after next."""
    first = today().replace(day=1)
    names = [first.strftime("%Y-%m")]
    for _ in range(2):
        first = costs.period_bounds(first.strftime("%Y-%m"))[1]
        names.append(first.strftime("%Y-%m"))
    return today().replace(day=1), costs.period_bounds(names[-1])[1] - timedelta(days=1), names


def test_mro_pattern_and_the_suggested_min_max(cp):
    start, end, names = three_months()
    report = cp.store.read(mro_pattern.mro_pattern, start, end)
    # 89-92 days, 3 months, everything used this month. BRG: 2, average month 0.667; lead
    # 14 days (none set): 2/90 x 14 = 0.31 + safety (2 - 0.667) x 14 / 30 = 0.62 -> min 1,
    # max 1 + 0.667 -> 2. FLT: 0.16 + 0.31 -> 1, max 2. MOTOR (lead 20): 0.22 + 0.44 -> 1, 2
    assert report.table("items").rows == [
        ("BRG", "Bearing", "EA", 1, 2_000, 667, 2_000, 14, 0, 0, 1_000, 2_000, "raise"),
        ("FLT", "Oil filter", "EA", 1, 1_000, 333, 1_000, 14, 0, 0, 1_000, 2_000, "raise"),
        ("MOTOR", "Motor 4 kW", "EA", 1, 1_000, 333, 1_000, 20, 0, 0, 1_000, 2_000, "raise"),
    ]
    assert report.table("months").rows == [
        (names[0], 4_000, 11_300),
        (names[1], 0, 0),
        (names[2], 0, 0),
    ]
    one = cp.store.read(mro_pattern.mro_pattern, start, end, "motor")
    assert [r[0] for r in one.table().rows] == ["MOTOR"]
    assert one.table("months").rows[0] == (names[0], 1_000, 10_000)


# --- 8. maintenance KPIs ---------------------------------------------------------------------


def test_maintenance_kpis(cp):
    start = today() - timedelta(days=9)  # ten days: 240 hours
    report = cp.store.read(kpi.kpi, start, today(), None, cp.now)
    assert report.table("assets").rows == [
        # failures 2, downtime 6 h, MTTR 3 h, MTBF (240 - 6) / 2 = 117 h, 6 h x 100.00
        ("MIX-1", "Syrup mixer", 2, 6_000, 3_000, 117_000, 60_000),
    ]
    assert report.table("backlog").rows == [
        ("0-7 days", 0, 0),
        ("8-30 days", 2, 3_000),  # WO-4 (10 days, 3 h) and WO-6 (15 days)
        ("31-90 days", 1, 2_000),  # WO-5 (40 days, 2 h)
        ("over 90 days", 0, 0),
    ]
    assert report.table("technicians").rows == [
        ("Tom Tech", "T1", 2, 3_000, 14_000, 7_000),  # WO-4's half hour is not closed
        ("Tina Tech", "T2", 1, 1_500, 8_250, 8_250),
    ]
    assert {f.key: f.value for f in report.figures} == {
        "failures": 2,
        "mttr_hours": 3_000,
        "mtbf_hours": 117_000,
        "first_time_fix": 5_000,  # WO-1 failed again (WO-6) 5 days after closing; WO-3 held
        "completion_days": 2_000,  # 2, 3 and 1 days
        "closed": 3,
        "backlog": 3,
        "backlog_hours": 5_000,
    }


def test_maintenance_kpis_of_the_site_are_the_plants_and_of_one_asset_its_own(cp):
    start = today() - timedelta(days=9)
    plant = cp.store.read(kpi.kpi, start, today(), None, cp.now)
    site = cp.store.read(kpi.kpi, start, today(), "SITE-1", cp.now)
    assert [t.rows for t in site.tables] == [t.rows for t in plant.tables]
    assert site.figures == plant.figures
    pump = cp.store.read(kpi.kpi, start, today(), "PUMP-2", cp.now)
    assert pump.table("assets").rows == []  # WO-4, its breakdown, is not closed
    assert pump.table("backlog").rows == [
        ("0-7 days", 0, 0),
        ("8-30 days", 1, 3_000),  # WO-4
        ("31-90 days", 1, 2_000),  # WO-5
        ("over 90 days", 0, 0),
    ]
    assert pump.table("technicians").rows == [("Tina Tech", "T2", 1, 1_500, 8_250, 8_250)]
    assert {f.key: f.value for f in pump.figures} == {
        "failures": 0,
        "mttr_hours": None,
        "mtbf_hours": None,
        "first_time_fix": None,
        "completion_days": 3_000,  # WO-2: 3 days
        "closed": 1,
        "backlog": 2,
        "backlog_hours": 5_000,
    }


# --- whole months from the monthly totals, odd days from the lines ----------------------------


def test_whole_months_and_odd_days_add_up_to_what_the_closed_lines_hold(cp):
    """Returns, items off plan, consumption pattern and labour read a window's whole months
    from the totals kept at closure and its odd days from the lines: with WO-1 closed on the
    10th two months back, WO-2 on the 20th of last month and WO-3 today, every cut of a
    window gives the figures of the WOs closed in it."""
    two_back = (today().replace(day=1) - timedelta(days=32)).replace(day=1)
    one_back = (today().replace(day=1) - timedelta(days=1)).replace(day=1)
    end_of_last = today().replace(day=1) - timedelta(days=1)

    def spread(session, _actor):  # noqa: ANN001, ANN202 - as if they had closed then
        for key, day in (("WO-1", two_back.replace(day=10)), ("WO-2", one_back.replace(day=20))):
            wo_id = catalog.find_work_order(session, cp.wo[key]).id
            session.execute(
                update(WorkOrderCost)
                .where(WorkOrderCost.wo_id == wo_id)
                .values(closed_on=day, period=day.strftime("%Y-%m"))
            )
            session.execute(update(LineUsage).where(LineUsage.wo_id == wo_id).values(closed_on=day))
        costs.refill_month_totals(session)

    cp.store.write(spread)
    read = cp.store.read
    everything = (two_back, today())  # whole months, and this month's days unless it ended
    all_items = [
        ("SEAL", 1_000, 1_000, 10_000, 0),
        ("BRG", 2_000, 0, 0, None),
        ("FLT", 1_000, 0, 0, None),
        ("MOTOR", 1_000, 0, 0, None),
    ]
    assert read(returns.returns, *everything).table("items").rows == all_items
    assert read(returns.returns, *everything).table("technicians").rows == [
        ("Tom Tech", 3_000, 1_000, 3_333, 0),
        ("Tina Tech", 2_000, 0, 0, None),
    ]
    assert read(kpi.kpi, *everything).table("technicians").rows == [
        ("Tom Tech", "T1", 2, 3_000, 14_000, 7_000),
        ("Tina Tech", "T2", 1, 1_500, 8_250, 8_250),
    ]
    seal_off_plan = [("SEAL", "Shaft seal", "EA", 1, 1_000, 0, -1_000, 1_000, 150)]  # WO-1's
    assert read(consumption.consumption, *everything).table("discrepancies").rows == seal_off_plan

    # from the 15th two months back: odd days, last month whole, this month's days; no WO-1
    later = (two_back.replace(day=15), today())
    assert read(returns.returns, *later).table("items").rows == [
        ("FLT", 1_000, 0, 0, None),
        ("MOTOR", 1_000, 0, 0, None),
    ]
    assert read(returns.returns, *later).table("technicians").rows == [
        ("Tina Tech", 2_000, 0, 0, None)  # WO-2 and WO-3
    ]
    assert read(kpi.kpi, *later).table("technicians").rows == [
        ("Tina Tech", "T2", 1, 1_500, 8_250, 8_250),  # WO-2
        ("Tom Tech", "T1", 1, 1_000, 6_000, 6_000),  # WO-3's overtime hour
    ]
    assert read(consumption.consumption, *later).table("discrepancies").rows == []
    assert read(mro_pattern.mro_pattern, *later).table("months").rows == [
        (two_back.strftime("%Y-%m"), 0, 0),
        (one_back.strftime("%Y-%m"), 1_000, 300),  # the filter
        (month(), 1_000, 10_000),  # the motor
    ]

    # WO-1 and WO-2 alone: two whole months, or odd days within them
    for window in ((two_back, end_of_last), (two_back.replace(day=5), one_back.replace(day=25))):
        report = read(returns.returns, *window)
        assert report.table("items").rows == all_items[:3]
        assert report.table("technicians").rows == [
            ("Tom Tech", 3_000, 1_000, 3_333, 0),  # WO-1
            ("Tina Tech", 1_000, 0, 0, None),  # WO-2
        ]
        assert read(kpi.kpi, *window).table("technicians").rows == [
            ("Tina Tech", "T2", 1, 1_500, 8_250, 8_250),
            ("Tom Tech", "T1", 1, 2_000, 8_000, 8_000),
        ]
        assert read(consumption.consumption, *window).table("discrepancies").rows == seal_off_plan
        assert read(mro_pattern.mro_pattern, *window).table("months").rows == [
            (two_back.strftime("%Y-%m"), 2_000, 1_000),  # the bearings
            (one_back.strftime("%Y-%m"), 1_000, 300),
        ]


# --- the registry, parameters and refusals ---------------------------------------------------


def test_every_report_runs_by_name_and_refuses_bad_parameters(cp):
    assert [spec.name for spec in reports.REPORTS] == [
        "asset-cost",
        "planned-reactive",
        "budget-variance",
        "consumption",
        "hanging",
        "returns",
        "mro-pattern",
        "kpi",
    ]
    cp.store.write(costs.set_budget, "site", "SITE-1", month(), 100)
    for spec in reports.REPORTS:
        report = cp.store.read(reports.run_report, spec.name, {})
        assert report.name == spec.name and report.tables
    read = cp.store.read
    refused(
        lambda: read(reports.run_report, "kpi", {"start": "2026-02-01", "end": "2026-01-01"}),
        "invalid_date_range",
        "end date 2026-01-01 is before the start 2026-02-01",
    )
    refused(
        lambda: read(reports.run_report, "asset-cost", {"asset": "NOPE"}),
        "unknown_asset",
        "no asset 'NOPE'",
    )
    refused(
        lambda: read(reports.run_report, "returns", {"start": "2026-02-30"}),
        "invalid_date",
        "start date '2026-02-30' is not a date (YYYY-MM-DD)",
    )
    refused(
        lambda: read(reports.run_report, "budget-variance", {"period": "Nov"}),
        "invalid_period",
        "period 'Nov' is not a month (YYYY-MM)",
    )
    refused(
        lambda: read(reports.run_report, "hanging", {"days": "0"}),
        "invalid_value",
        "days '0' must be a whole number above 0",
    )
    refused(
        lambda: read(reports.run_report, "hanging", {"asset": "MIX-1"}),
        "invalid_value",
        "report hanging takes no parameter 'asset' (it takes: days)",
    )
    refused(
        lambda: read(reports.run_report, "profit", {}),
        "unknown_report",
        "no report 'profit' (known: asset-cost, planned-reactive, budget-variance, "
        "consumption, hanging, returns, mro-pattern, kpi)",
    )


def test_a_table_sorts_and_filters_as_printed(cp):
    table = cp.store.read(asset_cost.asset_cost).table("assets")
    assert table.sorted_by("replacement_value", descending=True).values("asset") == [
        "PUMP-2",
        "MIX-1",
        "LINE-1",
        "SITE-1",
    ]
    assert table.filtered("review").values("asset") == ["MIX-1"]
    assert table.filtered("435.50").values("asset") == ["LINE-1", "SITE-1"]
    assert table.formatted()[0][6] == "350.00"


# --- exports ---------------------------------------------------------------------------------


def test_csv_export_reads_back_with_the_csv_module(cp, tmp_path):
    report = cp.store.read(asset_cost.asset_cost)
    done = export(report, "csv", tmp_path / "assets.csv")
    with (tmp_path / "assets.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:7] == ["asset", "name", "work_orders", "parts", "labour", "contractor", "total"]
    assert rows[1] == ["MIX-1", "Syrup mixer", "2", "110.00", "140.00", "100.00", "350.00",
                       "6", "600.00", "350.00", "500.00", "70.00", "review"]  # fmt: skip
    assert rows[3][10:] == ["", "", ""]
    assert (done.rows, done.tables) == (4, ("assets",))
    months = export(report, "csv", None, "months").content.decode()
    assert list(csv.reader(io.StringIO(months)))[-1] == [
        month(),
        "113.00",
        "222.50",
        "100.00",
        "435.50",
        "600.00",
        "3",
    ]


def test_xlsx_export_reads_back_with_openpyxl(cp, tmp_path):
    report = cp.store.read(planned_reactive.planned_reactive)
    export(report, "xlsx", tmp_path / "pr.xlsx")
    book = load_workbook(tmp_path / "pr.xlsx")
    assert book.sheetnames == ["report", "types", "classes"]
    types = [list(row) for row in book["types"].iter_rows(values_only=True)]
    assert types[0][:3] == ["wo_type", "class", "work_orders"]
    assert types[4] == ["EM", "reactive", 1, 2, 0, 80, 10, 100, 190, 190, 4]
    assert types[2][9] is None  # INSP: no WO, no cost per WO
    assert book["types"]["F5"].number_format == "#,##0.00"
    about = {row[0]: row[1] for row in book["report"].iter_rows(values_only=True)}
    assert about["report"] == "planned-reactive" and about["emergency_premium"] == 122.22


def test_json_export_reads_back(cp, tmp_path):
    report = cp.store.read(hanging.hanging, 14, cp.now)
    export(report, "json", tmp_path / "h.json")
    data = json.loads((tmp_path / "h.json").read_text())
    assert data["report"] == "hanging" and data["parameters"] == {"days": "14"}
    assert data["figures"] == {
        "hanging_reservations": 1,
        "hanging_value": 10,
        "old_wip_lines": 1,
        "old_wip_value": 5,
    }
    wip = next(t for t in data["tables"] if t["key"] == "wip")
    assert wip["rows"][0]["value"] == 5 and wip["rows"][0]["in_wip"] == 1
    assert wip["columns"][6] == {"key": "value", "title": "Value", "kind": "money"}


def test_export_refusals(cp, tmp_path):
    report = cp.store.read(asset_cost.asset_cost)
    refused(
        lambda: export(report, "pdf"),
        "invalid_value",
        "format 'pdf' is not one of: csv, xlsx, json",
    )
    refused(
        lambda: export(report, "csv", None, "people"),
        "invalid_value",
        "report asset-cost has no table 'people' (it has: assets, months)",
    )
    refused(
        lambda: export(report, "csv", tmp_path / "no-such-folder" / "a.csv"),
        "export_failed",
        f"cannot write {tmp_path / 'no-such-folder' / 'a.csv'}: No such file or directory",
    )


# --- the accounting journal ------------------------------------------------------------------


def test_the_journal_posts_each_cost_by_cost_centre_and_account(cp):
    period, day, wo = month(), today().isoformat(), cp.wo
    book = cp.store.read(journal, period)
    assert book.csv() == (
        "period,posting_date,work_order,wo_type,asset,cost_centre,account,amount\n"
        f"{period},{day},{wo['WO-1']},EM,MIX-1,CC-L1,maintenance-contractors,100.00\n"
        f"{period},{day},{wo['WO-1']},EM,MIX-1,CC-L1,maintenance-labour,80.00\n"
        f"{period},{day},{wo['WO-1']},EM,MIX-1,CC-L1,maintenance-parts,10.00\n"
        f"{period},{day},{wo['WO-3']},CM,MIX-1,CC-L1,maintenance-labour,60.00\n"
        f"{period},{day},{wo['WO-3']},CM,MIX-1,CC-L1,maintenance-parts,100.00\n"
        f"{period},{day},{wo['WO-2']},PM,PUMP-2,CC-L2,maintenance-labour,82.50\n"
        f"{period},{day},{wo['WO-2']},PM,PUMP-2,CC-L2,maintenance-parts,3.00\n"
    )
    assert book.totals == {
        "maintenance-contractors": 10_000,
        "maintenance-labour": 22_250,
        "maintenance-parts": 11_300,
    }
    assert book.total == 43_550  # the closed WOs' frozen costs, to the cent
    assert cp.store.read(journal, "2020-01").lines == []
    refused(
        lambda: cp.store.read(journal, "2026-00"),
        "invalid_period",
        "period '2026-00' is not a month (YYYY-MM)",
    )
