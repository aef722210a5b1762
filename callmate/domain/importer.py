"""Reading calls back from ``callmate export --format json``.

The whole file is checked before anything is written: a bad file says where
(line and column for broken JSON, a path like ``[3].notes[0].kind`` for a
bad value) and changes nothing.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from callmate.domain.limits import (
    EARLIEST_YEAR,
    ID_MAX,
    LATEST_YEAR,
    OFFSET_MAX_SECONDS,
    ONE_LINE_MAX,
    PAUSED_MAX_SECONDS,
    TEXT_MAX,
)
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
from callmate.domain.text import clean, clean_line, shown

# A file is checked strictly: a value too long, or a number or date out of
# range, is refused with its path instead of being cut to fit (the domain
# models would cut; an import should say so and let the user decide).


def _at_most(limit: int) -> AfterValidator:
    def check(text: str) -> str:
        if len(text) > limit:
            raise PydanticCustomError(
                "too_long",
                "too long: {length} characters, at most {limit} fit",
                {"length": f"{len(text):,}", "limit": f"{limit:,}"},
            )
        return text

    return AfterValidator(check)


def _in_years(value: date) -> date:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise PydanticCustomError(
            "year_out_of_range",
            "the year must be between {low} and {high}",
            {"low": EARLIEST_YEAR, "high": LATEST_YEAR},
        )
    return value


def _utc(value: datetime) -> datetime:
    """The moment in UTC (as the export writes it), its year checked there."""
    if not EARLIEST_YEAR - 1 <= value.year <= LATEST_YEAR + 1:
        _in_years(value)  # refused before converting: year 1 at +14:00 would overflow
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    _in_years(value)
    return value


def _seconds(limit: int) -> AfterValidator:
    def check(number: int) -> int:
        if not 0 <= number <= limit:
            raise PydanticCustomError(
                "seconds_out_of_range",
                "must be between 0 and {limit} seconds ({days} days)",
                {"limit": f"{limit:,}", "days": limit // 86400},
            )
        return number

    return AfterValidator(check)


OneLine = Annotated[str, AfterValidator(clean_line), _at_most(ONE_LINE_MAX)]
Required = Annotated[OneLine, StringConstraints(min_length=1)]
MultiLine = Annotated[str, AfterValidator(lambda text: clean(text).strip()), _at_most(TEXT_MAX)]
Text = Annotated[MultiLine, StringConstraints(min_length=1)]
Day = Annotated[date, AfterValidator(_in_years)]
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


def _clock(value: object) -> time:
    """A time of day exactly as the export writes it: "HH:MM", 24-hour."""
    found = _CLOCK.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        raise PydanticCustomError(
            "bad_time", 'a time of day is written "HH:MM", 24-hour, like "15:00"'
        )
    return time(int(found[1]), int(found[2]))


Clock = Annotated[time, BeforeValidator(_clock)]
Moment = Annotated[datetime, AfterValidator(_utc)]
CallId = Annotated[int, Field(ge=1, le=ID_MAX)]
Offset = Annotated[int, _seconds(OFFSET_MAX_SECONDS)]
Paused = Annotated[int, _seconds(PAUSED_MAX_SECONDS)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ImportContact(_Model):
    name: Required
    company: OneLine = ""
    role: ContactRole = ContactRole.OTHER


class ImportResearch(_Model):
    area: ResearchArea
    text: Required
    said: bool = False


class ImportQuestion(_Model):
    text: Required
    asked: bool = False
    origin: QuestionOrigin = QuestionOrigin.OWN


MOVES_MAX = 1000
"""Earlier dates kept for one next step or commitment, at most (an import bound)."""
Moves = Annotated[list[Day], Field(max_length=MOVES_MAX)]


class ImportNote(_Model):
    kind: NoteKind
    text: Text
    offset_seconds: Offset
    owner: OneLine = ""
    due: Day | None = None
    time: Clock | None = None
    """The time of day on ``due`` (none without a due date)."""
    done_at: Moment | None = None
    moved_from: Moves = Field(default_factory=list)
    in_email: bool | None = None
    """Absent in exports made before it existed, and for a note left to its kind's default."""

    @model_validator(mode="after")
    def _history_needs_a_date(self) -> ImportNote:
        # A commitment whose date was cleared after it had moved: its history
        # has nothing to lead to, and an older export may still carry it.
        # Dropped, not refused: refusing made such an export impossible to
        # import back.
        if self.due is None:
            self.moved_from = []
            self.time = None
        return self


