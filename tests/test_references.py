"""References that differ only in case are the same case (issue 11 §2).

New references are stored in one form (upper case); every lookup ignores case;
a reference another case has, in any case, is refused on create, edit and
import, under the write lock. Revision 0006 adds a unique index on
``upper(reference)``; a database already holding references that differ only
in case keeps them (the audit trail must still match) and ``rr-tui db
upgrade`` lists them, for the user to rename one of each pair.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

import rr_tui.store.db
from rr_tui.cli.main import main
from rr_tui.edits import CASE, Edit, Target
from rr_tui.errors import InputError, NotFoundError
from rr_tui.records import CaseFields
from rr_tui.store import Store

INDEX = "uq_cases_reference_nocase"


def test_a_new_reference_is_stored_in_one_form_and_found_in_any(store: Store) -> None:
    case_id = store.create_case(CaseFields(" rr-2025-101 "))
    assert store.get_case(case_id).reference == "RR-2025-101"
    for typed in ("rr-2025-101", "RR-2025-101", "Rr-2025-101", " rR-2025-101 "):
        assert store.case_id(typed) == case_id
    with pytest.raises(NotFoundError):
        store.case_id("RR-2025-102")


@pytest.mark.parametrize("other", ["RR-2025-101", "rr-2025-101", "Rr-2025-101"])
def test_a_reference_in_another_case_is_refused(store: Store, other: str) -> None:
    first = store.create_case(CaseFields("rr-2025-101"))
    with pytest.raises(InputError) as caught:
        store.create_case(CaseFields(other))
    assert caught.value.message.startswith("Reference: another case already has that reference")
    second = store.create_case(CaseFields("RR-2025-102"))
    with pytest.raises(InputError):
        store.save_edits(
            second, [Edit(Target(CASE, "reference"), "RR-2025-102", other, "Reference")]
        )
    with pytest.raises(InputError):
        store.update_case(second, 1, CaseFields(other))
    with pytest.raises(InputError):
        store.import_cases([(CaseFields(other), {}, None, ())])
    with pytest.raises(InputError):
        store.import_cases([(CaseFields("rr-9"), {}, None, ()), (CaseFields("RR-9"), {}, None, ())])
    assert [r.reference for r in store.list_cases()] == ["RR-2025-101", "RR-2025-102"]
    # Saving a case under its own reference, in another case, is no clash.
    store.update_case(first, 1, CaseFields("Rr-2025-101", owner="A"))
    assert store.get_case(first).reference == "RR-2025-101"


def test_import_refuses_a_reference_that_differs_only_in_case(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = "sqlite:///" + str(tmp_path / "rr.db")
    store = Store(url, create=True)
    store.create_case(CaseFields("RR-2025-101"))
    store.close()
    source = tmp_path / "in.csv"
    source.write_text("reference,child\nrr-2025-102,B\nRR-2025-102,C\n")
    code = main(["--db", url, "import", str(source)])
    _out, err = capsys.readouterr()
    assert code == 3
    assert "row 3, column reference: duplicate of the reference in row 2" in err
    source.write_text("reference,child\nrr-2025-101,A\nrr-2025-103,B\n")
    code = main(["--db", url, "import", str(source)])
    _out, err = capsys.readouterr()
    assert code == 3
    assert "row 2, column reference: a case with that reference is already" in err
    source.write_text("reference,child\nrr-2025-103,B\n")
    assert main(["--db", url, "import", str(source)]) == 0
    store = Store(url)
    try:
        assert store.get_case(store.case_id("rr-2025-103")).reference == "RR-2025-103"
    finally:
        store.close()


# -- upgrading a database from before revision 0006 --------------------------------------


def _old_database(url: str, references: list[str]) -> None:
    """A database at revision 0005 holding these references (as an older rr-tui let be)."""
    path = rr_tui.store.db.sqlite_path(url) if rr_tui.store.db.is_sqlite(url) else None
    if path is not None:
        path.parent.mkdir(mode=0o700, exist_ok=True)
    engine = rr_tui.store.db.make_engine(url)
    try:
        rr_tui.store.db.migrate(engine, "0005_audit_anchor")
        now = datetime(2025, 11, 3, 9, 15)
        with engine.begin() as conn:
            for reference in references:
                conn.execute(
                    text(
                        "INSERT INTO cases (reference, child, lead_authority, age_band, "
                        "looked_after, incident_type, owner, status, notes, version, "
                        "created_at, created_by, updated_at, updated_by) VALUES "
                        "(:r, '', '', '', false, '', '', 'open', '', 1, :t, 'old', :t, 'old')"
                    ),
                    {"r": reference, "t": now},
                )
    finally:
        engine.dispose()
    if path is not None:
        path.chmod(0o600)  # as rr-tui itself leaves its databases


def _has_index(url: str) -> bool:
    engine = rr_tui.store.db.make_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                found = conn.execute(
                    text("SELECT name FROM sqlite_master WHERE type = 'index' AND name = :n"),
                    {"n": INDEX},
                ).first()
                return found is not None
            return INDEX in {i["name"] for i in inspect(conn).get_indexes("cases")}
    finally:
        engine.dispose()


def test_upgrade_without_clashes_adds_the_index(
    capsys: pytest.CaptureFixture[str], db_url: str
) -> None:
    _old_database(db_url, ["RR-1", "rr-2"])
    code = main(["--db", db_url, "db", "upgrade"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith(f"upgraded the database to {rr_tui.store.db.HEAD}")
    assert "differ only in case" not in out
    assert _has_index(db_url)
    store = Store(db_url)
    try:
        assert store.get_case(store.case_id("RR-2")).reference == "rr-2"  # kept as stored
        with pytest.raises(InputError):
            store.create_case(CaseFields("RR-2"))
    finally:
        store.close()


def test_upgrade_reports_references_that_differ_only_in_case(
    capsys: pytest.CaptureFixture[str], db_url: str
) -> None:
    """The clash is listed on upgrade; both cases stay, and no new clash can be made."""
    _old_database(db_url, ["RR-2025-101", "rr-2025-101", "RR-7", "Rr-2025-101"])
    code = main(["--db", db_url, "db", "upgrade"])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"upgraded the database to {rr_tui.store.db.HEAD}")
    assert "1 reference(s) differ only in case from another case's" in lines[1]
    assert lines[-1] == "  RR-2025-101 / Rr-2025-101 / rr-2025-101"
    assert not _has_index(db_url)  # the pair keeps it out; the store still guards
    store = Store(db_url)
    try:
        assert len(store.list_cases()) == 4  # nothing lost, nothing renamed
        exact = store.case_id("rr-2025-101")
        assert store.get_case(exact).reference == "rr-2025-101"
        with pytest.raises(InputError) as caught:
            store.case_id("rR-2025-101")
        assert "differ only in case" in caught.value.message
        with pytest.raises(InputError):
            store.create_case(CaseFields("rr-7"))
        # Renaming one of the pair is how it is resolved.
        record = store.get_case(exact)
        store.save_edits(
            exact, [Edit(Target(CASE, "reference"), record.reference, "RR-2025-101-B")]
        )
        assert store.get_case(exact).reference == "RR-2025-101-B"
    finally:
        store.close()
