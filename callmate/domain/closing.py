"""The close: a call is only saved once a dated next step is agreed.

The rule is the method's (METHOD.md rule 12): every conversation ends on a
next step with an owner and a date of today or later. :func:`check_closing`
lists, in plain words, everything still missing, so the screen can show it
at all times and refuse to save until the list is empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from callmate.domain.dates import DateParseError, describe, parse_date
from callmate.domain.models import NextStep, Outcome, Owner
from callmate.domain.text import clean_line


@dataclass(frozen=True)
class ClosingDraft:
    """What the closing screen holds while the user fills it in."""

    outcome: Outcome | None = None
    next_what: str = ""
    next_owner: Owner = Owner.US
    due_text: str = ""


@dataclass(frozen=True)
class ClosingCheck:
    missing: list[str] = field(default_factory=list)
    due: date | None = None
    due_preview: str = ""
    next_step: NextStep | None = None

    @property
    def ready(self) -> bool:
        return not self.missing


MISSING_OUTCOME = "Pick the outcome: yes, no or maybe."
MISSING_WHAT = "Say what the next step is."
MISSING_DATE = "Give the next step a date (today or later)."


def check_closing(draft: ClosingDraft, today: date) -> ClosingCheck:
    """Everything still missing before this call may be saved, in order."""
    missing: list[str] = []
    if draft.outcome is None:
        missing.append(MISSING_OUTCOME)
    what = clean_line(draft.next_what)
    if not what:
        missing.append(MISSING_WHAT)

    due: date | None = None
    preview = ""
    due_text = clean_line(draft.due_text)
    if not due_text:
        missing.append(MISSING_DATE)
    else:
        try:
            due = parse_date(due_text, today)
        except DateParseError as error:
            missing.append(str(error))
        else:
            preview = describe(due, today)
            if due < today:
                missing.append(
                    f"The next step's date, {describe(due, today)}, is in the past. "
                    "Pick today or a later day."
                )
                due = None

    next_step = None
    if what and due is not None:
        next_step = NextStep(what=what, owner=draft.next_owner, due=due)
    return ClosingCheck(missing=missing, due=due, due_preview=preview, next_step=next_step)
