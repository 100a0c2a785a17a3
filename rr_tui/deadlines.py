"""Working-day arithmetic for England and Wales.

Pure: no Textual, no database. A working day is Monday to Friday that is not an
England and Wales bank holiday (from the ``holidays`` package) nor an extra
closure from configuration.

Day-counting convention (see docs/working-days.md): the start date is day 0 and
never counts; working day 1 is the first working day after it, whatever day the
start fell on.

Everything is ordinal arithmetic plus a bisect into a sorted tuple of the
non-working weekdays, so no call walks day by day. The ``holidays`` import and
table building happen on first use, never at import time, so the TUI paints
before they are needed.
"""

from __future__ import annotations

import calendar as _calendar
from bisect import bisect_right
from collections.abc import Callable, Iterable
from datetime import date
from itertools import accumulate
from typing import Final

__all__ = [
    "WorkingCalendar",
    "add_calendar_months",
    "add_working_days",
    "calendar",
    "england_and_wales",
    "is_working_day",
    "subtract_working_days",
    "use_calendar",
    "working_days_between",
]

# Years the bank-holiday table covers up front. Dates outside this range still
# work: the calendar widens its table the first time it meets one.
FIRST_YEAR: Final = 2000
LAST_YEAR: Final = 2060


# Weekdays among the first r days of a week that starts on Monday.
_WEEKDAYS_IN_PART_WEEK: Final = (0, 1, 2, 3, 4, 5, 5)


def _weekdays_through(ordinal: int) -> int:
    """Monday-to-Friday days in ordinals 1..ordinal (ordinal 1 is Monday 1 Jan 0001)."""
    return ordinal // 7 * 5 + _WEEKDAYS_IN_PART_WEEK[ordinal % 7]


def _nth_weekday(k: int) -> int:
    """Smallest ordinal whose ``_weekdays_through`` equals ``k`` (k >= 1); always a weekday."""
    weeks, rest = divmod(k - 1, 5)
    return weeks * 7 + rest + 1


def _as_date(d: date) -> date:
    """Accept ``datetime.date``, ``datetime.datetime`` and pendulum values alike."""
    return date(d.year, d.month, d.day)


# (first ordinal, working-day flags, running count of working days, working days)
_Table = tuple[int, bytes, list[int], list[date]]


