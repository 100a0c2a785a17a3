"""Saving the fields a form changed, each checked against the value the user saw."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rr_tui import lengths
from rr_tui.edits import (
    ACTION,
    AGENCY,
    CASE,
    CHILD,
    MEETING,
    PANEL,
    STEP,
    Edit,
    Target,
    same,
    stale_message,
)
from rr_tui.errors import ConflictError, InputError, NotFoundError
from rr_tui.models import (
    Agency,
    Case,
    Child,
    Meeting,
    MeetingAction,
    PanelContact,
    StepDate,
    Tracked,
)
from rr_tui.records import (
    CASE_FIELDS,
    CHILD_FIELDS,
    MEETING_TEXT,
    MULTILINE_CASE_FIELDS,
    ActionRecord,
    CaseFields,
    ChildFields,
)
from rr_tui.sanitize import clean_text
from rr_tui.store.agencies import AGENCY_COLUMNS
from rr_tui.store.cases import refuse_clash
from rr_tui.store.cleaning import (
    check_step_id,
    checked_text,
    clean_actions,
    one_line,
    raise_first,
    raise_if,
    required_line,
)
from rr_tui.store.core import for_update
from rr_tui.store.meetings import (
    PANEL_TEXT,
    RECONSIDERATION,
    MeetingStore,
    check_reconsidered,
    immediate_actions,
    new_panel_row,
)
from rr_tui.validation import (
    CHILD_LABELS,
    FIELD_LABELS,
    case_field_errors,
    check_decision,
    check_national_referral,
    check_panel_outcome,
    check_reconsideration_outcome,
    check_timescale,
    child_field_errors,
    normal_reference,
)


class EditStore(MeetingStore):
    """Field-by-field saves from every form (``rr_tui.edits``)."""

    def save_edits(self, case_id: int, edits: Sequence[Edit]) -> None:
        """Write the fields a form changed, each checked against what the user saw.

        One transaction: when any field's stored value is no longer the one its
        ``expected`` says the form showed (nor the value being saved), nothing
        is written and a ConflictError names every such field. Fields not in ``edits`` are left
        alone, whoever changed them.
        """
        checked = [_field_of(e) for e in edits]
        with self._write() as session:
            case = self._case(session, case_id)
            rows = _EditRows(self, session, case)
            stale = [e.name for e in checked if rows.stale(e)]
            if stale:
                raise ConflictError(stale_message(stale))
            for edit in checked:
                if edit.target == Target(CASE, "reference"):
                    refuse_clash(session, [edit.value], but=case_id)
                rows.write(edit.target, edit.value)
            rows.finish()


# A tracked action's fields a form edits (``TrackedAction``'s names) and their columns.
_ACTION_COLUMNS = {"text": "action", "owner": "owner", "due_on": "due_on"}


def _field_of(edit: Edit) -> Edit:
    """The edit checked, its refusal naming the edit's field (the form's field id)."""
    try:
        return _checked_edit(edit)
    except InputError as exc:
        field = edit.field or edit.target.column
        raise InputError(exc.message, field=field, problem=exc.problem) from None


def _known_row_field(edit: Edit, columns: Collection[str], what: str) -> None:
    """A field of one row of many (an agency, a child, an action): its key is needed."""
    if edit.target.column not in columns or edit.target.key is None:
        raise InputError(f"unknown {what} field {edit.target.column}")


def _checked_edit(edit: Edit) -> Edit:
    """The edit with its value cleaned and checked; InputError names the field."""
    table, column, value = edit.target.table, edit.target.column, edit.value
    label = edit.label or FIELD_LABELS.get(column, column)
    if table == CASE:
        if column not in CASE_FIELDS:
            raise InputError(f"unknown case field {column}")
        if isinstance(value, str):
            value = clean_text(value, multiline=column in MULTILINE_CASE_FIELDS)
        if column == "reference":
            value = normal_reference(value)
        problem = case_field_errors(replace(CaseFields(reference="RR-0"), **{column: value}))
        raise_if(label, problem.get(column))
    elif table == STEP:
        check_step_id(column)
        if value is not None and not isinstance(value, date):
            raise_if(label, "not a date")
    elif table == MEETING:
        if column == "decision":
            raise_if(label, check_decision(value))
            value = value or None
        elif column == "national_referral":
            raise_if(label, check_national_referral(value))
        elif column == "actions":
            value = clean_actions(value)
        elif column in MEETING_TEXT:
            value = checked_text(edit.label or MEETING_TEXT[column], value)
        else:
            raise InputError(f"unknown meeting field {column}")
    elif table == PANEL:
        if column == "outcome":
            raise_if(label, check_panel_outcome(value or ""))
            value = value or ""
        elif column == "reconsideration_outcome":
            raise_if(label, check_reconsideration_outcome(value or ""))
            value = value or ""
        elif column in PANEL_TEXT:
            value = checked_text(edit.label or PANEL_TEXT[column], value)
        else:
            raise InputError(f"unknown Panel field {column}")
    elif table == AGENCY:
        _known_row_field(edit, AGENCY_COLUMNS, "agency")
        if column == "name":
            value = required_line(edit.label or "Agency", value, lengths.AGENCY)
        elif column == "notes":
            value = checked_text(edit.label or "Notes", value)
        elif column == "timescale_wd":
            raise_if(label, check_timescale(value))
        elif column in ("records_secured", "nil_return"):
            value = bool(value)
    elif table == CHILD:
        _known_row_field(edit, CHILD_FIELDS, "child")
        if isinstance(value, str):
            value = clean_text(value, multiline=False).strip()
        else:
            value = bool(value)
        problems = child_field_errors(replace(ChildFields("X"), **{column: value}))
        raise_if(edit.label or CHILD_LABELS[column], problems.get(column))
    elif table == ACTION:
        _known_row_field(edit, _ACTION_COLUMNS, "action")
        if column == "text":
            value = required_line(edit.label or "Action", value, lengths.ACTION)
        elif column == "owner":
            value = one_line(edit.label or "Owner", value, lengths.ACTION_OWNER)
        elif value is not None and not isinstance(value, date):
            raise_if(label, "not a date")
    else:
        raise InputError(f"unknown record {table}")
    return replace(edit, value=value)


class _EditRows:
    """Reads and writes the rows a form's edits address, within one transaction.

    Rows are fetched once and touched (version, who, when) once each, however
    many of their fields change.
    """

    def __init__(self, store: EditStore, session: Session, case: Case) -> None:
        self.store, self.session, self.case = store, session, case
        self.touched: list[Tracked] = []
        self._meeting: Meeting | None = None
        self._panel: PanelContact | None = None
        self._actions: dict[int | None, MeetingAction] = {}
        self.reconsidered = False  # a reconsideration's answer date was written

    def _touch(self, row: Tracked, *, new: bool = False) -> None:
        if any(row is seen for seen in self.touched):
            return
        self.store._touch(self.session, row, new=new)
        self.touched.append(row)

    def _child(self, child_id: int | None) -> Child:
        child = self.session.get(Child, child_id, with_for_update=for_update(self.session))
        if child is None or child.case_id != self.case.id:
            raise NotFoundError("that child is no longer on the case")
        return child

    def _agency(self, agency_id: int | None) -> Agency:
        agency = self.session.get(Agency, agency_id, with_for_update=for_update(self.session))
        if agency is None or agency.case_id != self.case.id:
            raise NotFoundError("that agency no longer exists")
        return agency

    def _action(self, number: int | None) -> MeetingAction:
        # Fetched once: a query between two edits of the row would flush the
        # first, and audit the one save as two.
        row = self._actions.get(number)
        if row is None:
            query = select(MeetingAction).where(
                MeetingAction.case_id == self.case.id, MeetingAction.number == number
            )
            if for_update(self.session):
                query = query.with_for_update()
            row = self.session.scalar(query)
        if row is None:
            raise NotFoundError(f"the case has no action {number}")
        self._actions[number] = row
        return row

    def _meeting_row(self, create: bool) -> Meeting | None:
        if self._meeting is None:
            self._meeting = self.session.scalar(
                select(Meeting).where(Meeting.case_id == self.case.id)
            )
        if self._meeting is None and create:
            self._meeting = Meeting(case_id=self.case.id, **dict.fromkeys(MEETING_TEXT, ""))
            self._touch(self._meeting, new=True)
            self.session.add(self._meeting)
            self.session.flush()
        return self._meeting

    def _panel_row(self, create: bool) -> PanelContact | None:
        if self._panel is None:
            self._panel = self.session.scalar(
                select(PanelContact).where(PanelContact.case_id == self.case.id)
            )
        if self._panel is None and create:
            self._panel = new_panel_row(self.case.id)
            self._touch(self._panel, new=True)
            self.session.add(self._panel)
        return self._panel

    def stale(self, edit: Edit) -> bool:
        """Someone else stored another value since the user saw it.

        When they stored the very value this edit brings, nothing is lost.
        """
        stored = self.read(edit.target)
        return not same(stored, edit.expected) and not same(stored, edit.value)

    def read(self, target: Target) -> Any:
        table, column = target.table, target.column
        if table == CASE:
            return getattr(self.case, column)
        if table == STEP:
            return self.session.scalar(
                select(StepDate.done_on).where(
                    StepDate.case_id == self.case.id, StepDate.step_id == column
                )
            )
        if table == MEETING:
            if column == "actions":
                return tuple(
                    ActionRecord(a.action, a.owner, a.due_on, a.done_on)
                    for a in immediate_actions(self.session, self.case.id)
                )
            meeting = self._meeting_row(create=False)
            if meeting is None:
                return None
            return getattr(meeting, column)
        if table == PANEL:
            panel = self._panel_row(create=False)
            return None if panel is None else getattr(panel, column)
        if table == CHILD:
            return getattr(self._child(target.key), column)
        if table == ACTION:
            return getattr(self._action(target.key), _ACTION_COLUMNS[column])
        return getattr(self._agency(target.key), column)

    def write(self, target: Target, value: Any) -> None:
        table, column = target.table, target.column
        if table == CASE:
            setattr(self.case, column, value)
            self._touch(self.case)
        elif table == STEP:
            self.store._set_step(self.session, self.case.id, column, value)
            if column == RECONSIDERATION and value is not None:
                self.reconsidered = True
        elif table == MEETING:
            meeting = self._meeting_row(create=True)
            assert meeting is not None
            if column == "actions":
                self._write_actions(meeting, value)
            else:
                setattr(meeting, column, value)
            self._touch(meeting)
        elif table == PANEL:
            panel = self._panel_row(create=True)
            assert panel is not None
            setattr(panel, column, value)
            self._touch(panel)
        elif table == CHILD:
            child = self._child(target.key)
            setattr(child, column, value)
            self._touch(child)
        elif table == ACTION:
            action = self._action(target.key)
            setattr(action, _ACTION_COLUMNS[column], value)
            self._touch(action)
            if action.meeting_id is not None and action.recommendation_id is None:
                # The meeting form edits the immediate actions as a whole: a form
                # opened before this edit sees a conflict rather than undo it.
                meeting = self._meeting_row(create=False)
                if meeting is not None:
                    self._touch(meeting)
        else:
            agency = self._agency(target.key)
            setattr(agency, column, value)
            self._touch(agency)

    def _write_actions(self, meeting: Meeting, actions: tuple[ActionRecord, ...]) -> None:
        existing = immediate_actions(self.session, self.case.id)
        self.store._sync_actions(self.session, meeting.id, self.case.id, existing, actions)

    def finish(self) -> None:
        """Check the case's fields together once they are all set."""
        if self.reconsidered:
            self.session.flush()
            check_reconsidered(self.session, self.case.id)
        if any(row is self.case for row in self.touched):
            fields = CaseFields(**{name: getattr(self.case, name) for name in CASE_FIELDS})
            raise_first(case_field_errors(fields), FIELD_LABELS)
