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

from rr_tui.schedule import AgencyFacts, CaseFacts

PANEL_OUTCOMES: dict[str, str] = {
    "agrees": "Agrees with the recommendation",
    "challenges": "Challenges the recommendation",
    "more_information": "Asks for more information",
    "national_review": "Takes a national review",
}
INCIDENT_TYPES: dict[str, str] = {"death": "Death", "serious_harm": "Serious harm"}
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
AGE_BANDS: tuple[str, ...] = ("under 1", "1-4", "5-9", "10-15", "16-17")

# The case fields a coordinator edits on the case form, in form order.
CASE_FIELDS: tuple[str, ...] = (
    "reference",
    "child",
    "lead_authority",
    "age_band",
    "looked_after",
    "incident_type",
    "owner",
    "status",
    "notes",
    "publication_planned",
)


@dataclass(frozen=True, slots=True)
class CaseFields:
    reference: str
    child: str = ""
    lead_authority: str = ""
    age_band: str = ""
    looked_after: bool = False
    incident_type: str = ""
    owner: str = ""
    status: str = "open"
    notes: str = ""
    publication_planned: date | None = None


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


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
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

    @property
    def reference(self) -> str:
        return self.fields.reference

    def facts(self) -> CaseFacts:
        return CaseFacts(
            done=self.done,
            decision=self.decision,
            publication_planned=self.fields.publication_planned,
            agencies=tuple(a.facts() for a in self.agencies),
            closed=self.fields.status == "closed",
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
) -> CaseRecord:
    """A case from a row of ``CASE_ROW`` columns (its values already typed)."""
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
    )
