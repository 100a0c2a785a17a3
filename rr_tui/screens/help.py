"""Help: the keys of the screen you came from, and what the states mean."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from rr_tui.schedule import RAG_GLYPHS, STATE_GLYPHS

STATES = (
    ("done", "recorded on or before its due date"),
    ("late", "recorded, but after its due date"),
    ("pending", "not done yet; due today or later"),
    ("overdue", "not done, and the due date has passed"),
    ("waiting", "no due date yet: what it counts from is not recorded"),
)
RAGS = (
    ("red", "a step is overdue"),
    ("amber", "a pending step has 2 working days of slack or fewer"),
    ("green", "every pending step has more slack"),
    ("closed", "the case is closed"),
)
GLOBAL_KEYS = (
    ("? / F1", "this help"),
    ("ctrl+p", "command palette: every action by name"),
    ("ctrl+q", "quit"),
)


def _rows(screen: Screen[Any]) -> list[tuple[str, str]]:
    rows = getattr(screen, "key_help_rows", None)
    if callable(rows):
        result: list[tuple[str, str]] = rows()
        return result
    return []


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
        for key, what in (*_rows(self.under), *GLOBAL_KEYS):
            keys.add_row(key, what)
        states = Table(box=None, padding=(0, 1), show_header=False)
        states.add_column(no_wrap=True)
        states.add_column()
        for state, what in STATES:
            states.add_row(f"{STATE_GLYPHS[state]} {state}", what)
        for rag, what in RAGS:
            states.add_row(f"{RAG_GLYPHS[rag]} {rag.upper()}", what)
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
                yield Static("States", classes="section-title", markup=False)
                yield Static(states)
                yield Static("Working days", classes="section-title", markup=False)
                yield Static(convention)

    def action_close(self) -> None:
        self.dismiss(None)
