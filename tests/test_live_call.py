"""The live call: kinds, ticks, edits, the clock, big pastes, and nothing ever lost."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from callmate.app import CallmateApp, make_app
from callmate.clock import FrozenClock
from callmate.domain.models import Call, CallStatus, Note, NoteKind
from callmate.locations import database_path
from callmate.screens.closing import ClosingScreen
from callmate.screens.dialogs.confirm import ConfirmScreen
from callmate.screens.dialogs.interrupted import InterruptedScreen
from callmate.screens.home import HomeScreen
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.recap import RecapScreen
from callmate.store.repository import Repository
from callmate.widgets.notes_log import NotesLog
from tests.conftest import NOW
from tests.helpers import FakeClipboard, screen_text, settle, type_text


def stored(home: Path) -> list[Call]:
    repo = Repository.open(database_path(home))
    try:
        return repo.all_calls()
    finally:
        repo.close()


async def start_call(pilot: Pilot[Any], questions: str = "budget\ntimeline\n") -> LiveCallScreen:
    await settle(pilot)
    await pilot.press("n")
    await type_text(pilot, f"Dana\nNorthwind\n\n\nBook a demo\n\n\t\t{questions}")
    await pilot.press("ctrl+s")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, LiveCallScreen)
    # Messages from before the call (such as the data folder made private)
    # would cover the notes the tests read.
    pilot.app.clear_notifications()
    await pilot.pause()
    return screen


@pytest.mark.parametrize(
    ("line", "kind", "label"),
    [
        ("plain words", NoteKind.NOTE, "NOTE"),
        ('"their exact words"', NoteKind.QUOTE, "QUOTE"),
        ("!weekends at risk", NoteKind.PAIN, "PAIN"),
        ("~too pricey", NoteKind.OBJECTION, "OBJECTION"),
        (">send pricing", NoteKind.OURS, "WE OWE"),
        ("<intro to CFO", NoteKind.THEIRS, "THEY OWE"),
        ("?SSO support", NoteKind.FOLLOW_UP, "FOLLOW UP"),
        ("#margin floor 12%", NoteKind.PRIVATE, "PRIVATE"),
    ],
)
async def test_each_prefix_sets_the_kind(
    app: CallmateApp, isolated_home: Path, line: str, kind: NoteKind, label: str
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_call(pilot)
        await type_text(pilot, line[:1])
        assert kind.label in str(screen.query_one("#kind-label").render())
        await type_text(pilot, line[1:] + "\n")
        text = screen_text(pilot)
        mark = "·" if kind in (NoteKind.FOLLOW_UP, NoteKind.PRIVATE) else "@"
        assert f"00:00 {mark} {label}" in text
        assert screen.note_line.value == "", "Enter clears the line"
        assert app.focused is screen.note_line
    (call,) = stored(isolated_home)
    assert [(n.kind, n.text) for n in call.notes] == [(kind, line.lstrip('"!~><?#').rstrip('"'))]


async def test_kind_cycles_without_leaving_the_line(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_call(pilot)
        await type_text(pilot, "they want weekends back")
        labels = []
        for _ in range(9):
            await pilot.press("ctrl+t")
            labels.append(str(screen.query_one("#kind-label").render()))
            assert screen.note_line.value.endswith("they want weekends back")
        assert labels[0] == "quote ▸" and labels[1] == "pain ▸" and labels[6] == "private ▸"
        assert labels[7] == "note ▸" and labels[8] == "quote ▸"
        await pilot.press("ctrl+t")  # pain
        assert screen.note_line.value == "!they want weekends back"
        assert app.focused is screen.note_line
        await type_text(pilot, "\n")
    (call,) = stored(isolated_home)
    assert [(n.kind, n.text) for n in call.notes] == [(NoteKind.PAIN, "they want weekends back")]


async def test_ticking_three_ways_and_asked_items_dim(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_call(pilot)
        # 5 starter questions, then budget (6) and timeline (7).
        await pilot.press("alt+6")
        await type_text(pilot, "/7\n")
        await settle(pilot)
        text = screen_text(pilot)
        assert "6 [x] budget" in text and "7 [x] timeline" in text
        assert app.focused is screen.note_line, "ticking never leaves the line"
        await pilot.press("alt+6")  # untick
        assert "6 [ ] budget" in screen_text(pilot)
        # The checklist itself: Enter ticks the highlighted question.
        checklist = screen.query_one("#questions")
        screen.set_focus(checklist)
        checklist.highlighted = 0  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert "1 [x]" in screen_text(pilot)
    (call,) = stored(isolated_home)
    asked = {q.text: q.asked for q in call.questions}
    assert asked["budget"] is False and asked["timeline"] is True
    assert call.questions[0].asked is True


async def test_edit_delete_and_undo_from_the_keyboard(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await start_call(pilot)
        await type_text(pilot, "first\nsecond\nthird\n")
        await type_text(pilot, "a half-typed line")
        await pilot.press("up")  # into the log, on the last note
        assert app.focused is screen.notes_log
        await pilot.press("up", "enter")  # edit "second"
        assert screen.note_line.value == "second"
        assert "edit note" in str(screen.query_one("#kind-label").render())
        await settle(pilot)
        assert "editing: Enter saves · Esc cancels" in screen_text(pilot)
        screen.note_line.value = ""
        await type_text(pilot, '"second, corrected\n')
        assert screen.note_line.value == "a half-typed line", "the draft comes back"
        await settle(pilot)
        text = screen_text(pilot)
        assert "editing:" not in text, "the hint goes with the edit"
        assert "QUOTE" in text and "“second, corrected”" in text

        await pilot.press("up", "up", "up")  # first note
        await pilot.press("delete")
        await settle(pilot)
        assert "first" not in screen_text(pilot).split("Notes")[1].split("Questions")[0]
        assert "Ctrl+Z brings it back" in screen_text(pilot)
        assert [n.text for n in stored(isolated_home)[0].notes] == ["second, corrected", "third"]

        await pilot.press("ctrl+z")
        await settle(pilot)
        assert [n.text for n in screen.notes] == ["first", "second, corrected", "third"]
        # Typing while the log has focus goes back to the line.
        screen.set_focus(screen.notes_log)
        await type_text(pilot, "!")
        assert app.focused is screen.note_line
        assert screen.note_line.value == "a half-typed line!"
    (call,) = stored(isolated_home)
    assert [(n.kind, n.text) for n in call.notes] == [
        (NoteKind.NOTE, "first"),
        (NoteKind.QUOTE, "second, corrected"),
        (NoteKind.NOTE, "third"),
    ]


async def test_an_edit_or_delete_the_database_refuses_is_said(
    app: CallmateApp, isolated_home: Path
) -> None:
    """A correction or a delete that doesn't reach the disk is said in a toast,
    never dropped in silence (the database refuses them: a real SQLite error)."""
    import sqlite3

    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await start_call(pilot)
        await type_text(pilot, "first\nsecond\n")
        await settle(pilot)
        db = sqlite3.connect(database_path(isolated_home))
        with db:
            db.execute(
                "CREATE TRIGGER refuse_changes BEFORE UPDATE ON notes "
                "BEGIN SELECT RAISE(ABORT, 'the disk is on fire'); END"
            )
        db.close()
        await pilot.press("up", "enter")  # edit "second"
        screen.note_line.value = ""
        await type_text(pilot, "second, corrected\n")
        await settle(pilot)
        text = screen_text(pilot)
        assert "SQL" not in text, "what the database said, not the statement"
        assert "edit note" not in text, "the edit is over"
        assert "The corrected note could not be saved:" in text and "disk is on fire" in text
        await pilot.press("up", "delete")
        await settle(pilot)
        text = screen_text(pilot)
        assert "The note could not be deleted:" in text
    (call,) = stored(isolated_home)
    assert [n.text for n in call.notes] == ["first", "second"]


async def test_escape_cancels_an_edit(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_call(pilot)
        await type_text(pilot, "keep me\n")
        await pilot.press("up", "enter")
        assert screen.note_line.value == "keep me"
        await type_text(pilot, " not")
        await pilot.press("escape")
        assert screen.note_line.value == ""
        await type_text(pilot, "next\n")
    assert [n.text for n in stored(isolated_home)[0].notes] == ["keep me", "next"]


async def test_time_check_nudges_at_twenty_minutes_without_blocking(
    app: CallmateApp, clock: FrozenClock
) -> None:
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await start_call(pilot)
        clock.advance(19 * 60 + 58)
        screen.tick()
        await settle(pilot)
        assert "minutes in" not in screen_text(pilot)
        assert "On call 19:58" in screen_text(pilot)
        clock.advance(2)
        screen.tick()
        await settle(pilot)
        text = screen_text(pilot)
        assert "20 minutes in. Say so, and ask if they are happy to keep going." in text
        assert "On call 20:00" in text
        await type_text(pilot, "still typing\n")
        assert "20:00 @ NOTE" in screen_text(pilot), "the nudge does not take the focus"


async def test_a_one_minute_time_check_says_one_minute(
    app: CallmateApp, clock: FrozenClock
) -> None:
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await start_call(pilot)
        screen.time_check_seconds = 60  # as time_check_minutes = 1 in settings.toml
        clock.advance(60)
        screen.tick()
        await settle(pilot)
        assert "1 minute in. Say so," in screen_text(pilot)


async def test_hold_pauses_the_clock_and_the_offsets(
    app: CallmateApp, clock: FrozenClock, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_call(pilot)
        clock.advance(60)
        await pilot.press("ctrl+g")
        clock.advance(300)
        screen.tick()
        assert "ON HOLD 01:00" in screen_text(pilot)
        await pilot.press("ctrl+g")
        clock.advance(30)
        screen.tick()
        assert "On call 01:30" in screen_text(pilot)
        await type_text(pilot, "after the hold\n")
    (call,) = stored(isolated_home)
    assert call.notes[0].offset_seconds == 90
    assert call.paused_seconds == 300 and call.paused_at is None


async def test_large_pastes_are_kept_whole_and_the_screen_stays_usable(
    app: CallmateApp, isolated_home: Path
) -> None:
    email = "Hi Sam,\r\nThanks for the call.\r\nWe need SSO and audit logs.\r\nBest,\r\nDana"
    big = ("lorem ipsum dolor sit amet " * 4000)[:100_000]
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await start_call(pilot)
        await type_text(pilot, '"')  # a quote mark typed first: the paste is a quote
        app.post_message(events.Paste(email))
        await settle(pilot)
        app.post_message(events.Paste(big))
        await settle(pilot)
        text = screen_text(pilot)
        assert "Pasted text saved as one note (5 lines" in text
        assert "more characters" in text
        await type_text(pilot, "typing still works\n")
        assert screen.note_line.value == ""
    notes = stored(isolated_home)[0].notes
    assert [n.kind for n in notes] == [NoteKind.QUOTE, NoteKind.NOTE, NoteKind.NOTE]
    assert notes[0].text == email.replace("\r\n", "\n")
    assert notes[1].text == big.strip()
    assert notes[2].text == "typing still works"


async def test_a_short_single_line_paste_lands_in_the_line(app: CallmateApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_call(pilot)
        app.post_message(events.Paste("ACME-4411"))
        await settle(pilot)
        assert screen.note_line.value == "ACME-4411"


def failing_saves(repo_cls: type[Repository], fail: set[str]) -> Callable[..., Any]:
    original = repo_cls.save_note

    def save_note(self: Repository, call_id: int, note: Any) -> Any:
        if note.text in fail:
            fail.discard(note.text)
            raise RuntimeError("database is locked")
        return original(self, call_id, note)

    return save_note


async def test_a_failed_save_is_shown_retried_and_blocks_the_close(
    app: CallmateApp, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail = {"two"}
    monkeypatch.setattr(Repository, "save_note", failing_saves(Repository, fail))
    monkeypatch.setattr("callmate.screens.live_call.RETRY_SECONDS", 30.0)
    async with app.run_test(size=(200, 30), notifications=True) as pilot:
        screen = await start_call(pilot)
        await type_text(pilot, "one\ntwo\nthree\n")
        text = screen_text(pilot)
        assert "NOT SAVED YET, retrying" in text
        assert "could not be saved yet" in text
        await pilot.press("ctrl+o")  # refused while a note is unsaved; it retries now
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
        assert "1 note(s) are not saved yet; the call can be closed once" in screen_text(pilot)
        assert "NOT SAVED" not in screen_text(pilot), "the retry went through"
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, ClosingScreen)
    assert sorted(n.text for n in stored(isolated_home)[0].notes) == ["one", "three", "two"]
    assert screen is not None


async def test_notes_queued_when_quitting_are_all_stored(
    app: CallmateApp, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow disk: saves still queued at quit time land before the process ends."""
    original = Repository.save_note
    gate = threading.Event()

    def slow_save(self: Repository, call_id: int, note: Any) -> Any:
        gate.wait(0.2)
        return original(self, call_id, note)

    monkeypatch.setattr(Repository, "save_note", slow_save)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot)
        driver = app._driver
        assert driver is not None
        for character in "one\ntwo\nthree\nhalf a line":
            key = (
                events.Key("enter", "\r") if character == "\n" else events.Key(character, character)
            )
            key.set_sender(app)
            driver.send_message(key)
        await pilot.pause()
        await pilot.press("ctrl+q")  # asks first; the typed line is kept as a note
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
    app.store.close()
    notes = [n.text for n in stored(isolated_home)[0].notes]
    assert notes == ["one", "two", "three", "half a line"]


