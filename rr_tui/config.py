"""Where things live and what the partnership configured.

Paths come from platformdirs and can be overridden by flag or environment
variable; nothing here touches the disk at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rr_tui.dates import DateInputError, parse_iso
from rr_tui.errors import ConfigError
from rr_tui.profile import ENGLAND, Profile, ProfileError, customise

APP_NAME = "rr-tui"
ENV_DB = "RR_TUI_DB"
ENV_CONFIG = "RR_TUI_CONFIG"
ENV_DATA_DIR = "RR_TUI_DATA_DIR"


def data_dir() -> Path:
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_config_path() -> Path:
    override = os.environ.get(ENV_CONFIG)
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_config_path(APP_NAME, appauthor=False) / "config.toml"


def default_db_path() -> Path:
    return data_dir() / "rr-tui.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def is_url(text: str) -> bool:
    return "://" in text


def db_url(path_or_url: str | Path) -> str:
    """A SQLAlchemy URL for a path or URL given on the command line."""
    text = str(path_or_url)
    if is_url(text):
        return text
    from urllib.parse import quote

    # Quote '?', '#' and '%' in the path, which would otherwise be read as the
    # start of URL parameters: exactly what SQLAlchemy's URL.create(...)
    # .render_as_string() does, without importing SQLAlchemy (~0.2 s) here.
    path = str(Path(text).expanduser().absolute())
    return "sqlite:///" + quote(path, safe=" +/")


@dataclass(frozen=True)
class Config:
    profile: Profile = ENGLAND
    closures: tuple[date, ...] = ()
    database: str | None = None
    source: Path | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def _closures(raw: Any) -> tuple[date, ...]:
    """``[calendar] closures``: ISO dates, or tables ``{from = ..., to = ...}``."""
    if not isinstance(raw, list):
        raise ConfigError("[calendar] closures: a list of dates")
    days: list[date] = []
    for item in raw:
        try:
            if isinstance(item, date):
                days.append(item)
            elif isinstance(item, str):
                days.append(parse_iso(item))
            elif isinstance(item, Mapping) and set(item) == {"from", "to"}:
                first, last = (
                    v if isinstance(v, date) else parse_iso(str(v))
                    for v in (item["from"], item["to"])
                )
                if last < first or (last - first).days > 366:
                    raise ConfigError("[calendar] closures: a range runs forward, within a year")
                days.extend(first + timedelta(days=i) for i in range((last - first).days + 1))
            else:
                raise ConfigError("[calendar] closures: each is a date or {from = DATE, to = DATE}")
        except DateInputError as exc:
            raise ConfigError(f"[calendar] closures: {exc}") from None
    return tuple(days)


def load_config(path: Path | None = None) -> Config:
    """Read the TOML configuration; a missing default file means the defaults."""
    explicit = path is not None or bool(os.environ.get(ENV_CONFIG))
    config_path = path or default_config_path()
    from rr_tui.safe_files import MAX_CONFIG_BYTES, read_input

    if not explicit and not os.path.lexists(config_path):
        return Config()
    raw = read_input(
        config_path, what="the configuration file", limit=MAX_CONFIG_BYTES, error=ConfigError
    )
    import tomllib

    try:
        table = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"the configuration file is not valid TOML ({exc})") from None
    unknown = set(table) - {"profile", "calendar", "database", "pack"}
    if unknown:
        raise ConfigError(f"configuration: unknown section [{sorted(unknown)[0]}]")
    try:
        profile = customise(ENGLAND, table.get("profile", {}))
    except ProfileError as exc:
        raise ConfigError(str(exc)) from None
    calendar = table.get("calendar", {})
    closures = _closures(calendar.get("closures", [])) if isinstance(calendar, Mapping) else ()
    database = table.get("database", {})
    url = database.get("url") if isinstance(database, Mapping) else None
    return Config(profile, closures, str(url) if url else None, config_path, table)


def install_calendar(config: Config) -> None:
    """Make the deadline functions use England and Wales plus configured closures."""
    from rr_tui import deadlines
    from rr_tui.holiday_cache import cached_bank_holidays

    deadlines.use_calendar(deadlines.england_and_wales(config.closures, cached_bank_holidays))
