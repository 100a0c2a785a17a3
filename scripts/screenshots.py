"""Regenerate the README's pictures (docs/images/*.svg) from the app itself.

    .venv/bin/python scripts/screenshots.py        # or: make screenshots

Each picture is the real app at 80x24 on the fictional demo cases, with today frozen at
Thu 26 Nov 2026, so the pictures change only when the screens do. Nothing of the user's is
read: the configuration, data folder and database are temporary ones.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

TODAY = date(2026, 11, 26)
SIZE = (80, 24)
OUT = Path(__file__).resolve().parent.parent / "docs" / "images"
TIMEOUT = 30.0


async def _until(pilot: Any, condition: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshots: timed out waiting for {what}")
        await asyncio.sleep(0.02)
    await _settle(pilot)


async def _settle(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def _list(pilot: Any) -> None:
    from rr_tui.screens.case_list import CaseListScreen
    from rr_tui.widgets.case_table import CaseTable

    def loaded() -> bool:
        screen = pilot.app.screen
        return (
            isinstance(screen, CaseListScreen)
            and bool(screen.counts)
            and screen.token != -1
            and len(screen.query_one(CaseTable).rows) > 0
        )

    await _until(pilot, loaded, "the case list")


async def _case(pilot: Any) -> None:
    from rr_tui.screens.case_detail import CaseScreen

    await _list(pilot)
    await pilot.press("j", "enter")  # DEMO-2026-004: red, with agencies
    await _until(
        pilot,
        lambda: isinstance(pilot.app.screen, CaseScreen) and pilot.app.screen.data is not None,
        "the case screen",
    )


async def _form(pilot: Any) -> None:
    """The new-case form, with a date typed the English way and the date understood shown."""
    from textual.widgets import Input

    from rr_tui.screens.case_form import CaseForm
    from rr_tui.widgets.fields import TextField

    await _list(pilot)
    await pilot.press("n")
    await _until(pilot, lambda: isinstance(pilot.app.screen, CaseForm), "the form")
    form = pilot.app.screen
    form.query_one("#reference", TextField).control.value = "RR-2026-014"
    form.query_one("#child", TextField).control.value = "Child N"
    date_input = form.query_one("#referral_received").query_one(Input)
    date_input.value = "20/11/26"
    date_input.focus()
    await _settle(pilot)


async def _report(pilot: Any) -> None:
    from textual.widgets import Static

    from rr_tui.screens.report import ReportScreen

    await _list(pilot)
    await pilot.press("R")
    await _until(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, ReportScreen)
            and pilot.app.screen.query_one("#report-view", Static).content != "Loading…"
        ),
        "the report",
    )


PICTURES: dict[str, Callable[[Any], Awaitable[None]]] = {
    "case-list": _list,
    "case-timeline": _case,
    "form": _form,
    "report": _report,
}


async def _take(name: str, before: Callable[[Any], Awaitable[None]], url: str) -> Path:
    from rr_tui.app import RRApp

    app = RRApp(url, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await before(pilot)
        svg = app.export_screenshot(title=f"rr-tui: {name.replace('-', ' ')}")
    path = OUT / f"{name}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        config = home / "config.toml"
        config.write_text("")
        os.environ.update(
            {
                "RR_TUI_CONFIG": str(config),
                "RR_TUI_DATA_DIR": str(home / "data"),
                "XDG_CACHE_HOME": str(home / "cache"),
            }
        )
        for name in ("RR_TUI_DB", "RR_TUI_THEME", "NO_COLOR"):
            os.environ.pop(name, None)
        os.chdir(home)  # the pack form offers a file in the current folder

        from rr_tui.demo import fresh_demo_database

        OUT.mkdir(parents=True, exist_ok=True)
        template = home / "demo.db"
        fresh_demo_database(template, TODAY)
        for name, before in PICTURES.items():
            # A fresh copy each time: one picture never sees another's typing.
            db = home / f"{name}.db"
            db.write_bytes(template.read_bytes())
            db.chmod(0o600)
            path = asyncio.run(_take(name, before, "sqlite:///" + str(db)))
            print(f"wrote {path.relative_to(OUT.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
