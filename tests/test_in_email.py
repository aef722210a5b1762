"""Which notes the recap email takes: marked in the notes, one key (space) away."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot

from callmate.app import CallmateApp
from callmate.screens.dialogs.confirm import ConfirmScreen
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.recap import RecapScreen
from tests.helpers import screen_text, settle, type_text
from tests.test_promises_carry import stored

PASTE = "From: ops@northwind.example\nSubject: the weekly report\nit takes a day"


def marked(pilot: Pilot[Any], mark: str, words: str) -> bool:
    """A note's row on screen shows ``mark`` (e.g. "@ PAIN") beside ``words``."""
    return any(mark in line and words in line for line in screen_text(pilot).splitlines())


async def test_space_takes_a_note_out_on_the_call_and_back_in_on_the_recap(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Dana Whitfield\nNorthwind\n\n\nBook a demo\n")
        await pilot.press("ctrl+s")
        await settle(pilot)
        live = app.screen
        assert isinstance(live, LiveCallScreen)
        await type_text(pilot, "they run three sites\n!weekends lost\n?ask about SSO\n")
        app.post_message(events.Paste(PASTE))
        await settle(pilot)
        for future in list(live.in_flight.values()):  # every note saved
            await asyncio.wrap_future(future)
        await settle(pilot)
        assert [n.in_recap for n in live.notes] == [True, True, False, False]
        # Marked in the note's row: @ in the email, · out (the paste and the ? note).
        assert marked(pilot, "@ NOTE", "three sites") and marked(pilot, "@ PAIN", "weekends")
        assert marked(pilot, "· FOLLOW UP", "ask about SSO")
        assert marked(pilot, "· NOTE", "From: ops@northwind")

        await pilot.press("up")  # into the notes, on the last one
        await pilot.press("up", "up")  # "weekends lost"
        assert live.focused is live.notes_log and live.notes_log.highlighted == 1
        await pilot.press("space")
        await settle(pilot)
        assert marked(pilot, "· PAIN", "weekends"), "the mark changes at once"
        assert live.notes_log.highlighted == 1 and live.note_line.value == ""
        await pilot.press("escape")
        await pilot.press("ctrl+o")
        await settle(pilot)
        await type_text(pilot, "y")
        closing = app.screen
        closing.query_one("#next-what").value = "Demo"  # type: ignore[attr-defined]
        closing.query_one("#next-date").value = "fri"  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        recap = app.screen
        assert isinstance(recap, RecapScreen), screen_text(pilot)
        body = recap.editor.text
        assert "- they run three sites" in body
        for left_out in ("weekends", "SSO", "weekly report", "What matters to you"):
            assert left_out not in body

        # On the recap: the same marks; space puts "weekends lost" back in.
        await pilot.press("tab")
        assert recap.focused is recap.notes_log
        assert "Delete note" not in screen_text(pilot), "only the email key is offered here"
        recap.notes_log.highlighted = 1
        await pilot.press("space")
        await settle(pilot)
        assert "What matters to you:\n- weekends lost\n" in recap.editor.text
        assert marked(pilot, "@ PAIN", "weekends")

        # The user edits the email; putting the paste in now asks first.
        recap.editor.insert("PS: thanks again.\n", (0, 0))
        recap.notes_log.highlighted = 3
        await pilot.press("space")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen), "edited: asked first"
        await pilot.press("n")
        await settle(pilot)
        assert recap.editor.text.startswith("PS: thanks again.\n"), "cancel keeps the edits"
        assert "weekly report" not in recap.editor.text
        assert marked(pilot, "· NOTE", "From: ops@northwind"), "and the note as it was"
        await pilot.press("space")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        body = recap.editor.text
        assert body.startswith("Hi Dana,") and "weekly report it takes a day" in body
        await pilot.press("escape")
        await settle(pilot)

    (call,) = stored(isolated_home)
    assert [n.in_email for n in call.notes] == [None, True, None, True]
    assert call.recap_body is not None and "weekly report" in call.recap_body


async def test_a_private_note_cannot_be_put_in(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Dana Whitfield\nNorthwind\n\n\nBook a demo\n")
        await pilot.press("ctrl+s")
        await settle(pilot)
        live = app.screen
        assert isinstance(live, LiveCallScreen)
        await type_text(pilot, "#margin floor 12%\n")
        for future in list(live.in_flight.values()):
            await asyncio.wrap_future(future)
        await settle(pilot)
        await pilot.press("up", "space")
        await settle(pilot)
        said = [notification.message for notification in app._notifications]
        assert "A private note never goes into the email." in said
        assert marked(pilot, "· PRIVATE", "margin floor")
    (call,) = stored(isolated_home)
    assert call.notes[0].in_email is None and not call.notes[0].in_recap
