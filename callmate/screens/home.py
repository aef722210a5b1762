"""Home: where a day of calls starts. Lists saved calls, starts new ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from callmate.screens.base import CallmateScreen

if TYPE_CHECKING:
    from callmate.domain.models import CallSummary


class HomeScreen(CallmateScreen[None]):
    """Recent calls, newest first. Data arrives after the first frame."""

    BINDINGS = [
        Binding("n", "new_call", "New call"),
        Binding("enter", "open_call", "Open recap", show=True),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading your calls…", id="home-status", markup=False)
        table: DataTable[Text] = DataTable(id="calls", cursor_type="row", zebra_stripes=True)
        table.add_columns("When", "Contact", "Company", "Goal", "Outcome", "Next step", "Due")
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#calls", DataTable).display = False

    def on_screen_resume(self) -> None:
        self.load_calls()

    @work(exclusive=True, group="home-load", exit_on_error=False)
    async def load_calls(self) -> None:
        summaries = await self.store.run(lambda repo: repo.recent_calls(200))
        self.show_calls(summaries)

    def show_calls(self, summaries: list[CallSummary]) -> None:
        table: DataTable[Text] = self.query_one("#calls", DataTable)
        status = self.query_one("#home-status", Static)
        table.clear()
        for summary in summaries:
            when = summary.started_at.astimezone()
            outcome = summary.outcome.value if summary.outcome else summary.status.value
            due = f"{summary.next_step_due:%a %d %b}" if summary.next_step_due else ""
            table.add_row(
                Text(f"{when:%d %b %H:%M}"),
                Text(summary.contact_name),
                Text(summary.company),
                Text(summary.goal),
                Text(outcome),
                Text(summary.next_step_what),
                Text(due),
                key=str(summary.id),
            )
        if summaries:
            status.update(f"{len(summaries)} call(s). Enter opens a recap; n plans a new call.")
        else:
            status.update("No calls yet. Press n to plan your first call.")
        table.display = bool(summaries)
        if summaries:
            table.focus()

    def action_new_call(self) -> None:
        from callmate.screens.precall import PreCallScreen

        self.app.push_screen(PreCallScreen())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_call()

    def action_open_call(self) -> None:
        table: DataTable[Text] = self.query_one("#calls", DataTable)
        if not table.display or table.row_count == 0:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        if row_key.value is None:
            return
        from callmate.screens.recap import RecapScreen

        self.app.push_screen(RecapScreen(int(row_key.value)))
