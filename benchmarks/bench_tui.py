"""The TUI against a bare Textual app, at 80x24, under a real pseudo-terminal.

    .venv/bin/python benchmarks/bench_tui.py [--cases 10000] [--runs 5] [--keys 5]
                                             [--no-fastdatatable]

Each app runs as its own process on an 80x24 pseudo-terminal (TERM=xterm-256color),
so what is measured is what Textual's Linux driver really writes. For every run
the script times, from the moment it forks the process:

* first paint: the first write that positions the cursor (the first frame);
* first case row: the first time a case reference (``RR19-00042``) is written;
* after the screen has settled, ``--keys`` presses of the down arrow, each timed
  from the key to the first byte of the repaint (and to the last byte before
  the output goes quiet), with the bytes written for it;
* peak memory: ``ru_maxrss`` of the process once it has quit (ctrl+q).

The apps, run in turn in the same loop so that they share the machine's state:

* ``bare``: one Label; the down arrow changes its text (the yardstick);
* ``rr-tui``: the real app, ``rr-tui --today 2026-06-15`` on the 10,000-case database;
* ``casetable``, ``fastdatatable``, ``datatable``: one table widget, loaded the way
  the case list loads (see tui_apps.py): rr-tui's line-API CaseTable,
  textual-fastdatatable and Textual's stock DataTable.

textual-fastdatatable is installed with pip into a folder outside the project
(``~/.cache/rr-tui-bench/fastdatatable``, ``--no-deps``: it uses the project's own
Textual 8.2.8) and put on that one process's PYTHONPATH; it is not a dependency.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # rr_tui itself: the installed package, or PYTHONPATH

from benchutil import Measure, median, print_load, print_table, write_json  # noqa: E402
from make_cases import BENCH_TODAY, CASE_ROW, BenchData, app_command, bench_data, bench_parser  # noqa: E402
from ptyterm import DOWN, FRAME, PtyRun  # noqa: E402

FDT_DIR = Path.home() / ".cache" / "rr-tui-bench" / "fastdatatable"
FDT_REQUIREMENTS = ("textual-fastdatatable==0.19.5", "pyarrow>=18.1.0")
KEY_BYTES_GOAL = 2048


@dataclass
class Session:
    paint: float | None = None
    row: float | None = None
    handed: float | None = None  # table apps: when the loaded rows reached the widget
    keys_first: list[float] = field(default_factory=list)
    keys_settled: list[float] = field(default_factory=list)
    key_bytes: list[int] = field(default_factory=list)
    rss_kb: int = 0
    status: int = 0


def ensure_fastdatatable(target: Path = FDT_DIR) -> Path | None:
    """textual-fastdatatable in a folder of its own, for the benchmark only."""
    if (target / "textual_fastdatatable").is_dir() and (target / "pyarrow").is_dir():
        return target
    print(f"installing {' '.join(FDT_REQUIREMENTS)} into {target} (benchmark only) ...")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            *FDT_REQUIREMENTS,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print("could not install textual-fastdatatable: " + result.stderr.strip()[-300:])
        return None
    return target


def app_argv(kind: str, data: BenchData) -> list[str]:
    if kind == "rr-tui":
        return app_command()
    apps = str(HERE / "tui_apps.py")
    if kind == "bare":
        return [sys.executable, apps, "bare"]
    return [sys.executable, apps, kind, data.db_url, BENCH_TODAY.isoformat()]


def run_session(kind: str, data: BenchData, keys: int, fdt: Path | None) -> Session:
    env = data.env()
    if kind == "fastdatatable" and fdt is not None:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(fdt), env.get("PYTHONPATH")) if p)
    marks = data.root / f"marks-{kind}.txt"
    marks.unlink(missing_ok=True)
    env["RR_TUI_BENCH_MARKS"] = str(marks)
    run = PtyRun(app_argv(kind, data), env)
    run.start()
    result = Session()
    try:
        result.paint = run.wait_for(FRAME, 30)
        if kind != "bare":
            result.row = run.wait_for(CASE_ROW, 120)
        run.wait_quiet(0.5, 20)
        for _ in range(keys):
            key = run.press(DOWN)
            if key is not None:
                result.keys_first.append(key.first)
                result.keys_settled.append(key.settled)
                result.key_bytes.append(key.nbytes)
    finally:
        result.status, result.rss_kb = run.finish()
    if marks.exists():
        for line in marks.read_text().splitlines():
            name, value = line.split()
            if name == "rows":
                result.handed = float(value) - run.t0
    if result.paint is None or (kind != "bare" and result.row is None):
        tail = bytes(run.buffer[-400:])
        raise RuntimeError(f"{kind}: nothing (or no case row) on screen; last output {tail!r}")
    return result


def _med(values: list[float]) -> float | None:
    return median(values) if values else None


def _against_bare(
    kind: str,
    what: str,
    value: float | None,
    unit: str,
    samples: list[float],
    bare: tuple[float, str],
    limit: float,
    aim: float | None = None,
    note: str = "",
) -> Measure:
    """One figure of an app, as a multiple of the bare app's: a goal for rr-tui only."""
    yardstick, against = bare
    real = kind == "rr-tui"
    return Measure(
        f"{kind}: {what}",
        value,
        unit,
        samples,
        ratio=value and value / yardstick,
        goal=f"<= {limit:g}x {against}" if real else "",
        limit=limit if real else None,
        aim=aim if real else None,
        note=note,
    )


