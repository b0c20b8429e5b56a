"""The Reports mode (F9): pick one of the plant's reports, type its parameters, and read
its tables, sorted and filtered as you type, as a chart, or as a file for accounting.

The screen only renders and routes keys: every number, every check of a parameter and
every file's content comes from the report services (`storeroom_tui.reports`). A report
is a snapshot: it is not re-run when another terminal posts; `r` runs it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import ContentSwitcher, DataTable, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual_plotext import PlotextPlot

from screens.base import StoreroomScreen
from screens.dialogs import DIALOG_CSS, ConfirmDialog
from screens.widgets import MessageLine, ModeBar, StoreroomFooter
from storeroom_tui import reports
from storeroom_tui.errors import StoreroomError
from storeroom_tui.ledger import today
from storeroom_tui.outcome import Outcome, Tone
from storeroom_tui.reports import Kind, Report, ReportSpec, Table
from storeroom_tui.reports.export import FORMATS, export, parse_format

WIDE = 110  # from this many columns the list of reports stays beside the results
TEXT_CAP = 28  # the widest a text column is drawn; the rest is cut with an ellipsis
PARAM_WIDTH = {"date": 12, "period": 9, "int": 6, "scope": 13}
UNIT = {Kind.PERCENT: " %"}  # the labels name hours and days themselves


def figure_text(figure: reports.Figure) -> str:
    return figure.format() + UNIT.get(figure.kind, "")


def chart_number(table: Table, key: str, value: object) -> float:
    """A value as the chart draws it (the chart is a picture; the table has the exact one)."""
    exact = table.column(key).decimal(value)
    return float(exact) if exact is not None else 0.0


@dataclass(frozen=True, slots=True)
class ExportRequest:
    format: str
    path: str


class ExportDialog(ModalScreen[ExportRequest | None]):
    """Format and file; Enter moves on, Enter on the file writes it. Esc drops."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="ExportDialog")
        + """
    ExportDialog Horizontal { height: 1; margin: 1 0 0 0; }
    ExportDialog Horizontal Label { width: 8; }
    ExportDialog Input { border: none; height: 1; width: 1fr; padding: 0 1; background: $boost; }
    ExportDialog Input:focus { border: none; background: $accent 30%; }
    ExportDialog #problem { color: $error; }
    """
    )
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "next_field", "Next field", priority=True),
        Binding("tab", "next_field(True)", "Next field", show=False, priority=True),
    ]

    def __init__(self, what: str, defaults: dict[str, str], given: ExportRequest, problem: str):
        super().__init__()
        self.what = what
        self.defaults = defaults  # format -> the default file for it
        self.given = given
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Export {self.what}", style="bold"))
            with Horizontal():
                yield Label("Format")
                yield Input(self.given.format, placeholder=" | ".join(FORMATS), id="format")
            with Horizontal():
                yield Label("File")
                yield Input(self.given.path, placeholder="file name", id="path")
            yield Label(Text(self.problem), id="problem")
            yield Label(
                "csv: the table shown · xlsx, json: every table\n"
                "Enter: next, on File writes · Esc: drop",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#path" if self.problem else "#format", Input))

    @on(Input.Changed, "#format")
    def format_changed(self, event: Input.Changed) -> None:
        """A new format brings its default file, unless a file of one's own was typed."""
        path = self.query_one("#path", Input)
        fmt = event.value.strip().lower()
        if fmt in self.defaults and (not path.value or path.value in self.defaults.values()):
            path.value = self.defaults[fmt]

    def action_next_field(self, wrap: bool = False) -> None:
        fmt, path = self.query_one("#format", Input), self.query_one("#path", Input)
        if self.focused is fmt or wrap and self.focused is not fmt:
            self.set_focus(path if self.focused is fmt else fmt)
            return
        # read the fields once each has handled the keys already sent to it
        path.call_later(self.answer)

    def answer(self) -> None:
        fmt, path = self.query_one("#format", Input), self.query_one("#path", Input)
        self.dismiss(ExportRequest(fmt.value.strip(), path.value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReportsScreen(StoreroomScreen):
    """The list of reports, the chosen one's parameters, figures, and tables or a chart."""

    CSS_PATH = "reports.tcss"
    BINDINGS = [
        Binding("l", "choose", "Reports", tooltip="the list of reports"),
        Binding("p", "params", "Params", tooltip="type the report's parameters; Enter runs"),
        Binding("slash", "focus_filter", "Filter", tooltip="filter the rows as you type"),
        Binding("s", "next_sort", "Sort", tooltip="sort by the next column"),
        Binding("S,shift+s", "reverse_sort", "Reverse sort", show=False),
        Binding("t", "next_table", "Table", tooltip="the report's next table"),
        Binding("T,shift+t", "next_table(-1)", "Previous table", show=False),
        Binding("c", "chart", "Chart", tooltip="a chart of the table shown, or the table"),
        Binding("e", "export", "Export", tooltip="write csv, xlsx or json to a file"),
        Binding("r", "run", "Run again", show=False),
        Binding("escape", "back", "Back", show=False),
        *(
            Binding(str(n), f"pick({n - 1})", spec.title, show=False)
            for n, spec in enumerate(reports.REPORTS, start=1)
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.spec: ReportSpec = reports.REPORTS[0]
        self.report: Report | None = None
        self.table_key: str | None = None
        self.sort: tuple[str, bool] | None = None  # column key, descending
        self.filter_text = ""
        self.chart_shown = False
        self.choosing = True  # the list is open (always shown when wide)

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ModeBar()
        with Horizontal(id="body"):
            yield OptionList(
                *(
                    Option(Text.assemble((f"{n} ", "bold"), spec.title), id=spec.name)
                    for n, spec in enumerate(reports.REPORTS, start=1)
                ),
                id="report-list",
            )
            with Vertical(id="results"):
                yield Static("", id="report-title")
                with ContentSwitcher(id="params", initial=f"params-{self.spec.name}"):
                    for spec in reports.REPORTS:
                        with Horizontal(id=f"params-{spec.name}", classes="param-row"):
                            for param in spec.params:
                                yield Label(param.name, classes="param-label")
                                field = Input(
                                    placeholder=param.default,
                                    id=f"param-{spec.name}-{param.name}",
                                    classes=f"param -{param.kind}",
                                )
                                field.tooltip = param.help
                                yield field
                yield Static("", id="figures")
                with Horizontal(id="table-bar"):
                    yield Static("", id="tables")
                    yield Input(placeholder="/ filter", id="filter")
                yield Static("", id="note")
                yield DataTable(id="report-table", cursor_type="row", zebra_stripes=True)
                yield PlotextPlot(id="chart")
        yield MessageLine(id="message")
        yield StoreroomFooter()

    def on_mount(self) -> None:
        self.sub_title = "Reports"
        self.query_one("#chart").display = False
        self.layout_for_width()
        self.show_title()
        self.render_report()
        self.set_focus(self.query_one("#report-list", OptionList))
        self.query_one(MessageLine).info(
            "choose a report: ↑↓ and Enter, or its number 1-8; it runs with the defaults"
        )

    def on_resize(self) -> None:
        self.layout_for_width()
        self.render_report()

    def layout_for_width(self) -> None:
        wide = (self.size.width or 80) >= WIDE
        options = self.query_one("#report-list")
        if options.display != (wide or self.choosing):
            options.display = wide or self.choosing
            # the results' width changed: lay the figures out again once it is known
            self.call_after_refresh(self.render_report)

    def refresh_data(self) -> None:
        """A report is a snapshot of when it ran: `r` runs it again (no surprise re-sort)."""

    # --- choosing and running -----------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#report-list")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Moving through the list shows what the report is and which parameters it takes."""
        if event.option.id and self.report is None:
            self.show_params(reports.find_report(event.option.id))

    @on(OptionList.OptionSelected, "#report-list")
    def selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.pick_spec(reports.find_report(event.option.id))

    def action_pick(self, index: int) -> None:
        self.pick_spec(reports.REPORTS[index])

    def pick_spec(self, spec: ReportSpec) -> None:
        self.show_params(spec)
        self.choosing = False
        self.layout_for_width()
        if self.run():
            self.set_focus(self.query_one("#report-table", DataTable))
        else:
            self.action_params()

    def show_params(self, spec: ReportSpec) -> None:
        self.spec = spec
        self.query_one("#params", ContentSwitcher).current = f"params-{spec.name}"
        self.show_title()

    def param_inputs(self) -> dict[str, Input]:
        return {
            p.name: self.query_one(f"#param-{self.spec.name}-{p.name}", Input)
            for p in self.spec.params
        }

    def action_run(self) -> None:
        self.run()

    def run(self) -> bool:
        """Run the chosen report with the parameters as typed; the service checks them.
        Refused: the message names the value, and what was shown stays as it was."""
        fields = self.param_inputs()
        typed = {name: field.value for name, field in fields.items()}
        try:
            report = self.store.read(reports.run_report, self.spec.name, typed)
        except StoreroomError as error:
            self.query_one(MessageLine).error(error.message)
            for field in fields.values():  # the field holding the refused value
                if error.value is not None and field.value.strip() == str(error.value).strip():
                    self.set_focus(field)
            if self.report is not None and self.report.name != self.spec.name:
                self.report = None  # another report's tables would be misleading here
                self.render_report()
            return False
        same = self.report is not None and self.report.name == report.name
        keys = [table.key for table in report.tables]
        if not same or self.table_key not in keys:
            self.table_key, self.sort = keys[0], None
            self.filter_text = ""
            self.query_one("#filter", Input).value = ""
        self.report = report
        for name, field in fields.items():  # what it ran with, defaults resolved
            field.placeholder = report.parameters.get(name, field.placeholder)
        self.render_report()
        counts = ", ".join(f"{len(t.rows)} {t.key.replace('_', ' ')}" for t in report.tables)
        self.query_one(MessageLine).show(Outcome(Tone.POSTED, f"{report.title}: {counts}"))
        return True

    @on(Input.Submitted, ".param")
    def param_submitted(self) -> None:
        if self.run():
            self.set_focus(self.query_one("#report-table", DataTable))

    @on(Input.Changed, ".param")
    def param_typed(self) -> None:
        """Typed but not yet run: say so, so nobody reads old figures as new ones."""
        if self.report is not None:
            self.query_one(MessageLine).info("Enter runs the report with these parameters")

    # --- the current table --------------------------------------------------------------------

    def table(self) -> Table | None:
        if self.report is None:
            return None
        return self.report.table(self.table_key)

    def view(self) -> Table | None:
        """The current table as shown: filtered as typed, then sorted."""
        table = self.table()
        if table is None:
            return None
        shown = table.filtered(self.filter_text)
        if self.sort is not None:
            shown = shown.sorted_by(*self.sort)
        return shown

    def action_next_table(self, step: int = 1) -> None:
        if self.report is None:
            return
        keys = [table.key for table in self.report.tables]
        if len(keys) == 1:
            self.query_one(MessageLine).info(f"{self.report.title} has one table")
            return
        index = keys.index(self.table_key) if self.table_key in keys else 0
        self.table_key = keys[(index + step) % len(keys)]
        self.sort = None
        table = self.table()
        if self.chart_shown and table is not None and table.chart is None:
            self.chart_shown = False
            self.query_one(MessageLine).info(f"{table.title}: no chart for this table")
        self.render_report()

    def action_next_sort(self) -> None:
        """Each press sorts by the next column (numbers largest first), then the report's
        own order again."""
        table = self.table()
        if table is None:
            return
        keys = [column.key for column in table.columns]
        index = keys.index(self.sort[0]) + 1 if self.sort else 0
        if index >= len(keys):
            self.sort = None
        else:
            column = table.columns[index]
            self.sort = (column.key, column.numeric)
        self.render_report()

    def action_reverse_sort(self) -> None:
        table = self.table()
        if table is None:
            return
        if self.sort is None:
            first = table.columns[0]
            self.sort = (first.key, not first.numeric)
        else:
            self.sort = (self.sort[0], not self.sort[1])
        self.render_report()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        if event.value != self.filter_text:
            self.filter_text = event.value
            self.render_report()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.set_focus(self.query_one("#report-table", DataTable))

    def action_focus_filter(self) -> None:
        self.set_focus(self.query_one("#filter", Input))

    def action_chart(self) -> None:
        table = self.table()
        if table is None:
            self.query_one(MessageLine).info("choose a report first (l)")
            return
        if not self.chart_shown and table.chart is None:
            self.query_one(MessageLine).info(f"{table.title}: no chart for this table")
            return
        self.chart_shown = not self.chart_shown
        self.render_report()

    # --- focus --------------------------------------------------------------------------------

    def action_choose(self) -> None:
        self.choosing = True
        self.layout_for_width()
        options = self.query_one("#report-list", OptionList)
        options.highlighted = [spec.name for spec in reports.REPORTS].index(self.spec.name)
        self.set_focus(options)

    def action_params(self) -> None:
        fields = list(self.param_inputs().values())
        if fields:
            self.set_focus(fields[0])
        else:
            self.query_one(MessageLine).info(f"{self.spec.title} takes no parameters")

    def action_back(self) -> None:
        """Esc: out of a field or the list to the table, then back to the queue."""
        focused = self.focused
        table = self.query_one("#report-table", DataTable)
        if isinstance(focused, Input) or (
            isinstance(focused, OptionList) and self.report is not None
        ):
            self.choosing = False
            self.layout_for_width()
            self.set_focus(table)
        else:
            self.storeroom_app.go_back()

    # --- rendering ----------------------------------------------------------------------------

    def show_title(self) -> None:
        spec = self.spec
        width = max((self.size.width or 80) - 4, 20)
        title = Text.assemble((spec.title, "bold"), " · ", (spec.summary, "dim"))
        title.truncate(width, overflow="ellipsis")
        self.query_one("#report-title", Static).update(title)

    def render_report(self) -> None:
        if not self.is_mounted:
            return
        with self.app.batch_update():
            self.show_title()
            self.render_figures()
            self.render_table_bar()
            self.render_table()
            self.render_chart()

    def render_figures(self) -> None:
        figures = self.query_one("#figures", Static)
        report = self.report
        if report is None:
            params = " · ".join(
                f"{p.name}: {p.help}" + (f", empty = {p.default}" if p.default else "")
                for p in self.spec.params
            )
            figures.update(Text(params or "no parameters", style="dim"))
            return
        # whole figures to a line: a label is never parted from its value
        width = max((self.query_one("#results").size.width or 80) - 2, 20)
        lines: list[Text] = []
        for figure in report.figures:
            part = Text.assemble(f"{figure.label} ", (figure_text(figure), "bold"))
            if lines and len(lines[-1]) + 3 + len(part) <= width:
                lines[-1].append(" · ", style="dim")
                lines[-1].append_text(part)
            else:
                lines.append(part)
        figures.update(Text("\n").join(lines))

    def render_table_bar(self) -> None:
        bar = self.query_one("#tables", Static)
        report, view, table = self.report, self.view(), self.table()
        if report is None or view is None or table is None:
            bar.update(Text("not run yet", style="dim"))
            self.query_one("#note", Static).update("")
            return
        tabs: list[Text] = []
        for candidate in report.tables:
            label = f" {candidate.key.replace('_', ' ')} "
            tabs.append(Text(label, style="reverse bold" if candidate.key == table.key else ""))
        count = (
            f"{len(view.rows)} of {len(table.rows)}"
            if len(view.rows) != len(table.rows)
            else f"{len(table.rows)} rows"
        )
        sort = ""
        if self.sort is not None:
            sort = f" · by {table.column(self.sort[0]).title} {'↓' if self.sort[1] else '↑'}"
        line = Text.assemble(*tabs, (f" {count}{sort}", "dim"))
        bar.update(line)
        note = table.title + (f" · {table.note}" if table.note else "")
        if self.chart_shown and table.chart is not None:
            note = f"{table.chart.title or table.title} ({table.chart.kind} chart · c: table)"
        shown = Text(note, style="dim")
        shown.truncate(
            max((self.query_one("#results").size.width or 80) - 2, 10), overflow="ellipsis"
        )
        self.query_one("#note", Static).update(shown)

    @on(DataTable.HeaderSelected, "#report-table")
    def header_clicked(self, event: DataTable.HeaderSelected) -> None:
        """A click on a heading sorts by it; a second click reverses."""
        key = str(event.column_key.value)
        table = self.table()
        if table is None:
            return
        if self.sort is not None and self.sort[0] == key:
            self.sort = (key, not self.sort[1])
        else:
            self.sort = (key, table.column(key).numeric)
        self.render_report()

    def render_table(self) -> None:
        data = self.query_one("#report-table", DataTable)
        view = self.view()
        data.display = not self.chart_shown
        data.clear(columns=True)
        if view is None:
            return
        cells = view.formatted()
        widths: list[int] = []
        for position, column in enumerate(view.columns):
            heading = column.title
            if self.sort is not None and self.sort[0] == column.key:
                heading += " ↓" if self.sort[1] else " ↑"
            widest = max([len(heading), *(len(row[position]) for row in cells)])
            widths.append(widest if column.numeric else min(widest, TEXT_CAP))
            justify = "right" if column.numeric else "left"
            data.add_column(Text(heading, justify=justify), width=widths[-1], key=column.key)
        for index, row in enumerate(cells):
            texts = [
                Text(
                    cell if len(cell) <= width else cell[: width - 1] + "…",
                    justify="right" if column.numeric else "left",
                )
                for column, cell, width in zip(view.columns, row, widths, strict=True)
            ]
            data.add_row(*texts, key=str(index))
        if not cells:
            empty = "no rows match the filter" if self.filter_text else "no rows"
            data.add_row(Text(empty, style="dim"), *[""] * (len(view.columns) - 1), key="empty")

    def render_chart(self) -> None:
        plot = self.query_one("#chart", PlotextPlot)
        view = self.view()
        plot.display = self.chart_shown
        if not self.chart_shown or view is None or view.chart is None:
            return
        chart = view.chart
        width = self.query_one("#results").size.width or 80
        # bars need room for their labels; a line takes every point (its ticks are thinned)
        room = len(view.rows) if chart.kind == "line" else max((width - 12) // 8, 3)
        rows = view.rows[:room]
        x = view.column(chart.x)
        labels = [x.format(row[view.index(chart.x)]) or "-" for row in rows]
        series = [
            [chart_number(view, key, row[view.index(key)]) for row in rows] for key in chart.y
        ]
        names = [view.column(key).title for key in chart.y]
        plt = plot.plt
        plt.clear_figure()
        title = chart.title or view.title
        if len(view.rows) > len(rows):
            title += f" (first {len(rows)} of {len(view.rows)} rows)"
        plt.title(title)
        if not rows:
            plot.refresh()
            return
        if len(series) == 1:  # no legend: the title names what is drawn
            plt.title(f"{title}: {names[0]}")
        if chart.kind == "line":
            positions = list(range(1, len(rows) + 1))
            for name, values in zip(names, series, strict=True):
                plt.plot(positions, values, label=name if len(series) > 1 else None)
            step = max(len(labels) // max(width // 9, 1), 1)
            plt.xticks(positions[::step], labels[::step])
        elif chart.kind == "stacked" and len(series) > 1:
            plt.stacked_bar(labels, series, labels=names)
        elif len(series) > 1:
            plt.multiple_bar(labels, series, labels=names)
        else:
            plt.bar(labels, series[0])
        if len(series) > 1:
            # the legend sits in the top left corner: leave it room above the bars
            stacked = chart.kind == "stacked"
            tops = [sum(v) if stacked else max(v) for v in zip(*series, strict=True)]
            lowest = min(0.0, *(min(values) for values in series))
            top = max(tops) if tops else 0.0
            plt.ylim(lowest, top + (top - lowest) * 0.4 + 1)
        plot.refresh()

    # --- export -------------------------------------------------------------------------------

    def default_files(self) -> dict[str, str]:
        assert self.report is not None
        day = today().isoformat()
        return {
            "csv": f"{self.report.name}-{self.table_key}-{day}.csv",
            "xlsx": f"{self.report.name}-{day}.xlsx",
            "json": f"{self.report.name}-{day}.json",
        }

    def action_export(self, given: ExportRequest | None = None, problem: str = "") -> None:
        if self.report is None:
            self.query_one(MessageLine).info("choose and run a report first (l)")
            return
        defaults = self.default_files()
        given = given or ExportRequest("csv", defaults["csv"])
        what = f"{self.report.title} (table shown: {self.table_key})"

        def answered(request: ExportRequest | None) -> None:
            if request is None:
                self.query_one(MessageLine).info("export dropped; nothing written")
            else:
                self.write_export(request)

        self.app.push_screen(ExportDialog(what, defaults, given, problem), answered)

    def write_export(self, request: ExportRequest, overwrite: bool = False) -> None:
        report = self.report
        assert report is not None
        try:
            fmt = parse_format(request.format)
        except StoreroomError as error:
            self.query_one(MessageLine).error(error.message)
            self.action_export(request, error.message)
            return
        path = Path(request.path or self.default_files()[fmt]).expanduser()
        target = path if path.is_absolute() else Path.cwd() / path
        if target.exists() and not overwrite:
            self.app.push_screen(
                ConfirmDialog(f"{target} exists. Write over it? (y / n)"),
                lambda yes: (
                    self.write_export(request, True)
                    if yes
                    else self.action_export(request, f"{target.name} exists: choose another file")
                ),
            )
            return
        try:
            done = export(report, fmt, target, self.table_key if fmt == "csv" else None)
        except StoreroomError as error:
            self.query_one(MessageLine).error(error.message)
            self.action_export(request, error.message)
            return
        tables = ", ".join(done.tables)
        self.query_one(MessageLine).show(
            Outcome(Tone.POSTED, f"wrote {done.rows} rows ({tables}) as {fmt} to {target}")
        )
