"""The Textual application: the composition root that wires screens to the store.

Each F-key opens one mode (queue, issue, return, reconcile, stock), and each mode keeps
its own screen stack, so a clerk switching to the stock look-up and back finds the
issue screen exactly as it was. A one-second change check re-reads the open screen
when any terminal posts.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from functools import partial
from importlib import import_module

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from screens.queue import QueueScreen
from screens.signin import SignInScreen
from storeroom_tui.changes import ChangeToken, change_token
from storeroom_tui.service import Storeroom

HIGH_CONTRAST = Theme(
    name="high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    success="#00FF00",
    warning="#FFAA00",
    error="#FF3333",
    dark=True,
)
# the 16-colour theme is "ansi-dark" (Textual 8 has no "textual-ansi": Ctrl+T stopped the app)
THEMES = ("textual-dark", "high-contrast", "ansi-dark", "textual-light")
POLL_SECONDS = 1.0
# The cyclic collector's generations: a young collection every 10,000 net allocations, not
# 700, and a full one after 100 of the middle ones, not 10. A keystroke in the queue makes
# tens of thousands of short-lived objects that reference counting frees anyway. With
# Python's defaults, typing 36 keys in the queue on the large plant ran 8-9 full
# collections, each walking every object the screens keep (40-75 ms, against a budget of
# 50 ms a keystroke); with these, none (bench/bench_queue.py; Textual pauses the collector
# while scrolling for the same reason, App.PAUSE_GC_ON_SCROLL).
GC_THRESHOLDS = (10_000, 50, 100)


def later(module: str, name: str) -> Callable[[], Screen]:
    """A mode's screen imported when the mode is first opened, not at start-up: only the
    queue is on the way to the first screen, which must show within a second (the
    scanning screens, DataTable, the purchasing, receiving and reports screens and
    plotext come when a key first asks for them, in a few tens of ms)."""

    def make() -> Screen:
        screen: Screen = getattr(import_module(module), name)()
        return screen

    return make


class StoreroomApp(App[None]):
    TITLE = "Storeroom"
    MODES = {
        "queue": QueueScreen,
        "issue": later("screens.issue", "IssueScreen"),
        "return": later("screens.returns", "ReturnScreen"),
        "reconcile": later("screens.reconcile", "ReconcileScreen"),
        "stock": later("screens.stock", "StockScreen"),
        "buy": later("screens.purchasing", "PurchasingScreen"),
        "receive": later("screens.receive", "ReceiveScreen"),
        "reports": later("screens.reports", "ReportsScreen"),
    }
    DEFAULT_MODE = "queue"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("f2", "switch_mode('queue')", "Queue", show=False),
        Binding("f3", "switch_mode('issue')", "Issue", show=False),
        Binding("f4", "switch_mode('return')", "Return", show=False),
        Binding("f5", "switch_mode('reconcile')", "Recon", show=False),
        Binding("f6", "switch_mode('stock')", "Stock", show=False),
        Binding("f7", "switch_mode('buy')", "Buy", show=False),
        Binding("f8", "switch_mode('receive')", "Receive", show=False),
        Binding("f9", "switch_mode('reports')", "Reports", show=False),
        Binding("ctrl+t", "next_theme", "Theme", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(self, store: Storeroom, poll: bool = True) -> None:
        super().__init__()
        gc.set_threshold(*GC_THRESHOLDS)
        self.store = store
        self.poll = poll
        self._token: ChangeToken | None = None
        self.register_theme(HIGH_CONTRAST)

    def on_mount(self) -> None:
        self._update_subtitle()
        if self.store.actor is None:
            self.push_screen(SignInScreen(), lambda _: self._signed_in())
        if self.poll:
            # the baseline is what the first screen shows, so no post slips in between
            self._token = self.store.read(change_token)
            self.set_interval(POLL_SECONDS, self.check_for_changes)

    def _signed_in(self) -> None:
        self._update_subtitle()
        self.screen.refresh_bindings()
        refresh = getattr(self.screen, "refresh_data", None)
        if refresh is not None:
            refresh()

    def _update_subtitle(self) -> None:
        actor = self.store.actor
        self.sub_title = f"{actor.name} · {actor.role.value}" if actor else "not signed in"

    # --- navigation -------------------------------------------------------------------------

    def go_back(self) -> None:
        """Esc: pop this mode's stack, or from the bottom of a mode, back to the queue."""
        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif self.current_mode != "queue":
            self.switch_mode("queue")

    def open_in(self, mode: str, number: str) -> None:
        """Switch to the issue, return or reconcile screen with this WO opened."""
        self.switch_mode(mode)
        opener = getattr(self.screen, "open_work_order", None)
        if opener is not None:
            # a mode opened for the first time is not mounted yet: open after its on_mount
            self.screen.call_later(opener, number)

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_next_theme(self) -> None:
        current = THEMES.index(self.theme) if self.theme in THEMES else -1
        self.theme = THEMES[(current + 1) % len(THEMES)]
        self.notify(f"theme: {self.theme}")

    def sign_out(self) -> None:
        self.store.actor = None
        self._update_subtitle()
        self.push_screen(SignInScreen(), lambda _: self._signed_in())

    # --- another terminal's posts -------------------------------------------------------------

    def check_for_changes(self) -> None:
        token = self.store.read(change_token)
        if self._token is not None and token != self._token:
            refresh = getattr(self.screen, "refresh_data", None)
            if refresh is not None:
                refresh()
        self._token = token

    # --- command palette ------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        # every key the current screen offers now, so the palette never drifts from them
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if active.node is not screen or not active.enabled or not binding.description:
                continue
            if key in ("tab", "escape", "enter"):
                continue
            yield SystemCommand(
                binding.description,
                f"{binding.tooltip or 'on this screen'} ({key})",
                partial(self.run_action, binding.action, active.node),
            )
        yield SystemCommand(
            "Work-order queue", "The home screen (F2)", lambda: self.switch_mode("queue")
        )
        yield SystemCommand(
            "Issue to line", "Scan a WO and its parts (F3)", lambda: self.switch_mode("issue")
        )
        yield SystemCommand(
            "Return with condition", "Take parts back (F4)", lambda: self.switch_mode("return")
        )
        yield SystemCommand(
            "Reconcile and close",
            "Account for every unit (F5)",
            lambda: self.switch_mode("reconcile"),
        )
        yield SystemCommand(
            "Stock look-up", "On hand, reserved, available (F6)", lambda: self.switch_mode("stock")
        )
        yield SystemCommand(
            "Buy", "Shortages, requisitions, POs and approval (F7)", lambda: self.switch_mode("buy")
        )
        yield SystemCommand(
            "Receive", "Scan deliveries against POs (F8)", lambda: self.switch_mode("receive")
        )
        yield SystemCommand(
            "Reports", "Cost, KPIs, charts and exports (F9)", lambda: self.switch_mode("reports")
        )
        yield SystemCommand("Help", "Every key and scan command (F1)", self.action_help)
        yield SystemCommand(
            "Next theme", "Dark, high contrast, 16 colours, light (Ctrl+T)", self.action_next_theme
        )
        yield SystemCommand("Sign out", "Hand the terminal to someone else", self.sign_out)
