"""The one way a pack is written, for the command line and the TUI alike.

``write_pack`` reads the case, builds the document, refuses a final pack that
the three safeguarding partners have not all signed, renders the format,
notes the pack in the audit trail, and only then writes the private file.
Callers (``rr_tui.cli.reports`` and ``rr_tui.screens.pack_form``) only say
what they want and show the outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from rr_tui.errors import ConfigError, InputError, UsageError
from rr_tui.pack.document import PackConfigError, PackSettings, build_pack, pack_settings
from rr_tui.records import CaseRecord, HistoryEntry
from rr_tui.rules.profile import Profile

FORMATS: dict[str, str] = {"md": "Markdown", "pdf": "PDF", "docx": "Word"}
BINARY = ("pdf", "docx")


class PackSource(Protocol):
    """What writing a pack needs from the store."""

    def get_case(self, case_id: int) -> CaseRecord: ...

    def history(self, case_id: int) -> list[HistoryEntry]: ...

    def record_pack(self, case_id: int, fmt: str, *, final: bool = False) -> None: ...


class NotSignedOff(InputError):
    """``--final`` before all three safeguarding partners have signed."""


@dataclass(frozen=True)
class PackOutput:
    content: bytes
    warnings: tuple[str, ...]  # characters the format cannot show, by field
    draft: bool
    reference: str


def settings_from(config_pack: Mapping[str, Any]) -> PackSettings:
    """``[pack]`` checked, as the configuration error (exit 10) that names the problem."""
    try:
        return pack_settings(config_pack)
    except PackConfigError as exc:
        raise ConfigError(str(exc)) from None


# The partners as a sentence names them.
_IN_A_SENTENCE = {"Local authority": "the local authority", "Police": "the police"}


def _missing_sentence(missing: tuple[str, ...]) -> str:
    names = [_IN_A_SENTENCE.get(m, m.lower()) for m in missing]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return (
        f"the pack cannot be final: it is not signed off by {joined}; record their "
        "sign-off on the case screen (s), or write a draft"
    )


def render_pack(
    source: PackSource,
    case_id: int,
    *,
    fmt: str,
    final: bool,
    settings: PackSettings,
    profile: Profile,
    today: date,
) -> PackOutput:
    """The pack's bytes in ``fmt``, with any warnings; nothing is written or audited."""
    if fmt not in FORMATS:
        raise UsageError(f"the pack's format is one of {', '.join(FORMATS)}")
    record = source.get_case(case_id)
    history = source.history(case_id) if "audit" in settings.order else []
    document = build_pack(record, history, profile, today, settings)
    if final and document.missing:
        raise NotSignedOff(_missing_sentence(document.missing))
    warnings: tuple[str, ...] = ()
    if fmt == "pdf":
        from rr_tui.pack.pdf import render_pdf

        result = render_pdf(document)
        content, warnings = result.content, result.warnings
    elif fmt == "docx":
        from rr_tui.pack.word import to_docx

        content = to_docx(document)
    else:
        from rr_tui.pack.markdown import to_markdown

        content = to_markdown(document).encode("utf-8")
    return PackOutput(content, warnings, document.draft, record.reference)


def write_pack(
    source: PackSource,
    case_id: int,
    target: Path | None,
    *,
    fmt: str,
    final: bool,
    settings: PackSettings,
    profile: Profile,
    today: date,
    write: Callable[[Path, bytes], None] | None = None,
) -> PackOutput:
    """Render, audit, then write the pack to ``target`` (None: the caller prints it).

    The file is private (0600) and replaced atomically (``rr_tui.files.safe_files``);
    the audit entry is committed before it is written, so a pack never exists
    without its entry in the trail.
    """
    if target is None and fmt in BINARY:
        raise UsageError(f"a {FORMATS[fmt]} pack cannot go to standard output; give a file name")
    if target is not None:
        from rr_tui.files.safe_files import check_output_path

        check_output_path(target)  # before any work: a path that cannot be replaced safely
    output = render_pack(
        source, case_id, fmt=fmt, final=final, settings=settings, profile=profile, today=today
    )
    # Audited before it leaves: the entry is committed first; if it cannot be,
    # nothing is written (the caller prints a standard-output pack only after this).
    source.record_pack(case_id, fmt, final=final)
    if target is not None:
        if write is None:
            from rr_tui.files.safe_files import write_file

            write = write_file
        write(target, output.content)
    return output
