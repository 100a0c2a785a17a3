"""Hostile inputs in the TUI, one class of fault per test (issue 11 §1, §2, §5).

Each test's name starts with the class it covers: markup (user text read as
Rich/Textual markup), keys (lost or misrouted keys: see tests/test_keys.py for
the bursts), stale (old answers overwriting new ones). Every test would fail if
its class came back.
"""

from __future__ import annotations

import asyncio
import time
from datetime import date
from typing import Any

import pytest
from textual.widgets import Select
from tui_helpers import (
    TODAY,
    fresh_store,
    make_app,
    open_case,
    open_case_form,
    open_form,
    running_app,
    screen_text,
    wait_for_rows,
    wait_for_screen,
    wait_until,
)

from rr_tui.edits import CASE, Edit, Target
from rr_tui.errors import RRError
from rr_tui.records import CaseFields, ChildFields
from rr_tui.screens.agency_forms import ReturnForm
from rr_tui.screens.case_form import CaseForm
from rr_tui.screens.case_list import CaseListScreen
from rr_tui.screens.chase import ChaseScreen
from rr_tui.screens.confirm import ConflictScreen
from rr_tui.screens.meeting_mode import MeetingModeScreen
from rr_tui.store import Store
from rr_tui.widgets.case_table import CaseTable

HOSTILE_AGENCY = "Health [/] Trust"
HOSTILE_AUTHORITY = "[Northshire] CSC"
HOSTILE_OWNER = "[b]Bold[/b] [red]O"
HOSTILE_CHILD = "[@click=app.quit]Q"


def hostile_case(url: str) -> int:
    """A case whose every user-typed string looks like markup, with an overdue return."""
    with fresh_store(url) as store:
        case_id = store.create_case(
            CaseFields(
                "RR-2026-900",
                lead_authority=HOSTILE_AUTHORITY,
                owner=HOSTILE_OWNER,
                notes="[/]",
            ),
            {"referral_received": date(2026, 11, 2)},
            (ChildFields(HOSTILE_CHILD),),
        )
        store.add_agency(case_id, HOSTILE_AGENCY, date(2026, 11, 3), notes="[/]")
        return case_id


def toast_text(notification: Any) -> str:
    """What the toast of a notification shows, as plain text."""
    from textual.content import Content

    # As Toast.render draws the message (its title is drawn as plain text too).
    text = notification.message
    return (Content.from_markup(text) if notification.markup else Content(text)).plain


def notifications(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_markup_case_screen_shows_user_text_as_typed(demo_url: str) -> None:
    hostile_case(demo_url)
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_case(pilot, demo_url, "RR-2026-900")
        shown = screen_text(app)
        for text in (HOSTILE_AGENCY, HOSTILE_AUTHORITY, HOSTILE_OWNER, HOSTILE_CHILD):
            assert text in shown, text


async def test_markup_list_and_meeting_mode_show_user_text_as_typed(demo_url: str) -> None:
    hostile_case(demo_url)
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_rows(pilot)
        # The list's columns are narrow: the start of each, as typed.
        await wait_until(
            pilot,
            lambda: HOSTILE_CHILD[:6] in screen_text(app) and HOSTILE_OWNER in screen_text(app),
            what="the hostile case's row",
        )
        app.push_screen(MeetingModeScreen(None))
        await wait_for_screen(pilot, MeetingModeScreen)
        await pilot.pause(0.5)
        assert not app.return_code


async def test_markup_chaser_for_a_bracketed_agency_records_and_says_so(demo_url: str) -> None:
    """The crash of the issue: recording the chaser of `Health [/] Trust`."""
    hostile_case(demo_url)
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_rows(pilot)
        app.push_screen(ChaseScreen())
        screen = await wait_for_screen(pilot, ChaseScreen)
        await wait_until(pilot, lambda: screen.data is not None, what="the chase list")
        agencies = list(screen.data.groups)
        assert HOSTILE_AGENCY in agencies
        screen.query_one("OptionList").highlighted = agencies.index(HOSTILE_AGENCY)
        await pilot.pause()
        assert HOSTILE_AGENCY in screen_text(app)
        await pilot.press("x")
        await wait_until(
            pilot,
            lambda: any(HOSTILE_AGENCY in n for n in notifications(app)),
            what="the chaser notification",
        )
        await pilot.pause(0.3)
        assert app.return_code is None and app.is_running
        assert HOSTILE_AGENCY in screen_text(app)  # the toast shows it as typed


async def test_markup_choice_of_agency_shows_the_name_as_typed(demo_url: str) -> None:
    hostile_case(demo_url)
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_case_form(pilot, demo_url, "RR-2026-900", "r", ReturnForm)
        await pilot.pause()
        assert HOSTILE_AGENCY in screen_text(app)
        select = form.query_one(Select)
        assert select.value is not None


async def test_markup_conflict_dialog_and_form_title(demo_url: str) -> None:
    case_id = hostile_case(demo_url)
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_case_form(pilot, demo_url, "RR-2026-900", "e", CaseForm)
        with fresh_store(demo_url) as other:
            other.save_edits(
                case_id, [Edit(Target(CASE, "owner"), HOSTILE_OWNER, "[/] theirs", "Owner")]
            )
        form.field("owner").set_value("[i]mine[/i]")
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, ConflictScreen)
        await pilot.pause()
        shown = screen_text(app)
        assert "[/] theirs" in shown and "[i]mine[/i]" in shown


