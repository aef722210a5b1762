"""No input ends in a traceback (issue 11): odd digits on the call, pages pasted into fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from callmate.app import CallmateApp
from callmate.domain.limits import ONE_LINE_MAX
from callmate.domain.models import Call, Contact, NoteKind, Question, parse_tick_command
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.precall import PreCallScreen
from callmate.widgets.notes_log import NotesLog
from callmate.widgets.text_field import TextField
from tests.conftest import NOW
from tests.helpers import screen_text, settle, type_text
from tests.test_live_call import start_call, stored


def shown_text(pilot: object) -> str:
    """The screen's words, toasts included, whatever line they wrapped onto."""
    return " ".join(screen_text(pilot).replace("▌", " ").split())  # type: ignore[arg-type]


PAGE = "lorem ipsum dolor sit amet, " * 400  # over 10 KB, one line


# -- /² on a live call ------------------------------------------------------------
@pytest.mark.parametrize(
    "line", ["/²", "/1 ³", "/①", "/٣", "/¹²", "/\U0001d7d9", "/0", "/1234", "/-1", "/2 x"]
)
def test_only_ascii_numbers_tick(line: str) -> None:
    assert parse_tick_command(line) is None


def test_ticks_still_read_plain_numbers() -> None:
    assert parse_tick_command("/2") == [2]
    assert parse_tick_command(" /1 3 ") == [1, 3]
    assert parse_tick_command("/1,2") == [1, 2]
    assert parse_tick_command("/999") == [999]
    assert parse_tick_command("plain note") is None


async def test_superscript_digits_on_a_live_call_are_a_note_not_a_crash(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_call(pilot)
        await type_text(pilot, "/²\n/1 ³\n/①\n")
        await settle(pilot)
        assert app.return_code is None and app.screen is screen, "still on the call"
        text = shown_text(pilot)
        for line in ("/²", "/1 ³", "/①"):
            assert f"00:00 @ NOTE {line}" in text, text
        assert "[x]" not in text, "nothing was ticked"
        assert app.focused is screen.note_line
        await type_text(pilot, "/2\n")  # real ticks still work
        assert "2 [x]" in screen_text(pilot)
    (call,) = stored(isolated_home)
    assert [(n.kind, n.text) for n in call.notes] == [
        (NoteKind.NOTE, "/²"),
        (NoteKind.NOTE, "/1 ³"),
        (NoteKind.NOTE, "/①"),
    ]
    assert [q.asked for q in call.questions][:2] == [False, True]


# -- field length caps --------------------------------------------------------------
async def open_plan(pilot: object, app: CallmateApp) -> PreCallScreen:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("n")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, PreCallScreen)
    return app.screen


