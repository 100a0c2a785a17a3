"""Cases read straight from a SQLite file (``rr_tui.direct_read``), as ``rr-tui status`` reads them.

The shortcut must give the very records the store gives, and step aside (None)
whenever it cannot be trusted, so that the store reports the problem.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from factories import cli
from test_first_page import busy_database

from rr_tui.config import db_url
from rr_tui.direct_read import read_cases
from rr_tui.records import CaseRecord
from rr_tui.store import Store

TODAY = date(2026, 11, 26)


def by_store(url: str, include_closed: bool) -> list[CaseRecord]:
    store = Store(url)
    try:
        return store.list_cases(include_closed=include_closed)
    finally:
        store.close()


def same(direct: list[CaseRecord] | None, stored: list[CaseRecord]) -> None:
    assert direct is not None
    # repr tells True from 1 and a date from its text.
    assert repr(sorted(direct, key=lambda r: r.id)) == repr(sorted(stored, key=lambda r: r.id))


@pytest.fixture
def chased_url(tmp_path: Path) -> str:
    """The busy cases, with chasers sent to some of their agencies."""
    folder = tmp_path / "db"
    folder.mkdir(mode=0o700)
    url = busy_database(folder / "busy.db", cases=60)
    store = Store(url)
    try:
        agencies = [a.id for r in store.list_cases() for a in r.agencies]
        store.record_chasers(agencies[::2], date(2026, 11, 20))
        store.record_chasers(agencies[::3], date(2026, 11, 24))
    finally:
        store.close()
    return url


@pytest.mark.parametrize("include_closed", [False, True])
def test_the_records_are_the_stores(chased_url: str, include_closed: bool) -> None:
    stored = by_store(chased_url, include_closed)
    assert any(a.chasers for r in stored for a in r.agencies)
    same(read_cases(chased_url, include_closed=include_closed), stored)


@pytest.mark.parametrize("include_closed", [False, True])
def test_the_demo_cases_too(demo_url: str, include_closed: bool) -> None:
    """Children, meetings, Panel answers, actions, recommendations, pauses and checks."""
    same(read_cases(demo_url, include_closed=include_closed), by_store(demo_url, include_closed))


def test_another_schema_revision_is_left_to_the_store(demo_url: str) -> None:
    path = demo_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0001'")
    assert read_cases(demo_url) is None


def test_a_damaged_date_is_left_to_the_store(
    demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = demo_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE step_dates SET done_on = 'not a date' WHERE id = 1")
    assert read_cases(demo_url) is None
    # ... and status says what the store says of it, in one line.
    code, out, err = cli(capsys, "--db", demo_url, "--today", "2026-11-26", "status")
    assert code != 0 and out == ""
    assert err.startswith("rr-tui: ") and err.count("\n") == 1


def test_a_missing_database_is_left_to_the_store(tmp_path: Path) -> None:
    assert read_cases(db_url(tmp_path / "none.db")) is None


def test_status_does_not_import_sqlalchemy(demo_url: str) -> None:
    script = (
        "import sys; from rr_tui.cli.main import main; "
        f"code = main(['--db', {demo_url!r}, '--today', '2026-11-26', 'status', '--json']); "
        "print(code, sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'textual'}), "
        "file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=os.environ, check=True
    )
    assert done.stderr.strip() == "0 []"
    assert done.stdout.startswith("[")
