"""The review screen's sections, drawn from the figures (:mod:`callmate.domain.stats`).

Each section is a pure function ``(stats, palette) -> renderable``: tested
without a terminal, redrawn by :class:`~callmate.widgets.week_bars.Chart`
when the theme changes. Words that come from the user (a reason typed at
the close, a call type) are cleaned and drawn as ``Text``, never markup.
"""

from __future__ import annotations

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

    from callmate.domain.stats import Stats

LABEL_WIDTH = 13
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
def goals_section(stats: Stats, palette: Palette) -> RenderableType:
    goals = stats.goals
    grid = bars_grid()
    share_row(grid, "All calls", goal_parts(goals.met, goals.backup, goals.neither), palette)
    for label, by_type in stats.goals_by_type:
        share_row(grid, label, goal_parts(by_type.met, by_type.backup, by_type.neither), palette)
    weeks = weeks_grid()
    met = [share_percent(w.met, w.total) for w in stats.goals_by_week]
    weeks.add_row(
        Text("Goal met %\nby week", style="dim"),
        week_bars(met, palette, role="good", top=100),
    )
    return Group(
        heading("Goal results", f"{count(goals.total, 'call')} with a result"),
        grid,
        weeks,
        Text(f"{'':{LABEL_WIDTH}} {week_span(stats.weeks)}", style="dim"),
    )


def follow_through_section(stats: Stats, palette: Palette) -> RenderableType:
    grid = bars_grid()
    rows = (("Ours", stats.ours, stats.ours_by_week), ("Theirs", stats.theirs, stats.theirs_by_week))
    for label, kept, _ in rows:
        share_row(grid, label, kept_parts(kept.on_time, kept.late, kept.broken), palette)
    weeks = weeks_grid()
    for label, _, by_week in rows:
        on_time = [share_percent(w.on_time, w.total) for w in by_week]
        weeks.add_row(
            Text(f"{label} on time\n% by week", style="dim"),
            week_bars(on_time, palette, role="good", top=100),
        )
    return Group(
        heading("Follow-through", "next steps and commitments: kept on time, late, broken"),
        grid,
        weeks,
        Text(f"{'':{LABEL_WIDTH}} {week_span(stats.weeks)}", style="dim"),
    )


def outcomes_section(stats: Stats, palette: Palette) -> RenderableType:
    outcomes = stats.outcomes
    grid = bars_grid()
    parts = [
        Part("yes", outcomes.yes, "good", FULL),
        Part("maybe", outcomes.maybe, "fair", HALF),
        Part("no", outcomes.no, "bad", LIGHT),
    ]
    share_row(grid, "Outcomes", parts, palette)
    blocks: list[RenderableType] = [heading("Outcomes"), grid]
    for title, reasons, role in (
        ("Lost to (No)", stats.reasons_no, "bad"),
        ("Held up by (Maybe)", stats.reasons_maybe, "fair"),
    ):
        blocks.append(Text(title, style="bold"))
        blocks.append(reasons_grid(reasons, role, palette))
    return Group(*blocks)


def reasons_grid(reasons: Sequence[tuple[str, int]], role: str, palette: Palette) -> RenderableType:
    """The reasons given, most first, each with its count and share."""
    if not reasons:
        return Text(f"{'':{LABEL_WIDTH}} none given", style="dim")
    total = sum(n for _, n in reasons)
    grid = bars_grid()
    for rank, (reason, n) in enumerate(reasons[:REASONS_SHOWN], start=1):
        label = Text(f"{rank}. ")
        label.append(clean_line(reason))
        bar = share_bar([Part("", n, role, FULL), Part("", total - n, "muted", " ")], BAR_WIDTH, palette)
        figures = Text(f"{n:,}", style="bold")
        figures.append(f" {percent(n, total)}", style="dim")
        grid.add_row(label, bar, figures)
    rest = len(reasons) - REASONS_SHOWN
    if rest > 0:
        grid.add_row(Text(f"+ {count(rest, 'other')}", style="dim"), Text(), Text())
    return grid


def method_section(stats: Stats, palette: Palette) -> RenderableType:
    method = stats.method
    grid = bars_grid()
    for label, part in (
        ("Backup goal", method.with_backup),
        ("≤ 5 questions", method.few_questions),
        ("A quote", method.with_quote),
        ("Time kept", method.within_time),
    ):
        bar = share_bar(
            [Part("", part, "good", FULL), Part("", method.calls - part, "muted", LIGHT)],
            BAR_WIDTH,
            palette,
        )
        figures = Text(f"{part:,} of {method.calls:,}", style="bold")
        figures.append(f" {percent(part, method.calls)}", style="dim")
        grid.add_row(Text(label), bar, figures)
    median = method.median_minutes
    length = f"{median:.0f} min" if median is not None else "no finished calls"
    grid.add_row(Text("Median length"), Text(), Text(length, style="bold"))
    return Group(heading("The method in practice", count(method.calls, "call")), grid)


def connection_section(stats: Stats, palette: Palette) -> RenderableType:
    reached = stats.connection
    if reached.attempts == 0:
        return Group(
            heading("Connection rate"),
            Text("No calls that didn't connect logged yet (Ctrl+R on a call).", style="dim"),
        )
    grid = bars_grid()
    parts = [
        Part("connected", reached.connected, "good", FULL),
        Part("didn't connect", reached.attempts - reached.connected, "bad", LIGHT),
    ]
    share_row(grid, "Dials", parts, palette)
    return Group(heading("Connection rate", count(reached.attempts, "dial")), grid)


def cold_section(stats: Stats, palette: Palette) -> RenderableType:
    weeks = weeks_grid()
    weeks.add_row(
        Text("Gone cold\nby week", style="dim"),
        week_bars(list(stats.cold_by_week), palette, role="bad"),
    )
    return Group(
        heading("Going cold", f"{count(stats.cold_now, 'contact')} now"),
        weeks,
        Text(f"{'':{LABEL_WIDTH}} {week_span(stats.weeks)}", style="dim"),
    )


SECTIONS: tuple[tuple[str, Callable[[Stats, Palette], RenderableType]], ...] = (
    ("goals", goals_section),
    ("follow-through", follow_through_section),
    ("outcomes", outcomes_section),
    ("method", method_section),
    ("connection", connection_section),
    ("cold", cold_section),
)
"""Each section's id on the screen and how it is drawn, top to bottom."""


def nothing_yet(stats: Stats, label: str) -> str | None:
    """What to say instead of zeros when there is nothing to count; None if there is."""
    if stats.calls:
        return None
    if stats.all_calls:
        return f"No calls in {label}. Press p for a longer period; Esc: home."
    return (
        "Nothing to review yet: once you have made and closed a few calls, this "
        "shows how often the goal was met, which promises were kept, and more. "
        "Esc: home."
    )
