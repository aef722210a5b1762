"""Keys on the close: typing never changes a picked answer without the screen showing it.

The keys are posted the way a terminal delivers them, each stamped with the
moment it was typed: a pause between two keys is a real gap in those stamps,
so "a key on its own" and "a word typed fast" are told apart as they would be
at a keyboard.
"""

from __future__ import annotations

import asyncio
import random
import re
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual._time import get_time
from textual.pilot import Pilot

from callmate.app import CallmateApp, make_app
from callmate.clock import FrozenClock
from callmate.domain.models import (
    Call,
    CallStatus,
    Contact,
    GoalResult,
    Note,
    Outcome,
    Owner,
    Reason,
)
from callmate.locations import database_path
from callmate.screens.closing import ClosingScreen
from callmate.screens.recap import RecapScreen
from callmate.store.repository import Repository
from callmate.widgets.choice_bar import WORD_GAP, ChoiceBar
from tests.conftest import NOW
from tests.helpers import FakeClipboard, screen_text, settle

ROWS = {"outcome": "Outcome", "reason": "Why", "goal-result": "Reached", "owner": "Owner"}
"""Each choice row's id and the label in front of it on screen."""

PAUSE = 1.0
"""A gap between keys that makes the next one a key on its own."""


def seed_live_call(home: Path) -> None:
    repo = Repository.open(database_path(home))
    try:
        call = repo.start_call(
            Call(
                contact=Contact(name="Dana Whitfield", company="Northwind"),
                goal="Book a demo",
                backup_goal="Ops lead's name",
                started_at=NOW,
            )
        )
        assert call.id is not None
        repo.save_note(call.id, Note(text="first note", created_at=NOW))
    finally:
        repo.close()


def stored(home: Path) -> Call:
    repo = Repository.open(database_path(home))
    try:
        (call,) = repo.all_calls()
        return call
    finally:
        repo.close()


class Keyboard:
    """Posts keys as one burst, each stamped with the time it was "typed"."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot
        self.now = get_time()

    def _event(self, key: str) -> events.Key:
        if len(key) == 1:
            return events.Key(key if key.isalnum() else "space", key)
        return events.Key(key, {"enter": "\r", "tab": "\t"}.get(key))

    async def keys(
        self, keys: list[str], gap: float | list[float] = 0.03, *, settled: bool = True
    ) -> None:
        """``keys`` one after another, ``gap`` seconds apart (a list: one gap per key)."""
        driver = self.pilot.app._driver
        assert driver is not None
        gaps = gap if isinstance(gap, list) else [gap] * len(keys)
        for key, pause in zip(keys, gaps, strict=True):
            self.now += pause
            event = self._event(key)
            event.time = self.now
            event.set_sender(self.pilot.app)
            driver.send_message(event)
        if settled:
            await settle(self.pilot)
        else:  # the keys have landed and the screen is drawn; no store work to wait for
            await self.pilot.pause()
            await self.pilot.app.workers.wait_for_complete()
            await self.pilot.pause()

    async def type(self, text: str, gap: float = 0.03) -> None:
        """Characters (``\\n`` is Enter, ``\\t`` Tab) at a typist's pace."""
        names = {"\n": "enter", "\t": "tab"}
        await self.keys([names.get(c, c) for c in text], gap)

    def pause(self, seconds: float = PAUSE) -> None:
        self.now += seconds

    async def alone(self, key: str) -> None:
        """One deliberate key, after a pause."""
        await self.keys([key], PAUSE)


@contextmanager
def counting_bells(app: CallmateApp) -> Iterator[list[int]]:
    rung: list[int] = []
    original = app.bell
    app.bell = lambda: rung.append(1)  # type: ignore[method-assign]
    try:
        yield rung
    finally:
        app.bell = original  # type: ignore[method-assign]


async def open_close(pilot: Pilot[Any]) -> ClosingScreen:
    """From the offer to resume the open call, straight to its close."""
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ClosingScreen)
    return screen


def answers(screen: ClosingScreen) -> dict[str, str | None]:
    return {row: screen.query_one(f"#{row}", ChoiceBar).value for row in ROWS}


