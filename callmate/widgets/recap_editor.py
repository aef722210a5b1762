"""A plain-text editor for the recap that refuses control characters."""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea

from callmate.domain.text import clean
from callmate.textual_compat import replace_as_typed


class RecapEditor(TextArea):
    """TextArea with soft wrap on and pastes cleaned of escape sequences."""

    DEFAULT_CSS = """
    RecapEditor {
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, soft_wrap=True, show_line_numbers=False, tab_behavior="focus")

    async def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        if self.read_only:
            return
        if result := replace_as_typed(self, clean(event.text), *self.selection):
            self.move_cursor(result.end_location)
            self.focus()
