"""The local review's lifecycle and actions tracked to completion (issue 9 §5-6, 10 §2).

Every date here is counted by hand on the England and Wales calendar (the
spring bank holiday Mon 26 May 2025 is not a working day).
"""

from __future__ import annotations

import json
from datetime import date
from types import MappingProxyType
from typing import Any

import pytest
from factories import cli

from rr_tui.errors import ConflictError, InputError, NotFoundError
from rr_tui.files.calendar_export import upcoming
from rr_tui.records import CaseFields, ChildFields, MeetingRecord
from rr_tui.reports.chase import action_chase_list, action_reminder_text
from rr_tui.reports.followup import action_figures
from rr_tui.rules import lifecycle
from rr_tui.rules.lifecycle import ActionFacts, PauseFacts
from rr_tui.rules.profile import ENGLAND, ProfileError, customise, describe
from rr_tui.rules.schedule import CaseFacts, CaseSchedule, StepStatus, compute, next_due
from rr_tui.store import Store

D = date
MEETING = D(2025, 5, 14)  # Wed: the decision to hold an LCSPR
CHILD = "Zebedee-Quillfeather"

# Every rapid-review step done, so only the local review's steps are open.
RAPID_REVIEW_DONE = {
    "incident_aware": D(2025, 4, 22),
    "sin_submitted": D(2025, 4, 24),
    "referral_received": D(2025, 4, 24),
    "scoping_requests_sent": D(2025, 4, 25),
    "agency_returns": D(2025, 5, 2),
    "rr_meeting": MEETING,
    "panel_notified": D(2025, 5, 15),
    "panel_response": D(2025, 5, 29),
}


def lcspr(**changes: Any) -> CaseFacts:
    done = dict(RAPID_REVIEW_DONE)
    done.update(changes.pop("done", {}))
    return CaseFacts(done=MappingProxyType(done), decision="lcspr")._replace(**changes)


def steps_of(schedule: CaseSchedule) -> dict[str, StepStatus]:
    return {s.id: s for s in schedule.steps}


# -- §5: initiation, publication, pre-publication copy --------------------------------


def test_initiation_defaults_to_the_meeting_and_publication_is_six_months_later() -> None:
    steps = steps_of(compute(lcspr(), ENGLAND, D(2025, 6, 2)))
    assert steps["lcspr_initiated"].done == MEETING
    assert steps["published"].due == D(2025, 11, 14)
    assert steps["final_report"].due is None  # a step with no default deadline
    assert steps["final_report"].state == "waiting"
    assert steps["lcspr_panel_agreed"].state == "waiting"


def test_a_recorded_initiation_moves_publication_and_checks() -> None:
    case = lcspr(done={"lcspr_initiated": D(2025, 6, 2), "lcspr_panel_agreed": D(2025, 6, 4)})
    steps = steps_of(compute(case, ENGLAND, D(2025, 6, 2)))
    assert steps["lcspr_initiated"].done == D(2025, 6, 2)
    assert steps["lcspr_panel_agreed"].done == D(2025, 6, 4)
    assert steps["published"].due == D(2025, 12, 2)
    # 30 WD after Mon 2 Jun 2025: Mon 14 Jul 2025.
    assert steps["progress_check"].due == D(2025, 7, 14)


def test_prepublication_copy_seven_working_days_before_planned_publication() -> None:
    # Publication planned Fri 30 Jan 2026: 7 WD before is Wed 21 Jan 2026.
    case = lcspr(publication_planned=D(2026, 1, 30))
    steps = steps_of(compute(case, ENGLAND, D(2026, 1, 5)))
    assert steps["prepublication_copy"].due == D(2026, 1, 21)


def test_no_local_review_steps_without_a_local_review_decision() -> None:
    case = lcspr()._replace(decision="no_further_review")
    schedule = compute(case, ENGLAND, D(2025, 6, 2))
    ids = {s.id for s in schedule.steps}
    assert not ids & {"lcspr_initiated", "published", "progress_check"}


# -- §5: progress checks (regulation 14) -------------------------------------------------


