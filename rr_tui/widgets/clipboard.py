"""What to say after sending text to the clipboard through the terminal (OSC 52).

rr-tui cannot know whether the text reached the clipboard: it writes an OSC 52
sequence and the terminal decides. So the message says the text was *sent to
the terminal*, says what tmux needs, and points at a view to copy it by hand.
"""

from __future__ import annotations

import os
from collections.abc import Mapping


def clipboard_message(what: str, view_key: str, env: Mapping[str, str] | None = None) -> str:
    """One notification: ``what`` was sent to the terminal, and what to do if paste is empty."""
    env = os.environ if env is None else env
    by_hand = f"press {view_key} to see the text and copy it by hand"
    if env.get("TMUX"):
        return (
            f"{what} sent to your terminal through tmux (OSC 52). tmux passes it on to "
            "your clipboard only with `set -g set-clipboard on` in ~/.tmux.conf; "
            f"if paste gives nothing, {by_hand}."
        )
    return (
        f"{what} sent to your terminal (OSC 52). Most terminals put it on your "
        f"clipboard; if paste gives nothing, {by_hand}."
    )
