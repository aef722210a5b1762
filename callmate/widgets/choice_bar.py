"""A one-line choice picked by a single key: ``(•) Yes  ( ) No  ( ) Maybe``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


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
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.empty_label = empty_label
        """Shown when there is nothing to choose (yet)."""
        self.choices = list(choices)
        self._by_key = {choice.key.lower(): choice.value for choice in self.choices}
        self.set_reactive(ChoiceBar.value, value)

    def set_choices(self, choices: Sequence[Choice], value: str | None = None) -> None:
        """Offer other choices (e.g. the reasons that fit a new outcome)."""
        self.choices = list(choices)
        self._by_key = {choice.key.lower(): choice.value for choice in self.choices}
        self.value = value
        self.refresh(layout=True)

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

    def render(self) -> Content:
        if not self.choices:
            return Content.assemble((self.empty_label, "dim italic"))
        lines = self._pack(max(1, self.content_region.width))
        return Content("\n").join(Content("  ").join(line) for line in lines)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        items = self._items()
        return sum(item.cell_length for item in items) + 2 * (len(items) - 1)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._pack(max(1, width))) if self.choices else 1

    def watch_value(self, value: str | None) -> None:
        self.post_message(self.Changed(self, value))

    def _step(self, delta: int) -> None:
        values = [choice.value for choice in self.choices]
        if self.value in values:
            index = (values.index(self.value) + delta) % len(values)
        else:
            index = 0 if delta > 0 else len(values) - 1
        self.value = values[index]

    async def _on_key(self, event: events.Key) -> None:
        key = event.key
        handled = True
        if event.character and event.character.lower() in self._by_key:
            self.value = self._by_key[event.character.lower()]
        elif key in ("right", "down"):
            self._step(1)
        elif key in ("left", "up"):
            self._step(-1)
        elif key == "enter":
            self.screen.focus_next()
        else:
            handled = False
        if handled:
            event.stop()
            event.prevent_default()


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
