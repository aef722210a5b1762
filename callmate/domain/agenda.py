"""The home screen's day: open promises by when they fall due, people going cold.

A CRM is an extension of the salesperson's memory (METHOD.md rules 14, 16):
what is overdue comes first and cannot be missed, then today, this week and
later, then commitments not given a date yet; then anyone not called within
the cadence. A promise is a next step or a commitment either side made.

These are small read-only records built straight from query rows, in plain
dataclasses rather than pydantic models: the home screen is the first thing
drawn, and reading it must not wait for pydantic or SQLAlchemy to load
(BENCHMARKS.md). Every text field is cleaned as the record is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from callmate.domain.kinds import Connection, NoteKind
from callmate.domain.text import clean_line, count

GROUP_LIMIT = 30
"""Steps shown per group; the rest are counted (search reaches every one)."""


OWES = {
    "next_step": "NEXT STEP",
    **{k.value: k.label.upper() for k in (NoteKind.OURS, NoteKind.THEIRS)},
}
"""Who owes an open promise, by its kind: the label the home screen and
``callmate due`` show in words (never colour alone)."""


def format_clock(at: time) -> str:
    """``15:00``: a time of day as stored, exported and shown (24-hour, to the minute)."""
    return f"{at.hour:02d}:{at.minute:02d}"


def short_when(day: date, at: time | None = None) -> str:
    """``Thu 03 Dec`` or ``Thu 03 Dec 15:00``: a promise's day (and time) in a list."""
    return f"{day:%a %d %b}" if at is None else f"{day:%a %d %b} {format_clock(at)}"


@dataclass(frozen=True)
class DueStep:
    """An open promise: a call's next step, or a commitment noted on a call
    ("we owe" / "they owe"). What the home screen and ``callmate due`` list."""

    call_id: int
    contact_id: int
    contact_name: str
    company: str
    what: str
    owner: str
    """A next step's "us", "them" or "both"; a commitment's owner as typed ("" if none)."""
    due: date | None
    """None only for a commitment not given a date yet."""
    goal: str = ""
    kind: str = "next_step"
    """"next_step", "ours" or "theirs" (a key of :data:`OWES`)."""
    note_id: int | None = None
    """The commitment's note; None for a next step."""
    connection: str = "connected"
    """For a next step: how its call went ("no_answer"... for an attempt)."""
    tries: int = 0
    """For an attempt's step: which try in a row it was since the last conversation."""
    due_time: time | None = None
    """The time of day on ``due``, when one was agreed (local)."""

    def __post_init__(self) -> None:
        fields = (self.contact_name, self.company, self.what, self.goal, self.owner)
        try:  # the usual case, clean already, in one C pass (callmate due lists 100,000)
            if "".join(fields).isprintable() and tuple(map(str.strip, fields)) == fields:
                return
        except TypeError:  # a None among them: cleaned one by one below
            pass
        for name in ("contact_name", "company", "what", "goal", "owner"):
            object.__setattr__(self, name, clean_line(getattr(self, name)))

    @property
    def is_step(self) -> bool:
        return self.kind == "next_step"

    @property
    def owes(self) -> str:
        return OWES.get(self.kind, "NEXT STEP")

    @property
    def sort_due(self) -> date:
        return self.due or date.max

    @property
    def sort_when(self) -> tuple[date, bool, time]:
        """By day, then within a day those without a time first, then by time."""
        return self.sort_due, self.due_time is not None, self.due_time or time.min


def cadence_question(what: str, days_out: int, cadence_days: int) -> str | None:
    """Rule 14 (002_2589912f4c3288ea.txt) when a date is moved: past the cadence a
    competitor can get there first. None within it (or with no cadence)."""
    if cadence_days <= 0 or days_out <= cadence_days:
        return None
    return (
        f"That moves “{what}” {count(days_out, 'day')} out, past the "
        f"{cadence_days}-day rhythm; a competitor could get there first.\n\n"
        "Move it anyway?"
    )


