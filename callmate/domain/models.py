"""The call, as the salesperson thinks of it: pure pydantic, no UI, no SQL.

Every text field is cleaned of control characters on the way in (see
:mod:`callmate.domain.text`), so nothing stored can later reach a terminal as
an escape sequence.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from callmate.domain.kinds import ATTEMPT_KINDS as ATTEMPT_KINDS  # the tables, re-exported
from callmate.domain.kinds import PREFIX_KINDS as PREFIX_KINDS
from callmate.domain.kinds import REASONS_FOR as REASONS_FOR
from callmate.domain.kinds import CallType as CallType
from callmate.domain.kinds import Connection as Connection
from callmate.domain.kinds import ContactRole as ContactRole
from callmate.domain.kinds import GoalResult as GoalResult
from callmate.domain.kinds import NoteKind as NoteKind
from callmate.domain.kinds import Outcome as Outcome
from callmate.domain.kinds import Owner as Owner
from callmate.domain.kinds import Reason as Reason
from callmate.domain.kinds import ResearchArea as ResearchArea
from callmate.domain.limits import OFFSET_MAX_SECONDS, ONE_LINE_MAX, TEXT_MAX
from callmate.domain.text import clean, clean_line, fit

# The limits, and where each applies, are in callmate/domain/limits.py.


def _one_line(text: str) -> str:
    return fit(clean_line(text), ONE_LINE_MAX)


def _multi_line(text: str) -> str:
    return fit(clean(text).strip(), TEXT_MAX)


def _within(low: int, high: int) -> AfterValidator:
    return AfterValidator(lambda number: min(max(number, low), high))


# Values already in the domain (typed, stored, computed) are made to fit rather
# than refused: a screen must never crash on a value that came from an older
# callmate. A file being imported is checked strictly instead (importer.py).
OneLine = Annotated[str, AfterValidator(_one_line)]
"""A single-line field: control characters and newlines removed, trimmed,
at most :data:`ONE_LINE_MAX` characters."""
Required = Annotated[OneLine, StringConstraints(min_length=1)]
"""A single-line field that must say something once trimmed."""
MultiLine = Annotated[str, AfterValidator(_multi_line)]
"""Free text that may span lines (pasted emails, long notes), trimmed, at most
:data:`TEXT_MAX` characters."""
Offset = Annotated[int, _within(0, OFFSET_MAX_SECONDS)]
"""Seconds into a call (or on hold), kept within 0 .. :data:`OFFSET_MAX_SECONDS`."""
Minutes = Annotated[
    time, AfterValidator(lambda at: at.replace(second=0, microsecond=0, tzinfo=None, fold=0))
]
"""A time of day to the minute, local and without a zone: what "15:00" means."""


def split_prefix(line: str) -> tuple[NoteKind, str]:
    """Read the kind from a typed line's first character.

    ``"they love the dashboard"`` is a verbatim quote: the leading quote mark
    sets the kind and a matching closing mark is dropped too.
    """
    stripped = line.strip()
    if not stripped:
        return NoteKind.NOTE, ""
    kind = PREFIX_KINDS.get(stripped[0])
    if kind is None:
        return NoteKind.NOTE, stripped
    body = stripped[1:].strip()
    if kind is NoteKind.QUOTE and body.endswith('"'):
        body = body[:-1].rstrip()
    return kind, body


def parse_tick_command(line: str) -> list[int] | None:
    """``/2`` or ``/1 3`` typed in the note line: tick those questions.

    Returns the question numbers, or None when the line is an ordinary note.
    Only the ASCII digits 0-9 count: ``/²``, ``/①`` or ``/٣`` (which
    ``str.isdigit`` accepts and ``int`` may refuse) are notes like any other.
    """
    stripped = line.strip()
    if not stripped.startswith("/"):
        return None
    parts = stripped[1:].replace(",", " ").split()
    if not parts or not all(_TICK_NUMBER.fullmatch(part) for part in parts):
        return None
    numbers = [int(part) for part in parts]
    return numbers if all(number >= 1 for number in numbers) else None


_TICK_NUMBER = re.compile(r"[0-9]{1,3}")


def parse_keep_command(line: str) -> list[str] | None:
    """``/a`` or ``/a c`` typed in the note line: mark those open promises kept.

    The contact's promises from earlier calls are lettered a to i on the
    call's prep panel. Returns the letters, or None for an ordinary note.
    """
    stripped = line.strip()
    if not stripped.startswith("/"):
        return None
    parts = stripped[1:].replace(",", " ").split()
    if not parts or not all(_KEEP_LETTER.fullmatch(part) for part in parts):
        return None
    return parts


PROMISE_KEYS = "abcdefghi"
"""The letters of a contact's open promises on the call: Alt+A, or /a typed, marks one kept."""
_KEEP_LETTER = re.compile(f"[{PROMISE_KEYS}]")


