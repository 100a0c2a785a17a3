"""Where a case stands: each step's due date, state and slack for a given ``today``.

Pure: takes plain facts (no ORM objects), returns frozen dataclasses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Literal, NamedTuple

from rr_tui import deadlines
from rr_tui.profile import DECISION, PUBLICATION_PLANNED, Profile, Rule, StepDef

State = Literal["done", "late", "pending", "overdue", "waiting"]
Rag = Literal["red", "amber", "green", "closed"]

# Glyph and word for every state, so nothing depends on colour alone.
STATE_GLYPHS: dict[str, str] = {
    "done": "✓",
    "late": "✓!",
    "pending": "○",
    "overdue": "✗",
    "waiting": "·",
}
RAG_GLYPHS: dict[str, str] = {"red": "▲", "amber": "◆", "green": "●", "closed": "–"}
RAG_WORDS: dict[str, str] = {
    "red": "RED",
    "amber": "AMBER",
    "green": "GREEN",
    "closed": "CLOSED",
}


# Facts and results are NamedTuples: the list builds these for every case, and
# a tuple is several times cheaper to make than a frozen dataclass.


class AgencyFacts(NamedTuple):
    name: str
    request_sent: date | None = None
    received: date | None = None
    timescale_wd: int | None = None  # None: the profile's default


class CaseFacts(NamedTuple):
    done: Mapping[str, date] = MappingProxyType({})
    decision: str | None = None
    publication_planned: date | None = None
    agencies: tuple[AgencyFacts, ...] = ()
    closed: bool = False
    # A notification-only kind (a looked-after child's or a care leaver's
    # death) runs only NOTIFICATION_STEPS and is closed once the SIN is done.
    kind: str = "rapid_review"


# The steps a notification-only case shows; the others run for rapid reviews.
NOTIFICATION_STEPS = frozenset({"incident_aware", "sin_submitted"})


class StepStatus(NamedTuple):
    id: str
    label: str
    stage: str
    due: date | None
    done: date | None
    state: State
    slack: int | None

    @property
    def open(self) -> bool:
        return self.state in ("pending", "overdue")


class CaseSchedule(NamedTuple):
    steps: tuple[StepStatus, ...]
    rag: Rag
    next_step: StepStatus | None
    stage: str


def agency_due(agency: AgencyFacts, profile: Profile) -> date | None:
    """When an agency's scoping return is due: its timescale after its request."""
    if agency.request_sent is None:
        return None
    wd = profile.agency_timescale_wd if agency.timescale_wd is None else agency.timescale_wd
    return agency.request_sent if wd == 0 else deadlines.add_working_days(agency.request_sent, wd)


def _rule_due(rule: Rule, anchor: date) -> date:
    if rule.months:
        months = -rule.months if rule.before else rule.months
        return deadlines.add_calendar_months(anchor, months)
    if rule.before:
        return deadlines.subtract_working_days(anchor, rule.working_days)
    return deadlines.add_working_days(anchor, rule.working_days)


def _due_by_rules(step: StepDef, facts: Mapping[str, date]) -> date | None:
    """The earliest date any rule gives, among rules whose anchor is known."""
    due = None
    for rule in step.rules:
        anchor = facts.get(rule.anchor)
        if anchor is not None:
            candidate = _rule_due(rule, anchor)
            if due is None or candidate < due:
                due = candidate
    return due


def _agency_step(
    step: StepDef, case: CaseFacts, facts: Mapping[str, date], profile: Profile
) -> tuple[date | None, date | None]:
    """(due, done) for the agency-returns step.

    Not yet done: due is the earliest due date among the agencies still to
    return, so the step shows the next return to chase. Done: the last return
    against the last due date.
    """
    done = case.done.get(step.id)
    asked = [(a, agency_due(a, profile)) for a in case.agencies if a.request_sent is not None]
    if not case.agencies:
        return _due_by_rules(step, facts), done
    if done is None and all(a.received is not None for a in case.agencies):
        done = max(a.received for a in case.agencies if a.received is not None)
    if not asked:
        return _due_by_rules(step, facts), done
    if done is not None:
        return max(d for _, d in asked if d is not None), done
    outstanding = [d for a, d in asked if a.received is None and d is not None]
    return (min(outstanding) if outstanding else None), done


def step_status(due: date | None, done: date | None, today: date) -> tuple[State, int | None]:
    if done is not None:
        if due is None:
            return "done", None
        return ("late" if done > due else "done"), deadlines.working_days_between(done, due)
    if due is None:
        return "waiting", None
    slack = deadlines.working_days_between(today, due)
    return ("overdue" if today > due else "pending"), slack


