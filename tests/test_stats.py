"""The review's figures (issue 22) against a history counted by hand.

The history is built through the real Repository (start, notes, holds,
ticks, close, attempts, a discard, a move, promises kept) with fixed
moments; the figures are read through the store's facade
(``CallStore.stats``), on SQLite and on the team database (PostgreSQL).
Every expected number below is counted by hand from the table in
:func:`build_history`'s docstring, never computed by the code under test.
"""

# ruff: noqa: E501  (the history table below is one call a line)

from __future__ import annotations

import os
import time as system_time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from callmate.domain.models import (
    TRY_AGAIN,
    CallType,
    Connection,
    Contact,
    GoalResult,
    NextStep,
    Note,
    NoteKind,
    Outcome,
    Owner,
    Question,
    Reason,
)
from callmate.domain.models import Call as CallModel
from callmate.domain.stats import (
    GoalTally,
    Kept,
    ReasonCount,
    Share,
    Sides,
    Stats,
    StatsRules,
    default_since,
    median_of,
    ranked,
    week_index,
    week_starts,
)
from callmate.store.repository import Repository
from callmate.store.service import SqliteCallStore, open_store
from tests.conftest import NOW, empty_team_database
from tests.test_pg_roles import Team, team  # noqa: F401  (the fixture: a database with roles)

TODAY = NOW.date()  # Sunday 22 November 2026 (TZ=UTC in every test)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def d(day: str) -> date:
    return date.fromisoformat(day)


@dataclass
class Conversation:
    name: str
    started: str
    call_type: CallType
    goal_result: GoalResult | None
    outcome: Outcome
    reason: Reason | None
    backup_goal: str
    questions: int
    quotes: int
    minutes: int
    step_owner: Owner
    step_due: str
    step_done: str | None = None
    hold_seconds: int = 0
    time_check_asked: bool = False
    moved_from: str | None = None
    commitments: tuple[tuple[NoteKind, str | None, str | None], ...] = ()
    deleted_commitment: tuple[NoteKind, str] | None = None
    deleted_quote: bool = False


def converse(repo: Repository, talk: Conversation) -> int:
    """A conversation as the app makes one: start, notes, ticks, hold, close."""
    started = at(talk.started)
    questions = [Question(text=f"question {n}") for n in range(talk.questions)]
    if talk.time_check_asked:
        questions.append(Question(text="20-minute time check"))
    call = repo.start_call(
        CallModel(
            contact=Contact(name=talk.name, company="Northwind"),
            call_type=talk.call_type,
            goal=f"Talk to {talk.name}",
            backup_goal=talk.backup_goal,
            questions=questions,
            started_at=started,
        )
    )
    assert call.id is not None
    for question in call.questions:
        if question.text == "20-minute time check":
            assert question.id is not None
            repo.set_question_asked(question.id, True)
    for n in range(talk.quotes):
        repo.save_note(
            call.id, Note(kind=NoteKind.QUOTE, text=f"their words {n}", created_at=started)
        )
    if talk.deleted_quote:
        quote = repo.save_note(
            call.id, Note(kind=NoteKind.QUOTE, text="taken back", created_at=started)
        )
        assert quote.id is not None
        repo.delete_note(quote.id, started)
    for kind, due, done in talk.commitments:
        repo.save_note(
            call.id,
            Note(
                kind=kind,
                text="a promise",
                created_at=started,
                due=d(due) if due else None,
                done_at=at(done, 12) if done else None,
            ),
        )
    if talk.deleted_commitment:
        kind, due = talk.deleted_commitment
        gone = repo.save_note(
            call.id, Note(kind=kind, text="withdrawn", created_at=started, due=d(due))
        )
        assert gone.id is not None
        repo.delete_note(gone.id, started)
    if talk.hold_seconds:
        repo.set_hold(call.id, paused_seconds=talk.hold_seconds, paused_at=None)
    first_due = talk.moved_from or talk.step_due
    repo.finish_call(
        call.id,
        outcome=talk.outcome,
        next_step=NextStep(what="Next", owner=talk.step_owner, due=d(first_due)),
        ended_at=started + timedelta(minutes=talk.minutes),
        reason=talk.reason,
        goal_result=talk.goal_result,
    )
    if talk.moved_from:
        repo.reschedule_step(call.id, d(talk.step_due))
    if talk.step_done:
        repo.mark_step_done(call.id, at(talk.step_done, 12))
    return call.id


