"""Where a case stands: each step's due date, state and slack for a given ``today``.

The one rules engine: every deadline the app shows (timeline, list, form
hints, clock bar, chasers, meeting mode, calendar, reports) is worked out here
from the profile, with the profile's own working-day calendar. Screens never
count working days themselves; a form's live hint is ``schedule_if``: the
schedule of this case if this fact were recorded.

Pure: takes plain facts (no ORM objects), returns tuples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from rr_tui import deadlines
from rr_tui.dates import uk
from rr_tui.deadlines import WorkingCalendar
from rr_tui.rules import lifecycle
from rr_tui.rules.profile import (
    DECISION,
    PUBLICATION_PLANNED,
    RAPID_REVIEW_STEPS,
    START_FACTS,
    WITHDRAWN,
    Profile,
    Rule,
    fact_words,
)

State = Literal["done", "late", "pending", "overdue", "waiting", "paused"]
Rag = Literal["red", "amber", "incomplete", "green", "closed"]

# Glyph and word for every state, so nothing depends on colour alone.
STATE_GLYPHS: dict[str, str] = {
    "done": "✓",
    "late": "✓!",
    "pending": "○",
    "overdue": "✗",
    "waiting": "·",
    "paused": "‖",
}
RAG_GLYPHS: dict[str, str] = {
    "red": "▲",
    "amber": "◆",
    "incomplete": "?",
    "green": "●",
    "closed": "–",
}
RAG_WORDS: dict[str, str] = {
    "red": "RED",
    "amber": "AMBER",
    "incomplete": "INCOMPLETE",
    "green": "GREEN",
    "closed": "CLOSED",
}
# The mark beside a deadline counted from a fallback fact.
PROVISIONAL_MARK = "~"

# Panel responses after which the partnership reconsiders and answers.
RECONSIDER_OUTCOMES = frozenset({"challenges", "more_information"})


# Facts and results are NamedTuples: the list builds these for every case, and
# a tuple is several times cheaper to make than a frozen dataclass.


class AgencyFacts(NamedTuple):
    name: str
    request_sent: date | None = None
    received: date | None = None
    timescale_wd: int | None = None  # None: the profile's default


class CaseFacts(NamedTuple):
    """What a case's schedule depends on. New facts join at the end, with defaults."""

    done: Mapping[str, date] = MappingProxyType({})
    decision: str | None = None
    publication_planned: date | None = None
    agencies: tuple[AgencyFacts, ...] = ()
    closed: bool = False
    # A notification-only kind (a looked-after child's or a care leaver's
    # death) runs only NOTIFICATION_STEPS and is closed once the SIN is done.
    kind: str = "rapid_review"
    panel_outcome: str | None = None
    # The local review's lifecycle (rr_tui.rules.lifecycle).
    actions: tuple[lifecycle.ActionFacts, ...] = ()
    progress_checks: tuple[date, ...] = ()
    pause: lifecycle.PauseFacts | None = None


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
    # The fact the due date counts from (None: no due date, or per agency).
    basis: str | None = None
    # Counted from a fallback fact (not the rule's first): the date will move
    # once the missing fact is recorded.
    provisional: bool = False
    # The rule that gave the due date is a local target.
    local: bool = False
    # The fact the rule would count from once recorded (when provisional).
    awaiting: str | None = None
    note: str = ""  # e.g. "paused: inquest since Mon 2 Mar 2026"

    @property
    def open(self) -> bool:
        return self.state in ("pending", "overdue")


