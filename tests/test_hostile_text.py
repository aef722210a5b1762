"""User text is shown literally everywhere and can never act on the terminal.

See ../shared/TECH-NOTES.md: markup in user text can crash the app (``[/]``),
run actions (``[@click=app.quit]``) or swallow words (``[TODO]``), and escape
sequences can rewrite the clipboard (OSC 52) or the window title.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot

from callmate.app import CallmateApp
from callmate.domain.models import Call, Contact, NextStep, Note, Outcome, Question
from callmate.domain.text import clean, clean_line
from callmate.locations import database_path
from callmate.screens.dialogs.interrupted import InterruptedScreen
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.recap import RecapScreen
from callmate.store.repository import Repository
from callmate.widgets.recap_editor import RecapEditor
from tests.conftest import NOW
from tests.helpers import screen_text, settle, type_text

OSC52 = "\x1b]52;c;aGFja2Vk\x07"
TITLE = "\x1b]0;pwned\x07"
RED = "\x1b[31m"
HOSTILE = f"[bold]x[/] [/] [TODO] [@click=app.quit]x[/] {OSC52}{TITLE}{RED}red"
LITERALS = ["[bold]x[/]", "[/]", "[TODO]", "[@click=app.quit]x[/]", "red"]
CONTROL = [chr(c) for c in [*range(0, 9), *range(11, 32), 127, *range(128, 160)]]


def assert_literal(text: str) -> None:
    for literal in LITERALS:
        assert literal in text, f"{literal!r} is not shown literally"
    leaked = [c for c in CONTROL if c in text]
    assert not leaked, f"control characters reached the screen: {leaked!r}"


async def paste(pilot: Pilot[Any], text: str) -> None:
    pilot.app.post_message(events.Paste(text))
    await settle(pilot)


def test_cleaning_keeps_the_words_and_drops_the_controls() -> None:
    expected = "[bold]x[/] [/] [TODO] [@click=app.quit]x[/] ]52;c;aGFja2Vk]0;pwned[31mred"
    assert clean_line(HOSTILE) == expected
    assert clean("line one\r\nline two\x1b[2J") == "line one\nline two[2J"
    assert clean_line("a\tb\nc") == "a b c"
    # Terminals paste newlines as CR: the lines must not run together.
    assert clean("pasted\rline two\rline three") == "pasted\nline two\nline three"
    assert clean_line("pasted\rline two") == "pasted line two"


async def test_hostile_text_is_literal_on_every_screen(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        for field in [
            "contact-name",
            "company",
            "goal",
            "backup-goal",
            "research-input",
            "question-input",
        ]:
            app.screen.set_focus(app.screen.query_one(f"#{field}"))
            await paste(pilot, HOSTILE)
            await type_text(pilot, "\n")
        assert_literal(screen_text(pilot))

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
        await paste(pilot, HOSTILE)
        await type_text(pilot, "\n")
        await type_text(pilot, '"[@click=app.quit]quote[/]\n')
        text = screen_text(pilot)
        assert_literal(text)
        assert "Goal: [bold]x[/]" in text
        assert "“[@click=app.quit]quote[/]”" in text
        assert app.is_running

        await pilot.press("ctrl+o")
        await type_text(pilot, "y\n\n")
        await paste(pilot, HOSTILE)
        await type_text(pilot, "\n\ntomorrow\n")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)
        assert_literal(screen_text(pilot))
        assert_literal(app.screen.query_one(RecapEditor).text)

        await pilot.press("escape")
        await settle(pilot)
        assert_literal(screen_text(pilot))
        assert app.is_running

    repo = Repository.open(database_path(isolated_home))
    try:
        (call,) = repo.all_calls()
    finally:
        repo.close()
    for value in [call.contact.name, call.goal, call.backup_goal, call.notes[0].text]:
        assert "\x1b" not in value and "[@click=app.quit]x[/]" in value


async def test_raw_controls_already_in_the_database_never_reach_the_screen(
    app: CallmateApp, isolated_home: Path
) -> None:
    """Data written by something else (an old version, a hand edit) is cleaned on read."""
    repo = Repository.open(database_path(isolated_home))
    try:
        done = repo.start_call(
            Call(contact=Contact(name="Dana"), goal="Book a demo", started_at=NOW)
        )
        live = repo.start_call(
            Call(
                contact=Contact(name="Lee"),
                goal="Agree the pilot",
                questions=[Question(text="budget")],
                started_at=NOW,
            )
        )
        assert done.id is not None and live.id is not None
        for call_id in (done.id, live.id):
            repo.save_note(call_id, Note(text="placeholder", created_at=NOW))
        repo.finish_call(
            done.id,
            outcome=Outcome.YES,
            next_step=NextStep(what="Demo", due=NOW.date()),
            ended_at=NOW,
        )
    finally:
        repo.close()
    with sqlite3.connect(database_path(isolated_home)) as raw:
        for table, column in [
            ("notes", "text"),
            ("calls", "goal"),
            ("calls", "backup_goal"),
            ("calls", "next_step_what"),
            ("contacts", "name"),
            ("contacts", "company"),
            ("questions", "text"),
        ]:
            raw.execute(f"UPDATE {table} SET {column} = ?", (HOSTILE,))

    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, InterruptedScreen)  # the open call is offered first
        assert_literal(screen_text(pilot))
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
        text = screen_text(pilot)
        assert_literal(text)
        for widget_id in ("goals", "clock"):
            rendered = str(app.screen.query_one(f"#{widget_id}").render())
            assert rendered.count("[@click=app.quit]x[/]") >= 1, widget_id
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert_literal(screen_text(pilot))

        await pilot.press("escape")
        app.pop_screen()  # back to home (the call stays open)
        await settle(pilot)
        home = screen_text(pilot)
        assert_literal(home)
        await pilot.press("enter")  # the next step due today: its call's recap
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)
        assert_literal(screen_text(pilot))
        assert app.is_running
