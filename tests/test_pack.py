"""The rapid review pack for the National Panel: sections, escaping, PDF, privacy, audit."""

from __future__ import annotations

import io
import os
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from pypdf import PdfReader

from rr_tui.cli import main
from rr_tui.pack import (
    SECTIONS,
    Pack,
    PackConfigError,
    build_pack,
    pack_settings,
    to_markdown,
    to_pdf,
)
from rr_tui.profile import ENGLAND
from rr_tui.records import ActionRecord, CaseFields, MeetingRecord
from rr_tui.store import Store

D = date
TODAY = D(2025, 6, 18)
REF = "RR-2025-014"
FIXED = (
    "Timeline of steps against their deadlines",
    "Who recorded what",
)
EVIL = "[x](http://evil.example) <script>alert(1)</script> <img src=x onerror=alert(2)>"
NON_LATIN = "Zoë Łukasz ✓ “quotes”"


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str) -> None:
    assert err.startswith("rr-tui: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def make_case(store: Store, *, child: str = "Child K", note: str = "") -> int:
    """A case at the meeting stage: referral Mon 2 Jun 2025, two agencies, a meeting."""
    case_id = store.create_case(
        CaseFields(
            reference=REF,
            child=child,
            lead_authority="Northshire",
            age_band="1-4",
            incident_type="serious_harm",
            owner="A. Patel",
        ),
        {"incident_aware": D(2025, 5, 30), "referral_received": D(2025, 6, 2)},
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
        ),
    )
    return case_id


def pack_of(store: Store, case_id: int, **kwargs: Any) -> Pack:
    return build_pack(store.get_case(case_id), store.history(case_id), ENGLAND, TODAY, **kwargs)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


# -- sections -------------------------------------------------------------------------


def test_default_pack_has_every_section_in_order_then_timeline_and_history(store: Store) -> None:
    document = pack_of(store, make_case(store))
    assert document.title == f"Rapid review: {REF}"
    assert [s.heading for s in document.sections] == [*SECTIONS.values(), *FIXED]
    markdown = to_markdown(document)
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert headings == [
        "## 1. The facts of the case",
        "## 2. Agency involvement",
        "## 3. Key practice episodes",
        "## 4. Immediate safeguarding actions",
        "## 5. Learning identified",
        "## 6. The child's and family's context",
        "## 7. The decision and its rationale",
        "## 8. Timeline of steps against their deadlines",
        "## 9. Who recorded what",
    ]
    assert markdown.startswith(f"# Rapid review: {REF}\n")
    assert "Prepared Wed 18 Jun 2025" in markdown


def test_sections_and_headings_follow_the_configuration(store: Store) -> None:
    order, headings = pack_settings(
        {"sections": ["decision", "facts", "agencies"], "headings": {"decision": "Outcome"}}
    )
    assert order == ("decision", "facts", "agencies")
    document = pack_of(store, make_case(store), order=order, headings=headings)
    assert [s.heading for s in document.sections] == [
        "Outcome",
        "The facts of the case",
        "Agency involvement",
        *FIXED,
    ]
    markdown = to_markdown(document)
    assert "## 1. Outcome\n\nDecision: Local CSPR.\n\nMeets the criteria" in markdown
    assert "Key practice episodes" not in markdown
    assert "## 4. Timeline of steps against their deadlines" in markdown
    assert "## 5. Who recorded what" in markdown


def test_pack_settings_default_is_every_section() -> None:
    assert pack_settings({}) == (tuple(SECTIONS), SECTIONS)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"sections": ["facts", "gossip"]}, "'gossip' is not one of"),
        ({"sections": "facts"}, "a list of section ids"),
        ({"sections": ["facts", 3]}, "a list of section ids"),
        ({"headings": {"gossip": "Gossip"}}, "'gossip' is not a section id"),
        ({"headings": ["facts"]}, "a table of section id = heading"),
    ],
)
def test_bad_pack_settings_are_refused(table: dict[str, object], message: str) -> None:
    with pytest.raises(PackConfigError, match=message):
        pack_settings(table)


def test_pack_contents_facts_agencies_actions_and_timeline(store: Store) -> None:
    markdown = to_markdown(pack_of(store, make_case(store)))
    assert "| Child (initials or pseudonym) | Child K |" in markdown
    assert "| Incident | Serious harm |" in markdown
    assert "| Referral received | Mon 2 Jun 2025 |" in markdown
    # Police: 5 WD after Tue 3 Jun is Tue 10 Jun; GP: 3 WD is Fri 6 Jun, in on Thu 5 Jun.
    assert "| Northshire Police | Tue 3 Jun 2025 | Tue 10 Jun 2025 | — | No | No |" in markdown
    assert "| Riverside GP | Tue 3 Jun 2025 | Fri 6 Jun 2025 | Thu 5 Jun 2025 | Yes | No |" in (
        markdown
    )
    assert "| Safety plan | CSC | Fri 20 Jun 2025 | — |" in markdown
    # Referral Mon 2 Jun: meeting due WD 13 Thu 19 Jun, held Mon 16 Jun (3 WD early);
    # Panel due min(WD 15 Mon 23 Jun, 2 WD after the meeting Wed 18 Jun).
    assert "| Rapid Review meeting | Thu 19 Jun 2025 | Mon 16 Jun 2025 | done | 3 |" in markdown
    assert "| Panel notified | Wed 18 Jun 2025 | — | pending | 0 |" in markdown
    # A local review: six months after the meeting.
    assert "| Final report | Tue 16 Dec 2025 | — | pending |" in markdown
    history = markdown.split("## 9. Who recorded what")[1]
    assert "cases: created" in history
    assert "meetings: created" in history
    assert "agencies: changed " in history


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
    # Only the document's own title and subtitle are formatted.
    counts = {tag: html.count(tag) for tag in ("<em>", "<strong>", "<code>", "<h1>")}
    assert counts == {"<em>": 1, "<strong>": 0, "<code>": 0, "<h1>": 1}
    assert note in html


