"""Issue to line: scan a WO, then its items; each post moves bin -> WIP."""

from __future__ import annotations

from rich.text import Text

from screens.scanning import ScanScreen
from storeroom_tui.picklist import PickLine
from storeroom_tui.scanflow import Mode


class IssueScreen(ScanScreen):
    CSS_PATH = "scanning.tcss"
    MODE = Mode.ISSUE
    TITLE_TEXT = "Issue to line"

    def columns(self) -> list[tuple[str, str]]:
        return [
            ("#", "line"),
            ("Part", "part"),
            ("Description", "desc"),
            ("To issue", "todo"),
            ("Issued", "issued"),
            ("Bin", "bin"),
            ("Lot", "lot"),
        ]

    @staticmethod
    def bin_hint(line: PickLine) -> str | Text:
        """Where to take it from; says so when nothing is free to take."""
        if line.suggested_bin:
            return line.suggested_bin
        return Text("none free", style="bold red") if line.to_issue else ""

    def row(self, line: PickLine) -> list[str | Text]:
        todo = Text(self.qty(line.to_issue) or "✔", style="bold" if line.to_issue else "green")
        return [
            str(line.line_no),
            line.part,
            line.description[:22],
            todo,
            self.qty(line.issued),
            self.bin_hint(line),
            line.suggested_lot or "",
        ]
