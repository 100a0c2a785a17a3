"""The rapid-review clock as a bar: drawn by the case screen and meeting mode.

Rendering shared by screens lives in ``rr_tui.widgets``; screens import it
from here and never from each other. The numbers come from the rules engine
(``rr_tui.rules.schedule.clock_bar``): N in "WD n/N" is the profile's.
"""

from __future__ import annotations

from rich.text import Text

from rr_tui.dates import uk
from rr_tui.rules.profile import FACT_NAMES, Profile, fact_words
from rr_tui.rules.schedule import ClockBar


def progress_bar(
    bar: ClockBar | None, profile: Profile, st: dict[str, str], width: int = 40
) -> Text:
    """Where today sits on the rapid-review clock: "WD n/N", N from the profile."""
    if bar is None:
        # The labels as the timeline shows them (a profile's own labels keep their case).
        start = " or ".join(f"“{profile.label(a)}”" for a in profile.clock_anchors)
        n = profile.clock_wd
        clock = f"The {n}-working-day clock" if n else "The rapid-review clock"
        return Text(f"{clock} starts when a date is recorded for {start}.", style="dim")
    total, used = max(bar.total, 1), bar.used
    filled = max(0, min(width, round(width * used / total)))
    over = used > total
    text = Text()
    text.append("█" * filled, style=st["red"] if over else st["bar"])
    text.append("░" * (width - filled), style="dim")
    text.append(f" WD {max(used, 0)}/{total}\n")
    name = FACT_NAMES.get(bar.anchor, bar.anchor)
    # The date the timeline shows for the step; when a rule other than the
    # clock's gives an earlier one, the bar says which, and when day N falls.
    step = bar.step
    shown = step.due if step is not None and step.due is not None else bar.due
    text.append(f"{name[:1].upper()}{name[1:]} {uk(bar.start)} → ")
    text.append(f"RR to Panel by {uk(shown)}\n")
    if step is not None and shown != bar.due and step.basis is not None:
        wd = profile.rule_wd(step.id, step.basis)
        after = (
            f"{wd} WD after {fact_words(step.basis)}" if wd else f"from {fact_words(step.basis)}"
        )
        local = " (local target)" if step.local else ""
        text.append(f"{after[:1].upper()}{after[1:]}{local}; working day {total}: {uk(bar.due)}.\n")
    if bar.provisional:
        first = profile.clock_anchors[0]
        text.append(
            f"Provisional: from {fact_words(bar.anchor)}, "
            f"{FACT_NAMES.get(first, first)} date not recorded.\n",
            style=st["amber"],
        )
    if bar.sent:
        text.append(f"RR sent to Panel on working day {used} of {total}.")
    elif over:
        text.append(
            f"Today is working day {used}: {used - total} past the {total}-day deadline.",
            style=st["red"],
        )
    else:
        text.append(f"Today is working day {max(used, 0)} of {total}: {total - used} left.")
    return text
