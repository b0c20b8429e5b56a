"""Receive: scan the PO, then each item of the delivery; each post moves SUPPLIER -> bin
(or QUARANTINE) at the PO price, and what a waiting WO needs is reserved to it at once.

The workflow (what the next scan means) lives in `storeroom_tui.receiveflow`; this
screen renders the PO's expected lines and each `Outcome`, and keeps the scan field
focused after every post so the clerk never touches the keyboard.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label

from screens.base import StoreroomScreen
from screens.dialogs import ReasonDialog
from screens.forms import Field, FormDialog
from screens.widgets import MessageLine, ModeBar, ScanInput, StoreroomFooter
from storeroom_tui import receiving
from storeroom_tui.errors import StoreroomError
from storeroom_tui.outcome import Outcome, Tone
from storeroom_tui.quantities import format_qty, parse_qty
from storeroom_tui.receiveflow import ReceiveSession
from storeroom_tui.receiving import ExpectedDelivery


def qty(milli: int) -> str:
    return format_qty(milli) if milli else ""


class ReceiveScreen(StoreroomScreen):
    CSS_PATH = "receive.tcss"
    BINDINGS = [
        Binding("tab", "submit_scan", "Scan", show=False, priority=True),
        Binding("ctrl+z", "undo", "Undo receipt"),
        Binding("ctrl+r", "release", "Release"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.session: ReceiveSession | None = None
        self.received_line: tuple[str, int] | None = None  # (PO, line) of the last post

    def compose(self) -> ComposeResult:
        yield ModeBar()
        yield Label("no purchase order", id="po-header")
        yield DataTable(id="expected", cursor_type="row", zebra_stripes=True, cell_padding=0)
        yield Label("", id="quarantine")
        yield MessageLine(id="message")
        yield Label("", id="prompt")
        yield ScanInput()
        yield StoreroomFooter()

    def on_mount(self) -> None:
        self.session = ReceiveSession(self.store)
        self.sub_title = "Receive deliveries"
        self.refresh_data()
        self.focus_scan()

    def focus_scan(self) -> None:
        self.query_one(ScanInput).focus()

    # --- rendering ------------------------------------------------------------------------

    def refresh_data(self) -> None:
        if self.session is None:
            return
        try:
            expected = self.session.expected()
            waiting = self.store.read(receiving.in_inspection)
        except StoreroomError as error:
            self.query_one(MessageLine).error(error.message)
            expected, waiting = None, []
        self.render_expected(expected)
        self.render_quarantine(waiting)
        self.query_one("#prompt", Label).update(Text("▶ " + self.session.prompt(), style="bold"))

    def on_resize(self) -> None:
        self.refresh_data()

    def render_expected(self, expected: ExpectedDelivery | None) -> None:
        header = self.query_one("#po-header", Label)
        table = self.query_one("#expected", DataTable)
        table.clear(columns=True)
        if expected is None:
            header.update("no purchase order — scan one (PO-…), or an item on its own")
            return
        header.update(
            Text.assemble(
                ("! " if expected.expedited else "", "bold red"),
                (expected.po_number, "bold red" if expected.expedited else "bold"),
                " · ",
                (expected.status.replace("_", " "), "bold"),
                f" · {expected.vendor}",
                (" · EXPEDITED" if expected.expedited else "", "bold red"),
                ("" if expected.receivable else " · nothing can be received on it", "red"),
                no_wrap=True,
                overflow="ellipsis",
            )
        )
        width = self.size.width or 80
        places = [
            "QUARANTINE" if line.inspection else (line.bin or "scan a bin")
            for line in expected.lines
        ]
        part_width = min(max([4, *(len(line.part) for line in expected.lines)]), 14) + 1
        into_width = min(max([4, *(len(p) for p in places)]), 16) + 1
        wo_width = 10 if any(line.work_order for line in expected.lines) else 0
        numbers = (
            ("Ordered", "Recvd", "To come")
            if width < 100
            else (
                "Ordered",
                "Received",
                "To come",
            )
        )
        fixed = 3 + part_width + sum(len(n) + 1 for n in numbers) + into_width + wo_width
        description = max(width - fixed - 2, 8)
        table.add_column("#", width=3, key="line")
        table.add_column("Part", width=part_width, key="part")
        table.add_column("Description", width=description, key="desc")
        for key, label in zip(("ordered", "received", "todo"), numbers, strict=True):
            table.add_column(label, width=len(label) + 1, key=key)
        table.add_column("Into", width=into_width, key="into")
        if wo_width:
            table.add_column("For WO", width=wo_width, key="wo")
        for line, place in zip(expected.lines, places, strict=True):
            just_now = self.received_line == (expected.po_number, line.line_no)
            base = "green" if just_now else ""
            todo = Text(qty(line.outstanding) or "✔", style="bold" if line.outstanding else "green")
            cells: list[str | Text] = [
                Text(str(line.line_no), style=base),
                Text(line.part, style=base),
                Text(line.description[: description - 1], style=base),
                Text(qty(line.ordered), style=base),
                Text(qty(line.received), style=base),
                todo,
                Text(
                    place[: into_width - 1],
                    style="bold yellow" if line.inspection else ("dim" if not line.bin else base),
                ),
            ]
            if wo_width:
                cells.append(Text(line.work_order or "", style=base))
            table.add_row(*cells, key=str(line.line_no))

    def render_quarantine(self, waiting: list[tuple[str, str | None, int]]) -> None:
        label = self.query_one("#quarantine", Label)
        if not waiting:
            label.update(Text("QUARANTINE: nothing waits for inspection", style="dim"))
            return
        shown = ", ".join(
            f"{format_qty(q)} {part}" + (f" lot {lot}" if lot else "") for part, lot, q in waiting
        )
        label.update(
            Text.assemble(
                ("QUARANTINE: ", "bold yellow"),
                shown,
                " wait for inspection",
                no_wrap=True,
                overflow="ellipsis",
            )
        )

    def show(self, outcome: Outcome) -> None:
        assert self.session is not None
        if not (outcome.tone == Tone.PROMPT and outcome.message == self.session.prompt()):
            # a bare prompt stands on the prompt line; keep the last result in view
            self.query_one(MessageLine).show(outcome)
        if self.session.po_number is None:
            self.received_line = None
        elif outcome.tone == Tone.POSTED and self.session.last is not None:
            self.received_line = (self.session.last.po_number, self.session.last.line_no)
        self.refresh_data()
        self.focus_scan()

    # --- input ------------------------------------------------------------------------------

    @on(ScanInput.Scanned)
    def scanned(self, event: ScanInput.Scanned) -> None:
        self.feed(event.text)

    def action_submit_scan(self) -> None:
        self.query_one(ScanInput).take()

    def feed(self, text: str) -> None:
        assert self.session is not None
        if not text.strip():
            return
        self.show(self.session.feed(text))

    def open_po(self, number: str) -> None:
        """Open a PO from another screen (the PO detail's Receive key)."""
        assert self.session is not None
        try:
            self.show(self.session.open_po(number))
        except StoreroomError as error:
            self.show(Outcome(Tone.ERROR, error.message))

    def action_undo(self) -> None:
        assert self.session is not None
        last = self.session.last
        if last is None:
            self.show(Outcome(Tone.ERROR, "nothing received from this screen to undo"))
            return
        question = f"Why take {format_qty(last.qty)} {last.part} back off {last.po_number}?"

        def answered(reason: str | None) -> None:
            assert self.session is not None
            if reason:
                self.show(self.session.undo(reason))
            else:
                self.show(Outcome(Tone.INFO, "undo dropped; nothing changed"))

        self.app.push_screen(ReasonDialog(question), answered)

    def action_release(self) -> None:
        """Inspection passed: put what waits in QUARANTINE into a bin."""
        try:
            waiting = self.store.read(receiving.in_inspection)
        except StoreroomError as error:
            self.show(Outcome(Tone.ERROR, error.message))
            return
        if not waiting:
            self.show(Outcome(Tone.INFO, "nothing waits in QUARANTINE"))
            return
        part, lot, count = waiting[0]
        fields = [
            Field("part", "Part", "part number", part),
            Field("lot", "Lot", "lot, if tracked by lot", lot or ""),
            Field("qty", "Quantity", "how many passed", format_qty(count)),
            Field("bin", "Into bin", "bin code, e.g. MAIN/A-01-01", ""),
        ]

        def answered(values: dict[str, str] | None) -> None:
            assert self.session is not None
            if values is None:
                self.show(Outcome(Tone.INFO, "release dropped; nothing moved"))
                return
            try:
                qty_given = parse_qty(values["qty"] or "0")
            except StoreroomError as error:
                self.show(Outcome(Tone.ERROR, error.message))
                return
            self.show(
                self.session.release(
                    values["part"], qty_given, values["bin"], values["lot"] or None
                )
            )

        self.app.push_screen(FormDialog("Release from QUARANTINE", fields, focus="bin"), answered)

    def action_back(self) -> None:
        self.storeroom_app.go_back()
