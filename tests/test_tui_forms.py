"""Every form, driven with Pilot: valid input is saved (and still there after a restart),
each invalid input keeps the form open with an inline error naming the field and keeps
what was typed, surprising dates ask first, escape asks before throwing typing away.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from textual.widgets import Checkbox, Select
from tui_helpers import (
    TODAY,
    confirm,
    date_hint,
    field,
    field_error,
    fill,
    form_status,
    fresh_store,
    notification_texts,
    open_case,
    open_case_form,
    open_form,
    put,
    row_refs,
    running,
    running_app,
    save,
    save_and_close,
    screen_text,
    stored_case,
    text_of,
    type_text,
    value,
    wait_closed,
    wait_for_rows,
    wait_for_screen,
    wait_until,
)

from rr_tui.screens.agency_forms import AgencyForm, ReturnForm
from rr_tui.screens.case_detail import CaseScreen
from rr_tui.screens.case_form import CaseForm
from rr_tui.screens.case_list import CaseListScreen
from rr_tui.screens.confirm import ConflictScreen
from rr_tui.screens.form import FormScreen
from rr_tui.screens.help import HelpScreen
from rr_tui.screens.meeting_form import MeetingForm
from rr_tui.screens.panel_form import PanelForm
from rr_tui.screens.step_form import StepForm
from rr_tui.widgets.fields import Field

YESTERDAY = date(2026, 11, 25)


def references(url: str) -> set[str]:
    with fresh_store(url) as store:
        return store.references()


def assert_refused(form: FormScreen[Any], field_id: str, label: str, words: str) -> None:
    """The form is still open, the field shows an inline error naming it, status says so."""
    assert form.is_current or form in form.app.screen_stack
    error = field_error(form, field_id)
    assert error.startswith(f"✗ {label}"), error  # the label may go on: "(blank to clear)"
    assert words in error, error
    status = form_status(form)
    assert status.startswith("Not saved"), status
    assert label in status


Refusal = tuple[dict[str, str], str, str, str]  # typed, field id, its label, words of the error


async def check_refusals(
    pilot: Any, form: FormScreen[Any], base: dict[str, str], cases: list[Refusal]
) -> None:
    """Each bad entry in turn: refused inline, naming the field; every entry kept."""
    for typed, field_id, label, words in cases:
        entries = {**base, **typed}
        for name, text in entries.items():
            put(form, name, text)
        await save(pilot)
        assert pilot.app.screen is form, typed
        assert_refused(form, field_id, label, words)
        assert {name: value(form, name) for name in entries} == entries, typed  # nothing lost
        assert pilot.app.focused is field(form, field_id).control  # focus on the problem
        others = [f.id for f in form.query(Field) if f.id != field_id and field_error(form, f.id)]
        assert others == [], typed


async def check_asks(
    pilot: Any, form: FormScreen[Any], entries: dict[str, str], words: str
) -> None:
    """Plausible but surprising: the form asks; 'n' goes back with everything kept."""
    for name, text in entries.items():
        put(form, name, text)
    await save(pilot)
    question = await confirm(pilot, "n")
    assert any(words in line for line in question.lines), question.lines
    assert pilot.app.screen is form
    assert {name: value(form, name) for name in entries} == entries


async def save_after_yes(pilot: Any, form: FormScreen[Any]) -> None:
    """Save again and answer 'y': now it is saved and the form closes."""
    await save(pilot)
    await confirm(pilot, "y")
    await wait_closed(pilot, form)


# == new case ========================================================================


async def test_new_case_saves_and_survives_restart(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        form = await open_form(pilot, "n", CaseForm)
        assert app.focused is field(form, "reference").control  # first field has focus
        await type_text(pilot, "RR-2026-100")
        await fill(pilot, "child", "AB")
        await fill(pilot, "incident_date", "2026-11-16")
        await fill(pilot, "sin_reference", "SIN/2026/0042")
        await fill(pilot, "incident_aware", "2026-11-18")
        await fill(pilot, "referral_received", "yesterday")
        assert date_hint(form, "referral_received").startswith("Wed 25 Nov 2026")
        await fill(pilot, "owner", "C. Coordinator")
        put(form, "lead_authority", "Southshire")
        await fill(pilot, "home_authority", "Eastshire")
        await fill(pilot, "partners_copied_on", "2026-11-19")
        # Choose from a list with the keyboard: enter opens it, down, enter picks.
        select = field(form, "incident_type").control
        assert isinstance(select, Select)
        select.focus()
        await pilot.press("enter", "down", "enter")
        chosen = value(form, "incident_type")
        assert chosen != ""
        await fill(pilot, "notes", "Line one\nLine two")
        await save_and_close(pilot, form)
        assert isinstance(app.screen, CaseListScreen)
        await wait_until(pilot, lambda: "RR-2026-100" in row_refs(pilot), what="the new row")
        assert any("Case saved" in note for note in notification_texts(app))
    saved = stored_case(demo_url, "RR-2026-100")
    assert [c.fields.initials for c in saved.children] == ["AB"]
    assert saved.fields.owner == "C. Coordinator"
    assert saved.fields.lead_authority == "Southshire"
    assert saved.fields.home_authority == "Eastshire"
    assert saved.fields.incident_type == chosen
    assert saved.fields.kind == "rapid_review"
    assert saved.fields.incident_date == date(2026, 11, 16)
    assert saved.fields.sin_reference == "SIN/2026/0042"
    assert saved.fields.partners_copied_on == date(2026, 11, 19)
    assert saved.fields.notes == "Line one\nLine two"
    assert saved.done["incident_aware"] == date(2026, 11, 18)
    assert saved.done["referral_received"] == YESTERDAY
    # ...and a new app on the same file shows it, and opens it.
    async with running(demo_url) as pilot:
        await wait_for_rows(pilot)
        assert "RR-2026-100" in row_refs(pilot)
        await pilot.press("slash")
        await type_text(pilot, "rr-2026-100")
        await pilot.press("enter", "enter")
        screen = await wait_for_screen(pilot, CaseScreen)
        await wait_until(pilot, lambda: screen.data is not None, what="the case")
        assert screen.data.record.reference == "RR-2026-100"
        assert "Referral Wed 25 Nov 2026" in text_of(screen, "#case-bar")


async def test_new_case_hint_shows_resulting_deadlines(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        form = await open_form(pilot, "n", CaseForm)
        assert "19/12/2025" in date_hint(form, "referral_received")
        await fill(pilot, "referral_received", "2026-12-18")
        hint = date_hint(form, "referral_received")
        assert "Fri 18 Dec 2026" in hint
        assert "RR to Panel by Wed 13 Jan" in hint
        assert "provisional: from the referral, SIN date not recorded" in hint
        assert "RR meeting by Mon 11 Jan (local target)" in hint
        shown = screen_text(app)  # drawn beside the field (it wraps at 80 columns)
        assert "Panel by" in shown and "Wed 13 Jan" in shown
        # Typing the SIN moves the clock to it: every hint follows.
        await fill(pilot, "sin_submitted", "2026-12-17")
        hint = date_hint(form, "referral_received")
        assert "RR to Panel" not in hint and "provisional" not in hint
        assert "RR to Panel by Tue 12 Jan" in date_hint(form, "sin_submitted")
        await fill(pilot, "incident_aware", "today")
        assert date_hint(form, "incident_aware") == (
            "Thu 26 Nov 2026 · SIN to Panel by Thu 3 Dec: done 10 WD late"
        )
        await fill(pilot, "incident_aware", "2026-02-30")
        assert "no such date" in date_hint(form, "incident_aware")
        await fill(pilot, "incident_aware", "2026-1")  # half typed: no nagging yet
        assert date_hint(form, "incident_aware") == ""


async def test_new_case_invalid_input_is_refused_and_kept(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        form = await open_form(pilot, "n", CaseForm)
        good = {
            "reference": "RR-2026-200",
            "child": "CD",
            "owner": "E. F.",
            "incident_aware": "",
            "referral_received": "2026-11-20",
        }
        await check_refusals(
            pilot,
            form,
            good,
            [
                ({"reference": ""}, "reference", "Reference", "is required"),
                ({"reference": "RR 2026 1"}, "reference", "Reference", "no spaces"),
                ({"reference": "RR-2026-200!"}, "reference", "Reference", "letters, digits"),
                (
                    {"referral_received": "2026-02-30"},
                    "referral_received",
                    "Referral received",
                    "no such date",
                ),
                (
                    {"incident_aware": "11/26/2026"},
                    "incident_aware",
                    "LA aware of incident",
                    "the day comes first",
                ),
                (
                    {"referral_received": "1066-10-14"},
                    "referral_received",
                    "Referral received",
                    "between",
                ),
            ],
        )
        # Two problems at once: both shown, the status names both.
        for name, text in {**good, "reference": "bad ref", "incident_aware": "2026-13-01"}.items():
            put(form, name, text)
        await save(pilot)
        assert "Reference" in field_error(form, "reference")
        assert "LA aware of incident" in field_error(form, "incident_aware")
        assert form_status(form) == "Not saved. Fix: Reference, LA aware of incident"
        assert "✗ Reference:" in screen_text(app)  # drawn, not only stored
        assert "RR-2026-200" not in references(demo_url)
        # A save the store refuses (the reference is taken): the form stays open with
        # the reason, and every entry is kept.
        for name, text in {**good, "reference": "DEMO-2026-001"}.items():
            put(form, name, text)
        await save(pilot)
        assert app.screen is form
        assert "another case already has that reference" in form_status(form)
        assert "entries are kept" in form_status(form)
        assert "Reference" in field_error(form, "reference")
        assert {name: value(form, name) for name in good} == {**good, "reference": "DEMO-2026-001"}
        assert not form.query_one("#save").disabled  # can try again
        assert stored_case(demo_url, "DEMO-2026-001").fields.owner == "J. Okafor"  # untouched
        # Fixed: saved.
        put(form, "reference", "RR-2026-200")
        await save_and_close(pilot, form)
    assert "RR-2026-200" in references(demo_url)


async def test_new_case_surprising_dates_ask_and_save_only_after_yes(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        await wait_for_rows(pilot)
        form = await open_form(pilot, "n", CaseForm)
        put(form, "reference", "RR-2026-300")
        await check_asks(
            pilot,
            form,
            {"incident_aware": "2026-11-20", "referral_received": "2026-11-10"},
            "Referral received (Tue 10 Nov 2026) is dated before LA aware of incident",
        )
        await check_asks(
            pilot,
            form,
            {"incident_aware": "", "referral_received": "2026-12-18"},
            "Referral received: Fri 18 Dec 2026 is in the future",
        )
        assert "RR-2026-300" not in references(demo_url)  # nothing saved on 'n'
        await save_after_yes(pilot, form)
    assert stored_case(demo_url, "RR-2026-300").done["referral_received"] == date(2026, 12, 18)


async def test_escape_with_typing_asks_before_discarding(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        form = await open_form(pilot, "n", CaseForm)
        await type_text(pilot, "RR-2026-400?")  # '?' is typed, it does not open help
        assert app.screen is form and value(form, "reference") == "RR-2026-400?"
        await pilot.press("escape")
        question = await confirm(pilot, "n")
        assert question.title_text == "Discard changes?"
        assert app.screen is form and value(form, "reference") == "RR-2026-400?"
        await pilot.press("escape")
        await confirm(pilot, "y")
        await wait_closed(pilot, form)
        assert isinstance(app.screen, CaseListScreen)
    assert "RR-2026-400?" not in references(demo_url)


async def test_f1_in_a_form_shows_form_keys(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        form = await open_form(pilot, "n", CaseForm)
        put(form, "reference", "RR-1")
        await pilot.press("f1")
        await wait_for_screen(pilot, HelpScreen, timeout=1)
        # Laid out before it is read (the help is long: it lists the profile's rules).
        await wait_until(pilot, lambda: "^s / f2" in screen_text(app), what="the help")
        shown = screen_text(app)
        assert "^s / f2" in shown and "19/12/2025 (day first)" in shown
        await pilot.press("escape")
        await wait_for_screen(pilot, CaseForm)
        assert value(form, "reference") == "RR-1"


# == every case-screen form: opens, titles, clean escape ==============================


FORMS: list[tuple[str, type[FormScreen[Any]], str, str]] = [
    ("e", CaseForm, "Edit case DEMO-2026-004", "reference"),
    ("a", AgencyForm, "Add an agency", "name"),
    ("r", ReturnForm, "Record an agency's return", "agency"),
    ("m", MeetingForm, "Rapid Review meeting", "held_on"),
    ("p", PanelForm, "National Panel", "notified_on"),
    ("t", StepForm, "Record a step's date", "step"),
]


async def test_every_form_opens_focused_and_clean_escape_closes(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        screen = await open_case(pilot, demo_url, "DEMO-2026-004")
        for key, kind, title, first in FORMS:
            form = await open_form(pilot, key, kind)
            assert title in text_of(form, ".dialog--title")
            assert app.focused is field(form, first).control
            assert not form.dirty, kind.__name__
            footer = screen_text(app).splitlines()[-1]
            assert "Save" in footer and "Cancel" in footer
            await pilot.press("escape")  # nothing typed: closes without asking
            await wait_until(pilot, lambda: app.screen is screen, what=f"{kind.__name__} closed")
        # r on a case with no agency says what to do instead of opening an empty form.
        await pilot.press("escape")
        screen = await open_case(pilot, demo_url, "DEMO-2026-002")
        await pilot.press("r")
        await pilot.pause()
        assert app.screen is screen
        assert any("Add an agency first" in note for note in notification_texts(app))


# == edit case ========================================================================


async def test_edit_case_saves(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        screen = await open_case(pilot, demo_url, "DEMO-2026-004")
        form = await open_form(pilot, "e", CaseForm)
        assert value(form, "reference") == "DEMO-2026-004"
        assert value(form, "owner") == "J. Okafor"
        await fill(pilot, "owner", "Z. Newowner")
        await fill(pilot, "publication_planned", "2027-06-30")  # in the future: no question
        status = field(form, "status").control
        assert isinstance(status, Select)
        status.value = "closed"
        await save_and_close(pilot, form)
        assert app.screen is screen
        await wait_until(
            pilot, lambda: "Z. Newowner" in text_of(screen, "#case-facts"), what="reload"
        )
        assert "Wed 30 Jun 2027" in text_of(screen, "#case-facts")
    saved = stored_case(demo_url, "DEMO-2026-004")
    assert saved.fields.owner == "Z. Newowner"
    assert saved.fields.status == "closed"
    assert saved.fields.publication_planned == date(2027, 6, 30)
    assert saved.fields.sin_reference == "SIN-DEMO-0004"  # the rest untouched


async def test_edit_case_invalid_input_is_refused(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        form = await open_case_form(pilot, demo_url, "DEMO-2026-004", "e", CaseForm)
        good = {"reference": "DEMO-2026-004", "owner": "Changed Owner", "publication_planned": ""}
        await check_refusals(
            pilot,
            form,
            good,
            [
                ({"reference": "DEMO 4"}, "reference", "Reference", "no spaces"),
                ({"reference": ""}, "reference", "Reference", "is required"),
                ({"reference": "DEMO-2026-001"}, "reference", "Reference", "another case"),
                (
                    {"publication_planned": "2027-02-29"},
                    "publication_planned",
                    "Planned publication",
                    "no such date",
                ),
            ],
        )
    assert stored_case(demo_url, "DEMO-2026-004").fields.owner == "J. Okafor"


async def _stale_case_edit(pilot: Any, url: str) -> tuple[CaseScreen, CaseForm]:
    """Open the edit form; another coordinator changes the SIN reference and the owner; we change
    the owner too, and save."""
    screen = await open_case(pilot, url, "DEMO-2026-004")
    form = await open_form(pilot, "e", CaseForm)
    with fresh_store(url) as other:
        record = other.get_case(screen.case_id)
        other.update_case(
            screen.case_id,
            record.version,
            replace(record.fields, sin_reference="CD", owner="B. Other"),
        )
    put(form, "owner", "Mine")
    await save(pilot)
    return screen, form


async def test_stale_edit_is_refused_and_nothing_overwritten(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        _screen, form = await _stale_case_edit(pilot, demo_url)
        conflict = await wait_for_screen(pilot, ConflictScreen)
        assert form in app.screen_stack
        status = form_status(form)
        assert "Not saved" in status and "someone else changed Owner" in status
        # Theirs and yours, for the field both changed; the child, which we did
        # not touch, is not in conflict.
        rows = {label.split(" (")[0]: (theirs, yours) for label, theirs, yours in conflict.rows}
        assert rows == {"Owner": ("B. Other", "Mine")}
        assert "Someone else saved this" in screen_text(app)
        saved = stored_case(demo_url, "DEMO-2026-004")
        assert (saved.fields.sin_reference, saved.fields.owner) == ("CD", "B. Other")
        await pilot.press("k")  # keep editing: back to the form, entries kept
        await wait_for_screen(pilot, CaseForm)
        assert value(form, "owner") == "Mine"
    saved = stored_case(demo_url, "DEMO-2026-004")
    assert saved.fields.sin_reference == "CD"  # theirs is kept...
    assert saved.fields.owner == "B. Other"  # ...and ours did not overwrite anything


async def test_stale_edit_overwrite_only_when_chosen(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        _screen, form = await _stale_case_edit(pilot, demo_url)
        await wait_for_screen(pilot, ConflictScreen)
        await pilot.press("o")  # "save mine over theirs", knowingly
        await pilot.pause()
        await app.workers.wait_for_complete()
        await wait_closed(pilot, form)
    saved = stored_case(demo_url, "DEMO-2026-004")
    assert saved.fields.owner == "Mine"
    assert saved.fields.sin_reference == "CD"  # overwriting ours never undoes their other change


async def test_stale_edit_then_save_again_keeps_their_other_changes(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        _screen, form = await _stale_case_edit(pilot, demo_url)
        await wait_for_screen(pilot, ConflictScreen)
        await pilot.press("k")
        await wait_for_screen(pilot, CaseForm)
        await save(pilot)
        await wait_closed(pilot, form, timeout=3)
    saved = stored_case(demo_url, "DEMO-2026-004")
    assert saved.fields.owner == "Mine"
    assert saved.fields.sin_reference == "CD"  # their change to a field we did not touch survives


# == agency ===========================================================================


async def test_add_agency_saves_with_live_due_hint(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        screen = await open_case(pilot, demo_url, "DEMO-2026-003")
        form = await open_form(pilot, "a", AgencyForm)
        await type_text(pilot, "Police")
        await fill(pilot, "request_sent", "today")
        # Default timescale: 5 WD from Thu 26 Nov.
        assert date_hint(form, "request_sent") == (
            "Thu 26 Nov 2026 · return due Thu 3 Dec 2026 (local target)"
        )
        put(form, "timescale", "10")
        await pilot.pause()
        assert "return due Thu 10 Dec 2026" in date_hint(form, "request_sent")
        await save_and_close(pilot, form)
        await wait_until(
            pilot, lambda: "Police" in text_of(screen, "#case-agencies"), what="the agency"
        )
    (agency,) = stored_case(demo_url, "DEMO-2026-003").agencies
    assert (agency.name, agency.request_sent, agency.timescale_wd) == ("Police", TODAY, 10)


async def test_add_agency_invalid_input_is_refused_and_odd_date_asks(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        # DEMO-2026-003: referral Wed 25 Nov
        form = await open_case_form(pilot, demo_url, "DEMO-2026-003", "a", AgencyForm)
        good = {"name": "School", "request_sent": "2026-11-25", "timescale": "5"}
        await check_refusals(
            pilot,
            form,
            good,
            [
                ({"name": ""}, "name", "Agency", "is required"),
                ({"name": "   "}, "name", "Agency", "is required"),
                ({"timescale": "99"}, "timescale", "Timescale", "0 to 60"),
                ({"timescale": "x"}, "timescale", "Timescale", "0 to 60"),
                (
                    {"request_sent": "2026-11-31"},
                    "request_sent",
                    "Scoping request sent",
                    "no such date",
                ),
            ],
        )
        await check_asks(pilot, form, {**good, "request_sent": "2026-11-02"}, "before the referral")
        await check_asks(pilot, form, {**good, "request_sent": "2026-12-02"}, "in the future")
        assert stored_case(demo_url, "DEMO-2026-003").agencies == ()
        put(form, "request_sent", "2026-11-02")
        await save_after_yes(pilot, form)
    (agency,) = stored_case(demo_url, "DEMO-2026-003").agencies
    assert (agency.name, agency.request_sent, agency.timescale_wd) == (
        "School",
        date(2026, 11, 2),
        5,
    )


# == agency return ====================================================================


async def test_record_return_saves(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        form = await open_case_form(pilot, demo_url, "DEMO-2026-004", "r", ReturnForm)
        # Outstanding agencies come first.
        assert "Children's social care" in screen_text(app)
        await fill(pilot, "received_on", "yesterday")
        hint = date_hint(form, "received_on")
        assert hint.startswith("Wed 25 Nov 2026 · due Tue 24 Nov 2026: 1 WD late"), hint
        checkbox = field(form, "records_secured").control
        assert isinstance(checkbox, Checkbox)
        checkbox.focus()
        await pilot.press("space")
        assert checkbox.value is True
        await save_and_close(pilot, form)
    agencies = {a.name: a for a in stored_case(demo_url, "DEMO-2026-004").agencies}
    social = agencies["Children's social care"]
    assert social.received_on == YESTERDAY and social.records_secured is True
    assert agencies["GP practice"].received_on is None


async def test_record_return_invalid_date_is_refused_and_future_asks(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        form = await open_case_form(pilot, demo_url, "DEMO-2026-004", "r", ReturnForm)
        await check_refusals(
            pilot,
            form,
            {},
            [
                ({"received_on": ""}, "received_on", "Return received", "is required"),
                ({"received_on": "2026-11-31"}, "received_on", "Return received", "no such date"),
            ],
        )
        await check_asks(pilot, form, {"received_on": "2026-11-30"}, "in the future")
        await check_asks(pilot, form, {"received_on": "2026-11-16"}, "before the request")
        agencies = {a.name: a for a in stored_case(demo_url, "DEMO-2026-004").agencies}
        assert agencies["Children's social care"].received_on is None
        put(form, "received_on", "2026-11-30")
        await save_after_yes(pilot, form)
    agencies = {a.name: a for a in stored_case(demo_url, "DEMO-2026-004").agencies}
    assert agencies["Children's social care"].received_on == date(2026, 11, 30)


async def test_stale_return_is_refused(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        screen = await open_case(pilot, demo_url, "DEMO-2026-004")
        form = await open_form(pilot, "r", ReturnForm)
        social = next(a for a in screen.data.record.agencies if a.name.startswith("Children"))
        with fresh_store(demo_url) as other:
            other.update_agency(social.id, social.version, received_on=date(2026, 11, 20))
        put(form, "received_on", "today")
        await save(pilot)
        conflict = await wait_for_screen(pilot, ConflictScreen)
        assert "someone else changed Return received" in form_status(form)
        assert ("Return received", "Fri 20 Nov 2026", "Thu 26 Nov 2026") in conflict.rows
        await pilot.press("escape")  # keep editing
        await wait_for_screen(pilot, ReturnForm)
        assert value(form, "received_on") == "today"
    agencies = {a.name: a for a in stored_case(demo_url, "DEMO-2026-004").agencies}
    assert agencies["Children's social care"].received_on == date(2026, 11, 20)


# == meeting ==========================================================================


async def test_record_meeting_saves_with_actions(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        screen = await open_case(pilot, demo_url, "DEMO-2026-005")  # referral Wed 11 Nov
        form = await open_form(pilot, "m", MeetingForm)
        put(form, "held_on", "today")
        await pilot.pause()
        assert "RR to Panel by Mon 30 Nov (local target)" in date_hint(form, "held_on")
        decision = field(form, "decision").control
        assert isinstance(decision, Select)
        decision.value = "lcspr"
        put(form, "rationale", "Criteria met.")
        put(form, "attendees", "Police; Health")
        put(form, "facts_summary", "Summary.")
        put(form, "actions", "Visit siblings | CSC | 30/11/2026\nCheck records")
        put(form, "learning", "Sharing.")
        await save_and_close(pilot, form)
        await wait_until(
            pilot, lambda: "Visit siblings" in text_of(screen, "#case-meeting"), what="reload"
        )
        assert "Held: Thu 26 Nov 2026" in text_of(screen, "#case-meeting")
    saved = stored_case(demo_url, "DEMO-2026-005")
    assert saved.done["rr_meeting"] == TODAY
    assert saved.decision == "lcspr"
    meeting = saved.meeting
    assert meeting is not None
    assert meeting.rationale == "Criteria met." and meeting.attendees == "Police; Health"
    assert [(a.action, a.owner, a.due_on) for a in meeting.actions] == [
        ("Visit siblings", "CSC", date(2026, 11, 30)),
        ("Check records", "", None),
    ]


async def test_record_meeting_invalid_input_is_refused_and_odd_date_asks(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        # DEMO-2026-005: referral Wed 11 Nov
        form = await open_case_form(pilot, demo_url, "DEMO-2026-005", "m", MeetingForm)
        good = {"held_on": "2026-11-25", "rationale": "Kept.", "actions": "Visit | CSC"}
        actions = "Immediate safeguarding actions"
        await check_refusals(
            pilot,
            form,
            good,
            [
                (
                    {"actions": "Visit | CSC | 2026-11-30 | 2026-12-01 | extra"},
                    "actions",
                    actions,
                    "line 1",
                ),
                ({"actions": "Fine | CSC\n | no action text"}, "actions", actions, "line 2"),
                ({"actions": "Visit | CSC | 11/30/2026"}, "actions", actions, "day comes first"),
                ({"actions": "Visit | CSC | 2026-02-30"}, "actions", actions, "no such date"),
                ({"held_on": ""}, "held_on", "Meeting date", "is required"),
                ({"held_on": "2026-02-30"}, "held_on", "Meeting date", "no such date"),
            ],
        )
        await check_asks(
            pilot, form, {**good, "held_on": "2026-11-02"}, "dated before Referral received"
        )
        await check_asks(pilot, form, {**good, "held_on": "2026-12-01"}, "in the future")
        saved = stored_case(demo_url, "DEMO-2026-005")
        assert saved.meeting is None and "rr_meeting" not in saved.done
        put(form, "held_on", "2026-11-02")
        await save_after_yes(pilot, form)
    saved = stored_case(demo_url, "DEMO-2026-005")
    assert saved.done["rr_meeting"] == date(2026, 11, 2)
    assert saved.meeting is not None and saved.meeting.rationale == "Kept."


async def test_meeting_cancel_with_typing_asks(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        screen = await open_case(pilot, demo_url, "DEMO-2026-005")
        form = await open_form(pilot, "m", MeetingForm)
        await fill(pilot, "attendees", "Police")
        await pilot.press("escape")
        await confirm(pilot, "n")
        assert app.screen is form and value(form, "attendees") == "Police"
        await pilot.click("#cancel")  # the Cancel button asks too
        await confirm(pilot, "y")
        await wait_closed(pilot, form)
        assert app.screen is screen
    assert stored_case(demo_url, "DEMO-2026-005").meeting is None


# == Panel ============================================================================


async def test_record_panel_notification_and_response(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        screen = await open_case(pilot, demo_url, "DEMO-2026-006")  # meeting Wed 25 Nov
        form = await open_form(pilot, "p", PanelForm)
        put(form, "notified_on", "today")
        await pilot.pause()
        assert "due Fri 27 Nov 2026: on time" in date_hint(form, "notified_on")
        put(form, "notification_notes", "Sent by secure email.")
        await save_and_close(pilot, form)
        await wait_until(
            pilot,
            lambda: "RR sent to Panel: Thu 26 Nov 2026" in text_of(screen, "#case-panel"),
            what="reload",
        )
        # Later: the response, in the same form.
        form = await open_form(pilot, "p", PanelForm)
        assert value(form, "notified_on") == "2026-11-26"
        put(form, "response_on", "today")
        outcome = field(form, "outcome").control
        assert isinstance(outcome, Select)
        outcome.value = "agrees"
        await save_and_close(pilot, form)
    saved = stored_case(demo_url, "DEMO-2026-006")
    assert saved.done["panel_notified"] == TODAY and saved.done["panel_response"] == TODAY
    assert saved.panel is not None
    assert saved.panel.notification_notes == "Sent by secure email."
    assert saved.panel.outcome == "agrees"


async def test_record_panel_invalid_input_is_refused_and_odd_date_asks(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        # DEMO-2026-006: meeting Wed 25 Nov
        form = await open_case_form(pilot, demo_url, "DEMO-2026-006", "p", PanelForm)
        good = {"notified_on": "2026-11-26", "response_on": "", "notification_notes": "Kept."}
        await check_refusals(
            pilot,
            form,
            good,
            [
                (
                    {"notified_on": "", "response_on": "2026-11-26"},
                    "notified_on",
                    "RR sent to Panel on",
                    "needed before a response",
                ),
                (
                    {"notified_on": "2026-11-31"},
                    "notified_on",
                    "RR sent to Panel on",
                    "no such date",
                ),
                (
                    {"response_on": "tomorrow"},
                    "response_on",
                    "Panel response received",
                    "19/12/2025",
                ),
            ],
        )
        await check_asks(
            pilot, form, {**good, "notified_on": "2026-11-20"}, "dated before Rapid Review meeting"
        )
        await check_asks(
            pilot, form, {**good, "response_on": "2026-11-24"}, "is dated before RR sent to Panel"
        )
        await check_asks(pilot, form, {**good, "notified_on": "2026-11-27"}, "in the future")
        saved = stored_case(demo_url, "DEMO-2026-006")
        assert "panel_notified" not in saved.done and saved.panel is None
        put(form, "notified_on", "2026-11-20")
        await save_after_yes(pilot, form)
    assert stored_case(demo_url, "DEMO-2026-006").done["panel_notified"] == date(2026, 11, 20)


# == step date ========================================================================


async def test_record_step_date_saves(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        form = await open_case_form(pilot, demo_url, "DEMO-2026-008", "t", StepForm)
        # The first step not yet done is offered.
        assert value(form, "step") == "practitioner_event"
        await fill(pilot, "on", "2026-11-24")
        await save_and_close(pilot, form)
        # Choosing a step shows its recorded date; blanking it asks, then clears it.
        form = await open_form(pilot, "t", StepForm)
        step = field(form, "step").control
        assert isinstance(step, Select)
        step.value = "imrs_requested"
        await pilot.pause()
        assert value(form, "on") == "2026-10-15"
        await check_asks(pilot, form, {"on": ""}, "clears the recorded date")
        await save_after_yes(pilot, form)
    saved = stored_case(demo_url, "DEMO-2026-008")
    assert saved.done["practitioner_event"] == date(2026, 11, 24)
    assert "imrs_requested" not in saved.done


async def test_record_step_invalid_date_is_refused_and_future_asks(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        form = await open_case_form(pilot, demo_url, "DEMO-2026-008", "t", StepForm)
        await check_refusals(
            pilot,
            form,
            {},
            [
                ({"on": "2026-02-30"}, "on", "Date it happened", "no such date"),
                ({"on": "soon"}, "on", "Date it happened", "not a date: type the day first"),
            ],
        )
        await check_asks(pilot, form, {"on": "2027-01-05"}, "in the future")
        assert "practitioner_event" not in stored_case(demo_url, "DEMO-2026-008").done
        await save_after_yes(pilot, form)
    assert stored_case(demo_url, "DEMO-2026-008").done["practitioner_event"] == date(2027, 1, 5)


async def test_stale_step_date_is_refused(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        screen = await open_case(pilot, demo_url, "DEMO-2026-008")
        form = await open_form(pilot, "t", StepForm)  # practitioner_event, not recorded
        with fresh_store(demo_url) as other:
            other.record_step(screen.case_id, "practitioner_event", date(2026, 11, 20))
        put(form, "on", "2026-11-24")
        await save(pilot)
        await pilot.pause()
        assert form in app.screen_stack  # refused: the form stays open...
    # ...and their date is not overwritten.
    assert stored_case(demo_url, "DEMO-2026-008").done["practitioner_event"] == date(2026, 11, 20)
