"""Read queries in plain SQL on a stdlib ``sqlite3`` connection.

The home screen's data (the agenda, open calls) is read here so that the
first screen never waits for SQLAlchemy (~250 ms to import) or pydantic:
the database thread answers with these queries at once and loads the ORM
afterwards. The repository uses the same functions, so each query exists
once. Everything is parametrised; nothing user-typed is ever pasted into SQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from callmate.domain.agenda import (
    GROUP_LIMIT,
    Agenda,
    CallSummary,
    ColdContact,
    DueStep,
    Group,
    week_end,
)
from callmate.domain.promise_record import EMPTY_RECORD, PromiseRecord, Tally
from callmate.store.due_lines import OPEN_COMMITMENT as _OPEN_COMMITMENT
from callmate.store.due_lines import TRIES
from callmate.store.text_search import stored_moment as _moment

if TYPE_CHECKING:
    from sqlalchemy import Connection


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def read_clock(value: str | None) -> time | None:
    """A stored 'HH:MM' time of day; anything else reads as no time."""
    if not value:
        return None
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        return None


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


_SUMMARY = f"""
    SELECT k.id, c.name, c.company, k.goal, k.status, k.started_at, k.outcome,
           k.next_step_what, k.next_step_due, k.connection, {TRIES}, k.next_step_time
    FROM calls k JOIN contacts c ON c.id = k.contact_id
"""
_KEPT = "k.discarded_at IS NULL"
"""Every list leaves out calls discarded as started by mistake."""

MINE = "owner_role = CURRENT_USER"
"""On the team database (schema version 3), a call of this rep: made by the
PostgreSQL role connected (:data:`callmate.store.pg_schema.OWNER_COLUMN`)."""


def _mine(db: object, calls: str = "k") -> str:
    """`` AND k.owner_role = CURRENT_USER`` on the team database (a :class:`PgReads`),
    "" on the SQLite file: home's agenda, ``due``, the calls offered to resume and
    the discard Ctrl+Z restores are the user's own, as on SQLite; the team's
    overdue promises are :func:`callmate.store.team.team_agenda`'s."""
    return f" AND {calls}.{MINE}" if isinstance(db, PgReads) else ""


def _mine_notes(db: object) -> str:
    """:func:`_mine` for a query of notes ``n`` without their call."""
    if isinstance(db, PgReads):
        return f" AND n.call_id IN (SELECT id FROM calls WHERE {MINE})"
    return ""


def _summaries(rows: list[tuple[object, ...]]) -> list[CallSummary]:
    return [
        CallSummary(
            id=int(r[0]),  # type: ignore[call-overload]
            contact_name=str(r[1]),
            company=str(r[2]),
            goal=str(r[3]),
            status=str(r[4]),
            started_at=_moment(r[5]) or datetime.min.replace(tzinfo=UTC),  # type: ignore[arg-type]
            outcome=r[6] if r[6] else None,  # type: ignore[arg-type]
            next_step_what=str(r[7] or ""),
            next_step_due=_day(r[8]),  # type: ignore[arg-type]
            connection=str(r[9] or "connected"),
            tries=int(r[10] or 0),  # type: ignore[call-overload]
            next_step_time=read_clock(r[11]) if r[8] else None,  # type: ignore[arg-type]
        )
        for r in rows
    ]


def recent_calls(db: sqlite3.Connection, limit: int = 50) -> list[CallSummary]:
    rows = db.execute(
        f"{_SUMMARY} WHERE {_KEPT} ORDER BY k.started_at DESC, k.id DESC LIMIT ?", (limit,)
    )
    return _summaries(rows.fetchall())


def live_calls(db: sqlite3.Connection) -> list[CallSummary]:
    """Calls started and never closed: offered for resume, never dropped.

    A call discarded as started by mistake is not one of them.
    """
    rows = db.execute(
        f"{_SUMMARY} WHERE k.status = 'live' AND {_KEPT}{_mine(db)} ORDER BY k.started_at DESC"
    )
    return _summaries(rows.fetchall())


