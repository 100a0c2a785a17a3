"""The audit trail: every create, update and delete, in the same transaction.

Entries are append-only, numbered (``seq``: 1, 2, 3, ...) and hash-chained:
each entry's hash covers its own content, its number and the previous entry's
hash, so editing or deleting an entry breaks the chain from there on. The
hash is an HMAC under the audit key (``rr_tui.store.audit_anchor``), so the chain
cannot be recomputed by someone without the key; the witness file outside the
database catches the newest entries being cut off. Entries written before
revision 0005 keep their plain SHA-256 hashes; they can only come before
every keyed entry. The database refuses UPDATE and DELETE on the table
(triggers, revision 0005).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import insert, inspect, select, text
from sqlalchemy.orm import Session, UOWTransaction

from rr_tui.errors import ConfigError
from rr_tui.models import (
    Agency,
    AuditEntry,
    Base,
    Case,
    Chaser,
    Tracked,
)
from rr_tui.rules.clock import london
from rr_tui.store.audit_anchor import AuditKey, Witness, key_path, load_key

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


def entry_hash(prev_hash: str, fields: dict[str, Any], key: AuditKey | None = None) -> str:
    """The entry's hash: HMAC-SHA-256 under ``key``; plain SHA-256 for entries before 0005."""
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    if key is not None:
        return key.sign(prev_hash + canonical)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


# Entries from revision 0010 on: ``at`` is UTC, and says so.
UTC_ZONE = "UTC"


def sealed_time(at: datetime, zone: str | None) -> str:
    """The entry's time as its hash seals it: with its zone (``+00:00``) from 0010 on.

    An entry from before (no zone) was sealed as written, without a zone; a
    zone other than UTC was never written, so it cannot match its hash.
    """
    if zone is None:
        return at.isoformat()
    if zone == UTC_ZONE:
        return at.replace(tzinfo=UTC).isoformat()
    return f"{at.isoformat()} {zone}"


def entry_time(at: datetime, zone: str | None) -> datetime:
    """The moment an entry was written, with its zone.

    Entries from before revision 0010 hold the local time of the machine that
    saved, without a zone: they are read as Europe/London time, which is what
    a coordinator's machine in England wrote and what the history showed then
    (docs/decisions.md, "Audit times").
    """
    if zone is None:
        return at.replace(tzinfo=london())
    return at.replace(tzinfo=UTC)


def hashed_fields(
    at: datetime,
    actor: str,
    action: str,
    table: str,
    row_id: int,
    case_id: int | None,
    old: str,
    new: str,
    seq: int | None = None,
    key_id: str | None = None,
    zone: str | None = None,
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "at": sealed_time(at, zone),
        "actor": actor,
        "action": action,
        "table": table,
        "row_id": row_id,
        "case_id": case_id,
        "old": old,
        "new": new,
    }
    if key_id is not None:  # keyed entries (0005 on) also seal their number and key
        fields["seq"] = seq
        fields["key"] = key_id
    return fields


