"""Many terminals on one SQLite file: nothing lost, nothing counted twice, nothing half there.

Every worker is a separate interpreter (multiprocessing 'spawn') running
`tests/workers/poster.py` against the very file the `plant` fixture built.
"""

from __future__ import annotations

import multiprocessing
import random
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models import Balance, Movement
from storeroom_tui import catalog, ledger, wip
from storeroom_tui.quantities import parse_qty
from storeroom_tui.service import Storeroom
from tests.workers import poster

# the same terminals on PostgreSQL too: `db_path` is then a fresh schema's URL
pytestmark = pytest.mark.both_backends

SPAWN = multiprocessing.get_context("spawn")
UNIT = 1000
NAMESPACE = uuid.UUID("5b0e1f4a-6c1d-4c55-9a53-2f1c0b1de001")


def key_for(label: str) -> str:
    """Known idempotency keys: the same label always gives the same key."""
    return str(uuid.uuid5(NAMESPACE, label))


def movements_per_key(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Movement.posting_key, func.count()).group_by(Movement.posting_key)
    ).all()
    return {key: int(count) for key, count in rows}


def movement_count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Movement)).scalar_one())


def balance_at(session: Session, part: str, place: str) -> int:
    item = catalog.find_item(session, part)
    location = catalog.find_location(session, place)
    total = session.execute(
        select(func.coalesce(func.sum(Balance.qty), 0)).where(
            Balance.item_id == item.id, Balance.location_id == location.id
        )
    ).scalar_one()
    return int(total)


def in_wip_on(session: Session, number: str) -> int:
    work_order = catalog.find_work_order(session, number)
    return wip.position(session, work_order.id).in_wip  # type: ignore[arg-type]


def finish(processes: list[Any], timeout: float = 60) -> None:
    """Join the workers we started; kill (by object) any that outlived the timeout."""
    deadline = time.monotonic() + timeout
    for process in processes:
        process.join(max(deadline - time.monotonic(), 0.1))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join(5)


def collect(results: Any, expected: int, processes: list[Any]) -> list[tuple[Any, ...]]:
    """Read every answer before joining (a full queue would keep a worker alive)."""
    answers = []
    deadline = time.monotonic() + 60
    while len(answers) < expected and time.monotonic() < deadline:
        try:
            answers.append(results.get(timeout=1))
        except Exception:  # noqa: BLE001 - queue.Empty; keep waiting while workers live
            if not any(p.is_alive() for p in processes):
                break
    errors = [a for a in answers if a[0] == "error"]
    assert not errors, "\n".join(str(e[2]) for e in errors)
    assert len(answers) == expected, f"{len(answers)} answers of {expected}"
    return answers


# --- (a) eight terminals posting at once -------------------------------------------------------


def test_eight_terminals_posting_at_once_lose_nothing_and_count_nothing_twice(plant, db_path):
    store = plant.store
    store.write(ledger.receive, "BRG-6204", parse_qty("100"), "A-01-01")
    terminals = [f"T{n}" for n in range(8)]
    work_orders = {
        terminal: plant.wo_in_progress({"BRG-6204": "10"}, f"Terminal {terminal}")
        for terminal in terminals
    }
    shared = [
        ("receive", key_for(f"shared-{n}"), "SEAL-9", UNIT, "A-01-02", None) for n in range(4)
    ]
    jobs: dict[str, list[poster.Job]] = {}
    for terminal in terminals:
        own: list[poster.Job] = []
        for n in range(12):
            key = key_for(f"{terminal}-{n}")
            if n % 2:
                own.append(("issue", key, work_orders[terminal], "BRG-6204", UNIT, "A-01-01", None))
            else:
                own.append(("receive", key, "SEAL-9", UNIT, "A-01-02", None))
        jobs[terminal] = own[:4] + shared[:2] + own[4:8] + shared[2:] + own[8:]
    before = store.read(movement_count)

    results = SPAWN.Queue()
    processes = [
        SPAWN.Process(
            target=poster.post_stream,
            args=(str(db_path), terminal, jobs[terminal], index % 2 == 0, results),
        )
        for index, terminal in enumerate(terminals)
    ]
    try:
        for process in processes:
            process.start()
        answers = collect(results, len(terminals), processes)
    finally:
        finish(processes)
    assert [p.exitcode for p in processes] == [0] * 8

    # what each terminal was told: its own keys posted once, then only replays
    first_posts: Counter[str] = Counter()
    for _, terminal, replies in answers:
        seen: set[str] = set()
        for key, replayed in replies:
            if key in seen:
                assert replayed, f"{terminal} re-sent {key} and it posted again"
            seen.add(key)
            if not replayed:
                first_posts[key] += 1
    own_keys = {job[1] for terminal in terminals for job in jobs[terminal]} - {
        job[1] for job in shared
    }
    assert len(own_keys) == 96
    assert all(first_posts[key] == 1 for key in own_keys)
    assert sum(first_posts[job[1]] for job in shared) == 4  # one terminal won each shared key

    # what the file says
    assert store.read(ledger.check) == ([], [])
    assert store.read(movement_count) == before + 96 + 4
    per_key = store.read(movements_per_key)
    assert all(per_key[key] == 1 for key in own_keys | {job[1] for job in shared})
    assert store.read(balance_at, "SEAL-9", "A-01-02") == (6 + 8 * 6 + 4) * UNIT
    assert store.read(balance_at, "BRG-6204", "A-01-01") == (10 + 100 - 8 * 6) * UNIT
    assert store.read(balance_at, "BRG-6204", "WIP") == 8 * 6 * UNIT
    assert [store.read(in_wip_on, work_orders[t]) for t in terminals] == [6 * UNIT] * 8


# --- (b) two terminals, one last unit -------------------------------------------------------


