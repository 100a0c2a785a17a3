"""Commands that produce documents from the records: pack, chase, report, calendar,
digest, and a case's history."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rr_tui.errors import UsageError

if TYPE_CHECKING:
    from rr_tui.config import Config
    from rr_tui.store import Store

OpenStore = Callable[[], "Store"]


def add_commands(
    command: Callable[[str, str], argparse.ArgumentParser],
    date_arg: Callable[[str], date],
    int_arg: Callable[[str, int, int], Callable[[str], int]],
) -> None:
    from rr_tui.dates import EARLIEST, LATEST

    p = command("pack", "write the rapid review pack for the National Panel (Markdown, PDF, Word)")
    p.add_argument("reference")
    p.add_argument("--format", choices=("md", "pdf", "docx"), default="md")
    p.add_argument(
        "--final",
        action="store_true",
        help="the signed-off pack: refused (exit 3) until all three partners have signed",
    )
    p.add_argument(
        "--output",
        type=Path,
        metavar="PATH",
        help="default: REFERENCE-rapid-review.md, .pdf or .docx in this folder; "
        "- for standard output (Markdown only)",
    )
    p = command(
        "chase",
        "agency returns and actions due within 2 working days or overdue, with chaser texts",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = command(
        "report",
        "timeliness figures for a period (SIN, RR to Panel, LCSPR publication), counts, actions",
    )
    period = p.add_mutually_exclusive_group(required=True)
    period.add_argument(
        "--year", type=int_arg("--year", EARLIEST.year, LATEST.year), help="a calendar year"
    )
    period.add_argument(
        "--financial-year",
        type=int_arg("--financial-year", EARLIEST.year, LATEST.year - 1),
        metavar="YEAR",
        help="April YEAR to March YEAR+1",
    )
    period.add_argument(
        "--from",
        dest="start",
        type=date_arg,
        metavar="DATE",
        help="first day (with --to)",
    )
    p.add_argument(
        "--to",
        dest="end",
        type=date_arg,
        metavar="DATE",
        help="last day (with --from)",
    )
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON keyed by measure")
    fmt.add_argument("--csv", action="store_true", help="CSV, the period and each quarter")
    p.add_argument(
        "--by",
        choices=("start", "notification", "incident"),
        default="start",
        help="put each case in the period of: each measure's starting event (default), "
        "its SIN date (as DfE counts), or its incident date (as the Panel's annual report)",
    )
    p = command("calendar", "every upcoming deadline as an iCalendar (.ics) file")
    p.add_argument("--owner", metavar="NAME", help="only cases this coordinator owns")
    p.add_argument(
        "--output", type=Path, metavar="FILE.ics", required=True, help="- for standard output"
    )
    p = command(
        "digest",
        "what is overdue and what falls due in the next N working days, by owner: steps, "
        "agency returns and meeting actions (case references only: for cron and mail)",
    )
    p.add_argument("--owner", metavar="NAME", help="only cases this coordinator owns")
    p.add_argument(
        "--days",
        type=int_arg("--days", 0, 60),
        default=5,
        metavar="N",
        help="working days ahead (default 5; 0: overdue and due today)",
    )
    p.add_argument(
        "--skip-empty",
        action="store_true",
        help="print nothing when nothing is due (so `mail -E` sends no mail)",
    )
    p = command(
        "history",
        "who recorded what on a case, and when (London time), oldest first: its audit trail",
    )
    p.add_argument("reference")
    p.add_argument(
        "--json",
        action="store_true",
        help="machine-readable: each entry's time (ISO 8601, London, with its offset), "
        "who, the record, what changed",
    )


COMMANDS = ("pack", "chase", "report", "calendar", "digest", "history")


def run(
    command: str, args: argparse.Namespace, config: Config, open_store: OpenStore, today: date
) -> int:
    from contextlib import closing

    with closing(open_store()) as store:
        if command == "pack":
            return _pack(args, config, store, today)
        if command == "chase":
            return _chase(args, config, store, today)
        if command == "report":
            return _report(args, config, store, today)
        if command == "digest":
            return _digest(args, config, store, today)
        if command == "history":
            return _history(args, store)
        return _calendar(args, config, store, today)


def _pack(args: argparse.Namespace, config: Config, store: Store, today: date) -> int:
    from rr_tui import out
    from rr_tui.pack import default_file_name, settings_from, write_pack

    settings = settings_from(config.extra.get("pack", {}))
    case_id = store.case_id(args.reference)
    to_stdout = args.output is not None and str(args.output) == "-"
    if to_stdout:
        target = None
    else:
        reference = store.get_case(case_id).reference
        target = args.output or Path(default_file_name(reference, args.format))
    output = write_pack(
        store,
        case_id,
        target,
        fmt=args.format,
        final=args.final,
        settings=settings,
        profile=config.profile,
        today=today,
    )
    for warning in output.warnings:
        out.error_line(f"warning: {warning}")
    if target is None:
        out.write_text(output.content.decode("utf-8"))
        return 0
    state = "draft, not signed off" if output.draft else "signed off"
    print(f"wrote {target} ({state}; readable only by you)")
    return 0


def _chase(args: argparse.Namespace, config: Config, store: Store, today: date) -> int:
    from rr_tui.dates import uk
    from rr_tui.out import json_text
    from rr_tui.reports.chase import (
        action_chase_list,
        action_reminder_text,
        chase_list,
        chaser_text,
    )
    from rr_tui.sanitize import for_display

    records = store.list_cases()
    groups = chase_list(records, config.profile, today)
    actions = action_chase_list(records, today, profile=config.profile)
    if args.json:
        out = [
            {
                "agency": agency,
                "items": [
                    {
                        "reference": i.reference,
                        "requested": i.requested.isoformat() if i.requested else None,
                        "due": i.due.isoformat(),
                        "slack": i.slack,
                        "overdue": i.overdue,
                        "chasers": [d.isoformat() for d in i.chasers],
                    }
                    for i in items
                ],
                "chaser": chaser_text(agency, items, today, profile=config.profile),
            }
            for agency, items in groups.items()
        ]
        # Then the actions, by owner: numbers and dates, never the action's text.
        out += [
            {
                "owner": owner,
                "actions": [
                    {
                        "reference": i.reference,
                        "number": i.number,
                        "recommendation": i.recommendation,
                        "due": i.due.isoformat(),
                        "slack": i.slack,
                        "overdue": i.overdue,
                    }
                    for i in owned
                ],
                "reminder": action_reminder_text(owner, owned, today),
            }
            for owner, owned in actions.items()
        ]
        print(json_text(out))
        return 0
    if not groups and not actions:
        print(
            "Nothing to chase: no agency return or action is due within "
            f"{config.profile.amber_slack} working days."
        )
        return 0
    for agency, items in groups.items():
        print(f"== {agency} ==")
        for i in items:
            state = f"{-i.slack} WD overdue" if i.overdue else f"{i.slack} WD left"
            sent = ", ".join(uk(d) for d in i.chasers) or "none"
            print(f"  {i.reference}  due {uk(i.due)}  {state}  chasers sent: {sent}")
        print()
        text = chaser_text(agency, items, today, profile=config.profile)
        print("\n".join("    " + line for line in text.splitlines()))
        print()
    for owner, owned in actions.items():
        print(f"== Actions: {for_display(owner)} ==")
        for a in owned:
            state = f"{-a.slack} WD overdue" if a.overdue else f"{a.slack} WD left"
            rec = f" (recommendation {a.recommendation})" if a.recommendation else ""
            print(f"  {for_display(a.reference)}  action {a.number}{rec}  due {uk(a.due)}  {state}")
        print()
        reminder = action_reminder_text(owner, owned, today)
        print("\n".join("    " + line for line in reminder.splitlines()))
        print()
    return 0


def _report(args: argparse.Namespace, config: Config, store: Store, today: date) -> int:
    # Imported here, as every command's own modules are: off the other commands' start.
    import csv
    import io
    import json

    from rr_tui.reports.timeliness import (
        ASSIGN_BY,
        MEASURES,
        Period,
        by_quarter,
        calendar_year,
        counts,
        counts_summary,
        figures,
        financial_year,
        labels,
    )

    if args.year is not None:
        period = calendar_year(args.year)
    elif args.financial_year is not None:
        period = financial_year(args.financial_year)
    else:
        if args.end is None:
            raise UsageError("--from needs --to")
        if args.end < args.start:
            raise UsageError("--to is before --from")
        period = Period(args.start, args.end, f"{args.start} to {args.end}")
    if args.end is not None and args.start is None:
        raise UsageError("--to goes with --from")
    records = store.list_cases(include_closed=True)
    by = getattr(args, "by", "start")
    totals = figures(records, config.profile, period, today, by)
    if args.json:
        from rr_tui.reports.followup import action_figures

        out: dict[str, object] = {m: totals[m].as_dict() for m in MEASURES}
        out["counts"] = counts(records, period)
        out.update(action_figures(records, period.start, period.end, today))
        print(json.dumps(out, indent=1))
        return 0
    quarters = by_quarter(records, config.profile, period, today, by)
    names = labels(config.profile)
    if args.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(
            ["period", "measure", "total", "met", "pending", "missed", "paused", "median_wd"]
        )
        for label, result in [(period.label, totals), *((q.label, r) for q, r in quarters)]:
            for m in MEASURES:
                f = result[m]
                writer.writerow(
                    [
                        label,
                        m,
                        f.total,
                        f.met,
                        f.pending,
                        f.missed,
                        f.paused,
                        "" if f.median_wd is None else f"{f.median_wd:g}",
                    ]
                )
        sys.stdout.write(buffer.getvalue())
        return 0
    print(f"Timeliness, {period.label}")
    if by != "start":
        print(f"  Cases counted in the period by {ASSIGN_BY[by]}.")
    for m in MEASURES:
        f = totals[m]
        median = "—" if f.median_wd is None else f"{f.median_wd:g} WD"
        paused = f"; {f.paused} paused" if f.paused else ""
        print(
            f"  {names[m]}: {f.met} of {f.total} met; {f.missed} missed; "
            f"{f.pending} pending{paused}; median {median}"
        )
        for q, result in quarters:
            qf = result[m]
            print(
                f"    {q.label}: {qf.met} of {qf.total} met; {qf.missed} missed; "
                f"{qf.pending} pending"
            )
    print(f"  Counts: {counts_summary(counts(records, period))}")
    return 0


def _calendar(args: argparse.Namespace, config: Config, store: Store, today: date) -> int:
    from rr_tui.files.calendar_export import to_ics, upcoming
    from rr_tui.files.csvio import write_private

    events = upcoming(store.list_cases(), config.profile, today, args.owner)
    if str(args.output) == "-":
        sys.stdout.write(to_ics(events).decode("utf-8"))
        return 0
    write_private(args.output, to_ics(events))
    print(f"wrote {len(events)} deadline{'s' if len(events) != 1 else ''} to {args.output}")
    return 0


def _digest(args: argparse.Namespace, config: Config, store: Store, today: date) -> int:
    from rr_tui.reports.digest import digest, digest_text

    groups = digest(
        store.list_cases(),
        store.due_actions(),
        config.profile,
        today,
        days=args.days,
        owner=args.owner,
    )
    if groups or not args.skip_empty:
        sys.stdout.write(digest_text(groups, today, args.days))
    return 0


def _history(args: argparse.Namespace, store: Store) -> int:
    from rr_tui.dates import moment_text
    from rr_tui.out import json_text
    from rr_tui.rules.clock import in_london
    from rr_tui.sanitize import for_display

    entries = store.history(store.case_id(args.reference))
    if args.json:
        rows = [
            {
                "at": in_london(e.at).isoformat(),
                "who": e.actor,
                "record": e.table_name,
                "what": e.summary,
                "changed": list(e.changed),
            }
            for e in entries
        ]
        print(json_text(rows))
        return 0
    for e in entries:
        record = e.table_name.replace("_", " ")
        print(f"{moment_text(e.at)}  {for_display(e.actor)}  {record}: {for_display(e.summary)}")
    return 0
