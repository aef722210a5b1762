"""The store's one door: every read and write a screen makes, typed.

Screens type against :class:`CallStore` (a Protocol) and import nothing else
from :mod:`callmate.store`; :class:`SqliteCallStore` is the implementation
callmate runs on. A second backend (PostgreSQL) is a second class with the
same methods, chosen by :func:`open_store`: no screen changes.

The SQLite implementation keeps the existing fast paths behind the door:

* the home screen's day and the search read plain ``sqlite3`` on the
  database thread, before SQLAlchemy is loaded (the startup budget);
* a note after Enter is handed to the database thread at once
  (``submit(hand_off=True)``, :meth:`CallStore.save_note_soon`).

Failures: a background write (a tick, a hold, a correction, a recap save)
returns at once; if the database refuses it, :meth:`SqliteCallStore._write`
is the one place that says so, in one line given to ``report`` (the app's
notification), worded ``"<what failed>: <what the database said>"`` without
SQLAlchemy's statement and parameters. An awaited method raises; the
screen's worker shows the error (``CallmateScreen.on_worker_state_changed``)
with the same :func:`failure_line`.

Importing this module is cheap: no SQLAlchemy, pydantic or ``sqlite3``.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from callmate.store.gateway import StoreGateway
from callmate.store.unavailable import NotYours, StoreUnavailable

if TYPE_CHECKING:
    import sqlite3
    from datetime import date, datetime, time

    from callmate.domain.agenda import Agenda, CallSummary, DueStep
    from callmate.domain.closing import CommitmentUpdate
    from callmate.domain.models import (
        Call,
        Connection,
        Contact,
        GoalResult,
        NextStep,
        Note,
        NoteKind,
        Outcome,
        PrepBrief,
        Reason,
    )
    from callmate.domain.promise_record import PromiseRecord
    from callmate.domain.search_hit import SearchHit
    from callmate.domain.stats import Stats, StatsRules
    from callmate.domain.team import OtherRepsCall, RepAgenda
    from callmate.store.database_url import DatabaseUrl
    from callmate.store.repository import Repository

T = TypeVar("T")

__all__ = [
    "CallStore",
    "NotYours",
    "Pending",
    "PostgresCallStore",
    "SqliteCallStore",
    "StoreUnavailable",
    "failure_line",
    "open_store",
    "preload_imports",
]


Pending = Future
"""A write or read already on its way: ``Pending[Note | None]``."""


def failure_line(error: BaseException, doing: str | None = None) -> str:
    """One line for a failed store job: what failed, then what the database said.

    SQLAlchemy's wrapper adds the statement and its parameters: only the
    database's own words (``orig``) are kept. Not yet cleaned for the
    terminal: the notification does that.
    """
    if isinstance(error, StoreUnavailable):
        reason: object = error.message
    else:
        reason = getattr(error, "orig", None) or error
    if doing is None:
        if isinstance(error, StoreUnavailable):
            return error.message
        return f"{type(reason).__name__}: {reason}"
    return f"{doing}: {reason}"


Report = Callable[[str], None]


class CallStore(Protocol):
    """Everything the screens ask of the store. All reads and writes land on
    one database thread, in the order they were asked."""

    loosened: list[Path]
    """Files found readable by other users and made private at start (said once)."""
    unsent: str
    """After :meth:`close`: "" or one line saying which writes did not reach the
    team database (the command prints it once the app is gone)."""

    # -- lifetime -------------------------------------------------------
    def warm_up(self) -> Pending[None]: ...
    def close(self) -> None: ...
    def watch_outbox(self, listener: Callable[[str], None] | None) -> None:
        """``listener(line)`` on the event loop whenever the live call's changes wait
        for the team database ("offline · 12 notes waiting"; "" once sent); None stops."""

    # -- the day, search (no ORM needed) ---------------------------------
    async def needs_upgrade(self) -> bool: ...
    async def live_calls(self) -> list[CallSummary]: ...
    async def agenda(self, today: date, cold_before: datetime) -> Agenda: ...
    async def search(self, query: str) -> list[SearchHit]: ...
    async def timed_steps_due(self, day: date, start: time, end: time) -> list[DueStep]: ...
    async def stats(
        self, since: date, today: date, *, now: datetime, rules: StatsRules | None = None
    ) -> Stats:
        """The review's figures (:mod:`callmate.domain.stats` says what each
        means) for the calls since ``since``; ``today`` the user's local date,
        ``now`` the moment (going cold is measured at it); ``rules`` the
        settings they depend on (None: the defaults). Counted in SQL."""

    # -- reads ------------------------------------------------------------
    async def get_contact(self, contact_id: int) -> Contact: ...
    async def list_contacts(self) -> list[Contact]: ...
    async def get_call(self, call_id: int) -> Call: ...
    async def call_to_resume(self, call_id: int) -> Call: ...
    def preload_resume(self, call_id: int) -> Pending[Call]: ...
    async def prep_brief(self, contact_id: int) -> PrepBrief | None: ...
    async def earlier_open_commitments(self, call_id: int) -> list[Note]: ...
    async def timeline(
        self, contact_id: int, today: date
    ) -> tuple[Contact, list[Call], dict[int, PromiseRecord]]: ...
    async def team_agenda(self, today: date) -> list[RepAgenda]: ...
    async def rep_names(self, call_ids: Sequence[int]) -> dict[int, str]: ...
    async def others_calls(self, call_ids: Sequence[int]) -> dict[int, str]: ...
    async def other_reps_call(self, contact_id: int, since: datetime) -> OtherRepsCall | None: ...

    # -- writes the screen waits for (they raise) --------------------------
    async def start_call(self, call: Call) -> Call: ...
    async def finish_call(
        self,
        call_id: int,
        *,
        outcome: Outcome,
        next_step: NextStep,
        ended_at: datetime,
        reason: Reason | None = None,
        reason_text: str = "",
        goal_result: GoalResult | None = None,
        commitments: Sequence[CommitmentUpdate] = (),
    ) -> Call: ...
    async def save_note(self, call_id: int, note: Note) -> Note: ...
    async def discard_call(self, call_id: int, at: datetime) -> bool: ...
    async def restore_call(self, call_id: int) -> Call: ...
    async def log_attempt(
        self, call_id: int, connection: Connection, next_step: NextStep, at: datetime
    ) -> Call: ...
    async def start_as_attempt(
        self, call: Call, connection: Connection, next_step: NextStep, at: datetime
    ) -> Call: ...
    async def set_promise_done(
        self, call_id: int, note_id: int | None, at: datetime | None
    ) -> None: ...
    async def move_promise(
        self, call_id: int, note_id: int | None, due: date, due_time: time | None
    ) -> bool: ...

    # -- the note after Enter: its screen shows a failure and retries --------
    def save_note_soon(self, call_id: int, note: Note) -> Pending[Note | None]: ...

    # -- background writes: a failure is reported, never lost ---------------
    def set_hold(
        self, call_id: int, *, paused_seconds: int, paused_at: datetime | None
    ) -> Pending[None]: ...
    def update_note(self, note_id: int, kind: NoteKind, text: str) -> Pending[Note]: ...
    def set_note_in_email(self, note_id: int, in_email: bool) -> Pending[None]: ...
    def delete_note(self, note_id: int, at: datetime) -> Pending[None]: ...
    def restore_note(self, note_id: int) -> Pending[None]: ...
    def set_question_asked(self, question_id: int, asked: bool) -> Pending[None]: ...
    def set_research_said(self, research_id: int, said: bool) -> Pending[None]: ...
    def set_commitment_done(self, note_id: int, at: datetime | None) -> Pending[None]: ...
    def save_recap(self, call_id: int, subject: str, body: str) -> Pending[None]: ...


class SqliteCallStore:
    """:class:`CallStore` on one SQLite file, through :class:`StoreGateway`'s thread."""

    def __init__(
        self, db_path: Path, report: Report | None = None, *, gateway: StoreGateway | None = None
    ) -> None:
        self.gateway: StoreGateway = StoreGateway(db_path) if gateway is None else gateway
        self.db_path = db_path
        self.report: Report | None = report
        """Where a background write's failure is said (the app's notification)."""
        self.unsent = ""

    @property
    def loosened(self) -> list[Path]:
        return self.gateway.loosened

    @loosened.setter
    def loosened(self, value: list[Path]) -> None:
        self.gateway.loosened = value

    # -- the gateway's own ways in (tests, tools; not for screens) -----------
    def submit(self, job: Callable[[Repository], T], *, hand_off: bool = False) -> Future[T]:
        return self.gateway.submit(job, hand_off=hand_off)

    async def run(self, job: Callable[[Repository], T]) -> T:
        return await self.gateway.run(job)

    def warm_up(self) -> Future[None]:
        return self.gateway.warm_up()

    def close(self) -> None:
        self.gateway.close()

    def watch_outbox(self, listener: Callable[[str], None] | None) -> None:
        """Nothing waits on SQLite: every write is local."""

    # -- the one place a background write's failure is said -----------------
    def _write(self, job: Callable[[Repository], T], failed: str) -> Future[T]:
        future = self.gateway.submit(job)
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None

        from callmate.domain.text import clean_line

        def done(finished: Future[T]) -> None:
            if finished.cancelled() or finished.exception() is None:
                return
            error = finished.exception()
            assert error is not None
            report, line = self.report, clean_line(failure_line(error, failed))
            if report is None:
                return
            if loop is None:
                report(line)
            else:
                with contextlib.suppress(RuntimeError):  # the loop is closed: nobody to tell
                    loop.call_soon_threadsafe(report, line)

        future.add_done_callback(done)
        return future

    # -- the day, search ---------------------------------------------------
    async def needs_upgrade(self) -> bool:
        """The file on disk is an older version's: the first read will upgrade it."""
        path = self.gateway.db_path

        def older() -> bool:
            import sqlite3

            from callmate.store import migrations

            try:
                return 0 < migrations.schema_version(path) < migrations.LATEST
            except (sqlite3.Error, OSError):
                return False  # the read itself says what is wrong

        return await self.gateway.call(older)

    async def live_calls(self) -> list[CallSummary]:
        from callmate.store import queries

        return await self.gateway.read(queries.live_calls)

    async def agenda(self, today: date, cold_before: datetime) -> Agenda:
        from callmate.store import queries

        return await self.gateway.read(lambda db: queries.agenda(db, today, cold_before))

    async def search(self, query: str) -> list[SearchHit]:
        from callmate.store import text_search

        return await self.gateway.read(lambda db: text_search.search(db, query))

    async def timed_steps_due(self, day: date, start: time, end: time) -> list[DueStep]:
        """Next steps with a time on ``day`` between ``start`` and ``end``."""
        from callmate.store import queries

        return await self.gateway.read(lambda db: queries.timed_steps_due(db, day, start, end))

    async def stats(
        self, since: date, today: date, *, now: datetime, rules: StatsRules | None = None
    ) -> Stats:
        """The review's figures, counted in SQL on the database thread without
        SQLAlchemy (:func:`callmate.store.stats_queries.stats`); on the team
        database (a :class:`PostgresCallStore`) the same queries through its
        :class:`~callmate.store.queries.PgReads`, the user's own calls."""
        from callmate.domain.stats import DEFAULT_RULES
        from callmate.store import stats_queries

        chosen = DEFAULT_RULES if rules is None else rules
        return await self.gateway.read(
            lambda db: stats_queries.stats(db, since, today, now, chosen)
        )

    # -- reads ---------------------------------------------------------------
    async def get_contact(self, contact_id: int) -> Contact:
        return await self.gateway.run(lambda repo: repo.get_contact(contact_id))

    async def list_contacts(self) -> list[Contact]:
        return await self.gateway.run(lambda repo: repo.list_contacts())

    async def get_call(self, call_id: int) -> Call:
        return await self.gateway.run(lambda repo: repo.get_call(call_id))

    def preload_resume(self, call_id: int) -> Future[Call]:
        from callmate.store.resume import call_to_resume

        return self.gateway.submit(lambda repo: call_to_resume(repo, call_id))

    async def call_to_resume(self, call_id: int) -> Call:
        from callmate.store.resume import call_to_resume

        return await self.gateway.run(lambda repo: call_to_resume(repo, call_id))

    async def prep_brief(self, contact_id: int) -> PrepBrief | None:
        return await self.gateway.run(lambda repo: repo.prep_brief(contact_id))

    async def earlier_open_commitments(self, call_id: int) -> list[Note]:
        return await self.gateway.run(lambda repo: repo.earlier_open_commitments(call_id))

    async def timeline(
        self, contact_id: int, today: date
    ) -> tuple[Contact, list[Call], dict[int, PromiseRecord]]:
        def job(repo: Repository) -> tuple[Contact, list[Call], dict[int, PromiseRecord]]:
            contact, calls = repo.timeline(contact_id)
            return contact, calls, repo.promise_records([contact_id], today)

        return await self.gateway.run(job)

    async def team_agenda(self, today: date) -> list[RepAgenda]:
        """Everyone's overdue promises, by rep (the team database; none on SQLite)."""
        return await self.gateway.run(lambda repo: repo.team_agenda(today))

    async def rep_names(self, call_ids: Sequence[int]) -> dict[int, str]:
        """Per call, the rep who made it (the team database; none on SQLite)."""
        return await self.gateway.run(lambda repo: repo.rep_names(call_ids))

    async def others_calls(self, call_ids: Sequence[int]) -> dict[int, str]:
        """Of ``call_ids``, those another rep made, with their name: only they may
        change them (the team database; none on SQLite)."""
        return await self.gateway.run(lambda repo: repo.others_calls(call_ids))

    async def other_reps_call(self, contact_id: int, since: datetime) -> OtherRepsCall | None:
        """Another rep's newest conversation with the contact since ``since`` (the
        team database; none on SQLite): what planning a call says first."""
        return await self.gateway.run(lambda repo: repo.other_reps_call(contact_id, since))

    # -- writes the screen waits for ----------------------------------------
    async def start_call(self, call: Call) -> Call:
        return await self.gateway.run(lambda repo: repo.start_call(call))

    async def finish_call(
        self,
        call_id: int,
        *,
        outcome: Outcome,
        next_step: NextStep,
        ended_at: datetime,
        reason: Reason | None = None,
        reason_text: str = "",
        goal_result: GoalResult | None = None,
        commitments: Sequence[CommitmentUpdate] = (),
    ) -> Call:
        return await self.gateway.run(
            lambda repo: repo.finish_call(
                call_id,
                outcome=outcome,
                next_step=next_step,
                ended_at=ended_at,
                reason=reason,
                reason_text=reason_text,
                goal_result=goal_result,
                commitments=commitments,
            )
        )

    async def save_note(self, call_id: int, note: Note) -> Note:
        return await self.gateway.run(lambda repo: repo.save_note(call_id, note))

    async def discard_call(self, call_id: int, at: datetime) -> bool:
        return await self.gateway.run(lambda repo: repo.discard_call(call_id, at))

    async def restore_call(self, call_id: int) -> Call:
        return await self.gateway.run(lambda repo: repo.restore_call(call_id))

    async def log_attempt(
        self, call_id: int, connection: Connection, next_step: NextStep, at: datetime
    ) -> Call:
        return await self.gateway.run(
            lambda repo: repo.log_attempt(call_id, connection, next_step, at)
        )

    async def start_as_attempt(
        self, call: Call, connection: Connection, next_step: NextStep, at: datetime
    ) -> Call:
        """Store a planned call and, in the same job, log it as an attempt."""

        def job(repo: Repository) -> Call:
            started = repo.start_call(call)
            assert started.id is not None
            return repo.log_attempt(started.id, connection, next_step, at)

        return await self.gateway.run(job)

    async def set_promise_done(
        self, call_id: int, note_id: int | None, at: datetime | None
    ) -> None:
        """Mark a promise kept (``at``) or open again (None): the call's next
        step when ``note_id`` is None, else that commitment note."""

        def job(repo: Repository) -> None:
            if note_id is None:
                repo.mark_step_done(call_id, at)
            else:
                repo.set_commitment_done(note_id, at)

        await self.gateway.run(job)

    async def move_promise(
        self, call_id: int, note_id: int | None, due: date, due_time: time | None
    ) -> bool:
        """Move a promise; False when it was kept or removed meanwhile."""

        def job(repo: Repository) -> bool:
            if note_id is None:
                repo.reschedule_step(call_id, due, due_time)
                return True
            return repo.reschedule_commitment(note_id, due, due_time)

        return await self.gateway.run(job)

    # -- the note after Enter -----------------------------------------------
    def save_note_soon(self, call_id: int, note: Note) -> Future[Note | None]:
        """Queue the note now, ahead of the drawing (``hand_off``).

        It is checked (cleaned, trimmed, cut to fit) on the database thread:
        a text that is empty once cleaned comes back as None. A failure is
        the caller's to show: it keeps the note and retries.
        """

        def job(repo: Repository) -> Note | None:
            from pydantic import ValidationError

            from callmate.domain.models import Note

            try:
                checked = Note.model_validate(note.model_dump())
            except ValidationError:
                return None
            return repo.save_note(call_id, checked)

        return self.gateway.submit(job, hand_off=True)  # the disk starts before the drawing

    # -- background writes ---------------------------------------------------
    def set_hold(
        self, call_id: int, *, paused_seconds: int, paused_at: datetime | None
    ) -> Future[None]:
        return self._write(
            lambda repo: repo.set_hold(call_id, paused_seconds=paused_seconds, paused_at=paused_at),
            "The hold could not be saved",
        )

    def update_note(self, note_id: int, kind: NoteKind, text: str) -> Future[Note]:
        return self._write(
            lambda repo: repo.update_note(note_id, kind, text),
            "The corrected note could not be saved",
        )

    def set_note_in_email(self, note_id: int, in_email: bool) -> Future[None]:
        return self._write(
            lambda repo: repo.set_note_in_email(note_id, in_email),
            "The note's place in the email could not be saved",
        )

    def delete_note(self, note_id: int, at: datetime) -> Future[None]:
        return self._write(
            lambda repo: repo.delete_note(note_id, at), "The note could not be deleted"
        )

    def restore_note(self, note_id: int) -> Future[None]:
        return self._write(
            lambda repo: repo.restore_note(note_id), "The note could not be brought back"
        )

    def set_question_asked(self, question_id: int, asked: bool) -> Future[None]:
        return self._write(
            lambda repo: repo.set_question_asked(question_id, asked),
            "The question's tick could not be saved",
        )

    def set_research_said(self, research_id: int, said: bool) -> Future[None]:
        return self._write(
            lambda repo: repo.set_research_said(research_id, said), "The tick could not be saved"
        )

    def set_commitment_done(self, note_id: int, at: datetime | None) -> Future[None]:
        return self._write(
            lambda repo: repo.set_commitment_done(note_id, at), "The promise could not be marked"
        )

    def save_recap(self, call_id: int, subject: str, body: str) -> Future[None]:
        return self._write(
            lambda repo: repo.save_recap(call_id, subject, body), "The recap could not be saved"
        )