def restorable_discard(db: sqlite3.Connection) -> CallSummary | None:
    """The call discarded last, while no call has started since: Ctrl+Z on home
    brings it back. One step in each of two indexes."""
    rows = db.execute(
        f"{_SUMMARY} WHERE k.discarded_at IS NOT NULL{_mine(db)} AND NOT EXISTS ("
        "  SELECT 1 FROM calls n WHERE n.started_at >= k.discarded_at"
        f"  AND (n.started_at > k.discarded_at OR n.id > k.id){_mine(db, 'n')})"
        " ORDER BY k.discarded_at DESC LIMIT 1"
    ).fetchall()
    found = _summaries(rows)
    return found[0] if found else None


def open_steps(
    db: sqlite3.Connection,
    *,
    after: date | None = None,
    before: date | None = None,
    limit: int = 50,
    newest_first: bool = False,
) -> tuple[list[DueStep], int]:
    """Open next steps due strictly between ``after`` and ``before``, and how many."""
    # No discarded_at test: only a live call (one with no next step) can be
    # discarded, and a discarded call can't be closed; the test would cost a
    # table read per open step where the counts now read only the index.
    where = ["k.next_step_due IS NOT NULL", "k.next_step_done_at IS NULL"]
    if isinstance(db, PgReads):
        where.append(f"k.{MINE}")
    params: list[object] = []
    if after is not None:
        where.append("k.next_step_due > ?")
        params.append(after.isoformat())
    if before is not None:
        where.append("k.next_step_due < ?")
        params.append(before.isoformat())
    condition = " AND ".join(where)
    order = "DESC" if newest_first else "ASC"
    rows = db.execute(
        "SELECT k.id, c.id, c.name, c.company, k.next_step_what, k.next_step_owner, "
        f"k.next_step_due, k.goal, k.connection, {TRIES}, k.next_step_time "
        "FROM calls k JOIN contacts c ON c.id = k.contact_id "
        f"WHERE {condition} ORDER BY k.next_step_due {order}, k.id LIMIT ?",
        (*params, limit),
    ).fetchall()
    total = db.execute(f"SELECT count(*) FROM calls k WHERE {condition}", params).fetchone()[0]
    steps = [
        DueStep(
            call_id=r[0],
            contact_id=r[1],
            contact_name=r[2],
            company=r[3],
            what=r[4] or "",
            owner=r[5] if r[5] in ("us", "them", "both") else "us",
            due=date.fromisoformat(r[6]),
            goal=r[7],
            connection=r[8] or "connected",
            tries=int(r[9] or 0),
            due_time=read_clock(r[10]),
        )
        for r in rows
    ]
    return steps, int(total)


_COMMITMENT_COLUMNS = (
    "SELECT n.id, k.id, c.id, c.name, c.company, n.text, n.owner, n.due, n.kind, k.goal, "
    "n.due_time "
    "FROM notes n JOIN calls k ON k.id = n.call_id JOIN contacts c ON c.id = k.contact_id"
)


def _commitment(r: tuple[object, ...]) -> DueStep:
    return DueStep(
        call_id=int(r[1]),  # type: ignore[call-overload]
        contact_id=int(r[2]),  # type: ignore[call-overload]
        contact_name=str(r[3]),
        company=str(r[4]),
        what=str(r[5] or ""),
        owner=str(r[6] or ""),
        due=_day(r[7]),  # type: ignore[arg-type]
        goal=str(r[9] or ""),
        kind=str(r[8]),
        note_id=int(r[0]),  # type: ignore[call-overload]
        due_time=read_clock(r[10]) if r[7] else None,  # type: ignore[arg-type]
    )


