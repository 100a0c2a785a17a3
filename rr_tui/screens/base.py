"""What every rr-tui screen shares: typed access to the app (and through it the store)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from rr_tui.app import RRApp


class AppAccess:
    """Mixed into screens and dialogs: ``self.rr`` is the running ``RRApp``, typed."""

    @property
    def rr(self) -> RRApp:
        return cast("RRApp", cast(Screen[Any], self).app)


class RRScreen(AppAccess, Screen[None]):
    """A full screen of rr-tui."""


class PollingScreen(RRScreen):
    """A screen that shows what the database held at ``token`` on ``loaded_today``,
    and reloads when anyone changed anything or the date moved on."""

    token: int = -1
    loaded_today: date | None = None

    def load(self) -> None:
        raise NotImplementedError

    def poll_for_changes(self, group: str) -> None:
        """Called on a timer: reload when the store's change token or the date moved."""
        if self.app.screen is not self or self.rr.store is None:
            return
        if self.loaded_today is not None and self.rr.today != self.loaded_today:
            self.load()
            return

        def compare(token: int) -> None:
            if token != self.token:
                self.load()

        self.rr.run_db(
            lambda store: store.change_token(),
            compare,
            lambda _e: None,
            group=group,
            exclusive=True,
        )
