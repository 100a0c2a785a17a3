"""Agency chase list: returns due within the amber slack or overdue, grouped by agency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from rr_tui.chase import ChaseItem, chase_list, chaser_text
from rr_tui.dates import uk, uk_short
from rr_tui.errors import RRError
from rr_tui.sanitize import for_display
from rr_tui.screens.base import RRScreen
from rr_tui.widgets.clipboard import clipboard_message
from rr_tui.widgets.palette import state_styles
from rr_tui.widgets.plain import plain_row

if TYPE_CHECKING:
    from rr_tui.store import Store


@dataclass(frozen=True)
class ChaseData:
    groups: dict[str, list[ChaseItem]]
    today: date


class ChaseScreen(RRScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="chase.back", tooltip="Back to the case list"),
        Binding(
            "y",
            "copy",
            "Copy chaser",
            id="chase.copy",
            tooltip="Send the chaser text to your terminal's clipboard (OSC 52)",
        ),
        Binding(
            "x",
            "mark_sent",
            "Mark sent",
            id="chase.sent",
            tooltip="Record that the chaser was sent today",
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
            tooltip="Show the chaser text alone, to copy by hand",
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
            "Agency returns to chase (due within "
            f"{self.rr.profile.amber_slack} working days, or overdue)",
            id="chase-title",
            markup=False,
        )
        yield OptionList(id="chase-agencies")
        with VerticalScroll(id="chase-body"):
            yield Static("Loading…", id="chase-items", markup=False)
            yield Static("", id="chase-text", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()

    def load(self) -> None:
        profile, today = self.rr.profile, self.rr.today

        def job(store: Store) -> ChaseData:
            return ChaseData(chase_list(store.list_cases(), profile, today), today)

        self.rr.run_db(job, self._show, group="chase", exclusive=True)

    def _show(self, data: ChaseData) -> None:
        self.data = data
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for agency, items in data.groups.items():
            overdue = sum(1 for i in items if i.overdue)
            label = Text(for_display(agency))
            label.append(f"  {len(items)} due" + (f", {overdue} overdue" if overdue else ""))
            options.add_option(Option(label, id=agency))
        if not data.groups:
            self.query_one("#chase-items", Static).update(
                "Nothing to chase: no agency return is due within "
                f"{self.rr.profile.amber_slack} working days."
            )
            self.query_one("#chase-text", Static).update("")
            return
        options.highlighted = min(highlighted or 0, len(data.groups) - 1)
        self._show_group()

    def _current(self) -> tuple[str, list[ChaseItem]] | None:
        options = self.query_one(OptionList)
        if self.data is None or options.highlighted is None:
            return None
        option = options.get_option_at_index(options.highlighted)
        agency = option.id or ""
        return agency, self.data.groups.get(agency, [])

    def on_option_list_option_highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self._show_group()

    def _show_group(self) -> None:
        current = self._current()
        if current is None or self.data is None:
            return
        agency, items = current
        st = state_styles(self.app)
        table = Table(box=None, padding=(0, 1), header_style="bold", expand=True)
        for name in ("Case", "Requested", "Due", "State", "Chasers sent"):
            table.add_column(name, no_wrap=name != "Chasers sent")
        for item in items:
            state = (
                Text(f"✗ {-item.slack} WD overdue", style=st["overdue"])
                if item.overdue
                else Text(f"○ {item.slack} WD left", style=st["amber"])
            )
            chasers = ", ".join(uk_short(d) for d in item.chasers) or "none"
            plain_row(
                table,
                for_display(item.reference),
                uk(item.requested, ""),
                uk(item.due),
                state,
                chasers,
            )
        self.query_one("#chase-items", Static).update(table)
        self.query_one("#chase-text", Static).update(
            Text(
                "\n" + chaser_text(agency, items, self.data.today, profile=self.rr.profile),
                style="italic",
            )
        )

    def action_copy(self) -> None:
        current = self._current()
        if current is None or self.data is None:
            return
        agency, items = current
        # OSC 52: the terminal (not the server) puts it on the clipboard, so it
        # works over SSH; whether it did, rr-tui cannot tell.
        text = chaser_text(agency, items, self.data.today, profile=self.rr.profile)
        self.app.copy_to_clipboard(text)
        self.notify(clipboard_message("Chaser text", "v"), timeout=8)

    def action_view_text(self) -> None:
        from rr_tui.screens.confirm import TextViewScreen

        current = self._current()
        if current is None or self.data is None:
            return
        agency, items = current
        text = chaser_text(agency, items, self.data.today, profile=self.rr.profile)
        self.app.clear_notifications()  # nothing over the text to copy
        self.app.push_screen(TextViewScreen(f"Chaser text for {for_display(agency)}", text))

    def action_mark_sent(self) -> None:
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
    help_notes = (("↑ ↓", "choose an agency"),)
