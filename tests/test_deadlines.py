"""rr_tui.deadlines against a hand-typed GOV.UK bank-holiday list and a naive oracle."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import oracle
import pendulum
import pytest
from bank_holidays_gov_uk import BANK_HOLIDAY_DATES, FIRST_YEAR, LAST_YEAR
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from rr_tui import deadlines
from rr_tui.deadlines import (
    WorkingCalendar,
    add_calendar_months,
    add_working_days,
    england_and_wales,
    is_working_day,
    subtract_working_days,
    working_days_between,
)

ROOT = Path(__file__).resolve().parent.parent
FIRST = date(FIRST_YEAR, 1, 1)
LAST = date(LAST_YEAR, 12, 31)
ALL_DAYS = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]

# One England and Wales calendar for the whole module: building it loads the
# bank-holiday table, which is the slow part.
ENGLAND_AND_WALES = england_and_wales()

dates_in_range = st.dates(min_value=FIRST, max_value=LAST)
PROPERTY = settings(max_examples=400, deadline=None)


def _easter(year: int) -> date:
    """Easter Sunday (anonymous Gregorian algorithm), to cross-check the typed list."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _mondays(year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    first_monday = first + timedelta(days=(7 - first.weekday()) % 7)
    return [
        first_monday + timedelta(weeks=w)
        for w in range(5)
        if (first_monday + timedelta(weeks=w)).month == month
    ]


# --- the hand-typed list itself ------------------------------------------------------


def test_easter_algorithm_on_known_years() -> None:
    assert _easter(2024) == date(2024, 3, 31)
    assert _easter(2025) == date(2025, 4, 20)
    assert _easter(2019) == date(2019, 4, 21)


@pytest.mark.parametrize("year", range(FIRST_YEAR, LAST_YEAR + 1))
def test_typed_list_follows_the_rules(year: int) -> None:
    days = {d for d in BANK_HOLIDAY_DATES if d.year == year}
    expected_count = {2022: 10, 2023: 9}.get(year, 8)
    assert len(days) == expected_count
    assert all(d.weekday() < 5 for d in days), "bank holidays are always weekdays"
    easter = _easter(year)
    assert easter - timedelta(days=2) in days  # Good Friday
    assert easter + timedelta(days=1) in days  # Easter Monday
    early_may = _mondays(year, 5)[0]
    spring = _mondays(year, 5)[-1]
    summer = _mondays(year, 8)[-1]
    assert (early_may in days) == (year != 2020)  # 2020: moved to Fri 8 May (VE day)
    assert (spring in days) == (year != 2022)  # 2022: moved to Thu 2 June
    assert summer in days
    # New Year, Christmas and Boxing Day, each on the next weekday not already taken.
    observed: set[date] = set()
    for fixed in (date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)):
        day = fixed
        while day.weekday() >= 5 or day in observed:
            day += timedelta(days=1)
        observed.add(day)
    assert observed <= days
    # Nothing else besides the one-offs.
    regular = observed | {easter - timedelta(days=2), easter + timedelta(days=1), summer}
    regular |= {early_may} if year != 2020 else {date(2020, 5, 8)}
    regular |= {spring} if year != 2022 else {date(2022, 6, 2)}
    one_offs = {date(2022, 6, 3), date(2022, 9, 19), date(2023, 5, 8)}
    assert days == regular | {d for d in one_offs if d.year == year}


def test_typed_list_one_offs_and_substitutes() -> None:
    for one_off in (
        date(2020, 5, 8),
        date(2022, 6, 2),
        date(2022, 6, 3),
        date(2022, 9, 19),
        date(2023, 5, 8),
        date(2020, 12, 28),
        date(2021, 12, 27),
        date(2021, 12, 28),
        date(2022, 1, 3),
        date(2022, 12, 27),
        date(2023, 1, 2),
        date(2026, 12, 28),
        date(2027, 12, 27),
        date(2027, 12, 28),
        date(2028, 1, 3),
    ):
        assert one_off in BANK_HOLIDAY_DATES
    for not_a_holiday in (date(2020, 5, 4), date(2022, 5, 30), date(2026, 12, 29)):
        assert not_a_holiday not in BANK_HOLIDAY_DATES


