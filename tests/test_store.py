"""The case store against real databases: what a coordinator would notice."""

from __future__ import annotations

import pwd
from collections.abc import Callable
from datetime import date
from os import getuid

import pytest
from sqlalchemy import func, select, text

from rr_tui.errors import ConflictError, InputError, NotFoundError
from rr_tui.models import AuditEntry
from rr_tui.records import ActionRecord, CaseFields, ChildFields, MeetingRecord
from rr_tui.store import Store

D = date


def new_case(store: Store, reference: str = "RR-2026-001", **fields: object) -> int:
    child = fields.pop("child", None)
    children = (ChildFields(str(child)),) if child is not None else ()
    return store.create_case(
        CaseFields(reference=reference, **fields),  # type: ignore[arg-type]
        None,
        children,
    )


def audit_count(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one())


# -- cases ---------------------------------------------------------------------


def test_create_then_read_case(store: Store) -> None:
    fields = CaseFields(
        reference="RR-2026-001",
        kind="rapid_review",
        incident_type="other",
        incident_date=D(2026, 2, 25),
        sin_reference="SIN-123/26",
        lead_authority="Northshire",
        home_authority="Southshire",
        partners_copied_on=D(2026, 3, 3),
        owner="A. Patel",
        notes="line one\nline two",
        publication_planned=D(2026, 9, 1),
    )
    first = ChildFields("Child A", "1_to_5", "female", "mixed", "no", looked_after=True)
    second = ChildFields("Child B", "unborn", disability="unknown", cp_plan=True)
    case_id = store.create_case(fields, {"referral_received": D(2026, 3, 2)}, (first, second))

    record = store.get_case(case_id)
    assert record.fields == fields
    assert [(c.position, c.fields) for c in record.children] == [(1, first), (2, second)]
    assert record.child_label == "Child A +1"
    assert dict(record.done) == {"referral_received": D(2026, 3, 2)}
    assert record.version == 1
    assert store.case_id("RR-2026-001") == case_id
    assert store.case_id("  RR-2026-001 ") == case_id
    assert [r.reference for r in store.list_cases()] == ["RR-2026-001"]


def test_update_case_saves_fields_and_bumps_version(store: Store) -> None:
    case_id = new_case(store, owner="A. Patel")
    store.update_case(case_id, 1, CaseFields("RR-2026-001", owner="J. Okafor", notes="n"))
    record = store.get_case(case_id)
    assert (record.fields.owner, record.fields.notes, record.version) == ("J. Okafor", "n", 2)


def test_stale_version_raises_conflict_and_leaves_row_unchanged(store: Store) -> None:
    case_id = new_case(store, notes="original")
    store.update_case(case_id, 1, CaseFields("RR-2026-001", notes="theirs"))
    with pytest.raises(ConflictError):
        store.update_case(case_id, 1, CaseFields("RR-2026-001", notes="mine"))
    record = store.get_case(case_id)
    assert (record.fields.notes, record.version) == ("theirs", 2)


def test_closed_cases_are_listed_only_with_include_closed(store: Store) -> None:
    new_case(store, "RR-OPEN")
    new_case(store, "RR-SHUT", status="closed")
    assert [r.reference for r in store.list_cases()] == ["RR-OPEN"]
    assert {r.reference for r in store.list_cases(include_closed=True)} == {"RR-OPEN", "RR-SHUT"}


def test_unknown_case_and_reference_are_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.get_case(999)
    with pytest.raises(NotFoundError):
        store.case_id("RR-NOPE")
    with pytest.raises(NotFoundError):
        store.record_step(999, "rr_meeting", D(2026, 1, 5))


def test_duplicate_reference_is_an_input_error_naming_reference(store: Store) -> None:
    new_case(store, "RR-2026-001")
    other = new_case(store, "RR-2026-002")
    before = audit_count(store)
    with pytest.raises(InputError, match=r"^Reference: "):
        new_case(store, "RR-2026-001")
    with pytest.raises(InputError, match=r"^Reference: "):
        store.update_case(other, 1, CaseFields("RR-2026-001"))
    assert len(store.list_cases()) == 2
    assert store.get_case(other).reference == "RR-2026-002"
    assert audit_count(store) == before


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        (CaseFields("has space"), "Reference"),
        (CaseFields(""), "Reference"),
        (CaseFields("RR-1", status="bogus"), "Status"),
        (CaseFields("RR-1", incident_type="fire"), "Nature of the incident"),
        (CaseFields("RR-1", kind="fire"), "Notification"),
        (CaseFields("RR-1", kind=""), "Notification"),
        (CaseFields("RR-1", sin_reference="x" * 41), "SIN reference"),
        (CaseFields("RR-1", home_authority="x" * 121), "Child's home authority"),
    ],
)
def test_invalid_fields_are_refused_by_label(store: Store, fields: CaseFields, label: str) -> None:
    with pytest.raises(InputError, match=rf"^{label}"):
        store.create_case(fields)
    assert store.list_cases(include_closed=True) == []


