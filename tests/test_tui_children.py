"""The children form (c on the case screen): add, edit and remove a child by keyboard.

One notification can cover several children. The case screen lists them; the
list shows the first child's initials and "+N"; no screen meant for sharing,
and no chaser or calendar event, ever shows them.
"""

from __future__ import annotations

from typing import Any

import tui_helpers as ui
from textual.widgets import Select

from rr_tui.records import ChildFields
from rr_tui.screens.case_list import CaseListScreen
from rr_tui.screens.child_form import ChildForm
from rr_tui.screens.confirm import ConfirmScreen
from rr_tui.screens.meeting_mode import MeetingModeScreen


def children(url: str, reference: str) -> list[tuple[int, ChildFields]]:
    return [(c.position, c.fields) for c in ui.stored_case(url, reference).children]


async def choose(pilot: Any, form: ChildForm, field_id: str, downs: int) -> str:
    """Open a choice list with enter, move down ``downs`` times, pick with enter."""
    select = ui.field(form, field_id).control
    assert isinstance(select, Select)
    select.focus()
    await pilot.press("enter", *(["down"] * downs), "enter")
    await pilot.pause()
    return str(ui.value(form, field_id))


async def test_edit_the_first_child_by_keyboard(demo_url: str) -> None:
    async with ui.running(demo_url) as pilot:
        screen = await ui.open_case(pilot, demo_url, "DEMO-2026-004")
        form = await ui.open_form(pilot, "c", ChildForm)
        assert ui.value(form, "which") == str(form.record.children[0].id)  # opens on child 1
        assert ui.value(form, "initials") == "Child D"
        await ui.fill(pilot, "initials", "DD")
        ethnicity = await choose(pilot, form, "ethnicity", 2)
        assert ethnicity != ""
        ui.field(form, "child_in_need").control.focus()
        await pilot.press("space")
        await ui.save_and_close(pilot, form)
        await ui.wait_until(
            pilot, lambda: "DD" in ui.text_of(screen, "#case-children"), what="the reload"
        )
    ((position, saved),) = children(demo_url, "DEMO-2026-004")
    assert position == 1
    assert saved.initials == "DD"
    assert saved.ethnicity == ethnicity
    assert saved.child_in_need is True


async def test_add_a_second_child_then_the_list_shows_plus_one(demo_url: str) -> None:
    async with ui.running_app(demo_url) as (app, pilot):
        form = await ui.open_case_form(pilot, demo_url, "DEMO-2026-004", "c", ChildForm)
        # "Add a new child" is the last choice: enter, down, enter.
        assert await choose(pilot, form, "which", 1) == "new"
        assert ui.value(form, "initials") == ""
        assert not ui.field(form, "remove").display  # nothing to remove yet
        await ui.fill(pilot, "initials", "Sibling E")
        band = await choose(pilot, form, "age_band", 1)  # unborn, under 1, ...
        ui.field(form, "looked_after").control.focus()
        await pilot.press("space")
        await ui.save_and_close(pilot, form)
        await pilot.press("escape")
        await ui.wait_for_screen(pilot, CaseListScreen)
        await ui.wait_for_rows(pilot)
        await ui.wait_until(
            pilot,
            lambda: "Child D +1" in ui.screen_text(app) or "… +1" in ui.screen_text(app),
            what="Child D +1",
        )
    kids = children(demo_url, "DEMO-2026-004")
    assert [(p, c.initials) for p, c in kids] == [(1, "Child D"), (2, "Sibling E")]
    assert kids[1][1].age_band == band != ""
    assert kids[1][1].looked_after is True


async def test_remove_a_child_asks_then_the_others_move_up(demo_url: str) -> None:
    with ui.fresh_store(demo_url) as store:
        case_id = store.case_id("DEMO-2026-004")
        store.add_child(case_id, ChildFields("Second"))
        store.add_child(case_id, ChildFields("Third"))
    async with ui.running(demo_url) as pilot:
        form = await ui.open_case_form(pilot, demo_url, "DEMO-2026-004", "c", ChildForm)
        await choose(pilot, form, "which", 1)  # child 2
        assert ui.value(form, "initials") == "Second"
        ui.field(form, "remove").control.focus()
        await pilot.press("space")
        await ui.save(pilot)
        question = await ui.wait_for_screen(pilot, ConfirmScreen)
        assert any("taken off the case" in line for line in question.lines)
        await pilot.press("y")
        await ui.wait_closed(pilot, form)
    kids = children(demo_url, "DEMO-2026-004")
    assert [(p, c.initials) for p, c in kids] == [(1, "Child D"), (2, "Third")]


async def test_a_child_without_initials_is_refused_naming_the_field(demo_url: str) -> None:
    async with ui.running_app(demo_url) as (app, pilot):
        form = await ui.open_case_form(pilot, demo_url, "DEMO-2026-004", "c", ChildForm)
        await choose(pilot, form, "which", 1)
        await ui.save(pilot)
        assert app.screen is form
        assert ui.field_error(form, "initials").startswith("✗ Initials or pseudonym")
        assert ui.form_status(form) == "Not saved. Fix: Initials or pseudonym"
        assert "✗ Initials or pseudonym" in ui.screen_text(app)
    assert len(children(demo_url, "DEMO-2026-004")) == 1


async def test_children_never_show_on_the_shared_screen(demo_url: str) -> None:
    with ui.fresh_store(demo_url) as store:
        store.add_child(store.case_id("DEMO-2026-004"), ChildFields("Sibling Q"))
    async with ui.running_app(demo_url) as (app, pilot):
        screen = await ui.open_case(pilot, demo_url, "DEMO-2026-004")
        assert "Sibling Q" in ui.text_of(screen, "#case-children")
        await pilot.press("M")
        shared = await ui.wait_for_screen(pilot, MeetingModeScreen)
        await ui.wait_until(pilot, lambda: shared.query_one("#meeting-view").content != "Loading…")
        shown = ui.screen_text(app)
        assert "Sibling Q" not in shown and "Child D" not in shown
