"""Today's date in England, whatever the server's clock zone; injectable everywhere.

Also the moments the audit trail records: stored in UTC (``utc_now``), shown as
the clock on the wall in England shows them (``in_london``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

ZONE = "Europe/London"
LONDON = ZoneInfo(ZONE)


def utc_now() -> datetime:
    """Now, in UTC with its zone: what the store writes (the store lets tests fix it)."""
    return datetime.now(UTC)


def in_london(moment: datetime) -> datetime:
    """An aware moment as England's clocks show it (GMT in winter, BST in summer)."""
    if moment.tzinfo is None:
        raise ValueError("a moment without its zone cannot be shown in London time")
    return moment.astimezone(LONDON)


def today_in_england(override: date | None = None) -> date:
    """The date in England now, or ``override`` (from ``--today``) when given.

    At 00:30 on a summer night the server's UTC date is still yesterday;
    deadlines are counted in English dates.
    """
    if override is not None:
        return override
    import pendulum  # deferred: only needed when no date was given

    now = pendulum.now(ZONE)
    return date(now.year, now.month, now.day)
