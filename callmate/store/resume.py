"""Reading an open call to resume it: its notes in one raw query, no ORM rows.

Resuming a call of a thousand notes through the ORM (``Repository.get_call``)
took 150-350 ms on the database thread, nearly all of it building and
validating a thousand note rows and models. The notes were checked when they
were saved, so here they are read with one plain SELECT and built without
validating again; the rest of the call (contact, questions, research) is
small and still read as ``get_call`` reads it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from callmate.domain.models import Call, Note, NoteKind
from callmate.store import converters
from callmate.store.queries import read_clock
from callmate.store.schema import CallRow

if TYPE_CHECKING:
    from callmate.store.repository import Repository

NOTES_OF_CALL = (
    "SELECT id, kind, text, offset_seconds, created_at, due, due_time, owner, done_at, "
    "in_email FROM notes WHERE call_id = ? AND deleted_at IS NULL ORDER BY id"
)


def _moment(value: object) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def _kind(value: str) -> NoteKind:
    try:
        return NoteKind(value)
    except ValueError:  # a newer version's kind, a hand edit: shown as a note
        return NoteKind.NOTE


def call_to_resume(repo: Repository, call_id: int) -> Call:
    """The call as ``Repository.get_call`` returns it, its notes read raw."""
    with repo._session() as session:
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
            kind=_kind(kind),
            text=text,
            offset_seconds=offset,
            created_at=_moment(created),
            due=date.fromisoformat(due) if due else None,
            due_time=read_clock(due_time) if due else None,
            owner=owner or "",
            done_at=_moment(done),
            moved_from=list(moves.get(note_id, ())),
            in_email=None if in_email is None else bool(in_email),
        )
        for note_id, kind, text, offset, created, due, due_time, owner, done, in_email in rows
    ]
    return call.model_copy(update={"research": research, "notes": notes})
