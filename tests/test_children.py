"""The notification: 1..n children per case, its kind, and what each kind's clock shows."""

from __future__ import annotations

from datetime import date as D
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rr_tui.cli.main import main
from rr_tui.errors import ConflictError, InputError, NotFoundError
from rr_tui.records import (
    AGE_BANDS,
    CaseFields,
    ChildFields,
    child_label,
)
from rr_tui.rules.profile import ENGLAND
from rr_tui.rules.schedule import CaseFacts, compute
from rr_tui.store import Store

AB = ChildFields("AB", "under_1", "male", "white", "no", cp_plan=True)
CD = ChildFields("CD", "6_to_10", "female", "black", "yes", child_in_need=True)
EF = ChildFields("EF", "unborn", "unknown", "not_known", "unknown")


def initials(store: Store, case_id: int) -> list[tuple[int, str]]:
    return [(c.position, c.fields.initials) for c in store.get_case(case_id).children]


def test_children_are_added_edited_and_removed_in_order(store: Store) -> None:
    case_id = store.create_case(CaseFields("RR-1"), None, (AB,))
    second = store.add_child(case_id, CD)
    third = store.add_child(case_id, EF)
    assert initials(store, case_id) == [(1, "AB"), (2, "CD"), (3, "EF")]
    record = store.get_case(case_id)
    assert [c.fields for c in record.children] == [AB, CD, EF]
    assert record.child_initials == ("AB", "CD", "EF")
    assert record.child_label == "AB +2"
    # The list (no full records) has the initials too.
    (listed,) = store.list_cases()
    assert (listed.child_label, listed.children) == ("AB +2", ())

    store.update_child(second, 1, ChildFields("CD2", "11_to_15", care_leaver=True))
    child = store.get_case(case_id).children[1]
    assert (child.version, child.fields.initials, child.fields.care_leaver) == (2, "CD2", True)
    with pytest.raises(ConflictError):
        store.update_child(second, 1, ChildFields("late"))  # someone saved it meanwhile

    store.remove_child(store.get_case(case_id).children[0].id, 1)
    assert initials(store, case_id) == [(1, "CD2"), (2, "EF")]  # the others move up
    with pytest.raises(NotFoundError):
        store.update_child(9999, 1, AB)
    assert store.get_case(case_id).children[1].id == third
    assert store.verify_audit() == []
    history = [h.table_name for h in store.history(case_id)]
    assert history.count("children") >= 6  # every change to a child is in the case's history


@pytest.mark.parametrize(
    ("child", "label"),
    [
        (ChildFields(""), "Initials or pseudonym"),
        (ChildFields("x" * 41), "Initials or pseudonym"),
        (ChildFields("AB", age_band="1-4"), "Age band"),  # an old band is not offered anew
        (ChildFields("AB", age_band="5 to 9"), "Age band"),
        (ChildFields("AB", sex="x"), "Sex"),
        (ChildFields("AB", ethnicity="martian"), "Ethnicity"),
        (ChildFields("AB", disability="maybe"), "Disability"),
    ],
)
def test_invalid_children_are_refused_naming_the_field(
    store: Store, child: ChildFields, label: str
) -> None:
    with pytest.raises(InputError, match=rf"^{label}:"):
        store.create_case(CaseFields("RR-1"), None, (child,))
    assert store.list_cases(include_closed=True) == []  # nothing half-saved
    case_id = store.create_case(CaseFields("RR-2"))
    with pytest.raises(InputError, match=rf"^{label}:"):
        store.add_child(case_id, child)
    assert store.get_case(case_id).children == ()


def test_hostile_initials_are_cleaned(store: Store) -> None:
    case_id = store.create_case(CaseFields("RR-1"), None, (ChildFields("\x1b[31mA\u202eB\x07 "),))
    assert initials(store, case_id) == [(1, "AB")]


def test_every_dfe_band_unborn_and_unknown_are_offered() -> None:
    assert list(AGE_BANDS.values()) == [
        "Unborn",
        "Under 1",
        "1 to 5",
        "6 to 10",
        "11 to 15",
        "16 and over",
        "Unknown",
    ]


