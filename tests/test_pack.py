"""The rapid review pack for the National Panel: sections, escaping, PDF, privacy, audit."""

from __future__ import annotations

import io
import os
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from factories import assert_one_line_error, cli
from markdown_it import MarkdownIt
from pypdf import PdfReader

from rr_tui.pack import (
    DRAFT_BANNER,
    SECTIONS,
    Pack,
    PackConfigError,
    PackSettings,
    build_pack,
    pack_settings,
    to_markdown,
    to_pdf,
)
from rr_tui.records import ActionRecord, CaseFields, ChildFields, MeetingRecord, SignOffRecord
from rr_tui.rules.profile import ENGLAND
from rr_tui.store import Store

D = date
TODAY = D(2025, 6, 18)
REF = "RR-2025-014"
HEADINGS = [
    "The partnership, the notification and the review",
    "The children, their siblings and other children",
    "The incident",
    "The facts and agency involvement",
    "Analysis of key practice episodes",
    "The child's lived experience and voice",
    "Immediate safeguarding actions",
    "Learning, good practice and how it will be shared",
    "The decision and its rationale",
    "Parallel proceedings",
    "The family: informed and involved",
    "Sign-off by the safeguarding partners",
]
EVIL = "[x](http://evil.example) <script>alert(1)</script> <img src=x onerror=alert(2)>"
NON_LATIN = "Zoë Łukasz ✓ “quotes”"


def assert_written_privately(
    capsys: pytest.CaptureFixture[str], store: Store, url: str, case_id: int, path: Path, what: str
) -> None:
    """The pack file is readable only by its owner; writing it is in the case's audited history."""
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert store.history(case_id)[-1].summary == f"rapid review pack written ({what})"
    assert cli(capsys, "--db", url, "audit", "verify") == (0, "audit trail intact\n", "")


def make_case(store: Store, *, child: str = "Child K", note: str = "") -> int:
    """A case at the meeting stage: referral Mon 2 Jun 2025, two agencies, a meeting."""
    case_id = store.create_case(
        CaseFields(
            reference=REF,
            lead_authority="Northshire",
            incident_type="serious_harm",
            owner="A. Patel",
        ),
        {"incident_aware": D(2025, 5, 30), "referral_received": D(2025, 6, 2)},
        (ChildFields(child, age_band="1_to_5"),),
    )
    store.add_agency(case_id, "Northshire Police", D(2025, 6, 3))
    gp = store.add_agency(case_id, "Riverside GP", D(2025, 6, 3), timescale_wd=3)
    store.update_agency(gp, 1, received_on=D(2025, 6, 5), records_secured=True)
    store.record_meeting(
        case_id,
        0,
        D(2025, 6, 16),
        MeetingRecord(
            attendees="Police, CSC, Health",
            facts_summary="Facts paragraph one.\n\n" + note if note else "Facts paragraph one.",
            learning="Learning: " + note if note else "Learning about information sharing.",
            decision="lcspr",
            rationale="Meets the criteria for a local review.",
            actions=(ActionRecord("Safety plan " + note, "CSC", D(2025, 6, 20)),),
            practice_episodes="Episode one.",
            family_context="Lives with mother " + note,
            siblings_safety="Sibling (4) seen the same day; safe with grandmother.",
            voice="Told her teacher she was hungry.",
            identity="Polish-speaking family; no interpreter was used.",
            good_practice="The school acted the same day.",
            learning_sharing="A 7-minute briefing to all agencies.",
            national_reasoning="Local learning only: not of national importance.",
            parallel_proceedings="Police investigation open; CPS advised on disclosure.",
            family_involvement="Mother told of the review on 17 June.",
        ),
    )
    return case_id


def pack_of(store: Store, case_id: int, settings: PackSettings | None = None) -> Pack:
    return build_pack(store.get_case(case_id), store.history(case_id), ENGLAND, TODAY, settings)


def sign(store: Store, case_id: int, *partners: str) -> None:
    current = {s.partner: s.version for s in store.get_case(case_id).signoffs}
    store.record_signoffs(
        case_id,
        current,
        {
            p: SignOffRecord(p, f"Signer {p}", "Director", f"Org {p}", D(2025, 6, 19))
            for p in partners
        },
    )


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


