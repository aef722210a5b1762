"""Calls imported (or pushed) into the team database: a batch at a time, by COPY.

:meth:`Repository.import_calls <callmate.store.repository.Repository.import_calls>`
on PostgreSQL, with the rules of :func:`callmate.store.bulk.import_calls` (the
SQLite path): one transaction (all or nothing; the caller's), calls matched by
uuid (a call the team database already holds, or one given twice, is not
added again, and a follow-up link to it still lands), contacts by uuid and
then by name and company (their company and role updated), ids kept into an
empty database and the id sequences then set past them.

The calls stream in: :data:`BATCH` calls at a time, a handful of queries a
batch (which calls and contacts are already there, ids reserved from the
sequences) and one ``COPY`` a table, instead of the ORM's statement or two per
row (15 minutes for 100,000 calls), written by a thread of its own while the
next batch is read. Memory holds three batches at most, plus a uuid and an id
or two per call for the links. What the schema's triggers and generated
columns do is left to them, as for any other write: the search columns
(``GENERATED ... STORED``, pg_schema version 2) are filled by the server, and
"last called" by the insert trigger; the date history triggers fire only on an
UPDATE of a date, which this never does (the follow-up links are the only
UPDATE), so the history imported is exactly the file's.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice, pairwise
from queue import Queue
from typing import TYPE_CHECKING, Any

from callmate.store import bulk, pg_schema
from callmate.store.converters import clock_text
from callmate.store.stable_ids import new_uuid, with_stable_ids

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from callmate.domain.models import Call, Contact, Note

BATCH = 500
"""Calls a batch (~5,000 notes): a handful of queries and a COPY a table for each.
Three batches at most are held at once (one read, one queued, one written)."""

_CALL_COLUMNS = (
    "id, uuid, contact_id, goal, backup_goal, status, started_at, ended_at, outcome, "
    "next_step_what, next_step_owner, next_step_due, next_step_time, call_type, paused_seconds, "
    "reason, reason_text, goal_result, recap_subject, recap_body, next_step_done_at, connection"
)
_COPIES = {
    "calls": f"COPY calls ({_CALL_COLUMNS}) FROM STDIN",
    "notes": "COPY notes (id, uuid, call_id, kind, text, offset_seconds, created_at, due, "
    "due_time, owner, done_at, in_email) FROM STDIN",
    "questions": "COPY questions (call_id, position, text, asked, origin) FROM STDIN",
    "research": "COPY research (call_id, position, area, text, said) FROM STDIN",
    "date_moves": "COPY date_moves (call_id, note_id, from_date, to_date, moved_at) FROM STDIN",
}
"""Calls first: the other tables point at them (and date moves at notes)."""


def _naive(moment: datetime | None) -> datetime | None:
    """As :class:`callmate.store.schema.UTCDateTime` stores a moment: naive UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _batches(calls: Iterable[Call], size: int) -> Iterator[list[Call]]:
    stream = iter(calls)
    while chunk := list(islice(stream, size)):
        yield chunk


def import_calls(
    connection: Connection,
    calls: Iterable[Call],
    batch: int | None = None,
    *,
    there: dict[int, int] | None = None,
) -> int:
    """Add ``calls`` inside ``connection``'s transaction, ``batch`` (default
    :data:`BATCH`) at a time; the number added.

    ``there``: calls the caller left out because the team database holds them
    (:func:`calls_held`), as {the file's id: the row's}, so a follow-up link to
    one still lands. Anything raised part way (a bad record read further on, a
    row the server refuses) leaves the transaction to be rolled back by its
    owner: nothing of the import stays.
    """
    job = _Import(connection)
    job.new_ids.update(there or {})
    return job.run(with_stable_ids(calls), batch or BATCH)


@dataclass(frozen=True, slots=True)
class Held:
    """A call the team database holds, as ``db push`` compares it with the local one."""

    team_id: int
    status: str
    notes: int
    """Its notes not deleted."""
    tail: int
    """The sum of their uuids' :func:`uuid_tail`."""


def uuid_tail(uuid: str | None) -> int:
    """A uuid's last 10 hex digits (40 bits; random, or a hash, in every uuid
    callmate writes) as a number: summed over a call's notes on each side, two
    sums that differ say the notes differ. 0 for something that is not one."""
    try:
        return int(uuid[-10:], 16) if uuid else 0
    except ValueError:
        return 0


