"""Before the call: who, why, a backup, and a short keyword checklist."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Input, Label, Static

from callmate.domain.models import Call, Contact, Question
from callmate.domain.text import clean_line
from callmate.screens.base import CallmateScreen
from callmate.widgets.checklist import Checklist
from callmate.widgets.text_field import TextField

NEED_NAME = "Who are you calling? Type the contact's name."
NEED_GOAL = "A call needs a goal: what do you want from it?"


class PreCallScreen(CallmateScreen[None]):
    """Plan the call. Ctrl+S starts it; a goal is required."""

    SUB_TITLE = "Plan the call"

    BINDINGS = [
        Binding("ctrl+s", "start_call", "Start call", priority=True),
        Binding("escape", "cancel", "Back"),
        Binding("delete", "remove_question", "Remove question", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="precall-form"):
            with Horizontal(classes="row"):
                yield Label("Contact", classes="field-label")
                yield TextField(
                    placeholder="name, e.g. Dana Whitfield", advance=True, id="contact-name"
                )
            with Horizontal(classes="row"):
                yield Label("Company", classes="field-label")
                yield TextField(placeholder="e.g. Northwind Freight", advance=True, id="company")
            with Horizontal(classes="row"):
                yield Label("Goal", classes="field-label")
                yield TextField(
                    placeholder="what must this call achieve? (required)", advance=True, id="goal"
                )
            with Horizontal(classes="row"):
                yield Label("Backup goal", classes="field-label")
                yield TextField(
                    placeholder="if the goal isn't reached, what would still be worth it?",
                    advance=True,
                    id="backup-goal",
                )
            yield Static("", id="precall-error", classes="error", markup=False)
            yield Label("Questions: keywords, not scripts. Enter adds one.", classes="section")
            yield TextField(
                placeholder="e.g. budget cycle", clear_on_submit=True, id="question-input"
            )
            yield Checklist(numbered=False, id="precall-questions")
        yield Footer()

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#contact-name", Input))

    # -- form flow --------------------------------------------------------
    @on(Input.Submitted, "#question-input")
    def add_question(self, event: Input.Submitted) -> None:
        event.stop()
        text = clean_line(event.value)
        if not text:
            return
        checklist = self.query_one("#precall-questions", Checklist)
        checklist.show([*checklist.questions, Question(text=text)])

    def action_remove_question(self) -> None:
        checklist = self.query_one("#precall-questions", Checklist)
        if not checklist.has_focus or checklist.highlighted is None:
            return
        questions = list(checklist.questions)
        del questions[checklist.highlighted]
        checklist.show(questions)

    def action_cancel(self) -> None:
        self.app.pop_screen()

    # -- start ------------------------------------------------------------
    def _value(self, widget_id: str) -> str:
        return clean_line(self.query_one(f"#{widget_id}", Input).value)

    def _problem(self) -> tuple[str, str] | None:
        if not self._value("contact-name"):
            return NEED_NAME, "contact-name"
        if not self._value("goal"):
            return NEED_GOAL, "goal"
        return None

    def action_start_call(self) -> None:
        problem = self._problem()
        error = self.query_one("#precall-error", Static)
        if problem is not None:
            message, field_id = problem
            error.update(message)
            self.set_focus(self.query_one(f"#{field_id}", Input))
            return
        error.update("")
        call = Call(
            contact=Contact(name=self._value("contact-name"), company=self._value("company")),
            goal=self._value("goal"),
            backup_goal=self._value("backup-goal"),
            questions=self.query_one("#precall-questions", Checklist).questions,
            started_at=self.callmate.clock.now(),
        )
        self.start_call(call)

    @work(exclusive=True, group="start-call", exit_on_error=False)
    async def start_call(self, call: Call) -> None:
        with self.callmate.holding_keys():
            saved = await self.store.run(lambda repo: repo.start_call(call))
            from callmate.screens.live_call import LiveCallScreen

            self.app.switch_screen(LiveCallScreen(saved))
