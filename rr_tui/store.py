"""The case store: the only code that writes to the database.

Each write is one short transaction (``BEGIN IMMEDIATE`` on SQLite) that also
appends to the audit trail; it is committed before the method returns, so a
caller that gets no exception may say "saved". Reads return the frozen
records of ``rr_tui.records``, never ORM objects.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields as dc_fields
from dataclasses import replace
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, String, delete, event, func, insert, or_, select, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from rr_tui import audit_anchor, db
from rr_tui.audit import (
    HEAD,
    KEYRING,
    ChainReport,
    append,
    obj_id,
    record_changes,
    serialise_writes,
    verify,
    verify_chain,
)
from rr_tui.db import DatabaseDamaged
from rr_tui.digest import DueAction
from rr_tui.edits import (
    AGENCY,
    CASE,
    CHILD,
    MEETING,
    PANEL,
    STEP,
    Edit,
    Target,
    same,
    stale_message,
)
from rr_tui.errors import (
    ConflictError,
    DatabaseMissing,
    InputError,
    NotFoundError,
    RRError,
    SchemaError,
)
from rr_tui.models import (
    Agency,
    AuditEntry,
    Case,
    CaseOrder,
    Chaser,
    Child,
    Meeting,
    MeetingAction,
    PanelContact,
    ProgressCheck,
    Recommendation,
    ReviewPause,
    SignOff,
    StepDate,
    Tracked,
)
from rr_tui.profile import ENGLAND, Profile
from rr_tui.records import (
    AGENCY_ROW,
    CAPACITIES,
    CASE_FIELDS,
    CASE_ROW,
    CHILD_FIELDS,
    MEETING_TEXT,
    PARTNERS,
    PAUSE_REASONS,
    ActionRecord,
    AgencyRecord,
    CaseFields,
    CaseRecord,
    ChildFields,
    ChildRecord,
    HistoryEntry,
    MeetingRecord,
    PanelRecord,
    PauseRecord,
    ProgressCheckRecord,
    RecommendationRecord,
    SignOffRecord,
    TrackedAction,
    agency_record,
    case_record,
)
from rr_tui.sanitize import clean_text
from rr_tui.schedule import AgencyFacts, CaseFacts, next_due, recordable, schedule_key
from rr_tui.validation import (
    CHILD_LABELS,
    FIELD_LABELS,
    case_field_errors,
    check_decision,
    check_line,
    check_panel_outcome,
    check_text,
    check_timescale,
    child_field_errors,
    normal_reference,
)

T = TypeVar("T")
UNCHECKED = object()  # record_step without a stale-date check (the CLI's record)


def current_actor() -> str:
    """The OS account running this process, from its uid (not $USER, which lies)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


