"""Rows to domain models and back: the seam between SQL and the rest."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from enum import StrEnum
from itertools import pairwise
from typing import TypeVar

from callmate.domain.agenda import format_clock
from callmate.domain.models import (
    Call,
    CallStatus,
    CallType,
    Connection,
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
from callmate.store.queries import read_clock
from callmate.store.schema import (
    CallRow,
    ContactRow,
    DateMoveRow,
    NoteRow,
    QuestionRow,
    ResearchRow,
)

E = TypeVar("E", bound=StrEnum)


def _enum(kind: type[E], value: str | None, default: E) -> E:
    """Unknown stored values (from a newer version, a hand edit) fall back, never crash."""
    try:
        return kind(value or default)
    except ValueError:
        return default


def clock_text(at: time | None) -> str | None:
    """A time of day as stored: 'HH:MM', or None."""
    return None if at is None else format_clock(at)


def _outcome(value: str | None) -> Outcome | None:
    return _enum(Outcome, value, Outcome.MAYBE) if value else None


def contact_from_row(row: ContactRow) -> Contact:
    return Contact(
        id=row.id,
        uuid=row.uuid,
        name=row.name,
        company=row.company,
        role=_enum(ContactRole, row.role, ContactRole.OTHER),
        email=row.email,
        phone=row.phone,
        title=row.title,
    )


def question_from_row(row: QuestionRow) -> Question:
    return Question(
        id=row.id,
        text=row.text,
        asked=bool(row.asked),
        origin=_enum(QuestionOrigin, row.origin, QuestionOrigin.OWN),
    )


def research_from_row(row: ResearchRow) -> ResearchLine:
    return ResearchLine(
        id=row.id,
        area=_enum(ResearchArea, row.area, ResearchArea.KNOW),
        text=row.text,
        said=bool(row.said),
    )


def note_from_row(row: NoteRow, moved_from: Sequence[date] = ()) -> Note:
    return Note(
        id=row.id,
        uuid=row.uuid,
        kind=_enum(NoteKind, row.kind, NoteKind.NOTE),
        text=row.text,
        offset_seconds=row.offset_seconds,
        created_at=row.created_at,
        due=row.due,
        due_time=read_clock(row.due_time) if row.due is not None else None,
        owner=row.owner,
        done_at=row.done_at,
        moved_from=list(moved_from),
        in_email=row.in_email,
    )


def moves_by_note(row: CallRow) -> dict[int | None, list[date]]:
    """The call's earlier dates, oldest first: the next step's under None."""
    out: dict[int | None, list[date]] = {}
    for move in row.moves:
        out.setdefault(move.note_id, []).append(move.from_date)
    return out


def next_step_from_row(row: CallRow, moved_from: Sequence[date] = ()) -> NextStep | None:
    if row.next_step_what is None or row.next_step_due is None:
        return None
    return NextStep(
        what=row.next_step_what,
        owner=_enum(Owner, row.next_step_owner, Owner.US),
        due=row.next_step_due,
        due_time=read_clock(row.next_step_time),
        moved_from=list(moved_from),
    )


def history_rows(
    call_id: int, note_id: int | None, moved_from: Sequence[date], due: date, at: datetime
) -> list[DateMoveRow]:
    """Rows that keep a date's history read from an export: one move per earlier date."""
    dates = [*moved_from, due]
    return [
        DateMoveRow(call_id=call_id, note_id=note_id, from_date=old, to_date=new, moved_at=at)
        for old, new in pairwise(dates)
    ]


def fill_plan(row: CallRow, call: Call) -> None:
    """A new call row's questions and research lines, in the call's order."""
    row.questions = [
        QuestionRow(position=i, text=q.text, asked=q.asked, origin=q.origin.value)
        for i, q in enumerate(call.questions)
    ]
    row.research = [
        ResearchRow(position=i, area=line.area.value, text=line.text, said=line.said)
        for i, line in enumerate(call.research)
    ]


def call_from_row(row: CallRow, *, details: bool = True) -> Call:
    moves = moves_by_note(row)
    return Call(
        id=row.id,
        uuid=row.uuid,
        contact=contact_from_row(row.contact),
        call_type=_enum(CallType, row.call_type, CallType.DISCOVERY),
        goal=row.goal,
        backup_goal=row.backup_goal,
        research=[research_from_row(r) for r in row.research] if details else [],
        questions=[question_from_row(q) for q in row.questions],
        notes=[note_from_row(n, moves.get(n.id, ())) for n in row.notes] if details else [],
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
        next_step=next_step_from_row(row, moves.get(None, ())),
        recap_subject=row.recap_subject,
        recap_body=row.recap_body,
        next_step_done_at=row.next_step_done_at,
        follows_call_id=row.follows_call_id,
        connection=_enum(Connection, row.connection, Connection.CONNECTED),
    )
