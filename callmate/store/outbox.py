"""The team database's outbox: a live call never waits on the network.

On the team database (PostgreSQL) a live call is written to a local SQLite
file first, and pushed to PostgreSQL in the background. Typing and Enter wait
on the local disk only (the SQLite fast paths, ``save_note_soon``); a server
that is down, or a VPN that dropped mid-call, only makes the changes wait
("offline · 12 notes waiting" in the call's header) until it is back.

Choices, and why:

* **A file of its own** (``outbox.db`` beside ``callmate.db`` in the data
  dir), a callmate SQLite database made by the same migrations. Not
  ``callmate.db``: that is the rep's personal history (``callmate db push``
  copies it to the team as a whole), and a team rep's calls do not belong in
  it; and the outbox is emptied as it is pushed (closed calls that hold no
  waiting change are removed on the next start), so its size, and the cost
  of writing to it, never grows with the team's history.

* **"Dirty" flags on rows, not a queue of changes.** The rows themselves are
  the truth; the table ``outbox_changes`` names each call and note that
  changed since it was last pushed (``tbl``, ``row_id``) with a ``stamp``
  counting its changes. SQLite triggers set the flag *in the same
  transaction* as the write, so a kill -9 can't separate a note from its
  flag. A push reads the rows as they are now and upserts them into
  PostgreSQL by uuid (``INSERT … ON CONFLICT (uuid) DO UPDATE``), in one
  transaction per batch; then a flag is cleared only if its stamp is still
  the one read (a change made meanwhile waits for the next push). So ten
  edits of one note offline are one row to push, a deleted note is pushed
  as deleted (``deleted_at``: callmate deletes by marking, for undo), and a
  push repeated after a crash between PostgreSQL's commit and the flag's
  clearing writes the same values again: each change arrives exactly once.
  A queue of change records would need replaying in order and compacting,
  for the same result.

* **Local ids in a range of their own.** The screens hold integer ids. Rows
  made in the outbox get ids above :data:`LOCAL_IDS` (2**40; PostgreSQL's
  are 32-bit), kept so by one placeholder row per table at that id (SQLite
  gives a new row the largest id + 1). So any id tells which database it
  names, and the store routes each call by it: the live call's writes to
  the outbox, everything else (home, timeline, search, the earlier calls'
  promises) to PostgreSQL as before. A call the team database holds that is
  resumed is copied into the outbox first (by uuid: once).

* **Pushed on the team database's own thread** (jobs in order: a read asked
  after a write runs after that write's push), kicked after every outbox
  write; when the server can't be reached the next try waits, doubling from
  :data:`FIRST_RETRY` to :data:`LAST_RETRY` seconds, on a timer thread,
  never on the event loop. At start (the warm-up, after the first frame)
  whatever waited is pushed.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, Table
    from sqlalchemy.orm import Session

    from callmate.domain.models import Call
    from callmate.store.repository import Repository

OUTBOX_FILE = "outbox.db"
LOCAL_IDS = 1 << 40
"""Ids of rows made in the outbox are above this; the team database's are below."""
FIRST_RETRY = 0.25
LAST_RETRY = 8.0
"""Seconds between two tries to reach the team database: doubling, up to this."""
BATCH = 200
"""Changed rows pushed in one PostgreSQL transaction."""
PUSHING = "callmate.outbox_push"
"""A setting a push turns on in its team transaction: the team's date-move triggers
(schema 6) then record nothing; the outbox's moves are pushed one by one instead."""


def is_local(row_id: int | None) -> bool:
    """Whether ``row_id`` names a row of the outbox (not of the team database)."""
    return row_id is not None and row_id > LOCAL_IDS


def outbox_path(db_path: Path) -> Path:
    return db_path.with_name(OUTBOX_FILE)


@dataclass(frozen=True)
class OutboxState:
    problem: str = ""
    """"" when pushing works; "offline" (the server can't be reached) or "not sent"."""
    notes: int = 0
    """Notes changed locally and not yet in the team database."""
    others: int = 0
    """Other rows waiting (a call: its plan ticks, hold, close)."""

    @property
    def line(self) -> str:
        """What the call's header says: "" when nothing is wrong."""
        if not self.problem:
            return ""
        if self.notes:
            waiting = f"{self.notes} note{'' if self.notes == 1 else 's'}"
        elif self.others:
            waiting = f"{self.others} change{'' if self.others == 1 else 's'}"
        else:
            return self.problem
        return f"{self.problem} · {waiting} waiting"


