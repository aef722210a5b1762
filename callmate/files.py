"""Every file callmate writes: private, and replaced whole or not at all.

Two rules hold for everything on disk (database, backups, recaps, exports,
settings):

* **Private.** Folders are created ``0700`` and files ``0600``: a recap or a
  note is nobody else's business on a shared machine. :func:`private_dir`
  also tightens a folder an older callmate created more openly.
* **Atomic.** :func:`write_atomic` writes a temporary file in the same
  folder, syncs it to disk and only then renames it over the old one, so a
  full disk, a kill or a power cut leaves either the old file or the new one,
  never half of either.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as ``0700``; tighten it if it is looser."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    tighten(path)
    return path


def tighten(path: Path) -> bool:
    """Take group and other permissions off ``path``; True if it had any.

    Only what we own is touched, and a failure (a read-only mount, a file
    someone else owns) is not an error: the data is still usable.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    if not mode & 0o077:
        return False
    with contextlib.suppress(OSError):
        os.chmod(path, stat.S_IMODE(mode) & ~0o077)
        return True
    return False


def write_atomic(path: Path, data: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Replace ``path`` with ``data`` atomically; the file is ``0600``.

    Raises :class:`OSError` (full disk, no permission, a folder in the way);
    the old file, if any, is then untouched and no temporary file is left.
    A ``str`` is written as ``encoding`` with its line ends kept as they are.
    """
    payload = data.encode(encoding) if isinstance(data, str) else data
    with atomic_target(path) as temporary, open(temporary, "wb") as handle:
        handle.write(payload)
    return path


def create_private(path: Path) -> bool:
    """Create ``path`` as an empty ``0600`` file unless it exists; True if created.

    For files another library fills in (SQLite gives its ``-wal`` and
    ``-shm`` files the database file's mode, so the database must start
    private).
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    os.close(descriptor)
    return True


@contextlib.contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """A temporary ``0600`` file beside ``path`` to fill in; it replaces ``path`` at the end.

    For writers that need a file name rather than bytes (SQLite's backup). If
    the block raises, ``path`` is untouched and the temporary file removed.
    """
    folder = path.parent
    import tempfile  # here, not at the top: the read commands never write a file (4 ms)

    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(descriptor)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_dir(folder)


def _sync_dir(folder: Path) -> None:
    """Make the rename itself durable (a no-op where folders can't be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
