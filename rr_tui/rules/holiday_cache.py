"""A per-user cache of the ``holidays`` package's England and Wales bank holidays.

Importing ``holidays`` imports every country it knows (about 100 ms), which
would be a third of ``rr-tui status``. Its answer for England and Wales is
cached as a list of ISO dates, keyed by the package's installed files: a new
version of ``holidays`` (new one-off holidays) makes a new cache. Any problem
with the cache just means asking the package again. The file holds public
dates only, never case data.
"""

from __future__ import annotations

import os
from datetime import date
from importlib.util import find_spec
from pathlib import Path

from rr_tui.deadlines import england_and_wales_bank_holidays

CACHE_NAME = "bank-holidays-england-wales.json"
ENV_CACHE_DIR = "RR_TUI_CACHE_DIR"


def cache_path() -> Path:
    override = os.environ.get(ENV_CACHE_DIR)
    if override:
        return Path(override) / CACHE_NAME
    import platformdirs

    return platformdirs.user_cache_path("rr-tui", appauthor=False) / CACHE_NAME


def _package_key() -> str | None:
    """Where the installed ``holidays`` package is, and when it was installed."""
    spec = find_spec("holidays")
    if spec is None or spec.origin is None:
        return None
    origin = Path(spec.origin)
    try:
        stamp = max(origin.stat().st_mtime_ns, (origin.parent / "countries").stat().st_mtime_ns)
    except OSError:
        return None
    return f"{origin}:{stamp}"


def cached_bank_holidays(first_year: int, last_year: int) -> list[date]:
    import json  # here, not at the top: the first frame imports this module, not the cache

    key = _package_key()
    path = cache_path()
    if key is not None:
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            if saved["key"] == key and saved["years"] == [first_year, last_year]:
                return [date.fromisoformat(d) for d in saved["dates"]]
        except (OSError, ValueError, KeyError, TypeError):
            pass
    days = england_and_wales_bank_holidays(first_year, last_year)
    if key is not None:
        _save(
            path,
            {"key": key, "years": [first_year, last_year], "dates": [d.isoformat() for d in days]},
        )
    return days


def _save(path: Path, content: dict[str, object]) -> None:
    """Write the cache atomically; a cache that cannot be written is no loss."""
    import json

    from rr_tui.errors import RRError
    from rr_tui.files.safe_files import write_file

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_file(path, json.dumps(content), what="the bank holiday cache")
    except (OSError, RRError):
        pass
