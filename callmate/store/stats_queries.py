"""The review's figures (issue 22), counted in SQL: :func:`stats`.

Plain SQL on the read connection the home screen's queries use (a stdlib
``sqlite3`` connection, or :class:`~callmate.store.queries.PgReads` on the team
database), so ``callmate stats`` never loads SQLAlchemy or pydantic on SQLite.
Every query counts rows (``count(*)`` grouped): what comes back is a few
hundred groups (the method's, by call length in seconds, a few thousand at
most) whatever the size of the history, and Python only adds them up into
:class:`~callmate.domain.stats.Stats` and puts them into weeks
(:func:`~callmate.domain.stats.week_index`). The rules for every figure are
written once, in :mod:`callmate.domain.stats`.

Cost at 100,000 calls and 1,000,000 notes (BENCHMARKS.md, "The review's
figures"): ~0.6 s of CPU for twelve weeks, most of it the two passes over the
notes (the commitments kept, and the quotes, are in no index); ~1.1 s for
every call.

Local time: weeks start at local midnight, so their boundaries are computed
in Python (the zone's rules, daylight saving included) and compared with the
stored UTC moments; "kept on" is the local calendar date of the moment a
promise was marked kept, which SQLite reads with ``'localtime'`` (as the
timeline's record, :func:`callmate.store.queries.promise_records`) and
PostgreSQL with the local zone's UTC offsets over the dates concerned
(:func:`utc_offsets`), as Python's ``astimezone`` gives them.

Everything user-typed stays out of the SQL; the values are bound.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from callmate.domain.kinds import CallType
from callmate.domain.stats import (
    ATTEMPT_VALUES,
    DEFAULT_RULES,
    NO_REASON,
    Cold,
    Connections,
    Dials,
    FollowThrough,
    GoalResults,
    GoalTally,
    Kept,
    Method,
    Outcomes,
    Sides,
    Stats,
    StatsRules,
    median_of,
    ranked,
    week_index,
    week_starts,
)
from callmate.store.due_lines import OPEN_COMMITMENT
from callmate.store.queries import MINE, PgReads


def _stamp(moment: datetime) -> str:
    """A moment as the calls table stores it: naive UTC text."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def local_midnight(day: date) -> datetime:
    """The moment ``day`` begins where the user is (aware, UTC)."""
    return datetime.combine(day, time()).astimezone().astimezone(UTC)


def _offset(moment: datetime) -> int:
    offset = moment.astimezone().utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def utc_offsets(start: datetime, end: datetime) -> list[tuple[datetime | None, int]]:
    """The local zone's UTC offset (seconds) from ``start`` to ``end``: the first
    as ``(None, offset)``, then each change as ``(the moment it begins, offset)``,
    found to the second. Before ``start`` the first offset holds, after ``end``
    the last (a daylight-saving change or two a year: a few rows)."""
    changes: list[tuple[datetime | None, int]] = [(None, _offset(start))]
    step = timedelta(days=1)
    moment, current = start, changes[0][1]
    while moment < end:
        later = moment + step
        offset = _offset(later)
        if offset != current:
            low, high = moment, later  # the change is in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _offset(middle) == current:
                    low = middle
                else:
                    high = middle
            changes.append((high.replace(microsecond=0), offset))
            current = offset
        moment = later
    return changes


