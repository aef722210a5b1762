"""Calls left open by a crash, a closed terminal or a quit: resume or close each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from callmate.domain.agenda import CallSummary
from callmate.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from collections.abc import Callable

Choice = tuple[Literal["resume", "close"], int]


def _prompt(summary: CallSummary) -> Text:
    when = summary.started_at.astimezone()
    line = Text(f"{when:%a %d %b %H:%M}  ", style="dim")
    line.append(summary.contact_name, style="bold")
    if summary.company:
        line.append(f" · {summary.company}")
    line.append(f"\n  {summary.goal}", style="dim")
    return line


class InterruptedScreen(ModalScreen[Choice | None]):
    """Never dropped, never silently finished: the user decides."""

    DEFAULT_CSS = """
    InterruptedScreen {
        align: center middle;
    }
    #interrupted {
        width: 76;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: round $warning;
        background: $panel;
        padding: 0 1;
    }
    #interrupted OptionList {
        height: auto;
        max-height: 12;
    }
    """

    BINDINGS = [
        Binding("r", "choose('resume')", "Resume the call", id="interrupted.resume"),
        Binding("c", "choose('close')", "Close it properly", id="interrupted.close"),
        Binding("escape", "later", "Later", id="interrupted.later"),
    ]

    def __init__(
        self, calls: list[CallSummary], chosen: Callable[[Choice], None] | None = None
    ) -> None:
        """``chosen``: takes a choice in place of dismissing the offer.

        The home screen gives it, to replace the offer with the call's screen
        directly: a dismissed offer first brought the home screen back (a
        layout and a frame of it, ~100 ms of a resume) for nothing.
        """
        super().__init__()
        self.calls = calls
        self.chosen = chosen
        self.answered = False

    def compose(self) -> ComposeResult:
        count = len(self.calls)
        with Vertical(id="interrupted"):
            yield Static(
                ("A call was" if count == 1 else f"{count} calls were")
                + " left open. Their notes are saved.\n"
                "r resumes the highlighted call, c goes to its close, Esc decides later.",
                markup=False,
            )
            yield OptionList(
                *(Option(_prompt(c), id=str(c.id)) for c in self.calls),
                id="interrupted-calls",
                markup=False,
            )
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        self.set_focus(options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_choose("resume")

    def action_choose(self, what: Literal["resume", "close"]) -> None:
        option = self.query_one(OptionList).highlighted_option
        if self.answered or option is None or option.id is None:
            return
        self.answered = True
        if self.chosen is not None:
            self.chosen((what, int(option.id)))
        else:
            self.dismiss((what, int(option.id)))

    def action_later(self) -> None:
        if not self.answered:
            self.answered = True
            self.dismiss(None)
