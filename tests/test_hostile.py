"""Hostile inputs, one class of fault per test (issue 11 §3-7).

Each test's name starts with the class it covers, as listed in
docs/reliability.md: files (F), output (O), exit codes (E), configuration (C)
and audit trail (A). Every test would fail if its class came back.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from factories import COMMANDS, cli, seeded

from rr_tui.errors import InputError
from rr_tui.files import safe_files
from rr_tui.store import Store

TODAY = date(2026, 3, 10)


def one_line(err: str) -> bool:
    return err.count("\n") == 1 and err.startswith("rr-tui: ") and "Traceback" not in err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "db" / "rr.db"
    seeded("sqlite:///" + str(path), TODAY)
    return path


# -- F: files -----------------------------------------------------------------


def test_files_atomic_write_leaves_no_partial_file(tmp_path: Path) -> None:
    """F1: a failed write leaves the earlier file whole and no temporary file behind."""
    target = tmp_path / "out.csv"
    safe_files.write_file(target, "old,good\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    class Boom(Exception):
        pass

    def fail(_fd: int, _tmp: Path) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(InputError, match="the disk is full"):
        safe_files._write_atomic(target, fail, what="the export", replace=True)
    assert target.read_text() == "old,good\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_files_disk_full_export_keeps_previous_export(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """F1: `export --output` on a full disk: exit 3, old export intact, nothing partial."""
    out = tmp_path / "export.csv"
    assert cli(capsys, "--db", str(db), "export", "--output", str(out))[0] == 0
    good = out.read_bytes()
    real_write = os.write

    def full(fd: int, data: bytes | memoryview) -> int:
        if len(data) > 100:
            real_write(fd, bytes(data[:100]))
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr("rr_tui.files.safe_files.os.write", full)
    code, _, err = cli(capsys, "--db", str(db), "export", "--output", str(out))
    assert code == 3 and one_line(err) and "disk is full" in err
    assert out.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db", "export.csv"]


def test_files_never_write_into_another_accounts_file(tmp_path: Path) -> None:
    """F2: a file that is not ours (here: a link, a FIFO, a folder) is never written through."""
    other = tmp_path / "other"
    other.write_text("theirs")
    link = tmp_path / "link.csv"
    link.symlink_to(other)
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    for path, words in (
        (link, "symbolic link"),
        (fifo, "not a regular file"),
        (tmp_path, "folder"),
        (Path("/dev/null"), "not a regular file"),
    ):
        with pytest.raises(InputError, match=words):
            safe_files.write_file(path, "child data")
    assert other.read_text() == "theirs"


def test_files_foreign_owner_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """F2: a regular file owned by another account is refused, not replaced."""
    target = tmp_path / "shared.csv"
    target.write_text("theirs")
    monkeypatch.setattr("rr_tui.files.safe_files.os.geteuid", lambda: os.getuid() + 1)
    with pytest.raises(InputError, match="belongs to another account"):
        safe_files.write_file(target, "child data")
    assert target.read_text() == "theirs"


@pytest.mark.parametrize("command", ["export", "calendar", "pack"])
def test_files_output_to_device_refused(
    command: str, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """F3: an output path that is not a regular file is refused (except - for stdout)."""
    args = {
        "export": ["export", "--output", "/dev/full"],
        "calendar": ["calendar", "--output", "/dev/full"],
        "pack": ["pack", "DEMO-2026-001", "--output", "/dev/full"],
    }[command]
    code, _, err = cli(capsys, "--db", str(db), "--today", TODAY.isoformat(), *args)
    assert code == 3 and one_line(err), err
    assert "not a regular file" in err


def test_files_backup_failure_leaves_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """F1: a backup that fails part-way leaves no 0-byte or partial file."""
    from rr_tui.store import maintenance

    def broken(_source: Path, target: Path) -> None:
        target.write_bytes(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(maintenance, "_backup_into", broken)
    target = tmp_path / "backups" / "copy.db"
    target.parent.mkdir(mode=0o700)
    code, _, err = cli(capsys, "--db", str(db), "backup", str(target))
    assert code == 3 and one_line(err) and "disk is full" in err
    assert list(target.parent.iterdir()) == []


def test_files_database_folder_writable_by_others_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """F4: a database in a folder others can write (journal leak) is refused with exit 12."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    code, _, err = cli(capsys, "--db", str(shared / "rr.db"), "import", "/dev/null")
    assert code != 70
    for form in (str(shared / "rr.db"), f"sqlite:///{shared}/rr.db"):
        code, _, err = cli(capsys, "--db", form, "status")
        assert code == 12 and one_line(err) and "other accounts" in err, (form, err)
    assert list(shared.iterdir()) == []


