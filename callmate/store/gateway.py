"""One thread owns the database; the UI only awaits it.

All reads and writes go through a single worker thread, so writes land in the
order the user made them, no SQLite connection is shared across threads, and
the event loop never waits on disk. The repository (and with it SQLAlchemy)
is created on that thread on first use, after the first frame is drawn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from callmate.store.repository import Repository

T = TypeVar("T")


class StoreGateway:
    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="callmate-db")
        self._repository: Repository | None = None

    def _repo(self) -> Repository:
        if self._repository is None:
            from callmate.store.repository import Repository

            self._repository = Repository.open(self.db_path)
        return self._repository

    def submit(self, job: Callable[[Repository], T]) -> Future[T]:
        """Queue ``job(repository)`` behind every job already queued."""
        return self._executor.submit(lambda: job(self._repo()))

    async def run(self, job: Callable[[Repository], T]) -> T:
        return await asyncio.wrap_future(self.submit(job))

    def close(self) -> None:
        """Finish every queued write, then release the database."""
        self._executor.shutdown(wait=True)
        if self._repository is not None:
            self._repository.close()
            self._repository = None
