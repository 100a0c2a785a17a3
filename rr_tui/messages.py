"""Messages the app posts to its screens, apart from the app so screens need not import it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from rr_tui.first_page import FirstPage


class StoreReady(Message):
    """The database is open; screens may load."""


class FirstPageRead(Message):
    """The most urgent cases, read before the database is fully open (``rr_tui.first_page``)."""

    def __init__(self, page: FirstPage, today: date) -> None:
        super().__init__()
        self.page = page
        self.today = today
