"""The safeguarding partners' sign-off of the rapid review, from the case screen (``s``).

Each partner (local authority, police, health) signs through its lead
safeguarding partner or a delegate: name, role, organisation and date. Leave a
partner blank while they have not signed; clearing a signed partner withdraws
their sign-off. Until all three have signed, the pack is a draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Static

from rr_tui import lengths
from rr_tui.dates import uk
from rr_tui.records import CAPACITIES, PARTNERS, CaseRecord, SignOffRecord
from rr_tui.screens.form import FormScreen, Reader, differing
from rr_tui.widgets.fields import ChoiceField, TextField

if TYPE_CHECKING:
    from rr_tui.store import Store

TEXT_PARTS = (("name", "name"), ("role", "role"), ("organisation", "organisation"))


@dataclass(frozen=True)
class SignOffPayload:
    expected: dict[str, int]
    signoffs: dict[str, SignOffRecord | None]


class SignOffForm(FormScreen[SignOffPayload]):
    TITLE_TEXT = "Sign-off by the safeguarding partners"
    record: CaseRecord

    def __init__(self, record: CaseRecord) -> None:
        super().__init__(record)
        self.signed = {s.partner: s for s in record.signoffs}

    def compose_fields(self) -> ComposeResult:
        yield Static(
            "Leave a partner blank until they sign. Clearing one withdraws their sign-off.",
            classes="field--hint",
            markup=False,
        )
        for key, label in PARTNERS.items():
            s = self.signed.get(key)
            yield Static(label, classes="form--group", markup=False)
            for part, _ in TEXT_PARTS:
                yield TextField(
                    f"{label} {part}",
                    getattr(s, part) if s else "",
                    id=f"{key}-{part}",
                    max_length=lengths.SIGNATORY,
                )
            yield ChoiceField(
                f"{label} capacity",
                list(CAPACITIES.items()),
                s.capacity if s else "lead",
                id=f"{key}-capacity",
                allow_blank=False,
            )
            yield self.date_field(
                f"{label} date signed", s.signed_on if s else None, id=f"{key}-date"
            )

    def _partner_touched(self, key: str) -> bool:
        parts = [part for part, _ in TEXT_PARTS] + ["capacity", "date"]
        return any(self.touched(f"{key}-{part}") for part in parts)

    def read_payload(self, read: Reader) -> SignOffPayload:
        signoffs: dict[str, SignOffRecord | None] = {}
        for key in PARTNERS:
            if not self._partner_touched(key):
                continue  # only what the user changed is written (and checked)
            texts = {part: read.line(f"{key}-{part}") for part, _ in TEXT_PARTS}
            signed_on = read.date_of(f"{key}-date")
            if not any(texts.values()) and signed_on is None and f"{key}-date" not in read.errors:
                if key in self.signed:
                    signoffs[key] = None  # withdrawn
                continue
            for part, word in TEXT_PARTS:
                if not texts[part]:
                    read.problem(f"{key}-{part}", f"is required: the {word} of who signed")
            if signed_on is None:
                read.problem(f"{key}-date", "is required: the date they signed")
            else:
                signoffs[key] = SignOffRecord(
                    key,
                    texts["name"],
                    texts["role"],
                    texts["organisation"],
                    signed_on,
                    read.choice(f"{key}-capacity"),
                )
        # Only the partners the user changed are sent (and checked): a colleague's
        # sign-off of another partner in the meantime is neither refused nor undone.
        changed = {
            key: entry
            for key, entry in signoffs.items()
            if entry is None or _fields(entry) != _fields(self.signed.get(key))
        }
        expected = {key: self.signed[key].version for key in changed if key in self.signed}
        return SignOffPayload(expected, changed)

    def warnings(self, payload: SignOffPayload) -> list[str]:
        return [
            f"The {PARTNERS[key].lower()} sign-off will be withdrawn."
            for key, s in payload.signoffs.items()
            if s is None
        ]

    def conflict_rows(
        self, fresh: CaseRecord, payload: SignOffPayload
    ) -> list[tuple[str, str, str]]:
        theirs = {s.partner: s for s in fresh.signoffs}
        rows: list[tuple[str, object, object]] = []
        for key, label in PARTNERS.items():
            a, b = theirs.get(key), payload.signoffs.get(key, self.signed.get(key))
            rows.append((label, _summary(a), _summary(b)))
        return differing(rows)

    def adopt(self, fresh: CaseRecord) -> None:
        self.record = fresh
        self.signed = {s.partner: s for s in fresh.signoffs}

    def field_values(self, fresh: CaseRecord) -> dict[str, object]:
        values: dict[str, object] = {}
        signed = {s.partner: s for s in fresh.signoffs}
        for key in PARTNERS:
            s = signed.get(key)
            values[f"{key}-name"] = s.name if s else ""
            values[f"{key}-role"] = s.role if s else ""
            values[f"{key}-organisation"] = s.organisation if s else ""
            values[f"{key}-capacity"] = s.capacity if s else "lead"
            values[f"{key}-date"] = s.signed_on if s else None
        return values

    def write(self, store: Store, payload: SignOffPayload) -> None:
        store.record_signoffs(self.case.id, payload.expected, payload.signoffs)


def _fields(s: SignOffRecord | None) -> tuple[object, ...] | None:
    """What a sign-off says, without its version."""
    if s is None:
        return None
    return (s.name, s.role, s.organisation, s.signed_on, s.capacity)


def _summary(s: SignOffRecord | None) -> str:
    if s is None:
        return ""
    return f"{s.name}, {s.role}, {s.organisation}, {uk(s.signed_on)}"
