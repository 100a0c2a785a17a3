"""The agency chase list: returns due within 2 working days or overdue, across all cases."""

from __future__ import annotations

import json
from datetime import date

import pytest
from factories import cli

from rr_tui.records import CaseFields, ChildFields
from rr_tui.reports.chase import ChaseItem, chase_list, chaser_text
from rr_tui.rules.profile import ENGLAND
from rr_tui.store import Store

D = date
TODAY = D(2025, 6, 11)  # a Wednesday; no bank holiday near
CHILD = "Zebedee-Quillfeather"
POLICE, CSC, AMBULANCE = "Northshire Police", "Children's social care", "ambulance service"
HOUSING, HEALTH = "Housing", "Riverside Health"


def new_case(store: Store, reference: str, status: str = "open") -> int:
    return store.create_case(
        CaseFields(reference=reference, owner="A. Patel", status=status),
        {"referral_received": D(2025, 5, 30)},
        (ChildFields(CHILD),),
    )


@pytest.fixture
def agencies(store: Store) -> dict[tuple[str, str], int]:
    """Agencies around TODAY; returns their ids by (reference, agency)."""
    ids: dict[tuple[str, str], int] = {}
    # Created first, though its return falls due after CH-001's: sorting is by due date.
    second = new_case(store, "CH-002")
    ids["CH-002", POLICE] = store.add_agency(second, POLICE, D(2025, 6, 3))  # due Tue 10 Jun
    first = new_case(store, "CH-001")
    for name, requested, timescale in (
        (POLICE, D(2025, 6, 2), None),  # due Mon 9 Jun: 2 WD overdue
        (CSC, D(2025, 6, 4), None),  # due Wed 11 Jun, today: 0 WD left
        (AMBULANCE, D(2025, 6, 4), None),  # due Wed 11 Jun too
        (HEALTH, D(2025, 6, 6), None),  # due Fri 13 Jun: 2 WD left
        (HOUSING, D(2025, 6, 9), 3),  # its own timescale: due Thu 12 Jun, 1 WD left
        ("School", D(2025, 6, 9), None),  # due Mon 16 Jun: 3 WD left, not yet
        ("GP practice", D(2025, 6, 2), None),  # overdue but returned
        ("Probation", None, None),  # not asked yet: no due date
    ):
        ids["CH-001", name] = store.add_agency(first, name, requested, timescale_wd=timescale)
    store.update_agency(ids["CH-001", "GP practice"], 1, received_on=D(2025, 6, 10))
    closed = new_case(store, "CH-CLOSED", status="closed")
    ids["CH-CLOSED", POLICE] = store.add_agency(closed, POLICE, D(2025, 6, 2))
    return ids


def summary(groups: dict[str, list[ChaseItem]]) -> list[tuple[str, list[tuple[str, date, int]]]]:
    return [
        (name, [(i.reference, i.due, i.slack) for i in items]) for name, items in groups.items()
    ]


def test_chase_list_groups_sorts_and_filters(
    store: Store, agencies: dict[tuple[str, str], int]
) -> None:
    groups = chase_list(store.list_cases(include_closed=True), ENGLAND, TODAY)
    assert summary(groups) == [
        (POLICE, [("CH-001", D(2025, 6, 9), -2), ("CH-002", D(2025, 6, 10), -1)]),
        # Same first due date: by name, ignoring case.
        (AMBULANCE, [("CH-001", D(2025, 6, 11), 0)]),
        (CSC, [("CH-001", D(2025, 6, 11), 0)]),
        (HOUSING, [("CH-001", D(2025, 6, 12), 1)]),
        (HEALTH, [("CH-001", D(2025, 6, 13), 2)]),
    ]
    police = groups[POLICE][0]
    assert police.overdue
    assert (police.agency_id, police.requested) == (agencies["CH-001", POLICE], D(2025, 6, 2))
    assert police.case_id == store.case_id("CH-001")
    assert not groups[CSC][0].overdue


def test_a_return_drops_off_the_list(store: Store, agencies: dict[tuple[str, str], int]) -> None:
    store.update_agency(agencies["CH-002", POLICE], 1, received_on=TODAY)
    groups = chase_list(store.list_cases(), ENGLAND, TODAY)
    assert [i.reference for i in groups[POLICE]] == ["CH-001"]