_UUID_TAIL = "('x' || right(n.uuid, 10))::bit(40)::bigint"
""":func:`uuid_tail` in PostgreSQL."""


def calls_held(connection: Connection, calls: Iterable[tuple[int, str | None]]) -> dict[int, Held]:
    """Of ``calls`` ((id, uuid) pairs), those whose uuid the team database holds:
    {id: what it holds}, with the number of the call's notes and the sum of
    their uuid tails. 20,000 uuids at a time, two queries each: the calls by
    uuid, then one aggregate of their notes (``GROUP BY call_id``). Not one
    query joining the two: with the statistics of a table just filled (the
    first push, the second pushed right after it) PostgreSQL planned that join
    as a scan of every note for each call, minutes; each of these two is at
    worst one scan of its table."""
    db: Any = connection.connection.driver_connection
    found: dict[int, Held] = {}
    stream = iter(calls)
    while chunk := list(islice(stream, 20000)):
        ids = {uuid: id_ for id_, uuid in chunk if uuid is not None}
        if not ids:
            continue
        with db.cursor() as cursor:
            cursor.execute(  # never prepared: a generic plan can't hash the array
                "SELECT uuid, id, status FROM calls WHERE uuid = ANY(%s)",
                (list(ids),),
                prepare=False,
            )
            calls_there = {team_id: (ids[uuid], status) for uuid, team_id, status in cursor}
            if not calls_there:
                continue
            cursor.execute(
                f"SELECT n.call_id, count(*), sum({_UUID_TAIL}) FROM notes n"
                " WHERE n.call_id = ANY(%s) AND n.deleted_at IS NULL GROUP BY n.call_id",
                (list(calls_there),),
                prepare=False,
            )
            notes = {team_id: (count, tail) for team_id, count, tail in cursor}
        for team_id, (id_, status) in calls_there.items():
            count, tail = notes.get(team_id, (0, 0))
            found.setdefault(id_, Held(team_id, status, int(count), int(tail)))
    return found


def bring_up_to_date(
    connection: Connection,
    calls: Iterable[Call],
    there: dict[int, int],
    deleted: Mapping[int, list[str]] | None = None,
) -> tuple[int, int]:
    """What changed locally in calls the team database already holds (``there``:
    {the local id: the team's}), inside ``connection``'s transaction, a batch at
    a time: (notes added, calls closed).

    * A note whose uuid the team database does not hold is added to the call,
      once (the next push finds its uuid there).
    * A call the team holds open (pushed while it was live) and closed here
      since arrives closed: the call as closed here (outcome, next step and its
      earlier dates, recap, the questions asked, the research said), and its
      notes as they are here: their text and commitments brought over, a note
      deleted here (``deleted``: {the local call id: its deleted notes' uuids})
      marked deleted there; a note the team holds that this file never had
      (added to the team's copy meanwhile) is left as it is.
    * Nothing else the team database holds is changed: a note edited or deleted
      here after its call arrived closed stays as the team has it.
    """
    job = _Import(connection)
    added = closed = 0
    for chunk in _batches(calls, BATCH):
        more, shut = job.bring_up_to_date(chunk, there, deleted or {})
        added += more
        closed += shut
    return added, closed


def _as_insert(copy: str, width: int) -> str:
    """``COPY t (a, b) FROM STDIN`` as ``INSERT INTO t (a, b) VALUES (%s, %s)``."""
    target = copy.removeprefix("COPY ").removesuffix(" FROM STDIN")
    return f"INSERT INTO {target} VALUES ({', '.join(['%s'] * width)})"


