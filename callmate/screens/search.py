"""Search everything said and planned: notes, quotes, goals, research, people."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from callmate.screens.base import CallmateScreen
from callmate.widgets.known_height import KnownHeight
from callmate.widgets.text_field import TextField

if TYPE_CHECKING:
    from callmate.domain.search_hit import SearchHit


def hit_prompt(hit: SearchHit) -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=8, no_wrap=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(width=11, no_wrap=True, justify="right")
    line = Text(hit.contact_name, style="bold")
    if hit.source != "contact":
        line.append("  ")
        line.append(hit.text)
    elif hit.company:
        line.append(f" · {hit.company}")
    when = f"{hit.started_at.astimezone():%d %b %Y}" if hit.started_at else ""
    grid.add_row(Text(hit.label, style="dim"), line, Text(when, style="dim"))
    return grid


class SearchScreen(CallmateScreen[None]):
    """Type: results follow. Up/Down choose, Enter opens, Ctrl+T the person's timeline."""

    SUB_TITLE = "Search"
    LEAVES_FREELY = True
    """Ctrl+P may leave it for home, a new call, search or settings."""
    BINDINGS = [
        Binding("escape", "close", "Back", id="search.close"),
        Binding("up", "move(-1)", "Up", show=False, priority=True, id="search.up"),
        Binding("down", "move(1)", "Down", show=False, priority=True, id="search.down"),
        Binding("ctrl+t", "timeline", "Timeline", priority=True, id="search.timeline"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield TextField(
            placeholder="search notes, quotes, goals, research, people", id="search-input"
        )
        yield Static("Type to search. Newest first.", id="search-status", markup=False)
        yield OptionList(id="search-results", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#search-input", Input))

    @on(Input.Changed, "#search-input")
    def changed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    @work(exclusive=True, group="search", exit_on_error=False)
    async def run_search(self, query: str) -> None:
        # Plain SQL on the database thread, like the home screen: a search
        # typed the moment callmate opens doesn't wait for SQLAlchemy to load.
        hits = await self.store.search(query)
        current = self.query_one("#search-input", Input).value
        if current != query:
            return  # a newer search is on its way
        self.hits = hits
        results = self.query_one("#search-results", OptionList)
        results.set_options(Option(KnownHeight(results, hit_prompt(hit), 1)) for hit in hits)
        if hits:
            results.highlighted = 0
        status = self.query_one("#search-status", Static)
        if not query.strip():
            status.update("Type to search. Newest first.")
        elif hits:
            count = f"{len(hits)} result" + ("" if len(hits) == 1 else "s")
            status.update(f"{count} for {query.strip()!r}, newest first. Enter opens.")
        else:
            status.update(f"Nothing found for {query.strip()!r}.")

    def action_move(self, delta: int) -> None:
        results = self.query_one("#search-results", OptionList)
        if self.hits:
            index = (results.highlighted or 0) + delta
            results.highlighted = max(0, min(len(self.hits) - 1, index))

    def _hit(self) -> SearchHit | None:
        index = self.query_one("#search-results", OptionList).highlighted
        return self.hits[index] if index is not None and self.hits else None

    @on(Input.Submitted, "#search-input")
    @on(OptionList.OptionSelected, "#search-results")
    def open(self, event: Input.Submitted | OptionList.OptionSelected) -> None:
        event.stop()
        hit = self._hit()
        if hit is None:
            return
        if hit.call_id is None:
            self.action_timeline()
            return
        from callmate.screens.recap import RecapScreen

        self.app.push_screen(RecapScreen(hit.call_id))

    def action_timeline(self) -> None:
        hit = self._hit()
        if hit is not None:
            from callmate.screens.timeline import TimelineScreen

            self.app.push_screen(TimelineScreen(hit.contact_id))

    def action_close(self) -> None:
        self.app.pop_screen()
