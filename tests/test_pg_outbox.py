"""Calls that never wait on the network: the outbox (callmate/store/outbox.py).

On the team database a live call is written to the local ``outbox.db`` first
and pushed to PostgreSQL in the background. These tests run their own
throwaway PostgreSQL (not the session's), so that they can stop it mid-call
(``pg_ctl stop``, clients cut off, as an outage) and start it again on the
same port.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from callmate.app import CallmateApp, make_app
from callmate.clock import FrozenClock
from callmate.domain.closing import MISSING_DATE
from callmate.locations import database_path
from callmate.screens.closing import ClosingScreen
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.recap import RecapScreen
from callmate.store.database_url import parse
from callmate.store.outbox import OUTBOX_FILE
from callmate.store.repository import Repository
from callmate.store.service import PostgresCallStore
from tests.conftest import empty_team_database
from tests.helpers import FakeClipboard, screen_text, settle, type_text
from tests.pg_server import PostgresServer, find_bindir, why_not_available

WORKTREE = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def outage_server() -> Iterator[PostgresServer]:
    """This module's own PostgreSQL: the tests stop and start it."""
    reason = why_not_available()
    if reason is not None:
        if os.environ.get("CALLMATE_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL tests can't run: {reason}", pytrace=False)
        pytest.skip(f"PostgreSQL tests: {reason}")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL tests: psycopg is not installed (pip install 'callmate[postgres]')")
    server = PostgresServer(find_bindir() or Path())
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def outage_url(outage_server: PostgresServer) -> str:
    from callmate.store import database_url, pg_schema

    url = outage_server.create_database("callmate_outbox")
    engine = database_url.make_engine(database_url.parse(url))
    try:
        pg_schema.upgrade(engine)
    finally:
        engine.dispose()
    return url


@pytest.fixture
def server(outage_server: PostgresServer, outage_url: str) -> Iterator[PostgresServer]:
    """The server, up, its database empty; left up whatever the test did."""
    repo = Repository.open_url(outage_url)
    try:
        empty_team_database(repo)
    finally:
        repo.close()
    yield outage_server
    if not outage_server._running:
        outage_server.resume()


@pytest.fixture
def team_app(
    isolated_home: Path,
    clock: FrozenClock,
    clipboard: FakeClipboard,
    server: PostgresServer,
    outage_url: str,
) -> Iterator[CallmateApp]:
    application = make_app(isolated_home, clock=clock, clipboard=clipboard, team=parse(outage_url))
    assert isinstance(application.store, PostgresCallStore)
    yield application
    application.store.close()


def team_rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    """What the team database holds, read through a connection of its own."""
    from sqlalchemy import text

    repo = Repository.open_url(url)
    try:
        with repo.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        repo.close()


def team_notes(url: str) -> list[tuple[str, bool]]:
    """Every note row (deleted ones too), in the order they were written."""
    return [
        (str(text_), bool(deleted))
        for text_, deleted in team_rows(
            url, "SELECT text, deleted_at IS NOT NULL FROM notes ORDER BY id"
        )
    ]


async def until(pilot: Pilot[Any], condition: Callable[[], bool], what: str) -> None:
    """Let the app run until ``condition()`` holds (the push is in the background)."""
    for _ in range(300):  # 30 s: the retry waits double up to 8 s
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError(f"never happened: {what}\n{screen_text(pilot)}")


async def start_call(pilot: Pilot[Any]) -> LiveCallScreen:
    await settle(pilot)
    await pilot.press("n")
    await type_text(pilot, "Dana Whitfield\nNorthwind Freight\n\n\nBook a demo\n")
    await pilot.press("ctrl+s")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, LiveCallScreen)
    return screen