def open_commitments(
    db: sqlite3.Connection, *, before: date | None = None, limit: int = 10_000
) -> list[DueStep]:
    """Open "we owe" / "they owe" commitments due before ``before`` (all when
    None), and every one without a date; by due date, undated last.

    Two ranges of :data:`OPEN_COMMITMENTS_INDEX` read in its own order (due,
    then id), the dated first: no sort of every open commitment, and the
    undated ones are not read at all once ``limit`` dated ones are found
    (at 50,000 open commitments: 0.22 s instead of 0.87 s for 10,000)."""
    dated = "n.due IS NOT NULL" if before is None else "n.due < ?"
    params: tuple[object, ...] = () if before is None else (before.isoformat(),)
    rows = db.execute(
        f"{_COMMITMENT_COLUMNS} WHERE {_OPEN_COMMITMENT} AND {dated}{_mine(db)} "
        "ORDER BY n.due, n.id LIMIT ?",
        (*params, limit),
    ).fetchall()
    if len(rows) < limit:
        rows += db.execute(
            f"{_COMMITMENT_COLUMNS} WHERE {_OPEN_COMMITMENT} AND n.due IS NULL{_mine(db)} "
            "ORDER BY n.id LIMIT ?",
            (limit - len(rows),),
        ).fetchall()
    return [_commitment(r) for r in rows]


OPEN_COMMITMENTS_INDEX = "ix_notes_open_commitments"
"""The partial index (migration 8) the commitment queries are written for:
notes(due) WHERE an open commitment, so each group is one index range."""

_GROUP_RANGES = (
    ("n.due < :today", "n.due DESC, n.id"),
    ("n.due = :today", "n.id"),
    ("n.due > :today AND n.due <= :sunday", "n.due, n.id"),
    ("n.due > :sunday", "n.due, n.id"),
    ("n.due IS NULL", "n.id DESC"),
)
"""Each group's range of due dates and its order: the index's own ranges."""


def commitment_groups(
    db: sqlite3.Connection, today: date, limit: int = GROUP_LIMIT
) -> dict[int, tuple[list[DueStep], int]]:
    """Open commitments by group (0 overdue, 1 today, 2 this week, 3 later,
    4 no date): the first ``limit`` of each in the group's order, and how many."""
    params = {"today": today.isoformat(), "sunday": week_end(today).isoformat(), "limit": limit}
    groups: dict[int, tuple[list[DueStep], int]] = {}
    # Each group an index range: a few rows read, counts from the index alone.
    for number, (where, order) in enumerate(_GROUP_RANGES):
        condition = f"{_OPEN_COMMITMENT} AND {where}{_mine_notes(db)}"
        total = db.execute(f"SELECT count(*) FROM notes n WHERE {condition}", params)
        count_ = int(total.fetchone()[0])
        if count_:
            rows = db.execute(
                f"{_COMMITMENT_COLUMNS} WHERE {condition} ORDER BY {order} LIMIT :limit",
                params,
            )
            groups[number] = ([_commitment(r) for r in rows], count_)
    return groups


def _merge(group: Group, commitments: tuple[list[DueStep], int], *, newest_first: bool) -> None:
    """Next steps and commitments of one group in one order; the first GROUP_LIMIT shown."""
    items, total = commitments
    sign = -1 if newest_first else 1
    merged = sorted(  # stable: undated commitments keep the query's order
        [*group.steps, *items],
        key=lambda item: (sign * item.sort_due.toordinal(), item.sort_when[1:], not item.is_step),
    )
    group.steps = merged[:GROUP_LIMIT]
    group.total += total


def going_cold(
    db: sqlite3.Connection, before: datetime, limit: int = 20
) -> tuple[list[ColdContact], int]:
    """Contacts whose last call was before ``before``, most recently called first."""
    stamp = _stamp(before)
    rows = db.execute(
        "SELECT id, name, company, role, last_call_at FROM contacts "
        "WHERE last_call_at < ? ORDER BY last_call_at DESC LIMIT ?",
        (stamp, limit),
    ).fetchall()
    total = db.execute("SELECT count(*) FROM contacts WHERE last_call_at < ?", (stamp,))
    cold = [
        ColdContact(
            contact_id=r[0],
            name=r[1],
            company=r[2],
            role=r[3],
            last_call_at=_moment(r[4]) or before,
        )
        for r in rows
    ]
    return cold, int(total.fetchone()[0])


