"""Reading cases into the frozen records of ``rr_tui.records``, in few queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Column, String, Table, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import ReadOnlyColumnCollection

from rr_tui.models import (
    Agency,
    Base,
    Case,
    Chaser,
    Child,
    Meeting,
    MeetingAction,
    PanelContact,
    ProgressCheck,
    Recommendation,
    ReviewPause,
    SignOff,
    StepDate,
)
from rr_tui.records import (
    AGENCY_ROW,
    CASE_ROW,
    CHILD_FIELDS,
    MEETING_TEXT,
    PARTNERS,
    ActionRecord,
    AgencyRecord,
    CaseRecord,
    ChildFields,
    ChildRecord,
    MeetingRecord,
    PanelRecord,
    PauseRecord,
    ProgressCheckRecord,
    RecommendationRecord,
    SignOffRecord,
    TrackedAction,
    agency_record,
    case_record,
)
from rr_tui.store.failures import stored_date

T = TypeVar("T")


def columns(model: type[Base]) -> ReadOnlyColumnCollection[str, Column[Any]]:
    """A model's table columns, for Core queries.

    Selecting ``Case.id`` (the mapped attribute) sends a query through the ORM's
    compile step, and the first such query configures every mapper (about 40 ms
    of a 10,000-case ``status``); the table's own columns give the same rows.
    """
    table = model.__table__
    assert isinstance(table, Table)
    found: ReadOnlyColumnCollection[str, Column[Any]] = table.c
    return found


def child_record(row: Child) -> ChildRecord:
    return ChildRecord(
        row.id,
        row.version,
        row.position,
        ChildFields(**{name: getattr(row, name) for name in CHILD_FIELDS}),
    )


# The case columns whose text recurs from case to case (load_cases shares them).
_RECURRING = tuple(CASE_ROW.index(name) for name in ("kind", "owner", "status", "updated_by"))


def load_cases(
    session: Session,
    include_closed: bool,
    *,
    case_ids: Collection[int] | None = None,
    full: bool = False,
) -> list[CaseRecord]:
    """Cases with the facts their schedules need: all of them, or those in ``case_ids``.

    ``full`` (for one case) adds the meeting and Panel records the case screen shows.
    """
    return map_cases(session, include_closed, _itself, case_ids=case_ids, full=full)


def _itself(record: CaseRecord) -> CaseRecord:
    return record


def map_cases(
    session: Session,
    include_closed: bool,
    each: Callable[[CaseRecord], T],
    *,
    case_ids: Collection[int] | None = None,
    full: bool = False,
) -> list[T]:
    """What ``each`` makes of every case ``load_cases`` reads, in the same order.

    Each record is handed over as soon as it is made and kept only if ``each``
    keeps it: a caller that needs less than the records (the case list's rows)
    never holds ten thousand of them at once.
    """
    case = columns(Case)
    case_q = select(*(case[name] for name in CASE_ROW))
    if case_ids is not None:
        case_q = case_q.where(case.id.in_(case_ids))
    elif not include_closed:
        case_q = case_q.where(case.status != "closed")
    # Column queries go straight to Core: the ORM's result machinery costs a
    # third of the time for 10,000 cases and gives nothing for plain tuples.
    # ``all()`` fetches in C (``fetchall``): iterating a result fetches row by row.
    connection = session.connection()

    def rows_of(query: Any) -> Sequence[Any]:
        return connection.execute(query).all()

    def restrict(query: Any, column: Any) -> Any:
        if case_ids is not None:
            return query.where(column.in_(case_ids))
        if not include_closed:
            return query.join(Case.__table__, case.id == column).where(case.status != "closed")
        return query

    done: dict[int, dict[str, date]] = defaultdict(dict)
    # Step dates are the biggest table: read them as text and parse with the C
    # ``date.fromisoformat`` rather than SQLAlchemy's per-row date processing.
    # (SQLite stores ISO text; PostgreSQL's driver still hands back dates.)
    step_date = columns(StepDate)
    step_dates = select(
        step_date.case_id, step_date.step_id, type_coerce(step_date.done_on, String)
    )
    # Each step id is one shared string, not one per row read (tens of thousands).
    step_ids: dict[str, str] = {}
    # And each date one shared object, not one per row (cases share most dates).
    dates: dict[Any, date] = {}
    # Fetched a few thousand at a time (still in C): all of them at once, the
    # biggest table's rows were the TUI's peak memory.
    step_result = connection.execute(restrict(step_dates, step_date.case_id))
    for part in step_result.partitions(4096):
        for cid, step_id, on in part:
            step = step_ids.setdefault(step_id, step_id)
            when = dates.get(on)
            if when is None:
                when = dates[on] = on if isinstance(on, date) else stored_date(on)
            done[cid][step] = when
    del dates, step_ids

    # The chase list reads chasers from the whole list, not only from one case.
    chaser, agency = columns(Chaser), columns(Agency)
    chasers: dict[int, list[date]] = defaultdict(list)
    for agency_id, sent_on in rows_of(
        restrict(
            select(chaser.agency_id, chaser.sent_on)
            .join(Agency.__table__, agency.id == chaser.agency_id)
            .order_by(chaser.sent_on),
            agency.case_id,
        )
    ):
        chasers[agency_id].append(sent_on)

    agencies: dict[int, list[AgencyRecord]] = defaultdict(list)
    agency_q = select(*(agency[name] for name in AGENCY_ROW)).order_by(agency.id)
    for row in rows_of(restrict(agency_q, agency.case_id)):
        agencies[row.case_id].append(agency_record(row, tuple(chasers[row.id])))

    child = columns(Child)
    initials: dict[int, list[str]] = defaultdict(list)
    for cid, name in rows_of(
        restrict(
            select(child.case_id, child.initials).order_by(child.position, child.id),
            child.case_id,
        )
    ):
        initials[cid].append(name)
    extras = _load_lifecycle(rows_of, restrict)

    decisions: dict[int, str | None] = {}
    national: dict[int, bool | None] = {}
    outcomes: dict[int, str] = {}
    meetings: dict[int, MeetingRecord] = {}
    panels: dict[int, PanelRecord] = {}
    signoffs: dict[int, tuple[SignOffRecord, ...]] = {}
    children: tuple[ChildRecord, ...] = ()
    if full:
        case_id = next(iter(case_ids or ()))  # full: one case (``Store.get_case``)
        children = tuple(
            child_record(c)
            for c in session.scalars(
                select(Child).where(Child.case_id == case_id).order_by(Child.position, Child.id)
            )
        )
        meeting = session.scalar(select(Meeting).where(Meeting.case_id == case_id))
        # The immediate safeguarding actions are the meeting's, even those added
        # (rr-tui action add) before the meeting was recorded.
        immediate = tuple(
            ActionRecord(a.text, a.owner, a.due_on, a.done_on)
            for a in extras.actions.get(case_id, ())
            if a.recommendation is None
        )
        if meeting is not None:
            meetings[meeting.case_id] = MeetingRecord(
                version=meeting.version,
                decision=meeting.decision,
                actions=immediate,
                national_referral=meeting.national_referral,
                **{name: getattr(meeting, name) for name in MEETING_TEXT},
            )
            decisions[meeting.case_id] = meeting.decision
            national[meeting.case_id] = meeting.national_referral
        elif immediate:
            meetings[case_id] = MeetingRecord(actions=immediate)
        panel = session.scalar(select(PanelContact).where(PanelContact.case_id == case_id))
        if panel is not None:
            panels[panel.case_id] = PanelRecord(
                panel.version,
                panel.notification_notes,
                panel.outcome,
                panel.response_notes,
                panel.reconsideration_outcome,
                panel.reconsideration_notes,
            )
            outcomes[panel.case_id] = panel.outcome
        order = list(PARTNERS)
        signoffs[case_id] = tuple(
            sorted(
                (
                    SignOffRecord(
                        s.partner,
                        s.name,
                        s.role,
                        s.organisation,
                        s.signed_on,
                        s.capacity,
                        s.version,
                    )
                    for s in session.scalars(select(SignOff).where(SignOff.case_id == case_id))
                ),
                key=lambda s: order.index(s.partner) if s.partner in order else len(order),
            )
        )
    else:
        meeting_c, panel_c = columns(Meeting), columns(PanelContact)
        for cid, decision, referral in rows_of(
            restrict(
                select(meeting_c.case_id, meeting_c.decision, meeting_c.national_referral),
                meeting_c.case_id,
            )
        ):
            decisions[cid] = decision
            if referral is not None:
                national[cid] = referral
        # The Panel's response opens the reconsideration step.
        for cid, outcome in rows_of(
            restrict(
                select(panel_c.case_id, panel_c.outcome).where(panel_c.outcome != ""),
                panel_c.case_id,
            )
        ):
            outcomes[cid] = outcome

    made = []
    # The cases' own rows are read last, a thousand at a time, and each is let
    # go (with its step dates and its children's initials) as soon as its record
    # is made and handed to ``each``; the texts that recur from case to case are
    # one shared string each instead of one per case. All the rows read first,
    # then all the records, were the TUI's peak memory.
    shared: dict[str, str] = {}
    for part in connection.execute(case_q).partitions(1024):
        for row in part:
            # A plain sequence: indexing a Row costs more, ten thousand times.
            values = list(row)
            for i in _RECURRING:
                values[i] = shared.setdefault(values[i], values[i])
            cid = values[0]
            record = case_record(
                values,
                done.pop(cid, None),
                tuple(agencies.pop(cid, ())),
                decisions.get(cid),
                meetings.get(cid),
                panels.get(cid),
                tuple(initials.pop(cid, ())),
                children,
                extras=extras.of(cid),
                national_referral=national.get(cid),
                panel_outcome=outcomes.get(cid, ""),
            )
            if signoffs:
                record = replace(record, signoffs=signoffs.get(cid, ()))
            made.append(each(record))
    return made


class _Lifecycle:
    """The actions, recommendations, pauses and progress checks of the cases read."""

    def __init__(self) -> None:
        self.actions: dict[int, list[TrackedAction]] = defaultdict(list)
        self.recommendations: dict[int, list[RecommendationRecord]] = defaultdict(list)
        self.pauses: dict[int, list[PauseRecord]] = defaultdict(list)
        self.checks: dict[int, list[ProgressCheckRecord]] = defaultdict(list)

    def of(self, case_id: int) -> tuple[Any, ...]:
        if not (
            case_id in self.actions
            or case_id in self.recommendations
            or case_id in self.pauses
            or case_id in self.checks
        ):
            return ()
        return (
            tuple(self.actions.get(case_id, ())),
            tuple(self.recommendations.get(case_id, ())),
            tuple(self.pauses.get(case_id, ())),
            tuple(self.checks.get(case_id, ())),
        )


def _load_lifecycle(rows_of: Any, restrict: Any) -> _Lifecycle:
    out = _Lifecycle()
    rec_numbers: dict[int, int] = {}
    rec = columns(Recommendation)
    for rid, cid, version, number, text, made_on in rows_of(
        restrict(
            select(rec.id, rec.case_id, rec.version, rec.number, rec.text, rec.made_on).order_by(
                rec.number
            ),
            rec.case_id,
        )
    ):
        rec_numbers[rid] = number
        out.recommendations[cid].append(RecommendationRecord(rid, version, number, text, made_on))
    act = columns(MeetingAction)
    for aid, cid, version, number, text, owner, due, done, evidence, rec_id in rows_of(
        restrict(
            select(
                act.id,
                act.case_id,
                act.version,
                act.number,
                act.action,
                act.owner,
                act.due_on,
                act.done_on,
                act.evidence,
                act.recommendation_id,
            ).order_by(act.number),
            act.case_id,
        )
    ):
        out.actions[cid].append(
            TrackedAction(
                aid,
                version,
                number,
                text,
                owner,
                due,
                done,
                evidence,
                rec_numbers.get(rec_id) if rec_id is not None else None,
            )
        )
    pause = columns(ReviewPause)
    for pid, cid, version, reason, started, ended, detail in rows_of(
        restrict(
            select(
                pause.id,
                pause.case_id,
                pause.version,
                pause.reason,
                pause.started_on,
                pause.ended_on,
                pause.detail,
            ).order_by(pause.started_on, pause.id),
            pause.case_id,
        )
    ):
        out.pauses[cid].append(PauseRecord(pid, version, reason, started, ended, detail))
    check = columns(ProgressCheck)
    for kid, cid, version, checked, note in rows_of(
        restrict(
            select(check.id, check.case_id, check.version, check.checked_on, check.note).order_by(
                check.checked_on, check.id
            ),
            check.case_id,
        )
    ):
        out.checks[cid].append(ProgressCheckRecord(kid, version, checked, note))
    return out
