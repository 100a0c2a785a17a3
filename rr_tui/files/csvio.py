"""The spreadsheet summary: CSV export, and import of CSV (or a JSON list) of cases.

A summary, not a backup: one row per case with ``reference``, ``child`` (the
first child's initials or pseudonym), ``owner``, ``status``, each of the
profile's step dates (ISO dates, empty when not yet) and ``decision``. The full,
lossless export is ``export --format json`` (``rr_tui.store.transfer``).
Import is all or nothing: every problem is reported by row and column, and
nothing is imported while any remains.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rr_tui.dates import DateInputError, parse_user_date
from rr_tui.errors import InputError
from rr_tui.files.sheets import choice_value, is_xlsx, read_xlsx, understand
from rr_tui.records import CaseFields, CaseRecord, ChildFields, from_yes_no, yes_no
from rr_tui.rules.profile import DECISIONS, NATIONAL_REVIEW, Profile
from rr_tui.sanitize import clean_text
from rr_tui.validation import FIELD_LABELS, case_field_errors, child_field_errors, normal_reference

CASE_COLUMNS = ("child", "owner", "status")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_REPORTED = 20


@dataclass(frozen=True)
class ImportRow:
    line: int
    fields: CaseFields
    steps: dict[str, date] = field(default_factory=dict)
    decision: str | None = None
    where: str = ""  # "row 3" in a CSV file, "item 2" in a JSON list
    children: tuple[ChildFields, ...] = ()
    national_referral: bool | None = None  # referred to the Panel as possibly national

    @property
    def reference(self) -> str:
        return self.fields.reference


def columns(profile: Profile) -> list[str]:
    return ["reference", *CASE_COLUMNS, *profile.step_ids, "decision", "national_referral"]


def _needs_guard(value: str) -> bool:
    """Would a spreadsheet read this as a formula (after any leading quotes)?

    Values that already start with quotes before a formula character are
    guarded too, so that unguarding on import gives back exactly the original.
    """
    rest = value.lstrip("'")
    return bool(rest) and rest[0] in FORMULA_START


def _unguard(value: str) -> str:
    """Undo the export's guard against spreadsheet formulas ('=x written as '=x)."""
    if value.startswith("'") and _needs_guard(value[1:]):
        return value[1:]
    return value


def _guard(value: str) -> str:
    """Stop a spreadsheet treating text as a formula: prefix it with a quote."""
    return "'" + value if _needs_guard(value) else value


def _fail(problems: list[str]) -> InputError:
    shown = problems[:MAX_REPORTED]
    more = len(problems) - len(shown)
    text = "; ".join(shown) + (f"; and {more} more" if more else "")
    return InputError(f"nothing imported: {text}")


