"""The live call: one note line, always focused; everything else in view.

Each note is queued for the database the moment Enter is pressed and
committed on the database thread within about a millisecond, so typing never
waits on disk and a killed terminal loses at most the line being typed.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Static

from callmate.domain.models import Call, Note, parse_tick_command, split_prefix
from callmate.screens.base import CallmateScreen
from callmate.widgets.call_clock import CallClock
from callmate.widgets.checklist import Checklist
from callmate.widgets.notes_log import NotesLog
from callmate.widgets.text_field import TextField

PREFIX_HINT = '"quote  !pain  ~objection  >we owe  <they owe  ?follow up'


class LiveCallScreen(CallmateScreen[None]):
    BINDINGS = [
        Binding("ctrl+o", "close_call", "End call", priority=True),
        *[
            Binding(f"alt+{n}", f"toggle_question({n})", f"Tick {n}", show=False, priority=True)
            for n in range(1, 10)
        ],
    ]

    def __init__(self, call: Call) -> None:
        super().__init__()
        self.call = call

    @property
    def call_id(self) -> int:
        assert self.call.id is not None
        return self.call.id

    def elapsed(self) -> int:
        delta = self.callmate.clock.now() - self.call.started_at
        return max(0, int(delta.total_seconds()))

    def compose(self) -> ComposeResult:
        contact = self.call.contact
        who = contact.name + (f" · {contact.company}" if contact.company else "")
        with Horizontal(id="call-header"):
            with Vertical(id="goals"):
                yield Static(f"Goal: {self.call.goal}", id="goal-line", markup=False)
                backup = self.call.backup_goal or "(none set)"
                yield Static(f"Backup: {backup}", id="backup-line", markup=False)
            with Vertical(id="call-meta"):
                yield CallClock(self.elapsed, id="clock")
                yield Static(who, id="who", markup=False)
        with Horizontal(id="call-body"):
            yield NotesLog(id="notes")
            with Vertical(id="side"):
                yield Label("Questions · Alt+N or /N", classes="section")
                yield Checklist(id="questions")
        yield Static(PREFIX_HINT, id="prefix-hint", markup=False)
        yield TextField(
            placeholder="type a note, Enter saves it", clear_on_submit=True, id="note-input"
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#questions", Checklist).show(self.call.questions)
        log = self.query_one("#notes", NotesLog)
        log.border_title = "Notes"
        for note in self.call.notes:
            log.append(note)
        self.set_focus(self.query_one("#note-input", Input))

    # -- notes ------------------------------------------------------------
    @on(Input.Submitted, "#note-input")
    def submit_note(self, event: Input.Submitted) -> None:
        event.stop()
        numbers = parse_tick_command(event.value)
        if numbers is not None:
            for number in numbers:
                self.action_toggle_question(number)
            return
        kind, text = split_prefix(event.value)
        if not text:
            return
        note = Note(
            kind=kind,
            text=text,
            offset_seconds=self.elapsed(),
            created_at=self.callmate.clock.now(),
        )
        self.call.notes.append(note)
        index = self.query_one("#notes", NotesLog).append(note, pending=True)
        self.save_note(index, note)

    @work(group="save-note", exit_on_error=False)
    async def save_note(self, index: int, note: Note) -> None:
        call_id = self.call_id
        saved = await self.store.run(lambda repo: repo.save_note(call_id, note))
        self.call.notes[index] = saved
        self.query_one("#notes", NotesLog).update_note(index, saved)

    # -- questions --------------------------------------------------------
    def action_toggle_question(self, number: int) -> None:
        index = number - 1
        if not 0 <= index < len(self.call.questions):
            self.notify(f"There is no question {number}.", severity="warning")
            return
        question = self.call.questions[index]
        question.asked = not question.asked
        self.query_one("#questions", Checklist).update_question(index, question)
        if question.id is not None:
            self.persist_asked(question.id, question.asked)

    @work(group="save-question", exit_on_error=False)
    async def persist_asked(self, question_id: int, asked: bool) -> None:
        await self.store.run(lambda repo: repo.set_question_asked(question_id, asked))

    # -- close ------------------------------------------------------------
    def action_close_call(self) -> None:
        from callmate.screens.closing import ClosingScreen

        self.app.push_screen(ClosingScreen(self.call), self.after_closing)

    def after_closing(self, saved: Call | None) -> None:
        if saved is None or saved.id is None:
            self.set_focus(self.query_one("#note-input", Input))
            return
        from callmate.screens.recap import RecapScreen

        self.app.switch_screen(RecapScreen(saved.id))
