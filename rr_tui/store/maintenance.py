"""Database upkeep: where it is, upgrading its schema, and online backups."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, text

from rr_tui.errors import DatabaseError, DatabaseMissing, InputError, SchemaError
from rr_tui.sanitize import for_display
from rr_tui.store import db


def db_path_text(url: str) -> str:
    path = db.sqlite_path(url) if db.is_sqlite(url) else None
    if path is not None:
        return str(path)
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _sqlite_backup(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy while others keep working.

    The copy is made in a private temporary file beside ``target``, checked,
    synced, and only then given its name: a failed backup leaves nothing.
    """
    from rr_tui.files.safe_files import write_new

    write_new(target, lambda tmp: _backup_into(source, tmp), what="the backup target")


def _backup_into(source: Path, target: Path) -> None:
    old_umask = os.umask(0o077)
    try:
        # as_uri() percent-encodes the path, so a '?' or '#' in it cannot
        # turn into URI parameters.
        src_uri = source.absolute().as_uri() + "?mode=ro"
        src = sqlite3.connect(src_uri, uri=True, timeout=db.BUSY_TIMEOUT_S)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
                result = dst.execute("PRAGMA integrity_check").fetchone()
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise db.translate(exc) from None
    finally:
        os.umask(old_umask)
    if not result or result[0] != "ok":
        raise DatabaseError("the backup copy failed its integrity check")


def backup(url: str, target: Path) -> str:
    path = db.sqlite_path(url) if db.is_sqlite(url) else None
    if path is None:
        raise InputError("backup copies SQLite databases; for PostgreSQL use pg_dump")
    if not path.exists():
        raise DatabaseMissing(f"there is no database at {path}")
    _sqlite_backup(path, target)
    return f"backed up to {target}"


def reference_clashes(engine: Engine) -> list[list[str]]:
    """Groups of references that differ only in case (kept apart by an older rr-tui)."""
    query = text(
        "SELECT reference FROM cases WHERE upper(reference) IN "
        "(SELECT upper(reference) FROM cases GROUP BY upper(reference) HAVING count(*) > 1)"
    )
    groups: dict[str, list[str]] = {}
    with db.translated(), engine.connect() as conn:
        for (reference,) in conn.execute(query):
            groups.setdefault(reference.upper(), []).append(reference)
    # Sorted here, not by the server: collations differ.
    return [sorted(groups[key]) for key in sorted(groups)]


def clash_report(engine: Engine) -> str:
    """What ``db upgrade`` says about references that differ only in case ('' if none)."""
    groups = reference_clashes(engine)
    if not groups:
        return ""
    lines = [
        "",
        f"{len(groups)} reference(s) differ only in case from another case's; rr-tui now "
        "treats such references as one, so rename one of each pair in the app "
        "(open it, e, Reference). Until then, give these exactly as written:",
    ]
    lines += ["  " + " / ".join(for_display(r) for r in group) for group in groups]
    return "\n".join(lines)


def upgrade(url: str) -> str:
    """Back up (SQLite), migrate to the newest schema, then check integrity."""
    path = db.sqlite_path(url) if db.is_sqlite(url) else None
    if path is not None:
        db.check_sqlite_file(path, create=False)
    engine = db.make_engine(url)
    try:
        revision = db.schema_revision(engine)
        if revision is None:
            raise DatabaseError("that database is empty: there is nothing to upgrade")
        if revision == db.HEAD:
            return "the database is already up to date"
        if revision not in db.REVISIONS:
            raise SchemaError(
                "the database was made by a newer rr-tui, or is not an rr-tui database"
            )
        note = ""
        if path is not None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            copy = path.with_name(f"{path.name}.before-upgrade-{stamp}")
            _sqlite_backup(path, copy)
            note = f" (backup: {copy})"
        db.migrate(engine)
        if path is not None:
            with db.translated(), engine.connect() as conn:
                status = conn.execute(text("PRAGMA integrity_check")).scalar()
            if status != "ok":
                raise DatabaseError("the upgraded database failed its integrity check")
        return f"upgraded the database to {db.HEAD}{note}" + clash_report(engine)
    finally:
        engine.dispose()
