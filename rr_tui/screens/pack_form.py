"""Write the case's rapid review pack to a private file, from the case screen."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult

from rr_tui.errors import InputError
from rr_tui.records import CaseRecord
from rr_tui.screens.form import FormError, FormScreen
from rr_tui.widgets.fields import ChoiceField, TextField

if TYPE_CHECKING:
    from rr_tui.store import Store

FORMATS = [("pdf", "PDF"), ("md", "Markdown")]


@dataclass(frozen=True)
class PackPayload:
    fmt: str
    path: Path


class PackForm(FormScreen):
    TITLE_TEXT = "Write the rapid review pack"
    record: CaseRecord

    def __init__(self, record: CaseRecord) -> None:
        super().__init__()
        self.record = record

    def _default_path(self, fmt: str) -> str:
        from rr_tui.pack import default_file_name

        return str(Path.cwd() / default_file_name(self.record.reference, fmt))

    def compose_fields(self) -> ComposeResult:
        yield ChoiceField("Format", FORMATS, "pdf", id="format", allow_blank=False)
        yield TextField(
            "Save to (readable only by you)", self._default_path("pdf"), id="path", max_length=4096
        )

    def on_select_changed(self) -> None:
        path = self.query_one("#path", TextField).control
        fmt = self.query_one("#format", ChoiceField).value
        if path.value.endswith((".pdf", ".md")):
            path.value = path.value.rsplit(".", 1)[0] + f".{fmt}"

    def collect(self) -> PackPayload:
        text = self.query_one("#path", TextField).value.strip()
        if not text:
            raise FormError({"path": "is required"})
        return PackPayload(self.query_one("#format", ChoiceField).value, Path(text).expanduser())

    def warnings(self, payload: PackPayload) -> list[str]:
        if payload.path.exists():
            return [f"{payload.path} exists and will be replaced."]
        return []

    def save(self, store: Store, payload: PackPayload) -> int | None:
        from rr_tui.csvio import write_private
        from rr_tui.pack import PackConfigError, build_pack, pack_settings, to_markdown, to_pdf

        try:
            order, headings = pack_settings(self.rr.config.extra.get("pack", {}))
        except PackConfigError as exc:
            raise InputError(str(exc)) from None
        record = store.get_case(self.record.id)
        document = build_pack(
            record, store.history(record.id), self.rr.profile, self.rr.today, order, headings
        )
        content = to_pdf(document) if payload.fmt == "pdf" else to_markdown(document)
        from rr_tui.safe_files import check_output_path

        check_output_path(payload.path)
        # Audited before it leaves: no pack without its committed audit entry.
        store.record_pack(record.id, payload.fmt)
        write_private(payload.path, content)
        return record.id
