"""rr_tui.rules.schedule.compute with the England profile, profile customisation, and rr_tui.dates.

Every ``today`` is explicit; nothing here reads the real clock. The worked dates
are in March 2026, which has no bank holidays:

    incident_aware        Thu 26 Feb  ->  sin_submitted due Thu 5 Mar (5 WD)
    referral_received     Mon  2 Mar  ->  scoping_requests_sent due Wed 4 Mar (2 WD)
                                          rr_meeting due Thu 19 Mar (13 WD)
                                          panel_notified due Mon 23 Mar (15 WD)
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rr_tui import deadlines
from rr_tui.dates import NO_SUCH_DATE, DateInputError, parse_iso, parse_user_date, uk, uk_short
from rr_tui.rules.profile import (
    DECISIONS,
    ENGLAND,
    Profile,
    ProfileError,
    customise,
    describe,
)
from rr_tui.rules.schedule import (
    RAG_GLYPHS,
    RAG_WORDS,
    STATE_GLYPHS,
    AgencyFacts,
    CaseFacts,
    CaseSchedule,
    StepStatus,
    agency_due,
    compute,
)

INCIDENT = date(2026, 2, 26)  # Thursday
REFERRAL = date(2026, 3, 2)  # Monday
SCOPING_DUE = date(2026, 3, 4)
MEETING_DUE = date(2026, 3, 19)
PANEL_DUE = date(2026, 3, 23)

BASE_STEPS = (
    "incident_aware",
    "sin_submitted",
    "referral_received",
    "scoping_requests_sent",
    "agency_returns",
    "rr_meeting",
    "panel_notified",
    "panel_response",
)
FULL_REVIEW_STEPS = (
    "lcspr_initiated",
    "lcspr_panel_agreed",
    "imrs_requested",
    "practitioner_event",
    "final_report",
    "prepublication_copy",
    "published",
)

ENGLAND_AND_WALES = deadlines.england_and_wales()


def _case(**done: date) -> CaseFacts:
    return CaseFacts(done=done)


def _run(
    case: CaseFacts, today: date, profile: Profile = ENGLAND
) -> tuple[CaseSchedule, dict[str, StepStatus]]:
    schedule = compute(case, profile, today)
    return schedule, {s.id: s for s in schedule.steps}


# --- states and slack -------------------------------------------------------------------


def test_nothing_recorded_everything_waiting() -> None:
    schedule, steps = _run(CaseFacts(), date(2026, 3, 2))
    assert tuple(steps) == BASE_STEPS
    assert {s.state for s in schedule.steps} == {"waiting"}
    assert all(s.due is None and s.slack is None for s in schedule.steps)
    assert schedule.next_step is None
    assert schedule.rag == "incomplete"  # never green by omission
    assert schedule.stage == ENGLAND.step("incident_aware").stage


def test_due_dates_from_the_referral() -> None:
    _, steps = _run(_case(incident_aware=INCIDENT, referral_received=REFERRAL), REFERRAL)
    assert steps["incident_aware"].state == "done"
    assert steps["incident_aware"].slack is None  # an anchor has no deadline
    assert steps["referral_received"].state == "done"
    assert steps["sin_submitted"].due == date(2026, 3, 5)
    assert steps["scoping_requests_sent"].due == SCOPING_DUE
    assert steps["rr_meeting"].due == MEETING_DUE
    assert steps["panel_notified"].due == PANEL_DUE
    # Agency returns count from the scoping requests, not yet sent.
    assert steps["agency_returns"].state == "waiting"
    assert steps["agency_returns"].due is None
    assert steps["panel_response"].state == "waiting"  # no deadline at all


@pytest.mark.parametrize(
    ("today", "state", "slack"),
    [
        (date(2026, 3, 2), "pending", 2),
        (date(2026, 3, 3), "pending", 1),
        (date(2026, 3, 4), "pending", 0),  # the due day itself is not late
        (date(2026, 3, 5), "overdue", -1),
        (date(2026, 3, 6), "overdue", -2),
        (date(2026, 3, 7), "overdue", -2),  # Saturday: no working day has passed
        (date(2026, 3, 9), "overdue", -3),
    ],
)
def test_open_step_state_and_slack(today: date, state: str, slack: int) -> None:
    _, steps = _run(_case(referral_received=REFERRAL), today)
    scoping = steps["scoping_requests_sent"]
    assert (scoping.state, scoping.slack) == (state, slack)
    assert scoping.open


@pytest.mark.parametrize(
    ("done", "state", "slack"),
    [
        (date(2026, 3, 2), "done", 2),
        (date(2026, 3, 4), "done", 0),
        (date(2026, 3, 5), "late", -1),
        (date(2026, 3, 9), "late", -3),
    ],
)
def test_done_step_state_and_slack(done: date, state: str, slack: int) -> None:
    _, steps = _run(
        _case(referral_received=REFERRAL, scoping_requests_sent=done), date(2026, 4, 30)
    )
    scoping = steps["scoping_requests_sent"]
    assert (scoping.state, scoping.slack, scoping.done) == (state, slack, done)
    assert not scoping.open


# --- the Panel step ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meeting", "panel_due"),
    [
        (None, PANEL_DUE),  # no meeting yet: 15 WD after the referral
        (date(2026, 3, 9), date(2026, 3, 11)),  # early meeting: 2 WD after it
        (date(2026, 3, 13), date(2026, 3, 17)),  # Friday meeting: Tuesday
        (date(2026, 3, 19), PANEL_DUE),  # on the meeting deadline: both give Mon 23
        (date(2026, 3, 20), PANEL_DUE),  # late meeting: never later than 15 WD
    ],
)
def test_panel_due_is_the_earlier_of_its_two_rules(meeting: date | None, panel_due: date) -> None:
    done = {"referral_received": REFERRAL}
    if meeting is not None:
        done["rr_meeting"] = meeting
    _, steps = _run(CaseFacts(done=done), date(2026, 3, 9))
    assert steps["panel_notified"].due == panel_due


def test_late_meeting_is_late_not_overdue() -> None:
    _, steps = _run(
        _case(referral_received=REFERRAL, rr_meeting=date(2026, 3, 20)), date(2026, 3, 20)
    )
    assert steps["rr_meeting"].state == "late"
    assert steps["rr_meeting"].slack == -1
    assert steps["panel_notified"].state == "pending"
    assert steps["panel_notified"].slack == 1


# --- RAG and the next step ------------------------------------------------------------


def _after_scoping(today: date) -> CaseSchedule:
    # Scoping sent Wed 4 Mar: agency returns due Wed 11 Mar (no agencies listed).
    return compute(
        _case(referral_received=REFERRAL, scoping_requests_sent=date(2026, 3, 4)), ENGLAND, today
    )


@pytest.mark.parametrize(
    ("today", "rag", "next_id", "next_slack"),
    [
        (date(2026, 3, 5), "green", "agency_returns", 4),
        (date(2026, 3, 6), "green", "agency_returns", 3),
        (date(2026, 3, 9), "amber", "agency_returns", 2),  # amber at 2 WD of slack
        (date(2026, 3, 11), "amber", "agency_returns", 0),
        (date(2026, 3, 12), "red", "agency_returns", -1),
    ],
)
def test_rag_thresholds(today: date, rag: str, next_id: str, next_slack: int) -> None:
    schedule = _after_scoping(today)
    assert schedule.rag == rag
    assert schedule.next_step is not None
    assert (schedule.next_step.id, schedule.next_step.slack) == (next_id, next_slack)


def test_amber_threshold_follows_the_profile() -> None:
    strict = customise(ENGLAND, {"amber_slack": 0})
    assert compute(_after_scoping_case(), strict, date(2026, 3, 10)).rag == "green"  # slack 1
    assert compute(_after_scoping_case(), strict, date(2026, 3, 11)).rag == "amber"  # slack 0
    relaxed = customise(ENGLAND, {"amber_slack": 4})
    assert compute(_after_scoping_case(), relaxed, date(2026, 3, 5)).rag == "amber"  # slack 4
    assert compute(_after_scoping_case(), ENGLAND, date(2026, 3, 5)).rag == "green"


def _after_scoping_case() -> CaseFacts:
    return _case(referral_received=REFERRAL, scoping_requests_sent=date(2026, 3, 4))


def test_late_steps_alone_do_not_make_a_case_red() -> None:
    schedule = compute(
        _case(referral_received=REFERRAL, scoping_requests_sent=date(2026, 3, 6)),
        ENGLAND,
        date(2026, 3, 6),
    )
    assert {s.id: s.state for s in schedule.steps}["scoping_requests_sent"] == "late"
    assert schedule.rag == "green"


def test_closed_case_is_closed_whatever_is_overdue() -> None:
    case = CaseFacts(done={"referral_received": REFERRAL}, closed=True)
    schedule = compute(case, ENGLAND, date(2026, 6, 1))
    assert any(s.state == "overdue" for s in schedule.steps)
    assert schedule.rag == "closed"
    assert schedule.stage == "Closed"
    assert (
        compute(CaseFacts(done={"referral_received": REFERRAL}), ENGLAND, date(2026, 6, 1)).rag
        == "red"
    )


def test_next_step_is_the_open_step_due_first() -> None:
    # Tue 10 Mar: scoping overdue since Wed 4, meeting due Thu 19, Panel due Mon 23.
    schedule, steps = _run(_case(referral_received=REFERRAL), date(2026, 3, 10))
    assert steps["scoping_requests_sent"].state == "overdue"
    assert schedule.next_step == steps["scoping_requests_sent"]
    # With scoping done, the earliest open one is the agency returns (Wed 11 Mar)...
    schedule, steps = _run(
        _case(referral_received=REFERRAL, scoping_requests_sent=SCOPING_DUE), date(2026, 3, 10)
    )
    assert schedule.next_step == steps["agency_returns"]
    # ...then the meeting, once the returns are in.
    schedule, steps = _run(
        _case(
            referral_received=REFERRAL,
            scoping_requests_sent=SCOPING_DUE,
            agency_returns=date(2026, 3, 10),
        ),
        date(2026, 3, 10),
    )
    assert schedule.next_step == steps["rr_meeting"]
    # Waiting steps are never next, even with nothing else open.
    schedule, steps = _run(
        _case(
            incident_aware=INCIDENT,
            sin_submitted=date(2026, 2, 27),
            referral_received=REFERRAL,
            scoping_requests_sent=SCOPING_DUE,
            agency_returns=date(2026, 3, 10),
            rr_meeting=date(2026, 3, 16),
            panel_notified=date(2026, 3, 17),
        ),
        date(2026, 3, 20),
    )
    assert steps["panel_response"].state == "waiting"
    assert schedule.next_step is None


def test_stage_is_the_step_after_the_last_one_done() -> None:
    schedule, _ = _run(_case(incident_aware=INCIDENT), INCIDENT)
    assert schedule.stage == ENGLAND.step("sin_submitted").stage
    schedule, _ = _run(_case(referral_received=REFERRAL), REFERRAL)
    assert schedule.stage == ENGLAND.step("scoping_requests_sent").stage
    schedule, _ = _run(_case(referral_received=REFERRAL, rr_meeting=MEETING_DUE), MEETING_DUE)
    assert schedule.stage == ENGLAND.step("panel_notified").stage
    assert ENGLAND.step("scoping_requests_sent").stage != ENGLAND.step("panel_notified").stage
    all_done = CaseFacts(
        done={step: date(2026, 3, 20) for step in BASE_STEPS}, decision="no_further_review"
    )
    assert compute(all_done, ENGLAND, date(2026, 4, 1)).stage == "Complete"


# --- agency returns -----------------------------------------------------------------------


def _agencies(*agencies: AgencyFacts, **done: date) -> CaseFacts:
    base = {"referral_received": REFERRAL, "scoping_requests_sent": SCOPING_DUE}
    return CaseFacts(done={**base, **done}, agencies=agencies)


POLICE = AgencyFacts("Police", request_sent=date(2026, 3, 4))  # due Wed 11 Mar
HEALTH = AgencyFacts("Health trust", request_sent=date(2026, 3, 5), timescale_wd=10)  # Thu 19
SCHOOL = AgencyFacts("School", request_sent=date(2026, 3, 6))  # due Fri 13 Mar


def test_agency_due_dates() -> None:
    assert agency_due(POLICE, ENGLAND) == date(2026, 3, 11)
    assert agency_due(HEALTH, ENGLAND) == date(2026, 3, 19)
    assert agency_due(SCHOOL, ENGLAND) == date(2026, 3, 13)
    assert agency_due(AgencyFacts("GP"), ENGLAND) is None
    same_day = AgencyFacts("GP", request_sent=date(2026, 3, 6), timescale_wd=0)
    assert agency_due(same_day, ENGLAND) == date(2026, 3, 6)
    slower = customise(ENGLAND, {"agency_timescale": 10})
    assert agency_due(POLICE, slower) == date(2026, 3, 18)
    assert agency_due(HEALTH, slower) == date(2026, 3, 19)  # its own timescale wins
    # Across Christmas 2026: Fri 18 Dec + 5 WD skips 25 and 28 Dec, so Tue 29 Dec.
    christmas = AgencyFacts("Police", request_sent=date(2026, 12, 18))
    assert agency_due(christmas, ENGLAND) == date(2026, 12, 29)


def test_agency_returns_due_is_the_next_return_to_chase() -> None:
    _, steps = _run(_agencies(POLICE, HEALTH, SCHOOL), date(2026, 3, 9))
    returns = steps["agency_returns"]
    assert (returns.due, returns.state, returns.slack) == (date(2026, 3, 11), "pending", 2)
    police_in = AgencyFacts("Police", request_sent=date(2026, 3, 4), received=date(2026, 3, 10))
    _, steps = _run(_agencies(police_in, HEALTH, SCHOOL), date(2026, 3, 10))
    assert steps["agency_returns"].due == date(2026, 3, 13)
    assert steps["agency_returns"].done is None
    # Overdue as soon as the earliest outstanding one is.
    _, steps = _run(_agencies(police_in, HEALTH, SCHOOL), date(2026, 3, 16))
    assert (steps["agency_returns"].state, steps["agency_returns"].slack) == ("overdue", -1)


def test_agency_returns_done_when_every_agency_returned() -> None:
    on_time = (
        AgencyFacts("Police", request_sent=date(2026, 3, 4), received=date(2026, 3, 10)),
        AgencyFacts("School", request_sent=date(2026, 3, 6), received=date(2026, 3, 12)),
        AgencyFacts(
            "Health trust",
            request_sent=date(2026, 3, 5),
            timescale_wd=10,
            received=date(2026, 3, 18),
        ),
    )
    _, steps = _run(_agencies(*on_time), date(2026, 3, 20))
    returns = steps["agency_returns"]
    # Done on the last return, against the last due date.
    assert (returns.done, returns.due, returns.state, returns.slack) == (
        date(2026, 3, 18),
        date(2026, 3, 19),
        "done",
        1,
    )
    late_health = (*on_time[:2], on_time[2]._replace(received=date(2026, 3, 20)))
    _, steps = _run(_agencies(*late_health), date(2026, 3, 20))
    assert (steps["agency_returns"].state, steps["agency_returns"].slack) == ("late", -1)
    # One still out: not done.
    _, steps = _run(_agencies(*on_time[:2], HEALTH), date(2026, 3, 18))
    assert steps["agency_returns"].done is None
    assert steps["agency_returns"].due == date(2026, 3, 19)


def test_agency_returns_without_agencies_fall_back_to_the_profile_rule() -> None:
    _, steps = _run(_agencies(), date(2026, 3, 5))
    assert steps["agency_returns"].due == date(2026, 3, 11)  # 5 WD after scoping sent
    # Agencies listed but none asked yet: the same.
    _, steps = _run(_agencies(AgencyFacts("Police"), AgencyFacts("GP")), date(2026, 3, 5))
    assert steps["agency_returns"].due == date(2026, 3, 11)
    # Scoping not sent either: nothing to count from.
    _, steps = _run(_case(referral_received=REFERRAL), date(2026, 3, 5))
    assert steps["agency_returns"].due is None


def test_agency_returns_with_agencies_come_from_the_agencies_alone() -> None:
    # A date recorded for the step itself does not mark it done while an
    # agency is still outstanding: the agencies' own returns decide.
    case = _agencies(POLICE, HEALTH, agency_returns=date(2026, 3, 12))
    _, steps = _run(case, date(2026, 3, 20))
    assert steps["agency_returns"].done is None
    assert steps["agency_returns"].state == "overdue"
    # Without agencies, the recorded date is the step's.
    _, steps = _run(
        _case(referral_received=REFERRAL, agency_returns=date(2026, 3, 12)), date(2026, 3, 20)
    )
    assert steps["agency_returns"].done == date(2026, 3, 12)


# --- full review ------------------------------------------------------------------------


@pytest.mark.parametrize("decision", [None, *sorted(DECISIONS)])
def test_full_review_steps_only_after_a_full_review_decision(decision: str | None) -> None:
    case = CaseFacts(
        done={"referral_received": REFERRAL, "rr_meeting": MEETING_DUE}, decision=decision
    )
    _, steps = _run(case, MEETING_DUE)
    full = decision in {"lcspr", "joint_review"}
    # With the meeting date (the initiation by default), a progress check is due.
    expected: tuple[str, ...] = (
        BASE_STEPS + FULL_REVIEW_STEPS + ("progress_check",) if full else BASE_STEPS
    )
    if decision == "criteria_not_met":
        # Withdrawn: the rapid-review steps not yet done stop (the meeting was held).
        expected = tuple(
            s
            for s in BASE_STEPS
            if s
            not in {"scoping_requests_sent", "agency_returns", "panel_notified", "panel_response"}
        )
    assert tuple(steps) == expected


@pytest.mark.parametrize(
    ("meeting", "report_due"),
    [
        (date(2026, 3, 19), date(2026, 9, 19)),  # six calendar months, even on a Saturday
        (date(2026, 3, 31), date(2026, 9, 30)),  # no 31 September
        (date(2025, 8, 29), date(2026, 2, 28)),  # no 29 February 2026
        (date(2027, 8, 31), date(2028, 2, 29)),  # leap year
    ],
)
def test_publication_six_calendar_months_after_initiation_by_default_the_meeting(
    meeting: date, report_due: date
) -> None:
    case = CaseFacts(done={"rr_meeting": meeting}, decision="lcspr")
    _, steps = _run(case, meeting)
    assert steps["lcspr_initiated"].done == meeting
    assert steps["published"].due == report_due
    assert steps["published"].state == "pending"
    assert steps["final_report"].due is None  # a step with no default deadline


def test_full_review_without_a_meeting_date_is_waiting() -> None:
    _, steps = _run(
        CaseFacts(done={"referral_received": REFERRAL}, decision="joint_review"),
        date(2026, 3, 10),
    )
    assert steps["published"].state == "waiting"
    assert steps["prepublication_copy"].state == "waiting"  # no publication date yet


@pytest.mark.parametrize(
    ("publication", "copy_due"),
    [
        (date(2026, 10, 13), date(2026, 10, 2)),  # Tue -> Fri, 7 WD before
        (date(2026, 9, 2), date(2026, 8, 21)),  # across the August bank holiday
        (date(2027, 1, 6), date(2026, 12, 23)),  # across Christmas 2026
    ],
)
def test_prepublication_copy_seven_working_days_before(publication: date, copy_due: date) -> None:
    case = CaseFacts(
        done={"rr_meeting": date(2026, 3, 19)},
        decision="joint_review",
        publication_planned=publication,
    )
    _, steps = _run(case, date(2026, 8, 3))
    assert steps["prepublication_copy"].due == copy_due
    # Not a full review: no copy step, whatever the publication date.
    case = CaseFacts(
        done={"rr_meeting": date(2026, 3, 19)},
        decision="criteria_not_met",
        publication_planned=publication,
    )
    _, steps = _run(case, date(2026, 8, 3))
    assert "prepublication_copy" not in steps


# --- profile customisation ------------------------------------------------------------


def test_customise_changes_a_number_and_a_trigger() -> None:
    table: dict[str, Any] = {
        "name": "Somewhere SCP",
        "amber_slack": 3,
        "agency_timescale": 10,
        "steps": {
            "panel_notified": {
                "label": "Recommendation to the Panel",
                "due": [{"after": "sin_submitted", "working_days": 15}],
            },
            "scoping_requests_sent": {"due": [{"after": "referral_received", "working_days": 1}]},
        },
    }
    profile = customise(ENGLAND, table)
    assert profile.name == "Somewhere SCP"
    assert (profile.amber_slack, profile.agency_timescale_wd) == (3, 10)
    assert profile.step("panel_notified").label == "Recommendation to the Panel"
    # The base profile is untouched.
    assert ENGLAND.amber_slack == 2
    assert len(ENGLAND.step("panel_notified").rules) == 2
    case = _case(
        sin_submitted=date(2026, 2, 27), referral_received=REFERRAL, rr_meeting=date(2026, 3, 9)
    )
    _, steps = _run(case, REFERRAL, profile)
    # Counted from the SIN (Fri 27 Feb): Fri 20 Mar, and the meeting no longer caps it.
    assert steps["panel_notified"].due == date(2026, 3, 20)
    assert steps["panel_notified"].label == "Recommendation to the Panel"
    assert steps["scoping_requests_sent"].due == date(2026, 3, 3)
    _, steps = _run(case, REFERRAL)  # the England default, for contrast
    assert steps["panel_notified"].due == date(2026, 3, 11)


def test_customise_months_and_before_rules_and_no_deadline() -> None:
    profile = customise(
        ENGLAND,
        {
            "steps": {
                "final_report": {"due": [{"after": "decision", "months": 9}]},
                "prepublication_copy": {
                    "due": [{"before": "publication_planned", "working_days": 10}]
                },
                "rr_meeting": {"due": []},
                "published": {"due": [{"after": "final_report", "months": 2}]},
            }
        },
    )
    case = CaseFacts(
        done={
            "referral_received": REFERRAL,
            "rr_meeting": date(2026, 3, 19),
            "final_report": date(2026, 11, 30),
        },
        decision="lcspr",
        publication_planned=date(2027, 2, 1),
    )
    _, steps = _run(case, date(2026, 12, 1), profile)
    assert steps["final_report"].due == date(2026, 12, 19)
    assert steps["prepublication_copy"].due == date(2027, 1, 18)
    assert steps["published"].due == date(2027, 1, 30)
    assert steps["rr_meeting"].due is None
    assert steps["rr_meeting"].state == "done"


def test_describe_mentions_rules_and_threshold() -> None:
    text = describe(customise(ENGLAND, {"amber_slack": 3}))
    assert (
        "the earliest of 15 WD after the first recorded of sin_submitted, referral_received; "
        "2 WD after rr_meeting (local target)"
    ) in text
    assert "6 calendar months after lcspr_initiated" in text
    assert "progress checks every 30 working days" in text
    assert "7 WD before publication_planned" in text
    assert "3 working days of slack" in text


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"colour": "red"}, "[profile]: unknown setting 'colour'"),
        ({"amber_slack": -1}, "[profile] amber_slack: a whole number >= 0"),
        ({"amber_slack": "2"}, "[profile] amber_slack: a whole number >= 0"),
        ({"amber_slack": True}, "[profile] amber_slack: a whole number >= 0"),
        ({"agency_timescale": 2.5}, "[profile] agency_timescale: a whole number >= 0"),
        ({"steps": ["rr_meeting"]}, "[profile.steps]: a table of step ids"),
        (
            {"steps": {"rr_meeeting": {}}},
            "[profile.steps.rr_meeeting]: no such step; steps are incident_aware, sin_submitted,",
        ),
        ({"steps": {"rr_meeting": 13}}, "[profile.steps.rr_meeting]: a table"),
        (
            {"steps": {"rr_meeting": {"deadline": 13}}},
            "[profile.steps.rr_meeting]: unknown setting 'deadline'",
        ),
        (
            {"steps": {"rr_meeting": {"due": {"after": "referral_received"}}}},
            "[profile.steps.rr_meeting] due: a list of rules, [] for no deadline",
        ),
        (
            {"steps": {"rr_meeting": {"due": ["13 WD"]}}},
            "[profile.steps.rr_meeting] due: each rule is a table like",
        ),
        (
            {"steps": {"rr_meeting": {"due": [{"after": "referral_received", "days": 13}]}}},
            "[profile.steps.rr_meeting] due: unknown key 'days'",
        ),
        (
            {"steps": {"rr_meeting": {"due": [{"working_days": 13}]}}},
            "give exactly one of 'after' or 'before'",
        ),
        (
            {
                "steps": {
                    "rr_meeting": {
                        "due": [
                            {
                                "after": "referral_received",
                                "before": "panel_notified",
                                "working_days": 1,
                            }
                        ]
                    }
                }
            },
            "give exactly one of 'after' or 'before'",
        ),
        (
            {"steps": {"rr_meeting": {"due": [{"after": "referal_received", "working_days": 13}]}}},
            "'referal_received' is not a step id or fact",
        ),
        (
            {"steps": {"rr_meeting": {"due": [{"after": "rr_meeting", "working_days": 13}]}}},
            "'rr_meeting' is not a step id or fact",
        ),
        (
            {
                "steps": {
                    "rr_meeting": {"due": [{"after": "referral_received", "working_days": -13}]}
                }
            },
            "working_days and months are whole numbers >= 0",
        ),
        (
            {
                "steps": {
                    "rr_meeting": {"due": [{"after": "referral_received", "working_days": True}]}
                }
            },
            "working_days and months are whole numbers >= 0",
        ),
        (
            {
                "steps": {
                    "rr_meeting": {"due": [{"after": "referral_received", "working_days": 13.5}]}
                }
            },
            "working_days and months are whole numbers >= 0",
        ),
        (
            {"steps": {"rr_meeting": {"due": [{"after": "referral_received"}]}}},
            "give exactly one of working_days or months, above 0",
        ),
        (
            {
                "steps": {
                    "final_report": {"due": [{"after": "decision", "working_days": 5, "months": 6}]}
                }
            },
            "give exactly one of working_days or months, above 0",
        ),
    ],
)
def test_customise_refuses_bad_settings(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ProfileError) as caught:
        customise(ENGLAND, table)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


# --- dates people type --------------------------------------------------------------------

TODAY = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-02", date(2026, 3, 2)),
        ("  2026-03-02\n", date(2026, 3, 2)),
        ("2024-02-29", date(2024, 2, 29)),
        ("1990-01-01", date(1990, 1, 1)),
        ("2100-12-31", date(2100, 12, 31)),
        ("today", TODAY),
        ("Today ", TODAY),
        ("YESTERDAY", date(2026, 2, 28)),
    ],
)
def test_parse_user_date_accepts(text: str, expected: date) -> None:
    assert parse_user_date(text, TODAY) == expected


def test_yesterday_across_a_leap_day() -> None:
    assert parse_user_date("yesterday", date(2024, 3, 1)) == date(2024, 2, 29)
    assert parse_user_date("yesterday", date(2027, 1, 1)) == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", NO_SUCH_DATE),  # more in test_dates.py
        ("2023-02-29", NO_SUCH_DATE),
        ("2026-13-01", NO_SUCH_DATE),
        ("2026-00-10", NO_SUCH_DATE),
        ("0202-01-01", "must be between 1990 and 2100"),
        ("1989-12-31", "must be between 1990 and 2100"),
        ("2101-01-01", "must be between 1990 and 2100"),
        ("9999-12-31", "must be between 1990 and 2100"),
    ],
)
def test_parse_user_date_refuses(text: str, message: str) -> None:
    with pytest.raises(DateInputError) as caught:
        parse_user_date(text, TODAY)
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_parse_iso_round_trips(d: date) -> None:
    assert parse_iso(d.isoformat()) == d
    assert parse_user_date(d.isoformat(), TODAY) == d


def test_uk_formatting() -> None:
    assert uk(date(2027, 1, 13)) == "Wed 13 Jan 2027"
    assert uk(date(2026, 3, 2)) == "Mon 2 Mar 2026"  # no leading zero
    assert uk(pendulum.date(2026, 12, 29)) == "Tue 29 Dec 2026"
    assert uk(None) == "—"
    assert uk(None, empty="") == ""
    assert uk_short(date(2026, 3, 2)) == "Mon  2 Mar"  # padded for columns
    assert uk_short(date(2027, 1, 13)) == "Wed 13 Jan"
    assert uk_short(None) == "—"


# --- display vocabulary -----------------------------------------------------------------


def test_every_state_and_rag_has_a_distinct_glyph_and_word() -> None:
    assert set(STATE_GLYPHS) == {"done", "late", "pending", "overdue", "waiting", "paused"}
    assert len(set(STATE_GLYPHS.values())) == len(STATE_GLYPHS)
    assert set(RAG_GLYPHS) == set(RAG_WORDS) == {"red", "amber", "incomplete", "green", "closed"}
    assert len(set(RAG_GLYPHS.values())) == len(RAG_GLYPHS)
