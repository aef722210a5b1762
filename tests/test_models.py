"""The domain models: kinds from prefixes, required fields, clean text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from callmate.domain.limits import OFFSET_MAX_SECONDS, ONE_LINE_MAX, TEXT_MAX
from callmate.domain.models import (
    Call,
    Contact,
    Note,
    NoteKind,
    Question,
    format_offset,
    parse_tick_command,
    split_prefix,
)
from tests.conftest import NOW


@pytest.mark.parametrize(
    ("line", "kind", "text"),
    [
        ("plain note", NoteKind.NOTE, "plain note"),
        ('"we lose a day"', NoteKind.QUOTE, "we lose a day"),
        ('"no closing mark', NoteKind.QUOTE, "no closing mark"),
        ("!weekends at risk", NoteKind.PAIN, "weekends at risk"),
        ("~too expensive", NoteKind.OBJECTION, "too expensive"),
        (">send pricing", NoteKind.OURS, "send pricing"),
        ("<intro to CFO", NoteKind.THEIRS, "intro to CFO"),
        ("?check SSO", NoteKind.FOLLOW_UP, "check SSO"),
        ("  > spaced out  ", NoteKind.OURS, "spaced out"),
        ("says 'hi' mid-line", NoteKind.NOTE, "says 'hi' mid-line"),
        ("", NoteKind.NOTE, ""),
        ('"', NoteKind.QUOTE, ""),
    ],
)
def test_prefix_sets_the_kind(line: str, kind: NoteKind, text: str) -> None:
    assert split_prefix(line) == (kind, text)


def test_every_kind_but_note_has_a_distinct_prefix_and_label() -> None:
    prefixes = [kind.prefix for kind in NoteKind if kind is not NoteKind.NOTE]
    assert len(set(prefixes)) == len(prefixes) and all(len(p) == 1 for p in prefixes)
    labels = [kind.label for kind in NoteKind]
    assert len(set(labels)) == len(labels)
    for kind in NoteKind:
        if kind is not NoteKind.NOTE:
            assert split_prefix(kind.prefix + "x") == (kind, "x")


@pytest.mark.parametrize(
    ("line", "numbers"),
    [
        ("/2", [2]),
        ("/1 3", [1, 3]),
        (" /4,5 ", [4, 5]),
        ("/", None),
        ("/2 weeks", None),
        ("2", None),
        ("/x", None),
        ("/12345", None),
        ("/0", None),
        ("/1 0", None),
    ],
)
def test_tick_command(line: str, numbers: list[int] | None) -> None:
    assert parse_tick_command(line) == numbers


@given(st.text())
def test_split_prefix_never_fails_and_never_grows(line: str) -> None:
    kind, text = split_prefix(line)
    assert isinstance(kind, NoteKind)
    assert len(text) <= len(line)


def test_a_call_needs_a_goal_and_a_contact() -> None:
    contact = Contact(name="Dana")
    with pytest.raises(ValidationError):
        Call(contact=contact, goal="", started_at=NOW)
    with pytest.raises(ValidationError):
        Call(contact=contact, goal="   \n\t ", started_at=NOW)
    with pytest.raises(ValidationError):
        Contact(name=" ")
    call = Call(contact=contact, goal="  Book a demo  ", started_at=NOW)
    assert call.goal == "Book a demo"


def test_text_fields_are_cleaned_on_the_way_in() -> None:
    call = Call(
        contact=Contact(name="Dana\x1b[31m", company="Acme\x07"),
        goal="demo\x1b]0;title\x07",
        backup_goal="line\nbreak",
        questions=[Question(text="budget\x9b")],
        started_at=NOW,
    )
    assert call.contact.name == "Dana[31m"
    assert call.contact.company == "Acme"
    assert call.goal == "demo]0;title"
    assert call.backup_goal == "line break"
    assert call.questions[0].text == "budget"
    note = Note(text="first\r\nsecond\x1b", created_at=NOW)
    assert note.text == "first\nsecond"
    with pytest.raises(ValidationError):
        Note(text="\x1b\x07", created_at=NOW)


def test_offsets_read_like_a_stopwatch() -> None:
    assert format_offset(0) == "00:00"
    assert format_offset(65) == "01:05"
    assert format_offset(3599) == "59:59"
    assert format_offset(3600 + 62) == "1:01:02"
    assert format_offset(-5) == "00:00"


def test_first_name() -> None:
    assert Contact(name="Dana Whitfield").first_name == "Dana"
    assert Contact(name="Cher").first_name == "Cher"


@given(st.text())
def test_parse_tick_command_never_fails(line: str) -> None:
    numbers = parse_tick_command("/" + line)
    assert numbers is None or all(1 <= n <= 999 for n in numbers)


def test_over_long_values_are_cut_visibly_never_refused() -> None:
    """A value longer than the limits (from an older callmate's database, or
    built from other text) is cut to fit, ending in "…": a screen never crashes."""
    call = Call(
        contact=Contact(name="D" * 10_000, company="c" * 501),
        goal="g" * 10_000,
        questions=[Question(text="verify: " + "r" * ONE_LINE_MAX)],
        notes=[Note(text="n" * (TEXT_MAX + 10), offset_seconds=10**12)],
        paused_seconds=-5,
        started_at=NOW,
    )
    assert call.goal == "g" * (ONE_LINE_MAX - 1) + "…"
    assert len(call.contact.name) == len(call.contact.company) == ONE_LINE_MAX
    assert call.questions[0].text.endswith("r…") and len(call.questions[0].text) == ONE_LINE_MAX
    assert len(call.notes[0].text) == TEXT_MAX and call.notes[0].text.endswith("…")
    assert call.notes[0].offset_seconds == OFFSET_MAX_SECONDS
    assert call.paused_seconds == 0
    # At the limit exactly, nothing is cut.
    assert Call(contact=Contact(name="Dana"), goal="g" * ONE_LINE_MAX, started_at=NOW).goal == (
        "g" * ONE_LINE_MAX
    )
