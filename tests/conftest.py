"""Every test gets its own data dir and a frozen clock; nothing touches ~."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from callmate.app import CallmateApp, make_app
from callmate.clock import FrozenClock
from callmate.store.repository import Repository
from tests.helpers import FakeClipboard
from tests.pg_server import PostgresServer, find_bindir, why_not_available

os.environ["TZ"] = "UTC"
time.tzset()

# Sunday 22 November 2026, 15:00 UTC: the fixed "now" of every UI test.
NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


SETTINGS = """
user_name = "Sam Rivera"
signature = "Best regards,\\nSam Rivera"
signature_asked = true
"""


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data dir per test, holding settings of a user who already set them up.

    (Tests of the first run remove ``settings.toml``.)
    """
    home = tmp_path / "callmate-home"
    home.mkdir()
    (home / "settings.toml").write_text(SETTINGS)
    monkeypatch.setenv("CALLMATE_HOME", str(home))
    monkeypatch.delenv("CALLMATE_CONFIG", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    return home


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL for the whole session (tests/pg_server.py), stopped at its
    end whatever happened; the tests using it skip, saying why, where there is none."""
    reason = why_not_available()
    if reason is not None:
        if os.environ.get("CALLMATE_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL tests can't run: {reason}", pytrace=False)
        pytest.skip(f"PostgreSQL tests: {reason}")
    server = PostgresServer(find_bindir() or Path())
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port bound but not listening for the whole test: a connection is refused.

    A port merely probed free can be taken by another server (a test's own
    PostgreSQL) before the connection is tried; a bound socket can't.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        yield int(held.getsockname()[1])


@pytest.fixture(scope="session")
def pg_url(pg_server: PostgresServer) -> str:
    """The URL of an empty database on the session's server (psycopg needed to use it)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL tests: psycopg is not installed (pip install 'callmate[postgres]')")
    return pg_server.create_database("callmate_test")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def clipboard() -> FakeClipboard:
    return FakeClipboard()


@pytest.fixture
def app(isolated_home: Path, clock: FrozenClock, clipboard: FakeClipboard) -> Iterator[CallmateApp]:
    application = make_app(isolated_home, clock=clock, clipboard=clipboard)
    yield application
    application.store.close()


@pytest.fixture(scope="session")
def pg_store_url(pg_server: PostgresServer) -> str:
    """A database on the session's server with callmate's schema current (made once);
    :func:`store_repo` empties it before each test."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL tests: psycopg is not installed (pip install 'callmate[postgres]')")
    from callmate.store import database_url, pg_schema

    url = pg_server.create_database("callmate_store")
    engine = database_url.make_engine(database_url.parse(url))
    try:
        pg_schema.upgrade(engine)
    finally:
        engine.dispose()
    return url


def empty_team_database(repo: Repository) -> None:
    """Every callmate table emptied, its id sequence back at 1 (between tests)."""
    from sqlalchemy import text

    from callmate.store.schema import Base

    tables = ", ".join(Base.metadata.tables)
    with repo.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def team(pg_store_url: str) -> Iterator[Repository]:
    """The team database's Repository, emptied first."""
    repository = Repository.open_url(pg_store_url)
    empty_team_database(repository)
    try:
        yield repository
    finally:
        repository.close()


@pytest.fixture
def local(isolated_home: Path) -> Iterator[Repository]:
    """The Repository of the isolated data dir's SQLite file."""
    from callmate.locations import database_path

    repository = Repository.open(database_path(isolated_home))
    try:
        yield repository
    finally:
        repository.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Repository]:
    """A Repository on each backend: a new SQLite file, or the team database
    (PostgreSQL, tests/pg_server.py) emptied; the same test runs on both."""
    if request.param == "sqlite":
        repository = Repository.open(tmp_path / "callmate.db")
    else:
        repository = Repository.open_url(request.getfixturevalue("pg_store_url"))
        empty_team_database(repository)
    try:
        yield repository
    finally:
        repository.close()
