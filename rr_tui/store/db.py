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


# PostgreSQL: how long a statement waits for a lock held by another session,
# and how long any one statement may run, before exit 7 "busy" (config:
# [database] lock_timeout and statement_timeout, in seconds).
PG_LOCK_TIMEOUT_S = 10
PG_STATEMENT_TIMEOUT_S = 60


def make_engine(
    url: str,
    *,
    lock_timeout_s: int = PG_LOCK_TIMEOUT_S,
    statement_timeout_s: int = PG_STATEMENT_TIMEOUT_S,
) -> Engine:
    try:
        if is_sqlite(url):
            sqlite_path(url)  # refuses the spellings the file checks cannot follow
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
            _configure_sqlite(engine)
            return engine
        url = _with_pg_driver(url)
        args = _pg_connect_args(url)
        if url.startswith("postgresql"):
            args["options"] = (
                f"-c lock_timeout={int(lock_timeout_s) * 1000} "
                f"-c statement_timeout={int(statement_timeout_s) * 1000}"
            )
        return create_engine(url, pool_pre_ping=True, connect_args=args)
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


BUSY = "the database is busy with another coordinator's save; try again in a moment"

# Errors are told apart by code, never by the words of the message, which a
# localised PostgreSQL server translates. SQLite's primary result codes:
# https://www.sqlite.org/rescode.html
_SQLITE_CODES: dict[int, Callable[[], DatabaseError]] = {
    3: lambda: DatabaseError("you do not have permission to use the database file"),  # PERM
    5: lambda: DatabaseLocked(BUSY),  # BUSY
    6: lambda: DatabaseLocked(BUSY),  # LOCKED
    8: lambda: DatabaseError("the database is read-only: nothing was saved"),  # READONLY
    10: lambda: DatabaseError(
        "the disk reported an error reading or writing the database"
    ),  # IOERR
    11: lambda: DatabaseDamaged(
        "the database file is damaged; restore it from a backup (see: rr-tui backup)"
    ),  # CORRUPT
    13: lambda: DatabaseError(
        "the disk is full: nothing was saved; free some space and try again"
    ),  # FULL
    14: lambda: DatabaseError("the database file cannot be opened"),  # CANTOPEN
    23: lambda: DatabaseError("you do not have permission to use the database file"),  # AUTH
    26: lambda: DatabaseDamaged(
        "the database file is damaged; restore it from a backup (see: rr-tui backup)"
    ),  # NOTADB
}
SQLITE_ERROR = 1  # a generic SQL error: a missing table or column when a schema is wrong

# PostgreSQL SQLSTATE codes, exact or by class (the first two characters).
_PG_CODES: dict[str, Callable[[], DatabaseError]] = {
    "28P01": lambda: DatabaseUnreachable("the PostgreSQL server refused the user name or password"),
    "28000": lambda: DatabaseUnreachable("the PostgreSQL server refused the user name or password"),
    "3D000": lambda: DatabaseMissing("there is no such database on the PostgreSQL server"),
    "40P01": lambda: DatabaseLocked(BUSY),  # deadlock_detected
    "40001": lambda: DatabaseLocked(BUSY),  # serialization_failure
    "55P03": lambda: DatabaseLocked(BUSY),  # lock_not_available (lock_timeout)
    "57014": lambda: DatabaseLocked(BUSY),  # query_canceled (statement_timeout)
    "25006": lambda: DatabaseError("the database is read-only: nothing was saved"),
    "42501": lambda: DatabaseError("the PostgreSQL user may not use these tables"),
    "42P01": lambda: SchemaError("the database is not an rr-tui database (tables are missing)"),
    "42703": lambda: SchemaError("the database is not an rr-tui database (tables are missing)"),
}
_PG_CLASSES: dict[str, Callable[[], DatabaseError]] = {
    "08": lambda: DatabaseUnreachable("cannot reach the PostgreSQL server; is it running?"),
    "57": lambda: DatabaseUnreachable("cannot reach the PostgreSQL server; is it running?"),
    "53": lambda: DatabaseError("the database server's disk is full: nothing was saved"),
    "28": lambda: DatabaseUnreachable("the PostgreSQL server refused the user name or password"),
}