def attempt(repo: Repository, name: str, started: str, kind: Connection, due: str) -> None:
    call = repo.start_call(
        CallModel(contact=Contact(name=name, company="Acme"), goal="Reach", started_at=at(started))
    )
    assert call.id is not None
    step = NextStep(what=TRY_AGAIN, owner=Owner.US, due=d(due))
    repo.log_attempt(call.id, kind, step, at(started) + timedelta(minutes=1))


US, THEM, BOTH = Owner.US, Owner.THEM, Owner.BOTH
OURS, THEIRS = NoteKind.OURS, NoteKind.THEIRS
G = GoalResult
D, F, P, C = CallType.DISCOVERY, CallType.FOLLOW_UP, CallType.PROPOSAL, CallType.CLOSING

HISTORY = [
    # name   started     type goal       outcome        reason                     backup  q  quotes min  step: owner due done
    Conversation("Ravi", "2026-09-01", D, G.PRIMARY, Outcome.YES, None, "", 3, 0, 15, US, "2026-09-08", "2026-09-07"),
    Conversation("Ana", "2026-10-27", D, G.BACKUP, Outcome.MAYBE, Reason.TIMING, "b", 6, 1, 25, THEM, "2026-11-03", "2026-11-05",
                 commitments=((OURS, "2026-11-02", "2026-11-02"), (THEIRS, "2026-10-30", None))),
    Conversation("Ben", "2026-10-29", P, G.NEITHER, Outcome.NO, Reason.OTHER_SUPPLIER, "b", 5, 2, 30, US, "2026-11-10",
                 hold_seconds=600),
    Conversation("Ravi", "2026-11-03", F, G.PRIMARY, Outcome.YES, None, "b", 0, 0, 22, BOTH, "2026-11-24",
                 time_check_asked=True),
    Conversation("Dana", "2026-11-04", D, G.PRIMARY, Outcome.NO, Reason.NO_PROJECT, "", 2, 1, 10, THEM, "2026-11-20",
                 commitments=((THEIRS, "2026-11-12", "2026-11-12"), (OURS, None, "2026-11-05"))),
    Conversation("Eli", "2026-11-10", P, G.BACKUP, Outcome.NO, Reason.NO_PROJECT, "b", 4, 0, 40, US, "2026-11-22"),
    Conversation("Fay", "2026-11-11", C, G.NEITHER, Outcome.MAYBE, None, "b", 5, 1, 18, THEM, "2026-11-17", "2026-11-16",
                 commitments=((OURS, "2026-11-13", "2026-11-14"),), deleted_commitment=(OURS, "2026-11-13")),
    Conversation("Gus", "2026-11-17", F, G.PRIMARY, Outcome.YES, None, "", 3, 0, 12, US, "2026-11-19", "2026-11-19",
                 commitments=((THEIRS, "2026-11-18", None),), deleted_quote=True),
    Conversation("Hal", "2026-11-18", D, None, Outcome.MAYBE, Reason.TIMING, "b", 2, 1, 35, US, "2026-11-21", "2026-11-21",
                 moved_from="2026-11-19"),
]  # fmt: skip
OLD = Conversation("Olga", "2026-08-20", D, G.PRIMARY, Outcome.YES, None, "", 1, 0, 10, US, "2026-08-27")  # fmt: skip


