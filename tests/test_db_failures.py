"""Every way opening or using the database can fail: one clear line, a distinct exit, no trace.

Exit codes (rr-tui --help): 3 input, 5 database, 6 no database, 7 busy, 8 not an
rr-tui database or wrong version, 12 unsafe file, 13 server unreachable or
refused the login, 14 damaged.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from factories import seeded
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from rr_tui.cli.main import main
from rr_tui.errors import DatabaseError, DatabaseLocked
from rr_tui.records import CaseFields
from rr_tui.store import Store, db

PG_URL = os.environ.get("RR_TUI_TEST_PG_URL", "")
READ_COMMANDS = [("status",), ("export",), ("audit", "verify")]
RR_TUI = Path(sys.executable).parent / "rr-tui"


def url_of(path: Path) -> str:
    return "sqlite:///" + str(path)


def make_db(path: Path) -> Path:
    seeded(url_of(path), date(2026, 3, 10))
    return path


def fails(capsys: pytest.CaptureFixture[str], db_arg: str, *args: str) -> tuple[int, str]:
    """Run a command that must fail: returns its exit code and its one line."""
    code = main(["--db", db_arg, "--today", "2026-03-10", *args])
    out, err = capsys.readouterr()
    assert code != 0
    assert out == ""
    assert err.startswith("rr-tui: ")
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return code, err.removeprefix("rr-tui: ").strip()


@pytest.fixture
def rr_db(sqlite_path: Path) -> Path:
    return make_db(sqlite_path)


# -- no database, or not one of ours ------------------------------------------------


@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
def test_read_commands_refuse_a_database_that_does_not_exist(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: tuple[str, ...]
) -> None:
    missing = tmp_path / "rr.db"
    assert fails(capsys, str(missing), *command) == (6, f"there is no database at {missing}")
    assert not missing.exists()
    in_missing_folder = tmp_path / "no" / "such" / "rr.db"
    code, message = fails(capsys, str(in_missing_folder), *command)
    assert (code, message.endswith("(its folder does not exist)")) == (6, True)
    assert not (tmp_path / "no").exists()


def test_a_directory_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert fails(capsys, str(tmp_path), "status") == (
        5,
        f"the database path {tmp_path} is a directory, not a file",
    )


def test_random_bytes_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "random.db"
    path.write_bytes(random.Random(4).randbytes(8192))
    path.chmod(0o600)
    for command in (("status",), ("record", "RR-1", "rr_meeting", "2026-03-10")):
        assert fails(capsys, str(path), *command) == (
            8,
            f"{path} is not an rr-tui database (not an SQLite file)",
        )


def test_another_applications_sqlite_file_is_refused_and_left_alone(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    path.chmod(0o600)
    before = path.read_bytes()
    for command in (("status",), ("import", str(tmp_path / "x.csv"))):
        (tmp_path / "x.csv").write_text("reference\nRR-1\n")
        assert fails(capsys, str(path), *command) == (
            8,
            "that database belongs to another application, not rr-tui",
        )
    assert path.read_bytes() == before


def test_a_database_from_a_newer_rr_tui_is_refused(
    capsys: pytest.CaptureFixture[str], rr_db: Path
) -> None:
    with sqlite3.connect(rr_db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0042_future'")
    message = "the database was made by a newer rr-tui, or is not an rr-tui database"
    assert fails(capsys, str(rr_db), "status") == (8, message)
    assert fails(capsys, str(rr_db), "db", "upgrade") == (8, message)


def test_a_corrupted_database_is_reported_as_damaged(
    capsys: pytest.CaptureFixture[str], rr_db: Path
) -> None:
    size = rr_db.stat().st_size
    page = 4096
    pages = size // page
    assert pages > 10
    garbage = random.Random(7)
    with rr_db.open("r+b") as handle:
        for number in range(pages // 3, 2 * pages // 3):
            handle.seek(number * page)
            handle.write(garbage.randbytes(page))
    damaged = "the database file is damaged; restore it from a backup (see: rr-tui backup)"
    for command in (("status", "--all"), ("export",), ("audit", "verify")):
        assert fails(capsys, str(rr_db), *command) == (14, damaged)


def test_a_value_changed_by_hand_into_nonsense_is_reported_not_crashed_on(
    capsys: pytest.CaptureFixture[str], rr_db: Path
) -> None:
    with sqlite3.connect(rr_db) as conn:
        conn.execute("UPDATE step_dates SET done_on = 'last Tuesday' WHERE id = 1")
    code, message = fails(capsys, str(rr_db), "status")
    assert code == 14
    assert message.startswith("the database holds a value rr-tui cannot read")


# -- files that are not private ------------------------------------------------------


def test_a_world_readable_database_is_refused(
    capsys: pytest.CaptureFixture[str], rr_db: Path
) -> None:
    rr_db.chmod(0o644)
    assert fails(capsys, str(rr_db), "status") == (
        12,
        f"the database {rr_db} can be read by other users; run: chmod 600 {rr_db}",
    )
    assert (rr_db.stat().st_mode & 0o777) == 0o644  # refused, not silently changed


def test_a_symlinked_database_path_is_refused(
    capsys: pytest.CaptureFixture[str], rr_db: Path, tmp_path: Path
) -> None:
    link = tmp_path / "link.db"
    link.symlink_to(rr_db)
    for command in (("status",), ("record", "DEMO-2026-001", "sin_submitted", "2026-03-10")):
        assert fails(capsys, str(link), *command) == (
            12,
            f"the database path {link} is a symbolic link; give the real path",
        )


def test_a_new_database_and_its_folder_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "rr.db"
    Store(url_of(path), create=True).close()
    assert (path.parent.stat().st_mode & 0o777) == 0o700
    assert (path.stat().st_mode & 0o777) == 0o600


# -- locks ---------------------------------------------------------------------------


@pytest.fixture
def exclusive_lock(rr_db: Path) -> Iterator[sqlite3.Connection]:
    """Another process's connection holding an exclusive lock on the database."""
    conn = sqlite3.connect(rr_db, isolation_level=None, check_same_thread=False)
    try:
        yield conn
    finally:
        if conn.in_transaction:
            conn.rollback()
        conn.close()


