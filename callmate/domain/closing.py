"""The close: a call is only saved once a dated next step is agreed.

The rules are the method's (METHOD.md rules 2, 12-14): every conversation
ends on a next step with an owner and a date of today or later; a No or a
Maybe says why; the backup goal is judged; a next step beyond the follow-up
cadence is questioned but allowed. :func:`check_closing` lists everything
still missing, each as the field it is in and a line in plain words, so the
screen can show it at all times, refuse to save until the list is empty,
and take the user to the first gap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from callmate.domain.dates import DateParseError, When, describe, parse_when
from callmate.domain.models import Call, GoalResult, NextStep, Outcome, Owner, Reason
from callmate.domain.nudges import next_step_cadence_warning
from callmate.domain.text import clean_line

DEFAULT_CADENCE_DAYS = 30


@dataclass(frozen=True)
class CommitmentDraft:
    """A commitment noted during the call, given an owner and a due date at the close."""

    note_id: int
    owner: str = ""
    due_text: str = ""


@dataclass(frozen=True)
class ClosingDraft:
    """What the closing screen holds while the user fills it in."""

    outcome: Outcome | None = None
    reason: Reason | None = None
    reason_text: str = ""
    goal_result: GoalResult | None = None
    next_what: str = ""
    next_owner: Owner = Owner.US
    due_text: str = ""
    commitments: tuple[CommitmentDraft, ...] = ()


@dataclass(frozen=True)
class CommitmentUpdate:
    note_id: int
    owner: str
    due: date | None
    due_time: time | None = None


class CloseField(StrEnum):
    """A field of the close that something can be missing from."""

    OUTCOME = "outcome"
    REASON = "reason"
    """The reason picked from the list (or typed in words)."""
    REASON_TEXT = "reason_text"
    """The reason in words (needed for "Other")."""
    NEXT_WHAT = "next_what"
    NEXT_DATE = "next_date"
    COMMITMENT_DATE = "commitment_date"
    """A commitment's due date: :attr:`Missing.note_id` says which."""


@dataclass(frozen=True)
class Missing:
    """One thing the close still needs: where it is, and what to do, in a line."""

    field: CloseField
    text: str
    note_id: int | None = None
    """For :attr:`CloseField.COMMITMENT_DATE`: the commitment's note."""

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class ClosingCheck:
    missing: list[Missing] = field(default_factory=list)
    due: date | None = None
    due_time: time | None = None
    due_preview: str = ""
    next_step: NextStep | None = None
    cadence_warning: str | None = None
    commitment_dates: dict[int, str] = field(default_factory=dict)
    """Each commitment's due date as read, for the live preview."""
    commitments: list[CommitmentUpdate] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.missing


class AlreadyClosedError(Exception):
    """The call was closed somewhere else (another callmate window) first.

    A call is closed once: the second close is refused, not written over the
    first. ``call`` is the call as the first close saved it.
    """

    def __init__(self, call: Call) -> None:
        super().__init__(f"call {call.id} was already closed")
        self.call = call


MISSING_OUTCOME = "Pick the outcome: yes, no or maybe."
MISSING_WHAT = "Say what the next step is."
MISSING_DATE = "Give the next step a date (today or later)."
MISSING_OTHER_REASON = "Say what the other reason is."


def missing_reason(outcome: Outcome) -> str:
    return f"Say why it's a {outcome.value}: pick a reason or type one."


def _read_date(text: str, today: date, now: time | None) -> tuple[When | None, str | None]:
    try:
        return parse_when(text, today, now), None
    except DateParseError as error:
        return None, str(error)


def _is_past(when: When, today: date, now: time | None) -> bool:
    """Before today, or today at a time already gone (to the minute)."""
    if when.date != today or when.time is None or now is None:
        return when.date < today
    return when.time < now.replace(second=0, microsecond=0, tzinfo=None)


def _clock_now(now: datetime | time | None) -> time | None:
    return now.time() if isinstance(now, datetime) else now


class DateProblem(StrEnum):
    """Why a next step's date as typed can't be saved."""

    EMPTY = "empty"
    UNREADABLE = "unreadable"
    """Not a date callmate reads (the problem says why: no Feb 30, a year ago …)."""
    PAST = "past"
    """A day, or a time today, already gone."""


@dataclass(frozen=True)
class StepDate:
    """A next step's date as typed, judged by the close's rules."""

    due: date | None = None
    """The date, when it can be saved (read, and not in the past)."""
    due_time: time | None = None
    """The time of day typed with it, if any."""
    preview: str = ""
    problem: str | None = None
    """Why it can't be saved, in a line; None when it can."""
    why: DateProblem | None = None
    """The problem's kind (None when there is none): screens pick by this, not the wording."""
    cadence_warning: str | None = None


def check_step_date(
    text: str,
    today: date,
    *,
    cadence_days: int,
    what: str = "The next step's date",
    now: datetime | time | None = None,
) -> StepDate:
    """Read a next step's date: empty, unreadable or past is a problem; far is a warning.

    ``now`` is the local time of day: with it a time already gone today is
    refused ("3pm" at 4pm, "today 9am" at 10am); without it only the day is judged.
    """
    text = clean_line(text)
    if not text:
        return StepDate(problem=MISSING_DATE, why=DateProblem.EMPTY)
    clock = _clock_now(now)
    when, error = _read_date(text, today, clock)
    if when is None:
        return StepDate(problem=error, why=DateProblem.UNREADABLE)
    due = when.date
    preview = describe(due, today, when.time)
    if _is_past(when, today, clock):
        later = "time" if due == today else "day"
        return StepDate(
            preview=preview,
            problem=f"{what}, {preview}, is in the past. Pick a later {later}.",
            why=DateProblem.PAST,
        )
    warning = next_step_cadence_warning((due - today).days, cadence_days)
    return StepDate(due=due, due_time=when.time, preview=preview, cadence_warning=warning)


