"""Timeliness figures for a year, with a simple bar chart per quarter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from rr_tui.errors import RRError
from rr_tui.records import CaseRecord
from rr_tui.reports.timeliness import (
    MEASURES,
    Figure,
    Period,
    by_quarter,
    calendar_year,
    counts,
    counts_summary,
    figures,
    financial_year,
    labels,
)
from rr_tui.screens.base import RRScreen
from rr_tui.widgets.footer import KeyBar
from rr_tui.widgets.palette import state_styles
from rr_tui.widgets.plain import plain_row

if TYPE_CHECKING:
    from rr_tui.store import Store

BAR = 20


@dataclass(frozen=True)
class Figures:
    """One period's figures, worked out in a worker: the year, then each quarter."""

    period: Period
    totals: dict[str, Figure]
    quarters: list[tuple[Period, dict[str, Figure]]]


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
        # Figures are worked out in a thread worker, once per period (financial, year).
        self.cache: dict[tuple[bool, int], Figures] = {}
        # Each request is stamped; the answer to an older one is kept but not drawn.
        self.generation = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="report-body"):
            yield Static("Loading…", id="report-view", markup=False)
        yield KeyBar(compact=True)

    def on_mount(self) -> None:
        today = self.rr.today
        self.year = today.year if today.month >= 4 else today.year - 1
        self.query_one("#report-body").focus()

        def job(store: Store) -> list[CaseRecord]:
            return store.list_cases(include_closed=True)

        self.rr.run_db(job, self._loaded, group="report", exclusive=True)

    def _loaded(self, records: list[CaseRecord]) -> None:
        self.records = records
        self._draw()

    def _period(self) -> Period:
        return financial_year(self.year) if self.financial else calendar_year(self.year)

    def _draw(self) -> None:
        if self.records is None:
            return
        key = (self.financial, self.year)
        cached = self.cache.get(key)
        if cached is not None:
            self._show_figures(cached)
            return
        self.generation += 1
        generation, records, profile, period, today = (
            self.generation,
            self.records,
            self.rr.profile,
            self._period(),
            self.rr.today,
        )
        self.query_one("#report-view", Static).update(
            Text(f"{self._heading(period)}\nWorking out the figures…", style="bold")
        )

        def work() -> None:
            # Off the UI thread: every case's schedule, for the year and its quarters.
            try:
                result = Figures(
                    period,
                    figures(records, profile, period, today),
                    by_quarter(records, profile, period, today),
                )
            except Exception as exc:  # reported, never lost with the worker
                error = RRError(f"the figures could not be worked out ({type(exc).__name__})")
                self.app.call_from_thread(self.rr.report, error)
                return
            self.app.call_from_thread(self._figured, generation, key, result)

        self.run_worker(work, thread=True, group="report-figures", exit_on_error=False)

    def _figured(self, generation: int, key: tuple[bool, int], result: Figures) -> None:
        self.cache[key] = result
        if generation == self.generation and self.is_mounted:
            self._show_figures(result)

    def _heading(self, period: Period) -> str:
        kind = "financial year" if self.financial else "calendar year"
        return f"Timeliness, {kind} {period.label}  (press [ or ] to move, f to switch)"

    def _show_figures(self, result: Figures) -> None:
        st = state_styles(self.app)
        parts: list[Table | Text] = [Text(f"{self._heading(result.period)}\n", style="bold")]
        totals = result.totals
        names = labels(self.rr.profile)
        summary = Table(box=None, padding=(0, 1), header_style="bold", expand=True)
        for name in ("Measure", "Met", "Total", "Missed", "Pending", "Median WD"):
            summary.add_column(name, no_wrap=name != "Measure")
        for measure in MEASURES:
            f = totals[measure]
            median = "—" if f.median_wd is None else f"{f.median_wd:g}"
            plain_row(
                summary,
                names[measure],
                str(f.met),
                str(f.total),
                str(f.missed),
                str(f.pending) + (f" (+{f.paused} paused)" if f.paused else ""),
                median,
            )
        parts.append(summary)
        if self.records is not None:
            in_period = counts_summary(counts(self.records, result.period), sep=" · ")
            parts.append(Text(f"\nIn the period: {in_period}"))
        for measure in MEASURES:
            chart = Table.grid(padding=(0, 1))
            chart.add_column(no_wrap=True)
            chart.add_column()
            for quarter, figures_of in result.quarters:
                plain_row(chart, quarter.label, bar(figures_of[measure], st["green"]))
            parts.append(Text(f"\n{names[measure]}", style="bold"))
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
