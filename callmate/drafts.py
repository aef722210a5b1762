"""Plan drafts on disk: ``drafts/<key>.json`` in the data folder.

Written whole or not at all (:func:`callmate.files.write_atomic`), private,
and never on the UI's event loop: every write and removal goes to one
background thread, in the order asked, so an older draft can never land after
a newer one. A read first waits for the writes already asked for, so leaving
the plan screen and coming straight back always finds the latest draft.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from callmate.domain.drafts import PlanDraft
from callmate.files import private_dir, write_atomic

FOLDER = "drafts"

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_last: Future[None] | None = None


def _submit(job: Callable[[], None]) -> Future[None]:
    global _executor, _last
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="callmate-drafts")
        _last = _executor.submit(job)
        return _last


def wait_for_writes(timeout: float = 5.0) -> None:
    """Block until the writes asked for so far are on disk (or have failed)."""
    with _lock:
        last = _last
    if last is not None:
        with contextlib.suppress(Exception):
            last.result(timeout)


atexit.register(wait_for_writes)


class PlanDrafts:
    """The drafts of one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = data_dir / FOLDER

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def read(self, key: str) -> PlanDraft | None:
        """The draft kept under ``key``; None if there is none or it can't be read.

        A file that can't be read or understood is moved aside (``.broken``),
        not deleted and not later written over: it may still hold something
        the user wants.
        """
        wait_for_writes(timeout=1.0)  # then, at worst, an older draft: still a draft
        path = self.path(key)
        try:
            return PlanDraft.from_json(path.read_text(encoding="utf-8"))
        except OSError:
            # Not readable just now (permissions, I/O): leave it be, it may be fine
            # next time. Only a file that was read and makes no sense is set aside.
            return None
        except ValueError:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            with contextlib.suppress(OSError):
                path.replace(path.with_name(f"{path.stem}.{stamp}.broken"))
            return None

    def write(self, key: str, draft: PlanDraft) -> None:
        """Replace the draft now (on the calling thread); raises OSError."""
        write_atomic(private_dir(self.folder) / f"{key}.json", draft.to_json())

    def remove(self, key: str) -> None:
        """Forget the draft now (on the calling thread); a missing one is no error."""
        with contextlib.suppress(FileNotFoundError):
            self.path(key).unlink()

    def save_later(self, key: str, draft: PlanDraft) -> Future[None]:
        """Write on the drafts thread; the future holds any OSError."""
        return _submit(lambda: self.write(key, draft))

    def remove_later(self, key: str) -> Future[None]:
        return _submit(lambda: self.remove(key))
