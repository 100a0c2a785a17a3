"""Where things live and what the partnership configured.

Paths come from platformdirs and can be overridden by flag or environment
variable; nothing here touches the disk at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from rr_tui.dates import EARLIEST, LATEST, DateInputError, parse_iso
from rr_tui.errors import ConfigError
from rr_tui.rules.profile import ENGLAND, Profile, ProfileError, customise

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
    # PostgreSQL: how long a command waits for a lock, and for one statement.
    lock_timeout_s: int = 10
    statement_timeout_s: int = 60
    # "[section] key" -> where its value came from (the file), for ``rr-tui profile``.
    origins: Mapping[str, str] = field(default_factory=dict)


# -- the typed schema -----------------------------------------------------------
#
# Every section and key the configuration may hold, with its type and range.
# An unknown section or key, a wrong type or an out-of-range number is exit 10
# naming it. ``[profile]`` is checked by ``profile.customise`` (which knows the
# steps), after a check here that every number in it is a sane size.

MAX_PROFILE_NUMBER = 10_000  # working days, months or slack: far beyond any real rule


@dataclass(frozen=True)
class Setting:
    kind: str  # "text", "whole number", "list", "table"
    low: int | None = None
    high: int | None = None
    unit: str = ""


SCHEMA: dict[str, dict[str, Setting]] = {
    "database": {
        "url": Setting("text"),
        "lock_timeout": Setting("whole number", 1, 3600, "seconds"),
        "statement_timeout": Setting("whole number", 1, 86_400, "seconds"),
    },
    "calendar": {"closures": Setting("list")},
    "pack": {
        "sections": Setting("list"),
        "headings": Setting("table"),
        "partnership": Setting("text"),
    },
}
SECTIONS = ("profile", *SCHEMA)
_KINDS: dict[str, tuple[type, ...]] = {
    "text": (str,),
    "whole number": (int,),
    "list": (list,),
    "table": (dict,),
}


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def check_schema(table: Mapping[str, Any]) -> None:
    """Check every section except [profile] against ``SCHEMA`` (see above)."""
    for section, value in table.items():
        if section not in SECTIONS:
            raise ConfigError(
                f"configuration: unknown section [{section[:40]}]; "
                f"sections are {', '.join(f'[{s}]' for s in SECTIONS)}"
            )
        if not isinstance(value, dict):
            raise ConfigError(f"configuration: [{section}] must be a table of settings")
        if section == "profile":
            _check_profile_types(value)
            continue
        schema = SCHEMA[section]
        for key, item in value.items():
            setting = schema.get(key)
            where = f"[{section}] {key[:40]}"
            if setting is None:
                raise ConfigError(f"{where}: unknown setting; [{section}] has {', '.join(schema)}")
            kinds = _KINDS[setting.kind]
            if isinstance(item, bool) or not isinstance(item, kinds):
                raise ConfigError(f"{where}: must be {setting.kind}, not {_type_name(item)}")
            low, high = setting.low, setting.high
            in_range = low is None or high is None or not isinstance(item, int)
            if not in_range and not low <= item <= high:  # type: ignore[operator]
                raise ConfigError(f"{where}: must be from {low} to {high} {setting.unit}")


def _check_profile_types(table: Mapping[str, Any]) -> None:
    """The types ``profile.customise`` takes on trust: text where text is meant, sane numbers.

    Everything else about [profile] (its keys, steps and rules) is checked by
    ``customise``, which knows the steps.
    """
    for key in ("name", "convention"):
        if key in table and not isinstance(table[key], str):
            raise ConfigError(f"[profile] {key}: must be text, not {_type_name(table[key])}")
    steps = table.get("steps")
    if isinstance(steps, dict):
        for step_id, settings in steps.items():
            label = settings.get("label") if isinstance(settings, dict) else None
            if label is not None and not isinstance(label, str):
                raise ConfigError(
                    f"[profile.steps.{step_id[:40]}] label: must be text, not {_type_name(label)}"
                )
    _check_numbers(table, "[profile]")


def _check_numbers(value: Any, where: str) -> None:
    """Every number inside [profile] is a whole number from 0 to ``MAX_PROFILE_NUMBER``."""
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{where[:-1]}.{key}]" if isinstance(item, dict) else f"{where} {key}"
            _check_numbers(item, inner)
    elif isinstance(value, list):
        for item in value:
            _check_numbers(item, where)
    elif isinstance(value, float):
        raise ConfigError(f"{where[:80]}: must be a whole number")
    elif isinstance(value, int) and not isinstance(value, bool):
        if not 0 <= value <= MAX_PROFILE_NUMBER:
            raise ConfigError(f"{where[:80]}: must be from 0 to {MAX_PROFILE_NUMBER}")
    elif isinstance(value, datetime | time):
        raise ConfigError(f"{where[:80]}: must not be a date or time")


def _day(value: Any) -> date:
    """A closure day: a TOML date or an ISO date in text (a date and time is refused)."""
    if type(value) is date:
        if not EARLIEST <= value <= LATEST:
            raise DateInputError(f"must be between {EARLIEST.year} and {LATEST.year}")
        return value
    if isinstance(value, str):
        return parse_iso(value)
    raise DateInputError("use a date such as 2026-12-29")


def _closures(raw: Any) -> tuple[date, ...]:
    """``[calendar] closures``: ISO dates, or tables ``{from = ..., to = ...}``."""
    if not isinstance(raw, list):
        raise ConfigError("[calendar] closures: a list of dates")
    days: list[date] = []
    for number, item in enumerate(raw, start=1):
        where = f"[calendar] closures, item {number}"
        try:
            if isinstance(item, Mapping):
                if set(item) != {"from", "to"}:
                    raise ConfigError(f"{where}: a range is {{from = DATE, to = DATE}}")
                first, last = _day(item["from"]), _day(item["to"])
                if last < first or (last - first).days > 366:
                    raise ConfigError(f"{where}: a range runs forward, within a year")
                days.extend(first + timedelta(days=i) for i in range((last - first).days + 1))
            else:
                days.append(_day(item))
        except DateInputError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    return tuple(days)


def load_config(path: Path | None = None) -> Config:
    """Read the TOML configuration and check it all; a missing default file means the defaults."""
    explicit = path is not None or bool(os.environ.get(ENV_CONFIG))
    config_path = path or default_config_path()
    from rr_tui.files.safe_files import MAX_CONFIG_BYTES, read_input

    if not explicit and not os.path.lexists(config_path):
        return Config(with_calendar(ENGLAND, ()))
    raw = read_input(
        config_path, what="the configuration file", limit=MAX_CONFIG_BYTES, error=ConfigError
    )
    import tomllib

    try:
        table = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError("the configuration file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"the configuration file is not valid TOML ({exc})") from None
    except RecursionError:
        raise ConfigError("the configuration file is nested too deeply") from None
    check_schema(table)
    # Without a [profile] table the profile is England's, already known sound:
    # customise's checks (schedules worked out for every order of the start
    # facts, about 5 ms) run only for a profile the file changes.
    try:
        profile = customise(ENGLAND, table["profile"]) if "profile" in table else ENGLAND
    except ProfileError as exc:
        raise ConfigError(str(exc)) from None
    calendar = table.get("calendar", {})
    closures = _closures(calendar["closures"]) if "closures" in calendar else ()
    pack = table.get("pack", {})
    if pack:
        from rr_tui.pack import PackConfigError, pack_settings

        try:
            pack_settings(pack)
        except PackConfigError as exc:
            raise ConfigError(str(exc)) from None
    database = table.get("database", {})
    url = database.get("url")
    if url is not None and not url.strip():
        raise ConfigError("[database] url: is empty; remove it or give the database's URL")
    origins = {
        f"[{section}] {key}": str(config_path)
        for section, settings in table.items()
        for key in settings
    }
    return Config(
        with_calendar(profile, closures),
        closures,
        url,
        config_path,
        table,
        lock_timeout_s=database.get("lock_timeout", Config.lock_timeout_s),
        statement_timeout_s=database.get("statement_timeout", Config.statement_timeout_s),
        origins=origins,
    )


def with_calendar(profile: Profile, closures: tuple[date, ...]) -> Profile:
    """The profile counting in England and Wales plus the partnership's closures.

    The bank holidays come from a per-user cache of the ``holidays`` package's
    answer, read on first use (``rr_tui.rules.holiday_cache``), never at start-up.
    """
    from rr_tui import deadlines
    from rr_tui.rules.holiday_cache import cached_bank_holidays

    return replace(profile, calendar=deadlines.england_and_wales(closures, cached_bank_holidays))
