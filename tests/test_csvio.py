"""Import and export: one shape for both, all or nothing, exact round trips, no formulas."""

from __future__ import annotations

import csv
import io
import json
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from factories import cli, seeded

from rr_tui.records import CaseFields, ChildFields
from rr_tui.rules.profile import ENGLAND
from rr_tui.store import Store

HEADER = [
    "reference",
    "child",
    "owner",
    "status",
    *ENGLAND.step_ids,
    "decision",
    "national_referral",
]


@pytest.fixture
def demo_url(tmp_path: Path) -> str:
    """A SQLite database of the demo cases, the source of the round trips."""
    return seeded("sqlite:///" + str(tmp_path / "demo" / "demo.db"), date(2026, 3, 10))


@contextmanager
def fresh(url: str) -> Iterator[Store]:
    store = Store(url)
    try:
        yield store
    finally:
        store.close()


def export(capsys: pytest.CaptureFixture[str], url: str, fmt: str = "csv") -> str:
    code, out, err = cli(capsys, "--db", url, "export", "--format", fmt)
    assert (code, err) == (0, "")
    return out


def case_count(url: str) -> int:
    store = Store(url)
    try:
        return len(store.list_cases(include_closed=True))
    finally:
        store.close()


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_export_header_is_reference_case_columns_step_ids_and_decision(
    capsys: pytest.CaptureFixture[str], demo_url: str
) -> None:
    rows = list(csv.reader(io.StringIO(export(capsys, demo_url))))
    assert rows[0] == HEADER
    assert "incident_aware" in rows[0] and "panel_response" in rows[0]
    assert len(rows) == 1 + 14
    assert [r[0] for r in rows[1:]] == sorted(r[0] for r in rows[1:])


def test_csv_is_a_summary_that_reimports_only_its_own_columns(
    capsys: pytest.CaptureFixture[str], demo_url: str, db_url: str, tmp_path: Path
) -> None:
    """The CSV is the spreadsheet summary, not a backup (that is ``export --format json``).

    Imported again, it gives back exactly its own columns: reference, the first
    child's initials, owner, status, each step's date and the decision; and
    nothing else (agencies, notes, the meeting's record are not in it).
    """
    first = export(capsys, demo_url, "csv")
    exported = tmp_path / "cases.csv"
    exported.write_text(first, encoding="utf-8")

    assert cli(capsys, "--db", db_url, "import", str(exported)) == (0, "imported 14 cases\n", "")
    assert export(capsys, db_url, "csv") == first
    with fresh(demo_url) as original, fresh(db_url) as summary:
        for reference in sorted(original.references()):
            a = original.get_case(original.case_id(reference))
            b = summary.get_case(summary.case_id(reference))
            assert (b.fields.owner, b.fields.status, b.decision) == (
                a.fields.owner,
                a.fields.status,
                a.decision,
            )
            assert dict(b.done).items() <= dict(a.done).items()
            assert b.child_initials == a.child_initials[:1]
            assert b.agencies == ()  # a summary: what it does not carry is not there
            assert b.fields.lead_authority == ""


def test_the_json_export_is_the_full_export_not_the_summary(
    capsys: pytest.CaptureFixture[str], demo_url: str
) -> None:
    document = json.loads(export(capsys, demo_url, "json"))
    assert document["format"] == "rr-tui export"
    cases = document["tables"]["cases"]
    assert len(cases) == 14
    assert cases[0]["reference"] == "DEMO-2026-001"
    assert {"agencies", "children", "meetings", "step_dates"} <= set(document["tables"])


