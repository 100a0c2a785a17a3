"""Shared fixtures: real databases (SQLite, and PostgreSQL when available), never mocks.

PostgreSQL variants run when RR_TUI_TEST_PG_URL names a server where that role
may create databases, e.g. postgresql+psycopg://rr:rr@127.0.0.1:5432/rr_test
(``.ci/run`` starts one); each test gets a new, empty database of its own.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from rr_tui.store import Store

# One audit key and one witness folder for the whole test run (and the rr-tui
# processes tests start), outside the real home folder: databases built by
# module-scoped fixtures are then sealed with the key every test uses.
_ANCHORS = Path(tempfile.mkdtemp(prefix="rr-tui-test-anchors-"))
os.environ.setdefault("RR_TUI_AUDIT_KEY", str(_ANCHORS / "audit.key"))
os.environ.setdefault("RR_TUI_WITNESS_DIR", str(_ANCHORS / "witness"))
atexit.register(shutil.rmtree, _ANCHORS, True)

PG_ENV = "RR_TUI_TEST_PG_URL"
PG_URL = os.environ.get(PG_ENV, "")

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not PG_URL, reason=f"{PG_ENV} is not set"),
        ],
    ),
]


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real home folder, data folder or configuration."""
    home = tmp_path_factory.mktemp("home")
    config = home / "config.toml"
    config.write_text("")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("RR_TUI_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("RR_TUI_CONFIG", str(config))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    # Each test's own witnesses (a PostgreSQL test database's name is reused).
    monkeypatch.setenv("RR_TUI_WITNESS_DIR", str(home / "witness"))
    monkeypatch.delenv("RR_TUI_DB", raising=False)
    monkeypatch.delenv("RR_TUI_THEME", raising=False)  # snapshots are of the dark theme
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo cases (today fixed at 26 Nov 2026), built once per test module."""
    from tui_helpers import demo_db

    path = tmp_path_factory.mktemp("template") / "rr.db"
    demo_db(path)
    return path


@pytest.fixture
def demo_url(demo_template: Path, tmp_path: Path) -> str:
    """A private copy of the demo database for one test."""
    from tui_helpers import copy_db

    return copy_db(demo_template, tmp_path / "db" / "rr.db")


def _pg_url_for(name: str) -> str:
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_session_database() -> Iterator[str]:
    """A database of this test run's own on the server (so parallel runs never meet)."""
    if not PG_URL:
        pytest.skip(f"{PG_ENV} is not set")
    name = f"rr_t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    server = create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield name
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        server.dispose()


@pytest.fixture
def pg_database(pg_session_database: str) -> str:
    """That database, emptied for one test: no tables, no alembic_version, no connections.

    (Quicker than CREATE DATABASE per test, which checkpoints the server.)
    """
    url = _pg_url_for(pg_session_database)
    engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    " AND usename = current_user AND backend_type = 'client backend'"
                )
            )
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a database that does not exist yet (SQLite) or is empty (PostgreSQL)."""
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path / "db" / "rr.db")
    url: str = request.getfixturevalue("pg_database")
    return url


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    """Where a SQLite database for one test lives (not created)."""
    return tmp_path / "db" / "rr.db"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url, create=True)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def open_store() -> Iterator[Callable[..., Store]]:
    """Open more Store instances (another coordinator); all closed at the end."""
    opened: list[Store] = []

    def make(url: str, *, create: bool = False, actor: str | None = None) -> Store:
        s = Store(url, create=create, actor=actor)
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()
