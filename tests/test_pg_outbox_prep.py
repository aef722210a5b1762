"""The live call's prep on the team database (issue 20): the call lives in the
outbox (ids above 2**40), its contact's earlier calls in PostgreSQL. The prep
on the live screen shows another rep's earlier call with the contact, its next
step and its open promises, as the plan did; and stays shown when the server
goes away mid-call."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from callmate.app import CallmateApp, make_app
from callmate.clock import FrozenClock
from callmate.domain.models import Call, Contact, NextStep, Note, NoteKind, Outcome, Owner
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.precall import PreCallScreen
from callmate.store.database_url import parse
from callmate.store.outbox import is_local
from callmate.store.repository import Repository
from callmate.store.service import PostgresCallStore
from tests.conftest import NOW
from tests.helpers import FakeClipboard, screen_text, settle, type_text
from tests.test_pg_roles import Team, team  # noqa: F401  (the fixture)

SIZE = (80, 24)


def priyas_call(url: str) -> None:
    """Priya spoke to Dana on Friday: a promise of hers open, her step "demo" due Tuesday."""
    started = NOW - timedelta(days=2)
    repo = Repository.open_url(url)
    try:
        call = repo.start_call(
            Call(
                contact=Contact(name="Dana Whitfield", company="Acme"),
                goal="Book a demo",
                started_at=started,
            )
        )
        assert call.id is not None
        repo.save_note(
            call.id,
            Note(kind=NoteKind.OURS, text="send the pricing sheet", created_at=started),
        )
        repo.save_note(
            call.id,
            Note(kind=NoteKind.QUOTE, text="we lose a day every week", created_at=started),
        )
        repo.finish_call(
            call.id,
            outcome=Outcome.MAYBE,
            next_step=NextStep(what="demo", owner=Owner.US, due=date(2026, 11, 24)),
            ended_at=started + timedelta(minutes=20),
        )
    finally:
        repo.close()


@pytest.fixture
def sam_app(
    isolated_home: Path,
    clock: FrozenClock,
    clipboard: FakeClipboard,
    team: Team,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[CallmateApp]:
    """Sam runs the app on the team database; Priya called Dana before."""
    sam = team.add(capsys, monkeypatch, "--name", "Sam Rivera")
    priya = team.add(capsys, monkeypatch, "--name", "Priya Shah")
    priyas_call(team.url_of(priya))
    application = make_app(
        isolated_home, clock=clock, clipboard=clipboard, team=parse(team.url_of(sam))
    )
    assert isinstance(application.store, PostgresCallStore)
    yield application
    application.store.close()


async def plan_and_start(pilot: Pilot[object]) -> LiveCallScreen:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PreCallScreen)
    await type_text(pilot, "Dana Whitfield")
    await settle(pilot)
    shown = screen_text(pilot)
    assert "Priya Shah spoke to Dana Whitfield on Friday" in shown
    assert "Agreed next step: demo" in shown  # the plan's prep brief: Priya's call
    pilot.app.screen.query_one("#goal").focus()
    await type_text(pilot, "Book the demo")
    await pilot.press("ctrl+s")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, LiveCallScreen), screen_text(pilot)
    assert is_local(screen.call.id)  # the live call is in the outbox
    return screen


def prep_shown(pilot: Pilot[object]) -> str:
    return screen_text(pilot)


async def test_the_live_prep_shows_another_reps_earlier_call(sam_app: CallmateApp) -> None:
    async with sam_app.run_test(size=SIZE) as pilot:
        screen = await plan_and_start(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        shown = screen_text(pilot)
        assert "none yet" not in shown, shown
        assert "demo" in shown, shown
        assert "send the pricing sheet" in shown, shown
        assert screen.brief is not None
