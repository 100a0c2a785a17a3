"""Which characters a font can draw, so that no typed character vanishes silently.

The PDF embeds DejaVu Sans (shipped in ``rr_tui/pack/fonts``, Bitstream Vera
licence: see ``NOTICE``). It covers Latin (Polish, Romanian and the rest of
Europe), Greek, Cyrillic, Hebrew and Arabic; it has no Chinese, Japanese or
Korean, and few emoji. Before rendering, every piece of text is checked
against the font's character map, and each field with characters the font
lacks is reported by name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from rr_tui.pack.document import Heading, Pack, Para, Table

FONT_DIR = "fonts"
REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"


def font_path(name: str) -> Path:
    return Path(str(resources.files("rr_tui.pack").joinpath(FONT_DIR, name)))


@cache
def drawable(*names: str) -> frozenset[int]:
    """The code points every one of the named fonts has a glyph for."""
    from fontTools.ttLib import TTFont  # fpdf2's dependency; read only here

    maps = []
    for name in names:
        with TTFont(str(font_path(name)), lazy=True) as font:
            maps.append(frozenset(font.getBestCmap()))
    return frozenset.intersection(*maps)


def _needs_no_glyph(char: str) -> bool:
    # Spaces, line breaks and format characters (joiners, direction marks) draw nothing.
    return char.isspace() or unicodedata.category(char) in ("Cf", "Cc")


# What the PDF draws in place of a character its font lacks: visible, and never
# mistaken for a typed question mark (the warning names the field and the character).
PLACEHOLDER = "\u25a1"  # □ WHITE SQUARE


def drawable_text(text: str, fonts: tuple[str, ...]) -> str:
    """``text`` with each character the fonts cannot draw shown as PLACEHOLDER."""
    cmap = drawable(*fonts)
    if all(ord(c) in cmap for c in text):
        return text
    return "".join(c if ord(c) in cmap or _needs_no_glyph(c) else PLACEHOLDER for c in text)


@dataclass(frozen=True)
class Missing:
    source: str  # the field, as a reader knows it
    section: str  # the section heading
    chars: tuple[str, ...]

    def message(self) -> str:
        shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in self.chars[:5])
        more = f" and {len(self.chars) - 5} more" if len(self.chars) > 5 else ""
        return (
            f"the PDF's font cannot draw {shown}{more} in the field “{self.source}” "
            f"(section “{self.section}”); the PDF shows □ in their place (the Word and "
            "Markdown packs keep them)"
        )


def _pieces(pack: Pack) -> Iterator[tuple[str, str, str]]:
    """(text, source, section) for every piece of text the PDF shows."""
    yield pack.title, "Reference", "the title"
    for section in pack.sections:
        where = section.heading
        yield section.heading, f"[pack.headings] {section.id}", where
        for block in section.blocks:
            if isinstance(block, Para):
                yield block.text, block.source or where, where
            elif isinstance(block, Heading):
                yield block.text, where, where
            else:
                yield from _table_pieces(block, where)


def _table_pieces(table: Table, where: str) -> Iterator[tuple[str, str, str]]:
    for row in table.rows:
        first = row[0] if row else ""
        for header, cell in zip(table.headers, row, strict=False):
            # A two-column facts table names the fact; others the column.
            name = first if header == "Recorded" else header
            yield cell, f"{table.source}: {name}" if table.source else name, where


def missing_glyphs(pack: Pack, fonts: tuple[str, ...] = (REGULAR, BOLD)) -> list[Missing]:
    """Each field with characters the fonts cannot draw, in document order."""
    cmap = drawable(*fonts)
    found: dict[tuple[str, str], list[str]] = {}
    for text, source, section in _pieces(pack):
        for char in text:
            if ord(char) in cmap or _needs_no_glyph(char):
                continue
            chars = found.setdefault((source, section), [])
            if char not in chars:
                chars.append(char)
    return [Missing(source, section, tuple(chars)) for (source, section), chars in found.items()]
