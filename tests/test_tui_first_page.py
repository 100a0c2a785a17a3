"""The first screenful of the list, before the database is fully open.

The app holds its store back here until the test lets it go (``HeldApp``): what
a slow start looks like to the user, with everything else real.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import tui_helpers as ui
from textual.pilot import Pilot

import rr_tui.app
from rr_tui.app import RRApp
from rr_tui.config import db_url
from rr_tui.first_page import PAGE_SIZE
from rr_tui.records import CaseFields
from rr_tui.screens.case_form import CaseForm
from rr_tui.screens.case_list import CaseListScreen
from rr_tui.store import Store

OPEN_CASES = PAGE_SIZE + 40


class HeldApp(RRApp):
    """rr-tui whose store opens only once ``release`` is set."""

    # Textual finds CSS_PATH beside the class's own module: point it home.
    CSS_PATH = str(Path(rr_tui.app.__file__).parent / "styles.tcss")

    def __init__(self, url: str) -> None:
        super().__init__(url, today=ui.TODAY)
        self.release = threading.Event()

    def _make_store(self) -> Store:
        self.release.wait(30)
        return super()._make_store()


def many_cases(tmp_path: Path) -> str:
    url = db_url(tmp_path / "db" / "many.db")
    store = Store(url, create=True)
    try:
        store.import_cases(
            [
                (
                    CaseFields(f"RR26-{n:04d}", owner="A. Patel"),
                    {"referral_received": ui.TODAY - timedelta(days=n % 30)},
                    None,
                    (),
                )
                for n in range(OPEN_CASES)
            ]
        )
    finally:
        store.close()
    return url


async def wait_for_first_page(pilot: Pilot[Any]) -> None:
    def shown() -> bool:
        stack = pilot.app.screen_stack
        on_list = bool(stack) and isinstance(stack[-1], CaseListScreen)
        return on_list and len(ui.row_refs(pilot)) == PAGE_SIZE

    await ui.wait_until(pilot, shown, what="the first screenful")


@asynccontextmanager
async def first_page_shown(url: str) -> AsyncIterator[tuple[HeldApp, Pilot[Any]]]:
    """rr-tui on ``url`` with its store held back, once it shows the first screenful."""
    app = HeldApp(url)
    async with app.run_test(size=ui.SIZE) as pilot:
        await wait_for_first_page(pilot)
        yield app, pilot


def full_order(url: str) -> list[str]:
    from rr_tui.rules.profile import ENGLAND
    from rr_tui.rules.triage import build_views

    with ui.fresh_store(url) as store:
        return [v.record.reference for v in build_views(store.list_cases(), ENGLAND, ui.TODAY)]


async def test_most_urgent_cases_show_before_the_database_is_open(tmp_path: Path) -> None:
    url = many_cases(tmp_path)
    async with first_page_shown(url) as (app, pilot):
        assert app.store is None
        assert ui.row_refs(pilot) == full_order(url)[:PAGE_SIZE]
        summary = ui.text_of(pilot.app.screen, "#summary")
        assert f"loading all {OPEN_CASES}…" in summary
        assert "red" in summary and "green" in summary
        # The cursor moves at once; once everything is there it stays on that case.
        await pilot.press("j", "j", "j")
        chosen = ui.cursor_ref(pilot)
        app.release.set()
        await ui.wait_for_rows(pilot, minimum=OPEN_CASES)
        assert ui.row_refs(pilot) == full_order(url)
        assert ui.cursor_ref(pilot) == chosen
        assert "loading" not in ui.text_of(pilot.app.screen, "#summary")


async def test_a_case_opened_early_loads_once_the_database_is_open(tmp_path: Path) -> None:
    url = many_cases(tmp_path)
    async with first_page_shown(url) as (app, pilot):
        await pilot.press("j")
        chosen = ui.cursor_ref(pilot)
        await pilot.press("enter")
        app.release.set()
        screen = await ui.wait_for_case(pilot)
        assert screen.data.record.reference == chosen


async def test_a_case_saved_early_is_saved_once_the_database_is_open(tmp_path: Path) -> None:
    url = many_cases(tmp_path)
    async with first_page_shown(url) as (app, pilot):
        await pilot.press("n")
        form = await ui.wait_for_screen(pilot, CaseForm)
        await ui.type_text(pilot, "RR26-EARLY")
        await pilot.press("ctrl+s")
        assert form in app.screen_stack  # not "saved" before it is
        app.release.set()
        await ui.wait_until(pilot, lambda: form not in app.screen_stack, what="the form to close")
        await ui.wait_until(pilot, lambda: "RR26-EARLY" in ui.row_refs(pilot), what="the new row")
        assert any("Case saved" in note for note in ui.notification_texts(app))
    with ui.fresh_store(url) as store:
        assert "RR26-EARLY" in store.references()


async def test_a_stale_order_waits_for_the_full_list_and_is_put_right(tmp_path: Path) -> None:
    import sqlite3

    url = many_cases(tmp_path)
    path = tmp_path / "db" / "many.db"
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE case_order SET schedule_key = 'from another profile'")
    app = HeldApp(url)
    app.release.set()
    async with app.run_test(size=ui.SIZE) as pilot:
        await ui.wait_for_rows(pilot, minimum=OPEN_CASES)
        assert ui.row_refs(pilot) == full_order(url)
    with ui.fresh_store(url) as store:
        assert store.stale_order() == []  # worked out again for next time
