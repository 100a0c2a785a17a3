"""After the decision: the local review's initiation, progress checks, pauses,
actions tracked to completion and recommendations.

Every live hint asks the rules engine ("the schedule if this were recorded"):
the forms do no working-day arithmetic of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Static

from rr_tui.dates import DateInputError, parse_iso, uk
from rr_tui.edits import STEP, Target
from rr_tui.lifecycle import LCSPR_INITIATED, LCSPR_PANEL_AGREED, PauseFacts, describe_length
from rr_tui.records import PAUSE_REASONS, CaseRecord
from rr_tui.schedule import CaseFacts, StepStatus, compute
from rr_tui.screens.form import FormError, FormScreen
from rr_tui.validation import check_line, check_text
from rr_tui.widgets.fields import AreaField, ChoiceField, DateField, TextField

if TYPE_CHECKING:
    from rr_tui.store import Store


def _step(facts: CaseFacts, form: FormScreen, step_id: str) -> StepStatus | None:
    schedule = compute(facts, form.rr.profile, form.rr.today)
    return next((s for s in schedule.steps if s.id == step_id), None)


def _date(field: DateField, field_id: str, errors: dict[str, str]) -> date | None:
    try:
        return field.parse()
    except DateInputError as exc:
        errors[field_id] = str(exc)
        return None


# -- the local review's initiation and the Panel's agreement ------------------------------


@dataclass(frozen=True)
class LocalReviewPayload:
    initiated: date | None
    panel_agreed: date | None


class LocalReviewForm(FormScreen):
    """``lcspr_initiated`` (defaults to the meeting date) and the date the Panel agreed."""

    TITLE_TEXT = "Local review: initiated, and agreed by the Panel"
    record: CaseRecord

    def __init__(self, record: CaseRecord) -> None:
        super().__init__()
        self.record = record
        self.case_id = record.id

    def compose_fields(self) -> ComposeResult:
        done = self.record.done
        yield DateField(
            "LCSPR initiated (the partners' decision; default: the meeting date)",
            done.get(LCSPR_INITIATED) or done.get("rr_meeting"),
            id="initiated",
            today=lambda: self.rr.today,
            hint=self._publication_hint,
        )
        yield DateField(
            "Date the Panel agreed the local review",
            done.get(LCSPR_PANEL_AGREED),
            id="panel_agreed",
            today=lambda: self.rr.today,
        )

    def _publication_hint(self, initiated: date) -> str:
        facts = self.record.facts()
        facts = facts._replace(done={**facts.done, LCSPR_INITIATED: initiated})
        published = _step(facts, self, "published")
        check = _step(facts, self, "progress_check")
        parts = []
        if published is not None and published.due is not None:
            parts.append(f"publish by {uk(published.due)}")
        if check is not None and check.due is not None and not self.record.progress_checks:
            parts.append(f"first check {uk(check.due)}")
        return "; ".join(parts)

    def collect(self) -> LocalReviewPayload:
        errors: dict[str, str] = {}
        initiated = _date(self.query_one("#initiated", DateField), "initiated", errors)
        agreed = _date(self.query_one("#panel_agreed", DateField), "panel_agreed", errors)
        if errors:
            raise FormError(errors)
        return LocalReviewPayload(initiated, agreed)

    def warnings(self, payload: LocalReviewPayload) -> list[str]:
        notes = []
        meeting = self.record.done.get("rr_meeting")
        if payload.initiated and meeting and payload.initiated < meeting:
            notes.append(f"The initiation is before the meeting ({uk(meeting)}).")
        for when in (payload.initiated, payload.panel_agreed):
            if when and when > self.rr.today:
                notes.append(f"{uk(when)} is in the future.")
        return notes

    def targets(self) -> dict[str, Target]:
        return {
            "initiated": Target(STEP, LCSPR_INITIATED),
            "panel_agreed": Target(STEP, LCSPR_PANEL_AGREED),
        }

    def field_values(self, fresh: CaseRecord) -> dict[str, object]:
        return {
            "initiated": fresh.done.get(LCSPR_INITIATED),
            "panel_agreed": fresh.done.get(LCSPR_PANEL_AGREED),
        }

    def values(self, payload: LocalReviewPayload) -> dict[str, object]:
        return {"initiated": payload.initiated, "panel_agreed": payload.panel_agreed}


# -- progress checks --------------------------------------------------------------------


@dataclass(frozen=True)
class CheckPayload:
    checked_on: date
    note: str


class ProgressCheckForm(FormScreen):
    """A regulation 14 check of the local review's time and quality."""

    TITLE_TEXT = "Record a progress check (time and quality)"
    record: CaseRecord

    def __init__(self, record: CaseRecord) -> None:
        super().__init__()
        self.record = record
        self.case_id = record.id

    def compose_fields(self) -> ComposeResult:
        yield DateField(
            "Date of the check",
            self.rr.today,
            id="checked_on",
            today=lambda: self.rr.today,
            hint=self._next_hint,
            required=True,
        )
        yield AreaField("Note: progress, quality, risks to the timetable", id="note")

    def _next_hint(self, checked: date) -> str:
        facts = self.record.facts()
        facts = facts._replace(progress_checks=(*facts.progress_checks, checked))
        check = _step(facts, self, "progress_check")
        return f"next check due {uk(check.due)}" if check and check.due else ""

    def collect(self) -> CheckPayload:
        errors: dict[str, str] = {}
        checked = _date(self.query_one("#checked_on", DateField), "checked_on", errors)
        note = self.query_one("#note", AreaField).value
        problem = check_text(note)
        if problem:
            errors["note"] = problem
        if errors or checked is None:
            raise FormError(errors or {"checked_on": "is required"})
        return CheckPayload(checked, note)

    def warnings(self, payload: CheckPayload) -> list[str]:
        if payload.checked_on > self.rr.today:
            return [f"{uk(payload.checked_on)} is in the future."]
        return []

    def save(self, store: Store, payload: CheckPayload) -> int | None:
        store.add_progress_check(self.record.id, payload.checked_on, payload.note)
        return self.record.id


