"""Help: the keys of the screen you came from, and what the states mean.

The keys come from the screen's bindings, the one definition that also feeds
the footer and the command palette, so the three never disagree.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from rr_tui.rules.profile import ENGLAND, Profile, fact_words
from rr_tui.rules.schedule import PROVISIONAL_MARK, RAG_GLYPHS, STATE_GLYPHS
from rr_tui.widgets.plain import plain_row

STATES = (
    ("done", "recorded on or before its due date"),
    ("late", "recorded, but after its due date"),
    ("pending", "not done yet; due today or later"),
    ("overdue", "not done, and the due date has passed"),
    ("waiting", "no due date yet: what it counts from is not recorded"),
)
# Marks beside a due date, and the words for a paused review.
MARKS = (
    (
        PROVISIONAL_MARK + " provisional",
        "counted from a stand-in fact (the referral while no SIN date is recorded): "
        "the date moves once the fact is recorded",
    ),
    ("* local target", "the partnership's own timescale, not Panel guidance"),
    (
        "paused",
        "a review paused for parallel proceedings: due dates do not move, "
        "the pause is shown beside them",
    ),
)
# Textual's own key, on every screen.
PALETTE = ("ctrl+p", "command palette: every action by name")


def rags(profile: Profile) -> tuple[tuple[str, str], ...]:
    """What each case state means, with the profile's own threshold."""
    n = profile.amber_slack
    return (
        ("red", "a step is overdue"),
        ("amber", f"a pending step has {n} working day{'s' if n != 1 else ''} of slack or fewer"),
        (
            "incomplete",
            "none of LA aware, SIN or referral is recorded: no clock can run, so never green",
        ),
        ("green", "every clock is running and every pending step has more slack"),
        ("closed", "the case is closed"),
    )


def clock_lines(profile: Profile) -> list[str]:
    """The profile's rapid-review rules, as the help says them ("should", local targets)."""
    first, *rest = profile.clock_anchors
    fallback = ", ".join(fact_words(a) for a in rest)
    lines = [
        f"The rapid-review clock starts at {fact_words(first)}"
        + (f" ({fallback} while it is not recorded)." if rest else ".")
    ]
    if profile.clock_wd:
        lines.append(
            f"The rapid review should reach the Panel within {profile.clock_wd} working days "
            "of the clock start (Panel guidance)."
        )
    for step_id in ("sin_submitted", "scoping_requests_sent", "rr_meeting", "panel_notified"):
        if not profile.has_step(step_id):
            continue
        step = profile.step(step_id)
        for rule in step.rules:
            if step_id == "panel_notified" and rule is profile.clock_rule:
                continue
            lines.append(f"{step.label}: should be within {rule.describe_words()}.")
    lines.append(
        f"Agency returns: {profile.agency_timescale_wd} working days after each request "
        "(local target)."
    )
    if profile.reconsideration_wd:
        lines.append(
            f"Reconsideration, after the Panel challenges or asks for more: "
            f"{profile.reconsideration_wd} working days after its response (local target)."
        )
    return lines


def key_rows(screen: Screen[Any]) -> list[tuple[str, str]]:
    """Every key the screen answers, from the same bindings that feed its footer and palette.

    Our own bindings all carry an id; keys a screen handles without a binding of
    its own (a table's arrows, a form's tab) come from its ``help_notes``.
    """
    by_action: dict[tuple[str, str], list[str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.id is None or not binding.description:
            continue
        what = binding.tooltip or binding.description
        keys = by_action.setdefault((binding.action, what), [])
        shown = screen.app.get_key_display(binding)
        if shown not in keys:
            keys.append(shown)
    rows = [(" / ".join(keys), what) for (_action, what), keys in by_action.items()]
    notes = getattr(screen, "help_notes", ())
    return [*rows, *((str(key), str(what)) for key, what in notes)]


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "close", "Close", id="help.close"),
    ]

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        keys = Table(box=None, padding=(0, 1), show_header=False)
        keys.add_column(style="bold", no_wrap=True)
        keys.add_column()
        for key, what in (*key_rows(self.under), PALETTE):
            plain_row(keys, Text(key), Text(what))
        states = Table(box=None, padding=(0, 1), show_header=False)
        states.add_column(no_wrap=True)
        states.add_column()
        for state, what in STATES:
            plain_row(states, f"{STATE_GLYPHS[state]} {state}", what)
        profile: Profile = getattr(self.app, "profile", ENGLAND)
        for rag, what in rags(profile):
            plain_row(states, f"{RAG_GLYPHS[rag]} {rag.upper()}", what)
        for mark, what in MARKS:
            plain_row(states, mark, what)
        rules = Text("\n".join(clock_lines(profile)))
        convention = Text(
            "Working days are Monday to Friday, not England and Wales bank holidays. "
            "The trigger date is day 0; working day 1 is the next working day. Slack is "
            "0 on the due day, 1 the working day before, -1 the working day after."
        )
        with Vertical(classes="dialog help"):
            yield Static("Help  (escape to close)", classes="dialog--title", markup=False)
            with VerticalScroll():
                yield Static("Keys", classes="section-title", markup=False)
                yield Static(keys)
                yield Static("Deadlines (this profile)", classes="section-title", markup=False)
                yield Static(rules)
                yield Static("What the states mean", classes="section-title", markup=False)
                yield Static(states)
                yield Static("Working days", classes="section-title", markup=False)
                yield Static(convention)

    def action_close(self) -> None:
        self.dismiss(None)
