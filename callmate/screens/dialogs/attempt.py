"""Ctrl+R, "didn't connect": log an attempt in a few keys, or discard a mistake.

One key for what happened (n no answer, v voicemail, g gatekeeper, w wrong
number), then the date of the next try, ``tomorrow`` already in the field:
Enter saves. From the live call that is Ctrl+R, n, Enter. Nothing else is
asked (no outcome, no reason, no recap); the notes typed stay on the call
(a voicemail's notes are what was said in the message).

From the live call, ``x`` instead discards the call (started by mistake),
after asking; Ctrl+Z on home, or on the next launch until another call
starts, brings it back.

The dialog only asks; :func:`attempt_from_call` and :func:`attempt_from_plan`
do the saving for the two screens that offer it, so each of them needs one
binding and one line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from callmate.domain.agenda import short_when
from callmate.domain.attempts import SUGGESTED_DATE, AttemptCheck, AttemptField, check_attempt
from callmate.domain.models import ATTEMPT_KINDS, Call, Connection, NextStep
from callmate.widgets.choice_bar import Choice, ChoiceBar
from callmate.widgets.text_field import TextField

if TYPE_CHECKING:
    from datetime import date

    from callmate.screens.host import CallmateHost
    from callmate.screens.live_call import LiveCallScreen
    from callmate.screens.precall import PreCallScreen

KIND_CHOICES = [Choice(kind.value, kind.label.capitalize(), kind.key) for kind in ATTEMPT_KINDS]
DISCARDED = "Call discarded. Ctrl+Z brings it back."


class AttemptScreen(ModalScreen["AttemptScreen.Result | None"]):
    """Asks what happened and when to try again; Esc goes back, changing nothing."""

    DEFAULT_CSS = """
    AttemptScreen {
        align: center middle;
    }
    #attempt {
        width: 74;
        max-width: 100%;
        height: auto;
        border: round $accent;
        background: $panel;
        padding: 0 1;
    }
    #attempt .row {
        height: auto;
    }
    #attempt .field-label {
        width: 11;
    }
    #attempt-preview {
        color: $text-success;
    }
    #attempt-preview.error {
        color: $text-error;
    }
    #attempt-keys {
        color: $text-muted;
    }
    """

    @dataclass(frozen=True)
    class Result:
        connection: Connection | None
        """What happened; None when the call is to be discarded instead."""
        next_step: NextStep | None

        @property
        def discard(self) -> bool:
            return self.connection is None

    BINDINGS = [
        Binding("escape", "cancel", "Back", id="attempt.cancel"),
        Binding("x", "discard", "Discard call", priority=True, id="attempt.discard"),
    ]

    def __init__(
        self,
        who: str,
        today: date,
        *,
        cadence_days: int,
        discardable: bool = True,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.who = who
        self.today = today
        self.now = now
        """Local wall-clock time: a time already gone today is refused."""
        self.cadence_days = cadence_days
        self.discardable = discardable

    def compose(self) -> ComposeResult:
        with Vertical(id="attempt"):
            yield Static(f"Didn't connect · {self.who}", id="attempt-title", markup=False)
            with Horizontal(classes="row"):
                yield Label("What", classes="field-label")
                yield ChoiceBar(KIND_CHOICES, id="attempt-kind")
            with Horizontal(classes="row"):
                yield Label("Try again", classes="field-label")
                yield TextField(
                    SUGGESTED_DATE, placeholder="tomorrow, fri, next tue, 12/3", id="attempt-date"
                )
            yield Static("", id="attempt-preview", markup=False)
            keys = "Enter saves · Esc back"
            if self.discardable:
                keys += " · x discards this call (started by mistake)"
            yield Static(keys, id="attempt-keys", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_focus(self.kind_bar)
        self.refresh_check()

    @property
    def kind_bar(self) -> ChoiceBar:
        return self.query_one("#attempt-kind", ChoiceBar)

    @property
    def date_field(self) -> TextField:
        return self.query_one("#attempt-date", TextField)

    def connection(self) -> Connection | None:
        value = self.kind_bar.value
        return Connection(value) if value else None

    def check(self) -> AttemptCheck:
        return check_attempt(
            self.connection(),
            self.date_field.value,
            self.today,
            cadence_days=self.cadence_days,
            now=self.now().time() if self.now else None,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "discard":
            # Not while typing a date (x is a letter there), nor with no call to discard.
            return self.discardable and self.focused is not self.date_field
        return True

    @on(ChoiceBar.Changed, "#attempt-kind")
    def kind_picked(self) -> None:
        """A kind is picked: on to the date, all of it selected so typing replaces it."""
        field = self.date_field
        self.set_focus(field)
        field.select_all()
        self.refresh_bindings()
        self.refresh_check()

    @on(Input.Changed, "#attempt-date")
    def refresh_check(self) -> None:
        self.show(self.check())

    def show(self, result: AttemptCheck, *, refused: bool = False) -> None:
        preview = self.query_one("#attempt-preview", Static)
        lines = [f"→ {result.due_preview}"] if result.due_preview else []
        if result.cadence_warning:
            lines.append(f"⚠ {result.cadence_warning}")
        if refused:
            lines += [f"• {m.text}" for m in result.missing]
        else:  # while typing: only what is wrong with the date typed so far
            lines += [m.text for m in result.missing if m.about_typed]
        preview.update("\n".join(lines))
        preview.set_class(refused or any(m.past for m in result.missing), "error")

    @on(Input.Submitted, "#attempt-date")
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def key_enter(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        result = self.check()
        if not result.ready or result.next_step is None:
            self.show(result, refused=True)
            first = result.missing[0].field if result.missing else AttemptField.DATE
            self.set_focus(self.kind_bar if first is AttemptField.KIND else self.date_field)
            self.app.bell()
            return
        connection, step = self.connection(), result.next_step
        if result.cadence_warning is None:
            self.dismiss(self.Result(connection, step))
            return
        from callmate.screens.dialogs.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(self.Result(connection, step))
            else:
                self.set_focus(self.date_field)

        self.app.push_screen(
            ConfirmScreen(f"{result.cadence_warning}\n\nSave with this date anyway?"), answered
        )

    def action_discard(self) -> None:
        from callmate.screens.dialogs.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(self.Result(None, None))

        self.app.push_screen(
            ConfirmScreen(
                f"Discard this call with {self.who}? It was started by mistake.\n"
                "It leaves every list and the export; Ctrl+Z on home brings it back "
                "until another call starts."
            ),
            answered,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


def _dialog(app: CallmateHost, who: str, *, discardable: bool) -> AttemptScreen:
    return AttemptScreen(
        who,
        app.clock.today(),
        cadence_days=app.preferences.cadence_days,
        discardable=discardable,
        now=app.clock.local_now,
    )


def _who(call: Call) -> str:
    contact = call.contact
    return contact.name + (f" · {contact.company}" if contact.company else "")


def _logged(call: Call) -> str:
    step = call.next_step
    when = f": try again {short_when(step.due, step.due_time)}" if step else ""
    return f"Logged {call.connection.label} with {call.contact.name}{when}."


def _home(app: CallmateHost) -> None:
    """Back to home, under every screen of the call (home reloads as it resumes)."""
    while len(app.screen_stack) > 1:
        app.pop_screen()


def attempt_from_call(screen: LiveCallScreen) -> None:
    """The live call's Ctrl+R. What was typed is already on its way to the store,
    queued ahead of the attempt: the notes stay on the call."""
    app = screen.callmate
    if screen.failed:
        screen.action_close_call()  # says which notes are not saved yet, and retries
        return
    call_id = screen.call_id

    async def save(result: AttemptScreen.Result) -> None:
        from callmate.domain.closing import AlreadyClosedError

        at = app.clock.now()
        with app.key_order.holding():
            if result.connection is None:
                if await app.store.discard_call(call_id, at):
                    app.notify(DISCARDED, markup=False)
                else:
                    app.notify("This call was closed in another window: not discarded.")
                _home(app)
                return
            connection, step = result.connection, result.next_step
            assert step is not None
            try:
                saved = await app.store.log_attempt(call_id, connection, step, at)
            except AlreadyClosedError:
                app.notify(
                    "This call was already closed in another window; nothing was changed.",
                    severity="warning",
                    markup=False,
                )
            else:
                app.notify(_logged(saved), markup=False)
            _home(app)

    def answered(result: AttemptScreen.Result | None) -> None:
        if result is None:
            screen.set_focus(screen.note_line)
        else:
            screen.run_worker(save(result), group="attempt", exit_on_error=False)

    app.push_screen(_dialog(app, _who(screen.call), discardable=True), answered)


def attempt_from_plan(screen: PreCallScreen, call: Call) -> None:
    """The plan's Ctrl+R: the call is stored as planned, and at once as an attempt."""
    app = screen.callmate

    async def save(connection: Connection, step: NextStep) -> None:
        at = app.clock.now()
        planned = call.model_copy(update={"started_at": at})

        with app.key_order.holding():
            try:
                saved = await app.store.start_as_attempt(planned, connection, step, at)
            finally:
                screen.starting = False
            screen.planned_and_stored()
            app.notify(_logged(saved), markup=False)
            _home(app)

    def answered(result: AttemptScreen.Result | None) -> None:
        if result is None or result.connection is None or result.next_step is None:
            screen.starting = False
            return
        screen.run_worker(
            save(result.connection, result.next_step), group="attempt", exit_on_error=False
        )

    screen.starting = True
    app.push_screen(_dialog(app, _who(call), discardable=False), answered)
