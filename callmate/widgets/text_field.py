"""An Input that never lets a control character or a lost line in."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from callmate.domain.text import clean_line


class TextField(Input):
    """A compact one-line field for user text.

    Textual's Input keeps only the first line of a paste and passes escape
    sequences through; here a paste keeps every line (joined with spaces) and
    loses its control characters before it reaches the screen.
    """

    DEFAULT_CSS = """
    TextField.-textual-compact {
        padding: 0 1;
        background: $surface;
        &:focus {
            background: $primary 25%;
        }
    }
    """

    def __init__(
        self,
        value: str | None = None,
        placeholder: str = "",
        *,
        advance: bool = False,
        clear_on_submit: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``advance``: Enter moves to the next field instead of submitting.
        ``clear_on_submit``: the line empties as it is submitted (a note line)."""
        super().__init__(value, placeholder, id=id, classes=classes, compact=True)
        self.advance = advance
        self.clear_on_submit = clear_on_submit

    async def _on_key(self, event: events.Key) -> None:
        # Enter and Tab are handled here, in order with the characters before
        # and after them, rather than by bindings that run later on the App:
        # with fast or scripted typing ("Dana<Enter>Acme<Enter>") the text
        # after an Enter must land in the next field, never in this one.
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            if self.advance:
                self.screen.focus_next()
            else:
                self.submit_now()
            return
        if event.key in ("tab", "shift+tab"):
            event.stop()
            event.prevent_default()
            if event.key == "tab":
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
            return
        await super()._on_key(event)

    def submit_now(self) -> None:
        """Post Submitted with the value as it is now; clear it in the same step."""
        value = self.value
        if self.clear_on_submit:
            self.value = ""
        self.post_message(self.Submitted(self, value))

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
