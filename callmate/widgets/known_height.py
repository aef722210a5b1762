"""A Rich renderable that says its height instead of being measured for it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.visual import RichVisual

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.css.styles import RulesMap
    from textual.widget import Widget


class KnownHeight(RichVisual):
    """An option prompt of a fixed number of lines (no column of it wraps).

    An OptionList measures every option's height before drawing anything, and
    for a Rich table that means rendering it: about 1 ms a line. A home screen
    with a full agenda (150 lines) spent 150 ms there, most of the difference
    between an empty and a busy day (BENCHMARKS.md). Rows built never to wrap
    can say how tall they are; drawing still renders the visible ones.
    """

    def __init__(self, widget: Widget, renderable: RenderableType, height: int) -> None:
        super().__init__(widget, renderable)
        self._height = height

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._height
