"""The children named on a notification: added, changed, removed, in order."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rr_tui.errors import ConflictError, NotFoundError
from rr_tui.models import Child
from rr_tui.records import ChildFields
from rr_tui.store.cleaning import child_columns, clean_child
from rr_tui.store.core import StoreCore, for_update


class ChildStore(StoreCore):
    """The children of a case."""

    def _add_child(
        self, session: Session, case_id: int, position: int, child: ChildFields
    ) -> Child:
        row = Child(case_id=case_id, position=position, **child_columns(child))
        self._touch(session, row, new=True)
        session.add(row)
        return row

    def add_child(self, case_id: int, fields: ChildFields) -> int:
        """Add a child to the notification, after the children already on it."""
        fields = clean_child(fields)
        with self._write() as session:
            self._case(session, case_id)
            last = session.scalar(select(func.max(Child.position)).where(Child.case_id == case_id))
            row = self._add_child(session, case_id, (last or 0) + 1, fields)
            session.flush()
            return row.id

    def update_child(self, child_id: int, expected_version: int, fields: ChildFields) -> None:
        """Save a child's form; raise ConflictError if someone saved it in between."""
        fields = clean_child(fields)
        with self._write() as session:
            row = self._child(session, child_id, expected_version)
            columns = child_columns(fields)
            if any(getattr(row, k) != v for k, v in columns.items()):
                for key, value in columns.items():
                    setattr(row, key, value)
                self._touch(session, row)

    def remove_child(self, child_id: int, expected_version: int) -> None:
        """Take a child off the notification; the children after it move up one place."""
        with self._write() as session:
            row = self._child(session, child_id, expected_version)
            case_id, position = row.case_id, row.position
            session.delete(row)
            session.flush()
            later = session.scalars(
                select(Child)
                .where(Child.case_id == case_id, Child.position > position)
                .order_by(Child.position, Child.id)
            )
            for other in later:
                other.position -= 1
                self._touch(session, other)

    def _child(self, session: Session, child_id: int, expected_version: int) -> Child:
        row = session.get(Child, child_id, with_for_update=for_update(session))
        if row is None:
            raise NotFoundError("that child is no longer on the case")
        if row.version != expected_version:
            raise ConflictError("someone else saved this child since you opened it")
        return row
