"""The rapid review pack sent to the National Panel, as Markdown or PDF.

The document is built once as plain sections (paragraphs and tables), then
rendered. Sections and their headings are configurable (``[pack]`` in the
configuration), since partnerships use their own templates; the timeline and
the record of who recorded what always follow them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rr_tui.dates import uk
from rr_tui.profile import DECISIONS, Profile
from rr_tui.records import INCIDENT_TYPES, PANEL_OUTCOMES, CaseRecord, HistoryEntry
from rr_tui.sanitize import clean_text, for_display
from rr_tui.schedule import agency_due, compute

SECTIONS: dict[str, str] = {
    "facts": "The facts of the case",
    "agencies": "Agency involvement",
    "practice_episodes": "Key practice episodes",
    "immediate_actions": "Immediate safeguarding actions",
    "learning": "Learning identified",
    "family_context": "The child's and family's context",
    "decision": "The decision and its rationale",
}


class PackConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = str | Table


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Pack:
    title: str
    subtitle: str
    sections: tuple[Section, ...] = field(default_factory=tuple)


def default_file_name(reference: str, fmt: str) -> str:
    """``NS-2025-014-rapid-review.pdf``: a reference's / and .. cannot leave the folder."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", reference).strip("-") or "case"
    return f"{safe}-rapid-review.{fmt}"


def pack_settings(table: Mapping[str, Any]) -> tuple[tuple[str, ...], dict[str, str]]:
    """``[pack] sections = [...]`` and ``[pack.headings]`` from the configuration."""
    order = table.get("sections", list(SECTIONS))
    headings = dict(SECTIONS)
    if not isinstance(order, list) or not all(isinstance(s, str) for s in order):
        raise PackConfigError("[pack] sections: a list of section ids")
    unknown = [s for s in order if s not in SECTIONS]
    if unknown:
        raise PackConfigError(
            f"[pack] sections: {unknown[0]!r} is not one of {', '.join(SECTIONS)}"
        )
    custom = table.get("headings", {})
    if not isinstance(custom, Mapping):
        raise PackConfigError("[pack.headings]: a table of section id = heading")
    for key, value in custom.items():
        if key not in SECTIONS:
            raise PackConfigError(f"[pack.headings]: {key!r} is not a section id")
        headings[key] = clean_text(str(value), multiline=False)
    return tuple(order), headings


def _text(value: str) -> tuple[str, ...]:
    """User text as paragraphs; a dash when empty."""
    paragraphs = [p.strip() for p in clean_text(value).split("\n\n") if p.strip()]
    return tuple(paragraphs) or ("Not recorded.",)


