"""Decisions and the Panel's answer as the guidance has them (issue 9 §4).

The local decision and the national referral are separate; a national referral
alone starts no local review; the Panel's challenge or request for more
information opens a reconsideration, answered on a date with an outcome; and a
case can name its own pre-publication recipients. Every date is counted by
hand on the England and Wales calendar.
"""

from __future__ import annotations

import csv
import io
import json
from contextlib import closing
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from factories import cli

from rr_tui.edits import CASE, MEETING, PANEL, STEP, Edit, Target
from rr_tui.errors import ConflictError, InputError
from rr_tui.files.csvio import read_source, rows_of
from rr_tui.first_page import read_first_page
from rr_tui.pack import build_pack, to_markdown
from rr_tui.records import CaseFields, CaseRecord, ChildFields, MeetingRecord
from rr_tui.reports.timeliness import Period, counts
from rr_tui.rules.profile import (
    DECISIONS,
    ENGLAND,
    NATIONAL_ONLY,
    customise,
    decision_label,
    recipients,
)
from rr_tui.rules.schedule import CaseFacts, compute, next_due
from rr_tui.store import Store

D = date
LOCAL_REVIEW_STEPS = {s.id for s in ENGLAND.steps if s.full_review_only} | {"progress_check"}
RESPONSE = D(2026, 1, 12)  # Mon: the Panel's response
# Every rapid-review step done, so only what follows the response is open.
DONE = {
    "incident_aware": D(2025, 12, 1),
    "sin_submitted": D(2025, 12, 2),
    "referral_received": D(2025, 12, 2),
    "scoping_requests_sent": D(2025, 12, 3),
    "agency_returns": D(2025, 12, 10),
    "rr_meeting": D(2025, 12, 16),
    "panel_notified": D(2025, 12, 17),
    "panel_response": RESPONSE,
}


def facts(**changes: Any) -> CaseFacts:
    done = dict(DONE)
    done.update(changes.pop("done", {}))
    base = CaseFacts(done=MappingProxyType(done), decision="no_further_review")
    return base._replace(**changes)


# -- the decisions -----------------------------------------------------------------------


def test_local_decisions_are_the_guidance_s_and_national_review_is_not_one() -> None:
    assert list(DECISIONS) == [
        "lcspr",
        "other_learning_review",
        "no_further_review",
        "joint_review",
        "criteria_not_met",
    ]
    assert DECISIONS["criteria_not_met"] == "SIN criteria not met (withdrawn)"
    assert ENGLAND.full_review_decisions == frozenset({"lcspr", "joint_review"})


@pytest.mark.parametrize(
    ("decision", "national", "words"),
    [
        ("lcspr", True, "Local CSPR; referred to the Panel as possibly national"),
        ("lcspr", False, "Local CSPR"),
        ("lcspr", None, "Local CSPR"),
        (None, True, NATIONAL_ONLY),
        (None, False, "not yet"),
        (None, None, "not yet"),
        (
            "no_further_review",
            True,
            "No further review; referred to the Panel as possibly national",
        ),
    ],
)
def test_the_decision_in_words(decision: str | None, national: bool | None, words: str) -> None:
    assert decision_label(decision, national, "not yet") == words
    short = decision_label(decision, national, "not yet", short=True)
    if national:
        assert short == (
            f"{DECISIONS[decision]} + national" if decision else "National referral only"
        )
    else:
        assert short == words
    assert NATIONAL_ONLY == "Referred for national consideration, no local review"


@pytest.mark.parametrize("decision", [None, *DECISIONS])
def test_a_national_referral_starts_no_local_review_of_its_own(decision: str | None) -> None:
    """The referral is not a fact of the schedule: only the local decision starts a review."""
    for response in (None, "agrees", "national_review", "national_thematic"):
        schedule = compute(
            facts(decision=decision, panel_outcome=response), ENGLAND, D(2026, 1, 13)
        )
        ids = {s.id for s in schedule.steps}
        local = decision in ("lcspr", "joint_review")
        assert (ids & LOCAL_REVIEW_STEPS != set()) is local, (decision, response)
        assert "reconsideration" not in ids
        if not local and decision != "criteria_not_met":
            # Every rapid-review step done, no local review: nothing is owed.
            assert (schedule.rag, schedule.next_step) == ("green", None)


# -- the reconsideration -----------------------------------------------------------------


