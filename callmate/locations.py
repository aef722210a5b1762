"""Where callmate keeps things: the one place that knows paths.

Everything lives under one data directory: the platformdirs user data dir by
default, or ``$CALLMATE_HOME`` / ``--data-dir`` when given (tests and
benchmarks always set it, so they never touch a real user's calls).
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "CALLMATE_HOME"
CONFIG_ENV = "CALLMATE_CONFIG"
APP_NAME = "callmate"


def data_dir() -> Path:
    """The data directory, created if missing."""
    override = os.environ.get(HOME_ENV)
    if override:
        path = Path(override).expanduser()
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path(base: Path | None = None) -> Path:
    return (base or data_dir()) / "callmate.db"


def exports_dir(base: Path | None = None) -> Path:
    """Calendar events and Markdown exports written from the recap screen."""
    path = (base or data_dir()) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def recaps_dir(base: Path | None = None) -> Path:
    """Recaps saved as files when no clipboard could take them."""
    path = (base or data_dir()) / "recaps"
    path.mkdir(parents=True, exist_ok=True)
    return path
