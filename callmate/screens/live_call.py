"""The live call: one note line, always focused; everything else in view.

A note is handed to the database thread the moment Enter is pressed, before
anything else happens, and committed there within about a millisecond. So
typing never waits on disk, leaving the screen or quitting cannot cancel a
queued note, and a killed terminal loses at most the line being typed. A
write that fails is shown as not saved, retried, and blocks the close until
it lands.

A long paste goes the same way, at once and whole: the event loop does
nothing that grows with its size (the database thread cleans and checks it),
the log shows it folded to its first lines, marked as saving until it is
committed, and a long note opens whole in a text area to be edited.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Input, Label, Static

from callmate.commands import key_of
from callmate.domain.kinds import prefix_hint
from callmate.domain.limits import TEXT_MAX
from callmate.domain.models import (
    PROMISE_KEYS,
    Call,
    Note,
    NoteKind,
    PrepBrief,
    ResearchArea,
    format_offset,
    parse_keep_command,
    parse_tick_command,
    split_prefix,
)
from callmate.domain.text import clean, clean_line, count
from callmate.screens.base import CallmateScreen
from callmate.widgets.call_clock import CallClock
from callmate.widgets.checklist import Checklist
from callmate.widgets.note_line import NoteLine
from callmate.widgets.notes_log import NotesLog
from callmate.widgets.prep_panel import (
    PanelPromises,
    PrepPanel,
    panel_text,
    promise_order,
)

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

    from callmate.domain.closing import ClosingDraft
    from callmate.screens.closing import ClosingScreen

PREFIX_HINT = prefix_hint(suffix="^T cycles")
"""At most 80 characters, so it fits on one line of an 80-column terminal."""
KIND_CYCLE = list(NoteKind)
RETRY_SECONDS = 2.0
PREP_RETRY_FIRST = 5.0
PREP_RETRY_LAST = 60.0
"""Seconds before the prep, not read (the team database out of reach), is read
again: doubling from the first, up to the last, on a timer (never waited on)."""
PASTE_DRAW_WAIT = 0.1
WIDE = (120, 40)
"""From this terminal size on (columns, rows) the prep panel is beside the notes."""
"""Seconds a paste's first frame waits for its write to commit, at most."""


class Band(Horizontal):
    """A row of the live screen, covered by its children: drawn as its background only.

    Textual renders a container line by line like any widget, then cuts each
    line at every edge of the widgets over it, and a resize does it all again
    for every line of every widget. ``BLANK`` draws the same blank lines (no
    border, no padding, no content) at a fraction of the cost.
    """

    BLANK = True


class HeaderBand(Horizontal):
    """The header row: its padding shows either side, so it is drawn, but one line only.

    Every line of it is alike (no border, no content of its own): one line
    rendered and repeated is what Textual would draw line by line.
    """

    def render_lines(self, crop: Region) -> list[Strip]:
        if crop.height <= 1:
            return super().render_lines(crop)
        return super().render_lines(crop._replace(height=1)) * crop.height