def parse_rows(
    records: Iterable[dict[str, Any]],
    header: Sequence[str],
    profile: Profile,
    *,
    first: int = 2,
    row_word: str = "row",
    unguard: bool = True,
    today: date | None = None,
    skip_unknown: bool = False,
) -> list[ImportRow]:
    """Check every row; raise one InputError listing every problem, or return the rows.

    ``first`` is the number of the first record (2 in a CSV file, under its
    header line); ``unguard`` undoes the formula guard of a CSV export. Headings are
    matched as ``rr_tui.files.sheets.understand`` says; ``skip_unknown`` leaves out the columns
    not understood (``import --dry-run`` warns about them) instead of refusing the file.
    """
    if today is None:
        from rr_tui.rules.clock import today_in_england

        today = today_in_england()
    problems: list[str] = []
    clean_header = [clean_text(h or "", multiline=False).strip() for h in header]
    understood = understand(clean_header, profile, columns(profile))
    rename: dict[str, str] = {}
    first_seen: dict[str, int] = {}
    for col in understood:
        if col.column is None:
            if not skip_unknown:
                shown = col.heading[:40] or "(blank)"
                problems.append(f"column {col.number} {shown!r} is not a known column")
            continue
        if col.column in first_seen:
            problems.append(
                f"columns {first_seen[col.column]} and {col.number} are both "
                f"{col.column!r}: keep one"
            )
        first_seen.setdefault(col.column, col.number)
        rename[col.heading] = col.column
    if "reference" not in first_seen:
        problems.append("there is no 'reference' column")
    if problems:
        raise _fail(problems)
    steps_ids = set(profile.step_ids)

    rows: list[ImportRow] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(records, start=first):
        where = f"{row_word} {line}"
        if None in raw:
            problems.append(f"{where}: more cells than columns")
            continue
        cells: dict[str, str] = {}
        for key, value in raw.items():
            name = rename.get(clean_text(key, multiline=False).strip())
            if name is None:
                continue
            if isinstance(value, date):  # a date cell of a workbook
                if name in steps_ids:
                    cells[name] = value.isoformat()
                    continue
                problems.append(f"{where}, column {name}: holds a date where text belongs")
                value = ""
            if value is not None and not isinstance(value, str):
                problems.append(f"{where}, column {name[:40]}: must be text, a date or empty")
                value = ""
            text = (value or "").strip()
            cells[name] = choice_value(name, _unguard(text) if unguard else text)
        if not any(cells.values()):
            continue  # a blank line at the end of a spreadsheet
        fields = CaseFields(
            reference=normal_reference(cells.get("reference", "")),
            owner=clean_text(cells.get("owner", ""), multiline=False),
            status=cells.get("status", "") or "open",
        )
        for name, message in case_field_errors(fields).items():
            problems.append(f"{where}, column {name}: {FIELD_LABELS[name]} {message}")
        initials = clean_text(cells.get("child", ""), multiline=False)
        children = (ChildFields(initials),) if initials else ()
        for child in children:
            for message in child_field_errors(child).values():
                problems.append(f"{where}, column child: Child {message}")
        reference = fields.reference
        if reference in seen:
            problems.append(
                f"{where}, column reference: duplicate of the reference in {row_word} "
                f"{seen[reference]}"
            )
        else:
            seen[reference] = line
        steps: dict[str, date] = {}
        for step_id in profile.step_ids:
            value = cells.get(step_id, "")
            if not value:
                continue
            try:
                steps[step_id] = parse_user_date(value, today)
            except DateInputError as exc:
                problems.append(f"{where}, column {step_id}: {exc}")
        decision = cells.get("decision", "") or None
        referral: bool | None = None
        try:
            referral = from_yes_no(cells.get("national_referral", ""))
        except ValueError as exc:
            problems.append(f"{where}, column national_referral: {exc}")
        if decision == NATIONAL_REVIEW:
            # The earlier "national review" decision: referred, no local review.
            if referral is False:
                problems.append(
                    f"{where}, column decision: a national review is a national referral, "
                    "but column national_referral says no"
                )
            decision, referral = None, True
        if decision is not None and decision not in DECISIONS:
            problems.append(f"{where}, column decision: choose one of {', '.join(DECISIONS)}")
        rows.append(ImportRow(line, fields, steps, decision, where, children, referral))
    if problems:
        raise _fail(problems)
    return rows


@dataclass(frozen=True)
class Source:
    """An import file read into headings and records, before any checking."""

    kind: str  # "CSV", "JSON" or "the sheet 'Tracker'"
    header: list[str]
    records: list[dict[str, Any]]
    first: int = 2
    row_word: str = "row"
    unguard: bool = True


