"""Stable ids (issue 19, migration 13): every call, note and contact has a UUID,
whichever way it was written; the JSON export carries them; importing the
same file twice adds nothing the second time."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from callmate.domain.importer import ImportFileError, parse_export
from callmate.domain.models import Call, Contact, Note
from callmate.locations import database_path
from callmate.store import bulk, migrations
from callmate.store.repository import Repository
from callmate.store.stable_ids import UUID_PATTERN, with_stable_ids
from tests.test_data_commands import cli, search_rows, streamed
from tests.test_import_fuzz import a_call
from tests.test_store import dump, seed_old_database, without_reach

TABLES = ("contacts", "calls", "notes")


def stable_ids(path: Path) -> dict[str, list[str | None]]:
    with sqlite3.connect(path) as db:
        return {
            table: [row[0] for row in db.execute(f"SELECT uuid FROM {table} ORDER BY id")]
            for table in TABLES
        }


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (*TABLES, "questions", "research", "date_moves", "search_notes")
        }


def assert_all_stable(path: Path) -> None:
    every = [value for values in stable_ids(path).values() for value in values]
    assert every, "no rows"
    assert all(value is not None and UUID_PATTERN.fullmatch(value) for value in every), every
    assert len(set(every)) == len(every)


def test_upgrade_to_13_gives_every_row_a_stable_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "callmate.db"
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:12])
        patch.setattr(migrations, "LATEST", 12)
        Repository.open(path).close()
        seed_old_database(path)
    before = dump(path)
    Repository.open(path).close()
    assert migrations.schema_version(path) == migrations.LATEST >= 13
    assert (tmp_path / "callmate.db.v12.bak").exists()  # backed up first, as every upgrade
    after = dump(path)
    after["contacts"] = without_reach(after["contacts"])  # version 14's, empty
    assert after == before  # nothing else changed
    assert_all_stable(path)
    assert all(uuid.UUID(v).version == 4 for v in stable_ids(path)["notes"])  # made by SQLite


def test_every_way_in_gives_a_row_its_stable_id(tmp_path: Path) -> None:
    path = tmp_path / "callmate.db"
    repo = Repository.open(path)
    try:
        # The app: a call started (and its new contact), a note saved on Enter.
        call = repo.start_call(
            Call(contact=Contact(name="Ann"), goal="first", started_at=datetime.now(UTC))
        )
        assert call.id is not None and call.uuid and call.contact.uuid
        saved = repo.save_note(call.id, Note(text="typed", created_at=datetime.now(UTC)))
        assert saved.uuid and uuid.UUID(saved.uuid).version == 7  # time-ordered
        assert repo.get_call(call.id).notes[0].uuid == saved.uuid
        # A note saved from a copy of a stored note is a note of its own.
        again = repo.save_note(call.id, saved)
        assert again.uuid != saved.uuid
        # An import of an export made before stable ids.
        assert repo.import_calls(parse_export(json.dumps([a_call(id=7)]))) == 1
    finally:
        repo.close()
    # Any other writer, in plain SQL without the column: the trigger fills it.
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO contacts (name, company, created_at) VALUES ('Raw', '', '2026-01-01')"
        )
        db.execute(
            "INSERT INTO calls (contact_id, goal, status, started_at)"
            " VALUES (1, 'raw', 'done', '2026-01-01')"
        )
        db.execute(
            "INSERT INTO notes (call_id, kind, text, offset_seconds, created_at)"
            " VALUES (1, 'note', 'raw', 0, '2026-01-01')"
        )
    assert_all_stable(path)
    assert counts(path)["calls"] == 3 and counts(path)["notes"] == 5


def test_the_export_carries_them_and_both_exports_agree(tmp_path: Path) -> None:
    path = tmp_path / "callmate.db"
    repo = Repository.open(path)
    try:
        repo.import_calls(parse_export(json.dumps([a_call(id=1), a_call(id=2)])))
    finally:
        repo.close()
    exported = json.loads(streamed(path))["calls"]
    ids = stable_ids(path)
    assert [c["uuid"] for c in exported] == ids["calls"]
    assert [n["uuid"] for c in exported for n in c["notes"]] == ids["notes"]
    assert {c["contact"]["uuid"] for c in exported} == set(ids["contacts"])


def test_importing_the_same_file_twice_adds_nothing_the_second_time(tmp_path: Path) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    repo = Repository.open(database_path(source))
    try:
        first = repo.start_call(
            Call(
                contact=Contact(name="Dana", company="Acme"), goal="g", started_at=datetime.now(UTC)
            )
        )
        assert first.id is not None
        repo.save_note(first.id, Note(text="zanzibar", created_at=datetime.now(UTC)))
        repo.import_calls(parse_export(json.dumps([a_call(id=5), a_call(id=6, follows_call_id=5)])))
    finally:
        repo.close()
    export = tmp_path / "calls.json"
    assert cli("export", "--out", str(export), home=source).returncode == 0

    done = cli("import", str(export), home=target)
    assert done.returncode == 0 and "Imported 3 calls" in done.stderr
    after_first = counts(database_path(target))
    ids_first = stable_ids(database_path(target))
    again = cli("import", str(export), home=target)
    assert again.returncode == 0, again.stderr
    assert "Imported 0 calls" in again.stderr and "(3 calls already there)" in again.stderr
    assert counts(database_path(target)) == after_first
    assert stable_ids(database_path(target)) == ids_first
    # The same calls, notes and people, under the ids they had where they came from.
    assert ids_first["calls"] == stable_ids(database_path(source))["calls"]
    assert sorted(ids_first["notes"]) == sorted(stable_ids(database_path(source))["notes"])
    rows = search_rows(database_path(target))
    assert rows["notes"] == rows["notes_expected"]
    # Into the source itself: nothing doubles there either.
    before = counts(database_path(source))
    assert "(3 calls already there)" in cli("import", str(export), home=source).stderr
    assert counts(database_path(source)) == before


def test_a_file_with_new_and_known_calls_adds_only_the_new_and_keeps_links(
    tmp_path: Path,
) -> None:
    path = tmp_path / "callmate.db"
    one, two = a_call(id=1), a_call(id=2, follows_call_id=1)
    one["uuid"] = "11111111-1111-4111-8111-111111111111"
    two["uuid"] = "22222222-2222-4222-8222-222222222222"
    two["notes"][0]["uuid"] = "33333333-3333-4333-8333-333333333333"
    db = bulk.connect(path)
    try:
        assert bulk.import_calls_counted(db, parse_export(json.dumps([one]))) == (1, 0)
        # The second call's note uuid is already taken by another note there: it gets a new
        # one instead of failing the import.
        db.execute("UPDATE notes SET uuid = '33333333-3333-4333-8333-333333333333' WHERE id = 1")
        assert bulk.import_calls_counted(db, parse_export(json.dumps([one, two]))) == (1, 1)
        (follows,) = db.execute(
            "SELECT follows_call_id FROM calls WHERE uuid = ?", (two["uuid"],)
        ).fetchone()
        (first_id,) = db.execute("SELECT id FROM calls WHERE uuid = ?", (one["uuid"],)).fetchone()
        assert follows == first_id  # the link found the call that was already there
    finally:
        db.close()
    assert_all_stable(path)


def test_the_same_note_twice_in_a_file_is_refused_in_one_line(tmp_path: Path) -> None:
    one, two = a_call(id=1), a_call(id=2)
    shared = "44444444-4444-4444-8444-444444444444"
    one["notes"][0]["uuid"] = two["notes"][0]["uuid"] = shared
    file = tmp_path / "calls.json"
    file.write_text(json.dumps([one, two]))
    done = cli("import", str(file), home=tmp_path / "home")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "callmate: nothing imported: the same note (its uuid) appears twice in the file"
    )
    assert counts(database_path(tmp_path / "home"))["calls"] == 0


@pytest.mark.parametrize("bad", ["nope", 12, "11111111111141118111111111111111", "g" * 36])
def test_a_bad_uuid_in_the_file_is_named_by_its_path(bad: object) -> None:
    call = a_call(id=1)
    call["notes"][0]["uuid"] = bad
    with pytest.raises(ImportFileError) as raised:
        parse_export(json.dumps([call]))
    assert "[0].notes[0].uuid" in str(raised.value)


def test_an_uppercase_uuid_is_read_as_the_same_id() -> None:
    call = a_call(id=1)
    call["uuid"] = "ABCDEFAB-1111-4111-8111-111111111111"
    (read,) = parse_export(json.dumps([call]))
    assert read.uuid == "abcdefab-1111-4111-8111-111111111111"


def old_file() -> list[dict[str, object]]:
    """An export made before stable ids (no uuid anywhere): two calls with Dana,
    a twin of the first (same person, same minute, another goal) and a call with
    someone else following the first."""
    second = a_call(id=6, follows_call_id=5, started_at="2026-11-23T10:00:00+00:00")
    other = a_call(id=8, follows_call_id=5, goal="Intro")
    other["contact"] = {"name": "Lee Park", "company": "Contoso", "role": "user"}
    calls = [a_call(id=5), second, a_call(id=7, goal="Twin"), other]
    assert "uuid" not in json.dumps(calls)
    return calls


def held(repo: Repository) -> tuple[list[tuple[str | None, str, int]], list[str | None]]:
    """(each call's uuid, goal and number of notes), every contact's uuid: sorted."""
    calls = repo.all_calls()
    return (
        sorted((call.uuid, call.goal, len(call.notes)) for call in calls),
        sorted({call.contact.uuid for call in calls}, key=str),
    )


def test_an_old_file_without_uuids_imported_twice_adds_nothing(store_repo: Repository) -> None:
    """On SQLite and on the team database: ids derived from the file's content
    (stable_ids.with_stable_ids), the same in every run, so the second import
    finds every call and adds nothing; the twin stays a call of its own."""
    content = json.dumps(old_file())
    assert store_repo.import_calls(parse_export(content)) == 4
    first = held(store_repo)
    expected = list(with_stable_ids(parse_export(content)))
    assert first[0] == sorted((call.uuid, call.goal, len(call.notes)) for call in expected)
    assert first[1] == sorted({call.contact.uuid for call in expected}, key=str)
    assert len(first[1]) == 2  # Dana's three calls share one contact
    notes = sorted(note.uuid or "" for call in store_repo.all_calls() for note in call.notes)
    assert notes == sorted(note.uuid or "" for call in expected for note in call.notes)

    assert store_repo.import_calls(parse_export(content)) == 0
    assert held(store_repo) == first
    by_uuid = {call.uuid: call for call in store_repo.all_calls()}
    intro = by_uuid[expected[3].uuid]
    assert intro.goal == "Intro" and intro.follows_call_id == by_uuid[expected[0].uuid].id


def test_derived_ids_depend_on_the_content_alone() -> None:
    content = json.dumps(old_file())
    once = list(with_stable_ids(parse_export(content)))
    again = list(with_stable_ids(parse_export(content)))
    ids = [(c.uuid, c.contact.uuid, [n.uuid for n in c.notes]) for c in once]
    assert ids == [(c.uuid, c.contact.uuid, [n.uuid for n in c.notes]) for c in again]
    every = [c.uuid for c in once] + [n.uuid for c in once for n in c.notes]
    assert all(value and UUID_PATTERN.fullmatch(value) for value in every)
    assert len(set(every)) == len(every)  # the twin too, and each of its notes
    assert once[0].contact.uuid == once[1].contact.uuid != once[3].contact.uuid
    # Another text for one note: only that note's id changes.
    changed = old_file()
    changed[0]["notes"][1]["text"] = "send the pricing sheet today"  # type: ignore[index]
    (other, *_rest) = with_stable_ids(parse_export(json.dumps(changed)))
    assert other.uuid == once[0].uuid
    assert other.notes[0].uuid == once[0].notes[0].uuid
    assert other.notes[1].uuid != once[0].notes[1].uuid
    # A call that has its ids passes through as it is.
    (current,) = parse_export(json.dumps([{**a_call(id=1), "uuid": str(uuid.uuid4())}]))
    current.contact.uuid = str(uuid.uuid4())
    for note in current.notes:
        note.uuid = str(uuid.uuid4())
    assert next(with_stable_ids([current])) is current


def test_an_old_file_imported_twice_by_the_cli_adds_nothing(tmp_path: Path) -> None:
    file = tmp_path / "old.json"
    file.write_text(json.dumps(old_file()))
    home = tmp_path / "home"
    done = cli("import", str(file), home=home)
    assert done.returncode == 0 and "Imported 4 calls" in done.stderr, done.stderr
    before = counts(database_path(home))
    again = cli("import", str(file), home=home)
    assert again.returncode == 0, again.stderr
    assert again.stderr.strip() == f"Imported 0 calls from {file} (4 calls already there)."
    assert counts(database_path(home)) == before
    assert_all_stable(database_path(home))
