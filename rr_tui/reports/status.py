"""``rr-tui status``: the open cases, most urgent first, as text or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from rr_tui.dates import uk, uk_short
from rr_tui.records import CaseRecord
from rr_tui.rules.lifecycle import action_id
from rr_tui.rules.profile import Profile
from rr_tui.rules.schedule import (
    PROVISIONAL_MARK,
    RAG_GLYPHS,
    RAG_WORDS,
    StepStatus,
    clock_note,
    provisional_note,
)
from rr_tui.rules.triage import CaseView, build_views, rag_counts
from rr_tui.sanitize import for_display

Memo = dict[object, str]


def _date_json(d: date | None, memo: Memo) -> str:
    """A date as JSON, remembered: the same few thousand dates recur across cases."""
    text = memo.get(d)
    if text is None:
        text = memo[d] = f'"{d.isoformat()}"' if d else "null"
    return text


def _step_json(s: StepStatus, memo: Memo) -> str:
    """A step as JSON, remembered: many cases share a step's exact state."""
    provisional = s.provisional and s.due is not None
    key = (s.id, s.due, s.done, s.state, s.slack, provisional, s.local)
    text = memo.get(key)
    if text is None:
        slack = "null" if s.slack is None else s.slack
        text = memo[key] = (
            f'{{"id": "{s.id}", "due": {_date_json(s.due, memo)}, '
            f'"done": {_date_json(s.done, memo)}, "state": "{s.state}", "slack": {slack}, '
            f'"provisional": {"true" if provisional else "false"}, '
            f'"local_target": {"true" if s.local and s.due is not None else "false"}}}'
        )
    return text


def _text_note(view: CaseView) -> str:
    """Why the case's next due date is provisional: its clock, or the step's own fallback."""
    step = view.next_step
    if step is None:
        return ""
    if step.provisional:
        return provisional_note(step)
    return clock_note(view.schedule)


def _note(view: CaseView) -> str:
    """The case's provisional note: its clock runs from a stand-in fact ("" when not)."""
    return clock_note(view.schedule)


def status_row_json(view: CaseView, memo: Memo | None = None) -> str:
    """One case as a JSON object.

    Written directly rather than through dicts and ``json.dumps``: with 10,000
    cases this is a third of ``status --json``'s time. Only the reference and
    the stage are free text (escaped by ``json.dumps``); step ids and states
    are fixed identifiers of the profile and ISO dates need no escaping, which
    the tests check by parsing the output.
    """
    j: Memo = memo if memo is not None else {}
    schedule, step = view.schedule, view.next_step
    next_id = f'"{step.id}"' if step else "null"
    steps = ", ".join([_step_json(s, j) for s in schedule.steps])
    note = _note(view)
    return (
        f'{{"reference": {json.dumps(view.record.reference)}, "rag": "{schedule.rag}", '
        f'"stage": {json.dumps(schedule.stage)}, "next_step": {next_id}, '
        f'"next_due": {_date_json(view.next_due, j)}, '
        f'"provisional": {json.dumps(note) if note else "null"}, "steps": [{steps}], '
        f'"actions": {_actions_json(view, j)}, "paused": {_pause_json(view, j)}}}'
    )


def _actions_json(view: CaseView, memo: Memo) -> str:
    """Each action's number, owner, dates and state: never its text, which may name people."""
    actions = view.record.actions
    if not actions:
        return "[]"
    states = {s.id: s.state for s in view.schedule.actions}
    return (
        "["
        + ", ".join(
            f'{{"number": {a.number}, "owner": {json.dumps(a.owner)}, '
            f'"due": {_date_json(a.due_on, memo)}, "done": {_date_json(a.done_on, memo)}, '
            f'"state": "{states.get(action_id(a.number), "waiting")}"}}'
            for a in actions
        )
        + "]"
    )


def _pause_json(view: CaseView, memo: Memo) -> str:
    pause = view.record.active_pause
    if pause is None:
        return "null"
    return f'{{"reason": "{pause.reason}", "since": {_date_json(pause.started_on, memo)}}}'


def status_json(records: Sequence[CaseRecord], profile: Profile, today: date) -> str:
    views = build_views(records, profile, today)
    if not views:
        return "[]\n"
    memo: Memo = {}
    return "[\n" + ",\n".join(status_row_json(v, memo) for v in views) + "\n]\n"


# What to do first, said where a coordinator meets an empty database on the command line.
EMPTY_HINT = (
    "To start: open the app (rr-tui) and press n to add a case, or import the current "
    "tracker with: rr-tui import FILE (CSV or xlsx; --dry-run shows how it would be read)."
)


def status_text(records: Sequence[CaseRecord], profile: Profile, today: date) -> str:
    views = build_views(records, profile, today)
    counts = rag_counts(views)
    lines = [
        f"Today {uk(today)} · {counts['red']} red · {counts['amber']} amber · "
        + (f"{counts['incomplete']} incomplete · " if counts["incomplete"] else "")
        + f"{counts['green']} green"
        + (f" · {counts['closed']} closed" if counts["closed"] else "")
    ]
    if not views:
        lines.append("No open cases.")
        if not records:
            lines.append(EMPTY_HINT)
        return "\n".join(lines) + "\n"
    header = ("REFERENCE", "STAGE", "NEXT STEP", "DUE", "WD LEFT", "STATE")
    rows = [
        (
            for_display(v.record.reference),
            v.schedule.stage,
            v.next_step.label if v.next_step else "—",
            uk_short(v.next_due) + (PROVISIONAL_MARK if _text_note(v) else ""),
            "" if v.slack is None else str(v.slack),
            f"{RAG_GLYPHS[v.schedule.rag]} {RAG_WORDS[v.schedule.rag]}",
        )
        for v in views
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [
            cell.rjust(widths[i]) if i == 4 else cell.ljust(widths[i]) for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    notes = dict.fromkeys(note for note in map(_text_note, views) if note)
    lines.extend(f"{PROVISIONAL_MARK} {note}" for note in notes)
    return "\n".join(lines) + "\n"