# -- sections -------------------------------------------------------------------------


def test_default_pack_has_the_panels_sections_in_order_and_no_internal_ones(
    store: Store,
) -> None:
    document = pack_of(store, make_case(store))
    assert document.title == f"Rapid review: {REF}"
    assert [s.id for s in document.sections] == list(SECTIONS)
    assert [s.heading for s in document.sections] == HEADINGS
    markdown = to_markdown(document)
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert headings == [f"## {n}. {h}" for n, h in enumerate(HEADINGS, start=1)]
    assert markdown.startswith(f"# Rapid review: {REF}\n\n**{DRAFT_BANNER}**\n")
    assert "Prepared Wed 18 Jun 2025" in markdown
    # The internal timeline and the audit list are off by default.
    assert "Timeline" not in markdown
    assert "Who recorded what" not in markdown
    assert "A. Patel" not in markdown and "created" not in markdown


def test_every_meeting_field_reaches_its_section(store: Store) -> None:
    document = pack_of(store, make_case(store))
    text = {s.id: to_markdown(Pack("t", "s", (s,))) for s in document.sections}
    assert "Sibling (4) seen the same day" in text["children"]
    assert "Told her teacher" in text["lived_experience"]
    assert "Polish-speaking family" in text["lived_experience"]
    assert "### Race, culture, inequality and disability" in text["lived_experience"]
    assert "The school acted the same day." in text["learning"]
    assert "A 7-minute briefing" in text["learning"]
    assert "Local learning only" in text["decision"]
    assert "Meets the criteria for a local review." in text["decision"]
    assert "Decision: Local CSPR." in text["decision"]
    assert "Police investigation open" in text["parallel_proceedings"]
    assert "Mother told of the review" in text["family"]
    assert "| Safety plan | CSC | Fri 20 Jun 2025 | — | Open |" in text["immediate_actions"]
    assert "| Nature | Serious harm |" in text["incident"]
    assert "| Incident local authority (leads the review) | Northshire |" in text["incident"]
    assert "| Referral received by the partnership | Mon 2 Jun 2025 |" in text["partnership"]
    assert "| Rapid Review meeting | Mon 16 Jun 2025 |" in text["partnership"]
    # Police: 5 WD after Tue 3 Jun is Tue 10 Jun; GP: 3 WD is Fri 6 Jun, in on Thu 5 Jun.
    facts = text["facts"]
    assert "| Northshire Police | Tue 3 Jun 2025 | Tue 10 Jun 2025 | — | No | No |" in facts
    assert "| Riverside GP | Tue 3 Jun 2025 | Fri 6 Jun 2025 | Thu 5 Jun 2025 | Yes | No |" in (
        facts
    )
    assert "Attended the Rapid Review meeting" in facts
    assert "| Local authority | Not signed off |" in text["signoff"]
    assert "Not yet signed off by: Local authority, Police, Health." in text["signoff"]


def test_an_empty_case_says_not_recorded_rather_than_leaving_gaps(store: Store) -> None:
    case_id = store.create_case(CaseFields(reference=REF))
    markdown = to_markdown(pack_of(store, case_id))
    assert markdown.count("Not recorded.") >= 10
    assert "Decision: Not yet decided." in markdown
    assert "None recorded." in markdown


def test_an_overdue_and_a_done_action_say_so(store: Store) -> None:
    case_id = make_case(store)
    record = store.get_case(case_id)
    assert record.meeting is not None
    store.record_meeting(
        case_id,
        record.meeting.version,
        D(2025, 6, 16),
        MeetingRecord(
            actions=(
                ActionRecord("Late one", "Police", D(2025, 6, 17)),
                ActionRecord("Finished", "Health", D(2025, 6, 17), D(2025, 6, 17)),
                ActionRecord("Undated", "CSC"),
            )
        ),
    )
    markdown = to_markdown(pack_of(store, case_id))
    assert "| Late one | Police | Tue 17 Jun 2025 | — | Overdue |" in markdown
    assert "| Finished | Health | Tue 17 Jun 2025 | Tue 17 Jun 2025 | Done |" in markdown
    assert "| Undated | CSC | — | — | Open, no due date |" in markdown


