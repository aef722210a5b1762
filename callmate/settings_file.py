"""Where settings.toml is, and a look at one number in it without pydantic.

The home screen needs the cadence before pydantic is loaded (the first screen
must not wait for it); :mod:`callmate.settings` does the full, validated read.
"""

from __future__ import annotations

import os
import stat
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
        raw = read_bytes(settings_path())
        import tomllib  # only when a settings file exists (3-7 ms on the read commands' path)

        value = tomllib.loads(raw.decode("utf-8", errors="replace")).get(name, default)
    except Exception:  # OSError, TooBig, TOMLDecodeError, RecursionError, ValueError...
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return default
    return value


RULE_NUMBERS = {
    "cadence_days": (30, 1, 365),
    "question_limit": (5, 1, 30),
    "time_check_minutes": (20, 1, 480),
}
"""The numbers the method runs on: (default, lowest, highest), as
:class:`callmate.settings.Settings` declares them (a test holds the two equal)."""


def peek_rules() -> dict[str, int]:
    """:data:`RULE_NUMBERS` from the file (:func:`peek_int` each), by name."""
    return {
        name: peek_int(name, default=default, low=low, high=high)
        for name, (default, low, high) in RULE_NUMBERS.items()
    }


def peek_all() -> dict[str, object]:
    """The whole file as TOML data, or ``{}`` when it can't be read (never raises).

    For what the first frame needs without pydantic: the theme and the keys.
    """
    try:
        raw = read_bytes(settings_path())
        import tomllib

        return tomllib.loads(raw.decode("utf-8", errors="replace"))
    except Exception:  # load_settings reports why, once pydantic is loaded
        return {}


MAX_BYTES = 1_000_000
"""A settings file is a few hundred bytes; anything past this is not one."""


class NotASettingsFile(OSError):
    """Too big, or not a regular file (a folder, a pipe, a device)."""


def read_bytes(path: Path) -> bytes:
    """The file's bytes; OSError (:class:`NotASettingsFile` among them) if it can't be.

    Opened without blocking, so a pipe or a terminal named as the settings file
    can't hang the start; only a regular file is read, and at most MAX_BYTES.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise NotASettingsFile("it is not a regular file")
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise NotASettingsFile(f"it is over {MAX_BYTES:,} bytes, too big to be a settings file")
    return raw


class UnreadableSettings(OSError):
    """The file exists but isn't TOML callmate can edit: it is left as it is."""


def update_file(
    path: Path,
    values: dict[str, object],
    *,
    fresh: str = "",
    defaults: dict[str, object] | None = None,
) -> Path:
    """Set ``values`` in settings.toml, keeping everything else the user wrote.

    Comments, unknown keys, tables and their order survive (tomlkit, imported
    here only: saving is never on the startup path). A key already holding
    the value is not touched, nor is a default added where the user left it
    out. With no file yet, ``fresh`` is the starting
    text. A file that can't be read as TOML is never overwritten:
    :class:`UnreadableSettings` says why. Written atomically (0600).
    """
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    from callmate.domain.text import shown
    from callmate.files import write_atomic

    where = shown(path)
    try:
        text = read_bytes(path).decode("utf-8")
    except FileNotFoundError:
        text = fresh
    except UnicodeDecodeError as error:
        raise UnreadableSettings(
            f"{where} has bytes that are not UTF-8 text; fix or remove it first"
        ) from error
    try:
        document = tomlkit.parse(text)
    except (TOMLKitError, RecursionError, ValueError) as error:
        reason = shown(" ".join(str(error).split()))
        raise UnreadableSettings(
            f"{where} is not valid TOML ({reason}); fix or remove it first"
        ) from error
    for name, value in values.items():
        current = document.get(name)
        if current is not None and _plain(current) == value:
            continue
        if current is None and defaults is not None and defaults.get(name) == value:
            continue
        document[name] = value
    return write_atomic(path, tomlkit.dumps(document))


def _plain(item: object) -> object:
    """A tomlkit item as the Python value it holds."""
    unwrap = getattr(item, "unwrap", None)
    return unwrap() if callable(unwrap) else item
