"""Research lines under their headings; any one can become a thing to verify."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets.option_list import Option

from callmate.domain.models import ResearchArea, ResearchLine
from callmate.widgets.typing_list import TypingList

LABEL_WIDTH = max(len(area.label) for area in ResearchArea)


def research_prompt(line: ResearchLine) -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=LABEL_WIDTH, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(line.area.label.upper(), style="bold"), Text(line.text))
    return grid


class ResearchList(TypingList):
    BINDINGS = [
        Binding("v", "verify", "Verify on the call"),
        Binding("delete,backspace", "remove", "Remove"),
    ]

    @dataclass
    class Verify(Message):
        """Ask for this line to be checked on the call."""

        line: ResearchLine

    def __init__(self, *, field_id: str = "research-input", id: str | None = None) -> None:
        super().__init__(field_id=field_id, id=id)
        self.lines: list[ResearchLine] = []

    def show(self, lines: list[ResearchLine], *, highlight: int | None = None) -> None:
        self.lines = list(lines)
        keep = self.highlighted if highlight is None else highlight
        self.set_options(Option(research_prompt(line)) for line in self.lines)
        if self.lines:
            self.highlighted = max(0, min(keep or 0, len(self.lines) - 1))
        # Disabled rather than hidden while empty: a widget shown again is
        # put first in the focus order until the next layout, so a quick Tab
        # would jump to the top of the form.
        self.disabled = not self.lines

    def add(self, line: ResearchLine) -> None:
        self.show([*self.lines, line], highlight=len(self.lines))

    def action_verify(self) -> None:
        if self.highlighted is not None and self.lines:
            self.post_message(self.Verify(self.lines[self.highlighted]))

    def action_remove(self) -> None:
        if self.highlighted is None or not self.lines:
            return
        lines = list(self.lines)
        del lines[self.highlighted]
        self.show(lines)
        if not lines:
            self.screen.focus_previous()