def test_sections_and_headings_follow_the_configuration(store: Store) -> None:
    settings = pack_settings(
        {
            "sections": ["decision", "facts", "signoff"],
            "headings": {"decision": "Outcome"},
            "partnership": "Northshire Safeguarding Children Partnership",
        }
    )
    assert settings.order == ("decision", "facts", "signoff")
    markdown = to_markdown(pack_of(store, make_case(store), settings))
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert headings == [
        "## 1. Outcome",
        "## 2. The facts and agency involvement",
        "## 3. Sign-off by the safeguarding partners",
    ]
    assert "## 1. Outcome\n\nDecision: Local CSPR." in markdown


def test_the_partnership_name_comes_from_the_configuration(store: Store) -> None:
    settings = pack_settings({"sections": ["partnership"], "partnership": "Northshire SCP"})
    markdown = to_markdown(pack_of(store, make_case(store), settings))
    assert "| Safeguarding partnership | Northshire SCP |" in markdown


def test_the_timeline_and_audit_list_are_optional_and_use_readers_labels(store: Store) -> None:
    case_id = make_case(store)
    settings = pack_settings({"sections": [*SECTIONS, "timeline", "audit"]})
    markdown = to_markdown(pack_of(store, case_id, settings))
    assert "## 13. Timeline of steps against their deadlines" in markdown
    assert "## 14. Who recorded what" in markdown
    # Referral Mon 2 Jun: meeting due WD 13 Thu 19 Jun, held Mon 16 Jun (3 WD early);
    # Panel due min(WD 15 Mon 23 Jun, 2 WD after the meeting Wed 18 Jun).
    # No SIN date: the meeting's deadline is from the referral, and says so.
    assert (
        "| Rapid Review meeting | Thu 19 Jun 2025 (provisional: from the referral, SIN date "
        "not recorded) | Mon 16 Jun 2025 | Done on time | 3 |"
    ) in markdown
    assert "| RR sent to Panel | Wed 18 Jun 2025 (local target) | — | Not yet due | 0 |" in markdown
    history = markdown.split("## 14. Who recorded what")[1]
    assert "Case: created" in history
    assert "Rapid Review meeting: created" in history
    assert "Agency: changed return received, records secured" in history
    # Never a stored name: no table or field name with an underscore in it.
    assert "\\_" not in markdown
    for name in ("received_on", "records_secured", "meeting_actions", "step_dates", "cases:"):
        assert name not in markdown


def test_pack_settings_default_is_the_panels_sections() -> None:
    settings = pack_settings({})
    assert settings.order == tuple(SECTIONS)
    assert settings.partnership == ""


def test_section_ids_of_earlier_versions_still_work() -> None:
    settings = pack_settings({"sections": ["agencies", "family_context"]})
    assert settings.order == ("facts", "lived_experience")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"sections": ["facts", "gossip"]}, "'gossip' is not a section id"),
        ({"sections": "facts"}, "a list of section ids"),
        ({"sections": ["facts", 3]}, "a list of section ids"),
        ({"sections": ["facts", "facts"]}, "'facts' is listed twice"),
        ({"headings": {"gossip": "Gossip"}}, r"\[pack.headings\]: 'gossip' is not a section id"),
        ({"headings": ["facts"]}, "a table of section id = heading"),
        ({"headings": {"facts": 3}}, "a heading in quotes"),
        ({"partnership": 3}, "the partnership's name"),
        ({"sectoins": ["facts"]}, "unknown setting 'sectoins'"),
    ],
)
def test_bad_pack_settings_are_refused(table: dict[str, object], message: str) -> None:
    with pytest.raises(PackConfigError, match=message):
        pack_settings(table)


def test_the_draft_banner_goes_once_all_three_partners_have_signed(store: Store) -> None:
    case_id = make_case(store)
    sign(store, case_id, "police", "health")
    document = pack_of(store, case_id)
    assert document.draft and document.missing == ("Local authority",)
    assert DRAFT_BANNER in to_markdown(document)
    sign(store, case_id, "local_authority")
    document = pack_of(store, case_id)
    assert not document.draft
    markdown = to_markdown(document)
    assert "DRAFT" not in markdown
    assert "Signed off by all three safeguarding partners." in markdown
    assert "| Police | Signer police | Director | Org police | Lead safeguarding partner |" in (
        markdown
    )