# --- exhaustive and property checks against the oracle ---------------------------------


def test_is_working_day_every_day_2018_to_2028() -> None:
    wrong = [d for d in ALL_DAYS if is_working_day(d) != oracle.is_working_day(d)]
    assert wrong == []


def test_non_working_weekdays_match_gov_uk() -> None:
    in_range = {d for d in ENGLAND_AND_WALES.non_working_weekdays if FIRST <= d <= LAST}
    assert in_range == BANK_HOLIDAY_DATES


# Counting working days forwards and backwards: ours beside the oracle's.
STEPS = [
    pytest.param(add_working_days, oracle.add_working_days, id="add"),
    pytest.param(subtract_working_days, oracle.subtract_working_days, id="subtract"),
]
Step = Callable[[date, int], date]


@pytest.mark.parametrize(("ours", "theirs"), STEPS)
@pytest.mark.parametrize("n", [1, 2, 5, 13, 15])
def test_add_and_subtract_every_start_day(n: int, ours: Step, theirs: Step) -> None:
    wrong = []
    for start in ALL_DAYS:
        try:
            expected = theirs(start, n)
        except oracle.OutOfRange:
            continue
        if ours(start, n) != expected:
            wrong.append((start, n))
    assert wrong == []


@pytest.mark.parametrize(("ours", "theirs"), STEPS)
@PROPERTY
@given(start=dates_in_range, n=st.integers(min_value=1, max_value=80))
def test_adding_and_subtracting_working_days_match_oracle(
    ours: Step, theirs: Step, start: date, n: int
) -> None:
    try:
        expected = theirs(start, n)
    except oracle.OutOfRange:
        reject()
    assert ours(start, n) == expected


@PROPERTY
@given(a=dates_in_range, b=dates_in_range)
def test_working_days_between_matches_oracle(a: date, b: date) -> None:
    assert working_days_between(a, b) == oracle.working_days_between(a, b)


@PROPERTY
@given(a=dates_in_range, span=st.integers(min_value=0, max_value=120))
def test_working_days_between_close_dates_matches_oracle(a: date, span: int) -> None:
    # Short spans are where deadlines live; the test above mostly draws long ones.
    b = a + timedelta(days=span)
    try:
        expected = oracle.working_days_between(a, b)
    except oracle.OutOfRange:
        reject()
    assert working_days_between(a, b) == expected
    assert working_days_between(b, a) == -expected


@PROPERTY
@given(a=dates_in_range, b=dates_in_range)
def test_round_trip_add_between(a: date, b: date) -> None:
    if b < a:
        a, b = b, a
    if a == b or not oracle.is_working_day(b):
        reject()
    assert add_working_days(a, working_days_between(a, b)) == b


@PROPERTY
@given(a=dates_in_range, b=dates_in_range)
def test_round_trip_subtract_between(a: date, b: date) -> None:
    if b < a:
        a, b = b, a
    # [a, b) and (a, b] hold as many working days only when a and b both are one.
    if a == b or not (oracle.is_working_day(a) and oracle.is_working_day(b)):
        reject()
    assert subtract_working_days(b, working_days_between(a, b)) == a


@PROPERTY
@given(a=dates_in_range, b=dates_in_range)
def test_working_days_between_is_antisymmetric(a: date, b: date) -> None:
    assert working_days_between(a, b) == -working_days_between(b, a)
    assert working_days_between(a, a) == 0


@PROPERTY
@given(start=dates_in_range, n=st.integers(min_value=1, max_value=80))
def test_add_lands_on_a_working_day_n_days_on(start: date, n: int) -> None:
    end = add_working_days(start, n)
    assert end > start
    assert is_working_day(end)
    assert working_days_between(start, end) == n
    # Back again: the start if it is a working day, else the working day before it.
    back = subtract_working_days(end, n)
    assert back <= start
    assert working_days_between(back, start) == 0


