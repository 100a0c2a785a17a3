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
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from datetime import date
from itertools import accumulate, compress
from typing import Final, NamedTuple

__all__ = [
    "WorkingCalendar",
    "add_calendar_months",
    "add_working_days",
    "calendar",
    "england_and_wales",
    "is_working_day",
    "subtract_working_days",
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


def _weekday_flags(first: int, count: int) -> bytearray:
    """1 for each Monday-to-Friday among the ``count`` ordinals from ``first``, else 0."""
    week = b"\x01\x01\x01\x01\x01\x00\x00"  # ordinal 1 is a Monday
    start = (first - 1) % 7
    return bytearray((week * (count // 7 + 2))[start : start + count])


def _nth_weekday(k: int) -> int:
    """Smallest ordinal whose ``_weekdays_through`` equals ``k`` (k >= 1); always a weekday."""
    weeks, rest = divmod(k - 1, 5)
    return weeks * 7 + rest + 1


def _as_date(d: date) -> date:
    """Accept ``datetime.date``, ``datetime.datetime`` and pendulum values alike."""
    return date(d.year, d.month, d.day)


# (first ordinal, working-day flags, running count of working days, working days)
_Table = tuple[int, bytes, list[int], list[date]]


class _State(NamedTuple):
    """Everything a calendar's answers depend on, swapped in as one object.

    A reader takes ``self._state`` once and uses only that: a thread widening
    the table meanwhile builds a new state and replaces the old in one
    assignment, so no reader ever sees the wider range with the old, shorter
    list of bank holidays (a bank holiday counted as a working day).
    """

    lo_ord: int  # the ordinals whose bank holidays are loaded: lo_ord..hi_ord
    hi_ord: int
    years: tuple[int, int] | None
    closed: tuple[int, ...]  # sorted ordinals of non-working weekdays
    closed_set: frozenset[int]
    table: _Table


class WorkingCalendar:
    """Working days: weekdays minus a set of non-working weekdays.

    Safe to share between threads: its state is immutable and replaced whole
    (see ``_State``); widening is serialised by a lock.
    """

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
        self._lock = threading.Lock()
        if years is not None and source is not None:
            lo, hi = 1, 0  # nothing loaded yet
        else:
            lo, hi = 0, date.max.toordinal()
        self._state = self._build(lo, hi, years, ())

    @property
    def extra_closures(self) -> frozenset[date]:
        return self._extra

    def _load(self, years: tuple[int, int]) -> Iterable[date]:
        if self._source is None:
            return ()
        loader = self._source
        assert callable(loader)
        result: Iterable[date] = loader(*years)
        return result

    def _build(
        self, lo: int, hi: int, years: tuple[int, int] | None, bank_holidays: Iterable[date]
    ) -> _State:
        days = {_as_date(d) for d in bank_holidays} | self._extra
        closed = tuple(sorted(d.toordinal() for d in days if d.weekday() < 5))
        closed_set = frozenset(closed)
        # Lookup tables over the loaded years, so that the hot calls are a
        # subtraction and one or two list indexings: through[i] counts the
        # working days in base..base+i, days[k] is working day k+1 from base.
        # Built once per load, without a Python step per day: about 2 ms for
        # 61 years (every command and the first screenful pay it).
        table: _Table = (0, b"", [], [])
        if 0 < lo <= hi and hi - lo < 40_000:
            flags = _weekday_flags(lo, hi - lo + 1)
            for o in closed[bisect_left(closed, lo) : bisect_right(closed, hi)]:
                flags[o - lo] = 0
            working = list(map(date.fromordinal, compress(range(lo, hi + 1), flags)))
            table = (lo, bytes(flags), list(accumulate(flags)), working)
        return _State(lo, hi, years, closed, closed_set, table)

    def _cover(self, low: int, high: int) -> _State:
        """Load, or widen, the bank-holiday table to cover ordinals low..high.

        Returns the state to answer from; it replaces ``self._state`` whole.
        """
        state = self._state
        if state.years is None or self._source is None:
            return state
        if state.lo_ord <= low and high <= state.hi_ord:
            return state  # already covered: never reload the table on every call
        with self._lock:
            state = self._state  # another thread may have widened it meanwhile
            if state.years is None or (state.lo_ord <= low and high <= state.hi_ord):
                return state
            low_year = date.fromordinal(max(low, 1)).year
            high_year = date.fromordinal(min(high, date.max.toordinal())).year
            first = max(1, min(state.years[0], low_year - 1))
            last = min(9998, max(state.years[1], high_year + 1))
            years = (first, last)
            lo, hi = date(first, 1, 1).toordinal(), date(last, 12, 31).toordinal()
            state = self._build(lo, hi, years, self._load(years))
            self._state = state
            return state

    @property
    def non_working_weekdays(self) -> tuple[date, ...]:
        state = self._state
        if state.lo_ord > state.hi_ord:
            state = self._cover(state.lo_ord, state.lo_ord)
        return tuple(date.fromordinal(o) for o in state.closed)

    @staticmethod
    def _working_through(state: _State, ordinal: int) -> int:
        """Working days in ordinals 1..ordinal."""
        return (
            ordinal // 7 * 5
            + _WEEKDAYS_IN_PART_WEEK[ordinal % 7]
            - bisect_right(state.closed, ordinal)
        )

    def is_working_day(self, d: date) -> bool:
        o = d.toordinal()
        state = self._state
        base, flags, _, _ = state.table
        i = o - base
        if 0 <= i < len(flags):
            return flags[i] == 1
        state = self._cover(o, o)
        return (o - 1) % 7 < 5 and o not in state.closed_set

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b] when a <= b; minus those in (b, a] when b < a.

        This is the slack: 0 on the due day, 1 the working day before it, -1
        the first working day after it.
        """
        oa, ob = a.toordinal(), b.toordinal()
        state = self._state
        base, _, through, _ = state.table
        if base <= oa and base <= ob:
            try:
                return through[ob - base] - through[oa - base]
            except IndexError:
                pass  # beyond the table: widen it below
        if oa < state.lo_ord or ob < state.lo_ord or oa > state.hi_ord or ob > state.hi_ord:
            state = self._cover(min(oa, ob), max(oa, ob))
        # Inlined _working_through twice: this is the hottest call in the app.
        part, closed = _WEEKDAYS_IN_PART_WEEK, state.closed
        return (
            (ob // 7 - oa // 7) * 5
            + part[ob % 7]
            - part[oa % 7]
            - bisect_right(closed, ob)
            + bisect_right(closed, oa)
        )

    @staticmethod
    def _working_day_numbered(state: _State, target: int, below: int) -> date:
        """The working day whose ``_working_through`` count is ``target``.

        ``below`` is an ordinal known to lie before the answer. Fixed point
        from below: the target-th weekday, pushed later by every closure up to
        it. It only moves forward, so it stops within a few bisects.
        """
        closed_days = state.closed
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
        state = self._state
        base, _, through, days = state.table
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
            if o < state.lo_ord or o + span > state.hi_ord:
                state = self._cover(o, o + span)
            answer = self._working_day_numbered(state, self._working_through(state, o) + n, o)
            if answer.toordinal() <= state.hi_ord or o + span > date.max.toordinal():
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
            state = self._cover(below, o)
            target = self._working_through(state, o - 1) - n + 1
            if below < 1 or self._working_through(state, below) < target:
                return self._working_day_numbered(state, target, below)
            span *= 2

    def add(self, start: date, n: int) -> date:
        """``n`` working days after ``start`` (n > 0), before it (n < 0); ``start`` when 0."""
        if n > 0:
            return self.add_working_days(start, n)
        if n < 0:
            return self.subtract_working_days(start, -n)
        return start


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


_default: WorkingCalendar | None = None
_default_lock = threading.Lock()


def calendar() -> WorkingCalendar:
    """England and Wales with no extra closures, built once (on first use).

    The default of a profile that names no calendar, and of the functions
    below. Deadlines of cases come from the profile's own calendar
    (``Profile.calendar``), which carries the partnership's closures: nothing
    in the app installs a process-wide calendar any more.
    """
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                # The per-user cache of the ``holidays`` package's answer: a
                # file read instead of a 100-500 ms import on first use.
                from rr_tui.rules.holiday_cache import cached_bank_holidays

                _default = england_and_wales(source=cached_bank_holidays)
    return _default


def is_working_day(d: date) -> bool:
    """In plain England and Wales (no closures); see ``WorkingCalendar`` for others."""
    return calendar().is_working_day(d)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start``, n >= 1, in plain England and Wales.

    Fri 18 Dec 2026 + 15 = Wed 13 Jan 2027; Sat 26 Dec 2026 + 1 = Tue 29 Dec 2026.
    """
    return calendar().add_working_days(start, n)


def subtract_working_days(start: date, n: int) -> date:
    """The n-th working day before ``start``, n >= 1, in plain England and Wales."""
    return calendar().subtract_working_days(start, n)


def working_days_between(a: date, b: date) -> int:
    """Slack from ``a`` to ``b`` in plain England and Wales."""
    return calendar().working_days_between(a, b)