def build_pack(
    record: CaseRecord,
    history: Sequence[HistoryEntry],
    profile: Profile,
    today: date,
    order: Sequence[str] = tuple(SECTIONS),
    headings: Mapping[str, str] = SECTIONS,
) -> Pack:
    f = record.fields
    meeting = record.meeting
    schedule = compute(record.facts(), profile, today)
    done = record.done

    bodies: dict[str, tuple[Block, ...]] = {}
    key_facts = Table(
        ("Fact", "Recorded"),
        (
            ("Child (initials or pseudonym)", for_display(f.child) or "—"),
            ("Age band", f.age_band or "—"),
            ("Looked after", "Yes" if f.looked_after else "No"),
            ("Incident", INCIDENT_TYPES.get(f.incident_type, "—")),
            ("Lead local authority", for_display(f.lead_authority) or "—"),
            ("LA aware of the incident", uk(done.get("incident_aware"))),
            ("SIN sent to the Panel", uk(done.get("sin_submitted"))),
            ("Referral received", uk(done.get("referral_received"))),
            ("Rapid Review meeting", uk(done.get("rr_meeting"))),
        ),
    )
    bodies["facts"] = (key_facts, *_text(meeting.facts_summary if meeting else ""))
    agency_rows = []
    for a in record.agencies:
        due = agency_due(a.facts(), profile)
        agency_rows.append(
            (
                for_display(a.name),
                uk(a.request_sent),
                uk(due),
                uk(a.received_on),
                "Yes" if a.records_secured else "No",
                "Yes" if a.nil_return else "No",
            )
        )
    agencies: list[Block] = []
    if agency_rows:
        agencies.append(
            Table(
                ("Agency", "Request sent", "Due", "Returned", "Records secured", "Nil return"),
                tuple(agency_rows),
            )
        )
    else:
        agencies.append("No agencies recorded.")
    if meeting and meeting.attendees.strip():
        agencies.append("Attended the Rapid Review meeting: " + for_display(meeting.attendees))
    bodies["agencies"] = tuple(agencies)
    bodies["practice_episodes"] = _text(meeting.practice_episodes if meeting else "")
    if meeting and meeting.actions:
        bodies["immediate_actions"] = (
            Table(
                ("Action", "Owner", "Due", "Done"),
                tuple(
                    (for_display(a.action), for_display(a.owner), uk(a.due_on), uk(a.done_on))
                    for a in meeting.actions
                ),
            ),
        )
    else:
        bodies["immediate_actions"] = ("None recorded.",)
    bodies["learning"] = _text(meeting.learning if meeting else "")
    bodies["family_context"] = _text(meeting.family_context if meeting else "")
    decision = DECISIONS.get(record.decision or "", "Not yet decided")
    bodies["decision"] = (f"Decision: {decision}.", *_text(meeting.rationale if meeting else ""))

    sections = [Section(headings.get(key, SECTIONS[key]), bodies[key]) for key in order]
    timeline = Table(
        ("Step", "Due", "Done", "State", "Slack (WD)"),
        tuple(
            (s.label, uk(s.due), uk(s.done), s.state, "" if s.slack is None else str(s.slack))
            for s in schedule.steps
        ),
    )
    panel_note: list[Block] = [timeline]
    if record.panel and record.panel.outcome:
        panel_note.append("Panel response: " + PANEL_OUTCOMES.get(record.panel.outcome, ""))
    sections.append(Section("Timeline of steps against their deadlines", tuple(panel_note)))
    sections.append(
        Section(
            "Who recorded what",
            (
                Table(
                    ("When", "Who", "What"),
                    tuple(
                        (
                            f"{h.at:%d %b %Y %H:%M}",
                            for_display(h.actor),
                            f"{h.table_name.replace('_', ' ')}: {h.summary}",
                        )
                        for h in history
                    )
                    or (("—", "—", "No changes recorded."),),
                ),
            ),
        )
    )
    return Pack(
        title=f"Rapid review: {for_display(record.reference)}",
        subtitle=f"Prepared {uk(today)} · profile: {profile.name}",
        sections=tuple(sections),
    )


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str) -> str:
    """User text as literal Markdown: no links, HTML or formatting sneak in."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def to_markdown(pack: Pack) -> str:
    lines = [f"# {_md(pack.title)}", "", f"_{_md(pack.subtitle)}_", ""]
    for number, section in enumerate(pack.sections, start=1):
        lines += [f"## {number}. {_md(section.heading)}", ""]
        for block in section.blocks:
            if isinstance(block, Table):
                lines.append("| " + " | ".join(_md(h) for h in block.headers) + " |")
                lines.append("|" + "---|" * len(block.headers))
                for row in block.rows:
                    cells = (_md(c).replace("\n", " ") for c in row)
                    lines.append("| " + " | ".join(cells) + " |")
            else:
                lines.append(_md(block))
            lines.append("")
    return "\n".join(lines)


# Core PDF fonts cover Latin-1 only; map common typography, drop what remains.
_PDF_REPLACE = str.maketrans(
    {
        "—": "-",
        "–": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "·": "-",
        "✓": "yes",
        "✗": "x",
        "•": "-",
    }
)


def _fold(char: str) -> str:
    """A character beyond Latin-1 as its base letter (ș -> s), or ? when it has none."""
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return base if base and all(ord(c) < 256 for c in base) else "?"


def _latin1(text: str) -> str:
    """Text the PDF's core fonts can print: Latin-1 kept as it is (Zoë stays Zoë)."""
    text = unicodedata.normalize("NFC", text.translate(_PDF_REPLACE))
    return "".join(c if ord(c) < 256 else _fold(c) for c in text)


def to_pdf(pack: Pack, created: datetime | None = None) -> bytes:
    from fpdf import FPDF  # deferred: about 200 ms, only for this command
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(pack.title))
    pdf.set_creator("rr-tui")
    if created is not None:
        pdf.set_creation_date(created)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, _latin1(pack.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "I", 9)
    pdf.multi_cell(0, 5, _latin1(pack.subtitle), new_x="LMARGIN", new_y="NEXT")
    for number, section in enumerate(pack.sections, start=1):
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(0, 7, _latin1(f"{number}. {section.heading}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        for block in section.blocks:
            if isinstance(block, Table):
                with pdf.table(
                    headings_style=FontFace(emphasis="BOLD"),
                    line_height=5,
                    text_align="LEFT",
                ) as table:
                    table.row([_latin1(h) for h in block.headers])
                    for row in block.rows:
                        table.row([_latin1(c) for c in row])
            else:
                pdf.multi_cell(0, 5, _latin1(block), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    return bytes(pdf.output())