# --- accepted input types ---------------------------------------------------------------


def test_accepts_pendulum_dates() -> None:
    assert add_working_days(pendulum.date(2026, 12, 18), 15) == date(2027, 1, 13)
    assert subtract_working_days(pendulum.date(2027, 1, 13), 15) == date(2026, 12, 18)
    assert working_days_between(pendulum.date(2026, 12, 18), pendulum.date(2027, 1, 13)) == 15
    assert not is_working_day(pendulum.date(2026, 12, 28))
    assert is_working_day(pendulum.date(2026, 12, 29))


def test_accepts_pendulum_and_stdlib_datetimes() -> None:
    late_friday = datetime(2026, 12, 18, 23, 59)
    result = add_working_days(late_friday, 15)
    assert result == date(2027, 1, 13)
    assert type(result) is date
    assert add_working_days(pendulum.datetime(2026, 12, 18, 9, 30), 15) == date(2027, 1, 13)
    assert subtract_working_days(datetime(2026, 12, 29, 8, 0), 1) == date(2026, 12, 24)
    assert working_days_between(datetime(2026, 12, 18, 17, 0), date(2027, 1, 13)) == 15
    assert working_days_between(date(2027, 1, 13), pendulum.datetime(2026, 12, 18)) == -15
    assert not is_working_day(datetime(2026, 12, 25, 12, 0))
    assert not is_working_day(pendulum.datetime(2026, 12, 26))


def test_extra_closures_accept_datetimes() -> None:
    cal = england_and_wales([datetime(2026, 7, 1, 9, 0), pendulum.date(2026, 7, 2)])
    assert not cal.is_working_day(date(2026, 7, 1))
    assert not cal.is_working_day(date(2026, 7, 2))
    assert cal.add_working_days(date(2026, 6, 30), 1) == date(2026, 7, 3)


# --- named examples ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # The docstring examples.
        (date(2026, 12, 18), 15, date(2027, 1, 13)),  # Fri -> Wed across Christmas
        (date(2026, 12, 26), 1, date(2026, 12, 29)),  # Sat -> Tue (Mon 28 is Boxing Day sub)
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday to Monday
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # Saturday: Monday is WD 1
        (date(2026, 3, 8), 1, date(2026, 3, 9)),  # Sunday: Monday is WD 1
        # Christmas 2021: Christmas and Boxing Day at the weekend, New Year too.
        (date(2021, 12, 24), 1, date(2021, 12, 29)),
        (date(2021, 12, 31), 1, date(2022, 1, 4)),
        (date(2021, 12, 22), 15, date(2022, 1, 17)),
        # Christmas 2022: Christmas on Sunday, New Year on Sunday.
        (date(2022, 12, 23), 1, date(2022, 12, 28)),
        (date(2022, 12, 30), 1, date(2023, 1, 3)),
        # Christmas 2023: Monday and Tuesday, then New Year on Monday 1 Jan 2024.
        (date(2023, 12, 22), 1, date(2023, 12, 27)),
        (date(2023, 12, 29), 1, date(2024, 1, 2)),
        # Easter 2024 and 2025.
        (date(2024, 3, 28), 1, date(2024, 4, 2)),
        (date(2024, 3, 27), 2, date(2024, 4, 2)),
        (date(2025, 4, 17), 1, date(2025, 4, 22)),
        (date(2025, 4, 16), 5, date(2025, 4, 25)),
        # 2022: spring bank holiday moved from Mon 30 May; Platinum Jubilee; State Funeral.
        (date(2022, 5, 25), 5, date(2022, 6, 1)),
        (date(2022, 6, 1), 1, date(2022, 6, 6)),
        (date(2022, 5, 27), 5, date(2022, 6, 7)),
        (date(2022, 9, 16), 1, date(2022, 9, 20)),
        (date(2022, 9, 12), 10, date(2022, 9, 27)),
        # 2023 Coronation, a week after the early May bank holiday.
        (date(2023, 5, 5), 1, date(2023, 5, 9)),
        (date(2023, 4, 28), 5, date(2023, 5, 9)),
        # 2020: early May bank holiday moved to Friday 8 May (VE day).
        (date(2020, 5, 1), 1, date(2020, 5, 4)),
        (date(2020, 5, 7), 1, date(2020, 5, 11)),
    ],
)
def test_named_examples(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected
    assert oracle.add_working_days(start, n) == expected  # the oracle agrees with the hand
    if is_working_day(start):
        assert subtract_working_days(expected, n) == start
    assert working_days_between(start, expected) == n


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 12, 29), 1, date(2026, 12, 24)),
        (date(2022, 1, 4), 1, date(2021, 12, 31)),
        (date(2022, 9, 20), 1, date(2022, 9, 16)),
        (date(2022, 6, 6), 2, date(2022, 5, 31)),
        (date(2023, 5, 9), 2, date(2023, 5, 4)),
        (date(2026, 3, 9), 1, date(2026, 3, 6)),  # Monday back to Friday
        (date(2026, 3, 8), 1, date(2026, 3, 6)),  # Sunday: start never counts
        (date(2026, 10, 13), 7, date(2026, 10, 2)),
        (date(2026, 9, 2), 7, date(2026, 8, 21)),  # across the August bank holiday
    ],
)
def test_subtract_examples(start: date, n: int, expected: date) -> None:
    assert subtract_working_days(start, n) == expected


