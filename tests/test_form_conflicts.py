"""Every form × every field it writes: saves never erase a colleague's work (issue 11 §2).

For each form that edits stored fields, and for each field it writes:

- *untouched fields are not written*: another coordinator changes every field
  but one; the user changes only that one and saves; every one of their values
  survives;
- *stale fields are refused*: another coordinator changes a field; the user
  changes the same field to something else and saves; the conflict dialog
  names that field only, and their value is still stored. "Keep editing" makes
  their values the form's base, so saving again applies the user's entries
  knowingly.

The other coordinator writes through the store's own record methods, not
through the form's mapping, so a form that maps a field to the wrong column
fails here. A new form must be added to ``SPECS`` or ``CREATE_ONLY``: the last
test fails otherwise.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest
from tui_helpers import (
    SIZE,
    form_status,
    fresh_store,
    make_app,
    open_case,
    open_form,
    running,
    running_app,
    save,
    save_and_close,
    wait_for_screen,
    wait_until,
)

import rr_tui.screens
from rr_tui.edits import ACTION, AGENCY, CASE, CHILD, MEETING, PANEL, STEP, Target
from rr_tui.records import (
    AGE_BANDS,
    DISABILITY,
    ETHNICITIES,
    INCIDENT_TYPES,
    MEETING_TEXT,
    NOTIFICATION_KINDS,
    PANEL_OUTCOMES,
    RECONSIDERATION_OUTCOMES,
    SEXES,
    ActionRecord,
    MeetingRecord,
    SignOffRecord,
)
from rr_tui.rules.profile import DECISIONS
from rr_tui.screens.agency_forms import AgencyForm, ReturnForm
from rr_tui.screens.case_form import CaseForm
from rr_tui.screens.child_form import ChildForm
from rr_tui.screens.confirm import ConflictScreen
from rr_tui.screens.form import FormScreen
from rr_tui.screens.lifecycle_forms import ActionForm, LifecycleForm, LocalReviewForm
from rr_tui.screens.meeting_form import MeetingForm
from rr_tui.screens.panel_form import PanelForm
from rr_tui.screens.signoff_form import SignOffForm
from rr_tui.screens.step_form import StepForm
from rr_tui.store import Store

D = date


@dataclass(frozen=True)
class FieldSpec:
    field_id: str
    target: Target
    # Their value and yours, given what the form showed; equal for yes/no fields
    # (two people can only flip them the same way: nothing is lost).
    theirs: Callable[[Any], Any]
    yours: Callable[[Any], Any]


def const(value: Any) -> Callable[[Any], Any]:
    return lambda _seen: value


def fixed(field_id: str, target: Target, theirs: Any, yours: Any) -> FieldSpec:
    """A field the other coordinator sets to ``theirs`` and the user to ``yours``."""
    return FieldSpec(field_id, target, const(theirs), const(yours))


def choice(field_id: str, target: Target, options: list[Any]) -> FieldSpec:
    """A choice: theirs is the first option other than the one shown, yours the next."""
    return FieldSpec(
        field_id, target, other_than(options), other_than(options, other_than(options))
    )


def other_than(options: list[Any], *avoid_fns: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The first option different from what the form showed (and from other picks)."""

    def pick(seen: Any) -> Any:
        avoid = [seen, *(f(seen) for f in avoid_fns)]
        return next(o for o in options if o not in avoid)

    return pick


def flip(seen: Any) -> Any:
    return not seen


def closed_if_open(seen: Any) -> Any:
    return "closed" if seen == "open" else "open"


@dataclass(frozen=True)
class FormSpec:
    form: type[FormScreen[Any]]
    reference: str
    key: str
    fields: tuple[FieldSpec, ...]
    agency: str = ""  # ReturnForm: the agency the form opens on


_AGES = list(AGE_BANDS)
_KINDS = list(NOTIFICATION_KINDS)
_SEXES = list(SEXES)
_ETHNIC = list(ETHNICITIES)
_DISABLED = list(DISABILITY)
_INCIDENTS = list(INCIDENT_TYPES)
_DECISIONS = list(DECISIONS)
_OUTCOMES = list(PANEL_OUTCOMES)
_YES_NO: list[Any] = [True, False, None]
_ANSWERS = list(RECONSIDERATION_OUTCOMES)

