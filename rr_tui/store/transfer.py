"""Moving whole databases: the lossless JSON export and import, and ``db copy``.

The JSON export holds every record of every table the coordinators fill in
(each table an entry of ``"tables"``, every column, ids and versions and who
recorded what included); importing it into an empty database gives back the
same records. Tables are found from the models, not listed by hand: a table
added to ``rr_tui.models`` as a ``Tracked`` model is exported and imported
with no change here (``EXCLUDED`` names any that must not be).

``db copy`` moves a database to another URL (a team's SQLite file to
PostgreSQL) table by table, the audit trail and the list's stored order
included, into a target that holds nothing yet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Integer,
    String,
    Table,
    Text,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.orm import Mapper

from rr_tui.errors import InputError, SchemaError
from rr_tui.files.csvio import load_json
from rr_tui.models import Base, Tracked
from rr_tui.out import json_text
from rr_tui.rules.profile import NATIONAL_REVIEW
from rr_tui.sanitize import clean_text
from rr_tui.store import db

FORMAT = "rr-tui export"
# Bump when the file's shape changes (not for new tables or columns, which the
# schema revision says).
FORMAT_VERSION = 1
# Tracked tables that an export must leave out (none today).
EXCLUDED: frozenset[str] = frozenset()
MAX_REPORTED = 20


def table_of(mapper: Mapper[Any]) -> Table:
    table = mapper.local_table
    assert isinstance(table, Table)
    return table


def exported_mappers() -> list[Mapper[Any]]:
    """Every table of coordinators' records, parents before children (foreign keys)."""
    by_table = {
        table_of(m).name: m
        for m in Base.registry.mappers
        if issubclass(m.class_, Tracked) and table_of(m).name not in EXCLUDED
    }
    return [by_table[t.name] for t in Base.metadata.sorted_tables if t.name in by_table]


def exported_tables() -> list[str]:
    return [table_of(m).name for m in exported_mappers()]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def read_tables(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """Every row of every exported table, as JSON-ready dicts, in id order."""
    out: dict[str, list[dict[str, Any]]] = {}
    for mapper in exported_mappers():
        table = table_of(mapper)
        rows = conn.execute(select(table).order_by(*table.primary_key.columns))
        out[table.name] = [{k: _plain(v) for k, v in row._mapping.items()} for row in rows]
    return out


def export_document(tables: Mapping[str, list[dict[str, Any]]], revision: str) -> str:
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": revision,
        "tables": tables,
    }
    # Bidi overrides and C1 controls as \u escapes, like every JSON rr-tui prints.
    return json_text(document, indent=1) + "\n"


def is_full_export(data: object) -> bool:
    return isinstance(data, dict) and data.get("format") == FORMAT


# -- import: checking a file before anything is written ------------------------------------