def test_slack_convention() -> None:
    due = date(2027, 1, 13)  # Wednesday
    assert working_days_between(due, due) == 0
    assert working_days_between(date(2027, 1, 12), due) == 1
    assert working_days_between(date(2027, 1, 14), due) == -1
    assert working_days_between(date(2027, 1, 6), due) == 5
    # A due date just after Christmas 2026 (Tue 29 Dec).
    due = date(2026, 12, 29)
    assert working_days_between(date(2026, 12, 24), due) == 1  # the working day before
    assert working_days_between(date(2026, 12, 26), due) == 1  # Saturday: Tue is 1 WD on
    assert working_days_between(date(2026, 12, 28), due) == 1  # Boxing Day substitute
    assert working_days_between(date(2026, 12, 30), due) == -1  # first working day after
    assert working_days_between(date(2027, 1, 4), due) == -3  # 30, 31 Dec, 4 Jan
    # A due date on a Friday: the weekend after it is still -0 working days late...
    assert working_days_between(date(2026, 3, 7), date(2026, 3, 6)) == 0
    # ...and Monday is the first working day after it.
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 6)) == -1


@pytest.mark.parametrize("n", [0, -1, -15])
def test_n_below_one_is_refused(n: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        add_working_days(date(2026, 3, 2), n)
    with pytest.raises(ValueError, match="at least 1"):
        subtract_working_days(date(2026, 3, 2), n)


# --- extra closures ------------------------------------------------------------------------


def test_extra_closures_are_skipped() -> None:
    closures = [date(2026, 7, 1), date(2026, 12, 24), date(2026, 12, 31), date(2026, 7, 4)]
    cal = england_and_wales(closures)
    assert is_working_day(date(2026, 7, 1))  # the plain calendar is untouched
    assert not cal.is_working_day(date(2026, 7, 1))
    assert cal.add_working_days(date(2026, 6, 30), 1) == date(2026, 7, 2)
    assert cal.subtract_working_days(date(2026, 7, 2), 1) == date(2026, 6, 30)
    assert cal.working_days_between(date(2026, 6, 30), date(2026, 7, 2)) == 1
    # Christmas 2026 with the office shut on Christmas Eve and New Year's Eve.
    assert cal.add_working_days(date(2026, 12, 18), 15) == date(2027, 1, 15)
    assert cal.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 29)
    # A closure on a Saturday changes nothing.
    assert cal.add_working_days(date(2026, 7, 3), 1) == date(2026, 7, 6)
    # Bank holidays still apply.
    assert not cal.is_working_day(date(2026, 8, 31))


