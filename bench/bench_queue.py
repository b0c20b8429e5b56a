"""Figure 3: WO queue first paint and filter-as-you-type, headless through Pilot.

`StoreroomApp(store, poll=False).run_test()` on the large plant, signed in as the
supervisor, so the queue is the first screen. The clock is read inside the app: "first
paint" runs from creating the app to the first frame composed after the queue put its
first page in the table; a keystroke runs from the key reaching the app to the first
frame composed after the queue re-read and re-rendered its page for the new filter text.
(Pilot's own `press` waits for the CPU to go idle in 20 ms sleeps, so it cannot time a
keystroke.) Like `storeroom` itself, the run freezes what start-up made out of the garbage
collector's sight (`gc.freeze()`) before it opens the app. Keys are typed 100 ms apart,
a fast typist's pace (about 120 words a minute); `--gap 0` sends each key the moment the
previous one painted.
Budgets: first paint < 300 ms (p50 of the starts), each keystroke < 50 ms (p99).
"""

from __future__ import annotations

import asyncio
import gc
import os
import time

from _common import SUPERVISOR, Report, arguments, command_line, large_plant, spread

BUDGET_FIRST_PAINT_MS = 300.0
BUDGET_KEYSTROKE_MS = 50.0
SIZE = (120, 40)
# what a supervisor types, and with which statuses shown
TYPING = (
    ("open", "pump"),
    ("open", "bearing"),
    ("open", "WO-1999"),
    ("all", "pump"),
    ("all", "seal"),
    ("all", "WO-0123"),
    ("all", "zzz"),
)


def main() -> None:
    args = arguments(__doc__.splitlines()[0], _options)
    plant = large_plant(args.db)
    runs = [asyncio.run(measure(str(plant), args.gap / 1000)) for _ in range(args.runs)]
    first = [r["first_paint_ms"] for r in runs]
    keys = [ms for r in runs for ms in r["keystrokes_ms"]]
    figures = {
        "first_paint": spread(first),
        "first_page_query_ms": spread([r["first_page_query_ms"] for r in runs]),
        "keystroke": spread(keys),
        "by_typing": {
            f"{statuses} '{text}'": spread([ms for r in runs for ms in r["by_typing"][i]])
            for i, (statuses, text) in enumerate(TYPING)
        },
        "keystroke_open_statuses": spread(
            [
                ms
                for r in runs
                for i, ms_list in enumerate(r["by_typing"])
                if TYPING[i][0] == "open"
                for ms in ms_list
            ]
        ),
        "keystroke_all_statuses": spread(
            [
                ms
                for r in runs
                for i, ms_list in enumerate(r["by_typing"])
                if TYPING[i][0] == "all"
                for ms in ms_list
            ]
        ),
        "quick_filter_all_ms": spread([r["quick_filter_all_ms"] for r in runs]),
        "open_work_orders": runs[0]["open_work_orders"],
        "gap_between_keys_ms": args.gap,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "budget_first_paint_ms": BUDGET_FIRST_PAINT_MS,
        "budget_keystroke_ms": BUDGET_KEYSTROKE_MS,
    }
    ok = (
        figures["first_paint"]["p50_ms"] < BUDGET_FIRST_PAINT_MS
        and figures["keystroke"]["p99_ms"] < BUDGET_KEYSTROKE_MS
    )
    Report(
        "WO queue",
        command_line(),
        figures,
        f"first paint p50 {figures['first_paint']['p50_ms']} ms (budget < 300), keystroke "
        f"p50 {figures['keystroke']['p50_ms']} / p99 {figures['keystroke']['p99_ms']} ms "
        f"over {len(keys)} keys (budget < 50)",
        ok,
    ).emit()


def _options(parser) -> None:  # noqa: ANN001
    parser.add_argument("--runs", type=int, default=3, help="app starts (default 3)")
    parser.add_argument("--gap", type=float, default=100.0, help="ms between keys (default 100)")


