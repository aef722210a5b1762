"""How am I doing: goals met, promises kept, calls that follow the method (issue 22).

The figures ``callmate stats`` prints and the review screen draws, as frozen
records. Standard library only (the review screen and the command line load
it without pydantic or SQLAlchemy). The store counts the rows
(:mod:`callmate.store.stats_queries`, behind ``CallStore.stats``); what is
computed in Python (the weeks, a median, a share) is a pure function here,
given a fixed ``today``.

What is counted, once for every figure:

- A *call* is one not discarded (started by mistake) and closed (a live call
  has no result yet), started on or after ``since`` (a local calendar date)
  and no later than ``today``.
- A *conversation* is a call that reached the person (connection
  ``connected``); every other call is an *attempt* (no answer, voicemail, a
  gatekeeper, a wrong number). Goal results, outcomes and the method are
  about conversations; the connection rate is about every call.
- *Weeks* run Monday to Sunday, in local time. Every ``by_week`` tuple has one
  entry per :attr:`Stats.week_starts` (the last :data:`WEEKS` weeks, oldest
  first, the last one this week), whatever ``since`` is: the totals are
  ``since``'s, the trend always the last twelve weeks.
- On the team database, the calls are the user's own (the PostgreSQL role
  connected), as home's agenda; going cold is about the contact, whoever
  called them, as home's "going cold" list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from callmate.domain.kinds import CallType, Connection, Reason

SCHEMA_VERSION = 1
"""``callmate stats --json``'s ``schema_version``: raised when a key changes meaning
or goes away (a key added keeps it)."""

WEEKS = 12
"""How many weeks every trend shows (this week and the eleven before it)."""

QUESTION_LIMIT = 5
"""The method's most planned questions (settings' ``question_limit`` by default)."""

TIME_CHECK_MINUTES = 20
"""The method's time check (settings' ``time_check_minutes`` by default)."""

NO_REASON = ""
"""The reason key of a No or a Maybe closed without one (older calls, imports)."""


@dataclass(frozen=True)
class StatsRules:
    """The user's settings the figures depend on (settings.toml's, or these defaults)."""

    cadence_days: int = 30
    """Going cold: no conversation for more than this many days (``cadence_days``)."""
    question_limit: int = QUESTION_LIMIT
    """The method's most planned questions (``question_limit``)."""
    time_check_minutes: int = TIME_CHECK_MINUTES
    """When the time check falls, minutes into a call (``time_check_minutes``)."""


DEFAULT_RULES = StatsRules()


# -- weeks, shares, the median: pure -------------------------------------------


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def week_starts(today: date, count: int = WEEKS) -> tuple[date, ...]:
    """The Mondays of the last ``count`` weeks, oldest first; the last is this week's."""
    this = week_start(today)
    return tuple(this - timedelta(weeks=back) for back in range(count - 1, -1, -1))


def default_since(today: date) -> date:
    """What ``since`` is when not given: the first day of the twelve weeks shown."""
    return week_starts(today)[0]


def week_index(day: date, starts: Sequence[date]) -> int | None:
    """Which of ``starts`` (consecutive Mondays, oldest first) ``day`` falls in;
    None before the first or after the last week's Sunday."""
    if not starts:
        return None
    index = (day - starts[0]).days // 7
    return index if 0 <= index < len(starts) else None


def median_of(counted: Iterable[tuple[int, int]]) -> float | None:
    """The median of values given as ``(value, how many times)`` pairs (any
    order, a value may repeat); the mean of the two middle ones for an even
    total; None when there are none. What a ``GROUP BY value`` gives back."""
    pairs = sorted((value, times) for value, times in counted if times > 0)
    total = sum(times for _value, times in pairs)
    if total == 0:
        return None
    low_rank, high_rank = (total - 1) // 2, total // 2  # 0-based ranks of the middle
    low = high = None
    seen = 0
    for value, times in pairs:
        if low is None and low_rank < seen + times:
            low = value
        if high_rank < seen + times:
            high = value
            break
        seen += times
    assert low is not None and high is not None
    return (low + high) / 2


@dataclass(frozen=True)
class Share:
    """``count`` of ``of``: e.g. 7 of 9 calls had a backup goal."""

    count: int = 0
    of: int = 0

    @property
    def percent(self) -> int | None:
        """Rounded to a whole percent (half up); None when ``of`` is 0."""
        if self.of <= 0:
            return None
        return (200 * self.count + self.of) // (2 * self.of)

    def phrase(self) -> str:
        """``7 of 9 (78%)``, or ``none yet`` when ``of`` is 0."""
        if self.of <= 0:
            return "none yet"
        return f"{self.count:,} of {self.of:,} ({self.percent}%)"

    def as_dict(self) -> dict[str, object]:
        return {"count": self.count, "of": self.of, "percent": self.percent}


