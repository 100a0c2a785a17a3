"""Every command-line date takes the forms people in England type (issue 12 §1)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from factories import cli
from factories import seeded as seeded_db

TODAY = date(2026, 3, 10)  # a Tuesday


@pytest.fixture
def seeded(db_url: str) -> str:
    return seeded_db(db_url, TODAY)


@pytest.mark.parametrize(
    "start", ["2026-12-18", "18/12/2026", "18/12/26", "18 Dec 2026", " 18 December 2026 "]
)
def test_deadline_reads_every_form(capsys: pytest.CaptureFixture[str], start: str) -> None:
    assert cli(capsys, "deadline", start, "15") == (0, "2027-01-13\n", "")


def test_relative_dates_follow_the_given_today(capsys: pytest.CaptureFixture[str]) -> None:
    # --today may come after the argument that depends on it, and may itself be a weekday
    # (relative to the real date, so only its weekday is checked here).
    assert cli(capsys, "deadline", "fri", "1", "--today", "18/12/2026") == (
        0,
        "2026-12-21\n",
        "",
    )
    assert cli(capsys, "--today", "Thu 17 Dec 2026", "deadline", "yesterday", "1") == (
        0,
        "2026-12-17\n",
        "",
    )
    code, out, err = cli(capsys, "--today", "wed", "deadline", "today", "1")
    assert (code, err) == (0, "")
    assert date.fromisoformat(out.strip()).weekday() == 3  # a Thursday, the WD after


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("deadline", "12/18/2026", "15"), "the day comes first"),
        (("deadline", "18/12", "15"), "give the year too"),
        (("--today", "soon", "profile"), "not a date: type the day first"),
        (("report", "--from", "31/04/2026", "--to", "1/5/2026"), "no such date"),
    ],
)
def test_refusals_say_what_is_accepted(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], words: str
) -> None:
    code, out, err = cli(capsys, *args)
    assert (code, out) == (2, "")
    assert words in err
    assert err.startswith("rr-tui: ") and err.count("\n") == 1


def test_record_takes_a_weekday_and_a_uk_date(
    capsys: pytest.CaptureFixture[str], seeded: str
) -> None:
    base = ("--db", seeded, "--today", "10/3/2026")
    code, out, err = cli(capsys, *base, "record", "DEMO-2026-002", "sin_submitted", "mon")
    assert (code, err) == (0, "")
    assert out == "recorded sin_submitted on Mon 9 Mar 2026\n"
    code, out, err = cli(
        capsys, *base, "record", "DEMO-2026-003", "scoping_requests_sent", "Monday 9 March 2026"
    )
    assert (code, err) == (0, "")
    assert "scoping_requests_sent on Mon 9 Mar 2026" in out


def test_report_period_in_uk_dates(capsys: pytest.CaptureFixture[str], seeded: str) -> None:
    iso = cli(
        capsys, "--db", seeded, "report", "--from", "2026-01-01", "--to", "2026-03-31", "--json"
    )
    uk = cli(
        capsys, "--db", seeded, "report", "--from", "1/1/2026", "--to", "31 Mar 2026", "--json"
    )
    assert iso[0] == 0 and iso == uk
    assert json.loads(uk[1])
