"""A one-line choice picked by a single key: ``(•) Yes  ( ) No  ( ) Maybe``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

WORD_GAP = 0.4
"""Seconds: a printable key this soon after the one before it is typing, not a pick.

A deliberate pick is one key on its own; a fast typist's keys come 8-60 ms
apart, an ordinary one's 150-300 ms.
"""

HINT_WORDS_SHOWN = 32
"""How much of refused typing the hint repeats (its end), so nothing typed vanishes unseen."""


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    key: str
    """The single key that picks it; underlined in the label when it appears there."""


class ChoiceBar(Widget, can_focus=True):
    """Pick with the choice's key or the arrows; Enter moves on to the next field.

    Unlike a RadioSet, the value changes in the same step as the key press, so
    a quick ``y<Tab>`` never races ahead of the choice.

    With ``typing_guard`` on, typing can never change a picked answer unseen:

    * A key picks only when it comes on its own. A printable key within
      :data:`WORD_GAP` of the one before it, or a space, is typing: the pick
      made by the first key of that typing is undone, and the row says so.
    * Once the row has an answer, letters are refused until the user comes
      back to it (Tab, Shift+Tab, Enter from the field before, a click) or
      uses the arrows, which always change the pick in plain sight, as a
      click on a choice does.
    * Every refusal rings the bell once and says on the row what happened.
    """

    DEFAULT_CSS = """
    ChoiceBar {
        height: auto;
        width: auto;
        padding: 0 1;
        background: $surface;
        &:focus {
            background: $primary 25%;
        }
    }
    """

    value: reactive[str | None] = reactive(None)
    hint: reactive[str] = reactive("", layout=True)
    """A short line under the choices saying why a key was refused."""

    @dataclass
    class Changed(Message):
        choice_bar: ChoiceBar
        value: str | None

        @property
        def control(self) -> ChoiceBar:
            return self.choice_bar

    def __init__(
        self,
        choices: Sequence[Choice],
        *,
        value: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        empty_label: str = "",
        typing_guard: bool = False,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.empty_label = empty_label
        """Shown when there is nothing to choose (yet)."""
        self.typing_guard = typing_guard
        self.choices = list(choices)
        self._by_key = {choice.key.lower(): choice.value for choice in self.choices}
        self.set_reactive(ChoiceBar.value, value)
        self._armed = True
        """Letters may change a picked answer (the user came here on purpose)."""
        self._last_key_at: float | None = None
        self._typed = ""
        """The printable keys of the current burst, for the hint."""
        self._before_burst: str | None = None
        self._burst_picked = False
        self._rang = False
        self.next_field: Callable[[], Widget | None] | None = None
        """Where Enter goes instead of the next widget, when it returns one (as
        :attr:`callmate.widgets.text_field.TextField.next_field`)."""

    def set_choices(self, choices: Sequence[Choice], value: str | None = None) -> None:
        """Offer other choices (e.g. the reasons that fit a new outcome)."""
        self.choices = list(choices)
        self._by_key = {choice.key.lower(): choice.value for choice in self.choices}
        self.value = value
        self.hint = ""
        self.refresh(layout=True)

    @property
    def chosen_label(self) -> str:
        """The label of the picked choice, or "" (what the row shows as picked)."""
        return next((c.label for c in self.choices if c.value == self.value), "")

    def _items(self) -> list[Content]:
        items = []
        for choice in self.choices:
            chosen = choice.value == self.value
            style = "bold" if chosen else ""
            items.append(Content.assemble(("● " if chosen else "○ ", style), _label(choice, style)))
        return items

    def _pack(self, width: int) -> list[list[Content]]:
        """Choices packed into as few lines as fit ``width``, never splitting one."""
        lines: list[list[Content]] = [[]]
        used = 0
        for item in self._items():
            needed = item.cell_length + (2 if lines[-1] else 0)
            if lines[-1] and used + needed > width:
                lines.append([])
                used, needed = 0, item.cell_length
            lines[-1].append(item)
            used += needed
        return lines

    def _hint_content(self, width: int) -> Content:
        text = self.hint
        if len(text) > width and text.endswith("”") and "“" in text:
            # Refused typing is quoted last: keep its end, the keys just typed.
            prefix, _, words = text[:-1].rpartition("“")
            room = width - len(prefix) - 2
            if room >= 4:
                text = f"{prefix}“…{words[-(room - 1) :]}”"
        hint = Content.assemble((text, "italic $text-warning"))
        return hint.truncate(max(1, width), ellipsis=True)

    def render(self) -> Content:
        width = max(1, self.content_region.width)
        if not self.choices:
            body = Content.assemble((self.empty_label, "dim italic"))
        else:
            lines = self._pack(width)
            body = Content("\n").join(Content("  ").join(line) for line in lines)
        if self.hint:
            body = Content("\n").join([body, self._hint_content(width)])
        return body

    def get_content_width(self, container: Size, viewport: Size) -> int:
        items = self._items()
        width = sum(item.cell_length for item in items) + 2 * (len(items) - 1)
        if not self.choices:
            width = len(self.empty_label)
        if self.hint:
            # The hint may widen the row up to the space there is, never beyond.
            width = max(width, min(len(self.hint), max(1, container.width - 2)))
        return width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        height = len(self._pack(max(1, width))) if self.choices else 1
        return height + (1 if self.hint else 0)

    def watch_value(self, value: str | None) -> None:
        self.post_message(self.Changed(self, value))

    # -- keys -----------------------------------------------------------
    def on_focus(self, event: events.Focus) -> None:
        # Arriving here, by whatever way, is coming to this row on purpose.
        self._arm()

    def on_blur(self, event: events.Blur) -> None:
        self.hint = ""
        self._end_burst()

    def on_click(self, event: events.Click) -> None:
        """A click on a choice picks it (in plain sight); anywhere else only arms the row."""
        offset = event.get_content_offset(self)
        picked = self._choice_at(offset.x, offset.y) if offset is not None else None
        if picked is not None:
            self.value = picked
            self.hint = ""
        self._arm()

    def _choice_at(self, x: int, y: int) -> str | None:
        lines = self._pack(max(1, self.content_region.width))
        if not self.choices or y >= len(lines):
            return None
        before = sum(len(line) for line in lines[:y])
        left = 0
        for index, item in enumerate(lines[y]):
            if left <= x < left + item.cell_length:
                return self.choices[before + index].value
            left += item.cell_length + 2
        return None

    def _arm(self) -> None:
        self._armed = True
        self._end_burst()

    def _end_burst(self) -> None:
        self._last_key_at = None
        self._typed = ""
        self._burst_picked = False
        self._rang = False

    def _step(self, delta: int) -> None:
        values = [choice.value for choice in self.choices]
        if not values:
            return
        if self.value in values:
            index = (values.index(self.value) + delta) % len(values)
        else:
            index = 0 if delta > 0 else len(values) - 1
        self.value = values[index]
        self.hint = ""
        self._arm()

    async def _on_key(self, event: events.Key) -> None:
        key = event.key
        handled = True
        character = event.character if event.is_printable else None
        if character and self.typing_guard:
            self._guarded_key(character, event.time)
        elif character and character.lower() in self._by_key:
            self.value = self._by_key[character.lower()]
        elif key in ("right", "down"):
            self._step(1)
        elif key in ("left", "up"):
            self._step(-1)
        elif key == "enter":
            target = self.next_field() if self.next_field is not None else None
            if target is not None:
                self.screen.set_focus(target)
            else:
                self.screen.focus_next()
        else:
            handled = False
        if handled:
            event.stop()
            event.prevent_default()

    def _guarded_key(self, character: str, at: float) -> None:
        in_burst = self._last_key_at is not None and 0 <= at - self._last_key_at < WORD_GAP
        self._last_key_at = at
        if in_burst or character.isspace():
            if not in_burst:
                self._typed = ""
                self._before_burst = self.value
                self._burst_picked = False
                self._rang = False
            self._typed += character
            self._refuse_typing()
            return
        # A key on its own: maybe a pick.
        self._typed = character
        self._before_burst = self.value
        self._burst_picked = False
        self._rang = False
        picked = self._by_key.get(character.lower())
        if picked is None:
            self._armed = False
            self._refuse(f"“{character}” is not a choice here ({self._keys()}).")
        elif picked == self.value:
            self.hint = ""
        elif self.value is not None and not self._armed:
            label = self.chosen_label
            self._refuse(f"{label} is picked. Change it with ← →, or Tab away and back.")
        else:
            self.value = picked
            self.hint = ""
            self._burst_picked = True
            self._armed = False

    def _refuse_typing(self) -> None:
        """Keys in a burst are words, not picks: undo the burst's pick and say so."""
        if self._burst_picked:
            self.value = self._before_burst
            self._burst_picked = False
        self._armed = False
        shown = self._typed.strip() or "a space"
        if len(shown) > HINT_WORDS_SHOWN:
            shown = "…" + shown[-HINT_WORDS_SHOWN:]
        kept = f"{self.chosen_label} kept" if self.value is not None else "nothing picked"
        self._refuse(f"Typing isn't taken here ({kept}): “{shown}”")

    def _refuse(self, hint: str) -> None:
        self.hint = hint
        if not self._rang:
            self._rang = True
            self.app.bell()

    def _keys(self) -> str:
        keys = ", ".join(choice.key for choice in self.choices)
        return f"keys: {keys}" if keys else "nothing to pick yet"


def _label(choice: Choice, style: str) -> Content:
    """The label with its key underlined, or ``Label (k)`` when the key isn't in it."""
    label = choice.label
    at = label.lower().find(choice.key.lower())
    if at < 0:
        return Content.assemble((label, style), (f" ({choice.key})", "dim"))
    underline = f"{style} underline".strip()
    return Content.assemble(
        (label[:at], style), (label[at : at + 1], underline), (label[at + 1 :], style)
    )
