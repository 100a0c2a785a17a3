"""Readable in every terminal (issue 12 §2), measured from the colours the app emits.

For each theme (dark, light) every screen is rendered with Pilot and taken the
way Textual's driver writes it (``tests/contrast.py``): in truecolor and in 256
colours (after Rich's quantisation), every run of text (state words included)
must reach WCAG AA, 4.5:1, against the background it is drawn on; with NO_COLOR
(Textual's monochrome filter) the same, and nothing is dimmed; in 16 colours the
red, amber and green states are drawn in three different colours.

Dialogs are measured inside the dialog: the screen behind one is dimmed on
purpose and is not for reading.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from contrast import Reading, readings, standard_colours
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import Screen
from tui_helpers import (
    SIZE,
    make_app,
    open_case,
    open_form,
    open_from_list,
    running_app,
    text_of,
    type_text,
    wait_for_rows,
    wait_for_screen,
    wait_until,
)

from rr_tui.rules.schedule import RAG_GLYPHS
from rr_tui.screens.case_form import CaseForm
from rr_tui.screens.case_list import CaseListScreen
from rr_tui.screens.chase import ChaseScreen
from rr_tui.screens.confirm import TextViewScreen
from rr_tui.screens.help import HelpScreen
from rr_tui.screens.meeting_mode import MeetingModeScreen
from rr_tui.screens.report import ReportScreen
from rr_tui.widgets.case_table import CaseTable
from rr_tui.widgets.themes import DARK, LIGHT

AA = 4.5
Show = Callable[[Pilot[Any], str], Awaitable[Region | None]]


async def _list(pilot: Pilot[Any], _url: str) -> Region | None:
    await wait_for_rows(pilot)
    return None


async def _list_blurred_with_filter(pilot: Pilot[Any], _url: str) -> Region | None:
    await wait_for_rows(pilot)
    await pilot.press("j", "slash")
    await type_text(pilot, "demo")
    return None


async def _case(pilot: Pilot[Any], url: str) -> Region | None:
    await open_case(pilot, url, "DEMO-2026-004")
    return None


async def _pushed(pilot: Pilot[Any], key: str, kind: type, ready: Callable[[Any], bool]) -> None:
    screen = await open_from_list(pilot, key, kind)
    await wait_until(pilot, lambda: ready(screen))


def _dialog(screen: Screen[Any]) -> Region:
    """Where a modal screen's dialog is: the part of the terminal worth measuring."""
    region: Region = screen.query_one(".dialog").region
    return region


async def _chase(pilot: Pilot[Any], _url: str) -> Region | None:
    await _pushed(pilot, "C", ChaseScreen, lambda s: s.data is not None)
    return None


async def _report(pilot: Pilot[Any], _url: str) -> Region | None:
    def drawn(screen: Any) -> bool:
        return "Median" in text_of(screen, "#report-view")

    await _pushed(pilot, "R", ReportScreen, drawn)
    await pilot.app.workers.wait_for_complete()
    return None


async def _meeting(pilot: Pilot[Any], _url: str) -> Region | None:
    await _pushed(pilot, "M", MeetingModeScreen, lambda s: bool(s.query_one(CaseTable).rows))
    return None


async def _meeting_case(pilot: Pilot[Any], url: str) -> Region | None:
    await open_case(pilot, url, "DEMO-2026-004")
    await pilot.press("M")
    screen = await wait_for_screen(pilot, MeetingModeScreen)
    await wait_until(pilot, lambda: "OVERDUE" in text_of(screen, "#meeting-view"))
    return None


async def _help(pilot: Pilot[Any], _url: str) -> Region | None:
    return _dialog(await open_from_list(pilot, "question_mark", HelpScreen))


async def _form(pilot: Pilot[Any], _url: str) -> Region | None:
    return _dialog(await open_from_list(pilot, "n", CaseForm))


async def _edit_form(pilot: Pilot[Any], url: str) -> Region | None:
    await open_case(pilot, url, "DEMO-2026-004")
    return _dialog(await open_form(pilot, "e", CaseForm))


async def _chaser_text(pilot: Pilot[Any], _url: str) -> Region | None:
    await _chase(pilot, _url)
    await pilot.press("v")
    return _dialog(await wait_for_screen(pilot, TextViewScreen))


async def _notifications(pilot: Pilot[Any], _url: str) -> Region | None:
    await wait_for_rows(pilot)
    app = pilot.app
    app.notify("Case saved", timeout=60)
    app.notify("Sorted by owner", severity="warning", timeout=60)
    app.notify("the database is locked", title="Problem", severity="error", timeout=60)
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    return None


