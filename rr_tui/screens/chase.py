"""The chase list: agency returns and immediate actions due within the amber slack or
overdue, grouped by agency and by action owner, each group with a ready-to-send text
that names no child (``rr_tui.reports.chase``, as ``rr-tui chase`` prints it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, ClassVar, TypeVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from rr_tui.dates import uk, uk_short
from rr_tui.errors import RRError
from rr_tui.reports.chase import (
    ActionChaseItem,
    ChaseItem,
    action_chase_list,
    action_reminder_text,
    chase_list,
    chaser_text,
)
from rr_tui.sanitize import for_display
from rr_tui.screens.base import RRScreen
from rr_tui.widgets.clipboard import clipboard_message
from rr_tui.widgets.footer import KeyBar
from rr_tui.widgets.palette import state_styles
from rr_tui.widgets.plain import plain_row

if TYPE_CHECKING:
    from rr_tui.store import Store


@dataclass(frozen=True)
class ChaseData:
    groups: dict[str, list[ChaseItem]]  # by agency
    today: date
    actions: dict[str, list[ActionChaseItem]] = field(default_factory=dict)  # by owner


# Option ids: an agency's group, or an action owner's.
AGENCY, OWNER = "agency:", "owner:"


class ChaseScreen(RRScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="chase.back", tooltip="Back to the case list"),
        Binding(
            "y",
            "copy",
            "Copy chaser",
            id="chase.copy",
            tooltip="Send the chaser or reminder text to your terminal's clipboard (OSC 52)",
        ),
        Binding(
            "x",
            "mark_sent",
            "Mark sent",
            id="chase.sent",
            tooltip="Record that the chaser to the agency was sent today",
        ),
        Binding(
            "u",
            "undo_sent",
            "Undo sent",
            id="chase.undo",
            tooltip="Take back the last chasers recorded as sent",
        ),
        Binding(
            "v",
            "view_text",
            "View text",
            id="chase.view",
            tooltip="Show the chaser or reminder text alone, to copy by hand",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: ChaseData | None = None
        # Chasers recorded with x on this screen, newest last: what u takes back.
        self.undo_stack: list[tuple[str, list[int]]] = []
        self._busy = False

    def compose(self) -> ComposeResult:
        yield Static(
            "Agency returns and actions to chase (due within "
            f"{self.rr.profile.amber_slack} working days, or overdue)",
            id="chase-title",
            markup=False,
        )
        yield OptionList(id="chase-agencies")
        with VerticalScroll(id="chase-body"):
            yield Static("Loading…", id="chase-items", markup=False)
            yield Static("", id="chase-text", markup=False)
        yield KeyBar(compact=True)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()

    def load(self) -> None:
        profile, today = self.rr.profile, self.rr.today

        def job(store: Store) -> ChaseData:
            records = store.list_cases()
            return ChaseData(
                chase_list(records, profile, today),
                today,
                action_chase_list(records, today, profile=profile),
            )

        self.rr.run_db(job, self._show, group="chase", exclusive=True)

    def _show(self, data: ChaseData) -> None:
        self.data = data
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        groups: list[tuple[str, str, Sequence[ChaseItem | ActionChaseItem]]] = [
            *((AGENCY, agency, items) for agency, items in data.groups.items()),
            *((OWNER, owner, items) for owner, items in data.actions.items()),
        ]
        for kind, name, items in groups:
            overdue = sum(1 for i in items if i.overdue)
            label = Text(("" if kind == AGENCY else "Actions: ") + for_display(name))
            label.append(f"  {len(items)} due" + (f", {overdue} overdue" if overdue else ""))
            options.add_option(Option(label, id=kind + name))
        if not groups:
            self.query_one("#chase-items", Static).update(
                "Nothing to chase: no agency return or action is due within "
                f"{self.rr.profile.amber_slack} working days."
            )
            self.query_one("#chase-text", Static).update("")
            return
        options.highlighted = min(highlighted or 0, len(groups) - 1)
        self._show_group()

    def _chosen(self) -> str:
        """The highlighted option's id ('' when there is none)."""
        options = self.query_one(OptionList)
        if self.data is None or options.highlighted is None:
            return ""
        return options.get_option_at_index(options.highlighted).id or ""

    def _current(self) -> tuple[str, list[ChaseItem]] | None:
        """The agency highlighted and its returns (None when an action owner is)."""
        return _group(self._chosen(), AGENCY, self.data.groups if self.data else {})

    def _owner(self) -> tuple[str, list[ActionChaseItem]] | None:
        """The action owner highlighted and their actions."""
        return _group(self._chosen(), OWNER, self.data.actions if self.data else {})

    def _text(self) -> tuple[str, str] | None:
        """(whom, the ready-to-send text) of the group highlighted."""
        if self.data is None:
            return None
        current, owned = self._current(), self._owner()
        if current is not None:
            agency, items = current
            return agency, chaser_text(agency, items, self.data.today, profile=self.rr.profile)
        if owned is not None:
            owner, actions = owned
            return owner, action_reminder_text(owner, actions, self.data.today)
        return None

    def on_option_list_option_highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self._show_group()

    def _show_group(self) -> None:
        text = self._text()
        if text is None:
            return
        current, owned = self._current(), self._owner()
        if current is not None:
            table = self._returns_table(current[1])
        else:
            table = self._actions_table(owned[1] if owned is not None else [])
        self.query_one("#chase-items", Static).update(table)
        self.query_one("#chase-text", Static).update(Text("\n" + text[1], style="italic"))

    def _state(self, item: ChaseItem | ActionChaseItem) -> Text:
        st = state_styles(self.app)
        if item.overdue:
            return Text(f"✗ {-item.slack} WD overdue", style=st["overdue"])
        return Text(f"○ {item.slack} WD left", style=st["amber"])

    def _returns_table(self, items: list[ChaseItem]) -> Table:
        table = _table("Case", "Requested", "Due", "State", "Chasers sent")
        for item in items:
            chasers = ", ".join(uk_short(d) for d in item.chasers) or "none"
            plain_row(
                table,
                for_display(item.reference),
                uk(item.requested, ""),
                uk(item.due),
                self._state(item),
                chasers,
            )
        return table

    def _actions_table(self, items: list[ActionChaseItem]) -> Table:
        # Numbers, never the action's words: they may name the child or family.
        table = _table("Case", "Action", "Due", "State")
        for item in items:
            what = f"{item.number}" + (
                f" (rec. {item.recommendation})" if item.recommendation else ""
            )
            plain_row(table, for_display(item.reference), what, uk(item.due), self._state(item))
        return table

    def action_copy(self) -> None:
        text = self._text()
        if text is None:
            return
        # OSC 52: the terminal (not the server) puts it on the clipboard, so it
        # works over SSH; whether it did, rr-tui cannot tell.
        self.app.copy_to_clipboard(text[1])
        what = "Chaser text" if self._current() is not None else "Reminder text"
        self.notify(clipboard_message(what, "v"), timeout=8)

    def action_view_text(self) -> None:
        from rr_tui.screens.confirm import TextViewScreen

        text = self._text()
        if text is None:
            return
        what = "Chaser text" if self._current() is not None else "Reminder text"
        self.app.clear_notifications()  # nothing over the text to copy
        self.app.push_screen(TextViewScreen(f"{what} for {for_display(text[0])}", text[1]))

    def action_mark_sent(self) -> None:
        if self._owner() is not None:
            self.notify(
                "Reminders to action owners are not recorded: record the action as "
                "done (d on its case) once it is.",
                severity="warning",
            )
            return
        current = self._current()
        if current is None or self.data is None or self._busy:
            return
        agency, items = current
        today = self.data.today
        agency_ids = [item.agency_id for item in items]
        self._busy = True

        def job(store: Store) -> list[int]:
            return store.record_chasers(agency_ids, today)

        def done(ids: list[int]) -> None:
            self._busy = False
            self.undo_stack.append((agency, ids))
            count = len(ids)
            self.notify(
                f"Recorded a chaser sent today to {for_display(agency)} "
                f"for {count} case{'s' if count != 1 else ''}. u undoes it.",
                timeout=5,
            )
            self.load()

        self.rr.run_db(job, done, self._failed)

    def action_undo_sent(self) -> None:
        if self._busy:
            return
        if not self.undo_stack:
            self.notify("Nothing to undo: no chaser was recorded here since you opened the list.")
            return
        agency, ids = self.undo_stack.pop()
        self._busy = True

        def job(store: Store) -> int:
            return store.remove_chasers(ids)

        def done(count: int) -> None:
            self._busy = False
            self.notify(
                f"Undone: the chaser to {for_display(agency)} is no longer recorded "
                f"({count} case{'s' if count != 1 else ''}).",
                timeout=5,
            )
            self.load()

        def failed(exc: RRError) -> None:
            self.undo_stack.append((agency, ids))  # still there: u can try again
            self._failed(exc)

        self.rr.run_db(job, done, failed)

    def _failed(self, exc: RRError) -> None:
        self._busy = False
        self.rr.report(exc)

    def action_back(self) -> None:
        self.app.pop_screen()

    # Keys the list handles itself; the rest come from BINDINGS.
    help_notes = (("↑ ↓", "choose an agency, or an action owner"),)


Item = TypeVar("Item")


def _group(chosen: str, kind: str, groups: dict[str, list[Item]]) -> tuple[str, list[Item]] | None:
    """(name, items) of the option ``chosen`` when it is of ``kind`` (AGENCY or OWNER)."""
    if not chosen.startswith(kind):
        return None
    name = chosen.removeprefix(kind)
    return name, groups.get(name, [])


def _table(*columns: str) -> Table:
    table = Table(box=None, padding=(0, 1), header_style="bold", expand=True)
    for name in columns:
        table.add_column(name, no_wrap=name != "Chasers sent")
    return table
