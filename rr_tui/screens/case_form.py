"""New or edit case."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from textual.app import ComposeResult

from rr_tui import deadlines
from rr_tui.dates import DateInputError, uk
from rr_tui.edits import CASE, Target
from rr_tui.records import (
    AGE_BANDS,
    CASE_FIELDS,
    INCIDENT_TYPES,
    STATUSES,
    CaseFields,
    CaseRecord,
)
from rr_tui.screens.form import FormError, FormScreen, step_warnings
from rr_tui.validation import case_field_errors
from rr_tui.widgets.fields import (
    AreaField,
    CheckField,
    ChoiceField,
    DateField,
    Field,
    TextField,
)

if TYPE_CHECKING:
    from rr_tui.store import Store


@dataclass(frozen=True)
class CasePayload:
    fields: CaseFields
    steps: dict[str, date] = field(default_factory=dict)


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
        yield TextField("Child (initials or pseudonym)", f.child, id="child", max_length=40)
        if self.record is None:
            yield DateField(
                "LA aware of incident",
                id="incident_aware",
                today=today,
                hint=lambda d: f"SIN due {uk(deadlines.add_working_days(d, 5))}",
            )
            yield DateField(
                "Referral received",
                id="referral_received",
                today=today,
                hint=lambda d: (
                    "meeting by "
                    f"{uk(deadlines.add_working_days(d, 13))}, Panel by "
                    f"{uk(deadlines.add_working_days(d, 15))}"
                ),
            )
        yield TextField("Owner (coordinator)", f.owner, id="owner", max_length=80)
        yield TextField(
            "Lead local authority", f.lead_authority, id="lead_authority", max_length=120
        )
        yield ChoiceField(
            "Incident type", list(INCIDENT_TYPES.items()), f.incident_type, id="incident_type"
        )
        yield ChoiceField("Age band", [(a, a) for a in AGE_BANDS], f.age_band, id="age_band")
        yield CheckField("Looked after", f.looked_after, id="looked_after")
        if self.record is not None:
            yield ChoiceField(
                "Status", list(STATUSES.items()), f.status, id="status", allow_blank=False
            )
            yield DateField(
                "Planned publication", f.publication_planned, id="publication_planned", today=today
            )
        yield AreaField("Notes", f.notes, id="notes")

    def collect(self) -> CasePayload:
        errors: dict[str, str] = {}
        dates: dict[str, date | None] = {}
        for name in ("incident_aware", "referral_received", "publication_planned"):
            if not self.query(f"#{name}"):
                continue
            try:
                dates[name] = self.query_one(f"#{name}", DateField).parse()
            except DateInputError as exc:
                errors[name] = str(exc)
        base = self.record.fields if self.record else CaseFields(reference="")
        fields = CaseFields(
            reference=self.query_one("#reference", TextField).value.strip(),
            child=self.query_one("#child", TextField).value.strip(),
            lead_authority=self.query_one("#lead_authority", TextField).value.strip(),
            age_band=self.query_one("#age_band", ChoiceField).value,
            looked_after=self.query_one("#looked_after", CheckField).value,
            incident_type=self.query_one("#incident_type", ChoiceField).value,
            owner=self.query_one("#owner", TextField).value.strip(),
            status=self.query_one("#status", ChoiceField).value if self.record else "open",
            notes=self.query_one("#notes", AreaField).value,
            publication_planned=dates.get("publication_planned", base.publication_planned),
        )
        errors.update(case_field_errors(fields))
        if errors:
            order = [f.id for f in self.query(Field)]
            raise FormError({k: errors[k] for k in order if k in errors})
        steps = {k: v for k, v in dates.items() if v is not None and k != "publication_planned"}
        return CasePayload(fields, steps)

    def warnings(self, payload: CasePayload) -> list[str]:
        return step_warnings(self, dict(payload.steps))

    def targets(self) -> dict[str, Target]:
        if self.record is None:
            return {}  # a new case: nothing stored yet to check against
        return {name: Target(CASE, name) for name in CASE_FIELDS if self.query(f"#{name}")}

    def field_values(self, fresh: CaseRecord) -> dict[str, object]:
        return {name: getattr(fresh.fields, name) for name in CASE_FIELDS}

    def values(self, payload: CasePayload) -> dict[str, object]:
        return {name: getattr(payload.fields, name) for name in CASE_FIELDS}

    def save(self, store: Store, payload: CasePayload) -> int | None:
        if self.record is None:
            return store.create_case(payload.fields, payload.steps)
        return super().save(store, payload)
