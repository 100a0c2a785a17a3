"""The base of every form: validate, warn, save in a worker, never lose what was typed.

A form is a ``ModalScreen`` that dismisses with the saved record's id (or
``None`` when cancelled). ``ctrl+s`` / ``f2`` saves; ``escape`` asks before
throwing typed text away. The form closes only after the store has committed,
so "saved" is never said early; a failed save keeps the form open, with the
reason on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields, is_dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Static

from rr_tui.dates import DateInputError, uk
from rr_tui.edits import Edit, Target, same, stored
from rr_tui.errors import ConflictError, InputError, RRError
from rr_tui.records import CaseRecord
from rr_tui.sanitize import for_display
from rr_tui.screens.base import AppAccess
from rr_tui.screens.confirm import ConfirmScreen, ConflictScreen
from rr_tui.validation import check_line, check_text, date_warnings, timeline_warnings
from rr_tui.widgets.fields import (
    AreaField,
    CheckField,
    ChoiceField,
    DateField,
    Field,
    TextField,
)
from rr_tui.widgets.footer import KeyBar

if TYPE_CHECKING:
    from rr_tui.store import Store

# The payload a form's fields make: a frozen dataclass per form.
P = TypeVar("P")
F = TypeVar("F", bound=Field)
T = TypeVar("T")


class FormError(Exception):
    """Problems found before saving, keyed by field id."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("form has errors")
        self.errors = errors


class Reader:
    """Reads a form's fields by id, gathering every problem so that all show at once.

    The checks come from the fields themselves (a ``TextField``'s
    ``max_length`` and ``required``, from ``rr_tui.lengths``) and the domain's
    rules (``rr_tui.validation``): a form never writes a length twice.
    """

    def __init__(self, form: Widget, today: date) -> None:
        self._form, self._today = form, today
        self.errors: dict[str, str] = {}

    def _get(self, field_id: str, kind: type[F]) -> F:
        return self._form.query_one(f"#{field_id}", kind)

    def problem(self, field_id: str, message: str | None) -> None:
        """Say what is wrong with a field (the first problem found is kept)."""
        if message:
            self.errors.setdefault(field_id, message)

    def date_of(self, field_id: str) -> date | None:
        """The date typed (None when blank)."""
        try:
            return self._get(field_id, DateField).parse()
        except DateInputError as exc:
            self.problem(field_id, str(exc))
            return None

    def required_date(self, field_id: str) -> date:
        """The date typed; blank is a problem (the payload is then never used)."""
        when = self.date_of(field_id)
        if when is None:
            self.problem(field_id, "is required")
            return self._today
        return when

    def line(self, field_id: str) -> str:
        """A one-line text, trimmed, within its field's length."""
        f = self._get(field_id, TextField)
        value = f.value.strip()
        self.problem(field_id, check_line(value, f.max_length, required=f.required))
        return value

    def text(self, field_id: str) -> str:
        """A multi-line text as typed, within its field's length."""
        f = self._get(field_id, AreaField)
        value = f.value
        self.problem(
            field_id, check_text(value) or check_line(value.strip(), f.max_length, f.required)
        )
        return value

    def choice(self, field_id: str) -> str:
        return self._get(field_id, ChoiceField).value

    def value(self, field_id: str) -> object:
        """What a field holds, read as its kind is read (a line trimmed, a date parsed)."""
        kind = type(self._get(field_id, Field))
        if issubclass(kind, TextField):
            return self.line(field_id)
        if issubclass(kind, AreaField):
            return self.text(field_id)
        if issubclass(kind, DateField):
            return self.date_of(field_id)
        if issubclass(kind, CheckField):
            return self.checked(field_id)
        return self.choice(field_id)

    def into(self, make: Callable[..., T], names: Iterable[str]) -> T:
        """A record made of the fields ``names`` (each field's id is the record's name)."""
        return make(**{name: self.value(name) for name in names})

    def checked(self, field_id: str) -> bool:
        return self._get(field_id, CheckField).value