def build_history(repo: Repository) -> None:
    """Nine conversations in the twelve weeks, one before them, two attempts,
    a call discarded and one still live. Now is Sunday 22 Nov 2026 15:00 UTC;
    the weeks (Mondays) run from 31 Aug (week 0) to 16 Nov (week 11): 1 Sep is
    week 0, 27 Oct-1 Nov week 8, 2-8 Nov week 9, 9-15 Nov week 10, 16-22 Nov week 11.

    ==  =====  ======  ====  ========  =======  ======  ==  =====  ===  =====================
    #   who    day     type  goal      outcome  backup  q   quote  min  next step
    ==  =====  ======  ====  ========  =======  ======  ==  =====  ===  =====================
    1   Ravi   1 Sep   disc  met       yes      -       3   -      15   us 8 Sep, kept 7 Sep
    2   Ana    27 Oct  disc  backup    maybe/t  yes     6   1      25   them 3 Nov, kept 5 Nov
    3   Ben    29 Oct  prop  neither   no/sup   yes     5   2      30*  us 10 Nov, open
    4   Ravi   3 Nov   f-up  met       yes      yes     1+  -      22   both 24 Nov, open
    5   Dana   4 Nov   disc  met       no/proj  -       2   1      10   them 20 Nov, open
    6   Eli    10 Nov  prop  backup    no/proj  yes     4   -      40   us 22 Nov (today), open
    7   Fay    11 Nov  clos  neither   maybe/-  yes     5   1      18   them 17 Nov, kept 16 Nov
    8   Gus    17 Nov  f-up  met       yes      -       3   -**    12   us 19 Nov, kept 19 Nov
    9   Hal    18 Nov  disc  (none)    maybe/t  yes     2   1      35   us 19->21 Nov, kept 21
    O   Olga   20 Aug  disc  met       yes      -       1   -      10   us 27 Aug, open
    A1  Ivy    5 Nov   no answer                                       us 6 Nov, open
    A2  Ivy    12 Nov  voicemail                                       us 26 Nov, open
    ==  =====  ======  ====  ========  =======  ======  ==  =====  ===  =====================

    ``*`` 10 minutes on hold (20 minutes talked). ``+`` the one question is the
    "20-minute time check", ticked asked. ``**`` one quote, deleted.
    Commitments: Ana: we owe 2 Nov kept 2 Nov, they owe 30 Oct open; Dana:
    they owe 12 Nov kept 12 Nov, we owe (no date) kept; Fay: we owe 13 Nov
    kept 14 Nov, and one we owe 13 Nov deleted; Gus: they owe 18 Nov open.
    Jo (19 Nov) is discarded; Kim (22 Nov 14:00) is still live.
    """
    for talk in HISTORY:
        converse(repo, talk)
    converse(repo, OLD)
    attempt(repo, "Ivy", "2026-11-05", Connection.NO_ANSWER, "2026-11-06")
    attempt(repo, "Ivy", "2026-11-12", Connection.VOICEMAIL, "2026-11-26")
    mistake = repo.start_call(
        CallModel(contact=Contact(name="Jo"), goal="Oops", started_at=at("2026-11-19"))
    )
    assert mistake.id is not None
    repo.discard_call(mistake.id, at("2026-11-19", 11))
    repo.start_call(
        CallModel(contact=Contact(name="Kim"), goal="Now", started_at=at("2026-11-22", 14))
    )


@dataclass
class Backend:
    repo: Repository
    store: SqliteCallStore


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """The history's Repository and the facade over the same database: the
    SQLite file, or the team database (PostgreSQL) emptied first."""
    if request.param == "sqlite":
        path = tmp_path / "callmate.db"
        repo = Repository.open(path)
        store = open_store(path)
    else:
        from callmate.store.database_url import parse

        url = request.getfixturevalue("pg_store_url")
        repo = Repository.open_url(url)
        empty_team_database(repo)
        store = open_store(tmp_path / "callmate.db", team=parse(url))
    try:
        yield Backend(repo, store)
    finally:
        store.close()
        repo.close()


ZERO = GoalTally()
NO_SIDES = Sides()


