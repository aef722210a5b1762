"""A whole call on the team database (PostgreSQL), by keyboard; then what it holds.

The app is made as for every test, and runs on :class:`PostgresCallStore`
(what ``open_store`` gives for a configured team database) over the
session's throwaway PostgreSQL (tests/pg_server.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from callmate.app import CallmateApp, make_app
from callmate.clock import FrozenClock
from callmate.domain.models import CallStatus, GoalResult, NoteKind, Outcome, Owner
from callmate.locations import database_path
from callmate.screens.closing import ClosingScreen
from callmate.screens.home import HomeScreen
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.precall import PreCallScreen
from callmate.screens.recap import RecapScreen
from callmate.store.database_url import parse
from callmate.store.repository import Repository
from callmate.store.service import PostgresCallStore, open_store
from callmate.widgets.recap_editor import RecapEditor
from tests.conftest import NOW, empty_team_database
from tests.helpers import FakeClipboard, screen_text, settle, type_text
from tests.pg_server import PostgresServer


@pytest.fixture
def team_app(
    isolated_home: Path, clock: FrozenClock, clipboard: FakeClipboard, pg_store_url: str
) -> Iterator[CallmateApp]:
    repo = Repository.open_url(pg_store_url)
    try:
        empty_team_database(repo)
    finally:
        repo.close()
    application = make_app(
        isolated_home, clock=clock, clipboard=clipboard, team=parse(pg_store_url)
    )
    assert isinstance(application.store, PostgresCallStore)
    yield application
    application.store.close()


async def test_whole_call_on_the_team_database(
    team_app: CallmateApp, clock: FrozenClock, isolated_home: Path, pg_store_url: str
) -> None:
    app = team_app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "No calls yet" in screen_text(pilot)

        await pilot.press("n")
        assert isinstance(app.screen, PreCallScreen)
        await type_text(
            pilot,
            "Dana Whitfield\nNorthwind Freight\n\n\nBook a demo with the ops team\n"
            "Name of the ops lead\n\t\tbudget cycle\nrollout date\n",
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
        assert "Goal: Book a demo with the ops team" in screen_text(pilot)

        clock.advance(65)
        await type_text(pilot, '"we lose a day every week on reports"\n')
        clock.advance(30)
        await type_text(pilot, ">send the pricing sheet\n<intro to ops lead\n")
        await pilot.press("alt+6")
        await settle(pilot)
        text = screen_text(pilot)
        assert "01:05 @ QUOTE" in text and "01:35 @ WE OWE" in text
        assert "6 [x] budget cycle" in text

        await pilot.press("ctrl+o")
        assert isinstance(app.screen, ClosingScreen)
        await type_text(pilot, "y\ng\nDemo for the ops team\nb\nfri\n")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)
        body = app.screen.query_one(RecapEditor).text
        assert '- "we lose a day every week on reports"' in body
        assert "- I will send the pricing sheet" in body
        assert "Next step: Demo for the ops team (together), by Friday 27 November." in body

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        home = screen_text(pilot)
        assert "Dana Whitfield" in home and "Demo for the ops team" in home

    assert not database_path(isolated_home).exists(), "nothing went to the SQLite file"
    repo = Repository.open_url(pg_store_url)
    try:
        (call,) = repo.all_calls()
    finally:
        repo.close()
    assert call.status is CallStatus.DONE
    assert (call.contact.name, call.contact.company) == ("Dana Whitfield", "Northwind Freight")
    assert [(q.text, q.asked) for q in call.questions][-2:] == [
        ("budget cycle", True),
        ("rollout date", False),
    ]
    assert [(n.kind, n.text, n.offset_seconds) for n in call.notes] == [
        (NoteKind.QUOTE, "we lose a day every week on reports", 65),
        (NoteKind.OURS, "send the pricing sheet", 95),
        (NoteKind.THEIRS, "intro to ops lead", 95),
    ]
    assert call.outcome is Outcome.YES and call.goal_result is GoalResult.PRIMARY
    assert call.next_step is not None
    assert (call.next_step.what, call.next_step.owner, call.next_step.due) == (
        "Demo for the ops team",
        Owner.BOTH,
        date(2026, 11, 27),
    )
    assert call.recap_body is None or "Hi Dana" in call.recap_body


async def test_a_team_database_out_of_reach_fails_each_job_in_one_line(
    isolated_home: Path, pg_server: object, pg_store_url: str, closed_port: int
) -> None:
    """No server where the URL points: the job fails with one line naming the
    host and what failed, never a traceback's worth, never the password."""
    from callmate.store.service import StoreUnavailable, failure_line

    url = parse(pg_store_url)
    away = parse(pg_store_url.replace(f":{url.port}/", f":{closed_port}/"))
    store = open_store(database_path(isolated_home), team=away)
    try:
        with pytest.raises(StoreUnavailable) as failed:
            await store.live_calls()
        line = failure_line(failed.value)
        assert "nothing is listening there" in line and away.where in line
        assert "\n" not in line and (url.password or "?") not in line
        with pytest.raises(StoreUnavailable):
            await store.list_contacts()
    finally:
        store.close()


