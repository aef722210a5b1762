"""A database that can't be used is explained, never a traceback or a hang (issue 11).

Real failures, not mocks: files of random bytes and truncated databases, a
read-only file system and a full one (tiny tmpfs mounts, when this runs as
root; skipped otherwise), and several processes racing to create or upgrade
one database.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from callmate.app import CallmateApp
from callmate.domain.models import Call, Contact, NextStep, Note, Outcome, Owner
from callmate.store import migrations
from callmate.store.errors import StoreUnavailable, classify, newest_backup
from callmate.store.repository import Repository, make_engine
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parent.parent


# -- real broken files -------------------------------------------------------
def seed(path: Path, calls: int = 1) -> None:
    """A real callmate database with ``calls`` closed calls, each with a note."""
    repo = Repository.open(path)
    try:
        for number in range(calls):
            call = repo.start_call(
                Call(
                    contact=Contact(name=f"Dana {number}", company="Northwind"),
                    goal="Book a demo " + "x" * 300,
                    started_at=NOW,
                )
            )
            assert call.id is not None
            repo.save_note(call.id, Note(text="budget freeze " * 40, created_at=NOW))
            repo.finish_call(
                call.id,
                outcome=Outcome.YES,
                next_step=NextStep(what="Send the pilot plan", owner=Owner.US, due=NOW.date()),
                ended_at=NOW,
            )
    finally:
        repo.close()


# What each migration whose tables today's ORM writes added, taken out again.
UNDO = {
    7: "DROP TRIGGER calls_next_step_moved; DROP TRIGGER notes_due_moved; DROP TABLE date_moves;",
    8: "DROP INDEX ix_notes_open_commitments;",
    9: """
DROP INDEX ix_calls_discarded; DROP INDEX ix_calls_streak;
DROP TRIGGER calls_last_call_at; DROP TRIGGER calls_last_call_at_changed;
ALTER TABLE calls DROP COLUMN connection; ALTER TABLE calls DROP COLUMN discarded_at;
CREATE TRIGGER calls_last_call_at AFTER INSERT ON calls BEGIN
    UPDATE contacts SET last_call_at = new.started_at
    WHERE id = new.contact_id AND (last_call_at IS NULL OR last_call_at < new.started_at);
END;
""",
    10: "ALTER TABLE research DROP COLUMN said;",
    11: """
DROP TRIGGER calls_next_step_moved; DROP TRIGGER notes_due_moved;
ALTER TABLE calls DROP COLUMN next_step_time; ALTER TABLE notes DROP COLUMN due_time;
ALTER TABLE date_moves DROP COLUMN from_time; ALTER TABLE date_moves DROP COLUMN to_time;
CREATE TRIGGER calls_next_step_moved AFTER UPDATE OF next_step_due ON calls
WHEN old.next_step_due IS NOT NULL AND new.next_step_due IS NOT NULL
    AND new.next_step_due <> old.next_step_due
BEGIN
    INSERT INTO date_moves (call_id, note_id, from_date, to_date, moved_at)
    VALUES (new.id, NULL, old.next_step_due, new.next_step_due, datetime('now'));
END;
CREATE TRIGGER notes_due_moved AFTER UPDATE OF due ON notes
WHEN old.due IS NOT NULL AND new.due IS NOT NULL AND new.due <> old.due
BEGIN
    INSERT INTO date_moves (call_id, note_id, from_date, to_date, moved_at)
    VALUES (new.call_id, new.id, old.due, new.due, datetime('now'));
END;
""",
    12: "ALTER TABLE notes DROP COLUMN in_email;",
    13: """
DROP TRIGGER contacts_uuid; DROP TRIGGER calls_uuid; DROP TRIGGER notes_uuid;
DROP INDEX ux_contacts_uuid; DROP INDEX ux_calls_uuid; DROP INDEX ux_notes_uuid;
ALTER TABLE contacts DROP COLUMN uuid; ALTER TABLE calls DROP COLUMN uuid;
ALTER TABLE notes DROP COLUMN uuid;
""",
    14: """
