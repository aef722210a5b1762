"""The prep in view on the call: research, their words, open promises kept with one key,
and "say aloud" lines ticked like questions."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from callmate.app import CallmateApp
from callmate.domain.exporters import call_to_markdown, to_json
from callmate.domain.models import (
    Call,
    Contact,
    ContactRole,
    NextStep,
    Note,
    NoteKind,
    Outcome,
    Owner,
    Question,
    ResearchArea,
    ResearchLine,
    parse_keep_command,
)
from callmate.locations import database_path
from callmate.screens.live_call import LiveCallScreen
from callmate.store.repository import Repository
from callmate.widgets.prep_panel import PrepPanel
from tests.conftest import NOW
from tests.helpers import screen_text, settle, type_text

DANA = Contact(name="Dana Whitfield", company="Northwind", role=ContactRole.DECISION_MAKER)
TODAY = NOW.date()


def seed(home: Path, *, history: bool = True) -> Call:
    """An earlier call with Dana (quotes, promises open, kept and deleted), and a live one."""
    repo = Repository.open(database_path(home))
    try:
        if history:
            earlier = repo.start_call(
                Call(contact=DANA, goal="First contact", started_at=NOW - timedelta(days=9))
            )
            assert earlier.id is not None
            for minutes, (kind, text) in enumerate(
                [
                    (NoteKind.QUOTE, "oldest words"),
                    (NoteKind.QUOTE, "we lose a day every week"),
                    (NoteKind.QUOTE, "the board wants it by March"),
                    (NoteKind.QUOTE, "newest words"),
                    (NoteKind.OURS, "send the pricing sheet"),
                    (NoteKind.THEIRS, "intro to the ops lead"),
                    (NoteKind.OURS, "case study, already sent"),
                    (NoteKind.OURS, "a promise deleted on the call"),
                ]
            ):
                repo.save_note(
                    earlier.id,
                    Note(
                        kind=kind,
                        text=text,
                        created_at=NOW - timedelta(days=9) + timedelta(minutes=minutes),
                    ),
                )
            stored = repo.get_call(earlier.id)
            ids = {note.text: note.id or 0 for note in stored.notes}
            repo.set_commitment_done(ids["case study, already sent"], NOW - timedelta(days=8))
            repo.delete_note(ids["a promise deleted on the call"], NOW - timedelta(days=9))
            repo.finish_call(
                earlier.id,
                outcome=Outcome.MAYBE,
                next_step=NextStep(what="Demo", owner=Owner.US, due=TODAY),
                ended_at=NOW - timedelta(days=9),
            )
            # Due two days ago: overdue now, so it is listed first (as a).
            repo.reschedule_commitment(ids["send the pricing sheet"], TODAY - timedelta(days=2))
        return repo.start_call(
            Call(
                contact=DANA,
                goal="Book the demo with the ops team",
                backup_goal="Name of the ops lead",
                research=[
                    ResearchLine(area=ResearchArea.NEWS, text="new CFO since October"),
                    ResearchLine(area=ResearchArea.LEARN, text="who signs off"),
                    ResearchLine(area=ResearchArea.SAY, text="a day lost every week"),
                    ResearchLine(area=ResearchArea.SAY, text="March is the deadline"),
                ],
                questions=[Question(text="budget cycle"), Question(text="who decides")],
                started_at=NOW,
            )
        )
    finally:
        repo.close()


def stored_call(home: Path, call_id: int) -> Call:
    repo = Repository.open(database_path(home))
    try:
        return repo.get_call(call_id)
    finally:
        repo.close()


def open_promises(home: Path) -> list[str]:
    repo = Repository.open(database_path(home))
    try:
        return [item.what for item in repo.open_commitments()]
    finally:
        repo.close()


async def on_the_call(pilot: Pilot[Any], call: Call) -> LiveCallScreen:
    await settle(pilot)
    screen = LiveCallScreen(call)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


async def test_wide_terminal_shows_the_prep_beside_the_notes_without_a_key(
    app: CallmateApp, isolated_home: Path
) -> None:
    call = seed(isolated_home)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await on_the_call(pilot, call)
        assert screen.query_one(PrepPanel).display
        assert screen.notes_log.display
        text = screen_text(pilot)
        for shown in [
            "Decision maker",
            "To learn",
            "who signs off",
            "new CFO since October",
            "In their words",
            "WE OWE",
            "a send the pricing sheet",
            "OVERDUE since Fri 20 Nov",
            "THEY OWE",
            "b intro to the ops lead",
            "no date yet",
            "say: a day lost",
        ]:
            assert shown in text, shown
        # Up to three quotes, newest first; kept and deleted promises are not listed.
        assert (
            text.index("newest words")
            < text.index("the board wants it")
            < text.index("we lose a day")
        )
        for hidden in ["oldest words", "case study", "a promise deleted"]:
            assert hidden not in text, hidden
        # What we owe first, overdue first; then what they owe.
        assert text.index("WE OWE") < text.index("a send the pricing") < text.index("THEY OWE")
        # Ctrl+B hides it for this call, and brings it back.
        await pilot.press("ctrl+b")
        assert not screen.query_one(PrepPanel).display
        await pilot.press("ctrl+b")
        assert screen.query_one(PrepPanel).display


async def test_small_terminal_toggles_the_prep_over_the_notes_and_keeps_typing(
    app: CallmateApp, isolated_home: Path
) -> None:
    call = seed(isolated_home)
    assert call.id is not None
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await on_the_call(pilot, call)
        assert not screen.query_one(PrepPanel).display
        assert "WE OWE" not in screen_text(pilot)
        assert "^b Prep" in screen_text(pilot)
        await type_text(pilot, "budget is ")
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert screen.query_one(PrepPanel).display
        assert not screen.notes_log.display
        assert "a send the pricing sheet" in screen_text(pilot)
        assert app.focused is screen.note_line
        await type_text(pilot, "frozen\n")
        await settle(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert screen.notes_log.display and not screen.query_one(PrepPanel).display
        assert "budget is frozen" in screen_text(pilot)
        # Up (to edit notes) while the panel covers them shows the notes first.
        await pilot.press("ctrl+b", "up")
        await settle(pilot)
        assert screen.notes_log.display and app.focused is screen.notes_log
    assert [n.text for n in stored_call(isolated_home, call.id).notes] == ["budget is frozen"]


async def test_a_promise_is_marked_kept_on_the_call_with_one_key_and_reopened(
    app: CallmateApp, isolated_home: Path
) -> None:
    call = seed(isolated_home)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await on_the_call(pilot, call)
        await type_text(pilot, "half a no")
        await pilot.press("alt+a")
        await settle(pilot)
        text = screen_text(pilot)
        assert "✓ kept on this call" in text and "OVERDUE" not in text
        assert open_promises(isolated_home) == ["intro to the ops lead"]
        assert screen.note_line.value == "half a no"  # the line was not touched
        await pilot.press("alt+a")  # the same key again reopens it
        await settle(pilot)
        assert "OVERDUE since Fri 20 Nov" in screen_text(pilot)
        assert sorted(open_promises(isolated_home)) == [
            "intro to the ops lead",
            "send the pricing sheet",
        ]
        # Typed, as /N ticks a question: /b marks the second kept and is no note.
        screen.note_line.value = ""
        await type_text(pilot, "/b\n")
        await settle(pilot)
        assert open_promises(isolated_home) == ["send the pricing sheet"]
        text = screen_text(pilot)
        assert text.index("b intro to the ops lead") < text.index("✓ kept on this call")
        assert screen.notes == []
        # A letter with no promise says so and changes nothing.
        await pilot.press("alt+e")
        await settle(pilot)
        text = screen_text(pilot)
        assert "no open promise e" in text and "lettered a to b" in text
        assert open_promises(isolated_home) == ["send the pricing sheet"]


async def test_first_call_with_a_contact_says_there_is_no_history(
    app: CallmateApp, isolated_home: Path
) -> None:
    call = seed(isolated_home, history=False)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await on_the_call(pilot, call)
        text = screen_text(pilot)
        assert "Earlier calls  none yet" in text
        assert "WE OWE" not in text
        await pilot.press("alt+a")
        await settle(pilot)
        assert "no open promise a" in screen_text(pilot)


async def test_say_aloud_lines_are_ticked_like_questions_and_exported(
    app: CallmateApp, isolated_home: Path
) -> None:
    call = seed(isolated_home)
    assert call.id is not None
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_call(pilot, call)
        # Questions 1-2, then the say-aloud lines 3-4, in the same checklist.
        text = screen_text(pilot)
        assert "3 [ ] say: a day lost" in text
        await pilot.press("alt+3")
        await type_text(pilot, "/2 4\n")
        await settle(pilot)
        text = screen_text(pilot)
        assert "3 [x] say: a day lost" in text
        assert "4 [x] say: March is" in text
        assert "2 [x] who decides" in text
        await pilot.press("alt+4")  # and untick
        await settle(pilot)
        assert "4 [ ] say: March is" in screen_text(pilot)
        await pilot.press("alt+5")
        await settle(pilot)
        assert "no question 5" in screen_text(pilot)
    saved = stored_call(isolated_home, call.id)
    assert [(r.text, r.said) for r in saved.research if r.area is ResearchArea.SAY] == [
        ("a day lost every week", True),
        ("March is the deadline", False),
    ]
    assert [q.asked for q in saved.questions] == [False, True]
    exported = json.loads(to_json([saved]))["calls"][0]["research"]
    assert [(r["text"], r["said"]) for r in exported] == [
        ("new CFO since October", False),
        ("who signs off", False),
        ("a day lost every week", True),
        ("March is the deadline", False),
    ]
    markdown = call_to_markdown(saved, "", "")
    assert "a day lost every week (said)" in markdown
    assert "March is the deadline (not said)" in markdown
    assert "new CFO since October (" not in markdown


def test_keep_commands_read_only_promise_letters() -> None:
    assert parse_keep_command("/a") == ["a"]
    assert parse_keep_command(" /a, c ") == ["a", "c"]
    for note in ["/", "/z", "/ab", "a", "/a budget", "/1"]:
        assert parse_keep_command(note) is None, note


def test_the_panel_names_a_role_only_when_one_was_chosen() -> None:
    from callmate.domain.models import Call, Contact, ContactRole
    from callmate.widgets.prep_panel import PanelPromises, panel_text

    def first_line(contact: Contact) -> str:
        call = Call(contact=contact, goal="Book a demo", started_at=NOW)
        text = panel_text(call, None, PanelPromises(), NOW.date(), loading=False)
        return text.plain.splitlines()[0]

    assert first_line(Contact(name="Dana", company="Northwind")) == "Dana, Northwind"
    champion = Contact(name="Dana", company="Northwind", role=ContactRole.CHAMPION)
    assert first_line(champion) == "Champion · Dana, Northwind"