async def test_notes_typed_while_the_server_is_down_arrive_once_when_it_is_back(
    team_app: CallmateApp, server: PostgresServer, outage_url: str, isolated_home: Path
) -> None:
    app = team_app
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_call(pilot)
        await type_text(pilot, "before the outage\nto be corrected\nto be deleted\n")
        await until(pilot, lambda: len(team_notes(outage_url)) == 3, "the notes pushed")
        assert "offline" not in screen_text(pilot)

        server.halt()
        await type_text(pilot, "during one\n")
        await until(
            pilot,
            lambda: "offline · 1 note waiting" in screen_text(pilot),
            "the header says the note waits",
        )
        await type_text(pilot, "during two\nduring three\n")
        await until(
            pilot, lambda: "offline · 3 notes waiting" in screen_text(pilot), "three waiting"
        )
        # A note pushed before the outage, corrected; another deleted.
        await pilot.press("up", "up", "up", "up", "up", "enter")
        assert screen.note_line.value == "to be corrected"
        screen.note_line.value = ""
        await type_text(pilot, "corrected while away\n")
        await pilot.press("up", "up", "up", "up", "delete")
        await settle(pilot)
        await until(pilot, lambda: "offline · 5 notes waiting" in screen_text(pilot), "five")
        shown = [note.text for note in screen.notes]
        during = ["during one", "during two", "during three"]
        assert shown == ["before the outage", "corrected while away", *during]

        server.resume()
        await until(pilot, lambda: "offline ·" not in screen_text(pilot), "the header back")
        assert isinstance(app.screen, LiveCallScreen), "the call went on"

    assert team_notes(outage_url) == [
        ("before the outage", False),
        ("corrected while away", False),
        ("to be deleted", True),
        ("during one", False),
        ("during two", False),
        ("during three", False),
    ]
    (twice,) = team_rows(
        outage_url,
        "SELECT count(*) FROM (SELECT uuid FROM notes GROUP BY uuid HAVING count(*) > 1) t",
    )
    assert twice == (0,), "no note arrived twice"
    local = Repository.open(isolated_home / OUTBOX_FILE)
    try:
        with local.engine.connect() as connection:
            from sqlalchemy import text

            here = {
                row[0]
                for row in connection.execute(
                    text("SELECT uuid FROM notes WHERE id > 1099511627776")
                )
            }
            (left,) = connection.execute(text("SELECT count(*) FROM outbox_changes")).one()
    finally:
        local.close()
    assert here == {row[0] for row in team_rows(outage_url, "SELECT uuid FROM notes")}
    assert left == 0, "nothing left waiting"
    assert not database_path(isolated_home).exists(), "the personal history untouched"


async def test_a_close_while_offline_keeps_the_gate_and_is_pushed_later(
    team_app: CallmateApp, server: PostgresServer, outage_url: str
) -> None:
    app = team_app
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await start_call(pilot)
        await type_text(pilot, '"we lose a day every week"\n')
        await until(pilot, lambda: len(team_notes(outage_url)) == 1, "the note pushed")

        server.halt()
        await type_text(pilot, ">send the pricing sheet\n")
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, ClosingScreen)
        await type_text(pilot, "y\ng\nDemo for the ops team\nb\n")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClosingScreen), "no date: not saved, offline or not"
        assert MISSING_DATE in screen_text(pilot)
        await type_text(pilot, "fri\n")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen), "saved locally: the server is down"

        server.resume()
        await until(
            pilot,
            lambda: team_rows(outage_url, "SELECT status FROM calls") == [("done",)],
            "the close pushed",
        )

    ((what, owner, due, outcome),) = team_rows(
        outage_url, "SELECT next_step_what, next_step_owner, next_step_due, outcome FROM calls"
    )
    assert (what, owner, due, outcome) == (
        "Demo for the ops team",
        "both",
        date(2026, 11, 27),
        "yes",
    )
    assert team_notes(outage_url) == [
        ("we lose a day every week", False),
        ("send the pricing sheet", False),
    ]


