"""Reading the audit trail: a case's history, ``audit verify`` and ``audit accept``,
and the entry that says a pack was written.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rr_tui.models import AuditEntry
from rr_tui.records import HistoryEntry
from rr_tui.store import audit_anchor
from rr_tui.store.audit import ChainReport, append, entry_time, verify, verify_chain
from rr_tui.store.core import StoreCore


class AuditTrailStore(StoreCore):
    """The audit trail, read and checked."""

    def history(self, case_id: int) -> list[HistoryEntry]:
        def load(session: Session) -> list[HistoryEntry]:
            rows = session.execute(
                select(
                    AuditEntry.at,
                    AuditEntry.actor,
                    AuditEntry.action,
                    AuditEntry.table_name,
                    AuditEntry.old,
                    AuditEntry.new,
                    AuditEntry.zone,
                )
                .where(AuditEntry.case_id == case_id)
                .order_by(AuditEntry.id)
            )
            return [
                HistoryEntry(
                    entry_time(at, zone),
                    actor,
                    action,
                    table,
                    _summarise(action, old, new),
                    _changed(old, new),
                )
                for at, actor, action, table, old, new, zone in rows
            ]

        return self._read(load)

    def record_pack(self, case_id: int, fmt: str, *, final: bool = False) -> None:
        """Note in the audit trail that the case's pack was written (format; final or draft)."""
        what: dict[str, Any] = {"pack": fmt, "final": True} if final else {"pack": fmt}
        with self._write() as session:
            self._case(session, case_id)
            append(session, [("export", "cases", case_id, case_id, {}, what)])

    def verify_audit(self) -> list[str]:
        """Problems with the audit trail, the first broken entry first; empty when intact."""
        return self.audit_report().problems

    def audit_report(self) -> ChainReport:
        """Check the audit trail: the keyed chain, this account's witness, then a replay.

        The replay compares the log with the records, so that a change made
        behind rr-tui's back is reported too. An intact trail moves the
        witness on to its newest entry.
        """
        path = self.witness_path
        witness = audit_anchor.read_witness(path) if path is not None else None
        key = audit_anchor.load_key(create=False)
        report = self._read(lambda s: verify(s, key, witness))
        if not report.problems and report.count:
            self._advance_witness(audit_anchor.Witness(report.count, report.head))
        return report

    def accept_audit(self) -> ChainReport:
        """Make this account's witness vouch for the trail as it is now.

        For after restoring an older backup. Refused unless the chain itself
        is intact under the audit key.
        """
        key = audit_anchor.load_key(create=False)
        report = self._read(lambda s: verify_chain(s, key))
        if not report.problems and report.count and self.witness_path is not None:
            audit_anchor.write_witness(
                self.witness_path, audit_anchor.Witness(report.count, report.head), self.identity
            )
        return report


def _summarise(action: str, old: str, new: str) -> str:
    """Which fields changed, by name only: values can be long or sensitive."""
    import json

    before = json.loads(old) if old else {}
    after = json.loads(new) if new else {}
    if action == "create":
        return "created"
    if action == "delete":
        return "deleted"
    if action == "export":
        final = ", final" if after.get("final") else ""
        return f"rapid review pack written ({after.get('pack', '')}{final})"
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    changed = [k for k in changed if k != "version"]
    return "changed " + ", ".join(changed) if changed else "saved"


def _changed(old: str, new: str) -> tuple[str, ...]:
    """The fields an update changed, by stored name (bookkeeping left out)."""
    import json

    if not (old and new):
        return ()
    before, after = json.loads(old), json.loads(new)
    keys = set(before) | set(after)
    return tuple(sorted(k for k in keys if k != "version" and before.get(k) != after.get(k)))