def _converter(column: Any) -> Callable[[Any], Any]:
    kind = column.type
    nullable = column.nullable

    def convert(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise ValueError("is required")
        if isinstance(kind, Boolean):
            if not isinstance(value, bool):
                raise ValueError("must be true or false")
            return value
        if isinstance(kind, Integer):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError("must be a whole number")
            if not -(2**31) <= value < 2**31:
                raise ValueError("is out of range")
            return value
        if isinstance(kind, DateTime):
            if not isinstance(value, str):
                raise ValueError("must be a date and time (YYYY-MM-DDTHH:MM:SS)")
            return datetime.fromisoformat(value)
        if isinstance(kind, Date):
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError("must be a date (YYYY-MM-DD)")
            return date.fromisoformat(value)
        if isinstance(kind, String | Text):
            if not isinstance(value, str):
                raise ValueError("must be text")
            length = getattr(kind, "length", None)
            if length is not None and len(value) > length:
                raise ValueError(f"is longer than {length} characters")
            if clean_text(value) != value:
                raise ValueError("holds control characters rr-tui never saves")
            return value
        raise ValueError("has a type rr-tui cannot import")  # pragma: no cover

    return convert


def parse_document(text_: str) -> dict[str, list[dict[str, Any]]]:
    """Check a full export: every table and column known, every value of its type.

    Raises one InputError listing the problems (by table, row and column; never
    the values); returns the rows, typed, keyed by table.
    """
    return check_document(load_json(text_))


def check_document(data: object) -> dict[str, list[dict[str, Any]]]:
    if not is_full_export(data):
        raise InputError("nothing imported: the file is not an rr-tui export")
    assert isinstance(data, dict)
    problems: list[str] = []
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise InputError(
            f"nothing imported: the export's format version is {version!r}; this rr-tui "
            f"reads version {FORMAT_VERSION}"
        )
    revision = data.get("schema_revision")
    if revision not in db.REVISIONS:
        raise InputError(
            "nothing imported: the export was made by a newer rr-tui (schema "
            f"{str(revision)[:40]!r}); upgrade rr-tui first"
        )
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise InputError("nothing imported: the export has no tables")
    known = {table_of(m).name: m for m in exported_mappers()}
    for name in tables:
        if name not in known:
            problems.append(f"table {str(name)[:40]!r} is not one rr-tui knows")
    typed: dict[str, list[dict[str, Any]]] = {}
    for name, mapper in known.items():
        rows = tables.get(name, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            problems.append(f"table {name}: must be a list of rows")
            continue
        columns = {c.name: c for c in table_of(mapper).columns}
        converters = {c: _converter(col) for c, col in columns.items()}
        out = []
        for number, row in enumerate(rows, start=1):
            unknown = sorted(set(row) - set(columns))
            if unknown:
                problems.append(f"{name} row {number}: unknown column {unknown[0][:40]!r}")
                continue
            values: dict[str, Any] = {}
            for column, convert in converters.items():
                raw = row.get(column)
                if column not in row and columns[column].server_default is not None:
                    # A column added by a later revision than the export's.
                    continue
                try:
                    values[column] = convert(raw)
                except ValueError as exc:
                    problems.append(f"{name} row {number}, column {column}: {exc}")
            out.append(values)
        typed[name] = out
    if problems:
        raise _fail(problems)
    _upgrade_in_transit(str(revision), typed)
    return typed


def _upgrade_in_transit(revision: str, tables: dict[str, list[dict[str, Any]]]) -> None:
    """What the revisions since the export's own do to its data, done to its rows.

    Revision 0009: a ``national_review`` decision is a national referral with no
    local decision (the rationale and the rest of the meeting stay).
    """
    if db.REVISIONS.index(revision) < db.REVISIONS.index("0009_national_referral"):
        for row in tables.get("meetings", []):
            if row.get("decision") == NATIONAL_REVIEW:
                row["decision"], row["national_referral"] = None, True


def _fail(problems: list[str]) -> InputError:
    shown = problems[:MAX_REPORTED]
    more = len(problems) - len(shown)
    return InputError(
        "nothing imported: " + "; ".join(shown) + (f"; and {more} more" if more else "")
    )


# -- db copy ----------------------------------------------------------------------------------

COPY_CHUNK = 2000


def _all_tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def target_is_empty(conn: Connection) -> bool:
    """No tables at all, or rr-tui's tables at this revision with no row in any."""
    names = set(inspect(conn).get_table_names())
    if not names:
        return True
    if names - {t.name for t in _all_tables()} - {"alembic_version"}:
        return False
    for table in _all_tables():
        if table.name in names:
            count = conn.execute(select(func.count()).select_from(table)).scalar()
            if count:
                return False
    return True


def reset_sequences(conn: Connection, tables: Iterable[Table]) -> None:
    """On PostgreSQL, move each id sequence past the ids that were given explicitly."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" not in table.c or not table.c.id.autoincrement:
            continue
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}
        ).scalar()
        if sequence is None:
            continue
        conn.execute(
            text(f"SELECT setval(:s, coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"),
            {"s": sequence},
        )


def copy_database(source: Engine, target: Engine) -> dict[str, int]:
    """Copy every table (the audit trail too) from ``source`` into an empty ``target``.

    The target is set up at this revision first when it has no tables. All of
    it is one transaction on the target: a failure leaves it as it was. Returns
    the number of rows copied per table.
    """
    revision = db.schema_revision(source)
    if revision != db.HEAD:
        db.check_revision(revision)
    with db.translated(), target.connect() as conn:
        if not target_is_empty(conn):
            raise InputError(
                "the target database is not empty; rr-tui copies only into an empty database"
            )
    if db.schema_revision(target) is None:
        db.migrate(target)
    elif db.schema_revision(target) != db.HEAD:
        raise SchemaError("the target database has rr-tui tables of another version")
    counts: dict[str, int] = {}
    with db.translated(), source.connect() as src, target.begin() as dst:
        # One read transaction on the source: a consistent picture of it.
        with src.begin():
            for table in _all_tables():
                counts[table.name] = 0
                result = src.execution_options(yield_per=COPY_CHUNK).execute(
                    select(table).order_by(*table.primary_key.columns)
                )
                for chunk in result.partitions(COPY_CHUNK):
                    dst.execute(table.insert(), [dict(row._mapping) for row in chunk])
                    counts[table.name] += len(chunk)
        reset_sequences(dst, _all_tables())
    return counts
