"""The call's running time, always in view; it says so when the call is on hold."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

from callmate.domain.models import format_offset


class CallClock(Static):
    """A display only: the live-call screen sets ``seconds`` and ``on_hold``."""

    DEFAULT_CSS = """
    CallClock {
        width: auto;
        padding: 0 1;
        text-style: bold;
        &.-on-hold {
            background: $warning 30%;
        }
        &.-time-check {
            color: $text-warning;
        }
    }
    """

    seconds: reactive[int] = reactive(0)
    on_hold: reactive[bool] = reactive(False)
    time_check: reactive[bool] = reactive(False)

    def watch_on_hold(self, on_hold: bool) -> None:
        self.set_class(on_hold, "-on-hold")

    def watch_time_check(self, time_check: bool) -> None:
        self.set_class(time_check, "-time-check")

    def render(self) -> str:
        label = "ON HOLD" if self.on_hold else "On call"
        return f"{label} {format_offset(self.seconds)}"
