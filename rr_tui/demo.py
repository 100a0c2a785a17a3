"""Fictional demo cases at every stage, dated around a given today.

No real child, family or agency is described: references start with DEMO-
and children are called Child A, Child B, ...
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rr_tui.deadlines import add_working_days, subtract_working_days
from rr_tui.records import ActionRecord, CaseFields, ChildFields, MeetingRecord, SignOffRecord
from rr_tui.rules.profile import Profile
from rr_tui.store import Store

AUTHORITY = "Northshire Council (fictional)"
OWNERS = ("A. Patel", "J. Okafor", "R. Hughes")


def _ago(today: date, n: int) -> date:
    return today if n == 0 else subtract_working_days(today, n)


def seed(store: Store, today: date) -> int:
    """Create the demo cases; returns how many."""

    def child(n: int, **fields: object) -> ChildFields:
        defaults: dict[str, object] = {
            "age_band": ("under_1", "1_to_5", "6_to_10", "11_to_15", "16_plus")[n % 5],
            "sex": ("female", "male")[n % 2],
            "ethnicity": ("white", "mixed", "asian", "black", "other")[n % 5],
            "disability": ("no", "no", "yes", "unknown")[n % 4],
            "cp_plan": n % 4 == 1,
            "child_in_need": n % 3 == 0,
        }
        defaults.update(fields)
        return ChildFields(f"Child {chr(64 + n)}", **defaults)  # type: ignore[arg-type]

    def case(
        n: int,
        steps: dict[str, int],
        children: tuple[ChildFields, ...] | None = None,
        **fields: object,
    ) -> int:
        defaults: dict[str, object] = {
            "lead_authority": AUTHORITY,
            "owner": OWNERS[n % len(OWNERS)],
            "incident_type": "serious_harm" if n % 3 else "death",
            "sin_reference": f"SIN-DEMO-{n:04d}",
        }
        if "incident_aware" in steps:
            defaults["incident_date"] = _ago(today, steps["incident_aware"] + 1)
        if "referral_received" in steps:
            defaults["partners_copied_on"] = _ago(today, steps["referral_received"])
        defaults.update(fields)
        case_fields = CaseFields(reference=f"DEMO-{today.year}-{n:03d}", **defaults)  # type: ignore[arg-type]
        return store.create_case(
            case_fields,
            {k: _ago(today, v) for k, v in steps.items()},
            children if children is not None else (child(n),),
        )

    # 1: just aware of the incident: the SIN is due in 5 working days.
    case(1, {"incident_aware": 0})
    # 2: SIN overdue: red.
    case(2, {"incident_aware": 7})
    # 3: referral in, scoping requests not yet sent (due tomorrow): amber.
    case(3, {"incident_aware": 3, "sin_submitted": 2, "referral_received": 1})
    # 4: scoping sent; one agency returned, one late: red.
    c4 = case(
        4,
        {
            "incident_aware": 9,
            "sin_submitted": 8,
            "referral_received": 8,
            "scoping_requests_sent": 7,
        },
        home_authority="Southshire Council (fictional)",
    )
    police = store.add_agency(c4, "Police", _ago(today, 7))
    store.update_agency(police, 1, received_on=_ago(today, 3), records_secured=True)
    store.add_agency(c4, "Children's social care", _ago(today, 7))
    store.add_agency(c4, "GP practice", _ago(today, 7), timescale_wd=10)
    # An immediate safeguarding action agreed at the strategy discussion, overdue
    # since the same day as the social care return.
    store.add_action(
        c4, "Check on the siblings' safety plan", owner="J. Okafor", due_on=_ago(today, 2)
    )
    # 5: all returns in; meeting due in 2 working days: amber.
    c5 = case(
        5,
        {
            "incident_aware": 12,
            "sin_submitted": 11,
            "referral_received": 11,
            "scoping_requests_sent": 10,
        },
    )
    for name in ("Police", "Health trust", "School"):
        agency = store.add_agency(c5, name, _ago(today, 10))
        store.update_agency(agency, 1, received_on=_ago(today, 6), records_secured=True)
    # 6: meeting held, Panel to be told within 2 working days of it.
    c6 = case(
        6,
        {
            "incident_aware": 13,
            "sin_submitted": 12,
            "referral_received": 12,
            "scoping_requests_sent": 11,
            "agency_returns": 6,
        },
    )
    store.record_meeting(
        c6,
        0,
        _ago(today, 1),
        MeetingRecord(
            attendees="Police; Children's social care; Health trust; Education",
            facts_summary="Fictional summary for the demo.",
            learning="Information sharing between health and school.",
            decision="lcspr",
            rationale="Fictional: criteria met; learning for the partnership.",
            actions=(
                ActionRecord(
                    "Strategy discussion for siblings",
                    "Children's social care",
                    add_working_days(today, 2),
                ),
                ActionRecord(
                    "Secure health records", "Health trust", _ago(today, 1), _ago(today, 1)
                ),
            ),
        ),
    )
    # 7: Panel notified, awaiting its response: green.
    c7 = case(
        7,
        {
            "incident_aware": 20,
            "sin_submitted": 18,
            "referral_received": 17,
            "scoping_requests_sent": 16,
            "agency_returns": 11,
            "rr_meeting": 6,
            "panel_notified": 5,
        },
    )
    store.record_meeting(
        c7, 0, _ago(today, 6), MeetingRecord(decision="no_further_review", rationale="Fictional.")
    )
    # 8: LCSPR under way: final report due 6 months after the meeting.
    c8 = case(
        8,
        {
            "incident_aware": 60,
            "sin_submitted": 57,
            "referral_received": 57,
            "scoping_requests_sent": 55,
            "agency_returns": 50,
            "rr_meeting": 45,
            "panel_notified": 44,
            "panel_response": 35,
            "imrs_requested": 30,
        },
    )
    store.record_meeting(
        c8, 0, _ago(today, 45), MeetingRecord(decision="lcspr", rationale="Fictional.")
    )
    store.record_panel(c8, 0, outcome="agrees", response_notes="Fictional: Panel agrees.")
    # Its rapid review was signed off by all three safeguarding partners: a final pack.
    store.record_signoffs(
        c8,
        {},
        {
            partner: SignOffRecord(
                partner, name, role, organisation, _ago(today, 44), capacity="delegated"
            )
            for partner, name, role, organisation in (
                ("local_authority", "A. Fictional", "Director of Children's Services",
                 "Northshire Council (fictional)"),
                ("police", "B. Fictional", "Detective Superintendent",
                 "Northshire Police (fictional)"),
                ("health", "C. Fictional", "Designated Nurse", "Northshire ICB (fictional)"),
            )
        },
    )  # fmt: skip
    store.record_step(c8, "lcspr_panel_agreed", _ago(today, 35))
    # Progress checked (regulation 14), then paused for a criminal trial: the
    # review's steps show the pause, their due dates stay where they were.
    store.add_progress_check(c8, _ago(today, 20), "Fictional: chronologies on time.")
    store.start_pause(c8, "criminal_proceedings", _ago(today, 5), "Fictional: trial listed.")
    store.add_recommendation(
        c8,
        "Fictional: agencies share concerns about unseen babies at the first contact.",
        _ago(today, 10),
        [("Brief every health visiting team", "R. Hughes", add_working_days(today, 40))],
    )
    # 9: national review nearing publication: the pre-publication copy is due.
    case(
        9,
        {
            "incident_aware": 140,
            "sin_submitted": 136,
            "referral_received": 135,
            "scoping_requests_sent": 134,
            "agency_returns": 128,
            "rr_meeting": 123,
            "panel_notified": 122,
            "panel_response": 112,
            "imrs_requested": 110,
            "practitioner_event": 80,
        },
        publication_planned=add_working_days(today, 9),
    )
    # An LCSPR, and referred to the Panel as possibly national too.
    store.record_meeting(
        store.case_id(f"DEMO-{today.year}-009"),
        0,
        _ago(today, 123),
        MeetingRecord(decision="lcspr", national_referral=True, rationale="Fictional."),
    )
    store.add_progress_check(
        store.case_id(f"DEMO-{today.year}-009"), _ago(today, 10), "Fictional: draft report read."
    )
    # 10: Panel told late (done, late), response awaited. One notification for
    # three siblings, the youngest unborn when it was made; harmed outside their
    # home authority.
    c10 = case(
        10,
        {
            "incident_aware": 25,
            "sin_submitted": 25,
            "referral_received": 24,
            "scoping_requests_sent": 23,
            "agency_returns": 17,
            "rr_meeting": 9,
            "panel_notified": 4,
        },
        (
            child(10, age_band="6_to_10", cp_plan=True),
            child(13, age_band="1_to_5", sex="male", cp_plan=True),
            child(14, age_band="unborn", sex="unknown", ethnicity="not_known", disability=""),
        ),
        home_authority="Southshire Council (fictional)",
    )
    store.record_meeting(c10, 0, _ago(today, 9), MeetingRecord(decision="other_learning_review"))
    # 11: closed: criteria not met.
    c11 = case(
        11,
        {
            "incident_aware": 70,
            "sin_submitted": 66,
            "referral_received": 66,
            "scoping_requests_sent": 64,
            "agency_returns": 58,
            "rr_meeting": 55,
            "panel_notified": 54,
            "panel_response": 45,
        },
        status="closed",
    )
    store.record_meeting(c11, 0, _ago(today, 55), MeetingRecord(decision="criteria_not_met"))
    # 12: meeting overdue: red.
    case(
        12,
        {
            "incident_aware": 16,
            "sin_submitted": 15,
            "referral_received": 15,
            "scoping_requests_sent": 13,
            "agency_returns": 8,
        },
        children=(child(12, looked_after=True, age_band="11_to_15"),),
    )
    # 13: a looked-after child's death, no abuse or neglect suspected: a
    # notification only. The SIN is sent, so it needs nothing more (closed).
    case(
        13,
        {"incident_aware": 30, "sin_submitted": 27},
        (child(15, age_band="16_plus", looked_after=True, cp_plan=False),),
        kind="lac_death",
        incident_type="death",
        status="closed",
    )
    # 14: a care leaver's death (aged 19): a notification only, SIN sent (closed).
    case(
        14,
        {"incident_aware": 40, "sin_submitted": 38},
        (child(16, age_band="16_plus", care_leaver=True, cp_plan=False),),
        kind="care_leaver_death",
        incident_type="death",
        status="closed",
    )
    return 14


def check_demo_target(path: Path) -> None:
    """Refuse a demo path that holds anything but an earlier demo database.

    ``rr-tui demo --db PATH`` replaces the file at PATH: never a coordinator's real
    database (a case whose reference does not start with DEMO-), nor any other file.
    """
    import sqlite3

    from rr_tui.errors import InputError

    if path.is_symlink():
        raise InputError("the demo path is a symbolic link; give the real path")
    if path.is_dir():
        raise InputError("the demo path is a folder; give a file name such as demo.db")
    if not path.exists() or path.stat().st_size == 0:
        return
    refuse = InputError(
        "the demo path holds a file that is not an earlier demo database; the demo never "
        "replaces it: give another path"
    )
    try:
        with open(path, "rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                raise refuse
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            real = connection.execute(
                "SELECT count(*) FROM cases WHERE reference NOT LIKE 'DEMO-%'"
            ).fetchone()[0]
        finally:
            connection.close()
    except (OSError, sqlite3.Error):
        raise refuse from None
    if real:
        raise InputError(
            f"the demo path holds a database with {real} real case{'s' if real != 1 else ''}; "
            "the demo never replaces it: give another path"
        )


def fresh_demo_database(path: Path, today: date, profile: Profile | None = None) -> str:
    """Replace the demo database with new cases dated around ``today``; returns its URL."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists() and not candidate.is_symlink():
            candidate.unlink()
    from rr_tui.config import db_url
    from rr_tui.store import audit_anchor, db

    url = db_url(path)
    # The old demo's audit witness would call the new demo's trail rewritten: it goes too.
    witness = audit_anchor.witness_path(db.identity(url))
    if witness.exists() and not witness.is_symlink():
        witness.unlink()
    store = Store(url, create=True, profile=profile)
    try:
        seed(store, today)
    finally:
        store.close()
    return url
