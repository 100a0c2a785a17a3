"""Rich styles for states, taken from the current theme's variables.

Rich renderables cannot use TCSS variables, so screens that draw Rich tables
ask for this palette each time they render: a theme switch then recolours
them, and the states stay readable in the light theme too.
"""

from __future__ import annotations

from textual.app import App


def state_styles(app: App[object]) -> dict[str, str]:
    css = app.get_css_variables()
    error, warning, success = css["error"], css["warning"], css["success"]
    return {
        # Step states
        "done": success,
        "late": warning,
        "pending": "",
        "overdue": f"bold {error}",
        "waiting": "dim",
        "paused": f"italic {warning}",
        # Case RAG
        "red": f"bold {error}",
        "amber": f"bold {warning}",
        "incomplete": f"bold italic {warning}",
        "green": success,
        "closed": "dim",
        # Decorations
        "bar": css["primary"],
        "muted": "dim",
    }
