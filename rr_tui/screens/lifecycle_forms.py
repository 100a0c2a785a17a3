"""After the decision: the local review's initiation, progress checks, pauses,
actions tracked to completion and recommendations.

Every live hint asks the rules engine ("the schedule if this were recorded"):
the forms do no working-day arithmetic of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from textual.app import ComposeResult
from textual.widgets import Select, Static

from rr_tui import lengths
from rr_tui.dates import uk
from rr_tui.edits import ACTION, STEP, Target
from rr_tui.records import PAUSE_REASONS, CaseRecord, TrackedAction
from rr_tui.rules.lifecycle import LCSPR_INITIATED, LCSPR_PANEL_AGREED, PauseFacts, describe_length
from rr_tui.rules.schedule import CaseFacts, compute
from rr_tui.screens.form import FormScreen, Reader
from rr_tui.validation import parse_action_lines
from rr_tui.widgets.fields import AreaField, ChoiceField, TextField

if TYPE_CHECKING:
    from rr_tui.store import Store

P = TypeVar("P")


class LifecycleForm(FormScreen[P]):
    """A form over a recorded case: each below declares its fields, its payload and its write."""

    record: CaseRecord

    def __init__(self, record: CaseRecord) -> None:
        super().__init__(record)

    def due_if(self, facts: CaseFacts, step_id: str) -> date | None:
        """When ``step_id`` would fall due with ``facts``: the rules engine's answer."""
        schedule = compute(facts, self.rr.profile, self.rr.today)
        return next((s.due for s in schedule.steps if s.id == step_id), None)


# -- the local review's initiation and the Panel's agreement ------------------------------


@dataclass(frozen=True)
class LocalReviewPayload:
    initiated: date | None
    panel_agreed: date | None


class LocalReviewForm(LifecycleForm[LocalReviewPayload]):
    """``lcspr_initiated`` (defaults to the meeting date) and the date the Panel agreed."""

    TITLE_TEXT = "Local review: initiated, and agreed by the Panel"

    def compose_fields(self) -> ComposeResult:
        done = self.case.done
        yield self.date_field(
            "LCSPR initiated (the partners' decision; default: the meeting date)",
            done.get(LCSPR_INITIATED) or done.get("rr_meeting"),
            id="initiated",
            hint=self._publication_hint,
            after=lambda: (self.case.done.get("rr_meeting"), "the meeting"),
        )
        yield self.date_field(
            "Date the Panel agreed the local review",
            done.get(LCSPR_PANEL_AGREED),
            id="panel_agreed",
        )

    def _publication_hint(self, initiated: date) -> str:
        facts = self.case.facts()
        facts = facts._replace(done={**facts.done, LCSPR_INITIATED: initiated})
        published, check = self.due_if(facts, "published"), self.due_if(facts, "progress_check")
        parts = []
        if published is not None:
            parts.append(f"publish by {uk(published)}")
        if check is not None and not self.case.progress_checks:
            parts.append(f"first check {uk(check)}")
        return "; ".join(parts)

    def read_payload(self, read: Reader) -> LocalReviewPayload:
        return LocalReviewPayload(read.date_of("initiated"), read.date_of("panel_agreed"))

    def targets(self) -> dict[str, Target]:
        return {
            "initiated": Target(STEP, LCSPR_INITIATED),
            "panel_agreed": Target(STEP, LCSPR_PANEL_AGREED),
        }


# -- progress checks --------------------------------------------------------------------


@dataclass(frozen=True)
class CheckPayload:
    checked_on: date
    note: str


class ProgressCheckForm(LifecycleForm[CheckPayload]):
    """A regulation 14 check of the local review's time and quality."""

    TITLE_TEXT = "Record a progress check (time and quality)"

    def compose_fields(self) -> ComposeResult:
        yield self.date_field(
            "Date of the check", self.rr.today, id="checked_on", hint=self._next, required=True
        )
        yield AreaField("Note: progress, quality, risks to the timetable", id="note")

    def _next(self, checked: date) -> str:
        facts = self.case.facts()
        due = self.due_if(
            facts._replace(progress_checks=(*facts.progress_checks, checked)), "progress_check"
        )
        return f"next check due {uk(due)}" if due else ""

    def read_payload(self, read: Reader) -> CheckPayload:
        return CheckPayload(read.required_date("checked_on"), read.text("note"))

    def write(self, store: Store, payload: CheckPayload) -> None:
        store.add_progress_check(self.case.id, payload.checked_on, payload.note)


# -- pauses -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PausePayload:
    reason: str
    on: date
    detail: str


