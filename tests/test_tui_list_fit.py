"""The case list at every width, and its filter: what people expect of a list.

- Columns share extra width: at 120 columns and more the child, owner and next
  step are not cut; at 60 the due date still shows its day and month.
- The filter ignores case and accents and matches the state (word or meaning),
  owner, stage and step; enter with one match opens it.
- Leaving a case reloads the list only when something changed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Input
from tui_helpers import (
    SIZE,
    create_case,
    fresh_store,
    make_app,
    row_refs,
    running,
    running_app,
    screen_text,
    table,
    type_text,
    wait_for_case,
    wait_for_rows,
    wait_for_screen,
    wait_until,
)

from rr_tui.screens.case_list import COLUMNS, CaseListScreen
from rr_tui.widgets.case_filter import fold
from rr_tui.widgets.case_table import Column, layout, natural_widths

TODAY = date(2026, 11, 26)
ZOE = "Zoë Oluwaseun-Fitzgerald"
OWNER = "Hannah Fitzgerald-Smythe"


def add_long_names(url: str) -> None:
    create_case(
        url,
        "LONG-2026-01",
        {"referral_received": TODAY - timedelta(days=3)},
        child=ZOE,
        owner=OWNER,
    )


def visible_line(app: Any, reference: str) -> str:
    return next(line for line in screen_text(app).splitlines() if reference in line)


# -- widths ---------------------------------------------------------------------------


async def test_at_120_columns_and_more_child_owner_and_next_step_are_not_cut(
    demo_url: str,
) -> None:
    add_long_names(demo_url)
    for width in (120, 160, 200):
        app = make_app(demo_url)
        async with app.run_test(size=(width, 30)) as pilot:
            await wait_for_rows(pilot)
            await pilot.pause()
            line = visible_line(app, "LONG-2026-01")
            assert ZOE in line and OWNER in line, (width, line)
            for row in table(pilot).rows:
                shown = visible_line(app, row.cells[1])
                for cell in (row.cells[2], row.cells[4], row.cells[7]):
                    assert cell in shown, (width, cell, shown)
            assert "…" not in screen_text(app), width


async def test_at_200_columns_the_child_column_grows_with_its_names(demo_url: str) -> None:
    add_long_names(demo_url)
    app = make_app(demo_url)
    async with app.run_test(size=(200, 30)) as pilot:
        await wait_for_rows(pilot)
        widths = table(pilot)._widths()
        assert widths[2] >= len(ZOE) and widths[7] >= len(OWNER)


async def test_at_60_columns_the_due_date_keeps_day_and_month(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(60, 24)) as pilot:
        await wait_for_rows(pilot)
        await pilot.pause()
        # DEMO-2026-002 is due Tue 24 Nov; DEMO-2026-003 on Fri 27 Nov.
        line = visible_line(app, "DEMO-2026-002")
        assert "24 Nov" in line and "▲ Red" in line
        assert "27 Nov" in visible_line(app, "DEMO-2026-003")
        for line in screen_text(app).splitlines():
            assert len(line.rstrip()) <= 60
        # Nothing to scroll sideways for: the table fits the terminal.
        assert table(pilot).virtual_size.width <= 60


async def test_at_80_columns_every_column_still_shows(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        header = screen_text(app).splitlines()[1]
        for column in COLUMNS:
            assert column.label in header


NATURAL = st.lists(st.integers(1, 60), min_size=len(COLUMNS), max_size=len(COLUMNS))


@given(available=st.integers(20, 300), natural=NATURAL)
def test_layout_fits_shares_and_never_overgrows(available: int, natural: list[int]) -> None:
    widths = layout(COLUMNS, available, natural)
    shown = [w for w in widths if w]
    used = sum(shown) + len(shown) - 1

    def narrowest(c: Column, n: int) -> int:
        least = c.min_width or c.width
        return max(least, min(n, c.max_width)) if c.fit else least

    never_hidden = [(c, n) for c, n in zip(COLUMNS, natural, strict=True) if not c.drop]
    floor = sum(narrowest(c, n) for c, n in never_hidden) + len(never_hidden) - 1
    if floor <= available:
        assert used <= available
    for w, c, n in zip(widths, COLUMNS, natural, strict=True):
        if not c.drop:
            assert w, c.key  # state, reference, next step, due and WD never hide
        if w:
            assert narrowest(c, n) <= w <= max(c.width, min(n, c.max_width))
    wanted = [max(c.width, min(n, c.max_width)) for c, n in zip(COLUMNS, natural, strict=True)]
    if sum(wanted) + len(wanted) - 1 <= available:
        assert widths == wanted  # room for every text: nothing is cut


def test_layout_hides_the_stage_before_the_owner_on_a_narrow_terminal() -> None:
    widths = dict(zip((c.key for c in COLUMNS), layout(COLUMNS, 59), strict=True))
    assert widths["stage"] == 0
    assert widths["owner"] and widths["child"] and widths["due"] >= 6


def test_layout_shares_spare_width_one_cell_at_a_time() -> None:
    cols = [Column("a", "A", 5, max_width=50), Column("b", "B", 5, max_width=50)]
    assert layout(cols, 21, [40, 8]) == [12, 8]  # b needs only 8; a takes the rest


# -- filter ---------------------------------------------------------------------------


def test_fold_ignores_case_accents_and_curly_quotes() -> None:
    assert fold("Zoë") == "zoe" == fold("ZOË")
    assert fold("Siân O’Brien") == "sian o'brien"
    assert fold("Ærø Straße") == fold("æRø strasse")


async def _filter(pilot: Any, needle: str) -> list[str]:
    box = pilot.app.screen.query_one("#filter", Input)
    if not box.display:
        await pilot.press("slash")
    box.value = ""
    await type_text(pilot, needle)
    await pilot.pause()
    return row_refs(pilot)


async def test_filter_ignores_case_and_accents(demo_url: str) -> None:
    add_long_names(demo_url)
    async with running(demo_url) as pilot:
        await wait_for_rows(pilot)
        for needle in ("zoe", "ZOE", "Zoë", "zoë oluwaseun", "FITZGERALD-SMYTHE"):
            assert await _filter(pilot, needle) == ["LONG-2026-01"], needle
        assert await _filter(pilot, "demo-2026-012") == ["DEMO-2026-012"]


async def test_filter_matches_state_word_and_meaning_owner_stage_and_step(
    demo_url: str,
) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        rags = {row.cells[1]: row.rag for row in table(pilot).rows}
        red = sorted(ref for ref, rag in rags.items() if rag == "red")
        amber = sorted(ref for ref, rag in rags.items() if rag == "amber")
        assert len(red) == 3 and len(amber) == 4
        assert sorted(await _filter(pilot, "red")) == red
        assert sorted(await _filter(pilot, "Overdue")) == red
        assert sorted(await _filter(pilot, "AMBER")) == amber
        assert sorted(await _filter(pilot, "hughes")) == [
            "DEMO-2026-002",
            "DEMO-2026-005",
            "DEMO-2026-008",
        ]
        assert sorted(await _filter(pilot, "full review")) == ["DEMO-2026-008", "DEMO-2026-009"]
        # The next step by its short label, as shown...
        assert await _filter(pilot, "agency returns") == ["DEMO-2026-004"]
        # ...and by its full label.
        assert await _filter(pilot, "scoping requests sent") == ["DEMO-2026-003"]
        assert await _filter(pilot, "zzz") == []
        assert "No case matches “zzz”" in screen_text(app)


async def test_enter_with_a_single_match_opens_it(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        await wait_for_rows(pilot)
        assert await _filter(pilot, "child l") == ["DEMO-2026-012"]
        await pilot.press("enter")
        screen = await wait_for_case(pilot)
        assert screen.data.record.reference == "DEMO-2026-012"


async def test_enter_with_several_matches_stays_on_the_list(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        assert len(await _filter(pilot, "okafor")) == 4
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseListScreen)
        assert app.focused is table(pilot)


# -- reloading ------------------------------------------------------------------------


async def test_leaving_a_case_reloads_the_list_only_when_something_changed(
    demo_url: str,
) -> None:
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        screen = app.screen
        assert isinstance(screen, CaseListScreen)
        loads = 0
        original = screen._loaded

        def counting(loaded: Any) -> None:
            nonlocal loads
            loads += 1
            original(loaded)

        screen._loaded = counting  # type: ignore[method-assign]
        rows = screen.all_rows
        await pilot.press("enter")
        case = await wait_for_case(pilot)
        await pilot.press("escape")
        await wait_for_screen(pilot, CaseListScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert loads == 0 and screen.all_rows is rows  # nothing changed: no reload

        await pilot.press("enter")
        case = await wait_for_case(pilot)
        with fresh_store(demo_url) as other:
            record = other.get_case(case.case_id)
            other.update_case(case.case_id, record.version, replace(record.fields, owner="Z. New"))
        await pilot.press("escape")
        await wait_for_screen(pilot, CaseListScreen)
        await wait_until(pilot, lambda: loads == 1, what="one reload")
        assert any(row.cells[7] == "Z. New" for row in screen.all_rows)


async def test_a_state_without_a_style_of_its_own_still_draws() -> None:
    """New states (incomplete, paused…) are drawn by glyph and word, never a crash."""
    from textual.app import App, ComposeResult

    from rr_tui.widgets.case_table import CaseTable, Row

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield CaseTable(COLUMNS)

    app = One()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(CaseTable)
        cells = ("◇ Incomplete", "R-1", "C", "SIN", "Referral", "Tue 24 Nov~", "", "O")
        rows = [
            Row(1, cells, "incomplete", (0, *cells[1:])),
            Row(2, ("⏸ Paused", *cells[1:]), "paused", (1, *cells[1:])),
        ]
        grid.set_natural(natural_widths(COLUMNS, rows))
        grid.set_rows(rows)
        await pilot.pause()
        lines = [grid.render_line(y).text for y in range(3)]
        # The state word is never cut, and a squeezed date keeps whole words.
        assert "◇ Incomplete" in lines[1] and "⏸ Paused" in lines[2]
        assert "24 Nov~" in lines[1] and "ue 24" not in lines[1]