def test_user_text_cannot_become_links_or_html(store: Store) -> None:
    case_id = make_case(store, child="K <b>bold</b>", note=EVIL)
    store.add_agency(case_id, "[Police](http://evil.example)", D(2025, 6, 3))
    markdown = to_markdown(pack_of(store, case_id))
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<a " not in html
    assert "<script" not in html
    assert "<img" not in html
    assert "<b>" not in html
    # The text is all still there, shown literally.
    assert "[x](http://evil.example) &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "[Police](http://evil.example)" in html
    # Tables keep their shape: a | in user text does not add a column.
    table_rows = [line for line in markdown.splitlines() if line.startswith("| Safety plan")]
    assert len(table_rows) == 1


def test_markdown_specials_in_user_text_are_literal(store: Store) -> None:
    note = "*not bold* _not em_ `not code` # not a heading | not a cell \\ backslash"
    markdown = to_markdown(pack_of(store, make_case(store, note=note)))
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    # Only the document's own title, banner and subtitle are formatted.
    counts = {tag: html.count(tag) for tag in ("<em>", "<strong>", "<code>", "<h1>")}
    assert counts == {"<em>": 1, "<strong>": 1, "<code>": 0, "<h1>": 1}
    assert note in html


# -- PDF ------------------------------------------------------------------------------

POLISH = "Łukasz Żółć-Wąsowicz"
ROMANIAN = "Ștefan Țăran, Brașov"
ARABIC = "محمد عبد الله"
CHINESE = "王小明"


def test_pdf_opens_and_holds_the_reference_headings_agencies_and_banner(store: Store) -> None:
    document = pack_of(store, make_case(store))
    data = to_pdf(document)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata is not None and reader.metadata.title == f"Rapid review: {REF}"
    text = pdf_text(data)
    assert f"Rapid review: {REF}" in text
    assert DRAFT_BANNER in text
    for number, heading in enumerate(HEADINGS, start=1):
        assert f"{number}. {heading}" in text
    assert "Northshire Police" in text
    assert "Riverside GP" in text
    assert "Learning about information sharing." in text
    # The font is embedded, not a core font that only knows Latin-1.
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
    }
    assert fonts and all("DejaVuSans" in f for f in fonts)


@pytest.mark.parametrize("name", [POLISH, ROMANIAN, "Zoë Renée", "Αλέξης", "Дмитрий"])
def test_pdf_keeps_european_names_exactly(store: Store, name: str) -> None:
    case_id = make_case(store, child=name, note=name)
    store.add_agency(case_id, f"{name} Health", D(2025, 6, 3))
    text = pdf_text(to_pdf(pack_of(store, case_id)))
    # The child, the facts, the family context, the action, the agency, the learning.
    assert text.count(name) >= 5
    assert "?" not in text


def test_pdf_keeps_arabic_script_shaped_right_to_left(store: Store) -> None:
    from rr_tui.pack.pdf import render_pdf

    case_id = make_case(store, child=ARABIC, note=ARABIC)
    result = render_pdf(pack_of(store, case_id))
    assert result.warnings == ()
    text = pdf_text(result.content)
    # Extracted in reading order, the joined letters map back to the typed text.
    assert text.count(ARABIC) >= 3
    # Shaped: the PDF draws joined (contextual) forms, not isolated letters left to right.
    reader = PdfReader(io.BytesIO(result.content))
    raw = reader.pages[0].extract_text(extraction_mode="plain")
    assert ARABIC[::-1] not in raw


def test_pdf_warns_by_field_for_characters_the_font_lacks(store: Store) -> None:
    from rr_tui.pack.pdf import render_pdf

    case_id = make_case(store, note=f"{CHINESE} 🙂")
    result = render_pdf(pack_of(store, case_id))
    fields = " ".join(result.warnings)
    assert "“Summary of the facts”" in fields
    assert "“The child's lived experience”" in fields
    assert "“Learning identified”" in fields
    assert "“Immediate safeguarding actions: Action”" in fields
    assert "王 (U+738B)" in fields and "🙂" in fields
    # Nothing became a question mark or vanished: each shows as a visible square.
    text = pdf_text(result.content)
    assert "?" not in text
    assert "Facts paragraph one." in text
    assert "Lives with mother □□□ □" in text


