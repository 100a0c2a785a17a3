"""SVG snapshots of every screen at 80x24, with the demo data seeded for a fixed today.

The demo cases are dated around Thu 26 Nov 2026 and the app is built with that
today, so every date on screen is fixed. The case screen's History section shows
the wall-clock time of each change: it is below the fold at 80x24 and never in
a snapshot.

Regenerate with ``pytest tests/test_snapshots.py --snapshot-update`` and look at
the report before committing the new SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_helpers import (
    SIZE,
    fresh_store,
    make_app,
    open_case,
    open_form,
    open_from_list,
    put,
    sqlite_url,
    type_text,
    wait_for_case,
    wait_for_rows,
    wait_for_screen,
    wait_until,
)

from rr_tui.app import RRApp
from rr_tui.screens import lifecycle_forms as lifecycle
from rr_tui.screens.agency_forms import AgencyForm, ReturnForm
from rr_tui.screens.case_form import CaseForm
from rr_tui.screens.case_list import CaseListScreen
from rr_tui.screens.chase import ChaseScreen
from rr_tui.screens.child_form import ChildForm
from rr_tui.screens.confirm import ConflictScreen, TextViewScreen
from rr_tui.screens.help import HelpScreen
from rr_tui.screens.meeting_form import MeetingForm
from rr_tui.screens.meeting_mode import MeetingModeScreen
from rr_tui.screens.pack_form import PackForm
from rr_tui.screens.panel_form import PanelForm
from rr_tui.screens.report import ReportScreen
from rr_tui.screens.signoff_form import SignOffForm
from rr_tui.screens.step_form import StepForm
from rr_tui.widgets.case_table import CaseTable

Before = Callable[[Pilot[Any]], Awaitable[None]]


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def _list(pilot: Pilot[Any]) -> None:
    await wait_for_rows(pilot)
    await _settle(pilot)


async def _case(pilot: Pilot[Any]) -> None:
    """Open DEMO-2026-004 (red, with agencies): the second row of the list."""
    await wait_for_rows(pilot)
    await pilot.press("j", "enter")
    await wait_for_case(pilot)
    await _settle(pilot)


def _form(key: str, kind: type) -> Before:
    async def before(pilot: Pilot[Any]) -> None:
        if key == "n":
            await wait_for_rows(pilot)
        else:
            await _case(pilot)
        await open_form(pilot, key, kind)
        await _settle(pilot)

    return before


def _case_form(reference: str, key: str, kind: type) -> Before:
    """A form opened on one case's screen (the case pushed as enter would)."""

    async def before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, RRApp)
        await open_case(pilot, app.url, reference)
        await _settle(pilot)
        await open_form(pilot, key, kind)
        await _settle(pilot)

    return before


async def _filter(pilot: Pilot[Any]) -> None:
    await wait_for_rows(pilot)
    await pilot.press("slash")
    await type_text(pilot, "okafor")
    await _settle(pilot)


async def _help(pilot: Pilot[Any]) -> None:
    await wait_for_rows(pilot)
    await pilot.press("question_mark")
    await wait_for_screen(pilot, HelpScreen)
    await _settle(pilot)


async def _meeting_mode_list(pilot: Pilot[Any]) -> None:
    screen = await open_from_list(pilot, "M", MeetingModeScreen)
    await wait_until(pilot, lambda: screen.token != -1 and bool(screen.query_one(CaseTable).rows))
    await _settle(pilot)


async def _meeting_mode_case(pilot: Pilot[Any]) -> None:
    await _case(pilot)
    await pilot.press("M")
    screen = await wait_for_screen(pilot, MeetingModeScreen)
    await wait_until(pilot, lambda: screen.query_one("#meeting-view").content != "Loading…")
    await _settle(pilot)


def _pushed(key: str, kind: type, ready: Callable[[Any], bool]) -> Before:
    """A screen opened from the list by ``key``, once its data is on screen."""

    async def before(pilot: Pilot[Any]) -> None:
        await wait_for_rows(pilot)
        await pilot.press(key)
        screen = await wait_for_screen(pilot, kind)
        await wait_until(pilot, lambda: ready(screen))
        await _settle(pilot)

    return before


