"""What screens may ask of the app they run in: a Protocol, so that screens
type their app without importing callmate.app (the app imports screens).

``CallmateApp`` (callmate/app.py) satisfies it; mypy checks that there.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from datetime import date, datetime
    from pathlib import Path

    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from callmate.clipboard import SystemClipboard
    from callmate.clock import Clock
    from callmate.settings import Settings
    from callmate.store.service import CallStore


class CallmateHost(Protocol):
    clock: Clock
    data_dir: Path
    store: CallStore
    offered_resume: bool
    """Open calls are offered for resume once per run, at the first home screen."""

    @property
    def settings(self) -> Settings: ...
    @settings.setter
    def settings(self, settings: Settings) -> None: ...
    @property
    def cadence_days(self) -> int: ...
    @property
    def time_check_minutes(self) -> int: ...
    @property
    def system_clipboard(self) -> SystemClipboard: ...

    def today(self) -> date: ...
    def local_now(self) -> datetime: ...
    def holding_keys(self) -> AbstractContextManager[None]: ...
    def schedule_warm_up(self) -> None: ...
    def when_warmed_up(self, callback: Callable[[], object]) -> None: ...

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
