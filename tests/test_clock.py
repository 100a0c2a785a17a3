"""The rapid-review clock (issue 9 §1-3), hand-counted.

Worked dates (England and Wales bank holidays: 25, 26 Dec 2025 and 1 Jan 2026):

    SIN Mon 3 Nov 2025 only        -> RR to Panel due Mon 24 Nov 2025 (15 WD)
                                      on Wed 10 Dec 2025: 12 WD late (25-28 Nov, 1-5, 8-10 Dec)
    aware Wed 17 Dec 2025          -> SIN due Wed 24 Dec (18, 19, 22, 23, 24)
    SIN Thu 18 Dec 2025            -> meeting due Fri 9 Jan 2026 (13 WD: 19, 22, 23, 24, 29,
                                      30, 31 Dec, 2, 5, 6, 7, 8, 9 Jan), RR to Panel Tue 13 Jan
    referral Fri 19 Dec 2025       -> scoping due Tue 23 Dec (22, 23)
    referral Fri 19 Dec 2025 only  -> RR to Panel due Wed 14 Jan 2026, provisional
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from rr_tui.cli.main import main
from rr_tui.config import load_config
from rr_tui.dates import uk
from rr_tui.errors import ConfigError, InputError
from rr_tui.records import CaseFields
from rr_tui.rules.profile import ENGLAND, ProfileError, customise
from rr_tui.rules.schedule import (
    AgencyFacts,
    CaseFacts,
    clock_bar,
    clock_note,
    compute,
    hint_for,
    next_due,
    provisional_note,
    schedule_if,
)
from rr_tui.rules.triage import rag_for_next_due
from rr_tui.store import Store
from rr_tui.widgets.progress import progress_bar

AWARE = date(2025, 12, 17)
SIN = date(2025, 12, 18)
REFERRAL = date(2025, 12, 19)
REFERRAL_PROFILE = customise(ENGLAND, {"clock": "referral"})


def steps(done: dict[str, date], today: date, profile=ENGLAND, **facts: object):  # type: ignore[no-untyped-def]
    schedule = compute(CaseFacts(done=done, **facts), profile, today)  # type: ignore[arg-type]
    return schedule, {s.id: s for s in schedule.steps}


# -- the worked examples -------------------------------------------------------------


def test_a_late_review_from_the_sin_alone_is_red_with_the_panel_step_next() -> None:
    schedule, by_id = steps({"sin_submitted": date(2025, 11, 3)}, date(2025, 12, 10))
    panel = by_id["panel_notified"]
    assert panel.due == date(2025, 11, 24)
    assert (panel.state, panel.slack) == ("overdue", -12)
    assert schedule.rag == "red"
    assert schedule.next_step == panel
    assert not panel.provisional
    assert by_id["panel_notified"].label == "RR sent to Panel"


def test_the_issue_report_aware_and_sin_the_same_day_is_never_green() -> None:
    done = {"incident_aware": date(2025, 11, 3), "sin_submitted": date(2025, 11, 3)}
    schedule, _ = steps(done, date(2025, 12, 10))
    assert schedule.rag == "red"
    assert schedule.next_step is not None
    assert schedule.next_step.id == "panel_notified"


def test_aware_sin_and_referral_before_christmas() -> None:
    done = {"incident_aware": AWARE, "sin_submitted": SIN, "referral_received": REFERRAL}
    schedule, by_id = steps(done, REFERRAL)
    assert by_id["sin_submitted"].due is None or by_id["sin_submitted"].done == SIN
    _, only_aware = steps({"incident_aware": AWARE}, AWARE)
    assert only_aware["sin_submitted"].due == date(2025, 12, 24)
    assert by_id["scoping_requests_sent"].due == date(2025, 12, 23)
    assert by_id["rr_meeting"].due == date(2026, 1, 9)
    assert by_id["panel_notified"].due == date(2026, 1, 13)
    assert not schedule.provisional
    assert (schedule.clock_start, schedule.clock_anchor) == (SIN, "sin_submitted")


def test_the_referral_alone_runs_a_provisional_clock() -> None:
    schedule, by_id = steps({"referral_received": REFERRAL}, REFERRAL)
    panel = by_id["panel_notified"]
    assert panel.due == date(2026, 1, 14)
    assert panel.provisional and panel.basis == "referral_received"
    assert provisional_note(panel) == "provisional: from the referral, SIN date not recorded"
    assert clock_note(schedule) == ("provisional: from the referral, SIN date not recorded")
    assert by_id["rr_meeting"].provisional
    # Scoping counts from the referral first: not provisional.
    assert not by_id["scoping_requests_sent"].provisional
    # Recording the SIN moves the clock to it, and it is no longer provisional.
    schedule, by_id = steps({"referral_received": REFERRAL, "sin_submitted": SIN}, REFERRAL)
    assert by_id["panel_notified"].due == date(2026, 1, 13)
    assert not schedule.provisional
    assert clock_note(schedule) == ""


def test_scoping_falls_back_to_the_sin_without_a_referral() -> None:
    _, by_id = steps({"sin_submitted": SIN}, SIN)
    scoping = by_id["scoping_requests_sent"]
    assert scoping.due == date(2025, 12, 22)  # 19, 22
    assert scoping.basis == "sin_submitted" and scoping.provisional and scoping.local


# -- clock = "referral" --------------------------------------------------------------


def test_the_referral_clock_counts_from_the_referral_and_falls_back_to_the_sin() -> None:
    done = {"sin_submitted": SIN, "referral_received": REFERRAL}
    schedule, by_id = steps(done, REFERRAL, REFERRAL_PROFILE)
    assert by_id["panel_notified"].due == date(2026, 1, 14)
    assert by_id["rr_meeting"].due == date(2026, 1, 12)
    assert schedule.clock_anchor == "referral_received"
    assert not schedule.provisional
    schedule, by_id = steps({"sin_submitted": SIN}, SIN, REFERRAL_PROFILE)
    assert by_id["panel_notified"].due == date(2026, 1, 13)
    assert by_id["panel_notified"].provisional
    assert provisional_note(by_id["panel_notified"]) == (
        "provisional: from the SIN, referral date not recorded"
    )


def test_a_rule_with_several_anchors_counts_from_the_first_recorded() -> None:
    profile = customise(
        ENGLAND,
        {
            "steps": {
                "rr_meeting": {
                    "due": [{"after": ["sin_submitted", "referral_received"], "working_days": 10}]
                }
            }
        },
    )
    _, by_id = steps({"referral_received": REFERRAL}, REFERRAL, profile)
    assert by_id["rr_meeting"].due == date(2026, 1, 7)  # 10 WD
    assert by_id["rr_meeting"].provisional
    _, by_id = steps({"referral_received": REFERRAL, "sin_submitted": SIN}, REFERRAL, profile)
    assert by_id["rr_meeting"].due == date(2026, 1, 6)
    assert not by_id["rr_meeting"].provisional


@pytest.mark.parametrize(
    ("table", "setting"),
    [
        (
            {
                "steps": {
                    "rr_meeting": {"due": [{"after": "referral_received", "working_days": 13}]}
                }
            },
            "[profile.steps.rr_meeting] due",
        ),
        (
            {"steps": {"rr_meeting": {"due": [{"after": "sin_submitted", "working_days": 16}]}}},
            "[profile.steps.rr_meeting] due",
        ),
        (
            {
                "clock": "referral",
                "steps": {
                    "panel_notified": {"due": [{"after": "sin_submitted", "working_days": 15}]}
                },
            },
            "[profile.steps.panel_notified] due and [profile] clock",
        ),
    ],
)
def test_a_meeting_that_can_fall_due_after_the_panel_is_refused(
    table: dict[str, object], setting: str
) -> None:
    with pytest.raises(ProfileError) as caught:
        customise(ENGLAND, table)
    assert str(caught.value).startswith(setting)
    assert "meeting can fall due after the Panel deadline" in str(caught.value)


def test_the_built_in_profile_has_its_meeting_before_its_panel_deadline() -> None:
    """customise skips the check when neither the clock nor a step changes: it must hold."""
    from rr_tui.rules.profile import _check_meeting_before_panel

    _check_meeting_before_panel(ENGLAND, {})
    _check_meeting_before_panel(customise(ENGLAND, {"clock": "referral"}), {})


def test_the_refusal_exits_10_naming_the_setting(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (isolated / "config.toml").write_text(
        '[profile.steps.rr_meeting]\ndue = [{after = "referral_received", working_days = 13}]\n'
    )
    assert main(["profile"]) == 10
    err = capsys.readouterr().err
    assert "[profile.steps.rr_meeting] due" in err
    with pytest.raises(ConfigError):
        load_config()


def test_the_readme_example_and_the_referral_clock_are_accepted(isolated: Path) -> None:
    (isolated / "config.toml").write_text(
        '[profile]\nclock = "referral"\nreconsideration = 7\n'
        "[profile.steps.panel_notified]\n"
        'due = [{after = ["referral_received", "sin_submitted"], working_days = 15},'
        ' {after = "rr_meeting", working_days = 2, local = true}]\n'
    )
    profile = load_config().profile
    assert profile.clock == "referral"
    assert profile.reconsideration_wd == 7
    assert profile.clock_wd == 15
    with pytest.raises(ConfigError):
        (isolated / "config.toml").write_text('[profile]\nclock = "incident"\n')
        load_config()


# -- never green by omission; closed --------------------------------------------------


def test_a_case_without_any_start_fact_is_incomplete_never_green() -> None:
    schedule, _ = steps({}, REFERRAL)
    assert schedule.rag == "incomplete"
    # Even with an agency return far in the future (no clock can run yet).
    schedule, _ = steps({}, REFERRAL, agencies=(AgencyFacts("Police", REFERRAL, None),))
    assert schedule.rag == "incomplete"
    # Red still shows through: an overdue return is red.
    schedule, _ = steps({}, date(2026, 2, 2), agencies=(AgencyFacts("Police", REFERRAL, None),))
    assert schedule.rag == "red"
    # The stored order says the same.
    case = CaseFacts(agencies=(AgencyFacts("Police", REFERRAL, None),))
    assert rag_for_next_due(next_due(case, ENGLAND), False, REFERRAL, ENGLAND, True) == (
        "incomplete"
    )


def test_a_closed_case_never_shows_an_overdue_next_step() -> None:
    schedule, _ = steps({"sin_submitted": date(2025, 11, 3)}, date(2025, 12, 10), closed=True)
    assert schedule.rag == "closed"
    assert schedule.next_step is None


SENT = {
    "incident_aware": AWARE,
    "sin_submitted": SIN,
    "referral_received": REFERRAL,
    "scoping_requests_sent": REFERRAL,
    "agency_returns": date(2026, 1, 5),
    "rr_meeting": date(2026, 1, 8),
    "panel_notified": date(2026, 1, 9),
}


def test_with_no_deadline_running_the_case_names_the_step_it_waits_for() -> None:
    # The RR is sent: nothing is due until the Panel answers.
    schedule, _ = steps(SENT, date(2026, 1, 20))
    assert schedule.next_step is None and schedule.rag == "green"
    assert schedule.awaited is not None and schedule.awaited.id == "panel_response"
    # While a deadline runs, the next step is that deadline, and nothing is "awaited".
    schedule, _ = steps({k: v for k, v in SENT.items() if k != "panel_notified"}, SIN)
    assert schedule.next_step is not None and schedule.next_step.id == "panel_notified"
    assert schedule.awaited is None
    # A challenge opens the reconsideration: due again, so it is the next step.
    schedule, _ = steps(
        {**SENT, "panel_response": date(2026, 1, 20)},
        date(2026, 1, 21),
        panel_outcome="challenges",
    )
    assert schedule.next_step is not None and schedule.next_step.id == "reconsideration"
    assert schedule.awaited is None
    # Closed and incomplete cases wait for nothing.
    assert steps(SENT, date(2026, 1, 20), closed=True)[0].awaited is None
    assert steps({}, date(2026, 1, 20))[0].awaited is None


# -- scoping and agency returns -------------------------------------------------------


def test_scoping_is_done_on_the_first_agency_request() -> None:
    agencies = (
        AgencyFacts("Police", date(2025, 12, 23), None),
        AgencyFacts("Health", date(2025, 12, 22), None),
    )
    _, by_id = steps({"referral_received": REFERRAL}, date(2026, 1, 5), agencies=agencies)
    assert by_id["scoping_requests_sent"].done == date(2025, 12, 22)
    assert by_id["scoping_requests_sent"].state == "done"
    # A date recorded for the step itself wins.
    _, by_id = steps(
        {"referral_received": REFERRAL, "scoping_requests_sent": date(2025, 12, 23)},
        date(2026, 1, 5),
        agencies=agencies,
    )
    assert by_id["scoping_requests_sent"].done == date(2025, 12, 23)


def test_recording_agency_returns_by_hand_is_refused_naming_who_is_outstanding(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(db_url, create=True)
    try:
        case_id = store.create_case(CaseFields("RR-1"), {"referral_received": REFERRAL})
        store.add_agency(case_id, "Police", REFERRAL)
        store.add_agency(case_id, "Health", REFERRAL)
        with pytest.raises(InputError) as caught:
            store.record_step(case_id, "agency_returns", date(2026, 1, 5))
        assert "Police, Health" in str(caught.value)
        assert "agency_returns" not in store.get_case(case_id).done
    finally:
        store.close()
    code = main(["--db", db_url, "record", "RR-1", "agency_returns", "2026-01-05"])
    assert code == 3
    assert "outstanding: Police, Health" in capsys.readouterr().err


# -- one engine: what-if, hints, the clock bar ----------------------------------------


def test_schedule_if_is_compute_with_the_fact_recorded() -> None:
    case = CaseFacts(done={"referral_received": REFERRAL})
    assert schedule_if(case, ENGLAND, REFERRAL, {"sin_submitted": SIN}) == compute(
        CaseFacts(done={"referral_received": REFERRAL, "sin_submitted": SIN}), ENGLAND, REFERRAL
    )
    assert schedule_if(case, ENGLAND, REFERRAL, {"referral_received": None}).rag == "incomplete"


def test_hints_come_from_the_schedule() -> None:
    hint = hint_for(CaseFacts(), ENGLAND, REFERRAL, "referral_received", REFERRAL, uk)
    assert "RR to Panel by Wed 14 Jan 2026" in hint
    assert "provisional: from the referral, SIN date not recorded" in hint
    assert "Scoping sent by Tue 23 Dec 2025 (local target)" in hint
    hint = hint_for(
        CaseFacts(), ENGLAND, REFERRAL, "sin_submitted", SIN, uk, {"referral_received": REFERRAL}
    )
    assert "RR to Panel by Tue 13 Jan 2026" in hint
    assert "RR meeting by Fri 9 Jan 2026 (local target)" in hint
    assert "provisional" not in hint
    hint = hint_for(CaseFacts(), ENGLAND, AWARE, "incident_aware", AWARE, uk)
    assert hint == "SIN to Panel by Wed 24 Dec 2025"


def test_the_clock_bar_takes_n_from_the_profile() -> None:
    profile = customise(
        ENGLAND,
        {
            "steps": {
                "rr_meeting": {
                    "due": [{"after": ["sin_submitted", "referral_received"], "working_days": 8}]
                },
                "panel_notified": {
                    "due": [{"after": ["sin_submitted", "referral_received"], "working_days": 10}]
                },
            }
        },
    )
    schedule = compute(CaseFacts(done={"sin_submitted": SIN}), profile, date(2026, 1, 5))
    bar = clock_bar(schedule, profile, date(2026, 1, 5))
    assert bar is not None
    assert (bar.total, bar.used, bar.due, bar.provisional) == (10, 9, date(2026, 1, 6), False)
    assert bar.due == schedule.steps[[s.id for s in schedule.steps].index("panel_notified")].due


# -- the calendar travels with the profile -------------------------------------------


def test_closures_on_one_profile_leave_another_alone_even_across_threads() -> None:
    from rr_tui.deadlines import england_and_wales

    closed = replace(ENGLAND, calendar=england_and_wales([date(2026, 1, 12), date(2026, 1, 13)]))
    case = CaseFacts(done={"sin_submitted": SIN})
    results: dict[str, date | None] = {}

    def run(name: str, profile: object) -> None:
        by_id = {s.id: s for s in compute(case, profile, SIN).steps}  # type: ignore[arg-type]
        results[name] = by_id["panel_notified"].due

    threads = [
        threading.Thread(target=run, args=("closed", closed)),
        threading.Thread(target=run, args=("plain", ENGLAND)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {"closed": date(2026, 1, 15), "plain": date(2026, 1, 13)}


# -- what the outputs say --------------------------------------------------------------


def test_status_says_incomplete_and_provisional(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    store = Store(db_url, create=True)
    try:
        store.create_case(CaseFields("RR-NONE"), {})
        store.create_case(CaseFields("RR-REF"), {"referral_received": REFERRAL})
        store.create_case(CaseFields("RR-SIN"), {"sin_submitted": date(2025, 11, 3)})
    finally:
        store.close()
    args = ["--db", db_url, "--today", "2025-12-22", "status"]
    assert main([*args, "--json"]) == 0
    rows = {r["reference"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["RR-NONE"]["rag"] == "incomplete"
    assert rows["RR-REF"]["provisional"] == (
        "provisional: from the referral, SIN date not recorded"
    )
    panel = next(s for s in rows["RR-REF"]["steps"] if s["id"] == "panel_notified")
    assert panel["provisional"] is True and panel["due"] == "2026-01-14"
    assert rows["RR-SIN"]["rag"] == "red" and rows["RR-SIN"]["provisional"] is None
    assert rows["RR-SIN"]["next_step"] == "panel_notified"
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "1 incomplete" in out
    assert "? INCOMPLETE" in out
    assert "~ provisional: from the referral, SIN date not recorded" in out


def test_status_names_the_step_a_case_waits_for(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    store = Store(db_url, create=True)
    try:
        store.create_case(CaseFields("RR-SENT"), SENT)
    finally:
        store.close()
    args = ["--db", db_url, "--today", "2026-01-20", "status"]
    assert main(args) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "RR-SENT" in line)
    assert "Panel response (awaited)" in row and "GREEN" in row
    assert main([*args, "--json"]) == 0
    (case,) = json.loads(capsys.readouterr().out)
    assert case["next_step"] is None and case["next_due"] is None


def test_the_chaser_wording_follows_the_profile() -> None:
    from rr_tui.reports.chase import chaser_text

    text = chaser_text("Police", [], REFERRAL, profile=ENGLAND)
    assert "should reach the National Panel within 15 working days of the SIN" in text
    assert "must" not in text
    text = chaser_text("Police", [], REFERRAL, profile=REFERRAL_PROFILE)
    assert "within 15 working days of the referral" in text


def test_sin_criteria_not_met_withdraws_and_stops_the_rapid_review_clocks() -> None:
    from rr_tui.records import PANEL_OUTCOMES
    from rr_tui.rules.profile import DECISIONS

    assert DECISIONS["criteria_not_met"] == "SIN criteria not met (withdrawn)"
    assert "national_thematic" in PANEL_OUTCOMES
    done = {"sin_submitted": date(2025, 11, 3), "rr_meeting": date(2025, 11, 10)}
    schedule, by_id = steps(done, date(2025, 12, 10), decision="criteria_not_met")
    assert "panel_notified" not in by_id and "scoping_requests_sent" not in by_id
    assert by_id["rr_meeting"].done == date(2025, 11, 10)  # what was done stays
    assert schedule.rag == "green" and schedule.next_step is None
    # Any other decision: the RR to Panel is still owed, and late.
    schedule, _ = steps(done, date(2025, 12, 10), decision="no_further_review")
    assert schedule.rag == "red"


def test_the_clock_bar_shows_the_timelines_panel_date_and_says_why_it_is_before_day_15() -> None:
    """Hand-counted: SIN Wed 4 Nov 2026, meeting Fri 20 Nov: RR to Panel due Tue 24 Nov
    (2 WD after the meeting, a local target), while working day 15 is Wed 25 Nov."""
    sin, meeting, today = date(2026, 11, 4), date(2026, 11, 20), date(2026, 11, 23)
    schedule = compute(
        CaseFacts(done={"sin_submitted": sin, "rr_meeting": meeting}), ENGLAND, today
    )
    panel = schedule.step("panel_notified")
    assert panel is not None and panel.due == date(2026, 11, 24)
    styles = {"red": "red", "bar": "green", "amber": "yellow"}
    text = progress_bar(clock_bar(schedule, ENGLAND, today), ENGLAND, styles).plain
    assert "SIN Wed 4 Nov 2026 → RR to Panel by Tue 24 Nov 2026" in text
    assert "2 WD after the meeting (local target); working day 15: Wed 25 Nov 2026." in text
    assert "Today is working day 13 of 15: 2 left." in text
    # Without the meeting, the two agree and the bar says the date once.
    alone = compute(CaseFacts(done={"sin_submitted": sin}), ENGLAND, today)
    text = progress_bar(clock_bar(alone, ENGLAND, today), ENGLAND, styles).plain
    assert "RR to Panel by Wed 25 Nov 2026" in text and "working day 15:" not in text
