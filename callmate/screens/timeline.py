"""Every call with one person, in order: what was aimed for, what came of it,
what was promised, and whether it was kept."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from callmate.domain.agenda import short_when
from callmate.domain.models import CallStatus, ContactRole, NoteKind
from callmate.domain.text import clean_line, count
from callmate.screens.base import CallmateScreen

if TYPE_CHECKING:
    from callmate.domain.models import Call, Contact, Note
    from callmate.store.service import NotYours

PRIVATE_SHOWN = 3
"""Private notes listed under a call, the first ones made ..."""
PRIVATE_CHARS = 120
"""... each cut to this many characters."""
GOAL_RESULT = {"primary": "goal met", "backup": "backup met", "neither": "neither goal met"}


def slipped(moved_from: list[date]) -> str:
    """`` · moved twice, first due 2 Dec`` for a date that slipped, else ""."""
    if not moved_from:
        return ""
    from callmate.domain.models import describe_moves  # loaded with the calls already

    return f" · {describe_moves(moved_from)}"


def kept_label(done: bool, due: date | None, today: date) -> tuple[str, str]:
    if done:
        return "KEPT", "bold"
    if due is not None and due < today:
        return "OVERDUE", "bold reverse"
    return "OPEN", "dim"


def ago(day: date, today: date) -> str:
    """``today``, ``yesterday``, ``3 days ago``."""
    days = (today - day).days
    if days <= 0:
        return "today"
    return "yesterday" if days == 1 else f"{days:,} days ago"


def call_prompt(call: Call, today: date, tries: int = 0, rep: str | None = None) -> Text:
    """``rep``: who made the call, on the team database (a name is text, never markup)."""
    out = Text()
    started = call.started_at.astimezone()
    if rep is not None:
        out.append(clean_line(rep) or "?", style="bold")
        out.append(f" · {ago(started.date(), today)} · ")
    out.append(f"{started:%a %d %b %Y} · {call.call_type.label}", style="bold")
    if call.status is CallStatus.LIVE:
        out.append(" · STILL OPEN", style="bold reverse")
    elif call.connection.is_attempt:
        from callmate.domain.agenda import describe_try

        out.append(f" · DIDN'T CONNECT: {describe_try(call.connection.value, tries)}")
    elif call.outcome:
        out.append(f" · {call.outcome.value.upper()}", style="bold")
        if call.goal_result:
            out.append(f" ({GOAL_RESULT[call.goal_result.value]})")
        if call.reason or call.reason_text:
            why = ", ".join(
                p for p in (call.reason.label if call.reason else "", call.reason_text) if p
            )
            out.append(f" · why: {why}", style="dim")
    out.append("\n  Goal: ", style="dim")
    out.append(call.goal)
    if call.backup_goal:
        out.append(" · backup: ", style="dim")
        out.append(call.backup_goal)
    step = call.next_step
    if step is not None:
        label, style = kept_label(call.next_step_done_at is not None, step.due, today)
        out.append("\n  Next step: ", style="dim")
        out.append(f"{step.what} ({step.owner.value}, {short_when(step.due, step.due_time)}) ")
        out.append(label, style=style)
        out.append(slipped(step.moved_from), style="dim")
    for quote in [n for n in call.notes if n.kind is NoteKind.QUOTE][:3]:
        out.append("\n  “")
        out.append(" ".join(quote.text.split()))
        out.append("”")
    # Private notes are the user's own: shown here, never in what is sent.
    for private in [n for n in call.notes if n.kind is NoteKind.PRIVATE][:PRIVATE_SHOWN]:
        text = " ".join(private.text.split())
        if len(text) > PRIVATE_CHARS:
            text = text[: PRIVATE_CHARS - 1] + "…"
        out.append("\n  PRIVATE ", style="bold")
        out.append(text)
    return out


def commitment_prompt(note: Note, today: date) -> Text:
    label, style = kept_label(note.done_at is not None, note.due, today)
    out = Text(f"    {note.kind.label}: ", style="dim")
    out.append(" ".join(note.text.split()))
    details = [note.owner] if note.owner else []
    if note.due:
        details.append(f"by {short_when(note.due, note.due_time)}")
    if details:
        out.append(f" ({', '.join(details)})", style="dim")
    out.append("  ")
    out.append(label, style=style)
    out.append(slipped(note.moved_from), style="dim")
    return out


class TimelineScreen(CallmateScreen[None]):
    SUB_TITLE = "Timeline"
    LEAVES_FREELY = True
    """Ctrl+P may leave it for home, a new call, search or settings."""
    BINDINGS = [
        Binding("enter", "open", "Open call", show=False, id="timeline.open"),
        Binding("d", "toggle_kept", "Kept / open", priority=True, id="timeline.toggle_kept"),
        Binding("f", "follow_up", "New call", priority=True, id="timeline.follow_up"),
        Binding("escape", "back", "Back", id="timeline.back"),
    ]

    def __init__(self, contact_id: int) -> None:
        super().__init__()
        self.contact_id = contact_id
        self.contact: Contact | None = None
        self.calls: list[Call] = []
        self.entries: list[tuple[str, Call, Note | None]] = []
        self.theirs: dict[int, str] = {}
        """Calls another rep made, with their name (the team database)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="timeline-title", markup=False)
        yield OptionList(id="timeline", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        if self.contact is not None:
            self.load()

    @work(exclusive=True, group="timeline", exit_on_error=False)
    async def load(self) -> None:
        contact_id = self.contact_id
        today = self.callmate.clock.today()
        contact, calls, records = await self.store.timeline(contact_id, today)
        # Who made each call: the team database's reps (nothing on SQLite, one person).
        ids = [c.id for c in calls if c.id is not None]
        reps = await self.store.rep_names(ids)
        # Another rep's calls: only they may change them (row-level security).
        self.theirs = await self.store.others_calls(ids)
        self.contact, self.calls = contact, calls
        title = contact.name + (f" · {contact.company}" if contact.company else "")
        role = "" if contact.role is ContactRole.OTHER else f" · {contact.role.label}"
        from callmate.domain.attempts import attempts_since_conversation, tries

        tried = tries(calls)
        since = attempts_since_conversation(calls)
        since_text = (
            f" · {count(since, 'attempt')} since the last conversation"
            if since and len(tried) < len(calls)
            else (f" · {count(since, 'attempt')}, no conversation yet" if since else "")
        )
        # How to reach them (issue 21), a line of its own when anything is known.
        reach = " · ".join(part for part in (contact.title, contact.email, contact.phone) if part)
        self.query_one("#timeline-title", Static).update(
            f"{title}{role} · {count(len(calls), 'call')}{since_text}. "
            "Enter opens a call; d marks a line kept or open.\n"
            + (f"{reach}\n" if reach else "")
            + f"{records[contact_id].lines()}"
        )
        options: list[Option] = []
        self.entries = []
        for call in calls:
            rep = reps.get(call.id) if call.id is not None else None
            options.append(Option(call_prompt(call, today, tried.get(call.id or 0, 0), rep)))
            self.entries.append(("call", call, None))
            for note in call.notes:
                if note.is_commitment:
                    options.append(Option(commitment_prompt(note, today)))
                    self.entries.append(("commitment", call, note))
        listing = self.query_one("#timeline", OptionList)
        keep = listing.highlighted
        listing.set_options(options)
        if options:
            listing.highlighted = (
                min(keep, len(options) - 1) if keep is not None else len(options) - 1
            )
        self.set_focus(listing)

    def _entry(self) -> tuple[str, Call, Note | None] | None:
        index = self.query_one("#timeline", OptionList).highlighted
        return self.entries[index] if index is not None and self.entries else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        entry = self._entry()
        if entry is None or entry[1].id is None:
            return
        call = entry[1]
        if call.connection.is_attempt:
            # Nobody was reached, so there is nothing to recap to them.
            self.notify(
                f"{call.connection.label.capitalize()}: no conversation, so no recap to send.",
                markup=False,
            )
            return
        from callmate.screens.recap import RecapScreen

        self.app.push_screen(RecapScreen(entry[1].id))

    def action_toggle_kept(self) -> None:
        entry = self._entry()
        if entry is None:
            return
        kind, call, note = entry
        rep = self.theirs.get(call.id or 0)
        if rep is not None and (kind == "commitment" or call.next_step is not None):
            from callmate.store.service import NotYours

            self._refused(NotYours(rep))
            return
        now = self.callmate.clock.now()
        if kind == "commitment" and note is not None and note.id is not None:
            note_id, at = note.id, (None if note.done_at else now)
            self.change(call.id or 0, note_id, at)
        elif call.next_step is not None and call.id is not None:
            call_id, at = call.id, (None if call.next_step_done_at else now)
            self.change(call_id, None, at)

    @work(group="timeline-change", exit_on_error=False)
    async def change(self, call_id: int, note_id: int | None, at: datetime | None) -> None:
        from callmate.store.service import NotYours

        try:
            await self.store.set_promise_done(call_id, note_id, at)
        except NotYours as refused:  # its owner changed since the list was read
            self._refused(refused)
        self.load()

    def _refused(self, refused: NotYours) -> None:
        from callmate.store.service import failure_line

        self.notify(clean_line(failure_line(refused)), severity="warning", markup=False)

    def action_follow_up(self) -> None:
        if self.contact is None:
            return
        from callmate.screens.precall import FollowUp, PreCallScreen

        last = self.calls[-1] if self.calls else None
        goal = last.next_step.what if last and last.next_step else ""
        if last and last.connection.is_attempt:
            goal = last.goal  # "Try again" is no goal: the retry keeps the call's

        follows = last.id if last and last.next_step and not last.next_step_done_at else None
        self.app.push_screen(
            PreCallScreen(
                question_limit=self.callmate.preferences.settings.question_limit,
                prefill=FollowUp(self.contact, goal, follows),
            )
        )

    def action_back(self) -> None:
        self.app.pop_screen()
