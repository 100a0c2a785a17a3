"""The audit trail: hash-chained, replayed against the records, safe under concurrent writers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from rr_tui.dates import moment_text
from rr_tui.records import CaseFields, MeetingRecord
from rr_tui.store import Store
from rr_tui.store.audit import entry_time


def busy_case(store: Store) -> int:
    """A case with a few audited changes: entries 1..6 or so."""
    case_id = store.create_case(CaseFields("RR-2026-001"), {"referral_received": date(2026, 3, 2)})
    store.update_case(case_id, 1, CaseFields("RR-2026-001", notes="first"))
    store.add_agency(case_id, "Police", date(2026, 3, 3))
    store.record_meeting(case_id, 0, date(2026, 3, 17), MeetingRecord(decision="lcspr"))
    store.update_case(case_id, 2, CaseFields("RR-2026-001", notes="second"))
    return case_id


def sql(store: Store, statement: str) -> None:
    """Run SQL behind rr-tui's back, as someone with write access to the database could,
    first removing the triggers that refuse changes to the audit trail (as they could too)."""
    with store.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        else:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        conn.execute(text(statement))


def test_intact_trail_verifies_clean(store: Store) -> None:
    busy_case(store)
    assert store.verify_audit() == []


@pytest.mark.parametrize(
    ("statement", "named", "words"),
    [
        pytest.param(
            "UPDATE audit_log SET actor = 'mallory' WHERE id = 3",
            "audit entry 3:",
            "changed",
            id="an edited entry is named",
        ),
        pytest.param(
            "DELETE FROM audit_log WHERE id = 3",
            "audit entry 4:",
            "removed",
            id="a deleted entry breaks the chain at the next one",
        ),
    ],
)
def test_a_tampered_entry_is_named(store: Store, statement: str, named: str, words: str) -> None:
    busy_case(store)
    sql(store, statement)
    problems = store.verify_audit()
    assert problems[0].startswith(named)
    assert words in problems[0]


def test_deleting_the_last_entry_is_caught_by_the_witness(store: Store) -> None:
    busy_case(store)
    sql(store, "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")
    [problem] = store.verify_audit()
    assert problem.startswith("the trail ends at entry number 6, but entry number 7 was written")


def test_deleting_the_last_entry_without_a_witness_is_caught_by_the_replay(store: Store) -> None:
    busy_case(store)
    assert store.witness_path is not None
    store.witness_path.unlink()
    sql(store, "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")
    assert store.verify_audit() == ["cases row 1: changed outside rr-tui (notes, version)"]


def test_changes_made_behind_the_apps_back_are_reported(store: Store) -> None:
    case_id = busy_case(store)
    sql(store, f"UPDATE cases SET notes = 'edited by hand' WHERE id = {case_id}")
    sql(store, "DELETE FROM agencies")
    sql(
        store,
        "INSERT INTO step_dates (case_id, step_id, done_on, version, created_at, created_by,"
        f" updated_at, updated_by) VALUES ({case_id}, 'panel_notified', '2026-03-18', 1,"
        " '2026-03-18 10:00:00', 'x', '2026-03-18 10:00:00', 'x')",
    )
    problems = store.verify_audit()
    assert "agencies row 1: deleted outside rr-tui" in problems
    assert "cases row 1: changed outside rr-tui (notes)" in problems
    assert any(p.startswith("step_dates row") and "added outside" in p for p in problems)
    assert not any("edited by hand" in p for p in problems)


def test_concurrent_writers_keep_one_unbroken_chain(
    store: Store, db_url: str, open_store: Callable[..., Store]
) -> None:
    case_ids = [store.create_case(CaseFields(f"RR-{n}")) for n in range(4)]
    stores = [open_store(db_url, actor=f"coordinator{n}") for n in range(4)]
    errors: list[BaseException] = []

    def work(s: Store, case_id: int) -> None:
        try:
            for day in range(1, 11):
                s.record_step(case_id, "referral_received", date(2026, 3, day))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=pair) for pair in zip(stores, case_ids, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert store.verify_audit() == []
    for case_id in case_ids:
        assert store.get_case(case_id).done["referral_received"] == date(2026, 3, 10)
        assert len(store.history(case_id)) == 1 + 10


def test_cli_audit_verify_exits_11_naming_the_entry(
    store: Store, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from rr_tui.cli.main import main

    busy_case(store)
    assert main(["--db", db_url, "audit", "verify"]) == 0
    assert capsys.readouterr().out == "audit trail intact\n"
    sql(store, "UPDATE audit_log SET new = '{}' WHERE id = 1")
    assert main(["--db", db_url, "audit", "verify"]) == 11
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (
        "rr-tui: audit entry 1: its content was changed after it was written"
    )


# --- audit times: stored in UTC with their zone, shown in London time ----------------------

SUMMER = datetime(2026, 7, 1, 11, 30, tzinfo=UTC)  # 12:30 BST in London
WINTER = datetime(2026, 1, 15, 11, 30, tzinfo=UTC)  # 11:30 GMT in London


def test_audit_times_are_stored_in_utc_with_their_zone(store: Store) -> None:
    store.now = lambda: SUMMER
    case_id = store.create_case(CaseFields("RR-2026-001"))
    store.now = lambda: WINTER.astimezone(ZoneInfo("Asia/Tokyo"))  # any zone: stored as UTC
    store.update_case(case_id, 1, CaseFields("RR-2026-001", notes="winter"))
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT at, zone FROM audit_log ORDER BY id")).all()
        stamps = conn.execute(text("SELECT created_at, updated_at FROM cases")).one()
    stored = [(at if isinstance(at, datetime) else datetime.fromisoformat(at), z) for at, z in rows]
    assert stored == [(datetime(2026, 7, 1, 11, 30), "UTC"), (datetime(2026, 1, 15, 11, 30), "UTC")]
    assert [s if isinstance(s, datetime) else datetime.fromisoformat(s) for s in stamps] == [
        datetime(2026, 7, 1, 11, 30),
        datetime(2026, 1, 15, 11, 30),
    ]
    history = store.history(case_id)
    assert [h.at for h in history] == [SUMMER, WINTER]
    # Shown as England's clocks showed them: BST in July, GMT in January.
    assert [moment_text(h.at) for h in history] == ["01 Jul 2026 12:30", "15 Jan 2026 11:30"]
    assert store.verify_audit() == []


def test_an_entry_without_a_zone_is_read_as_london_time() -> None:
    # What rr-tui wrote before revision 0010: the local time, no zone.
    summer, winter = (
        entry_time(datetime(2025, 7, 1, 12, 30), None),
        entry_time(datetime(2025, 1, 15, 12, 30), None),
    )
    assert summer.astimezone(UTC) == datetime(2025, 7, 1, 11, 30, tzinfo=UTC)
    assert winter.astimezone(UTC) == datetime(2025, 1, 15, 12, 30, tzinfo=UTC)
    # ...and shown as it was written: the history reads the same after the upgrade.
    assert (moment_text(summer), moment_text(winter)) == ("01 Jul 2025 12:30", "15 Jan 2025 12:30")


def test_a_moment_without_its_zone_is_never_shown() -> None:
    with pytest.raises(ValueError, match="zone"):
        moment_text(datetime(2026, 7, 1, 12, 30))


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("UPDATE audit_log SET zone = NULL WHERE id = 1", id="zone removed"),
        pytest.param("UPDATE audit_log SET zone = 'Europe/Paris' WHERE id = 1", id="zone changed"),
    ],
)
def test_changing_an_entrys_zone_breaks_the_chain(store: Store, statement: str) -> None:
    # The zone is sealed in the hash: moving an entry in time by its zone is caught.
    store.now = lambda: SUMMER
    busy_case(store)
    sql(store, statement)
    problems = store.verify_audit()
    assert problems and problems[0].startswith("audit entry 1:"), problems
    assert "changed" in problems[0]