def row_text(pilot: Pilot[Any], row: str) -> str:
    """The row as shown: its choices (on one line or more) and any hint under them."""
    lines = screen_text(pilot).splitlines()
    pattern = re.compile(rf"^\s*{ROWS[row]}  ")
    for at, line in enumerate(lines):
        if pattern.match(line):
            block = [line]
            # Lines of the same row have nothing in the label column.
            for more in lines[at + 1 :]:
                if more[:14].strip() or not more.strip():
                    break
                block.append(more)
            return "\n".join(block)
    raise AssertionError(f"the {ROWS[row]} row is not on screen:\n{screen_text(pilot)}")


def shown_pick(pilot: Pilot[Any], row: str) -> str | None:
    """The choice the row shows as picked (● Label), or None."""
    found = re.search(r"● (.+?)(?:  |$)", row_text(pilot, row), re.MULTILINE)
    return found.group(1).strip() if found else None


def assert_screen_shows(pilot: Pilot[Any], screen: ClosingScreen) -> None:
    for row in ROWS:
        bar = screen.query_one(f"#{row}", ChoiceBar)
        assert shown_pick(pilot, row) == (bar.chosen_label or None), (
            f"{row} is {bar.value!r} but the screen shows {shown_pick(pilot, row)!r}"
        )


# -- the rules, one at a time --------------------------------------------------------
async def test_words_typed_on_a_picked_outcome_change_nothing(
    app: CallmateApp, isolated_home: Path
) -> None:
    """The reported case: "they may sign" turned a Yes into a No."""
    seed_live_call(isolated_home)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_close(pilot)
        keyboard = Keyboard(pilot)
        await keyboard.alone("y")
        assert shown_pick(pilot, "outcome") == "Yes"
        keyboard.pause()
        with counting_bells(app) as rung:
            await keyboard.type("they may sign", gap=0.06)
        assert answers(screen)["outcome"] == Outcome.YES.value
        text = row_text(pilot, "outcome")
        assert "● Yes" in text and "● No" not in text
        assert "Typing isn't taken here (Yes kept): “they may sign”" in text
        assert len(rung) == 1, "one bell for the whole refused burst"


async def test_a_word_starting_with_a_choice_key_is_undone_not_picked(
    app: CallmateApp, isolated_home: Path
) -> None:
    """A next step typed into the reason row picked "Timing"; now the pick is undone."""
    seed_live_call(isolated_home)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_close(pilot)
        keyboard = Keyboard(pilot)
        await keyboard.alone("m")
        await keyboard.alone("enter")
        assert app.focused is screen.query_one("#reason")
        keyboard.pause()
        await keyboard.type("time to review", gap=0.008)
        assert answers(screen)["outcome"] == Outcome.MAYBE.value
        assert answers(screen)["reason"] is None
        text = row_text(pilot, "reason")
        assert "●" not in text
        assert "(nothing picked): “time to review”" in text


async def test_a_picked_answer_changes_only_after_coming_back_to_it(
    app: CallmateApp, isolated_home: Path
) -> None:
    seed_live_call(isolated_home)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_close(pilot)
        keyboard = Keyboard(pilot)
        await keyboard.alone("y")
        with counting_bells(app) as rung:
            await keyboard.alone("n")  # even on its own: the row has its answer
        assert answers(screen)["outcome"] == Outcome.YES.value
        assert rung == [1]
        assert "Yes is picked. Change it with ← →, or Tab away and back." in row_text(
            pilot, "outcome"
        )
        # Coming back to the row on purpose lets a key change it, in plain sight.
        await keyboard.alone("tab")
        await keyboard.alone("shift+tab")
        assert app.focused is screen.query_one("#outcome")
        await keyboard.alone("n")
        assert answers(screen)["outcome"] == Outcome.NO.value
        assert shown_pick(pilot, "outcome") == "No"
        assert "Typing" not in row_text(pilot, "outcome")
        # The arrows always change it, one visible step at a time.
        await keyboard.alone("right")
        assert shown_pick(pilot, "outcome") == "Maybe"
        await keyboard.alone("y")  # an arrow is coming back on purpose, too
        assert shown_pick(pilot, "outcome") == "Yes"


