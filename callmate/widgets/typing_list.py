"""A keyboard list that hands typing back to the field it belongs to."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, OptionList

from callmate.textual_compat import keys_bound_on


class TypingList(OptionList):
    """Letters typed while the list has focus go to its field (``field_id``).

    Tabbing into a list and typing on would otherwise drop every character.
    Keys the list binds itself (``v``, ``k``…) still act on the list.
    """

    def __init__(self, *, field_id: str, id: str | None = None) -> None:
        super().__init__(id=id, markup=False, compact=True)
        self.field_id = field_id

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character and event.key not in keys_bound_on(self):
            event.stop()
            event.prevent_default()
            field = self.screen.query_one(f"#{self.field_id}", Input)
            self.screen.set_focus(field)
            field.cursor_position = len(field.value)
            field.insert_text_at_cursor(event.character)
            return
        await super()._on_key(event)
