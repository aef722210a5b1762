"""Move a promise (a next step or a commitment) to another day, or give an
undated commitment its first date, typed in the same date grammar as the close.

A time of day may come with the day (``fri 3pm``); a day alone leaves the
promise without a time, as the preview shows before Enter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from callmate.domain.dates import EXAMPLES, DateParseError, When, describe, parse_when
from callmate.widgets.text_field import TextField


class RescheduleScreen(ModalScreen[When | None]):
    """Enter saves a day (and time) of today or later; Esc keeps the old one."""

    DEFAULT_CSS = """
    RescheduleScreen {
        align: center middle;
    }
    #reschedule {
        width: 70;
        max-width: 95%;
        height: auto;
        border: round $accent;
        background: $panel;
        padding: 0 1;
    }
    #reschedule-preview {
        color: $text-success;
    }
    #reschedule-preview.error {
        color: $text-error;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Keep the date", id="reschedule.cancel")]

    def __init__(
        self,
        what: str,
        due: date | None,
        today: date,
        *,
        due_time: time | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.what = what
        self.due = due
        self.due_time = due_time
        self.today = today
        self.now = now
        """Local wall-clock time: a time already gone today is refused."""

    def compose(self) -> ComposeResult:
        with Vertical(id="reschedule"):
            if self.due is None:
                question = f"When is “{self.what}” due?"
            else:
                now_due = describe(self.due, self.today, self.due_time)
                question = f"Move “{self.what}”, now due {now_due}, to:"
            yield Static(question, markup=False)
            yield TextField(placeholder=", ".join(EXAMPLES[:5]), id="reschedule-date")
            yield Static("", id="reschedule-preview", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_focus(self.query_one(TextField))

    def read(self, text: str) -> tuple[When | None, str]:
        if not text.strip():
            return None, ""
        now = self.now().time().replace(second=0, microsecond=0) if self.now else None
        try:
            when = parse_when(text, self.today, now)
        except DateParseError as error:
            return None, str(error)
        shown = describe(when.date, self.today, when.time)
        gone = (
            when.date == self.today
            and when.time is not None
            and now is not None
            and when.time < now
        )
        if when.date < self.today or gone:
            return None, f"{shown} is in the past. Pick a later day or time."
        return when, f"→ {shown}"

    @on(Input.Changed)
    def preview(self, event: Input.Changed) -> None:
        when, message = self.read(event.value)
        label = self.query_one("#reschedule-preview", Static)
        label.update(message)
        label.set_class(when is None and bool(message), "error")

    @on(Input.Submitted)
    def save(self, event: Input.Submitted) -> None:
        event.stop()
        when, _message = self.read(event.value)
        if when is not None:
            self.dismiss(when)
        else:
            self.app.bell()

    def action_cancel(self) -> None:
        self.dismiss(None)
