"""One call as a two-line row that fits any width: who and when, then goal and next step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:  # the home screen is the first frame: no pydantic before it
    from callmate.domain.agenda import CallSummary


def call_prompt(summary: CallSummary) -> Table:
    from callmate.domain.agenda import describe_try, short_when  # not before the first frame

    when = summary.started_at.astimezone()
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=12, no_wrap=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(width=5, no_wrap=True, justify="right")
    who = Text(summary.contact_name, style="bold")
    if summary.company:
        who.append(f" · {summary.company}", style="")
    tried = describe_try(summary.connection, summary.tries)
    if summary.status == "live":
        outcome = Text("LIVE", style="bold reverse")
    elif tried:
        outcome = Text("TRY", style="dim")
    else:
        outcome = Text(summary.outcome.upper() if summary.outcome else "")
    who.append(f"  {summary.goal}", style="dim")
    detail = Text("")
    if tried:
        detail.append(f"{tried} · ", style="bold")
    if summary.next_step_what:
        day, at = summary.next_step_due, summary.next_step_time
        due = f"{short_when(day, at)}: " if day else ""
        detail.append("next ", style="dim")
        detail.append(f"{due}{summary.next_step_what}")
    grid.add_row(Text(f"{when:%d %b %H:%M}", style="dim"), who, outcome)
    grid.add_row(Text(""), detail, Text(""))
    return grid

