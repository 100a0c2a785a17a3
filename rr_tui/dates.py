"""Reading dates people type and writing them the way a UK reader does."""

from __future__ import annotations

import re
from datetime import date, timedelta

ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# Absurd dates are refused outright: nothing in a rapid review is this old or
# this far ahead, and a typo like 0202 should not become a deadline.
EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)


class DateInputError(ValueError):
    """The text is not a usable date; the message says why, without echoing it."""


def parse_iso(text: str) -> date:
    """A strict ``YYYY-MM-DD`` date within the supported range."""
    match = ISO.match(text.strip())
    if not match:
        raise DateInputError("use the form YYYY-MM-DD")
    year, month, day = (int(g) for g in match.groups())
    try:
        value = date(year, month, day)
    except ValueError:
        raise DateInputError("no such date") from None
    if not EARLIEST <= value <= LATEST:
        raise DateInputError(f"must be between {EARLIEST.year} and {LATEST.year}")
    return value


def parse_user_date(text: str, today: date) -> date:
    """``YYYY-MM-DD``, ``today`` or ``yesterday``."""
    word = text.strip().lower()
    if word == "today":
        if not EARLIEST <= today <= LATEST:
            raise DateInputError(f"must be between {EARLIEST.year} and {LATEST.year}")
        return today
    if word == "yesterday":
        value = today - timedelta(days=1) if today > date.min else today
        if not EARLIEST <= value <= LATEST:
            raise DateInputError(f"must be between {EARLIEST.year} and {LATEST.year}")
        return value
    return parse_iso(word)


def uk(d: date | None, empty: str = "—") -> str:
    """``Wed 13 Jan 2027``."""
    if d is None:
        return empty
    return f"{d:%a} {d.day} {d:%b %Y}"


def uk_short(d: date | None, empty: str = "—") -> str:
    """``Wed 13 Jan``: for narrow columns."""
    if d is None:
        return empty
    return f"{d:%a} {d.day:>2} {d:%b}"