class CaseSchedule(NamedTuple):
    steps: tuple[StepStatus, ...]
    rag: Rag
    next_step: StepStatus | None
    stage: str
    # The rapid-review clock: when it started and from which fact (None: not
    # started). Provisional when it runs from a fallback fact.
    clock_start: date | None = None
    clock_anchor: str | None = None
    # The earliest due date among open items: the triage order's key (the
    # next step may be a later, more recently missed deadline).
    first_due: date | None = None
    # The fact the clock should start from, when it runs provisionally from
    # another (the SIN, while only the referral is recorded); else None.
    clock_awaiting: str | None = None
    # Immediate safeguarding actions and recommendations' actions, by number.
    actions: tuple[StepStatus, ...] = ()

    @property
    def provisional(self) -> bool:
        """Some deadline shown is counted from a fallback fact."""
        return any(s.provisional and s.due is not None for s in self.steps)

    @property
    def awaited(self) -> StepStatus | None:
        """What a case with no deadline running waits for: the step after the last
        one done, when it has no due date of its own (the Panel's response).

        None when a deadline runs (``next_step``), and for closed or incomplete
        cases (nothing is awaited until a start date is recorded).
        """
        if self.next_step is not None or self.rag in ("closed", "incomplete"):
            return None
        last = max((i for i, s in enumerate(self.steps) if s.done is not None), default=-1)
        following = self.steps[last + 1] if last + 1 < len(self.steps) else None
        return following if following is not None and following.state == "waiting" else None

    def step(self, step_id: str) -> StepStatus | None:
        for step in self.steps:
            if step.id == step_id:
                return step
        return None


def provisional_note(step: StepStatus) -> str:
    """ "provisional: from the referral, SIN date not recorded" (empty when not provisional)."""
    if not step.provisional or step.basis is None:
        return ""
    missing = step.awaiting or "?"
    words = {"sin_submitted": "SIN", "referral_received": "referral"}
    return (
        f"provisional: from {fact_words(step.basis)}, "
        f"{words.get(missing, fact_words(missing))} date not recorded"
    )


def clock_note(schedule: CaseSchedule) -> str:
    """The case-level provisional sentence, or "" when the clock is not provisional."""
    anchor, first = schedule.clock_anchor, schedule.clock_awaiting
    if anchor is None or first is None:
        return ""
    words = {"sin_submitted": "SIN", "referral_received": "referral"}
    return (
        f"provisional: from {fact_words(anchor)}, {words.get(first, fact_words(first))} "
        "date not recorded"
    )


def agency_due(agency: AgencyFacts, profile: Profile) -> date | None:
    """When an agency's scoping return is due: its timescale after its request."""
    if agency.request_sent is None:
        return None
    wd = profile.agency_timescale_wd if agency.timescale_wd is None else agency.timescale_wd
    return profile.calendar.add(agency.request_sent, wd)


# (due, basis, provisional, local, awaiting): StepStatus's fields from ``due``
# on. A plain tuple: it is made for every step of every case.
_Due = tuple[date, str, bool, bool, str | None]


class _CompiledRule(NamedTuple):
    """A ``Rule`` as ``compute`` reads it: plain fields, no properties."""

    anchors: tuple[str, ...]
    first: str
    working_days: int
    months: int  # signed: negative counts back
    before: bool
    local: bool
    plain: bool  # working days after the anchor: the common case, one table lookup


def _compile_rules(rules: Iterable[Rule]) -> tuple[_CompiledRule, ...]:
    return tuple(
        _CompiledRule(
            r.anchors,
            r.anchors[0],
            r.working_days,
            -r.months if r.before else r.months,
            r.before,
            r.local,
            not r.months and not r.before,
        )
        for r in rules
    )


def _rule_date(rule: _CompiledRule, on: date, calendar: WorkingCalendar) -> date:
    if rule.months:
        return deadlines.add_calendar_months(on, rule.months)
    if rule.before:
        return calendar.subtract_working_days(on, rule.working_days)
    return calendar.add_working_days(on, rule.working_days)


class _PlanStep(NamedTuple):
    """A profile step as ``compute`` walks it, with every per-step test worked out once."""

    id: str
    label: str
    stage: str
    rules: tuple[_CompiledRule, ...]
    per_agency: bool
    initiation: bool  # lcspr_initiated: the meeting date unless recorded
    by_request: bool  # done on the earliest agency request
    rapid_review: bool  # stops when the SIN criteria are not met


