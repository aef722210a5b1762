"""The notes of a call, newest last, each with its kind and time offset."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from callmate.domain.models import Note, NoteKind, format_offset

# Kind is shown as a word, never by colour alone.
KIND_STYLES: dict[NoteKind, str] = {
    NoteKind.NOTE: "dim",
    NoteKind.QUOTE: "bold $success",
    NoteKind.PAIN: "bold $error",
    NoteKind.OBJECTION: "bold $warning",
    NoteKind.OURS: "bold $accent",
    NoteKind.THEIRS: "bold $secondary",
    NoteKind.FOLLOW_UP: "bold $primary",
}
LABEL_WIDTH = max(len(kind.label) for kind in NoteKind)


def note_prompt(note: Note, *, pending: bool = False) -> Content:
    label = note.kind.label.upper().ljust(LABEL_WIDTH)
    text = f"“{note.text}”" if note.kind is NoteKind.QUOTE else note.text
    mark = " …" if pending else ""
    return Content.assemble(
        (format_offset(note.offset_seconds), "dim"),
        " ",
        (label, KIND_STYLES[note.kind]),
        " ",
        text,
        (mark, "dim italic"),
    )


class NotesLog(OptionList):
    """Every note of the call. Appending is cheap: only new lines are measured."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)

    def append(self, note: Note, *, pending: bool = False) -> int:
        self.add_option(Option(note_prompt(note, pending=pending)))
        index = self.option_count - 1
        self.scroll_end(animate=False)
        return index

    def update_note(self, index: int, note: Note, *, pending: bool = False) -> None:
        self.replace_option_prompt_at_index(index, note_prompt(note, pending=pending))
