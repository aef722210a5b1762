"""Long pastes on the live call: queued for the disk at once, shown folded, opened whole."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import TextArea

from callmate.app import CallmateApp
from callmate.domain.models import Call, Contact, Note, NoteKind
from callmate.locations import database_path
from callmate.screens import live_call
from callmate.screens.dialogs.long_note import LongNoteScreen
from callmate.screens.live_call import LiveCallScreen
from callmate.store.repository import Repository
from tests.helpers import screen_text, settle, type_text
from tests.test_live_call import failing_saves, start_call, stored

EMAIL = "\r".join(f"line {i} of their email about the rollout" for i in range(1, 401))
"""About 16 KB, as a terminal pastes it: lines ending in CR."""


@contextmanager
def database_held(app: CallmateApp) -> Iterator[None]:
    """Keep the database thread busy: what is queued meanwhile waits behind it."""
    release = threading.Event()
    started = threading.Event()

    def hold(_repo: Repository) -> None:
        started.set()
        release.wait(10)

    app.store.submit(hold)
    assert started.wait(10)
    try:
        yield
    finally:
        release.set()


def rows(home: Path) -> list[tuple[str, str]]:
    return [(n.kind.value, n.text) for n in stored(home)[0].notes]


async def paste(pilot: Pilot[Any], text: str) -> None:
    pilot.app.post_message(events.Paste(text))
    await pilot.pause(0.15)  # past the moment a paste's frame waits for its write


async def test_a_paste_shows_at_once_as_saving_and_says_saved_once_it_is(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start_call(pilot)
        with database_held(app):
            await paste(pilot, EMAIL)
            text = screen_text(pilot)
            assert "line 1 of their email about the rollout" in text
            assert "saving" in text
            assert "Pasted text saved" not in text, "not said to be saved before it is"
        await settle(pilot)
        text = screen_text(pilot)
        assert "Pasted text saved as one note (400 lines" in text
        assert "saving" not in text
        assert "… 394 more lines, all saved" in text, "shown folded"
        assert "line 400" not in text
    assert rows(isolated_home) == [("note", EMAIL.replace("\r", "\n"))]


async def test_a_paste_takes_the_kind_typed_before_it_and_keeps_its_own_first_character(
    app: CallmateApp, isolated_home: Path
) -> None:
    reply = "> On Monday, Dana wrote:\r> we lose a day every week\rThanks, noted."
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_call(pilot)
        await paste(pilot, reply)  # an email reply quoting with '>' is not a promise
        await settle(pilot)
        await type_text(pilot, "!")
        await paste(pilot, EMAIL)
        await settle(pilot)
        assert screen.note_line.value == "", "the kind typed before it went with the paste"
    assert rows(isolated_home) == [
        ("note", reply.replace("\r", "\n")),
        ("pain", EMAIL.replace("\r", "\n")),
    ]


async def test_a_paste_of_nothing_visible_adds_no_note(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_call(pilot)
        await type_text(pilot, "kept\n")
        await paste(pilot, "\x1b\x07 \t" * 1000)  # 4,000 characters, none of them text
        await settle(pilot)
        assert len(screen.notes) == 1
        assert sum("NOTE " in row for row in screen_text(pilot).splitlines()) == 1, "one row"
        await type_text(pilot, "after\n")
        text = screen_text(pilot)
        assert "NOTE      kept" in text and "NOTE      after" in text
    assert rows(isolated_home) == [("note", "kept"), ("note", "after")]


async def test_control_characters_in_a_long_paste_never_reach_the_screen_or_the_disk(
    app: CallmateApp, isolated_home: Path
) -> None:
    hostile = "\x1b]52;c;ZXZpbA==\x07pay \x1b[31mnow\x1b[0m\r" + EMAIL
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot)
        with database_held(app):
            await paste(pilot, hostile)  # drawn from the raw paste, before it is cleaned
            assert "\x1b" not in screen_text(pilot) and "pay [31mnow" in screen_text(pilot)
        await settle(pilot)
    ((_kind, text),) = rows(isolated_home)
    assert text.startswith("]52;c;ZXZpbA==pay [31mnow[0m\nline 1 of their email")
    assert "\x1b" not in text and "\x07" not in text


async def test_deleting_a_note_while_a_paste_is_saving_marks_the_right_note_saved(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await start_call(pilot)
        await type_text(pilot, "first\nsecond\n")
        with database_held(app):
            await paste(pilot, EMAIL)
            await pilot.press("up", "up", "up")  # to "first"
            await pilot.press("delete")
            await pilot.pause()
            assert [n.text[:6] for n in screen.notes] == ["second", "line 1"]
        await settle(pilot)
        assert screen.notes[1].id is not None and not screen.saving
        assert "394 more lines, all saved" in screen_text(pilot)
    assert rows(isolated_home) == [("note", "second"), ("note", EMAIL.replace("\r", "\n"))]


async def test_a_long_note_opens_whole_to_edit_and_the_line_stays_one_line(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_call(pilot)
        await paste(pilot, EMAIL)
        await settle(pilot)
        await type_text(pilot, "half typed")
        await pilot.press("up", "enter")
        editor = app.screen
        assert isinstance(editor, LongNoteScreen)
        area = editor.query_one(TextArea)
        assert area.text == EMAIL.replace("\r", "\n"), "the whole note, every line"
        assert "NOTE at 00:00" in screen_text(pilot)
        area.move_cursor((0, 0))
        area.insert("Re: ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert screen.note_line.value == "half typed", "the line was never touched"
        assert "Re: line 1 of their email" in screen_text(pilot)
        await pilot.press("up", "enter")  # Esc leaves it as it was
        assert isinstance(app.screen, LongNoteScreen)
        app.screen.query_one(TextArea).insert("discarded ")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
    assert rows(isolated_home) == [("note", "Re: " + EMAIL.replace("\r", "\n"))]


def seed_call_with_a_megabyte(home: Path) -> str:
    big = "\n".join(f"line {i} of a pasted report, words words words" for i in range(25000))
    big = big[:1_000_000].strip()
    repo = Repository.open(database_path(home))
    try:
        call = repo.start_call(
            Call(
                contact=Contact(name="Dana"),
                goal="Book a demo",
                started_at=datetime(2026, 11, 22, 14, 50, tzinfo=UTC),
            )
        )
        assert call.id is not None
        at = datetime(2026, 11, 22, 14, 55, tzinfo=UTC)
        for text in ("before", big, "after"):
            note = Note(kind=NoteKind.NOTE, text=text, offset_seconds=300, created_at=at)
            repo.save_note(call.id, note)
    finally:
        repo.close()
    return big


async def test_a_call_holding_a_megabyte_note_resumes_with_it_folded_and_opens_it_whole(
    app: CallmateApp, isolated_home: Path
) -> None:
    big = seed_call_with_a_megabyte(isolated_home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")  # resume the call left open
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LiveCallScreen)
        text = screen_text(pilot)
        assert "line 0 of a pasted report" in text and "line 5 of a pasted report" in text
        assert f"{big.count(chr(10)) - 5:,} more lines" in text
        assert "line 6 of a pasted report" not in text
        assert "before" in text and "after" in text
        await pilot.press("up", "up", "enter")
        editor = app.screen
        assert isinstance(editor, LongNoteScreen)
        assert editor.query_one(TextArea).text == big
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_a_paste_whose_write_fails_is_kept_on_screen_retried_and_stored(
    app: CallmateApp, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_call, "RETRY_SECONDS", 0.2)
    text = EMAIL.replace("\r", "\n")
    monkeypatch.setattr(Repository, "save_note", failing_saves(Repository, {text}))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await start_call(pilot)
        await type_text(pilot, "first\n")
        await paste(pilot, EMAIL)
        await pilot.pause()
        shown = screen_text(pilot)
        assert "NOT SAVED YET" in shown and "line 1 of their email" in shown
        assert "Pasted text saved" not in shown
        await pilot.pause(0.4)
        await settle(pilot)
        shown = screen_text(pilot)
        assert "NOT SAVED YET" not in shown and "394 more lines, all saved" in shown
        assert not screen.failed and not screen.saving
    assert rows(isolated_home) == [("note", "first"), ("note", text)]


async def test_a_paste_while_the_notes_have_focus_is_saved_too(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_call(pilot)
        await type_text(pilot, "first\n")
        await pilot.press("up")
        assert app.focused is screen.notes_log
        await paste(pilot, EMAIL)
        await settle(pilot)
        assert app.focused is screen.note_line
        await paste(pilot, "ACME-4411")  # a short one lands in the line, as typed
        assert screen.note_line.value == "ACME-4411"
    assert rows(isolated_home) == [("note", "first"), ("note", EMAIL.replace("\r", "\n"))]


async def test_a_paste_while_editing_a_note_is_a_note_of_its_own_and_the_edit_goes_on(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_call(pilot)
        await type_text(pilot, "first\n")
        await pilot.press("up", "enter")
        screen.note_line.value = ""
        await type_text(pilot, "!")
        await paste(pilot, EMAIL)
        await settle(pilot)
        assert screen.editing == 0 and screen.note_line.value == "!"
        await type_text(pilot, "first, a pain\n")
    assert rows(isolated_home) == [("pain", "first, a pain"), ("note", EMAIL.replace("\r", "\n"))]


async def test_nothing_on_the_event_loop_handles_the_whole_of_a_long_paste(
    app: CallmateApp, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cleaning is the first O(n) step: it runs on the database thread, never on the loop."""
    from callmate.domain import models, text
    from callmate.widgets import note_line, notes_log

    cleaned: list[tuple[bool, int]] = []
    loop_thread = threading.current_thread()

    def clean(value: str) -> str:
        cleaned.append((threading.current_thread() is loop_thread, len(value)))
        return text.clean(value)

    for module in (models, note_line, notes_log, live_call):
        if hasattr(module, "clean"):
            monkeypatch.setattr(module, "clean", clean)
    big = EMAIL * 10  # 164 KB
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot)
        cleaned.clear()
        await paste(pilot, big)
        await settle(pilot)
    assert max(size for on_loop, size in cleaned if on_loop) < 1000, "only the folded preview"
    assert (False, len(big)) in cleaned, "the whole paste was cleaned, off the loop"
    assert rows(isolated_home) == [("note", big.replace("\r", "\n"))]


async def test_a_paste_past_the_note_limit_is_kept_to_the_limit_and_says_it_was_cut(
    app: CallmateApp, isolated_home: Path
) -> None:
    from callmate.domain.limits import TEXT_MAX

    text = "\n".join(f"row {i} of an enormous export" for i in range(40_000))
    assert len(text) > TEXT_MAX
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start_call(pilot)
        await paste(pilot, text)
        await settle(pilot)
        shown = screen_text(pilot)
        assert "the rest was cut" in shown
    [(kind, stored_text)] = rows(isolated_home)
    assert kind == "note"
    assert len(stored_text) == TEXT_MAX
    assert stored_text.startswith("row 0 of an enormous export\nrow 1 ")
