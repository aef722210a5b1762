"""Calls that don't connect: Ctrl+R, one key for what happened, Enter (issue 13)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from callmate.app import CallmateApp
from callmate.domain.attempts import (
    AttemptField,
    Missing,
    attempts_since_conversation,
    check_attempt,
    tries,
)
from callmate.domain.closing import DateProblem
from callmate.domain.models import (
    ATTEMPT_KINDS,
    Call,
    CallStatus,
    Connection,
    Contact,
    NextStep,
    Outcome,
    Owner,
)
from callmate.locations import database_path
from callmate.screens.dialogs.attempt import AttemptScreen
from callmate.screens.dialogs.confirm import ConfirmScreen
from callmate.screens.home import HomeScreen
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.precall import PreCallScreen
from callmate.store.repository import Repository
from tests.conftest import NOW
from tests.helpers import screen_text, settle, type_text
from tests.test_live_call import start_call, stored

TODAY = NOW.date()
TOMORROW = TODAY + timedelta(days=1)


def seed(home: Path, *connections: Connection, days_ago: int = 10) -> list[int]:
    """Finished calls with Dana, one a day from ``days_ago`` days back, each
    following the one before (so only the last one's step is open)."""
    repo = Repository.open(database_path(home))
    ids: list[int] = []
    try:
        for number, connection in enumerate(connections):
            at = NOW - timedelta(days=days_ago - number)
            call = repo.start_call(
                Call(
                    contact=Contact(name="Dana", company="Northwind"),
                    goal="Book a demo",
                    started_at=at,
                    follows_call_id=ids[-1] if ids else None,
                )
            )
            assert call.id is not None
            step = NextStep(what="Demo", owner=Owner.US, due=TODAY + timedelta(days=5))
            if connection.is_attempt:
                repo.log_attempt(
                    call.id, connection, step.model_copy(update={"what": "Try again"}), at
                )
            else:
                repo.finish_call(call.id, outcome=Outcome.MAYBE, next_step=step, ended_at=at)
            ids.append(call.id)
    finally:
        repo.close()
    return ids


def toasts(app: CallmateApp) -> list[str]:
    return [notification.message for notification in app._notifications]


async def on_home(pilot: Pilot[Any]) -> HomeScreen:
    await settle(pilot)
    await pilot.pause(0.1)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HomeScreen), screen
    return screen


# -- from the live call -------------------------------------------------------
@pytest.mark.parametrize("kind", ATTEMPT_KINDS)
async def test_every_kind_from_the_live_call_in_three_keys(
    app: CallmateApp, isolated_home: Path, kind: Connection
) -> None:
    """Ctrl+R, the kind's key, Enter: saved with "Try again" tomorrow, and home says so."""
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start_call(pilot)
        await type_text(pilot, "left a message about the pilot")  # typed, not yet Enter
        pressed = ["ctrl+r", kind.key, "enter"]
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)
        assert len(pressed) <= 5
        await on_home(pilot)
        text = screen_text(pilot)
        assert f"Logged {kind.label} with Dana: try again {TOMORROW:%a %d %b}." in toasts(app)
        assert "Try again" in text and f"({kind.label}, 1st try)" in text
    (call,) = stored(isolated_home)
    assert call.connection is kind and call.status is CallStatus.DONE
    assert call.outcome is None and call.reason is None and call.recap_body is None
    assert call.next_step == NextStep(what="Try again", owner=Owner.US, due=TOMORROW)
    assert call.ended_at == NOW
    # What was typed is never lost (for a voicemail: what was said in the message).
    assert [n.text for n in call.notes] == ["left a message about the pilot"]


async def test_voicemail_keeps_the_notes_of_the_message(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot)
        await type_text(pilot, "said: pilot starts in March\n>send the one-pager\n")
        await settle(pilot)
        await pilot.press("ctrl+r", "v", "enter")
        await on_home(pilot)
    (call,) = stored(isolated_home)
    assert call.connection is Connection.VOICEMAIL
    assert [(n.kind.value, n.text) for n in call.notes] == [
        ("note", "said: pilot starts in March"),
        ("ours", "send the one-pager"),
    ]


async def test_a_date_typed_replaces_the_suggestion(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot)
        await pilot.press("ctrl+r", "g")
        await type_text(pilot, "fri")  # tomorrow is selected: typing replaces it
        await settle(pilot)
        assert "→ Fri 27 Nov 2026" in screen_text(pilot)
        await pilot.press("enter")
        await on_home(pilot)
    (call,) = stored(isolated_home)
    assert call.next_step is not None and call.next_step.due == date(2026, 11, 27)


