"""The App: wiring only. Screens hold the flow; the store holds the data."""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from callmate import __version__
from callmate.clock import Clock, SystemClock
from callmate.domain.kinds import kind_css, kind_theme_variables
from callmate.due_soon import DueSoon
from callmate.key_order import KeyOrder
from callmate.keys import enable_alt_digits
from callmate.locations import database_path
from callmate.preferences import Preferences
from callmate.store.service import CallStore, open_store
from callmate.warm_up import WarmUp, first_frame_drawn

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.command import Provider

    from callmate.clipboard import SystemClipboard
    from callmate.screens.host import CallmateHost
    from callmate.store.database_url import DatabaseUrl


_hidden = partial(Binding, priority=True, show=False)
"""An app-wide key: before any screen's (priority), never in the footer."""


def _screen_commands() -> type[Provider]:
    from callmate.commands import ScreenCommands

    return ScreenCommands


class CallmateApp(App[None]):
    """Wiring: the store, the clock, the user's preferences, key order and the
    warm-up (each in a module of its own, which screens ask directly: see
    screens/host.py), help and the palette."""

    CSS_PATH = "app.tcss"
    # The note kinds' colours, made from domain/kinds.py and parsed once with
    # app.tcss: as the live screen's own CSS they were parsed the first time
    # a call opened, restyling every widget (resume 196 ms instead of 127).
    CSS = kind_css("#kind-label")
    TITLE = "callmate"
    SUB_TITLE = f"v{__version__}"
    COMMANDS = App.COMMANDS | {_screen_commands}
    BINDINGS = [
        _hidden("ctrl+q", "quit", "Quit", id="app.quit"),
        _hidden("f1", "help", "Help", id="app.help"),
        # Never while typing: Textual leaves a key a focused field would type to the field.
        _hidden("question_mark", "help", "Help", id="app.help_key"),
        # Priority, so focus moves before the next key is routed (see on_event).
        _hidden("tab", "focus_next", "Next field", id="app.next_field"),
        _hidden("shift+tab", "focus_previous", "Previous field", id="app.previous_field"),
    ]

    def __init__(
        self,
        *,
        data_dir: Path,
        clock: Clock | None = None,
        clipboard: SystemClipboard | None = None,
        team: DatabaseUrl | None = None,
    ) -> None:
        super().__init__()
        enable_alt_digits()
        self.key_order = KeyOrder(self)
        self.offered_resume = False
        """Open calls are offered for resume once per run, at the first home screen."""
        self.data_dir = data_dir
        self.clock: Clock = clock or SystemClock()
        self._system_clipboard: SystemClipboard | None = clipboard
        self.store: CallStore = open_store(
            database_path(data_dir),
            report=lambda line: self.notify(line, severity="error", timeout=10, markup=False),
            team=team,
        )
        self.warming = WarmUp(self)
        self.due_soon = DueSoon(self)
        """Announces our timed next steps as they come due (callmate/due_soon.py)."""
        self.preferences = Preferences(self)
        self.preferences.read_before_first_frame()

    @property
    def system_clipboard(self) -> SystemClipboard:
        """The clipboard, made the first time a screen copies (not before the first frame)."""
        if self._system_clipboard is None:
            from callmate.clipboard import PyperclipClipboard

            self._system_clipboard = PyperclipClipboard()
        return self._system_clipboard

    def on_mount(self) -> None:
        self.due_soon.start()
        self.preferences.on_mount()

    def on_ready(self) -> None:
        first_frame_drawn()  # the garbage collector back on (callmate/warm_up.py)

    # -- help and the palette ----------------------------------------------------
    def action_help(self) -> None:
        from callmate.screens.dialogs.help import toggle_help

        toggle_help(self)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from callmate.commands import system_commands

        return system_commands(super().get_system_commands(screen), self.action_help)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return kind_theme_variables(dark=self.current_theme.dark)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.warming.key_pressed()
            await self.key_order.let_earlier_keys_land()
        await super().on_event(event)

    async def action_quit(self) -> None:
        """Quitting during a call keeps the typed line and asks first."""
        from callmate.screens.live_call import quit_asking_if_live

        quit_asking_if_live(self)

    def get_default_screen(self) -> Screen:
        from callmate.screens.home import HomeScreen

        return HomeScreen()

    async def on_unmount(self) -> None:
        # Wait for queued writes (a note saved a moment ago) before exiting.
        self.warming.stop()  # quitting within the warm-up's wait: nothing to load
        await asyncio.to_thread(self.store.close)


def make_app(
    data_dir: Path,
    *,
    clock: Clock | None = None,
    clipboard: SystemClipboard | None = None,
    team: DatabaseUrl | None = None,
) -> CallmateApp:
    """The one way to build the app, for the CLI and for tests alike. ``team``:
    the calls live in the team database (PostgreSQL), not the SQLite file."""
    return CallmateApp(data_dir=data_dir, clock=clock, clipboard=clipboard, team=team)


if TYPE_CHECKING:

    def _screens_can_use(app: CallmateApp) -> CallmateHost:
        return app  # mypy: the app has all that screens/host.py promises them
