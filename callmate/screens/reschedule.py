"""Move a promise (a next step or a commitment) to another day, or give an
undated commitment its first date, typed in the same date grammar as the close."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from callmate.domain.dates import EXAMPLES, DateParseError, describe, parse_date
from callmate.widgets.text_field import TextField


class RescheduleScreen(ModalScreen[date | None]):
    """Enter saves a date of today or later; Esc keeps the old one."""

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

    def __init__(self, what: str, due: date | None, today: date) -> None:
        super().__init__()
        self.what = what
        self.due = due
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="reschedule"):
            if self.due is None:
                question = f"When is “{self.what}” due?"
            else:
                question = f"Move “{self.what}”, now due {describe(self.due, self.today)}, to:"
            yield Static(question, markup=False)
            yield TextField(placeholder=", ".join(EXAMPLES[:5]), id="reschedule-date")
            yield Static("", id="reschedule-preview", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_focus(self.query_one(TextField))

    def read(self, text: str) -> tuple[date | None, str]:
        if not text.strip():
            return None, ""
        try:
            when = parse_date(text, self.today)
        except DateParseError as error:
            return None, str(error)
        if when < self.today:
            return None, f"{describe(when, self.today)} is in the past. Pick today or later."
        return when, f"→ {describe(when, self.today)}"

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
