"""Form fields: a label, an input, a live hint and an inline error, as one widget."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from rr_tui.dates import FORMS_HINT, DateInputError, parse_user_date, uk
from rr_tui.lengths import MAX_LINE, MAX_TEXT
from rr_tui.records import YES_NO, from_yes_no, yes_no


class Field(Vertical):
    """Base: a titled field with an error line beneath it."""

    DEFAULT_CSS = """
    Field { height: auto; margin: 0 0 1 0; }
    Field > .field--label { color: $text-muted; }
    Field > .field--error { color: $error; display: none; }
    Field.-invalid > .field--error { display: block; }
    Field.-invalid Input, Field.-invalid TextArea { border: tall $error; }
    """

    def __init__(self, label: str, *, id: str) -> None:
        super().__init__(id=id)
        self.label = label

    def compose_label(self) -> ComposeResult:
        yield Label(self.label, classes="field--label", markup=False)

    def compose_error(self) -> ComposeResult:
        yield Static("", classes="field--error", markup=False)

    @property
    def control(self) -> Widget:
        raise NotImplementedError

    def set_error(self, message: str | None) -> None:
        self.set_class(bool(message), "-invalid")
        self.query_one(".field--error", Static).update(
            f"✗ {self.label}: {message}" if message else ""
        )

    def snapshot(self) -> Any:
        """The raw value as typed, for noticing unsaved changes."""
        raise NotImplementedError

    def snapshot_of(self, value: Any) -> Any:
        """What ``snapshot`` would be once ``value`` is shown."""
        return "" if value is None else str(value)

    def set_value(self, value: Any) -> None:
        raise NotImplementedError


class _Typed(Field):
    """A field of typed text, held to its length (``rr_tui.lengths``), perhaps required.

    ``max_length`` is what the input enforces and the form checks;
    ``LIMIT`` is the default of each kind.
    """

    LIMIT: ClassVar[int] = MAX_LINE

    def __init__(
        self,
        label: str,
        value: str = "",
        *,
        id: str,
        placeholder: str = "",
        hint: str = "",
        max_length: int | None = None,
        required: bool = False,
    ) -> None:
        super().__init__(label, id=id)
        self._value, self._placeholder, self._hint = value, placeholder, hint
        self.max_length = self.LIMIT if max_length is None else max_length
        self.required = required

    @property
    def value(self) -> str:
        raise NotImplementedError

    def snapshot(self) -> Any:
        return self.value


class TextField(_Typed):
    """One line of text."""

    def compose(self) -> ComposeResult:
        yield from self.compose_label()
        yield Input(self._value, placeholder=self._placeholder, max_length=self.max_length)
        yield from self.compose_error()

    @property
    def control(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.control.value

    def set_value(self, value: Any) -> None:
        self.control.value = self.snapshot_of(value)


class AreaField(_Typed):
    """Several lines of text, with a hint above them."""

    DEFAULT_CSS = """
    AreaField TextArea { height: 4; }
    """
    LIMIT = MAX_TEXT

    def compose(self) -> ComposeResult:
        yield from self.compose_label()
        if self._hint:
            yield Static(self._hint, classes="field--hint", markup=False)
        yield TextArea(self._value, soft_wrap=True, tab_behavior="focus")
        yield from self.compose_error()

    @property
    def control(self) -> TextArea:
        return self.query_one(TextArea)

    @property
    def value(self) -> str:
        return self.control.text

    def set_value(self, value: Any) -> None:
        self.control.text = self.snapshot_of(value)


class ChoiceField(Field):
    def __init__(
        self,
        label: str,
        options: Sequence[tuple[str, str]],
        value: str | None = None,
        *,
        id: str,
        allow_blank: bool = True,
    ) -> None:
        super().__init__(label, id=id)
        # Text, not str: Select renders a str prompt as markup, and option texts
        # can be user data (an agency's name).
        self._options = [(Text(text), key) for key, text in options]
        self._initial = value
        self._blank = allow_blank

    def compose(self) -> ComposeResult:
        yield from self.compose_label()
        initial: Any = self._initial if self._initial else Select.NULL
        yield Select(self._options, value=initial, allow_blank=self._blank, prompt="(not set)")
        yield from self.compose_error()

    @property
    def control(self) -> Select[str]:
        return self.query_one(Select)

    @property
    def value(self) -> str:
        value = self.control.value
        return value if isinstance(value, str) else ""

    def snapshot(self) -> Any:
        return self.value

    def set_value(self, value: Any) -> None:
        self.control.value = value if value else Select.NULL

    def label_of(self, value: Any) -> str:
        """The option's text for a stored value ('' for none)."""
        if not value:
            return ""
        return next((text.plain for text, key in self._options if key == value), str(value))


