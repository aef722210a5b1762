"""The command line: version, data dir, and the JSON export's documented shape."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from callmate import __version__
from callmate.cli import main
from callmate.domain.models import Call, Contact, NextStep, Note, NoteKind, Outcome, Owner, Question
from callmate.locations import database_path
from callmate.store.repository import Repository
from tests.conftest import NOW


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "callmate", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def seed(home: Path) -> None:
    repo = Repository.open(database_path(home))
    try:
        call = repo.start_call(
            Call(
                contact=Contact(name="Dana Whitfield", company="Northwind"),
                goal="Book a demo",
                backup_goal="Ops lead's name",
                questions=[Question(text="budget"), Question(text="who decides")],
                started_at=NOW,
            )
        )
        assert call.id is not None
        repo.save_note(
            call.id,
            Note(
                kind=NoteKind.QUOTE,
                text="we lose a day\x1b]52;c;eA==\x07",
                offset_seconds=65,
                created_at=NOW,
            ),
        )
        repo.set_question_asked(call.questions[0].id or 0, True)
        repo.finish_call(
            call.id,
            outcome=Outcome.YES,
            next_step=NextStep(what="Demo", owner=Owner.THEM, due=NOW.date()),
            ended_at=NOW,
        )
    finally:
        repo.close()


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"callmate {__version__}"


def test_export_json_shape(tmp_path: Path) -> None:
    home = tmp_path / "data"
    seed(home)
    result = run_cli("--data-dir", str(home), "export", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    (call,) = json.loads(result.stdout)["calls"]
    stable = {  # the stable ids (issue 19): the stored ones
        "call": call["uuid"],
        "contact": call["contact"]["uuid"],
        "note": call["notes"][0]["uuid"],
    }
    with sqlite3.connect(home / "callmate.db") as db:
        assert stable == {
            "call": db.execute("SELECT uuid FROM calls").fetchone()[0],
            "contact": db.execute("SELECT uuid FROM contacts").fetchone()[0],
            "note": db.execute("SELECT uuid FROM notes").fetchone()[0],
        }
    assert call == {
        "id": 1,
        "uuid": stable["call"],
        "status": "done",
        "connection": "connected",
        "contact": {
            "name": "Dana Whitfield",
            "company": "Northwind",
            "role": "other",
            "uuid": stable["contact"],
            "email": "",
            "phone": "",
            "title": "",
        },
        "call_type": "discovery",
        "goal": "Book a demo",
        "backup_goal": "Ops lead's name",
        "research": [],
        "questions": [
            {"text": "budget", "asked": True, "origin": "own"},
            {"text": "who decides", "asked": False, "origin": "own"},
        ],
        "notes": [
            {
                "uuid": stable["note"],
                "kind": "quote",
                "text": "we lose a day]52;c;eA==",
                "offset_seconds": 65,
            }
        ],
        "outcome": "yes",
        "reason": None,
        "reason_text": "",
        "goal_result": None,
        "next_step": {
            "what": "Demo",
            "owner": "them",
            "date": "2026-11-22",
            "time": None,
            "done_at": None,
            "moved_from": [],
        },
        "follows_call_id": None,
        "started_at": "2026-11-22T15:00:00+00:00",
        "ended_at": "2026-11-22T15:00:00+00:00",
        "paused_seconds": 0,
        "recap": None,
    }


def test_data_dir_flag_after_the_command_and_env_var(tmp_path: Path) -> None:
    home = tmp_path / "env-home"
    seed(home)
    by_env = run_cli("export", env={"CALLMATE_HOME": str(home)})
    by_flag = run_cli("export", "--data-dir", str(home))
    assert by_env.returncode == by_flag.returncode == 0
    assert json.loads(by_env.stdout) == json.loads(by_flag.stdout)
    assert len(json.loads(by_env.stdout)["calls"]) == 1


def test_export_of_a_new_data_dir_is_an_empty_array(tmp_path: Path) -> None:
    result = run_cli("--data-dir", str(tmp_path / "fresh"), "export")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"schema_version": 1, "calls": []}
    assert (tmp_path / "fresh" / "callmate.db").exists()


def test_unusable_data_dir_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert main(["--data-dir", str(blocker / "sub"), "export"]) == 2
    assert "cannot use the data directory" in capsys.readouterr().err


def test_default_data_dir_is_the_platformdirs_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CALLMATE_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    from callmate.locations import data_dir

    assert data_dir() == tmp_path / "xdg" / "callmate"


def test_newer_database_is_refused_with_a_message(tmp_path: Path) -> None:
    import sqlite3

    home = tmp_path / "data"
    seed(home)
    with sqlite3.connect(home / "callmate.db") as db:
        db.execute("PRAGMA user_version = 99")
    result = run_cli("--data-dir", str(home), "export")
    assert result.returncode == 2
    assert "newer than this callmate" in result.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["search", "pilot"],
        ["search", "budget", "frozen", "", "a=b", "Ünïcode"],
        ["--data-dir", "/tmp/x", "search", "pilot"],
        ["--data-dir=/tmp/x", "--database-url", "postgresql://u@h/db", "search", "a", "b"],
        ["--data-dir", "/a", "--data-dir", "/b", "search", "pilot"],
        ["--data-dir=", "search", "pilot"],
        ["--data-dir=-odd", "search", "pilot"],
    ],
)
def test_a_plain_search_is_read_as_argparse_reads_it(argv: list[str]) -> None:
    """``callmate search WORDS`` skips argparse (its import and the whole parser
    are a tenth of the command): what it reads must be argparse's own result."""
    from callmate.cli import _parser, _plain_search

    plain = _plain_search(argv)
    assert plain is not None
    assert vars(plain) == vars(_parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["search"],
        ["search", "-h"],
        ["search", "pilot", "--data-dir", "/tmp/x"],
        ["search", "--", "-pilot"],
        ["search", "-5"],
        ["--data-dir", "-x", "search", "pilot"],
        ["--data-dir"],
        ["--data", "/tmp/x", "search", "pilot"],
        ["--version"],
        ["-h"],
        ["due"],
        ["searches", "pilot"],
        ["export", "search"],
    ],
)
def test_anything_but_a_plain_search_goes_through_argparse(argv: list[str]) -> None:
    from callmate.cli import _plain_search

    assert _plain_search(argv) is None


def test_search_usage_errors_still_come_from_argparse(tmp_path: Path) -> None:
    result = run_cli("search", env={"CALLMATE_HOME": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr.startswith("usage: callmate search [-h]")
    assert "error: the following arguments are required: QUERY" in result.stderr
    result = run_cli("search", "--bogus", "pilot", env={"CALLMATE_HOME": str(tmp_path)})
    assert result.returncode == 2
    assert "unrecognized arguments: --bogus" in result.stderr