@pytest.mark.parametrize(
    "form",
    [
        "sqlite:///{p}",
        "sqlite+pysqlite:///{p}",
        "SQLite:///{p}",
        "sqlite:///{p}?mode=ro",
        "sqlite:///file:{p}?uri=true",
        "sqlite+aiosqlite:///{p}",
    ],
)
def test_files_every_url_form_checked(
    form: str, db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """F5: every spelling of an SQLite URL, by flag, environment or config, gets the checks."""
    db.chmod(0o644)  # readable by others: must be refused however it is named
    url = form.format(p=db)
    code, _, err = cli(capsys, "--db", url, "status")
    assert code in (5, 12) and one_line(err), (url, err)
    monkeypatch.setenv("RR_TUI_DB", url)
    assert cli(capsys, "status")[0] in (5, 12)
    monkeypatch.delenv("RR_TUI_DB")
    config = db.parent.parent / "c.toml"
    config.write_text(f'[database]\nurl = "{url}"\n')
    assert cli(capsys, "--config", str(config), "status")[0] in (5, 12)


def test_files_mountinfo_escapes_decoded() -> None:
    """F6: a network share mounted at a path with a space is still a network share."""
    info = (
        "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
        "40 22 0:50 / /mnt/team\\040share rw,relatime - cifs //srv/share rw\n"
        "41 22 0:51 / /mnt/tab\\011dir rw - nfs4 srv:/x rw\n"
    )
    assert safe_files.filesystem_type(Path("/mnt/team share/rr.db"), info) == "cifs"
    assert safe_files.filesystem_type(Path("/mnt/tab\tdir/a"), info) == "nfs4"
    assert safe_files.filesystem_type(Path("/mnt/team/rr.db"), info) == "ext4"
    assert safe_files.decode_mount_field("a\\134b") == "a\\b"


@pytest.mark.parametrize("which", ["config", "import"])
@pytest.mark.parametrize("source", ["/dev/zero", "fifo", "huge"])
def test_files_oversized_or_special_input_refused(
    which: str, source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """F7: `--config /dev/zero`, `import /dev/zero`, a FIFO or a huge file: one line, no hang."""
    if source == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)
    elif source == "huge":
        path = tmp_path / "huge.csv"
        with path.open("wb") as handle:
            handle.truncate(safe_files.MAX_IMPORT_BYTES + 1)
    else:
        path = Path(source)
    args = ["--config", str(path), "status"] if which == "config" else ["import", str(path)]
    code, _, err = cli(capsys, "--db", str(tmp_path / "db" / "x.db"), *args)
    assert code == (10 if which == "config" else 3) and one_line(err), err
    assert "not a regular file" in err or "larger than rr-tui reads" in err


# -- O: what is printed -------------------------------------------------------

HOSTILE = "A\x1b]0;pwned\x07\x1b[2J\u202eB\x9bC\x00"


def _hostile_case(db: Path) -> None:
    """Plant escapes in the database behind rr-tui's back, as another tool could."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE cases SET reference = ?, owner = ? WHERE id = 1",
            (
                "DEMO-" + HOSTILE,
                HOSTILE,
            ),
        )


@pytest.mark.parametrize(
    "args",
    [
        ["status"],
        ["status", "--all"],
        ["chase"],
        ["export"],
        ["export", "--format", "json"],
        ["status", "--json"],
        ["chase", "--json"],
    ],
    ids=lambda a: " ".join(a),
)
def test_output_escapes_from_database_neutralised(
    args: list[str], db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """O1: escapes stored in the database never reach the terminal raw, in text, CSV or JSON."""
    _hostile_case(db)
    code, out, err = cli(capsys, "--db", str(db), "--today", TODAY.isoformat(), *args)
    assert code == 0, err
    for raw in ("\x1b", "\u202e", "\x9b", "\x00", "\x07"):
        assert raw not in out
    if "--json" in args or "json" in args:
        import json

        json.loads(out)  # still valid JSON
        if args[0] != "chase":  # (the planted case has nothing to chase)
            assert "\\u202e" in out.lower()


def test_output_profile_labels_from_config_neutralised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """O1: a profile label in the configuration cannot clear the screen or retitle the terminal."""
    config = tmp_path / "c.toml"
    config.write_text('[profile]\nname = "X\\u001b]0;pwned\\u0007\\u001b[2J"\n')
    code, out, err = cli(capsys, "--config", str(config), "profile")
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert code in (0, 10) and code != 70


def test_output_closed_or_full_stdout(tmp_path: Path) -> None:
    """O2: standard output closed or full gives one line and exit 74, never a traceback."""
    import subprocess
    import sys

    rr = [sys.executable, "-m", "rr_tui"]
    full = subprocess.run(
        [*rr, "deadline", "2026-03-10", "5"],
        stdout=open("/dev/full", "w"),  # noqa: SIM115
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )
    assert full.returncode == 74, full.stderr
    assert full.stderr == "rr-tui: cannot write to standard output: the disk is full\n"
    closed = subprocess.run(
        [*rr, "deadline", "2026-03-10", "5"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.close(1),
    )
    assert closed.returncode == 74, closed.stderr
    assert "standard output" in closed.stderr and "Traceback" not in closed.stderr


def test_output_latin1_terminal_degrades(tmp_path: Path) -> None:
    """O3: a terminal that is not UTF-8 gets replacement characters, not a traceback."""
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": "latin-1", "LC_ALL": "C"}
    done = subprocess.run(
        [sys.executable, "-m", "rr_tui", "--today", "2026-03-10", "profile"],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr


# -- E: exit codes ------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["deadline", "2026-01-05", "99999999999999999999999"], 2),
        (["deadline", "2026-01-05", "0"], 2),
        (["report", "--year", "99999999999999999999"], 2),
        (["report", "--financial-year", "-5"], 2),
        (["--today", "1989-12-31", "status"], 2),
        (["--today", "1990-01-01", "record", "DEMO-2026-001", "referral", "yesterday"], 3),
        (["record", "DEMO-\udcff", "referral", "today"], 3),
        (["--db", "/tmp/\udcff/x.db", "status"], 3),
        (["export", "--output", "/tmp/" + "x" * 300 + ".csv"], 3),
        (["import", "/tmp/" + "y" * 300 + ".csv"], 3),
        (["--config", "/tmp/" + "z" * 300 + ".toml", "status"], 10),
        (["backup", "/tmp/" + "b" * 300 + ".db"], 3),
        (["backup", "-"], 2),
        (["--db", "", "status"], 2),
    ],
    ids=lambda v: repr(v)[:40],
)
def test_exit_codes_hostile_arguments(
    args: list[str], code: int, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E1: huge numbers, out-of-range years, invalid UTF-8, overlong names: their own code."""
    got, _out, err = cli(capsys, "--db", str(db), *args)
    assert (got, one_line(err)) == (code, True), err


# -- A: the audit trail -------------------------------------------------------


def _raw(db: Path, *statements: str, keep_triggers: bool = False) -> None:
    """SQL behind rr-tui's back, by someone who can write the file (and drop its triggers)."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        if not keep_triggers:
            conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
            conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        for statement in statements:
            conn.execute(statement)


def _verify(capsys: pytest.CaptureFixture[str], db: Path) -> tuple[int, str]:
    code, _, err = cli(capsys, "--db", str(db), "audit", "verify")
    return code, err


def test_audit_triggers_refuse_update_and_delete(db: Path) -> None:
    """A1: the database itself refuses UPDATE and DELETE on the audit table."""
    import sqlite3

    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            _raw(db, statement, keep_triggers=True)


def _rechain(db: Path, digest: Callable[[str, dict[str, Any]], str]) -> None:
    """Make entry 2's actor "mallory" and recompute every entry's hash with ``digest``."""
    import sqlite3
    from datetime import datetime

    from rr_tui.store.audit import hashed_fields

    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        rows = conn.execute(
            "SELECT id, at, actor, action, table_name, row_id, case_id, old, new, seq, key_id, "
            "zone FROM audit_log ORDER BY id"
        ).fetchall()
        prev = "0" * 64
        for row in rows:
            actor = "mallory" if row[0] == 2 else row[2]
            fields = hashed_fields(datetime.fromisoformat(row[1]), actor, *row[3:12])
            rehashed = digest(prev, fields)
            conn.execute(
                "UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE id = ?",
                (actor, prev, rehashed, row[0]),
            )
            prev = rehashed


def test_audit_unkeyed_recompute_detected(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A2: rewriting an entry and recomputing a plain SHA-256 chain is detected."""
    import hashlib
    import json

    def sha256(prev: str, fields: dict[str, Any]) -> str:
        canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256((prev + canonical).encode()).hexdigest()

    _rechain(db, sha256)
    code, err = _verify(capsys, db)
    assert code == 11 and "audit entry 1: its content was changed" in err


def test_audit_keyed_recompute_caught_by_witness(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A3: even with the key, rewriting the chain is caught by the witness outside the database."""
    from rr_tui.store.audit import entry_hash
    from rr_tui.store.audit_anchor import load_key

    key = load_key(create=False)
    assert key is not None
    _rechain(db, lambda prev, fields: entry_hash(prev, fields, key))
    code, err = _verify(capsys, db)
    assert code == 11 and "is not the one written from this account" in err


def test_audit_newest_record_and_entry_deleted_detected(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A4: deleting the newest record together with its audit entry is detected."""
    store = Store("sqlite:///" + str(db))
    from rr_tui.records import CaseFields

    case_id = store.create_case(CaseFields("NEW-1"))
    store.close()
    _raw(
        db,
        f"DELETE FROM case_order WHERE case_id = {case_id}",
        f"DELETE FROM cases WHERE id = {case_id}",
        "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)",
    )
    code, err = _verify(capsys, db)
    assert code == 11 and "the newest entries were cut off" in err


def test_audit_pack_entry_deleted_detected(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A5: deleting a "pack written" entry from the middle of the trail is detected."""
    out = tmp_path / "pack.md"
    args = ["--db", str(db), "--today", TODAY.isoformat(), "pack", "DEMO-2026-001"]
    assert cli(capsys, *args, "--output", str(out))[0] == 0
    store = Store("sqlite:///" + str(db))
    from rr_tui.records import CaseFields

    store.create_case(CaseFields("LATER-1"))
    store.close()
    _raw(db, "DELETE FROM audit_log WHERE action = 'export'")
    code, err = _verify(capsys, db)
    assert code == 11 and "the entry before it was changed or removed" in err


def test_audit_pack_not_written_without_its_entry(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A6: if the pack's audit entry cannot be committed, no pack leaves: no file, no stdout."""
    import sqlite3

    def read_only(*_args: object) -> None:
        # What SQLite says of a read-only file (chmod cannot stop root, who runs CI).
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr("rr_tui.store.audit_trail.append", read_only)
    out = tmp_path / "pack.md"
    base = ["--db", str(db), "--today", TODAY.isoformat(), "pack", "DEMO-2026-001"]
    for target in (str(out), "-"):
        code, stdout, err = cli(capsys, *base, "--output", target)
        assert code not in (0, 70) and one_line(err), err
        assert stdout == ""
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["db"]


def test_audit_verify_json_gives_head_and_count(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A7: `audit verify --json` gives the head hash and the count, to keep elsewhere."""
    import json
    import sqlite3

    code, out, _ = cli(capsys, "--db", str(db), "audit", "verify", "--json")
    report = json.loads(out)
    with sqlite3.connect(db) as conn:
        count, head = conn.execute(
            "SELECT seq, hash FROM audit_log ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert (code, report["intact"], report["count"], report["head"]) == (0, True, count, head)
    assert report["keyed"] is True


def test_audit_missing_or_wrong_key_refuses_writes(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A8: a coordinator without the team's key, or with another, is told so (exit 10);
    nothing is written under a key the others cannot check."""
    args = ["--db", str(db), "--today", TODAY.isoformat()]
    monkeypatch.setenv("RR_TUI_AUDIT_KEY", str(tmp_path / "none" / "audit.key"))
    code, _, err = cli(capsys, *args, "record", "DEMO-2026-001", "referral_received", "today")
    assert code == 10 and "no key at" in err
    assert cli(capsys, *args, "audit", "verify")[0] == 10
    other = tmp_path / "other.key"
    other.write_text("ab" * 32 + "\n")
    other.chmod(0o600)
    monkeypatch.setenv("RR_TUI_AUDIT_KEY", str(other))
    code, _, err = cli(capsys, *args, "record", "DEMO-2026-001", "referral_received", "today")
    assert code == 10 and "is not the one this database's trail is sealed with" in err
    other.chmod(0o644)
    code, _, err = cli(capsys, *args, "audit", "verify")
    assert code == 10 and "chmod 600" in err


def test_audit_restore_then_accept(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A9: restoring an older backup is reported as a cut trail until `audit accept`."""
    backup = tmp_path / "backup.db"
    assert cli(capsys, "--db", str(db), "backup", str(backup))[0] == 0
    store = Store("sqlite:///" + str(db))
    from rr_tui.records import CaseFields

    store.create_case(CaseFields("AFTER-BACKUP"))
    store.close()
    db.unlink()
    backup.rename(db)
    code, err = _verify(capsys, db)
    assert code == 11 and "restored from an older backup" in err
    assert cli(capsys, "--db", str(db), "audit", "accept")[0] == 0
    assert _verify(capsys, db) == (0, "")


@pytest.mark.postgres
def test_audit_postgres_insert_only_role(pg_database: str) -> None:
    """A10: on PostgreSQL, a coordinator role (docs/postgres-roles.sql) can only append to the
    trail: UPDATE, DELETE and TRUNCATE on it are refused, while every save works."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.pool import NullPool

    seeded(pg_database, TODAY)
    role = f"rr_coord_{uuid.uuid4().hex[:8]}"
    grants = (Path(__file__).parent.parent / "docs" / "postgres-roles.sql").read_text()
    owner = create_engine(pg_database, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with owner.connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'pw'"))
        for statement in grants.split(";"):
            body = "\n".join(
                line for line in statement.splitlines() if not line.startswith("--")
            ).strip()
            if body:
                conn.execute(text(body.replace("rr_coordinator", role)))
    url = make_url(pg_database).set(username=role, password="pw").render_as_string(False)
    try:
        coordinator = Store(url, actor="coordinator")
        from rr_tui.records import CaseFields

        case_id = coordinator.create_case(CaseFields("ROLE-1"))
        coordinator.record_step(case_id, "referral_received", TODAY)
        assert coordinator.verify_audit() == []
        coordinator.close()
        engine = create_engine(url, poolclass=NullPool)
        for statement in (
            "UPDATE audit_log SET actor = 'x'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ):
            with engine.connect() as conn, pytest.raises(DBAPIError) as caught:
                conn.execute(text(statement))
            assert getattr(caught.value.orig, "sqlstate", None) == "42501"  # permission denied
        engine.dispose()
    finally:
        with owner.connect() as conn:
            conn.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}"))
            conn.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}"))
            conn.execute(text(f"REVOKE ALL ON SCHEMA public FROM {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
        owner.dispose()


# -- C: configuration ---------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "names"),
    [
        ("[calendar]\nclosure = ['2026-12-29']\n", "[calendar] closure"),
        ("[database]\nurll = 'postgresql://x/y'\n", "[database] urll"),
        ("[database]\nurl = 5\n", "[database] url"),
        ("[database]\nurl = ''\n", "[database] url"),
        ("[database]\nlock_timeout = 0\n", "[database] lock_timeout"),
        ("[database]\nstatement_timeout = 99999999999999999999\n", "statement_timeout"),
        ("[calendar]\nclosures = '2026-12-29'\n", "[calendar] closures"),
        ("[calendar]\nclosures = [2026-12-29T10:00:00]\n", "[calendar] closures, item 1"),
        ("[calendar]\nclosures = [1]\n", "[calendar] closures, item 1"),
        ("[calendar]\nclosures = [{from = 2026-12-29}]\n", "[calendar] closures, item 1"),
        ("[calendar]\nclosures = ['0001-01-01']\n", "[calendar] closures, item 1"),
        ("calendar = 5\n", "[calendar]"),
        ("[unknown]\n", "[unknown]"),
        ("[profile]\nname = 5\n", "[profile] name"),
        ("[profile]\namber_slack = 99999999999999999999\n", "[profile] amber_slack"),
        ("[profile]\nagency_timescale = 1e3\n", "[profile] agency_timescale"),
        (
            "[profile.steps.panel_notified]\ndue = [{after = 'sin_submitted', "
            "working_days = 100000000}]\n",
            "[profile.steps.panel_notified] due",
        ),
        ("[profile.steps.panel_notified]\nlabel = 3\n", "[profile.steps.panel_notified] label"),
        ("[pack]\nsectionz = []\n", "[pack] sectionz"),
        ("[pack]\nheadings = 'x'\n", "[pack] headings"),
        (
            "x = " + "[" * 48 + "1" + "]" * 48 + "\n",
            "configuration",
        ),
        ("\xff\n", "UTF-8"),
    ],
    ids=lambda v: repr(v)[:30],
)
def test_config_wrong_key_type_or_range_exits_10_naming_it(
    toml: str, names: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """C1: unknown keys, wrong types, out-of-range numbers: exit 10 naming the key."""
    config = tmp_path / "c.toml"
    config.write_bytes(toml.encode("utf-8", "surrogateescape") if "\xff" not in toml else b"\xff")
    code, _, err = cli(capsys, "--config", str(config), "--today", "2026-03-10", "status")
    assert code == 10 and one_line(err), err
    assert names in err


def test_config_profile_shows_where_each_setting_came_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """C2: `rr-tui profile` names the source of each setting."""
    config = tmp_path / "c.toml"
    config.write_text("[profile]\namber_slack = 4\n[database]\nlock_timeout = 3\n")
    monkeypatch.setenv("RR_TUI_DB", str(tmp_path / "env.db"))
    code, out, _ = cli(capsys, "--config", str(config), "--today", "2026-03-10", "profile")
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    assert f"[profile] amber_slack in {config}" in lines["amber_slack"]
    assert f"[database] lock_timeout in {config}" in lines["lock_timeout"]
    assert "(RR_TUI_DB)" in lines["database"] and "(--today)" in lines["today"]
    assert "(built in)" in lines["agency_timescale"]


# -- E: no input reaches exit 70 ----------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Every command but the two that open the terminal app, then the reports' commands,
# the db verbs and the options and values they take.
WORDS = [
    *(command for command in COMMANDS if command not in ("tui", "demo")),
    "pack",
    "chase",
    "report",
    "calendar",
    "verify",
    "accept",
    "upgrade",
    "path",
    "--json",
    "--all",
    "--format",
    "csv",
    "json",
    "md",
    "pdf",
    "--output",
    "-",
    "--year",
    "--financial-year",
    "--from",
    "--to",
    "--csv",
    "--owner",
    "--today",
    "--config",
    "--db",
    "today",
    "yesterday",
    "2026-03-10",
    "1989-12-31",
    "2101-01-01",
    "0",
    "-1",
    "5",
    "99999999999999999999999",
    "DEMO-2026-001",
    "referral_received",
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "\udcff",
    "x" * 300,
    "",
    " ",
    "\x1b[2J",
    "1e9",
    "nan",
]


@settings(
    max_examples=int(os.environ.get("RR_TUI_HOSTILE_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(argv=st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=6))
def test_exit_70_unreachable_from_cli_arguments(
    argv: list[str],
    db: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """E2: hypothesis over the CLI's arguments: no argument list reaches exit 70."""
    monkeypatch.chdir(tmp_path)  # files it names land in the test's folder
    if not argv or argv[0] in ("", "tui", "demo"):
        argv = ["status", *argv]
    if "--output" in argv:  # keep writes inside the test's folder
        argv = [a if a != "-" else str(tmp_path / "out") for a in argv]
    if any(a in ("tui", "demo") for a in argv):
        return
    code, _, err = cli(capsys, "--db", str(db), "--today", "2026-03-10", *argv)
    assert code != 70, (argv, err)
    assert "Traceback" not in err


def _toml_value(value: object) -> str:
    import json
    import math
    from datetime import datetime as dt

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else ("inf" if value > 0 else "-inf")
            if math.isinf(value)
            else repr(value)
        )
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, dt | date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"


def to_toml(table: dict[str, object]) -> str:
    """A small TOML writer for the shapes below (sections of keys, values inline)."""
    lines = []
    for section, body in table.items():
        if isinstance(body, dict):
            lines.append(f"[{section}]")
            lines.extend(f"{k} = {_toml_value(v)}" for k, v in body.items())
        else:
            lines.insert(0, f"{section} = {_toml_value(body)}")
    return "\n".join(lines) + "\n"


toml_keys = st.sampled_from(
    [
        "url",
        "urll",
        "closures",
        "closure",
        "lock_timeout",
        "statement_timeout",
        "name",
        "amber_slack",
        "agency_timescale",
        "steps",
        "sections",
        "headings",
        "label",
        "due",
        "panel_notified",
        "after",
        "working_days",
        "months",
        "from",
        "to",
        "convention",
    ]
)
toml_scalars = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True),
    st.text(max_size=10),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.sampled_from(["2026-12-29", "sin_submitted", "rr_meeting", "facts"]),
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(toml_keys, inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(
    max_examples=int(os.environ.get("RR_TUI_HOSTILE_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    table=st.dictionaries(
        st.sampled_from(["profile", "calendar", "database", "pack", "other"]),
        st.one_of(st.dictionaries(toml_keys, toml_values, max_size=4), toml_scalars),
        max_size=4,
    )
)
def test_exit_70_unreachable_from_config_shape(
    table: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E3: hypothesis over the configuration file's shape: exit 0 or 10, never 70."""
    config = tmp_path / "hyp.toml"
    config.write_text(to_toml(table), errors="surrogateescape")
    code, _, err = cli(
        capsys, "--config", str(config), "--today", "2026-03-10", "deadline", "2026-01-05", "3"
    )
    assert code in (0, 10), err


# -- I: import files ----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('reference,child\nRR-1,"Child A\nRR-2,Child B\n', "row 2: the CSV is malformed"),
        ("reference,child,owner\nRR-1,Child A\n", "row 2: 2 cells where the header has 3"),
        ("reference,child\nRR-1,A\nRR-2\n", "row 3: 1 cells where the header has 2"),
        ('reference,"child\nRR-1,A\n', "row 1: the CSV is malformed"),
    ],
)
def test_import_csv_unterminated_quote_or_short_row_names_the_row(
    content: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """I1: an unclosed quote or a short row is an error naming the row, never a shifted import."""
    source = tmp_path / "in.csv"
    source.write_text(content)
    code, _, err = cli(capsys, "--db", str(tmp_path / "db" / "x.db"), "import", str(source))
    assert code == 3 and one_line(err) and words in err, err
    assert not (tmp_path / "db" / "x.db").exists()


# -- D: database errors by code -----------------------------------------------


def test_database_invalid_utf8_reference_is_not_damage(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """D1: a reference stored as invalid UTF-8 is read (U+FFFD), not "database damaged";
    `audit verify` names the changed row."""
    _raw(db, "UPDATE cases SET reference = CAST(X'44454d4fff' AS TEXT) WHERE id = 1")
    code, out, err = cli(capsys, "--db", str(db), "--today", TODAY.isoformat(), "status")
    assert code == 0, err
    assert "DEMO\ufffd" in out
    code, _, err = cli(capsys, "--db", str(db), "audit", "verify")
    assert code == 11 and "cases row 1: changed outside rr-tui (reference)" in err


def test_database_a_bug_is_not_reported_as_damage(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """D2: a ValueError from rr-tui's own code is a bug (exit 70), not "database damaged"."""

    def buggy(*_args: object, **_kwargs: object) -> None:
        raise ValueError("a programming error")

    monkeypatch.setattr("rr_tui.store.cases.load_cases", buggy)
    # status reads through the store when its SQLite shortcut steps aside (rr_tui.direct_read).
    monkeypatch.setattr("rr_tui.direct_read.read_cases", lambda *_a, **_k: None)
    code, _, err = cli(capsys, "--db", str(db), "status")
    assert code == 70 and "damaged" not in err


@pytest.mark.parametrize(
    ("code", "exit_code"),
    [(5, 7), (6, 7), (261, 7), (8, 5), (13, 5), (11, 14), (26, 14), (10, 5), (14, 5)],
)
def test_database_sqlite_errors_classified_by_code(code: int, exit_code: int) -> None:
    """D3: SQLite errors are told apart by their (extended) result code, not their words."""
    import sqlite3

    from rr_tui.store import db as dbmod

    error = sqlite3.OperationalError("some words in any language")
    error.sqlite_errorcode = code
    assert dbmod.translate(error).exit_code == exit_code


@pytest.mark.parametrize(
    ("state", "exit_code"),
    [
        ("55P03", 7),
        ("57014", 7),
        ("40P01", 7),
        ("28P01", 13),
        ("3D000", 6),
        ("08006", 13),
        ("53100", 5),
        ("42P01", 8),
    ],
)
def test_database_postgres_errors_classified_by_sqlstate(state: str, exit_code: int) -> None:
    """D4: PostgreSQL errors are told apart by SQLSTATE (a localised server's words differ)."""
    import psycopg

    from rr_tui.store import db as dbmod

    class Localised(psycopg.errors.OperationalError):
        sqlstate = state

    assert dbmod.translate(Localised("Fehler: irgendetwas")).exit_code == exit_code


@pytest.mark.postgres
def test_database_postgres_held_lock_gives_exit_7(
    pg_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """D5: on PostgreSQL a held lock never hangs a command: lock_timeout, exit 7, SQLite's words."""
    import time

    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    seeded(pg_database, TODAY)
    config = tmp_path / "c.toml"
    config.write_text("[database]\nlock_timeout = 1\nstatement_timeout = 5\n")
    holder = create_engine(pg_database, poolclass=NullPool)
    with holder.connect() as conn:
        conn.execute(text("LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE"))
        started = time.monotonic()
        code, _, err = cli(
            capsys,
            "--config",
            str(config),
            "--db",
            pg_database,
            "--today",
            TODAY.isoformat(),
            "record",
            "DEMO-2026-001",
            "referral_received",
            "today",
        )
        elapsed = time.monotonic() - started
        conn.rollback()
    holder.dispose()
    assert code == 7, err
    assert err == (
        "rr-tui: the database is busy with another coordinator's save; try again in a moment\n"
    )
    assert elapsed < 10


def test_files_dash_means_standard_output_never_a_file(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """F3: `-` is standard output for export, calendar and pack; no file named "-" appears."""
    monkeypatch.chdir(tmp_path)
    base = ["--db", str(db), "--today", TODAY.isoformat()]
    for args in (
        ["export", "--output", "-"],
        ["calendar", "--output", "-"],
        ["pack", "DEMO-2026-001", "--output", "-"],
    ):
        code, out, err = cli(capsys, *base, *args)
        assert (code, err) == (0, "") and out
    assert not (tmp_path / "-").exists()


def test_import_json_number_too_long(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """I2: a JSON import with a 5,000-digit number is bad input (3), not a crash."""
    source = tmp_path / "big.json"
    source.write_text('[{"reference": "A", "child": ' + "9" * 5000 + "}]")
    code, _, err = cli(capsys, "--db", str(tmp_path / "db" / "x.db"), "import", str(source))
    assert code == 3 and one_line(err) and "too long" in err


async def test_output_tui_notifications_neutralised(demo_url: str) -> None:
    """O4: a notification built from stored or configured text shows no escape or bidi override."""
    from tui_helpers import notification_texts, running_app, wait_for_rows

    async with running_app(demo_url) as (app, pilot):
        await wait_for_rows(pilot)
        app.notify("Agency " + HOSTILE + " [/] saved", title="\x1b]0;t\x07T")
        await pilot.pause()
        shown = notification_texts(app)
    assert shown and all(ch not in "".join(shown) for ch in "\x1b\u202e\x9b\x07\x00")
    assert "[/] saved" in shown[-1]


def test_audit_key_made_once_when_many_start_together(tmp_path: Path) -> None:
    """A11: processes starting at once agree on one key (never half a key); it is 0600."""
    from concurrent.futures import ThreadPoolExecutor

    from rr_tui.store.audit_anchor import load_key

    path = tmp_path / "config" / "audit.key"
    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(lambda _: load_key(path, create=True), range(16)))
    assert len({k.key_id for k in keys if k is not None}) == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["audit.key"]


def test_audit_team_accounts_each_keep_a_witness(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A12: two coordinators (two witness folders, one shared key) append to one chain in turn;
    each one's witness holds while the other writes, and a cut is caught by whoever saw it."""
    from rr_tui.records import CaseFields

    def account(name: str) -> Store:
        monkeypatch.setenv("RR_TUI_WITNESS_DIR", str(tmp_path / name))
        return Store("sqlite:///" + str(db), actor=name)

    alice, bob = account("alice"), account("bob")
    alice.create_case(CaseFields("TEAM-1"))
    bob.create_case(CaseFields("TEAM-2"))
    alice.create_case(CaseFields("TEAM-3"))
    bob.create_case(CaseFields("TEAM-4"))
    assert alice.verify_audit() == [] and bob.verify_audit() == []
    _raw(
        db,
        "DELETE FROM case_order WHERE case_id = (SELECT MAX(id) FROM cases)",
        "DELETE FROM cases WHERE id = (SELECT MAX(id) FROM cases)",
        "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)",
    )
    bob_sees = bob.verify_audit()
    assert bob_sees and "cut off" in bob_sees[0]
    alice.close()
    bob.close()
