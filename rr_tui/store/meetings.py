"""The Rapid Review meeting with its immediate actions, the Panel record, the sign-offs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rr_tui import lengths
from rr_tui.errors import ConflictError, InputError, field_error
from rr_tui.models import Meeting, MeetingAction, PanelContact, SignOff
from rr_tui.records import (
    CAPACITIES,
    MEETING_TEXT,
    PARTNERS,
    ActionRecord,
    MeetingRecord,
    SignOffRecord,
)
from rr_tui.rules.schedule import RECONSIDER_OUTCOMES
from rr_tui.sanitize import clean_text
from rr_tui.store.cleaning import checked_text, clean_actions, raise_if, required_line
from rr_tui.store.core import StoreCore
from rr_tui.validation import (
    check_decision,
    check_national_referral,
    check_panel_outcome,
    check_reconsideration_outcome,
    check_text,
)

RECONSIDERATION = "reconsideration"  # the step of the partnership's answer to the Panel
# The Panel record's free-text columns, with their labels.
PANEL_TEXT = {
    "notification_notes": "Notification notes",
    "response_notes": "Response notes",
    "reconsideration_notes": "Reconsideration notes",
}


def new_panel_row(case_id: int) -> PanelContact:
    """A Panel record with every text empty (so the audit entry holds what is stored)."""
    return PanelContact(
        case_id=case_id,
        notification_notes="",
        outcome="",
        response_notes="",
        reconsideration_outcome="",
        reconsideration_notes="",
    )


def check_reconsidered(session: Session, case_id: int) -> None:
    """A reconsideration's answer follows a Panel challenge or request for more information."""
    outcome = session.scalar(select(PanelContact.outcome).where(PanelContact.case_id == case_id))
    if outcome not in RECONSIDER_OUTCOMES:
        raise field_error(
            RECONSIDERATION,
            "Reconsideration",
            "recorded only after the Panel challenges or asks for more information; "
            "record the Panel's response first",
        )


