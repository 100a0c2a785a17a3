"""The case screen: key facts, the timeline of steps, agencies, meeting, Panel, history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from tui_helpers import (
    TODAY_UK,
    fresh_store,
    notification_texts,
    open_case,
    running,
    running_app,
    screen_text,
    text_of,
    wait_for_case,
    wait_for_rows,
    wait_for_screen,
    wait_until,
)

from rr_tui.records import CaseFields
from rr_tui.screens.case_detail import CaseScreen
from rr_tui.screens.case_list import CaseListScreen
from rr_tui.screens.help import HelpScreen
from rr_tui.screens.meeting_mode import MeetingModeScreen
from rr_tui.store import Store
from rr_tui.widgets.case_table import CaseTable

STEP_LABELS = (
    "LA aware",
    "SIN to Panel",
    "Referral",
    "Scoping sent",
    "Agency returns",
    "RR meeting",
    "RR to Panel",
    "Panel reply",
    "IMRs asked",
    "Final report",
    "Published",
)


def step_lines(screen: CaseScreen) -> dict[str, str]:
    """Timeline rows keyed by step label, e.g. {'Agency returns': '✗ overdue ... 2 WD late'}."""
    rows = {}
    for line in text_of(screen, "#case-steps").splitlines()[1:]:
        for label in STEP_LABELS:
            if f" {label} " in line:
                rows[label] = line
    return rows


async def test_case_screen_shows_steps_states_dates_and_slack(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        screen = await open_case(pilot, demo_url, "DEMO-2026-004")
        title = text_of(screen, "#case-title")
        assert "DEMO-2026-004" in title and "▲ RED" in title
        assert "Agency returns" in title and "2 WD late" in title
        steps = text_of(screen, "#case-steps")
        # Every state appears as glyph + word; dates the UK way.
        for state in ("✓ done", "✗ overdue", "○ pending", "· waiting"):
            assert state in steps
        lines = step_lines(screen)
        assert "✓ done" in lines["SIN to Panel"]
        assert "Fri 20 Nov 2026" in lines["SIN to Panel"]  # due
        assert "Mon 16 Nov 2026" in lines["SIN to Panel"]  # done
        assert lines["SIN to Panel"].rstrip().endswith("4 WD")  # slack
        assert "✗ overdue" in lines["Agency returns"]
        assert "Tue 24 Nov 2026" in lines["Agency returns"]
        assert lines["Agency returns"].rstrip().endswith("2 WD late")
        assert "○ pending" in lines["RR meeting"] and "Thu 3 Dec 2026" in lines["RR meeting"]
        assert "· waiting" in lines["Panel reply"]
        bar = text_of(screen, "#case-bar")
        assert "SIN Mon 16 Nov 2026" in bar and "RR to Panel by Mon 7 Dec 2026" in bar
        assert "working day 8 of 15" in bar
        facts = text_of(screen, "#case-facts")
        assert "Child D" in facts and "J. Okafor" in facts and "Serious harm" in facts


async def test_a_case_waiting_for_the_panel_says_so_in_the_list_and_on_its_screen(
    demo_url: str,
) -> None:
    """DEMO-2026-007 sent its rapid review to the Panel: nothing is due until the Panel answers."""
    async with running(demo_url) as pilot:
        await wait_for_rows(pilot)
        table = pilot.app.screen.query_one(CaseTable)
        row = next(r for r in table.rows if r.cells[1] == "DEMO-2026-007")
        # Next step: what it waits for; no due date, no working days left.
        assert row.cells[4] == "Panel reply" and row.cells[5] == "" and row.cells[6] == ""
        screen = await open_case(pilot, demo_url, "DEMO-2026-007")
        title = text_of(screen, "#case-title")
        assert "● GREEN" in title and "awaiting: Panel response (no due date)" in title
        assert "next:" not in title


async def test_case_screen_sections(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        # Agencies: request sent, due, received, records secured, late.
        screen = await open_case(pilot, demo_url, "DEMO-2026-004")
        agencies = text_of(screen, "#case-agencies")
        assert "Requested" in agencies and "Received" in agencies and "Secured" in agencies
        assert "Tue 17 Nov" in agencies  # request sent (short dates at 80 columns)
        assert "Mon 23 Nov" in agencies  # Police returned
        assert "Tue  1 Dec" in agencies  # GP: 10 WD timescale
        assert "✓ in" in agencies and "✗ overdue" in agencies and "○ due" in agencies
        assert agencies.count("yes") == 1
        # History: what changed, by field name.
        history = text_of(screen, "#case-history")
        assert "cases: created" in history
        assert "agencies: changed received_on, records_secured" in history
        await pilot.press("escape")

        # The meeting record with its immediate actions.
        screen = await open_case(pilot, demo_url, "DEMO-2026-006")
        meeting = text_of(screen, "#case-meeting")
        assert "Held: Wed 25 Nov 2026" in meeting
        assert "Decision: Local CSPR" in meeting
        assert "Strategy discussion" in meeting and "Mon 30 Nov 2026" in meeting
        assert "Attendees: Police" in meeting
        assert "RR not sent to Panel yet" in text_of(screen, "#case-panel")
        await pilot.press("escape")

        # The Panel's notification and response; the full-review steps.
        screen = await open_case(pilot, demo_url, "DEMO-2026-008")
        panel = text_of(screen, "#case-panel")
        assert "RR sent to Panel: Fri 25 Sep 2026" in panel
        assert "Response: Thu 8 Oct 2026" in panel
        assert "Agrees with the recommendation" in panel
        lines = step_lines(screen)
        # Paused for a criminal trial: publication keeps its due date, six months after
        # the initiation (the meeting); the final report has no deadline of its own.
        assert "‖ paused" in lines["Published"] and "Wed 24 Mar 2027" in lines["Published"]
        assert "· waiting" in lines["Final report"]
        assert "✓ done" in lines["IMRs asked"]
        assert "RR sent to Panel on working day" in text_of(screen, "#case-bar")
        await pilot.press("escape")

        # A step done after its due date is 'late', with how late.
        screen = await open_case(pilot, demo_url, "DEMO-2026-010")
        lines = step_lines(screen)
        assert "✓! late" in lines["RR to Panel"]
        assert "WD late" in lines["RR to Panel"]


async def test_agency_names_readable_at_80_columns(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        screen = await open_case(pilot, demo_url, "DEMO-2026-004")
        body = screen.query_one("#case-body")
        body.scroll_to_widget(screen.query_one("#case-agencies"), animate=False, top=True)
        await pilot.pause()
        shown = screen_text(app)
        assert "Requested" in shown and "Tue 17 Nov" in shown  # the agencies are on screen
        assert "Police" in shown and "GP practice" in shown


async def test_case_screen_top_fits_80x24_and_escape_goes_back(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        await pilot.press("j", "enter")  # DEMO-2026-004
        await wait_for_case(pilot)
        shown = screen_text(app)
        assert "DEMO-2026-004" in shown and "▲ RED" in shown
        assert "✗ overdue" in shown and "Tue 24 Nov 2026" in shown
        footer = shown.splitlines()[-1]
        assert "esc" in footer and "Edit" in footer and "Agency" in footer
        # Scrolling down reaches the sections below the timeline.
        await pilot.press("end")
        await pilot.pause()
        assert "History" in screen_text(app)
        await pilot.press("escape")
        await wait_for_screen(pilot, CaseListScreen)
        assert len(app.screen_stack) == 2  # the default screen and the list


async def test_case_screen_follows_another_coordinator(demo_url: str) -> None:
    """Meanwhile (the screen polls every 3 s): help and meeting mode on the case screen."""
    async with running_app(demo_url) as (app, pilot):
        screen = await open_case(pilot, demo_url, "DEMO-2026-004")
        with fresh_store(demo_url) as other:
            record = other.get_case(screen.case_id)
            other.update_case(
                screen.case_id, record.version, replace(record.fields, owner="Q. Other")
            )

        # Help lists this screen's keys, not the list's.
        await pilot.press("question_mark")
        help_screen = await wait_for_screen(pilot, HelpScreen)
        shown = screen_text(app)
        for words in ("Edit the case", "Add an agency", "Record the Rapid Review meeting"):
            assert words in shown
        assert "new case" not in shown
        assert isinstance(help_screen.under, CaseScreen)
        await pilot.press("f1")  # f1 closes it as well
        await wait_for_screen(pilot, CaseScreen)

        # Meeting mode: large, read-only, no child's name or owner.
        await pilot.press("M")
        await wait_for_screen(pilot, MeetingModeScreen)
        await wait_until(pilot, lambda: "OVERDUE" in screen_text(app), what="the view")
        shown = screen_text(app)
        assert "DEMO-2026-004" in shown and TODAY_UK in shown
        assert "✗ OVERDUE" in shown and "✓ DONE" in shown
        assert "Child D" not in shown and "Okafor" not in shown
        await pilot.press("M")
        await wait_for_screen(pilot, CaseScreen)

        await wait_until(
            pilot,
            lambda: "Q. Other" in text_of(screen, "#case-facts"),
            timeout=8,
            what="the other coordinator's change",
        )


async def test_case_deleted_elsewhere_is_reported_not_crash(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        app.push_screen(CaseScreen(999_999))
        await wait_until(
            pilot,
            lambda: any("no longer exists" in note for note in notification_texts(app)),
            what="a notification",
        )
        assert app.fatal is None
        # Nothing to show: the user is taken back to the list, with the reason.
        await wait_until(pilot, lambda: isinstance(app.screen, CaseListScreen), what="the list")


async def test_history_shows_london_time_in_summer_and_winter(tmp_path: Path) -> None:
    """Audit times are stored in UTC and shown as England's clocks showed them."""
    url = "sqlite:///" + str(tmp_path / "db" / "rr.db")
    store = Store(url, create=True)
    try:
        store.now = lambda: datetime(2026, 7, 1, 11, 30, tzinfo=UTC)  # BST: 12:30
        case_id = store.create_case(
            CaseFields("RR-2026-050"), {"referral_received": date(2026, 11, 23)}
        )
        store.now = lambda: datetime(2026, 1, 15, 11, 30, tzinfo=UTC)  # GMT: 11:30
        store.update_case(case_id, 1, CaseFields("RR-2026-050", notes="winter"))
    finally:
        store.close()
    async with running(url) as pilot:
        screen = await open_case(pilot, url, "RR-2026-050")
        history = text_of(screen, "#case-history")
        assert "01 Jul 2026 12:30" in history
        assert "15 Jan 2026 11:30" in history