class PauseForm(LifecycleForm[PausePayload]):
    """Start a pause for parallel proceedings or, while one runs, end it."""

    def __init__(self, record: CaseRecord) -> None:
        super().__init__(record)
        self.running = record.active_pause
        self.TITLE_TEXT = (
            "End the pause" if self.running else "Pause the local review (parallel proceedings)"
        )

    def compose_fields(self) -> ComposeResult:
        running = self.running
        if running is not None:
            yield self.date_field(
                "Date the pause ended",
                self.rr.today,
                id="on",
                hint=self._length_hint,
                required=True,
                after=lambda: (running.started_on, "the pause started"),
            )
            text = f"Paused: {running.reason_label} since {uk(running.started_on)}."
            if running.detail:
                text += f" {running.detail}"
            yield Static(text, id="pause-running", markup=False)
            return
        yield ChoiceField(
            "Reason", list(PAUSE_REASONS.items()), "criminal_proceedings", id="reason"
        )
        yield self.date_field(
            "Paused since", self.rr.today, id="on", hint=self._affected_hint, required=True
        )
        yield AreaField("Detail (e.g. trial listed for; the coroner's timetable)", id="detail")

    def _length_hint(self, ended: date) -> str:
        running = self.running
        if running is None:
            return ""
        return "paused for " + describe_length(running.started_on, ended)

    def _affected_hint(self, since: date) -> str:
        facts = self.case.facts()._replace(pause=PauseFacts("proceedings", since))
        schedule = compute(facts, self.rr.profile, self.rr.today)
        paused = [s.label for s in schedule.steps if s.state == "paused"]
        return ("pauses: " + ", ".join(paused)) if paused else "no open local-review step yet"

    def read_payload(self, read: Reader) -> PausePayload:
        on = read.required_date("on")
        if self.running is not None:
            if on < self.running.started_on:
                read.problem("on", f"is before the pause started ({uk(self.running.started_on)})")
            return PausePayload("", on, "")
        reason = read.choice("reason")
        if reason not in PAUSE_REASONS:
            read.problem("reason", "choose the proceedings")
        return PausePayload(reason, on, read.text("detail"))

    def write(self, store: Store, payload: PausePayload) -> None:
        if self.running is not None:
            store.end_pause(self.case.id, payload.on)
        else:
            store.start_pause(self.case.id, payload.reason, payload.on, payload.detail)


# -- actions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionPayload:
    text: str
    owner: str
    due: date
    recommendation: int | None


class ActionForm(LifecycleForm[ActionPayload]):
    """Add an immediate safeguarding action or an action of a recommendation; or, with
    ``editing``, change an action's text, owner and due date (each field checked
    against what the form showed, like every edit)."""

    def __init__(self, record: CaseRecord, *, editing: bool = False) -> None:
        super().__init__(record)
        self.editing = editing
        # The action edited (None: a new one), then the number the store gave it.
        self.number: int | None = record.actions[0].number if editing and record.actions else None
        self.TITLE_TEXT = "Edit an action" if editing else "Add an action"

    def _current(self) -> TrackedAction | None:
        return next((a for a in self.case.actions if a.number == self.number), None)

    def compose_fields(self) -> ComposeResult:
        if self.editing:
            options = [(str(a.number), _action_line(a)) for a in self.case.actions]
            yield ChoiceField(
                "Which action", options, str(self.number), id="which", allow_blank=False
            )
        current = self._current()
        for field_id, label, limit, placeholder in (
            ("text", "Action", lengths.ACTION, "what is to be done"),
            ("owner", "Owner", lengths.ACTION_OWNER, "agency or role"),
        ):
            yield TextField(
                label,
                getattr(current, field_id) if current else "",
                id=field_id,
                max_length=limit,
                required=True,
                placeholder=placeholder,
            )
        # A due date ahead is the point; one passed is asked about (warnings).
        yield self.date_field(
            "Due", current.due_on if current else None, id="due", required=True, future=False
        )
        if not self.editing:
            options = [("", "An immediate safeguarding action")] + [
                (str(r.number), f"Recommendation {r.number}") for r in self.case.recommendations
            ]
            yield ChoiceField("Kind", options, "", id="kind", allow_blank=False)

    def on_select_changed(self, event: Select.Changed) -> None:
        if not self.editing or self.query_one("#which", ChoiceField).control is not event.select:
            return
        # Another action: show its values, and count them as the form's starting
        # point (choosing is not typing).
        chosen = self.query_one("#which", ChoiceField).value
        self.number = int(chosen) if chosen.isdigit() else None
        values = self.field_values(self.case)
        for field_id, stored_value in values.items():
            widget = self.field(field_id)
            widget.set_value(stored_value)
            self._initial[field_id] = widget.snapshot_of(stored_value)
        self._seen = dict(values)

    def read_payload(self, read: Reader) -> ActionPayload:
        kind = "" if self.editing else read.choice("kind")
        return ActionPayload(
            read.line("text"),
            read.line("owner"),
            read.required_date("due"),
            int(kind) if kind.isdigit() else None,
        )

    def warnings(self, payload: ActionPayload) -> list[str]:
        current = self._current()
        if payload.due < self.rr.today and (current is None or current.due_on != payload.due):
            return [f"The due date {uk(payload.due)} has passed: the case will show red."]
        return []

    def targets(self) -> dict[str, Target]:
        if self.number is None or not self.editing:
            return {}  # a new action: nothing stored yet to check against
        return {
            "text": Target(ACTION, "text", self.number),
            "owner": Target(ACTION, "owner", self.number),
            "due": Target(ACTION, "due_on", self.number),
        }

    def write(self, store: Store, payload: ActionPayload) -> None:
        if self.editing:
            super().write(store, payload)
            return
        self.number = store.add_action(
            self.case.id,
            payload.text,
            owner=payload.owner,
            due_on=payload.due,
            recommendation=payload.recommendation,
        )