async def test_the_team_store_resumes_a_call_and_finds_timed_steps(
    isolated_home: Path, pg_store_url: str
) -> None:
    """What the app reads outside the call flow: an open call to resume (with a
    moved commitment and a deleted note), the timed steps coming due, home's day."""
    from datetime import time

    from callmate.domain.models import Call, Contact, NextStep, Note

    repo = Repository.open_url(pg_store_url)
    empty_team_database(repo)
    repo.close()
    store = open_store(database_path(isolated_home), team=parse(pg_store_url))
    try:
        earlier = await store.start_call(
            Call(contact=Contact(name="Dana"), goal="Intro", started_at=NOW)
        )
        assert earlier.id is not None
        step = NextStep(what="Call back", due=NOW.date(), due_time=time(15, 10))
        await store.finish_call(earlier.id, outcome=Outcome.MAYBE, next_step=step, ended_at=NOW)
        live = await store.start_call(
            Call(contact=Contact(name="Lee"), goal="Demo", started_at=NOW)
        )
        assert live.id is not None
        await store.save_note(live.id, Note(text="plain", created_at=NOW))
        ours = await store.save_note(
            live.id, Note(kind=NoteKind.OURS, text="SLA", created_at=NOW, due=date(2026, 12, 4))
        )
        gone = await store.save_note(live.id, Note(text="gone", created_at=NOW))
        assert ours.id is not None and gone.id is not None
        assert await store.move_promise(live.id, ours.id, date(2026, 12, 11), time(9, 0))
        store.delete_note(gone.id, NOW).result()
        # Listed from the team database (its id there); resumed from the outbox,
        # where the live call's writes go: the same call, by uuid.
        (listed,) = await store.live_calls()
        assert listed.id is not None and listed.id != live.id
        resumed = await store.call_to_resume(listed.id)
        assert resumed.id == live.id and resumed.uuid == live.uuid
        assert resumed == store.preload_resume(live.id).result()
        assert [n.text for n in resumed.notes] == ["plain", "SLA"]
        assert resumed.notes[1].moved_from == [date(2026, 12, 4)]
        due = await store.timed_steps_due(NOW.date(), time(15, 0), time(15, 30))
        assert [(s.contact_name, s.what, s.due_time) for s in due] == [
            ("Dana", "Call back", time(15, 10))
        ]
        day = await store.agenda(NOW.date(), NOW)
        assert [s.what for s in day.due_today.steps] == ["Call back"]
    finally:
        store.close()


async def test_callmate_with_a_team_url_runs_the_app_on_it(
    isolated_home: Path, pg_store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What ``callmate`` does given a team URL: the app opens on PostgreSQL,
    shows what is there (found by its search too), and makes no SQLite file."""
    from callmate.cli import _team_database, build_app
    from callmate.domain.models import Call, Contact, Note
    from callmate.screens.search import SearchScreen

    repo = Repository.open_url(pg_store_url)
    try:
        empty_team_database(repo)
        call = repo.start_call(
            Call(contact=Contact(name="Priya Raman"), goal="a pilot", started_at=NOW)
        )
        assert call.id is not None
        repo.save_note(call.id, Note(text="budget frozen until March", created_at=NOW))
    finally:
        repo.close()
    monkeypatch.setenv("CALLMATE_DATABASE_URL", pg_store_url)
    team = _team_database(None)
    assert team is not None and not isinstance(team, str)
    app = build_app(isolated_home, team)
    try:
        assert isinstance(app.store, PostgresCallStore)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert "Priya Raman" in screen_text(pilot)  # the call left open, offered
            await pilot.press("escape")  # later
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            await pilot.press("slash")
            await type_text(pilot, "budg")
            await settle(pilot)
            assert isinstance(app.screen, SearchScreen)
            assert "budget frozen until March" in screen_text(pilot)
    finally:
        app.store.close()
    assert not database_path(isolated_home).exists()


async def test_the_app_on_an_outdated_team_schema_names_the_command_and_changes_nothing(
    isolated_home: Path, clock: FrozenClock, clipboard: FakeClipboard, pg_server: PostgresServer
) -> None:
    """A team database left at schema version 1: home says, in one line, which command
    to run; a key that would write (n, a new call) makes nothing there."""
    from sqlalchemy import create_engine, text

    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL tests: psycopg is not installed (pip install 'callmate[postgres]')")
    url = pg_server.create_database("callmate_app_old")
    admin = create_engine(parse(url).sqlalchemy_url())
    try:
        with admin.begin() as connection:
            connection.execute(text("CREATE TABLE callmate_schema (version integer NOT NULL)"))
            connection.execute(text("INSERT INTO callmate_schema VALUES (1)"))
        application = make_app(isolated_home, clock=clock, clipboard=clipboard, team=parse(url))
        try:
            async with application.run_test(size=(100, 30)) as pilot:
                await settle(pilot)
                shown = " ".join(screen_text(pilot).split())  # the line wraps at 100 columns
                assert "schema version 1, older than" in shown, shown
                assert "run `callmate db upgrade`" in shown, shown
                assert pg_server.password not in shown
                await pilot.press("n")
                await settle(pilot)
        finally:
            application.store.close()
        with admin.connect() as connection:
            tables = connection.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
            assert sorted(tables) == ["callmate_schema"]
            version = connection.execute(text("SELECT version FROM callmate_schema"))
            assert version.scalar_one() == 1
    finally:
        admin.dispose()
    assert not database_path(isolated_home).exists()  # nothing fell back to SQLite
