"""Contrast of what the app really writes to a terminal (WCAG 2.x ratios).

The screen is taken the way Textual's driver writes it: the compositor's update
(after the app's line filters: monochrome under NO_COLOR), each colour downgraded
to the terminal's colour system (truecolor, 256 or 16 colours) by the same Rich
call the driver makes before writing it. Nothing is taken from the theme's
variables: only from what is emitted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rich._palettes import EIGHT_BIT_PALETTE
from rich.cells import cell_len
from rich.color import Color, ColorSystem, ColorType
from textual._compositor import LayoutUpdate
from textual.app import App
from textual.geometry import Region

RGB = tuple[int, int, int]
# Drawing, not text: borders, scrollbars, bars, the cursor's half blocks.
DECORATION = set("█░▀▄▌▐▔▁▎▊▏▕▉▍▋▇▆▅▃▂━─│┃╭╮╯╰┌┐└┘├┤┬┴┼═║╔╗╚╝▶◀")


@dataclass(frozen=True)
class Cell:
    """A run of text drawn in one style, where it is on screen and how it is coloured."""

    text: str
    x: int
    y: int
    fg: RGB | int | None  # RGB for truecolor/256, an SGR number for 16 colours
    bg: RGB | int | None
    bold: bool
    dim: bool
    reverse: bool


SYSTEMS = {
    "truecolor": ColorSystem.TRUECOLOR,
    "256": ColorSystem.EIGHT_BIT,
    "standard": ColorSystem.STANDARD,
}


def _emitted_colour(colour: Color | None, system: ColorSystem) -> RGB | int | None:
    """The colour the driver writes: Rich's downgrade, exactly as ``Strip.render_ansi`` does."""
    if colour is None or colour.type == ColorType.DEFAULT:
        return None
    sent = colour.downgrade(system)
    if sent.type == ColorType.TRUECOLOR:
        assert sent.triplet is not None
        return (sent.triplet.red, sent.triplet.green, sent.triplet.blue)
    if sent.type == ColorType.EIGHT_BIT and sent.number is not None and sent.number >= 16:
        r, g, b = EIGHT_BIT_PALETTE[sent.number]
        return (r, g, b)
    return sent.number  # 0-15: the terminal's own palette decides the colour


def cells(app: App[Any], color_system: str) -> Iterator[Cell]:
    """Every run of text on screen, with the colours the driver writes it in.

    The compositor's full update (after the app's line filters, such as the
    monochrome filter under NO_COLOR), each style's colours downgraded to the
    terminal's colour system as Textual's driver does when it writes them.
    """
    system = SYSTEMS[color_system]
    # Textual's compositor: private API, kept here in one place.
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    assert isinstance(update, LayoutUpdate)
    region = update.region
    for y, line in enumerate(update.strips, region.y):
        x = region.x
        for strip in line:
            for segment in strip:
                text, style = segment.text, segment.style
                if segment.control:
                    continue
                if style is None:
                    yield Cell(text, x, y, None, None, False, False, False)
                else:
                    yield Cell(
                        text,
                        x,
                        y,
                        _emitted_colour(style.color, system),
                        _emitted_colour(style.bgcolor, system),
                        bool(style.bold),
                        bool(style.dim),
                        bool(style.reverse),
                    )
                x += cell_len(text)


def luminance(rgb: RGB) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(a: RGB, b: RGB) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def blend(fg: RGB, bg: RGB, factor: float) -> RGB:
    r, g, b = (round(b_ + (f - b_) * factor) for f, b_ in zip(fg, bg, strict=True))
    return (r, g, b)


@dataclass(frozen=True)
class Reading:
    text: str
    x: int
    y: int
    ratio: float
    fg: RGB
    bg: RGB
    dim: bool


def readings(app: App[Any], color_system: str, region: Region | None = None) -> list[Reading]:
    """Every run of text on screen (inside ``region``) with its contrast ratio.

    A dim run is taken as a terminal draws it: its colour half way to the background.
    """
    found = []
    for cell in cells(app, color_system):
        if region is not None and not region.contains(cell.x, cell.y):
            continue
        letters = "".join(ch for ch in cell.text if not ch.isspace() and ch not in DECORATION)
        if not letters:
            continue
        fg, bg = cell.fg, cell.bg
        if cell.reverse:
            fg, bg = bg, fg
        assert isinstance(fg, tuple) and isinstance(bg, tuple), (
            f"{cell.text!r} drawn in the terminal's default colours: its contrast is unknown"
        )
        shown = blend(fg, bg, 0.5) if cell.dim else fg
        found.append(Reading(cell.text, cell.x, cell.y, ratio(shown, bg), fg, bg, cell.dim))
    return found


def standard_colours(app: App[Any], region: Region | None = None) -> list[tuple[str, int, object]]:
    """(text, line, foreground colour number) of every run, in 16 colours."""
    return [
        (cell.text, cell.y, cell.fg)
        for cell in cells(app, "standard")
        if region is None or region.contains(cell.x, cell.y)
    ]
