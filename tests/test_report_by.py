"""report --by start|notification|incident: which period a case's figures fall in."""

from __future__ import annotations

import json
from datetime import date as D
from pathlib import Path

import pytest

from rr_tui.cli.main import main
from rr_tui.records import CaseFields, ChildFields
from rr_tui.reports.timeliness import figures, financial_year
from rr_tui.rules.profile import ENGLAND
from rr_tui.store import Store

FY24, FY25 = financial_year(2024), financial_year(2025)


def build(url: str) -> None:
    store = Store(url, create=True)
    try:
        # Incident in March 2025 (FY 2024-25), LA aware 28 Mar, SIN 2 Apr (FY 2025-26).
        store.create_case(
            CaseFields("RR-A", incident_date=D(2025, 3, 20)),
            {
                "incident_aware": D(2025, 3, 28),
                "sin_submitted": D(2025, 4, 2),
                "referral_received": D(2025, 4, 3),
                "panel_notified": D(2025, 4, 17),
            },
            (ChildFields("AA"),),
        )
        # A looked-after child's death: a notification only (no Panel measure).
        store.create_case(
            CaseFields("LAC-B", kind="lac_death", incident_date=D(2025, 5, 1)),
            {
                "incident_aware": D(2025, 5, 2),
                "sin_submitted": D(2025, 5, 6),
                "referral_received": D(2025, 5, 6),
            },
        )
        # No incident date recorded: in no period by incident.
        store.create_case(
            CaseFields("RR-C"),
            {"incident_aware": D(2025, 6, 2), "sin_submitted": D(2025, 6, 12)},
        )
    finally:
        store.close()


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = "sqlite:///" + str(tmp_path / "rr.db")
    build(url)
    return url


def totals(url: str, by: str, period: object) -> dict[str, tuple[int, int, int]]:
    store = Store(url)
    try:
        records = store.list_cases(include_closed=True)
    finally:
        store.close()
    result = figures(records, ENGLAND, period, by=by)  # type: ignore[arg-type]
    return {m: (f.total, f.met, f.pending) for m, f in result.items()}


def test_by_start_counts_each_measure_from_its_own_starting_event(url: str) -> None:
    fy25 = totals(url, "start", FY25)
    # SIN measure: B (aware 2 May) and C (aware 2 Jun; SIN late); A's awareness is in FY24.
    assert fy25["sin_within_5wd"] == (2, 1, 0)
    # Panel measure, from the clock start (the SIN): A sent; C's clock started 12 Jun and
    # nothing is sent yet (pending); B is a notification, not a rapid review.
    assert fy25["panel_within_15wd"] == (1, 1, 1)
    assert totals(url, "start", FY24)["sin_within_5wd"] == (1, 1, 0)  # A


def test_by_notification_counts_cases_in_the_year_of_their_sin(url: str) -> None:
    assert totals(url, "notification", FY25)["sin_within_5wd"] == (3, 2, 0)
    assert totals(url, "notification", FY24)["sin_within_5wd"] == (0, 0, 0)


def test_by_incident_counts_cases_in_the_year_of_the_incident(url: str) -> None:
    assert totals(url, "incident", FY24)["sin_within_5wd"] == (1, 1, 0)  # A
    assert totals(url, "incident", FY24)["panel_within_15wd"] == (1, 1, 0)
    assert totals(url, "incident", FY25)["sin_within_5wd"] == (1, 1, 0)  # B; C has no date


def test_the_command_takes_by_and_says_how_cases_were_counted(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", url, "report", "--financial-year", "2024", "--by", "incident"]) == 0
    out = capsys.readouterr().out
    assert "counted in the period by the incident date" in out
    assert main(["--db", url, "report", "--financial-year", "2025", "--json"]) == 0
    default = json.loads(capsys.readouterr().out)
    assert default["sin_within_5wd"]["total"] == 2
    assert (
        main(["--db", url, "report", "--financial-year", "2025", "--by", "notification", "--json"])
        == 0
    )
    assert json.loads(capsys.readouterr().out)["sin_within_5wd"]["total"] == 3
    assert main(["--db", url, "report", "--year", "2025", "--by", "sin"]) == 2
    assert "--by" in capsys.readouterr().err
