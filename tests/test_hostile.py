"""Hostile inputs, one class of fault per test (issue 11 §3-7).

Each test's name starts with the class it covers, as listed in
docs/reliability.md: files (F), output (O), exit codes (E), configuration (C)
and audit trail (A). Every test would fail if its class came back.
"""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

from rr_tui import safe_files
from rr_tui.cli import main
from rr_tui.errors import InputError
from rr_tui.store import Store

TODAY = date(2026, 3, 10)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> bool:
    return err.count("\n") == 1 and err.startswith("rr-tui: ") and "Traceback" not in err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "db" / "rr.db"
    store = Store("sqlite:///" + str(path), create=True)
    from rr_tui.demo import seed

    seed(store, TODAY)
    store.close()
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

    monkeypatch.setattr("rr_tui.safe_files.os.write", full)
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
    monkeypatch.setattr("rr_tui.safe_files.os.geteuid", lambda: os.getuid() + 1)
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
    from rr_tui import maintenance

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
    ],
    ids=lambda v: repr(v)[:40],
)
def test_exit_codes_hostile_arguments(
    args: list[str], code: int, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E1: huge numbers, out-of-range years, invalid UTF-8, overlong names: their own code."""
    got, _out, err = cli(capsys, "--db", str(db), *args)
    assert (got, one_line(err)) == (code, True), err
