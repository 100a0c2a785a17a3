"""The conflict dialog never implies that a field the user did not touch will be blanked."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import tui_helpers as ui

from rr_tui.screens.case_form import CaseForm
from rr_tui.screens.confirm import ConflictScreen

TODAY = date(2026, 11, 26)


async def test_their_new_values_in_fields_we_left_empty_are_not_offered_for_blanking(
    demo_url: str,
) -> None:
    case_id = ui.create_case(demo_url, "CONF-1", {"referral_received": date(2026, 11, 20)})
    async with ui.running_app(demo_url) as (app, pilot):
        form = await ui.open_case_form(pilot, demo_url, "CONF-1", "e", CaseForm)
        # Another coordinator fills in two fields that were empty when we opened
        # the form, and changes the owner we are about to change too.
        with ui.fresh_store(demo_url) as other:
            record = other.get_case(case_id)
            other.update_case(
                case_id,
                record.version,
                replace(record.fields, lead_authority="Northshire", notes="Met", owner="B. Other"),
            )
        ui.put(form, "owner", "Mine")
        await ui.save(pilot)
        conflict = await ui.wait_for_screen(pilot, ConflictScreen)
        assert [row[0].split(" (")[0] for row in conflict.rows] == ["Owner"]
        shown = ui.screen_text(app)
        assert "Northshire" not in shown and "Lead local authority" not in shown
        assert "(you cleared it)" not in shown and "—" not in shown
        assert "never cleared" in shown
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await ui.wait_closed(pilot, form)
    with ui.fresh_store(demo_url) as store:
        saved = store.get_case(case_id).fields
    assert (saved.owner, saved.lead_authority, saved.notes) == ("Mine", "Northshire", "Met")


async def test_a_field_we_cleared_is_said_to_be_cleared_by_us(demo_url: str) -> None:
    async with ui.running_app(demo_url) as (app, pilot):
        screen = await ui.open_case(pilot, demo_url, "DEMO-2026-004")
        form = await ui.open_form(pilot, "e", CaseForm)
        with ui.fresh_store(demo_url) as other:
            record = other.get_case(screen.case_id)
            other.update_case(
                screen.case_id, record.version, replace(record.fields, owner="B. Other")
            )
        ui.put(form, "owner", "")
        await ui.save(pilot)
        await ui.wait_for_screen(pilot, ConflictScreen)
        shown = ui.screen_text(app)
        assert "B. Other" in shown and "(you cleared it)" in shown
        await pilot.press("k")
        await ui.wait_for_screen(pilot, CaseForm)
