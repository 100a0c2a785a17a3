"""Command-line and deadline benchmarks over 10,000 fictional cases.

    .venv/bin/python benchmarks/bench_cli.py [--cases 10000] [--runs 7] [--import-runs 3]

Every command is timed as a fresh subprocess (median of ``--runs``, after one
untimed warm-up run that fills the bytecode cache), against the yardstick
``python -c "import sqlalchemy.orm"`` measured in the same run:

* ``rr-tui import`` of the CSV into a new SQLite database (median of ``--import-runs``);
* ``rr-tui status --json --all`` (all 10,000 cases) and ``rr-tui status --json``
  (the open ones): goal within 2.5x the yardstick;
* ``rr-tui status`` and ``rr-tui deadline 2026-12-18 15``.

Then in-process microbenchmarks with ``timeit`` of ``rr_tui.deadlines``
(goal: within a microsecond per call), ``rr_tui.rules.schedule.compute`` per case, and
the phases of ``status --json`` (to show where its time goes).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
import timeit
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # rr_tui itself: the installed package, or PYTHONPATH

from benchutil import Measure, median, print_load, print_table, run_timed, write_json  # noqa: E402
from make_cases import BENCH_TODAY, BenchData, bench_parser, prepare, rr_tui_command, run_import  # noqa: E402

STATUS_GOAL = 2.5  # x the yardstick
DEADLINE_GOAL_NS = 1000.0


def cli_benchmarks(data: BenchData, runs: int, import_runs: int) -> list[Measure]:
    env = data.env()
    rows: list[Measure] = []
    rr = rr_tui_command()
    today = ["--today", BENCH_TODAY.isoformat()]

    imports = [run_import(data) for _ in range(import_runs)]
    (data.root / "cases.built").write_text(str(data.cases))
    rows.append(
        Measure(
            f"rr-tui import ({data.cases:,} cases)",
            median(imports),
            "s",
            imports,
            command=f"rr-tui import cases.csv  # fresh database each run, x{import_runs}",
            note="no goal",
        )
    )

    yardstick = "python -c 'import sqlalchemy.orm'"
    commands: list[tuple[str, list[str], bool]] = [
        (yardstick, [sys.executable, "-c", "import sqlalchemy.orm"], False),
        ("rr-tui status --json --all", [*rr, *today, "status", "--json", "--all"], True),
        ("rr-tui status --json", [*rr, *today, "status", "--json"], True),
        ("rr-tui status", [*rr, *today, "status"], False),
        ("rr-tui deadline 2026-12-18 15", [*rr, "deadline", "2026-12-18", "15"], False),
    ]
    for _name, argv, _goal in commands:
        run_timed(argv, env, cwd=data.root)  # warm-up: bytecode cache, page cache
    wall: dict[str, list[float]] = {name: [] for name, _, _ in commands}
    cpu: dict[str, list[float]] = {name: [] for name, _, _ in commands}
    peak: dict[str, int] = dict.fromkeys(wall, 0)
    # Round-robin, so that the yardstick and the commands share the machine's moods.
    for _ in range(runs):
        for name, argv, _goal in commands:
            seconds, rss, cpu_seconds = run_timed(argv, env, cwd=data.root)
            wall[name].append(seconds)
            cpu[name].append(cpu_seconds)
            peak[name] = max(peak[name], rss)
    base = median(wall[yardstick])
    for name, argv, goal in commands:
        value = median(wall[name])
        is_base = name == yardstick
        shown = argv[-1] if is_base else " ".join(["rr-tui", *argv[len(rr) :]])
        rows.append(
            Measure(
                name,
                value,
                "s",
                wall[name],
                command=shown,
                goal=f"<= {STATUS_GOAL}x yardstick" if goal else "",
                ratio=None if is_base else value / base,
                limit=STATUS_GOAL if goal else None,
                note=("yardstick; " if is_base else "")
                + f"CPU {median(cpu[name]) * 1000:.0f} ms; peak {peak[name] // 1024} MB",
            )
        )
    return rows


def _inputs(count: int = 1000) -> tuple[list[date], list[date], list[int]]:
    rng = random.Random(7)
    first = date(2018, 1, 1)
    starts = [first + timedelta(days=rng.randrange(11 * 365)) for _ in range(count)]
    ends = [s + timedelta(days=rng.randrange(-40, 120)) for s in starts]
    ns = [rng.choice((2, 5, 13, 15, 20)) for _ in range(count)]
    return starts, ends, ns


def _per_call_ns(
    stmt: object, calls: int, repeat: int = 9, number: int = 20
) -> tuple[float, float]:
    # CPU time, not wall time: other people's processes share this machine.
    times = timeit.repeat(stmt, number=number, repeat=repeat, timer=time.process_time)  # type: ignore[arg-type]
    per = [t / number / calls * 1e9 for t in times]
    return median(per), min(per)


def micro_benchmarks(data: BenchData | None) -> list[Measure]:
    from rr_tui import deadlines

    rows: list[Measure] = []
    # The first call imports holidays and builds the table: time it in fresh processes.
    code = (
        "import time; from datetime import date; from rr_tui import deadlines; "
        "t = time.perf_counter(); deadlines.is_working_day(date(2026, 6, 15)); "
        "print(time.perf_counter() - t)"
    )
    env = data.env() if data is not None else None
    cwd = data.root if data is not None else None
    firsts = [
        float(
            subprocess.run(
                [sys.executable, "-c", code],
                env=env,
                cwd=cwd,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        * 1000
        for _ in range(6)
    ][1:]  # the first run fills the bytecode cache
    rows.append(
        Measure(
            "first call (imports holidays, builds the table)",
            median(firsts),
            "ms",
            firsts,
            note="once per process, fresh processes",
        )
    )
    deadlines.is_working_day(date(2026, 6, 15))

    starts, ends, ns = _inputs()
    pairs = list(zip(starts, ns, strict=True))
    spans = list(zip(starts, ends, strict=True))
    add, between, working = (
        deadlines.add_working_days,
        deadlines.working_days_between,
        deadlines.is_working_day,
    )
    empty_med, _ = _per_call_ns(lambda: [None for _s, _n in pairs], len(pairs))
    cases = [
        ("add_working_days(d, n)", lambda: [add(s, n) for s, n in pairs]),
        ("working_days_between(a, b)", lambda: [between(a, b) for a, b in spans]),
        ("is_working_day(d)", lambda: [working(s) for s in starts]),
    ]
    for name, stmt in cases:
        med, low = _per_call_ns(stmt, len(pairs))
        rows.append(
            Measure(
                name,
                med,
                "ns",
                [med, low],
                goal=f"<= {DEADLINE_GOAL_NS:.0f} ns/call",
                limit=DEADLINE_GOAL_NS,
                note=f"min {low:.0f} ns; loop overhead {empty_med:.0f} ns included",
            )
        )

    if data is None or not data.db_path.exists():
        return rows
    from rr_tui.rules.profile import ENGLAND
    from rr_tui.rules.schedule import compute
    from rr_tui.store import Store

    store = Store(data.db_url)
    try:
        facts = [r.facts() for r in store.list_cases(include_closed=True)]
    finally:
        store.close()

    def all_compute() -> None:
        for f in facts:
            compute(f, ENGLAND, BENCH_TODAY)

    times = timeit.repeat(all_compute, number=1, repeat=5, timer=time.process_time)
    per_case = [t / len(facts) * 1e6 for t in times]
    rows.append(
        Measure(
            "schedule.compute(case)",
            median(per_case),
            "us",
            per_case,
            note=f"{len(facts):,} cases, {median(times) * 1000:.0f} ms CPU for all",
        )
    )

    # Where `status --json --all` spends its time: cold processes, CPU seconds per phase.
    runs = []
    for _ in range(4):
        result = subprocess.run(
            [sys.executable, str(HERE / "status_phases.py"), data.db_url, BENCH_TODAY.isoformat()],
            env=data.env(),
            cwd=data.root,
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(result.stdout))
    for key in runs[0]:
        values = [r[key] for r in runs[1:]]  # the first run fills the bytecode cache
        rows.append(Measure(f"status phase: {key}", median(values), "s", values, note="CPU"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per command")
    parser.add_argument("--import-runs", type=int, default=3)
    parser.add_argument("--json-out", type=Path, help="merge the results into this JSON file")
    args = parser.parse_args(argv)

    with prepare(args.cases, args.keep) as data:
        print_load()
        cli = cli_benchmarks(data, args.runs, args.import_runs)
        print_table(f"CLI, {args.cases:,} cases, median of {args.runs} fresh processes", cli)
        micro = micro_benchmarks(data)
        print_table("In-process (timeit; median of repeats)", micro)
        write_json(args.json_out, "cli", [*cli, *micro])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
