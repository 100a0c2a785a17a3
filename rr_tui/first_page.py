"""The list's first screenful, read before SQLAlchemy is even imported.

With 10,000 cases the full list takes most of a second: SQLAlchemy's import,
reading every case and working out every schedule before the list can be put
in order. The most urgent cases can be known sooner: the store keeps each
case's next due date in ``case_order`` in the same transaction as every save,
so the first screenful is read in order with the standard library's sqlite3
(``rr_tui.direct_read``), and only its few schedules are worked out. The full
load replaces it moments later, and is what every action works on.

Whenever the shortcut cannot be trusted, ``read_first_page`` returns None and
the full load alone does the work, reporting any problem in its usual words:
as for ``rr_tui.direct_read``, and also an order worked out with another
profile or calendar.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from rr_tui.direct_read import case_records, read_only
from rr_tui.records import CaseRecord
from rr_tui.rules.profile import START_FACTS, Profile
from rr_tui.rules.schedule import schedule_key
from rr_tui.rules.triage import RAG_ORDER, order_by_sql, order_parameters, rank_sql

# More rows than the tallest terminal shows (200x50): the cursor can move
# before the rest arrives.
PAGE_SIZE = 100


@dataclass(frozen=True)
class FirstPage:
    records: list[CaseRecord]  # the most urgent open cases, without their chasers
    counts: dict[str, int]  # red, amber and green among every open case
    open_cases: int


def read_first_page(
    url: str, profile: Profile, today: date, *, limit: int = PAGE_SIZE
) -> FirstPage | None:
    """The ``limit`` most urgent open cases in triage order, or None (see the module)."""
    return read_only(url, lambda connection: _read(connection, profile, today, limit))


def _read(
    connection: sqlite3.Connection, profile: Profile, today: date, limit: int
) -> FirstPage | None:
    query = connection.execute
    open_cases = (
        "FROM cases c LEFT JOIN case_order o ON o.case_id = c.id WHERE c.status != 'closed'"
    )
    key = schedule_key(profile)
    (stale,) = query(
        f"SELECT count(*) {open_cases} AND (o.schedule_key IS NULL OR o.schedule_key != ?)",
        (key,),
    ).fetchone()
    if stale:
        return None

    # Incomplete: none of the facts a clock starts from is recorded.
    starts = ", ".join(f"'{fact}'" for fact in START_FACTS)
    incomplete = (
        "NOT EXISTS (SELECT 1 FROM step_dates s "
        f"WHERE s.case_id = c.id AND s.step_id IN ({starts}))"
    )
    # Each state counted by SQLite from the same rules the order uses: a few
    # rows, not one per due date (each row read waits for the busy UI thread).
    parameters = order_parameters(today, profile)
    state_of_rank = {rank: rag for rag, rank in RAG_ORDER.items()}
    counts = {"red": 0, "amber": 0, "incomplete": 0, "green": 0}
    for rank, number in query(
        f"SELECT {rank_sql('o.next_due', incomplete)} AS state, count(*) {open_cases} "
        "GROUP BY state",
        parameters,
    ):
        counts[state_of_rank[rank]] += number
    total = sum(counts.values())

    # The triage order, as the full list sorts it (``rr_tui.rules.triage``).
    order = order_by_sql("o.next_due", incomplete, "c.reference")
    ids = [
        case_id
        for (case_id,) in query(
            f"SELECT c.id {open_cases} ORDER BY {order} LIMIT :limit",
            {**parameters, "limit": limit},
        )
    ]
    marks = ",".join("?" * len(ids))
    records = case_records(connection, marks, ids, chasers=False) if ids else []
    return FirstPage(records, counts, total)
