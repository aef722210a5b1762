"""The recap email: what we heard, their words, who owes what, and the date.

The method (METHOD.md rule 15) asks for a short email after every call that
confirms what was learned and repeats the commitments, so both sides leave
with the same understanding. It is plain text, written to be edited.

Private notes (``#``) never appear in it: every section names the kinds it
takes, and :attr:`NoteKind.PRIVATE` is none of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from callmate.domain.models import Call, Note, NoteKind, Owner


@dataclass(frozen=True)
class Recap:
    subject: str
    body: str

    def as_text(self) -> str:
        return f"Subject: {self.subject}\n\n{self.body}"


def long_date(day: date, at: time | None = None) -> str:
    """``Friday 4 December``, or ``Thursday 3 December at 15:00``: dates as emails write them."""
    when = f"{day:%A} {day.day} {day:%B}"
    return when if at is None else f"{when} at {at.hour:02d}:{at.minute:02d}"


def _bullets(lines: list[str]) -> list[str]:
    return [f"- {line}" for line in lines]


def _note_lines(notes: list[Note]) -> list[str]:
    return [" ".join(note.text.split()) for note in notes]


def _commitment(note: Note) -> str:
    """``send pricing (Sam, by Friday 27 November)``: who and when, where known."""
    text = " ".join(note.text.split())
    details = [note.owner] if note.owner else []
    if note.due is not None:
        details.append(f"by {long_date(note.due)}")
    return f"{text} ({', '.join(details)})" if details else text


_OWNER_PHRASE = {
    Owner.US: "on our side",
    Owner.THEM: "on your side",
    Owner.BOTH: "together",
}


def compose_recap(call: Call, *, signature: str = "", carried: Sequence[Note] = ()) -> Recap:
    """Build the email from the call's notes; sections without content are left out.

    ``carried`` are promises from earlier calls with this contact still open:
    they are repeated apart from the ones made today, so none is forgotten.
    """
    first_name = call.contact.first_name
    lines: list[str] = [f"Hi {first_name},", ""]
    lines.append("Thank you for your time today. Here is what I took away from our call,")
    lines.append("so we can be sure we understood each other.")

    learned = _note_lines(call.notes_of(NoteKind.NOTE, NoteKind.PAIN))
    if learned:
        lines += ["", "What I understood:", *_bullets(learned)]

    concerns = _note_lines(call.notes_of(NoteKind.OBJECTION))
    if concerns:
        lines += ["", "Concerns you raised:", *_bullets(concerns)]

    quotes = _note_lines(call.notes_of(NoteKind.QUOTE))
    if quotes:
        lines += ["", "In your words:", *[f'- "{quote}"' for quote in quotes]]

    ours = [_commitment(n) for n in call.notes_of(NoteKind.OURS, NoteKind.FOLLOW_UP)]
    theirs = [_commitment(n) for n in call.notes_of(NoteKind.THEIRS)]
    if ours or theirs:
        lines += ["", "What we agreed:"]
        lines += [f"- I will: {item}" for item in ours]
        lines += [f"- You will: {item}" for item in theirs]

    still_ours = [_commitment(n) for n in carried if n.kind is NoteKind.OURS]
    still_theirs = [_commitment(n) for n in carried if n.kind is NoteKind.THEIRS]
    if still_ours or still_theirs:
        lines += ["", "Still open from our earlier calls:"]
        lines += [f"- I will: {item}" for item in still_ours]
        lines += [f"- You will: {item}" for item in still_theirs]

    step = call.next_step
    if step is not None:
        lines += [
            "",
            f"Next step: {step.what} ({_OWNER_PHRASE[step.owner]}), by {long_date(step.due)}.",
        ]

    lines += ["", "If I missed or misread anything, just reply and I will correct it.", ""]
    lines += [signature.strip() or "Best regards,"]

    subject = "Recap of our call"
    if step is not None:
        subject += f": next step by {long_date(step.due)}"
    return Recap(subject=subject, body="\n".join(lines).rstrip() + "\n")


def _carry_order(note: Note) -> tuple[bool, date, datetime, int]:
    """Oldest due date first, the undated last; then as they were made."""
    return (
        note.due is None,
        note.due or date.min,
        note.created_at or datetime.min.replace(tzinfo=UTC),
        note.id or 0,
    )


def earlier_open_by_call(calls: Iterable[Call]) -> dict[int, list[Note]]:
    """For each call, the promises of earlier calls with the same person that
    are still open: what :meth:`Repository.earlier_open_commitments` reads for
    one call, worked out for a whole export from the calls already loaded.

    "Earlier" is started at or before the call (itself left out), as there.
    One pass per person, with no query: an export of every call stays one read.
    """
    by_person: dict[int, list[Call]] = {}
    for call in calls:
        if call.id is not None and call.contact.id is not None:
            by_person.setdefault(call.contact.id, []).append(call)
    carried: dict[int, list[Note]] = {}
    for person in by_person.values():
        person.sort(key=lambda call: call.started_at)
        before: list[Note] = []  # open promises of calls started strictly earlier
        start = 0
        while start < len(person):
            end = start
            while end < len(person) and person[end].started_at == person[start].started_at:
                end += 1
            same_moment = person[start:end]
            for call in same_moment:
                others = [n for c in same_moment if c is not call for n in _open_promises(c)]
                carried[call.id or 0] = sorted([*before, *others], key=_carry_order)
            before += [n for c in same_moment for n in _open_promises(c)]
            start = end
    return carried


def _open_promises(call: Call) -> list[Note]:
    return [n for n in call.notes_of(NoteKind.OURS, NoteKind.THEIRS) if n.done_at is None]
