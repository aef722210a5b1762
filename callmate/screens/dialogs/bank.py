"""The question bank: fuzzy-search keyword questions and pick them into the plan."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from callmate.domain.question_bank import (
    BANK,
    DEFAULT_SETS,
    BankHit,
    CallType,
    search_bank,
)
from callmate.widgets.text_field import TextField


def hit_prompt(hit: BankHit, picked: bool) -> Text:
    entry = Text(hit.entry)
    for position in hit.positions:
        entry.stylize("bold underline", position, position + 1)
    line = Text("✓ " if picked else "  ", style="bold")
    line.append_text(entry)
    line.append(f"  {hit.set_title}", style="dim")
    return line


class BankScreen(ModalScreen[list[str]]):
    """Type to search; Up/Down choose; Enter adds to the plan; Esc closes."""

    DEFAULT_CSS = """
    BankScreen {
        align: center middle;
    }
    #bank {
        width: 90%;
        max-width: 90;
        height: 90%;
        border: round $accent;
        background: $panel;
        padding: 0 1;
    }
    #bank-results {
        height: 1fr;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Done", id="bank.close"),
        Binding("up", "move(-1)", "Up", show=False, priority=True, id="bank.up"),
        Binding("down", "move(1)", "Down", show=False, priority=True, id="bank.down"),
        Binding("pageup", "move(-10)", "Page up", show=False, priority=True, id="bank.page_up"),
        Binding(
            "pagedown", "move(10)", "Page down", show=False, priority=True, id="bank.page_down"
        ),
    ]

    def __init__(self, call_type: CallType, already: list[str]) -> None:
        super().__init__()
        self.call_type = call_type
        self.already = {text.casefold() for text in already}
        self.picked: list[str] = []
        self.hits: list[BankHit] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="bank"):
            yield Label(f"Question bank · {self.call_type.label} sets first", classes="section")
            yield TextField(placeholder="type to search, e.g. budget", id="bank-search")
            yield OptionList(id="bank-results", markup=False, compact=True)
            yield Static("Enter adds the highlighted question · Esc when done", id="bank-help")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#bank-search", Input))
        self.search("")

    def _ordered(self, hits: list[BankHit], query: str) -> list[BankHit]:
        if query.strip():
            return hits
        preferred = DEFAULT_SETS[self.call_type]
        rank = {key: i for i, key in enumerate(preferred)}
        order = {qs.key: i for i, qs in enumerate(BANK)}
        return sorted(hits, key=lambda h: (rank.get(h.set_key, len(rank)), order[h.set_key]))

    @on(Input.Changed, "#bank-search")
    def on_search(self, event: Input.Changed) -> None:
        self.search(event.value)

    def search(self, query: str) -> None:
        self.hits = self._ordered(search_bank(query, limit=60), query)
        results = self.query_one("#bank-results", OptionList)
        results.set_options(Option(hit_prompt(h, self._is_picked(h.entry))) for h in self.hits)
        if self.hits:
            results.highlighted = 0

    def _is_picked(self, entry: str) -> bool:
        return entry.casefold() in self.already or entry in self.picked

    def action_move(self, delta: int) -> None:
        results = self.query_one("#bank-results", OptionList)
        if not self.hits:
            return
        current = results.highlighted or 0
        results.highlighted = max(0, min(len(self.hits) - 1, current + delta))

    @on(Input.Submitted, "#bank-search")
    def pick_highlighted(self, event: Input.Submitted) -> None:
        event.stop()
        self.pick(self.query_one("#bank-results", OptionList).highlighted)

    @on(OptionList.OptionSelected, "#bank-results")
    def pick_selected(self, event: OptionList.OptionSelected) -> None:
        self.pick(event.option_index)

    def pick(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self.hits):
            return
        hit = self.hits[index]
        if not self._is_picked(hit.entry):
            self.picked.append(hit.entry)
        results = self.query_one("#bank-results", OptionList)
        results.replace_option_prompt_at_index(index, hit_prompt(hit, True))

    def action_close(self) -> None:
        self.dismiss(self.picked)