CONNECTION_WORDS = {connection.value: connection.label for connection in Connection}
"""How a call went, in words, by stored value (plain strings: home is drawn
before pydantic loads). Read from :class:`~callmate.domain.kinds.Connection`."""


TRIES_COUNTED = 20
"""Tries in a row counted at most (home stays as fast however long a streak
gets); beyond that, a list says "20+ tries in a row"."""


def ordinal(number: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``22nd``."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10)
    return f"{number}{suffix or 'th'}"


def describe_try(connection: str, tries: int) -> str:
    """``no answer, 3rd try`` for a call that didn't connect; "" for a conversation.

    Plain strings (not the models' enum): the home screen is drawn before
    pydantic loads.
    """
    words = CONNECTION_WORDS.get(connection)
    if words is None or connection == "connected":
        return ""
    if tries > TRIES_COUNTED:
        return f"{words}, {TRIES_COUNTED}+ tries in a row"
    return f"{words}, {ordinal(max(tries, 1))} try"


@dataclass(frozen=True)
class ColdContact:
    """Someone not called within the cadence."""

    contact_id: int
    name: str
    company: str
    role: str
    last_call_at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", clean_line(self.name))
        object.__setattr__(self, "company", clean_line(self.company))


@dataclass(frozen=True)
class CallSummary:
    """One line of a call list: enough to recognise a call."""

    id: int
    contact_name: str
    company: str
    goal: str
    status: str
    """"live" or "done"."""
    started_at: datetime
    outcome: str | None = None
    next_step_what: str = ""
    next_step_due: date | None = None
    connection: str = "connected"
    tries: int = 0
    """For an attempt: which try in a row it was since the last conversation."""
    next_step_time: time | None = None

    def __post_init__(self) -> None:
        for name in ("contact_name", "company", "goal", "next_step_what"):
            object.__setattr__(self, name, clean_line(getattr(self, name) or ""))


@dataclass(frozen=True)
class PromiseRow:
    """A line of home's list: an open promise (a next step or a commitment)."""

    promise: DueStep

    @property
    def key(self) -> str:
        step = self.promise
        return f"step:{step.call_id}" if step.note_id is None else f"note:{step.note_id}"


@dataclass(frozen=True)
class ColdRow:
    """A line of home's list: someone going cold."""

    contact: ColdContact

    @property
    def key(self) -> str:
        return f"cold:{self.contact.contact_id}"


@dataclass(frozen=True)
class CallRow:
    """A line of home's list: a recent call."""

    call: CallSummary

    @property
    def key(self) -> str:
        return f"call:{self.call.id}"


AgendaRow = PromiseRow | ColdRow | CallRow
"""What a line of home's list is; ``key`` names it across reloads (the option id)."""


def week_end(today: date) -> date:
    """The Sunday that ends today's week (weeks run Monday to Sunday)."""
    return today + timedelta(days=6 - today.weekday())


@dataclass
class Group:
    key: str
    title: str
    steps: list[DueStep] = field(default_factory=list)
    total: int = 0


@dataclass
class Agenda:
    today: date
    overdue: Group
    due_today: Group
    this_week: Group
    later: Group
    cold: list[ColdContact] = field(default_factory=list)
    cold_total: int = 0
    recent: list[CallSummary] = field(default_factory=list)
    no_date: Group = field(default_factory=lambda: Group("nodate", "No date yet"))
    """Commitments without a due date: in view, so nothing is invisible."""
    restorable: CallSummary | None = None
    """A call discarded as started by mistake that Ctrl+Z can still bring back."""

    @property
    def groups(self) -> list[Group]:
        return [self.overdue, self.due_today, self.this_week, self.later, self.no_date]

    @property
    def empty(self) -> bool:
        return not self.recent and not any(g.total for g in self.groups) and not self.cold