DROP TRIGGER contacts_search_insert; DROP TRIGGER contacts_search_update;
ALTER TABLE contacts DROP COLUMN email; ALTER TABLE contacts DROP COLUMN phone;
ALTER TABLE contacts DROP COLUMN title;
CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO search_contacts (rowid, text) VALUES (new.id, new.name || ' ' || new.company);
END;
CREATE TRIGGER contacts_search_update AFTER UPDATE OF name, company ON contacts BEGIN
    DELETE FROM search_contacts WHERE rowid = old.id;
    INSERT INTO search_contacts (rowid, text) VALUES (new.id, new.name || ' ' || new.company);
END;
""",
    15: "DROP INDEX ix_notes_commitments_kept; DROP INDEX ix_notes_quotes;",
}


def seed_old(path: Path, version: int, monkeypatch: pytest.MonkeyPatch, calls: int = 1) -> None:
    """A database as callmate ``version`` left it (see tests/test_store.py).

    Seeded by today's repository, whose ORM reads and writes what the later
    migrations add (the date history of 7, the attempts of 9, the "said" ticks
    of 10, the times of 11, the in-email choice of 12, the stable ids of 13, the
    e-mail, phone and title of 14); those are taken out
    again afterwards, newest first, so the file is what that version had.
    """
    seeded = max(version, *UNDO)
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:seeded])
        patch.setattr(migrations, "LATEST", seeded)
        seed(path, calls)
    undo = [UNDO[v] for v in sorted(UNDO, reverse=True) if v > version]
    db = sqlite3.connect(path)
    try:
        # A checkpoint after each step: on the tiny disk the WAL of them all didn't fit.
        steps = " PRAGMA wal_checkpoint(TRUNCATE); ".join(undo)
        db.executescript(f"{steps} PRAGMA user_version = {version};")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    assert migrations.schema_version(path) == version


def corrupt(path: Path, how: str) -> str:
    """Break the database at ``path``; the reason SQLite will give."""
    if how == "random bytes":
        path.write_bytes(os.urandom(8192))
        return "file is not a database"
    if how == "text file":
        path.write_text("my shopping list\nmilk\n")
        return "file is not a database"
    data = path.read_bytes()
    assert len(data) > 40_000, "seed more calls: the truncation must cut real pages"
    path.write_bytes(data[: len(data) // 2] if how == "truncated" else data[:100])
    return "database disk image is malformed"


CORRUPTIONS = ["random bytes", "text file", "truncated", "truncated header"]


def broken_database(home: Path, how: str) -> tuple[Path, str]:
    path = home / "callmate.db"
    if how.startswith("truncated"):
        seed(path, calls=40)
    reason = corrupt(path, how)
    return path, reason


@pytest.mark.parametrize("how", CORRUPTIONS)
def test_opening_a_broken_file_says_what_is_wrong(tmp_path: Path, how: str) -> None:
    path, reason = broken_database(tmp_path, how)
    with pytest.raises(StoreUnavailable) as caught:
        Repository.open(path).close()
    assert caught.value.kind == "corrupt"
    assert caught.value.message == (
        f"{path} is not a callmate database ({reason}). Move it away to start afresh "
        "(callmate then makes a new, empty one)."
    )


def test_the_message_names_the_newest_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "callmate.db"
    migrations.upgrade(path, 4)
    with monkeypatch.context() as patch:  # 4 -> 5 leaves callmate.db.v4.bak
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:5])
        patch.setattr(migrations, "LATEST", 5)
        Repository.open(path).close()
    Repository.open(path).close()  # 5 -> 6 leaves callmate.db.v5.bak
    assert newest_backup(path) == tmp_path / "callmate.db.v5.bak"
    corrupt(path, "random bytes")
    with pytest.raises(StoreUnavailable) as caught:
        Repository.open(path)
    assert caught.value.message == (
        f"{path} is not a callmate database (file is not a database). Your last backup "
        f"is {tmp_path / 'callmate.db.v5.bak'}; move the broken file away to start afresh."
    )


def test_sqlalchemys_wrapped_errors_are_recognised(tmp_path: Path) -> None:
    """A file that breaks after it was opened fails later, inside SQLAlchemy."""
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    path = tmp_path / "callmate.db"
    path.write_bytes(os.urandom(4096))
    engine = make_engine(path)
    try:
        with pytest.raises(DatabaseError) as caught, engine.connect() as connection:
            connection.execute(text("SELECT 1 FROM calls"))
    finally:
        engine.dispose()
    problem = classify(caught.value, path)
    assert problem is not None and problem.kind == "corrupt"
    assert classify(ValueError("not storage"), path) is None
    assert classify(sqlite3.IntegrityError("UNIQUE constraint failed"), path) is None


def test_a_database_damaged_while_in_use_fails_its_next_job_with_the_message(
    tmp_path: Path,
) -> None:
    from callmate.store.gateway import StoreGateway

    path = tmp_path / "callmate.db"
    seed(path, calls=40)
    gateway = StoreGateway(path)
    try:
        assert len(gateway.submit(lambda repo: repo.all_calls()).result(30)) == 40
        gateway.submit(lambda repo: repo.close()).result(30)  # drop its open pages
        corrupt(path, "truncated")
        with pytest.raises(StoreUnavailable, match="is not a callmate database"):
            gateway.submit(lambda repo: repo.all_calls()).result(30)
    finally:
        gateway.close()


# -- mounts: a read-only place and a full disk (root only) --------------------
def _mount(target: Path, options: str) -> bool:
    if os.geteuid() != 0:
        return False
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def _unmount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], capture_output=True, check=False)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 768 KB file system of its own (skipped where mounting is not allowed).

    An upgrade from version 5 through 13 needs ~600 KB there."""
    mount = tmp_path / "tiny-disk"
    mount.mkdir()
    if not _mount(mount, "size=768k,mode=0700"):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mount
    finally:
        _unmount(mount)


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """An empty folder on a read-only file system."""
    mount = tmp_path / "read-only"
    mount.mkdir()
    if not _mount(mount, "ro,size=64k"):
        pytest.skip("cannot mount a read-only tmpfs here (needs root)")
    try:
        yield mount
    finally:
        _unmount(mount)


