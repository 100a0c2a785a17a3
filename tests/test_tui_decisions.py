"""The forms for issue 9 §4, driven with Pilot: the meeting's national referral, the
Panel's reconsideration and the case's pre-publication recipients; and what the
list and the case screen make of a Panel challenge.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import tui_helpers as ui
from textual.widgets import Select

from rr_tui.edits import MEETING, Edit, Target
from rr_tui.screens.confirm import ConflictScreen
from rr_tui.screens.meeting_form import NATIONAL_LABEL, MeetingForm
from rr_tui.screens.panel_form import PanelForm
from rr_tui.screens.step_form import StepForm


def choose(form: Any, field_id: str, option: str | None) -> None:
    control = ui.field(form, field_id).control
    assert isinstance(control, Select)
    control.value = option if option else Select.NULL


async def test_the_meeting_form_records_the_national_referral(demo_url: str) -> None:
    async with ui.running(demo_url) as pilot:
        screen = await ui.open_case(pilot, demo_url, "DEMO-2026-009")  # an LCSPR, referred
        assert "Local CSPR; referred to the Panel as possibly national" in ui.text_of(
            screen, "#case-meeting"
        )
        form = await ui.open_form(pilot, "m", MeetingForm)
        assert ui.field(form, "national_referral").label == NATIONAL_LABEL
        assert ui.value(form, "national_referral") == "yes"
        choose(form, "national_referral", "no")
        await pilot.pause()
        await ui.save_and_close(pilot, form)
        await ui.wait_until(
            pilot,
            lambda: "referred" not in ui.text_of(screen, "#case-meeting"),
            what="the reload",
        )
    saved = ui.stored_case(demo_url, "DEMO-2026-009")
    assert (saved.decision, saved.national_referral) == ("lcspr", False)


async def test_a_stale_national_referral_is_a_conflict_naming_it(demo_url: str) -> None:
    async with ui.running(demo_url) as pilot:
        screen = await ui.open_case(pilot, demo_url, "DEMO-2026-009")
        form = await ui.open_form(pilot, "m", MeetingForm)
        with ui.fresh_store(demo_url) as other:
            other.save_edits(
                screen.case_id, [Edit(Target(MEETING, "national_referral"), True, None)]
            )
        choose(form, "national_referral", "no")
        await pilot.pause()
        await ui.save(pilot)
        conflict = await ui.wait_for_screen(pilot, ConflictScreen)
        assert conflict.rows == [(NATIONAL_LABEL, "", "No")]
    assert ui.stored_case(demo_url, "DEMO-2026-009").national_referral is None


async def test_the_panel_form_records_the_reconsideration(demo_url: str) -> None:
    async with ui.running_app(demo_url) as (app, pilot):
        screen = await ui.open_case(pilot, demo_url, "DEMO-2026-008")
        response = screen.data.record.done["panel_response"]
        form = await ui.open_form(pilot, "p", PanelForm)
        # Agreed: no reconsideration, and an answer date is refused naming the field.
        ui.put(form, "reconsidered_on", "today")
        await pilot.pause()
        assert "only after the Panel challenges" in ui.date_hint(form, "reconsidered_on")
        await ui.save(pilot)
        assert form in app.screen_stack
        error = ui.field_error(form, "reconsidered_on")
        assert error.startswith("✗ Reconsideration: answer sent to the Panel on")
        assert "only after the Panel challenges or asks for more information" in error
        # Challenged: the hint counts 10 WD from the response as typed.
        choose(form, "outcome", "challenges")
        ui.put(form, "response_on", "2026-11-16")  # Mon: due Mon 30 Nov
        ui.put(form, "reconsidered_on", "2026-11-25")
        await pilot.pause()
        assert "due Mon 30 Nov 2026: on time" in ui.date_hint(form, "reconsidered_on")
        choose(form, "reconsideration_outcome", "maintained")
        ui.put(form, "reconsideration_notes", "Rationale set out again; decision maintained.")
        await ui.save_and_close(pilot, form)
        await ui.wait_until(
            pilot,
            lambda: (
                "Reconsideration: answer sent Wed 25 Nov 2026" in ui.text_of(screen, "#case-panel")
            ),
            what="the reload",
        )
        assert "Decision maintained" in ui.text_of(screen, "#case-panel")
        steps = " ".join(ui.text_of(screen, "#case-steps").split())  # the notes wrap
        assert "Decision maintained" in steps and "Challenges the recommendation" in steps
    saved = ui.stored_case(demo_url, "DEMO-2026-008")
    assert saved.panel is not None
    assert response != saved.done["panel_response"] == date(2026, 11, 16)
    assert saved.done["reconsideration"] == date(2026, 11, 25)
    assert (saved.panel.outcome, saved.panel.reconsideration_outcome) == (
        "challenges",
        "maintained",
    )
    assert saved.panel.reconsideration_notes == "Rationale set out again; decision maintained."


async def test_an_unanswered_challenge_is_red_in_the_list_with_its_next_step(
    demo_url: str,
) -> None:
    with ui.fresh_store(demo_url) as store:
        case_id = store.case_id("DEMO-2026-008")
        record = store.get_case(case_id)
        assert record.panel is not None
        # Response Mon 2 Nov 2026: the answer was due Mon 16 Nov; on Thu 26 Nov, 8 WD late.
        store.record_panel(
            case_id,
            record.panel.version,
            outcome="more_information",
            response_on=date(2026, 11, 2),
            set_response=True,
        )
    async with ui.running_app(demo_url) as (app, pilot):
        await ui.wait_for_rows(pilot)
        row = next(line for line in ui.screen_text(app).splitlines() if "DEMO-2026-008" in line)
        assert "▲" in row and "Reconsider" in row
        screen = await ui.open_case(pilot, demo_url, "DEMO-2026-008")
        assert "RED" in ui.text_of(screen, "#case-facts")
        steps = " ".join(ui.text_of(screen, "#case-steps").split())
        assert "Reconsider Mon 16 Nov 2026* 8 WD late" in steps


async def test_the_step_form_names_the_pre_publication_recipients(demo_url: str) -> None:
    async with ui.running(demo_url) as pilot:
        form = await ui.open_case_form(pilot, demo_url, "DEMO-2026-008", "t", StepForm)
        recipients = ui.field(form, "recipients")
        assert not recipients.display  # another step is chosen
        choose(form, "step", "prepublication_copy")
        await pilot.pause()
        assert recipients.display
        hint = recipients.query_one(".field--hint")
        assert "the National Panel, the Secretary of State" in str(hint.render())
        ui.put(form, "on", "2026-11-24")
        ui.put(form, "recipients", "the National Panel\nthe Secretary of State\nOfsted")
        await ui.save_and_close(pilot, form)
    saved = ui.stored_case(demo_url, "DEMO-2026-008")
    assert saved.done["prepublication_copy"] == date(2026, 11, 24)
    assert saved.fields.prepublication_recipients == (
        "the National Panel\nthe Secretary of State\nOfsted"
    )
