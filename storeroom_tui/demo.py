"""The demo plant: a believable storeroom built through the services, same seed, same plant.

`build_demo` makes a fresh database and fills it the way a real site would: people with
badges, two warehouses of bins, a few hundred items received with lots and serials, an
asset tree, and about a hundred work orders in every status, planned, reserved, issued,
returned, written off and closed by the people whose job that is. Every quantity moves
through `ledger`, `counter` and `reconciliation`, so the ledger checks clean and the
plant obeys the same rules as a real one. Everything random comes from
`random.Random(seed)`; the only clock it reads is today's date, for due dates and expiry.
"""

from __future__ import annotations

import fnmatch
import itertools
import os
import random
import sqlite3
from collections.abc import Callable
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from data import demo_plant as plant
from models import (
    Asset,
    DemandLine,
    Item,
    Location,
    LocationKind,
    Lot,
    Movement,
    Reservation,
    Serial,
    Setting,
    User,
    WorkOrder,
)
from storeroom_tui import (
    catalog,
    counter,
    demo_costs,
    demo_purchasing,
    ledger,
    reservations,
    wip,
    workorders,
)
from storeroom_tui.db import database_url, sqlite_path
from storeroom_tui.errors import AlreadyExists
from storeroom_tui.gates import Status
from storeroom_tui.permissions import Actor
from storeroom_tui.quantities import MILLI, parse_qty
from storeroom_tui.reconciliation import close_work_order
from storeroom_tui.service import ADMIN_BADGE, Storeroom

GTIN_PREFIX = "4012345"  # a company prefix of our imaginary suppliers (GTIN-13: 7 + 5 + 1)
LABEL_PREFIX = "SR-"  # our own item labels, SR-00001
OPENING_STOCK = "opening stock"


@dataclass(frozen=True, slots=True)
class DemoPlant:
    """Where the demo plant was built, who can sign in, and how much of everything it holds."""

    location: str
    badges: list[tuple[str, str]]
    counts: dict[str, int]


# --- the catalogue, expanded from the families in data/demo_plant.py -----------------------


@dataclass(frozen=True, slots=True)
class PartSpec:
    part: str
    description: str
    category: str
    cost: int  # cents per base unit
    uom: str = "EA"
    kind: str = "material"
    tracking: str = "none"
    critical: bool = False
    min_units: int = 0
    max_units: int = 0
    shelf_life: int = 0  # days, lot-tracked items only; 0 for no expiry
    receipt_units: int = 0  # one lot as it arrives
    serial_prefix: str = ""
    held: int = 0  # tools: how many the crib owns

    @property
    def serialised(self) -> bool:
        return self.tracking == "serial" or self.critical


def _scaled(price: int, percent: int) -> int:
    return price * percent // 100


def _stock_levels(cost: int) -> tuple[int, int]:
    """Min and max in units: cheap parts are kept deeper than dear ones."""
    if cost < 1000:
        return 4, 12
    if cost < 5000:
        return 2, 6
    return 1, 3


