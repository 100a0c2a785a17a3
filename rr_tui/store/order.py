"""The stored triage order (the ``case_order`` table), kept in step with every save.

The list reads its first screenful in this order (``rr_tui.first_page``), so it
must never lag behind a save: each write transaction works out again, before it
commits, the next due date of every case it changed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from rr_tui.models import (
    Agency,
    Case,
    CaseOrder,
    Meeting,
    MeetingAction,
    PanelContact,
    ProgressCheck,
    ReviewPause,
    StepDate,
)
from rr_tui.rules.profile import Profile
from rr_tui.rules.schedule import next_due, schedule_key
from rr_tui.store.audit import obj_id, serialise_writes
from rr_tui.store.loading import load_cases

CHANGED_CASES = "rr_changed_cases"
ORDER_CHUNK = 500  # case ids per IN (...) list, well below every driver's limit
# The rows whose changes can move a case's due dates or state (chasers and
# recommendations cannot).
_SCHEDULE_ROWS = (
    StepDate,
    Agency,
    Meeting,
    MeetingAction,
    ReviewPause,
    ProgressCheck,
    PanelContact,  # the response opens the reconsideration step
)


def note_changed_cases(session: Session, _ctx: Any) -> None:
    """``after_flush`` listener: remember which cases' schedules may have changed."""
    changed: set[int] = session.info.setdefault(CHANGED_CASES, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Case):
            case_id = obj_id(obj)
        elif isinstance(obj, _SCHEDULE_ROWS):
            case_id = obj.case_id
        else:
            continue
        if case_id is not None:
            changed.add(case_id)


def keep_order(session: Session, profile: Profile) -> None:
    """Work out again, in the same transaction, the next due date of each changed case."""
    changed = sorted(session.info.pop(CHANGED_CASES, ()))
    if not changed:
        return
    # Writers take this lock one at a time until they commit, so the facts
    # read below include every save committed before ours, and no save
    # can commit between the read and our own commit. (Row locks here
    # instead would be taken in the opposite order to the writers' own,
    # after the audit trail's lock: a deadlock.)
    serialise_writes(session)
    key = schedule_key(profile)
    for start in range(0, len(changed), ORDER_CHUNK):
        chunk = changed[start : start + ORDER_CHUNK]
        records = load_cases(session, True, case_ids=chunk)
        session.execute(delete(CaseOrder).where(CaseOrder.case_id.in_(chunk)))
        if records:
            session.execute(
                insert(CaseOrder),
                [
                    {"case_id": r.id, "next_due": next_due(r.facts(), profile), "schedule_key": key}
                    for r in records
                ],
            )
