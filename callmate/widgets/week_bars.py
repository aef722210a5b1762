"""Small charts for the review screen, drawn with block characters.

Pure functions from numbers to Rich ``Text`` (tested without a terminal),
and :class:`Chart`, a Static that draws one of them in the current theme's
colours and draws it again when the theme changes.

Three rules hold for every picture:

* the numbers it shows are printed beside it: a chart is never the only
  carrier of a figure (a screen reader, a monochrome terminal, a colour-blind
  user read the words);
* parts of a share differ by glyph as well as colour (``█`` ``▓`` ``░``);
* colours are the theme's (``$text-success`` …), never fixed ones, so the
  light theme gets its own darker shades.

No chart library: one line of eighth-blocks per picture is all a 12-week
trend at 80x24 can hold, and Textual's ``Sparkline`` draws no numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widget import Widget

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.segment import Segment
    from textual.geometry import Size

BLOCKS = " ▁▂▃▄▅▆▇█"
"""Eighths of a cell, empty to full."""

ROLES = {
    "good": "text-success",
    "fair": "text-warning",
    "bad": "text-error",
    "bar": "text-primary",
}
"""A chart's colour roles and the theme variable each takes its colour from."""

NOTHING = "·"
"""Under a week with nothing to measure."""

Palette = dict[str, str]
"""Colour role → Rich style."""


def chart_palette(variables: dict[str, str]) -> Palette:
    """Rich styles for each role from the theme's variables (``App.get_css_variables``).

    A role whose variable the theme lacks is drawn bold, never in a colour
    picked here.
    """
    palette = {role: variables.get(name, "") or "bold" for role, name in ROLES.items()}
    palette["muted"] = "dim"
    return palette


PLAIN: Palette = {role: "" for role in (*ROLES, "muted")}
"""No colours: what tests compare text against."""


def percent(part: int, whole: int) -> str:
    """``53%``, rounded half up; empty when there is nothing to share (no division by 0)."""
    if whole <= 0:
        return ""
    return f"{(200 * part + whole) // (2 * whole)}%"  # half up, as callmate stats rounds


def compact(value: float | None) -> str:
    """A number in at most four characters: ``7``, ``42``, ``1234``, ``12k``, ``1.2M``."""
    if value is None:
        return NOTHING
    if value < 10_000:
        return f"{round(value)}"
    if value < 1_000_000:
        return f"{round(value / 1000)}k"
    return f"{value / 1_000_000:.1f}M"


@dataclass(frozen=True)
class Part:
    """One part of a share: ``20 met`` drawn ``█`` in the "good" colour."""

    label: str
    count: int
    role: str
    glyph: str


