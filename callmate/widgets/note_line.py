"""The note line: where everything said on the call is typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.message import Message

from callmate.domain.limits import TEXT_MAX
from callmate.domain.text import clean, clean_line
from callmate.widgets.text_field import TextField

LONG_PASTE = 2000
"""A paste longer than this (or with line breaks) becomes a note of its own."""


class NoteLine(TextField):
    """A TextField that hands a long or multi-line paste over whole.

    Pasting an email into a one-line field would either drop every line but
    the first (Textual's default) or make a line of 100 KB that every later
    keystroke has to re-measure. Instead the paste is posted as
    :class:`LongPaste` for the screen to save as a single note, with its line
    breaks, and the line being typed is left as it was.

    A paste longer than :data:`LONG_PASTE` is handed over as it came, not yet
    cleaned: cleaning a megabyte takes milliseconds, and the screen has the
    database thread do it so the paste is on its way to disk at once.
    """

    DEFAULT_MAX_LENGTH: ClassVar[int] = TEXT_MAX
    """A note may be long (the note model's own limit), unlike the other fields."""

    @dataclass
    class LongPaste(Message):
        text: str
        """As pasted: it may hold control characters, so clean it before use."""

    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, clear_on_submit=True, id=id)

    def _on_paste(self, event: events.Paste) -> None:
        # Nothing here may cost in the size of a long paste: it is not even
        # cleaned (the screen has that done on the database thread).
        text = event.text
        if len(text) <= LONG_PASTE:
            text = clean(text).strip("\n")
            if "\n" not in text:
                super()._on_paste(event)  # a word or a line: it goes into the line
                return
        event.stop()
        event.prevent_default()
        if len(text) > LONG_PASTE or text.strip():
            self.post_message(self.LongPaste(event.text))

    def replace_prefix(self, prefix: str) -> None:
        """Swap the kind prefix at the start of the line, keeping the cursor on its word."""
        from callmate.domain.models import split_prefix

        value = self.value
        stripped = value.lstrip()
        kind, _ = split_prefix(value)
        old = len(value) - len(stripped) + (1 if kind.prefix and stripped else 0)
        rest = clean_line(value[old:]) if old else value
        cursor = max(0, self.cursor_position - old)
        self.value = prefix + rest
        self.cursor_position = len(prefix) + min(cursor, len(rest))