def test_first_progress_check_30_working_days_after_initiation() -> None:
    # Wed 14 May 2025 + 30 WD, skipping Mon 26 May: Thu 26 Jun 2025.
    steps = steps_of(compute(lcspr(), ENGLAND, D(2025, 6, 2)))
    check = steps["progress_check"]
    assert (check.due, check.state, check.done) == (D(2025, 6, 26), "pending", None)


def test_next_check_30_working_days_after_the_last() -> None:
    case = lcspr(progress_checks=(D(2025, 6, 20),))
    steps = steps_of(compute(case, ENGLAND, D(2025, 6, 23)))
    assert steps["progress_check"].due == D(2025, 8, 1)  # Fri 20 Jun + 30 WD
    assert steps["progress_check"].note == "last check Fri 20 Jun 2025"


def test_overdue_progress_check_turns_the_case_red() -> None:
    schedule = compute(lcspr(), ENGLAND, D(2025, 6, 27))
    assert schedule.rag == "red"
    assert schedule.next_step is not None and schedule.next_step.id == "progress_check"
    assert schedule.next_step.slack == -1


def test_the_interval_is_a_profile_setting() -> None:
    profile = customise(ENGLAND, {"progress_check_interval": 20})
    # Wed 14 May + 20 WD (skipping 26 May): Thu 12 Jun 2025.
    steps = steps_of(compute(lcspr(), profile, D(2025, 6, 2)))
    assert steps["progress_check"].due == D(2025, 6, 12)
    assert "progress checks every 20 working days" in describe(profile)
    for bad in (0, -1, True, "30"):
        with pytest.raises(ProfileError, match="progress_check_interval"):
            customise(ENGLAND, {"progress_check_interval": bad})


def test_no_more_checks_once_published() -> None:
    case = lcspr(done={"published": D(2025, 11, 10)})
    assert "progress_check" not in steps_of(compute(case, ENGLAND, D(2025, 12, 1)))


def test_prepublication_recipients_configurable() -> None:
    assert ENGLAND.prepublication_recipients == ("the National Panel", "the Secretary of State")
    profile = customise(ENGLAND, {"prepublication_recipients": ["the Panel", "Ofsted"]})
    assert profile.prepublication_recipients == ("the Panel", "Ofsted")
    assert "Copy before publication to: the Panel, Ofsted (a case can name its own)." in describe(
        profile
    )
    for bad in ([], "the Panel", [""], [3]):
        with pytest.raises(ProfileError, match="prepublication_recipients"):
            customise(ENGLAND, {"prepublication_recipients": bad})


# -- §5: pauses -----------------------------------------------------------------------


PAUSE = PauseFacts("inquest", D(2025, 6, 10))


def test_a_pause_marks_the_local_review_steps_without_moving_them() -> None:
    today = D(2025, 12, 1)  # publication (14 Nov) and the check (26 Jun) both past
    plain = steps_of(compute(lcspr(), ENGLAND, today))
    schedule = compute(lcspr(pause=PAUSE), ENGLAND, today)
    steps = steps_of(schedule)
    for step_id in ("published", "progress_check"):
        assert steps[step_id].state == "paused"
        assert steps[step_id].note == "paused: inquest since Tue 10 Jun 2025"
        assert (steps[step_id].due, steps[step_id].slack) == (
            plain[step_id].due,
            plain[step_id].slack,
        )
    # Steps without a deadline say so too; done steps and the rapid review do not.
    assert steps["final_report"].note.startswith("paused: inquest")
    assert steps["lcspr_initiated"].state == "done"
    assert steps["panel_notified"].note == ""
    # Paused steps do not make the case red; the next step is the paused one, and the
    # stored order keeps no date for it (so the first screenful agrees: not red).
    assert schedule.rag == "green"
    assert schedule.next_step is not None and schedule.next_step.id == "progress_check"
    assert next_due(lcspr(pause=PAUSE), ENGLAND) is None
    assert compute(lcspr(), ENGLAND, today).rag == "red"


