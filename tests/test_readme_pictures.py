"""The README's pictures exist and are the ones scripts/screenshots.py makes (issue 12 §9)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_picture_the_readme_shows_is_made_by_the_script() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"\]\((docs/images/[\w.-]+\.svg)\)", readme))
    script = (ROOT / "scripts" / "screenshots.py").read_text(encoding="utf-8")
    made = {f"docs/images/{name}.svg" for name in re.findall(r'^    "([\w-]+)": _', script, re.M)}
    assert (
        shown
        == made
        == {
            "docs/images/case-list.svg",
            "docs/images/case-timeline.svg",
            "docs/images/form.svg",
            "docs/images/report.svg",
        }
    )
    for path in shown:
        svg = (ROOT / path).read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "rr-tui" in svg
