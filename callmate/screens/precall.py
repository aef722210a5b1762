"""Before the call: who, why (and a backup), quick research, a short keyword plan.

The method's rules 1-8, 17 and 18 live here: a goal is required, a backup goal
and a real (not "check in") goal are nudged, research lands in the three
places plus the prep trio, and the question plan stays short and in keywords.
Nudges never block. A contact called before brings a prep brief: the last
goal and outcome, the next step that led here, open commitments, their words
and the questions not asked last time.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, Label, Static

from callmate.domain.models import (
    Call,
    Contact,
    ContactRole,
    PrepBrief,
    Question,
    QuestionOrigin,
    ResearchArea,
)
from callmate.domain.nudges import (
    DEFAULT_QUESTION_LIMIT,
    backup_goal_nudge,
    checklist_nudge,
    goal_nudge,
    scripted_entry_nudge,
)
from callmate.domain.question_bank import CallType, suggested_questions
from callmate.domain.research import parse_research_line, verify_question
from callmate.domain.text import clean_line
from callmate.screens.base import CallmateScreen
from callmate.widgets.choice_bar import Choice, ChoiceBar
from callmate.widgets.prep_brief import PrepBriefView
from callmate.widgets.question_plan import QuestionPlan
from callmate.widgets.research_list import ResearchList
from callmate.widgets.text_field import TextField

NEED_NAME = "Who are you calling? Type the contact's name."
NEED_GOAL = "A call needs a goal: what do you want from it?"

ROLE_CHOICES = [
    Choice(ContactRole.DECISION_MAKER.value, "Decision maker", "d"),
    Choice(ContactRole.INFLUENCER.value, "Influencer", "i"),
    Choice(ContactRole.CHAMPION.value, "Champion", "c"),
    Choice(ContactRole.USER.value, "User", "u"),
    Choice(ContactRole.OTHER.value, "Other", "o"),
]
CALL_TYPE_CHOICES = [
    Choice(CallType.DISCOVERY.value, "Discovery", "d"),
    Choice(CallType.FOLLOW_UP.value, "Follow-up", "f"),
    Choice(CallType.PROPOSAL.value, "Proposal", "p"),
    Choice(CallType.CLOSING.value, "Closing", "c"),
    Choice(CallType.INTERVIEW.value, "Interview", "i"),
    Choice(CallType.RELATIONSHIP.value, "Relationship", "r"),
]
AREA_CHOICES = [
    Choice(ResearchArea.NEWS.value, "News", "n"),
    Choice(ResearchArea.WEBSITE.value, "Website", "w"),
    Choice(ResearchArea.INSIDE.value, "Inside us", "i"),
    Choice(ResearchArea.KNOW.value, "We know", "k"),
    Choice(ResearchArea.LEARN.value, "To learn", "l"),
    Choice(ResearchArea.SAY.value, "Say aloud", "s"),
]


@dataclass(frozen=True)
class FollowUp:
    """A call planned from a next step (or for a contact going cold)."""

    contact: Contact
    goal: str = ""
    follows_call_id: int | None = None
    """The call whose next step this is; it counts as kept once this call is saved."""


def _row(label: str, field: Widget) -> Horizontal:
    return Horizontal(Label(label, classes="field-label"), field, classes="row")


class PreCallScreen(CallmateScreen[None]):
    """Plan the call. Ctrl+S starts it; a goal is required, nothing else is."""

    SUB_TITLE = "Plan the call"
    BINDINGS = [
        Binding("ctrl+s", "start_call", "Start call", priority=True),
        Binding("ctrl+f", "bank", "Find in question bank", priority=True),
        Binding("ctrl+l", "carry_over", "Add unasked", priority=True),
        Binding("escape", "cancel", "Back"),
    ]

    def __init__(
        self, question_limit: int = DEFAULT_QUESTION_LIMIT, prefill: FollowUp | None = None
    ) -> None:
        super().__init__()
        self.question_limit = question_limit
        self.prefill = prefill
        self.contacts: list[Contact] = []
        self.known: Contact | None = None
        self.brief: PrepBrief | None = None
        self._auto_company = ""
        self._auto_questions: list[str] = []
        self.starting = False
        """A start is on its way to the store: a second Ctrl+S must not start it twice."""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="precall-form"):
            yield Label("Who", classes="section first")
            yield _row(
                "Contact",
                TextField(placeholder="name, e.g. Dana Whitfield", advance=True, id="contact-name"),
            )
            yield _row(
                "Company", TextField(placeholder="e.g. Northwind", advance=True, id="company")
            )
            yield _row("Role", ChoiceBar(ROLE_CHOICES, id="role"))
            yield _row(
                "Call type",
                ChoiceBar(CALL_TYPE_CHOICES, value=CallType.DISCOVERY.value, id="call-type"),
            )
            yield PrepBriefView(id="brief")
            yield Label("Why", classes="section")
            yield _row(
                "Goal",
                TextField(
                    placeholder="what must this call achieve? (required)", advance=True, id="goal"
                ),
            )
            yield Static("", id="goal-nudge", classes="nudge", markup=False)
            yield _row(
                "Backup goal",
                TextField(
                    placeholder="if the goal slips, what would still be worth it?",
                    advance=True,
                    id="backup-goal",
                ),
            )
            yield Static("", id="backup-nudge", classes="nudge", markup=False)
            yield Static("", id="precall-error", classes="error", markup=False)
            yield Label(
                "Research · a line per fact; v on a line: verify it on the call", classes="section"
            )
            yield _row("Heading", ChoiceBar(AREA_CHOICES, value="news", id="research-area"))
            yield TextField(
                placeholder="jot a line; Enter files it under the heading above",
                clear_on_submit=True,
                id="research-input",
            )
            yield ResearchList(id="research")
            yield Label("Questions · keywords, not scripts", classes="section")
            yield Static("", id="questions-nudge", classes="nudge", markup=False)
            yield TextField(
                placeholder="a keyword, Enter adds it · Ctrl+F searches the question bank",
                clear_on_submit=True,
                id="question-input",
            )
            yield QuestionPlan(id="plan")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#research", ResearchList).show([])
        self._suggest_questions(CallType.DISCOVERY)
        self.query_one("#contact-name", TextField).next_field = self._after_contact
        self.set_focus(self.query_one("#contact-name", Input))
        if self.prefill is not None:
            self.contacts = [self.prefill.contact]
            self.query_one("#contact-name", Input).value = self.prefill.contact.name
            self.query_one("#company", Input).value = self.prefill.contact.company
            self.recognise(self.prefill.contact.name, self.prefill.contact.company)
            goal = self.query_one("#goal", Input)
            goal.value = self.prefill.goal
            self.set_focus(goal)
        self.load_contacts()

    # -- who --------------------------------------------------------------
    @work(group="contacts", exit_on_error=False)
    async def load_contacts(self) -> None:
        self.contacts = await self.store.run(lambda repo: repo.list_contacts())
        names = list(dict.fromkeys(contact.name for contact in self.contacts))
        field = self.query_one("#contact-name", Input)
        field.suggester = SuggestFromList(names, case_sensitive=False)
        if field.value:
            self.recognise(field.value, self._value("company"))

    def _after_contact(self) -> Widget | None:
        """A known contact has company, role and type filled: go straight to the goal."""
        return self.query_one("#goal", Input) if self.known is not None else None

    @on(Input.Changed, "#contact-name")
    @on(Input.Changed, "#company")
    def on_who_changed(self) -> None:
        self.recognise(self._value("contact-name"), self._value("company"))

    def recognise(self, name: str, company: str) -> None:
        """Match what is typed against people called before (newest first)."""
        matches = [c for c in self.contacts if c.name.casefold() == name.casefold()]
        if company and company != self._auto_company:
            matches = [c for c in matches if c.company.casefold() == company.casefold()]
        match = matches[0] if matches else None
        if match == self.known:
            return
        self.known = match
        company_field = self.query_one("#company", Input)
        if match is not None:
            if not company_field.value or company_field.value == self._auto_company:
                company_field.value = self._auto_company = match.company
            self.query_one("#role", ChoiceBar).value = match.role.value
            self.query_one("#call-type", ChoiceBar).value = CallType.FOLLOW_UP.value
            assert match.id is not None
            self.load_brief(match.id)
        else:
            if company_field.value and company_field.value == self._auto_company:
                company_field.value = ""
            self._auto_company = ""
            self.show_brief(None)

    @work(exclusive=True, group="brief", exit_on_error=False)
    async def load_brief(self, contact_id: int) -> None:
        brief = await self.store.run(lambda repo: repo.prep_brief(contact_id))
        if self.known is not None and self.known.id == contact_id:
            self.show_brief(brief)
            if self.prefill is not None and brief is not None and brief.unasked:
                # Started from a next step: the carry-over is already in the plan.
                self.query_one("#plan", QuestionPlan).add(
                    *(Question(text=t, origin=QuestionOrigin.CARRIED) for t in brief.unasked)
                )

    def show_brief(self, brief: PrepBrief | None) -> None:
        self.brief = brief
        self.query_one("#brief", PrepBriefView).show(brief)

    def action_carry_over(self) -> None:
        if self.brief is None or not self.brief.unasked:
            self.notify("Nothing to carry over: no unasked questions from a last call.")
            return
        added = self.query_one("#plan", QuestionPlan).add(
            *(Question(text=t, origin=QuestionOrigin.CARRIED) for t in self.brief.unasked)
        )
        self.notify(f"Added {added} question(s) not asked last time.")

    # -- why --------------------------------------------------------------
    @on(Input.Changed, "#goal")
    @on(Input.Changed, "#backup-goal")
    def on_goal_changed(self) -> None:
        goal, backup = self._value("goal"), self._value("backup-goal")
        self._nudge("#goal-nudge", goal_nudge(goal))
        self._nudge("#backup-nudge", backup_goal_nudge(goal, backup))
        if goal:
            self.query_one("#precall-error", Static).display = False

    def _nudge(self, selector: str, message: str | None) -> None:
        nudge = self.query_one(selector, Static)
        nudge.update(f"→ {message}" if message else "")
        nudge.display = bool(message)

    # -- research ---------------------------------------------------------
    @on(Input.Submitted, "#research-input")
    def add_research(self, event: Input.Submitted) -> None:
        event.stop()
        area = ResearchArea(self.query_one("#research-area", ChoiceBar).value or "news")
        line = parse_research_line(event.value, area)
        if line is not None:
            self.query_one("#research", ResearchList).add(line)

    @on(ResearchList.Verify)
    def verify_research(self, event: ResearchList.Verify) -> None:
        if self.query_one("#plan", QuestionPlan).add(verify_question(event.line)):
            self.notify("Added to the questions, to check on the call.")

    # -- questions --------------------------------------------------------
    def _suggest_questions(self, call_type: CallType) -> None:
        """Fill the plan from the call type's sets while the user hasn't touched it."""
        plan = self.query_one("#plan", QuestionPlan)
        current = [q.text for q in plan.questions]
        if current and current != self._auto_questions:
            return
        self._auto_questions = suggested_questions(call_type)
        plan.show([Question(text=t, origin=QuestionOrigin.BANK) for t in self._auto_questions])

    @on(ChoiceBar.Changed, "#call-type")
    def on_call_type(self, event: ChoiceBar.Changed) -> None:
        if event.value:
            self._suggest_questions(CallType(event.value))

    @on(Input.Submitted, "#question-input")
    def add_question(self, event: Input.Submitted) -> None:
        event.stop()
        text = clean_line(event.value)
        if text:
            self.query_one("#plan", QuestionPlan).add(Question(text=text))

    @on(QuestionPlan.Changed)
    def on_plan_changed(self, event: QuestionPlan.Changed) -> None:
        texts = [q.text for q in event.plan.questions]
        messages = [checklist_nudge(texts, self.question_limit)]
        scripted = next((t for t in texts if scripted_entry_nudge(t)), None)
        if scripted is not None:
            short = scripted if len(scripted) <= 32 else scripted[:31] + "…"
            messages.append(f"“{short}”: {scripted_entry_nudge(scripted)} (k on it does that)")
        self._nudge("#questions-nudge", "\n→ ".join(m for m in messages if m) or None)

    def action_bank(self) -> None:
        from callmate.screens.bank import BankScreen

        call_type = CallType(self.query_one("#call-type", ChoiceBar).value or "discovery")
        plan = self.query_one("#plan", QuestionPlan)
        already = [q.text for q in plan.questions]

        def picked(entries: list[str] | None) -> None:
            if entries:
                plan.add(*(Question(text=t, origin=QuestionOrigin.BANK) for t in entries))

        self.app.push_screen(BankScreen(call_type, already), picked)

    # -- leaving ----------------------------------------------------------
    def action_cancel(self) -> None:
        self.app.pop_screen()

    def _value(self, widget_id: str) -> str:
        return clean_line(self.query_one(f"#{widget_id}", Input).value)

    def _problem(self) -> tuple[str, str] | None:
        if not self._value("contact-name"):
            return NEED_NAME, "contact-name"
        if not self._value("goal"):
            return NEED_GOAL, "goal"
        return None

    def action_start_call(self) -> None:
        if self.starting:
            return
        problem = self._problem()
        error = self.query_one("#precall-error", Static)
        if problem is not None:
            message, field_id = problem
            error.update(message)
            error.display = True
            self.set_focus(self.query_one(f"#{field_id}", Input))
            return
        error.display = False
        role = self.query_one("#role", ChoiceBar).value or ContactRole.OTHER.value
        call = Call(
            contact=Contact(
                name=self._value("contact-name"),
                company=self._value("company"),
                role=ContactRole(role),
            ),
            call_type=CallType(self.query_one("#call-type", ChoiceBar).value or "discovery"),
            goal=self._value("goal"),
            backup_goal=self._value("backup-goal"),
            research=self.query_one("#research", ResearchList).lines,
            questions=self.query_one("#plan", QuestionPlan).questions,
            started_at=self.callmate.clock.now(),
            follows_call_id=self.prefill.follows_call_id if self.prefill else None,
        )
        self.starting = True
        self.start_call(call)

    @work(group="start-call", exit_on_error=False)
    async def start_call(self, call: Call) -> None:
        with self.callmate.holding_keys():
            try:
                saved = await self.store.run(lambda repo: repo.start_call(call))
            finally:
                self.starting = False
            from callmate.screens.live_call import LiveCallScreen

            self.app.switch_screen(
                LiveCallScreen(saved, time_check_minutes=self.callmate.time_check_minutes)
            )
