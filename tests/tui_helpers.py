"""Helpers for driving the real rr-tui app with Pilot against a real SQLite file.

No mocks: each test copies a SQLite file seeded with the demo cases for a fixed
today (Thu 26 Nov 2026) and runs ``RRApp`` on it with that today, so nothing
depends on the real clock. Checks of what was saved go through a fresh ``Store``:
a separate connection, which is what another coordinator or a restart would see.

Waiting: the store opens in a thread worker and every database call runs in one,
so tests wait for a condition (``wait_until``) rather than for a fixed time.
"""

from __future__ import annotations

import asyncio
import io
import shutil
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Static, TextArea

from rr_tui.app import RRApp
from rr_tui.demo import fresh_demo_database
from rr_tui.key_order import KeysInOrder
from rr_tui.records import CaseFields, CaseRecord, ChildFields
from rr_tui.store import Store
from rr_tui.widgets.case_table import CaseTable
from rr_tui.widgets.fields import DateField, Field

if TYPE_CHECKING:
    from rr_tui.screens.confirm import ConfirmScreen

TODAY = date(2026, 11, 26)  # a Thursday
TODAY_UK = "Thu 26 Nov 2026"
SIZE = (80, 24)
TIMEOUT = 10.0


# -- Textual's private API, in one place: an upgrade that moves it breaks only here --


def notification_texts(app: App[Any]) -> list[str]:
    """The messages of the toasts the app has shown and not yet cleared."""
    return [str(n.message) for n in app._notifications]


def exit_renderables(app: App[Any]) -> list[Any]:
    """What Textual would print to the terminal after the app ends."""
    return list(app._exit_renderables)


def key_for(character: str) -> str:
    """The key name Textual gives a typed character."""
    return "enter" if character == "\n" else _character_to_key(character)


# -- databases and the app ----------------------------------------------------------


def sqlite_url(path: Path) -> str:
    return "sqlite:///" + str(path)


def demo_db(path: Path, today: date = TODAY) -> str:
    """A new SQLite database at ``path`` holding the demo cases; returns its URL."""
    return fresh_demo_database(path, today)


def copy_db(template: Path, dest: Path) -> str:
    """Copy a closed SQLite database (and any sidecar files) to ``dest``; returns its URL.

    Seeding takes a second or so; copying a seeded file takes milliseconds.
    """
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    for suffix in ("", "-wal", "-shm", "-journal"):
        source = template.with_name(template.name + suffix)
        if source.exists():
            target = dest.with_name(dest.name + suffix)
            shutil.copyfile(source, target)
            target.chmod(0o600)  # the store refuses a database others can read
    return sqlite_url(dest)


def make_app(url: str, today: date = TODAY, **kwargs: Any) -> RRApp:
    return RRApp(url, today=today, **kwargs)


@asynccontextmanager
async def running_app(
    url: str, today: date = TODAY, **kwargs: Any
) -> AsyncIterator[tuple[RRApp, Pilot[Any]]]:
    """The real app on ``url`` with ``today`` fixed, run at 80x24: the app and its Pilot."""
    app = make_app(url, today, **kwargs)
    async with app.run_test(size=SIZE) as pilot:
        yield app, pilot


@asynccontextmanager
async def running(url: str, today: date = TODAY, **kwargs: Any) -> AsyncIterator[Pilot[Any]]:
    """The real app on ``url`` with ``today`` fixed, run at 80x24: its Pilot."""
    async with running_app(url, today, **kwargs) as (_app, pilot):
        yield pilot


@contextmanager
def fresh_store(url: str) -> Iterator[Store]:
    """A separate connection: what another coordinator, or a restart, would see."""
    store = Store(url, actor="other-coordinator")
    try:
        yield store
    finally:
        store.close()


def stored_case(url: str, reference: str) -> CaseRecord:
    """The case as a fresh connection sees it: what a restart would show."""
    with fresh_store(url) as store:
        return store.get_case(store.case_id(reference))


def create_case(
    url: str, reference: str, steps: dict[str, date] | None = None, **fields: Any
) -> int:
    child = fields.pop("child", None)
    with fresh_store(url) as store:
        return store.create_case(
            CaseFields(reference=reference, **fields),
            steps or {},
            (ChildFields(child),) if child else (),
        )


# -- waiting ------------------------------------------------------------------------


