"""The home screen's list: open promises by due date, people going cold, recent calls.

One keyboard list with headings, so Up/Down reaches everything and a key acts
on the highlighted line. Overdue lines say OVERDUE and how late, in the
theme's error colour: never colour alone.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from callmate.widgets.call_list import call_prompt
from callmate.widgets.known_height import KnownHeight

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult

    from callmate.domain.agenda import Agenda, AgendaRow, ColdContact, DueStep, Group


def _who(name: str, company: str) -> Text:
    who = Text(name, style="bold")
    if company:
        who.append(f" · {company}")
    return who


def step_prompt(step: DueStep, group: str, today_days: int, styles: dict[str, str]) -> Table:
    """One open promise: when, who owes it (in words), the contact, what."""
    # Here, not at the top: the dataclasses of callmate.domain.agenda take
    # ~5 ms to build, and the first frame (an empty list) needs none of them.
    from callmate.domain.agenda import describe_try, format_clock
    from callmate.domain.kinds import Owner

    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=12, no_wrap=True)
    grid.add_column(width=9, no_wrap=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    if group == "overdue":
        late = f"{today_days}d" if today_days < 100 else "99d+"
        label = Text(f"OVERDUE {late}", style=styles["overdue"])
    elif group == "today":
        at = f" {format_clock(step.due_time)}" if step.due_time else ""
        label = Text(f"TODAY{at}", style=styles["today"])
    elif step.due is None:
        label = Text("NO DATE", style="dim")
    else:
        label = Text(f"{step.due:%a %d %b}", style="dim")
    line = _who(step.contact_name, step.company)
    line.append("  ")
    line.append(step.what)
    if step.due_time is not None and group != "today":
        line.append(f"  at {format_clock(step.due_time)}", style="bold")
    if step.is_step:
        owner = next((o.home_suffix for o in Owner if o.value == step.owner), "")
    else:
        owner = f"  ({step.owner})" if step.owner else ""
    line.append(owner, style="dim")
    tried = describe_try(step.connection, step.tries) if step.is_step else ""
    if tried:
        line.append(f"  ({tried})", style="dim")
    grid.add_row(label, Text(step.owes, style="bold" if not step.is_step else ""), line)
    return grid


def cold_prompt(cold: ColdContact, days: int) -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=12, no_wrap=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    who = _who(cold.name, cold.company)
    who.append(f"  last call {days} days ago", style="dim")
    grid.add_row(Text("GOING COLD", style="bold"), who)
    return grid


def heading(title: str, shown: int, total: int) -> Text:
    more = f" · showing {shown:,} of {total:,}" if total > shown else ""
    return Text(f"{title} ({total:,}){more}", style="bold underline")


class Later:
    """A line's prompt, built the first time it is drawn.

    A full agenda at 100,000 calls has some 200 lines and 80x24 shows about
    20: building every line's table up front was half of filling the list in
    (~13 ms of ~27 ms CPU; benchmarks/startup.py, data shown).
    """

    __slots__ = ("_build", "_built")

    def __init__(self, build: Callable[[], RenderableType]) -> None:
        self._build = build
        self._built: RenderableType | None = None

    @property
    def built(self) -> RenderableType:
        if self._built is None:
            self._built = self._build()
        return self._built

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.built

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.built)


class AgendaList(OptionList):
    """Each enabled line is an :data:`~callmate.domain.agenda.AgendaRow` (a
    promise, someone going cold, a recent call); headings are disabled."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.rows: list[AgendaRow | None] = []
        """What each option is, by index (None for a heading)."""

    def _styles(self) -> dict[str, str]:
        variables = self.app.get_css_variables()
        return {
            "overdue": f"bold reverse {variables.get('error', 'red')}",
            "today": f"bold {variables.get('text-warning', 'yellow')}",
        }

    def show(self, agenda: Agenda) -> None:
        from callmate.domain.agenda import CallRow, ColdRow, PromiseRow

        styles = self._styles()
        options: list[Option] = []
        rows: list[AgendaRow | None] = []

        def add(row: AgendaRow, prompt: Later, height: int) -> None:
            options.append(Option(KnownHeight(self, prompt, height), id=row.key))
            rows.append(row)

        def heading_line(title: str, shown: int, total: int) -> None:
            options.append(Option(heading(title, shown, total), disabled=True))
            rows.append(None)

        def group(g: Group) -> None:
            if not g.total:
                return
            heading_line(g.title, len(g.steps), g.total)
            for step in g.steps:
                days = (agenda.today - step.due).days if step.due is not None else 0
                add(PromiseRow(step), Later(partial(step_prompt, step, g.key, days, styles)), 1)

        for g in agenda.groups:
            group(g)
        if agenda.cold_total:
            heading_line("Going cold", len(agenda.cold), agenda.cold_total)
            for cold in agenda.cold:
                days = (agenda.today - cold.last_call_at.astimezone().date()).days
                add(ColdRow(cold), Later(partial(cold_prompt, cold, days)), 1)
        if agenda.recent:
            heading_line("Recent calls", len(agenda.recent), len(agenda.recent))
            for summary in agenda.recent:
                add(CallRow(summary), Later(partial(call_prompt, summary)), 2)
        keep = self.highlighted_option.id if self.highlighted_option else None
        self.rows = rows
        self.set_options(options)
        ids = [o.id for o in options]
        if keep is not None and keep in ids:
            self.highlighted = ids.index(keep)
        else:
            self.highlighted = next((i for i, o in enumerate(options) if not o.disabled), None)

    def current(self) -> AgendaRow | None:
        """The highlighted line, or None (nothing highlighted, or a heading)."""
        index = self.highlighted
        if index is None or not 0 <= index < len(self.rows):
            return None
        return self.rows[index]
