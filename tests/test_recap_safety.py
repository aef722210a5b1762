"""Issue 11 on the recap screen: rebuilding asks before it replaces the user's
words, and an export that can't be written says why and loses nothing."""

from __future__ import annotations

import errno
import os
import types
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

import callmate.files
from callmate.app import CallmateApp, make_app
from callmate.clock import FrozenClock
from callmate.screens.dialogs.confirm import ConfirmScreen
from callmate.screens.recap import RecapScreen
from callmate.widgets.recap_editor import RecapEditor
from tests.helpers import FakeClipboard, screen_text, settle, type_text
from tests.test_close_and_recap import stored, to_closing

WIDE = (220, 40)


async def to_recap(pilot: Pilot[Any]) -> RecapScreen:
    await to_closing(pilot, '"we lose a day a week\n')
    await type_text(pilot, "y\ng\nDemo for the ops team\nb\nfri\n")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RecapScreen)
    return screen


def status(pilot: Pilot[Any]) -> str:
    return str(pilot.app.screen.query_one("#copy-status").render())


# -- Ctrl+N: rebuild from the notes ---------------------------------------------
async def test_rebuild_of_an_unedited_email_needs_no_question(app: CallmateApp) -> None:
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        screen = await to_recap(pilot)
        before = screen.query_one(RecapEditor).text
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.screen is screen, "nothing to lose: no question"
        assert screen.query_one(RecapEditor).text == before
        assert "already matches the call's notes" in screen_text(pilot)


async def test_rebuild_asks_before_replacing_edits(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=WIDE) as pilot:
        screen = await to_recap(pilot)
        editor = screen.query_one(RecapEditor)
        screen.set_focus(editor)
        editor.move_cursor((0, 0))
        await type_text(pilot, "PS: lovely to talk.\n")
        assert editor.text.startswith("PS: lovely to talk.\nHi Dana,")

        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Your edits to the subject and email will be lost." in screen_text(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen
        assert editor.text.startswith("PS: lovely to talk."), "kept"

        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("escape")  # Esc is a no as well
        await settle(pilot)
        assert editor.text.startswith("PS: lovely to talk.")

        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert editor.text.startswith("Hi Dana,")
        await pilot.press("escape")
        await settle(pilot)
    (call,) = stored(isolated_home)
    assert call.recap_body is not None and call.recap_body.startswith("Hi Dana,")


async def test_an_edited_subject_counts_as_an_edit(app: CallmateApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        screen = await to_recap(pilot)
        subject = screen.query_one("#recap-subject")
        screen.set_focus(subject)
        await type_text(pilot, " (v2)")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)


# -- exports ----------------------------------------------------------------------
async def test_an_export_folder_that_is_a_file_is_reported_and_nothing_is_lost(
    app: CallmateApp, isolated_home: Path
) -> None:
    (isolated_home / "exports").write_text("in the way")
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        screen = await to_recap(pilot)
        editor = screen.query_one(RecapEditor)
        editor.insert("PS: see you Friday.\n", (0, 0))
        body = editor.text
        await pilot.press("ctrl+o")
        await settle(pilot)
        message = status(pilot)
        assert message.startswith("Markdown not saved: ")
        assert "exports is a file, where callmate needs a folder" in message
        assert "Nothing is lost" in message
        assert "\n" not in message, "one line"
        assert editor.text == body
        assert (isolated_home / "exports").read_text() == "in the way"

        (isolated_home / "exports").unlink()
        await pilot.press("ctrl+o")  # fixed: the same key works
        await settle(pilot)
        md_path = isolated_home / "exports" / "call-1.md"
        assert status(pilot) == f"Markdown saved to {md_path}"
    assert "PS: see you Friday." in md_path.read_text()
    assert oct(md_path.stat().st_mode & 0o777) == oct(0o600)
    assert oct((isolated_home / "exports").stat().st_mode & 0o777) == oct(0o700)


async def test_a_full_disk_keeps_the_earlier_export_whole(
    app: CallmateApp, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await to_recap(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        ics_path = isolated_home / "exports" / "call-1-next-step.ics"
        first = ics_path.read_bytes()
        assert b"BEGIN:VCALENDAR" in first

        def no_space(fd: int) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        full_disk = types.SimpleNamespace(**{**vars(os), "fsync": no_space})
        monkeypatch.setattr(callmate.files, "os", full_disk)
        app.clock.advance(3600)  # type: ignore[attr-defined]  # a different DTSTAMP
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert status(pilot) == (
            "Calendar event not saved: the disk is full. Nothing is lost; try again once fixed."
        )
        assert "the disk is full" in screen_text(pilot)
    assert ics_path.read_bytes() == first, "the earlier file is untouched"
    assert sorted(p.name for p in ics_path.parent.iterdir()) == ["call-1-next-step.ics"]


# -- quitting -------------------------------------------------------------------
async def test_an_edit_typed_just_before_quitting_is_kept(
    clock: FrozenClock, isolated_home: Path
) -> None:
    app = make_app(isolated_home, clock=clock, clipboard=FakeClipboard())
    try:
        async with app.run_test(size=WIDE) as pilot:
            screen = await to_recap(pilot)
            editor = screen.query_one(RecapEditor)
            screen.set_focus(editor)
            editor.move_cursor((0, 0))
            await type_text(pilot, "PS: see you Friday.\n")
            await pilot.press("ctrl+q")  # before the edit's save delay is up
            await pilot.pause()
    finally:
        app.store.close()
    (call,) = stored(isolated_home)
    assert call.recap_body is not None and call.recap_body.startswith("PS: see you Friday.")
