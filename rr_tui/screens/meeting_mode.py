"""Meeting mode: a large, read-only view to share on screen in a meeting.

Shows no child's name or notes: only references, steps and dates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from rr_tui.dates import uk
from rr_tui.records import CaseRecord
from rr_tui.sanitize import for_display
from rr_tui.schedule import RAG_GLYPHS, RAG_WORDS, STATE_GLYPHS, compute
from rr_tui.screens.base import RRScreen
from rr_tui.views import build_views
from rr_tui.widgets.palette import state_styles
from rr_tui.widgets.plain import plain_row
from rr_tui.widgets.progress import progress_bar

if TYPE_CHECKING:
    from rr_tui.store import Store


class MeetingModeScreen(RRScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,M,q", "close", "Leave meeting mode", id="meeting.close"),
    ]

    def __init__(self, case_id: int | None) -> None:
        super().__init__()
        self.case_id = case_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="meeting-body"):
            yield Static("Loading…", id="meeting-view", markup=False)
        yield Static("Meeting mode: read only. escape to leave.", id="meeting-hint")

    def on_mount(self) -> None:
        case_id = self.case_id

        def job(store: Store) -> list[CaseRecord]:
            if case_id is None:
                return store.list_cases()
            return [store.get_case(case_id)]

        self.rr.run_db(job, self._show, group="meeting")

    def _show(self, records: list[CaseRecord]) -> None:
        profile, today = self.rr.profile, self.rr.today
        view = self.query_one("#meeting-view", Static)
        if self.case_id is not None and records:
            record = records[0]
            schedule = compute(record.facts(), profile, today)
            table = Table(box=None, padding=(0, 2), show_header=False, expand=True)
            table.add_column(no_wrap=True)
            table.add_column(ratio=1)
            table.add_column(no_wrap=True)
            for step in schedule.steps:
                when = f"done {uk(step.done)}" if step.done else f"due {uk(step.due, '—')}"
                plain_row(
                    table, f"{STATE_GLYPHS[step.state]} {step.state.upper()}", step.label, when
                )
            head = Text(f"{for_display(record.reference)}   ", style="bold")
            head.append(f"{RAG_GLYPHS[schedule.rag]} {RAG_WORDS[schedule.rag]}   {uk(today)}\n")
            panel = next((s for s in schedule.steps if s.id == "panel_notified"), None)
            clock = progress_bar(
                record.done.get("referral_received"),
                panel.due if panel else None,
                today,
                panel.done if panel else None,
                state_styles(self.app),
            )
            view.update(_stack(head, table, Text("\n") + clock))
            return
        table = Table(box=None, padding=(0, 2), expand=True, header_style="bold")
        for name in ("State", "Reference", "Next step", "Due"):
            table.add_column(name, no_wrap=True)
        for v in build_views(records, profile, today):
            rag = v.schedule.rag
            plain_row(
                table,
                f"{RAG_GLYPHS[rag]} {RAG_WORDS[rag]}",
                for_display(v.record.reference),
                v.next_step.label if v.next_step else "—",
                uk(v.next_due, ""),
            )
        view.update(_stack(Text(f"Open rapid reviews · {uk(today)}\n", style="bold"), table))

    def action_close(self) -> None:
        self.app.pop_screen()


def _stack(*parts: RenderableType) -> Table:
    grid = Table.grid(expand=True)
    grid.add_column()
    for part in parts:
        plain_row(grid, part)
    return grid
