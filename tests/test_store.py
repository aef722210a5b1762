"""The store: round trips, durability settings, and migrations that keep data."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect

from callmate.domain.models import (
    Call,
    CallStatus,
    Contact,
    NextStep,
    Note,
    NoteKind,
    Outcome,
    Owner,
    Question,
)
from callmate.store import migrations
from callmate.store.repository import CallNotFoundError, Repository
from callmate.store.schema import SEARCH_TABLES, Base
from tests.conftest import NOW


@pytest.fixture
def repo(store_repo: Repository) -> Repository:
    """On SQLite and on PostgreSQL (tests/conftest.py's ``store_repo``)."""
    return store_repo


@pytest.fixture
def sqlite_repo(tmp_path: Path) -> Repository:
    """Tests of the SQLite file itself (pragmas, its stored text)."""
    repository = Repository.open(tmp_path / "callmate.db")
    yield repository  # type: ignore[misc]
    repository.close()


def new_call(**changes: object) -> Call:
    fields: dict[str, object] = {
        "contact": Contact(name="Dana Whitfield", company="Northwind"),
        "goal": "Book a demo",
        "backup_goal": "Name of the ops lead",
        "questions": [Question(text="budget"), Question(text="who decides")],
        "started_at": NOW,
    }
    fields.update(changes)
    return Call(**fields)  # type: ignore[arg-type]


def test_call_round_trip(repo: Repository) -> None:
    started = repo.start_call(new_call())
    assert started.id is not None and started.status is CallStatus.LIVE
    assert [q.text for q in started.questions] == ["budget", "who decides"]
    assert all(q.id is not None for q in started.questions)

    saved = repo.save_note(
        started.id,
        Note(kind=NoteKind.QUOTE, text="we lose a day", offset_seconds=42, created_at=NOW),
    )
    assert saved.id is not None
    repo.set_question_asked(started.questions[1].id or 0, True)
    step = NextStep(what="Demo", owner=Owner.BOTH, due=date(2026, 12, 1))
    finished = repo.finish_call(
        started.id, outcome=Outcome.MAYBE, next_step=step, ended_at=NOW + timedelta(minutes=20)
    )

    assert finished.status is CallStatus.DONE
    assert finished.outcome is Outcome.MAYBE
    assert finished.next_step == step
    assert finished.ended_at == NOW + timedelta(minutes=20)
    assert finished.started_at == NOW and finished.started_at.tzinfo is not None
    assert [(n.kind, n.text, n.offset_seconds) for n in finished.notes] == [
        (NoteKind.QUOTE, "we lose a day", 42)
    ]
    assert [q.asked for q in finished.questions] == [False, True]
    assert finished.contact == Contact(
        id=finished.contact.id,
        name="Dana Whitfield",
        company="Northwind",
        uuid=finished.contact.uuid,
    )
    assert finished.contact.uuid is not None and finished.uuid is not None


def test_same_contact_is_reused(repo: Repository) -> None:
    first = repo.start_call(new_call())
    second = repo.start_call(new_call(goal="Follow up"))
    other = repo.start_call(new_call(contact=Contact(name="Dana Whitfield", company="Elsewhere")))
    assert first.contact.id == second.contact.id != other.contact.id


def test_recent_calls_newest_first(repo: Repository) -> None:
    for days in (3, 1, 2):
        repo.start_call(new_call(goal=f"{days} days ago", started_at=NOW - timedelta(days=days)))
    assert [s.goal for s in repo.recent_calls()] == ["1 days ago", "2 days ago", "3 days ago"]
    assert len(repo.recent_calls(limit=2)) == 2


def test_missing_call(repo: Repository) -> None:
    with pytest.raises(CallNotFoundError):
        repo.get_call(999)


def test_durability_settings(sqlite_repo: Repository) -> None:
    repo = sqlite_repo
    with repo.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_foreign_keys_are_enforced(repo: Repository) -> None:
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        repo.save_note(12345, Note(text="orphan", created_at=NOW))


def test_a_saved_note_reads_back_whole_and_is_found_by_search(sqlite_repo: Repository) -> None:
    repo = sqlite_repo
    """save_note writes with one raw INSERT: every field, the index trigger, the stored form."""
    call = repo.start_call(new_call())
    assert call.id is not None
    here = timezone(timedelta(hours=2))
    note = Note(
        kind=NoteKind.OURS,
        text="send the pricing sheet",
        offset_seconds=95,
        created_at=datetime(2026, 11, 23, 16, 4, 5, 678901, tzinfo=here),
        due=date(2026, 12, 1),
        due_time=time(9, 30),
        in_email=False,
    )
    saved = repo.save_note(call.id, note)
    assert saved.id is not None and saved.owner == ""
    assert saved.created_at == note.created_at and saved.due_time == time(9, 30)
    loaded = repo.get_call(call.id).notes
    assert [n.model_dump() for n in loaded] == [saved.model_dump()]
    assert loaded[0].created_at == datetime(2026, 11, 23, 14, 4, 5, 678901, tzinfo=UTC)
    assert [(hit.source, hit.text) for hit in repo.search("pricing")] == [
        ("note", "send the pricing sheet")
    ]
    with sqlite3.connect(repo.engine.url.database or "") as db:
        stored = db.execute("SELECT created_at, due, due_time, in_email FROM notes").fetchall()
    assert stored == [("2026-11-23 14:04:05.678901", "2026-12-01", "09:30", 0)]


def test_a_note_is_durable_as_soon_as_save_returns(tmp_path: Path) -> None:
    repo = Repository.open(tmp_path / "callmate.db")
    call = repo.start_call(new_call())
    assert call.id is not None
    repo.save_note(call.id, Note(text="keep me", created_at=NOW))
    # Read it from a separate connection without closing the repository.
    with sqlite3.connect(tmp_path / "callmate.db") as other:
        assert other.execute("SELECT text FROM notes").fetchall() == [("keep me",)]
    repo.close()


def test_migrated_schema_matches_the_orm(tmp_path: Path) -> None:
    """The migrations and the ORM tables describe the same database."""
    repo = Repository.open(tmp_path / "callmate.db")
    try:
        inspector = inspect(repo.engine)
        names = set(inspector.get_table_names())
        search = {n for n in names if n.startswith("search_")}
        assert set(SEARCH_TABLES) <= search  # FTS5 tables and their shadow tables
        assert names - search == set(Base.metadata.tables)
        for name, table in Base.metadata.tables.items():
            columns = {c["name"]: c for c in inspector.get_columns(name)}
            assert set(columns) == {c.name for c in table.columns}, name
            for column in table.columns:
                assert columns[column.name]["nullable"] == column.nullable, (name, column.name)
                assert bool(columns[column.name]["primary_key"]) == column.primary_key
            indexes = {i["name"] for i in inspector.get_indexes(name)}
            assert indexes == {i.name for i in table.indexes}, name
            foreign = {
                (f["referred_table"], tuple(f["constrained_columns"]))
                for f in inspector.get_foreign_keys(name)
            }
            expected = {(f.column.table.name, (f.parent.name,)) for f in table.foreign_keys}
            assert foreign == expected, name
    finally:
        repo.close()


def test_schema_version_is_read_without_sqlalchemy(tmp_path: Path) -> None:
    path = tmp_path / "callmate.db"
    assert migrations.schema_version(path) == 0
    Repository.open(path).close()
    assert migrations.schema_version(path) == migrations.LATEST


def test_upgrade_keeps_data_and_backs_up_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "callmate.db"
    repo = Repository.open(path)
    call = repo.start_call(new_call())
    assert call.id is not None
    repo.save_note(call.id, Note(text="survives upgrades", created_at=NOW))
    repo.close()
    old = migrations.LATEST

    future = "ALTER TABLE notes ADD COLUMN pinned BOOLEAN NOT NULL DEFAULT 0;"
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, future])
    monkeypatch.setattr(migrations, "LATEST", old + 1)
    assert migrations.upgrade(path) == old

    assert migrations.schema_version(path) == old + 1
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT text, pinned FROM notes").fetchall() == [("survives upgrades", 0)]
    backup = path.with_name(f"callmate.db.v{old}.bak")
    with sqlite3.connect(backup) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == old
        assert db.execute("SELECT text FROM notes").fetchall() == [("survives upgrades",)]