# -- pauses -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PausePayload:
    reason: str
    on: date
    detail: str


class PauseForm(FormScreen):
    """Start a pause for parallel proceedings or, while one runs, end it."""

    record: CaseRecord

    def __init__(self, record: CaseRecord) -> None:
        super().__init__()
        self.record = record
        self.case_id = record.id
        self.running = record.active_pause
        self.TITLE_TEXT = (
            "End the pause" if self.running else "Pause the local review (parallel proceedings)"
        )

    def compose_fields(self) -> ComposeResult:
        running = self.running
        if running is not None:
            yield DateField(
                "Date the pause ended",
                self.rr.today,
                id="on",
                today=lambda: self.rr.today,
                hint=self._length_hint,
                required=True,
            )
            text = f"Paused: {running.reason_label} since {uk(running.started_on)}."
            if running.detail:
                text += f" {running.detail}"
            yield Static(text, id="pause-running", markup=False)
            return
        yield ChoiceField(
            "Reason", list(PAUSE_REASONS.items()), "criminal_proceedings", id="reason"
        )
        yield DateField(
            "Paused since",
            self.rr.today,
            id="on",
            today=lambda: self.rr.today,
            hint=self._affected_hint,
            required=True,
        )
        yield AreaField("Detail (e.g. trial listed for; the coroner's timetable)", id="detail")

    def _length_hint(self, ended: date) -> str:
        running = self.running
        if running is None:
            return ""
        return "paused for " + describe_length(running.started_on, ended)

    def _affected_hint(self, since: date) -> str:
        facts = self.record.facts()._replace(pause=PauseFacts("proceedings", since))
        schedule = compute(facts, self.rr.profile, self.rr.today)
        paused = [s.label for s in schedule.steps if s.state == "paused"]
        return ("pauses: " + ", ".join(paused)) if paused else "no open local-review step yet"

    def collect(self) -> PausePayload:
        errors: dict[str, str] = {}
        on = _date(self.query_one("#on", DateField), "on", errors)
        reason, detail = "", ""
        if self.running is None:
            reason = self.query_one("#reason", ChoiceField).value
            if reason not in PAUSE_REASONS:
                errors["reason"] = "choose the proceedings"
            detail = self.query_one("#detail", AreaField).value
            problem = check_text(detail)
            if problem:
                errors["detail"] = problem
        elif on is not None and on < self.running.started_on:
            errors["on"] = f"is before the pause started ({uk(self.running.started_on)})"
        if errors or on is None:
            raise FormError(errors or {"on": "is required"})
        return PausePayload(reason, on, detail)

    def warnings(self, payload: PausePayload) -> list[str]:
        if payload.on > self.rr.today:
            return [f"{uk(payload.on)} is in the future."]
        return []

    def save(self, store: Store, payload: PausePayload) -> int | None:
        if self.running is not None:
            store.end_pause(self.record.id, payload.on)
        else:
            store.start_pause(self.record.id, payload.reason, payload.on, payload.detail)
        return self.record.id


