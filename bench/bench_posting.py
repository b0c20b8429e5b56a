"""Figure 1: posting throughput through the services vs a hand-written raw sqlite3 post.

Both sides issue one unit from a bin to a demand line of a WO in progress, one post per
transaction, with the same durability (WAL, synchronous=FULL, BEGIN IMMEDIATE, foreign
keys on). The service side is `Storeroom.write(counter.issue_to_line, ...)` with a fresh
idempotency key, exactly as the CLI and the screens post. The raw side is what a person
would write by hand for the same post, knowing every id already: insert the movement,
take from the bin's balance (refusing to go negative), add to WIP's, mark the reservation
supplied. They run in alternating rounds in the same process on a scratch copy of the
large plant. Budget: the services reach at least 1/3 of the raw rate.
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from _common import (
    CLERK,
    Report,
    arguments,
    command_line,
    drop_copy,
    large_plant,
    scratch_copy,
    work_orders_to_issue,
)

from storeroom_tui.ledger import new_key  # noqa: E402 (after _common puts the tree on the path)

BUDGET = 1 / 3


def main() -> None:
    args = arguments(__doc__.splitlines()[0], _options)
    plant = large_plant(args.db)
    copy = scratch_copy(plant, "posting")
    if args.without_reorder_check:
        from storeroom_tui import replenishment

        replenishment.check_reorder = lambda *_args, **_kwargs: None  # type: ignore[assignment]
        replenishment.reorder_below_min = lambda *_args, **_kwargs: None  # type: ignore[assignment]
    try:
        figures = run(str(copy), args.rounds, args.posts)
        figures["reorder_check"] = not args.without_reorder_check
    finally:
        drop_copy(copy)
    ratio = figures["ratio"]
    Report(
        "posting throughput",
        command_line(),
        figures,
        f"services {figures['services_posts_per_s']:.0f} posts/s, raw sqlite3 "
        f"{figures['raw_posts_per_s']:.0f} posts/s, ratio {ratio:.2f} (budget >= 0.33; "
        f"fsync {figures['fsync_p50_ms']} ms, service CPU {figures['services_cpu_ms_per_post']} "
        "ms/post)",
        ratio >= BUDGET,
    ).emit()


def _options(parser) -> None:  # noqa: ANN001
    parser.add_argument("--rounds", type=int, default=6, help="alternating rounds (default 6)")
    parser.add_argument("--posts", type=int, default=100, help="posts per side per round")
    parser.add_argument(
        "--without-reorder-check",
        action="store_true",
        help="diagnosis only: leave out the reorder-point check an issue runs after posting "
        "(replenishment.check_reorder, reorder_below_min), to see what the posting path "
        "itself costs",
    )


def run(db: str, rounds: int, posts: int) -> dict:
    from storeroom_tui import counter
    from storeroom_tui.quantities import MILLI
    from storeroom_tui.service import Storeroom

    lines_per_wo, units = 5, 3
    wos = max(1, rounds * posts // (lines_per_wo * units) + 1)
    store = Storeroom.open(db, terminal="BENCH")
    store.sign_in(CLERK)
    service_wos = work_orders_to_issue(store, wos, lines_per_wo, str(units), "Bench services")
    raw_wos = work_orders_to_issue(store, wos, lines_per_wo, str(units), "Bench raw")
    service_posts = _service_posts(store, service_wos)
    raw_posts = _raw_posts(store, raw_wos)
    # warm both paths once (imports, statement caches), outside the timing
    store.write(counter.issue_to_line, *service_posts.pop(), MILLI, key=new_key())
    raw = _connect(db)
    _raw_post(raw, raw_posts.pop(), store.actor.user_id)

    fsync_ms = _fsync_latency(Path(db).parent)
    service_seconds = raw_seconds = service_cpu = raw_cpu = 0.0
    done = 0
    for _round in range(rounds):
        batch = [service_posts.pop() for _ in range(posts)]
        start, cpu = time.perf_counter(), time.process_time()
        for number, part in batch:
            store.write(counter.issue_to_line, number, part, MILLI, key=new_key())
        service_seconds += time.perf_counter() - start
        service_cpu += time.process_time() - cpu
        batch_raw = [raw_posts.pop() for _ in range(posts)]
        start, cpu = time.perf_counter(), time.process_time()
        for post in batch_raw:
            _raw_post(raw, post, store.actor.user_id)
        raw_seconds += time.perf_counter() - start
        raw_cpu += time.process_time() - cpu
        done += posts
    raw.close()
    problems = store.read(_check_differences)
    store.close()
    service_rate = done / service_seconds
    raw_rate = done / raw_seconds
    return {
        "posts_per_side": done,
        "services_posts_per_s": round(service_rate, 1),
        "raw_posts_per_s": round(raw_rate, 1),
        "services_ms_per_post": round(1000 * service_seconds / done, 3),
        "raw_ms_per_post": round(1000 * raw_seconds / done, 3),
        "ratio": round(service_rate / raw_rate, 3),
        "services_cpu_ms_per_post": round(1000 * service_cpu / done, 3),
        "raw_cpu_ms_per_post": round(1000 * raw_cpu / done, 3),
        # each post waits for one fsync of the WAL: its latency on this disk decides how
        # much of a post is the Python and SQL around it
        "fsync_p50_ms": fsync_ms,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "budget_ratio": round(BUDGET, 3),
        "check_after": "clean" if not problems else problems[:5],
    }


def _check_differences(session) -> list[str]:  # noqa: ANN001
    """The touched items' balances re-derived from their movements (the full `storeroom
    check` over two million movements takes half a minute; it is run separately)."""
    from sqlalchemy import text

    touched = "SELECT DISTINCT item_id FROM movement WHERE terminal IN ('BENCH', 'RAW')"
    moved: dict[tuple, int] = {}
    for item, source, target, lot, serial, qty in session.execute(
        text(
            "SELECT item_id, from_location_id, to_location_id, coalesce(lot_id, 0), "
            f"coalesce(serial_id, 0), qty FROM movement WHERE item_id IN ({touched})"
        )
    ):
        moved[(item, source, lot, serial)] = moved.get((item, source, lot, serial), 0) - qty
        moved[(item, target, lot, serial)] = moved.get((item, target, lot, serial), 0) + qty
    kept = {
        tuple(row[:4]): row[4]
        for row in session.execute(
            text(
                "SELECT item_id, location_id, lot_id, serial_id, qty FROM balance "
                f"WHERE item_id IN ({touched})"
            )
        )
    }
    return [
        f"{key}: movements {moved.get(key, 0)}, balance {kept.get(key, 0)}"
        for key in moved.keys() | kept.keys()
        if moved.get(key, 0) != kept.get(key, 0)
    ]


def _service_posts(store, numbers: list[str]) -> list[tuple[str, str]]:  # noqa: ANN001
    from storeroom_tui.picklist import pick_list

    posts = []
    for number in numbers:
        for line in store.read(pick_list, number).lines:
            posts += [(number, line.part)] * (line.to_issue // 1000)
    posts.reverse()
    return posts


def _raw_posts(store, numbers: list[str]) -> list[tuple]:  # noqa: ANN001
    """Everything a hand-written post would already know: the ids, one tuple per post."""
    from sqlalchemy import select

    from models import DemandLine, Item, LocationKind, Reservation, WorkOrder
    from storeroom_tui import catalog

    def ids(session) -> list[tuple]:  # noqa: ANN001
        wip = catalog.virtual_location(session, LocationKind.WIP).id
        rows = session.execute(
            select(
                WorkOrder.id,
                DemandLine.id,
                Item.id,
                Item.avg_cost,
                Reservation.id,
                Reservation.location_id,
                Reservation.qty,
            )
            .join(DemandLine, DemandLine.wo_id == WorkOrder.id)
            .join(Item, Item.id == DemandLine.item_id)
            .join(Reservation, Reservation.demand_line_id == DemandLine.id)
            .where(WorkOrder.number.in_(numbers))  # type: ignore[attr-defined]
        ).all()
        posts = []
        for wo_id, line_id, item_id, cost, res_id, bin_id, res_qty in rows:
            for unit in range(res_qty // 1000):
                posts.append((wo_id, line_id, item_id, cost, res_id, bin_id, wip, unit, res_qty))
        return posts

    posts = store.read(ids)
    posts.reverse()
    return posts


def _fsync_latency(folder: Path) -> float:
    """The median time of a 4 KiB write and fsync in the plant's folder, in ms."""
    probe = folder / f".fsync-probe-{uuid.uuid4().hex[:6]}"
    samples = []
    handle = os.open(probe, os.O_RDWR | os.O_CREAT)
    try:
        for n in range(200):
            os.pwrite(handle, b"x" * 4096, (n % 8) * 4096)
            start = time.perf_counter()
            os.fsync(handle)
            samples.append((time.perf_counter() - start) * 1000)
    finally:
        os.close(handle)
        probe.unlink()
    return round(sorted(samples)[len(samples) // 2], 3)


def _connect(db: str) -> sqlite3.Connection:
    connection = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout = 15000")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def _raw_post(db: sqlite3.Connection, post: tuple, user_id: int) -> None:
    """One issue by hand: movement, bin balance down, WIP balance up, reservation supplied."""
    wo_id, line_id, item_id, cost, res_id, bin_id, wip_id, unit, res_qty = post
    # the client's idempotency key, made as the issue screen makes it; a posting's first
    # movement carries it as its own uuid too (ledger.movement_key)
    key = new_key()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    supplied = (unit + 1) * 1000
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute(
            "INSERT INTO movement (uuid, posting_key, kind, item_id, qty, from_location_id, "
            "to_location_id, wo_id, demand_line_id, reservation_id, unit_cost, user_id, "
            "terminal, created_at) VALUES (?, ?, 'issue', ?, 1000, ?, ?, ?, ?, ?, ?, ?, "
            "'RAW', ?)",
            (key, key, item_id, bin_id, wip_id, wo_id, line_id, res_id, cost, user_id, now),
        )
        taken = db.execute(
            "UPDATE balance SET qty = qty - 1000 WHERE item_id = ? AND location_id = ? "
            "AND lot_id = 0 AND serial_id = 0 AND qty >= 1000",
            (item_id, bin_id),
        ).rowcount
        if taken != 1:
            raise RuntimeError(f"raw post ran short of item {item_id} at {bin_id}")
        db.execute(
            "INSERT INTO balance (item_id, location_id, lot_id, serial_id, qty) "
            "VALUES (?, ?, 0, 0, 1000) ON CONFLICT (item_id, location_id, lot_id, serial_id) "
            "DO UPDATE SET qty = qty + 1000",
            (item_id, wip_id),
        )
        db.execute(
            "UPDATE reservation SET supplied_qty = ?, status = ?, updated_at = ? WHERE id = ?",
            (supplied, "supplied" if supplied >= res_qty else "partially_supplied", now, res_id),
        )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


if __name__ == "__main__":
    main()