TRY_AGAIN = "Try again"
"""The next step an attempt ends on: the method's gate holds, nothing else is asked."""


class CallStatus(StrEnum):
    LIVE = "live"
    DONE = "done"


class Contact(BaseModel):
    model_config = ConfigDict(validate_assignment=True)

    id: int | None = None
    name: Required
    company: OneLine = ""
    role: ContactRole = ContactRole.OTHER
    uuid: str | None = None
    """The same in every database the contact is copied to (None until stored)."""
    email: OneLine = ""
    """Where the recap goes; checked where it is typed or imported (:func:`email_problem`)."""
    phone: OneLine = ""
    """Kept as typed: people write numbers many ways, and a dialler reads them all."""
    title: OneLine = ""
    """Their job title ("Head of Operations"), beside the role in the buying process."""

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name


def email_problem(email: str) -> str | None:
    """Why ``email`` can't be an address, or None (empty is fine: it is optional).

    Light on purpose: something before an ``@`` and a dot somewhere after it.
    The mail client is the real judge; this only catches a slip of the finger.
    """
    text = email.strip()
    if not text:
        return None
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain.strip(".") or " " in text:
        return "an email address needs a name, an @ and a domain with a dot (dana@acme.com)"
    return None


class QuestionOrigin(StrEnum):
    """Where a checklist entry came from, shown beside it while planning."""

    OWN = "own"
    BANK = "bank"
    VERIFY = "verify"
    CARRIED = "carried"


class Question(BaseModel):
    """A keyword on the checklist, ticked once it has been asked."""

    model_config = ConfigDict(validate_assignment=True)

    id: int | None = None
    text: Required
    asked: bool = False
    origin: QuestionOrigin = QuestionOrigin.OWN


class ResearchLine(BaseModel):
    """One fact or aim jotted before the call."""

    id: int | None = None
    area: ResearchArea
    text: Required
    said: bool = False
    """For a "say aloud" line: the customer put it into words on the call."""


class Note(BaseModel):
    id: int | None = None
    uuid: str | None = None
    """The same in every database the note is copied to (None until stored)."""
    kind: NoteKind = NoteKind.NOTE
    text: Annotated[MultiLine, StringConstraints(min_length=1)]
    offset_seconds: Offset = 0
    created_at: datetime | None = None
    due: date | None = None
    """For commitments: when it is due, if agreed."""
    due_time: Minutes | None = None
    """For commitments: the time of day on ``due``, if one was given (local, minutes)."""
    owner: OneLine = ""
    """For commitments: who will do it, when not simply "us" or "them"."""
    done_at: datetime | None = None
    """For commitments: when it was kept. Open until then."""
    moved_from: list[date] = Field(default_factory=list)
    """For commitments: the earlier due dates, oldest first (each move keeps one)."""
    in_email: bool | None = None
    """Whether the recap email takes it, as the user chose; None until they
    choose, which means the default for its kind (:attr:`in_recap`)."""

    @property
    def is_commitment(self) -> bool:
        return self.kind in (NoteKind.OURS, NoteKind.THEIRS)

    @property
    def in_recap(self) -> bool:
        """Whether the recap email (and what else leaves the user's hands) takes it.

        A private note (a kind with no recap section) never does, whatever
        was chosen. Otherwise the user's choice holds; without one, a kind
        the table doesn't email by default (a ``?`` follow-up, the user's own
        to-do) and a note of several lines (a paste, most likely) are left
        out, and everything else goes in.
        """
        if self.kind.recap is None:
            return False
        if self.in_email is not None:
            return self.in_email
        several_lines = "\n" in self.text or "\r" in self.text  # a paste not cleaned yet
        return self.kind.emailed and not several_lines


