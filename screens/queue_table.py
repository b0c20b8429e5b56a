"""The queue's table: one page of work orders drawn line by line (Textual's Line API).

DataTable keeps every cell as an object, measures and styles it cell by cell and rebuilds
its row map on each `add_row`: for a page of 100 rows and 8 columns that cost 15-20 ms of
every keystroke in the filter, over a budget of 50 ms. The queue needs far less: a page of
one-line rows whose column widths the screen has already fitted, a header, a row cursor.
So this table keeps each row as its finished segments (made once per page, when the page
arrives) and draws a line by picking its row; only the cursor row is drawn differently.
It looks and behaves as the DataTable it replaces (same styles, keys and clicks).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass(frozen=True, slots=True)
class QueueColumn:
    """A column of the page: its key (for the sort arrow), heading and width in cells
    (the text and the blank after it)."""

    key: str
    heading: str
    width: int


class QueueTable(ScrollView, can_focus=True):
    """A page of rows under a header; the cursor picks a row, Enter (or a second click)
    selects it; PageDown on the last row and PageUp on the first turn the page."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open"),
        Binding("up", "cursor_up", "Previous row", show=False),
        Binding("down", "cursor_down", "Next row", show=False),
        Binding("pageup", "page_up", "Page up; on the first row, the previous page", show=False),
        Binding("pagedown", "page_down", "Page down; on the last row, the next page", show=False),
        Binding("home,ctrl+home", "first_row", "First row", show=False),
        Binding("end,ctrl+end", "last_row", "Last row", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"queue-table--header", "queue-table--cursor"}

    # the look of Textual's DataTable, which this table replaced
    DEFAULT_CSS = """
    QueueTable {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .queue-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .queue-table--header {
                background-tint: $foreground 5%;
            }
        }
        & > .queue-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .queue-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .queue-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    cursor_row: reactive[int] = reactive(0, always_update=True)

    class RowSelected(Message):
        """Enter, or a click on the cursor's row: the row's key (the WO's number)."""

        def __init__(self, table: QueueTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> QueueTable:
            return self.table

    class PageEdge(Message):
        """PageDown on the last row (forward) or PageUp on the first: turn the page."""

        def __init__(self, forward: bool) -> None:
            super().__init__()
            self.forward = forward

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.columns: list[QueueColumn] = []
        self.keys: list[str] = []
        self._make_cells: Callable[[int], list[Text]] = lambda index: []
        self._cells: dict[int, list[Text]] = {}  # made when first drawn or asked for
        self._lines: dict[tuple[int, bool], Strip] = {}  # (row, under the cursor) -> line
        self._styles: dict[tuple[str, bool], Style] = {}  # (cell style, under the cursor)

    # --- the page -------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.keys)

    def row_at(self, index: int) -> list[Text]:
        """The cells of a row, as the screen makes them."""
        cells = self._cells.get(index)
        if cells is None:
            cells = self._cells[index] = self._make_cells(index)
        return cells

    def show(
        self,
        columns: Sequence[QueueColumn],
        keys: Sequence[str],
        make_cells: Callable[[int], list[Text]],
        cursor: int = 0,
        from_top: bool = True,
    ) -> None:
        """Put a page in the table: its columns, its rows' keys, how to make a row's cells
        (each one line of one style that fits its column; made only for rows drawn, a
        screenful of the page's 100) and the row the cursor goes to. The view starts at
        the top, or with `from_top` False (the same page re-read) stays where it was."""
        self.columns = list(columns)
        self.keys = list(keys)
        self._make_cells = make_cells
        self._cells.clear()
        self._lines.clear()
        self.virtual_size = Size(sum(column.width for column in self.columns), len(keys) + 1)
        top = 0 if from_top else int(self.scroll_y)  # clamped to the new page's length
        self.scroll_to(y=top, animate=False, immediate=True)
        self.cursor_row = min(max(cursor, 0), max(len(keys) - 1, 0))
        self.refresh()

    def move_cursor(self, row: int) -> None:
        self.cursor_row = min(max(row, 0), max(self.row_count - 1, 0))

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._lines.pop((old, True), None)
        self._lines.pop((new, True), None)
        self._scroll_cursor_into_view()
        self.refresh()

    def _scroll_cursor_into_view(self) -> None:
        rows_shown = max(self.scrollable_content_region.height - 1, 1)  # below the header
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + rows_shown:
            self.scroll_to(y=self.cursor_row - rows_shown + 1, animate=False, immediate=True)

    def _forget_drawing(self) -> None:
        self._lines.clear()
        self._styles.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget_drawing()

    def on_focus(self, event: events.Focus) -> None:
        self._forget_drawing()  # the cursor's style follows the focus

    def on_blur(self, event: events.Blur) -> None:
        self._forget_drawing()

    # --- drawing --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return self._header(width)
        index = int(self.scroll_y) + y - 1
        if index >= len(self.keys):
            return Strip.blank(width, self.rich_style)
        under_cursor = index == self.cursor_row
        line = self._lines.get((index, under_cursor))
        if line is None or line.cell_length != width:
            line = self._lines[(index, under_cursor)] = self._row(index, under_cursor, width)
        return line

    def _header(self, width: int) -> Strip:
        style = self.rich_style + self.get_component_rich_style("queue-table--header")
        text = "".join(
            column.heading.ljust(column.width)[: column.width] for column in self.columns
        )
        return Strip([Segment(text, style)]).adjust_cell_length(width, style)

    def _row(self, index: int, under_cursor: bool, width: int) -> Strip:
        """One row: each cell's text in its own style, then blanks to its column's width;
        under the cursor the cursor's colours win over the cell's, as in DataTable."""
        blank = self._style("", under_cursor)
        segments: list[Segment] = []
        for cell, column in zip(self.row_at(index), self.columns, strict=False):
            if cell.plain:
                segments.append(Segment(cell.plain, self._style(str(cell.style), under_cursor)))
            if rest := column.width - cell.cell_len:
                segments.append(Segment(" " * rest, blank))
        return Strip(segments).adjust_cell_length(width, blank)

    def _style(self, cell_style: str, under_cursor: bool) -> Style:
        """The table's style, a cell's own, and the cursor's over both (made once each)."""
        style = self._styles.get((cell_style, under_cursor))
        if style is None:
            style = self.rich_style
            if cell_style:
                style += self.app.console.get_style(cell_style, default="")
            if under_cursor:
                style += self.get_component_rich_style("queue-table--cursor")
            self._styles[(cell_style, under_cursor)] = style
        return style

    # --- keys and the mouse ---------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def _page_height(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def action_page_down(self) -> None:
        if self.row_count and self.cursor_row >= self.row_count - 1:
            self.post_message(self.PageEdge(forward=True))
        else:
            self.move_cursor(self.cursor_row + self._page_height())

    def action_page_up(self) -> None:
        if self.cursor_row <= 0:
            self.post_message(self.PageEdge(forward=False))
        else:
            self.move_cursor(self.cursor_row - self._page_height())

    def action_first_row(self) -> None:
        self.move_cursor(0)

    def action_last_row(self) -> None:
        self.move_cursor(self.row_count - 1)

    def action_select_cursor(self) -> None:
        if self.row_count:
            self.post_message(self.RowSelected(self, self.keys[self.cursor_row]))

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor to its row; a click on the cursor's row selects it."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:  # the header
            return
        index = int(self.scroll_y) + offset.y - 1
        if index >= self.row_count:
            return
        event.stop()
        if index == self.cursor_row:
            self.action_select_cursor()
        else:
            self.move_cursor(index)
