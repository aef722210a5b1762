"""The close: outcome (and why), which goal was met, and a dated next step.

What is still missing is always on screen; Ctrl+S with anything missing
says so and changes nothing. A next step beyond the follow-up cadence is
questioned, not refused. Escape goes back to the call, notes intact, and
what was filled in here is kept for when the user comes back.

Typing never changes a picked answer unseen: the choice rows take a key
only on its own, and refuse typed words out loud (see ChoiceBar's
``typing_guard``). A call closed meanwhile in another callmate window is
not written over: the screen shows what was saved there, keeps what was
typed here, and offers to add it to the call as a note.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Label, Static

from callmate.domain.closing import (
    AlreadyClosedError,
    CloseField,
    ClosingCheck,
    ClosingDraft,
    CommitmentDraft,
    check_closing,
    close_as_note,
    describe_close,
    describe_draft,
)
from callmate.domain.dates import EXAMPLES, date_named_in
from callmate.domain.models import (
    REASONS_FOR,
    Call,
    GoalResult,
    NextStep,
    Note,
    NoteKind,
    Outcome,
    Owner,
    Reason,
)
from callmate.screens.base import CallmateScreen
from callmate.widgets.choice_bar import Choice, ChoiceBar
from callmate.widgets.commitment_editor import CommitmentEditor
from callmate.widgets.text_field import TextField

# Each choice row is its table (callmate.domain.kinds): value, label, key.
OUTCOME_CHOICES = [Choice(o.value, o.label, o.key) for o in Outcome]
OWNER_CHOICES = [Choice(o.value, o.label, o.key) for o in Owner]
GOAL_CHOICES = [Choice(g.value, g.label, g.key) for g in GoalResult]
GAP_FIELDS = {
    CloseField.OUTCOME: "#outcome",
    CloseField.REASON: "#reason",
    CloseField.REASON_TEXT: "#reason-text",
    CloseField.NEXT_WHAT: "#next-what",
    CloseField.NEXT_DATE: "#next-date",
}
"""Where each gap in the close is filled in (a commitment's date: its editor)."""
PROMPTS = (
    "Ask: “So what's our next step?” · “What would you like to do next?” · "
    "“Who else needs to review it?”"
)


def reason_choices(outcome: Outcome | None) -> list[Choice]:
    reasons = REASONS_FOR.get(outcome.value if outcome else "", ())
    return [Choice(r.value, r.label, r.key) for r in reasons]


def _row(label: str, *widgets: Static | Input | ChoiceBar) -> Horizontal:
    return Horizontal(Label(label, classes="field-label"), *widgets, classes="row")


class ClosingScreen(CallmateScreen["ClosingScreen.Result"]):
    SUB_TITLE = "Close the call"

    @dataclass(frozen=True)
    class Result:
        saved: Call | None
        """The finished call, or None when the user went back to the call."""
        draft: ClosingDraft
        """What was filled in, to show again if the user comes back."""

    def help_extra(self) -> list[tuple[str, list[tuple[str, str]]]]:
        from callmate.screens.dialogs.help import date_lines

        return [("Dates", date_lines())]

    BINDINGS = [
        Binding("ctrl+s", "save", "Save call", priority=True, id="closing.save"),
        Binding("escape", "back", "Back to call", id="closing.back"),
        # Once another window has closed this call, the same keys offer the way on.
        Binding(
            "ctrl+s",
            "keep_mine_as_note",
            "Add mine as a note",
            priority=True,
            id="closing.keep_mine_as_note",
        ),
        Binding("escape", "to_saved_recap", "Recap, without mine", id="closing.to_saved_recap"),
    ]

    def __init__(self, call: Call, draft: ClosingDraft | None = None) -> None:
        super().__init__()
        self.call = call
        self.initial = draft
        self.saving = False
        self._reason_by_outcome: dict[Outcome | None, str | None] = {}
        self._reasons_of: Outcome | None = None
        """The outcome whose reasons the reason row offers now."""
        self.closed_elsewhere: Call | None = None
        """The call as another callmate window closed it, once a save found that."""

    @property
    def cadence_days(self) -> int:
        return self.callmate.preferences.settings.cadence_days

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
            yield _row("Outcome", ChoiceBar(OUTCOME_CHOICES, id="outcome", typing_guard=True))
            with Vertical(id="reason-box"):
                yield _row(
                    "Why",
                    ChoiceBar(
                        [], id="reason", empty_label="only for a No or a Maybe", typing_guard=True
                    ),
                )
                yield _row(
                    "In words",
                    TextField(
                        placeholder="their reason, as they put it", advance=True, id="reason-text"
                    ),
                )
            yield _row("Reached", ChoiceBar(GOAL_CHOICES, id="goal-result", typing_guard=True))
            yield Label("Next step (required)", classes="section")
            yield _row(
                "What",
                TextField(placeholder="e.g. demo for their ops team", advance=True, id="next-what"),
            )
            yield _row(
                "Owner",
                ChoiceBar(OWNER_CHOICES, value=Owner.US.value, id="owner", typing_guard=True),
            )
            yield _row("Date", TextField(placeholder=", ".join(EXAMPLES[:5]), id="next-date"))
            yield Static("", id="date-preview", markup=False)
            yield Static("", id="cadence-warning", markup=False)
            commitments = [n for n in self.call.notes if n.is_commitment and n.id is not None]
            if commitments:
                yield Label("Commitments made on the call", classes="section")
                today = self.callmate.clock.today()
                for note in commitments:
                    # "by Friday" means the Friday after the day it was said
                    # (a call resumed days later closes on another day).
                    said = note.created_at.astimezone().date() if note.created_at else today
                    yield CommitmentEditor(note, named=date_named_in(note.text, said))
        # Outside the scrolling form: what is missing is always in view.
        yield Static("", id="missing", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.initial is not None:
            self._restore(self.initial)
        self._show_reasons()
        self.set_focus(self.query_one("#outcome", ChoiceBar))
        self.refresh_check()

    def _restore(self, draft: ClosingDraft) -> None:
        self.query_one("#outcome", ChoiceBar).value = draft.outcome.value if draft.outcome else None
        self._show_reasons()
        self.query_one("#reason", ChoiceBar).value = draft.reason.value if draft.reason else None
        self.query_one("#reason-text", Input).value = draft.reason_text
        result = draft.goal_result.value if draft.goal_result else None
        self.query_one("#goal-result", ChoiceBar).value = result
        self.query_one("#owner", ChoiceBar).value = draft.next_owner.value
        self.query_one("#next-what", Input).value = draft.next_what
        self.query_one("#next-date", Input).value = draft.due_text
        saved = {c.note_id: c for c in draft.commitments}
        for editor in self.query(CommitmentEditor):
            if editor.note_id in saved:
                editor.query_one(".owner", Input).value = saved[editor.note_id].owner
                editor.query_one(".due", Input).value = saved[editor.note_id].due_text

    # -- reading the form -------------------------------------------------
    def _outcome(self) -> Outcome | None:
        value = self.query_one("#outcome", ChoiceBar).value
        return Outcome(value) if value else None

    def draft(self) -> ClosingDraft:
        reason = self.query_one("#reason", ChoiceBar).value
        result = self.query_one("#goal-result", ChoiceBar).value
        owner = self.query_one("#owner", ChoiceBar).value
        return ClosingDraft(
            outcome=self._outcome(),
            reason=Reason(reason) if reason else None,
            reason_text=self.query_one("#reason-text", Input).value,
            goal_result=GoalResult(result) if result else None,
            next_what=self.query_one("#next-what", Input).value,
            next_owner=Owner(owner) if owner else Owner.US,
            due_text=self.query_one("#next-date", Input).value,
            commitments=tuple(
                CommitmentDraft(editor.note_id, editor.owner, editor.due_text)
                for editor in self.query(CommitmentEditor)
            ),
        )

    def check(self) -> ClosingCheck:
        now = self.callmate.clock.local_now()  # one reading: the day and the time agree
        return check_closing(
            self.draft(), now.date(), cadence_days=self.cadence_days, now=now.time()
        )

    @on(ChoiceBar.Changed, "#outcome")
    def _show_reasons(self) -> None:
        # The reason fields stay in place and are only disabled for a Yes:
        # hiding and showing them would reorder the focus chain until the
        # next layout, and a quick "m<Enter>" would skip them.
        # Each outcome remembers its reason: a No picked back after a brief
        # Maybe (or a Maybe undone as typing) finds its reason again.
        outcome = self._outcome()
        reasons = self.query_one("#reason", ChoiceBar)
        choices = reason_choices(outcome)
        if [c.value for c in choices] != [c.value for c in reasons.choices]:
            if self._reasons_of is not None:
                self._reason_by_outcome[self._reasons_of] = reasons.value
            offered = {c.value for c in choices}
            keep = self._reason_by_outcome.get(outcome, reasons.value)
            reasons.set_choices(choices, keep if keep in offered else None)
        self._reasons_of = outcome
        reasons.disabled = not choices
        self.query_one("#reason-text", Input).disabled = not choices

    @on(Input.Changed)
    @on(ChoiceBar.Changed)
    def refresh_check(self) -> None:
        self.show_check(self.check())

    def show_check(self, result: ClosingCheck, *, refused: bool = False) -> None:
        if self.closed_elsewhere is not None:
            self._show_closed_elsewhere(self.closed_elsewhere, result)
            return
        preview = self.query_one("#date-preview", Static)
        preview.update(f"→ {result.due_preview}" if result.due_preview else "")
        warning = self.query_one("#cadence-warning", Static)
        warning.update(f"⚠ {result.cadence_warning}" if result.cadence_warning else "")
        warning.display = bool(result.cadence_warning)
        for editor in self.query(CommitmentEditor):
            editor.show_date(result.commitment_dates.get(editor.note_id, ""))
        missing = self.query_one("#missing", Static)
        if result.ready:
            missing.update("Ready to save: press Ctrl+S.")
        else:
            heading = "Not saved yet. Still needed:" if refused else "Still needed:"
            missing.update("\n".join([heading, *(f"• {m.text}" for m in result.missing)]))
        missing.set_class(not result.ready, "error")
        missing.set_class(refused, "refused")

    @on(Input.Submitted, "#next-date")
    def save_from_date(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def _show_closed_elsewhere(self, saved: Call, result: ClosingCheck) -> None:
        today = self.callmate.clock.today()
        draft = self.draft()
        theirs = describe_close(saved.outcome, saved.next_step, today, relative=False)
        mine = describe_draft(draft, result.next_step, today, relative=False)
        missing = self.query_one("#missing", Static)
        missing.update(
            "Already closed in another callmate window: yours was not saved over it. "
            "Ctrl+S adds yours to the call as a note; Esc goes on without it.\n"
            f"Saved there: {theirs}\n"
            f"Yours, still above: {mine}"
        )
        missing.set_class(True, "error")
        missing.set_class(True, "refused")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        conflict = self.closed_elsewhere is not None
        if action in ("save", "back"):
            return not conflict
        if action in ("keep_mine_as_note", "to_saved_recap"):
            return conflict
        return True

    # -- actions ----------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss(self.Result(saved=None, draft=self.draft()))

    def action_save(self) -> None:
        if self.saving:
            return
        result = self.check()
        if not result.ready or result.next_step is None:
            self.show_check(result, refused=True)
            self._focus_first_gap(result)
            self.app.bell()
            return
        next_step = result.next_step
        if result.cadence_warning:
            from callmate.screens.dialogs.confirm import ConfirmScreen

            def answered(yes: bool | None) -> None:
                if yes:
                    self._save(result, next_step)
                else:
                    self.set_focus(self.query_one("#next-date", Input))

            self.app.push_screen(
                ConfirmScreen(f"{result.cadence_warning}\n\nSave with this date anyway?"),
                answered,
            )
            return
        self._save(result, next_step)

    def _save(self, result: ClosingCheck, next_step: NextStep) -> None:
        draft = self.draft()
        assert draft.outcome is not None
        self.saving = True
        self.finish(draft, result, next_step)

    def _focus_first_gap(self, result: ClosingCheck) -> None:
        """Focus the field of the first thing still missing (the list is in the form's order)."""
        if not result.missing:
            return
        first = result.missing[0]
        if first.field is CloseField.COMMITMENT_DATE:
            for editor in self.query(CommitmentEditor):
                if editor.note_id == first.note_id:
                    self.set_focus(editor.query_one(".due", Input))
                    return
        self.set_focus(self.query_one(GAP_FIELDS.get(first.field, "#next-date")))

    @work(group="finish-call", exit_on_error=False)
    async def finish(self, draft: ClosingDraft, result: ClosingCheck, next_step: NextStep) -> None:
        call_id = self.call.id
        assert call_id is not None and draft.outcome is not None
        outcome = draft.outcome
        ended_at = self.callmate.clock.now()
        with self.callmate.key_order.holding():
            try:
                saved: Call = await self.store.finish_call(
                    call_id,
                    outcome=outcome,
                    next_step=next_step,
                    ended_at=ended_at,
                    reason=draft.reason,
                    reason_text=draft.reason_text,
                    goal_result=draft.goal_result,
                    commitments=result.commitments,
                )
            except AlreadyClosedError as closed:
                self.closed_elsewhere = closed.call
                self.app.bell()
                self.refresh_bindings()
                self.refresh_check()
                return
            finally:
                self.saving = False
            self.dismiss(self.Result(saved=saved, draft=draft))

    def action_to_saved_recap(self) -> None:
        """Leave for the recap of the call as the other window saved it."""
        if self.closed_elsewhere is not None:
            self.dismiss(self.Result(saved=self.closed_elsewhere, draft=self.draft()))

    def action_keep_mine_as_note(self) -> None:
        if self.closed_elsewhere is not None and not self.saving:
            self.saving = True
            self.add_mine_as_note(self.closed_elsewhere, self.draft())

    @work(group="finish-call", exit_on_error=False)
    async def add_mine_as_note(self, saved: Call, draft: ClosingDraft) -> None:
        call_id = saved.id
        assert call_id is not None
        now = self.callmate.clock.now()
        note = Note(
            # A plain note: a `?` note would be carried into the next plan as
            # a question to ask the customer.
            kind=NoteKind.NOTE,
            text=close_as_note(
                draft,
                self.callmate.clock.today(),
                {n.id: n.text for n in self.call.notes if n.id is not None},
            ),
            offset_seconds=self.call.elapsed(now),
            created_at=now,
        )
        with self.callmate.key_order.holding():
            try:
                await self.store.save_note(call_id, note)
                call = await self.store.get_call(call_id)
            finally:
                self.saving = False
            self.notify("Your close is kept on the call as a note.", markup=False)
            self.dismiss(self.Result(saved=call, draft=draft))