class Store:
    def __init__(
        self,
        url: str,
        *,
        create: bool = False,
        actor: str | None = None,
        profile: Profile | None = None,
        timeouts: tuple[int, int] | None = None,
    ) -> None:
        self.url = url
        # The profile the stored triage order is worked out with.
        self.profile = profile or ENGLAND
        self.actor = (actor or current_actor())[:64]  # the width of the *_by columns
        self._path = db.sqlite_path(url) if db.is_sqlite(url) else None
        # The audit trail's anchors outside the database (rr_tui.audit_anchor).
        self.identity = db.identity(url)
        memory = self._path is None and db.is_sqlite(url)
        self.witness_path = None if memory else audit_anchor.witness_path(self.identity)
        self._key: audit_anchor.AuditKey | None = None
        existed = True
        if self._path is not None:
            old_umask = os.umask(0o077)
            try:
                existed = db.check_sqlite_file(self._path, create=create)
            finally:
                os.umask(old_umask)
        lock_s, statement_s = timeouts or (db.PG_LOCK_TIMEOUT_S, db.PG_STATEMENT_TIMEOUT_S)
        self.engine: Engine = db.make_engine(
            url, lock_timeout_s=lock_s, statement_timeout_s=statement_s
        )
        try:
            self._prepare(create=create, existed=existed)
        except BaseException:
            self.engine.dispose()
            raise
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writes = sessionmaker(
            self.engine.execution_options(rr_write=True), expire_on_commit=False
        )
        event.listen(self._writes, "after_flush", record_changes)
        event.listen(self._writes, "after_flush", _note_changed_cases)

    def _prepare(self, *, create: bool, existed: bool) -> None:
        old_umask = os.umask(0o077)
        try:
            revision = db.schema_revision(self.engine)
            if revision is None:
                if not create and self._path is None:
                    raise DatabaseMissing(
                        "that database is empty: rr-tui has not been set up in it yet "
                        "(the app, demo or import set it up)"
                    )
                if not create and existed:
                    raise SchemaError("that database is empty: it is not an rr-tui database")
                if not create:
                    raise DatabaseMissing("there is no rr-tui database there")
                db.migrate(self.engine)
            else:
                db.check_revision(revision)
        finally:
            os.umask(old_umask)
        if self._path is not None:
            db.make_private(self._path)

    def close(self) -> None:
        self.engine.dispose()

    # -- plumbing ---------------------------------------------------------

    def _keyring(self, create: bool) -> audit_anchor.AuditKey | None:
        """The audit key, read once (made when ``create`` and there is none)."""
        if self._key is None:
            self._key = audit_anchor.load_key(create=create)
        return self._key

    def _witness_holds(self, session: Session) -> bool:
        """Does the chain still contain the entry this account's witness names?

        Only then does a write move the witness on: a trail cut short behind
        rr-tui's back keeps its evidence until ``audit verify`` reports it.
        """
        if self.witness_path is None:
            return False
        try:
            witness = audit_anchor.read_witness(self.witness_path)
        except RRError:
            return False
        if witness is None:
            return True
        found = session.execute(
            select(AuditEntry.hash).where(AuditEntry.seq == witness.seq)
        ).scalar()
        return found == witness.hash

    def _advance_witness(self, head: audit_anchor.Witness) -> None:
        if self.witness_path is None:
            return
        try:
            old = audit_anchor.read_witness(self.witness_path)
        except RRError:
            return
        if old is None or old.seq < head.seq:
            audit_anchor.write_witness(self.witness_path, head, self.identity)

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One short write transaction, committed on leaving the block."""
        with db.translated(), self._writes() as session:
            session.info["actor"] = self.actor
            session.info["now"] = datetime.now()
            session.info[KEYRING] = self._keyring
            try:
                yield session
                session.flush()
                self._keep_order(session)
                head = session.info.get(HEAD)
                advance = head is not None and self._witness_holds(session)
                session.commit()
                if advance and head is not None:
                    self._advance_witness(head)
            except IntegrityError as exc:
                session.rollback()
                raise _integrity(exc) from None
            except BaseException:
                session.rollback()
                raise

    def _read(self, fn: Callable[[Session], T]) -> T:
        try:
            return self._read_once(fn)
        except Exception as exc:
            if not db.undecodable_text(exc):
                raise
        # Text another program stored that is not UTF-8 (a reference, a name):
        # read it with U+FFFD for the bad bytes rather than refuse the database.
        # `audit verify` names the record, as it differs from its audit entry.
        db.read_invalid_utf8(self.engine)
        return self._read_once(fn)

    def _read_once(self, fn: Callable[[Session], T]) -> T:
        with db.translated(undecodable=False), self._sessions() as session:
            try:
                return fn(session)
            except ValueError as exc:
                if not _from_column_conversion(exc):
                    raise  # a bug in rr-tui, not a stored value: exit 70, reported
                # A stored value its column type cannot convert (a date that is
                # not a date): the file was changed outside rr-tui, or damaged.
                raise DatabaseDamaged(
                    "the database holds a value rr-tui cannot read; it was changed outside "
                    "rr-tui or is damaged (see: rr-tui audit verify)"
                ) from None

    def _keep_order(self, session: Session) -> None:
        """Work out again, in the same transaction, the next due date of each changed case.

        The list reads its first screenful in this order (``rr_tui.first_page``),
        so it must never lag behind a save.
        """
        changed = sorted(session.info.pop(CHANGED_CASES, ()))
        if not changed:
            return
        # Writers take this lock one at a time until they commit, so the facts
        # read below include every save committed before ours, and no save
        # can commit between the read and our own commit. (Row locks here
        # instead would be taken in the opposite order to the writers' own,
        # after the audit trail's lock: a deadlock.)
        serialise_writes(session)
        key = schedule_key(self.profile)
        for start in range(0, len(changed), ORDER_CHUNK):
            chunk = changed[start : start + ORDER_CHUNK]
            records = _load_cases(session, True, case_ids=chunk)
            session.execute(delete(CaseOrder).where(CaseOrder.case_id.in_(chunk)))
            if records:
                session.execute(
                    insert(CaseOrder),
                    [
                        {
                            "case_id": r.id,
                            "next_due": next_due(r.facts(), self.profile),
                            "schedule_key": key,
                        }
                        for r in records
                    ],
                )

    def _touch(self, session: Session, row: Tracked, *, new: bool = False) -> None:
        now: datetime = session.info["now"]
        if new:
            row.created_at, row.created_by, row.version = now, self.actor, 1
        else:
            row.version = (row.version or 0) + 1
        row.updated_at, row.updated_by = now, self.actor

    def _case(self, session: Session, case_id: int) -> Case:
        case = session.get(Case, case_id, with_for_update=_for_update(session))
        if case is None:
            raise NotFoundError("that case no longer exists")
        return case

    # -- reads ------------------------------------------------------------

    def change_token(self) -> int:
        """Grows with every write by anyone: compare to see whether to reload."""
        return self._read(lambda s: s.scalar(select(func.max(AuditEntry.id))) or 0)

    def case_id(self, reference: str) -> int:
        """The case with this reference, whatever its case (``rr-1`` finds ``RR-1``).

        A database upgraded with two references that differ only in case
        (see revision 0006) finds the one spelt exactly so; otherwise it asks.
        """
        typed = reference.strip()

        def find(session: Session) -> list[tuple[int, str]]:
            query = select(Case.id, Case.reference).where(
                func.upper(Case.reference) == normal_reference(typed)
            )
            return [(row.id, row.reference) for row in session.execute(query)]

        found = self._read(find)
        exact = [case_id for case_id, stored in found if stored == typed]
        if len(found) == 1 or exact:
            return exact[0] if exact else found[0][0]
        if not found:
            raise NotFoundError("no case has that reference")
        raise InputError(
            "two cases have references that differ only in case: "
            "give the reference exactly as it is written"
        )

    def references(self) -> set[str]:
        return self._read(lambda s: set(s.scalars(select(Case.reference))))

    def list_cases(self, *, include_closed: bool = False) -> list[CaseRecord]:
        """Every case with the facts its schedule needs, in few queries and no ORM objects."""
        return self._read(lambda s: _load_cases(s, include_closed))

    def due_actions(self) -> list[DueAction]:
        """Meeting actions not yet done that have a due date (for ``rr-tui digest``)."""

        def load(session: Session) -> list[DueAction]:
            rows = session.execute(
                select(
                    Meeting.case_id,
                    MeetingAction.owner,
                    MeetingAction.due_on,
                    MeetingAction.done_on,
                )
                .join(Meeting, MeetingAction.meeting_id == Meeting.id)
                .order_by(Meeting.case_id, MeetingAction.id)
            )
            out: list[DueAction] = []
            numbers: dict[int, int] = defaultdict(int)
            for case_id, owner, due_on, done_on in rows:
                numbers[case_id] += 1
                if due_on is not None and done_on is None:
                    out.append(DueAction(case_id, numbers[case_id], owner or "", due_on))
            return out

        return self._read(load)

    def get_case(self, case_id: int) -> CaseRecord:
        def load(session: Session) -> CaseRecord:
            records = _load_cases(session, True, case_ids=(case_id,), full=True)
            if not records:
                raise NotFoundError("that case no longer exists")
            return records[0]

        return self._read(load)

    def history(self, case_id: int) -> list[HistoryEntry]:
        def load(session: Session) -> list[HistoryEntry]:
            rows = session.execute(
                select(
                    AuditEntry.at,
                    AuditEntry.actor,
                    AuditEntry.action,
                    AuditEntry.table_name,
                    AuditEntry.old,
                    AuditEntry.new,
                )
                .where(AuditEntry.case_id == case_id)
                .order_by(AuditEntry.id)
            )
            return [
                HistoryEntry(
                    at, actor, action, table, _summarise(action, old, new), _changed(old, new)
                )
                for at, actor, action, table, old, new in rows
            ]

        return self._read(load)

    def stale_order(self) -> list[int]:
        """Cases whose stored triage order was not worked out with this profile and calendar."""
        key = schedule_key(self.profile)
        query = (
            select(Case.id)
            .outerjoin(CaseOrder, CaseOrder.case_id == Case.id)
            .where(or_(CaseOrder.schedule_key.is_(None), CaseOrder.schedule_key != key))
        )
        return self._read(lambda s: list(s.scalars(query)))

    def refresh_order(self) -> int:
        """Work the stored order out again where it is stale; returns how many cases.

        Needed after an upgrade, or when the profile or calendar changed.
        """
        stale = self.stale_order()
        if stale:
            with self._write() as session:
                session.info[CHANGED_CASES] = set(stale)
        return len(stale)

    def record_pack(self, case_id: int, fmt: str, *, final: bool = False) -> None:
        """Note in the audit trail that the case's pack was written (format; final or draft)."""
        what: dict[str, Any] = {"pack": fmt, "final": True} if final else {"pack": fmt}
        with self._write() as session:
            self._case(session, case_id)
            append(session, [("export", "cases", case_id, case_id, {}, what)])

    def verify_audit(self) -> list[str]:
        """Problems with the audit trail, the first broken entry first; empty when intact."""
        return self.audit_report().problems

    def audit_report(self) -> ChainReport:
        """Check the audit trail: the keyed chain, this account's witness, then a replay.

        The replay compares the log with the records, so that a change made
        behind rr-tui's back is reported too. An intact trail moves the
        witness on to its newest entry.
        """
        path = self.witness_path
        witness = audit_anchor.read_witness(path) if path is not None else None
        key = audit_anchor.load_key(create=False)
        report = self._read(lambda s: verify(s, key, witness))
        if not report.problems and report.count:
            self._advance_witness(audit_anchor.Witness(report.count, report.head))
        return report

    def accept_audit(self) -> ChainReport:
        """Make this account's witness vouch for the trail as it is now.

        For after restoring an older backup. Refused unless the chain itself
        is intact under the audit key.
        """
        key = audit_anchor.load_key(create=False)
        report = self._read(lambda s: verify_chain(s, key))
        if not report.problems and report.count and self.witness_path is not None:
            audit_anchor.write_witness(
                self.witness_path, audit_anchor.Witness(report.count, report.head), self.identity
            )
        return report

    # -- writes: cases ----------------------------------------------------

    def create_case(
        self,
        fields: CaseFields,
        steps: dict[str, date] | None = None,
        children: Sequence[ChildFields] = (),
    ) -> int:
        fields = _clean_case(fields)
        kids = [_clean_child(c) for c in children]
        for step_id in steps or {}:
            _check_step_id(step_id)
        with self._write() as session:
            _refuse_clash(session, [fields.reference])
            case = Case(**_case_columns(fields))
            self._touch(session, case, new=True)
            session.add(case)
            session.flush()
            for step_id, when in (steps or {}).items():
                row = StepDate(case_id=case.id, step_id=step_id, done_on=when)
                self._touch(session, row, new=True)
                session.add(row)
            for position, child in enumerate(kids, start=1):
                self._add_child(session, case.id, position, child)
            return case.id

    # -- writes: children ---------------------------------------------------

    def _add_child(
        self, session: Session, case_id: int, position: int, child: ChildFields
    ) -> Child:
        row = Child(case_id=case_id, position=position, **_child_columns(child))
        self._touch(session, row, new=True)
        session.add(row)
        return row

    def add_child(self, case_id: int, fields: ChildFields) -> int:
        """Add a child to the notification, after the children already on it."""
        fields = _clean_child(fields)
        with self._write() as session:
            self._case(session, case_id)
            last = session.scalar(select(func.max(Child.position)).where(Child.case_id == case_id))
            row = self._add_child(session, case_id, (last or 0) + 1, fields)
            session.flush()
            return row.id

    def update_child(self, child_id: int, expected_version: int, fields: ChildFields) -> None:
        """Save a child's form; raise ConflictError if someone saved it in between."""
        fields = _clean_child(fields)
        with self._write() as session:
            row = self._child(session, child_id, expected_version)
            columns = _child_columns(fields)
            if any(getattr(row, k) != v for k, v in columns.items()):
                for key, value in columns.items():
                    setattr(row, key, value)
                self._touch(session, row)

    def remove_child(self, child_id: int, expected_version: int) -> None:
        """Take a child off the notification; the children after it move up one place."""
        with self._write() as session:
            row = self._child(session, child_id, expected_version)
            case_id, position = row.case_id, row.position
            session.delete(row)
            session.flush()
            later = session.scalars(
                select(Child)
                .where(Child.case_id == case_id, Child.position > position)
                .order_by(Child.position, Child.id)
            )
            for other in later:
                other.position -= 1
                self._touch(session, other)

    def _child(self, session: Session, child_id: int, expected_version: int) -> Child:
        row = session.get(Child, child_id, with_for_update=_for_update(session))
        if row is None:
            raise NotFoundError("that child is no longer on the case")
        if row.version != expected_version:
            raise ConflictError("someone else saved this child since you opened it")
        return row

    def update_case(self, case_id: int, expected_version: int, fields: CaseFields) -> None:
        """Save the case form; raise ConflictError if someone saved in between."""
        fields = _clean_case(fields)
        with self._write() as session:
            case = self._case(session, case_id)
            if case.version != expected_version:
                raise ConflictError("someone else saved this case since you opened it")
            columns = _case_columns(fields)
            if normal_reference(case.reference) == columns["reference"]:
                del columns["reference"]  # the same reference: kept as it is stored
            else:
                _refuse_clash(session, [columns["reference"]], but=case_id)
            for key, value in columns.items():
                setattr(case, key, value)
            self._touch(session, case)

    def record_step(
        self,
        case_id: int,
        step_id: str,
        on: date | None,
        *,
        expected: date | object | None = UNCHECKED,
    ) -> None:
        """Record (or with None, clear) the date a case-level step happened.

        With ``expected`` (the date the form showed, None for none), refuse with
        ConflictError when someone recorded another date in the meantime.
        """
        _check_step_id(step_id)
        with self._write() as session:
            self._case(session, case_id)
            if on is not None and step_id == "agency_returns":
                agencies = tuple(
                    AgencyFacts(name, sent, received)
                    for name, sent, received in session.execute(
                        select(Agency.name, Agency.request_sent, Agency.received_on)
                        .where(Agency.case_id == case_id)
                        .order_by(Agency.id)
                    )
                )
                refusal = recordable(CaseFacts(agencies=agencies), step_id)
                if refusal is not None:
                    raise InputError(refusal)
            if expected is not UNCHECKED:
                current = session.scalar(
                    select(StepDate.done_on).where(
                        StepDate.case_id == case_id, StepDate.step_id == step_id
                    )
                )
                if current != expected:
                    raise ConflictError("someone else recorded this step since you opened it")
            self._set_step(session, case_id, step_id, on)

    def _set_step(self, session: Session, case_id: int, step_id: str, on: date | None) -> None:
        row = session.scalar(
            select(StepDate).where(StepDate.case_id == case_id, StepDate.step_id == step_id)
        )
        if on is None:
            if row is not None:
                session.delete(row)
            return
        if row is None:
            row = StepDate(case_id=case_id, step_id=step_id, done_on=on)
            self._touch(session, row, new=True)
            session.add(row)
        elif row.done_on != on:
            row.done_on = on
            self._touch(session, row)

    # -- writes: agencies -------------------------------------------------

    def add_agency(
        self,
        case_id: int,
        name: str,
        request_sent: date | None,
        timescale_wd: int | None = None,
        notes: str = "",
    ) -> int:
        name = _required_line("Agency", name, 120)
        notes = _text("Notes", notes)
        _raise_if("Timescale", check_timescale(timescale_wd))
        with self._write() as session:
            self._case(session, case_id)
            agency = Agency(
                case_id=case_id,
                name=name,
                request_sent=request_sent,
                timescale_wd=timescale_wd,
                notes=notes,
                records_secured=False,
                nil_return=False,
            )
            self._touch(session, agency, new=True)
            session.add(agency)
            session.flush()
            return agency.id

    def update_agency(self, agency_id: int, expected_version: int, **changes: Any) -> None:
        """Change an agency's request or return; only the named fields change."""
        allowed = {
            "name",
            "request_sent",
            "timescale_wd",
            "received_on",
            "records_secured",
            "nil_return",
            "notes",
        }
        unknown = set(changes) - allowed
        if unknown:
            raise InputError(f"unknown agency field {sorted(unknown)[0]}")
        if "name" in changes:
            changes["name"] = _required_line("Agency", changes["name"], 120)
        if "notes" in changes:
            changes["notes"] = _text("Notes", changes["notes"])
        if "timescale_wd" in changes:
            _raise_if("Timescale", check_timescale(changes["timescale_wd"]))
        with self._write() as session:
            agency = session.get(Agency, agency_id, with_for_update=_for_update(session))
            if agency is None:
                raise NotFoundError("that agency no longer exists")
            if agency.version != expected_version:
                raise ConflictError("someone else saved this agency since you opened it")
            for key, value in changes.items():
                setattr(agency, key, value)
            self._touch(session, agency)

    def record_chaser(self, agency_id: int, sent_on: date) -> int:
        """Record one chaser sent; returns its id (what ``remove_chasers`` takes)."""
        return self.record_chasers([agency_id], sent_on)[0]

    def record_chasers(self, agency_ids: Sequence[int], sent_on: date) -> list[int]:
        """Record a chaser sent to each agency, in one transaction; returns their ids."""
        with self._write() as session:
            chasers = []
            for agency_id in agency_ids:
                if session.get(Agency, agency_id) is None:
                    raise NotFoundError("that agency no longer exists")
                chaser = Chaser(agency_id=agency_id, sent_on=sent_on)
                self._touch(session, chaser, new=True)
                session.add(chaser)
                chasers.append(chaser)
            session.flush()
            return [c.id for c in chasers]

    def remove_chasers(self, chaser_ids: Sequence[int]) -> int:
        """Take back chasers recorded by mistake (the chase list's undo); audited as deletes.

        Returns how many were removed: a chaser someone else already removed is
        skipped, not an error.
        """
        with self._write() as session:
            removed = 0
            for chaser_id in chaser_ids:
                chaser = session.get(Chaser, chaser_id)
                if chaser is not None:
                    session.delete(chaser)
                    removed += 1
            return removed

    # -- writes: meeting and Panel ------------------------------------------

    def record_meeting(
        self,
        case_id: int,
        expected_version: int,
        held_on: date | None,
        meeting: MeetingRecord,
    ) -> None:
        """Save the Rapid Review meeting: its date (the rr_meeting step) and record."""
        _raise_if("Decision", check_decision(meeting.decision))
        for name, label in MEETING_TEXT.items():
            _raise_if(label, check_text(getattr(meeting, name)))
        actions = tuple(
            ActionRecord(
                _required_line("Action", a.action, 500),
                _line("Action owner", a.owner, 120),
                a.due_on,
                a.done_on,
            )
            for a in meeting.actions
        )
        with self._write() as session:
            self._case(session, case_id)
            row = session.scalar(select(Meeting).where(Meeting.case_id == case_id))
            current = row.version if row is not None else 0
            if current != expected_version:
                raise ConflictError("someone else saved this meeting since you opened it")
            created = row is None
            if row is None:
                row = Meeting(case_id=case_id)
                self._touch(session, row, new=True)
                session.add(row)
            else:
                self._touch(session, row)
            for name in MEETING_TEXT:
                setattr(row, name, clean_text(getattr(meeting, name)))
            row.decision = meeting.decision or None
            session.flush()
            # The immediate safeguarding actions, in number order; the actions
            # of recommendations are not the meeting's.
            # A first meeting record was typed without the actions added before
            # it (``rr-tui action add``): they stay, and the typed ones follow.
            existing = [] if created else _immediate_actions(session, case_id)
            self._sync_actions(session, row.id, case_id, existing, actions)
            self._set_step(session, case_id, "rr_meeting", held_on)

    def _sync_actions(
        self,
        session: Session,
        meeting_id: int,
        case_id: int,
        existing: list[MeetingAction],
        actions: Sequence[ActionRecord],
    ) -> None:
        """Make the case's immediate actions the typed ones, in order: unchanged rows
        are left alone, changed ones updated, extra ones removed, new ones numbered on."""
        for old in existing[len(actions) :]:
            session.delete(old)
        next_number = _next_action_number(session, case_id)
        for index, action in enumerate(actions):
            if index < len(existing):
                target = existing[index]
                if (target.action, target.owner, target.due_on, target.done_on) == (
                    action.action,
                    action.owner,
                    action.due_on,
                    action.done_on,
                ):
                    continue
                self._touch(session, target)
            else:
                target = MeetingAction(
                    meeting_id=meeting_id, case_id=case_id, number=next_number, evidence=""
                )
                next_number += 1
                self._touch(session, target, new=True)
                session.add(target)
            target.action, target.owner = action.action, action.owner
            target.due_on, target.done_on = action.due_on, action.done_on

    def record_panel(
        self,
        case_id: int,
        expected_version: int,
        *,
        notified_on: date | None = None,
        notification_notes: str | None = None,
        response_on: date | None = None,
        outcome: str | None = None,
        response_notes: str | None = None,
        set_notified: bool = False,
        set_response: bool = False,
    ) -> None:
        """Save the Panel notification and/or response (the flags say which dates to set)."""
        if outcome is not None:
            _raise_if("Outcome", check_panel_outcome(outcome))
        with self._write() as session:
            self._case(session, case_id)
            row = session.scalar(select(PanelContact).where(PanelContact.case_id == case_id))
            current = row.version if row is not None else 0
            if current != expected_version:
                raise ConflictError("someone else saved the Panel record since you opened it")
            if row is None:
                row = PanelContact(
                    case_id=case_id, notification_notes="", outcome="", response_notes=""
                )
                self._touch(session, row, new=True)
                session.add(row)
            else:
                self._touch(session, row)
            if notification_notes is not None:
                row.notification_notes = _text("Notification notes", notification_notes)
            if outcome is not None:
                row.outcome = outcome
            if response_notes is not None:
                row.response_notes = _text("Response notes", response_notes)
            if set_notified:
                self._set_step(session, case_id, "panel_notified", notified_on)
            if set_response:
                self._set_step(session, case_id, "panel_response", response_on)

    # -- writes: sign-off -----------------------------------------------------

    def record_signoffs(
        self,
        case_id: int,
        expected: dict[str, int],
        signoffs: dict[str, SignOffRecord | None],
    ) -> None:
        """Save the partners' sign-offs: a record for each partner given, None to withdraw.

        ``expected`` holds, per partner, the version the form showed (0: none);
        a partner someone else signed or changed since is a ConflictError.
        """
        cleaned: dict[str, SignOffRecord | None] = {}
        for partner, entry in signoffs.items():
            if partner not in PARTNERS:
                raise InputError("Partner: not one of the safeguarding partners")
            if entry is None:
                cleaned[partner] = None
                continue
            label = PARTNERS[partner]
            if entry.capacity not in CAPACITIES:
                raise InputError(f"{label} capacity: lead or delegated")
            cleaned[partner] = replace(
                entry,
                partner=partner,
                name=_required_line(f"{label} name", entry.name, 120),
                role=_required_line(f"{label} role", entry.role, 120),
                organisation=_required_line(f"{label} organisation", entry.organisation, 120),
            )
        with self._write() as session:
            self._case(session, case_id)
            rows = {
                row.partner: row
                for row in session.scalars(select(SignOff).where(SignOff.case_id == case_id))
            }
            for partner, entry in cleaned.items():
                row = rows.get(partner)
                if (row.version if row is not None else 0) != expected.get(partner, 0):
                    raise ConflictError(
                        f"someone else changed the {PARTNERS[partner].lower()} sign-off "
                        "since you opened it"
                    )
                if entry is None:
                    if row is not None:
                        session.delete(row)
                    continue
                values = {
                    "capacity": entry.capacity,
                    "name": entry.name,
                    "role": entry.role,
                    "organisation": entry.organisation,
                    "signed_on": entry.signed_on,
                }
                if row is None:
                    row = SignOff(case_id=case_id, partner=partner, **values)
                    self._touch(session, row, new=True)
                    session.add(row)
                elif any(getattr(row, k) != v for k, v in values.items()):
                    for key, value in values.items():
                        setattr(row, key, value)
                    self._touch(session, row)

    # -- writes: field edits (every form) -------------------------------------

    def save_edits(self, case_id: int, edits: Sequence[Edit]) -> None:
        """Write the fields a form changed, each checked against what the user saw.

        One transaction: when any field's stored value is no longer the one its
        ``expected`` says the form showed (nor the value being saved), nothing
        is written and a ConflictError names every such field. Fields not in ``edits`` are left
        alone, whoever changed them.
        """
        checked = [_checked_edit(e) for e in edits]
        with self._write() as session:
            case = self._case(session, case_id)
            rows = _EditRows(self, session, case)
            stale = [e.name for e in checked if rows.stale(e)]
            if stale:
                raise ConflictError(stale_message(stale))
            for edit in checked:
                if edit.target == Target(CASE, "reference"):
                    _refuse_clash(session, [edit.value], but=case_id)
                rows.write(edit.target, edit.value)
            rows.finish()

    # -- bulk: the whole database (the lossless JSON export) ------------------

    def export_tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every record of every table, as one consistent read (``rr_tui.transfer``)."""
        from rr_tui.transfer import read_tables

        return self._read(lambda s: read_tables(s.connection()))

    def import_tables(self, tables: dict[str, list[dict[str, Any]]]) -> int:
        """Restore a full export (checked by ``transfer.check_document``) into this
        database, which must hold no case yet. Ids, versions and who recorded what
        are kept; the audit trail records the import. Returns the number of cases.
        """
        from rr_tui.transfer import exported_mappers, reset_sequences, table_of

        _check_imported(tables)
        with self._write() as session:
            if session.scalar(select(func.count()).select_from(Case)):
                raise InputError(
                    "a full export is restored into an empty database; this one has cases "
                    "(give another --db)"
                )
            mappers = exported_mappers()
            for mapper in mappers:
                rows = tables.get(table_of(mapper).name, [])
                session.add_all(mapper.class_(**values) for values in rows)
                # Parents first, so the audit trail finds each row's case.
                session.flush()
            reset_sequences(session.connection(), [table_of(m) for m in mappers])
        return len(tables.get("cases", []))

    # -- writes: actions, recommendations, the local review's lifecycle ------

    def add_action(
        self,
        case_id: int,
        text: str,
        *,
        owner: str = "",
        due_on: date | None = None,
        recommendation: int | None = None,
        evidence: str = "",
    ) -> int:
        """Add an action (immediate, or of recommendation number ``recommendation``).

        Returns its number, unique within the case.
        """
        text = _required_line("Action", text, 500)
        owner = _line("Owner", owner, 120)
        evidence = _text("Evidence", evidence)
        with self._write() as session:
            self._case(session, case_id)
            rec_id = None
            if recommendation is not None:
                rec_id = _recommendation_id(session, case_id, recommendation)
            number = _next_action_number(session, case_id)
            meeting = session.scalar(select(Meeting).where(Meeting.case_id == case_id))
            row = MeetingAction(
                case_id=case_id,
                number=number,
                action=text,
                owner=owner,
                due_on=due_on,
                done_on=None,
                evidence=evidence,
                recommendation_id=rec_id,
                meeting_id=meeting.id if meeting is not None and rec_id is None else None,
            )
            self._touch(session, row, new=True)
            session.add(row)
            if meeting is not None and rec_id is None:
                # The meeting form edits the immediate actions as a whole: make
                # a form opened before this addition see a conflict, not drop it.
                self._touch(session, meeting)
        return number

    def update_action(
        self,
        case_id: int,
        number: int,
        expected_version: int | None,
        *,
        text: str | None = None,
        owner: str | None = None,
        due_on: date | object | None = UNCHECKED,
        done_on: date | object | None = UNCHECKED,
        evidence: str | None = None,
    ) -> None:
        """Change an action; ``expected_version`` None skips the conflict check (the CLI)."""
        if text is not None:
            text = _required_line("Action", text, 500)
        if owner is not None:
            owner = _line("Owner", owner, 120)
        if evidence is not None:
            evidence = _text("Evidence", evidence)
        with self._write() as session:
            self._case(session, case_id)
            row = session.scalar(
                select(MeetingAction).where(
                    MeetingAction.case_id == case_id, MeetingAction.number == number
                )
            )
            if row is None:
                raise NotFoundError(f"the case has no action {number}")
            if expected_version is not None and row.version != expected_version:
                raise ConflictError("someone else saved this action since you opened it")
            if text is not None:
                row.action = text
            if owner is not None:
                row.owner = owner
            if due_on is not UNCHECKED:
                row.due_on = due_on  # type: ignore[assignment]
            if done_on is not UNCHECKED:
                row.done_on = done_on  # type: ignore[assignment]
            if evidence is not None:
                row.evidence = evidence
            if session.is_modified(row):
                self._touch(session, row)
                if row.meeting_id is not None and row.recommendation_id is None:
                    meeting = session.get(Meeting, row.meeting_id)
                    if meeting is not None:
                        self._touch(session, meeting)

    def complete_action(
        self,
        case_id: int,
        number: int,
        done_on: date | None,
        *,
        evidence: str | None = None,
        expected_version: int | None = None,
    ) -> None:
        """Record the date an action was done (None: not done after all)."""
        self.update_action(case_id, number, expected_version, done_on=done_on, evidence=evidence)

    def add_recommendation(
        self,
        case_id: int,
        text: str,
        made_on: date | None,
        actions: Sequence[tuple[str, str, date | None]] = (),
    ) -> int:
        """A review's recommendation with its actions (text, owner, due); returns its number."""
        text = _text("Recommendation", text)
        _raise_if("Recommendation", check_line(text.strip(), 4000, required=True))
        cleaned = [
            (_required_line("Action", t, 500), _line("Owner", o, 120), due) for t, o, due in actions
        ]
        with self._write() as session:
            self._case(session, case_id)
            last = session.scalar(
                select(func.max(Recommendation.number)).where(Recommendation.case_id == case_id)
            )
            number = (last or 0) + 1
            rec = Recommendation(case_id=case_id, number=number, text=text, made_on=made_on)
            self._touch(session, rec, new=True)
            session.add(rec)
            session.flush()
            action_number = _next_action_number(session, case_id)
            for t, o, due in cleaned:
                row = MeetingAction(
                    case_id=case_id,
                    number=action_number,
                    action=t,
                    owner=o,
                    due_on=due,
                    done_on=None,
                    evidence="",
                    recommendation_id=rec.id,
                    meeting_id=None,
                )
                action_number += 1
                self._touch(session, row, new=True)
                session.add(row)
        return number

    def add_progress_check(self, case_id: int, checked_on: date, note: str = "") -> None:
        """A regulation 14 check of the local review's time and quality."""
        note = _text("Note", note)
        with self._write() as session:
            self._case(session, case_id)
            row = ProgressCheck(case_id=case_id, checked_on=checked_on, note=note)
            self._touch(session, row, new=True)
            session.add(row)

    def start_pause(self, case_id: int, reason: str, started_on: date, detail: str = "") -> None:
        """Pause the local review for parallel proceedings (one pause at a time)."""
        if reason not in PAUSE_REASONS:
            raise InputError(f"Reason: one of {', '.join(PAUSE_REASONS)}")
        detail = _text("Detail", detail)
        with self._write() as session:
            self._case(session, case_id)
            running = session.scalar(
                select(ReviewPause).where(
                    ReviewPause.case_id == case_id, ReviewPause.ended_on.is_(None)
                )
            )
            if running is not None:
                raise InputError(
                    "Reason: the review is already paused (since "
                    f"{running.started_on.isoformat()}); end that pause first"
                )
            row = ReviewPause(case_id=case_id, reason=reason, detail=detail, started_on=started_on)
            self._touch(session, row, new=True)
            session.add(row)

    def end_pause(self, case_id: int, ended_on: date) -> None:
        """End the running pause on ``ended_on``."""
        with self._write() as session:
            self._case(session, case_id)
            running = session.scalar(
                select(ReviewPause).where(
                    ReviewPause.case_id == case_id, ReviewPause.ended_on.is_(None)
                )
            )
            if running is None:
                raise NotFoundError("the review is not paused")
            if ended_on < running.started_on:
                raise InputError(
                    f"End date: before the pause started ({running.started_on.isoformat()})"
                )
            running.ended_on = ended_on
            self._touch(session, running)

    # -- bulk: import -------------------------------------------------------

    def import_cases(
        self,
        rows: Sequence[tuple[CaseFields, dict[str, date], str | None, Sequence[ChildFields]]],
    ) -> int:
        """Create every case in one transaction (CSV summaries): all or nothing."""
        for _fields, steps, decision, _children in rows:
            for step_id in steps:
                _check_step_id(step_id)
            _raise_if("Decision", check_decision(decision))
        cleaned = [_clean_case(fields) for fields, _steps, _decision, _children in rows]
        if len({f.reference for f in cleaned}) != len(cleaned):
            raise InputError("Reference: two cases in the import have the same reference")
        with self._write() as session:
            _refuse_clash(session, [f.reference for f in cleaned])
            # Two flushes for the whole file, not one per case: the audit
            # entries are then written in two batches too.
            cases = []
            for fields, (_fields, steps, decision, children) in zip(cleaned, rows, strict=True):
                case = Case(**_case_columns(fields))
                self._touch(session, case, new=True)
                session.add(case)
                cases.append((case, steps, decision, [_clean_child(c) for c in children]))
            session.flush()
            for case, steps, decision, children in cases:
                for step_id, when in steps.items():
                    step = StepDate(case_id=case.id, step_id=step_id, done_on=when)
                    self._touch(session, step, new=True)
                    session.add(step)
                for position, child in enumerate(children, start=1):
                    self._add_child(session, case.id, position, child)
                if decision:
                    meeting = Meeting(
                        case_id=case.id,
                        **dict.fromkeys(MEETING_TEXT, ""),
                        decision=decision,
                    )
                    self._touch(session, meeting, new=True)
                    session.add(meeting)
            session.flush()
        return len(rows)