def preload_imports() -> None:
    """Import what resuming a call reads with (off the event loop, ahead of need)."""
    import callmate.store.resume  # noqa: F401


def open_store(
    db_path: Path, report: Report | None = None, *, team: DatabaseUrl | None = None
) -> SqliteCallStore:
    """The store callmate runs on: SQLite at ``db_path``, or the team database
    (PostgreSQL) when ``team`` is given (what
    :func:`callmate.store.database_url.configured` found: ``--database-url``,
    ``$CALLMATE_DATABASE_URL`` or settings.toml)."""
    if team is not None:
        return PostgresCallStore(team, db_path, report)
    return SqliteCallStore(db_path, report)


EXIT_WAIT = 2.0
"""At close, the longest the team database's thread is waited for (seconds): the
pushes queued by the last writes, when the server answers. A server that doesn't
(a VPN gone: a connect waits out its 10 s timeout) is not waited for: what waits
stays in the outbox and the next start pushes it."""


CLOSE_STEP = 0.25
"""At close, how often the team's own writes still queued are looked at (seconds)."""


class _DaemonWorker(Executor):
    """One daemon thread running jobs in the order they were submitted: the team
    database's thread.

    Not a ``ThreadPoolExecutor``, whose threads the interpreter joins at exit:
    a push connecting to a server that doesn't answer would hold callmate's
    exit for the connect timeout. A push cut short by the exit loses nothing:
    its team transaction is never committed and the outbox's flags are
    cleared only after a commit (:func:`callmate.store.outbox.push_batch`).
    """

    def __init__(self, name: str) -> None:
        import queue

        self._jobs: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = (
            queue.SimpleQueue()
        )
        self._lock = threading.Lock()
        self._shut = False
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            if self._shut:
                raise RuntimeError("cannot schedule new futures after shutdown")
            self._jobs.put((future, lambda: fn(*args, **kwargs)))
            if not self._thread.is_alive() and self._thread.ident is None:
                self._thread.start()
        return future

    def _work(self) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            future, job = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = job()
            except BaseException as error:  # as concurrent.futures does: the caller's
                future.set_exception(error)
            else:
                future.set_result(result)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.stop()
        if wait:
            self.join(None)

    def stop(self) -> None:
        """No more jobs; those queued still run."""
        with self._lock:
            if not self._shut:
                self._shut = True
                self._jobs.put(None)

    def join(self, timeout: float | None) -> bool:
        """Wait for the queued jobs, at most ``timeout`` seconds; whether they are done."""
        if self._thread.ident is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()


