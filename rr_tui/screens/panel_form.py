"""Record the notification to the National Panel and the Panel's response."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult

from rr_tui.dates import uk
from rr_tui.edits import PANEL, STEP, Target
from rr_tui.records import PANEL_OUTCOMES, CaseRecord, PanelRecord
from rr_tui.rules.schedule import hint_if_done
from rr_tui.screens.form import FormScreen, Reader
from rr_tui.widgets.fields import AreaField, ChoiceField


@dataclass(frozen=True)
class PanelPayload:
    notified_on: date | None
    notification_notes: str
    response_on: date | None
    outcome: str
    response_notes: str


class PanelForm(FormScreen[PanelPayload]):
    TITLE_TEXT = "National Panel: notification and response"
    record: CaseRecord

    def __init__(self, record: CaseRecord) -> None:
        super().__init__(record)
        self.panel = record.panel or PanelRecord()

    def compose_fields(self) -> ComposeResult:
        # The timeline's questions (step_warnings) cover these dates.
        yield self.date_field(
            "RR sent to Panel on",
            self.case.done.get("panel_notified"),
            id="notified_on",
            hint=self._notified_hint,
            future=False,
        )
        yield AreaField(
            "Notification notes", self.panel.notification_notes, id="notification_notes"
        )
        yield self.date_field(
            "Panel response received",
            self.case.done.get("panel_response"),
            id="response_on",
            future=False,
        )
        yield ChoiceField(
            "Response", list(PANEL_OUTCOMES.items()), self.panel.outcome, id="outcome"
        )
        yield AreaField("Response notes", self.panel.response_notes, id="response_notes")

    def _notified_hint(self, when: date) -> str:
        rr = self.rr
        text = hint_if_done(self.case.facts(), rr.profile, rr.today, "panel_notified", when, uk)
        return text or "no deadline yet (no SIN or referral date)"

    def read_payload(self, read: Reader) -> PanelPayload:
        notified, response = read.date_of("notified_on"), read.date_of("response_on")
        if response and not notified and "response_on" not in read.errors:
            read.problem("notified_on", "is needed before a response can be recorded")
        return PanelPayload(
            notified,
            read.text("notification_notes"),
            response,
            read.choice("outcome"),
            read.text("response_notes"),
        )

    def warnings(self, payload: PanelPayload) -> list[str]:
        return self.step_warnings(
            {"panel_notified": payload.notified_on, "panel_response": payload.response_on}
        )

    def targets(self) -> dict[str, Target]:
        return {
            "notified_on": Target(STEP, "panel_notified"),
            "notification_notes": Target(PANEL, "notification_notes"),
            "response_on": Target(STEP, "panel_response"),
            "outcome": Target(PANEL, "outcome"),
            "response_notes": Target(PANEL, "response_notes"),
        }

    def adopt(self, fresh: CaseRecord) -> None:
        self.record, self.panel = fresh, fresh.panel or PanelRecord()
