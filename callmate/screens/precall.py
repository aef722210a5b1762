"""Before the call: who, why (and a backup), quick research, a short keyword plan.

The method's rules 1-8, 17 and 18 live here: a goal is required, a backup goal
and a real (not "check in") goal are nudged, research lands in the three
places plus the prep trio, and the question plan stays short and in keywords.
Nudges never block. A contact called before brings a prep brief: the last
goal and outcome, the next step that led here, open commitments, their words
and the questions not asked last time.

Nothing typed here is lost: the plan is kept as a draft (``drafts/`` in the
data folder) within half a second of each change and as the screen closes,
comes back the next time the same call is planned, and is removed once the
call starts. Enter walks contact, company, role, call type, goal in that
order whether or not the contact is known, so typing by habit always lands in
the same field. How to reach the contact (e-mail, phone, job title; issue 21)
sits under the role, filled in for a known contact: optional, so Enter on the
role steps over it, and Tab (or a click) goes in; Enter there walks e-mail,
phone, title and on to the call type. An e-mail is checked only as the call
starts (:func:`~callmate.domain.models.email_problem`): a slip is named in one
line and the cursor put back on it, nothing cleared.
"""

from __future__ import annotations

import asyncio
import contextlib
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, Label, Static

from callmate.domain.drafts import PlanDraft, plan_key
from callmate.domain.models import (
    Call,
    Contact,
    ContactRole,
    PrepBrief,
    Question,
    QuestionOrigin,
    ResearchArea,
    email_problem,
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
from callmate.domain.text import clean_line, shown
from callmate.drafts import PlanDrafts
from callmate.screens.base import CallmateScreen
from callmate.widgets.choice_bar import Choice, ChoiceBar
from callmate.widgets.prep_brief import PrepBriefView
from callmate.widgets.question_plan import QuestionPlan
from callmate.widgets.research_list import ResearchList
from callmate.widgets.text_field import TextField

if TYPE_CHECKING:
    from callmate.domain.team import OtherRepsCall

NEED_NAME = "Who are you calling? Type the contact's name."
NEED_GOAL = "A call needs a goal: what do you want from it?"

DRAFT_EVERY = 0.4
"""Seconds between checks for a changed plan; a changed plan is then written
(off the event loop). A kill loses at most this much typing."""
FORM_FIELDS = (
    "contact-name",
    "company",
    "role",
    "email",
    "phone",
    "title",
    "call-type",
    "goal",
    "backup-goal",
    "research-area",
    "research-input",
    "research",
    "question-input",
    "plan",
)
"""The fields a restored plan may put the cursor back in."""
REACH_FIELDS = ("email", "phone", "title")
"""The contact's e-mail, phone and title: filled in for a known contact."""

ROLE_CHOICES = [Choice(role.value, role.label, role.key) for role in ContactRole]
CALL_TYPE_CHOICES = [Choice(kind.value, kind.short, kind.key) for kind in CallType]
AREA_CHOICES = [Choice(area.value, area.heading, area.key) for area in ResearchArea]


@dataclass(frozen=True)
class FollowUp:
    """A call planned from a next step (or for a contact going cold)."""

    contact: Contact
    goal: str = ""
    follows_call_id: int | None = None
    """The call whose next step this is; it counts as kept once this call is saved."""


def _day_past(day: date, today: date) -> str:
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"on {day:%A}" if days < 7 else f"on {day:%a %d %b}"


def _day_ahead(day: date, today: date) -> str:
    days = (day - today).days
    if days < 0:
        return f"was due {_day_past(day, today).removeprefix('on ')}"
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    return f"due {day:%A}" if days < 7 else f"due {day:%a %d %b}"


def team_note(call: OtherRepsCall, contact_name: str, today: date) -> str:
    """One line: another rep's recent conversation with this contact, and its open
    next step ("Priya spoke to Dana on Friday; next step: demo, due Tuesday")."""
    who = clean_line(call.rep) or "Another rep"
    when = _day_past(call.started_at.astimezone().date(), today)
    line = f"{who} spoke to {clean_line(contact_name)} {when}"
    if call.next_step and call.next_step_done:
        line += f"; next step kept: {call.next_step}"
    elif call.next_step:
        line += f"; next step: {call.next_step}"
        if call.next_step_due is not None:
            line += f", {_day_ahead(call.next_step_due, today)}"
    return line + "."


def _row(label: str, field: Widget) -> Horizontal:
    return Horizontal(Label(label, classes="field-label"), field, classes="row")


class PreCallScreen(CallmateScreen[None]):
    """Plan the call. Ctrl+S starts it; a goal is required, nothing else is."""

    SUB_TITLE = "Plan the call"
    HELP = (
        "Plan the call: who, the goal and a backup goal, what you found out, the "
        "questions. Enter moves to the next field; the plan is kept as a draft."
    )

    def help_extra(self) -> list[tuple[str, list[tuple[str, str]]]]:
        from callmate.screens.dialogs.help import date_lines, prefix_lines

        return [
            ("Note prefixes on the call (type first)", prefix_lines()),
            ("Dates (the next step, the next try)", date_lines()),
        ]

    BINDINGS = [
        Binding(
            "ctrl+s",
            "start_call",
            "Start call",
            priority=True,
            tooltip="Start the call with this plan",
            id="plan.start_call",
        ),
        Binding(
            "ctrl+r",
            "attempt",
            "Didn't connect",
            priority=True,
            tooltip="Didn't connect: log an attempt",
            id="plan.attempt",
        ),
        Binding(
            "ctrl+f",
            "bank",
            "Question bank",
            priority=True,
            tooltip="Find questions in the question bank",
            id="plan.bank",
        ),
        Binding(
            "ctrl+l",
            "carry_over",
            "Add unasked",
            priority=True,
            show=False,
            tooltip="Add the questions not asked last time and last time's follow-ups",
            id="plan.carry_over",
        ),
        Binding(
            "ctrl+n",
            "start_afresh",
            "Start afresh",
            priority=True,
            show=False,
            tooltip="Clear the plan (asks first) and start afresh",
            id="plan.start_afresh",
        ),
        Binding(
            "escape",
            "cancel",
            "Back",
            tooltip="Back home; the plan is kept as a draft",
            id="plan.cancel",
        ),
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
        self._auto_reach: dict[str, str] = {}
        """Per reach field, what a known contact filled in (the user's own typing differs)."""
        self._auto_role: str | None = None
        self._auto_call_type: str | None = CallType.DISCOVERY.value
        """The screen's own pick (Discovery to begin with), which a known contact may
        change; a type the user picked differs from it and is left alone."""
        self._auto_questions: list[str] = []
        self._quiet_call_type: str | None = None
        """A call type set by restoring a draft: its change must not re-suggest questions."""
        self.starting = False
        """A start is on its way to the store: a second Ctrl+S must not start it twice."""
        self.draft_key = plan_key(
            follows_call_id=prefill.follows_call_id if prefill else None,
            contact_id=prefill.contact.id if prefill else None,
        )
        """Which draft this screen keeps: one for a new plan, one per follow-up."""
        self.restored: PlanDraft | None = None
        """The draft this screen was filled from, if any."""
        self._pristine = PlanDraft()
        self._kept: PlanDraft | None = None
        self._keeping = True
        """False once the call has started (or the plan was discarded): no more drafts."""
        self._draft_timer: Timer | None = None
        self._draft_warned = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._fields: dict[str, Widget] = {}
        self._last_focus: str | None = None
        """The form field the user was last in (focus is gone by the time a quit saves)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="precall-form"):
            yield Static("", id="draft-note", classes="nudge", markup=False)
            yield Label("Who", classes="section first")
            yield _row(
                "Contact",
                TextField(placeholder="name, e.g. Dana Whitfield", advance=True, id="contact-name"),
            )
            yield _row(
                "Company", TextField(placeholder="e.g. Northwind", advance=True, id="company")
            )
            yield _row("Role", ChoiceBar(ROLE_CHOICES, id="role"))
            yield Horizontal(
                Label("Email", classes="field-label"),
                TextField(placeholder="e.g. dana@northwind.com", advance=True, id="email"),
                Label("Phone", classes="inline-label"),
                TextField(placeholder="as you dial it", advance=True, id="phone"),
                classes="row",
                id="reach",
            )
            yield _row(
                "Title",
                TextField(
                    placeholder="job title, e.g. Head of Operations", advance=True, id="title"
                ),
            )
            yield _row(
                "Call type",
                ChoiceBar(CALL_TYPE_CHOICES, value=CallType.DISCOVERY.value, id="call-type"),
            )
            yield PrepBriefView(id="brief")
            yield Static("", id="team-note", classes="nudge", markup=False)
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
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._fields = {name: self.query_one(f"#{name}", Widget) for name in FORM_FIELDS}
        self.query_one("#research", ResearchList).show([])
        # Enter on the role goes on to the call type, as before the reach fields
        # were there: the habit "name, company, role, type, goal" holds.
        self.query_one("#role", ChoiceBar).next_field = lambda: self.query_one("#call-type")
        self._suggest_questions(CallType.DISCOVERY)
        self.set_focus(self.query_one("#contact-name", Input))
        if self.prefill is not None:
            self.contacts = [self.prefill.contact]
            self.query_one("#contact-name", Input).value = self.prefill.contact.name
            self.query_one("#company", Input).value = self.prefill.contact.company
            self.recognise(self.prefill.contact.name, self.prefill.contact.company)
            goal = self.query_one("#goal", Input)
            goal.value = self.prefill.goal
            self.set_focus(goal)
            # Now rather than when the call type's change arrives, so that the
            # plan as it starts (nothing worth a draft) includes them.
            self._suggest_questions(
                CallType(self.query_one("#call-type", ChoiceBar).value or CallType.DISCOVERY)
            )
        self._pristine = self._snapshot()
        # Read here, before the first key reaches this screen (keys wait for the
        # mount): a restored plan must not land on top of something typed. A
        # draft is a few kilobytes; the read takes well under a millisecond.
        draft = self.drafts.read(self.draft_key)
        if draft is not None and draft.has_content():
            self.restore(draft)
        self._kept = self._snapshot() if self.restored is None else self.restored
        self._loop = asyncio.get_running_loop()
        self._draft_timer = self.set_interval(DRAFT_EVERY, self.keep_draft)
        self.load_contacts()

    # -- who --------------------------------------------------------------
    @work(group="contacts", exit_on_error=False)
    async def load_contacts(self) -> None:
        self.contacts = await self.store.list_contacts()
        names = list(dict.fromkeys(contact.name for contact in self.contacts))
        field = self.query_one("#contact-name", Input)
        field.suggester = SuggestFromList(names, case_sensitive=False)
        if field.value:
            self.recognise(field.value, self._value("company"))

    @on(Input.Changed, "#contact-name")
    @on(Input.Changed, "#company")
    def on_who_changed(self) -> None:
        self.recognise(self._value("contact-name"), self._value("company"))

    def recognise(self, name: str, company: str) -> None:
        """Match what is typed against people called before (newest first).

        A match fills in company, role and call type, but never over a choice
        the user made. Focus is left alone: Enter still walks company, role
        and call type before the goal, known contact or not.
        """
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
            role = self.query_one("#role", ChoiceBar)
            if role.value in (None, self._auto_role):
                role.value = self._auto_role = match.role.value
            for name, known in zip(
                REACH_FIELDS, (match.email, match.phone, match.title), strict=True
            ):
                field = self.query_one(f"#{name}", Input)
                if not field.value or field.value == self._auto_reach.get(name):
                    field.value = self._auto_reach[name] = known
            call_type = self.query_one("#call-type", ChoiceBar)
            if call_type.value in (None, self._auto_call_type):
                call_type.value = self._auto_call_type = CallType.FOLLOW_UP.value
            assert match.id is not None
            self.load_brief(match.id)
            self.load_team_note(match.id)
        else:
            self._nudge("#team-note", None)
            if company_field.value and company_field.value == self._auto_company:
                company_field.value = ""
            self._auto_company = ""
            for name, filled in self._auto_reach.items():
                field = self.query_one(f"#{name}", Input)
                if field.value and field.value == filled:
                    field.value = ""
            self._auto_reach = {}
            self.show_brief(None)
        # A company filled in for the user is selected on arrival, so typing it
        # anyway (by habit) replaces it instead of doubling it.
        company_field.select_on_focus = bool(self._auto_company)

    @work(exclusive=True, group="brief", exit_on_error=False)
    async def load_brief(self, contact_id: int) -> None:
        brief = await self.store.prep_brief(contact_id)
        if self.known is not None and self.known.id == contact_id:
            self.show_brief(brief)
            if (
                self.prefill is not None
                and self.restored is None
                and brief is not None
                and brief.carried
            ):
                # Started from a next step: the carry-over is already in the plan.
                # (A restored plan has it already, minus what the user removed.)
                carried = [Question(text=t, origin=QuestionOrigin.CARRIED) for t in brief.carried]
                self.query_one("#plan", QuestionPlan).add(*carried)
                present = {q.text.casefold() for q in self._pristine.questions}
                self._pristine = self._pristine.model_copy(
                    update={
                        "questions": [
                            *self._pristine.questions,
                            *(q for q in carried if q.text.casefold() not in present),
                        ]
                    }
                )

    @work(exclusive=True, group="team-note", exit_on_error=False)
    async def load_team_note(self, contact_id: int) -> None:
        """On the team database: another rep called this contact within the cadence."""
        self._nudge("#team-note", None)
        now = self.callmate.clock.now()
        since = now - timedelta(days=self.callmate.preferences.cadence_days)
        found = await self.store.other_reps_call(contact_id, since)
        if found is None or self.known is None or self.known.id != contact_id:
            return
        self._nudge("#team-note", team_note(found, self.known.name, self.callmate.clock.today()))

    def show_brief(self, brief: PrepBrief | None) -> None:
        self.brief = brief
        self.query_one("#brief", PrepBriefView).show(brief, self.callmate.clock.today())

    def action_carry_over(self) -> None:
        if self.brief is None or not self.brief.carried:
            self.notify(
                "Nothing to carry over: no unasked questions or follow-ups from a last call."
            )
            return
        added = self.query_one("#plan", QuestionPlan).add(
            *(Question(text=t, origin=QuestionOrigin.CARRIED) for t in self.brief.carried)
        )
        what = "not asked or to follow up" if self.brief.follow_ups else "not asked"
        self.notify(f"Added {added} question(s) {what} last time.")

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
        if event.value and event.value == self._quiet_call_type:
            self._quiet_call_type = None  # restored with its own questions
            return
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
        from callmate.screens.dialogs.bank import BankScreen

        call_type = CallType(self.query_one("#call-type", ChoiceBar).value or "discovery")
        plan = self.query_one("#plan", QuestionPlan)
        already = [q.text for q in plan.questions]

        def picked(entries: list[str] | None) -> None:
            if entries:
                plan.add(*(Question(text=t, origin=QuestionOrigin.BANK) for t in entries))

        self.app.push_screen(BankScreen(call_type, already), picked)

    # -- the draft --------------------------------------------------------
    @property
    def drafts(self) -> PlanDrafts:
        return PlanDrafts(self.callmate.data_dir)

    def _snapshot(self) -> PlanDraft:
        """The form as it stands. Reads widget values only, so it also works
        while the screen is being taken down (quit)."""
        fields = self._fields or {n: self.query_one(f"#{n}", Widget) for n in FORM_FIELDS}

        def text(name: str) -> str:
            field = fields[name]
            assert isinstance(field, Input)
            return field.value

        def choice(name: str) -> str | None:
            field = fields[name]
            assert isinstance(field, ChoiceBar)
            return field.value

        research, plan = fields["research"], fields["plan"]
        assert isinstance(research, ResearchList) and isinstance(plan, QuestionPlan)
        # Validated: the choice rows hold plain strings, the draft their enums.
        return PlanDraft.model_validate(
            {
                "contact_name": text("contact-name"),
                "company": text("company"),
                "role": choice("role"),
                "call_type": choice("call-type"),
                "goal": text("goal"),
                "backup_goal": text("backup-goal"),
                "contact_email": text("email"),
                "contact_phone": text("phone"),
                "contact_title": text("title"),
                "research_area": choice("research-area"),
                "research": research.lines,
                "research_typing": text("research-input"),
                "questions": plan.questions,
                "question_typing": text("question-input"),
                "focus": self._last_focus,
                "auto_company": self._auto_company,
                "auto_role": self._auto_role,
                "auto_call_type": self._auto_call_type,
                "auto_questions": self._auto_questions,
                "auto_reach": self._auto_reach,
            }
        )

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if event.widget.id in self._fields:
            self._last_focus = event.widget.id

    def restore(self, draft: PlanDraft) -> None:
        """Fill the form from a draft, cursor back where it was."""
        self.restored = draft
        self._auto_company = draft.auto_company
        self._auto_role = draft.auto_role
        self._auto_call_type = draft.auto_call_type
        self._auto_questions = list(draft.auto_questions)
        self._auto_reach = dict(draft.auto_reach)
        self.query_one("#contact-name", Input).value = draft.contact_name
        company = self.query_one("#company", Input)
        company.value = draft.company
        company.select_on_focus = bool(draft.auto_company)
        self.query_one("#role", ChoiceBar).value = draft.role
        for name, typed in zip(
            REACH_FIELDS,
            (draft.contact_email, draft.contact_phone, draft.contact_title),
            strict=True,
        ):
            self.query_one(f"#{name}", Input).value = typed
        call_type = self.query_one("#call-type", ChoiceBar)
        wanted_type = draft.call_type or CallType.DISCOVERY.value
        if call_type.value != wanted_type:
            self._quiet_call_type = wanted_type
            call_type.value = wanted_type
        self.query_one("#goal", Input).value = draft.goal
        self.query_one("#backup-goal", Input).value = draft.backup_goal
        self.query_one("#research-area", ChoiceBar).value = draft.research_area or "news"
        self.query_one("#research", ResearchList).show(draft.research)
        self.query_one("#research-input", Input).value = draft.research_typing
        self.query_one("#question-input", Input).value = draft.question_typing
        self.query_one("#plan", QuestionPlan).show(draft.questions)
        self.recognise(draft.contact_name, draft.company)
        target = self._fields.get(draft.focus or "")
        if target is not None and target.focusable:
            self.set_focus(target)
        note = self.query_one("#draft-note", Static)
        note.update(
            f"Continuing your unfinished plan for {draft.title()}"
            f"{self._saved_when(draft.saved_at)}. Ctrl+N starts afresh."
        )
        note.display = True

    def _saved_when(self, saved_at: datetime | None) -> str:
        if saved_at is None:
            return ""
        local = saved_at.astimezone()
        if local.date() == self.callmate.clock.now().astimezone().date():
            return f" (saved {local:%H:%M})"
        return f" (saved {local:%a %d %b, %H:%M})"

    def keep_draft(self) -> None:
        """Write the plan if it changed since it was last kept.

        Only comparing happens here, on the event loop (tens of microseconds);
        the write itself (JSON, fsync, rename) runs on the drafts thread.
        """
        if not self._keeping or not self._fields:
            return
        draft = self._snapshot()
        if draft.same_plan(self._kept):
            return
        self._kept = draft
        if not draft.has_content() or draft.same_plan(self._pristine):
            future = self.drafts.remove_later(self.draft_key)
        else:
            draft = draft.model_copy(update={"saved_at": self.callmate.clock.now()})
            future = self.drafts.save_later(self.draft_key, draft)
        future.add_done_callback(self._draft_written)

    def _draft_written(self, future: Future[None]) -> None:
        """On the drafts thread: hand a failure to the UI, without waiting for it."""
        error = future.exception()
        if error is None or self._loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the app has closed meanwhile
            self._loop.call_soon_threadsafe(self._draft_failed, error)

    def _draft_failed(self, error: BaseException) -> None:
        self._kept = None  # try again at the next check
        if self._draft_warned or not self.is_attached:
            return
        self._draft_warned = True
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        self.notify(
            f"Could not keep a draft of this plan ({shown(reason)}). It is still here on screen.",
            severity="warning",
            timeout=10,
            markup=False,
        )

    def on_unmount(self) -> None:
        # Esc, quit, or the app closing: what was typed in the last moment too.
        self.keep_draft()

    def action_start_afresh(self) -> None:
        draft = self._snapshot()
        if not draft.has_content() or draft.same_plan(self._pristine):
            self.notify("Nothing to clear: this plan is as it started.")
            return
        from callmate.screens.dialogs.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            self._keeping = False
            self.drafts.remove_later(self.draft_key)
            self.app.switch_screen(PreCallScreen(self.question_limit, self.prefill))

        self.app.push_screen(
            ConfirmScreen(
                f"Clear this plan for {draft.title()} and start afresh?\n"
                "What is typed here will be gone."
            ),
            answered,
        )

    # -- leaving ----------------------------------------------------------
    def action_cancel(self) -> None:
        self.keep_draft()
        self.app.pop_screen()

    def _value(self, widget_id: str) -> str:
        return clean_line(self.query_one(f"#{widget_id}", Input).value)

    def _problem(self) -> tuple[str, str] | None:
        if not self._value("contact-name"):
            return NEED_NAME, "contact-name"
        if not self._value("goal"):
            return NEED_GOAL, "goal"
        problem = email_problem(self._value("email"))
        if problem is not None:
            return f"That e-mail won't reach them: {problem}.", "email"
        return None

    def action_start_call(self) -> None:
        if self.starting:
            return
        call = self.planned_call()
        if call is None:
            return
        self.starting = True
        self._keeping = False  # the plan becomes a call: no draft after this
        self.start_call(call)

    def action_attempt(self) -> None:
        """Ctrl+R: dialled from the plan and it didn't connect (screens/dialogs/attempt.py)."""
        if self.starting:
            return
        call = self.planned_call()
        if call is not None:
            from callmate.screens.dialogs.attempt import attempt_from_plan

            attempt_from_plan(self, call)

    def planned_and_stored(self) -> None:
        """The plan was stored as a call (an attempt): no draft of it any more."""
        self._keeping = False
        self.drafts.remove_later(self.draft_key)

    def planned_call(self) -> Call | None:
        """The call as planned, or None (and the reason shown) when it can't start."""
        problem = self._problem()
        error = self.query_one("#precall-error", Static)
        if problem is not None:
            message, field_id = problem
            error.update(message)
            error.display = True
            self.set_focus(self.query_one(f"#{field_id}", Input))
            return None
        error.display = False
        role = self.query_one("#role", ChoiceBar).value or ContactRole.OTHER.value
        name, company = self._value("contact-name"), self._value("company")
        known = self.known
        same = known is not None and (known.name.casefold(), known.company.casefold()) == (
            name.casefold(),
            company.casefold(),
        )
        call = Call(
            contact=Contact(
                # The known contact itself when name and company are its own: the
                # team database then takes what was cleared here as cleared too
                # (the push can tell the rep saw its e-mail, phone and title).
                id=known.id if same and known is not None else None,
                uuid=known.uuid if same and known is not None else None,
                name=self._value("contact-name"),
                company=self._value("company"),
                role=ContactRole(role),
                email=self._value("email"),
                phone=self._value("phone"),
                title=self._value("title"),
            ),
            call_type=CallType(self.query_one("#call-type", ChoiceBar).value or "discovery"),
            goal=self._value("goal"),
            backup_goal=self._value("backup-goal"),
            research=self.query_one("#research", ResearchList).lines,
            questions=self.query_one("#plan", QuestionPlan).questions,
            started_at=self.callmate.clock.now(),
            follows_call_id=self.prefill.follows_call_id if self.prefill else None,
        )
        return call

    @work(group="start-call", exit_on_error=False)
    async def start_call(self, call: Call) -> None:
        with self.callmate.key_order.holding():
            try:
                saved = await self.store.start_call(call)
            except BaseException:
                self._keeping = True  # not started: keep the plan as a draft
                self._kept = None
                raise
            finally:
                self.starting = False
            self.drafts.remove_later(self.draft_key)
            from callmate.screens.live_call import LiveCallScreen

            self.app.switch_screen(
                LiveCallScreen(
                    saved, time_check_minutes=self.callmate.preferences.settings.time_check_minutes
                )
            )