class LiveCallScreen(CallmateScreen[None]):
    """The kind label in its kind's colour, from the kinds table."""

    BLANK = True
    """Its rows are all covered (header, banner, body, hint, note row): drawn as background only."""

    BINDINGS = [
        Binding(
            "ctrl+o",
            "close_call",
            "End call",
            priority=True,
            tooltip="End the call and go to its close",
            id="live.close_call",
        ),
        Binding(
            "ctrl+r",
            "attempt",
            "Didn't connect",
            priority=True,
            tooltip="Didn't connect: log an attempt, or discard the call",
            id="live.attempt",
        ),
        # Ctrl+T is named on the prefix line above the keys; the key line must fit 80 columns.
        Binding(
            "ctrl+t",
            "cycle_kind",
            "Kind",
            show=False,
            priority=True,
            tooltip="Change the kind of the line being typed",
            id="live.cycle_kind",
        ),
        Binding(
            "ctrl+g",
            "toggle_hold",
            "Hold",
            priority=True,
            tooltip="Put the call on hold (the clock pauses) and back",
            id="live.toggle_hold",
        ),
        Binding(
            "ctrl+z",
            "undo_delete",
            "Undo",
            priority=True,
            tooltip="Undo the last delete",
            id="live.undo_delete",
        ),
        Binding(
            "ctrl+b",
            "toggle_prep",
            "Prep",
            priority=True,
            tooltip="Show or hide the prep: research, their words, open promises",
            id="live.toggle_prep",
        ),
        Binding(
            "up",
            "to_notes",
            "Earlier notes",
            show=False,
            tooltip="Go to the notes: Enter edits one, Delete deletes it",
            id="live.to_notes",
        ),
        *[
            Binding(
                f"alt+{n}",
                f"toggle_question({n})",
                f"Tick {n}",
                show=False,
                priority=True,
                tooltip="Tick or untick a planned question (also /N on the note line)",
                id=f"live.tick_{n}",
            )
            for n in range(1, 10)
        ],
        *[
            Binding(
                f"alt+{key}",
                f"keep_promise('{key}')",
                "Mark kept",
                show=False,
                priority=True,
                tooltip="Mark an open promise from an earlier call kept (its letter in the prep)",
                id=f"live.keep_{key}",
            )
            for key in PROMISE_KEYS
        ],
    ]

    HELP = (
        "Type a note and press Enter: it is saved at once. A prefix as the first "
        "character says what kind of note it is."
    )
    HELP_GROUPS = (
        ("The call", ("close_call", "attempt", "toggle_hold", "toggle_prep")),
        ("Notes", ("cycle_kind", "undo_delete", "to_notes")),
        ("Questions and promises", ("toggle_question", "keep_promise")),
    )

    def help_extra(self) -> list[tuple[str, list[tuple[str, str]]]]:
        from callmate.screens.dialogs.help import prefix_lines

        return [("Note prefixes (type first)", prefix_lines())]

    def command_title(self, binding: Binding) -> str | None:
        """The palette's words for the call as it is now."""
        action = binding.action
        if action == "toggle_hold":
            return "Take the call off hold" if self.call.paused_at else "Put the call on hold"
        if action == "close_call":
            return "End call and close it"
        if action.startswith("toggle_question("):
            number = int(action[len("toggle_question(") : -1])
            if number > len(self.call.questions):
                return None
            return f"Tick question {number}: {self.call.questions[number - 1].text}"
        if action.startswith("keep_promise("):
            return None  # lettered in the prep; too many to list
        return binding.description

    def __init__(self, call: Call, *, time_check_minutes: int = 20) -> None:
        super().__init__()
        self.call = call
        self.time_check_seconds = max(1, time_check_minutes) * 60
        self.time_checked = call.elapsed(call.started_at) >= self.time_check_seconds
        self.notes: list[Note] = list(call.notes)
        """Parallel to the log's lines: saved notes, and those still on their way."""
        self.saving: set[int] = set()
        self.in_flight: dict[int, Future[Note | None]] = {}
        self.failed: set[int] = set()
        self.pasted: set[int] = set()
        """Pastes on their way: said to be saved once they are."""
        self.deleted: list[Note] = []
        self.editing: int | None = None
        self._draft_while_editing = ""
        self.closing_draft: ClosingDraft | None = None
        self._kind_shown: tuple[NoteKind, bool] = (NoteKind.NOTE, False)
        self.say = [line for line in call.research if line.area is ResearchArea.SAY]
        """The plan's "say aloud" lines, ticked after the questions (numbered on from them)."""
        self.brief: PrepBrief | None = None
        self.brief_loading = True
        self.brief_unread = ""
        """Why the earlier calls could not be read (read again once the team database is back)."""
        self._prep_retry: Timer | None = None
        self._prep_delay = PREP_RETRY_FIRST
        self.promises = PanelPromises()
        self.wide = False
        """The terminal is big enough (WIDE) for the prep panel beside the notes."""
        self.prep_hidden_wide = False
        self.prep_over_notes = False

    @property
    def call_id(self) -> int:
        assert self.call.id is not None
        return self.call.id

    def elapsed(self) -> int:
        return self.call.elapsed(self.callmate.clock.now())

    # Few widgets on purpose: Textual re-arranges the whole screen as the note
    # line scrolls with each key, so every widget here costs on every keystroke
    # (BENCHMARKS.md). Hence one Static for both goals, the contact inside the
    # clock, and a key line drawn once instead of a Footer of many widgets.
    def compose(self) -> ComposeResult:
        contact = self.call.contact
        who = contact.name + (f" · {contact.company}" if contact.company else "")
        with HeaderBand(id="call-header"):
            yield Static(self._goals_text(), id="goals")
            yield CallClock(who, id="clock")
        yield Static("", id="time-check", markup=False)
        with Band(id="call-body"):
            yield NotesLog(id="notes")
            yield PrepPanel(id="prep")
            yield Checklist(id="questions")
        yield Static(self._keys_text(), id="keys-hint")
        with Band(id="note-row"):
            yield Label("note ▸", id="kind-label")
            yield NoteLine(placeholder="type a note, Enter saves it", id="note-input")

    def _goals_text(self) -> Text:
        """Both goals, each cut to a couple of lines: the notes need the room.

        A goal may hold 500 characters; shown whole, two of them left an
        80x24 call one row for notes. The whole goals stay on the plan and
        close screens.
        """
        text = Text()
        text.append("Goal: ", style="bold")
        text.append(_shortened(self.call.goal), style="bold")
        text.append("\nBackup: ", style="dim")
        text.append(_shortened(self.call.backup_goal) or "(none set)")
        return text

    def _keys_text(self) -> Text:
        text = Text(PREFIX_HINT + "\n", style="dim")
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.show:
                key = key_of(self.app, binding)
                text.append(f"{key} ", style="bold")
                text.append(f"{binding.description}  ", style="dim")
        text.append("↑ ", style="bold")
        text.append("notes  ", style="dim")
        text.append("^p ", style="bold")
        text.append("more", style="dim")
        return text

    def on_mount(self) -> None:
        checklist = self.query_one("#questions", Checklist)
        checklist.border_title = "Questions · Alt+N or /N"
        checklist.show(self.call.questions, self.say)
        log = self.query_one("#notes", NotesLog)
        log.border_title = "Notes · ↑ edit · space: @ in email"
        log.show(self.notes, end=True)  # the first frame shows the latest notes
        self.query_one("#time-check", Static).display = False
        self._place_prep()
        self._draw_prep()
        # After the first frame: the contact's earlier calls are read through
        # the ORM on the database thread, which took the GIL from the first
        # drawing of the notes (a resumed call, benchmarks/growth.py). The
        # panel says it is loading until then, as it did.
        self.call_after_refresh(self.load_prep)
        self.tick()
        self.set_interval(0.5, self.tick)
        self.set_focus(self.note_line)
        self.store.watch_outbox(self.show_waiting)  # the team database out of reach

    def on_unmount(self) -> None:
        self.store.watch_outbox(None)

    def show_waiting(self, line: str) -> None:
        """What waits to reach the team database ("offline · 12 notes waiting"), or "".

        Back in reach ("" after a line): the earlier calls the prep could not
        read are read now."""
        if self.is_attached:
            self.query_one("#clock", CallClock).waiting = line
            if not line and self.brief_unread:
                self.load_prep()

    @property
    def note_line(self) -> NoteLine:
        return self.query_one("#note-input", NoteLine)

    @property
    def notes_log(self) -> NotesLog:
        return self.query_one("#notes", NotesLog)

    # -- the clock --------------------------------------------------------
    def tick(self) -> None:
        clock = self.query_one("#clock", CallClock)
        seconds = self.elapsed()
        clock.seconds = seconds
        clock.on_hold = self.call.paused_at is not None
        if not self.time_checked and seconds >= self.time_check_seconds:
            self.time_checked = True
            clock.time_check = True
            minutes = self.time_check_seconds // 60
            message = (
                f"{count(minutes, 'minute')} in. Say so, and ask if they are happy to keep going."
            )
            banner = self.query_one("#time-check", Static)
            banner.update(message)
            banner.display = True

    def action_toggle_hold(self) -> None:
        now = self.callmate.clock.now()
        call = self.call
        if call.paused_at is None:
            call.paused_at = now
        else:
            held = int((now - call.paused_at).total_seconds())
            call.paused_seconds += max(0, held)
            call.paused_at = None
        self.tick()
        call_id, paused_seconds, paused_at = self.call_id, call.paused_seconds, call.paused_at
        self.store.set_hold(call_id, paused_seconds=paused_seconds, paused_at=paused_at)

    # -- notes ------------------------------------------------------------
    @on(Input.Changed, "#note-input")
    def show_kind(self, event: Input.Changed) -> None:
        self._show_kind(event.value)

    def _show_kind(self, value: str) -> None:
        # Runs on every keystroke: touch the label only when what it says changes.
        kind = split_prefix(value.lstrip()[:1])[0]
        shown = (kind, self.editing is not None)
        if shown == self._kind_shown:
            return
        self._kind_shown = shown
        label = self.query_one("#kind-label", Label)
        editing = "edit " if self.editing is not None else ""
        label.update(f"{editing}{kind.label} ▸")
        label.set_classes(kind.css_class)

    def action_cycle_kind(self) -> None:
        kind, _ = split_prefix(self.note_line.value)
        following = KIND_CYCLE[(KIND_CYCLE.index(kind) + 1) % len(KIND_CYCLE)]
        self.note_line.replace_prefix(following.prefix)

    @on(Input.Submitted, "#note-input")
    def submit_note(self, event: Input.Submitted) -> None:
        event.stop()
        if self.editing is not None:
            self.finish_edit(event.value)
            return
        numbers = parse_tick_command(event.value)
        if numbers is not None:
            for number in numbers:
                self.action_toggle_question(number)
            return
        letters = parse_keep_command(event.value)
        if letters is not None:
            for letter in letters:
                self.action_keep_promise(letter)
            return
        self.add_note(event.value)

    @on(NoteLine.LongPaste)
    def save_paste(self, event: NoteLine.LongPaste) -> None:
        """Queue the paste for the disk first; show it after; nothing costs in its size.

        The text is cleaned and checked on the database thread (a megabyte
        takes milliseconds), and the log shows only its first lines, so the
        event loop does the same small amount of work for any paste.
        """
        kind, rest = split_prefix(self.note_line.value)
        if kind is not NoteKind.NOTE and rest == "" and self.editing is None:
            self.note_line.value = ""  # the paste takes the kind typed before it
        else:
            kind = NoteKind.NOTE
        note = Note.model_construct(  # not checked yet: _save has that done off the loop
            kind=kind,
            text=event.text,
            offset_seconds=self.elapsed(),
            created_at=self.callmate.clock.now(),
        )
        self.notes.append(note)
        index = len(self.notes) - 1
        self.saving.add(index)
        self.pasted.add(index)
        self._save(index, note)
        self.notes_log.append(note, state="saving")
        self._draw_after_write(self.in_flight[index])

    @work(group="paste-draw", exit_on_error=False)
    async def _draw_after_write(self, future: Future[Note | None]) -> None:
        """Hold the next frame until the paste is committed (at most a moment).

        Drawing a frame is tens of milliseconds of Python; on the database
        thread it would be interleaved with the write (each hand-over of the
        GIL waits up to 5 ms), making a paste several times slower to reach
        the disk. Keys are still read meanwhile; they are drawn with it.
        """
        with self.app.batch_update():
            await asyncio.wait([asyncio.wrap_future(future)], timeout=PASTE_DRAW_WAIT)

    def add_note(self, line: str) -> None:
        kind, text = split_prefix(line)
        if not text:
            return
        note = Note(
            kind=kind,
            text=text,
            offset_seconds=self.elapsed(),
            created_at=self.callmate.clock.now(),
        )
        self.notes.append(note)
        index = len(self.notes) - 1
        self.saving.add(index)
        self._save(index, note)
        self.notes_log.append(note, state="saving")

    def _save(self, index: int, note: Note) -> None:
        """Queue the write now, before anything is drawn; only the wait is a worker.

        The note is checked (cleaned, trimmed, cut to fit) on the database
        thread: for a typed line that is instant, for a pasted megabyte it is
        milliseconds the event loop does not spend. A text that is empty once
        cleaned comes back as None.
        """
        future = self.store.save_note_soon(self.call_id, note)  # before the drawing
        self.in_flight[index] = future
        self.watch_save(future)

    def _index_of(self, future: Future[Note | None]) -> int | None:
        """Where the note saved by ``future`` is now (a delete may have moved it)."""
        return next((i for i, f in self.in_flight.items() if f is future), None)

    @work(group="save-note", exit_on_error=False)
    async def watch_save(self, future: Future[Note | None]) -> None:
        try:
            saved = await asyncio.shield(asyncio.wrap_future(future))
        except Exception as error:  # the write failed: say so, keep it, retry
            index = self._index_of(future)
            if index is None:
                return
            self.in_flight.pop(index, None)
            self.saving.discard(index)
            self.failed.add(index)
            self.notes_log.update_note(index, self.notes[index], state="failed")
            self.notify(
                f"A note could not be saved yet ({error}). Retrying.",
                severity="error",
                markup=False,
            )
            note = self.notes[index]
            self.set_timer(RETRY_SECONDS, lambda: self._retry_note(note))
            return
        self._landed(future, saved)

    def _retry_note(self, note: Note) -> None:
        """Retry ``note`` wherever it is now (a delete may have moved it)."""
        index = next((i for i, n in enumerate(self.notes) if n is note), None)
        if index is not None:
            self.retry(index)

    def _landed(self, future: Future[Note | None], saved: Note | None) -> None:
        """Mark the note saved by ``future`` saved (once: the close may wait for it too)."""
        index = self._index_of(future)
        if index is None:
            return
        if saved is None:
            self._drop(index)
        else:
            self._saved(index, saved)

    def _saved(self, index: int, saved: Note) -> None:
        self.in_flight.pop(index, None)
        self.saving.discard(index)
        self.failed.discard(index)
        if index < len(self.notes) and self.notes[index].id is None:
            self.notes[index] = saved
            self.notes_log.update_note(index, saved)
        if index in self.pasted:
            self.pasted.discard(index)
            lines = count(saved.text.count("\n") + 1, "line")
            message = f"Pasted text saved as one note ({lines}, {len(saved.text):,} characters)."
            if len(saved.text) >= TEXT_MAX:
                message += f" A note holds {TEXT_MAX:,} characters at most: the rest was cut."
            self.notify(message, timeout=8 if len(saved.text) >= TEXT_MAX else 5)

    def _drop(self, index: int) -> None:
        """A paste of nothing but spaces and control characters: no note after all."""
        self.in_flight.pop(index, None)
        self.saving.discard(index)
        self.pasted.discard(index)
        del self.notes[index]
        self._shift_indexes(index, -1)
        self.notes_log.remove_note(index)

    def retry(self, index: int) -> None:
        if index in self.failed and index < len(self.notes):
            self.failed.discard(index)
            self.saving.add(index)
            self.notes_log.update_note(index, self.notes[index], state="saving")
            self._save(index, self.notes[index])

    def flush_line(self) -> None:
        """Whatever is typed in the line becomes a note: leaving never loses it."""
        if self.editing is None and self.note_line.value.strip():
            value = self.note_line.value
            self.note_line.value = ""
            if parse_tick_command(value) is None and parse_keep_command(value) is None:
                self.add_note(value)

    # -- editing earlier notes -------------------------------------------
    def action_to_notes(self) -> None:
        if self.prep_over_notes:  # the notes are under the panel: show them first
            self.action_toggle_prep()
        if self.notes and self.focused is self.note_line:
            self.set_focus(self.notes_log)
            self.notes_log.highlighted = len(self.notes) - 1

    @on(NotesLog.BackRequested)
    def action_back_to_line(self) -> None:
        self.set_focus(self.note_line)

    def on_key(self, event: events.Key) -> None:
        """Typing while the log or checklist has focus goes to the note line."""
        if event.key == "space" and self.focused is self.notes_log:
            return  # the log's own key: in or out of the email
        if event.is_printable and event.character and self.focused is not self.note_line:
            event.stop()
            self.set_focus(self.note_line)
            self.note_line.cursor_position = len(self.note_line.value)
            self.note_line.insert_text_at_cursor(event.character)

    def on_paste(self, event: events.Paste) -> None:
        """A paste while the notes or questions have focus goes to the note line, as typing does."""
        event.stop()
        self.set_focus(self.note_line)
        self.note_line.post_message(events.Paste(event.text))

    def _saved_note(self, index: int) -> Note | None:
        if not 0 <= index < len(self.notes):
            return None
        if index in self.saving or index in self.failed or self.notes[index].id is None:
            self.notify("That note is still being saved; try again in a moment.")
            return None
        return self.notes[index]

    @on(NotesLog.EditRequested)
    def edit_note(self, event: NotesLog.EditRequested) -> None:
        note = self._saved_note(event.index)
        if note is None:
            return
        from callmate.screens.dialogs.long_note import is_long

        if is_long(note.text):
            self._open_long(note)
            return
        self.editing = event.index
        self._draft_while_editing = self.note_line.value
        self.note_line.value = note.kind.prefix + note.text
        self.note_line.cursor_position = len(self.note_line.value)
        self.set_focus(self.note_line)
        # In the log's frame, not a toast: a toast outlived the edit and
        # followed the user onto the closing screen.
        self.notes_log.border_subtitle = "editing: Enter saves · Esc cancels"

    def finish_edit(self, value: str) -> None:
        index, self.editing = self.editing, None
        assert index is not None
        self._restore_draft()
        self.notes_log.border_subtitle = ""
        kind, text = split_prefix(value)
        self._change_note(index, kind, text)

    def _open_long(self, note: Note) -> None:
        """A long note opens whole in a text area; the line holds one line."""
        from callmate.screens.dialogs.long_note import LongNoteScreen

        title = f"{note.kind.label.upper()} at {format_offset(note.offset_seconds)}"

        def edited(text: str | None) -> None:
            index = next((i for i, n in enumerate(self.notes) if n.id == note.id), None)
            if text is not None and index is not None:
                self._change_note(index, note.kind, clean(text).strip())
            self.set_focus(self.notes_log)

        self.app.push_screen(LongNoteScreen(title, note.text), edited)

    def _change_note(self, index: int, kind: NoteKind, text: str) -> None:
        note = self.notes[index]
        if not text or (kind is note.kind and text == note.text):
            return
        changed = note.model_copy(update={"kind": kind, "text": text})
        self.notes[index] = changed
        self.notes_log.update_note(index, changed)
        note_id = note.id
        assert note_id is not None
        self.store.update_note(note_id, kind, text)

    def cancel_edit(self) -> None:
        if self.editing is not None:
            self.editing = None
            self._restore_draft()
            self.notes_log.border_subtitle = ""

    def _restore_draft(self) -> None:
        self.note_line.value = self._draft_while_editing
        self.note_line.cursor_position = len(self._draft_while_editing)
        # The line may already hold the draft (none, after Enter): no Changed
        # event then, and the label would still say "edit note".
        self._show_kind(self._draft_while_editing)

    @on(NotesLog.EmailToggleRequested)
    def toggle_in_email(self, event: NotesLog.EmailToggleRequested) -> None:
        """Space on a note: into the recap email, or out of it. Only that row is redrawn."""
        note = self._saved_note(event.index)
        if note is None:
            return
        if note.kind is NoteKind.PRIVATE:
            self.notify("A private note never goes into the email.")
            return
        changed = note.model_copy(update={"in_email": not note.in_recap})
        self.notes[event.index] = changed
        self.notes_log.update_note(event.index, changed)
        note_id, in_email = note.id, changed.in_recap
        assert note_id is not None
        self.store.set_note_in_email(note_id, in_email)

    @on(NotesLog.DeleteRequested)
    def delete_note(self, event: NotesLog.DeleteRequested) -> None:
        note = self._saved_note(event.index)
        if note is None or self.editing is not None:
            return
        del self.notes[event.index]
        self._shift_indexes(event.index, -1)
        self.notes_log.remove_note(event.index)
        self.deleted.append(note)
        note_id, at = note.id, self.callmate.clock.now()
        assert note_id is not None
        self.store.delete_note(note_id, at)
        self.notify("Note deleted. Ctrl+Z brings it back.")
        if not self.notes:
            self.set_focus(self.note_line)

    def action_undo_delete(self) -> None:
        if not self.deleted:
            self.notify("Nothing to undo.")
            return
        note = self.deleted.pop()
        assert note.id is not None
        position = next(
            (i for i, n in enumerate(self.notes) if n.id is not None and n.id > note.id),
            len(self.notes),
        )
        self.notes.insert(position, note)
        self._shift_indexes(position, +1)
        self.notes_log.insert_note(position, note)  # one note measured, not the whole call
        self.notes_log.highlighted = position
        note_id = note.id
        self.store.restore_note(note_id)
        self.notify("Note restored.")

    def _shift_indexes(self, start: int, delta: int) -> None:
        """Keep the in-flight bookkeeping pointing at the same notes."""
        self.saving = {i + delta if i >= start else i for i in self.saving}
        self.in_flight = {i + delta if i >= start else i: f for i, f in self.in_flight.items()}
        self.failed = {i + delta if i >= start else i for i in self.failed}
        self.pasted = {i + delta if i >= start else i for i in self.pasted}

    # -- questions --------------------------------------------------------
    def action_toggle_question(self, number: int) -> None:
        """Tick question ``number``, or, numbered on after them, a say-aloud line."""
        index = number - 1
        questions = self.call.questions
        if len(questions) <= index < len(questions) + len(self.say):
            self._toggle_said(index - len(questions))
            return
        if not 0 <= index < len(questions):
            self.notify(f"There is no question {number}.", severity="warning")
            return
        question = questions[index]
        question.asked = not question.asked
        self.query_one("#questions", Checklist).update_question(index, question)
        question_id, asked = question.id, question.asked
        if question_id is not None:
            self.store.set_question_asked(question_id, asked)

    def _toggle_said(self, index: int) -> None:
        line = self.say[index].model_copy(update={"said": not self.say[index].said})
        self.say[index] = line
        self.query_one("#questions", Checklist).update_say(index, line)
        line_id, said = line.id, line.said
        if line_id is not None:
            self.store.set_research_said(line_id, said)

    @on(Checklist.ToggleRequested)
    def toggle_from_list(self, event: Checklist.ToggleRequested) -> None:
        self.action_toggle_question(event.index + 1)

    # -- the prep panel and the contact's open promises ----------------------
    @work(group="prep", exit_on_error=False)
    async def load_prep(self) -> None:
        """The contact's earlier calls: quotes and open promises, off the event loop."""
        from callmate.store.service import StoreUnavailable, failure_line

        contact_id = self.call.contact.id
        brief = None
        if contact_id is not None:
            try:
                brief = await self.store.prep_brief(contact_id)
            except StoreUnavailable as error:  # the team database out of reach
                first = not self.brief_unread
                self.brief_unread = "not read: the team database is out of reach"
                self._draw_prep()
                if first:
                    self.notify(
                        clean_line(failure_line(error, "The earlier calls could not be read"))
                        + "; they are read when it is back.",
                        severity="warning",
                        markup=False,
                    )
                # Also tried again on a timer: the outbox's line going back to ""
                # is no sign when nothing waited (the server away only for this read).
                if self._prep_retry is None:
                    delay, self._prep_delay = (
                        self._prep_delay,
                        min(self._prep_delay * 2, PREP_RETRY_LAST),
                    )
                    self._prep_retry = self.set_timer(delay, self._retry_prep)
                return
        self.brief, self.brief_loading, self.brief_unread = brief, False, ""
        self._prep_delay = PREP_RETRY_FIRST
        if self._prep_retry is not None:
            self._prep_retry.stop()
            self._prep_retry = None
        if brief is not None:
            today = self.callmate.clock.today()
            self.promises = PanelPromises(promise_order(brief.open_commitments, today))
        self._draw_prep()

    def _retry_prep(self) -> None:
        self._prep_retry = None
        if self.brief_unread:
            self.load_prep()

    def _draw_prep(self) -> None:
        panel = self.query_one("#prep", PrepPanel)
        panel.update(
            panel_text(
                self.call,
                self.brief,
                self.promises,
                self.callmate.clock.today(),
                loading=self.brief_loading,
                unread=self.brief_unread,
            )
        )

    def on_resize(self, event: events.Resize) -> None:
        wide = event.size.width >= WIDE[0] and event.size.height >= WIDE[1]
        if wide != self.wide:
            self.wide = wide
            self._place_prep()

    def _place_prep(self) -> None:
        """Beside the notes when the terminal is big enough; else over them, when asked."""
        panel = self.query_one("#prep", PrepPanel)
        beside = self.wide and not self.prep_hidden_wide
        over = not self.wide and self.prep_over_notes
        panel.display = beside or over
        panel.border_title = "Prep · ^b back to the notes" if over else "Prep · ^b hides"
        self.query_one("#call-body").set_class(beside, "prep-beside")
        self.notes_log.display = not over

    def action_toggle_prep(self) -> None:
        """Show or hide the prep; the note line keeps focus and every key."""
        if self.wide:
            self.prep_hidden_wide = not self.prep_hidden_wide
        else:
            self.prep_over_notes = not self.prep_over_notes
        self._place_prep()
        if self.focused is not self.note_line and not self.notes_log.display:
            self.set_focus(self.note_line)

    def action_keep_promise(self, key: str) -> None:
        """Mark the contact's open promise ``key`` kept; the same key again reopens it."""
        index = PROMISE_KEYS.find(key)
        if self.brief_loading:
            self.notify("The earlier promises are still loading; try again in a moment.")
            return
        if not 0 <= index < len(self.promises.notes):
            shown = len(self.promises.notes)
            self.notify(
                f"There is no open promise {key}."
                + (
                    f" They are lettered a to {PROMISE_KEYS[min(shown, len(PROMISE_KEYS)) - 1]}."
                    if shown
                    else ""
                ),
                severity="warning",
            )
            return
        note = self.promises.notes[index]
        note_id = note.id
        assert note_id is not None
        kept = note_id not in self.promises.kept
        if kept:
            self.promises.kept.add(note_id)
        else:
            self.promises.kept.discard(note_id)
        at = self.callmate.clock.now() if kept else None
        self.store.set_commitment_done(note_id, at)
        self._draw_prep()
        what = " ".join(note.text.split())
        if kept:
            self.notify(f"Kept: {what}. Alt+{key.upper()} again reopens it.", markup=False)
        else:
            self.notify(f"Open again: {what}.", markup=False)

    # -- leaving ----------------------------------------------------------
    def key_escape(self) -> None:
        if self.editing is not None:
            self.cancel_edit()
            self.notify("Edit cancelled.")

    def unsaved_count(self) -> int:
        return len(self.saving) + len(self.failed)

    def action_close_call(self) -> None:
        self.cancel_edit()
        self.flush_line()
        if self.failed:
            self.notify(
                f"{len(self.failed)} note(s) are not saved yet; the call can be closed once "
                "they are. Retrying now.",
                severity="warning",
            )
            for index in list(self.failed):
                self.retry(index)
            return
        if self.in_flight:
            # A note is on its way to the store (about a millisecond): the
            # close lists commitments by their stored ids, so wait for it.
            self.close_after_saves()
            return
        from callmate.screens.closing import ClosingScreen

        call = self.call.model_copy(update={"notes": list(self.notes)})
        self.app.push_screen(ClosingScreen(call, self.closing_draft), self.after_closing)

    def action_attempt(self) -> None:
        """Ctrl+R: no answer, voicemail...; or discard a mistake (screens/dialogs/attempt.py)."""
        from callmate.screens.dialogs.attempt import attempt_from_call

        self.cancel_edit()
        self.flush_line()
        attempt_from_call(self)

    @work(group="close-call", exclusive=True, exit_on_error=False)
    async def close_after_saves(self) -> None:
        with self.callmate.key_order.holding():  # keys typed meanwhile go to the close
            for future in list(self.in_flight.values()):
                try:
                    saved = await asyncio.shield(asyncio.wrap_future(future))
                except Exception:  # watch_save shows the failure and retries it
                    continue
                self._landed(future, saved)
            self.action_close_call()

    def after_closing(self, result: ClosingScreen.Result | None) -> None:
        if result is not None:
            self.closing_draft = result.draft
        if result is None or result.saved is None or result.saved.id is None:
            self.set_focus(self.note_line)
            return
        from callmate.screens.recap import RecapScreen

        self.app.switch_screen(RecapScreen(result.saved.id))


GOAL_SHOWN = 110
"""Characters of each goal in the call's header: about two lines at 80 columns."""


def _shortened(goal: str) -> str:
    return goal if len(goal) <= GOAL_SHOWN else goal[: GOAL_SHOWN - 1].rstrip() + "…"


def quit_asking_if_live(app: App[Any]) -> None:
    """Quit, unless a call is open: then keep its typed line and ask first."""
    from callmate.screens.dialogs.confirm import ConfirmScreen

    live = next((s for s in app.screen_stack if isinstance(s, LiveCallScreen)), None)
    if live is None or isinstance(app.screen, ConfirmScreen):
        app.exit()
        return
    live.flush_line()
    question = (
        "This call is still open. Quit anyway?\n"
        "Every note is saved, and callmate will offer to resume the call next time."
    )

    def answered(yes: bool | None) -> None:
        if yes:
            app.exit()

    app.push_screen(ConfirmScreen(question), answered)
