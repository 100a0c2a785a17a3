"""Add an agency with its scoping request; record an agency's return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.widgets import Select

from rr_tui import lengths
from rr_tui.dates import uk
from rr_tui.edits import AGENCY, Target
from rr_tui.records import AgencyRecord, CaseRecord
from rr_tui.rules.schedule import AgencyFacts, agency_due, lateness_text
from rr_tui.screens.form import FormScreen, Reader
from rr_tui.validation import check_timescale
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


class AgencyForm(FormScreen[AgencyPayload]):
    TITLE_TEXT = "Add an agency and its scoping request"
    record: CaseRecord
    STORE_FIELDS: ClassVar[dict[str, str]] = {"timescale_wd": "timescale"}

    def __init__(self, record: CaseRecord) -> None:
        super().__init__(record)

    def compose_fields(self) -> ComposeResult:
        default = self.rr.profile.agency_timescale_wd
        yield TextField(
            "Agency",
            id="name",
            max_length=lengths.AGENCY,
            required=True,
            placeholder=", ".join(COMMON_AGENCIES[:4]) + ", …",
        )
        yield self.date_field(
            "Scoping request sent",
            self.case.done.get("scoping_requests_sent"),
            id="request_sent",
            hint=self._due_hint,
            after=lambda: (self.case.done.get("referral_received"), "the referral"),
        )
        yield TextField(
            f"Timescale in working days (blank: {default})",
            id="timescale",
            max_length=lengths.TIMESCALE_DIGITS,
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

    def read_payload(self, read: Reader) -> AgencyPayload:
        name, sent, raw = read.line("name"), read.date_of("request_sent"), read.line("timescale")
        timescale = None
        if raw:
            timescale = int(raw) if raw.isdigit() else -1
            read.problem("timescale", check_timescale(timescale))
        return AgencyPayload(name, sent, timescale, read.text("notes"))

    def write(self, store: Store, payload: AgencyPayload) -> None:
        store.add_agency(
            self.case.id, payload.name, payload.request_sent, payload.timescale_wd, payload.notes
        )


@dataclass(frozen=True)
class ReturnPayload:
    agency: AgencyRecord
    received_on: date | None
    records_secured: bool
    nil_return: bool


class ReturnForm(FormScreen[ReturnPayload]):
    TITLE_TEXT = "Record an agency's return"
    record: CaseRecord

    def __init__(self, record: CaseRecord, agency_id: int | None = None) -> None:
        super().__init__(record)
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
        yield self.date_field(
            "Return received",
            current.received_on,
            id="received_on",
            hint=self._lateness,
            required=True,
            after=lambda: (self._agency().request_sent, "the request"),
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

    def read_payload(self, read: Reader) -> ReturnPayload:
        return ReturnPayload(
            self._agency(),
            read.date_of("received_on"),
            read.checked("records_secured"),
            read.checked("nil_return"),
        )

    def targets(self) -> dict[str, Target]:
        key = self._agency().id if self.is_mounted else self.agency_id
        return {
            name: Target(AGENCY, name, key)
            for name in ("received_on", "records_secured", "nil_return")
        }

    def adopt(self, fresh: CaseRecord) -> None:
        self.record = fresh
        self.agencies = sorted(fresh.agencies, key=lambda a: (a.received_on is not None, a.id))
