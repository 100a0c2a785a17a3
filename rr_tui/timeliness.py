"""Timeliness figures for the partnership's yearly report. Pure: no Textual, no database.

Each measure counts the cases whose starting event falls in the period:
``total`` with the later event recorded, ``met`` recorded in time, ``pending``
not yet recorded, and ``median_wd`` the median working days between the two
(as ``working_days_between``; None when nothing is recorded).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from statistics import median

from rr_tui.deadlines import add_calendar_months, add_working_days, working_days_between
from rr_tui.profile import Profile
from rr_tui.records import CaseRecord

MEASURES = ("sin_within_5wd", "panel_within_15wd", "final_report_within_6_months")
LABELS = {
    "sin_within_5wd": "SIN within 5 working days of the LA becoming aware",
    "panel_within_15wd": "Panel notified within 15 working days of the referral",
    "final_report_within_6_months": "Final report within 6 months of the decision",
}


@dataclass(frozen=True)
class Figure:
    total: int
    met: int
    pending: int
    median_wd: float | None

    def as_dict(self) -> dict[str, int | float | None]:
        return asdict(self)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def calendar_year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), str(year))


def financial_year(year: int) -> Period:
    """April ``year`` to March ``year + 1``, as in the partnership's yearly report."""
    return Period(date(year, 4, 1), date(year + 1, 3, 31), f"{year}-{(year + 1) % 100:02d}")


def quarters(period: Period) -> list[Period]:
    """Quarters of the period: financial quarters when it starts on 1 April, else calendar."""
    first_month = 4 if (period.start.month, period.start.day) == (4, 1) else 1
    offset = (period.start.month - first_month) % 3
    start = add_calendar_months(period.start.replace(day=1), -offset)
    result = []
    while start <= period.end:
        following = add_calendar_months(start, 3)
        number = (start.month - first_month) % 12 // 3 + 1
        if first_month == 4:
            year = start.year if start.month >= 4 else start.year - 1
            label = f"{year}-{(year + 1) % 100:02d} Q{number}"
        else:
            label = f"{start.year} Q{number}"
        end = date.fromordinal(following.toordinal() - 1)
        result.append(Period(max(start, period.start), min(end, period.end), label))
        start = following
    return result


def _figure(pairs: Iterable[tuple[date, date | None]], deadline: Callable[[date], date]) -> Figure:
    total = met = pending = 0
    spans: list[int] = []
    for start, end in pairs:
        if end is None:
            pending += 1
            continue
        total += 1
        spans.append(working_days_between(start, end))
        if end <= deadline(start):
            met += 1
    return Figure(total, met, pending, float(median(spans)) if spans else None)


# How a case is given to a period: by each measure's own starting event (the
# default), by the date of its SIN (as DfE's statistics count notifications), or
# by the date of the incident (as the Panel's annual report does).
ASSIGN_BY: dict[str, str] = {
    "start": "each measure's starting event",
    "notification": "the date the SIN was sent",
    "incident": "the incident date",
}


def assigned_on(record: CaseRecord, start: date, by: str) -> date | None:
    """The date that puts this case's measure in a period (None: in no period)."""
    if by == "notification":
        return record.done.get("sin_submitted")
    if by == "incident":
        return record.fields.incident_date
    return start


def figures(
    records: Sequence[CaseRecord], profile: Profile, period: Period, by: str = "start"
) -> dict[str, Figure]:
    """The three measures for the cases that ``by`` puts in ``period``.

    With ``by="start"`` a case counts in the period of the measure's own
    starting event; otherwise every measure of a case counts in the period of
    its SIN date (``notification``) or its incident date (``incident``), and a
    case without that date counts in none. The working days are always counted
    from the measure's own starting event. The Panel and final-report measures
    leave out notification-only cases (no rapid review is run for them).
    """
    if by not in ASSIGN_BY:
        raise ValueError(f"unknown assignment {by!r}")

    def pairs(
        start_step: str, end_step: str, reviews_only: bool = False
    ) -> list[tuple[date, date | None]]:
        out = []
        for r in records:
            if reviews_only and r.notification_only:
                continue
            start = r.done.get(start_step)
            if start is None:
                continue
            when = assigned_on(r, start, by)
            if when is not None and when in period:
                out.append((start, r.done.get(end_step)))
        return out

    decided = []
    for r in records:
        meeting = r.done.get("rr_meeting")
        if r.notification_only or r.decision not in profile.full_review_decisions:
            continue
        if meeting is None:
            continue
        when = assigned_on(r, meeting, by)
        if when is not None and when in period:
            decided.append((meeting, r.done.get("final_report")))
    return {
        "sin_within_5wd": _figure(
            pairs("incident_aware", "sin_submitted"), lambda d: add_working_days(d, 5)
        ),
        "panel_within_15wd": _figure(
            pairs("referral_received", "panel_notified", reviews_only=True),
            lambda d: add_working_days(d, 15),
        ),
        "final_report_within_6_months": _figure(decided, lambda d: add_calendar_months(d, 6)),
    }


def by_quarter(
    records: Sequence[CaseRecord], profile: Profile, period: Period, by: str = "start"
) -> list[tuple[Period, dict[str, Figure]]]:
    return [(q, figures(records, profile, q, by)) for q in quarters(period)]
