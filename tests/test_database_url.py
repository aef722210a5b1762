"""The team database's URL (issue 19): where it comes from, how it is shown, and
every failure to reach it as one line naming the host, never the password.
The failures are real: a real PostgreSQL (tests/pg_server.py) refuses them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from callmate.cli import main
from callmate.store import database_url
from callmate.store.database_url import DatabaseUnavailable, DatabaseUrlError, check, parse
from tests.pg_server import PostgresServer
from tests.test_startup_imports import loaded_after, seed_one_call

SECRET = "s3cret-Pa55"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_without(secret: str, text: str) -> None:
    assert text.strip() and "\n" not in text.strip(), text
    assert "Traceback" not in text
    assert secret not in text


# -- where the URL comes from ------------------------------------------------------
def test_unset_everywhere_is_the_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALLMATE_DATABASE_URL", raising=False)
    assert database_url.configured() is None
    monkeypatch.setenv("CALLMATE_DATABASE_URL", "  ")
    assert database_url.configured() is None  # empty is unset


def test_flag_beats_environment_beats_settings(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = isolated_home / "settings.toml"
    settings.write_text(settings.read_text() + 'database_url = "postgresql://file@h1/db1"\n')
    found = database_url.configured()
    assert found is not None and (found.user, found.source) == ("file", "settings.toml")
    monkeypatch.setenv("CALLMATE_DATABASE_URL", "postgresql://env@h2/db2")
    found = database_url.configured()
    assert found is not None and (found.user, found.host) == ("env", "h2")
    found = database_url.configured("postgresql+psycopg://flag@h3:6543/db3")
    assert found is not None
    assert (found.user, found.host, found.port, found.database, found.source) == (
        "flag",
        "h3",
        6543,
        "db3",
        "--database-url",
    )


def test_a_broken_settings_file_keeps_sqlite(isolated_home: Path) -> None:
    (isolated_home / "settings.toml").write_bytes(b'database_url = "postgresql://x@h/d\n[[[')
    assert database_url.configured() is None


def test_the_password_is_never_shown() -> None:
    url = parse(f"postgresql://sam:{SECRET}@db.example/callmate")
    assert url.shown() == "postgresql://sam:***@db.example:5432/callmate"
    assert SECRET not in repr(url)
    assert SECRET not in str(url.sqlalchemy_url())  # SQLAlchemy's own rendering hides it too
    assert url.sqlalchemy_url().password == SECRET


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://sam:pw@h/db", "must start with postgresql://"),
        ("db.example/callmate", "must start with postgresql://"),
        ("postgresql://sam:pw@/callmate", "names no host"),
        ("postgresql://sam:pw@db.example", "names no database"),
        ("postgresql://sam:pw@db.example:99999/x", "port"),
        ("postgresql://sam:pw@db.example:port/x", "port"),
    ],
)
def test_a_url_that_cannot_be_used_is_one_line(url: str, says: str) -> None:
    with pytest.raises(DatabaseUrlError) as raised:
        parse(url)
    assert says in str(raised.value)
    one_line_without(":pw@", str(raised.value))


def test_the_cli_refuses_a_bad_url_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALLMATE_DATABASE_URL", f"mysql://sam:{SECRET}@h/db")
    code, out, err = run(capsys, "due")
    assert code == 2 and out == ""
    assert "CALLMATE_DATABASE_URL must start with postgresql://" in err
    one_line_without(SECRET, err)


@pytest.mark.parametrize("argv", [["due"], ["search", "x"], ["export"], ["recap", "1"]])
def test_commands_on_a_team_database_out_of_reach_say_so_in_one_line(
    capsys: pytest.CaptureFixture[str], isolated_home: Path, argv: list[str]
) -> None:
    """The data commands work on the team database (tests/test_team_cli.py); one
    that can't be reached is one line naming the host, and no SQLite file is made."""
    code, out, err = run(
        capsys, "--database-url", f"postgresql://sam:{SECRET}@127.0.0.1:1/team", *argv
    )
    assert code == 2 and out == ""
    assert err.startswith("callmate: ") and "127.0.0.1:1" in err
    one_line_without(SECRET, err)
    assert not (isolated_home / "callmate.db").exists()  # nothing fell back to SQLite


