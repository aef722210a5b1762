"""Issue 16: every action findable (Ctrl+P, F1 / ?), themes and keys that stay as set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.command import CommandPalette
from textual.containers import VerticalScroll
from textual.pilot import Pilot

from callmate.app import CallmateApp, make_app
from callmate.clock import FrozenClock
from callmate.screens.dialogs.help import HelpScreen
from callmate.screens.home import HomeScreen
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.precall import PreCallScreen
from callmate.screens.search import SearchScreen
from tests.conftest import NOW
from tests.helpers import FakeClipboard, screen_text, settle, type_text
from tests.test_live_call import start_call, stored


async def palette_shows(pilot: Pilot[Any], query: str) -> str:
    """Open Ctrl+P, type ``query``, and wait until the palette has searched."""
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommandPalette)
    await type_text(pilot, query)
    await settle(pilot)  # the search runs in the palette's own worker
    return screen_text(pilot)


async def test_hold_is_found_on_the_live_call_and_puts_it_on_hold(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_call(pilot)
        text = await palette_shows(pilot, "hold")
        assert "Put the call on hold" in text
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.call.paused_at is not None
        text = await palette_shows(pilot, "end")
        assert "End call and close it" in text
        await pilot.press("escape")
        await settle(pilot)
        text = await palette_shows(pilot, "hold")
        assert "Take the call off hold" in text
    assert stored(isolated_home)[0].paused_at is not None


async def test_home_offers_no_end_call_but_resumes_an_open_call(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = await palette_shows(pilot, "end")
        assert "End call" not in text
        await pilot.press("escape")
        await settle(pilot)
        text = await palette_shows(pilot, "new")
        assert "New call" in text
        await pilot.press("escape")
        await start_call(pilot)
        await pilot.press("ctrl+q")  # asks: the call stays open
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        app.pop_screen()  # back home with the call still open, as after "decide later"
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        app.screen.load()
        await settle(pilot)
        text = await palette_shows(pilot, "resume")
        assert "Resume call with Dana" in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)


async def test_search_screen_reaches_the_global_commands(app: CallmateApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        text = await palette_shows(pilot, "new call")
        assert "New call" in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PreCallScreen)


async def test_f1_opens_help_that_scrolls_and_escape_closes_it(app: CallmateApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await start_call(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(pilot)
        assert "End call" in text and "Hold" in text
        scroller = app.screen.query_one("#help-text", VerticalScroll)
        assert app.focused is scroller
        assert scroller.max_scroll_y > 0, "the live call's help is longer than 24 rows"
        await pilot.press("pagedown")
        await settle(pilot)
        assert scroller.scroll_y > 0
        await pilot.press("down", "up")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)


async def test_help_lists_the_prefixes_from_the_note_kind_table(app: CallmateApp) -> None:
    from callmate.domain.models import NoteKind

    async with app.run_test(size=(100, 60)) as pilot:
        await start_call(pilot)
        await pilot.press("f1")
        await settle(pilot)
        text = screen_text(pilot)
        for kind in NoteKind:
            assert kind.label in text
        assert "Alt+1" in text or "alt+1" in text.lower()


async def test_question_mark_types_on_the_note_line_and_opens_help_on_home(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "New call" in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot)
        screen = await start_call(pilot)
        await pilot.press("question_mark")
        await type_text(pilot, "ask about budget\n")
        assert app.screen is screen
        notes = stored(isolated_home)[0].notes
        assert [(n.kind.value, n.text) for n in notes] == [("follow_up", "ask about budget")]


def new_app(home: Path) -> CallmateApp:
    return make_app(home, clock=FrozenClock(NOW), clipboard=FakeClipboard())


async def test_a_theme_picked_in_the_palette_is_there_next_time(isolated_home: Path) -> None:
    first = new_app(isolated_home)
    async with first.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert first.theme != "textual-light"
        await palette_shows(pilot, "theme")
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "textual-light")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert first.theme == "textual-light"
    first.store.close()
    text = (isolated_home / "settings.toml").read_text()
    assert 'theme = "textual-light"' in text
    assert 'user_name = "Sam Rivera"' in text, "the rest of the file is kept"
    second = new_app(isolated_home)
    async with second.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert second.theme == "textual-light"
    second.store.close()


async def test_an_unknown_theme_falls_back_with_one_line(isolated_home: Path) -> None:
    settings = isolated_home / "settings.toml"
    settings.write_text(settings.read_text() + 'theme = "no-such\\u001b[31mtheme"\n')
    app = new_app(isolated_home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        messages = [n.message for n in app._notifications]
        assert any("no theme" in m and "\x1b" not in m and "\\x1b" in m for m in messages)
        assert all("\n" not in m for m in messages)
    app.store.close()
    assert "no-such" in settings.read_text(), "the file is left as the user wrote it"


async def test_a_remapped_key_runs_the_action_and_the_old_one_does_not(
    isolated_home: Path,
) -> None:
    settings = isolated_home / "settings.toml"
    settings.write_text(settings.read_text() + '\n[keys]\n"home.new_call" = "c"\n')
    app = new_app(isolated_home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen), "n no longer starts a call"
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, PreCallScreen)
    app.store.close()


async def test_a_clash_and_an_unknown_id_are_reported(isolated_home: Path) -> None:
    settings = isolated_home / "settings.toml"
    settings.write_text(
        settings.read_text()
        + '\n[keys]\n"home.new_call" = "q"\n"home.nothing_such" = "x"\n"live.tick_1" = 3\n'
    )
    app = new_app(isolated_home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.warming.start()  # what the app does once the user pauses
        await settle(pilot)
        messages = " ".join(n.message for n in app._notifications)
        assert "home.new_call = q clashes with home.quit" in messages
        assert "home.nothing_such: no key has this id" in messages
        assert "live.tick_1: the key must be text" in messages
    app.store.close()


async def test_help_on_the_plan_gives_the_date_grammar_from_its_examples(
    app: CallmateApp,
) -> None:
    from callmate.domain.dates import EXAMPLES

    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, PreCallScreen)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(screen_text(pilot).split())
        assert ", ".join(EXAMPLES[:3]) in text
        assert "Start the call" in text


async def test_help_lists_each_key_by_what_it_does_now(isolated_home: Path) -> None:
    """The close screen's Ctrl+S saves the call; only once another window has
    closed it does it add this one's words as a note: help names one of them."""
    from tests.test_close_keys import seed_live_call

    seed_live_call(isolated_home)
    app = new_app(isolated_home)
    async with app.run_test(size=(100, 50)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # resume the open call
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(pilot)
        assert "Save call" in text and "Back to call" in text
        assert "Add mine as a note" not in text and "without mine" not in text
    app.store.close()
