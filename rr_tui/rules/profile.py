"""The statutory schedule as data: which steps a rapid review has and when each is due.

A profile is plain data. The default is the England profile (README, "The
working-day convention"; the choices behind it in docs/decisions.md); a
partnership changes any number or trigger in its TOML configuration (see
``rr_tui.config``), and ``rr-tui profile`` says which profile and which
day-counting convention are in force.

The profile carries its working-day calendar (``Profile.calendar``): every due
date of every case is counted with it, and nothing reads a process-wide
calendar.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any

from rr_tui import deadlines
from rr_tui.deadlines import WorkingCalendar

# Facts a rule can count from, besides the done date of any step.
DECISION = "decision"  # the Rapid Review meeting date, once a full review is decided
PUBLICATION_PLANNED = "publication_planned"

# The meeting's local decision. Referring the case to the Panel as possibly
# national is a separate yes/no (``national_referral``): it can accompany any
# of these, and on its own starts no local review.
DECISIONS: dict[str, str] = {
    "lcspr": "Local CSPR",
    "other_learning_review": "Other learning review",
    "no_further_review": "No further review",
    "joint_review": "Joint review (DHR, SAR or similar)",
    "criteria_not_met": "SIN criteria not met (withdrawn)",
}

# The decision rr-tui offered before revision 0009: now a national referral
# (``national_referral``) with no local decision.
NATIONAL_REVIEW = "national_review"
# What a meeting that referred the case nationally and decided no local review reads as
# (the earlier ``national_review`` decision became this in revision 0009).
NATIONAL_ONLY = "Referred for national consideration, no local review"


def decision_label(
    decision: str | None, national_referral: bool | None, blank: str = "", *, short: bool = False
) -> str:
    """The meeting's decision in words, with the national referral when there is one.

    "Local CSPR; referred to the Panel as possibly national", or, with no local
    decision, "Referred for national consideration, no local review"; ``short``
    for narrow places: "Local CSPR + national", "National referral only".
    """
    local = DECISIONS.get(decision or "", decision or "")
    if national_referral:
        if short:
            return f"{local} + national" if local else "National referral only"
        return f"{local}; referred to the Panel as possibly national" if local else NATIONAL_ONLY
    return local or blank


def recipients(own: str, profile: Profile) -> tuple[str, ...]:
    """Who receives the pre-publication copy: the case's own list (one name a line),
    else the profile's."""
    names = tuple(line.strip() for line in own.splitlines() if line.strip())
    return names or profile.prepublication_recipients


# The rapid-review clock: the first recorded of these facts starts it. The
# default counts from the SIN (Panel guidance as partnerships' procedures
# write it since June 2025); "referral" is the seed briefing's framing.
CLOCKS: dict[str, tuple[str, ...]] = {
    "sin": ("sin_submitted", "referral_received"),
    "referral": ("referral_received", "sin_submitted"),
}
# A decision that the SIN criteria were not met withdraws the notification:
# the rapid-review steps not yet done stop (they are no longer shown or due).
WITHDRAWN = "criteria_not_met"
RAPID_REVIEW_STEPS = frozenset(
    {
        "scoping_requests_sent",
        "agency_returns",
        "rr_meeting",
        "panel_notified",
        "panel_response",
        "reconsideration",
    }
)
# Without any of these a case has no clock that can run: it is incomplete.
START_FACTS: tuple[str, ...] = ("incident_aware", "sin_submitted", "referral_received")

# How facts read in sentences ("provisional: from the referral, SIN date not recorded").
FACT_WORDS: dict[str, str] = {
    "incident_aware": "the LA becoming aware",
    "sin_submitted": "the SIN",
    "referral_received": "the referral",
    "rr_meeting": "the meeting",
    "scoping_requests_sent": "the scoping requests",
    "panel_response": "the Panel's response",
    DECISION: "the decision",
    PUBLICATION_PLANNED: "the planned publication",
}
FACT_NAMES: dict[str, str] = {
    "incident_aware": "LA aware",
    "sin_submitted": "SIN",
    "referral_received": "referral",
}


