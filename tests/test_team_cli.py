"""The CLI on the team database (issue 19): ``due``, ``search``, ``recap``, ``ics``,
``export`` and ``import`` against the real throwaway PostgreSQL (tests/pg_server.py).

The same calls are put in both backends the way a user would: a seeded SQLite
history (every kind of promise, attempts, moved dates, kept and late promises,
hostile text) is exported, and the file imported with ``callmate import`` into
a second SQLite data dir and into the team database. Then every command's
output on the team database must be byte for byte the SQLite one's, and the
team database's JSON export the file itself. A failure to use the server is
one line naming the host, without the password.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from callmate.cli import main
from callmate.clock import SystemClock, local_today
from callmate.domain.models import (
    Call,
    Contact,
    NextStep,
    Note,
    NoteKind,
    Outcome,
    Owner,
    Question,
    ResearchArea,
    ResearchLine,
)
from callmate.locations import database_path
from callmate.store import bulk
from callmate.store.database_url import parse
from callmate.store.repository import Repository
from tests.pg_server import PostgresServer
from tests.test_cli_reads import seed_history
from tests.test_cli_robust import private_home

ROOT = Path(__file__).resolve().parent.parent
SECRET = "s3cret-Pa55"
HOSTILE = "[bold red]not markup[/] \x1b[31mred\x1b[0m <b>x</b> \x07bell\x00 \u202eevil ✓"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202e]")
"""What must never reach the terminal (a newline and a tab aside)."""


def record(name: str, *, notes: list[dict[str, object]] | None = None, **fields: object) -> dict:
    """One call as a JSON export holds it (the fields an import requires, and ``fields``)."""
    return {
        "status": "done",
        "contact": {"name": name, "company": ""},
        "goal": "g",
        "started_at": "2026-11-01T10:00:00+00:00",
        "notes": [{"offset_seconds": 0, **note} for note in notes or []],
        **fields,
    }


def run(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``callmate ARGV`` in this process (as tests/test_db_push.py runs it)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def seed_extras(home: Path) -> int:
    """A call with research, questions, a follow-up link and an edited recap, all
    with hostile text; its id."""
    today = local_today(SystemClock())
    now = datetime.now(UTC)
    repo = Repository.open(database_path(home))
    try:
        first = repo.start_call(
            Call(
                contact=Contact(name=f"Dana {HOSTILE}", company=f"Acme {HOSTILE}"),
                goal=f"Agree the pilot {HOSTILE}",
                backup_goal=f"Meet again {HOSTILE}",
                started_at=now - timedelta(days=3),
                research=[
                    ResearchLine(area=ResearchArea.NEWS, text=f"Raised money for a pilot {HOSTILE}")
                ],
                questions=[Question(text=f"Who signs? {HOSTILE}")],
            )
        )
        assert first.id is not None
        repo.save_note(
            first.id, Note(kind=NoteKind.QUOTE, text=f"We love the pilot {HOSTILE}", created_at=now)
        )
        repo.finish_call(
            first.id,
            outcome=Outcome.YES,
            next_step=NextStep(what=f"Send the pilot plan {HOSTILE}", owner=Owner.US, due=today),
            ended_at=now - timedelta(days=3) + timedelta(minutes=20),
        )
        repo.save_recap(first.id, f"Pilot {HOSTILE}", f"Hi Dana,\n{HOSTILE}\nthanks")
        later = repo.start_call(
            Call(
                contact=Contact(name=f"Dana {HOSTILE}", company=f"Acme {HOSTILE}"),
                goal="Sign the pilot",
                started_at=now - timedelta(days=1),
                follows_call_id=first.id,
            )
        )
        assert later.id is not None
        repo.finish_call(
            later.id,
            outcome=Outcome.MAYBE,
            next_step=NextStep(
                what="Call back", owner=Owner.THEM, due=today + timedelta(days=2), due_time=600
            ),
            ended_at=now - timedelta(days=1) + timedelta(minutes=5),
        )
        return later.id
    finally:
        repo.close()


@dataclass
class Both:
    """The same calls in a SQLite data dir and in the team database."""

    sqlite_home: Path
    team_home: Path
    url: str
    export: str
    calls: int
    followed: int


@pytest.fixture
def both(
    isolated_home: Path,
    tmp_path: Path,
    team: Repository,
    pg_store_url: str,
    capsys: pytest.CaptureFixture[str],
) -> Both:
    seed_history(isolated_home)
    followed = seed_extras(isolated_home)
    private_home(isolated_home)
    exported = tmp_path / "calls.json"
    code, _out, err = run("export", "--out", str(exported), capsys=capsys)
    assert code == 0, err
    calls = len(json.loads(exported.read_text(encoding="utf-8"))["calls"])
    assert calls > 20

    other = tmp_path / "sqlite-copy"
    other.mkdir()
    shutil.copy(isolated_home / "settings.toml", other / "settings.toml")
    private_home(other)
    code, _out, err = run("import", str(exported), "--data-dir", str(other), capsys=capsys)
    assert code == 0, err
    code, _out, err = run(
        "import", str(exported), "--database-url", pg_store_url, "--data-dir",
        str(isolated_home), capsys=capsys,
    )  # fmt: skip
    assert code == 0, err
    assert err.strip() == f"Imported {calls} calls from {exported}."
    return Both(
        sqlite_home=other,
        team_home=isolated_home,
        url=pg_store_url,
        export=exported.read_text(encoding="utf-8"),
        calls=calls,
        followed=followed,
    )


def on_both(both: Both, *argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``callmate ARGV`` on the SQLite copy and on the team database: the same
    exit code and output, both returned once."""
    code, out, err = run(*argv, "--data-dir", str(both.sqlite_home), capsys=capsys)
    team_code, team_out, team_err = run(
        *argv, "--data-dir", str(both.team_home), "--database-url", both.url, capsys=capsys
    )
    assert team_err == err
    assert team_code == code
    assert team_out == out
    return code, out


