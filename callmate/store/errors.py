"""When the database can't be used at all: one message that says what to do.

A corrupt file, a read-only folder, a full disk or a database held by another
program all surface as different exceptions (``sqlite3`` errors, the same
errors wrapped by SQLAlchemy, or a plain :class:`OSError` from creating a
file). :func:`classify` is the one place that recognises them and turns each
into a :class:`StoreUnavailable` carrying a single line for the user. The CLI
prints that line; the app shows it on the home screen.

Importing this module is free: it needs neither SQLAlchemy nor the
migrations (the home screen's first read runs before either is loaded).
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from callmate.domain.text import shown

# Screens import it from the facade (callmate.store.service), which re-exports it.
from callmate.store.unavailable import StoreUnavailable as StoreUnavailable

_CORRUPT = (
    "file is not a database",
    "file is encrypted or is not a database",
    "database disk image is malformed",
)
_READ_ONLY = ("attempt to write a readonly database", "readonly database")
_CANNOT_OPEN = ("unable to open database file",)
_FULL = ("database or disk is full",)
_BUSY = ("database is locked", "database table is locked")
_DISK_IO = ("disk i/o error",)

_NO_WRITE_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


def newest_backup(db_path: Path) -> Path | None:
    """The most recent ``callmate.db.v<N>.bak`` beside the database, if any."""
    pattern = re.compile(re.escape(db_path.name) + r"\.v(\d+)\.bak$")
    found: list[tuple[int, float, Path]] = []
    try:
        for candidate in db_path.parent.iterdir():
            match = pattern.match(candidate.name)
            if match is None:
                continue
            try:
                found.append((int(match.group(1)), candidate.stat().st_mtime, candidate))
            except OSError:
                continue
    except OSError:
        return None
    return max(found)[2] if found else None


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, what it wraps (SQLAlchemy's ``orig``) and what caused it."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        pending.extend(
            [
                orig if isinstance(orig, BaseException) else None,
                current.__cause__,
                current.__context__,
            ]
        )


def _sqlite_text(error: sqlite3.Error) -> str:
    return str(error.args[0] if error.args else error).strip()


def classify(error: BaseException, db_path: Path) -> StoreUnavailable | None:
    """A :class:`StoreUnavailable` for a storage failure, or None for anything else.

    Recognises ``sqlite3`` errors, SQLAlchemy's wrapped versions of them and
    :class:`OSError` for a read-only place or a full disk.
    """
    for cause in _causes(error):
        if isinstance(cause, StoreUnavailable):
            return cause
        if isinstance(cause, sqlite3.Error):
            found = _from_sqlite(cause, db_path)
            if found is not None:
                return found
        elif isinstance(cause, OSError):
            found = _from_os_error(cause, db_path)
            if found is not None:
                return found
    return None


def _from_sqlite(error: sqlite3.Error, db_path: Path) -> StoreUnavailable | None:
    text = _sqlite_text(error)
    lowered = text.lower()
    if any(lowered.startswith(known) for known in _CORRUPT):
        return corrupt(db_path, text)
    if any(known in lowered for known in _READ_ONLY):
        return cannot_write(db_path, _why_not_writable(db_path) or "it is read-only")
    if any(lowered.startswith(known) for known in _CANNOT_OPEN):
        # SQLite can't say why; a read-only disk or folder is the usual reason.
        why = _why_not_writable(db_path)
        return cannot_write(db_path, why) if why else cannot_open(db_path, text)
    if any(lowered.startswith(known) for known in _FULL):
        return disk_full(db_path)
    if any(lowered.startswith(known) for known in _BUSY):
        return busy(db_path)
    if any(lowered.startswith(known) for known in _DISK_IO):
        if _no_space_left(db_path.parent):  # e.g. no room for the -shm file
            return disk_full(db_path)
        return StoreUnavailable(
            f"could not read or write {shown(db_path)} (disk I/O error). Check the disk "
            "and free space, then start callmate again.",
            kind="io",
        )
    return None


def _no_space_left(folder: Path) -> bool:
    try:
        return os.statvfs(folder).f_bavail == 0
    except OSError:
        return False


def _why_not_writable(db_path: Path) -> str | None:
    """Say "read-only file system" or "permission denied" when that is why, else None."""
    folder = db_path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "read-only file system"
    except OSError:
        return None
    for place in (folder, db_path):
        if place.exists() and not os.access(place, os.W_OK):
            return "permission denied"
    return None


def _from_os_error(error: OSError, db_path: Path) -> StoreUnavailable | None:
    reason = error.strerror or type(error).__name__
    named = Path(error.filename) if isinstance(error.filename, str) else None
    if error.errno in _FULL_ERRNOS:
        return disk_full(named or db_path)  # the file being written names the disk
    if error.errno in _NO_WRITE_ERRNOS:
        return cannot_write(named or db_path.parent, reason.lower())
    return None


# -- the messages ---------------------------------------------------------
def corrupt(db_path: Path, reason: str) -> StoreUnavailable:
    backup = newest_backup(db_path)
    advice = (
        f"Your last backup is {shown(backup)}; move the broken file away to start afresh."
        if backup is not None
        else "Move it away to start afresh (callmate then makes a new, empty one)."
    )
    return StoreUnavailable(
        f"{shown(db_path)} is not a callmate database ({reason}). {advice}", kind="corrupt"
    )


def cannot_write(where: Path, reason: str) -> StoreUnavailable:
    return StoreUnavailable(
        f"cannot write to {shown(where)} ({reason}). Make it writable for you, or choose "
        "another folder with --data-dir or CALLMATE_HOME.",
        kind="read-only",
    )


def cannot_open(db_path: Path, reason: str) -> StoreUnavailable:
    return StoreUnavailable(
        f"cannot open {shown(db_path)} ({reason}). Check that its folder exists and is "
        "writable, or choose another with --data-dir or CALLMATE_HOME.",
        kind="cannot-open",
    )


def disk_full(file: Path) -> StoreUnavailable:
    """The disk ``file`` (the database, or whatever was being written) is on is full."""
    return StoreUnavailable(
        f"the disk holding {shown(file.parent)} is full (no space left on device). "
        "Free some space, then start callmate again.",
        kind="full",
    )


def busy(db_path: Path) -> StoreUnavailable:
    return StoreUnavailable(
        f"{shown(db_path)} is busy in another program (database is locked). "
        "Close the other program or callmate and try again.",
        kind="busy",
    )


@contextmanager
def storage_errors(db_path: Path) -> Iterator[None]:
    """Turn a recognised storage failure inside the block into :class:`StoreUnavailable`."""
    try:
        yield
    except StoreUnavailable:
        raise
    except Exception as error:
        problem = classify(error, db_path)
        if problem is None:
            raise
        raise problem from error
