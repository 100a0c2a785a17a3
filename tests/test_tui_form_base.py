"""The generic form (rr_tui.screens.form): what every form gets from it.

- the date questions come from ``validation.date_warnings`` (one wording), on any
  form whose date fields declare them;
- a refusal from the store lands on the field it names by id, whatever its label;
- the field lengths come from ``rr_tui.lengths``, for the input and the check alike.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import tui_helpers as ui
from textual.widgets import Input

from rr_tui import lengths, validation
from rr_tui.errors import field_error as store_refusal
from rr_tui.screens import form as form_module
from rr_tui.screens.agency_forms import AgencyForm
from rr_tui.screens.confirm import ConfirmScreen
from rr_tui.screens.lifecycle_forms import ActionForm, ProgressCheckForm
from rr_tui.store import Store
from rr_tui.widgets.fields import TextField


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, date]]:
    """Every (label, date) the forms ask validation.date_warnings about."""
    calls: list[tuple[str, date]] = []
    real = validation.date_warnings

    def spy(label: str, when: date, *args: Any) -> list[str]:
        calls.append((label, when))
        return real(label, when, *args)

    monkeypatch.setattr(form_module, "date_warnings", spy)
    return calls


async def question_lines(pilot: Any) -> list[str]:
    """Save, and read the question the form asks (answering no)."""
    await ui.save(pilot)
    question = await ui.wait_for_screen(pilot, ConfirmScreen)
    assert isinstance(question, ConfirmScreen)
    lines = list(question.lines)
    await pilot.press("n")
    await pilot.pause()
    return lines


async def test_agency_date_before_the_referral_is_asked_through_date_warnings(
    demo_url: str, asked: list[tuple[str, date]]
) -> None:
    referral = ui.stored_case(demo_url, "DEMO-2026-004").done["referral_received"]
    sent = date(2026, 1, 5)
    assert sent < referral
    async with ui.running_app(demo_url) as (app, pilot):
        form = await ui.open_case_form(pilot, demo_url, "DEMO-2026-004", "a", AgencyForm)
        ui.put(form, "name", "Youth offending service")
        ui.put(form, "request_sent", sent.isoformat())
        lines = await question_lines(pilot)
        expected = validation.date_warnings(
            "Scoping request sent", sent, ui.TODAY, referral, "the referral"
        )
        assert expected and all(line in lines for line in expected), lines
        assert ("Scoping request sent", sent) in asked
        assert app.screen is form and ui.value(form, "request_sent") == sent.isoformat()


async def test_progress_check_in_the_future_is_asked_through_date_warnings(
    demo_url: str, asked: list[tuple[str, date]]
) -> None:
    later = date(2026, 12, 3)
    async with ui.running(demo_url) as pilot:
        form = await ui.open_case_form(pilot, demo_url, "DEMO-2026-008", "k", ProgressCheckForm)
        ui.put(form, "checked_on", later.isoformat())
        lines = await question_lines(pilot)
        assert f"Date of the check: {later:%a} 3 Dec 2026 is in the future." in lines
        assert asked == [("Date of the check", later)]


async def test_untouched_dates_are_not_asked_about(
    demo_url: str, asked: list[tuple[str, date]]
) -> None:
    async with ui.running_app(demo_url) as (app, pilot):
        form = await ui.open_case_form(pilot, demo_url, "DEMO-2026-008", "k", ProgressCheckForm)
        ui.put(form, "note", "On track")
        await ui.save(pilot)  # today's date, as shown: nothing to ask, saved
        assert not form.is_attached or app.screen is not form
        assert asked == []


def _store_refuses_agencies(
    monkeypatch: pytest.MonkeyPatch, field_id: str, label: str, words: str
) -> None:
    """From now on the store refuses every new agency, naming ``field_id``."""

    def refuse(self: Store, *args: Any, **kwargs: Any) -> int:
        raise store_refusal(field_id, label, words)

    monkeypatch.setattr(Store, "add_agency", refuse)


async def test_a_store_refusal_lands_on_the_field_it_names_by_id(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The refusal's label is the *name* field's label, but it names the notes:
    # the form must follow the id, never the words.
    _store_refuses_agencies(monkeypatch, "notes", "Agency", "the store says no")
    async with ui.running_app(demo_url) as (app, pilot):
        form = await ui.open_case_form(pilot, demo_url, "DEMO-2026-004", "a", AgencyForm)
        ui.put(form, "name", "Police")
        ui.put(form, "notes", "Asked by phone")
        await ui.save(pilot)
        assert app.screen is form
        assert ui.field_error(form, "name") == ""
        assert ui.field_error(form, "notes") == "✗ Notes: the store says no"
        assert app.focused is ui.field(form, "notes").control
        assert "Agency: the store says no" in ui.form_status(form)
        assert ui.value(form, "notes") == "Asked by phone"  # kept


async def test_a_store_refusal_by_the_stores_name_maps_to_the_forms_field(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store_refuses_agencies(monkeypatch, "timescale_wd", "Timescale", "is a number of working days")
    async with ui.running(demo_url) as pilot:
        form = await ui.open_case_form(pilot, demo_url, "DEMO-2026-004", "a", AgencyForm)
        ui.put(form, "name", "Police")
        await ui.save(pilot)
        assert "is a number of working days" in ui.field_error(form, "timescale")


async def test_a_long_owner_is_refused_by_the_store_on_the_owner_field(demo_url: str) -> None:
    """The real store's refusal (an owner longer than lengths.ACTION_OWNER) names the field."""
    async with ui.running_app(demo_url) as (app, pilot):
        form = await ui.open_case_form(pilot, demo_url, "DEMO-2026-004", "i", ActionForm)
        ui.put(form, "text", "Strategy discussion")
        ui.put(form, "due", "2026-12-10")
        owner = form.query_one("#owner", TextField)
        # Past the input's own limit and the form's check, as if they had slipped:
        # the store still refuses, and says so on the field.
        owner.control.max_length = 0
        owner.max_length = 10_000
        ui.put(form, "owner", "x" * (lengths.ACTION_OWNER + 1))
        await ui.save(pilot)
        assert app.screen is form
        error = ui.field_error(form, "owner")
        assert error == f"✗ Owner: is longer than {lengths.ACTION_OWNER} characters", error


async def test_field_lengths_come_from_one_place(demo_url: str) -> None:
    async with ui.running(demo_url) as pilot:
        form = await ui.open_case_form(pilot, demo_url, "DEMO-2026-004", "a", AgencyForm)
        assert form.query_one("#name Input", Input).max_length == lengths.AGENCY
        await pilot.press("escape")
        await pilot.pause()
        form = await ui.open_form(pilot, "i", ActionForm)
        assert form.query_one("#text Input", Input).max_length == lengths.ACTION
        assert form.query_one("#owner Input", Input).max_length == lengths.ACTION_OWNER
        ui.put(form, "text", "x" * 10)
        ui.put(form, "owner", "")
        ui.put(form, "due", "2026-12-10")
        await ui.save(pilot)
        assert ui.field_error(form, "owner") == "✗ Owner: is required"
