"""Impossible timelines: one domain function, the same sentence in the TUI and the CLI.

``rr_tui.validation.timeline_warnings`` finds dates in the future and steps
dated before a step they cannot precede; the forms ask about them, and
``rr-tui record`` refuses them with exit 3 and the same sentences unless
``--force`` is given (issue 11 §2).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rr_tui.cli.main import main
from rr_tui.rules.profile import ENGLAND
from rr_tui.store import Store
from rr_tui.validation import timeline_warnings

D = date
TODAY = D(2026, 11, 26)
DONE = {
    "incident_aware": D(2026, 11, 2),
    "referral_received": D(2026, 11, 3),
    "rr_meeting": D(2026, 11, 18),
}


def warn(changes: dict[str, date | None], done: dict[str, date] | None = None) -> list[str]:
    return timeline_warnings(ENGLAND, DONE if done is None else done, changes, TODAY)


def test_a_plausible_date_is_not_questioned() -> None:
    assert warn({"panel_notified": D(2026, 11, 19)}) == []
    assert warn({"panel_response": D(2026, 11, 25)}) == []
    assert warn({"rr_meeting": None}) == []  # clearing a date is another question


def test_a_date_in_the_future() -> None:
    assert warn({"panel_notified": D(2026, 11, 27)}) == [
        "RR sent to Panel: Fri 27 Nov 2026 is in the future."
    ]


def test_a_meeting_before_the_referral() -> None:
    assert warn({"rr_meeting": D(2026, 11, 2)}) == [
        "Rapid Review meeting (Mon 2 Nov 2026) is dated before Referral received (Tue 3 Nov 2026)."
    ]


def test_a_panel_response_before_the_referral_even_with_nothing_in_between() -> None:
    notes = warn({"panel_response": D(2026, 11, 2)}, {"referral_received": D(2026, 11, 3)})
    assert notes == [
        "Panel response (Mon 2 Nov 2026) is dated before Referral received (Tue 3 Nov 2026)."
    ]


def test_moving_an_earlier_step_after_a_later_one() -> None:
    notes = warn({"referral_received": D(2026, 11, 20)})
    assert notes == [
        "Rapid Review meeting (Wed 18 Nov 2026) would be dated before "
        "Referral received (Fri 20 Nov 2026)."
    ]


def test_two_changes_checked_against_each_other() -> None:
    notes = warn({"panel_notified": D(2026, 11, 20), "panel_response": D(2026, 11, 19)})
    assert notes == [
        "Panel response (Thu 19 Nov 2026) is dated before RR sent to Panel (Fri 20 Nov 2026)."
    ]


@given(
    st.dictionaries(
        st.sampled_from(ENGLAND.step_ids),
        st.dates(D(2026, 1, 1), D(2026, 12, 31)),
        max_size=6,
    ),
    st.sampled_from(ENGLAND.step_ids),
    st.dates(D(2026, 1, 1), D(2026, 12, 31)),
)
def test_warned_exactly_when_the_order_or_the_future_is_broken(
    done: dict[str, date], step: str, when: date
) -> None:
    """Recording a date never questioned leaves no step before one it follows."""
    notes = timeline_warnings(ENGLAND, done, {step: when}, TODAY)
    if when > TODAY:
        assert any("is in the future" in n for n in notes)
    if not notes:
        from rr_tui.validation import _not_before

        after = {**done, step: when}
        order = _not_before(ENGLAND)
        for later, anchors in order.items():
            for anchor in anchors:
                if step in (later, anchor) and later in after and anchor in after:
                    assert after[later] >= after[anchor]


# -- rr-tui record ----------------------------------------------------------------------


@pytest.fixture
def recorded(tmp_path: Path) -> str:
    from rr_tui.records import CaseFields

    url = "sqlite:///" + str(tmp_path / "rr.db")
    store = Store(url, create=True)
    try:
        store.create_case(CaseFields("RR-2026-001"), dict(DONE))
    finally:
        store.close()
    return url


def cli(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    code = main(["--db", url, "--today", TODAY.isoformat(), "record", *args])
    out, err = capsys.readouterr()
    return code, out, err


def stored(url: str) -> dict[str, date]:
    store = Store(url)
    try:
        return dict(store.get_case(store.case_id("RR-2026-001")).done)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("step", "on"),
    [
        ("rr_meeting", "2026-11-02"),  # a meeting before the referral
        ("panel_notified", "2026-12-01"),  # a date in the future
        ("panel_response", "2026-11-02"),  # a Panel response before the referral
        ("referral_received", "2026-11-20"),  # the referral after the meeting
    ],
)
def test_record_refuses_what_the_tui_questions(
    capsys: pytest.CaptureFixture[str], recorded: str, step: str, on: str
) -> None:
    before = stored(recorded)
    code, out, err = cli(capsys, recorded, "RR-2026-001", step, on)
    expected = timeline_warnings(ENGLAND, before, {step: date.fromisoformat(on)}, TODAY)
    assert expected  # the TUI asks about it...
    assert code == 3 and out == ""  # ...and the CLI refuses it, with the same sentences
    assert err.startswith("rr-tui: " + " ".join(expected))
    assert "--force" in err
    assert stored(recorded) == before
    code, out, err = cli(capsys, recorded, "RR-2026-001", step, on, "--force")
    assert code == 0, err
    assert stored(recorded)[step] == date.fromisoformat(on)


def test_record_of_a_plausible_date_needs_no_force(
    capsys: pytest.CaptureFixture[str], recorded: str
) -> None:
    code, _out, _err = cli(capsys, recorded, "RR-2026-001", "panel_notified", "yesterday")
    assert code == 0
    assert stored(recorded)["panel_notified"] == TODAY - timedelta(days=1)
