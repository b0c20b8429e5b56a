"""Help: every key and every scan command on one scrollable screen.

The keys of each screen are read from that screen's own BINDINGS, so this page never
drifts from what the keys really do.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.keys import format_key
from textual.screen import Screen
from textual.widgets import Static

from screens.dialogs import ConfirmDialog
from screens.issue import IssueScreen
from screens.purchase_order import PurchaseOrderScreen
from screens.purchasing import PurchasingScreen
from screens.queue import QueueScreen
from screens.queue_table import QueueTable
from screens.receive import ReceiveScreen
from screens.reconcile import ReconcileScreen
from screens.reports import ReportsScreen
from screens.returns import CONDITION_KEYS, ReturnScreen
from screens.stock import StockScreen
from screens.widgets import ModeBar, StoreroomFooter
from screens.workorder import WorkOrderScreen

# (title, how to get there, the classes whose BINDINGS are that screen's keys)
SCREENS: tuple[tuple[str, str, tuple[type[DOMNode], ...]], ...] = (
    ("Work-order queue", "F2", (QueueScreen, QueueTable)),
    ("Work-order detail", "Enter on the queue", (WorkOrderScreen,)),
    ("Issue to line", "F3", (IssueScreen,)),
    ("Return with condition", "F4", (ReturnScreen,)),
    ("Reconcile and close", "F5", (ReconcileScreen,)),
    ("Stock look-up", "F6", (StockScreen,)),
    ("Buy: requisitions, POs, review, exceptions, parts here", "F7", (PurchasingScreen,)),
    ("Purchase order", "Enter on a PO in Buy", (PurchaseOrderScreen,)),
    ("Receive deliveries", "F8", (ReceiveScreen,)),
    ("Reports: cost, KPIs, charts and exports", "F9", (ReportsScreen,)),
)

SCAN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("WO-000123", "open that work order (issue, return and reconcile screens)"),
    ("PO-000045", "the delivery's purchase order (Receive screen)"),
    ("BIN-MAIN-A-01-03", "take from / put back to (or receive into) that bin for the next item"),
    ("AST-PUMP-07", "an asset tag; the counter screens refuse it with a red line"),
    ("USR-1042", "a user badge: sign in (sign-in screen) or hand over the terminal"),
    ("CMD-DONE", "confirm what waits (post it), or finish this work order"),
    ("CMD-CANCEL", "drop what waits; nothing is posted"),
    ("CMD-UNDO", "undo the last post made on this screen (a reversal)"),
    ("CMD-QTY-n", "quantity n for the next item, e.g. CMD-QTY-5 or CMD-QTY-2.5"),
    ("CMD-RETURN-NEW", "return as new: back to its bin"),
    ("CMD-RETURN-OPENED", "return as opened: back to its bin"),
    ("CMD-RETURN-INSPECT", "return for inspection: to QUARANTINE, not available"),
    ("CMD-RETURN-REJECTED", "return as rejected: to SCRAP"),
    (
        "item barcode",
        "part number, our label, a supplier code or a GTIN: that item (issue, return, "
        "or look it up with F6)",
    ),
    ("GS1 (01) GTIN", "the item, by its 14-digit GTIN (check digit verified)"),
    ("GS1 (10)", "the lot number (asked for lot-tracked items otherwise)"),
    ("GS1 (17)", "the expiry date, YYMMDD (day 00: end of month)"),
    ("GS1 (21)", "the serial number (asked for serialised items otherwise)"),
    ("GS1 (30) / (37)", "the quantity of the item"),
    (
        "GS1 code",
        "GS1-128 or DataMatrix, with or without ]C1 / ]d2, FNC1 sent as GS; "
        "(01)…(10)… with brackets works too",
    ),
)

_NAMES = {
    "escape": "Esc",
    "tab": "Tab",
    "enter": "Enter",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "space": "Space",
    "slash": "/",
    "question_mark": "?",
}


def key_name(key: str) -> str:
    """'ctrl+z' -> 'Ctrl+Z', 'f3' -> 'F3', 'escape' -> 'Esc'."""
    *modifiers, last = key.split("+")
    if last in _NAMES:
        name = _NAMES[last]
    elif len(last) > 1 and last[0] == "f" and last[1:].isdigit():
        name = last.upper()
    else:
        name = format_key(last)
        if modifiers:
            name = name.upper()
    return "+".join([*(m.capitalize() for m in modifiers), name])


def screen_bindings(*classes: type[DOMNode]) -> list[Binding]:
    """Our classes' bindings, inherited ones included (not Textual's own), the subclass
    winning on a key."""
    merged: dict[str, Binding] = {}
    for node_class in classes:
        for cls in reversed(node_class.__mro__):
            if cls.__module__.startswith("textual.") or "BINDINGS" not in cls.__dict__:
                continue
            own: Iterable[BindingType] = cls.__dict__["BINDINGS"]
            for binding in Binding.make_bindings(own):
                merged[binding.key] = binding
    return list(merged.values())


def _describe(binding: Binding) -> str:
    text = binding.tooltip or binding.description or binding.action.replace("_", " ")
    if binding.key == "tab" and binding.action == "submit_scan":
        text = "end a scan, like Enter (scanners set to send Tab)"
    return text


def _grouped(bindings: Iterable[Binding]) -> list[tuple[str, str]]:
    """Keys with the same action on one row: 'n, Esc  No'."""
    rows: dict[tuple[str, str], list[str]] = {}
    for binding in bindings:
        rows.setdefault((binding.action, _describe(binding)), []).append(key_name(binding.key))
    return [(", ".join(keys), text) for (_, text), keys in rows.items()]


def _table(rows: Iterable[tuple[str, str]], key_width: int = 18) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    table.add_column("key", style="bold", no_wrap=True, min_width=key_width // 2)
    table.add_column("what", ratio=1)
    for key, text in rows:
        table.add_row(key, text[:1].upper() + text[1:])
    return table


def _heading(text: str) -> Text:
    return Text(f"\n{text}", style="bold underline")


class HelpScreen(Screen[None]):
    """F1 from anywhere; Esc, F1 or q closes it."""

    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,f1,q", "close", "Close help")]

    def compose(self) -> ComposeResult:
        yield ModeBar()
        with VerticalScroll(id="help"):
            yield Static(self.build(), id="help-text")
        yield StoreroomFooter()

    def on_mount(self) -> None:
        self.sub_title = "Help — ↑↓ PgUp PgDn to scroll, Esc to close"
        self.query_one("#help", VerticalScroll).focus()

    def global_rows(self) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        for binding in Binding.make_bindings(type(self.app).BINDINGS):
            text = binding.description or binding.action
            if binding.action.startswith("switch_mode("):
                text = f"{text} screen"
            elif binding.action == "help":
                text = "this help: every key and every scan command"
            elif binding.action == "next_theme":
                text = "next theme: dark, high contrast, 16 colours, light"
            rows.append((key_name(binding.key), text))
        rows += [
            ("Esc", "back: close a dialog, leave a screen, or return to the queue"),
            ("Ctrl+Z", "undo the last post made on this screen (a reversal, asks y/n)"),
            (key_name(self.app.COMMAND_PALETTE_BINDING), "command palette: every action by name"),
        ]
        order = {"Esc": 1, "Ctrl+Z": 2, "Ctrl+T": 3, "Ctrl+P": 4, "Ctrl+Q": 5}
        return sorted(rows, key=lambda row: (order.get(row[0], 0), row[0]))

    def build(self) -> Group:
        parts: list[Text | Table] = [
            Text("Everything works from the keyboard; a scanner types and ends with Enter."),
            _heading("Everywhere"),
            _table(self.global_rows()),
        ]
        for title, reach, classes in SCREENS:
            parts.append(_heading(f"{title} ({reach})"))
            rows = _grouped(screen_bindings(*classes))
            if ReturnScreen in classes:
                rows += [
                    (key, f"while a condition is asked: {condition}")
                    for key, condition in CONDITION_KEYS.items()
                ]
            parts.append(_table(rows))
        parts.append(_heading("In a dialog"))
        parts.append(
            _table(
                [
                    *_grouped(Binding.make_bindings(ConfirmDialog.BINDINGS)),
                    ("Enter", "confirm what the field holds (a quantity, a reason, a serial)"),
                ]
            )
        )
        parts.append(_heading("Scan commands (print them on a card)"))
        parts.append(_table(SCAN_COMMANDS, key_width=22))
        parts.append(Text("\nEsc, F1 or q closes this help.", style="italic"))
        return Group(*parts)

    def action_close(self) -> None:
        self.dismiss()
