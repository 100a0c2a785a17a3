"""Field rules shared by the forms, the store, the CLI and import.

Each check returns a message naming the problem (the caller names the field),
or ``None`` when the value is fine. Messages never echo the value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from rr_tui import lengths
from rr_tui.dates import DateInputError, parse_user_date, uk
from rr_tui.lengths import MAX_LINE, MAX_TEXT
from rr_tui.records import (
    AGE_BANDS,
    DISABILITY,
    EARLIER_AGE_BANDS,
    ETHNICITIES,
    INCIDENT_TYPES,
    NOTIFICATION_KINDS,
    PANEL_OUTCOMES,
    RECONSIDERATION_OUTCOMES,
    SEXES,
    STATUSES,
    ActionRecord,
    CaseFields,
    ChildFields,
)
from rr_tui.rules.profile import DECISIONS, Profile

REFERENCE = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9/_.\-]{{0,{lengths.REFERENCE - 1}}}$")

FIELD_LABELS: dict[str, str] = {
    "reference": "Reference",
    "kind": "Notification",
    "incident_type": "Nature of the incident",
    "incident_date": "Incident date",
    "sin_reference": "SIN reference",
    "lead_authority": "Incident local authority (leads)",
    "home_authority": "Child's home authority",
    "partners_copied_on": "SIN copied to the partners",
    "owner": "Owner",
    "status": "Status",
    "notes": "Notes",
    "publication_planned": "Planned publication",
    "prepublication_recipients": "Pre-publication copy to",
}
CHILD_LABELS: dict[str, str] = {
    "initials": "Initials or pseudonym",
    "age_band": "Age band",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
    "cp_plan": "Child protection plan",
    "child_in_need": "Child in need",
    "looked_after": "Looked after",
    "care_leaver": "Care leaver",
}


def normal_reference(value: str) -> str:
    """The one form a reference is stored in: references that differ only in case
    (``rr-2025-101`` and ``RR-2025-101``) are the same case."""
    return value.strip().upper()


def check_reference(value: str) -> str | None:
    if not value.strip():
        return "is required"
    if not REFERENCE.match(value.strip()):
        return (
            f"use up to {lengths.REFERENCE} letters, digits and / _ . - (no spaces), "
            "e.g. RR-2026-014"
        )
    return None


def check_line(value: str, limit: int = MAX_LINE, required: bool = False) -> str | None:
    if required and not value.strip():
        return "is required"
    if len(value) > limit:
        return f"is longer than {limit} characters"
    return None


def check_text(value: str) -> str | None:
    if len(value) > MAX_TEXT:
        return f"is longer than {MAX_TEXT:,} characters"
    return None


def check_choice(
    value: str, choices: dict[str, str] | tuple[str, ...], blank: bool = True
) -> str | None:
    if blank and value == "":
        return None
    if value not in choices:
        return "choose one of: " + ", ".join(choices)
    return None


def case_field_errors(fields: CaseFields) -> dict[str, str]:
    """Every problem with a case's fields, keyed by field name."""
    checks: dict[str, str | None] = {
        "reference": check_reference(fields.reference),
        "kind": check_choice(fields.kind, NOTIFICATION_KINDS, blank=False),
        "incident_type": check_choice(fields.incident_type, INCIDENT_TYPES),
        "sin_reference": check_line(fields.sin_reference, lengths.SIN_REFERENCE),
        "lead_authority": check_line(fields.lead_authority, lengths.AUTHORITY),
        "home_authority": check_line(fields.home_authority, lengths.AUTHORITY),
        "owner": check_line(fields.owner, lengths.CASE_OWNER),
        "status": check_choice(fields.status, STATUSES, blank=False),
        "notes": check_text(fields.notes),
        "prepublication_recipients": check_recipients(fields.prepublication_recipients),
    }
    return {name: message for name, message in checks.items() if message}


def child_field_errors(fields: ChildFields) -> dict[str, str]:
    """Every problem with a child's fields, keyed by field name."""
    checks: dict[str, str | None] = {
        "initials": check_line(fields.initials, lengths.CHILD_INITIALS, required=True),
        "age_band": check_choice(fields.age_band, {**AGE_BANDS, **EARLIER_AGE_BANDS}),
        "sex": check_choice(fields.sex, SEXES),
        "ethnicity": check_choice(fields.ethnicity, ETHNICITIES),
        "disability": check_choice(fields.disability, DISABILITY),
    }
    return {name: message for name, message in checks.items() if message}


def parse_action_lines(text: str, today: date, *, done: bool) -> tuple[ActionRecord, ...]:
    """Actions typed one a line: ``action | owner | due date`` (and ``| done date``
    when ``done``), the last parts optional, dates as people type them.

    Raises ValueError naming the line and what is wrong with it; an action's
    text and owner are held to their stored lengths (``rr_tui.lengths``).
    """
    shape = "action | owner | due date" + (" | done date" if done else "")
    most = 4 if done else 3
    actions = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) > most or not parts[0]:
            raise ValueError(f"line {number}: one action a line, as {shape}")
        owner = parts[1] if len(parts) > 1 else ""
        for what, value, limit in (
            ("the action", parts[0], lengths.ACTION),
            ("the owner", owner, lengths.ACTION_OWNER),
        ):
            problem = check_line(value, limit)
            if problem:
                raise ValueError(f"line {number}: {what} {problem}")
        dates: list[date | None] = []
        for part in parts[2:most]:
            try:
                dates.append(parse_user_date(part, today) if part else None)
            except DateInputError as exc:
                raise ValueError(f"line {number}: date {exc}") from None
        dates += [None] * (2 - len(dates))
        actions.append(ActionRecord(parts[0], owner, *dates))
    return tuple(actions)


