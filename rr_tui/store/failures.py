"""What a database refusal means, told by its code, never by its words.

A constraint that failed (SQLSTATE on PostgreSQL, SQLite's extended result
code) becomes the typed error the user reads; a stored value its column cannot
hold is told apart from a bug in rr-tui.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError

from rr_tui.errors import ConflictError, InputError, RRError, field_error

SQLITE_CONSTRAINT_PRIMARYKEY = 1555


SQLITE_CONSTRAINT_UNIQUE = 2067


PG_UNIQUE_VIOLATION = "23505"


CLASH_PROBLEM = "another case already has that reference (upper or lower case alike)"


def clash() -> InputError:
    """The reference is taken: refused on the reference field."""
    return field_error("reference", "Reference", CLASH_PROBLEM)


def integrity_error(exc: IntegrityError) -> RRError:
    """Which constraint failed, by code (SQLSTATE, SQLite's extended result code)."""
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate is not None:
        unique = sqlstate == PG_UNIQUE_VIOLATION
        diag = getattr(orig, "diag", None)
        constraint = getattr(diag, "constraint_name", None) or ""
        reference = constraint in ("uq_cases_reference", "uq_cases_reference_nocase")
    else:
        code = getattr(orig, "sqlite_errorcode", None)
        unique = code in (SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY)
        # SQLite names the columns, never translated: "UNIQUE constraint failed: cases.reference".
        reference = unique and str(orig).endswith(
            (": cases.reference", "index 'uq_cases_reference_nocase'")
        )
    if reference:
        return clash()
    if unique:
        # Two saves of the same new record at once (a meeting, a Panel record, a step).
        return ConflictError("someone else saved this record at the same moment; reload it")
    return InputError("the record refers to something that no longer exists")


class StoredValueError(ValueError):
    """A value read from the database that its column's type cannot hold."""


def stored_date(text: Any) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise StoredValueError("a stored date is not a date") from None


def from_column_conversion(exc: ValueError) -> bool:
    """Was this ValueError raised while SQLAlchemy converted a stored value (a bad date)?

    Only those mean a value in the database is wrong; any other ValueError is a
    bug in rr-tui and must not be passed off as a damaged database.
    """
    if isinstance(exc, StoredValueError):
        return True
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return False
    module = str(last.tb_frame.f_globals.get("__name__", ""))
    return module.startswith("sqlalchemy.")
