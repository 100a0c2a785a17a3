"""A table that draws only the rows on screen (Textual's line API).

The stock DataTable builds every row up front, which is slow with 10,000
cases. This one keeps plain tuples of strings and renders the visible lines
on demand; rows are keyed by case id so a refresh keeps the cursor on the
same case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    width: int  # a comfortable width: what every column gets before any grows further
    flex: int = 0  # kept for callers; spare width goes to the columns whose text needs it
    right: bool = False
    max_width: int = 40  # a wide terminal shows more text, not more blank
    min_width: int = 0  # the narrowest it may be squeezed to (0: never below ``width``)
    drop: int = 0  # on a narrow terminal, columns with a higher number are hidden first
    keep_end: bool = False  # squeezed, keep the end: "Tue 24 Nov" -> "24 Nov"
    fit: bool = False  # never narrower than its longest text (up to max_width): state words
    keep_count: bool = False  # squeezed, keep a trailing " +N": "Child D +2" -> "Chi… +2"


def layout(
    columns: Sequence[Column], available: int, natural: Sequence[int] | None = None
) -> list[int]:
    """Each column's width (0: hidden) for ``available`` cells, one space between columns.

    1. On a narrow terminal, columns are squeezed to their ``min_width``, and
       hidden (highest ``drop`` first) only while even that does not fit.
    2. Spare width brings every column up to its comfortable ``width``, then up
       to what its longest text needs (``natural``, capped at ``max_width``),
       shared out one cell at a time, so no column takes it all.
    """
    mins = [c.min_width or c.width for c in columns]
    if natural is not None:
        mins = [
            max(m, min(n, c.max_width)) if c.fit else m
            for m, n, c in zip(mins, natural, columns, strict=True)
        ]
    shown = [True] * len(columns)

    def needed() -> int:
        count = sum(shown)
        return sum(m for m, s in zip(mins, shown, strict=True) if s) + max(count - 1, 0)

    for i in sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: -columns[i].drop):
        if needed() <= available:
            break
        shown[i] = False
    widths = [m if s else 0 for m, s in zip(mins, shown, strict=True)]
    spare = available - needed()
    comfortable = [
        max(c.width, m) if s else 0 for c, m, s in zip(columns, mins, shown, strict=True)
    ]
    wanted = list(comfortable)
    if natural is not None:
        wanted = [
            max(w, min(n, c.max_width)) if w else 0
            for w, n, c in zip(comfortable, natural, columns, strict=True)
        ]
    for targets in (comfortable, wanted):
        spare = _share(widths, targets, spare)
    return widths


def _share(widths: list[int], targets: Sequence[int], spare: int) -> int:
    """Give ``spare`` cells out one at a time to the columns below their target."""
    while spare > 0:
        hungry = [i for i, (w, t) in enumerate(zip(widths, targets, strict=True)) if w < t]
        if not hungry:
            break
        for i in hungry:
            if spare == 0:
                break
            widths[i] += 1
            spare -= 1
    return spare


def natural_widths(columns: Sequence[Column], rows: Sequence[Row]) -> tuple[int, ...]:
    """The width each column's longest text (or its label) needs."""
    widest = [len(c.label) + 2 for c in columns]  # room for the sort marker
    count = len(widest)
    for row in rows:
        cells = row.cells
        for i in range(count):
            n = len(cells[i])
            if n > widest[i]:
                widest[i] = n
    return tuple(widest)


class Row(NamedTuple):
    key: int
    cells: tuple[str, ...]  # already made safe for display
    rag: str  # red / amber / green / closed: styles the state column
    sort_values: tuple[Any, ...]  # one per column
    words: str = ""  # more for the filter to match, not shown (a step's full label)


