"""Upgrading a database with data in it, from every earlier revision rr-tui knows.

For each revision before the head, the schema is built with Alembic at that
revision and filled with plain SQL, as the rr-tui of that day would have left
it: cases, steps, agencies and their chasers, a meeting with its actions, the
Panel record, and the audit trail that wrote them (entries hashed with
``rr_tui.store.audit.entry_hash``, so the chain verifies). Only the columns that exist
at that revision are written (the table is reflected from the database), so
the data always matches the revision's schema.

Then: opening it without upgrading is refused (exit 8, "run: rr-tui db
upgrade"); ``rr-tui db upgrade`` takes a backup first (SQLite), everything is
still there through the Store, the columns added since have their defaults,
``rr-tui audit verify`` exits 0, and the upgraded database takes new saves. A
database stamped with a revision this rr-tui does not know is refused by both
the app and ``db upgrade``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from factories import cli
from sqlalchemy import Engine, MetaData, Table, inspect, select, text

from rr_tui.errors import SchemaError
from rr_tui.models import Base
from rr_tui.records import ActionRecord, ChildFields, SignOffRecord
from rr_tui.store import Store, db
from rr_tui.store.audit import GENESIS, entry_hash, hashed_fields

EARLIER = db.REVISIONS[:-1]
# Bookkeeping columns, not in an audit entry's values (as rr_tui.store.audit._SKIP).
BOOKKEEPING = {"created_at", "created_by", "updated_at", "updated_by"}
OLDER = "rr-tui: the database was made by an older rr-tui; run: rr-tui db upgrade\n"
NEWER = "rr-tui: the database was made by a newer rr-tui, or is not an rr-tui database\n"

T0 = datetime(2025, 11, 3, 9, 15, 0)


def _plain(value: Any) -> Any:
    """A value as an audit entry holds it (JSON: dates as ISO text)."""
    return value.isoformat() if isinstance(value, date | datetime) else value


def _tracked(n: int, version: int = 1) -> dict[str, Any]:
    at = T0.replace(minute=15 + n)
    return {
        "version": version,
        "created_at": at,
        "created_by": "old-coordinator",
        "updated_at": at,
        "updated_by": "old-coordinator",
    }


# Every column any revision has had; each revision gets the ones it has.
CASE_1 = {
    "id": 1,
    "reference": "RR-OLD-001",
    "child": "AB",
    "lead_authority": "Northshire",
    "age_band": "1-4",
    "looked_after": True,
    "incident_type": "death",
    "owner": "Sam",
    "status": "open",
    "notes": "Second note",
    "publication_planned": date(2026, 6, 1),
    # Since revision 0004 (the child's columns moved to ``children``).
    "kind": "rapid_review",
    "incident_date": None,
    "sin_reference": "",
    "home_authority": "",
    "partners_copied_on": None,
    **_tracked(0, version=2),
}
# The child each case had before revision 0004, as the upgrade moves it (the
# earlier band "1-4" sits inside DfE's "1 to 5"; "10-15" straddles two, so stays).
CHILD_FIELDS: dict[str, Any] = {
    "sex": "",
    "ethnicity": "",
    "disability": "",
    "cp_plan": False,
    "child_in_need": False,
    "care_leaver": False,
}
CHILD_1: dict[str, Any] = {
    "initials": "AB",
    "age_band": "1_to_5",
    "looked_after": True,
    **CHILD_FIELDS,
}
CHILD_2: dict[str, Any] = {
    "initials": "CD",
    "age_band": "10-15",
    "looked_after": False,
    **CHILD_FIELDS,
}
CASE_1_FIRST = {**CASE_1, "notes": "First note", "version": 1}
ROWS: list[tuple[str, dict[str, Any]]] = [
    ("cases", CASE_1),
    (
        "cases",
        {
            "id": 2,
            "reference": "RR-OLD-002",
            "child": "CD",
            "lead_authority": "Southshire",
            "age_band": "10-15",
            "looked_after": False,
            "incident_type": "serious_harm",
            "owner": "Alex",
            "status": "closed",
            "notes": "",
            "publication_planned": None,
            "kind": "rapid_review",
            "incident_date": None,
            "sin_reference": "",
            "home_authority": "",
            "partners_copied_on": None,
            **_tracked(1),
        },
    ),
    # From revision 0004 on, each case's child is a row here (before it, on the case).
    ("children", {**{"id": 1, "case_id": 1, "position": 1}, **CHILD_1, **_tracked(0)}),
    ("children", {**{"id": 2, "case_id": 2, "position": 1}, **CHILD_2, **_tracked(1)}),
    (
        "step_dates",
        {
            "id": 1,
            "case_id": 1,
            "step_id": "referral_received",
            "done_on": date(2025, 10, 27),
            **_tracked(2),
        },
    ),
    (
        "step_dates",
        {
            "id": 2,
            "case_id": 1,
            "step_id": "rr_meeting",
            "done_on": date(2025, 11, 14),
            **_tracked(3),
        },
    ),
    (
        "step_dates",
        {
            "id": 3,
            "case_id": 2,
            "step_id": "referral_received",
            "done_on": date(2025, 9, 1),
            **_tracked(4),
        },
    ),
    (
        "agencies",
        {
            "id": 1,
            "case_id": 1,
            "name": "Police",
            "request_sent": date(2025, 10, 28),
            "timescale_wd": 10,
            "received_on": date(2025, 11, 7),
            "records_secured": True,
            "nil_return": False,
            "notes": "Chronology in",
            **_tracked(5),
        },
    ),
    (
        "agencies",
        {
            "id": 2,
            "case_id": 1,
            "name": "Health",
            "request_sent": date(2025, 10, 28),
            "timescale_wd": None,
            "received_on": None,
            "records_secured": False,
            "nil_return": True,
            "notes": "",
            **_tracked(6),
        },
    ),
    ("chasers", {"id": 1, "agency_id": 2, "sent_on": date(2025, 11, 10), **_tracked(7)}),
    (
        "meetings",
        {
            "id": 1,
            "case_id": 1,
            "attendees": "Chair, Police, Health",
            "facts_summary": "Summary",
            "learning": "Learning",
            "decision": "lcspr",
            "rationale": "Rationale",
            "practice_episodes": "Episodes",
            "family_context": "Context",
            # Revision 0004 on.
            "siblings_safety": "Siblings seen",
            "voice": "Voice",
            "identity": "Identity",
            "good_practice": "Good practice",
            "learning_sharing": "Briefing",
            "national_reasoning": "Not national",
            "parallel_proceedings": "Police investigation",
            "family_involvement": "Mother told",
            **_tracked(8),
        },
    ),
    # A "national_review" decision: revision 0009 makes it a national referral
    # with no local decision, keeping the rationale.
    (
        "meetings",
        {
            "id": 2,
            "case_id": 2,
            "attendees": "",
            "facts_summary": "",
            "learning": "",
            "decision": "national_review",
            "rationale": "Possibly national: a pattern seen elsewhere",
            "practice_episodes": "",
            "family_context": "",
            "siblings_safety": "",
            "voice": "",
            "identity": "",
            "good_practice": "",
            "learning_sharing": "",
            "national_reasoning": "",
            "parallel_proceedings": "",
            "family_involvement": "",
            **_tracked(13),
        },
    ),
    (
        "meeting_actions",
        {
            "id": 1,
            "meeting_id": 1,
            "action": "Strategy meeting",
            "owner": "Police",
            "due_on": date(2025, 11, 17),
            "done_on": None,
            # Since 0008: numbered per case, with an evidence note.
            "case_id": 1,
            "number": 1,
            "evidence": "",
            "recommendation_id": None,
            **_tracked(9),
        },
    ),
    (
        "meeting_actions",
        {
            "id": 2,
            "meeting_id": 1,
            "action": "Sibling checks",
            "owner": "Health",
            "due_on": None,
            "done_on": date(2025, 11, 15),
            "case_id": 1,
            "number": 2,
            "evidence": "",
            "recommendation_id": None,
            **_tracked(10),
        },
    ),
    (
        "panel_contacts",
        {
            "id": 1,
            "case_id": 1,
            "notification_notes": "Sent securely",
            "outcome": "agrees",
            "response_notes": "Agreed",
            **_tracked(11),
        },
    ),
    # Revision 0004 on: written only where the table exists.
    (
        "signoffs",
        {
            "id": 1,
            "case_id": 1,
            "partner": "police",
            "capacity": "delegated",
            "name": "D. Inspector",
            "role": "Detective Superintendent",
            "organisation": "Northshire Police",
            "signed_on": date(2025, 11, 18),
            **_tracked(12),
        },
    ),
]
# The revision each table first appears in (the others are in 0001).
TABLE_SINCE = {"signoffs": "0004_pack_sections", "children": "0007_notification_children"}


def _has_table(revision: str, table: str) -> bool:
    since = TABLE_SINCE.get(table)
    return since is None or db.REVISIONS.index(revision) >= db.REVISIONS.index(since)


def _audit_case_id(table: str, row: dict[str, Any]) -> int:
    if table == "cases":
        return int(row["id"])
    if table == "chasers":
        return 1  # agency 2 is case 1's
    if table == "meeting_actions":
        return 1  # meeting 1 is case 1's
    return int(row["case_id"])


def _as_at(revision: str, table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row as that revision's rr-tui wrote it: from 0009 a national review is a
    national referral with no local decision."""
    since = db.REVISIONS.index("0009_national_referral")
    if table == "meetings" and db.REVISIONS.index(revision) >= since:
        if row["decision"] == "national_review":
            return {**row, "decision": None, "national_referral": True}
        return {**row, "national_referral": None}
    return row