COMPARED = [
    ("due",),
    ("due", "--json"),
    ("due", "--days", "0"),
    ("due", "--days", "40"),
    ("due", "--days", "40", "--json"),
    ("due", "--days", "36500", "--json"),
    ("search", "promise"),
    ("search", "goal"),
    ("search", "person"),
    ("search", "step"),
    ("search", "pilot"),
    ("search", "red", "evil"),
    ("search", "zzzq"),
    ("recap", "999999"),
    ("ics", "999999"),
]


def test_every_command_prints_on_the_team_database_what_it_prints_on_sqlite(
    both: Both, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in COMPARED:
        code, out = on_both(both, *argv, capsys=capsys)
        assert not CONTROL.search(out), argv
        if argv[0] == "due":
            assert code == 0 and ("[call " in out or '"call_id"' in out), argv
    assert on_both(both, "search", "zzzq", capsys=capsys) == (1, "Nothing found for 'zzzq'.\n")
    assert on_both(both, "recap", "999999", capsys=capsys)[0] == 1
    # Every call's recap (as text and Markdown) and next step as an event.
    for call in json.loads(both.export)["calls"]:
        number = str(call["id"])
        for argv in (("recap", number), ("recap", number, "--format", "md")):
            code, out = on_both(both, *argv, capsys=capsys)
            assert code == 0 and out and not CONTROL.search(out), argv
        code, out = on_ics(both, number, capsys)
        assert code == (0 if call["next_step"] else 1)
        assert not CONTROL.search(out.replace("\r\n", "\n"))


def test_a_time_stored_in_another_form_reads_the_same_on_both(
    both: Both, team: Repository, capsys: pytest.CaptureFixture[str]
) -> None:
    """A next step's time as a hand-edited database may hold it ('9:5'): ``due``
    takes its Python path (queries.open_steps, promise_records) on both."""
    import sqlite3

    db = sqlite3.connect(database_path(both.sqlite_home))
    try:
        with db:
            db.execute("UPDATE calls SET next_step_time = '9:5' WHERE id = ?", (both.followed,))
    finally:
        db.close()
    with team.engine.begin() as connection:
        connection.execute(
            text("UPDATE calls SET next_step_time = '9:5' WHERE id = :id"), {"id": both.followed}
        )
    for argv in (("due",), ("due", "--json"), ("due", "--days", "40", "--json")):
        code, out = on_both(both, *argv, capsys=capsys)
        assert code == 0 and (" 09:05 " in out or '"09:05"' in out), argv


def on_ics(both: Both, call: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``callmate ics CALL`` on both: the same event but for its DTSTAMP (now)."""
    code, out, err = run("ics", call, "--data-dir", str(both.sqlite_home), capsys=capsys)
    team_code, team_out, team_err = run(
        "ics", call, "--data-dir", str(both.team_home), "--database-url", both.url, capsys=capsys
    )
    stamp = re.compile(r"^DTSTAMP:.*$", re.M)
    assert (team_code, team_err) == (code, err)
    assert stamp.sub("", team_out) == stamp.sub("", out)
    return code, out


def test_the_comparison_holds_every_case(both: Both, capsys: pytest.CaptureFixture[str]) -> None:
    """So the comparison above can fail: hostile text, times, attempts, records,
    undated promises and search hits of every kind are in what it compares."""
    code, out, _err = run(
        "due", "--days", "36500", "--json", "--database-url", both.url, capsys=capsys
    )
    rows = json.loads(out)
    assert {row["kind"] for row in rows} == {"next_step", "ours", "theirs"}
    assert any(row["time"] for row in rows) and any(row["due"] is None for row in rows)
    assert any(row["try"] for row in rows) and any(row["days_overdue"] for row in rows)
    assert not any(CONTROL.search(row["contact"] + row["what"] + row["owner"]) for row in rows)
    assert any("not markup" in row["contact"] for row in rows)
    records = [row["contact_record"][side] for row in rows for side in ("ours", "theirs")]
    assert all(any(r[key] for r in records) for key in ("on_time", "late", "open_overdue"))
    code, out, _err = run("search", "pilot", "--database-url", both.url, capsys=capsys)
    assert code == 0
    kinds = {line.split()[0] for line in out.splitlines()}
    assert kinds == {"GOAL", "RESEARCH", "NOTE"}, out
    code, out, _err = run("search", "dana", "--database-url", both.url, capsys=capsys)
    assert out.startswith("PERSON ")
    assert "not markup" in out and "\x1b" not in out
    first = str(both.followed - 1)
    code, out, _err = run("recap", first, "--database-url", both.url, capsys=capsys)
    assert code == 0 and "Hi Dana" in out and "[bold red]not markup[/]" in out
    assert "\x1b" not in out and "\x07" not in out


@pytest.mark.parametrize("fmt", ["json", "csv", "md", "pipedrive", "salesforce"])
def test_export_gives_the_same_file_from_the_team_database(
    both: Both, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = on_both(both, "export", "--format", fmt, capsys=capsys)
    assert code == 0 and out
    if fmt == "json":
        assert out == both.export  # the very file imported: ids, uuids, links, text
    if fmt == "md":
        assert not CONTROL.search(out)
    written = tmp_path / f"team.{fmt}"
    code, _out, err = run(
        "export", "--format", fmt, "--out", str(written), "--database-url", both.url,
        capsys=capsys,
    )  # fmt: skip
    assert code == 0
    assert err.strip() == f"Wrote {both.calls} calls to {written}"
    assert written.read_bytes().decode("utf-8") == out  # the CRM files' \r\n kept


def test_the_team_export_reads_in_batches_of_any_size(both: Both) -> None:
    """The ids stream from a server-side cursor a batch at a time: any batch size
    gives the same calls, in the same order."""
    repo = Repository.open_url(both.url)
    try:
        whole = list(bulk.export_team_calls(repo.engine))
        assert [c["id"] for c in whole] == [c["id"] for c in json.loads(both.export)["calls"]]
        assert list(bulk.export_team_calls(repo.engine, batch=3)) == whole
        assert list(bulk.export_team_calls(repo.engine, batch=1)) == whole
    finally:
        repo.close()


def test_the_team_export_holds_one_batch_at_a_time(both: Both) -> None:
    """The ids come through a server-side cursor, and each batch's rows are read
    only when the calls before them have been handed on: memory holds one batch."""
    from sqlalchemy import event

    repo = Repository.open_url(both.url)
    seen: list[tuple[str, str, object]] = []

    def executed(_conn, cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        seen.append((type(cursor).__name__, statement, parameters))

    event.listen(repo.engine, "before_cursor_execute", executed)
    try:
        calls = bulk.export_team_calls(repo.engine, batch=2)
        first = next(calls)
        ids = [entry for entry in seen if "SELECT id FROM calls" in entry[1]]
        assert [entry[0] for entry in ids] == ["ServerCursor"]
        batches = [entry[2] for entry in seen if "ANY(" in entry[1]]
        assert batches and all(len(p["ids"]) == 2 for p in batches)  # type: ignore[index]
        assert len(batches) == 5  # calls, research, questions, date moves, notes: one batch
        assert first["id"] == json.loads(both.export)["calls"][0]["id"]
        calls.close()
    finally:
        event.remove(repo.engine, "before_cursor_execute", executed)
        repo.close()


def test_import_twice_adds_nothing_and_the_ids_go_on_after_it(
    both: Both, tmp_path: Path, team: Repository, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "calls.json"
    with team.engine.connect() as connection:
        before = {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("calls", "contacts", "notes", "questions", "research", "date_moves")
        }
    code, _out, err = run("import", str(file), "--database-url", both.url, capsys=capsys)
    assert code == 0, err
    assert err.strip() == f"Imported 0 calls from {file} ({both.calls} calls already there)."
    with team.engine.connect() as connection:
        for table, count in before.items():
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == count
        highest = connection.execute(text("SELECT max(id) FROM calls")).scalar_one()
    # The sequences were set past the imported ids: the next call started follows them.
    started = team.start_call(
        Call(contact=Contact(name="New", company=""), goal="after", started_at=datetime.now(UTC))
    )
    assert started.id == highest + 1
    team.save_note(
        started.id, Note(kind=NoteKind.NOTE, text="a new note", created_at=datetime.now(UTC))
    )


def test_import_by_env_runs_as_a_user_runs_it(
    team: Repository, pg_store_url: str, tmp_path: Path, isolated_home: Path
) -> None:
    """``python -m callmate`` with the URL from $CALLMATE_DATABASE_URL: import,
    then due and search read what it added; a second import adds nothing."""
    today = local_today(SystemClock())
    one = record(
        f"Lee {HOSTILE}",
        uuid="0b7d3d0e-6c1a-4c4e-9a53-000000000001",
        goal=f"Renew {HOSTILE}",
        notes=[{"kind": "ours", "text": f"Send the quote {HOSTILE}", "due": str(today)}],
        next_step={"what": "Follow up", "owner": "us", "date": str(today)},
    )
    file = tmp_path / "one.json"
    file.write_text(json.dumps([one]), encoding="utf-8")
    env = {**os.environ, "CALLMATE_HOME": str(isolated_home), "CALLMATE_DATABASE_URL": pg_store_url}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "callmate", *args],
            capture_output=True, text=True, timeout=120, cwd=ROOT, env=env,
        )  # fmt: skip

    first = cli("import", str(file))
    assert first.returncode == 0, first.stderr
    assert first.stderr.strip().endswith(f"Imported 1 call from {file}.")
    again = cli("import", str(file))
    assert again.stderr.strip().endswith(f"Imported 0 calls from {file} (1 call already there).")
    due = cli("due")
    assert due.returncode == 0, due.stderr
    lines = due.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith("TODAY") for line in lines)
    assert "Lee [bold red]not markup[/]" in due.stdout and "Send the quote" in due.stdout
    assert not CONTROL.search(due.stdout)
    found = cli("search", "quote")
    assert found.returncode == 0 and found.stdout.startswith("NOTE"), found.stdout
    assert not CONTROL.search(found.stdout)
    assert not (isolated_home / "callmate.db").exists()  # the SQLite file was never made
    # The URL from settings.toml instead: the same lines.
    del env["CALLMATE_DATABASE_URL"]
    settings = isolated_home / "settings.toml"
    settings.write_text(settings.read_text() + f"database_url = {json.dumps(pg_store_url)}\n")
    assert cli("due").stdout == due.stdout
    assert not (isolated_home / "callmate.db").exists()


def test_a_file_with_the_same_note_twice_imports_nothing(
    team: Repository, pg_store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    note = {"uuid": "0b7d3d0e-6c1a-4c4e-9a53-00000000000a", "kind": "note", "text": "hello"}
    calls = [record("A", notes=[note]), record("B", notes=[note])]
    file = tmp_path / "twice.json"
    file.write_text(json.dumps(calls), encoding="utf-8")
    code, _out, err = run("import", str(file), "--database-url", pg_store_url, capsys=capsys)
    assert code == 2
    assert err.strip() == (
        "callmate: nothing imported: the same note (its uuid) appears twice in the file"
    )
    with team.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM calls")).scalar_one() == 0


def test_a_bad_record_far_into_the_file_writes_nothing_to_the_team_database(
    team: Repository, pg_store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = [record(f"Person {n}") for n in range(1200)]  # past two of import's batches
    calls.append(record("Broken", status="no such status"))
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(calls), encoding="utf-8")
    code, out, err = run("import", str(file), "--database-url", pg_store_url, capsys=capsys)
    assert code == 2 and out == ""
    last = err.splitlines()[-1]  # after the note that the data dir was made private
    assert last.startswith("callmate: nothing imported. ") and "[1200].status" in last
    with team.engine.connect() as connection:
        for table in ("calls", "contacts", "notes"):
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0


def test_an_export_whose_reader_leaves_ends_quietly(
    team: Repository, pg_store_url: str, tmp_path: Path, isolated_home: Path
) -> None:
    """``callmate export | head``: the reader goes; no traceback, exit 0, and the
    team database's transaction is ended (the next command runs)."""
    file = tmp_path / "many.json"
    file.write_text(json.dumps([record(f"Person {n}", goal="x" * 200) for n in range(1500)]))
    private_home(isolated_home)
    env = {**os.environ, "CALLMATE_HOME": str(isolated_home), "CALLMATE_DATABASE_URL": pg_store_url}
    command = [sys.executable, "-m", "callmate"]
    imported = subprocess.run(
        [*command, "import", str(file)], env=env, capture_output=True, cwd=ROOT
    )
    assert imported.returncode == 0, imported.stderr
    reader = subprocess.Popen(
        [*command, "export"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT
    )
    assert reader.stdout is not None and reader.stderr is not None
    assert reader.stdout.read(2) == b"{\n"
    reader.stdout.close()
    assert reader.wait(timeout=120) == 0
    assert reader.stderr.read() == b""
    reader.stderr.close()
    again = subprocess.run(
        [*command, "export", "--format", "csv"], env=env, capture_output=True, cwd=ROOT
    )
    assert again.returncode == 0 and again.stdout.count(b"\n") > 1500


# -- failures: one line naming the host, never the password ---------------------
ALL_COMMANDS = [
    ("due",),
    ("due", "--json"),
    ("search", "x"),
    ("stats", "--json"),
    ("recap", "1"),
    ("ics", "1"),
    ("export",),
    ("export", "--format", "md"),
    ("import", "FILE"),
]


def one_line_without(secret: str, err: str) -> None:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert secret not in err and "Traceback" not in err
    assert not CONTROL.search(err)


def failing(server: PostgresServer, wrong_port: int) -> dict[str, tuple[str, str]]:
    return {
        "wrong password": (
            server.url("callmate_store", password=SECRET),
            f"127.0.0.1:{server.port}: wrong password for user callmate",
        ),
        "unreachable": (
            server.url("callmate_store", port=wrong_port, password=SECRET),
            f"127.0.0.1:{wrong_port}: nothing is listening there (connection refused)",
        ),
        "missing database": (
            server.url("no_such_db"),
            f"127.0.0.1:{server.port}: there is no database no_such_db",
        ),
        "no tables": (
            server.url("callmate_test"),
            f"127.0.0.1:{server.port} has no callmate tables yet: run `callmate db upgrade`",
        ),
    }


@pytest.mark.parametrize("case", ["wrong password", "unreachable", "missing database", "no tables"])
def test_each_command_says_what_failed_in_one_line(
    pg_server: PostgresServer,
    closed_port: int,
    pg_url: str,
    pg_store_url: str,
    case: str,
    tmp_path: Path,
    isolated_home: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PGPASSFILE", os.devnull)  # no ~/.pgpass stands in
    url, says = failing(pg_server, closed_port)[case]
    file = tmp_path / "one.json"
    file.write_text(json.dumps([record("A")]))
    for argv in ALL_COMMANDS:
        args = [str(file) if arg == "FILE" else arg for arg in argv]
        code, out, err = run(*args, "--database-url", url, capsys=capsys)
        assert code == 2 and out == "", (argv, err)
        assert err.startswith("callmate: ") and says in err, (argv, err)
        one_line_without(SECRET, err)
        assert pg_server.password not in err
    assert not (isolated_home / "callmate.db").exists()  # nothing fell back to SQLite


def test_a_statement_the_server_refuses_is_one_line_too(
    team: Repository,
    isolated_home: Path,
    pg_server: PostgresServer,
    pg_store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A login that may read the schema's version but not the calls (a rep's
    rights cut short): each command fails once connected, in one line naming
    the host and the server's reason; an import writes nothing."""
    private_home(isolated_home)
    with team.engine.begin() as connection:
        connection.execute(
            text(
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'callmate_cut')"
                f" THEN CREATE ROLE callmate_cut LOGIN PASSWORD '{SECRET}'; END IF; END $$"
            )
        )
        connection.execute(text("GRANT SELECT ON callmate_schema TO callmate_cut"))
    url = f"postgresql://callmate_cut:{SECRET}@127.0.0.1:{pg_server.port}/callmate_store"
    file = tmp_path / "one.json"
    file.write_text(json.dumps([record("A")]), encoding="utf-8")
    for argv in (("due",), ("due", "--json"), ("search", "x"), ("export",), ("ics", "1")):
        code, out, err = run(*argv, "--database-url", url, capsys=capsys)
        assert code == 2 and out == "", (argv, err)
        assert err.startswith(
            f"callmate: cannot use the team database at 127.0.0.1:{pg_server.port}"
        )
        assert "permission denied" in err
        one_line_without(SECRET, err)
    code, out, err = run("import", str(file), "--database-url", url, capsys=capsys)
    assert code == 2 and out == ""
    assert err.startswith(
        f"callmate: nothing imported: the team database at 127.0.0.1:{pg_server.port} "
        "refused it: permission denied for table "
    )
    one_line_without(SECRET, err)
    with team.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM calls")).scalar_one() == 0


def test_an_outdated_schema_names_the_command_to_run(
    pg_server: PostgresServer, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A team database on schema version 1: every command says to upgrade, in one line."""
    url = pg_server.create_database("callmate_old")
    engine = parse(url).sqlalchemy_url()
    from sqlalchemy import create_engine

    admin = create_engine(engine)
    try:
        with admin.begin() as connection:
            connection.execute(text("CREATE TABLE callmate_schema (version integer NOT NULL)"))
            connection.execute(text("INSERT INTO callmate_schema VALUES (1)"))
    finally:
        admin.dispose()
    for argv in (("due",), ("search", "x"), ("export",), ("recap", "1")):
        code, out, err = run(*argv, "--database-url", url, capsys=capsys)
        assert code == 2 and out == ""
        assert "schema version 1, older than" in err and "run `callmate db upgrade`" in err
        assert f"127.0.0.1:{pg_server.port}" in err
        one_line_without(pg_server.password, err)
