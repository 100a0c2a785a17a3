"""Checks on a SQLite database file before anything opens it.

Standard library only, so the list's first screenful (``rr_tui.first_page``)
can make the same checks as the store before SQLAlchemy is imported.
"""

from __future__ import annotations

import stat
from pathlib import Path

from rr_tui.errors import DatabaseError, DatabaseMissing, DatabaseUnsafe, SchemaError
from rr_tui.files.safe_files import filesystem_type, others_can_write

SQLITE_HEADER = b"SQLite format 3\x00"
NETWORK_FS = {
    "nfs",
    "nfs4",
    "cifs",
    "smbfs",
    "smb3",
    "9p",
    "fuse.sshfs",
    "afs",
    "ceph",
    "glusterfs",
}


def check_sqlite_file(path: Path, *, create: bool) -> bool:
    """Check a SQLite path before opening it; return whether it exists.

    Creates the private directory when ``create`` is true.
    """
    try:
        return _check_sqlite_file(path, create=create)
    except PermissionError:
        raise DatabaseError(
            f"you do not have permission to use the database {path} or its folder"
        ) from None
    except OSError as exc:
        raise DatabaseError(f"cannot use the database {path} ({exc.strerror})") from None


def _check_sqlite_file(path: Path, *, create: bool) -> bool:
    if path.is_symlink():
        raise DatabaseUnsafe(f"the database path {path} is a symbolic link; give the real path")
    if path.is_dir():
        raise DatabaseError(f"the database path {path} is a directory, not a file")
    parent = path.parent
    if not parent.exists():
        if not create:
            raise DatabaseMissing(f"there is no database at {path} (its folder does not exist)")
        try:
            parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot create the folder {parent} ({exc.strerror})") from None
    if not parent.is_dir():
        raise DatabaseError(f"{parent} is not a folder, so the database cannot be there")
    if others_can_write(parent):
        raise DatabaseUnsafe(
            f"the database folder {parent} can be written by other accounts, who could read "
            f"its journal files; use a private folder (chmod 700 {parent})"
        )
    fs = filesystem_type(parent)
    if fs in NETWORK_FS:
        raise DatabaseUnsafe(
            f"the database folder {parent} is on a network file system ({fs}); "
            "SQLite is not safe there: use a local disk or PostgreSQL"
        )
    if not path.exists():
        if not create:
            raise DatabaseMissing(f"there is no database at {path}")
        return False
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise DatabaseError(f"the database path {path} is not a regular file")
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise DatabaseUnsafe(
            f"the database {path} can be read by other users; run: chmod 600 {path}"
        )
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except PermissionError:
        raise DatabaseError(f"you do not have permission to read the database {path}") from None
    if header and header != SQLITE_HEADER:
        raise SchemaError(f"{path} is not an rr-tui database (not an SQLite file)")
    return bool(header)
