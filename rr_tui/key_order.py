"""Keys in order: every key goes where the keys before it have sent the focus.

Textual (8.2.8) forwards each key to the focused widget as soon as the app
reads it, without waiting for the key before it to be handled. A key bound on
the screen (``n``, ``/``, ``tab``) is only acted upon when it has bubbled back
up to the app, and the screen or field it opens gets the focus later still
(after its mount, through ``call_later``). Keys typed in the meantime were
already forwarded to the old focus: ``n`` followed at once by ``RR-2026-009``
lost its first ``R`` into the list (or ran the list's ``R`` command), and a
burst ``RR-2026-077<Tab>Child Q`` put everything into Reference. See
docs/upstream-textual-keys.md for the report and a minimal reproduction.

The work-around, for the whole app: a key (or paste) from the terminal is
handed to Textual at once, exactly as Textual would, when no key before it is
still in flight and nothing is pending (no message waits for the app, the
screen or the widgets the key passes through). Other keys wait in one queue, and
each is handed over only when the one before it has been dealt with: stopped
by a widget, or bubbled back to the app and its binding run, and then the
screen and focus have settled (a screen it pushed is mounted, and a focus it
asked for is given). Then the next key goes to the new target, in order,
however fast the keys come.

The settling runs in a plain asyncio task, not a Textual worker: a worker per
key cost its state-change messages on the UI thread before the key's repaint,
and the snapshot tool (and tests) wait for workers, not for typing. Queued keys
are handed over from the app's own message loop (``call_later``), so an error
in the binding a key runs is handled as Textual handles it for any key.

Settling uses only public API: ``call_later`` on the app and on every node of
the current screen, repeated until a round leaves the screen and focus as they
were. A key that takes longer than ``KEY_SETTLE_SECONDS`` to settle lets the
next one go, so a key can never stall typing.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Iterable
from typing import Any, TypeVar

from textual import events
from textual.app import App

# At most, per key. Settling takes a few milliseconds, or as long as the screen
# a key opens takes to mount (up to a second on a busy machine).
KEY_SETTLE_SECONDS = 5.0
_ROUND_SECONDS = 0.5
# Idle time given to a key's repaint before its settling starts, cut short
# when the next key comes (a cursor move repaints in about 3 ms).
PAINT_PAUSE_SECONDS = 0.010
# Rounds that change nothing before a key that never came back is given up:
# more than a key needs to bubble up through the deepest widget.
_QUIET_ROUNDS = 16
# Rounds in a row that change neither screen nor focus before a handled key is settled:
# one for the key, and room for the messages its binding posts to bubble up.
_STABLE_ROUNDS = 3


ReturnT = TypeVar("ReturnT")


class KeysInOrder(App[ReturnT]):
    """An App whose keys are handed to Textual one at a time, each once the last settled."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._keys_waiting: deque[events.Key | events.Paste] = deque()
        # Settles the key in flight, then hands the waiting ones over, one by one.
        self._keys_task: asyncio.Task[None] | None = None
        # Set when a key joins the queue: it ends the pause before a settling.
        self._key_came = asyncio.Event()
        # Keys that have bubbled back up to the app (their bindings are run now).
        self._keys_arrived: set[int] = set()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if self._keys_task is None and self._quiet():
                # Nothing in flight, nothing pending: the key goes now, as
                # Textual would send it, and is settled behind.
                await super().on_event(event)
                self._keys_task = asyncio.create_task(self._settle_and_go_on(event))
                return
            self._keys_waiting.append(event)
            self._key_came.set()
            if self._keys_task is None and not self._closing_down:
                # Something is still pending (a screen mounting, a focus asked
                # for, keys behind this one): settle it before the key goes.
                self._keys_task = asyncio.create_task(self._settle_and_go_on(None))
            return
        if isinstance(event, events.Key):
            # A key that bubbled back up: its bindings run next, in App._on_key.
            self._keys_arrived.add(id(event))
        await super().on_event(event)

    async def _on_unmount(self) -> None:
        # The app is closing: keys still waiting go nowhere.
        self._keys_waiting.clear()
        if self._keys_task is not None:
            self._keys_task.cancel()

    async def keys_settled(self) -> None:
        """Wait until every key already sent to the app has been handed over and settled."""
        # Keys posted before now reach on_event before this callback runs.
        reached = asyncio.Event()
        if self.call_later(reached.set):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(reached.wait(), KEY_SETTLE_SECONDS)
        while self._keys_waiting or self._keys_task is not None:
            await asyncio.sleep(0.005)

    async def _press_keys(self, keys: Iterable[str]) -> None:
        """Pilot's ``press``: each key handed over and settled before it returns.

        (Textual's version waits for the process to look idle; keys waiting in
        our queue would not count.)
        """
        for key in keys:
            await super()._press_keys([key])
            await self.keys_settled()

    def _quiet(self) -> bool:
        """Whether a key handed over now goes where the screen and focus will stay.

        True when no message waits for the app or the nodes a key passes
        through (a focus asked for is a callback on the app; a screen's mount
        and its auto focus are messages on the screen), and the screen is
        mounted and not holding keys.
        """
        if self._closing_down or self.message_queue_size:
            return False
        try:
            screen = self.screen
        except Exception:
            return False
        if not screen.is_mounted or getattr(screen, "holds_keys", False):
            return False
        focused = screen.focused
        chain = focused.ancestors_with_self if focused is not None else [screen]
        return not any(node.message_queue_size for node in chain)

    async def _settle_and_go_on(self, event: events.Key | events.Paste | None) -> None:
        """Settle the key handed over (or, with None, whatever is pending), then
        hand the waiting keys over one by one, each settled before the next."""
        try:
            await self._settle(event)
            while self._keys_waiting and not self._closing_down:
                event = self._keys_waiting.popleft()
                handed = asyncio.Event()
                if not self.call_later(self._hand_over, event, handed):
                    return  # the app's messages are closed: it is going
                await handed.wait()
                await self._settle(event)
        except Exception as error:
            # A bug here must not vanish with the task (nor stall typing unseen).
            self._handle_exception(error)
        finally:
            self._keys_task = None

    async def _hand_over(self, event: events.Key | events.Paste, handed: asyncio.Event) -> None:
        """Textual's own handling of a key from the terminal: priority bindings
        first, then forwarded to the focused widget."""
        try:
            await super().on_event(event)
        finally:
            handed.set()

    @property
    def _closing_down(self) -> bool:
        return bool(getattr(self, "_exit", False))

    def _rounds_needed(self, event: events.Event | None) -> int:
        """Quiet rounds before a key counts as settled (a huge number while it is in flight).

        A key that ran a binding (it came back up to the app) may go on in messages:
        wait for _STABLE_ROUNDS. A key a widget kept (a character typed into an
        input) has done its work in that widget: two quiet rounds (one for a
        message the widget posts, such as an input's Changed).
        """
        if event is None or id(event) in self._keys_arrived:
            return _STABLE_ROUNDS
        if getattr(event, "_stop_propagation", False):
            return 2
        return _QUIET_ROUNDS

    async def _settle(self, event: events.Event | None) -> None:
        deadline = time.monotonic() + KEY_SETTLE_SECONDS
        quiet = 0
        try:
            # The rounds below keep the UI thread busy, and the terminal's writer
            # thread needs the GIL to put the key's repaint on screen: idle first
            # lets it out. A key that comes meanwhile ends the pause, so a burst
            # is not slowed.
            if not self._keys_waiting:
                self._key_came.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._key_came.wait(), PAINT_PAUSE_SECONDS)
            while time.monotonic() < deadline and not self._closing_down:
                try:
                    screen, focused = self.screen, self.focused
                except Exception:
                    return  # no screen (closing): nothing to wait for
                # A screen still mounting asks for its focus as it mounts: only a
                # round that starts with it mounted can show the focus has settled.
                mounted = screen.is_mounted
                await self._one_round(screen)
                # A screen can hold the keys after one whose action waits for its data
                # (the case screen's ``e`` pressed while the case loads).
                holding = bool(getattr(screen, "holds_keys", False))
                settled = (
                    mounted and self.screen is screen and self.focused is focused and not holding
                )
                quiet = quiet + 1 if settled else 0
                # What a key's binding does may go on in messages (a table's
                # enter posts Selected; the screen pushes the case): wait until
                # a few rounds in a row change nothing.
                # (A key that never came back nor was kept went nowhere: its
                # widget went away. It is let go after _QUIET_ROUNDS.)
                if quiet >= self._rounds_needed(event):
                    return
        finally:
            self._keys_arrived.discard(id(event))

    async def _one_round(self, screen: Any) -> None:
        """Let the nodes a key passes through handle what is already queued for them.

        Those are the focused widget and its ancestors up to the screen (the key
        bubbles through them), and the app (bindings, focus changes).
        """
        countdown = _Countdown()
        focused = screen.focused
        chain = list(focused.ancestors_with_self) if focused is not None else [screen]
        for node in [self, screen, *chain]:
            if node.call_later(countdown.count_down):
                countdown.pending += 1
        if countdown.pending == 0:
            await asyncio.sleep(0)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(countdown.done.wait(), _ROUND_SECONDS)


class _Countdown:
    """The callbacks of one settling round still to run.

    A method, not a closure made each round: Textual inspects a callback's
    signature once per function, and a new closure every round was a fresh
    inspection for each node, every round, every key (work that held back the
    key's own repaint).
    """

    def __init__(self) -> None:
        self.pending = 0
        self.done = asyncio.Event()

    def count_down(self) -> None:
        self.pending -= 1
        if self.pending <= 0:
            self.done.set()
