"""The ledger cannot be broken: random storeroom days, and the rules checked after every post.

A hypothesis state machine drives receipts, work orders, status changes, reservations,
issues (over-issues too), returns in every condition, write-offs, reversals, replays and
closures on a real SQLite file. Refusals are welcome; a refusal that changed anything,
or any step after which the ledger disagrees with itself, is a bug.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func, select, text
from sqlmodel import Session

from models import Balance, Item, Location, LocationKind, Movement, Serial, WorkOrder
from storeroom_tui import catalog, counter, ledger, reconciliation, reservations, wip, workorders
from storeroom_tui.errors import DatabaseError, GateClosed, StoreroomError
from storeroom_tui.gates import Status
from storeroom_tui.service import Storeroom

PLAIN, LOTTED, SERIAL, TOOL = "BRG-6204", "FLT-1", "UPS-BAT", "TRQ-WR"
PARTS = (PLAIN, LOTTED, SERIAL, TOOL)
BINS = ("A-01-01", "A-01-02")
SERIAL_POOL = ("SN1", "SN2", "SN3", "SN4", "SN5")
FAR_EXPIRY = date(2099, 1, 31)
LOTS: tuple[tuple[str | None, date | None], ...] = (
    ("L1", FAR_EXPIRY),
    ("L2", None),
    (None, None),
)
UNIT = 1000

quantities = st.sampled_from([500, 1000, 1000, 2000, 3000, 7000])
parts = st.sampled_from(PARTS)
serial_picks = st.lists(st.sampled_from(SERIAL_POOL), min_size=1, max_size=2, unique=True)
wo_picks = st.integers(min_value=0, max_value=15)
pick_indexes = st.integers(min_value=0, max_value=3)
posting_kinds = st.sampled_from(["any", "receive", "issue", "return", "writeoff", "reversal"])


# --- services composed for the machine (each runs in one Storeroom.write) --------------------


def create_with_lines(
    session: Session,
    actor: Any,
    lines: list[tuple[str, int, tuple[str, ...]]],
    start: bool,
) -> str:
    work_order = workorders.create_work_order(session, actor, "PUMP-07", "Random repair")
    for part, qty, substitutes in lines:
        workorders.add_demand_line(session, actor, work_order, part, qty, substitutes=substitutes)
    if start:
        workorders.change_status(session, actor, work_order, "approved")
        workorders.change_status(session, actor, work_order, "in_progress")
    return work_order.number


def add_line(session: Session, actor: Any, number: str, part: str, qty: int) -> None:
    work_order = catalog.find_work_order(session, number)
    workorders.add_demand_line(session, actor, work_order, part, qty)


def change_status(
    session: Session, actor: Any, number: str, target: str, reason: str | None, release: bool
) -> str:
    work_order = catalog.find_work_order(session, number)
    return workorders.change_status(session, actor, work_order, target, reason, release).status


def reserve(session: Session, actor: Any, number: str) -> list[reservations.LineReservation]:
    work_order = catalog.find_work_order(session, number)
    return reservations.reserve_work_order(session, actor, work_order)


def settle_everything(
    session: Session, actor: Any, number: str
) -> list[tuple[Any, tuple[Any, ...], dict[str, Any], ledger.Posting]]:
    """Write off what was used and bring the tools back, so the WO can close."""
    work_order = catalog.find_work_order(session, number)
    assert work_order.id is not None
    done = []
    for issue in wip.position(session, work_order.id).outstanding:
        item = session.get(Item, issue.item_id)
        assert item is not None
        serial = session.get(Serial, issue.serial_id) if issue.serial_id else None
        kwargs: dict[str, Any] = {"serial_nos": [serial.serial_no] if serial else None}
        kwargs["key"] = ledger.new_key()
        if item.kind == "tool":
            service: Any = counter.return_with_condition
            args: tuple[Any, ...] = (number, item.part_number, issue.qty_out, "new")
        else:
            service, args = counter.write_off, (number, item.part_number, issue.qty_out)
        done.append((service, args, kwargs, service(session, actor, *args, **kwargs)))
    return done


# --- the plant every example starts from ------------------------------------------------------


@cache
def template_db() -> Path:
    """A storeroom file with two bins, one item of each kind and some stock, built once."""
    folder = Path(tempfile.mkdtemp(prefix="storeroom-template-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "template.db"
    room = Storeroom.open(str(path), terminal="")
    room.init()
    room.sign_in("ADMIN")
    for code in BINS:
        room.write(catalog.add_bin, code, "MAIN")
    room.write(catalog.add_item, PLAIN, "Bearing 6204")
    room.write(catalog.add_item, LOTTED, "Oil filter", tracking="lot")
    room.write(catalog.add_item, SERIAL, "UPS battery", tracking="serial", critical=True)
    room.write(catalog.add_item, TOOL, "Torque wrench", kind="tool")
    room.write(catalog.add_asset, "PUMP-07", "Cooling pump 7", None, "CC-100")
    room.write(ledger.receive, PLAIN, 10 * UNIT, BINS[0], unit_cost=500)
    room.write(ledger.receive, LOTTED, 5 * UNIT, BINS[0], "L1", FAR_EXPIRY, unit_cost=300)
    room.write(ledger.receive, SERIAL, 2 * UNIT, BINS[1], serial_nos=["SN1", "SN2"])
    room.write(ledger.receive, TOOL, 2 * UNIT, BINS[0], unit_cost=8000)
    # two jobs under way (reserved and started) and one approved: work starts at step one
    lines = [(PLAIN, 3 * UNIT, ()), (LOTTED, 2 * UNIT, ()), (SERIAL, UNIT, ()), (TOOL, UNIT, ())]
    for start in (True, True, False):
        number = room.write(create_with_lines, lines if start else lines[:2], start)
        if not start:
            room.write(change_status, number, "approved", None, False)
        room.write(reserve, number)
    room.close()  # the last connection closing folds the WAL back into the file
    assert not Path(f"{path}-wal").exists()
    return path


TEMPLATE_RECEIVED = {PLAIN: 10 * UNIT, LOTTED: 5 * UNIT, SERIAL: 2 * UNIT, TOOL: 2 * UNIT}
TEMPLATE_WORK_ORDERS = ["WO-000001", "WO-000002", "WO-000003"]


def outstanding_on(session: Session, number: str) -> list[tuple[str, int, str | None]]:
    """(part, quantity still out, serial) for every issue of the WO not yet settled."""
    work_order = catalog.find_work_order(session, number)
    found = []
    for issue in wip.position(session, work_order.id).outstanding:  # type: ignore[arg-type]
        item = session.get(Item, issue.item_id)
        serial = session.get(Serial, issue.serial_id) if issue.serial_id else None
        assert item is not None
        found.append((item.part_number, issue.qty_out, serial.serial_no if serial else None))
    return found


def still_to_issue(session: Session, number: str) -> list[tuple[str, int]]:
    work_order = catalog.find_work_order(session, number)
    lines = wip.position(session, work_order.id).lines  # type: ignore[arg-type]
    return [(line.part, line.to_issue) for line in lines]


def serials_on_shelves(session: Session) -> list[str]:
    return list(
        session.execute(
            select(Serial.serial_no)
            .join(Location, Location.id == Serial.location_id)
            .where(Location.kind == LocationKind.BIN)
            .order_by(Serial.serial_no)
        ).scalars()
    )


def work_orders_at_work(session: Session, completed: bool = True) -> list[str]:
    at_work = (Status.IN_PROGRESS, Status.COMPLETED) if completed else (Status.IN_PROGRESS,)
    return list(
        session.execute(
            select(WorkOrder.number).where(WorkOrder.status.in_(at_work))  # type: ignore[attr-defined]
        ).scalars()
    )


# --- what the database says, read in one transaction --------------------------------------


def snapshot(session: Session) -> tuple[Any, ...]:
    """Every row a refusal must leave untouched."""

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in session.execute(text(sql)).all()]

    return (
        rows("SELECT count(*) FROM movement"),
        rows("SELECT item_id, location_id, lot_id, serial_id, qty FROM balance ORDER BY 1,2,3,4"),
        rows("SELECT id, qty, supplied_qty, status FROM reservation ORDER BY id"),
        rows("SELECT number, status FROM work_order ORDER BY id"),
        rows("SELECT id, planned_qty FROM demand_line ORDER BY id"),
        rows("SELECT id, location_id, wo_id FROM serial ORDER BY id"),
        rows("SELECT id, expiry FROM lot ORDER BY id"),
        rows("SELECT id, avg_cost FROM item ORDER BY id"),
    )


@dataclass
class Facts:
    differences: list[ledger.BalanceDifference]
    problems: list[str]
    movement_count: int
    negative: list[tuple[str, str, int]]
    item_totals: dict[str, int]
    supplier: dict[str, int]
    wip_balance: dict[str, int]
    work_orders: list[tuple[str, str, wip.Position]]
    part_of: dict[int, str]
    serials: list[tuple[str, str, str, int | None, dict[str, int]]]


def gather(session: Session) -> Facts:
    differences, problems = ledger.check(session)
    part_of = dict(session.execute(select(Item.id, Item.part_number)).all())
    code_of = dict(session.execute(select(Location.id, Location.code)).all())
    kind_of = dict(session.execute(select(Location.id, Location.kind)).all())
    negative = [
        (part_of[i], code_of[loc], qty)
        for i, loc, qty in session.execute(
            select(Balance.item_id, Balance.location_id, Balance.qty)
            .join(Location, Location.id == Balance.location_id)
            .where(Location.physical.is_(True), Balance.qty < 0)  # type: ignore[attr-defined]
        ).all()
    ]
    totals = {part: 0 for part in part_of.values()}
    supplier = {part: 0 for part in part_of.values()}
    wip_balance = {part: 0 for part in part_of.values()}
    for item_id, location_id, qty in session.execute(
        select(Balance.item_id, Balance.location_id, func.sum(Balance.qty)).group_by(
            Balance.item_id, Balance.location_id
        )
    ).all():
        part = part_of[item_id]
        totals[part] += int(qty)
        if kind_of[location_id] == LocationKind.SUPPLIER:
            supplier[part] += int(qty)
        if kind_of[location_id] == LocationKind.WIP:
            wip_balance[part] += int(qty)
    work_orders = [
        (wo.number, wo.status, wip.position(session, wo.id))  # type: ignore[arg-type]
        for wo in session.execute(select(WorkOrder).order_by(WorkOrder.id)).scalars()
    ]
    held: dict[int, dict[str, int]] = {}
    for serial_id, location_id, qty in session.execute(
        select(Balance.serial_id, Balance.location_id, Balance.qty).where(
            Balance.serial_id != 0, Balance.qty > 0
        )
    ).all():
        held.setdefault(serial_id, {})[code_of[location_id]] = int(qty)
    serials = []
    for serial in session.execute(select(Serial).order_by(Serial.id)).scalars():
        where = serial.location_id
        holding = held.get(serial.id or 0, {})
        serials.append((serial.serial_no, code_of[where], kind_of[where], serial.wo_id, holding))
    count = session.execute(select(func.count()).select_from(Movement)).scalar_one()
    return Facts(
        differences,
        problems,
        int(count),
        negative,
        totals,
        supplier,
        wip_balance,
        work_orders,
        part_of,
        serials,
    )


# --- what the machine found, pinned down -------------------------------------------------------


def test_undoing_an_issue_never_reserves_more_than_is_still_to_issue(plant: Any) -> None:
    """Reserve 2, issue them, over-issue 1 more, undo the first issue: 1 to issue, 1 reserved."""
    store = plant.store
    number = plant.wo_in_progress({"SEAL-9": "2"})
    store.write(reserve, number)
    first = store.write(counter.issue_to_line, number, "SEAL-9", 2 * UNIT)
    store.write(counter.issue_to_line, number, "SEAL-9", UNIT, reason="a second seal tore")
    store.write(ledger.reverse, first.key, "scanned twice")

    def line_of(session: Session) -> wip.LinePosition:
        work_order = catalog.find_work_order(session, number)
        return wip.position(session, work_order.id).lines[0]  # type: ignore[arg-type]

    line = store.read(line_of)
    assert (line.planned, line.issued, line.to_issue, line.reserved) == (2000, 1000, 1000, 1000)
    assert store.read(ledger.check) == ([], [])


def test_reversing_a_write_off_on_a_closed_work_order_is_refused(plant: Any) -> None:
    store = plant.store
    number = plant.wo_in_progress({"SEAL-9": "1"})
    store.write(counter.issue_to_line, number, "SEAL-9", UNIT)
    used = store.write(counter.write_off, number, "SEAL-9", UNIT)
    store.write(change_status, number, "completed", None, False)
    store.write(reconciliation.close_work_order, number)
    before = store.read(snapshot)
    with pytest.raises(GateClosed) as refused:
        store.write(ledger.reverse, used.key, "late correction")
    assert refused.value.code == "gate_closed"
    assert refused.value.message == (
        f"{number} is closed: return is allowed only when in_progress or completed"
    )
    assert store.read(snapshot) == before
    assert store.read(reconciliation.reconcile, number).blockers == []


# --- the machine ---------------------------------------------------------------------------


@dataclass
class Record:
    """A posting the machine made, enough to re-send it or to reverse it."""

    key: str
    kind: str
    part: str | None
    qty: int
    movements: int
    service: Any
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


@settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
class StoreroomDay(RuleBasedStateMachine):
    """A clerk, a planner and a supervisor (one admin badge) doing anything at random."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="storeroom-prop-"))
        self.store: Storeroom | None = None
        self.work_orders = list(TEMPLATE_WORK_ORDERS)
        self.postings: list[Record] = []
        self.received = dict(TEMPLATE_RECEIVED)
        self.expected_movements = 0

    @initialize()
    def open_the_storeroom(self) -> None:
        path = self.folder / "storeroom.db"
        shutil.copyfile(template_db(), path)
        self.store = Storeroom.open(str(path), terminal="")
        self.store.sign_in("ADMIN")
        self.expected_movements = self.store.read(gather).movement_count

    def teardown(self) -> None:
        if self.store is not None:
            self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------------

    @property
    def room(self) -> Storeroom:
        assert self.store is not None
        return self.store

    def attempt(self, service: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a service; a refusal must carry a code and a message and change nothing."""
        before = self.room.read(snapshot)
        try:
            return self.room.write(service, *args, **kwargs)
        except DatabaseError:
            raise  # the database refusing is never a business answer
        except StoreroomError as error:
            assert error.code and error.code != "storeroom_error", error
            assert error.message, error.code
            after = self.room.read(snapshot)
            assert after == before, f"refusal {error.code} ({error.message}) changed rows"
            event(f"{getattr(service, '__name__', 'service')} refused: {error.code}")
            return None

    def post(
        self, kind: str, part: str | None, service: Any, *args: Any, **kwargs: Any
    ) -> ledger.Posting | None:
        key = ledger.new_key()
        posting = self.attempt(service, *args, key=key, **kwargs)
        if posting is None:
            return None
        assert not posting.replayed, f"fresh key {key} answered as a replay"
        assert posting.movements, f"{kind} posted no movement"
        event(f"{kind} posted")
        self.expected_movements += len(posting.movements)
        qty = sum(m.qty for m in posting.movements)
        self.postings.append(
            Record(key, kind, part, qty, len(posting.movements), service, args, kwargs)
        )
        return posting

    def pick_wo(self, index: int, busy: bool = False, completed: bool = True) -> str:
        """Any WO; when `busy`, one in progress (or completed) if there is one."""
        candidates = self.work_orders
        if busy:
            at_work = set(self.room.read(work_orders_at_work, completed))
            candidates = [n for n in candidates if n in at_work] or candidates
        return candidates[index % len(candidates)]

    # --- rules -----------------------------------------------------------------------------

    @rule(
        part=parts,
        qty=quantities,
        bin_code=st.sampled_from(BINS),
        lot=st.sampled_from(LOTS),
        serials=serial_picks,
        unit_cost=st.sampled_from([None, 150, 500, 12000]),
    )
    def receive(
        self,
        part: str,
        qty: int,
        bin_code: str,
        lot: tuple[str | None, date | None],
        serials: list[str],
        unit_cost: int | None,
    ) -> None:
        lot_no, expiry = lot if part == LOTTED else (None, None)
        serial_nos = serials if part == SERIAL else None
        if part == SERIAL:
            qty = UNIT * len(serials)
        posting = self.post(
            "receive",
            part,
            ledger.receive,
            part,
            qty,
            bin_code,
            lot_no,
            expiry,
            serial_nos=serial_nos,
            unit_cost=unit_cost,
        )
        if posting is not None:
            assert sum(m.qty for m in posting.movements) == qty
            self.received[part] += qty

    @rule(
        lines=st.lists(st.tuples(parts, quantities, st.booleans()), min_size=1, max_size=3),
        start=st.booleans(),
    )
    def create_work_order(self, lines: list[tuple[str, int, bool]], start: bool) -> None:
        """Lines may allow a substitute: the tool for any part, the bearing for the tool."""
        planned = [
            (part, qty, ((TOOL if part != TOOL else PLAIN),) if substitute else ())
            for part, qty, substitute in lines
        ]
        number = self.attempt(create_with_lines, planned, start)
        if number is not None:
            self.work_orders.append(number)

    @precondition(lambda self: self.work_orders)
    @rule(wo=wo_picks, part=parts, qty=quantities)
    def add_demand_line(self, wo: int, part: str, qty: int) -> None:
        self.attempt(add_line, self.pick_wo(wo), part, qty)

    @precondition(lambda self: self.work_orders)
    @rule(
        wo=wo_picks,
        to_status=st.sampled_from([s.value for s in Status]),
        reason=st.sampled_from([None, "waiting for parts"]),
        release=st.booleans(),
    )
    def change_status(self, wo: int, to_status: str, reason: str | None, release: bool) -> None:
        self.attempt(change_status, self.pick_wo(wo), to_status, reason, release)

    @precondition(lambda self: self.work_orders)
    @rule(wo=wo_picks, busy=st.booleans())
    def reserve(self, wo: int, busy: bool) -> None:
        self.attempt(reserve, self.pick_wo(wo, busy))

    def post_issue(
        self,
        number: str,
        part: str,
        qty: int,
        bin_code: str | None,
        lot_no: str | None,
        serial_nos: list[str] | None,
        reason: str | None,
    ) -> None:
        posting = self.post(
            "issue",
            part,
            counter.issue_to_line,
            number,
            part,
            qty,
            bin_code,
            lot_no,
            serial_nos,
            reason,
        )
        if posting is not None:
            assert sum(m.qty for m in posting.movements) == qty
            assert {m.target for m in posting.movements} == {"WIP"}

    @precondition(lambda self: self.work_orders)
    @rule(
        wo=wo_picks,
        part=parts,
        qty=quantities,
        bin_code=st.sampled_from([None, *BINS]),
        lot_no=st.sampled_from([None, None, "L1", "L2"]),
        serials=serial_picks,
        reason=st.sampled_from([None, "extra for the second seal"]),
    )
    def issue(
        self,
        wo: int,
        part: str,
        qty: int,
        bin_code: str | None,
        lot_no: str | None,
        serials: list[str],
        reason: str | None,
    ) -> None:
        """Anything to any WO: most of these are refused."""
        serial_nos = None
        if part == SERIAL:
            serial_nos, qty = serials, UNIT * len(serials)
        lot = lot_no if part == LOTTED else None
        self.post_issue(self.pick_wo(wo), part, qty, bin_code, lot, serial_nos, reason)

    @precondition(lambda self: self.work_orders)
    @rule(wo=pick_indexes, line=pick_indexes, qty=quantities, over=st.booleans())
    def issue_from_the_pick_list(self, wo: int, line: int, qty: int, over: bool) -> None:
        """What a WO in progress still needs, or (`over`, with a reason) more than planned."""
        number = self.pick_wo(wo, busy=True, completed=False)
        wanted = [
            (part, to_issue)
            for part, to_issue in self.room.read(still_to_issue, number)
            if to_issue > 0 or over
        ]
        if not wanted:
            return
        part, to_issue = wanted[line % len(wanted)]
        serial_nos = None
        if part == SERIAL:
            serial_nos, qty = self.room.read(serials_on_shelves)[:1], UNIT
        elif not over:
            qty = min(qty, to_issue)
        reason = "a second seal tore" if over else None
        self.post_issue(number, part, qty, None, None, serial_nos, reason)

    def settling(
        self, wo: int, part: str, qty: int, serials: list[str], aim: bool, pick: int
    ) -> tuple[str, str, int, list[str] | None]:
        """What a return or write-off names: at random, or aimed at something still out."""
        number = self.pick_wo(wo, aim)
        out = self.room.read(outstanding_on, number) if aim else []
        if out:
            part, qty_out, serial_no = out[pick % len(out)]
            if serial_no is not None:
                return number, part, UNIT, [serial_no]
            return number, part, min(qty, qty_out), None
        if part == SERIAL:
            return number, part, UNIT * len(serials), serials
        return number, part, qty, None

    @precondition(lambda self: self.work_orders)
    @rule(
        wo=wo_picks,
        part=parts,
        qty=quantities,
        condition=st.sampled_from(["new", "opened", "inspect", "rejected", "broken"]),
        bin_code=st.sampled_from([None, *BINS]),
        serials=serial_picks,
        aim=st.booleans(),
        pick=pick_indexes,
    )
    def return_with_condition(
        self,
        wo: int,
        part: str,
        qty: int,
        condition: str,
        bin_code: str | None,
        serials: list[str],
        aim: bool,
        pick: int,
    ) -> None:
        number, part, qty, serial_nos = self.settling(wo, part, qty, serials, aim, pick)
        posting = self.post(
            "return",
            part,
            counter.return_with_condition,
            number,
            part,
            qty,
            condition,
            bin_code,
            serial_nos,
        )
        if posting is not None:
            assert sum(m.qty for m in posting.movements) == qty
            expected = {"inspect": {"QUARANTINE"}, "rejected": {"SCRAP"}}.get(condition)
            if expected is not None:
                assert {m.target for m in posting.movements} == expected

    @precondition(lambda self: self.work_orders)
    @rule(
        wo=wo_picks,
        part=parts,
        qty=quantities,
        serials=serial_picks,
        aim=st.booleans(),
        pick=pick_indexes,
    )
    def write_off(
        self, wo: int, part: str, qty: int, serials: list[str], aim: bool, pick: int
    ) -> None:
        number, part, qty, serial_nos = self.settling(wo, part, qty, serials, aim, pick)
        posting = self.post("writeoff", part, counter.write_off, number, part, qty, serial_nos)
        if posting is not None:
            assert part != TOOL, "a tool was written off"
            assert sum(m.qty for m in posting.movements) == qty
            assert {m.target for m in posting.movements} == {"CONSUMED"}

    def recent(self, kind: str, back: int) -> Record:
        """The `back`-th latest posting of a kind ("any" for any kind)."""
        chosen = [r for r in self.postings if kind in ("any", r.kind)] or self.postings
        return chosen[-min(back, len(chosen))]

    @precondition(lambda self: self.postings)
    @rule(back=st.integers(min_value=1, max_value=3), kind=posting_kinds)
    def reverse_a_recent_posting(self, back: int, kind: str) -> None:
        original = self.recent(kind, back)
        posting = self.post("reversal", original.part, ledger.reverse, original.key, "mistake")
        if posting is not None:
            event(f"reversal of {original.kind} posted")
            assert original.kind != "reversal", "a reversal was reversed"
            assert len(posting.movements) == original.movements
            if original.kind == "receive" and original.part is not None:
                self.received[original.part] -= original.qty

    @precondition(lambda self: self.postings)
    @rule(back=st.integers(min_value=1, max_value=5), kind=posting_kinds)
    def resend_a_posted_key(self, back: int, kind: str) -> None:
        """The scanner double-fires: the same key again posts nothing and answers the same."""
        original = self.recent(kind, back)
        before = self.room.read(snapshot)
        try:
            posting = self.room.write(
                original.service, *original.args, key=original.key, **original.kwargs
            )
        except StoreroomError as error:  # pragma: no cover - the key must answer first
            raise AssertionError(f"re-sent key {original.key} refused: {error.message}") from error
        assert posting.replayed
        assert posting.key == original.key
        assert len(posting.movements) == original.movements
        assert self.room.read(snapshot) == before

    @precondition(lambda self: self.work_orders)
    @rule(wo=wo_picks, settle=st.booleans(), busy=st.booleans())
    def complete_and_close(self, wo: int, settle: bool, busy: bool) -> None:
        number = self.pick_wo(wo, busy)
        if settle:
            for service, args, kwargs, posting in self.attempt(settle_everything, number) or []:
                key = kwargs.pop("key")
                kind = "return" if service is counter.return_with_condition else "writeoff"
                count = len(posting.movements)
                self.expected_movements += count
                self.postings.append(
                    Record(key, kind, args[1], args[2], count, service, args, kwargs)
                )
        self.attempt(change_status, number, "completed", None, False)
        summary = self.attempt(reconciliation.close_work_order, number)
        if summary is not None:
            event("closed")
            assert summary.status == Status.CLOSED
            assert not summary.blockers

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def the_ledger_holds(self) -> None:
        if self.store is None:
            return
        facts = self.room.read(gather)
        assert facts.differences == [], facts.differences
        assert facts.problems == [], facts.problems
        assert facts.negative == [], f"negative stock: {facts.negative}"
        assert facts.movement_count == self.expected_movements
        for part, total in facts.item_totals.items():
            assert total == 0, f"{part}: balances sum to {total}, not 0"
            assert facts.supplier[part] == -self.received[part], part
        in_wip_by_part = {part: 0 for part in facts.item_totals}
        for number, status, position in facts.work_orders:
            for issue in position.outstanding:  # a substitute sits on another item's line
                in_wip_by_part[facts.part_of[issue.item_id]] += issue.qty_out
            for line in position.lines:
                assert line.in_wip >= 0, (number, line)
                assert line.reserved >= 0, (number, line)
                assert line.reserved <= line.to_issue, (
                    f"{number} line {line.line_no} {line.part}: {line.reserved} reserved "
                    f"but only {line.to_issue} still to issue"
                )
                if status in (Status.CLOSED, Status.CANCELLED):
                    assert line.reserved == 0, f"{number} is {status} and keeps reservations"
            if status == Status.CLOSED:
                assert position.in_wip == 0, f"{number} is closed with {position.in_wip} in WIP"
                assert position.outstanding == [], number
            if status == Status.CANCELLED:
                assert position.in_wip == 0, f"{number} is cancelled with parts in WIP"
        assert in_wip_by_part == facts.wip_balance
        for serial_no, where, kind, wo_id, held in facts.serials:
            expected = {} if kind == LocationKind.SUPPLIER else {where: UNIT}
            assert held == expected, f"serial {serial_no} is at {where} but held {held}"
            assert (wo_id is not None) == (kind == LocationKind.WIP), serial_no


TestStoreroomDay = StoreroomDay.TestCase
