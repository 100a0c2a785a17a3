"""``rr-tui digest``: overdue and due within N working days, by owner, never a child (§7).

The window is checked against the naive one-day-at-a-time calendar in ``oracle.py``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from factories import cli
from hypothesis import example, given, settings
from hypothesis import strategies as st
from oracle import GOV_UK

from rr_tui.demo import seed
from rr_tui.records import (
    ActionRecord,
    AgencyRecord,
    CaseFields,
    CaseRecord,
    ChildFields,
    MeetingRecord,
)
from rr_tui.reports.digest import DueAction, digest, digest_text
from rr_tui.rules.profile import ENGLAND
from rr_tui.rules.schedule import compute
from rr_tui.store import Store

TODAY = date(2026, 11, 26)  # Thursday


@pytest.fixture
def team(tmp_path: Path) -> str:
    """The demo cases, plus a case whose child, notes and action text must never appear."""
    url = "sqlite:///" + str(tmp_path / "team.db")
    store = Store(url, create=True)
    try:
        seed(store, TODAY)
        secret = store.create_case(
            CaseFields(
                reference="RR-2026-900",
                owner="  b.  kaur ",
                notes="Zoë lives with her aunt",
            ),
            {
                "incident_aware": date(2026, 11, 16),
                "sin_submitted": date(2026, 11, 17),
                "referral_received": date(2026, 11, 17),
            },
            (ChildFields("Zoë Secretname"),),
        )
        store.record_meeting(
            secret,
            0,
            date(2026, 11, 24),
            MeetingRecord(
                decision="lcspr",
                actions=(
                    ActionRecord("Visit Zoë Secretname at home", "Police", date(2026, 11, 30)),
                    ActionRecord("Done already", "Health", date(2026, 11, 27), date(2026, 11, 25)),
                    ActionRecord("No date yet", "School"),
                    ActionRecord("Check Zoë's school", "", date(2026, 11, 20)),
                ),
            ),
        )
        closed = store.create_case(
            CaseFields(reference="RR-2026-901", owner="B. Kaur", status="closed"),
            {"incident_aware": date(2026, 11, 16)},
        )
        del closed
    finally:
        store.close()
    return url


def test_digest_by_owner_with_steps_returns_and_actions(
    capsys: pytest.CaptureFixture[str], team: str
) -> None:
    code, out, err = cli(capsys, "--db", team, "--today", "26/11/2026", "digest")
    assert (code, err) == (0, "")
    assert out.startswith(
        "Rapid reviews: overdue, and due in the next 5 working days (to Thu 3 Dec 2026)."
    )
    assert "== A. Patel:" in out and "== J. Okafor:" in out and "== R. Hughes:" in out
    kaur = out.split("== b. kaur:")[1].split("\n\n")[0]
    assert re.search(r"RR-2026-900 +meeting action 1 \(Police\) +due Mon 30 Nov  2 WD left", kaur)
    assert re.search(r"meeting action 4 +due Fri 20 Nov  OVERDUE by 4 WD", kaur)
    assert "meeting action 2" not in kaur and "meeting action 3" not in kaur  # done; no date
    assert "agency return: Children's social care" in out  # DEMO-2026-004's late return
    assert "RR-2026-901" not in out  # closed
    # Never a child, nor any free text that might name one.
    for secret in ("Zoë", "Secretname", "aunt", "Visit", "Check", "Child "):
        assert secret not in out


def test_owner_filter_ignores_case_and_spaces(
    capsys: pytest.CaptureFixture[str], team: str
) -> None:
    code, out, _ = cli(
        capsys, "--db", team, "--today", "26/11/2026", "digest", "--owner", "B. KAUR"
    )
    assert code == 0
    assert out.count("== ") == 1 and "== b. kaur:" in out
    code, out, _ = cli(capsys, "--db", team, "--today", "26/11/2026", "digest", "--owner", "nobody")
    assert code == 0 and "Nothing is overdue or due in the next 5 working days." in out


def test_skip_empty_prints_nothing_for_mail_e(
    capsys: pytest.CaptureFixture[str], team: str
) -> None:
    args = ("--db", team, "--today", "26/11/2026", "digest", "--owner", "nobody", "--skip-empty")
    assert cli(capsys, *args) == (0, "", "")


@pytest.mark.parametrize("days", ["-1", "61", "two"])
def test_days_must_be_a_sensible_number(
    capsys: pytest.CaptureFixture[str], team: str, days: str
) -> None:
    code, out, err = cli(capsys, "--db", team, "digest", "--days", days)
    assert (code, out) == (2, "")
    assert "--days" in err


def test_zero_days_is_overdue_and_due_today(team: str) -> None:
    store = Store(team)
    try:
        groups = digest(store.list_cases(), store.due_actions(), ENGLAND, TODAY, days=0)
    finally:
        store.close()
    items = [i for items in groups.values() for i in items]
    assert items and all(i.due <= TODAY for i in items)
    assert "due today" in digest_text(groups, TODAY, 0)


STEP_IDS = [s.id for s in ENGLAND.steps if not s.per_agency]


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(STEP_IDS),
        st.integers(-60, 10).map(lambda n: TODAY + timedelta(days=n)),
        max_size=6,
    ),
    st.integers(0, 15),
    st.integers(-20, 20),
)
@example(done={}, days=1, action_offset=2)  # due on Saturday: after Friday, the 1st WD
def test_the_window_matches_a_naive_calendar(
    done: dict[str, date], days: int, action_offset: int
) -> None:
    record = CaseRecord(
        1,
        1,
        CaseFields(reference="RR-1", owner="A"),
        done=done,
        agencies=(AgencyRecord(1, 1, "Police", request_sent=TODAY - timedelta(days=9)),),
    )
    action_due = TODAY + timedelta(days=action_offset)
    groups = digest([record], [DueAction(1, 1, "CSC", action_due)], ENGLAND, TODAY, days=days)
    items = {(i.what, i.due) for items in groups.values() for i in items}
    end = GOV_UK.add_working_days(TODAY, days) if days else TODAY

    expected = set()
    for step in compute(record.facts(), ENGLAND, TODAY).steps:
        open_step = step.done is None and step.due is not None and step.due <= end
        if open_step and step.id != "agency_returns":
            expected.add((step.label, step.due))
    police_due = GOV_UK.add_working_days(TODAY - timedelta(days=9), ENGLAND.agency_timescale_wd)
    if police_due <= end and "agency_returns" not in done:
        expected.add(("agency return: Police", police_due))
    if action_due <= end:
        expected.add(("meeting action 1 (CSC)", action_due))
    assert items == expected