SPECS: tuple[FormSpec, ...] = (
    FormSpec(
        CaseForm,
        "DEMO-2026-004",
        "e",
        (
            fixed("reference", Target(CASE, "reference"), "RR-T-4", "RR-U-4"),
            choice("kind", Target(CASE, "kind"), _KINDS),
            fixed("sin_reference", Target(CASE, "sin_reference"), "T-1", "U-1"),
            fixed("incident_date", Target(CASE, "incident_date"), D(2026, 11, 2), D(2026, 11, 3)),
            fixed("owner", Target(CASE, "owner"), "T. Theirs", "U. Yours"),
            fixed("lead_authority", Target(CASE, "lead_authority"), "Theirs", "Yours"),
            FieldSpec(
                "incident_type",
                Target(CASE, "incident_type"),
                other_than(_INCIDENTS),
                other_than([*_INCIDENTS, ""], other_than(_INCIDENTS)),
            ),
            fixed("home_authority", Target(CASE, "home_authority"), "Theirs", "Yours"),
            fixed(
                "partners_copied_on",
                Target(CASE, "partners_copied_on"),
                D(2026, 11, 4),
                D(2026, 11, 5),
            ),
            FieldSpec("status", Target(CASE, "status"), closed_if_open, closed_if_open),
            fixed(
                "publication_planned",
                Target(CASE, "publication_planned"),
                D(2027, 3, 1),
                D(2027, 4, 1),
            ),
            fixed("notes", Target(CASE, "notes"), "their notes", "your notes"),
        ),
    ),
    FormSpec(
        MeetingForm,
        "DEMO-2026-006",
        "m",
        (
            fixed("held_on", Target(STEP, "rr_meeting"), D(2026, 11, 23), D(2026, 11, 24)),
            choice("decision", Target(MEETING, "decision"), _DECISIONS),
            choice("national_referral", Target(MEETING, "national_referral"), _YES_NO),
            *(
                fixed(name, Target(MEETING, name), f"their {name}", f"your {name}")
                for name in MEETING_TEXT  # every text column of the meeting record
            ),
            FieldSpec(
                "actions",
                Target(MEETING, "actions"),
                const((ActionRecord("Their action", "T"),)),
                const((ActionRecord("Your action", "U", D(2026, 12, 1)),)),
            ),
        ),
    ),
    FormSpec(
        PanelForm,
        "DEMO-2026-008",
        "p",
        (
            fixed("notified_on", Target(STEP, "panel_notified"), D(2026, 9, 28), D(2026, 9, 29)),
            fixed(
                "notification_notes",
                Target(PANEL, "notification_notes"),
                "their notes",
                "your notes",
            ),
            fixed("response_on", Target(STEP, "panel_response"), D(2026, 10, 9), D(2026, 10, 12)),
            choice("outcome", Target(PANEL, "outcome"), _OUTCOMES),
            fixed(
                "response_notes", Target(PANEL, "response_notes"), "their response", "your response"
            ),
            # After the outcome: a challenge or a request opens the reconsideration.
            fixed(
                "reconsidered_on", Target(STEP, "reconsideration"), D(2026, 10, 20), D(2026, 10, 21)
            ),
            FieldSpec(
                "reconsideration_outcome",
                Target(PANEL, "reconsideration_outcome"),
                other_than(_ANSWERS),
                other_than([*_ANSWERS, ""], other_than(_ANSWERS)),
            ),
            fixed(
                "reconsideration_notes",
                Target(PANEL, "reconsideration_notes"),
                "their answer",
                "your answer",
            ),
        ),
    ),
    FormSpec(
        StepForm,
        "DEMO-2026-008",
        "t",
        (fixed("on", Target(STEP, "practitioner_event"), D(2026, 11, 20), D(2026, 11, 24)),),
    ),
    FormSpec(
        LocalReviewForm,
        "DEMO-2026-008",
        "l",
        (
            fixed("initiated", Target(STEP, "lcspr_initiated"), D(2026, 10, 1), D(2026, 10, 2)),
            fixed(
                "panel_agreed", Target(STEP, "lcspr_panel_agreed"), D(2026, 10, 9), D(2026, 10, 12)
            ),
        ),
    ),
    FormSpec(
        ReturnForm,
        "DEMO-2026-004",
        "r",
        (
            fixed("received_on", Target(AGENCY, "received_on"), D(2026, 11, 20), D(2026, 11, 24)),
            FieldSpec("records_secured", Target(AGENCY, "records_secured"), flip, flip),
            FieldSpec("nil_return", Target(AGENCY, "nil_return"), flip, flip),
        ),
        agency="Children's social care",
    ),
    FormSpec(
        ChildForm,
        "DEMO-2026-004",
        "c",
        (
            fixed("initials", Target(CHILD, "initials"), "TT", "UU"),
            choice("age_band", Target(CHILD, "age_band"), _AGES),
            choice("sex", Target(CHILD, "sex"), _SEXES),
            choice("ethnicity", Target(CHILD, "ethnicity"), _ETHNIC),
            choice("disability", Target(CHILD, "disability"), _DISABLED),
            FieldSpec("cp_plan", Target(CHILD, "cp_plan"), flip, flip),
            FieldSpec("child_in_need", Target(CHILD, "child_in_need"), flip, flip),
            FieldSpec("looked_after", Target(CHILD, "looked_after"), flip, flip),
            FieldSpec("care_leaver", Target(CHILD, "care_leaver"), flip, flip),
        ),
    ),
    FormSpec(
        ActionForm,  # editing (I): action 1 of DEMO-2026-004
        "DEMO-2026-004",
        "I",
        (
            fixed("text", Target(ACTION, "text"), "Their words", "My words"),
            fixed("owner", Target(ACTION, "owner"), "Police", "Health"),
            # Due dates ahead: a date passed would ask first (not under test here).
            fixed("due", Target(ACTION, "due_on"), D(2026, 12, 9), D(2026, 12, 10)),
        ),
    ),
)