def _utc(moment: datetime) -> datetime:
    """An aware moment as the naive UTC time the ``at`` column holds."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def serialise_writes(session: Session) -> None:
    """Hold, until the transaction ends, the lock every audited write takes.

    On PostgreSQL that is one advisory lock, so appends to the chain happen one
    transaction at a time (SQLite's BEGIN IMMEDIATE already does this). Taking
    it again in the same transaction is harmless.
    """
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(424242)"))


# session.info keys: how a write finds the audit key, and where its newest entry is.
KEYRING = "rr_audit_keyring"
HEAD = "rr_audit_head"
Keyring = Callable[[bool], AuditKey | None]


class Last(NamedTuple):
    seq: int
    hash: str
    key_id: str | None


def _last_entry(session: Session) -> Last | None:
    serialise_writes(session)
    conn = session.connection()
    row = conn.execute(
        select(AuditEntry.seq, AuditEntry.hash, AuditEntry.key_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    return Last(int(row[0] or 0), row[1], row[2]) if row else None


def missing_key_error() -> ConfigError:
    return ConfigError(
        f"this database's audit trail is sealed with the team's audit key, and there is no key "
        f"at {key_path()}; copy the team's audit.key there (see the README: audit trail)"
    )


def wrong_key_error(key: AuditKey) -> ConfigError:
    return ConfigError(
        f"the audit key {key.path} is not the one this database's trail is sealed with; "
        "copy the team's audit.key there (see the README: audit trail)"
    )


def _default_keyring(create: bool) -> AuditKey | None:
    return load_key(create=create)


def _key_for(session: Session, last: Last | None) -> AuditKey:
    """The key to seal the next entry with; refuses a missing or different key."""
    keyring: Keyring = session.info.get(KEYRING, _default_keyring)
    if last is not None and last.key_id is not None:
        key = keyring(False)
        if key is None:
            raise missing_key_error()
        if key.key_id != last.key_id:
            raise wrong_key_error(key)
        return key
    key = keyring(True)
    assert key is not None
    return key


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
    now: datetime = session.info.get("now") or datetime.now(UTC)
    # Stored in UTC with its zone. A time without one comes only from a
    # migration before 0010, whose table has no zone yet: written as before.
    at, zone = (now, None) if now.tzinfo is None else (_utc(now), UTC_ZONE)
    stamped = {} if zone is None else {"zone": zone}
    last = _last_entry(session)
    prev, seq = (last.hash, last.seq) if last else (GENESIS, 0)
    key = _key_for(session, last)
    rows = []
    for action, table, row_id, case_id, old, new in entries:
        old_json = json.dumps(old, sort_keys=True) if old else ""
        new_json = json.dumps(new, sort_keys=True) if new else ""
        seq += 1
        fields = hashed_fields(
            at, actor, action, table, row_id, case_id, old_json, new_json, seq, key.key_id, zone
        )
        digest = entry_hash(prev, fields, key)
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
                "seq": seq,
                "key_id": key.key_id,
                **stamped,
            }
        )
        prev = digest
    # One executemany, in chain order: ids follow the order of the rows.
    session.connection().execute(insert(AuditEntry), rows)
    session.info[HEAD] = Witness(seq, prev)


@dataclass(frozen=True)
class ChainReport:
    problems: list[str]
    count: int  # entries in the chain (up to the first broken one)
    head: str  # the hash of the newest entry (GENESIS when there is none)
    keyed: bool  # some entry is sealed with the audit key


def verify_chain(
    session: Session, key: AuditKey | None, witness: Witness | None = None
) -> ChainReport:
    """Walk the chain: numbering, links, hashes, then the witness; first problem only."""
    problems: list[str] = []
    prev, position, keyed, seen_at_witness = GENESIS, 0, False, None
    query = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000)
    for entry in session.scalars(query):
        position += 1
        if entry.seq != position or entry.prev_hash != prev:
            problems.append(f"audit entry {entry.id}: the entry before it was changed or removed")
            break
        fields = hashed_fields(
            entry.at,
            entry.actor,
            entry.action,
            entry.table_name,
            entry.row_id,
            entry.case_id,
            entry.old,
            entry.new,
            entry.seq,
            entry.key_id,
            entry.zone,
        )
        if entry.key_id is None:
            if keyed:
                problems.append(
                    f"audit entry {entry.id}: an unkeyed entry after keyed ones: "
                    "the trail was rewritten"
                )
                break
            expected = entry_hash(prev, fields)
        else:
            keyed = True
            if key is None:
                raise missing_key_error()
            if entry.key_id != key.key_id:
                problems.append(
                    f"audit entry {entry.id}: sealed with another audit key: the trail was "
                    "rewritten, or your audit.key is not the team's"
                )
                break
            expected = entry_hash(prev, fields, key)
        if not hmac.compare_digest(entry.hash, expected):
            problems.append(f"audit entry {entry.id}: its content was changed after it was written")
            break
        prev = entry.hash
        if witness is not None and position == witness.seq:
            seen_at_witness = entry.hash
    if not problems and witness is not None:
        if position < witness.seq:
            problems.append(
                f"the trail ends at entry number {position}, but entry number {witness.seq} was "
                "written from this account: the newest entries were cut off (or the database "
                "was restored from an older backup: then run rr-tui audit accept)"
            )
        elif seen_at_witness != witness.hash:
            problems.append(
                f"entry number {witness.seq} is not the one written from this account: "
                "the trail was rewritten"
            )
    return ChainReport(problems, position, prev, keyed)


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


def verify(session: Session, key: AuditKey | None, witness: Witness | None) -> ChainReport:
    """The first broken link of the chain; if the chain holds, the replay's findings."""
    report = verify_chain(session, key, witness)
    if report.problems:
        return report
    return ChainReport(replay(session), report.count, report.head, report.keyed)
