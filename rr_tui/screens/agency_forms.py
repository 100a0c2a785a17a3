"""Add an agency with its scoping request; record an agency's return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Select

from rr_tui.dates import DateInputError, uk
from rr_tui.edits import AGENCY, Target
from rr_tui.records import AgencyRecord, CaseRecord
from rr_tui.schedule import AgencyFacts, agency_due, lateness_text
from rr_tui.screens.form import FormError, FormScreen
from rr_tui.validation import check_line, check_timescale
from rr_tui.widgets.fields import AreaField, CheckField, ChoiceField, DateField, TextField

if TYPE_CHECKING:
    from rr_tui.store import Store

COMMON_AGENCIES = (
    "Police",
    "Children's social care",
    "Health trust",
    "GP practice",
    "School",
    "Probation",
    "Ambulance service",
    "Health visiting",
)


@dataclass(frozen=True)
class AgencyPayload:
    name: str
    request_sent: date | None
    timescale_wd: int | None
    notes: str


class AgencyForm(FormScreen):
    TITLE_TEXT = "Add an agency and its scoping request"
    record: CaseRecord

    def __init__(self, record: CaseRecord) -> None:
        super().__init__()
        self.record = record

    def compose_fields(self) -> ComposeResult:
        default = self.rr.profile.agency_timescale_wd
        yield TextField(
            "Agency", id="name", max_length=120, placeholder=", ".join(COMMON_AGENCIES[:4]) + ", …"
        )
        yield DateField(
            "Scoping request sent",
            self.record.done.get("scoping_requests_sent"),
            id="request_sent",
            today=lambda: self.rr.today,
            hint=self._due_hint,
        )
        yield TextField(
            f"Timescale in working days (blank: {default})", id="timescale", max_length=2
        )
        yield AreaField("Notes", id="notes")

    def _timescale(self) -> int | None:
        text = self.query_one("#timescale", TextField).value.strip()
        return int(text) if text.isdigit() else None

    def _due_hint(self, sent: date) -> str:
        wd = self._timescale()
        wd = self.rr.profile.agency_timescale_wd if wd is None else wd
        due = agency_due(AgencyFacts("", sent, None, wd), self.rr.profile)
        return f"return due {uk(due)} (local target)" if wd else "due same day"

    def on_input_changed(self) -> None:
        if self.is_mounted and self.query("#request_sent"):
            self.query_one("#request_sent", DateField).set_hint_source(self._due_hint)

    def collect(self) -> AgencyPayload:
        errors: dict[str, str] = {}
        name = self.query_one("#name", TextField).value.strip()
        problem = check_line(name, 120, required=True)
        if problem:
            errors["name"] = problem
        sent = None
        try:
            sent = self.query_one("#request_sent", DateField).parse()
        except DateInputError as exc:
            errors["request_sent"] = str(exc)
        raw = self.query_one("#timescale", TextField).value.strip()
        timescale = None
        if raw:
            timescale = int(raw) if raw.isdigit() else -1
            problem = check_timescale(timescale)
            if problem:
                errors["timescale"] = problem
        if errors:
            raise FormError(errors)
        return AgencyPayload(name, sent, timescale, self.query_one("#notes", AreaField).value)

    def warnings(self, payload: AgencyPayload) -> list[str]:
        notes = []
        if payload.request_sent and payload.request_sent > self.rr.today:
            notes.append(f"The request date {uk(payload.request_sent)} is in the future.")
        referral = self.record.done.get("referral_received")
        if payload.request_sent and referral and payload.request_sent < referral:
            notes.append("The request is dated before the referral was received.")
        return notes

    def save(self, store: Store, payload: AgencyPayload) -> int | None:
        return store.add_agency(
            self.record.id, payload.name, payload.request_sent, payload.timescale_wd, payload.notes
        )


@dataclass(frozen=True)
class ReturnPayload:
    agency: AgencyRecord
    received_on: date | None
    records_secured: bool
    nil_return: bool


class ReturnForm(FormScreen):
    TITLE_TEXT = "Record an agency's return"
    record: CaseRecord

    def __init__(self, record: CaseRecord, agency_id: int | None = None) -> None:
        super().__init__()
        self.record = record
        self.case_id = record.id
        # Outstanding agencies first: they are the ones a return is recorded for.
        self.agencies = sorted(record.agencies, key=lambda a: (a.received_on is not None, a.id))
        self.agency_id = agency_id or self.agencies[0].id

    def _agency(self) -> AgencyRecord:
        chosen = self.query_one("#agency", ChoiceField).value
        return next((a for a in self.agencies if str(a.id) == chosen), self.agencies[0])

    def compose_fields(self) -> ComposeResult:
        options = [
            (str(a.id), a.name + (" (returned)" if a.received_on else "")) for a in self.agencies
        ]
        current = next(a for a in self.agencies if a.id == self.agency_id)
        yield ChoiceField("Agency", options, str(current.id), id="agency", allow_blank=False)
        yield DateField(
            "Return received",
            current.received_on,
            id="received_on",
            today=lambda: self.rr.today,
            hint=self._lateness,
            required=True,
        )
        yield CheckField("Records secured", current.records_secured, id="records_secured")
        yield CheckField("Nil return (no involvement)", current.nil_return, id="nil_return")

    def _lateness(self, received: date) -> str:
        due = agency_due(self._agency().facts(), self.rr.profile)
        if due is None:
            return "no request date recorded"
        return lateness_text(due, received, self.rr.profile, uk)

    def on_select_changed(self, event: Select.Changed) -> None:
        # Another agency: show what is stored for it (keeping what you typed),
        # and check against its values when saving.
        self.rebase(self.record)
        self.query_one("#received_on", DateField).set_hint_source(self._lateness)

    def collect(self) -> ReturnPayload:
        try:
            received = self.query_one("#received_on", DateField).parse()
        except DateInputError as exc:
            raise FormError({"received_on": str(exc)}) from None
        return ReturnPayload(
            self._agency(),
            received,
            self.query_one("#records_secured", CheckField).value,
            self.query_one("#nil_return", CheckField).value,
        )

    def warnings(self, payload: ReturnPayload) -> list[str]:
        notes = []
        if payload.received_on and payload.received_on > self.rr.today:
            notes.append(f"The return date {uk(payload.received_on)} is in the future.")
        sent = payload.agency.request_sent
        if payload.received_on and sent and payload.received_on < sent:
            notes.append("The return is dated before the request was sent.")
        return notes

    def targets(self) -> dict[str, Target]:
        key = self._agency().id
        return {
            name: Target(AGENCY, name, key)
            for name in ("received_on", "records_secured", "nil_return")
        }

    def values(self, payload: ReturnPayload) -> dict[str, object]:
        return {
            "received_on": payload.received_on,
            "records_secured": payload.records_secured,
            "nil_return": payload.nil_return,
        }

    def adopt(self, fresh: CaseRecord) -> None:
        self.record = fresh
        self.agencies = sorted(fresh.agencies, key=lambda a: (a.received_on is not None, a.id))

    def field_values(self, fresh: CaseRecord) -> dict[str, object]:
        chosen = self._agency().id if self.is_mounted else self.agency_id
        agency = next((a for a in fresh.agencies if a.id == chosen), None)
        if agency is None:
            return {}
        return {
            "received_on": agency.received_on,
            "records_secured": agency.records_secured,
            "nil_return": agency.nil_return,
        }