@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=12), st.integers(4, 30))
def test_the_list_label_always_shows_how_many_more(names: list[str], width: int) -> None:
    label = child_label(tuple(names), width)
    if len(names) > 1:
        assert label.endswith(f"+{len(names) - 1}")
        assert len(label) <= max(width, len(f"… +{len(names) - 1}"))
    else:
        assert label == names[0] or label.endswith("…")


# -- kinds ---------------------------------------------------------------------------


def test_a_notification_only_kind_shows_the_sin_step_and_closes_when_it_is_done() -> None:
    aware = {"incident_aware": D(2026, 11, 2)}
    for kind in ("lac_death", "care_leaver_death"):
        waiting = compute(CaseFacts(MappingProxyType(aware), kind=kind), ENGLAND, D(2026, 11, 5))
        assert [s.id for s in waiting.steps] == ["incident_aware", "sin_submitted"]
        assert waiting.next_step is not None and waiting.next_step.id == "sin_submitted"
        assert waiting.rag == "amber"
        done = compute(
            CaseFacts(MappingProxyType({**aware, "sin_submitted": D(2026, 11, 5)}), kind=kind),
            ENGLAND,
            D(2026, 11, 30),
        )
        assert (done.rag, done.stage, done.next_step) == ("closed", "Closed", None)


def test_converting_to_a_rapid_review_keeps_every_date(store: Store) -> None:
    steps = {"incident_aware": D(2026, 11, 2), "sin_submitted": D(2026, 11, 5)}
    case_id = store.create_case(CaseFields("LAC-1", kind="lac_death"), steps, (AB,))
    today = D(2026, 11, 30)
    before = store.get_case(case_id)
    assert compute(before.facts(), ENGLAND, today).rag == "closed"
    store.update_case(case_id, before.version, CaseFields("LAC-1", kind="rapid_review"))
    after = store.get_case(case_id)
    assert dict(after.done) == steps
    schedule = compute(after.facts(), ENGLAND, today)
    assert schedule.rag != "closed"
    assert "rr_meeting" in [s.id for s in schedule.steps]
    sin = next(s for s in schedule.steps if s.id == "sin_submitted")
    assert (sin.done, sin.due) == (D(2026, 11, 5), D(2026, 11, 9))


def test_children_never_appear_in_status_chasers_or_calendar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "sqlite:///" + str(tmp_path / "db" / "rr.db")
    store = Store(url, create=True)
    try:
        case_id = store.create_case(
            CaseFields("RR-PRIV-1"),
            {"referral_received": D(2026, 11, 18), "scoping_requests_sent": D(2026, 11, 19)},
            (ChildFields("Qzxy One"), ChildFields("Qzxy Two")),
        )
        store.add_agency(case_id, "Police", D(2026, 11, 19))
    finally:
        store.close()
    calendar = tmp_path / "deadlines.ics"
    for args in (
        ["status"],
        ["status", "--json", "--all"],
        ["chase"],
        ["chase", "--json"],
        ["calendar", "--output", str(calendar)],
    ):
        assert main(["--db", url, "--today", "2026-11-26", *args]) == 0, args
        out, err = capsys.readouterr()
        assert "RR-PRIV-1" in out or args[0] == "calendar", args
        assert "Qzxy" not in out + err, args
    text = calendar.read_text(encoding="utf-8")
    assert "RR-PRIV-1" in text and "Qzxy" not in text


def test_the_demo_has_siblings_and_every_notification_kind(tmp_path: Path) -> None:
    from rr_tui.demo import seed
    from rr_tui.records import NOTIFICATION_KINDS

    store = Store("sqlite:///" + str(tmp_path / "demo.db"), create=True)
    try:
        assert seed(store, D(2026, 11, 26)) == 14
        records = [store.get_case(r.id) for r in store.list_cases(include_closed=True)]
        assert {r.fields.kind for r in records} == set(NOTIFICATION_KINDS)
        siblings = [r for r in records if len(r.children) > 1]
        assert siblings and siblings[0].child_label.endswith("+2")
        assert {c.fields.age_band for r in records for c in r.children} >= {"unborn", "16_plus"}
        today = D(2026, 11, 26)
        for r in records:
            if r.notification_only:
                assert compute(r.facts(), ENGLAND, today).rag == "closed"
        assert store.verify_audit() == []
    finally:
        store.close()