# -- actions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionPayload:
    text: str
    owner: str
    due: date
    recommendation: int | None


class ActionForm(FormScreen):
    """Add an immediate safeguarding action, or an action of a recommendation."""

    TITLE_TEXT = "Add an action"
    record: CaseRecord

    def __init__(self, record: CaseRecord) -> None:
        super().__init__()
        self.record = record
        self.case_id = record.id
        self.number: int | None = None

    def compose_fields(self) -> ComposeResult:
        yield TextField("Action", id="text", max_length=500, placeholder="what is to be done")
        yield TextField("Owner", id="owner", max_length=120, placeholder="agency or role")
        yield DateField("Due", None, id="due", today=lambda: self.rr.today, required=True)
        options = [("", "An immediate safeguarding action")] + [
            (str(r.number), f"Recommendation {r.number}") for r in self.record.recommendations
        ]
        yield ChoiceField("Kind", options, "", id="kind", allow_blank=False)

    def collect(self) -> ActionPayload:
        errors: dict[str, str] = {}
        text = self.query_one("#text", TextField).value.strip()
        owner = self.query_one("#owner", TextField).value.strip()
        for field_id, value, limit in (("text", text, 500), ("owner", owner, 120)):
            problem = check_line(value, limit, required=True)
            if problem:
                errors[field_id] = problem
        due = _date(self.query_one("#due", DateField), "due", errors)
        kind = self.query_one("#kind", ChoiceField).value
        if errors or due is None:
            raise FormError(errors or {"due": "is required"})
        return ActionPayload(text, owner, due, int(kind) if kind.isdigit() else None)

    def warnings(self, payload: ActionPayload) -> list[str]:
        if payload.due < self.rr.today:
            return [f"The due date {uk(payload.due)} has passed: the case will show red."]
        return []

    def save(self, store: Store, payload: ActionPayload) -> int | None:
        self.number = store.add_action(
            self.record.id,
            payload.text,
            owner=payload.owner,
            due_on=payload.due,
            recommendation=payload.recommendation,
        )
        return self.record.id


@dataclass(frozen=True)
class DonePayload:
    number: int
    done_on: date
    evidence: str


