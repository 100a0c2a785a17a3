"""Hypothesis fuzzing of every validator and of import: a clear message or a clean result.

Whatever a coordinator types or a spreadsheet holds, the only outcomes are an
accepted value or one of rr-tui's own errors naming the problem: never another
exception, never a value that the store then refuses.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rr_tui import dates
from rr_tui.errors import InputError
from rr_tui.files.csvio import columns, export_text, read_import
from rr_tui.records import CaseFields, ChildFields
from rr_tui.rules.profile import DECISIONS, ENGLAND
from rr_tui.sanitize import clean_text
from rr_tui.store import Store
from rr_tui.validation import (
    case_field_errors,
    check_decision,
    check_line,
    check_panel_outcome,
    check_reference,
    check_text,
    check_timescale,
    child_field_errors,
    normal_reference,
)

TODAY = date(2026, 11, 26)
ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=120)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(ANY_TEXT)
def test_user_dates_are_a_date_in_range_or_a_clear_refusal(text: str) -> None:
    try:
        value = dates.parse_user_date(text, TODAY)
    except dates.DateInputError as exc:
        # One of a few fixed sentences to show beside the field: never the input echoed.
        message = str(exc)
        assert message in {
            dates.NOT_A_DATE,
            dates.NO_SUCH_DATE,
            dates.DAY_FIRST,
            dates.NEEDS_YEAR,
            dates.OUT_OF_RANGE,
            dates.TWO_OR_FOUR,
        } or (message.startswith("that date is a ")), message
    else:
        assert dates.EARLIEST <= value <= dates.LATEST


@FUZZ
@given(ANY_TEXT, ANY_TEXT, ANY_TEXT, st.integers(-100, 100))
def test_validators_answer_none_or_a_message(a: str, b: str, c: str, n: int) -> None:
    for answer in (
        check_reference(a),
        check_line(b),
        check_line(b, 40, required=True),
        check_text(c),
        check_decision(a),
        check_panel_outcome(b),
        check_timescale(n),
    ):
        assert answer is None or (isinstance(answer, str) and answer)
    errors = case_field_errors(CaseFields(reference=a, sin_reference=b, owner=c, notes=c))
    errors.update(child_field_errors(ChildFields(b, age_band=c, sex=a, ethnicity=b)))
    assert all(isinstance(message, str) and message for message in errors.values())


@FUZZ
@given(ANY_TEXT, ANY_TEXT, ANY_TEXT)
def test_what_the_validators_accept_the_store_saves(ref: str, child: str, notes: str) -> None:
    fields = CaseFields(reference=clean_text(ref, multiline=False), notes=notes)
    kid = ChildFields(clean_text(child, multiline=False).strip())
    if case_field_errors(fields) or child_field_errors(kid):
        return
    store = _store()
    try:
        case_id = store.create_case(fields, None, (kid,))
        record = store.get_case(case_id)
        saved = record.fields
        # Stored in one form: references that differ only in case are the same case.
        assert saved.reference == normal_reference(fields.reference)
        assert [c.fields.initials for c in record.children] == [kid.initials]
    except InputError as exc:  # allowed only for a duplicate reference
        assert "already has that reference" in exc.message


class _Shared:
    """One real database for the whole fuzz run (cases pile up, as in life)."""

    folder: Path | None = None
    store: Store | None = None


@pytest.fixture(scope="module", autouse=True)
def _shared_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # In pytest's own temporary folder, which it prunes, and closed after the module.
    _Shared.folder = tmp_path_factory.mktemp("fuzz")
    yield
    if _Shared.store is not None:
        _Shared.store.close()
    _Shared.store = _Shared.folder = None


def _store() -> Store:
    if _Shared.store is None:
        assert _Shared.folder is not None
        _Shared.store = Store(f"sqlite:///{_Shared.folder / 'fuzz.db'}", create=True)
    return _Shared.store


CELL = st.one_of(
    ANY_TEXT,
    st.dates(date(1900, 1, 1), date(2200, 1, 1)).map(date.isoformat),
    st.sampled_from(["", "2026-02-30", "=cmd|' /C calc'!A0", "+1", "-1", "@x", *DECISIONS]),
)


@st.composite
def spreadsheets(draw: st.DrawFn) -> str:
    known = columns(ENGLAND)
    header = draw(st.lists(st.one_of(st.sampled_from(known), ANY_TEXT), min_size=1, max_size=8))
    if draw(st.booleans()):
        header = ["reference", *header]
    rows = draw(st.lists(st.lists(CELL, min_size=len(header), max_size=len(header)), max_size=5))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


@FUZZ
@given(st.one_of(spreadsheets(), ANY_TEXT))
def test_import_is_all_or_a_clear_refusal(text: str) -> None:
    # Function-scoped fixtures do not mix with @given: each example makes and removes its own.
    with tempfile.TemporaryDirectory(prefix="rr-fuzz-import-") as name:
        _import_is_all_or_a_clear_refusal(text, Path(name))


def _import_is_all_or_a_clear_refusal(text: str, folder: Path) -> None:
    source = folder / "in.csv"
    source.write_text(text, encoding="utf-8")
    try:
        rows = read_import(source, ENGLAND)
    except InputError as exc:
        assert exc.message.startswith(("nothing imported", "the import file"))
        return
    store = Store(f"sqlite:///{folder / 'x.db'}", create=True)
    try:
        assert store.import_cases(
            [(r.fields, r.steps, r.decision, r.children) for r in rows]
        ) == len(rows)
        exported = export_text(store.list_cases(include_closed=True), ENGLAND, "csv")
        assert {r["reference"] for r in csv.DictReader(io.StringIO(exported))} == {
            r.reference for r in rows
        }
    finally:
        store.close()
