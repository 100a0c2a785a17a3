"""The command line: ``rr-tui [--db ...] [--today ...] [COMMAND]``.

Heavy imports (Textual, SQLAlchemy, holidays) happen inside the commands that
need them, so ``rr-tui status`` never imports Textual and ``--help`` is quick.
Every expected failure is one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rr_tui import __version__
from rr_tui.cli import actions as cli_actions
from rr_tui.cli import reports as cli_reports
from rr_tui.dates import DateInputError, parse_user_date
from rr_tui.errors import InputError, RRError, UsageError

if TYPE_CHECKING:
    from rr_tui.config import Config
    from rr_tui.edits import Edit
    from rr_tui.files.csvio import ImportRow
    from rr_tui.records import CaseRecord
    from rr_tui.store import Store

EXIT_UNEXPECTED = 70

DESCRIPTION = """\
Track Child Safeguarding Practice Review rapid reviews against their statutory
working-day deadlines (England and Wales bank holidays).

With no command, opens the terminal app on your database."""

EPILOG = """\
dates (every DATE, --today, --from, --to): 19/12/2025 or 19/12/25 (always day
first), 19 Dec 2025, 19 December 2025, 2025-12-19, today, yesterday, or a
weekday name (mon ... fri: the most recent one, today included).

environment:
  RR_TUI_DB          database file or SQLAlchemy URL (as --db)
  RR_TUI_CONFIG      configuration file (as --config)
  RR_TUI_DATA_DIR    folder for the default and demo databases

exit codes: 0 ok, 1 error, 2 usage, 3 bad input, 4 not found, 5 database,
6 no database, 7 database busy, 8 not an rr-tui database or wrong version,
9 changed by someone else, 10 configuration, 11 audit trail broken,
12 unsafe database file (readable by others, a symbolic link, a network disk),
13 database server unreachable or refused the login, 14 database damaged,
70 unexpected (a bug: please report it), 74 standard output closed or full."""

EXIT_AUDIT_BROKEN = 11
MAX_WORKING_DAYS = 5000  # about twenty years: far beyond any statutory deadline
DATE_HELP = "19/12/2025 (day first), 19 Dec 2025, 2025-12-19, today, yesterday or mon..fri"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see rr-tui --help)")


DateArg = Callable[[str], date]


def _date_type(today: Callable[[], date]) -> DateArg:
    """An argparse type for a date as people type it (rr_tui.dates), relative to ``today``.

    ``today`` is asked only for the relative forms (today, yesterday, a weekday).
    """

    def date_arg(text: str) -> date:
        try:
            return parse_user_date(text, today)
        except DateInputError as exc:
            raise argparse.ArgumentTypeError(f"{text.strip()[:40]!r}: {exc}") from None

    return date_arg


def _real_today() -> date:
    from rr_tui.rules.clock import today_in_england

    return today_in_england()


def _given_today(argv: Sequence[str] | None) -> date | None:
    """``--today`` read ahead of the other arguments, so their relative dates use it.

    A bad value is left for the full parser to report.
    """
    pre = _Parser(add_help=False)
    pre.add_argument("--today", type=_date_type(_real_today))
    try:
        known, _ = pre.parse_known_args(argv)
    except UsageError:
        return None
    value: date | None = known.today
    return value


def int_arg(name: str, low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``, or a usage error naming it."""

    def parse(text: str) -> int:
        stripped = text.strip()
        if not stripped.lstrip("+-").isdigit() or len(stripped) > 12:
            raise argparse.ArgumentTypeError(f"{name} must be a whole number from {low} to {high}")
        value = int(stripped)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{name} must be a whole number from {low} to {high}")
        return value

    return parse


