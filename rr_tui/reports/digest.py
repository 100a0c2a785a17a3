"""The team's daily digest (issue 12 §7): what falls due in the next N working days and what
is overdue, grouped by the case's owner, across steps, agency returns and meeting actions.

For cron and the host's mail command, so it names case references, steps, agencies and who
holds an action, and never a child or any free text that could name one. Pure: the
deadlines come from the schedule engine (``rr_tui.rules.schedule``), the working days from
``rr_tui.deadlines``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rr_tui.dates import uk, uk_short
from rr_tui.deadlines import add_working_days, working_days_between
from rr_tui.records import CaseRecord
from rr_tui.rules.profile import Profile
from rr_tui.rules.schedule import agency_due, compute
from rr_tui.sanitize import for_display

DEFAULT_DAYS = 5
NO_OWNER = "(no owner)"


@dataclass(frozen=True)
class DueAction:
    """A meeting action not yet done, with a due date: where the store keeps it."""

    case_id: int
    number: int  # 1-based, in the order the meeting recorded them
    owner: str  # who holds the action (an agency or a role), not the case's owner
    due: date


@dataclass(frozen=True)
class DigestItem:
    owner: str
    reference: str
    what: str  # a step's label, "agency return: Police", "meeting action 2 (CSC)"
    due: date
    slack: int  # working days left; negative when overdue

    @property
    def overdue(self) -> bool:
        return self.slack < 0


def _same_owner(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def digest(
    records: Iterable[CaseRecord],
    actions: Iterable[DueAction],
    profile: Profile,
    today: date,
    *,
    days: int = DEFAULT_DAYS,
    owner: str | None = None,
) -> dict[str, list[DigestItem]]:
    """Items overdue or due within ``days`` working days, by owner (alphabetical, no owner
    last); within an owner, overdue first, then by due date and reference."""
    by_case: dict[int, list[DueAction]] = {}
    for action in actions:
        by_case.setdefault(action.case_id, []).append(action)
    per_agency = {s.id for s in profile.steps if s.per_agency}
    # The window ends with the N-th working day after today (a Saturday due date is after
    # Friday's); 0 days: overdue and due today.
    until = add_working_days(today, days) if days > 0 else today
    items: list[DigestItem] = []
    for record in records:
        if record.fields.status == "closed":
            continue
        who = " ".join(record.fields.owner.split()) or NO_OWNER
        if owner is not None and not _same_owner(who, owner):
            continue
        reference = record.reference

        def add(what: str, due: date, who: str = who, reference: str = reference) -> None:
            if due <= until:
                items.append(
                    DigestItem(who, reference, what, due, working_days_between(today, due))
                )

        asked = [a for a in record.agencies if a.request_sent is not None]
        for step in compute(record.facts(), profile, today).steps:
            if step.done is not None or step.due is None:
                continue
            if step.id in per_agency and asked:
                continue  # shown agency by agency below
            add(step.label, step.due)
        for agency in asked:
            due = agency_due(agency.facts(), profile)
            if agency.received_on is None and due is not None:
                add(f"agency return: {agency.name}", due)
        for action in by_case.get(record.id, ()):
            held = f" ({action.owner})" if action.owner.strip() else ""
            add(f"meeting action {action.number}{held}", action.due)
    groups: dict[str, list[DigestItem]] = {}
    for item in sorted(items, key=lambda i: (not i.overdue, i.due, i.reference, i.what)):
        groups.setdefault(item.owner, []).append(item)
    return dict(sorted(groups.items(), key=lambda kv: (kv[0] == NO_OWNER, kv[0].casefold())))


def digest_text(groups: dict[str, list[DigestItem]], today: date, days: int = DEFAULT_DAYS) -> str:
    """Plain text for a mail body: one block per owner, one line per item."""
    until = add_working_days(today, days) if days > 0 else today
    plural = "s" if days != 1 else ""
    lines = [
        f"Rapid reviews: overdue, and due in the next {days} working day{plural} "
        f"(to {uk(until)}). Today is {uk(today)}."
    ]
    if not groups:
        lines += ["", f"Nothing is overdue or due in the next {days} working day{plural}."]
        return "\n".join(lines) + "\n"
    rows = [item for items in groups.values() for item in items]
    ref_width = max(len(for_display(i.reference)) for i in rows)
    what_width = min(max(len(for_display(i.what)) for i in rows), 48)
    for who, items in groups.items():
        late = sum(1 for i in items if i.overdue)
        count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
        lines += ["", f"== {for_display(who)}: {count}, {late} overdue =="]
        for i in items:
            if i.overdue:
                state = f"OVERDUE by {-i.slack} WD"
            elif i.slack == 0:
                state = "due today"
            else:
                state = f"{i.slack} WD left"
            what = for_display(i.what)[:what_width]
            lines.append(
                f"  {for_display(i.reference):<{ref_width}}  {what:<{what_width}}  "
                f"due {uk_short(i.due)}  {state}"
            )
    total = len(rows)
    overdue = sum(1 for i in rows if i.overdue)
    lines += ["", f"{total} item{'s' if total != 1 else ''}, {overdue} overdue."]
    return "\n".join(lines) + "\n"
