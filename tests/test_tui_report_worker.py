"""The timeliness report works its figures out off the UI thread, once per period."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from tui_helpers import (
    open_report,
    running,
    running_app,
    text_of,
    wait_until,
)

import rr_tui.screens.report as report_screen
from rr_tui.reports.timeliness import figures


async def test_figures_are_worked_out_in_a_worker_and_cached_per_period(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, bool]] = []
    ui_thread = threading.get_ident()

    def spying(records: Any, profile: Any, period: Any, today: Any = None) -> Any:
        calls.append((period.label, threading.get_ident() == ui_thread))
        return figures(records, profile, period, today)

    monkeypatch.setattr(report_screen, "figures", spying)
    async with running_app(demo_url) as (app, pilot):
        screen = await open_report(pilot)
        view = "#report-view"
        assert "2026-27" in text_of(screen, view)
        assert calls and not any(on_ui for _, on_ui in calls)  # never on the UI thread
        first = len(calls)
        await pilot.press("left_square_bracket")
        await wait_until(
            pilot, lambda: "2025-26" in text_of(screen, view) and "Median" in text_of(screen, view)
        )
        second = len(calls)
        assert second > first
        # Back to a period already worked out: from the cache, at once, no new work.
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert "2026-27" in text_of(screen, view) and "Median WD" in text_of(screen, view)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert "2025-26" in text_of(screen, view)
        await app.workers.wait_for_complete()
        assert len(calls) == second


async def test_only_the_latest_period_asked_for_is_drawn(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        screen = await open_report(pilot)
        # Three years back in a row: the answers for the first two are not drawn.
        await pilot.press("left_square_bracket", "left_square_bracket", "left_square_bracket")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = text_of(screen, "#report-view")
        assert "2023-24" in shown and "Median WD" in shown
        assert len(screen.cache) == 4  # every answer kept for when it is asked for again


async def test_the_report_screen_shows_missed_and_the_profile_s_measures(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        screen = await open_report(pilot)
        shown = " ".join(text_of(screen, "#report-view").split())
        assert "Missed" in shown
        assert "LCSPR published within 6 months" in shown