def test_a_write_waits_for_a_lock_and_succeeds_when_it_is_freed(
    rr_db: Path, exclusive_lock: sqlite3.Connection
) -> None:
    store = Store(url_of(rr_db))
    try:
        exclusive_lock.execute("BEGIN EXCLUSIVE")
        threading.Timer(0.5, exclusive_lock.rollback).start()
        started = time.monotonic()
        case_id = store.create_case(CaseFields("RR-LOCKED"))
        assert time.monotonic() - started >= 0.4
        assert store.get_case(case_id).reference == "RR-LOCKED"
    finally:
        store.close()


def test_a_lock_held_too_long_gives_database_busy_and_loses_nothing(
    capsys: pytest.CaptureFixture[str],
    rr_db: Path,
    exclusive_lock: sqlite3.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(db, "BUSY_TIMEOUT_S", 0.5)
    store = Store(url_of(rr_db))
    try:
        exclusive_lock.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        with pytest.raises(DatabaseLocked):
            store.create_case(CaseFields("RR-LOCKED"))
        assert time.monotonic() - started < 5
        busy = "the database is busy with another coordinator's save; try again in a moment"
        assert fails(
            capsys, str(rr_db), "record", "DEMO-2026-001", "sin_submitted", "2026-03-10"
        ) == (7, busy)
        assert fails(capsys, str(rr_db), "status") == (7, busy)
        exclusive_lock.rollback()
        assert "RR-LOCKED" not in store.references()
        assert len(store.references()) == 14
        assert store.create_case(CaseFields("RR-LATER")) > 0
    finally:
        store.close()


# -- read-only, unreadable and full databases ---------------------------------------------


def run_without_root_powers(*args: str) -> subprocess.CompletedProcess[str]:
    """Run rr-tui so that file permissions bind it, as they bind a coordinator.

    As root, the capabilities that let root ignore file modes are dropped
    (util-linux setpriv); the account stays the same.
    """
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv to drop root's file powers")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]
    return subprocess.run(
        [*prefix, str(RR_TUI), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def test_a_read_only_database_can_be_read_but_not_written(rr_db: Path) -> None:
    rr_db.chmod(0o400)
    status = run_without_root_powers("--db", str(rr_db), "status")
    assert (status.returncode, status.stderr) == (0, "")
    assert "DEMO-2026-002" in status.stdout

    record = run_without_root_powers(
        "--db", str(rr_db), "record", "DEMO-2026-001", "sin_submitted", "2026-03-10"
    )
    assert (record.returncode, record.stdout) == (5, "")
    assert record.stderr == "rr-tui: the database is read-only: nothing was saved\n"
    assert (rr_db.stat().st_mode & 0o777) == 0o400  # still read-only: not "fixed" to 0600


def test_a_database_the_user_may_not_read_is_refused(rr_db: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(rr_db, "nobody")
    else:
        rr_db.chmod(0o200)
    done = run_without_root_powers("--db", str(rr_db), "status")
    assert (done.returncode, done.stdout) == (5, "")
    assert done.stderr == f"rr-tui: you do not have permission to read the database {rr_db}\n"


def test_a_full_disk_saves_nothing_and_says_so(rr_db: Path) -> None:
    store = Store(url_of(rr_db))
    try:
        case_id = store.case_id("DEMO-2026-001")
        with store.engine.connect() as conn:
            pages = conn.execute(text("PRAGMA page_count")).scalar_one()
        store.engine.dispose()

        @event.listens_for(store.engine, "connect")
        def cap_size(dbapi_connection: sqlite3.Connection, _record: object) -> None:
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

        record = store.get_case(case_id)
        with pytest.raises(DatabaseError, match=r"^the disk is full: nothing was saved"):
            store.update_case(
                case_id, record.version, CaseFields(record.reference, notes="x" * 100_000)
            )
        assert store.get_case(case_id) == record
        assert store.verify_audit() == []
    finally:
        store.close()


# -- PostgreSQL ------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.mark.parametrize("command", ["status", "import"])
def test_postgresql_server_down_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    url = f"postgresql+psycopg://rr:rr@127.0.0.1:{closed_port()}/rr_test"
    cases = tmp_path / "cases.csv"
    cases.write_text("reference\nRR-1\n")
    args = ("import", str(cases)) if command == "import" else ("status",)
    assert fails(capsys, url, *args) == (13, "cannot reach the PostgreSQL server; is it running?")


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="RR_TUI_TEST_PG_URL is not set")
def test_postgresql_wrong_password_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    url = make_url(PG_URL).set(password="not-the-password").render_as_string(hide_password=False)
    assert fails(capsys, url, "status") == (
        13,
        "the PostgreSQL server refused the user name or password",
    )


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="RR_TUI_TEST_PG_URL is not set")
def test_postgresql_database_that_does_not_exist_is_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = make_url(PG_URL).set(database="rr_no_such_db").render_as_string(hide_password=False)
    assert fails(capsys, url, "status") == (6, "there is no such database on the PostgreSQL server")
