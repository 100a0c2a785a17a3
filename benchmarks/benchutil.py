"""Small helpers shared by the benchmark scripts: timing subprocesses, tables, goal verdicts."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Measure:
    """One line of a results table; ``value`` in the unit named, a goal as a ratio or a limit."""

    name: str
    value: float | None
    unit: str
    samples: list[float] = field(default_factory=list)
    command: str = ""
    goal: str = ""  # e.g. "<= 2.5x baseline", "<= 1000 ns"
    ratio: float | None = None  # value / yardstick, when the goal is a ratio
    limit: float | None = None  # the number the ratio or the value must not exceed
    aim: float | None = None  # a tighter number to aim for, reported only
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.limit is None or self.value is None:
            return None
        checked = self.ratio if self.ratio is not None else self.value
        return checked is not None and checked <= self.limit

    @property
    def verdict(self) -> str:
        met = self.met
        if met is None:
            return ""
        text = "MET" if met else "MISSED"
        if met and self.aim is not None:
            checked = self.ratio if self.ratio is not None else self.value
            if checked is not None and checked > self.aim:
                text += f" (aim {self.aim:g} missed)"
        return text


def print_load() -> None:
    """The machine's load before a benchmark: its figures mean little on a busy machine."""
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores)", flush=True)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.2f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "ns":
        return f"{value:.0f} ns"
    if unit == "us":
        return f"{value:.1f} µs"
    if unit == "KB":
        return f"{value / 1024:.1f} MB" if value >= 10_240 else f"{value:.0f} KB"
    if unit == "B":
        return f"{value:.0f} B"
    return f"{value:g} {unit}"


def print_table(title: str, rows: Sequence[Measure]) -> None:
    print()
    print(title)
    print("-" * len(title))
    name_w = max(len(r.name) for r in rows)
    for r in rows:
        ratio = f"{r.ratio:5.2f}x" if r.ratio is not None else ""
        line = f"  {r.name:<{name_w}}  {fmt(r.value, r.unit):>10}  {ratio:>7}"
        if r.goal:
            line += f"  goal {r.goal}: {r.verdict}"
        if r.note:
            line += f"  [{r.note}]"
        print(line.rstrip())


def run_timed(
    argv: Sequence[str], env: dict[str, str], *, stdout: Any = None, cwd: Path | None = None
) -> tuple[float, int, float]:
    """Run one fresh subprocess; return (wall seconds, peak RSS in KB, CPU seconds).

    Standard output goes to /dev/null; the working directory should not be the
    work tree (``python -c`` would import rr_tui from there, not from PYTHONPATH).
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(argv),
        env=env,
        stdout=subprocess.DEVNULL if stdout is None else stdout,
        stderr=subprocess.PIPE,
        cwd=cwd,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {err.strip()[:500]}")
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with contextlib.suppress(OSError):
        info["load_average"] = os.getloadavg()
    return info


def write_json(path: Path | None, section: str, rows: Sequence[Measure], extra: Any = None) -> None:
    """Merge this script's results into a JSON file (run_all.py collects them there)."""
    if path is None:
        return
    data: dict[str, Any] = {}
    if path.exists():
        data = json.loads(path.read_text())
    data[section] = {
        "machine": machine(),
        "rows": [asdict(r) | {"verdict": r.verdict} for r in rows],
    }
    if extra is not None:
        data[section]["extra"] = extra
    path.write_text(json.dumps(data, indent=1, default=str) + "\n")