def test_a_pause_does_not_hide_an_overdue_action() -> None:
    case = lcspr(pause=PAUSE, actions=(ActionFacts(1, D(2025, 6, 9)),))
    schedule = compute(case, ENGLAND, D(2025, 6, 11))
    assert schedule.rag == "red"
    assert schedule.next_step is not None and schedule.next_step.id == "action:1"


def test_pause_length_in_days_and_working_days() -> None:
    assert lifecycle.pause_length(D(2025, 6, 10), D(2025, 7, 1)) == (21, 15)
    assert lifecycle.describe_length(D(2025, 6, 10), D(2025, 6, 11)) == ("1 day (1 working day)")
    assert lifecycle.pause_length(D(2025, 6, 10), D(2025, 6, 10)) == (0, 0)


def test_paused_during_a_period() -> None:
    pauses = [(D(2025, 3, 1), D(2025, 3, 31))]
    assert lifecycle.paused_during(pauses, D(2025, 1, 1), D(2025, 3, 1))
    assert not lifecycle.paused_during(pauses, D(2025, 4, 1), D(2025, 6, 30))
    assert lifecycle.paused_during([(D(2025, 3, 1), None)], D(2026, 1, 1), D(2026, 12, 31))


# -- §6: actions ------------------------------------------------------------------------


def test_an_overdue_action_turns_the_case_red_and_is_the_next_step() -> None:
    # Scoping sent Tue 3 Jun 2025: returns due Tue 10 Jun. The action was due Mon 9 Jun.
    case = CaseFacts(
        done=MappingProxyType(
            {"referral_received": D(2025, 6, 2), "scoping_requests_sent": D(2025, 6, 3)}
        ),
        actions=(ActionFacts(1, D(2025, 6, 9)), ActionFacts(2, D(2025, 6, 20), D(2025, 6, 5))),
    )
    # On Tue 10 Jun the returns are due today; the action is the one missed.
    schedule = compute(case, ENGLAND, D(2025, 6, 10))
    assert schedule.rag == "red"
    nxt = schedule.next_step
    assert nxt is not None
    assert (nxt.id, nxt.label, nxt.state, nxt.slack) == ("action:1", "Action 1", "overdue", -1)
    assert [(a.id, a.state) for a in schedule.actions] == [
        ("action:1", "overdue"),
        ("action:2", "done"),
    ]
    assert ENGLAND.short_label("action:1") == "Action 1"
    assert next_due(case, ENGLAND) == D(2025, 6, 9)
    # Done: back to the rapid review's own next step.
    done = case._replace(actions=(ActionFacts(1, D(2025, 6, 9), D(2025, 6, 10)),))
    schedule = compute(done, ENGLAND, D(2025, 6, 11))
    assert schedule.next_step is not None and schedule.next_step.id == "agency_returns"
    assert schedule.actions[0].state == "late"


def test_an_action_not_the_most_urgent_is_not_the_next_step() -> None:
    case = CaseFacts(
        done=MappingProxyType({"incident_aware": D(2025, 6, 2)}),
        actions=(ActionFacts(1, D(2025, 6, 20)),),
    )
    schedule = compute(case, ENGLAND, D(2025, 6, 3))
    assert schedule.next_step is not None and schedule.next_step.id == "sin_submitted"


def test_action_label_names_no_one() -> None:
    assert lifecycle.action_label(ActionFacts(3, None, None, 2)) == ("Action 3 (rec. 2)")


# -- the store ---------------------------------------------------------------------------


def new_case(store: Store, reference: str = "LC-001", **steps: date) -> int:
    fields = CaseFields(reference=reference, owner="Asha")
    steps_given = dict(steps) or {"referral_received": D(2025, 6, 2)}
    return store.create_case(fields, steps_given, [ChildFields(initials=CHILD)])


