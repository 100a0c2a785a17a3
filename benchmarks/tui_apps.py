"""The apps that ``bench_tui.py`` runs under a pseudo-terminal, one per process.

    python benchmarks/tui_apps.py bare
    python benchmarks/tui_apps.py casetable DB_URL YYYY-MM-DD
    python benchmarks/tui_apps.py fastdatatable DB_URL YYYY-MM-DD
    python benchmarks/tui_apps.py datatable DB_URL YYYY-MM-DD

``bare`` is the yardstick: a Textual app that shows one label and, so that a key
has something to repaint, changes the label's text when the down arrow is pressed.

The other three load the cases exactly as the real case list does (a thread
worker opens the store, reads every open case and builds the rows with
``rr_tui.screens.case_list.make_rows``) and show them in one table widget with
nothing else on screen, so that the widgets can be compared on their own:
rr-tui's line-API ``CaseTable``, ``textual-fastdatatable`` (its ``ArrowBackend``
built in the worker, as harlequin does) and Textual's stock ``DataTable``
filled with every row. The real app itself is run as ``rr-tui --today DATE``.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label


def mark(name: str) -> None:
    """Note when the rows are handed to the widget (perf_counter is system-wide on Linux)."""
    path = os.environ.get("RR_TUI_BENCH_MARKS")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{name} {time.perf_counter()}\n")


class BareApp(App[None]):
    """One label; the down arrow changes its text."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("down", "bump", "Bump")]

    def __init__(self) -> None:
        super().__init__()
        self.presses = 0

    def compose(self) -> ComposeResult:
        yield Label("Hello from a bare Textual app")

    def action_bump(self) -> None:
        self.presses += 1
        self.query_one(Label).update(f"Hello from a bare Textual app ({self.presses})")


class TableApp(App[None]):
    """One table of every open case, loaded in a thread worker like the real case list."""

    def __init__(self, kind: str, url: str, today: date) -> None:
        super().__init__()
        self.kind, self.url, self.today = kind, url, today

    def compose(self) -> ComposeResult:
        if self.kind == "casetable":
            from rr_tui.screens.case_list import COLUMNS
            from rr_tui.widgets.case_table import CaseTable

            yield CaseTable(COLUMNS)
        elif self.kind == "datatable":
            from textual.widgets import DataTable

            yield DataTable(cursor_type="row")
        else:
            yield Label("Loading cases…")

    def on_mount(self) -> None:
        if self.kind in ("casetable", "datatable"):
            self.query_one("*").focus()
        self.run_worker(self._load, thread=True, exit_on_error=True)

    def _load(self) -> None:
        from rr_tui.rules.profile import ENGLAND
        from rr_tui.screens.case_list import make_rows
        from rr_tui.store import Store

        store = Store(self.url)
        try:
            rows = make_rows(store.list_cases(), ENGLAND, self.today)
        finally:
            store.close()
        if self.kind == "fastdatatable":
            from textual_fastdatatable import ArrowBackend

            backend = ArrowBackend.from_records([r.cells for r in rows])
            self.call_from_thread(self._show_fast, backend)
        else:
            self.call_from_thread(self._show, rows)

    def _show(self, rows: list[Any]) -> None:
        mark("rows")
        if self.kind == "casetable":
            from rr_tui.widgets.case_table import CaseTable

            self.query_one(CaseTable).set_rows(rows)
            return
        from textual.widgets import DataTable

        from rr_tui.screens.case_list import COLUMNS

        table: DataTable[str] = self.query_one(DataTable)
        table.add_columns(*(c.label for c in COLUMNS))
        table.add_rows(r.cells for r in rows)

    def _show_fast(self, backend: Any) -> None:
        mark("rows")
        from textual_fastdatatable import DataTable as FastDataTable

        from rr_tui.screens.case_list import COLUMNS

        self.query_one(Label).remove()
        table = FastDataTable(
            backend=backend,
            column_labels=[c.label for c in COLUMNS],
            cursor_type="row",
            show_row_labels=False,
            render_markup=False,
        )
        self.mount(table)
        table.focus()


def main(argv: list[str]) -> int:
    kind = argv[0] if argv else "bare"
    if kind == "bare":
        BareApp().run()
        return 0
    if kind not in ("casetable", "fastdatatable", "datatable") or len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    TableApp(kind, argv[1], date.fromisoformat(argv[2])).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