def fact_words(fact: str) -> str:
    return FACT_WORDS.get(fact, fact.replace("_", " "))


class ProfileError(ValueError):
    """The configured profile is not usable; the message names the setting."""


@dataclass(frozen=True)
class Rule:
    """Due ``working_days`` working days (or ``months`` calendar months) after a fact.

    ``anchors`` names one fact or several: the first of them that is recorded
    is counted from (``("sin_submitted", "referral_received")`` counts from the
    SIN, or from the referral while no SIN date is recorded). A due date from
    any anchor but the first is *provisional*. With ``before`` the rule counts
    back from the fact instead. ``local`` marks a local target (partnership
    practice), as opposed to statutory guidance or the Panel's.
    """

    anchors: tuple[str, ...]
    working_days: int = 0
    months: int = 0
    before: bool = False
    local: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.anchors, str):
            object.__setattr__(self, "anchors", (self.anchors,))

    @property
    def anchor(self) -> str:
        """The fact the rule counts from when everything is recorded."""
        return self.anchors[0]

    def describe_words(self) -> str:
        """ "13 working days of the SIN (or the referral) (local target)": for the help."""
        amount = (
            f"{self.months} calendar months" if self.months else f"{self.working_days} working days"
        )
        anchor = fact_words(self.anchor)
        if len(self.anchors) > 1:
            anchor += " (or " + ", ".join(fact_words(a) for a in self.anchors[1:]) + ")"
        local = " (local target)" if self.local else ""
        return f"{amount} {'before' if self.before else 'of'} {anchor}{local}"

    def describe(self) -> str:
        amount = f"{self.months} calendar months" if self.months else f"{self.working_days} WD"
        if len(self.anchors) > 1:
            anchor = "the first recorded of " + ", ".join(self.anchors)
        else:
            anchor = self.anchor
        local = " (local target)" if self.local else ""
        return f"{amount} {'before' if self.before else 'after'} {anchor}{local}"


@dataclass(frozen=True)
class StepDef:
    id: str
    label: str
    stage: str
    # Due on the earliest date any rule gives, among rules whose anchor is
    # known. No rules: the step has no deadline (an anchor, or untimed).
    rules: tuple[Rule, ...] = ()
    full_review_only: bool = False
    short: str = ""  # for narrow columns; the label when empty
    # Done when every agency has returned; due per agency.
    per_agency: bool = False
    # Done on the earliest agency request when no date is recorded for it.
    done_by_agency_request: bool = False
    # Shown only when the case meets this condition (``schedule.CONDITIONS``);
    # "" for always.
    when: str = ""