class _Plans(NamedTuple):
    profile: Profile
    conditions: tuple[tuple[str, Callable[[CaseFacts, Profile], bool]], ...]
    # By walk number: bit 0 full review, bit 1 notification only, bit 2 on
    # each condition met (an int is the cheapest key to hash).
    walks: dict[int, tuple[_PlanStep, ...]]


# Per profile: the steps a case walks. Keyed by id(); the profile is kept to
# check identity.
_PLANS: dict[int, _Plans] = {}


def _plan(
    profile: Profile, full_review: bool, notification_only: bool, case: CaseFacts
) -> tuple[_PlanStep, ...]:
    plans = _PLANS.get(id(profile))
    if plans is None or plans.profile is not profile:
        if len(_PLANS) > 32:  # profiles are few; tests make many
            _PLANS.clear()
        named = sorted({s.when for s in profile.steps if s.when in CONDITIONS})
        plans = _PLANS[id(profile)] = _Plans(
            profile, tuple((name, CONDITIONS[name]) for name in named), {}
        )
    key = full_review | notification_only << 1
    bit = 4
    for _name, test in plans.conditions:
        if test(case, profile):
            key |= bit
        bit <<= 1
    walk = plans.walks.get(key)
    if walk is None:
        met = {name for i, (name, _) in enumerate(plans.conditions) if key & 4 << i}
        walk = plans.walks[key] = tuple(
            _PlanStep(
                step.id,
                step.label,
                step.stage,
                _compile_rules(step.rules),
                step.per_agency,
                step.id == lifecycle.LCSPR_INITIATED,
                step.done_by_agency_request,
                step.id in RAPID_REVIEW_STEPS,
            )
            for step in profile.steps
            if (full_review or not step.full_review_only)
            and (not step.when or step.when in met)
            and (not notification_only or step.id in NOTIFICATION_STEPS)
        )
    return walk


def _agency_step(
    case: CaseFacts, by_rules: _Due | None, profile: Profile
) -> tuple[_Due | None, date | None]:
    """(due, done) for the agency-returns step of a case with agencies.

    The step is theirs alone: done when every one has returned (a date
    recorded for the step itself does not count), due on the earliest due
    date among those still to return, so the step shows the next return to
    chase. Before any request, the step's own rules (``by_rules``).
    """
    done = None
    if all(a.received is not None for a in case.agencies):
        done = max(a.received for a in case.agencies if a.received is not None)
    asked = [agency_due(a, profile) for a in case.agencies if a.request_sent is not None]
    if not asked:
        return by_rules, done
    if done is not None:
        last = max(d for d in asked if d is not None)
        return (last, "agencies", False, True, None), done
    outstanding = [
        agency_due(a, profile)
        for a in case.agencies
        if a.request_sent is not None and a.received is None
    ]
    dues = [d for d in outstanding if d is not None]
    return ((min(dues), "agencies", False, True, None) if dues else None), done


def outstanding_agencies(case: CaseFacts) -> tuple[str, ...]:
    """Agencies whose scoping return is not in: what keeps agency returns open."""
    return tuple(a.name for a in case.agencies if a.received is None)


def recordable(case: CaseFacts, step_id: str) -> str | None:
    """Why a date cannot be recorded for this step of this case; None when it can.

    Agency returns, on a case with agencies, come from the agencies' own
    returns alone: recording the step would mark it done while an agency is
    still outstanding (and the chase list still chasing it).
    """
    if step_id == "agency_returns" and case.agencies:
        waiting = outstanding_agencies(case)
        if waiting:
            return (
                "agency returns are worked out from the agencies' own returns; still "
                f"outstanding: {', '.join(waiting)}. Record each return instead"
            )
        return (
            "agency returns are worked out from the agencies' own returns (all are in); "
            "record or correct an agency's return instead"
        )
    return None


def step_status(
    due: date | None, done: date | None, today: date, calendar: WorkingCalendar | None = None
) -> tuple[State, int | None]:
    between = (calendar or deadlines.calendar()).working_days_between
    if done is not None:
        if due is None:
            return "done", None
        return ("late" if done > due else "done"), between(done, due)
    if due is None:
        return "waiting", None
    slack = between(today, due)
    return ("overdue" if today > due else "pending"), slack