def test_the_window_counts_working_days_over_bank_holidays(store: Store) -> None:
    case_id = new_case(store, "BH-001")
    # Spring bank holiday Mon 26 May 2025; today Tue 27 May.
    store.add_agency(case_id, "Asked Wed 21 May", D(2025, 5, 21))  # due Thu 29 May: 2 WD
    store.add_agency(case_id, "Asked Thu 22 May", D(2025, 5, 22))  # due Fri 30 May: 3 WD
    groups = chase_list(store.list_cases(), ENGLAND, D(2025, 5, 27))
    assert summary(groups) == [("Asked Wed 21 May", [("BH-001", D(2025, 5, 29), 2)])]
    # Christmas 2025: today Mon 29 Dec; 25, 26 Dec and 1 Jan are bank holidays.
    xmas = new_case(store, "BH-002")
    store.add_agency(xmas, "Asked Fri 19 Dec", D(2025, 12, 19))  # due Tue 30 Dec: 1 WD
    store.add_agency(xmas, "Asked Mon 22 Dec", D(2025, 12, 22))  # due Wed 31 Dec: 2 WD
    store.add_agency(xmas, "Asked Tue 23 Dec", D(2025, 12, 23))  # due Fri 2 Jan: 3 WD
    xmas_only = [r for r in store.list_cases() if r.reference == "BH-002"]
    groups = chase_list(xmas_only, ENGLAND, D(2025, 12, 29))
    assert summary(groups) == [
        ("Asked Fri 19 Dec", [("BH-002", D(2025, 12, 30), 1)]),
        ("Asked Mon 22 Dec", [("BH-002", D(2025, 12, 31), 2)]),
    ]


def test_nothing_to_chase(store: Store) -> None:
    new_case(store, "EMPTY")
    assert chase_list(store.list_cases(), ENGLAND, TODAY) == {}


def test_chaser_text_names_references_and_dates_never_the_child(
    store: Store, agencies: dict[tuple[str, str], int]
) -> None:
    groups = chase_list(store.list_cases(), ENGLAND, TODAY)
    text = chaser_text(POLICE, groups[POLICE], TODAY)
    lines = text.splitlines()
    assert lines[0] == f"Dear colleagues at {POLICE},"
    assert "  - CH-001: was due Mon 9 Jun 2025 (2 working days overdue)" in lines
    assert "  - CH-002: was due Tue 10 Jun 2025 (1 working day overdue)" in lines
    assert lines[-2:] == ["Safeguarding partnership business unit", "(Wed 11 Jun 2025)"]
    assert "CH-CLOSED" not in text
    due_today = chaser_text(CSC, groups[CSC], TODAY, sender="Northshire SCP")
    assert "  - CH-001: is due Wed 11 Jun 2025" in due_today.splitlines()
    assert due_today.splitlines()[-2] == "Northshire SCP"
    for group, items in groups.items():
        assert CHILD not in chaser_text(group, items, TODAY)
        assert "Zebedee" not in chaser_text(group, items, TODAY)


def test_recorded_chaser_shows_on_the_case(
    store: Store, agencies: dict[tuple[str, str], int]
) -> None:
    police = agencies["CH-001", POLICE]
    store.record_chaser(police, D(2025, 6, 10))
    store.record_chaser(police, D(2025, 6, 11))
    record = store.get_case(store.case_id("CH-001"))
    groups = chase_list([record], ENGLAND, TODAY)
    assert groups[POLICE][0].chasers == (D(2025, 6, 10), D(2025, 6, 11))
    assert groups[CSC][0].chasers == ()


def test_recorded_chaser_shows_on_the_chase_list(
    store: Store, agencies: dict[tuple[str, str], int]
) -> None:
    store.record_chaser(agencies["CH-001", POLICE], D(2025, 6, 10))
    groups = chase_list(store.list_cases(), ENGLAND, TODAY)
    assert groups[POLICE][0].chasers == (D(2025, 6, 10),)


