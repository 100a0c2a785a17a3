"""The command line's parser is built for the command named only, and parses as the full one."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import pytest
from factories import COMMANDS, cli

from rr_tui.cli import reports
from rr_tui.cli.main import build_parser, named_command

EVERY_COMMAND = (*COMMANDS, *reports.COMMANDS, "action")


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        ([], ""),
        (["--today", "2026-06-15"], ""),
        (["--db", "status", "deadline", "1/1/26", "3"], "deadline"),
        (["--db=x.db", "status", "--json"], "status"),
        (["--version"], ""),
        (["--help"], None),
        (["status", "-h"], None),
        (["--", "status"], None),
    ],
)
def test_the_command_named(argv: list[str], named: str | None) -> None:
    assert named_command(argv) == named


def subcommand_help(argv: Sequence[str] | None, command: str) -> str:
    parser = build_parser(argv=argv)
    (choices,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    sub = choices.choices[command]
    assert isinstance(sub, argparse.ArgumentParser)
    return sub.format_help()


@pytest.mark.parametrize("command", EVERY_COMMAND)
def test_each_command_is_built_as_the_full_parser_builds_it(command: str) -> None:
    assert subcommand_help([command], command) == subcommand_help(None, command)


def test_only_the_command_named_is_built() -> None:
    parser = build_parser(argv=["deadline", "2026-12-18", "15"])
    (choices,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert list(choices.choices) == ["deadline"]


def test_a_mistyped_command_still_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "deadlin", "2026-12-18", "15")
    assert code == 2
    assert all(f"'{name}'" in err for name in EVERY_COMMAND)
