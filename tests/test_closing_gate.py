"""The hard gate: no dated next step, no saved call, and nothing is lost."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from callmate.app import CallmateApp
from callmate.domain.closing import MISSING_DATE, MISSING_OUTCOME, MISSING_WHAT
from callmate.domain.models import CallStatus
from callmate.locations import database_path
from callmate.screens.closing import ClosingScreen
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.recap import RecapScreen
from callmate.store.repository import Repository
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
