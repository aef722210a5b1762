"""The home screen's day: next steps by when they fall due, people going cold.

A CRM is an extension of the salesperson's memory (METHOD.md rules 14, 16):
what is overdue comes first and cannot be missed, then today, this week and
later; then anyone not called within the cadence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from callmate.domain.models import CallSummary, ColdContact, DueStep

GROUP_LIMIT = 30
"""Steps shown per group; the rest are counted (search reaches every one)."""


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


def days_overdue(step: DueStep, today: date) -> int:
    return (today - step.due).days
