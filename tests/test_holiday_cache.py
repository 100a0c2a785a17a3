"""The bank-holiday cache gives exactly what the holidays package gives, and heals itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rr_tui.deadlines import england_and_wales_bank_holidays
from rr_tui.rules import holiday_cache


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(holiday_cache.ENV_CACHE_DIR, str(tmp_path))
    return tmp_path


def test_cached_answer_equals_the_package(cache_dir: Path) -> None:
    first = holiday_cache.cached_bank_holidays(2000, 2060)
    assert first == england_and_wales_bank_holidays(2000, 2060)
    assert (cache_dir / holiday_cache.CACHE_NAME).exists()
    # The second call reads the file and still agrees.
    assert holiday_cache.cached_bank_holidays(2000, 2060) == first


def test_a_damaged_or_stale_cache_is_rebuilt(cache_dir: Path) -> None:
    path = cache_dir / holiday_cache.CACHE_NAME
    holiday_cache.cached_bank_holidays(2000, 2060)
    saved = json.loads(path.read_text())
    # A cache from another version of the package must not be believed.
    path.write_text(json.dumps({**saved, "key": "another version", "dates": ["2026-06-01"]}))
    assert holiday_cache.cached_bank_holidays(2000, 2060) == england_and_wales_bank_holidays(
        2000, 2060
    )
    path.write_text("not json")
    assert len(holiday_cache.cached_bank_holidays(2000, 2060)) > 500


def test_an_unwritable_cache_folder_is_no_loss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(holiday_cache.ENV_CACHE_DIR, str(blocker / "sub"))
    assert holiday_cache.cached_bank_holidays(2020, 2021) == england_and_wales_bank_holidays(
        2020, 2021
    )