async def test_a_past_date_is_refused(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot)
        await pilot.press("ctrl+r", "n")
        await type_text(pilot, "yesterday")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AttemptScreen), "not saved"
        assert "is in the past" in screen_text(pilot)
        await pilot.press("escape")  # back to the call, nothing changed
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
    (call,) = stored(isolated_home)
    assert call.status is CallStatus.LIVE and call.connection is Connection.CONNECTED


async def test_enter_without_a_kind_asks_for_one(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot)
        await pilot.press("ctrl+r", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AttemptScreen)
        assert "Say what happened" in screen_text(pilot)
        assert isinstance(app.focused, type(app.screen.kind_bar))
    (call,) = stored(isolated_home)
    assert call.status is CallStatus.LIVE


async def test_past_the_cadence_asks_first(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot)
        await pilot.press("ctrl+r", "n")
        await type_text(pilot, "in 45 days")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await on_home(pilot)
    (call,) = stored(isolated_home)
    assert call.next_step is not None and call.next_step.due == TODAY + timedelta(days=45)


async def test_ctrl_r_is_in_the_key_line(app: CallmateApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await start_call(pilot)
        assert "^r Didn't connect" in screen_text(pilot)


# -- from the plan -------------------------------------------------------------
@pytest.mark.parametrize("kind", ATTEMPT_KINDS)
async def test_every_kind_from_the_plan(
    app: CallmateApp, isolated_home: Path, kind: Connection
) -> None:
    """The plan becomes a call and, at once, an attempt: research and questions kept."""
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Dana\nNorthwind\n\n\nBook a demo\n\n\t\tbudget\n")
        await settle(pilot)
        assert isinstance(app.screen, PreCallScreen)
        await pilot.press("ctrl+r", kind.key, "enter")
        await on_home(pilot)
        text = screen_text(pilot)
        assert f"Logged {kind.label} with Dana: try again {TOMORROW:%a %d %b}." in toasts(app)
        assert f"({kind.label}, 1st try)" in text
    (call,) = stored(isolated_home)
    assert call.connection is kind and call.status is CallStatus.DONE
    assert call.goal == "Book a demo" and "budget" in [q.text for q in call.questions]
    assert call.next_step == NextStep(what="Try again", owner=Owner.US, due=TOMORROW)


async def test_from_the_plan_a_goal_is_still_needed(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Dana")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, PreCallScreen)
        assert "goal" in screen_text(pilot).lower()
    assert stored(isolated_home) == []


async def test_from_the_plan_esc_changes_nothing(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Dana\nNorthwind\n\n\nBook a demo")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "x discards" not in screen_text(pilot), "nothing started: nothing to discard"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PreCallScreen)
        await pilot.press("ctrl+s")  # the plan is all there and still starts
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)


# -- showing attempts ------------------------------------------------------------
async def test_home_counts_tries_in_a_row_and_the_follow_up_keeps_the_goal(
    app: CallmateApp, isolated_home: Path
) -> None:
    seed(isolated_home, Connection.NO_ANSWER, Connection.CONNECTED, Connection.NO_ANSWER)
    seed(isolated_home, Connection.VOICEMAIL, Connection.GATEKEEPER, days_ago=5)
    async with app.run_test(size=(110, 40)) as pilot:
        await on_home(pilot)
        text = screen_text(pilot)
        assert "(gatekeeper, 3rd try)" in text  # no answer, voicemail, gatekeeper
        assert "voicemail, 2nd try" in text  # a recent call's row
        assert "(no answer, 1st try)" in text
        # f on an attempt's "Try again" plans a call with the goal it had.
        app.screen.agenda_list.highlighted = next(
            i
            for i, o in enumerate(app.screen.agenda_list._options)
            if o.id and o.id.startswith("step:")
        )
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, PreCallScreen)
        assert app.screen.query_one("#goal").value == "Book a demo"


async def test_going_cold_counts_conversations_only(isolated_home: Path) -> None:
    seed(isolated_home, Connection.CONNECTED, days_ago=60)
    seed(isolated_home, Connection.NO_ANSWER, Connection.VOICEMAIL, days_ago=2)
    repo = Repository.open(database_path(isolated_home))
    try:
        cold, total = repo.going_cold(NOW - timedelta(days=30))
        assert total == 1 and cold[0].last_call_at == NOW - timedelta(days=60)
    finally:
        repo.close()


async def test_timeline_says_attempts_since_the_last_conversation(
    app: CallmateApp, isolated_home: Path
) -> None:
    seed(
        isolated_home,
        Connection.CONNECTED,
        Connection.NO_ANSWER,
        Connection.VOICEMAIL,
        Connection.GATEKEEPER,
        Connection.NO_ANSWER,
    )
    async with app.run_test(size=(140, 40)) as pilot:
        await on_home(pilot)
        await pilot.press("t")
        await settle(pilot)
        text = screen_text(pilot)
        assert "4 attempts since the last conversation" in text
        assert "DIDN'T CONNECT: gatekeeper, 3rd try" in text
        assert "DIDN'T CONNECT: no answer, 4th try" in text


def test_cli_due_shows_attempts(isolated_home: Path) -> None:
    import json
    import subprocess
    import sys

    seed(isolated_home, Connection.NO_ANSWER, Connection.WRONG_NUMBER)
    command = [sys.executable, "-m", "callmate", "--data-dir", str(isolated_home), "due"]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "Try again (wrong number, 2nd try)" in result.stdout
    result = subprocess.run([*command, "--json"], capture_output=True, text=True, check=True)
    rows = json.loads(result.stdout)
    assert [(r["what"], r["connection"], r["try"]) for r in rows] == [
        ("Try again", "wrong_number", 2)
    ], "the first try's step was kept by the second"


# -- the pure parts ----------------------------------------------------------------
def test_check_attempt() -> None:
    ready = check_attempt(Connection.NO_ANSWER, "tomorrow", TODAY)
    assert ready.ready and ready.next_step == NextStep(what="Try again", due=TOMORROW)
    assert not check_attempt(None, "tomorrow", TODAY).ready
    past = check_attempt(Connection.VOICEMAIL, "yesterday", TODAY)
    assert not past.ready and "in the past" in past.missing[0].text
    assert check_attempt(Connection.GATEKEEPER, "in 60 days", TODAY).cadence_warning
    assert not check_attempt(Connection.CONNECTED, "tomorrow", TODAY).ready


# What each date problem is, whatever its words: the dialog shows, colours and
# focuses by these, so rewording a message can't change what the dialog does.
DATE_PROBLEMS = [
    ("", DateProblem.EMPTY),
    ("fe", DateProblem.UNREADABLE),  # "Can't read …"
    ("feb 30", DateProblem.UNREADABLE),  # "There's no Feb 30."
    ("13:75", DateProblem.UNREADABLE),  # "… isn't a time of day"
    ("2020-01-01", DateProblem.UNREADABLE),  # "… is more than a year ago. Check the year."
    ("yesterday", DateProblem.PAST),
]


@pytest.mark.parametrize(("typed", "problem"), DATE_PROBLEMS)
def test_what_is_missing_names_its_field_and_kind(typed: str, problem: DateProblem) -> None:
    (missing,) = check_attempt(Connection.NO_ANSWER, typed, TODAY).missing
    assert (missing.field, missing.date_problem) == (AttemptField.DATE, problem)
    assert missing.text and str(missing) == missing.text
    first, *_ = check_attempt(None, typed, TODAY).missing
    assert first == Missing(AttemptField.KIND, first.text), "the kind comes first"


@pytest.mark.parametrize(("typed", "problem"), DATE_PROBLEMS[1:])
async def test_while_typing_every_problem_with_the_date_shows_whatever_its_words(
    app: CallmateApp, isolated_home: Path, typed: str, problem: DateProblem
) -> None:
    """The preview under the date shows the check's own line for any date that
    can't be read or is past (it used to pick lines by the words "past" and
    "read", and hid "There's no Feb 30."); only a past date is an error at once."""
    (expected,) = check_attempt(Connection.NO_ANSWER, typed, TODAY).missing
    async with app.run_test(size=(100, 30)) as pilot:
        await start_call(pilot)
        await pilot.press("ctrl+r", "n")
        await type_text(pilot, typed)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AttemptScreen)
        preview = screen.query_one("#attempt-preview", Static)
        assert expected.text in str(preview.content).splitlines()
        assert preview.has_class("error") is (problem is DateProblem.PAST)
        await pilot.press("enter")  # refused: focus stays on the date, the field at fault
        await settle(pilot)
        assert isinstance(app.screen, AttemptScreen) and app.focused is screen.date_field
        assert f"• {expected.text}" in str(preview.content).splitlines()
        assert preview.has_class("error")
    (call,) = stored(isolated_home)
    assert call.status is CallStatus.LIVE


