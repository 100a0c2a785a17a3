"""Keys in order (rr_tui/key_order.py): what handing keys over one at a time costs.

    .venv/bin/python benchmarks/bench_keys.py [--keys 100] [--runs 3]

The real app under Pilot on the demo database (today frozen at Thu 26 Nov 2026):
``/`` opens the filter, then a burst of ``--keys`` letters is posted all at once (as a
paste without bracketed paste delivers it) and timed until every key has been handed
over and settled. Also timed: ``n`` followed at once by a 11-key reference, until the
new-case form holds it. Prints milliseconds per key; checks nothing was lost.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from tui_helpers import SIZE, demo_db, make_app, wait_for_rows

from rr_tui.app import RRApp
from rr_tui.screens.case_form import CaseForm
from rr_tui.widgets.fields import Field


def post(app: RRApp, keys: list[str]) -> None:
    for key in keys:
        name = key if len(key) > 1 else _character_to_key(key)
        app.post_message(events.Key(name, key if len(key) == 1 else None))


async def one_run(url: str, count: int) -> tuple[float, float]:
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_rows(pilot)
        post(app, ["slash"])
        await app.keys_settled()
        text = ("abcdefghij" * (count // 10 + 1))[:count]
        start = time.perf_counter()
        post(app, list(text))
        await app.keys_settled()
        burst = time.perf_counter() - start
        assert app.screen.query_one("#filter", Input).value == text, "keys lost"
        post(app, ["escape"])
        await app.keys_settled()
        start = time.perf_counter()
        post(app, ["n", *"RR-2026-009"])
        await app.keys_settled()
        opened = time.perf_counter() - start
        assert isinstance(app.screen, CaseForm)
        assert app.screen.query_one("#reference", Field).snapshot() == "RR-2026-009"
    return burst, opened


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = demo_db(Path(folder) / "rr.db")
        runs = [asyncio.run(one_run(url, args.keys)) for _ in range(args.runs)]
    per_key = [1000 * burst / args.keys for burst, _ in runs]
    opened = [1000 * o for _, o in runs]
    print(
        f"burst of {args.keys} keys into the filter: median {statistics.median(per_key):.1f} ms "
        f"a key (runs: {', '.join(f'{v:.1f}' for v in per_key)})"
    )
    print(
        f"n + 11-key reference into the new form: median {statistics.median(opened):.0f} ms "
        f"(runs: {', '.join(f'{v:.0f}' for v in opened)})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
