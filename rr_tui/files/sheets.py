"""Spreadsheets as trackers are really kept (issue 12 §4): headers as people write them,
Excel workbooks in and out.

- A heading is matched ignoring case, spaces, underscores and punctuation, against the
  column's id (``referral_received``), the label the app shows for it (the profile's step
  labels, such as "Referral received" or "RR sent to Panel", and the form's field labels)
  and a few everyday names ("Case ref", "Coordinator").
- Values ignore case: ``LCSPR``, ``Local CSPR`` and ``lcspr`` are one decision.
- ``.xlsx`` workbooks are read with openpyxl (the first sheet; date cells become dates) and
  written with real date cells, a frozen header row and sensible widths; text that a
  spreadsheet would run as a formula is guarded exactly as in CSV.

This module never touches the database; ``csvio`` checks the rows it hands over.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from rr_tui.errors import InputError
from rr_tui.records import STATUSES, YES_NO
from rr_tui.rules.profile import DECISIONS, NATIONAL_REVIEW, Profile
from rr_tui.validation import FIELD_LABELS

# Everyday headings for the case columns, beyond their ids and the app's labels.
ALIASES: dict[str, tuple[str, ...]] = {
    "reference": ("ref", "case ref", "case reference", "case number", "case no", "rr ref"),
    "child": ("child initials", "child name", "child pseudonym", "initials"),
    "owner": ("coordinator", "case owner", "owned by", "assigned to"),
    "status": ("case status", "open or closed"),
    "decision": ("rr decision", "rapid review decision", "meeting decision"),
    "national_referral": (
        "national",
        "referred nationally",
        "national referral",
        "possibly national",
        "referred to the panel as possibly national",
    ),
}
# Choice columns: value -> (canonical keys and their labels), matched like headings.
# A decision of "national review" (rr-tui before revision 0009, and many
# trackers) is read as a national referral with no local decision.
CHOICES: dict[str, Mapping[str, str]] = {
    "decision": {**DECISIONS, NATIONAL_REVIEW: "National review"},
    "status": STATUSES,
    "national_referral": YES_NO,
}
XLSX_MAGIC = b"PK\x03\x04"
MAX_ROWS = 200_000
MAX_COLUMNS = 500
DATE_FORMAT = "DD/MM/YYYY"  # how Excel shows the date cells written: day first


def heading_key(text: str) -> str:
    """``Referral_received``, ``REFERRAL RECEIVED`` and ``Referral-received:`` are one key.

    "the" is left out too: "SIN sent to Panel" is the step "SIN sent to the Panel".
    """
    words = "".join(ch if ch.isalnum() else " " for ch in text.casefold()).split()
    return "".join(word for word in words if word != "the")


@dataclass(frozen=True)
class Column:
    """How one heading of the file was understood."""

    number: int  # 1-based, as a spreadsheet user counts
    heading: str
    column: str | None  # the column id it fills; None when not understood
    how: str  # "the step 'Referral received'", "not understood", ...


def _names(profile: Profile, known: Sequence[str]) -> dict[str, tuple[str, str]]:
    """heading key -> (column id, how it was recognised), for every column in ``known``."""
    names: dict[str, tuple[str, str]] = {}

    def add(text: str, column: str, how: str) -> None:
        key = heading_key(text)
        if key and key not in names:
            names[key] = (column, how)

    steps = set(profile.step_ids)

    def what(column: str) -> str:
        return f"the step {profile.step(column).label!r}" if column in steps else "its id"

    # Ids first, so that no label can take another column's id; then the app's labels.
    for column in known:
        add(column, column, what(column))
    for column in known:
        if column in steps:
            step = profile.step(column)
            add(step.label, column, what(column))
            if step.short:
                add(step.short, column, what(column))
        elif column in FIELD_LABELS:
            add(FIELD_LABELS[column], column, f"the field {FIELD_LABELS[column]!r}")
    for column in known:
        for alias in ALIASES.get(column, ()):
            add(alias, column, f"a usual name for {column}")
    return names


def understand(header: Sequence[str], profile: Profile, known: Sequence[str]) -> list[Column]:
    """Each heading matched to one of the ``known`` column ids, or marked not understood."""
    names = _names(profile, known)
    out: list[Column] = []
    for number, heading in enumerate(header, start=1):
        match = names.get(heading_key(heading))
        if match is None:
            out.append(Column(number, heading, None, "not understood"))
        else:
            out.append(Column(number, heading, match[0], match[1]))
    return out


def choice_value(column: str, value: str) -> str:
    """A choice typed in any case, or as its label, as its stored key; unknown text unchanged."""
    options = CHOICES.get(column)
    if not options or not value:
        return value
    key = heading_key(value)
    for option, label in options.items():
        if key in (heading_key(option), heading_key(label)):
            return option
    return value


# -- reading .xlsx ----------------------------------------------------------------------


def is_xlsx(data: bytes) -> bool:
    return data.startswith(XLSX_MAGIC)


def _cell(value: Any) -> str | date | None:
    """A cell as text or a date; numbers as typed (whole numbers without ``.0``)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Sheet:
    title: str
    header: list[str]
    records: list[dict[str, str | date | None]]
    first: int  # the spreadsheet row number of the first record


