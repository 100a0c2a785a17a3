"""Opening the database safely: the checks before any query, and the engine settings.

Every failure becomes one typed error with one sentence (``rr_tui.errors``).
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from rr_tui.errors import (
    DatabaseDamaged,
    DatabaseError,
    DatabaseLocked,
    DatabaseMissing,
    DatabaseUnreachable,
    DatabaseUnsafe,
    SchemaError,
)
from rr_tui.revisions import HEAD, REVISIONS
from rr_tui.sqlite_file import SQLITE_HEADER, check_sqlite_file

__all__ = [
    "HEAD",
    "REVISIONS",
    "SQLITE_HEADER",
    "DatabaseDamaged",
    "DatabaseError",
    "DatabaseLocked",
    "DatabaseMissing",
    "DatabaseUnreachable",
    "DatabaseUnsafe",
    "SchemaError",
    "check_sqlite_file",
]


# WAL only where SQLite has the fix for the WAL-reset corruption bug.
WAL_SAFE_FROM = (3, 51, 3)
BUSY_TIMEOUT_S = 10.0

T = TypeVar("T")


SQLITE_DRIVERS = ("sqlite", "sqlite+pysqlite")


def is_sqlite(url: str) -> bool:
    """Does the URL name an SQLite database, in any spelling (``SQLite+pysqlite://``)?"""
    try:
        return make_url(url).get_backend_name().lower() == "sqlite"
    except (ArgumentError, ValueError):
        return url.lower().startswith("sqlite")


def sqlite_path(url: str) -> Path | None:
    """The file an SQLite URL names (None for an in-memory database).

    Every spelling of an SQLite URL reaches the same file checks: a URL whose
    parameters could point SQLite elsewhere (``?uri=true``, ``?mode=``,
    ``?vfs=``) or another SQLite driver is refused rather than checked by half.
    """
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise DatabaseError("the database URL is not one rr-tui can use") from None
    if parsed.drivername.lower() not in SQLITE_DRIVERS:
        raise DatabaseError("rr-tui opens SQLite databases with its own driver: use sqlite:///PATH")
    if parsed.query or parsed.host or parsed.username or parsed.port:
        raise DatabaseError(
            "give an SQLite database as a path or as sqlite:///PATH, without URL parameters"
        )
    database = parsed.database
    if not database or database == ":memory:":
        return None
    return Path(database)


def identity(url: str) -> str:
    """What names this database across processes: its file, or its server and name.

    Never the password. The audit witness is kept per identity.
    """
    if is_sqlite(url):
        path = sqlite_path(url)
        return "sqlite:" + (os.path.realpath(path) if path is not None else ":memory:")
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return url
    return (
        f"postgresql://{parsed.username or ''}@{parsed.host or ''}:{parsed.port or 5432}/"
        f"{parsed.database or ''}"
    )


def _sqlite_version() -> tuple[int, ...]:
    return tuple(int(p) for p in sqlite3.sqlite_version.split("."))


def journal_mode() -> str:
    return "wal" if _sqlite_version() >= WAL_SAFE_FROM else "delete"


def _configure_sqlite(engine: Engine) -> None:
    mode = journal_mode()

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling is off, so that writes can
        # start with BEGIN IMMEDIATE (below) and never deadlock on upgrade.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA mmap_size = 0")
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute(f"PRAGMA journal_mode = {mode}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("rr_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    try:
        if is_sqlite(url):
            sqlite_path(url)  # refuses the spellings the file checks cannot follow
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
            _configure_sqlite(engine)
            return engine
        url = _with_pg_driver(url)
        return create_engine(url, pool_pre_ping=True, connect_args=_pg_connect_args(url))
    except (ArgumentError, NoSuchModuleError, ValueError):
        raise DatabaseError("the database URL is not one rr-tui can use") from None
    except ModuleNotFoundError:
        raise DatabaseError(
            "the driver for that database is not installed (for PostgreSQL: pip install psycopg)"
        ) from None


def _with_pg_driver(url: str) -> str:
    """``postgresql://`` means psycopg 2 to SQLAlchemy; rr-tui ships psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _pg_connect_args(url: str) -> dict[str, Any]:
    return {"connect_timeout": 5} if url.startswith("postgresql") else {}


def translate(exc: BaseException) -> DatabaseError:
    """One sentence for a driver error; never the SQL or its parameters."""
    orig = getattr(exc, "orig", None) or exc
    message = str(orig).lower()
    if type(orig).__module__.startswith("psycopg"):
        return _translate_pg(message, type(exc).__name__)
    if "locked" in message or "busy" in message:
        return DatabaseLocked(
            "the database is busy with another coordinator's save; try again in a moment"
        )
    if "not a database" in message or "malformed" in message or "corrupt" in message:
        return DatabaseDamaged(
            "the database file is damaged; restore it from a backup (see: rr-tui backup)"
        )
    if "disk is full" in message or "no space" in message:
        return DatabaseError("the disk is full: nothing was saved; free some space and try again")
    if "readonly" in message or "read-only" in message:
        return DatabaseError("the database is read-only: nothing was saved")
    if "unable to open" in message:
        return DatabaseError("the database file cannot be opened")
    if "no such table" in message or "no such column" in message:
        return SchemaError("the database is not an rr-tui database (tables are missing)")
    if "disk i/o" in message:
        return DatabaseError("the disk reported an error reading or writing the database")
    return DatabaseError("the database reported an error: " + type(exc).__name__)


def _translate_pg(message: str, kind: str) -> DatabaseError:
    unknown_role = "role" in message and "does not exist" in message
    if "password" in message or "authentication" in message or unknown_role:
        return DatabaseUnreachable("the PostgreSQL server refused the user name or password")
    if "database" in message and "does not exist" in message:
        return DatabaseMissing("there is no such database on the PostgreSQL server")
    if any(
        word in message
        for word in (
            "connection refused",
            "could not connect",
            "connection failed",
            "timeout expired",
            "failed to resolve",
            "could not translate host",
            "no route to host",
            "server closed the connection",
            "terminating connection",
            "connection is closed",
        )
    ):
        return DatabaseUnreachable("cannot reach the PostgreSQL server; is it running?")
    if "deadlock" in message or "could not serialize" in message or "lock timeout" in message:
        return DatabaseLocked(
            "the database is busy with another coordinator's save; try again in a moment"
        )
    if "no space" in message or "disk full" in message:
        return DatabaseError("the database server's disk is full: nothing was saved")
    if "read-only" in message:
        return DatabaseError("the database is read-only: nothing was saved")
    if "permission denied" in message:
        return DatabaseError("the PostgreSQL user may not use these tables")
    if "relation" in message and "does not exist" in message:
        return SchemaError("the database is not an rr-tui database (tables are missing)")
    return DatabaseError("the database reported an error: " + kind)


@contextmanager
def translated() -> Iterator[None]:
    """Turn driver errors inside the block into typed rr-tui errors."""
    try:
        yield
    except (OperationalError, DBAPIError, sqlite3.Error) as exc:
        raise translate(exc) from None
    except OSError as exc:
        reason = exc.strerror or "I/O error"
        raise DatabaseError(f"the database cannot be used ({reason})") from None


def call(fn: Callable[[], T]) -> T:
    with translated():
        return fn()


def schema_revision(engine: Engine) -> str | None:
    """The Alembic revision of the database; None when it has no tables at all."""
    with translated(), engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        if not tables:
            return None
        if "alembic_version" not in tables:
            raise SchemaError("that database belongs to another application, not rr-tui")
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return row[0] if row else ""


def check_revision(revision: str | None) -> None:
    if revision == HEAD:
        return
    if revision in REVISIONS:
        raise SchemaError("the database was made by an older rr-tui; run: rr-tui db upgrade")
    raise SchemaError("the database was made by a newer rr-tui, or is not an rr-tui database")


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with Alembic (only on create and upgrade)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with translated(), engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        raw = conn.connection.dbapi_connection
        if sqlite and raw is not None:
            # Batch migrations rebuild a table (copy, DROP, rename); with
            # foreign keys on, the DROP would cascade-delete every child row.
            # The pragma only works outside a transaction, on the raw driver.
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise DatabaseError(
                        "the upgrade would break links between records; nothing was changed"
                    )
        finally:
            if sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


def make_private(path: Path) -> None:
    """Take away every group and other permission on the database and its journals.

    Only ever removes bits: a database the owner made read-only (0400) stays so.
    """
    for candidate in (path, *(path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm"))):
        try:
            mode = stat.S_IMODE(candidate.stat().st_mode)
            if mode & 0o077:
                os.chmod(candidate, mode & 0o700)
        except FileNotFoundError:
            continue
        except OSError:
            # Not ours to change (a read-only file system, another owner): the
            # open-time check has already refused a database others can read.
            continue