def test_failed_migration_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "callmate.db"
    Repository.open(path).close()
    old = migrations.LATEST
    broken = "CREATE TABLE extra (id INTEGER PRIMARY KEY);\nTHIS IS NOT SQL;"
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, broken])
    monkeypatch.setattr(migrations, "LATEST", old + 1)
    with pytest.raises(sqlite3.OperationalError):
        migrations.upgrade(path)
    assert migrations.schema_version(path) == old
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "extra" not in tables


def test_database_from_a_newer_callmate_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "callmate.db"
    Repository.open(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {migrations.LATEST + 5}")
    with pytest.raises(migrations.SchemaTooNewError, match="newer"):
        Repository.open(path)


def test_statement_splitter_keeps_trigger_bodies() -> None:
    script = """
    CREATE TABLE t (x);
    CREATE TRIGGER tr AFTER INSERT ON t BEGIN
        INSERT INTO t VALUES (1);
        INSERT INTO t VALUES (2);
    END;
    """
    statements = migrations.split_statements(script)
    assert len(statements) == 2 and statements[1].endswith("END;")


def test_local_today_is_the_users_date_not_utcs(monkeypatch: pytest.MonkeyPatch) -> None:
    """03:00 UTC on the 23rd is still the evening of the 22nd in Los Angeles."""
    import time

    from callmate.clock import FrozenClock, local_today
    from callmate.domain.closing import ClosingDraft, check_closing

    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        clock = FrozenClock(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))
        today = local_today(clock)
        assert today == date(2026, 11, 22)
        draft = ClosingDraft(outcome=Outcome.YES, next_what="Call back", due_text="today")
        result = check_closing(draft, today)
        assert result.ready and result.due == date(2026, 11, 22)
        past = check_closing(
            ClosingDraft(outcome=Outcome.YES, next_what="x", due_text="2026-11-21"), today
        )
        assert not past.ready
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()


