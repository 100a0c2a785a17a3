"""Field edits checked against what the user saw: how every form saves.

A form never writes a whole record back. It sends one ``Edit`` per field the
user changed, carrying the value the form showed (``expected``) and the new
one (``value``). The store checks every ``expected`` against the stored value
in the same transaction as the write, and refuses the whole save with a
``ConflictError`` naming the stale fields when any differs. Fields the user
did not change are neither checked nor written, so a save never erases a
colleague's work in another field, and a stale value is never overwritten
unseen.

Pure: no Textual, no SQLAlchemy. The store maps each ``Target`` to a column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rr_tui.records import CaseRecord, MeetingRecord, PanelRecord

# Tables an edit can address, and what ``Target.column`` names in each.
CASE = "case"  # a column of the case (``CASE_FIELDS``)
STEP = "step"  # a step's date: column is the step id
MEETING = "meeting"  # a column of the Rapid Review meeting record, or "actions"
PANEL = "panel"  # a column of the National Panel record
AGENCY = "agency"  # a column of one agency: key is the agency id
CHILD = "child"  # a column of one child on the notification: key is the child's id
ACTION = "action"  # a column of one tracked action: key is the action's number in the case


@dataclass(frozen=True, slots=True)
class Target:
    """Where a field is stored: table, column and (for rows of many) the row's id."""

    table: str
    column: str
    key: int | None = None


@dataclass(frozen=True, slots=True)
class Edit:
    """One changed field: the value the user saw and the value to store."""

    target: Target
    expected: Any
    value: Any
    label: str = ""  # the field's label, for the conflict message
    field: str = ""  # the form's field id, for routing an error to the field

    @property
    def name(self) -> str:
        return self.label or self.target.column.replace("_", " ")


def same(stored: Any, expected: Any) -> bool:
    """Whether a stored value is the one the user saw (blank text and None are alike)."""
    return bool(normal(stored) == normal(expected))


def normal(value: Any) -> Any:
    """Blank text and None alike; lists as tuples."""
    if value is None or value == "":
        return None
    if isinstance(value, list):
        return tuple(value)
    return value


def stale_message(names: list[str]) -> str:
    """The conflict sentence: which fields someone else changed."""
    if not names:
        return "someone else saved this since you opened it"
    listed = ", ".join(names)
    return f"someone else changed {listed} since you opened it"


def stored(record: CaseRecord, target: Target) -> object:
    """What ``record`` holds where ``target`` points (None when the row is not there)."""
    if target.table == STEP:
        return record.done.get(target.column)
    if target.table == CASE:
        return getattr(record.fields, target.column)
    if target.table == MEETING:
        return getattr(record.meeting or MeetingRecord(), target.column)
    if target.table == PANEL:
        return getattr(record.panel or PanelRecord(), target.column)
    row: object = None
    if target.table == AGENCY:
        row = next((a for a in record.agencies if a.id == target.key), None)
    elif target.table == CHILD:
        row = next((c.fields for c in record.children if c.id == target.key), None)
    elif target.table == ACTION:
        row = next((a for a in record.actions if a.number == target.key), None)
    return None if row is None else getattr(row, target.column)