class WorkingCalendar:
    """Working days: weekdays minus a set of non-working weekdays."""

    def __init__(
        self,
        non_working: Iterable[date] = (),
        *,
        years: tuple[int, int] | None = None,
        source: object | None = None,
    ) -> None:
        # ``source(first_year, last_year)`` returns the bank holidays of those
        # years. It is first called on first use, not here, and again to widen
        # the table when a date beyond ``years`` turns up.
        self._extra = frozenset(_as_date(d) for d in non_working)
        self._source = source
        self._years = years
        self._closed: tuple[int, ...] = ()
        self._closed_set: frozenset[int] = frozenset()
        if years is not None and source is not None:
            self._lo_ord, self._hi_ord = 1, 0  # nothing loaded yet
        else:
            self._lo_ord, self._hi_ord = 0, date.max.toordinal()
        self._rebuild(())

    def _load(self, years: tuple[int, int]) -> Iterable[date]:
        if self._source is None:
            return ()
        loader = self._source
        assert callable(loader)
        result: Iterable[date] = loader(*years)
        return result

    def _rebuild(self, bank_holidays: Iterable[date]) -> None:
        days = {_as_date(d) for d in bank_holidays} | self._extra
        self._closed = tuple(sorted(d.toordinal() for d in days if d.weekday() < 5))
        self._closed_set = frozenset(self._closed)
        # Lookup tables over the loaded years, so that the hot calls are a
        # subtraction and one or two list indexings: through[i] counts the
        # working days in base..base+i, days[k] is working day k+1 from base.
        # Built once per load (about 5 ms for 61 years) and swapped in as one
        # tuple, so a thread reading it never sees half of an old table.
        lo, hi = self._lo_ord, self._hi_ord
        table: _Table = (0, b"", [], [])
        if 0 < lo <= hi and hi - lo < 40_000:
            closed = self._closed_set
            flags = bytes(
                1 if (o - 1) % 7 < 5 and o not in closed else 0 for o in range(lo, hi + 1)
            )
            working = [date.fromordinal(lo + i) for i, f in enumerate(flags) if f]
            table = (lo, flags, list(accumulate(flags)), working)
        self._table = table

    def _cover(self, low: int, high: int) -> None:
        """Load, or widen, the bank-holiday table to cover ordinals low..high."""
        if self._years is None or self._source is None:
            return
        if self._lo_ord <= low and high <= self._hi_ord:
            return  # already covered: never reload the table on every call
        low_year = date.fromordinal(max(low, 1)).year
        high_year = date.fromordinal(min(high, date.max.toordinal())).year
        first = max(1, min(self._years[0], low_year - 1))
        last = min(9998, max(self._years[1], high_year + 1))
        self._years = (first, last)
        self._lo_ord = date(first, 1, 1).toordinal()
        self._hi_ord = date(last, 12, 31).toordinal()
        self._rebuild(self._load(self._years))

    @property
    def non_working_weekdays(self) -> tuple[date, ...]:
        if self._lo_ord > self._hi_ord:
            self._cover(self._lo_ord, self._lo_ord)
        return tuple(date.fromordinal(o) for o in self._closed)

    def _working_through(self, ordinal: int) -> int:
        """Working days in ordinals 1..ordinal."""
        return (
            ordinal // 7 * 5
            + _WEEKDAYS_IN_PART_WEEK[ordinal % 7]
            - bisect_right(self._closed, ordinal)
        )

    def is_working_day(self, d: date) -> bool:
        o = d.toordinal()
        base, flags, _, _ = self._table
        i = o - base
        if 0 <= i < len(flags):
            return flags[i] == 1
        self._cover(o, o)
        return (o - 1) % 7 < 5 and o not in self._closed_set

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b] when a <= b; minus those in (b, a] when b < a.

        This is the slack: 0 on the due day, 1 the working day before it, -1
        the first working day after it.
        """
        oa, ob = a.toordinal(), b.toordinal()
        base, _, through, _ = self._table
        if base <= oa and base <= ob:
            try:
                return through[ob - base] - through[oa - base]
            except IndexError:
                pass  # beyond the table: widen it below
        if oa < self._lo_ord or ob < self._lo_ord or oa > self._hi_ord or ob > self._hi_ord:
            self._cover(min(oa, ob), max(oa, ob))
        # Inlined _working_through twice: this is the hottest call in the app.
        part, closed = _WEEKDAYS_IN_PART_WEEK, self._closed
        return (
            (ob // 7 - oa // 7) * 5
            + part[ob % 7]
            - part[oa % 7]
            - bisect_right(closed, ob)
            + bisect_right(closed, oa)
        )

    def _working_day_numbered(self, target: int, below: int) -> date:
        """The working day whose ``_working_through`` count is ``target``.

        ``below`` is an ordinal known to lie before the answer. Fixed point
        from below: the target-th weekday, pushed later by every closure up to
        it. It only moves forward, so it stops within a few bisects.
        """
        closed_days = self._closed
        closed = bisect_right(closed_days, below)
        while True:
            # Inlined _nth_weekday(target + closed): this is a hot path.
            k = target + closed - 1
            candidate = k // 5 * 7 + k % 5 + 1
            now_closed = bisect_right(closed_days, candidate)
            if now_closed == closed:
                return date.fromordinal(candidate)
            closed = now_closed

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (n >= 1); ``start`` never counts."""
        o = start.toordinal()
        base, _, through, days = self._table
        i = o - base
        if n >= 1 and i >= 0:
            try:
                return days[through[i] + n - 1]
            except IndexError:
                pass  # beyond the table: widen it below
        if n < 1:
            raise ValueError(f"n must be at least 1, not {n}")
        # Bank holidays alone never stretch n working days beyond 2n + 30
        # calendar days; long extra closures can, so widen and retry if needed.
        span = 2 * n + 30
        while True:
            if o < self._lo_ord or o + span > self._hi_ord:
                self._cover(o, o + span)
            answer = self._working_day_numbered(self._working_through(o) + n, o)
            if answer.toordinal() <= self._hi_ord or o + span > date.max.toordinal():
                return answer
            span *= 2

    def subtract_working_days(self, start: date, n: int) -> date:
        """The n-th working day before ``start`` (n >= 1); ``start`` never counts."""
        if n < 1:
            raise ValueError(f"n must be at least 1, not {n}")
        o = start.toordinal()
        # _working_day_numbered needs a starting point before the answer. Bank
        # holidays alone keep it within 2n + 30 calendar days; long extra
        # closures may not, so reach further back until it is.
        span = 2 * n + 30
        while True:
            below = o - span
            self._cover(below, o)
            target = self._working_through(o - 1) - n + 1
            if below < 1 or self._working_through(below) < target:
                return self._working_day_numbered(target, below)
            span *= 2


def add_calendar_months(start: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's end (31 Aug + 6 = 28/29 Feb)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last = _calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


def _england_and_wales_bank_holidays(first_year: int, last_year: int) -> list[date]:
    import holidays  # deferred: about 60 ms, kept off the first frame

    # subdiv="ENG": plain holidays.UK() omits Easter Monday and the August bank
    # holiday, which are England-and-Wales-only. Wales shares England's list.
    table = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return list(table.keys())


HolidaySource = Callable[[int, int], Iterable[date]]


def england_and_wales_bank_holidays(first_year: int, last_year: int) -> list[date]:
    """The bank holidays of England and Wales, from the ``holidays`` package."""
    return _england_and_wales_bank_holidays(first_year, last_year)


def england_and_wales(
    extra_closures: Iterable[date] = (), source: HolidaySource | None = None
) -> WorkingCalendar:
    """England and Wales bank holidays plus the partnership's extra closures.

    ``source`` replaces the ``holidays`` package as the supplier of bank
    holidays (the app passes a cached copy of the package's own answer).
    """
    return WorkingCalendar(
        extra_closures,
        years=(FIRST_YEAR, LAST_YEAR),
        source=source or _england_and_wales_bank_holidays,
    )


_active: WorkingCalendar | None = None


def calendar() -> WorkingCalendar:
    """The process-wide calendar, built on first use."""
    global _active
    if _active is None:
        _active = england_and_wales()
    return _active


def use_calendar(cal: WorkingCalendar | None) -> None:
    """Install the calendar (from configuration) that the functions below use."""
    global _active
    _active = cal


def is_working_day(d: date) -> bool:
    return (_active or calendar()).is_working_day(d)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start``, n >= 1.

    Fri 18 Dec 2026 + 15 = Wed 13 Jan 2027; Sat 26 Dec 2026 + 1 = Tue 29 Dec 2026.
    """
    return (_active or calendar()).add_working_days(start, n)


def subtract_working_days(start: date, n: int) -> date:
    """The n-th working day before ``start``, n >= 1."""
    return (_active or calendar()).subtract_working_days(start, n)


def working_days_between(a: date, b: date) -> int:
    return (_active or calendar()).working_days_between(a, b)