def seed_old_database(path: Path) -> None:
    """One call with Dana, a dated next step, a note and a dated commitment, in plain SQL.

    Only columns every schema version since 5 has, so an older database can be
    filled without today's ORM (which reads tables added later).
    """
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO contacts (id, name, company, created_at)"
            " VALUES (1, 'Dana Whitfield', 'Northwind', '2026-11-22 15:00:00.000000')"
        )
        db.execute(
            "INSERT INTO calls (id, contact_id, goal, backup_goal, status, started_at,"
            " ended_at, outcome, next_step_what, next_step_owner, next_step_due)"
            " VALUES (1, 1, 'Book a demo', 'Name of the ops lead', 'done',"
            " '2026-11-22 15:00:00.000000', '2026-11-22 15:20:00.000000', 'yes',"
            " 'Demo', 'both', '2026-11-27')"
        )
        db.execute(
            "INSERT INTO notes (call_id, kind, text, offset_seconds, created_at)"
            " VALUES (1, 'note', 'budget freeze until March', 10, '2026-11-22 15:00:10.000000')"
        )
        db.execute(
            "INSERT INTO notes (call_id, kind, text, offset_seconds, created_at, due)"
            " VALUES (1, 'ours', 'send the pricing sheet', 20, '2026-11-22 15:00:20.000000',"
            " '2026-11-24')"
        )


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the search index, for a before/after comparison.

    Without the stable ids (version 13 gives every row a new one, checked in
    test_upgrade_to_13_gives_every_row_a_stable_id)."""
    with sqlite3.connect(path) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'search_%' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        out = {}
        for name in names:
            columns = [c[1] for c in db.execute(f"PRAGMA table_info({name})") if c[1] != "uuid"]
            out[name] = db.execute(
                f"SELECT {', '.join(columns)} FROM {name} ORDER BY rowid"
            ).fetchall()
        return out


def without_times(rows: dict[str, list[tuple[object, ...]]]) -> dict[str, list[tuple[object, ...]]]:
    """``rows`` without the columns versions 11, 12 and 14 add, checked empty (no old
    row has a time, an in-email choice, nor a contact's e-mail, phone or title)."""
    added = {"calls": 1, "notes": 2, "date_moves": 2}
    out = dict(rows)
    for table, count_ in added.items():
        if table in out:
            assert all(row[-count_:] == (None,) * count_ for row in out[table]), table
            out[table] = [row[:-count_] for row in out[table]]
    if "contacts" in out:
        out["contacts"] = without_reach(out["contacts"])
    return out


def without_reach(contacts: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """Version 14 adds e-mail, phone and title (last) to every contact, '': not known."""
    assert all(row[-3:] == ("", "", "") for row in contacts)
    return [row[:-3] for row in contacts]


def test_upgrade_to_7_keeps_every_row_and_starts_the_date_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version 7 adds the date history: nothing already stored changes, and moves are kept."""
    path = tmp_path / "callmate.db"
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:6])
        patch.setattr(migrations, "LATEST", 6)
        Repository.open(path).close()
        seed_old_database(path)
    assert migrations.schema_version(path) == 6
    before = dump(path)

    repo = Repository.open(path)
    try:
        assert migrations.schema_version(path) == migrations.LATEST  # through 7 and on
        after = without_times(dump(path))
        assert after.pop("date_moves") == []
        # Version 9 adds two columns to calls: connected, not discarded.
        assert [row[-2:] for row in after["calls"]] == [("connected", None)]
        after["calls"] = [row[:-2] for row in after["calls"]]
        assert after == before, "the upgrade changed no stored row"
        assert (path.parent / "callmate.db.v6.bak").exists()
        (call,) = repo.all_calls()
        assert call.next_step is not None
        assert (call.next_step.what, call.next_step.due) == ("Demo", date(2026, 11, 27))
        assert call.next_step.moved_from == []
        assert [(n.text, n.due) for n in call.notes] == [
            ("budget freeze until March", None),
            ("send the pricing sheet", date(2026, 11, 24)),
        ]
        # From now on a move keeps the date it had.
        repo.reschedule_step(1, date(2026, 12, 4))
        repo.reschedule_step(1, date(2026, 12, 4))  # the same date is no move
        repo.reschedule_step(1, date(2026, 12, 11))
        (call,) = repo.all_calls()
        assert call.next_step is not None
        assert call.next_step.due == date(2026, 12, 11)
        assert call.next_step.moved_from == [date(2026, 11, 27), date(2026, 12, 4)]
    finally:
        repo.close()


def test_upgrade_to_10_keeps_research_and_starts_every_say_aloud_line_unsaid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version 10 adds the "said" tick: old lines read back unticked, and can be ticked."""
    path = tmp_path / "callmate.db"
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:9])
        patch.setattr(migrations, "LATEST", 9)
        Repository.open(path).close()
        seed_old_database(path)
        with sqlite3.connect(path) as db:
            db.execute(
                "INSERT INTO research (call_id, position, area, text)"
                " VALUES (1, 0, 'say', 'a day lost per order'), (1, 1, 'news', 'new CFO')"
            )
    before = dump(path)

    repo = Repository.open(path)
    try:
        assert migrations.schema_version(path) == migrations.LATEST
        after = without_times(dump(path))
        assert [row[:5] for row in after.pop("research")] == [
            row[:5] for row in before.pop("research")
        ]
        assert {k: v for k, v in after.items() if k in before} == before
        (call,) = repo.all_calls()
        assert [(r.text, r.said) for r in call.research] == [
            ("a day lost per order", False),
            ("new CFO", False),
        ]
        said = call.research[0].id
        assert said is not None
        repo.set_research_said(said, True)
        (call,) = repo.all_calls()
        assert [r.said for r in call.research] == [True, False]
    finally:
        repo.close()