async def test_interrupted_call_is_offered_for_resume(
    clock: FrozenClock, isolated_home: Path
) -> None:
    first = make_app(isolated_home, clock=clock, clipboard=FakeClipboard())
    async with first.run_test(size=(100, 30)) as pilot:
        await start_call(pilot)
        clock.advance(90)
        await type_text(pilot, "saved before the crash\n")
        # The app is abandoned here without closing the call (as a crash would).
    first.store.close()
    assert stored(isolated_home)[0].status is CallStatus.LIVE

    clock.advance(30)
    second = make_app(isolated_home, clock=clock, clipboard=FakeClipboard())
    try:
        async with second.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert isinstance(second.screen, InterruptedScreen)
            text = screen_text(pilot)
            assert "A call was left open. Their notes are saved." in text
            assert "Dana" in text and "Book a demo" in text
            await pilot.press("r")
            await settle(pilot)
            screen = second.screen
            assert isinstance(screen, LiveCallScreen)
            text = screen_text(pilot)
            assert "01:30 @ NOTE" in text and "saved before the crash" in text
            assert "On call 02:00" in text, "the clock goes on from the call's start"
            await type_text(pilot, "after resuming\n")
            await pilot.press("ctrl+o")
            await type_text(pilot, "y\n\nSend the plan\n\ntomorrow\n")
            await settle(pilot)
            assert isinstance(second.screen, RecapScreen)
    finally:
        second.store.close()
    (call,) = stored(isolated_home)
    assert call.status is CallStatus.DONE
    assert [n.text for n in call.notes] == ["saved before the crash", "after resuming"]