def translate(exc: BaseException) -> DatabaseError:
    """One sentence for a driver error, chosen by its code; never the SQL or its parameters."""
    orig = getattr(exc, "orig", None) or exc
    if undecodable_text(exc):
        return DatabaseError(
            "the database holds text that is not UTF-8; it was changed outside rr-tui "
            "(see: rr-tui audit verify)"
        )
    if hasattr(orig, "sqlstate") or type(orig).__module__.startswith("psycopg"):
        return _translate_pg(orig, type(exc).__name__)
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        made = _SQLITE_CODES.get(code & 0xFF)
        if made is not None:
            return made()
        if code & 0xFF == SQLITE_ERROR and _missing_schema(orig):
            return SchemaError("the database is not an rr-tui database (tables are missing)")
    return DatabaseError("the database reported an error: " + type(exc).__name__)


def _missing_schema(orig: BaseException) -> bool:
    # SQLite's own messages are never translated; this names the missing object.
    message = str(orig)
    return message.startswith(("no such table", "no such column"))


def _translate_pg(orig: BaseException, kind: str) -> DatabaseError:
    state = getattr(orig, "sqlstate", None)
    if isinstance(state, str):
        made = _PG_CODES.get(state) or _PG_CLASSES.get(state[:2])
        if made is not None:
            return made()
        return DatabaseError("the database reported an error: " + kind)
    # No SQLSTATE: the client failed before the server answered (refused,
    # unreachable, a connection cut off): psycopg's OperationalError.
    if any(cls.__name__ == "OperationalError" for cls in type(orig).__mro__):
        return DatabaseUnreachable("cannot reach the PostgreSQL server; is it running?")
    return DatabaseError("the database reported an error: " + kind)


@contextmanager
def translated(*, undecodable: bool = True) -> Iterator[None]:
    """Turn driver errors inside the block into typed rr-tui errors.

    With ``undecodable=False``, SQLite's "not UTF-8" read error passes through
    untranslated, for the store to read the text again tolerantly.
    """
    try:
        yield
    except (OperationalError, DBAPIError, sqlite3.Error) as exc:
        if not undecodable and undecodable_text(exc):
            raise
        raise translate(exc) from None
    except OSError as exc:
        reason = exc.strerror or "I/O error"
        raise DatabaseError(f"the database cannot be used ({reason})") from None


def call(fn: Callable[[], T]) -> T:
    with translated():
        return fn()


def undecodable_text(exc: BaseException) -> bool:
    """Is this SQLite's driver failing on stored text that is not valid UTF-8?

    (Python's own sqlite3 module raises it, with no SQLite result code.)
    """
    orig = getattr(exc, "orig", None) or exc
    return (
        isinstance(orig, sqlite3.OperationalError)
        and getattr(orig, "sqlite_errorcode", None) is None
        and str(orig).startswith("Could not decode to UTF-8")
    )


def _tolerant_text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def read_invalid_utf8(engine: Engine) -> None:
    """From now on, read text that is not valid UTF-8 with U+FFFD for the bad bytes.

    Only switched on once such text is met: the standard decoder is faster.
    """

    def tolerant(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.text_factory = _tolerant_text

    if not event.contains(engine, "connect", tolerant):
        event.listen(engine, "connect", tolerant)
    engine.dispose()


def connect_failure(engine: Engine, exc: BaseException) -> DatabaseError:
    """Why a PostgreSQL connection failed, without reading the server's (localised) words.

    libpq gives no SQLSTATE for a failure while connecting, so rr-tui asks the
    network and the server instead: no answer on the port means unreachable;
    a login to the server's ``postgres`` database that works means this
    database is missing; otherwise the login itself was refused.
    """
    import socket

    translated_error = translate(exc)
    url = engine.url
    if url.get_backend_name() != "postgresql" or not isinstance(
        translated_error, DatabaseUnreachable
    ):
        return translated_error
    host, port = url.host, url.port or 5432
    if host and not host.startswith("/"):
        try:
            socket.create_connection((host, port), timeout=3).close()
        except OSError:
            return DatabaseUnreachable("cannot reach the PostgreSQL server; is it running?")
    probe = create_engine(url.set(database="postgres"), connect_args={"connect_timeout": 5})
    try:
        with probe.connect():
            pass
    except DBAPIError:
        return DatabaseUnreachable("the PostgreSQL server refused the user name or password")
    finally:
        probe.dispose()
    return DatabaseMissing("there is no such database on the PostgreSQL server")


def schema_revision(engine: Engine) -> str | None:
    """The Alembic revision of the database; None when it has no tables at all."""
    try:
        conn = engine.connect()
    except DBAPIError as exc:
        raise connect_failure(engine, exc) from None
    with translated(), conn:
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


# The Alembic revisions (rr_tui/migrations), beside the store package.
MIGRATIONS = Path(__file__).parent.parent / "migrations"


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with Alembic (only on create and upgrade)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
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
