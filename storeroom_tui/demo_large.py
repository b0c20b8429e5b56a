"""The large demo plant: 50,000 items, 200,000 work orders, 2,000,000 movements, in bulk.

Posting that much through the services would take hours, so this builder writes the rows
itself. One seeded `random.Random` plans three years of a plant's history: work orders
raised every day and taken through their life (approved, scheduled, started, issued to,
completed, reconciled and closed; now and then held, postponed or cancelled). The plan is
walked in time order, keeping every balance, lot, serial and open issue in dicts, and the
rows go in with `executemany` of plain SQL in large transactions (most movements as JSON
that SQLite unpacks on another core while the walk goes on). What comes out obeys the
ledger as the services would leave it: balances equal the movements, no physical place
ever went negative, a serial is where its last movement took it, closed and cancelled WOs
hold nothing in WIP, WOs that never started have no movements, and open reservations never
promise more than the bin holds. Movement ids and times run in the same order.

The vocabulary (parts, bins, assets, people, jobs) is the small demo's, widened: the first
378 items are its catalogue, the rest are alternative sources of the same parts. Same seed,
same plant; the only clock read is today's date.
"""

from __future__ import annotations

import fnmatch
import itertools
import json
import math
import os
import random
import sqlite3
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from data import demo_plant as plant
from models._columns import uuid7_maker
from models.search import WORK_ORDER_SEARCH
from storeroom_tui import demo_costs, ledger
from storeroom_tui.catalog import bin_barcode
from storeroom_tui.db import database_url, sqlite_path
from storeroom_tui.demo import (
    LABEL_PREFIX,
    OPENING_STOCK,
    DemoPlant,
    PartSpec,
    _refuse_unless_fresh,
    _remove,
    catalogue,
    gtin13,
    pick_list,
)
from storeroom_tui.errors import InvalidValue
from storeroom_tui.quantities import MILLI, moving_average, parse_qty
from storeroom_tui.service import ADMIN_BADGE, Storeroom

if TYPE_CHECKING:
    from rich.console import Console

Progress = Callable[[str, float], None]  # (what is being done, overall fraction 0..1)


@dataclass(frozen=True, slots=True)
class PlantSize:
    """How big a plant to build. Movements are hit exactly; the rest follows from the plan."""

    items: int
    work_orders: int
    movements: int
    days: int = 3 * 365  # of history, ending yesterday


LARGE = PlantSize(items=50_000, work_orders=200_000, movements=2_000_000)

US = 1_000_000  # time is kept in integer microseconds from the start of the history
MINUTE = 60 * US
HOUR = 60 * MINUTE
DAY = 24 * HOUR
CHUNK = 100_000  # rows per executemany
HANDED_OVER = 0.6  # of the movements, inserted on another thread as the walk goes (below)
ITEMS_PER_BIN = 50
SOURCES_PER_PART = "alt. source"

# the weights of the build's stages, for one smooth progress bar
_STAGES = {
    "planning work orders": 0.16,
    "planning stock": 0.04,
    "posting movements": 0.36,
    "writing work orders": 0.36,  # and the movement indexes, labour and costs
    "building indexes": 0.08,
}

# what a technician brings back unused, in turn: mostly new, now and then doubtful or broken
_CONDITIONS = ("new", "inspect", "new", "opened", "rejected")
_RETURN_TO = {"new": "bin", "opened": "bin", "inspect": "QUARANTINE", "rejected": "SCRAP"}
_OPEN_FOR_RESERVATIONS = ("approved", "scheduled", "in_progress", "on_hold", "completed")
# what most jobs also take from the open shelves, planned as optional lines: (part, qty)
_CONSUMABLES = (
    ("HB-M12X40", "4"),
    ("HN-M12", "4"),
    ("WS-M12", "8"),
    ("HB-M10X30", "4"),
    ("HN-M10", "4"),
    ("SHCS-M6X20", "6"),
    ("CHM-CC-400", "1"),
    ("CHM-TL243", "1"),
    ("CT-300-BK", "1"),
    ("TRM-4MM2", "2"),
)


class _Lot:
    __slots__ = ("expiry", "expiry_text", "id", "left", "number")

    def __init__(self, lot_id: int, number: str, expiry: int | None, text: str | None) -> None:
        self.id = lot_id
        self.number = number
        self.expiry = expiry  # microseconds, or None: never expires
        self.expiry_text = text
        self.left = 0  # what the planning walk thinks is still in the bin


class _Issue:
    """One trip to the counter for one demand line, and what became of it."""

    __slots__ = (
        "bin",
        "cost",
        "deviation",
        "item",
        "line",
        "lot",
        "moved",
        "qty",
        "reason",
        "receipts",
        "serials",
        "user",
        "wo",
    )

    def __init__(
        self,
        wo: int,
        line: int,
        item: int,
        qty: int,
        user: int,
        deviation: str | None = None,
        reason: str | None = None,
    ) -> None:
        self.wo = wo
        self.line = line
        self.item = item
        self.qty = qty
        self.user = user
        self.deviation = deviation
        self.reason = reason
        self.bin = 0
        self.lot: _Lot | None = None
        self.receipts: list[tuple[int, _Lot | None]] | None = None  # bought in just before
        self.moved: list[int] = []  # movement ids (one per unit for serials)
        self.serials: list[int] = []
        self.cost = 0


@dataclass(slots=True)
class _Line:
    id: int
    wo: int
    line_no: int
    item: int
    planned: int
    mandatory: bool
    operation: str | None
    additional: bool = False
    reason: str | None = None
    created: int = 0
    issued: int = 0


@dataclass(slots=True)
class _WorkOrder:
    id: int
    number: str
    asset: int
    title: str
    wo_type: str
    priority: int
    requester: int
    assignee: int | None
    due: str
    created: int
    events: list[tuple[str | None, str, int, int, str | None]]  # from, to, user, time, why
    lines: list[_Line]
    planned_start: str | None = None
    started: int | None = None
    ended: int | None = None
    closed: int | None = None
    keep_reservations: bool = True
    parts_cost: int = 0

    @property
    def status(self) -> str:
        return self.events[-1][1]


# ops of the history, walked in time order: (time, kind, payload)
_ISSUE, _SETTLE, _REVERSE = 0, 1, 2


def build_large(
    db: str | None = None,
    seed: int = 7,
    size: PlantSize = LARGE,
    progress: Progress | None = None,
) -> DemoPlant:
    """Build the large plant into a fresh SQLite file (`db`, else STOREROOM_DB, else default).

    Refuses, changing nothing, when the target already holds data.
    """
    url = database_url(db)
    path = sqlite_path(url)
    if path is None:
        raise InvalidValue(
            f"the large demo plant is built into a SQLite file, not {url}; "
            "build it into a file, then copy it to the server",
            url,
        )
    if size.items < len(catalogue()):
        raise InvalidValue(
            f"a large plant needs at least {len(catalogue())} items, not {size.items}", size.items
        )
    made_here = not path.exists()
    _refuse_unless_fresh(path)
    try:
        store = Storeroom.open(url, terminal="")
        try:
            store.init()
        finally:
            store.close()
        builder = _Bulk(path, random.Random(seed), ledger.today(), size, progress)
        counts = builder.build()
    except BaseException:
        if made_here:
            _remove(path)
        raise
    badges = [(ADMIN_BADGE, "admin")] + [(badge, role) for badge, _, role in plant.USERS]
    return DemoPlant(store.location, badges, counts)


