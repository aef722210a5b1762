"""Reading an open call to resume it: its notes in one raw query, no ORM rows.

Resuming a call of a thousand notes through the ORM (``Repository.get_call``)
took 150-350 ms on the database thread, nearly all of it building and
validating a thousand note rows and models. The notes were checked when they
were saved, so here they are read with one plain SELECT and built without
validating again; the rest of the call (contact, questions, research) is
small and still read as ``get_call`` reads it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from callmate.domain.kinds import kind_of
from callmate.domain.models import Call, Note
from callmate.domain.text import clean, clean_line
from callmate.store import converters
from callmate.store.queries import read_clock
from callmate.store.schema import CallRow
from callmate.store.text_search import stored_moment

if TYPE_CHECKING:
    from callmate.store.repository import Repository

NOTES_OF_CALL = (
    "SELECT id, kind, text, offset_seconds, created_at, due, due_time, owner, done_at, "
    "in_email, uuid FROM notes WHERE call_id = ? AND deleted_at IS NULL ORDER BY id"
)


def call_to_resume(repo: Repository, call_id: int) -> Call:
    """The call as ``Repository.get_call`` returns it, its notes read raw."""
    with repo.transaction() as session:
        row = session.scalar(
            select(CallRow)
            .where(CallRow.id == call_id)
            .options(
                selectinload(CallRow.contact),
                selectinload(CallRow.questions),
                selectinload(CallRow.research),
                selectinload(CallRow.moves),
            )
        )
        if row is None:
            from callmate.store.repository import CallNotFoundError

            raise CallNotFoundError(call_id)
        call = converters.call_from_row(row, details=False)
        research = [converters.research_from_row(r) for r in row.research]
        moves = converters.moves_by_note(row)
        rows = session.connection().exec_driver_sql(NOTES_OF_CALL, (call_id,)).all()
    notes = [
        Note.model_construct(
            id=note_id,
            kind=kind_of(kind),  # a newer version's kind, a hand edit: a plain note
            # Not validated again, but cleaned as validation would: a row written
            # by hand or by an older version must not reach the recap raw.
            text=clean(text).strip(),
            offset_seconds=offset,
            created_at=stored_moment(created),
            due=date.fromisoformat(due) if due else None,
            due_time=read_clock(due_time) if due else None,
            owner=clean_line(owner or ""),
            done_at=stored_moment(done),
            moved_from=list(moves.get(note_id, ())),
            in_email=None if in_email is None else bool(in_email),
            uuid=stable,
        )
        for note_id, kind, text, offset, created, due, due_time, owner, done, in_email, stable in (
            rows
        )
    ]
    return call.model_copy(update={"research": research, "notes": notes})
