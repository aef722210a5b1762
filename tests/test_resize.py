"""The live call resized and back: the screen at each size is what a fresh draw shows,
also after what changed at the other size (its rows draw as background only)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from callmate.app import CallmateApp
from callmate.clock import FrozenClock
from tests.helpers import screen_text, settle
from tests.test_live_call import start_call

SMALL, BIG = (80, 24), (100, 30)


async def resize(pilot: Pilot[Any], size: tuple[int, int]) -> str:
    await pilot.resize_terminal(*size)
    await settle(pilot)
    return screen_text(pilot)


async def redrawn(pilot: Pilot[Any]) -> str:
    """The screen with every widget drawn again from scratch, for comparison."""
    for widget in pilot.app.screen.query("*"):
        widget.refresh()
    await settle(pilot)
    return screen_text(pilot)


async def test_a_size_seen_before_shows_the_questions_clock_and_banner_as_they_are_now(
    app: CallmateApp, clock: FrozenClock
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await start_call(pilot)
        await resize(pilot, BIG)
        await resize(pilot, SMALL)
        await resize(pilot, BIG)
        assert "1 [ ]" in screen_text(pilot)

        await pilot.press("alt+1")  # changed at one size ...
        clock.advance(20 * 60)
        screen.tick()
        await pilot.press("ctrl+g")
        await settle(pilot)
        text = await resize(pilot, SMALL)  # ... shown at the other
        assert "1 [x]" in text and "1 [ ]" not in text
        assert "20 minutes in." in text
        assert "ON HOLD 20:00" in text
        assert text == await redrawn(pilot)

        await pilot.press("alt+1")  # and back
        await pilot.press("ctrl+g")
        await settle(pilot)
        text = await resize(pilot, BIG)
        assert "1 [ ]" in text and "1 [x]" not in text
        assert "On call 20:00" in text
        assert text == await redrawn(pilot)
        assert await resize(pilot, SMALL) == await redrawn(pilot)


async def test_resized_and_back_the_screen_is_what_a_fresh_draw_shows(
    app: CallmateApp,
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await start_call(pilot)
        first = screen_text(pilot)
        bigger = await resize(pilot, BIG)
        assert await resize(pilot, SMALL) == first
        assert await resize(pilot, BIG) == bigger
        assert bigger == await redrawn(pilot)
        assert await resize(pilot, SMALL) == first == await redrawn(pilot)
