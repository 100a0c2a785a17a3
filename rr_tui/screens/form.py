"""The base of every form: validate, warn, save in a worker, never lose what was typed.

A form is a ``ModalScreen`` that dismisses with the saved record's id (or
``None`` when cancelled). ``ctrl+s`` / ``f2`` saves; ``escape`` asks before
throwing typed text away. The form closes only after the store has committed,
so "saved" is never said early; a failed save keeps the form open, with the
reason on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from rr_tui.dates import uk
from rr_tui.edits import Edit, Target, same
from rr_tui.errors import ConflictError, RRError
from rr_tui.records import CaseRecord
from rr_tui.sanitize import for_display
from rr_tui.screens.base import AppAccess
from rr_tui.screens.confirm import ConfirmScreen, ConflictScreen
from rr_tui.widgets.fields import ChoiceField, Field

if TYPE_CHECKING:
    from rr_tui.store import Store


class FormError(Exception):
    """Problems found before saving, keyed by field id."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("form has errors")
        self.errors = errors


class FormScreen(AppAccess, ModalScreen[int | None]):
    TITLE_TEXT = "Form"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s,f2",
            "save",
            "Save",
            id="form.save",
            tooltip="Save; the form closes only once the save is committed",
            priority=True,
        ),
        Binding(
            "escape",
            "cancel",
            "Cancel",
            id="form.cancel",
            tooltip="Close; asks first if you typed anything",
        ),
        # Modal screens hide the app's keys; "?" is text here, so help is F1 only.
        Binding("f1", "app.help", "Help", id="form.help", show=False, tooltip="This help"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._initial: dict[str, Any] = {}
        # The stored value of each field as the form showed it, by field id.
        self._seen: dict[str, object] = {}
        self._edits: list[Edit] = []
        self._saving = False

    # -- for subclasses ------------------------------------------------------------

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError
        yield  # pragma: no cover

    def collect(self) -> Any:
        """Read and check every field; raise FormError naming the bad ones."""
        raise NotImplementedError

    def warnings(self, payload: Any) -> list[str]:
        """Plausible but surprising input, to confirm before saving."""
        return []

    # -- saving only what changed, checked against what the user saw -------------------
    #
    # A form that edits stored fields says where each field is stored
    # (``targets``), what the stored record holds for each (``field_values``) and
    # what the user entered (``values``). Saving then sends the store one Edit
    # per field the user changed, with the value the form showed; the store
    # refuses the save when any of them changed in the meantime (rr_tui.edits).

    case_id: int | None = None
    record: CaseRecord | None = None

    def targets(self) -> dict[str, Target]:
        """Where each field this form writes is stored, by field id."""
        return {}

    def field_values(self, fresh: CaseRecord) -> dict[str, object]:
        """The stored values, by field id, as the form shows them."""
        return {}

    def values(self, payload: Any) -> dict[str, object]:
        """The values the user entered, by field id (from ``collect``'s payload)."""
        return {}

    def adopt(self, fresh: CaseRecord) -> None:
        """Take the saved record as the form's base."""
        self.record = fresh

    def touched(self, field_id: str) -> bool:
        """Whether the user changed this field since the form showed its value."""
        found = self.query(f"#{field_id}").results(Field)
        widget = next(iter(found), None)
        return widget is not None and widget.snapshot() != self._initial.get(field_id)

    def edits(self, payload: Any) -> list[Edit]:
        """One Edit per field the user changed: what the form showed, what to store."""
        entered = self.values(payload)
        result = []
        for field_id, target in self.targets().items():
            if field_id not in entered or not self.touched(field_id):
                continue
            seen = self._seen.get(field_id)
            if same(entered[field_id], seen):
                continue
            label = self.field(field_id).label
            result.append(Edit(target, seen, entered[field_id], label))
        return result

    def save(self, store: Store, payload: Any) -> int | None:
        """Write to the store (runs in a worker thread): by default, the edits."""
        if self.case_id is None:
            raise NotImplementedError
        store.save_edits(self.case_id, self._edits)
        return self.case_id

    def shown_value(self, field_id: str, value: object) -> str:
        """A value as the conflict dialog shows it (a choice by its label)."""
        widget = next(iter(self.query(f"#{field_id}").results(Field)), None)
        if isinstance(widget, ChoiceField):
            return widget.label_of(value)
        return shown(value)

    def conflict_rows(self, fresh: CaseRecord, payload: Any) -> list[tuple[str, str, str]]:
        """(field, theirs, yours) for each field you changed that someone else changed too."""
        stored, entered = self.field_values(fresh), self.values(payload)
        rows = []
        for field_id in self.targets():
            if field_id not in stored or field_id not in entered:
                continue
            theirs, yours = stored[field_id], entered[field_id]
            if same(theirs, self._seen.get(field_id)) or same(theirs, yours):
                continue  # they did not change it, or changed it as you did
            if not self.touched(field_id):
                continue
            rows.append(
                (
                    self.field(field_id).label,
                    self.shown_value(field_id, stored[field_id]),
                    self.shown_value(field_id, entered[field_id]),
                )
            )
        return rows

    def rebase(self, fresh: CaseRecord) -> None:
        """Take the saved record as the new base, so the next save overwrites it knowingly.

        Fields the user has not touched take the saved values, so saving again
        never undoes someone else's change to a field you did not edit.
        """
        self.adopt(fresh)
        values = self.field_values(fresh)
        for f in self.query(Field):
            key = f.id or ""
            if key not in values:
                continue
            if f.snapshot() == self._initial.get(key):
                f.set_value(values[key])
            self._initial[key] = f.snapshot_of(values[key])
            self._seen[key] = values[key]

    def _show_conflict(self) -> None:
        case_id = self.case_id
        if case_id is None:
            return
        try:
            payload = self.collect()
        except FormError:
            return

        def show(fresh: CaseRecord) -> None:
            rows = self.conflict_rows(fresh, payload)

            def answered(choice: str | None) -> None:
                self.rebase(fresh)
                if choice == "overwrite":
                    self._write(self.collect())
                else:
                    self.status(
                        "Their version is now the base: your entries are still here; "
                        "save again to apply them over it.",
                        error=False,
                    )

            self.app.push_screen(ConflictScreen(rows), answered)

        self.rr.run_db(lambda store: store.get_case(case_id), show)

    # Keys the fields handle themselves; the rest come from BINDINGS.
    help_notes = (
        ("tab / shift+tab", "next / previous field"),
        (
            "dates",
            "19/12/2025 (day first), 19 Dec 2025, 2025-12-19, today, yesterday or a "
            "weekday (fri: the last one); the date understood and its deadline show beside "
            "the field",
        ),
    )

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(self.TITLE_TEXT, classes="dialog--title", markup=False)
            with VerticalScroll(classes="form--body"):
                yield from self.compose_fields()
            yield Static("", id="form-status", markup=False)
            with Horizontal(classes="dialog--buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        fields = list(self.query(Field))
        self._initial = {f.id or "": f.snapshot() for f in fields}
        self._seen = dict(self.field_values(self.record)) if self.record is not None else {}
        if fields:
            fields[0].control.focus()

    def field(self, field_id: str) -> Field:
        return self.query_one(f"#{field_id}", Field)

    @property
    def dirty(self) -> bool:
        return any(self._initial.get(f.id or "") != f.snapshot() for f in self.query(Field))

    def status(self, message: str, *, error: bool = False) -> None:
        box = self.query_one("#form-status", Static)
        box.set_class(error, "-error")
        box.update(message)

    # -- actions -------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(
                "Discard changes?",
                ["You typed things that are not saved."],
                yes="Discard",
                no="Keep editing",
            ),
            answered,
        )

    def action_save(self) -> None:
        if self._saving:
            return
        for f in self.query(Field):
            f.set_error(None)
        try:
            payload = self.collect()
        except FormError as exc:
            self._show_errors(exc.errors)
            return
        warnings = self.warnings(payload)
        if warnings:

            def answered(go: bool | None) -> None:
                if go:
                    self._write(payload)

            self.app.push_screen(
                ConfirmScreen("Please check", [*warnings, "", "Save anyway?"], yes="Save"),
                answered,
            )
            return
        self._write(payload)

    def _show_errors(self, errors: dict[str, str]) -> None:
        first = None
        for field_id, message in errors.items():
            field = self.field(field_id)
            field.set_error(message)
            first = first or field
        labels = ", ".join(self.field(k).label for k in errors)
        self.status(f"Not saved. Fix: {labels}", error=True)
        if first is not None:
            first.control.focus()
            first.scroll_visible()

    def _write(self, payload: Any) -> None:
        self._saving = True
        self.status("Saving…")
        self.query_one("#save", Button).disabled = True
        # Worked out here, on the UI thread: the worker must not read widgets.
        self._edits = self.edits(payload)

        def job(store: Store) -> int | None:
            return self.save(store, payload)

        self.rr.run_db(job, self._saved, self._failed, group=f"save-{id(self)}")

    def _saved(self, result: int | None) -> None:
        self._saving = False
        self.dismiss(result if result is not None else 0)

    def _failed(self, exc: RRError) -> None:
        self._saving = False
        self.query_one("#save", Button).disabled = False
        if isinstance(exc, ConflictError):
            self.status(f"Not saved: {exc.message}. Your entries are kept.", error=True)
            self._show_conflict()
            return
        message = exc.message
        # "Label: problem" from the store: point at the field when we can.
        for f in self.query(Field):
            if message.startswith(f.label + ":"):
                f.set_error(message[len(f.label) + 1 :].strip())
                f.control.focus()
        self.status(f"Not saved: {message}. Your entries are kept.", error=True)


def shown(value: object) -> str:
    """A field value as the conflict dialog shows it."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return uk(value)
    return for_display(str(value))


def differing(rows: list[tuple[str, object, object]]) -> list[tuple[str, str, str]]:
    """(label, theirs, yours) rows whose values differ, formatted for display."""
    return [(label, shown(a), shown(b)) for label, a, b in rows if a != b]


def step_warnings(form: FormScreen, steps: Mapping[str, date | None]) -> list[str]:
    """The timeline questions for the step dates a form would record.

    The same domain function and sentences as ``rr-tui record`` (which refuses
    them without --force). Only dates the form changes are questioned.
    """
    from rr_tui.validation import timeline_warnings

    done = form.record.done if form.record is not None else {}
    changed = {k: v for k, v in steps.items() if done.get(k) != v}
    return timeline_warnings(form.rr.profile, done, changed, form.rr.today)


def on_saved(screen: Any, reload: Callable[[], None], what: str) -> Callable[[int | None], None]:
    """A dismiss callback: say 'saved' (the store has committed) and reload."""

    def done(result: int | None) -> None:
        if result is not None:
            screen.notify(f"{what} saved", timeout=3)
            reload()

    return done