async def test_a_call_read_while_the_offer_is_shown_resumes_in_place_of_the_offer(
    clock: FrozenClock, isolated_home: Path
) -> None:
    """After the warm-up the offered call is read behind the offer; r shows it
    with every note, the offer replaced (under it, the day), and it goes on."""
    first = make_app(isolated_home, clock=clock, clipboard=FakeClipboard())
    async with first.run_test(size=(100, 30)) as pilot:
        await start_call(pilot)
        await type_text(pilot, "one\ntwo\n")
    first.store.close()

    second = make_app(isolated_home, clock=clock, clipboard=FakeClipboard())
    try:
        async with second.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert isinstance(second.screen, InterruptedScreen)
            second.warming.start()
            home = second.screen_stack[-2]
            assert isinstance(home, HomeScreen)
            for _ in range(500):  # the warm-up's imports, then the read
                if home._resume_reads:
                    break
                await pilot.pause(0.02)
            assert list(home._resume_reads) == [stored(isolated_home)[0].id]
            await pilot.press("r")
            await settle(pilot)
            assert isinstance(second.screen, LiveCallScreen)
            assert [type(s) for s in second.screen_stack[-2:]] == [HomeScreen, LiveCallScreen]
            text = screen_text(pilot)
            assert "one" in text and "two" in text
            await type_text(pilot, "three\n")
            await settle(pilot)
    finally:
        second.store.close()
    assert [n.text for n in stored(isolated_home)[0].notes] == ["one", "two", "three"]


