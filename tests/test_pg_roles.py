"""People and permissions on the team database (issue 20, schema version 3), on a
real PostgreSQL: ``callmate db add-user``, row-level security tried through
plain SQL as each rep, contacts de-duplicated under a race, the upgrade from
version 2, the team agenda, and the app's whole call flow as a rep (no table
owner, no superuser)."""

from __future__ import annotations

import io
import itertools
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from callmate.app import CallmateApp, make_app
from callmate.cli import main
from callmate.clock import FrozenClock
from callmate.domain.models import Call, CallStatus, Contact, NextStep, Note, NoteKind, Outcome
from callmate.domain.models import Owner as StepOwner
from callmate.screens.closing import ClosingScreen
from callmate.screens.home import HomeScreen
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.precall import PreCallScreen
from callmate.screens.recap import RecapScreen
from callmate.store import pg_schema, pg_search
from callmate.store.database_url import make_engine, parse
from callmate.store.repository import Repository
from callmate.store.service import PostgresCallStore
from tests.conftest import NOW
from tests.helpers import FakeClipboard, screen_text, settle, type_text
from tests.pg_server import PostgresServer

_numbers = itertools.count(1)


@dataclass
class Team:
    """A fresh team database, upgraded by the admin (the session's superuser)."""

    server: PostgresServer
    database: str
    url: str
    passwords: dict[str, str]

    def add(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        *extra: str,
        role: str | None = None,
    ) -> str:
        """A new rep (or manager, ``--manager`` in ``extra``) made by ``db add-user``."""
        role = role or f"rep_{next(_numbers)}_{secrets.token_hex(3)}"
        password = secrets.token_urlsafe(12)
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
        code = main(
            ["db", "add-user", role, "--password-stdin", "--database-url", self.url, *extra]
        )
        out, err = capsys.readouterr()
        assert code == 0, err
        assert password not in out + err
        self.passwords[role] = password
        return role

    def url_of(self, role: str) -> str:
        return self.server.url(self.database, user=role, password=self.passwords[role])

    def engine_of(self, role: str) -> Engine:
        return make_engine(parse(self.url_of(role)))


@pytest.fixture
def team(pg_server: PostgresServer, pg_url: str) -> Team:
    database = f"roles_{next(_numbers)}"
    url = pg_server.create_database(database)
    engine = make_engine(parse(url))
    try:
        pg_schema.upgrade(engine)
    finally:
        engine.dispose()
    return Team(pg_server, database, url, {})


def a_call(name: str = "Dana Whitfield", company: str = "Acme") -> Call:
    return Call(
        contact=Contact(name=name, company=company),
        goal="Book a demo",
        started_at=NOW,
    )


def made_by(team: Team, role: str, *, private: str = "") -> int:
    """A closed call made by ``role`` through the app's repository: a note, a
    "we owe" with a date, a next step; a private note when asked."""
    repo = Repository.open_url(team.url_of(role))
    try:
        call = repo.start_call(a_call())
        assert call.id is not None
        repo.save_note(
            call.id, Note(kind=NoteKind.NOTE, text="they use spreadsheets", created_at=NOW)
        )
        repo.save_note(
            call.id,
            Note(kind=NoteKind.OURS, text="send pricing", created_at=NOW, due=date(2026, 11, 20)),
        )
        if private:
            repo.save_note(call.id, Note(kind=NoteKind.PRIVATE, text=private, created_at=NOW))
        repo.finish_call(
            call.id,
            outcome=Outcome.YES,
            next_step=NextStep(what="demo", owner=StepOwner.US, due=date(2026, 11, 19)),
            ended_at=NOW,
        )
        return call.id
    finally:
        repo.close()


