"""Rows to domain models and back: the seam between SQL and the rest."""

from __future__ import annotations

from callmate.domain.models import (
    Call,
    CallStatus,
    CallSummary,
    Contact,
    NextStep,
    Note,
    NoteKind,
    Outcome,
    Owner,
    Question,
)
from callmate.store.schema import CallRow, ContactRow, NoteRow, QuestionRow


def contact_from_row(row: ContactRow) -> Contact:
    return Contact(id=row.id, name=row.name, company=row.company)


def question_from_row(row: QuestionRow) -> Question:
    return Question(id=row.id, text=row.text, asked=bool(row.asked))


def note_from_row(row: NoteRow) -> Note:
    return Note(
        id=row.id,
        kind=NoteKind(row.kind),
        text=row.text,
        offset_seconds=row.offset_seconds,
        created_at=row.created_at,
    )


def next_step_from_row(row: CallRow) -> NextStep | None:
    if row.next_step_what is None or row.next_step_due is None:
        return None
    return NextStep(
        what=row.next_step_what,
        owner=Owner(row.next_step_owner or Owner.US),
        due=row.next_step_due,
    )


def call_from_row(row: CallRow) -> Call:
    return Call(
        id=row.id,
        contact=contact_from_row(row.contact),
        goal=row.goal,
        backup_goal=row.backup_goal,
        questions=[question_from_row(q) for q in row.questions],
        notes=[note_from_row(n) for n in row.notes],
        status=CallStatus(row.status),
        started_at=row.started_at,
        ended_at=row.ended_at,
        outcome=Outcome(row.outcome) if row.outcome else None,
        next_step=next_step_from_row(row),
    )


def summary_from_row(row: CallRow) -> CallSummary:
    return CallSummary(
        id=row.id,
        contact_name=row.contact.name,
        company=row.contact.company,
        goal=row.goal,
        status=CallStatus(row.status),
        started_at=row.started_at,
        outcome=Outcome(row.outcome) if row.outcome else None,
        next_step_what=row.next_step_what or "",
        next_step_due=row.next_step_due,
    )
