"""The command line, in-process and as the installed ``rr-tui`` program."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from factories import COMMANDS, assert_one_line_error, cli
from factories import seeded as seeded_db

from rr_tui.rules.triage import RAG_ORDER

TODAY = date(2026, 3, 10)
RR_TUI = Path(sys.executable).parent / "rr-tui"


@pytest.fixture
def seeded(db_url: str) -> str:
    """A database of the twelve demo cases dated around TODAY; returns its URL."""
    return seeded_db(db_url, TODAY)


def record(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    """``rr-tui record ARGS`` on ``url`` with today TODAY."""
    return cli(capsys, "--db", url, "--today", TODAY.isoformat(), "record", *args)


def status_json(capsys: pytest.CaptureFixture[str], url: str, *extra: str) -> list[dict[str, Any]]:
    code, out, err = cli(
        capsys, "--db", url, "--today", TODAY.isoformat(), "status", "--json", *extra
    )
    assert (code, err) == (0, "")
    rows: list[dict[str, Any]] = json.loads(out)
    return rows


def test_deadline_counts_working_days_over_christmas(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, "deadline", "2026-12-18", "15") == (0, "2027-01-13\n", "")


@pytest.mark.parametrize(
    "args", [("deadline", "2026-12-18", "0"), ("deadline", "12/18/2026", "15"), ("frobnicate",)]
)
def test_usage_errors_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, out, err = cli(capsys, *args)
    assert (code, out) == (2, "")
    assert_one_line_error(err)


def test_help_mentions_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "--help")
    assert code == 0
    for command in COMMANDS:
        assert f"    {command} " in out, command
    assert "exit codes" in out


def test_profile_shows_steps_convention_and_configuration(
    capsys: pytest.CaptureFixture[str], isolated: Path
) -> None:
    code, out, _ = cli(capsys, "profile")
    assert code == 0
    assert "England" in out
    assert "day 0" in out
    for step in (
        "incident_aware",
        "sin_submitted",
        "scoping_requests_sent",
        "rr_meeting",
        "panel_notified",
        "panel_response",
    ):
        assert step in out
    assert "15 WD after the first recorded of sin_submitted, referral_received" in out
    assert "(local target)" in out
    assert f"Configuration (from {isolated / 'config.toml'})." in out


def test_status_lists_open_cases_most_urgent_first(
    capsys: pytest.CaptureFixture[str], seeded: str
) -> None:
    code, out, err = cli(capsys, "--db", seeded, "--today", "2026-03-10", "status")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Today Tue 10 Mar 2026 · 3 red · 4 amber · 4 green"
    assert lines[1].split() == ["REFERENCE", "STAGE", "NEXT", "STEP", "DUE", "WD", "LEFT", "STATE"]
    references = [line.split()[0] for line in lines[2:]]
    assert references[:3] == ["DEMO-2026-002", "DEMO-2026-004", "DEMO-2026-012"]
    assert len(references) == 11
    assert "DEMO-2026-011" not in references
    assert "-2  ▲ RED" in lines[2]


def test_status_all_includes_closed_cases(capsys: pytest.CaptureFixture[str], seeded: str) -> None:
    code, out, _ = cli(capsys, "--db", seeded, "--today", "2026-03-10", "status", "--all")
    assert code == 0
    assert out.splitlines()[-1].startswith("DEMO-2026-014")  # closed cases last, by reference
    assert "CLOSED" in out.splitlines()[-1]


def test_status_json_shape_and_order(capsys: pytest.CaptureFixture[str], seeded: str) -> None:
    rows = status_json(capsys, seeded)
    assert len(rows) == 11
    for row in rows:
        assert set(row) - {"stage"} == {
            "reference",
            "rag",
            "next_step",
            "next_due",
            "provisional",
            "steps",
            "actions",
            "paused",
        }
        for step in row["steps"]:
            assert set(step) == {
                "id",
                "due",
                "done",
                "state",
                "slack",
                "provisional",
                "local_target",
            }
            assert step["state"] in {"done", "late", "pending", "overdue", "waiting", "paused"}
        for action in row["actions"]:
            # No action text: it may name people.
            assert set(action) == {"number", "owner", "due", "done", "state"}
    keys = [(RAG_ORDER[r["rag"]], r["next_due"] or "9999-12-31") for r in rows]
    assert keys == sorted(keys)

    first = rows[0]
    assert (first["reference"], first["rag"]) == ("DEMO-2026-002", "red")
    assert (first["next_step"], first["next_due"]) == ("sin_submitted", "2026-03-06")
    sin = next(s for s in first["steps"] if s["id"] == "sin_submitted")
    assert sin == {
        "id": "sin_submitted",
        "due": "2026-03-06",
        "done": None,
        "state": "overdue",
        "slack": -2,
        "provisional": False,
        "local_target": False,
    }

    everything = status_json(capsys, seeded, "--all")
    closed = ["DEMO-2026-011", "DEMO-2026-013", "DEMO-2026-014"]
    assert [r["reference"] for r in everything if r["rag"] == "closed"] == closed
    assert everything[-1]["reference"] == "DEMO-2026-014"


def test_record_then_status_shows_the_step_done(
    capsys: pytest.CaptureFixture[str], seeded: str
) -> None:
    code, out, err = record(capsys, seeded, "DEMO-2026-002", "sin_submitted", "2026-03-09")
    assert (code, out, err) == (0, "recorded sin_submitted on Mon 9 Mar 2026\n", "")
    row = next(r for r in status_json(capsys, seeded) if r["reference"] == "DEMO-2026-002")
    sin = next(s for s in row["steps"] if s["id"] == "sin_submitted")
    assert (sin["done"], sin["state"]) == ("2026-03-09", "late")
    assert row["rag"] != "red"

    assert record(capsys, seeded, "DEMO-2026-003", "scoping_requests_sent", "today")[0] == 0
    row = next(r for r in status_json(capsys, seeded) if r["reference"] == "DEMO-2026-003")
    assert next(s for s in row["steps"] if s["id"] == "scoping_requests_sent")["done"] == (
        "2026-03-10"
    )


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (("DEMO-2026-002", "tea_break", "2026-03-09"), 3, "no step 'tea_break'"),
        (("DEMO-2099-999", "sin_submitted", "2026-03-09"), 4, "no case has that reference"),
        (("DEMO-2026-002", "sin_submitted", "2026-02-30"), 3, "DATE: no such date"),
        (("DEMO-2026-002", "sin_submitted", "03/13/2026"), 3, "DATE: no such date: the day"),
        (("DEMO-2026-002", "sin_submitted", "9 March"), 3, "DATE: give the year too"),
    ],
)
def test_record_errors_are_one_line_and_change_nothing(
    capsys: pytest.CaptureFixture[str],
    seeded: str,
    args: tuple[str, ...],
    exit_code: int,
    message: str,
) -> None:
    before = status_json(capsys, seeded)
    code, out, err = record(capsys, seeded, *args)
    assert (code, out) == (exit_code, "")
    assert_one_line_error(err)
    assert message in err
    assert status_json(capsys, seeded) == before


# -- the installed program ------------------------------------------------------------


def run(*args: str, python: bool = False) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-X", "importtime", "-m", "rr_tui"] if python else [str(RR_TUI)]
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
        stdin=subprocess.DEVNULL,
    )


def test_program_status_json_and_exit_codes(seeded: str) -> None:
    ok = run("--db", seeded, "--today", "2026-03-10", "status", "--json")
    assert (ok.returncode, ok.stderr) == (0, "")
    assert json.loads(ok.stdout)[0]["reference"] == "DEMO-2026-002"

    missing = run("--db", "/nonexistent/folder/rr.db", "status")
    assert (missing.returncode, missing.stdout) == (6, "")
    assert_one_line_error(missing.stderr)

    bad = run("--db", seeded, "record", "DEMO-2026-002", "nope", "2026-03-09")
    assert bad.returncode == 3
    assert_one_line_error(bad.stderr)

    usage = run("--today", "someday", "status")
    assert usage.returncode == 2
    assert_one_line_error(usage.stderr)


def test_status_json_never_imports_textual(seeded: str) -> None:
    done = run("--db", seeded, "--today", "2026-03-10", "status", "--json", python=True)
    assert done.returncode == 0
    imported = [line.split("|")[-1].strip() for line in done.stderr.splitlines()]
    assert "rr_tui.reports.status" in imported
    assert not [name for name in imported if name.split(".")[0] == "textual"]


# What the quick commands never need: the app, the file formats, and pendulum (the
# clock and the month names, for relative dates only); each costs tens of ms to import.
# (``holidays`` is imported when its per-user cache is cold, as in a fresh test home.)
NOT_FOR_QUICK_COMMANDS = {"textual", "pendulum", "openpyxl", "docx", "fpdf"}


@pytest.mark.parametrize(
    "args",
    [
        ("--today", "2026-03-10", "status"),
        ("--today", "2026-03-10", "status", "--json", "--all"),
        ("deadline", "2026-12-18", "15"),
        ("deadline", "18/12/2026", "15"),
    ],
)
def test_quick_commands_import_only_what_they_use(seeded: str, args: tuple[str, ...]) -> None:
    done = run("--db", seeded, *args, python=True)
    assert done.returncode == 0, done.stderr[-300:]
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines()}
    assert "rr_tui.cli.main" in imported
    assert not {name for name in imported if name.split(".")[0] in NOT_FOR_QUICK_COMMANDS}


def test_history_gives_london_time_in_summer_and_winter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import UTC, datetime

    from rr_tui.records import CaseFields
    from rr_tui.store import Store

    url = "sqlite:///" + str(tmp_path / "db" / "rr.db")
    store = Store(url, create=True, actor="j.okafor")
    try:
        store.now = lambda: datetime(2026, 7, 1, 11, 30, tzinfo=UTC)  # BST
        case_id = store.create_case(CaseFields("RR-2026-050"))
        store.now = lambda: datetime(2026, 1, 15, 11, 30, tzinfo=UTC)  # GMT
        store.update_case(case_id, 1, CaseFields("RR-2026-050", notes="winter"))
    finally:
        store.close()
    code, out, err = cli(capsys, "--db", url, "history", "rr-2026-050")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "01 Jul 2026 12:30  j.okafor  cases: created",
        "15 Jan 2026 11:30  j.okafor  cases: changed notes",
    ]
    code, out, err = cli(capsys, "--db", url, "history", "RR-2026-050", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["at"] for r in rows] == ["2026-07-01T12:30:00+01:00", "2026-01-15T11:30:00+00:00"]
    assert rows[1]["changed"] == ["notes"]
    code, _, err = cli(capsys, "--db", url, "history", "RR-2099-001")
    assert code != 0
    assert_one_line_error(err)