class _Sql:
    """What differs between SQLite and PostgreSQL, and the bound values."""

    def __init__(self, db: sqlite3.Connection, kept_from: datetime, kept_to: datetime) -> None:
        self.pg = isinstance(db, PgReads)
        self.params: dict[str, object] = {}
        self._offsets: list[tuple[datetime | None, int]] | None = None
        self._kept_range = (kept_from, kept_to)

    calls_access = ""
    """`` NOT INDEXED`` when the calls since ``since`` are many (:meth:`choose_access`)."""

    def choose_access(self, db: sqlite3.Connection) -> None:
        """Read the calls in one pass, not by the ``started_at`` index, when the
        period holds more than one call in :data:`_SCAN_SHARE` (SQLite; the
        PostgreSQL planner weighs this itself): each of the index's rows is a
        look-up in the table. All 100,000 calls: 268 ms by the index."""
        if self.pg:
            return
        within = db.execute(
            "SELECT count(*) FROM calls WHERE started_at >= :first_at AND started_at < :end_at",
            self.params,
        ).fetchone()
        calls = db.execute("SELECT count(*) FROM calls").fetchone()
        if within and calls and int(within[0]) * _SCAN_SHARE >= int(calls[0]):
            self.calls_access = " NOT INDEXED"

    def bind(self, name: str, value: object) -> str:
        self.params[name] = value
        return f":{name}"

    def mine(self, alias: str) -> str:
        """`` AND k.owner_role = CURRENT_USER`` on the team database: the user's own."""
        return f" AND {alias}.{MINE}" if self.pg else ""

    def local_day(self, column: str) -> str:
        """The local calendar date of a stored moment, as ``YYYY-MM-DD`` comparable
        with a DATE column."""
        if not self.pg:
            return f"date({column}, 'localtime')"
        if self._offsets is None:
            self._offsets = utc_offsets(*self._kept_range)
            for number, (begins, offset) in enumerate(self._offsets):
                if begins is not None:
                    self.bind(f"tz_at{number}", _stamp(begins))
                self.bind(f"tz_off{number}", offset)
        cases = " ".join(
            f"WHEN {column} < :tz_at{number + 1} THEN :tz_off{number}"
            for number in range(len(self._offsets) - 1)
        )
        last = f":tz_off{len(self._offsets) - 1}"
        shift = f"CASE {cases} ELSE {last} END" if cases else last
        return f"CAST({column} + ({shift}) * INTERVAL '1 second' AS DATE)"

    def seconds_between(self, start: str, end: str) -> str:
        """Whole seconds from ``start`` to ``end`` (two stored moments), rounded down."""
        if self.pg:
            return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({end} - {start}))) AS INTEGER)"
        # julianday's resolution is about 50 µs: 1 ms more keeps a whole second whole.
        return f"CAST((julianday({end}) - julianday({start})) * 86400 + 0.001 AS INTEGER)"

    def week_case(self, column: str, bounds: list[datetime]) -> str:
        """Which week (0 the oldest) a stored moment falls in, NULL outside them
        (tested first: over a long period most calls are before the weeks)."""
        last = len(bounds) - 1
        first = self.bind("week0", _stamp(bounds[0]))
        end = self.bind(f"week{last}", _stamp(bounds[last]))
        branches = " ".join(
            f"WHEN {column} >= {self.bind(f'week{number}', _stamp(bounds[number]))} THEN {number}"
            for number in range(last - 1, 0, -1)
        )
        return f"CASE WHEN {column} < {first} OR {column} >= {end} THEN NULL {branches} ELSE 0 END"


def stats(
    db: sqlite3.Connection,
    since: date,
    today: date,
    now: datetime,
    rules: StatsRules = DEFAULT_RULES,
) -> Stats:
    """Every figure of the review for the calls since ``since`` (a local date),
    the trends over the twelve weeks ending this week (:func:`week_starts`),
    ``today`` being the user's local date and ``now`` the moment it is."""
    starts = week_starts(today)
    sunday = starts[-1] + timedelta(days=6)
    first_day = min(since, starts[0])
    bounds = [local_midnight(start) for start in starts]
    bounds.append(local_midnight(sunday + timedelta(days=1)))
    end = local_midnight(today + timedelta(days=1))
    sql = _Sql(db, local_midnight(first_day) - timedelta(days=366), now + timedelta(days=2))
    sql.bind("since_at", _stamp(local_midnight(since)))
    sql.bind("first_at", _stamp(min(local_midnight(since), bounds[0])))
    sql.bind("end_at", _stamp(end))
    sql.bind("since_day", since.isoformat())
    sql.bind("first_day", first_day.isoformat())
    sql.bind("sunday", sunday.isoformat())
    sql.bind("today", today.isoformat())
    sql.choose_access(db)
    goals, outcomes, connections = _calls(db, sql, bounds)
    follow_through, quoted = _follow_through(db, sql, since, starts)
    return Stats(
        since=since,
        today=today,
        week_starts=starts,
        goals=goals,
        follow_through=follow_through,
        outcomes=outcomes,
        method=_method(db, sql, rules, quoted),
        connections=connections,
        cold=_cold(db, sql, bounds, now, rules.cadence_days),
    )


_CLOSED = "k.status = 'done' AND k.discarded_at IS NULL"
"""A call the figures count: closed, not discarded (a live call has no result yet)."""


