"""Export and import stream (issue 17): the same text as before, a bad record
anywhere writes nothing, imported notes are found by search."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callmate.domain import importer
from callmate.domain.exporters import csv_chunks, json_chunks, to_csv, to_json
from callmate.domain.importer import ImportCall, ImportFileError, parse_export, read_export
from callmate.domain.models import Call, Contact, Note
from callmate.locations import database_path
from callmate.store import bulk
from callmate.store.repository import Repository
from tests.test_cli_memory import calls
from tests.test_import_fuzz import a_call, extreme_but_valid


def cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "callmate", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "CALLMATE_HOME": str(home)},
    )


def streamed(path: Path, chunks: Any = json_chunks) -> str:
    db = bulk.connect(path)
    try:
        return "".join(chunks(bulk.export_calls(db, batch=3)))
    finally:
        db.close()


def search_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Each search table's rows, and the rows the triggers would have put there."""
    db = sqlite3.connect(path)
    try:
        return {
            "notes": db.execute("SELECT rowid, text FROM search_notes ORDER BY rowid").fetchall(),
            "notes_expected": db.execute(
                "SELECT id, text FROM notes WHERE deleted_at IS NULL ORDER BY id"
            ).fetchall(),
            "calls": db.execute("SELECT rowid, text FROM search_calls ORDER BY rowid").fetchall(),
            "calls_expected": db.execute(
                "SELECT id, goal || ' ' || backup_goal || ' ' || coalesce(next_step_what, '')"
                " || ' ' || reason_text FROM calls ORDER BY id"
            ).fetchall(),
            "research": db.execute(
                "SELECT rowid, text FROM search_research ORDER BY rowid"
            ).fetchall(),
            "research_expected": db.execute("SELECT id, text FROM research ORDER BY id").fetchall(),
            "triggers": db.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
            ).fetchall(),
        }
    finally:
        db.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(calls(), min_size=0, max_size=7))
