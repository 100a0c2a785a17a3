"""New or edit case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from textual.app import ComposeResult

from rr_tui import lengths
from rr_tui.dates import DateInputError, uk_brief
from rr_tui.edits import CASE, Target
from rr_tui.records import (
    CASE_FIELDS,
    INCIDENT_TYPES,
    NOTIFICATION_KINDS,
    STATUSES,
    CaseFields,
    CaseRecord,
    ChildFields,
)
from rr_tui.rules.schedule import CaseFacts, hint_for
from rr_tui.screens.form import FormScreen, Reader
from rr_tui.validation import case_field_errors
from rr_tui.widgets.fields import AreaField, ChoiceField, DateField, TextField

if TYPE_CHECKING:
    from rr_tui.store import Store


# The dates a new case can start with: every fact a clock can start from. They
# are the form's step dates (the others are the case's own fields).
NEW_CASE_DATES = ("incident_aware", "sin_submitted", "referral_received")
STEP_DATES = NEW_CASE_DATES


@dataclass(frozen=True)
class CasePayload:
    fields: CaseFields
    steps: dict[str, date] = field(default_factory=dict)
    children: tuple[ChildFields, ...] = ()


class CaseForm(FormScreen[CasePayload]):
    def __init__(self, record: CaseRecord | None) -> None:
        super().__init__(record)
        self.TITLE_TEXT = "New case" if record is None else f"Edit case {record.reference}"

    def compose_fields(self) -> ComposeResult:
        f = self._base_fields()
        yield TextField(
            "Reference",
            f.reference,
            id="reference",
            placeholder="e.g. RR-2026-014",
            max_length=lengths.REFERENCE,
        )
        if self.record is None:
            # The first child; more (and their characteristics) from the case screen.
            yield TextField(
                "Child (initials or pseudonym)",
                "",
                id="child",
                max_length=lengths.CHILD_INITIALS,
                placeholder="e.g. AB",
            )
            # The timeline's questions (step_warnings) cover the steps' dates.
            for step_id in NEW_CASE_DATES:
                yield self.date_field(
                    self.rr.profile.step(step_id).label,
                    id=step_id,
                    hint=self._hint(step_id),
                    future=False,
                )
        yield TextField("Owner (coordinator)", f.owner, id="owner", max_length=lengths.CASE_OWNER)
        yield ChoiceField(
            "Notification",
            list(NOTIFICATION_KINDS.items()),
            f.kind,
            id="kind",
            allow_blank=False,
        )
        yield ChoiceField(
            "Nature of the incident",
            list(INCIDENT_TYPES.items()),
            f.incident_type,
            id="incident_type",
        )
        yield self.date_field("Incident date", f.incident_date, id="incident_date")
        yield TextField(
            "SIN reference", f.sin_reference, id="sin_reference", max_length=lengths.SIN_REFERENCE
        )
        yield TextField(
            "Incident local authority (leads)",
            f.lead_authority,
            id="lead_authority",
            max_length=lengths.AUTHORITY,
        )
        yield TextField(
            "Child's home authority (when different)",
            f.home_authority,
            id="home_authority",
            max_length=lengths.AUTHORITY,
        )
        yield self.date_field(
            "SIN copied to the partners", f.partners_copied_on, id="partners_copied_on"
        )
        if self.record is not None:
            yield ChoiceField(
                "Status", list(STATUSES.items()), f.status, id="status", allow_blank=False
            )
            yield self.date_field(
                "Planned publication", f.publication_planned, id="publication_planned", future=False
            )
        yield AreaField("Notes", f.notes, id="notes")

    def _typed(self, but: str) -> dict[str, date | None]:
        """The other dates typed so far on the form (those that parse)."""
        typed: dict[str, date | None] = {}
        for step_id in NEW_CASE_DATES:
            if step_id == but or not self.query(f"#{step_id}"):
                continue
            try:
                typed[step_id] = self.query_one(f"#{step_id}", DateField).parse()
            except DateInputError:
                typed[step_id] = None
        return typed

    def _hint(self, step_id: str) -> Callable[[date], str]:
        """What falls due because of this date, with the others typed: the schedule's own."""

        def hint(on: date) -> str:
            rr = self.rr
            return hint_for(
                CaseFacts(), rr.profile, rr.today, step_id, on, uk_brief, self._typed(step_id)
            )

        return hint

    def on_date_field_typed(self, event: DateField.Typed) -> None:
        # One date moves what the others count towards (the SIN takes over
        # the clock from the referral): refresh every hint.
        event.stop()
        if self.record is None and self.is_mounted:
            for step_id in NEW_CASE_DATES:
                if self.query(f"#{step_id}"):
                    self.query_one(f"#{step_id}", DateField).set_hint_source(self._hint(step_id))

    def read_payload(self, read: Reader) -> CasePayload:
        steps = {k: read.date_of(k) for k in NEW_CASE_DATES if self.query(f"#{k}")}
        # The case's own fields, as the form has them (a new case: open, no
        # planned publication yet).
        fields = read.into(CaseFields, [k for k in CASE_FIELDS if self.query(f"#{k}")])
        for name, problem in case_field_errors(fields).items():
            read.problem(name, problem)
        children: tuple[ChildFields, ...] = ()
        if self.record is None:
            initials = read.line("child")
            children = (ChildFields(initials),) if initials else ()
        recorded = {k: v for k, v in steps.items() if v is not None and k in STEP_DATES}
        return CasePayload(fields, recorded, children)

    def warnings(self, payload: CasePayload) -> list[str]:
        return self.step_warnings(dict(payload.steps))

    def targets(self) -> dict[str, Target]:
        if self.record is None:
            return {}  # a new case: nothing stored yet to check against
        return {name: Target(CASE, name) for name in CASE_FIELDS if self.query(f"#{name}")}

    def values(self, payload: CasePayload) -> dict[str, object]:
        return {name: getattr(payload.fields, name) for name in CASE_FIELDS}

    def _base_fields(self) -> CaseFields:
        return self.record.fields if self.record else CaseFields(reference="")

    def save(self, store: Store, payload: CasePayload) -> int | None:
        if self.record is None:
            return store.create_case(payload.fields, payload.steps, payload.children)
        return super().save(store, payload)
