"""A call plan that is not started yet: what the plan screen keeps between visits.

Pure data. The plan screen turns its form into a :class:`PlanDraft` and back;
:mod:`callmate.drafts` keeps it on disk. Every text goes through the same
cleaning as a stored call, so a draft file edited by hand can't put a control
character on the terminal.
"""

from __future__ import annotations

import json
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from callmate.domain.models import ContactRole, OneLine, Question, ResearchArea, ResearchLine
from callmate.domain.question_bank import CallType

DRAFT_VERSION = 1
NEW_PLAN_KEY = "plan"
"""The draft of a call planned from scratch (``n`` on home)."""


def plan_key(*, follows_call_id: int | None = None, contact_id: int | None = None) -> str:
    """Which draft a plan screen keeps.

    A plan started from scratch has one draft. A follow-up (pre-filled from a
    next step, or for a contact going cold) has its own, named after that step
    or contact, so starting one never overwrites another plan in progress.
    """
    if follows_call_id is not None:
        return f"plan-follow-{follows_call_id}"
    if contact_id is not None:
        return f"plan-contact-{contact_id}"
    return NEW_PLAN_KEY


class PlanDraft(BaseModel):
    """The plan screen's fields as the user left them, typed-but-unsent lines too."""

    model_config = ConfigDict(extra="ignore")

    version: int = DRAFT_VERSION
    saved_at: datetime | None = None
    contact_name: OneLine = ""
    company: OneLine = ""
    role: ContactRole | None = None
    call_type: CallType | None = None
    goal: OneLine = ""
    backup_goal: OneLine = ""
    contact_email: OneLine = ""
    """As typed, checked only when the call starts: a slip is kept, to be fixed."""
    contact_phone: OneLine = ""
    contact_title: OneLine = ""
    research_area: ResearchArea | None = None
    research: list[ResearchLine] = Field(default_factory=list)
    research_typing: OneLine = ""
    questions: list[Question] = Field(default_factory=list)
    question_typing: OneLine = ""
    focus: str | None = None
    """The id of the field the user was in, to carry on typing there."""
    auto_company: OneLine = ""
    auto_role: ContactRole | None = None
    auto_call_type: CallType | None = None
    auto_questions: list[OneLine] = Field(default_factory=list)
    auto_reach: dict[str, OneLine] = Field(default_factory=dict)
    """What the screen filled in by itself, so a restored plan keeps telling
    the user's choices apart from its own suggestions."""

    def has_content(self) -> bool:
        """True when the user put something in: a plan worth keeping."""
        return bool(
            self.contact_name
            or self.company
            or self.goal
            or self.backup_goal
            or self.contact_email
            or self.contact_phone
            or self.contact_title
            or self.research
            or self.research_typing
            or self.question_typing
            or [q.text for q in self.questions] != self.auto_questions
        )

    def same_plan(self, other: PlanDraft | None) -> bool:
        """The same plan, whenever it was saved and wherever the cursor was."""
        if other is None:
            return False
        ignore = {"saved_at", "focus"}
        return self.model_dump(exclude=ignore) == other.model_dump(exclude=ignore)

    def to_json(self) -> str:
        return self.model_dump_json(indent=1)

    @classmethod
    def from_json(cls, text: str) -> PlanDraft:
        """Raises ValueError (a broken or foreign file)."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != DRAFT_VERSION:
            raise ValueError("not a callmate plan draft")
        return cls.model_validate(data)

    def title(self) -> str:
        """Who the plan is for, in a few words: "Dana Whitfield" or "your call"."""
        return self.contact_name or "your call"