def test_tries_count_the_streak() -> None:
    def call(number: int, connection: Connection) -> Call:
        return Call(
            id=number,
            contact=Contact(name="Dana"),
            goal="g",
            started_at=NOW + timedelta(days=number),
            connection=connection,
        )

    calls = [
        call(1, Connection.NO_ANSWER),
        call(2, Connection.CONNECTED),
        call(3, Connection.VOICEMAIL),
        call(4, Connection.NO_ANSWER),
    ]
    assert tries(calls) == {1: 1, 3: 1, 4: 2}
    assert attempts_since_conversation(calls) == 2
    assert attempts_since_conversation(calls[:2]) == 0


def test_a_long_streak_is_counted_up_to_a_cap(isolated_home: Path) -> None:
    """Home reads a bounded stretch of history per row, however long the streak."""
    from callmate.domain.agenda import TRIES_COUNTED, describe_try

    seed(isolated_home, Connection.CONNECTED, *[Connection.NO_ANSWER] * 25, days_ago=30)
    repo = Repository.open(database_path(isolated_home))
    try:
        (last, *_rest) = repo.recent_calls(3)
        assert last.tries == TRIES_COUNTED + 1
        assert describe_try(last.connection, last.tries) == "no answer, 20+ tries in a row"
        assert [c.tries for c in repo.recent_calls(30)][-6:] == [5, 4, 3, 2, 1, 0]
    finally:
        repo.close()