@pytest.mark.parametrize("response", ["challenges", "more_information"])
def test_a_challenge_or_request_opens_a_reconsideration_due_10_working_days_later(
    response: str,
) -> None:
    # Mon 12 Jan 2026 + 10 WD: 13, 14, 15, 16, 19, 20, 21, 22, 23, 26 -> Mon 26 Jan 2026.
    case = facts(panel_outcome=response)
    on_time = compute(case, ENGLAND, D(2026, 1, 19))  # Mon: slack 5 (20, 21, 22, 23, 26)
    step = on_time.step("reconsideration")
    assert step is not None
    assert (step.due, step.state, step.slack, step.local) == (D(2026, 1, 26), "pending", 5, True)
    assert (on_time.rag, on_time.next_step) == ("green", step)
    amber = compute(case, ENGLAND, D(2026, 1, 22))  # Thu: slack 2 (23, 26)
    assert amber.rag == "amber" and amber.next_step is not None
    assert amber.next_step.id == "reconsideration"
    late = compute(case, ENGLAND, D(2026, 1, 27))  # Tue: one working day late
    assert late.rag == "red"
    assert late.next_step is not None and late.next_step.id == "reconsideration"
    assert (late.next_step.state, late.next_step.slack) == ("overdue", -1)
    assert late.first_due == D(2026, 1, 26)
    assert next_due(case, ENGLAND) == D(2026, 1, 26)


def test_the_reconsideration_is_done_when_the_answer_date_is_recorded() -> None:
    answered = facts(panel_outcome="challenges", done={"reconsideration": D(2026, 1, 28)})
    schedule = compute(answered, ENGLAND, D(2026, 2, 10))
    step = schedule.step("reconsideration")
    assert step is not None
    # Wed 28 Jan: two working days after Mon 26 Jan (27, 28).
    assert (step.done, step.state, step.slack) == (D(2026, 1, 28), "late", -2)
    assert (schedule.rag, schedule.next_step) == ("green", None)


def test_the_reconsideration_follows_the_profile_setting() -> None:
    profile = customise(ENGLAND, {"reconsideration": 5})
    step = compute(facts(panel_outcome="more_information"), profile, D(2026, 1, 13)).step(
        "reconsideration"
    )
    assert step is not None and step.due == D(2026, 1, 19)  # Mon 12 Jan + 5 WD


# -- the store, the list and the stored order -------------------------------------------


def _case(store: Store, reference: str = "RR-DEC-1", decision: str = "no_further_review") -> int:
    case_id = store.create_case(CaseFields(reference=reference), dict(DONE), (ChildFields("ZQ"),))
    store.record_meeting(case_id, 0, DONE["rr_meeting"], MeetingRecord(decision=decision))
    return case_id


def _reconsidered(store: Store, case_id: int, version: int, notes: str) -> None:
    """The Panel's challenge answered on Fri 23 Jan 2026: the decision maintained."""
    store.record_panel(
        case_id,
        version,
        reconsidered_on=D(2026, 1, 23),
        reconsideration_outcome="maintained",
        reconsideration_notes=notes,
        set_reconsidered=True,
    )


def test_the_list_and_the_order_see_the_panel_s_challenge(db_url: str, store: Store) -> None:
    case_id = _case(store)
    (listed,) = store.list_cases()
    assert listed.panel_outcome == ""
    assert compute(listed.facts(), ENGLAND, D(2026, 1, 27)).rag == "green"
    store.record_panel(case_id, 0, outcome="challenges")
    (listed,) = store.list_cases()
    assert listed.panel_outcome == "challenges"
    schedule = compute(listed.facts(), ENGLAND, D(2026, 1, 27))
    assert schedule.rag == "red"
    assert schedule.next_step is not None and schedule.next_step.id == "reconsideration"
    assert store.stale_order() == []
    page = read_first_page(db_url, ENGLAND, D(2026, 1, 27))
    if page is not None:  # SQLite: the first screenful read without SQLAlchemy
        (first,) = page.records
        assert first.panel_outcome == "challenges"
        assert page.counts["red"] == 1
    # Answered: the step is done, the case green again.
    panel = store.get_case(case_id).panel
    assert panel is not None
    _reconsidered(store, case_id, panel.version, "Rationale strengthened; sent securely.")
    record = store.get_case(case_id)
    note = "Rationale strengthened; sent securely."
    assert _answer(record) == ("maintained", note, D(2026, 1, 23), "")
    assert compute(record.facts(), ENGLAND, D(2026, 1, 27)).rag == "green"