def check_closing(
    draft: ClosingDraft,
    today: date,
    *,
    cadence_days: int = DEFAULT_CADENCE_DAYS,
    now: datetime | time | None = None,
) -> ClosingCheck:
    """Everything still missing before this call may be saved, in order.

    ``now`` (local time of day) lets a time already gone today be refused.
    """
    missing: list[Missing] = []
    if draft.outcome is None:
        missing.append(Missing(CloseField.OUTCOME, MISSING_OUTCOME))
    elif draft.outcome is not Outcome.YES:
        reason_text = clean_line(draft.reason_text)
        if draft.reason is None and not reason_text:
            missing.append(Missing(CloseField.REASON, missing_reason(draft.outcome)))
        elif draft.reason is Reason.OTHER and not reason_text:
            missing.append(Missing(CloseField.REASON_TEXT, MISSING_OTHER_REASON))

    what = clean_line(draft.next_what)
    if not what:
        missing.append(Missing(CloseField.NEXT_WHAT, MISSING_WHAT))

    clock = _clock_now(now)
    step_date = check_step_date(draft.due_text, today, cadence_days=cadence_days, now=clock)
    due, preview, warning = step_date.due, step_date.preview, step_date.cadence_warning
    if step_date.problem:
        missing.append(Missing(CloseField.NEXT_DATE, step_date.problem))

    updates: list[CommitmentUpdate] = []
    previews: dict[int, str] = {}
    for commitment in draft.commitments:
        text = clean_line(commitment.due_text)
        commitment_due: date | None = None
        commitment_time: time | None = None
        if text:
            read, error = _read_date(text, today, clock)
            gap, note_id = CloseField.COMMITMENT_DATE, commitment.note_id
            if error:
                missing.append(Missing(gap, f"A commitment's due date: {error}", note_id))
            elif read is not None:
                previews[commitment.note_id] = describe(read.date, today, read.time)
                if _is_past(read, today, clock):
                    past = (
                        f"A commitment's date, {previews[note_id]}, is in the past."
                        " Pick a later day or time."
                    )
                    missing.append(Missing(gap, past, note_id))
                else:
                    commitment_due, commitment_time = read.date, read.time
        updates.append(
            CommitmentUpdate(
                commitment.note_id, clean_line(commitment.owner), commitment_due, commitment_time
            )
        )

    next_step = None
    if what and due is not None:
        next_step = NextStep(
            what=what, owner=draft.next_owner, due=due, due_time=step_date.due_time
        )
    return ClosingCheck(
        missing=missing,
        due=due,
        due_time=step_date.due_time,
        due_preview=preview,
        next_step=next_step,
        cadence_warning=warning,
        commitment_dates=previews,
        commitments=updates,
    )


def describe_close(
    outcome: Outcome | None,
    next_step: NextStep | None,
    today: date,
    *,
    what: str = "",
    owner: Owner | None = None,
    due_text: str = "",
    relative: bool = True,
) -> str:
    """A close in one line, e.g. ``Yes · next step “Demo” (us) by Fri 27 Nov 2026 · in 5 days``.

    ``what``, ``owner`` and ``due_text`` stand in for a next step that is only
    typed, not yet complete (a draft). ``relative=False`` leaves out "in 5 days".
    """
    parts = [outcome.value.capitalize() if outcome else "no outcome picked"]
    if next_step is not None:
        what, owner = next_step.what, next_step.owner
        when = describe(next_step.due, today, next_step.due_time)
        if not relative:
            when = when.split(" · ")[0]
    else:
        when = clean_line(due_text)
    what = clean_line(what)
    step = f"next step “{what}”" if what else "no next step typed"
    if owner is not None and what:
        step += f" ({owner.value})"
    if when:
        step += f" by {when}"
    return " · ".join([*parts, step])


def describe_draft(
    draft: ClosingDraft, next_step: NextStep | None, today: date, *, relative: bool = True
) -> str:
    """:func:`describe_close` of what the close screen holds (complete or only typed)."""
    return describe_close(
        draft.outcome,
        next_step,
        today,
        what=draft.next_what,
        owner=draft.next_owner,
        due_text=draft.due_text,
        relative=relative,
    )


def close_as_note(
    draft: ClosingDraft, today: date, commitment_texts: Mapping[int, str] | None = None
) -> str:
    """What a second close of the same call had typed, kept as a note on the call.

    ``commitment_texts`` names each commitment (by note id) whose owner or due
    date was typed, so those are kept too.
    """
    close = describe_draft(draft, check_closing(draft, today).next_step, today)
    extra = []
    if draft.reason is not None and draft.outcome is not Outcome.YES:
        extra.append(f"why: {draft.reason.label}")
    words = clean_line(draft.reason_text)
    if words and draft.outcome is not Outcome.YES:
        extra.append(f"in their words: {words}")
    if draft.goal_result is not None:
        extra.append(draft.goal_result.words)
    for commitment in draft.commitments:
        owner, due = clean_line(commitment.owner), clean_line(commitment.due_text)
        if owner or due:
            text = clean_line((commitment_texts or {}).get(commitment.note_id, "a commitment"))
            extra.append(
                ", ".join([f"“{text}”: {owner or 'no owner'}", *([f"by {due}"] if due else [])])
            )
    return "Also typed at the close (in another window): " + " · ".join([close, *extra])
