"""Home: where a day of calls starts. Lists saved calls, starts new ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

from callmate.screens.base import CallmateScreen
from callmate.widgets.call_list import CallList

if TYPE_CHECKING:
    from callmate.domain.models import CallSummary


class HomeScreen(CallmateScreen[None]):
    """Recent calls, newest first. Data arrives after the first frame."""

    SUB_TITLE = "Home"

    BINDINGS = [
        Binding("n", "new_call", "New call", priority=True),
        Binding("s", "settings", "Settings", priority=True),
        Binding("enter", "open_call", "Open recap", show=True),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading your calls…", id="home-status", markup=False)
        yield CallList(id="calls")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#calls", CallList).display = False

    def on_screen_resume(self) -> None:
        self.load_calls()

    @work(exclusive=True, group="home-load", exit_on_error=False)
    async def load_calls(self) -> None:
        summaries = await self.store.run(lambda repo: repo.recent_calls(200))
        self.show_calls(summaries)
        if not self.callmate.offered_resume:
            self.callmate.offered_resume = True
            live = await self.store.run(lambda repo: repo.live_calls())
            if live:
                from callmate.screens.interrupted import InterruptedScreen

                self.app.push_screen(InterruptedScreen(live), self.after_interrupted)

    def after_interrupted(self, choice: tuple[str, int] | None) -> None:
        if choice is not None:
            what, call_id = choice
            self.open_live(call_id, close=what == "close")

    @work(exclusive=True, group="open-call", exit_on_error=False)
    async def open_live(self, call_id: int, *, close: bool = False) -> None:
        """Resume an open call where it was; optionally go straight to its close."""
        from callmate.screens.live_call import LiveCallScreen

        with self.callmate.holding_keys():
            call = await self.store.run(lambda repo: repo.get_call(call_id))
            screen = LiveCallScreen(call, time_check_minutes=self.callmate.time_check_minutes)
            await self.app.push_screen(screen)
            if close:
                screen.action_close_call()

    def show_calls(self, summaries: list[CallSummary]) -> None:
        calls = self.query_one("#calls", CallList)
        calls.show(summaries)
        calls.display = bool(summaries)
        status = self.query_one("#home-status", Static)
        if summaries:
            status.update(f"Recent calls ({len(summaries)}). Enter opens a recap; n plans a call.")
            self.set_focus(calls)
        else:
            status.update("No calls yet. Press n to plan your first call.")

    def action_new_call(self) -> None:
        from callmate.screens.precall import PreCallScreen

        self.app.push_screen(PreCallScreen(question_limit=self.callmate.settings.question_limit))

    def action_settings(self) -> None:
        from callmate.screens.settings import SettingsScreen

        self.app.push_screen(SettingsScreen(self.callmate.settings))

    def on_option_list_option_selected(self, event: CallList.OptionSelected) -> None:
        event.stop()
        self.action_open_call()

    def action_open_call(self) -> None:
        calls = self.query_one("#calls", CallList)
        summary = calls.highlighted_summary
        if not calls.display or summary is None:
            return
        if summary.status == "live":
            self.open_live(summary.id)
            return
        from callmate.screens.recap import RecapScreen

        self.app.push_screen(RecapScreen(summary.id))
