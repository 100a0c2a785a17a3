"""What the case list's filter matches, and how: case and accents ignored.

``zoe`` finds "Zoë", ``obrien`` does not find "O'Brien" but ``o'brien`` finds
"O’Brien". A case is found by its reference, child, owner, stage, next step
(short and full label) and its state, by word or meaning (``red``,
``overdue``).
"""

from __future__ import annotations

import unicodedata

# What each state means, so the filter finds it by meaning as well as by word.
STATE_MEANINGS: dict[str, str] = {
    "red": "red overdue late",
    "amber": "amber due soon",
    "green": "green on track",
    "incomplete": "incomplete missing date provisional",
    "closed": "closed",
}

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def fold(text: str) -> str:
    """Lower case, accents and other marks removed, curly quotes straightened."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def state_words(rag: str) -> str:
    return STATE_MEANINGS.get(rag, rag)
