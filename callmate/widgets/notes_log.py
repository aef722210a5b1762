"""The notes of a call, oldest first, each with its time and kind.

A call may hold thousands of notes, and deleting, restoring, editing one,
resizing the terminal or scrolling must cost the same at 5,000 notes as at
10 (benchmarks/growth.py). So the log is a line-API scroll view that keeps,
per note, its height at a width, in blocks of at most ``2 * BLOCK`` notes
each holding the sum of its heights: finding a note's line, or the note at
a line, walks the blocks (n / BLOCK steps) and then one block; inserting,
deleting or re-measuring one note touches one block. Only the notes on
screen are drawn (each a small Rich table, cached). A new width (a resize,
the scrollbar appearing) measures nothing at once: a block measured at
another width keeps its old heights as an estimate until it comes into
view, and only then is measured at the new width.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import RichVisual, Visual

if TYPE_CHECKING:
    from textual.style import Style

from callmate.domain.models import Note, NoteKind, format_offset
from callmate.domain.text import clean

# Kind is shown as a word, never by colour alone. Colours are theme variables,
# each kind's from the kinds table (callmate.domain.kinds).
LABEL_WIDTH = max(len(kind.label) for kind in NoteKind)
IN_EMAIL = "@"
"""Beside a note the recap email takes; the others show :data:`NOT_IN_EMAIL`."""
NOT_IN_EMAIL = "·"
PREVIEW_CHARS = 320
PREVIEW_LINES = 6


def kind_styles(theme_variables: dict[str, str]) -> dict[NoteKind, str]:
    """Rich styles for each kind, resolved from the current theme's colours.

    Every kind gets a style: one with no colour, or whose variable the theme
    lacks, is shown bold (or dim for a plain note) rather than failing.
    """
    styles = {}
    for kind in NoteKind:
        variable = kind.colour
        colour = theme_variables.get(variable or "", "")
        styles[kind] = f"bold {colour}".strip() if variable else "dim"
    return styles


def preview(text: str) -> tuple[str, int, int]:
    """The start of a note, folded: what is shown, and how many characters and lines are not.

    The cost does not grow with the note beyond one count of its line breaks
    (C speed, about 0.3 ms a megabyte): a pasted megabyte is drawn as fast as a
    short note. The text may not be cleaned yet (a paste on its way to the
    database), so what is shown is cleaned here.
    """
    head = clean(text[:PREVIEW_CHARS])
    shown = "\n".join(head.split("\n")[:PREVIEW_LINES])
    if shown == head and len(text) <= PREVIEW_CHARS:
        return shown, 0, 0
    # A paste not yet cleaned may end its lines in CR alone, as terminals send them.
    lines = text.count("\n", len(shown)) or text.count("\r", len(shown))
    return shown, len(text) - len(shown), lines


def note_body(note: Note, *, state: str = "") -> Text:
    """The text column of a note: folded, quoted, with its saving state.

    ``state`` is "" (saved), "saving" or "failed". A long note is folded to
    its first lines; the whole of it opens with Enter.
    """
    shown, hidden, hidden_lines = preview(note.text)
    body = Text()
    if note.kind is NoteKind.QUOTE:
        body.append(f"“{shown}”")
    else:
        body.append(shown)
    saved = ", all saved" if state == "" else ""
    if hidden_lines:  # folded: the first lines, then how much more there is
        lines = f"{hidden_lines:,} more line{'s' if hidden_lines > 1 else ''}"
        body.append(f"\n… {lines}{saved}", style="dim italic")
    elif hidden:
        body.append(f" … ({hidden:,} more characters{saved})", style="dim italic")
    if state == "saving":  # a long paste may take a moment: say what the dots mean
        body.append(" … saving" if hidden else " …", style="dim italic")
    elif state == "failed":
        body.append("  NOT SAVED YET, retrying", style="bold reverse")
    return body


FIXED_WIDTH = 5 + 1 + LABEL_WIDTH + 3
"""Cells before the text column: offset, mark, kind and a space after each."""


def note_prompt(
    note: Note, styles: dict[NoteKind, str], *, state: str = "", body: Text | None = None
) -> Table:
    """Offset, in-email mark, kind and text in columns, so wrapped text keeps its indent."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=5, no_wrap=True)
    grid.add_column(width=1, no_wrap=True)
    grid.add_column(width=LABEL_WIDTH, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(
        Text(format_offset(note.offset_seconds), style="dim"),
        Text(IN_EMAIL, style="bold") if note.in_recap else Text(NOT_IN_EMAIL, style="dim"),
        Text(note.kind.label.upper(), style=styles.get(note.kind, "bold")),
        note_body(note, state=state) if body is None else body,
    )
    return grid


BLOCK = 64
"""Notes per block of the height index (a block splits at twice this)."""

FIRST_NOTES_AFTER = 0.3
"""Seconds after the notes are shown that the first block is measured (idle time)."""


class _Entry:
    """One note as shown: a new entry for every change, so cached renders key on it."""

    __slots__ = ("height", "note", "state")

    def __init__(self, note: Note, state: str, height: int) -> None:
        self.note = note
        self.state = state
        self.height = height
        """Lines at its block's width (an estimate while the block is unmeasured)."""


class _Block:
    __slots__ = ("entries", "previous", "total", "width")

    def __init__(self, entries: list[_Entry], width: int) -> None:
        self.entries = entries
        self.width = width
        """The text width the heights were measured at; -1: estimates only."""
        self.total = sum(entry.height for entry in entries)
        self.previous: tuple[int, dict[_Entry, int]] | None = None
        """The heights at the width measured before this one, by entry: a
        resize and back measures nothing the second time but the entries
        that changed meanwhile (a note edited, restored: new entries)."""


def estimate_height(note: Note, text_width: int) -> int:
    """A guess at a note's lines before it is measured (only the scrollbar shows it)."""
    head = note.text[:PREVIEW_CHARS]
    lines = 1 + head.count("\n") + len(head) // max(text_width, 8)
    return min(lines, PREVIEW_LINES + 1)


class NotesLog(ScrollView, can_focus=True):
    """Every note of the call; the highlighted one is the one the keys act on.

    With ``editable`` off (the recap screen) only the in-email key is offered.
    It looks and moves like the OptionList it replaced (same component classes).
    """

    DEFAULT_CSS = """
    NotesLog {
        height: auto;
        max-height: 100%;
        color: $foreground;
        overflow-x: hidden;
        border: tall $border-blurred;
        padding: 0 1;
        background: $surface;
        &:focus {
            border: tall $border;
            background-tint: $foreground 5%;
            & > .option-list--option-highlighted {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
        & > .option-list--option-highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
        }
        & > .option-list--option-hover {
            background: $block-hover-background;
        }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "option-list--option",
        "option-list--option-highlighted",
        "option-list--option-hover",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("pagedown", "page_down", "Page Down", show=False),
        Binding("pageup", "page_up", "Page Up", show=False),
        Binding("space", "toggle_email", "In email / out"),
        Binding("enter", "edit", "Edit note"),
        Binding("delete,backspace", "delete", "Delete note"),
        Binding("escape", "back", "Back to typing"),
    ]

    highlighted: reactive[int | None] = reactive(None)
    """The note the keys act on."""

    def __init__(self, *, id: str | None = None, editable: bool = True) -> None:
        super().__init__(id=id)
        self.editable = editable
        self._kind_styles: dict[NoteKind, str] | None = None
        self._blocks: list[_Block] = []
        self._count = 0
        self._lines = 0
        self._renders: LRUCache[tuple[_Entry, Style, int], list[Strip]] = LRUCache(512)
        self._shown: dict[int, tuple[_Entry, int, int]] = {}
        """Line of the log -> (entry, its index, line within it), for the lines in view."""
        self._hover: int | None = None
        self._drawn_size = Size(0, 0)
        self._at_end = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.editable or action not in ("edit", "delete", "back")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._forget_styles)

    def _forget_styles(self, _theme: object) -> None:
        self._kind_styles = None
        self._renders.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        # Renders are keyed by the style they were drawn in: none to forget here.
        self.refresh()
        super().notify_style_update()

    @property
    def kind_styles(self) -> dict[NoteKind, str]:
        if self._kind_styles is None:
            self._kind_styles = kind_styles(self.app.get_css_variables())
        return self._kind_styles

    @property
    def note_count(self) -> int:
        return self._count

    # -- the height index -------------------------------------------------
    def _text_width(self) -> int:
        """Cells of the text column now; 0 before the log is laid out."""
        padding = self.get_component_styles("option-list--option").padding
        width = self.scrollable_content_region.width - padding.width
        return max(0, width - FIXED_WIDTH)

    def _measure(self, entry: _Entry, text_width: int) -> int:
        """The note's lines at ``text_width``: its text column wrapped as the table wraps it."""
        body = note_body(entry.note, state=entry.state)
        lines = body.wrap(self.app.console, text_width, justify="left", overflow="ellipsis")
        return max(1, len(lines))

    def _new_entry(self, note: Note, state: str, width: int) -> _Entry:
        entry = _Entry(note, state, 1)
        entry.height = (
            self._measure(entry, width) if width > 0 else estimate_height(note, self._text_width())
        )
        return entry

    def _measure_block(self, block: _Block, text_width: int) -> None:
        previous, entries = block.previous, block.entries
        if block.width > 0:
            block.previous = (block.width, {entry: entry.height for entry in entries})
        known = previous[1] if previous is not None and previous[0] == text_width else {}
        for entry in entries:
            height = known.get(entry)
            entry.height = self._measure(entry, text_width) if height is None else height
        total = sum(entry.height for entry in block.entries)
        self._lines += total - block.total
        block.total, block.width = total, text_width

    def _find(self, index: int) -> tuple[int, int, int]:
        """(block number, first index in it, first line of it) of note ``index``."""
        first = line = 0
        for number, block in enumerate(self._blocks):
            size = len(block.entries)
            if index < first + size:
                return number, first, line
            first += size
            line += block.total
        raise IndexError(index)

    def _line_of(self, index: int) -> tuple[int, _Entry]:
        """The first line of note ``index`` (its block measured first, if stale)."""
        number, first, line = self._find(index)
        block = self._blocks[number]
        text_width = self._text_width()
        if block.width != text_width and text_width > 0:
            self._measure_block(block, text_width)
            self._update_virtual_size()
        entries = block.entries
        offset = index - first
        return line + sum(entry.height for entry in entries[:offset]), entries[offset]

    def _index_at(self, line: int) -> int | None:
        """The note drawn on ``line`` of the log, if any."""
        first = top = 0
        for block in self._blocks:
            if line < top + block.total:
                for offset, entry in enumerate(block.entries):
                    if line < top + entry.height:
                        return first + offset
                    top += entry.height
                return first + len(block.entries) - 1
            first += len(block.entries)
            top += block.total
        return None

    def _update_virtual_size(self) -> None:
        size = Size(self.scrollable_content_region.width, self._lines)
        if size != self.virtual_size:
            self.virtual_size = size
            from callmate.textual_compat import update_scrollbars

            update_scrollbars(self, size)

    def _measure_in_view(self) -> None:
        """Measure, at the current width, the blocks on screen (and nothing else)."""
        text_width = self._text_width()
        if text_width <= 0:
            return
        for _ in range(16):  # each round measures at least one block; a few suffice
            at_end = self.scroll_offset.y >= self.max_scroll_y
            top = self.scroll_offset.y
            bottom = top + self.scrollable_content_region.height
            changed = False
            line = 0
            for block in self._blocks:
                if line >= bottom:
                    break
                if line + block.total > top and block.width != text_width:
                    self._measure_block(block, text_width)
                    changed = True
                line += block.total
            if not changed:
                break
            self._update_virtual_size()
            if at_end:  # the latest notes stay in view
                self.set_scroll(None, self.max_scroll_y)
        self._update_virtual_size()

    # -- changing the notes -----------------------------------------------
    def show(self, notes: list[Note], *, end: bool = False) -> None:
        """Every note, measured only as they come into view; ``end``: the last in view."""
        # A guess per note from its length alone (no slicing, no counting): the
        # notes in view are measured before they are drawn.
        guess = max(self._text_width(), 8)
        top = PREVIEW_LINES + 1
        entries = [_Entry(note, "", min(top, 1 + len(note.text) // guess)) for note in notes]
        self._blocks = [_Block(entries[i : i + BLOCK], -1) for i in range(0, len(entries), BLOCK)]
        self._count = len(entries)
        self._lines = sum(block.total for block in self._blocks)
        self._renders.clear()
        self._hover = None
        self.highlighted = None
        self._at_end = end
        self.scroll_to(y=0, animate=False, immediate=True)
        self._update_virtual_size()
        self.refresh()
        if len(self._blocks) > 1:
            self.set_timer(FIRST_NOTES_AFTER, self._measure_first_notes)

    def _measure_first_notes(self) -> None:
        """Measure the first block while idle, so Home isn't the key that pays for it.

        A long call opens on its latest notes; the first ones are measured the
        first time they come into view, and the height index changing then
        makes that frame lay the whole screen out again: the first Home in a
        call of 1,000 notes took twice as long as End (16 against 7 ms). One
        block, whatever the length of the call; what is in view stays put.
        """
        text_width = self._text_width()
        block = self._blocks[0] if self._blocks else None
        if block is None or block.width == text_width or text_width <= 0:
            return
        top = self.scroll_offset.y
        at_end = top >= self.max_scroll_y
        below = top >= block.total  # the first block is above the view
        before = block.total
        self._measure_block(block, text_width)
        self._update_virtual_size()
        if at_end:
            self.set_scroll(None, self.max_scroll_y)
        elif below:
            self.set_scroll(None, top + block.total - before)

    def insert_note(self, index: int, note: Note, *, state: str = "") -> None:
        """Put a note at ``index``: one block changes, whatever the length of the call."""
        if not self._blocks or index >= self._count:
            number = len(self._blocks) - 1
            if number < 0 or len(self._blocks[number].entries) >= 2 * BLOCK:
                self._blocks.append(_Block([], self._text_width() or -1))
                number += 1
            block = self._blocks[number]
            offset = len(block.entries)
        else:
            number, first, _ = self._find(index)
            block = self._blocks[number]
            offset = index - first
        entry = self._new_entry(note, state, block.width)
        block.entries.insert(offset, entry)
        block.total += entry.height
        self._lines += entry.height
        self._count += 1
        if len(block.entries) > 2 * BLOCK:
            half = len(block.entries) // 2
            rest = _Block(block.entries[half:], block.width)
            del block.entries[half:]
            block.total -= rest.total
            self._blocks.insert(number + 1, rest)
        if self.highlighted is not None and self.highlighted >= index:
            self.set_reactive(NotesLog.highlighted, self.highlighted + 1)
        self._hover = None
        self._update_virtual_size()
        self.refresh()

    def append(self, note: Note, *, state: str = "") -> int:
        self.insert_note(self._count, note, state=state)
        # The new note is measured, so the end is known: scroll now, and the
        # note is drawn in the next frame, not the one after.
        self.scroll_end(animate=False, immediate=True)
        return self._count - 1

    def remove_note(self, index: int) -> None:
        """Take note ``index`` out; the highlight stays on the place (the next note)."""
        number, first, _ = self._find(index)
        block = self._blocks[number]
        entry = block.entries.pop(index - first)
        block.total -= entry.height
        self._lines -= entry.height
        self._count -= 1
        if not block.entries:
            del self._blocks[number]
        self._hover = None
        if self.highlighted is not None and self.highlighted >= self._count:
            self.highlighted = self._count - 1 if self._count else None
        self._update_virtual_size()
        self.refresh()

    def update_note(self, index: int, note: Note, *, state: str = "") -> None:
        """Redraw one note: it alone is measured again."""
        number, first, _ = self._find(index)
        block = self._blocks[number]
        old = block.entries[index - first]
        entry = self._new_entry(note, state, block.width)
        if block.width < 0:
            entry.height = old.height
        block.entries[index - first] = entry
        block.total += entry.height - old.height
        self._lines += entry.height - old.height
        self._update_virtual_size()
        self.refresh()

    # -- drawing ----------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        if self.size != self._drawn_size:  # a new size keeps the same note in view
            self._drawn_size = self.size
            if self.highlighted is not None:
                self.scroll_to_highlight()
            elif self._at_end:
                self.set_scroll(None, self.max_scroll_y)
        self._measure_in_view()
        self._at_end = self.scroll_offset.y >= self.max_scroll_y
        self._shown = self._lines_in_view()
        return super().render_lines(crop)

    def _lines_in_view(self) -> dict[int, tuple[_Entry, int, int]]:
        top = self.scroll_offset.y
        bottom = top + self.scrollable_content_region.height
        shown: dict[int, tuple[_Entry, int, int]] = {}
        first = line = 0
        for block in self._blocks:
            if line >= bottom:
                break
            if line + block.total <= top:
                line += block.total
                first += len(block.entries)
                continue
            for offset, entry in enumerate(block.entries):
                for row in range(entry.height):
                    if top <= line + row < bottom:
                        shown[line + row] = (entry, first + offset, row)
                line += entry.height
                if line >= bottom:
                    break
            first += len(block.entries)
        return shown

    def _render_entry(self, entry: _Entry, style: Style, width: int) -> list[Strip]:
        key = (entry, style, width)
        strips = self._renders.get(key)
        if strips is None:
            padding = self.get_component_styles("option-list--option").padding
            prompt = note_prompt(entry.note, self.kind_styles, state=entry.state)
            visual: Visual = RichVisual(self, prompt)
            if padding:
                from textual.visual import Padding

                visual = Padding(visual, padding)
            rendered = Visual.to_strips(self, visual, width, None, style)
            strips = [strip.extend_cell_length(width, style.rich_style) for strip in rendered]
            self._renders[key] = strips
            if len(strips) != entry.height:  # the estimate or measure was off: correct it
                self.call_later(self._correct_height, entry, len(strips))
        return strips

    def _correct_height(self, entry: _Entry, height: int) -> None:
        for block in self._blocks:
            if entry in block.entries:
                block.total += height - entry.height
                self._lines += height - entry.height
                entry.height = height
                self._update_virtual_size()
                self.refresh()
                return

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        found = self._shown.get(self.scroll_offset.y + y)
        if found is None:
            return Strip.blank(width, self.get_visual_style("option-list--option").rich_style)
        entry, index, row = found
        if index == self.highlighted:
            style = self.get_visual_style("option-list--option", "option-list--option-highlighted")
        elif index == self._hover:
            style = self.get_visual_style("option-list--option", "option-list--option-hover")
        else:
            style = self.get_visual_style("option-list--option")
        strips = self._render_entry(entry, style, width)
        if row < len(strips):
            return strips[row]
        return Strip.blank(width, style.rich_style)

    # -- the highlight ----------------------------------------------------
    def validate_highlighted(self, highlighted: int | None) -> int | None:
        if highlighted is None or not self._count:
            return None
        return min(max(highlighted, 0), self._count - 1)

    def watch_highlighted(self, highlighted: int | None) -> None:
        if highlighted is not None:
            self.scroll_to_highlight()
        self.refresh()

    def scroll_to_highlight(self, top: bool = False) -> None:
        highlighted = self.highlighted
        if highlighted is None or not self.is_mounted:
            return
        line, entry = self._line_of(highlighted)
        self.scroll_to_region(
            Region(0, line, self.scrollable_content_region.width, entry.height),
            force=True,
            animate=False,
            top=top,
            immediate=True,
        )

    def on_show(self) -> None:
        self.scroll_to_highlight()

    def action_cursor_up(self) -> None:
        if self._count:
            current = self.highlighted
            self.highlighted = self._count - 1 if current is None else max(0, current - 1)

    def action_cursor_down(self) -> None:
        if self._count:
            current = self.highlighted
            self.highlighted = 0 if current is None else min(self._count - 1, current + 1)

    def action_first(self) -> None:
        if self._count:
            self.highlighted = 0

    def action_last(self) -> None:
        if self._count:
            self.highlighted = self._count - 1

    def _move_page(self, direction: int) -> None:
        line, _ = self._line_of(self.highlighted or 0)
        height = self.scrollable_content_region.height
        target = min(max(line + direction * height, 0), max(self._lines - 1, 0))
        index = self._index_at(target)
        if index is not None:
            self.highlighted = index

    def action_page_up(self) -> None:
        if self.highlighted is None:
            self.action_first()
        elif self._count:
            self._move_page(-1)

    def action_page_down(self) -> None:
        if self.highlighted is None:
            self.action_last()
        elif self._count:
            self._move_page(1)

    # -- the mouse --------------------------------------------------------
    def _index_under(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        found = self._shown.get(self.scroll_offset.y + offset.y)
        return None if found is None else found[1]

    async def _on_click(self, event: events.Click) -> None:
        index = self._index_under(event)
        if index is not None:
            self.highlighted = index

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        index = self._index_under(event)
        if index != self._hover:
            self._hover = index
            self.refresh()

    def _on_leave(self, _: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    @dataclass
    class EditRequested(Message):
        index: int

    @dataclass
    class DeleteRequested(Message):
        index: int

    @dataclass
    class EmailToggleRequested(Message):
        """Put this note into the recap email, or take it out."""

        index: int

    class BackRequested(Message):
        """Back to the note line."""

    # The screen does the work; these only say which note.
    def action_edit(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.EditRequested(self.highlighted))

    def action_toggle_email(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.EmailToggleRequested(self.highlighted))

    def action_delete(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.DeleteRequested(self.highlighted))

    def action_back(self) -> None:
        self.post_message(self.BackRequested())
