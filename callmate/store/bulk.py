"""Every call out, or a file of calls in, at any size: plain SQL, a batch at a time.

``callmate export`` and ``callmate import`` run here, on a stdlib ``sqlite3``
connection, without SQLAlchemy or the ORM: 100,000 calls and a million notes
are read in batches of :data:`BATCH` calls (five queries a batch, never one a
call) and handed on as plain dicts in the JSON export's shape, so memory holds
one batch whatever the size of the history. An import inserts with
``executemany`` in one transaction; the search index is kept by the same
triggers as every other write (migration 5), so imported notes are found.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from callmate.domain import kinds
from callmate.domain.limits import OFFSET_MAX_SECONDS, ONE_LINE_MAX, TEXT_MAX
from callmate.domain.text import _CONTROL, _CONTROL_ONE_LINE, clean, clean_line, fit

if TYPE_CHECKING:
    from callmate.domain.models import Call

BATCH = 500
"""Calls read (or written) at a time: a few hundred keeps each ``IN (...)``
small and the memory of a batch a few MiB."""


def connect(path: Path) -> sqlite3.Connection:
    """The database at ``path`` (created or upgraded first), as the repository opens it.

    Autocommit mode: the callers open their own transaction. A file that
    can't be used raises :class:`~callmate.store.errors.StoreUnavailable`.
    """
    from callmate.store import migrations
    from callmate.store.errors import storage_errors

    with storage_errors(path):
        if migrations.schema_version(path) != migrations.LATEST:
            migrations.upgrade(path)
        db = sqlite3.connect(path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA busy_timeout=5000")
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except BaseException:
            db.close()
            raise
    return db


# -- reading: the export --------------------------------------------------------
# The values are made to fit exactly as the domain models make them fit when
# the ORM path reads a row (converters.call_from_row): the two exports agree.


def _one_line(text: str) -> str:
    """As the models' one-line fields read it; a value already clean (nearly all)
    is checked with one regex search instead of rebuilt."""
    if len(text) <= ONE_LINE_MAX and _CONTROL_ONE_LINE.search(text) is None:
        stripped = text.strip()
        if stripped is text or stripped == text:
            return text
    return fit(clean_line(text), ONE_LINE_MAX)


def _multi_line(text: str) -> str:
    if len(text) <= TEXT_MAX and _CONTROL.search(text) is None:  # no \r, nothing to drop
        return text.strip()
    return fit(clean(text).strip(), TEXT_MAX)


def _iso(value: str | None) -> str | None:
    """A stored moment (naive UTC text) as the export writes it: ISO 8601 with +00:00."""
    if value is None:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=UTC).isoformat()


def _day(value: str | None) -> str | None:
    return date.fromisoformat(value).isoformat() if value else None


def _clock(value: str | None) -> str | None:
    """A stored 'HH:MM' as exported; anything else reads as no time (as read_clock)."""
    if not value:
        return None
    try:
        hours, minutes = value.split(":")
        at = time(int(hours), int(minutes))
    except ValueError:
        return None
    return f"{at.hour:02d}:{at.minute:02d}"


def _offset(seconds: int) -> int:
    return min(max(seconds, 0), OFFSET_MAX_SECONDS)


def _marks(count: int) -> str:
    return ",".join("?" * count)


_CALLS = """
    SELECT k.id, k.status, k.connection, c.name, c.company, c.role, k.call_type, k.goal,
           k.backup_goal, k.outcome, k.reason, k.reason_text, k.goal_result,
           k.next_step_what, k.next_step_owner, k.next_step_due, k.next_step_time,
           k.next_step_done_at, k.follows_call_id, k.started_at, k.ended_at,
           k.paused_seconds, k.recap_subject, k.recap_body, k.uuid, c.uuid,
           c.email, c.phone, c.title
    FROM calls k JOIN contacts c ON c.id = k.contact_id
    WHERE k.id IN ({})"""


class _Enums:
    """The values each stored enum may hold, to fall back from an unknown one as
    the converters do. Read from the tables in :mod:`callmate.domain.kinds`
    (standard library only); the two enums of the models module are spelled
    out, as it loads pydantic (~0.3 s), which an export never needs:
    tests/test_data_commands.py holds them to the models' enums."""

    status = frozenset({"done", "live"})
    connection = frozenset(kinds.Connection)
    role = frozenset(kinds.ContactRole)
    call_type = frozenset(kinds.CallType)
    outcome = frozenset(kinds.Outcome)
    reason = frozenset(kinds.Reason)
    goal_result = frozenset(kinds.GoalResult)
    owner = frozenset(kinds.Owner)
    area = frozenset(kinds.ResearchArea)
    origin = frozenset({"bank", "carried", "own", "verify"})
    kind = frozenset(kinds.NoteKind)


