"""Plain frozen records that the store hands out: no ORM objects leave it.

Screens, the CLI and reports work on these; they are safe to pass between
threads and never touch the database by accident.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from rr_tui.rules.lifecycle import ActionFacts, PauseFacts
from rr_tui.rules.schedule import AgencyFacts, CaseFacts

PANEL_OUTCOMES: dict[str, str] = {
    "agrees": "Agrees with the recommendation",
    "challenges": "Challenges the recommendation",
    "more_information": "Asks for more information",
    "national_review": "Takes a national review",
    "national_thematic": "Includes it in a national thematic review",
}
# What the partnership's answer was, after a Panel response that opens the
# reconsideration step (``schedule.RECONSIDER_OUTCOMES``).
RECONSIDERATION_OUTCOMES: dict[str, str] = {
    "maintained": "Decision maintained",
    "changed": "Decision changed",
}
# The national referral (a yes/no beside the decision), as forms and files say it.
YES_NO: dict[str, str] = {"yes": "Yes", "no": "No"}


def yes_no(value: bool | None) -> str:
    """ "yes", "no", or "" for not recorded."""
    return "" if value is None else "yes" if value else "no"


def from_yes_no(word: str) -> bool | None:
    """True for yes, False for no, None for blank; ValueError otherwise."""
    found = {"": None, "yes": True, "y": True, "no": False, "n": False}
    key = word.strip().lower()
    if key not in found:
        raise ValueError("is yes, no or blank")
    return found[key]


# The nature of the incident, as DfE's serious incident notification statistics count it.
INCIDENT_TYPES: dict[str, str] = {
    "death": "Death",
    "serious_harm": "Serious harm",
    "other": "Other",
}
STATUSES: dict[str, str] = {"open": "Open", "closed": "Closed"}
# The three statutory safeguarding partners who sign the rapid review off.
PARTNERS: dict[str, str] = {
    "local_authority": "Local authority",
    "police": "Police",
    "health": "Health",
}
# Who signed for a partner: its lead safeguarding partner, or a delegate.
CAPACITIES: dict[str, str] = {
    "lead": "Lead safeguarding partner",
    "delegated": "Delegated safeguarding partner",
}
# What was notified. Only a rapid review runs the full clock; the other two are
# notifications only: they show the SIN step and close when it is done, unless
# converted to a rapid review (every date is kept).
NOTIFICATION_KINDS: dict[str, str] = {
    "rapid_review": "Rapid review",
    "lac_death": "Looked-after child death (no abuse or neglect suspected)",
    "care_leaver_death": "Care leaver death (up to and including 24)",
}
RAPID_REVIEW = "rapid_review"
# Age bands of DfE's "Serious incident notifications" statistics (reporting year
# 2026 release), plus unborn and unknown; see docs/decisions.md.
AGE_BANDS: dict[str, str] = {
    "unborn": "Unborn",
    "under_1": "Under 1",
    "1_to_5": "1 to 5",
    "6_to_10": "6 to 10",
    "11_to_15": "11 to 15",
    "16_plus": "16 and over",
    "unknown": "Unknown",
}
# Bands of rr-tui before revision 0007 that straddle two DfE bands: kept on the
# children they were recorded for (nothing is guessed), offered again only there.
EARLIER_AGE_BANDS: dict[str, str] = {
    "5-9": "5 to 9 (earlier band: please re-band)",
    "10-15": "10 to 15 (earlier band: please re-band)",
}
SEXES: dict[str, str] = {"female": "Female", "male": "Male", "unknown": "Unknown"}
# DfE's main ethnic groups (as in the children in need and SIN statistics).
ETHNICITIES: dict[str, str] = {
    "white": "White",
    "mixed": "Mixed or multiple ethnic groups",
    "asian": "Asian or Asian British",
    "black": "Black, African, Caribbean or Black British",
    "other": "Other ethnic group",
    "refused": "Refused",
    "not_known": "Information not yet obtained",
}
DISABILITY: dict[str, str] = {"yes": "Yes", "no": "No", "unknown": "Unknown"}
# A child's status when notified (any that apply).
CHILD_STATUSES: dict[str, str] = {
    "cp_plan": "Child protection plan",
    "child_in_need": "Child in need",
    "looked_after": "Looked after",
    "care_leaver": "Care leaver",
}

# The case fields a coordinator edits on the case form, in form order.
CASE_FIELDS: tuple[str, ...] = (
    "reference",
    "kind",
    "incident_type",
    "incident_date",
    "sin_reference",
    "lead_authority",
    "home_authority",
    "partners_copied_on",
    "owner",
    "status",
    "notes",
    "publication_planned",
    "prepublication_recipients",
)


@dataclass(frozen=True, slots=True)
class CaseFields:
    reference: str
    kind: str = RAPID_REVIEW
    incident_type: str = ""
    incident_date: date | None = None
    sin_reference: str = ""
    lead_authority: str = ""  # the local authority where the incident happened (leads)
    home_authority: str = ""  # the child's home authority, when different
    partners_copied_on: date | None = None  # the SIN copied to the local partners
    owner: str = ""
    status: str = "open"
    notes: str = ""
    publication_planned: date | None = None
    # Who receives the pre-publication copy, one a line; "" for the profile's list.
    prepublication_recipients: str = ""


# Case fields whose text keeps its line breaks.
MULTILINE_CASE_FIELDS = frozenset({"notes", "prepublication_recipients"})


# The child fields, in form order.
CHILD_FIELDS: tuple[str, ...] = (
    "initials",
    "age_band",
    "sex",
    "ethnicity",
    "disability",
    "cp_plan",
    "child_in_need",
    "looked_after",
    "care_leaver",
)


@dataclass(frozen=True, slots=True)
class ChildFields:
    """One child of a notification: never a full name, only initials or a pseudonym."""

    initials: str
    age_band: str = ""
    sex: str = ""
    ethnicity: str = ""
    disability: str = ""
    cp_plan: bool = False
    child_in_need: bool = False
    looked_after: bool = False
    care_leaver: bool = False

    @property
    def statuses(self) -> tuple[str, ...]:
        return tuple(name for name in CHILD_STATUSES if getattr(self, name))


@dataclass(frozen=True, slots=True)
class ChildRecord:
    id: int
    version: int
    position: int  # 1 for the first child named on the notification
    fields: ChildFields


@dataclass(frozen=True, slots=True)
class AgencyRecord:
    id: int
    version: int
    name: str
    request_sent: date | None = None
    timescale_wd: int | None = None
    received_on: date | None = None
    records_secured: bool = False
    nil_return: bool = False
    notes: str = ""
    chasers: tuple[date, ...] = ()

    def facts(self) -> AgencyFacts:
        return AgencyFacts(self.name, self.request_sent, self.received_on, self.timescale_wd)


@dataclass(frozen=True, slots=True)
class ActionRecord:
    action: str
    owner: str = ""
    due_on: date | None = None
    done_on: date | None = None


# Parallel proceedings that can pause a local review.
PAUSE_REASONS: dict[str, str] = {
    "criminal_proceedings": "criminal proceedings",
    "inquest": "inquest",
    "dhr_sar": "DHR/SAR",
    "family_court": "family court",
    "other": "other proceedings",
}


@dataclass(frozen=True, slots=True)
class TrackedAction:
    """An action tracked to completion: an immediate safeguarding action
    (``recommendation`` None) or an action of a review's recommendation."""

    id: int
    version: int
    number: int
    text: str
    owner: str = ""
    due_on: date | None = None
    done_on: date | None = None
    evidence: str = ""
    recommendation: int | None = None  # the recommendation's number

    def facts(self) -> ActionFacts:
        return ActionFacts(self.number, self.due_on, self.done_on, self.recommendation)


