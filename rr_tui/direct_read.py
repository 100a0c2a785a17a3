"""Cases read from a plain SQLite file with the standard library: no SQLAlchemy.

Importing SQLAlchemy takes about 0.2 s. Two readers want the cases sooner: the
list's first screenful (``rr_tui.first_page``) and ``rr-tui status``, a check
made in the middle of a meeting. They read the file read-only, in one snapshot,
and build the very records ``Store.list_cases`` builds (tests hold the two
readers to each other, field by field).

Whenever the shortcut cannot be trusted, ``read_only`` answers None and the
caller opens the store, which reports any problem in its usual words: not a
plain SQLite file, a file the store would refuse, another schema revision, a
database busy with a save, a stored value that is not what it should be.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar
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
from rr_tui.sqlite_file import check_sqlite_file

# A save in progress holds the file for milliseconds; the store waits for it
# properly, this shortcut does not.
BUSY_TIMEOUT_S = 0.2

T = TypeVar("T")


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL (as ``config.db_url`` makes); else None."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url or "#" in url:
        return None
    path = unquote(url[len(prefix) :])
    if not path or path == ":memory:":
        return None
    return Path(path)


def read_only(url: str, read: Callable[[sqlite3.Connection], T | None]) -> T | None:
    """``read`` on one read-only snapshot of the database at ``url``; None: not trusted."""
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
        connection.execute("BEGIN")  # one snapshot for every query
        if connection.execute("SELECT version_num FROM alembic_version").fetchall() != [(HEAD,)]:
            return None
        return read(connection)
    except (sqlite3.Error, ValueError, TypeError, KeyError):
        # Busy, damaged, or changed outside rr-tui: the store will say.
        return None
    finally:
        connection.close()


def read_cases(url: str, *, include_closed: bool = False) -> list[CaseRecord] | None:
    """Every open case (every case with ``include_closed``), as ``Store.list_cases`` reads it."""
    which = "SELECT id FROM cases" + ("" if include_closed else " WHERE status != 'closed'")
    return read_only(url, lambda connection: case_records(connection, which))


def case_records(
    connection: sqlite3.Connection,
    cases: str,
    parameters: Sequence[Any] = (),
    *,
    chasers: bool = True,
) -> list[CaseRecord]:
    """The records of the cases whose ids ``cases`` gives (SQL for an ``IN (...)`` list).

    As ``Store.list_cases`` reads them; ``chasers=False`` leaves the agencies'
    chasers out (the list's first screenful shows none).
    """

    def rows(sql: str) -> list[Any]:
        return connection.execute(sql.format(ids=cases), parameters).fetchall()

    done: dict[int, dict[str, date]] = defaultdict(dict)
    for case_id, step_id, on in rows(
        "SELECT case_id, step_id, done_on FROM step_dates WHERE case_id IN ({ids})"
    ):
        done[case_id][step_id] = date.fromisoformat(on)

    sent: dict[int, list[date]] = defaultdict(list)
    if chasers:
        for agency_id, on in rows(
            "SELECT c.agency_id, c.sent_on FROM chasers c JOIN agencies a ON a.id = c.agency_id "
            "WHERE a.case_id IN ({ids}) ORDER BY c.sent_on"
        ):
            sent[agency_id].append(date.fromisoformat(on))
    agencies: dict[int, list[AgencyRecord]] = defaultdict(list)
    for row in rows(
        f"SELECT {', '.join(AGENCY_ROW)} FROM agencies WHERE case_id IN ({{ids}}) ORDER BY id"
    ):
        agencies[row[0]].append(agency_record(_typed(AGENCY_ROW, row), tuple(sent.get(row[1], ()))))

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
        for row in rows(
            f"SELECT {', '.join(CASE_ROW)} FROM cases WHERE id IN ({{ids}}) ORDER BY id"
        )
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
