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
        # Every key is handled here, in order with the characters around it,
        # instead of by bindings that Textual runs later, once the key has
        # bubbled up to the App. With fast or scripted typing
        # ("Dana<Enter>Acme", "<Ctrl+U>next tue") a key's effect must land
        # before the next key does.
        if event.key in ("enter", "tab", "shift+tab"):
            event.stop()
            event.prevent_default()
            if event.key == "tab" or (event.key == "enter" and self.advance):
                self.screen.focus_next()
            elif event.key == "shift+tab":
                self.screen.focus_previous()
            else:
                self.submit_now()
            return
        if not event.is_printable:
            for key in event.aliases:
                bindings = self._bindings.key_to_bindings.get(key)
                if bindings:
                    event.stop()
                    event.prevent_default()
                    await self.run_action(bindings[0].action)
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
