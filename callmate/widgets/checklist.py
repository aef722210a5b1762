"""The question checklist: keywords, ticked as they are asked."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from callmate.domain.models import Question


def question_prompt(number: int | None, question: Question) -> Content:
    """``1 [x] budget``: the number is the Alt+digit that ticks it."""
    box = "[x]" if question.asked else "[ ]"
    lead = f"{number} " if number is not None and number <= 9 else "  "
    style = "dim strike" if question.asked else "bold"
    return Content.assemble(lead, box, " ", (question.text, style))


class Checklist(OptionList):
    """Questions for this call. Asked ones dim and strike through."""

    DEFAULT_CSS = """
    Checklist {
        height: auto;
        max-height: 12;
    }
    """

    def __init__(self, *, numbered: bool = True, id: str | None = None) -> None:
        super().__init__(id=id, markup=False, compact=True)
        self.numbered = numbered
        self.questions: list[Question] = []

    def show(self, questions: list[Question]) -> None:
        self.questions = list(questions)
        highlighted = self.highlighted
        self.set_options(
            Option(question_prompt(i + 1 if self.numbered else None, q))
            for i, q in enumerate(self.questions)
        )
        if highlighted is not None and self.questions:
            self.highlighted = min(highlighted, len(self.questions) - 1)

    def update_question(self, index: int, question: Question) -> None:
        self.questions[index] = question
        number = index + 1 if self.numbered else None
        self.replace_option_prompt_at_index(index, question_prompt(number, question))