def _pick(value: str | None, allowed: frozenset[str], default: str) -> str:
    value = value or default
    return value if value in allowed else default


def export_calls(db: sqlite3.Connection, batch: int = BATCH) -> Iterator[dict[str, Any]]:
    """Every kept call, oldest first, as the JSON export's dicts (keys in its order).

    One read transaction, so a call saved meanwhile is in or out, never half.
    Set-aside (discarded) calls are never exported.
    """
    enums = _Enums()
    began = not db.in_transaction
    if began:
        db.execute("BEGIN")
    try:
        ids = [
            row[0]
            for row in db.execute(
                "SELECT id FROM calls WHERE discarded_at IS NULL ORDER BY started_at, id"
            )
        ]
        for start in range(0, len(ids), batch):
            yield from _export_batch(db, ids[start : start + batch], enums)
    finally:
        if began and db.in_transaction:
            db.execute("COMMIT")


def export_ids(
    db: sqlite3.Connection, ids: list[int], batch: int = BATCH
) -> Iterator[dict[str, Any]]:
    """The calls of ``ids``, in that order, as :func:`export_calls` gives them
    (``db push`` reads only the calls it has to write). In the caller's read
    transaction, if it has one."""
    enums = _Enums()
    for start in range(0, len(ids), batch):
        yield from _export_batch(db, ids[start : start + batch], enums)


def export_team_calls(engine: Any, batch: int = BATCH) -> Generator[dict[str, Any], None, None]:
    """:func:`export_calls` on the team database (PostgreSQL), ``engine`` SQLAlchemy's.

    The same batch queries make the same dicts (through
    :class:`~callmate.store.queries.PgReads`, which gives PostgreSQL's values
    as SQLite stores them), in one ``REPEATABLE READ`` transaction: a snapshot,
    as SQLite's read transaction is. The call ids come from a server-side
    cursor a batch at a time, so memory holds one batch whatever the size of
    the history.
    """
    from sqlalchemy import text

    from callmate.store.queries import PgReads

    enums = _Enums()
    with engine.connect() as connection:
        connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            reads: Any = _IdsAsArray(PgReads(connection))
            ids = connection.execute(
                text("SELECT id FROM calls WHERE discarded_at IS NULL ORDER BY started_at, id"),
                execution_options={"stream_results": True, "yield_per": batch},
            )
            for part in ids.partitions(batch):
                yield from _export_batch(reads, [row[0] for row in part], enums)


class _IdsAsArray:
    """:class:`~callmate.store.queries.PgReads` for :func:`_export_batch`, whose
    every statement is given the batch's ids for one ``IN (?, ?, …)``: sent as
    one array (``= ANY(:ids)``), so a statement is one bind, compiled and
    parsed once, not 500 binds each time (a third of the export's time)."""

    def __init__(self, reads: Any) -> None:
        self.reads = reads

    def execute(self, sql: str, ids: list[int]) -> Any:
        marks = _marks(len(ids))
        return self.reads.execute(sql.replace(f"IN ({marks})", "= ANY(:ids)"), {"ids": ids})