# Forms that only create new records: nothing stored yet that a save could erase
# (a new case's reference is checked for uniqueness, case-insensitively).
CREATE_ONLY: tuple[str, ...] = (
    "AgencyForm",
    "ActionForm",
    "ProgressCheckForm",
    "PauseForm",  # starts a pause, or ends the one running (refused if already ended)
    "RecommendationForm",
)
# Forms that change one row checked by its version (tests/test_lifecycle.py).
VERSIONED: tuple[str, ...] = ("ActionDoneForm",)
# Forms that write no stored field (the pack form writes a file and an audit entry).
NO_FIELDS: tuple[str, ...] = ("PackForm",)
# Forms whose fields are saved together, per record: a partner's sign-off is one
# signature (name, role, organisation, capacity, date). The form writes only the
# partners the user changed, each checked against the version it showed
# (test_signoff_* below).
PER_RECORD: tuple[str, ...] = ("SignOffForm",)


# -- the other coordinator ---------------------------------------------------------------


def stored(store: Store, case_id: int, target: Target) -> Any:
    """The stored value, read through the store's records (not through any form)."""
    record = store.get_case(case_id)
    if target.table == CASE:
        return getattr(record.fields, target.column)
    if target.table == STEP:
        return record.done.get(target.column)
    if target.table == MEETING:
        return getattr(record.meeting or MeetingRecord(), target.column)
    if target.table == PANEL:
        return getattr(record.panel, target.column) if record.panel else None
    if target.table == CHILD:
        child = next(c for c in record.children if c.id == target.key)
        return getattr(child.fields, target.column)
    if target.table == ACTION:
        action = next(a for a in record.actions if a.number == target.key)
        return getattr(action, target.column)
    agency = next(a for a in record.agencies if a.id == target.key)
    return getattr(agency, target.column)


