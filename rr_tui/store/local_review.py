"""What follows the meeting: actions, recommendations, progress checks and pauses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rr_tui import lengths
from rr_tui.errors import ConflictError, InputError, NotFoundError
from rr_tui.models import Meeting, MeetingAction, ProgressCheck, Recommendation, ReviewPause
from rr_tui.records import PAUSE_REASONS
from rr_tui.reports.digest import DueAction
from rr_tui.store.cleaning import checked_text, one_line, raise_if, required_line
from rr_tui.store.core import UNCHECKED, StoreCore
from rr_tui.store.meetings import next_action_number
from rr_tui.validation import check_line


class LocalReviewStore(StoreCore):
    """Actions and recommendations, and the local review's progress checks and pauses."""

    def due_actions(self) -> list[DueAction]:
        """Meeting actions not yet done that have a due date (for ``rr-tui digest``)."""

        def load(session: Session) -> list[DueAction]:
            rows = session.execute(
                select(
                    Meeting.case_id,
                    MeetingAction.owner,
                    MeetingAction.due_on,
                    MeetingAction.done_on,
                )
                .join(Meeting, MeetingAction.meeting_id == Meeting.id)
                .order_by(Meeting.case_id, MeetingAction.id)
            )
            out: list[DueAction] = []
            numbers: dict[int, int] = defaultdict(int)
            for case_id, owner, due_on, done_on in rows:
                numbers[case_id] += 1
                if due_on is not None and done_on is None:
                    out.append(DueAction(case_id, numbers[case_id], owner or "", due_on))
            return out

        return self._read(load)

    def add_action(
        self,
        case_id: int,
        text: str,
        *,
        owner: str = "",
        due_on: date | None = None,
        recommendation: int | None = None,
        evidence: str = "",
    ) -> int:
        """Add an action (immediate, or of recommendation number ``recommendation``).

        Returns its number, unique within the case.
        """
        text = required_line("Action", text, lengths.ACTION, "text")
        owner = one_line("Owner", owner, lengths.ACTION_OWNER, "owner")
        evidence = checked_text("Evidence", evidence, "evidence")
        with self._write() as session:
            self._case(session, case_id)
            rec_id = None
            if recommendation is not None:
                rec_id = _recommendation_id(session, case_id, recommendation)
            number = next_action_number(session, case_id)
            meeting = session.scalar(select(Meeting).where(Meeting.case_id == case_id))
            row = MeetingAction(
                case_id=case_id,
                number=number,
                action=text,
                owner=owner,
                due_on=due_on,
                done_on=None,
                evidence=evidence,
                recommendation_id=rec_id,
                meeting_id=meeting.id if meeting is not None and rec_id is None else None,
            )
            self._touch(session, row, new=True)
            session.add(row)
            if meeting is not None and rec_id is None:
                # The meeting form edits the immediate actions as a whole: make
                # a form opened before this addition see a conflict, not drop it.
                self._touch(session, meeting)
        return number

    def update_action(
        self,
        case_id: int,
        number: int,
        expected_version: int | None,
        *,
        text: str | None = None,
        owner: str | None = None,
        due_on: date | object | None = UNCHECKED,
        done_on: date | object | None = UNCHECKED,
        evidence: str | None = None,
    ) -> None:
        """Change an action; ``expected_version`` None skips the conflict check (the CLI)."""
        if text is not None:
            text = required_line("Action", text, lengths.ACTION, "text")
        if owner is not None:
            owner = one_line("Owner", owner, lengths.ACTION_OWNER, "owner")
        if evidence is not None:
            evidence = checked_text("Evidence", evidence, "evidence")
        with self._write() as session:
            self._case(session, case_id)
            row = session.scalar(
                select(MeetingAction).where(
                    MeetingAction.case_id == case_id, MeetingAction.number == number
                )
            )
            if row is None:
                raise NotFoundError(f"the case has no action {number}")
            if expected_version is not None and row.version != expected_version:
                raise ConflictError("someone else saved this action since you opened it")
            if text is not None:
                row.action = text
            if owner is not None:
                row.owner = owner
            if due_on is not UNCHECKED:
                row.due_on = due_on  # type: ignore[assignment]
            if done_on is not UNCHECKED:
                row.done_on = done_on  # type: ignore[assignment]
            if evidence is not None:
                row.evidence = evidence
            if session.is_modified(row):
                self._touch(session, row)
                if row.meeting_id is not None and row.recommendation_id is None:
                    meeting = session.get(Meeting, row.meeting_id)
                    if meeting is not None:
                        self._touch(session, meeting)

    def complete_action(
        self,
        case_id: int,
        number: int,
        done_on: date | None,
        *,
        evidence: str | None = None,
        expected_version: int | None = None,
    ) -> None:
        """Record the date an action was done (None: not done after all)."""
        self.update_action(case_id, number, expected_version, done_on=done_on, evidence=evidence)

    def add_recommendation(
        self,
        case_id: int,
        text: str,
        made_on: date | None,
        actions: Sequence[tuple[str, str, date | None]] = (),
    ) -> int:
        """A review's recommendation with its actions (text, owner, due); returns its number."""
        text = checked_text("Recommendation", text, "text")
        raise_if(
            "Recommendation",
            check_line(text.strip(), lengths.RECOMMENDATION, required=True),
            "text",
        )
        cleaned = [
            (
                required_line("Action", t, lengths.ACTION, "actions"),
                one_line("Owner", o, lengths.ACTION_OWNER, "actions"),
                due,
            )
            for t, o, due in actions
        ]
        with self._write() as session:
            self._case(session, case_id)
            last = session.scalar(
                select(func.max(Recommendation.number)).where(Recommendation.case_id == case_id)
            )
            number = (last or 0) + 1
            rec = Recommendation(case_id=case_id, number=number, text=text, made_on=made_on)
            self._touch(session, rec, new=True)
            session.add(rec)
            session.flush()
            action_number = next_action_number(session, case_id)
            for t, o, due in cleaned:
                row = MeetingAction(
                    case_id=case_id,
                    number=action_number,
                    action=t,
                    owner=o,
                    due_on=due,
                    done_on=None,
                    evidence="",
                    recommendation_id=rec.id,
                    meeting_id=None,
                )
                action_number += 1
                self._touch(session, row, new=True)
                session.add(row)
        return number

    def add_progress_check(self, case_id: int, checked_on: date, note: str = "") -> None:
        """A regulation 14 check of the local review's time and quality."""
        note = checked_text("Note", note, "note")
        with self._write() as session:
            self._case(session, case_id)
            row = ProgressCheck(case_id=case_id, checked_on=checked_on, note=note)
            self._touch(session, row, new=True)
            session.add(row)

    def start_pause(self, case_id: int, reason: str, started_on: date, detail: str = "") -> None:
        """Pause the local review for parallel proceedings (one pause at a time)."""
        if reason not in PAUSE_REASONS:
            raise InputError(f"Reason: one of {', '.join(PAUSE_REASONS)}")
        detail = checked_text("Detail", detail, "detail")
        with self._write() as session:
            self._case(session, case_id)
            running = session.scalar(
                select(ReviewPause).where(
                    ReviewPause.case_id == case_id, ReviewPause.ended_on.is_(None)
                )
            )
            if running is not None:
                raise InputError(
                    "Reason: the review is already paused (since "
                    f"{running.started_on.isoformat()}); end that pause first"
                )
            row = ReviewPause(case_id=case_id, reason=reason, detail=detail, started_on=started_on)
            self._touch(session, row, new=True)
            session.add(row)

    def end_pause(self, case_id: int, ended_on: date) -> None:
        """End the running pause on ``ended_on``."""
        with self._write() as session:
            self._case(session, case_id)
            running = session.scalar(
                select(ReviewPause).where(
                    ReviewPause.case_id == case_id, ReviewPause.ended_on.is_(None)
                )
            )
            if running is None:
                raise NotFoundError("the review is not paused")
            if ended_on < running.started_on:
                raise InputError(
                    f"End date: before the pause started ({running.started_on.isoformat()})"
                )
            running.ended_on = ended_on
            self._touch(session, running)


def _recommendation_id(session: Session, case_id: int, number: int) -> int:
    found = session.scalar(
        select(Recommendation.id).where(
            Recommendation.case_id == case_id, Recommendation.number == number
        )
    )
    if found is None:
        raise NotFoundError(f"the case has no recommendation {number}")
    return found
