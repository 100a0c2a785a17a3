"""An action's text, owner and due date can be changed after it was added: in the TUI
(``I`` on the case screen, the action form in edit mode) and with ``rr-tui action
edit``. Each field the form changed is checked against what it showed, and every
change is audited.

The demo is dated around Thu 26 Nov 2026; DEMO-2026-004's action 1 ("Check on the
siblings' …", children's social care) was due Wed 25 Nov.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from factories import cli
from tui_helpers import (
    TODAY,
    field,
    form_status,
    fresh_store,
    open_case,
    open_case_form,
    open_form,
    put,
    running,
    running_app,
    save,
    save_and_close,
    text_of,
    value,
    wait_for_case,
    wait_for_screen,
)

from rr_tui import lengths
from rr_tui.screens.confirm import ConflictScreen
from rr_tui.screens.lifecycle_forms import ActionForm

REF = "DEMO-2026-004"


def actions(url: str, reference: str = REF) -> Any:
    with fresh_store(url) as store:
        return store.get_case(store.case_id(reference)).actions


def action_history(url: str, reference: str = REF) -> list[Any]:
    with fresh_store(url) as store:
        entries = store.history(store.case_id(reference))
    return [e for e in entries if e.table_name == "meeting_actions" and e.action == "update"]


def base(url: str) -> tuple[str, ...]:
    return ("--db", url, "--today", TODAY.isoformat())


async def test_edit_an_action_in_the_tui(demo_url: str) -> None:
    first = actions(demo_url)[0]
    async with running_app(demo_url) as (app, pilot):
        screen = await open_case(pilot, demo_url, REF)
        form = await open_form(pilot, "I", ActionForm)
        assert "Edit an action" in text_of(form, ".dialog--title")
        assert app.focused is field(form, "which").control
        # The action's stored values, to change.
        assert value(form, "which") == str(first.number)
        assert value(form, "text") == first.text
        assert value(form, "owner") == first.owner
        assert value(form, "due") == first.due_on.isoformat()
        assert not form.dirty
        put(form, "owner", "Children's social care (team manager)")
        put(form, "due", "2026-12-04")
        await save_and_close(pilot, form)
        await wait_for_case(pilot)
        assert "team manager" in text_of(screen, "#case-actions")
    saved = actions(demo_url)[0]
    assert (saved.text, saved.owner, saved.due_on) == (
        first.text,
        "Children's social care (team manager)",
        date(2026, 12, 4),
    )
    (entry,) = action_history(demo_url)
    assert set(entry.changed) == {"owner", "due_on"}


async def test_i_on_a_case_without_actions_says_what_to_do(demo_url: str) -> None:
    async with running_app(demo_url) as (app, pilot):
        screen = await open_case(pilot, demo_url, "DEMO-2026-001")
        await pilot.press("I")
        await pilot.pause()
        assert app.screen is screen


def test_edit_an_action_with_the_cli(demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    first = actions(demo_url)[0]
    code, out, err = cli(
        capsys, *base(demo_url), "action", "edit", REF, "1", "--owner", "Police", "--due", "fri"
    )
    assert (code, out, err) == (0, "action 1 changed\n", "")
    code, out, _ = cli(capsys, *base(demo_url), "action", "list", REF, "--json")
    row = json.loads(out)[0]
    assert (row["text"], row["owner"], row["due"]) == (first.text, "Police", "2026-11-20")
    code, out, _ = cli(capsys, *base(demo_url), "action", "edit", REF, "1", "--text", "Visit")
    assert code == 0 and actions(demo_url)[0].text == "Visit"
    assert [set(e.changed) for e in action_history(demo_url)] == [
        {"owner", "due_on"},
        {"action"},
    ]  # each change audited, in order


def test_cli_action_edit_refusals(demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    def run(*args: str) -> tuple[int, str]:
        code, _, err = cli(capsys, *base(demo_url), "action", "edit", *args)
        return code, err

    assert run(REF, "1")[0] == 2  # nothing to change
    assert run(REF, "9", "--owner", "x")[0] == 4
    assert run(REF, "x", "--owner", "x")[0] == 3
    assert run("NOPE", "1", "--owner", "x")[0] == 4
    code, err = run(REF, "1", "--owner", "x" * (lengths.ACTION_OWNER + 1))
    assert (code, err) == (3, f"rr-tui: Owner: is longer than {lengths.ACTION_OWNER} characters\n")
    code, err = run(REF, "1", "--text", " ")
    assert (code, err) == (3, "rr-tui: Action: is required\n")
    code, err = run(REF, "1", "--due", "2026-02-30")
    assert code == 3 and err.startswith("rr-tui: --due: no such date")
    assert action_history(demo_url) == []  # nothing refused was written


async def test_a_cli_edit_while_the_form_is_open_is_a_conflict_on_that_field_only(
    demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async with running(demo_url) as pilot:
        form = await open_case_form(pilot, demo_url, REF, "I", ActionForm)
        # Meanwhile a colleague changes the owner from the command line.
        assert cli(capsys, *base(demo_url), "action", "edit", REF, "1", "--owner", "Police")[0] == 0
        # You changed the owner too: refused, naming it; theirs is kept.
        put(form, "owner", "Health")
        await save(pilot)
        conflict = await wait_for_screen(pilot, ConflictScreen)
        assert [row[0] for row in conflict.rows] == ["Owner"]
        assert conflict.rows[0][1:] == ("Police", "Health")
        assert "someone else changed Owner" in form_status(form)
        assert actions(demo_url)[0].owner == "Police"
        await pilot.press("k")  # keep editing: theirs is the base now
        await wait_for_screen(pilot, ActionForm)
        assert value(form, "owner") == "Health"  # yours kept
        # Put their owner back and change only the text: saved, their owner kept.
        put(form, "owner", "Police")
        put(form, "text", "Check on the siblings today")
        await save_and_close(pilot, form)
    saved = actions(demo_url)[0]
    assert (saved.text, saved.owner) == ("Check on the siblings today", "Police")


async def test_choosing_another_action_shows_its_values(demo_url: str) -> None:
    with fresh_store(demo_url) as store:
        case_id = store.case_id(REF)
        store.add_action(case_id, "Second action", owner="Police", due_on=date(2026, 12, 8))
    async with running(demo_url) as pilot:
        form = await open_case_form(pilot, demo_url, REF, "I", ActionForm)
        form.field("which").set_value("2")
        await pilot.pause()
        assert (value(form, "text"), value(form, "owner"), value(form, "due")) == (
            "Second action",
            "Police",
            "2026-12-08",
        )
        put(form, "due", "2026-12-09")
        await save_and_close(pilot, form)
    assert [a.due_on for a in actions(demo_url)][-1] == date(2026, 12, 9)
