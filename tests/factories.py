"""Building what tests start from, and running the command line in-process: one copy each.

- ``cli``: ``rr-tui`` with these arguments, in this process; returns the exit code
  and what it printed (``capsys`` catches it).
- ``assert_one_line_error``: a failed command said why in one line, never a traceback.
- ``seeded``: the twelve demo cases (``rr_tui.demo.seed``) written into a new
  database for a given today.
"""

from __future__ import annotations

from datetime import date

import pytest

from rr_tui.cli.main import main
from rr_tui.demo import seed
from rr_tui.store import Store

# The commands ``rr-tui --help`` lists first (the reports' commands follow them).
COMMANDS = (
    "tui",
    "demo",
    "status",
    "deadline",
    "record",
    "import",
    "export",
    "profile",
    "audit",
    "db",
    "backup",
)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``rr-tui ARGS`` in-process; returns (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str) -> None:
    """What the command printed is one line saying what went wrong: no traceback."""
    assert err.startswith("rr-tui: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def seeded(url: str, today: date) -> str:
    """Create the database at ``url`` holding the demo cases dated around ``today``."""
    store = Store(url, create=True)
    try:
        seed(store, today)
    finally:
        store.close()
    return url
