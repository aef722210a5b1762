"""``callmate db upgrade`` / ``db status`` on a real PostgreSQL (issue 19): the
tables of the SQLite schema, what SQLite's triggers do, and concurrent upgrades."""

from __future__ import annotations

import itertools
import threading
from datetime import date

import pytest
from sqlalchemy import create_engine, inspect, text

from callmate.cli import main
from callmate.store import pg_schema
from callmate.store.database_url import make_engine, parse
from callmate.store.schema import Base
from tests.pg_server import PostgresServer

_numbers = itertools.count(1)


@pytest.fixture
def team_url(pg_server: PostgresServer, pg_url: str) -> str:
    """A fresh, empty database on the session's server."""
    return pg_server.create_database(f"team_{next(_numbers)}")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_status_then_upgrade_then_status(
    capsys: pytest.CaptureFixture[str], team_url: str, pg_server: PostgresServer
) -> None:
    code, out, _err = run(capsys, "db", "status", "--database-url", team_url)
    assert code == 1 and "no callmate tables yet: run `callmate db upgrade`" in out
    code, out, err = run(capsys, "db", "upgrade", "--database-url", team_url)
    assert code == 0, err
    assert f"schema upgraded from version 0 to {pg_schema.LATEST}" in out
    assert pg_server.password not in out + err
    code, out, _err = run(capsys, "db", "status", "--database-url", team_url)
    assert code == 0 and f"callmate's schema version {pg_schema.LATEST} (current)" in out
    code, out, _err = run(capsys, "db", "upgrade", "--database-url", team_url)
    assert code == 0 and f"already at version {pg_schema.LATEST}; nothing to do" in out


def test_the_tables_are_the_sqlite_schemas(team_url: str) -> None:
    engine = make_engine(parse(team_url))
    try:
        pg_schema.upgrade(engine)
        inspector = inspect(engine)
        assert set(inspector.get_table_names()) == {
            *Base.metadata.tables,
            "callmate_schema",
            pg_schema.USERS_TABLE,  # version 3
        }
        team_only = {  # version 3's: the call's rep, one contact per name and company
            "ix_calls_owner_role",
            "ix_calls_open_steps_owner",
            "ix_notes_open_commitments_owner",
            pg_schema.CONTACT_KEY_INDEX,
            pg_schema.CONTACT_EMAIL_INDEX,  # version 4's: a save finds the same e-mail
        }
        for name, table in Base.metadata.tables.items():
            columns = {c["name"] for c in inspector.get_columns(name)} - {
                "search_vector",
                pg_schema.OWNER_COLUMN,
            }
            assert columns == {c.name for c in table.columns}, name
            indexes = {
                i["name"]: i
                for i in inspector.get_indexes(name)
                if not i["name"].startswith("search_")  # pg_search's, version 2
                and i["name"] not in team_only
            }
            assert set(indexes) == {i.name for i in table.indexes}, name
        partial = {i["name"]: i for i in inspector.get_indexes("notes")}
        where = partial["ix_notes_open_commitments"]["dialect_options"]["postgresql_where"]
        assert "done_at IS NULL" in where  # a partial index, as on SQLite
    finally:
        engine.dispose()


def test_what_sqlites_triggers_do_happens_here(team_url: str) -> None:
    engine = make_engine(parse(team_url))
    try:
        pg_schema.upgrade(engine)
        with engine.begin() as db:
            contact = db.execute(
                text(
                    "INSERT INTO contacts (name, company, created_at, role)"
                    " VALUES ('Dana', '', '2026-11-01', 'other') RETURNING id, uuid"
                )
            ).one()
            assert contact.uuid and len(contact.uuid) == 36  # the default stands in
            insert_call = text(
                "INSERT INTO calls (contact_id, goal, backup_goal, status, started_at,"
                " next_step_due, connection, reason_text) VALUES"
                " (:c, 'g', '', 'done', :at, :due, :how, '') RETURNING id"
            )
            first = db.execute(
                insert_call,
                {"c": contact.id, "at": "2026-11-02", "due": date(2026, 12, 1), "how": "connected"},
            ).scalar_one()
            db.execute(
                insert_call,
                {"c": contact.id, "at": "2026-11-09", "due": None, "how": "no_answer"},
            )

            def last() -> object:
                return db.execute(
                    text("SELECT last_call_at::date FROM contacts WHERE id = :c"),
                    {"c": contact.id},
                ).scalar()

            assert last() == date(2026, 11, 2)  # the attempt does not count: going cold works
            db.execute(
                text("UPDATE calls SET discarded_at = '2026-11-03' WHERE id = :i"), {"i": first}
            )
            assert last() is None  # recomputed: nothing connected is left
            db.execute(
                text("UPDATE calls SET next_step_due = '2026-12-08' WHERE id = :i"), {"i": first}
            )
            moves = db.execute(text("SELECT call_id, from_date, to_date FROM date_moves")).all()
            assert moves == [(first, date(2026, 12, 1), date(2026, 12, 8))]
    finally:
        engine.dispose()


def test_two_upgrades_at_once_make_the_schema_once(team_url: str) -> None:
    results: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def upgrade() -> None:
        engine = make_engine(parse(team_url))
        try:
            start.wait()
            results.append(pg_schema.upgrade(engine))
        except BaseException as error:
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=upgrade) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(results) == [
        0,
        pg_schema.LATEST,
    ]  # one made it, the other waited and found it made
    engine = create_engine(parse(team_url).sqlalchemy_url())
    try:
        with engine.connect() as db:
            assert db.execute(text("SELECT count(*) FROM callmate_schema")).scalar() == 1
    finally:
        engine.dispose()


def test_a_newer_schema_is_left_alone(capsys: pytest.CaptureFixture[str], team_url: str) -> None:
    engine = make_engine(parse(team_url))
    try:
        pg_schema.upgrade(engine)
        with engine.begin() as db:
            db.execute(text("INSERT INTO callmate_schema (version) VALUES (99)"))
    finally:
        engine.dispose()
    code, _out, err = run(capsys, "db", "upgrade", "--database-url", team_url)
    assert code == 2
    assert f"schema version 99, newer than this callmate understands ({pg_schema.LATEST})" in err
    assert "\n" not in err.strip()
    code, out, _err = run(capsys, "db", "status", "--database-url", team_url)
    assert code == 1 and f"newer than this callmate ({pg_schema.LATEST}): upgrade it" in out