async def test_every_figure_is_the_hand_count(backend: Backend) -> None:
    build_history(backend.repo)
    stats = await backend.store.stats(default_since(TODAY), TODAY, now=NOW)

    assert stats.since == date(2026, 8, 31)
    assert stats.week_starts[0] == date(2026, 8, 31)
    assert stats.week_starts[-1] == date(2026, 11, 16)

    # Goals: met 1 4 5 8; backup 2 6; neither 3 7; not judged 9 (Olga is before since).
    goals = stats.goals
    assert goals.overall == GoalTally(met=4, backup=2, neither=2, unjudged=1)
    assert goals.by_type == (
        ("discovery", GoalTally(met=2, backup=1, unjudged=1)),  # 1 5 / 2 / 9
        ("follow_up", GoalTally(met=2)),  # 4 8
        ("proposal", GoalTally(backup=1, neither=1)),  # 6 / 3
        ("closing", GoalTally(neither=1)),  # 7
    )
    expected_weeks = [ZERO] * 12
    expected_weeks[0] = GoalTally(met=1)  # 1
    expected_weeks[8] = GoalTally(backup=1, neither=1)  # 2 3
    expected_weeks[9] = GoalTally(met=2)  # 4 5
    expected_weeks[10] = GoalTally(backup=1, neither=1)  # 6 7
    expected_weeks[11] = GoalTally(met=1, unjudged=1)  # 8 9
    assert list(goals.by_week) == expected_weeks

    # Outcomes: yes 1 4 8; no 3 5 6; maybe 2 7 9. No: no project (5 6), supplier (3).
    # Maybe: timing (2 9), none given (7).
    outcomes = stats.outcomes
    assert (outcomes.yes, outcomes.no, outcomes.maybe) == (3, 3, 3)
    assert outcomes.no_reasons == (
        ReasonCount("no_project", 2),
        ReasonCount("other_supplier", 1),
    )
    assert outcomes.maybe_reasons == (ReasonCount("timing", 2), ReasonCount("", 1))
    assert outcomes.maybe_reasons[1].label == "No reason given"

    # Method, over the 9 conversations: backup goal 2 3 4 6 7 9 = 6; at most
    # five questions: all but 2 = 8; a quote: 2 3 5 7 9 = 5 (8's was deleted);
    # within 20 minutes or the time check ticked: 1 3 (30 - 10 on hold) 4
    # (ticked) 5 7 8 = 6; lengths 10 12 15 18 20 22 25 35 40: median 20 min.
    method = stats.method
    assert method.calls == 9
    assert method.backup_goal == 6
    assert method.few_questions == 8
    assert method.quoted == 5
    assert method.within_time == 6
    assert method.median_seconds == 20 * 60
    assert method.share(method.backup_goal) == Share(6, 9)

    # Connection: 9 conversations and attempts A1 (no answer), A2 (voicemail) =
    # 11 calls; the discarded and the live call don't count. By week: 0: 1/1,
    # 8: 2/2, 9: 4 5 A1 = 2/3, 10: 6 7 A2 = 2/3, 11: 8 9 = 2/2.
    dials = stats.connections
    assert (dials.overall.calls, dials.overall.connected) == (11, 9)
    assert dials.overall.rate.percent == 82
    assert dict(dials.attempts) == {
        "no_answer": 1,
        "voicemail": 1,
        "gatekeeper": 0,
        "wrong_number": 0,
    }
    weekly = [(week.calls, week.connected) for week in dials.by_week]
    assert weekly == [(1, 1)] + [(0, 0)] * 7 + [(2, 2), (3, 2), (3, 2), (2, 2)]

    # Follow-through, due 31 Aug to 22 Nov. Next steps: ours on time 1 8 9
    # (9 against its moved date), broken 3 A1; 4 and A2 are due after Sunday,
    # 6 is due today (not broken yet), Olga's before since. Theirs: on time 7,
    # late 2, broken 5.
    follow = stats.follow_through
    assert follow.next_steps == Sides(ours=Kept(3, 0, 2), theirs=Kept(1, 1, 1))
    # Commitments: ours on time Ana's, late Fay's (the deleted one and Dana's
    # undated one nowhere); theirs on time Dana's, broken Ana's and Gus's.
    assert follow.commitments == Sides(ours=Kept(1, 1, 0), theirs=Kept(1, 0, 2))
    assert follow.both == Sides(ours=Kept(4, 1, 2), theirs=Kept(2, 1, 3))
    promised = [NO_SIDES] * 12
    promised[1] = Sides(ours=Kept(on_time=1))  # 1's step, due 8 Sep
    promised[8] = Sides(theirs=Kept(broken=1))  # Ana's they-owe, 30 Oct
    promised[9] = Sides(ours=Kept(1, 0, 1), theirs=Kept(late=1))  # Ana's we-owe, A1; 2's step
    promised[10] = Sides(ours=Kept(0, 1, 1), theirs=Kept(on_time=1))  # Fay's, 3; Dana's
    promised[11] = Sides(ours=Kept(on_time=2), theirs=Kept(1, 0, 2))  # 8 9; 7; 5, Gus's
    assert list(follow.by_week) == promised

    # Going cold (30 days): now, Olga only (Ravi was called 3 Nov). At each
    # week's end: Olga from week 2 (ends 21 Sep, 30 days after 22 Aug > 20 Aug),
    # Ravi from week 4 (ends 5 Oct; 1 Sep < 5 Sep) to week 8 (ends 2 Nov,
    # before his call on 3 Nov).
    assert stats.cold.now == 1
    assert list(stats.cold.by_week) == [0, 0, 1, 1, 2, 2, 2, 2, 2, 1, 1, 1]