def test_the_prep_brief_hands_on_the_last_conversation_not_an_attempt(
    isolated_home: Path,
) -> None:
    from callmate.widgets.prep_brief import brief_text

    ids = seed(
        isolated_home,
        Connection.CONNECTED,
        Connection.CONNECTED,
        Connection.NO_ANSWER,
        Connection.VOICEMAIL,
    )
    repo = Repository.open(database_path(isolated_home))
    try:
        contact_id = repo.get_call(ids[0]).contact.id
        assert contact_id is not None
        brief = repo.prep_brief(contact_id)
    finally:
        repo.close()
    assert brief is not None
    assert brief.last_call_id == ids[1], "the last call that reached Dana"
    assert (brief.calls_before, brief.attempts_since) == (2, 2)
    assert brief.next_step is not None and brief.next_step.what == "Demo"
    head = brief_text(brief, TODAY).plain.splitlines()[0]
    assert head.startswith("2 earlier calls · last ")
    assert head.endswith(" · MAYBE · 2 attempts since")


def test_the_prep_brief_before_any_conversation_counts_the_attempts(
    isolated_home: Path,
) -> None:
    from callmate.widgets.prep_brief import brief_text

    ids = seed(isolated_home, Connection.NO_ANSWER, Connection.GATEKEEPER)
    repo = Repository.open(database_path(isolated_home))
    try:
        contact_id = repo.get_call(ids[0]).contact.id
        assert contact_id is not None
        brief = repo.prep_brief(contact_id)
    finally:
        repo.close()
    assert brief is not None
    assert brief.last_call_id == ids[1]
    assert (brief.calls_before, brief.attempts_since) == (0, 2)
    assert brief_text(brief, TODAY).plain.startswith("No conversation yet · 2 attempts · last ")


async def test_the_timeline_offers_no_recap_for_an_attempt(
    app: CallmateApp, isolated_home: Path
) -> None:
    from textual.widgets import OptionList

    from callmate.screens.recap import RecapScreen
    from callmate.screens.timeline import TimelineScreen

    seed(isolated_home, Connection.CONNECTED, Connection.VOICEMAIL)
    async with app.run_test(size=(120, 40)) as pilot:
        await on_home(pilot)
        await pilot.press("t")
        await settle(pilot)
        timeline = app.screen
        assert isinstance(timeline, TimelineScreen)
        options = timeline.query_one("#timeline", OptionList)

        def highlight(attempt: bool) -> None:
            options.highlighted = next(
                index
                for index, (_, call, note) in enumerate(timeline.entries)
                if note is None and call.connection.is_attempt is attempt
            )

        highlight(attempt=True)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is timeline
        assert "Voicemail: no conversation, so no recap to send." in toasts(app)

        highlight(attempt=False)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)
