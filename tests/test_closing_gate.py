"""The hard gate: no dated next step, no saved call, and nothing is lost."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input

from callmate.app import CallmateApp
from callmate.domain.closing import MISSING_DATE, MISSING_OUTCOME, MISSING_WHAT
from callmate.domain.models import CallStatus
from callmate.locations import database_path
from callmate.screens.closing import ClosingScreen
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.recap import RecapScreen
from callmate.store.repository import Repository
from callmate.widgets.commitment_editor import CommitmentEditor
from tests.helpers import screen_text, settle, type_text


async def start_call_with_notes(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("n")
    await type_text(pilot, "Dana Whitfield\nNorthwind\n\n\nBook a demo\n")
    await pilot.press("ctrl+s")
    await settle(pilot)
    await type_text(pilot, 'first note\n"a quote"\n')
    await pilot.press("ctrl+o")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ClosingScreen)


def stored(home: Path) -> tuple[CallStatus, list[str]]:
    repo = Repository.open(database_path(home))
    try:
        (call,) = repo.all_calls()
    finally:
        repo.close()
    return call.status, [note.text for note in call.notes]


async def test_save_without_next_step_is_refused_and_loses_nothing(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await start_call_with_notes(pilot)
        await type_text(pilot, "y")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClosingScreen)
        text = screen_text(pilot)
        assert "Still needed" in text
        assert MISSING_WHAT in text
        assert MISSING_DATE in text
        assert MISSING_OUTCOME not in text
        assert "Not saved yet. Still needed:" in text
        assert app.focused is not None and app.focused.id == "next-what"

        # Back to the call: the notes are still on screen and in the store.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
        text = screen_text(pilot)
        assert "first note" in text and "a quote" in text
    assert stored(isolated_home) == (CallStatus.LIVE, ["first note", "a quote"])


async def test_next_step_in_the_past_is_refused(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await start_call_with_notes(pilot)
        await type_text(pilot, "y\n\nSend the proposal\n\n2026-11-20\n")
        await settle(pilot)
        assert isinstance(app.screen, ClosingScreen)
        text = screen_text(pilot)
        assert "is in the past" in text
        assert "Fri 20 Nov 2026" in text
        # Fixing the date saves the call.
        field = app.screen.query_one("#next-date")
        field.value = ""  # type: ignore[attr-defined]
        await type_text(pilot, "today\n")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)
    status, notes = stored(isolated_home)
    assert status is CallStatus.DONE and notes == ["first note", "a quote"]


async def test_unreadable_date_says_so_with_examples(app: CallmateApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await start_call_with_notes(pilot)
        await type_text(pilot, "y\n\nSend the proposal\n\nsoonish")
        text = screen_text(pilot)
        assert 'Can\'t read "soonish" as a date.' in text
        assert "tomorrow" in text and "next tue" in text


# Every combination of the three required parts, except "all present".
COMBINATIONS = [combo for combo in itertools.product([False, True], repeat=3) if not all(combo)]


@pytest.mark.parametrize(("outcome", "what", "date"), COMBINATIONS)
async def test_each_missing_combination_blocks_save(
    app: CallmateApp, isolated_home: Path, outcome: bool, what: bool, date: bool
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await start_call_with_notes(pilot)
        screen = app.screen
        if outcome:
            await type_text(pilot, "y")
        screen.query_one("#next-what").value = "Call back" if what else ""  # type: ignore[attr-defined]
        screen.query_one("#next-date").value = "tomorrow" if date else ""  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen, "the call must not be saved"
        text = screen_text(pilot)
        assert (MISSING_OUTCOME in text) is not outcome
        assert (MISSING_WHAT in text) is not what
        assert (MISSING_DATE in text) is not date
    assert stored(isolated_home)[0] is CallStatus.LIVE


async def test_a_refused_save_takes_the_user_to_the_first_gap_by_its_field(
    app: CallmateApp, isolated_home: Path
) -> None:
    """Focus follows the field each gap names (not its wording), a commitment's date included."""
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Dana Whitfield\nNorthwind\n\n\nBook a demo\n")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await type_text(pilot, "first note\n>send the deck\n")
        await pilot.press("ctrl+o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClosingScreen)
        (editor,) = screen.query(CommitmentEditor)
        steps: list[tuple[str, str, Widget]] = [
            ("next-what", "", screen.query_one("#outcome")),  # nothing picked yet
            ("outcome", "no", screen.query_one("#reason")),
            ("reason", "other", screen.query_one("#reason-text")),
            ("reason-text", "they said no", screen.query_one("#next-what")),
            ("next-what", "Call back in spring", screen.query_one("#next-date")),
        ]
        for field, value, gap in steps:
            widget = screen.query_one(f"#{field}")
            widget.value = value  # type: ignore[attr-defined]
            await settle(pilot)
            screen.set_focus(None)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is screen, "the call must not be saved"
            assert app.focused is gap, (field, app.focused)
        # Only the commitment's date is wrong now: its own date field is focused.
        screen.query_one("#next-date").value = "tomorrow"  # type: ignore[attr-defined]
        editor.query_one(".due", Input).value = "2026-11-01"
        await settle(pilot)
        screen.set_focus(None)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "A commitment's date" in screen_text(pilot)
        assert app.focused is editor.query_one(".due", Input)
        editor.query_one(".due", Input).value = ""
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)
    assert stored(isolated_home) == (CallStatus.DONE, ["first note", "send the deck"])


async def test_a_promise_that_names_its_date_offers_it_on_the_close(
    app: CallmateApp, isolated_home: Path
) -> None:
    """ ">send pricing by Friday": the close shows Friday in its date field with
    the day it means, and saving stores it; a promise naming no date stays blank."""
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Dana Whitfield\nNorthwind\n\n\nBook a demo\n")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await type_text(pilot, ">send pricing by Friday\n<they decide on dec 3.\n>send the deck\n")
        await pilot.press("ctrl+o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClosingScreen)
        dues = [editor.query_one(".due", Input).value for editor in screen.query(CommitmentEditor)]
        assert dues == ["Friday", "dec 3", ""]
        text = screen_text(pilot)
        assert "→ Fri 27 Nov" in text and "→ Thu 3 Dec" in text  # the day each means, in view
        await type_text(pilot, "y")
        screen.query_one("#next-what", Input).value = "Demo"
        screen.query_one("#next-date", Input).value = "tomorrow"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)
    repo = Repository.open(database_path(isolated_home))
    try:
        (call,) = repo.all_calls()
    finally:
        repo.close()
    assert [(n.text, n.due and n.due.isoformat()) for n in call.notes] == [
        ("send pricing by Friday", "2026-11-27"),
        ("they decide on dec 3.", "2026-12-03"),
        ("send the deck", None),
    ]
