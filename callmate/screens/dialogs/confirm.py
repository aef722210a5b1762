"""A yes/no question that waits for one key."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static


class ConfirmScreen(ModalScreen[bool]):
    """``y`` answers yes, ``n`` or Esc no. The question is program text."""

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
    }
    #confirm {
        width: 64;
        max-width: 90%;
        height: auto;
        border: round $warning;
        background: $panel;
        padding: 1 2;
    }
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(self.question, markup=False)
            yield Static("y = yes · n = no", classes="hint")
        yield Footer(compact=True)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
