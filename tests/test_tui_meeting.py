"""Meeting mode's list: virtual like the case list, shown at once from the list's rows,
read again in a worker (stale answers dropped), and never a child's name."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from tui_helpers import (
    TODAY_UK,
    fresh_store,
    open_from_list,
    row_refs,
    running_app,
    screen_text,
    table,
    wait_for_rows,
    wait_for_screen,
    wait_until,
)

from rr_tui.screens.case_list import CaseListScreen
from rr_tui.screens.meeting_mode import MeetingModeScreen
from rr_tui.widgets.case_table import CaseTable
from rr_tui.widgets.meeting_table import meeting_rows

TODAY = date(2026, 11, 26)


async def test_meeting_mode_shows_the_lists_open_cases_at_once_in_the_same_order(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_store(demo_url) as store:
        closed = store.case_id("DEMO-2026-007")
        record = store.get_case(closed)
        store.update_case(closed, record.version, replace(record.fields, status="closed"))
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        await pilot.press("c")  # closed cases shown on the list: meeting mode leaves them out
        await wait_until(pilot, lambda: "DEMO-2026-007" in row_refs(pilot))
        rows = table(pilot).rows
        order = [row.cells[1] for row in rows if row.rag != "closed"]
        # Handed over by the list: on screen with no database read at all.
        reads: list[int] = []
        real_load = MeetingModeScreen.load
        monkeypatch.setattr(MeetingModeScreen, "load", lambda self: reads.append(1))
        await pilot.press("M")
        screen = await wait_for_screen(pilot, MeetingModeScreen)
        await pilot.pause()
        meeting = screen.query_one(CaseTable)
        list_screen = app.screen_stack[-2]
        assert isinstance(list_screen, CaseListScreen)
        assert reads == [] and screen.token == list_screen.token
        assert [r.cells[1] for r in meeting.rows] == order
        assert "DEMO-2026-007" not in [r.cells[1] for r in meeting.rows]
        real_load(screen)
        await wait_until(pilot, lambda: bool(meeting.rows) and screen.generation == 1)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [r.cells[1] for r in meeting.rows] == order
        shown = screen_text(app)
        assert TODAY_UK in shown and "▲ RED" in shown and "Tue 24 Nov 2026" in shown
        assert "Child" not in shown  # no child's name, nor the column
        assert "SIN sent to the Panel" in shown  # the step's full label


async def test_meeting_mode_reads_the_cases_itself_when_given_none(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        expected = [r.cells[1] for r in table(pilot).rows]
        app.push_screen(MeetingModeScreen(None))
        screen = await wait_for_screen(pilot, MeetingModeScreen)
        await wait_until(pilot, lambda: bool(screen.query_one(CaseTable).rows))
        assert [r.cells[1] for r in screen.query_one(CaseTable).rows] == expected


async def test_a_stale_answer_is_dropped(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        screen = await open_from_list(pilot, "M", MeetingModeScreen)
        screen.load()
        await app.workers.wait_for_complete()
        await pilot.pause()
        meeting = screen.query_one(CaseTable)
        before = list(meeting.rows)
        with fresh_store(demo_url) as store:
            old = meeting_rows(store.list_cases()[:2], app.profile, TODAY)
        screen._loaded((screen.generation - 1, 999, old, TODAY))  # an older load's answer
        assert meeting.rows == before and screen.token != 999


async def test_a_change_during_the_meeting_appears_and_enter_shows_the_case(
    demo_url: str,
) -> None:
    async with running_app(demo_url) as (app, pilot):
        screen = await open_from_list(pilot, "M", MeetingModeScreen)
        await wait_until(pilot, lambda: screen.token != -1)
        with fresh_store(demo_url) as store:
            case_id = store.case_id("DEMO-2026-002")
            store.record_step(case_id, "sin_submitted", TODAY)
        await wait_until(
            pilot,
            lambda: (
                next(
                    r for r in screen.query_one(CaseTable).rows if r.cells[1] == "DEMO-2026-002"
                ).rag
                != "red"
            ),
            timeout=8,
            what="the recorded step",
        )
        await pilot.press("home", "enter")
        single = await wait_for_screen(pilot, MeetingModeScreen)
        assert single is not screen and single.case_id is not None
        await wait_until(pilot, lambda: "WAITING" in screen_text(app) or "DONE" in screen_text(app))
        await pilot.press("escape")
        assert await wait_for_screen(pilot, MeetingModeScreen) is screen
        await pilot.press("escape")
        await wait_for_screen(pilot, CaseListScreen)
