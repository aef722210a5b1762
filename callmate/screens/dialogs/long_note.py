"""A long note opened whole: a pasted email, read and edited in a text area.

The live call's note line holds one line; a note of many lines, or a long
one, is shown folded in the log and opens here. A megabyte is laid out
without soft wrap (wrapping it costs seconds per key; its lines are scrolled
sideways instead).
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from callmate.domain.text import clean
from callmate.textual_compat import replace_as_typed

WRAP_UP_TO = 100_000
"""Characters up to which the text soft-wraps; longer text scrolls sideways."""
LONG_NOTE = 500
"""A note longer than this (or of more than one line) opens here to be edited."""


def is_long(text: str) -> bool:
    return "\n" in text or len(text) > LONG_NOTE


class NoteText(TextArea):
    """Plain text; a paste loses its control characters."""

    async def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        if result := replace_as_typed(self, clean(event.text), *self.selection):
            self.move_cursor(result.end_location)


class LongNoteScreen(ModalScreen[str | None]):
    """Dismisses with the edited text (Ctrl+S), or None (Esc)."""

    DEFAULT_CSS = """
    LongNoteScreen {
        align: center middle;
    }
    #long-note {
        width: 96%;
        height: 90%;
        border: round $accent;
        background: $panel;
    }
    #long-note NoteText {
        height: 1fr;
    }
    #long-note-keys {
        height: 1;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="long_note.save"),
        Binding("escape", "cancel", "Cancel", priority=True, id="long_note.cancel"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="long-note"):
            yield NoteText(
                soft_wrap=len(self.text) <= WRAP_UP_TO,
                show_line_numbers=False,
                tab_behavior="indent",
                id="long-note-text",
            )
            keys = Text("^s ", style="bold")
            keys.append("save  ", style="dim")
            keys.append("esc ", style="bold")
            keys.append("cancel", style="dim")
            yield Static(keys, id="long-note-keys")

    def on_mount(self) -> None:
        frame = self.query_one("#long-note", Vertical)
        frame.border_title = Text(self.title_text)
        self.call_after_refresh(self._load)

    def _load(self) -> None:
        # Once the area has its size: each change of width lays out every
        # line again (about 0.2 s a megabyte), and the first layout has several.
        self.editor.load_text(self.text)
        self.editor.focus()

    @property
    def editor(self) -> NoteText:
        return self.query_one(NoteText)

    def action_save(self) -> None:
        self.dismiss(self.editor.text)

    def action_cancel(self) -> None:
        self.dismiss(None)
