"""An Input that never lets a control character or a lost line in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Input

from callmate.domain.text import clean_line

# Input's own editing keys; not the scrolling keys it inherits (up, down,
# page up...), which the screens around a field may bind to other things.
_EDITING_KEYS = frozenset(
    key.strip()
    for binding in Input.BINDINGS
    if isinstance(binding, Binding)
    for key in binding.key.split(",")
)


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
        select_on_focus: bool = False,
        suggester: Suggester | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``advance``: Enter moves to the next field instead of submitting.
        ``clear_on_submit``: the line empties as it is submitted (a note line).
        ``select_on_focus``: off by default, because coming back to a
        half-typed line (after editing a note, or from a list that hands
        typing back) must not let the next key replace it; on for short
        values a user overwrites whole, like a number."""
        super().__init__(
            value,
            placeholder,
            id=id,
            classes=classes,
            compact=True,
            suggester=suggester,
            select_on_focus=select_on_focus,
        )
        self.advance = advance
        self.clear_on_submit = clear_on_submit
        self.next_field: Callable[[], Widget | None] | None = None
        """Where Enter goes instead of the next widget, when it returns one."""

    async def _on_key(self, event: events.Key) -> None:
        # Every key is handled here, in order with the characters around it,
        # instead of by bindings that Textual runs later, once the key has
        # bubbled up to the App. With fast or scripted typing
        # ("Dana<Enter>Acme", "<Ctrl+U>next tue") a key's effect must land
        # before the next key does. (Tab is an App priority binding.)
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            if self.advance:
                self.move_on()
            else:
                self.submit_now()
            return
        if not event.is_printable:
            for key in event.aliases:
                bindings = self._bindings.key_to_bindings.get(key)
                if bindings and key in _EDITING_KEYS:
                    event.stop()
                    event.prevent_default()
                    await self.run_action(bindings[0].action)
                    return
        await super()._on_key(event)

    _typing = False

    def _watch_value(self, value: str) -> None:
        # Input grows its virtual width with every character, and the width is
        # a layout reactive: each keystroke re-arranged the whole screen (and
        # repainted every scrollbar on it). This field's size never depends on
        # its text, so that layout pass is skipped; the new virtual width is
        # still set, so long lines scroll as before. Measured in BENCHMARKS.md.
        self._typing = True
        try:
            super()._watch_value(value)
        finally:
            self._typing = False

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        if layout and self._typing and not self.styles.auto_dimensions:
            layout = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def move_on(self) -> None:
        """Focus the next field (synchronously, so the next key lands there)."""
        target = self.next_field() if self.next_field is not None else None
        if target is not None:
            self.screen.set_focus(target)
        else:
            self.screen.focus_next()

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
