"""`storeroom labour|contractor|downtime|rate|budget|cost|asset value|report|journal` as a
script sees them (through `tests.command_line`), on a copy of the fixed cost plant
(tests/costs_plant.py) built once through the services.
"""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from storeroom_tui import ledger
from storeroom_tui.service import Storeroom
from tests.command_line import run_storeroom
from tests.costs_plant import build


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def said(self) -> str:
        return " ".join((self.out + self.err).split())


def storeroom(db: Path, command: str, user: str | None = "ADMIN") -> Result:
    return Result(*run_storeroom(db, command, user, columns=200))


def ok(result: Result) -> Result:
    assert result.code == 0, f"exit {result.code}\nstdout: {result.out}\nstderr: {result.err}"
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("costs") / "plant.db"
    store = Storeroom.open(str(path), terminal="")
    store.init()
    store.sign_in("ADMIN")
    plant = build(store)
    store.close()
    return path, plant.wo


@pytest.fixture
def db(built, tmp_path: Path) -> Path:
    target = tmp_path / "storeroom.db"
    shutil.copyfile(built[0], target)
    return target


def test_booking_the_cost_of_a_work_order_from_the_command_line(db, built):
    wo = built[1]["WO-4"]  # in progress: 1 bearing out, 0.5 h booked, estimate 3 h
    ok(storeroom(db, "rate set Fitter 42.50 --overtime 1.25"))
    booked = ok(
        storeroom(db, f"--json labour add {wo} --tech T2 --hours 2 --trade fitter --overtime "
                      "--date 2026-11-20", user="T2")
    ).json()  # fmt: skip
    assert (booked["cost"], booked["factor"], booked["day_hours"]) == (106.25, 1.25, 2)
    said = ok(storeroom(db, f"labour add {wo} --tech T1 --hours 1.5 --trade mechanical"))
    assert "1.5 h mechanical by Tom Tech" in said.said and "= 60.00" in said.said
    timed = ok(storeroom(db, f"--json contractor add {wo} --vendor 'Acme Pumps' --hours 2 "
                             "--rate 65.50")).json()  # fmt: skip
    assert timed["cost"] == 131.0
    ok(storeroom(db, f"contractor add {wo} --vendor Beta --amount 99.99 --desc 'rewind'"))
    ok(storeroom(db, f"downtime {wo} 1.5", user="T1"))
    cost = ok(storeroom(db, f"--json cost {wo}")).json()
    # labour 20.00 + 106.25 + 60.00; contractor 131.00 + 99.99; parts nothing used yet
    assert cost == {
        "work_order": wo,
        "status": "in_progress",
        "asset": "PUMP-2",
        "parts": 0.0,
        "labour": 186.25,
        "labour_hours": 4,
        "contractor": 230.99,
        "total": 417.24,
        "downtime_hours": 1.5,
        "downtime_cost": 75.0,  # 1.5 h x 50.00, beside the total
        "estimated_hours": 3,
        "frozen": False,
    }
    listed = ok(storeroom(db, f"--json labour list {wo}")).json()["labour"]
    assert [(e["technician"], e["cost"]) for e in listed] == [
        ("T2", 106.25), ("T1", 20.0), ("T1", 60.0)
    ]  # fmt: skip
    assert len(ok(storeroom(db, f"--json contractor list {wo}")).json()["contractors"]) == 2


def test_rates_budgets_and_asset_values(db):
    assert ok(storeroom(db, "--json rate list")).json()["rates"] == [
        {"trade": "electrical", "rate": 55.0, "overtime": 2},
        {"trade": "mechanical", "rate": 40.0, "overtime": 1.5},
    ]
    ok(storeroom(db, "budget set site SITE-1 2026-11 1500", user="K1"))
    assert ok(storeroom(db, "--json budget list --period 2026-11")).json()["budgets"] == [
        {"scope": "site", "key": "SITE-1", "period": "2026-11", "amount": 1500.0}
    ]
    value = ok(storeroom(db, "--json asset value LINE-1 --replacement 80000", user="K1")).json()
    assert value == {
        "asset": "LINE-1",
        "lifetime_cost": 435.5,
        "own_cost": 0.0,
        "work_orders": 3,
        "replacement_value": 80000.0,
        "downtime_cost_per_hour": 0.0,
    }


