"""The list's first screenful, read before SQLAlchemy is even imported.

With 10,000 cases the full list takes most of a second: SQLAlchemy's import,
reading every case and working out every schedule before the list can be put
in order. The most urgent cases can be known sooner: the store keeps each
case's next due date in ``case_order`` in the same transaction as every save,
so the first screenful is read in order with the standard library's sqlite3
(read-only), and only its few schedules are worked out. The full load replaces
it moments later, and is what every action works on.

Whenever the shortcut cannot be trusted, ``read_first_page`` returns None and
the full load alone does the work, reporting any problem in its usual words:
not a plain SQLite file, a file the store would refuse, another schema
revision, an order worked out with another profile or calendar, a database
busy with a save.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from rr_tui.errors import RRError
from rr_tui.records import (
    AGENCY_ROW,
    CASE_ROW,
    AgencyRecord,
    CaseRecord,
    PauseRecord,
    ProgressCheckRecord,
    RecommendationRecord,
    TrackedAction,
    agency_record,
    case_record,
)
from rr_tui.revisions import HEAD
from rr_tui.rules.profile import START_FACTS, Profile
from rr_tui.rules.schedule import schedule_key
from rr_tui.rules.triage import RAG_ORDER, order_by_sql, order_parameters, rank_sql
from rr_tui.sqlite_file import check_sqlite_file

# More rows than the tallest terminal shows (200x50): the cursor can move
# before the rest arrives.
PAGE_SIZE = 100
# A save in progress holds the file for milliseconds; the full load waits
# for it properly, this shortcut does not.
BUSY_TIMEOUT_S = 0.2


@dataclass(frozen=True)
class FirstPage:
    records: list[CaseRecord]  # the most urgent open cases, without their chasers
    counts: dict[str, int]  # red, amber and green among every open case
    open_cases: int


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL (as ``config.db_url`` makes); else None."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url or "#" in url:
        return None
    path = unquote(url[len(prefix) :])
    if not path or path == ":memory:":
        return None
    return Path(path)


def read_first_page(
    url: str, profile: Profile, today: date, *, limit: int = PAGE_SIZE
) -> FirstPage | None:
    """The ``limit`` most urgent open cases in triage order, or None (see the module)."""
    path = sqlite_file(url)
    if path is None:
        return None
    try:
        if not check_sqlite_file(path, create=False):
            return None  # an empty file: the store sets it up
        connection = sqlite3.connect(
            f"{path.absolute().as_uri()}?mode=ro",
            uri=True,
            timeout=BUSY_TIMEOUT_S,
            isolation_level=None,
        )
    except (RRError, sqlite3.Error, OSError):
        return None
    try:
        connection.execute("PRAGMA mmap_size = 0")
        connection.execute("BEGIN")  # one snapshot for every query below
        return _read(connection, profile, today, limit)
    except (sqlite3.Error, ValueError, TypeError):
        # Busy, damaged, or changed outside rr-tui: the full load will say.
        return None
    finally:
        connection.close()


def _read(
    connection: sqlite3.Connection, profile: Profile, today: date, limit: int
) -> FirstPage | None:
    query = connection.execute
    if query("SELECT version_num FROM alembic_version").fetchall() != [(HEAD,)]:
        return None
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
    return FirstPage(_records(connection, ids), counts, total)


def _records(connection: sqlite3.Connection, ids: Sequence[int]) -> list[CaseRecord]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))

    def rows(sql: str) -> list[Any]:
        return connection.execute(sql.format(ids=marks), ids).fetchall()

    done: dict[int, dict[str, date]] = defaultdict(dict)
    for case_id, step_id, on in rows(
        "SELECT case_id, step_id, done_on FROM step_dates WHERE case_id IN ({ids})"
    ):
        done[case_id][step_id] = date.fromisoformat(on)

    agencies: dict[int, list[AgencyRecord]] = defaultdict(list)
    for row in rows(
        f"SELECT {', '.join(AGENCY_ROW)} FROM agencies WHERE case_id IN ({{ids}}) ORDER BY id"
    ):
        agencies[row[0]].append(agency_record(_typed(AGENCY_ROW, row)))

    initials: dict[int, list[str]] = defaultdict(list)
    for case_id, name in rows(
        "SELECT case_id, initials FROM children WHERE case_id IN ({ids}) ORDER BY position, id"
    ):
        initials[case_id].append(name)

    decisions: dict[int, str | None] = {}
    national: dict[int, bool] = {}
    for case_id, decision, referral in rows(
        "SELECT case_id, decision, national_referral FROM meetings WHERE case_id IN ({ids})"
    ):
        decisions[case_id] = decision
        if referral is not None:
            national[case_id] = bool(referral)
    # The Panel's response opens the reconsideration step.
    outcomes = dict(rows("SELECT case_id, outcome FROM panel_contacts WHERE case_id IN ({ids})"))
    extras = _lifecycle(rows)
    return [
        case_record(
            _typed(CASE_ROW, row),
            done.get(row[0]),
            tuple(agencies.get(row[0], ())),
            decisions.get(row[0]),
            child_initials=tuple(initials.get(row[0], ())),
            extras=extras.get(row[0], ()),
            national_referral=national.get(row[0]),
            panel_outcome=outcomes.get(row[0]) or "",
        )
        for row in rows(f"SELECT {', '.join(CASE_ROW)} FROM cases WHERE id IN ({{ids}})")
    ]


def _lifecycle(rows: Callable[[str], list[Any]]) -> dict[int, tuple[Any, ...]]:
    """Actions, recommendations, pauses and progress checks, as the store reads them."""
    recs: dict[int, list[RecommendationRecord]] = defaultdict(list)
    numbers: dict[int, int] = {}
    for rid, cid, version, number, text, made in rows(
        "SELECT id, case_id, version, number, text, made_on FROM recommendations "
        "WHERE case_id IN ({ids}) ORDER BY number"
    ):
        numbers[rid] = number
        recs[cid].append(RecommendationRecord(rid, version, number, text, _date(made)))
    actions: dict[int, list[TrackedAction]] = defaultdict(list)
    for aid, cid, version, number, text, owner, due, done, evidence, rec in rows(
        "SELECT id, case_id, version, number, action, owner, due_on, done_on, evidence, "
        "recommendation_id FROM meeting_actions WHERE case_id IN ({ids}) ORDER BY number"
    ):
        actions[cid].append(
            TrackedAction(
                aid,
                version,
                number,
                text,
                owner,
                _date(due),
                _date(done),
                evidence,
                numbers.get(rec) if rec is not None else None,
            )
        )
    pauses: dict[int, list[PauseRecord]] = defaultdict(list)
    for pid, cid, version, reason, started, ended, detail in rows(
        "SELECT id, case_id, version, reason, started_on, ended_on, detail FROM review_pauses "
        "WHERE case_id IN ({ids}) ORDER BY started_on, id"
    ):
        pauses[cid].append(
            PauseRecord(pid, version, reason, date.fromisoformat(started), _date(ended), detail)
        )
    checks: dict[int, list[ProgressCheckRecord]] = defaultdict(list)
    for kid, cid, version, checked, note in rows(
        "SELECT id, case_id, version, checked_on, note FROM progress_checks "
        "WHERE case_id IN ({ids}) ORDER BY checked_on, id"
    ):
        checks[cid].append(ProgressCheckRecord(kid, version, date.fromisoformat(checked), note))
    return {
        cid: (
            tuple(actions.get(cid, ())),
            tuple(recs.get(cid, ())),
            tuple(pauses.get(cid, ())),
            tuple(checks.get(cid, ())),
        )
        for cid in set(recs) | set(actions) | set(pauses) | set(checks)
    }


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


# SQLite hands back text and integers; the records hold dates and booleans,
# as SQLAlchemy's column types would give them.
_CONVERT: dict[str, Callable[[Any], Any]] = {
    "publication_planned": date.fromisoformat,
    "incident_date": date.fromisoformat,
    "partners_copied_on": date.fromisoformat,
    "request_sent": date.fromisoformat,
    "received_on": date.fromisoformat,
    "updated_at": datetime.fromisoformat,
    "records_secured": bool,
    "nil_return": bool,
}


def _typed(names: Sequence[str], row: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(
        _CONVERT[name](value) if value is not None and name in _CONVERT else value
        for name, value in zip(names, row, strict=True)
    )