# -- helpers ------------------------------------------------------------------

_PANEL_TEXT = {"notification_notes": "Notification notes", "response_notes": "Response notes"}
_AGENCY_COLUMNS = {
    "name",
    "request_sent",
    "timescale_wd",
    "received_on",
    "records_secured",
    "nil_return",
    "notes",
}


def _checked_edit(edit: Edit) -> Edit:
    """The edit with its value cleaned and checked; InputError names the field."""
    table, column, value = edit.target.table, edit.target.column, edit.value
    label = edit.label or FIELD_LABELS.get(column, column)
    if table == CASE:
        if column not in CASE_FIELDS:
            raise InputError(f"unknown case field {column}")
        if isinstance(value, str):
            value = clean_text(value, multiline=column == "notes")
        if column == "reference":
            value = normal_reference(value)
        problem = case_field_errors(replace(CaseFields(reference="RR-0"), **{column: value}))
        if column in problem:
            raise InputError(f"{label}: {problem[column]}")
    elif table == STEP:
        _check_step_id(column)
        if value is not None and not isinstance(value, date):
            raise InputError(f"{label}: not a date")
    elif table == MEETING:
        if column == "decision":
            _raise_if(label, check_decision(value))
            value = value or None
        elif column == "actions":
            value = tuple(
                ActionRecord(
                    _required_line("Action", a.action, 500),
                    _line("Action owner", a.owner, 120),
                    a.due_on,
                    a.done_on,
                )
                for a in value
            )
        elif column in MEETING_TEXT:
            value = _text(edit.label or MEETING_TEXT[column], value)
        else:
            raise InputError(f"unknown meeting field {column}")
    elif table == PANEL:
        if column == "outcome":
            _raise_if(label, check_panel_outcome(value or ""))
            value = value or ""
        elif column in _PANEL_TEXT:
            value = _text(edit.label or _PANEL_TEXT[column], value)
        else:
            raise InputError(f"unknown Panel field {column}")
    elif table == AGENCY:
        if column not in _AGENCY_COLUMNS or edit.target.key is None:
            raise InputError(f"unknown agency field {column}")
        if column == "name":
            value = _required_line(edit.label or "Agency", value, 120)
        elif column == "notes":
            value = _text(edit.label or "Notes", value)
        elif column == "timescale_wd":
            _raise_if(label, check_timescale(value))
        elif column in ("records_secured", "nil_return"):
            value = bool(value)
    elif table == CHILD:
        if column not in CHILD_FIELDS or edit.target.key is None:
            raise InputError(f"unknown child field {column}")
        if isinstance(value, str):
            value = clean_text(value, multiline=False).strip()
        else:
            value = bool(value)
        problems = child_field_errors(replace(ChildFields("X"), **{column: value}))
        if column in problems:
            raise InputError(f"{edit.label or CHILD_LABELS[column]}: {problems[column]}")
    else:
        raise InputError(f"unknown record {table}")
    return replace(edit, value=value)


