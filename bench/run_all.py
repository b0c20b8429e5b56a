"""Run every benchmark on the large plant, one process each, and print their figures.

    uv run python bench/run_all.py [--db /tmp/storeroom-large.db]

Builds the large plant first when the file is missing (about a minute). Prints each
benchmark's one-line summary as it finishes, then all figures as one JSON document, then
one line: how many budgets were held. The machine's load average is reported beside, as
every figure here is wall-clock time on whatever else the machine is doing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT, arguments, large_plant

BENCHMARKS = (
    "bench_posting.py",
    "bench_scan.py",
    "bench_queue.py",
    "bench_startup.py",
    "bench_lookup.py",
    "bench_reports.py",
)


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    large_plant(args.db)
    here = Path(__file__).resolve().parent
    results = []
    for name in BENCHMARKS:
        start = time.perf_counter()
        finished = subprocess.run(
            [sys.executable, str(here / name), "--db", args.db],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        lines = finished.stdout.strip().splitlines()
        if finished.returncode != 0 or not lines:
            results.append({"benchmark": name, "ok": False, "error": finished.stderr[-2000:]})
            print(f"{name}: FAILED\n{finished.stderr[-2000:]}", file=sys.stderr)
            continue
        figures = json.loads("\n".join(lines[:-1]))
        figures["seconds"] = round(time.perf_counter() - start, 1)
        results.append(figures)
        print(lines[-1], flush=True)
    held = sum(1 for r in results if r.get("ok"))
    print(json.dumps({"load_average": os.getloadavg(), "results": results}, indent=2))
    print(f"{held} of {len(results)} benchmarks within budget")


if __name__ == "__main__":
    main()