def catalogue() -> list[PartSpec]:
    """Every stocked part of the demo plant, in shelf order."""
    parts: list[PartSpec] = []

    def add(part: str, description: str, category: str, cost: int, **more: object) -> None:
        if "min_units" not in more:
            more["min_units"], more["max_units"] = _stock_levels(cost)
        parts.append(PartSpec(part, description, category, cost, **more))  # type: ignore[arg-type]

    for series, variants in (
        (plant.BEARINGS_62, plant.BEARING_VARIANTS_62),
        (plant.BEARINGS_63, plant.BEARING_VARIANTS_63),
    ):
        for designation, bore, outside, width, price in series:
            for suffix, meaning, percent in variants:
                add(
                    f"BRG-{designation}{suffix}",
                    f"Deep groove ball bearing {designation}{suffix.replace('-C3', ' C3')}, "
                    f"{bore}x{outside}x{width} mm, {meaning}",
                    "bearing",
                    _scaled(price, percent),
                )
    for part, description, price in plant.BEARING_UNITS:
        add(f"BRG-{part}", description, "bearing", price)

    for shaft, housing, width in plant.SHAFT_SEALS:
        for code, material, percent in plant.SEAL_MATERIALS:
            add(
                f"SEAL-TC-{shaft}X{housing}X{width}-{code}",
                f"Radial shaft seal TC {shaft}x{housing}x{width} mm, {material}, double lip",
                "seal",
                _scaled(180 + shaft * 6, percent),
            )
    for part, description, price in plant.MECHANICAL_SEALS + plant.SEAL_KITS:
        uom = "SET" if part.startswith("OR-KIT") else "EA"
        add(part, description, "seal", price, uom=uom)

    for profile, lengths, per_metre in plant.WEDGE_BELTS:
        for length in lengths:
            add(
                f"VB-{profile}-{length}",
                f"Wedge belt {profile} {length} mm datum length, raw edge moulded cogged",
                "belt",
                per_metre * length // 1000 + 250,
            )
    for section, lengths, per_inch in plant.CLASSICAL_BELTS:
        for inches in lengths:
            add(
                f"VB-{section}-{inches}",
                f"Classical V-belt section {section}, {inches} in inside length",
                "belt",
                per_inch * inches,
            )
    for part, description, uom, price in plant.OTHER_BELTS:
        levels = {"min_units": 10, "max_units": 30} if uom == "M" else {}
        add(part, description, "belt", price, uom=uom, **levels)

    for part, description, price in plant.FILTERS:
        add(part, description, "filter", price)

    for part, description, uom, price, shelf, low, high, receipt in plant.LUBRICANTS:
        add(
            part,
            description,
            "lubricant",
            price,
            uom=uom,
            tracking="lot",
            min_units=low,
            max_units=high,
            shelf_life=shelf,
            receipt_units=receipt,
        )

    for amps, price in plant.NH00_FUSES:
        add(
            f"FUSE-NH00-{amps}A",
            f"NH fuse link size 00, gG {amps} A, 500 V",
            "electrical",
            price,
            min_units=6,
            max_units=18,
        )
    for duty, amps in plant.CYLINDER_FUSES:
        add(
            f"FUSE-10X38-{duty.upper()}{amps}",
            f"Cylindrical fuse 10x38 mm, {duty} {amps} A, 500 V",
            "electrical",
            140 + amps * 4,
            min_units=10,
            max_units=30,
        )
    for amps, kilowatts, price in plant.CONTACTORS:
        for code, coil, percent in plant.CONTACTOR_COILS:
            add(
                f"CTR-{amps}A-{code}",
                f"Contactor 3-pole {amps} A AC-3 ({kilowatts} kW at 400 V), {coil}, 1 NO aux",
                "electrical",
                _scaled(price, percent),
            )
    for current, price in plant.OVERLOAD_RANGES:
        add(
            f"OLR-{current}A",
            f"Thermal overload relay {current} A, class 10, for direct mounting",
            "electrical",
            price,
        )
        add(
            f"MPCB-{current}A",
            f"Motor protection circuit breaker {current} A, 3-pole, rotary handle",
            "electrical",
            _scaled(price, 160),
        )
    for rating, price in plant.MCBS:
        add(
            f"MCB-1P-{rating}",
            f"Miniature circuit breaker 1-pole {rating[0]} curve {rating[1:]} A, 6 kA",
            "electrical",
            price,
        )
    for part, description, uom, price in plant.ELECTRICAL:
        levels = {"min_units": 50, "max_units": 200} if uom == "M" else {}
        if part in ("TRM-4MM2", "CT-300-BK"):
            levels = {"min_units": 20, "max_units": 100}
        add(part, description, "electrical", price, uom=uom, **levels)

    for part, description, kind, price, prefix, low, high in plant.CRITICAL_PARTS:
        add(
            part,
            description,
            "critical",
            price,
            kind=kind,
            tracking="serial",
            critical=True,
            min_units=low,
            max_units=high,
            serial_prefix=prefix,
        )

    for part, description, uom, price, tracking, held in plant.TOOLS:
        add(
            part,
            description,
            "tool",
            price,
            uom=uom,
            kind="tool",
            tracking=tracking,
            min_units=0,
            max_units=held,
            held=held,
            serial_prefix="T" + part[:2],
        )

    for part, description, uom, price in plant.TRANSMISSION:
        levels = {"min_units": 5, "max_units": 15} if uom == "M" else {}
        add(part, description, "transmission", price, uom=uom, **levels)
    for part, description, uom, price in plant.PNEUMATICS:
        levels = {"min_units": 25, "max_units": 100} if uom == "M" else {}
        add(part, description, "pneumatic", price, uom=uom, **levels)
    for part, description, uom, price in plant.FASTENERS:
        add(part, description, "fastener", price, uom=uom, min_units=50, max_units=200)
    return parts


