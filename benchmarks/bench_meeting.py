"""Meeting mode at scale: its first rows against the case list's first row, at 80x24.

    .venv/bin/python benchmarks/bench_meeting.py [--cases 10000] [--runs 5]
                                                 [--keep DIR] [--reuse]

The real app, ``rr-tui --today 2026-06-15`` on the 10,000-case database, runs on an
80x24 pseudo-terminal (as in bench_tui.py). Each session times:

* the case list's first case row, from the fork (what bench_tui.py reports);
* once the whole list has loaded (the header's "loading all N…" gone) and the
  screen has been quiet for 1 s, ``M``
  (meeting mode), timed from the key to the first case row written under
  meeting mode's title ("Open rapid reviews"): its first rows;
* three down-arrow presses in meeting mode, key to repaint.

The goal (issue 12 §5): meeting mode's first rows within 1.5x the case list's
first-row time. Also timed, in this process: meeting mode's own read of every
open case (``Store.list_cases`` and ``meeting_rows``, what its thread worker does
after showing the rows the list handed over).
"""

from __future__ import annotations

import os
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchutil import Measure, median, print_load, print_table, write_json  # noqa: E402
from make_cases import BENCH_TODAY, CASE_ROW, BenchData, app_command, bench_data, bench_parser  # noqa: E402
from ptyterm import DOWN, PtyRun  # noqa: E402

TITLE = re.compile(rb"Open rapid reviews")
# The list's header once the whole list is in: its counts, without "· loading all N…".
WHOLE_LIST = re.compile(rb" green\x1b\[0m")
MEETING_KEY = b"M"


@dataclass
class Session:
    list_row: float | None = None
    meeting_row: float | None = None  # seconds from the key
    keys: list[float] = field(default_factory=list)
    status: int = 0


def run_session(data: BenchData, keys: int) -> Session:
    run = PtyRun(app_command(), data.env())
    run.start()
    result = Session()
    try:
        result.list_row = run.wait_for(CASE_ROW, 120)
        run.wait_for(WHOLE_LIST, 120)  # the whole list follows the first screenful
        run.wait_quiet(1.0, 30)
        since = len(run.buffer)
        sent = run.now()
        os.write(run.fd, MEETING_KEY)
        title = run.wait_for(TITLE, 30, since)
        if title is not None:
            found = TITLE.search(run.buffer, since)
            start = found.end() if found else since
            row = run.wait_for(CASE_ROW, 30, start)
            if row is not None:
                result.meeting_row = row - sent
        run.wait_quiet(0.5, 20)
        for _ in range(keys):
            key = run.press(DOWN)
            if key is not None:
                result.keys.append(key.first)
    finally:
        result.status, _ = run.finish()
    if result.list_row is None or result.meeting_row is None:
        tail = bytes(run.buffer[-400:])
        raise RuntimeError(f"no case row (list or meeting mode) on screen; last output {tail!r}")
    return result


def worker_read(data: BenchData, today: date, runs: int) -> list[float]:
    """Meeting mode's own read, as its worker does it (CPU-bound: time.perf_counter)."""
    from rr_tui.rules.profile import ENGLAND
    from rr_tui.store import Store
    from rr_tui.widgets.meeting_table import meeting_rows

    store = Store(data.db_url)
    try:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            rows = meeting_rows(store.list_cases(), ENGLAND, today)
            times.append(time.perf_counter() - start)
            assert rows
        return times
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__, reuse=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keys", type=int, default=3)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)

    with bench_data(args) as data:
        print_load()
        run_session(data, 0)  # untimed: fills the bytecode and page caches
        sessions = []
        for i in range(args.runs):
            s = run_session(data, args.keys)
            sessions.append(s)
            print(
                f"  run {i + 1}: list row {(s.list_row or 0) * 1000:.0f} ms, "
                f"meeting rows {(s.meeting_row or 0) * 1000:.0f} ms after M",
                flush=True,
            )
        list_rows = [s.list_row for s in sessions if s.list_row is not None]
        meeting = [s.meeting_row for s in sessions if s.meeting_row is not None]
        keys = [k for s in sessions for k in s.keys]
        reads = worker_read(data, BENCH_TODAY, args.runs)
        list_row, meeting_row = median(list_rows), median(meeting)
        rows = [
            Measure(
                "case list: first case row (from the fork)",
                list_row,
                "s",
                list_rows,
                note="the yardstick",
            ),
            Measure(
                "meeting mode: first rows (from the M key)",
                meeting_row,
                "s",
                meeting,
                ratio=meeting_row / list_row,
                goal="<= 1.5x the list's first row",
                limit=1.5,
            ),
            Measure(
                "meeting mode: key to repaint (down)", median(keys) if keys else None, "s", keys
            ),
            Measure(
                "meeting mode's own read (worker: list_cases + meeting_rows)",
                median(reads),
                "s",
                reads,
                note="off the UI thread, after the rows show",
            ),
        ]
        print_table(
            f"Meeting mode at 80x24, {args.cases:,} cases, median of {args.runs} sessions", rows
        )
        write_json(args.json_out, "meeting", rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