# When a conditional step (``StepDef.when``) is part of a case.
CONDITIONS: dict[str, Callable[[CaseFacts, Profile], bool]] = {
    "reconsideration": lambda case, _profile: case.panel_outcome in RECONSIDER_OUTCOMES,
}


_START_SET = frozenset(START_FACTS)
# ``StepStatus(...)`` runs a Python-level ``__new__``; the tuple's own is several
# times cheaper, and compute makes one for every step of every case. Every
# field is given, in order (``StepStatus._fields``).
_step_status: Callable[[type[StepStatus], tuple[Any, ...]], StepStatus] = tuple.__new__


def compute(case: CaseFacts, profile: Profile, today: date) -> CaseSchedule:
    """Every step's due date, state and slack, the case's state and its next step."""
    # One pass over the steps (it runs for every case in the list: keep it lean).
    calendar = profile.calendar
    # A dict of the recorded dates: reading a MappingProxy costs three times
    # as much, and compute reads it for every anchor of every rule. (A proxy's
    # own copy() is a dict copy; dict(proxy) goes key by key, 9x slower.)
    recorded = case.done
    done_map = recorded.copy() if isinstance(recorded, MappingProxyType | dict) else dict(recorded)
    full_review = case.decision in profile.full_review_decisions
    # The facts rules count from: the recorded dates, plus what is derived from
    # them (copied only when there is something to add: most cases have not).
    facts = done_map
    if full_review or case.publication_planned is not None or case.agencies:
        derived = dict(done_map)
        if full_review and "rr_meeting" in derived:
            derived[DECISION] = derived["rr_meeting"]
        if full_review:
            lifecycle.default_facts(derived, derived.get(DECISION))
        if case.publication_planned is not None:
            derived[PUBLICATION_PLANNED] = case.publication_planned
        facts = derived
    pause = case.pause if full_review else None

    steps: list[StepStatus] = []
    append = steps.append
    open_steps: list[StepStatus] = []  # due, not done, not paused
    state: State
    between = calendar.working_days_between
    last_done = -1
    notification_only = case.kind != "rapid_review"
    withdrawn = case.decision == WITHDRAWN
    get = facts.get
    add = calendar.add_working_days
    agencies = case.agencies
    # Unpacked, not read by name: a tuple's fields by position are cheapest.
    for sid, label, stage, rules, per_agency, initiation, by_request, rapid_review in _plan(
        profile, full_review, notification_only, case
    ):
        if withdrawn and rapid_review and sid not in done_map:
            continue  # SIN criteria not met: the rapid-review clocks stop
        # The earliest date any rule gives, each rule counting from its first
        # recorded anchor (a date from a later anchor is provisional).
        due: _Due | None = None
        for rule in rules:
            anchors, first, working_days, _, _, local, plain = rule
            for anchor in anchors:
                on = get(anchor)
                if on is not None:
                    when = add(on, working_days) if plain else _rule_date(rule, on, calendar)
                    if due is None or when < due[0]:
                        fallback = anchor != first
                        due = (when, anchor, fallback, local, first if fallback else None)
                    break
        if per_agency and agencies:
            due, done = _agency_step(case, due, profile)
        elif initiation:
            done = get(sid)  # the partners' decision: the meeting date unless recorded
        else:
            done = done_map.get(sid)
            if done is None and by_request and agencies:
                requests = [a.request_sent for a in agencies if a.request_sent is not None]
                if requests:
                    done = min(requests)
                    derived[sid] = done  # later rules count from it
        # The state and slack (``step_status``, inlined: this runs for every step).
        if due is None:
            state = "waiting" if done is None else "done"
            status = _step_status(
                StepStatus,
                (sid, label, stage, None, done, state, None, None, False, False, None, ""),
            )
        else:
            when = due[0]
            if done is not None:
                slack = between(done, when)
                state = "late" if done > when else "done"
            else:
                slack = between(today, when)
                state = "overdue" if today > when else "pending"
            status = _step_status(
                StepStatus,
                (sid, label, stage, when, done, state, slack, due[1], due[2], due[3], due[4], ""),
            )
        if done is None:
            if pause is not None:
                status = lifecycle.paused(status, pause)
            if due is not None and status.state != "paused":
                open_steps.append(status)  # what the case's state is judged on
        # The initiation taken from the meeting date is not progress of its own.
        if done is not None and (not initiation or sid in done_map):
            last_done = len(steps)
        append(status)

    # The stage is where progress has reached: the step after the last one done.
    stage = steps[last_done + 1].stage if last_done + 1 < len(steps) else "Complete"
    if full_review and not notification_only:
        check = _progress_step(case, facts, profile, today, pause)
        if check is not None:
            steps.append(check)
            if check.state != "paused":
                open_steps.append(check)
    actions = _action_steps(case, today, calendar) if case.actions else ()
    anchors = profile.clock_anchors
    clock_anchor = None
    for anchor in anchors:
        if anchor in done_map:
            clock_anchor = anchor
            break
    clock_start = done_map[clock_anchor] if clock_anchor is not None else None
    awaiting = anchors[0] if clock_anchor is not None and clock_anchor != anchors[0] else None
    # A notification-only kind is closed once the SIN is made: nothing more
    # runs unless it is converted to a rapid review.
    if case.closed or (notification_only and "sin_submitted" in done_map):
        return CaseSchedule(
            tuple(steps),
            "closed",
            None,
            "Closed",
            clock_start,
            clock_anchor,
            None,
            awaiting,
            actions,
        )
    incomplete = _START_SET.isdisjoint(done_map)
    # Paused steps make the case neither red nor amber (their due dates stand);
    # the earliest is the next step only when nothing else is open.
    # (Actions first: on a tie the step, later in the list, is the next step.)
    live = [*actions, *open_steps] if actions else open_steps
    rag, next_step, first_due = summarise(live, profile.amber_slack, incomplete)
    if next_step is None and pause is not None:
        held = [s for s in steps if s.state == "paused" and s.due is not None]
        next_step = min(held, key=lambda s: s.due or date.max, default=None)
    return CaseSchedule(
        tuple(steps),
        rag,
        next_step,
        stage,
        clock_start,
        clock_anchor,
        first_due,
        awaiting,
        actions,
    )


