"""Upcoming deadlines as an .ics file, parsed back with the icalendar library."""

from __future__ import annotations

import os
import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from factories import cli
from icalendar import Calendar

from rr_tui.files.calendar_export import to_ics, upcoming
from rr_tui.records import CaseFields, ChildFields, MeetingRecord
from rr_tui.rules.profile import ENGLAND
from rr_tui.store import Store

D = date
TODAY = D(2025, 6, 9)  # a Monday
CHILD = "Zebedee-Quillfeather"
ALL_EVENTS = [
    ("CAL-002", "sin_submitted", "SIN sent to the Panel", D(2025, 6, 9)),
    ("CAL-001", "agency_returns", "Agency returns in", D(2025, 6, 11)),
    # An immediate safeguarding action: its number, never its text or the child.
    ("CAL-001", "action:2", "Action 2", D(2025, 6, 13)),
    ("CAL-001", "rr_meeting", "Rapid Review meeting", D(2025, 6, 19)),
    ("CAL-001", "panel_notified", "RR sent to Panel", D(2025, 6, 23)),
    # Local review initiated at the meeting: progress checked every 30 WD.
    ("CAL-004", "progress_check", "Progress check", D(2025, 6, 26)),
    ("CAL-004", "published", "Report published", D(2025, 11, 14)),
    ("CAL-004", "prepublication_copy", "Copy to Panel and SoS", D(2026, 1, 21)),
]


def new_case(
    store: Store,
    reference: str,
    owner: str,
    steps: dict[str, date],
    *,
    status: str = "open",
    publication: date | None = None,
) -> int:
    fields = CaseFields(
        reference=reference,
        owner=owner,
        status=status,
        publication_planned=publication,
    )
    return store.create_case(fields, steps, (ChildFields(CHILD),))


@pytest.fixture
def cal_db(store: Store, db_url: str) -> str:
    # SIN and referral Mon 2 Jun 2025: meeting due WD 13 Thu 19 Jun, Panel WD 15 Mon 23 Jun;
    # the one agency, asked Wed 4 Jun, is due Wed 11 Jun. The SIN and scoping are done.
    one = new_case(
        store,
        "CAL-001",
        "Asha Patel",
        {
            "incident_aware": D(2025, 6, 2),
            "sin_submitted": D(2025, 6, 2),
            "referral_received": D(2025, 6, 2),
            "scoping_requests_sent": D(2025, 6, 4),
        },
    )
    store.add_agency(one, "Police", D(2025, 6, 4))
    # Actions: one overdue (not upcoming), one due Fri 13 Jun, one done.
    store.add_action(one, f"Visit {CHILD}", owner="Police", due_on=D(2025, 6, 6))
    store.add_action(one, f"Safety plan for {CHILD}", owner="CSC", due_on=D(2025, 6, 13))
    done = store.add_action(one, "Secure records", owner="Health", due_on=D(2025, 6, 20))
    store.complete_action(one, done, D(2025, 6, 5))
    # Aware Mon 2 Jun: the SIN is due today, Mon 9 Jun (today counts as upcoming).
    new_case(store, "CAL-002", "Ben Okafor", {"incident_aware": D(2025, 6, 2)})
    # Closed: nothing from it.
    new_case(store, "CAL-003", "Asha Patel", {"referral_received": D(2025, 6, 2)}, status="closed")
    # A local review decided Wed 14 May 2025: final report by Fri 14 Nov 2025; the copy to
    # the Panel 7 WD before publication on Fri 30 Jan 2026 is Wed 21 Jan 2026. Everything
    # else on it is done, past or without a deadline.
    four = new_case(
        store,
        "CAL-004",
        " asha patel ",
        {
            "referral_received": D(2025, 5, 1),
            "scoping_requests_sent": D(2025, 5, 6),
            "panel_notified": D(2025, 5, 16),
        },
        publication=D(2026, 1, 30),
    )
    store.record_meeting(four, 0, D(2025, 5, 14), MeetingRecord(decision="lcspr"))
    # Aware on the spring bank holiday Mon 26 May: SIN due Mon 2 Jun, overdue, not upcoming.
    new_case(store, "CAL-005", "Ben Okafor", {"incident_aware": D(2025, 5, 26)})
    return db_url


def export(
    capsys: pytest.CaptureFixture[str], url: str, target: Path, *extra: str
) -> tuple[str, Calendar]:
    code, out, err = cli(
        capsys,
        "--db",
        url,
        "--today",
        TODAY.isoformat(),
        "calendar",
        "--output",
        str(target),
        *extra,
    )
    assert (code, err) == (0, "")
    return out, Calendar.from_ical(target.read_bytes())


def events_of(cal: Calendar) -> list[tuple[str, str, date, date]]:
    """(uid, summary, start, end) of every VEVENT, in file order."""
    result = []
    for event in cal.walk("VEVENT"):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        # All-day: plain dates, not times.
        assert not isinstance(start, datetime)
        assert not isinstance(end, datetime)
        result.append((str(event["UID"]), str(event["SUMMARY"]), start, end))
    return result


