"""Fictional cases for the benchmarks: a CSV in the import format, and a database built from it.

Run as a script to write the CSV and build the database once, timing the import:

    .venv/bin/python benchmarks/make_cases.py [--cases 10000] [--keep DIR]

Every case is invented: references look like ``RR19-00042`` (short enough to show
whole in the 80-column case list), children are ``Child AB`` and owners come from
a list of made-up names. Dates spread over 2018-2028 and the cases stand at every
stage, from "LA aware of incident" alone to a published full review; about one in
twenty is closed.

The database is built the way a partnership would build it: ``rr-tui import`` in a
fresh subprocess, with ``RR_TUI_DATA_DIR`` and ``RR_TUI_CONFIG`` pointing into a
temporary folder so nothing touches the real data or configuration.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import TracebackType

try:  # the installed package, or whatever PYTHONPATH names (to benchmark another tree)
    import rr_tui  # noqa: F401
except ImportError:  # not installed: the tree this file is in
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rr_tui.deadlines import add_calendar_months, add_working_days
from rr_tui.rules.profile import ENGLAND

DEFAULT_CASES = 10_000
SEED = 20260615
# The "today" every benchmark pretends (a Monday): some cases are long done,
# some are live around it, some are dated after it.
BENCH_TODAY = date(2026, 6, 15)
FIRST_DAY = date(2018, 1, 1)
LAST_DAY = date(2028, 12, 31)
OWNERS = (
    "A. Patel",
    "J. Okafor",
    "R. Hughes",
    "S. Nowak",
    "M. Byrne",
    "L. Chen",
    "K. Mensah",
    "D. Evans",
    "T. Adeyemi",
    "P. Walsh",
    "H. Khan",
    "E. Morgan",
)
REFERENCE_PATTERN = rb"RR\d\d-\d{5}"  # what a case row shows in the Reference column
CASE_ROW = re.compile(REFERENCE_PATTERN)  # a case row written to the terminal
# The file is the same, byte for byte, as the one every figure in docs/benchmarks.md
# has been measured on since the first release (sha256 in docs/benchmarks.md), so
# that figures from different trees compare. So its columns and decisions are the
# first release's: a `national_review` row imports as a national referral with no
# local review (revision 0009), as a coordinator's old spreadsheet would.
FULL_REVIEW = ("lcspr", "national_review", "joint_review")
NO_FULL_REVIEW = ("no_further_review", "other_learning_review", "criteria_not_met")
# The steps a case runs through, in the profile's order: the rapid review's (to the
# Panel's response), then a full review's (from the IMRs requested to publication).
_STEP_IDS = ENGLAND.step_ids
CASE_STEPS = _STEP_IDS[: _STEP_IDS.index("panel_response") + 1]
FULL_STEPS = _STEP_IDS[_STEP_IDS.index("imrs_requested") :]


def header() -> list[str]:
    """The import header: reference, child, owner, status, the steps dated, decision."""
    return ["reference", "child", "owner", "status", *CASE_STEPS, *FULL_STEPS, "decision"]


def _wd(start: date, rng: random.Random, low: int, high: int) -> date:
    return add_working_days(start, rng.randint(low, high))


def _timeline(rng: random.Random, aware: date, full: bool) -> dict[str, date]:
    """Every step's date for a case that runs to the end; the caller keeps a prefix."""
    when: dict[str, date] = {"incident_aware": aware}
    # Mostly on time, sometimes late (the SIN after 5 WD, the meeting after 13 ...).
    when["sin_submitted"] = _wd(aware, rng, 1, 8)
    when["referral_received"] = _wd(aware, rng, 1, 6)
    ref = when["referral_received"]
    when["scoping_requests_sent"] = _wd(ref, rng, 1, 4)
    when["agency_returns"] = _wd(when["scoping_requests_sent"], rng, 3, 8)
    when["rr_meeting"] = _wd(max(ref, when["agency_returns"]), rng, 1, 6)
    when["panel_notified"] = _wd(when["rr_meeting"], rng, 1, 3)
    when["panel_response"] = _wd(when["panel_notified"], rng, 5, 25)
    if full:
        when["imrs_requested"] = _wd(when["rr_meeting"], rng, 5, 30)
        when["practitioner_event"] = _wd(when["imrs_requested"], rng, 20, 60)
        when["final_report"] = add_calendar_months(when["rr_meeting"], rng.randint(5, 8))
        when["prepublication_copy"] = _wd(when["final_report"], rng, 10, 40)
        when["published"] = _wd(when["prepublication_copy"], rng, 7, 12)
    return when


