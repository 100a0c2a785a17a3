"""Cases: finding and reading them, creating and saving them, and their steps' dates."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rr_tui.errors import ConflictError, InputError, NotFoundError
from rr_tui.models import Agency, Case, StepDate
from rr_tui.records import CaseFields, CaseRecord, ChildFields
from rr_tui.rules.schedule import AgencyFacts, CaseFacts, recordable
from rr_tui.store.audit import serialise_writes
from rr_tui.store.children import ChildStore
from rr_tui.store.cleaning import case_columns, check_step_id, clean_case, clean_child
from rr_tui.store.core import UNCHECKED
from rr_tui.store.failures import clash
from rr_tui.store.loading import load_cases, map_cases
from rr_tui.store.meetings import RECONSIDERATION, check_reconsidered
from rr_tui.validation import normal_reference

T = TypeVar("T")


class CaseStore(ChildStore):
    """Cases and the dates of their case-level steps."""

    def case_id(self, reference: str) -> int:
        """The case with this reference, whatever its case (``rr-1`` finds ``RR-1``).

        A database upgraded with two references that differ only in case
        (see revision 0006) finds the one spelt exactly so; otherwise it asks.
        """
        typed = reference.strip()

        def find(session: Session) -> list[tuple[int, str]]:
            query = select(Case.id, Case.reference).where(
                func.upper(Case.reference) == normal_reference(typed)
            )
            return [(row.id, row.reference) for row in session.execute(query)]

        found = self._read(find)
        exact = [case_id for case_id, stored in found if stored == typed]
        if len(found) == 1 or exact:
            return exact[0] if exact else found[0][0]
        if not found:
            raise NotFoundError("no case has that reference")
        raise InputError(
            "two cases have references that differ only in case: "
            "give the reference exactly as it is written"
        )

    def references(self) -> set[str]:
        return self._read(lambda s: set(s.scalars(select(Case.reference))))

    def list_cases(self, *, include_closed: bool = False) -> list[CaseRecord]:
        """Every case with the facts its schedule needs, in few queries and no ORM objects."""
        return self._read(lambda s: load_cases(s, include_closed))

    def map_cases(
        self, each: Callable[[CaseRecord], T], *, include_closed: bool = False
    ) -> list[T]:
        """What ``each`` makes of every case ``list_cases`` would give, in its order.

        Each record is let go once ``each`` has made its value, so that ten
        thousand records never coexist (the case list keeps only its rows).
        """
        return self._read(lambda s: map_cases(s, include_closed, each))

    def get_case(self, case_id: int) -> CaseRecord:
        def load(session: Session) -> CaseRecord:
            records = load_cases(session, True, case_ids=(case_id,), full=True)
            if not records:
                raise NotFoundError("that case no longer exists")
            return records[0]

        return self._read(load)

    def create_case(
        self,
        fields: CaseFields,
        steps: dict[str, date] | None = None,
        children: Sequence[ChildFields] = (),
    ) -> int:
        fields = clean_case(fields)
        kids = [clean_child(c) for c in children]
        for step_id in steps or {}:
            check_step_id(step_id)
        with self._write() as session:
            refuse_clash(session, [fields.reference])
            case = Case(**case_columns(fields))
            self._touch(session, case, new=True)
            session.add(case)
            session.flush()
            for step_id, when in (steps or {}).items():
                row = StepDate(case_id=case.id, step_id=step_id, done_on=when)
                self._touch(session, row, new=True)
                session.add(row)
            for position, child in enumerate(kids, start=1):
                self._add_child(session, case.id, position, child)
            return case.id

    def update_case(self, case_id: int, expected_version: int, fields: CaseFields) -> None:
        """Save the case form; raise ConflictError if someone saved in between."""
        fields = clean_case(fields)
        with self._write() as session:
            case = self._case(session, case_id)
            if case.version != expected_version:
                raise ConflictError("someone else saved this case since you opened it")
            columns = case_columns(fields)
            if normal_reference(case.reference) == columns["reference"]:
                del columns["reference"]  # the same reference: kept as it is stored
            else:
                refuse_clash(session, [columns["reference"]], but=case_id)
            for key, value in columns.items():
                setattr(case, key, value)
            self._touch(session, case)

    def record_step(
        self,
        case_id: int,
        step_id: str,
        on: date | None,
        *,
        expected: date | object | None = UNCHECKED,
    ) -> None:
        """Record (or with None, clear) the date a case-level step happened.

        With ``expected`` (the date the form showed, None for none), refuse with
        ConflictError when someone recorded another date in the meantime.
        """
        check_step_id(step_id)
        with self._write() as session:
            self._case(session, case_id)
            if on is not None and step_id == "agency_returns":
                agencies = tuple(
                    AgencyFacts(name, sent, received)
                    for name, sent, received in session.execute(
                        select(Agency.name, Agency.request_sent, Agency.received_on)
                        .where(Agency.case_id == case_id)
                        .order_by(Agency.id)
                    )
                )
                refusal = recordable(CaseFacts(agencies=agencies), step_id)
                if refusal is not None:
                    raise InputError(refusal)
            if on is not None and step_id == RECONSIDERATION:
                check_reconsidered(session, case_id)
            if expected is not UNCHECKED:
                current = session.scalar(
                    select(StepDate.done_on).where(
                        StepDate.case_id == case_id, StepDate.step_id == step_id
                    )
                )
                if current != expected:
                    raise ConflictError("someone else recorded this step since you opened it")
            self._set_step(session, case_id, step_id, on)


def refuse_clash(session: Session, references: Collection[str], but: int | None = None) -> None:
    """Refuse a reference another case has, whatever its case (under the write lock)."""
    serialise_writes(session)
    keys = {normal_reference(r) for r in references}
    query = select(Case.id).where(func.upper(Case.reference).in_(keys))
    if but is not None:
        query = query.where(Case.id != but)
    if session.scalar(query.limit(1)) is not None:
        raise clash()
