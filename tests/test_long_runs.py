"""The long runs of issue 5: many terminals for a minute, fifty SIGKILLs, two real TUIs.

- Eight processes (forked, each opening the file itself) post issues, returns and
  receipts of three scarce parts at once for STOREROOM_SOAK_SECONDS (60 under CI=true,
  10 otherwise): every key a terminal was told is posted is in the ledger exactly once
  with the movements it was told, no refused key left a trace, no terminal ever saw
  "database is locked" (or any failure but the two refusals the rules give), `check` is
  clean and no stock is negative. The same on PostgreSQL.
- A posting stream is killed with SIGKILL at a random moment fifty times (SQLite; a
  child forked per round, so no import time; one round in five may die while still
  opening the file): the file always opens, `check` is clean, what is there is a whole
  prefix of the stream, and the stream re-sent with the same keys posts each exactly once.
- Two `storeroom` processes in tmux on one file: a scan burst posted in one shows in the
  other within two seconds.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import select as select_module
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models import Balance, Location
from storeroom_tui import catalog, ledger
from tests.test_concurrency import (
    finish,
    movement_count,
    movements_per_key,
    posted_so_far,
    stream_of_posts,
)
from tests.workers import poster

FORK = multiprocessing.get_context("fork")
UNIT = 1000
CI = os.environ.get("CI") == "true"
SOAK_SECONDS = float(os.environ.get("STOREROOM_SOAK_SECONDS", "60" if CI else "10"))
TERMINALS = 8
PARTS = ["GSK-1", "GSK-2", "GSK-3"]
KILLS = 50


def negative_stock(session: Session) -> list[tuple[int, int, int]]:
    """Balances below zero at physical places (the virtual ones, SUPPLIER, go negative)."""
    rows = session.execute(
        select(Balance.item_id, Balance.location_id, Balance.qty)
        .join(Location, Location.id == Balance.location_id)
        .where(Location.physical.is_(True), Balance.qty < 0)  # type: ignore[attr-defined]
    ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


# --- eight terminals for a minute -----------------------------------------------------------


@pytest.mark.both_backends
def test_eight_terminals_for_a_minute_lose_nothing_and_count_nothing_twice(
    plant, db_path, backend: str
) -> None:
    began = time.monotonic()
    store = plant.store
    for part in PARTS:  # one unit of each: the terminals race for the last ones at once
        store.write(catalog.add_item, part, f"Gasket {part}")
        store.write(ledger.receive, part, UNIT, "A-01-01")
    bins = ["A-01-01", "A-01-02"]
    work_orders = {
        f"S{n}": plant.wo_in_progress(dict.fromkeys(PARTS, "100000"), f"Soak S{n}")
        for n in range(TERMINALS)
    }
    before = store.read(movement_count)
    store.db.dispose()  # the workers open the file themselves

    # forked, not spawned: eight fresh interpreters would spend seconds importing before
    # the first post; a fork starts posting at once (no connection crosses it: disposed)
    results = FORK.Queue()
    processes = [
        FORK.Process(
            target=poster.soak,
            args=(str(db_path), terminal, number, PARTS, bins, SOAK_SECONDS, n, results),
        )
        for n, (terminal, number) in enumerate(work_orders.items())
    ]
    started = time.monotonic()
    try:
        for process in processes:
            process.start()
        answers = collect_slowly(results, TERMINALS, processes, SOAK_SECONDS + 60)
    finally:
        finish(processes)
    ran = time.monotonic()
    assert [p.exitcode for p in processes] == [0] * TERMINALS

    posted: dict[str, int] = {}
    refused: Counter[str] = Counter()
    for _, terminal, told, refusals, failures in answers:
        assert failures == [], f"{terminal}: {failures[:5]}"
        assert told, f"{terminal} posted nothing in {SOAK_SECONDS} s"
        assert not posted.keys() & told.keys()
        posted.update(told)
        refused.update(refusals.values())
        refused_keys = set(refusals)
        assert not refused_keys & told.keys()
    per_key = store.read(movements_per_key)
    lost = [key for key, count in posted.items() if per_key.get(key) != count]
    assert lost == [], f"{len(lost)} confirmed keys not in the ledger exactly as confirmed"
    assert store.read(movement_count) == before + sum(posted.values())
    assert refused["insufficient_stock"] > 0, "nobody ever ran out: no race for the last units"
    assert store.read(ledger.check) == ([], [])
    assert store.read(negative_stock) == []
    print(  # noqa: T201 - the figures of the run, shown with -s
        f"\n{backend}: {len(posted)} posts in {SOAK_SECONDS:.0f} s by {TERMINALS} terminals, "
        f"refused {dict(refused)}; started {started - began:.1f} s, ran {ran - started:.1f} s, "
        f"checked {time.monotonic() - ran:.1f} s"
    )


def collect_slowly(results, expected: int, processes, seconds: float) -> list:  # noqa: ANN001
    """Like test_concurrency.collect, with room for a run of `seconds`."""
    answers = []
    deadline = time.monotonic() + seconds
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


# --- fifty SIGKILLs -------------------------------------------------------------------------


def test_fifty_sigkills_at_random_points_leave_whole_posts_and_resends_post_once(
    plant, db_path: Path
) -> None:
    store = plant.store
    number = plant.wo_in_progress({"BRG-6204": "100000", "UPS-BAT": "100000"}, "Killed 50x")
    jobs, expected = stream_of_posts(number, 1600)
    before = store.read(movement_count)
    chance = random.Random()
    done = mid_stream = 0
    progress = []
    # how long a round lets the child post before the kill: narrowed to the pace measured,
    # so that the fifty kills spread over the stream on a fast machine as on a slow one
    window = 0.4
    store.db.dispose()  # no connection of the parent's crosses a fork
    for round_no in range(KILLS):
        # re-send the last post the terminal saw confirmed, then carry on: the child
        # imports nothing (a fork), opens the file and posts until it is killed
        first = max(done - 1, 0)
        ready, told = os.pipe()
        child = os.fork()
        if child == 0:
            os.close(ready)
            poster.post_from(str(db_path), "K9", jobs, first, told)  # never returns
        os.close(told)
        try:
            pause = 0.0
            if round_no % 5:  # most rounds: at a random point of the posting
                select_module.select([ready], [], [], 30)
                pause = chance.uniform(0.0, window)
                time.sleep(pause)
            else:  # every fifth: anywhere from the start, opening the file included
                time.sleep(chance.uniform(0.0, 0.1))
            os.kill(child, signal.SIGKILL)
            _, status = os.waitpid(child, 0)
        finally:
            os.close(ready)
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        assert killed or os.WEXITSTATUS(status) == 0, f"the child failed: {status}"
        before_round, done = done, posted_so_far(db_path, jobs, expected)  # opens afresh
        progress.append(done)
        if pause > 0.01 and done > before_round:
            pace = (done - before_round) / pause  # posts per second
            window = min(0.4, max(0.01, len(jobs) / (KILLS * pace)))
        mid_stream += killed and done < len(jobs)
    assert progress == sorted(progress), progress
    assert mid_stream >= KILLS - 5, f"only {mid_stream} kills came before the stream ended"
    assert len(set(progress)) >= 5, f"the stream hardly moved between kills: {progress}"

    # the terminal comes back and re-sends the whole stream with the same keys
    room = poster.open_as(str(db_path), "C1", "K9")
    replayed = [poster.post(room, job).replayed for job in jobs]
    room.close()
    assert replayed == [n < done for n in range(len(jobs))]
    assert posted_so_far(db_path, jobs, expected) == len(jobs)
    per_key = store.read(movements_per_key)
    assert {job[1]: per_key[job[1]] for job in jobs} == expected
    assert store.read(movement_count) == before + sum(expected.values())
    assert store.read(ledger.check) == ([], [])


# --- two real terminals on one file -----------------------------------------------------------


def test_a_post_in_one_terminal_shows_in_another_within_two_seconds(plant, db_path) -> None:
    from tests.test_e2e_tmux import STOREROOM, TMUX, Terminal

    number = plant.wo_in_progress({"SEAL-9": "2"}, title="Reseal pump")
    plant.store.db.dispose()
    terminals = []
    try:
        for label in ("a", "b"):
            name = f"storeroom-{label}-{os.getpid()}-{random.randrange(10**6)}"
            command = f"TERM=xterm-256color STOREROOM_DB={db_path} {STOREROOM}"
            run = [TMUX, "new-session", "-d", "-s", name, "-x", "100", "-y", "30", command]
            subprocess.run(run, check=True)
            terminals.append(Terminal(name))
        clerk, supervisor = terminals
        for terminal, badge in ((clerk, "USR-C1"), (supervisor, "USR-S1")):
            terminal.wait_for("sign in")
            terminal.type(badge)
        supervisor.wait_for(lambda text: "short 2" in row_of(number, text))
        clerk.wait_for("Carla Clerk")
        clerk.keys("F3")
        clerk.wait_for("scan a work order")
        clerk.type(number)
        clerk.wait_for("Reseal pump")
        clerk.type("SEAL-9")
        clerk.wait_for("2 EA SEAL-9 MAIN/A-01-02 → WIP")  # the scan issues what is still due
        posted_at = time.monotonic()
        # the supervisor's queue, untouched, follows the clerk's post
        screen = supervisor.wait_for(lambda text: "issued" in row_of(number, text), 2.0)
        assert time.monotonic() - posted_at <= 2.0, screen
    finally:
        for terminal in terminals:
            subprocess.run([TMUX, "kill-session", "-t", terminal.name], check=False)


def row_of(number: str, screen: str) -> str:
    """The queue row of one work order as the screen shows it ('' when it is not shown)."""
    return next((line for line in screen.splitlines() if line.startswith(number)), "")