def compute(case: CaseFacts, profile: Profile, today: date) -> CaseSchedule:
    # One pass over the steps (it runs for every case in the list: keep it lean).
    done_map = case.done
    facts: dict[str, date] = dict(done_map)
    full_review = case.decision in profile.full_review_decisions
    if full_review and "rr_meeting" in facts:
        facts[DECISION] = facts["rr_meeting"]
    if case.publication_planned is not None:
        facts[PUBLICATION_PLANNED] = case.publication_planned

    steps: list[StepStatus] = []
    next_step: StepStatus | None = None
    last_done = -1
    overdue = amber = False
    notification_only = case.kind != "rapid_review"
    for step in profile.steps:
        if step.full_review_only and not full_review:
            continue
        if notification_only and step.id not in NOTIFICATION_STEPS:
            continue
        if step.per_agency:
            due, done = _agency_step(step, case, facts, profile)
        else:
            due, done = _due_by_rules(step, facts), done_map.get(step.id)
        state, slack = step_status(due, done, today)
        status = StepStatus(step.id, step.label, step.stage, due, done, state, slack)
        if done is not None:
            last_done = len(steps)
        elif due is not None and slack is not None:
            overdue = overdue or state == "overdue"
            amber = amber or slack <= profile.amber_slack
            if next_step is None or due < (next_step.due or date.max):
                next_step = status
        steps.append(status)

    # The stage is where progress has reached: the step after the last one done.
    stage = steps[last_done + 1].stage if last_done + 1 < len(steps) else "Complete"
    rag: Rag
    if notification_only and "sin_submitted" in done_map:
        # The notification is made: nothing more runs unless it is converted.
        rag, stage, next_step = "closed", "Closed", None
    elif case.closed:
        rag, stage = "closed", "Closed"
    elif overdue:
        rag = "red"
    elif amber:
        rag = "amber"
    else:
        rag = "green"
    return CaseSchedule(tuple(steps), rag, next_step, stage)


def next_due(case: CaseFacts, profile: Profile) -> date | None:
    """When the case's next step is due. Unlike states and slack, it does not
    depend on today, so the store can keep it for the list's order."""
    # Any day gives the same answer; one inside the calendar's table keeps the
    # slack arithmetic from widening the table to reach it (date.min would
    # stretch it to year 1 and make every later call slow).
    step = compute(case, profile, _ANY_DAY).next_step
    return step.due if step else None


_ANY_DAY = date(deadlines.FIRST_YEAR, 1, 3)


def rag_for_next_due(next_due: date | None, closed: bool, today: date, profile: Profile) -> Rag:
    """The case's state from its next step's due date alone, as ``compute`` gives it.

    The next step is the open step due first, and slack only grows with the due
    date, so whether any open step is overdue (red) or within the amber slack
    is decided by that one date. The list counts its states this way from the
    stored order, before any schedule is computed.
    """
    if closed:
        return "closed"
    if next_due is None:
        return "green"
    if today > next_due:
        return "red"
    if deadlines.working_days_between(today, next_due) <= profile.amber_slack:
        return "amber"
    return "green"


# Bump when ``compute`` changes how it works a due date out: every stored
# order key is then stale and is worked out again.
ORDER_FORMAT = 2


def schedule_key(profile: Profile) -> str:
    """A fingerprint of all that a case's due dates depend on besides its own facts.

    That is the profile's steps and rules, the agencies' default timescale, the
    decisions that start a full review, and the calendar's non-working days.
    Stored beside each case's next due date, it tells whether that date was
    worked out the way this process would work it out.
    """
    return _schedule_key(profile, deadlines.calendar())


@lru_cache(maxsize=8)
def _schedule_key(profile: Profile, calendar: deadlines.WorkingCalendar) -> str:
    low = date(deadlines.FIRST_YEAR, 1, 1)
    high = date(deadlines.LAST_YEAR, 12, 31)
    closed = [d.isoformat() for d in calendar.non_working_weekdays if low <= d <= high]
    steps = [
        (
            step.id,
            step.full_review_only,
            step.per_agency,
            [(r.anchor, r.working_days, r.months, r.before) for r in step.rules],
        )
        for step in profile.steps
    ]
    canonical = repr(
        (
            ORDER_FORMAT,
            steps,
            profile.agency_timescale_wd,
            sorted(profile.full_review_decisions),
            closed,
        )
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]