SCREENS: dict[str, Show] = {
    "list": _list,
    "list, filter typed, cursor blurred": _list_blurred_with_filter,
    "case": _case,
    "case, whole page": _case,
    "chase": _chase,
    "report": _report,
    "meeting": _meeting,
    "meeting, one case": _meeting_case,
    "help": _help,
    "new case form": _form,
    "edit case form": _edit_form,
    "chaser text to copy by hand": _chaser_text,
    "notifications": _notifications,
}


async def _measure(
    url: str, theme: str, name: str, systems: tuple[str, ...]
) -> dict[str, list[Reading]]:
    app = make_app(url)
    # The case screen's agencies, meeting, Panel and history, below the fold at 80x24.
    size = (80, 70) if name == "case, whole page" else SIZE
    async with app.run_test(size=size, notifications=True) as pilot:
        app.theme = theme
        region = await SCREENS[name](pilot, url)
        await pilot.pause()
        return {system: readings(app, system, region) for system in systems}


def _failures(found: list[Reading]) -> list[str]:
    return [
        f"{r.text.strip()!r} at ({r.x},{r.y}): {r.ratio:.2f}:1, {r.fg} on {r.bg}"
        + (" (dim)" if r.dim else "")
        for r in found
        if r.ratio < AA
    ]


@pytest.mark.parametrize("theme", [DARK, LIGHT])
@pytest.mark.parametrize("name", list(SCREENS))
async def test_every_line_of_text_meets_aa_in_truecolor_and_256_colours(
    demo_url: str, theme: str, name: str
) -> None:
    measured = await _measure(demo_url, theme, name, ("truecolor", "256"))
    for system, found in measured.items():
        assert found, "nothing measured"
        if name == "case, whole page":
            assert any("History" in r.text for r in found), "the whole case page"
        assert _failures(found) == [], f"{theme}, {name}, {system}: {_failures(found)}"


@pytest.mark.parametrize("theme", [DARK, LIGHT])
@pytest.mark.parametrize("name", ["list", "case", "chase", "meeting", "help"])
async def test_with_no_color_nothing_that_matters_is_dimmed_or_faint(
    demo_url: str, theme: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    measured = await _measure(demo_url, theme, name, ("truecolor", "256"))
    for system, found in measured.items():
        assert all(r.fg[0] == r.fg[1] == r.fg[2] for r in found)  # monochrome indeed
        assert [r.text for r in found if r.dim] == [], f"{theme}, {name}: dimmed text"
        assert _failures(found) == [], f"{theme}, {name}, {system}: {_failures(found)}"


@pytest.mark.parametrize("theme", [DARK, LIGHT])
@pytest.mark.parametrize("name", ["list", "meeting"])
async def test_in_16_colours_the_three_states_have_three_colours(
    demo_url: str, theme: str, name: str
) -> None:
    async with running_app(demo_url) as (app, pilot):
        app.theme = theme
        await SCREENS[name](pilot, demo_url)
        await pilot.pause()
        table = app.screen.query_one(CaseTable)
        # The cursor row is drawn in the cursor's colours (its glyph and word still say it).
        cursor_line = table.content_region.y + 1 + table.cursor_row - int(table.scroll_y)
        colours: dict[str, set[object]] = {"red": set(), "amber": set(), "green": set()}
        for text, line, fg in standard_colours(app, table.region):
            if line == cursor_line:
                continue
            for rag in colours:
                if text.strip().startswith(RAG_GLYPHS[rag]):
                    colours[rag].add(fg)
        assert all(len(found) == 1 for found in colours.values()), colours
        red, amber, green = (next(iter(c)) for c in colours.values())
        assert len({red, amber, green}) == 3, colours
        # Terminal colours 1 and 9 are red, 3 and 11 yellow, 2 and 10 green.
        assert red in (1, 9) and amber in (3, 11) and green in (2, 10), colours


async def test_the_app_starts_in_rr_themes(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async with running_app(demo_url) as (app, pilot):
        assert app.theme == DARK
        app.action_toggle_theme()
        await pilot.pause()
        assert app.theme == LIGHT
    monkeypatch.setenv("RR_TUI_THEME", "light")
    app = make_app(demo_url)
    async with app.run_test(size=SIZE):
        assert app.theme == LIGHT
    assert isinstance(CaseListScreen, type)


def test_styles_use_theme_variables_only() -> None:
    """No colour is written by hand in the TCSS: the themes decide every colour."""
    import re
    from pathlib import Path

    import rr_tui
    from rr_tui.widgets import case_table

    root = Path(rr_tui.__file__).parent
    sheets = [(root / "styles.tcss").read_text(encoding="utf-8"), case_table.CaseTable.DEFAULT_CSS]
    for sheet in sheets:
        assert re.findall(r"#[0-9a-fA-F]{3,8}\b", sheet) == []
        assert re.findall(r"\b(?:rgb|hsl)a?\(", sheet) == []
