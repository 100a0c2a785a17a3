"""Add, edit or remove a child on the notification (one notification can cover several)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Select

from rr_tui import lengths
from rr_tui.edits import CHILD, Target
from rr_tui.records import (
    AGE_BANDS,
    CHILD_FIELDS,
    CHILD_STATUSES,
    DISABILITY,
    EARLIER_AGE_BANDS,
    ETHNICITIES,
    SEXES,
    CaseRecord,
    ChildFields,
    ChildRecord,
)
from rr_tui.screens.form import FormScreen, Reader
from rr_tui.validation import CHILD_LABELS, child_field_errors
from rr_tui.widgets.fields import CheckField, ChoiceField, Field, TextField

if TYPE_CHECKING:
    from rr_tui.store import Store

NEW = "new"
_EMPTY = ChildFields("")


@dataclass(frozen=True)
class ChildPayload:
    child: ChildRecord | None  # None: a new child
    fields: ChildFields
    remove: bool = False


class ChildForm(FormScreen[ChildPayload]):
    TITLE_TEXT = "Children on the notification"
    record: CaseRecord

    def __init__(self, record: CaseRecord, child_id: int | None = None) -> None:
        super().__init__(record)
        # With children already recorded the form opens on the first; "new" adds one.
        first = record.children[0].id if record.children else None
        self.child_id = child_id if child_id is not None else first

    def _current(self) -> ChildRecord | None:
        return next((c for c in self.case.children if c.id == self.child_id), None)

    def _choices(self) -> list[tuple[str, str]]:
        options = [
            (str(c.id), f"Child {c.position}: {c.fields.initials or '(no initials)'}")
            for c in self.case.children
        ]
        return [*options, (NEW, "Add a new child")]

    def _age_choices(self, current: str) -> list[tuple[str, str]]:
        bands = list(AGE_BANDS.items())
        if current in EARLIER_AGE_BANDS:
            bands.append((current, EARLIER_AGE_BANDS[current]))
        return bands

    def compose_fields(self) -> ComposeResult:
        current = self._current()
        c = current.fields if current else _EMPTY
        yield ChoiceField(
            "Child",
            self._choices(),
            str(current.id) if current else NEW,
            id="which",
            allow_blank=False,
        )
        yield TextField(
            CHILD_LABELS["initials"],
            c.initials,
            id="initials",
            max_length=lengths.CHILD_INITIALS,
            placeholder="e.g. AB or Child A: never a full name",
        )
        yield ChoiceField(
            CHILD_LABELS["age_band"], self._age_choices(c.age_band), c.age_band, id="age_band"
        )
        yield ChoiceField(CHILD_LABELS["sex"], list(SEXES.items()), c.sex, id="sex")
        yield ChoiceField(
            CHILD_LABELS["ethnicity"], list(ETHNICITIES.items()), c.ethnicity, id="ethnicity"
        )
        yield ChoiceField(
            CHILD_LABELS["disability"], list(DISABILITY.items()), c.disability, id="disability"
        )
        for name, label in CHILD_STATUSES.items():
            yield CheckField(label, bool(getattr(c, name)), id=name)
        yield CheckField("Remove this child from the case", False, id="remove")

    def on_mount(self) -> None:
        super().on_mount()
        self._show_remove()

    def _show_remove(self) -> None:
        self.query_one("#remove", CheckField).display = self._current() is not None

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.parent is None or getattr(event.select.parent, "id", "") != "which":
            return
        chosen = self.query_one("#which", ChoiceField).value
        self.child_id = int(chosen) if chosen.isdigit() else None
        current = self._current()
        c = current.fields if current else _EMPTY
        # Another child chosen: show its values, and count them as the form's
        # starting point (switching is not typing).
        self.query_one("#age_band", ChoiceField).control.set_options(
            [(text, key) for key, text in self._age_choices(c.age_band)]
        )
        for name in CHILD_FIELDS:
            self.query_one(f"#{name}", Field).set_value(getattr(c, name))
        self.query_one("#remove", CheckField).set_value(False)
        self._show_remove()
        for f in self.query(Field):
            if f.id != "which":
                self._initial[f.id or ""] = f.snapshot()
        self._seen = dict(self.field_values(self.case))

    def read_payload(self, read: Reader) -> ChildPayload:
        current = self._current()
        remove = current is not None and read.checked("remove")
        fields = read.into(ChildFields, CHILD_FIELDS)
        if remove:
            read.errors.clear()  # a child taken off is not checked
        else:
            for name, problem in child_field_errors(fields).items():
                read.problem(name, problem)
        return ChildPayload(current, fields, remove)

    def warnings(self, payload: ChildPayload) -> list[str]:
        if payload.remove and payload.child is not None:
            return [
                f"Child {payload.child.position} ({payload.child.fields.initials}) will be "
                "taken off the case; the children after it move up."
            ]
        return []

    # Editing a child saves only the fields the user changed, each checked
    # against what the form showed (rr_tui.edits); adding and removing a child
    # are whole-row changes.

    def targets(self) -> dict[str, Target]:
        if self._current() is None:
            return {}
        return {name: Target(CHILD, name, self.child_id) for name in CHILD_FIELDS}

    def values(self, payload: ChildPayload) -> dict[str, object]:
        return {name: getattr(payload.fields, name) for name in CHILD_FIELDS}

    def save(self, store: Store, payload: ChildPayload) -> int | None:
        if payload.child is None:
            return store.add_child(self.case.id, payload.fields)
        if payload.remove:
            store.remove_child(payload.child.id, payload.child.version)
            return payload.child.id
        self.write(store, payload)
        return payload.child.id
