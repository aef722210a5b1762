"""An Input that never lets a control character or a lost line in."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from callmate.domain.text import clean_line


class TextField(Input):
    """A one-line field for user text.

    Textual's Input keeps only the first line of a paste and passes escape
    sequences through; here a paste keeps every line (joined with spaces) and
    loses its control characters before it reaches the screen.
    """

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        text = clean_line(event.text)
        if not text:
            return
        if self.selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *self.selection)