async def wait_until(
    pilot: Pilot[Any],
    condition: Callable[[], object],
    *,
    timeout: float = TIMEOUT,
    what: str | Callable[[], str] = "condition",
) -> None:
    """Let the app run until ``condition()`` is true; fail after ``timeout`` seconds."""
    # asyncio.sleep, not pilot.pause: a pause forces a layout and repaint every time,
    # which costs more than the wait. One pause at the end brings the screen up to date.
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            described = what() if callable(what) else what
            raise AssertionError(f"timed out after {timeout}s waiting for {described}")
        await asyncio.sleep(0.01)
    await pilot.pause()


async def wait_for_rows(pilot: Pilot[Any], *, minimum: int = 1, timeout: float = TIMEOUT) -> None:
    """Wait until the case list has loaded (the store opens in a thread worker)."""
    from rr_tui.screens.case_list import CaseListScreen

    app = pilot.app

    def loaded() -> bool:
        screen = app.screen
        if not isinstance(screen, CaseListScreen) or not screen.counts:
            return False
        if screen.token == -1:
            return False  # only the first screenful so far (rr_tui.first_page)
        return len(screen.query_one(CaseTable).rows) >= minimum

    def what() -> str:
        notes = "; ".join(notification_texts(app)) or "none"
        return (
            f"the case list to fill (screen {type(app.screen).__name__}, "
            f"fatal {getattr(app, 'fatal', None)!r}, notifications: {notes})"
        )

    await wait_until(pilot, loaded, timeout=timeout, what=what)


async def wait_for_screen(
    pilot: Pilot[Any], kind: type[Screen[Any]], timeout: float = TIMEOUT
) -> Any:
    """Wait until a screen of this kind is on top; return it."""
    await wait_until(
        pilot, lambda: isinstance(pilot.app.screen, kind), timeout=timeout, what=kind.__name__
    )
    return pilot.app.screen


async def open_from_list(pilot: Pilot[Any], key: str, kind: type[Screen[Any]]) -> Any:
    """Once the case list has loaded, press the key that shows a screen; wait for it on top."""
    await wait_for_rows(pilot)
    await pilot.press(key)
    return await wait_for_screen(pilot, kind)


async def open_report(pilot: Pilot[Any]) -> Any:
    """The timeliness report (R on the case list), once it shows its figures."""
    from rr_tui.screens.report import ReportScreen

    screen = await open_from_list(pilot, "R", ReportScreen)
    await wait_until(pilot, lambda: "Median WD" in text_of(screen, "#report-view"))
    return screen


async def wait_for_case(pilot: Pilot[Any], timeout: float = TIMEOUT) -> Any:
    """Wait for the case screen to be on top and to have shown its case."""
    from rr_tui.screens.case_detail import CaseScreen

    screen = await wait_for_screen(pilot, CaseScreen, timeout)
    await wait_until(pilot, lambda: screen.data is not None, timeout=timeout, what="the case")
    return screen


async def open_case(pilot: Pilot[Any], url: str, reference: str) -> Any:
    """Show one case's screen (as enter on its row would) and wait for it to load."""
    from rr_tui.screens.case_detail import CaseScreen

    await wait_for_rows(pilot)
    with fresh_store(url) as store:
        case_id = store.case_id(reference)
    pilot.app.push_screen(CaseScreen(case_id))
    return await wait_for_case(pilot)


# -- reading the screen -------------------------------------------------------------


def table(pilot: Pilot[Any]) -> CaseTable:
    return pilot.app.screen.query_one(CaseTable)


def row_refs(pilot: Pilot[Any]) -> list[str]:
    """References of the rows in the case list, in display order."""
    return [row.cells[1] for row in table(pilot).rows]


def cursor_ref(pilot: Pilot[Any]) -> str:
    t = table(pilot)
    return t.rows[t.cursor_row].cells[1]


def _plain_console(width: int, height: int | None = None) -> Console:
    return Console(
        width=width,
        height=height,
        file=io.StringIO(),
        record=True,
        color_system=None,  # as with NO_COLOR: only glyphs and words are left
        legacy_windows=False,
        safe_box=False,
    )


def static_text(widget: Static) -> str:
    """The plain text a Static shows, rendered at 78 columns."""
    console = _plain_console(78)
    console.print(widget.content)
    return console.export_text()


def text_of(screen: Screen[Any], selector: str) -> str:
    return static_text(screen.query_one(selector, Static))


