"""The review screen's sections, drawn from the figures (:mod:`callmate.domain.stats`).

Each section is a pure function ``(stats, palette) -> renderable``: tested
without a terminal, redrawn by :class:`~callmate.widgets.week_bars.Chart`
when the theme changes. Words that come from the user (a reason typed at
the close, a call type) are cleaned and drawn as ``Text``, never markup.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text

from callmate.domain.text import clean_line, count
from callmate.widgets.week_bars import Palette, Part, percent, share_bar, share_label, week_bars

if TYPE_CHECKING:
    from datetime import date

    from rich.console import RenderableType

    from callmate.domain.stats import GoalTally, ReasonCount, Stats

LABEL_WIDTH = 14
BAR_WIDTH = 16
REASONS_SHOWN = 5
"""Reasons listed per outcome, most given first."""
FULL, HALF, LIGHT = "█", "▓", "░"


def heading(title: str, note: str = "") -> Text:
    text = Text(title, style="bold underline")
    if note:
        text.append(f"  {note}", style="dim")
    return text


def bars_grid() -> Table:
    """Label | picture | its numbers (these wrap on a narrow screen)."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=LABEL_WIDTH, no_wrap=True, overflow="ellipsis")
    grid.add_column(width=BAR_WIDTH, no_wrap=True)
    grid.add_column(ratio=1)
    return grid


def weeks_grid() -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=LABEL_WIDTH, no_wrap=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="crop")
    return grid


def share_row(grid: Table, label: str, parts: Sequence[Part], palette: Palette) -> None:
    grid.add_row(Text(clean_line(label)), share_bar(parts, BAR_WIDTH, palette), share_label(parts))


def week_span(weeks: Sequence[date]) -> str:
    """``weeks of 31 Aug to 16 Nov``: the first and last week a row of columns covers."""
    if not weeks:
        return ""
    return f"weeks of {weeks[0]:%d %b} to {weeks[-1]:%d %b}"


def share_percent(part: int, whole: int) -> float | None:
    """``part`` as a percent of ``whole``; None (nothing to measure) when whole is 0."""
    return 100 * part / whole if whole > 0 else None


def goal_parts(met: int, backup: int, neither: int) -> list[Part]:
    return [
        Part("met", met, "good", FULL),
        Part("backup", backup, "fair", HALF),
        Part("neither", neither, "bad", LIGHT),
    ]


def kept_parts(on_time: int, late: int, broken: int) -> list[Part]:
    return [
        Part("on time", on_time, "good", FULL),
        Part("late", late, "fair", HALF),
        Part("broken", broken, "bad", LIGHT),
    ]


# -- the sections ---------------------------------------------------------------
def type_label(value: str) -> str:
    """A call type's stored value in words; one this version doesn't know as stored."""
    from callmate.domain.kinds import CallType

    try:
        return CallType(value).label
    except ValueError:
        return clean_line(value)


def connection_label(value: str) -> str:
    from callmate.domain.kinds import Connection

    try:
        return Connection(value).label
    except ValueError:
        return clean_line(value)


def tally_row(grid: Table, label: str, tally: GoalTally, palette: Palette) -> None:
    share_row(grid, label, goal_parts(tally.met, tally.backup, tally.neither), palette)


def goals_section(stats: Stats, palette: Palette) -> RenderableType:
    goals = stats.goals
    overall = goals.overall
    grid = bars_grid()
    tally_row(grid, "All calls", overall, palette)
    for value, tally in goals.by_type:
        tally_row(grid, type_label(value), tally, palette)
    weeks = weeks_grid()
    met = [share_percent(w.met, w.judged) for w in goals.by_week]
    weeks.add_row(
        Text("Goal met\n% by week", style="dim"),
        week_bars(met, palette, role="good", top=100),
    )
    note = f"{count(overall.judged, 'conversation')} judged at the close"
    if overall.unjudged:
        note += f", {overall.unjudged:,} not"
    return Group(heading("Goal results", note), grid, weeks, span_line(stats))


def span_line(stats: Stats) -> Text:
    return Text(f"{'':{LABEL_WIDTH}} {week_span(stats.week_starts)}", style="dim")


def follow_through_section(stats: Stats, palette: Palette) -> RenderableType:
    follow = stats.follow_through
    both = follow.both
    grid = bars_grid()
    for label, kept in (("Ours", both.ours), ("Theirs", both.theirs)):
        share_row(grid, label, kept_parts(kept.on_time, kept.late, kept.broken), palette)
    weeks = weeks_grid()
    for label, side in (("Ours", "ours"), ("Theirs", "theirs")):
        on_time = [
            share_percent(getattr(w, side).on_time, getattr(w, side).total) for w in follow.by_week
        ]
        weeks.add_row(
            Text(f"{label} on time\n% by week", style="dim"),
            week_bars(on_time, palette, role="good", top=100),
        )
    return Group(
        heading("Follow-through", "next steps and commitments, by their date"),
        grid,
        weeks,
        span_line(stats),
    )