def test_cost_refusals_exit_1_with_the_message(db, built):
    wo, closed = built[1]["WO-4"], built[1]["WO-1"]
    day = ledger.today().isoformat()
    too_long = storeroom(db, f"labour add {wo} --tech T1 --hours 24 --trade mechanical")
    assert too_long.code == 1
    assert too_long.said == (
        f"refused: Tom Tech (T1) would work 27.5 h on {day} (3.5 h already booked); a day has 24"
    )
    zero = storeroom(db, "--json rate set mechanical 0")
    assert zero.code == 1 and zero.json() == {
        "error": {
            "code": "invalid_rate",
            "message": "rate 0 must be greater than zero",
            "value": "0",
        }
    }
    frozen = storeroom(db, f"labour add {closed} --tech T1 --hours 1 --trade mechanical")
    assert frozen.code == 1
    assert (
        frozen.said == f"refused: {closed} is closed: its cost is frozen; no labour can be booked"
    )
    denied = storeroom(db, "rate set mechanical 50", user="T1")
    assert denied.code == 1 and "may not set trade rates" in denied.said
    unknown = storeroom(db, "--json asset value NOPE --replacement 5", user="K1")
    assert unknown.code == 1 and unknown.json()["error"]["code"] == "unknown_asset"


def test_a_report_as_a_table_as_json_and_as_files(db, tmp_path):
    shown = ok(storeroom(db, "report planned-reactive"))
    assert (
        "Planned vs reactive" in shown.out
        and "Emergency premium over planned: 122.22" in shown.said
    )
    as_json = ok(storeroom(db, "--json report kpi")).json()
    assert as_json["report"] == "kpi" and as_json["figures"]["failures"] == 2

    ok(storeroom(db, f"report asset-cost --format csv --out {tmp_path / 'a.csv'}"))
    with (tmp_path / "a.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][:7] == ["MIX-1", "Syrup mixer", "2", "110.00", "140.00", "100.00", "350.00"]
    written = ok(storeroom(db, f"--json report asset-cost --out {tmp_path / 'a.xlsx'}")).json()
    assert (written["format"], written["tables"], written["rows"]) == (
        "xlsx", ["assets", "months"], 16
    )  # fmt: skip
    sheet = load_workbook(tmp_path / "a.xlsx")["assets"]
    assert [c.value for c in sheet[2]][:7] == ["MIX-1", "Syrup mixer", 2, 110, 140, 100, 350]
    stdout = json.loads(ok(storeroom(db, "report returns --format json", user=None)).out)
    assert stdout["figures"] == {
        "return_rate": 20,
        "quarantine_lines": 1,
        "quarantine_value": 1.5,
    }
    month = ledger.today().strftime("%Y-%m")
    months = ok(storeroom(db, f"report mro-pattern --start {month}-01 --format csv --table months"))
    assert list(csv.reader(months.out.splitlines())) == [
        ["month", "used", "value"],
        [month, "4", "113.00"],
    ]


def test_report_refusals_and_usage_errors(db):
    backwards = storeroom(db, "report kpi --start 2026-12-01 --end 2026-01-01")
    assert backwards.code == 1
    assert backwards.said == "refused: end date 2026-01-01 is before the start 2026-12-01"
    nobody = storeroom(db, "--json report asset-cost --asset NOPE")
    assert nobody.code == 1 and nobody.json()["error"] == {
        "code": "unknown_asset",
        "message": "no asset 'NOPE'",
        "value": "NOPE",
    }
    no_budget = storeroom(db, "report budget-variance --period 2030-01")
    assert no_budget.code == 1
    assert no_budget.said == (
        "refused: no budget set for period 2030-01; set one with: storeroom budget set"
    )
    assert storeroom(db, "report kpi --format pdf").code == 2
    assert storeroom(db, "report kpi --format xlsx").code == 2  # a workbook needs --out
    assert storeroom(db, "report nothing").code == 2


def test_the_journal_for_accounting(db, tmp_path, built):
    period = ledger.today().strftime("%Y-%m")
    done = ok(storeroom(db, f"--json journal --period {period} --out {tmp_path / 'j.csv'}")).json()
    assert (done["lines"], done["total"]) == (7, 435.5)
    assert done["accounts"] == {
        "maintenance-contractors": 100.0,
        "maintenance-labour": 222.5,
        "maintenance-parts": 113.0,
    }
    with (tmp_path / "j.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 7 and sum(float(r["amount"]) for r in rows) == pytest.approx(435.5)
    assert {r["cost_centre"] for r in rows} == {"CC-L1", "CC-L2"}
    assert rows[0]["work_order"] == built[1]["WO-1"]
    bad = storeroom(db, "journal --period 2026-13")
    assert bad.code == 1 and bad.said == "refused: period '2026-13' is not a month (YYYY-MM)"