# -- PDF ------------------------------------------------------------------------------


def test_pdf_opens_and_holds_the_reference_headings_agencies_and_steps(store: Store) -> None:
    document = pack_of(store, make_case(store))
    data = to_pdf(document)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata is not None and reader.metadata.title == f"Rapid review: {REF}"
    text = pdf_text(data)
    assert f"Rapid review: {REF}" in text
    for number, heading in enumerate([*SECTIONS.values(), *FIXED], start=1):
        assert f"{number}. {heading}" in text
    assert "Northshire Police" in text
    assert "Riverside GP" in text
    assert "Rapid Review meeting" in text
    assert "Panel notified" in text
    assert "Learning about information sharing." in text


def test_pdf_survives_text_beyond_latin_1(store: Store) -> None:
    case_id = make_case(store, child=NON_LATIN, note=NON_LATIN + " 中文 🙂")
    store.add_agency(case_id, "Łódź Health ✓", D(2025, 6, 3))
    text = pdf_text(to_pdf(pack_of(store, case_id)))
    assert "ukasz" in text
    assert '"quotes"' in text
    assert "Health yes" in text


def test_pdf_keeps_latin_1_accents(store: Store) -> None:
    text = pdf_text(to_pdf(pack_of(store, make_case(store, child="Zoë Renée"))))
    assert "Zoë Renée" in text


# -- the command line -----------------------------------------------------------------


@pytest.fixture
def pack_db(store: Store, db_url: str) -> tuple[str, int]:
    return db_url, make_case(store)


def test_cli_pdf_is_private_readable_and_audited(
    capsys: pytest.CaptureFixture[str], store: Store, pack_db: tuple[str, int], tmp_path: Path
) -> None:
    url, case_id = pack_db
    target = tmp_path / "pack.pdf"
    target.write_bytes(b"old")
    target.chmod(0o644)
    code, out, err = cli(
        capsys,
        "--db",
        url,
        "--today",
        TODAY.isoformat(),
        "pack",
        REF,
        "--format",
        "pdf",
        "--output",
        str(target),
    )
    assert (code, err) == (0, "")
    assert out == f"wrote {target} (readable only by you)\n"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    text = pdf_text(target.read_bytes())
    assert REF in text
    assert "1. The facts of the case" in text
    assert "Northshire Police" in text
    assert "Scoping requests sent" in text
    assert store.history(case_id)[-1].summary == "rapid review pack written (pdf)"
    assert cli(capsys, "--db", url, "audit", "verify") == (0, "audit trail intact\n", "")


def test_cli_markdown_default_name_and_standard_output(
    capsys: pytest.CaptureFixture[str],
    store: Store,
    pack_db: tuple[str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, case_id = pack_db
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "--db", url, "--today", TODAY.isoformat(), "pack", REF)
    assert (code, err) == (0, "")
    written = tmp_path / f"{REF}-rapid-review.md"
    assert stat.S_IMODE(os.stat(written).st_mode) == 0o600
    assert written.read_text(encoding="utf-8").startswith(f"# Rapid review: {REF}\n")

    code, out, err = cli(
        capsys, "--db", url, "--today", TODAY.isoformat(), "pack", REF, "--output", "-"
    )
    assert (code, err) == (0, "")
    assert out.startswith(f"# Rapid review: {REF}\n")
    assert "## 9. Who recorded what" in out
    assert "wrote" not in out
    packs = [h.summary for h in store.history(case_id) if h.summary.startswith("rapid review")]
    assert packs == ["rapid review pack written (md)"] * 2
    assert cli(capsys, "--db", url, "audit", "verify")[0] == 0


def test_cli_pack_follows_the_configured_sections(
    capsys: pytest.CaptureFixture[str], pack_db: tuple[str, int], isolated: Path
) -> None:
    (isolated / "config.toml").write_text(
        '[pack]\nsections = ["learning", "facts"]\n\n[pack.headings]\nlearning = "What we learnt"\n'
    )
    code, out, err = cli(capsys, "--db", pack_db[0], "pack", REF, "--output", "-")
    assert (code, err) == (0, "")
    headings = [line for line in out.splitlines() if line.startswith("## ")]
    assert headings == [
        "## 1. What we learnt",
        "## 2. The facts of the case",
        "## 3. Timeline of steps against their deadlines",
        "## 4. Who recorded what",
    ]


def test_cli_bad_pack_configuration_is_one_line(
    capsys: pytest.CaptureFixture[str], pack_db: tuple[str, int], isolated: Path
) -> None:
    (isolated / "config.toml").write_text('[pack]\nsections = ["facts", "gossip"]\n')
    code, out, err = cli(capsys, "--db", pack_db[0], "pack", REF, "--output", "-")
    assert (code, out) == (10, "")
    assert_one_line_error(err)
    assert "'gossip'" in err


def test_cli_pack_errors_are_one_line_and_write_nothing(
    capsys: pytest.CaptureFixture[str],
    store: Store,
    pack_db: tuple[str, int],
    tmp_path: Path,
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
