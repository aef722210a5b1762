"""The call's running time, always in view; it says so when the call is on hold."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from callmate.domain.models import format_offset


class CallClock(Static):
    """A display only: the live-call screen sets ``seconds`` and ``on_hold``.

    The second line names who is on the call (user text: rendered as Text); a
    third, only while the team database can't be reached, says what waits to
    be sent (``waiting``: "offline · 12 notes waiting").
    """

    DEFAULT_CSS = """
    CallClock {
        width: auto;
        max-width: 40;
        padding: 0 1;
        text-align: right;
        &.-on-hold {
            background: $warning 30%;
        }
        &.-time-check {
            color: $text-warning;
        }
        &.-waiting {
            background: $error 25%;
        }
    }
    """

    seconds: reactive[int] = reactive(0)
    on_hold: reactive[bool] = reactive(False)
    time_check: reactive[bool] = reactive(False)
    waiting: reactive[str] = reactive("", layout=True)

    def __init__(self, who: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.who = who

    def watch_on_hold(self, on_hold: bool) -> None:
        self.set_class(on_hold, "-on-hold")

    def watch_waiting(self, waiting: str) -> None:
        self.set_class(bool(waiting), "-waiting")

    def watch_time_check(self, time_check: bool) -> None:
        self.set_class(time_check, "-time-check")

    def render(self) -> Text:
        label = "ON HOLD" if self.on_hold else "On call"
        text = Text(f"{label} {format_offset(self.seconds)}", style="bold")
        if self.who:
            text.append("\n")
            text.append(self.who, style="dim")
        if self.waiting:
            text.append("\n")
            text.append(self.waiting, style="bold")
        text.no_wrap = True
        text.overflow = "ellipsis"
        return text
