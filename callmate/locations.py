"""Where callmate keeps things: the one place that knows paths.

Everything lives under one data directory: the platformdirs user data dir by
default, or ``$CALLMATE_HOME`` / ``--data-dir`` when given (tests and
benchmarks always set it, so they never touch a real user's calls).

All of it is private: folders ``0700``, files ``0600`` (see
:mod:`callmate.files`). :func:`make_private` tightens what an older callmate
(or a loose umask) left readable by others.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

HOME_ENV = "CALLMATE_HOME"
CONFIG_ENV = "CALLMATE_CONFIG"
APP_NAME = "callmate"
DATABASE_NAME = "callmate.db"

PRIVATE_FOLDERS = ("recaps", "exports", "drafts")
"""The data dir's folders; they and their files are the user's alone."""

PRIVATE_NOTICE = "Made your callmate files private (they were readable by other users)."


def data_dir() -> Path:
    """The data directory, created (``0700``) if missing."""
    override = os.environ.get(HOME_ENV)
    if override:
        path = Path(override).expanduser()
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_NAME, appauthor=False))
    if not path.is_dir():
        # Not tightened here: make_private does that, and says so.
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def database_path(base: Path | None = None) -> Path:
    return (base or data_dir()) / DATABASE_NAME


def exports_dir(base: Path | None = None) -> Path:
    """Calendar events and Markdown exports written from the recap screen."""
    from callmate.files import private_dir

    return private_dir((base or data_dir()) / "exports")


def recaps_dir(base: Path | None = None) -> Path:
    """Recaps saved as files when no clipboard could take them."""
    from callmate.files import private_dir

    return private_dir((base or data_dir()) / "recaps")


def make_private(base: Path) -> list[Path]:
    """Take other users' access off callmate's folders and files; return what changed.

    The data dir, its ``recaps``, ``exports`` and ``drafts`` folders and their files, the
    database with its journal files and backups, and settings.toml with its
    folder (unless ``$CALLMATE_CONFIG`` names a file somewhere shared: then
    only that file). Only callmate's own names are touched, so a data dir
    pointed at a busy folder keeps everything else as it was, and a shared
    folder itself (``/tmp``, the home folder) is left as it is.
    """
    from callmate.files import tighten

    candidates: list[Path] = [base] if _callmates_own(base) else []
    for name in PRIVATE_FOLDERS:
        folder = base / name
        candidates.append(folder)
        candidates.extend(_entries(folder))
    candidates.extend(
        entry
        for entry in _entries(base)
        if entry.name.startswith(DATABASE_NAME) or entry.name == "settings.toml"
    )
    candidates.extend(_settings_places(base))
    changed: list[Path] = []
    for path in dict.fromkeys(candidates):
        if tighten(path):
            changed.append(path)
    return changed


def _callmates_own(folder: Path) -> bool:
    """False for a data dir that is shared by design: ``--data-dir /tmp`` must not
    lock every other user out of /tmp, nor ``--data-dir ~`` change the home folder."""
    try:
        info = folder.stat()
        resolved = folder.resolve()
    except OSError:
        return False
    if info.st_mode & (stat.S_ISVTX | stat.S_IWOTH):
        return False  # /tmp and the like
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        return False
    with contextlib.suppress(RuntimeError, KeyError):
        if resolved == Path.home().resolve():
            return False
    return resolved != Path(resolved.anchor)


def _entries(folder: Path) -> list[Path]:
    """Files and folders directly in ``folder`` (symbolic links are left alone)."""
    try:
        with os.scandir(folder) as listing:
            return [Path(entry.path) for entry in listing if not entry.is_symlink()]
    except OSError:
        return []


def _settings_places(base: Path) -> list[Path]:
    from callmate.settings_file import settings_path

    path = settings_path()
    if os.environ.get(CONFIG_ENV) or path.parent == base:
        return [path]
    return [path.parent, path]
