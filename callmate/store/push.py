"""``callmate db push``: the personal SQLite history copied into the team database.

The local calls are read as ``callmate export`` reads them
(:func:`callmate.store.bulk.export_calls`: a batch of calls at a time, plain
SQL, set-aside calls left out), each checked by the import's own model
(:class:`callmate.domain.importer.ImportCall`) and handed, as they stream,
to :func:`callmate.store.pg_import.import_calls` (what
:meth:`Repository.import_calls` runs on PostgreSQL): one transaction (all or
nothing), calls matched by uuid (a call the team database already holds is
not added again, and a follow-up link to it still lands), contacts by uuid
and then by name and company, id sequences set past the ids written. So a
push run twice adds nothing the second time. The calls the team database
holds are found first, in the same transaction, by their uuids alone
(:func:`~callmate.store.pg_import.calls_held`), and only the others are read
in full and checked: checking a call costs more than writing it, so a push
that finds most of the history already there is mostly two aggregates.

Of the calls the team database holds, those that changed here since their
push (:func:`_changed`: another status, other notes) are read in full too and
brought up to date (:func:`~callmate.store.pg_import.bring_up_to_date`): the
notes it lacks are added, by uuid, once; a call it holds open that was closed
here arrives closed. Nothing else it holds is changed: a push only adds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite3

    from callmate.domain.models import Call
    from callmate.store import pg_import
    from callmate.store.database_url import DatabaseUrl

PROGRESS_EVERY = 500
"""Calls between two progress reports (bulk reads this many at a time)."""


class NoLocalHistory(Exception):
    """There is no SQLite file to push; ``str()`` is the one line to show."""


@dataclass(frozen=True)
class Pushed:
    added: int
    """Calls written to the team database."""
    held: int
    """Calls it already had (the same uuid): not written again."""
    notes_added: int = 0
    """Notes added since to calls it already had (a call continued, a note from the
    timeline): each by its uuid, once."""
    closed: int = 0
    """Calls it had open that were closed here since: now closed there too."""


def push(
    local: Path,
    team: DatabaseUrl,
    progress: Callable[[int, int], None] | None = None,
) -> Pushed:
    """Copy every kept call of the SQLite file ``local`` into ``team``, and what
    changed here since in the calls it already holds (:func:`_changed`).

    ``progress(done, total)`` is called every :data:`PROGRESS_EVERY` calls read.
    :class:`NoLocalHistory` when ``local`` does not exist (nothing is created);
    :class:`~callmate.store.database_url.DatabaseUnavailable` (one line, no
    password) when the team database can't be used or its schema is not current.
    """
    if not local.is_file():
        raise NoLocalHistory(
            f"there is no local history to push: no {local.name} in {local.parent}"
        )
    from callmate.store import bulk, pg_import
    from callmate.store.repository import Repository

    repo = Repository.open_url(team)  # checks the schema first: nothing read before that
    try:
        db = bulk.connect(local)
        try:
            db.execute("BEGIN")  # one read transaction: a call saved meanwhile is in or out
            read = total = 0

            def counted(records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
                nonlocal read
                for record in records:
                    read += 1
                    if progress is not None and read % PROGRESS_EVERY == 0:
                        progress(read, total)
                    yield record

            with repo.engine.begin() as connection:
                held = pg_import.calls_held(
                    connection,
                    (
                        (id_, uuid.lower() if uuid else None)
                        for id_, uuid in db.execute(
                            "SELECT id, uuid FROM calls WHERE discarded_at IS NULL"
                        )
                    ),
                )
                new = [
                    id_
                    for (id_,) in db.execute(
                        "SELECT id FROM calls WHERE discarded_at IS NULL ORDER BY started_at, id"
                    )
                    if id_ not in held
                ]
                changed = _changed(db, held)
                total = len(new) + len(changed)
                there = {id_: state.team_id for id_, state in held.items()}
                added = pg_import.import_calls(
                    connection, _calls(counted(bulk.export_ids(db, new))), there=there
                )
                notes_added, closed = pg_import.bring_up_to_date(
                    connection,
                    _calls(counted(bulk.export_ids(db, changed))),
                    there,
                    _deleted_notes(db, changed),
                )
        finally:
            db.close()
    finally:
        repo.close()
    return Pushed(added=added, held=len(held), notes_added=notes_added, closed=closed)


def _changed(db: sqlite3.Connection, held: dict[int, pg_import.Held]) -> list[int]:
    """The calls the team database holds that may have changed here since they
    were pushed: another status, or other live notes (their number, or the sum
    of their uuids' last 40 bits, :func:`~callmate.store.pg_import.uuid_tail`,
    which the team database computes the same way). Two aggregates over the
    notes, one a side, instead of every note's uuid compared: a push that finds
    nothing changed reads no call in full. A call whose notes were deleted here
    after it arrived closed (the team keeps them: see README) is read again
    each time, and nothing is written for it."""
    from callmate.store.pg_import import uuid_tail

    db.create_function("callmate_uuid_tail", 1, uuid_tail, deterministic=True)
    changed = {
        call_id
        for call_id, live in db.execute(
            "SELECT id, status = 'live' FROM calls WHERE discarded_at IS NULL"
        )
        if call_id in held and bool(live) != (held[call_id].status == "live")
    }
    counted: set[int] = set()
    for call_id, count, total in db.execute(  # a scan, not the call_id index: 3x faster
        "SELECT call_id, count(*), sum(callmate_uuid_tail(uuid)) FROM notes NOT INDEXED"
        " WHERE deleted_at IS NULL GROUP BY call_id"
    ):
        state = held.get(call_id)
        if state is not None:
            counted.add(call_id)
            if (count, total) != (state.notes, state.tail):
                changed.add(call_id)
    changed.update(  # no note left here, some there
        call_id for call_id, state in held.items() if state.notes and call_id not in counted
    )
    return sorted(changed)


def _deleted_notes(db: sqlite3.Connection, calls: list[int]) -> dict[int, list[str]]:
    """{call id: the uuids of its notes deleted here (lower case)} for ``calls``."""
    deleted: dict[int, list[str]] = {}
    for start in range(0, len(calls), 500):
        chunk = calls[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for call_id, uuid in db.execute(
            f"SELECT call_id, uuid FROM notes WHERE call_id IN ({marks})"
            " AND deleted_at IS NOT NULL AND uuid IS NOT NULL",
            chunk,
        ):
            deleted.setdefault(call_id, []).append(str(uuid).lower())
    return deleted


def _calls(records: Iterator[dict[str, Any]]) -> Iterator[Call]:
    """The export's dicts as domain calls, checked as an import checks a file."""
    from callmate.domain.importer import ImportCall

    for record in records:
        yield ImportCall.model_validate(record).to_call()