@dataclass(frozen=True, slots=True)
class RecommendationRecord:
    id: int
    version: int
    number: int
    text: str
    made_on: date | None = None


@dataclass(frozen=True, slots=True)
class PauseRecord:
    id: int
    version: int
    reason: str
    started_on: date
    ended_on: date | None = None
    detail: str = ""

    @property
    def reason_label(self) -> str:
        return PAUSE_REASONS.get(self.reason, self.reason)


@dataclass(frozen=True, slots=True)
class ProgressCheckRecord:
    id: int
    version: int
    checked_on: date
    note: str = ""


@dataclass(frozen=True, slots=True)
class MeetingRecord:
    version: int = 0  # 0: not recorded yet
    attendees: str = ""
    facts_summary: str = ""
    learning: str = ""
    decision: str | None = None
    rationale: str = ""
    actions: tuple[ActionRecord, ...] = ()
    practice_episodes: str = ""
    family_context: str = ""
    # For the pack's sections (revision 0004).
    siblings_safety: str = ""
    voice: str = ""
    identity: str = ""
    good_practice: str = ""
    learning_sharing: str = ""
    national_reasoning: str = ""
    parallel_proceedings: str = ""
    family_involvement: str = ""
    # Referred to the Panel as possibly national (None: not recorded).
    national_referral: bool | None = None