@dataclass(frozen=True)
class Profile:
    name: str
    convention: str
    steps: tuple[StepDef, ...]
    amber_slack: int = 2
    agency_timescale_wd: int = 5  # local target
    # Regulation 14: the partners check the local review's progress every N WD.
    progress_check_wd: int = 30
    # Who receives the final report before publication.
    prepublication_recipients: tuple[str, ...] = ("the National Panel", "the Secretary of State")
    full_review_decisions: frozenset[str] = field(
        default_factory=lambda: frozenset({"lcspr", "joint_review"})
    )
    clock: str = "sin"
    # The working days every deadline is counted in: England and Wales bank
    # holidays plus the partnership's closures (``rr_tui.config``).
    calendar: WorkingCalendar = field(default_factory=deadlines.calendar)

    @cached_property
    def _steps_by_id(self) -> dict[str, StepDef]:
        return {step.id: step for step in self.steps}

    def step(self, step_id: str) -> StepDef:
        return self._steps_by_id[step_id]

    def has_step(self, step_id: str) -> bool:
        return step_id in self._steps_by_id

    def short_label(self, step_id: str) -> str:
        step = self._steps_by_id.get(step_id)
        if step is None:  # a progress check or an action (rr_tui.rules.lifecycle)
            from rr_tui.rules.lifecycle import extra_label

            return extra_label(step_id) or step_id
        return step.short or step.label

    def label(self, fact: str) -> str:
        return self._steps_by_id[fact].label if fact in self._steps_by_id else fact_words(fact)

    @property
    def step_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.steps)

    @property
    def reconsideration_wd(self) -> int | None:
        """Working days after the Panel's response that a reconsideration is due (local)."""
        return self.rule_wd("reconsideration", "panel_response")

    @property
    def clock_anchors(self) -> tuple[str, ...]:
        """The facts the rapid-review clock starts from, first recorded wins."""
        return CLOCKS[self.clock]

    @cached_property
    def clock_rule(self) -> Rule | None:
        """The rule that gives the Panel deadline from the clock start (15 WD in England)."""
        if "panel_notified" not in self._steps_by_id:
            return None
        rules = [r for r in self.step("panel_notified").rules if r.working_days and not r.before]
        for rule in rules:
            if rule.anchors == self.clock_anchors:
                return rule
        for rule in rules:
            if rule.anchor in self.clock_anchors:
                return rule
        return None

    @property
    def clock_wd(self) -> int | None:
        """N in the clock bar's "WD n/N": working days from the clock start to the Panel."""
        rule = self.clock_rule
        return rule.working_days if rule else None

    def rule_wd(self, step_id: str, anchor: str) -> int | None:
        """Working days of the step's rule that counts after ``anchor`` (for wording)."""
        if step_id not in self._steps_by_id:
            return None
        for rule in self.step(step_id).rules:
            if anchor in rule.anchors and rule.working_days and not rule.before:
                return rule.working_days
        return None


CONVENTION = (
    "The trigger date is day 0 and never counts; working day 1 is the first "
    "Monday-to-Friday after it that is not an England and Wales bank holiday."
)


def _steps(clock: tuple[str, ...]) -> tuple[StepDef, ...]:
    return (
        StepDef("incident_aware", "LA aware of incident", "SIN", short="LA aware"),
        StepDef(
            "sin_submitted",
            "SIN sent to the Panel",
            "SIN",
            (Rule(("incident_aware",), working_days=5),),
            short="SIN to Panel",
        ),
        StepDef("referral_received", "Referral received", "Referral", short="Referral"),
        StepDef(
            "scoping_requests_sent",
            "Scoping requests sent",
            "Scoping",
            (Rule(("referral_received", "sin_submitted"), working_days=2, local=True),),
            short="Scoping sent",
            done_by_agency_request=True,
        ),
        StepDef(
            "agency_returns",
            "Agency returns in",
            "Scoping",
            (Rule(("scoping_requests_sent",), working_days=5, local=True),),
            per_agency=True,
            short="Agency returns",
        ),
        StepDef(
            "rr_meeting",
            "Rapid Review meeting",
            "Meeting",
            (Rule(clock, working_days=13, local=True),),
            short="RR meeting",
        ),
        StepDef(
            "panel_notified",
            "RR sent to Panel",
            "Panel",
            (
                Rule(clock, working_days=15),
                Rule(("rr_meeting",), working_days=2, local=True),
            ),
            short="RR to Panel",
        ),
        StepDef("panel_response", "Panel response", "Panel", short="Panel reply"),
        StepDef(
            "reconsideration",
            "Reconsideration sent to Panel",
            "Panel",
            (Rule(("panel_response",), working_days=10, local=True),),
            short="Reconsider",
            when="reconsideration",
        ),
        StepDef(
            "lcspr_initiated",
            "LCSPR initiated (partners' decision)",
            "Full review",
            full_review_only=True,
            short="LCSPR started",
        ),
        StepDef(
            "lcspr_panel_agreed",
            "Panel agreed the local review",
            "Full review",
            full_review_only=True,
            short="Panel agreed",
        ),
        StepDef(
            "imrs_requested",
            "Chronologies and IMRs requested",
            "Full review",
            full_review_only=True,
            short="IMRs asked",
        ),
        StepDef(
            "practitioner_event",
            "Practitioner event",
            "Full review",
            full_review_only=True,
            short="Pract. event",
        ),
        StepDef(
            "final_report",
            "Final report",
            "Full review",
            full_review_only=True,
            short="Final report",
        ),
        StepDef(
            "prepublication_copy",
            "Copy to Panel and SoS",
            "Full review",
            (Rule((PUBLICATION_PLANNED,), working_days=7, before=True),),
            full_review_only=True,
            short="Pre-pub copy",
        ),
        StepDef(
            "published",
            "Report published",
            "Full review",
            (Rule(("lcspr_initiated",), months=6),),
            full_review_only=True,
            short="Published",
        ),
    )


