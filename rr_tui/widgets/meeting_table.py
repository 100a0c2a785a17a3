"""The rows of meeting mode's list: state, reference, next step, due date; never a child.

Drawn by the same line-API ``CaseTable`` as the case list, so only the rows on
screen are rendered however many cases there are. Rows are made in a thread
worker (``meeting_rows``), or straight from the case list's rows when meeting
mode is opened from the list (``meeting_row``), which needs no database read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from rr_tui.dates import uk
from rr_tui.records import CaseRecord
from rr_tui.rules.profile import Profile
from rr_tui.rules.schedule import PROVISIONAL_MARK, RAG_GLYPHS, RAG_WORDS, compute
from rr_tui.rules.triage import CaseView, urgency
from rr_tui.sanitize import for_display
from rr_tui.widgets.case_table import Column, Row

MEETING_COLUMNS = (
    Column("state", "State", 9, max_width=18, fit=True),
    Column("reference", "Reference", 13, max_width=40),
    Column("next", "Next step", 20, max_width=60, min_width=8),
    Column("due", "Due", 15, right=False),
)


@lru_cache(maxsize=4096)
def _due_text(due: date | None) -> str:
    # Cases share due dates: each is formatted once (and its text shared).
    return uk(due, "")


def state_cell(rag: str) -> str:
    return f"{RAG_GLYPHS.get(rag, '?')} {RAG_WORDS.get(rag, rag.upper())}"


_STATE_CELLS = {rag: state_cell(rag) for rag in RAG_GLYPHS}


def meeting_row(
    key: int,
    rank: int,
    rag: str,
    reference: str,
    step_label: str,
    due: date | None,
    provisional: bool = False,
) -> Row:
    """One case's row; ``reference`` already made safe for display.

    ``provisional``: the due date counts from a stand-in fact (marked ``~``).
    """
    due_text = _due_text(due) + (PROVISIONAL_MARK if provisional and due else "")
    return Row(
        key,
        (_STATE_CELLS.get(rag) or state_cell(rag), reference, step_label or "—", due_text),
        rag,
        (rank, reference, step_label, due or date.max),
    )


def meeting_rows(records: Iterable[CaseRecord], profile: Profile, today: date) -> list[Row]:
    """Open cases, most urgent first; pure, so it runs in a worker thread."""
    views = [
        CaseView(r, compute(r.facts(), profile, today))
        for r in records
        if r.fields.status != "closed"
    ]
    views.sort(key=urgency)
    rows = []
    for rank, view in enumerate(views):
        named = view.named_step
        rows.append(
            meeting_row(
                view.record.id,
                rank,
                view.schedule.rag,
                for_display(view.record.reference),
                named.label if named else "",
                view.next_due,
                view.due_provisional,
            )
        )
    return rows
