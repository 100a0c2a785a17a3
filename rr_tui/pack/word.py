"""The pack as a Word document (python-docx): what partnerships send the Panel.

Sections use Word's own heading styles (Heading 1, sub-headings Heading 2), so
they paste into the Panel's template and show in Word's navigation pane;
actions, agencies and the sign-off are real Word tables. Paragraphs in a
right-to-left script are marked right to left.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime
from typing import Any

from rr_tui.pack.document import Heading, Pack, Table


def _rtl(text: str) -> bool:
    """Does the text's first strong character run right to left (Arabic, Hebrew)?"""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def _mark_rtl(paragraph: Any) -> None:
    from docx.oxml import OxmlElement

    paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
    for run in paragraph.runs:
        run.font.rtl = True


def _paragraph(container: Any, text: str, style: str | None = None) -> Any:
    paragraph = container.add_paragraph(text, style=style)
    if _rtl(text):
        _mark_rtl(paragraph)
    return paragraph


def to_docx(pack: Pack, created: datetime | None = None) -> bytes:
    from docx import Document  # deferred: only for this format
    from docx.shared import Pt, RGBColor

    document = Document()
    props = document.core_properties
    props.title = pack.title
    props.author = "rr-tui"
    props.last_modified_by = "rr-tui"
    if created is not None:
        props.created = props.modified = created
    if pack.banner:
        header = document.sections[0].header.paragraphs[0]
        run = header.add_run(pack.banner)
        run.bold = True
        run.font.color.rgb = RGBColor(0xA0, 0, 0)
    document.add_heading(pack.title, level=0)
    if pack.banner:
        banner = document.add_paragraph()
        run = banner.add_run(pack.banner)
        run.bold = True
        run.font.size = Pt(14)
        run.font.color.rgb = RGBColor(0xA0, 0, 0)
    subtitle = document.add_paragraph()
    subtitle.add_run(pack.subtitle).italic = True
    for number, section in enumerate(pack.sections, start=1):
        document.add_heading(f"{number}. {section.heading}", level=1)
        for block in section.blocks:
            if isinstance(block, Table):
                table = document.add_table(rows=1, cols=len(block.headers))
                table.style = "Table Grid"
                for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
                    cell.text = ""
                    cell.paragraphs[0].add_run(text).bold = True
                for row in block.rows:
                    cells = table.add_row().cells
                    for cell, text in zip(cells, row, strict=True):
                        cell.text = text
                        if _rtl(text):
                            _mark_rtl(cell.paragraphs[0])
                document.add_paragraph()
            elif isinstance(block, Heading):
                document.add_heading(block.text, level=2)
            else:
                _paragraph(document, block.text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
