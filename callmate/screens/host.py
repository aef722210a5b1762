"""What screens may ask of the app they run in: a Protocol, so that screens
type their app without importing callmate.app (the app imports screens).

``CallmateApp`` (callmate/app.py) satisfies it; mypy checks that there. The
app's helpers (callmate/preferences.py, warm_up.py, key_order.py) are typed
here by what screens use of them: those modules sit beside the app, above
the screens' layer.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pathlib import Path

    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from callmate.clipboard import SystemClipboard
    from callmate.clock import Clock
    from callmate.settings import Settings
    from callmate.store.service import CallStore


class UserPreferences(Protocol):
    """What the user chose (callmate/preferences.py): the settings, read from
    settings.toml the first time they're needed; the follow-up cadence without
    loading pydantic if it isn't yet."""

    @property
    def settings(self) -> Settings: ...
    @settings.setter
    def settings(self, settings: Settings) -> None: ...
    @property
    def cadence_days(self) -> int: ...
    @property
    def loaded(self) -> bool:
        """The full settings are read (pydantic loaded)."""


class Warming(Protocol):
    """What later screens need, loaded once the user pauses (callmate/warm_up.py):
    ``schedule`` once the first screen is filled in; ``when_done`` calls back on
    the event loop once the models are loaded."""

    def schedule(self) -> None: ...
    def when_done(self, callback: Callable[[], object]) -> None: ...


class KeyHolding(Protocol):
    """Keys typed during a step that changes screens wait for its end
    (callmate/key_order.py): ``with app.key_order.holding(): ...``."""

    def holding(self) -> AbstractContextManager[None]: ...


class CallmateHost(Protocol):
    clock: Clock
    data_dir: Path
    store: CallStore
    offered_resume: bool
    """Open calls are offered for resume once per run, at the first home screen."""

    @property
    def preferences(self) -> UserPreferences: ...
    @property
    def warming(self) -> Warming: ...
    @property
    def key_order(self) -> KeyHolding: ...
    @property
    def system_clipboard(self) -> SystemClipboard: ...

    # Textual's App, as far as screens use it through this type.
    @property
    def screen_stack(self) -> list[Screen[Any]]: ...
    def push_screen(self, screen: Screen[Any], callback: Any = None) -> Any: ...
    def pop_screen(self) -> Any: ...
    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None: ...