async def test_an_earlier_since_takes_in_older_calls_and_leaves_the_weeks(
    backend: Backend,
) -> None:
    """Olga's conversation (20 Aug) and its broken step (27 Aug) count from 1 Aug."""
    build_history(backend.repo)
    stats = await backend.store.stats(date(2026, 8, 1), TODAY, now=NOW)
    assert stats.goals.overall == GoalTally(met=5, backup=2, neither=2, unjudged=1)
    assert (stats.outcomes.yes, stats.method.calls) == (4, 10)
    assert (stats.connections.overall.calls, stats.connections.overall.connected) == (12, 10)
    assert stats.follow_through.next_steps.ours == Kept(3, 0, 3)
    assert stats.goals.by_week[0] == GoalTally(met=1)  # the trend is the same twelve weeks


async def test_a_later_since_and_the_users_settings(backend: Backend) -> None:
    """From 9 Nov: conversations 6 7 8 9; a 45-day cadence and a 3-question limit."""
    build_history(backend.repo)
    rules = StatsRules(cadence_days=45, question_limit=3, time_check_minutes=15)
    stats = await backend.store.stats(date(2026, 11, 9), TODAY, now=NOW, rules=rules)
    assert stats.goals.overall == GoalTally(met=1, backup=1, neither=1, unjudged=1)
    # questions 4 5 3 2: at most 3 are 8 and 9; within 15 minutes: 8 only.
    assert (stats.method.calls, stats.method.few_questions, stats.method.within_time) == (4, 2, 1)
    assert stats.method.median_seconds == (18 + 35) / 2 * 60  # 12 18 35 40
    # 45 days: Olga (20 Aug) cold from the week ending 5 Oct (45 days before: 21 Aug);
    # Ravi (1 Sep) from the week ending 19 Oct (4 Sep) until his call on 3 Nov.
    assert stats.cold.now == 1
    assert list(stats.cold.by_week) == [0, 0, 0, 0, 1, 1, 2, 2, 2, 1, 1, 1]
    # Follow-through from 9 Nov: ours broken 3; late Fay's; on time 8 9. Theirs: on
    # time 7 and Dana's; broken 5 and Gus's.
    assert stats.follow_through.both == Sides(ours=Kept(2, 1, 1), theirs=Kept(2, 0, 2))


async def test_no_calls_at_all_gives_zeros_and_no_median(backend: Backend) -> None:
    stats = await backend.store.stats(default_since(TODAY), TODAY, now=NOW)
    assert stats.goals.overall == ZERO and stats.goals.by_type == ()
    assert list(stats.goals.by_week) == [ZERO] * 12
    assert stats.method.calls == 0 and stats.method.median_seconds is None
    assert stats.method.share(0).percent is None
    assert stats.connections.overall.rate.phrase() == "none yet"
    assert stats.follow_through.both == NO_SIDES
    assert list(stats.cold.by_week) == [0] * 12


# -- the pure parts ---------------------------------------------------------------


def test_weeks_are_mondays_ending_with_this_one() -> None:
    starts = week_starts(date(2026, 11, 22))  # a Sunday
    assert len(starts) == 12 and all(start.weekday() == 0 for start in starts)
    assert starts[-1] == date(2026, 11, 16) and starts[0] == date(2026, 8, 31)
    assert week_starts(date(2026, 11, 23))[-1] == date(2026, 11, 23)  # a Monday starts one
    assert week_index(date(2026, 11, 22), starts) == 11
    assert week_index(date(2026, 11, 23), starts) is None
    assert week_index(date(2026, 8, 30), starts) is None
    assert week_index(date(2026, 9, 6), starts) == 0


def test_the_median_of_grouped_values() -> None:
    assert median_of([]) is None
    assert median_of([(7, 1)]) == 7
    assert median_of([(40, 1), (10, 1), (20, 1)]) == 20  # any order
    assert median_of([(10, 2), (30, 2)]) == 20  # 10 10 30 30
    assert median_of([(10, 3), (30, 1)]) == 10  # 10 10 10 30
    assert median_of([(5, 0), (8, 1)]) == 8  # a value seen no times is none