async def test_interrupted_call_can_go_straight_to_its_close_or_wait(
    clock: FrozenClock, isolated_home: Path
) -> None:
    first = make_app(isolated_home, clock=clock, clipboard=FakeClipboard())
    async with first.run_test(size=(100, 30)) as pilot:
        await start_call(pilot)
        await type_text(pilot, "a note\n")
    first.store.close()

    second = make_app(isolated_home, clock=clock, clipboard=FakeClipboard())
    try:
        async with second.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("escape")  # later: nothing is dropped or finished
            await settle(pilot)
            assert isinstance(second.screen, HomeScreen)
            assert "LIVE" in screen_text(pilot)
            await pilot.press("enter")  # Enter on an open call resumes it
            await settle(pilot)
            assert isinstance(second.screen, LiveCallScreen)
    finally:
        second.store.close()
    assert stored(isolated_home)[0].status is CallStatus.LIVE

    third = make_app(isolated_home, clock=clock, clipboard=FakeClipboard())
    try:
        async with third.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("c")
            await settle(pilot)
            assert isinstance(third.screen, ClosingScreen)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(third.screen, LiveCallScreen)
    finally:
        third.store.close()


async def test_closing_remembers_what_was_typed_after_going_back(app: CallmateApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot)
        await pilot.press("ctrl+o")
        await type_text(pilot, "m\nb\n\n\nSend the pilot plan\nt\nfri")
        await pilot.press("escape")
        await settle(pilot)
        await type_text(pilot, "one more thing\n")
        await pilot.press("ctrl+o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClosingScreen)
        assert screen.query_one("#next-what").value == "Send the pilot plan"  # type: ignore[attr-defined]
        assert screen.query_one("#next-date").value == "fri"  # type: ignore[attr-defined]
        assert screen.query_one("#outcome").value == "maybe"  # type: ignore[attr-defined]
        assert screen.query_one("#reason").value == "budget_cycle"  # type: ignore[attr-defined]
        assert screen.query_one("#owner").value == "them"  # type: ignore[attr-defined]


async def test_ending_the_call_keeps_the_half_typed_line(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot)
        await type_text(pilot, "last words before closing")
        await pilot.press("ctrl+o")
        await settle(pilot)
    assert [n.text for n in stored(isolated_home)[0].notes] == ["last words before closing"]


async def test_a_line_longer_than_the_field_scrolls_to_keep_the_cursor_in_view(
    app: CallmateApp, isolated_home: Path
) -> None:
    """The note line skips the per-key relayout; long lines must still scroll."""
    long_line = " ".join(f"word{i:03d}" for i in range(30))  # ~240 characters
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_call(pilot)
        await type_text(pilot, long_line)
        last_row = screen_text(pilot).splitlines()[-1]
        assert "word029" in last_row and "word000" not in last_row
        await pilot.press("home")
        last_row = screen_text(pilot).splitlines()[-1]
        assert "word000" in last_row and "word029" not in last_row
        await pilot.press("end", "enter")
        assert screen.note_line.value == ""
    assert stored(isolated_home)[0].notes[0].text == long_line


async def test_redrawing_one_note_matches_a_full_redraw() -> None:
    """NotesLog.update_note re-measures only the changed note; what the
    user sees must be what a list built from scratch shows, at the top and the
    bottom, when the note grows by lines and when it shrinks back."""

    def note(i: int, words: int) -> Note:
        text = " ".join(f"w{i}x{j}" for j in range(words))
        return Note(kind=list(NoteKind)[i % 7], text=text, offset_seconds=i, created_at=NOW)

    notes = [note(i, 3 + (i * 5) % 17) for i in range(40)]

    class Log(App[None]):
        def compose(self) -> ComposeResult:
            yield NotesLog(id="notes")

    async def shown(items: list[Note], change: tuple[int, Note] | None) -> tuple[str, str]:
        app = Log()
        async with app.run_test(size=(60, 16)) as pilot:
            log = app.query_one(NotesLog)
            log.show(items)
            await pilot.pause()
            if change is not None:
                log.update_note(*change)
            await pilot.pause()
            top = screen_text(pilot)
            log.scroll_end(animate=False)
            await pilot.pause()
            return top, screen_text(pilot)

    for index, words in ((2, 40), (2, 1), (39, 30), (0, 2)):
        changed = note(index, words)
        expected = [*notes[:index], changed, *notes[index + 1 :]]
        assert await shown(notes, (index, changed)) == await shown(expected, None)
        assert f"w{index}x0" in "".join(await shown(notes, (index, changed)))
