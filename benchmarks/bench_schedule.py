"""The rules engine alone: ``schedule.compute`` per case over the benchmark's 10,000 cases.

A quick, repeatable yardstick for changes to ``rr_tui/rules/schedule.py``: the facts are read
once, then every case's schedule is computed ``--repeat`` times and the median CPU time
per case is printed. To compare two trees, run it with each first on the path:

    PYTHONPATH=/path/to/other/checkout .venv/bin/python benchmarks/bench_schedule.py --keep DIR

``--keep DIR`` reuses (or builds) the database of ``make_cases.py``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
import time
from pathlib import Path
from statistics import median
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_cases import BENCH_TODAY, build_database  # noqa: E402


def _first_module(*names: str) -> Any:
    """The first of these modules that the rr_tui being measured has (by its own files:
    an editable install's finder would find a newer tree's modules for an older one)."""
    import rr_tui

    root = Path(rr_tui.__file__ or "").parent
    for name in names[:-1]:
        relative = Path(*name.split(".")[1:])
        if (root / relative.with_suffix(".py")).exists():
            return importlib.import_module(name)
    return importlib.import_module(names[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="the make_cases.py folder to use or build")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args(argv)

    data = build_database(root=args.keep, reuse=True)
    # Older trees (before the rules/ folder) keep the engine at the top level.
    profile = _first_module("rr_tui.rules.profile", "rr_tui.profile")
    schedule = _first_module("rr_tui.rules.schedule", "rr_tui.schedule")
    ENGLAND, compute = profile.ENGLAND, schedule.compute
    from rr_tui.store import Store

    store = Store(data.db_url)
    try:
        facts = [record.facts() for record in store.list_cases(include_closed=True)]
    finally:
        store.close()
    compute(facts[0], ENGLAND, BENCH_TODAY)  # the calendar's tables, built once

    per_case: list[float] = []
    gc.disable()  # as the list and `status` do while they build
    for _ in range(args.repeat):
        start = time.process_time()
        for case in facts:
            compute(case, ENGLAND, BENCH_TODAY)
        per_case.append((time.process_time() - start) / len(facts) * 1e6)
    gc.enable()
    spread = f"{min(per_case):.1f}-{max(per_case):.1f}"
    print(f"schedule.compute: {median(per_case):.2f} µs/case (median of {args.repeat}, {spread})")
    print(f"{len(facts):,} cases; rr_tui from {Path(sys.modules['rr_tui'].__file__ or '').parent}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