def fill(disk: Path) -> Path:
    """Take every free byte of ``disk``; the file that holds them."""
    filler = disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        for size in (65536, 4096, 1):
            try:
                while True:
                    os.write(descriptor, b"\0" * size)
            except OSError as error:
                assert error.errno == errno.ENOSPC
    finally:
        os.close(descriptor)
    return filler


def test_first_start_on_a_full_disk(tiny_disk: Path) -> None:
    home = tiny_disk / "home"
    home.mkdir()
    fill(tiny_disk)
    with pytest.raises(StoreUnavailable) as caught:
        Repository.open(home / "callmate.db")
    assert caught.value.kind == "full"
    assert caught.value.message == (
        f"the disk holding {home} is full (no space left on device). "
        "Free some space, then start callmate again."
    )


def test_first_start_in_a_read_only_place(read_only_dir: Path) -> None:
    with pytest.raises(StoreUnavailable) as caught:
        Repository.open(read_only_dir / "callmate.db")
    assert caught.value.kind == "read-only"
    assert caught.value.message == (
        f"cannot write to {read_only_dir / 'callmate.db'} (read-only file system). Make it "
        "writable for you, or choose another folder with --data-dir or CALLMATE_HOME."
    )


# -- several callmates at once ----------------------------------------------
RACE = r"""
import sys, time
from pathlib import Path
from callmate.store.repository import Repository

start_at = float(sys.argv[2])
while time.time() < start_at:
    pass
Repository.open(Path(sys.argv[1])).close()
"""


def race(path: Path, processes: int) -> list[subprocess.CompletedProcess[str]]:
    """Open the database from ``processes`` interpreters released at the same instant."""
    start_at = time.time() + 2.5  # after every interpreter has imported SQLAlchemy
    running = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, str(path), repr(start_at)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    results = []
    for process in running:
        out, err = process.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def schema(path: Path) -> set[tuple[str, str]]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return set(db.execute("SELECT type, name FROM sqlite_master"))


