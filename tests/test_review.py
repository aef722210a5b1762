"""Issue 22: the review screen, one key from home: the figures a user sees,
counted by hand from calls saved through the real store."""

from __future__ import annotations

import io
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.pilot import Pilot

from callmate.app import CallmateApp, make_app
from callmate.clock import FrozenClock
from callmate.domain.models import (
    Call,
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
from callmate.domain.stats import (
    Cold,
    Connections,
    Dials,
    FollowThrough,
    GoalResults,
    GoalTally,
    Kept,
    Method,
    Outcomes,
    ReasonCount,
    Sides,
    Stats,
    week_starts,
)
from callmate.locations import database_path
from callmate.screens.home import HomeScreen
from callmate.screens.review import ReviewScreen
from callmate.store.database_url import parse
from callmate.store.repository import Repository
from callmate.widgets.review_sections import SECTIONS
from callmate.widgets.week_bars import PLAIN
from tests.conftest import NOW, empty_team_database
from tests.helpers import FakeClipboard, screen_text, settle, type_text

TODAY = NOW.date()


def drawn(stats: Stats, width: int = 78) -> str:
    """Every section as the terminal would show it, without colours."""
    console = Console(width=width, color_system=None, record=True, file=io.StringIO())
    for _key, draw in SECTIONS:
        console.print(draw(stats, PLAIN))
    return console.export_text()


def small_stats(**changes: object) -> Stats:
    starts = week_starts(TODAY)
    fields: dict[str, object] = {
        "since": starts[0],
        "today": TODAY,
        "week_starts": starts,
        "goals": GoalResults(
            GoalTally(3, 1, 0),
            (("discovery", GoalTally(3, 1, 0)),),
            tuple(GoalTally(1, 0, 0) if i == 11 else GoalTally() for i in range(12)),
        ),
        "connections": Connections(Dials(5, 4), (("no_answer", 1),), ()),
    }
    fields.update(changes)
    return Stats(**fields)  # type: ignore[arg-type]


def test_every_picture_has_its_figures_beside_it_in_words() -> None:
    text = drawn(small_stats())
    assert "All calls" in text and "3 met 75% · 1 backup 25% · 0 neither 0%" in text
    assert "Discovery" in text  # the call type in words, not its stored value
    assert "4 connected 80% · 1 didn't 20%" in text
    assert "1 no answer" in text
    # The weekly trend: a week with no judged call is a dot (no figure), not a 0 %.
    trend = next(line for line in text.splitlines() if line.startswith("% by week"))
    assert trend.split() == ["%", "by", "week", *["·"] * 11, "100"]


def test_no_figures_at_all_draw_no_zero_division() -> None:
    text = drawn(Stats(since=TODAY, today=TODAY, week_starts=week_starts(TODAY)))
    assert "0 met · 0 backup · 0 neither" in text
    assert "none yet" in text  # the median length of no call


def test_user_words_are_text_never_markup_and_never_control_characters() -> None:
    hostile = "[bold red]Lost[/] \x1b[2J\x07it"
    stats = small_stats(
        outcomes=Outcomes(no=2, no_reasons=(ReasonCount(hostile, 2),)),
        goals=GoalResults(GoalTally(1), (("odd\x1b]0;x\x07type", GoalTally(1)),), ()),
    )
    text = drawn(stats)
    assert "1. [bold red]Lost[/] [2Jit" in text
    assert "odd]0;xtype" in text
    assert "\x1b" not in text and "\x07" not in text


def test_reasons_are_ranked_with_their_counts_and_the_rest_summed() -> None:
    reasons = tuple(
        ReasonCount(value, n)
        for value, n in [
            ("no_project", 6),
            ("other_supplier", 3),
            ("wrong_time", 2),
            ("other", 1),
            ("", 1),
            ("lost_in_legal", 1),
            ("gone_quiet", 1),
        ]
    )
    text = drawn(small_stats(outcomes=Outcomes(no=15, no_reasons=reasons)))
    lines = text.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("Lost to (No)")))
    shown = [" ".join(line.split()) for line in lines[start + 1 : start + 7]]
    assert shown[0].startswith("6 40%") and shown[0].endswith("1. No project")
    assert shown[1].startswith("3 20%") and shown[1].endswith("2. Chose another supplier")
    assert shown[4].endswith("5. No reason given")
    assert shown[5] == "2 13% 2 other reasons"


