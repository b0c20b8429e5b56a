"""Return with condition: scan a WO, then the item or serial coming back; pick its
condition with one key (n, o, i, r) or a CMD-RETURN-… scan; see where it goes; post."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.widgets import Input

from screens.scanning import ScanScreen
from storeroom_tui.picklist import PickLine
from storeroom_tui.scanflow import Mode, Need

CONDITION_KEYS = {"n": "new", "o": "opened", "i": "inspect", "r": "rejected"}


class ReturnScreen(ScanScreen):
    CSS_PATH = "scanning.tcss"
    MODE = Mode.RETURN
    TITLE_TEXT = "Return with condition"

    def columns(self) -> list[tuple[str, str]]:
        return [
            ("#", "line"),
            ("Part", "part"),
            ("Description", "desc"),
            ("Issued", "issued"),
            ("Returned", "returned"),
            ("In WIP", "wip"),
        ]

    def row(self, line: PickLine) -> list[str | Text]:
        out = Text(self.qty(line.in_wip), style="bold yellow" if line.in_wip else "")
        return [
            str(line.line_no),
            line.part,
            line.description[:26],
            self.qty(line.issued),
            self.qty(line.returned),
            out,
        ]

    @on(Input.Changed, "#scan")
    def condition_key(self, event: Input.Changed) -> None:
        """While a condition is asked (or its destination shown), one key picks it.

        Lower case only: scanners send upper case, so a scan is never taken for a key.
        """
        if self.session is None or self.session.need not in (Need.CONDITION, Need.CONFIRM):
            return
        condition = CONDITION_KEYS.get(event.value)
        if condition is not None:
            event.input.value = ""
            self.show(self.session.choose_condition(condition))
