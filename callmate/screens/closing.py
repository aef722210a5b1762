"""The close: outcome and a dated next step, or the call is not saved.

What is still missing is always on screen; Ctrl+S with anything missing
says so and changes nothing. Escape goes back to the call, notes intact.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Input, Label, Static

from callmate.domain.closing import MISSING_WHAT, ClosingCheck, ClosingDraft, check_closing
from callmate.domain.dates import EXAMPLES
from callmate.domain.models import Call, NextStep, Outcome, Owner
from callmate.screens.base import CallmateScreen
from callmate.widgets.choice_bar import Choice, ChoiceBar
from callmate.widgets.text_field import TextField

OUTCOME_CHOICES = [
    Choice(Outcome.YES.value, "Yes", "y"),
    Choice(Outcome.NO.value, "No", "n"),
    Choice(Outcome.MAYBE.value, "Maybe", "m"),
]
OWNER_CHOICES = [
    Choice(Owner.US.value, "Us", "u"),
    Choice(Owner.THEM.value, "Them", "t"),
    Choice(Owner.BOTH.value, "Both", "b"),
]
PROMPTS = "Ask: “So what's our next step?” · “What would you like to do next?”"


class ClosingScreen(CallmateScreen[Call | None]):
    SUB_TITLE = "Close the call"
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
            yield Label("Outcome: y / n / m", classes="section")
            yield ChoiceBar(OUTCOME_CHOICES, id="outcome")
            yield Label("Next step (required)", classes="section")
            with Horizontal(classes="row"):
                yield Label("What", classes="field-label")
                yield TextField(
                    placeholder="e.g. demo for their ops team", advance=True, id="next-what"
                )
            with Horizontal(classes="row"):
                yield Label("Owner", classes="field-label")
                yield ChoiceBar(OWNER_CHOICES, value=Owner.US.value, id="owner")
            with Horizontal(classes="row"):
                yield Label("Date", classes="field-label")
                yield TextField(placeholder=", ".join(EXAMPLES[:5]), id="next-date")
            yield Static("", id="date-preview", markup=False)
            yield Static("", id="missing", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#outcome", ChoiceBar))
        self.refresh_check()

    # -- reading the form -------------------------------------------------
    def draft(self) -> ClosingDraft:
        outcome = self.query_one("#outcome", ChoiceBar).value
        owner = self.query_one("#owner", ChoiceBar).value
        return ClosingDraft(
            outcome=Outcome(outcome) if outcome else None,
            next_what=self.query_one("#next-what", Input).value,
            next_owner=Owner(owner) if owner else Owner.US,
            due_text=self.query_one("#next-date", Input).value,
        )

    def check(self) -> ClosingCheck:
        return check_closing(self.draft(), self.callmate.today())

    @on(Input.Changed)
    @on(ChoiceBar.Changed)
    def refresh_check(self) -> None:
        self.show_check(self.check())

    def show_check(self, result: ClosingCheck, *, refused: bool = False) -> None:
        preview = self.query_one("#date-preview", Static)
        preview.update(f"→ {result.due_preview}" if result.due_preview else "")
        missing = self.query_one("#missing", Static)
        if result.ready:
            missing.update("Ready to save: press Ctrl+S.")
        else:
            heading = "Not saved yet. Still needed:" if refused else "Still needed:"
            missing.update("\n".join([heading, *(f"• {m}" for m in result.missing)]))
        missing.set_class(not result.ready, "error")
        missing.set_class(refused, "refused")

    @on(Input.Submitted, "#next-date")
    def save_from_date(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    # -- actions ----------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        result = self.check()
        if not result.ready or result.next_step is None:
            self.show_check(result, refused=True)
            self._focus_first_gap(result)
            self.app.bell()
            return
        outcome = self.draft().outcome
        assert outcome is not None
        self.finish(outcome, result.next_step)

    def _focus_first_gap(self, result: ClosingCheck) -> None:
        draft = self.draft()
        if draft.outcome is None:
            target = "#outcome"
        elif MISSING_WHAT in result.missing:
            target = "#next-what"
        else:
            target = "#next-date"
        self.set_focus(self.query_one(target))

    @work(exclusive=True, group="finish-call", exit_on_error=False)
    async def finish(self, outcome: Outcome, next_step: NextStep) -> None:
        call_id = self.call.id
        assert call_id is not None
        ended_at = self.callmate.clock.now()
        with self.callmate.holding_keys():
            saved = await self.store.run(
                lambda repo: repo.finish_call(
                    call_id, outcome=outcome, next_step=next_step, ended_at=ended_at
                )
            )
            self.dismiss(saved)
