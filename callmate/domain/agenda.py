"""The home screen's day: next steps by when they fall due, people going cold.

A CRM is an extension of the salesperson's memory (METHOD.md rules 14, 16):
what is overdue comes first and cannot be missed, then today, this week and
later; then anyone not called within the cadence.

These are small read-only records built straight from query rows, in plain
dataclasses rather than pydantic models: the home screen is the first thing
drawn, and reading it must not wait for pydantic or SQLAlchemy to load
(BENCHMARKS.md). Every text field is cleaned as the record is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from callmate.domain.text import clean_line

GROUP_LIMIT = 30
"""Steps shown per group; the rest are counted (search reaches every one)."""


@dataclass(frozen=True)
class DueStep:
    """An open next step: what the home screen and ``callmate due`` list."""

    call_id: int
    contact_id: int
    contact_name: str
    company: str
    what: str
    owner: str
    """"us", "them" or "both"."""
    due: date
    goal: str = ""

    def __post_init__(self) -> None:
        for name in ("contact_name", "company", "what", "goal"):
            object.__setattr__(self, name, clean_line(getattr(self, name)))


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

    def __post_init__(self) -> None:
        for name in ("contact_name", "company", "goal", "next_step_what"):
            object.__setattr__(self, name, clean_line(getattr(self, name) or ""))


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

    @property
    def groups(self) -> list[Group]:
        return [self.overdue, self.due_today, self.this_week, self.later]

    @property
    def empty(self) -> bool:
        return not self.recent and not any(g.total for g in self.groups) and not self.cold


@dataclass(frozen=True)
class SearchHit:
    """One search result; ``call_id`` is None for a contact.

    A plain record like the rest of this module, so searching right after
    launch does not wait for pydantic or SQLAlchemy to load.
    """

    source: str
    """"note", "call", "research" or "contact"."""
    text: str
    contact_id: int
    contact_name: str
    call_id: int | None = None
    company: str = ""
    started_at: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("text", "contact_name", "company"):
            object.__setattr__(self, name, clean_line(getattr(self, name) or ""))
