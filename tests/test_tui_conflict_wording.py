"""The conflict dialog never implies that a field the user did not touch will be blanked."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tui_helpers import (
    SIZE,
    create_case,
    fresh_store,
    make_app,
    open_case,
    open_form,
    put,
    save,
    screen_text,
    wait_closed,
    wait_for_screen,
)

from rr_tui.screens.case_form import CaseForm
from rr_tui.screens.confirm import ConflictScreen

TODAY = date(2026, 11, 26)


async def test_their_new_values_in_fields_we_left_empty_are_not_offered_for_blanking(
    demo_url: str,
) -> None:
    case_id = create_case(demo_url, "CONF-1", {"referral_received": date(2026, 11, 20)})
    app = make_app(demo_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, demo_url, "CONF-1")
        form = await open_form(pilot, "e", CaseForm)
        # Another coordinator fills in two fields that were empty when we opened
        # the form, and changes the owner we are about to change too.
        with fresh_store(demo_url) as other:
            record = other.get_case(case_id)
            other.update_case(
                case_id,
                record.version,
                replace(record.fields, lead_authority="Northshire", notes="Met", owner="B. Other"),
            )
        put(form, "owner", "Mine")
        await save(pilot)
        conflict = await wait_for_screen(pilot, ConflictScreen)
        assert [row[0].split(" (")[0] for row in conflict.rows] == ["Owner"]
        shown = screen_text(app)
        assert "Northshire" not in shown and "Lead local authority" not in shown
        assert "(you cleared it)" not in shown and "—" not in shown
        assert "never cleared" in shown
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await wait_closed(pilot, form)
    with fresh_store(demo_url) as store:
        saved = store.get_case(case_id).fields
    assert (saved.owner, saved.lead_authority, saved.notes) == ("Mine", "Northshire", "Met")


async def test_a_field_we_cleared_is_said_to_be_cleared_by_us(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, demo_url, "DEMO-2026-004")
        form = await open_form(pilot, "e", CaseForm)
        with fresh_store(demo_url) as other:
            record = other.get_case(screen.case_id)
            other.update_case(
                screen.case_id, record.version, replace(record.fields, owner="B. Other")
            )
        put(form, "owner", "")
        await save(pilot)
        await wait_for_screen(pilot, ConflictScreen)
        shown = screen_text(app)
        assert "B. Other" in shown and "(you cleared it)" in shown
        await pilot.press("k")
        await wait_for_screen(pilot, CaseForm)