def test_hostile_text_is_stripped_on_save(store: Store) -> None:
    case_id = new_case(
        store,
        child="\x1b[31mChild\x1b[0m \u202eA\u202c",
        owner="J.\x07 Okafor\x00",
        notes="keep\nlines\x1b]0;pwned\x07 \u2066isolated\u2069 \x1b[2J\x9b tail\r\nend",
    )
    record = store.get_case(case_id)
    fields = record.fields
    assert record.children[0].fields.initials == "Child A"
    assert fields.owner == "J. Okafor"
    assert fields.notes == "keep\nlines isolated  tail\nend"
    for value in (record.children[0].fields.initials, fields.owner, fields.notes):
        assert not any(c in value for c in "\x1b\x07\x00\x9b\u202e\u202c\u2066\u2069\r")


def test_notes_of_100000_characters_are_accepted_and_100001_refused(store: Store) -> None:
    case_id = new_case(store, notes="n" * 100_000)
    assert len(store.get_case(case_id).fields.notes) == 100_000
    with pytest.raises(InputError, match=r"^Notes: is longer than 100,000 characters"):
        store.update_case(case_id, 1, CaseFields("RR-2026-001", notes="n" * 100_001))
    with pytest.raises(InputError, match=r"^Notes"):
        new_case(store, "RR-2026-002", notes="n" * 100_001)
    assert store.get_case(case_id).version == 1
    assert [r.reference for r in store.list_cases()] == ["RR-2026-001"]


# -- steps, agencies, meeting, Panel -----------------------------------------------


def test_record_step_sets_changes_and_clears_a_date(store: Store) -> None:
    case_id = new_case(store)
    store.record_step(case_id, "referral_received", D(2026, 3, 2))
    store.record_step(case_id, "scoping_requests_sent", D(2026, 3, 3))
    store.record_step(case_id, "referral_received", D(2026, 3, 1))
    assert dict(store.get_case(case_id).done) == {
        "referral_received": D(2026, 3, 1),
        "scoping_requests_sent": D(2026, 3, 3),
    }
    store.record_step(case_id, "scoping_requests_sent", None)
    assert dict(store.get_case(case_id).done) == {"referral_received": D(2026, 3, 1)}


def test_agencies_requests_returns_and_chasers(store: Store) -> None:
    case_id = new_case(store)
    police = store.add_agency(case_id, "Police", D(2026, 3, 3))
    gp = store.add_agency(case_id, "GP practice", D(2026, 3, 3), timescale_wd=10, notes="slow")
    store.update_agency(police, 1, received_on=D(2026, 3, 6), records_secured=True)
    store.record_chaser(gp, D(2026, 3, 10))
    store.record_chaser(gp, D(2026, 3, 9))

    agencies = {a.name: a for a in store.get_case(case_id).agencies}
    assert agencies["Police"].received_on == D(2026, 3, 6)
    assert agencies["Police"].records_secured is True
    assert agencies["Police"].version == 2
    assert agencies["GP practice"].timescale_wd == 10
    assert agencies["GP practice"].received_on is None
    assert agencies["GP practice"].chasers == (D(2026, 3, 9), D(2026, 3, 10))

    with pytest.raises(ConflictError):
        store.update_agency(police, 1, nil_return=True)
    assert store.get_case(case_id).agencies[0].nil_return is False
    with pytest.raises(InputError):
        store.update_agency(police, 2, colour="red")
    with pytest.raises(InputError, match=r"^Timescale"):
        store.add_agency(case_id, "School", None, timescale_wd=61)
    with pytest.raises(InputError, match=r"^Agency"):
        store.add_agency(case_id, "  ", None)


