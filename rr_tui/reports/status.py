"""``rr-tui status``: the open cases, most urgent first, as text or JSON."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from json.encoder import encode_basestring_ascii as _json_string  # what json.dumps(str) does
from typing import Any

from rr_tui.dates import uk, uk_short
from rr_tui.records import CaseRecord, PauseRecord
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


class _Texts(dict[Any, str]):
    """JSON texts remembered by the value they are made from.

    With 10,000 cases the same few thousand dates and a few tens of thousands of
    exact step states recur (90,000 steps in all); a hit is then the dict's own
    lookup, in C (``texts[value]``), and ``__missing__`` writes the text once.
    """

    def __init__(self, make: Callable[[Any], str]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, value: Any) -> str:
        text = self[value] = self._make(value)
        return text


class JsonTexts:
    """What ``status_row_json`` remembers across the rows of one output."""

    def __init__(self) -> None:
        self.dates = _Texts(lambda d: f'"{d.isoformat()}"' if d else "null")
        self.steps = _Texts(self._step)
        self.strings = _Texts(_json_string)

    def _step(self, s: StepStatus) -> str:
        # A step's text is a function of the step's state alone (a hashable NamedTuple).
        slack = "null" if s.slack is None else s.slack
        return (
            f'{{"id": "{s.id}", "due": {self.dates[s.due]}, '
            f'"done": {self.dates[s.done]}, "state": "{s.state}", "slack": {slack}, '
            f'"provisional": {"true" if s.provisional and s.due is not None else "false"}, '
            f'"local_target": {"true" if s.local and s.due is not None else "false"}}}'
        )


def _text_note(view: CaseView) -> str:
    """Why the case's next due date is provisional: its clock, or the step's own fallback."""
    step = view.next_step
    if step is None:
        return ""
    if step.provisional:
        return provisional_note(step)
    return clock_note(view.schedule)


def status_row_json(view: CaseView, texts: JsonTexts | None = None) -> str:
    """One case as a JSON object.

    Written directly rather than through dicts and ``json.dumps``: with 10,000
    cases this is a third of ``status --json``'s time. Only the reference, the
    stage, the provisional note and an action's owner are free text (escaped as
    ``json.dumps`` escapes them); step ids and states are fixed identifiers of the
    profile and ISO dates need no escaping, which the tests check by parsing the
    output.
    """
    j = texts if texts is not None else JsonTexts()
    schedule = view.schedule
    step = schedule.next_step
    next_id = f'"{step.id}"' if step else "null"
    note = clock_note(schedule)  # the case's provisional note ("" when not)
    record = view.record
    return (
        f'{{"reference": {_json_string(record.fields.reference)}, "rag": "{schedule.rag}", '
        f'"stage": {j.strings[schedule.stage]}, "next_step": {next_id}, '
        f'"next_due": {j.dates[step.due if step else None]}, '
        f'"provisional": {j.strings[note] if note else "null"}, '
        f'"steps": [{", ".join(map(j.steps.__getitem__, schedule.steps))}], '
        f'"actions": {_actions_json(view, j) if record.actions else "[]"}, '
        f'"paused": {_pause_json(record.active_pause, j) if record.pauses else "null"}}}'
    )


def _actions_json(view: CaseView, j: JsonTexts) -> str:
    """Each action's number, owner, dates and state: never its text, which may name people."""
    states = {s.id: s.state for s in view.schedule.actions}
    return (
        "["
        + ", ".join(
            f'{{"number": {a.number}, "owner": {j.strings[a.owner]}, '
            f'"due": {j.dates[a.due_on]}, "done": {j.dates[a.done_on]}, '
            f'"state": "{states.get(action_id(a.number), "waiting")}"}}'
            for a in view.record.actions
        )
        + "]"
    )


def _pause_json(pause: PauseRecord | None, j: JsonTexts) -> str:
    if pause is None:
        return "null"
    return f'{{"reason": "{pause.reason}", "since": {j.dates[pause.started_on]}}}'


def status_views_json(views: Sequence[CaseView]) -> str:
    """The ``status --json`` text of cases already in triage order."""
    if not views:
        return "[]\n"
    texts = JsonTexts()
    return "[\n" + ",\n".join([status_row_json(v, texts) for v in views]) + "\n]\n"


def status_json(records: Sequence[CaseRecord], profile: Profile, today: date) -> str:
    return status_views_json(build_views(records, profile, today))


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
