"""The audit trail: every create, update and delete, in the same transaction.

Entries are append-only and hash-chained: each entry's hash covers its own
content and the previous entry's hash, so editing or deleting an entry breaks
the chain from there on.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, inspect, select, text
from sqlalchemy.orm import Session, UOWTransaction

from rr_tui.models import (
    Agency,
    AuditEntry,
    Base,
    Case,
    Chaser,
    Meeting,
    MeetingAction,
    Tracked,
)

GENESIS = "0" * 64
# Bookkeeping columns: the audit entry itself already says who and when.
_SKIP = {"created_at", "created_by", "updated_at", "updated_by"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def row_values(obj: Tracked) -> dict[str, Any]:
    """The audited columns of a row, as JSON-ready values."""
    mapper = inspect(obj).mapper
    return {c.key: _plain(getattr(obj, c.key)) for c in mapper.column_attrs if c.key not in _SKIP}


def _old_values(obj: Tracked) -> dict[str, Any]:
    state = inspect(obj)
    old: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in _SKIP:
            continue
        history = state.attrs[attr.key].history
        if history.deleted:
            old[attr.key] = _plain(history.deleted[0])
        elif history.unchanged:
            old[attr.key] = _plain(history.unchanged[0])
        else:
            old[attr.key] = _plain(getattr(obj, attr.key))
    return old


def _case_id(session: Session, obj: Tracked) -> int | None:
    """The case a row belongs to, so the case screen can show its history."""
    if isinstance(obj, Case):
        return obj_id(obj)
    if isinstance(obj, Chaser):
        query = select(Agency.case_id).where(Agency.id == obj.agency_id)
    elif isinstance(obj, MeetingAction):
        query = select(Meeting.case_id).where(Meeting.id == obj.meeting_id)
    else:
        value = getattr(obj, "case_id", None)
        return value if isinstance(value, int) else None
    found = session.connection().execute(query).scalar()
    return found if isinstance(found, int) else None


def obj_id(obj: Tracked) -> int | None:
    """The row's primary key; also for a row inserted by the flush in progress.

    (``inspect(obj).identity`` is only set once the flush is finalised, after
    ``after_flush`` listeners have run, so it cannot be used here.)
    """
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return int(key[0]) if key and key[0] is not None else None


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def hashed_fields(
    at: datetime,
    actor: str,
    action: str,
    table: str,
    row_id: int,
    case_id: int | None,
    old: str,
    new: str,
) -> dict[str, Any]:
    return {
        "at": at.isoformat(),
        "actor": actor,
        "action": action,
        "table": table,
        "row_id": row_id,
        "case_id": case_id,
        "old": old,
        "new": new,
    }


def serialise_writes(session: Session) -> None:
    """Hold, until the transaction ends, the lock every audited write takes.

    On PostgreSQL that is one advisory lock, so appends to the chain happen one
    transaction at a time (SQLite's BEGIN IMMEDIATE already does this). Taking
    it again in the same transaction is harmless.
    """
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(424242)"))


def _last_hash(session: Session) -> str:
    serialise_writes(session)
    conn = session.connection()
    row = conn.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    return row[0] if row else GENESIS


def record_changes(session: Session, _ctx: UOWTransaction) -> None:
    """``after_flush`` listener: append an entry for every changed row."""
    changes: list[tuple[str, Tracked, dict[str, Any], dict[str, Any]]] = []
    for obj in session.new:
        if isinstance(obj, Tracked):
            changes.append(("create", obj, {}, row_values(obj)))
    for obj in session.dirty:
        if isinstance(obj, Tracked) and session.is_modified(obj, include_collections=False):
            old, new = _old_values(obj), row_values(obj)
            if old != new:
                changes.append(("update", obj, old, new))
    for obj in session.deleted:
        if isinstance(obj, Tracked):
            changes.append(("delete", obj, _old_values(obj), {}))
    if not changes:
        return
    append(
        session,
        [
            (
                action,
                inspect(obj).mapper.local_table.name,
                obj_id(obj) or 0,
                _case_id(session, obj),
                old,
                new,
            )
            for action, obj, old, new in sorted(changes, key=lambda c: (c[0], type(c[1]).__name__))
        ],
    )


Entry = tuple[str, str, int, int | None, dict[str, Any], dict[str, Any]]


def append(session: Session, entries: list[Entry]) -> None:
    """Append (action, table, row id, case id, old, new) entries to the chain."""
    actor: str = session.info.get("actor", "unknown")
    at: datetime = session.info.get("now") or datetime.now()
    prev = _last_hash(session)
    rows = []
    for action, table, row_id, case_id, old, new in entries:
        old_json = json.dumps(old, sort_keys=True) if old else ""
        new_json = json.dumps(new, sort_keys=True) if new else ""
        digest = entry_hash(
            prev, hashed_fields(at, actor, action, table, row_id, case_id, old_json, new_json)
        )
        rows.append(
            {
                "at": at,
                "actor": actor,
                "action": action,
                "table_name": table,
                "row_id": row_id,
                "case_id": case_id,
                "old": old_json,
                "new": new_json,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    # One executemany, in chain order: ids follow the order of the rows.
    session.connection().execute(insert(AuditEntry), rows)


def verify_chain(session: Session) -> list[str]:
    """Problems with the chain, first broken entry first; empty when intact."""
    problems: list[str] = []
    prev = GENESIS
    query = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000)
    for entry in session.scalars(query):
        expected = entry_hash(
            prev,
            hashed_fields(
                entry.at,
                entry.actor,
                entry.action,
                entry.table_name,
                entry.row_id,
                entry.case_id,
                entry.old,
                entry.new,
            ),
        )
        if entry.prev_hash != prev:
            problems.append(f"audit entry {entry.id}: the entry before it was changed or removed")
            break
        if entry.hash != expected:
            problems.append(f"audit entry {entry.id}: its content was changed after it was written")
            break
        prev = entry.hash
    return problems


MAX_REPLAY_PROBLEMS = 20


def _tracked_mappers() -> list[Any]:
    return sorted(
        (m for m in Base.registry.mappers if issubclass(m.class_, Tracked)),
        key=lambda m: m.local_table.name,
    )


def replay(session: Session) -> list[str]:
    """Replay the log and compare it with the records as they are now.

    A row changed, added or deleted behind rr-tui's back (by hand-written SQL,
    say) does not match the last audit entry for it. Messages name the table,
    the row and the fields, never their values.
    """
    expected: dict[tuple[str, int], dict[str, Any] | None] = {}
    query = (
        select(
            AuditEntry.table_name,
            AuditEntry.row_id,
            AuditEntry.action,
            AuditEntry.old,
            AuditEntry.new,
        )
        .order_by(AuditEntry.id)
        .execution_options(yield_per=1000)
    )
    for table, row_id, action, old_json, new_json in session.execute(query):
        if action not in ("create", "update", "delete"):
            continue  # events such as a pack written: no row to compare
        old = json.loads(old_json) if old_json else {}
        new = json.loads(new_json) if new_json else {}
        key_id = (new or old).get("id", row_id)
        expected[(table, key_id)] = None if action == "delete" else new

    problems: list[str] = []
    for mapper in _tracked_mappers():
        table = mapper.local_table.name
        attrs = [a for a in mapper.column_attrs if a.key not in _SKIP]
        columns = [a.columns[0] for a in attrs]
        seen: set[int] = set()
        for row in session.execute(select(*columns).order_by(mapper.primary_key[0])):
            actual = {a.key: _plain(v) for a, v in zip(attrs, row, strict=True)}
            row_id = int(actual["id"])
            seen.add(row_id)
            want = expected.get((table, row_id))
            if want is None:
                problems.append(f"{table} row {row_id}: added outside rr-tui (no audit entry)")
            # Columns added by a later migration are absent from older entries.
            elif any(want[k] != actual.get(k) for k in want):
                changed = sorted(k for k in want if want[k] != actual.get(k))
                problems.append(
                    f"{table} row {row_id}: changed outside rr-tui ({', '.join(changed)})"
                )
        for (entry_table, row_id), want in expected.items():
            if entry_table == table and want is not None and row_id not in seen:
                problems.append(f"{table} row {row_id}: deleted outside rr-tui")
    if len(problems) > MAX_REPLAY_PROBLEMS:
        more = len(problems) - MAX_REPLAY_PROBLEMS
        problems = [*problems[:MAX_REPLAY_PROBLEMS], f"and {more} more differences"]
    return problems


def verify(session: Session) -> list[str]:
    """The first broken link of the chain; if the chain holds, the replay's findings."""
    return verify_chain(session) or replay(session)