class _TeamGateway(StoreGateway):
    """:class:`StoreGateway` (one database thread, jobs in order) on the team database.

    The repository is :meth:`Repository.open_url`'s; a read job is handed the
    same sqlite3-shaped connection the repository's reads use
    (:class:`callmate.store.queries.PgReads`), so the home screen's queries
    run as written. A failure to reach the server, or a schema that is not
    current, fails the job with :class:`StoreUnavailable` carrying one line
    (the host, what failed, or the command to run; never the password).
    """

    def __init__(self, url: DatabaseUrl, db_path: Path) -> None:
        super().__init__(db_path)
        self.url = url
        self._executor = self._worker = _DaemonWorker("callmate-team")
        self._count_lock = threading.Lock()
        self._unfinished = 0
        self._closing = False
        self.failed_at_close = 0
        """Jobs that failed once closing began: nobody is there to be told."""

    def submit(self, job: Callable[[Repository], T], *, hand_off: bool = False) -> Future[T]:
        """Also counted until done: the team's own writes (a recap, a tick on an
        earlier call) are not in the outbox, so close waits for them."""
        future = super().submit(job, hand_off=hand_off)
        with self._count_lock:
            self._unfinished += 1
        future.add_done_callback(self._finished)
        return future

    def _finished(self, future: Future[Any]) -> None:
        with self._count_lock:
            self._unfinished -= 1
            if self._closing and (future.cancelled() or future.exception() is not None):
                self.failed_at_close += 1

    def unfinished(self) -> int:
        """Jobs (the pushes aside) queued or running."""
        with self._count_lock:
            return self._unfinished

    def close_within(self, timeout: float) -> bool:
        """Finish the queued jobs, waiting at most ``timeout`` seconds; then release
        the database. False when the thread is still busy (a connect the server
        doesn't answer): it is left to end on its own, or with the process."""
        with self._count_lock:
            self._closing = True
        self._worker.stop()
        if not self._worker.join(timeout):
            return False
        super().close()
        return True

    def _guarded(self, job: Callable[[], T]) -> T:
        from callmate.store.database_url import DatabaseUnavailable, connection_problem

        try:
            return job()
        except DatabaseUnavailable as error:
            raise StoreUnavailable(self.url.scrub(str(error)), kind="team") from None
        except Exception as error:
            from sqlalchemy.exc import DBAPIError, OperationalError

            lost = isinstance(error, DBAPIError) and error.connection_invalidated
            if lost or isinstance(error, OperationalError):  # the server, not the statement
                raise StoreUnavailable(connection_problem(error, self.url), kind="team") from None
            raise

    def _repo(self) -> Repository:
        if self._repository is None:
            from callmate.store.repository import Repository

            self._repository = Repository.open_url(self.url)
        return self._repository

    async def read(self, job: Callable[[sqlite3.Connection], T]) -> T:
        def run() -> T:
            from callmate.store.queries import PgReads

            with self._repo().engine.connect() as connection:
                return job(cast("sqlite3.Connection", PgReads(connection)))

        future = self._executor.submit(self._guarded, run)
        self._last = future
        return await asyncio.shield(asyncio.wrap_future(future))