def _export_batch(
    db: sqlite3.Connection, ids: list[int], enums: _Enums
) -> Iterator[dict[str, Any]]:
    marks = _marks(len(ids))
    rows = {row[0]: row for row in db.execute(_CALLS.format(marks), ids)}
    research: dict[int, list[dict[str, Any]]] = {}
    for call_id, area, text, said in db.execute(
        f"SELECT call_id, area, text, said FROM research WHERE call_id IN ({marks})"
        " ORDER BY call_id, position, id",
        ids,
    ):
        research.setdefault(call_id, []).append(
            {"area": _pick(area, enums.area, "know"), "text": _one_line(text), "said": bool(said)}
        )
    questions: dict[int, list[dict[str, Any]]] = {}
    for call_id, text, asked, origin in db.execute(
        f"SELECT call_id, text, asked, origin FROM questions WHERE call_id IN ({marks})"
        " ORDER BY call_id, position, id",
        ids,
    ):
        questions.setdefault(call_id, []).append(
            {
                "text": _one_line(text),
                "asked": bool(asked),
                "origin": _pick(origin, enums.origin, "own"),
            }
        )
    moves: dict[tuple[int, int | None], list[str]] = {}
    for call_id, note_id, from_date in db.execute(
        f"SELECT call_id, note_id, from_date FROM date_moves WHERE call_id IN ({marks})"
        " ORDER BY id",
        ids,
    ):
        moves.setdefault((call_id, note_id), []).append(_day(from_date) or "")
    notes: dict[int, list[dict[str, Any]]] = {}
    for (
        call_id,
        note_id,
        kind,
        text,
        offset,
        due,
        due_time,
        owner,
        done_at,
        in_email,
        note_uuid,
    ) in db.execute(
        "SELECT call_id, id, kind, text, offset_seconds, due, due_time, owner, done_at,"
        f" in_email, uuid FROM notes WHERE call_id IN ({marks}) AND deleted_at IS NULL"
        " ORDER BY call_id, id",
        ids,
    ):
        kind = _pick(kind, enums.kind, "note")
        note: dict[str, Any] = {
            "uuid": note_uuid,
            "kind": kind,
            "text": _multi_line(text),
            "offset_seconds": _offset(offset),
        }
        if kind == "ours" or kind == "theirs":
            day = _day(due)
            note["owner"] = _one_line(owner)
            note["due"] = day
            note["time"] = _clock(due_time) if day else None
            note["done_at"] = _iso(done_at)
            note["moved_from"] = moves.get((call_id, note_id), []) if day else []
        if in_email is not None:
            note["in_email"] = bool(in_email)
        notes.setdefault(call_id, []).append(note)
    for call_id in ids:
        row = rows.get(call_id)
        if row is not None:
            yield _call(row, research, questions, notes, moves, enums)


