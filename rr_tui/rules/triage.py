"""The triage order, defined once: most urgent first. Pure: no Textual, no database.

An open case's place in the list is, in turn: its state (red, amber,
incomplete, green: ``RAG_ORDER``), its earliest open due date (none last),
its reference. Two things sort by it and must agree:

- the list in Python, once every schedule is computed (``urgency``);
- the first screenful, in SQL over the stored ``case_order`` rows, before any
  schedule is (``order_by_sql``, read by ``rr_tui.first_page``).

Both come from the tables below: ``RAG_ORDER`` ranks the states, and
``STATE_RULES`` says how the stored next due date decides an open case's
state, each rule written once in Python and once in SQL, side by side
(``rag_for_next_due`` evaluates the Python, ``order_by_sql`` writes the SQL).
What must change together, and the tests that fail when one side changes
without the other:

- a rule's Python and its SQL (``tests/test_case_order.py``:
  ``test_the_stored_order_sorts_as_the_list`` runs the SQL on SQLite and
  compares it with ``urgency`` for random cases in every state);
- ``rag_for_next_due`` and ``schedule.compute``'s state
  (``test_the_state_follows_from_the_next_due_date``);
- what ``case_order.next_due`` holds (``schedule.next_due``: the earliest open
  due date, kept by ``rr_tui.store.order``) and ``CaseSchedule.first_due``
  (``test_every_kind_of_save_keeps_the_order``; the first page against the
  full list: ``tests/test_first_page.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import NamedTuple

from rr_tui.records import CaseRecord
from rr_tui.rules.profile import Profile
from rr_tui.rules.schedule import CaseSchedule, Rag, StepStatus, compute

RAG_ORDER: dict[Rag, int] = {"red": 0, "amber": 1, "incomplete": 2, "green": 3, "closed": 4}


class StoredFacts(NamedTuple):
    """What the stored order knows of an open case, and the day it is judged on."""

    next_due: date | None
    incomplete: bool
    today: date
    profile: Profile


class StateRule(NamedTuple):
    """An open case is in ``rag`` when ``holds`` (Python) / ``sql`` (on the stored row).

    ``sql`` names the stored next due date ``{next_due}``, the incomplete test
    ``{incomplete}``, and the parameters ``:today`` and ``:amber_until``
    (``order_parameters``).
    """

    rag: Rag
    holds: Callable[[StoredFacts], bool]
    sql: str


# The first rule that holds gives the state; none: green. The next step is the
# open step due first, and slack only grows with the due date, so whether any
# open step is overdue (red) or within the amber slack is decided by that date.
STATE_RULES: tuple[StateRule, ...] = (
    StateRule(
        "red",
        lambda f: f.next_due is not None and f.today > f.next_due,
        "{next_due} < :today",
    ),
    StateRule("incomplete", lambda f: f.incomplete, "{incomplete}"),
    StateRule("green", lambda f: f.next_due is None, "{next_due} IS NULL"),
    StateRule(
        "amber",
        lambda f: (
            f.next_due is not None
            and f.profile.calendar.working_days_between(f.today, f.next_due)
            <= f.profile.amber_slack
        ),
        "{next_due} < :amber_until",
    ),
)
OTHERWISE: Rag = "green"


def rag_for_next_due(
    next_due: date | None,
    closed: bool,
    today: date,
    profile: Profile,
    incomplete: bool = False,
) -> Rag:
    """The case's state from its next step's due date alone, as ``compute`` gives it.

    The list counts its states this way from the stored order, before any
    schedule is computed.
    """
    if closed:
        return "closed"
    facts = StoredFacts(next_due, incomplete, today, profile)
    return next((rule.rag for rule in STATE_RULES if rule.holds(facts)), OTHERWISE)


def amber_until(today: date, profile: Profile) -> date:
    """The first due date that is green today: due dates before it are red or amber."""
    return profile.calendar.add_working_days(today, profile.amber_slack + 1)


def rank_sql(next_due: str, incomplete: str) -> str:
    """``RAG_ORDER`` of the state ``STATE_RULES`` give, as an SQL CASE over the stored row."""
    whens = " ".join(
        f"WHEN {rule.sql.format(next_due=next_due, incomplete=incomplete)} "
        f"THEN {RAG_ORDER[rule.rag]}"
        for rule in STATE_RULES
    )
    return f"CASE {whens} ELSE {RAG_ORDER[OTHERWISE]} END"


def order_by_sql(next_due: str, incomplete: str, reference: str) -> str:
    """``urgency`` as an SQL ORDER BY over the stored rows (columns given as SQL)."""
    return f"{rank_sql(next_due, incomplete)}, {next_due} IS NULL, {next_due}, {reference}"


def order_parameters(today: date, profile: Profile) -> dict[str, str]:
    """The named parameters ``order_by_sql`` uses."""
    return {"today": today.isoformat(), "amber_until": amber_until(today, profile).isoformat()}


def triage_key(rag: Rag, first_due: date | None, reference: str) -> tuple[int, date, str]:
    """Most urgent first: by state, then earliest open due date (none last), then reference."""
    return (RAG_ORDER[rag], first_due or date.max, reference)


class CaseView(NamedTuple):
    record: CaseRecord
    schedule: CaseSchedule

    @property
    def next_step(self) -> StepStatus | None:
        return self.schedule.next_step

    @property
    def named_step(self) -> StepStatus | None:
        """The step a next-step column names: the next step, or with no deadline
        running, the step the case waits for (``schedule.awaited``, no due date)."""
        return self.schedule.next_step or self.schedule.awaited

    @property
    def due_provisional(self) -> bool:
        """The next due date counts from a stand-in fact (its own, or the clock's)."""
        step = self.schedule.next_step
        return step is not None and (step.provisional or self.schedule.clock_awaiting is not None)

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
    """The list's sort key (``triage_key``); ``order_by_sql`` sorts the stored rows alike."""
    return triage_key(view.schedule.rag, view.schedule.first_due, view.record.reference)


def build_views(records: Iterable[CaseRecord], profile: Profile, today: date) -> list[CaseView]:
    views = [CaseView(r, compute(r.facts(), profile, today)) for r in records]
    views.sort(key=urgency)
    return views


def rag_counts(views: Iterable[CaseView]) -> dict[str, int]:
    counts = {"red": 0, "amber": 0, "incomplete": 0, "green": 0, "closed": 0}
    for view in views:
        counts[view.schedule.rag] += 1
    return counts
