"""The question checklist: keywords, ticked as they are asked.

Below the questions, numbered on from them, come the plan's "say aloud"
lines: what we want the customer to put into words. They are ticked the same
way (Alt+N or /N) once the customer has said them.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from callmate.domain.models import Question, ResearchLine


def question_prompt(number: int, question: Question) -> Table:
    """``1 [x] budget``: the number is what Alt+digit or /N ticks."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    box = "[x]" if question.asked else "[ ]"
    style = "dim strike" if question.asked else "bold"
    grid.add_row(Text(f"{number} {box}"), Text(question.text, style=style))
    return grid


def say_prompt(number: int, line: ResearchLine) -> Table:
    """``6 [x] say: a day lost per order``: ticked once the customer said it."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    box = "[x]" if line.said else "[ ]"
    text = Text("say: ", style="italic")
    text.append(line.text, style="dim strike" if line.said else "")
    grid.add_row(Text(f"{number} {box}"), text)
    return grid


class Checklist(OptionList):
    """Questions for this call, then its "say aloud" lines. Ticked ones dim and strike through."""

    BINDINGS = [Binding("enter", "tick", "Tick / untick")]

    @dataclass
    class ToggleRequested(Message):
        index: int

    DEFAULT_CSS = """
    Checklist {
        height: auto;
        max-height: 12;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False, compact=True)
        self.questions: list[Question] = []
        self.say: list[ResearchLine] = []

    def show(self, questions: list[Question], say: list[ResearchLine] | None = None) -> None:
        self.questions = list(questions)
        if say is not None:
            self.say = list(say)
        highlighted = self.highlighted
        start = len(self.questions) + 1
        self.set_options(
            [
                *(Option(question_prompt(i + 1, q)) for i, q in enumerate(self.questions)),
                *(Option(say_prompt(start + i, line)) for i, line in enumerate(self.say)),
            ]
        )
        total = len(self.questions) + len(self.say)
        if highlighted is not None and total:
            self.highlighted = min(highlighted, total - 1)

    def action_tick(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.ToggleRequested(self.highlighted))

    def update_question(self, index: int, question: Question) -> None:
        self.questions[index] = question
        self.replace_option_prompt_at_index(index, question_prompt(index + 1, question))

    def update_say(self, index: int, line: ResearchLine) -> None:
        """The ``index``-th say-aloud line (counted from 0 after the questions)."""
        self.say[index] = line
        number = len(self.questions) + index + 1
        self.replace_option_prompt_at_index(number - 1, say_prompt(number, line))
