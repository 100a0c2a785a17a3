"""The case records, as SQLAlchemy 2.x typed ORM classes.

Only ``rr_tui.store`` writes through these; screens never see them (they get
the frozen dataclasses of ``rr_tui.records``). The schema is versioned by the
Alembic revisions in ``rr_tui/migrations``; a test checks the two agree.
"""

# No ``from __future__ import annotations`` here: SQLAlchemy would then read
# every ``Mapped[...]`` annotation back from its text (eval), about 7 ms of each
# command's start. The relationships name their classes in quotes (some come later).
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from rr_tui import lengths

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Tracked:
    """Who recorded a row and when, and a version for optimistic concurrency."""

    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(64))


class Case(Tracked, Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Internal pseudonymous reference: never a child's name.
    reference: Mapped[str] = mapped_column(String(lengths.REFERENCE), unique=True)
    # The local authority where the incident happened: it notifies and leads.
    lead_authority: Mapped[str] = mapped_column(String(lengths.AUTHORITY), default="")
    incident_type: Mapped[str] = mapped_column(
        String(20), default=""
    )  # death / serious_harm / other
    # Added in revision 0007: the notification.
    kind: Mapped[str] = mapped_column(
        String(20), default="rapid_review", server_default="rapid_review"
    )
    incident_date: Mapped[date | None] = mapped_column(Date)
    sin_reference: Mapped[str] = mapped_column(
        String(lengths.SIN_REFERENCE), default="", server_default=""
    )
    home_authority: Mapped[str] = mapped_column(
        String(lengths.AUTHORITY), default="", server_default=""
    )
    partners_copied_on: Mapped[date | None] = mapped_column(Date)
    owner: Mapped[str] = mapped_column(String(lengths.CASE_OWNER), default="")
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    publication_planned: Mapped[date | None] = mapped_column(Date)
    # Added in revision 0009: who receives the pre-publication copy, one a
    # line; empty for the profile's list.
    prepublication_recipients: Mapped[str] = mapped_column(Text, default="", server_default="")

    steps: Mapped[list["StepDate"]] = relationship(
        back_populates="case", cascade="all, delete-orphan"
    )
    children: Mapped[list["Child"]] = relationship(
        back_populates="case",
        cascade="all, delete-orphan",
        order_by="(Child.position, Child.id)",
    )
    agencies: Mapped[list["Agency"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Agency.id"
    )
    meeting: Mapped["Meeting | None"] = relationship(
        back_populates="case", cascade="all, delete-orphan"
    )
    panel: Mapped["PanelContact | None"] = relationship(
        back_populates="case", cascade="all, delete-orphan"
    )
    signoffs: Mapped[list["SignOff"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="SignOff.id"
    )


class Child(Tracked, Base):
    """A child the notification covers (revision 0007). Initials or a pseudonym only."""

    __tablename__ = "children"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1: the first child on the notification
    initials: Mapped[str] = mapped_column(String(lengths.CHILD_INITIALS))
    age_band: Mapped[str] = mapped_column(String(20), default="")
    sex: Mapped[str] = mapped_column(String(20), default="")
    ethnicity: Mapped[str] = mapped_column(String(20), default="")
    disability: Mapped[str] = mapped_column(String(10), default="")
    cp_plan: Mapped[bool] = mapped_column(Boolean, default=False)
    child_in_need: Mapped[bool] = mapped_column(Boolean, default=False)
    looked_after: Mapped[bool] = mapped_column(Boolean, default=False)
    care_leaver: Mapped[bool] = mapped_column(Boolean, default=False)

    case: Mapped["Case"] = relationship(back_populates="children")


# References that differ only in case are the same case (revision 0006).
Index("uq_cases_reference_nocase", func.upper(Case.reference), unique=True)


class StepDate(Tracked, Base):
    """The date a case-level step happened."""

    __tablename__ = "step_dates"
    __table_args__ = (UniqueConstraint("case_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[str] = mapped_column(String(lengths.STEP_ID))
    done_on: Mapped[date] = mapped_column(Date)

    case: Mapped["Case"] = relationship(back_populates="steps")


class Agency(Tracked, Base):
    """An agency involved in a case, its scoping request and its return."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(lengths.AGENCY))
    request_sent: Mapped[date | None] = mapped_column(Date)
    timescale_wd: Mapped[int | None] = mapped_column(Integer)  # None: the profile's default
    received_on: Mapped[date | None] = mapped_column(Date)
    records_secured: Mapped[bool] = mapped_column(Boolean, default=False)
    nil_return: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")

    case: Mapped["Case"] = relationship(back_populates="agencies")
    chasers: Mapped[list["Chaser"]] = relationship(
        back_populates="agency", cascade="all, delete-orphan", order_by="Chaser.sent_on"
    )


class Chaser(Tracked, Base):
    __tablename__ = "chasers"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agencies.id", ondelete="CASCADE"), index=True
    )
    sent_on: Mapped[date] = mapped_column(Date)

    agency: Mapped["Agency"] = relationship(back_populates="chasers")


class Meeting(Tracked, Base):
    """The Rapid Review meeting; its date is the case's ``rr_meeting`` step."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    attendees: Mapped[str] = mapped_column(Text, default="")
    facts_summary: Mapped[str] = mapped_column(Text, default="")
    learning: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str | None] = mapped_column(String(30))
    rationale: Mapped[str] = mapped_column(Text, default="")
    # Added in revision 0002, for the rapid review pack.
    practice_episodes: Mapped[str] = mapped_column(Text, default="", server_default="")
    family_context: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Added in revision 0004, for the pack's sections (rr_tui.pack).
    siblings_safety: Mapped[str] = mapped_column(Text, default="", server_default="")
    voice: Mapped[str] = mapped_column(Text, default="", server_default="")
    identity: Mapped[str] = mapped_column(Text, default="", server_default="")
    good_practice: Mapped[str] = mapped_column(Text, default="", server_default="")
    learning_sharing: Mapped[str] = mapped_column(Text, default="", server_default="")
    national_reasoning: Mapped[str] = mapped_column(Text, default="", server_default="")
    parallel_proceedings: Mapped[str] = mapped_column(Text, default="", server_default="")
    family_involvement: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Added in revision 0009: referred to the Panel as possibly national, a
    # yes/no beside the local decision (None: not recorded).
    national_referral: Mapped[bool | None] = mapped_column(Boolean)

    case: Mapped["Case"] = relationship(back_populates="meeting")
    actions: Mapped[list["MeetingAction"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingAction.id"
    )


class MeetingAction(Tracked, Base):
    """An action tracked to completion: an immediate safeguarding action agreed
    at the meeting (``recommendation_id`` empty), or an action of a review's
    recommendation.

    Numbered per case (1, 2, ...) so a coordinator can name one on the command
    line. Revision 0008 added ``case_id``, ``number``, ``evidence`` and
    ``recommendation_id``; ``meeting_id`` is kept for older rows and set when
    the case has a meeting, but the case is the link that counts.
    """

    __tablename__ = "meeting_actions"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(lengths.ACTION_OWNER), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # The evidence that an immediate action was done, or the assurance note of
    # a recommendation's action.
    evidence: Mapped[str] = mapped_column(Text, default="", server_default="")
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )

    meeting: Mapped["Meeting | None"] = relationship(back_populates="actions")


class Recommendation(Tracked, Base):
    """A recommendation of a review; its actions are ``MeetingAction`` rows."""

    __tablename__ = "recommendations"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    made_on: Mapped[date | None] = mapped_column(Date)


class ReviewPause(Tracked, Base):
    """A local review paused for parallel proceedings (a trial, an inquest, ...)."""

    __tablename__ = "review_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(Text, default="")
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)


class ProgressCheck(Tracked, Base):
    """A check of the local review's time and quality (regulation 14)."""

    __tablename__ = "progress_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    checked_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class PanelContact(Tracked, Base):
    """The notification to the National Panel and its response.

    The dates are the case's ``panel_notified`` and ``panel_response`` steps;
    this row holds what was said. Separate from the case row so that one
    coordinator can record the Panel while another edits the case.
    """

    __tablename__ = "panel_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    notification_notes: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(30), default="")
    response_notes: Mapped[str] = mapped_column(Text, default="")
    # Added in revision 0009: the partnership's answer after a challenge or a
    # request for more information (its date is the ``reconsideration`` step).
    reconsideration_outcome: Mapped[str] = mapped_column(String(30), default="", server_default="")
    reconsideration_notes: Mapped[str] = mapped_column(Text, default="", server_default="")

    case: Mapped["Case"] = relationship(back_populates="panel")


class SignOff(Tracked, Base):
    """One safeguarding partner's sign-off of the rapid review (revision 0004).

    One row per partner (local authority, police, health) and case; the
    signatory is the lead safeguarding partner or their delegate.
    """

    __tablename__ = "signoffs"
    __table_args__ = (UniqueConstraint("case_id", "partner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    partner: Mapped[str] = mapped_column(String(20))  # rr_tui.records.PARTNERS
    capacity: Mapped[str] = mapped_column(String(20))  # lead / delegated
    name: Mapped[str] = mapped_column(String(lengths.SIGNATORY))
    role: Mapped[str] = mapped_column(String(lengths.SIGNATORY))
    organisation: Mapped[str] = mapped_column(String(lengths.SIGNATORY))
    signed_on: Mapped[date] = mapped_column(Date)

    case: Mapped["Case"] = relationship(back_populates="signoffs")


class CaseOrder(Base):
    """Where each case comes in the triage order: the due date of its next step.

    Derived data, kept by the store in the same transaction as every change to
    a case, so the list can read its first screenful in order without computing
    every schedule. ``schedule_key`` names the profile and calendar it was
    worked out with; a row with another key is stale and is not trusted. Not
    audited: it holds nothing a coordinator typed.

    What must change together (``rr_tui/rules/triage.py`` says it in full):
    ``next_due`` is ``schedule.next_due`` (``CaseSchedule.first_due``), and the
    first page sorts these rows with ``triage.order_by_sql``, written from the
    same ``RAG_ORDER`` and ``STATE_RULES`` as the list's ``triage.urgency``.
    ``tests/test_case_order.py`` fails when either side changes alone
    (``test_triage_order_of_open_cases_is_next_due_then_reference`` runs the
    SQL on SQLite against ``urgency``; ``test_the_stored_order_sql_ranks_each_
    state_as_the_list_does`` checks each rule's SQL against its Python).

    No foreign key to ``cases``, on purpose: on PostgreSQL its check would
    take a share lock on the case row after the audit trail's lock, the
    opposite order to a writer holding the case row and waiting for the
    audit lock, and the two would deadlock. Every read joins ``cases``.
    """

    __tablename__ = "case_order"

    case_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    next_due: Mapped[date | None] = mapped_column(Date, index=True)
    schedule_key: Mapped[str] = mapped_column(String(64))


class AuditEntry(Base):
    """Append-only, hash-chained record of every change."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(10))  # create / update / delete
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    old: Mapped[str] = mapped_column(Text, default="")  # JSON
    new: Mapped[str] = mapped_column(Text, default="")  # JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # The entry's number in the chain (1, 2, ...) and the fingerprint of the
    # audit key that seals it (None: a plain SHA-256 entry from before 0005).
    seq: Mapped[int | None] = mapped_column(Integer, index=True, unique=True)
    key_id: Mapped[str | None] = mapped_column(String(16))
    # "UTC": ``at`` is UTC (every entry from revision 0010 on). None: ``at`` is
    # the local time an older rr-tui wrote, read as Europe/London time.
    zone: Mapped[str | None] = mapped_column(String(40))
