"""Reconciliation at closure: account for every unit a WO took, then close it.

Per demand line: planned, issued, returned, written off, still in WIP and used. The
supervisor writes off what was used (serials matched one by one), takes back what
was not, marks the work completed and closes — the close key works only when the
gate is clear, and otherwise the panel lists exactly what blocks it.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from screens.base import StoreroomScreen
from screens.dialogs import DIALOG_CSS, ConfirmDialog, QuantityDialog
from screens.returns import CONDITION_KEYS
from screens.widgets import MessageLine, ModeBar, ScanInput, StoreroomFooter
from storeroom_tui import counter, ledger, scan
from storeroom_tui.errors import ScanError, StoreroomError
from storeroom_tui.gates import Gate, Status, allows
from storeroom_tui.ledger import Posting
from storeroom_tui.outcome import Outcome, Tone
from storeroom_tui.permissions import Action
from storeroom_tui.picklist import PickList, pick_list
from storeroom_tui.quantities import MILLI, format_money, format_qty, parse_qty
from storeroom_tui.reconciliation import (
    Reconciliation,
    close_work_order,
    complete_work_order,
    reconcile,
)
from storeroom_tui.wip import LinePosition

DESTINATIONS = {
    "new": "back to the bin it came from",
    "opened": "back to the bin it came from",
    "inspect": "to QUARANTINE (not available)",
    "rejected": "to SCRAP",
}


def _signed(milli: int) -> str:
    return ("+" if milli > 0 else "") + format_qty(milli)


def _serial_in(text: str) -> str:
    """A serial as scanned: plain text, or the AI (21) of a GS1 code."""
    try:
        parsed = scan.parse(text)
    except ScanError:
        return text.strip()
    if isinstance(parsed, scan.Gs1Scan) and parsed.serial:
        return parsed.serial
    if isinstance(parsed, scan.ItemScan):
        return parsed.code
    return text.strip()


class SerialsDialog(ModalScreen[list[str] | None]):
    """Match serials one by one: scan or type each; the list ticks them off."""

    DEFAULT_CSS = DIALOG_CSS.format(name="SerialsDialog") + (
        "SerialsDialog Label { width: 100%; } "
        "SerialsDialog #serials-out { height: auto; max-height: 8; }"
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, serials: list[str]) -> None:
        super().__init__()
        self.question = question
        self.serials = serials
        self.matched: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            with VerticalScroll(id="serials-out") as scroll:
                scroll.can_focus = False
                yield Static(self._listing(), id="serials")
            yield Input(placeholder="scan or type a serial…", id="serial")
            yield Label("", id="problem")
            yield Label(
                "Enter on an empty field or CMD-DONE: post those ticked · Esc or CMD-CANCEL: drop",
                classes="hint",
            )

    def _listing(self) -> Text:
        """The serials out, ticked as they are matched, several to a row."""
        width = max(len(serial) for serial in self.serials) + 6
        per_row = max(1, 58 // width)
        text = Text()
        for index, serial in enumerate(self.serials):
            ticked = serial in self.matched
            text.append("[✔] " if ticked else "[ ] ", style="bold green" if ticked else "")
            text.append(serial.ljust(width - 4))
            if index % per_row == per_row - 1:
                text.append("\n")
        text.rstrip()
        return text

    def _problem(self, message: str) -> None:
        self.query_one("#problem", Label).update(Text(f"✘ {message}", style="bold red"))
        self.app.bell()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        event.input.value = ""
        if text.upper() == "CMD-CANCEL":
            self.dismiss(None)
            return
        if not text or text.upper() == "CMD-DONE":
            if not self.matched:
                self._problem("no serial scanned yet: scan one, or Esc to drop")
            else:
                self.dismiss(list(self.matched))
            return
        serial = _serial_in(text)
        if serial in self.matched:
            self._problem(f"serial {serial} was already scanned")
            return
        if serial not in self.serials:
            self._problem(f"serial {serial} is not out on this line: scan one of those listed")
            return
        self.matched.append(serial)
        self.query_one("#problem", Label).update("")
        self.query_one("#serials", Static).update(self._listing())
        if len(self.matched) == len(self.serials):
            self.dismiss(list(self.matched))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConditionDialog(ModalScreen[str | None]):
    """The condition of what comes back, with one key (n, o, i, r) or a CMD-RETURN-… scan."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="ConditionDialog") + "ConditionDialog Label { width: 100%; }"
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield Label(
                "\n".join(
                    f"{key}  {condition:<9} → {DESTINATIONS[condition]}"
                    for key, condition in CONDITION_KEYS.items()
                )
            )
            yield Input(placeholder="n / o / i / r, or scan CMD-RETURN-…", id="condition")
            yield Label("", id="problem")
            yield Label("Esc or CMD-CANCEL: drop, nothing posted", classes="hint")

    def on_input_changed(self, event: Input.Changed) -> None:
        condition = CONDITION_KEYS.get(event.value.lower())
        if condition is not None:
            self.dismiss(condition)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        event.input.value = ""
        if text.lower() in DESTINATIONS:
            self.dismiss(text.lower())
            return
        try:
            parsed = scan.parse(text)
        except ScanError as error:
            parsed, problem = None, error.message
        else:
            problem = f"{text!r} is not a condition: press n, o, i or r"
        if isinstance(parsed, scan.CommandScan) and parsed.command == "RETURN":
            self.dismiss(parsed.condition)
        elif isinstance(parsed, scan.CommandScan) and parsed.command == "CANCEL":
            self.dismiss(None)
        else:
            self.query_one("#problem", Label).update(Text(f"✘ {problem}", style="bold red"))
            self.app.bell()

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReconcileScreen(StoreroomScreen):
    """Write off what was used, take back the rest, close when nothing is in WIP."""

    CSS_PATH = "reconcile.tcss"
    BINDINGS = [
        Binding("tab", "submit_scan", "Scan", show=False, priority=True),
        Binding("w", "write_off", "Write off", tooltip="Write off what the selected line used"),
        Binding("r", "return_line", "Return", tooltip="Take back from the selected line"),
        Binding("m", "complete", "Completed", tooltip="Mark the WO's work completed"),
        Binding("c", "close_wo", "Close", tooltip="Close the WO (only when the gate is clear)"),
        Binding("s", "focus_scan", "Scan WO", tooltip="Put the cursor in the WO field"),
        Binding("ctrl+z", "undo", "Undo", tooltip="Undo the last post made here"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.number: str | None = None
        self.summary: Reconciliation | None = None
        self.header: PickList | None = None
        self.last_key: str | None = None
        self._ready = False
        self._waiting: str | None = None
        self._key_states: tuple[bool | None, ...] = ()

    def compose(self) -> ComposeResult:
        yield ModeBar()
        yield Static("no work order — scan one (WO-…)", id="wo-header")
        yield ScanInput(placeholder="scan or type a work order (WO-…)")
        yield DataTable(id="lines", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="gate-panel"):
            yield Static("", id="gate")
        yield MessageLine(id="message")
        yield StoreroomFooter()

    def on_mount(self) -> None:
        self.sub_title = "Reconcile and close"
        table = self.query_one("#lines", DataTable)
        for label, key in (
            ("#", "line"),
            ("Part", "part"),
            ("Plan", "planned"),
            ("Issued", "issued"),
            ("Retd", "returned"),
            ("W/off", "written_off"),
            ("In WIP", "in_wip"),
            ("Used", "used"),
            ("Dev", "deviation"),
            ("Description", "description"),
        ):
            table.add_column(label, key=key)
        self.query_one("#gate-panel").can_focus = False
        self._ready = True
        if self._waiting is not None:
            self.open_work_order(self._waiting)
        else:
            self.query_one(ScanInput).focus()

    # --- opening and rendering ------------------------------------------------------------

    def open_work_order(self, number: str) -> None:
        """Show one WO's reconciliation (also what `app.open_in('reconcile', …)` calls)."""
        if not self._ready:
            self._waiting = number
            return
        self._waiting = None
        try:
            summary = self.store.read(reconcile, number)
        except StoreroomError as error:
            self.query_one(MessageLine).error(error.message)
            return
        if summary.number != self.number:
            self.last_key = None
        self.number = summary.number
        self.refresh_data()
        self.query_one("#lines", DataTable).focus()
        if summary.status == Status.CLOSED:
            self.query_one(MessageLine).info(f"{summary.number} is closed")
        else:
            self.query_one(MessageLine).info(
                f"{summary.number}: select a line with ↑↓, then w write off, r return"
            )

    def refresh_data(self) -> None:
        if not self._ready or self.number is None:
            return
        try:
            self.summary = self.store.read(reconcile, self.number)
            self.header = self.store.read(pick_list, self.number)
        except StoreroomError as error:
            self.query_one(MessageLine).error(error.message)
            return
        self._render_header()
        self._render_lines()
        self._render_gate()
        self.update_keys()

    def _render_header(self) -> None:
        assert self.summary is not None
        head = Text.assemble((self.summary.number, "bold"))
        if self.header is not None:
            head.append(f"  {self.header.title}  ·  {self.header.asset}")
        head.append("  ·  ")
        head.append(self.summary.status, style="bold")
        head.append(f"  ·  parts cost {format_money(self.summary.parts_cost)}")
        self.query_one("#wo-header", Static).update(head)

    def _render_lines(self) -> None:
        assert self.summary is not None
        table = self.query_one("#lines", DataTable)
        row = table.cursor_row
        table.clear()
        for line in self.summary.lines:
            used = line.issued - line.returned
            off_plan = used - line.planned
            in_wip = Text(format_qty(line.in_wip), style="bold yellow" if line.in_wip else "")
            if line.in_wip and line.item_kind == "tool":
                in_wip.append(" tool")
            elif not line.in_wip and line.issued:
                in_wip = Text("✔ 0", style="green")
            table.add_row(
                str(line.line_no),
                line.part,
                format_qty(line.planned),
                format_qty(line.issued),
                format_qty(line.returned),
                format_qty(line.written_off),
                in_wip,
                format_qty(line.written_off),
                Text(f"≠{_signed(off_plan)}", style="bold") if off_plan else "",
                line.description[:60],
                key=str(line.line_no),
            )
        if self.summary.lines:
            table.move_cursor(row=min(max(row, 0), len(self.summary.lines) - 1))

    def _render_gate(self) -> None:
        assert self.summary is not None
        summary = self.summary
        text = Text()
        if summary.status == Status.CLOSED:
            text.append(f"✔ {summary.number} closed", style="bold green")
            text.append(f" · parts cost {format_money(summary.parts_cost)}\n", style="bold")
            text.append_text(self._deviations())
        elif summary.can_close:
            text.append(f"✔ Gate clear: nothing of {summary.number} is in WIP. ", style="green")
            text.append("Press c to close." if self.can(Action.CLOSE) else "A supervisor closes.")
            text.append("\n")
            text.append_text(self._deviations())
        else:
            reasons = len(summary.blockers) + (summary.status != Status.COMPLETED)
            text.append(
                f"✘ {summary.number} cannot close yet ({reasons} to clear):\n", style="bold"
            )
            if summary.status != Status.COMPLETED:
                text.append(f"  • {summary.number} is {summary.status}: ")
                text.append(
                    "mark it completed (m) first\n"
                    if summary.status == Status.IN_PROGRESS
                    else "only a completed WO closes\n"
                )
            for blocker in summary.blockers:
                text.append(f"  • {blocker.describe()}\n")
        text.rstrip()
        self.query_one("#gate", Static).update(text)

    def _deviations(self) -> Text:
        assert self.summary is not None
        deviations = self.summary.deviations
        if not deviations:
            return Text("No deviations from plan: every line used what was planned.")
        text = Text("Deviations from plan (used = issued − returned):\n", style="bold")
        for line in deviations:
            used = line.issued - line.returned
            text.append(
                f"  ≠ line {line.line_no} {line.part}: planned {format_qty(line.planned)}, "
                f"used {format_qty(used)} ({_signed(used - line.planned)} {line.uom})"
            )
            if line.deviations:
                text.append(" " + ", ".join(sorted(line.deviations)).replace("_", "-"))
            text.append("\n")
        text.rstrip()
        return text

    # --- what the keys may do now ----------------------------------------------------------

    def selected_line(self) -> LinePosition | None:
        if self.summary is None or not self.summary.lines:
            return None
        row = self.query_one("#lines", DataTable).cursor_row
        if 0 <= row < len(self.summary.lines):
            return self.summary.lines[row]
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        needs = {
            "write_off": Action.WRITE_OFF,
            "return_line": Action.RETURN,
            "complete": Action.WORK,
            "close_wo": Action.CLOSE,
        }
        if action not in needs:
            return True
        if not self.can(needs[action]):
            return False
        summary = self.summary
        if summary is None:
            return None
        if action == "close_wo":
            return True if summary.can_close else None
        if action == "complete":
            return True if summary.status == Status.IN_PROGRESS else None
        line = self.selected_line()
        if line is None or not line.in_wip or not allows(summary.status, Gate.RETURN):
            return None
        return True

    def update_keys(self) -> None:
        """Redraw the footer only when what the keys may do has changed (it is not cheap)."""
        states = tuple(
            self.check_action(action, ())
            for action in ("write_off", "return_line", "complete", "close_wo")
        )
        if states != self._key_states:
            self._key_states = states
            self.refresh_bindings()

    @on(DataTable.RowHighlighted, "#lines")
    def line_highlighted(self) -> None:
        self.update_keys()

    # --- input ------------------------------------------------------------------------------

    @on(ScanInput.Scanned)
    def scanned(self, event: ScanInput.Scanned) -> None:
        self.feed(event.text)

    def action_submit_scan(self) -> None:
        field = self.query_one(ScanInput)
        if self.focused is not field:
            field.focus()
            return
        if not field.value.strip():
            if self.summary is not None:
                self.query_one("#lines", DataTable).focus()
            return
        field.take()

    def feed(self, text: str) -> None:
        if not text.strip():
            return
        try:
            parsed = scan.parse(text)
        except ScanError as error:
            self.query_one(MessageLine).error(error.message)
            return
        if isinstance(parsed, scan.WorkOrderScan):
            self.open_work_order(parsed.number)
        elif isinstance(parsed, scan.ItemScan):
            self.open_work_order(parsed.code)  # a typed number: 12 is WO-000012
        else:
            self.query_one(MessageLine).error(
                f"{scan.describe(parsed)}: scan a work order (WO-…) to reconcile"
            )

    def action_focus_scan(self) -> None:
        self.query_one(ScanInput).focus()

    def action_back(self) -> None:
        self.storeroom_app.go_back()

    # --- posting ----------------------------------------------------------------------------

    def _post(self, service: Callable[..., Posting], *args: object, **kwargs: object) -> None:
        try:
            posting = self.store.write(service, *args, **kwargs)
        except StoreroomError as error:
            self.query_one(MessageLine).error(f"{error.message}; nothing posted")
        else:
            self.last_key = posting.key
            self.query_one(MessageLine).show(Outcome(Tone.POSTED, posting.describe(), posting))
        self.refresh_data()
        self.query_one("#lines", DataTable).focus()

    def _serials(self, line: LinePosition) -> list[str]:
        assert self.number is not None
        try:
            return self.store.read(counter.serials_out, self.number, line.part)
        except StoreroomError as error:
            self.query_one(MessageLine).error(error.message)
            return []

    def _ask_quantity(self, question: str, line: LinePosition, then: Callable[[int], None]) -> None:
        def answered(text: str | None) -> None:
            if text is None:
                self.query_one(MessageLine).info("dropped; nothing posted")
                return
            try:
                qty = parse_qty(text)
            except StoreroomError as error:
                self.query_one(MessageLine).error(f"{error.message}; nothing posted")
                return
            then(qty)

        self.app.push_screen(QuantityDialog(question, format_qty(line.in_wip)), answered)

    def action_write_off(self) -> None:
        line, number = self.selected_line(), self.number
        if line is None or number is None:
            return
        key = ledger.new_key()
        serials = self._serials(line)
        if serials:

            def matched(chosen: list[str] | None) -> None:
                if not chosen:
                    self.query_one(MessageLine).info("write-off dropped; nothing posted")
                    return
                qty = len(chosen) * MILLI
                self._post(counter.write_off, number, line.part, qty, chosen, key=key)

            self.app.push_screen(
                SerialsDialog(
                    f"Write off {line.part} of line {line.line_no}: scan each serial used",
                    serials,
                ),
                matched,
            )
            return
        self._ask_quantity(
            f"Write off as used: {line.part} of line {line.line_no} "
            f"({format_qty(line.in_wip)} {line.uom} in WIP)",
            line,
            lambda qty: self._post(counter.write_off, number, line.part, qty, key=key),
        )

    def action_return_line(self) -> None:
        line, number = self.selected_line(), self.number
        if line is None or number is None:
            return
        key = ledger.new_key()

        def ask_condition(qty: int, serial_nos: list[str] | None) -> None:
            def chosen(condition: str | None) -> None:
                if condition is None:
                    self.query_one(MessageLine).info("return dropped; nothing posted")
                    return
                self._post(
                    counter.return_with_condition,
                    number,
                    line.part,
                    qty,
                    condition,
                    serial_nos=serial_nos,
                    key=key,
                )

            what = ", ".join(serial_nos) if serial_nos else f"{format_qty(qty)} {line.uom}"
            self.app.push_screen(
                ConditionDialog(f"Return {line.part} ({what}): in what condition?"), chosen
            )

        serials = self._serials(line)
        if serials:

            def matched(chosen: list[str] | None) -> None:
                if not chosen:
                    self.query_one(MessageLine).info("return dropped; nothing posted")
                    return
                ask_condition(len(chosen) * MILLI, chosen)

            self.app.push_screen(
                SerialsDialog(
                    f"Return {line.part} of line {line.line_no}: scan each serial coming back",
                    serials,
                ),
                matched,
            )
            return
        self._ask_quantity(
            f"Return from line {line.line_no}: {line.part} "
            f"({format_qty(line.in_wip)} {line.uom} in WIP)",
            line,
            lambda qty: ask_condition(qty, None),
        )

    def action_complete(self) -> None:
        number = self.number
        if number is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                self.query_one(MessageLine).info("not changed")
                return
            try:
                self.store.write(complete_work_order, number)
            except StoreroomError as error:
                self.query_one(MessageLine).error(error.message)
            else:
                self.query_one(MessageLine).info(f"{number} is completed")
            self.refresh_data()

        self.app.push_screen(ConfirmDialog(f"Mark {number} completed? (y/n)"), answered)

    def action_close_wo(self) -> None:
        number = self.number
        if number is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                self.query_one(MessageLine).info(f"{number} stays open")
                return
            try:
                closed = self.store.write(close_work_order, number)
            except StoreroomError as error:
                self.query_one(MessageLine).error(error.message)
            else:
                self.last_key = None
                self.query_one(MessageLine).show(
                    Outcome(
                        Tone.POSTED,
                        f"{closed.number} closed · parts cost {format_money(closed.parts_cost)}",
                    )
                )
            self.refresh_data()

        self.app.push_screen(
            ConfirmDialog(f"Close {number} and freeze its parts cost? (y/n)"),
            answered,
        )

    def action_undo(self) -> None:
        if self.last_key is None:
            self.query_one(MessageLine).error("nothing to undo from this screen")
            return
        key = self.last_key

        def answered(yes: bool | None) -> None:
            if not yes:
                self.query_one(MessageLine).info("undo dropped; nothing changed")
                return
            try:
                posting = self.store.write(ledger.reverse, key, "undone at reconciliation")
            except StoreroomError as error:
                self.query_one(MessageLine).error(error.message)
            else:
                self.last_key = None
                self.query_one(MessageLine).show(
                    Outcome(Tone.POSTED, "undone: " + posting.describe(), posting)
                )
            self.refresh_data()

        self.app.push_screen(ConfirmDialog("Undo the last post with a reversal? (y/n)"), answered)