def screen_text(app: RRApp) -> str:
    """Everything on the terminal now (a modal over what is behind it), as plain text."""
    width, height = app.size
    console = _plain_console(width, height)
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()


# -- forms --------------------------------------------------------------------------


def field(screen: Screen[Any], field_id: str) -> Field:
    return screen.query_one(f"#{field_id}", Field)


def value(screen: Screen[Any], field_id: str) -> Any:
    """What the field holds, as typed."""
    return field(screen, field_id).snapshot()


def field_error(screen: Screen[Any], field_id: str) -> str:
    """The inline error under a field ('' when it has none), on one line."""
    f = field(screen, field_id)
    if not f.has_class("-invalid"):
        return ""
    return " ".join(static_text(f.query_one(".field--error", Static)).split())


def date_hint(screen: Screen[Any], field_id: str) -> str:
    """The live hint beside a date field (the resulting deadline), on one line."""
    f = screen.query_one(f"#{field_id}", DateField)
    return " ".join(static_text(f.query_one(".field--hint", Static)).split())


def form_status(screen: Screen[Any]) -> str:
    """The form's status line ('Not saved. Fix: ...'), on one line."""
    return " ".join(text_of(screen, "#form-status").split())


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` into whatever has focus: real key events, back to back, then settle.

    ``pilot.press`` waits for the app to go idle after every key (about 50 ms each);
    a person typing fast does not wait, and the events take the same path either way.
    """
    driver = pilot.app._driver
    assert driver is not None
    for ch in text:
        key = key_for(ch)
        event = events.Key(key, "\r" if ch == "\n" else ch)
        event.set_sender(pilot.app)
        driver.send_message(event)
    # The app hands keys over one at a time (rr_tui.key_order): wait for all of them.
    app = pilot.app
    if isinstance(app, KeysInOrder):
        await app.keys_settled()
    await pilot.pause()


async def type_in_next_field(pilot: Pilot[Any], text: str) -> None:
    """Tab to the next field and type into it, as a user filling a form in order does."""
    await pilot.press("tab")
    await type_text(pilot, text)


async def fill(pilot: Pilot[Any], field_id: str, text: str) -> None:
    """Focus a field, empty it and type into it, the way a user would."""
    control = field(pilot.app.screen, field_id).control
    control.focus()
    if isinstance(control, Input):
        control.value = ""
    elif isinstance(control, TextArea):
        control.clear()
    await type_text(pilot, text)
    await pilot.pause()  # the last key's Changed message (and the hints it moves) handled


def put(screen: Screen[Any], field_id: str, text: str) -> None:
    """Set a field's text without key events: for entries whose typing is not under test."""
    control = field(screen, field_id).control
    if isinstance(control, TextArea):
        control.text = text
    else:
        assert isinstance(control, Input)
        control.value = text


async def open_form(pilot: Pilot[Any], key: str, kind: type[Screen[Any]]) -> Any:
    """Press the key that opens a form and wait for it to be on top."""
    await pilot.press(key)
    return await wait_for_screen(pilot, kind)


async def open_case_form(
    pilot: Pilot[Any], url: str, reference: str, key: str, kind: type[Screen[Any]]
) -> Any:
    """Show one case's screen, press the key that opens a form on it; return the form."""
    await open_case(pilot, url, reference)
    return await open_form(pilot, key, kind)


async def confirm(pilot: Pilot[Any], answer: str) -> ConfirmScreen:
    """Answer the ConfirmScreen that must be on top now with 'y' or 'n'; let its work run."""
    from rr_tui.screens.confirm import ConfirmScreen

    screen = await wait_for_screen(pilot, ConfirmScreen)
    assert isinstance(screen, ConfirmScreen)
    await pilot.press(answer)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def save(pilot: Pilot[Any]) -> None:
    """ctrl+s, then let the save worker run (the form closes only after the commit)."""
    await pilot.press("ctrl+s")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_closed(pilot: Pilot[Any], form: Screen[Any], timeout: float = TIMEOUT) -> None:
    await wait_until(
        pilot, lambda: form not in pilot.app.screen_stack, timeout=timeout, what="the form to close"
    )


async def save_and_close(pilot: Pilot[Any], form: Screen[Any]) -> None:
    """Save the form and wait for it to close: it closes only once the save is committed."""
    await save(pilot)
    await wait_closed(pilot, form)