async def test_a_page_pasted_into_the_goal_keeps_what_fits_and_says_so(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await open_plan(pilot, app)
        await type_text(pilot, "Dana\nNorthwind\n\n\n")
        goal = screen.query_one("#goal", TextField)
        assert app.focused is goal
        app.post_message(events.Paste(PAGE))
        await settle(pilot)
        assert goal.value == PAGE[:ONE_LINE_MAX]
        assert "That field holds up to 500 characters; the rest was not pasted." in shown_text(
            pilot
        )
        # Typing up to the limit (after making room): what fits goes in, then it says why.
        await pilot.press("backspace", "backspace")
        app.clear_notifications()
        await type_text(pilot, "xyz")
        assert goal.value == PAGE[: ONE_LINE_MAX - 2] + "xy"
        assert "That field is full: it holds up to 500 characters." in shown_text(pilot)
        # Once is enough: a key held down at the limit does not pile up messages.
        app.clear_notifications()
        await type_text(pilot, "zzz")
        assert "That field is full" not in shown_text(pilot)
        await pilot.press("backspace")
        await type_text(pilot, "!")
        assert goal.value == PAGE[: ONE_LINE_MAX - 2] + "x!"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
    (call,) = stored(isolated_home)
    assert call.goal == PAGE[: ONE_LINE_MAX - 2] + "x!"


async def test_a_paste_into_a_half_full_field_fills_it_exactly(app: CallmateApp) -> None:
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await open_plan(pilot, app)
        name = screen.query_one("#contact-name", TextField)
        await type_text(pilot, "Dana ")
        app.post_message(events.Paste("x" * 600))
        await settle(pilot)
        assert name.value == "Dana " + "x" * (ONE_LINE_MAX - 5)
        # A short paste that fits is taken whole, with no message.
        name.value = ""
        app.clear_notifications()
        app.post_message(events.Paste("Dana Whitfield"))
        await settle(pilot)
        assert name.value == "Dana Whitfield"
        assert "holds up to" not in screen_text(pilot)


async def test_research_and_questions_are_capped_too_even_typed_from_their_lists(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        screen = await open_plan(pilot, app)
        research = screen.query_one("#research-input", TextField)
        question = screen.query_one("#question-input", TextField)
        assert research.max_length == question.max_length == ONE_LINE_MAX
        screen.set_focus(research)
        app.post_message(events.Paste(PAGE))
        await settle(pilot)
        assert len(research.value) == ONE_LINE_MAX
        await type_text(pilot, "\n")  # filed under News
        # The list hands typing back to its field; the cap holds there too.
        plan = screen.query_one("#plan")
        screen.set_focus(plan)
        question.value = "q" * (ONE_LINE_MAX - 1)
        await type_text(pilot, "xyz")
        assert question.value == "q" * (ONE_LINE_MAX - 1) + "x"
        assert "That field is full" in shown_text(pilot)


async def test_the_note_line_still_takes_long_notes(app: CallmateApp, isolated_home: Path) -> None:
    """The live call's note line is not a one-line field: a note may be long."""
    long_note = "we went through every site, " * 40  # ~1,100 characters, one line
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_call(pilot)
        app.post_message(events.Paste(long_note))
        await settle(pilot)
        assert screen.note_line.value == long_note.rstrip()
        await type_text(pilot, "\n")
    (call,) = stored(isolated_home)
    assert call.notes[0].text == long_note.strip()


async def test_a_long_goal_leaves_room_for_the_notes(app: CallmateApp) -> None:
    """Before the cap a 10 KB goal pushed the notes pane to zero height."""
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        screen = await open_plan(pilot, app)
        await type_text(pilot, "Dana\nNorthwind\n\n\n")
        app.post_message(events.Paste(PAGE))  # the goal
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
        notes = app.screen.query_one("#notes", NotesLog)
        assert notes.content_region.height >= 10, notes.region
        await type_text(pilot, "still visible\n")
        assert "still visible" in screen_text(pilot)
        del screen


async def test_both_goals_at_the_limit_leave_room_for_notes_on_a_small_terminal(
    app: CallmateApp,
) -> None:
    call = Call(
        contact=Contact(name="Dana"),
        goal="g" * ONE_LINE_MAX,
        backup_goal="b" * ONE_LINE_MAX,
        questions=[Question(text="budget")],
        started_at=NOW,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        started = await app.store.run(lambda repo: repo.start_call(call))
        await app.push_screen(LiveCallScreen(started))
        await settle(pilot)
        notes = app.screen.query_one("#notes", NotesLog)
        assert notes.content_region.height >= 3, notes.region


def test_text_that_hides_or_reorders_itself_is_cleaned_but_joiners_stay() -> None:
    from callmate.domain.text import clean, clean_line

    # A right-to-left override shows "exe.txt" as "txt.exe"; zero-width spaces
    # and marks hide inside words; the BOM is invisible.
    assert clean("invoice\u202etxt.exe") == "invoicetxt.exe"
    assert clean_line("pri\u200bcing \u2066x\u2069 \ufeffok\u200e") == "pricing x ok"
    # Joiners are spelling (Persian, Indic) and emoji, not disguise.
    assert (
        clean("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645")
        == "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    )
    assert clean("\U0001f469\u200d\U0001f4bb") == "\U0001f469\u200d\U0001f4bb"