def agenda(
    db: sqlite3.Connection, today: date, cold_before: datetime, *, recent: int = 30
) -> Agenda:
    """Everything the home screen shows: every open promise by when it falls due."""
    sunday = week_end(today)
    overdue = Group("overdue", "Overdue")
    overdue.steps, overdue.total = open_steps(
        db, before=today, newest_first=True, limit=GROUP_LIMIT
    )
    due_today = Group("today", "Due today")
    due_today.steps, due_today.total = open_steps(
        db, after=today - timedelta(days=1), before=today + timedelta(days=1), limit=GROUP_LIMIT
    )
    this_week = Group("week", "This week")
    this_week.steps, this_week.total = open_steps(
        db, after=today, before=sunday + timedelta(days=1), limit=GROUP_LIMIT
    )
    later = Group("later", "Later")
    later.steps, later.total = open_steps(db, after=sunday, limit=GROUP_LIMIT)
    no_date = Group("nodate", "No date yet")
    commitments = commitment_groups(db, today)
    for number, group in enumerate((overdue, due_today, this_week, later, no_date)):
        found = commitments.get(number, ([], 0))
        _merge(group, found, newest_first=group is overdue)
    cold, cold_total = going_cold(db, cold_before)
    return Agenda(
        today=today,
        overdue=overdue,
        due_today=due_today,
        this_week=this_week,
        later=later,
        cold=cold,
        cold_total=cold_total,
        recent=recent_calls(db, recent),
        no_date=no_date,
        restorable=restorable_discard(db),
    )


_PROMISES = """
    WITH asked(id) AS (SELECT value FROM json_each(:contacts)),
    promises(contact_id, side, due, kept_on) AS (
        SELECT k.contact_id, CASE k.next_step_owner WHEN 'them' THEN 'theirs' ELSE 'ours' END,
               k.next_step_due, date(k.next_step_done_at, 'localtime')
        FROM calls k
        WHERE {person} IN asked
          AND k.next_step_what IS NOT NULL AND k.next_step_due IS NOT NULL
        UNION ALL
        SELECT k.contact_id, n.kind, n.due, date(n.done_at, 'localtime')
        FROM calls k JOIN notes n ON n.call_id = k.id
        WHERE {person} IN asked
          AND n.kind IN ('ours', 'theirs') AND n.deleted_at IS NULL
    )
    SELECT contact_id, side,
           count(*) FILTER (WHERE kept_on IS NOT NULL AND (due IS NULL OR kept_on <= due)),
           count(*) FILTER (WHERE kept_on > due),
           count(*) FILTER (WHERE kept_on IS NULL AND due < :today)
    FROM promises GROUP BY contact_id, side
"""
"""Each person's promises counted by side: the rules are
:mod:`callmate.domain.promise_record`'s. ``kept_on`` is the local date the
promise was marked kept, as ``today`` is. ``{person}`` is ``k.contact_id``:
an index range per person, for a few people (the timeline's one); many at
once are counted by :data:`_EVERYONE`."""

