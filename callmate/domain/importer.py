"""Reading calls back from ``callmate export --format json``.

The file is read a call at a time (:func:`read_export`) and every call is
checked in full before it is handed on; the writer takes them all in one
transaction, so a bad file says where (line and column for broken JSON, a
path like ``[3].notes[0].kind`` for a bad value) and changes nothing.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, TextIO

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
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
    email_problem,
)
from callmate.domain.text import _CONTROL, _CONTROL_ONE_LINE, clean, clean_line, shown

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


def _one_line(text: str) -> str:
    """:func:`clean_line`; a value already clean (nearly all) is checked with one
    regex search instead of rebuilt."""
    if _CONTROL_ONE_LINE.search(text) is None:
        return text.strip()
    return clean_line(text)


def _multi_line(text: str) -> str:
    """``clean(text).strip()``, with the same shortcut."""
    if _CONTROL.search(text) is None:  # no \r, nothing to drop
        return text.strip()
    return clean(text).strip()


OneLine = Annotated[str, AfterValidator(_one_line), _at_most(ONE_LINE_MAX)]
Required = Annotated[OneLine, StringConstraints(min_length=1)]
MultiLine = Annotated[str, AfterValidator(_multi_line), _at_most(TEXT_MAX)]
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


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _uuid(value: object) -> object:
    """A stable id as the export writes it (36 characters of hex and dashes), lowercased."""
    if value is None:
        return None
    if not isinstance(value, str) or _UUID.fullmatch(value) is None:
        raise PydanticCustomError(
            "bad_uuid", "a uuid is 32 hex digits in groups of 8-4-4-4-12, like the export writes"
        )
    return value.lower()


StableId = Annotated[str | None, BeforeValidator(_uuid)]
"""Absent in exports made before stable ids (migration 13): a new one is given."""


def _email(value: str) -> str:
    problem = email_problem(value)
    if problem is not None:
        raise PydanticCustomError("bad_email", problem)
    return value


class ImportContact(_Model):
    uuid: StableId = None
    name: Required
    company: OneLine = ""
    role: ContactRole = ContactRole.OTHER
    email: Annotated[OneLine, AfterValidator(_email)] = ""
    """Absent in exports made before contacts had one (migration 14)."""
    phone: OneLine = ""
    title: OneLine = ""


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
    uuid: StableId = None
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
    uuid: StableId = None
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
        """The call as the domain holds it.

        Built without a second validation (``model_construct``): every field was
        checked above, more strictly than the domain models check (a value they
        would cut to fit is refused here), so validating again changes nothing
        and took most of an import's time. tests/test_import_fuzz.py holds the
        two to the same result.
        """
        step = self.next_step
        started = self.started_at
        return Call.model_construct(
            id=self.id,
            uuid=self.uuid,
            contact=Contact.model_construct(
                id=None,
                uuid=self.contact.uuid,
                name=self.contact.name,
                company=self.contact.company,
                role=self.contact.role,
                email=self.contact.email,
                phone=self.contact.phone,
                title=self.contact.title,
            ),
            call_type=self.call_type,
            goal=self.goal,
            backup_goal=self.backup_goal,
            research=[
                ResearchLine.model_construct(id=None, area=r.area, text=r.text, said=r.said)
                for r in self.research
            ],
            questions=[
                Question.model_construct(id=None, text=q.text, asked=q.asked, origin=q.origin)
                for q in self.questions
            ],
            notes=[
                Note.model_construct(
                    id=None,
                    uuid=n.uuid,
                    kind=n.kind,
                    text=n.text,
                    offset_seconds=n.offset_seconds,
                    created_at=started + timedelta(seconds=n.offset_seconds),
                    due=n.due,
                    due_time=n.time,
                    owner=n.owner,
                    done_at=n.done_at,
                    moved_from=n.moved_from,
                    in_email=n.in_email,
                )
                for n in self.notes
            ],
            status=self.status,
            started_at=started,
            ended_at=self.ended_at,
            paused_seconds=self.paused_seconds,
            paused_at=None,
            outcome=self.outcome,
            reason=self.reason,
            reason_text=self.reason_text,
            goal_result=self.goal_result,
            next_step=(
                NextStep.model_construct(
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
            connection=self.connection,
        )


def _at(start: datetime, offset: int) -> datetime:
    return start + timedelta(seconds=offset)


class ImportFileError(ValueError):
    """The file can't be imported; the message says where and why."""


def _path(location: tuple[Any, ...]) -> str:
    out = ""
    for part in location:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out or "(top level)"


def parse_export(text: str, source: str = "the file") -> list[Call]:
    """Calls from an export's JSON text; raises ImportFileError naming the problem.

    Total: whatever the text, the answer is a list of calls or an
    :class:`ImportFileError` (never a RecursionError, an OverflowError...).
    The same reader as :func:`read_export`, over text already in memory.
    """
    return list(read_export(io.StringIO(text), source))


