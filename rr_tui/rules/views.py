"""Cases with their computed schedules, in triage order. Pure: no Textual, no database."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from rr_tui.records import CaseRecord
from rr_tui.rules.profile import Profile
from rr_tui.rules.schedule import CaseSchedule, StepStatus, compute

RAG_ORDER = {"red": 0, "amber": 1, "incomplete": 2, "green": 3, "closed": 4}


class CaseView(NamedTuple):
    record: CaseRecord
    schedule: CaseSchedule

    @property
    def next_step(self) -> StepStatus | None:
        return self.schedule.next_step

    @property
    def next_due(self) -> date | None:
        step = self.schedule.next_step
        return step.due if step else None

    @property
    def first_due(self) -> date | None:
        """The earliest open due date: the triage order's key (``schedule.first_due``)."""
        return self.schedule.first_due

    @property
    def slack(self) -> int | None:
        step = self.schedule.next_step
        return step.slack if step else None


def urgency(view: CaseView) -> tuple[int, date, str]:
    """Most urgent first: red, amber, incomplete, green, closed; then earliest open due date.

    The stored triage order (``rr_tui.first_page``) sorts the same way.
    """
    return (
        RAG_ORDER[view.schedule.rag],
        view.schedule.first_due or date.max,
        view.record.reference,
    )


def build_views(records: Iterable[CaseRecord], profile: Profile, today: date) -> list[CaseView]:
    views = [CaseView(r, compute(r.facts(), profile, today)) for r in records]
    views.sort(key=urgency)
    return views


def rag_counts(views: Iterable[CaseView]) -> dict[str, int]:
    counts = {"red": 0, "amber": 0, "incomplete": 0, "green": 0, "closed": 0}
    for view in views:
        counts[view.schedule.rag] += 1
    return counts
