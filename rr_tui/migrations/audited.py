"""What the revisions that move data share: values as the audit trail holds them,
who ran the upgrade, and the move appended to the audit trail.

A revision that changes rows writes what it changed to the audit trail, sealed
with the audit key like every save, so ``rr-tui audit verify`` still matches
every record after the upgrade.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

# Bookkeeping columns, not in an audit entry's values (as the store's audit leaves them out).
SKIP = frozenset({"created_at", "created_by", "updated_at", "updated_by"})


def plain(value: Any) -> Any:
    """A value as an audit entry holds it (JSON: dates as ISO text)."""
    return value.isoformat() if isinstance(value, date | datetime) else value


def row_values(row: Any) -> dict[str, Any]:
    """A row's columns as an audit entry holds them, bookkeeping left out."""
    return {k: plain(v) for k, v in row._mapping.items() if k not in SKIP}


def actor() -> str:
    """Who runs the upgrade: the account's name."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name[:64]
    except (ImportError, KeyError):
        return "db upgrade"


def append_entries(conn: sa.Connection, entries: list[Any]) -> None:
    """Append (action, table, row id, case id, old, new) entries as any save appends them."""
    from sqlalchemy.orm import Session

    from rr_tui.store.audit import append

    session = Session(bind=conn)
    session.info["actor"] = actor()
    # Without a zone, as every entry before revision 0010 (whose table has no
    # zone yet): England's wall-clock time, which is how such entries are read
    # (docs/decisions.md, "Audit times").
    session.info["now"] = datetime.now(ZoneInfo("Europe/London")).replace(tzinfo=None)
    append(session, entries)
