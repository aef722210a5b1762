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
(:func:`~callmate.store.pg_import.calls_there`), and left out before they are
checked: checking a call costs more than writing it, so a push that finds
most of the history already there is mostly reading.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from callmate.domain.models import Call
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


def push(
    local: Path,
    team: DatabaseUrl,
    progress: Callable[[int, int], None] | None = None,
) -> Pushed:
    """Copy every kept call of the SQLite file ``local`` into ``team``.

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
            total = db.execute("SELECT count(*) FROM calls WHERE discarded_at IS NULL").fetchone()[
                0
            ]
            read = 0
            with repo.engine.begin() as connection:
                there = pg_import.calls_there(
                    connection,
                    (
                        (call_id, uuid.lower() if uuid else None)
                        for call_id, uuid in db.execute(
                            "SELECT id, uuid FROM calls WHERE discarded_at IS NULL"
                        )
                    ),
                )

                def new(records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
                    nonlocal read
                    for record in records:
                        read += 1
                        if progress is not None and read % PROGRESS_EVERY == 0:
                            progress(read, total)
                        if record["id"] not in there:
                            yield record

                added = pg_import.import_calls(
                    connection, _calls(new(bulk.export_calls(db))), there=there
                )
        finally:
            db.close()
    finally:
        repo.close()
    return Pushed(added=added, held=read - added)


def _calls(records: Iterator[dict[str, Any]]) -> Iterator[Call]:
    """The export's dicts as domain calls, checked as an import checks a file."""
    from callmate.domain.importer import ImportCall

    for record in records:
        yield ImportCall.model_validate(record).to_call()