CHUNK = 1 << 20
"""Characters read at a time: the reader holds about this much beside one call."""
CALL_MAX_CHARS = 64 << 20
"""The longest one call can be in the file (its JSON text): far beyond any real
call (a note holds at most a million characters), and a bound on the memory
an import takes (or a broken file makes it read before it gives up)."""


def read_export(handle: TextIO, source: str = "the file") -> Iterator[Call]:
    """The calls of an export read from ``handle`` as it streams, each checked.

    The file's top-level array is read one call at a time (stdlib
    ``JSONDecoder.raw_decode`` over chunks), so memory holds a chunk and one
    call whatever the file's size. Each call is checked in full (the same
    models as ever) before it is yielded; the first bad one raises
    :class:`ImportFileError` naming its path (``[12].notes[3].text``), and a
    writer that takes the calls in one transaction then writes nothing.
    A read error of the file itself (``OSError``, ``UnicodeDecodeError``)
    is raised as it is.
    """
    where = shown(source)
    try:
        yield from _read(handle, where)
    except ImportFileError as error:
        raise ImportFileError(shown(str(error))) from None
    except RecursionError:
        raise ImportFileError(f"{where}: it is nested too deeply to be a callmate export") from None


_NOT_WHITESPACE = re.compile(r"[^ \t\n\r]")
_HINT = "(is it a file from `callmate export --format json`?)"


class _Stream:
    """A growing window on the file's text, with where each character is."""

    def __init__(self, handle: TextIO, where: str) -> None:
        self.handle = handle
        self.where = where
        self.text = ""
        self.pos = 0
        self.eof = False
        self.lines = 0  # newlines before self.text
        self.column = 0  # characters since the last newline before self.text

    def more(self, at_least: int = 0) -> bool:
        """Read on (a chunk, or ``at_least``); False at the end of the file."""
        if self.eof:
            return False
        piece = self.handle.read(max(at_least, CHUNK))
        if not piece:
            self.eof = True
            return False
        if self.pos > CHUNK:  # let go of what was read
            done = self.text[: self.pos]
            newlines = done.count("\n")
            if newlines:
                self.lines += newlines
                self.column = self.pos - done.rfind("\n") - 1
            else:
                self.column += self.pos
            self.text = self.text[self.pos :]
            self.pos = 0
        self.text += piece
        return True

    def skip_space(self) -> str:
        """The next character that isn't whitespace ("" at the end); pos points at it."""
        while True:
            found = _NOT_WHITESPACE.search(self.text, self.pos)
            if found is not None:
                self.pos = found.start()
                return self.text[self.pos]
            self.pos = len(self.text)
            if not self.more():
                return ""

    def error(self, message: str, pos: int) -> ImportFileError:
        before = self.text.count("\n", 0, pos)
        line = self.lines + before + 1
        column = pos - self.text.rfind("\n", 0, pos) if before else self.column + pos + 1
        return ImportFileError(f"{self.where}: line {line}, column {column}: {message} {_HINT}")

    def value(self, decoder: json.JSONDecoder, what: str = "the file") -> Any:
        """The JSON value at pos (``what``, for a message); pos then points past it."""
        while True:
            try:
                value, end = decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as problem:
                # Perhaps only cut off where the chunk ends: read on, twice as much
                # each time, so a long value costs a few tries (never one a chunk).
                cut_off = problem.pos >= len(self.text) - 6 or problem.msg.startswith(
                    "Unterminated string"
                )
                if cut_off and len(self.text) - self.pos > CALL_MAX_CHARS:
                    raise ImportFileError(
                        f"{self.where}: {what} is more than {CALL_MAX_CHARS >> 20:,} MiB of text; "
                        "a call that large can't be imported"
                    ) from None
                if cut_off and self.more(len(self.text) - self.pos):
                    continue
                raise self.error(problem.msg, problem.pos) from None
            except ValueError:  # e.g. a number of more than 4,300 digits
                raise ImportFileError(
                    f"{self.where}: it holds a number too long to read {_HINT}"
                ) from None
            if end == len(self.text) and self.more():
                continue  # a number may go on in the next chunk
            self.pos = end
            return value


