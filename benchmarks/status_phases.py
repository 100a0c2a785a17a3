"""Where ``rr-tui status --json --all`` spends its time, phase by phase, in one cold process.

    python benchmarks/status_phases.py DB_URL YYYY-MM-DD

Prints one JSON object: CPU seconds (``time.process_time``) per phase, measured
the way ``rr_tui.cli.main`` runs the command (bench_cli.py runs this in fresh processes
from a temporary folder, so that the bytecode cache is warm and nothing else is).
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from typing import Any

clock = time.process_time
phases: dict[str, float] = {}
mark = clock()


def lap(name: str) -> None:
    global mark
    now = clock()
    phases[name] = now - mark
    mark = now


def main(url: str, today: date) -> None:
    import gc

    gc.disable()  # as ``rr-tui status`` runs (rr_tui.cli.main)
    from rr_tui.config import load_config

    lap("import rr_tui.config")
    config = load_config()
    lap("load the configuration")
    from rr_tui.rules.triage import build_views

    try:
        from rr_tui.reports.status import status_json_pieces
    except ImportError:  # a tree from before 30 Nov 2026 (PYTHONPATH=<checkout>)
        from rr_tui.reports.status import status_row_json

        def status_json_pieces(views: list[Any]) -> list[str]:  # type: ignore[misc]
            memo: dict[object, str] = {}
            return [status_row_json(v, memo) for v in views]  # type: ignore[arg-type]

    try:
        from rr_tui.direct_read import read_cases
    except ImportError:  # a tree from before 30 Nov 2026: status read through the store

        def read_cases(url: str, *, include_closed: bool = False) -> Any:  # type: ignore[misc]
            return None

    lap("import rr_tui.reports.status, rr_tui.direct_read")
    records = read_cases(url, include_closed=True)
    if records is not None:
        lap("direct_read.read_cases(include_closed=True): the SQLite file, no SQLAlchemy")
    else:
        from rr_tui.store import Store

        lap("import rr_tui.store (SQLAlchemy)")
        store = Store(url)
        lap("Store(url): checks, engine, schema revision")
        records = store.list_cases(include_closed=True)
        lap("store.list_cases(include_closed=True), cold")
        store.close()
    views = build_views(records, config.profile, today)
    lap("views.build_views (first calendar use, compute, sort)")
    for _piece in status_json_pieces(views):
        pass  # made, as the command makes them, and let go as it writes them
    lap("reports.status_row_json for every case (the JSON text)")


if __name__ == "__main__":
    main(sys.argv[1], date.fromisoformat(sys.argv[2]))
    print(json.dumps(phases))
