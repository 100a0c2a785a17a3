"""A deliberately naive working-day calendar: it walks one day at a time.

The opposite of ``rr_tui.deadlines`` (ordinal arithmetic and bisects), so the
two are unlikely to share a mistake. It only knows the non-working days it is
given, so it refuses to look at any day outside the range it covers rather
than silently calling an unknown bank holiday a working day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from bank_holidays_gov_uk import BANK_HOLIDAY_DATES, FIRST_YEAR, LAST_YEAR

ONE_DAY = timedelta(days=1)


class OutOfRange(LookupError):
    """The oracle was asked about a day it has no bank-holiday data for."""


class NaiveCalendar:
    def __init__(
        self,
        non_working: Iterable[date],
        first: date = date(FIRST_YEAR, 1, 1),
        last: date = date(LAST_YEAR, 12, 31),
    ) -> None:
        self.non_working = frozenset(non_working)
        self.first = first
        self.last = last

    def is_working_day(self, d: date) -> bool:
        d = date(d.year, d.month, d.day)
        if not self.first <= d <= self.last:
            raise OutOfRange(d)
        if d.weekday() >= 5:  # Saturday, Sunday
            return False
        return d not in self.non_working

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start``; ``start`` itself never counts."""
        return self._nth_working_day(start, n, ONE_DAY)

    def subtract_working_days(self, start: date, n: int) -> date:
        """The n-th working day before ``start``; ``start`` itself never counts."""
        return self._nth_working_day(start, n, -ONE_DAY)

    def _nth_working_day(self, start: date, n: int, step: timedelta) -> date:
        """Walk from ``start`` a day (``step``) at a time until the n-th working day."""
        if n < 1:
            raise ValueError(n)
        day = date(start.year, start.month, start.day)
        found = 0
        while found < n:
            day += step
            if self.is_working_day(day):
                found += 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b] when a <= b; minus those in (b, a] when b < a."""
        a = date(a.year, a.month, a.day)
        b = date(b.year, b.month, b.day)
        sign = 1
        if b < a:
            a, b, sign = b, a, -1
        count = 0
        day = a
        while day < b:
            day += ONE_DAY
            if self.is_working_day(day):
                count += 1
        return sign * count


GOV_UK = NaiveCalendar(BANK_HOLIDAY_DATES)
"""England and Wales, 2018 to 2028, from the hand-typed GOV.UK list."""

is_working_day = GOV_UK.is_working_day
add_working_days = GOV_UK.add_working_days
subtract_working_days = GOV_UK.subtract_working_days
working_days_between = GOV_UK.working_days_between