def test_actions_numbered_per_case_completed_with_evidence(store: Store) -> None:
    one, two = new_case(store), new_case(store, "LC-002")
    assert store.add_action(one, "Visit", owner="Police", due_on=D(2025, 6, 9)) == 1
    assert store.add_action(one, "Plan", owner="CSC", due_on=D(2025, 6, 12)) == 2
    assert store.add_action(two, "Check", owner="GP", due_on=None) == 1
    store.complete_action(one, 2, D(2025, 6, 11), evidence="Plan on file")
    record = store.get_case(one)
    assert [
        (a.number, a.text, a.owner, a.due_on, a.done_on, a.evidence) for a in record.actions
    ] == [
        (1, "Visit", "Police", D(2025, 6, 9), None, ""),
        (2, "Plan", "CSC", D(2025, 6, 12), D(2025, 6, 11), "Plan on file"),
    ]
    # Version checks: a stale form is refused.
    with pytest.raises(ConflictError):
        store.complete_action(one, 1, D(2025, 6, 10), expected_version=7)
    with pytest.raises(NotFoundError, match="no action 3"):
        store.complete_action(one, 3, D(2025, 6, 10))
    with pytest.raises(InputError, match=r"^Action:"):
        store.add_action(one, "  ", owner="x", due_on=None)
    with pytest.raises(InputError, match=r"^Owner:"):
        store.add_action(one, "Visit", owner="o" * 121, due_on=None)
    assert store.verify_audit() == []
    # The history names the actions' table, on the case they belong to.
    assert any(h.table_name == "meeting_actions" for h in store.history(one))


def test_meeting_form_and_added_actions_share_numbers(store: Store) -> None:
    case = new_case(store)
    store.add_action(case, "Before the meeting", owner="Police", due_on=D(2025, 6, 9))
    store.record_meeting(case, 0, D(2025, 6, 16), MeetingRecord(decision="lcspr"))
    meeting = store.get_case(case).meeting
    assert meeting is not None
    # The meeting shows the action added before it; saving it keeps the action.
    assert [a.action for a in meeting.actions] == ["Before the meeting"]
    store.record_meeting(case, meeting.version, D(2025, 6, 16), meeting)
    assert store.add_action(case, "After", owner="CSC", due_on=None) == 2
    # A meeting form opened before that addition would drop it: it is refused instead.
    with pytest.raises(ConflictError):
        store.record_meeting(case, meeting.version + 1, D(2025, 6, 16), meeting)
    fresh = store.get_case(case)
    assert [a.number for a in fresh.actions] == [1, 2]


def test_recommendations_with_actions(store: Store) -> None:
    case = new_case(store)
    assert store.add_action(case, "Immediate", owner="Police", due_on=None) == 1
    number = store.add_recommendation(
        case,
        "Share the learning",
        D(2025, 9, 1),
        [("Brief teams", "LA", D(2025, 10, 1)), ("Audit", "Health", D(2025, 12, 1))],
    )
    assert number == 1
    assert store.add_action(case, "One more", owner="LA", due_on=None, recommendation=1) == 4
    with pytest.raises(NotFoundError, match="no recommendation 2"):
        store.add_action(case, "x", owner="y", due_on=None, recommendation=2)
    with pytest.raises(InputError, match=r"^Recommendation:"):
        store.add_recommendation(case, " ", None)
    record = store.get_case(case)
    assert [(r.number, r.text, r.made_on) for r in record.recommendations] == [
        (1, "Share the learning", D(2025, 9, 1))
    ]
    assert [(a.number, a.recommendation) for a in record.actions] == [
        (1, None),
        (2, 1),
        (3, 1),
        (4, 1),
    ]
    # Only the immediate action is the meeting's.
    store.record_meeting(case, 0, D(2025, 6, 16), MeetingRecord(decision="lcspr"))
    meeting = store.get_case(case).meeting
    assert meeting is not None and [a.action for a in meeting.actions] == ["Immediate"]
    store.record_meeting(case, meeting.version, D(2025, 6, 16), replace_actions(meeting))
    assert len(store.get_case(case).actions) == 3  # the immediate one was removed, only it
    assert store.verify_audit() == []


def replace_actions(meeting: MeetingRecord) -> MeetingRecord:
    from dataclasses import replace

    return replace(meeting, actions=())