def test_follow_through_ours_and_theirs_and_going_cold() -> None:
    by_week = tuple(Sides(Kept(1, 1, 0), Kept()) for _ in range(12))
    stats = small_stats(
        follow_through=FollowThrough(Sides(Kept(2, 1, 1), Kept(0, 0, 3)), Sides(), by_week),
        cold=Cold(now=4, by_week=tuple(range(12)), cadence_days=30),
        method=Method(
            calls=4, backup_goal=2, few_questions=4, quoted=1, within_time=3, median_seconds=1230
        ),
    )
    text = drawn(stats)
    assert "2 on time 50% · 1 late 25% · 1 broken 25%" in text
    assert "0 on time 0% · 0 late 0% · 3 broken 100%" in text
    assert "4 contacts now, no conversation for over 30 days" in text
    assert "2 of 4 50%" in text and "4 of 4 100%" in text and "3 of 4 75%" in text
    assert "21 min" in text  # 20.5 minutes, rounded half up


# -- the screen, driven by keys ------------------------------------------------------
def seed_history(home: Path) -> None:
    """Four conversations and one attempt in the last twelve weeks, one call long before.

    By hand (12 weeks to Sunday 22 Nov 2026, from Monday 31 Aug):
    - goal results: met 1, backup 1, neither 2; discovery 1/1/0, proposal 0/0/2;
    - outcomes: yes 1, maybe 1 (budget cycle), no 2 (no project, both);
    - our promises: one kept on time (Ana's), one late (Cy's); theirs: one broken
      (Bo's, due two days ago, open); Di's is not due yet, the attempt's neither;
    - the method, of 4 conversations: backup goal 2, at most 5 questions 4,
      a quote 1, within 20 minutes 2 (15 and 10 minutes); median 20 minutes;
    - connection: 5 calls, 4 connected, 1 no answer;
    - going cold now: Fay (last spoken to 100 days ago).
    """
    repo = Repository.open(database_path(home))
    try:
        seed_history_into(repo)
    finally:
        repo.close()


def seed_history_into(repo: Repository) -> None:
    """:func:`seed_history` into any store (the team database's too)."""
    for name, kind, backup, minutes, days_ago, outcome, result, reason, step in [
        (
            "Ana",
            CallType.DISCOVERY,
            "Name the ops lead",
            15,
            10,
            Outcome.YES,
            GoalResult.PRIMARY,
            None,
            (Owner.US, -3, -4),
        ),
        (
            "Bo",
            CallType.DISCOVERY,
            "A date for the demo",
            25,
            9,
            Outcome.MAYBE,
            GoalResult.BACKUP,
            Reason.BUDGET_CYCLE,
            (Owner.THEM, -2, None),
        ),
        (
            "Cy",
            CallType.PROPOSAL,
            "",
            10,
            8,
            Outcome.NO,
            GoalResult.NEITHER,
            Reason.NO_PROJECT,
            (Owner.US, -5, -1),
        ),
        (
            "Di",
            CallType.PROPOSAL,
            "",
            30,
            7,
            Outcome.NO,
            GoalResult.NEITHER,
            Reason.NO_PROJECT,
            (Owner.BOTH, 5, None),
        ),
        ("Fay", CallType.FOLLOW_UP, "", 20, 100, Outcome.YES, None, None, (Owner.US, -90, -91)),
    ]:
        started = NOW - timedelta(days=days_ago)
        call = repo.start_call(
            Call(
                contact=Contact(name=f"{name} Example", company="Acme"),
                call_type=kind,
                goal="Agree the pilot",
                backup_goal=backup,
                questions=[Question(text="budget"), Question(text="who decides")],
                started_at=started,
            )
        )
        assert call.id is not None
        if name == "Ana":
            repo.save_note(
                call.id, Note(kind=NoteKind.QUOTE, text="we lose a day", created_at=started)
            )
        owner, due_in, kept_in = step
        repo.finish_call(
            call.id,
            outcome=outcome,
            reason=reason,
            goal_result=result,
            next_step=NextStep(what="Next", owner=owner, due=TODAY + timedelta(days=due_in)),
            ended_at=started + timedelta(minutes=minutes),
        )
        if kept_in is not None:
            repo.mark_step_done(call.id, NOW + timedelta(days=kept_in))
    tried = repo.start_call(
        Call(
            contact=Contact(name="Eve Example", company="Acme"),
            goal="Agree the pilot",
            started_at=NOW - timedelta(days=3),
        )
    )
    assert tried.id is not None
    repo.log_attempt(
        tried.id,
        Connection.NO_ANSWER,
        NextStep(what="Try again", due=TODAY + timedelta(days=1)),
        NOW - timedelta(days=3, minutes=-1),
    )


