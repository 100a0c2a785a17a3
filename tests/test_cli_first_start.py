"""A first start on the command line: ``demo --db PATH`` writes the demo at PATH (never over
a real database); ``db create`` makes an empty database; an empty one says what to do first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from factories import cli


def refs(capsys: pytest.CaptureFixture[str], path: Path) -> list[str]:
    code, out, err = cli(capsys, "--db", str(path), "--today", "26/11/2026", "status", "--json")
    assert (code, err) == (0, "")
    return sorted(row["reference"] for row in json.loads(out))


def test_demo_writes_at_the_path_given(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "new folder" / "trial.db"
    code, out, err = cli(capsys, "demo", "--db", str(target), "--today", "26/11/2026", "--no-open")
    assert (code, err) == (0, "")
    assert str(target) in out
    assert target.stat().st_mode & 0o077 == 0
    first = refs(capsys, target)
    assert first and all(r.startswith("DEMO-2026-") for r in first)
    # Again: the earlier demo there is replaced, not added to.
    assert cli(capsys, "demo", "--db", str(target), "--no-open", "--today", "26/11/2026")[0] == 0
    assert refs(capsys, target) == first
    # ...with a fresh audit trail, which the old demo's witness does not contradict.
    assert cli(capsys, "--db", str(target), "audit", "verify") == (0, "audit trail intact\n", "")


def test_demo_opens_the_app_on_that_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def fake_run_app(url: str, **kwargs: Any) -> int:
        seen.update(kwargs, url=url)
        return 0

    monkeypatch.setattr("rr_tui.app.run_app", fake_run_app)
    target = tmp_path / "demo-here.db"
    assert cli(capsys, "--db", str(target), "demo")[0] == 0
    assert seen["demo_path"] == target
    assert seen["url"].endswith("/demo-here.db")
    seen.clear()
    assert cli(capsys, "demo")[0] == 0  # no --db: the usual demo file, never RR_TUI_DB
    assert seen["demo_path"].name == "demo.db"


def test_demo_never_replaces_a_real_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    real = tmp_path / "real.db"
    sheet = tmp_path / "cases.csv"
    sheet.write_text("reference,owner\nRR-2026-001,A. B.\n")
    assert cli(capsys, "--db", str(real), "import", str(sheet))[0] == 0
    before = real.read_bytes()
    code, out, err = cli(capsys, "demo", "--db", str(real), "--no-open")
    assert (code, out) == (3, "")
    assert "1 real case" in err and "never replaces it" in err
    assert real.read_bytes() == before


@pytest.mark.parametrize("content", [b"not a database\n", b"SQLite format 3\x00" + b"\x00" * 100])
def test_demo_never_replaces_another_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes
) -> None:
    other = tmp_path / "notes.db"
    other.write_bytes(content)
    code, _, err = cli(capsys, "demo", "--db", str(other), "--no-open")
    assert code == 3 and "not an earlier demo database" in err
    assert other.read_bytes() == content


def test_demo_refuses_a_server_url(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "demo", "--db", "postgresql+psycopg://h/db", "--no-open")
    assert code == 2 and "file path" in err


def test_an_empty_database_says_what_to_do_first(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "team.db"
    code, out, err = cli(capsys, "--db", str(target), "db", "create")
    assert (code, err) == (0, "")
    assert out == f"database ready: {target}\n"
    code, out, err = cli(capsys, "--db", str(target), "--today", "26/11/2026", "status")
    assert (code, err) == (0, "")
    assert "No open cases." in out
    assert "press n to add a case" in out and "rr-tui import FILE (CSV or xlsx" in out
    # Creating it again keeps what is there.
    assert cli(capsys, "--db", str(target), "db", "create")[0] == 0
