"""Exports that lose nothing: the JSON export and import, and ``db copy`` to another database.

The source database is built only through the app's own functions (the Store),
with every kind of record there is. After ``export --format json`` and
``import`` into an empty database, every record read back through the Store
(each case in full, and every row of every table) is the same as the
original's: not a re-export compared with itself. ``db copy`` moves the
whole database, audit trail included, and ``audit verify`` passes on the copy.
"""

from __future__ import annotations

import json
from datetime import date as D
from pathlib import Path
from typing import Any

import pytest
from factories import cli
from sqlalchemy import select

from rr_tui.models import AuditEntry
from rr_tui.records import (
    MEETING_TEXT,
    ActionRecord,
    CaseFields,
    ChildFields,
    MeetingRecord,
    SignOffRecord,
)
from rr_tui.store import Store
from rr_tui.store.transfer import exported_mappers, exported_tables, table_of

ARABIC = "محمد"
# The meeting's fields given by name in the builder; the others get text by loop.
MEETING_SET = {"attendees", "facts_summary", "learning", "rationale", "practice_episodes"}
MEETING_SET |= {"family_context"}
POLISH = "Łukasz Żółć"


def build_every_kind_of_record(store: Store) -> None:
    """Every table the coordinators fill in gets rows, through the Store's own methods.

    When a table is added to the models, ``test_the_source_has_every_kind_of_record``
    fails until it gets rows here too.
    """
    full = store.create_case(
        CaseFields(
            "RR-2026-001",
            kind="rapid_review",
            incident_type="serious_harm",
            incident_date=D(2026, 3, 1),
            sin_reference="SIN/2026/0001",
            lead_authority="Northshire",
            home_authority="Southshire",
            partners_copied_on=D(2026, 3, 4),
            owner="A. Patel",
            notes=f"Line one\nLine two {ARABIC} 中文",
            publication_planned=D(2026, 12, 1),
        ),
        {"incident_aware": D(2026, 3, 2), "sin_submitted": D(2026, 3, 3)},
        (
            ChildFields(ARABIC, "under_1", "male", "asian", "no", cp_plan=True),
            ChildFields(POLISH, "6_to_10", "female", "white", "yes", child_in_need=True),
            ChildFields("Unborn sibling", "unborn", "unknown", "not_known", "unknown"),
        ),
    )
    record = store.get_case(full)
    store.update_child(record.children[2].id, 1, ChildFields("Baby C", "unborn"))
    store.record_step(full, "referral_received", D(2026, 3, 4))
    store.record_step(full, "scoping_requests_sent", D(2026, 3, 5))
    police = store.add_agency(full, "Police", D(2026, 3, 5), None, "Chronology asked")
    health = store.add_agency(full, "Health trust", D(2026, 3, 5), 10)
    store.update_agency(police, 1, received_on=D(2026, 3, 11), records_secured=True)
    store.update_agency(health, 1, nil_return=True)
    store.record_chaser(health, D(2026, 3, 12))
    store.record_chaser(health, D(2026, 3, 16))
    store.record_meeting(
        full,
        0,
        D(2026, 3, 18),
        MeetingRecord(
            attendees="Chair, Police, Health",
            facts_summary="Facts",
            learning="Learning",
            decision="lcspr",
            rationale="Criteria met",
            actions=(
                ActionRecord("Strategy meeting", "Police", D(2026, 3, 20), D(2026, 3, 19)),
                ActionRecord("Sibling checks", "CSC", D(2026, 3, 25), None),
            ),
            practice_episodes="Episode 1",
            family_context=f"Lived experience: {POLISH}",
            **{name: f"{name} text" for name in MEETING_TEXT if name not in MEETING_SET},  # type: ignore[arg-type]
        ),
    )
    signed = D(2026, 3, 19)
    store.record_signoffs(
        full,
        {},
        {
            "local_authority": SignOffRecord(
                "local_authority", "A. Director", "DCS", "Northshire", signed
            ),
            "police": SignOffRecord(
                "police", "B. Chief", "Supt", "Northshire Police", signed, "delegated"
            ),
            "health": SignOffRecord("health", "C. Nurse", "Designated nurse", "ICB", signed),
        },
    )
    store.record_panel(
        full,
        0,
        notified_on=D(2026, 3, 20),
        notification_notes="Sent securely",
        set_notified=True,
    )
    store.record_panel(
        full,
        1,
        response_on=D(2026, 4, 2),
        outcome="challenges",
        response_notes="Asked to reconsider",
        set_response=True,
    )
    # The local review's lifecycle and actions tracked to completion.
    store.add_action(full, "Visit the siblings", owner="CSC", due_on=D(2026, 3, 25))
    store.complete_action(full, 1, D(2026, 3, 24), evidence="Seen at home")
    store.add_recommendation(
        full, "Share the learning", D(2026, 9, 1), [("Brief teams", "LA", D(2026, 10, 1))]
    )
    store.add_progress_check(full, D(2026, 5, 1), "On time")
    store.start_pause(full, "inquest", D(2026, 5, 4), "Inquest opened")
    store.end_pause(full, D(2026, 6, 1))
    # A notification-only case, closed; a case with its only child removed.
    store.create_case(
        CaseFields("LAC-2026-002", kind="lac_death", incident_type="death", status="closed"),
        {"incident_aware": D(2026, 5, 1), "sin_submitted": D(2026, 5, 4)},
        (ChildFields("LL", "16_plus", looked_after=True),),
    )
    bare = store.create_case(CaseFields("CL-2026-003", kind="care_leaver_death"), None, ())
    kid = store.add_child(bare, ChildFields("Gone"))
    store.remove_child(kid, 1)
    store.add_child(bare, ChildFields("Care leaver", "16_plus", care_leaver=True))


