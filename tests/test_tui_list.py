"""The case list (home screen), help, meeting mode, the palette and start-up failures.

Every test runs the real app with Pilot at 80x24 on a real SQLite file seeded
with the demo cases for a fixed today (Thu 26 Nov 2026).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import (
    TODAY_UK,
    create_case,
    cursor_ref,
    fresh_store,
    notification_texts,
    open_from_list,
    row_refs,
    running,
    running_app,
    screen_text,
    sqlite_url,
    table,
    text_of,
    type_text,
    wait_for_case,
    wait_for_rows,
    wait_for_screen,
    wait_until,
)

from rr_tui.rules.schedule import RAG_GLYPHS
from rr_tui.screens.case_detail import CaseScreen
from rr_tui.screens.case_form import CaseForm
from rr_tui.screens.case_list import CaseListScreen
from rr_tui.screens.help import HelpScreen
from rr_tui.screens.meeting_mode import MeetingModeScreen

RAG_ORDER = {"red": 0, "amber": 1, "green": 2, "closed": 3}


def summary(pilot: Pilot[Any]) -> str:
    return text_of(pilot.app.screen, "#summary")


# -- contents and order ------------------------------------------------------------


async def test_rows_most_urgent_first_with_summary(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        rows = table(pilot).rows
        assert len(rows) == 11  # 12 demo cases, one closed
        rags = [r.rag for r in rows]
        assert rags == sorted(rags, key=RAG_ORDER.__getitem__)
        assert rags[0] == "red" and rags[-1] == "green"
        # Within a colour, the earliest due date comes first.
        for rag in ("red", "amber"):
            dues = [r.sort_values[5] for r in rows if r.rag == rag]
            assert dues == sorted(dues)
        text = summary(pilot)
        assert TODAY_UK in text
        counts = {rag: rags.count(rag) for rag in ("red", "amber", "green")}
        assert counts == {"red": 3, "amber": 4, "green": 4}
        for rag, n in counts.items():
            assert f"{RAG_GLYPHS[rag]} {n} {rag}" in text
        assert row_refs(pilot)[:3] == ["DEMO-2026-002", "DEMO-2026-004", "DEMO-2026-012"]
        assert cursor_ref(pilot) == "DEMO-2026-002"
        # The state column: glyph + word, never colour alone.
        for row in rows:
            glyph, word = row.cells[0].split(" ", 1)
            assert glyph == RAG_GLYPHS[row.rag]
            assert word.lower() == row.rag
        # Next step, due date (UK short form) and working days left.
        first = rows[0]
        assert first.cells[1:] == (
            "DEMO-2026-002",
            "Child B",
            "SIN",
            "SIN to Panel",
            "Tue 24 Nov",
            "-2",
            "R. Hughes",
        )
        # What is drawn, not only what is stored: the words survive with no colour.
        shown = screen_text(app)
        assert TODAY_UK in shown
        assert "▲ Red" in shown and "◆ Amber" in shown and "● Green" in shown
        assert "DEMO-2026-002" in shown and "Child B" in shown and "Tue 24 Nov" in shown


async def test_empty_database_says_how_to_start(tmp_path: Path) -> None:
    async with running_app(sqlite_url(tmp_path / "db" / "rr.db"), today=date(2026, 12, 1)) as (
        app,
        pilot,
    ):
        screen = app.screen
        assert isinstance(screen, CaseListScreen)
        await wait_until(pilot, lambda: bool(screen.counts), what="an empty load")
        await pilot.pause()
        assert table(pilot).rows == []
        shown = screen_text(app)
        # What to do first: add a case here, or import the current tracker.
        assert "no cases yet" in shown
        assert "press n to add a case" in shown
        assert "rr-tui import FILE" in shown and "CSV or xlsx" in shown
        text = summary(pilot)
        assert "Tue 1 Dec 2026" in text and "0 red" in text  # today as given, not the clock


# -- filter ------------------------------------------------------------------------


FILTERS = [
    ("012", ["DEMO-2026-012"]),  # reference
    ("child c", ["DEMO-2026-003"]),  # child
    ("okafor", ["DEMO-2026-004", "DEMO-2026-001", "DEMO-2026-007", "DEMO-2026-010"]),  # owner
    ("full review", ["DEMO-2026-009", "DEMO-2026-008"]),  # stage
    ("DEMO-2026-00", [f"DEMO-2026-00{n}" for n in (2, 4, 3, 6, 5, 9, 1, 8, 7)]),  # any case
    ("zzz", []),
]


async def test_filter_narrows_as_you_type(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        box = app.screen.query_one("#filter", Input)
        assert not box.display
        for needle, expected in FILTERS:
            await pilot.press("slash")
            assert box.display and app.focused is box
            await type_text(pilot, needle)
            await pilot.pause()
            assert box.value == needle
            assert row_refs(pilot) == expected, needle
            assert f"{len(expected)} of 11 shown" in summary(pilot)
            await pilot.press("escape")  # clears the filter
            await pilot.pause()
            assert box.value == "" and not box.display
            assert len(row_refs(pilot)) == 11
            assert app.focused is table(pilot)
            assert "shown" not in summary(pilot)


async def test_enter_in_filter_goes_to_first_match(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        await pilot.press("j", "j", "j")  # the cursor was elsewhere
        await pilot.press("slash")
        await type_text(pilot, "patel")
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is table(pilot)
        refs = row_refs(pilot)
        assert refs[0] == "DEMO-2026-012"
        assert all(r.cells[7] == "A. Patel" for r in table(pilot).rows)
        assert table(pilot).cursor_row == 0 and cursor_ref(pilot) == refs[0]
        # Typing in the table now moves the cursor, not the filter text.
        await pilot.press("j")
        assert cursor_ref(pilot) == refs[1]
        assert app.screen.query_one("#filter", Input).value == "patel"
        # escape clears the filter and keeps the cursor on the same case.
        await pilot.press("escape")
        await pilot.pause()
        assert len(row_refs(pilot)) == 11
        assert cursor_ref(pilot) == refs[1]
        # enter on the row opens that case.
        await pilot.press("enter")
        screen = await wait_for_case(pilot)
        assert screen.data.record.reference == refs[1]


async def test_footer_in_filter_offers_only_keys_that_work(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        await pilot.press("slash")
        await type_text(pilot, "ok/")
        assert app.screen.query_one("#filter", Input).value == "ok/"  # '/' was typed
        footer = screen_text(app).splitlines()[-1]
        assert "Filter" not in footer
        assert "esc" in footer


# -- sorting, closed cases, cursor -------------------------------------------------


async def test_sort_cycles_through_columns(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        urgency = row_refs(pilot)
        await pilot.press("s")
        await pilot.pause()
        refs = row_refs(pilot)
        assert refs == sorted(refs) != urgency
        assert "Reference ▲" in screen_text(app)
        await pilot.press("s")  # child
        await pilot.pause()
        children = [r.cells[2] for r in table(pilot).rows]
        assert children == sorted(children)
        assert "Child ▲" in screen_text(app)
        for _ in range(3):  # stage, next step, due
            await pilot.press("s")
        await pilot.pause()
        dues = [r.sort_values[5] for r in table(pilot).rows]
        assert dues == sorted(dues)
        assert "Due ▲" in screen_text(app)


async def test_shift_s_reverses_the_order(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        urgency = row_refs(pilot)
        await pilot.press("S")  # urgency, least urgent first
        await pilot.pause()
        assert row_refs(pilot) == urgency[::-1]
        assert any("least urgent first" in note for note in notification_texts(app))
        await pilot.press("s")  # the next column starts ascending
        await pilot.pause()
        refs = row_refs(pilot)
        assert refs == sorted(refs)
        assert "Reference ▲" in screen_text(app)
        await pilot.press("S")
        await pilot.pause()
        assert row_refs(pilot) == sorted(refs, reverse=True)
        assert "Reference ▼" in screen_text(app)
        await pilot.press("S")
        await pilot.pause()
        assert row_refs(pilot) == sorted(refs)


async def test_c_shows_and_hides_closed_cases(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        await wait_for_rows(pilot)
        assert "DEMO-2026-011" not in row_refs(pilot)
        await pilot.press("c")
        await wait_until(pilot, lambda: "DEMO-2026-011" in row_refs(pilot), what="closed case")
        closed = next(r for r in table(pilot).rows if r.cells[1] == "DEMO-2026-011")
        assert closed.rag == "closed" and closed.cells[0] == f"{RAG_GLYPHS['closed']} Closed"
        # Closed cases sort last (11; 13 and 14 are notifications only, SIN sent).
        assert row_refs(pilot)[-3:] == ["DEMO-2026-011", "DEMO-2026-013", "DEMO-2026-014"]
        assert "3 closed" in summary(pilot)
        await pilot.press("c")
        await wait_until(pilot, lambda: "DEMO-2026-011" not in row_refs(pilot), what="hidden")
        assert "closed" not in summary(pilot)


async def test_sort_back_to_urgency_restores_triage_order(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        urgency = row_refs(pilot)
        screen = app.screen
        assert isinstance(screen, CaseListScreen)
        await pilot.press("s")
        while screen.sort_index != 0:
            await pilot.press("s")
        await pilot.pause()
        assert row_refs(pilot) == urgency


async def test_cursor_keys_and_enter_opens_case(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        refs = row_refs(pilot)
        t = table(pilot)
        assert app.focused is t
        await pilot.press("j")
        assert t.cursor_row == 1
        await pilot.press("down", "down")
        assert t.cursor_row == 3
        await pilot.press("k")
        assert t.cursor_row == 2
        await pilot.press("up", "up", "up")  # stops at the top
        assert t.cursor_row == 0
        await pilot.press("G")
        assert cursor_ref(pilot) == refs[-1]
        await pilot.press("j")  # stops at the bottom
        assert cursor_ref(pilot) == refs[-1]
        await pilot.press("g")
        assert t.cursor_row == 0
        await pilot.press("end")
        assert t.cursor_row == len(refs) - 1
        await pilot.press("home")
        assert t.cursor_row == 0
        # enter opens the case under the cursor; escape comes back to the same row.
        await pilot.press("j", "j", "j")
        chosen = cursor_ref(pilot)
        await pilot.press("enter")
        screen = await wait_for_case(pilot)
        assert isinstance(screen, CaseScreen)
        assert screen.data is not None
        assert screen.data.record.reference == chosen
        await pilot.press("escape")
        await wait_for_screen(pilot, CaseListScreen)
        await wait_for_rows(pilot)
        assert cursor_ref(pilot) == chosen
        assert app.focused is table(pilot)


# -- another coordinator -----------------------------------------------------------


async def test_change_by_another_store_appears_without_moving_cursor(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        await wait_for_rows(pilot)
        await pilot.press("j", "j", "j", "j")
        chosen = cursor_ref(pilot)
        row_before = table(pilot).cursor_row
        # Someone else, on another connection, edits the owner of the case under the
        # cursor and adds a case that is overdue (so it sorts above the cursor).
        with fresh_store(demo_url) as other:
            case_id = other.case_id(chosen)
            record = other.get_case(case_id)
            other.update_case(case_id, record.version, replace(record.fields, owner="B. New"))
        create_case(
            demo_url,
            "OTHER-2026-001",
            {"incident_aware": date(2026, 11, 2)},
            child="Child Z",
            owner="Someone Else",
        )
        await wait_until(
            pilot,
            lambda: "OTHER-2026-001" in row_refs(pilot),
            timeout=8,  # the list polls every 3 s
            what="the other coordinator's case",
        )
        assert row_refs(pilot)[0] == "OTHER-2026-001"
        assert cursor_ref(pilot) == chosen  # the cursor stayed on its case...
        assert table(pilot).cursor_row == row_before + 1  # ...which moved down one row
        row = table(pilot).rows[table(pilot).cursor_row]
        assert row.cells[7] == "B. New"
        assert "▲ 4 red" in summary(pilot)


# -- help, meeting mode, palette ---------------------------------------------------


async def test_help_and_palette_on_the_list(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        # One definition per action: every key of the list's own bindings is in its help,
        # hidden ones (S, C, R, f5) included, in the words of its tooltip.
        own = [
            b.binding.tooltip or b.binding.description
            for b in app.screen.active_bindings.values()
            if b.binding.id
        ]
        assert "Reverse the order (least urgent first, Z to A, …)" in own
        for key in ("question_mark", "f1"):
            await pilot.press(key)
            help_screen = await wait_for_screen(pilot, HelpScreen)
            shown = screen_text(app)
            assert "Help" in shown and "new case" in shown
            assert "Filter as you type" in shown
            for words in own[:8]:  # those above the fold at 80x24; long ones wrap
                assert words[:16] in shown, words
            assert isinstance(help_screen.under, CaseListScreen)
            # The state meanings are there too (scroll down to them).
            help_screen.query_one("VerticalScroll").scroll_end(animate=False)
            await pilot.pause()
            shown = screen_text(app)
            for word in ("overdue", "waiting", "RED", "AMBER", "GREEN"):
                assert word in shown
            await pilot.press("escape")
            await wait_for_screen(pilot, CaseListScreen)

        # The command palette (ctrl+p) finds and runs Help too.
        await pilot.press("ctrl+p")
        await wait_for_screen(pilot, CommandPalette)
        await type_text(pilot, "Help")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for_screen(pilot, HelpScreen)


async def test_meeting_mode_from_list(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await open_from_list(pilot, "M", MeetingModeScreen)
        await wait_until(pilot, lambda: "DEMO-2026-002" in screen_text(app), what="the view")
        shown = screen_text(app)
        assert TODAY_UK in shown
        assert "▲ RED" in shown
        assert "Child B" not in shown  # no child's name on a shared screen
        assert "Tue 24 Nov 2026" in shown
        # Read-only: the form keys do nothing here.
        await pilot.press("n", "e")
        await pilot.pause()
        assert isinstance(app.screen, MeetingModeScreen)
        await pilot.press("escape")
        await wait_for_screen(pilot, CaseListScreen)


async def test_command_palette_offers_new_case(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        await wait_for_rows(pilot)
        await pilot.press("ctrl+p")
        await wait_for_screen(pilot, CommandPalette)
        await type_text(pilot, "New case")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for_screen(pilot, CaseForm, timeout=0.5)


# -- a database that is not ours ---------------------------------------------------


def _random_bytes(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_bytes(os.urandom(8192))
    path.chmod(0o600)


def _other_app_db(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()
    path.chmod(0o600)


@pytest.mark.parametrize("make", [_random_bytes, _other_app_db], ids=["random", "other-app"])
async def test_not_an_rr_database_exits_with_one_sentence(
    tmp_path: Path, make: Callable[[Path], None]
) -> None:
    path = tmp_path / "db" / "rr.db"
    make(path)
    before = path.read_bytes()
    async with running_app(sqlite_url(path)) as (app, pilot):
        await wait_until(pilot, lambda: app.fatal is not None, what="the fatal error")
    assert app.return_code not in (None, 0)
    assert app.fatal is not None
    message = app.fatal.message
    assert "not an rr-tui database" in message or "another application" in message
    assert "\n" not in message and "Traceback" not in message
    assert message.count(". ") == 0  # one sentence
    assert app.return_code == app.fatal.exit_code
    assert path.read_bytes() == before  # nothing was written to it