class MeetingStore(StoreCore):
    """The meeting, the Panel notification and response, and the partners' sign-offs."""

    def record_meeting(
        self,
        case_id: int,
        expected_version: int,
        held_on: date | None,
        meeting: MeetingRecord,
    ) -> None:
        """Save the Rapid Review meeting: its date (the rr_meeting step) and record."""
        raise_if("Decision", check_decision(meeting.decision))
        raise_if(
            "Referred as possibly national", check_national_referral(meeting.national_referral)
        )
        for name, label in MEETING_TEXT.items():
            raise_if(label, check_text(getattr(meeting, name)))
        actions = clean_actions(meeting.actions)
        with self._write() as session:
            self._case(session, case_id)
            row = _case_row(session, Meeting, case_id, expected_version, "this meeting")
            created = row is None
            if row is None:
                row = Meeting(case_id=case_id)
                self._touch(session, row, new=True)
                session.add(row)
            else:
                self._touch(session, row)
            for name in MEETING_TEXT:
                setattr(row, name, clean_text(getattr(meeting, name)))
            row.decision = meeting.decision or None
            row.national_referral = meeting.national_referral
            session.flush()
            # The immediate safeguarding actions, in number order; the actions
            # of recommendations are not the meeting's.
            # A first meeting record was typed without the actions added before
            # it (``rr-tui action add``): they stay, and the typed ones follow.
            existing = [] if created else immediate_actions(session, case_id)
            self._sync_actions(session, row.id, case_id, existing, actions)
            self._set_step(session, case_id, "rr_meeting", held_on)

    def _sync_actions(
        self,
        session: Session,
        meeting_id: int,
        case_id: int,
        existing: list[MeetingAction],
        actions: Sequence[ActionRecord],
    ) -> None:
        """Make the case's immediate actions the typed ones, in order: unchanged rows
        are left alone, changed ones updated, extra ones removed, new ones numbered on."""
        for old in existing[len(actions) :]:
            session.delete(old)
        next_number = next_action_number(session, case_id)
        for index, action in enumerate(actions):
            if index < len(existing):
                target = existing[index]
                if (target.action, target.owner, target.due_on, target.done_on) == (
                    action.action,
                    action.owner,
                    action.due_on,
                    action.done_on,
                ):
                    continue
                self._touch(session, target)
            else:
                target = MeetingAction(
                    meeting_id=meeting_id, case_id=case_id, number=next_number, evidence=""
                )
                next_number += 1
                self._touch(session, target, new=True)
                session.add(target)
            target.action, target.owner = action.action, action.owner
            target.due_on, target.done_on = action.due_on, action.done_on

    def record_panel(
        self,
        case_id: int,
        expected_version: int,
        *,
        notified_on: date | None = None,
        notification_notes: str | None = None,
        response_on: date | None = None,
        outcome: str | None = None,
        response_notes: str | None = None,
        set_notified: bool = False,
        set_response: bool = False,
        reconsidered_on: date | None = None,
        reconsideration_outcome: str | None = None,
        reconsideration_notes: str | None = None,
        set_reconsidered: bool = False,
    ) -> None:
        """Save the Panel notification, its response and/or the partnership's
        answer after a reconsideration (the flags say which dates to set)."""
        if outcome is not None:
            raise_if("Outcome", check_panel_outcome(outcome))
        if reconsideration_outcome is not None:
            raise_if(
                "Reconsideration outcome", check_reconsideration_outcome(reconsideration_outcome)
            )
        with self._write() as session:
            self._case(session, case_id)
            row = _case_row(session, PanelContact, case_id, expected_version, "the Panel record")
            if row is None:
                row = new_panel_row(case_id)
                self._touch(session, row, new=True)
                session.add(row)
            else:
                self._touch(session, row)
            if notification_notes is not None:
                row.notification_notes = checked_text("Notification notes", notification_notes)
            if outcome is not None:
                row.outcome = outcome
            if response_notes is not None:
                row.response_notes = checked_text("Response notes", response_notes)
            if reconsideration_outcome is not None:
                row.reconsideration_outcome = reconsideration_outcome
            if reconsideration_notes is not None:
                row.reconsideration_notes = checked_text(
                    PANEL_TEXT["reconsideration_notes"], reconsideration_notes
                )
            if set_reconsidered:
                self._set_step(session, case_id, RECONSIDERATION, reconsidered_on)
                if reconsidered_on is not None:
                    session.flush()
                    check_reconsidered(session, case_id)
            if set_notified:
                self._set_step(session, case_id, "panel_notified", notified_on)
            if set_response:
                self._set_step(session, case_id, "panel_response", response_on)

    def record_signoffs(
        self,
        case_id: int,
        expected: dict[str, int],
        signoffs: dict[str, SignOffRecord | None],
    ) -> None:
        """Save the partners' sign-offs: a record for each partner given, None to withdraw.

        ``expected`` holds, per partner, the version the form showed (0: none);
        a partner someone else signed or changed since is a ConflictError.
        """
        cleaned: dict[str, SignOffRecord | None] = {}
        for partner, entry in signoffs.items():
            if partner not in PARTNERS:
                raise InputError("Partner: not one of the safeguarding partners")
            if entry is None:
                cleaned[partner] = None
                continue
            label = PARTNERS[partner]
            if entry.capacity not in CAPACITIES:
                raise InputError(f"{label} capacity: lead or delegated")
            cleaned[partner] = replace(
                entry,
                partner=partner,
                name=required_line(
                    f"{label} name", entry.name, lengths.SIGNATORY, f"{partner}-name"
                ),
                role=required_line(
                    f"{label} role", entry.role, lengths.SIGNATORY, f"{partner}-role"
                ),
                organisation=required_line(
                    f"{label} organisation",
                    entry.organisation,
                    lengths.SIGNATORY,
                    f"{partner}-organisation",
                ),
            )
        with self._write() as session:
            self._case(session, case_id)
            rows = {
                row.partner: row
                for row in session.scalars(select(SignOff).where(SignOff.case_id == case_id))
            }
            for partner, entry in cleaned.items():
                row = rows.get(partner)
                if (row.version if row is not None else 0) != expected.get(partner, 0):
                    raise ConflictError(
                        f"someone else changed the {PARTNERS[partner].lower()} sign-off "
                        "since you opened it"
                    )
                if entry is None:
                    if row is not None:
                        session.delete(row)
                    continue
                values = {
                    "capacity": entry.capacity,
                    "name": entry.name,
                    "role": entry.role,
                    "organisation": entry.organisation,
                    "signed_on": entry.signed_on,
                }
                if row is None:
                    row = SignOff(case_id=case_id, partner=partner, **values)
                    self._touch(session, row, new=True)
                    session.add(row)
                elif any(getattr(row, k) != v for k, v in values.items()):
                    for key, value in values.items():
                        setattr(row, key, value)
                    self._touch(session, row)


def immediate_actions(session: Session, case_id: int) -> list[MeetingAction]:
    """The case's immediate safeguarding actions (not recommendations'), by number."""
    return list(
        session.scalars(
            select(MeetingAction)
            .where(MeetingAction.case_id == case_id, MeetingAction.recommendation_id.is_(None))
            .order_by(MeetingAction.number)
        )
    )


def next_action_number(session: Session, case_id: int) -> int:
    last = session.scalar(
        select(func.max(MeetingAction.number)).where(MeetingAction.case_id == case_id)
    )
    return (last or 0) + 1


OnePerCase = TypeVar("OnePerCase", Meeting, PanelContact)


def _case_row(
    session: Session, model: type[OnePerCase], case_id: int, expected_version: int, what: str
) -> OnePerCase | None:
    """The case's one meeting or Panel record (None: none yet), as the form saw it."""
    row = session.scalar(select(model).where(model.case_id == case_id))
    if (row.version if row is not None else 0) != expected_version:
        raise ConflictError(f"someone else saved {what} since you opened it")
    return row