def _read(handle: TextIO, where: str) -> Iterator[Call]:
    stream = _Stream(handle, where)
    decoder = json.JSONDecoder()
    stream.more()
    if stream.text.startswith("\ufeff"):
        raise stream.error("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0)
    first = stream.skip_space()
    if first == "{":  # {"schema_version": N, "calls": [...]}: the export since it has one
        yield from _read_document(stream, decoder, where)
        return
    if first != "[":
        # Not an array: say what it is (read whole only to name it, as before).
        data = stream.value(decoder) if first else None
        if not first:
            raise stream.error("Expecting value", stream.pos)
        if stream.skip_space():
            raise stream.error("Extra data", stream.pos)
        raise ImportFileError(f"{where}: expected a JSON array of calls, found {_kind(data)}")
    yield from _read_calls(stream, decoder, where)
    if stream.skip_space():
        raise stream.error("Extra data", stream.pos)


def _read_document(stream: _Stream, decoder: json.JSONDecoder, where: str) -> Iterator[Call]:
    """The calls of an export with a ``"schema_version"``, streamed from its
    ``"calls"`` array. The version is checked whether it comes before or
    after the calls: a writer takes them all in one transaction, so a file
    refused at its end still writes nothing. Other keys are skipped."""
    from callmate.domain.export_schema import SCHEMA_VERSION

    stream.pos += 1  # past "{"
    version: object = None
    has_version = has_calls = False
    if stream.skip_space() == "}":
        stream.pos += 1
    else:
        while True:
            if stream.skip_space() != '"':
                raise stream.error("Expecting property name enclosed in double quotes", stream.pos)
            key = stream.value(decoder, "a key")
            if stream.skip_space() != ":":
                raise stream.error("Expecting ':' delimiter", stream.pos)
            stream.pos += 1
            start = stream.skip_space()
            if not start:
                raise stream.error("Expecting value", stream.pos)
            if key == "calls":
                if start != "[":
                    data = stream.value(decoder, '"calls"')
                    raise ImportFileError(
                        f'{where}: "calls" must be a JSON array of calls, found {_kind(data)}'
                    )
                if has_calls:
                    raise ImportFileError(f'{where}: "calls" appears twice {_HINT}')
                has_calls = True
                yield from _read_calls(stream, decoder, where, "calls")
            elif key == "schema_version":
                has_version, version = True, stream.value(decoder, '"schema_version"')
                _check_version(version, where, SCHEMA_VERSION)
            else:
                stream.value(decoder, f'"{key}"')
            after = stream.skip_space()
            if after == "}":
                stream.pos += 1
                break
            if after != ",":
                raise stream.error("Expecting ',' delimiter", stream.pos)
            stream.pos += 1
    if stream.skip_space():
        raise stream.error("Extra data", stream.pos)
    if not has_version:
        raise ImportFileError(
            f'{where}: expected a JSON array of calls, or an export with "schema_version" '
            f'and "calls"; found an object without "schema_version" {_HINT}'
        )
    if not has_calls:
        raise ImportFileError(f'{where}: the export has no "calls" {_HINT}')


def _check_version(version: object, where: str, latest: int) -> None:
    if type(version) is not int or version < 1:
        raise ImportFileError(f'{where}: "schema_version" must be a whole number from 1 {_HINT}')
    if version > latest:
        raise ImportFileError(
            f"{where}: it was written by a newer callmate (schema_version {version}; "
            f"this one reads up to {latest}): update callmate to import it"
        )


def _read_calls(
    stream: _Stream, decoder: json.JSONDecoder, where: str, prefix: str = ""
) -> Iterator[Call]:
    """The array of calls at ``stream.pos`` (on its ``[``), each checked; pos ends past ``]``."""
    stream.pos += 1
    seen: set[int] = set()
    index = 0
    if stream.skip_space() == "]":
        stream.pos += 1
    else:
        while True:
            if not stream.skip_space():
                raise stream.error("Expecting value", stream.pos)
            call = _checked(stream.value(decoder, f"{prefix}[{index}]"), index, where, prefix)
            if call.id is not None:
                if call.id in seen:
                    raise ImportFileError(f"{where}: the same call id appears twice")
                seen.add(call.id)
            yield call
            index += 1
            after = stream.skip_space()
            if after == "]":
                stream.pos += 1
                break
            if after != ",":
                raise stream.error("Expecting ',' delimiter", stream.pos)
            stream.pos += 1


def _checked(data: Any, index: int, where: str, prefix: str = "") -> Call:
    """One call of the file, checked; ImportFileError names what is wrong and where
    (``[3].goal``, or ``calls[3].goal`` in an export with a schema_version)."""
    try:
        call = ImportCall.model_validate(data)
    except ValidationError as error:
        problems = [f"{prefix}{_path((index, *e['loc']))}: {e['msg']}" for e in error.errors()[:10]]
        more = error.error_count() - len(problems)
        suffix = f" (and {more} more)" if more > 0 else ""
        raise ImportFileError(f"{where}: " + "; ".join(problems) + suffix) from None
    try:
        return call.to_call()
    except (ValidationError, ValueError, OverflowError) as error:
        # Every field was checked above, so this is a bug, not the file;
        # still, say which call rather than show a traceback.
        raise ImportFileError(f"{where}: {prefix}[{index}]: cannot be imported ({error})") from None


def _kind(data: object) -> str:
    names = {dict: "an object", str: "a string", bool: "true or false", type(None): "null"}
    return names.get(type(data), "a number")