def test_pauses_and_progress_checks(store: Store) -> None:
    case = new_case(store)
    store.add_progress_check(case, D(2025, 7, 1), "On time")
    store.start_pause(case, "criminal_proceedings", D(2025, 7, 2), "Trial listed")
    with pytest.raises(InputError, match="already paused"):
        store.start_pause(case, "inquest", D(2025, 7, 3))
    with pytest.raises(InputError, match=r"^Reason:"):
        store.start_pause(case, "holiday", D(2025, 7, 3))
    with pytest.raises(InputError, match=r"^End date:"):
        store.end_pause(case, D(2025, 7, 1))
    record = store.get_case(case)
    pause = record.active_pause
    assert pause is not None
    assert (pause.reason_label, pause.started_on, pause.detail) == (
        "criminal proceedings",
        D(2025, 7, 2),
        "Trial listed",
    )
    assert record.facts().pause == PauseFacts("criminal proceedings", D(2025, 7, 2))
    assert record.facts().progress_checks == (D(2025, 7, 1),)
    store.end_pause(case, D(2025, 9, 1))
    with pytest.raises(NotFoundError, match="not paused"):
        store.end_pause(case, D(2025, 9, 2))
    record = store.get_case(case)
    assert record.active_pause is None
    assert [(p.started_on, p.ended_on) for p in record.pauses] == [(D(2025, 7, 2), D(2025, 9, 1))]
    store.start_pause(case, "inquest", D(2025, 10, 1))
    assert store.get_case(case).active_pause is not None
    assert store.verify_audit() == []


def test_the_stored_order_follows_actions_and_pauses(store: Store) -> None:
    case = new_case(store, referral_received=D(2025, 6, 2))
    store.add_action(case, "Visit", owner="Police", due_on=D(2025, 6, 3))
    assert store.stale_order() == []
    from sqlalchemy import select

    from rr_tui.models import CaseOrder

    def stored() -> date | None:
        with store.engine.connect() as conn:
            return conn.execute(
                select(CaseOrder.next_due).where(CaseOrder.case_id == case)
            ).scalar()

    assert stored() == D(2025, 6, 3)
    store.complete_action(case, 1, D(2025, 6, 3))
    assert stored() == D(2025, 6, 4)  # scoping: 2 WD after the referral


# -- outputs -------------------------------------------------------------------------------


@pytest.fixture
def action_db(store: Store, db_url: str) -> str:
    # Scoping sent Tue 3 Jun: the returns are due Tue 10 Jun, after action 1.
    case = new_case(store, referral_received=D(2025, 6, 2), scoping_requests_sent=D(2025, 6, 3))
    store.add_action(case, f"Visit {CHILD}", owner="Police", due_on=D(2025, 6, 9))
    store.add_action(case, f"Plan for {CHILD}", owner="Police", due_on=D(2025, 6, 13))
    store.add_action(case, "Records", owner="Health", due_on=D(2025, 6, 30))
    return db_url


def test_cli_action_add_done_list(capsys: pytest.CaptureFixture[str], action_db: str) -> None:
    base = ("--db", action_db, "--today", "2025-06-11")
    code, out, err = cli(
        capsys, *base, "action", "add", "LC-001", "--due", "2025-06-20", "--owner", "CSC",
        "Strategy", "discussion",
    )  # fmt: skip
    assert (code, out, err) == (0, "4\n", "")
    assert cli(capsys, *base, "action", "done", "LC-001", "4", "yesterday") == (
        0,
        "action 4 done on Tue 10 Jun 2025\n",
        "",
    )
    code, out, _ = cli(capsys, *base, "action", "list", "LC-001", "--json")
    rows = json.loads(out)
    assert [(r["number"], r["state"]) for r in rows] == [
        (1, "overdue"),
        (2, "pending"),
        (3, "pending"),
        (4, "done"),
    ]
    assert rows[3]["text"] == "Strategy discussion"
    code, out, _ = cli(capsys, *base, "action", "list", "LC-001")
    assert "    1. [overdue] Visit" in out
    # Failures: one sentence and the documented exit code.
    assert cli(capsys, *base, "action", "done", "LC-001", "9", "today")[0] == 4
    assert cli(capsys, *base, "action", "done", "LC-001", "x", "today")[0] == 3
    assert cli(capsys, *base, "action", "done", "NOPE", "1", "today")[0] == 4
    code, _, err = cli(capsys, *base, "action", "add", "LC-001", "--due", "2025-02-30",
                       "--owner", "x", "y")  # fmt: skip
    assert code == 3 and err.startswith("rr-tui: --due: no such date")
    assert cli(capsys, *base, "action", "add", "LC-001", "--owner", "x", "y")[0] == 2


