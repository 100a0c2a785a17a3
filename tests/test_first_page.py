"""The list's first screenful, read with sqlite3 before SQLAlchemy is imported.

It must be exactly the top of the full list (same cases, same order, same
facts) or nothing at all: every case where it cannot be trusted gives None,
and the full load then does the work and says what is wrong.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from rr_tui.config import db_url
from rr_tui.direct_read import sqlite_file
from rr_tui.first_page import FirstPage, read_first_page
from rr_tui.records import CaseFields, CaseRecord, ChildFields
from rr_tui.rules.profile import ENGLAND, Profile, customise
from rr_tui.rules.triage import build_views, rag_counts
from rr_tui.store import Store, db

TODAY = date(2026, 11, 26)
OWNERS = ("A. Patel", "B. Okafor", "C. Nowak", "")


def busy_database(path: Path, cases: int = 120, seed: int = 7) -> str:
    """Open and closed cases at every stage, with agencies and many equal due dates."""
    chance = random.Random(seed)
    url = db_url(path)
    store = Store(url, create=True)
    try:
        rows = []
        for n in range(cases):
            referral = TODAY - timedelta(days=chance.randrange(0, 40))
            steps = {"referral_received": referral}
            if chance.random() < 0.5:
                steps["scoping_requests_sent"] = referral + timedelta(days=chance.randrange(0, 4))
            if chance.random() < 0.3:
                steps["rr_meeting"] = referral + timedelta(days=chance.randrange(10, 20))
            decision = (
                chance.choice([None, None, "lcspr", "no_further_review"])
                if "rr_meeting" in steps
                else None
            )
            fields = CaseFields(
                f"RR{chance.randrange(10, 30)}-{n:05d}",
                owner=chance.choice(OWNERS),
                status="closed" if chance.random() < 0.1 else "open",
                publication_planned=TODAY + timedelta(days=90) if chance.random() < 0.1 else None,
            )
            if chance.random() < 0.1:
                steps = {}  # nothing dated yet: no next step, so last in the list
            initials = chance.choice(["AB", "CD", "Child E", ""])
            children = (
                [ChildFields(initials, looked_after=chance.random() < 0.3)] if initials else []
            )
            if initials and chance.random() < 0.2:
                children.append(ChildFields("Sib"))
            rows.append((fields, steps, decision, tuple(children)))
        store.import_cases(rows)
        for record in store.list_cases():
            for name in chance.sample(["Police", "Health", "School"], chance.randrange(0, 3)):
                sent = record.done.get("scoping_requests_sent")
                agency = store.add_agency(record.id, name, sent, chance.choice([None, 3, 10]))
                if sent and chance.random() < 0.4:
                    version = store.get_case(record.id).agencies[-1].version
                    store.update_agency(
                        agency, version, received_on=sent + timedelta(days=2), records_secured=True
                    )
    finally:
        store.close()
    return url


@pytest.fixture(scope="module")
def busy_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("busy")
    (folder / "db").mkdir(mode=0o700)
    path = folder / "db" / "busy.db"
    busy_database(path)
    return path


@pytest.fixture
def busy_url(busy_template: Path, tmp_path: Path) -> str:
    target = tmp_path / "db" / "busy.db"
    target.parent.mkdir(mode=0o700)
    target.write_bytes(busy_template.read_bytes())
    target.chmod(0o600)
    return db_url(target)


def full_list(url: str, profile: Profile = ENGLAND) -> list[CaseRecord]:
    store = Store(url, profile=profile)
    try:
        return [v.record for v in build_views(store.list_cases(), profile, TODAY)]
    finally:
        store.close()


def without_chasers(record: CaseRecord) -> CaseRecord:
    return replace(record, agencies=tuple(replace(a, chasers=()) for a in record.agencies))


def page(url: str, profile: Profile = ENGLAND, limit: int = 100) -> FirstPage | None:
    return read_first_page(url, profile, TODAY, limit=limit)


@pytest.mark.parametrize("limit", [1, 7, 25, 100, 500])
def test_the_first_page_is_the_top_of_the_full_list(busy_url: str, limit: int) -> None:
    full = full_list(busy_url)
    first = page(busy_url, limit=limit)
    assert first is not None
    shown = [v.record for v in build_views(first.records, ENGLAND, TODAY)]
    # The same cases, in the same order, with the same facts and types (chasers
    # are not read); repr tells True from 1 and a date from its text.
    assert repr(shown) == repr([without_chasers(r) for r in full[:limit]])
    assert first.open_cases == len(full)
    counts = rag_counts(build_views(full, ENGLAND, TODAY))
    assert first.counts == {rag: counts[rag] for rag in ("red", "amber", "incomplete", "green")}


def test_the_demo_cases_too(demo_url: str) -> None:
    first = page(demo_url)
    assert first is not None
    assert [v.record for v in build_views(first.records, ENGLAND, TODAY)] == [
        without_chasers(r) for r in full_list(demo_url)
    ]


def test_nothing_open_gives_an_empty_page(tmp_path: Path) -> None:
    url = db_url(tmp_path / "db" / "empty.db")
    Store(url, create=True).close()
    assert page(url) == FirstPage([], {"red": 0, "amber": 0, "incomplete": 0, "green": 0}, 0)


# -- when it cannot be trusted: None, and the full load does the work ---------------


def test_another_profile_or_calendar_is_not_trusted(busy_url: str) -> None:
    assert page(busy_url, customise(ENGLAND, {"agency_timescale": 10})) is None
    assert page(busy_url, customise(ENGLAND, {"amber_slack": 4})) is not None  # order unchanged


def test_a_stale_row_is_not_trusted_until_worked_out_again(busy_url: str) -> None:
    path = sqlite_file(busy_url)
    assert path is not None
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM case_order WHERE case_id = (SELECT min(id) FROM cases)")
    assert page(busy_url) is None
    store = Store(busy_url)
    try:
        assert store.refresh_order() == 1
    finally:
        store.close()
    assert page(busy_url) is not None


def test_another_schema_revision_is_not_trusted(busy_url: str) -> None:
    path = sqlite_file(busy_url)
    assert path is not None
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (db.REVISIONS[-2],))
    assert page(busy_url) is None


def test_a_file_the_store_would_refuse_is_not_read(busy_url: str) -> None:
    path = sqlite_file(busy_url)
    assert path is not None
    path.chmod(0o644)
    assert page(busy_url) is None
    path.chmod(0o600)
    path.write_bytes(b"not a database at all, but long enough to have a header")
    assert page(busy_url) is None
    assert page(db_url(path.with_name("missing.db"))) is None


def test_other_databases_are_left_to_the_full_load() -> None:
    assert page("postgresql://rr@localhost/rr") is None
    assert page("sqlite://") is None
    assert page("sqlite:///:memory:") is None
    assert page("sqlite:////tmp/x.db?mode=ro") is None


def test_a_database_busy_with_a_save_is_not_waited_for(busy_url: str) -> None:
    path = sqlite_file(busy_url)
    assert path is not None
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        done = threading.Event()
        results: list[FirstPage | None] = []

        def read() -> None:
            results.append(page(busy_url))
            done.set()

        thread = threading.Thread(target=read)
        thread.start()
        assert done.wait(5), "the first page waited for the lock"
        assert results == [None]
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_reading_changes_nothing_on_disk(busy_url: str) -> None:
    path = sqlite_file(busy_url)
    assert path is not None
    before = {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in path.parent.iterdir()}
    assert page(busy_url) is not None
    after = {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in path.parent.iterdir()}
    assert after == before


@pytest.mark.parametrize(
    "name", ["plain.db", "with space.db", "per%cent.db", "what?.db", "hash#.db", "ünï.db"]
)
def test_the_file_is_the_one_the_store_opens(tmp_path: Path, name: str) -> None:
    url = db_url(tmp_path / name)
    assert sqlite_file(url) == db.sqlite_path(url)


def test_sqlalchemy_is_not_imported(busy_url: str) -> None:
    script = (
        "import sys; from datetime import date; "
        "from rr_tui.first_page import read_first_page; from rr_tui.rules.profile import ENGLAND; "
        f"page = read_first_page({busy_url!r}, ENGLAND, date(2026, 11, 26)); "
        "assert page is not None and page.records; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'textual')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=os.environ, check=True
    ).stdout
    assert out.strip() == "[]"