def test_meeting_with_actions_and_decision(store: Store) -> None:
    case_id = new_case(store)
    meeting = MeetingRecord(
        attendees="Police; Health",
        facts_summary="Summary",
        learning="Learning",
        decision="lcspr",
        rationale="Criteria met",
        actions=(
            ActionRecord("Strategy discussion", "Social care", D(2026, 3, 20)),
            ActionRecord("Secure records", "Health", D(2026, 3, 18), D(2026, 3, 18)),
        ),
    )
    store.record_meeting(case_id, 0, D(2026, 3, 17), meeting)

    record = store.get_case(case_id)
    assert record.done["rr_meeting"] == D(2026, 3, 17)
    assert record.decision == "lcspr"
    assert record.meeting is not None
    assert record.meeting.version == 1
    assert record.meeting.actions == meeting.actions
    assert record.meeting.attendees == "Police; Health"
    assert record.meeting.rationale == "Criteria met"

    fewer = MeetingRecord(decision="no_further_review", actions=(meeting.actions[0],))
    store.record_meeting(case_id, 1, D(2026, 3, 17), fewer)
    record = store.get_case(case_id)
    assert record.decision == "no_further_review"
    assert record.meeting is not None
    assert record.meeting.actions == (meeting.actions[0],)

    with pytest.raises(ConflictError):
        store.record_meeting(case_id, 1, D(2026, 3, 18), meeting)
    with pytest.raises(InputError, match=r"^Decision"):
        store.record_meeting(case_id, 2, None, MeetingRecord(decision="shrug"))
    assert store.get_case(case_id).done["rr_meeting"] == D(2026, 3, 17)


def test_panel_notification_then_response(store: Store) -> None:
    case_id = new_case(store)
    store.record_panel(
        case_id,
        0,
        notified_on=D(2026, 3, 19),
        notification_notes="Sent by secure e-mail",
        set_notified=True,
    )
    store.record_panel(
        case_id,
        1,
        response_on=D(2026, 4, 2),
        outcome="agrees",
        response_notes="Agreed",
        set_response=True,
    )
    record = store.get_case(case_id)
    assert record.done["panel_notified"] == D(2026, 3, 19)
    assert record.done["panel_response"] == D(2026, 4, 2)
    assert record.panel is not None
    assert (record.panel.version, record.panel.outcome) == (2, "agrees")
    assert record.panel.notification_notes == "Sent by secure e-mail"
    assert record.panel.response_notes == "Agreed"
    with pytest.raises(ConflictError):
        store.record_panel(case_id, 1, outcome="challenges")
    with pytest.raises(InputError, match=r"^Outcome"):
        store.record_panel(case_id, 2, outcome="maybe")


def test_meeting_and_panel_saved_at_once_by_two_coordinators_both_succeed(
    store: Store, db_url: str, open_store: Callable[..., Store]
) -> None:
    case_id = new_case(store)
    other = open_store(db_url, actor="colleague")
    seen_by_me = store.get_case(case_id)
    seen_by_them = other.get_case(case_id)

    store.record_meeting(
        case_id,
        seen_by_me.meeting.version if seen_by_me.meeting else 0,
        D(2026, 3, 17),
        MeetingRecord(decision="lcspr"),
    )
    other.record_panel(
        case_id,
        seen_by_them.panel.version if seen_by_them.panel else 0,
        notified_on=D(2026, 3, 18),
        set_notified=True,
    )

    record = store.get_case(case_id)
    assert record.decision == "lcspr"
    assert record.done["rr_meeting"] == D(2026, 3, 17)
    assert record.done["panel_notified"] == D(2026, 3, 18)


def test_two_coordinators_editing_the_same_case_the_second_gets_a_conflict(
    store: Store, db_url: str, open_store: Callable[..., Store]
) -> None:
    case_id = new_case(store)
    other = open_store(db_url)
    version = other.get_case(case_id).version
    store.update_case(case_id, version, CaseFields("RR-2026-001", notes="first"))
    with pytest.raises(ConflictError):
        other.update_case(case_id, version, CaseFields("RR-2026-001", notes="second"))
    assert store.get_case(case_id).fields.notes == "first"


def test_change_token_grows_with_every_write_by_anyone(
    store: Store, db_url: str, open_store: Callable[..., Store]
) -> None:
    before = store.change_token()
    case_id = new_case(store)
    middle = store.change_token()
    open_store(db_url).record_step(case_id, "referral_received", D(2026, 3, 2))
    assert before < middle < store.change_token()


# -- audit -----------------------------------------------------------------------