def test_reasons_are_ranked_most_given_first_then_in_the_closes_order() -> None:
    order = ranked([("other", 2), ("", 2), ("no_project", 1), ("wrong_time", 2), ("odd", 2)])
    assert [(r.reason, r.count) for r in order] == [
        ("wrong_time", 2),
        ("other", 2),
        ("", 2),
        ("odd", 2),
        ("no_project", 1),
    ]
    assert order[3].label == "odd"  # a reason this version doesn't know, as stored


def test_shares_round_half_up_and_say_none_yet() -> None:
    assert Share(1, 8).percent == 13  # 12.5
    assert Share(2, 3).phrase() == "2 of 3 (67%)"
    assert Share(0, 0).percent is None and Share(0, 0).phrase() == "none yet"


def test_the_json_shape_is_stable() -> None:
    """Every key README documents, in order: a consumer can rely on them."""
    empty = Stats(since=date(2026, 8, 31), today=TODAY, week_starts=week_starts(TODAY))
    shape = empty.as_dict()
    assert list(shape) == [
        "schema_version",
        "since",
        "today",
        "weeks",
        "goals",
        "follow_through",
        "outcomes",
        "method",
        "connection",
        "cold",
    ]
    assert shape["schema_version"] == 1
    assert list(shape["goals"]) == ["overall", "by_call_type", "by_week"]  # type: ignore[call-overload]
    assert list(shape["follow_through"]) == ["next_steps", "commitments", "both", "by_week"]  # type: ignore[call-overload]


