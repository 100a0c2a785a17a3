"""The sign-off form, the pack form (formats, draft or final, warnings) and the meeting's
new pack fields, driven by keyboard as a coordinator would."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import tui_helpers as ui
from textual.pilot import Pilot
from textual.widgets import Select

from rr_tui.records import MeetingRecord, SignOffRecord
from rr_tui.screens.confirm import NoticeScreen
from rr_tui.screens.meeting_form import MeetingForm
from rr_tui.screens.pack_form import PackForm
from rr_tui.screens.signoff_form import SignOffForm

REF = "DEMO-2026-006"
TODAY = date(2026, 11, 26)


async def choose(pilot: object, form: object, field_id: str, presses: int) -> None:
    """Open a drop-down by keyboard, move ``presses`` options down (up if negative), pick."""
    select = ui.field(form, field_id).control  # type: ignore[arg-type]
    assert isinstance(select, Select)
    select.focus()
    await pilot.press("enter")  # type: ignore[attr-defined]
    for _ in range(abs(presses)):
        await pilot.press("down" if presses > 0 else "up")  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]


async def typed_into(pilot: Pilot[Any], form: Any, field_id: str, text: str) -> None:
    """Wait until the keys typed into a field have all landed there."""

    def landed() -> bool:
        return bool(ui.value(form, field_id) == text)

    await ui.wait_until(pilot, landed, timeout=30, what=f"the typing in {field_id}")


async def test_signoff_form_records_a_partner_by_keyboard(demo_url: str) -> None:
    async with ui.running_app(demo_url) as (app, pilot):
        form = await ui.open_case_form(pilot, demo_url, REF, "s", SignOffForm)
        # The first field has focus: the local authority's signatory.
        assert app.focused is not None
        await ui.type_text(pilot, "Lee Director")
        await ui.type_in_next_field(pilot, "Director of Children's Services")
        await ui.type_in_next_field(pilot, "Northshire Council")
        await pilot.press("tab", "tab")  # past the capacity (lead) to the date
        await ui.type_text(pilot, "today")
        await ui.wait_until(pilot, lambda: ui.value(form, "local_authority-date") == "today")
        await ui.save_and_close(pilot, form)
        case = app.screen
        await ui.wait_until(
            pilot,
            lambda: "✓ Local authority" in ui.text_of(case, "#case-panel"),
            what="the sign-off on the case screen",
        )
        assert "awaited from Police, Health" in ui.text_of(case, "#case-panel")
    with ui.fresh_store(demo_url) as store:
        record = store.get_case(store.case_id(REF))
        assert store.verify_audit() == []
    (signed,) = record.signoffs
    assert (signed.partner, signed.name, signed.organisation, signed.signed_on) == (
        "local_authority",
        "Lee Director",
        "Northshire Council",
        TODAY,
    )
    assert signed.capacity == "lead"


async def test_signoff_form_names_each_missing_part_and_keeps_the_typing(demo_url: str) -> None:
    async with ui.running_app(demo_url) as (app, pilot):
        form = await ui.open_case_form(pilot, demo_url, REF, "s", SignOffForm)
        await ui.fill(pilot, "police-name", "D. Inspector")
        await ui.wait_until(pilot, lambda: ui.value(form, "police-name") == "D. Inspector")
        await choose(pilot, form, "police-capacity", 1)
        await ui.save(pilot)
        assert form in app.screen_stack
        assert "is required" in ui.field_error(form, "police-role")
        assert "is required" in ui.field_error(form, "police-organisation")
        assert "is required" in ui.field_error(form, "police-date")
        assert ui.field_error(form, "health-name") == ""
        assert "Not saved" in ui.form_status(form)
        for field_id, text in (
            ("police-role", "Detective Superintendent"),
            ("police-organisation", "Northshire Police"),
            ("police-date", "2026-11-25"),
        ):
            await ui.fill(pilot, field_id, text)
            await typed_into(pilot, form, field_id, text)
        await ui.wait_until(pilot, lambda: ui.value(form, "police-date") == "2026-11-25")
        await ui.save_and_close(pilot, form)
    (signed,) = ui.stored_case(demo_url, REF).signoffs
    assert (signed.partner, signed.capacity, signed.role) == (
        "police",
        "delegated",
        "Detective Superintendent",
    )


async def test_pack_form_refuses_final_until_signed_then_writes_word(
    demo_url: str, tmp_path: Path
) -> None:
    target = tmp_path / "pack.docx"
    async with ui.running_app(demo_url) as (app, pilot):
        form = await ui.open_case_form(pilot, demo_url, REF, "w", PackForm)
        assert "Not yet signed off by: Local authority, Police, Health" in ui.screen_text(app)
        await choose(pilot, form, "format", 1)  # PDF -> Word
        assert form.query_one("#path").value.endswith(".docx")
        await choose(pilot, form, "version", 1)  # Draft -> Final
        ui.put(form, "path", str(target))
        await ui.save(pilot)
        assert form in app.screen_stack
        assert "Local authority, Police, Health" in ui.field_error(form, "version")
        assert not target.exists()
        await choose(pilot, form, "version", -1)  # back to Draft
        await ui.save_and_close(pilot, form)
    assert target.read_bytes()[:2] == b"PK"
    assert os.stat(target).st_mode & 0o777 == 0o600
    with ui.fresh_store(demo_url) as store:
        history = store.history(store.case_id(REF))
        assert store.verify_audit() == []
    assert history[-1].summary == "rapid review pack written (docx)"


async def test_pack_form_writes_the_final_pack_once_all_three_have_signed(
    demo_url: str, tmp_path: Path
) -> None:
    with ui.fresh_store(demo_url) as store:
        case_id = store.case_id(REF)
        store.record_signoffs(
            case_id,
            {},
            {
                p: SignOffRecord(p, "Name", "Role", "Org", date(2026, 11, 25))
                for p in ("local_authority", "police", "health")
            },
        )
    target = tmp_path / "final.md"
    async with ui.running_app(demo_url) as (app, pilot):
        form = await ui.open_case_form(pilot, demo_url, REF, "w", PackForm)
        assert "Signed off by all three safeguarding partners." in ui.screen_text(app)
        await choose(pilot, form, "format", 2)  # Markdown
        await choose(pilot, form, "version", 1)  # Final
        ui.put(form, "path", str(target))
        await ui.save_and_close(pilot, form)
    text = target.read_text(encoding="utf-8")
    assert "DRAFT" not in text
    assert "Signed off by all three safeguarding partners." in text
    with ui.fresh_store(demo_url) as store:
        assert store.history(store.case_id(REF))[-1].summary == (
            "rapid review pack written (md, final)"
        )


async def test_pack_form_shows_which_field_the_pdf_cannot_draw(
    demo_url: str, tmp_path: Path
) -> None:
    with ui.fresh_store(demo_url) as store:
        case_id = store.case_id(REF)
        meeting = store.get_case(case_id).meeting or MeetingRecord()
        store.record_meeting(
            case_id,
            meeting.version,
            date(2026, 11, 20),
            MeetingRecord(
                version=meeting.version,
                decision=meeting.decision,
                voice="她说她很害怕",
                family_context="Dziadek Łukasz; عائلة محمد",
            ),
        )
    target = tmp_path / "pack.pdf"
    async with ui.running_app(demo_url) as (app, pilot):
        form = await ui.open_case_form(pilot, demo_url, REF, "w", PackForm)
        ui.put(form, "path", str(target))
        await ui.save_and_close(pilot, form)
        notice = await ui.wait_for_screen(pilot, NoticeScreen)
        await pilot.pause()
        text = ui.screen_text(app)
        assert "The pack was written, with warnings" in text
        lines = " ".join(notice.lines)
        assert "“The child's voice, and the family's”" in lines
        assert "她 (U+5979)" in lines
        # The Polish and Arabic draw fine: one warning, for the Chinese only.
        assert len(notice.lines) == 1
        await pilot.press("enter")
        await ui.wait_closed(pilot, notice)
    assert target.read_bytes().startswith(b"%PDF")


async def test_meeting_form_saves_the_new_pack_fields(demo_url: str) -> None:
    async with ui.running(demo_url) as pilot:
        form = await ui.open_case_form(pilot, demo_url, REF, "m", MeetingForm)
        typed = {
            "good_practice": "School acted",
            "family_involvement": "Mother told",
            "national_reasoning": "Local only",
        }
        # Keys are handed over one at a time (rr_tui.key_order): each field's typing
        # lands before the next field takes the focus, as it does for a person.
        for field_id, text in {"held_on": "2026-11-20", **typed}.items():
            await ui.fill(pilot, field_id, text)
            await typed_into(pilot, form, field_id, text)
        await ui.save_and_close(pilot, form)
    meeting = ui.stored_case(demo_url, REF).meeting
    assert meeting is not None
    assert (meeting.good_practice, meeting.family_involvement, meeting.national_reasoning) == (
        "School acted",
        "Mother told",
        "Local only",
    )


async def _sign_off_after_a_colleague(
    pilot: Pilot[Any], url: str, partner: str, *entries: str
) -> Any:
    """Open the sign-off form; meanwhile a colleague records the police sign-off; type
    ``partner``'s name, role, organisation and date and save. Returns the form."""
    form = await ui.open_case_form(pilot, url, REF, "s", SignOffForm)
    with ui.fresh_store(url) as store:
        store.record_signoffs(
            store.case_id(REF),
            {},
            {"police": SignOffRecord("police", "Theirs", "DS", "Police", date(2026, 11, 24))},
        )
    for part, text in zip(("name", "role", "organisation", "date"), entries, strict=True):
        field_id = f"{partner}-{part}"
        await ui.fill(pilot, field_id, text)
        await typed_into(pilot, form, field_id, text)
    await ui.save(pilot)
    return form


async def test_signoff_form_never_undoes_a_colleagues_sign_off_of_another_partner(
    demo_url: str,
) -> None:
    async with ui.running(demo_url) as pilot:
        form = await _sign_off_after_a_colleague(
            pilot,
            demo_url,
            "health",
            "H. Nurse",
            "Designated nurse",
            "Northshire ICB",
            "2026-11-25",
        )
        await ui.wait_closed(pilot, form)
    signed = {s.partner: s.name for s in ui.stored_case(demo_url, REF).signoffs}
    assert signed == {"police": "Theirs", "health": "H. Nurse"}


async def test_signoff_form_refuses_a_stale_partner_and_keeps_their_sign_off(
    demo_url: str,
) -> None:
    async with ui.running_app(demo_url) as (app, pilot):
        form = await _sign_off_after_a_colleague(
            pilot, demo_url, "police", "Mine", "DCI", "Police", "2026-11-25"
        )
        await ui.wait_until(pilot, lambda: "police sign-off" in ui.form_status(form))
        assert form in app.screen_stack
    (theirs,) = ui.stored_case(demo_url, REF).signoffs
    assert theirs.name == "Theirs"