async def test_a_click_on_a_choice_picks_it(app: CallmateApp, isolated_home: Path) -> None:
    seed_live_call(isolated_home)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_close(pilot)
        keyboard = Keyboard(pilot)
        await keyboard.alone("y")
        # "○ Maybe" starts 13 cells into the row's text, after a cell of padding.
        await pilot.click("#outcome", offset=(1 + 14, 0))
        await settle(pilot)
        assert answers(screen)["outcome"] == Outcome.MAYBE.value
        assert shown_pick(pilot, "outcome") == "Maybe"
        await pilot.click("#outcome", offset=(1 + 5, 0))  # between two choices: no pick
        await settle(pilot)
        assert shown_pick(pilot, "outcome") == "Maybe"


async def test_a_key_that_picks_nothing_says_so(app: CallmateApp, isolated_home: Path) -> None:
    seed_live_call(isolated_home)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_close(pilot)
        keyboard = Keyboard(pilot)
        with counting_bells(app) as rung:
            await keyboard.alone("x")
        assert rung == [1]
        assert answers(screen)["outcome"] is None
        assert "“x” is not a choice here (keys: y, n, m)." in row_text(pilot, "outcome")
        await keyboard.alone("m")  # an empty row still takes a key on its own
        assert shown_pick(pilot, "outcome") == "Maybe"
        assert "not a choice" not in row_text(pilot, "outcome")


async def test_a_reason_survives_a_brief_change_of_outcome(
    app: CallmateApp, isolated_home: Path
) -> None:
    seed_live_call(isolated_home)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_close(pilot)
        keyboard = Keyboard(pilot)
        await keyboard.keys(["n", "enter", "w", "shift+tab"], PAUSE)
        assert answers(screen)["reason"] == Reason.WRONG_TIME.value
        keyboard.pause()
        await keyboard.type("maybe later")  # "m" picks Maybe, the typing undoes it
        assert answers(screen) == {
            "outcome": Outcome.NO.value,
            "reason": Reason.WRONG_TIME.value,
            "goal-result": None,
            "owner": Owner.US.value,
        }
        assert_screen_shows(pilot, screen)


# -- a fast close is saved ---------------------------------------------------------------
FAST_CLOSES = [
    # (keys, outcome, reason, reason text, goal, next step, owner, due)
    ("y\ng\nDemo for the ops team\nb\nfri", Outcome.YES, None, "", GoalResult.PRIMARY,
     "Demo for the ops team", Owner.BOTH, "2026-11-27"),
    ("n\nw\nbudget frozen until spring\nn\nCheck in on the new budget\nu\ntomorrow",
     Outcome.NO, Reason.WRONG_TIME, "budget frozen until spring", GoalResult.NEITHER,
     "Check in on the new budget", Owner.US, "2026-11-23"),
    ("m\nt\n\nb\nthey may sign by Friday, send terms\nt\n+9d", Outcome.MAYBE,
     Reason.TIMING, "", GoalResult.BACKUP, "they may sign by Friday, send terms", Owner.THEM,
     "2026-12-01"),
]  # fmt: skip


@pytest.mark.parametrize("pace", ["burst", "typist"])
@pytest.mark.parametrize("close", FAST_CLOSES, ids=["yes", "no", "maybe"])
async def test_a_fast_typed_close_always_saves(
    clock: FrozenClock, isolated_home: Path, close: tuple[Any, ...], pace: str
) -> None:
    keys, outcome, reason, reason_text, goal, what, owner, due = close
    seed_live_call(isolated_home)
    app = make_app(isolated_home, clock=clock, clipboard=FakeClipboard())
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await open_close(pilot)
            keyboard = Keyboard(pilot)
            typed = [{"\n": "enter"}.get(c, c) for c in keys] + ["ctrl+s"]
            # All at once, or 8-60 ms apart like the fast typist who lost closes.
            chooser = random.Random(len(keys))
            gaps = [0.0 if pace == "burst" else chooser.uniform(0.008, 0.06) for _ in typed]
            await keyboard.keys(typed, gaps)
            assert isinstance(app.screen, RecapScreen)
    finally:
        app.store.close()
    call = stored(isolated_home)
    assert call.status is CallStatus.DONE
    assert (call.outcome, call.reason, call.reason_text, call.goal_result) == (
        outcome,
        reason,
        reason_text,
        goal,
    )
    assert call.next_step is not None
    assert (call.next_step.what, call.next_step.owner, call.next_step.due.isoformat()) == (
        what,
        owner,
        due,
    )
    assert [note.text for note in call.notes] == ["first note"]