def _progress_step(
    case: CaseFacts,
    facts: Mapping[str, date],
    profile: Profile,
    today: date,
    pause: lifecycle.PauseFacts | None,
) -> StepStatus | None:
    """The next progress check of a local review, as a step (None before initiation)."""
    due, last = lifecycle.progress_due(
        facts, case.progress_checks, profile.progress_check_wd, profile.calendar
    )
    if due is None:
        return None
    state, slack = step_status(due, None, today, profile.calendar)
    note = f"last check {uk(last)}" if last else ""
    status = _step_status(
        StepStatus,
        (
            lifecycle.PROGRESS_CHECK,
            "Progress check",
            "Full review",
            due,
            None,
            state,
            slack,
            lifecycle.LCSPR_INITIATED,
            False,
            False,
            None,
            note,
        ),
    )
    return status if pause is None else lifecycle.paused(status, pause)


def _action_steps(
    case: CaseFacts, today: date, calendar: WorkingCalendar
) -> tuple[StepStatus, ...]:
    """Each action as a step: an overdue one turns the case red like any other step."""
    out = []
    for action in case.actions:
        state, slack = step_status(action.due, action.done, today, calendar)
        out.append(
            StepStatus(
                lifecycle.action_id(action.number),
                lifecycle.action_label(action),
                lifecycle.ACTIONS_STAGE,
                action.due,
                action.done,
                state,
                slack,
            )
        )
    return tuple(out)