def test_a_reconsideration_needs_a_challenge_or_a_request(store: Store) -> None:
    case_id = _case(store)
    with pytest.raises(InputError, match="only after the Panel challenges"):
        store.record_step(case_id, "reconsideration", D(2026, 1, 20))
    store.record_panel(case_id, 0, outcome="agrees")
    edit = Edit(Target(STEP, "reconsideration"), None, D(2026, 1, 20))
    with pytest.raises(InputError, match="only after the Panel challenges"):
        store.save_edits(case_id, [edit])
    # With the response changed in the same save, it is accepted.
    store.save_edits(case_id, [Edit(Target(PANEL, "outcome"), "agrees", "challenges"), edit])
    assert store.get_case(case_id).done["reconsideration"] == D(2026, 1, 20)
    with pytest.raises(InputError, match="Reconsideration outcome"):
        store.record_panel(case_id, 1, reconsideration_outcome="ignored")


def test_field_edits_check_the_referral_and_the_answer_for_conflicts(store: Store) -> None:
    case_id = _case(store)
    store.record_panel(case_id, 0, outcome="challenges")
    # A colleague records the referral and the answer's outcome.
    store.save_edits(
        case_id,
        [
            Edit(Target(MEETING, "national_referral"), None, True),
            Edit(Target(PANEL, "reconsideration_outcome"), "", "changed"),
        ],
    )
    # A form opened before that saves other values: both fields are named.
    with pytest.raises(ConflictError) as caught:
        store.save_edits(
            case_id,
            [
                Edit(Target(MEETING, "national_referral"), None, False, "Referred"),
                Edit(Target(PANEL, "reconsideration_outcome"), "", "maintained", "Outcome"),
            ],
        )
    assert "Referred" in caught.value.message and "Outcome" in caught.value.message
    record = store.get_case(case_id)
    assert record.national_referral is True
    assert record.meeting is not None and record.meeting.national_referral is True
    assert record.panel is not None and record.panel.reconsideration_outcome == "changed"
    with pytest.raises(InputError, match="yes, no or blank"):
        store.save_edits(case_id, [Edit(Target(MEETING, "national_referral"), True, "maybe")])


def test_the_meeting_records_the_referral_beside_any_decision(store: Store) -> None:
    case_id = _case(store, decision="lcspr")
    meeting = store.get_case(case_id).meeting
    assert meeting is not None and meeting.national_referral is None
    store.record_meeting(
        case_id,
        meeting.version,
        DONE["rr_meeting"],
        MeetingRecord(decision="lcspr", national_referral=True, rationale="Both."),
    )
    record = store.get_case(case_id)
    assert (record.decision, record.national_referral) == ("lcspr", True)
    (listed,) = store.list_cases()
    assert (listed.decision, listed.national_referral) == ("lcspr", True)
    # An LCSPR referred nationally is still a local review.
    ids = {s.id for s in compute(record.facts(), ENGLAND, D(2026, 1, 13)).steps}
    assert "published" in ids


def test_pre_publication_recipients_per_case(store: Store) -> None:
    case_id = _case(store, decision="lcspr")
    record = store.get_case(case_id)
    assert recipients(record.fields.prepublication_recipients, ENGLAND) == (
        "the National Panel",
        "the Secretary of State",
    )
    store.save_edits(
        case_id,
        [
            Edit(
                Target(CASE, "prepublication_recipients"),
                "",
                "  the National Panel\n\nthe Secretary of State\nOfsted  ",
            )
        ],
    )
    own = store.get_case(case_id).fields.prepublication_recipients
    assert recipients(own, ENGLAND) == ("the National Panel", "the Secretary of State", "Ofsted")
    with pytest.raises(InputError, match="Pre-publication copy to: each name"):
        store.save_edits(case_id, [Edit(Target(CASE, "prepublication_recipients"), own, "x" * 121)])
    # Blank again: the profile's list.
    store.save_edits(case_id, [Edit(Target(CASE, "prepublication_recipients"), own, "")])
    own = store.get_case(case_id).fields.prepublication_recipients
    profile = customise(ENGLAND, {"prepublication_recipients": ["the Panel"]})
    assert recipients(own, profile) == ("the Panel",)


# -- the report's counts and the pack -----------------------------------------------------


