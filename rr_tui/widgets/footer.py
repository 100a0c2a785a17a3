"""The key bar at the foot of every screen: Textual's ``Footer``, rebuilt less.

Textual's ``Footer`` rebuilds all its keys after every refresh of the screen's
bindings, and a screen opening refreshes them several times in a row (the
screen stack, the focus). Each rebuild mounts a dozen keys, and a compact
footer then restyles each key again as it learns it is compact. On the case
list that work fell in the moments the first rows were being read. Here a
rebuild already waiting absorbs the requests that follow it (it reads the
bindings as they are when it runs), and each key is born compact.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyBar(Footer):
    """A ``Footer`` that coalesces the rebuilds its screen asks for."""

    _rebuild_waiting = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self._rebuild_waiting:
            return
        self._rebuild_waiting = True
        # Runs just before the rebuild the footer schedules below.
        self.call_after_refresh(self._rebuild_started)
        super().bindings_changed(screen)

    def _rebuild_started(self) -> None:
        self._rebuild_waiting = False

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if self.compact and isinstance(widget, FooterKey):
                widget.add_class("-compact", update=False)
            yield widget
