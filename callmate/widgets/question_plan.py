"""The question plan: a short, ordered list of keywords to ask."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets.option_list import Option

from callmate.domain.models import Question, QuestionOrigin
from callmate.domain.nudges import keyword_form
from callmate.widgets.typing_list import TypingList

ORIGIN_TAGS = {
    QuestionOrigin.OWN: "",
    QuestionOrigin.BANK: "bank",
    QuestionOrigin.VERIFY: "research",
    QuestionOrigin.CARRIED: "from last call",
}


def plan_prompt(number: int, question: Question) -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=2, justify="right", no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_column(no_wrap=True, justify="right")
    grid.add_row(
        Text(str(number), style="dim"),
        Text(question.text),
        Text(ORIGIN_TAGS[question.origin], style="dim italic"),
    )
    return grid


class QuestionPlan(TypingList):
    """Delete removes, Alt+Up/Down reorders, k turns a sentence into keywords."""

    BINDINGS = [
        Binding("delete,backspace", "remove", "Remove"),
        Binding("alt+up", "move(-1)", "Move up"),
        Binding("alt+down", "move(1)", "Move down"),
        Binding("k", "keywords", "Keywords"),
    ]

    @dataclass
    class Changed(Message):
        plan: QuestionPlan

        @property
        def control(self) -> QuestionPlan:
            return self.plan

    def __init__(self, *, field_id: str = "question-input", id: str | None = None) -> None:
        super().__init__(field_id=field_id, id=id)
        self.questions: list[Question] = []

    def show(self, questions: list[Question], *, highlight: int | None = None) -> None:
        self.questions = list(questions)
        keep = self.highlighted if highlight is None else highlight
        self.set_options(Option(plan_prompt(i + 1, q)) for i, q in enumerate(self.questions))
        if self.questions:
            index = 0 if keep is None else keep
            self.highlighted = max(0, min(index, len(self.questions) - 1))
        # Disabled rather than hidden while empty: a widget shown again is
        # put first in the focus order until the next layout, so a quick Tab
        # would jump to the top of the form.
        self.disabled = not self.questions
        self.post_message(self.Changed(self))

    def add(self, *questions: Question) -> int:
        """Append those not already on the list (same words, any case); return how many."""
        present = {q.text.casefold() for q in self.questions}
        fresh = []
        for question in questions:
            if question.text.casefold() not in present:
                present.add(question.text.casefold())
                fresh.append(question)
        if fresh:
            self.show([*self.questions, *fresh], highlight=len(self.questions) + len(fresh) - 1)
        return len(fresh)

    def action_remove(self) -> None:
        if self.highlighted is None or not self.questions:
            return
        questions = list(self.questions)
        del questions[self.highlighted]
        self.show(questions)
        if not questions:
            self.screen.focus_previous()

    def action_move(self, delta: int) -> None:
        index = self.highlighted
        if index is None:
            return
        target = index + delta
        if not 0 <= target < len(self.questions):
            return
        questions = list(self.questions)
        questions[index], questions[target] = questions[target], questions[index]
        self.show(questions, highlight=target)

    def action_keywords(self) -> None:
        index = self.highlighted
        if index is None or not self.questions:
            return
        question = self.questions[index]
        shorter = keyword_form(question.text)
        if shorter and shorter != question.text:
            questions = list(self.questions)
            questions[index] = question.model_copy(update={"text": shorter})
            self.show(questions, highlight=index)