class _EditRows:
    """Reads and writes the rows a form's edits address, within one transaction.

    Rows are fetched once and touched (version, who, when) once each, however
    many of their fields change.
    """

    def __init__(self, store: Store, session: Session, case: Case) -> None:
        self.store, self.session, self.case = store, session, case
        self.touched: list[Tracked] = []
        self._meeting: Meeting | None = None
        self._panel: PanelContact | None = None

    def _touch(self, row: Tracked, *, new: bool = False) -> None:
        if any(row is seen for seen in self.touched):
            return
        self.store._touch(self.session, row, new=new)
        self.touched.append(row)

    def _child(self, child_id: int | None) -> Child:
        child = self.session.get(Child, child_id, with_for_update=_for_update(self.session))
        if child is None or child.case_id != self.case.id:
            raise NotFoundError("that child is no longer on the case")
        return child

    def _agency(self, agency_id: int | None) -> Agency:
        agency = self.session.get(Agency, agency_id, with_for_update=_for_update(self.session))
        if agency is None or agency.case_id != self.case.id:
            raise NotFoundError("that agency no longer exists")
        return agency

    def _meeting_row(self, create: bool) -> Meeting | None:
        if self._meeting is None:
            self._meeting = self.session.scalar(
                select(Meeting).where(Meeting.case_id == self.case.id)
            )
        if self._meeting is None and create:
            self._meeting = Meeting(case_id=self.case.id, **dict.fromkeys(MEETING_TEXT, ""))
            self._touch(self._meeting, new=True)
            self.session.add(self._meeting)
            self.session.flush()
        return self._meeting

    def _panel_row(self, create: bool) -> PanelContact | None:
        if self._panel is None:
            self._panel = self.session.scalar(
                select(PanelContact).where(PanelContact.case_id == self.case.id)
            )
        if self._panel is None and create:
            self._panel = PanelContact(
                case_id=self.case.id, notification_notes="", outcome="", response_notes=""
            )
            self._touch(self._panel, new=True)
            self.session.add(self._panel)
        return self._panel

    def stale(self, edit: Edit) -> bool:
        """Someone else stored another value since the user saw it.

        When they stored the very value this edit brings, nothing is lost.
        """
        stored = self.read(edit.target)
        return not same(stored, edit.expected) and not same(stored, edit.value)

    def read(self, target: Target) -> Any:
        table, column = target.table, target.column
        if table == CASE:
            return getattr(self.case, column)
        if table == STEP:
            return self.session.scalar(
                select(StepDate.done_on).where(
                    StepDate.case_id == self.case.id, StepDate.step_id == column
                )
            )
        if table == MEETING:
            if column == "actions":
                return tuple(
                    ActionRecord(a.action, a.owner, a.due_on, a.done_on)
                    for a in _immediate_actions(self.session, self.case.id)
                )
            meeting = self._meeting_row(create=False)
            if meeting is None:
                return None
            return getattr(meeting, column)
        if table == PANEL:
            panel = self._panel_row(create=False)
            return None if panel is None else getattr(panel, column)
        if table == CHILD:
            return getattr(self._child(target.key), column)
        return getattr(self._agency(target.key), column)

    def write(self, target: Target, value: Any) -> None:
        table, column = target.table, target.column
        if table == CASE:
            setattr(self.case, column, value)
            self._touch(self.case)
        elif table == STEP:
            self.store._set_step(self.session, self.case.id, column, value)
        elif table == MEETING:
            meeting = self._meeting_row(create=True)
            assert meeting is not None
            if column == "actions":
                self._write_actions(meeting, value)
            else:
                setattr(meeting, column, value)
            self._touch(meeting)
        elif table == PANEL:
            panel = self._panel_row(create=True)
            assert panel is not None
            setattr(panel, column, value)
            self._touch(panel)
        elif table == CHILD:
            child = self._child(target.key)
            setattr(child, column, value)
            self._touch(child)
        else:
            agency = self._agency(target.key)
            setattr(agency, column, value)
            self._touch(agency)

    def _write_actions(self, meeting: Meeting, actions: tuple[ActionRecord, ...]) -> None:
        existing = _immediate_actions(self.session, self.case.id)
        self.store._sync_actions(self.session, meeting.id, self.case.id, existing, actions)

    def finish(self) -> None:
        """Check the case's fields together once they are all set."""
        if any(row is self.case for row in self.touched):
            fields = CaseFields(**{name: getattr(self.case, name) for name in CASE_FIELDS})
            errors = case_field_errors(fields)
            if errors:
                name, message = next(iter(errors.items()))
                raise InputError(f"{FIELD_LABELS[name]}: {message}")


