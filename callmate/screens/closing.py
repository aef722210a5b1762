"""The close: outcome and a dated next step, or the call is not saved.

What is still missing is always on screen; Ctrl+S with anything missing
says so and changes nothing. Escape goes back to the call, notes intact.
"""

from __future__ import annotations

from dataclasses import dataclass

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


class ClosingScreen(CallmateScreen["ClosingScreen.Result"]):
    SUB_TITLE = "Close the call"

    @dataclass(frozen=True)
    class Result:
        saved: Call | None
        """The finished call, or None when the user went back to the call."""
        draft: ClosingDraft
        """What was filled in, to show again if the user comes back."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save call", priority=True),
        Binding("escape", "back", "Back to call"),
    ]

    def __init__(self, call: Call, draft: ClosingDraft | None = None) -> None:
        super().__init__()
        self.call = call
        self.initial = draft
        self.saving = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="closing-form"):
            who = self.call.contact.name
            backup = self.call.backup_goal or "(none set)"
            yield Static(
                f"With {who} · goal: {self.call.goal} · backup: {backup}",
                id="closing-goals",
                markup=False,
            )
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
        if self.initial is not None:
            draft = self.initial
            self.query_one("#outcome", ChoiceBar).value = (
                draft.outcome.value if draft.outcome else None
            )
            self.query_one("#owner", ChoiceBar).value = draft.next_owner.value
            self.query_one("#next-what", Input).value = draft.next_what
            self.query_one("#next-date", Input).value = draft.due_text
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
        self.dismiss(self.Result(saved=None, draft=self.draft()))

    def action_save(self) -> None:
        result = self.check()
        if not result.ready or result.next_step is None:
            self.show_check(result, refused=True)
            self._focus_first_gap(result)
            self.app.bell()
            return
        outcome = self.draft().outcome
        assert outcome is not None
        if not self.saving:
            self.saving = True
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

    @work(group="finish-call", exit_on_error=False)
    async def finish(self, outcome: Outcome, next_step: NextStep) -> None:
        call_id = self.call.id
        assert call_id is not None
        ended_at = self.callmate.clock.now()
        with self.callmate.holding_keys():
            try:
                saved = await self.store.run(
                    lambda repo: repo.finish_call(
                        call_id, outcome=outcome, next_step=next_step, ended_at=ended_at
                    )
                )
            finally:
                self.saving = False
            self.dismiss(self.Result(saved=saved, draft=self.draft()))