KILLED_MID_CALL = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from datetime import UTC, datetime
    from pathlib import Path

    from callmate.domain.models import Call, Contact, Note
    from callmate.store.database_url import parse
    from callmate.store.service import open_store

    NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)

    async def main():
        store = open_store(Path(sys.argv[1]), team=parse(sys.argv[2]))
        call = await store.start_call(
            Call(contact=Contact(name="Priya Raman", company="Acme"), goal="a pilot",
                 started_at=NOW))
        for i in range(5):
            note = Note(text=f"offline note {i}", created_at=NOW, offset_seconds=10 * i)
            assert store.save_note_soon(call.id, note).result() is not None  # on disk
        print(call.uuid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # nothing pushed, nothing closed

    asyncio.run(main())
    """
)


async def test_a_kill_while_offline_loses_nothing_the_next_start_pushes_it(
    isolated_home: Path,
    clock: FrozenClock,
    clipboard: FakeClipboard,
    server: PostgresServer,
    outage_url: str,
) -> None:
    server.halt()
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MID_CALL, str(database_path(isolated_home)), outage_url],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(WORKTREE)},
        check=False,
    )
    assert killed.returncode == -9, killed.stderr
    call_uuid = killed.stdout.strip()
    server.resume()
    assert team_rows(outage_url, "SELECT count(*) FROM calls") == [(0,)]

    app = make_app(isolated_home, clock=clock, clipboard=clipboard, team=parse(outage_url))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await until(
                pilot,
                lambda: len(team_notes(outage_url)) == 5,
                "what waited pushed at the next start",
            )
    finally:
        app.store.close()
    assert team_rows(outage_url, "SELECT uuid, status FROM calls") == [(call_uuid, "live")]
    assert team_notes(outage_url) == [(f"offline note {i}", False) for i in range(5)]
    assert team_rows(outage_url, "SELECT name, company FROM contacts") == [("Priya Raman", "Acme")]


async def test_the_plan_ticks_and_the_followed_step_are_pushed_and_the_outbox_emptied(
    isolated_home: Path, server: PostgresServer, outage_url: str
) -> None:
    """A follow-up of a team call, with its checklist ticked and closed: the team
    database holds the tick, the link and the earlier step as kept; a team call
    resumed twice is copied into the outbox once; the next start removes the
    closed, pushed calls from the outbox."""
    from callmate.domain.models import Call, Contact, NextStep, Note, Outcome, Question
    from callmate.store.outbox import LOCAL_IDS
    from callmate.store.service import open_store
    from tests.conftest import NOW

    repo = Repository.open_url(outage_url)
    try:
        earlier = repo.start_call(
            Call(contact=Contact(name="Dana", company="Northwind"), goal="Intro", started_at=NOW)
        )
        assert earlier.id is not None
        step = NextStep(what="Demo", due=date(2026, 11, 27))
        repo.finish_call(earlier.id, outcome=Outcome.MAYBE, next_step=step, ended_at=NOW)
        left_open = repo.start_call(Call(contact=Contact(name="Lee"), goal="Pilot", started_at=NOW))
        assert left_open.id is not None
        repo.save_note(left_open.id, Note(text="typed before", created_at=NOW))
    finally:
        repo.close()

    db_path = database_path(isolated_home)
    store = open_store(db_path, team=parse(outage_url))
    try:
        dana = next(c for c in await store.list_contacts() if c.name == "Dana")
        call = await store.start_call(
            Call(
                contact=dana,
                goal="Demo",
                started_at=NOW,
                follows_call_id=earlier.id,
                questions=[Question(text="budget"), Question(text="rollout")],
            )
        )
        assert call.id is not None and call.id > LOCAL_IDS
        assert call.questions[1].id is not None
        store.set_question_asked(call.questions[1].id, True).result()
        await store.finish_call(
            call.id,
            outcome=Outcome.YES,
            next_step=NextStep(what="Contract", due=date(2026, 12, 4)),
            ended_at=NOW,
        )
        resumed = await store.call_to_resume(left_open.id)
        again = await store.call_to_resume(left_open.id)
        assert resumed.id == again.id and resumed.id is not None and resumed.id > LOCAL_IDS
        assert [n.text for n in resumed.notes] == ["typed before"]
        await store.save_note(resumed.id, Note(text="typed after", created_at=NOW))
    finally:
        store.close()  # what is queued is pushed first

    rows = team_rows(
        outage_url,
        "SELECT c.goal, c.follows_call_id, c.next_step_done_at IS NOT NULL, t.name"
        " FROM calls c JOIN contacts t ON t.id = c.contact_id ORDER BY c.id",
    )
    assert rows == [
        ("Intro", None, True, "Dana"),  # its step kept by the follow-up
        ("Pilot", None, False, "Lee"),
        ("Demo", earlier.id, False, "Dana"),  # the same Dana, not a second one
    ]
    assert team_rows(outage_url, "SELECT q.text, q.asked FROM questions q ORDER BY q.position") == [
        ("budget", False),
        ("rollout", True),
    ]
    assert team_notes(outage_url) == [("typed before", False), ("typed after", False)]
    assert team_rows(outage_url, "SELECT count(*) FROM contacts") == [(2,)]

    def outbox_calls() -> list[tuple[Any, ...]]:
        import sqlite3

        db = sqlite3.connect(isolated_home / OUTBOX_FILE)
        try:
            return db.execute(
                f"SELECT goal, status FROM calls WHERE id > {LOCAL_IDS} ORDER BY id"
            ).fetchall()
        finally:
            db.close()

    assert outbox_calls() == [("Demo", "done"), ("Pilot", "live")]
    store = open_store(db_path, team=parse(outage_url))
    try:
        store.warm_up()  # at the next start: pushed, then the closed calls removed
    finally:
        store.close()
    assert outbox_calls() == [("Pilot", "live")], "the live call stays: it may be resumed"


async def eventually(condition: Callable[[], bool], what: str) -> None:
    """Wait (off any app) until ``condition()`` holds: the push is in the background."""
    import asyncio

    for _ in range(300):  # 30 s: the retry waits double up to 8 s
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


async def test_several_date_moves_made_offline_each_reach_the_slip_history(
    isolated_home: Path, server: PostgresServer, outage_url: str
) -> None:
    """A next step moved three times and a promise twice while the server is down:
    five slips in the team's history when it is back (not one each, from the first
    date to the last), none twice, also after a push repeated as after a crash."""
    import sqlite3

    from callmate.domain.models import Call, Contact, NextStep, Note, NoteKind, Outcome
    from callmate.store.outbox import LOCAL_IDS
    from callmate.store.service import open_store
    from tests.conftest import NOW

    def slips() -> list[tuple[Any, ...]]:
        return team_rows(
            outage_url,
            "SELECT note_id IS NOT NULL, from_date, to_date FROM date_moves ORDER BY id",
        )

    d = date
    store = open_store(database_path(isolated_home), team=parse(outage_url))
    assert isinstance(store, PostgresCallStore)
    try:
        call = await store.start_call(
            Call(contact=Contact(name="Dana", company="Northwind"), goal="Demo", started_at=NOW)
        )
        assert call.id is not None
        promise = await store.save_note(
            call.id,
            Note(kind=NoteKind.OURS, text="send pricing", created_at=NOW, due=d(2026, 11, 25)),
        )
        await store.finish_call(
            call.id,
            outcome=Outcome.YES,
            next_step=NextStep(what="Contract", due=d(2026, 11, 27)),
            ended_at=NOW,
        )
        assert await store.move_promise(call.id, None, d(2026, 11, 29), None)  # online
        await eventually(lambda: len(slips()) == 1, "the online move pushed")
        assert slips() == [(False, d(2026, 11, 27), d(2026, 11, 29))], "once, not twice"

        server.halt()
        for due in (d(2026, 11, 30), d(2026, 12, 2), d(2026, 12, 4)):
            assert await store.move_promise(call.id, None, due, None)
        for due in (d(2026, 11, 26), d(2026, 11, 28)):
            assert await store.move_promise(call.id, promise.id, due, None)
        await eventually(lambda: store.pusher.state.problem == "offline", "offline said")
        server.resume()
        await eventually(lambda: len(slips()) == 6, "the offline moves pushed")
    finally:
        store.close()
    expected = [
        (False, d(2026, 11, 27), d(2026, 11, 29)),
        (False, d(2026, 11, 29), d(2026, 11, 30)),
        (False, d(2026, 11, 30), d(2026, 12, 2)),
        (False, d(2026, 12, 2), d(2026, 12, 4)),
        (True, d(2026, 11, 25), d(2026, 11, 26)),
        (True, d(2026, 11, 26), d(2026, 11, 28)),
    ]
    assert slips() == expected
    assert team_rows(outage_url, "SELECT next_step_due FROM calls") == [(d(2026, 12, 4),)]
    assert team_rows(outage_url, "SELECT due FROM notes") == [(d(2026, 11, 28),)]

    # A crash after the team's commit, before the outbox cleared its flags: the
    # next start pushes every move again, and none is written twice.
    db = sqlite3.connect(isolated_home / OUTBOX_FILE)
    try:
        with db:
            db.execute(
                "INSERT INTO outbox_changes (tbl, row_id) SELECT 'date_moves', id FROM date_moves"
                f" WHERE call_id > {LOCAL_IDS}"
            )
    finally:
        db.close()
    store = open_store(database_path(isolated_home), team=parse(outage_url))
    try:
        store.warm_up()
    finally:
        store.close()
    assert slips() == expected


QUIT_WHILE_UNANSWERED = textwrap.dedent(
    """
    import asyncio, socket, sys, threading, time
    from datetime import UTC, datetime
    from pathlib import Path

    import callmate.store.database_url as database_url
    from callmate.domain.models import Call, Contact, Note
    from callmate.store.service import open_store

    # The server's port now answers nothing: a listener that takes connections
    # and never replies (a VPN gone), and no connect timeout to end the wait.
    database_url.CONNECT_TIMEOUT_SECONDS = 3600
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", int(sys.argv[3])))
    listener.listen(16)
    asked, held = threading.Event(), []

    def take():
        while True:
            held.append(listener.accept()[0])
            asked.set()

    threading.Thread(target=take, daemon=True).start()
    NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)

    async def main():
        store = open_store(Path(sys.argv[1]), team=database_url.parse(sys.argv[2]))
        call = await store.start_call(
            Call(contact=Contact(name="Priya Raman", company="Acme"), goal="a pilot",
                 started_at=NOW))
        for i in range(3):
            note = Note(text=f"unanswered note {i}", created_at=NOW, offset_seconds=i)
            assert store.save_note_soon(call.id, note).result() is not None
        assert asked.wait(60), "the push never tried the server"
        began = time.perf_counter()
        store.close()  # as the app's on_unmount does
        print(call.uuid, f"{time.perf_counter() - began:.2f}", flush=True)

    asyncio.run(main())
    """
)


async def test_quitting_while_the_server_does_not_answer_is_prompt_and_loses_nothing(
    isolated_home: Path,
    clock: FrozenClock,
    clipboard: FakeClipboard,
    server: PostgresServer,
    outage_url: str,
) -> None:
    """The team server stops answering (a listener that never replies, no connect
    timeout): a push hangs in its connect, yet quitting returns and the process
    exits (it used to wait for the connect, 10 s with the real timeout; here
    for ever); the notes wait in the outbox and the next start pushes them, once."""
    server.halt()
    quitting = subprocess.run(
        [
            sys.executable,
            "-c",
            QUIT_WHILE_UNANSWERED,
            str(database_path(isolated_home)),
            outage_url,
            str(server.port),
        ],
        capture_output=True,
        text=True,
        timeout=120,  # a hang fails here (TimeoutExpired), not a speed target
        env={**os.environ, "PYTHONPATH": str(WORKTREE)},
        check=False,
    )
    assert quitting.returncode == 0, quitting.stderr
    call_uuid, took = quitting.stdout.split()
    print(f"close() returned after {took} s with the push hanging")  # the figure, not a test
    server.resume()
    assert team_rows(outage_url, "SELECT count(*) FROM calls") == [(0,)]

    app = make_app(isolated_home, clock=clock, clipboard=clipboard, team=parse(outage_url))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: len(team_notes(outage_url)) == 3, "pushed at the next start")
    finally:
        app.store.close()
    assert team_rows(outage_url, "SELECT uuid FROM calls") == [(call_uuid,)]
    assert team_notes(outage_url) == [(f"unanswered note {i}", False) for i in range(3)]


async def test_a_team_call_resumed_keeps_its_slip_history_once(
    isolated_home: Path, server: PostgresServer, outage_url: str
) -> None:
    """A call the team database holds, its step moved once, resumed here (copied
    into the outbox with its history): the push doesn't write that move again;
    a move made here is one more."""
    from callmate.domain.models import Call, Contact, NextStep, Outcome
    from callmate.store.service import open_store
    from tests.conftest import NOW

    repo = Repository.open_url(outage_url)
    try:
        call = repo.start_call(Call(contact=Contact(name="Lee"), goal="Pilot", started_at=NOW))
        assert call.id is not None
        step = NextStep(what="Demo", due=date(2026, 11, 27))
        repo.finish_call(call.id, outcome=Outcome.MAYBE, next_step=step, ended_at=NOW)
        repo.reschedule_step(call.id, date(2026, 11, 30), None)
    finally:
        repo.close()
    moves = "SELECT from_date, to_date FROM date_moves ORDER BY id"
    assert team_rows(outage_url, moves) == [(date(2026, 11, 27), date(2026, 11, 30))]

    store = open_store(database_path(isolated_home), team=parse(outage_url))
    try:
        resumed = await store.call_to_resume(call.id)
        assert resumed.id is not None and resumed.next_step is not None
        assert resumed.next_step.moved_from == [date(2026, 11, 27)]
        assert await store.move_promise(resumed.id, None, date(2026, 12, 2), None)
    finally:
        store.close()
    assert team_rows(outage_url, moves) == [
        (date(2026, 11, 27), date(2026, 11, 30)),
        (date(2026, 11, 30), date(2026, 12, 2)),
    ]


async def test_quitting_waits_for_a_recap_queued_behind_a_slow_push_and_leaves_the_backlog(
    isolated_home: Path, server: PostgresServer, outage_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A recap saved on a team call (not in the outbox: written to the team
    database directly, fire-and-forget) queued behind a push the server is slow
    to take: quitting waits for the recap past EXIT_WAIT while the server answers
    (it used to return and the recap died with the process, unsaid); the push
    backlog stops at its batch and the next start pushes the rest, once."""
    import threading

    from sqlalchemy import text

    from callmate.domain.models import Call, Contact, NextStep, Note, Outcome
    from callmate.store import outbox, service
    from callmate.store.service import open_store
    from tests.conftest import NOW

    monkeypatch.setattr(service, "EXIT_WAIT", 0.0)  # any wait at all is past it
    monkeypatch.setattr(outbox, "BATCH", 2)  # a backlog of several batches
    repo = Repository.open_url(outage_url)
    try:
        earlier = repo.start_call(Call(contact=Contact(name="Lee"), goal="Intro", started_at=NOW))
        assert earlier.id is not None
        step = NextStep(what="Demo", due=date(2026, 11, 27))
        repo.finish_call(earlier.id, outcome=Outcome.MAYBE, next_step=step, ended_at=NOW)
    finally:
        repo.close()

    store = open_store(database_path(isolated_home), team=parse(outage_url))
    assert isinstance(store, PostgresCallStore)
    slow = Repository.open_url(outage_url)  # holds the notes: the push waits on it
    held = slow.engine.connect()
    closing: threading.Thread | None = None
    try:
        call = await store.start_call(
            Call(contact=Contact(name="Dana", company="Northwind"), goal="Demo", started_at=NOW)
        )
        assert call.id is not None
        await eventually(
            lambda: team_rows(outage_url, "SELECT count(*) FROM calls") == [(2,)], "call pushed"
        )
        held.execute(text("LOCK TABLE notes IN EXCLUSIVE MODE"))
        for i in range(7):
            await store.save_note(call.id, Note(text=f"note {i}", created_at=NOW))
        store.save_recap(earlier.id, "Recap", "Thanks for your time")
        closing = threading.Thread(target=store.close)
        closing.start()
        closing.join(1.0)
        assert closing.is_alive(), "close went on while the recap waited behind the push"
    finally:
        held.rollback()  # the server takes the push again
        held.close()
        slow.close()
        if closing is not None:
            closing.join()
        else:
            store.close()
    assert store.unsent == ""
    assert team_rows(outage_url, f"SELECT recap_subject FROM calls WHERE id = {earlier.id}") == [
        ("Recap",)
    ]
    assert len(team_notes(outage_url)) < 7, "the backlog stopped at its batch"

    store = open_store(database_path(isolated_home), team=parse(outage_url))
    try:
        store.warm_up()  # the next start pushes the rest
        await eventually(lambda: len(team_notes(outage_url)) == 7, "the rest pushed")
    finally:
        store.close()
    assert sorted(team_notes(outage_url)) == [(f"note {i}", False) for i in range(7)]