def outcomes_section(stats: Stats, palette: Palette) -> RenderableType:
    outcomes = stats.outcomes
    grid = bars_grid()
    parts = [
        Part("yes", outcomes.yes, "good", FULL),
        Part("maybe", outcomes.maybe, "fair", HALF),
        Part("no", outcomes.no, "bad", LIGHT),
    ]
    share_row(grid, "All calls", parts, palette)
    blocks: list[RenderableType] = [
        heading("Outcomes", f"of {count(outcomes.total, 'conversation')}"),
        grid,
    ]
    for title, reasons, role in (
        ("Lost to (No)", outcomes.no_reasons, "bad"),
        ("Held up by (Maybe)", outcomes.maybe_reasons, "fair"),
    ):
        blocks.append(Text(title, style="bold"))
        blocks.append(reasons_grid(reasons, role, palette))
    return Group(*blocks)


def reasons_grid(reasons: Sequence[ReasonCount], role: str, palette: Palette) -> RenderableType:
    """The reasons given, most first, each with its count and share."""
    if not reasons:
        return Text(f"{'':{LABEL_WIDTH}} none", style="dim")
    total = sum(r.count for r in reasons)
    grid = bars_grid()
    for rank, reason in enumerate(reasons[:REASONS_SHOWN], start=1):
        figures = Text(f"{reason.count:,}", style="bold")
        figures.append(f" {percent(reason.count, total)}".rjust(5), style="dim")
        figures.align("right", LABEL_WIDTH)
        parts = [Part("", reason.count, role, FULL), Part("", total - reason.count, "muted", " ")]
        label = Text(f"{rank}. ")
        label.append(clean_line(reason.label))
        grid.add_row(figures, share_bar(parts, BAR_WIDTH, palette), label)
    rest = reasons[REASONS_SHOWN:]
    if rest:
        others = sum(r.count for r in rest)
        figures = Text(f"{others:,} {percent(others, total).rjust(4)}", style="dim")
        figures.align("right", LABEL_WIDTH)
        grid.add_row(figures, Text(), Text(f"{count(len(rest), 'other reason')}", style="dim"))
    return grid


def method_section(stats: Stats, palette: Palette) -> RenderableType:
    method = stats.method
    grid = bars_grid()
    for label, part in (
        ("Backup goal", method.backup_goal),
        (f"≤ {method.question_limit} questions", method.few_questions),
        ("A quote", method.quoted),
        (f"Within {method.time_check_minutes} min", method.within_time),
    ):
        parts = [Part("", part, "good", FULL), Part("", method.calls - part, "muted", LIGHT)]
        figures = Text(f"{part:,} of {method.calls:,}", style="bold")
        figures.append(f" {percent(part, method.calls)}", style="dim")
        grid.add_row(Text(label), share_bar(parts, BAR_WIDTH, palette), figures)
    grid.add_row(Text("Median length"), Text(), Text(minutes(method.median_seconds), style="bold"))
    note = f"of {count(method.calls, 'conversation')}, as planned and as noted"
    return Group(heading("The method in practice", note), grid)


def minutes(seconds: float | None) -> str:
    """``23 min``; ``45 s`` under a minute; ``none yet`` without a call."""
    if seconds is None:
        return "none yet"
    if seconds < 60:
        return f"{math.floor(seconds + 0.5)} s"
    return f"{math.floor(seconds / 60 + 0.5):,} min"


def connection_section(stats: Stats, palette: Palette) -> RenderableType:
    dials = stats.connections
    overall = dials.overall
    grid = bars_grid()
    attempts = overall.calls - overall.connected
    parts = [
        Part("connected", overall.connected, "good", FULL),
        Part("didn't", attempts, "bad", LIGHT),
    ]
    share_row(grid, "All calls", parts, palette)
    kinds = [(connection_label(value), n) for value, n in dials.attempts if n]
    if kinds:
        detail = Text(", ".join(f"{n:,} {label}" for label, n in kinds), style="dim")
        grid.add_row(Text("Didn't connect", style="dim"), Text(), detail)
    weeks = weeks_grid()
    rate = [share_percent(w.connected, w.calls) for w in dials.by_week]
    weeks.add_row(
        Text("Connected\n% by week", style="dim"),
        week_bars(rate, palette, role="bar", top=100),
    )
    blocks: list[RenderableType] = [heading("Connection rate", overall.rate.phrase()), grid]
    if not attempts:
        blocks.append(Text("Log a call that didn't connect with Ctrl+R on the call.", style="dim"))
    blocks += [weeks, span_line(stats)]
    return Group(*blocks)


def cold_section(stats: Stats, palette: Palette) -> RenderableType:
    cold = stats.cold
    weeks = weeks_grid()
    weeks.add_row(
        Text("Cold at each\nweek's end", style="dim"),
        week_bars(list(cold.by_week), palette, role="bad"),
    )
    note = f"{count(cold.now, 'contact')} now, no conversation for over {cold.cadence_days} days"
    return Group(heading("Going cold", note), weeks, span_line(stats))


SECTIONS: tuple[tuple[str, Callable[[Stats, Palette], RenderableType]], ...] = (
    ("goals", goals_section),
    ("follow-through", follow_through_section),
    ("outcomes", outcomes_section),
    ("method", method_section),
    ("connection", connection_section),
    ("cold", cold_section),
)
"""Each section's id on the screen and how it is drawn, top to bottom."""


def is_empty(stats: Stats) -> bool:
    """No call closed in the period: nothing to draw but zeros."""
    return stats.connections.overall.calls == 0
