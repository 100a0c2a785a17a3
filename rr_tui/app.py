"""The Textual app: thin. Screens live in ``rr_tui.screens``; data in the store.

The first frame is painted before the database is opened: the store is opened
in a thread worker, and every later database call also runs in a worker,
through ``run_db``, with one error handler.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from rr_tui.config import Config
from rr_tui.errors import RRError
from rr_tui.key_order import KeysInOrder
from rr_tui.messages import FirstPageRead, StoreReady
from rr_tui.rules.clock import today_in_england
from rr_tui.rules.profile import Profile

if TYPE_CHECKING:
    from rr_tui.store import Store

T = TypeVar("T")


# At most, the full load waits this long for the first screenful to be painted.
FIRST_PAGE_PAINT_WAIT_S = 0.5


class RRApp(KeysInOrder[int]):
    TITLE = "rr-tui"
    CSS_PATH = "styles.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            id="app.quit",
            tooltip="Leave rr-tui",
            priority=True,
            show=False,
        ),
        Binding(
            "question_mark,f1",
            "help",
            "Help",
            id="app.help",
            tooltip="This help: the keys of the screen and what the states mean",
        ),
    ]

    def __init__(
        self,
        url: str,
        *,
        config: Config | None = None,
        today: date | None = None,
        demo_path: Path | None = None,
        store: Store | None = None,
    ) -> None:
        super().__init__()
        self.url = url
        self.config = config or Config()
        self.today_override = today
        # A demo database is rebuilt at this path, with cases dated around today.
        self.demo_path = demo_path
        self.demo = demo_path is not None
        self.store: Store | None = store
        # Database jobs asked for before the store was open; run once it is.
        self._waiting: list[Callable[[], None]] = []
        # Set once the list has painted the first screenful (or passed it by).
        self._first_page_shown = threading.Event()
        # The newest request of each group of loads (run_db's exclusive).
        self._generations: dict[str, int] = {}
        self.fatal: RRError | None = None
        from rr_tui.widgets.themes import DARK, LIGHT, THEMES

        for theme in THEMES:
            self.register_theme(theme)
        self.theme = LIGHT if os.environ.get("RR_TUI_THEME") == "light" else DARK

    @property
    def today(self) -> date:
        return today_in_england(self.today_override)

    @property
    def profile(self) -> Profile:
        return self.config.profile

    def on_mount(self) -> None:
        from rr_tui.screens.case_list import CaseListScreen

        self.push_screen(CaseListScreen())
        if self.store is None:
            # Opened once the first frame is painted: the worker is CPU work
            # (the first page, then SQLAlchemy's import) and, started sooner,
            # would take the GIL from the frame for no earlier first row.
            self.call_after_refresh(self._start_opening)
        else:
            self.call_later(self._announce_ready)

    def _start_opening(self) -> None:
        self.run_worker(self._open_store, thread=True, exit_on_error=False, name="open")

    def _open_store(self) -> None:
        try:
            if self.demo_path is not None:
                from rr_tui.demo import fresh_demo_database

                self.url = fresh_demo_database(self.demo_path, self.today, self.profile)
            self._read_first_page()
            store = self._make_store()
        except RRError as exc:
            self.call_from_thread(self._fail, exc)
            return
        except Exception as exc:
            self.call_from_thread(self._fail, RRError(f"unexpected error ({type(exc).__name__})"))
            return
        self.store = store
        self.call_from_thread(self._announce_ready)
        # After an upgrade, or a change of profile or calendar, the stored
        # order is stale and the first screenful waits for the full load; work
        # it out again for next time. Not worth a word if it fails.
        with suppress(RRError):
            store.refresh_order()

    def _make_store(self) -> Store:
        from rr_tui.store import Store  # deferred: SQLAlchemy stays off the first frame

        return Store(
            self.url,
            create=True,
            profile=self.profile,
            timeouts=(self.config.lock_timeout_s, self.config.statement_timeout_s),
        )

    def _read_first_page(self) -> None:
        from rr_tui.first_page import read_first_page

        today = self.today
        page = read_first_page(self.url, self.profile, today)
        if page is not None:
            self.call_from_thread(self._announce, FirstPageRead(page, today))
            # What this thread does next, SQLAlchemy's import, holds the GIL for
            # most of 0.2 s: the first rows reach the screen before it starts.
            self._first_page_shown.wait(FIRST_PAGE_PAINT_WAIT_S)

    def first_page_shown(self) -> None:
        """The list has painted the first screenful, or will not: the full load may go on."""
        self._first_page_shown.set()

    def _announce(self, message: Message) -> None:
        for screen in self.screen_stack:
            screen.post_message(message)

    def _announce_ready(self) -> None:
        self._announce(StoreReady())
        waiting, self._waiting = self._waiting, []
        for job in waiting:
            job()

    def _fail(self, exc: RRError) -> None:
        """A database that cannot be opened: leave with one sentence and its exit code."""
        self.fatal = exc
        self.exit(exc.exit_code, return_code=exc.exit_code)

    def run_db(
        self,
        job: Callable[[Store], T],
        done: Callable[[T], None],
        failed: Callable[[RRError], None] | None = None,
        *,
        group: str = "db",
        exclusive: bool = False,
    ) -> None:
        """Run ``job`` against the store in a thread; hand its result to ``done``.

        Every failure goes to ``failed`` (or a notification) as one sentence;
        nothing from the database ever reaches a traceback on screen.

        ``exclusive``: a load whose newer request supersedes it. Textual's
        ``exclusive`` cancels the older worker, but a thread runs on and would
        still deliver; so each request is stamped with its group's generation,
        and an answer (or failure) from an older request is dropped.
        """
        store = self.store
        if store is None:
            # A key pressed (a form saved, a case opened) while the database is
            # still opening: run it as soon as it is open, never drop it.
            self._waiting.append(
                partial(self.run_db, job, done, failed, group=group, exclusive=exclusive)
            )
            return

        generation = self._generations.get(group, 0) + 1
        self._generations[group] = generation
        stamp = (group, generation) if exclusive else None

        def work() -> None:
            try:
                result = job(store)
            except RRError as exc:
                self.call_from_thread(self._deliver, failed or self.report, exc, stamp)
                return
            except Exception as exc:
                error = RRError(f"unexpected error ({type(exc).__name__}); nothing was lost")
                self.call_from_thread(self._deliver, failed or self.report, error, stamp)
                return
            self.call_from_thread(self._deliver, done, result, stamp)

        self.run_worker(work, thread=True, group=group, exclusive=exclusive, exit_on_error=False)

    def _deliver(
        self, done: Callable[[Any], None], result: Any, stamp: tuple[str, int] | None = None
    ) -> None:
        """Hand a worker's result to the screen; a bug there must not vanish with the worker.

        An answer to a request that a newer one superseded is dropped.
        """
        if stamp is not None and self._generations.get(stamp[0]) != stamp[1]:
            return
        try:
            done(result)
        except Exception as exc:
            self._handle_exception(exc)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification is plain text: a name like ``Health [/] Trust`` is data.

        Textual renders notifications as markup by default (and ``Widget.notify``
        passes its own ``markup=True``): here markup is never used, whoever asks.
        Escape sequences, controls and bidi overrides (from the database, the
        configuration or a file) are removed, as from everything the CLI prints.
        """
        from rr_tui.out import neutral

        super().notify(
            neutral(message),
            title=neutral(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def report(self, exc: RRError) -> None:
        self.notify(exc.message, title="Problem", severity="error", timeout=10)

    def action_help(self) -> None:
        from rr_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[Any]) -> Any:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Help", "Keys of this screen and what the states mean", self.action_help
        )
        yield SystemCommand(
            "Toggle light/dark theme",
            "Switch between the dark and the light theme",
            self.action_toggle_theme,
        )
        # Every key of the screen underneath is also a command: one definition
        # (the Binding) feeds the key, the footer, the help and the palette.
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen or binding.system:
                continue
            if binding.action in ("quit", "help", "command_palette"):
                continue
            seen.add(binding.action)
            yield SystemCommand(
                f"{binding.tooltip or binding.description} ({self.get_key_display(binding)})",
                binding.description,
                partial(self.run_action, binding.action, active.node),
            )

    def action_toggle_theme(self) -> None:
        from rr_tui.widgets.themes import DARK, LIGHT

        self.theme = LIGHT if self.theme == DARK else DARK

    def _handle_exception(self, error: Exception) -> None:
        # Textual's crash report prints local variables, which may hold case
        # data. Replace it with one sentence and a distinct exit code.
        self.fatal = RRError(f"rr-tui stopped on an unexpected error ({type(error).__name__})")
        self.fatal.exit_code = 70
        self._return_code = 70
        self.exit(70, return_code=70)


def run_app(url: str, *, config: Config, today: date | None, demo_path: Path | None) -> int:
    app = RRApp(url, config=config, today=today, demo_path=demo_path)
    try:
        app.run()
    finally:
        if app.store is not None:
            app.store.close()
    if app.fatal is not None:
        print(f"rr-tui: {app.fatal.message}", file=sys.stderr)
        return app.fatal.exit_code
    return app.return_code or 0
