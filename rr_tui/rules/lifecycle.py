"""After the decision: the local review's lifecycle, and actions tracked to completion.

Pure (no Textual, no SQLAlchemy). The rules engine (``rr_tui.rules.schedule.compute``)
calls these functions; they are kept apart from it so that each rule of the
lifecycle can be read and tested on its own:

- ``lcspr_initiated`` defaults to the meeting date once a local review is
  decided (``default_facts``);
- progress checks (regulation 14) fall due every N working days from the
  initiation, and N after the last check, until publication (``progress_step``);
- a pause for parallel proceedings marks the local review's open steps
  "paused: REASON since DATE" without moving their due dates (``paused``);
- immediate safeguarding actions and recommendations' actions are steps of
  their own (``action_steps``): an overdue one turns the case red.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from rr_tui import deadlines
from rr_tui.dates import uk

if TYPE_CHECKING:
    from rr_tui.rules.schedule import StepStatus

LCSPR_INITIATED = "lcspr_initiated"
LCSPR_PANEL_AGREED = "lcspr_panel_agreed"
PUBLISHED = "published"
PROGRESS_CHECK = "progress_check"
ACTION_PREFIX = "action:"
ACTIONS_STAGE = "Actions"

# The local review's steps that parallel proceedings can hold up. The rapid
# review's own steps and the safeguarding actions are never paused.
PAUSABLE: frozenset[str] = frozenset(
    {
        "imrs_requested",
        "practitioner_event",
        "final_report",
        "prepublication_copy",
        PUBLISHED,
        PROGRESS_CHECK,
    }
)


class ActionFacts(NamedTuple):
    number: int
    due: date | None = None
    done: date | None = None
    recommendation: int | None = None  # None: an immediate safeguarding action


class PauseFacts(NamedTuple):
    reason: str  # as shown: "criminal proceedings"
    since: date


def default_facts(facts: MutableMapping[str, date], decision_date: date | None) -> None:
    """``lcspr_initiated`` is the partners' decision: the meeting date unless recorded."""
    if LCSPR_INITIATED not in facts and decision_date is not None:
        facts[LCSPR_INITIATED] = decision_date


def action_id(number: int) -> str:
    return f"{ACTION_PREFIX}{number}"


def action_label(action: ActionFacts) -> str:
    """No text and no owner: the label shows in lists, chasers and calendars."""
    if action.recommendation is not None:
        return f"Action {action.number} (rec. {action.recommendation})"
    return f"Action {action.number}"


def extra_label(step_id: str) -> str | None:
    """The label of a step that is not in the profile (a check, an action)."""
    if step_id == PROGRESS_CHECK:
        return "Progress check"
    if step_id.startswith(ACTION_PREFIX) and step_id[len(ACTION_PREFIX) :].isdigit():
        return f"Action {step_id[len(ACTION_PREFIX) :]}"
    return None


def next_check_due(
    initiated: date | None,
    checks: Sequence[date],
    interval_wd: int,
    calendar: deadlines.WorkingCalendar | None = None,
) -> date | None:
    """N working days after the last check, or after the initiation before any."""
    if initiated is None or interval_wd <= 0:
        return None
    last = max((c for c in checks if c >= initiated), default=initiated) if checks else initiated
    return (calendar or deadlines.calendar()).add_working_days(last, interval_wd)


def progress_due(
    facts: Mapping[str, date],
    checks: Sequence[date],
    interval_wd: int,
    calendar: deadlines.WorkingCalendar | None = None,
) -> tuple[date | None, date | None]:
    """(due, last check) of the next progress check; no check is due once published."""
    if PUBLISHED in facts:
        return None, None
    initiated = facts.get(LCSPR_INITIATED)
    due = next_check_due(initiated, checks, interval_wd, calendar)
    last = max(checks, default=None)
    return due, last


def pause_note(pause: PauseFacts) -> str:
    return f"paused: {pause.reason} since {uk(pause.since)}"


def paused(status: StepStatus, pause: PauseFacts | None) -> StepStatus:
    """The step as a pause shows it: state "paused", the same due date and slack."""
    if pause is None or status.id not in PAUSABLE or status.done is not None:
        return status
    if status.due is None and status.state == "waiting":
        return status._replace(note=pause_note(pause))
    return status._replace(state="paused", note=pause_note(pause))


def pause_length(since: date, until: date) -> tuple[int, int]:
    """(calendar days, working days) a pause has lasted on ``until``."""
    if until <= since:
        return 0, 0
    return (until - since).days, deadlines.working_days_between(since, until)


def describe_length(since: date, until: date) -> str:
    days, wd = pause_length(since, until)
    return f"{days} day{'s' if days != 1 else ''} ({wd} working day{'s' if wd != 1 else ''})"


def action_state(due: date | None, done: date | None, today: date) -> str:
    """done / late / overdue / pending / waiting (no due date), as the steps'."""
    if done is not None:
        return "late" if due is not None and done > due else "done"
    if due is None:
        return "waiting"
    return "overdue" if today > due else "pending"


def paused_during(pauses: Sequence[tuple[date, date | None]], start: date, end: date) -> bool:
    """Whether any pause (started, ended or None) overlaps the days ``start``..``end``.

    The timeliness report counts such cases apart as ``paused``.
    """
    return any(began <= end and (ended is None or ended >= start) for began, ended in pauses)
