"""What became of the actions: figures for the partners' yearly report. Pure.

- ``recommendations``: recommendations made in the period (their date), the
  actions of recommendations done in the period, and those overdue in it (due
  in the period and not done by their due date: done late, or still open and
  past due on ``today``);
- ``immediate_actions``: the same two counts for immediate safeguarding actions;
- ``paused_cases``: cases whose local review was paused for parallel proceedings at
  some time in the period.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rr_tui.records import CaseRecord, TrackedAction
from rr_tui.rules.lifecycle import paused_during


def _overdue_in(action: TrackedAction, start: date, end: date, today: date) -> bool:
    due = action.due_on
    if due is None or not start <= due <= end:
        return False
    if action.done_on is not None:
        return action.done_on > due
    return today > due


def action_figures(
    records: Sequence[CaseRecord], start: date, end: date, today: date
) -> dict[str, dict[str, int] | int]:
    made = rec_done = rec_overdue = imm_done = imm_overdue = paused = 0
    for record in records:
        for rec in record.recommendations:
            if rec.made_on is not None and start <= rec.made_on <= end:
                made += 1
        for action in record.actions:
            done = action.done_on is not None and start <= action.done_on <= end
            overdue = _overdue_in(action, start, end, today)
            if action.recommendation is not None:
                rec_done += done
                rec_overdue += overdue
            else:
                imm_done += done
                imm_overdue += overdue
        if paused_during([(p.started_on, p.ended_on) for p in record.pauses], start, end):
            paused += 1
    return {
        "recommendations": {
            "made": made,
            "actions_done": rec_done,
            "actions_overdue": rec_overdue,
        },
        "immediate_actions": {"done": imm_done, "overdue": imm_overdue},
        "paused_cases": paused,
    }