_EVERYONE = """
    WITH asked(id) AS (SELECT value FROM json_each(:contacts)),
    per_call(call_id, side, on_time, late, overdue) AS (
        SELECT call_id, kind,
               count(*) FILTER (WHERE kept_on IS NOT NULL AND (due IS NULL OR kept_on <= due)),
               count(*) FILTER (WHERE kept_on > due),
               count(*) FILTER (WHERE kept_on IS NULL AND due < :today)
        FROM (SELECT call_id, kind, due, date(done_at, 'localtime') AS kept_on
              FROM notes NOT INDEXED
              WHERE kind IN ('ours', 'theirs') AND deleted_at IS NULL)
        GROUP BY call_id, kind
    ),
    promises(contact_id, side, on_time, late, overdue) AS (
        SELECT k.contact_id, p.side, p.on_time, p.late, p.overdue
        FROM per_call p JOIN calls k ON k.id = p.call_id
        UNION ALL
        SELECT contact_id, CASE next_step_owner WHEN 'them' THEN 'theirs' ELSE 'ours' END,
               kept_on IS NOT NULL AND kept_on <= due,
               coalesce(kept_on > due, 0),
               kept_on IS NULL AND due < :today
        FROM (SELECT contact_id, next_step_owner, next_step_due AS due,
                     date(next_step_done_at, 'localtime') AS kept_on
              FROM calls NOT INDEXED
              WHERE next_step_what IS NOT NULL AND next_step_due IS NOT NULL)
    )
    SELECT contact_id, side, sum(on_time), sum(late), sum(overdue)
    FROM promises WHERE contact_id IN asked GROUP BY contact_id, side
"""
"""The same counts as :data:`_PROMISES` for many people at once, in one pass
over each table: the commitments are counted per call while the notes are
read in storage order (no index, no lookup per note), and only those per-call
counts (about one in ten notes) are joined to their calls for the person. At
100,000 calls and 1,000,000 notes, all 5,000 people: 0.7 s, where the pass
joining every note to its call took 1.4 s."""

_SCAN_SHARE = 8
"""Past one person in this many, one pass over every note beats an index range
per person: at 100,000 calls and 1,000,000 notes (5,000 people) 100 people take
0.19 s by index and 1.4 s by a pass, all 5,000 take 5.6 s by index and 1.7 s by
a pass (the two meet near one in seven). The pass is now :data:`_EVERYONE`
(0.7 s for all), so the share where it wins is, if anything, lower."""


def promise_records(
    db: sqlite3.Connection, contact_ids: Iterable[int], today: date
) -> dict[int, PromiseRecord]:
    """How each person's promises went: kept on time, kept late, open past
    their date; ours and theirs apart. One grouped query, however many people."""
    import json

    wanted = sorted(set(contact_ids))
    records = dict.fromkeys(wanted, EMPTY_RECORD)
    if not wanted:
        return records
    people = int(db.execute("SELECT count(*) FROM contacts").fetchone()[0])
    many = len(wanted) * _SCAN_SHARE >= people
    sql = _EVERYONE if many else _PROMISES.format(person="k.contact_id")
    params = {"contacts": json.dumps(wanted), "today": today.isoformat()}
    tallies: dict[tuple[int, str], Tally] = {}
    for contact_id, side, on_time, late, overdue in db.execute(sql, params):
        tallies[(contact_id, side)] = Tally(int(on_time), int(late), int(overdue))
    empty = Tally()
    for contact_id in wanted:
        ours = tallies.get((contact_id, "ours"), empty)
        theirs = tallies.get((contact_id, "theirs"), empty)
        if ours is not empty or theirs is not empty:
            records[contact_id] = PromiseRecord(ours=ours, theirs=theirs)
    return records


def timed_steps_due(db: sqlite3.Connection, day: date, start: time, end: time) -> list[DueStep]:
    """Our open next steps on ``day`` with a time from ``start`` to ``end`` (inclusive).

    One range of the open-steps index (a day's steps), so it stays cheap enough
    to run every half minute while the app is open.
    """
    rows = db.execute(
        "SELECT k.id, c.id, c.name, c.company, k.next_step_what, k.next_step_owner, "
        "k.next_step_due, k.goal, k.next_step_time "
        "FROM calls k JOIN contacts c ON c.id = k.contact_id "
        "WHERE k.next_step_due = ? AND k.next_step_done_at IS NULL "
        "AND k.next_step_time BETWEEN ? AND ? AND k.next_step_owner IN ('us', 'both')"
        f"{_mine(db)} ORDER BY k.next_step_time, k.id",
        (day.isoformat(), start.strftime("%H:%M"), end.strftime("%H:%M")),
    ).fetchall()
    return [
        DueStep(
            call_id=r[0],
            contact_id=r[1],
            contact_name=r[2],
            company=r[3],
            what=r[4] or "",
            owner=r[5],
            due=date.fromisoformat(r[6]),
            goal=r[7],
            due_time=read_clock(r[8]),
        )
        for r in rows
    ]