CHANGED_CASES = "rr_changed_cases"
ORDER_CHUNK = 500  # case ids per IN (...) list, well below every driver's limit
# The rows whose changes can move a case's due dates or state (chasers and
# recommendations cannot).
_SCHEDULE_ROWS = (StepDate, Agency, Meeting, MeetingAction, ReviewPause, ProgressCheck)


def _immediate_actions(session: Session, case_id: int) -> list[MeetingAction]:
    """The case's immediate safeguarding actions (not recommendations'), by number."""
    return list(
        session.scalars(
            select(MeetingAction)
            .where(MeetingAction.case_id == case_id, MeetingAction.recommendation_id.is_(None))
            .order_by(MeetingAction.number)
        )
    )


def _next_action_number(session: Session, case_id: int) -> int:
    last = session.scalar(
        select(func.max(MeetingAction.number)).where(MeetingAction.case_id == case_id)
    )
    return (last or 0) + 1


def _recommendation_id(session: Session, case_id: int, number: int) -> int:
    found = session.scalar(
        select(Recommendation.id).where(
            Recommendation.case_id == case_id, Recommendation.number == number
        )
    )
    if found is None:
        raise NotFoundError(f"the case has no recommendation {number}")
    return found


def _check_imported(tables: dict[str, list[dict[str, Any]]]) -> None:
    """The rules the forms apply, for the tables they govern: all problems at once."""
    problems: list[str] = []
    case_names = {f.name for f in dc_fields(CaseFields)}
    for number, row in enumerate(tables.get("cases", []), start=1):
        fields = CaseFields(**{k: v for k, v in row.items() if k in case_names})
        for name, message in case_field_errors(fields).items():
            problems.append(f"cases row {number}, column {name}: {message}")
    for number, row in enumerate(tables.get("children", []), start=1):
        child = ChildFields(**{k: row[k] for k in CHILD_FIELDS if k in row})
        for name, message in child_field_errors(child).items():
            problems.append(f"children row {number}, column {name}: {message}")
    for number, row in enumerate(tables.get("step_dates", []), start=1):
        try:
            _check_step_id(str(row.get("step_id", "")))
        except InputError:
            problems.append(f"step_dates row {number}, column step_id: not a step id")
    for number, row in enumerate(tables.get("meetings", []), start=1):
        problem = check_decision(row.get("decision"))
        if problem:
            problems.append(f"meetings row {number}, column decision: {problem}")
    for number, row in enumerate(tables.get("panel_contacts", []), start=1):
        problem = check_panel_outcome(row.get("outcome", ""))
        if problem:
            problems.append(f"panel_contacts row {number}, column outcome: {problem}")
    if problems:
        shown = problems[:20]
        more = len(problems) - len(shown)
        raise InputError(
            "nothing imported: " + "; ".join(shown) + (f"; and {more} more" if more else "")
        )