def test_every_write_is_audited_with_the_os_account(store: Store) -> None:
    case_id = new_case(store)
    writes: list[Callable[[], object]] = [
        lambda: store.update_case(case_id, 1, CaseFields("RR-2026-001", notes="x")),
        lambda: store.record_step(case_id, "referral_received", D(2026, 3, 2)),
        lambda: store.add_agency(case_id, "Police", D(2026, 3, 3)),
        lambda: store.record_chaser(store.get_case(case_id).agencies[0].id, D(2026, 3, 9)),
        lambda: store.record_meeting(case_id, 0, D(2026, 3, 17), MeetingRecord(decision="lcspr")),
        lambda: store.record_panel(case_id, 0, notified_on=D(2026, 3, 18), set_notified=True),
        lambda: store.record_step(case_id, "referral_received", None),
    ]
    for write in writes:
        before = audit_count(store)
        write()
        assert audit_count(store) > before

    with store.engine.connect() as conn:
        actors = set(conn.execute(text("SELECT DISTINCT actor FROM audit_log")).scalars())
    assert actors == {pwd.getpwuid(getuid()).pw_name}
    assert store.verify_audit() == []


def test_history_lists_the_changes_of_that_case_only(store: Store) -> None:
    case_id = new_case(store)
    other = new_case(store, "RR-2026-002")
    store.update_case(case_id, 1, CaseFields("RR-2026-001", owner="A. Patel", notes="n"))
    agency = store.add_agency(case_id, "Police", D(2026, 3, 3))
    store.record_chaser(agency, D(2026, 3, 9))
    store.record_meeting(
        case_id, 0, D(2026, 3, 17), MeetingRecord(actions=(ActionRecord("Visit"),))
    )
    store.record_step(other, "referral_received", D(2026, 3, 2))

    history = store.history(case_id)
    assert [(h.action, h.table_name, h.summary) for h in history] == [
        ("create", "cases", "created"),
        ("update", "cases", "changed notes, owner"),
        ("create", "agencies", "created"),
        ("create", "chasers", "created"),
        ("create", "meetings", "created"),
        ("create", "meeting_actions", "created"),
        ("create", "step_dates", "created"),
    ]
    assert {h.actor for h in history} == {store.actor}
    assert [h.table_name for h in store.history(other)] == ["cases", "step_dates"]


def test_field_lengths_are_checked_before_the_database_sees_them(store: Store) -> None:
    """PostgreSQL would refuse an over-long value with a driver error; the store names the field."""
    case_id = new_case(store)
    too_long_owner = MeetingRecord(actions=(ActionRecord("Visit", "o" * 121),))
    with pytest.raises(InputError, match=r"^Action owner: is longer than 120 characters"):
        store.record_meeting(case_id, 0, None, too_long_owner)
    with pytest.raises(InputError, match=r"^Step"):
        store.record_step(case_id, "s" * 41, D(2026, 3, 2))
    with pytest.raises(InputError, match=r"^Agency: is longer than 120 characters"):
        store.add_agency(case_id, "a" * 121, None)
    assert store.get_case(case_id).meeting is None
    assert dict(store.get_case(case_id).done) == {}


def test_a_long_actor_name_is_kept_to_the_column_width(
    db_url: str, store: Store, open_store: Callable[..., Store]
) -> None:
    other = open_store(db_url, actor="x" * 100)
    case_id = other.create_case(CaseFields("RR-2026-001"))
    assert store.get_case(case_id).updated_by == "x" * 64


# -- field edits: what every form saves (issue 11 §2) -----------------------------


def test_save_edits_writes_only_the_named_fields(store: Store) -> None:
    from rr_tui.edits import CASE, PANEL, STEP, Edit, Target

    case_id = new_case(store, owner="A", sin_reference="C")
    store.record_panel(case_id, 0, outcome="agrees", response_notes="theirs")
    store.save_edits(
        case_id,
        [
            Edit(Target(CASE, "owner"), "A", "B", "Owner"),
            Edit(Target(STEP, "panel_notified"), None, D(2026, 3, 2), "Panel notified on"),
            Edit(Target(PANEL, "notification_notes"), "", "told", "Notification notes"),
        ],
    )
    record = store.get_case(case_id)
    assert (record.fields.owner, record.fields.sin_reference) == ("B", "C")
    assert record.done["panel_notified"] == D(2026, 3, 2)
    assert record.panel is not None
    assert (record.panel.outcome, record.panel.response_notes) == ("agrees", "theirs")
    assert record.panel.notification_notes == "told"