ENGLAND = Profile(
    name="England (Working Together 2023, Panel guidance)",
    convention=CONVENTION,
    steps=_steps(CLOCKS["sin"]),
)


def _rule_from(raw: Any, where: str, known: set[str]) -> Rule:
    if not isinstance(raw, Mapping):
        raise ProfileError(f"{where}: each rule is a table like {{after = STEP, working_days = N}}")
    unknown = set(raw) - {"after", "before", "working_days", "months", "local"}
    if unknown:
        raise ProfileError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    if ("after" in raw) == ("before" in raw):
        raise ProfileError(f"{where}: give exactly one of 'after' or 'before'")
    named = raw.get("after", raw.get("before"))
    anchors = tuple(named) if isinstance(named, list) else (named,)
    if not anchors or len(set(anchors)) != len(anchors):
        raise ProfileError(f"{where}: name one step or fact, or a list of different ones")
    for anchor in anchors:
        if not isinstance(anchor, str) or anchor not in known:
            raise ProfileError(f"{where}: {anchor!r} is not a step id or fact")
    wd, months = raw.get("working_days", 0), raw.get("months", 0)
    # bool is an int subclass: TOML ``true`` must not pass as 1.
    if any(not isinstance(v, int) or isinstance(v, bool) or v < 0 for v in (wd, months)):
        raise ProfileError(f"{where}: working_days and months are whole numbers >= 0")
    if (wd > 0) == (months > 0):
        raise ProfileError(f"{where}: give exactly one of working_days or months, above 0")
    local = raw.get("local", False)
    if not isinstance(local, bool):
        raise ProfileError(f"{where}: local is true or false")
    return Rule(anchors, working_days=wd, months=months, before="before" in raw, local=local)