def build_with_progress(db: str | None, seed: int, console: Console) -> DemoPlant:
    """`build_large` with a progress bar on `console` (the CLI's stderr)."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description:<22}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("large demo plant", total=100)

        def show(stage: str, fraction: float) -> None:
            bar.update(task, description=stage, completed=round(100 * fraction, 1))

        return build_large(db, seed, LARGE, show)


class _Bulk:
    """The plan, the walk and the inserts."""

    def __init__(
        self,
        path: Path,
        rng: random.Random,
        today: date,
        size: PlantSize,
        progress: Progress | None,
    ) -> None:
        self.path = path
        self.rng = rng
        self.size = size
        self.start = datetime(today.year, today.month, today.day) - timedelta(days=size.days)
        # every row's UUID is version 7 of the row's own time, with seeded random bits, so
        # rows written in time order add their keys at the end of the unique indexes
        epoch = (self.start - datetime(1970, 1, 1)) // timedelta(microseconds=1)
        self.new_uuid = uuid7_maker(random.Random(rng.getrandbits(64)).getrandbits, epoch)
        self.end = size.days * DAY - HOUR  # the history stops an hour before midnight
        self._days = [
            (self.start + timedelta(days=n)).date().isoformat() for n in range(size.days + 1)
        ]
        # every second of a day as text: stamps are made about five million times
        self._clock = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86_400)]
        self.today = today
        self.progress = progress
        self.conditions = itertools.cycle(_CONDITIONS)
        self._done = 0.0
        self._stage = ""
        self._pool: ThreadPoolExecutor | None = None  # SQLite's other thread, during `build`
        self._pending: list[Future] = []  # what it was given, in order

    # --- progress -------------------------------------------------------------------------

    def _begin(self, stage: str) -> None:
        if self._stage:
            self._done += _STAGES[self._stage]
        self._stage = stage
        self._report(0.0)

    def _report(self, fraction: float) -> None:
        if self.progress is not None:
            share = _STAGES.get(self._stage, 0.0) * min(max(fraction, 0.0), 1.0)
            self.progress(self._stage, min(self._done + share, 1.0))

    # --- time -----------------------------------------------------------------------------

    def stamp(self, at: int) -> str:
        """A DATETIME as SQLAlchemy writes it for SQLite (UTC, microseconds always)."""
        days, rest = divmod(at, DAY)
        seconds, micro = divmod(rest, US)
        return f"{self._days[days]} {self._clock[seconds]}.{micro:06d}"

    def day(self, at: int) -> str:
        return (self.start + timedelta(microseconds=at)).date().isoformat()

    # --- the whole build ------------------------------------------------------------------

    def build(self) -> dict[str, int]:
        # one other thread uses the connection, alone, while this one makes rows (below)
        with closing(
            sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        ) as db:
            self.db = db
            # a fresh file that is deleted if the build fails: no journal, no syncs, until
            # the end, when the file goes back to WAL like every storeroom database. With
            # temporary storage in files, SQLite's sorter (CREATE INDEX, GROUP BY) sorts in
            # one block of memory (up to the cache size, so it never reaches a file) instead
            # of a list of separately allocated records: the movement indexes build in 15 s
            # instead of 23; it may use the other cores too (the threads pragma)
            for pragma in (
                "journal_mode = OFF",
                "synchronous = OFF",
                "locking_mode = EXCLUSIVE",
                "foreign_keys = OFF",
                "temp_store = FILE",
                "cache_size = -1048576",
                f"threads = {min(os.cpu_count() or 1, 8)}",
            ):
                db.execute(f"PRAGMA {pragma}")
            indexes = db.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master "
                "WHERE type = 'index' AND sql IS NOT NULL"
            ).fetchall()
            for name, _, _ in indexes:
                db.execute(f'DROP INDEX "{name}"')
            # the work-order text index is filled in one pass at the end, not row by row
            triggers = db.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                ("work_order",),
            ).fetchall()
            for name, _ in triggers:
                db.execute(f'DROP TRIGGER "{name}"')
            db.execute("BEGIN")
            self._master_data()
            self._begin("planning work orders")
            self._plan_work_orders()
            self._begin("planning stock")
            self._plan_stock()
            # SQLite works on another core (it lets go of Python's lock while it works) as
            # this thread makes rows: it inserts the movements as the walk hands them over,
            # then builds the movement indexes while this thread makes the other tables' rows
            # and draws their labour and costs
            with ThreadPoolExecutor(max_workers=1) as pool:
                self._pool, self._pending = pool, []
                try:
                    self._begin("posting movements")
                    self._post_movements()
                    self._begin("writing work orders")
                    movement_indexes = [sql for _, table, sql in indexes if table == "movement"]
                    self._pending.append(pool.submit(self._create, movement_indexes))
                    tables = self._work_order_rows()
                    cost_plan = self._cost_plan(*tables[0][1:])
                    for job in self._pending:
                        job.result()
                except BaseException:
                    for job in self._pending:
                        job.cancel()
                    db.interrupt()  # a failed or stopped build does not wait for the sort
                    raise
            self._report(0.45)
            self._write_work_orders(tables)
            # labour, contractors, frozen costs, budgets
            demo_costs.bulk_costs(db, self.today, cost_plan)
            db.execute("COMMIT")
            self._begin("building indexes")
            self._create([sql for _, table, sql in indexes if table != "movement"], report=True)
            for _, sql in triggers:
                db.execute(sql)
            if triggers:
                db.execute(
                    f"INSERT INTO {WORK_ORDER_SEARCH} ({WORK_ORDER_SEARCH}) VALUES ('rebuild')"
                )
            counts = self._counts()
            db.execute("PRAGMA locking_mode = NORMAL")
            db.execute("PRAGMA journal_mode = WAL")
        if self.progress is not None:
            self.progress("done", 1.0)
        return counts

    def _create(self, indexes: list[str], report: bool = False) -> None:
        for number, sql in enumerate(indexes):
            self.db.execute(sql)
            if report:
                self._report((number + 1) / len(indexes))

    def _hand_over(self, table: str, columns: str, rows: list[tuple]) -> None:
        """Insert `rows` on the other thread, in the order handed over. They go as one JSON
        text that one statement unpacks, so SQLite holds no Python lock while it inserts:
        `executemany` would take the lock back for every row, and wait for it behind this
        thread's work each time."""
        count = columns.count(",") + 1
        values = ", ".join(f"json_extract(value, '$[{n}]')" for n in range(count))
        sql = f"INSERT INTO {table} ({columns}) SELECT {values} FROM json_each(?)"
        text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        assert self._pool is not None  # only while `build` runs
        self._pending.append(self._pool.submit(self.db.execute, sql, (text,)))

    def _cost_plan(self, columns: str, work_orders: list[tuple]) -> demo_costs.CostPlan:
        """`demo_costs.plan_costs` from the rows of the work orders, before they are written."""
        at = {name: place for place, name in enumerate(columns.split(", "))}
        wo_id, status, started = at["id"], at["status"], at["actual_start"]
        worked = sorted(
            (
                (row[wo_id], row[at["wo_type"]], row[started])
                for row in work_orders
                if row[started] is not None
            ),
            key=lambda start: (start[2], start[0]),
        )
        waiting = [
            tuple(row[at[name]] for name in demo_costs.WAITING_COLUMNS)
            for row in sorted(work_orders, key=lambda row: row[wo_id])
            if row[started] is not None or row[status] in demo_costs.OPEN_STATUSES
        ]
        return demo_costs.plan_costs(worked, waiting)

    def _insert(self, table: str, columns: str, rows: list[tuple]) -> None:
        marks = ", ".join("?" * (columns.count(",") + 1))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        for offset in range(0, len(rows), CHUNK):
            self.db.executemany(sql, rows[offset : offset + CHUNK])

    def _counts(self) -> dict[str, int]:
        tables = {
            "bins": "location WHERE kind = 'bin'",
            "users": "user_account",
            "assets": "asset",
            "items": "item",
            "lots": "lot",
            "serials": "serial",
            "work_orders": "work_order",
            "demand_lines": "demand_line",
            "reservations": "reservation",
            "movements": "movement",
        }
        return {
            name: self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for name, table in tables.items()
        }

    # --- people, places, items, assets ----------------------------------------------------

    def _master_data(self) -> None:
        db, rng = self.db, self.rng
        first = self.stamp(0)
        self._insert(
            "user_account",
            "badge, name, role, active, created_at",
            [(badge, name, role, 1, first) for badge, name, role in plant.USERS],
        )
        user = dict(db.execute("SELECT badge, id FROM user_account").fetchall())
        by_role: dict[str, list[int]] = {}
        for badge, _, role in plant.USERS:
            by_role.setdefault(role, []).append(user[badge])
        self.clerks = by_role["clerk"]
        self.technicians = by_role["technician"]
        self.supervisor = by_role["supervisor"][0]
        self.planner = by_role["planner"][0]
        self.place = dict(db.execute("SELECT code, id FROM location WHERE kind != 'bin'"))

        # bins: the small demo's aisles, each with more bays, about 50 items to a bin
        base_bins = sum(plant.BAYS.values()) * plant.LEVELS
        scale = max(1, math.ceil(self.size.items / ITEMS_PER_BIN / base_bins))
        next_id = db.execute("SELECT max(id) FROM location").fetchone()[0] + 1
        bins, aisles = [], {}
        for warehouse, names in plant.WAREHOUSES.items():
            for aisle in names:
                for bay in range(1, plant.BAYS[aisle] * scale + 1):
                    for level in range(1, plant.LEVELS + 1):
                        code = f"{warehouse}/{aisle}-{bay:02d}-{level:02d}"
                        bins.append((next_id, code, bin_barcode(code), warehouse, "bin", 1, 1))
                        aisles.setdefault(aisle, []).append(next_id)
                        next_id += 1
        self._insert("location", "id, code, barcode, warehouse, kind, physical, available", bins)

        # items: the catalogue first, then alternative sources of the same parts
        self.specs = catalogue()
        base_count = len(self.specs)
        count = self.size.items
        self.base = [k % base_count for k in range(count)]
        by_category: dict[str, list[int]] = {}
        for k in range(count):
            by_category.setdefault(self.specs[self.base[k]].category, []).append(k)
        self.home = [0] * count
        for category, members in by_category.items():
            shelves = aisles[plant.AISLE_OF[category]]
            for index, k in enumerate(members):
                self.home[k] = shelves[index * len(shelves) // len(members)]
        self.second: dict[int, int] = {}
        items, barcodes = [], []
        reference = 0
        for k in range(count):
            spec = self.specs[self.base[k]]
            variant = k // base_count
            part = spec.part if variant == 0 else f"{spec.part}-V{variant:03d}"
            text = (
                spec.description
                if variant == 0
                else f"{spec.description} ({SOURCES_PER_PART} {variant:03d})"
            )
            items.append(
                (
                    k + 1,
                    part,
                    text,
                    spec.uom,
                    spec.kind,
                    spec.tracking,
                    int(spec.critical),
                    spec.min_units * MILLI,
                    spec.max_units * MILLI,
                    0,
                    0,
                    0,
                    first,
                )
            )
            barcodes.append((k + 1, f"{LABEL_PREFIX}{k + 1:05d}", "own"))
            bought_in = spec.category not in ("tool", "fastener", "critical")
            if bought_in and rng.random() < 0.55 and reference < 99_999:
                reference += 1
                barcodes.append((k + 1, gtin13(reference), "gtin"))
            fast = spec.category in ("bearing", "seal", "belt", "electrical", "fastener")
            if fast and spec.uom == "EA" and rng.random() < 0.1:
                self.second[k] = rng.choice(aisles["N"])
        self._insert(
            "item",
            "id, part_number, description, uom, kind, tracking, critical, min_qty, max_qty, "
            "reorder_qty, lead_time_days, avg_cost, created_at",
            items,
        )
        self._insert("item_barcode", "item_id, code, source", barcodes)
        self.avg_cost = [0] * count
        self.in_stores = [0] * count

        # assets: the small demo's tree, every machine repeated along the lines
        copies = max(1, min(26, math.ceil(self.size.work_orders / 8000)))
        rows: list[tuple] = []
        asset_id: dict[str, int] = {}

        def asset(tag: str, name: str, parent: str | None, centre: str, criticality: int) -> int:
            asset_id[tag] = len(rows) + 1
            rows.append((len(rows) + 1, tag, name, asset_id.get(parent or ""), centre, criticality))
            return asset_id[tag]

        site_tag, site_name, site_centre = plant.SITE
        asset(site_tag, site_name, None, site_centre, 1)
        for tag, name, centre in plant.BUILDINGS:
            asset(tag, name, site_tag, centre, 2)
        centre_of = {}
        for tag, name, building, centre in plant.LINES:
            asset(tag, name, building, centre, 2)
            centre_of[tag] = centre
        self.machines: list[tuple[int, str, str, int]] = []  # id, name, kind, criticality
        for copy in range(copies):
            for tag, name, line, kind, criticality in plant.MACHINES:
                letter = chr(ord("A") + copy - 1)
                own_tag = tag if copy == 0 else f"{tag}-{letter}"
                own_name = name if copy == 0 else f"{name}, unit {letter}"
                new = asset(own_tag, own_name, line, centre_of[line], criticality)
                self.machines.append((new, own_name, kind, criticality))
        db.executemany("INSERT INTO asset VALUES (?, ?, ?, ?, ?, ?)", rows)
        self._profiles()

    def _variant(self, base_index: int) -> int:
        """One of the items that are this catalogue part (the part or an alternative)."""
        base_count = len(self.specs)
        variants = (self.size.items - base_index + base_count - 1) // base_count
        return base_index + base_count * self.rng.randrange(variants)

    def _profiles(self) -> None:
        """Each machine's own parts: which bearing, seal, belt, drive... it takes."""
        names = [spec.part for spec in self.specs]
        index = {name: i for i, name in enumerate(names)}
        candidates = {
            role: [index[n] for pattern in patterns for n in fnmatch.filter(names, pattern)]
            for role, patterns in plant.ROLES.items()
        }
        self.profiles: list[dict[str, int]] = []
        for _id, _name, kind, _criticality in self.machines:
            profile: dict[str, int] = {}
            for _type, _title, pick in plant.TASKS[kind]:
                for role, _qty in pick_list(pick):
                    if role not in profile:
                        profile[role] = self._variant(self.rng.choice(candidates[role]))
            self.profiles.append(profile)
        self.extras = [(index[part], parse_qty(qty), why) for part, qty, why in plant.EXTRAS]
        self.consumables = [(index[part], parse_qty(qty)) for part, qty in _CONSUMABLES]
        self.mistake_item = index["CHM-PEN-400"]

    # --- the work orders ------------------------------------------------------------------

    def _plan_work_orders(self) -> None:
        rng, size = self.rng, self.size
        span = self.end - DAY  # the first day is for opening stock
        self.work_orders: list[_WorkOrder] = []
        self.ops: list[tuple[int, int, object]] = []
        self.wo_movements = 0
        line_id = 0
        tasks = {
            kind: [
                (wo_type, title, [(role, parse_qty(qty)) for role, qty in pick_list(pick)])
                for wo_type, title, pick in choices
            ]
            for kind, choices in plant.TASKS.items()
        }
        for n in range(size.work_orders):
            if n % 5000 == 0:
                self._report(n / size.work_orders)
            created = DAY + int((n + rng.random()) * span / size.work_orders)
            machine = rng.randrange(len(self.machines))
            asset_id, name, kind, criticality = self.machines[machine]
            wo_type, title, picks = rng.choice(tasks[kind])
            lead = {"EM": (0, 1), "CM": (3, 14), "PM": (7, 28), "INSP": (7, 21)}[wo_type]
            due = self.day(created + rng.randint(*lead) * DAY)
            priority = {
                "EM": 1,
                "CM": rng.choice((2, 2, 3)),
                "PM": rng.choice((3, 3, 4)),
                "INSP": rng.choice((3, 4, 4)),
            }[wo_type]
            if criticality == 1 and priority > 2:
                priority -= 1
            creator = self.supervisor if wo_type == "EM" else self.planner
            technician = rng.choice(self.technicians)
            work_order = _WorkOrder(
                id=n + 1,
                number=f"WO-{n + 1:06d}",
                asset=asset_id,
                title=title.format(name=name),
                wo_type=wo_type,
                priority=priority,
                requester=creator,
                assignee=technician,
                due=due,
                created=created,
                events=[(None, "requested", creator, created, "created")],
                lines=[],
            )
            self.work_orders.append(work_order)
            self._life(work_order, technician)
            if work_order.status == "requested" and rng.random() < 0.7:
                work_order.assignee = None
            if work_order.status != "requested" or rng.random() < 0.6:
                profile = self.profiles[machine]
                for role, qty in picks:
                    item = profile[role]
                    spec = self.specs[self.base[item]]
                    line_id += 1
                    work_order.lines.append(
                        _Line(
                            line_id,
                            work_order.id,
                            len(work_order.lines) + 1,
                            item,
                            qty,
                            spec.category not in ("tool", "lubricant"),
                            "10" if spec.kind != "tool" else "00 tools",
                            created=created,
                        )
                    )
                roll = rng.random()
                wanted = 0 if roll < 0.4 else 1 if roll < 0.75 else 2 if roll < 0.92 else 3
                for base_item, qty in rng.sample(self.consumables, wanted):
                    line_id += 1
                    work_order.lines.append(
                        _Line(
                            line_id,
                            work_order.id,
                            len(work_order.lines) + 1,
                            self._variant(base_item),
                            qty,
                            False,
                            "10",
                            created=created,
                        )
                    )
            if work_order.started is not None:
                line_id = self._work(work_order, technician, line_id)
        self.line_count = line_id

    def _life(self, wo: _WorkOrder, technician: int) -> None:
        """The status changes this WO went through before the history ends."""
        rng, expo, end = self.rng, self.rng.expovariate, self.end
        emergency = wo.wo_type == "EM"
        at = wo.created

        def step(to: str, mean: float, user: int, why: str | None = None) -> bool:
            nonlocal at
            at += int(expo(1 / mean)) + 1
            if at > end:
                return False
            wo.events.append((wo.events[-1][1], to, user, at, why))
            return True

        roll = rng.random()
        cancel_at = rng.choice(("requested", "approved", "scheduled")) if roll < 0.04 else None
        postpone = 0.04 <= roll < 0.07
        hold = 0.07 <= roll < 0.12
        stuck = rng.random() < 0.004  # a few stay frozen for good
        if cancel_at == "requested":
            step("cancelled", 2 * DAY, self.planner, rng.choice(plant.CANCEL_REASONS))
            return
        if not step("approved", HOUR if emergency else DAY, self.supervisor):
            return
        if cancel_at == "approved":
            step("cancelled", 3 * DAY, self.planner, rng.choice(plant.CANCEL_REASONS))
            return
        if postpone:
            if not step("postponed", DAY, self.planner, rng.choice(plant.POSTPONE_REASONS)):
                return
            wo.keep_reservations = rng.random() >= 0.4
            if stuck:
                return
            wo.keep_reservations = True
            at += int(expo(1 / (15 * DAY)))
        if not emergency:
            start = self.day(at + 2 * DAY + rng.randint(0, 3) * DAY)
            if not step("scheduled", 1.5 * DAY, self.planner, f"planned to start {start}"):
                return
            wo.planned_start = start
        if cancel_at == "scheduled":
            step("cancelled", 3 * DAY, self.planner, rng.choice(plant.CANCEL_REASONS))
            return
        if not step("in_progress", 2 * HOUR if emergency else 2 * DAY, technician):
            return
        wo.started = at
        if hold:
            if not step("on_hold", DAY, self.planner, rng.choice(plant.HOLD_REASONS)):
                return
            if stuck:
                return
            if not step("in_progress", 8 * DAY, technician):
                return
        if not step("completed", 8 * HOUR if emergency else 2 * DAY, technician):
            return
        wo.ended = at
        if step("closed", 3 * DAY, self.supervisor, "reconciled"):
            wo.closed = at

    def _work(self, wo: _WorkOrder, technician: int, line_id: int) -> int:
        """Issues while the work goes on, returns and write-offs when it is done."""
        rng, specs, base, ops = self.rng, self.specs, self.base, self.ops
        status = wo.status
        finishing = wo.ended is not None
        assert wo.started is not None
        stop = next((e[3] for e in wo.events if e[3] > wo.started), self.end)
        window = max(stop - wo.started, 2)

        def when() -> int:
            return wo.started + 1 + rng.randrange(window - 1)  # type: ignore[operator]

        issues: list[tuple[_Issue, int]] = []
        for line in wo.lines:
            qty = line.planned
            spec = specs[base[line.item]]
            if not finishing:
                roll = rng.random()
                if roll < 0.2:
                    continue
                if roll < 0.4:
                    step = MILLI if spec.uom in ("EA", "SET") or spec.serialised else MILLI // 2
                    qty = qty // 2 // step * step
                    if qty <= 0:
                        continue
            trips = [qty]
            if qty >= 2 * MILLI and rng.random() < 0.35:
                step = MILLI if spec.uom in ("EA", "SET") or spec.serialised else MILLI // 2
                first = qty // 2 // step * step
                trips = [first, qty - first] if first else [qty]
            times = sorted(when() for _ in trips)
            for trip, at in zip(trips, times, strict=True):
                issue = _Issue(wo.id, line.id, line.item, trip, rng.choice(self.clerks))
                ops.append((at, _ISSUE, issue))
                issues.append((issue, at))
                self.wo_movements += trip // MILLI if spec.serialised else 1
            line.issued += qty
        if rng.random() < (0.35 if finishing else 0.25) * 0.4:
            base_item, qty, why = rng.choice(self.extras)
            line_id += 1
            at = when()
            line = _Line(
                line_id, wo.id, len(wo.lines) + 1, base_item, 0, False, None, True, why, at
            )
            wo.lines.append(line)
            issue = _Issue(
                wo.id, line.id, base_item, qty, rng.choice(self.clerks), "additional", why
            )
            ops.append((at, _ISSUE, issue))
            issues.append((issue, at))
            line.issued += qty
            self.wo_movements += 1
        if status == "in_progress" and window > 2 * MINUTE and rng.random() < 0.01:
            # a clerk scans the wrong can, sees it on the screen and undoes it a minute later
            why = "rust on the guard bolts"
            line_id += 1
            at = min(when(), stop - 2 * MINUTE)
            item = self.mistake_item
            line = _Line(line_id, wo.id, len(wo.lines) + 1, item, 0, False, None, True, why, at)
            wo.lines.append(line)
            issue = _Issue(wo.id, line.id, item, MILLI, rng.choice(self.clerks), "additional", why)
            ops.append((at, _ISSUE, issue))
            ops.append((at + MINUTE, _REVERSE, issue))
            self.wo_movements += 2

        # settling: everything on a closed WO, some of it on one completed, a spare part
        # brought back now and then while the work goes on
        conditions = self.conditions
        last_event = wo.events[-1][3]
        for issue, issued_at in issues:
            spec = specs[base[issue.item]]
            if finishing:
                if wo.closed is None and rng.random() >= (0.6 if spec.kind == "tool" else 0.5):
                    continue
                until = wo.closed if wo.closed is not None else self.end
                at = wo.ended + rng.randrange(max(until - wo.ended, 1))  # type: ignore[operator]
                at = max(at, issued_at + 1)
            else:
                back_one = (
                    status == "in_progress"
                    and spec.uom == "EA"
                    and not spec.serialised
                    and spec.kind != "tool"
                    and issue.qty >= 2 * MILLI
                    and rng.random() < 0.08
                )
                if not back_one:
                    continue
                after = max(issued_at, last_event)  # not while it was on hold
                at = after + 1 + rng.randrange(max(self.end - after - 1, 1))
                ops.append((at, _SETTLE, (issue, MILLI, "new", 0)))
                self.wo_movements += 1
                continue
            back, condition = 0, "new"
            if spec.kind == "tool":
                back, condition = issue.qty, ("inspect" if rng.random() < 0.06 else "new")
            elif spec.serialised:
                units = issue.qty // MILLI
                if units > 1 and rng.random() < 0.3:
                    back, condition = MILLI, "inspect"
            elif issue.qty >= 2 * MILLI:
                if spec.uom in ("EA", "SET") and rng.random() < 0.4:
                    back, condition = MILLI, next(conditions)
                elif spec.uom in ("L", "KG", "M") and rng.random() < 0.5:
                    back = issue.qty // 3 // 500 * 500
                    condition = "new" if spec.uom == "M" else "opened"
            used = issue.qty - back
            ops.append((at, _SETTLE, (issue, back, condition, used)))
            if spec.serialised:
                self.wo_movements += issue.qty // MILLI
            else:
                self.wo_movements += (back > 0) + (used > 0)
        return line_id

    # --- stock: where every issue takes from, and what has to be bought in first -----------

    def _plan_stock(self) -> None:
        """Walk the history once to decide receipts, so the movement count is known first.

        Every issue is covered: when the bin cannot give it, a delivery arrives just before
        (a new lot for lot-tracked items). Returns in good condition go back on the shelf.
        """
        rng, specs, base = self.rng, self.specs, self.base
        self.ops.sort(key=lambda op: op[0])
        self.lots: list[_Lot] = []
        self.shelf_lots: dict[tuple[int, int], list[_Lot]] = {}
        stock: dict[tuple[int, int], int] = {}
        self.opening: list[tuple[int, int, int, _Lot | None]] = []  # item, bin, qty, lot
        receipts = 0

        def new_lot(item: int, at: int) -> _Lot:
            spec = specs[base[item]]
            while True:
                letter = "ABCDEFGHJKLMNPRSTUVWXY"[rng.randrange(22)]
                year = int(self.day(at)[2:4])
                number = f"{year}{letter}{rng.randint(1000, 9999)}"
                if all(lot.number != number for lot in self._item_lots.get(item, ())):
                    break
            expiry = text = None
            if spec.shelf_life:
                expiry = at + spec.shelf_life * DAY
                text = self.day(expiry)
            lot = _Lot(len(self.lots) + 1, number, expiry, text)
            self.lots.append(lot)
            self._item_lots.setdefault(item, []).append(lot)
            return lot

        self._item_lots: dict[int, list[_Lot]] = {}
        count = self.size.items
        for item in range(count):
            spec = specs[base[item]]
            places = [self.home[item]] + ([self.second[item]] if item in self.second else [])
            for place in places:
                if spec.tracking == "lot":
                    if rng.random() < 0.06:
                        continue
                    for _ in range(rng.choice((1, 2))):
                        lot = new_lot(item, 0)
                        lot.left = spec.receipt_units * MILLI
                        self.shelf_lots.setdefault((item, place), []).append(lot)
                        self.opening.append((item, place, lot.left, lot))
                        receipts += 1
                    continue
                units = self._opening_units(spec, place != self.home[item])
                if units <= 0:
                    continue
                stock[(item, place)] = units * MILLI
                self.opening.append((item, place, units * MILLI, None))
                receipts += units if spec.serialised else 1

        total = len(self.ops)
        for number, (at, kind, payload) in enumerate(self.ops):
            if number % 50_000 == 0:
                self._report(number / max(total, 1))
            if kind != _ISSUE:
                if kind == _SETTLE:
                    issue, back, condition, _used = payload  # type: ignore[misc]
                    if _RETURN_TO[condition] != "bin":
                        continue
                else:  # a reversal puts the whole issue back
                    issue, back = payload, payload.qty  # type: ignore[attr-defined]
                if issue.lot is not None:
                    issue.lot.left += back
                else:
                    stock[(issue.item, issue.bin)] += back
                continue
            issue = payload  # type: ignore[assignment]
            item, qty = issue.item, issue.qty
            spec = specs[base[item]]
            home = self.home[item]
            second = self.second.get(item)
            if spec.tracking == "lot":
                issue.bin = home
                lots = self.shelf_lots.setdefault((item, home), [])
                chosen = next(
                    (
                        lot
                        for lot in lots
                        if lot.left >= qty and (lot.expiry is None or lot.expiry > at + DAY)
                    ),
                    None,
                )
                if chosen is None:
                    chosen = new_lot(item, at)
                    chosen.left = max(spec.receipt_units * MILLI, qty)
                    lots.append(chosen)
                    issue.receipts = [(chosen.left, chosen)]
                    receipts += 1
                chosen.left -= qty
                issue.lot = chosen
                continue
            place = home
            if second is not None and stock.get((item, second), 0) >= qty and rng.random() < 0.3:
                place = second
            issue.bin = place
            have = stock.get((item, place), 0)
            if have < qty:
                units = max(spec.max_units, spec.min_units, 1)
                buy = qty - have + units * MILLI
                if spec.serialised:
                    buy = math.ceil(buy / MILLI) * MILLI
                issue.receipts = [(buy, None)]
                receipts += buy // MILLI if spec.serialised else 1
                have += buy
            stock[(item, place)] = have - qty
        self.stock_plan = stock
        self.receipt_movements = receipts
        self.filler = self.size.movements - self.wo_movements - receipts
        if self.filler < 0:
            raise InvalidValue(
                f"{self.size.work_orders} work orders need {self.wo_movements + receipts} "
                f"movements, more than the {self.size.movements} asked; ask for more movements",
                self.size.movements,
            )

    def _opening_units(self, spec: PartSpec, second_place: bool) -> int:
        rng = self.rng
        if spec.kind == "tool":
            return 0 if second_place else max(spec.held, 1)
        if second_place:
            return rng.randint(max(spec.min_units // 2, 1), max(spec.min_units, 2))
        roll = rng.random()
        if roll < 0.05:
            return 0
        if roll < 0.17 and spec.min_units > 1:
            return rng.randint(1, spec.min_units - 1)
        return rng.randint(max(spec.min_units, 1), max(spec.max_units, 1))

    # --- the walk that writes the ledger ----------------------------------------------------

    def _post_movements(self) -> None:
        rng, specs, base, place = self.rng, self.specs, self.base, self.place
        new_uuid, stamp = self.new_uuid, self.stamp
        supplier, wip, consumed = place["SUPPLIER"], place["WIP"], place["CONSUMED"]
        where_back = {"QUARANTINE": place["QUARANTINE"], "SCRAP": place["SCRAP"]}
        physical = {supplier: False, consumed: False, place["ADJUSTMENT"]: False}
        balance: dict[tuple[int, int, int, int], int] = {}
        rows: list[tuple] = []
        # the first movements are handed over to the other thread as the walk goes, the last
        # ones are inserted by this thread when the walk is done: unpacking them from JSON
        # costs SQLite about twice what `executemany` does, and the share is about what
        # SQLite can insert on the other core while this thread walks (on one core, none)
        handed = int(self.size.movements * HANDED_OVER) if (os.cpu_count() or 1) > 1 else 0
        movement_columns = (
            "id, uuid, posting_key, kind, item_id, qty, from_location_id, to_location_id, "
            "lot_id, serial_id, wo_id, demand_line_id, reservation_id, related_id, reverses_id, "
            "unit_cost, condition, deviation, reason, user_id, terminal, created_at"
        )
        self.serial_item: list[int] = []
        self.serial_no: list[str] = []
        self.serial_at: list[int] = []
        self.serial_wo: list[int | None] = []
        serial_names: dict[int, set[str]] = {}
        shelf: dict[tuple[int, int], deque[int]] = {}
        self.reserved_by_line: dict[int, tuple[int, int, int | None]] = {}  # id, bin, lot
        open_wo = {wo.id for wo in self.work_orders if wo.status in _OPEN_FOR_RESERVATIONS}
        line_res = self.reserved_by_line
        self.reservation_count = 0
        avg, in_stores = self.avg_cost, self.in_stores
        parts_cost = [0] * (len(self.work_orders) + 1)
        state = {"id": 0}

        def move(
            kind: str,
            item: int,
            qty: int,
            source: int,
            target: int,
            lot: int,
            serial: int,
            at: int,
            user: int,
            wo: int | None = None,
            line: int | None = None,
            reservation: int | None = None,
            related: int | None = None,
            reverses: int | None = None,
            cost: int = 0,
            condition: str | None = None,
            deviation: str | None = None,
            reason: str | None = None,
        ) -> int:
            state["id"] += 1
            movement_id = state["id"]
            key = new_uuid(at)
            rows.append(
                (
                    movement_id,
                    key,
                    key,
                    kind,
                    item + 1,
                    qty,
                    source,
                    target,
                    lot or None,
                    serial or None,
                    wo,
                    line,
                    reservation,
                    related,
                    reverses,
                    cost,
                    condition,
                    deviation,
                    reason,
                    user,
                    "",
                    stamp(at),
                )
            )
            out = (item + 1, source, lot, serial)
            left = balance.get(out, 0) - qty
            if left < 0 and physical.get(source, True):
                raise AssertionError(f"negative stock planned at {out}")  # a builder bug
            balance[out] = left
            into = (item + 1, target, lot, serial)
            balance[into] = balance.get(into, 0) + qty
            if movement_id % CHUNK == 0:
                if movement_id <= handed:
                    self._hand_over("movement", movement_columns, rows)
                    rows.clear()
                self._report(movement_id / self.size.movements)
            return movement_id

        self._move, self._shelf, self._where_back, self._costs = move, shelf, where_back, parts_cost

        def new_serial(item: int, bin_id: int) -> int:
            spec = specs[base[item]]
            taken = serial_names.setdefault(item, set())
            prefix = spec.serial_prefix or "SN"
            while True:
                text = f"{prefix}{rng.randint(10_000_000, 99_999_999)}"
                if text not in taken:
                    taken.add(text)
                    break
            self.serial_item.append(item)
            self.serial_no.append(text)
            self.serial_at.append(supplier)
            self.serial_wo.append(None)
            return len(self.serial_no)

        def receive(item: int, bin_id: int, qty: int, lot: _Lot | None, at: int, why: str | None):
            spec = specs[base[item]]
            price = max(1, spec.cost * rng.randint(92, 108) // 100)
            avg[item] = moving_average(in_stores[item], avg[item], qty, price)
            in_stores[item] += qty
            user = self.clerks[0]
            if spec.serialised:
                units = shelf.setdefault((item, bin_id), deque())
                for _ in range(qty // MILLI):
                    serial = new_serial(item, bin_id)
                    move(
                        "receive",
                        item,
                        MILLI,
                        supplier,
                        bin_id,
                        0,
                        serial,
                        at,
                        user,
                        cost=price,
                        reason=why,
                    )
                    self.serial_at[serial - 1] = bin_id
                    units.append(serial)
            else:
                move(
                    "receive",
                    item,
                    qty,
                    supplier,
                    bin_id,
                    lot.id if lot else 0,
                    0,
                    at,
                    user,
                    cost=price,
                    reason=why,
                )

        # opening stock, spread over the first day
        for number, (item, bin_id, qty, lot) in enumerate(self.opening):
            at = number * (DAY // 2) // max(len(self.opening), 1)
            receive(item, bin_id, qty, lot, at, OPENING_STOCK)

        # deliveries beyond need, spread over the years (they only ever add stock)
        ops = self.ops
        fillers = sorted(rng.randrange(len(ops) + 1) for _ in range(self.filler))
        bulk_items = [k for k in range(self.size.items) if specs[base[k]].tracking != "lot"]
        filler_at = 0

        def fill(at: int) -> None:
            item = rng.choice(bulk_items)
            spec = specs[base[item]]
            units = 1 if spec.serialised else max(spec.max_units, 1)
            receive(item, self.home[item], units * MILLI, None, at, None)

        for number, (at, kind, payload) in enumerate(ops):
            while filler_at < len(fillers) and fillers[filler_at] == number:
                fill(at)
                filler_at += 1
            if kind == _SETTLE:
                issue, back, condition, used = payload  # type: ignore[misc]
                self._settle(issue, back, condition, used, at)
                continue
            if kind == _REVERSE:
                issue = payload  # type: ignore[assignment]
                in_stores[issue.item] += issue.qty
                move(
                    "reversal",
                    issue.item,
                    issue.qty,
                    wip,
                    issue.bin,
                    issue.lot.id if issue.lot else 0,
                    0,
                    at,
                    issue.user,
                    issue.wo,
                    issue.line,
                    None,
                    None,
                    issue.moved[0],
                    issue.cost,
                    reason="wrong item scanned",
                )
                continue
            issue = payload  # type: ignore[assignment]
            item = issue.item
            spec = specs[base[item]]
            for qty, lot in issue.receipts or ():
                receive(item, issue.bin, qty, lot, at, None)
            lot_id = issue.lot.id if issue.lot else 0
            reservation = None
            if issue.wo in open_wo and issue.deviation is None:
                known = line_res.get(issue.line)
                if known is None:
                    self.reservation_count += 1
                    known = (self.reservation_count, issue.bin, issue.lot.id if issue.lot else None)
                    line_res[issue.line] = known
                if known[1] == issue.bin and known[2] == (issue.lot.id if issue.lot else None):
                    reservation = known[0]
            issue.cost = avg[item]
            in_stores[item] -= issue.qty
            common = {
                "wo": issue.wo,
                "line": issue.line,
                "reservation": reservation,
                "cost": issue.cost,
                "deviation": issue.deviation,
                "reason": issue.reason,
            }
            if spec.serialised:
                units = shelf[(item, issue.bin)]
                for _ in range(issue.qty // MILLI):
                    serial = units.popleft()
                    movement = move(
                        "issue", item, MILLI, issue.bin, wip, 0, serial, at, issue.user, **common
                    )
                    self.serial_at[serial - 1] = wip
                    self.serial_wo[serial - 1] = issue.wo
                    issue.moved.append(movement)
                    issue.serials.append(serial)
            else:
                movement = move(
                    "issue", item, issue.qty, issue.bin, wip, lot_id, 0, at, issue.user, **common
                )
                issue.moved.append(movement)
        while filler_at < len(fillers):
            fill(self.end)
            filler_at += 1
        # the rest goes in from here (SQLite is quicker at `executemany` than at unpacking
        # JSON), once the other thread has inserted all it was given
        for job in self._pending:
            job.result()
        self._insert("movement", movement_columns, rows)
        self.balance = balance
        self.parts_cost = parts_cost
        self.shelf = shelf

    def _settle(self, issue: _Issue, back: int, condition: str, used: int, at: int) -> None:
        """Return what was not used (with its condition) and write off the rest."""
        specs, base, place = self.specs, self.base, self.place
        move, shelf, where_back, parts_cost = self._move, self._shelf, self._where_back, self._costs
        item = issue.item
        spec = specs[base[item]]
        wip, consumed = place["WIP"], place["CONSUMED"]
        target = where_back.get(_RETURN_TO[condition], issue.bin)
        returner = self.rng.choice(self.technicians)
        lot_id = issue.lot.id if issue.lot else 0
        if back and target != place["SCRAP"]:
            self.in_stores[item] += back
        if spec.serialised:
            pairs = list(zip(issue.moved, issue.serials, strict=True))
            for index, (movement, serial) in enumerate(pairs):
                coming_back = index >= len(pairs) - back // MILLI
                if coming_back:
                    move(
                        "return",
                        item,
                        MILLI,
                        wip,
                        target,
                        0,
                        serial,
                        at,
                        returner,
                        issue.wo,
                        issue.line,
                        None,
                        movement,
                        None,
                        issue.cost,
                        condition=condition,
                    )
                    self.serial_at[serial - 1] = target
                    if target == issue.bin:
                        shelf[(item, issue.bin)].append(serial)
                else:
                    move(
                        "writeoff",
                        item,
                        MILLI,
                        wip,
                        consumed,
                        0,
                        serial,
                        at,
                        self.supervisor,
                        issue.wo,
                        issue.line,
                        None,
                        movement,
                        None,
                        issue.cost,
                    )
                    self.serial_at[serial - 1] = consumed
                    parts_cost[issue.wo] += (MILLI * issue.cost + 500) // MILLI
                self.serial_wo[serial - 1] = None
            return
        movement = issue.moved[0]
        if back:
            move(
                "return",
                item,
                back,
                wip,
                target,
                lot_id,
                0,
                at,
                returner,
                issue.wo,
                issue.line,
                None,
                movement,
                None,
                issue.cost,
                condition=condition,
            )
        if used:
            move(
                "writeoff",
                item,
                used,
                wip,
                consumed,
                lot_id,
                0,
                at,
                self.supervisor,
                issue.wo,
                issue.line,
                None,
                movement,
                None,
                issue.cost,
            )
            parts_cost[issue.wo] += (used * issue.cost + 500) // MILLI

    # --- work orders, lines, events, reservations, lots, serials, balances ------------------

    def _work_order_rows(self) -> list[tuple[str, str, list[tuple]]]:
        """The rows of the work orders, their events, lines and reservations, and of the lots,
        serials and balances the walk left: (table, columns, rows), made before any is
        written, while SQLite builds the movement indexes."""
        new_uuid, stamp = self.new_uuid, self.stamp
        work_orders, lines, events = [], [], []
        total = len(self.work_orders)
        for number, wo in enumerate(self.work_orders):
            if number % 20_000 == 0:
                self._report(0.25 * number / total)
            last = wo.events[-1][3]
            closed = wo.closed is not None
            work_orders.append(
                (
                    wo.id,
                    new_uuid(wo.created),
                    "",
                    wo.number,
                    wo.asset,
                    wo.title,
                    wo.wo_type,
                    wo.priority,
                    wo.status,
                    wo.requester,
                    wo.assignee,
                    wo.due,
                    wo.planned_start,
                    stamp(wo.started) if wo.started is not None else None,
                    stamp(wo.ended) if wo.ended is not None else None,
                    self.parts_cost[wo.id] if closed else None,
                    stamp(wo.created),
                    stamp(last),
                    stamp(wo.closed) if closed else None,  # type: ignore[arg-type]
                )
            )
            for from_status, to_status, user, at, why in wo.events:
                events.append(
                    (new_uuid(at), "", wo.id, from_status, to_status, user, why, stamp(at))
                )
            for line in wo.lines:
                lines.append(
                    (
                        line.id,
                        new_uuid(line.created),
                        "",
                        wo.id,
                        line.line_no,
                        line.item + 1,
                        line.planned,
                        int(line.mandatory),
                        line.operation,
                        int(line.additional),
                        line.reason,
                        stamp(line.created),
                    )
                )
        reservations = self._reservations()
        lots = [
            (lot.id, item + 1, lot.number, lot.expiry_text)
            for item, item_lots in self._item_lots.items()
            for lot in item_lots
        ]
        serials = [
            (index + 1, item + 1, text, None, at, wo)
            for index, (item, text, at, wo) in enumerate(
                zip(self.serial_item, self.serial_no, self.serial_at, self.serial_wo, strict=True)
            )
        ]
        balances = [(*key, qty) for key, qty in self.balance.items()]
        return [
            (
                "work_order",
                "id, uuid, terminal, number, asset_id, title, wo_type, priority, status, "
                "requester_id, assignee_id, due_date, planned_start, actual_start, actual_end, "
                "parts_cost, created_at, updated_at, closed_at",
                work_orders,
            ),
            (
                "work_order_event",
                "uuid, terminal, wo_id, from_status, to_status, user_id, reason, at",
                events,
            ),
            (
                "demand_line",
                "id, uuid, terminal, wo_id, line_no, item_id, planned_qty, mandatory, "
                "operation, additional, reason, created_at",
                lines,
            ),
            (
                "reservation",
                "id, uuid, terminal, demand_line_id, wo_id, item_id, location_id, lot_id, qty, "
                "supplied_qty, status, user_id, created_at, updated_at",
                reservations,
            ),
            ("lot", "id, item_id, lot_no, expiry", lots),
            ("serial", "id, item_id, serial_no, lot_id, location_id, wo_id", serials),
            ("balance", "item_id, location_id, lot_id, serial_id, qty", balances),
        ]

    def _write_work_orders(self, tables: list[tuple[str, str, list[tuple]]]) -> None:
        for number, (table, columns, rows) in enumerate(tables):
            self._insert(table, columns, rows)
            self._report(0.45 + 0.2 * (number + 1) / len(tables))
        self.db.execute(
            "INSERT INTO setting (key, value) VALUES ('wo_seq:', ?)", (str(len(self.work_orders)),)
        )

    def _reservations(self) -> list[tuple]:
        """Open reservations of the WOs that take them: what was issued against each line,
        and what its still-to-issue quantity finds free on the shelf (the rest is short)."""
        new_uuid, stamp = self.new_uuid, self.stamp
        specs, base, balance = self.specs, self.base, self.balance
        expired_before = self.end + DAY
        claimed: dict[tuple[int, int, int], int] = {}
        rows: list[tuple] = []
        later: list[tuple] = []

        def free(item: int, bin_id: int, lot: int) -> int:
            spec = specs[base[item]]
            if spec.serialised:
                have = len(self.shelf.get((item, bin_id), ())) * MILLI
            else:
                have = balance.get((item + 1, bin_id, lot, 0), 0)
            return have - claimed.get((item, bin_id, lot), 0)

        def places(item: int) -> list[tuple[int, int]]:
            spec = specs[base[item]]
            bins = [self.home[item]] + ([self.second[item]] if item in self.second else [])
            if spec.tracking != "lot":
                return [(b, 0) for b in bins]
            lots = [
                lot
                for lot in self._item_lots.get(item, ())
                if lot.expiry is None or lot.expiry > expired_before
            ]
            lots.sort(key=lambda lot: (lot.expiry is None, lot.expiry or 0, lot.id))
            return [(self.home[item], lot.id) for lot in lots]

        for wo in self.work_orders:
            if wo.status not in _OPEN_FOR_RESERVATIONS and not (
                wo.status == "postponed" and wo.keep_reservations
            ):
                continue
            approved = next(e[3] for e in wo.events if e[1] == "approved")
            for line in wo.lines:
                if line.additional:
                    continue
                to_issue = max(line.planned - line.issued, 0)
                known = self.reserved_by_line.get(line.id)
                if known is not None:
                    reservation_id, bin_id, lot = known
                    supplied = min(line.issued, line.planned)
                    more = min(max(free(line.item, bin_id, lot or 0), 0), to_issue)
                    claimed[(line.item, bin_id, lot or 0)] = (
                        claimed.get((line.item, bin_id, lot or 0), 0) + more
                    )
                    qty = supplied + more
                    status = "supplied" if supplied >= qty else "partially_supplied"
                    rows.append(
                        (
                            reservation_id,
                            new_uuid(approved),
                            "",
                            line.id,
                            wo.id,
                            line.item + 1,
                            bin_id,
                            lot,
                            qty,
                            supplied,
                            status,
                            self.planner,
                            stamp(approved),
                            stamp(wo.events[-1][3]),
                        )
                    )
                    continue
                for bin_id, lot in places(line.item):
                    if to_issue <= 0:
                        break
                    take = min(max(free(line.item, bin_id, lot), 0), to_issue)
                    if take <= 0:
                        continue
                    claimed[(line.item, bin_id, lot)] = (
                        claimed.get((line.item, bin_id, lot), 0) + take
                    )
                    to_issue -= take
                    later.append(
                        (
                            new_uuid(approved),
                            "",
                            line.id,
                            wo.id,
                            line.item + 1,
                            bin_id,
                            lot or None,
                            take,
                            0,
                            "confirmed",
                            self.planner,
                            stamp(approved),
                            stamp(approved),
                        )
                    )
        first = self.reservation_count + 1
        rows += [(first + n, *row) for n, row in enumerate(later)]
        return rows
