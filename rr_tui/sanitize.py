"""Text from users and imports is data: strip what could repaint a terminal.

Applied on the way in (the store cleans every text field it saves) and on the
way out (the screens and the CLI clean what they print), so that a value that
reached the database by another route still cannot move the cursor, change
colours or reverse the text of a coordinator's terminal.
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls except tab and newline, DEL, and the bidi embedding,
# override and isolate characters (Trojan Source).
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# A whole escape sequence, so that "ESC[31m" leaves nothing behind.
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


def clean_text(value: str, *, multiline: bool = True) -> str:
    """Remove escape sequences and control and bidi-override characters."""
    value = _ESCAPE.sub("", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _UNSAFE.sub("", value)
    if not multiline:
        value = " ".join(value.split())
    # Last, so that a letter and its accent that were split by a stripped
    # character are composed too: the result is NFC and cleaning it is a no-op.
    return unicodedata.normalize("NFC", value)


def for_display(value: str) -> str:
    """One line, safe to print: newlines and tabs become spaces."""
    if value.isascii() and value.isprintable():
        # Nothing to strip (the common case, and the list formats 30,000 of these).
        return " ".join(value.split())
    return " ".join(clean_text(value).split())
