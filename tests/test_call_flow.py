"""A whole call, start to recap, by keyboard alone; then what the store holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from callmate.app import CallmateApp, make_app
from callmate.clock import FrozenClock
from callmate.domain.models import CallStatus, GoalResult, NoteKind, Outcome, Owner, Reason
from callmate.locations import database_path
from callmate.screens.closing import ClosingScreen
from callmate.screens.home import HomeScreen
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.precall import PreCallScreen
from callmate.screens.recap import RecapScreen
from callmate.store.repository import Repository
from callmate.widgets.recap_editor import RecapEditor
from tests.helpers import FakeClipboard, screen_text, settle, type_text


async def test_whole_call_by_keyboard(
    app: CallmateApp, clock: FrozenClock, clipboard: FakeClipboard, isolated_home: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "No calls yet" in screen_text(pilot)

        await pilot.press("n")
        assert isinstance(app.screen, PreCallScreen)
        await type_text(
            pilot,
            # Enter through role and call type; two Tabs skip the research.
            "Dana Whitfield\nNorthwind Freight\n\n\nBook a demo with the ops team\n"
            "Name of the ops lead\n\t\tbudget cycle\nrollout date\n",
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
        text = screen_text(pilot)
        assert "Goal: Book a demo with the ops team" in text
        assert "Backup: Name of the ops lead" in text
        assert "1 [ ] Outcome they're" in text, "the discovery starter questions"
        assert "6 [ ] budget cycle" in text

        clock.advance(65)
        await type_text(pilot, '"we lose a day every week on reports"\n')
        clock.advance(30)
        await type_text(
            pilot, "they run it all in spreadsheets\n>send the pricing sheet\n<intro to ops lead\n"
        )
        await pilot.press("alt+6")
        await settle(pilot)
        text = screen_text(pilot)
        assert "01:05 @ QUOTE     “we lose a day every week on" in text  # wraps at 80 columns
        assert "reports”" in text
        assert "01:35 @ NOTE" in text and "they run it all in spreadsheets" in text
        assert "01:35 @ WE OWE" in text and "01:35 @ THEY OWE" in text
        assert "6 [x] budget cycle" in text
        assert "7 [ ] rollout date" in text

        await pilot.press("ctrl+o")
        assert isinstance(app.screen, ClosingScreen)
        # y: Yes; g: the goal was met; "b" picks Both as owner; Enter in the date saves.
        await type_text(pilot, "y\ng\nDemo for the ops team\nb\nfri\n")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)

        body = app.screen.query_one(RecapEditor).text
        assert body.startswith("Hi Dana,")
        assert '- "we lose a day every week on reports"' in body
        assert "- they run it all in spreadsheets" in body
        assert "- I will send the pricing sheet" in body
        assert "- You offered to intro to ops lead" in body
        assert "Next step: Demo for the ops team (together), by Friday 27 November." in body
        assert "Recap of our call: next step by Friday 27 November" in screen_text(pilot)

        await pilot.press("ctrl+r")
        await settle(pilot)
        assert clipboard.copied == [body]
        assert app.clipboard == body  # OSC 52 went out too
        assert "Copied to the clipboard." in screen_text(pilot)

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        home = screen_text(pilot)
        assert "Dana Whitfield" in home and "Demo for the ops team" in home

    repo = Repository.open(database_path(isolated_home))
    try:
        (call,) = repo.all_calls()
    finally:
        repo.close()
    assert call.status is CallStatus.DONE
    assert call.contact.name == "Dana Whitfield"
    assert call.contact.company == "Northwind Freight"
    assert call.goal == "Book a demo with the ops team"
    assert call.backup_goal == "Name of the ops lead"
    assert [(q.text, q.asked) for q in call.questions][-2:] == [
        ("budget cycle", True),
        ("rollout date", False),
    ]
    assert len(call.questions) == 7
    assert [(n.kind, n.text, n.offset_seconds) for n in call.notes] == [
        (NoteKind.QUOTE, "we lose a day every week on reports", 65),
        (NoteKind.NOTE, "they run it all in spreadsheets", 95),
        (NoteKind.OURS, "send the pricing sheet", 95),
        (NoteKind.THEIRS, "intro to ops lead", 95),
    ]
    assert call.outcome is Outcome.YES
    assert call.goal_result is GoalResult.PRIMARY
    assert call.next_step is not None
    assert call.next_step.what == "Demo for the ops team"
    assert call.next_step.owner is Owner.BOTH
    assert call.next_step.due == date(2026, 11, 27)
    assert call.ended_at is not None and call.ended_at >= call.started_at


async def test_saved_call_is_listed_after_relaunch(
    app: CallmateApp, clock: FrozenClock, isolated_home: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Lee Park\nAcme\n\n\nAgree a pilot scope\n")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await type_text(pilot, "wants a two-week pilot\n")
        await pilot.press("ctrl+o")
        # Maybe: t (timing) as the reason, no words, backup met.
        await type_text(pilot, "m\nt\n\nb\nSend pilot plan\n\ntomorrow\n")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)

    again = make_app(isolated_home, clock=clock, clipboard=FakeClipboard())
    try:
        async with again.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            text = screen_text(pilot)
            assert "Lee Park" in text
            assert "Agree a pilot scope" in text
            assert "MAYBE" in text
            assert "Send pilot plan" in text
    finally:
        again.store.close()


async def test_call_cannot_start_without_a_goal(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Dana Whitfield\nNorthwind\n\n\n")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PreCallScreen)
        assert "A call needs a goal" in screen_text(pilot)
        assert app.focused is not None and app.focused.id == "goal"
        # What was typed is still there.
        assert app.screen.query_one("#contact-name").value == "Dana Whitfield"  # type: ignore[attr-defined]

        await type_text(pilot, "   ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PreCallScreen), "a blank goal is no goal"

        await type_text(pilot, "Book the demo")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)


async def test_tick_by_typed_command_and_unknown_number(app: CallmateApp) -> None:
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Dana\n\n\n\nBook demo\n\n\t\tbudget\ntimeline\n")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await type_text(pilot, "/7\n")
        text = screen_text(pilot)
        assert "7 [x] timeline" in text and "6 [ ] budget" in text
        assert "/7" not in text, "a tick command is not saved as a note"
        await type_text(pilot, "/9\n")
        assert "There is no question 9." in screen_text(pilot)


async def test_a_scripted_burst_of_keys_lands_in_order(
    app: CallmateApp, isolated_home: Path
) -> None:
    """Keys sent at once (a script, a fast typist) keep their order and effects."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_text(
            pilot,
            # Tab walks every field: role, e-mail, phone, title, call type, goal.
            "nDana Whitfield{ctrl+u}Lee Park\nAcme{tab}o{tab}lee@acme.example{tab}{tab}{tab}"
            "{tab}Agree the pilot{ctrl+s}"
            "first{ctrl+u}second\nthird\n{ctrl+o}m\nr\nlegal reads it\n\n"
            "Send the plan\n\nyesterday{ctrl+u}tomorrow\n",
        )
        assert isinstance(app.screen, RecapScreen)

    repo = Repository.open(database_path(isolated_home))
    try:
        (call,) = repo.all_calls()
    finally:
        repo.close()
    assert (call.contact.name, call.contact.company, call.contact.email, call.goal) == (
        "Lee Park",
        "Acme",
        "lee@acme.example",
        "Agree the pilot",
    )
    assert [note.text for note in call.notes] == ["second", "third"]
    assert call.next_step is not None and call.next_step.due == date(2026, 11, 23)
    assert (call.reason, call.reason_text) == (Reason.NEEDS_REVIEW, "legal reads it")