def every_record(store: Store) -> dict[str, Any]:
    """What the Store reads back: each case in full, and every row of every table."""
    cases = {
        reference: store.get_case(store.case_id(reference))
        for reference in sorted(store.references())
    }
    rows: dict[str, list[dict[str, Any]]] = {}
    with store.engine.connect() as conn:
        for mapper in exported_mappers():
            table = table_of(mapper)
            rows[table.name] = [
                dict(r._mapping)
                for r in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
    return {"cases": cases, "rows": rows}


@pytest.fixture
def source(tmp_path: Path) -> str:
    url = "sqlite:///" + str(tmp_path / "source" / "rr.db")
    store = Store(url, create=True, actor="coordinator-one")
    try:
        build_every_kind_of_record(store)
    finally:
        store.close()
    return url


def test_the_source_has_every_kind_of_record(source: str) -> None:
    store = Store(source)
    try:
        rows = every_record(store)["rows"]
    finally:
        store.close()
    empty = [name for name in exported_tables() if not rows[name]]
    assert empty == [], f"give these tables rows in build_every_kind_of_record: {empty}"


def test_json_export_then_import_reproduces_every_record(
    source: str, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = tmp_path / "all.json"
    assert (
        cli(capsys, "--db", source, "export", "--format", "json", "--output", str(exported))[0] == 0
    )
    assert exported.stat().st_mode & 0o777 == 0o600
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["format"] == "rr-tui export"
    assert ARABIC in exported.read_text(encoding="utf-8")  # as typed, not \\u escapes

    code, out, err = cli(capsys, "--db", db_url, "import", str(exported))
    assert (code, err) == (0, "")
    assert out.startswith("imported 3 cases (")

    original, restored = Store(source), Store(db_url)
    try:
        before, after = every_record(original), every_record(restored)
        assert after["cases"] == before["cases"]
        for name in exported_tables():
            assert after["rows"][name] == before["rows"][name], name
        assert restored.verify_audit() == []
        # The restored database takes new records after the imported ids.
        case_id = restored.case_id("RR-2026-001")
        new_child = restored.add_child(case_id, ChildFields("New"))
        assert new_child > max(r["id"] for r in before["rows"]["children"])
        new_case = restored.create_case(CaseFields("RR-2026-099"))
        assert new_case > max(r["id"] for r in before["rows"]["cases"])
        assert restored.verify_audit() == []
        # ...and the list's order was worked out for every imported case.
        assert restored.stale_order() == []
    finally:
        original.close()
        restored.close()


def test_a_full_export_is_refused_by_a_database_with_cases(
    source: str, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = tmp_path / "all.json"
    cli(capsys, "--db", source, "export", "--format", "json", "--output", str(exported))
    assert cli(capsys, "--db", db_url, "import", str(exported))[0] == 0
    code, _out, err = cli(capsys, "--db", db_url, "import", str(exported))
    assert code == 3
    assert "empty database" in err
    store = Store(db_url)
    try:
        assert len(store.references()) == 3  # nothing doubled
    finally:
        store.close()


def _document(source: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Any:
    exported = tmp_path / "all.json"
    cli(capsys, "--db", source, "export", "--format", "json", "--output", str(exported))
    return json.loads(exported.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda d: d["tables"]["cases"][0].update(reference="has space"), "cases row 1"),
        (lambda d: d["tables"]["children"][1].update(age_band="5 to 9"), "children row 2"),
        (lambda d: d["tables"]["children"][0].update(initials=None), "column initials"),
        (lambda d: d["tables"]["chasers"][0].update(sent_on="12/03/2026"), "column sent_on"),
        (lambda d: d["tables"]["agencies"][0].update(records_secured="yes"), "true or false"),
        (lambda d: d["tables"]["cases"][0].update(notes="\x1b[2J"), "control characters"),
        (lambda d: d["tables"]["cases"][0].update(secret=1), "unknown column"),
        (lambda d: d["tables"].update(mystery=[]), "'mystery' is not one rr-tui knows"),
        (lambda d: d["tables"]["meetings"][0].update(decision="maybe"), "column decision"),
        (lambda d: d["tables"]["step_dates"][0].update(step_id="no such"), "not a step id"),
        (lambda d: d.update(schema_revision="9999_future"), "newer rr-tui"),
        (lambda d: d.update(format_version=99), "format version"),
    ],
)
def test_a_damaged_export_imports_nothing_and_names_the_place(
    source: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    damage: Any,
    words: str,
) -> None:
    document = _document(source, capsys, tmp_path)
    damage(document)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    target = tmp_path / "target" / "rr.db"
    code, out, err = cli(capsys, "--db", str(target), "import", str(bad))
    assert (code, out) == (3, "")
    assert err.startswith("rr-tui: nothing imported") or "empty database" in err, err
    assert words in err, err
    if target.exists():
        store = Store("sqlite:///" + str(target))
        try:
            assert store.references() == set()
        finally:
            store.close()


def test_an_earlier_json_list_still_imports_as_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.json"
    old.write_text(
        json.dumps([{"reference": "OLD-1", "child": "AB", "referral_received": "2026-01-05"}])
    )
    target = tmp_path / "t" / "rr.db"
    assert cli(capsys, "--db", str(target), "import", str(old)) == (0, "imported 1 case\n", "")
    store = Store("sqlite:///" + str(target))
    try:
        record = store.get_case(store.case_id("OLD-1"))
        assert [c.fields.initials for c in record.children] == ["AB"]
    finally:
        store.close()


# -- db copy ---------------------------------------------------------------------------------


def _audit(store: Store) -> list[tuple[Any, ...]]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(AuditEntry).order_by(AuditEntry.id))]