async def test_a_date_move_left_alone_in_the_outbox_is_pushed_at_the_next_start_once(
    isolated_home: Path, server: PostgresServer, outage_url: str
) -> None:
    """Only a date move waits in the outbox (its call pushed in an earlier batch,
    then a kill): the next start pushes it, once (nothing else waiting used to
    count as idle, and the slip never reached the team's history)."""
    import sqlite3

    from callmate.domain.models import Call, Contact, NextStep, Outcome
    from callmate.store.outbox import LOCAL_IDS
    from callmate.store.service import open_store
    from tests.conftest import NOW

    moves = "SELECT from_date, to_date FROM date_moves ORDER BY id"
    store = open_store(database_path(isolated_home), team=parse(outage_url))
    try:
        call = await store.start_call(
            Call(contact=Contact(name="Dana", company="Northwind"), goal="Demo", started_at=NOW)
        )
        assert call.id is not None
        step = NextStep(what="Contract", due=date(2026, 11, 27))
        await store.finish_call(call.id, outcome=Outcome.YES, next_step=step, ended_at=NOW)
        assert await store.move_promise(call.id, None, date(2026, 11, 30), None)
        await eventually(lambda: len(team_rows(outage_url, moves)) == 1, "the move pushed")
    finally:
        store.close()
    repo = Repository.open_url(outage_url)  # as if killed before the move's batch
    try:
        with repo.engine.begin() as connection:
            from sqlalchemy import text

            connection.execute(text("DELETE FROM date_moves"))
    finally:
        repo.close()
    db = sqlite3.connect(isolated_home / OUTBOX_FILE)
    try:
        with db:
            db.execute(
                "INSERT INTO outbox_changes (tbl, row_id) SELECT 'date_moves', id FROM date_moves"
                f" WHERE call_id > {LOCAL_IDS}"
            )
            assert db.execute("SELECT tbl FROM outbox_changes").fetchall() == [("date_moves",)]
    finally:
        db.close()

    for _ in range(2):  # the next start, and one more: once
        store = open_store(database_path(isolated_home), team=parse(outage_url))
        assert isinstance(store, PostgresCallStore)
        try:
            store.warm_up()
            await eventually(lambda: len(team_rows(outage_url, moves)) == 1, "pushed")
            await eventually(lambda p=store.pusher: not p.state.problem, "no problem said")
        finally:
            store.close()
    assert team_rows(outage_url, moves) == [(date(2026, 11, 27), date(2026, 11, 30))]
    db = sqlite3.connect(isolated_home / OUTBOX_FILE)
    try:
        assert db.execute("SELECT count(*) FROM outbox_changes").fetchall() == [(0,)]
    finally:
        db.close()