# The meeting's free-text fields, with the labels forms, errors and the pack use.
MEETING_TEXT: dict[str, str] = {
    "attendees": "Attendees",
    "facts_summary": "Summary of the facts",
    "practice_episodes": "Key practice episodes",
    "family_context": "The child's lived experience",
    "voice": "The child's voice, and the family's",
    "identity": "Race, culture, inequality and disability",
    "siblings_safety": "Siblings and other children: their safety",
    "learning": "Learning identified",
    "good_practice": "Good practice",
    "learning_sharing": "How the learning will be shared",
    "rationale": "Rationale, against the local-review criteria",
    "national_reasoning": "National importance: the reasoning",
    "parallel_proceedings": "Parallel proceedings",
    "family_involvement": "The family: informed and involved",
}


@dataclass(frozen=True, slots=True)
class SignOffRecord:
    """One safeguarding partner's sign-off of the rapid review."""

    partner: str  # a key of PARTNERS
    name: str
    role: str
    organisation: str
    signed_on: date
    capacity: str = "lead"  # a key of CAPACITIES
    version: int = 0  # 0: not saved yet


def missing_partners(signoffs: tuple[SignOffRecord, ...]) -> tuple[str, ...]:
    """The partners (their labels, in PARTNERS order) who have not signed off."""
    signed = {s.partner for s in signoffs}
    return tuple(label for key, label in PARTNERS.items() if key not in signed)


@dataclass(frozen=True, slots=True)
class PanelRecord:
    version: int = 0  # 0: not recorded yet
    notification_notes: str = ""
    outcome: str = ""
    response_notes: str = ""
    # The partnership's answer after a challenge or a request for more
    # information; its date is the ``reconsideration`` step.
    reconsideration_outcome: str = ""
    reconsideration_notes: str = ""


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime  # aware: shown in London time (``dates.moment_text``)
    actor: str
    action: str
    table_name: str
    summary: str
    changed: tuple[str, ...] = ()  # the stored names of the fields an update changed


@dataclass(frozen=True, slots=True)
class CaseRecord:
    id: int
    version: int
    fields: CaseFields
    done: Mapping[str, date] = field(default_factory=lambda: MappingProxyType({}))
    agencies: tuple[AgencyRecord, ...] = ()
    decision: str | None = None
    meeting: MeetingRecord | None = None
    panel: PanelRecord | None = None
    updated_at: datetime | None = None
    updated_by: str = ""
    # Read with the full record only (``Store.get_case``), in PARTNERS order.
    signoffs: tuple[SignOffRecord, ...] = ()
    # Each child's initials or pseudonym, in notification order: every load
    # has them; the full ``children`` records only the case screen's (and exports).
    child_initials: tuple[str, ...] = ()
    children: tuple[ChildRecord, ...] = ()
    # The local review's lifecycle and the actions tracked to completion.
    actions: tuple[TrackedAction, ...] = ()
    recommendations: tuple[RecommendationRecord, ...] = ()
    pauses: tuple[PauseRecord, ...] = ()
    progress_checks: tuple[ProgressCheckRecord, ...] = ()
    # The meeting's national referral and the Panel's response, on every load
    # (the list's facts and the report's counts need them).
    national_referral: bool | None = None
    panel_outcome: str = ""

    @property
    def reference(self) -> str:
        return self.fields.reference

    @property
    def child_label(self) -> str:
        """What the list shows: the first child's initials, "+N" when there are more."""
        return child_label(self.child_initials)

    @property
    def notification_only(self) -> bool:
        return self.fields.kind != RAPID_REVIEW

    @property
    def active_pause(self) -> PauseRecord | None:
        return next((p for p in reversed(self.pauses) if p.ended_on is None), None)

    def facts(self) -> CaseFacts:
        # Most cases have no agencies, actions, checks or pauses yet: the
        # ``if``s skip a generator each (this runs for every case of a list).
        fields = self.fields
        pause = self.active_pause if self.pauses else None
        return CaseFacts(
            done=self.done,
            decision=self.decision,
            publication_planned=fields.publication_planned,
            agencies=tuple(a.facts() for a in self.agencies) if self.agencies else (),
            closed=fields.status == "closed",
            kind=fields.kind,
            panel_outcome=self.panel_outcome or None,
            actions=tuple(a.facts() for a in self.actions) if self.actions else (),
            progress_checks=(
                tuple(c.checked_on for c in self.progress_checks) if self.progress_checks else ()
            ),
            pause=PauseFacts(pause.reason_label, pause.started_on) if pause else None,
        )