def pick_list(text: str) -> list[tuple[str, str]]:
    """`"grease 1, alignment 1"` -> `[("grease", "1"), ("alignment", "1")]`."""
    return [(role, qty) for role, qty in (entry.split() for entry in text.split(","))]


def gtin13(reference: int) -> str:
    """A GTIN-13 under our imaginary company prefix, with its check digit."""
    body = f"{GTIN_PREFIX}{reference:05d}"
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(body))
    return body + str((10 - total % 10) % 10)


# --- refusing a file that is not fresh -------------------------------------------------------


def _not_fresh(where: str) -> AlreadyExists:
    return AlreadyExists(
        f"{where} already holds data; the demo plant is built only into a fresh file: "
        "delete it or pass --db NEW.db",
        where,
    )


def _refuse_unless_fresh(path: Path) -> None:
    """A missing or empty file is fresh; anything holding tables (or not SQLite) is not."""
    if not path.exists():
        return
    if path.is_file() and path.stat().st_size == 0:
        return
    try:
        uri = path.resolve().as_uri() + "?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.Error:
        tables = -1  # not a database at all: still not ours to overwrite
    if tables:
        raise _not_fresh(str(path))


def _remove(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        with suppress(FileNotFoundError):
            leftover.unlink()


# --- building ------------------------------------------------------------------------------


def build_demo(db: str | os.PathLike[str] | None = None, seed: int = 7) -> DemoPlant:
    """Build the demo plant into `db` (else STOREROOM_DB, else the default file).

    Refuses, changing nothing, when the target already holds data.
    """
    url = database_url(db)
    path = sqlite_path(url)
    made_here = path is not None and not path.exists()
    if path is not None:
        _refuse_unless_fresh(path)
    store = Storeroom.open(url, terminal="")
    try:
        holds_settings = path is None and store.is_initialised()
        if holds_settings and store.read(lambda session: catalog.count_rows(session, Setting)):
            raise _not_fresh(store.location)
        store.init()
        builder = _Builder(store, random.Random(seed), ledger.today())
        builder.build()
        demo_costs.add_costs(store)
        counts = store.read(_counts)
        location = store.location
    except BaseException:
        store.close()
        if made_here and path is not None:
            _remove(path)
        raise
    store.close()
    badges = [(ADMIN_BADGE, "admin")] + [(badge, role) for badge, _, role in plant.USERS]
    return DemoPlant(location, badges, counts)


def _counts(session: Session) -> dict[str, int]:
    tables: dict[str, type] = {
        "users": User,
        "assets": Asset,
        "items": Item,
        "lots": Lot,
        "serials": Serial,
        "work_orders": WorkOrder,
        "demand_lines": DemandLine,
        "reservations": Reservation,
        "movements": Movement,
    }
    bins = session.execute(select(Location.id).where(Location.kind == LocationKind.BIN)).all()
    counts = {"bins": len(bins)}
    counts.update({name: catalog.count_rows(session, model) for name, model in tables.items()})
    return counts


@dataclass
class _People:
    clerks: list[Actor]
    technicians: list[Actor]
    supervisor: Actor
    planner: Actor


@dataclass
class _PlannedWorkOrder:
    status: Status
    age: int  # days since it was requested
    machine: tuple[str, str, str, str, int]
    task: tuple[str, str, str]  # type, title, pick list
    order: int


# how long ago work orders in each status were raised: (fewest days, most days)
_AGES: dict[Status, tuple[int, int]] = {
    Status.CLOSED: (15, 75),
    Status.CANCELLED: (3, 60),
    Status.COMPLETED: (2, 12),
    Status.IN_PROGRESS: (0, 10),
    Status.ON_HOLD: (5, 30),
    Status.POSTPONED: (5, 40),
    Status.SCHEDULED: (1, 14),
    Status.APPROVED: (1, 12),
    Status.REQUESTED: (0, 8),
}
# how many of each, before a little seeded jitter
_HOW_MANY: dict[Status, int] = {
    Status.CLOSED: 22,
    Status.COMPLETED: 9,
    Status.IN_PROGRESS: 13,
    Status.SCHEDULED: 11,
    Status.APPROVED: 9,
    Status.REQUESTED: 10,
    Status.ON_HOLD: 6,
    Status.POSTPONED: 5,
    Status.CANCELLED: 6,
}


class _Builder:
    """Builds the plant in three transactions after `init`: master data, stock, work orders."""

    def __init__(self, store: Storeroom, rng: random.Random, today: date) -> None:
        self.store = store
        self.rng = rng
        self.today = today
        self.parts = catalogue()
        self.spec = {p.part: p for p in self.parts}
        self.wip_id = 0
        self.reversals = 0
        self.damaged: set[tuple[str, str]] = set()  # (WO, part) where one broke: none back
        # what comes back unused: mostly new, now and then opened, doubtful or damaged
        self.conditions = itertools.cycle(("new", "inspect", "new", "opened", "rejected"))

    def build(self) -> None:
        run = self.store.db.run
        self.profiles = self._profiles()
        run(self._master_data)
        run(self._opening_stock)
        run(self._work_orders)
        demo_purchasing.add_purchasing(self.store, self.rng, self.today)  # vendors and POs

    # --- people, bins, items, assets ----------------------------------------------------

    def _master_data(self, session: Session) -> None:
        admin = catalog.actor_for(session, ADMIN_BADGE)
        for badge, name, role in plant.USERS:
            catalog.add_user(session, admin, badge, name, role)
        for warehouse, aisles in plant.WAREHOUSES.items():
            for aisle in aisles:
                for bay in range(1, plant.BAYS[aisle] + 1):
                    for level in range(1, plant.LEVELS + 1):
                        catalog.add_bin(
                            session, admin, f"{warehouse}/{aisle}-{bay:02d}-{level:02d}"
                        )
        reference = 0
        for number, spec in enumerate(self.parts, start=1):
            item = catalog.add_item(
                session,
                admin,
                spec.part,
                spec.description,
                uom=spec.uom,
                kind=spec.kind,
                tracking=spec.tracking,
                critical=spec.critical,
                min_qty=spec.min_units * MILLI,
                max_qty=spec.max_units * MILLI,
                barcodes=[f"{LABEL_PREFIX}{number:05d}"],
            )
            bought_in = spec.category not in ("tool", "fastener", "critical")
            if bought_in and self.rng.random() < 0.55:
                reference += 1
                catalog.add_barcode(session, item, gtin13(reference), source="gtin")
        site_tag, site_name, site_cc = plant.SITE
        catalog.add_asset(session, admin, site_tag, site_name, None, site_cc, 1)
        for tag, name, cost_centre in plant.BUILDINGS:
            catalog.add_asset(session, admin, tag, name, site_tag, cost_centre, 2)
        centre = {}
        for tag, name, building, cost_centre in plant.LINES:
            catalog.add_asset(session, admin, tag, name, building, cost_centre, 2)
            centre[tag] = cost_centre
        for tag, name, line, _kind, criticality in plant.MACHINES:
            catalog.add_asset(session, admin, tag, name, line, centre[line], criticality)

    # --- opening stock -------------------------------------------------------------------

    def _bins_by_aisle(self, session: Session) -> dict[str, list[str]]:
        aisles: dict[str, list[str]] = {}
        for location in catalog.list_bins(session):
            aisle = location.code.partition("/")[2].partition("-")[0]
            aisles.setdefault(aisle, []).append(location.code)
        return aisles

    def _price(self, spec: PartSpec) -> int:
        """This delivery's price: the list price give or take a few percent."""
        return max(1, spec.cost * self.rng.randint(92, 108) // 100)

    def _units_on_hand(self, spec: PartSpec) -> int:
        roll = self.rng.random()
        if roll < 0.05:
            return 0  # out of stock
        if roll < 0.17 and spec.min_units > 1:
            return self.rng.randint(1, spec.min_units - 1)  # below min: due for reorder
        return self.rng.randint(max(spec.min_units, 1), max(spec.max_units, 1))

    def _opening_stock(self, session: Session) -> None:
        clerk = catalog.actor_for(session, plant.USERS[0][0])
        aisles = self._bins_by_aisle(session)
        by_category: dict[str, list[PartSpec]] = {}
        for spec in self.parts:
            by_category.setdefault(spec.category, []).append(spec)
        home: dict[str, str] = {}
        for category, specs in by_category.items():
            shelves = aisles[plant.AISLE_OF[category]]
            for index, spec in enumerate(specs):
                home[spec.part] = shelves[index * len(shelves) // len(specs)]
        # fast movers are also kept in the north store
        bulk = [
            s.part
            for s in self.parts
            if s.category in ("bearing", "seal", "belt", "electrical", "fastener") and s.uom == "EA"
        ]
        second = self.rng.sample(bulk, 16)
        soon = set(
            self.rng.sample([s.part for s in self.parts if s.shelf_life], 5)
        )  # some lots expire within the month
        # a few bearings the machines take are out of stock; their twins stand in
        fitted = sorted({part for profile in self.profiles.values() for part in profile.values()})
        scarce = set(self.rng.sample([p for p in fitted if self._substitutes(p)], 4))
        stand_ins = {self._substitutes(part)[0] for part in scarce}
        serials_taken: set[str] = set()

        def receive(spec: PartSpec, units: int, bin_code: str, **more: object) -> None:
            ledger.receive(
                session,
                clerk,
                spec.part,
                units * MILLI,
                bin_code,
                unit_cost=self._price(spec),
                reason=OPENING_STOCK,
                **more,  # type: ignore[arg-type]
            )

        for spec in self.parts:
            if spec.tracking == "lot":
                self._receive_lots(spec, home[spec.part], spec.part in soon, receive)
                continue
            units = spec.held if spec.kind == "tool" else self._units_on_hand(spec)
            if spec.part in scarce:
                units = 0
            elif spec.part in stand_ins:
                units = max(units, spec.max_units)
            if units <= 0:
                continue
            if spec.serialised:
                serials = []
                while len(serials) < units:
                    serial = f"{spec.serial_prefix}{self.rng.randint(10000000, 99999999)}"
                    if serial not in serials_taken:
                        serials_taken.add(serial)
                        serials.append(serial)
                receive(spec, units, home[spec.part], serial_nos=serials)
            else:
                receive(spec, units, home[spec.part])
        for part in second:
            spec = self.spec[part]
            units = self.rng.randint(max(spec.min_units // 2, 1), max(spec.min_units, 2))
            receive(spec, units, self.rng.choice(aisles["N"]))

    def _receive_lots(
        self,
        spec: PartSpec,
        bin_code: str,
        expiring_soon: bool,
        receive: Callable[..., None],
    ) -> None:
        lots = self.rng.choice((1, 2, 2, 3))
        if self.rng.random() < 0.06 and not expiring_soon:
            return  # out of stock
        taken: set[str] = set()
        for index in range(lots):
            lot_no = ""
            while not lot_no or lot_no in taken:
                letter = "ABCDEFGHJKLMNPRSTUVWXY"[self.rng.randrange(22)]
                lot_no = f"{self.rng.randint(22, 25)}{letter}{self.rng.randint(1000, 9999)}"
            taken.add(lot_no)
            expiry = None
            if spec.shelf_life:
                if index == 0 and expiring_soon:
                    days = self.rng.randint(4, 28)
                else:
                    days = self.rng.randint(spec.shelf_life // 4, spec.shelf_life)
                expiry = self.today + timedelta(days=days)
            receive(spec, spec.receipt_units, bin_code, lot_no=lot_no, expiry=expiry)

    # --- work orders --------------------------------------------------------------------

    def _people(self, session: Session) -> _People:
        actors = {badge: catalog.actor_for(session, badge) for badge, _, _ in plant.USERS}
        by_role: dict[str, list[Actor]] = {}
        for badge, _, role in plant.USERS:
            by_role.setdefault(role, []).append(actors[badge])
        return _People(
            clerks=by_role["clerk"],
            technicians=by_role["technician"],
            supervisor=by_role["supervisor"][0],
            planner=by_role["planner"][0],
        )

    def _profiles(self) -> dict[str, dict[str, str]]:
        """Each machine's own parts: which bearing, seal, belt, drive... it takes."""
        names = [p.part for p in self.parts]
        candidates = {
            role: [name for pattern in patterns for name in fnmatch.filter(names, pattern)]
            for role, patterns in plant.ROLES.items()
        }
        profiles: dict[str, dict[str, str]] = {}
        for tag, _name, _line, kind, _criticality in plant.MACHINES:
            profile: dict[str, str] = {}
            for _type, _title, pick in plant.TASKS[kind]:
                for role, _qty in pick_list(pick):
                    if role not in profile:
                        profile[role] = self.rng.choice(candidates[role])
            profiles[tag] = profile
        return profiles

    def _plan(self) -> list[_PlannedWorkOrder]:
        planned: list[_PlannedWorkOrder] = []
        seen: set[tuple[str, str]] = set()
        for status, how_many in _HOW_MANY.items():
            for _ in range(how_many + self.rng.randint(-1, 2)):
                low, high = _AGES[status]
                for _attempt in range(12):
                    machine = self.rng.choice(plant.MACHINES)
                    task = self.rng.choice(plant.TASKS[machine[3]])
                    if (machine[0], task[1]) not in seen:
                        break
                seen.add((machine[0], task[1]))
                planned.append(
                    _PlannedWorkOrder(
                        status, self.rng.randint(low, high), machine, task, len(planned)
                    )
                )
        # numbered in the order they were raised: the oldest first
        planned.sort(key=lambda p: (-p.age, p.order))
        return planned

    def _work_orders(self, session: Session) -> None:
        self.session = session
        self.people = self._people(session)
        self.wip_id = catalog.virtual_location(session, LocationKind.WIP).id or 0
        self.part_of = {i: part for i, part in session.execute(select(Item.id, Item.part_number))}
        for planned in self._plan():
            self._work_order(planned)

    def _due(self, planned: _PlannedWorkOrder, wo_type: str) -> tuple[date, int]:
        lead = {"EM": (0, 1), "CM": (3, 14), "PM": (7, 28), "INSP": (7, 21)}[wo_type]
        due = self.today - timedelta(days=planned.age) + timedelta(days=self.rng.randint(*lead))
        priority = {
            "EM": 1,
            "CM": self.rng.choice((2, 2, 3)),
            "PM": self.rng.choice((3, 3, 4)),
            "INSP": self.rng.choice((3, 4, 4)),
        }[wo_type]
        if planned.machine[4] == 1 and priority > 2:
            priority -= 1
        return due, priority

    def _work_order(self, planned: _PlannedWorkOrder) -> None:
        session, rng, people = self.session, self.rng, self.people
        tag, name, _line, _kind, _criticality = planned.machine
        wo_type, title, pick = planned.task
        due, priority = self._due(planned, wo_type)
        technician = rng.choice(people.technicians)
        status = planned.status
        creator = people.supervisor if wo_type == "EM" else people.planner
        work_order = workorders.create_work_order(
            session,
            creator,
            tag,
            title.format(name=name),
            wo_type=wo_type,
            priority=priority,
            due_date=due,
            assignee=technician.badge if status != Status.REQUESTED or rng.random() < 0.3 else None,
        )
        if status != Status.REQUESTED or rng.random() < 0.6:
            self._demand(work_order, tag, pick_list(pick))
        if status == Status.REQUESTED:
            return
        if status == Status.CANCELLED and rng.random() < 0.5:
            self._change(work_order, Status.CANCELLED, rng.choice(plant.CANCEL_REASONS))
            return
        self._change(work_order, Status.APPROVED, actor=people.supervisor)
        if status == Status.APPROVED:
            if rng.random() < 0.6:
                self._reserve(work_order)
            return
        if status == Status.CANCELLED:
            self._reserve(work_order)
            self._change(work_order, Status.CANCELLED, rng.choice(plant.CANCEL_REASONS))
            return
        if status != Status.POSTPONED or rng.random() < 0.5:
            self._schedule(work_order, due)
        self._reserve(work_order)
        if status == Status.SCHEDULED:
            return
        if status == Status.POSTPONED:
            self._change(
                work_order,
                Status.POSTPONED,
                rng.choice(plant.POSTPONE_REASONS),
                release_reservations=rng.random() < 0.4,
            )
            return
        if status == Status.ON_HOLD and rng.random() < 0.5:
            self._change(work_order, Status.ON_HOLD, rng.choice(plant.HOLD_REASONS))
            return
        self._change(work_order, Status.IN_PROGRESS, actor=technician)
        demo_costs.book_work(session, work_order, people.technicians, self.today)
        finishing = status in (Status.COMPLETED, Status.CLOSED)
        self._issue_lines(work_order, everything=finishing)
        if rng.random() < (0.35 if finishing else 0.25):
            self._extra(work_order)
        if status == Status.ON_HOLD:
            self._change(work_order, Status.ON_HOLD, rng.choice(plant.HOLD_REASONS))
            return
        if status == Status.IN_PROGRESS:
            if rng.random() < 0.2:
                self._return_one_unused(work_order, technician)
            if self.reversals < 2 and rng.random() < 0.3:
                self._mistaken_issue(work_order)
            return
        self._change(work_order, Status.COMPLETED, actor=technician)
        self._settle(work_order, technician, everything=status == Status.CLOSED)
        if status == Status.CLOSED:
            close_work_order(session, people.supervisor, work_order.number, "reconciled")

    # --- the steps, each done by the person whose job it is --------------------------------

    def _change(
        self,
        work_order: WorkOrder,
        to_status: Status,
        reason: str | None = None,
        actor: Actor | None = None,
        release_reservations: bool = False,
    ) -> None:
        workorders.change_status(
            self.session,
            actor or self.people.planner,
            work_order,
            to_status,
            reason,
            release_reservations=release_reservations,
        )

    def _schedule(self, work_order: WorkOrder, due: date) -> None:
        start = max(due - timedelta(days=self.rng.randint(0, 3)), self.today - timedelta(days=10))
        work_order.planned_start = start
        self.session.add(work_order)
        self._change(work_order, Status.SCHEDULED, f"planned to start {start.isoformat()}")

    def _demand(self, work_order: WorkOrder, tag: str, lines: list[tuple[str, str]]) -> None:
        profile = self.profiles[tag]
        for role, qty in lines:
            part = profile[role]
            spec = self.spec[part]
            workorders.add_demand_line(
                self.session,
                self.people.planner,
                work_order,
                part,
                parse_qty(qty),
                mandatory=spec.category not in ("tool", "lubricant"),
                substitutes=self._substitutes(part),
                operation="10" if spec.kind != "tool" else "00 tools",
            )

    def _substitutes(self, part: str) -> list[str]:
        """A ball bearing may be replaced by its better-sealed twin of the same size."""
        if not part.startswith("BRG-6"):
            return []
        for planned, twin in (("-2RS-C3", "-2RS"), ("-2RS", "-2RS-C3"), ("-ZZ", "-2RS")):
            if part.endswith(planned):
                substitute = part.removesuffix(planned) + twin
                return [substitute] if substitute in self.spec else []
        substitute = part + "-ZZ"  # an open bearing
        return [substitute] if substitute in self.spec else []

    def _reserve(self, work_order: WorkOrder) -> None:
        reservations.reserve_work_order(self.session, self.people.planner, work_order)

    def _free(self, part: str, line_id: int | None = None) -> int:
        item = catalog.find_item(self.session, part)
        return sum(s.free for s in reservations.sources(self.session, item.id, line_id))  # type: ignore[arg-type]

    def _serials_on_shelf(self, part: str, units: int, line_id: int) -> list[str]:
        """Serials to pick, from the bins this line has reserved first."""
        item = catalog.find_item(self.session, part)
        reserved_at = {r.location_id for r in reservations.open_reservations(self.session, line_id)}
        rows = self.session.execute(
            select(Serial.serial_no, Serial.location_id)
            .join(Location, Location.id == Serial.location_id)
            .where(
                Serial.item_id == item.id,
                Location.kind == LocationKind.BIN,
                Location.available.is_(True),  # type: ignore[attr-defined]
            )
            .order_by(Serial.serial_no)
        ).all()
        rows = sorted(rows, key=lambda row: row[1] not in reserved_at)
        return [serial_no for serial_no, _ in rows[:units]]

    def _issue(
        self, work_order: WorkOrder, part: str, qty: int, line_id: int, reason: str | None = None
    ) -> ledger.Posting:
        spec = self.spec[part]
        serials = None
        if spec.serialised:
            serials = self._serials_on_shelf(part, qty // MILLI, line_id)
        return counter.issue_to_line(
            self.session,
            self.rng.choice(self.people.clerks),
            work_order.number,
            part,
            qty,
            serial_nos=serials,
            reason=reason,
        )

    def _issue_lines(self, work_order: WorkOrder, everything: bool) -> None:
        """Issue what is reserved; a job under way has taken some of it so far."""
        assert work_order.id is not None
        for line in wip.position(self.session, work_order.id).lines:
            qty = line.reserved
            if qty <= 0:
                continue
            if not everything:
                roll = self.rng.random()
                if roll < 0.2:
                    continue
                if roll < 0.4:
                    step = MILLI if line.uom in ("EA", "SET") else MILLI // 2
                    qty = qty // 2 // step * step
                    if qty <= 0:
                        continue
            self._issue(work_order, line.part, qty, line.line_id)
        for line in wip.position(self.session, work_order.id).lines:
            spec = self.spec[line.part]
            # short: a sealed bearing's twin will do
            twins = self._substitutes(line.part)
            if line.shortage and twins and line.uom == "EA":
                free = self._free(twins[0]) // MILLI * MILLI
                qty = min(line.shortage // MILLI * MILLI, free)
                if qty > 0:
                    self._issue(
                        work_order,
                        twins[0],
                        qty,
                        line.line_id,
                        f"{line.part} out of stock; {twins[0]} is the same size",
                    )
            # one broke while fitting
            elif (
                everything
                and line.issued
                and not line.to_issue
                and spec.kind == "material"
                and not spec.serialised
                and line.uom == "EA"
                and self.rng.random() < 0.1
                and self._free(line.part, line.line_id) >= MILLI
            ):
                self._issue(work_order, line.part, MILLI, line.line_id, "one damaged while fitting")
                self.damaged.add((work_order.number, line.part))

    def _extra(self, work_order: WorkOrder) -> None:
        part, qty, reason = self.rng.choice(plant.EXTRAS)
        if self._free(part) >= parse_qty(qty):
            counter.issue_to_line(
                self.session,
                self.rng.choice(self.people.clerks),
                work_order.number,
                part,
                parse_qty(qty),
                reason=reason,
            )

    def _mistaken_issue(self, work_order: WorkOrder) -> None:
        """A clerk scans the wrong can, sees it on the screen and undoes it."""
        part = "CHM-PEN-400"
        if self._free(part) < MILLI:
            return
        clerk = self.rng.choice(self.people.clerks)
        posting = counter.issue_to_line(
            self.session, clerk, work_order.number, part, MILLI, reason="rust on the guard bolts"
        )
        ledger.reverse(self.session, clerk, posting.key, "wrong item scanned")
        self.reversals += 1

    def _in_wip_by_item(self, work_order: WorkOrder) -> list[tuple[str, int]]:
        assert work_order.id is not None
        out: dict[str, int] = {}
        for issue in wip.position(self.session, work_order.id).outstanding:
            part = self.part_of[issue.item_id]
            out[part] = out.get(part, 0) + issue.qty_out
        return list(out.items())

    def _serials_in_wip(self, work_order: WorkOrder, part: str) -> list[str]:
        item = catalog.find_item(self.session, part)
        return list(
            self.session.execute(
                select(Serial.serial_no)
                .where(
                    Serial.item_id == item.id,
                    Serial.wo_id == work_order.id,
                    Serial.location_id == self.wip_id,
                )
                .order_by(Serial.serial_no)
            ).scalars()
        )

    def _return_one_unused(self, work_order: WorkOrder, technician: Actor) -> None:
        for part, qty in self._in_wip_by_item(work_order):
            spec = self.spec[part]
            if spec.uom == "EA" and not spec.serialised and spec.kind != "tool" and qty >= 2000:
                counter.return_with_condition(
                    self.session, technician, work_order.number, part, MILLI, "new"
                )
                return

    def _settle(self, work_order: WorkOrder, technician: Actor, everything: bool) -> None:
        """Bring back what was not used and write off the rest; a closing WO settles all."""
        session, rng, supervisor = self.session, self.rng, self.people.supervisor
        number = work_order.number
        for part, qty in self._in_wip_by_item(work_order):
            spec = self.spec[part]
            if spec.kind == "tool":
                if everything or rng.random() < 0.6:
                    condition = "inspect" if rng.random() < 0.06 else "new"
                    serials = self._serials_in_wip(work_order, part) if spec.serialised else None
                    counter.return_with_condition(
                        session, technician, number, part, qty, condition, serial_nos=serials
                    )
                continue
            if not everything and rng.random() < 0.5:
                continue  # still to reconcile
            if spec.serialised:
                serials = self._serials_in_wip(work_order, part)
                if len(serials) > 1 and rng.random() < 0.3:
                    # one unit dead on arrival: back for inspection
                    counter.return_with_condition(
                        session, technician, number, part, MILLI, "inspect", serial_nos=serials[-1:]
                    )
                    serials = serials[:-1]
                counter.write_off(
                    session, supervisor, number, part, len(serials) * MILLI, serial_nos=serials
                )
                continue
            back, condition = 0, "new"
            # some of it comes back unused, unless one broke while fitting (all used then)
            if qty >= 2000 and (number, part) not in self.damaged:
                if spec.uom in ("EA", "SET") and rng.random() < 0.4:
                    back, condition = MILLI, next(self.conditions)
                elif spec.uom in ("L", "KG", "M") and rng.random() < 0.5:
                    back = qty // 3 // 500 * 500
                    condition = "new" if spec.uom == "M" else "opened"
            if back:
                counter.return_with_condition(session, technician, number, part, back, condition)
            if qty - back > 0:
                counter.write_off(session, supervisor, number, part, qty - back)
