"""The rapid review pack for the National Panel: one document, three formats.

- ``document``: the sections, built from the case record (pure).
- ``markdown``, ``pdf``, ``word``: the renderers (fpdf2 and python-docx are
  imported only when their format is asked for).
- ``glyphs``: which typed characters the PDF's font cannot draw, by field.
- ``write``: ``write_pack``, the one path the command line and the TUI share.
"""

from __future__ import annotations

from rr_tui.pack.document import (
    ALL_SECTIONS,
    DRAFT_BANNER,
    OPTIONAL_SECTIONS,
    SECTIONS,
    Block,
    Heading,
    Pack,
    PackConfigError,
    PackSettings,
    Para,
    Section,
    Table,
    build_pack,
    default_file_name,
    pack_settings,
)
from rr_tui.pack.markdown import to_markdown
from rr_tui.pack.write import (
    FORMATS,
    NotSignedOff,
    PackOutput,
    PackSource,
    render_pack,
    settings_from,
    write_pack,
)


def to_pdf(pack: Pack) -> bytes:
    from rr_tui.pack.pdf import to_pdf as render

    return render(pack)


def to_docx(pack: Pack) -> bytes:
    from rr_tui.pack.word import to_docx as render

    return render(pack)


__all__ = [
    "ALL_SECTIONS",
    "DRAFT_BANNER",
    "FORMATS",
    "OPTIONAL_SECTIONS",
    "SECTIONS",
    "Block",
    "Heading",
    "NotSignedOff",
    "Pack",
    "PackConfigError",
    "PackOutput",
    "PackSettings",
    "PackSource",
    "Para",
    "Section",
    "Table",
    "build_pack",
    "default_file_name",
    "pack_settings",
    "render_pack",
    "settings_from",
    "to_docx",
    "to_markdown",
    "to_pdf",
    "write_pack",
]
