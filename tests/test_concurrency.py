"""Several coordinators at once, as separate OS processes on one real database.

Each process makes its edits through ``rr_tui.store.Store`` the way the app
does (optimistic concurrency): read the record, change it, save it with the
version that was read, and on ``ConflictError`` read it again and retry. Every
edit appends a token unique to that process and edit to a text field (the case
notes, an agency's notes or the meeting's attendees), so at the end every one of
the edits must be visible exactly once: a lost update would be a missing token.

The suite runs 8 processes x 100 edits per backend; ``benchmarks/reliability.py``
runs the full 8 x 500 with the same code (figures in docs/reliability.md).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from test_case_order import assert_in_step

from rr_tui.errors import ConflictError, DatabaseLocked, RRError
from rr_tui.records import CaseFields, MeetingRecord
from rr_tui.store import Store

PROCESSES = 8
# Edits per process: the full proof (500) when RR_TUI_FULL_PROOFS is set, as .ci/run
# does; 100 otherwise, to keep `make test` quick on a laptop.
SUITE_EDITS = 500 if os.environ.get("RR_TUI_FULL_PROOFS") else 100
CASES = 4
JOIN_TIMEOUT_S = 600.0
TOKEN = re.compile(r"p(\d+)e(\d+);")
# The kinds of edit, each on its own versioned record of a case.
KINDS = ("case notes", "agency notes", "meeting attendees")


# -- the workload (also run by benchmarks/reliability.py) ----------------------------------


@dataclass
class WorkerResult:
    process: int
    edits: int = 0
    conflicts: int = 0
    lock_errors: int = 0
    other_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class EditRun:
    processes: int
    edits_per_process: int
    seconds: float
    results: list[WorkerResult]
    expected_tokens: set[str]
    found_tokens: Counter[str]
    audit_problems: list[str]
    case_versions_ok: bool

    @property
    def edits(self) -> int:
        return sum(r.edits for r in self.results)

    @property
    def conflicts(self) -> int:
        return sum(r.conflicts for r in self.results)

    @property
    def lock_errors(self) -> int:
        return sum(r.lock_errors for r in self.results)

    @property
    def other_errors(self) -> list[str]:
        return [e for r in self.results for e in r.other_errors]

    @property
    def lost_updates(self) -> int:
        return len(self.expected_tokens - set(self.found_tokens))

    @property
    def duplicated(self) -> int:
        return sum(n - 1 for n in self.found_tokens.values() if n > 1)

    @property
    def unexpected(self) -> int:
        return len(set(self.found_tokens) - self.expected_tokens)


def token(process: int, edit: int) -> str:
    return f"p{process}e{edit};"


def plan(process: int, edit: int, case_ids: list[int]) -> tuple[int, int]:
    """Which case and which kind of edit: every process touches every case and kind."""
    return case_ids[(process * 3 + edit) % len(case_ids)], (process + edit) % len(KINDS)


def _one_edit(store: Store, case_id: int, kind: int, tok: str, result: WorkerResult) -> None:
    """Read, change, save; on a conflict read again and retry (as the conflict dialog does)."""
    while True:
        try:
            record = store.get_case(case_id)
            if kind == 0:
                fields = replace(record.fields, notes=record.fields.notes + tok)
                store.update_case(case_id, record.version, fields)
            elif kind == 1:
                agency = record.agencies[0]
                store.update_agency(agency.id, agency.version, notes=agency.notes + tok)
            else:
                meeting = record.meeting or MeetingRecord()
                store.record_meeting(
                    case_id,
                    meeting.version,
                    date(2026, 3, 17),
                    replace(meeting, attendees=meeting.attendees + tok),
                )
            return
        except ConflictError:
            result.conflicts += 1
        except DatabaseLocked:
            # Must never happen; counted, then retried so the lost-update count
            # still says whether anything was lost.
            result.lock_errors += 1


def edit_worker(
    url: str, process: int, edits: int, case_ids: list[int], barrier: Any, queue: Any
) -> None:
    result = WorkerResult(process)
    store: Store | None = None
    try:
        store = Store(url, actor=f"coordinator{process}")
        barrier.wait(timeout=120)
        started = time.perf_counter()
        for edit in range(edits):
            case_id, kind = plan(process, edit, case_ids)
            _one_edit(store, case_id, kind, token(process, edit), result)
            result.edits += 1
        result.seconds = time.perf_counter() - started
    except RRError as exc:
        result.other_errors.append(f"{type(exc).__name__}: {exc.message}")
    except BaseException as exc:
        result.other_errors.append(
            f"{type(exc).__name__}: {''.join(traceback.format_exception_only(exc)).strip()}"
        )
    finally:
        if store is not None:
            store.close()
        queue.put(result)


def prepare_cases(url: str, cases: int = CASES) -> list[int]:
    store = Store(url, create=True, actor="setup")
    try:
        case_ids = []
        for n in range(cases):
            case_id = store.create_case(CaseFields(f"RR-CONC-{n:03d}", owner="Setup"))
            store.add_agency(case_id, "Police", date(2026, 3, 3))
            case_ids.append(case_id)
        return case_ids
    finally:
        store.close()


def _context() -> Any:  # a fork or spawn context
    # fork after the imports: each process starts in milliseconds. Every
    # process opens its own Store (and connections) after the fork.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def run_edits(url: str, processes: int, edits: int) -> EditRun:
    """``processes`` processes making ``edits`` edits each, all at once, on shared cases."""
    case_ids = prepare_cases(url)
    ctx = _context()
    barrier = ctx.Barrier(processes + 1)
    queue = ctx.Queue()
    workers = [
        ctx.Process(target=edit_worker, args=(url, p, edits, case_ids, barrier, queue))
        for p in range(processes)
    ]
    for w in workers:
        w.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    results: list[WorkerResult] = []
    try:
        for _ in workers:
            results.append(queue.get(timeout=JOIN_TIMEOUT_S))
    finally:
        for w in workers:
            w.join(timeout=10)
            if w.is_alive():  # pragma: no cover - only when a worker hangs
                w.kill()
    seconds = time.perf_counter() - started

    store = Store(url, actor="checker")
    try:
        found: Counter[str] = Counter()
        versions_ok = True
        case_edits = Counter(
            plan(p, e, case_ids)[0]
            for p in range(processes)
            for e in range(edits)
            if plan(p, e, case_ids)[1] == 0
        )
        for case_id in case_ids:
            record = store.get_case(case_id)
            # A short run may never reach a case's meeting: it then has no meeting row,
            # and any token meant for it counts as lost below.
            meeting = record.meeting.attendees if record.meeting is not None else ""
            for text in (record.fields.notes, record.agencies[0].notes, meeting):
                found.update(m.group(0) for m in TOKEN.finditer(text))
            versions_ok &= record.version == 1 + case_edits[case_id]
        audit = store.verify_audit()
    finally:
        store.close()
    expected = {token(p, e) for p in range(processes) for e in range(edits)}
    return EditRun(
        processes,
        edits,
        seconds,
        sorted(results, key=lambda r: r.process),
        expected,
        found,
        audit,
        versions_ok,
    )


# -- the tests --------------------------------------------------------------------------------


def test_eight_processes_editing_the_same_cases_lose_nothing(db_url: str) -> None:
    run = run_edits(db_url, PROCESSES, SUITE_EDITS)

    assert run.other_errors == []
    assert run.lock_errors == 0
    assert run.edits == PROCESSES * SUITE_EDITS
    assert len(run.expected_tokens) == PROCESSES * SUITE_EDITS
    assert run.lost_updates == 0
    assert run.duplicated == 0
    assert run.unexpected == 0
    assert run.case_versions_ok
    assert run.audit_problems == []
    # The edits really did overlap: some saves met a newer version and retried.
    assert run.conflicts > 0


def fact_worker(url: str, role: int, case_ids: list[int], barrier: Any, queue: Any) -> None:
    """One coordinator recording one kind of fact on each case, in step with the others."""
    outcome: list[str] = []
    store = Store(url, actor=f"coordinator{role}")
    try:
        for n, case_id in enumerate(case_ids):
            seen = store.get_case(case_id)
            barrier.wait(timeout=60)  # everyone has read; now all save at the same moment
            try:
                if role == 0:
                    meeting = seen.meeting or MeetingRecord()
                    store.record_meeting(
                        case_id,
                        meeting.version,
                        date(2026, 3, 17),
                        replace(meeting, decision="lcspr", attendees=f"Chair {n}"),
                    )
                elif role == 1:
                    panel = seen.panel
                    store.record_panel(
                        case_id,
                        panel.version if panel else 0,
                        notified_on=date(2026, 3, 18),
                        notification_notes=f"Sent {n}",
                        set_notified=True,
                    )
                elif role == 2:
                    store.record_step(case_id, "referral_received", date(2026, 3, 2))
                else:
                    fields = replace(seen.fields, owner=f"Owner {n}")
                    store.update_case(case_id, seen.version, fields)
                outcome.append("ok")
            except RRError as exc:
                outcome.append(f"{type(exc).__name__}: {exc.message}")
    except BaseException as exc:
        outcome.append(f"{type(exc).__name__}")
    finally:
        store.close()
        queue.put((role, outcome))


def test_coordinators_recording_different_facts_at_the_same_moment_all_succeed(
    db_url: str,
) -> None:
    store = Store(db_url, create=True, actor="setup")
    rounds = 10
    try:
        case_ids = [store.create_case(CaseFields(f"RR-FACT-{n:02d}")) for n in range(rounds)]
    finally:
        store.close()
    ctx = _context()
    barrier = ctx.Barrier(4)
    queue = ctx.Queue()
    workers = [
        ctx.Process(target=fact_worker, args=(db_url, role, case_ids, barrier, queue))
        for role in range(4)
    ]
    for w in workers:
        w.start()
    outcomes = dict(queue.get(timeout=120) for _ in workers)
    for w in workers:
        w.join(timeout=10)

    assert outcomes == {role: ["ok"] * rounds for role in range(4)}
    store = Store(db_url)
    try:
        for n, case_id in enumerate(case_ids):
            record = store.get_case(case_id)
            assert record.decision == "lcspr"
            assert record.meeting is not None and record.meeting.attendees == f"Chair {n}"
            assert record.panel is not None and record.panel.notification_notes == f"Sent {n}"
            assert record.done["rr_meeting"] == date(2026, 3, 17)
            assert record.done["panel_notified"] == date(2026, 3, 18)
            assert record.done["referral_received"] == date(2026, 3, 2)
            assert record.fields.owner == f"Owner {n}"
        assert store.verify_audit() == []
        # Four saves to one case at once, each working out the list's stored
        # order: it ends with the facts all four left, not the first one's view.
        assert_in_step(store)
    finally:
        store.close()


def test_the_workload_counts_a_lost_update(tmp_path: Path) -> None:
    """The checker itself: an edit saved over another's (no version check) is caught."""
    url = "sqlite:///" + str(tmp_path / "db" / "lost.db")
    case_ids = prepare_cases(url, cases=1)
    store = Store(url)
    try:
        first = store.get_case(case_ids[0])
        store.update_case(
            case_ids[0],
            first.version,
            replace(first.fields, notes=first.fields.notes + token(0, 0)),
        )
        # A careless writer that reuses the record it read before the save above:
        second = store.get_case(case_ids[0])
        store.update_case(
            case_ids[0],
            second.version,
            replace(first.fields, notes=first.fields.notes + token(0, 1)),
        )
        notes = store.get_case(case_ids[0]).fields.notes
    finally:
        store.close()
    found = {m.group(0) for m in TOKEN.finditer(notes)}
    assert {token(0, 0), token(0, 1)} - found == {token(0, 0)}