def test_counts_national_referrals_with_any_local_decision_or_none(store: Store) -> None:
    for n, (decision, national) in enumerate(
        [
            ("lcspr", True),
            ("lcspr", False),
            (None, True),  # referred for national consideration, no local review
            ("no_further_review", None),
            ("joint_review", True),
        ]
    ):
        case_id = store.create_case(CaseFields(reference=f"RR-C-{n}"))
        store.record_meeting(
            case_id,
            0,
            D(2025, 6, 2),
            MeetingRecord(decision=decision, national_referral=national),
        )
    # And one referred in the year before: not this year's.
    case_id = store.create_case(CaseFields(reference="RR-C-OLD"))
    store.record_meeting(case_id, 0, D(2025, 3, 31), MeetingRecord(national_referral=True))
    got = counts(store.list_cases(), Period(D(2025, 4, 1), D(2026, 3, 31), "2025-26"))
    assert got["national_referrals"] == 3
    assert got["decisions"] == {"joint_review": 1, "lcspr": 2, "no_further_review": 1}


@pytest.mark.parametrize(
    ("national", "words"), [(True, "Yes"), (False, "No"), (None, "Not recorded")]
)
def test_the_pack_says_whether_the_case_was_referred_nationally(
    store: Store, national: bool | None, words: str
) -> None:
    case_id = _case(store, decision="lcspr")
    store.record_meeting(
        case_id, 1, DONE["rr_meeting"], MeetingRecord(decision="lcspr", national_referral=national)
    )
    text = to_markdown(build_pack(store.get_case(case_id), (), ENGLAND, D(2026, 1, 13)))
    assert f"Referred to the Panel as possibly of national importance: {words}." in text


# -- the command line and files ----------------------------------------------------------


def _answer(record: CaseRecord) -> tuple[str, str, date | None, str]:
    """The reconsideration's outcome, note and date, and the case's own recipients."""
    panel = record.panel
    assert panel is not None
    return (
        panel.reconsideration_outcome,
        panel.reconsideration_notes,
        record.done.get("reconsideration"),
        record.fields.prepublication_recipients,
    )


def _imported(capsys: pytest.CaptureFixture[str], path: Path, *references: str) -> list[CaseRecord]:
    """Import the file into a new database; the cases as a restart would read them."""
    target = path.with_name(path.stem + "-imported.db")
    code, _, err = cli(capsys, "--db", str(target), "import", str(path))
    assert (code, err) == (0, ""), err
    with closing(Store(f"sqlite:///{target}")) as store:
        return [store.get_case(store.case_id(r)) for r in references]


def _exported(capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path) -> Path:
    dump = tmp_path / "all.json"
    assert cli(capsys, "--db", db_url, "export", "--format", "json", "--output", str(dump))[0] == 0
    return dump


def test_record_carries_the_decision_the_response_and_the_answer(
    capsys: pytest.CaptureFixture[str], db_url: str
) -> None:
    with closing(Store(db_url, create=True)) as store:
        store.create_case(
            CaseFields(reference="RR-CLI-1"), {k: v for k, v in DONE.items() if k != "rr_meeting"}
        )

    def record(*args: str) -> tuple[int, str]:
        code, _, err = cli(capsys, "--db", db_url, "--today", "2026-02-02", "record", *args)
        return code, err

    ok = (0, "")
    assert record("RR-CLI-1", "rr_meeting", "16/12/2025", "--decision", "lcspr",
                  "--national-referral", "yes") == ok  # fmt: skip
    # A reconsideration before the Panel challenged: refused, exit 3.
    code, err = record("RR-CLI-1", "reconsideration", "20/01/2026")
    assert code == 3 and "only after the Panel challenges" in err
    # An option with another step: a usage error, exit 2.
    code, err = record("RR-CLI-1", "panel_notified", "17/12/2025", "--outcome", "changed")
    assert code == 2 and "--outcome goes with the step reconsideration" in err
    code, err = record("RR-CLI-1", "rr_meeting", "16/12/2025", "--national-referral", "perhaps")
    assert code == 3 and "--national-referral: is yes, no or blank" in err
    note = "Decision changed after new police information."
    for args in (
        ("panel_response", "12/01/2026", "--response", "more_information"),
        ("reconsideration", "23/01/2026", "--outcome", "changed", "--note", note),
        ("prepublication_copy", "01/02/2026", "--recipients", "the National Panel; Ofsted"),
    ):
        assert record("RR-CLI-1", *args) == ok, args
    with closing(Store(db_url)) as store:
        saved = store.get_case(store.case_id("RR-CLI-1"))
    assert (saved.decision, saved.national_referral) == ("lcspr", True)
    assert saved.panel is not None and saved.panel.outcome == "more_information"
    assert _answer(saved) == ("changed", note, D(2026, 1, 23), "the National Panel\nOfsted")


