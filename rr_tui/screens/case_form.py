"""New or edit case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from textual.app import ComposeResult

from rr_tui.dates import DateInputError, uk, uk_brief
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
from rr_tui.schedule import CaseFacts, hint_for
from rr_tui.screens.form import FormError, FormScreen, step_warnings
from rr_tui.validation import case_field_errors, check_line
from rr_tui.widgets.fields import (
    AreaField,
    ChoiceField,
    DateField,
    Field,
    TextField,
)

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


class CaseForm(FormScreen):
    def __init__(self, record: CaseRecord | None) -> None:
        super().__init__()
        self.record = record
        self.case_id = record.id if record else None
        self.TITLE_TEXT = "New case" if record is None else f"Edit case {record.reference}"

    def compose_fields(self) -> ComposeResult:
        f = self.record.fields if self.record else CaseFields(reference="")
        today = lambda: self.rr.today  # noqa: E731
        yield TextField(
            "Reference", f.reference, id="reference", placeholder="e.g. RR-2026-014", max_length=40
        )
        if self.record is None:
            # The first child; more (and their characteristics) from the case screen.
            yield TextField(
                "Child (initials or pseudonym)",
                "",
                id="child",
                max_length=40,
                placeholder="e.g. AB",
            )
            for step_id in NEW_CASE_DATES:
                yield DateField(
                    self.rr.profile.step(step_id).label,
                    id=step_id,
                    today=today,
                    hint=self._hint(step_id),
                )
        yield TextField("Owner (coordinator)", f.owner, id="owner", max_length=80)
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
        yield DateField("Incident date", f.incident_date, id="incident_date", today=today)
        yield TextField("SIN reference", f.sin_reference, id="sin_reference", max_length=40)
        yield TextField(
            "Incident local authority (leads)",
            f.lead_authority,
            id="lead_authority",
            max_length=120,
        )
        yield TextField(
            "Child's home authority (when different)",
            f.home_authority,
            id="home_authority",
            max_length=120,
        )
        yield DateField(
            "SIN copied to the partners",
            f.partners_copied_on,
            id="partners_copied_on",
            today=today,
        )
        if self.record is not None:
            yield ChoiceField(
                "Status", list(STATUSES.items()), f.status, id="status", allow_blank=False
            )
            yield DateField(
                "Planned publication", f.publication_planned, id="publication_planned", today=today
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

    def collect(self) -> CasePayload:
        errors: dict[str, str] = {}
        dates: dict[str, date | None] = {}
        for name in (
            "incident_date",
            *NEW_CASE_DATES,
            "partners_copied_on",
            "publication_planned",
        ):
            if not self.query(f"#{name}"):
                continue
            try:
                dates[name] = self.query_one(f"#{name}", DateField).parse()
            except DateInputError as exc:
                errors[name] = str(exc)
        base = self.record.fields if self.record else CaseFields(reference="")
        fields = CaseFields(
            reference=self.query_one("#reference", TextField).value.strip(),
            kind=self.query_one("#kind", ChoiceField).value,
            incident_type=self.query_one("#incident_type", ChoiceField).value,
            incident_date=dates.get("incident_date"),
            sin_reference=self.query_one("#sin_reference", TextField).value.strip(),
            lead_authority=self.query_one("#lead_authority", TextField).value.strip(),
            home_authority=self.query_one("#home_authority", TextField).value.strip(),
            partners_copied_on=dates.get("partners_copied_on"),
            owner=self.query_one("#owner", TextField).value.strip(),
            status=self.query_one("#status", ChoiceField).value if self.record else "open",
            notes=self.query_one("#notes", AreaField).value,
            publication_planned=dates.get("publication_planned", base.publication_planned),
        )
        errors.update(case_field_errors(fields))
        children: tuple[ChildFields, ...] = ()
        if self.record is None:
            initials = self.query_one("#child", TextField).value.strip()
            problem = check_line(initials, 40)
            if problem:
                errors["child"] = problem
            children = (ChildFields(initials),) if initials else ()
        if errors:
            order = [f.id for f in self.query(Field)]
            raise FormError({k: errors[k] for k in order if k in errors})
        steps = {k: v for k, v in dates.items() if v is not None and k in STEP_DATES}
        return CasePayload(fields, steps, children)

    def warnings(self, payload: CasePayload) -> list[str]:
        notes = step_warnings(self, dict(payload.steps))
        today = self.rr.today
        for name in ("incident_date", "partners_copied_on"):
            when = getattr(payload.fields, name)
            if when is not None and when != getattr(self._base_fields(), name) and when > today:
                notes.append(f"{self.field(name).label} is {uk(when)}: in the future.")
        return notes

    def targets(self) -> dict[str, Target]:
        if self.record is None:
            return {}  # a new case: nothing stored yet to check against
        return {name: Target(CASE, name) for name in CASE_FIELDS if self.query(f"#{name}")}

    def field_values(self, fresh: CaseRecord) -> dict[str, object]:
        return {name: getattr(fresh.fields, name) for name in CASE_FIELDS}

    def values(self, payload: CasePayload) -> dict[str, object]:
        return {name: getattr(payload.fields, name) for name in CASE_FIELDS}

    def _base_fields(self) -> CaseFields:
        return self.record.fields if self.record else CaseFields(reference="")

    def save(self, store: Store, payload: CasePayload) -> int | None:
        if self.record is None:
            return store.create_case(payload.fields, payload.steps, payload.children)
        return super().save(store, payload)
