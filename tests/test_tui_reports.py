"""The chase list, the timeliness report and the pack form, driven as a user would."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import tui_helpers as ui

from rr_tui.screens.chase import ChaseScreen
from rr_tui.screens.confirm import TextViewScreen
from rr_tui.screens.pack_form import PackForm

TODAY = date(2026, 11, 26)


async def _chase_screen(pilot: Any) -> ChaseScreen:
    screen: ChaseScreen = await ui.open_from_list(pilot, "C", ChaseScreen)
    await ui.wait_until(pilot, lambda: "DEMO-2026-004" in ui.text_of(screen, "#chase-items"))
    return screen


async def test_chase_list_copies_the_chaser_and_records_it_sent(demo_url: str) -> None:
    async with ui.running_app(demo_url) as (app, pilot):
        screen = await _chase_screen(pilot)
        chaser = ui.text_of(screen, "#chase-text")
        assert "Dear colleagues at Children's social care" in chaser
        assert "Child D" not in chaser  # references only, never the child
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard.startswith("Dear colleagues at Children's social care")
        await pilot.press("x")
        await ui.wait_until(
            pilot,
            lambda: "Thu 26 Nov" in ui.text_of(screen, "#chase-items"),
            what="the chaser date",
        )
    record = ui.stored_case(demo_url, "DEMO-2026-004")
    chased = [a for a in record.agencies if a.name == "Children's social care"]
    assert chased[0].chasers == (TODAY,)


async def test_copy_says_sent_to_the_terminal_and_offers_the_text_to_copy_by_hand(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TMUX", raising=False)
    async with ui.running_app(demo_url) as (app, pilot):
        screen = await _chase_screen(pilot)
        await pilot.press("y")
        await pilot.pause()
        said = ui.notification_texts(app)[-1]
        assert "sent to your terminal" in said
        assert "copied" not in said.lower()
        assert "press v" in said and "tmux" not in said
        await pilot.press("v")
        view = await ui.wait_for_screen(pilot, TextViewScreen)
        shown = ui.text_of(view, "#text-view-text")
        # Exactly the text that was sent (wrapped at the dialog's width), plain.
        assert shown.split() == app.clipboard.split()
        assert "by hand" not in shown and "Select it" in ui.text_of(view, "#text-view-hint")
        await pilot.press("escape")
        await ui.wait_for_screen(pilot, ChaseScreen)
        assert app.screen is screen


async def test_copy_under_tmux_says_set_clipboard_on_is_needed(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,123,0")
    async with ui.running_app(demo_url) as (app, pilot):
        await _chase_screen(pilot)
        await pilot.press("y")
        await pilot.pause()
        said = ui.notification_texts(app)[-1]
        assert "set-clipboard on" in said and "tmux" in said
        assert "press v" in said


async def test_chaser_marked_sent_by_mistake_is_undone_with_u(demo_url: str) -> None:
    with ui.fresh_store(demo_url) as store:
        before = store.verify_audit()
        case_id = store.case_id("DEMO-2026-004")
        chasers_before = {a.id: a.chasers for a in store.get_case(case_id).agencies}
    async with ui.running_app(demo_url) as (app, pilot):
        screen = await _chase_screen(pilot)
        await pilot.press("u")
        await pilot.pause()
        assert "Nothing to undo" in ui.notification_texts(app)[-1]
        await pilot.press("x")
        await ui.wait_until(pilot, lambda: "Thu 26 Nov" in ui.text_of(screen, "#chase-items"))
        assert "u undoes it" in ui.notification_texts(app)[-1]
        with ui.fresh_store(demo_url) as store:
            sent = {a.id: a.chasers for a in store.get_case(case_id).agencies}
        assert sent != chasers_before
        await pilot.press("u")
        await ui.wait_until(
            pilot,
            lambda: "Thu 26 Nov" not in ui.text_of(screen, "#chase-items"),
            what="the chaser to go",
        )
        assert "Undone" in ui.notification_texts(app)[-1]
    with ui.fresh_store(demo_url) as store:
        after = {a.id: a.chasers for a in store.get_case(case_id).agencies}
        assert after == chasers_before
        assert store.verify_audit() == before == []
        actions = [(h.action, h.table_name) for h in store.history(case_id)]
        assert ("delete", "chasers") in actions


async def test_report_moves_between_years(demo_url: str) -> None:
    async with ui.running(demo_url) as pilot:
        screen = await ui.open_report(pilot)
        view = ui.text_of(screen, "#report-view")
        assert "financial year 2026-27" in view
        assert "SIN within 5 working days" in view and "met" in view
        await pilot.press("left_square_bracket")
        await ui.wait_until(pilot, lambda: "2025-26" in ui.text_of(screen, "#report-view"))
        await pilot.press("f")
        await ui.wait_until(
            pilot, lambda: "calendar year 2025" in ui.text_of(screen, "#report-view")
        )


async def test_pack_form_writes_a_private_pdf_and_notes_it(demo_url: str, tmp_path: Path) -> None:
    target = tmp_path / "pack.pdf"
    async with ui.running(demo_url) as pilot:
        form = await ui.open_case_form(pilot, demo_url, "DEMO-2026-006", "w", PackForm)
        ui.put(form, "path", str(target))
        await ui.save_and_close(pilot, form)
    assert target.read_bytes().startswith(b"%PDF")
    assert os.stat(target).st_mode & 0o077 == 0
    with ui.fresh_store(demo_url) as store:
        history = store.history(store.case_id("DEMO-2026-006"))
        assert store.verify_audit() == []
    assert any("pack written (pdf)" in h.summary for h in history)
