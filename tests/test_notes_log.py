"""The notes log: what it shows after a change is what a log built from scratch shows,
and a change or a resize touches only the notes it must (the timing is in
benchmarks/growth.py; here, what is measured and what the user sees)."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from callmate.domain.models import Note, NoteKind
from callmate.widgets.notes_log import BLOCK, NotesLog
from tests.conftest import NOW
from tests.helpers import screen_text


def note(i: int, words: int = 0) -> Note:
    words = words or 3 + (i * 5) % 17
    text = f"m{i:05d} " + " ".join(f"w{j}" for j in range(words))
    return Note(id=i + 1, kind=list(NoteKind)[i % 7], text=text, offset_seconds=i, created_at=NOW)


class Log(App[None]):
    def compose(self) -> ComposeResult:
        yield NotesLog(id="notes")


def notes_text(pilot: Pilot[Any]) -> str:
    """The rows without the scrollbar: its thumb follows estimates of unseen notes."""
    return "\n".join(row[:-5] for row in screen_text(pilot).splitlines())


async def drawn(pilot: Pilot[Any], log: NotesLog) -> tuple[str, str]:
    """The top of the log and its end, as the user sees them."""
    await pilot.pause()
    log.scroll_home(animate=False, immediate=True)
    await pilot.pause()
    await pilot.pause()
    top = notes_text(pilot)
    log.scroll_end(animate=False, immediate=True)
    await pilot.pause()
    await pilot.pause()
    return top, notes_text(pilot)


async def fresh(notes: list[Note], size: tuple[int, int] = (60, 16)) -> tuple[str, str]:
    app = Log()
    async with app.run_test(size=size) as pilot:
        log = app.query_one(NotesLog)
        log.show(notes)
        return await drawn(pilot, log)


async def test_delete_and_insert_show_what_a_fresh_log_shows() -> None:
    notes = [note(i) for i in range(3 * BLOCK + 5)]
    app = Log()
    async with app.run_test(size=(60, 16)) as pilot:
        log = app.query_one(NotesLog)
        log.show(notes)
        await drawn(pilot, log)
        for index in (0, BLOCK + 3, len(notes) - 1):
            log.remove_note(index)
            rest = notes[:index] + notes[index + 1 :]
            assert await drawn(pilot, log) == await fresh(rest)
            log.insert_note(index, notes[index])
            assert await drawn(pilot, log) == await fresh(notes)
        for _ in range(2 * BLOCK + 1):  # a block fills up and splits
            log.insert_note(BLOCK, notes[0])
        grown = notes[:BLOCK] + [notes[0]] * (2 * BLOCK + 1) + notes[BLOCK:]
        assert log.note_count == len(grown)
        assert await drawn(pilot, log) == await fresh(grown)


async def test_a_resize_measures_only_the_notes_in_view_and_keeps_them_there() -> None:
    notes = [note(i, words=12) for i in range(5000)]
    app = Log()
    async with app.run_test(size=(70, 20)) as pilot:
        log = app.query_one(NotesLog)
        log.show(notes, end=True)
        await pilot.pause()
        await pilot.pause()
        assert "m04999" in screen_text(pilot), "the first frame shows the latest notes"
        measured = sum(len(b.entries) for b in log._blocks if b.width == log._text_width())
        assert measured <= 3 * 2 * BLOCK, "the notes out of view are not measured"
        log.focus()
        log.highlighted = 4990
        await pilot.pause()
        await pilot.resize_terminal(50, 20)
        await pilot.pause()
        await pilot.pause()
        assert "m04990" in screen_text(pilot), "the highlighted note stays in view"
        measured = sum(len(b.entries) for b in log._blocks if b.width == log._text_width())
        assert measured <= 3 * 2 * BLOCK
        await pilot.press("home")
        assert "m00000" in screen_text(pilot)
        await pilot.press("pagedown")
        assert log.highlighted is not None and log.highlighted > 0
        assert f"m{log.highlighted:05d}" in screen_text(pilot)
        await pilot.press("end")
        assert "m04999" in screen_text(pilot)


async def test_a_click_highlights_the_note_under_the_pointer() -> None:
    notes = [note(i, words=2) for i in range(5)]
    app = Log()
    async with app.run_test(size=(60, 16)) as pilot:
        log = app.query_one(NotesLog)
        log.show(notes)
        await pilot.pause()
        row = next(y for y, line in enumerate(screen_text(pilot).splitlines()) if "m00003" in line)
        await pilot.click(NotesLog, offset=(10, row - log.region.y))
        await pilot.pause()
        assert log.highlighted == 3


def three_lines(i: int) -> Note:
    """A note whose height the first guess gets wrong (it counts characters, not lines)."""
    text = f"m{i:05d} first\nsecond\nthird"
    return Note(id=i + 1, kind=NoteKind.NOTE, text=text, offset_seconds=i, created_at=NOW)


async def test_the_first_notes_are_measured_while_idle_and_the_view_stays_put() -> None:
    """A long call opens on its end; its first block is measured a moment later
    (so Home doesn't pay for it), without moving what the user is reading."""
    notes = [three_lines(i) for i in range(1000)]
    app = Log()
    async with app.run_test(size=(70, 20)) as pilot:
        log = app.query_one(NotesLog)
        log.show(notes, end=True)
        await pilot.pause()
        await pilot.pause()
        end = notes_text(pilot)
        assert "m00999" in end
        assert log._blocks[0].width != log._text_width(), "not measured in the first frame"
        guessed = log._blocks[0].total
        await pilot.pause(0.5)
        assert log._blocks[0].width == log._text_width()
        assert log._blocks[0].total > guessed, "measured: the heights changed"
        assert notes_text(pilot) == end, "the latest notes are still where they were"
        measured = sum(len(b.entries) for b in log._blocks if b.width == log._text_width())
        assert measured <= 3 * 2 * BLOCK, "one block more, not the whole call"
        log.focus()
        await pilot.press("home")
        assert "m00000" in screen_text(pilot)
        assert log._blocks[0].width == log._text_width()


async def test_the_idle_measure_keeps_a_view_in_the_middle_in_place() -> None:
    notes = [three_lines(i) for i in range(1000)]
    app = Log()
    async with app.run_test(size=(70, 20)) as pilot:
        log = app.query_one(NotesLog)
        log.show(notes, end=True)
        await pilot.pause()
        log.focus()
        log.highlighted = 500
        await pilot.pause()
        await pilot.pause()
        middle = notes_text(pilot)
        assert "m00500" in middle
        assert log._blocks[0].width != log._text_width()
        guessed = log._blocks[0].total
        await pilot.pause(0.5)
        assert log._blocks[0].total > guessed, "the lines above the view changed"
        assert notes_text(pilot) == middle, "and what is in view did not move"
