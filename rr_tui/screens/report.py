"""Timeliness figures for a year, with a simple bar chart per quarter."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from rr_tui.records import CaseRecord
from rr_tui.screens.base import RRScreen
from rr_tui.timeliness import (
    LABELS,
    MEASURES,
    Figure,
    Period,
    by_quarter,
    calendar_year,
    figures,
    financial_year,
)
from rr_tui.widgets.palette import state_styles
from rr_tui.widgets.plain import plain_row

if TYPE_CHECKING:
    from rr_tui.store import Store

BAR = 20


def bar(figure: Figure, style: str) -> Text:
    """``████████░░ 8/10 met`` — the share met, in working-day terms."""
    text = Text()
    if figure.total == 0:
        text.append("░" * BAR, style="dim")
        text.append("  none recorded")
    else:
        filled = round(BAR * figure.met / figure.total)
        text.append("█" * filled, style=style)
        text.append("░" * (BAR - filled), style="dim")
        text.append(f" {figure.met}/{figure.total} met ({100 * figure.met // figure.total}%)")
    if figure.pending:
        text.append(f", {figure.pending} pending")
    return text


class ReportScreen(RRScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="report.back", tooltip="Back to the case list"),
        Binding(
            "left_square_bracket",
            "shift(-1)",
            "Earlier",
            id="report.earlier",
            key_display="[",
            tooltip="The year before",
        ),
        Binding(
            "right_square_bracket",
            "shift(1)",
            "Later",
            id="report.later",
            key_display="]",
            tooltip="The year after",
        ),
        Binding(
            "f",
            "toggle_kind",
            "Year kind",
            id="report.kind",
            tooltip="Switch between financial (April to March) and calendar years",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.records: list[CaseRecord] | None = None
        self.financial = True
        self.year = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="report-body"):
            yield Static("Loading…", id="report-view", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        today = self.rr.today
        self.year = today.year if today.month >= 4 else today.year - 1
        self.query_one("#report-body").focus()

        def job(store: Store) -> list[CaseRecord]:
            return store.list_cases(include_closed=True)

        self.rr.run_db(job, self._loaded, group="report")

    def _loaded(self, records: list[CaseRecord]) -> None:
        self.records = records
        self._draw()

    def _period(self) -> Period:
        return financial_year(self.year) if self.financial else calendar_year(self.year)

    def _draw(self) -> None:
        if self.records is None:
            return
        profile, period = self.rr.profile, self._period()
        st = state_styles(self.app)
        kind = "financial year" if self.financial else "calendar year"
        parts: list[Table | Text] = [
            Text(
                f"Timeliness, {kind} {period.label}  (press [ or ] to move, f to switch)\n",
                style="bold",
            )
        ]
        totals = figures(self.records, profile, period)
        summary = Table(box=None, padding=(0, 1), header_style="bold", expand=True)
        for name in ("Measure", "Met", "Total", "Pending", "Median WD"):
            summary.add_column(name, no_wrap=name != "Measure")
        for measure in MEASURES:
            f = totals[measure]
            median = "—" if f.median_wd is None else f"{f.median_wd:g}"
            plain_row(summary, LABELS[measure], str(f.met), str(f.total), str(f.pending), median)
        parts.append(summary)
        for measure in MEASURES:
            chart = Table.grid(padding=(0, 1))
            chart.add_column(no_wrap=True)
            chart.add_column()
            for quarter, result in by_quarter(self.records, profile, period):
                plain_row(chart, quarter.label, bar(result[measure], st["green"]))
            parts.append(Text(f"\n{LABELS[measure]}", style="bold"))
            parts.append(chart)
        self.query_one("#report-view", Static).update(Group(*parts))

    def action_shift(self, delta: int) -> None:
        self.year += delta
        self._draw()

    def action_toggle_kind(self) -> None:
        self.financial = not self.financial
        self._draw()

    def action_back(self) -> None:
        self.app.pop_screen()
