"""Dialogs: a yes/no question (``y`` / ``n``, ``escape`` is no), the conflict dialog,
and a block of text to copy by hand."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
        Binding("f1", "app.help", "Help", id="confirm.help", show=False),
    ]

    def __init__(self, title: str, lines: list[str], yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.title_text, self.lines, self.yes, self.no = title, lines, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Static(self.title_text, classes="dialog--title", markup=False)
            yield Static("\n".join(self.lines), markup=False)
            with Horizontal(classes="dialog--buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="warning")
                yield Button(f"{self.no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


CONFLICT_INTRO = (
    "They changed what you changed. Only the fields below differ. Every other "
    "field keeps its saved value: a field you did not touch is never cleared."
)
CONFLICT_CHOICES = (
    "o saves your value for these fields only. k goes back to the form, with your entries kept."
)


def theirs_text(value: str) -> Text:
    return Text(value) if value else Text("(empty)", style="italic")


def yours_text(value: str) -> Text:
    # Only fields the user changed are listed, so an empty value is one they cleared.
    return Text(value) if value else Text("(you cleared it)", style="italic")


class ConflictScreen(ModalScreen[str]):
    """Someone saved the record after you opened it: theirs and yours, field by field.

    ``rows`` are (field, theirs, yours) for the fields the user changed that
    differ from what is saved now. Dismisses with ``"overwrite"`` (save yours
    for those fields) or ``"edit"`` (keep editing; your draft stays in the form).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "o",
            "choose('overwrite')",
            "Save mine",
            id="conflict.overwrite",
            tooltip="Save your value for the fields listed; every other field keeps its value",
        ),
        Binding(
            "k,escape",
            "choose('edit')",
            "Keep editing",
            id="conflict.edit",
            tooltip="Back to the form; your entries are kept",
        ),
        Binding("f1", "app.help", "Help", id="conflict.help", show=False),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(box=None, padding=(0, 1), header_style="bold", expand=True)
        table.add_column("Field", no_wrap=True)
        table.add_column("Saved now (theirs)", ratio=1)
        table.add_column("Yours (not saved)", ratio=1)
        for field, theirs, yours in self.rows:
            table.add_row(Text(field), theirs_text(theirs), yours_text(yours))
        if not self.rows:
            table.add_row("", Text("They saved the same values as yours."), "")
        with Vertical(classes="dialog confirm conflict"):
            yield Static(
                "Someone else saved this since you opened it",
                classes="dialog--title",
                markup=False,
            )
            yield Static(CONFLICT_INTRO, markup=False)
            yield Static(table, id="conflict-rows")
            yield Static(CONFLICT_CHOICES, id="conflict-choices", markup=False)
            with Horizontal(classes="dialog--buttons"):
                yield Button("Save mine for these (o)", id="overwrite", variant="warning")
                yield Button("Keep editing (k)", id="edit")

    def on_mount(self) -> None:
        self.query_one("#edit", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "edit")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


HOW_TO_COPY = (
    "Select it with the mouse (hold shift in most terminals; in tmux, its copy mode) "
    "and copy it as you usually do. escape closes."
)


class TextViewScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,v", "close", "Close", id="text.close", tooltip="Close this view"),
        Binding("f1", "app.help", "Help", id="text.help", show=False),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog text-view"):
            yield Static(self.title_text, classes="dialog--title", markup=False)
            with VerticalScroll(id="text-view-body"):
                yield Static(self.text, id="text-view-text", markup=False)
            yield Static(HOW_TO_COPY, id="text-view-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#text-view-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    help_notes = (("↑ ↓", "scroll"),)


class NoticeScreen(ModalScreen[None]):
    """Something the user must see (not a toast that fades): ``enter`` or ``escape`` closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "Close", id="notice.close", tooltip="Close this notice"),
        Binding("f1", "app.help", "Help", id="notice.help", show=False, tooltip="This help"),
    ]

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self.title_text, self.lines = title, lines

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Static(self.title_text, classes="dialog--title", markup=False)
            yield Static("\n".join(self.lines), markup=False)
            with Horizontal(classes="dialog--buttons"):
                yield Button("OK (enter)", id="ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
