"""Schema versions: the Alembic revisions build exactly the models; upgrade and backup."""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from factories import cli
from sqlalchemy import Engine, inspect

import rr_tui.direct_read
import rr_tui.store.db
from rr_tui.config import db_url as path_to_url
from rr_tui.models import Base
from rr_tui.records import CaseFields
from rr_tui.store import Store

MIGRATIONS = rr_tui.store.db.MIGRATIONS


def alembic_config(connection: object) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def empty_engine(db_url: str) -> Engine:
    path = rr_tui.store.db.sqlite_path(db_url) if rr_tui.store.db.is_sqlite(db_url) else None
    if path is not None:
        path.parent.mkdir(mode=0o700)
    return rr_tui.store.db.make_engine(db_url)


def test_upgrading_an_empty_database_gives_exactly_the_models_schema(db_url: str) -> None:
    engine = empty_engine(db_url)
    try:
        assert rr_tui.store.db.schema_revision(engine) is None
        rr_tui.store.db.migrate(engine)
        assert rr_tui.store.db.schema_revision(engine) == rr_tui.store.db.HEAD
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            tables = set(inspect(conn).get_table_names())
        assert tables == set(Base.metadata.tables) | {"alembic_version"}
    finally:
        engine.dispose()


def test_downgrade_to_nothing_and_upgrade_again(db_url: str) -> None:
    engine = empty_engine(db_url)
    try:
        rr_tui.store.db.migrate(engine)
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "base")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        rr_tui.store.db.migrate(engine)
        assert rr_tui.store.db.schema_revision(engine) == rr_tui.store.db.HEAD
    finally:
        engine.dispose()


def test_known_revisions_match_the_migration_files_in_order() -> None:
    script = ScriptDirectory(str(MIGRATIONS))
    chain = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert tuple(chain) == rr_tui.store.db.REVISIONS
    assert script.get_heads() == [rr_tui.store.db.HEAD]

    in_files = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "revision":
                in_files.add(ast.literal_eval(node.value))
    assert in_files == set(rr_tui.store.db.REVISIONS)


def test_db_upgrade_on_a_current_database_says_it_is_up_to_date(
    capsys: pytest.CaptureFixture[str], store: Store, db_url: str
) -> None:
    assert cli(capsys, "--db", db_url, "db", "upgrade") == (
        0,
        "the database is already up to date\n",
        "",
    )


def test_db_upgrade_needs_a_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = cli(capsys, "--db", str(tmp_path / "none.db"), "db", "upgrade")
    assert (code, out) == (6, "")
    assert err == f"rr-tui: there is no database at {tmp_path / 'none.db'}\n"


def test_a_database_from_an_older_rr_tui_asks_for_an_upgrade(
    capsys: pytest.CaptureFixture[str],
    store: Store,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store.close()
    # As if this rr-tui had a newer revision than the one the database is at.
    monkeypatch.setattr(rr_tui.store.db, "REVISIONS", (*rr_tui.store.db.REVISIONS, "9999_next"))
    monkeypatch.setattr(rr_tui.store.db, "HEAD", "9999_next")
    monkeypatch.setattr(rr_tui.direct_read, "HEAD", "9999_next")  # status's SQLite reader
    code, out, err = cli(capsys, "--db", db_url, "status")
    assert (code, out) == (8, "")
    assert err == "rr-tui: the database was made by an older rr-tui; run: rr-tui db upgrade\n"


def test_db_path_names_the_file_or_the_server_without_its_password(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, isolated: Path
) -> None:
    assert cli(capsys, "db", "path") == (0, f"{isolated / 'data' / 'rr-tui.db'}\n", "")
    url = "postgresql+psycopg://rr:secret@db.example:5432/rr"
    code, out, _ = cli(capsys, "--db", url, "db", "path")
    assert code == 0
    assert "secret" not in out
    assert out.startswith("postgresql+psycopg://rr:***@db.example:5432/rr")


def test_backup_makes_a_private_consistent_copy(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "live.db"
    store = Store("sqlite:///" + str(source), create=True)
    store.create_case(CaseFields("RR-1"))
    store.close()
    copy = tmp_path / "copy #1?.db"
    assert cli(capsys, "--db", str(source), "backup", str(copy)) == (
        0,
        f"backed up to {copy}\n",
        "",
    )
    assert (copy.stat().st_mode & 0o777) == 0o600
    restored = Store(path_to_url(copy))
    assert restored.references() == {"RR-1"}
    assert restored.verify_audit() == []
    restored.close()
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    code, _, err = cli(capsys, "--db", str(source), "backup", str(copy))
    assert code == 3
    assert err == "rr-tui: the backup target already exists; choose a new file name\n"
