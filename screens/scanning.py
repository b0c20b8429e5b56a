"""The scan screens' shared frame: a WO header, its pick list, the message line and the
scan field, which keeps focus after every post so the clerk never touches the keyboard."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label

from screens.base import StoreroomScreen
from screens.dialogs import ConfirmDialog, ReasonDialog
from screens.widgets import MessageLine, ModeBar, ScanInput, StoreroomFooter
from storeroom_tui.errors import StoreroomError
from storeroom_tui.picklist import PickLine, PickList
from storeroom_tui.quantities import format_qty
from storeroom_tui.scanflow import CounterSession, Mode, Need, Outcome, Tone


class ScanScreen(StoreroomScreen):
    """Base of the issue and return screens; `MODE` picks the workflow."""

    MODE: Mode = Mode.ISSUE
    TITLE_TEXT = ""
    BINDINGS = [
        Binding("tab", "submit_scan", "Scan", show=False, priority=True),
        Binding("ctrl+z", "undo", "Undo"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.session: CounterSession | None = None
        self.posted_parts: set[str] = set()

    def compose(self) -> ComposeResult:
        yield ModeBar()
        yield Label("no work order", id="wo-header")
        yield DataTable(id="picklist", cursor_type="row", zebra_stripes=True)
        yield MessageLine(id="message")
        yield Label("", id="prompt")
        yield ScanInput()
        yield StoreroomFooter()

    def on_mount(self) -> None:
        self.session = CounterSession(self.store, self.MODE)
        self.sub_title = self.TITLE_TEXT
        table = self.query_one("#picklist", DataTable)
        for label, key in self.columns():
            table.add_column(label, key=key)
        self.refresh_data()
        self.focus_scan()

    # --- what subclasses say --------------------------------------------------------------

    def columns(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def row(self, line: PickLine) -> list[str | Text]:
        raise NotImplementedError

    # --- rendering ------------------------------------------------------------------------

    def focus_scan(self) -> None:
        self.query_one(ScanInput).focus()

    def refresh_data(self) -> None:
        if self.session is None:
            return
        try:
            picked = self.session.pick_list()
        except StoreroomError as error:
            self.query_one(MessageLine).error(error.message)
            picked = None
        self.render_pick_list(picked)
        self.query_one("#prompt", Label).update(Text("▶ " + self.session.prompt(), style="bold"))
        self.sub_title = self.TITLE_TEXT

    def render_pick_list(self, picked: PickList | None) -> None:
        header = self.query_one("#wo-header", Label)
        table = self.query_one("#picklist", DataTable)
        table.clear()
        if picked is None:
            header.update("no work order — scan one (WO-…)")
            return
        header.update(
            Text.assemble(
                (picked.number, "bold"),
                " · ",
                (picked.status.replace("_", " "), "bold"),
                f" · {picked.asset} · {picked.title}",
                no_wrap=True,
                overflow="ellipsis",
            )
        )
        for line in picked.lines:
            cells = self.row(line)
            if line.part in self.posted_parts:
                cells = [Text(str(c), style="green") if isinstance(c, str) else c for c in cells]
            table.add_row(*cells, key=str(line.line_no))

    def show(self, outcome: Outcome) -> None:
        assert self.session is not None
        if not (outcome.tone == Tone.PROMPT and outcome.message == self.session.prompt()):
            # a bare prompt stands on the prompt line; keep the last result in view
            self.query_one(MessageLine).show(outcome)
        if outcome.posting is not None:
            self.posted_parts = {m.part for m in outcome.posting.movements}
        self.refresh_data()
        self.focus_scan()
        assert self.session is not None
        if self.session.need == Need.REASON:
            self.ask_reason(outcome.message)

    # --- input ------------------------------------------------------------------------------

    @on(ScanInput.Scanned)
    def scanned(self, event: ScanInput.Scanned) -> None:
        self.feed(event.text)

    def action_submit_scan(self) -> None:
        self.query_one(ScanInput).take()

    def feed(self, text: str) -> None:
        assert self.session is not None
        if not text.strip():
            if self.session.pending is not None:
                self.show(self.session.confirm())
            return
        self.show(self.session.feed(text))

    def open_work_order(self, number: str) -> None:
        assert self.session is not None
        try:
            self.show(self.session.open_work_order(number))
        except StoreroomError as error:
            self.show(Outcome(Tone.ERROR, error.message))

    def ask_reason(self, question: str) -> None:
        def answered(reason: str | None) -> None:
            assert self.session is not None
            self.show(self.session.give_reason(reason) if reason else self.session.cancel())

        self.app.push_screen(ReasonDialog(question), answered)

    def action_undo(self) -> None:
        assert self.session is not None
        if self.session.last_key is None:
            self.show(Outcome(Tone.ERROR, "nothing to undo from this screen"))
            return

        def answered(yes: bool | None) -> None:
            assert self.session is not None
            if yes:
                self.show(self.session.undo())
            else:
                self.show(Outcome(Tone.INFO, "undo dropped; nothing changed"))

        self.app.push_screen(ConfirmDialog("Undo the last post with a reversal? (y/n)"), answered)

    def action_back(self) -> None:
        self.storeroom_app.go_back()

    @staticmethod
    def qty(milli: int) -> str:
        return format_qty(milli) if milli else ""
