"""Write the case's rapid review pack to a private file, from the case screen.

The form only says what to write; ``rr_tui.pack.write_pack`` (the path the
command line takes too) builds, checks, audits and writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Static

from rr_tui.errors import ConfigError, InputError, field_error
from rr_tui.records import CaseRecord, missing_partners
from rr_tui.screens.form import FormScreen, Reader
from rr_tui.widgets.fields import ChoiceField, TextField

if TYPE_CHECKING:
    from rr_tui.store import Store

FORMATS = [("pdf", "PDF"), ("docx", "Word (.docx)"), ("md", "Markdown")]
VERSIONS = [("draft", "Draft"), ("final", "Final (signed off by all three partners)")]
SUFFIXES = tuple(f".{key}" for key, _ in FORMATS)


@dataclass(frozen=True)
class PackPayload:
    fmt: str
    path: Path
    final: bool = False


class PackForm(FormScreen[PackPayload]):
    TITLE_TEXT = "Write the rapid review pack"
    record: CaseRecord

    def __init__(self, record: CaseRecord) -> None:
        super().__init__(record)
        # What the pack said it could not show, for the case screen to report.
        self.warnings_shown: tuple[str, ...] = ()

    def _default_path(self, fmt: str) -> str:
        from rr_tui.pack import default_file_name

        return str(Path.cwd() / default_file_name(self.record.reference, fmt))

    def compose_fields(self) -> ComposeResult:
        missing = missing_partners(self.record.signoffs)
        yield ChoiceField("Format", FORMATS, "pdf", id="format", allow_blank=False)
        yield ChoiceField("Version", VERSIONS, "draft", id="version", allow_blank=False)
        yield TextField(
            "Save to (readable only by you)",
            self._default_path("pdf"),
            id="path",
            max_length=4096,
            required=True,
        )
        note = (
            f"Not yet signed off by: {', '.join(missing)}: the pack is headed DRAFT."
            if missing
            else "Signed off by all three safeguarding partners."
        )
        yield Static(note, classes="field--hint", id="pack-signoff", markup=False)

    def on_select_changed(self) -> None:
        path = self.query_one("#path", TextField).control
        fmt = self.query_one("#format", ChoiceField).value
        if path.value.endswith(SUFFIXES):
            path.value = path.value.rsplit(".", 1)[0] + f".{fmt}"

    def read_payload(self, read: Reader) -> PackPayload:
        text = read.line("path")
        final = read.choice("version") == "final"
        missing = missing_partners(self.case.signoffs)
        if final and missing:
            read.problem("version", f"not signed off by {', '.join(missing)} yet")
        return PackPayload(read.choice("format"), Path(text).expanduser(), final)

    def warnings(self, payload: PackPayload) -> list[str]:
        if payload.path.exists():
            return [f"{payload.path} exists and will be replaced."]
        return []

    def save(self, store: Store, payload: PackPayload) -> int | None:
        from rr_tui.pack import NotSignedOff, write_pack
        from rr_tui.pack.write import settings_from

        try:
            settings = settings_from(self.rr.config.extra.get("pack", {}))
        except ConfigError as exc:
            raise InputError(str(exc)) from None
        try:
            output = write_pack(
                store,
                self.record.id,
                payload.path,
                fmt=payload.fmt,
                final=payload.final,
                settings=settings,
                profile=self.rr.profile,
                today=self.rr.today,
            )
        except NotSignedOff as exc:
            raise field_error("version", "Version", exc.message) from None
        self.warnings_shown = output.warnings
        return self.record.id