_STAMP = (
    "INSERT INTO outbox_changes (tbl, row_id) VALUES ('{tbl}', {row})"
    " ON CONFLICT (tbl, row_id) DO UPDATE SET stamp = stamp + 1;"
)
_FLOOR = "2000-01-01 00:00:00.000000"
_SETUP = [
    "CREATE TABLE IF NOT EXISTS outbox_changes (tbl TEXT NOT NULL, row_id INTEGER NOT NULL,"
    " stamp INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (tbl, row_id)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS outbox_links"
    " (call_id INTEGER PRIMARY KEY, follows_team_id INTEGER NOT NULL)",
    # The placeholders that keep new ids above LOCAL_IDS: a set-aside call, never pushed.
    f"INSERT OR IGNORE INTO contacts (id, name, company, created_at)"
    f" VALUES ({LOCAL_IDS}, '', '', '{_FLOOR}')",
    f"INSERT OR IGNORE INTO calls (id, contact_id, goal, backup_goal, status, started_at,"
    f" discarded_at) VALUES ({LOCAL_IDS}, {LOCAL_IDS}, '', '', 'done', '{_FLOOR}', '{_FLOOR}')",
    f"INSERT OR IGNORE INTO notes (id, call_id, kind, text, offset_seconds, created_at,"
    f" deleted_at) VALUES ({LOCAL_IDS}, {LOCAL_IDS}, 'note', '', 0, '{_FLOOR}', '{_FLOOR}')",
    f"INSERT OR IGNORE INTO questions (id, call_id, position, text, asked)"
    f" VALUES ({LOCAL_IDS}, {LOCAL_IDS}, 0, '', 0)",
    f"INSERT OR IGNORE INTO research (id, call_id, position, area, text)"
    f" VALUES ({LOCAL_IDS}, {LOCAL_IDS}, 0, 'know', '')",
    *(
        f"CREATE TRIGGER IF NOT EXISTS outbox_{table}_{event.lower()} AFTER {event} ON {table}"
        f" WHEN {row} > {LOCAL_IDS} BEGIN {_STAMP.format(tbl=tbl, row=row)} END"
        for table, tbl, row in (
            ("calls", "calls", "new.id"),
            ("notes", "notes", "new.id"),
            ("questions", "calls", "new.call_id"),
            ("research", "calls", "new.call_id"),
        )
        for event in ("INSERT", "UPDATE")
    ),
    # Each date move is pushed as it was made (several offline moves are several
    # slips, not one from the first date to the last): see _push_date_move.
    f"CREATE TRIGGER IF NOT EXISTS outbox_date_moves_insert AFTER INSERT ON date_moves"
    f" WHEN new.call_id > {LOCAL_IDS} BEGIN {_STAMP.format(tbl='date_moves', row='new.id')} END",
]


def prepare(engine: Engine) -> None:
    """Make ``engine``'s SQLite file an outbox (idempotent: every statement is IF NOT)."""
    with engine.begin() as connection:
        for statement in _SETUP:
            connection.exec_driver_sql(statement)


def waiting(connection: Connection) -> tuple[int, int]:
    """(notes, other rows) waiting to be pushed."""
    notes = others = 0
    for table, count in connection.exec_driver_sql(
        "SELECT tbl, count(*) FROM outbox_changes GROUP BY tbl"
    ):
        if table == "date_moves":  # its call's or note's change is counted
            continue
        if table == "notes":
            notes = int(count)
        else:
            others += int(count)
    return notes, others


# -- on the outbox's own thread: a call enters the outbox ---------------------
def start_call(repo: Repository, call: Call) -> Call:
    """Store a call as it starts, in the outbox. Its contact keeps the team's
    uuid (a contact from the team database) so that the push finds it; the
    call it follows (a team call) is remembered beside it."""
    from sqlalchemy import select

    from callmate.store.schema import ContactRow
    from callmate.store.stable_ids import new_uuid

    contact = call.contact
    with repo.transaction() as session:
        row: ContactRow | None = None
        if is_local(contact.id):
            row = session.get(ContactRow, contact.id)
        if row is None and contact.uuid is not None:
            row = session.scalar(select(ContactRow).where(ContactRow.uuid == contact.uuid))
        if row is None and contact.id is not None:  # a team contact: same uuid here
            row = ContactRow(
                name=contact.name,
                company=contact.company,
                created_at=call.started_at,
                uuid=contact.uuid or new_uuid(),
            )
            session.add(row)
            session.flush()
        local_contact = row.id if row is not None else None
    follows = call.follows_call_id
    started = repo.start_call(
        call.model_copy(
            update={
                "contact": contact.model_copy(update={"id": local_contact}),
                "follows_call_id": follows if is_local(follows) else None,
            }
        )
    )
    if follows is not None and not is_local(follows):
        _link(repo, started.id, follows)
        started.follows_call_id = follows
    return started


