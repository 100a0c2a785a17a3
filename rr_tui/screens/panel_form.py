"""Record the notification to the National Panel and the Panel's response."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult

from rr_tui.dates import DateInputError, uk
from rr_tui.edits import PANEL, STEP, Target
from rr_tui.records import PANEL_OUTCOMES, CaseRecord, PanelRecord
from rr_tui.schedule import hint_if_done
from rr_tui.screens.form import FormError, FormScreen, step_warnings
from rr_tui.widgets.fields import AreaField, ChoiceField, DateField


@dataclass(frozen=True)
class PanelPayload:
    notified_on: date | None
    notification_notes: str
    response_on: date | None
    outcome: str
    response_notes: str


class PanelForm(FormScreen):
    TITLE_TEXT = "National Panel: notification and response"
    record: CaseRecord

    def __init__(self, record: CaseRecord) -> None:
        super().__init__()
        self.record = record
        self.case_id = record.id
        self.panel = record.panel or PanelRecord()

    def compose_fields(self) -> ComposeResult:
        today = lambda: self.rr.today  # noqa: E731
        yield DateField(
            "RR sent to Panel on",
            self.record.done.get("panel_notified"),
            id="notified_on",
            today=today,
            hint=self._notified_hint,
        )
        yield AreaField(
            "Notification notes", self.panel.notification_notes, id="notification_notes"
        )
        yield DateField(
            "Panel response received",
            self.record.done.get("panel_response"),
            id="response_on",
            today=today,
        )
        yield ChoiceField(
            "Response", list(PANEL_OUTCOMES.items()), self.panel.outcome, id="outcome"
        )
        yield AreaField("Response notes", self.panel.response_notes, id="response_notes")

    def _notified_hint(self, when: date) -> str:
        rr = self.rr
        text = hint_if_done(self.record.facts(), rr.profile, rr.today, "panel_notified", when, uk)
        return text or "no deadline yet (no SIN or referral date)"

    def collect(self) -> PanelPayload:
        errors: dict[str, str] = {}
        dates: dict[str, date | None] = {}
        for name in ("notified_on", "response_on"):
            try:
                dates[name] = self.query_one(f"#{name}", DateField).parse()
            except DateInputError as exc:
                errors[name] = str(exc)
        if errors:
            raise FormError(errors)
        if dates["response_on"] and not dates["notified_on"]:
            raise FormError({"notified_on": "is needed before a response can be recorded"})
        return PanelPayload(
            dates["notified_on"],
            self.query_one("#notification_notes", AreaField).value,
            dates["response_on"],
            self.query_one("#outcome", ChoiceField).value,
            self.query_one("#response_notes", AreaField).value,
        )

    def warnings(self, payload: PanelPayload) -> list[str]:
        return step_warnings(
            self, {"panel_notified": payload.notified_on, "panel_response": payload.response_on}
        )

    def targets(self) -> dict[str, Target]:
        return {
            "notified_on": Target(STEP, "panel_notified"),
            "notification_notes": Target(PANEL, "notification_notes"),
            "response_on": Target(STEP, "panel_response"),
            "outcome": Target(PANEL, "outcome"),
            "response_notes": Target(PANEL, "response_notes"),
        }

    def values(self, payload: PanelPayload) -> dict[str, object]:
        return {
            "notified_on": payload.notified_on,
            "notification_notes": payload.notification_notes,
            "response_on": payload.response_on,
            "outcome": payload.outcome,
            "response_notes": payload.response_notes,
        }

    def adopt(self, fresh: CaseRecord) -> None:
        self.record, self.panel = fresh, fresh.panel or PanelRecord()

    def field_values(self, fresh: CaseRecord) -> dict[str, object]:
        p = fresh.panel or PanelRecord()
        return {
            "notified_on": fresh.done.get("panel_notified"),
            "notification_notes": p.notification_notes,
            "response_on": fresh.done.get("panel_response"),
            "outcome": p.outcome,
            "response_notes": p.response_notes,
        }
