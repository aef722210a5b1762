"""What each screen looks like, at 80x24 (beside a dialer) and larger.

Update after an intended change with ``pytest tests/test_snapshots.py
--snapshot-update`` and review the SVGs in ``tests/__snapshots__``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from callmate.app import CallmateApp
from callmate.clock import FrozenClock
from callmate.domain.models import (
    Call,
    Contact,
    NextStep,
    Note,
    NoteKind,
    Outcome,
    Owner,
    Question,
)
from callmate.locations import database_path
from callmate.screens.dialogs.interrupted import InterruptedScreen
from callmate.screens.live_call import LiveCallScreen
from callmate.store.repository import Repository
from tests.conftest import NOW
from tests.helpers import screen_text, settle, type_text

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[Any]], Awaitable[None]]


async def steady(pilot: Pilot[Any]) -> None:
    """Wait for data, then stop cursors blinking so the picture is stable.

    A screen switched to may start loading only after the first settle (on a
    busy machine the recap was once drawn before its editor took focus), so
    settle until the screen and its focus stop changing.
    """
    await settle(pilot)
    for _ in range(10):
        shown, focused = screen_text(pilot), pilot.app.focused
        await pilot.pause(0.05)
        await settle(pilot)
        if screen_text(pilot) == shown and pilot.app.focused is focused:
            break
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
        # Textual 8.2.8 caches a TextArea's lines under a key that, without
        # blinking, no longer says whether the cursor was drawn: a line drawn
        # in the blink's "off" half (a busy machine passes 0.5 s easily) came
        # back from the cache cursorless. A style update empties that cache.
        area.notify_style_update()
    for screen in pilot.app.screen_stack:  # also under a dialog (the attempt case)
        if isinstance(screen, LiveCallScreen):
            screen.tick()  # show the frozen clock's time, not the last timer tick's
    await pilot.pause()


def seed_dana(home: Path) -> None:
    """One finished call with Dana: a quote, a promise each way, a next step due today."""
    repo = Repository.open(database_path(home))
    try:
        done = repo.start_call(
            Call(
                contact=Contact(name="Dana Whitfield", company="Northwind Freight"),
                goal="Book a demo with the ops team",
                backup_goal="Name of the ops lead",
                questions=[Question(text="budget cycle"), Question(text="who decides")],
                started_at=NOW - timedelta(days=2),
            )
        )
        assert done.id is not None
        for kind, text in [
            (NoteKind.QUOTE, "we lose a whole day every week"),
            (NoteKind.OURS, "send the pricing sheet"),
            (NoteKind.THEIRS, "intro to the ops lead"),
        ]:
            repo.save_note(done.id, Note(kind=kind, text=text, created_at=NOW - timedelta(days=2)))
        repo.finish_call(
            done.id,
            outcome=Outcome.YES,
            next_step=NextStep(what="Demo for the ops team", owner=Owner.US, due=NOW.date()),
            ended_at=NOW - timedelta(days=2, minutes=-25),
        )
    finally:
        repo.close()


def seed_calls(home: Path) -> None:
    seed_dana(home)
    repo = Repository.open(database_path(home))
    try:
        for name, company, days_ago, step, due_in in [
            ("Olga Berg", "Globex", 12, "Send the signed contract", -3),
            ("Leo Novak", "Initech", 4, "Quarterly review", 16),
            ("Cole Ortega", "Hooli", 45, "Check the renewal date", 40),
        ]:
            earlier = repo.start_call(
                Call(
                    contact=Contact(name=name, company=company),
                    goal=f"Renewal talk with {name.split()[0]}",
                    started_at=NOW - timedelta(days=days_ago),
                )
            )
            assert earlier.id is not None
            repo.finish_call(
                earlier.id,
                outcome=Outcome.MAYBE,
                next_step=NextStep(
                    what=step, owner=Owner.THEM, due=NOW.date() + timedelta(days=due_in)
                ),
                ended_at=NOW - timedelta(days=days_ago),
            )
        repo.start_call(
            Call(
                contact=Contact(name="Lee Park", company="Acme"),
                goal="Agree the pilot scope",
                started_at=NOW - timedelta(hours=1),
            )
        )
    finally:
        repo.close()


async def plan_call(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("n")
    await type_text(
        pilot,
        "Dana Whitfield\nNorthwind Freight\nd\n\nBook a demo with the ops team\n"
        "Name of the ops lead\nw\thiring dispatch planners\n\t\tbudget cycle\nwho decides\n",
    )


async def live_call(pilot: Pilot[Any]) -> None:
    await plan_call(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)
    clock = pilot.app.clock  # type: ignore[attr-defined]
    assert isinstance(clock, FrozenClock)
    lines = [
        (30, "they run dispatch from three spreadsheets"),
        (20, '"we lose a whole day every week on reconciling"'),
        (40, "!ops lead is burned out and wants weekends back"),
        (15, "~worried the rollout eats the peak season"),
        (25, ">send the pricing sheet by Friday"),
        (10, "<Dana books the ops lead for the demo"),
        (35, "?ask finance about the budget cycle"),
    ]
    for seconds, line in lines:
        clock.advance(seconds)
        await type_text(pilot, line + "\n")
    await pilot.press("alt+1")


async def closing(pilot: Pilot[Any]) -> None:
    await live_call(pilot)
    await pilot.press("ctrl+o")


async def closing_ready(pilot: Pilot[Any]) -> None:
    await closing(pilot)
    await type_text(pilot, "y\nb\nDemo for the ops team\nb\nfri")


async def closing_refused(pilot: Pilot[Any]) -> None:
    await closing(pilot)
    await type_text(pilot, "m\n")
    await pilot.press("ctrl+s")


async def recap(pilot: Pilot[Any]) -> None:
    await closing_ready(pilot)
    await type_text(pilot, "\n")


async def closing_maybe_far_date(pilot: Pilot[Any]) -> None:
    await closing(pilot)
    await type_text(pilot, "m\nb\nnew budget in April\nb\nSend the April plan\nt\n+45d")


async def timeline(pilot: Pilot[Any]) -> None:
    await home(pilot)
    await pilot.press("t")


async def search(pilot: Pilot[Any]) -> None:
    await home(pilot)
    await pilot.press("slash")
    await type_text(pilot, "demo")


async def reschedule(pilot: Pilot[Any]) -> None:
    await home(pilot)
    await pilot.press("r")
    await type_text(pilot, "next fri")


async def settings_screen(pilot: Pilot[Any]) -> None:
    await home(pilot)
    await pilot.press("s")


async def precall_missing_goal(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("n")
    await type_text(pilot, "Dana Whitfield\n")
    await pilot.press("ctrl+s")


async def home(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    if isinstance(pilot.app.screen, InterruptedScreen):
        await pilot.press("escape")  # decide later: the home list behind it


async def live_editing(pilot: Pilot[Any]) -> None:
    await live_call(pilot)
    await type_text(pilot, "half-typed")
    await pilot.press("up", "up", "enter")


async def live_hold_and_time_check(pilot: Pilot[Any]) -> None:
    await live_call(pilot)
    clock = pilot.app.clock  # type: ignore[attr-defined]
    clock.advance(20 * 60)
    await pilot.press("ctrl+g")
    await type_text(pilot, ">call back after the hold")


async def interrupted(pilot: Pilot[Any]) -> None:
    await settle(pilot)


async def precall_known_contact(pilot: Pilot[Any]) -> None:
    await home(pilot)
    await pilot.press("n")
    await type_text(pilot, "Da")
    # Enter walks company, role and call type (filled in) to the goal.
    await pilot.press("right", "enter", "enter", "enter", "enter")
    await type_text(pilot, "Run the demo and agree a pilot")
    await pilot.press("ctrl+l")


async def precall_nudges(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("n")
    await type_text(pilot, "Lee Park\nAcme\ni\n\njust checking in\n\t\t")
    await type_text(pilot, "Could you tell me how your team usually buys software?\n")


async def bank(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("n", "ctrl+f")
    await type_text(pilot, "bdgt")


async def review(pilot: Pilot[Any]) -> None:
    await home(pilot)
    await pilot.press("v")


async def attempt(pilot: Pilot[Any]) -> None:
    """Ctrl+R on the live call, n: "no answer", the next try tomorrow."""
    await live_call(pilot)
    # The clock drawn before the dialog opens is the one shown behind it: make
    # it the frozen clock's time, not the last one-second timer tick's (CI once
    # drew 02:20, the tick before the last note's 35 s).
    await steady(pilot)
    await pilot.press("ctrl+r", "n")


CASES: dict[str, tuple[RunBefore, bool]] = {
    # name: (what to do first, seed two calls first?)
    "home_empty": (home, False),
    "home_with_calls": (home, True),
    "precall_planned": (plan_call, False),
    "precall_known_contact": (precall_known_contact, True),
    "precall_nudges": (precall_nudges, False),
    "bank": (bank, False),
    "precall_missing_goal": (precall_missing_goal, False),
    "live_call": (live_call, False),
    "live_editing": (live_editing, False),
    "live_hold_and_time_check": (live_hold_and_time_check, False),
    "interrupted": (interrupted, True),
    "closing_missing": (closing, False),
    "closing_refused": (closing_refused, False),
    "closing_ready": (closing_ready, False),
    "closing_maybe_far_date": (closing_maybe_far_date, False),
    "settings": (settings_screen, False),
    "timeline": (timeline, True),
    "search": (search, True),
    "reschedule": (reschedule, True),
    "recap": (recap, False),
    "attempt": (attempt, False),
    "review": (review, True),
}


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
@pytest.mark.parametrize("case", list(CASES))
def test_screen(
    snap_compare: SnapCompare,
    app: CallmateApp,
    isolated_home: Path,
    case: str,
    size: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run_before, seeded = CASES[case]
    if seeded:
        seed_calls(isolated_home)
    # The settings screen names its file; keep the temporary path out of the picture.
    monkeypatch.setattr(
        "callmate.screens.settings.settings_path",
        lambda: Path("~/.config/callmate/settings.toml"),
    )

    async def prepare(pilot: Pilot[Any]) -> None:
        await run_before(pilot)
        await steady(pilot)

    assert snap_compare(app, run_before=prepare, terminal_size=size)


def test_busy_home(snap_compare: SnapCompare, app: CallmateApp, isolated_home: Path) -> None:
    """Issue 12: next steps and commitments (we owe / they owe) in one agenda,
    each group, "no date yet" included, at the smallest size."""
    from callmate.domain.closing import CommitmentUpdate

    seed_calls(isolated_home)
    repo = Repository.open(database_path(isolated_home))
    today = NOW.date()
    try:
        for name, company, step_in, promises in [
            ("Mia Chen", "Umbrella", -1, [(NoteKind.OURS, "Send the security pack", "Sam", -2)]),
            ("Raj Okafor", "Stark", 0, [(NoteKind.THEIRS, "Usage numbers", "Raj", 0)]),
            ("Ines Silva", "Wayne", 9, [(NoteKind.THEIRS, "Sign the NDA", "", None)]),
        ]:
            call = repo.start_call(
                Call(
                    contact=Contact(name=name, company=company),
                    goal="Pilot scope",
                    started_at=NOW - timedelta(days=3),
                )
            )
            assert call.id is not None
            updates = []
            for kind, text, owner, due_in in promises:
                note = repo.save_note(
                    call.id, Note(kind=kind, text=text, created_at=NOW - timedelta(days=3))
                )
                assert note.id is not None
                due = today + timedelta(days=due_in) if due_in is not None else None
                updates.append(CommitmentUpdate(note.id, owner, due))
            repo.finish_call(
                call.id,
                outcome=Outcome.YES,
                next_step=NextStep(
                    what="Pilot kickoff", owner=Owner.US, due=today + timedelta(days=step_in)
                ),
                ended_at=NOW - timedelta(days=3, minutes=-20),
                commitments=updates,
            )
    finally:
        repo.close()

    async def prepare(pilot: Pilot[Any]) -> None:
        await home(pilot)
        await steady(pilot)

    assert snap_compare(app, run_before=prepare, terminal_size=(80, 24))


@pytest.mark.parametrize(
    ("size", "keys"),
    [((120, 40), ()), ((80, 24), ("ctrl+b",))],
    ids=["beside-120x40", "over-notes-80x24"],
)
def test_live_call_with_the_prep_in_view(
    snap_compare: SnapCompare,
    app: CallmateApp,
    isolated_home: Path,
    size: tuple[int, int],
    keys: tuple[str, ...],
) -> None:
    """Issue 13: at 120x40 the prep (research, their words, open promises lettered
    for Alt+letter) sits beside the notes unasked; at 80x24 Ctrl+B lays it over them."""
    seed_dana(isolated_home)

    async def prepare(pilot: Pilot[Any]) -> None:
        await live_call(pilot)
        await pilot.press(*keys)
        await steady(pilot)

    assert snap_compare(app, run_before=prepare, terminal_size=size)


def test_timeline_with_a_moved_date_and_kept_counts(
    snap_compare: SnapCompare, app: CallmateApp, isolated_home: Path
) -> None:
    """Issue 12: a next step moved twice shows its first date, and the line at
    the top counts promises kept on time, kept late and overdue, ours and theirs."""
    from callmate.domain.closing import CommitmentUpdate
    from callmate.screens.timeline import TimelineScreen

    today = NOW.date()
    repo = Repository.open(database_path(isolated_home))
    try:
        contact_id = 0
        for days_ago, step, owner, due_in, promises in [
            (
                20,
                "Security review",
                Owner.US,
                -14,
                [
                    (NoteKind.OURS, "Send the security pack", -16, -13),  # kept late
                    (NoteKind.THEIRS, "Usage numbers", -15, -15),  # kept on the day
                ],
            ),
            (
                6,
                "Pilot kickoff",
                Owner.BOTH,
                2,
                [
                    (NoteKind.OURS, "Draft the pilot plan", -2, None),  # overdue
                    (NoteKind.THEIRS, "Sign the NDA", -1, None),  # overdue
                ],
            ),
        ]:
            started = NOW - timedelta(days=days_ago)
            call = repo.start_call(
                Call(
                    contact=Contact(name="Mia Chen", company="Umbrella"),
                    goal="Pilot scope" if days_ago < 10 else "Security questions",
                    started_at=started,
                )
            )
            assert call.id is not None and call.contact.id is not None
            contact_id = call.contact.id
            kept: list[tuple[int, int]] = []
            updates = []
            for kind, text, note_due, kept_in in promises:
                note = repo.save_note(call.id, Note(kind=kind, text=text, created_at=started))
                assert note.id is not None
                updates.append(CommitmentUpdate(note.id, "", today + timedelta(days=note_due)))
                if kept_in is not None:
                    kept.append((note.id, kept_in))
            repo.finish_call(
                call.id,
                outcome=Outcome.YES,
                next_step=NextStep(what=step, owner=owner, due=today + timedelta(days=due_in)),
                ended_at=started + timedelta(minutes=20),
                commitments=updates,
            )
            for note_id, kept_in in kept:
                repo.set_commitment_done(note_id, NOW + timedelta(days=kept_in))
            if days_ago == 20:
                repo.mark_step_done(call.id, NOW - timedelta(days=15))  # a day early
            else:  # moved twice: 24 Nov, then 1 Dec, now 8 Dec
                repo.reschedule_step(call.id, today + timedelta(days=9))
                repo.reschedule_step(call.id, today + timedelta(days=16))
    finally:
        repo.close()

    async def prepare(pilot: Pilot[Any]) -> None:
        await home(pilot)
        pilot.app.push_screen(TimelineScreen(contact_id))
        await steady(pilot)

    assert snap_compare(app, run_before=prepare, terminal_size=(80, 24))


@pytest.mark.parametrize("case", list(CASES))
async def test_no_footer_key_is_cut_at_80x24(
    app: CallmateApp, isolated_home: Path, case: str
) -> None:
    """Issue 16: every key a footer shows is whole on an 80x24 screen."""
    from textual.widgets import Footer

    run_before, seeded = CASES[case]
    if seeded:
        seed_calls(isolated_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await run_before(pilot)
        await steady(pilot)
        screen = pilot.app.screen
        footers = list(screen.query(Footer))
        if not footers:  # the live call draws its own key line
            assert isinstance(screen, LiveCallScreen)
            rows = str(screen.query_one("#keys-hint").render()).splitlines()
            assert rows and all(len(row) <= 80 for row in rows)
            return
        bottom = screen_text(pilot).splitlines()[footers[0].region.y]
        shown = [
            active.binding.description
            for active in screen.active_bindings.values()
            if active.binding.show and active.enabled
        ]
        assert shown, "a footer with nothing in it"
        for description in shown:
            assert description in bottom, f"{description!r} is cut from {bottom.strip()!r}"
        if not screen.is_modal:  # Textual offers Ctrl+P on full screens only
            assert "palette" in bottom


def test_help_on_the_live_call(snap_compare: SnapCompare, app: CallmateApp) -> None:
    """Issue 16: F1 shows the live call's keys by task, the prefixes, and how to scroll."""

    async def prepare(pilot: Pilot[Any]) -> None:
        await live_call(pilot)
        await pilot.press("f1")
        await steady(pilot)

    assert snap_compare(app, run_before=prepare, terminal_size=(80, 24))


@pytest.mark.parametrize("case", ["home_with_calls", "live_call"])
def test_light_theme(
    snap_compare: SnapCompare, app: CallmateApp, isolated_home: Path, case: str
) -> None:
    """Issue 16: readable in Textual's light theme too (private notes keep their colour)."""
    run_before, seeded = CASES[case]
    if seeded:
        seed_calls(isolated_home)

    async def prepare(pilot: Pilot[Any]) -> None:
        pilot.app.theme = "textual-light"
        await run_before(pilot)
        await steady(pilot)

    assert snap_compare(app, run_before=prepare, terminal_size=(80, 24))


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_review_with_a_history(
    snap_compare: SnapCompare, app: CallmateApp, isolated_home: Path, theme: str
) -> None:
    """Issue 22: the review's pictures and their numbers at 80x24, in both themes."""
    from tests.test_review import seed_history

    seed_history(isolated_home)

    async def prepare(pilot: Pilot[Any]) -> None:
        pilot.app.theme = theme
        await review(pilot)
        await steady(pilot)

    assert snap_compare(app, run_before=prepare, terminal_size=(80, 24))