async def test_quitting_offline_with_a_recap_queued_says_it_did_not_reach_the_team(
    isolated_home: Path, server: PostgresServer, outage_url: str
) -> None:
    """The server out of reach (the pusher found it so) and a recap of a team call
    still queued on the team thread: quitting doesn't wait for it, and says so
    (the command prints ``store.unsent`` once the app is gone), never silently."""
    import asyncio
    import threading

    from callmate.domain.models import Call, Contact
    from callmate.store.service import open_store
    from tests.conftest import NOW

    repo = Repository.open_url(outage_url)
    try:
        earlier = repo.start_call(Call(contact=Contact(name="Lee"), goal="Intro", started_at=NOW))
        assert earlier.id is not None
    finally:
        repo.close()
    store = open_store(database_path(isolated_home), team=parse(outage_url))
    assert isinstance(store, PostgresCallStore)
    gate = threading.Event()
    busy: asyncio.Future[object] | None = None
    try:
        server.halt()
        await store.start_call(
            Call(contact=Contact(name="Dana", company="Northwind"), goal="Demo", started_at=NOW)
        )
        await eventually(lambda: store.pusher.state.problem == "offline", "offline said")
        holding = threading.Event()

        def hold() -> None:
            holding.set()
            gate.wait()

        busy = asyncio.ensure_future(store.gateway.call(hold))  # the team thread busy
        await eventually(holding.is_set, "the team thread held")
        store.save_recap(earlier.id, "Recap", "Thanks")
        store.close()
    finally:
        gate.set()
        if busy is not None:
            await busy
    assert store.unsent == (
        "1 change to earlier calls did not reach the team database before callmate closed"
    )