def test_chasers_recorded_by_mistake_can_be_taken_back_and_the_audit_says_so(
    store: Store, agencies: dict[tuple[str, str], int]
) -> None:
    police = [agencies["CH-001", POLICE], agencies["CH-002", POLICE]]
    earlier = store.record_chaser(police[0], D(2025, 6, 10))
    ids = store.record_chasers(police, TODAY)
    assert len(ids) == 2 and earlier not in ids
    assert [i.chasers for i in chase_list(store.list_cases(), ENGLAND, TODAY)[POLICE]] == [
        (D(2025, 6, 10), TODAY),
        (TODAY,),
    ]
    assert store.remove_chasers(ids) == 2
    # Only the chasers of that x are taken back; the one sent the day before stays.
    assert [i.chasers for i in chase_list(store.list_cases(), ENGLAND, TODAY)[POLICE]] == [
        (D(2025, 6, 10),),
        (),
    ]
    history = store.history(store.case_id("CH-001"))
    deletes = [h for h in history if h.action == "delete" and h.table_name == "chasers"]
    assert len(deletes) == 1
    assert store.verify_audit() == []
    # Taking back again (someone else already did) removes nothing and is no error.
    assert store.remove_chasers(ids) == 0


# -- the command line -----------------------------------------------------------------


def chase_json(capsys: pytest.CaptureFixture[str], url: str) -> list[dict[str, object]]:
    code, out, err = cli(capsys, "--db", url, "--today", TODAY.isoformat(), "chase", "--json")
    assert (code, err) == (0, "")
    assert CHILD not in out
    data: list[dict[str, object]] = json.loads(out)
    return data


def test_cli_chase_json(
    capsys: pytest.CaptureFixture[str], db_url: str, agencies: dict[tuple[str, str], int]
) -> None:
    data = chase_json(capsys, db_url)
    assert [g["agency"] for g in data] == [POLICE, AMBULANCE, CSC, HOUSING, HEALTH]
    for group in data:
        assert set(group) == {"agency", "items", "chaser"}
        assert isinstance(group["chaser"], str)
        assert str(group["chaser"]).startswith(f"Dear colleagues at {group['agency']},")
    assert data[0]["items"] == [
        {
            "reference": "CH-001",
            "requested": "2025-06-02",
            "due": "2025-06-09",
            "slack": -2,
            "overdue": True,
            "chasers": [],
        },
        {
            "reference": "CH-002",
            "requested": "2025-06-03",
            "due": "2025-06-10",
            "slack": -1,
            "overdue": True,
            "chasers": [],
        },
    ]
    assert data[-1]["items"] == [
        {
            "reference": "CH-001",
            "requested": "2025-06-06",
            "due": "2025-06-13",
            "slack": 2,
            "overdue": False,
            "chasers": [],
        }
    ]


def test_cli_chase_text(
    capsys: pytest.CaptureFixture[str], db_url: str, agencies: dict[tuple[str, str], int]
) -> None:
    code, out, err = cli(capsys, "--db", db_url, "--today", TODAY.isoformat(), "chase")
    assert (code, err) == (0, "")
    assert out.startswith(f"== {POLICE} ==\n")
    assert "  CH-001  due Mon 9 Jun 2025  2 WD overdue  chasers sent: none" in out
    assert "  CH-001  due Fri 13 Jun 2025  2 WD left  chasers sent: none" in out
    assert "    Dear colleagues at Riverside Health," in out
    assert CHILD not in out


def test_cli_nothing_to_chase(
    capsys: pytest.CaptureFixture[str], store: Store, db_url: str
) -> None:
    new_case(store, "EMPTY")
    code, out, err = cli(capsys, "--db", db_url, "--today", TODAY.isoformat(), "chase")
    assert (code, err) == (0, "")
    assert out == "Nothing to chase: no agency return or action is due within 2 working days.\n"
    assert cli(capsys, "--db", db_url, "--today", TODAY.isoformat(), "chase", "--json") == (
        0,
        "[]\n",
        "",
    )


def test_cli_chase_shows_recorded_chasers(
    capsys: pytest.CaptureFixture[str],
    store: Store,
    db_url: str,
    agencies: dict[tuple[str, str], int],
) -> None:
    store.record_chaser(agencies["CH-001", POLICE], D(2025, 6, 10))
    data = chase_json(capsys, db_url)
    items = data[0]["items"]
    assert isinstance(items, list)
    assert items[0]["chasers"] == ["2025-06-10"]
