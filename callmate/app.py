"""The App: wiring only. Screens hold the flow; the store holds the data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from callmate import __version__
from callmate.clipboard import PyperclipClipboard, SystemClipboard
from callmate.clock import Clock, SystemClock, local_today
from callmate.locations import database_path
from callmate.store.gateway import StoreGateway


class CallmateApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "callmate"
    SUB_TITLE = f"v{__version__}"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False),
    ]

    def __init__(
        self,
        *,
        data_dir: Path,
        clock: Clock | None = None,
        clipboard: SystemClipboard | None = None,
    ) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.clock: Clock = clock or SystemClock()
        self.system_clipboard: SystemClipboard = clipboard or PyperclipClipboard()
        self.store = StoreGateway(database_path(data_dir))

    def today(self) -> date:
        return local_today(self.clock)

    def get_default_screen(self) -> Screen:
        from callmate.screens.home import HomeScreen

        return HomeScreen()

    async def on_unmount(self) -> None:
        # Wait for queued writes (a note saved a moment ago) before exiting.
        import asyncio

        await asyncio.to_thread(self.store.close)


def make_app(
    data_dir: Path, *, clock: Clock | None = None, clipboard: SystemClipboard | None = None
) -> CallmateApp:
    """The one way to build the app, for the CLI and for tests alike."""
    return CallmateApp(data_dir=data_dir, clock=clock, clipboard=clipboard)