def read_source(path: Path, sheet: str | None = None) -> Source:
    """Read a CSV file, an Excel workbook (.xlsx) or an rr-tui JSON export."""
    from rr_tui.files.safe_files import MAX_IMPORT_BYTES, read_input

    raw = read_input(path, what="the import file", limit=MAX_IMPORT_BYTES)
    if is_xlsx(raw):
        got = read_xlsx(raw, sheet)
        return Source(f"the sheet {got.title[:40]!r}", got.header, got.records, got.first)
    if sheet is not None:
        raise InputError("--sheet is for an Excel .xlsx workbook; this file is not one")
    if path.suffix.lower() in (".xls", ".xlsx", ".xlsm", ".ods"):
        raise InputError(
            "the import file is not an Excel .xlsx workbook: save it from Excel as .xlsx "
            "(Excel Workbook) or as CSV UTF-8"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the import file is not UTF-8 text (save it as CSV UTF-8)") from None
    if "\x00" in text:
        raise InputError("the import file is not a CSV text file")
    if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        return _json_source(text)
    return _csv_source(text)


def _csv_source(text: str) -> Source:
    """Rows as dicts by header; an unclosed quote or a row short of cells names its row.

    (``csv.DictReader`` would fill a short row with blanks and read an unclosed
    quote to the end of the file: shifted or swallowed columns, imported silently.)
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number = 0  # the last row read whole
    try:
        header = next(reader, None)
        if not header:
            raise InputError("nothing imported: the file is empty")
        number = 1
        records: list[dict[str, Any]] = []
        problems: list[str] = []
        for cells in reader:
            number += 1
            if not any(cell.strip() for cell in cells):
                records.append({})  # a blank line: skipped, but keeps the numbering
                continue
            if len(cells) < len(header):
                problems.append(
                    f"row {number}: {len(cells)} cells where the header has {len(header)} "
                    "columns (a missing comma, or a quote that is not closed?)"
                )
                continue
            record: dict[str, Any] = dict(zip(header, cells, strict=False))
            if len(cells) > len(header):
                record[None] = cells[len(header) :]  # type: ignore[index]
            records.append(record)
    except csv.Error as exc:
        raise InputError(
            f"nothing imported: row {number + 1}: the CSV is malformed ({exc}); "
            "a quoted cell may not be closed"
        ) from None
    if problems:
        raise _fail(problems)
    return Source("CSV", list(header), records)


def rows_of(
    source: Source, profile: Profile, *, today: date | None = None, skip_unknown: bool = False
) -> list[ImportRow]:
    return parse_rows(
        source.records,
        source.header,
        profile,
        first=source.first,
        row_word=source.row_word,
        unguard=source.unguard,
        today=today,
        skip_unknown=skip_unknown,
    )


def read_import(
    path: Path,
    profile: Profile,
    existing: set[str] | None = None,
    *,
    today: date | None = None,
    sheet: str | None = None,
) -> list[ImportRow]:
    """Read a CSV file, an .xlsx workbook, or an rr-tui JSON export (all or nothing)."""
    rows = rows_of(read_source(path, sheet), profile, today=today)
    check_existing(rows, existing or set())
    return rows


def dry_run(
    path: Path,
    profile: Profile,
    existing: set[str] | None,
    *,
    today: date | None = None,
    shown: int = 5,
    sheet: str | None = None,
) -> tuple[str, bool]:
    """How each column is understood and the first rows as they would be stored.

    Returns the report and whether the import would succeed. Changes nothing.
    """
    from rr_tui.dates import uk
    from rr_tui.sanitize import for_display

    source = read_source(path, sheet)
    lines = [f"Reading {source.kind} ({len(source.header)} columns):"]
    understood = understand(
        [clean_text(h or "", multiline=False).strip() for h in source.header],
        profile,
        columns(profile),
    )
    width = min(max([len(c.heading) for c in understood] + [7]), 32)
    for col in understood:
        heading = for_display(col.heading)[:32] or "(blank)"
        if col.column is None:
            lines.append(
                f"  {col.number:>3}  {heading:<{width}}  WARNING: not understood; "
                "it would not be imported (rename it, or remove it)"
            )
        else:
            lines.append(f"  {col.number:>3}  {heading:<{width}}  -> {col.column} ({col.how})")
    ok = True
    try:
        rows = rows_of(source, profile, today=today, skip_unknown=True)
        check_existing(rows, existing or set())
    except InputError as exc:
        lines += ["", f"The import would stop: {exc.message}"]
        ok = False
        rows = []
    if rows:
        lines += [
            "",
            f"The first {min(shown, len(rows))} of {len(rows)} rows as they would be stored:",
        ]
        for row in rows[:shown]:
            parts = [f"reference {for_display(row.reference)}"]
            for name in CASE_COLUMNS:
                if name == "child":
                    value: object = row.children[0].initials if row.children else ""
                else:
                    value = getattr(row.fields, name)
                if value:
                    parts.append(f"{name} {for_display(str(value))}")
            parts += [f"{step} {uk(when)}" for step, when in row.steps.items()]
            if row.decision:
                parts.append(f"decision {row.decision}")
            if row.national_referral is not None:
                parts.append(f"national referral {yes_no(row.national_referral)}")
            lines.append(f"  {row.where}: " + " · ".join(parts))
    if not any(c.column is None for c in understood) and ok:
        lines += ["", f"{len(rows)} case{'s' if len(rows) != 1 else ''} would be imported."]
    elif ok:
        lines += [
            "",
            f"{len(rows)} case{'s' if len(rows) != 1 else ''} would be imported, "
            "without the columns not understood; import refuses the file until they "
            "are renamed or removed.",
        ]
    lines.append("Dry run: nothing was changed.")
    return "\n".join(lines) + "\n", ok and not any(c.column is None for c in understood)


def load_json(text: str) -> Any:
    """Parse an import file's JSON, or say in one sentence why it cannot be read."""
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        message = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        raise InputError(f"nothing imported: the JSON is malformed ({message})") from None
    except ValueError:
        # Python refuses integers of more than 4,300 digits.
        raise InputError("nothing imported: the JSON holds a number too long to read") from None


def _json_source(text: str) -> Source:
    data = load_json(text)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise InputError(
            "nothing imported: the JSON must be an rr-tui export, or a list of objects, "
            "one per case"
        )
    header: dict[str, None] = {}
    for item in data:
        header.update(dict.fromkeys(str(k) for k in item))
    if not header:
        raise InputError("nothing imported: the file is empty")
    records = [{name: item.get(name) for name in header} for item in data]
    return Source("JSON", list(header), records, first=1, row_word="item", unguard=False)


def check_existing(rows: Sequence[ImportRow], existing: set[str]) -> None:
    known = {normal_reference(reference) for reference in existing}  # case does not count
    problems = [
        f"{r.where or f'row {r.line}'}, column reference: "
        "a case with that reference is already in the database"
        for r in rows
        if normal_reference(r.reference) in known
    ]
    if problems:
        raise _fail(problems)


def export_rows(records: Iterable[CaseRecord], profile: Profile) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for record in sorted(records, key=lambda r: r.reference):
        row: dict[str, Any] = {
            "reference": record.reference,
            "child": record.child_initials[0] if record.child_initials else "",
            "owner": record.fields.owner,
            "status": record.fields.status,
        }
        for step_id in profile.step_ids:
            when = record.done.get(step_id)
            row[step_id] = when.isoformat() if when else None
        row["decision"] = record.decision
        row["national_referral"] = yes_no(record.national_referral) or None
        out.append(row)
    return out


def export_text(records: Iterable[CaseRecord], profile: Profile, fmt: str) -> str:
    rows = export_rows(records, profile)
    if fmt == "json":
        from rr_tui.out import json_text

        return json_text(rows) + "\n"
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns(profile), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _guard(v) if isinstance(v, str) else (v or "") for k, v in row.items()})
    return buffer.getvalue()


def write_private(path: Path, content: str | bytes) -> None:
    """Write a file only its owner can read (0600), atomically (``rr_tui.files.safe_files``)."""
    from rr_tui.files.safe_files import write_file

    write_file(path, content)


def export_xlsx(records: Iterable[CaseRecord], profile: Profile) -> bytes:
    """The export as an Excel workbook: the CSV's columns, real date cells, guards kept."""
    from rr_tui.files.sheets import write_xlsx

    names = columns(profile)
    steps = set(profile.step_ids)
    table: list[list[str | date | None]] = []
    for row in export_rows(records, profile):
        cells: list[str | date | None] = []
        for name in names:
            value = row.get(name)
            if value and name in steps:
                cells.append(date.fromisoformat(value))
            else:
                cells.append(_guard(value) if isinstance(value, str) else None)
        table.append(cells)
    return write_xlsx(names, table)
