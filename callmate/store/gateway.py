"""One thread owns the database; the UI only awaits it.

All reads and writes go through a single worker thread, so writes land in the
order the user made them, no SQLite connection is shared across threads, and
the event loop never waits on disk (but for a typed note's commit, given at
most :data:`HAND_OFF_WAIT`: see :meth:`StoreGateway.submit`).

Two ways in, on that same thread:

* :meth:`StoreGateway.read` hands a job a plain ``sqlite3`` connection: the
  home screen's first data is read this way, before SQLAlchemy is loaded.
* :meth:`StoreGateway.submit` / :meth:`run` hand a job the repository; the
  first such job imports SQLAlchemy (about 250 ms), which is why
  :meth:`warm_up` starts that once the first screen is filled in.

A database that can't be used (not a database, damaged, read-only, a full
disk) fails each job with :class:`~callmate.store.errors.StoreUnavailable`,
whose message says what is wrong and what to do.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import sqlite3

    from callmate.store.repository import Repository

T = TypeVar("T")

HAND_OFF_WAIT = 0.003
"""The longest the caller of ``submit(..., hand_off=True)`` waits for the job to
finish (seconds). A note's commit, its WAL fsync included, takes about 1 ms on
an SSD; on a slower disk the caller goes on after this, by which time SQLite
has long been writing without the GIL, so the row reaches the disk as soon."""


class StoreGateway:
    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._executor: Executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="callmate-db"
        )
        self._repository: Repository | None = None
        self._reader: sqlite3.Connection | None = None
        self._last: Future[Any] | None = None
        """The job queued last: once it is done, the database thread is idle."""
        self.loosened: list[Path] = []
        """What was found readable by other users and made private as callmate
        started (:func:`callmate.locations.make_private`, run by the ``callmate``
        command); the home screen says so once."""

    # -- on the database thread ---------------------------------------------
    def _guarded(self, job: Callable[[], T]) -> T:
        """Run ``job``; a storage failure becomes :class:`StoreUnavailable` with its message."""
        from callmate.store.errors import storage_errors

        with storage_errors(self.db_path):
            return job()

    def _repo(self) -> Repository:
        if self._repository is None:
            from callmate.store.repository import Repository

            self._repository = Repository.open(self.db_path)
        return self._repository

    def _raw(self) -> sqlite3.Connection:
        if self._reader is None:
            import sqlite3  # here, on the database thread, after the first frame

            from callmate.store import migrations

            reader: sqlite3.Connection | None = None
            if self.db_path.exists():
                # One connection reads the version and then the day: the
                # usual start (schema current) opens the file once.
                reader = sqlite3.connect(self.db_path)
                try:
                    version = reader.execute("PRAGMA user_version").fetchone()[0]
                    current = int(version) == migrations.LATEST
                except BaseException:
                    reader.close()
                    raise
                if not current:
                    reader.close()
                    reader = None
            if reader is None:
                if not self.db_path.parent.is_dir():
                    self.db_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                migrations.upgrade(self.db_path)
                reader = sqlite3.connect(self.db_path)
            try:
                reader.execute("PRAGMA busy_timeout=5000")
                reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except BaseException:
                reader.close()
                raise
            self._reader = reader
        return self._reader

    # -- from anywhere -------------------------------------------------------
    def submit(self, job: Callable[[Repository], T], *, hand_off: bool = False) -> Future[T]:
        """Queue ``job(repository)`` behind every job already queued.

        ``hand_off``: a write the user waits on (a note after Enter), queued
        by the event loop just before it goes on to draw for milliseconds.
        The database thread needs the GIL to run the job, and a thread that
        asks for it while another runs Python waits out a switch interval
        (5 ms): longer than the commit itself. Python's ``sqlite3`` lets go of
        the GIL and takes it back *before* it starts the statement (around
        ``sqlite3_bind_parameter_count``), so handing over only until the job
        has started is not enough: the event loop takes the GIL there and
        the INSERT waits for it while the loop draws. So when the database
        thread is idle, the caller blocks until the job is done (the commit
        is on disk), at most :data:`HAND_OFF_WAIT`, as a plain ``sqlite3``
        program would wait for its commit; on a slow disk it goes on after
        that, the write well under way. Behind other jobs it would only wait,
        so it doesn't.
        """
        last = self._last
        if not hand_off or (last is not None and not last.done()):
            future = self._executor.submit(self._guarded, lambda: job(self._repo()))
            self._last = future
            return future
        finished = threading.Event()

        def run() -> T:
            try:
                return self._guarded(lambda: job(self._repo()))
            finally:
                finished.set()

        future = self._executor.submit(run)
        self._last = future
        finished.wait(HAND_OFF_WAIT)
        return future

    async def run(self, job: Callable[[Repository], T]) -> T:
        # Shielded: the UI may stop waiting (a screen closes), the job still runs.
        return await asyncio.shield(asyncio.wrap_future(self.submit(job)))

    async def read(self, job: Callable[[sqlite3.Connection], T]) -> T:
        """Run a read-only ``job(sqlite3_connection)``: no SQLAlchemy needed."""
        future = self._executor.submit(self._guarded, lambda: job(self._raw()))
        self._last = future
        return await asyncio.shield(asyncio.wrap_future(future))

    async def call(self, job: Callable[[], T]) -> T:
        """Run ``job()`` on the database thread, as it is (no connection, no guard)."""
        future = self._executor.submit(job)
        self._last = future
        return await asyncio.shield(asyncio.wrap_future(future))

    def warm_up(self) -> Future[None]:
        """Load the repository (SQLAlchemy, the models) before it is first needed."""
        return self.submit(lambda _repo: None)

    def close(self) -> None:
        """Finish every queued write, then release the database."""
        self._executor.shutdown(wait=True)
        if self._repository is not None:
            self._repository.close()
            self._repository = None
        if self._reader is not None:
            # The reader was made on the (now finished) database thread.
            self._reader = None