class FormScreen(AppAccess, ModalScreen[int | None], Generic[P]):
    """A form over a case (``record``; None for a new case) that makes a ``P`` and saves it.

    A form declares its fields (``compose_fields``), reads them into its typed
    payload (``read_payload``), asks about what is surprising (``warnings``:
    the dates' questions come from the fields, through
    ``validation.date_warnings``) and saves (``save``, in a worker). Errors
    from the store come back with the field's id and are shown on that field.
    """

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
    # The store names a field in error by the record's field name; where this
    # form's field id differs, this maps the store's name to the field id.
    STORE_FIELDS: ClassVar[dict[str, str]] = {}

    def __init__(self, record: CaseRecord | None = None) -> None:
        super().__init__()
        self.record = record
        self.case_id = record.id if record is not None else None
        self._initial: dict[str, object] = {}
        # The stored value of each field as the form showed it, by field id.
        self._seen: dict[str, object] = {}
        self._edits: list[Edit] = []
        self._saving = False

    @property
    def case(self) -> CaseRecord:
        """The case this form works on (forms over an existing case only)."""
        if self.record is None:
            raise LookupError("this form has no case yet")
        return self.record

    def date_field(
        self,
        label: str,
        value: date | None = None,
        *,
        id: str,
        hint: Callable[[date], str] | None = None,
        required: bool = False,
        future: bool = True,
        after: Callable[[], tuple[date | None, str]] | None = None,
    ) -> DateField:
        """A date field that reads "today" as the app has it."""
        return DateField(
            label,
            value,
            id=id,
            today=lambda: self.rr.today,
            hint=hint,
            required=required,
            future=future,
            after=after,
        )

    # -- for subclasses ------------------------------------------------------------

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError
        yield  # pragma: no cover

    def read_payload(self, read: Reader) -> P:
        """Read every field into the payload; problems go to ``read.problem``."""
        raise NotImplementedError

    def warnings(self, payload: P) -> list[str]:
        """Plausible but surprising input other than the dates', to confirm before saving."""
        return []

    def write(self, store: Store, payload: P) -> None:
        """Write to the store (in a worker thread): by default, the edited fields."""
        store.save_edits(self.case.id, self._edits)

    def save(self, store: Store, payload: P) -> int | None:
        """Write, and say which record was saved (by default, the case)."""
        self.write(store, payload)
        return self.case_id

    # -- reading -------------------------------------------------------------------

    def collect(self) -> P:
        """Read and check every field; raise FormError naming the bad ones, in form order."""
        read = Reader(self, self.rr.today)
        payload = self.read_payload(read)
        if read.errors:
            order = [f.id for f in self.query(Field)]
            ordered = {k: read.errors[k] for k in order if k in read.errors}
            raise FormError(ordered | read.errors)
        return payload

    def date_questions(self) -> list[str]:
        """The questions about the dates typed: in the future, or before what they follow.

        Every date field the user changed, through ``validation.date_warnings``
        (the same sentences as ``timeline_warnings`` and the CLI).
        """
        notes: list[str] = []
        for f in self.query(DateField):
            if not f.display or not self.touched(f.id or ""):
                continue
            try:
                when = f.parse()
            except DateInputError:
                continue
            if when is None:
                continue
            not_before, what = f.after() if f.after is not None else (None, "")
            today = self.rr.today if f.future else date.max
            notes += date_warnings(f.label, when, today, not_before, what)
        return notes

    def step_warnings(self, steps: Mapping[str, date | None]) -> list[str]:
        """The timeline questions for the step dates a form would record.

        The same domain function and sentences as ``rr-tui record`` (which
        refuses them without --force). Only dates the form changes are questioned.
        """
        done = self.record.done if self.record is not None else {}
        changed = {k: v for k, v in steps.items() if done.get(k) != v}
        return timeline_warnings(self.rr.profile, done, changed, self.rr.today)

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
        """The stored values, by field id, as the form shows them: where ``targets`` point."""
        return {field_id: stored(fresh, target) for field_id, target in self.targets().items()}

    def values(self, payload: P) -> dict[str, object]:
        """The values the user entered, by field id: the payload's fields of the same names."""
        if not is_dataclass(payload) or isinstance(payload, type):
            return {}
        return {f.name: getattr(payload, f.name) for f in fields(payload)}

    def adopt(self, fresh: CaseRecord) -> None:
        """Take the saved record as the form's base."""
        self.record = fresh

    def touched(self, field_id: str) -> bool:
        """Whether the user changed this field since the form showed its value."""
        found = self.query(f"#{field_id}").results(Field)
        widget = next(iter(found), None)
        return widget is not None and widget.snapshot() != self._initial.get(field_id)

    def edits(self, payload: P) -> list[Edit]:
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
            result.append(Edit(target, seen, entered[field_id], label, field_id))
        return result

    def shown_value(self, field_id: str, value: object) -> str:
        """A value as the conflict dialog shows it (a choice by its label)."""
        widget = next(iter(self.query(f"#{field_id}").results(Field)), None)
        if isinstance(widget, ChoiceField):
            return widget.label_of(value)
        return shown(value)

    def conflict_rows(self, fresh: CaseRecord, payload: P) -> list[tuple[str, str, str]]:
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
        yield KeyBar(compact=True)

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
        warnings = self.date_questions() + self.warnings(payload)
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

    def _write(self, payload: P) -> None:
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
        # The store names the field at fault: show the problem on it.
        field = self._field_for(exc)
        if field is not None and isinstance(exc, InputError):
            field.set_error(exc.problem)
            field.control.focus()
            field.scroll_visible()
        self.status(f"Not saved: {exc.message}. Your entries are kept.", error=True)

    def _field_for(self, exc: RRError) -> Field | None:
        """The field a store error is about, by its id (never by its label)."""
        if not isinstance(exc, InputError) or not exc.field:
            return None
        field_id = self.STORE_FIELDS.get(exc.field, exc.field)
        found = next(iter(self.query(f"#{field_id}").results(Field)), None)
        return found if found is not None and found.display else None


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


def on_saved(screen: Widget, reload: Callable[[], None], what: str) -> Callable[[int | None], None]:
    """A dismiss callback: say 'saved' (the store has committed) and reload."""

    def done(result: int | None) -> None:
        if result is not None:
            screen.notify(f"{what} saved", timeout=3)
            reload()

    return done