def summarise(sessions: dict[str, list[Session]]) -> list[Measure]:
    rows: list[Measure] = []
    bare = sessions["bare"]
    b_paint = median([s.paint for s in bare if s.paint is not None])
    b_keys = [k for s in bare for k in s.keys_first]
    b_settled = [k for s in bare for k in s.keys_settled]
    b_key = median(b_keys)
    b_settle = median(b_settled)
    b_rss = median([s.rss_kb for s in bare])
    b_bytes = median([b for s in bare for b in s.key_bytes])
    rows += [
        Measure("bare: first paint", b_paint, "s", [s.paint or 0 for s in bare], note="yardstick"),
        Measure(
            "bare: key to repaint",
            b_key,
            "s",
            b_keys,
            note=f"yardstick; settled {b_settle * 1000:.0f} ms, {b_bytes:.0f} B",
        ),
        Measure("bare: peak memory", b_rss, "KB", [s.rss_kb for s in bare], note="yardstick"),
    ]
    for kind, runs in sessions.items():
        if kind == "bare" or not runs:
            continue
        real = kind == "rr-tui"
        paints = [s.paint for s in runs if s.paint is not None]
        row_times = [s.row for s in runs if s.row is not None]
        firsts = [k for s in runs for k in s.keys_first]
        settles = [k for s in runs for k in s.keys_settled]
        nbytes = [float(b) for s in runs for b in s.key_bytes]
        rss = [float(s.rss_kb) for s in runs]
        paint, row, key, settle = _med(paints), _med(row_times), _med(firsts), _med(settles)
        mem, kbytes = _med(rss), _med(nbytes)
        rows += [
            _against_bare(kind, "first paint", paint, "s", paints, (b_paint, "bare paint"), 1.5),
            _against_bare(
                kind, "first case row", row, "s", row_times, (b_paint, "bare paint"), 3.0, aim=2.5
            ),
            *(
                [
                    Measure(
                        f"{kind}: rows handed to the widget -> first row on screen",
                        _med(widget),
                        "s",
                        widget,
                        note="the widget's own share",
                    )
                ]
                if (widget := [s.row - s.handed for s in runs if s.row and s.handed])
                else []
            ),
            _against_bare(
                kind,
                "key to repaint (down)",
                key,
                "s",
                firsts,
                (b_key, "bare key"),
                2.5,
                aim=2.0,
                note=f"settled {settle * 1000:.0f} ms = {settle / b_settle:.2f}x bare"
                if settle
                else "",
            ),
            Measure(
                f"{kind}: bytes written for the key",
                kbytes,
                "B",
                nbytes,
                goal=f"<= {KEY_BYTES_GOAL} B" if real else "",
                limit=KEY_BYTES_GOAL if real else None,
                note=f"max {max(nbytes):.0f} B" if nbytes else "",
            ),
            _against_bare(kind, "peak memory", mem, "KB", rss, (b_rss, "bare"), 2.5),
        ]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__, reuse=True)
    parser.add_argument("--runs", type=int, default=5, help="sessions per app")
    parser.add_argument("--keys", type=int, default=5, help="down-arrow presses per session")
    parser.add_argument("--no-fastdatatable", action="store_true")
    parser.add_argument(
        "--no-widgets",
        action="store_true",
        help="only the bare app and rr-tui (skip the widget comparison)",
    )
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)

    kinds = ["bare", "rr-tui"]
    fdt = None
    if not args.no_widgets:
        kinds += ["casetable", "datatable"]
        if not args.no_fastdatatable:
            fdt = ensure_fastdatatable()
            if fdt is not None:
                kinds.insert(3, "fastdatatable")
    with bench_data(args) as data:
        print_load()
        sessions: dict[str, list[Session]] = {k: [] for k in kinds}
        # One untimed session of each first, to fill the bytecode and page caches.
        for kind in kinds:
            run_session(kind, data, 1, fdt)
        for i in range(args.runs):
            for kind in kinds:
                s = run_session(kind, data, args.keys, fdt)
                sessions[kind].append(s)
                row = f", row {s.row * 1000:.0f} ms" if s.row else ""
                print(
                    f"  run {i + 1} {kind:<14} paint {(s.paint or 0) * 1000:.0f} ms{row}, "
                    f"key {median(s.keys_first) * 1000 if s.keys_first else 0:.1f} ms, "
                    f"{s.rss_kb // 1024} MB",
                    flush=True,
                )
        rows = summarise(sessions)
        print_table(
            f"TUI at 80x24, {args.cases:,} cases, median of {args.runs} sessions "
            f"({args.keys} keys each)",
            rows,
        )
        write_json(args.json_out, "tui", rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