# -- any keys at all ------------------------------------------------------------------------
CHOICE_KEYS = list("ynmpswtbrogu")
OTHER_CHARACTERS = list("ae ")
NAVIGATION = ["tab", "shift+tab", "enter", "left", "right", "up", "down"]
KEY = st.sampled_from(CHOICE_KEYS + OTHER_CHARACTERS + NAVIGATION)
BURST = st.tuples(
    st.lists(KEY, min_size=1, max_size=5),
    st.sampled_from([0.0, 0.02, 0.2, PAUSE]),  # the gap between its keys
)


class AppInAThread:
    """One running app for every generated example (starting one costs over a second).

    The app runs on an event loop of its own thread, inside one long-lived
    task (Textual keeps the active app in that task's context); each example
    is a job that task runs on a fresh close screen.
    """

    def __init__(self, home: Path) -> None:
        self.home = home
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.jobs: asyncio.Queue[tuple[Any, Future[None]]] | None = None
        started: Future[None] = Future()
        self.serving = asyncio.run_coroutine_threadsafe(self._serve(started), self.loop)
        started.result(timeout=60)

    async def _serve(self, started: Future[None]) -> None:
        self.jobs = asyncio.Queue()
        app = make_app(self.home, clock=FrozenClock(NOW), clipboard=FakeClipboard())
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(pilot)
                started.set_result(None)
                while True:
                    job, done = await self.jobs.get()
                    if job is None:
                        break
                    try:
                        await job(pilot)
                    except BaseException as error:  # handed to the test's thread
                        done.set_exception(error)
                    else:
                        done.set_result(None)
        except BaseException as error:
            if not started.done():
                started.set_exception(error)
            raise
        finally:
            app.store.close()

    def run(self, job: Any) -> None:
        done: Future[None] = Future()
        assert self.jobs is not None
        self.loop.call_soon_threadsafe(self.jobs.put_nowait, (job, done))
        done.result(timeout=120)

    def stop(self) -> None:
        if self.jobs is not None:
            self.loop.call_soon_threadsafe(self.jobs.put_nowait, (None, Future()))
        self.serving.result(timeout=60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


@pytest.fixture
def running_app(isolated_home: Path) -> Iterator[AppInAThread]:
    runner = AppInAThread(isolated_home)
    try:
        yield runner
    finally:
        runner.stop()


async def random_close(pilot: Pilot[Any], bursts: list[tuple[list[str], float]]) -> None:
    app = pilot.app
    assert isinstance(app, CallmateApp)
    call = await app.store.run(
        lambda repo: repo.start_call(
            Call(contact=Contact(name="Dana Whitfield"), goal="Book a demo", started_at=NOW)
        )
    )
    screen = ClosingScreen(call)
    await app.push_screen(screen)
    await settle(pilot)
    try:
        keyboard = Keyboard(pilot)
        for keys, gap in bursts:
            before = answers(screen)
            focused = app.focused
            await keyboard.keys(keys, [PAUSE] + [gap] * (len(keys) - 1), settled=False)
            if app.screen is not screen:
                return  # Enter in the date field saved the close, or asked about it
            after = answers(screen)
            # Whatever the model holds now, every row shows it on screen.
            assert_screen_shows(pilot, screen)
            # Words (two or more printable keys, fast) typed on a choice row
            # change no answer at all.
            printable = all(len(k) == 1 for k in keys)
            words = printable and len(keys) > 1 and gap < WORD_GAP
            if isinstance(focused, ChoiceBar) and words:
                assert after == before, f"typing {keys!r} changed the answers"
    finally:
        while len(app.screen_stack) > 1:
            await app.pop_screen()
        await settle(pilot)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(bursts=st.lists(BURST, min_size=1, max_size=6))
def test_random_keys_never_change_an_answer_unseen(
    running_app: AppInAThread, bursts: list[tuple[list[str], float]]
) -> None:
    running_app.run(lambda pilot: random_close(pilot, bursts))
