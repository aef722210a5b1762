"""The prep brief: what the last calls with this person leave for this one."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widgets import Static

from callmate.domain.agenda import short_when
from callmate.domain.models import Note, NoteKind, PrepBrief
from callmate.domain.text import count


def _urgency(note: Note, today: date) -> tuple[int, date]:
    """Overdue first (oldest first), then by due date, then the undated."""
    if note.due is None:
        return 2, date.max
    return (0 if note.due < today else 1), note.due


def brief_text(brief: PrepBrief, today: date) -> Text:
    """Plain text with light styling; every user string goes in as Text, never markup."""
    out = Text()
    last = brief.last_started_at.astimezone()
    tries = count(brief.attempts_since, "attempt")
    if not brief.calls_before:
        out.append(f"No conversation yet · {tries} · last {last:%a %d %b}", style="bold")
    else:
        calls = count(brief.calls_before, "earlier call")
        out.append(f"{calls} · last {last:%a %d %b} · {brief.last_call_type.label}", style="bold")
        if brief.last_outcome:
            out.append(f" · {brief.last_outcome.value.upper()}", style="bold")
        if brief.attempts_since:
            out.append(f" · {tries} since", style="dim")
    out.append("\nLast goal: ", style="dim")
    out.append(brief.last_goal)
    step = brief.next_step
    if step is not None:
        out.append("\nAgreed next step: ", style="dim")
        out.append(f"{step.what} ({step.owner.value}, {short_when(step.due, step.due_time)})")
    for kind, heading in ((NoteKind.OURS, "We still owe"), (NoteKind.THEIRS, "They still owe")):
        promises = [n for n in brief.open_commitments if n.kind is kind]
        if not promises:
            continue
        out.append(f"\n{heading}:", style="dim")
        for note in sorted(promises, key=lambda n: _urgency(n, today)):
            out.append("\n  ")
            if note.due is not None and note.due < today:
                out.append("OVERDUE", style="bold reverse")
                out.append(" ")
            out.append(" ".join(note.text.split()))
            details = [note.owner] if note.owner else []
            if note.due is not None:
                details.append(f"by {short_when(note.due, note.due_time)}")
            if details:
                out.append(f" ({', '.join(details)})", style="dim")
    if brief.quotes:
        out.append("\nTheir words:", style="dim")
        for note in brief.quotes[:3]:
            out.append("\n  “")
            out.append(" ".join(note.text.split()))
            out.append("”")
    if brief.unasked:
        out.append("\nNot asked last time: ", style="dim")
        out.append(", ".join(brief.unasked))
    if brief.follow_ups:
        out.append("\nTo follow up: ", style="dim")
        out.append(", ".join(" ".join(text.split()) for text in brief.follow_ups))
    if brief.unasked or brief.follow_ups:
        out.append("  (Ctrl+L adds them)", style="dim italic")
    return out


class PrepBriefView(Static):
    DEFAULT_CSS = """
    PrepBriefView {
        height: auto;
        border: round $accent 60%;
        border-title-align: left;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.brief: PrepBrief | None = None

    def on_mount(self) -> None:
        self.border_title = "Prep brief"
        self.display = False

    def show(self, brief: PrepBrief | None, today: date) -> None:
        self.brief = brief
        self.display = brief is not None
        self.update(brief_text(brief, today) if brief is not None else "")
