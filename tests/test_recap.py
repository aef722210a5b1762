"""Recap composition: the email a salesperson would send, from the notes."""

from __future__ import annotations

from datetime import date, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from callmate.domain.models import Call, Contact, NextStep, Note, NoteKind, Owner
from callmate.domain.recap import compose_recap, long_date
from callmate.domain.text import clean
from tests.conftest import NOW


def call_with(notes: list[tuple[NoteKind, str]], *, next_step: bool = True) -> Call:
    return Call(
        contact=Contact(name="Dana Whitfield", company="Northwind"),
        goal="Book a demo",
        notes=[Note(kind=k, text=t, offset_seconds=i * 10) for i, (k, t) in enumerate(notes)],
        started_at=NOW,
        next_step=(
            NextStep(what="Demo for ops", owner=Owner.THEM, due=date(2026, 12, 3))
            if next_step
            else None
        ),
    )


def test_full_recap_has_every_section_in_order() -> None:
    call = call_with(
        [
            (NoteKind.NOTE, "three spreadsheets"),
            (NoteKind.PAIN, "weekends lost"),
            (NoteKind.OBJECTION, "peak season risk"),
            (NoteKind.QUOTE, "we lose a day a week"),
            (NoteKind.OURS, "send pricing"),
            (NoteKind.FOLLOW_UP, "answer on SSO"),
            (NoteKind.THEIRS, "book the ops lead"),
        ]
    )
    recap = compose_recap(call, signature="Best,\nSam")
    body = recap.body
    assert recap.subject == "Recap of our call: next step by Thursday 3 December"
    assert body.startswith("Hi Dana,\n")
    order = [
        "What I understood:\n- three spreadsheets",
        "What matters to you:\n- weekends lost",
        "Concerns you raised:\n- peak season risk",
        'In your words:\n- "we lose a day a week"',
        "What we agreed:\n- I will send pricing.\n- You offered to book the ops lead.",
        "Next step: Demo for ops (on your side), by Thursday 3 December.",
        "Best,\nSam",
    ]
    positions = [body.index(part) for part in order]
    assert positions == sorted(positions)
    assert recap.as_text().startswith("Subject: Recap of our call")


def test_recap_without_quotes_or_commitments_leaves_those_sections_out() -> None:
    body = compose_recap(call_with([(NoteKind.NOTE, "uses Excel")])).body
    assert "What I understood:\n- uses Excel" in body
    assert "In your words" not in body
    assert "What we agreed" not in body
    assert "Concerns" not in body
    assert body.rstrip().endswith("Best regards,")


def test_recap_of_a_call_with_no_notes_is_still_a_short_polite_email() -> None:
    recap = compose_recap(call_with([], next_step=False))
    assert recap.subject == "Recap of our call"
    assert "Next step" not in recap.body
    assert recap.body.count("\n") < 10


def test_multi_line_notes_become_one_bullet() -> None:
    call = call_with([(NoteKind.QUOTE, "first line\nsecond line")])
    assert "first line" not in compose_recap(call).body, "a note of several lines is out at first"
    call.notes[0].in_email = True
    assert '- "first line second line"' in compose_recap(call).body


def test_long_date() -> None:
    assert long_date(date(2026, 12, 3)) == "Thursday 3 December"
    assert long_date(date(2027, 1, 1)) == "Friday 1 January"
    assert long_date(date(2026, 12, 3), time(15, 0)) == "Thursday 3 December at 15:00"
    assert long_date(date(2026, 12, 3), time(9, 5)) == "Thursday 3 December at 09:05"


NOTE_TEXT = st.text(min_size=1).filter(lambda t: clean(t).strip())


SHARED_KINDS = [kind for kind in NoteKind if kind is not NoteKind.PRIVATE]
"""Every kind but private, which never leaves the user's hands (tests/test_private_notes.py)."""


@given(st.lists(st.tuples(st.sampled_from(SHARED_KINDS), NOTE_TEXT)))
def test_every_note_put_in_reaches_the_recap(notes: list[tuple[NoteKind, str]]) -> None:
    call = call_with(notes)
    for note in call.notes:
        note.in_email = True
    body = compose_recap(call).body
    words = " ".join(body.split())  # wrapped at 72 columns: compare word for word
    for note in call.notes:
        text = " ".join(note.text.split())
        assert (text[:-1] if text.endswith(".") else text) in words
    assert body.endswith("\n")
    for line in body.splitlines():  # a longer line is one word that can't be split
        assert len(line) <= 72 or len(line.removeprefix("- ").split()) == 1


def test_due_in_the_future_reads_naturally() -> None:
    call = call_with([])
    assert call.next_step is not None
    call.next_step = call.next_step.model_copy(update={"due": NOW.date() + timedelta(days=1)})
    assert "by Monday 23 November" in compose_recap(call).body


def test_a_time_agreed_with_the_date_is_in_the_recap() -> None:
    call = call_with([(NoteKind.OURS, "send the pricing sheet")])
    step = NextStep(what="Demo", owner=Owner.BOTH, due=date(2026, 12, 3), due_time=time(15, 0))
    call.next_step = step
    call.notes[0].due, call.notes[0].due_time = date(2026, 11, 27), time(9, 30)
    recap = compose_recap(call)
    assert recap.subject.endswith("next step by Thursday 3 December at 15:00")
    assert "by Thursday 3 December at 15:00." in recap.body
    assert "by Friday 27 November at 09:30." in recap.body


def test_a_promise_that_names_its_date_says_it_once_in_full() -> None:
    """ ">send the deck by Friday", dated that Friday on the close: the recap says
    "by Friday 27 November", not "by Friday by Friday 27 November"; a promise
    whose date was changed on the close keeps its words and adds the new date."""
    said = NOW.replace(day=23)  # Monday 23 November 2026

    def recap_of(text: str, due: date) -> str:
        note = Note(id=1, text=text, kind=NoteKind.OURS, due=due, created_at=said)
        call = Call(
            contact=Contact(name="Dana Whitfield"),
            goal="Book a demo",
            started_at=said,
            notes=[note],
            next_step=NextStep(what="Demo", owner=Owner.US, due=date(2026, 12, 1)),
        )
        return compose_recap(call).body

    assert "- I will send the deck by Friday 27 November.\n" in recap_of(
        "send the deck by Friday", date(2026, 11, 27)
    )
    moved = recap_of("send the deck by Friday", date(2026, 11, 30))
    assert "- I will send the deck by Friday by Monday 30 November.\n" in moved
