"""The store's one write path (with its audit) and its read path.

Each write is one short transaction (``BEGIN IMMEDIATE`` on SQLite) that also
appends to the audit trail and keeps the stored triage order
(``rr_tui.store.order``); it is committed before the method returns, so a
caller that gets no exception may say "saved". Reads return the frozen records
of ``rr_tui.records``, never ORM objects.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlalchemy import Engine, event, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from rr_tui.errors import DatabaseMissing, NotFoundError, RRError, SchemaError
from rr_tui.models import AuditEntry, Case, CaseOrder, StepDate, Tracked
from rr_tui.rules.clock import utc_now
from rr_tui.rules.profile import ENGLAND, Profile
from rr_tui.rules.schedule import schedule_key
from rr_tui.store import audit_anchor, db
from rr_tui.store.audit import HEAD, KEYRING, record_changes
from rr_tui.store.db import DatabaseDamaged
from rr_tui.store.failures import from_column_conversion, integrity_error
from rr_tui.store.order import CHANGED_CASES, keep_order, note_changed_cases

T = TypeVar("T")
UNCHECKED = object()  # record_step without a stale-date check (the CLI's record)


def current_actor() -> str:
    """The OS account running this process, from its uid (not $USER, which lies)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


class StoreCore:
    """Opening the database, the write and read paths, and the rows every record shares."""

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
        # The moment each write is stamped with, in UTC with its zone (tests fix it).
        self.now: Callable[[], datetime] = utc_now
        self._path = db.sqlite_path(url) if db.is_sqlite(url) else None
        # The audit trail's anchors outside the database (rr_tui.store.audit_anchor).
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
        event.listen(self._writes, "after_flush", note_changed_cases)

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
            session.info["now"] = self.now()
            session.info[KEYRING] = self._keyring
            try:
                yield session
                session.flush()
                keep_order(session, self.profile)
                head = session.info.get(HEAD)
                advance = head is not None and self._witness_holds(session)
                session.commit()
                if advance and head is not None:
                    self._advance_witness(head)
            except IntegrityError as exc:
                session.rollback()
                raise integrity_error(exc) from None
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
                if not from_column_conversion(exc):
                    raise  # a bug in rr-tui, not a stored value: exit 70, reported
                # A stored value its column type cannot convert (a date that is
                # not a date): the file was changed outside rr-tui, or damaged.
                raise DatabaseDamaged(
                    "the database holds a value rr-tui cannot read; it was changed outside "
                    "rr-tui or is damaged (see: rr-tui audit verify)"
                ) from None

    def _touch(self, session: Session, row: Tracked, *, new: bool = False) -> None:
        # The rows' own who-and-when columns hold UTC too (without a zone: the
        # audit entry of the same write carries it).
        now = session.info["now"].astimezone(UTC).replace(tzinfo=None)
        if new:
            row.created_at, row.created_by, row.version = now, self.actor, 1
        else:
            row.version = (row.version or 0) + 1
        row.updated_at, row.updated_by = now, self.actor

    def _case(self, session: Session, case_id: int) -> Case:
        case = session.get(Case, case_id, with_for_update=for_update(session))
        if case is None:
            raise NotFoundError("that case no longer exists")
        return case

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

    def change_token(self) -> int:
        """Grows with every write by anyone: compare to see whether to reload."""
        return self._read(lambda s: s.scalar(select(func.max(AuditEntry.id))) or 0)

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


def for_update(session: Session) -> bool:
    # SQLite's BEGIN IMMEDIATE already holds the write lock; PostgreSQL needs
    # a row lock so that the version check and the update are one step.
    return session.get_bind().dialect.name == "postgresql"
