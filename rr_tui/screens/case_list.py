"""The home screen: every open case, most urgent first."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from rr_tui.dates import uk, uk_short
from rr_tui.messages import FirstPageRead, StoreReady
from rr_tui.rules.profile import Profile
from rr_tui.rules.schedule import PROVISIONAL_MARK, RAG_GLYPHS, RAG_WORDS, compute
from rr_tui.sanitize import for_display
from rr_tui.screens.base import PollingScreen
from rr_tui.widgets.case_filter import fold, state_words
from rr_tui.widgets.case_table import CaseTable, Column, Row, natural_widths
from rr_tui.widgets.footer import KeyBar

if TYPE_CHECKING:
    from rr_tui.records import CaseRecord
    from rr_tui.store import Store

POLL_SECONDS = 3.0


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Spare width goes to the columns whose text needs it (widgets.case_table.layout);
# on a narrow terminal the stage, then the child, then the owner are hidden, and
# the due date keeps its day and month ("24 Nov").
COLUMNS = (
    Column("state", "State", 7, max_width=16, fit=True),
    Column("reference", "Reference", 13, max_width=40),
    Column("child", "Child", 7, max_width=40, min_width=5, drop=2, keep_count=True),
    Column("stage", "Stage", 11, max_width=24, min_width=8, drop=3),
    Column("next", "Next step", 14, max_width=40, min_width=8),
    Column("due", "Due", 10, min_width=6, keep_end=True),
    Column("left", "WD", 4, right=True),
    Column("owner", "Owner", 6, max_width=40, min_width=5, drop=1),
)
SORT_NAMES = ("urgency", *(c.label.lower() for c in COLUMNS[1:]))


@dataclass(frozen=True)
class Loaded:
    rows: list[Row]
    counts: dict[str, int]
    token: int
    today: date
    # Open cases in all, when these rows are only the first screenful of them.
    partial_of: int | None = None
    # The width each column's longest text needs (widgets.case_table.natural_widths).
    natural: tuple[int, ...] | None = None
    # Whether the database holds no case at all, open or closed.
    no_cases: bool = False


STATE_CELLS = {rag: f"{RAG_GLYPHS[rag]} {RAG_WORDS[rag].title()}" for rag in RAG_GLYPHS}


# What ``row_maker`` makes of one case: its urgency, id, cells, state, due date,
# slack and its next step's full label (``sorted_rows`` makes the table rows).
Made = tuple[tuple[int, date, str], int, tuple[str, ...], str, date | None, int | None, str]


def make_rows(records: list[CaseRecord], profile: Profile, today: date) -> list[Row]:
    """Table rows in triage order; pure, so it runs in a worker thread.

    Takes the records over and keeps only what a row shows: each case's record
    and schedule are let go as soon as its cells are made (see ``row_maker``).
    """
    make = row_maker(profile, today)
    made = []
    while records:
        made.append(make(records.pop()))
    return sorted_rows(made)


def row_maker(profile: Profile, today: date) -> Callable[[CaseRecord], Made]:
    """What a row needs of a case, made from its record (which it does not keep).

    Cells that recur (states, stages, dates, slack, owners, child labels) are
    shared strings. The full list hands each record over as it is read
    (``Store.map_cases``): with 10,000 cases, the records never coexist.
    """
    # Imported here, not at the top: the records' dataclasses cost about 12 ms,
    # which the first frame (this screen's class) need not wait for.
    from rr_tui.rules.triage import CaseView, urgency

    shared: dict[object, str] = {}

    def once(value: object, text: str) -> str:
        return shared.setdefault(value, text)

    def shown(value: str) -> str:
        # Each row's text read from the database is its own string, even a
        # recurring owner: one shared copy each (keys: the raw text, whose
        # display text it always is).
        text = shared.get(value)
        if text is None:
            text = shared[value] = for_display(value)
        return text

    def make(record: CaseRecord) -> Made:
        view = CaseView(record, compute(record.facts(), profile, today))
        fields, named = record.fields, view.named_step
        rag, due, slack = view.schedule.rag, view.next_due, view.slack
        # The mark says the clock (or this deadline) counts from a stand-in fact.
        provisional = view.due_provisional
        cells = (
            STATE_CELLS[rag],
            for_display(fields.reference),
            shown(record.child_label),
            view.schedule.stage,
            profile.short_label(named.id) if named else "—",
            once((due, provisional), uk_short(due, "") + (PROVISIONAL_MARK if provisional else "")),
            once(slack, "" if slack is None else str(slack)),
            shown(fields.owner),
        )
        return (urgency(view), record.id, cells, rag, due, slack, named.label if named else "")

    return make


def sorted_rows(made: list[Made]) -> list[Row]:
    """The table rows in triage order, from what ``row_maker`` made (taken over)."""
    made.sort(key=lambda item: item[0])
    made.reverse()  # popped from the end, most urgent first
    rows: list[Row] = []
    # Sort values: the triage rank, then the cells themselves (the table folds
    # case when it sorts), except the due date and slack, which sort as such.
    # Each case's tuple is let go as its row is made.
    while made:
        _, case_id, cells, rag, due, slack, label = made.pop()
        rows.append(
            Row(
                case_id,
                cells,
                rag,
                (
                    len(rows),
                    cells[1],
                    cells[2],
                    cells[3],
                    cells[4],
                    due or date.max,
                    slack if slack is not None else 10**6,
                    cells[7],
                ),
                label,
            )
        )
    return rows


def search_text(row: Row) -> str:
    """What the filter matches, folded (case and accents ignored): reference, child,
    state (word and meaning), stage, next step (short and full label) and owner."""
    cells = row.cells
    return fold(
        f"{cells[1]}\t{cells[2]}\t{state_words(row.rag)}\t{cells[3]}\t{cells[4]}\t"
        f"{row.words}\t{cells[7]}"
    )


EMPTY_DATABASE = """This database has no cases yet. To start:
  • press n to add a case, or
  • bring in your current tracker from the shell:
      rr-tui import FILE      (FILE: a CSV or xlsx spreadsheet)"""


class CaseListScreen(PollingScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_case", "New", id="list.new", tooltip="Create a new case"),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="list.filter",
            tooltip=(
                "Filter as you type (case and accents ignored; also a state such as red "
                "or overdue, an owner, a stage or a step); enter goes to the first "
                "match, or opens the only one; escape clears"
            ),
        ),
        Binding(
            "s",
            "sort",
            "Sort",
            id="list.sort",
            tooltip="Sort by the next column (urgency, reference, child, …)",
        ),
        Binding(
            "S",
            "reverse_sort",
            "Reverse",
            id="list.reverse",
            show=False,
            tooltip="Reverse the order (least urgent first, Z to A, …)",
        ),
        Binding(
            "c", "toggle_closed", "Closed", id="list.closed", tooltip="Show or hide closed cases"
        ),
        Binding(
            "M",
            "meeting_mode",
            "Meeting",
            id="list.meeting",
            show=False,
            tooltip="Meeting mode: a large view to share on screen",
        ),
        Binding(
            "C",
            "chase",
            "Chase",
            id="list.chase",
            show=False,
            tooltip="Agency returns and actions to chase, with chaser and reminder texts to copy",
        ),
        Binding(
            "R",
            "report",
            "Report",
            id="list.report",
            show=False,
            tooltip="Timeliness figures for the yearly report",
        ),
        Binding(
            "f5",
            "reload",
            "Reload",
            show=False,
            id="list.reload",
            tooltip="Reload now (the list also reloads by itself within seconds)",
        ),
        Binding(
            "escape", "clear_filter", "Clear filter", id="list.clear", tooltip="Clear the filter"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_closed = False
        self.token = -1
        self.all_rows: list[Row] = []
        self.counts: dict[str, int] = {}
        self.loaded_today: date | None = None
        self.sort_index = 0
        # Open cases in all, while only the first screenful is shown.
        self.partial_of: int | None = None
        self.no_cases = False
        # The filter's folded text of each row, made the first time it is needed.
        self._search: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(self._summary_text(), id="summary", markup=False)
        yield Input(
            placeholder="Filter: reference, child, owner, stage, step or state (red…)",
            id="filter",
        )
        yield CaseTable(COLUMNS, id="cases")
        yield KeyBar(compact=True)

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.query_one(CaseTable).focus()
        self.set_interval(POLL_SECONDS, self._poll)
        if self.rr.store is not None:
            self.load()

    def on_store_ready(self, _message: StoreReady) -> None:
        self.load()

    def on_first_page_read(self, message: FirstPageRead) -> None:
        """Show the most urgent cases while the full list loads behind them."""
        if self.token != -1 or self.show_closed:
            self.rr.first_page_shown()
            return  # the full list is here already, or closed cases were asked for
        page, today = message.page, message.today
        rows = make_rows(list(page.records), self.rr.profile, today)
        self._loaded(Loaded(rows, {**page.counts, "closed": 0}, -1, today, page.open_cases))
        self.call_after_refresh(self.rr.first_page_shown)

    def on_screen_resume(self) -> None:
        """Back from a case or a form: reload only when something changed meanwhile."""
        if self.rr.store is not None and self.token != -1:
            self._poll()  # (before the first full load, that load is on its way)

    # -- loading --------------------------------------------------------------

    def load(self) -> None:
        profile, closed, app = self.rr.profile, self.show_closed, self.rr

        def job(store: Store) -> Loaded:
            token = store.change_token()
            # Tens of thousands of short-lived tuples: the garbage collector would
            # otherwise walk every live object again and again (a third of the load).
            # Today (and its time-zone import) is worked out here, off the first frame.
            today = app.today
            with gc_paused():
                # Each case's record becomes its row as soon as it is read: the
                # records never all coexist (they were the load's peak memory).
                made = store.map_cases(row_maker(profile, today), include_closed=closed)
                made.reverse()  # as make_rows takes records (from the end): ties keep that order
                rows = sorted_rows(made)
            counts = {"red": 0, "amber": 0, "incomplete": 0, "green": 0, "closed": 0}
            for row in rows:
                counts[row.rag] = counts.get(row.rag, 0) + 1
            no_cases = not rows and not store.references()
            return Loaded(rows, counts, token, today, None, natural_widths(COLUMNS, rows), no_cases)

        self.rr.run_db(job, self._loaded, group="list", exclusive=True)

    def _loaded(self, loaded: Loaded) -> None:
        self.token, self.loaded_today = loaded.token, loaded.today
        self.partial_of = loaded.partial_of
        self.all_rows, self.counts = loaded.rows, loaded.counts
        self.no_cases = loaded.no_cases
        self._search = {}
        table = self.query_one(CaseTable)
        table.set_natural(loaded.natural or natural_widths(COLUMNS, loaded.rows))
        self._apply_filter()
        self.query_one("#summary", Static).update(self._summary_text())

    def _empty_message(self, needle: str) -> str:
        if needle:
            return f"No case matches “{needle}”. escape clears the filter."
        if self.no_cases:
            return EMPTY_DATABASE
        if self.show_closed:
            return "No cases. Press n to add one."
        return "No open cases. Press n to add one, or c to show closed cases."

    def _poll(self) -> None:
        """Reload when anyone changed anything, or the date moved on."""
        self.poll_for_changes("poll")

    def _summary_text(self) -> Text:
        today = self.loaded_today
        text = Text()
        if self.rr.demo:
            text.append(" DEMO DATA ", style="reverse")
            text.append(" ")
        text.append(uk(today, "rr-tui"), style="bold")
        if not self.counts:
            text.append("  ·  loading…")
            return text
        text.append("  ")
        for rag in ("red", "amber", "incomplete", "green"):
            if rag == "incomplete" and not self.counts.get(rag):
                continue
            text.append(f"  {RAG_GLYPHS[rag]} {self.counts.get(rag, 0)} {rag}")
        if self.show_closed:
            text.append(f"  {RAG_GLYPHS['closed']} {self.counts['closed']} closed")
        if self.partial_of is not None and self.partial_of > len(self.all_rows):
            text.append(f"  ·  loading all {self.partial_of}…")
            return text
        filtered = self.query_one(CaseTable).rows if self.is_mounted else []
        shown = len(filtered)
        if shown != len(self.all_rows):
            text.append(f"  ·  {shown} of {len(self.all_rows)} shown")
        return text

    # -- filtering and sorting --------------------------------------------------

    def _apply_filter(self, keep: int | None = None) -> None:
        typed = self.query_one("#filter", Input).value.strip()
        needle = fold(typed)
        rows = self.all_rows
        if needle:
            search = self._search
            if len(search) < len(rows):
                for row in rows:
                    if row.key not in search:
                        search[row.key] = search_text(row)
            rows = [r for r in rows if needle in search[r.key]]
        table = self.query_one(CaseTable)
        table.empty_message = self._empty_message(for_display(typed))
        table.set_rows(rows, keep=keep)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, _event: Input.Changed) -> None:
        self._apply_filter()
        self.query_one("#summary", Static).update(self._summary_text())

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, _event: Input.Submitted) -> None:
        table = self.query_one(CaseTable)
        table.action_jump(0)
        table.focus()
        if len(table.rows) == 1:
            table.action_select()  # one match: open it

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        table = self.query_one(CaseTable)
        key = table.cursor_key
        box.value = ""
        box.display = False
        self._apply_filter(keep=key)
        table.focus()
        self.query_one("#summary", Static).update(self._summary_text())

    def action_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORT_NAMES)
        table = self.query_one(CaseTable)
        table.sort_by(None if self.sort_index == 0 else self.sort_index)
        self.notify(f"Sorted by {SORT_NAMES[self.sort_index]}", timeout=2)

    def action_reverse_sort(self) -> None:
        table = self.query_one(CaseTable)
        reverse = not table.sort_reverse
        table.sort_by(None if self.sort_index == 0 else self.sort_index, reverse)
        if self.sort_index == 0:
            order = "least urgent first" if reverse else "most urgent first"
        else:
            order = "descending" if reverse else "ascending"
        self.notify(f"Sorted by {SORT_NAMES[self.sort_index]}, {order}", timeout=2)

    def action_toggle_closed(self) -> None:
        self.show_closed = not self.show_closed
        self.notify(
            "Showing closed cases" if self.show_closed else "Hiding closed cases", timeout=2
        )
        self.load()

    def action_reload(self) -> None:
        self.load()

    # -- navigation -------------------------------------------------------------

    @on(CaseTable.Selected)
    def _open(self, event: CaseTable.Selected) -> None:
        from rr_tui.screens.case_detail import CaseScreen

        self.app.push_screen(CaseScreen(event.key))

    def action_new_case(self) -> None:
        from rr_tui.screens.case_form import CaseForm

        def created(case_id: int | None) -> None:
            if case_id:
                self.notify("Case saved", timeout=3)
                self.load()

        self.app.push_screen(CaseForm(None), created)

    def action_meeting_mode(self) -> None:
        from rr_tui.screens.meeting_mode import MeetingModeScreen

        rows = self._meeting_rows()
        token, today = (self.token, self.loaded_today) if rows is not None else (-1, None)
        self.app.push_screen(MeetingModeScreen(None, rows, token=token, today=today))

    def _meeting_rows(self) -> list[Row] | None:
        """The open cases as meeting mode shows them, made from the rows already here.

        Meeting mode then shows them at once, and reads them again itself only
        when something changes. Only once the whole list is here (not its first
        screenful).
        """
        if self.token == -1:
            return None
        from rr_tui.widgets.meeting_table import meeting_row  # with meeting mode, not at start

        rows: list[Row] = []
        for row in self.all_rows:
            if row.rag == "closed":
                continue
            due = row.sort_values[5]
            step = row.words or ("" if row.cells[4] == "—" else row.cells[4])
            rows.append(
                meeting_row(
                    row.key,
                    len(rows),
                    row.rag,
                    row.cells[1],
                    step,
                    None if due == date.max else due,
                )
            )
        return rows

    def action_chase(self) -> None:
        from rr_tui.screens.chase import ChaseScreen

        self.app.push_screen(ChaseScreen())

    def action_report(self) -> None:
        from rr_tui.screens.report import ReportScreen

        self.app.push_screen(ReportScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        box = self.query_one("#filter", Input)
        if action == "clear_filter":
            return box.display
        if action == "filter":
            # While typing in the filter, "/" is a character, not this key.
            return not box.has_focus
        return True

    # Keys the table handles itself; the rest come from BINDINGS (rr_tui.screens.help).
    help_notes = (("↑ ↓  j k", "move; PgUp PgDn, Home End (g G)"),)
