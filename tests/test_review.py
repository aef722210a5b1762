"""Issue 22: the review screen, one key from home: the figures a user sees,
counted by hand from calls saved through the real store."""

from __future__ import annotations

import io

from rich.console import Console

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
from callmate.widgets.review_sections import SECTIONS
from callmate.widgets.week_bars import PLAIN
from tests.conftest import NOW

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
    trend = next(line for line in text.splitlines() if line.startswith("by week"))
    assert trend.split() == ["by", "week", *["·"] * 11, "100"]


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
