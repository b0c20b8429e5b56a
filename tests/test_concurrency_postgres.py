"""Many terminals on one PostgreSQL storeroom: nothing lost, nothing counted twice, no oversell.

The eight-process, last-unit and killed-terminal tests of tests/test_concurrency.py run
on PostgreSQL too (that module is marked `both_backends`); the races here are the ones
PostgreSQL needs on top: two terminals (two engines) in this process, at the same moment.
Every test here runs on PostgreSQL only: skipped where it is unreachable, failing when
CI=true.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from sqlalchemy import func, make_url, select, text
from sqlmodel import Session

from models import Balance, Movement, Setting
from storeroom_tui import catalog, counter, ledger, wip
from storeroom_tui.errors import DatabaseError, StoreroomError
from storeroom_tui.quantities import parse_money, parse_qty
from storeroom_tui.service import Storeroom

UNIT = 1000
NAMESPACE = uuid.UUID("7d3c2a90-1f0e-4b8e-9c61-5f2d0b0c0e05")


@pytest.fixture
def backend() -> str:
    """`store`, `plant` and `db_path` of this module live in a fresh PostgreSQL schema."""
    return "postgresql"


def key_for(label: str) -> str:
    return str(uuid.uuid5(NAMESPACE, label))


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


def terminal(url: str, name: str) -> Storeroom:
    room = Storeroom.open(url, terminal=name)
    room.sign_in("C1")
    return room


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each answer, or the error it raised."""
    barrier = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait(timeout=30)
        try:
            answers[index] = calls[index]()
        except Exception as error:  # noqa: BLE001 - the test looks at what came back
            answers[index] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


# --- races inside one process: two terminals, two engines -----------------------------------


def test_the_same_key_scanned_at_two_terminals_at_once_posts_once_and_both_get_the_first_result(
    plant, db_path
):
    store = plant.store
    parts = [f"GSK-{n}" for n in range(1, 6)]
    for part in parts:
        store.write(catalog.add_item, part, f"Gasket {part}")
        store.write(ledger.receive, part, UNIT, "A-01-01")  # the last unit, twice scanned
    number = plant.wo_in_progress(dict.fromkeys(parts, "1"), "Double-firing scanner")
    before = store.read(movement_count)
    one, other = terminal(str(db_path), "D1"), terminal(str(db_path), "D2")
    try:
        for part in parts:
            key = key_for(f"twice-{part}")
            answers = at_once(
                *(
                    partial(room.write, counter.issue_to_line, number, part, UNIT, key=key)
                    for room in (one, other)
                )
            )
            assert all(isinstance(a, ledger.Posting) for a in answers), answers
            assert sorted(a.replayed for a in answers) == [False, True]
            assert answers[0].movements == answers[1].movements
            assert [m.key for m in answers[0].movements] == [key]
            assert store.read(balance_at, part, "A-01-01") == 0
            assert store.read(balance_at, part, "WIP") == UNIT
    finally:
        one.close()
        other.close()
    assert store.read(movement_count) == before + len(parts)
    assert store.read(in_wip_on, number) == len(parts) * UNIT
    assert store.read(ledger.check) == ([], [])


def test_receipts_at_two_terminals_at_once_keep_the_moving_average_exact(plant, db_path):
    store = plant.store  # SEAL-9: 6 on hand at 1.50
    one, other = terminal(str(db_path), "R1"), terminal(str(db_path), "R2")
    try:
        for round_no in range(3):
            answers = at_once(
                lambda: one.write(
                    ledger.receive, "SEAL-9", parse_qty("6"), "A-01-02", unit_cost=300
                ),
                lambda: other.write(
                    ledger.receive, "SEAL-9", parse_qty("12"), "A-01-02", unit_cost=75
                ),
            )
            assert all(isinstance(a, ledger.Posting) for a in answers), answers
            # whichever came first: value / quantity = (on hand x 1.50 + 6 x 3.00 + 12 x 0.75)
            item = store.read(catalog.find_item, "SEAL-9")
            assert item.avg_cost == parse_money("1.50"), f"round {round_no}: {item.avg_cost}"
    finally:
        one.close()
        other.close()
    assert store.read(balance_at, "SEAL-9", "A-01-02") == (6 + 3 * 18) * UNIT
    assert store.read(ledger.check) == ([], [])


def test_two_terminals_adding_the_same_bin_at_once_one_adds_it_and_the_other_is_told(
    plant, db_path
):
    one, other = terminal(str(db_path), "B1"), terminal(str(db_path), "B2")
    one.sign_in("ADMIN")
    other.sign_in("ADMIN")
    try:
        answers = at_once(
            lambda: one.write(catalog.add_bin, "B-07-01", "MAIN"),
            lambda: other.write(catalog.add_bin, "B-07-01", "MAIN"),
        )
    finally:
        one.close()
        other.close()
    refused = [a for a in answers if isinstance(a, StoreroomError)]
    assert len(refused) == 1, answers
    assert refused[0].code == "already_exists"
    assert refused[0].message == "bin MAIN/B-07-01 already exists"
    bins = [b.code for b in plant.store.read(catalog.list_bins)]
    assert bins.count("MAIN/B-07-01") == 1


# --- what the server itself refuses -------------------------------------------------------------


def test_a_unique_clash_is_run_again_and_answered_from_what_was_committed(store):
    attempts: list[int] = []

    def clash_once(session: Session) -> str | None:
        attempts.append(1)
        if len(attempts) == 1:  # as if another terminal had committed this key first
            session.add(Setting(key="schema_version", value="9"))
            session.flush()
        return catalog.get_setting(session, "schema_version")

    assert store.db.run(clash_once) == "1"
    assert len(attempts) == 2


def test_a_clash_every_time_is_refused_clearly_and_changes_nothing(store):
    def clash(session: Session) -> None:
        session.add(Setting(key="clash-probe", value="kept?"))
        session.add(Setting(key="schema_version", value="9"))
        session.flush()

    with pytest.raises(DatabaseError) as caught:
        store.db.run(clash)
    assert caught.value.code == "database_error"
    assert caught.value.message.startswith("database refused the change: duplicate key value")
    assert store.read(catalog.get_setting, "clash-probe") is None
    assert store.read(catalog.get_setting, "schema_version") == "1"


def test_times_are_kept_in_utc_whatever_zone_the_server_speaks(pg_url):
    url = make_url(pg_url)
    # a server (or a role) set to New York: 4 or 5 hours off UTC
    options = f"{url.query['options']} -ctimezone=America/New_York"
    zoned = url.update_query_dict({"options": options}).render_as_string(hide_password=False)
    room = Storeroom.open(zoned, terminal="")
    try:
        room.init()
        room.sign_in("ADMIN")
        room.write(catalog.add_bin, "A-01-01", "MAIN")
        room.write(catalog.add_item, "BRG-6204", "Bearing 6204")
        room.write(ledger.receive, "BRG-6204", UNIT, "A-01-01")
        with room.db.engine.connect() as connection:
            assert connection.execute(text("SHOW TimeZone")).scalar() == "UTC"
            posted_at = connection.execute(select(Movement.created_at)).scalar_one()
    finally:
        room.close()
    # read back in UTC (as SQLite gives it), the instant it was posted
    assert posted_at.utcoffset() in (None, timedelta(0)), posted_at
    assert abs(datetime.now(UTC) - posted_at.replace(tzinfo=UTC)) < timedelta(minutes=5)
