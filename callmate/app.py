"""The App: wiring only. Screens hold the flow; the store holds the data."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from callmate import __version__
from callmate.clock import Clock, SystemClock, local_today
from callmate.clock import local_now as clock_local_now
from callmate.due_soon import DueSoon
from callmate.keys import enable_alt_digits
from callmate.locations import database_path
from callmate.store.service import CallStore, open_store

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.command import Provider
    from textual.theme import Theme
    from textual.timer import Timer

    from callmate.clipboard import SystemClipboard
    from callmate.settings import Settings

WARM_UP_AFTER_IDLE = 0.3
"""Seconds without a key before the warm-up starts ..."""
WARM_UP_AT_LATEST = 2.0
"""... or this long after the home screen was filled in, keys or not."""


def _screen_commands() -> type[Provider]:
    from callmate.commands import ScreenCommands

    return ScreenCommands


class CallmateApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "callmate"
    SUB_TITLE = f"v{__version__}"
    COMMANDS = App.COMMANDS | {_screen_commands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False, id="app.quit"),
        Binding("f1", "help", "Help", priority=True, show=False, id="app.help"),
        # Never while typing: Textual leaves a key a focused field would type to the field.
        Binding("question_mark", "help", "Help", priority=True, show=False, id="app.help_key"),
        # Priority, so focus moves before the next key is routed (see on_event).
        Binding("tab", "focus_next", "Next field", priority=True, show=False, id="app.next_field"),
        Binding(
            "shift+tab",
            "focus_previous",
            "Previous field",
            priority=True,
            show=False,
            id="app.previous_field",
        ),
    ]

    def __init__(
        self,
        *,
        data_dir: Path,
        clock: Clock | None = None,
        clipboard: SystemClipboard | None = None,
    ) -> None:
        super().__init__()
        enable_alt_digits()
        self._key_holds = 0
        self.offered_resume = False
        """Open calls are offered for resume once per run, at the first home screen."""
        self._settings: Settings | None = None
        self.data_dir = data_dir
        self.clock: Clock = clock or SystemClock()
        self._system_clipboard: SystemClipboard | None = clipboard
        self.store: CallStore = open_store(
            database_path(data_dir),
            report=lambda line: self.notify(line, severity="error", timeout=10, markup=False),
        )
        self._warm_up_timer: Timer | None = None
        self._warm_up_deadline = 0.0
        self._warmed = False
        self.warmed_up = False
        """The warm-up has loaded SQLAlchemy and the models (the repository is queued)."""
        self._after_warm_up: list[Callable[[], object]] = []
        self._closing = False
        self.due_soon = DueSoon(self)
        """Announces our timed next steps as they come due (callmate/due_soon.py)."""
        self.startup_problems: list[str] = []
        """What settings.toml asked for that can't be done (a theme, a key): said once."""
        self._theme_lock = threading.Lock()
        self.keymap: dict[str, str] = {}
        """The ``[keys]`` table as applied: binding id → key(s)."""
        self._read_preferences()

    @property
    def system_clipboard(self) -> SystemClipboard:
        """The clipboard, made the first time a screen copies (not before the first frame)."""
        if self._system_clipboard is None:
            from callmate.clipboard import PyperclipClipboard

            self._system_clipboard = PyperclipClipboard()
        return self._system_clipboard

    # -- theme and keys, read before the first frame (no pydantic) ------------
    def _read_preferences(self) -> None:
        from callmate.domain.text import shown
        from callmate.keymap import read_keymap
        from callmate.settings_file import peek_all

        data = peek_all()
        theme = data.get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        elif theme is not None:
            self.startup_problems.append(
                f"settings.toml: there is no theme {shown(theme)!r}; using {self.theme}."
            )
        self._saved_theme = self.theme
        keymap, problems = read_keymap(data.get("keys"))
        self.startup_problems += [f"settings.toml [keys]: {problem}." for problem in problems]
        self.keymap = keymap
        if keymap:
            self.set_keymap(keymap)

    def on_mount(self) -> None:
        self.due_soon.start()
        for problem in self.startup_problems:
            self.notify(" ".join(problem.split()), severity="warning", timeout=12, markup=False)
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        """A theme picked in the palette is remembered in settings.toml."""
        if theme.name != self._saved_theme:
            self._saved_theme = theme.name
            self.run_worker(self._save_theme, thread=True, group="save-theme", exit_on_error=False)

    def _save_theme(self) -> None:
        from callmate.settings_file import settings_path, update_file

        with self._theme_lock:
            theme = self._saved_theme  # the latest pick, whichever worker gets here last
            try:
                update_file(settings_path(), {"theme": theme})
            except OSError as error:
                from callmate.domain.text import clean_line

                self.call_from_thread(
                    self.notify,
                    clean_line(f"Could not remember the theme: {error}"),
                    severity="warning",
                    markup=False,
                )

    def check_keymap(self) -> None:
        """Report ids and clashes the ``[keys]`` table can't honour (one line).

        Reads every screen's bindings: done on the warm-up's thread, and only
        when there is a table."""
        if not self.keymap:
            return
        from callmate.keymap import all_bindings, check_keymap

        problems = check_keymap(self.keymap, all_bindings(), Binding.make_bindings(self.BINDINGS))
        if problems:
            message = "settings.toml [keys]: " + "; ".join(problems) + "."
            self.call_from_thread(
                self.notify, " ".join(message.split()), severity="warning", timeout=15, markup=False
            )

    # -- help and the palette ----------------------------------------------------
    def action_help(self) -> None:
        from callmate.screens.help import HelpScreen, help_text

        screen = self.screen
        if isinstance(screen, HelpScreen):
            screen.dismiss(None)
            return
        title = f"Keys · {screen.sub_title or screen.title or 'callmate'}"
        self.push_screen(HelpScreen(help_text(screen), title))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own (theme, quit …) with this app's help in place of its Keys panel."""
        for command in super().get_system_commands(screen):
            if command.title == "Keys":
                continue
            yield command
        yield SystemCommand("Help", "The keys of this screen, by task (F1)", self.action_help)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """``$text-private``: the colour of private notes, one no other kind uses,
        readable on dark and light themes (a theme may set its own)."""
        dark = self.current_theme.dark
        return {"text-private": "#C792EA" if dark else "#7B3F9E"}

    @property
    def settings(self) -> Settings:
        """The user's settings (read from settings.toml the first time they're needed)."""
        if self._settings is None:
            from callmate.settings import load_settings

            self._apply_settings(*load_settings())
        assert self._settings is not None
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self._settings = settings

    def _apply_settings(self, settings: Settings, problem: str | None) -> None:
        if self._settings is not None:
            return
        self._settings = settings
        if problem:
            self.notify(problem, severity="warning", timeout=12, markup=False)

    def schedule_warm_up(self) -> None:
        """Warm up once the user pauses for a moment, and within 2 s at most.

        The warm-up imports take about 0.4 s of CPU, shared with the UI
        thread. Started the moment the home screen was filled in, they slowed
        a key pressed right then (the phone is ringing: "n" for a new call)
        by some 80 ms (benchmarks/startup.py, first key). Each key in the
        first two seconds restarts the short wait.
        """
        if self._warm_up_timer is None and not self._warmed:
            self._warm_up_deadline = time.monotonic() + WARM_UP_AT_LATEST
            self._warm_up_timer = self.set_timer(WARM_UP_AFTER_IDLE, self.warm_up)

    def warm_up(self) -> None:
        """After the first screen is filled in: load what later screens need.

        SQLAlchemy, pydantic, the repository and the settings file, on a
        thread of their own. Nothing waits for it.
        """
        if self._warmed:
            return
        self._warmed = True
        self.run_worker(
            self._warm_up_in_background, thread=True, group="warm-up", exit_on_error=False
        )

    def _warm_up_in_background(self) -> None:
        # The imports are the slow part (~0.4 s). Done on the database thread
        # they held up every read queued behind them: a search typed in that
        # moment waited for all of it (benchmarks/search.py). Here they only
        # share the GIL; opening the repository afterwards takes milliseconds.
        import callmate.store.repository  # noqa: F401
        from callmate.settings import load_settings

        settings = load_settings()
        if self._closing:
            return  # the app is on its way out: nothing left to warm
        if self._settings is None:
            self.call_from_thread(self._apply_settings, *settings)
        self.store.warm_up()
        if not self._closing:
            self.call_from_thread(self._warm_up_done)
        self.check_keymap()

    def _warm_up_done(self) -> None:
        self.warmed_up = True
        callbacks, self._after_warm_up = self._after_warm_up, []
        for callback in callbacks:
            callback()

    def when_warmed_up(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` on the event loop once the warm-up has loaded the models."""
        if self.warmed_up:
            callback()
        else:
            self._after_warm_up.append(callback)

    @property
    def cadence_days(self) -> int:
        """The follow-up cadence, without loading pydantic if it isn't yet."""
        if self._settings is not None:
            return self._settings.cadence_days
        from callmate.settings_file import peek_int

        return peek_int("cadence_days", default=30, low=1, high=365)

    @property
    def time_check_minutes(self) -> int:
        return self.settings.time_check_minutes

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            timer = self._warm_up_timer
            if timer and not self._warmed and time.monotonic() < self._warm_up_deadline:
                timer.reset()
            await self._let_earlier_keys_land()
        await super().on_event(event)

    async def _let_earlier_keys_land(self) -> None:
        """Route a key only after the keys before it have had their effect.

        Textual queues each key on the focused widget and moves on at once, so
        in a burst (a fast typist, a script, keys typed while a screen opens)
        a key could be routed before the Enter ahead of it has moved the focus,
        before the screen it was typed for exists, or while the call is being
        stored. Waiting here keeps every key in order with its effects. Only
        bursts wait (an idle widget's queue is empty), and never for long.
        """
        import asyncio

        loop = asyncio.get_running_loop()
        start = loop.time()
        waited = False
        while True:
            elapsed = loop.time() - start
            screen = self.screen
            if self._key_holds:
                busy = True  # the store is finishing a step; never route around it
            elif not screen.is_mounted:
                busy = elapsed < 3.0
            else:
                # The focused widget and every container up to the screen: a
                # message from the last key (a choice that reveals a field)
                # bubbles through each of them; the screen's own queue also
                # holds a dismissed dialog's result callback.
                busy = elapsed < 0.25 and self._messages_pending(screen)
            if not busy:
                break
            waited = True
            await asyncio.sleep(0 if elapsed < 0.01 else 0.005)
        if waited:
            await asyncio.sleep(0)  # let the last key's handler finish

    def _messages_pending(self, screen: Screen) -> bool:
        node = self.focused
        while node is not None and node is not screen:
            if not node._message_queue.empty():
                return True
            parent = node.parent
            node = parent if isinstance(parent, Widget) else None
        return not screen._message_queue.empty()

    @contextmanager
    def holding_keys(self) -> Iterator[None]:
        """Keep new keys waiting while a step that changes screens completes.

        Keys typed meanwhile are delivered, in order, to the screen that
        comes next instead of to the one that is going away.
        """
        self._key_holds += 1
        try:
            yield
        finally:
            self._key_holds -= 1

    async def action_quit(self) -> None:
        """Quitting during a call keeps the typed line and asks first."""
        from callmate.screens.confirm import ConfirmScreen
        from callmate.screens.live_call import LiveCallScreen

        live = next((s for s in self.screen_stack if isinstance(s, LiveCallScreen)), None)
        if live is None or isinstance(self.screen, ConfirmScreen):
            self.exit()
            return
        live.flush_line()

        question = (
            "This call is still open. Quit anyway?\n"
            "Every note is saved, and callmate will offer to resume the call next time."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmScreen(question), answered)

    def today(self) -> date:
        return local_today(self.clock)

    def local_now(self) -> datetime:
        """Local wall-clock time, naive: a typed time of day is read against it."""
        return clock_local_now(self.clock)

    def get_default_screen(self) -> Screen:
        from callmate.screens.home import HomeScreen

        return HomeScreen()

    async def on_unmount(self) -> None:
        # Wait for queued writes (a note saved a moment ago) before exiting.
        import asyncio

        self._closing = True
        self._warmed = True  # quitting within the warm-up's wait: nothing to load
        if self._warm_up_timer is not None:
            self._warm_up_timer.stop()
        await asyncio.to_thread(self.store.close)


def make_app(
    data_dir: Path, *, clock: Clock | None = None, clipboard: SystemClipboard | None = None
) -> CallmateApp:
    """The one way to build the app, for the CLI and for tests alike."""
    return CallmateApp(data_dir=data_dir, clock=clock, clipboard=clipboard)
