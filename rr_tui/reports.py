"""``rr-tui status``: the open cases, most urgent first, as text or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from rr_tui.dates import uk, uk_short
from rr_tui.profile import Profile
from rr_tui.records import CaseRecord
from rr_tui.sanitize import for_display
from rr_tui.schedule import RAG_GLYPHS, RAG_WORDS
from rr_tui.views import CaseView, build_views, rag_counts


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def status_rows(views: Sequence[CaseView]) -> list[dict[str, Any]]:
    return [
        {
            "reference": v.record.reference,
            "rag": v.schedule.rag,
            "stage": v.schedule.stage,
            "next_step": v.next_step.id if v.next_step else None,
            "next_due": _iso(v.next_due),
            "steps": [
                {
                    "id": s.id,
                    "due": _iso(s.due),
                    "done": _iso(s.done),
                    "state": s.state,
                    "slack": s.slack,
                }
                for s in v.schedule.steps
            ],
        }
        for v in views
    ]


def status_json(records: Sequence[CaseRecord], profile: Profile, today: date) -> str:
    # One case per line: indent= would force json's pure-Python encoder (5x slower).
    rows = status_rows(build_views(records, profile, today))
    if not rows:
        return "[]\n"
    return "[\n" + ",\n".join(map(json.dumps, rows)) + "\n]\n"


def status_text(records: Sequence[CaseRecord], profile: Profile, today: date) -> str:
    views = build_views(records, profile, today)
    counts = rag_counts(views)
    lines = [
        f"Today {uk(today)} · {counts['red']} red · {counts['amber']} amber · "
        f"{counts['green']} green" + (f" · {counts['closed']} closed" if counts["closed"] else "")
    ]
    if not views:
        lines.append("No open cases.")
        return "\n".join(lines) + "\n"
    header = ("REFERENCE", "STAGE", "NEXT STEP", "DUE", "WD LEFT", "STATE")
    rows = [
        (
            for_display(v.record.reference),
            v.schedule.stage,
            v.next_step.label if v.next_step else "—",
            uk_short(v.next_due),
            "" if v.slack is None else str(v.slack),
            f"{RAG_GLYPHS[v.schedule.rag]} {RAG_WORDS[v.schedule.rag]}",
        )
        for v in views
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [
            cell.rjust(widths[i]) if i == 4 else cell.ljust(widths[i]) for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"
