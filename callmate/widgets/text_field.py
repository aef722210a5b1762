"""An Input that never lets a control character, a lost line or a page of text in."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Self

from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Input

from callmate.domain.limits import ONE_LINE_MAX
from callmate.domain.text import clean_line
from callmate.textual_compat import keys_bound_on

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

    It holds at most ``max_length`` characters (:data:`ONE_LINE_MAX` unless
    told otherwise): a keystroke or a paste that would go past it keeps what
    fits, and the field says so (a message, and the bell), never dropping
    text silently.
    """

    DEFAULT_MAX_LENGTH: ClassVar[int] = ONE_LINE_MAX
    """The length limit when none is given (0: none)."""

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
        max_length: int | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``advance``: Enter moves to the next field instead of submitting.
        ``clear_on_submit``: the line empties as it is submitted (a note line).
        ``select_on_focus``: off by default, because coming back to a
        half-typed line (after editing a note, or from a list that hands
        typing back) must not let the next key replace it; on for short
        values a user overwrites whole, like a number.
        ``max_length``: the most characters it holds (default
        :attr:`DEFAULT_MAX_LENGTH`; 0 for no limit)."""
        super().__init__(
            value,
            placeholder,
            id=id,
            classes=classes,
            compact=True,
            suggester=suggester,
            select_on_focus=select_on_focus,
            max_length=self.DEFAULT_MAX_LENGTH if max_length is None else max_length,
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
                bindings = keys_bound_on(self).get(key)
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
        if self._told_full and len(value) < (self.max_length or 0):
            self._told_full = False

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

    _pasting = False
    _told_full = False

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        text = clean_line(event.text)
        if not text:
            return
        self._pasting = True
        try:
            if self.selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *self.selection)
        finally:
            self._pasting = False

    def replace(self, text: str, start: int, end: int) -> None:
        """Input's replace, keeping to ``max_length``: what fits goes in, and the user is told.

        (Input itself would refuse the whole edit: a paste one character too
        long would vanish, and a value set longer by code could not even be
        shortened.)
        """
        limit = self.max_length
        if not limit:
            super().replace(text, start, end)
            return
        value = self.value
        start, end = sorted((max(0, start), min(len(value), end)))
        room = max(0, limit - (len(value) - (end - start)))
        if len(text) > room:
            text = text[:room]
            self._too_long(limit)
            if not text and start == end:
                return
        if len(value) - (end - start) + len(text) > limit:
            # Already longer than the limit (set by code): an edit that
            # shortens it is always allowed.
            self.value = value[:start] + text + value[end:]
            self.cursor_position = start + len(text)
            return
        super().replace(text, start, end)

    def _too_long(self, limit: int) -> None:
        self.restricted()  # the bell
        if self._told_full and not self._pasting:
            return  # once per filling up is enough while typing on
        self._told_full = True
        if self._pasting:
            message = f"That field holds up to {limit:,} characters; the rest was not pasted."
        else:
            message = f"That field is full: it holds up to {limit:,} characters."
        self.notify(
            message,
            severity="warning",
            markup=False,
        )
