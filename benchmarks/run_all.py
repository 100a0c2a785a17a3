"""Run every benchmark in turn and end with one table of the goals, met or missed.

    .venv/bin/python benchmarks/run_all.py [--cases 10000] [--quick] [--json-out FILE]

1. make_cases.py writes 10,000 fictional cases and builds the database with ``rr-tui import``;
2. bench_cli.py times the commands and the deadline functions;
3. bench_tui.py times the TUI against a bare Textual app under a pseudo-terminal,
   reusing the database of step 1.

``--quick`` runs fewer repetitions (for a smoke test, not for figures). Exits 0
whether or not the goals are met: these are measurements, not tests.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchutil import fmt  # noqa: E402


def _run(script: str, *args: str) -> None:
    argv = [sys.executable, str(HERE / script), *args]
    print(f"\n$ {' '.join(Path(a).name if a.endswith('.py') else a for a in argv[1:])}", flush=True)
    start = time.perf_counter()
    subprocess.run(argv, check=True)
    print(f"({script} took {time.perf_counter() - start:.0f} s)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--json-out", type=Path, help="keep every result in this JSON file")
    parser.add_argument("--no-fastdatatable", action="store_true")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="rr-tui-bench-all-"))
    results = args.json_out or work / "results.json"
    results.unlink(missing_ok=True)
    cases = ["--cases", str(args.cases)]
    try:
        _run("make_cases.py", *cases, "--keep", str(work / "data"))
        cli = ["--runs", "3", "--import-runs", "1"] if args.quick else []
        _run("bench_cli.py", *cases, *cli, "--keep", str(work / "data"), "--json-out", str(results))
        tui = ["--runs", "2", "--keys", "3"] if args.quick else []
        if args.no_fastdatatable:
            tui.append("--no-fastdatatable")
        _run(
            "bench_tui.py",
            *cases,
            *tui,
            "--keep",
            str(work / "data"),
            "--reuse",
            "--json-out",
            str(results),
        )

        data = json.loads(results.read_text())
        print("\nGoals")
        print("-----")
        for section in ("cli", "tui"):
            for row in data.get(section, {}).get("rows", []):
                if not row.get("goal"):
                    continue
                ratio = f" = {row['ratio']:.2f}x" if row.get("ratio") is not None else ""
                print(
                    f"  {row['name']:<42} {fmt(row['value'], row['unit']):>10}{ratio:<9} "
                    f"goal {row['goal']}: {row['verdict']}"
                )
        if args.json_out:
            print(f"\nall results: {args.json_out}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