def adopt(repo: Repository, call: Call) -> int:
    """The outbox's id of ``call`` (read from the team database), copied in
    if the outbox does not hold it yet (by uuid: once)."""
    local = find(repo, call.uuid)
    if local is None:
        repo.import_calls([call.model_copy(update={"id": None, "follows_call_id": None})])
        local = find(repo, call.uuid)
        assert local is not None
        with repo.engine.begin() as connection:  # its slip history is the team's already
            connection.exec_driver_sql(
                "DELETE FROM outbox_changes WHERE tbl = 'date_moves' AND row_id IN"
                " (SELECT id FROM date_moves WHERE call_id = ?)",
                (local,),
            )
        if call.follows_call_id is not None:
            _link(repo, local, call.follows_call_id)
    return local


def _link(repo: Repository, call_id: int | None, follows_team_id: int) -> None:
    with repo.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT OR REPLACE INTO outbox_links (call_id, follows_team_id) VALUES (?, ?)",
            (call_id, follows_team_id),
        )


def find(repo: Repository, uuid: str | None) -> int | None:
    """The outbox's id of the call ``uuid``, if it holds it."""
    from sqlalchemy import select

    from callmate.store.schema import CallRow

    with repo.transaction() as session:
        return session.scalar(select(CallRow.id).where(CallRow.uuid == uuid))


def prune(engine: Engine, up_to: int, keep: set[int]) -> None:
    """Remove the closed calls up to id ``up_to`` (those there at start) that hold
    nothing waiting, but those in ``keep`` (handed to a screen since)."""
    kept = ", ".join(str(int(call_id)) for call_id in keep) or "0"
    done = (
        f"SELECT id FROM calls WHERE id > {LOCAL_IDS} AND id <= {int(up_to)}"
        f" AND id NOT IN ({kept}) AND (status = 'done'"
        " OR discarded_at IS NOT NULL) AND id NOT IN"
        " (SELECT row_id FROM outbox_changes WHERE tbl = 'calls') AND id NOT IN"
        " (SELECT n.call_id FROM notes n JOIN outbox_changes c"
        "  ON c.tbl = 'notes' AND c.row_id = n.id) AND id NOT IN"
        " (SELECT m.call_id FROM date_moves m JOIN outbox_changes c"
        "  ON c.tbl = 'date_moves' AND c.row_id = m.id)"
    )
    with engine.begin() as connection:
        ids = [row[0] for row in connection.exec_driver_sql(done)]
        for call_id in ids:  # notes, questions, research, moves go with it (ON DELETE CASCADE)
            connection.exec_driver_sql("DELETE FROM outbox_links WHERE call_id = ?", (call_id,))
            connection.exec_driver_sql("DELETE FROM calls WHERE id = ?", (call_id,))
        connection.exec_driver_sql(
            f"DELETE FROM contacts WHERE id > {LOCAL_IDS}"
            " AND NOT EXISTS (SELECT 1 FROM calls WHERE calls.contact_id = contacts.id)"
        )


# -- on the team database's thread: the push ---------------------------------
def unreachable(error: BaseException) -> bool:
    """The server could not be reached (rather than refusing a statement)."""
    from callmate.store.database_url import DatabaseUnavailable
    from callmate.store.errors import StoreUnavailable

    if isinstance(error, (DatabaseUnavailable, StoreUnavailable, OSError)):
        return True
    from sqlalchemy.exc import DBAPIError, OperationalError

    lost = isinstance(error, DBAPIError) and error.connection_invalidated
    return bool(lost or isinstance(error, OperationalError))


