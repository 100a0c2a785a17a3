"""Record the Rapid Review meeting: date, who came, facts, actions, decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from textual.app import ComposeResult

from rr_tui.dates import uk_brief
from rr_tui.edits import MEETING, STEP, Target
from rr_tui.records import MEETING_TEXT, ActionRecord, CaseRecord, MeetingRecord
from rr_tui.rules.profile import DECISIONS
from rr_tui.rules.schedule import due_text, hint_if_done, schedule_if
from rr_tui.screens.form import FormScreen, Reader
from rr_tui.validation import parse_action_lines
from rr_tui.widgets.fields import AreaField, ChoiceField, YesNoField

NATIONAL_LABEL = "Referred to the Panel as possibly national"

ACTIONS_HINT = (
    "One per line: action | owner | due date | done date (last parts optional; dates as 19/12/2025)"
)


def format_actions(actions: tuple[ActionRecord, ...]) -> str:
    lines = []
    for a in actions:
        parts = [
            a.action,
            a.owner,
            a.due_on.isoformat() if a.due_on else "",
            a.done_on.isoformat() if a.done_on else "",
        ]
        while parts and not parts[-1]:
            parts.pop()
        lines.append(" | ".join(parts))
    return "\n".join(lines)


class ActionsField(AreaField):
    """The immediate actions, one a line; stored values are tuples of actions."""

    def snapshot_of(self, value: Any) -> Any:
        if isinstance(value, tuple):
            return format_actions(value)
        return super().snapshot_of(value)


# The meeting's text fields in form order: the decision's reasoning first,
# then the rest in the pack's order (the immediate actions after ACTIONS_AFTER).
FORM_TEXT: tuple[str, ...] = (
    "rationale",
    "national_reasoning",
    "attendees",
    "facts_summary",
    "practice_episodes",
    "family_context",
    "voice",
    "identity",
    "siblings_safety",
    "learning",
    "good_practice",
    "learning_sharing",
    "parallel_proceedings",
    "family_involvement",
)
ACTIONS_AFTER = "siblings_safety"
assert set(FORM_TEXT) == set(MEETING_TEXT)


@dataclass(frozen=True)
class MeetingPayload:
    held_on: date | None
    meeting: MeetingRecord


class MeetingForm(FormScreen[MeetingPayload]):
    TITLE_TEXT = "Rapid Review meeting"
    record: CaseRecord

    def __init__(self, record: CaseRecord) -> None:
        super().__init__(record)
        self.meeting = record.meeting or MeetingRecord()

    def compose_fields(self) -> ComposeResult:
        m = self.meeting
        # The timeline's questions (step_warnings) cover the meeting's date.
        yield self.date_field(
            "Meeting date",
            self.record.done.get("rr_meeting"),
            id="held_on",
            hint=self._panel_hint,
            required=True,
            future=False,
        )
        yield ChoiceField("Decision", list(DECISIONS.items()), m.decision, id="decision")
        yield YesNoField(NATIONAL_LABEL, m.national_referral, id="national_referral")
        split = FORM_TEXT.index(ACTIONS_AFTER) + 1
        for name in FORM_TEXT[:split]:
            yield AreaField(MEETING_TEXT[name], getattr(m, name), id=name)
        yield ActionsField(
            "Immediate safeguarding actions",
            format_actions(m.actions),
            id="actions",
            hint=ACTIONS_HINT,
        )
        for name in FORM_TEXT[split:]:
            yield AreaField(MEETING_TEXT[name], getattr(m, name), id=name)

    def _panel_hint(self, held: date) -> str:
        rr = self.rr
        facts = self.record.facts()
        own = hint_if_done(facts, rr.profile, rr.today, "rr_meeting", held, uk_brief)
        panel = schedule_if(facts, rr.profile, rr.today, {"rr_meeting": held}).step(
            "panel_notified"
        )
        follows = due_text(panel, rr.profile, uk_brief) if panel and panel.done is None else ""
        return " · ".join(t for t in (own, follows) if t)

    def read_payload(self, read: Reader) -> MeetingPayload:
        held = read.date_of("held_on")
        actions: tuple[ActionRecord, ...] = ()
        try:
            typed = self.query_one("#actions", AreaField).value
            actions = parse_action_lines(typed, self.rr.today, done=True)
        except ValueError as exc:
            read.problem("actions", str(exc))
        meeting = MeetingRecord(
            version=self.meeting.version,
            decision=read.choice("decision") or None,
            actions=actions,
            national_referral=self.query_one("#national_referral", YesNoField).answer,
            **{name: read.text(name) for name in MEETING_TEXT},
        )
        return MeetingPayload(held, meeting)

    def warnings(self, payload: MeetingPayload) -> list[str]:
        return self.step_warnings({"rr_meeting": payload.held_on})

    def targets(self) -> dict[str, Target]:
        texts = ("decision", "national_referral", "actions", *FORM_TEXT)
        return {"held_on": Target(STEP, "rr_meeting")} | {
            name: Target(MEETING, name) for name in texts
        }

    def values(self, payload: MeetingPayload) -> dict[str, object]:
        m = payload.meeting
        return {
            "held_on": payload.held_on,
            "decision": m.decision,
            "national_referral": m.national_referral,
            "actions": m.actions,
            **{name: getattr(m, name) for name in FORM_TEXT},
        }

    def adopt(self, fresh: CaseRecord) -> None:
        self.record, self.meeting = fresh, fresh.meeting or MeetingRecord()

    def shown_value(self, field_id: str, value: object) -> str:
        if field_id == "actions" and isinstance(value, tuple):
            return format_actions(value)
        return super().shown_value(field_id, value)
