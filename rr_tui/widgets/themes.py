"""rr-tui's two themes: Textual's dark and light themes, with colours that stay readable.

Every state word and every line of text meets WCAG AA (4.5:1) against what it
is drawn on, in truecolor and after the 256-colour quantisation Rich applies
(each state colour is a colour of the 256-colour palette, so it is sent
unchanged); under NO_COLOR (Textual's monochrome filter) the greys keep 4.5:1;
in 16 colours red, amber and green fall on three different terminal colours.
``tests/test_contrast.py`` measures all of this from what the app emits.
"""

from __future__ import annotations

from textual.theme import BUILTIN_THEMES, Theme

DARK = "rr-dark"
LIGHT = "rr-light"

_dark = BUILTIN_THEMES["textual-dark"]
_light = BUILTIN_THEMES["textual-light"]

RR_DARK = Theme(
    name=DARK,
    primary="#005f87",  # 24: white text on it (the Save button) reaches 4.5:1
    secondary=_dark.secondary,
    accent=_dark.accent,
    warning="#ffaf00",  # 256-colour 214; 16 colours: bright yellow
    error="#ff8787",  # 210; bright red (light enough for 4.5:1 in monochrome on the panel)
    success="#5fd75f",  # 77; bright green
    foreground=_dark.foreground,
    background="#121212",  # 233
    dark=True,
    variables={
        # The cursor row: white on a blue dark enough for 4.5:1.
        "block-cursor-background": "#005f87",
        "block-cursor-foreground": "#ffffff",
        "block-cursor-blurred-background": "#303030",
        "block-cursor-blurred-foreground": "#ffffff",
        "text-muted": "#a8a8a8",
        "footer-key-foreground": "#ffaf00",
        "footer-description-foreground": "#e4e4e4",
        "input-cursor-foreground": "#121212",
        # Placeholders ("YYYY-MM-DD", "(not set)") on inputs, focused or not.
        "text-disabled": "#a8a8a8",
        # A focused input's background (a named palette colour, so 256 colours keep it).
        "primary-muted": "#00005f",
    },
)

RR_LIGHT = Theme(
    name=LIGHT,
    primary=_light.primary,
    secondary=_light.secondary,
    accent="#875f00",  # dark amber: titles and borders on white
    warning="#875f00",  # 94; 16 colours: yellow
    error="#af0000",  # 124; red
    success="#005f00",  # 22; green
    foreground="#1c1c1c",  # 234
    background="#ffffff",  # 231
    surface="#eeeeee",  # 255
    panel="#e4e4e4",  # 254
    dark=False,
    variables={
        "block-cursor-background": "#005f87",
        "block-cursor-foreground": "#ffffff",
        "block-cursor-blurred-background": "#d0d0d0",
        "block-cursor-blurred-foreground": "#1c1c1c",
        "text-muted": "#4e4e4e",
        "footer-key-foreground": "#005f87",
        "footer-description-foreground": "#1c1c1c",
        "footer-background": "#e4e4e4",
        "text-disabled": "#4e4e4e",
        "primary-muted": "#d7d7ff",
    },
)

THEMES = (RR_DARK, RR_LIGHT)
