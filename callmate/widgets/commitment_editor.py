"""One commitment from the call, given an owner and a due date at the close."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Static

from callmate.domain.agenda import format_clock
from callmate.domain.models import Note
from callmate.widgets.text_field import TextField


class CommitmentEditor(Vertical):
    DEFAULT_CSS = """
    CommitmentEditor {
        height: auto;
        margin: 0 0 0 2;
        & > Horizontal {
            height: 1;
        }
        & Label {
            width: auto;
            padding: 0 1;
        }
        & TextField {
            width: 18;
        }
        & .commitment-date {
            width: 1fr;
            padding: 0 1;
            color: $text-success;
        }
    }
    """

    def __init__(self, note: Note, *, named: str = "") -> None:
        """``named``: the date the promise's words name ("by Friday" → "Friday"),
        put in its date field when it has none, for the user to see and confirm."""
        super().__init__()
        assert note.id is not None
        self.note = note
        self.note_id = note.id
        self.named = named

    def compose(self) -> ComposeResult:
        heading = Text(f"{self.note.kind.label.upper()} ", style="bold")
        heading.append(" ".join(self.note.text.split()))
        heading.truncate(200, overflow="ellipsis")
        yield Static(heading, classes="commitment-text")
        with Horizontal():
            yield Label("who")
            yield TextField(self.note.owner, placeholder="e.g. Sam", advance=True, classes="owner")
            yield Label("by")
            due = self.note.due.isoformat() if self.note.due else self.named
            if self.note.due and self.note.due_time:  # the time stays, as the preview shows
                due += f" {format_clock(self.note.due_time)}"
            yield TextField(due, placeholder="e.g. fri", advance=True, classes="due")
            yield Static("", classes="commitment-date", markup=False)

    @property
    def owner(self) -> str:
        return self.query_one(".owner", TextField).value

    @property
    def due_text(self) -> str:
        return self.query_one(".due", TextField).value

    def show_date(self, preview: str) -> None:
        self.query_one(".commitment-date", Static).update(f"→ {preview}" if preview else "")
