"""The lifecycle forms, filled in by keyboard: actions, recommendations, the local
review's initiation, progress checks, pauses; and the case screen that shows them.

The demo is dated around Thu 26 Nov 2026 (tui_helpers.TODAY). DEMO-2026-004 has an
overdue action (1, due Wed 25 Nov); DEMO-2026-008 is an LCSPR paused for a criminal
trial since Thu 19 Nov, with a progress check on Thu 29 Oct and one recommendation.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tui_helpers import (
    SIZE,
    TODAY,
    date_hint,
    field_error,
    fill,
    form_status,
    fresh_store,
    make_app,
    open_case,
    open_form,
    save,
    text_of,
    type_text,
    wait_closed,
    wait_for_case,
    wait_for_screen,
)

from rr_tui.screens.confirm import ConfirmScreen
from rr_tui.screens.lifecycle_forms import (
    ActionDoneForm,
    ActionForm,
    LocalReviewForm,
    PauseForm,
    ProgressCheckForm,
    RecommendationForm,
)


def case(url: str, reference: str) -> Any:
    with fresh_store(url) as store:
        return store.get_case(store.case_id(reference))


async def confirm(pilot: Any, answer: str) -> None:
    await wait_for_screen(pilot, ConfirmScreen)
    await pilot.press(answer)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_add_an_action_by_keyboard_then_mark_it_done(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, demo_url, "DEMO-2026-004")
        actions = text_of(screen, "#case-actions")
        assert "Check on the siblings'" in actions and "✗ overdue" in actions
        form = await open_form(pilot, "i", ActionForm)
        assert pilot.app.focused is form.query_one("#text").control  # first field focused
        # Nothing typed: each required field says so, the form stays open.
        await save(pilot)
        assert "Action" in field_error(form, "text")
        assert "Owner" in field_error(form, "owner")
        assert "Due" in field_error(form, "due")
        assert form_status(form).startswith("Not saved")
        await type_text(pilot, "Home visit to the siblings")
        await pilot.press("tab")
        await type_text(pilot, "Children's social care")
        await pilot.press("tab")
        await type_text(pilot, "2026-12-02")
        assert date_hint(form, "due").startswith("Wed 2 Dec 2026")
        await save(pilot)
        await wait_closed(pilot, form)
        saved = case(demo_url, "DEMO-2026-004")
        assert [(a.number, a.text, a.owner, a.due_on) for a in saved.actions][-1] == (
            2,
            "Home visit to the siblings",
            "Children's social care",
            date(2026, 12, 2),
        )
        await wait_for_case(pilot)

        form = await open_form(pilot, "d", ActionDoneForm)
        assert form.query_one("#number").value == "1"  # the first open action
        await pilot.press("tab")
        await fill(pilot, "done_on", "yesterday")
        await pilot.press("tab")
        await type_text(pilot, "Safety plan reviewed with the family")
        await save(pilot)
        await wait_closed(pilot, form)
        done = case(demo_url, "DEMO-2026-004").actions[0]
        assert (done.done_on, done.evidence) == (
            date(2026, 11, 25),
            "Safety plan reviewed with the family",
        )


async def test_an_action_due_in_the_past_asks_first(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, demo_url, "DEMO-2026-001")
        form = await open_form(pilot, "i", ActionForm)
        await type_text(pilot, "Strategy discussion")
        await pilot.press("tab")
        await type_text(pilot, "Police")
        await pilot.press("tab")
        await type_text(pilot, "2026-11-20")
        await pilot.press("ctrl+s")
        await confirm(pilot, "n")  # keep editing: nothing saved, typing kept
        assert form in pilot.app.screen_stack
        assert case(demo_url, "DEMO-2026-001").actions == ()
        assert form.query_one("#text").value == "Strategy discussion"
        await pilot.press("ctrl+s")
        await confirm(pilot, "y")
        await wait_closed(pilot, form)
        assert len(case(demo_url, "DEMO-2026-001").actions) == 1


async def test_recommendation_with_actions(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, demo_url, "DEMO-2026-008")
        form = await open_form(pilot, "R", RecommendationForm)
        await type_text(pilot, "Health visitors see every baby at home")
        await pilot.press("tab", "tab")
        await fill(pilot, "actions", "Audit the visits | Health trust | 2027-13-01")
        await save(pilot)
        assert "date" in field_error(form, "actions")
        await fill(
            pilot, "actions", "Audit the visits | Health trust | 2027-01-29\nBrief GPs | ICB"
        )
        await save(pilot)
        await wait_closed(pilot, form)
        saved = case(demo_url, "DEMO-2026-008")
        assert [r.text for r in saved.recommendations][-1] == (
            "Health visitors see every baby at home"
        )
        assert [(a.text, a.owner, a.due_on, a.recommendation) for a in saved.actions][-2:] == [
            ("Audit the visits", "Health trust", date(2027, 1, 29), 2),
            ("Brief GPs", "ICB", None, 2),
        ]


async def test_local_review_initiation_and_panel_agreement(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, demo_url, "DEMO-2026-008")
        review = " ".join(text_of(screen, "#case-review").split())
        assert "Initiated: Thu 24 Sep 2026 (the meeting date)" in review
        assert "Publication due Wed 24 Mar 2027" in review
        assert "Paused: criminal proceedings since Thu 19 Nov 2026" in review
        assert "still paused · 7 days (5 working days)" in review
        form = await open_form(pilot, "l", LocalReviewForm)
        assert form.query_one("#initiated").snapshot() == "2026-09-24"  # the meeting date
        assert "publish by Wed 24 Mar 2027" in date_hint(form, "initiated")
        await fill(pilot, "initiated", "2026-10-01")
        assert "publish by Thu 1 Apr 2027" in date_hint(form, "initiated")
        await pilot.press("tab")
        await type_text(pilot, "2026-10-08")
        await save(pilot)
        await wait_closed(pilot, form)
        saved = case(demo_url, "DEMO-2026-008")
        assert saved.done["lcspr_initiated"] == date(2026, 10, 1)
        assert saved.done["lcspr_panel_agreed"] == date(2026, 10, 8)
        screen = await wait_for_case(pilot)
        assert "Publication due Thu 1 Apr 2027" in " ".join(text_of(screen, "#case-review").split())


async def test_local_review_forms_need_a_local_review(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, demo_url, "DEMO-2026-007")  # no further review
        for key in ("l", "k", "z"):
            await pilot.press(key)
            await pilot.pause()
            assert pilot.app.screen is screen


async def test_progress_check_moves_the_next_one(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, demo_url, "DEMO-2026-009")
        form = await open_form(pilot, "k", ProgressCheckForm)
        assert form.query_one("#checked_on").snapshot() == TODAY.isoformat()
        # 30 WD after Thu 26 Nov 2026 (Christmas and Boxing Day 2026 are Fri and Mon 28):
        assert "next check due" in date_hint(form, "checked_on")
        await pilot.press("tab")
        await type_text(pilot, "Draft on time; family seen")
        await save(pilot)
        await wait_closed(pilot, form)
        checks = case(demo_url, "DEMO-2026-009").progress_checks
        assert [(c.checked_on, c.note) for c in checks][-1] == (
            TODAY,
            "Draft on time; family seen",
        )


async def test_end_a_pause_then_start_another(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, demo_url, "DEMO-2026-008")
        steps = " ".join(text_of(screen, "#case-steps").split())
        assert "paused: criminal proceedings since Thu 19 Nov 2026" in steps
        form = await open_form(pilot, "z", PauseForm)
        assert form.TITLE_TEXT == "End the pause"
        await fill(pilot, "on", "2026-11-01")  # before the pause started
        await save(pilot)
        assert "before the pause started" in field_error(form, "on")
        await fill(pilot, "on", "today")
        assert "paused for 7 days (5 working days)" in date_hint(form, "on")
        await save(pilot)
        await wait_closed(pilot, form)
        pause = case(demo_url, "DEMO-2026-008").pauses[-1]
        assert pause.ended_on == TODAY
        screen = await wait_for_case(pilot)
        assert "paused:" not in text_of(screen, "#case-steps")

        form = await open_form(pilot, "z", PauseForm)
        assert form.TITLE_TEXT.startswith("Pause the local review")
        await pilot.press("tab")
        await fill(pilot, "on", "today")
        assert "pauses:" in date_hint(form, "on")
        await pilot.press("tab")
        await type_text(pilot, "Inquest opened")
        await save(pilot)
        await wait_closed(pilot, form)
        record = case(demo_url, "DEMO-2026-008")
        assert record.active_pause is not None
        assert (record.active_pause.reason, record.active_pause.detail) == (
            "criminal_proceedings",
            "Inquest opened",
        )