async def test_the_review_on_the_team_database(
    isolated_home: Path, clock: FrozenClock, clipboard: FakeClipboard, pg_store_url: str
) -> None:
    """The same figures from the team database (PostgreSQL): the screen doesn't
    know which store counted them."""
    repo = Repository.open_url(pg_store_url)
    try:
        empty_team_database(repo)
        seed_history_into(repo)
    finally:
        repo.close()
    app = make_app(isolated_home, clock=clock, clipboard=clipboard, team=parse(pg_store_url))
    try:
        async with app.run_test(size=(100, 90)) as pilot:
            await open_review(pilot)
            text = flat(screen_text(pilot))
            assert "5 calls, 4 conversations" in text
            assert "1 met 25% · 1 backup 25% · 2 neither 50%" in text
            assert "1 on time 50% · 1 late 50% · 0 broken 0%" in text
            assert "2 100% ████████████████ 1. No project" in text
            assert "Median length 20 min" in text
            assert "Going cold 1 contact now" in text
    finally:
        app.store.close()


async def open_review(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("v")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReviewScreen)


def flat(text: str) -> str:
    """The screen's lines with runs of spaces made one (the grid's padding)."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


async def test_v_on_home_shows_the_hand_counted_figures(
    app: CallmateApp, isolated_home: Path
) -> None:
    seed_history(isolated_home)
    async with app.run_test(size=(100, 90)) as pilot:
        await open_review(pilot)
        text = flat(screen_text(pilot))
        assert (
            "Your calls, the last 4 weeks, since Mon 26 Oct 2026: 5 calls, 4 conversations" in text
        )
        assert "4 conversations judged at the close" in text
        assert "All calls" in text and "1 met 25% · 1 backup 25% · 2 neither 50%" in text
        assert "Discovery" in text and "1 met 50% · 1 backup 50% · 0 neither 0%" in text
        assert "Proposal" in text and "0 met 0% · 0 backup 0% · 2 neither 100%" in text
        assert "1 yes 25% · 1 maybe 25% · 2 no 50%" in text
        assert "2 100% ████████████████ 1. No project" in text
        assert "1 100% ████████████████ 1. Budget cycle" in text
        assert "Ours ██" in text and "1 on time 50% · 1 late 50% · 0 broken 0%" in text
        assert "0 on time 0% · 0 late 0% · 1 broken 100%" in text
        assert "Backup goal" in text and "2 of 4 50%" in text
        assert "≤ 5 questions" in text and "4 of 4 100%" in text
        assert "A quote" in text and "1 of 4 25%" in text
        assert "Within 20 min" in text
        assert "Median length 20 min" in text
        assert "Connection rate 4 of 5 (80%)" in text
        assert "4 connected 80% · 1 didn't 20%" in text and "1 no answer" in text
        assert "Going cold 1 contact now" in text
        # p: the last 12 weeks (the same calls); p again: all time counts Fay's call too.
        await pilot.press("p")
        await settle(pilot)
        text = flat(screen_text(pilot))
        assert "Your calls, the last 12 weeks, since Mon 31 Aug 2026: 5 calls" in text
        assert "1 met 25% · 1 backup 25% · 2 neither 50%" in text
        await pilot.press("p")
        await settle(pilot)
        text = flat(screen_text(pilot))
        assert "Your calls, all time: 6 calls, 5 conversations" in text
        assert "2 yes 40% · 1 maybe 20% · 2 no 40%" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_an_empty_history_says_nothing_to_review_yet(app: CallmateApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_review(pilot)
        text = screen_text(pilot)
        assert "Nothing to review yet" in text
        assert "%" not in text and "Goal results" not in text
        await pilot.press("p", "p", "p")  # every period: still words, never zeros
        await settle(pilot)
        assert "Nothing to review yet" in screen_text(pilot)


async def test_an_empty_period_points_to_a_longer_one(
    app: CallmateApp, isolated_home: Path
) -> None:
    seed_history(isolated_home)
    app.clock.advance(200 * 86400)  # type: ignore[attr-defined]
    async with app.run_test(size=(80, 24)) as pilot:
        await open_review(pilot)
        assert "No calls closed in the last 4 weeks. Press p for a longer period" in screen_text(
            pilot
        )
        await pilot.press("p", "p")
        await settle(pilot)
        assert "Your calls, all time: 6 calls" in screen_text(pilot)


async def test_at_80x24_the_review_scrolls_to_every_section_in_the_light_theme(
    app: CallmateApp, isolated_home: Path
) -> None:
    seed_history(isolated_home)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "textual-light"
        await open_review(pilot)
        text = flat(screen_text(pilot))
        assert "1 met 25% · 1 backup 25% · 2 neither 50%" in text
        assert "Going cold" not in text  # below the fold ...
        await pilot.press("end")
        await settle(pilot)
        text = flat(screen_text(pilot))
        assert "Going cold 1 contact now" in text  # ... and reached by keys
        lines = screen_text(pilot).splitlines()
        assert all(len(line) <= 80 for line in lines)
        # Drawn in the theme's colours, and again in the new theme's when it changes.
        assert colours(pilot) >= {"#337e4a", "#7a273c"}  # textual-light's success, error
        app.theme = "textual-dark"
        await settle(pilot)
        assert colours(pilot) >= {"#8ad4a1", "#d17e92"}
        assert not colours(pilot) & {"#337e4a", "#7a273c"}


def colours(pilot: Pilot[Any]) -> set[str]:
    """The foreground colours the terminal shows."""
    return {
        segment.style.color.triplet.hex
        for strip in pilot.app.screen._compositor.render_strips()
        for segment in strip
        if segment.style and segment.style.color and segment.style.color.triplet
    }


async def test_a_failed_read_is_said_in_words_not_a_crash(
    app: CallmateApp, isolated_home: Path
) -> None:
    seed_history(isolated_home)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        # Another program breaks the file under callmate (the calls are gone).
        with sqlite3.connect(database_path(isolated_home)) as other:
            other.execute("ALTER TABLE calls RENAME TO calls_elsewhere")
        await pilot.press("v")
        await settle(pilot)
        text = screen_text(pilot)
        assert "Your figures could not be counted" in text
        assert "Something went wrong" in text  # the one place screens report failures
        assert "Counting" not in text
        assert app.is_running


async def test_the_figures_follow_the_users_settings(app: CallmateApp, isolated_home: Path) -> None:
    """The question limit, time check and cadence from settings.toml, whether or
    not the full settings were read yet (the figures don't wait for pydantic)."""
    seed_history(isolated_home)
    settings = isolated_home / "settings.toml"
    settings.write_text(
        settings.read_text() + "question_limit = 1\ntime_check_minutes = 12\ncadence_days = 200\n"
    )
    async with app.run_test(size=(100, 90)) as pilot:
        for loaded in (False, True):
            if loaded:
                assert app.preferences.settings.question_limit == 1  # read them now
                await pilot.press("escape")
            assert app.preferences.loaded is loaded
            await open_review(pilot)
            text = flat(screen_text(pilot))
            assert f"≤ 1 questions {'░' * 16} 0 of 4 0%" in text  # every call planned two
            assert f"Within 12 min {'█' * 4}{'░' * 12} 1 of 4 25%" in text  # Cy's 10 minutes
            assert "Going cold 0 contacts now, no conversation for over 200 days" in text


async def test_a_wider_terminal_redraws_the_charts_to_its_width(
    app: CallmateApp, isolated_home: Path
) -> None:
    seed_history(isolated_home)
    async with app.run_test(size=(80, 40)) as pilot:
        await open_review(pilot)
        before = screen_text(pilot)
        assert "weeks of 31 Aug to 16 Nov" in before
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        after = screen_text(pilot).splitlines()
        assert all(len(line) <= 120 for line in after)
        assert any(
            line.strip().endswith("4 conversations. p: another period; Esc: home.")
            for line in after
        )  # the status on one line: the wider screen is used
        assert "1 met 25% · 1 backup 25% · 2 neither 50%" in " ".join(after)
        assert "weeks of 31 Aug to 16 Nov" in "\n".join(after)


async def test_p_pressed_while_counting_shows_the_period_chosen_last(
    app: CallmateApp, isolated_home: Path
) -> None:
    seed_history(isolated_home)
    async with app.run_test(size=(100, 90)) as pilot:
        await settle(pilot)
        await open_review(pilot)
        await type_text(pilot, "pp")  # 12 weeks, then all time, in one burst: one count under way
        await settle(pilot)
        text = flat(screen_text(pilot))
        assert "Your calls, all time: 6 calls" in text
        assert "12 weeks" not in text and "Counting" not in text


async def test_the_review_is_in_the_palette_and_in_the_help(
    app: CallmateApp, isolated_home: Path
) -> None:
    from callmate.screens.search import SearchScreen
    from tests.test_palette import palette_shows

    seed_history(isolated_home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert "Review" in await palette_shows(pilot, "review")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert [type(s).__name__ for s in app.screen_stack] == ["HomeScreen", "ReviewScreen"]
        await pilot.press("f1")
        await settle(pilot)
        help_shown = screen_text(pilot)
        assert "Period" in help_shown and "PgUp PgDn scroll" in help_shown
