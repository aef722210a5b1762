"""Intent-named database operations. Each method is one short transaction.

Every write commits before it returns (WAL, ``synchronous=FULL``): once
``save_note`` is back, the note survives ``kill -9`` and a power cut.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import Engine, Select, create_engine, event, func, insert, select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

from callmate.domain.agenda import Agenda, CallSummary, ColdContact, DueStep
from callmate.domain.models import (
    Call,
    CallStatus,
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
from callmate.domain.text import clean, clean_line
from callmate.store import converters, migrations, queries, text_search
from callmate.store.errors import storage_errors
from callmate.store.schema import CallRow, ContactRow, NoteRow, QuestionRow, ResearchRow
from callmate.store.stable_ids import new_uuid

if TYPE_CHECKING:  # the closing rules (and their date grammar) load with the closing screen
    from callmate.domain.closing import CommitmentUpdate
    from callmate.domain.team import OtherRepsCall, RepAgenda, TeamUser
    from callmate.store.database_url import DatabaseUrl

T = TypeVar("T")

WHOLE_CALL = (
    selectinload(CallRow.contact),
    selectinload(CallRow.questions),
    selectinload(CallRow.notes),
    selectinload(CallRow.research),
    selectinload(CallRow.moves),
)
"""Loader options for reading calls with everything they hold, in one round each."""


def _open_commitments_of(calls: Any) -> Select[NoteRow]:
    """The open "we owe" / "they owe" notes of ``calls`` (ids, or a subquery of them)."""
    return select(NoteRow).where(
        NoteRow.call_id.in_(calls),
        NoteRow.kind.in_([NoteKind.OURS.value, NoteKind.THEIRS.value]),
        NoteRow.done_at.is_(None),
        NoteRow.deleted_at.is_(None),
    )


class CallNotFoundError(LookupError):
    pass


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(path: Path) -> Engine:
    # The busy wait is set before the first statement runs (pysqlite's
    # ``timeout``), so a connection made while another callmate writes waits
    # for it instead of failing with "database is locked".
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def ensure_schema(path: Path) -> None:
    """Migrate if (and only if) the file is behind; the check is one PRAGMA."""
    if migrations.schema_version(path) != migrations.LATEST:
        migrations.upgrade(path)


_INSERT_NOTE = (
    "INSERT INTO notes (call_id, kind, text, offset_seconds, created_at, due, due_time,"
    " done_at, in_email, uuid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
"""The note INSERT of :meth:`Repository.save_note` (prepared once: sqlite3 caches it)."""

_NOTE_BOUND = ("created_at", "due", "done_at", "in_email")
"""The columns whose values are converted as SQLAlchemy stores them (dates, booleans)."""


def _bind_processor(engine: Engine, column: str) -> Callable[[Any], Any]:
    """How SQLAlchemy turns a ``notes.column`` value into what the row holds (identity if as is)."""
    kind = NoteRow.__table__.c[column].type
    process = kind.dialect_impl(engine.dialect).bind_processor(engine.dialect)
    return process if process is not None else _as_is


def _as_is(value: Any) -> Any:
    return value


class Repository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        database = engine.url.database
        self._path = database if database is not None else ":memory:"
        self._raw_writer: sqlite3.Connection | None = None
        self._note_binds = [_bind_processor(engine, column) for column in _NOTE_BOUND]
        self.postgres = engine.dialect.name == "postgresql"
        """The team database: SQLAlchemy Core where the SQLite file has its sqlite3 paths."""

    @classmethod
    def open(cls, path: Path) -> Repository:
        """Open (creating or upgrading) the database at ``path``.

        Raises :class:`StoreUnavailable` with a message for the user when the
        file can't be used: not a database, damaged, read-only, a full disk.
        """
        with storage_errors(path):
            ensure_schema(path)
            engine = make_engine(path)
            try:
                with engine.connect() as connection:  # the pragmas run, page 1 is read
                    connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
            except BaseException:
                engine.dispose()
                raise
        return cls(engine)

    @classmethod
    def open_url(cls, url: DatabaseUrl | str) -> Repository:
        """Open the team database (PostgreSQL) at ``url``; its schema must be current.

        Nothing is created or upgraded here (that is ``callmate db upgrade``'s,
        under its lock): a schema older or newer than this callmate's, or a
        server that can't be used, raises
        :class:`~callmate.store.database_url.DatabaseUnavailable` with one line
        saying which command to run or what failed (never the password).
        """
        from callmate.store import database_url, pg_schema
        from callmate.store.database_url import DatabaseUnavailable

        parsed = database_url.parse(url) if isinstance(url, str) else url
        engine = database_url.make_engine(parsed, pool_pre_ping=True)
        try:
            found = pg_schema.current_version(engine)
        except Exception as error:
            engine.dispose()
            raise DatabaseUnavailable(database_url.connection_problem(error, parsed)) from None
        if found != pg_schema.LATEST:
            engine.dispose()
            where = f"the team database at {parsed.where}"
            if found == 0:
                problem = f"{where} has no callmate tables yet: run `callmate db upgrade`"
            elif found < pg_schema.LATEST:
                problem = (
                    f"{where} has callmate's schema version {found}, older than "
                    f"{pg_schema.LATEST}: run `callmate db upgrade`"
                )
            else:
                problem = (
                    f"{where} was upgraded by a newer callmate (schema version {found}, "
                    f"this one knows {pg_schema.LATEST}): update callmate"
                )
            raise DatabaseUnavailable(problem)
        return cls(engine)

    def close(self) -> None:
        if self._raw_writer is not None:
            self._raw_writer.close()
            self._raw_writer = None
        self.engine.dispose()

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def transaction(self) -> AbstractContextManager[Session]:
        """A session in one transaction (committed on leaving, rolled back on an
        error): for a read written outside this class (:mod:`callmate.store.resume`)."""
        return self._session()

    # -- contacts ---------------------------------------------------------
    def _find_or_create_contact(self, session: Session, contact: Contact, at: datetime) -> int:
        """The contact's id: the given one, a same-named one at the same company, or new.

        Company, role, e-mail, phone and title are updated to what was typed for
        this call (the plan screen shows a known contact's, so what is saved is
        what the user saw and edited). On the team database one upsert
        (:func:`_upsert_contact`): two reps calling Dana at once make one Dana.
        """
        if self.postgres:
            return _upsert_contact(session, contact, at)
        row: ContactRow | None = None
        if contact.id is not None:
            row = session.get(ContactRow, contact.id)
        if row is None:
            row = _same_named(session, contact)
        if row is None:
            row = ContactRow(name=contact.name, company=contact.company, created_at=at)
            session.add(row)
        row.company = contact.company
        row.role = contact.role.value
        row.email = contact.email
        row.phone = contact.phone
        row.title = contact.title
        session.flush()
        return row.id

    def get_contact(self, contact_id: int) -> Contact:
        with self._session() as session:
            row = session.get(ContactRow, contact_id)
            if row is None:
                raise LookupError(f"contact {contact_id}")
            return converters.contact_from_row(row)

    def list_contacts(self) -> list[Contact]:
        """Everyone called before, most recently called first."""
        last_call = (
            select(CallRow.contact_id, func.max(CallRow.started_at).label("last"))
            .group_by(CallRow.contact_id)
            .subquery()
        )
        with self._session() as session:
            rows = session.scalars(
                select(ContactRow)
                .outerjoin(last_call, last_call.c.contact_id == ContactRow.id)
                .order_by(last_call.c.last.desc().nulls_last(), ContactRow.id.desc())
            )
            return [converters.contact_from_row(row) for row in rows]

    # -- the call ---------------------------------------------------------
    def start_call(self, call: Call) -> Call:
        """Store a call as it starts, so nothing typed during it can be lost."""
        with self._session() as session:
            contact_id = self._find_or_create_contact(session, call.contact, call.started_at)
            row = CallRow(
                contact_id=contact_id,
                follows_call_id=call.follows_call_id,
                call_type=call.call_type.value,
                goal=call.goal,
                backup_goal=call.backup_goal,
                status=CallStatus.LIVE.value,
                started_at=call.started_at,
            )
            converters.fill_plan(row, call)
            session.add(row)
            session.flush()
            call_id = row.id
        return self.get_call(call_id)

    def save_note(self, call_id: int, note: Note) -> Note:
        """Store ``note`` in the call; it is on disk when this returns.

        This is the write a user waits on after every Enter, so it skips the
        ORM: one prepared INSERT on the repository's own autocommit connection
        (:meth:`_writer`) is the whole transaction. SQLite runs the statement,
        its triggers (the search index) and the commit, with its WAL fsync
        (``synchronous=FULL``), in one call that releases the GIL throughout;
        the ORM's session made four calls into SQLite (pysqlite's implicit
        BEGIN, ``INSERT … RETURNING id, owner``, its fetch, COMMIT) plus
        0.6 ms of Python, and on a busy event loop each call waited up to a
        GIL switch interval (5 ms) to get back (BENCHMARKS.md, "Enter to
        durable"). Values are converted by SQLAlchemy's own bind processors,
        so the row is stored exactly as the ORM stored it.
        """
        created = note.created_at
        if created is None:
            raise ValueError("a note needs its creation time")
        due_time = converters.clock_text(note.due_time) if note.due else None
        if self.postgres:
            return self._save_note_core(call_id, note, created, due_time)
        writer = self._writer()
        bind = self._note_binds
        stable = new_uuid()  # a note is born here, even one copied from another call's
        values = (
            call_id,
            note.kind.value,
            note.text,
            note.offset_seconds,
            bind[0](created),
            bind[1](note.due),
            due_time,
            bind[2](note.done_at),
            bind[3](note.in_email),
            stable,
        )
        note_id = writer.execute(_INSERT_NOTE, values).lastrowid
        row = NoteRow(
            id=note_id,
            uuid=stable,
            call_id=call_id,
            kind=note.kind.value,
            text=note.text,
            offset_seconds=note.offset_seconds,
            created_at=created,
            due=note.due,
            due_time=due_time,
            done_at=note.done_at,
            owner="",
            in_email=note.in_email,
        )
        return converters.note_from_row(row)

    def _save_note_core(
        self, call_id: int, note: Note, created: datetime, due_time: str | None
    ) -> Note:
        """:meth:`save_note` on PostgreSQL: one Core INSERT … RETURNING, committed."""
        values = {
            "call_id": call_id,
            "kind": note.kind.value,
            "text": note.text,
            "offset_seconds": note.offset_seconds,
            "created_at": created,
            "due": note.due,
            "due_time": due_time,
            "done_at": note.done_at,
            "in_email": note.in_email,
            "uuid": new_uuid(),
        }
        with self.engine.begin() as connection:
            note_id = connection.execute(
                insert(NoteRow).values(**values).returning(NoteRow.id)
            ).scalar_one()
        return converters.note_from_row(NoteRow(id=note_id, owner="", **values))

    def _writer(self) -> sqlite3.Connection:
        """The connection :meth:`save_note` writes with: autocommit, same pragmas as the engine.

        Made on first use (the engine's own connections are SQLAlchemy's
        pool's, in its implicit-transaction mode); the gateway's one database
        thread is the only one to use it in the app.
        """
        if self._raw_writer is None:
            writer = sqlite3.connect(
                self._path, isolation_level=None, check_same_thread=False, timeout=30
            )
            try:
                _sqlite_pragmas(writer, None)
            except BaseException:
                writer.close()
                raise
            self._raw_writer = writer
        return self._raw_writer

    def update_note(self, note_id: int, kind: NoteKind, text: str) -> Note:
        """Correct a note's words or kind; its time in the call stays."""
        checked = Note(kind=kind, text=text)
        with self._session() as session:
            row = session.get(NoteRow, note_id)
            if row is None:
                raise LookupError(f"note {note_id}")
            row.kind = checked.kind.value
            row.text = checked.text
            session.flush()
            return converters.note_from_row(row)

    def set_note_in_email(self, note_id: int, in_email: bool) -> None:
        """Put a note into the recap email, or keep it out (a private note stays out)."""
        with self._session() as session:
            session.execute(update(NoteRow).where(NoteRow.id == note_id).values(in_email=in_email))

    def delete_note(self, note_id: int, at: datetime) -> None:
        """Hide a note; it stays in the table so the delete can be undone."""
        with self._session() as session:
            session.execute(update(NoteRow).where(NoteRow.id == note_id).values(deleted_at=at))

    def restore_note(self, note_id: int) -> None:
        with self._session() as session:
            session.execute(update(NoteRow).where(NoteRow.id == note_id).values(deleted_at=None))

    def set_hold(self, call_id: int, *, paused_seconds: int, paused_at: datetime | None) -> None:
        """Record the call going on hold (``paused_at``) or coming back (None)."""
        with self._session() as session:
            session.execute(
                update(CallRow)
                .where(CallRow.id == call_id)
                .values(paused_seconds=paused_seconds, paused_at=paused_at)
            )

    def set_question_asked(self, question_id: int, asked: bool) -> None:
        with self._session() as session:
            session.execute(
                update(QuestionRow).where(QuestionRow.id == question_id).values(asked=asked)
            )

    def set_research_said(self, research_id: int, said: bool) -> None:
        """Tick a "say aloud" line once the customer has said it (or untick it)."""
        with self._session() as session:
            session.execute(
                update(ResearchRow).where(ResearchRow.id == research_id).values(said=said)
            )

    def finish_call(
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
        """Close the call. Only reachable through the closing gate.

        A call is closed once. If it is no longer live (another callmate
        window closed it first), nothing is written and
        :class:`~callmate.domain.closing.AlreadyClosedError` carries the call
        as that first close saved it.
        """
        from callmate.domain.closing import AlreadyClosedError

        reason_text = clean_line(reason_text)
        with self._session() as session:
            closed = self._close_once(
                session,
                call_id,
                next_step,
                ended_at=ended_at,
                outcome=outcome.value,
                reason=reason.value if reason and outcome is not Outcome.YES else None,
                reason_text=reason_text if outcome is not Outcome.YES else "",
                goal_result=goal_result.value if goal_result else None,
            )
            if closed:
                self._keep_followed_step(session, call_id, ended_at)
                for update_ in commitments:
                    session.execute(
                        update(NoteRow)
                        .where(NoteRow.id == update_.note_id, NoteRow.call_id == call_id)
                        .values(
                            owner=clean_line(update_.owner),
                            due=update_.due,
                            due_time=converters.clock_text(update_.due_time)
                            if update_.due
                            else None,
                        )
                    )
        call = self.get_call(call_id)  # CallNotFoundError if there is no such call
        if not closed:
            raise AlreadyClosedError(call)
        return call

    def _close_once(
        self, session: Session, call_id: int, next_step: NextStep, **values: Any
    ) -> bool:
        """Close a live call with ``values``; False if it was closed or discarded meanwhile.

        One conditional UPDATE: of two closes racing (or a close and a
        discard), exactly one matches.
        """
        closed = session.execute(
            update(CallRow)
            .where(
                CallRow.id == call_id,
                CallRow.status == CallStatus.LIVE.value,
                CallRow.discarded_at.is_(None),
            )
            .values(
                status=CallStatus.DONE.value,
                next_step_what=next_step.what,
                next_step_owner=next_step.owner.value,
                next_step_due=next_step.due,
                next_step_time=converters.clock_text(next_step.due_time),
                **values,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(closed.rowcount == 1)  # type: ignore[attr-defined]

    def _keep_followed_step(self, session: Session, call_id: int, at: datetime) -> None:
        """This call was the next step agreed last time: that step was kept."""
        follows = session.scalar(select(CallRow.follows_call_id).where(CallRow.id == call_id))
        if follows is not None:
            session.execute(
                update(CallRow)
                .where(CallRow.id == follows, CallRow.next_step_done_at.is_(None))
                .values(next_step_done_at=at)
            )

    def log_attempt(
        self, call_id: int, connection: Connection, next_step: NextStep, at: datetime
    ) -> Call:
        """End a call that never connected: no outcome, only a dated "try again".

        The same conditional UPDATE as :meth:`finish_call`: a call is closed
        once, and a call closed (or discarded) elsewhere first raises
        :class:`~callmate.domain.closing.AlreadyClosedError` with it as saved.
        The step this call followed counts as kept: it was tried, and the
        attempt's own "try again" carries it on (never both on the agenda).
        """
        from callmate.domain.closing import AlreadyClosedError

        if not connection.is_attempt:
            raise ValueError("an attempt is a call that did not connect")
        with self._session() as session:
            done = self._close_once(
                session, call_id, next_step, ended_at=at, connection=connection.value
            )
            if done:
                self._keep_followed_step(session, call_id, at)
        call = self.get_call(call_id)
        if not done:
            raise AlreadyClosedError(call)
        return call

    def discard_call(self, call_id: int, at: datetime) -> bool:
        """Set aside a live call started by mistake; False if it was not live.

        Its rows stay for :meth:`restore_call`. Its notes are hidden with the
        same ``deleted_at`` as the call's ``discarded_at`` (migration 9), so
        that restoring brings back those and not a note deleted before.
        """
        with self._session() as session:
            result = session.execute(
                update(CallRow)
                .where(
                    CallRow.id == call_id,
                    CallRow.status == CallStatus.LIVE.value,
                    CallRow.discarded_at.is_(None),
                )
                .values(discarded_at=at)
            )
            if not getattr(result, "rowcount", 0):
                return False
            session.execute(
                update(NoteRow)
                .where(NoteRow.call_id == call_id, NoteRow.deleted_at.is_(None))
                .values(deleted_at=at)
            )
            return True

    def restore_call(self, call_id: int) -> Call:
        """Bring a discarded call back as it was: live, with its notes."""
        with self._session() as session:
            at = session.scalar(select(CallRow.discarded_at).where(CallRow.id == call_id))
            if at is not None:
                session.execute(
                    update(NoteRow)
                    .where(NoteRow.call_id == call_id, NoteRow.deleted_at == at)
                    .values(deleted_at=None)
                )
                session.execute(
                    update(CallRow).where(CallRow.id == call_id).values(discarded_at=None)
                )
        return self.get_call(call_id)

    def restorable_discard(self) -> CallSummary | None:
        return self._read(queries.restorable_discard)

    # -- next steps and commitments ----------------------------------------
    def mark_step_done(self, call_id: int, at: datetime | None) -> None:
        """Mark a call's next step kept (``at``), or open again (None).
        :class:`NotYours` when it is another rep's (nothing changed)."""
        with self._session() as session:
            result = session.execute(
                update(CallRow).where(CallRow.id == call_id).values(next_step_done_at=at)
            )
            self._refuse_if_theirs(session, result, call_id=call_id)

    def reschedule_step(self, call_id: int, due: date, due_time: time | None = None) -> None:
        """Move the next step to a day (and time, or none); the old ones are kept (migration 11).
        :class:`NotYours` when it is another rep's (nothing changed)."""
        with self._session() as session:
            result = session.execute(
                update(CallRow)
                .where(CallRow.id == call_id)
                .values(
                    next_step_due=due,
                    next_step_time=converters.clock_text(due_time),
                    next_step_done_at=None,
                )
            )
            self._refuse_if_theirs(session, result, call_id=call_id)

    def set_commitment_done(self, note_id: int, at: datetime | None) -> None:
        """:class:`NotYours` when the note is on another rep's call (nothing changed)."""
        with self._session() as session:
            result = session.execute(
                update(NoteRow).where(NoteRow.id == note_id).values(done_at=at)
            )
            self._refuse_if_theirs(session, result, note_id=note_id)

    def _refuse_if_theirs(
        self, session: Session, result: object, *, call_id: int = 0, note_id: int = 0
    ) -> None:
        """An UPDATE that changed nothing on the team database because the row is
        another rep's (row-level security hides it from writes, silently) raises
        :class:`NotYours` naming them: never a change that only looks made."""
        if not self.postgres or getattr(result, "rowcount", None) != 0:
            return
        if note_id:
            call_id = session.scalar(select(NoteRow.call_id).where(NoteRow.id == note_id)) or 0
        if not call_id:
            return
        from callmate.store import team
        from callmate.store.unavailable import NotYours

        theirs = team.others_calls(session.connection(), [call_id])
        if call_id in theirs:
            raise NotYours(theirs[call_id])

    # -- reads shared with the home screen's fast path (store/queries.py) -----
    def _read(self, query: Callable[[sqlite3.Connection], T]) -> T:
        if self.postgres:  # the same SQL, through SQLAlchemy (queries.PgReads)
            with self.engine.connect() as connection:
                return query(cast(sqlite3.Connection, queries.PgReads(connection)))
        with self.engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert isinstance(raw, sqlite3.Connection)
            return query(raw)

    def recent_calls(self, limit: int = 50) -> list[CallSummary]:
        return self._read(lambda db: queries.recent_calls(db, limit))

    def live_calls(self) -> list[CallSummary]:
        return self._read(queries.live_calls)

    def open_steps(
        self,
        *,
        after: date | None = None,
        before: date | None = None,
        limit: int = 50,
        newest_first: bool = False,
    ) -> tuple[list[DueStep], int]:
        return self._read(
            lambda db: queries.open_steps(
                db, after=after, before=before, limit=limit, newest_first=newest_first
            )
        )

    def going_cold(self, before: datetime, limit: int = 20) -> tuple[list[ColdContact], int]:
        return self._read(lambda db: queries.going_cold(db, before, limit))

    def agenda(self, today: date, cold_before: datetime, *, recent: int = 30) -> Agenda:
        return self._read(lambda db: queries.agenda(db, today, cold_before, recent=recent))

    def promise_records(self, contact_ids: Sequence[int], today: date) -> dict[int, PromiseRecord]:
        """Each person's promises kept on time, kept late and open past their
        date, ours and theirs apart; one query for all of them."""
        if self.postgres:
            with self.engine.connect() as connection:
                return queries.pg_promise_records(connection, contact_ids, today)
        return self._read(lambda db: queries.promise_records(db, contact_ids, today))

    def timeline(self, contact_id: int) -> tuple[Contact, list[Call]]:
        """Every call with this person, oldest first, with notes and questions."""
        with self._session() as session:
            contact = session.get(ContactRow, contact_id)
            if contact is None:
                raise LookupError(f"contact {contact_id}")
            rows = session.scalars(
                select(CallRow)
                .where(CallRow.contact_id == contact_id, CallRow.discarded_at.is_(None))
                .options(*WHOLE_CALL)
                .order_by(CallRow.started_at, CallRow.id)
            )
            return converters.contact_from_row(contact), [
                converters.call_from_row(row) for row in rows
            ]

    def search(self, query: str, limit: int = 40) -> list[SearchHit]:
        """Notes, goals, research and people matching ``query``, newest first."""
        if self.postgres:  # PostgreSQL's own full-text search (tsvector, GIN)
            from callmate.store import pg_search

            return pg_search.search(self.engine, query, limit)
        return self._read(lambda db: text_search.search(db, query, limit))

    def import_calls(self, calls: Iterable[Call]) -> int:
        """Add calls (from an export) in one transaction: all of them or none.

        Into an empty database the calls keep their ids, so an export and an
        import give back the same calls, ids and links included; otherwise
        they are numbered after the existing ones and links follow them.
        ``calls`` may stream (:func:`callmate.domain.importer.read_export`):
        plain ``executemany`` a batch at a time (:func:`callmate.store.bulk.import_calls`).
        On PostgreSQL: COPY a batch at a time (:mod:`callmate.store.pg_import`).
        """
        from callmate.store import bulk

        if self.postgres:
            from callmate.store import pg_import

            with self.engine.begin() as connection:
                return pg_import.import_calls(connection, calls)
        return self._read(lambda db: bulk.import_calls(db, calls))

    def save_recap(self, call_id: int, subject: str, body: str) -> None:
        """Keep the recap as the user edited it."""
        with self._session() as session:
            session.execute(
                update(CallRow)
                .where(CallRow.id == call_id)
                .values(recap_subject=clean_line(subject), recap_body=clean(body))
            )

    # -- reading ----------------------------------------------------------
    def get_call(self, call_id: int) -> Call:
        with self._session() as session:
            row = session.scalar(select(CallRow).where(CallRow.id == call_id).options(*WHOLE_CALL))
            if row is None:
                raise CallNotFoundError(call_id)
            return converters.call_from_row(row)

    def prep_brief(self, contact_id: int) -> PrepBrief | None:
        """What earlier finished calls with this contact hand on to the next one.

        The "last call" is the last conversation: an attempt that never
        reached the person has no outcome or next step to hand on, so it
        only counts as an attempt since then. Two counts and one row are
        read whatever the length of the history.
        """
        done = (CallRow.contact_id == contact_id, CallRow.status == CallStatus.DONE.value)
        talked = CallRow.connection == Connection.CONNECTED.value
        newest = (CallRow.started_at.desc(), CallRow.id.desc())
        with self._session() as session:
            total, talks = session.execute(
                select(func.count(), func.count().filter(talked)).where(*done)
            ).one()
            if not total:
                return None
            last = session.scalars(
                select(CallRow)
                .where(*done, *((talked,) if talks else ()))
                .options(selectinload(CallRow.contact), selectinload(CallRow.questions))
                .order_by(*newest)
                .limit(1)
            ).one()
            attempts_since = (
                session.scalar(
                    select(func.count()).where(
                        *done,
                        ~talked,
                        (CallRow.started_at > last.started_at)
                        | ((CallRow.started_at == last.started_at) & (CallRow.id > last.id)),
                    )
                )
                if talks
                else total
            ) or 0
            call_ids = select(CallRow.id).where(*done).scalar_subquery()
            open_rows = session.scalars(
                _open_commitments_of(call_ids).order_by(NoteRow.created_at, NoteRow.id)
            )
            quote_rows = session.scalars(
                select(NoteRow)
                .where(
                    NoteRow.call_id.in_(call_ids),
                    NoteRow.kind == NoteKind.QUOTE.value,
                    NoteRow.deleted_at.is_(None),
                )
                .order_by(NoteRow.created_at.desc(), NoteRow.id.desc())
                .limit(8)
            )
            follow_up_rows = session.scalars(
                select(NoteRow)
                .where(
                    NoteRow.call_id == last.id,
                    NoteRow.kind == NoteKind.FOLLOW_UP.value,
                    NoteRow.deleted_at.is_(None),
                )
                .order_by(NoteRow.created_at, NoteRow.id)
            )
            summary = converters.call_from_row(last, details=False)
            return PrepBrief(
                contact=summary.contact,
                calls_before=talks,
                attempts_since=attempts_since,
                last_call_id=last.id,
                last_started_at=summary.started_at,
                last_call_type=summary.call_type,
                last_goal=summary.goal,
                last_backup_goal=summary.backup_goal,
                last_outcome=summary.outcome,
                next_step=summary.next_step,
                open_commitments=[converters.note_from_row(n) for n in open_rows],
                quotes=[converters.note_from_row(n) for n in quote_rows],
                unasked=[q.text for q in summary.questions if not q.asked],
                follow_ups=[row.text for row in follow_up_rows],
            )

    def earlier_open_commitments(self, call_id: int) -> list[Note]:
        """Promises from earlier calls with this call's contact that are still open.

        Oldest due date first, the undated last: what the recap repeats
        beside the promises made today.
        """
        with self._session() as session:
            this = session.get(CallRow, call_id)
            if this is None:
                raise CallNotFoundError(call_id)
            earlier = select(CallRow.id).where(
                CallRow.contact_id == this.contact_id,
                CallRow.id != call_id,
                CallRow.started_at <= this.started_at,
            )
            rows = session.scalars(
                _open_commitments_of(earlier).order_by(
                    NoteRow.due.is_(None), NoteRow.due, NoteRow.created_at, NoteRow.id
                )
            )
            return [converters.note_from_row(row) for row in rows]

    def all_calls(self) -> list[Call]:
        with self._session() as session:
            rows = session.scalars(
                select(CallRow)
                .where(CallRow.discarded_at.is_(None))  # set aside: never exported
                .options(*WHOLE_CALL)
                .order_by(CallRow.started_at, CallRow.id)
            )
            return [converters.call_from_row(row) for row in rows]

    # -- commitments on the home screen (issue 12) ---------------------------
    def reschedule_commitment(self, note_id: int, due: date, due_time: time | None = None) -> bool:
        """Give an open "we owe" / "they owe" commitment a new due date.

        False, and nothing changed, when it was kept or deleted meanwhile (in
        another window, or during the call): a move must not reopen it.
        """
        with self._session() as session:
            result = session.execute(
                update(NoteRow)
                .where(NoteRow.id == note_id, NoteRow.done_at.is_(None))
                .where(NoteRow.deleted_at.is_(None))
                .values(due=due, due_time=converters.clock_text(due_time))
            )
            self._refuse_if_theirs(session, result, note_id=note_id)
            return bool(getattr(result, "rowcount", 0))

    # -- the team (the team database, schema version 3) ----------------------
    def team_agenda(self, today: date, limit: int | None = None) -> list[RepAgenda]:
        """Everyone's overdue promises, by rep (:func:`callmate.store.team.team_agenda`);
        on the SQLite file (one person) nobody's."""
        if not self.postgres:
            return []
        from callmate.store import team

        with self.engine.connect() as connection:
            return team.team_agenda(connection, today, limit)

    def rep_names(self, call_ids: Iterable[int]) -> dict[int, str]:
        """Per call, the rep who made it (display name, else role name); on the
        SQLite file, where every call is the user's, none."""
        if not self.postgres:
            return {}
        from callmate.store import team

        with self.engine.connect() as connection:
            return team.rep_names(connection, call_ids)

    def others_calls(self, call_ids: Iterable[int]) -> dict[int, str]:
        """Of ``call_ids``, those another rep made (only they may change them), with
        that rep's name; on the SQLite file, where every call is the user's, none."""
        if not self.postgres:
            return {}
        from callmate.store import team

        with self.engine.connect() as connection:
            return team.others_calls(connection, call_ids)

    def other_reps_call(self, contact_id: int, since: datetime) -> OtherRepsCall | None:
        """Another rep's newest conversation with the contact since ``since``
        (:func:`callmate.store.team.other_reps_call`); never on the SQLite file."""
        if not self.postgres:
            return None
        from callmate.store import team

        with self.engine.connect() as connection:
            return team.other_reps_call(connection, contact_id, since)

    def team_users(self) -> list[TeamUser]:
        """The team's people (``callmate_users``); none on the SQLite file."""
        if not self.postgres:
            return []
        from callmate.store import team

        with self.engine.connect() as connection:
            return team.users(connection)

    def open_commitments(self, *, before: date | None = None) -> list[DueStep]:
        """Open commitments due before ``before`` (all when None), and the undated ones."""
        return self._read(lambda db: queries.open_commitments(db, before=before))


def _same_named(session: Session, contact: Contact) -> ContactRow | None:
    """The newest contact of the same name at the same company (case aside)."""
    return session.scalar(
        select(ContactRow)
        .where(
            func.lower(ContactRow.name) == contact.name.lower(),
            func.lower(ContactRow.company) == contact.company.lower(),
        )
        .order_by(ContactRow.id.desc())
        .limit(1)
    )


def _reach(contact: Contact) -> dict[str, str]:
    """The contact's e-mail, phone and title, as the columns take them."""
    return {"email": contact.email, "phone": contact.phone, "title": contact.title}


def _same_email(session: Session, contact: Contact) -> tuple[int, bool] | None:
    """The team's contact with this e-mail (case aside), the newest, and whether
    it is also the one of this name and company; None when the contact has no
    e-mail or nobody has it. Read through the partial index on ``lower(email)``
    (:data:`callmate.store.pg_schema.CONTACT_EMAIL_INDEX`)."""
    email = contact.email.strip().lower()
    if not email:
        return None
    found = session.execute(
        select(ContactRow.id, ContactRow.name, ContactRow.company)
        .where(func.lower(ContactRow.email) == email, ContactRow.email != "")
        .order_by(ContactRow.id.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    same = (found.name.lower(), found.company.lower()) == (
        contact.name.lower(),
        contact.company.lower(),
    )
    return int(found.id), same


def _upsert_contact(session: Session, contact: Contact, at: datetime, *, keyed: bool = True) -> int:
    """The contact's id on the team database, race-safe: the given one (``keyed``:
    its id), else the one with the same e-mail (case aside; issue 20: two reps
    saving the same person under two spellings of the name see one contact),
    else the one of the same name and company (case aside), else a new one, in
    one ``INSERT … ON CONFLICT`` on schema version 3's unique index
    (:data:`callmate.store.pg_schema.CONTACT_KEY`). Company, role, e-mail, phone
    and title become what was typed, as :meth:`Repository._find_or_create_contact`
    does on SQLite; found by e-mail, the contact keeps its name and company
    (they are its key) and takes the rest that was typed.
    """
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.exc import IntegrityError

    if keyed and contact.id is not None:
        try:
            with session.begin_nested():  # renamed onto another contact's key: that one
                found = session.scalar(
                    update(ContactRow)
                    .where(ContactRow.id == contact.id)
                    .values(company=contact.company, role=contact.role.value, **_reach(contact))
                    .returning(ContactRow.id)
                    .execution_options(synchronize_session=False)
                )
        except IntegrityError:
            found = None
        if found is not None:
            return int(found)
    by_email = _same_email(session, contact)
    if by_email is not None:
        found_id, same = by_email
        reach: dict[str, Any] = dict(_reach(contact))
        if same:  # the contact as typed: what was cleared is cleared
            reach["company"] = contact.company
        else:  # another spelling: what this rep left empty (unknown to them) is kept
            reach = {
                key: func.coalesce(func.nullif(value, ""), getattr(ContactRow, key))
                for key, value in reach.items()
            }
        session.execute(
            update(ContactRow)
            .where(ContactRow.id == found_id)
            .values(role=contact.role.value, **reach)
            .execution_options(synchronize_session=False)
        )
        return found_id
    statement = pg_insert(ContactRow).values(
        name=contact.name,
        company=contact.company,
        created_at=at,
        role=contact.role.value,
        uuid=contact.uuid or new_uuid(),
        **_reach(contact),
    )
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=[func.lower(ContactRow.name), func.lower(ContactRow.company)],
        set_={
            "company": excluded.company,
            "role": excluded.role,
            "email": excluded.email,
            "phone": excluded.phone,
            "title": excluded.title,
        },
    )
    return int(session.execute(statement.returning(ContactRow.id)).scalar_one())