def test_pdf_of_latin_text_has_no_warnings(store: Store) -> None:
    from rr_tui.pack.pdf import render_pdf

    assert render_pdf(pack_of(store, make_case(store, child=POLISH))).warnings == ()


# -- Word -----------------------------------------------------------------------------


def docx_of(data: bytes) -> Any:
    from docx import Document

    return Document(io.BytesIO(data))


def test_word_pack_uses_heading_styles_and_real_tables(store: Store) -> None:
    from rr_tui.pack import to_docx

    case_id = make_case(store, child=POLISH, note=ARABIC)
    sign(store, case_id, "police")
    doc = docx_of(to_docx(pack_of(store, case_id)))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [f"{n}. {h}" for n, h in enumerate(HEADINGS, start=1)]
    subheadings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert "Good practice" in subheadings
    assert doc.paragraphs[0].style.name == "Title"
    assert doc.paragraphs[1].text == DRAFT_BANNER
    assert doc.sections[0].header.paragraphs[0].text == DRAFT_BANNER
    tables = {t.rows[0].cells[0].text: t for t in doc.tables}
    assert {"Agency", "Action", "Partner", "Child (initials or pseudonym)"} <= set(tables)
    agencies = [[c.text for c in row.cells] for row in tables["Agency"].rows]
    assert agencies[1][:3] == ["Northshire Police", "Tue 3 Jun 2025", "Tue 10 Jun 2025"]
    signoff = [[c.text for c in row.cells] for row in tables["Partner"].rows]
    assert signoff[2][:2] == ["Police", "Signer police"]
    assert signoff[1][:2] == ["Local authority", "Not signed off"]
    assert tables["Child (initials or pseudonym)"].rows[1].cells[0].text == POLISH
    body = "\n".join(p.text for p in doc.paragraphs)
    assert f"Lives with mother {ARABIC}" in body
    # Right-to-left paragraphs are marked so.
    arabic = [p for p in doc.paragraphs if p.text.startswith(ARABIC)]
    assert arabic and all(p._p.pPr.find(qn("w:bidi")) is not None for p in arabic)


def qn(tag: str) -> str:
    from docx.oxml.ns import qn as _qn

    return str(_qn(tag))


# -- the command line -----------------------------------------------------------------


@pytest.fixture
def pack_db(store: Store, db_url: str) -> tuple[str, int]:
    return db_url, make_case(store)


