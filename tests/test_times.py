"""A time of day on a next step and a dated commitment, end to end (issue 14).

The frozen clock of every UI test reads Sunday 22 November 2026, 15:00 (TZ=UTC).
"""

from __future__ import annotations

from datetime import date, time
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


async def start_call_with_notes(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("n")
    await type_text(pilot, "Dana Whitfield\nNorthwind\n\n\nBook a demo\n")
    await pilot.press("ctrl+s")
    await settle(pilot)
    await type_text(pilot, "first note\n>send the pricing sheet\n")
    await pilot.press("ctrl+o")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ClosingScreen)


def stored(home: Path) -> Call:
    repo = Repository.open(database_path(home))
    try:
        (call,) = repo.all_calls()
        return call
    finally:
        repo.close()


async def test_close_keeps_the_time_typed_with_the_day(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await start_call_with_notes(pilot)
        await type_text(pilot, "y\n\nDemo\n\nfri 3pm")
        await settle(pilot)
        assert "→ Fri 27 Nov 2026 at 15:00 · in 5 days" in screen_text(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)
    step = stored(isolated_home).next_step
    assert step is not None
    assert (step.due, step.due_time) == (date(2026, 11, 27), time(15, 0))


async def test_close_refuses_a_time_already_gone_today(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await start_call_with_notes(pilot)
        await type_text(pilot, "y\n\nDemo\n\n2pm\n")
        await settle(pilot)
        assert isinstance(app.screen, ClosingScreen), "a time gone by must not be saved"
        text = screen_text(pilot)
        assert "14:00 today has passed (it's 15:00)" in text
        field = app.screen.query_one("#next-date")
        field.value = ""  # type: ignore[attr-defined]
        await type_text(pilot, "today 4pm")
        assert "→ Sun 22 Nov 2026 at 16:00 · today" in screen_text(pilot)
        field.value = ""  # type: ignore[attr-defined]
        await type_text(pilot, "today 9am\n")
        await settle(pilot)
        assert isinstance(app.screen, ClosingScreen)
        assert "Sun 22 Nov 2026 at 09:00 · today, is in the past" in screen_text(pilot)
    assert stored(isolated_home).next_step is None
