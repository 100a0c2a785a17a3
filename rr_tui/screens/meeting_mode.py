"""Meeting mode: a large, read-only view to share on screen in a meeting.

Shows no child's name or notes: only references, steps and dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from rr_tui.dates import uk
from rr_tui.records import CaseRecord
from rr_tui.rules.schedule import (
    RAG_GLYPHS,
    RAG_WORDS,
    STATE_GLYPHS,
    clock_bar,
    compute,
    provisional_note,
)
from rr_tui.sanitize import for_display
from rr_tui.screens.base import PollingScreen
from rr_tui.widgets.case_table import CaseTable, Row, natural_widths
from rr_tui.widgets.meeting_table import MEETING_COLUMNS, meeting_rows
from rr_tui.widgets.palette import state_styles
from rr_tui.widgets.plain import plain_row
from rr_tui.widgets.progress import progress_bar

if TYPE_CHECKING:
    from rr_tui.store import Store

POLL_SECONDS = 3.0


class MeetingModeScreen(PollingScreen):
    """Every open case (a virtual table, like the case list), or one case's timeline."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,M,q",
            "close",
            "Leave meeting mode",
            id="meeting.close",
            tooltip="Leave meeting mode",
        ),
    ]

    def __init__(
        self,
        case_id: int | None,
        rows: Sequence[Row] | None = None,
        *,
        token: int = -1,
        today: date | None = None,
    ) -> None:
        """``rows``: the case list's open cases, already made, to show at once, as of
        the change ``token`` and ``today`` the list read them with. Meeting mode reads
        them again only when something changes (or the date moves on)."""
        super().__init__()
        self.case_id = case_id
        self.handed_rows = rows
        self.token = token
        self.handed_today = today
        self.loaded_today: date | None = None
        # Each load is stamped; an answer from an older load is dropped.
        self.generation = 0

    def compose(self) -> ComposeResult:
        if self.case_id is None:
            yield Static(self._title(None), id="meeting-title", markup=False)
            yield CaseTable(MEETING_COLUMNS, id="meeting-table")
        else:
            with VerticalScroll(id="meeting-body"):
                yield Static("Loading…", id="meeting-view", markup=False)
        yield Static(
            "Meeting mode: read only. escape to leave."
            if self.case_id is not None
            else "Meeting mode, read only: ↑ ↓ move, enter shows a case, escape leaves.",
            id="meeting-hint",
            markup=False,
        )

    def on_mount(self) -> None:
        if self.case_id is not None:
            self._load_case(self.case_id)
            return
        table = self.query_one(CaseTable)
        table.focus()
        if self.handed_rows is not None and self.handed_today is not None:
            self._show_rows(list(self.handed_rows), self.handed_today)
            self.handed_rows = None
        else:
            self.load()
        self.set_interval(POLL_SECONDS, self._poll)

    # -- the list of open cases ---------------------------------------------------------

    def load(self) -> None:
        profile, app = self.rr.profile, self.rr
        self.generation += 1
        generation = self.generation

        def job(store: Store) -> tuple[int, int, list[Row], date]:
            token = store.change_token()
            today = app.today
            return generation, token, meeting_rows(store.list_cases(), profile, today), today

        self.rr.run_db(job, self._loaded, group="meeting", exclusive=True)

    def _loaded(self, answer: tuple[int, int, list[Row], date]) -> None:
        generation, token, rows, today = answer
        if generation != self.generation or not self.is_mounted:
            return  # a newer load was asked for: this answer is stale
        self.token = token
        self._show_rows(rows, today)

    def _show_rows(self, rows: list[Row], today: date) -> None:
        self.loaded_today = today
        table = self.query_one(CaseTable)
        table.empty_message = "No open cases."
        table.set_natural(natural_widths(MEETING_COLUMNS, rows))
        table.set_rows(rows)
        self.query_one("#meeting-title", Static).update(self._title(today, rows))

    def _title(self, today: date | None, rows: Sequence[Row] | None = None) -> Text:
        text = Text(f"Open rapid reviews · {uk(today, 'loading…')}", style="bold")
        if rows is not None:
            counts: dict[str, int] = {}
            for row in rows:
                counts[row.rag] = counts.get(row.rag, 0) + 1
            for rag in RAG_GLYPHS:
                if counts.get(rag):
                    text.append(f"   {RAG_GLYPHS[rag]} {counts[rag]} {rag}")
        return text

    def _poll(self) -> None:
        """Someone recorded something during the meeting, or the date moved on: show it."""
        self.poll_for_changes("meeting-poll")

    @on(CaseTable.Selected)
    def _open(self, event: CaseTable.Selected) -> None:
        self.app.push_screen(MeetingModeScreen(event.key))

    # -- one case -------------------------------------------------------------------------

    def _load_case(self, case_id: int) -> None:
        def job(store: Store) -> CaseRecord:
            return store.get_case(case_id)

        self.rr.run_db(job, self._show_case, group="meeting")

    def _show_case(self, record: CaseRecord) -> None:
        profile, today = self.rr.profile, self.rr.today
        view = self.query_one("#meeting-view", Static)
        schedule = compute(record.facts(), profile, today)
        table = Table(box=None, padding=(0, 2), show_header=False, expand=True)
        table.add_column(no_wrap=True)
        table.add_column(ratio=1)
        table.add_column(no_wrap=True)
        for step in schedule.steps:
            when = f"done {uk(step.done)}" if step.done else f"due {uk(step.due, '—')}"
            if step.done is None and step.provisional and step.due is not None:
                when += f" ({provisional_note(step)})"
            plain_row(table, f"{STATE_GLYPHS[step.state]} {step.state.upper()}", step.label, when)
        head = Text(f"{for_display(record.reference)}   ", style="bold")
        head.append(f"{RAG_GLYPHS[schedule.rag]} {RAG_WORDS[schedule.rag]}   {uk(today)}\n")
        clock = progress_bar(clock_bar(schedule, profile, today), profile, state_styles(self.app))
        view.update(_stack(head, table, Text("\n") + clock))

    def action_close(self) -> None:
        self.app.pop_screen()


def _stack(*parts: RenderableType) -> Table:
    grid = Table.grid(expand=True)
    grid.add_column()
    for part in parts:
        plain_row(grid, part)
    return grid