def test_closures_live_on_the_profile_not_in_the_process() -> None:
    from dataclasses import replace

    from rr_tui.rules.profile import ENGLAND
    from rr_tui.rules.schedule import CaseFacts, compute

    closed = replace(ENGLAND, calendar=england_and_wales([date(2026, 3, 9)]))
    facts = CaseFacts(done={"incident_aware": date(2026, 3, 2)})
    sin = {s.id: s.due for s in compute(facts, closed, date(2026, 3, 2)).steps}["sin_submitted"]
    assert sin == date(2026, 3, 10)  # Mon 9 Mar closed: 5 WD is Tue 10 Mar
    # The module functions, and every other profile, are untouched by it.
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
    assert is_working_day(date(2026, 3, 9))
    plain = {s.id: s.due for s in compute(facts, ENGLAND, date(2026, 3, 2)).steps}
    assert plain["sin_submitted"] == date(2026, 3, 9)


def test_widening_is_atomic_for_other_threads() -> None:
    """A thread never sees a bank holiday as a working day while another widens the table."""
    import threading

    loads: list[tuple[int, int]] = []

    def slow_source(first: int, last: int) -> list[date]:
        loads.append((first, last))
        return deadlines.england_and_wales_bank_holidays(first, last)

    cal = deadlines.WorkingCalendar(years=(2026, 2026), source=slow_source)
    christmas_2030 = date(2030, 12, 25)
    wrong: list[object] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            if (
                cal.is_working_day(christmas_2030)
                or cal.working_days_between(date(2030, 12, 24), date(2030, 12, 29)) != 1
            ):
                wrong.append(1)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for year in range(2031, 2060):
        cal.add_working_days(date(year, 12, 20), 5)  # widens, year by year
    stop.set()
    for t in threads:
        t.join()
    assert not wrong
    assert len(loads) >= 2


@PROPERTY
@given(
    start=st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 12, 31)),
    other=st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 12, 31)),
    n=st.integers(min_value=1, max_value=40),
    # A shutdown (a few days up to a long closure) ending just before the start,
    # another starting just after it, and some odd days anywhere.
    run_before=st.tuples(st.integers(0, 10), st.integers(0, 150)),
    run_after=st.tuples(st.integers(0, 10), st.integers(0, 150)),
    odd=st.sets(st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 12, 31)), max_size=30),
)
def test_closures_match_oracle(
    start: date,
    other: date,
    n: int,
    run_before: tuple[int, int],
    run_after: tuple[int, int],
    odd: set[date],
) -> None:
    (gap_before, length_before), (gap_after, length_after) = run_before, run_after
    closures = set(odd)
    closures |= {start - timedelta(days=gap_before + 1 + i) for i in range(length_before)}
    closures |= {start + timedelta(days=gap_after + 1 + i) for i in range(length_after)}
    # A table-only calendar (no holidays package) and the oracle, given the same days.
    cal = WorkingCalendar(BANK_HOLIDAY_DATES | closures)
    naive = oracle.NaiveCalendar(BANK_HOLIDAY_DATES | closures)
    assert cal.is_working_day(start) == naive.is_working_day(start)
    assert cal.working_days_between(start, other) == naive.working_days_between(start, other)
    steps: list[tuple[Step, Step]] = [
        (cal.add_working_days, naive.add_working_days),
        (cal.subtract_working_days, naive.subtract_working_days),
    ]
    for ours, theirs in steps:
        try:
            expected = theirs(start, n)
        except oracle.OutOfRange:
            continue
        assert ours(start, n) == expected


def test_long_closure_right_before_the_start() -> None:
    # Five weeks shut (2 Nov to 4 Dec 2026): the working day before Monday 7 Dec
    # is Friday 30 Oct, more than a month back.
    shut = [date(2026, 11, 2) + timedelta(days=i) for i in range(33)]
    cal = england_and_wales(shut)
    assert cal.subtract_working_days(date(2026, 12, 7), 1) == date(2026, 10, 30)
    assert cal.subtract_working_days(date(2026, 12, 8), 2) == date(2026, 10, 30)
    assert cal.add_working_days(date(2026, 10, 30), 1) == date(2026, 12, 7)
    assert cal.working_days_between(date(2026, 10, 30), date(2026, 12, 7)) == 1