def _sort_key(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _fit(
    text: str, width: int, right: bool = False, keep_end: bool = False, keep_count: bool = False
) -> str:
    if width <= 0:
        return ""
    if keep_count and len(text) > width:
        head, sep, count = text.rpartition(" +")
        if sep and count.isdigit() and head:
            tail = sep + count
            room = width - len(tail) - 1
            if room >= 1:
                return (head[:room] + "…" + tail).ljust(width)
            return ("+" + count)[:width].ljust(width)
    if len(text) > width:
        if keep_end:
            return (
                text[-width:].strip().rjust(width) if right else text[-width:].strip().ljust(width)
            )
        return text[: width - 1] + "…" if width > 1 else text[:width]
    return text.rjust(width) if right else text.ljust(width)


class CaseTable(ScrollView, can_focus=True):
    """Rows of cases with a cursor; ``enter`` posts ``CaseTable.Selected``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter", "select", "Open", id="table.open", tooltip="Open the case under the cursor"
        ),
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "case-table--header",
        "case-table--cursor",
        "case-table--red",
        "case-table--amber",
        "case-table--incomplete",
        "case-table--green",
        "case-table--closed",
    }

    DEFAULT_CSS = """
    CaseTable { height: 1fr; }
    CaseTable > .case-table--header { text-style: bold; background: $panel; }
    CaseTable > .case-table--cursor { background: $block-cursor-blurred-background; }
    CaseTable:focus > .case-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    CaseTable > .case-table--red { color: $error; text-style: bold; }
    CaseTable > .case-table--amber { color: $warning; text-style: bold; }
    CaseTable > .case-table--incomplete { color: $warning; text-style: bold italic; }
    CaseTable > .case-table--green { color: $success; }
    CaseTable > .case-table--closed { color: $text-muted; }
    """

    cursor_row: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Selected(Message):
        def __init__(self, key: int) -> None:
            super().__init__()
            self.key = key

    class Highlighted(Message):
        def __init__(self, key: int | None) -> None:
            super().__init__()
            self.key = key

    def __init__(self, columns: Sequence[Column], *, state_column: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.columns = tuple(columns)
        self.state_column = state_column
        self.rows: list[Row] = []
        self.sort_column: int | None = None
        self.sort_reverse = False
        self.empty_message = "Loading cases…"  # may be several lines
        # The width each column's longest text needs, across all the rows (not
        # only those a filter shows, so columns keep still while typing).
        self.natural: tuple[int, ...] | None = None
        self._layout_for: tuple[int, tuple[int, ...] | None] | None = None
        self._layout: list[int] = []

    # -- data ---------------------------------------------------------------

    @property
    def cursor_key(self) -> int | None:
        if 0 <= self.cursor_row < len(self.rows):
            return self.rows[self.cursor_row].key
        return None

    def set_rows(self, rows: Sequence[Row], *, keep: int | None = None) -> None:
        """Replace the rows, keeping the cursor on the same case when it is still there."""
        key = keep if keep is not None else self.cursor_key
        # No sort column: the first sort value, which callers make the triage rank.
        col = self.sort_column or 0
        self.rows = sorted(
            rows, key=lambda r: _sort_key(r.sort_values[col]), reverse=self.sort_reverse
        )
        index = next((i for i, r in enumerate(self.rows) if r.key == key), None)
        self.virtual_size = Size(self._total_width(), len(self.rows) + 1)
        self.cursor_row = (
            min(self.cursor_row, max(len(self.rows) - 1, 0)) if index is None else index
        )
        self._scroll_cursor_into_view()
        self.refresh()

    def move_to_key(self, key: int) -> None:
        for index, row in enumerate(self.rows):
            if row.key == key:
                self.cursor_row = index
                self._scroll_cursor_into_view()
                return

    def sort_by(self, column: int | None, reverse: bool = False) -> None:
        self.sort_column, self.sort_reverse = column, reverse
        self.set_rows(self.rows)

    # -- layout ---------------------------------------------------------------

    def _widths(self) -> list[int]:
        available = max(self.scrollable_content_region.width, 20)
        key = (available, self.natural)
        if key != self._layout_for:
            self._layout_for, self._layout = key, layout(self.columns, available, self.natural)
        return self._layout

    def set_natural(self, natural: tuple[int, ...] | None) -> None:
        self.natural = natural
        self.virtual_size = Size(self._total_width(), len(self.rows) + 1)
        self.refresh()

    def _total_width(self) -> int:
        widths = self._widths()
        return max(sum(widths) + sum(1 for w in widths if w) - 1, 1)

    def on_resize(self, _event: events.Resize) -> None:
        self.virtual_size = Size(self._total_width(), len(self.rows) + 1)
        self.refresh()

    # -- drawing ----------------------------------------------------------------

    def _line(self, texts: Sequence[str], base: Style, state_style: Style | None) -> Strip:
        # One segment per run of one style: each segment costs an SGR sequence.
        before: list[str] = []
        state = ""
        after: list[str] = []
        k = self.state_column
        for i, (text, width, column) in enumerate(
            zip(texts, self._widths(), self.columns, strict=False)
        ):
            if not width:
                continue  # hidden on a narrow terminal
            cell = _fit(text, width, column.right, column.keep_end, column.keep_count)
            if i < k or not state_style:
                before.append(cell)
            elif i == k:
                state = cell
            else:
                after.append(cell)
        if not state_style:
            return Strip([Segment(" ".join(before), base)])
        segments: list[Segment] = []
        if before:
            segments.append(Segment(" ".join(before) + " ", base))
        segments.append(Segment(state, base + state_style))
        if after:
            segments.append(Segment(" " + " ".join(after), base))
        return Strip(segments)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        if y == 0:
            labels = []
            for i, column in enumerate(self.columns):
                marker = ""
                if i == self.sort_column:
                    marker = " ▼" if self.sort_reverse else " ▲"
                labels.append(column.label + marker)
            style = self.get_component_rich_style("case-table--header")
            strip = self._line(labels, style, None)
            return strip.crop_extend(scroll_x, scroll_x + width, style)
        index = scroll_y + y - 1
        base = self.rich_style
        if index >= len(self.rows):
            lines = self.empty_message.splitlines()
            if not self.rows and index < len(lines):
                return Strip([Segment(_fit(lines[index], width), base)])
            return Strip.blank(width, base)
        row = self.rows[index]
        if index == self.cursor_row:
            base = base + self.get_component_rich_style("case-table--cursor")
        state_class = f"case-table--{row.rag}"
        # A state this table has no style for is still shown, by its glyph and word.
        state = (
            self.get_component_rich_style(state_class)
            if state_class in self.COMPONENT_CLASSES
            else None
        )
        return self._line(row.cells, base, state).crop_extend(scroll_x, scroll_x + width, base)

    # -- cursor ---------------------------------------------------------------

    def _scroll_cursor_into_view(self) -> None:
        height = max(self.scrollable_content_region.height - 1, 1)
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + height:
            self.scroll_to(y=self.cursor_row - height + 1, animate=False)

    def watch_cursor_row(self, old: int, new: int) -> None:
        for row in (old, new):
            self.refresh_line(row + 1)  # the header is line 0
        self.post_message(self.Highlighted(self.cursor_key))

    def action_cursor(self, delta: int) -> None:
        if self.rows:
            self.cursor_row = max(0, min(len(self.rows) - 1, self.cursor_row + delta))
            self._scroll_cursor_into_view()

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(self.scrollable_content_region.height - 2, 1))

    def action_jump(self, where: int) -> None:
        if self.rows:
            self.cursor_row = 0 if where == 0 else len(self.rows) - 1
            self._scroll_cursor_into_view()

    def action_select(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.Selected(key))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_y) + event.y - 1
        if event.y >= 1 and 0 <= index < len(self.rows):
            self.cursor_row = index
            if event.chain >= 2:
                self.action_select()