def summarise(
    items: Iterable[StepStatus], amber_slack: int, incomplete: bool = False
) -> tuple[Rag, StepStatus | None, date | None]:
    """The case's state and its next step from every open item with a due date.

    Items are steps today; anything else with a due date and slack (actions,
    for example) can join them as ``StepStatus`` rows and be judged alike:
    red if any is overdue; incomplete when no clock can run (but never hiding
    red); amber when one is within the amber slack; green only otherwise.

    The next step is the open item due first; but when deadlines have been
    missed, it is the most recently missed one: an overdue "RR sent to Panel"
    comes before the meeting and the scoping it should have followed. The
    third value is the earliest open due date (the triage order's key).
    """
    soonest: StepStatus | None = None
    latest_missed: StepStatus | None = None
    amber = False
    for item in items:
        due, slack = item.due, item.slack
        if item.done is None and due is not None and slack is not None:
            if item.state == "overdue":
                if latest_missed is None or due >= (latest_missed.due or date.min):
                    latest_missed = item
            elif slack <= amber_slack:
                amber = True
            if soonest is None or due < (soonest.due or date.max):
                soonest = item
    first_due = soonest.due if soonest is not None else None
    rag: Rag
    if latest_missed is not None:
        return "red", latest_missed, first_due
    if incomplete:
        rag = "incomplete"
    elif amber:
        rag = "amber"
    else:
        rag = "green"
    return rag, soonest, first_due


def schedule_if(
    case: CaseFacts,
    profile: Profile,
    today: date,
    recorded: Mapping[str, date | None] | None = None,
    **changes: Any,
) -> CaseSchedule:
    """The schedule of this case if these facts were recorded (None: not recorded).

    ``recorded`` maps step ids to dates; ``changes`` replace other facts
    (``decision``, ``publication_planned``, ``panel_outcome``...). This is
    what a form's live hint shows, from the same ``compute`` as the timeline.
    """
    if recorded:
        done = dict(case.done)
        for step_id, on in recorded.items():
            if on is None:
                done.pop(step_id, None)
            else:
                done[step_id] = on
        case = case._replace(done=MappingProxyType(done))
    if changes:
        case = case._replace(**changes)
    return compute(case, profile, today)


def due_text(step: StepStatus, profile: Profile, fmt: Callable[[date], str]) -> str:
    """ "RR to Panel by Mon 24 Nov 2025" with "(local target)" or the provisional note."""
    if step.due is None:
        return ""
    text = f"{profile.short_label(step.id)} by {fmt(step.due)}"
    extras = []
    if step.local:
        extras.append("local target")
    if step.provisional:
        extras.append(provisional_note(step))
    return text + (f" ({'; '.join(extras)})" if extras else "")


def lateness_text(due: date, on: date, profile: Profile, fmt: Callable[[date], str]) -> str:
    """ "due Wed 11 Mar 2026: on time" or "…: 2 WD late", in the profile's working days."""
    return _due_and_lateness(due, profile.calendar.working_days_between(on, due), fmt)


def _due_and_lateness(due: date, slack: int, fmt: Callable[[date], str]) -> str:
    return f"due {fmt(due)}: " + ("on time" if slack >= 0 else f"{-slack} WD late")


def against_due(step: StepStatus | None, fmt: Callable[[date], str]) -> str:
    """ "due Mon 24 Nov 2025: on time" or "…: 3 WD late" for a step recorded as done."""
    if step is None or step.due is None or step.done is None:
        return ""
    text = _due_and_lateness(step.due, step.slack or 0, fmt)
    note = provisional_note(step)
    return text + (f" ({note})" if note else "")