def _calls(
    db: sqlite3.Connection, sql: _Sql, bounds: list[datetime]
) -> tuple[GoalResults, Outcomes, Connections]:
    """Goal results, outcomes with their reasons and the connection rate: one
    pass over the calls' index range, grouped."""
    weeks = len(bounds) - 1
    rows = db.execute(
        f"SELECT {sql.week_case('k.started_at', bounds)}, "
        "CASE WHEN k.started_at >= :since_at THEN 1 ELSE 0 END, "
        "k.call_type, k.connection, k.goal_result, k.outcome, k.reason, count(*) "
        f"FROM calls k{sql.calls_access} "
        f"WHERE {_CLOSED} AND k.started_at >= :first_at AND k.started_at < :end_at"
        f"{sql.mine('k')} GROUP BY 1, 2, 3, 4, 5, 6, 7",
        sql.params,
    ).fetchall()
    goal_total = [0, 0, 0, 0]
    goal_types: dict[str, list[int]] = {}
    goal_weeks = [[0, 0, 0, 0] for _ in range(weeks)]
    answers = {"yes": 0, "no": 0, "maybe": 0}
    reasons: dict[str, dict[str, int]] = {"no": {}, "maybe": {}}
    attempts = dict.fromkeys(ATTEMPT_VALUES, 0)
    dials_total = [0, 0]
    dials_weeks = [[0, 0] for _ in range(weeks)]
    place = {"primary": 0, "backup": 1, "neither": 2}
    for week, in_since, call_type, connection, goal_result, outcome, reason, counted in rows:
        number = int(counted)
        connected = connection == "connected"
        goal = place.get(goal_result, 3)
        if week is not None:
            dials_weeks[int(week)][0] += number
            if connected:
                dials_weeks[int(week)][1] += number
                goal_weeks[int(week)][goal] += number
        if not int(in_since):
            continue
        dials_total[0] += number
        if not connected:
            attempts[connection] = attempts.get(connection, 0) + number
            continue
        dials_total[1] += number
        goal_total[goal] += number
        goal_types.setdefault(str(call_type), [0, 0, 0, 0])[goal] += number
        if outcome in answers:
            answers[outcome] += number
        if outcome in reasons:
            given = reasons[outcome]
            key = reason or NO_REASON
            given[key] = given.get(key, 0) + number
    order = {kind.value: place for place, kind in enumerate(CallType)}
    by_type = tuple(
        (kind, GoalTally(*tally))
        for kind, tally in sorted(
            goal_types.items(), key=lambda item: (order.get(item[0], len(order)), item[0])
        )
    )
    goals = GoalResults(
        overall=GoalTally(*goal_total),
        by_type=by_type,
        by_week=tuple(GoalTally(*tally) for tally in goal_weeks),
    )
    outcomes = Outcomes(
        yes=answers["yes"],
        no=answers["no"],
        maybe=answers["maybe"],
        no_reasons=ranked(reasons["no"].items()),
        maybe_reasons=ranked(reasons["maybe"].items()),
    )
    connections = Connections(
        overall=Dials(*dials_total),
        attempts=tuple(attempts.items()),
        by_week=tuple(Dials(*week) for week in dials_weeks),
    )
    return goals, outcomes, connections


def _state(sql: _Sql, done: str, due: str) -> str:
    """A promise's state: kept on time, kept late, broken (open past its
    date) or open (not yet due), by :mod:`callmate.domain.promise_record`'s rules."""
    kept_on = sql.local_day(done)
    return (
        f"CASE WHEN {done} IS NULL THEN "
        f"CASE WHEN {due} < :today THEN 'broken' ELSE 'open' END "
        f"WHEN {kept_on} <= {due} THEN 'on_time' ELSE 'late' END"
    )


def _conversations(sql: _Sql, columns: str = "k.id") -> str:
    """The conversations since ``since``: an index range of their start (on
    SQLite ``+k.status`` keeps the planner from reading every closed call by
    the status index instead: 0.2 s at 100,000 calls), or a pass over the
    calls when they are many (:meth:`_Sql.choose_access`)."""
    status = "k.status" if sql.pg else "+k.status"
    return (
        f"SELECT {columns} FROM calls k{sql.calls_access} WHERE {status} = 'done'"
        " AND k.discarded_at IS NULL"
        " AND k.connection = 'connected' AND k.started_at >= :since_at"
        f" AND k.started_at < :end_at{sql.mine('k')}"
    )