@pytest.fixture
def pack_here(
    pack_db: tuple[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, int]:
    """The pack database, run from an empty folder (where a pack goes by default)."""
    monkeypatch.chdir(tmp_path)
    return pack_db


def pack(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    """``rr-tui pack REF ARGS`` on ``url``, with today TODAY."""
    return cli(capsys, "--db", url, "--today", TODAY.isoformat(), "pack", REF, *args)


def test_cli_pdf_is_private_readable_and_audited(
    capsys: pytest.CaptureFixture[str], store: Store, pack_db: tuple[str, int], tmp_path: Path
) -> None:
    url, case_id = pack_db
    target = tmp_path / "pack.pdf"
    target.write_bytes(b"old")
    target.chmod(0o644)
    code, out, err = pack(capsys, url, "--format", "pdf", "--output", str(target))
    assert (code, err) == (0, "")
    assert out == f"wrote {target} (draft, not signed off; readable only by you)\n"
    assert_written_privately(capsys, store, url, case_id, target, "pdf")
    text = pdf_text(target.read_bytes())
    assert REF in text
    assert "4. The facts and agency involvement" in text
    assert "Northshire Police" in text


def test_cli_markdown_default_name_and_standard_output(
    capsys: pytest.CaptureFixture[str], store: Store, pack_here: tuple[str, int], tmp_path: Path
) -> None:
    url, case_id = pack_here
    code, out, err = pack(capsys, url)
    assert (code, err) == (0, "")
    written = tmp_path / f"{REF}-rapid-review.md"
    assert stat.S_IMODE(os.stat(written).st_mode) == 0o600
    assert written.read_text(encoding="utf-8").startswith(f"# Rapid review: {REF}\n")

    code, out, err = pack(capsys, url, "--output", "-")
    assert (code, err) == (0, "")
    assert out.startswith(f"# Rapid review: {REF}\n")
    assert "## 12. Sign-off by the safeguarding partners" in out
    assert "wrote" not in out
    packs = [h.summary for h in store.history(case_id) if h.summary.startswith("rapid review")]
    assert packs == ["rapid review pack written (md)"] * 2
    assert cli(capsys, "--db", url, "audit", "verify")[0] == 0


def test_cli_pack_follows_the_configured_sections(
    capsys: pytest.CaptureFixture[str], pack_db: tuple[str, int], isolated: Path
) -> None:
    (isolated / "config.toml").write_text(
        '[pack]\nsections = ["learning", "facts", "audit"]\npartnership = "Northshire SCP"\n\n'
        '[pack.headings]\nlearning = "What we learnt"\n'
    )
    code, out, err = cli(capsys, "--db", pack_db[0], "pack", REF, "--output", "-")
    assert (code, err) == (0, "")
    headings = [line for line in out.splitlines() if line.startswith("## ")]
    assert headings == [
        "## 1. What we learnt",
        "## 2. The facts and agency involvement",
        "## 3. Who recorded what",
    ]


def test_cli_bad_pack_configuration_is_one_line(
    capsys: pytest.CaptureFixture[str], pack_db: tuple[str, int], isolated: Path
) -> None:
    (isolated / "config.toml").write_text('[pack]\nsections = ["facts", "gossip"]\n')
    for fmt in ("md", "pdf", "docx"):
        code, out, err = cli(capsys, "--db", pack_db[0], "pack", REF, "--format", fmt)
        assert (code, out) == (10, "")
        assert_one_line_error(err)
        assert "'gossip' is not a section id" in err


def test_cli_pack_errors_are_one_line_and_write_nothing(
    capsys: pytest.CaptureFixture[str], store: Store, pack_db: tuple[str, int], tmp_path: Path
) -> None:
    url, case_id = pack_db
    target = tmp_path / "nope.md"
    code, out, err = cli(capsys, "--db", url, "pack", "RR-1999-999", "--output", str(target))
    assert (code, out) == (4, "")
    assert_one_line_error(err)
    assert "no case has that reference" in err
    assert not target.exists()

    code, out, err = cli(capsys, "--db", url, "pack", REF, "--format", "pdf", "--output", "-")
    assert (code, out) == (2, "")
    assert_one_line_error(err)
    assert not any(h.summary.startswith("rapid review") for h in store.history(case_id))


def test_cli_default_file_name_for_a_reference_with_slashes(
    capsys: pytest.CaptureFixture[str],
    store: Store,
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store.create_case(CaseFields(reference="NS/2025/014"))
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, "--db", db_url, "pack", "NS/2025/014")
    assert (code, err) == (0, "")
    written = [p for p in tmp_path.iterdir() if p.name.endswith("-rapid-review.md")]
    assert len(written) == 1


def test_cli_final_is_refused_naming_the_partners_who_have_not_signed(
    capsys: pytest.CaptureFixture[str], store: Store, pack_db: tuple[str, int], tmp_path: Path
) -> None:
    url, case_id = pack_db
    target = tmp_path / "final.docx"
    sign(store, case_id, "police")
    for fmt in ("md", "pdf", "docx"):
        code, out, err = cli(
            capsys, "--db", url, "pack", REF, "--final", "--format", fmt, "--output", str(target)
        )
        assert (code, out) == (3, "")
        assert_one_line_error(err)
        assert "not signed off by the local authority and health" in err
        assert not target.exists()
    assert not any(h.summary.startswith("rapid review") for h in store.history(case_id))

    sign(store, case_id, "local_authority", "health")
    code, out, err = pack(capsys, url, "--final", "--format", "docx", "--output", str(target))
    assert (code, err) == (0, "")
    assert out == f"wrote {target} (signed off; readable only by you)\n"
    assert_written_privately(capsys, store, url, case_id, target, "docx, final")
    doc = docx_of(target.read_bytes())
    assert DRAFT_BANNER not in "\n".join(p.text for p in doc.paragraphs)


def test_cli_word_pack_is_private_audited_and_not_for_standard_output(
    capsys: pytest.CaptureFixture[str], store: Store, pack_here: tuple[str, int], tmp_path: Path
) -> None:
    url, case_id = pack_here
    code, out, err = cli(capsys, "--db", url, "pack", REF, "--format", "docx")
    assert (code, err) == (0, "")
    written = tmp_path / f"{REF}-rapid-review.docx"
    assert out == f"wrote {written.name} (draft, not signed off; readable only by you)\n"
    assert_written_privately(capsys, store, url, case_id, written, "docx")
    assert docx_of(written.read_bytes()).paragraphs[1].text == DRAFT_BANNER
    code, out, err = cli(capsys, "--db", url, "pack", REF, "--format", "docx", "--output", "-")
    assert (code, out) == (2, "")
    assert_one_line_error(err)


def test_cli_warns_on_standard_error_naming_the_field_a_pdf_cannot_show(
    capsys: pytest.CaptureFixture[str], store: Store, db_url: str, tmp_path: Path
) -> None:
    make_case(store, note=CHINESE)
    target = tmp_path / "pack.pdf"
    code, out, err = cli(
        capsys, "--db", db_url, "pack", REF, "--format", "pdf", "--output", str(target)
    )
    assert code == 0
    assert out.startswith(f"wrote {target}")
    warnings = err.splitlines()
    assert warnings and all(w.startswith("rr-tui: warning: ") for w in warnings)
    assert any("“Summary of the facts”" in w and "王 (U+738B)" in w for w in warnings)
    # The Word pack keeps every character: no warning.
    code, out, err = cli(
        capsys,
        "--db",
        db_url,
        "pack",
        REF,
        "--format",
        "docx",
        "--output",
        str(tmp_path / "p.docx"),
    )
    assert (code, err) == (0, "")
    assert CHINESE in "\n".join(
        p.text for p in docx_of((tmp_path / "p.docx").read_bytes()).paragraphs
    )


def test_cli_and_tui_share_one_pack_path(
    capsys: pytest.CaptureFixture[str],
    pack_db: tuple[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The command only asks ``rr_tui.pack.write_pack``: it renders, audits and writes."""
    import rr_tui.pack

    calls: list[dict[str, Any]] = []
    real = rr_tui.pack.write_pack

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(rr_tui.pack, "write_pack", spy)
    code, _, _ = cli(capsys, "--db", pack_db[0], "pack", REF, "--output", "-")
    assert code == 0
    assert [(c["fmt"], c["final"]) for c in calls] == [("md", False)]


def test_the_demo_has_a_signed_off_case_whose_final_pack_can_be_written(
    capsys: pytest.CaptureFixture[str], demo_url: str, tmp_path: Path
) -> None:
    target = tmp_path / "final.docx"
    code, out, err = cli(
        capsys, "--db", demo_url, "--today", "2026-11-26", "pack", "DEMO-2026-008", "--final",
        "--format", "docx", "--output", str(target),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == f"wrote {target} (signed off; readable only by you)\n"
    tables = docx_of(target.read_bytes()).tables
    signoff = next(t for t in tables if t.cell(0, 0).text == "Partner")
    partners = [row.cells[0].text for row in signoff.rows[1:]]
    assert partners == ["Local authority", "Police", "Health"]
    assert "Not signed off" not in [row.cells[1].text for row in signoff.rows]


def test_the_audit_list_gives_london_time_in_summer_and_winter(store: Store) -> None:
    from datetime import UTC, datetime

    store.now = lambda: datetime(2025, 6, 2, 8, 5, tzinfo=UTC)  # 09:05 BST
    case_id = make_case(store)
    store.now = lambda: datetime(2025, 12, 1, 8, 5, tzinfo=UTC)  # 08:05 GMT
    store.record_step(case_id, "panel_notified", date(2025, 11, 28))
    settings = pack_settings({"sections": [*SECTIONS, "audit"]})
    history = to_markdown(pack_of(store, case_id, settings)).split("Who recorded what")[1]
    assert "| 02 Jun 2025 09:05 |" in history
    assert "| 01 Dec 2025 08:05 |" in history
    assert "02 Jun 2025 08:05" not in history  # UTC, not what a clock in England said