def _note_changed_cases(session: Session, _ctx: Any) -> None:
    """``after_flush`` listener: remember which cases' schedules may have changed."""
    changed: set[int] = session.info.setdefault(CHANGED_CASES, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Case):
            case_id = obj_id(obj)
        elif isinstance(obj, _SCHEDULE_ROWS):
            case_id = obj.case_id
        else:
            continue
        if case_id is not None:
            changed.add(case_id)


def _for_update(session: Session) -> bool:
    # SQLite's BEGIN IMMEDIATE already holds the write lock; PostgreSQL needs
    # a row lock so that the version check and the update are one step.
    return session.get_bind().dialect.name == "postgresql"


SQLITE_CONSTRAINT_PRIMARYKEY = 1555
SQLITE_CONSTRAINT_UNIQUE = 2067
PG_UNIQUE_VIOLATION = "23505"


def _integrity(exc: IntegrityError) -> RRError:
    """Which constraint failed, by code (SQLSTATE, SQLite's extended result code)."""
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate is not None:
        unique = sqlstate == PG_UNIQUE_VIOLATION
        diag = getattr(orig, "diag", None)
        constraint = getattr(diag, "constraint_name", None) or ""
        reference = constraint in ("uq_cases_reference", "uq_cases_reference_nocase")
    else:
        code = getattr(orig, "sqlite_errorcode", None)
        unique = code in (SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY)
        # SQLite names the columns, never translated: "UNIQUE constraint failed: cases.reference".
        reference = unique and str(orig).endswith(
            (": cases.reference", "index 'uq_cases_reference_nocase'")
        )
    if reference:
        return InputError(CLASH)
    if unique:
        # Two saves of the same new record at once (a meeting, a Panel record, a step).
        return ConflictError("someone else saved this record at the same moment; reload it")
    return InputError("the record refers to something that no longer exists")


