"""Where settings.toml is, and a look at one number in it without pydantic.

The home screen needs the cadence before pydantic is loaded (the first screen
must not wait for it); :mod:`callmate.settings` does the full, validated read.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from callmate.locations import APP_NAME, CONFIG_ENV, HOME_ENV


def settings_path() -> Path:
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit).expanduser()
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser() / "settings.toml"
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "settings.toml"


def peek_int(name: str, *, default: int, low: int, high: int) -> int:
    """One whole number from the file, or ``default`` if it is missing or odd.

    Never raises: an unreadable, undecodable, broken or absurd file simply
    gives ``default`` (:func:`callmate.settings.load_settings` reports why).
    """
    try:
        with settings_path().open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return default
        value = tomllib.loads(raw.decode("utf-8", errors="replace")).get(name, default)
    except Exception:  # OSError, TOMLDecodeError, RecursionError, ValueError...
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return default
    return value


MAX_BYTES = 1_000_000
"""A settings file is a few hundred bytes; anything past this is not one."""