def case_row(index: int, rng: random.Random) -> dict[str, str]:
    """One fictional case, at a random stage, with ISO dates or empty cells."""
    full = rng.random() < 0.35
    # Full reviews take up to a year and a half: start them early enough to end by 2028.
    latest = LAST_DAY - timedelta(days=560 if full else 100)
    aware = FIRST_DAY + timedelta(days=rng.randrange((latest - FIRST_DAY).days))
    timeline = _timeline(rng, aware, full)
    order = CASE_STEPS + (FULL_STEPS if full else ())
    done_count = rng.randint(0, len(order))
    row = {name: "" for name in header()}
    row["reference"] = f"RR{aware.year % 100:02d}-{index:05d}"
    row["child"] = "Child " + "".join(rng.choice("ABCDEFGHJKLMNPRSTW") for _ in range(2))
    row["owner"] = rng.choice(OWNERS)
    for step_id in order[:done_count]:
        row[step_id] = timeline[step_id].isoformat()
    if done_count > CASE_STEPS.index("rr_meeting"):
        row["decision"] = rng.choice(FULL_REVIEW if full else NO_FULL_REVIEW)
    closed = (done_count == len(order) and rng.random() < 0.5) or rng.random() < 0.02
    row["status"] = "closed" if closed else "open"
    return row


def iter_rows(n: int = DEFAULT_CASES, seed: int = SEED) -> Iterator[dict[str, str]]:
    rng = random.Random(seed)
    for index in range(1, n + 1):
        yield case_row(index, rng)


def write_csv(path: Path, n: int = DEFAULT_CASES, seed: int = SEED) -> Path:
    """Write ``n`` fictional cases in the import format to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header(), lineterminator="\n")
        writer.writeheader()
        writer.writerows(iter_rows(n, seed))
    return path


def rr_tui_command() -> list[str]:
    """The console script next to this interpreter, else ``python -m rr_tui``."""
    script = Path(sys.executable).with_name("rr-tui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "rr_tui"]


def app_command() -> list[str]:
    """The terminal app as the benchmarks run it: ``rr-tui --today BENCH_TODAY``."""
    return [*rr_tui_command(), "--today", BENCH_TODAY.isoformat()]


@dataclass(frozen=True)
class BenchData:
    """A temporary home for one benchmark run: its CSV, database and environment."""

    root: Path
    csv_path: Path
    data_dir: Path
    config_path: Path
    cases: int
    temporary: bool = False  # removed when a ``with`` block over it ends

    def __enter__(self) -> BenchData:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.temporary:
            self.cleanup()

    @property
    def db_path(self) -> Path:
        return self.data_dir / "rr-tui.db"  # rr_tui.config.default_db_path()

    @property
    def db_url(self) -> str:
        return "sqlite:///" + str(self.db_path)

    def env(self) -> dict[str, str]:
        """The environment for every rr-tui subprocess of the benchmark."""
        env = dict(os.environ)
        env.pop("RR_TUI_DB", None)
        env["RR_TUI_DATA_DIR"] = str(self.data_dir)
        env["RR_TUI_CONFIG"] = str(self.config_path)
        env["HOME"] = str(self.root / "home")
        env["XDG_DATA_HOME"] = str(self.root / "home" / "xdg-data")
        env["XDG_CONFIG_HOME"] = str(self.root / "home" / "xdg-config")
        # Bytecode is cached as for an installed package, but in the temp folder
        # rather than the work tree (this machine sets PYTHONDONTWRITEBYTECODE,
        # which would otherwise make every run recompile rr_tui from source).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(self.root / "pycache")
        return env

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def prepare(n: int = DEFAULT_CASES, root: Path | None = None) -> BenchData:
    """A temp folder with the CSV written and an empty configuration; no database yet."""
    base = Path(tempfile.mkdtemp(prefix="rr-tui-bench-")) if root is None else root
    base.mkdir(parents=True, exist_ok=True)
    (base / "home").mkdir(exist_ok=True)
    data = BenchData(
        base, base / "cases.csv", base / "data", base / "config.toml", n, temporary=root is None
    )
    data.config_path.write_text("")  # the built-in England profile
    write_csv(data.csv_path, n)
    return data


def run_import(data: BenchData) -> float:
    """``rr-tui import cases.csv`` into a fresh database; returns the wall time in seconds."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        data.db_path.with_name(data.db_path.name + suffix).unlink(missing_ok=True)
    start = time.perf_counter()
    result = subprocess.run(
        [*rr_tui_command(), "import", str(data.csv_path)],
        env=data.env(),
        cwd=data.root,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"rr-tui import failed ({result.returncode}): {result.stderr.strip()}")
    if f"imported {data.cases} case" not in result.stdout:
        raise RuntimeError(f"unexpected import output: {result.stdout.strip()}")
    return elapsed


