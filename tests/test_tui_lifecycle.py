"""The lifecycle forms, filled in by keyboard: actions, recommendations, the local
review's initiation, progress checks, pauses; and the case screen that shows them.

The demo is dated around Thu 26 Nov 2026 (tui_helpers.TODAY). DEMO-2026-004 has an
overdue action (1, due Wed 25 Nov); DEMO-2026-008 is an LCSPR paused for a criminal
trial since Thu 19 Nov, with a progress check on Thu 29 Oct and one recommendation.
"""

from __future__ import annotations

from datetime import date

import tui_helpers as ui

from rr_tui.screens.lifecycle_forms import (
    ActionDoneForm,
    ActionForm,
    LocalReviewForm,
    PauseForm,
    ProgressCheckForm,
    RecommendationForm,
)


async def test_add_an_action_by_keyboard_then_mark_it_done(demo_url: str) -> None:
    async with ui.running(demo_url) as pilot:
        screen = await ui.open_case(pilot, demo_url, "DEMO-2026-004")
        actions = ui.text_of(screen, "#case-actions")
        assert "Check on the siblings'" in actions and "✗ overdue" in actions
        form = await ui.open_form(pilot, "i", ActionForm)
        assert pilot.app.focused is form.query_one("#text").control  # first field focused
        # Nothing typed: each required field says so, the form stays open.
        await ui.save(pilot)
        assert "Action" in ui.field_error(form, "text")
        assert "Owner" in ui.field_error(form, "owner")
        assert "Due" in ui.field_error(form, "due")
        assert ui.form_status(form).startswith("Not saved")
        await ui.type_text(pilot, "Home visit to the siblings")
        await ui.type_in_next_field(pilot, "Children's social care")
        await ui.type_in_next_field(pilot, "2026-12-02")
        assert ui.date_hint(form, "due").startswith("Wed 2 Dec 2026")
        await ui.save_and_close(pilot, form)
        saved = ui.stored_case(demo_url, "DEMO-2026-004")
        assert [(a.number, a.text, a.owner, a.due_on) for a in saved.actions][-1] == (
            2,
            "Home visit to the siblings",
            "Children's social care",
            date(2026, 12, 2),
        )
        await ui.wait_for_case(pilot)

        form = await ui.open_form(pilot, "d", ActionDoneForm)
        assert form.query_one("#number").value == "1"  # the first open action
        await pilot.press("tab")
        await ui.fill(pilot, "done_on", "yesterday")
        await ui.type_in_next_field(pilot, "Safety plan reviewed with the family")
        await ui.save_and_close(pilot, form)
        done = ui.stored_case(demo_url, "DEMO-2026-004").actions[0]
        assert (done.done_on, done.evidence) == (
            date(2026, 11, 25),
            "Safety plan reviewed with the family",
        )


async def test_an_action_due_in_the_past_asks_first(demo_url: str) -> None:
    async with ui.running(demo_url) as pilot:
        form = await ui.open_case_form(pilot, demo_url, "DEMO-2026-001", "i", ActionForm)
        await ui.type_text(pilot, "Strategy discussion")
        await ui.type_in_next_field(pilot, "Police")
        await ui.type_in_next_field(pilot, "2026-11-20")
        await pilot.press("ctrl+s")
        await ui.confirm(pilot, "n")  # keep editing: nothing saved, typing kept
        assert form in pilot.app.screen_stack
        assert ui.stored_case(demo_url, "DEMO-2026-001").actions == ()
        assert form.query_one("#text").value == "Strategy discussion"
        await pilot.press("ctrl+s")
        await ui.confirm(pilot, "y")
        await ui.wait_closed(pilot, form)
        assert len(ui.stored_case(demo_url, "DEMO-2026-001").actions) == 1


async def test_recommendation_with_actions(demo_url: str) -> None:
    async with ui.running(demo_url) as pilot:
        form = await ui.open_case_form(pilot, demo_url, "DEMO-2026-008", "R", RecommendationForm)
        await ui.type_text(pilot, "Health visitors see every baby at home")
        await pilot.press("tab", "tab")
        await ui.fill(pilot, "actions", "Audit the visits | Health trust | 2027-13-01")
        await ui.save(pilot)
        assert "date" in ui.field_error(form, "actions")
        await ui.fill(
            pilot, "actions", "Audit the visits | Health trust | 2027-01-29\nBrief GPs | ICB"
        )
        await ui.save_and_close(pilot, form)
        saved = ui.stored_case(demo_url, "DEMO-2026-008")
        assert [r.text for r in saved.recommendations][-1] == (
            "Health visitors see every baby at home"
        )
        assert [(a.text, a.owner, a.due_on, a.recommendation) for a in saved.actions][-2:] == [
            ("Audit the visits", "Health trust", date(2027, 1, 29), 2),
            ("Brief GPs", "ICB", None, 2),
        ]


