"""A call started by mistake: discarded after asking, and Ctrl+Z brings it back."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from callmate.app import CallmateApp, make_app
from callmate.clock import FrozenClock
from callmate.domain.models import CallStatus
from callmate.locations import database_path
from callmate.screens.dialogs.attempt import DISCARDED, AttemptScreen
from callmate.screens.dialogs.confirm import ConfirmScreen
from callmate.screens.dialogs.interrupted import InterruptedScreen
from callmate.screens.home import HomeScreen
from callmate.screens.live_call import LiveCallScreen
from callmate.store.repository import Repository
from tests.conftest import NOW
from tests.helpers import FakeClipboard, screen_text, settle, type_text
from tests.test_attempts import on_home, toasts
from tests.test_live_call import start_call, stored


def discarded_at(home: Path) -> list[object]:
    with sqlite3.connect(database_path(home)) as db:
        return [row[0] for row in db.execute("SELECT discarded_at FROM calls ORDER BY id")]


async def discard(pilot, *, note: str = "wrong Dana") -> None:  # type: ignore[no-untyped-def]
    await start_call(pilot)
    await type_text(pilot, f"{note}\n")
    await settle(pilot)
    await pilot.press("ctrl+r", "x")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmScreen), "it asks first"
    await pilot.press("y")
    await on_home(pilot)


async def test_discard_asks_then_leaves_every_list(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await discard(pilot)
        assert DISCARDED in toasts(app)
        text = screen_text(pilot)
        assert "Book a demo" not in text, "not among the recent calls"
        assert "Ctrl+Z brings it back" in text and "^z Undo discard" in text
        repo = Repository.open(database_path(isolated_home))
        try:
            assert repo.live_calls() == []  # not counted as left open
            assert repo.recent_calls() == []
            assert repo.search("wrong") == [] and repo.search("demo") == []
            assert repo.all_calls() == []  # not exported
            contact = repo.list_contacts()[0]
            assert contact.id is not None
            assert repo.timeline(contact.id)[1] == []
        finally:
            repo.close()
    assert discarded_at(isolated_home) == ["2026-11-22 15:00:00.000000"]


async def test_no_at_the_question_keeps_the_call(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await start_call(pilot)
        await pilot.press("ctrl+r", "x")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, AttemptScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
    assert discarded_at(isolated_home) == [None]


async def test_x_while_typing_a_date_is_a_letter(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await start_call(pilot)
        await pilot.press("ctrl+r", "n", "x")
        await settle(pilot)
        assert isinstance(app.screen, AttemptScreen)
        assert app.screen.date_field.value == "x"
    assert discarded_at(isolated_home) == [None]


async def test_ctrl_z_brings_it_back_with_its_notes(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await start_call(pilot)
        screen = app.screen
        assert isinstance(screen, LiveCallScreen)
        await type_text(pilot, "deleted before\n")
        await settle(pilot)
        # A note deleted during the call stays deleted after the restore.
        repo = Repository.open(database_path(isolated_home))
        try:
            (call,) = repo.all_calls()
            note_id = call.notes[0].id
            assert note_id is not None
            repo.delete_note(note_id, NOW.replace(minute=1))
        finally:
            repo.close()
        await type_text(pilot, "kept note\n")
        await settle(pilot)
        await pilot.press("ctrl+r", "x", "y")
        await on_home(pilot)
        await pilot.press("ctrl+z")
        await settle(pilot)
        await pilot.pause(0.1)
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen), "back in the call"
        assert "kept note" in screen_text(pilot)
        assert "Call with Dana brought back." in toasts(app)
    (call,) = stored(isolated_home)
    assert call.status is CallStatus.LIVE
    assert [n.text for n in call.notes] == ["kept note"]
    assert discarded_at(isolated_home) == [None]


async def test_the_next_launch_can_bring_it_back_until_a_call_starts(
    isolated_home: Path, clock: FrozenClock, clipboard: FakeClipboard
) -> None:
    first = make_app(isolated_home, clock=clock, clipboard=clipboard)
    async with first.run_test(size=(120, 30)) as pilot:
        await discard(pilot)
    first.store.close()

    second = make_app(isolated_home, clock=clock, clipboard=clipboard)
    async with second.run_test(size=(120, 30)) as pilot:
        await on_home(pilot)
        assert not isinstance(second.screen, InterruptedScreen), "not left open"
        assert "A call with Dana was discarded: Ctrl+Z brings it back." in screen_text(pilot)
        await pilot.press("ctrl+z")
        await settle(pilot)
        await pilot.pause(0.1)
        assert isinstance(second.screen, LiveCallScreen)
        await pilot.press("ctrl+r", "x", "y")  # and away again
        await on_home(pilot)
    second.store.close()

    third = make_app(isolated_home, clock=clock, clipboard=clipboard)
    async with third.run_test(size=(120, 30)) as pilot:
        await start_call(pilot)  # a new call: the discarded one stays away
        await pilot.press("ctrl+r", "n", "enter")
        await on_home(pilot)
        assert "discarded" not in screen_text(pilot)
        assert "Undo discard" not in screen_text(pilot)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert isinstance(third.screen, HomeScreen)
    third.store.close()
    assert discarded_at(isolated_home)[0] is not None


async def test_discarded_calls_are_not_exported(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await discard(pilot)
        await start_call(pilot)
        await pilot.press("ctrl+r", "v", "enter")
        await on_home(pilot)
    command = [sys.executable, "-m", "callmate", "--data-dir", str(isolated_home), "export"]
    result = subprocess.run([*command, "--format", "json"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    (call,) = json.loads(result.stdout)["calls"]
    assert call["id"] == 2 and call["connection"] == "voicemail"
    assert call["next_step"]["what"] == "Try again"
