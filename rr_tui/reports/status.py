"""``rr-tui status``: the open cases, most urgent first, as text or JSON."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
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
    """Texts (JSON, dates) remembered by the value they are made from.

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


def _next_words(view: CaseView) -> str:
    """The next step's name; with no deadline running, what the case waits for."""
    named = view.named_step
    if named is None:
        return "—"
    return named.label if view.next_step is not None else f"{named.label} (awaited)"


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


# Cases per piece of ``status --json`` text (see ``status_json_pieces``).
PIECE = 500


def status_json_pieces(views: Sequence[CaseView]) -> Iterator[str]:
    """The ``status --json`` text of cases already in triage order, a few hundred at a time.

    Written piece by piece, the text never exists whole: for 10,000 cases it is
    14 MB, which standard output's checks and encoding would copy three times
    over, each copy fresh memory the system must map (about 40 ms of the command).
    """
    if not views:
        yield "[]\n"
        return
    texts = JsonTexts()
    for start in range(0, len(views), PIECE):
        rows = ",\n".join([status_row_json(v, texts) for v in views[start : start + PIECE]])
        yield ("[\n" if start == 0 else ",\n") + rows
    yield "\n]\n"


def status_json(records: Sequence[CaseRecord], profile: Profile, today: date) -> str:
    return "".join(status_json_pieces(build_views(records, profile, today)))


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
    # With 10,000 cases every per-cell call shows: a date's text and a state's
    # words are made once each, and the columns padded by one format string.
    due_text = _Texts(uk_short)
    states = {rag: f"{RAG_GLYPHS[rag]} {RAG_WORDS[rag]}" for rag in RAG_GLYPHS}
    notes = [_text_note(v) for v in views]
    rows = [
        (
            for_display(v.record.fields.reference),
            v.schedule.stage,
            _next_words(v),
            due_text[v.next_due] + (PROVISIONAL_MARK if note else ""),
            "" if v.slack is None else str(v.slack),
            states[v.schedule.rag],
        )
        for v, note in zip(views, notes, strict=True)
    ]
    w = [max(map(len, column)) for column in zip(header, *rows, strict=True)]
    line = f"{{:<{w[0]}}}  {{:<{w[1]}}}  {{:<{w[2]}}}  {{:<{w[3]}}}  {{:>{w[4]}}}  {{:<{w[5]}}}"
    lines.extend(line.format(*row).rstrip() for row in [header, *rows])
    lines.extend(f"{PROVISIONAL_MARK} {note}" for note in dict.fromkeys(filter(None, notes)))
    return "\n".join(lines) + "\n"
