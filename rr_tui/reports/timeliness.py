"""Timeliness figures for the partnership's yearly report. Pure: no Textual, no database.

Every measure follows the profile (its clock and its numbers, through the
rules engine's calendar). Each counts the cases whose starting event falls in
the period: ``total`` with the later event recorded, ``met`` recorded in time,
``missed`` not recorded and already past due on ``today``, ``pending`` not
recorded and not yet due, ``paused`` (LCSPRs paused for parallel proceedings,
reported apart), and ``median_wd`` the median working days between the two
events (None when nothing is recorded).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from statistics import median

from rr_tui.deadlines import add_calendar_months
from rr_tui.records import CaseRecord
from rr_tui.rules.profile import DECISIONS, Profile, fact_words

MEASURES = ("sin_within_5wd", "panel_within_15wd", "lcspr_published_within_6_months")
PUBLICATION_MONTHS = 6


def labels(profile: Profile) -> dict[str, str]:
    """The measures' names, in the profile's numbers and clock."""
    sin = profile.rule_wd("sin_submitted", "incident_aware")
    clock = profile.clock_wd
    return {
        "sin_within_5wd": f"SIN within {sin} working days of the LA becoming aware",
        "panel_within_15wd": (
            f"RR sent to Panel within {clock} working days of the clock start "
            f"({fact_words(profile.clock_anchors[0])}, or "
            f"{fact_words(profile.clock_anchors[1])} without it)"
        ),
        "lcspr_published_within_6_months": (
            f"LCSPR published within {PUBLICATION_MONTHS} months of its initiation"
        ),
    }


# The England profile's names (screens that have a profile use ``labels``).
LABELS = {
    "sin_within_5wd": "SIN within 5 working days of the LA becoming aware",
    "panel_within_15wd": "RR sent to Panel within 15 working days of the clock start",
    "lcspr_published_within_6_months": "LCSPR published within 6 months of its initiation",
}


@dataclass(frozen=True)
class Figure:
    total: int
    met: int
    pending: int
    median_wd: float | None
    missed: int = 0
    paused: int = 0

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


def is_paused(record: CaseRecord) -> bool:
    """Whether the review is paused for parallel proceedings (reported apart).

    A pause with no end date (issue 9 §5).
    """
    return record.active_pause is not None


Pair = tuple[date, date | None, bool]  # start, end (None: not recorded), paused


def _figure(
    pairs: Iterable[Pair],
    deadline: Callable[[date], date],
    between: Callable[[date, date], int],
    today: date | None,
) -> Figure:
    total = met = pending = missed = paused = 0
    spans: list[int] = []
    for start, end, is_paused_now in pairs:
        if end is None:
            if is_paused_now:
                paused += 1
            elif today is not None and today > deadline(start):
                missed += 1
            else:
                pending += 1
            continue
        total += 1
        spans.append(between(start, end))
        if end <= deadline(start):
            met += 1
    return Figure(total, met, pending, float(median(spans)) if spans else None, missed, paused)


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


def _clock_start(record: CaseRecord, profile: Profile) -> date | None:
    for anchor in profile.clock_anchors:
        on = record.done.get(anchor)
        if on is not None:
            return on
    return None


def lcspr_initiated(record: CaseRecord) -> date | None:
    """When an LCSPR was initiated: its recorded date, by default the meeting's."""
    if record.decision != "lcspr":
        return None
    return record.done.get("lcspr_initiated") or record.done.get("rr_meeting")


def figures(
    records: Sequence[CaseRecord],
    profile: Profile,
    period: Period,
    today: date | None = None,
    by: str = "start",
) -> dict[str, Figure]:
    """The measures for the cases that ``by`` puts in ``period``.

    With ``by="start"`` a case counts in the period of the measure's own
    starting event; otherwise every measure of a case counts in the period of
    its SIN date (``notification``) or its incident date (``incident``), and a
    case without that date counts in none. The working days are always counted
    from the measure's own starting event. The Panel and LCSPR measures leave
    out notification-only cases (no rapid review is run for them). Without
    ``today`` nothing is counted as missed (everything unrecorded is pending).
    """
    if by not in ASSIGN_BY:
        raise ValueError(f"unknown assignment {by!r}")
    calendar = profile.calendar
    sin_wd = profile.rule_wd("sin_submitted", "incident_aware") or 5
    clock_wd = profile.clock_wd or 15
    sin: list[Pair] = []
    panel: list[Pair] = []
    published: list[Pair] = []

    def counted(r: CaseRecord, start: date) -> bool:
        when = assigned_on(r, start, by)
        return when is not None and when in period

    for r in records:
        aware = r.done.get("incident_aware")
        if aware is not None and counted(r, aware):
            sin.append((aware, r.done.get("sin_submitted"), False))
        if r.notification_only:
            continue
        start = _clock_start(r, profile)
        if start is not None and counted(r, start):
            panel.append((start, r.done.get("panel_notified"), False))
        initiated = lcspr_initiated(r)
        if initiated is not None and counted(r, initiated):
            published.append((initiated, r.done.get("published"), is_paused(r)))
    between = calendar.working_days_between
    return {
        "sin_within_5wd": _figure(sin, lambda d: calendar.add(d, sin_wd), between, today),
        "panel_within_15wd": _figure(panel, lambda d: calendar.add(d, clock_wd), between, today),
        "lcspr_published_within_6_months": _figure(
            published, lambda d: add_calendar_months(d, PUBLICATION_MONTHS), between, today
        ),
    }


def counts(records: Sequence[CaseRecord], period: Period) -> dict[str, object]:
    """How many of each event fell in the period: SINs, RRs sent, decisions by kind, ..."""
    sins = sent = national = initiated = published = 0
    decisions: dict[str, int] = {}
    for r in records:
        done = r.done
        if (d := done.get("sin_submitted")) is not None and d in period:
            sins += 1
        if (d := done.get("panel_notified")) is not None and d in period:
            sent += 1
        meeting = done.get("rr_meeting")
        if meeting is not None and meeting in period:
            if r.decision:
                decisions[r.decision] = decisions.get(r.decision, 0) + 1
            # Referred to the Panel as possibly national: with any local decision, or none.
            if r.national_referral:
                national += 1
        start = lcspr_initiated(r)
        if start is not None and start in period:
            initiated += 1
        if r.decision == "lcspr" and (d := done.get("published")) is not None and d in period:
            published += 1
    return {
        "sins": sins,
        "rapid_reviews_sent": sent,
        "decisions": dict(sorted(decisions.items())),
        "national_referrals": national,
        "lcspr_initiated": initiated,
        "lcspr_published": published,
    }


def counts_summary(c: dict[str, object], sep: str = "; ") -> str:
    """The period's counts in words, as the report command and the report screen say them."""
    decided = c["decisions"]
    kinds = (
        ", ".join(f"{DECISIONS.get(k, k)} {n}" for k, n in decided.items())
        if isinstance(decided, dict)
        else ""
    )
    return sep.join(
        (
            f"{c['sins']} SINs",
            f"{c['rapid_reviews_sent']} rapid reviews sent to the Panel",
            f"decisions: {kinds or 'none'}",
            f"{c['national_referrals']} national referrals",
            f"{c['lcspr_initiated']} LCSPRs initiated",
            f"{c['lcspr_published']} published",
        )
    )


def by_quarter(
    records: Sequence[CaseRecord],
    profile: Profile,
    period: Period,
    today: date | None = None,
    by: str = "start",
) -> list[tuple[Period, dict[str, Figure]]]:
    return [(q, figures(records, profile, q, today, by)) for q in quarters(period)]