def build_old_database(engine: Engine, revision: str) -> dict[str, set[str]]:
    """The schema at ``revision`` with data and its audit trail; returns each table's columns."""
    db.migrate(engine, revision)
    assert db.schema_revision(engine) == revision
    with engine.begin() as conn:
        meta = MetaData()
        rows = [(t, _as_at(revision, t, row)) for t, row in ROWS if _has_table(revision, t)]
        tables = {
            name: Table(name, meta, autoload_with=conn)
            for name in {t for t, _ in rows} | {"audit_log"}
        }
        columns = {name: {c.name for c in t.columns} for name, t in tables.items()}

        def audited(table: str, row: dict[str, Any]) -> dict[str, Any]:
            return {
                k: _plain(v) for k, v in row.items() if k in columns[table] and k not in BOOKKEEPING
            }

        entries: list[tuple[str, str, int, int | None, dict[str, Any], dict[str, Any]]] = [
            ("create", "cases", 1, 1, {}, audited("cases", CASE_1_FIRST)),
        ]
        for table, row in rows:
            missing = {
                c.name
                for c in tables[table].columns
                if not c.nullable and c.server_default is None and c.name not in row
            }
            assert not missing, f"revision {revision} has {table} columns this test lacks"
            conn.execute(
                tables[table].insert().values({k: v for k, v in row.items() if k in columns[table]})
            )
            if table != "cases" or row["id"] != 1:
                entries.append(
                    (
                        "create",
                        table,
                        row["id"],
                        _audit_case_id(table, row),
                        {},
                        audited(table, row),
                    )
                )
        entries.append(
            ("update", "cases", 1, 1, audited("cases", CASE_1_FIRST), audited("cases", CASE_1))
        )
        entries.append(("export", "cases", 1, 1, {}, {"pack": "pdf"}))

        prev = GENESIS
        BUILT["audit_entries"] = len(entries)
        for n, (action, table, row_id, case_id, old, new) in enumerate(entries):
            at = T0.replace(hour=10, second=n, microsecond=1000 * n)
            old_json = json.dumps(old, sort_keys=True) if old else ""
            new_json = json.dumps(new, sort_keys=True) if new else ""
            digest = entry_hash(
                prev,
                hashed_fields(
                    at, "old-coordinator", action, table, row_id, case_id, old_json, new_json
                ),
            )
            conn.execute(
                tables["audit_log"]
                .insert()
                .values(
                    at=at,
                    actor="old-coordinator",
                    action=action,
                    table_name=table,
                    row_id=row_id,
                    case_id=case_id,
                    old=old_json,
                    new=new_json,
                    prev_hash=prev,
                    hash=digest,
                    # From 0005 entries are numbered (these stay unkeyed, as upgraded ones do).
                    **({"seq": n + 1} if "seq" in columns["audit_log"] else {}),
                )
            )
            prev = digest
        if conn.dialect.name == "postgresql":
            # The rows were given their ids; move the id sequences past them, as
            # inserts by the old rr-tui itself would have.
            for table in tables:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    return columns


