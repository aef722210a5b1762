"""The throwaway PostgreSQL the tests use (tests/pg_server.py) is a real server."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from tests.pg_server import PostgresServer


def test_the_session_server_answers_over_loopback(pg_server: PostgresServer, pg_url: str) -> None:
    engine = create_engine(pg_url)
    try:
        with engine.connect() as connection:
            version = connection.execute(text("select version()")).scalar_one()
            port = connection.execute(text("select inet_server_port()")).scalar_one()
            database = connection.execute(text("select current_database()")).scalar_one()
    finally:
        engine.dispose()
    assert version.startswith("PostgreSQL ")
    assert port == pg_server.port  # over TCP on loopback, not the socket
    assert database == "callmate_test"


def test_the_server_refuses_a_wrong_password(pg_server: PostgresServer, pg_url: str) -> None:
    """Password auth is on over TCP, so the connection-failure tests mean something."""
    import psycopg

    engine = create_engine(pg_server.url("callmate_test", password="not-it"))
    try:
        with engine.connect():
            raise AssertionError("connected with a wrong password")
    except Exception as error:
        assert isinstance(getattr(error, "orig", None), psycopg.OperationalError)
        assert "password authentication failed" in str(error)
    finally:
        engine.dispose()