def test_db_commands_without_a_team_database_say_what_to_set(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _out, err = run(capsys, "db", "status")
    assert code == 2 and "CALLMATE_DATABASE_URL" in err
    one_line_without(SECRET, err)


# -- against a real server ---------------------------------------------------------
def test_status_reaches_the_real_server(
    capsys: pytest.CaptureFixture[str], pg_server: PostgresServer, pg_url: str
) -> None:
    code, out, err = run(capsys, "db", "status", "--database-url", pg_url)
    assert code == 1, err  # reached, but callmate's tables are not made there
    assert f"127.0.0.1:{pg_server.port}/callmate_test: PostgreSQL 1" in out
    assert "run `callmate db upgrade`" in out
    assert pg_server.password not in out + err


def failures(server: PostgresServer, wrong_port: int) -> dict[str, tuple[str, str]]:
    """A URL that fails, and what its one line must say."""
    return {
        "wrong port": (
            server.url("callmate_test", port=wrong_port),
            f"127.0.0.1:{wrong_port}: nothing is listening there (connection refused)",
        ),
        "wrong password": (
            server.url("callmate_test", password=SECRET),
            f"127.0.0.1:{server.port}: wrong password for user callmate",
        ),
        "missing database": (
            server.url("no_such_db"),
            f"127.0.0.1:{server.port}: there is no database no_such_db",
        ),
        "unknown user": (
            server.url("callmate_test", user="nobody_here", password=SECRET),
            f"127.0.0.1:{server.port}: wrong password for user nobody_here",
        ),
        "no password": (
            f"postgresql://callmate@127.0.0.1:{server.port}/callmate_test",
            "wants a password for user callmate",
        ),
    }


@pytest.mark.parametrize(
    "case", ["wrong port", "wrong password", "missing database", "unknown user", "no password"]
)
def test_each_failure_is_one_line_naming_the_host(
    capsys: pytest.CaptureFixture[str],
    pg_server: PostgresServer,
    closed_port: int,
    pg_url: str,
    case: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PGPASSFILE", os.devnull)  # no ~/.pgpass stands in
    url, says = failures(pg_server, closed_port)[case]
    with pytest.raises(DatabaseUnavailable) as raised:
        check(parse(url))
    assert says in str(raised.value)
    one_line_without(SECRET, str(raised.value))
    assert pg_server.password not in str(raised.value)
    code, out, err = run(capsys, "db", "status", "--database-url", url)
    assert code == 2 and out == ""
    assert err.startswith("callmate: cannot use the team database at 127.0.0.1:")
    assert says in err
    one_line_without(SECRET, err)


def test_a_password_with_url_characters_connects(pg_server: PostgresServer, pg_url: str) -> None:
    from sqlalchemy import create_engine, text

    tricky = "p@ss:w/rd%?#"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE ROLE rep LOGIN PASSWORD '{tricky}'"))
    finally:
        admin.dispose()
    from urllib.parse import quote

    url = f"postgresql://rep:{quote(tricky, safe='')}@127.0.0.1:{pg_server.port}/callmate_test"
    assert check(parse(url)).startswith("PostgreSQL 1")


def test_without_psycopg_it_says_how_to_install_it(
    pg_server: PostgresServer, pg_url: str, tmp_path: Path
) -> None:
    """In a fresh interpreter where psycopg can't be imported (as without the extra)."""
    program = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from callmate.cli import main\n"
        f"raise SystemExit(main(['db', 'status', '--database-url', {pg_url!r}]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "CALLMATE_HOME": str(tmp_path)},
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 2
    assert "needs psycopg, which is not installed: pip install 'callmate[postgres]'" in (
        result.stderr
    )
    assert f"127.0.0.1:{pg_server.port}" in result.stderr
    one_line_without(pg_server.password, result.stderr)


# -- unset costs nothing ---------------------------------------------------------------
def test_unset_the_read_commands_never_load_the_url_module(tmp_path: Path) -> None:
    seed_one_call(tmp_path)
    modules = loaded_after("from callmate.cli import main\nassert main(['due']) == 0", tmp_path)
    assert "callmate.store.due_lines" in modules  # it did read the SQLite file
    assert "callmate.store.database_url" not in modules
    assert "tomllib" not in modules
