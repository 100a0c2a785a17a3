"""The pack as Markdown: user text is always literal (no links, HTML or formatting)."""

from __future__ import annotations

import re

from rr_tui.pack.document import Heading, Pack, Table

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str) -> str:
    """User text as literal Markdown: no links, HTML or formatting sneak in."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def to_markdown(pack: Pack) -> str:
    lines = [f"# {_md(pack.title)}", ""]
    if pack.banner:
        lines += [f"**{_md(pack.banner)}**", ""]
    lines += [f"_{_md(pack.subtitle)}_", ""]
    for number, section in enumerate(pack.sections, start=1):
        lines += [f"## {number}. {_md(section.heading)}", ""]
        for block in section.blocks:
            if isinstance(block, Table):
                lines.append("| " + " | ".join(_md(h) for h in block.headers) + " |")
                lines.append("|" + "---|" * len(block.headers))
                for row in block.rows:
                    cells = (_md(c).replace("\n", " ") for c in row)
                    lines.append("| " + " | ".join(cells) + " |")
            elif isinstance(block, Heading):
                lines.append(f"### {_md(block.text)}")
            else:
                lines.append(_md(block.text))
            lines.append("")
    return "\n".join(lines)
