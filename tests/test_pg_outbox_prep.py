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
from textual.widgets import Input

from callmate.app import CallmateApp, make_app
from callmate.clock import FrozenClock
from callmate.domain.models import Call, Contact, NextStep, Note, NoteKind, Outcome, Owner
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.precall import PreCallScreen
from callmate.screens.timeline import TimelineScreen
from callmate.store.database_url import parse
from callmate.store.outbox import is_local
from callmate.store.repository import Repository
from callmate.store.service import PostgresCallStore
from tests.conftest import NOW
from tests.helpers import FakeClipboard, screen_text, settle, type_text
from tests.pg_server import PostgresServer
from tests.test_pg_outbox import outage_server, outage_url, server, until  # noqa: F401
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


async def plan_and_start(pilot: Pilot[object], *, announced: bool = True) -> LiveCallScreen:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PreCallScreen)
    await type_text(pilot, "Dana Whitfield")
    await settle(pilot)
    shown = screen_text(pilot)
    if announced:
        assert "Priya Shah spoke to Dana Whitfield on Friday" in shown
    assert "Agreed next step: demo" in shown  # the plan's prep brief: Priya's call
    pilot.app.screen.query_one("#goal").focus()
    await type_text(pilot, "Book the demo")
    return await start(pilot)


async def start(pilot: Pilot[object]) -> LiveCallScreen:
    await pilot.press("ctrl+s")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, LiveCallScreen), screen_text(pilot)
    assert is_local(screen.call.id)  # the live call is in the outbox
    return screen


def check_prep(pilot: Pilot[object], screen: LiveCallScreen) -> None:
    """The prep on the live screen (^b) holds Priya's call: her words, her open
    promise, and (read, the panel has no line for it) her next step."""
    shown = screen_text(pilot)
    assert "none yet" not in shown, shown
    assert "In their words  last 1 call" in shown and "we lose a day every week" in shown
    assert "WE OWE" in shown and "a send the pricing sheet" in shown, shown
    brief = screen.brief
    assert brief is not None and brief.next_step is not None
    assert (brief.last_goal, brief.next_step.what) == ("Book a demo", "demo")
    assert not is_local(brief.last_call_id)  # read from the team database


async def test_the_live_prep_shows_another_reps_earlier_call(sam_app: CallmateApp) -> None:
    """Planned by name (n): the outbox's contact has a uuid of its own."""
    async with sam_app.run_test(size=SIZE) as pilot:
        screen = await plan_and_start(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        check_prep(pilot, screen)


async def test_the_live_prep_of_a_follow_up_from_the_timeline(
    sam_app: CallmateApp,
    team: Team,  # noqa: F811
) -> None:
    """f on the timeline follows Priya's step up: the same prep on the live call."""
    from tests.test_team_views import contact_id

    async with sam_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sam_app.push_screen(TimelineScreen(contact_id(team, "Dana Whitfield")))
        await settle(pilot)
        assert "Priya Shah · 2 days ago" in screen_text(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(sam_app.screen, PreCallScreen)
        assert sam_app.screen.query_one("#goal", Input).value == "demo"
        screen = await start(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        check_prep(pilot, screen)


async def test_the_prep_stays_when_the_server_goes_away_mid_call(
    isolated_home: Path,
    clock: FrozenClock,
    clipboard: FakeClipboard,
    server: PostgresServer,  # noqa: F811
    outage_url: str,  # noqa: F811
) -> None:
    """Loaded once, the prep is the screen's: an outage mid-call changes nothing in
    it, notes wait in the outbox, nothing crashes."""
    priyas_call(outage_url)
    app = make_app(isolated_home, clock=clock, clipboard=clipboard, team=parse(outage_url))
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await plan_and_start(pilot, announced=False)
            await pilot.press("ctrl+b")
            await settle(pilot)
            check_prep(pilot, screen)
            server.halt()
            await pilot.press("ctrl+b")  # back to the notes
            await type_text(pilot, "said while the VPN was down\n")
            await until(
                pilot, lambda: "offline · 1 note waiting" in screen_text(pilot), "the note waits"
            )
            await pilot.press("ctrl+b")
            await settle(pilot)
            check_prep(pilot, screen)
            assert app.screen is screen
            server.resume()
            await until(pilot, lambda: "offline" not in screen_text(pilot), "pushed")
            assert app.screen is screen, "the call went on"
    finally:
        app.store.close()


async def test_a_call_started_while_the_server_is_down_goes_on(
    isolated_home: Path,
    clock: FrozenClock,
    clipboard: FakeClipboard,
    server: PostgresServer,  # noqa: F811
    outage_url: str,  # noqa: F811
) -> None:
    """The server goes away between the plan and the start: the call starts, its
    prep can't be read and says so (a notification, and the panel in place of
    "loading…"), notes wait, nothing crashes; when the server is back the prep
    is read and filled in."""
    priyas_call(outage_url)
    app = make_app(isolated_home, clock=clock, clipboard=clipboard, team=parse(outage_url))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await type_text(pilot, "Dana Whitfield")
            await settle(pilot)
            assert "Agreed next step: demo" in screen_text(pilot)
            app.screen.query_one("#goal").focus()
            await type_text(pilot, "Book the demo")
            server.halt()
            screen = await start(pilot)
            await type_text(pilot, "typed offline\n")
            await until(pilot, lambda: "offline · 1 note waiting" in screen_text(pilot), "waits")
            await pilot.press("ctrl+b")
            await settle(pilot)
            shown = screen_text(pilot)
            assert "none yet" not in shown, "never a wrong 'no earlier calls'"
            assert "loading…" not in shown and "Earlier calls  not read: the team" in shown
            assert app.screen is screen and screen.brief is None
            said = [notification.message for notification in app._notifications]
            assert any(
                "The earlier calls could not be read" in line
                and "nothing is listening there" in line
                for line in said
            ), said
            server.resume()
            await until(pilot, lambda: "offline" not in screen_text(pilot), "pushed")
            await until(pilot, lambda: screen.brief is not None, "the prep read once back")
            await settle(pilot)
            check_prep(pilot, screen)
            assert app.screen is screen, "the call went on"
    finally:
        app.store.close()


async def test_a_prep_not_read_while_nothing_waits_is_read_again_on_its_own(
    isolated_home: Path,
    clock: FrozenClock,
    clipboard: FakeClipboard,
    server: PostgresServer,  # noqa: F811
    outage_url: str,  # noqa: F811
) -> None:
    """The prep's read lands in a moment the server is away while nothing waits in
    the outbox (its header line "" all along, so never a change back to ""): it is
    read again on a timer once the server is back (it used to stay "not read")."""
    priyas_call(outage_url)
    app = make_app(isolated_home, clock=clock, clipboard=clipboard, team=parse(outage_url))
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await plan_and_start(pilot, announced=False)
            await until(pilot, lambda: screen.brief is not None, "the prep read")
            assert isinstance(app.store, PostgresCallStore)
            store = app.store
            await until(pilot, lambda: store.pusher.state.problem == "", "nothing waits")
            server.halt()
            screen.load_prep()  # as the mount's read, in that moment
            await until(pilot, lambda: bool(screen.brief_unread), "the prep not read")
            assert store.pusher.state.line == "", "nothing waits: no line to change back"
            server.resume()
            await until(pilot, lambda: not screen.brief_unread, "the prep read again")
            await pilot.press("ctrl+b")
            await settle(pilot)
            check_prep(pilot, screen)
            assert app.screen is screen, "the call went on"
    finally:
        app.store.close()