def write_as_other(store: Store, case_id: int, target: Target, value: Any) -> None:
    """Another coordinator's save, through the store's record methods."""
    record = store.get_case(case_id)
    if target.table == CASE:
        store.update_case(case_id, record.version, replace(record.fields, **{target.column: value}))
    elif target.table == STEP:
        store.record_step(case_id, target.column, value)
    elif target.table == MEETING:
        meeting = record.meeting or MeetingRecord()
        store.record_meeting(
            case_id,
            meeting.version,
            record.done.get("rr_meeting"),
            replace(meeting, **{target.column: value}),
        )
    elif target.table == PANEL:
        version = record.panel.version if record.panel else 0
        store.record_panel(case_id, version, **{target.column: value})
    elif target.table == CHILD:
        child = next(c for c in record.children if c.id == target.key)
        store.update_child(child.id, child.version, replace(child.fields, **{target.column: value}))
    elif target.table == ACTION:
        # As `rr-tui action edit` does: no version to check against.
        assert target.key is not None
        store.update_action(case_id, target.key, None, **{target.column: value})
    else:
        agency = next(a for a in record.agencies if a.id == target.key)
        store.update_agency(agency.id, agency.version, **{target.column: value})


def with_key(spec: FormSpec, target: Target, row_id: int | None) -> Target:
    """The target with the id of the row the form opened on (an agency, a child)."""
    return replace(target, key=row_id) if target.table in (AGENCY, CHILD, ACTION) else target


async def _open(pilot: Any, url: str, spec: FormSpec) -> tuple[int, FormScreen[Any], int | None]:
    screen = await open_case(pilot, url, spec.reference)
    form = await open_form(pilot, spec.key, spec.form)
    agency_id = None
    if spec.agency:
        agency_id = next(a.id for a in screen.data.record.agencies if a.name == spec.agency)
        assert form._agency().id == agency_id
    if isinstance(form, ChildForm):
        agency_id = screen.data.record.children[0].id  # the form opens on child 1
        assert form.child_id == agency_id
    if isinstance(form, ActionForm):
        agency_id = screen.data.record.actions[0].number  # the form opens on action 1
        assert form.number == agency_id
    # The form writes exactly the fields listed here, where listed.
    expected = {f.field_id: with_key(spec, f.target, agency_id) for f in spec.fields}
    assert form.targets() == expected
    return screen.case_id, form, agency_id


IDS = [spec.form.__name__ + (f"-{spec.key}" if spec.key == "I" else "") for spec in SPECS]


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
async def test_untouched_fields_are_never_written(demo_url: str, spec: FormSpec) -> None:
    """Their changes to every other field survive a save of one field."""
    app = make_app(demo_url)
    mine, *rest = spec.fields
    async with app.run_test(size=SIZE) as pilot:
        case_id, form, agency_id = await _open(pilot, demo_url, spec)
        theirs: dict[str, Any] = {}
        with fresh_store(demo_url) as other:
            for f in rest:
                target = with_key(spec, f.target, agency_id)
                theirs[f.field_id] = f.theirs(stored(other, case_id, target))
                write_as_other(other, case_id, target, theirs[f.field_id])
            mine_target = with_key(spec, mine.target, agency_id)
            seen = stored(other, case_id, mine_target)
        form.field(mine.field_id).set_value(mine.yours(seen))
        await pilot.pause()
        await save_and_close(pilot, form)
    with fresh_store(demo_url) as store:
        assert stored(store, case_id, mine_target) == mine.yours(seen)
        for f in rest:
            got = stored(store, case_id, with_key(spec, f.target, agency_id))
            assert got == theirs[f.field_id], f.field_id


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
async def test_each_stale_field_raises_the_conflict(demo_url: str, spec: FormSpec) -> None:
    """Field by field: theirs changed, yours changed too: refused, naming that field."""
    async with running_app(demo_url) as (app, pilot):
        case_id, form, agency_id = await _open(pilot, demo_url, spec)
        yours: dict[str, Any] = {}
        for f in spec.fields:
            target = with_key(spec, f.target, agency_id)
            with fresh_store(demo_url) as other:
                seen = stored(other, case_id, target)
                their_value = f.theirs(seen)
                write_as_other(other, case_id, target, their_value)
            yours[f.field_id] = f.yours(seen)
            form.field(f.field_id).set_value(yours[f.field_id])
            await pilot.pause()
            if their_value == yours[f.field_id]:
                # Both made the same change (a yes/no field): nothing can be
                # lost, so it is no conflict; the final save below proves it.
                continue
            await save(pilot)
            conflict = await wait_for_screen(pilot, ConflictScreen)
            label = form.field(f.field_id).label
            assert [row[0] for row in conflict.rows] == [label], f.field_id
            assert f"someone else changed {label}" in form_status(form)
            with fresh_store(demo_url) as store:
                assert stored(store, case_id, target) == their_value, f.field_id
            await pilot.press("k")  # keep editing: theirs becomes the base
            await wait_for_screen(pilot, spec.form)
            assert form.field(f.field_id).snapshot() == form.field(f.field_id).snapshot_of(
                yours[f.field_id]
            )
        # Saving again applies every entry over theirs, knowingly.
        await save(pilot)
        await wait_until(pilot, lambda: form not in app.screen_stack, what="the save")
    with fresh_store(demo_url) as store:
        for f in spec.fields:
            got = stored(store, case_id, with_key(spec, f.target, agency_id))
            assert got == yours[f.field_id], f.field_id