# The columns a list row is read with, in order: the store selects them with
# SQLAlchemy, the first screenful (``rr_tui.first_page``) with plain SQL.
CASE_ROW: tuple[str, ...] = (
    "id",
    "version",
    *CASE_FIELDS,
    "updated_at",
    "updated_by",
)
AGENCY_ROW: tuple[str, ...] = (
    "case_id",
    "id",
    "version",
    "name",
    "request_sent",
    "timescale_wd",
    "received_on",
    "records_secured",
    "nil_return",
    "notes",
)
_EMPTY_DONE: Mapping[str, date] = MappingProxyType({})


def agency_record(row: Any, chasers: tuple[date, ...] = ()) -> AgencyRecord:
    """An agency from a row of ``AGENCY_ROW`` columns (its values already typed)."""
    _case_id, agency_id, version, name, sent, timescale, received, secured, nil, notes = row
    return AgencyRecord(
        agency_id, version, name, sent, timescale, received, secured, nil, notes, chasers
    )


# Where the case's own fields sit in a ``CASE_ROW`` row.
_FIELDS_END = 2 + len(CASE_FIELDS)


def case_record(
    row: Any,
    done: Mapping[str, date] | None,
    agencies: tuple[AgencyRecord, ...],
    decision: str | None,
    meeting: MeetingRecord | None = None,
    panel: PanelRecord | None = None,
    child_initials: tuple[str, ...] = (),
    children: tuple[ChildRecord, ...] = (),
    extras: tuple[Any, ...] = (),
    national_referral: bool | None = None,
    panel_outcome: str = "",
) -> CaseRecord:
    """A case from a row of ``CASE_ROW`` columns (its values already typed).

    ``extras``: () or (actions, recommendations, pauses, progress checks).
    """
    actions, recommendations, pauses, checks = extras or ((), (), (), ())
    # Indexing rather than unpacking into a list: it runs for every case in the list.
    return CaseRecord(
        row[0],
        row[1],
        CaseFields(*row[2:_FIELDS_END]),
        MappingProxyType(done) if done else _EMPTY_DONE,
        agencies,
        decision,
        meeting,
        panel,
        row[_FIELDS_END],
        row[_FIELDS_END + 1],
        (),
        child_initials,
        children,
        actions=actions,
        recommendations=recommendations,
        pauses=pauses,
        progress_checks=checks,
        national_referral=national_referral,
        panel_outcome=panel_outcome,
    )


def child_label(initials: tuple[str, ...], width: int | None = None) -> str:
    """What the list shows for a case's children: the first's initials, "+N" for more.

    With ``width``, the first initials are shortened (with "…") so that "+N"
    always shows: a second child must never be hidden by a narrow column.
    """
    if not initials:
        return ""
    first = initials[0]
    more = f" +{len(initials) - 1}" if len(initials) > 1 else ""
    if width is not None and len(first) + len(more) > width:
        room = max(width - len(more) - 1, 1)
        first = first[:room].rstrip() + "…"
        more = more.lstrip() if len(first) + len(more) > width else more
    return first + more