def test_status_json_actions_without_text(
    capsys: pytest.CaptureFixture[str], action_db: str
) -> None:
    # Tue 10 Jun: the returns are due today; action 1 (Mon 9 Jun) is overdue.
    code, out, _ = cli(capsys, "--db", action_db, "--today", "2025-06-10", "status", "--json")
    assert code == 0 and CHILD not in out
    (row,) = json.loads(out)
    assert row["rag"] == "red"
    assert row["next_step"] == "action:1"
    assert row["actions"] == [
        {"number": 1, "owner": "Police", "due": "2025-06-09", "done": None, "state": "overdue"},
        {"number": 2, "owner": "Police", "due": "2025-06-13", "done": None, "state": "pending"},
        {"number": 3, "owner": "Health", "due": "2025-06-30", "done": None, "state": "pending"},
    ]
    assert row["paused"] is None


def test_chase_lists_actions_by_owner_naming_no_child(
    capsys: pytest.CaptureFixture[str], store: Store, action_db: str
) -> None:
    groups = action_chase_list(store.list_cases(), D(2025, 6, 11))
    assert list(groups) == ["Police"]  # Health's is not due within 2 WD
    assert [(i.number, i.slack) for i in groups["Police"]] == [(1, -2), (2, 2)]
    text = action_reminder_text("Police", groups["Police"], D(2025, 6, 11))
    assert "  - LC-001, action 1: was due Mon 9 Jun 2025 (2 working days overdue)" in text
    assert "  - LC-001, action 2: is due Fri 13 Jun 2025" in text
    assert CHILD not in text and "Visit" not in text
    code, out, _ = cli(capsys, "--db", action_db, "--today", "2025-06-11", "chase", "--json")
    assert code == 0 and CHILD not in out
    (group,) = json.loads(out)
    assert group["owner"] == "Police"
    assert [a["number"] for a in group["actions"]] == [1, 2]
    code, out, _ = cli(capsys, "--db", action_db, "--today", "2025-06-11", "chase")
    assert "== Actions: Police ==" in out and CHILD not in out


def test_calendar_includes_action_deadlines(store: Store, action_db: str) -> None:
    events = [e for e in upcoming(store.list_cases(), ENGLAND, D(2025, 6, 11)) if "action" in e[1]]
    assert events == [
        ("LC-001", "action:2", "Action 2", D(2025, 6, 13)),
        ("LC-001", "action:3", "Action 3", D(2025, 6, 30)),
    ]


def test_report_counts_recommendations_and_actions(store: Store) -> None:
    case = new_case(store)
    store.add_recommendation(
        case,
        "Learning",
        D(2025, 5, 1),
        [("A", "LA", D(2025, 5, 20)), ("B", "LA", D(2025, 6, 20)), ("C", "LA", D(2025, 7, 20))],
    )
    store.add_recommendation(case, "Earlier", D(2024, 12, 1))
    store.complete_action(case, 1, D(2025, 5, 19))  # on time
    store.complete_action(case, 2, D(2025, 6, 25))  # late
    store.add_action(case, "Immediate", owner="P", due_on=D(2025, 4, 2))
    store.start_pause(case, "family_court", D(2025, 3, 1))
    records = store.list_cases()
    figures = action_figures(records, D(2025, 4, 1), D(2025, 6, 30), D(2025, 7, 1))
    assert figures == {
        "recommendations": {"made": 1, "actions_done": 2, "actions_overdue": 1},
        "immediate_actions": {"done": 0, "overdue": 1},
        "paused_cases": 1,
    }
