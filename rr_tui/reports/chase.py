"""Agency returns to chase: due within the amber slack or overdue, across all cases. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rr_tui.dates import uk
from rr_tui.records import CaseRecord
from rr_tui.rules.profile import ENGLAND, Profile, fact_words
from rr_tui.rules.schedule import agency_due
from rr_tui.sanitize import for_display


@dataclass(frozen=True)
class ChaseItem:
    agency_id: int
    agency: str
    reference: str
    case_id: int
    requested: date | None
    due: date
    slack: int  # working days left; negative when overdue
    chasers: tuple[date, ...]

    @property
    def overdue(self) -> bool:
        return self.slack < 0


def chase_list(
    records: Sequence[CaseRecord],
    profile: Profile,
    today: date,
    within: int | None = None,
) -> dict[str, list[ChaseItem]]:
    """Outstanding returns due within ``within`` WD or overdue, grouped by agency name.

    ``within`` defaults to the profile's amber slack: what is amber is chased.
    """
    if within is None:
        within = profile.amber_slack
    between = profile.calendar.working_days_between
    groups: dict[str, list[ChaseItem]] = {}
    for record in records:
        if record.fields.status == "closed":
            continue
        for agency in record.agencies:
            if agency.received_on is not None:
                continue
            due = agency_due(agency.facts(), profile)
            if due is None:
                continue
            slack = between(today, due)
            if slack > within:
                continue
            item = ChaseItem(
                agency.id,
                agency.name,
                record.reference,
                record.id,
                agency.request_sent,
                due,
                slack,
                agency.chasers,
            )
            groups.setdefault(agency.name.strip(), []).append(item)
    for items in groups.values():
        items.sort(key=lambda i: (i.due, i.reference))
    return dict(sorted(groups.items(), key=lambda kv: (kv[1][0].due, kv[0].lower())))


def panel_sentence(profile: Profile) -> str:
    """What the Panel expects, in the profile's numbers and words ("should", not "must")."""
    wd = profile.clock_wd
    if wd is None:
        return "Rapid reviews should reach the National Panel promptly"
    return (
        f"Rapid reviews should reach the National Panel within {wd} working days of "
        f"{fact_words(profile.clock_anchors[0])}"
    )


def chaser_text(
    agency: str,
    items: Sequence[ChaseItem],
    today: date,
    sender: str = "",
    profile: Profile | None = None,
) -> str:
    """A ready-to-send chaser for one agency. References only: never a child's name."""
    lines = [
        f"Dear colleagues at {for_display(agency)},",
        "",
        "Rapid review scoping returns: reminder",
        "",
        "We are still waiting for your completed initial scoping template, and confirmation "
        "that your records are secured, for:",
        "",
    ]
    for item in items:
        when = (
            f"was due {uk(item.due)} ({-item.slack} working day"
            f"{'s' if item.slack != -1 else ''} overdue)"
            if item.overdue
            else f"is due {uk(item.due)}"
        )
        lines.append(f"  - {for_display(item.reference)}: {when}")
    lines += [
        "",
        f"{panel_sentence(profile or ENGLAND)}, so please send your return securely as soon "
        "as you can.",
        "",
        "Thank you,",
        sender or "Safeguarding partnership business unit",
        f"({uk(today)})",
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class ActionChaseItem:
    """An action not yet done, due within the chase window or overdue."""

    reference: str
    case_id: int
    number: int
    recommendation: int | None
    due: date
    slack: int  # working days left; negative when overdue

    @property
    def overdue(self) -> bool:
        return self.slack < 0


def action_chase_list(
    records: Sequence[CaseRecord],
    today: date,
    within: int | None = None,
    profile: Profile = ENGLAND,
) -> dict[str, list[ActionChaseItem]]:
    """Open actions due within ``within`` WD (default: the amber slack) or overdue,
    grouped by owner, most urgent first."""
    if within is None:
        within = profile.amber_slack
    working_days_between = profile.calendar.working_days_between
    groups: dict[str, list[ActionChaseItem]] = {}
    for record in records:
        if record.fields.status == "closed":
            continue
        for action in record.actions:
            if action.done_on is not None or action.due_on is None:
                continue
            slack = working_days_between(today, action.due_on)
            if slack > within:
                continue
            item = ActionChaseItem(
                record.reference,
                record.id,
                action.number,
                action.recommendation,
                action.due_on,
                slack,
            )
            owner = action.owner.strip() or "(no owner recorded)"
            groups.setdefault(owner, []).append(item)
    for items in groups.values():
        items.sort(key=lambda i: (i.due, i.reference, i.number))
    return dict(sorted(groups.items(), key=lambda kv: (kv[1][0].due, kv[0].lower())))


def action_reminder_text(
    owner: str, items: Sequence[ActionChaseItem], today: date, sender: str = ""
) -> str:
    """A ready-to-send reminder to an action's owner.

    Case references and action numbers only: never a child's name, and never
    the action's own words, which may name the child or the family.
    """
    lines = [
        f"Dear {for_display(owner)},",
        "",
        "Safeguarding actions: reminder",
        "",
        "The following actions agreed by the safeguarding partnership are not yet "
        "recorded as done:",
        "",
    ]
    for item in items:
        what = f"action {item.number}"
        if item.recommendation is not None:
            what += f" (recommendation {item.recommendation})"
        when = (
            f"was due {uk(item.due)} ({-item.slack} working day"
            f"{'s' if item.slack != -1 else ''} overdue)"
            if item.overdue
            else f"is due {uk(item.due)}"
        )
        lines.append(f"  - {for_display(item.reference)}, {what}: {when}")
    lines += [
        "",
        "Please confirm when each is done, with the evidence, so that we can record it.",
        "",
        "Thank you,",
        sender or "Safeguarding partnership business unit",
        f"({uk(today)})",
    ]
    return "\n".join(lines)