# -- goal results ------------------------------------------------------------------


@dataclass(frozen=True)
class GoalTally:
    """Conversations by the goal they reached, judged at the close (rule 2)."""

    met: int = 0
    """The goal was met."""
    backup: int = 0
    """Only the backup goal was met."""
    neither: int = 0
    """Neither goal was met."""
    unjudged: int = 0
    """Closed without a judgement (calls closed before callmate asked, imports)."""

    @property
    def judged(self) -> int:
        return self.met + self.backup + self.neither

    def as_dict(self) -> dict[str, int]:
        return {
            "met": self.met,
            "backup": self.backup,
            "neither": self.neither,
            "unjudged": self.unjudged,
        }


@dataclass(frozen=True)
class GoalResults:
    """Goal results overall, per call type and by week (the week the call started)."""

    overall: GoalTally = field(default_factory=GoalTally)
    by_type: tuple[tuple[str, GoalTally], ...] = ()
    """``(call type's stored value, its tally)``, in the call type table's
    order (:class:`~callmate.domain.kinds.CallType`); types with no call left out.
    A type this version doesn't know comes last, by name."""
    by_week: tuple[GoalTally, ...] = ()


# -- follow-through ------------------------------------------------------------------


@dataclass(frozen=True)
class Kept:
    """Promises of one side by how they were kept.

    The rules are :mod:`callmate.domain.promise_record`'s: kept on or before
    the due date (the local calendar date it was marked kept) is on time;
    after it, late; a moved date counts against the latest date agreed.
    """

    on_time: int = 0
    late: int = 0
    broken: int = 0
    """Past due and still open: due before today and not marked kept."""

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.broken

    def __add__(self, other: Kept) -> Kept:
        return Kept(
            self.on_time + other.on_time, self.late + other.late, self.broken + other.broken
        )

    def as_dict(self) -> dict[str, int]:
        return {"on_time": self.on_time, "late": self.late, "broken": self.broken}


@dataclass(frozen=True)
class Sides:
    """Ours and theirs apart. A next step owned by ``them`` is theirs; one owned
    by ``us`` or ``both`` is ours (we drive a shared step); a commitment's kind
    says it ("we owe" ours, "they owe" theirs)."""

    ours: Kept = field(default_factory=Kept)
    theirs: Kept = field(default_factory=Kept)

    def __add__(self, other: Sides) -> Sides:
        return Sides(self.ours + other.ours, self.theirs + other.theirs)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"ours": self.ours.as_dict(), "theirs": self.theirs.as_dict()}


@dataclass(frozen=True)
class FollowThrough:
    """Next steps and "we owe" / "they owe" commitments, kept on time, kept late
    or broken.

    A promise counts in the week of its due date: those due from ``since``
    to the end of this week (Sunday). One kept early, before a date still to
    come, is on time already; one open and not yet past its date counts
    nowhere (it is neither kept nor broken yet). A commitment without a date
    counts nowhere either (there is no date to keep it by), nor a deleted
    one. Every call's next step counts, an attempt's "Try again" too (the
    timeline's record counts them so).

    What the stored data can't tell: *kept* is the moment it was marked kept
    in callmate (``done_at``), so a promise kept on the day but marked a day
    later counts as late; and a date moved after it had passed is judged
    against the new date, as everywhere in callmate, though the store keeps
    the move and when it was made (``date_moves``).
    """

    next_steps: Sides = field(default_factory=Sides)
    commitments: Sides = field(default_factory=Sides)
    by_week: tuple[Sides, ...] = ()
    """Next steps and commitments together, by the week they were due."""

    @property
    def both(self) -> Sides:
        """Next steps and commitments together."""
        return self.next_steps + self.commitments


# -- outcomes ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReasonCount:
    """How many No (or Maybe) outcomes gave this reason."""

    reason: str
    """The stored value (``"no_project"``...), or :data:`NO_REASON` for none given."""
    count: int

    @property
    def label(self) -> str:
        """The reason in words, as the close offers it."""
        return reason_label(self.reason)

    def as_dict(self) -> dict[str, object]:
        return {"reason": self.reason, "label": self.label, "count": self.count}


