"""The pack as PDF (fpdf2), in an embedded Unicode font with text shaping.

DejaVu Sans is embedded (subset) so that every character it has is drawn:
Polish and Romanian names, Greek, Cyrillic, Hebrew, and Arabic script joined
and laid out right to left (fpdf2's text shaping, through HarfBuzz). Text the
font cannot draw is found before rendering (``rr_tui.pack.glyphs``) and
reported by field (the command and the TUI show the warnings) and drawn as a
visible □; nothing becomes a silent question mark or vanishes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rr_tui.pack.document import Heading, Pack, Table
from rr_tui.pack.glyphs import BOLD, REGULAR, drawable_text, font_path, missing_glyphs

FAMILY = "DejaVuSans"


@dataclass(frozen=True)
class PdfResult:
    content: bytes
    warnings: tuple[str, ...]


def to_pdf(pack: Pack, created: datetime | None = None) -> bytes:
    return render_pdf(pack, created).content


def render_pdf(pack: Pack, created: datetime | None = None) -> PdfResult:
    from fpdf import FPDF  # deferred: about 200 ms, only for this command
    from fpdf.fonts import FontFace

    warnings = tuple(m.message() for m in missing_glyphs(pack))
    banner = pack.banner
    fonts = (REGULAR, BOLD)

    def t(text: str) -> str:
        return drawable_text(text, fonts)

    class PackPDF(FPDF):
        def header(self) -> None:
            if banner:
                self.set_font(FAMILY, "B", 9)
                self.set_text_color(160, 0, 0)
                self.cell(0, 5, banner, new_x="LMARGIN", new_y="NEXT", align="C")
                self.set_text_color(0, 0, 0)
                self.ln(1)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FAMILY, "", 8)
            self.cell(0, 5, t(f"{pack.title} · page {self.page_no()}"), align="C")

    pdf = PackPDF(format="A4")
    pdf.add_font(FAMILY, "", str(font_path(REGULAR)))
    pdf.add_font(FAMILY, "B", str(font_path(BOLD)))
    pdf.set_title(pack.title)  # metadata: any character is fine
    pdf.set_creator("rr-tui")
    if created is not None:
        pdf.set_creation_date(created)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 16)
    _lines(pdf, 9, t(pack.title))
    if banner:
        pdf.set_text_color(160, 0, 0)
        pdf.set_font(FAMILY, "B", 13)
        _lines(pdf, 8, banner)
        pdf.set_text_color(0, 0, 0)
    pdf.set_font(FAMILY, "", 9)
    _lines(pdf, 5, t(pack.subtitle))
    for number, section in enumerate(pack.sections, start=1):
        pdf.ln(4)
        pdf.set_font(FAMILY, "B", 12)
        _lines(pdf, 7, t(f"{number}. {section.heading}"))
        pdf.set_font(FAMILY, "", 9)
        for block in section.blocks:
            if isinstance(block, Table):
                _shape(pdf, *block.headers, *(c for row in block.rows for c in row))
                with pdf.table(
                    headings_style=FontFace(emphasis="BOLD"),
                    line_height=5,
                    text_align="LEFT",
                ) as table:
                    table.row([t(h) for h in block.headers])
                    for row in block.rows:
                        table.row([t(c) for c in row])
            elif isinstance(block, Heading):
                pdf.set_font(FAMILY, "B", 10)
                _lines(pdf, 6, t(block.text))
                pdf.set_font(FAMILY, "", 9)
                continue
            else:
                _lines(pdf, 5, t(block.text))
            pdf.ln(2)
    return PdfResult(bytes(pdf.output()), warnings)


def _lines(pdf: Any, height: float, text: str) -> None:
    _shape(pdf, text)
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def _needs_shaping(text: str) -> bool:
    """Right-to-left text, combining marks or a script whose letters join or reorder."""
    for char in text:
        if ord(char) < 0x0300:
            continue
        if unicodedata.bidirectional(char) in ("R", "AL", "AN") or unicodedata.combining(char):
            return True
        if 0x0900 <= ord(char) <= 0x109F or 0x1780 <= ord(char) <= 0x18AF:  # Indic, SE Asian
            return True
    return False


def _shape(pdf: Any, *texts: str) -> None:
    """Shape (HarfBuzz) only the text that needs it: it costs ten times plain layout."""
    wanted = any(_needs_shaping(t) for t in texts)
    if wanted != bool(pdf.text_shaping):
        pdf.set_text_shaping(wanted)
