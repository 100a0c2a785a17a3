"""The agencies asked for information on a case, and the chasers sent to them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from rr_tui import lengths
from rr_tui.errors import ConflictError, InputError, NotFoundError
from rr_tui.models import Agency, Chaser
from rr_tui.records import AGENCY_ROW
from rr_tui.store.cleaning import checked_text, raise_if, required_line
from rr_tui.store.core import StoreCore, for_update
from rr_tui.validation import check_timescale

# What an agency form or command may change: every column but the bookkeeping.
AGENCY_COLUMNS = frozenset(AGENCY_ROW) - {"case_id", "id", "version"}


class AgencyStore(StoreCore):
    """Agencies' requests and returns, and chasers."""

    def add_agency(
        self,
        case_id: int,
        name: str,
        request_sent: date | None,
        timescale_wd: int | None = None,
        notes: str = "",
    ) -> int:
        name = required_line("Agency", name, lengths.AGENCY, "name")
        notes = checked_text("Notes", notes, "notes")
        raise_if("Timescale", check_timescale(timescale_wd), "timescale_wd")
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
        unknown = set(changes) - AGENCY_COLUMNS
        if unknown:
            raise InputError(f"unknown agency field {sorted(unknown)[0]}")
        if "name" in changes:
            changes["name"] = required_line("Agency", changes["name"], lengths.AGENCY, "name")
        if "notes" in changes:
            changes["notes"] = checked_text("Notes", changes["notes"], "notes")
        if "timescale_wd" in changes:
            raise_if("Timescale", check_timescale(changes["timescale_wd"]))
        with self._write() as session:
            agency = session.get(Agency, agency_id, with_for_update=for_update(session))
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