def build_database(
    n: int = DEFAULT_CASES, root: Path | None = None, *, reuse: bool = False
) -> BenchData:
    """Write the CSV and build the SQLite database of it with ``rr-tui import``.

    With ``reuse``, a database that an earlier run built in ``root`` from the
    same number of cases is used as it is.
    """
    if reuse and root is not None:
        data = BenchData(root, root / "cases.csv", root / "data", root / "config.toml", n)
        marker = root / "cases.built"
        if data.db_path.exists() and marker.exists() and marker.read_text() == str(n):
            return data
    data = prepare(n, root)
    run_import(data)
    (data.root / "cases.built").write_text(str(n))
    return data


def bench_parser(doc: str | None, *, reuse: bool = False) -> argparse.ArgumentParser:
    """A benchmark's command line: --cases and --keep (and --reuse), described by its doc."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES)
    parser.add_argument(
        "--keep", type=Path, help="build the data here and keep it (default: a temp dir)"
    )
    if reuse:
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="use the database an earlier run left in --keep, if any",
        )
    return parser


def bench_data(args: argparse.Namespace) -> BenchData:
    """The database the arguments ask for, built (or reused, with --reuse)."""
    print(f"{args.cases:,} cases: building (or reusing) the database ...", flush=True)
    return build_database(args.cases, args.keep, reuse=args.reuse)


def main(argv: list[str] | None = None) -> int:
    args = bench_parser(__doc__).parse_args(argv)
    with prepare(args.cases, args.keep) as data:
        seconds = run_import(data)
        (data.root / "cases.built").write_text(str(args.cases))
        counts: dict[str, int] = {}
        with data.csv_path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                last = max((i for i, s in enumerate(ENGLAND.step_ids) if row[s]), default=-1)
                stage = ENGLAND.step_ids[last] if last >= 0 else "(nothing yet)"
                counts[stage] = counts.get(stage, 0) + 1
        print(f"{args.cases} cases -> {data.csv_path} ({data.csv_path.stat().st_size:,} bytes)")
        print(f"rr-tui import: {seconds:.2f} s -> {data.db_path}")
        print("furthest step done:")
        for step in ("(nothing yet)", *ENGLAND.step_ids):
            print(f"  {step:<24} {counts.get(step, 0):6d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