def check_decision(value: str | None) -> str | None:
    return None if value in (None, "") else check_choice(value or "", DECISIONS)


def check_panel_outcome(value: str) -> str | None:
    return check_choice(value, PANEL_OUTCOMES)


def check_reconsideration_outcome(value: str) -> str | None:
    return check_choice(value, RECONSIDERATION_OUTCOMES)


def check_national_referral(value: object) -> str | None:
    """Yes (True), no (False) or not recorded (None)."""
    return None if value is None or isinstance(value, bool) else "is yes, no or blank"


def check_recipients(value: str) -> str | None:
    """Who receives the pre-publication copy: names one a line, each a short line."""
    for line in value.splitlines():
        problem = check_line(line.strip(), 120)
        if problem:
            return f"each name {problem}"
    return check_text(value)


def check_timescale(value: int | None) -> str | None:
    if value is not None and not 0 <= value <= 60:
        return "is a number of working days from 0 to 60"
    return None


def date_warnings(
    label: str,
    when: date,
    today: date,
    not_before: date | None = None,
    before_label: str = "",
) -> list[str]:
    """Plausible but surprising dates: the user is asked (the CLI: refused without --force).

    A date in the future, or one before the date ``not_before`` (named
    ``before_label``) it cannot precede. The one wording of these questions,
    for every form and for ``timeline_warnings``.
    """
    warnings = []
    if when > today:
        warnings.append(f"{label}: {uk(when)} is in the future.")
    if not_before is not None and when < not_before:
        warnings.append(f"{label} ({uk(when)}) is dated before {before_label} ({uk(not_before)}).")
    return warnings


# Orders the schedule's rules do not give: a step is never dated before these.
_EXTRA_ORDER: dict[str, tuple[str, ...]] = {
    "referral_received": ("incident_aware",),
    "panel_response": ("panel_notified", "referral_received"),
}


def _not_before(profile: Profile) -> dict[str, set[str]]:
    """For each step, every recorded step it can never precede (transitively).

    A step cannot happen before a step its deadline counts from (the
    profile's "after" rules), nor before the orders above; the steps of a full
    review follow the meeting that decided on it.
    """
    ids = set(profile.step_ids)
    direct: dict[str, set[str]] = {step_id: set() for step_id in ids}
    for step in profile.steps:
        for rule in step.rules:
            if not rule.before:
                # Every fact the rule can count from (the SIN, or the referral).
                direct[step.id].update(a for a in rule.anchors if a in ids)
        direct[step.id].update(a for a in _EXTRA_ORDER.get(step.id, ()) if a in ids)
        if step.full_review_only and "rr_meeting" in ids:
            direct[step.id].add("rr_meeting")
    closed: dict[str, set[str]] = {}
    for step_id in ids:
        seen: set[str] = set()
        todo = list(direct[step_id])
        while todo:
            anchor = todo.pop()
            if anchor not in seen and anchor != step_id:
                seen.add(anchor)
                todo.extend(direct.get(anchor, ()))
        closed[step_id] = seen
    return closed


def timeline_warnings(
    profile: Profile,
    done: Mapping[str, date],
    changes: Mapping[str, date | None],
    today: date,
) -> list[str]:
    """Impossible-looking timelines that recording ``changes`` would make.

    The same sentences for the TUI (which asks before saving) and for
    ``rr-tui record`` (which refuses unless --force): a date in the future,
    or a step dated before a step it cannot precede (a meeting before the
    referral, a Panel response before the referral or the notification, ...).
    Only problems that involve a changed step are reported.
    """
    after = dict(done)
    for step_id, when in changes.items():
        if when is None:
            after.pop(step_id, None)
        else:
            after[step_id] = when
    order = _not_before(profile)
    notes: list[str] = []

    def label(step_id: str) -> str:
        try:
            return profile.step(step_id).label
        except KeyError:
            return step_id

    for step_id, when in changes.items():
        if when is None:
            continue
        notes += date_warnings(label(step_id), when, today)
        for anchor in sorted(order.get(step_id, ()), key=profile.step_ids.index):
            notes += date_warnings(label(step_id), when, when, after.get(anchor), label(anchor))
        for later_id in profile.step_ids:
            later = after.get(later_id)
            if later_id in changes or later is None or step_id not in order.get(later_id, ()):
                continue
            if later < when:
                notes.append(
                    f"{label(later_id)} ({uk(later)}) would be dated before "
                    f"{label(step_id)} ({uk(when)})."
                )
    return notes
