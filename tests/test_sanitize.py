"""Hostile text: nothing a user types or imports can repaint a coordinator's terminal."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rr_tui.sanitize import clean_text, for_display

UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b[2J\x1b[Hcleared", "cleared"),
        ("\x1b]0;window title\x07after", "after"),
        ("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("bell\x07 nul\x00 del\x7f", "bell nul del"),
        ("csi\x9b31m", "csi31m"),
        ("abc\u202edcba\u202c", "abcdcba"),
        ("\u2066isolate\u2069 \u200fmark", "isolate mark"),
        ("windows\r\nmac\rline", "windows\nmac\nline"),
        ("tab\tkept", "tab\tkept"),
        ("[bold]Rich markup is data[/bold]", "[bold]Rich markup is data[/bold]"),
        ("Zoë, Łódź, 東京", "Zoë, Łódź, 東京"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_one_line_fields_collapse_whitespace() -> None:
    assert clean_text("  two\n lines\tand  spaces ", multiline=False) == "two lines and spaces"


def test_for_display_is_one_safe_line() -> None:
    assert for_display("a\nb\x1b[1m\tc") == "a b c"


def test_decomposed_accents_are_composed_even_across_a_stripped_character() -> None:
    assert clean_text("Zoe\u0308") == "Zoë"
    assert clean_text("Zoe\x00\u0308") == "Zoë"
    assert clean_text("Zoe\x1b[1m\u0308") == "Zoë"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_cleaned_text_has_no_control_or_bidi_characters_and_is_stable(raw: str) -> None:
    cleaned = clean_text(raw)
    assert not UNSAFE.search(cleaned)
    assert clean_text(cleaned) == cleaned
    assert unicodedata.is_normalized("NFC", cleaned)
    line = for_display(raw)
    assert "\n" not in line and "\t" not in line
    assert not UNSAFE.search(line)


@given(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Zl", "Zp")),
        max_size=200,
    )
)
def test_ordinary_text_is_left_alone(raw: str) -> None:
    assert clean_text(raw) == unicodedata.normalize("NFC", raw)