class _Import:
    def __init__(self, connection: Connection) -> None:
        self.db: Any = connection.connection.driver_connection  # psycopg, same transaction
        self.keep_ids = self._one("SELECT NOT EXISTS (SELECT 1 FROM calls)")
        self.contacts: dict[tuple[str, str], int] = {}  # (name, company) lowered -> id
        self.new_ids: dict[int, int] = {}  # the file's call id -> the row's
        self.seen: set[str] = set()  # the calls' uuids so far: a call given twice goes in once
        self.follows: list[tuple[int, int]] = []  # (row id, the file's id it follows)
        self.next_call = 1  # into an empty database: a call without an id goes after the rest
        self.count = 0
        self.row_security = self._one("SELECT row_security_active('calls')")
        """A rep's push (team schema 3): row-level security holds this role, and
        PostgreSQL refuses ``COPY FROM`` into such a table, so the rows go by
        ``INSERT`` (executemany, pipelined by psycopg); the owner's still by COPY."""

    def _one(self, sql: str, params: Any = None) -> Any:
        with self.db.cursor() as cursor:
            row = cursor.execute(sql, params).fetchone()
        return row[0]

    def _all(self, sql: str, params: Any = None) -> list[Any]:
        with self.db.cursor() as cursor:
            return list(cursor.execute(sql, params).fetchall())

    def _ids(self, table: str, count: int) -> list[int]:
        """``count`` ids from ``table``'s sequence: taken, so a rep writing
        meanwhile never gets one of them."""
        if count == 0:
            return []
        return [
            row[0]
            for row in self._all(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                (table, count),
            )
        ]

    def run(self, calls: Iterable[Call], batch: int) -> int:
        """Batches are read (and checked, for a push) here while the one before is
        written by a thread of its own: reading is Python's work, writing mostly
        the server's (the search columns, the indexes), so the two overlap. The
        writer takes the batches in order, one at a time, and is always joined
        before this returns or raises: the transaction is never ended under it."""
        chunks: Queue[list[Call] | None] = Queue(maxsize=1)
        failed: list[BaseException] = []

        def write() -> None:
            while (chunk := chunks.get()) is not None:
                if not failed:
                    try:
                        self._batch(chunk)
                    except BaseException as error:  # handed to the reading thread
                        failed.append(error)

        writer = threading.Thread(target=write, name="callmate-import-writer", daemon=True)
        writer.start()
        try:
            for chunk in _batches(calls, batch):
                if failed:
                    break
                chunks.put(chunk)
        finally:
            chunks.put(None)
            writer.join()
        if failed:
            error = failed[0]
            constraint = getattr(getattr(error, "diag", None), "constraint_name", None)
            if constraint == "ux_notes_uuid":  # as the SQLite import says it
                raise bulk.DuplicateNoteError(
                    "the same note (its uuid) appears twice in the file"
                ) from None
            raise error
        links = [(self.new_ids[old], new) for new, old in self.follows if old in self.new_ids]
        if links:
            with self.db.cursor() as cursor:  # psycopg pipelines executemany
                cursor.executemany("UPDATE calls SET follows_call_id = %s WHERE id = %s", links)
        if self.keep_ids:  # ids written as given leave the sequences behind
            with self.db.cursor() as cursor:
                for table in bulk.SEQUENCED:
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"coalesce(max(id), 0) + 1, false) FROM {table}"
                    )
        return self.count

    # -- calls already there (db push) -------------------------------------------
    def bring_up_to_date(
        self, chunk: list[Call], there: dict[int, int], deleted: Mapping[int, list[str]]
    ) -> tuple[int, int]:
        """:func:`bring_up_to_date` for one batch: four queries, then the writes."""
        team_id = {id(call): there[call.id or 0] for call in chunk}
        if self.row_security:  # a rep: another's call (its history pushed by them) is theirs
            mine = (
                "SELECT id, status FROM calls WHERE id = ANY(%s)"
                f" AND {pg_schema.OWNER_COLUMN} = CURRENT_USER"
            )
        else:
            mine = "SELECT id, status FROM calls WHERE id = ANY(%s)"
        status = dict(self._all(mine, (list(team_id.values()),)))
        chunk = [call for call in chunk if team_id[id(call)] in status]
        present: dict[str, tuple[int, int]] = {
            uuid: (note_id, call_id)
            for uuid, note_id, call_id in self._all(
                "SELECT uuid, id, call_id FROM notes WHERE uuid = ANY(%s::text[])",
                ([note.uuid for call in chunk for note in call.notes if note.uuid],),
            )
        }
        closing = [
            call
            for call in chunk
            if call.status.value == "done" and status.get(team_id[id(call)]) == "live"
        ]
        fresh = [
            (call, note)
            for call in chunk
            for note in call.notes
            if note.uuid is None or note.uuid not in present
        ]
        note_ids = self._ids("notes", len(fresh))
        notes: list[tuple[Any, ...]] = []
        moves: list[tuple[Any, ...]] = []
        row_of: dict[int, int] = {}  # id(note) -> its row in the team database
        closing_ids = {id(call) for call in closing}
        for (call, note), note_id in zip(fresh, note_ids, strict=True):
            row_of[id(note)] = note_id
            notes.append(_note_row(note, note_id, team_id[id(call)], call))
            if id(call) not in closing_ids:  # a closing call's history is rebuilt below
                moves += _note_moves(note, note_id, team_id[id(call)], call)
        with self.db.cursor() as cursor:
            if notes:
                cursor.executemany(_as_insert(_COPIES["notes"], len(notes[0])), notes)
            if closing:
                self._close(cursor, closing, team_id, present, row_of, moves, deleted)
            if moves:
                cursor.executemany(_as_insert(_COPIES["date_moves"], 5), moves)
        return len(fresh), len(closing)

    def _close(
        self,
        cursor: Any,
        closing: list[Call],
        team_id: dict[int, int],
        present: dict[str, tuple[int, int]],
        row_of: dict[int, int],
        moves: list[tuple[Any, ...]],
        deleted: Mapping[int, list[str]],
    ) -> None:
        """Calls the team holds open, closed here since: brought over as closed here
        (their questions, research and date history replaced by the local ones)."""
        ids = [team_id[id(call)] for call in closing]
        calls, edits, kept = [], [], []
        questions: list[tuple[Any, ...]] = []
        research: list[tuple[Any, ...]] = []
        for call in closing:
            row_id = team_id[id(call)]
            calls.append((*_call_row(call, row_id, 0)[3:], row_id))
            gone = deleted.get(call.id or 0)
            if gone:
                kept.append((row_id, gone))
            for note in call.notes:
                held = present.get(note.uuid or "")
                if held is not None and held[1] == row_id:
                    row_of[id(note)] = held[0]
                    edits.append((*_note_row(note, held[0], row_id, call)[3:], held[0]))
                if id(note) in row_of:
                    moves += _note_moves(note, row_of[id(note)], row_id, call)
            questions += [
                (row_id, i, q.text, q.asked, q.origin.value) for i, q in enumerate(call.questions)
            ]
            research += [
                (row_id, i, r.area.value, r.text, r.said) for i, r in enumerate(call.research)
            ]
            moves += _step_moves(call, row_id)
        columns = _CALL_COLUMNS.split(", ")[3:]
        cursor.executemany(
            f"UPDATE calls SET {', '.join(f'{c} = %s' for c in columns)}"
            " WHERE id = %s AND status = 'live'",
            calls,
        )
        if edits:
            cursor.executemany(
                "UPDATE notes SET kind = %s, text = %s, offset_seconds = %s, created_at = %s,"
                " due = %s, due_time = %s, owner = %s, done_at = %s, in_email = %s WHERE id = %s",
                edits,
            )
        if kept:  # only the notes deleted here: not those this file never had
            cursor.executemany(
                "UPDATE notes SET deleted_at = now() AT TIME ZONE 'UTC'"
                " WHERE call_id = %s AND deleted_at IS NULL AND lower(uuid) = ANY(%s::text[])",
                kept,
            )
        for table in ("questions", "research", "date_moves"):  # after the updates' triggers
            cursor.execute(f"DELETE FROM {table} WHERE call_id = ANY(%s)", (ids,))
        if questions:
            cursor.executemany(_as_insert(_COPIES["questions"], 5), questions)
        if research:
            cursor.executemany(_as_insert(_COPIES["research"], 5), research)

    # -- one batch ---------------------------------------------------------------
    def _batch(self, chunk: list[Call]) -> None:
        found: dict[str, int] = {}
        if not self.keep_ids:  # an empty database holds none of them
            wanted = [c.uuid for c in chunk if c.uuid is not None and c.uuid not in self.seen]
            if wanted:
                found = dict(
                    self._all("SELECT uuid, id FROM calls WHERE uuid = ANY(%s)", (wanted,))
                )
        new: list[Call] = []
        for call in chunk:
            if call.uuid is not None:
                there = call.uuid in self.seen
                if not there and call.uuid in found:
                    there = True
                    if call.id is not None:
                        self.new_ids.setdefault(call.id, found[call.uuid])  # links still land
                if there:
                    continue
                self.seen.add(call.uuid)
            if call.id is not None and call.id in self.new_ids:
                raise bulk.DuplicateCallIdError("the same call id appears twice")
            if call.id is not None:
                self.new_ids[call.id] = 0  # numbered below; marks the id as taken
            new.append(call)
        if not new:
            return
        self._contacts(new)
        if self.keep_ids:
            call_ids = []
            for call in new:
                row_id = call.id if call.id is not None else self.next_call
                self.next_call = max(self.next_call, row_id + 1)
                call_ids.append(row_id)
        else:
            call_ids = self._ids("calls", len(new))
        note_ids = iter(self._ids("notes", sum(len(call.notes) for call in new)))
        rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _COPIES}
        for call, row_id in zip(new, call_ids, strict=True):
            if call.id is not None:
                self.new_ids[call.id] = row_id
            if call.follows_call_id is not None:
                self.follows.append((row_id, call.follows_call_id))
            self._rows(call, row_id, note_ids, rows)
        if not self.keep_ids and rows["notes"]:
            self._renumber_taken(rows["notes"])
        with self.db.cursor() as cursor:
            for table, statement in _COPIES.items():
                if not rows[table]:
                    continue
                if self.row_security:  # a rep: PostgreSQL refuses COPY FROM under RLS
                    cursor.executemany(_as_insert(statement, len(rows[table][0])), rows[table])
                    continue
                with cursor.copy(statement) as copy:
                    for row in rows[table]:
                        copy.write_row(row)
        self.count += len(new)

    def _rows(
        self,
        call: Call,
        row_id: int,
        note_ids: Iterator[int],
        rows: dict[str, list[tuple[Any, ...]]],
    ) -> None:
        key = (call.contact.name.lower(), call.contact.company.lower())
        rows["calls"].append(_call_row(call, row_id, self.contacts[key]))
        rows["questions"] += [
            (row_id, i, q.text, q.asked, q.origin.value) for i, q in enumerate(call.questions)
        ]
        rows["research"] += [
            (row_id, i, r.area.value, r.text, r.said) for i, r in enumerate(call.research)
        ]
        rows["date_moves"] += _step_moves(call, row_id)
        for note in call.notes:
            note_id = next(note_ids)
            rows["notes"].append(_note_row(note, note_id, row_id, call))
            rows["date_moves"] += _note_moves(note, note_id, row_id, call)

    def _renumber_taken(self, notes: list[tuple[Any, ...]]) -> None:
        """A note whose uuid the team database holds (the same note copied into
        another call, by hand) gets a new one: it is kept, as a note of its own."""
        taken = {
            uuid
            for (uuid,) in self._all(
                "SELECT uuid FROM notes WHERE uuid = ANY(%s)", ([row[1] for row in notes],)
            )
        }
        if taken:
            notes[:] = [(row[0], new_uuid(), *row[2:]) if row[1] in taken else row for row in notes]

    def _contacts(self, calls: list[Call]) -> None:
        """Each new (name, company) of the batch: the contact of the same uuid, else
        the newest with the same e-mail (case aside; it keeps its name and
        company), else the newest of the same name at the same company (case
        aside), its company and role updated; else a new contact (one per e-mail
        in the batch too). E-mail, phone and title are updated where the file
        gives one: an export made before them leaves them as they are. Four
        queries and a COPY a batch."""
        first: dict[tuple[str, str], Call] = {}
        for call in calls:
            key = (call.contact.name.lower(), call.contact.company.lower())
            if key not in self.contacts and key not in first:
                first[key] = call
        if not first:
            return
        uuids = [call.contact.uuid for call in first.values() if call.contact.uuid is not None]
        by_uuid: dict[str, int] = (
            dict(self._all("SELECT uuid, id FROM contacts WHERE uuid = ANY(%s)", (uuids,)))
            if uuids
            else {}
        )
        unmatched = [key for key, call in first.items() if call.contact.uuid not in by_uuid]
        emails = sorted({_email_key(first[key]) for key in unmatched} - {""})
        by_email: dict[str, int] = (
            dict(
                self._all(
                    "SELECT DISTINCT ON (lower(email)) lower(email), id FROM contacts "
                    "WHERE email <> '' AND lower(email) = ANY(%s) ORDER BY lower(email), id DESC",
                    (emails,),
                )
            )
            if emails
            else {}
        )
        unmatched = [key for key in unmatched if _email_key(first[key]) not in by_email]
        by_name: dict[tuple[str, str], int] = {}
        if unmatched:
            by_name = {
                (name, company): id_
                for name, company, id_ in self._all(
                    "SELECT DISTINCT ON (lower(name), lower(company)) lower(name), "
                    "lower(company), id FROM contacts "
                    "WHERE (lower(name), lower(company)) IN "
                    "(SELECT * FROM unnest(%s::text[], %s::text[])) "
                    "ORDER BY lower(name), lower(company), id DESC",
                    ([key[0] for key in unmatched], [key[1] for key in unmatched]),
                )
            }
        updates: list[tuple[Any, ...]] = []
        added: list[tuple[tuple[str, str], Call]] = []
        for key, call in first.items():
            contact = call.contact
            found = by_uuid.get(contact.uuid) if contact.uuid is not None else None
            company: str | None = contact.company
            if found is None and _email_key(call) in by_email:
                found, company = by_email[_email_key(call)], None  # its name and company stay
            if found is None:
                found = by_name.get(key)
            if found is None:
                added.append((key, call))
                continue
            self.contacts[key] = found
            updates.append(_update(contact, company, found))
        made: dict[str, int] = {}  # two names in the batch for one new contact's uuid
        made_email: dict[str, int] = {}  # or for one new e-mail
        rows = []
        for (key, call), id_ in zip(added, self._ids("contacts", len(added)), strict=True):
            contact = call.contact
            uuid = contact.uuid or new_uuid()
            email = _email_key(call)
            if uuid in made or email in made_email:
                same = made[uuid] if uuid in made else made_email[email]
                self.contacts[key] = same
                updates.append(_update(contact, contact.company if uuid in made else None, same))
                continue
            made[uuid] = self.contacts[key] = id_
            if email:
                made_email[email] = id_
            rows.append(
                (
                    id_,
                    contact.name,
                    contact.company,
                    _naive(call.started_at),
                    contact.role.value,
                    uuid,
                    contact.email,
                    contact.phone,
                    contact.title,
                )
            )
        with self.db.cursor() as cursor:
            if rows:
                with cursor.copy(
                    "COPY contacts (id, name, company, created_at, role, uuid, email, phone, title)"
                    " FROM STDIN"
                ) as copy:
                    for row in rows:
                        copy.write_row(row)
            if updates:
                cursor.executemany(
                    "UPDATE contacts SET company = coalesce(%s, company), role = %s, "
                    "email = coalesce(nullif(%s, ''), email), "
                    "phone = coalesce(nullif(%s, ''), phone), "
                    "title = coalesce(nullif(%s, ''), title) WHERE id = %s",
                    updates,
                )