def test_every_form_is_covered() -> None:
    """A new form must say which fields it writes here (or that it only creates)."""
    for module in pkgutil.iter_modules(rr_tui.screens.__path__):
        importlib.import_module(f"rr_tui.screens.{module.name}")

    def all_forms(cls: type[FormScreen[Any]]) -> list[type[FormScreen[Any]]]:
        found = []
        for sub in cls.__subclasses__():
            found += [sub, *all_forms(sub)]
        return found

    covered = {spec.form.__name__ for spec in SPECS}
    covered |= set(CREATE_ONLY) | set(NO_FIELDS) | set(PER_RECORD)
    covered |= set(VERSIONED)
    # A base the forms share (it has no fields of its own) is no form.
    forms = [f for f in all_forms(FormScreen) if f is not LifecycleForm]
    missing = sorted(f.__name__ for f in forms if f.__name__ not in covered)
    assert missing == [], f"forms without a conflict test: {missing}"
    assert AgencyForm.__name__ in CREATE_ONLY


# -- sign-off: per partner ------------------------------------------------------------------


def _signature(partner: str, name: str, version: int = 0) -> SignOffRecord:
    return SignOffRecord(partner, name, "Director", "Northshire", D(2026, 11, 20), "lead", version)


async def test_signoff_writes_only_the_partners_changed_and_checks_them(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        screen = await open_case(pilot, demo_url, "DEMO-2026-006")
        case_id = screen.case_id
        with fresh_store(demo_url) as other:
            other.record_signoffs(case_id, {}, {"police": _signature("police", "P. Theirs")})
        await wait_until(
            pilot, lambda: len(screen.data.record.signoffs) == 1, what="the case to reload"
        )
        form = await open_form(pilot, "s", SignOffForm)
        # Another coordinator corrects the police sign-off meanwhile.
        with fresh_store(demo_url) as other:
            police = other.get_case(case_id).signoffs[0]
            other.record_signoffs(
                case_id, {"police": police.version}, {"police": replace(police, role="Chief")}
            )
        for part, text in (("name", "L. Mine"), ("role", "DCS"), ("organisation", "Council")):
            form.field(f"local_authority-{part}").set_value(text)
        form.field("local_authority-date").set_value(D(2026, 11, 24))
        await pilot.pause()
        await save_and_close(pilot, form)
        with fresh_store(demo_url) as store:
            signed = {s.partner: s for s in store.get_case(case_id).signoffs}
        # Theirs, untouched by our save, which wrote only the partner we changed.
        assert (signed["police"].name, signed["police"].role) == ("P. Theirs", "Chief")
        assert signed["local_authority"].name == "L. Mine"
        await wait_until(
            pilot, lambda: len(screen.data.record.signoffs) == 2, what="the case to reload"
        )
        # Now both change the local authority's sign-off: the second save is refused.
        form = await open_form(pilot, "s", SignOffForm)
        with fresh_store(demo_url) as other:
            version = signed["local_authority"].version
            changed = replace(signed["local_authority"], role="Their role")
            other.record_signoffs(
                case_id, {"local_authority": version}, {"local_authority": changed}
            )
        form.field("local_authority-name").set_value("L. Mine Again")
        await pilot.pause()
        await save(pilot)
        await wait_for_screen(pilot, ConflictScreen)
        with fresh_store(demo_url) as store:
            signed = {s.partner: s for s in store.get_case(case_id).signoffs}
        assert signed["local_authority"].role == "Their role"
        assert signed["local_authority"].name == "L. Mine"
