"""Timeliness figures for the yearly report, against cases with hand-counted answers.

Every expected working-day count below was counted by hand on the England and
Wales calendar (the trigger is day 0; bank holidays named where they matter).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from factories import assert_one_line_error, cli

from rr_tui.records import CaseFields, ChildFields, MeetingRecord
from rr_tui.reports.timeliness import (
    MEASURES,
    Figure,
    Period,
    by_quarter,
    calendar_year,
    figures,
    financial_year,
    quarters,
)
from rr_tui.rules.profile import ENGLAND, customise
from rr_tui.store import Store

D = date
FY2025 = financial_year(2025)  # 1 Apr 2025 to 31 Mar 2026
FIGURE_KEYS = {"total", "met", "pending", "missed", "paused", "median_wd"}
AWARE, SIN = "incident_aware", "sin_submitted"
REFERRAL, PANEL = "referral_received", "panel_notified"


def make_case(
    store: Store,
    reference: str,
    steps: dict[str, date],
    decision: str | None = None,
    status: str = "open",
    national_referral: bool | None = None,
) -> int:
    """A case with these steps done; with a decision, the meeting date is ``rr_meeting``."""
    steps = dict(steps)
    meeting = steps.pop("rr_meeting", None)
    case_id = store.create_case(
        CaseFields(reference=reference, status=status), steps, (ChildFields("Zebedee Quill"),)
    )
    if meeting is not None or decision is not None:
        store.record_meeting(
            case_id,
            0,
            meeting,
            MeetingRecord(decision=decision, national_referral=national_referral),
        )
    return case_id


def run_figures(store: Store, period: Period) -> dict[str, Figure]:
    return figures(store.list_cases(include_closed=True), ENGLAND, period)


# -- SIN within 5 working days ----------------------------------------------------------


# Each case: its reference and the (AWARE, SIN) dates; None where the SIN is not recorded.
SIN_CASES = [
    pytest.param(
        # Mon 2 Jun 2025: WD 5 is Mon 9 Jun, WD 6 Tue 10 Jun (no bank holiday).
        [("SIN-5", D(2025, 6, 2), D(2025, 6, 9)), ("SIN-6", D(2025, 6, 2), D(2025, 6, 10))],
        Figure(total=2, met=1, pending=0, median_wd=5.5),
        id="exactly five working days is met and six is not",
    ),
    pytest.param(
        [
            ("SIN-WAIT", D(2025, 6, 2), None),
            ("SIN-OK", D(2025, 6, 2), D(2025, 6, 4)),
            ("NO-AWARE", None, D(2025, 6, 4)),  # no start: not counted
        ],
        Figure(total=1, met=1, pending=1, median_wd=2.0),
        id="not recorded is pending and not in the total",
    ),
    pytest.param(
        # Mon 22 Dec 2025: 23 (1), 24 (2), [25, 26 bank holidays, weekend], 29 (3), 30 (4),
        # 31 (5), [Thu 1 Jan bank holiday], Fri 2 Jan 2026 (6).
        [("XMAS-5", D(2025, 12, 22), D(2025, 12, 31)), ("XMAS-6", D(2025, 12, 22), D(2026, 1, 2))],
        Figure(total=2, met=1, pending=0, median_wd=5.5),
        id="over Christmas bank holidays are counted out",
    ),
    pytest.param(
        [
            # Thu 17 Apr 2025: [Good Friday 18, weekend, Easter Monday 21], 22 (1) ... Mon 28 (5).
            ("EASTER-25", D(2025, 4, 17), D(2025, 4, 28)),
            # Tue 31 Mar 2026 (last day of the year): 1 Apr (1), 2 Apr (2), [Good Friday 3 Apr,
            # weekend, Easter Monday 6 Apr], 7 (3), 8 (4), Thu 9 Apr (5): met, though after the
            # year.
            ("EASTER-26", D(2026, 3, 31), D(2026, 4, 9)),
            # Tue 1 Apr 2025, the first day: 2, 3, 4 (3), 7, 8 (5), Wed 9 Apr 2025 (6): not met.
            ("FIRST-DAY", D(2025, 4, 1), D(2025, 4, 9)),
        ],
        Figure(total=3, met=2, pending=0, median_wd=5.0),
        id="over Easter Good Friday and Easter Monday are counted out",
    ),
]


@pytest.mark.parametrize(("cases", "expected"), SIN_CASES)
def test_sin_within_five_working_days(
    store: Store, cases: list[tuple[str, date | None, date | None]], expected: Figure
) -> None:
    for reference, aware, sin in cases:
        steps = {AWARE: aware, SIN: sin}
        make_case(store, reference, {step: on for step, on in steps.items() if on is not None})
    assert run_figures(store, FY2025)["sin_within_5wd"] == expected


def test_nothing_in_the_period_gives_zeros_and_no_median(store: Store) -> None:
    make_case(store, "OLD", {AWARE: D(2024, 6, 3), SIN: D(2024, 6, 4)})
    result = run_figures(store, FY2025)
    assert set(result) == set(MEASURES)
    for figure in result.values():
        assert figure == Figure(0, 0, 0, None)


def test_cases_outside_the_period_are_ignored(store: Store) -> None:
    make_case(store, "IN", {AWARE: D(2025, 6, 2), SIN: D(2025, 6, 3)})
    # The day before and the day after the financial year; both late, both pending.
    make_case(store, "BEFORE", {AWARE: D(2025, 3, 31), SIN: D(2025, 5, 1)})
    make_case(store, "AFTER", {AWARE: D(2026, 4, 1)})
    make_case(store, "REF-BEFORE", {REFERRAL: D(2025, 3, 31)})
    sin = run_figures(store, FY2025)["sin_within_5wd"]
    assert sin == Figure(total=1, met=1, pending=0, median_wd=1.0)
    # The clock starts at the SINs of IN (Tue 3 Jun 2025) and BEFORE (Thu 1 May 2025), both in
    # the year: not sent, so pending (no today given).
    assert run_figures(store, FY2025)["panel_within_15wd"] == Figure(0, 0, 2, None)


def test_closed_cases_count(store: Store) -> None:
    make_case(
        store,
        "CLOSED",
        {AWARE: D(2025, 6, 2), SIN: D(2025, 6, 3)},
        status="closed",
    )
    assert run_figures(store, FY2025)["sin_within_5wd"] == Figure(1, 1, 0, 1.0)


def test_median_of_an_odd_and_an_even_number_of_cases(store: Store) -> None:
    # From Mon 2 Jun 2025: Wed 4 Jun is 2 WD, Mon 9 Jun 5, Fri 13 Jun 9, Tue 10 Jun 6.
    for ref, sin in (("M-2", D(2025, 6, 4)), ("M-5", D(2025, 6, 9)), ("M-9", D(2025, 6, 13))):
        make_case(store, ref, {AWARE: D(2025, 6, 2), SIN: sin})
    assert run_figures(store, FY2025)["sin_within_5wd"] == Figure(3, 2, 0, 5.0)
    make_case(store, "M-6", {AWARE: D(2025, 6, 2), SIN: D(2025, 6, 10)})
    # 2, 5, 6, 9: the mean of the middle two.
    assert run_figures(store, FY2025)["sin_within_5wd"] == Figure(4, 2, 0, 5.5)


# -- Panel within 15 working days of the referral -------------------------------------


def test_panel_within_15_working_days_of_the_referral(store: Store) -> None:
    # Mon 1 Dec 2025: WD 15 is Mon 22 Dec, WD 16 Tue 23 Dec.
    make_case(store, "P-15", {REFERRAL: D(2025, 12, 1), PANEL: D(2025, 12, 22)})
    make_case(store, "P-16", {REFERRAL: D(2025, 12, 1), PANEL: D(2025, 12, 23)})
    # Fri 12 Dec 2025, over Christmas and New Year: WD 15 is Wed 7 Jan 2026, 16 Thu 8 Jan.
    make_case(store, "PX-15", {REFERRAL: D(2025, 12, 12), PANEL: D(2026, 1, 7)})
    make_case(store, "PX-16", {REFERRAL: D(2025, 12, 12), PANEL: D(2026, 1, 8)})
    make_case(store, "P-WAIT", {REFERRAL: D(2026, 3, 20)})
    # The SIN is not the Panel notification: awareness alone is not in this measure.
    make_case(store, "SIN-ONLY", {AWARE: D(2025, 12, 1)})
    panel = run_figures(store, FY2025)["panel_within_15wd"]
    assert panel == Figure(total=4, met=2, pending=1, median_wd=15.5)


# -- final report within 6 calendar months of the decision ----------------------------


def test_lcspr_published_within_six_months_of_initiation_lcsprs_only(store: Store) -> None:
    # Initiated at the meeting, Wed 14 May 2025; 6 months on is Fri 14 Nov 2025: 26 weeks to
    # Wed 12 Nov (130 weekdays) + 13, 14 Nov - 26 May and 25 Aug bank holidays = 130 WD.
    make_case(
        store,
        "F-LCSPR",
        {"rr_meeting": D(2025, 5, 14), "published": D(2025, 11, 14)},
        decision="lcspr",
    )
    make_case(
        store,
        "F-LATE",
        {"rr_meeting": D(2025, 5, 14), "published": D(2025, 11, 17)},
        decision="lcspr",
    )
    make_case(store, "F-WAIT", {"rr_meeting": D(2025, 9, 1)}, decision="lcspr")
    # Not LCSPRs, whatever is recorded (a joint review is a full review, not an LCSPR):
    for ref, decision in (
        ("F-JOINT", "joint_review"),
        ("F-NATIONAL", None),
        ("F-OTHER", "other_learning_review"),
        ("F-NFR", "no_further_review"),
    ):
        make_case(
            store, ref, {"rr_meeting": D(2025, 6, 2), "published": D(2025, 7, 2)}, decision=decision
        )
    # Initiated the year before: not this year's figure.
    make_case(
        store,
        "F-BEFORE",
        {"rr_meeting": D(2025, 3, 20), "published": D(2025, 12, 1)},
        decision="lcspr",
    )
    final = run_figures(store, FY2025)["lcspr_published_within_6_months"]
    assert final == Figure(total=2, met=1, pending=1, median_wd=130.5)
    # On 1 Apr 2026, F-WAIT (initiated Mon 1 Sep 2025, due Sun 1 Mar 2026) is missed.
    late = figures(store.list_cases(include_closed=True), ENGLAND, FY2025, D(2026, 4, 1))
    assert late["lcspr_published_within_6_months"] == Figure(2, 1, 0, 130.5, missed=1)


def test_missed_and_pending_follow_today(store: Store) -> None:
    # Aware Mon 2 Feb 2026: the SIN is due Mon 9 Feb.
    make_case(store, "WAIT", {AWARE: D(2026, 2, 2)})
    records = store.list_cases(include_closed=True)
    assert figures(records, ENGLAND, FY2025, D(2026, 2, 9))["sin_within_5wd"] == Figure(
        0, 0, 1, None
    )
    assert figures(records, ENGLAND, FY2025, D(2026, 2, 10))["sin_within_5wd"] == Figure(
        0, 0, 0, None, missed=1
    )


def test_the_panel_measure_follows_the_profile_clock(store: Store) -> None:
    # SIN Mon 1 Dec 2025, referral Wed 3 Dec, RR sent Mon 22 Dec: 15 WD from the SIN (met),
    # 13 from the referral. Under clock = "referral" the clock starts at the referral.
    make_case(
        store, "BOTH", {SIN: D(2025, 12, 1), REFERRAL: D(2025, 12, 3), PANEL: D(2025, 12, 22)}
    )
    records = store.list_cases(include_closed=True)
    assert figures(records, ENGLAND, FY2025)["panel_within_15wd"] == Figure(1, 1, 0, 15.0)
    referral = customise(ENGLAND, {"clock": "referral"})
    assert figures(records, referral, FY2025)["panel_within_15wd"] == Figure(1, 1, 0, 13.0)


# -- periods and quarters -------------------------------------------------------------


def test_financial_and_calendar_years() -> None:
    assert financial_year(2025) == Period(D(2025, 4, 1), D(2026, 3, 31), "2025-26")
    assert financial_year(1999).label == "1999-00"
    assert calendar_year(2025) == Period(D(2025, 1, 1), D(2025, 12, 31), "2025")
    assert D(2026, 3, 31) in FY2025
    assert D(2026, 4, 1) not in FY2025


def test_quarters_of_a_financial_year_start_in_april() -> None:
    assert quarters(FY2025) == [
        Period(D(2025, 4, 1), D(2025, 6, 30), "2025-26 Q1"),
        Period(D(2025, 7, 1), D(2025, 9, 30), "2025-26 Q2"),
        Period(D(2025, 10, 1), D(2025, 12, 31), "2025-26 Q3"),
        Period(D(2026, 1, 1), D(2026, 3, 31), "2025-26 Q4"),
    ]


def test_quarters_of_a_calendar_year() -> None:
    assert quarters(calendar_year(2024)) == [
        Period(D(2024, 1, 1), D(2024, 3, 31), "2024 Q1"),
        Period(D(2024, 4, 1), D(2024, 6, 30), "2024 Q2"),
        Period(D(2024, 7, 1), D(2024, 9, 30), "2024 Q3"),
        Period(D(2024, 10, 1), D(2024, 12, 31), "2024 Q4"),
    ]


def test_quarters_of_an_arbitrary_period_are_clipped_calendar_quarters() -> None:
    period = Period(D(2025, 2, 15), D(2025, 8, 10), "custom")
    assert quarters(period) == [
        Period(D(2025, 2, 15), D(2025, 3, 31), "2025 Q1"),
        Period(D(2025, 4, 1), D(2025, 6, 30), "2025 Q2"),
        Period(D(2025, 7, 1), D(2025, 8, 10), "2025 Q3"),
    ]
    across = Period(D(2025, 11, 20), D(2026, 1, 10), "winter")
    assert quarters(across) == [
        Period(D(2025, 11, 20), D(2025, 12, 31), "2025 Q4"),
        Period(D(2026, 1, 1), D(2026, 1, 10), "2026 Q1"),
    ]
    one_day = Period(D(2025, 5, 5), D(2025, 5, 5), "day")
    assert quarters(one_day) == [Period(D(2025, 5, 5), D(2025, 5, 5), "2025 Q2")]


def test_by_quarter_puts_each_case_in_its_quarter(store: Store) -> None:
    make_case(store, "Q1", {AWARE: D(2025, 6, 30), SIN: D(2025, 7, 7)})
    make_case(store, "Q3", {AWARE: D(2025, 12, 22), SIN: D(2026, 1, 2)})
    make_case(store, "Q4", {AWARE: D(2026, 1, 5)})
    result = by_quarter(store.list_cases(include_closed=True), ENGLAND, FY2025)
    sin = {q.label: f["sin_within_5wd"] for q, f in result}
    # Mon 30 Jun 2025 to Mon 7 Jul: 5 WD.
    assert sin == {
        "2025-26 Q1": Figure(1, 1, 0, 5.0),
        "2025-26 Q2": Figure(0, 0, 0, None),
        "2025-26 Q3": Figure(1, 0, 0, 6.0),
        "2025-26 Q4": Figure(0, 0, 1, None),
    }


# -- the command line -----------------------------------------------------------------


@pytest.fixture
def report_db(store: Store, db_url: str) -> str:
    """A year of cases with known figures; returns the database URL."""
    make_case(store, "SIN-5", {AWARE: D(2025, 6, 2), SIN: D(2025, 6, 9)})
    make_case(store, "SIN-6", {AWARE: D(2025, 6, 2), SIN: D(2025, 6, 10)})
    make_case(store, "XMAS-5", {AWARE: D(2025, 12, 22), SIN: D(2025, 12, 31)})
    make_case(store, "SIN-WAIT", {AWARE: D(2026, 2, 2)})
    # In calendar 2025, not in financial 2025-26:
    make_case(store, "MARCH", {AWARE: D(2025, 3, 3), SIN: D(2025, 3, 4)})
    make_case(store, "P-15", {REFERRAL: D(2025, 12, 1), PANEL: D(2025, 12, 22)})
    make_case(
        store,
        "F-LCSPR",
        {REFERRAL: D(2025, 5, 1), "rr_meeting": D(2025, 5, 14)},
        decision="lcspr",
    )
    return db_url


def report(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    """``rr-tui report ARGS`` on ``url``, with today Tue 10 Mar 2026."""
    return cli(capsys, "--db", url, "--today", "2026-03-10", "report", *args)


def test_report_financial_year_json(capsys: pytest.CaptureFixture[str], report_db: str) -> None:
    code, out, err = report(capsys, report_db, "--financial-year", "2025", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert set(data) == {
        *MEASURES,
        "counts",
        "recommendations",
        "immediate_actions",
        "paused_cases",
    }
    assert data["recommendations"] == {"made": 0, "actions_done": 0, "actions_overdue": 0}
    assert data["paused_cases"] == 0
    for measure in MEASURES:
        assert set(data[measure]) == FIGURE_KEYS
    # SIN-WAIT (aware Mon 2 Feb 2026, SIN due Mon 9 Feb) is past due on 10 Mar: missed.
    assert data["sin_within_5wd"] == {
        "total": 3,
        "met": 2,
        "pending": 0,
        "missed": 1,
        "paused": 0,
        "median_wd": 5.0,
    }
    # The clock starts at the SIN where there is one: SIN-5, SIN-6 and XMAS-5 were never
    # sent and are long past due, as is F-LCSPR (from its referral, Thu 1 May 2025).
    assert data["panel_within_15wd"] == {
        "total": 1,
        "met": 1,
        "pending": 0,
        "missed": 4,
        "paused": 0,
        "median_wd": 15.0,
    }
    # F-LCSPR, initiated at its meeting (Wed 14 May 2025), unpublished on 14 Nov 2025: missed.
    assert data["lcspr_published_within_6_months"] == {
        "total": 0,
        "met": 0,
        "pending": 0,
        "missed": 1,
        "paused": 0,
        "median_wd": None,
    }
    assert data["counts"] == {
        "sins": 3,
        "rapid_reviews_sent": 1,
        "decisions": {"lcspr": 1},
        "national_referrals": 0,
        "lcspr_initiated": 1,
        "lcspr_published": 0,
    }


def test_report_calendar_year_and_explicit_period(
    capsys: pytest.CaptureFixture[str], report_db: str
) -> None:
    code, out, err = cli(
        capsys, "--db", report_db, "--today", "2026-03-10", "report", "--year", "2025", "--json"
    )
    assert (code, err) == (0, "")
    # March's case (1 WD) joins; February 2026's pending case leaves.
    assert json.loads(out)["sin_within_5wd"] == {
        "total": 4,
        "met": 3,
        "pending": 0,
        "missed": 0,
        "paused": 0,
        "median_wd": 5.0,
    }
    code, out, err = report(
        capsys, report_db, "--from", "2025-06-02", "--to", "2025-06-02", "--json"
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["sin_within_5wd"] == {
        "total": 2,
        "met": 1,
        "pending": 0,
        "missed": 0,
        "paused": 0,
        "median_wd": 5.5,
    }
    assert data["panel_within_15wd"] == {
        "total": 0,
        "met": 0,
        "pending": 0,
        "missed": 0,
        "paused": 0,
        "median_wd": None,
    }


def test_report_csv_has_the_period_and_each_quarter(
    capsys: pytest.CaptureFixture[str], report_db: str
) -> None:
    code, out, err = report(capsys, report_db, "--financial-year", "2025", "--csv")
    assert (code, err) == (0, "")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [
        "period",
        "measure",
        "total",
        "met",
        "pending",
        "missed",
        "paused",
        "median_wd",
    ]
    body = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert len(rows) == 1 + 5 * 3 == 1 + len(body)
    labels = ["2025-26", "2025-26 Q1", "2025-26 Q2", "2025-26 Q3", "2025-26 Q4"]
    assert [r[0] for r in rows[1::3]] == labels
    assert [r[1] for r in rows[1:4]] == list(MEASURES)
    assert body[("2025-26", "sin_within_5wd")] == ["3", "2", "0", "1", "0", "5"]
    assert body[("2025-26 Q1", "sin_within_5wd")] == ["2", "1", "0", "0", "0", "5.5"]
    assert body[("2025-26 Q2", "sin_within_5wd")] == ["0", "0", "0", "0", "0", ""]
    assert body[("2025-26 Q3", "sin_within_5wd")] == ["1", "1", "0", "0", "0", "5"]
    assert body[("2025-26 Q4", "sin_within_5wd")] == ["0", "0", "0", "1", "0", ""]
    assert body[("2025-26 Q3", "panel_within_15wd")] == ["1", "1", "0", "1", "0", "15"]
    assert body[("2025-26 Q1", "lcspr_published_within_6_months")] == ["0", "0", "0", "1", "0", ""]


def test_report_text_names_the_period_and_quarters(
    capsys: pytest.CaptureFixture[str], report_db: str
) -> None:
    code, out, err = cli(
        capsys, "--db", report_db, "--today", "2026-03-10", "report", "--financial-year", "2025"
    )
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "Timeliness, 2025-26"
    assert "2 of 3 met; 1 missed; 0 pending; median 5 WD" in out
    assert "2025-26 Q4: 0 of 0 met; 1 missed; 0 pending" in out
    assert "Counts: 3 SINs; 1 rapid reviews sent to the Panel; decisions: Local CSPR 1" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--to", "2025-06-30"), "--from"),
        (("--year", "2025", "--to", "2025-06-30"), "--to goes with --from"),
        (("--from", "2025-06-01"), "--from needs --to"),
        (("--from", "2025-06-30", "--to", "2025-06-01"), "--to is before --from"),
        (("--year", "2025", "--financial-year", "2025"), "not allowed with"),
        (("--from", "2025-02-30", "--to", "2025-06-01"), "no such date"),
    ],
)
def test_report_period_errors_are_one_line(
    capsys: pytest.CaptureFixture[str],
    store: Store,
    db_url: str,
    args: tuple[str, ...],
    message: str,
) -> None:
    code, out, err = cli(capsys, "--db", db_url, "report", *args)
    assert code == 2
    assert out == ""
    assert_one_line_error(err)
    assert message in err
