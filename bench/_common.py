"""What every benchmark shares: the large plant (built once, then reused), a scratch copy
to post into, a clerk's set-up through the services, percentiles and the report.

Each benchmark prints its figures as JSON, then one summary line; `run_all.py` collects
them. They are plain scripts, not tests: run them with `uv run python bench/NAME.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DB = "/tmp/storeroom-large.db"
CLERK = "1001"
SUPERVISOR = "3001"


def arguments(description: str, extra: Callable[[argparse.ArgumentParser], None] | None = None):  # noqa: ANN201
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--db",
        default=os.environ.get("STOREROOM_BENCH_DB", DEFAULT_DB),
        help=f"the large plant; built there first when missing (default {DEFAULT_DB})",
    )
    if extra is not None:
        extra(parser)
    return parser.parse_args()


def large_plant(db: str) -> Path:
    """The large demo plant at `db`, built first (about a minute) when it is not there."""
    path = Path(db)
    if path.exists() and path.stat().st_size > 0:
        return path
    from rich.console import Console

    from storeroom_tui.demo_large import build_with_progress

    console = Console(stderr=True)
    console.print(f"building the large plant into {path} (once; later runs reuse it)")
    build_with_progress(str(path), 7, console)
    return path


def scratch_copy(plant: Path, name: str) -> Path:
    """A copy of the plant to post into, so the benchmarks never change the original."""
    target = plant.with_name(f"{plant.stem}-{name}{plant.suffix}")
    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(plant, target)
    return target


def drop_copy(target: Path) -> None:
    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)


def percentile(samples: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share 0.99 for p99) of the samples."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def spread(samples_ms: Sequence[float]) -> dict[str, float]:
    """p50, p90, p99, max and mean of samples in milliseconds, rounded to 0.01 ms."""
    return {
        "n": len(samples_ms),
        "p50_ms": round(percentile(samples_ms, 0.50), 2),
        "p90_ms": round(percentile(samples_ms, 0.90), 2),
        "p99_ms": round(percentile(samples_ms, 0.99), 2),
        "max_ms": round(max(samples_ms), 2),
        "mean_ms": round(statistics.fmean(samples_ms), 2),
    }


class Stopwatch:
    """`with watch: ...` adds one sample in milliseconds."""

    def __init__(self) -> None:
        self.samples: list[float] = []

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *_: object) -> None:
        self.samples.append((time.perf_counter() - self._start) * 1000)


@dataclass
class Report:
    name: str
    command: str
    figures: dict[str, Any]
    summary: str
    ok: bool

    def emit(self) -> None:
        """The JSON figures, then the one-line summary (the last line of the output)."""
        payload = {"benchmark": self.name, "command": self.command, "ok": self.ok}
        payload.update(self.figures)
        print(json.dumps(payload, indent=2))
        verdict = "within budget" if self.ok else "OVER BUDGET"
        print(f"{self.name}: {self.summary} — {verdict}")


def command_line() -> str:
    return "uv run python " + " ".join([os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])


# --- a set-up through the services, outside the timing ------------------------------------


def work_orders_to_issue(store: Any, count: int, lines: int, qty: str, title: str) -> list[str]:
    """`count` WOs in progress, each with `lines` lines of untracked bin stock, received
    first (so the posts never run short), reserved, started. Returns their numbers."""
    from sqlalchemy import select

    from models import Item, LocationKind
    from storeroom_tui import catalog, ledger, reservations, workorders
    from storeroom_tui.quantities import parse_qty

    def parts(session: Any) -> list[tuple[str, str]]:
        chosen = session.execute(
            select(Item.part_number)
            .where(Item.tracking == "none", Item.critical.is_(False), Item.kind == "material")
            .where(Item.uom == "EA")
            .order_by(Item.id)
            .limit(count * lines)
        ).scalars()
        bins = [b.code for b in catalog.list_bins(session) if b.kind == LocationKind.BIN]
        return [(part, bins[n % len(bins)]) for n, part in enumerate(chosen)]

    acting = store.actor
    store.sign_in("ADMIN")
    chosen = store.read(parts)
    planned = parse_qty(qty)
    for part, bin_code in chosen:
        store.write(ledger.receive, part, planned * 2, bin_code, unit_cost=500)
    numbers = []
    for n in range(count):

        def make(session: Any, actor: Any, n: int = n) -> str:
            work_order = workorders.create_work_order(
                session, actor, "PUMP-01", f"{title} {n + 1}", "CM", 2
            )
            for part, _bin in chosen[n * lines : (n + 1) * lines]:
                workorders.add_demand_line(session, actor, work_order, part, planned)
            workorders.change_status(session, actor, work_order, "approved")
            reservations.reserve_work_order(session, actor, work_order)
            workorders.change_status(session, actor, work_order, "in_progress")
            return work_order.number

        numbers.append(store.write(make))
    store.actor = acting
    return numbers
