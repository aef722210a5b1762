"""What the user chose, as the App applies it.

The theme and the ``[keys]`` table are read before the first frame, without
pydantic; the full settings the first time something needs them (or by the
warm-up); a theme picked in the palette is remembered in settings.toml.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual.binding import Binding

if TYPE_CHECKING:
    from textual.theme import Theme

    from callmate.app import CallmateApp
    from callmate.settings import Settings


class Preferences:
    def __init__(self, app: CallmateApp) -> None:
        self._app = app
        self._settings: Settings | None = None
        self.startup_problems: list[str] = []
        """What settings.toml asked for that can't be done (a theme, a key): said once."""
        self.keymap: dict[str, str] = {}
        """The ``[keys]`` table as applied: binding id → key(s)."""
        self._theme_lock = threading.Lock()
        self._saved_theme = ""

    # -- theme and keys, read before the first frame (no pydantic) ------------
    def read_before_first_frame(self) -> None:
        from callmate.domain.text import shown
        from callmate.keymap import read_keymap
        from callmate.settings_file import peek_all

        app = self._app
        data = peek_all()
        theme = data.get("theme")
        if isinstance(theme, str) and theme in app.available_themes:
            app.theme = theme
        elif theme is not None:
            self.startup_problems.append(
                f"settings.toml: there is no theme {shown(theme)!r}; using {app.theme}."
            )
        self._saved_theme = app.theme
        keymap, problems = read_keymap(data.get("keys"))
        self.startup_problems += [f"settings.toml [keys]: {problem}." for problem in problems]
        self.keymap = keymap
        if keymap:
            app.set_keymap(keymap)

    def on_mount(self) -> None:
        """Say what could not be applied; remember themes picked from now on."""
        app = self._app
        for problem in self.startup_problems:
            app.notify(" ".join(problem.split()), severity="warning", timeout=12, markup=False)
        app.theme_changed_signal.subscribe(app, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        """A theme picked in the palette is remembered in settings.toml."""
        if theme.name != self._saved_theme:
            self._saved_theme = theme.name
            self._app.run_worker(
                self._save_theme, thread=True, group="save-theme", exit_on_error=False
            )

    def _save_theme(self) -> None:
        from callmate.settings_file import settings_path, update_file

        with self._theme_lock:
            theme = self._saved_theme  # the latest pick, whichever worker gets here last
            try:
                update_file(settings_path(), {"theme": theme})
            except OSError as error:
                from callmate.domain.text import clean_line

                self._app.call_from_thread(
                    self._app.notify,
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

        app_bindings = Binding.make_bindings(self._app.BINDINGS)
        problems = check_keymap(self.keymap, all_bindings(), app_bindings)
        if problems:
            message = "settings.toml [keys]: " + "; ".join(problems) + "."
            self._app.call_from_thread(
                self._app.notify,
                " ".join(message.split()),
                severity="warning",
                timeout=15,
                markup=False,
            )

    # -- the full settings (pydantic), read when first needed -----------------
    @property
    def loaded(self) -> bool:
        return self._settings is not None

    @property
    def settings(self) -> Settings:
        """The user's settings (read from settings.toml the first time they're needed)."""
        if self._settings is None:
            from callmate.settings import load_settings

            self.use(*load_settings())
        assert self._settings is not None
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self._settings = settings

    def use(self, settings: Settings, problem: str | None) -> None:
        """Settings read off the event loop: used unless some are already."""
        if self._settings is not None:
            return
        self._settings = settings
        if problem:
            self._app.notify(problem, severity="warning", timeout=12, markup=False)

    @property
    def cadence_days(self) -> int:
        """The follow-up cadence, without loading pydantic if it isn't yet."""
        if self._settings is not None:
            return self._settings.cadence_days
        from callmate.settings_file import RULE_NUMBERS, peek_int

        default, low, high = RULE_NUMBERS["cadence_days"]
        return peek_int("cadence_days", default=default, low=low, high=high)
