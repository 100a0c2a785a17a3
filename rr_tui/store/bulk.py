"""Whole files at once: the CSV summary import, and the lossless JSON export and import."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields as dc_fields
from datetime import date
from typing import Any

from sqlalchemy import func, select

from rr_tui.errors import InputError
from rr_tui.models import Case, Meeting, StepDate
from rr_tui.records import CHILD_FIELDS, MEETING_TEXT, CaseFields, ChildFields
from rr_tui.store.cases import refuse_clash
from rr_tui.store.children import ChildStore
from rr_tui.store.cleaning import case_columns, check_step_id, clean_case, clean_child, raise_if
from rr_tui.validation import (
    case_field_errors,
    check_decision,
    check_national_referral,
    check_panel_outcome,
    check_reconsideration_outcome,
    child_field_errors,
)

# A case of a spreadsheet import: (fields, step dates, decision, children[, national referral]).
ImportedCase = (
    tuple[CaseFields, dict[str, date], str | None, Sequence[ChildFields]]
    | tuple[CaseFields, dict[str, date], str | None, Sequence[ChildFields], bool | None]
)


class BulkStore(ChildStore):
    """Imports and exports, each one transaction: all or nothing."""

    def import_cases(
        self,
        rows: Sequence[ImportedCase],
    ) -> int:
        """Create every case in one transaction (CSV summaries): all or nothing.

        Each row is (fields, step dates, decision, children[, national referral]).
        """
        national: list[bool | None] = [row[4] if len(row) > 4 else None for row in rows]
        for (_fields, steps, decision, _children, *_rest), referral in zip(
            rows, national, strict=True
        ):
            for step_id in steps:
                check_step_id(step_id)
            raise_if("Decision", check_decision(decision))
            raise_if("Referred as possibly national", check_national_referral(referral))
        cleaned = [clean_case(row[0]) for row in rows]
        if len({f.reference for f in cleaned}) != len(cleaned):
            raise InputError("Reference: two cases in the import have the same reference")
        with self._write() as session:
            refuse_clash(session, [f.reference for f in cleaned])
            # Two flushes for the whole file, not one per case: the audit
            # entries are then written in two batches too.
            cases = []
            for fields, (_fields, steps, decision, children, *_rest), referral in zip(
                cleaned, rows, national, strict=True
            ):
                case = Case(**case_columns(fields))
                self._touch(session, case, new=True)
                session.add(case)
                cases.append((case, steps, decision, referral, [clean_child(c) for c in children]))
            session.flush()
            for case, steps, decision, referral, children in cases:
                for step_id, when in steps.items():
                    step = StepDate(case_id=case.id, step_id=step_id, done_on=when)
                    self._touch(session, step, new=True)
                    session.add(step)
                for position, child in enumerate(children, start=1):
                    self._add_child(session, case.id, position, child)
                if decision or referral is not None:
                    meeting = Meeting(
                        case_id=case.id,
                        **dict.fromkeys(MEETING_TEXT, ""),
                        decision=decision or None,
                        national_referral=referral,
                    )
                    self._touch(session, meeting, new=True)
                    session.add(meeting)
            session.flush()
        return len(rows)

    def export_tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every record of every table, as one consistent read (``rr_tui.store.transfer``)."""
        from rr_tui.store.transfer import read_tables

        return self._read(lambda s: read_tables(s.connection()))

    def import_tables(self, tables: dict[str, list[dict[str, Any]]]) -> int:
        """Restore a full export (checked by ``transfer.check_document``) into this
        database, which must hold no case yet. Ids, versions and who recorded what
        are kept; the audit trail records the import. Returns the number of cases.
        """
        from rr_tui.store.transfer import exported_mappers, reset_sequences, table_of

        _check_imported(tables)
        with self._write() as session:
            if session.scalar(select(func.count()).select_from(Case)):
                raise InputError(
                    "a full export is restored into an empty database; this one has cases "
                    "(give another --db)"
                )
            mappers = exported_mappers()
            for mapper in mappers:
                rows = tables.get(table_of(mapper).name, [])
                session.add_all(mapper.class_(**values) for values in rows)
                # Parents first, so the audit trail finds each row's case.
                session.flush()
            reset_sequences(session.connection(), [table_of(m) for m in mappers])
        return len(tables.get("cases", []))


def _check_imported(tables: dict[str, list[dict[str, Any]]]) -> None:
    """The rules the forms apply, for the tables they govern: all problems at once."""
    problems: list[str] = []
    case_names = {f.name for f in dc_fields(CaseFields)}
    for number, row in enumerate(tables.get("cases", []), start=1):
        fields = CaseFields(**{k: v for k, v in row.items() if k in case_names})
        for name, message in case_field_errors(fields).items():
            problems.append(f"cases row {number}, column {name}: {message}")
    for number, row in enumerate(tables.get("children", []), start=1):
        child = ChildFields(**{k: row[k] for k in CHILD_FIELDS if k in row})
        for name, message in child_field_errors(child).items():
            problems.append(f"children row {number}, column {name}: {message}")
    for number, row in enumerate(tables.get("step_dates", []), start=1):
        try:
            check_step_id(str(row.get("step_id", "")))
        except InputError:
            problems.append(f"step_dates row {number}, column step_id: not a step id")
    for number, row in enumerate(tables.get("meetings", []), start=1):
        problem = check_decision(row.get("decision"))
        if problem:
            problems.append(f"meetings row {number}, column decision: {problem}")
    for number, row in enumerate(tables.get("panel_contacts", []), start=1):
        problem = check_panel_outcome(row.get("outcome", ""))
        if problem:
            problems.append(f"panel_contacts row {number}, column outcome: {problem}")
        problem = check_reconsideration_outcome(row.get("reconsideration_outcome", "") or "")
        if problem:
            problems.append(
                f"panel_contacts row {number}, column reconsideration_outcome: {problem}"
            )
    if problems:
        shown = problems[:20]
        more = len(problems) - len(shown)
        raise InputError(
            "nothing imported: " + "; ".join(shown) + (f"; and {more} more" if more else "")
        )
