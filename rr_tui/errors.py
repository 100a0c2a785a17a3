"""Typed errors: each carries one sentence for the user and a distinct exit code.

Messages never include case data (references, names, notes): they may end up
in a terminal log or a ticket.
"""

from __future__ import annotations


class RRError(Exception):
    """An expected failure: shown as one line on stderr, never as a traceback."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(RRError):
    exit_code = 2


class InputError(RRError):
    """Bad input from the user: a date, a field, an import file.

    When one field is at fault, ``field`` names it (the record's field name,
    which the forms use as the field's id) and ``problem`` says what is wrong
    with it without its label: a form shows it on that field.
    """

    exit_code = 3

    def __init__(self, message: str, *, field: str = "", problem: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.problem = problem or message


def field_error(field: str, label: str, problem: str) -> InputError:
    """``Label: problem``, routed to the field ``field``."""
    return InputError(f"{label}: {problem}", field=field, problem=problem)


class NotFoundError(RRError):
    exit_code = 4


class DatabaseError(RRError):
    """The database cannot be opened or used."""

    exit_code = 5


class DatabaseMissing(DatabaseError):
    exit_code = 6


class DatabaseLocked(DatabaseError):
    exit_code = 7


class SchemaError(DatabaseError):
    """A database from another application, or another version of rr-tui."""

    exit_code = 8


class ConflictError(RRError):
    """Someone else changed the record since it was read."""

    exit_code = 9


class ConfigError(RRError):
    exit_code = 10


class DatabaseUnsafe(DatabaseError):
    """The database file is readable by others, a symbolic link, or on a network disk."""

    exit_code = 12


class DatabaseDamaged(SchemaError):
    """The file is an SQLite database, but damaged."""

    exit_code = 14


class DatabaseUnreachable(DatabaseError):
    """The database server is down, unreachable, or refused the credentials."""

    exit_code = 13
