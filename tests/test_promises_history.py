"""Promises stay in view: a commitment date in the past is refused at the close,
and a slipping date keeps its history."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from callmate.app import CallmateApp
from callmate.domain.models import Call
from callmate.locations import database_path
from callmate.screens.closing import ClosingScreen
from callmate.screens.recap import RecapScreen
from callmate.store.repository import Repository
from tests.helpers import screen_text, settle, type_text


def stored(home: Path) -> list[Call]:
    repo = Repository.open(database_path(home))
    try:
        return repo.all_calls()
    finally:
        repo.close()


async def to_closing(pilot: Pilot[Any], notes: str) -> ClosingScreen:
    await settle(pilot)
    await pilot.press("n")
    await type_text(pilot, "Dana Whitfield\nNorthwind\n\n\nBook a demo\nOps lead's name\n")
    await pilot.press("ctrl+s")
    await settle(pilot)
    await type_text(pilot, notes)
    await pilot.press("ctrl+o")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ClosingScreen)
    return screen


async def test_a_commitment_date_in_the_past_is_refused(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 60)) as pilot:
        screen = await to_closing(pilot, ">send the pricing sheet\n")
        await type_text(pilot, "y")
        screen.query_one("#next-what").value = "Demo"  # type: ignore[attr-defined]
        screen.query_one("#next-date").value = "fri"  # type: ignore[attr-defined]
        due = screen.query_one(".due")
        due.value = "2026-11-20"  # type: ignore[attr-defined]
        await settle(pilot)
        text = screen_text(pilot)
        assert "Still needed" in text
        assert "A commitment's date, Fri 20 Nov 2026" in text
        assert "is in the past" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen, "a past commitment date blocks the save"
        assert stored(isolated_home)[0].next_step is None
        # Today is fine.
        due.value = "today"  # type: ignore[attr-defined]
        await settle(pilot)
        assert "is in the past" not in screen_text(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)
    (call,) = stored(isolated_home)
    assert call.notes[0].due == date(2026, 11, 22)