def push_batch(team: Repository, local: Engine) -> bool:
    """Push up to :data:`BATCH` changed rows in one team transaction; True if
    more may wait."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    with local.connect() as connection:
        changes = connection.exec_driver_sql(
            f"SELECT tbl, row_id, stamp FROM outbox_changes ORDER BY tbl, row_id LIMIT {BATCH}"
        ).all()
    if not changes:
        return False
    with Session(local) as session, team.engine.begin() as remote:
        # The team's date-move triggers stay quiet: the outbox's own moves are
        # pushed instead (team schema 6's callmate_*_moved read this setting).
        remote.execute(text(f"SET LOCAL {PUSHING} = 'on'"))
        pushed: dict[int, int] = {}  # this batch's calls: outbox id -> team id
        for table, row_id, _stamp in changes:  # "calls", "date_moves", "notes"
            if table == "calls":
                _push_call(session, remote, row_id, pushed)
            elif table == "date_moves":
                _push_date_move(session, remote, row_id, pushed)
            elif table == "notes":
                _push_note(session, remote, row_id, pushed)
    with local.begin() as connection:
        connection.exec_driver_sql(
            "DELETE FROM outbox_changes WHERE tbl = ? AND row_id = ? AND stamp = ?",
            [tuple(change) for change in changes],
        )
    return len(changes) == BATCH


def _table(name: str) -> Table:
    from callmate.store.schema import Base

    return Base.metadata.tables[name]


def _values(row: Any, *skip: str) -> dict[str, Any]:
    return {
        column.key: getattr(row, column.key)
        for column in row.__table__.columns
        if column.key not in ("id", *skip)
    }


def _upsert(remote: Connection, table: Any, values: dict[str, Any]) -> int:
    from sqlalchemy.dialects.postgresql import insert

    statement = insert(table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["uuid"],
        set_={key: statement.excluded[key] for key in values if key != "uuid"},
    )
    return int(remote.execute(statement.returning(table.c.id)).scalar_one())


def find_team_contact(
    remote: Connection, uuid: str | None, name: str, company: str, email: str = ""
) -> int | None:
    """The team database's id of the outbox's contact: by uuid, else by e-mail
    (case aside, when it has one: two reps' spellings of one person are one
    contact, issue 20), else by name and company (a contact planned by name gets
    a uuid of its own in the outbox; the team's de-duplicated contact is the one
    its calls are pushed to)."""
    return _find_team_contact(remote, uuid, name, company, email)[0]


def _find_team_contact(
    remote: Connection, uuid: str | None, name: str, company: str, email: str
) -> tuple[int | None, str]:
    """:func:`find_team_contact`, and how it was found: "uuid", "email" or "name"."""
    from sqlalchemy import func, select

    contacts = _table("contacts")
    found = remote.scalar(select(contacts.c.id).where(contacts.c.uuid == uuid))
    if found is not None:
        return int(found), "uuid"
    if email.strip():
        found = remote.scalar(
            select(contacts.c.id)
            .where(func.lower(contacts.c.email) == email.strip().lower(), contacts.c.email != "")
            .order_by(contacts.c.id.desc())
            .limit(1)
        )
        if found is not None:
            return int(found), "email"
    found = remote.scalar(
        select(contacts.c.id)
        .where(
            func.lower(contacts.c.name) == name.lower(),
            func.lower(contacts.c.company) == company.lower(),
        )
        .order_by(contacts.c.id.desc())
        .limit(1)
    )
    return (None if found is None else int(found)), "name"


_REACH = ("email", "phone", "title")
"""A contact's columns a push sets only where the outbox has a value, unless the
contact is the team's own (its uuid: planned from it, so the rep saw them and
an empty one was cleared): a rep who planned by name, offline perhaps, without
an e-mail doesn't erase the one the team has."""


def _team_contact(remote: Connection, row: Any) -> int:
    from sqlalchemy import func, update

    contacts = _table("contacts")
    found, how = _find_team_contact(remote, row.uuid, row.name, row.company, row.email)
    reach = {key: getattr(row, key) for key in _REACH if getattr(row, key) or how == "uuid"}
    if found is None:  # race-safe: one contact per name and company (team schema 3)
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        values = _values(row, "last_call_at")
        made = pg_insert(contacts).values(**values)
        made = made.on_conflict_do_update(
            index_elements=[func.lower(contacts.c.name), func.lower(contacts.c.company)],
            set_={
                "company": made.excluded.company,
                "role": made.excluded.role,
                **{key: made.excluded[key] for key in reach},
            },
        )
        return int(remote.execute(made.returning(contacts.c.id)).scalar_one())
    # Found by e-mail, the team's contact keeps its name and company (its key).
    keep = {} if how == "email" else {"company": row.company}
    remote.execute(
        update(contacts).where(contacts.c.id == found).values(role=row.role, **keep, **reach)
    )
    return int(found)