def _new_year_only(first_year: int, last_year: int) -> list[date]:
    return [date(y, 1, 1) for y in range(first_year, last_year + 1)]


def test_closures_longer_than_the_loaded_table() -> None:
    # Three whole years shut: the answer lies beyond the table first loaded, whose
    # bank holidays (here just 1 January) must still be known there.
    shut = [date(2026, 1, 1) + timedelta(days=i) for i in range(3 * 365 + 1)]
    assert shut[-1] == date(2028, 12, 31)
    cal = WorkingCalendar(shut, years=(2020, 2026), source=_new_year_only)
    assert cal.add_working_days(date(2025, 12, 31), 1) == date(2029, 1, 2)  # Mon 1 Jan is off
    cal = WorkingCalendar(
        [date(2027, 1, 1) + timedelta(days=i) for i in range(3 * 365 + 1)],  # to 31 Dec 2029
        years=(2030, 2035),
        source=_new_year_only,
    )
    assert cal.subtract_working_days(date(2030, 1, 2), 2) == date(2026, 12, 30)
    assert cal.working_days_between(date(2026, 12, 30), date(2030, 1, 2)) == 2


# --- far outside the preloaded range ------------------------------------------------------


def _holidays_package_calendar(first_year: int, last_year: int) -> oracle.NaiveCalendar:
    import holidays

    table = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return oracle.NaiveCalendar(table.keys(), date(first_year, 1, 1), date(last_year, 12, 31))


@pytest.mark.parametrize("year", [1995, 2070])
def test_years_far_outside_the_preloaded_range(year: int) -> None:
    cal = england_and_wales()  # fresh: nothing loaded yet
    reference = _holidays_package_calendar(year - 1, year + 1)
    days = [date(year, 1, 1) + timedelta(days=i) for i in range(365)]
    assert [cal.is_working_day(d) for d in days] == [reference.is_working_day(d) for d in days]
    for start in days[::7]:
        for n in (1, 5, 15, 40):
            assert cal.add_working_days(start, n) == reference.add_working_days(start, n)
            assert cal.subtract_working_days(start, n) == reference.subtract_working_days(start, n)
    assert cal.working_days_between(days[0], days[-1]) == reference.working_days_between(
        days[0], days[-1]
    )
    # The table widened rather than moved: the years in between still know their holidays.
    assert not cal.is_working_day(date(2026, 12, 28))
    assert cal.add_working_days(date(2026, 12, 18), 15) == date(2027, 1, 13)


def test_far_years_sanity_weekends_and_christmas() -> None:
    cal = england_and_wales()
    assert cal.add_working_days(date(2070, 12, 24), 1) == date(2070, 12, 29)  # Wed -> Mon
    assert not cal.is_working_day(date(2070, 12, 27))  # Saturday
    assert cal.add_working_days(date(1995, 5, 5), 1) == date(1995, 5, 9)  # VE day 50, Mon 8
    assert cal.subtract_working_days(date(1995, 1, 3), 1) == date(1994, 12, 30)
    # From 1995 to 2070 the count equals weekdays minus the bank holidays in between.
    a, b = date(1995, 1, 1), date(2070, 12, 31)
    weekdays = sum(1 for i in range(1, (b - a).days + 1) if (a + timedelta(days=i)).weekday() < 5)
    holiday_weekdays = sum(
        1
        for d in _holidays_package_calendar(1995, 2070).non_working
        if d.weekday() < 5 and a < d <= b
    )
    assert cal.working_days_between(a, b) == weekdays - holiday_weekdays


