"""The prep brief: what the last calls with this person leave for this one."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from callmate.domain.models import NoteKind, PrepBrief
from callmate.domain.text import count


def brief_text(brief: PrepBrief) -> Text:
    """Plain text with light styling; every user string goes in as Text, never markup."""
    out = Text()
    last = brief.last_started_at.astimezone()
    calls = count(brief.calls_before, "earlier call")
    out.append(f"{calls} · last {last:%a %d %b} · {brief.last_call_type.label}", style="bold")
    if brief.last_outcome:
        out.append(f" · {brief.last_outcome.value.upper()}", style="bold")
    out.append("\nLast goal: ", style="dim")
    out.append(brief.last_goal)
    step = brief.next_step
    if step is not None:
        out.append("\nAgreed next step: ", style="dim")
        out.append(f"{step.what} ({step.owner.value}, {step.due:%a %d %b})")
    if brief.open_commitments:
        out.append("\nStill open:", style="dim")
        for note in brief.open_commitments:
            who = "we owe" if note.kind is NoteKind.OURS else "they owe"
            out.append(f"\n  {who}: ", style="bold")
            out.append(" ".join(note.text.split()))
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

    def show(self, brief: PrepBrief | None) -> None:
        self.brief = brief
        self.display = brief is not None
        self.update(brief_text(brief) if brief is not None else "")
