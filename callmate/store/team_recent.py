"""Planning a call on the team database: did another rep call this contact lately?

One query on a SQLAlchemy connection to PostgreSQL (schema version 3): the newest
call with the contact made by a role other than the connected one, since a
moment (the cadence ago). What the plan screen says before the call starts
("Priya spoke to Dana on Friday; next step: demo, due Tuesday").
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from callmate.domain.agenda import CallSummary
from callmate.domain.text import clean_line
from callmate.store.pg_schema import OWNER_COLUMN, USERS_TABLE
from callmate.store.queries import read_clock

if TYPE_CHECKING:
    from sqlalchemy import Connection

_LATEST_BY_ANOTHER = f"""
    SELECT k.id, c.name, c.company, k.goal, k.status, k.started_at, k.outcome,
           CASE WHEN k.next_step_done_at IS NULL THEN k.next_step_what END,
           CASE WHEN k.next_step_done_at IS NULL THEN k.next_step_due END,
           k.connection, CASE WHEN k.next_step_done_at IS NULL THEN k.next_step_time END,
           coalesce(nullif(u.display_name, ''), k.{OWNER_COLUMN})
    FROM calls k JOIN contacts c ON c.id = k.contact_id
    LEFT JOIN {USERS_TABLE} u ON u.role_name = k.{OWNER_COLUMN}
    WHERE k.contact_id = :contact AND k.{OWNER_COLUMN} <> CURRENT_USER
      AND k.discarded_at IS NULL AND k.started_at >= :since
    ORDER BY k.started_at DESC, k.id DESC
    LIMIT 1
"""
"""A kept step's what and due are left out: only an open next step is news to the caller."""


def latest_by_another_rep(
    connection: Connection, contact_id: int, since: datetime
) -> tuple[str, CallSummary] | None:
    """The newest call with ``contact_id`` that another rep made at or after
    ``since``, and that rep's name (display name, else role name); None if none."""
    from sqlalchemy import text

    stamp = since.astimezone(UTC).replace(tzinfo=None)  # stored as UTC without a zone
    row = connection.execute(
        text(_LATEST_BY_ANOTHER), {"contact": contact_id, "since": stamp}
    ).one_or_none()
    if row is None:
        return None
    started = row[5]
    if isinstance(started, str):
        started = datetime.fromisoformat(started)
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    due = row[8]
    if isinstance(due, str):
        due = date.fromisoformat(due)
    summary = CallSummary(
        id=int(row[0]),
        contact_name=str(row[1]),
        company=str(row[2] or ""),
        goal=str(row[3] or ""),
        status=str(row[4]),
        started_at=started,
        outcome=row[6] or None,
        next_step_what=str(row[7] or ""),
        next_step_due=due,
        connection=str(row[9] or "connected"),
        next_step_time=read_clock(row[10]) if due else None,
    )
    return clean_line(str(row[11])), summary
