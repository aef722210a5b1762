"""The same call closed in two callmate windows: the first close stands, the second is told.

Nothing is written over: the second window shows what the first one saved,
keeps what was typed in it on screen, and can add it to the call as a note.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from callmate.app import make_app
from callmate.clock import FrozenClock
from callmate.domain.closing import (
    AlreadyClosedError,
    ClosingDraft,
    CommitmentDraft,
    close_as_note,
    describe_close,
)
from callmate.domain.models import (
    Call,
    CallStatus,
    Contact,
    NextStep,
    Note,
    NoteKind,
    Outcome,
    Owner,
    Reason,
)
from callmate.locations import database_path
from callmate.screens.closing import ClosingScreen
from callmate.screens.recap import RecapScreen
from callmate.store.repository import Repository
from tests.conftest import NOW
from tests.helpers import FakeClipboard, screen_text, settle, type_text

TODAY = NOW.date()


def seed_live_call(home: Path) -> int:
    repo = Repository.open(database_path(home))
    try:
        call = repo.start_call(
            Call(contact=Contact(name="Dana Whitfield"), goal="Book a demo", started_at=NOW)
        )
        assert call.id is not None
        repo.save_note(call.id, Note(text="first note", created_at=NOW))
        return call.id
    finally:
        repo.close()


def stored(home: Path) -> Call:
    repo = Repository.open(database_path(home))
    try:
        (call,) = repo.all_calls()
        return call
    finally:
        repo.close()


async def open_close(pilot: Pilot[Any]) -> ClosingScreen:
    await settle(pilot)
    await pilot.press("c")  # the open call is offered: straight to its close
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ClosingScreen)
    return screen


FIRST = "y\ng\nDemo for the ops team\n\nfri"
SECOND = "n\nw\n\nn\nSend the case study\nt\ntomorrow"


@pytest.mark.parametrize("keep_mine", [True, False], ids=["add-as-note", "recap-without"])
async def test_the_second_close_is_refused_and_shows_the_first(
    clock: FrozenClock, isolated_home: Path, keep_mine: bool
) -> None:
    seed_live_call(isolated_home)
    first = make_app(isolated_home, clock=clock, clipboard=FakeClipboard())
    second = make_app(isolated_home, clock=clock, clipboard=FakeClipboard())
    try:
        async with first.run_test(size=(100, 30)) as one, second.run_test(size=(100, 30)) as two:
            await open_close(one)
            mine = await open_close(two)
            await type_text(one, FIRST)
            await type_text(two, SECOND)
            await one.press("ctrl+s")
            await settle(one)
            assert isinstance(first.screen, RecapScreen)

            await two.press("ctrl+s")
            await settle(two)
            assert second.screen is mine, "the second window stays on its close"
            text = screen_text(two)
            assert "Already closed in another callmate window: yours was not saved" in text
            assert "Saved there: Yes · next step “Demo for the ops team” (us) by Fri 27 Nov" in text
            assert (
                "Yours, still above: No · next step “Send the case study” (them) by Mon 23 Nov"
                in text
            )
            # What was typed here is still there, as typed.
            assert mine.query_one("#next-what").value == "Send the case study"  # type: ignore[attr-defined]
            assert mine.query_one("#next-date").value == "tomorrow"  # type: ignore[attr-defined]
            assert "Add mine as a note" in text and "Recap, without mine" in text
            assert "Save call" not in text
            # Nothing of the second close reached the store.
            saved = stored(isolated_home)
            assert (saved.outcome, saved.next_step) == (
                Outcome.YES,
                NextStep(what="Demo for the ops team", owner=Owner.US, due=date(2026, 11, 27)),
            )

            await two.press("ctrl+s" if keep_mine else "escape")
            await settle(two)
            assert isinstance(second.screen, RecapScreen)
            assert second.screen.call_id == saved.id
    finally:
        first.store.close()
        second.store.close()

    call = stored(isolated_home)
    assert call.status is CallStatus.DONE
    assert (call.outcome, call.reason) == (Outcome.YES, None)
    assert call.next_step == NextStep(
        what="Demo for the ops team", owner=Owner.US, due=date(2026, 11, 27)
    )
    notes = [(note.kind, note.text) for note in call.notes]
    if keep_mine:
        assert notes == [
            (NoteKind.NOTE, "first note"),
            (
                NoteKind.NOTE,  # not a `?` note: it must not become a question next time
                "Also typed at the close (in another window): No · next step “Send the case "
                "study” (them) by Mon 23 Nov 2026 · tomorrow · why: Wrong time · neither goal met",
            ),
        ]
    else:
        assert notes == [(NoteKind.NOTE, "first note")]


def test_the_store_closes_a_call_once(isolated_home: Path) -> None:
    call_id = seed_live_call(isolated_home)
    one = Repository.open(database_path(isolated_home))
    two = Repository.open(database_path(isolated_home))
    try:
        one.finish_call(
            call_id,
            outcome=Outcome.YES,
            next_step=NextStep(what="Demo", due=TODAY + timedelta(days=2)),
            ended_at=NOW,
        )
        with pytest.raises(AlreadyClosedError) as refused:
            two.finish_call(
                call_id,
                outcome=Outcome.NO,
                reason=Reason.WRONG_TIME,
                next_step=NextStep(what="Call in spring", due=TODAY + timedelta(days=20)),
                ended_at=NOW,
            )
        assert refused.value.call.outcome is Outcome.YES
        assert refused.value.call.next_step is not None
        assert refused.value.call.next_step.what == "Demo"
    finally:
        one.close()
        two.close()
    call = stored(isolated_home)
    assert (call.outcome, call.reason, call.next_step.what) == (Outcome.YES, None, "Demo")  # type: ignore[union-attr]


def test_two_closes_at_the_same_moment_one_wins(isolated_home: Path) -> None:
    call_id = seed_live_call(isolated_home)
    repos = [Repository.open(database_path(isolated_home)) for _ in range(2)]
    start = threading.Barrier(2)
    results: dict[str, str] = {}

    def close(repo: Repository, what: str) -> None:
        start.wait()
        try:
            repo.finish_call(
                call_id,
                outcome=Outcome.MAYBE,
                reason=Reason.TIMING,
                next_step=NextStep(what=what, due=TODAY + timedelta(days=3)),
                ended_at=NOW,
            )
            results[what] = "saved"
        except AlreadyClosedError as error:
            assert error.call.next_step is not None
            results[what] = f"refused, saw {error.call.next_step.what}"

    threads = [
        threading.Thread(target=close, args=(repo, what))
        for repo, what in zip(repos, ["Plan A", "Plan B"], strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for repo in repos:
        repo.close()
    winner = stored(isolated_home).next_step.what  # type: ignore[union-attr]
    loser = "Plan B" if winner == "Plan A" else "Plan A"
    assert results == {winner: "saved", loser: f"refused, saw {winner}"}


def test_a_close_in_one_line_complete_or_only_typed() -> None:
    step = NextStep(what="Demo", owner=Owner.BOTH, due=date(2026, 11, 27))
    assert describe_close(Outcome.YES, step, TODAY) == (
        "Yes · next step “Demo” (both) by Fri 27 Nov 2026 · in 5 days"
    )
    assert describe_close(Outcome.YES, step, TODAY, relative=False).endswith("by Fri 27 Nov 2026")
    # A draft: the words as typed, even an unreadable date; nothing typed is said so.
    assert describe_close(
        None, None, TODAY, what=" Call back ", owner=Owner.US, due_text="soonish"
    ) == ("no outcome picked · next step “Call back” (us) by soonish")
    assert describe_close(Outcome.MAYBE, None, TODAY) == "Maybe · no next step typed"
    draft = ClosingDraft(
        outcome=Outcome.YES, reason=Reason.TIMING, reason_text="x", next_what="Demo"
    )
    assert close_as_note(draft, TODAY) == (
        "Also typed at the close (in another window): Yes · next step “Demo” (us)"
    ), "a reason only counts for a No or a Maybe"


def test_the_kept_note_holds_commitment_owners_and_dates_too() -> None:
    draft = ClosingDraft(
        outcome=Outcome.NO,
        reason_text="no budget",
        next_what="Call in spring",
        due_text="+20d",
        commitments=(
            CommitmentDraft(7, owner="Sam", due_text="fri"),
            CommitmentDraft(8),  # nothing typed for it: not repeated
            CommitmentDraft(9, due_text="tomorrow"),
        ),
    )
    note = close_as_note(draft, TODAY, {7: "send pricing", 8: "intro", 9: "share the deck"})
    assert note.endswith(
        "in their words: no budget · “send pricing”: Sam, by fri · “share the deck”: no owner, "
        "by tomorrow"
    )
    assert "intro" not in note