async def measure(db: str, gap: float) -> dict:
    from textual import events

    from screens.queue import QueueScreen, QueueTable
    from storeroom_tui.app import StoreroomApp
    from storeroom_tui.queue import QueueFilter, work_order_queue
    from storeroom_tui.service import Storeroom

    store = Storeroom.open(db)
    store.sign_in(SUPERVISOR)
    gc.freeze()  # as `storeroom` does before it opens the app (storeroom_tui.terminal)
    start = time.perf_counter()
    app = StoreroomApp(store, poll=False)
    rendered: dict[str, float] = {}  # filter text -> when its page was put in the table
    waiting: dict[str, object] = {"text": None, "event": asyncio.Event(), "at": 0.0}

    original_display = app._display
    original_render = QueueScreen.render_page

    def display(screen, renderable) -> None:  # noqa: ANN001
        original_display(screen, renderable)
        text = waiting["text"]
        if renderable is not None and text is not None and text in rendered:
            waiting["at"] = time.perf_counter()
            waiting["text"] = None
            waiting["event"].set()  # type: ignore[attr-defined]

    def render_page(self, page, keep=None, to_bottom=False) -> None:  # noqa: ANN001
        original_render(self, page, keep, to_bottom)
        key = f"{page.filter.status_label}:{page.filter.text}"
        rendered[key] = time.perf_counter()

    app._display = display  # type: ignore[method-assign]
    QueueScreen.render_page = render_page  # type: ignore[method-assign]

    async def painted_after(key: str) -> float:
        waiting["event"] = asyncio.Event()
        waiting["text"] = key
        if key in rendered:
            rendered.pop(key)
        try:
            await asyncio.wait_for(waiting["event"].wait(), 10)  # type: ignore[attr-defined]
        except TimeoutError:
            raise RuntimeError(f"{key!r} never painted; rendered: {list(rendered)}") from None
        return waiting["at"]  # type: ignore[return-value]

    try:
        first_paint = asyncio.Event()
        waiting["event"], waiting["text"] = first_paint, "open:"
        async with app.run_test(size=SIZE) as pilot:
            await asyncio.wait_for(first_paint.wait(), 30)
            first_ms = (waiting["at"] - start) * 1000  # type: ignore[operator]
            screen = app.screen
            assert isinstance(screen, QueueScreen), screen
            assert screen.query_one(QueueTable).row_count > 0
            open_total = screen.page.total if screen.page else 0
            keystrokes: list[float] = []
            by_typing: list[list[float]] = []
            quick_all = 0.0
            shown = "open"
            for statuses, text in TYPING:
                if statuses != shown:  # 'a' is a key of the table, which has the focus
                    sent = time.perf_counter()
                    app._driver.send_message(events.Key("a", "a"))  # type: ignore[union-attr]
                    quick_all = (await painted_after("all:") - sent) * 1000
                    shown = statuses
                await pilot.press("slash")
                typed = ""
                samples = []
                for char in text:
                    typed += char
                    await asyncio.sleep(gap)
                    sent = time.perf_counter()
                    key = events.Key(char if char.isalnum() else "minus", char)
                    app._driver.send_message(key)  # type: ignore[union-attr]
                    samples.append((await painted_after(f"{shown}:{typed}") - sent) * 1000)
                keystrokes += samples
                by_typing.append(samples)
                await pilot.press("ctrl+u", "escape")  # clear the filter, back to the table
                await pilot.pause()
        query = time.perf_counter()
        store.read(work_order_queue, QueueFilter())
        query_ms = (time.perf_counter() - query) * 1000
    finally:
        QueueScreen.render_page = original_render  # type: ignore[method-assign]
        store.close()
    return {
        "first_paint_ms": first_ms,
        "first_page_query_ms": query_ms,
        "keystrokes_ms": keystrokes,
        "by_typing": by_typing,
        "quick_filter_all_ms": quick_all,
        "open_work_orders": open_total,
    }


if __name__ == "__main__":
    main()
