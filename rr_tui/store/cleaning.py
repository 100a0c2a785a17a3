"""Cleaning and checking what is about to be stored; InputError names the field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields as dc_fields
from dataclasses import replace
from typing import Any

from rr_tui import lengths
from rr_tui.errors import InputError, field_error
from rr_tui.records import (
    CHILD_FIELDS,
    MULTILINE_CASE_FIELDS,
    ActionRecord,
    CaseFields,
    ChildFields,
)
from rr_tui.sanitize import clean_text
from rr_tui.validation import (
    CHILD_LABELS,
    FIELD_LABELS,
    case_field_errors,
    check_line,
    check_text,
    child_field_errors,
    normal_reference,
)


def raise_if(label: str, problem: str | None, field: str = "") -> None:
    """Refuse with ``Label: problem``, naming the field (its form field's id) when given."""
    if problem:
        raise field_error(field, label, problem)


def raise_first(errors: Mapping[str, str], labels: Mapping[str, str]) -> None:
    """Refuse with the first of a form's problems (by field name), naming its field."""
    if errors:
        name, message = next(iter(errors.items()))
        raise field_error(name, labels[name], message)


def clean_actions(
    actions: Iterable[ActionRecord], field: str = "actions"
) -> tuple[ActionRecord, ...]:
    """The meeting's immediate actions, each one's text and owner cleaned and checked."""
    return tuple(
        ActionRecord(
            required_line("Action", a.action, lengths.ACTION, field),
            one_line("Action owner", a.owner, lengths.ACTION_OWNER, field),
            a.due_on,
            a.done_on,
        )
        for a in actions
    )


def required_line(label: str, value: str, limit: int, field: str = "") -> str:
    value = clean_text(value, multiline=False)
    raise_if(label, check_line(value, limit, required=True), field)
    return value


def one_line(label: str, value: str, limit: int, field: str = "") -> str:
    value = clean_text(value, multiline=False)
    raise_if(label, check_line(value, limit), field)
    return value


def checked_text(label: str, value: str, field: str = "") -> str:
    value = clean_text(value)
    raise_if(label, check_text(value), field)
    return value


def check_step_id(step_id: str) -> None:
    """Step ids come from the profile, never from a user's typing; still, keep them sane."""
    if not (0 < len(step_id) <= lengths.STEP_ID and step_id.isascii() and step_id.isidentifier()):
        raise InputError("Step: not a step id")


def clean_case(fields: CaseFields) -> CaseFields:
    changes: dict[str, Any] = {
        f.name: clean_text(getattr(fields, f.name), multiline=f.name in MULTILINE_CASE_FIELDS)
        for f in dc_fields(fields)
        if isinstance(getattr(fields, f.name), str)
    }
    changes["reference"] = normal_reference(changes.get("reference", fields.reference))
    cleaned = replace(fields, **changes)
    raise_first(case_field_errors(cleaned), FIELD_LABELS)
    return cleaned


def case_columns(fields: CaseFields) -> dict[str, Any]:
    return {f.name: getattr(fields, f.name) for f in dc_fields(fields)}


def clean_child(fields: ChildFields) -> ChildFields:
    changes: dict[str, Any] = {
        f.name: clean_text(getattr(fields, f.name), multiline=False).strip()
        for f in dc_fields(fields)
        if isinstance(getattr(fields, f.name), str)
    }
    cleaned = replace(fields, **changes)
    raise_first(child_field_errors(cleaned), CHILD_LABELS)
    return cleaned


def child_columns(fields: ChildFields) -> dict[str, Any]:
    return {name: getattr(fields, name) for name in CHILD_FIELDS}