def test_six_first_starts_at_once_create_one_schema(tmp_path: Path) -> None:
    reference = tmp_path / "reference.db"
    Repository.open(reference).close()
    path = tmp_path / "home" / "callmate.db"
    path.parent.mkdir()
    for result in race(path, 6):
        assert result.returncode == 0, result.stderr
    assert migrations.schema_version(path) == migrations.LATEST
    assert schema(path) == schema(reference)
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert not list(path.parent.glob("*.bak"))  # nothing to back up in a new file


def test_six_starts_at_once_upgrade_an_old_database_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "callmate.db"
    seed_old(path, 5, monkeypatch, calls=3)
    for result in race(path, 6):
        assert result.returncode == 0, result.stderr
    assert migrations.schema_version(path) == migrations.LATEST
    reference = tmp_path / "reference.db"
    Repository.open(reference).close()
    assert schema(path) == schema(reference)
    assert [p.name for p in tmp_path.glob("callmate.db.v*.bak")] == ["callmate.db.v5.bak"]
    backup = tmp_path / "callmate.db.v5.bak"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    with contextlib.closing(sqlite3.connect(backup)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 5
        assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == 3
    assert not list(tmp_path.glob(".callmate.db*.tmp"))  # no half-written copy left
    repo = Repository.open(path)
    try:
        assert len(repo.all_calls()) == 3
        assert [hit.source for hit in repo.search("b")].count("note") == 3  # prefix index
    finally:
        repo.close()


def test_an_upgrade_waits_for_one_in_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While another callmate holds the write lock (a long upgrade), the next one
    waits, then finds the work done: nothing run twice, no "database is locked"."""
    import threading

    path = tmp_path / "callmate.db"
    seed_old(path, 5, monkeypatch)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    for statement in migrations.split_statements(migrations.MIGRATIONS[5]):
        holder.execute(statement)
    holder.execute(f"PRAGMA user_version = {migrations.LATEST}")
    outcome: dict[str, object] = {}

    def second() -> None:
        try:
            outcome["old"] = migrations.upgrade(path)
        except BaseException as error:  # reported below
            outcome["error"] = error

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(1.0)
    assert thread.is_alive(), "the second upgrade did not wait for the first"
    holder.execute("COMMIT")
    holder.close()
    thread.join(30)
    assert outcome == {"old": migrations.LATEST}
    assert not list(tmp_path.glob("callmate.db.v*.bak"))  # the waiter backed nothing up


# -- private files -----------------------------------------------------------
def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_and_its_journal_files_are_private(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)  # a typical, loose umask
    try:
        path = tmp_path / "callmate.db"
        repo = Repository.open(path)
        try:
            repo.start_call(Call(contact=Contact(name="Dana"), goal="Demo", started_at=NOW))
            with repo.engine.connect():  # hold a connection: the -wal and -shm stay
                wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
                assert wal.exists() and shm.exists()
                assert (mode(path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
        finally:
            repo.close()
    finally:
        os.umask(old_umask)


# -- the app -------------------------------------------------------------------
async def wait_for(pilot: Pilot[None], text: str, seconds: float = 10.0) -> str:
    """The screen's text once it shows ``text``, lines joined and spaces collapsed
    (a long message wraps), or as it is when ``seconds`` have passed."""
    from tests.helpers import screen_text

    deadline = time.monotonic() + seconds
    while True:
        await pilot.pause(0.05)
        flat = " ".join(screen_text(pilot).split())
        if text in flat or time.monotonic() > deadline:
            return flat


def toasts(app: CallmateApp, severity: str | None = None) -> list[str]:
    return [
        notification.message
        for notification in app._notifications
        if severity is None or notification.severity == severity
    ]


@pytest.mark.parametrize("how", ["random bytes", "truncated"])
async def test_home_shows_a_broken_database_instead_of_loading_forever(
    app: CallmateApp, isolated_home: Path, how: str
) -> None:
    from callmate.screens.home import HomeScreen

    path, reason = broken_database(isolated_home, how)
    broken = path.read_bytes()
    async with app.run_test(size=(200, 30), notifications=True) as pilot:
        text = await wait_for(pilot, "is not a callmate database")
        assert "Loading your day" not in text
        assert f"is not a callmate database ({reason})" in text
        assert "Press q to quit." in text
        assert toasts(app, "error") == []  # no error toast on top
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("n")  # planning a call can't work: nothing happens
        await pilot.pause(0.1)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("q")
        await pilot.pause(0.2)
    assert app.return_code == 0
    assert path.read_bytes() == broken  # left exactly as it was, for the user to rescue


async def test_home_on_a_full_disk_says_so(tiny_disk: Path) -> None:
    from callmate.app import make_app

    home = tiny_disk / "home"
    home.mkdir()
    fill(tiny_disk)
    app = make_app(home)
    async with app.run_test(size=(200, 30)) as pilot:
        text = await wait_for(pilot, "is full")
        assert "Loading your day" not in text
        assert f"The disk holding {home} is full" in text
        await pilot.press("q")
    app.store.close()


async def test_home_tells_once_that_loose_files_were_made_private(
    isolated_home: Path,
) -> None:
    from callmate.cli import build_app

    seed(isolated_home / "callmate.db")
    recaps = isolated_home / "recaps"
    recaps.mkdir()
    recap = recaps / "call-1-recap.txt"
    recap.write_text("Hi Dana")
    drafts = isolated_home / "drafts"
    drafts.mkdir()
    draft = drafts / "new.json"
    draft.write_text("{}")
    for path, loose in [
        (isolated_home, 0o755),
        (recaps, 0o755),
        (recap, 0o644),
        (drafts, 0o755),
        (draft, 0o644),
        (isolated_home / "callmate.db", 0o644),
        (isolated_home / "settings.toml", 0o644),
    ]:
        os.chmod(path, loose)
    app = build_app(isolated_home)  # what `callmate` runs
    async with app.run_test(size=(200, 30), notifications=True) as pilot:
        text = await wait_for(pilot, "Made your callmate files private")
        assert "Made your callmate files private" in text
        assert toasts(app) == [
            "Made your callmate files private (they were readable by other users)."
        ]
        await pilot.press("n")  # home comes back (resumes) after planning ...
        await pilot.pause(0.2)
        await pilot.press("escape")
        await pilot.pause(0.5)
        assert len(toasts(app)) == 1  # ... and does not say it again
    app.store.close()
    assert mode(isolated_home) == mode(recaps) == mode(drafts) == 0o700
    assert mode(recap) == mode(draft) == mode(isolated_home / "callmate.db") == 0o600
    assert mode(isolated_home / "settings.toml") == 0o600


def test_nothing_is_said_when_everything_is_already_private(isolated_home: Path) -> None:
    from callmate.locations import make_private

    seed(isolated_home / "callmate.db")
    os.chmod(isolated_home, 0o700)
    os.chmod(isolated_home / "settings.toml", 0o600)
    assert make_private(isolated_home) == []
    os.chmod(isolated_home / "callmate.db", 0o640)
    assert make_private(isolated_home) == [isolated_home / "callmate.db"]
    assert make_private(isolated_home) == []


def test_an_unrelated_file_in_the_data_dir_is_left_alone(isolated_home: Path) -> None:
    from callmate.locations import make_private

    other = isolated_home / "notes-for-the-team.txt"
    other.write_text("shared on purpose")
    os.chmod(other, 0o644)
    make_private(isolated_home)
    assert mode(other) == 0o644


def test_recap_folders_are_made_private(isolated_home: Path) -> None:
    from callmate.locations import exports_dir, recaps_dir

    old_umask = os.umask(0o022)
    try:
        assert mode(recaps_dir(isolated_home)) == 0o700
        assert mode(exports_dir(isolated_home)) == 0o700
        fresh = isolated_home / "fresh"
        from callmate.locations import HOME_ENV, data_dir

        os.environ[HOME_ENV] = str(fresh)
        try:
            assert data_dir() == fresh and mode(fresh) == 0o700
        finally:
            os.environ[HOME_ENV] = str(isolated_home)
    finally:
        os.umask(old_umask)


def test_a_clipboard_file_is_private_and_whole(tmp_path: Path) -> None:
    from callmate.clipboard import SystemCopy, copy_text
    from tests.helpers import FakeClipboard

    old_umask = os.umask(0o022)
    try:
        target = tmp_path / "recaps" / "r.txt"
        report = copy_text(
            "Hi Dana",
            system=FakeClipboard(result=SystemCopy.UNAVAILABLE),
            terminal=None,
            fallback_file=lambda: target,
        )
    finally:
        os.umask(old_umask)
    assert report.file == target and target.read_text() == "Hi Dana"
    assert mode(target) == 0o600 and mode(target.parent) == 0o700
    assert [p.name for p in target.parent.iterdir()] == ["r.txt"]


def test_a_clipboard_file_on_a_full_disk_is_reported_with_a_safe_name(tiny_disk: Path) -> None:
    from callmate.clipboard import SystemCopy, copy_text
    from tests.helpers import FakeClipboard

    folder = tiny_disk / "recaps\x1b]0;pwned\x07"
    folder.mkdir()
    fill(tiny_disk)
    report = copy_text(
        "Hi Dana " * 2000,
        system=FakeClipboard(result=SystemCopy.UNAVAILABLE),
        terminal=None,
        fallback_file=lambda: folder / "r.txt",
    )
    assert report.file is None and report.file_error is not None
    assert "No space left on device" in report.message
    assert "\x1b" not in report.message and "\x07" not in report.message
    assert list(folder.iterdir()) == []  # no half-written file, no temporary left


def test_upgrade_still_reports_a_bad_migration_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in a migration is not a storage problem: it is not dressed up as one."""
    path = tmp_path / "callmate.db"
    Repository.open(path).close()
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, "NOT SQL;"])
    monkeypatch.setattr(migrations, "LATEST", migrations.LATEST + 1)
    with pytest.raises(sqlite3.OperationalError):
        Repository.open(path)
    assert migrations.schema_version(path) == migrations.LATEST - 1


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB file system of its own, to be made read-only by the test."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if not _mount(mount, "size=4m,mode=0700"):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mount
    finally:
        _unmount(mount)


