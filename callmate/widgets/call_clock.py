"""The call's running time, always in view."""

from __future__ import annotations

from collections.abc import Callable

from textual.reactive import reactive
from textual.widgets import Static

from callmate.domain.models import format_offset


class CallClock(Static):
    """Shows ``elapsed()`` as mm:ss, refreshed twice a second."""

    DEFAULT_CSS = """
    CallClock {
        width: auto;
        padding: 0 1;
        text-style: bold;
    }
    """

    seconds: reactive[int] = reactive(0)

    def __init__(self, elapsed: Callable[[], int], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._elapsed = elapsed

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(0.5, self.tick)

    def tick(self) -> None:
        self.seconds = self._elapsed()

    def render(self) -> str:
        return f"On call {format_offset(self.seconds)}"
