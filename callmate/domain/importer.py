"""Reading calls back from ``callmate export --format json``.

The whole file is checked before anything is written: a bad file says where
(line and column for broken JSON, a path like ``[3].notes[0].kind`` for a
bad value) and changes nothing.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from callmate.domain.models import (
    Call,
    CallStatus,
    CallType,
    Contact,
    ContactRole,
    GoalResult,
    MultiLine,
    NextStep,
    Note,
    NoteKind,
    OneLine,
    Outcome,
    Owner,
    Question,
    QuestionOrigin,
    Reason,
    Required,
    ResearchArea,
    ResearchLine,
)

Text = Annotated[MultiLine, StringConstraints(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ImportContact(_Model):
    name: Required
    company: OneLine = ""
    role: ContactRole = ContactRole.OTHER


class ImportResearch(_Model):
    area: ResearchArea
    text: Required


class ImportQuestion(_Model):
    text: Required
    asked: bool = False
    origin: QuestionOrigin = QuestionOrigin.OWN


class ImportNote(_Model):
    kind: NoteKind
    text: Text
    offset_seconds: int = Field(ge=0)
    owner: OneLine = ""
    due: date | None = None
    done_at: datetime | None = None


class ImportNextStep(_Model):
    what: Required
    owner: Owner
    date: date
    done_at: datetime | None = None


class ImportRecap(_Model):
    subject: OneLine = ""
    body: MultiLine


class ImportCall(_Model):
    id: int | None = Field(default=None, ge=1)
    status: CallStatus
    contact: ImportContact
    call_type: CallType = CallType.DISCOVERY
    goal: Required
    backup_goal: OneLine = ""
    research: list[ImportResearch] = Field(default_factory=list)
    questions: list[ImportQuestion] = Field(default_factory=list)
    notes: list[ImportNote] = Field(default_factory=list)
    outcome: Outcome | None = None
    reason: Reason | None = None
    reason_text: OneLine = ""
    goal_result: GoalResult | None = None
    next_step: ImportNextStep | None = None
    follows_call_id: int | None = None
    started_at: datetime
    ended_at: datetime | None = None
    paused_seconds: int = Field(default=0, ge=0)
    recap: ImportRecap | None = None

    def to_call(self) -> Call:
        step = self.next_step
        return Call(
            id=self.id,
            contact=Contact(**self.contact.model_dump()),
            call_type=self.call_type,
            goal=self.goal,
            backup_goal=self.backup_goal,
            research=[ResearchLine(**r.model_dump()) for r in self.research],
            questions=[Question(**q.model_dump()) for q in self.questions],
            notes=[
                Note(
                    **n.model_dump(),
                    created_at=_at(self.started_at, n.offset_seconds),
                )
                for n in self.notes
            ],
            status=self.status,
            started_at=self.started_at,
            ended_at=self.ended_at,
            paused_seconds=self.paused_seconds,
            outcome=self.outcome,
            reason=self.reason,
            reason_text=self.reason_text,
            goal_result=self.goal_result,
            next_step=NextStep(what=step.what, owner=step.owner, due=step.date) if step else None,
            next_step_done_at=step.done_at if step else None,
            follows_call_id=self.follows_call_id,
            recap_subject=self.recap.subject if self.recap else None,
            recap_body=self.recap.body if self.recap else None,
        )


def _at(start: datetime, offset: int) -> datetime:
    from datetime import timedelta

    return start + timedelta(seconds=offset)


class ImportFileError(ValueError):
    """The file can't be imported; the message says where and why."""


_CALLS = TypeAdapter(list[ImportCall])


def _path(location: tuple[Any, ...]) -> str:
    out = ""
    for part in location:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out or "(top level)"


def parse_export(text: str, source: str = "the file") -> list[Call]:
    """Calls from an export's JSON text; raises ImportFileError naming the problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"{source}: line {error.lineno}, column {error.colno}: {error.msg} "
            "(is it a file from `callmate export --format json`?)"
        ) from None
    if not isinstance(data, list):
        raise ImportFileError(
            f"{source}: expected a JSON array of calls, found a {type(data).__name__}"
        )
    try:
        calls = _CALLS.validate_python(data)
    except ValidationError as error:
        problems = [f"{_path(e['loc'])}: {e['msg']}" for e in error.errors()[:10]]
        more = error.error_count() - len(problems)
        suffix = f" (and {more} more)" if more > 0 else ""
        raise ImportFileError(f"{source}: " + "; ".join(problems) + suffix) from None
    ids = [c.id for c in calls if c.id is not None]
    if len(ids) != len(set(ids)):
        raise ImportFileError(f"{source}: the same call id appears twice")
    return [call.to_call() for call in calls]