def test_db_copy_moves_everything_with_the_audit_trail(
    source: str, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if db_url.startswith("sqlite"):
        Path(db_url.removeprefix("sqlite:///")).parent.mkdir(mode=0o700)
    code, out, err = cli(capsys, "--db", source, "db", "copy", "--to", db_url)
    assert (code, err) == (0, "")
    assert "copied 3 cases" in out
    assert "audit" in out
    original, copy = Store(source), Store(db_url)
    try:
        before, after = every_record(original), every_record(copy)
        assert after == before
        assert _audit(copy) == _audit(original)  # the trail itself, entry for entry
        assert copy.verify_audit() == []
        assert copy.stale_order() == []
        copy.create_case(CaseFields("RR-AFTER-COPY"))  # new ids follow the copied ones
        assert copy.verify_audit() == []
    finally:
        original.close()
        copy.close()
    assert cli(capsys, "--db", db_url, "audit", "verify") == (0, "audit trail intact\n", "")

    # Never into a database that holds anything: refused, and left as it was.
    code, out, err = cli(capsys, "--db", source, "db", "copy", "--to", db_url)
    assert (code, out) == (3, "")
    assert "not empty" in err
    copy = Store(db_url)
    try:
        assert "RR-AFTER-COPY" in copy.references()
        assert len(copy.references()) == 4
    finally:
        copy.close()


def test_db_copy_refuses_the_same_database(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = cli(capsys, "--db", source, "db", "copy", "--to", source)
    assert code == 3
    assert "not empty" in err or "same database" in err


def test_db_copy_needs_a_target(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = cli(capsys, "--db", source, "db", "copy")
    assert code == 2
    assert "--to" in err
