"""What every rr-tui screen shares: typed access to the app (and through it the store)."""

from __future__ import annotations

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
