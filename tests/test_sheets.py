"""Spreadsheets as trackers are kept (issue 12 §4): headings as people write them, .xlsx in
and out, values in any case, and a dry run that shows how the file is read."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from factories import cli, seeded
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from rr_tui.files.csvio import columns, dry_run, read_import
from rr_tui.rules.profile import ENGLAND, customise
from rr_tui.store import Store

TODAY = date(2026, 11, 26)  # a Thursday


def workbook(path: Path, rows: list[list[Any]], title: str = "Tracker") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def cases(url: str) -> dict[str, Any]:
    store = Store(url)
    try:
        return {r.reference: r for r in store.list_cases(include_closed=True)}
    finally:
        store.close()


# -- headings ---------------------------------------------------------------------------

HEADINGS = (
    [(c, c) for c in columns(ENGLAND)]
    + [(s.id, s.label) for s in ENGLAND.steps]
    + [(s.id, s.short) for s in ENGLAND.steps if s.short]
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(HEADINGS), st.data())
def test_headings_match_ignoring_case_spaces_underscores_punctuation(
    pair: tuple[str, str], data: st.DataObject
) -> None:
    column, written = pair
    # Oracle: rewrite the heading letter by letter, independent of rr_tui.files.sheets.
    words = re.split(r"[\s_]+", written)
    joiner = data.draw(st.sampled_from([" ", "_", "  ", "-", " - ", "."]))
    text = joiner.join(words)
    text = "".join(ch.upper() if data.draw(st.booleans()) else ch.lower() for ch in text)
    text = data.draw(st.sampled_from(["", " ", "*", "("])) + text
    text += data.draw(st.sampled_from(["", " ", ":", "?", ")", " *"]))
    from rr_tui.files.sheets import understand

    (understood,) = understand([text], ENGLAND, columns(ENGLAND))
    assert understood.column == column, (text, understood)


def test_step_labels_come_from_the_profile_in_force() -> None:
    from rr_tui.files.sheets import understand

    label = ENGLAND.step("panel_notified").label  # "RR sent to Panel" today
    (col,) = understand([label.upper()], ENGLAND, columns(ENGLAND))
    assert col.column == "panel_notified"
    renamed = customise(ENGLAND, {"steps": {"panel_notified": {"label": "Told the Panel"}}})
    (col,) = understand(["told the panel"], renamed, columns(renamed))
    assert (col.column, col.how) == ("panel_notified", "the step 'Told the Panel'")
    (col,) = understand(["Told the Panel"], ENGLAND, columns(ENGLAND))
    assert col.column is None  # not a label of the built-in profile: not guessed


# -- .xlsx in ---------------------------------------------------------------------------


def tracker(tmp_path: Path) -> Path:
    return workbook(
        tmp_path / "tracker.xlsx",
        [
            [
                "Case Ref",
                "Child initials",
                "Coordinator",
                "Referral received",
                "SIN sent to Panel",
                "LA aware",
                "Decision",
                "Status",
            ],
            [
                "RR-2026-001",
                "AB",
                "J. Smith",
                datetime(2026, 11, 2),
                "19/11/2026",
                date(2026, 10, 30),
                "LCSPR",
                "OPEN",
            ],
            [
                "RR-2026-002",
                "CD",
                "A. Patel",
                "3 Nov 2026",
                None,
                "2/11/26",
                "National Review",
                "Closed",
            ],
            [None] * 8,  # a blank row under the table
        ],
    )


def test_xlsx_import_reads_date_cells_uk_dates_and_values_in_any_case(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_url: str
) -> None:
    code, out, err = cli(
        capsys, "--db", db_url, "--today", "26/11/2026", "import", str(tracker(tmp_path))
    )
    assert (code, err) == (0, "")
    assert out == "imported 2 cases\n"
    got = cases(db_url)
    one, two = got["RR-2026-001"], got["RR-2026-002"]
    assert one.done == {
        "referral_received": date(2026, 11, 2),
        "sin_submitted": date(2026, 11, 19),
        "incident_aware": date(2026, 10, 30),
    }
    assert (one.child_label, one.fields.owner, one.decision) == ("AB", "J. Smith", "lcspr")
    assert two.done["referral_received"] == date(2026, 11, 3)
    assert two.done["incident_aware"] == date(2026, 11, 2)
    # "National Review" (rr-tui before revision 0009, and many trackers): a national
    # referral with no local decision.
    assert (two.decision, two.national_referral, two.fields.status) == (None, True, "closed")


def test_a_column_not_understood_is_named_never_dropped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_url: str
) -> None:
    path = workbook(
        tmp_path / "t.xlsx",
        [["Reference", "Referral received", "Notes from the meeting"], ["RR-1", "1/11/2026", "x"]],
    )
    code, out, err = cli(capsys, "--db", db_url, "import", str(path))
    assert (code, out) == (3, "")
    assert "column 3 'Notes from the meeting' is not a known column" in err


def test_bad_cells_are_reported_by_row_and_column(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "t.xlsx",
        [
            ["reference", "referral_received", "child"],
            ["RR-1", "11/25/2026", "AB"],
            ["RR-2", 45000, datetime(2026, 1, 1)],
        ],
    )
    with pytest.raises(Exception) as caught:
        read_import(path, ENGLAND, today=TODAY)
    message = str(caught.value)
    assert "row 2, column referral_received: no such date: the day comes first" in message
    assert "row 3, column referral_received: not a date" in message
    assert "row 3, column child: holds a date where text belongs" in message


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0 an old binary workbook", "save it from Excel as .xlsx"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "the workbook cannot be read"),
    ],
)
def test_workbooks_that_cannot_be_read_say_what_to_do(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    db_url: str,
    name: str,
    content: bytes,
    words: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = cli(capsys, "--db", db_url, "import", str(path))
    assert (code, out) == (3, "")
    assert words in err and err.count("\n") == 1


# -- dry run ----------------------------------------------------------------------------


def test_dry_run_shows_each_column_and_the_first_rows_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tracker(tmp_path)
    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet.cell(row=1, column=9, value="Notes")
    book.save(path)
    target = tmp_path / "none-yet.db"
    code, out, err = cli(
        capsys, "--db", str(target), "--today", "26/11/2026", "import", "--dry-run", str(path)
    )
    assert err == ""
    assert code == 3  # the real import would refuse the unknown column
    assert not target.exists()  # nothing created
    assert "Reading the sheet 'Tracker' (9 columns):" in out
    assert re.search(r"1  Case Ref +-> reference", out)
    assert re.search(
        r"5  SIN sent to Panel +-> sin_submitted \(the step 'SIN sent to the Panel'\)", out
    )
    assert re.search(r"9  Notes +WARNING: not understood", out)
    assert "row 2: reference RR-2026-001 · child AB · owner J. Smith · status open" in out
    assert "referral_received Mon 2 Nov 2026" in out and "decision lcspr" in out
    assert out.rstrip().endswith("Dry run: nothing was changed.")


def test_dry_run_of_a_clean_file_reports_duplicates_in_the_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_url: str
) -> None:
    path = tracker(tmp_path)
    assert cli(capsys, "--db", db_url, "import", str(path))[0] == 0
    before = cases(db_url).keys()
    code, out, _ = cli(capsys, "--db", db_url, "import", "--dry-run", str(path))
    assert code == 3
    assert "The import would stop: nothing imported: row 2, column reference: a case with" in out
    assert cases(db_url).keys() == before
    report, ok = dry_run(path, ENGLAND, set(), today=TODAY)
    assert ok and "2 cases would be imported." in report


# -- .xlsx out --------------------------------------------------------------------------


@pytest.fixture
def demo(tmp_path: Path) -> str:
    return seeded("sqlite:///" + str(tmp_path / "demo" / "demo.db"), TODAY)


def test_xlsx_export_has_date_cells_a_frozen_header_and_widths(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, demo: str
) -> None:
    out_path = tmp_path / "cases.xlsx"
    code, out, err = cli(
        capsys, "--db", demo, "export", "--format", "xlsx", "--output", str(out_path)
    )
    assert (code, err) == (0, "")
    assert out.startswith("wrote ")
    assert out_path.stat().st_mode & 0o077 == 0
    sheet = load_workbook(out_path).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == columns(ENGLAND)
    assert sheet.freeze_panes == "A2"
    assert all(c.font.bold for c in sheet[1])
    header = [str(c.value) for c in sheet[1]]
    dated = [
        cell
        for row in sheet.iter_rows(min_row=2)
        for name, cell in zip(header, row, strict=True)
        if name in ENGLAND.step_ids and cell.value is not None
    ]
    assert dated and all(isinstance(c.value, datetime) for c in dated)
    assert all(c.number_format == "DD/MM/YYYY" for c in dated)
    widths = {k: d.width for k, d in sheet.column_dimensions.items()}
    assert widths["A"] >= len("DEMO-2026-001") and all(8 <= w <= 52 for w in widths.values())


def test_xlsx_round_trip_is_exact_and_keeps_formula_guards(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, demo: str, db_url: str
) -> None:
    store = Store(demo)
    try:
        from rr_tui.records import CaseFields, ChildFields

        store.create_case(
            CaseFields(reference="RR-EVIL", owner="@SUM(A1)"),
            {"referral_received": date(2026, 11, 20)},
            (ChildFields('=HYPERLINK("http://x","y")'),),
        )
    finally:
        store.close()
    path = tmp_path / "cases.xlsx"
    assert cli(capsys, "--db", demo, "export", "--format", "xlsx", "--output", str(path))[0] == 0
    sheet = load_workbook(path).active
    assert sheet is not None
    evil = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "RR-EVIL")
    assert evil[1].value == '\'=HYPERLINK("http://x","y")' and evil[1].data_type == "s"
    assert evil[2].value == "'@SUM(A1)"
    assert cli(capsys, "--db", db_url, "import", str(path))[0] == 0
    before, after = cases(demo), cases(db_url)
    assert before.keys() == after.keys()
    for ref, record in before.items():
        assert after[ref].done == record.done
        assert (after[ref].child_initials[:1], after[ref].fields.owner) == (
            record.child_initials[:1],
            record.fields.owner,
        )
        assert after[ref].decision == record.decision


def test_xlsx_needs_an_output_file(capsys: pytest.CaptureFixture[str], demo: str) -> None:
    code, out, err = cli(capsys, "--db", demo, "export", "--format", "xlsx")
    assert (code, out) == (2, "")
    assert "--output FILE" in err


def test_sheet_chooses_another_sheet_of_the_workbook(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_url: str
) -> None:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    summary.append(["Cases this year", 2])
    cases_sheet = book.create_sheet("Open cases")
    cases_sheet.append(["Reference", "Referral received"])
    cases_sheet.append(["RR-2026-050", "2/11/2026"])
    path = tmp_path / "two-sheets.xlsx"
    book.save(path)
    code, out, err = cli(capsys, "--db", db_url, "import", "--sheet", "open CASES", str(path))
    assert (code, err) == (0, "")
    assert cases(db_url)["RR-2026-050"].done == {"referral_received": date(2026, 11, 2)}
    code, _, err = cli(capsys, "--db", db_url, "import", "--sheet", "Closed", str(path))
    assert code == 3 and "no such sheet; its sheets: 'Summary', 'Open cases'" in err
    # Without --sheet, the first sheet: its headings are not understood, by name.
    code, out, _ = cli(capsys, "--db", db_url, "import", "--dry-run", str(path))
    assert code == 3 and "Reading the sheet 'Summary'" in out and "Cases this year" in out


def test_sheet_is_only_for_workbooks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_url: str
) -> None:
    path = tmp_path / "t.csv"
    path.write_text("reference\nRR-1\n")
    code, _, err = cli(capsys, "--db", db_url, "import", "--sheet", "x", str(path))
    assert code == 3 and "--sheet is for an Excel .xlsx workbook" in err


def test_a_damaged_sheet_inside_a_good_zip_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_url: str
) -> None:
    import zipfile

    good = tracker(tmp_path)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]  # cut off mid-element
            dst.writestr(item, data)
    code, out, err = cli(capsys, "--db", db_url, "import", str(bad))
    assert (code, out) == (3, "")
    assert "the workbook cannot be read" in err and err.count("\n") == 1
