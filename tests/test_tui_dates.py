"""Date fields read what people in England type and show the date understood (issue 12 §1)."""

from __future__ import annotations

from datetime import date

import pytest
from tui_helpers import (
    date_hint,
    fill,
    open_form,
    put,
    running,
    save_and_close,
    stored_case,
    wait_for_rows,
)

from rr_tui.screens.case_form import CaseForm

# make_app's today is Thu 26 Nov 2026.


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("18/12/2026", "Fri 18 Dec 2026"),
        ("1/12/26", "Tue 1 Dec 2026"),
        ("18 Dec 2026", "Fri 18 Dec 2026"),
        ("18 December 2026", "Fri 18 Dec 2026"),
        ("  2026-12-18 ", "Fri 18 Dec 2026"),
        ("mon", "Mon 23 Nov 2026"),
        ("thu", "Thu 26 Nov 2026"),
        ("yesterday", "Wed 25 Nov 2026"),
    ],
)
async def test_the_field_shows_the_date_it_understood(
    demo_url: str, typed: str, shown: str
) -> None:
    async with running(demo_url) as pilot:
        await wait_for_rows(pilot)
        form = await open_form(pilot, "n", CaseForm)
        await fill(pilot, "referral_received", typed)
        assert date_hint(form, "referral_received").startswith(shown)


async def test_month_first_is_refused_with_what_is_accepted(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        await wait_for_rows(pilot)
        form = await open_form(pilot, "n", CaseForm)
        await fill(pilot, "referral_received", "11/25/2026")
        assert "the day comes first" in date_hint(form, "referral_received")
        await fill(pilot, "referral_received", "sometime")
        assert "19/12/2025" in date_hint(form, "referral_received")


async def test_a_uk_date_is_saved_as_that_date(demo_url: str) -> None:
    async with running(demo_url) as pilot:
        await wait_for_rows(pilot)
        form = await open_form(pilot, "n", CaseForm)
        for name, text in {
            "reference": "RR-2026-300",
            "child": "GH",
            "owner": "I. J.",
            "referral_received": "2/11/2026",
            "incident_aware": "30 Oct 2026",
        }.items():
            put(form, name, text)
        await save_and_close(pilot, form)
    record = stored_case(demo_url, "RR-2026-300")
    assert record.done["referral_received"] == date(2026, 11, 2)
    assert record.done["incident_aware"] == date(2026, 10, 30)