def _call(
    row: tuple[Any, ...],
    research: dict[int, list[dict[str, Any]]],
    questions: dict[int, list[dict[str, Any]]],
    notes: dict[int, list[dict[str, Any]]],
    moves: dict[tuple[int, int | None], list[str]],
    enums: _Enums,
) -> dict[str, Any]:
    (
        call_id,
        status,
        connection,
        name,
        company,
        role,
        call_type,
        goal,
        backup_goal,
        outcome,
        reason,
        reason_text,
        goal_result,
        step_what,
        step_owner,
        step_due,
        step_time,
        step_done_at,
        follows,
        started_at,
        ended_at,
        paused,
        recap_subject,
        recap_body,
        call_uuid,
        contact_uuid,
        email,
        phone,
        title,
    ) = row
    step = None
    if step_what is not None and step_due is not None:
        step = {
            "what": _one_line(step_what),
            "owner": _pick(step_owner, enums.owner, "us"),
            "date": _day(step_due),
            "time": _clock(step_time),
            "done_at": _iso(step_done_at),
            "moved_from": moves.get((call_id, None), []),
        }
    return {
        "id": call_id,
        "uuid": call_uuid,
        "status": _pick(status, enums.status, "done"),
        "connection": _pick(connection, enums.connection, "connected"),
        "contact": {
            "name": _one_line(name),
            "company": _one_line(company),
            "role": _pick(role, enums.role, "other"),
            "uuid": contact_uuid,
            "email": _one_line(email),
            "phone": _one_line(phone),
            "title": _one_line(title),
        },
        "call_type": _pick(call_type, enums.call_type, "discovery"),
        "goal": _one_line(goal),
        "backup_goal": _one_line(backup_goal),
        "research": research.get(call_id, []),
        "questions": questions.get(call_id, []),
        "notes": notes.get(call_id, []),
        "outcome": _pick(outcome, enums.outcome, "maybe") if outcome else None,
        "reason": _pick(reason, enums.reason, "other") if reason else None,
        "reason_text": _one_line(reason_text),
        "goal_result": _pick(goal_result, enums.goal_result, "neither") if goal_result else None,
        "next_step": step,
        "follows_call_id": follows,
        "started_at": _iso(started_at),
        "ended_at": _iso(ended_at),
        "paused_seconds": _offset(paused),
        "recap": (
            {"subject": _one_line(recap_subject or ""), "body": _multi_line(recap_body)}
            if recap_body is not None
            else None
        ),
    }


# -- writing: the import ---------------------------------------------------------
def call_fields(
    call: Call,
    moment: Callable[[datetime | None], Any],
    day: Callable[[date | None], Any],
    clock: Callable[[time | None], Any],
) -> tuple[Any, ...]:
    """A call's stored columns from ``goal`` to ``connection``, in the order
    both bulk writers use (here for SQLite, :mod:`callmate.store.pg_import`
    for the team database), each moment, day and time of day written by the
    given function (the two stores' forms differ)."""
    step = call.next_step
    return (
        call.goal,
        call.backup_goal,
        call.status.value,
        moment(call.started_at),
        moment(call.ended_at),
        call.outcome.value if call.outcome else None,
        step.what if step else None,
        step.owner.value if step else None,
        day(step.due) if step else None,
        clock(step.due_time) if step else None,
        call.call_type.value,
        call.paused_seconds,
        call.reason.value if call.reason else None,
        call.reason_text,
        call.goal_result.value if call.goal_result else None,
        call.recap_subject,
        call.recap_body,
        moment(call.next_step_done_at),
        call.connection.value,
    )


def _stamp(moment: datetime | None) -> str | None:
    """A moment as SQLAlchemy stores it (naive UTC, always with microseconds),
    so rows imported here compare and sort with rows the app wrote."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} "
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}.{moment.microsecond:06d}"
    )


def _date(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _time(at: time | None) -> str | None:
    return None if at is None else f"{at.hour:02d}:{at.minute:02d}"


_INSERT_CALL = """
    INSERT INTO calls (id, contact_id, goal, backup_goal, status, started_at, ended_at, outcome,
        next_step_what, next_step_owner, next_step_due, next_step_time, call_type,
        paused_seconds, reason, reason_text, goal_result, recap_subject, recap_body,
        next_step_done_at, connection, uuid)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
