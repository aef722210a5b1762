"""Promises follow the contact into the next call: `?` notes become its questions,
open commitments show in the prep brief, and the recap repeats them."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from callmate.app import CallmateApp
from callmate.clock import FrozenClock
from callmate.domain.models import Call, QuestionOrigin
from callmate.locations import database_path
from callmate.screens.closing import ClosingScreen
from callmate.screens.home import HomeScreen
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.precall import PreCallScreen
from callmate.screens.recap import RecapScreen
from callmate.store.repository import Repository
from callmate.widgets.question_plan import QuestionPlan
from callmate.widgets.recap_editor import RecapEditor
from tests.conftest import NOW
from tests.helpers import screen_text, settle, type_text


def stored(home: Path) -> list[Call]:
    repo = Repository.open(database_path(home))
    try:
        return repo.all_calls()
    finally:
        repo.close()


async def whole_call(
    pilot: Pilot[Any], notes: str, dues: tuple[str, ...] = (), *, home: bool = True
) -> None:
    """Plan a call with Dana, type the notes, close it on a next step on Friday."""
    await settle(pilot)
    await pilot.press("n")
    await type_text(pilot, "Dana Whitfield\nNorthwind\n\n\nBook a demo\n")
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, LiveCallScreen)
    await type_text(pilot, notes)
    await pilot.press("ctrl+o")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ClosingScreen)
    await type_text(pilot, "y")
    screen.query_one("#next-what").value = "Demo"  # type: ignore[attr-defined]
    screen.query_one("#next-date").value = "fri"  # type: ignore[attr-defined]
    for field, due in zip(screen.query(".due"), dues, strict=True):
        field.value = due  # type: ignore[attr-defined]
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, RecapScreen), screen_text(pilot)
    if home:
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)


async def plan_with_dana(pilot: Pilot[Any]) -> PreCallScreen:
    await pilot.press("n")
    await settle(pilot)
    await type_text(pilot, "Da")
    await pilot.press("right")  # accept the suggested contact
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PreCallScreen)
    return screen


async def test_follow_up_notes_become_questions_of_the_next_call(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 50), notifications=True) as pilot:
        await whole_call(pilot, "?who signs off on the budget\nplain note\n?rollout date\n")
        screen = await plan_with_dana(pilot)
        text = screen_text(pilot)
        assert "To follow up: who signs off on the budget, rollout date" in text
        assert "plain note" not in text
        screen.query_one("#goal").value = "Agree a pilot"  # type: ignore[attr-defined]
        await pilot.press("ctrl+l")
        await settle(pilot)
        texts = [q.text for q in screen.query_one(QuestionPlan).questions]
        assert texts[-2:] == ["who signs off on the budget", "rollout date"]
        await pilot.press("ctrl+l")  # twice adds nothing twice
        await settle(pilot)
        assert [q.text for q in screen.query_one(QuestionPlan).questions] == texts
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
    new = stored(isolated_home)[-1]
    carried = [q.text for q in new.questions if q.origin is QuestionOrigin.CARRIED]
    # The first call's unasked questions come first, then its follow-ups.
    assert carried[-2:] == ["who signs off on the budget", "rollout date"]
    assert "Who decides" in carried


def brief_rows(pilot: Pilot[Any]) -> list[str]:
    return [row.strip(" │") for row in screen_text(pilot).splitlines()]


async def test_the_prep_brief_lists_open_promises_overdue_first(
    app: CallmateApp, isolated_home: Path, clock: FrozenClock
) -> None:
    async with app.run_test(size=(100, 60)) as pilot:
        await whole_call(
            pilot,
            ">send the case study\n>send the pricing sheet\n<intro to the ops lead\n"
            ">book the venue\n",
            ("fri", "tomorrow", "", "today"),
        )
        # Kept promises leave the brief.
        repo_call = stored(isolated_home)[0]
        kept = next(n for n in repo_call.notes if n.text == "book the venue")
        assert kept.id is not None
        note_id = kept.id
        await app.store.run(lambda repo: repo.set_commitment_done(note_id, NOW))
        # Wed 25 Nov: the commitment due "tomorrow" (Mon 23) is overdue.
        clock.advance(timedelta(days=3).total_seconds())
        await plan_with_dana(pilot)
        rows = brief_rows(pilot)
        owe = rows.index("We still owe:")
        assert rows[owe + 1 : owe + 5] == [
            "OVERDUE send the pricing sheet (by Mon 23 Nov)",
            "send the case study (by Fri 27 Nov)",
            "They still owe:",
            "intro to the ops lead",
        ]
        assert "book the venue" not in screen_text(pilot)


async def test_the_recap_repeats_promises_still_open_from_earlier_calls(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 60)) as pilot:
        await whole_call(
            pilot,
            ">send the case study\n<intro to the ops lead\n>book the venue\n",
            ("fri", "", ""),
        )
        kept = next(n for n in stored(isolated_home)[0].notes if n.text == "book the venue")
        assert kept.id is not None
        note_id = kept.id
        await app.store.run(lambda repo: repo.set_commitment_done(note_id, NOW))
        await whole_call(pilot, ">draft the pilot plan\n", ("tomorrow",), home=False)
        body = app.screen.query_one(RecapEditor).text
        app_subject = app.screen.query_one("#recap-subject").value  # type: ignore[attr-defined]
    assert (
        "What we agreed:\n- I will draft the pilot plan by Monday 23 November.\n\n"
        "Still open from our earlier calls:\n"
        "- I will send the case study by Friday 27 November.\n"
        "- You offered to intro to the ops lead.\n"
    ) in body
    assert "book the venue" not in body, "a kept promise is not repeated"
    shell = subprocess.run(
        [sys.executable, "-m", "callmate", "recap", "2"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "CALLMATE_HOME": str(isolated_home)},
    )
    assert shell.returncode == 0, shell.stderr
    # The same email; a saved recap is stored without the editor's last newline.
    assert shell.stdout.rstrip("\n") == f"Subject: {app_subject}\n\n{body}".rstrip("\n")
