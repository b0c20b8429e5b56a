"""Figure 5: the reconciliation summary of a WO and the stock look-up of an item.

`reconcile(session, number)` is what the reconciliation screen and `storeroom wo show`
read; `stock.stock_position(session, part)` is the stock screen and `storeroom stock`.
Both run through `Storeroom.read` (one read transaction each) on the large plant, over a
seeded sample of WOs in every status and of items, plus the busiest items (the most
movements, so the longest WIP history to read). Budget: p99 < 20 ms for each.
"""

from __future__ import annotations

import random
import time

from _common import Report, arguments, command_line, large_plant, spread

BUDGET_MS = 20.0


def main() -> None:
    args = arguments(__doc__.splitlines()[0], _options)
    plant = large_plant(args.db)
    figures = run(str(plant), args.samples)
    recon, look = figures["reconciliation"], figures["stock_lookup"]
    ok = recon["p99_ms"] < BUDGET_MS and look["p99_ms"] < BUDGET_MS
    Report(
        "reconciliation and stock look-up",
        command_line(),
        figures,
        f"reconciliation p50 {recon['p50_ms']} / p99 {recon['p99_ms']} ms, stock look-up "
        f"p50 {look['p50_ms']} / p99 {look['p99_ms']} ms (budget < {BUDGET_MS:g} ms)",
        ok,
    ).emit()


def _options(parser) -> None:  # noqa: ANN001
    parser.add_argument("--samples", type=int, default=300, help="WOs and items (default 300)")


def run(db: str, samples: int) -> dict:
    from sqlalchemy import func, select

    from models import Item, Movement, WorkOrder
    from storeroom_tui import stock
    from storeroom_tui.reconciliation import reconcile
    from storeroom_tui.service import Storeroom

    store = Storeroom.open(db)
    rng = random.Random(7)

    def sample(session) -> tuple[list[str], list[str], list[str]]:  # noqa: ANN001
        top = session.execute(select(func.max(WorkOrder.id))).scalar_one()
        wo_ids = rng.sample(range(1, top + 1), samples)
        numbers = list(
            session.execute(select(WorkOrder.number).where(WorkOrder.id.in_(wo_ids))).scalars()  # type: ignore[union-attr]
        )
        # every open WO takes part too: they are the ones people reconcile
        numbers += list(
            session.execute(
                select(WorkOrder.number)
                .where(WorkOrder.status.in_(("completed", "in_progress")))  # type: ignore[attr-defined]
                .limit(samples)
            ).scalars()
        )
        items = session.execute(select(func.max(Item.id))).scalar_one()
        parts = list(
            session.execute(
                select(Item.part_number).where(
                    Item.id.in_(rng.sample(range(1, items + 1), samples))  # type: ignore[union-attr]
                )
            ).scalars()
        )
        busiest = list(
            session.execute(
                select(Item.part_number)
                .join(Movement, Movement.item_id == Item.id)
                .group_by(Item.id)
                .order_by(func.count().desc())
                .limit(20)
            ).scalars()
        )
        return numbers, parts, busiest

    numbers, parts, busiest = store.read(sample)
    store.read(reconcile, numbers[0])  # warm the path once
    store.read(stock.stock_position, parts[0])
    recon, look, busy = [], [], []
    for number in numbers:
        start = time.perf_counter()
        store.read(reconcile, number)
        recon.append((time.perf_counter() - start) * 1000)
    for part in parts:
        start = time.perf_counter()
        store.read(stock.stock_position, part)
        look.append((time.perf_counter() - start) * 1000)
    for part in busiest:
        start = time.perf_counter()
        store.read(stock.stock_position, part)
        busy.append((time.perf_counter() - start) * 1000)
    store.close()
    return {
        "reconciliation": spread(recon),
        "stock_lookup": spread(look + busy),
        "stock_lookup_busiest_items": spread(busy),
        "busiest_item": busiest[0],
        "budget_ms": BUDGET_MS,
    }


if __name__ == "__main__":
    main()
