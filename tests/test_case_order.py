"""The stored triage order: the rule it rests on, and the store keeping it on every save.

The list reads its first screenful ordered by each case's stored next due date
(``case_order``). That is only right if (1) the triage order and the states
follow from that one date, which the property tests below check against the
full schedule, and (2) the store never lets the stored date lag behind a save,
which the store tests check after every kind of write, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date, timedelta
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from rr_tui import deadlines
from rr_tui.models import CaseOrder
from rr_tui.records import AgencyRecord, CaseFields, CaseRecord, MeetingRecord
from rr_tui.rules.profile import ENGLAND, customise
from rr_tui.rules.schedule import (
    AgencyFacts,
    CaseFacts,
    compute,
    is_incomplete,
    next_due,
    schedule_key,
)
from rr_tui.rules.triage import (
    OTHERWISE,
    RAG_ORDER,
    STATE_RULES,
    build_views,
    order_by_sql,
    order_parameters,
    rag_for_next_due,
    rank_sql,
    urgency,
)
from rr_tui.store import Store

STEP_IDS = tuple(step.id for step in ENGLAND.steps if not step.per_agency)
DAYS = st.dates(date(2021, 11, 1), date(2027, 3, 31))
ENGLAND_AND_WALES = deadlines.england_and_wales()


@st.composite
def case_facts(draw: st.DrawFn) -> CaseFacts:
    done = draw(st.dictionaries(st.sampled_from(STEP_IDS), DAYS, max_size=6))
    agencies = tuple(
        AgencyFacts(
            f"Agency {i}",
            draw(st.none() | DAYS),
            draw(st.none() | DAYS),
            draw(st.none() | st.integers(0, 20)),
        )
        for i in range(draw(st.integers(0, 4)))
    )
    return CaseFacts(
        done=MappingProxyType(done),
        decision=draw(
            st.sampled_from([None, *sorted(ENGLAND.full_review_decisions), "no_further_review"])
        ),
        publication_planned=draw(st.none() | DAYS),
        agencies=agencies,
        closed=draw(st.booleans()),
    )


# -- the rule ---------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(case_facts(), DAYS, DAYS)
def test_the_next_due_date_does_not_depend_on_today(case: CaseFacts, one: date, two: date) -> None:
    first, second = compute(case, ENGLAND, one), compute(case, ENGLAND, two)
    due = next_due(case, ENGLAND)
    assert first.first_due == due
    assert second.first_due == due
    # It is the earliest open due date, whichever step is shown as next.
    dues = [s.due for s in first.steps if s.done is None and s.due is not None]
    assert due == (None if case.closed or not dues else min(dues))


def test_working_out_the_next_due_date_leaves_the_calendar_fast() -> None:
    # Saves work it out; a "today" far outside the calendar's years would widen
    # its lookup table to reach it and make every later deadline slow.
    calendar = deadlines.england_and_wales()
    profile = replace(ENGLAND, calendar=calendar)
    next_due(CaseFacts(done={"referral_received": date(2026, 11, 2)}), profile)
    assert calendar._state.years == (deadlines.FIRST_YEAR, deadlines.LAST_YEAR)


@settings(max_examples=300, deadline=None)
@given(case_facts(), DAYS, st.integers(0, 6))
def test_the_state_follows_from_the_next_due_date(case: CaseFacts, today: date, amber: int) -> None:
    profile = customise(ENGLAND, {"amber_slack": amber})
    rag = rag_for_next_due(
        next_due(case, profile), case.closed, today, profile, is_incomplete(case.done)
    )
    assert rag == compute(case, profile, today).rag


@settings(max_examples=150, deadline=None)
@given(st.lists(case_facts(), min_size=1, max_size=25), DAYS)
def test_triage_order_of_open_cases_is_next_due_then_reference(
    cases: list[CaseFacts], today: date
) -> None:
    records = [
        CaseRecord(
            i,
            1,
            CaseFields(f"RR-{i % 7:02d}-{i:03d}", status="closed" if c.closed else "open"),
            c.done,
            tuple(
                AgencyRecord(n, 1, a.name, a.request_sent, a.timescale_wd, a.received)
                for n, a in enumerate(c.agencies)
            ),
            c.decision,
        )
        for i, c in enumerate(cases)
    ]
    views = [v for v in build_views(records, ENGLAND, today) if v.schedule.rag != "closed"]
    assert [v.record.id for v in views] == [v.record.id for v in sorted(views, key=urgency)]

    # The first page's SQL (rr_tui.rules.triage.order_by_sql), run on SQLite over
    # the rows the store keeps: the same order, for cases in every state.
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE o (id INTEGER, next_due TEXT, incomplete INTEGER, reference TEXT)")
    db.executemany(
        "INSERT INTO o VALUES (?, ?, ?, ?)",
        [
            (
                v.record.id,
                d.isoformat() if (d := next_due(v.record.facts(), ENGLAND)) else None,
                is_incomplete(v.record.done),
                v.record.reference,
            )
            for v in views
        ],
    )
    order = order_by_sql("next_due", "incomplete = 1", "reference")
    stored = db.execute(f"SELECT id FROM o ORDER BY {order}", order_parameters(today, ENGLAND))
    assert [row[0] for row in stored] == [v.record.id for v in views]


def test_the_stored_order_sql_ranks_each_state_as_the_list_does() -> None:
    """Each state rule's SQL gives its state's rank: a rule changed on one side only fails."""
    today = date(2026, 6, 1)  # a Monday
    until = order_parameters(today, ENGLAND)["amber_until"]
    rows = [  # (state, stored next due, incomplete), boundaries included
        ("red", "2026-05-29", 0),
        ("red", "2026-05-31", 1),  # overdue comes before incomplete
        ("amber", "2026-06-01", 0),  # due today: not yet overdue
        ("amber", "2026-06-02", 0),
        ("incomplete", "2026-06-02", 1),
        ("incomplete", None, 1),
        ("green", None, 0),
        ("green", until, 0),  # the first green due date
        ("green", "2026-07-31", 0),
    ]
    assert {rule.rag for rule in STATE_RULES} | {OTHERWISE} == {rag for rag, _, _ in rows}
    db = sqlite3.connect(":memory:")
    rank = rank_sql("next_due", "incomplete = 1")
    for rag, due, incomplete in rows:
        stored = date.fromisoformat(due) if due else None
        assert rag_for_next_due(stored, False, today, ENGLAND, bool(incomplete)) == rag
        (got,) = db.execute(
            f"SELECT {rank} FROM (SELECT :due AS next_due, :incomplete AS incomplete)",
            {**order_parameters(today, ENGLAND), "due": due, "incomplete": incomplete},
        ).fetchone()
        assert got == RAG_ORDER[rag], (rag, due, incomplete)


def test_the_key_names_the_profile_and_the_calendar() -> None:
    key = schedule_key(ENGLAND)
    assert key == schedule_key(ENGLAND)
    assert schedule_key(customise(ENGLAND, {"agency_timescale": 10})) != key
    closed = replace(ENGLAND, calendar=deadlines.england_and_wales([date(2026, 12, 24)]))
    assert schedule_key(closed) != key
    assert schedule_key(customise(ENGLAND, {"clock": "referral"})) != key


# -- the store keeps it -------------------------------------------------------------

REFERRAL = date(2026, 11, 2)


def stored(store: Store) -> dict[int, tuple[date | None, str]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(CaseOrder.case_id, CaseOrder.next_due, CaseOrder.schedule_key))
        return {case_id: (due, key) for case_id, due, key in rows}


def worked_out(store: Store) -> dict[int, tuple[date | None, str]]:
    key = schedule_key(store.profile)
    return {
        r.id: (next_due(r.facts(), store.profile), key)
        for r in store.list_cases(include_closed=True)
    }


def assert_in_step(store: Store) -> None:
    assert stored(store) == worked_out(store)


def test_every_kind_of_save_keeps_the_order(store: Store) -> None:
    case_id = store.create_case(CaseFields("RR-1"), {"referral_received": REFERRAL})
    other = store.create_case(CaseFields("RR-2"))
    assert_in_step(store)
    before = stored(store)[case_id][0]

    store.record_step(case_id, "scoping_requests_sent", REFERRAL + timedelta(days=1))
    assert_in_step(store)
    assert stored(store)[case_id][0] != before  # the next step moved on

    agency = store.add_agency(case_id, "Police", REFERRAL)
    assert_in_step(store)
    version = store.get_case(case_id).agencies[0].version
    store.update_agency(agency, version, received_on=REFERRAL + timedelta(days=3))
    assert_in_step(store)
    store.record_chaser(agency, REFERRAL + timedelta(days=2))
    assert_in_step(store)

    store.record_meeting(case_id, 0, date(2026, 11, 20), MeetingRecord(decision="lcspr"))
    assert_in_step(store)
    store.record_panel(case_id, 0, notified_on=date(2026, 11, 23), set_notified=True)
    assert_in_step(store)
    store.record_step(case_id, "scoping_requests_sent", None)
    assert_in_step(store)

    fields = store.get_case(other).fields
    store.update_case(other, 1, CaseFields(fields.reference, status="closed"))
    assert_in_step(store)

    store.import_cases(
        [
            (CaseFields(f"IMP-{n}"), {"referral_received": REFERRAL + timedelta(days=n)}, None, ())
            for n in range(30)
        ]
    )
    assert_in_step(store)
    assert len(stored(store)) == 32


def test_a_failed_save_leaves_the_order_as_it_was(store: Store) -> None:
    case_id = store.create_case(CaseFields("RR-1"), {"referral_received": REFERRAL})
    before = stored(store)
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do
        store.record_meeting(case_id, 7, REFERRAL, MeetingRecord(decision="lcspr"))
    assert stored(store) == before
    assert_in_step(store)


def test_stale_order_is_found_and_worked_out_again(db_url: str) -> None:
    store = Store(db_url, create=True)
    try:
        ids = [
            store.create_case(CaseFields(f"RR-{n}"), {"referral_received": REFERRAL})
            for n in range(3)
        ]
        assert store.stale_order() == []
        # As after an upgrade (no rows) and after another profile wrote one.
        with store.engine.begin() as conn:
            conn.execute(delete(CaseOrder).where(CaseOrder.case_id == ids[0]))
            conn.execute(
                update(CaseOrder).where(CaseOrder.case_id == ids[1]).values(schedule_key="other")
            )
        assert sorted(store.stale_order()) == ids[:2]
        assert store.refresh_order() == 2
        assert store.stale_order() == []
        assert_in_step(store)
    finally:
        store.close()

    # Another profile (a longer agency timescale) makes every row stale.
    longer = Store(db_url, profile=customise(ENGLAND, {"agency_timescale": 10}))
    try:
        assert sorted(longer.stale_order()) == ids
        longer.refresh_order()
        assert_in_step(longer)
    finally:
        longer.close()