class StoredValueError(ValueError):
    """A value read from the database that its column's type cannot hold."""


def _stored_date(text: Any) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise StoredValueError("a stored date is not a date") from None


def _from_column_conversion(exc: ValueError) -> bool:
    """Was this ValueError raised while SQLAlchemy converted a stored value (a bad date)?

    Only those mean a value in the database is wrong; any other ValueError is a
    bug in rr-tui and must not be passed off as a damaged database.
    """
    if isinstance(exc, StoredValueError):
        return True
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return False
    module = str(last.tb_frame.f_globals.get("__name__", ""))
    return module.startswith("sqlalchemy.")


def _refuse_clash(session: Session, references: Collection[str], but: int | None = None) -> None:
    """Refuse a reference another case has, whatever its case (under the write lock)."""
    serialise_writes(session)
    keys = {normal_reference(r) for r in references}
    query = select(Case.id).where(func.upper(Case.reference).in_(keys))
    if but is not None:
        query = query.where(Case.id != but)
    if session.scalar(query.limit(1)) is not None:
        raise InputError(CLASH)


CLASH = "Reference: another case already has that reference (upper or lower case alike)"


def _raise_if(label: str, problem: str | None) -> None:
    if problem:
        raise InputError(f"{label}: {problem}")


def _required_line(label: str, value: str, limit: int) -> str:
    value = clean_text(value, multiline=False)
    _raise_if(label, check_line(value, limit, required=True))
    return value


def _line(label: str, value: str, limit: int) -> str:
    value = clean_text(value, multiline=False)
    _raise_if(label, check_line(value, limit))
    return value


def _check_step_id(step_id: str) -> None:
    """Step ids come from the profile, never from a user's typing; still, keep them sane."""
    if not (0 < len(step_id) <= 40 and step_id.isascii() and step_id.isidentifier()):
        raise InputError("Step: not a step id")


def _text(label: str, value: str) -> str:
    value = clean_text(value)
    _raise_if(label, check_text(value))
    return value


def _clean_case(fields: CaseFields) -> CaseFields:
    changes: dict[str, Any] = {
        f.name: clean_text(getattr(fields, f.name), multiline=f.name == "notes")
        for f in dc_fields(fields)
        if isinstance(getattr(fields, f.name), str)
    }
    changes["reference"] = normal_reference(changes.get("reference", fields.reference))
    cleaned = replace(fields, **changes)
    errors = case_field_errors(cleaned)
    if errors:
        name, message = next(iter(errors.items()))
        raise InputError(f"{FIELD_LABELS[name]}: {message}")
    return cleaned


def _case_columns(fields: CaseFields) -> dict[str, Any]:
    return {f.name: getattr(fields, f.name) for f in dc_fields(fields)}


def _changed(old: str, new: str) -> tuple[str, ...]:
    """The fields an update changed, by stored name (bookkeeping left out)."""
    import json

    if not (old and new):
        return ()
    before, after = json.loads(old), json.loads(new)
    keys = set(before) | set(after)
    return tuple(sorted(k for k in keys if k != "version" and before.get(k) != after.get(k)))


def _clean_child(fields: ChildFields) -> ChildFields:
    changes: dict[str, Any] = {
        f.name: clean_text(getattr(fields, f.name), multiline=False).strip()
        for f in dc_fields(fields)
        if isinstance(getattr(fields, f.name), str)
    }
    cleaned = replace(fields, **changes)
    errors = child_field_errors(cleaned)
    if errors:
        name, message = next(iter(errors.items()))
        raise InputError(f"{CHILD_LABELS[name]}: {message}")
    return cleaned


def _child_columns(fields: ChildFields) -> dict[str, Any]:
    return {name: getattr(fields, name) for name in CHILD_FIELDS}


def child_record(row: Child) -> ChildRecord:
    return ChildRecord(
        row.id,
        row.version,
        row.position,
        ChildFields(**{name: getattr(row, name) for name in CHILD_FIELDS}),
    )


def _summarise(action: str, old: str, new: str) -> str:
    """Which fields changed, by name only: values can be long or sensitive."""
    import json

    before = json.loads(old) if old else {}
    after = json.loads(new) if new else {}
    if action == "create":
        return "created"
    if action == "delete":
        return "deleted"
    if action == "export":
        final = ", final" if after.get("final") else ""
        return f"rapid review pack written ({after.get('pack', '')}{final})"
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    changed = [k for k in changed if k != "version"]
    return "changed " + ", ".join(changed) if changed else "saved"


