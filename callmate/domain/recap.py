"""The recap email: what we heard, their words, who owes what, and the date.

The method (METHOD.md rule 15) asks for a short email after every call that
confirms what was learned and repeats the commitments, so both sides leave
with the same understanding. It is plain text, written to be edited.

It takes only the notes meant for it (:attr:`Note.in_recap`): a private
note (``#``) never, and each other note as the user chose with one key, by
default everything but ``?`` follow-ups and multi-line pastes. Lines are
wrapped at 72 columns for plain-text mail.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from callmate.domain.kinds import RecapForm, RecapSection
from callmate.domain.models import Call, Contact, Note, NoteKind


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


WIDTH = 72
"""Plain-text mail is read at this width; longer lines are wrapped."""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _wrapped(text: str, *, bullet: bool = False) -> list[str]:
    """Lines of at most :data:`WIDTH` characters; a bullet's lines hang under its text.

    Words are never split, hyphens included, so an address or a link stays
    whole (on a line of its own when longer than the width).
    """
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent="- " if bullet else "",
        subsequent_indent="  " if bullet else "",
        break_long_words=False,
        break_on_hyphens=False,
    ) or ["- " if bullet else ""]


def _section(heading: str, items: list[str]) -> list[str]:
    if not items:
        return []
    lines = ["", heading]
    for item in items:
        lines += _wrapped(item, bullet=True)
    return lines


def _sentence(lead: str, note: Note) -> str:
    """``I will send the pricing sheet by Friday 27 November.``"""
    what = _one_line(note.text)
    if what.endswith(".") and not what.endswith(".."):
        what = what[:-1]
    due = f" by {long_date(note.due, note.due_time)}" if note.due is not None else ""
    if note.due is not None and note.created_at is not None:
        # "send pricing by Friday", dated Friday: say the date once, in full.
        from callmate.domain.dates import named_date

        named = named_date(what, note.created_at.astimezone().date())  # the day it was said
        if named and named[2].date == note.due and named[2].time in (None, note.due_time):
            what, due = " ".join(what.split()[: named[0]]), f" {long_date(note.due, note.due_time)}"
    sentence = f"{lead} {what}{due}"
    return sentence if sentence.endswith((".", "!", "?")) else sentence + "."


def _promise(note: Note, contact: Contact) -> str:
    """A commitment as one would write it to the customer.

    Ours: "I will …", or "Sam will …" when someone else on our side owns it.
    Theirs: "You offered to …", or "Priya offered to …" when the owner is
    someone other than the person on the call.
    """
    owner = _one_line(note.owner)
    if note.kind is NoteKind.THEIRS:
        yours = not owner or owner.casefold() in {
            contact.name.casefold(),
            contact.first_name.casefold(),
        }
        return _sentence("You offered to" if yours else f"{owner} offered to", note)
    return _sentence(f"{owner} will" if owner else "I will", note)


def _recap_line(note: Note, contact: Contact) -> str:
    """A note as its kind's row says the recap writes it."""
    form = note.kind.recap_form
    if form is RecapForm.PROMISE:
        return _promise(note, contact)
    if form is RecapForm.QUOTED:
        return f'"{_one_line(note.text)}"'
    return _one_line(note.text)


def compose_recap(call: Call, *, signature: str = "", carried: Sequence[Note] = ()) -> Recap:
    """Build the email from the notes it takes; sections without content are left out.

    Only notes that are :attr:`Note.in_recap` are used: never a private note,
    nor one the user left out. ``carried`` are promises from earlier calls
    with this contact still open: they are repeated apart from the ones made
    today, so none is forgotten.
    """
    contact = call.contact
    notes = [note for note in call.notes if note.in_recap]

    lines: list[str] = [f"Hi {contact.first_name},", ""]
    lines.append("Thank you for your time today. Here is what I took away from our call,")
    lines.append("so we can be sure we understood each other.")
    by_section: dict[RecapSection, list[Note]] = {}
    for note in notes:
        if note.kind.recap is not None:
            by_section.setdefault(note.kind.recap, []).append(note)
    for section in RecapSection:  # each in the email's order; within one, by the kinds' order
        taken = sorted(by_section.get(section, []), key=lambda n: n.kind.recap_order)
        lines += _section(section.value, [_recap_line(n, contact) for n in taken])
    still = [n for n in carried if n.is_commitment and n.in_recap]
    still.sort(key=lambda n: n.kind is NoteKind.THEIRS)  # ours first, each in its order
    lines += _section("Still open from our earlier calls:", [_promise(n, contact) for n in still])

    step = call.next_step
    if step is not None:
        lines.append("")
        lines += _wrapped(
            f"Next step: {_one_line(step.what)} ({step.owner.recap_phrase}),"
            f" by {long_date(step.due, step.due_time)}."
        )

    lines += ["", "If I missed or misread anything, just reply and I will correct it.", ""]
    lines += [signature.strip() or "Best regards,"]

    subject = "Recap of our call"
    if step is not None:
        subject += f": next step by {long_date(step.due, step.due_time)}"
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