def without_in_email(notes: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """Version 12 adds ``in_email`` (last) to every note, NULL: the kind's default."""
    assert all(row[-1] is None for row in notes)
    return [row[:-1] for row in notes]


def test_upgrade_to_12_leaves_every_note_to_its_kinds_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version 12 adds the in-email choice: old notes read back unchosen, and can be chosen."""
    path = tmp_path / "callmate.db"
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:11])
        patch.setattr(migrations, "LATEST", 11)
        Repository.open(path).close()
        seed_old_database(path)
    before = dump(path)

    repo = Repository.open(path)
    try:
        assert migrations.schema_version(path) == migrations.LATEST >= 12
        assert (path.parent / "callmate.db.v11.bak").exists()
        after = dump(path)
        after["notes"] = without_in_email(after["notes"])
        after["contacts"] = without_reach(after["contacts"])
        assert after == before
        (call,) = repo.all_calls()
        assert [(n.text, n.in_email, n.in_recap) for n in call.notes] == [
            ("budget freeze until March", None, True),
            ("send the pricing sheet", None, True),
        ]
        first = call.notes[0].id
        assert first is not None
        repo.set_note_in_email(first, False)
        (call,) = repo.all_calls()
        assert [(n.in_email, n.in_recap) for n in call.notes] == [(False, False), (None, True)]
    finally:
        repo.close()


def test_search_index_rebuilt_with_prefixes_keeps_every_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version 6 rebuilds the search tables; what was findable stays findable."""
    path = tmp_path / "callmate.db"
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:5])
        patch.setattr(migrations, "LATEST", 5)
        repo = Repository.open(path)
        # Written as a version-5 callmate wrote it (today's ORM reads later tables).
        seed_old_database(path)
        repo.close()
    with sqlite3.connect(path) as db:  # today's search reads columns version 9 adds
        before_rows = db.execute(
            "SELECT text FROM search_notes WHERE search_notes MATCH 'budg*'"
        ).fetchall()
    assert before_rows == [("budget freeze until March",)]
    assert migrations.schema_version(path) == 5

    repo = Repository.open(path)
    try:
        assert migrations.schema_version(path) == migrations.LATEST  # through 6 and on
        assert [(h.source, h.text) for h in repo.search("budg")] == [
            ("note", "budget freeze until March")
        ]
        assert [hit.text for hit in repo.search("b") if hit.source == "note"] == [
            "budget freeze until March"
        ]
        assert repo.search("Dana")  # the contact, through the rebuilt contact index
        call_id = repo.start_call(new_call()).id
        assert call_id is not None
        repo.save_note(call_id, Note(text="marching orders", created_at=NOW))
        assert len([hit for hit in repo.search("mar") if hit.source == "note"]) == 2
    finally:
        repo.close()
    with sqlite3.connect(path) as db:
        sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'search_notes'").fetchone()[0]
    assert "prefix='1 2 3'" in sql