def _load_cases(
    session: Session,
    include_closed: bool,
    *,
    case_ids: Collection[int] | None = None,
    full: bool = False,
) -> list[CaseRecord]:
    """Cases with the facts their schedules need: all of them, or those in ``case_ids``.

    ``full`` (for one case) adds the meeting and Panel records the case screen shows.
    """
    case_q = select(*(getattr(Case, name) for name in CASE_ROW))
    if case_ids is not None:
        case_q = case_q.where(Case.id.in_(case_ids))
    elif not include_closed:
        case_q = case_q.where(Case.status != "closed")
    # Column queries go straight to Core: the ORM's result machinery costs a
    # third of the time for 10,000 cases and gives nothing for plain tuples.
    rows_of = session.connection().execute
    case_rows = rows_of(case_q).all()
    if not case_rows:
        return []

    def restrict(query: Any, column: Any) -> Any:
        if case_ids is not None:
            return query.where(column.in_(case_ids))
        if not include_closed:
            return query.join(Case, Case.id == column).where(Case.status != "closed")
        return query

    done: dict[int, dict[str, date]] = defaultdict(dict)
    # Step dates are the biggest table: read them as text and parse with the C
    # ``date.fromisoformat`` rather than SQLAlchemy's per-row date processing.
    # (SQLite stores ISO text; PostgreSQL's driver still hands back dates.)
    step_dates = select(StepDate.case_id, StepDate.step_id, type_coerce(StepDate.done_on, String))
    for cid, step_id, on in rows_of(restrict(step_dates, StepDate.case_id)):
        done[cid][step_id] = on if isinstance(on, date) else _stored_date(on)

    # The chase list reads chasers from the whole list, not only from one case.
    chasers: dict[int, list[date]] = defaultdict(list)
    for agency_id, sent_on in rows_of(
        restrict(
            select(Chaser.agency_id, Chaser.sent_on)
            .join(Agency, Agency.id == Chaser.agency_id)
            .order_by(Chaser.sent_on),
            Agency.case_id,
        )
    ):
        chasers[agency_id].append(sent_on)

    agencies: dict[int, list[AgencyRecord]] = defaultdict(list)
    agency_q = select(*(getattr(Agency, name) for name in AGENCY_ROW)).order_by(Agency.id)
    for row in rows_of(restrict(agency_q, Agency.case_id)):
        agencies[row.case_id].append(agency_record(row, tuple(chasers[row.id])))

    initials: dict[int, list[str]] = defaultdict(list)
    for cid, name in rows_of(
        restrict(
            select(Child.case_id, Child.initials).order_by(Child.position, Child.id),
            Child.case_id,
        )
    ):
        initials[cid].append(name)
    extras = _load_lifecycle(session, rows_of, restrict)

    decisions: dict[int, str | None] = {}
    meetings: dict[int, MeetingRecord] = {}
    panels: dict[int, PanelRecord] = {}
    signoffs: dict[int, tuple[SignOffRecord, ...]] = {}
    children: tuple[ChildRecord, ...] = ()
    if full:
        case_id = case_rows[0].id
        children = tuple(
            child_record(c)
            for c in session.scalars(
                select(Child).where(Child.case_id == case_id).order_by(Child.position, Child.id)
            )
        )
        meeting = session.scalar(select(Meeting).where(Meeting.case_id == case_id))
        # The immediate safeguarding actions are the meeting's, even those added
        # (rr-tui action add) before the meeting was recorded.
        immediate = tuple(
            ActionRecord(a.text, a.owner, a.due_on, a.done_on)
            for a in extras.actions.get(case_id, ())
            if a.recommendation is None
        )
        if meeting is not None:
            meetings[meeting.case_id] = MeetingRecord(
                version=meeting.version,
                decision=meeting.decision,
                actions=immediate,
                **{name: getattr(meeting, name) for name in MEETING_TEXT},
            )
            decisions[meeting.case_id] = meeting.decision
        elif immediate:
            meetings[case_id] = MeetingRecord(actions=immediate)
        panel = session.scalar(select(PanelContact).where(PanelContact.case_id == case_id))
        if panel is not None:
            panels[panel.case_id] = PanelRecord(
                panel.version, panel.notification_notes, panel.outcome, panel.response_notes
            )
        order = list(PARTNERS)
        signoffs[case_id] = tuple(
            sorted(
                (
                    SignOffRecord(
                        s.partner,
                        s.name,
                        s.role,
                        s.organisation,
                        s.signed_on,
                        s.capacity,
                        s.version,
                    )
                    for s in session.scalars(select(SignOff).where(SignOff.case_id == case_id))
                ),
                key=lambda s: order.index(s.partner) if s.partner in order else len(order),
            )
        )
    else:
        for cid, decision in rows_of(
            restrict(select(Meeting.case_id, Meeting.decision), Meeting.case_id)
        ):
            decisions[cid] = decision

    records = []
    for row in case_rows:
        values = tuple(row)  # a plain tuple: indexing a Row costs more, ten thousand times
        cid = values[0]
        records.append(
            case_record(
                values,
                done.get(cid),
                tuple(agencies.get(cid, ())),
                decisions.get(cid),
                meetings.get(cid),
                panels.get(cid),
                tuple(initials.get(cid, ())),
                children,
                extras=extras.of(cid),
            )
        )
    if signoffs:
        records = [replace(r, signoffs=signoffs.get(r.id, ())) for r in records]
    return records


class _Lifecycle:
    """The actions, recommendations, pauses and progress checks of the cases read."""

    def __init__(self) -> None:
        self.actions: dict[int, list[TrackedAction]] = defaultdict(list)
        self.recommendations: dict[int, list[RecommendationRecord]] = defaultdict(list)
        self.pauses: dict[int, list[PauseRecord]] = defaultdict(list)
        self.checks: dict[int, list[ProgressCheckRecord]] = defaultdict(list)

    def of(self, case_id: int) -> tuple[Any, ...]:
        if not (
            case_id in self.actions
            or case_id in self.recommendations
            or case_id in self.pauses
            or case_id in self.checks
        ):
            return ()
        return (
            tuple(self.actions.get(case_id, ())),
            tuple(self.recommendations.get(case_id, ())),
            tuple(self.pauses.get(case_id, ())),
            tuple(self.checks.get(case_id, ())),
        )


def _load_lifecycle(session: Session, rows_of: Any, restrict: Any) -> _Lifecycle:
    out = _Lifecycle()
    rec_numbers: dict[int, int] = {}
    for rid, cid, version, number, text, made_on in rows_of(
        restrict(
            select(
                Recommendation.id,
                Recommendation.case_id,
                Recommendation.version,
                Recommendation.number,
                Recommendation.text,
                Recommendation.made_on,
            ).order_by(Recommendation.number),
            Recommendation.case_id,
        )
    ):
        rec_numbers[rid] = number
        out.recommendations[cid].append(RecommendationRecord(rid, version, number, text, made_on))
    for aid, cid, version, number, text, owner, due, done, evidence, rec_id in rows_of(
        restrict(
            select(
                MeetingAction.id,
                MeetingAction.case_id,
                MeetingAction.version,
                MeetingAction.number,
                MeetingAction.action,
                MeetingAction.owner,
                MeetingAction.due_on,
                MeetingAction.done_on,
                MeetingAction.evidence,
                MeetingAction.recommendation_id,
            ).order_by(MeetingAction.number),
            MeetingAction.case_id,
        )
    ):
        out.actions[cid].append(
            TrackedAction(
                aid,
                version,
                number,
                text,
                owner,
                due,
                done,
                evidence,
                rec_numbers.get(rec_id) if rec_id is not None else None,
            )
        )
    for pid, cid, version, reason, started, ended, detail in rows_of(
        restrict(
            select(
                ReviewPause.id,
                ReviewPause.case_id,
                ReviewPause.version,
                ReviewPause.reason,
                ReviewPause.started_on,
                ReviewPause.ended_on,
                ReviewPause.detail,
            ).order_by(ReviewPause.started_on, ReviewPause.id),
            ReviewPause.case_id,
        )
    ):
        out.pauses[cid].append(PauseRecord(pid, version, reason, started, ended, detail))
    for kid, cid, version, checked, note in rows_of(
        restrict(
            select(
                ProgressCheck.id,
                ProgressCheck.case_id,
                ProgressCheck.version,
                ProgressCheck.checked_on,
                ProgressCheck.note,
            ).order_by(ProgressCheck.checked_on, ProgressCheck.id),
            ProgressCheck.case_id,
        )
    ):
        out.checks[cid].append(ProgressCheckRecord(kid, version, checked, note))
    return out
