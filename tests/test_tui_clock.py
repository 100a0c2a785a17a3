"""The TUI under a non-default profile: hints, help and the clock bar agree with the timeline.

Issue 9 §3: every deadline the screens show comes from the profile through the
rules engine. Run with the README's example profile (the clock from the
referral, amber at 3 WD) and with a profile of other numbers, each screen's
dates are compared with ``schedule.compute`` under the same profile.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from textual.widgets import Static
from tui_helpers import (
    TODAY,
    create_case,
    date_hint,
    fill,
    open_case,
    open_form,
    running,
    static_text,
    text_of,
    wait_for_screen,
)

from rr_tui.config import Config
from rr_tui.dates import uk, uk_brief
from rr_tui.rules.profile import ENGLAND, Profile, customise
from rr_tui.rules.schedule import CaseFacts, compute
from rr_tui.screens.case_form import CaseForm
from rr_tui.screens.case_list import CaseListScreen
from rr_tui.screens.help import HelpScreen

SIZE = (120, 40)  # room for the whole timeline and the help
README_EXAMPLE: dict[str, Any] = {
    "name": "Northshire (Panel clock from the referral)",
    "clock": "referral",
    "amber_slack": 3,
    "agency_timescale": 5,
    "reconsideration": 10,
    "steps": {
        "panel_notified": {
            "due": [
                {"after": ["referral_received", "sin_submitted"], "working_days": 15},
                {"after": "rr_meeting", "working_days": 2, "local": True},
            ]
        }
    },
}
OTHER_NUMBERS: dict[str, Any] = {
    "amber_slack": 4,
    "steps": {
        "rr_meeting": {
            "due": [{"after": ["sin_submitted", "referral_received"], "working_days": 8}]
        },
        "panel_notified": {
            "due": [
                {"after": ["sin_submitted", "referral_received"], "working_days": 10},
                {"after": "rr_meeting", "working_days": 1},
            ]
        },
    },
}
SIN = date(2026, 11, 16)
REFERRAL = date(2026, 11, 18)
NEW_REFERRAL = date(2026, 11, 25)


@pytest.mark.parametrize(
    "table",
    [README_EXAMPLE, {"clock": "referral"}, OTHER_NUMBERS],
    ids=["readme", "referral", "other"],
)
async def test_hints_help_and_clock_bar_agree_with_the_timeline(
    demo_url: str, table: dict[str, Any]
) -> None:
    profile: Profile = customise(ENGLAND, table)
    create_case(
        demo_url,
        "RR-CLOCK-1",
        {"incident_aware": SIN, "sin_submitted": SIN, "referral_received": REFERRAL},
    )
    facts = CaseFacts(
        done={"incident_aware": SIN, "sin_submitted": SIN, "referral_received": REFERRAL}
    )
    schedule = compute(facts, profile, TODAY)
    panel = schedule.step("panel_notified")
    meeting = schedule.step("rr_meeting")
    assert panel is not None and panel.due is not None and meeting is not None
    n = profile.clock_wd
    assert n is not None
    async with running(demo_url, config=Config(profile=profile)) as pilot:
        screen = await open_case(pilot, demo_url, "RR-CLOCK-1")
        steps = text_of(screen, "#case-steps")
        bar = text_of(screen, "#case-bar")
        # The timeline and the clock bar: the same RR to Panel date, N from the profile.
        assert uk(panel.due) in steps and uk(meeting.due) in steps
        assert f"RR to Panel by {uk(panel.due)}" in bar
        assert f"/{n}" in bar and f"of {n}" in bar
        # The help says the profile's numbers.
        await pilot.press("question_mark")
        help_screen = await wait_for_screen(pilot, HelpScreen)
        await pilot.pause()
        help_text = " ".join(" ".join(static_text(s) for s in help_screen.query(Static)).split())
        assert "Deadlines (this profile)" in help_text
        assert f"within {n} working days of the clock start" in help_text
        amber = profile.amber_slack
        assert f"{amber} working days of slack or fewer" in help_text
        await pilot.press("escape")
        await pilot.press("escape")
        await wait_for_screen(pilot, CaseListScreen)
        # The new-case form's hint: the schedule of the case if this date were recorded.
        form = await open_form(pilot, "n", CaseForm)
        await fill(pilot, "referral_received", NEW_REFERRAL.isoformat())
        fresh = compute(CaseFacts(done={"referral_received": NEW_REFERRAL}), profile, TODAY)
        fresh_panel = fresh.step("panel_notified")
        assert fresh_panel is not None and fresh_panel.due is not None
        hint = date_hint(form, "referral_received")
        assert f"RR to Panel by {uk_brief(fresh_panel.due)}" in hint
        # From the referral alone: provisional under the SIN clock, not under the referral's.
        assert ("provisional" in hint) == (profile.clock == "sin")