def reason_label(reason: str) -> str:
    """A stored reason in words: the table's label, "No reason given" for none,
    and the stored value itself for one this version doesn't know."""
    if reason == NO_REASON:
        return "No reason given"
    try:
        return Reason(reason).label
    except ValueError:
        return reason


def ranked(counts: Iterable[tuple[str, int]]) -> tuple[ReasonCount, ...]:
    """Reasons most given first; a tie in the close's order (the reason table's),
    then "no reason given", then reasons this version doesn't know, by name."""
    order = {reason.value: place for place, reason in enumerate(Reason)}
    order[NO_REASON] = len(order)
    merged: dict[str, int] = {}
    for reason, count in counts:
        merged[reason] = merged.get(reason, 0) + count
    return tuple(
        ReasonCount(reason, count)
        for reason, count in sorted(
            ((r, c) for r, c in merged.items() if c > 0),
            key=lambda item: (-item[1], order.get(item[0], len(order) + 1), item[0]),
        )
    )


@dataclass(frozen=True)
class Outcomes:
    """How conversations ended, and what we lose deals to: the reasons given
    for No and for Maybe, each ranked, most given first (:func:`ranked`)."""

    yes: int = 0
    no: int = 0
    maybe: int = 0
    no_reasons: tuple[ReasonCount, ...] = ()
    maybe_reasons: tuple[ReasonCount, ...] = ()

    @property
    def total(self) -> int:
        return self.yes + self.no + self.maybe


# -- the method in practice --------------------------------------------------------------


@dataclass(frozen=True)
class Method:
    """How closely conversations followed the method, over ``calls`` conversations.

    - ``backup_goal``: planned with a backup goal (rule 2).
    - ``few_questions``: planned with at most ``question_limit`` questions
      (settings' ``question_limit``, 5 by default), none planned included.
    - ``quoted``: at least one verbatim quote noted (a ``"`` note not deleted).
    - ``within_time``: ended within the time check (``time_check_minutes``,
      settings', 20 by default; length as below), or with the time
      acknowledged. callmate records no acknowledgement of its own (the
      banner only shows): a checklist question naming the time check (the
      engagement set's "20-minute time check") ticked as asked is the record.
    - ``median_seconds``: the median conversation length in seconds: from its
      start to its end, less the time on hold; None when there is none.
    """

    calls: int = 0
    backup_goal: int = 0
    few_questions: int = 0
    quoted: int = 0
    within_time: int = 0
    median_seconds: float | None = None
    question_limit: int = QUESTION_LIMIT
    time_check_minutes: int = TIME_CHECK_MINUTES

    def share(self, count: int) -> Share:
        return Share(count, self.calls)


# -- connection rate ---------------------------------------------------------------------


@dataclass(frozen=True)
class Dials:
    """Calls made and how many reached the person."""

    calls: int = 0
    connected: int = 0

    @property
    def rate(self) -> Share:
        return Share(self.connected, self.calls)

    def as_dict(self) -> dict[str, int]:
        return {"calls": self.calls, "connected": self.connected}


@dataclass(frozen=True)
class Connections:
    """The connection rate: every call (attempts logged as such), the
    conversations among them, the attempts by what happened, and by week."""

    overall: Dials = field(default_factory=Dials)
    attempts: tuple[tuple[str, int], ...] = ()
    """``(connection's stored value, calls)`` for every kind of attempt, in the
    attempt dialog's order (zeros included)."""
    by_week: tuple[Dials, ...] = ()


# -- going cold ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cold:
    """Contacts going cold: their last conversation (a connected call not
    discarded, whoever made it) is more than ``cadence_days`` (settings') ago.

    ``now``: at this moment, as home's "going cold" list counts them.
    ``by_week``: at the end of each week (the next Monday 00:00 local; this
    week: now), from the calls made before that moment. Contacts never
    reached count nowhere. A contact who was cold and was called again is
    cold no more from that call on.
    """

    now: int = 0
    by_week: tuple[int, ...] = ()
    cadence_days: int = 30


