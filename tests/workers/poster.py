"""Terminals in other processes: each opens the storeroom file itself and posts.

Started by `tests/test_concurrency.py` with the multiprocessing 'spawn' context, so every
worker is a fresh interpreter with its own engine, exactly like a second SSH session.
A job is a plain tuple, so it crosses the process boundary as is:

    ("receive", key, part, qty, bin_code, serial_nos)
    ("issue", key, wo_number, part, qty, bin_code, serial_nos)
"""

from __future__ import annotations

import traceback
from typing import Any

from storeroom_tui import counter, ledger
from storeroom_tui.errors import StoreroomError
from storeroom_tui.service import Storeroom

Job = tuple[Any, ...]


def open_as(db_path: str, badge: str, terminal: str) -> Storeroom:
    room = Storeroom.open(db_path, terminal=terminal)
    room.sign_in(badge)
    return room


def post(room: Storeroom, job: Job) -> ledger.Posting:
    kind = job[0]
    if kind == "receive":
        _, key, part, qty, bin_code, serial_nos = job
        return room.write(ledger.receive, part, qty, bin_code, serial_nos=serial_nos, key=key)
    if kind == "issue":
        _, key, wo_number, part, qty, bin_code, serial_nos = job
        return room.write(
            counter.issue_to_line, wo_number, part, qty, bin_code, serial_nos=serial_nos, key=key
        )
    raise ValueError(f"unknown job {kind!r}")


def post_stream(
    db_path: str, terminal: str, jobs: list[Job], double_fire: bool, results: Any
) -> None:
    """Post every job; a double-firing scanner sends each key twice and all again at the end.

    Puts ("done", terminal, [(key, replayed), ...]) or ("error", terminal, traceback).
    """
    try:
        room = open_as(db_path, "C1", terminal)
        answers = []
        for job in jobs:
            posting = post(room, job)
            answers.append((job[1], posting.replayed))
            if double_fire:
                again = post(room, job)
                answers.append((job[1], again.replayed))
        if double_fire:
            answers += [(job[1], post(room, job).replayed) for job in jobs]
        room.close()
        results.put(("done", terminal, answers))
    except BaseException:  # noqa: BLE001 - the parent shows whatever went wrong
        results.put(("error", terminal, traceback.format_exc()))


def race_for_last_units(
    db_path: str, terminal: str, wo_number: str, parts: list[str], barrier: Any, results: Any
) -> None:
    """For each part, wait for the other terminal, then both scan its last unit at once.

    Puts ("issued", terminal, part, key), ("refused", terminal, part, code, message) or
    ("error", terminal, traceback).
    """
    try:
        room = open_as(db_path, "C1", terminal)
        for part in parts:
            key = ledger.new_key()
            barrier.wait(timeout=30)
            try:
                room.write(counter.issue_to_line, wo_number, part, 1000, key=key)
            except StoreroomError as error:
                results.put(("refused", terminal, part, error.code, error.message))
            else:
                results.put(("issued", terminal, part, key))
        room.close()
    except BaseException:  # noqa: BLE001
        results.put(("error", terminal, traceback.format_exc()))


def post_until_killed(db_path: str, terminal: str, jobs: list[Job], ready: Any) -> None:
    """Post the jobs one after another; the parent kills this process with SIGKILL."""
    room = open_as(db_path, "C1", terminal)
    ready.set()
    for job in jobs:
        post(room, job)
    room.close()


# --- the long runs (tests/test_long_runs.py) ------------------------------------------------

# a refusal the rules give (a clear message, nothing changed): counted, not a failure
EXPECTED_REFUSALS = {"insufficient_stock", "return_exceeds_issued"}


def soak(
    db_path: str,
    terminal: str,
    wo_number: str,
    parts: list[str],
    bins: list[str],
    seconds: float,
    seed: int,
    results: Any,
) -> None:
    """Post issues, returns and receipts of a few scarce parts until `seconds` are over.

    Every post has a fresh key; now and then one is sent again and must answer as
    already posted, with the same movements. Puts ("done", terminal, posted, refused,
    failures): posted maps each key to the number of movements it was confirmed with,
    refused maps a key to its refusal code, failures lists every other outcome (a busy
    database, any other error), which the test wants empty.
    """
    import random
    import time

    chance = random.Random(seed)
    posted: dict[str, int] = {}
    refused: dict[str, str] = {}
    failures: list[str] = []
    try:
        room = open_as(db_path, "C1", terminal)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            key = ledger.new_key()
            part = chance.choice(parts)
            roll = chance.random()
            # fewer units come in than go out: the shelves stay near empty, so the
            # terminals keep racing for the last units
            if roll < 0.15:
                job: tuple[Any, ...] = (ledger.receive, part, 1000, chance.choice(bins))
            elif roll < 0.7:
                job = (counter.issue_to_line, wo_number, part, 1000)
            else:
                job = (counter.return_with_condition, wo_number, part, 1000, "new")
            try:
                posting = room.write(*job, key=key)
            except StoreroomError as error:
                if error.code in EXPECTED_REFUSALS:
                    refused[key] = error.code
                else:
                    failures.append(f"{terminal} {key}: {error.code}: {error.message}")
                continue
            if posting.replayed:
                failures.append(f"{terminal} {key}: a fresh key answered as a replay")
            posted[key] = len(posting.movements)
            if chance.random() < 0.1:  # the scanner fires twice
                again = room.write(*job, key=key)
                if not again.replayed or len(again.movements) != posted[key]:
                    failures.append(f"{terminal} {key}: a re-sent key posted again")
        room.close()
        results.put(("done", terminal, posted, refused, failures))
    except BaseException:  # noqa: BLE001 - the parent shows whatever went wrong
        results.put(("error", terminal, traceback.format_exc()))


def post_from(db_path: str, terminal: str, jobs: list[Job], first: int, ready: int) -> None:
    """A forked child's whole life: open the file, say so on the pipe `ready`, post
    jobs[first:], leave at once.

    The parent kills it with SIGKILL at a random moment; `os._exit` keeps a child that
    finishes from running anything of the parent's (pytest) on its way out.
    """
    import os

    status = 1
    try:
        room = open_as(db_path, "C1", terminal)
        os.write(ready, b"r")
        for job in jobs[first:]:
            post(room, job)
        room.close()
        status = 0
    finally:
        os._exit(status)
