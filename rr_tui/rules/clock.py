"""Today's date in England, whatever the server's clock zone; injectable everywhere.

Also the moments the audit trail records: stored in UTC (``utc_now``), shown as
the clock on the wall in England shows them (``in_london``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import cache

ZONE = "Europe/London"


@cache
def london() -> tzinfo:
    """England's clock zone, loaded on first use (zoneinfo costs ~5 ms to import,
    and neither `deadline` nor the first frame needs it)."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(ZONE)


def utc_now() -> datetime:
    """Now, in UTC with its zone: what the store writes (the store lets tests fix it)."""
    return datetime.now(UTC)


def in_london(moment: datetime) -> datetime:
    """An aware moment as England's clocks show it (GMT in winter, BST in summer)."""
    if moment.tzinfo is None:
        raise ValueError("a moment without its zone cannot be shown in London time")
    return moment.astimezone(london())


def today_in_england(override: date | None = None) -> date:
    """The date in England now, or ``override`` (from ``--today``) when given.

    At 00:30 on a summer night the server's UTC date is still yesterday;
    deadlines are counted in English dates.
    """
    if override is not None:
        return override
    return datetime.now(london()).date()