# -- all of it -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    """Every figure of the review (``callmate stats``), for calls since ``since``."""

    since: date
    today: date
    week_starts: tuple[date, ...]
    goals: GoalResults = field(default_factory=GoalResults)
    follow_through: FollowThrough = field(default_factory=FollowThrough)
    outcomes: Outcomes = field(default_factory=Outcomes)
    method: Method = field(default_factory=Method)
    connections: Connections = field(default_factory=Connections)
    cold: Cold = field(default_factory=Cold)

    def as_dict(self) -> dict[str, object]:
        """``callmate stats --json``: the keys README documents, in this order."""
        goals, follow, outcomes = self.goals, self.follow_through, self.outcomes
        method, dials = self.method, self.connections
        return {
            "schema_version": SCHEMA_VERSION,
            "since": self.since.isoformat(),
            "today": self.today.isoformat(),
            "weeks": [start.isoformat() for start in self.week_starts],
            "goals": {
                "overall": goals.overall.as_dict(),
                "by_call_type": {kind: tally.as_dict() for kind, tally in goals.by_type},
                "by_week": [tally.as_dict() for tally in goals.by_week],
            },
            "follow_through": {
                "next_steps": follow.next_steps.as_dict(),
                "commitments": follow.commitments.as_dict(),
                "both": follow.both.as_dict(),
                "by_week": [sides.as_dict() for sides in follow.by_week],
            },
            "outcomes": {
                "yes": outcomes.yes,
                "no": outcomes.no,
                "maybe": outcomes.maybe,
                "no_reasons": [reason.as_dict() for reason in outcomes.no_reasons],
                "maybe_reasons": [reason.as_dict() for reason in outcomes.maybe_reasons],
            },
            "method": {
                "calls": method.calls,
                "backup_goal": method.share(method.backup_goal).as_dict(),
                "few_questions": method.share(method.few_questions).as_dict(),
                "quoted": method.share(method.quoted).as_dict(),
                "within_time": method.share(method.within_time).as_dict(),
                "median_seconds": method.median_seconds,
                "question_limit": method.question_limit,
                "time_check_minutes": method.time_check_minutes,
            },
            "connection": {
                "calls": dials.overall.calls,
                "connected": dials.overall.connected,
                "rate_percent": dials.overall.rate.percent,
                "attempts": dict(dials.attempts),
                "by_week": [week.as_dict() for week in dials.by_week],
            },
            "cold": {
                "now": self.cold.now,
                "cadence_days": self.cold.cadence_days,
                "by_week": list(self.cold.by_week),
            },
        }


ATTEMPT_VALUES: tuple[str, ...] = tuple(kind.value for kind in Connection if kind.is_attempt)
"""The stored values of the attempt kinds, in the attempt dialog's order."""


# -- in words: ``callmate stats`` ----------------------------------------------------------

BARS = "▁▂▃▄▅▆▇█"
"""A sparkline's heights: the lowest for none, the rest scaled to the largest."""


