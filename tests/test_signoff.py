"""The safeguarding partners' sign-off of a rapid review: stored, checked, audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from rr_tui.errors import ConflictError, InputError
from rr_tui.lengths import MAX_TEXT
from rr_tui.records import (
    PARTNERS,
    CaseFields,
    MeetingRecord,
    SignOffRecord,
    missing_partners,
)
from rr_tui.store import Store

D = date


def signoff(partner: str, name: str = "A. Person", **changes: object) -> SignOffRecord:
    base = SignOffRecord(partner, name, "Director", "Northshire", D(2025, 6, 20))
    return replace(base, **changes)  # type: ignore[arg-type]


def test_missing_partners_names_who_has_not_signed_in_order() -> None:
    assert missing_partners(()) == ("Local authority", "Police", "Health")
    assert missing_partners((signoff("health"),)) == ("Local authority", "Police")
    assert missing_partners(tuple(signoff(p) for p in PARTNERS)) == ()


def test_sign_offs_are_saved_read_back_in_partner_order_and_audited(store: Store) -> None:
    case_id = store.create_case(CaseFields(reference="RR-1"))
    store.record_signoffs(
        case_id,
        {},
        {
            "health": signoff("health", "H. Nurse", capacity="delegated"),
            "local_authority": signoff("local_authority", "  L. Director  "),
        },
    )
    record = store.get_case(case_id)
    assert [(s.partner, s.name, s.capacity, s.version) for s in record.signoffs] == [
        ("local_authority", "L. Director", "lead", 1),
        ("health", "H. Nurse", "delegated", 1),
    ]
    assert missing_partners(record.signoffs) == ("Police",)
    assert [h.table_name for h in store.history(case_id)].count("signoffs") == 2
    assert store.verify_audit() == []

    # Change one, withdraw another.
    versions = {s.partner: s.version for s in record.signoffs}
    store.record_signoffs(
        case_id,
        versions,
        {"local_authority": signoff("local_authority", "L. Deputy"), "health": None},
    )
    record = store.get_case(case_id)
    assert [(s.partner, s.name, s.version) for s in record.signoffs] == [
        ("local_authority", "L. Deputy", 2)
    ]
    assert store.verify_audit() == []


def test_an_unchanged_sign_off_is_not_rewritten(store: Store) -> None:
    case_id = store.create_case(CaseFields(reference="RR-1"))
    store.record_signoffs(case_id, {}, {"police": signoff("police")})
    before = len(store.history(case_id))
    store.record_signoffs(case_id, {"police": 1}, {"police": signoff("police")})
    assert len(store.history(case_id)) == before
    assert store.get_case(case_id).signoffs[0].version == 1


def test_someone_elses_sign_off_since_the_form_opened_is_a_conflict(store: Store) -> None:
    case_id = store.create_case(CaseFields(reference="RR-1"))
    store.record_signoffs(case_id, {}, {"police": signoff("police", "First")})
    with pytest.raises(ConflictError, match="police sign-off"):
        store.record_signoffs(case_id, {}, {"police": signoff("police", "Second")})
    with pytest.raises(ConflictError):
        store.record_signoffs(case_id, {"police": 7}, {"police": None})
    assert store.get_case(case_id).signoffs[0].name == "First"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Police name: "),
        ({"role": " "}, "Police role: "),
        ({"organisation": "x" * 121}, "Police organisation: "),
        ({"capacity": "deputy"}, "Police capacity: lead or delegated"),
    ],
)
def test_a_sign_off_needs_name_role_and_organisation(
    store: Store, changes: dict[str, str], message: str
) -> None:
    case_id = store.create_case(CaseFields(reference="RR-1"))
    with pytest.raises(InputError, match=message):
        store.record_signoffs(case_id, {}, {"police": signoff("police", **changes)})
    with pytest.raises(InputError, match="Partner: "):
        store.record_signoffs(case_id, {}, {"coroner": signoff("coroner")})
    assert store.get_case(case_id).signoffs == ()


def test_the_meeting_keeps_the_new_pack_fields(store: Store) -> None:
    case_id = store.create_case(CaseFields(reference="RR-1"))
    meeting = MeetingRecord(
        siblings_safety="Sibling seen; safe with grandmother",
        voice="Told her teacher",
        identity="Polish-speaking family; interpreter not used",
        good_practice="School acted the same day",
        learning_sharing="7-minute briefing",
        national_reasoning="Not of national importance: local learning",
        parallel_proceedings="Police investigation open",
        family_involvement="Mother told on 19 June\x07",
    )
    store.record_meeting(case_id, 0, D(2025, 6, 16), meeting)
    saved = store.get_case(case_id).meeting
    assert saved is not None
    assert saved.good_practice == "School acted the same day"
    assert saved.family_involvement == "Mother told on 19 June"  # control character gone
    assert saved.parallel_proceedings == "Police investigation open"
    with pytest.raises(InputError, match=r"^Good practice: "):
        store.record_meeting(
            case_id, saved.version, None, replace(saved, good_practice="x" * (MAX_TEXT + 1))
        )
