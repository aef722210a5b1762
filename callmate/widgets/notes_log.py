"""The notes of a call, newest last, each with its kind and time offset."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from callmate.domain.models import Note, NoteKind, format_offset

# Kind is shown as a word, never by colour alone. Colours are theme variables.
KIND_COLOURS: dict[NoteKind, str | None] = {
    NoteKind.NOTE: None,
    NoteKind.QUOTE: "text-success",
    NoteKind.PAIN: "text-error",
    NoteKind.OBJECTION: "text-warning",
    NoteKind.OURS: "text-accent",
    NoteKind.THEIRS: "text-primary",
    NoteKind.FOLLOW_UP: "text-secondary",
}
LABEL_WIDTH = max(len(kind.label) for kind in NoteKind)


def kind_styles(theme_variables: dict[str, str]) -> dict[NoteKind, str]:
    """Rich styles for each kind, resolved from the current theme's colours."""
    styles = {}
    for kind, variable in KIND_COLOURS.items():
        colour = theme_variables.get(variable or "", "")
        styles[kind] = f"bold {colour}".strip() if variable else "dim"
    return styles


def note_prompt(note: Note, styles: dict[NoteKind, str], *, pending: bool = False) -> Table:
    """Offset, kind and text in columns, so wrapped text keeps its indent."""
    text = f"“{note.text}”" if note.kind is NoteKind.QUOTE else note.text
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=5, no_wrap=True)
    grid.add_column(width=LABEL_WIDTH, no_wrap=True)
    grid.add_column(ratio=1)
    body = Text(text)
    if pending:
        body.append(" …", style="dim italic")
    grid.add_row(
        Text(format_offset(note.offset_seconds), style="dim"),
        Text(note.kind.label.upper(), style=styles[note.kind]),
        body,
    )
    return grid


class NotesLog(OptionList):
    """Every note of the call. Appending is cheap: only new lines are measured."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._kind_styles: dict[NoteKind, str] | None = None

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._forget_styles)

    def _forget_styles(self, _theme: object) -> None:
        self._kind_styles = None

    @property
    def kind_styles(self) -> dict[NoteKind, str]:
        if self._kind_styles is None:
            self._kind_styles = kind_styles(self.app.get_css_variables())
        return self._kind_styles

    def append(self, note: Note, *, pending: bool = False) -> int:
        self.add_option(Option(note_prompt(note, self.kind_styles, pending=pending)))
        index = self.option_count - 1
        self.scroll_end(animate=False)
        return index

    def update_note(self, index: int, note: Note, *, pending: bool = False) -> None:
        prompt = note_prompt(note, self.kind_styles, pending=pending)
        self.replace_option_prompt_at_index(index, prompt)