def hint_for(
    case: CaseFacts,
    profile: Profile,
    today: date,
    step_id: str,
    on: date,
    fmt: Callable[[date], str],
    recorded: Mapping[str, date | None] | None = None,
) -> str:
    """A form's live hint for a date being typed: what falls due because of it.

    The steps whose due dates count from ``step_id`` once it is recorded as
    ``on`` (with ``recorded``, other dates typed on the same form), each as
    ``due_text`` gives it; "" when nothing counts from it.
    """
    facts = dict(recorded or {})
    facts[step_id] = on
    schedule = schedule_if(case, profile, today, facts)
    shown = [s for s in schedule.steps if s.due is not None and s.basis == step_id]
    # The provisional note once, after every date it applies to.
    parts = []
    for s in shown:
        text = due_text(s._replace(provisional=False), profile, fmt)
        if s.done is not None:
            slack = s.slack or 0
            text += ": done on time" if slack >= 0 else f": done {-slack} WD late"
        parts.append(text)
    notes = dict.fromkeys(provisional_note(s) for s in shown if s.provisional)
    return "; ".join([*parts, *notes])


def hint_if_done(
    case: CaseFacts,
    profile: Profile,
    today: date,
    step_id: str,
    on: date,
    fmt: Callable[[date], str],
) -> str:
    """A form's live hint for a step's own date: its due date and whether ``on`` meets it."""
    step = schedule_if(case, profile, today, {step_id: on}).step(step_id)
    return against_due(step, fmt)


class ClockBar(NamedTuple):
    """The rapid-review clock bar: "WD used/total" from the clock start to the Panel."""

    start: date
    anchor: str
    due: date
    total: int  # N: the profile's working days from the clock start to the Panel
    used: int  # working days from the start to today (or to when the RR was sent)
    sent: date | None
    provisional: bool
    # The "RR sent to Panel" step as the timeline shows it: its due date may
    # come before working day N (the local target of 2 WD after the meeting).
    step: StepStatus | None = None


def clock_bar(schedule: CaseSchedule, profile: Profile, today: date) -> ClockBar | None:
    """Where today sits on the rapid-review clock; None before the clock starts."""
    start, anchor, total = schedule.clock_start, schedule.clock_anchor, profile.clock_wd
    if start is None or anchor is None or total is None:
        return None
    due = profile.calendar.add(start, total)
    panel = schedule.step("panel_notified")
    sent = panel.done if panel is not None else None
    used = profile.calendar.working_days_between(start, sent or today)
    provisional = schedule.clock_awaiting is not None
    return ClockBar(start, anchor, due, total, used, sent, provisional, panel)


def next_due(case: CaseFacts, profile: Profile) -> date | None:
    """The earliest due date among the case's open items (``CaseSchedule.first_due``).

    Unlike states and slack, it does not depend on today, so the store can
    keep it for the list's order."""
    # Any day gives the same answer; one inside the calendar's table keeps the
    # slack arithmetic from widening the table to reach it (date.min would
    # stretch it to year 1 and make every later call slow).
    return compute(case, profile, _ANY_DAY).first_due


_ANY_DAY = date(deadlines.FIRST_YEAR, 1, 3)


def is_incomplete(done: Mapping[str, date] | Iterable[str]) -> bool:
    """No clock can run: none of the start facts is recorded."""
    return not any(fact in done for fact in START_FACTS)


# Bump when ``compute`` changes how it works a due date out: every stored
# order key is then stale and is worked out again.
ORDER_FORMAT = 4


def schedule_key(profile: Profile) -> str:
    """A fingerprint of all that a case's due dates depend on besides its own facts.

    That is the profile's steps and rules, the agencies' default timescale, the
    decisions that start a full review, and the calendar's non-working days.
    Stored beside each case's next due date, it tells whether that date was
    worked out the way this process would work it out.
    """
    return _schedule_key(profile, profile.calendar)


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
            step.done_by_agency_request,
            step.when,
            [(r.anchors, r.working_days, r.months, r.before) for r in step.rules],
        )
        for step in profile.steps
    ]
    canonical = repr(
        (
            ORDER_FORMAT,
            steps,
            profile.agency_timescale_wd,
            profile.progress_check_wd,
            sorted(profile.full_review_decisions),
            START_FACTS,
            closed,
        )
    )
    import hashlib  # here: its OpenSSL start-up (~4 ms) stays off the first frame

    return hashlib.sha256(canonical.encode()).hexdigest()[:32]
