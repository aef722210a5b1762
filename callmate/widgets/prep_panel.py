"""The prep beside the notes: what was planned and what is still owed.

One Static on purpose: the live call re-arranges its widgets as the note
line scrolls with each key, and one more text block costs next to nothing
there (BENCHMARKS.md, the keystroke figure with the panel shown).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rich.text import Text
from textual.widgets import Static

from callmate.domain.agenda import short_when
from callmate.domain.models import (
    PROMISE_KEYS,
    Call,
    ContactRole,
    Note,
    NoteKind,
    PrepBrief,
    ResearchArea,
)
from callmate.domain.text import count

QUOTES_SHOWN = 3

_RESEARCH_ORDER = (
    ResearchArea.NEWS,
    ResearchArea.WEBSITE,
    ResearchArea.INSIDE,
    ResearchArea.KNOW,
)


def promise_order(notes: list[Note], today: date) -> list[Note]:
    """What we owe, then what they owe; in each, overdue first (oldest first),
    then by due date, then the undated. The panel letters them in this order."""

    def order(note: Note) -> tuple[int, int, date, int]:
        side = 0 if note.kind is NoteKind.OURS else 1
        if note.due is None:
            return side, 2, date.max, note.id or 0
        return side, (0 if note.due < today else 1), note.due, note.id or 0

    return sorted(notes, key=order)


@dataclass
class PanelPromises:
    """The contact's promises from earlier calls, as the panel lists them."""

    notes: list[Note] = field(default_factory=list)
    kept: set[int] = field(default_factory=set)
    """Ids marked kept on this call (shown ticked; a second press reopens)."""

    def key_of(self, index: int) -> str:
        return PROMISE_KEYS[index] if index < len(PROMISE_KEYS) else ""


def _line(text: str) -> str:
    return " ".join(text.split())


def panel_text(
    call: Call,
    brief: PrepBrief | None,
    promises: PanelPromises,
    today: date,
    *,
    loading: bool,
    unread: str = "",
) -> Text:
    """Everything prepared for this call, for a glance; user text goes in as Text, never markup.

    ``unread``: why the earlier calls could not be read (the team database out of
    reach), said in their place instead of "loading…"."""
    out = Text()

    def heading(title: str, hint: str = "") -> None:
        if out:
            out.append("\n\n")
        out.append(title, style="bold")
        if hint:
            out.append(f"  {hint}", style="dim")

    contact = call.contact
    if contact.role is not ContactRole.OTHER:
        out.append(contact.role.label, style="bold")
        out.append(" · ")
    out.append(contact.name + (f", {contact.company}" if contact.company else ""))
    if contact.phone:  # to dial back if the line drops (issue 21)
        out.append("\nPhone ", style="dim")
        out.append(_line(contact.phone))

    learn = [r for r in call.research if r.area is ResearchArea.LEARN]
    if learn:
        heading("To learn")
        for line in learn:
            out.append("\n· ")
            out.append(_line(line.text))

    facts = [r for area in _RESEARCH_ORDER for r in call.research if r.area is area]
    if facts:
        heading("Research")
        for line in facts:
            out.append(f"\n{line.area.label}: ", style="dim")
            out.append(_line(line.text))

    if loading:
        heading("Earlier calls", unread or "loading…")
        return out
    if brief is None:
        heading("Earlier calls", "none yet")
        return out

    if brief.quotes:
        heading("In their words", f"last {count(brief.calls_before, 'call')}")
        for note in brief.quotes[:QUOTES_SHOWN]:
            out.append("\n“")
            out.append(_line(note.text))
            out.append("”")

    heading("Open promises", "Alt+letter: kept" if promises.notes else "")
    if not promises.notes:
        out.append("\nnone open", style="dim")
    side = None
    for index, note in enumerate(promises.notes):
        if note.kind is not side:
            side = note.kind
            out.append(f"\n{side.label.upper()}", style="dim")
        kept = note.id in promises.kept
        out.append(f"\n{promises.key_of(index) or '·'} ", style="bold")
        out.append(_line(note.text), style="dim strike" if kept else "")
        if kept:
            out.append("\n  ✓ kept on this call", style="bold green")
        elif note.due is None:
            out.append("\n  no date yet", style="dim")
        elif note.due < today:
            out.append(f"\n  OVERDUE since {note.due:%a %d %b}", style="bold")
        else:
            out.append(f"\n  by {short_when(note.due, note.due_time)}", style="dim")
    return out


class PrepPanel(Static):
    """The plan and the contact's history, beside (or, when narrow, over) the notes."""

    DEFAULT_CSS = """
    PrepPanel {
        height: 1fr;
        border: round $accent 50%;
        border-title-align: left;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