def test_table_is_loaded_once_and_widened_on_demand() -> None:
    calls: list[tuple[int, int]] = []

    def source(first_year: int, last_year: int) -> list[date]:
        calls.append((first_year, last_year))
        # A made-up holiday: 1 July every year.
        return [date(y, 7, 1) for y in range(first_year, last_year + 1)]

    cal = WorkingCalendar(years=(2020, 2030), source=source)
    assert calls == []  # nothing is loaded until first use
    for i in range(200):
        cal.is_working_day(date(2026, 1, 1) + timedelta(days=i))
        cal.subtract_working_days(date(2026, 1, 1) + timedelta(days=i), 3)
        cal.add_working_days(date(2026, 1, 1) + timedelta(days=i), 3)
        cal.working_days_between(date(2026, 1, 1), date(2026, 1, 1) + timedelta(days=i))
    assert len(calls) == 1, "in-range calls must not reload the bank-holiday table"
    assert not cal.is_working_day(date(2026, 7, 1))  # Wednesday
    assert not cal.is_working_day(date(2071, 7, 1))  # Wednesday, beyond 2030: widened
    assert len(calls) == 2
    assert calls[-1][0] <= 2020 and calls[-1][1] >= 2071
    assert not cal.is_working_day(date(2026, 7, 1))


# --- calendar months ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2026, 3, 19), 6, date(2026, 9, 19)),
        (date(2026, 3, 31), 6, date(2026, 9, 30)),
        (date(2026, 7, 15), 6, date(2027, 1, 15)),  # across the year end
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2026, 1, 15), -13, date(2024, 12, 15)),
        (date(2026, 1, 31), -2, date(2025, 11, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2026, 5, 17), 0, date(2026, 5, 17)),
    ],
)
def test_add_calendar_months(start: date, months: int, expected: date) -> None:
    assert add_calendar_months(start, months) == expected


@PROPERTY
@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
    months=st.integers(min_value=-240, max_value=240),
)
def test_add_calendar_months_properties(start: date, months: int) -> None:
    result = add_calendar_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day == start.day or (
        result.day < start.day and (result + timedelta(days=1)).day == 1
    )
    if start.day <= 28:
        assert add_calendar_months(result, -months) == start


@PROPERTY
@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
    months=st.integers(min_value=-240, max_value=240),
)
def test_add_calendar_months_agrees_with_pendulum(start: date, months: int) -> None:
    """pendulum's month arithmetic (clamped to the month's end) is the second algorithm.

    The app keeps its own three lines in the hot path (pendulum is not imported
    before the first frame); they must give pendulum's answer to the day.
    """
    expected = pendulum.date(start.year, start.month, start.day).add(months=months)
    assert add_calendar_months(start, months) == date(expected.year, expected.month, expected.day)


# --- import hygiene -------------------------------------------------------------------------


def _run_python(code: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_importing_deadlines_does_not_import_holidays() -> None:
    result = _run_python(
        "import sys, rr_tui.deadlines\n"
        "assert 'holidays' not in sys.modules, 'imported at import time'\n"
        "cal = rr_tui.deadlines.england_and_wales()\n"
        "assert 'holidays' not in sys.modules, 'imported when the calendar was built'\n"
        "assert not cal.is_working_day(__import__('datetime').date(2026, 12, 25))\n"
        "assert 'holidays' in sys.modules\n"
    )
    assert result.returncode == 0, result.stderr


def test_domain_modules_do_not_import_textual_or_holidays() -> None:
    result = _run_python(
        "import importlib, sys\n"
        "for name in ('deadlines', 'rules.schedule', 'rules.profile', 'dates', 'config',"
        " 'errors', 'rules.clock'):\n"
        "    importlib.import_module('rr_tui.' + name)\n"
        "    assert 'textual' not in sys.modules, f'rr_tui.{name} imports textual'\n"
        "    if name in ('deadlines', 'schedule', 'profile', 'dates'):\n"
        "        assert 'holidays' not in sys.modules, f'rr_tui.{name} imports holidays'\n"
    )
    assert result.returncode == 0, result.stderr
