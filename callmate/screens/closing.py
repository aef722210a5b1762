"""The close: outcome and a dated next step, or the call is not saved.

What is still missing is always on screen; Ctrl+S with anything missing
says so and changes nothing. Escape goes back to the call, notes intact.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Input, Label, RadioButton, RadioSet, Static

from callmate.domain.closing import ClosingCheck, ClosingDraft, check_closing
from callmate.domain.dates import EXAMPLES
from callmate.domain.models import Call, NextStep, Outcome, Owner
from callmate.screens.base import CallmateScreen
from callmate.widgets.text_field import TextField

OUTCOMES = [Outcome.YES, Outcome.NO, Outcome.MAYBE]
OWNERS = [Owner.US, Owner.THEM, Owner.BOTH]
OWNER_LABELS = {Owner.US: "Us", Owner.THEM: "Them", Owner.BOTH: "Both"}
PROMPTS = "Ask: “So what's our next step?” · “What would you like to do next?”"


class ClosingScreen(CallmateScreen[Call | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save call", priority=True),
        Binding("escape", "back", "Back to call"),
    ]

    def __init__(self, call: Call) -> None:
        super().__init__()
        self.call = call

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="closing-form"):
            yield Static(PROMPTS, id="closing-prompts", markup=False)
            yield Label("Outcome", classes="section")
            with RadioSet(id="outcome"):
                for outcome in OUTCOMES:
                    yield RadioButton(outcome.value.capitalize(), id=f"outcome-{outcome.value}")
            yield Label("Next step (required)", classes="section")
            with Horizontal(classes="row"):
                yield Label("What", classes="field-label")
                yield TextField(placeholder="e.g. demo for their ops team", id="next-what")
            with Horizontal(classes="row"):
                yield Label("Owner", classes="field-label")
                with RadioSet(id="owner"):
                    for owner in OWNERS:
                        yield RadioButton(
                            OWNER_LABELS[owner], value=owner is Owner.US, id=f"owner-{owner.value}"
                        )
            with Horizontal(classes="row"):
                yield Label("Date", classes="field-label")
                yield TextField(placeholder=", ".join(EXAMPLES[:5]), id="next-date")
            yield Static("", id="date-preview", markup=False)
            yield Static("", id="missing", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#outcome", RadioSet).focus()
        self.refresh_check()

    # -- reading the form -------------------------------------------------
    def _selected(self, radio_set_id: str) -> str | None:
        pressed = self.query_one(f"#{radio_set_id}", RadioSet).pressed_button
        if pressed is None or pressed.id is None:
            return None
        return pressed.id.split("-", 1)[1]

    def draft(self) -> ClosingDraft:
        outcome = self._selected("outcome")
        owner = self._selected("owner")
        return ClosingDraft(
            outcome=Outcome(outcome) if outcome else None,
            next_what=self.query_one("#next-what", Input).value,
            next_owner=Owner(owner) if owner else Owner.US,
            due_text=self.query_one("#next-date", Input).value,
        )

    def check(self) -> ClosingCheck:
        return check_closing(self.draft(), self.callmate.today())

    @on(Input.Changed)
    @on(RadioSet.Changed)
    def refresh_check(self) -> None:
        result = self.check()
        preview = self.query_one("#date-preview", Static)
        preview.update(f"→ {result.due_preview}" if result.due_preview else "")
        missing = self.query_one("#missing", Static)
        if result.ready:
            missing.update("Ready to save: press Ctrl+S.")
            missing.set_class(False, "error")
        else:
            missing.update("Still needed:\n" + "\n".join(f"• {m}" for m in result.missing))
            missing.set_class(True, "error")

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "next-date":
            self.action_save()
        else:
            self.focus_next()

    # -- actions ----------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        result = self.check()
        if not result.ready or result.next_step is None:
            self.refresh_check()
            self.notify(
                "Not saved yet. " + " ".join(result.missing),
                title="Still needed",
                severity="warning",
                markup=False,
            )
            return
        outcome = self.draft().outcome
        assert outcome is not None
        self.finish(outcome, result.next_step)

    @work(exclusive=True, group="finish-call", exit_on_error=False)
    async def finish(self, outcome: Outcome, next_step: NextStep) -> None:
        call_id = self.call.id
        assert call_id is not None
        ended_at = self.callmate.clock.now()
        saved = await self.store.run(
            lambda repo: repo.finish_call(
                call_id, outcome=outcome, next_step=next_step, ended_at=ended_at
            )
        )
        self.dismiss(saved)
