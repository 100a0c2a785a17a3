"""``rr-tui action``: immediate safeguarding actions and recommendations' actions."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from rr_tui.dates import DateInputError, parse_user_date, uk
from rr_tui.errors import InputError, UsageError

if TYPE_CHECKING:
    from rr_tui.store import Store

OpenStore = Callable[[], "Store"]


def add_command(
    command: Callable[[str, str], argparse.ArgumentParser],
    common: Callable[[argparse.ArgumentParser], None],
) -> None:
    p = command("action", "immediate safeguarding actions and recommendations' actions")
    p.epilog = (
        "examples:\n"
        "  rr-tui action add RR-2026-001 --due 2026-03-20 --owner Police Strategy discussion\n"
        "  rr-tui action edit RR-2026-001 1 --due 2026-03-27 --owner 'Police (DS Khan)'\n"
        "  rr-tui action done RR-2026-001 1 today --evidence 'Minutes on file'\n"
        "  rr-tui action list RR-2026-001 --json"
    )
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True, parser_class=type(p))

    def verb(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = verbs.add_parser(name, help=help_text, description=help_text)
        common(sub)
        sub.add_argument("reference")
        return sub

    add = verb("add", "add an action; prints its number")
    add.add_argument("text", nargs="+", metavar="TEXT", help="what is to be done")
    add.add_argument("--due", metavar="DATE", required=True, help="YYYY-MM-DD, today, ...")
    add.add_argument("--owner", metavar="NAME", required=True, help="who does it")
    add.add_argument(
        "--recommendation",
        type=int,
        metavar="N",
        help="an action of the case's recommendation N (default: an immediate action)",
    )
    edit = verb("edit", "change an action's text, owner or due date (only those given)")
    edit.add_argument("number", metavar="NUMBER", help="the action's number (action list)")
    edit.add_argument("--text", metavar="TEXT", help="what is to be done")
    edit.add_argument("--owner", metavar="NAME", help="who does it")
    edit.add_argument("--due", metavar="DATE", help="YYYY-MM-DD, today, ...")
    done = verb("done", "record the date an action was done")
    done.add_argument("number", metavar="NUMBER", help="the action's number (action list)")
    done.add_argument("on", metavar="DATE", help="YYYY-MM-DD, today or yesterday")
    done.add_argument("--evidence", metavar="TEXT", help="the evidence that it was done")
    lst = verb("list", "the case's actions, their owners, dates and states")
    lst.add_argument("--json", action="store_true", help="machine-readable output")


def _date(text: str, today: date, label: str) -> date:
    try:
        return parse_user_date(text, today)
    except DateInputError as exc:
        raise InputError(f"{label}: {exc}") from None


def _number(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise InputError("NUMBER: the action's number, as action list shows it")
    return int(text)


def run(args: argparse.Namespace, open_store: OpenStore, today: date) -> int:
    from contextlib import closing

    verb = args.verb
    if verb == "add":
        due = _date(args.due, today, "--due")
        with closing(open_store()) as store:
            number = store.add_action(
                store.case_id(args.reference),
                " ".join(args.text),
                owner=args.owner,
                due_on=due,
                recommendation=args.recommendation,
            )
        print(number)
        return 0
    if verb == "edit":
        from rr_tui.store import UNCHECKED

        number = _number(args.number)
        if args.text is None and args.owner is None and args.due is None:
            raise UsageError("say what to change: --text, --owner or --due")
        new_due: date | object = UNCHECKED if args.due is None else _date(args.due, today, "--due")
        with closing(open_store()) as store:
            store.update_action(
                store.case_id(args.reference),
                number,
                None,
                text=args.text,
                owner=args.owner,
                due_on=new_due,
            )
        print(f"action {number} changed")
        return 0
    if verb == "done":
        number = _number(args.number)
        done_on = _date(args.on, today, "DATE")
        with closing(open_store()) as store:
            store.complete_action(
                store.case_id(args.reference), number, done_on, evidence=args.evidence
            )
        print(f"action {number} done on {uk(done_on)}")
        return 0
    with closing(open_store()) as store:
        record = store.get_case(store.case_id(args.reference))
    sys.stdout.write(list_json(record, today) if args.json else list_text(record, today))
    return 0


def list_json(record: object, today: date) -> str:
    from rr_tui.records import CaseRecord
    from rr_tui.rules.lifecycle import action_state

    assert isinstance(record, CaseRecord)
    rows = [
        {
            "number": a.number,
            "text": a.text,
            "owner": a.owner,
            "due": a.due_on.isoformat() if a.due_on else None,
            "done": a.done_on.isoformat() if a.done_on else None,
            "state": action_state(a.due_on, a.done_on, today),
            "evidence": a.evidence,
            "recommendation": a.recommendation,
        }
        for a in record.actions
    ]
    import json

    return json.dumps(rows, indent=1, ensure_ascii=False) + "\n"


def list_text(record: object, today: date) -> str:
    from rr_tui.records import CaseRecord
    from rr_tui.rules.lifecycle import action_state
    from rr_tui.sanitize import for_display

    assert isinstance(record, CaseRecord)
    if not record.actions:
        return f"{for_display(record.reference)}: no actions recorded.\n"
    lines = [f"Actions of {for_display(record.reference)}"]
    for a in record.actions:
        state = action_state(a.due_on, a.done_on, today)
        kind = f" (recommendation {a.recommendation})" if a.recommendation else ""
        when = f"done {uk(a.done_on)}" if a.done_on else f"due {uk(a.due_on, 'no date')}"
        owner = for_display(a.owner) or "no owner"
        lines.append(f"  {a.number:>3}. [{state}] {for_display(a.text)}{kind}")
        lines.append(f"       {owner}; {when}")
        if a.evidence:
            lines.append(f"       evidence: {for_display(a.evidence)}")
    return "\n".join(lines) + "\n"