class _OutboxGateway(StoreGateway):
    """The outbox's database thread (:mod:`callmate.store.outbox`): the file is
    made an outbox when first opened, and each job is followed by a push."""

    def __init__(self, db_path: Path, after: Callable[[Repository], None]) -> None:
        super().__init__(db_path)
        self._after = after

    def _repo(self) -> Repository:
        if self._repository is None:
            from callmate.store import outbox

            repository = super()._repo()
            outbox.prepare(repository.engine)
            return repository
        return self._repository

    def submit(self, job: Callable[[Repository], T], *, hand_off: bool = False) -> Future[T]:
        def then_push(repo: Repository) -> T:
            result = job(repo)
            self._after(repo)
            return result

        return super().submit(then_push, hand_off=hand_off)


class PostgresCallStore(SqliteCallStore):
    """:class:`CallStore` on the team database (PostgreSQL): every method as
    :class:`SqliteCallStore`'s, through a :class:`_TeamGateway`, except those
    that read the SQLite file itself, and a live call's writes.

    A live call is written to the outbox (``outbox.db`` in the data dir) and
    pushed in the background (:mod:`callmate.store.outbox`): typing and Enter
    never wait on the server, and a server out of reach only makes the changes
    wait. Rows made there have ids above :data:`~callmate.store.outbox.LOCAL_IDS`;
    each method goes where its id points.
    """

    def __init__(self, url: DatabaseUrl, db_path: Path, report: Report | None = None) -> None:
        from callmate.store import outbox

        self.gateway = self._team = _TeamGateway(url, db_path)
        self.db_path = db_path
        self.report = report
        self.unsent = ""
        self.url = url
        team = self.gateway
        self.pusher = outbox.Pusher(
            outbox.outbox_path(db_path),
            lambda job: team._executor.submit(job),
            team._repo,
            self._say,
        )
        path = outbox.outbox_path(db_path)
        self.outbox = SqliteCallStore(path, report, gateway=_OutboxGateway(path, self._written))
        """The live calls' store: SQLite, each write followed by a push."""

    # -- the outbox ----------------------------------------------------------
    def _written(self, repo: Repository) -> None:
        """After each outbox job, on its thread: count what waits (only while it
        can't be sent: the header says so) and push."""
        if self.pusher.state.problem:
            from callmate.store.outbox import waiting

            with repo.engine.connect() as connection:
                self.pusher.counted(*waiting(connection))
        self.pusher.kick()

    def _say(self, line: str) -> None:
        from callmate.domain.text import clean_line

        if self.report is not None:
            self._soon(self.report, clean_line(line))

    def _soon(self, function: Callable[[T], object], value: T) -> None:
        loop = self._loop
        if loop is None:
            function(value)
        else:
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody to tell
                loop.call_soon_threadsafe(function, value)

    _loop: asyncio.AbstractEventLoop | None = None

    def watch_outbox(self, listener: Callable[[str], None] | None) -> None:
        if listener is None:
            self.pusher.listener = None
            return
        self._loop = asyncio.get_running_loop()
        self.pusher.listener = lambda state: self._soon(listener, state.line)
        listener(self.pusher.state.line)

    def warm_up(self) -> Future[None]:
        """Also push what waited in the outbox (a call cut short, offline, by a kill)."""
        with contextlib.suppress(RuntimeError):
            self._loop = asyncio.get_running_loop()
        started = super().warm_up()
        self.pusher.kick()
        return started

    def close(self) -> None:
        """Prompt, whether the team database answers or not: the outbox's last
        writes are on disk, the pushes they queued run while the server answers
        (at most :data:`EXIT_WAIT`, and a backlog only to the end of its batch;
        none is tried once it was found out of reach), and whatever did not reach
        it waits in the outbox for the next start.

        The team's own writes queued meanwhile (a recap, a tick on an earlier
        call: not in the outbox) are waited for, without that limit, until the
        pusher finds the server out of reach; those it then gives up on, or that
        fail, are counted in :attr:`unsent` (the command says so on exit)."""
        self.outbox.close()  # its last writes, each followed by a push queued
        self.pusher.close()
        done = self._team.close_within(EXIT_WAIT)  # the queued pushes run
        while not done and self._team.unfinished() and self.pusher.state.problem != "offline":
            done = self._team.close_within(CLOSE_STEP)
        if done:
            self.pusher.release()
        lost = self._team.unfinished() + self._team.failed_at_close
        if lost:
            self.unsent = (
                f"{lost} change{'' if lost == 1 else 's'} to earlier calls did not"
                " reach the team database before callmate closed"
            )

    def _team_id(self, local_id: int, table: str) -> Future[int | None]:
        """The team database's id of the outbox's call or contact ``local_id``
        (by uuid; None when it is not there yet), on the team thread: after the
        pushes queued before it."""

        def job(repo: Repository) -> int | None:
            from sqlalchemy import text

            local = self.pusher.outbox()  # the team thread's own connection to the outbox
            if local is None:
                return None
            if table == "contacts":  # planned by name: a uuid of its own, the push's rule
                from callmate.store.outbox import find_team_contact

                with local.engine.connect() as db:
                    row = db.execute(
                        text("SELECT uuid, name, company, email FROM contacts WHERE id = :id"),
                        {"id": local_id},
                    ).one_or_none()
                if row is None:
                    return None
                with repo.engine.connect() as connection:
                    return find_team_contact(connection, row[0], row[1], row[2], row[3])
            with local.engine.connect() as db:
                uuid = db.execute(
                    text(f"SELECT uuid FROM {table} WHERE id = :id"), {"id": local_id}
                ).scalar()
            with repo.engine.connect() as connection:
                found = connection.execute(
                    text(f"SELECT id FROM {table} WHERE uuid = :uuid"), {"uuid": uuid}
                ).scalar()
            return None if found is None else int(found)

        return self.gateway.submit(job)

    # -- reads ---------------------------------------------------------------
    async def needs_upgrade(self) -> bool:
        """Never upgraded from the app: an outdated team schema is refused with
        the command to run (``callmate db upgrade``), and nothing is changed."""
        return False

    async def search(self, query: str) -> list[SearchHit]:
        return await self.gateway.run(lambda repo: repo.search(query))

    async def get_contact(self, contact_id: int) -> Contact:
        if _local(contact_id):
            return await self.outbox.get_contact(contact_id)
        return await super().get_contact(contact_id)

    async def get_call(self, call_id: int) -> Call:
        if _local(call_id):
            return await self.outbox.get_call(call_id)
        return await super().get_call(call_id)

    # A call to resume is read from the outbox, where its writes go: one the
    # team database holds is copied there first (by uuid, once).
    def preload_resume(self, call_id: int) -> Future[Call]:
        if _local(call_id):
            return self.outbox.preload_resume(call_id)
        team_call = self.gateway.submit(lambda repo: repo.get_call(call_id))

        def adopt(repo: Repository) -> Call:
            from callmate.store import outbox
            from callmate.store.resume import call_to_resume

            local = outbox.adopt(repo, team_call.result())
            self.pusher.keep.add(local)
            return call_to_resume(repo, local)

        return self.outbox.gateway.submit(adopt)

    async def call_to_resume(self, call_id: int) -> Call:
        return await asyncio.shield(asyncio.wrap_future(self.preload_resume(call_id)))

    async def prep_brief(self, contact_id: int) -> PrepBrief | None:
        if _local(contact_id):
            team_id = await asyncio.wrap_future(self._team_id(contact_id, "contacts"))
            if team_id is None:
                return None
            contact_id = team_id
        return await super().prep_brief(contact_id)

    async def earlier_open_commitments(self, call_id: int) -> list[Note]:
        if _local(call_id):
            team_id = await asyncio.wrap_future(self._team_id(call_id, "calls"))
            if team_id is None:
                return []
            call_id = team_id
        return await super().earlier_open_commitments(call_id)

    async def timeline(
        self, contact_id: int, today: date
    ) -> tuple[Contact, list[Call], dict[int, PromiseRecord]]:
        if _local(contact_id):
            team_id = await asyncio.wrap_future(self._team_id(contact_id, "contacts"))
            if team_id is None:
                return await self.outbox.timeline(contact_id, today)
            contact_id = team_id
        return await super().timeline(contact_id, today)

    # -- a live call's writes: to the outbox ------------------------------------
    async def start_call(self, call: Call) -> Call:
        from callmate.store import outbox

        def job(repo: Repository) -> Call:
            started = outbox.start_call(repo, call)
            assert started.id is not None
            self.pusher.keep.add(started.id)
            return started

        return await self.outbox.run(job)

    async def start_as_attempt(
        self, call: Call, connection: Connection, next_step: NextStep, at: datetime
    ) -> Call:
        from callmate.store import outbox

        def job(repo: Repository) -> Call:
            started = outbox.start_call(repo, call)
            assert started.id is not None
            self.pusher.keep.add(started.id)
            return repo.log_attempt(started.id, connection, next_step, at)

        return await self.outbox.run(job)

    def _store(self, row_id: int | None) -> SqliteCallStore:
        """Where a write of ``row_id`` goes: the outbox, or the team database."""
        return self.outbox if _local(row_id) else cast(SqliteCallStore, super())

    async def finish_call(
        self,
        call_id: int,
        *,
        outcome: Outcome,
        next_step: NextStep,
        ended_at: datetime,
        reason: Reason | None = None,
        reason_text: str = "",
        goal_result: GoalResult | None = None,
        commitments: Sequence[CommitmentUpdate] = (),
    ) -> Call:
        return await self._store(call_id).finish_call(
            call_id,
            outcome=outcome,
            next_step=next_step,
            ended_at=ended_at,
            reason=reason,
            reason_text=reason_text,
            goal_result=goal_result,
            commitments=commitments,
        )

    async def save_note(self, call_id: int, note: Note) -> Note:
        return await self._store(call_id).save_note(call_id, note)

    async def discard_call(self, call_id: int, at: datetime) -> bool:
        return await self._store(call_id).discard_call(call_id, at)

    async def restore_call(self, call_id: int) -> Call:
        """A call set aside: brought back where it is; a team call the outbox
        also holds (set aside during a call here) is brought back there too,
        so that resuming it finds it live."""
        if _local(call_id):
            return await self.outbox.restore_call(call_id)
        restored = await super().restore_call(call_id)

        def job(repo: Repository) -> None:
            from callmate.store import outbox

            local = outbox.find(repo, restored.uuid)
            if local is not None:
                repo.restore_call(local)

        await self.outbox.run(job)
        return restored

    async def log_attempt(
        self, call_id: int, connection: Connection, next_step: NextStep, at: datetime
    ) -> Call:
        return await self._store(call_id).log_attempt(call_id, connection, next_step, at)

    async def set_promise_done(
        self, call_id: int, note_id: int | None, at: datetime | None
    ) -> None:
        await self._store(call_id).set_promise_done(call_id, note_id, at)

    async def move_promise(
        self, call_id: int, note_id: int | None, due: date, due_time: time | None
    ) -> bool:
        return await self._store(call_id).move_promise(call_id, note_id, due, due_time)

    def save_note_soon(self, call_id: int, note: Note) -> Future[Note | None]:
        return self._store(call_id).save_note_soon(call_id, note)

    def set_hold(
        self, call_id: int, *, paused_seconds: int, paused_at: datetime | None
    ) -> Future[None]:
        return self._store(call_id).set_hold(
            call_id, paused_seconds=paused_seconds, paused_at=paused_at
        )

    def update_note(self, note_id: int, kind: NoteKind, text: str) -> Future[Note]:
        return self._store(note_id).update_note(note_id, kind, text)

    def set_note_in_email(self, note_id: int, in_email: bool) -> Future[None]:
        return self._store(note_id).set_note_in_email(note_id, in_email)

    def delete_note(self, note_id: int, at: datetime) -> Future[None]:
        return self._store(note_id).delete_note(note_id, at)

    def restore_note(self, note_id: int) -> Future[None]:
        return self._store(note_id).restore_note(note_id)

    def set_question_asked(self, question_id: int, asked: bool) -> Future[None]:
        return self._store(question_id).set_question_asked(question_id, asked)

    def set_research_said(self, research_id: int, said: bool) -> Future[None]:
        return self._store(research_id).set_research_said(research_id, said)

    def set_commitment_done(self, note_id: int, at: datetime | None) -> Future[None]:
        return self._store(note_id).set_commitment_done(note_id, at)

    def save_recap(self, call_id: int, subject: str, body: str) -> Future[None]:
        return self._store(call_id).save_recap(call_id, subject, body)


def _local(row_id: int | None) -> bool:
    from callmate.store.outbox import is_local

    return is_local(row_id)


def _typecheck(store: SqliteCallStore) -> CallStore:
    return store  # mypy proves the SQLite store is a CallStore