def test_upcoming_lists_every_open_step_due_today_or_later(store: Store, cal_db: str) -> None:
    assert upcoming(store.list_cases(), ENGLAND, TODAY) == ALL_EVENTS
    assert upcoming(store.list_cases(), ENGLAND, TODAY, owner="ASHA PATEL") == [
        e for e in ALL_EVENTS if e[0] in ("CAL-001", "CAL-004")
    ]


def test_cli_calendar_one_all_day_event_per_upcoming_deadline(
    capsys: pytest.CaptureFixture[str], cal_db: str, tmp_path: Path
) -> None:
    target = tmp_path / "deadlines.ics"
    out, cal = export(capsys, cal_db, target)
    assert out == f"wrote 8 deadlines to {target}\n"
    assert str(cal["VERSION"]) == "2.0"
    assert "PRODID" in cal
    events = events_of(cal)
    assert [(start, end) for _, _, start, end in events] == [
        (due, due + timedelta(days=1)) for *_, due in ALL_EVENTS
    ]
    for (_, summary, _, _), (reference, _, label, _) in zip(events, ALL_EVENTS, strict=True):
        assert reference in summary
        assert label in summary
    assert events[2][1] == "CAL-001: Action 2 due"
    assert events[3][1] == "CAL-001: Rapid Review meeting due"
    uids = [uid for uid, *_ in events]
    assert len(set(uids)) == len(uids)
    raw = target.read_bytes()
    assert b"DTSTART;VALUE=DATE:20250619" in raw
    assert CHILD.encode() not in raw
    assert b"Zebedee" not in raw
    assert b"CAL-003" not in raw
    assert b"CAL-005" not in raw


def test_cli_calendar_file_is_private(
    capsys: pytest.CaptureFixture[str], cal_db: str, tmp_path: Path
) -> None:
    target = tmp_path / "deadlines.ics"
    target.write_text("old")
    target.chmod(0o644)
    export(capsys, cal_db, target)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_cli_calendar_uids_are_stable_across_exports(
    capsys: pytest.CaptureFixture[str], cal_db: str, tmp_path: Path
) -> None:
    _, first = export(capsys, cal_db, tmp_path / "a.ics")
    _, second = export(capsys, cal_db, tmp_path / "b.ics")
    assert events_of(first) == events_of(second)
    before = {summary: uid for uid, summary, *_ in events_of(first)}

    # The meeting is held Tue 10 Jun: it leaves the calendar and the Panel notification
    # moves to 2 WD after it, Thu 12 Jun, keeping its UID so calendars update the event.
    # Recorded on the day (record refuses a date in the future).
    code, _, err = cli(
        capsys,
        "--db",
        cal_db,
        "--today",
        "2025-06-10",
        "record",
        "CAL-001",
        "rr_meeting",
        "2025-06-10",
        "--force",  # tomorrow, for this test: record asks for --force for a future date
    )
    assert (code, err) == (0, "")
    _, third = export(capsys, cal_db, tmp_path / "c.ics")
    after = {summary: (uid, start) for uid, summary, start, _ in events_of(third)}
    assert "CAL-001: Rapid Review meeting due" not in after
    assert after["CAL-001: RR sent to Panel due"] == (
        before["CAL-001: RR sent to Panel due"],
        D(2025, 6, 12),
    )
    assert after["CAL-004: Report published due"][0] == before["CAL-004: Report published due"]


@pytest.mark.parametrize(
    ("owner", "references"),
    [
        ("asha patel", ["CAL-001"] * 4 + ["CAL-004"] * 3),
        ("Ben Okafor", ["CAL-002"]),
        ("Nobody", []),
    ],
)
def test_cli_calendar_owner_filter(
    capsys: pytest.CaptureFixture[str],
    cal_db: str,
    tmp_path: Path,
    owner: str,
    references: list[str],
) -> None:
    target = tmp_path / "mine.ics"
    out, cal = export(capsys, cal_db, target, "--owner", owner)
    summaries = [summary for _, summary, *_ in events_of(cal)]
    assert [s.split(":")[0] for s in summaries] == references
    if not references:
        assert out == f"wrote 0 deadlines to {target}\n"


def test_to_ics_is_deterministic_for_a_given_stamp() -> None:
    stamp = datetime(2025, 6, 9, 8, 30, tzinfo=UTC)
    events = [("R-1", "rr_meeting", "Rapid Review meeting", D(2025, 6, 19))]
    data = to_ics(events, stamp)
    assert data == to_ics(events, stamp)
    (event,) = Calendar.from_ical(data).walk("VEVENT")
    assert str(event["UID"]) == "R-1-rr_meeting@rr-tui"
    assert event.decoded("DTSTAMP") == stamp
    assert event.decoded("DTSTART") == D(2025, 6, 19)
    assert "RRULE" not in event
    empty = Calendar.from_ical(to_ics([], stamp))
    assert empty.walk("VEVENT") == []


def test_cli_calendar_needs_an_output_file(capsys: pytest.CaptureFixture[str], cal_db: str) -> None:
    code, out, err = cli(capsys, "--db", cal_db, "calendar")
    assert (code, out) == (2, "")
    assert err.startswith("rr-tui: ") and err.count("\n") == 1
    assert "--output" in err
