"""Record the notification to the National Panel and the Panel's response."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual.app import ComposeResult

from rr_tui.dates import DateInputError, uk
from rr_tui.edits import PANEL, STEP, Target
from rr_tui.records import PANEL_OUTCOMES, RECONSIDERATION_OUTCOMES, CaseRecord, PanelRecord
from rr_tui.rules.schedule import RECONSIDER_OUTCOMES, against_due, hint_if_done, schedule_if
from rr_tui.screens.form import FormScreen, Reader
from rr_tui.widgets.fields import AreaField, ChoiceField, DateField


@dataclass(frozen=True)
class PanelPayload:
    notified_on: date | None
    notification_notes: str
    response_on: date | None
    outcome: str
    response_notes: str
    reconsidered_on: date | None = None
    reconsideration_outcome: str = ""
    reconsideration_notes: str = ""


class PanelForm(FormScreen[PanelPayload]):
    TITLE_TEXT = "National Panel: notification and response"
    # The store names the reconsideration's step; this form's field for its date.
    STORE_FIELDS: ClassVar[dict[str, str]] = {"reconsideration": "reconsidered_on"}
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
        yield self.date_field(
            "Reconsideration: answer sent to the Panel on",
            self.case.done.get("reconsideration"),
            id="reconsidered_on",
            hint=self._reconsidered_hint,
            future=False,
        )
        yield ChoiceField(
            "Reconsideration outcome",
            list(RECONSIDERATION_OUTCOMES.items()),
            self.panel.reconsideration_outcome,
            id="reconsideration_outcome",
        )
        yield AreaField(
            "Reconsideration notes",
            self.panel.reconsideration_notes,
            id="reconsideration_notes",
        )

    def _notified_hint(self, when: date) -> str:
        rr = self.rr
        text = hint_if_done(self.case.facts(), rr.profile, rr.today, "panel_notified", when, uk)
        return text or "no deadline yet (no SIN or referral date)"

    def _reconsidered_hint(self, when: date) -> str:
        """Its due date from the response as typed (a challenge or a request for more)."""
        rr = self.rr
        outcome = self.query_one("#outcome", ChoiceField).value
        if outcome not in RECONSIDER_OUTCOMES:
            return "only after the Panel challenges or asks for more information"
        try:
            response = self.query_one("#response_on", DateField).parse()
        except DateInputError:
            response = None
        schedule = schedule_if(
            self.case.facts(),
            rr.profile,
            rr.today,
            {"panel_response": response, "reconsideration": when},
            panel_outcome=outcome,
        )
        return against_due(schedule.step("reconsideration"), uk) or "no deadline yet"

    def read_payload(self, read: Reader) -> PanelPayload:
        notified, response = read.date_of("notified_on"), read.date_of("response_on")
        reconsidered = read.date_of("reconsidered_on")
        if response and not notified and "response_on" not in read.errors:
            read.problem("notified_on", "is needed before a response can be recorded")
        outcome = read.choice("outcome")
        if reconsidered and outcome not in RECONSIDER_OUTCOMES:
            read.problem(
                "reconsidered_on",
                "is recorded only after the Panel challenges or asks for more information "
                "(Response)",
            )
        elif reconsidered and not response and "response_on" not in read.errors:
            read.problem("response_on", "is needed before a reconsideration's answer")
        return PanelPayload(
            notified,
            read.text("notification_notes"),
            response,
            outcome,
            read.text("response_notes"),
            reconsidered,
            read.choice("reconsideration_outcome"),
            read.text("reconsideration_notes"),
        )

    def warnings(self, payload: PanelPayload) -> list[str]:
        return self.step_warnings(
            {
                "panel_notified": payload.notified_on,
                "panel_response": payload.response_on,
                "reconsideration": payload.reconsidered_on,
            }
        )

    def targets(self) -> dict[str, Target]:
        return {
            "notified_on": Target(STEP, "panel_notified"),
            "notification_notes": Target(PANEL, "notification_notes"),
            "response_on": Target(STEP, "panel_response"),
            "outcome": Target(PANEL, "outcome"),
            "response_notes": Target(PANEL, "response_notes"),
            "reconsidered_on": Target(STEP, "reconsideration"),
            "reconsideration_outcome": Target(PANEL, "reconsideration_outcome"),
            "reconsideration_notes": Target(PANEL, "reconsideration_notes"),
        }

    def adopt(self, fresh: CaseRecord) -> None:
        self.record, self.panel = fresh, fresh.panel or PanelRecord()
