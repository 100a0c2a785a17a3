"""The rapid review pack as a document: its sections, built from the case record.

The document is built once as plain blocks (paragraphs, sub-headings and
tables) and then rendered as Markdown, PDF or Word (``rr_tui.pack.markdown``,
``.pdf``, ``.word``). The sections follow what the National Panel expects of a
rapid review (issue 10 §3; ``docs/decisions.md``); their order and headings are
configurable (``[pack]``), and the internal timeline and audit list are
optional sections, off by default.

Every block of text says which field it came from (``source``), so a renderer
that cannot show a character can name the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rr_tui.dates import moment_text, uk
from rr_tui.records import (
    AGE_BANDS,
    CAPACITIES,
    CHILD_STATUSES,
    DISABILITY,
    EARLIER_AGE_BANDS,
    ETHNICITIES,
    INCIDENT_TYPES,
    MEETING_TEXT,
    NOTIFICATION_KINDS,
    PANEL_OUTCOMES,
    PARTNERS,
    RECONSIDERATION_OUTCOMES,
    SEXES,
    CaseRecord,
    HistoryEntry,
    MeetingRecord,
    missing_partners,
)
from rr_tui.rules.profile import DECISIONS, NATIONAL_ONLY, Profile
from rr_tui.rules.schedule import agency_due, compute, provisional_note
from rr_tui.sanitize import clean_text, for_display
from rr_tui.validation import FIELD_LABELS

# The sections the Panel expects, in its order: id -> default heading.
SECTIONS: dict[str, str] = {
    "partnership": "The partnership, the notification and the review",
    "children": "The children, their siblings and other children",
    "incident": "The incident",
    "facts": "The facts and agency involvement",
    "practice_episodes": "Analysis of key practice episodes",
    "lived_experience": "The child's lived experience and voice",
    "immediate_actions": "Immediate safeguarding actions",
    "learning": "Learning, good practice and how it will be shared",
    "decision": "The decision and its rationale",
    "parallel_proceedings": "Parallel proceedings",
    "family": "The family: informed and involved",
    "signoff": "Sign-off by the safeguarding partners",
}
# For the partnership's own use: off unless ``[pack] sections`` names them.
OPTIONAL_SECTIONS: dict[str, str] = {
    "timeline": "Timeline of steps against their deadlines",
    "audit": "Who recorded what",
}
ALL_SECTIONS: dict[str, str] = {**SECTIONS, **OPTIONAL_SECTIONS}
# Ids of earlier rr-tui versions, still accepted in a configuration.
RENAMED: dict[str, str] = {"agencies": "facts", "family_context": "lived_experience"}

DRAFT_BANNER = "DRAFT — not signed off"
NOT_RECORDED = "Not recorded."
SETTINGS_KEYS = ("sections", "headings", "partnership")


class PackConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Para:
    """A paragraph; ``source`` names the field it came from (for warnings)."""

    text: str
    source: str = ""


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside a section."""

    text: str


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    source: str = ""  # what the table lists, e.g. "Agencies"


Block = Para | Heading | Table


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Pack:
    title: str
    subtitle: str
    sections: tuple[Section, ...] = field(default_factory=tuple)
    # The partners (labels) who have not signed off; the pack is a draft until none.
    missing: tuple[str, ...] = ()

    @property
    def draft(self) -> bool:
        return bool(self.missing)

    @property
    def banner(self) -> str | None:
        return DRAFT_BANNER if self.draft else None


@dataclass(frozen=True)
class PackSettings:
    """``[pack]`` from the configuration, checked."""

    order: tuple[str, ...] = tuple(SECTIONS)
    headings: Mapping[str, str] = field(default_factory=lambda: dict(ALL_SECTIONS))
    partnership: str = ""