def test_the_streamed_export_is_the_whole_export_text(generated: list[Call]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.db"
        repo = Repository.open(path)
        try:
            repo.import_calls(generated)
            loaded = repo.all_calls()
        finally:
            repo.close()
        text = streamed(path)
        assert text == to_json(loaded) + "\n"
        assert streamed(path, csv_chunks) == to_csv(loaded)
        # ... and read back a call at a time, whatever the chunk size.
        assert [c.model_dump() for c in read_export(io.StringIO(text))] == [
            c.model_dump() for c in parse_export(text)
        ]


def test_to_call_without_a_second_validation_gives_the_same_call() -> None:
    for data in [*extreme_but_valid(), a_call(), a_call(notes=[], next_step=None, recap=None)]:
        call = ImportCall.model_validate(data).to_call()
        # The same call through the domain models' validators: nothing skipped.
        assert Call.model_validate(call.model_dump()) == call


def test_imported_rows_are_in_the_search_index_and_the_triggers_are_back(tmp_path: Path) -> None:
    path = tmp_path / "callmate.db"
    repo = Repository.open(path)
    try:
        existing = repo.start_call(
            Call(contact=Contact(name="Ann"), goal="first", started_at=datetime.now(UTC))
        )
        assert existing.id is not None
        repo.save_note(existing.id, Note(text="typed before", created_at=datetime.now(UTC)))
        before = search_rows(path)["triggers"]
        # Into a database with calls: new ids, every row indexed once.
        assert repo.import_calls(parse_export(json.dumps([a_call(), a_call(id=2)]))) == 2
        after = search_rows(path)
        for table in ("notes", "calls", "research"):
            assert after[table] == after[f"{table}_expected"], table
        assert after["triggers"] == before
        assert [hit.text for hit in repo.search("lose", limit=10)] == ["we lose a day"] * 2
        # The triggers work again: a note typed after the import is found.
        repo.save_note(existing.id, Note(text="zanzibar later", created_at=datetime.now(UTC)))
        assert [hit.text for hit in repo.search("zanzibar", limit=5)] == ["zanzibar later"]
    finally:
        repo.close()


def test_a_bad_record_far_into_the_file_writes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    cli("export", home=home)  # the database exists, with nothing in it
    good = [a_call(id=i + 1, goal=f"goal {i}") for i in range(1300)]
    bad = [*good]
    bad[1203] = a_call(id=1204, notes=[{"kind": "note", "text": "ok", "offset_seconds": 1}] * 3)
    bad[1203]["notes"][2] = {"kind": "note", "text": " \x1b ", "offset_seconds": 1}
    file = tmp_path / "calls.json"
    file.write_text(json.dumps(bad, indent=2))
    result = cli("import", str(file), home=home)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "nothing imported" in result.stderr and "[1203].notes[2].text" in result.stderr
    db = sqlite3.connect(database_path(home))
    try:
        assert db.execute("SELECT count(*) FROM calls").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM search_notes").fetchone() == (0,)
        triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
        assert {"notes_search_insert", "calls_search_insert", "research_search_insert"} <= triggers
    finally:
        db.close()
    # The same file fixed goes in whole, and exports back as the same calls.
    file.write_text(json.dumps(good))
    assert cli("import", str(file), home=home).returncode == 0
    exported = json.loads(cli("export", home=home).stdout)["calls"]
    assert [c["goal"] for c in exported] == [c["goal"] for c in good]


def test_a_duplicate_id_far_apart_is_refused(tmp_path: Path) -> None:
    data = [a_call(id=i + 1) for i in range(700)] + [a_call(id=3)]
    with pytest.raises(ImportFileError, match="the same call id appears twice"):
        parse_export(json.dumps(data))


BROKEN = [
    "",
    " ",
    "[",
    "[\n  {\n",
    '[{"id": 1,}]',
    "[" + json.dumps(a_call()) + " 2]",
    '[{"a": "b\nc"}]',
    "[]]",
    "[] x",
    "[\n\n  " + json.dumps(a_call()) + ",\n  tru]",
    "[-]",
    '["\\u12"]',
    "[" + json.dumps(a_call()) + "\n,\n" + json.dumps(a_call())[:-3],
    '{"a": ',
]


@pytest.mark.parametrize("text", BROKEN)
@pytest.mark.parametrize("chunk", [1, 3, 7, 1 << 20])
def test_broken_json_is_placed_as_json_places_it(
    text: str, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Line and column as ``json.loads`` gives them, however the file is cut in chunks."""
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
    else:  # a bad value, not bad JSON: named by its path
        where = "[0]"
    monkeypatch.setattr(importer, "CHUNK", chunk)
    with pytest.raises(ImportFileError) as caught:
        list(read_export(io.StringIO(text), "f.json"))
    assert where in str(caught.value), (str(caught.value), where)


@pytest.mark.parametrize("chunk", [1, 5, 64])
def test_small_chunks_read_the_same_calls(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    text = to_json(parse_export(json.dumps(extreme_but_valid()))) + "\n"
    expected = parse_export(text)
    monkeypatch.setattr(importer, "CHUNK", chunk)
    assert list(read_export(io.StringIO(text))) == expected
    with pytest.raises(ImportFileError, match=r"\[0\]"):
        list(read_export(io.StringIO("[12345678901234567890]")))


def test_a_call_too_large_to_hold_is_refused_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "CALL_MAX_CHARS", 1000)
    monkeypatch.setattr(importer, "CHUNK", 100)
    big = json.dumps([a_call(goal="x"), a_call(id=2, recap={"subject": "", "body": "b" * 5000})])
    with pytest.raises(ImportFileError, match=r"\[1\] is more than") as caught:
        list(read_export(io.StringIO(big)))
    assert "\n" not in str(caught.value)


def test_export_streams_to_stdout_and_to_a_file_as_the_same_text(tmp_path: Path) -> None:
    home = tmp_path / "home"
    file = tmp_path / "calls.json"
    file.write_text(json.dumps([a_call(id=i + 1) for i in range(3)]))
    assert cli("import", str(file), home=home).returncode == 0
    out = tmp_path / "out.json"
    out.write_text("the old export")
    written = cli("export", "--out", str(out), home=home)
    assert written.returncode == 0 and "Wrote 3 calls" in written.stderr
    assert out.read_text() == cli("export", home=home).stdout
    assert out.stat().st_mode & 0o777 == 0o600
    table = cli("export", "--format", "csv", "--out", str(tmp_path / "c.csv"), home=home)
    assert table.returncode == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "c.csv").read_text())))
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_the_export_knows_every_stored_enum_value() -> None:
    """bulk spells the enums out (the export never loads pydantic): they must agree."""
    from callmate.domain import models

    pairs = {
        "status": models.CallStatus,
        "connection": models.Connection,
        "role": models.ContactRole,
        "call_type": models.CallType,
        "outcome": models.Outcome,
        "reason": models.Reason,
        "goal_result": models.GoalResult,
        "owner": models.Owner,
        "area": models.ResearchArea,
        "origin": models.QuestionOrigin,
        "kind": models.NoteKind,
    }
    for name, enum in pairs.items():
        assert getattr(bulk._Enums, name) == {member.value for member in enum}, name


def test_export_does_not_load_pydantic_or_sqlalchemy(tmp_path: Path) -> None:
    home = tmp_path / "home"
    script = (
        "import sys; from callmate.cli import main; code = main(['export']);"
        " print(sorted(m for m in ('pydantic', 'sqlalchemy') if m in sys.modules), file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "CALLMATE_HOME": str(home)},
    )
    assert result.returncode == 0 and json.loads(result.stdout)["calls"] == []
    assert result.stderr.strip().endswith("[]"), result.stderr