def test_a_rep_reads_the_team_but_writes_only_their_own(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rep_a = team.add(capsys, monkeypatch, "--name", "Sam Rivera")
    rep_b = team.add(capsys, monkeypatch, "--name", "Priya Shah")
    b_call = made_by(team, rep_b, private="margin floor 12%")
    engine = team.engine_of(rep_a)
    try:
        with engine.begin() as db:
            b_note = db.execute(
                text("SELECT min(id) FROM notes WHERE call_id = :c"), {"c": b_call}
            ).scalar_one()
            # Reads: B's call, its contact, its notes but the private one
            # (team schema 6: test_private_notes_are_their_reps_and_the_managers).
            assert db.execute(text("SELECT count(*) FROM calls")).scalar_one() == 1
            assert db.execute(text("SELECT name FROM contacts")).scalar_one() == "Dana Whitfield"
            kinds = db.execute(text("SELECT kind FROM notes ORDER BY id")).scalars().all()
            assert kinds == ["note", "ours"]
            owner = db.execute(text("SELECT owner_role FROM calls")).scalar_one()
            assert owner == rep_b
            # Writes to B's rows: nothing happens.
            for statement in (
                "UPDATE calls SET goal = 'mine now' WHERE id = :c",
                "UPDATE calls SET next_step_what = 'nothing', next_step_due = '2027-01-01' "
                "WHERE id = :c",
                "UPDATE calls SET next_step_done_at = now() WHERE id = :c",
                f"UPDATE calls SET owner_role = '{rep_a}' WHERE id = :c",
                "DELETE FROM calls WHERE id = :c",
                "UPDATE notes SET text = 'changed' WHERE call_id = :c",
                "UPDATE notes SET done_at = now() WHERE call_id = :c",
                "DELETE FROM notes WHERE call_id = :c",
                "DELETE FROM date_moves WHERE call_id = :c",
                "DELETE FROM questions WHERE call_id = :c",
            ):
                assert db.execute(text(statement), {"c": b_call}).rowcount == 0, statement
            assert (
                db.execute(
                    text("UPDATE notes SET text = 'x' WHERE id = :n"), {"n": b_note}
                ).rowcount
                == 0
            )
            # Contacts are the team's: any rep corrects one.
            assert db.execute(text("UPDATE contacts SET role = 'champion'")).rowcount == 1
            # Their own display name and e-mail, and no one else's.
            assert (
                db.execute(text("UPDATE callmate_users SET display_name = 'Sam R.'")).rowcount == 1
            )
            assert db.execute(
                text("SELECT role_name FROM callmate_users WHERE display_name = 'Sam R.'")
            ).scalars().all() == [rep_a]
        for forbidden in (
            "INSERT INTO notes (call_id, kind, text, offset_seconds, created_at, owner) "
            "VALUES (:c, 'plain', 'slipped in', 0, now(), '')",
            "INSERT INTO calls (contact_id, goal, backup_goal, status, started_at, reason_text, "
            f"owner_role) SELECT contact_id, 'g', '', 'live', now(), '', '{rep_b}' "
            "FROM calls WHERE id = :c",
            "DELETE FROM contacts",
            "UPDATE callmate_users SET is_manager = true",
        ):
            with pytest.raises(DBAPIError) as raised, engine.begin() as db:
                db.execute(text(forbidden), {"c": b_call})
            assert raised.value.orig.sqlstate == "42501", forbidden  # type: ignore[union-attr]
        # A note in A's own call, labelled B's (it would be on B's agenda): refused.
        own = made_by(team, rep_a)
        with pytest.raises(DBAPIError) as raised, engine.begin() as db:
            db.execute(
                text(
                    "INSERT INTO notes (call_id, kind, text, offset_seconds, created_at, owner, "
                    "owner_role) VALUES (:c, 'ours', 'x', 0, now(), '', :b)"
                ),
                {"c": own, "b": rep_b},
            )
        assert raised.value.orig.sqlstate == "42501"  # type: ignore[union-attr]
        # Nothing of B's changed (read as the admin, who owns the tables).
        admin = make_engine(parse(team.url))
        try:
            with admin.connect() as db:
                call = db.execute(
                    text(
                        "SELECT goal, next_step_what, next_step_done_at, owner_role FROM calls "
                        "WHERE id = :c"
                    ),
                    {"c": b_call},
                ).one()
                assert tuple(call) == ("Book a demo", "demo", None, rep_b)
                texts = (
                    db.execute(
                        text("SELECT text FROM notes WHERE call_id = :c ORDER BY id"), {"c": b_call}
                    )
                    .scalars()
                    .all()
                )
                assert texts == ["they use spreadsheets", "send pricing", "margin floor 12%"]
        finally:
            admin.dispose()
    finally:
        engine.dispose()


def test_a_manager_reads_everything_and_writes_only_their_own(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rep = team.add(capsys, monkeypatch)
    boss = team.add(capsys, monkeypatch, "--manager", "--name", "Morgan Lee")
    made_by(team, rep, private="margin floor 12%")
    made_by(team, boss)
    engine = team.engine_of(boss)
    try:
        with engine.begin() as db:
            assert db.execute(text("SELECT count(*) FROM calls")).scalar_one() == 2
            private = db.execute(text("SELECT text FROM notes WHERE kind = 'private'")).all()
            assert private == [("margin floor 12%",)]
            changed = db.execute(
                text("UPDATE calls SET goal = 'x' WHERE owner_role <> CURRENT_USER")
            ).rowcount
            assert changed == 0
            assert (
                db.execute(
                    text("UPDATE calls SET goal = 'x' WHERE owner_role = CURRENT_USER")
                ).rowcount
                == 1
            )
    finally:
        engine.dispose()
    # The rep reads the private note of their own call (the manager's has none).
    engine = team.engine_of(rep)
    try:
        with engine.connect() as db:
            assert (
                db.execute(text("SELECT count(*) FROM notes WHERE kind = 'private'")).scalar() == 1
            )
    finally:
        engine.dispose()


def test_add_user_twice_is_one_line(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rep = team.add(capsys, monkeypatch, "--email", "sam@example.com")
    monkeypatch.setattr("sys.stdin", io.StringIO("another secret\n"))
    code = main(["db", "add-user", rep, "--password-stdin", "--database-url", team.url])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f'"{rep}" is a callmate user already; nothing was changed' in err
    assert "another secret" not in err and team.server.password not in err

    # The role exists but is not a callmate user: also one line.
    admin = make_engine(parse(team.url))
    try:
        with admin.begin() as db:
            db.execute(text(f'CREATE ROLE "{rep}_x" LOGIN'))
            users = db.execute(text("SELECT display_name, email FROM callmate_users")).all()
            assert users == [("Sam Rivera", "sam@example.com")]  # the name from settings
    finally:
        admin.dispose()
    code = main(["db", "add-user", f"{rep}_x", "--no-password", "--database-url", team.url])
    _out, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1
    assert "a PostgreSQL role named" in err and "exists already" in err


def test_add_user_takes_the_name_and_email_from_settings(
    team: Team,
    isolated_home: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = isolated_home / "settings.toml"
    settings.write_text(settings.read_text() + 'user_email = "sam.rivera@acme.com"\n')
    from_settings = team.add(capsys, monkeypatch)
    given = team.add(capsys, monkeypatch, "--name", "Priya Shah", "--email", "priya@acme.com")
    blank = team.add(capsys, monkeypatch, "--email", "")  # an empty --email means none
    admin = make_engine(parse(team.url))
    try:
        with admin.connect() as db:
            rows = db.execute(text("SELECT role_name, display_name, email FROM callmate_users"))
            users = {role: (name, email) for role, name, email in rows}
    finally:
        admin.dispose()
    assert users[from_settings] == ("Sam Rivera", "sam.rivera@acme.com")
    assert users[given] == ("Priya Shah", "priya@acme.com")
    assert users[blank] == ("Sam Rivera", "")


def test_add_user_not_permitted_and_server_down_are_one_line(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rep = team.add(capsys, monkeypatch)
    monkeypatch.setattr("sys.stdin", io.StringIO("pw\n"))
    code = main(
        ["db", "add-user", "sneaky", "--password-stdin", "--database-url", team.url_of(rep)]
    )
    _out, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert f"user {rep} may not create roles" in err
    assert team.passwords[rep] not in err

    down = team.server.url(team.database, port=1)
    code = main(["db", "add-user", "nobody", "--no-password", "--database-url", down])
    _out, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1
    assert "cannot use the team database at 127.0.0.1:1" in err
    assert team.server.password not in err

    # A database without callmate's tables (or an old schema): upgrade first.
    bare = team.server.create_database(f"bare_{next(_numbers)}")
    code = main(["db", "add-user", "early", "--no-password", "--database-url", bare])
    _out, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1
    assert f"schema version 0, not {pg_schema.LATEST}: run `callmate db upgrade` first" in err

    # No terminal and no --password-stdin: it says so, and creates nothing.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code = main(["db", "add-user", "quiet", "--database-url", team.url])
    _out, err = capsys.readouterr()
    assert code == 2 and "give --password-stdin or --no-password" in err


def test_two_reps_calling_dana_at_once_make_one_dana(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    reps = [team.add(capsys, monkeypatch) for _ in range(2)]
    repos = [Repository.open_url(team.url_of(rep)) for rep in reps]
    try:
        for round_ in range(6):
            start = threading.Barrier(2)
            errors: list[BaseException] = []
            names = [(f"Dana {round_}", "Acme"), (f"dana {round_}", "ACME")]

            def call(
                repo: Repository,
                name: tuple[str, str],
                start: threading.Barrier = start,
                errors: list[BaseException] = errors,
            ) -> None:
                try:
                    start.wait()
                    repo.start_call(a_call(*name))
                except BaseException as error:
                    errors.append(error)

            threads = [
                threading.Thread(target=call, args=(repo, name))
                for repo, name in zip(repos, names, strict=True)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            assert errors == []
        with repos[0].engine.connect() as db:
            assert db.execute(text("SELECT count(*) FROM contacts")).scalar() == 6
            per = db.execute(
                text("SELECT count(DISTINCT owner_role) FROM calls GROUP BY contact_id")
            ).scalars()
            assert list(per) == [2] * 6  # each Dana called by both reps, one contact
    finally:
        for repo in repos:
            repo.close()


def test_upgrading_from_version_2_keeps_everything_and_sets_owners(
    pg_server: PostgresServer, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_server.create_database(f"roles_v2_{next(_numbers)}")
    engine = make_engine(parse(url))
    try:
        with monkeypatch.context() as version_2:  # the schema as callmate 2 made it
            version_2.setattr(pg_schema, "LATEST", 2)
            version_2.setattr(pg_schema, "_add_people", lambda connection: None)
            pg_schema.upgrade(engine)
        assert pg_schema.current_version(engine) == 2
        with engine.begin() as db:
            ids = []
            for name, company, at in (
                ("Dana", "Acme", "2026-11-01"),
                ("dana", "ACME", "2026-11-05"),  # the same person, made twice before 3
                ("Lee", "", "2026-11-02"),
            ):
                contact = db.execute(
                    text(
                        "INSERT INTO contacts (name, company, created_at, role) "
                        "VALUES (:n, :c, :at, 'other') RETURNING id"
                    ),
                    {"n": name, "c": company, "at": at},
                ).scalar_one()
                call = db.execute(
                    text(
                        "INSERT INTO calls (contact_id, goal, backup_goal, status, started_at, "
                        "reason_text) VALUES (:c, 'g', '', 'done', :at, '') RETURNING id"
                    ),
                    {"c": contact, "at": at},
                ).scalar_one()
                db.execute(
                    text(
                        "INSERT INTO notes (call_id, kind, text, offset_seconds, created_at, "
                        "owner) VALUES (:k, 'plain', :t, 0, :at, '')"
                    ),
                    {"k": call, "t": f"note of {name}", "at": at},
                )
                ids.append((contact, call))
        assert pg_schema.upgrade(engine) == 2
        assert pg_schema.current_version(engine) == pg_schema.LATEST
        with engine.connect() as db:
            calls = db.execute(
                text("SELECT id, contact_id, owner_role FROM calls ORDER BY id")
            ).all()
            dana, lee = ids[0][0], ids[2][0]
            assert [tuple(c) for c in calls] == [
                (ids[0][1], dana, pg_server_user()),
                (ids[1][1], dana, pg_server_user()),  # moved onto the one Dana
                (ids[2][1], lee, pg_server_user()),
            ]
            contacts = db.execute(
                text("SELECT id, name, last_call_at::date FROM contacts ORDER BY id")
            ).all()
            assert [tuple(c) for c in contacts] == [
                (dana, "Dana", date(2026, 11, 5)),
                (lee, "Lee", date(2026, 11, 2)),
            ]
            notes = db.execute(text("SELECT text FROM notes ORDER BY id")).scalars().all()
            assert notes == ["note of Dana", "note of dana", "note of Lee"]
    finally:
        engine.dispose()


def pg_server_user() -> str:
    from tests.pg_server import USER

    return USER


def test_due_team_lists_everyones_overdue_promises_by_rep(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sam = team.add(capsys, monkeypatch, "--name", "Sam Rivera")
    nameless = team.add(capsys, monkeypatch, "--name", "")
    sam_call = made_by(team, sam)
    other_call = made_by(team, nameless)
    repo = Repository.open_url(team.url_of(sam))
    try:
        assert repo.rep_names([sam_call, other_call]) == {
            sam_call: "Sam Rivera",
            other_call: nameless,  # no display name: the role's
        }
        agendas = repo.team_agenda(date(2026, 11, 22))
        assert [(a.name, a.total) for a in agendas] == [("Sam Rivera", 2), (nameless, 2)] or [
            (a.name, a.total) for a in agendas
        ] == [(nameless, 2), ("Sam Rivera", 2)]
        first = next(a for a in agendas if a.role == sam)
        assert [(i.kind, i.what, i.due) for i in first.items] == [
            ("next_step", "demo", date(2026, 11, 19)),
            ("ours", "send pricing", date(2026, 11, 20)),
        ]
        assert [len(a.items) for a in repo.team_agenda(date(2026, 11, 22), limit=1)] == [1, 1]
        assert repo.team_agenda(date(2026, 11, 19)) == []  # nothing overdue yet
    finally:
        repo.close()
    code = main(["due", "--team"])  # no team database set
    _out, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "needs the team database" in err
    code = main(["due", "--team", "--database-url", team.url_of(sam)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"Sam Rivera ({sam}): 2 overdue promises" in out
    assert f"{nameless}: 2 overdue promises" in out
    assert "NEXT STEP" in out and "Dana Whitfield, Acme: demo" in out
    assert "WE OWE" in out and "send pricing" in out
    assert team.passwords[sam] not in out + err


@pytest.fixture
def rep_app(
    isolated_home: Path,
    clock: FrozenClock,
    clipboard: FakeClipboard,
    team: Team,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[CallmateApp, str]]:
    rep = team.add(capsys, monkeypatch)
    application = make_app(
        isolated_home, clock=clock, clipboard=clipboard, team=parse(team.url_of(rep))
    )
    assert isinstance(application.store, PostgresCallStore)
    yield application, rep
    application.store.close()


async def test_the_whole_call_flow_as_a_rep(
    rep_app: tuple[CallmateApp, str], clock: FrozenClock, team: Team
) -> None:
    app, rep = rep_app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "No calls yet" in screen_text(pilot)
        await pilot.press("n")
        assert isinstance(app.screen, PreCallScreen)
        await type_text(pilot, "Dana Whitfield\nNorthwind Freight\n\n\nBook a demo\n")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
        clock.advance(65)
        await type_text(pilot, "they use spreadsheets\n>send the pricing sheet\n#margin floor\n")
        await settle(pilot)
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, ClosingScreen)
        await type_text(pilot, "y\ng\nDemo for the ops team\nb\nfri\n")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        home = screen_text(pilot)
        assert "Dana Whitfield" in home and "Demo for the ops team" in home
        # The facade the screens use: the team's agenda, and who made the call.
        (mine,) = await app.store.team_agenda(date(2026, 12, 1))
        assert mine.role == rep  # the "we owe" has no date: never overdue
        assert [i.what for i in mine.items] == ["Demo for the ops team"]
        names = await app.store.rep_names([mine.items[0].call_id])
        assert names == {mine.items[0].call_id: "Sam Rivera"}  # add-user took settings' name

    repo = Repository.open_url(team.url_of(rep))
    try:
        (call,) = repo.all_calls()
        assert call.status is CallStatus.DONE and call.next_step is not None
        assert call.next_step.due == date(2026, 11, 27)
        assert [n.text for n in call.notes] == [
            "they use spreadsheets",
            "send the pricing sheet",
            "margin floor",
        ]
        with repo.engine.connect() as db:
            assert db.execute(text("SELECT owner_role FROM calls")).scalar_one() == rep
    finally:
        repo.close()


def test_closing_the_follow_up_of_another_reps_step_keeps_it(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    priya = team.add(capsys, monkeypatch)
    sam = team.add(capsys, monkeypatch)
    hers = made_by(team, priya)  # her next step: "demo", due 19 November
    repo = Repository.open_url(team.url_of(sam))
    try:
        call = repo.start_call(a_call().model_copy(update={"follows_call_id": hers}))
        assert call.id is not None
        ended = NOW + timedelta(hours=1)
        repo.finish_call(
            call.id,
            outcome=Outcome.YES,
            next_step=NextStep(what="contract", owner=StepOwner.US, due=date(2026, 12, 1)),
            ended_at=ended,
        )
        kept = repo.get_call(hers)
        assert kept.next_step_done_at == ended  # her step was kept, by Sam's call
        assert kept.next_step is not None and kept.next_step.what == "demo"  # nothing else
        assert [a.role for a in repo.team_agenda(date(2026, 11, 22))] == [priya]  # her "we owe"
    finally:
        repo.close()


def test_a_rep_pushes_their_own_history(
    team: Team,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    isolated_home: Path,
) -> None:
    from callmate.locations import database_path

    priya = team.add(capsys, monkeypatch)
    made_by(team, priya)  # Dana Whitfield at Acme is on the team database already
    sam = team.add(capsys, monkeypatch)
    local = Repository.open(database_path(isolated_home))
    try:
        for name in ("Dana Whitfield", "Lee Chen"):
            call = local.start_call(a_call(name))
            assert call.id is not None
            local.save_note(
                call.id, Note(kind=NoteKind.NOTE, text=f"{name} said hi", created_at=NOW)
            )
    finally:
        local.close()
    for _time in range(2):
        code = main(["db", "push", "--database-url", team.url_of(sam)])
        _out, err = capsys.readouterr()
        assert code == 0, err
    assert "all 2 calls already there" in err
    admin = make_engine(parse(team.url))
    try:
        with admin.connect() as db:
            owners = db.execute(
                text(
                    "SELECT c.name, k.owner_role FROM calls k "
                    "JOIN contacts c ON c.id = k.contact_id ORDER BY k.id"
                )
            ).all()
            assert [tuple(o) for o in owners] == [
                ("Dana Whitfield", priya),
                ("Dana Whitfield", sam),  # one Dana, called by both
                ("Lee Chen", sam),
            ]
            assert db.execute(text("SELECT count(*) FROM notes WHERE kind = 'note'")).scalar() == 3
    finally:
        admin.dispose()


def test_a_reps_call_pushed_open_arrives_closed_and_anothers_is_left_alone(
    team: Team,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    isolated_home: Path,
) -> None:
    """Under row-level security (a rep's push, INSERTs not COPY): Sam's call pushed
    open, then continued and closed here, arrives closed with the new note; a call
    of his history that the admin pushed first (the admin's) gets nothing from
    Sam's push, and his push still goes through."""
    from callmate.locations import database_path

    sam = team.add(capsys, monkeypatch)
    local = Repository.open(database_path(isolated_home))
    try:
        theirs = local.start_call(a_call("Lee Chen"))
        assert theirs.id is not None
        assert main(["db", "push", "--database-url", team.url]) == 0  # the admin's now
        call = local.start_call(a_call())
        assert call.id is not None
        local.save_note(call.id, Note(kind=NoteKind.NOTE, text="before", created_at=NOW))
        assert main(["db", "push", "--database-url", team.url_of(sam)]) == 0
        local.save_note(call.id, Note(kind=NoteKind.NOTE, text="after", created_at=NOW))
        local.save_note(theirs.id, Note(kind=NoteKind.NOTE, text="not mine", created_at=NOW))
        local.finish_call(
            call.id,
            outcome=Outcome.YES,
            next_step=NextStep(what="contract", owner=StepOwner.US, due=date(2026, 12, 1)),
            ended_at=NOW + timedelta(minutes=5),
        )
    finally:
        local.close()
    capsys.readouterr()
    code = main(["db", "push", "--database-url", team.url_of(sam)])
    _out, err = capsys.readouterr()
    assert code == 0, err
    assert err.rstrip().endswith("Since the last push: 1 note added and 1 call closed.")
    admin = make_engine(parse(team.url))
    try:
        with admin.connect() as db:
            rows = db.execute(
                text(
                    "SELECT c.name, k.owner_role, k.status, k.next_step_what,"
                    " array_agg(n.text ORDER BY n.id) FILTER (WHERE n.id IS NOT NULL)"
                    " FROM calls k JOIN contacts c ON c.id = k.contact_id"
                    " LEFT JOIN notes n ON n.call_id = k.id"
                    " GROUP BY c.name, k.id ORDER BY k.id"
                )
            ).all()
    finally:
        admin.dispose()
    assert [tuple(row) for row in rows] == [
        ("Lee Chen", pg_schema_admin(team), "live", None, None),
        ("Dana Whitfield", sam, "done", "contract", ["before", "after"]),
    ]


def pg_schema_admin(team: Team) -> str:
    """The role the team's admin URL logs in as."""
    return parse(team.url).user or ""


def test_add_user_without_a_password(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    role = f"peer_{next(_numbers)}_{secrets.token_hex(3)}"
    code = main(["db", "add-user", role, "--no-password", "--manager", "--database-url", team.url])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"Added manager {role} to " in out
    assert out.endswith(
        f"they connect with postgresql://{role}@{team.server.url().split('@')[1]}".rsplit("/", 1)[0]
        + f"/{team.database}\n"
    )
    assert out.count("\n") == 1 and team.server.password not in out
    admin = make_engine(parse(team.url))
    try:
        with admin.connect() as db:
            login, password = db.execute(
                text("SELECT rolcanlogin, rolpassword FROM pg_authid WHERE rolname = :r"),
                {"r": role},
            ).one()
            assert login is True and password is None
            assert db.execute(
                text("SELECT is_manager FROM callmate_users WHERE role_name = :r"), {"r": role}
            ).scalar_one()
    finally:
        admin.dispose()
    code = main(["db", "add-user", "no good", "--no-password", "--database-url", team.url])
    _out, err = capsys.readouterr()
    assert code == 2 and "a user name is letters, digits" in err and err.count("\n") == 1


def test_a_reps_search_uses_the_index(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row-level security must not cost search its GIN index: a read policy with a
    condition on notes made PostgreSQL scan every note for a rep (``@@`` is not
    leakproof, so it can't run before the policy)."""
    rep = team.add(capsys, monkeypatch)
    made_by(team, rep)
    engine = team.engine_of(rep)
    try:
        with engine.begin() as db:
            db.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table: force the choice
            for table, (_text, rows) in pg_schema._SEARCHED.items():
                where = f" AND {rows}" if rows else ""  # each index is partial on these
                plan = "\n".join(
                    db.execute(
                        text(
                            f"EXPLAIN SELECT id FROM {table} WHERE search_vector @@ "
                            f"to_tsquery('callmate_search', 'spreadsheets'){where}"
                        )
                    ).scalars()
                )
                if table == "notes":  # its policy hides private notes: search goes round it
                    continue
                assert "Seq Scan" not in plan and "callmate_" not in plan, plan
            # The notes: through the search function, whose statement (run as the
            # tables' owner, whom the policies don't hold) finds them by the index.
            (body,) = db.execute(
                text("SELECT prosrc FROM pg_proc WHERE proname = :f"),
                {"f": pg_search.NOTES_MATCHING},
            ).one()
        with make_engine(parse(team.url)).begin() as admin:
            admin.execute(text("SET LOCAL enable_seqscan = off"))
            statement = body.replace("query", "to_tsquery('callmate_search', 'spreadsheets')")
            statement = statement.replace("lim", "40")
            plan = "\n".join(admin.execute(text(f"EXPLAIN {statement}")).scalars())
            assert "Bitmap Index Scan on search_notes" in plan, plan
            assert "Seq Scan" not in plan, plan
    finally:
        engine.dispose()


def test_private_notes_are_their_reps_and_the_managers(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through plain SQL and search, as each role: rep A reads none of rep B's
    private notes (``#``), B reads theirs, a manager reads them all; A can't
    reach them through the search function either."""
    rep_a = team.add(capsys, monkeypatch, "--name", "Sam Rivera")
    rep_b = team.add(capsys, monkeypatch, "--name", "Priya Shah")
    boss = team.add(capsys, monkeypatch, "--manager", "--name", "Morgan Lee")
    made_by(team, rep_b, private="margin floor twelve")
    made_by(team, rep_a, private="sams own margin")

    def seen(role: str) -> tuple[list[str], list[str], list[str], list[str]]:
        engine = team.engine_of(role)
        try:
            with engine.connect() as db:
                rows = db.execute(
                    text("SELECT text FROM notes WHERE kind = 'private' ORDER BY id")
                ).scalars()
                plain = list(rows)
                matching = db.execute(
                    text(
                        "SELECT text FROM notes WHERE search_vector @@ "
                        "to_tsquery('callmate_search', 'margin') ORDER BY id"
                    )
                ).scalars()
                searched_sql = list(matching)
                # pg_search both ways: the newest rows first, and (a window of
                # one row: every source short) the GIN index's function.
                recent = [h.text for h in pg_search.search(db, "margin") if h.source == "note"]
                older = [
                    h.text for h in pg_search.search(db, "marg", window=1) if h.source == "note"
                ]
                return plain, searched_sql, sorted(recent), sorted(older)
        finally:
            engine.dispose()

    mine = ["sams own margin"]
    assert seen(rep_a) == (mine, mine, mine, mine)
    priyas = ["margin floor twelve"]
    assert seen(rep_b) == (priyas, priyas, priyas, priyas)
    both = ["margin floor twelve", "sams own margin"]
    assert seen(boss) == (both, both, both, both)
    # A's way round the policy, the search function called by hand: the same rule.
    engine = team.engine_of(rep_a)
    try:
        with engine.connect() as db:
            found = db.execute(
                text(
                    f"SELECT text FROM {pg_search.NOTES_MATCHING}"
                    "(to_tsquery('callmate_search', 'twelve'), 100)"
                )
            ).all()
            assert found == []
            # B's private note can't be written by A either (nor seen to be updated).
            assert (
                db.execute(
                    text(
                        "UPDATE notes SET text = 'x' WHERE kind = 'private' "
                        "AND owner_role <> CURRENT_USER"
                    )
                ).rowcount
                == 0
            )
    finally:
        engine.dispose()
    # Not a callmate user: not even the search function.
    admin = make_engine(parse(team.url))
    try:
        with admin.begin() as db:
            db.execute(text("CREATE ROLE outsider_fn LOGIN PASSWORD 'pw12345'"))
            db.execute(text("GRANT USAGE ON SCHEMA public TO outsider_fn"))
    finally:
        admin.dispose()
    outsider = make_engine(
        parse(team.server.url(team.database, user="outsider_fn", password="pw12345"))
    )
    try:
        with pytest.raises(DBAPIError) as raised, outsider.connect() as db:
            db.execute(
                text(
                    f"SELECT * FROM {pg_search.NOTES_MATCHING}"
                    "(to_tsquery('callmate_search', 'margin'), 100)"
                )
            )
        assert raised.value.orig.sqlstate == "42501"  # type: ignore[union-attr]
    finally:
        outsider.dispose()
        admin = make_engine(parse(team.url))
        try:
            with admin.begin() as db:
                db.execute(text("DROP OWNED BY outsider_fn"))
                db.execute(text("DROP ROLE outsider_fn"))
        finally:
            admin.dispose()


def test_planning_a_call_sees_another_reps_recent_conversation(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    priya = team.add(capsys, monkeypatch, "--name", "Priya Shah")
    sam = team.add(capsys, monkeypatch)
    hers = made_by(team, priya)
    made_by(team, sam)  # Sam's own call with Dana is not "another rep's"
    month_ago = NOW - timedelta(days=30)
    repo = Repository.open_url(team.url_of(sam))
    try:
        dana = repo.get_call(hers).contact.id
        assert dana is not None
        found = repo.other_reps_call(dana, month_ago)
        assert found is not None
        assert (found.call_id, found.rep, found.started_at) == (hers, "Priya Shah", NOW)
        assert (found.next_step, found.next_step_due, found.next_step_done) == (
            "demo",
            date(2026, 11, 19),
            False,
        )
        assert repo.other_reps_call(dana, NOW + timedelta(seconds=1)) is None  # not since
    finally:
        repo.close()
    repo = Repository.open_url(team.url_of(priya))
    try:
        mine = repo.other_reps_call(dana, month_ago)
        assert mine is not None and mine.rep != "Priya Shah"  # Sam's, not her own
    finally:
        repo.close()


def test_an_admin_who_is_no_superuser_runs_the_team(
    pg_server: PostgresServer,
    pg_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    isolated_home: Path,
) -> None:
    """The usual managed PostgreSQL: the admin owns the database and may create
    roles, nothing more. Owning the tables, row-level security does not hold
    them (ENABLE, not FORCE): upgrade, add-user, push, and moving a rep's calls."""
    admin_role = f"admin_{next(_numbers)}_{secrets.token_hex(3)}"
    admin_password = secrets.token_urlsafe(12)
    database = f"managed_{next(_numbers)}"
    superuser = make_engine(parse(pg_url), isolation_level="AUTOCOMMIT")
    try:
        with superuser.connect() as db:
            db.execute(
                text(f"CREATE ROLE {admin_role} LOGIN CREATEROLE PASSWORD '{admin_password}'")
            )
            db.execute(text(f"CREATE DATABASE {database} OWNER {admin_role}"))
    finally:
        superuser.dispose()
    admin_url = pg_server.url(database, user=admin_role, password=admin_password)
    assert main(["db", "upgrade", "--database-url", admin_url]) == 0, capsys.readouterr().err
    team = Team(pg_server, database, admin_url, {})
    rep = team.add(capsys, monkeypatch)
    theirs = made_by(team, rep)

    from callmate.locations import database_path

    local = Repository.open(database_path(isolated_home))
    try:
        local.start_call(a_call("Lee Chen"))
    finally:
        local.close()
    assert main(["db", "push", "--database-url", admin_url]) == 0, capsys.readouterr().err
    engine = make_engine(parse(admin_url))
    try:
        with engine.begin() as db:
            owners = db.execute(text("SELECT owner_role FROM calls ORDER BY id")).scalars().all()
            assert owners == [rep, admin_role]  # the push made the admin's own call
            moved = db.execute(
                text("UPDATE calls SET owner_role = :me WHERE id = :c"),
                {"me": admin_role, "c": theirs},
            ).rowcount
            assert moved == 1  # the owner hands a departed rep's call on
            notes = db.execute(
                text("SELECT DISTINCT owner_role FROM notes WHERE call_id = :c"), {"c": theirs}
            ).scalars()
            assert list(notes) == [admin_role]  # its notes went with it
    finally:
        engine.dispose()
    rep_engine = team.engine_of(rep)
    try:
        with rep_engine.begin() as db:
            gone = db.execute(text("UPDATE calls SET goal = 'x' WHERE id = :c"), {"c": theirs})
            assert gone.rowcount == 0  # no longer theirs
    finally:
        rep_engine.dispose()


def test_home_is_my_agenda_and_the_team_agenda_is_everyones(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Home's agenda, the calls offered to resume and the discard Ctrl+Z brings
    back are the rep's own (another's live call can't be typed into: its rows
    are not theirs); the team's overdue promises are everyone's."""
    sam = team.add(capsys, monkeypatch)
    priya = team.add(capsys, monkeypatch)
    made_by(team, sam)
    made_by(team, priya)
    hers = Repository.open_url(team.url_of(priya))
    try:
        live = hers.start_call(a_call("Lee Chen"))  # Priya is on a call right now
        set_aside = hers.start_call(a_call("Kim Park"))
        assert live.id is not None and set_aside.id is not None
        assert hers.discard_call(set_aside.id, NOW)
    finally:
        hers.close()
    repo = Repository.open_url(team.url_of(sam))
    try:
        today = date(2026, 11, 22)
        agenda = repo.agenda(today, NOW - timedelta(days=30))
        overdue = [(item.kind, item.what) for item in agenda.overdue.steps]
        assert overdue == [("ours", "send pricing"), ("next_step", "demo")]  # Sam's only
        assert agenda.overdue.total == 2
        assert repo.live_calls() == []  # Priya's live call is not Sam's to resume
        assert repo.restorable_discard() is None
        assert repo.open_commitments() and all(
            step.call_id != live.id for step in repo.open_commitments()
        )
        assert sorted(a.role for a in repo.team_agenda(today)) == sorted([sam, priya])
        assert {c.id for c in repo.recent_calls()} >= {live.id}  # the team's recent calls
    finally:
        repo.close()
    hers = Repository.open_url(team.url_of(priya))
    try:
        assert [c.id for c in hers.live_calls()] == [live.id]
        restorable = hers.restorable_discard()
        assert restorable is not None and restorable.id == set_aside.id
    finally:
        hers.close()


def test_upgrading_from_version_5_hides_private_notes_and_grants_search(
    pg_server: PostgresServer,
    pg_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Reps added at version 5 (every note readable), then ``callmate db upgrade``:
    version 6 hides their private notes from each other and grants them the
    search function (the upgrade re-grants every callmate user)."""
    database = f"roles_v5_{next(_numbers)}"
    url = pg_server.create_database(database)
    engine = make_engine(parse(url))
    team_v5 = Team(pg_server, database, url, {})
    try:
        with monkeypatch.context() as version_5:  # callmate 5: its schema, add-user, reads
            version_5.setattr(pg_schema, "LATEST", 5)
            version_5.setattr("callmate.store.team.LATEST", 5)
            pg_schema.upgrade(engine)
            assert pg_schema.current_version(engine) == 5
            rep_a = team_v5.add(capsys, monkeypatch)
            rep_b = team_v5.add(capsys, monkeypatch)
            made_by(team_v5, rep_b, private="margin floor twelve")
            a_engine = team_v5.engine_of(rep_a)
            try:
                with a_engine.connect() as db:
                    texts = db.execute(text("SELECT text FROM notes WHERE kind = 'private'"))
                    assert texts.scalars().all() == ["margin floor twelve"], "version 5: read"
            finally:
                a_engine.dispose()
        code = main(["db", "upgrade", "--database-url", url])
        out, err = capsys.readouterr()
        assert code == 0 and f"from version 5 to {pg_schema.LATEST}" in out, out + err
        a_engine = team_v5.engine_of(rep_a)
        try:
            with a_engine.connect() as db:
                private = db.execute(text("SELECT count(*) FROM notes WHERE kind = 'private'"))
                assert private.scalar_one() == 0
                assert [h.source for h in pg_search.search(db, "margin", window=1)] == []
                hits = pg_search.search(db, "spreadsheets", window=1)  # B's plain note
                assert [h.text for h in hits] == ["they use spreadsheets"]
        finally:
            a_engine.dispose()
        b_engine = team_v5.engine_of(rep_b)
        try:
            with b_engine.connect() as db:
                hits = pg_search.search(db, "margin", window=1)
                assert [h.text for h in hits] == ["margin floor twelve"]
        finally:
            b_engine.dispose()
    finally:
        engine.dispose()


def shadowing_gets_nothing(team: Team, rep_a: str, rep_b: str) -> None:
    """Rep A's temporary tables named like callmate's: a ``callmate_users``
    making A a manager, a ``calls`` making A the owner of B's call. Neither
    reaches the policies or the search function (they look in ``pg_temp``
    last): A reads none of B's private notes and deletes none of B's notes."""
    hers = made_by(team, rep_b, private="margin floor twelve")
    engine = team.engine_of(rep_a)
    try:
        with engine.begin() as db:
            db.execute(
                text("CREATE TEMP TABLE callmate_users (role_name text, is_manager boolean)")
            )
            db.execute(text("INSERT INTO callmate_users VALUES (CURRENT_USER, true)"))
            db.execute(text("CREATE TEMP TABLE calls (id integer, owner_role text)"))
            db.execute(text("INSERT INTO calls VALUES (:id, CURRENT_USER)"), {"id": hers})
            private = db.execute(
                text("SELECT count(*) FROM public.notes WHERE kind = 'private'")
            ).scalar_one()
            assert private == 0, "a temporary callmate_users made a rep a manager"
            found = db.execute(
                text(
                    f"SELECT text FROM public.{pg_search.NOTES_MATCHING}"
                    "(to_tsquery('callmate_search', 'twelve'), 100)"
                )
            ).all()
            assert found == [], "the search function read a temporary callmate_users"
            deleted = db.execute(
                text("DELETE FROM public.notes WHERE call_id = :id"), {"id": hers}
            ).rowcount
            assert deleted == 0, "a temporary calls table made a rep the owner of B's call"
            moved = db.execute(
                text("UPDATE public.questions SET text = 'x' WHERE call_id = :id"), {"id": hers}
            ).rowcount
            assert moved == 0
    finally:
        engine.dispose()
    admin = make_engine(parse(team.url))
    try:
        with admin.connect() as db:
            kept = db.execute(
                text("SELECT count(*) FROM notes WHERE call_id = :id"), {"id": hers}
            ).scalar_one()
            assert kept == 3  # the note, the promise and the private note: none gone
    finally:
        admin.dispose()


def test_a_reps_temporary_tables_stand_in_for_nothing(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rep_a = team.add(capsys, monkeypatch, "--name", "Sam Rivera")
    rep_b = team.add(capsys, monkeypatch, "--name", "Priya Shah")
    shadowing_gets_nothing(team, rep_a, rep_b)


def test_upgrading_from_version_6_closes_the_temporary_table_way_round(
    pg_server: PostgresServer,
    pg_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A database made by version 6 (functions with the search path they were
    made with, pg_temp first), then ``callmate db upgrade``: version 7 pins them."""
    database = f"roles_v6_{next(_numbers)}"
    url = pg_server.create_database(database)
    engine = make_engine(parse(url))
    team_v6 = Team(pg_server, database, url, {})
    try:
        with monkeypatch.context() as version_6:
            version_6.setattr(pg_schema, "LATEST", 6)
            version_6.setattr("callmate.store.team.LATEST", 6)
            pg_schema.upgrade(engine)
            rep_a = team_v6.add(capsys, monkeypatch)
            rep_b = team_v6.add(capsys, monkeypatch)
        code = main(["db", "upgrade", "--database-url", url])
        out, err = capsys.readouterr()
        assert code == 0 and f"from version 6 to {pg_schema.LATEST}" in out, out + err
        shadowing_gets_nothing(team_v6, rep_a, rep_b)
    finally:
        engine.dispose()
