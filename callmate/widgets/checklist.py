"""The question checklist: keywords, ticked as they are asked."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from callmate.domain.models import Question


def question_prompt(number: int, question: Question) -> Table:
    """``1 [x] budget``: the number is what Alt+digit or /N ticks."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    box = "[x]" if question.asked else "[ ]"
    style = "dim strike" if question.asked else "bold"
    grid.add_row(Text(f"{number} {box}"), Text(question.text, style=style))
    return grid


class Checklist(OptionList):
    """Questions for this call. Asked ones dim and strike through."""

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

    def show(self, questions: list[Question]) -> None:
        self.questions = list(questions)
        highlighted = self.highlighted
        self.set_options(Option(question_prompt(i + 1, q)) for i, q in enumerate(self.questions))
        if highlighted is not None and self.questions:
            self.highlighted = min(highlighted, len(self.questions) - 1)

    def action_tick(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.ToggleRequested(self.highlighted))

    def update_question(self, index: int, question: Question) -> None:
        self.questions[index] = question
        self.replace_option_prompt_at_index(index, question_prompt(index + 1, question))
