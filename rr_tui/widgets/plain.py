"""User text is data: table cells as plain ``Text``, never Rich markup.

Rich reads a ``str`` cell as markup: an agency named ``Health [/] Trust`` stops
the app (a closing tag with nothing to close) and ``[bold]`` would restyle a
row. Every table row in the TUI goes through ``plain_row``.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text


def plain(value: RenderableType) -> RenderableType:
    """A ``str`` as plain Text; anything already renderable as it is."""
    return Text(value) if isinstance(value, str) else value


def plain_row(table: Table, *cells: RenderableType) -> None:
    table.add_row(*(plain(cell) for cell in cells))
