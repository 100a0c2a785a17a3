"""A yes/no question as a modal screen: ``y`` / ``n``, ``escape`` is no."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
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


class ConflictScreen(ModalScreen[str]):
    """Someone saved the record after you opened it: theirs and yours, field by field.

    Dismisses with ``"overwrite"`` (save yours over theirs) or ``"edit"`` (keep
    editing; your draft stays in the form).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "choose('overwrite')", "Save mine", id="conflict.overwrite"),
        Binding("k,escape", "choose('edit')", "Keep editing", id="conflict.edit"),
        Binding("f1", "app.help", "Help", id="conflict.help", show=False),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(box=None, padding=(0, 1), header_style="bold", expand=True)
        table.add_column("Field", no_wrap=True)
        table.add_column("Theirs (saved)", ratio=1)
        table.add_column("Yours (not saved)", ratio=1)
        for field, theirs, yours in self.rows:
            table.add_row(Text(field), Text(theirs or "—"), Text(yours or "—"))
        if not self.rows:
            table.add_row("", Text("They saved the same values as yours."), "")
        with Vertical(classes="dialog confirm conflict"):
            yield Static(
                "Someone else saved this since you opened it",
                classes="dialog--title",
                markup=False,
            )
            yield Static(table)
            with Horizontal(classes="dialog--buttons"):
                yield Button("Save mine over theirs (o)", id="overwrite", variant="warning")
                yield Button("Keep editing (k)", id="edit")

    def on_mount(self) -> None:
        self.query_one("#edit", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "edit")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