_INSERT_NOTE = """
    INSERT INTO notes (id, call_id, kind, text, offset_seconds, created_at, due, due_time,
        owner, done_at, in_email, uuid)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
_INSERT_QUESTION = (
    "INSERT INTO questions (call_id, position, text, asked, origin) VALUES (?, ?, ?, ?, ?)"
)
_INSERT_RESEARCH = (
    "INSERT INTO research (call_id, position, area, text, said) VALUES (?, ?, ?, ?, ?)"
)
_INSERT_MOVE = (
    "INSERT INTO date_moves (call_id, note_id, from_date, to_date, moved_at) VALUES (?, ?, ?, ?, ?)"
)


class DuplicateCallIdError(ValueError):
    """The same call id twice in one import."""


class DuplicateNoteError(ValueError):
    """The same note uuid twice in one import file."""


def import_calls(db: sqlite3.Connection, calls: Iterable[Call], batch: int = BATCH) -> int:
    """Add ``calls`` (from an export, read as they stream) in one transaction: all or none.

    Into an empty database the calls keep their ids, so an export and an
    import give back the same calls, ids and links included; otherwise they
    are numbered after the existing ones and links follow them. A call
    whose uuid the database already holds (or that came earlier in the
    file) is not added again: importing a file twice adds nothing the second
    time. Anything raised while ``calls`` is read (a bad record further on)
    rolls back every row written before it. The ids are given here, not by
    SQLite, so rows go in ``batch`` calls at a time with ``executemany``.
    The number of calls added.
    """
    return import_calls_counted(db, calls, batch)[0]


def import_calls_counted(
    db: sqlite3.Connection, calls: Iterable[Call], batch: int = BATCH
) -> tuple[int, int]:
    """:func:`import_calls`, saying also how many calls were there already."""
    began = not db.in_transaction
    if began:
        db.execute("BEGIN IMMEDIATE")
    try:
        with _search_filled_after(db):
            counts = _import(db, calls, batch)
    except sqlite3.IntegrityError as error:
        if began and db.in_transaction:
            db.execute("ROLLBACK")
        if "notes.uuid" in str(error):
            raise DuplicateNoteError("the same note (its uuid) appears twice in the file") from None
        raise
    except BaseException:
        if began and db.in_transaction:
            db.execute("ROLLBACK")
        raise
    if began:
        db.execute("COMMIT")
    return counts


_SEARCH_FILLS = {
    # trigger (migration 5) -> the same rows it would add, for rows after a given id
    "calls_search_insert": """INSERT INTO search_calls (rowid, text)
        SELECT id, goal || ' ' || backup_goal || ' ' || coalesce(next_step_what, '') || ' '
            || reason_text FROM calls WHERE id > ?""",
    "notes_search_insert": """INSERT INTO search_notes (rowid, text)
        SELECT id, text FROM notes WHERE id > ? AND deleted_at IS NULL""",
    "research_search_insert": """INSERT INTO search_research (rowid, text)
        SELECT id, text FROM research WHERE id > ?""",
}
_TABLE_OF = {
    "calls_search_insert": "calls",
    "notes_search_insert": "notes",
    "research_search_insert": "research",
}


@contextmanager
def _search_filled_after(db: sqlite3.Connection) -> Iterator[None]:
    """Fill the search index for the rows added in the block in one statement a table.

    The insert triggers add a row to an FTS5 table per inserted row, and FTS5
    writes its pending terms out at every statement: ~150 µs a note, most of
    an import's time. So for the block they are set aside (inside the
    import's transaction: a failure rolls the triggers back with the rows)
    and the index gets the same rows afterwards, with the trigger's own
    expression, all at once. Then the triggers are put back as they were.
    """
    triggers = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?, ?)",
        tuple(_SEARCH_FILLS),
    ).fetchall()
    last = {
        name: db.execute(f"SELECT coalesce(max(id), 0) FROM {_TABLE_OF[name]}").fetchone()[0]
        for name, _sql in triggers
    }
    for name, _sql in triggers:
        db.execute(f"DROP TRIGGER {name}")
    yield
    for name, sql in triggers:
        db.execute(_SEARCH_FILLS[name], (last[name],))
        db.execute(sql)


def _next_id(db: sqlite3.Connection, table: str) -> int:
    return int(db.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0])


def _import(db: sqlite3.Connection, calls: Iterable[Call], batch: int) -> tuple[int, int]:
    from callmate.store.stable_ids import new_uuid, with_stable_ids

    calls = with_stable_ids(calls)  # a file from before uuids: ids from its content

    keep_ids = db.execute("SELECT count(*) FROM (SELECT 1 FROM calls LIMIT 1)").fetchone()[0] == 0
    next_call = _next_id(db, "calls")
    next_note = _next_id(db, "notes")
    contacts: dict[tuple[str, str], int] = {}
    new_ids: dict[int, int] = {}
    seen: set[str] = set()  # the calls' uuids so far: a call given twice goes in once
    held = 0  # calls the database (or the file, earlier) already had
    follows: list[tuple[int, int]] = []  # (new row id, the id it follows in the file)
    rows: dict[str, list[tuple[Any, ...]]] = {
        "calls": [],
        "notes": [],
        "questions": [],
        "research": [],
        "moves": [],
    }
    pending = 0
    count = 0
    for call in calls:
        if call.uuid is not None:
            there = call.uuid in seen
            if not there and not keep_ids:  # an empty database holds none of them
                found = db.execute("SELECT id FROM calls WHERE uuid = ?", (call.uuid,)).fetchone()
                if found is not None:
                    there = True
                    if call.id is not None:
                        new_ids.setdefault(call.id, found[0])  # links to it still land
            if there:
                held += 1
                continue
            seen.add(call.uuid)
        key = (call.contact.name.lower(), call.contact.company.lower())
        contact_id = contacts.get(key)
        if contact_id is None:
            contact_id = contacts[key] = _contact(db, call)
        if keep_ids and call.id is not None:
            if call.id in new_ids:
                raise DuplicateCallIdError("the same call id appears twice")
            row_id = call.id
            next_call = max(next_call, row_id + 1)
        else:
            if call.id is not None and call.id in new_ids:
                raise DuplicateCallIdError("the same call id appears twice")
            row_id = next_call
            next_call += 1
        if call.id is not None:
            new_ids[call.id] = row_id
        if call.follows_call_id is not None:
            follows.append((row_id, call.follows_call_id))
        step = call.next_step
        rows["calls"].append(
            (
                row_id,
                contact_id,
                *call_fields(call, _stamp, _date, _time),
                call.uuid or new_uuid(),
            )
        )
        rows["questions"] += [
            (row_id, i, q.text, int(q.asked), q.origin.value) for i, q in enumerate(call.questions)
        ]
        rows["research"] += [
            (row_id, i, r.area.value, r.text, int(r.said)) for i, r in enumerate(call.research)
        ]
        moved_at = _stamp(call.ended_at or call.started_at)
        if step is not None:
            rows["moves"] += _moves(row_id, None, step.moved_from, step.due, moved_at)
        for note in call.notes:
            note_id = next_note
            next_note += 1
            rows["notes"].append(
                (
                    note_id,
                    row_id,
                    note.kind.value,
                    note.text,
                    note.offset_seconds,
                    _stamp(note.created_at or call.started_at),
                    _date(note.due),
                    _time(note.due_time) if note.due else None,
                    note.owner,
                    _stamp(note.done_at),
                    None if note.in_email is None else int(note.in_email),
                    note.uuid or new_uuid(),
                )
            )
            if note.due is not None and note.moved_from:
                rows["moves"] += _moves(row_id, note_id, note.moved_from, note.due, moved_at)
        count += 1
        pending += 1
        if pending >= batch:
            _flush(db, rows, fresh=keep_ids)
            pending = 0
    _flush(db, rows, fresh=keep_ids)
    links = [(new_ids[old], new) for new, old in follows if old in new_ids]
    db.executemany("UPDATE calls SET follows_call_id = ? WHERE id = ?", links)
    return count, held


def _moves(
    call_id: int, note_id: int | None, moved_from: list[date], due: date, at: str | None
) -> list[tuple[Any, ...]]:
    """One row per earlier date, as converters.history_rows."""
    return [
        (call_id, note_id, old.isoformat(), new.isoformat(), at)
        for old, new in pairwise([*moved_from, due])
    ]


def _contact(db: sqlite3.Connection, call: Call) -> int:
    """The same contact (its uuid), else a same-named one at the same company (its
    company and role updated, and its e-mail, phone and title where the file
    gives one: an export made before them leaves them as they are), or a new one."""
    from callmate.store.stable_ids import new_uuid

    contact = call.contact
    found = None
    if contact.uuid is not None:
        found = db.execute("SELECT id FROM contacts WHERE uuid = ?", (contact.uuid,)).fetchone()
    if found is None:
        found = db.execute(  # compared as the repository compares (SQL lower() = Python's)
            "SELECT id FROM contacts WHERE lower(name) = ? AND lower(company) = ?"
            " ORDER BY id DESC LIMIT 1",
            (contact.name.lower(), contact.company.lower()),
        ).fetchone()
    if found is not None:
        db.execute(
            "UPDATE contacts SET company = ?, role = ?, email = coalesce(nullif(?, ''), email),"
            " phone = coalesce(nullif(?, ''), phone), title = coalesce(nullif(?, ''), title)"
            " WHERE id = ?",
            (
                contact.company,
                contact.role.value,
                contact.email,
                contact.phone,
                contact.title,
                found[0],
            ),
        )
        return int(found[0])
    cursor = db.execute(
        "INSERT INTO contacts (name, company, created_at, role, uuid, email, phone, title)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            contact.name,
            contact.company,
            _stamp(call.started_at),
            contact.role.value,
            contact.uuid or new_uuid(),
            contact.email,
            contact.phone,
            contact.title,
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _flush(db: sqlite3.Connection, rows: dict[str, list[tuple[Any, ...]]], *, fresh: bool) -> None:
    """Write the rows gathered so far; calls first (the others point at them).

    Into a database that held calls before, a note of a new call whose uuid
    is already taken (the same note copied into another call, by hand) gets
    a new one: it is kept, as a note of its own. One indexed query a batch.
    """
    if not fresh and rows["notes"]:
        _renumber_taken(db, rows["notes"])
    for name, statement in (
        ("calls", _INSERT_CALL),
        ("notes", _INSERT_NOTE),
        ("questions", _INSERT_QUESTION),
        ("research", _INSERT_RESEARCH),
        ("moves", _INSERT_MOVE),
    ):
        if rows[name]:
            db.executemany(statement, rows[name])
            rows[name].clear()


def _renumber_taken(db: sqlite3.Connection, notes: list[tuple[Any, ...]]) -> None:
    from callmate.store.stable_ids import new_uuid

    wanted = [row[-1] for row in notes]
    taken: set[str] = set()
    for start in range(0, len(wanted), 900):
        part = wanted[start : start + 900]
        taken.update(
            found
            for (found,) in db.execute(
                f"SELECT uuid FROM notes WHERE uuid IN ({_marks(len(part))})", part
            )
        )
    if taken:
        notes[:] = [(*row[:-1], new_uuid()) if row[-1] in taken else row for row in notes]


SEQUENCED = ("contacts", "calls", "notes", "questions", "research", "date_moves")
"""The tables whose ids PostgreSQL numbers from a sequence (``SERIAL``)."""


def reset_sequences(connection: Any) -> None:
    """On PostgreSQL, set each table's id sequence past its highest id.

    A row written with an explicit id (an import keeping an export's ids)
    does not move the sequence: without this, the next row numbered by it
    collides with the imported one. ``connection`` is a SQLAlchemy
    connection to PostgreSQL, inside the transaction that wrote the ids.

    Never backwards: a rep connected under row-level security may not see
    every row (another rep's private notes), so the highest id they see can be
    below the sequence's; the sequence's own next value is kept then.
    """
    from sqlalchemy import text

    for table in SEQUENCED:
        sequence = connection.execute(
            text(f"SELECT pg_get_serial_sequence('{table}', 'id')")
        ).scalar_one()
        connection.execute(
            text(
                f"SELECT setval('{sequence}', greatest(coalesce(max(t.id), 0) + 1, "
                "(SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END "
                f"FROM {sequence})), false) FROM {table} t"
            )
        )