async def test_local_review_initiation_and_panel_agreement(demo_url: str) -> None:
    async with ui.running(demo_url) as pilot:
        screen = await ui.open_case(pilot, demo_url, "DEMO-2026-008")
        review = " ".join(ui.text_of(screen, "#case-review").split())
        assert "Initiated: Thu 24 Sep 2026 (the meeting date)" in review
        assert "Publication due Wed 24 Mar 2027" in review
        assert "Paused: criminal proceedings since Thu 19 Nov 2026" in review
        assert "still paused · 7 days (5 working days)" in review
        form = await ui.open_form(pilot, "l", LocalReviewForm)
        assert form.query_one("#initiated").snapshot() == "2026-09-24"  # the meeting date
        assert "publish by Wed 24 Mar 2027" in ui.date_hint(form, "initiated")
        await ui.fill(pilot, "initiated", "2026-10-01")
        assert "publish by Thu 1 Apr 2027" in ui.date_hint(form, "initiated")
        await ui.type_in_next_field(pilot, "2026-10-08")
        await ui.save_and_close(pilot, form)
        saved = ui.stored_case(demo_url, "DEMO-2026-008")
        assert saved.done["lcspr_initiated"] == date(2026, 10, 1)
        assert saved.done["lcspr_panel_agreed"] == date(2026, 10, 8)
        screen = await ui.wait_for_case(pilot)
        assert "Publication due Thu 1 Apr 2027" in " ".join(
            ui.text_of(screen, "#case-review").split()
        )


async def test_local_review_forms_need_a_local_review(demo_url: str) -> None:
    async with ui.running(demo_url) as pilot:
        screen = await ui.open_case(pilot, demo_url, "DEMO-2026-007")  # no further review
        for key in ("l", "k", "z"):
            await pilot.press(key)
            await pilot.pause()
            assert pilot.app.screen is screen


async def test_progress_check_moves_the_next_one(demo_url: str) -> None:
    async with ui.running(demo_url) as pilot:
        form = await ui.open_case_form(pilot, demo_url, "DEMO-2026-009", "k", ProgressCheckForm)
        assert form.query_one("#checked_on").snapshot() == ui.TODAY.isoformat()
        # 30 WD after Thu 26 Nov 2026 (Christmas and Boxing Day 2026 are Fri and Mon 28):
        assert "next check due" in ui.date_hint(form, "checked_on")
        await ui.type_in_next_field(pilot, "Draft on time; family seen")
        await ui.save_and_close(pilot, form)
        checks = ui.stored_case(demo_url, "DEMO-2026-009").progress_checks
        assert [(c.checked_on, c.note) for c in checks][-1] == (
            ui.TODAY,
            "Draft on time; family seen",
        )


async def test_end_a_pause_then_start_another(demo_url: str) -> None:
    async with ui.running(demo_url) as pilot:
        screen = await ui.open_case(pilot, demo_url, "DEMO-2026-008")
        steps = " ".join(ui.text_of(screen, "#case-steps").split())
        assert "paused: criminal proceedings since Thu 19 Nov 2026" in steps
        form = await ui.open_form(pilot, "z", PauseForm)
        assert form.TITLE_TEXT == "End the pause"
        await ui.fill(pilot, "on", "2026-11-01")  # before the pause started
        await ui.save(pilot)
        assert "before the pause started" in ui.field_error(form, "on")
        await ui.fill(pilot, "on", "today")
        assert "paused for 7 days (5 working days)" in ui.date_hint(form, "on")
        await ui.save_and_close(pilot, form)
        pause = ui.stored_case(demo_url, "DEMO-2026-008").pauses[-1]
        assert pause.ended_on == ui.TODAY
        screen = await ui.wait_for_case(pilot)
        assert "paused:" not in ui.text_of(screen, "#case-steps")

        form = await ui.open_form(pilot, "z", PauseForm)
        assert form.TITLE_TEXT.startswith("Pause the local review")
        await pilot.press("tab")
        await ui.fill(pilot, "on", "today")
        assert "pauses:" in ui.date_hint(form, "on")
        await ui.type_in_next_field(pilot, "Inquest opened")
        await ui.save_and_close(pilot, form)
        record = ui.stored_case(demo_url, "DEMO-2026-008")
        assert record.active_pause is not None
        assert (record.active_pause.reason, record.active_pause.detail) == (
            "criminal_proceedings",
            "Inquest opened",
        )
