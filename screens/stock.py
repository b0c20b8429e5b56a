"""Stock look-up: scan or type an item and see where it is, what is free and who has it.

A part number, any of the item's barcodes, a GS1 code with a GTIN, or words to search
for. The scan field keeps focus, so the next scan simply replaces what is shown.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, OptionList, Static
from textual.widgets.option_list import Option

from screens.base import StoreroomScreen
from screens.widgets import MessageLine, ModeBar, ScanInput, StoreroomFooter
from storeroom_tui import catalog, scan
from storeroom_tui.errors import ScanError, StoreroomError, UnknownItem
from storeroom_tui.quantities import format_money, format_qty
from storeroom_tui.stock import StockBalance, StockPosition, stock_position

SEARCH_LIMIT = 50
STATES = {
    "bin": "available",
    "quarantine": "quarantine (not available)",
    "scrap": "scrap",
    "transit": "in transit",
}


def _state(balance: StockBalance) -> Text:
    if balance.expired:
        return Text("✘ EXPIRED (not available)", style="bold red")
    state = STATES.get(balance.kind, balance.kind)
    return Text(state, style="" if balance.kind == "bin" else "yellow")


class StockScreen(StoreroomScreen):
    """Scan an item: on hand per bin and lot, reserved, available, who has it in WIP."""

    CSS_PATH = "stock.tcss"
    BINDINGS = [
        Binding("tab", "submit_scan", "Scan", show=False, priority=True),
        Binding(
            "pagedown",
            "scroll_balances(1)",
            "More lines",
            tooltip="Scroll the stock lines down",
            priority=True,
        ),
        Binding(
            "pageup",
            "scroll_balances(-1)",
            "Back up",
            tooltip="Scroll the stock lines up",
            show=False,
            priority=True,
        ),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.part: str | None = None
        self.position: StockPosition | None = None

    def compose(self) -> ComposeResult:
        yield ModeBar()
        yield ScanInput(placeholder="scan or type an item: part, barcode, GS1, or words")
        yield MessageLine(id="message")
        yield OptionList(id="matches")
        yield Static("no item — scan one", id="item")
        yield DataTable(id="balances", cursor_type="none", zebra_stripes=True)
        yield Label("", id="wip-title")
        yield DataTable(id="wip", cursor_type="none")
        yield StoreroomFooter()

    def on_mount(self) -> None:
        self.sub_title = "Stock look-up"
        balances = self.query_one("#balances", DataTable)
        for label, key in (
            ("Where", "where"),
            ("Lot", "lot"),
            ("Expiry", "expiry"),
            ("Serial", "serial"),
            ("Qty", "qty"),
            ("State", "state"),
        ):
            balances.add_column(label, key=key)
        wip = self.query_one("#wip", DataTable)
        for label, key in (("Work order", "wo"), ("In WIP", "qty"), ("Title", "title")):
            wip.add_column(label, key=key)
        for table in (balances, wip):
            table.can_focus = False
        self.query_one("#matches", OptionList).display = False
        wip.display = False
        self.focus_scan()

    def focus_scan(self) -> None:
        self.query_one(ScanInput).focus()

    # --- input ------------------------------------------------------------------------------

    @on(ScanInput.Scanned)
    def scanned(self, event: ScanInput.Scanned) -> None:
        self.look_up(event.text)

    def action_submit_scan(self) -> None:
        field = self.query_one(ScanInput)
        if self.focused is not field:
            self.focus_scan()
            return
        field.take()

    def look_up(self, text: str) -> None:
        """One scan or typed text: show that item, or list the items it matches."""
        words = text.strip()
        if not words:
            return
        self._hide_matches()
        message = self.query_one(MessageLine)
        try:
            parsed = scan.parse(text)
        except ScanError as error:
            if " " in words and not words.startswith(("]", "(")) and "\x1d" not in words:
                self._search(words)  # words, not a code
            else:
                message.error(error.message)
            return
        try:
            match parsed:
                case scan.Gs1Scan(gtin=None):
                    message.error(f"{scan.describe(parsed)}: no GTIN (01) to find the item by")
                case scan.Gs1Scan(gtin=str(gtin)):
                    item = self.store.read(catalog.find_item_by_gtin, gtin)
                    self.show_item(item.part_number, scan.describe(parsed))
                case scan.ItemScan(code=code, gtin=gtin):
                    self._item_code(code, gtin)
                case scan.CommandScan(command="CANCEL"):
                    self.clear()
                    message.info("cleared; scan an item")
                case _:
                    message.error(
                        f"{scan.describe(parsed)}: this is the stock look-up; scan an item"
                    )
        except StoreroomError as error:
            message.error(error.message)

    def _item_code(self, code: str, gtin: str | None) -> None:
        try:
            self.show_item(self.store.read(catalog.find_item, code).part_number)
            return
        except UnknownItem:
            if gtin is None:
                self._search(code)
                return
        item = self.store.read(catalog.find_item_by_gtin, gtin)
        self.show_item(item.part_number, f"GTIN {gtin}")

    def _search(self, words: str) -> None:
        found = self.store.read(catalog.search_items, words, SEARCH_LIMIT)
        if not found:
            self.query_one(MessageLine).error(
                f"no item with part number, barcode or words {words!r}; check it and scan again"
            )
            return
        if len(found) == 1:
            self.show_item(found[0].part_number, f"the one item matching {words!r}")
            return
        matches = self.query_one("#matches", OptionList)
        matches.clear_options()
        matches.add_options(
            Option(f"{item.part_number}  {item.description}", id=item.part_number) for item in found
        )
        matches.display = True
        matches.highlighted = 0
        matches.focus()
        count = f"the first {len(found)}" if len(found) == SEARCH_LIMIT else str(len(found))
        self.query_one(MessageLine).info(
            f"{count} items match {words!r}: ↑↓ and Enter to pick, Esc to scan again"
        )

    @on(OptionList.OptionSelected, "#matches")
    def picked(self, event: OptionList.OptionSelected) -> None:
        self._hide_matches()
        if event.option.id is not None:
            self.show_item(event.option.id)
        self.focus_scan()

    def _hide_matches(self) -> None:
        matches = self.query_one("#matches", OptionList)
        matches.clear_options()
        matches.display = False

    # --- showing ------------------------------------------------------------------------------

    def show_item(self, part: str, how: str | None = None) -> None:
        try:
            position = self.store.read(stock_position, part)
        except StoreroomError as error:
            self.query_one(MessageLine).error(error.message)
            return
        self.part = position.part
        self.render_position(position)
        self.query_one(MessageLine).info(
            f"{position.part}: {format_qty(position.available)} {position.uom} available"
            + (f" (from {how})" if how else "")
        )
        self.focus_scan()

    def refresh_data(self) -> None:
        if self.part is None:
            return
        try:
            position = self.store.read(stock_position, self.part)
        except StoreroomError as error:
            self.query_one(MessageLine).error(error.message)
            return
        self.render_position(position)

    def clear(self) -> None:
        self.part = self.position = None
        self.query_one("#item", Static).update("no item — scan one")
        self.query_one("#balances", DataTable).clear()
        self.query_one("#wip", DataTable).clear()
        self.query_one("#wip", DataTable).display = False
        self.query_one("#wip-title", Label).update("")

    def render_position(self, position: StockPosition) -> None:
        self.position = position
        uom = position.uom
        summary = Text.assemble(
            (position.part, "bold"),
            f"  {position.description}  ·  {uom}  ·  tracking {position.tracking}"
            f"  ·  avg cost {format_money(position.avg_cost)}\n",
            "On hand ",
            (format_qty(position.on_hand), "bold"),
            "  ·  reserved ",
            (format_qty(position.reserved), "bold"),
            "  ·  available ",
            (format_qty(position.available), "bold green" if position.available else "bold red"),
            f" {uom}",
        )
        expired = sum(b.qty for b in position.balances if b.expired)
        if expired:
            summary.append(f"  ·  ✘ {format_qty(expired)} expired", style="bold red")
        self.query_one("#item", Static).update(summary)

        balances = self.query_one("#balances", DataTable)
        balances.clear()
        for balance in position.balances:
            expiry = balance.expiry.isoformat() if balance.expiry else ""
            balances.add_row(
                balance.location,
                balance.lot or "",
                Text(
                    expiry + (" ✘" if balance.expired else ""),
                    style="red" if balance.expired else "",
                ),
                balance.serial or "",
                format_qty(balance.qty),
                _state(balance),
            )
        if not position.balances:
            balances.add_row("none in stock", "", "", "", "0", "")

        wip = self.query_one("#wip", DataTable)
        wip.clear()
        title = self.query_one("#wip-title", Label)
        if position.in_wip:
            total = sum(holder.qty for holder in position.in_wip)
            title.update(
                f"In WIP on {len(position.in_wip)} work order(s): {format_qty(total)} {uom}"
            )
            for holder in position.in_wip:
                wip.add_row(holder.number, format_qty(holder.qty), holder.title)
        else:
            title.update("In WIP: nobody has it")
        wip.display = bool(position.in_wip)

    # --- keys -------------------------------------------------------------------------------

    def action_scroll_balances(self, pages: int) -> None:
        matches = self.query_one("#matches", OptionList)
        if self.focused is matches:
            if pages > 0:
                matches.action_page_down()
            else:
                matches.action_page_up()
            return
        balances = self.query_one("#balances", DataTable)
        balances.scroll_relative(y=pages * max(balances.size.height - 2, 1), animate=False)

    def action_back(self) -> None:
        matches = self.query_one("#matches", OptionList)
        if matches.display:
            self._hide_matches()
            self.query_one(MessageLine).info("scan an item")
            self.focus_scan()
            return
        self.storeroom_app.go_back()
