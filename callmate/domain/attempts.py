"""An attempt: a call that never connected still ends on a dated next step.

Most dials don't connect (no answer, voicemail, a gatekeeper, a wrong
number). The method's gate holds (rule 12: a dated next step, today or
later) but nothing else is asked: no outcome, no reason, no recap. The date
is read with the close's grammar and judged by the close's rules (a past day
refused, past the cadence questioned), and the step is "Try again", on us.

What is still missing is typed (:class:`Missing`: the field, and what kind of
problem a date has), so the dialog picks what to show and where to put the
focus by field, never by the wording of the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from callmate.domain.closing import DEFAULT_CADENCE_DAYS, DateProblem, check_step_date
from callmate.domain.models import ATTEMPT_KINDS, TRY_AGAIN, Call, Connection, NextStep, Owner

SUGGESTED_DATE = "tomorrow"
"""What the date field holds when the dialog opens: Enter takes it as it is."""
MISSING_KIND = "Say what happened: " + ", ".join(f"{k.key} {k.label}" for k in ATTEMPT_KINDS) + "."
"""``Say what happened: n no answer, v voicemail, …``: each key beside its kind."""


class AttemptField(StrEnum):
    """A field of the attempt dialog that something can be missing from."""

    KIND = "kind"
    """What happened: no answer, voicemail, gatekeeper, wrong number."""
    DATE = "date"
    """The next try's date."""


@dataclass(frozen=True)
class Missing:
    """One thing the attempt still needs: where it is, and what to do, in a line."""

    field: AttemptField
    text: str
    date_problem: DateProblem | None = None
    """For :attr:`AttemptField.DATE`: empty, unreadable or in the past."""

    @property
    def about_typed(self) -> bool:
        """About the date as typed (unreadable, or past): worth saying while it is
        typed, not only once Enter is refused."""
        return self.date_problem in (DateProblem.UNREADABLE, DateProblem.PAST)

    @property
    def past(self) -> bool:
        return self.date_problem is DateProblem.PAST

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class AttemptCheck:
    missing: list[Missing] = field(default_factory=list)
    next_step: NextStep | None = None
    due_preview: str = ""
    cadence_warning: str | None = None

    @property
    def ready(self) -> bool:
        return not self.missing


def check_attempt(
    connection: Connection | None,
    due_text: str,
    today: date,
    *,
    cadence_days: int = DEFAULT_CADENCE_DAYS,
    now: datetime | time | None = None,
) -> AttemptCheck:
    """What is still missing before the attempt may be saved, in order.

    ``now`` (local time of day) refuses a time already gone today."""
    missing: list[Missing] = []
    if connection is None or not connection.is_attempt:
        missing.append(Missing(AttemptField.KIND, MISSING_KIND))
    step_date = check_step_date(
        due_text, today, cadence_days=cadence_days, what="The next try's date", now=now
    )
    due, preview, warning = step_date.due, step_date.preview, step_date.cadence_warning
    if step_date.problem:
        missing.append(Missing(AttemptField.DATE, step_date.problem, step_date.why))
    step = (
        NextStep(what=TRY_AGAIN, owner=Owner.US, due=due, due_time=step_date.due_time)
        if due is not None
        else None
    )
    return AttemptCheck(
        missing=missing,
        next_step=step if not missing else None,
        due_preview=preview,
        cadence_warning=warning,
    )


def tries(calls: Sequence[Call]) -> dict[int, int]:
    """Each attempt's place in its streak (1st, 2nd... try since the last
    conversation), by call id; ``calls`` are one contact's, oldest first."""
    out: dict[int, int] = {}
    streak = 0
    for call in calls:
        if call.connection.is_attempt:
            streak += 1
            if call.id is not None:
                out[call.id] = streak
        else:
            streak = 0
    return out


def attempts_since_conversation(calls: Sequence[Call]) -> int:
    """Attempts after the last connected call (all of them if none connected)."""
    count = 0
    for call in reversed(calls):
        if not call.connection.is_attempt:
            break
        count += 1
    return count