def _engine_for(db_url: str) -> Engine:
    path = db.sqlite_path(db_url) if db.is_sqlite(db_url) else None
    if path is not None:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        old = os.umask(0o077)
        try:
            sqlite3.connect(path).close()  # created private, as rr-tui creates it
        finally:
            os.umask(old)
    return db.make_engine(db_url)


def _backups(db_url: str) -> list[Path]:
    path = db.sqlite_path(db_url)
    assert path is not None
    return sorted(path.parent.glob(path.name + ".before-upgrade-*"))


def _revision_of(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        conn.close()


def check_data_is_all_there(store: Store) -> None:
    assert [r.reference for r in store.list_cases()] == ["RR-OLD-001"]
    assert sorted(r.reference for r in store.list_cases(include_closed=True)) == [
        "RR-OLD-001",
        "RR-OLD-002",
    ]
    first = store.get_case(store.case_id("RR-OLD-001"))
    fields = first.fields
    assert [c.fields for c in first.children] == [ChildFields(**CHILD_1)]
    assert first.child_label == "AB"
    assert (fields.lead_authority, fields.kind, fields.sin_reference) == (
        "Northshire",
        "rapid_review",
        "",
    )
    assert (fields.incident_type, fields.owner, fields.status, fields.notes) == (
        "death",
        "Sam",
        "open",
        "Second note",
    )
    assert fields.publication_planned == date(2026, 6, 1)
    assert first.version == 2
    assert dict(first.done) == {
        "referral_received": date(2025, 10, 27),
        "rr_meeting": date(2025, 11, 14),
    }
    police, health = first.agencies
    assert (police.name, police.request_sent, police.timescale_wd, police.received_on) == (
        "Police",
        date(2025, 10, 28),
        10,
        date(2025, 11, 7),
    )
    assert (police.records_secured, police.nil_return, police.notes) == (
        True,
        False,
        "Chronology in",
    )
    assert (health.name, health.timescale_wd, health.nil_return) == ("Health", None, True)
    assert health.chasers == (date(2025, 11, 10),)
    assert first.decision == "lcspr"
    meeting = first.meeting
    assert meeting is not None
    assert (meeting.attendees, meeting.facts_summary, meeting.learning, meeting.rationale) == (
        "Chair, Police, Health",
        "Summary",
        "Learning",
        "Rationale",
    )
    assert meeting.actions == (
        ActionRecord("Strategy meeting", "Police", date(2025, 11, 17), None),
        ActionRecord("Sibling checks", "Health", None, date(2025, 11, 15)),
    )
    # The same actions, numbered, tracked to completion (revision 0008).
    assert [
        (a.number, a.text, a.owner, a.due_on, a.done_on, a.evidence) for a in first.actions
    ] == [
        (1, "Strategy meeting", "Police", date(2025, 11, 17), None, ""),
        (2, "Sibling checks", "Health", None, date(2025, 11, 15), ""),
    ]
    assert first.panel is not None
    assert (first.panel.notification_notes, first.panel.outcome) == ("Sent securely", "agrees")
    assert first.panel.response_notes == "Agreed"
    second = store.get_case(store.case_id("RR-OLD-002"))
    assert (second.fields.status, second.fields.incident_type) == ("closed", "serious_harm")
    assert [c.fields for c in second.children] == [ChildFields(**CHILD_2)]
    assert dict(second.done) == {"referral_received": date(2025, 9, 1)}
    assert (second.agencies, second.panel) == ((), None)
    # Revision 0009: "referred for national consideration, no local review".
    assert second.meeting is not None
    assert (second.decision, second.meeting.decision) == (None, None)
    assert (second.national_referral, second.meeting.national_referral) == (True, True)
    assert second.meeting.rationale == "Possibly national: a pattern seen elsewhere"
    assert first.national_referral is None and meeting.national_referral is None
    history = store.history(first.id)
    summaries = [h.summary for h in history]
    assert summaries[0] == "created"
    assert "changed notes" in summaries
    assert "rapid review pack written (pdf)" in summaries


# How many audit entries the last build_old_database wrote.
BUILT: dict[str, int] = {}


def before_rows(conn: Any) -> list[Any]:
    return list(conn.execute(text("SELECT id FROM audit_log")))


# Columns a revision fills from other rows rather than with a default: 0008
# gives each action its meeting's case and numbers the actions within a case.
DERIVED: dict[str, list[Any]] = {
    "meeting_actions.case_id": [1, 1],
    "meeting_actions.number": [1, 2],
    # 0009: the "national_review" decision of meeting 2 became a national referral.
    "meetings.national_referral": [None, True],
}


def check_added_columns_have_defaults(engine: Engine, before: dict[str, set[str]]) -> list[str]:
    """Every column added since ``before`` holds its default in the old rows (or,
    for ``DERIVED`` columns, the value worked out from them).

    (Audit entries that an upgrade itself appends, for data it moves, are new
    rows: they are sealed like any new entry.)
    """
    added = []
    with engine.connect() as conn:
        inspector = inspect(conn)
        for table, old_columns in before.items():
            now = {c["name"] for c in inspector.get_columns(table)}
            model = Base.metadata.tables[table]
            for name in sorted(now - old_columns):
                if (table, name) == ("audit_log", "seq"):
                    # Numbered in the order the entries were written (0005).
                    seqs = conn.execute(text("SELECT seq FROM audit_log ORDER BY id")).scalars()
                    assert list(seqs) == list(range(1, len(before_rows(conn)) + 1))
                    added.append(f"{table}.{name}")
                    continue
                column = model.c[name]
                default = column.server_default
                expected = getattr(default, "arg", None) if default is not None else None
                query = select(text(name)).select_from(text(table)).order_by(text("id"))
                if table == "audit_log":
                    query = query.where(text(f"id <= {BUILT['audit_entries']}"))
                values = conn.execute(query).scalars()
                if f"{table}.{name}" in DERIVED:
                    assert list(values) == DERIVED[f"{table}.{name}"], f"{table}.{name}"
                    added.append(f"{table}.{name}")
                    continue
                assert {str(v) if expected is not None else v for v in values} <= {expected}, (
                    f"{table}.{name} is not its default in the upgraded rows"
                )
                added.append(f"{table}.{name}")
    return added


@pytest.mark.parametrize("revision", EARLIER)
def test_upgrade_keeps_every_record_from_an_earlier_revision(
    revision: str, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = _engine_for(db_url)
    try:
        before = build_old_database(engine, revision)
    finally:
        engine.dispose()
    sqlite = db.is_sqlite(db_url)

    # Not upgraded: refused with the sentence that says what to do, and left alone.
    assert cli(capsys, "--db", db_url, "status") == (8, "", OLDER)
    assert cli(capsys, "--db", db_url, "audit", "verify") == (8, "", OLDER)
    with pytest.raises(SchemaError, match="run: rr-tui db upgrade"):
        Store(db_url)
    if sqlite:
        assert _backups(db_url) == []
        path = db.sqlite_path(db_url)
        assert path is not None and _revision_of(path) == revision

    code, out, err = cli(capsys, "--db", db_url, "db", "upgrade")
    assert (code, err) == (0, "")
    assert out.startswith(f"upgraded the database to {db.HEAD}")

    if sqlite:
        # The backup was taken first: beside the database, private, at the old revision.
        (copy,) = _backups(db_url)
        assert out == f"upgraded the database to {db.HEAD} (backup: {copy})\n"
        assert copy.stat().st_mode & 0o777 == 0o600
        assert _revision_of(copy) == revision
        conn = sqlite3.connect(copy)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            refs = conn.execute("SELECT reference FROM cases ORDER BY id").fetchall()
            assert refs == [("RR-OLD-001",), ("RR-OLD-002",)]
            rows = [t for t, _ in ROWS if _has_table(revision, t)]
            assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == len(rows) + 2
        finally:
            conn.close()

    engine = db.make_engine(db_url)
    try:
        assert db.schema_revision(engine) == db.HEAD
        added = check_added_columns_have_defaults(engine, before)
    finally:
        engine.dispose()
    since_0004 = [
        "meetings.family_involvement",
        "meetings.good_practice",
        "meetings.identity",
        "meetings.learning_sharing",
        "meetings.national_reasoning",
        "meetings.parallel_proceedings",
        "meetings.siblings_safety",
        "meetings.voice",
    ]
    since_0005 = ["audit_log.key_id", "audit_log.seq"]
    since_0007 = [
        "cases.home_authority",
        "cases.incident_date",
        "cases.kind",
        "cases.partners_copied_on",
        "cases.sin_reference",
    ]
    since = {
        "0002_meeting_context": ["meetings.family_context", "meetings.practice_episodes"],
        "0004_pack_sections": since_0004,
        "0005_audit_anchor": since_0005,
        "0007_notification_children": since_0007,
        "0008_review_lifecycle": [
            "meeting_actions.case_id",
            "meeting_actions.evidence",
            "meeting_actions.number",
            "meeting_actions.recommendation_id",
        ],
        "0009_national_referral": [
            "cases.prepublication_recipients",
            "meetings.national_referral",
            "panel_contacts.reconsideration_notes",
            "panel_contacts.reconsideration_outcome",
        ],
        "0010_audit_zone": ["audit_log.zone"],
    }
    # Every column added by each later revision, and nothing else.
    at = db.REVISIONS.index(revision)
    expected = [
        column
        for later, columns in since.items()
        if db.REVISIONS.index(later) > at
        for column in columns
    ]
    assert sorted(added) == sorted(expected)

    store = Store(db_url, actor="new-coordinator")
    try:
        check_data_is_all_there(store)
        # The list's triage order was worked out by the upgrade, for every case.
        assert store.stale_order() == []
        first = store.get_case(store.case_id("RR-OLD-001"))
        assert first.meeting is not None
        if revision == "0001_initial":
            assert (first.meeting.practice_episodes, first.meeting.family_context) == ("", "")
        if _has_table(revision, "signoffs"):
            assert [s.partner for s in first.signoffs] == ["police"]
        else:
            # New columns start empty; nobody has signed off.
            assert (first.meeting.siblings_safety, first.meeting.family_involvement) == ("", "")
            assert first.signoffs == ()
        assert store.verify_audit() == []
    finally:
        store.close()
    assert cli(capsys, "--db", db_url, "audit", "verify") == (0, "audit trail intact\n", "")

    # The upgraded database takes new saves, and its trail stays whole.
    store = Store(db_url, actor="new-coordinator")
    try:
        first = store.get_case(store.case_id("RR-OLD-001"))
        assert first.meeting is not None
        store.record_meeting(
            first.id,
            first.meeting.version,
            date(2025, 11, 14),
            replace(
                first.meeting,
                practice_episodes="New episodes",
                family_context="Context",
                good_practice="Quick strategy meeting",
            ),
        )
        signed = {s.partner: s.version for s in first.signoffs}
        store.record_signoffs(
            first.id,
            signed,
            {
                "health": SignOffRecord(
                    "health", "H. Nurse", "Designated nurse", "Northshire ICB", date(2025, 11, 19)
                )
            },
        )
        assert [s.partner for s in store.get_case(first.id).signoffs] == [
            *(["police"] if signed else []),
            "health",
        ]
        store.update_agency(first.agencies[0].id, first.agencies[0].version, notes="More")
        store.record_step(first.id, "panel_notified", date(2025, 11, 4))
        new_id = store.create_case(replace(first.fields, reference="RR-NEW-001"))
        assert store.get_case(new_id).reference == "RR-NEW-001"
        again = store.get_case(first.id)
        assert again.meeting is not None and again.meeting.practice_episodes == "New episodes"
        assert again.meeting.good_practice == "Quick strategy meeting"
        assert again.meeting.actions == first.meeting.actions
        # The old actions go on to completion; new ones take the next numbers.
        store.complete_action(first.id, 1, date(2025, 11, 18), evidence="Minutes on file")
        assert store.add_action(first.id, "Visit", owner="CSC", due_on=date(2025, 12, 1)) == 3
        store.start_pause(first.id, "inquest", date(2025, 12, 2))
        store.add_progress_check(first.id, date(2025, 12, 3), "On track")
        assert store.add_recommendation(first.id, "Share learning", None, [("Brief", "LA", None)])
        again = store.get_case(first.id)
        assert [(a.number, a.done_on, a.evidence) for a in again.actions][:3] == [
            (1, date(2025, 11, 18), "Minutes on file"),
            (2, date(2025, 11, 15), ""),
            (3, None, ""),
        ]
        assert store.verify_audit() == []
        # The old entries keep their plain hashes; every new one is sealed with the key.
        with store.engine.connect() as connection:
            keys = [
                k for (k,) in connection.execute(text("SELECT key_id FROM audit_log ORDER BY id"))
            ]
        assert keys[0] is None and keys[-1] is not None
        assert keys == sorted(keys, key=lambda k: k is not None)
    finally:
        store.close()
    assert cli(capsys, "--db", db_url, "audit", "verify") == (0, "audit trail intact\n", "")
    assert cli(capsys, "--db", db_url, "db", "upgrade") == (
        0,
        "the database is already up to date\n",
        "",
    )


def test_a_database_stamped_with_an_unknown_newer_revision_is_refused(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = _engine_for(db_url)
    try:
        build_old_database(engine, db.HEAD)
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    finally:
        engine.dispose()

    assert cli(capsys, "--db", db_url, "status") == (8, "", NEWER)
    assert cli(capsys, "--db", db_url, "db", "upgrade") == (8, "", NEWER)
    with pytest.raises(SchemaError, match="newer rr-tui"):
        Store(db_url)
    engine = db.make_engine(db_url)
    try:
        assert db.schema_revision(engine) == "9999_from_the_future"
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 2
    finally:
        engine.dispose()
    if db.is_sqlite(db_url):
        assert _backups(db_url) == []


def test_the_data_builder_matches_what_the_store_writes(db_url: str) -> None:
    """At the head revision, the hand-built trail verifies and the Store reads it all."""
    engine = _engine_for(db_url)
    try:
        build_old_database(engine, db.HEAD)
    finally:
        engine.dispose()
    store = Store(db_url)
    try:
        check_data_is_all_there(store)
        assert store.verify_audit() == []
        first = store.get_case(store.case_id("RR-OLD-001"))
        assert first.meeting is not None
        assert first.meeting.practice_episodes == "Episodes"
        assert (first.meeting.siblings_safety, first.meeting.family_involvement) == (
            "Siblings seen",
            "Mother told",
        )
        (police,) = first.signoffs
        assert (police.partner, police.capacity, police.name, police.signed_on) == (
            "police",
            "delegated",
            "D. Inspector",
            date(2025, 11, 18),
        )
    finally:
        store.close()


FUTURE_REVISION = '''"""A later revision that rebuilds the cases table (as SQLite batch mode does to
alter or drop a column).

Revision ID: 0099_rebuild_cases
Revises: {down}
"""

from alembic import op

revision = "0099_rebuild_cases"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", recreate="always"):
        pass


def downgrade() -> None:
    pass
'''


def test_a_later_revision_that_rebuilds_a_table_keeps_its_child_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    # This rr-tui's migrations plus one more revision, as a future release would ship.
    package = tmp_path / "pkg"
    shutil.copytree(db.MIGRATIONS, package / "migrations")
    (package / "migrations" / "versions" / "0099_rebuild_cases.py").write_text(
        FUTURE_REVISION.format(down=db.HEAD)
    )
    url = "sqlite:///" + str(tmp_path / "db" / "rr.db")
    engine = _engine_for(url)
    try:
        build_old_database(engine, db.HEAD)
    finally:
        engine.dispose()
    monkeypatch.setattr(db, "MIGRATIONS", package / "migrations")
    monkeypatch.setattr(db, "REVISIONS", (*db.REVISIONS, "0099_rebuild_cases"))
    monkeypatch.setattr(db, "HEAD", "0099_rebuild_cases")

    code, out, _ = cli(capsys, "--db", url, "db", "upgrade")
    assert code == 0 and out.startswith("upgraded the database to 0099_rebuild_cases")
    store = Store(url)
    try:
        check_data_is_all_there(store)  # fails: steps, agencies, meeting, Panel are gone
    finally:
        store.close()


@pytest.mark.parametrize("revision", ["0004_pack_sections", "0008_review_lifecycle"])
def test_upgraded_audit_times_keep_verifying_and_read_in_london_time(
    revision: str, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Entries written before 0010 (local time, no zone) and after (UTC, zoned) in one chain."""
    from datetime import UTC

    from rr_tui.dates import moment_text

    engine = _engine_for(db_url)
    try:
        build_old_database(engine, revision)
    finally:
        engine.dispose()
    assert cli(capsys, "--db", db_url, "db", "upgrade")[0] == 0
    store = Store(db_url, actor="new-coordinator")
    try:
        assert store.verify_audit() == []
        case_id = store.case_id("RR-OLD-001")
        old = store.history(case_id)
        # As the old rr-tui wrote them (10:15 on Mon 3 Nov 2025, GMT) and showed them.
        assert moment_text(old[0].at) == "03 Nov 2025 10:15"
        assert old[0].at.utcoffset() is not None
        store.now = lambda: datetime(2026, 7, 1, 11, 30, tzinfo=UTC)  # 12:30 BST
        store.record_step(case_id, "panel_notified", date(2026, 6, 30))
        new = store.history(case_id)[-1]
        assert (new.actor, moment_text(new.at)) == ("new-coordinator", "01 Jul 2026 12:30")
        assert store.history(case_id)[: len(old)] == old
        assert store.verify_audit() == []
    finally:
        store.close()
    assert cli(capsys, "--db", db_url, "audit", "verify") == (0, "audit trail intact\n", "")