def default_file_name(reference: str, fmt: str) -> str:
    """``NS-2025-014-rapid-review.pdf``: a reference's / and .. cannot leave the folder."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", reference).strip("-") or "case"
    return f"{safe}-rapid-review.{fmt}"


def _known(section_id: str, where: str) -> str:
    section_id = RENAMED.get(section_id, section_id)
    if section_id not in ALL_SECTIONS:
        raise PackConfigError(
            f"{where}: {section_id!r} is not a section id (one of {', '.join(ALL_SECTIONS)})"
        )
    return section_id


def pack_settings(table: Mapping[str, Any]) -> PackSettings:
    """``[pack] sections = [...]``, ``partnership = "..."`` and ``[pack.headings]``."""
    if not isinstance(table, Mapping):
        raise PackConfigError("[pack]: a table of settings")
    unknown = sorted(set(table) - set(SETTINGS_KEYS))
    if unknown:
        raise PackConfigError(
            f"[pack]: unknown setting {unknown[0]!r} (one of {', '.join(SETTINGS_KEYS)})"
        )
    raw_order = table.get("sections", list(SECTIONS))
    if not isinstance(raw_order, list) or not all(isinstance(s, str) for s in raw_order):
        raise PackConfigError("[pack] sections: a list of section ids")
    order: list[str] = []
    for item in raw_order:
        section_id = _known(item, "[pack] sections")
        if section_id in order:
            raise PackConfigError(f"[pack] sections: {section_id!r} is listed twice")
        order.append(section_id)
    custom = table.get("headings", {})
    if not isinstance(custom, Mapping):
        raise PackConfigError("[pack.headings]: a table of section id = heading")
    headings = dict(ALL_SECTIONS)
    for key, value in custom.items():
        section_id = _known(str(key), "[pack.headings]")
        if not isinstance(value, str) or not clean_text(value, multiline=False).strip():
            raise PackConfigError(f"[pack.headings] {key}: a heading in quotes")
        headings[section_id] = clean_text(value, multiline=False).strip()
    partnership = table.get("partnership", "")
    if not isinstance(partnership, str):
        raise PackConfigError("[pack] partnership: the partnership's name in quotes")
    return PackSettings(tuple(order), headings, clean_text(partnership, multiline=False).strip())


# -- building -----------------------------------------------------------------------

# Labels a reader understands, for the audit list: tables and fields by name.
TABLE_LABELS: dict[str, str] = {
    "cases": "Case",
    "step_dates": "Step date",
    "agencies": "Agency",
    "chasers": "Chaser",
    "meetings": "Rapid Review meeting",
    "meeting_actions": "Immediate safeguarding action",
    "panel_contacts": "Panel record",
    "signoffs": "Sign-off",
}
FIELD_NAMES: dict[str, str] = {
    **FIELD_LABELS,
    **MEETING_TEXT,
    "step_id": "Step",
    "done_on": "Date",
    "name": "Name",
    "request_sent": "Request sent",
    "timescale_wd": "Timescale (working days)",
    "received_on": "Return received",
    "records_secured": "Records secured",
    "nil_return": "Nil return",
    "sent_on": "Chaser sent",
    "decision": "Decision",
    "action": "Action",
    "owner": "Owner",
    "due_on": "Due",
    "notification_notes": "Notification notes",
    "outcome": "Panel outcome",
    "response_notes": "Response notes",
    "partner": "Partner",
    "capacity": "Capacity",
    "role": "Role",
    "organisation": "Organisation",
    "signed_on": "Date signed",
}
STATE_LABELS: dict[str, str] = {
    "done": "Done on time",
    "late": "Done late",
    "pending": "Not yet due",
    "overdue": "Overdue",
    "waiting": "Waiting for an earlier step",
}


def readable(name: str, labels: Mapping[str, str] = FIELD_NAMES) -> str:
    """A stored name as a reader would say it: never ``received_on``."""
    return labels.get(name) or name.replace("_", " ").strip().capitalize()


def _history_text(entry: HistoryEntry) -> str:
    what = readable(entry.table_name, TABLE_LABELS)
    if entry.action == "export":
        return f"{what}: {entry.summary}"
    if entry.action == "update" and entry.changed:
        return f"{what}: changed " + ", ".join(readable(n).lower() for n in entry.changed)
    return f"{what}: {entry.summary}"


def _paras(value: str, source: str) -> tuple[Para, ...]:
    """User text as paragraphs; "Not recorded." when empty."""
    paragraphs = [p.strip() for p in clean_text(value).split("\n\n") if p.strip()]
    return tuple(Para(p, source) for p in paragraphs) or (Para(NOT_RECORDED),)


def _text_field(meeting: MeetingRecord | None, name: str) -> tuple[Para, ...]:
    return _paras(getattr(meeting, name) if meeting else "", MEETING_TEXT[name])


def _titled(meeting: MeetingRecord | None, name: str) -> tuple[Block, ...]:
    """A sub-heading (the field's label) and its text."""
    return (Heading(MEETING_TEXT[name]), *_text_field(meeting, name))


def _shown(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return uk(value)
    return for_display(str(value))


def _facts_table(rows: Sequence[tuple[str, object]], source: str) -> Table:
    return Table(("Fact", "Recorded"), tuple((label, _shown(v)) for label, v in rows), source)


def _action_state(done_on: date | None, due_on: date | None, today: date) -> str:
    if done_on is not None:
        return "Done"
    if due_on is not None and due_on < today:
        return "Overdue"
    return "Open" if due_on is not None else "Open, no due date"


def build_pack(
    record: CaseRecord,
    history: Sequence[HistoryEntry],
    profile: Profile,
    today: date,
    settings: PackSettings | None = None,
) -> Pack:
    settings = settings or PackSettings()
    f = record.fields
    meeting = record.meeting
    done = record.done
    builders: dict[str, Callable[[], tuple[Block, ...]]] = {
        "partnership": lambda: _partnership(record, settings),
        "children": lambda: _children(record),
        "incident": lambda: (
            _facts_table(
                (
                    ("Notification", NOTIFICATION_KINDS.get(f.kind)),
                    ("Incident date", f.incident_date),
                    ("Nature", INCIDENT_TYPES.get(f.incident_type)),
                    ("Local authority became aware", done.get("incident_aware")),
                    ("Incident local authority (leads the review)", f.lead_authority),
                    ("The child's home authority", f.home_authority),
                    ("SIN copied to the local partners", f.partners_copied_on),
                ),
                "Incident",
            ),
        ),
        "facts": lambda: _facts(record, profile),
        "practice_episodes": lambda: _text_field(meeting, "practice_episodes"),
        "lived_experience": lambda: (
            *_titled(meeting, "family_context"),
            *_titled(meeting, "voice"),
            *_titled(meeting, "identity"),
        ),
        "immediate_actions": lambda: _actions(meeting, today),
        "learning": lambda: (
            *_titled(meeting, "learning"),
            *_titled(meeting, "good_practice"),
            *_titled(meeting, "learning_sharing"),
        ),
        "decision": lambda: _decision(record),
        "parallel_proceedings": lambda: _text_field(meeting, "parallel_proceedings"),
        "family": lambda: _text_field(meeting, "family_involvement"),
        "signoff": lambda: _signoff(record),
        "timeline": lambda: _timeline(record, profile, today),
        "audit": lambda: (
            Table(
                ("When", "Who", "What"),
                tuple((moment_text(h.at), for_display(h.actor), _history_text(h)) for h in history)
                or (("—", "—", "No changes recorded."),),
                "Who recorded what",
            ),
        ),
    }
    sections = tuple(
        Section(key, settings.headings.get(key, ALL_SECTIONS[key]), tuple(builders[key]()))
        for key in settings.order
    )
    return Pack(
        title=f"Rapid review: {for_display(record.reference)}",
        subtitle=f"Prepared {uk(today)} · profile: {profile.name}",
        sections=sections,
        missing=missing_partners(record.signoffs),
    )


def _partnership(record: CaseRecord, settings: PackSettings) -> tuple[Block, ...]:
    done = record.done
    return (
        _facts_table(
            (
                ("Safeguarding partnership", settings.partnership),
                ("Serious Incident Notification sent", done.get("sin_submitted")),
                ("SIN reference", record.fields.sin_reference),
                ("Referral received by the partnership", done.get("referral_received")),
                ("Rapid Review meeting", done.get("rr_meeting")),
                ("Rapid review sent to the Panel", done.get("panel_notified")),
            ),
            "Partnership",
        ),
    )


def _children(record: CaseRecord) -> tuple[Block, ...]:
    bands = {**AGE_BANDS, **EARLIER_AGE_BANDS}
    rows = tuple(
        (
            for_display(c.fields.initials) or "—",
            bands.get(c.fields.age_band, "—"),
            SEXES.get(c.fields.sex, "—"),
            ETHNICITIES.get(c.fields.ethnicity, "—"),
            DISABILITY.get(c.fields.disability, "—"),
            ", ".join(CHILD_STATUSES[s] for s in c.fields.statuses) or "—",
        )
        for c in record.children
    )
    table: tuple[Block, ...] = (
        (
            Table(
                (
                    "Child (initials or pseudonym)",
                    "Age band",
                    "Sex",
                    "Ethnicity",
                    "Disability",
                    "Status",
                ),
                rows,
                "Children",
            ),
        )
        if rows
        else (Para("No children recorded."),)
    )
    return (*table, *_titled(record.meeting, "siblings_safety"))


def _facts(record: CaseRecord, profile: Profile) -> tuple[Block, ...]:
    meeting = record.meeting
    blocks: list[Block] = [*_text_field(meeting, "facts_summary"), Heading("Agency involvement")]
    rows = []
    for a in record.agencies:
        rows.append(
            (
                for_display(a.name),
                uk(a.request_sent),
                uk(agency_due(a.facts(), profile)),
                uk(a.received_on),
                "Yes" if a.records_secured else "No",
                "Yes" if a.nil_return else "No",
            )
        )
    if rows:
        blocks.append(
            Table(
                ("Agency", "Request sent", "Due", "Returned", "Records secured", "Nil return"),
                tuple(rows),
                "Agencies",
            )
        )
    else:
        blocks.append(Para("No agencies recorded."))
    if meeting and meeting.attendees.strip():
        blocks.append(Heading("Attended the Rapid Review meeting"))
        blocks.extend(_paras(meeting.attendees, MEETING_TEXT["attendees"]))
    return tuple(blocks)


def _actions(meeting: MeetingRecord | None, today: date) -> tuple[Block, ...]:
    if not meeting or not meeting.actions:
        return (Para("None recorded."),)
    return (
        Table(
            ("Action", "Owner", "Due", "Done", "State"),
            tuple(
                (
                    for_display(a.action),
                    for_display(a.owner) or "—",
                    uk(a.due_on),
                    uk(a.done_on),
                    _action_state(a.done_on, a.due_on, today),
                )
                for a in meeting.actions
            ),
            "Immediate safeguarding actions",
        ),
    )


def _decision(record: CaseRecord) -> tuple[Block, ...]:
    meeting = record.meeting
    referred = meeting.national_referral if meeting is not None else None
    decision = DECISIONS.get(record.decision or "") or (
        NATIONAL_ONLY if referred else "Not yet decided"
    )
    national = "Yes" if referred is True else "No" if referred is False else "Not recorded"
    blocks: list[Block] = [
        Para(f"Decision: {decision}."),
        *_titled(meeting, "rationale"),
        Heading("National importance"),
        Para(f"Referred to the Panel as possibly of national importance: {national}."),
        *_text_field(meeting, "national_reasoning"),
    ]
    if record.panel and record.panel.outcome:
        blocks.append(
            Para("The Panel's response: " + PANEL_OUTCOMES.get(record.panel.outcome, "") + ".")
        )
    answered = record.done.get("reconsideration")
    if record.panel and (answered or record.panel.reconsideration_outcome):
        outcome = RECONSIDERATION_OUTCOMES.get(record.panel.reconsideration_outcome, "")
        blocks.append(
            Para(
                f"The partnership's answer after reconsidering, sent {uk(answered, 'not yet')}"
                + (f": {outcome}." if outcome else ".")
            )
        )
        if record.panel.reconsideration_notes.strip():
            blocks.extend(_paras(record.panel.reconsideration_notes, "Reconsideration notes"))
    return tuple(blocks)


def _signoff(record: CaseRecord) -> tuple[Block, ...]:
    signed = {s.partner: s for s in record.signoffs}
    rows = []
    for key, label in PARTNERS.items():
        s = signed.get(key)
        if s is None:
            rows.append((label, "Not signed off", "—", "—", "—", "—"))
        else:
            rows.append(
                (
                    label,
                    for_display(s.name),
                    for_display(s.role),
                    for_display(s.organisation),
                    CAPACITIES.get(s.capacity, s.capacity),
                    uk(s.signed_on),
                )
            )
    missing = missing_partners(record.signoffs)
    summary = (
        f"Not yet signed off by: {', '.join(missing)}."
        if missing
        else "Signed off by all three safeguarding partners."
    )
    return (
        Table(
            ("Partner", "Signed by", "Role", "Organisation", "Capacity", "Date"),
            tuple(rows),
            "Sign-off",
        ),
        Para(summary),
    )


def _timeline(record: CaseRecord, profile: Profile, today: date) -> tuple[Block, ...]:
    schedule = compute(record.facts(), profile, today)
    return (
        Table(
            ("Step", "Due", "Done", "State", "Working days to spare"),
            tuple(
                (
                    s.label,
                    uk(s.due)
                    + (f" ({provisional_note(s)})" if s.provisional and s.due else "")
                    + (" (local target)" if s.local and s.due and not s.done else ""),
                    uk(s.done),
                    STATE_LABELS.get(s.state, s.state),
                    "" if s.slack is None else str(s.slack),
                )
                for s in schedule.steps
            ),
            "Timeline",
        ),
    )
