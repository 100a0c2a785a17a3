"""Upcoming deadlines as an iCalendar file that Outlook and other calendars import.

Events carry the case reference and the step, never the child's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from rr_tui.records import CaseRecord
from rr_tui.rules.profile import Profile
from rr_tui.rules.triage import build_views
from rr_tui.sanitize import for_display

PRODID = "-//rr-tui//Rapid review deadlines//EN"


def upcoming(
    records: Sequence[CaseRecord], profile: Profile, today: date, owner: str | None = None
) -> list[tuple[str, str, str, date]]:
    """(reference, step id, step label, due) for every step not yet done, due today or later."""
    wanted = owner.strip().lower() if owner else None
    events = []
    for view in build_views(records, profile, today):
        if wanted is not None and view.record.fields.owner.strip().lower() != wanted:
            continue
        # The steps, then the actions tracked to completion (by number only).
        for step in (*view.schedule.steps, *view.schedule.actions):
            if step.done is None and step.due is not None and step.due >= today:
                events.append((view.record.reference, step.id, step.label, step.due))
    events.sort(key=lambda e: (e[3], e[0], e[1]))
    return events


def to_ics(events: Sequence[tuple[str, str, str, date]], stamp: datetime | None = None) -> bytes:
    from icalendar import Calendar, Event  # deferred: only this command needs it

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Rapid review deadlines")
    now = stamp or datetime.now(UTC)
    for reference, step_id, label, due in events:
        event = Event()
        safe_ref = for_display(reference)
        event.add("uid", f"{safe_ref}-{step_id}@rr-tui")
        event.add("dtstamp", now)
        event.add("summary", f"{safe_ref}: {label} due")
        event.add("description", f"Rapid review {safe_ref}: {label} ({step_id}) is due.")
        # All-day event on the due date (DTEND is exclusive).
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        event.add("categories", ["Rapid review"])
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