def _email_key(call: Call) -> str:
    """The contact's e-mail as contacts are matched by it: trimmed, lowercased."""
    return call.contact.email.strip().lower()


def _update(contact: Contact, company: str | None, id_: int) -> tuple[Any, ...]:
    """An UPDATE's parameters: ``company`` None keeps the contact's (one found by
    its e-mail keeps its name and company, the key of the team's contacts)."""
    return (company, contact.role.value, contact.email, contact.phone, contact.title, id_)


def _call_row(call: Call, row_id: int, contact_id: int) -> tuple[Any, ...]:
    """The call's row, in :data:`_CALL_COLUMNS`' order."""
    fields = bulk.call_fields(call, _naive, _same_day, clock_text)
    return (row_id, call.uuid or new_uuid(), contact_id, *fields)


def _same_day(day: date | None) -> date | None:
    """A day as the driver takes it: as it is."""
    return day


def _note_row(note: Note, note_id: int, call_id: int, call: Call) -> tuple[Any, ...]:
    """The note's row, in the notes COPY's column order."""
    return (
        note_id,
        note.uuid or new_uuid(),
        call_id,
        note.kind.value,
        note.text,
        note.offset_seconds,
        _naive(note.created_at) or _naive(call.started_at),
        note.due,
        clock_text(note.due_time) if note.due else None,
        note.owner,
        _naive(note.done_at),
        note.in_email,
    )


def _step_moves(call: Call, call_id: int) -> list[tuple[Any, ...]]:
    """The next step's earlier dates as date_moves rows."""
    step = call.next_step
    if step is None or step.due is None:
        return []
    moved_at = _naive(call.ended_at or call.started_at)
    return [
        (call_id, None, old, due, moved_at) for old, due in pairwise([*step.moved_from, step.due])
    ]


def _note_moves(note: Note, note_id: int, call_id: int, call: Call) -> list[tuple[Any, ...]]:
    """A commitment's earlier dates as date_moves rows."""
    if note.due is None or not note.moved_from:
        return []
    moved_at = _naive(call.ended_at or call.started_at)
    return [
        (call_id, note_id, old, due, moved_at)
        for old, due in pairwise([*note.moved_from, note.due])
    ]
