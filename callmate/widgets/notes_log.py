"""The notes of a call, oldest first, each with its time and kind."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from callmate.domain.models import Note, NoteKind, format_offset
from callmate.domain.text import clean

# Kind is shown as a word, never by colour alone. Colours are theme variables.
KIND_COLOURS: dict[NoteKind, str | None] = {
    NoteKind.NOTE: None,
    NoteKind.QUOTE: "text-success",
    NoteKind.PAIN: "text-error",
    NoteKind.OBJECTION: "text-warning",
    NoteKind.OURS: "text-accent",
    NoteKind.THEIRS: "text-primary",
    NoteKind.FOLLOW_UP: "text-secondary",
    NoteKind.PRIVATE: "text-private",  # defined by CallmateApp.get_theme_variable_defaults
}
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
        variable = KIND_COLOURS.get(kind)
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


def note_prompt(note: Note, styles: dict[NoteKind, str], *, state: str = "") -> Table:
    """Offset, in-email mark, kind and text in columns, so wrapped text keeps its indent.

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
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=5, no_wrap=True)
    grid.add_column(width=1, no_wrap=True)
    grid.add_column(width=LABEL_WIDTH, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(
        Text(format_offset(note.offset_seconds), style="dim"),
        Text(IN_EMAIL, style="bold") if note.in_recap else Text(NOT_IN_EMAIL, style="dim"),
        Text(note.kind.label.upper(), style=styles.get(note.kind, "bold")),
        body,
    )
    return grid


class NotesLog(OptionList):
    """Every note of the call. Appending is cheap: only new lines are measured.

    With ``editable`` off (the recap screen) only the in-email key is offered.
    """

    BINDINGS = [
        Binding("space", "toggle_email", "In email / out"),
        Binding("enter", "edit", "Edit note"),
        Binding("delete,backspace", "delete", "Delete note"),
        Binding("escape", "back", "Back to typing"),
    ]

    def __init__(self, *, id: str | None = None, editable: bool = True) -> None:
        super().__init__(id=id, markup=False)
        self.editable = editable
        self._kind_styles: dict[NoteKind, str] | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.editable or action not in ("edit", "delete", "back")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._forget_styles)

    def _forget_styles(self, _theme: object) -> None:
        self._kind_styles = None

    @property
    def kind_styles(self) -> dict[NoteKind, str]:
        if self._kind_styles is None:
            self._kind_styles = kind_styles(self.app.get_css_variables())
        return self._kind_styles

    def show(self, notes: list[Note]) -> None:
        styles = self.kind_styles
        self.set_options(Option(note_prompt(note, styles)) for note in notes)

    def append(self, note: Note, *, state: str = "") -> int:
        self.add_option(Option(note_prompt(note, self.kind_styles, state=state)))
        # add_option has already measured the new line, so the end is known:
        # scroll now, and the note is drawn in the next frame, not the one after.
        self.scroll_end(animate=False, immediate=True)
        return self.option_count - 1

    def update_note(self, index: int, note: Note, *, state: str = "") -> None:
        """Redraw one note; only it and the notes after it are measured again.

        ``replace_option_prompt_at_index`` forgets the layout of every option,
        and measuring a thousand notes (each a small Rich table) took 0.4 s on
        the CI machine: the note marked saved right after Enter stalled the
        next keys that long (benchmarks/note_save.py). This drops only this
        option's cached renders and the line map from it onward, which
        ``_update_lines`` then rebuilds. It uses OptionList internals of the
        pinned Textual; tests/test_live_call.py checks the result matches a
        full re-measure.
        """
        option = self.get_option_at_index(index)
        option._set_prompt(note_prompt(note, self.kind_styles, state=state))
        renders = self._option_render_cache
        for key in [key for key in renders.keys() if key[0] is option]:  # noqa: SIM118 (no __iter__)
            renders.discard(key)
        lines = self._line_cache
        first_line = lines.index_to_line.get(index)
        if first_line is not None:
            del lines.lines[first_line:]
            for later in [i for i in lines.heights if i >= index]:
                del lines.heights[later]
                lines.index_to_line.pop(later, None)
        self._update_lines()
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
