"""The statutory schedule as data: which steps a rapid review has and when each is due.

A profile is plain data. The default is the England profile (README, "The
working-day convention"; the choices behind it in docs/decisions.md); a
partnership changes any number or trigger in its TOML configuration (see
``rr_tui.config``), and ``rr-tui profile`` says which profile and which
day-counting convention are in force.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

# Facts a rule can count from, besides the done date of any step.
DECISION = "decision"  # the Rapid Review meeting date, once a full review is decided
PUBLICATION_PLANNED = "publication_planned"

DECISIONS: dict[str, str] = {
    "lcspr": "Local CSPR",
    "national_review": "National review",
    "other_learning_review": "Other learning review",
    "no_further_review": "No further review",
    "joint_review": "Joint review (DHR, SAR or similar)",
    "criteria_not_met": "Criteria not met",
}


class ProfileError(ValueError):
    """The configured profile is not usable; the message names the setting."""


@dataclass(frozen=True)
class Rule:
    """Due ``working_days`` working days (or ``months`` calendar months) after a fact.

    With ``before`` the rule counts back from the fact instead.
    """

    anchor: str
    working_days: int = 0
    months: int = 0
    before: bool = False

    def describe(self) -> str:
        amount = f"{self.months} calendar months" if self.months else f"{self.working_days} WD"
        return f"{amount} {'before' if self.before else 'after'} {self.anchor}"


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


@dataclass(frozen=True)
class Profile:
    name: str
    convention: str
    steps: tuple[StepDef, ...]
    amber_slack: int = 2
    agency_timescale_wd: int = 5
    full_review_decisions: frozenset[str] = field(
        default_factory=lambda: frozenset({"lcspr", "national_review", "joint_review"})
    )

    @cached_property
    def _steps_by_id(self) -> dict[str, StepDef]:
        return {step.id: step for step in self.steps}

    def step(self, step_id: str) -> StepDef:
        return self._steps_by_id[step_id]

    def short_label(self, step_id: str) -> str:
        step = self.step(step_id)
        return step.short or step.label

    @property
    def step_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.steps)


CONVENTION = (
    "The trigger date is day 0 and never counts; working day 1 is the first "
    "Monday-to-Friday after it that is not an England and Wales bank holiday."
)

ENGLAND = Profile(
    name="England (Working Together 2023, Panel guidance)",
    convention=CONVENTION,
    steps=(
        StepDef("incident_aware", "LA aware of incident", "SIN", short="LA aware"),
        StepDef(
            "sin_submitted",
            "SIN sent to the Panel",
            "SIN",
            (Rule("incident_aware", working_days=5),),
            short="SIN to Panel",
        ),
        StepDef("referral_received", "Referral received", "Referral", short="Referral"),
        StepDef(
            "scoping_requests_sent",
            "Scoping requests sent",
            "Scoping",
            (Rule("referral_received", working_days=2),),
            short="Scoping sent",
        ),
        StepDef(
            "agency_returns",
            "Agency returns in",
            "Scoping",
            (Rule("scoping_requests_sent", working_days=5),),
            per_agency=True,
            short="Agency returns",
        ),
        StepDef(
            "rr_meeting",
            "Rapid Review meeting",
            "Meeting",
            (Rule("referral_received", working_days=13),),
            short="RR meeting",
        ),
        StepDef(
            "panel_notified",
            "Panel notified",
            "Panel",
            (
                Rule("referral_received", working_days=15),
                Rule("rr_meeting", working_days=2),
            ),
            short="Panel notified",
        ),
        StepDef("panel_response", "Panel response", "Panel", short="Panel reply"),
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
            (Rule(DECISION, months=6),),
            full_review_only=True,
            short="Final report",
        ),
        StepDef(
            "prepublication_copy",
            "Copy to Panel and SoS",
            "Full review",
            (Rule(PUBLICATION_PLANNED, working_days=7, before=True),),
            full_review_only=True,
            short="Pre-pub copy",
        ),
        StepDef(
            "published", "Report published", "Full review", full_review_only=True, short="Published"
        ),
    ),
)


def _rule_from(raw: Any, where: str, known: set[str]) -> Rule:
    if not isinstance(raw, Mapping):
        raise ProfileError(f"{where}: each rule is a table like {{after = STEP, working_days = N}}")
    unknown = set(raw) - {"after", "before", "working_days", "months"}
    if unknown:
        raise ProfileError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    if ("after" in raw) == ("before" in raw):
        raise ProfileError(f"{where}: give exactly one of 'after' or 'before'")
    anchor = raw.get("after", raw.get("before"))
    if anchor not in known:
        raise ProfileError(f"{where}: {anchor!r} is not a step id or fact")
    wd, months = raw.get("working_days", 0), raw.get("months", 0)
    # bool is an int subclass: TOML ``true`` must not pass as 1.
    if any(not isinstance(v, int) or isinstance(v, bool) or v < 0 for v in (wd, months)):
        raise ProfileError(f"{where}: working_days and months are whole numbers >= 0")
    if (wd > 0) == (months > 0):
        raise ProfileError(f"{where}: give exactly one of working_days or months, above 0")
    return Rule(anchor, working_days=wd, months=months, before="before" in raw)


def customise(base: Profile, table: Mapping[str, Any]) -> Profile:
    """Apply a ``[profile]`` table from the configuration file to ``base``.

    Keys: ``name``, ``amber_slack``, ``agency_timescale``, and per step
    ``[profile.steps.<id>]`` with ``label`` and ``due`` (a list of rules).
    """
    allowed = {"name", "amber_slack", "agency_timescale", "steps", "convention"}
    unknown = set(table) - allowed
    if unknown:
        raise ProfileError(f"[profile]: unknown setting {sorted(unknown)[0]!r}")
    profile = base
    if "name" in table:
        profile = replace(profile, name=str(table["name"]))
    if "convention" in table:
        profile = replace(profile, convention=str(table["convention"]))
    for key in ("amber_slack", "agency_timescale"):
        if key in table:
            value = table[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ProfileError(f"[profile] {key}: a whole number >= 0")
            if key == "amber_slack":
                profile = replace(profile, amber_slack=value)
            else:
                profile = replace(profile, agency_timescale_wd=value)
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
    return replace(profile, steps=tuple(new_steps))


def describe(profile: Profile) -> str:
    """A plain-text account of the profile, for ``rr-tui profile``."""
    lines = [f"Profile: {profile.name}", f"Convention: {profile.convention}", ""]
    width = max(len(s.id) for s in profile.steps)
    for step in profile.steps:
        if step.rules:
            due = "earliest of " if len(step.rules) > 1 else ""
            due += "; ".join(r.describe() for r in step.rules)
        else:
            due = "no deadline"
        if step.per_agency:
            due += f" (per agency: {profile.agency_timescale_wd} WD after its request)"
        marker = " [full review]" if step.full_review_only else ""
        lines.append(f"  {step.id:<{width}}  {step.label}{marker}: {due}")
    lines.append("")
    lines.append(
        f"Amber when a pending step has {profile.amber_slack} working days of slack or fewer."
    )
    return "\n".join(lines)
