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

from sqlalchemy import inspect, insert, select, text
from sqlalchemy.orm import Session, UOWTransaction

from rr_tui.models import AuditEntry, Base, Tracked

GENESIS = "0" * 64
# Bookkeeping columns: the audit entry itself already says who and when.
_SKIP = {"created_at", "created_by", "updated_at", "updated_by"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def row_values(obj: Base) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {
        c.key: _plain(getattr(obj, c.key))
        for c in mapper.column_attrs
        if c.key not in _SKIP
    }


def _old_values(obj: Base) -> dict[str, Any]:
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


def _case_id(session: Session, obj: Base) -> int | None:
    """The case a row belongs to, so the case screen can show its history."""
    from rr_tui.models import Agency, Chaser, Meeting, MeetingAction

    if isinstance(obj, Chaser):
        parent: tuple[type[Base], int] | None = (Agency, obj.agency_id)
    elif isinstance(obj, MeetingAction):
        parent = (Meeting, obj.meeting_id)
    else:
        value = getattr(obj, "case_id", None) if hasattr(obj, "case_id") else obj_id(obj)
        return value if isinstance(value, int) else None
    model, key = parent
    return session.connection().execute(
        select(model.case_id).where(model.id == key)  # type: ignore[attr-defined]
    ).scalar()


def obj_id(obj: Base) -> int | None:
    identity = inspect(obj).identity
    return int(identity[0]) if identity else None


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def hashed_fields(
    at: datetime, actor: str, action: str, table: str, row_id: int, case_id: int | None,
    old: str, new: str,
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


def _last_hash(session: Session) -> str:
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        # Serialise appends to the chain across connections.
        conn.execute(text("SELECT pg_advisory_xact_lock(424242)"))
    row = conn.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    return row[0] if row else GENESIS


def record_changes(session: Session, _ctx: UOWTransaction) -> None:
    """``after_flush`` listener: append an entry for every changed row."""
    actor: str = session.info.get("actor", "unknown")
    at: datetime = session.info.get("now") or datetime.now()
    changes: list[tuple[str, Base, dict[str, Any], dict[str, Any]]] = []
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
    prev = _last_hash(session)
    rows = []
    for action, obj, old, new in sorted(changes, key=lambda c: (c[0], type(c[1]).__name__)):
        table = obj.__tablename__  # type: ignore[attr-defined]
        row_id = obj_id(obj) or 0
        old_json = json.dumps(old, sort_keys=True) if old else ""
        new_json = json.dumps(new, sort_keys=True) if new else ""
        case_id = _case_id(session, obj)
        digest = entry_hash(
            prev, hashed_fields(at, actor, action, table, row_id, case_id, old_json, new_json)
        )
        rows.append(
            {
                "at": at, "actor": actor, "action": action, "table_name": table,
                "row_id": row_id, "case_id": case_id, "old": old_json, "new": new_json,
                "prev_hash": prev, "hash": digest,
            }
        )
        prev = digest
    # Insert one at a time so ids follow the chain order.
    conn = session.connection()
    for row in rows:
        conn.execute(insert(AuditEntry).values(**row))


def verify_chain(session: Session) -> list[str]:
    """Problems with the chain, first broken entry first; empty when intact."""
    problems: list[str] = []
    prev = GENESIS
    query = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000)
    for entry in session.scalars(query):
        expected = entry_hash(
            prev,
            hashed_fields(
                entry.at, entry.actor, entry.action, entry.table_name, entry.row_id,
                entry.case_id, entry.old, entry.new,
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