def test_csv_carries_the_referral_and_reads_an_earlier_national_review(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    with closing(Store(db_url, create=True)) as store:
        case_id = store.create_case(CaseFields(reference="RR-CSV-1"))
        store.record_meeting(
            case_id, 0, D(2025, 6, 2), MeetingRecord(decision="lcspr", national_referral=True)
        )
    code, out, _ = cli(capsys, "--db", db_url, "export")
    assert code == 0
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert (row["decision"], row["national_referral"]) == ("lcspr", "yes")
    sheet = tmp_path / "tracker.csv"
    sheet.write_text(
        "reference,decision,Referred nationally\n"
        "RR-A,national_review,\n"
        "RR-B,National Review,yes\n"
        "RR-C,lcspr,no\n"
        "RR-D,,Yes\n"
    )
    rows = rows_of(read_source(sheet), ENGLAND, today=D(2026, 1, 1))
    assert [(r.reference, r.decision, r.national_referral) for r in rows] == [
        ("RR-A", None, True),
        ("RR-B", None, True),
        ("RR-C", "lcspr", False),
        ("RR-D", None, True),
    ]
    sheet.write_text("reference,decision,national_referral\nRR-E,national_review,no\n")
    with pytest.raises(InputError, match="national_referral says no"):
        rows_of(read_source(sheet), ENGLAND, today=D(2026, 1, 1))
    sheet.write_text("reference,national_referral\nRR-F,maybe\n")
    with pytest.raises(InputError, match="column national_referral: is yes, no or blank"):
        rows_of(read_source(sheet), ENGLAND, today=D(2026, 1, 1))
    sheet.write_text("reference,decision,national_referral\nRR-G,,yes\nRR-H,joint_review,no\n")
    g, h = _imported(capsys, sheet, "RR-G", "RR-H")
    assert (g.decision, g.national_referral) == (None, True)
    assert (h.decision, h.national_referral) == ("joint_review", False)


def test_the_json_export_keeps_every_new_field(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    with closing(Store(db_url, create=True)) as store:
        case_id = _case(store, decision="lcspr")
        store.record_panel(case_id, 0, outcome="challenges")
        _reconsidered(store, case_id, 1, "Kept.")
        store.save_edits(
            case_id,
            [
                Edit(Target(MEETING, "national_referral"), None, True),
                Edit(Target(CASE, "prepublication_recipients"), "", "Ofsted"),
            ],
        )
    (record,) = _imported(capsys, _exported(capsys, db_url, tmp_path), "RR-DEC-1")
    assert record.national_referral is True
    assert _answer(record) == ("maintained", "Kept.", D(2026, 1, 23), "Ofsted")


def test_a_full_export_from_before_0009_imports_its_national_review_as_a_referral(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    with closing(Store(db_url, create=True)) as store:
        case_id = _case(store, decision="lcspr")
        store.save_edits(
            case_id, [Edit(Target(MEETING, "rationale"), "", "Possibly national: a pattern.")]
        )
    dump = _exported(capsys, db_url, tmp_path)
    # As rr-tui at revision 0008 wrote it: no new columns, and the decision of the time.
    data = json.loads(dump.read_text())
    data["schema_revision"] = "0008_review_lifecycle"
    (meeting,) = data["tables"]["meetings"]
    meeting["decision"] = "national_review"
    del meeting["national_referral"]
    for row in data["tables"]["panel_contacts"]:
        del row["reconsideration_outcome"], row["reconsideration_notes"]
    for row in data["tables"]["cases"]:
        del row["prepublication_recipients"]
    dump.write_text(json.dumps(data))
    (record,) = _imported(capsys, dump, "RR-DEC-1")
    assert (record.decision, record.national_referral) == (None, True)
    assert record.meeting is not None
    assert record.meeting.rationale == "Possibly national: a pattern."
    assert record.fields.prepublication_recipients == ""


def test_rr_tui_profile_says_which_decisions_start_a_local_review(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = cli(capsys, "profile")
    assert code == 0
    assert (
        "Local review steps follow the decisions lcspr, joint_review; a referral to the Panel "
        "as possibly national is a yes/no beside any decision and starts none on its own."
    ) in out
    assert "(a case can name its own)" in out
