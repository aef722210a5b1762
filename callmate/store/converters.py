"""Rows to domain models and back: the seam between SQL and the rest."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from callmate.domain.models import (
    Call,
    CallStatus,
    CallType,
    Contact,
    ContactRole,
    GoalResult,
    NextStep,
    Note,
    NoteKind,
    Outcome,
    Owner,
    Question,
    QuestionOrigin,
    Reason,
    ResearchArea,
    ResearchLine,
)
from callmate.store.schema import CallRow, ContactRow, NoteRow, QuestionRow, ResearchRow

E = TypeVar("E", bound=StrEnum)


def _enum(kind: type[E], value: str | None, default: E) -> E:
    """Unknown stored values (from a newer version, a hand edit) fall back, never crash."""
    try:
        return kind(value or default)
    except ValueError:
        return default


def _outcome(value: str | None) -> Outcome | None:
    return _enum(Outcome, value, Outcome.MAYBE) if value else None


def contact_from_row(row: ContactRow) -> Contact:
    return Contact(
        id=row.id,
        name=row.name,
        company=row.company,
        role=_enum(ContactRole, row.role, ContactRole.OTHER),
    )


def question_from_row(row: QuestionRow) -> Question:
    return Question(
        id=row.id,
        text=row.text,
        asked=bool(row.asked),
        origin=_enum(QuestionOrigin, row.origin, QuestionOrigin.OWN),
    )


def research_from_row(row: ResearchRow) -> ResearchLine:
    return ResearchLine(area=_enum(ResearchArea, row.area, ResearchArea.KNOW), text=row.text)


def note_from_row(row: NoteRow) -> Note:
    return Note(
        id=row.id,
        kind=_enum(NoteKind, row.kind, NoteKind.NOTE),
        text=row.text,
        offset_seconds=row.offset_seconds,
        created_at=row.created_at,
        due=row.due,
        owner=row.owner,
        done_at=row.done_at,
    )


def next_step_from_row(row: CallRow) -> NextStep | None:
    if row.next_step_what is None or row.next_step_due is None:
        return None
    return NextStep(
        what=row.next_step_what,
        owner=_enum(Owner, row.next_step_owner, Owner.US),
        due=row.next_step_due,
    )


def fill_plan(row: CallRow, call: Call) -> None:
    """A new call row's questions and research lines, in the call's order."""
    row.questions = [
        QuestionRow(position=i, text=q.text, asked=q.asked, origin=q.origin.value)
        for i, q in enumerate(call.questions)
    ]
    row.research = [
        ResearchRow(position=i, area=line.area.value, text=line.text)
        for i, line in enumerate(call.research)
    ]


def call_from_row(row: CallRow, *, details: bool = True) -> Call:
    return Call(
        id=row.id,
        contact=contact_from_row(row.contact),
        call_type=_enum(CallType, row.call_type, CallType.DISCOVERY),
        goal=row.goal,
        backup_goal=row.backup_goal,
        research=[research_from_row(r) for r in row.research] if details else [],
        questions=[question_from_row(q) for q in row.questions],
        notes=[note_from_row(n) for n in row.notes] if details else [],
        status=_enum(CallStatus, row.status, CallStatus.DONE),
        started_at=row.started_at,
        ended_at=row.ended_at,
        paused_seconds=row.paused_seconds,
        paused_at=row.paused_at,
        outcome=_outcome(row.outcome),
        reason=_enum(Reason, row.reason, Reason.OTHER) if row.reason else None,
        reason_text=row.reason_text,
        goal_result=_enum(GoalResult, row.goal_result, GoalResult.NEITHER)
        if row.goal_result
        else None,
        next_step=next_step_from_row(row),
        recap_subject=row.recap_subject,
        recap_body=row.recap_body,
        next_step_done_at=row.next_step_done_at,
        follows_call_id=row.follows_call_id,
    )
