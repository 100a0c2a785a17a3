"""The reliability proofs of issue 4 at full size, with their figures.

    .venv/bin/python benchmarks/reliability.py [--processes 8] [--edits 500] [--trials 200]
        [--pg URL] [--only concurrency|crash] [--json-out FILE]

1. concurrency: ``--processes`` OS processes each make ``--edits`` read-change-save
   edits through ``rr_tui.store.Store`` on 4 shared cases at once (optimistic
   concurrency, retrying on a conflict); counts lost updates, lock errors and
   the audit trail's problems. The same code as tests/test_concurrency.py.
2. crash: ``--trials`` kill -9 trials during writes on one SQLite database;
   counts corrupt databases, databases that would not open, missing
   acknowledged saves, half-done writes and audit problems. The same code as
   tests/test_crash_safety.py.

Both run on SQLite (a new file in a private temporary folder) and, when
``--pg`` or RR_TUI_TEST_PG_URL names a PostgreSQL server where the role may
create databases, on a new database there (dropped afterwards). Exits 1 if any
proof fails, 0 otherwise. Figures are recorded in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # the workloads live with their tests

from test_concurrency import run_edits  # noqa: E402
from test_crash_safety import run_trials  # noqa: E402

from rr_tui.store import db  # noqa: E402


@contextmanager
def sqlite_url(name: str) -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="rr-tui-reliability-") as tmp:
        os.chmod(tmp, 0o700)
        yield "sqlite:///" + str(Path(tmp) / "db" / f"{name}.db")


@contextmanager
def pg_url(server: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    name = f"rr_rel_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _figures(
    proof: str, backend: str, figures: dict[str, Any], problems: list[str]
) -> dict[str, Any]:
    """One proof's figures, named; its first ten problems printed."""
    for problem in problems[:10]:
        print(f"  problem: {problem}")
    return {"proof": proof, "backend": backend, **figures}


def concurrency(url: str, backend: str, processes: int, edits: int) -> dict[str, Any]:
    print(f"\n[{backend}] {processes} processes x {edits} edits ...", flush=True)
    run = run_edits(url, processes, edits)
    ok = (
        run.edits == processes * edits
        and run.lost_updates == run.duplicated == run.unexpected == run.lock_errors == 0
        and not run.other_errors
        and not run.audit_problems
        and run.case_versions_ok
    )
    figures = {
        "processes": processes,
        "edits_per_process": edits,
        "edits": run.edits,
        "edits_planned": processes * edits,
        "conflicts_retried": run.conflicts,
        "lost_updates": run.lost_updates,
        "duplicated_updates": run.duplicated,
        "lock_errors": run.lock_errors,
        "other_errors": len(run.other_errors),
        "case_versions_match": run.case_versions_ok,
        "audit_problems": len(run.audit_problems),
        "seconds": round(run.seconds, 1),
        "edits_per_second": round(run.edits / run.seconds, 1) if run.seconds else None,
        "ok": ok,
    }
    return _figures("concurrency", backend, figures, [*run.other_errors, *run.audit_problems])


def crash(url: str, backend: str, trials: int, seed: int) -> dict[str, Any]:
    print(f"\n[{backend}] {trials} kill -9 trials (seed {seed}) ...", flush=True)
    report = run_trials(url, trials, seed)
    figures = {
        "seed": seed,
        "trials": report.trials,
        "killed_with_a_write_in_flight": report.killed_while_writing,
        "hot_journals_left": report.hot_journals if backend == "sqlite" else "n/a",
        "acknowledged_saves": report.acknowledged,
        "in_flight_committed": report.in_flight_committed,
        "in_flight_rolled_back": report.in_flight_rolled_back,
        "corrupt_databases": report.corrupt if backend == "sqlite" else "n/a (server)",
        "failed_to_open": report.open_failures,
        "missing_acknowledged_saves": report.missing_acknowledged,
        "phantom_writes": report.phantom,
        "half_done_writes": report.torn,
        "audit_broken": report.audit_broken,
        "seconds": round(report.seconds, 1),
        "ok": report.clean and report.trials == trials,
    }
    return _figures("crash", backend, figures, report.problems)


def show(figures: dict[str, Any]) -> None:
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"  {key:<{width}}  {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--edits", type=int, default=500, help="per process")
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20260401)
    parser.add_argument(
        "--pg",
        default=os.environ.get("RR_TUI_TEST_PG_URL", ""),
        help="a PostgreSQL server URL (default: $RR_TUI_TEST_PG_URL); empty: SQLite only",
    )
    parser.add_argument(
        "--crash-on-pg", action="store_true", help="also run the kill -9 trials on PostgreSQL"
    )
    parser.add_argument("--only", choices=("concurrency", "crash"))
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)

    print(
        f"rr-tui reliability: Python {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version} (journal_mode={db.journal_mode()}, synchronous=FULL), "
        f"{os.cpu_count()} CPUs, {platform.platform()}"
    )
    backends: list[tuple[str, Any]] = [("sqlite", sqlite_url)]
    if args.pg:
        backends.append(("postgresql", lambda name: pg_url(args.pg)))
    results = []
    started = time.perf_counter()
    for backend, make in backends:
        if args.only in (None, "concurrency"):
            with make("concurrency") as url:
                results.append(concurrency(url, backend, args.processes, args.edits))
            show(results[-1])
        if args.only in (None, "crash") and (backend == "sqlite" or args.crash_on_pg):
            with make("crash") as url:
                results.append(crash(url, backend, args.trials, args.seed))
            show(results[-1])
    total = time.perf_counter() - started
    failed = [r for r in results if not r["ok"]]
    print(f"\n{len(results) - len(failed)} of {len(results)} proofs held ({total:.0f} s)")
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