def cells(counts: Sequence[int], width: int) -> list[int]:
    """Split ``width`` cells between ``counts`` in proportion (largest remainder).

    A part that is not zero gets at least one cell when there are cells
    enough, so a small share stays visible; the total is always ``width``
    (or 0 when every count is 0).
    """
    total = sum(counts)
    if total <= 0 or width <= 0:
        return [0 for _ in counts]
    exact = [width * c / total for c in counts]
    shares = [math.floor(x) for x in exact]
    order = sorted(range(len(counts)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in order[: width - sum(shares)]:
        shares[i] += 1
    nonzero = sum(1 for c in counts if c > 0)
    if nonzero <= width:
        for i, c in enumerate(counts):
            while c > 0 and shares[i] == 0:
                donor = max(range(len(shares)), key=lambda j: shares[j])
                shares[donor] -= 1
                shares[i] += 1
    return shares


def share_bar(parts: Sequence[Part], width: int, palette: Palette) -> Text:
    """A stacked bar ``width`` cells wide: each part its glyph and colour.

    Nothing to share draws a dim dotted line of the same width.
    """
    widths = cells([p.count for p in parts], width)
    bar = Text(no_wrap=True, overflow="crop")
    if not any(widths):
        bar.append("·" * width, style=palette.get("muted", ""))
        return bar
    for part, cell in zip(parts, widths, strict=True):
        if cell:
            bar.append(part.glyph * cell, style=palette.get(part.role, ""))
    return bar


def share_label(parts: Sequence[Part]) -> Text:
    """The numbers a share bar draws: ``20 met 53% · 8 backup 21% · 10 neither 26%``."""
    total = sum(p.count for p in parts)
    label = Text()
    for i, part in enumerate(parts):
        if i:
            label.append(" · ", style="dim")
        label.append(f"{part.count:,} ", style="bold")
        label.append(part.label)
        if total:
            label.append(f" {percent(part.count, total)}", style="dim")
    return label


def level(value: float, top: float, levels: int) -> int:
    """How many eighths of ``levels`` a value fills; a value above 0 fills at least one."""
    if value <= 0 or top <= 0:
        return 0
    return max(1, min(levels, math.ceil(levels * value / top)))


def week_bars(
    values: Sequence[float | None],
    palette: Palette,
    *,
    role: str = "bar",
    top: float | None = None,
    height: int = 1,
    column: int = 5,
) -> Text:
    """One column per week, ``height`` rows of eighth-blocks tall, its number under it.

    ``values``: one per week, oldest first; None where the week has nothing
    to measure (no calls), drawn as a blank column numbered ``·``. ``top``:
    the value a full column stands for (100 for a share in percent; the
    largest value when not given). Each column is ``column`` characters: the
    bar ``column - 1`` wide and a space.
    """
    known = [v for v in values if v is not None]
    scale = top if top is not None else max(known, default=0)
    levels = 8 * height
    width = column - 1
    out = Text(no_wrap=True, overflow="crop")
    for row in range(height - 1, -1, -1):
        for i, value in enumerate(values):
            if i:
                out.append(" ")
            if value is None:
                out.append(" " * width)
                continue
            filled = level(value, scale, levels) - 8 * row
            if filled <= 0 and row == 0:
                out.append("▁" * width, style=palette.get("muted", ""))  # the floor: a zero
            else:
                out.append(BLOCKS[max(0, min(8, filled))] * width, style=palette.get(role, ""))
        out.append("\n")
    out.append(" ".join(compact(value).rjust(width) for value in values))
    return out


class Chart(Widget):
    """A picture drawn by ``draw(palette)`` in the theme's colours, redrawn on a theme change.

    Drawn once per width into plain styled lines: a Static holding the Rich
    tables themselves laid them out again on every measure and paint (~1,300
    table renders, 300 ms, between the figures' arrival and the screen
    showing them; benchmarks/review_screen.py).
    """

    DEFAULT_CSS = """
    Chart {
        height: auto;
    }
    """

    def __init__(self, draw: Callable[[Palette], RenderableType], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._draw = draw
        self._drawn: tuple[int, Text] | None = None
        """The last drawing, and the width it was drawn at."""

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        self.redraw()

    def draw_with(self, draw: Callable[[Palette], RenderableType]) -> None:
        """Draw another picture (new figures) in place of this one."""
        self._draw = draw
        self.redraw()

    def redraw(self) -> None:
        self._drawn = None
        self.refresh(layout=True)

    def drawing(self, width: int) -> Text:
        """The picture as lines of styled text ``width`` cells wide (kept until redrawn)."""
        if self._drawn is None or self._drawn[0] != width:
            console = self.app.console
            renderable = self._draw(chart_palette(self.app.get_css_variables()))
            options = console.options.update(width=max(1, width), height=None, highlight=False)
            lines = console.render_lines(renderable, options, pad=False)
            text = Text("\n").join(_line_text(line) for line in lines)
            text.no_wrap = True
            text.overflow = "crop"
            self._drawn = (width, text)
        return self._drawn[1]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.drawing(width).plain.split("\n"))

    def render(self) -> Text:
        return self.drawing(self.content_region.width)


def _line_text(segments: list[Segment]) -> Text:
    line = Text()
    for segment in segments:
        if not segment.control:
            line.append(segment.text, segment.style)
    return line