def test_two_terminals_racing_for_the_last_unit_only_one_gets_it(plant, db_path):
    store = plant.store
    parts = [f"GSK-{n}" for n in range(1, 6)]
    for part in parts:
        store.write(catalog.add_item, part, f"Gasket {part}")
        store.write(ledger.receive, part, UNIT, "A-01-01")
    racers = {
        terminal: plant.wo_in_progress(dict.fromkeys(parts, "1"), f"Race {terminal}")
        for terminal in ("L1", "L2")
    }
    before = store.read(movement_count)

    results = SPAWN.Queue()
    barrier = SPAWN.Barrier(2)
    processes = [
        SPAWN.Process(
            target=poster.race_for_last_units,
            args=(str(db_path), terminal, number, parts, barrier, results),
        )
        for terminal, number in racers.items()
    ]
    try:
        for process in processes:
            process.start()
        answers = collect(results, 2 * len(parts), processes)
    finally:
        finish(processes)
    assert [p.exitcode for p in processes] == [0, 0]

    winners: dict[str, str] = {}
    for part in parts:
        outcome = sorted((a for a in answers if a[2] == part), key=lambda a: a[0])
        assert [a[0] for a in outcome] == ["issued", "refused"], outcome
        issued, refused = outcome
        winners[part] = issued[1]
        assert refused[1] != issued[1]
        assert refused[3] == "insufficient_stock"
        assert refused[4] == f"only 0 EA of {part} available; 1 asked"
        assert store.read(balance_at, part, "A-01-01") == 0
        assert store.read(balance_at, part, "WIP") == UNIT
    assert store.read(movement_count) == before + len(parts)
    assert store.read(ledger.check) == ([], [])
    wins = Counter(winners.values())
    for terminal, number in racers.items():
        assert store.read(in_wip_on, number) == wins[terminal] * UNIT


# --- (c) a terminal killed in the middle of its posts -----------------------------------------


def stream_of_posts(number: str, count: int) -> tuple[list[poster.Job], dict[str, int]]:
    """Receipts and issues, some of two movements (a pair of serialised batteries)."""
    jobs: list[poster.Job] = []
    expected: dict[str, int] = {}
    for n in range(count):
        key = key_for(f"killed-{n}")
        step, pair = n % 4, [f"P{n // 4:04d}A", f"P{n // 4:04d}B"]
        if step == 0:
            jobs.append(("receive", key, "BRG-6204", UNIT, "A-01-01", None))
        elif step == 1:
            jobs.append(("issue", key, number, "BRG-6204", UNIT, "A-01-01", None))
        elif step == 2:
            jobs.append(("receive", key, "UPS-BAT", 2 * UNIT, "A-01-02", pair))
        else:
            jobs.append(("issue", key, number, "UPS-BAT", 2 * UNIT, None, pair))
        expected[key] = 2 if step >= 2 else 1
    return jobs, expected


def posted_so_far(path: Path, jobs: list[poster.Job], expected: dict[str, int]) -> int:
    """Open the file afresh; check it and return how many jobs are wholly posted."""
    room = Storeroom.open(str(path))
    try:
        assert room.read(ledger.check) == ([], [])
        per_key = room.read(movements_per_key)
    finally:
        room.close()
    counts = [per_key.get(job[1], 0) for job in jobs]
    for job, count in zip(jobs, counts, strict=True):
        assert count in (0, expected[job[1]]), f"{job[0]} {job[1]} is half there: {count}"
    done = sum(1 for count in counts if count)
    # one terminal posts in order: what is there is exactly the first `done` jobs
    assert all(counts[:done]) and not any(counts[done:]), counts
    return done


def test_a_terminal_killed_mid_stream_leaves_whole_posts_and_resends_post_once(plant, db_path):
    store = plant.store
    number = plant.wo_in_progress({"BRG-6204": "1000", "UPS-BAT": "1000"}, "Killed terminal")
    jobs, expected = stream_of_posts(number, 240)
    before = store.read(movement_count)
    chance = random.Random()
    progress = []

    for _ in range(3):
        ready = SPAWN.Event()
        process = SPAWN.Process(
            target=poster.post_until_killed, args=(str(db_path), "K9", jobs, ready)
        )
        process.start()
        try:
            assert ready.wait(30), "the worker never started"
            time.sleep(chance.uniform(0.05, 0.3))
            process.kill()  # SIGKILL: no cleanup, possibly mid-transaction
            process.join(10)
        finally:
            finish([process], timeout=5)
        assert process.exitcode == -9
        progress.append(posted_so_far(db_path, jobs, expected))

    assert progress[0] < len(jobs), "the first kill came after the whole stream"
    assert progress == sorted(progress), progress

    # the terminal comes back and re-sends everything, from the first key
    ready = SPAWN.Event()
    process = SPAWN.Process(target=poster.post_until_killed, args=(str(db_path), "K9", jobs, ready))
    process.start()
    finish([process], timeout=60)
    assert process.exitcode == 0
    assert posted_so_far(db_path, jobs, expected) == len(jobs)
    per_key = store.read(movements_per_key)
    assert {job[1]: per_key[job[1]] for job in jobs} == expected
    assert store.read(movement_count) == before + sum(expected.values())

    # and once more from this process: every key answers as already posted
    for job in jobs[:: len(jobs) // 8]:
        assert poster.post(store, job).replayed
    assert store.read(movement_count) == before + sum(expected.values())
    issues = len(jobs) // 4
    assert store.read(balance_at, "BRG-6204", "WIP") == issues * UNIT
    assert store.read(balance_at, "UPS-BAT", "WIP") == 2 * issues * UNIT
    assert store.read(in_wip_on, number) == 3 * issues * UNIT
    assert store.read(ledger.check) == ([], [])