async def test_markup_notifications_are_never_markup(demo_url: str) -> None:
    async with running_app(demo_url, today=TODAY) as (app, pilot):
        await wait_for_rows(pilot)
        app.screen.notify("Saved [/] for [Northshire] CSC", title="[b]T")
        app.notify("[Northshire] CSC", markup=True)  # asking for markup changes nothing
        await pilot.pause(0.3)
        assert app.return_code is None
        sent = [(n.title, n.message, n.markup) for n in app._notifications]
        assert sent == [
            ("[b]T", "Saved [/] for [Northshire] CSC", False),
            ("", "[Northshire] CSC", False),
        ]
        assert [toast_text(n) for n in app._notifications] == [
            "Saved [/] for [Northshire] CSC",
            "[Northshire] CSC",
        ]


# -- stale: an older request's answer never overwrites a newer one ------------------------


async def test_stale_closed_toggle_twice_never_leaves_closed_cases(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`c` twice: the slow answer with closed cases arrives last and must be dropped."""
    original = Store.list_cases

    def slow_when_closed(self: Store, *, include_closed: bool = False) -> Any:
        if include_closed:
            time.sleep(1.5)
        return original(self, include_closed=include_closed)

    monkeypatch.setattr(Store, "list_cases", slow_when_closed)
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        screen = app.screen
        assert isinstance(screen, CaseListScreen)
        await pilot.press("c", "c")
        assert screen.show_closed is False
        await asyncio.sleep(2.5)  # the slow, superseded answer has come back by now
        await pilot.pause()
        refs = [row.cells[1] for row in screen.query_one(CaseTable).rows]
        assert "DEMO-2026-011" not in refs  # the closed demo case
        assert len(refs) == 11
        assert screen.counts.get("closed", 0) == 0


async def test_stale_every_exclusive_load_drops_older_answers(demo_url: str) -> None:
    """run_db, the one way the app loads data: only the newest request of a group answers."""
    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        got: list[str] = []
        failed: list[str] = []

        def slow(store: Store) -> str:
            time.sleep(1.0)
            return "old"

        def failing_slow(store: Store) -> str:
            time.sleep(1.0)
            raise RRError("old failure")

        app.run_db(slow, got.append, group="test", exclusive=True)
        app.run_db(
            failing_slow, got.append, lambda e: failed.append(e.message), group="t2", exclusive=True
        )
        app.run_db(lambda store: "new", got.append, group="test", exclusive=True)
        app.run_db(lambda store: "new2", got.append, group="t2", exclusive=True)
        await asyncio.sleep(1.8)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert sorted(got) == ["new", "new2"]
        assert failed == []
        # Saves are never exclusive: both answers arrive.
        app.run_db(slow, got.append)
        app.run_db(lambda store: "save", got.append)
        await asyncio.sleep(1.5)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert sorted(got) == ["new", "new2", "old", "save"]


# -- paste: a date pasted with spaces around it is accepted ---------------------------------


@pytest.mark.parametrize("pasted", [" 2026-11-20 ", "\t2026-11-20  \n", "   2026-11-20"])
async def test_paste_date_with_spaces_around_it_is_accepted(demo_url: str, pasted: str) -> None:
    from textual import events

    from rr_tui.screens.step_form import StepForm

    async with running_app(demo_url) as (app, pilot):
        await open_case(pilot, demo_url, "DEMO-2026-008")
        form = await open_form(pilot, "t", StepForm)  # practitioner_event, not recorded
        form.field("on").control.focus()
        await pilot.pause()
        app.post_message(events.Paste(pasted))
        await wait_until(
            pilot, lambda: form.field("on").snapshot().strip() == "2026-11-20", what="paste"
        )
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: form not in app.screen_stack, what="the save")
    with fresh_store(demo_url) as store:
        saved = store.get_case(store.case_id("DEMO-2026-008"))
    assert saved.done["practitioner_event"] == date(2026, 11, 20)