class YesNoField(ChoiceField):
    """Yes, no, or not recorded: the stored value is True, False or None."""

    def __init__(self, label: str, value: bool | None, *, id: str) -> None:
        super().__init__(label, list(YES_NO.items()), yes_no(value), id=id)

    @property
    def answer(self) -> bool | None:
        return from_yes_no(self.value)

    @staticmethod
    def _word(value: Any) -> str:
        return yes_no(value) if value is None or isinstance(value, bool) else str(value)

    def snapshot_of(self, value: Any) -> Any:
        return self._word(value)

    def set_value(self, value: Any) -> None:
        super().set_value(self._word(value))

    def label_of(self, value: Any) -> str:
        return super().label_of(self._word(value))


class CheckField(Field):
    def __init__(self, label: str, value: bool = False, *, id: str) -> None:
        super().__init__(label, id=id)
        self._value = value

    def compose(self) -> ComposeResult:
        yield Checkbox(self.label, self._value)
        yield from self.compose_error()

    def on_mount(self) -> None:
        self._show_mark()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._show_mark()

    def _show_mark(self) -> None:
        # Textual draws the same "X" on and off, differing only by colour;
        # show a tick or a blank so the state reads without colour too.
        box = self.control
        box.BUTTON_INNER = "✓" if box.value else " "
        box.refresh()

    @property
    def control(self) -> Checkbox:
        return self.query_one(Checkbox)

    @property
    def value(self) -> bool:
        return self.control.value

    def snapshot(self) -> Any:
        return self.value

    def snapshot_of(self, value: Any) -> Any:
        return bool(value)

    def set_value(self, value: Any) -> None:
        self.control.value = bool(value)


_COMPLETE = re.compile(
    r"\D\d{4}$"  # 19/12/2025, 19 Dec 2025
    r"|^\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}$"  # 2025-12-19
    r"|^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}$"  # 19/12/25
    r"|^[A-Za-z]{3,}$"  # today, fri
)
# Long enough for "Wednesday, 19th of December 2025".
MAX_DATE_TEXT = 32


def _looks_complete(text: str) -> bool:
    """Could the typing be finished? (a year typed, or a word of three letters or more)."""
    return bool(_COMPLETE.search(text)) or len(text) >= 10


class DateField(Field):
    """A date as people type it (``rr_tui.dates``), shown as understood ("Fri 19 Dec 2025")
    beside the field with the resulting deadline, live."""

    DEFAULT_CSS = """
    DateField Horizontal { height: auto; }
    DateField Input { width: 20; }
    DateField .field--hint { width: 1fr; padding: 1 0 0 1; color: $text-muted; }
    """

    def __init__(
        self,
        label: str,
        value: date | None = None,
        *,
        id: str,
        today: Callable[[], date],
        hint: Callable[[date], str] | None = None,
        required: bool = False,
        future: bool = True,
        after: Callable[[], tuple[date | None, str]] | None = None,
    ) -> None:
        super().__init__(label, id=id)
        self._value = value.isoformat() if value else ""
        self._today = today
        self._hint = hint
        self.required = required
        # What the form asks about before saving a date typed here
        # (rr_tui.validation.date_warnings): a date in the future, unless
        # ``future`` says it may be; a date before ``after()``'s (date, name).
        self.future, self.after = future, after

    def compose(self) -> ComposeResult:
        yield from self.compose_label()
        with Horizontal():
            yield Input(self._value, placeholder="DD/MM/YYYY", max_length=MAX_DATE_TEXT)
            yield Static("", classes="field--hint", markup=False)
        yield from self.compose_error()

    def on_mount(self) -> None:
        self._update_hint()

    @property
    def control(self) -> Input:
        return self.query_one(Input)

    def snapshot(self) -> Any:
        return self.control.value

    def snapshot_of(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else ""

    def set_value(self, value: Any) -> None:
        self.control.value = self.snapshot_of(value)

    def parse(self) -> date | None:
        """The date typed, None when blank; raises DateInputError when unusable."""
        text = self.control.value.strip()
        if not text:
            if self.required:
                raise DateInputError(f"is required ({FORMS_HINT})")
            return None
        return parse_user_date(text, self._today())

    class Typed(Message):
        """The date field's text changed (a form whose hints depend on several dates listens)."""

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        # A date pasted with spaces around it is read without them (parse
        # strips); the field has room for them (MAX_DATE_TEXT).
        self._update_hint()
        if self._hint is not None:  # only fields with a live deadline hint concern others
            self.post_message(self.Typed())

    def _update_hint(self) -> None:
        hint = self.query_one(".field--hint", Static)
        text = self.control.value.strip()
        if not text:
            hint.update(FORMS_HINT)
            return
        try:
            when = self.parse()
        except DateInputError as exc:
            # Say so only once the typing could be complete, not mid-date.
            hint.update(str(exc) if _looks_complete(text) else "")
            return
        if when is None:
            return
        extra = self._hint(when) if self._hint else ""
        hint.update(uk(when) + (f" · {extra}" if extra else ""))

    def set_hint_source(self, hint: Callable[[date], str]) -> None:
        self._hint = hint
        self._update_hint()