def make_read_only(mount: Path) -> None:
    result = subprocess.run(
        ["mount", "-o", "remount,ro", str(mount)], capture_output=True, check=False
    )
    if result.returncode != 0:
        pytest.skip("cannot remount read-only here")


async def test_home_in_a_read_only_place_says_so(small_disk: Path) -> None:
    """Calls kept on a disk that has since become read-only: explained, not a hang."""
    from callmate.app import make_app

    home = small_disk / "home"
    home.mkdir(mode=0o700)
    seed(home / "callmate.db")
    make_read_only(small_disk)
    app = make_app(home)
    async with app.run_test(size=(200, 30)) as pilot:
        text = await wait_for(pilot, "read-only file system")
        assert "Loading your day" not in text
        assert (
            f"Cannot write to {home / 'callmate.db'} (read-only file system). Make it "
            "writable for you, or choose another folder with --data-dir or CALLMATE_HOME."
        ) in text
        assert "Press q to quit." in text
        await pilot.press("q")
    app.store.close()


def test_the_settings_folder_is_made_private_too(
    isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from callmate.locations import make_private
    from callmate.settings_file import settings_path

    monkeypatch.delenv("CALLMATE_HOME")  # settings.toml in the user's config folder
    config = settings_path()
    assert config.parent == tmp_path / "xdg-config" / "callmate"
    config.parent.mkdir(parents=True, mode=0o755)
    os.chmod(config.parent, 0o755)
    config.write_text('user_name = "Sam"\n')
    os.chmod(config, 0o644)
    assert set(make_private(isolated_home)) >= {config.parent, config}
    assert mode(config.parent) == 0o700 and mode(config) == 0o600


def test_a_settings_file_named_elsewhere_leaves_its_folder_alone(
    isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from callmate.locations import make_private

    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    config = shared / "callmate.toml"
    config.write_text("")
    os.chmod(config, 0o644)
    monkeypatch.setenv("CALLMATE_CONFIG", str(config))
    assert config in make_private(isolated_home)
    assert mode(config) == 0o600 and mode(shared) == 0o755


RUN_HOME_UNTIL_SHOWN = r"""
import asyncio, os, sys, time
from pathlib import Path
from callmate.app import make_app

async def main():
    app = make_app(Path(os.environ["CALLMATE_HOME"]))
    async with app.run_test(size=(120, 30)) as pilot:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            await pilot.pause(0.05)
            text = "\n".join(s.text for s in app.screen._compositor.render_strips())
            if "Send the pilot plan" in text:
                break
        else:
            sys.exit("stuck at: " + " ".join(text.split())[:300])
    app.store.close()

asyncio.run(main())
"""


def test_three_apps_opened_at_once_on_an_old_database_all_show_the_day(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """None sticks at "Updating your data…": one upgrades, the others wait and go on."""
    seed_old(isolated_home / "callmate.db", 5, monkeypatch, calls=2)
    running = [
        subprocess.Popen(
            [sys.executable, "-c", RUN_HOME_UNTIL_SHOWN],
            cwd=ROOT,
            env={**os.environ, "CALLMATE_HOME": str(isolated_home)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for process in running:
        _out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err[-2000:]
    assert migrations.schema_version(isolated_home / "callmate.db") == migrations.LATEST
    assert [p.name for p in isolated_home.glob("callmate.db.v*.bak")] == ["callmate.db.v5.bak"]


def test_an_upgrade_on_a_full_disk_changes_nothing(
    tiny_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No room for the backup copy: said so, the database stays as it was, no
    half-written copy is left; with room again the upgrade just happens."""
    path = tiny_disk / "callmate.db"
    seed_old(path, 5, monkeypatch, calls=1)
    before = path.read_bytes()
    filler = fill(tiny_disk)
    with pytest.raises(StoreUnavailable) as caught:
        Repository.open(path)
    assert caught.value.message == (
        f"the disk holding {tiny_disk} is full (no space left on device). "
        "Free some space, then start callmate again."
    )
    assert path.read_bytes() == before  # (a WAL database can't even be read on a full disk)
    left = {p.name for p in tiny_disk.iterdir()} - {"callmate.db-wal", "callmate.db-shm"}
    assert left == {"callmate.db", "filler"}  # no backup, no half-written copy
    filler.unlink()
    assert migrations.schema_version(path) == 5
    Repository.open(path).close()
    assert migrations.schema_version(path) == migrations.LATEST
    assert (tiny_disk / "callmate.db.v5.bak").exists()


def test_no_room_for_the_backup_copy_leaves_no_half_written_file(
    tiny_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tiny_disk / "callmate.db"
    seed_old(path, 5, monkeypatch, calls=1)
    size = path.stat().st_size
    filler = fill(tiny_disk)
    os.truncate(filler, filler.stat().st_size - 64 * 1024)  # room for the -shm, not a copy
    assert size > 64 * 1024
    with pytest.raises(StoreUnavailable) as caught:
        Repository.open(path)
    assert caught.value.kind == "full"
    failed_in = traceback.extract_tb(caught.value.__cause__.__traceback__)  # type: ignore[union-attr]
    assert "_backup" in [frame.name for frame in failed_in]  # the copy is what ran out of room
    assert not [p.name for p in tiny_disk.iterdir() if p.name.endswith((".tmp", ".bak"))]
    filler.unlink()
    assert migrations.schema_version(path) == 5


def test_a_shared_folder_used_as_the_data_dir_is_not_locked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--data-dir /tmp (or ~) must not take /tmp away from every other user."""
    from callmate.locations import make_private

    shared = tmp_path / "like-tmp"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    database = shared / "callmate.db"
    database.write_bytes(b"")
    os.chmod(database, 0o644)
    changed = make_private(shared)
    assert database in changed and shared not in changed
    assert mode(shared) == 0o1777 and mode(database) == 0o600

    home = tmp_path / "user-home"
    home.mkdir()
    os.chmod(home, 0o755)
    monkeypatch.setenv("HOME", str(home))
    make_private(home)
    assert mode(home) == 0o755
