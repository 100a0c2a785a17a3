"""Reading dates people in England type, and writing them the way a UK reader does.

One parser for every date field and every command-line date (issue 12 §1):

- ``2025-12-19`` (ISO; ``2025-1-9`` too);
- ``19/12/2025``, ``19/12/25`` (read as 2025): always day first, never the US order;
  ``-`` and ``.`` separate as well as ``/``;
- ``19 Dec 2025``, ``19 December 2025``, ``19th Dec 25``, and the way the app shows a date,
  ``Fri 19 Dec 2025`` (the weekday, when given, must agree);
- ``today``, ``yesterday``;
- a weekday name, ``mon`` … ``sun`` or in full: the most recent such day, today included.

Surrounding spaces are ignored and case does not matter. Anything else, ambiguous or
impossible gets one sentence saying what is accepted; the sentence never echoes the input.
pendulum supplies the English month and weekday names (its ``en`` locale, the same
names it formats with); the numeric forms are read here because pendulum's own
parser reads ``01/02/2025`` month first, which is exactly the mistake this module prevents.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import cache

from rr_tui.rules.clock import in_london

ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# Absurd dates are refused outright: nothing in a rapid review is this old or
# this far ahead, and a typo like 0202 should not become a deadline.
EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)

# What every refusal goes on to say: the forms accepted, with one example each.
ACCEPTED = (
    "type the day first, as 19/12/2025, 19/12/25, 19 Dec 2025 or 2025-12-19, "
    "or today, yesterday or a weekday such as fri"
)
NOT_A_DATE = f"not a date: {ACCEPTED}"
NO_SUCH_DATE = f"no such date; {ACCEPTED}"
# 12/31/2025: written month first, which England never does.
DAY_FIRST = "no such date: the day comes first, as 19/12/2025 for 19 December 2025"
NEEDS_YEAR = "give the year too, as 19/12/2025 or 19 Dec 2025"
TWO_OR_FOUR = f"give the year as four digits or two: {ACCEPTED}"
OUT_OF_RANGE = f"must be between {EARLIEST.year} and {LATEST.year}"
# Short enough to sit beside a field before anything is typed.
FORMS_HINT = "19/12/2025, 19 Dec 2025, today, fri"

_NUMERIC = re.compile(r"^(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})$")
_NO_YEAR = re.compile(r"^\d{1,2}[/.\-]\d{1,2}$")
_WORDS = re.compile(r"[a-z]+|\d+")
_SPACED_SEPARATOR = re.compile(r"\s*([/.\-])\s*")


class DateInputError(ValueError):
    """The text is not a usable date; the message says why, without echoing it."""


@cache
def _names() -> tuple[dict[str, int], dict[str, int]]:
    """Month and weekday names and their usual English abbreviations, from pendulum's locale.

    Months map to 1..12; weekdays to Python's ``date.weekday()`` (Monday 0).
    """
    # Imported here, not at the top: pendulum costs about 18 ms to import, and most
    # commands (``status``, ``deadline``) only write dates, never read names.
    from pendulum.locales.locale import Locale

    locale = Locale.load("en")
    months: dict[str, int] = {}
    for kind in ("wide", "abbreviated"):
        for number, name in locale.get(f"translations.months.{kind}").items():
            months[name.lower()] = int(number)
    months["sept"] = 9  # as often written in England
    days: dict[str, int] = {}
    # pendulum numbers the days as Python does, Monday 0.
    for kind in ("wide", "abbreviated"):
        for number, name in locale.get(f"translations.days.{kind}").items():
            days[name.lower()] = int(number)
    for extra, weekday in (("tues", 1), ("weds", 2), ("thur", 3), ("thurs", 3)):
        days[extra] = weekday
    return months, days


def _checked(year: int, month: int, day: int) -> date:
    try:
        value = date(year, month, day)
    except ValueError:
        raise DateInputError(NO_SUCH_DATE) from None
    if not EARLIEST <= value <= LATEST:
        raise DateInputError(OUT_OF_RANGE)
    return value


def _year(text: str) -> int:
    """A four-digit year, or two digits read as 20YY; anything else is ambiguous."""
    if len(text) == 4:
        return int(text)
    if len(text) == 2:
        return 2000 + int(text)
    raise DateInputError(TWO_OR_FOUR)


def parse_iso(text: str) -> date:
    """A strict ``YYYY-MM-DD`` date within the supported range (files, not people)."""
    match = ISO.match(text.strip())
    if not match:
        raise DateInputError("use the form YYYY-MM-DD")
    year, month, day = (int(g) for g in match.groups())
    try:
        value = date(year, month, day)
    except ValueError:
        raise DateInputError("no such date") from None
    if not EARLIEST <= value <= LATEST:
        raise DateInputError(OUT_OF_RANGE)
    return value


def most_recent(weekday: int, today: date) -> date:
    """The most recent day that is ``weekday`` (Monday 0), today included."""
    return today - timedelta(days=(today.weekday() - weekday) % 7)


def _days_before(today: date, n: int) -> date:
    try:
        return today - timedelta(days=n)
    except OverflowError:  # before the year 1
        raise DateInputError(OUT_OF_RANGE) from None


def parse_user_date(text: str, today: date | Callable[[], date]) -> date:
    """A date as people in England type it (see the module's opening comment).

    ``today`` may be a function: it is then asked only for the relative forms (today,
    yesterday, a weekday), so that ``rr-tui deadline 2026-12-18 15`` never needs
    the clock (pendulum) at all.
    """
    # "19 / 12 / 2025" is 19/12/2025; a full stop or comma at the end ("Fri.") is dropped.
    word = _SPACED_SEPARATOR.sub(r"\1", text.strip().lower()).rstrip(".,").strip()
    if not word:
        raise DateInputError(NOT_A_DATE)
    # Digits first: no name is numeric, and the names come from pendulum's locale.
    match = _NUMERIC.match(word)
    if match:
        first, _sep, middle, last = match.groups()
        if len(first) == 4:  # year first: ISO order, whatever the separator
            if len(last) > 2:
                raise DateInputError(NOT_A_DATE)
            return _checked(int(first), int(middle), int(last))
        if len(first) > 2:
            raise DateInputError(NOT_A_DATE)
        if int(middle) > 12 and 1 <= int(first) <= 12:
            raise DateInputError(DAY_FIRST)
        return _checked(_year(last), int(middle), int(first))
    months, days = _names()
    if word in ("today", "yesterday") or word in days:
        now = today if isinstance(today, date) else today()
        if word == "today":
            return _checked(now.year, now.month, now.day)
        back = 1 if word == "yesterday" else (now.weekday() - days[word]) % 7
        return _checked(*_days_before(now, back).timetuple()[:3])
    if _NO_YEAR.match(word):
        raise DateInputError(NEEDS_YEAR)
    return _parse_words(word, months, days)


def _parse_words(word: str, months: dict[str, int], days: dict[str, int]) -> date:
    """``[weekday] D[st|nd|rd|th] Month YYYY|YY``, with optional commas and "of"; the parts
    may be joined by ``-`` or ``/`` as Excel writes them (``19-Dec-2025``)."""
    if not re.fullmatch(r"[a-z0-9 ,./\-]+", word):
        raise DateInputError(NOT_A_DATE)
    tokens = _WORDS.findall(word)
    weekday: int | None = None
    if tokens and tokens[0] in days:
        weekday = days[tokens.pop(0)]
    if tokens and tokens[0].isdigit() and len(tokens) > 1 and tokens[1] in ("st", "nd", "rd", "th"):
        tokens.pop(1)
    if len(tokens) > 2 and tokens[1] == "of":
        tokens.pop(1)
    if len(tokens) == 2 and tokens[0].isdigit() and tokens[1] in months:
        raise DateInputError(NEEDS_YEAR)
    if not (
        len(tokens) == 3
        and tokens[0].isdigit()
        and len(tokens[0]) <= 2
        and tokens[1] in months
        and tokens[2].isdigit()
    ):
        raise DateInputError(NOT_A_DATE)
    value = _checked(_year(tokens[2]), months[tokens[1]], int(tokens[0]))
    if weekday is not None and value.weekday() != weekday:
        raise DateInputError(f"that date is a {value:%A}, not a {_weekday_name(weekday)}")
    return value


def _weekday_name(weekday: int) -> str:
    return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[weekday]


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


def uk_brief(d: date | None, empty: str = "—") -> str:
    """``Wed 13 Jan``, unpadded: for dates inside a sentence (form hints)."""
    if d is None:
        return empty
    return f"{d:%a} {d.day} {d:%b}"


def moment_text(moment: datetime) -> str:
    """An audit time as a reader in England reads it: ``01 Jul 2026 12:30`` (London time)."""
    return f"{in_london(moment):%d %b %Y %H:%M}"
