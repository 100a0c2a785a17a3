"""The 15-working-day clock as a bar: drawn by the case screen and meeting mode.

Rendering shared by screens lives in ``rr_tui.widgets``; screens import it
from here and never from each other.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text

from rr_tui import deadlines
from rr_tui.dates import uk


def progress_bar(
    referral: date | None,
    due: date | None,
    today: date,
    done: date | None,
    st: dict[str, str],
    width: int = 40,
) -> Text:
    """Where today sits between the referral and the Panel deadline, in working days."""
    if referral is None or due is None:
        return Text("The 15-working-day clock starts when the referral is recorded.", style="dim")
    total = max(deadlines.working_days_between(referral, due), 1)
    point = done or today
    used = deadlines.working_days_between(referral, point)
    filled = max(0, min(width, round(width * used / total)))
    over = used > total
    text = Text()
    text.append("█" * filled, style=st["red"] if over else st["bar"])
    text.append("░" * (width - filled), style="dim")
    text.append(f" WD {max(used, 0)}/{total}\n")
    text.append(f"Referral {uk(referral)} → Panel by {uk(due)}\n")
    if done:
        text.append(f"Panel told on working day {used} of {total}.")
    elif over:
        text.append(
            f"Today is working day {used}: {used - total} past the {total}-day deadline.",
            style=st["red"],
        )
    else:
        text.append(f"Today is working day {max(used, 0)} of {total}: {total - used} left.")
    return text