def _whole(table: Mapping[str, Any], key: str) -> int:
    value = table[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProfileError(f"[profile] {key}: a whole number >= 0")
    return value


def _with_clock(profile: Profile, clock: str) -> Profile:
    """Count the meeting and the Panel deadline from another clock start."""
    old, new = profile.clock_anchors, CLOCKS[clock]
    steps = tuple(
        replace(
            step,
            rules=tuple(replace(r, anchors=new) if r.anchors == old else r for r in step.rules),
        )
        if step.id in ("rr_meeting", "panel_notified")
        else step
        for step in profile.steps
    )
    return replace(profile, clock=clock, steps=steps)


def customise(base: Profile, table: Mapping[str, Any]) -> Profile:
    """Apply a ``[profile]`` table from the configuration file to ``base``.

    Keys: ``name``, ``clock`` ("sin" or "referral"), ``amber_slack``,
    ``agency_timescale``, ``reconsideration``, and per step
    ``[profile.steps.<id>]`` with ``label`` and ``due`` (a list of rules).
    A profile whose meeting can fall due after its Panel deadline is refused.
    """
    allowed = {
        "name",
        "amber_slack",
        "agency_timescale",
        "reconsideration",
        "steps",
        "convention",
        "clock",
        "progress_check_interval",
        "prepublication_recipients",
    }
    unknown = set(table) - allowed
    if unknown:
        raise ProfileError(f"[profile]: unknown setting {sorted(unknown)[0]!r}")
    profile = base
    if "name" in table:
        profile = replace(profile, name=str(table["name"]))
    if "convention" in table:
        profile = replace(profile, convention=str(table["convention"]))
    if "clock" in table:
        clock = table["clock"]
        if clock not in CLOCKS:
            raise ProfileError('[profile] clock: "sin" (the default) or "referral"')
        profile = _with_clock(profile, clock)
    if "amber_slack" in table:
        profile = replace(profile, amber_slack=_whole(table, "amber_slack"))
    if "agency_timescale" in table:
        profile = replace(profile, agency_timescale_wd=_whole(table, "agency_timescale"))
    if "progress_check_interval" in table:
        value = _whole(table, "progress_check_interval")
        if value < 1:
            raise ProfileError(
                "[profile] progress_check_interval: a whole number of working days >= 1"
            )
        profile = replace(profile, progress_check_wd=value)
    if "prepublication_recipients" in table:
        recipients = table["prepublication_recipients"]
        if (
            not isinstance(recipients, list)
            or not recipients
            or not all(isinstance(r, str) and r.strip() for r in recipients)
        ):
            raise ProfileError(
                "[profile] prepublication_recipients: a list of names, "
                'such as ["the National Panel", "the Secretary of State"]'
            )
        profile = replace(profile, prepublication_recipients=tuple(r.strip() for r in recipients))
    if "reconsideration" in table:
        value = _whole(table, "reconsideration")
        if value < 1:
            raise ProfileError("[profile] reconsideration: a whole number of working days >= 1")
        step = profile.step("reconsideration")
        rules: tuple[Rule, ...] = (Rule(("panel_response",), working_days=value, local=True),)
        profile = replace(
            profile,
            steps=tuple(replace(s, rules=rules) if s is step else s for s in profile.steps),
        )
    steps = table.get("steps", {})
    if not isinstance(steps, Mapping):
        raise ProfileError("[profile.steps]: a table of step ids")
    known = set(profile.step_ids) | {DECISION, PUBLICATION_PLANNED}
    new_steps = list(profile.steps)
    for step_id, settings in steps.items():
        where = f"[profile.steps.{step_id}]"
        if step_id not in profile.step_ids:
            raise ProfileError(f"{where}: no such step; steps are {', '.join(profile.step_ids)}")
        if not isinstance(settings, Mapping):
            raise ProfileError(f"{where}: a table")
        extra = set(settings) - {"label", "due"}
        if extra:
            raise ProfileError(f"{where}: unknown setting {sorted(extra)[0]!r}")
        index = profile.step_ids.index(step_id)
        step = new_steps[index]
        if "label" in settings:
            step = replace(step, label=str(settings["label"]))
        if "due" in settings:
            raw_rules = settings["due"]
            if not isinstance(raw_rules, list):
                raise ProfileError(f"{where} due: a list of rules, [] for no deadline")
            rules = tuple(_rule_from(r, f"{where} due", known - {step_id}) for r in raw_rules)
            step = replace(step, rules=rules)
        new_steps[index] = step
    profile = replace(profile, steps=tuple(new_steps))
    if "clock" in table or steps:
        # Only the clock and the steps' rules move the meeting and the Panel
        # deadline; the base profile is coherent as it is (tested), and the
        # check computes 50 schedules: 10 ms of every command's start.
        _check_meeting_before_panel(profile, table)
    return profile


# Dates of the facts the meeting and the Panel deadline count from, in the
# orders they can come in: the SIN and the referral either way round, on the
# day the LA became aware or some days later, around weekends.
_AWARE = date(2025, 1, 6)  # a Monday, no bank holiday near
_OFFSETS = (0, 1, 4, 5, 12)


def _check_meeting_before_panel(profile: Profile, table: Mapping[str, Any]) -> None:
    """Refuse a profile in which the meeting can fall due after the Panel deadline.

    Tried on every combination of recorded start facts and orders of them,
    before the meeting is held (once it is, the Panel is due soon after it).
    """
    if not (profile.has_step("rr_meeting") and profile.has_step("panel_notified")):
        return
    from itertools import product

    from rr_tui.rules.schedule import CaseFacts, compute  # schedule imports this module

    # Weekdays alone: the order of two due dates never depends on bank holidays
    # enough to matter here, and this keeps the ``holidays`` import off start-up.
    cal_profile = replace(profile, calendar=WorkingCalendar())
    for sin_at, referral_at in product((None, *_OFFSETS), repeat=2):
        for with_aware in (True, False):
            done: dict[str, date] = {}
            if with_aware:
                done["incident_aware"] = _AWARE
            if sin_at is not None:
                done["sin_submitted"] = date.fromordinal(_AWARE.toordinal() + sin_at)
            if referral_at is not None:
                done["referral_received"] = date.fromordinal(_AWARE.toordinal() + referral_at)
            steps = {s.id: s for s in compute(CaseFacts(done=done), cal_profile, _AWARE).steps}
            meeting, panel = steps.get("rr_meeting"), steps.get("panel_notified")
            if meeting is None or panel is None or meeting.due is None or panel.due is None:
                continue
            if meeting.due > panel.due:
                raise ProfileError(_incoherent(table, done, meeting.due, panel.due))


def _incoherent(
    table: Mapping[str, Any], done: Mapping[str, date], meeting: date, panel: date
) -> str:
    steps = table.get("steps", {}) if isinstance(table.get("steps", {}), Mapping) else {}
    touched = [
        f"[profile.steps.{s}] due"
        for s in ("rr_meeting", "panel_notified")
        if isinstance(steps.get(s), Mapping) and "due" in steps[s]
    ]
    if "clock" in table:
        touched.append("[profile] clock")
    setting = " and ".join(touched) or "[profile.steps.rr_meeting] due"
    example = ", ".join(f"{FACT_NAMES.get(k, k)} {v.isoformat()}" for k, v in done.items())
    return (
        f"{setting}: the Rapid Review meeting can fall due after the Panel deadline "
        f"(with {example}: meeting due {meeting.isoformat()}, Panel due {panel.isoformat()}); "
        "count both from the same clock start"
    )


def describe(profile: Profile) -> str:
    """A plain-text account of the profile, for ``rr-tui profile``."""
    anchors = " or, while none is recorded, ".join(profile.clock_anchors)
    lines = [
        f"Profile: {profile.name}",
        f"Convention: {profile.convention}",
        f'Rapid-review clock ([profile] clock = "{profile.clock}"): starts at {anchors}; '
        "a deadline counted from a fallback fact is shown as provisional.",
        "",
    ]
    width = max(len(s.id) for s in profile.steps)
    for step in profile.steps:
        if step.rules:
            due = "the earliest of " if len(step.rules) > 1 else ""
            due += "; ".join(r.describe() for r in step.rules)
        else:
            due = "no deadline"
        if step.per_agency:
            due += (
                f" (per agency: {profile.agency_timescale_wd} WD after its request, local target;"
                " done when every agency has returned)"
            )
        if step.done_by_agency_request:
            due += "; done on the first agency request when no date is recorded"
        marker = " [full review]" if step.full_review_only else ""
        if step.when == "reconsideration":
            marker = " [after the Panel challenges or asks for more information]"
        lines.append(f"  {step.id:<{width}}  {step.label}{marker}: {due}")
    lines.append("")
    lines.append(
        "Deadlines are what guidance or local practice says should happen; local targets "
        "are the partnership's own."
    )
    lines.append(
        f"Amber when a pending step has {profile.amber_slack} working days of slack or fewer; "
        "incomplete when none of incident_aware, sin_submitted or referral_received is recorded."
    )
    lines.append(
        f"Local review progress checks every {profile.progress_check_wd} working days "
        "from its initiation until publication."
    )
    lines.append(
        "Copy before publication to: "
        + ", ".join(profile.prepublication_recipients)
        + " (a case can name its own)."
    )
    local = ", ".join(d for d in DECISIONS if d in profile.full_review_decisions)
    lines.append(
        f"Local review steps follow the decisions {local}; a referral to the Panel as "
        "possibly national is a yes/no beside any decision and starts none on its own."
    )
    return "\n".join(lines)