def test_utc_offsets_find_daylight_saving_changes() -> None:
    """The team database's "kept on" date uses these: Berlin's spring and autumn changes."""
    from callmate.store.stats_queries import utc_offsets

    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    system_time.tzset()
    try:
        changes = utc_offsets(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC))
    finally:
        os.environ["TZ"] = saved or "UTC"
        system_time.tzset()
    assert changes == [
        (None, 3600),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), 7200),
        (datetime(2026, 10, 25, 1, 0, tzinfo=UTC), 3600),
    ]


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The user is in New York (UTC-4 until 1 Nov 2026, UTC-5 after)."""
    monkeypatch.setenv("TZ", "America/New_York")
    system_time.tzset()
    yield
    monkeypatch.setenv("TZ", "UTC")
    system_time.tzset()


async def test_days_and_weeks_are_the_users_local_ones(backend: Backend, new_york: None) -> None:
    """Kept "on time" is judged on the local date it was marked kept, and a call
    falls in the local week it started in, daylight saving included."""
    repo = backend.repo
    ana = repo.start_call(
        CallModel(contact=Contact(name="Ana"), goal="Pilot", started_at=at("2026-10-20", 14))
    )
    assert ana.id is not None
    early = repo.save_note(  # kept 28 Oct 04:30 UTC = 00:30 EDT on the 28th: late
        ana.id,
        Note(
            kind=NoteKind.OURS,
            text="send the plan",
            created_at=at("2026-10-20", 14),
            due=d("2026-10-27"),
            done_at=datetime(2026, 10, 28, 4, 30, tzinfo=UTC),
        ),
    )
    assert early.id is not None
    repo.save_note(  # kept 11 Nov 02:00 UTC = 21:00 EST on the 10th: on time
        ana.id,
        Note(
            kind=NoteKind.THEIRS,
            text="send the list",
            created_at=at("2026-10-20", 14),
            due=d("2026-11-10"),
            done_at=datetime(2026, 11, 11, 2, 0, tzinfo=UTC),
        ),
    )
    repo.finish_call(
        ana.id,
        outcome=Outcome.YES,
        next_step=NextStep(what="Call back", owner=Owner.US, due=d("2026-11-10")),
        ended_at=at("2026-10-20", 15),
        goal_result=GoalResult.PRIMARY,
    )
    # kept 11 Nov 06:00 UTC = 01:00 EST on the 11th: late
    repo.mark_step_done(ana.id, datetime(2026, 11, 11, 6, 0, tzinfo=UTC))
    ben = repo.start_call(  # 16 Nov 03:00 UTC = Sunday 15 Nov 22:00 EST: week 10
        CallModel(contact=Contact(name="Ben"), goal="Demo", started_at=at("2026-11-16", 3))
    )
    assert ben.id is not None
    repo.finish_call(
        ben.id,
        outcome=Outcome.YES,
        next_step=NextStep(what="Next", owner=Owner.US, due=d("2026-11-30")),
        ended_at=at("2026-11-16", 4),
        goal_result=GoalResult.BACKUP,
    )
    stats = await backend.store.stats(default_since(TODAY), TODAY, now=NOW)
    follow = stats.follow_through
    assert follow.commitments == Sides(ours=Kept(late=1), theirs=Kept(on_time=1))
    assert follow.next_steps == Sides(ours=Kept(late=1))
    assert stats.goals.by_week[7] == GoalTally(met=1)  # Ana, 20 Oct
    assert stats.goals.by_week[10] == GoalTally(backup=1)  # Ben, local Sunday 15 Nov
    assert stats.goals.by_week[11] == ZERO


async def test_on_the_team_database_the_figures_are_the_reps_own(
    team: Team,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Sam's history (the hand count above) and one call of Priya's, each made
    with their own PostgreSQL role: each rep's figures are their own calls and
    promises; going cold is about the contacts, whoever called them."""
    from callmate.store.database_url import parse

    sam, priya = team.add(capsys, monkeypatch), team.add(capsys, monkeypatch)
    for role, build in (
        (sam, build_history),
        (priya, lambda repo: converse(repo, PRIYAS)),
    ):
        repo = Repository.open_url(team.url_of(role))
        try:
            build(repo)
        finally:
            repo.close()

    async def figures(role: str) -> Stats:
        store = open_store(tmp_path / role / "callmate.db", team=parse(team.url_of(role)))
        try:
            return await store.stats(default_since(TODAY), TODAY, now=NOW)
        finally:
            store.close()

    sams = await figures(sam)
    assert sams.goals.overall == GoalTally(met=4, backup=2, neither=2, unjudged=1)
    assert sams.follow_through.both == Sides(ours=Kept(4, 1, 2), theirs=Kept(2, 1, 3))
    assert (sams.method.calls, sams.method.quoted) == (9, 5)
    assert (sams.connections.overall.calls, sams.connections.overall.connected) == (11, 9)
    # Priya's Zed, 18 Nov: met; her step (20 Nov) and her we-owe (19 Nov) open: broken.
    priyas = await figures(priya)
    assert priyas.goals.overall == GoalTally(met=1)
    assert priyas.follow_through.both == Sides(ours=Kept(broken=2))
    assert (priyas.method.calls, priyas.method.quoted) == (1, 1)
    assert priyas.cold.now == sams.cold.now == 1  # Olga, whoever asks


PRIYAS = Conversation("Zed", "2026-11-18", D, G.PRIMARY, Outcome.YES, None, "b", 1, 1, 10, US, "2026-11-20", commitments=((OURS, "2026-11-19", None),))  # fmt: skip


def test_kept_promises_and_quotes_are_counted_from_their_indexes(tmp_path: Path) -> None:
    """Migration 15's partial indexes are what the counts read: no statement of
    the review scans the notes (a WHERE that drifts from the index's would)."""
    import sqlite3

    from callmate.store.stats_queries import stats as count

    path = tmp_path / "callmate.db"
    repo = Repository.open(path)
    try:
        build_history(repo)
    finally:
        repo.close()
    statements: list[str] = []
    db = sqlite3.connect(path)
    try:
        db.set_trace_callback(statements.append)
        count(db, default_since(TODAY), TODAY, NOW)
        db.set_trace_callback(None)
        on_notes = [s for s in statements if "FROM notes" in s]
        plans = {
            s: " ".join(str(row[-1]) for row in db.execute(f"EXPLAIN QUERY PLAN {s}"))
            for s in on_notes
        }
    finally:
        db.close()
    assert len(plans) == 3, plans  # the promises kept, those broken, the quotes
    used = " ".join(plans.values())
    for index in ("ix_notes_commitments_kept", "ix_notes_open_commitments", "ix_notes_quotes"):
        assert index in used, (index, plans)
    assert not any(plan.startswith("SCAN n") or " SCAN n " in plan for plan in plans.values()), (
        plans
    )