def _follow_through(
    db: sqlite3.Connection, sql: _Sql, since: date, starts: tuple[date, ...]
) -> tuple[FollowThrough, int]:
    """Next steps (an index range of their due dates) and commitments, counted
    by due date, side and state, put in weeks here; and how many conversations
    have a verbatim quote. Each an index range, never a pass over the notes."""
    steps = db.execute(
        f"SELECT k.next_step_due, "
        f"CASE k.next_step_owner WHEN 'them' THEN 'theirs' ELSE 'ours' END, "
        f"{_state(sql, 'k.next_step_done_at', 'k.next_step_due')}, count(*) "
        f"FROM calls k{_steps_access(db, sql)} "
        "WHERE k.next_step_what IS NOT NULL AND k.discarded_at IS NULL "
        "AND k.next_step_due >= :first_day AND k.next_step_due <= :sunday"
        f"{sql.mine('k')} GROUP BY 1, 2, 3",
        sql.params,
    ).fetchall()
    # Kept commitments are an index range of migration 15's partial index,
    # broken ones (open, past due) of migration 8's: each WHERE is, word for
    # word, its index's. Open ones not yet due count nowhere.
    kept = db.execute(
        f"SELECT n.due, n.kind, {_state(sql, 'n.done_at', 'n.due')}, count(*) "
        f"FROM notes n WHERE {KEPT_COMMITMENT} "
        f"AND n.due >= :first_day AND n.due <= :sunday{sql.mine('n')} GROUP BY 1, 2, 3",
        sql.params,
    ).fetchall()
    broken = db.execute(
        f"SELECT n.due, n.kind, 'broken', count(*) FROM notes n WHERE {OPEN_COMMITMENT} "
        f"AND n.due >= :first_day AND n.due <= :sunday AND n.due < :today{sql.mine('n')} "
        "GROUP BY 1, 2",
        sql.params,
    ).fetchall()
    commitments = [*kept, *broken]
    quoted = db.execute(
        f"SELECT count(DISTINCT n.call_id) FROM notes n "
        f"WHERE n.kind = 'quote' AND n.call_id IN ({_conversations(sql)}) "
        "AND n.deleted_at IS NULL",
        sql.params,
    ).fetchone()
    step_sides, step_weeks = _tally(steps, since, starts)
    kept_sides, kept_weeks = _tally(commitments, since, starts)
    follow = FollowThrough(
        next_steps=step_sides,
        commitments=kept_sides,
        by_week=tuple(a + b for a, b in zip(step_weeks, kept_weeks, strict=True)),
    )
    return follow, int(quoted[0]) if quoted else 0


_SCAN_SHARE = 8
"""Past one call in this many, reading every call beats the due-date index's
range (each of its rows a look-up in the table): at 100,000 calls with 55,000
steps due in the twelve weeks, 78 ms by a pass against 135 ms by the index."""


def _steps_access(db: sqlite3.Connection, sql: _Sql) -> str:
    """`` NOT INDEXED`` when the steps due in the weeks are many (SQLite; the
    PostgreSQL planner weighs this itself): two counts read from indexes only."""
    if sql.pg:
        return ""
    due = db.execute(
        "SELECT count(*) FROM calls WHERE next_step_due >= :first_day AND next_step_due <= :sunday",
        sql.params,
    ).fetchone()
    calls = db.execute("SELECT count(*) FROM calls").fetchone()
    many = due is not None and calls is not None and int(due[0]) * _SCAN_SHARE >= int(calls[0])
    return " NOT INDEXED" if many else ""


KEPT_COMMITMENT = "n.kind IN ('ours', 'theirs') AND n.done_at IS NOT NULL AND n.deleted_at IS NULL"
"""A kept commitment: word for word the WHERE of ``ix_notes_commitments_kept``
(migration 15), so that SQLite uses it."""


def _tally(
    rows: Iterable[tuple[object, ...]], since: date, starts: tuple[date, ...]
) -> tuple[Sides, list[Sides]]:
    """``(due, side, state, count)`` rows added up: since ``since``, and by week."""
    places = {"on_time": 0, "late": 1, "broken": 2}
    total = {"ours": [0, 0, 0], "theirs": [0, 0, 0]}
    weeks = [{"ours": [0, 0, 0], "theirs": [0, 0, 0]} for _ in starts]
    for due, side, state, counted in rows:
        place = places.get(str(state))
        if place is None or side not in total:
            continue  # open, not yet due: neither kept nor broken
        day = due if isinstance(due, date) else date.fromisoformat(str(due))
        number = int(counted)  # type: ignore[call-overload]
        if day >= since:
            total[str(side)][place] += number
        week = week_index(day, starts)
        if week is not None:
            weeks[week][str(side)][place] += number

    def sides(counts: dict[str, list[int]]) -> Sides:
        return Sides(Kept(*counts["ours"]), Kept(*counts["theirs"]))

    return sides(total), [sides(week) for week in weeks]