def _check_text(args: argparse.Namespace) -> None:
    """Refuse arguments that are not valid UTF-8 text, naming them.

    Python carries the bytes of invalid UTF-8 as lone surrogates; they would
    reach the database, or a file name in a URL, and fail there. File paths
    (``Path`` values) may hold them: the file system takes any bytes.
    """
    for name, value in vars(args).items():
        if isinstance(value, str) and any("\ud800" <= ch <= "\udfff" for ch in value):
            shown = name.replace("_", "-").upper() if name in POSITIONAL else f"--{name}"
            raise InputError(f"{shown} is not valid UTF-8 text; type it again")


POSITIONAL = {"reference", "step", "on", "action", "command", "start", "n"}


def _common(parser: argparse.ArgumentParser, suppress: bool, date_arg: DateArg) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=default,
        help="database file, or a SQLAlchemy URL such as postgresql+psycopg://host/db",
    )
    parser.add_argument(
        "--today",
        metavar="DATE",
        type=date_arg,
        default=default,
        help="pretend today is this date (for demos, tests and what-if checks)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        type=Path,
        default=default,
        help="configuration file (TOML); default: the user config folder",
    )


# The options before a command that take a value (``--db PATH``).
_VALUED_OPTIONS = frozenset({"--db", "--today", "--config"})