async def test_home_says_so_while_an_old_database_is_upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow upgrade on first start after an update is explained, not a silent wait."""
    import threading

    from callmate.app import make_app
    from tests.helpers import screen_text, settle

    home = tmp_path / "home"
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:5])
        patch.setattr(migrations, "LATEST", 5)
        Repository.open(home / "callmate.db").close()

    release = threading.Event()
    upgrade = migrations.upgrade

    def slow_upgrade(path: Path, target: int | None = None) -> int:
        release.wait(10)
        return upgrade(path, target)

    monkeypatch.setattr(migrations, "upgrade", slow_upgrade)
    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        assert "Updating your data for this version of callmate" in screen_text(pilot)
        release.set()
        await settle(pilot)
        await pilot.pause(0.3)
        text = screen_text(pilot)
        assert "No calls yet" in text and "Updating" not in text
    app.store.close()
    assert migrations.schema_version(home / "callmate.db") == migrations.LATEST


def test_upgrade_to_9_keeps_every_row_and_every_call_connected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version 9 adds how a call went and discards: old calls are conversations,
    kept, and still set the contact's "last called"."""
    path = tmp_path / "callmate.db"
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:8])
        patch.setattr(migrations, "LATEST", 8)
        migrations.upgrade(path)
        seed_old_database(path)
    before = dump(path)

    repo = Repository.open(path)
    try:
        assert migrations.schema_version(path) == migrations.LATEST
        assert (path.parent / "callmate.db.v8.bak").exists()
        after = without_times(dump(path))
        assert [row[-2:] for row in after["calls"]] == [("connected", None)]
        after["calls"] = [row[:-2] for row in after["calls"]]
        assert after == before, "the upgrade changed no stored row"
        (call,) = repo.all_calls()
        assert call.connection.value == "connected"
        # A call that didn't connect leaves "last called" where it was.
        later = repo.start_call(new_call(started_at=NOW + timedelta(days=3)))
        assert later.id is not None
        from callmate.domain.models import Connection

        step = NextStep(what="Try again", due=date(2026, 11, 26))
        repo.log_attempt(later.id, Connection.NO_ANSWER, step, NOW + timedelta(days=3))
        with sqlite3.connect(path) as db:
            (last,) = db.execute("SELECT last_call_at FROM contacts").fetchone()
        assert last == "2026-11-22 15:00:00.000000"
    finally:
        repo.close()