def sparkline(values: Sequence[int]) -> str:
    """One character a value: ``▁`` for none, ``▂`` to ``█`` scaled to the largest
    (any value above none shows above the baseline)."""
    top = max(values, default=0)
    if top <= 0:
        return BARS[0] * len(values)
    steps = len(BARS) - 1
    return "".join(
        BARS[0] if value <= 0 else BARS[max(1, -(-value * steps // top))] for value in values
    )


def _clock_length(seconds: float | None) -> str:
    if seconds is None:
        return "none yet"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _wrapped(head: str, parts: Sequence[str], width: int = 80) -> list[str]:
    """``head`` then the parts joined by ", ", wrapped under the first part."""
    lines: list[str] = []
    line = head
    indent = " " * len(head)
    for number, part in enumerate(parts):
        piece = part + ("," if number < len(parts) - 1 else "")
        if line.strip() and len(line) + len(piece) + 1 > width and line != head:
            lines.append(line.rstrip())
            line = indent
        line += piece if line in (head, indent) else " " + piece
    lines.append(line.rstrip())
    return lines


def _kind_label(stored: str) -> str:
    try:
        return CallType(stored).label
    except ValueError:
        return stored


def _kept_columns(kept: Kept) -> str:
    return f"{kept.on_time:>9,}{kept.late:>9,}{kept.broken:>9,}"


def report(stats: Stats) -> list[str]:
    """``callmate stats`` in words and sparklines, every line within 80 columns.

    Each weekly sparkline has one character a week, oldest first (the twelve
    weeks of :attr:`Stats.week_starts`). Text from the database (a reason or a
    call type this version doesn't know) is the caller's to clean.
    """
    starts = stats.week_starts
    goals, follow, outcomes = stats.goals, stats.follow_through, stats.outcomes
    method, dials, cold = stats.method, stats.connections, stats.cold
    overall = goals.overall
    weeks = f"weeks from {starts[0].day} {starts[0]:%b}" if starts else "weeks"
    lines = [
        f"How am I doing: calls from {_day(stats.since)} to {_day(stats.today)}",
        f"Sparklines: one mark a week, {len(starts)} {weeks}, oldest first.",
        "",
        f"Goal results ({overall.judged + overall.unjudged:,} conversations)",
    ]
    judged = Share(0, overall.judged)
    for label, count, series in (
        ("Goal met", overall.met, [w.met for w in goals.by_week]),
        ("Backup met", overall.backup, [w.backup for w in goals.by_week]),
        ("Neither", overall.neither, [w.neither for w in goals.by_week]),
    ):
        share = Share(count, judged.of).percent
        percent = "" if share is None else f"{share}%"
        lines.append(f"  {label:<14}{count:>9,}{percent:>9}{'':9}   {sparkline(series)}")
    if overall.unjudged:
        lines.append(f"  {'Not judged':<14}{overall.unjudged:>9,}")
    for kind, tally in goals.by_type:
        extra = f", {tally.unjudged:,} not judged" if tally.unjudged else ""
        lines.append(
            f"  {_kind_label(kind)[:22]:<22} {tally.met:,} met, {tally.backup:,} backup, "
            f"{tally.neither:,} neither{extra}"
        )
    lines += ["", f"Follow-through (promises due from {_day(stats.since)})"]
    lines.append(f"  {'':<14}{'on time':>9}{'late':>9}{'broken':>9}   on time by week")
    both = follow.both
    for label, side, steps, kept, series in (
        (
            "Ours",
            both.ours,
            follow.next_steps.ours,
            follow.commitments.ours,
            [w.ours.on_time for w in follow.by_week],
        ),
        (
            "Theirs",
            both.theirs,
            follow.next_steps.theirs,
            follow.commitments.theirs,
            [w.theirs.on_time for w in follow.by_week],
        ),
    ):
        lines.append(f"  {label:<14}{_kept_columns(side)}   {sparkline(series)}")
        lines.append(f"    {'next steps':<12}{_kept_columns(steps)}")
        lines.append(f"    {'commitments':<12}{_kept_columns(kept)}")
    broken = [w.ours.broken + w.theirs.broken for w in follow.by_week]
    lines.append(f"  {'Broken, both sides, by week':<41}   {sparkline(broken)}")
    total = outcomes.total
    lines += ["", f"Outcomes ({total:,} conversations)"]
    lines.append(
        "  "
        + "   ".join(
            f"{label} {count:,} ({Share(count, total).percent or 0}%)"
            for label, count in (
                ("Yes", outcomes.yes),
                ("No", outcomes.no),
                ("Maybe", outcomes.maybe),
            )
        )
    )
    for head, reasons in (
        ("  Lost to: ", outcomes.no_reasons),
        ("  Maybe: ", outcomes.maybe_reasons),
    ):
        if reasons:
            lines += _wrapped(head, [f"{r.label} {r.count:,}" for r in reasons])
    lines += ["", f"The method in practice ({method.calls:,} conversations)"]
    for label, count in (
        ("A backup goal", method.backup_goal),
        (f"At most {method.question_limit} questions planned", method.few_questions),
        ("A verbatim quote", method.quoted),
        (f"Within {method.time_check_minutes} minutes or time acknowledged", method.within_time),
    ):
        lines.append(f"  {label:<46}{method.share(count).phrase()}")
    lines.append(f"  {'Median length':<46}{_clock_length(method.median_seconds)}")
    rate = dials.overall.rate
    reached = (
        f"{rate.count:,} of {rate.of:,} calls reached the person ({rate.percent}%)"
        if rate.of
        else "no calls yet"
    )
    lines += ["", f"Connection rate: {reached}"]
    connected = [w.connected for w in dials.by_week]
    lines.append(f"  {'Reached by week':<41}   {sparkline(connected)}")
    if any(count for _kind, count in dials.attempts):
        labels = {kind.value: kind.label for kind in Connection}
        lines += _wrapped(
            "  Not reached: ",
            [f"{labels.get(kind, kind)} {count:,}" for kind, count in dials.attempts if count],
        )
    lines += [
        "",
        f"Going cold (no conversation in {cold.cadence_days} days): {cold.now:,} now",
        f"  {'By week':<41}   {sparkline(list(cold.by_week))}  "
        f"({min(cold.by_week, default=0):,} to {max(cold.by_week, default=0):,})",
    ]
    return lines