def named_command(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names ("" for none: the app); None when help is asked for."""
    tokens = iter(argv)
    for token in tokens:
        if token in ("-h", "--help", "--"):
            return None
        if token in _VALUED_OPTIONS:
            next(tokens, None)
        elif not token.startswith("-"):
            return None if {"-h", "--help"} & set(argv) else token
    return ""


class _Unbuilt(argparse.ArgumentParser):
    """A command this run does not parse: its arguments are never built.

    Building every command's parser is a few milliseconds of every start (the
    app's first frame and ``rr-tui deadline`` included); only the command
    named is needed, unless help lists them all.
    """

    def __init__(self) -> None:  # nothing is ever parsed with it: argparse's set-up is skipped
        pass

    def add_argument(self, *args: Any, **kwargs: Any) -> Any:
        return None

    def add_mutually_exclusive_group(self, **kwargs: Any) -> Any:
        return self

    def add_subparsers(self, **kwargs: Any) -> Any:
        return self

    def add_parser(self, *args: Any, **kwargs: Any) -> Any:
        return self


def build_parser(
    today: Callable[[], date] = _real_today, argv: Sequence[str] | None = None
) -> argparse.ArgumentParser:
    """The parser; date arguments other than ``--today`` are read relative to ``today()``.

    With ``argv``, only the command it names is built (see ``_Unbuilt``); every
    one is when help is asked for, or when the name is not a command (so that
    the error lists them).
    """
    only = None if argv is None else named_command(argv)
    built: set[str] = set()
    parser = _build_parser(today, only, built)
    if only and only not in built:
        return _build_parser(today, None, built)
    return parser


def _build_parser(
    today: Callable[[], date], only: str | None, built: set[str]
) -> argparse.ArgumentParser:
    date_arg = _date_type(today)
    parser = _Parser(
        prog="rr-tui",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"rr-tui {__version__}")
    _common(parser, suppress=False, date_arg=_date_type(_real_today))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        if only is not None and name != only:
            return _Unbuilt()
        built.add(name)
        p = sub.add_parser(name, help=help_text, description=help_text)
        _common(p, suppress=True, date_arg=_date_type(_real_today))
        return p

    command("tui", "open the terminal app (the default)")
    p = command(
        "demo",
        "open the terminal app on a fresh demo database of fictional cases "
        "(written at --db PATH when given; an earlier demo there is replaced, "
        "anything else is refused)",
    )
    p.add_argument(
        "--no-open",
        action="store_true",
        help="only write the demo database, then leave (for trying the other commands)",
    )
    p = command("status", "list open cases, most urgent first (never starts the app)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--all", action="store_true", help="include closed cases")
    p = command("deadline", "print the date N working days after DATE")
    p.add_argument("start", type=date_arg, metavar="DATE")
    p.add_argument("n", type=int_arg("N", 1, MAX_WORKING_DAYS), metavar="N")
    p = command("record", "record that a case-level step happened on DATE")
    p.add_argument("reference")
    p.add_argument("step", metavar="STEP", help="a step id, as listed by: rr-tui profile")
    p.add_argument("on", metavar="DATE", help=DATE_HELP)
    p.add_argument(
        "--force",
        action="store_true",
        help="record it even if the timeline looks impossible (a date in the future, "
        "a meeting before the referral, ...): the app asks about these too",
    )
    p.epilog = (
        "with the step, what was decided or answered:\n"
        "  rr-tui record RR-1 rr_meeting 19/12/2025 --decision lcspr --national-referral yes\n"
        "  rr-tui record RR-1 panel_response 12/01/2026 --response challenges\n"
        "  rr-tui record RR-1 reconsideration 20/01/2026 --outcome maintained --note 'Sent'\n"
        "  rr-tui record RR-1 prepublication_copy 01/06/2026 --recipients 'the Panel; Ofsted'"
    )
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    for flag, metavar, text in RECORD_OPTIONS:
        p.add_argument(flag, metavar=metavar, help=text)
    p = command(
        "import",
        "import cases from a spreadsheet (CSV or Excel .xlsx) or an rr-tui JSON export "
        "(all or nothing); headings may be the step names the app shows",
    )
    p.add_argument("file", type=Path, metavar="FILE", help="FILE.csv, FILE.xlsx or FILE.json")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="show how each column is understood and the first rows as they would be "
        "stored; change nothing",
    )
    p.add_argument(
        "--sheet", metavar="NAME", help="in an .xlsx workbook, this sheet (default: the first)"
    )
    p = command(
        "export",
        "write the cases: CSV or Excel .xlsx, a one-row-per-case spreadsheet summary; JSON, "
        "every record of the database (import restores it exactly into an empty one)",
    )
    p.add_argument("--format", choices=("csv", "xlsx", "json"), default="csv")
    p.add_argument(
        "--output", type=Path, metavar="FILE", help="default: standard output (not for xlsx)"
    )
    command("profile", "show the statutory schedule and the day-counting convention in force")
    p = command("audit", "check the audit trail (verify), or vouch for it after a restore (accept)")
    p.add_argument("action", choices=("verify", "accept"))
    p.add_argument(
        "--json", action="store_true", help="machine-readable: intact, count, head hash, problems"
    )
    p = command(
        "db",
        "database maintenance: create (an empty database, as the app's first start does), "
        "upgrade, path, or copy the whole database (audit trail included) into an empty "
        "one, e.g. PostgreSQL",
    )
    p.add_argument("action", choices=("create", "upgrade", "path", "copy"))
    p.add_argument(
        "--to",
        metavar="PATH_OR_URL",
        help="db copy: the empty target database, e.g. postgresql+psycopg://host/db",
    )
    p = command("backup", "copy the database safely while it is in use")
    p.add_argument("target", type=Path, metavar="PATH")
    cli_reports.add_commands(command, date_arg, int_arg)
    cli_actions.add_command(
        command, lambda p: _common(p, suppress=True, date_arg=_date_type(_real_today))
    )
    return parser


def _config(args: argparse.Namespace) -> Config:
    from rr_tui.config import load_config

    return load_config(args.config)


def _db_url(args: argparse.Namespace, config: Config) -> str:
    from rr_tui.config import db_url, default_db_path

    if args.db is not None and not args.db.strip():
        raise UsageError("--db is empty; give a database file or URL")
    chosen = args.db or os.environ.get("RR_TUI_DB") or config.database
    if chosen and any("\ud800" <= ch <= "\udfff" for ch in chosen):
        raise InputError("RR_TUI_DB is not valid UTF-8 text; give the database's path again")
    return db_url(chosen or default_db_path())


def _open(args: argparse.Namespace, config: Config, *, create: bool) -> Store:
    from rr_tui.store import Store

    return Store(
        _db_url(args, config),
        create=create,
        profile=config.profile,
        timeouts=(config.lock_timeout_s, config.statement_timeout_s),
    )


def _cases_to_report(args: argparse.Namespace, config: Config) -> list[CaseRecord]:
    """The cases ``status`` reports: read straight from a plain SQLite file when it can be
    trusted (no SQLAlchemy to import: a third of the command), else through the store."""
    from rr_tui.direct_read import read_cases

    records = read_cases(_db_url(args, config), include_closed=args.all)
    if records is None:
        with closing(_open(args, config, create=False)) as store:
            records = store.list_cases(include_closed=args.all)
    return records


def _today(args: argparse.Namespace) -> date:
    from rr_tui.rules.clock import today_in_england

    return today_in_england(args.today)


def run(argv: Sequence[str] | None = None) -> int:
    given = _given_today(argv)
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(lambda: given or _real_today(), argv).parse_args(argv)
    _check_text(args)
    command = args.command or "tui"
    config = _config(args)

    if command == "deadline":
        print(config.profile.calendar.add_working_days(args.start, args.n).isoformat())
        return 0
    if command == "profile":
        from rr_tui.rules.profile import describe

        source = f" (from {config.source})" if config.source else " (built in)"
        print(describe(config.profile) + f"\nConfiguration{source}.")
        if config.closures:
            print("Extra closures: " + ", ".join(d.isoformat() for d in config.closures))
        print("\nSettings, and where each came from:")
        for name, value, origin in settings_origins(args, config):
            print(f"  {name:<22} {value}  ({origin})")
        return 0
    if command == "status":
        import gc

        # A one-shot process that builds ~10^6 small objects and frees them at
        # exit: the cyclic GC would walk them over and over (~0.3 s of 10,000 cases).
        gc.disable()
        from rr_tui.reports.status import status_json_pieces, status_text
        from rr_tui.rules.triage import build_views

        records = _cases_to_report(args, config)
        today = _today(args)
        if not args.json:
            sys.stdout.write(status_text(records, config.profile, today))
            return 0
        for piece in status_json_pieces(build_views(records, config.profile, today)):
            sys.stdout.write(piece)
        return 0
    if command == "record":
        return _record(args, config)
    if command == "action":
        return cli_actions.run(args, lambda: _open(args, config, create=False), _today(args))
    if command in cli_reports.COMMANDS:
        return cli_reports.run(
            command, args, config, lambda: _open(args, config, create=False), _today(args)
        )
    if command == "import":
        from rr_tui.files.csvio import read_import

        if args.dry_run:
            return _dry_run(args, config)
        if _is_full_export(args.file):
            return _import_full(args, config)
        # The file is checked before the database is opened (or created).
        rows = read_import(args.file, config.profile, today=_today(args), sheet=args.sheet)
        return _import_rows(args, config, rows)
    if command == "export":
        from rr_tui.files.csvio import export_text, export_xlsx, write_private

        if args.format == "xlsx" and (args.output is None or str(args.output) == "-"):
            raise UsageError("an .xlsx workbook cannot go to standard output; give --output FILE")
        if args.format == "json":
            return _export_full(args, config)
        with closing(_open(args, config, create=False)) as store:
            records = store.list_cases(include_closed=True)
        if args.format == "xlsx":
            write_private(args.output, export_xlsx(records, config.profile))
            print(f"wrote {len(records)} case{'s' if len(records) != 1 else ''} to {args.output}")
            return 0
        content = export_text(records, config.profile, args.format)
        if args.output and str(args.output) != "-":
            write_private(args.output, content)
        else:
            sys.stdout.write(content)
        return 0
    if command == "audit":
        return _audit(args, config)
    if command == "db":
        from rr_tui.store.maintenance import db_path_text, upgrade

        if args.action == "path":
            print(db_path_text(_db_url(args, config)))
            return 0
        if args.action == "create":
            _open(args, config, create=True).close()
            print(f"database ready: {db_path_text(_db_url(args, config))}")
            return 0
        if args.action == "copy":
            return _db_copy(args, config)
        print(upgrade(_db_url(args, config)))
        # Work out the list's stored triage order now (a new revision may
        # start it empty), so the app's first start after the upgrade is quick.
        store = _open(args, config, create=False)
        try:
            store.refresh_order()
        finally:
            store.close()
        return 0
    if command == "backup":
        from rr_tui.store.maintenance import backup

        if str(args.target) == "-":
            raise UsageError("a backup cannot go to standard output; give a new file name")
        print(backup(_db_url(args, config), args.target))
        return 0
    return _tui(args, config, demo=command == "demo")


def _is_full_export(path: Path) -> bool:
    """Whether the import file is ``export --format json``'s whole-database export."""
    if path.suffix.lower() != ".json":
        try:
            if not path.is_file():
                return False  # a FIFO or device would block here: the import refuses it
            with path.open("rb") as handle:
                start = handle.read(64).lstrip()
        except OSError:
            return False  # the ordinary import says why it cannot be read
        if not start.startswith(b"{"):
            return False
    return True


def _import_rows(args: argparse.Namespace, config: Config, rows: list[ImportRow]) -> int:
    """The summary import (spreadsheet rows, already checked): all the cases, or none."""
    from rr_tui.files.csvio import check_existing

    with closing(_open(args, config, create=True)) as store:
        check_existing(rows, store.references())
        count = store.import_cases(
            [(r.fields, r.steps, r.decision, r.children, r.national_referral) for r in rows]
        )
    print(f"imported {count} case{'s' if count != 1 else ''}")
    return 0


def _import_full(args: argparse.Namespace, config: Config) -> int:
    from rr_tui.files.csvio import load_json
    from rr_tui.files.safe_files import MAX_IMPORT_BYTES, read_input
    from rr_tui.store.transfer import check_document, is_full_export

    raw = read_input(args.file, what="the import file", limit=MAX_IMPORT_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("nothing imported: the import file is not UTF-8 text") from None
    data = load_json(text)
    if not is_full_export(data):
        # A JSON list of case rows (what rr-tui wrote before): the summary import.
        from rr_tui.files.csvio import read_import

        return _import_rows(
            args, config, read_import(args.file, config.profile, today=_today(args))
        )
    # Checked whole before the database is opened (or created).
    tables = check_document(data)
    with closing(_open(args, config, create=True)) as store:
        count = store.import_tables(tables)
    records = sum(len(r) for r in tables.values())
    print(f"imported {count} case{'s' if count != 1 else ''} ({records} records)")
    return 0


def _export_full(args: argparse.Namespace, config: Config) -> int:
    from rr_tui.files.csvio import write_private
    from rr_tui.store import db
    from rr_tui.store.transfer import export_document

    with closing(_open(args, config, create=False)) as store:
        content = export_document(store.export_tables(), db.HEAD)
    if args.output and str(args.output) != "-":
        write_private(args.output, content)
    else:
        sys.stdout.write(content)
    return 0


def _db_copy(args: argparse.Namespace, config: Config) -> int:
    from rr_tui.config import db_url
    from rr_tui.store import Store, db
    from rr_tui.store.maintenance import db_path_text
    from rr_tui.store.transfer import copy_database

    if not args.to:
        raise UsageError("db copy needs --to PATH_OR_URL, the empty target (see rr-tui --help)")
    source_url, target_url = _db_url(args, config), db_url(args.to)
    source_path = db.sqlite_path(source_url) if db.is_sqlite(source_url) else None
    target_path = db.sqlite_path(target_url) if db.is_sqlite(target_url) else None
    same = (
        source_path is not None
        and target_path is not None
        and target_path.exists()
        and target_path.resolve() == source_path.resolve()
    )
    if same or source_url == target_url:
        raise InputError("the target is the same database as the source; give another")
    if target_path is not None:
        db.check_sqlite_file(target_path, create=True)
    with closing(_open(args, config, create=False)) as source:
        target = db.make_engine(target_url)
        try:
            counts = copy_database(source.engine, target)
        finally:
            target.dispose()
    with closing(Store(target_url, profile=config.profile)) as copy:
        copy.refresh_order()
        problems = copy.verify_audit()
    records = sum(n for name, n in counts.items() if name not in ("audit_log", "case_order"))
    cases = counts.get("cases", 0)
    print(
        f"copied {cases} case{'s' if cases != 1 else ''} ({records} records, "
        f"{counts.get('audit_log', 0)} audit entries) to {db_path_text(target_url)}"
    )
    if problems:
        for problem in problems:
            print(f"rr-tui: {problem}", file=sys.stderr)
        return EXIT_AUDIT_BROKEN
    print("audit trail intact on the copy")
    return 0


def _audit(args: argparse.Namespace, config: Config) -> int:
    from rr_tui.out import error_line, json_text

    with closing(_open(args, config, create=False)) as store:
        report = store.accept_audit() if args.action == "accept" else store.audit_report()
        witness = str(store.witness_path) if store.witness_path else None
    if args.json:
        print(
            json_text(
                {
                    "intact": not report.problems,
                    "count": report.count,
                    "head": report.head,
                    "keyed": report.keyed,
                    "witness": witness,
                    "problems": report.problems,
                }
            )
        )
        return EXIT_AUDIT_BROKEN if report.problems else 0
    if report.problems:
        for problem in report.problems:
            error_line(problem)
        return EXIT_AUDIT_BROKEN
    if args.action == "accept":
        print(f"this account's witness now vouches for entry {report.count}")
    else:
        print("audit trail intact")
    return 0


def _dry_run(args: argparse.Namespace, config: Config) -> int:
    """``import --dry-run``: the file as it would be read; the database only read, if there."""
    from rr_tui.errors import DatabaseMissing
    from rr_tui.files.csvio import dry_run

    try:
        with closing(_open(args, config, create=False)) as store:
            existing: set[str] | None = store.references()
    except DatabaseMissing:
        existing = None
    report, ok = dry_run(args.file, config.profile, existing, today=_today(args), sheet=args.sheet)
    sys.stdout.write(report)
    return 0 if ok else 3


def settings_origins(args: argparse.Namespace, config: Config) -> list[tuple[str, str, str]]:
    """(setting, value, where it came from) for ``rr-tui profile``."""
    from rr_tui.config import ENV_CONFIG
    from rr_tui.store.audit_anchor import ENV_KEY, ENV_WITNESS, key_path, witness_dir

    def from_file(key: str, default: str = "built in") -> str:
        return f"{key} in {config.origins[key]}" if key in config.origins else default

    rows: list[tuple[str, str, str]] = []
    if args.config is not None:
        config_origin = "--config"
    elif os.environ.get(ENV_CONFIG):
        config_origin = ENV_CONFIG
    else:
        config_origin = "the default place" if config.source else "none: the defaults"
    rows.append(("configuration file", str(config.source or "-"), config_origin))
    if args.db:
        db_origin = "--db"
    elif os.environ.get("RR_TUI_DB"):
        db_origin = "RR_TUI_DB"
    else:
        db_origin = from_file("[database] url", "the default place")
    from rr_tui.store.maintenance import db_path_text

    try:
        shown_db = db_path_text(_db_url(args, config))
    except RRError:
        shown_db = "(not a usable path or URL)"
    rows.append(("database", shown_db, db_origin))
    rows.append(
        (
            "today",
            _today(args).isoformat(),
            "--today" if args.today is not None else "the clock, in England",
        )
    )
    profile = config.profile
    rows.append(("profile name", profile.name, from_file("[profile] name")))
    rows.append(("amber_slack", f"{profile.amber_slack} WD", from_file("[profile] amber_slack")))
    rows.append(
        (
            "agency_timescale",
            f"{profile.agency_timescale_wd} WD",
            from_file("[profile] agency_timescale"),
        )
    )
    steps = config.extra.get("profile", {}).get("steps", {})
    for step_id in steps:
        rows.append((f"step {step_id}", "customised", from_file("[profile] steps")))
    rows.append(
        ("closures", f"{len(config.closures)} days", from_file("[calendar] closures", "none"))
    )
    for key, value in (
        ("lock_timeout", config.lock_timeout_s),
        ("statement_timeout", config.statement_timeout_s),
    ):
        rows.append((key, f"{value} s (PostgreSQL)", from_file(f"[database] {key}")))
    if "pack" in config.extra:
        rows.append(("pack sections", "customised", from_file("[pack] sections", "built in")))
    rows.append(
        ("audit key", str(key_path()), ENV_KEY if os.environ.get(ENV_KEY) else "the default place")
    )
    rows.append(
        (
            "audit witnesses",
            str(witness_dir()),
            ENV_WITNESS if os.environ.get(ENV_WITNESS) else "the default place",
        )
    )
    return rows


# ``record`` options: (flag, metavar, help), and the step each goes with.
RECORD_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--decision", "ID", "with rr_meeting: the local decision (blank '' for none)"),
    (
        "--national-referral",
        "yes|no",
        "with rr_meeting: referred to the Panel as possibly national",
    ),
    ("--response", "ID", "with panel_response: the Panel's response"),
    ("--outcome", "ID", "with reconsideration: the answer's outcome (maintained, changed)"),
    ("--note", "TEXT", "with reconsideration: a note of the answer sent"),
    ("--recipients", "NAMES", "with prepublication_copy: who receives it, separated by ';'"),
)
RECORD_STEP: dict[str, str] = {
    "decision": "rr_meeting",
    "national_referral": "rr_meeting",
    "response": "panel_response",
    "outcome": "reconsideration",
    "note": "reconsideration",
    "recipients": "prepublication_copy",
}


def _record_extras(args: argparse.Namespace, record: CaseRecord) -> list[Edit]:
    """The decision, response or answer given with ``record``, as checked field edits."""
    from rr_tui.edits import CASE, MEETING, PANEL, Edit, Target
    from rr_tui.records import MeetingRecord, PanelRecord, from_yes_no

    edits: list[Edit] = []
    meeting, panel = record.meeting or MeetingRecord(), record.panel or PanelRecord()
    for name, step in RECORD_STEP.items():
        value = getattr(args, name)
        if value is None:
            continue
        flag = "--" + name.replace("_", "-")
        if args.step != step:
            raise UsageError(f"{flag} goes with the step {step}, not {args.step}")
        if name == "decision":
            edits.append(Edit(Target(MEETING, "decision"), meeting.decision, value, "--decision"))
        elif name == "national_referral":
            try:
                answer = from_yes_no(value)
            except ValueError as exc:
                raise InputError(f"{flag}: {exc}") from None
            edits.append(Edit(Target(MEETING, name), meeting.national_referral, answer, flag))
        elif name == "response":
            edits.append(Edit(Target(PANEL, "outcome"), panel.outcome, value, flag))
        elif name == "outcome":
            target = Target(PANEL, "reconsideration_outcome")
            edits.append(Edit(target, panel.reconsideration_outcome, value, flag))
        elif name == "note":
            target = Target(PANEL, "reconsideration_notes")
            edits.append(Edit(target, panel.reconsideration_notes, value, flag))
        else:
            names = "\n".join(n.strip() for n in value.split(";") if n.strip())
            target = Target(CASE, "prepublication_recipients")
            edits.append(Edit(target, record.fields.prepublication_recipients, names, flag))
    return edits


def _record(args: argparse.Namespace, config: Config) -> int:
    from rr_tui.dates import parse_user_date
    from rr_tui.sanitize import for_display

    step_ids = config.profile.step_ids
    if args.step not in step_ids:
        shown = for_display(args.step)[:40]
        raise InputError(f"no step {shown!r}; steps are: {', '.join(step_ids)}")
    today = _today(args)
    try:
        on = parse_user_date(args.on, today)
    except DateInputError as exc:
        raise InputError(f"DATE: {exc}") from None
    with closing(_open(args, config, create=False)) as store:
        case_id = store.case_id(args.reference)
        record = store.get_case(case_id)
        extras = _record_extras(args, record)
        if not args.force:
            from rr_tui.validation import timeline_warnings

            problems = timeline_warnings(config.profile, record.done, {args.step: on}, today)
            if problems:
                raise InputError(
                    " ".join(problems) + " Nothing was recorded; give --force to record it anyway."
                )
        if extras:
            from rr_tui.edits import STEP, Edit, Target

            # One transaction: the date and what was decided or answered with it.
            step = Edit(Target(STEP, args.step), record.done.get(args.step), on, args.step)
            store.save_edits(case_id, [step, *extras])
        else:
            store.record_step(case_id, args.step, on)
    from rr_tui.dates import uk

    print(f"recorded {args.step} on {uk(on)}")
    return 0


def _tui(args: argparse.Namespace, config: Config, *, demo: bool) -> int:
    from rr_tui.app import run_app
    from rr_tui.config import db_url
    from rr_tui.out import GuardedStream

    demo_path = _demo_path(args) if demo else None
    if demo_path is not None and args.no_open:
        from rr_tui.demo import fresh_demo_database

        fresh_demo_database(demo_path, _today(args), config.profile)
        print(f"wrote the demo database at {demo_path}")
        return 0
    if isinstance(sys.stdout, GuardedStream):
        sys.stdout = sys.stdout.stream  # the app draws with escapes

    url = db_url(demo_path) if demo_path else _db_url(args, config)
    return run_app(url, config=config, today=args.today, demo_path=demo_path)


def _demo_path(args: argparse.Namespace) -> Path:
    """``--db PATH`` when given (checked: never a real database), else the default demo path."""
    from rr_tui.config import demo_db_path, is_url
    from rr_tui.demo import check_demo_target

    if not args.db:
        return demo_db_path()
    if is_url(args.db):
        raise UsageError("demo writes a SQLite file: give --db a file path, not a URL")
    path = Path(args.db).expanduser()
    check_demo_target(path)
    return path


def console() -> None:
    """The ``rr-tui`` command: run, then leave without tearing down every object.

    A command over 10,000 cases leaves about a million small objects; freeing
    them one by one at exit costs more than some whole commands. Everything
    that matters is done by then: stores are closed, the app has restored the
    terminal, and the output is flushed here.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run a command; turn every failure into one line and an exit code."""
    # Everything rr-tui creates (databases, exports, backups) is private to its owner.
    old_umask = os.umask(0o077)
    try:
        return _main(argv)
    finally:
        os.umask(old_umask)


def _main(argv: Sequence[str] | None) -> int:
    from rr_tui.out import GuardedStream, error_line

    # Every command's output is neutralised and its failures are one line.
    original = sys.stdout
    sys.stdout = GuardedStream(original)
    try:
        code = _run_guarded(argv)
        if code != 130:
            try:
                sys.stdout.flush()
            except RRError as exc:
                error_line(exc.message)
                return exc.exit_code
            except BrokenPipeError:
                return code
        return code
    finally:
        if isinstance(sys.stdout, GuardedStream):
            sys.stdout = original


def _run_guarded(argv: Sequence[str] | None) -> int:
    from rr_tui.out import error_line

    try:
        return run(argv)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    except RRError as exc:
        error_line(exc.message)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `rr-tui status | head`: the reader left; not an error worth a word.
        return 0
    except Exception as exc:  # never a traceback: it could show case data
        error_line(
            f"unexpected error ({type(exc).__name__}); nothing unsaved was written. "
            "Please report it with the command you ran."
        )
        return EXIT_UNEXPECTED