def _method(db: sqlite3.Connection, sql: _Sql, rules: StatsRules, quoted: int) -> Method:
    """The method in practice, over the conversations since ``since``: each
    call's facts (a backup goal, questions planned, its length, the time check
    ticked) grouped, so a few hundred rows come back. ``quoted`` is counted
    with the commitments (:func:`_follow_through`)."""
    sql.bind("question_limit", rules.question_limit)
    sql.bind("check_seconds", rules.time_check_minutes * 60)
    length = sql.seconds_between("k.started_at", "k.ended_at")
    rows = db.execute(
        "WITH conversation AS ("
        f"{_conversations(sql, f'k.id, k.backup_goal, {length} - k.paused_seconds AS seconds')}), "
        "planned AS ("
        "  SELECT q.call_id, count(*) AS questions,"
        "         max(CASE WHEN q.asked AND lower(q.text) LIKE '%time check%' THEN 1 ELSE 0 END)"
        "         AS acknowledged"
        "  FROM questions q WHERE q.call_id IN (SELECT id FROM conversation)"
        "  GROUP BY q.call_id) "
        "SELECT CASE WHEN c.seconds < 0 THEN 0 ELSE c.seconds END,"
        "       CASE WHEN trim(c.backup_goal) <> '' THEN 1 ELSE 0 END,"
        "       CASE WHEN coalesce(p.questions, 0) <= :question_limit THEN 1 ELSE 0 END,"
        "       CASE WHEN c.seconds <= :check_seconds OR p.acknowledged = 1 THEN 1 ELSE 0 END,"
        "       count(*)"
        " FROM conversation c LEFT JOIN planned p ON p.call_id = c.id"
        " GROUP BY 1, 2, 3, 4",
        sql.params,
    ).fetchall()
    calls = backup = few = within = 0
    lengths: list[tuple[int, int]] = []
    for seconds, has_backup, is_few, in_time, counted in rows:
        number = int(counted)
        calls += number
        backup += int(has_backup) * number
        few += int(is_few) * number
        within += int(in_time) * number
        if seconds is not None:
            lengths.append((int(seconds), number))
    return Method(
        calls=calls,
        backup_goal=backup,
        few_questions=few,
        quoted=quoted,
        within_time=within,
        median_seconds=median_of(lengths),
        question_limit=rules.question_limit,
        time_check_minutes=rules.time_check_minutes,
    )


def _cold(
    db: sqlite3.Connection, sql: _Sql, bounds: list[datetime], now: datetime, cadence_days: int
) -> Cold:
    """Going cold now, and at the end of each week (``at``), as two counts:

    - contacts whose last conversation of all is more than the cadence before
      ``at`` (``contacts.last_call_at``'s index, as home counts them now);
    - contacts called again since, but only after ``at``: a conversation on or
      after ``at`` whose previous one with the same person is more than the
      cadence before ``at`` (at most one per person: the first after the gap).
      Only the conversations from the first week's end on are read, each
      with its previous one found in the streak index.
    """
    cadence = timedelta(days=cadence_days)
    ends = [min(bound, now) for bound in bounds[1:]]
    cuts = [sql.bind(f"cold_cut{n}", _stamp(at - cadence)) for n, at in enumerate(ends)]
    marks = [sql.bind(f"cold_end{n}", _stamp(at)) for n, at in enumerate(ends)]
    before = sql.bind("cold_before", _stamp(now - cadence))
    by_cut = ", ".join(f"sum(CASE WHEN last_call_at < {cut} THEN 1 ELSE 0 END)" for cut in cuts)
    lapsed = db.execute(
        f"SELECT count(*), {by_cut} FROM contacts WHERE last_call_at < {before}",
        sql.params,
    ).fetchone()
    by_gap = ", ".join(
        f"sum(CASE WHEN started_at >= {mark} AND previous < {cut} THEN 1 ELSE 0 END)"
        for mark, cut in zip(marks, cuts, strict=True)
    )
    again = db.execute(
        "WITH later AS MATERIALIZED ("
        "  SELECT k.started_at, (SELECT max(p.started_at) FROM calls p"
        "    WHERE p.contact_id = k.contact_id AND p.discarded_at IS NULL"
        "      AND p.connection = 'connected'"
        "      AND (p.started_at < k.started_at"
        "           OR (p.started_at = k.started_at AND p.id < k.id))) AS previous"
        "  FROM calls k WHERE k.connection = 'connected' AND k.discarded_at IS NULL"
        f"    AND k.started_at >= {marks[0]}) "
        f"SELECT {by_gap} FROM later",
        sql.params,
    ).fetchone()
    assert lapsed is not None and again is not None  # an aggregate gives one row
    weekly = tuple(int(lapsed[1 + n] or 0) + int(again[n] or 0) for n in range(len(ends)))
    return Cold(now=int(lapsed[0]), by_week=weekly, cadence_days=cadence_days)
