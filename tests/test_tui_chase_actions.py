"""The chase screen lists open actions due soon or overdue by owner, with a reminder
ready to send that names no child and quotes no action's words, as ``rr-tui chase``.

The demo is dated around Thu 26 Nov 2026: DEMO-2026-004's action 1 is overdue.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import tui_helpers as ui
from textual.widgets import OptionList

from rr_tui.reports.chase import action_chase_list, action_reminder_text
from rr_tui.screens.chase import ChaseScreen
from rr_tui.screens.confirm import TextViewScreen


async def _owner_group(pilot: Any, owner: str) -> ChaseScreen:
    """The chase screen with the owner's group of actions highlighted."""
    screen: ChaseScreen = await ui.open_from_list(pilot, "C", ChaseScreen)
    await ui.wait_until(pilot, lambda: screen.data is not None, what="the chase list")
    options = screen.query_one(OptionList)
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    options.highlighted = ids.index(f"owner:{owner}")
    await pilot.pause()
    return screen


def _listed(screen: ChaseScreen) -> str:
    """The groups the list offers, one a line."""
    options = screen.query_one(OptionList)
    return "\n".join(
        str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
    )


def _expected(url: str) -> dict[str, Any]:
    with ui.fresh_store(url) as store:
        return action_chase_list(store.list_cases(), ui.TODAY)


async def test_actions_are_listed_by_owner_with_a_reminder_naming_no_child(
    demo_url: str,
) -> None:
    groups = _expected(demo_url)
    assert groups, "the demo has actions due"
    owner, items = next(iter(groups.items()))
    record = ui.stored_case(demo_url, items[0].reference)
    words = next(a.text for a in record.actions if a.number == items[0].number)
    async with ui.running_app(demo_url) as (app, pilot):
        screen = await _owner_group(pilot, owner)
        listed = _listed(screen)
        assert f"Actions: {owner}" in listed
        table = ui.text_of(screen, "#chase-items")
        assert items[0].reference in table and "overdue" in table
        reminder = ui.text_of(screen, "#chase-text")
        assert f"Dear {owner}," in reminder
        assert f"{items[0].reference}, action {items[0].number}" in reminder
        for initials in record.child_initials:
            assert initials not in reminder and initials not in table
        assert words not in reminder and words not in table  # may name the family
        # y copies the reminder itself; v shows it alone.
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == action_reminder_text(owner, items, ui.TODAY)
        await pilot.press("v")
        view = await ui.wait_for_screen(pilot, TextViewScreen)
        assert f"Dear {owner}," in ui.text_of(view, "#text-view-text")


async def test_reminders_are_not_recorded_as_chasers(demo_url: str) -> None:
    owner = next(iter(_expected(demo_url)))
    before = ui.stored_case(demo_url, "DEMO-2026-004").agencies
    async with ui.running_app(demo_url) as (app, pilot):
        await _owner_group(pilot, owner)
        await pilot.press("x")
        await pilot.pause()
        assert "not recorded" in ui.notification_texts(app)[-1]
    assert ui.stored_case(demo_url, "DEMO-2026-004").agencies == before


async def test_an_action_done_leaves_the_list(demo_url: str) -> None:
    owner, items = next(iter(_expected(demo_url).items()))
    with ui.fresh_store(demo_url) as store:
        case_id = store.case_id(items[0].reference)
        for item in items:
            store.complete_action(case_id, item.number, date(2026, 11, 25))
    async with ui.running(demo_url) as pilot:
        screen: ChaseScreen = await ui.open_from_list(pilot, "C", ChaseScreen)
        await ui.wait_until(pilot, lambda: screen.data is not None, what="the chase list")
        assert f"Actions: {owner}" not in _listed(screen)