def _loaded(widget_id: str) -> Callable[[Any], bool]:
    return lambda screen: screen.query_one(widget_id).content != "Loading…"


async def _chase_text_view(pilot: Pilot[Any]) -> None:
    await _pushed("C", ChaseScreen, _loaded("#chase-items"))(pilot)
    await pilot.press("v")
    await wait_for_screen(pilot, TextViewScreen)
    await _settle(pilot)


async def _chase_actions(pilot: Pilot[Any]) -> None:
    """The chase list on an action owner's group: their actions and the reminder."""
    await _pushed("C", ChaseScreen, _loaded("#chase-items"))(pilot)
    await pilot.press("down")
    await _settle(pilot)


async def _conflict(pilot: Pilot[Any]) -> None:
    """Another coordinator saves the owner while we edit it: the conflict dialog."""
    await _case(pilot)
    form = await open_form(pilot, "e", CaseForm)
    app = pilot.app
    assert isinstance(app, RRApp)
    with fresh_store(app.url) as other:
        case_id = other.case_id("DEMO-2026-004")
        record = other.get_case(case_id)
        other.update_case(case_id, record.version, replace(record.fields, owner="B. Other"))
    put(form, "owner", "")
    await pilot.press("ctrl+s")
    await wait_for_screen(pilot, ConflictScreen)
    await _settle(pilot)


SCREENS: dict[str, Before] = {
    "case_list": _list,
    "filter_typed": _filter,
    "case_screen_top": _case,
    "form_new_case": _form("n", CaseForm),
    "form_edit_case": _form("e", CaseForm),
    "form_children": _form("c", ChildForm),
    "form_add_agency": _form("a", AgencyForm),
    "form_agency_return": _form("r", ReturnForm),
    "form_meeting": _form("m", MeetingForm),
    "form_panel": _form("p", PanelForm),
    "form_step_date": _form("t", StepForm),
    "form_pack": _form("w", PackForm),
    "form_signoff": _form("s", SignOffForm),
    "form_action_add": _form("i", lifecycle.ActionForm),
    "form_action_edit": _form("I", lifecycle.ActionForm),
    "form_action_done": _form("d", lifecycle.ActionDoneForm),
    "form_recommendation": _case_form("DEMO-2026-008", "R", lifecycle.RecommendationForm),
    "form_local_review": _case_form("DEMO-2026-008", "l", lifecycle.LocalReviewForm),
    "form_progress_check": _case_form("DEMO-2026-009", "k", lifecycle.ProgressCheckForm),
    "form_pause_start": _case_form("DEMO-2026-009", "z", lifecycle.PauseForm),
    "form_pause_end": _case_form("DEMO-2026-008", "z", lifecycle.PauseForm),
    "chase_list": _pushed("C", ChaseScreen, _loaded("#chase-items")),
    "report": _pushed("R", ReportScreen, _loaded("#report-view")),
    "chase_text_view": _chase_text_view,
    "chase_actions": _chase_actions,
    "conflict": _conflict,
    "help": _help,
    "meeting_mode_list": _meeting_mode_list,
    "meeting_mode_case": _meeting_mode_case,
}


@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(
    name: str, demo_url: str, snap_compare: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pack form offers a file in the current folder: make that folder fixed.
    monkeypatch.chdir("/tmp")
    assert snap_compare(make_app(demo_url), terminal_size=SIZE, run_before=SCREENS[name])


def test_empty_database(snap_compare: Any, tmp_path: Path) -> None:
    """A new database opens on a list that says what to do first."""

    async def before(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, CaseListScreen)
        await wait_until(pilot, lambda: bool(screen.counts) and screen.token != -1)
        await _settle(pilot)

    url = sqlite_url(tmp_path / "db" / "rr.db")
    assert snap_compare(
        make_app(url, today=date(2026, 11, 26)), terminal_size=SIZE, run_before=before
    )