def _push_call(session: Session, remote: Connection, local_id: int, pushed: dict[int, int]) -> int:
    from sqlalchemy import delete, insert, text, update

    from callmate.domain.models import CallStatus
    from callmate.store.schema import CallRow

    if local_id in pushed:
        return pushed[local_id]
    row = session.get(CallRow, local_id)
    if row is None:  # removed meanwhile: nothing to push
        return 0
    follows = session.scalar(
        text("SELECT follows_team_id FROM outbox_links WHERE call_id = :id"), {"id": local_id}
    )
    if follows is None and row.follows_call_id is not None:  # follows an outbox call
        follows = _push_call(session, remote, row.follows_call_id, pushed) or None
    values = _values(row, "contact_id", "follows_call_id")
    values["contact_id"] = _team_contact(remote, row.contact)
    values["follows_call_id"] = follows
    team_id = pushed[local_id] = _upsert(remote, _table("calls"), values)
    for table, rows in (
        (_table("questions"), row.questions),
        (_table("research"), row.research),
    ):
        remote.execute(delete(table).where(table.c.call_id == team_id))
        if rows:
            remote.execute(
                insert(table), [{**_values(item, "call_id"), "call_id": team_id} for item in rows]
            )
    if follows is not None and row.status == CallStatus.DONE.value and row.discarded_at is None:
        calls = _table("calls")  # the step this call followed up was kept (finish_call's rule)
        remote.execute(
            update(calls)
            .where(calls.c.id == follows, calls.c.next_step_done_at.is_(None))
            .values(next_step_done_at=row.ended_at)
        )
    return team_id


def _team_call(session: Session, remote: Connection, local_id: int, pushed: dict[int, int]) -> int:
    """The team database's id of the outbox's call ``local_id``, pushed first if not there."""
    from sqlalchemy import select

    from callmate.store.schema import CallRow

    call_id = pushed.get(local_id)
    if call_id is None:
        call_uuid = session.scalar(select(CallRow.uuid).where(CallRow.id == local_id))
        calls = _table("calls")
        call_id = remote.scalar(select(calls.c.id).where(calls.c.uuid == call_uuid))
        if call_id is None:
            call_id = _push_call(session, remote, local_id, pushed)
    return int(call_id)


def _push_note(session: Session, remote: Connection, local_id: int, pushed: dict[int, int]) -> int:
    from callmate.store.schema import NoteRow

    row = session.get(NoteRow, local_id)
    if row is None:
        return 0
    values = _values(row, "call_id")
    values["call_id"] = _team_call(session, remote, row.call_id, pushed)
    return _upsert(remote, _table("notes"), values)


def _push_date_move(
    session: Session, remote: Connection, local_id: int, pushed: dict[int, int]
) -> None:
    """One move of a next step's or a commitment's date, as the outbox recorded it.

    Its call (or note) row is pushed with the latest date, while the team's
    triggers are quiet (:data:`PUSHING`): else three moves made offline would
    reach the slip history as one, from the first date to the last. Exactly
    once: a move already there (the same call, note, dates and moment; a push
    repeated after a crash between the team's commit and the outbox's) is not
    written again."""
    from sqlalchemy import and_, exists, literal, select

    from callmate.store.schema import NoteRow

    moves = _table("date_moves")
    row = session.execute(select(moves).where(moves.c.id == local_id)).one_or_none()
    if row is None:
        return
    values = {key: row._mapping[key] for key in row._mapping if key != "id"}
    values["call_id"] = _team_call(session, remote, row.call_id, pushed)
    if row.note_id is not None:
        note = session.get(NoteRow, row.note_id)
        if note is None:
            return
        notes = _table("notes")
        team_note = remote.scalar(select(notes.c.id).where(notes.c.uuid == note.uuid))
        values["note_id"] = team_note or _push_note(session, remote, row.note_id, pushed)
    same = and_(
        *(
            moves.c[key].is_(None) if value is None else moves.c[key] == value
            for key, value in values.items()
        )
    )
    remote.execute(
        moves.insert().from_select(
            list(values),
            select(*(literal(value, moves.c[key].type) for key, value in values.items())).where(
                ~exists().where(same)
            ),
        )
    )