class ImportNextStep(_Model):
    what: Required
    owner: Owner
    date: Day
    time: Clock | None = None
    done_at: Moment | None = None
    moved_from: Moves = Field(default_factory=list)


class ImportRecap(_Model):
    subject: OneLine = ""
    body: MultiLine


class ImportCall(_Model):
    id: CallId | None = None
    status: CallStatus
    connection: Connection = Connection.CONNECTED
    """Absent in exports made before it existed: those calls all connected."""
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
    follows_call_id: CallId | None = None
    started_at: Moment
    ended_at: Moment | None = None
    paused_seconds: Paused = 0
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
                    **n.model_dump(exclude={"time"}),
                    due_time=n.time,
                    created_at=_at(self.started_at, n.offset_seconds),
                )
                for n in self.notes
            ],
            status=self.status,
            connection=self.connection,
            started_at=self.started_at,
            ended_at=self.ended_at,
            paused_seconds=self.paused_seconds,
            outcome=self.outcome,
            reason=self.reason,
            reason_text=self.reason_text,
            goal_result=self.goal_result,
            next_step=(
                NextStep(
                    what=step.what,
                    owner=step.owner,
                    due=step.date,
                    due_time=step.time,
                    moved_from=step.moved_from,
                )
                if step
                else None
            ),
            next_step_done_at=step.done_at if step else None,
            follows_call_id=self.follows_call_id,
            recap_subject=self.recap.subject if self.recap else None,
            recap_body=self.recap.body if self.recap else None,
        )


def _at(start: datetime, offset: int) -> datetime:
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
    """Calls from an export's JSON text; raises ImportFileError naming the problem.

    Total: whatever the text, the answer is a list of calls or an
    :class:`ImportFileError` (never a RecursionError, an OverflowError...).
    """
    where = shown(source)
    try:
        return _parse(text, where)
    except ImportFileError as error:
        raise ImportFileError(shown(str(error))) from None
    except RecursionError:
        raise ImportFileError(f"{where}: it is nested too deeply to be a callmate export") from None


def _parse(text: str, where: str) -> list[Call]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"{where}: line {error.lineno}, column {error.colno}: {error.msg} "
            "(is it a file from `callmate export --format json`?)"
        ) from None
    except ValueError:  # e.g. a number of more than 4,300 digits
        raise ImportFileError(
            f"{where}: it holds a number too long to read "
            "(is it a file from `callmate export --format json`?)"
        ) from None
    if not isinstance(data, list):
        raise ImportFileError(f"{where}: expected a JSON array of calls, found {_kind(data)}")
    try:
        calls = _CALLS.validate_python(data)
    except ValidationError as error:
        problems = [f"{_path(e['loc'])}: {e['msg']}" for e in error.errors()[:10]]
        more = error.error_count() - len(problems)
        suffix = f" (and {more} more)" if more > 0 else ""
        raise ImportFileError(f"{where}: " + "; ".join(problems) + suffix) from None
    ids = [c.id for c in calls if c.id is not None]
    if len(ids) != len(set(ids)):
        raise ImportFileError(f"{where}: the same call id appears twice")
    out = []
    for index, call in enumerate(calls):
        try:
            out.append(call.to_call())
        except (ValidationError, ValueError, OverflowError) as error:
            # Every field was checked above, so this is a bug, not the file;
            # still, say which call rather than show a traceback.
            raise ImportFileError(f"{where}: [{index}]: cannot be imported ({error})") from None
    return out


def _kind(data: object) -> str:
    names = {dict: "an object", str: "a string", bool: "true or false", type(None): "null"}
    return names.get(type(data), "a number")
