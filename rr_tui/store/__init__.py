"""The case store: the only code that writes to the database.

``Store`` is put together from one part per kind of record, all on the one
write path of ``rr_tui.store.core`` (each write a short transaction that
appends to the audit trail and keeps the stored triage order, committed before
the method returns). Reads return the frozen records of ``rr_tui.records``,
never ORM objects. The package also holds what the store stands on: opening
the database (``db``), the models' audit trail (``audit``, ``audit_anchor``),
upkeep (``maintenance``) and whole-database moves (``transfer``).
"""

from __future__ import annotations

from rr_tui.store.agencies import AgencyStore
from rr_tui.store.audit_trail import AuditTrailStore
from rr_tui.store.bulk import BulkStore
from rr_tui.store.cases import CaseStore
from rr_tui.store.children import ChildStore
from rr_tui.store.core import UNCHECKED, StoreCore, current_actor
from rr_tui.store.field_edits import EditStore
from rr_tui.store.local_review import LocalReviewStore
from rr_tui.store.meetings import MeetingStore

__all__ = ["UNCHECKED", "Store", "current_actor"]


class Store(
    CaseStore,
    AgencyStore,
    EditStore,
    MeetingStore,
    LocalReviewStore,
    AuditTrailStore,
    BulkStore,
    ChildStore,
    StoreCore,
):
    """One database's cases and everything recorded about them."""