def _action_line(action: TrackedAction) -> str:
    """An action as a chooser lists it: number, text and owner, on one short line."""
    return f"{action.number}. {action.text} ({action.owner or 'no owner'})"[:70]


@dataclass(frozen=True)
class DonePayload:
    number: int
    done_on: date
    evidence: str


class ActionDoneForm(LifecycleForm[DonePayload]):
    """Record that an action was done, with the evidence (or assurance)."""

    TITLE_TEXT = "Record an action as done"

    def __init__(self, record: CaseRecord) -> None:
        super().__init__(record)
        self.open = [a for a in record.actions if a.done_on is None]

    def compose_fields(self) -> ComposeResult:
        options = [(str(a.number), _action_line(a)) for a in self.open]
        first = options[0][0] if options else None
        yield ChoiceField("Action", options, first, id="number", allow_blank=False)
        yield self.date_field("Done on", self.rr.today, id="done_on", required=True)
        yield AreaField("Evidence (or assurance) that it was done", id="evidence")

    def read_payload(self, read: Reader) -> DonePayload:
        number = read.choice("number")
        if not number.isdigit():
            read.problem("number", "choose the action")
        done_on, evidence = read.required_date("done_on"), read.text("evidence")
        return DonePayload(int(number) if number.isdigit() else 0, done_on, evidence)

    def write(self, store: Store, payload: DonePayload) -> None:
        action = next(a for a in self.open if a.number == payload.number)
        store.complete_action(
            self.case.id,
            payload.number,
            payload.done_on,
            evidence=payload.evidence,
            expected_version=action.version,
        )


# -- recommendations ------------------------------------------------------------------------

ACTIONS_HINT = "One per line: action | owner | due date (as 19/12/2025)"


@dataclass(frozen=True)
class RecommendationPayload:
    text: str
    made_on: date | None
    actions: list[tuple[str, str, date | None]]


class RecommendationForm(LifecycleForm[RecommendationPayload]):
    """A recommendation of the review and its actions, tracked like the immediate ones."""

    TITLE_TEXT = "Add a recommendation and its actions"

    def compose_fields(self) -> ComposeResult:
        yield AreaField(
            "Recommendation", id="text", max_length=lengths.RECOMMENDATION, required=True
        )
        yield self.date_field("Date made (the report's sign-off)", self.rr.today, id="made_on")
        yield AreaField("Actions", id="actions", hint=ACTIONS_HINT)

    def read_payload(self, read: Reader) -> RecommendationPayload:
        text, made_on = read.text("text"), read.date_of("made_on")
        actions: list[tuple[str, str, date | None]] = []
        try:
            typed = parse_action_lines(
                self.query_one("#actions", AreaField).value, self.rr.today, done=False
            )
            actions = [(a.action, a.owner, a.due_on) for a in typed]
        except ValueError as exc:
            read.problem("actions", str(exc))
        return RecommendationPayload(text, made_on, actions)

    def warnings(self, payload: RecommendationPayload) -> list[str]:
        return [] if payload.actions else ["The recommendation has no action yet."]

    def write(self, store: Store, payload: RecommendationPayload) -> None:
        store.add_recommendation(self.case.id, payload.text, payload.made_on, payload.actions)