def read_xlsx(data: bytes, sheet_name: str | None = None) -> Sheet:
    """A sheet (the first, or the one named, ignoring case): its name, its headings, and a
    record per row under them.

    The heading row is the first row with anything in it. Columns with neither a heading
    nor a value are left out; a value under no heading is reported.
    """
    import zipfile
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook

    unreadable = (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (*unreadable, ParseError) as exc:
        raise _unreadable(exc) from None
    try:
        return _read_sheet(book, sheet_name)
    except (*unreadable, ParseError) as exc:
        raise _unreadable(exc) from None
    finally:
        book.close()


def _unreadable(exc: BaseException) -> InputError:
    return InputError(
        f"nothing imported: the workbook cannot be read ({type(exc).__name__}); "
        "save it again from Excel as .xlsx, or as CSV UTF-8"
    )


def _read_sheet(book: Any, sheet_name: str | None) -> Sheet:
    if not book.worksheets:
        raise InputError("nothing imported: the workbook has no sheet")
    if sheet_name is None:
        sheet = book.worksheets[0]
    else:
        wanted = sheet_name.strip().casefold()
        found = [ws for ws in book.worksheets if str(ws.title).strip().casefold() == wanted]
        if not found:
            listed = ", ".join(repr(str(ws.title)[:40]) for ws in book.worksheets[:20])
            raise InputError(
                f"nothing imported: the workbook has no such sheet; its sheets: {listed}"
            )
        sheet = found[0]
    rows: Iterable[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
    header: list[str] | None = None
    first = 2
    records: list[dict[str, str | date | None]] = []
    for number, raw in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise InputError(f"nothing imported: the sheet has more than {MAX_ROWS} rows")
        cells = [_cell(v) for v in raw[:MAX_COLUMNS]]
        if header is None:
            if any(c not in (None, "") for c in cells):
                header = ["" if c is None else str(c) for c in cells]
                first = number + 1
            continue
        records.append({str(i): c for i, c in enumerate(cells)})
    if header is None:
        raise InputError(f"nothing imported: the sheet {str(sheet.title)[:40]!r} is empty")
    names, named = _named(header, records)
    return Sheet(str(sheet.title), names, named, first)


def _named(
    header: list[str], records: list[dict[str, str | date | None]]
) -> tuple[list[str], list[dict[str, str | date | None]]]:
    """Records keyed by heading; a blank heading kept only where a value sits under it."""
    width = max([len(header), *(len(r) for r in records)])
    header = header + [""] * (width - len(header))
    kept = [
        i
        for i in range(width)
        if header[i].strip() or any(r.get(str(i)) not in (None, "") for r in records)
    ]
    names = [header[i] if header[i].strip() else f"(no heading, column {i + 1})" for i in kept]
    out = [{name: r.get(str(i)) for name, i in zip(names, kept, strict=True)} for r in records]
    return names, out


# -- writing .xlsx ----------------------------------------------------------------------


def write_xlsx(headers: Sequence[str], rows: Sequence[Sequence[str | date | None]]) -> bytes:
    """A workbook of one sheet: bold frozen headings, real date cells, widths to fit."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Cases"
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in headers]
    for row in rows:
        sheet.append(list(row))
        for i, value in enumerate(row):
            shown = 10 if isinstance(value, date) else len(value or "")
            widths[i] = max(widths[i], shown)
    for column_cells in sheet.iter_cols(min_row=2):
        for cell in column_cells:
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, whatever it starts with
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width, 8) + 2, 50)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
