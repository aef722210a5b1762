"""Golden recaps: fixture calls whose email is checked word for word.

Each call's recap (subject, blank line, body) is compared with
``tests/golden/<name>.txt``. When the wording changes on purpose, run with
``CALLMATE_UPDATE_GOLDEN=1`` and read the diff before committing it.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from callmate.domain.models import Call, Contact, NextStep, Note, NoteKind, Owner
from callmate.domain.recap import compose_recap
from tests.conftest import NOW

GOLDEN = Path(__file__).parent / "golden"
FRIDAY = date(2026, 11, 27)
PASTE = (
    "From: Dana Whitfield <dana@northwind.example>\n"
    "Subject: RE: weekly ops report\n"
    "\n"
    "Our regional leads spend every Monday merging the three site sheets.\n"
    "Details are on https://intranet.northwind.example/ops/weekly-report-process-v2"
)


def note(kind: NoteKind, text: str, **extra: object) -> Note:
    return Note(kind=kind, text=text, **extra)


def call(notes: list[Note], *, step: NextStep | None = None) -> Call:
    return Call(
        contact=Contact(name="Dana Whitfield", company="Northwind"),
        goal="Book a demo",
        notes=[n.model_copy(update={"offset_seconds": i * 30}) for i, n in enumerate(notes)],
        started_at=NOW,
        next_step=step,
    )


DEMO = NextStep(what="Demo for the ops team", owner=Owner.BOTH, due=date(2026, 12, 4))

FIXTURES: dict[str, tuple[Call, list[Note]]] = {
    "every_kind": (
        call(
            [
                note(NoteKind.NOTE, "They run three sites on shared spreadsheets."),
                note(NoteKind.PAIN, "Monday mornings go on merging the site reports"),
                note(NoteKind.OBJECTION, "worried about switching during peak season"),
                note(NoteKind.QUOTE, "we lose a day every week on reports"),
                note(NoteKind.OURS, "send the pricing sheet", due=FRIDAY),
                note(NoteKind.THEIRS, "send the org chart.", owner="Dana", due=date(2026, 12, 7)),
                note(NoteKind.FOLLOW_UP, "check whether SSO is in the base plan"),
                note(NoteKind.PRIVATE, "CFO seems hostile; margin floor 12%"),
            ],
            step=DEMO,
        ),
        [],
    ),
    "long_pastes": (
        call(
            [
                note(NoteKind.NOTE, PASTE),
                note(NoteKind.QUOTE, PASTE.replace("weekly", "monthly"), in_email=True),
                note(
                    NoteKind.PAIN,
                    "the regional leads cannot see stock across sites before Tuesday, so "
                    "orders promised on Monday are late; ask dana@northwind.example or see "
                    "https://intranet.northwind.example/ops/stock-visibility-requirements-2026",
                ),
            ],
            step=DEMO,
        ),
        [],
    ),
    "private_only": (
        call(
            [
                note(NoteKind.PRIVATE, "CFO seems hostile"),
                note(NoteKind.PRIVATE, "note during hold: check the discount table"),
            ],
            step=DEMO,
        ),
        [],
    ),
    "no_notes": (call([]), []),
    "many_commitments": (
        call(
            [
                note(NoteKind.OURS, "send the pricing sheet", due=FRIDAY),
                note(NoteKind.OURS, "book the ops workshop", owner="Priya", due=date(2026, 12, 2)),
                note(NoteKind.OURS, "share two customer references"),
                note(NoteKind.THEIRS, "confirm the budget owner", due=date(2026, 11, 30)),
                note(NoteKind.THEIRS, "introduce us to the ops lead", owner="Dana Whitfield"),
                note(NoteKind.THEIRS, "send last year's volumes", owner="Marco"),
                note(NoteKind.FOLLOW_UP, "answer the SSO question", in_email=True),
                note(NoteKind.OURS, "draft a pilot plan.", due=date(2026, 12, 11)),
            ],
            step=NextStep(what="Pilot review", owner=Owner.THEM, due=date(2026, 12, 11)),
        ),
        [
            note(NoteKind.OURS, "send the case study", due=FRIDAY - timedelta(days=7)),
            note(NoteKind.THEIRS, "name the project sponsor"),
            note(NoteKind.OURS, "a promise left out of emails", in_email=False),
        ],
    ),
    "toggled_out": (
        call(
            [
                note(NoteKind.NOTE, "note during hold", in_email=False),
                note(NoteKind.NOTE, "they use three spreadsheets"),
                note(NoteKind.PAIN, "CFO seems hostile", in_email=False),
                note(NoteKind.OBJECTION, "price is above last year's budget"),
                note(NoteKind.QUOTE, "we never see stock in time", in_email=False),
                note(NoteKind.OURS, "ask finance for a discount", in_email=False),
                note(NoteKind.FOLLOW_UP, "send the security questionnaire", in_email=True),
                note(NoteKind.PRIVATE, "margin floor 12%", in_email=True),  # never, whatever
            ],
            step=DEMO,
        ),
        [],
    ),
}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_recap_matches_its_golden_text(name: str) -> None:
    the_call, carried = FIXTURES[name]
    recap = compose_recap(the_call, signature="Best regards,\nSam Rivera", carried=carried)
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("CALLMATE_UPDATE_GOLDEN"):
        path.write_text(recap.as_text(), encoding="utf-8")
    assert recap.as_text() == path.read_text(encoding="utf-8")


def test_every_kind_and_case_has_a_fixture() -> None:
    kinds = {n.kind for the_call, _ in FIXTURES.values() for n in the_call.notes}
    assert kinds == set(NoteKind)
    assert any(not the_call.notes for the_call, _ in FIXTURES.values())
    assert any(n.in_email is False for the_call, _ in FIXTURES.values() for n in the_call.notes)
