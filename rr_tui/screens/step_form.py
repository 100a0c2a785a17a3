"""Record the date of any step: the full-review steps, or a correction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.widgets import Select

from rr_tui.dates import uk
from rr_tui.edits import CASE, STEP, Target
from rr_tui.records import CaseRecord
from rr_tui.rules.schedule import compute, hint_if_done, recordable
from rr_tui.screens.form import FormScreen, Reader
from rr_tui.widgets.fields import AreaField, ChoiceField, DateField

# The step whose form also says who receives the copy.
PREPUBLICATION = "prepublication_copy"


@dataclass(frozen=True)
class StepPayload:
    step_id: str
    on: date | None
    recipients: str = ""


class StepForm(FormScreen[StepPayload]):
    TITLE_TEXT = "Record a step's date"
    record: CaseRecord

    def __init__(self, record: CaseRecord) -> None:
        super().__init__(record)

    def _steps(self) -> list[tuple[str, str, bool]]:
        """(id, label, done) of every profile step that is recorded here."""
        facts = self.case.facts()
        schedule = compute(facts, self.rr.profile, self.rr.today)
        profile_steps = set(self.rr.profile.step_ids)
        # Steps the schedule derives (agency returns, when the case has
        # agencies) are recorded where they come from, not here; progress
        # checks and actions have forms of their own.
        return [
            (s.id, s.label, s.done is not None)
            for s in schedule.steps
            if s.id in profile_steps and recordable(facts, s.id) is None
        ]

    def compose_fields(self) -> ComposeResult:
        steps = [(s, label) for s, label, _ in self._steps()]
        # The first step not done yet (a default such as the initiation counts as done).
        first = next((s for s, _, done in self._steps() if not done), steps[0][0])
        yield ChoiceField("Step", steps, first, id="step", allow_blank=False)
        # The timeline's questions (step_warnings) cover the future too.
        yield self.date_field(
            "Date it happened (blank to clear)",
            self.case.done.get(first),
            id="on",
            hint=self._due_hint,
            future=False,
        )
        defaults = ", ".join(self.rr.profile.prepublication_recipients)
        recipients = AreaField(
            "Pre-publication copy to (one a line)",
            self.case.fields.prepublication_recipients,
            id="recipients",
            hint=f"Blank: the profile's list ({defaults})",
        )
        recipients.display = first == PREPUBLICATION
        yield recipients

    def _due_hint(self, when: date) -> str:
        rr = self.rr
        return hint_if_done(self.case.facts(), rr.profile, rr.today, self._step_id(), when, uk)

    def on_select_changed(self, event: Select.Changed) -> None:
        # Another step: show its date, and check against that one when saving.
        field = self.query_one("#on", DateField)
        existing = self.case.done.get(self._step_id())
        field.set_value(existing)
        self._initial["on"] = field.snapshot()
        self._seen["on"] = existing
        field.set_hint_source(self._due_hint)
        self.query_one("#recipients", AreaField).display = self._step_id() == PREPUBLICATION

    def read_payload(self, read: Reader) -> StepPayload:
        return StepPayload(read.choice("step"), read.date_of("on"), read.text("recipients"))

    def warnings(self, payload: StepPayload) -> list[str]:
        notes = self.step_warnings({payload.step_id: payload.on})
        if payload.on is None and payload.step_id in self.case.done:
            notes.append("This clears the recorded date.")
        return notes

    def _step_id(self) -> str:
        return self.query_one("#step", ChoiceField).value

    def targets(self) -> dict[str, Target]:
        targets = {"on": Target(STEP, self._step_id())}
        if self._step_id() == PREPUBLICATION:
            targets["recipients"] = Target(CASE, "prepublication_recipients")
        return targets