class NextStep(BaseModel):
    """The dated step both sides agreed on at the close."""

    what: Required
    owner: Owner = Owner.US
    due: date
    due_time: Minutes | None = None
    """The time of day on ``due``, if one was agreed (local wall-clock time, minutes)."""
    moved_from: list[date] = Field(default_factory=list)
    """The earlier dates, oldest first: a slipping date is history, not an overwrite.
    A move of the time alone keeps the day it was on, so it counts as a move too."""


_TIMES = {1: "once", 2: "twice"}


def describe_moves(moved_from: list[date]) -> str:
    """How far a date slipped, e.g. ``moved twice, first due 2 Dec`` ("" if never)."""
    if not moved_from:
        return ""
    first = moved_from[0]
    times = _TIMES.get(len(moved_from), f"{len(moved_from)} times")
    return f"moved {times}, first due {first.day} {first:%b}"


class Call(BaseModel):
    model_config = ConfigDict(validate_assignment=True)

    id: int | None = None
    uuid: str | None = None
    """The same in every database the call is copied to (None until stored)."""
    contact: Contact
    call_type: CallType = CallType.DISCOVERY
    goal: Required
    backup_goal: OneLine = ""
    research: list[ResearchLine] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)
    status: CallStatus = CallStatus.LIVE
    started_at: datetime
    ended_at: datetime | None = None
    paused_seconds: Offset = 0
    """Time on hold so far, not counting a hold still running."""
    paused_at: datetime | None = None
    """When the current hold began; None while the clock runs."""
    outcome: Outcome | None = None
    reason: Reason | None = None
    reason_text: OneLine = ""
    """The reason in the customer's or the user's words."""
    goal_result: GoalResult | None = None
    next_step: NextStep | None = None
    recap_subject: OneLine | None = None
    """The recap as last edited, if it was; otherwise it is composed afresh."""
    recap_body: MultiLine | None = None
    next_step_done_at: datetime | None = None
    """When the next step was kept (done); None while it is open."""
    follows_call_id: int | None = None
    """The call whose next step led to this one."""
    connection: Connection = Connection.CONNECTED
    """Whether it reached the person; anything else is an attempt (no outcome asked)."""

    def elapsed(self, now: datetime) -> int:
        """Seconds of conversation: wall time since the start, minus time on hold."""
        end = self.paused_at or now
        return max(0, int((end - self.started_at).total_seconds()) - self.paused_seconds)

    def notes_of(self, *kinds: NoteKind) -> list[Note]:
        return [note for note in self.notes if note.kind in kinds]


class PrepBrief(BaseModel):
    """What the last calls with this contact leave for the next one (rule 7, 16)."""

    contact: Contact
    calls_before: int
    """Earlier conversations: finished calls that reached the person."""
    attempts_since: int = 0
    """Calls since the last conversation that didn't connect (all of them if none did)."""
    last_call_id: int
    last_started_at: datetime
    last_call_type: CallType
    last_goal: str
    last_backup_goal: str = ""
    last_outcome: Outcome | None = None
    next_step: NextStep | None = None
    """The next step agreed last time: the reason for this call."""
    open_commitments: list[Note] = Field(default_factory=list)
    quotes: list[Note] = Field(default_factory=list)
    unasked: list[str] = Field(default_factory=list)
    follow_ups: list[str] = Field(default_factory=list)
    """The last call's ``?`` notes: open questions to take into this one."""

    @property
    def carried(self) -> list[str]:
        """The questions this call inherits: unasked ones, then follow-ups, once each."""
        seen: set[str] = set()
        out: list[str] = []
        for text in [*self.unasked, *self.follow_ups]:
            line = _one_line(text)
            if line and line.casefold() not in seen:
                seen.add(line.casefold())
                out.append(line)
        return out


def format_offset(seconds: int) -> str:
    """``mm:ss`` from the call's start (``h:mm:ss`` past an hour)."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"
