"""Screens import widgets, never each other, except to push a screen.

Rendering that two screens share (the clock bar, the state palette, the case
table) lives in ``rr_tui.widgets``. A screen may import another screen only
inside the action that pushes it, or the form base and the dialogs it builds on.
"""

from __future__ import annotations

import ast
from pathlib import Path

import rr_tui.screens

SCREENS = Path(rr_tui.screens.__file__).parent
# The form base class and the yes/no and conflict dialogs that forms push.
BASES = {"rr_tui.screens.form", "rr_tui.screens.confirm"}


def _module_level_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in tree.body:  # module level only: imports inside actions push screens
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


def test_screens_do_not_import_each_other_at_module_level() -> None:
    offenders = []
    for path in sorted(SCREENS.glob("*.py")):
        own = f"rr_tui.screens.{path.stem}"
        for module in _module_level_imports(path):
            if module.startswith("rr_tui.screens.") and module != own and module not in BASES:
                offenders.append(f"{path.name} imports {module}")
    assert offenders == []


def test_widgets_never_import_screens() -> None:
    widgets = SCREENS.parent / "widgets"
    offenders = [
        f"{path.name} imports {module}"
        for path in sorted(widgets.glob("*.py"))
        for module in _module_level_imports(path)
        if module.startswith("rr_tui.screens")
    ]
    assert offenders == []


def test_meeting_mode_draws_the_clock_bar_from_widgets() -> None:
    from rr_tui.screens import case_detail, meeting_mode
    from rr_tui.widgets import progress

    assert meeting_mode.progress_bar is progress.progress_bar
    assert case_detail.progress_bar is progress.progress_bar