class ActionDoneForm(FormScreen):
    """Record that an action was done, with the evidence (or assurance)."""

    TITLE_TEXT = "Record an action as done"
    record: CaseRecord

    def __init__(self, record: CaseRecord) -> None:
        super().__init__()
        self.record = record
        self.case_id = record.id
        self.open = [a for a in record.actions if a.done_on is None]

    def compose_fields(self) -> ComposeResult:
        options = [
            (str(a.number), f"{a.number}. {a.text} ({a.owner or 'no owner'})"[:70])
            for a in self.open
        ]
        first = options[0][0] if options else None
        yield ChoiceField("Action", options, first, id="number", allow_blank=False)
        yield DateField(
            "Done on", self.rr.today, id="done_on", today=lambda: self.rr.today, required=True
        )
        yield AreaField("Evidence (or assurance) that it was done", id="evidence")

    def collect(self) -> DonePayload:
        errors: dict[str, str] = {}
        number = self.query_one("#number", ChoiceField).value
        if not number.isdigit():
            errors["number"] = "choose the action"
        done_on = _date(self.query_one("#done_on", DateField), "done_on", errors)
        evidence = self.query_one("#evidence", AreaField).value
        problem = check_text(evidence)
        if problem:
            errors["evidence"] = problem
        if errors or done_on is None:
            raise FormError(errors or {"done_on": "is required"})
        return DonePayload(int(number), done_on, evidence)

    def warnings(self, payload: DonePayload) -> list[str]:
        if payload.done_on > self.rr.today:
            return [f"{uk(payload.done_on)} is in the future."]
        return []

    def save(self, store: Store, payload: DonePayload) -> int | None:
        action = next(a for a in self.open if a.number == payload.number)
        store.complete_action(
            self.record.id,
            payload.number,
            payload.done_on,
            evidence=payload.evidence,
            expected_version=action.version,
        )
        return self.record.id


# -- recommendations ------------------------------------------------------------------------

ACTIONS_HINT = "One per line: action | owner | due YYYY-MM-DD"


def parse_recommendation_actions(text: str) -> list[tuple[str, str, date | None]]:
    """``action | owner | due`` per line; raises ValueError naming the line."""
    actions: list[tuple[str, str, date | None]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) > 3 or not parts[0]:
            raise ValueError(f"line {number}: {ACTIONS_HINT.lower()}")
        due = None
        if len(parts) == 3 and parts[2]:
            try:
                due = parse_iso(parts[2])
            except DateInputError as exc:
                raise ValueError(f"line {number}: date {exc}") from None
        actions.append((parts[0], parts[1] if len(parts) > 1 else "", due))
    return actions


@dataclass(frozen=True)
class RecommendationPayload:
    text: str
    made_on: date | None
    actions: list[tuple[str, str, date | None]]


class RecommendationForm(FormScreen):
    """A recommendation of the review and its actions, tracked like the immediate ones."""

    TITLE_TEXT = "Add a recommendation and its actions"
    record: CaseRecord

    def __init__(self, record: CaseRecord) -> None:
        super().__init__()
        self.record = record
        self.case_id = record.id

    def compose_fields(self) -> ComposeResult:
        yield AreaField("Recommendation", id="text")
        yield DateField(
            "Date made (the report's sign-off)",
            self.rr.today,
            id="made_on",
            today=lambda: self.rr.today,
        )
        yield AreaField("Actions", id="actions", hint=ACTIONS_HINT)

    def collect(self) -> RecommendationPayload:
        errors: dict[str, str] = {}
        text = self.query_one("#text", AreaField).value
        problem = check_text(text) or check_line(text.strip(), 4000, required=True)
        if problem:
            errors["text"] = problem
        made_on = _date(self.query_one("#made_on", DateField), "made_on", errors)
        actions: list[tuple[str, str, date | None]] = []
        try:
            actions = parse_recommendation_actions(self.query_one("#actions", AreaField).value)
        except ValueError as exc:
            errors["actions"] = str(exc)
        if errors:
            raise FormError(errors)
        return RecommendationPayload(text, made_on, actions)

    def warnings(self, payload: RecommendationPayload) -> list[str]:
        notes = []
        if not payload.actions:
            notes.append("The recommendation has no action yet.")
        if payload.made_on and payload.made_on > self.rr.today:
            notes.append(f"{uk(payload.made_on)} is in the future.")
        return notes

    def save(self, store: Store, payload: RecommendationPayload) -> int | None:
        store.add_recommendation(self.record.id, payload.text, payload.made_on, payload.actions)
        return self.record.id
