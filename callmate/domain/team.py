"""The team on a shared database: who a rep is, and everyone's overdue promises.

Plain read-only records built from query rows (as :mod:`callmate.domain.agenda`'s),
every text field cleaned as the record is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from callmate.domain.agenda import DueStep
from callmate.domain.text import clean_line


@dataclass(frozen=True)
class TeamUser:
    """A person of the team: their PostgreSQL role, and how they are shown."""

    role: str
    """The PostgreSQL role they connect as (what ``calls.owner_role`` holds)."""
    display_name: str = ""
    email: str = ""
    manager: bool = False

    def __post_init__(self) -> None:
        for name in ("role", "display_name", "email"):
            object.__setattr__(self, name, clean_line(getattr(self, name)))

    @property
    def shown(self) -> str:
        """Their display name, or their role name where they have none."""
        return self.display_name or self.role


@dataclass(frozen=True)
class RepAgenda:
    """One rep's overdue promises (next steps and commitments), oldest first."""

    role: str
    name: str
    """The rep's display name, or the role name where there is none."""
    items: list[DueStep] = field(default_factory=list)
    total: int = 0
    """How many there are (``items`` may hold fewer, when a limit was asked)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", clean_line(self.role))
        object.__setattr__(self, "name", clean_line(self.name))


def team_report(agendas: list[RepAgenda], today: date) -> str:
    """``callmate due --team``: a heading per rep, then their overdue promises,
    oldest first (the lines of ``callmate due``, without the label column)."""
    from callmate.domain.agenda import describe_try, short_when
    from callmate.domain.text import count

    if not agendas:
        return "Nobody on the team has anything overdue.\n"
    lines: list[str] = []
    for agenda in agendas:
        who = agenda.name if agenda.name == agenda.role else f"{agenda.name} ({agenda.role})"
        lines.append(f"{who}: {count(agenda.total, 'overdue promise')}")
        for item in agenda.items:
            late = f"OVERDUE {count((today - item.due).days, 'day')}" if item.due else ""
            when = short_when(item.due, item.due_time) if item.due else ""
            person = item.contact_name + (f", {item.company}" if item.company else "")
            extra = f" ({item.owner})" if item.owner and not item.is_step else ""
            tried = describe_try(item.connection, item.tries) if item.is_step else ""
            extra += f" ({tried})" if tried else ""
            lines.append(
                f"  {late:<16} {when:<10}  {item.owes:<9}  {person}: {item.what}{extra}"
                f"  [call {item.call_id}]"
            )
        if agenda.total > len(agenda.items):
            lines.append(f"  … and {agenda.total - len(agenda.items)} more")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class OtherRepsCall:
    """Another rep's latest conversation with a contact: what planning a call
    with them says first ("Priya spoke to Dana on Friday; her next step is due
    Tuesday")."""

    call_id: int
    rep: str
    """The rep's display name, or their role name."""
    started_at: datetime
    next_step: str = ""
    next_step_due: date | None = None
    next_step_done: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "rep", clean_line(self.rep))
        object.__setattr__(self, "next_step", clean_line(self.next_step))