def test_upgrade_to_11_keeps_every_row_and_a_moved_time_is_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version 11 adds a time of day: old steps and commitments have none, and
    from then on moving only the time is kept in the history as a date move is."""
    path = tmp_path / "callmate.db"
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:10])
        patch.setattr(migrations, "LATEST", 10)
        migrations.upgrade(path)
        seed_old_database(path)
    before = dump(path)

    repo = Repository.open(path)
    try:
        assert migrations.schema_version(path) == migrations.LATEST
        assert (path.parent / "callmate.db.v10.bak").exists()
        assert without_times(dump(path)) == before, "the upgrade changed no stored row"
        (call,) = repo.all_calls()
        assert call.next_step is not None
        assert (call.next_step.due, call.next_step.due_time) == (date(2026, 11, 27), None)
        assert [(n.due, n.due_time) for n in call.notes] == [
            (None, None),
            (date(2026, 11, 24), None),
        ]

        repo.reschedule_step(1, date(2026, 11, 27), time(15, 0))  # same day, now at 15:00
        repo.reschedule_step(1, date(2026, 11, 27), time(15, 0))  # no change, no move
        repo.reschedule_step(1, date(2026, 11, 27), time(16, 30))
        commitment = call.notes[1].id
        assert commitment is not None
        assert repo.reschedule_commitment(commitment, date(2026, 11, 24), time(9, 0))
        (call,) = repo.all_calls()
        assert call.next_step is not None
        assert (call.next_step.due, call.next_step.due_time) == (date(2026, 11, 27), time(16, 30))
        assert call.next_step.moved_from == [date(2026, 11, 27), date(2026, 11, 27)]
        assert (call.notes[1].due, call.notes[1].due_time) == (date(2026, 11, 24), time(9, 0))
        assert call.notes[1].moved_from == [date(2026, 11, 24)]
        with sqlite3.connect(path) as db:
            moves = db.execute(
                "SELECT note_id, from_time, to_time FROM date_moves ORDER BY id"
            ).fetchall()
        assert moves == [
            (None, None, "15:00"),
            (None, "15:00", "16:30"),
            (commitment, None, "09:00"),
        ]
    finally:
        repo.close()


def test_a_call_read_to_resume_is_the_call_get_call_reads(sqlite_repo: Repository) -> None:
    repo = sqlite_repo
    """The raw read of a resumed call's notes gives what the ORM read gives,
    cleaned the same way even for a row written behind the app's back."""
    from callmate.store.resume import call_to_resume

    call = repo.start_call(new_call())
    assert call.id is not None
    repo.save_note(call.id, Note(text="plain", created_at=NOW))
    ours = repo.save_note(
        call.id,
        Note(kind=NoteKind.OURS, text="Send the SLA", created_at=NOW, due=date(2026, 12, 4)),
    )
    assert ours.id is not None
    repo.reschedule_commitment(ours.id, date(2026, 12, 11), time(15, 0))
    repo.set_note_in_email(ours.id, False)
    deleted = repo.save_note(call.id, Note(text="gone", created_at=NOW))
    assert deleted.id is not None
    repo.delete_note(deleted.id, NOW)
    db = sqlite3.connect(repo.engine.url.database or "")
    with db:  # as an older version or a hand edit might have left it
        db.execute(
            "INSERT INTO notes (call_id, kind, text, offset_seconds, created_at, owner)"
            " VALUES (?, 'theirs', ?, 5, ?, ?)",
            (
                call.id,
                "evil\x1b]52;c;aGk=\x07 text\r\n",
                "2026-11-23 10:00:00.000000",
                " Tara\x1b ",
            ),
        )
    db.close()
    resumed = call_to_resume(repo, call.id)
    assert resumed == repo.get_call(call.id)
    assert [n.text for n in resumed.notes] == ["plain", "Send the SLA", "evil]52;c;aGk= text"]
    assert resumed.notes[1].moved_from == [date(2026, 12, 4)]