class Pusher:
    """Pushes the outbox on the team database's thread; retries with backoff.

    ``submit(job)`` queues ``job()`` on that thread; ``team()`` (on it) is the
    team database's repository, raising when it can't be reached.
    ``report(line)`` says, once, a change the team database refused (not a
    lost connection: that is the header's).
    """

    def __init__(
        self,
        path: Path,
        submit: Callable[[Callable[[], None]], object],
        team: Callable[[], Repository],
        report: Callable[[str], None] | None = None,
    ) -> None:
        self.path = path
        self._submit = submit
        self._team = team
        self._report = report
        self._lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._queued = False
        self._closed = False
        self._timer: threading.Timer | None = None
        self._delay = FIRST_RETRY
        self._local: Repository | None = None
        self._prune_up_to: int | None = None
        """The outbox's last call id when first opened: closed calls up to it are removed."""
        self._refused = ""
        self.keep: set[int] = set()
        """The outbox's calls handed to a screen in this run: never pruned."""
        self.state = OutboxState()
        self.listener: Callable[[OutboxState], None] | None = None
        """Told each new state, on whichever thread changed it."""

    # -- from any thread ------------------------------------------------------
    def kick(self) -> None:
        """Push soon: now, unless a retry is already timed (then at that time)."""
        with self._lock:
            if self._closed or self._queued or self._timer is not None:
                return
            self._queued = True
        try:
            self._submit(self._run)
        except RuntimeError:  # the team thread is shut down
            with self._lock:
                self._queued = False

    def counted(self, notes: int, others: int) -> None:
        """The outbox counted what waits (after a write, while pushing fails)."""
        self._set(None, notes, others)

    def close(self) -> None:
        """No more retries (a push already queued still runs)."""
        with self._lock:
            self._closed = True
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()

    def release(self) -> None:
        """Close the outbox connection (after the team thread has finished)."""
        if self._local is not None:
            self._local.close()
            self._local = None

    # -- on the team thread ---------------------------------------------------
    def _set(self, problem: str | None, notes: int, others: int) -> None:
        """A new state (``problem`` None: the same problem, new counts), told once."""
        with self._state_lock:  # the outbox's thread counts, the team's pushes
            state = OutboxState(self.state.problem if problem is None else problem, notes, others)
            if state == self.state:
                return
            self.state = state
            listener = self.listener
            if listener is not None:
                listener(state)  # only hands it to the event loop

    def outbox(self) -> Repository | None:
        """The outbox, opened on the team thread (None while there is no file)."""
        if self._local is None:
            if not self.path.exists():
                return None
            from callmate.store.repository import Repository

            self._local = Repository.open(self.path)
            prepare(self._local.engine)
            with self._local.engine.connect() as connection:
                self._prune_up_to = connection.exec_driver_sql("SELECT max(id) FROM calls").scalar()
        return self._local

    def _run(self) -> None:
        with self._lock:
            self._queued = False
        local: Repository | None = None
        try:
            local = self.outbox()
            if local is None:
                return
            with local.engine.connect() as connection:  # date moves too (waiting() skips them)
                idle = not connection.exec_driver_sql(
                    "SELECT EXISTS (SELECT 1 FROM outbox_changes)"
                ).scalar()
            if self._closed and self.state.problem == "offline":
                return  # quitting while the server is out of reach: not tried again
            if not idle:  # else the server is not asked (it may be down: nothing waits)
                team = self._team()
                # Quitting: the batch under way ends, the rest waits in the outbox
                # for the next start (the team's own writes queued behind go first).
                while push_batch(team, local.engine) and not self._closed:
                    pass
            if self._prune_up_to is not None:
                prune(local.engine, self._prune_up_to, set(frozenset(self.keep)))
                self._prune_up_to = None
        except Exception as error:  # kept in the outbox: tried again later
            offline = unreachable(error)
            if not offline:
                from callmate.store.service import failure_line

                line = failure_line(error, "A change could not be sent to the team database")
                if line != self._refused and self._report is not None:
                    self._refused = line
                    self._report(line)
            notes = others = 0
            if local is not None:
                with contextlib.suppress(Exception), local.engine.connect() as connection:
                    notes, others = waiting(connection)
            self._set("offline" if offline else "not sent", notes, others)
            self._retry()
            return
        self._delay = FIRST_RETRY
        self._refused = ""
        with local.engine.connect() as connection:
            notes, others = waiting(connection)
        self._set("", notes, others)

    def _retry(self) -> None:
        with self._lock:
            if self._closed or self._timer is not None:
                return
            delay, self._delay = self._delay, min(self._delay * 2, LAST_RETRY)
            timer = self._timer = threading.Timer(delay, self._again)
            timer.daemon = True
        timer.start()

    def _again(self) -> None:
        with self._lock:
            self._timer = None
        self.kick()
