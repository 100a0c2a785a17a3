"""Today's date in England, whatever the server's clock zone; injectable everywhere."""

from __future__ import annotations

from datetime import date

ZONE = "Europe/London"


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