def test_save_edits_refuses_every_stale_field_and_writes_nothing(store: Store) -> None:
    from rr_tui.edits import CASE, MEETING, STEP, Edit, Target

    case_id = new_case(store, owner="Theirs", sin_reference="C")
    store.record_step(case_id, "rr_meeting", D(2026, 3, 9))
    before = audit_count(store)
    with pytest.raises(ConflictError) as caught:
        store.save_edits(
            case_id,
            [
                Edit(Target(CASE, "sin_reference"), "C", "D", "SIN"),  # fresh: fine on its own
                Edit(Target(CASE, "owner"), "Seen", "Mine", "Owner"),  # stale
                Edit(Target(STEP, "rr_meeting"), None, D(2026, 3, 10), "Meeting date"),  # stale
                Edit(Target(MEETING, "rationale"), "", "r", "Rationale"),
            ],
        )
    assert caught.value.message == "someone else changed Owner, Meeting date since you opened it"
    assert caught.value.exit_code == 9
    record = store.get_case(case_id)
    assert (record.fields.sin_reference, record.fields.owner) == ("C", "Theirs")
    assert record.done["rr_meeting"] == D(2026, 3, 9) and record.meeting is None
    assert audit_count(store) == before


def test_save_edits_same_change_by_both_is_no_conflict(store: Store) -> None:
    from rr_tui.edits import CASE, Edit, Target

    case_id = new_case(store, owner="B")  # they already saved what we are saving
    store.save_edits(case_id, [Edit(Target(CASE, "owner"), "A", "B", "Owner")])
    assert store.get_case(case_id).fields.owner == "B"


def test_save_edits_checks_values_and_names_the_field(store: Store) -> None:
    from rr_tui.edits import AGENCY, CASE, MEETING, Edit, Target

    case_id = new_case(store)
    other = new_case(store, "RR-2026-002")
    agency = store.add_agency(other, "Police", None)
    cases = [
        (Edit(Target(CASE, "reference"), "RR-2026-001", "has space", "Reference"), "Reference:"),
        (Edit(Target(CASE, "status"), "open", "gone", "Status"), "Status:"),
        (Edit(Target(MEETING, "decision"), None, "maybe", "Decision"), "Decision:"),
        (Edit(Target(CASE, "version"), 1, 5), "unknown case field"),
        (Edit(Target("cases", "x"), 1, 5), "unknown record"),
    ]
    for edit, words in cases:
        with pytest.raises(InputError) as caught:
            store.save_edits(case_id, [edit])
        assert words in caught.value.message
    # An agency of another case is not this case's to change.
    with pytest.raises(NotFoundError):
        store.save_edits(
            case_id, [Edit(Target(AGENCY, "received_on", agency), None, D(2026, 3, 2))]
        )


def test_save_edits_of_a_child_checks_each_field_against_what_was_seen(store: Store) -> None:
    from rr_tui.edits import CHILD, Edit, Target

    case_id = new_case(store, child="AB")
    child = store.get_case(case_id).children[0]
    store.save_edits(
        case_id,
        [
            Edit(Target(CHILD, "age_band", child.id), "", "1_to_5", "Age band"),
            Edit(Target(CHILD, "looked_after", child.id), False, True, "Looked after"),
        ],
    )
    saved = store.get_case(case_id).children[0]
    assert (saved.fields.age_band, saved.fields.looked_after, saved.version) == ("1_to_5", True, 2)
    with pytest.raises(ConflictError, match="age band"):
        store.save_edits(case_id, [Edit(Target(CHILD, "age_band", child.id), "", "unborn")])
    with pytest.raises(InputError, match=r"^Sex: choose one of"):
        store.save_edits(case_id, [Edit(Target(CHILD, "sex", child.id), "", "x", "Sex")])
    other = new_case(store, "RR-OTHER")
    with pytest.raises(NotFoundError):  # a child of another case is not this case's to edit
        store.save_edits(other, [Edit(Target(CHILD, "sex", child.id), "", "male")])
    assert store.verify_audit() == []


def test_map_cases_gives_what_list_cases_gives_case_by_case(store: Store) -> None:
    """The case list's streamed load sees every case exactly as ``list_cases`` reads it."""
    from rr_tui.demo import seed

    seed(store, date(2026, 11, 26))
    for closed in (False, True):
        listed = store.list_cases(include_closed=closed)
        assert store.map_cases(lambda record: record, include_closed=closed) == listed
        assert store.map_cases(lambda record: record.reference, include_closed=closed) == [
            record.reference for record in listed
        ]
    everything = store.list_cases(include_closed=True)
    assert any(r.agencies for r in everything) and any(r.actions for r in everything)
    assert any(r.fields.status == "closed" for r in everything)
