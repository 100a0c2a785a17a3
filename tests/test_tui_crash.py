"""An unexpected error in the app ends it with one sentence: no traceback, no case data."""

from __future__ import annotations

import pytest
from tui_helpers import exit_renderables, running_app, wait_for_rows, wait_until

from rr_tui.screens.case_detail import CaseScreen


async def test_a_crash_shows_one_sentence_and_no_case_data(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: CaseScreen, data: object) -> None:
        child = "SECRET CHILD NAME"  # a local that Textual's own report would print
        raise ValueError(f"cannot show {child}")

    monkeypatch.setattr(CaseScreen, "_show", broken)
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.fatal is not None, what="the crash")
    assert app.return_code == 70
    assert app.fatal is not None
    assert app.fatal.message == "rr-tui stopped on an unexpected error (ValueError)"
    # Nothing is left for Textual to print on the way out (its report shows locals).
    assert not exit_renderables(app)