def test_formula_cells_are_guarded_on_export_and_restored_on_import(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    source_url = "sqlite:///" + str(tmp_path / "src.db")
    store = Store(source_url, create=True)
    values = {
        "RR-1": ('=HYPERLINK("http://x","y")', "+44 1234"),
        "RR-2": ("@SUM(A1)", "-J. Okafor"),
        "RR-3": ("'=already quoted", "plain"),
    }
    for reference, (child, owner) in values.items():
        store.create_case(CaseFields(reference, owner=owner), None, (ChildFields(child),))
    store.close()

    text = export(capsys, source_url)
    cells = {row[0]: row for row in csv.reader(io.StringIO(text))}
    assert cells["RR-1"][1:3] == ['\'=HYPERLINK("http://x","y")', "'+44 1234"]
    assert cells["RR-2"][1:3] == ["'@SUM(A1)", "'-J. Okafor"]
    assert cells["RR-3"][1:3] == ["''=already quoted", "plain"]

    exported = write(tmp_path / "out.csv", list(csv.reader(io.StringIO(text))))
    assert cli(capsys, "--db", db_url, "import", str(exported))[0] == 0
    imported = Store(db_url)
    try:
        got = {r.reference: (r.child_initials[0], r.fields.owner) for r in imported.list_cases()}
    finally:
        imported.close()
    assert got == values
    assert export(capsys, db_url) == text


def test_exported_files_are_private(
    capsys: pytest.CaptureFixture[str], demo_url: str, tmp_path: Path
) -> None:
    fresh = tmp_path / "new.csv"
    stale = tmp_path / "old.json"
    stale.write_text("old")
    stale.chmod(0o644)
    assert cli(capsys, "--db", demo_url, "export", "--output", str(fresh))[0] == 0
    code = cli(capsys, "--db", demo_url, "export", "--format", "json", "--output", str(stale))[0]
    assert code == 0
    for path in (fresh, stale):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(json.loads(stale.read_text())["tables"]["cases"]) == 14


BAD_FILES = {
    "bad date": (
        [
            ["reference", "referral_received", "rr_meeting"],
            ["RR-1", "2026-03-02", ""],
            ["RR-2", "2026-03-02", "2026-02-30"],
        ],
        "row 3, column rr_meeting: no such date",
    ),
    "unknown column": (
        [["reference", "colour"], ["RR-1", "red"]],
        "column 2 'colour' is not a known column",
    ),
    "duplicate in file": (
        [["reference", "owner"], ["RR-1", "A"], ["RR-2", "B"], ["RR-1", "C"]],
        "row 4, column reference: duplicate of the reference in row 2",
    ),
    "bad decision": (
        [["reference", "decision"], ["RR-1", "lcspr"], ["RR-2", "maybe"]],
        "row 3, column decision: choose one of",
    ),
    "bad reference": (
        [["reference"], ["RR 1"]],
        "row 2, column reference: Reference use up to 40 letters",
    ),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_bad_csv_imports_nothing_and_names_row_and_column(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path, name: str
) -> None:
    rows, message = BAD_FILES[name]
    path = write(tmp_path / "in.csv", rows)
    code, out, err = cli(capsys, "--db", db_url, "import", str(path))
    assert (code, out) == (3, "")
    assert err.startswith("rr-tui: nothing imported: ")
    assert message in err
    assert err.count("\n") == 1
    code, _, err = cli(capsys, "--db", db_url, "status")
    assert code == 6  # the database was never even created


def test_a_reference_already_in_the_database_imports_nothing(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    store = Store(db_url, create=True)
    store.create_case(CaseFields("RR-2"))
    store.close()
    path = write(tmp_path / "in.csv", [["reference"], ["RR-1"], ["RR-2"], ["RR-3"]])
    code, _, err = cli(capsys, "--db", db_url, "import", str(path))
    assert code == 3
    assert "row 3, column reference: a case with that reference is already in the database" in err
    assert case_count(db_url) == 1


def test_a_bad_json_item_imports_nothing_and_names_item_and_column(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "in.json"
    path.write_text(
        json.dumps(
            [
                {"reference": "RR-1", "incident_aware": "2026-03-02"},
                {"reference": "RR-2", "incident_aware": "2 Marchember 2026"},
                {"reference": "RR-3", "incident_aware": 20260302},
            ]
        )
    )
    code, _, err = cli(capsys, "--db", db_url, "import", str(path))
    assert code == 3
    assert "item 2, column incident_aware: not a date: type the day first" in err
    assert "item 3, column incident_aware: must be text, a date or empty" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("child,owner\nA,B\n", "there is no 'reference' column"),
        ("reference,reference\nRR-1,RR-2\n", "columns 1 and 2 are both 'reference'"),
        ("Reference,Case ref\nRR-1,RR-2\n", "columns 1 and 2 are both 'reference'"),
        ("reference\nRR-1,extra\n", "row 2: more cells than columns"),
        ("[1, 2]", "the JSON must be an rr-tui export, or a list of objects"),
        ('{"format": "other"}', "the JSON must be an rr-tui export"),
        ('[{"reference": ', "the JSON is malformed"),
    ],
)
def test_malformed_files_are_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "in.csv"
    path.write_text(content)
    code, _, err = cli(capsys, "--db", str(tmp_path / "rr.db"), "import", str(path))
    assert code == 3
    assert message in err
    assert err.count("\n") == 1
    assert not (tmp_path / "rr.db").exists()


def test_import_of_a_missing_or_binary_file_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    binary = tmp_path / "in.csv"
    binary.write_bytes(bytes(range(256)))
    for path, message in ((tmp_path / "nope.csv", "does not exist"), (binary, "not UTF-8")):
        code, _, err = cli(capsys, "--db", str(tmp_path / "rr.db"), "import", str(path))
        assert code == 3
        assert message in err
        assert err.count("\n") == 1
