"""Dates as people in England type them (issue 12 §1), against independent oracles.

The oracles write a date with ``datetime.strftime``/``strptime`` and plain day counting,
never with rr_tui.dates, and the parser must read back exactly that date (or refuse it
with one of its fixed sentences).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rr_tui.dates import (
    ACCEPTED,
    DAY_FIRST,
    EARLIEST,
    LATEST,
    NEEDS_YEAR,
    NO_SUCH_DATE,
    NOT_A_DATE,
    OUT_OF_RANGE,
    TWO_OR_FOUR,
    DateInputError,
    most_recent,
    parse_user_date,
    uk,
)

TODAY = date(2025, 12, 21)  # a Sunday
DATES = st.dates(min_value=EARLIEST, max_value=LATEST)
TODAYS = st.dates(min_value=date(1991, 1, 1), max_value=date(2100, 12, 1))
WEEKDAY_NAMES = {
    0: ("mon", "monday"),
    1: ("tue", "tues", "tuesday"),
    2: ("wed", "weds", "wednesday"),
    3: ("thu", "thur", "thurs", "thursday"),
    4: ("fri", "friday"),
    5: ("sat", "saturday"),
    6: ("sun", "sunday"),
}
FIXED_SENTENCES = {NOT_A_DATE, NO_SUCH_DATE, DAY_FIRST, NEEDS_YEAR, OUT_OF_RANGE, TWO_OR_FOUR}


def written(d: date, form: int) -> str:
    """``d`` written in one of the accepted forms, by the standard library alone."""
    return [
        d.strftime("%Y-%m-%d"),
        d.strftime("%d/%m/%Y"),
        f"{d.day}/{d.month}/{d.year}",
        f"{d.day}/{d.month}/{d.strftime('%y')}",
        d.strftime("%d-%m-%Y"),
        d.strftime("%d.%m.%Y"),
        f"{d.day} {d.strftime('%b %Y')}",
        f"{d.day} {d.strftime('%B %Y')}",
        d.strftime("%a %d %b %Y"),
        d.strftime("%A, %d %B %Y"),
        f"{d.day} {d.strftime('%b')} {d.strftime('%y')}",
    ][form]


TWO_DIGIT_YEAR_FORMS = {3, 10}


@settings(max_examples=400, deadline=None)
@given(DATES, st.integers(0, 10), st.sampled_from(["", " ", "  ", "\t"]), st.booleans())
def test_every_form_reads_back_the_date_written(d: date, form: int, pad: str, upper: bool) -> None:
    if form in TWO_DIGIT_YEAR_FORMS and not 2000 <= d.year <= 2099:
        return  # two digits mean 20YY: other centuries cannot be written so
    text = written(d, form)
    text = text.upper() if upper else text
    assert parse_user_date(pad + text + pad, TODAY) == d


@settings(max_examples=300, deadline=None)
@given(TODAYS, st.integers(0, 6), st.booleans(), st.data())
def test_a_weekday_is_the_most_recent_such_day_today_included(
    today: date, weekday: int, upper: bool, data: st.DataObject
) -> None:
    name = data.draw(st.sampled_from(WEEKDAY_NAMES[weekday]))
    # Oracle: walk back from today, one calendar day at a time.
    expected = next(
        today - timedelta(days=k)
        for k in range(7)
        if (today - timedelta(days=k)).weekday() == weekday
    )
    assert parse_user_date(name.upper() if upper else name, today) == expected
    assert most_recent(weekday, today) == expected


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 40), st.integers(0, 40), st.integers(1985, 2105))
def test_day_first_numbers_agree_with_strptime(day: int, month: int, year: int) -> None:
    text = f"{day}/{month}/{year}"
    try:
        expected: date | None = datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        expected = None
    if expected is not None and EARLIEST <= expected <= LATEST:
        assert parse_user_date(text, TODAY) == expected
    else:
        with pytest.raises(DateInputError) as caught:
            parse_user_date(text, TODAY)
        assert str(caught.value) in FIXED_SENTENCES


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 31), st.integers(1, 12), st.integers(0, 99))
def test_two_digit_years_are_this_century(day: int, month: int, yy: int) -> None:
    text = f"{day:02d}/{month:02d}/{yy:02d}"
    try:
        expected: date | None = date(2000 + yy, month, day)
    except ValueError:
        expected = None
    if expected is None:
        with pytest.raises(DateInputError, match="no such date"):
            parse_user_date(text, TODAY)
    else:
        assert parse_user_date(text, TODAY) == expected


@settings(max_examples=200, deadline=None)
@given(DATES.filter(lambda d: d.day > 12))
def test_the_us_order_is_never_taken(d: date) -> None:
    with pytest.raises(DateInputError) as caught:
        parse_user_date(f"{d.month}/{d.day}/{d.year}", TODAY)
    assert str(caught.value) == DAY_FIRST


@settings(max_examples=200, deadline=None)
@given(DATES)
def test_what_the_field_shows_reads_back(d: date) -> None:
    assert parse_user_date(uk(d), TODAY) == d


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-12-19", date(2025, 12, 19)),
        ("19/12/2025", date(2025, 12, 19)),
        ("1/2/2025", date(2025, 2, 1)),  # 1 February, never 2 January
        ("01/02/2025", date(2025, 2, 1)),
        ("1/2/25", date(2025, 2, 1)),
        ("19 Dec 2025", date(2025, 12, 19)),
        ("19 December 2025", date(2025, 12, 19)),
        ("19 december 2025", date(2025, 12, 19)),
        ("19th December 2025", date(2025, 12, 19)),
        ("1st of May 2026", date(2026, 5, 1)),
        ("19 Sept 2025", date(2025, 9, 19)),
        ("Fri 19 Dec 2025", date(2025, 12, 19)),
        ("  19/12/2025  ", date(2025, 12, 19)),
        ("today", TODAY),
        ("Yesterday", date(2025, 12, 20)),
        ("sun", TODAY),  # today included
        ("fri", date(2025, 12, 19)),
        ("Monday", date(2025, 12, 15)),
        ("2024-02-29", date(2024, 2, 29)),
        ("29/2/24", date(2024, 2, 29)),
        ("19-Dec-2025", date(2025, 12, 19)),  # as Excel writes it
        ("1-Jan-26", date(2026, 1, 1)),
        ("19 / 12 / 2025", date(2025, 12, 19)),
        ("Fri.", date(2025, 12, 19)),
        ("19 Dec. 2025", date(2025, 12, 19)),
        ("Friday, 19th of December, 2025", date(2025, 12, 19)),
    ],
)
def test_accepts(text: str, expected: date) -> None:
    assert parse_user_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["today", "Yesterday", "sun", "Monday", "Fri.", "19/12/2025"])
def test_today_as_a_function_is_asked_only_for_relative_dates(text: str) -> None:
    """The command line passes the clock as a function: absolute dates never read it."""
    asked: list[bool] = []

    def clock() -> date:
        asked.append(True)
        return TODAY

    assert parse_user_date(text, clock) == parse_user_date(text, TODAY)
    assert bool(asked) == (text[0].isalpha() and "dec" not in text.lower())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12/31/2025", DAY_FIRST),
        ("31/02/2025", NO_SUCH_DATE),
        ("29/2/25", NO_SUCH_DATE),
        ("31 Feb 2025", NO_SUCH_DATE),
        ("19/12", NEEDS_YEAR),
        ("19 Dec", NEEDS_YEAR),
        ("1/2/3", TWO_OR_FOUR),
        ("19/12/025", TWO_OR_FOUR),
        ("20251219", NOT_A_DATE),
        ("tomorrow", NOT_A_DATE),
        ("last friday", NOT_A_DATE),
        ("Dec 2025", NOT_A_DATE),
        ("Dec 19 2025", NOT_A_DATE),  # month first: not how England writes it
        ("19-12", NEEDS_YEAR),
        ("", NOT_A_DATE),
        ("   ", NOT_A_DATE),
        ("19/12-2025", NOT_A_DATE),
        ("1/1/1989", OUT_OF_RANGE),
        ("2101-01-01", OUT_OF_RANGE),
        ("Mon 19 Dec 2025", "that date is a Friday, not a Monday"),
    ],
)
def test_refuses_with_a_sentence_saying_what_is_accepted(text: str, message: str) -> None:
    with pytest.raises(DateInputError) as caught:
        parse_user_date(text, TODAY)
    assert str(caught.value) == message


def test_the_refusal_names_every_accepted_form() -> None:
    for form in ("19/12/2025", "19/12/25", "19 Dec 2025", "2025-12-19", "today", "yesterday"):
        assert form in ACCEPTED
    assert "weekday" in ACCEPTED


def test_today_in_england_is_the_date_on_englands_clocks() -> None:
    """--today wins; otherwise England's date (pendulum, the second clock, agrees), not the
    server's: at 00:30 BST the UTC date is still yesterday."""
    import pendulum

    from rr_tui.rules.clock import today_in_england

    assert today_in_england(date(2026, 6, 15)) == date(2026, 6, 15)
    before = pendulum.now("Europe/London").date()
    today = today_in_england()
    after = pendulum.now("Europe/London").date()
    assert today in {
        date(before.year, before.month, before.day),
        date(after.year, after.month, after.day),
    }