# -- PostgreSQL (the team database) ----------------------------------------------
# The queries above are plain SQL that PostgreSQL runs as written; what differs
# is the connection (SQLAlchemy's, to psycopg) and the values it gives back
# (dates and datetimes, where SQLite gives their text). :class:`PgReads` gives
# these functions a sqlite3-shaped connection over SQLAlchemy, so each query
# still exists once; SQLAlchemy is imported only when the team database is used.


class _PgRows:
    """A finished result, shaped as a sqlite3 cursor's (fetchall, fetchone, iteration)."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._rows

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._rows)


def _as_stored(value: Any) -> Any:
    """A PostgreSQL value as SQLite stores it: a date as ``YYYY-MM-DD``, a moment
    (naive UTC) as ``YYYY-MM-DD HH:MM:SS[.ffffff]``, a boolean as 0 or 1."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


class PgReads:
    """The read queries' sqlite3 connection, on a SQLAlchemy connection to PostgreSQL.

    ``?`` marks become named binds (``:p0``, ``:p1``…), named ``:binds`` stay;
    every value is sent as a bound parameter, never pasted into the SQL.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> _PgRows:
        from sqlalchemy import text

        if isinstance(params, dict):
            named = dict(params)
        else:
            pieces = sql.split("?")
            if len(pieces) != len(params) + 1:
                raise ValueError("the SQL's ? marks and its parameters differ in number")
            sql = "".join(
                piece + (f":p{i}" if i < len(params) else "") for i, piece in enumerate(pieces)
            )
            named = {f"p{i}": value for i, value in enumerate(params)}
        result = self.connection.execute(text(sql), named)
        if not result.returns_rows:
            return _PgRows([])
        return _PgRows([tuple(_as_stored(value) for value in row) for row in result])


_PG_PROMISES = """
    SELECT k.contact_id, CASE k.next_step_owner WHEN 'them' THEN 'theirs' ELSE 'ours' END,
           k.next_step_due, k.next_step_done_at
    FROM calls k
    WHERE k.contact_id = ANY(:contacts)
      AND k.next_step_what IS NOT NULL AND k.next_step_due IS NOT NULL
    UNION ALL
    SELECT k.contact_id, n.kind, n.due, n.done_at
    FROM calls k JOIN notes n ON n.call_id = k.id
    WHERE k.contact_id = ANY(:contacts)
      AND n.kind IN ('ours', 'theirs') AND n.deleted_at IS NULL
"""
"""Every promise of the people asked for, one row each (the rules are counted in
Python: "kept on" is the local date of ``done_at``, as SQLite's ``'localtime'``
makes it, which PostgreSQL can't know without the zone's name)."""


def pg_promise_records(
    connection: Connection, contact_ids: Iterable[int], today: date
) -> dict[int, PromiseRecord]:
    """:func:`promise_records` on PostgreSQL: the same counts."""
    from sqlalchemy import text

    wanted = sorted(set(contact_ids))
    records = dict.fromkeys(wanted, EMPTY_RECORD)
    if not wanted:
        return records
    counts: dict[tuple[int, str], list[int]] = {}
    for contact_id, side, due, done_at in connection.execute(
        text(_PG_PROMISES), {"contacts": wanted}
    ):
        kept_on = None if done_at is None else done_at.replace(tzinfo=UTC).astimezone().date()
        tally = counts.setdefault((contact_id, side), [0, 0, 0])
        if kept_on is not None and (due is None or kept_on <= due):
            tally[0] += 1
        elif kept_on is not None:
            tally[1] += 1
        elif due is not None and due < today:
            tally[2] += 1
    empty = Tally()
    for contact_id in wanted:
        ours = counts.get((contact_id, "ours"))
        theirs = counts.get((contact_id, "theirs"))
        if ours is not None or theirs is not None:
            records[contact_id] = PromiseRecord(
                ours=Tally(*ours) if ours else empty, theirs=Tally(*theirs) if theirs else empty
            )
    return records
