"""Versioned schema migrations, tracked in SQLite's ``PRAGMA user_version``.

Why not Alembic: it costs ~360 ms to import and brings a second schema
language; callmate's migrations are a short, ordered list of SQL scripts, each
run once, in one transaction with the version bump, after a backup copy of the
database file is taken. Reading the version is one PRAGMA on a stdlib
``sqlite3`` connection (:func:`schema_version`), so a normal start never loads
this module's scripts at all.

Rules for adding a migration: append to :data:`MIGRATIONS`, never edit an old
one, and keep :mod:`callmate.store.schema` in step (a test compares them).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from callmate.domain.text import shown
from callmate.files import atomic_target, create_private
from callmate.store.errors import StoreUnavailable
from callmate.store.stable_ids import SQLITE_NEW_UUID

CONTACT_SEARCH_TEXT = (
    "{row}name || ' ' || {row}company || ' ' || {row}title || ' ' || {row}email"
    " || ' ' || {row}phone || ' ' || replace(replace(replace(replace(replace(replace({row}phone,"
    " ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '+', '')"
)
"""What search finds a contact by (migration 14): the phone twice, as typed and as digits."""

MIGRATIONS: list[str] = [
    # 1: contacts, calls, their questions and notes.
    """
    CREATE TABLE contacts (
        id INTEGER NOT NULL PRIMARY KEY,
        name TEXT NOT NULL,
        company TEXT NOT NULL DEFAULT '',
        created_at DATETIME NOT NULL
    );
    CREATE TABLE calls (
        id INTEGER NOT NULL PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE RESTRICT,
        goal TEXT NOT NULL,
        backup_goal TEXT NOT NULL DEFAULT '',
        status VARCHAR(16) NOT NULL,
        started_at DATETIME NOT NULL,
        ended_at DATETIME,
        outcome VARCHAR(16),
        next_step_what TEXT,
        next_step_owner VARCHAR(16),
        next_step_due DATE
    );
    CREATE INDEX ix_calls_started_at ON calls (started_at);
    CREATE INDEX ix_calls_contact_id ON calls (contact_id);
    CREATE INDEX ix_calls_next_step_due ON calls (next_step_due);
    CREATE TABLE questions (
        id INTEGER NOT NULL PRIMARY KEY,
        call_id INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        asked BOOLEAN NOT NULL DEFAULT 0
    );
    CREATE INDEX ix_questions_call_id ON questions (call_id);
    CREATE TABLE notes (
        id INTEGER NOT NULL PRIMARY KEY,
        call_id INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
        kind VARCHAR(16) NOT NULL,
        text TEXT NOT NULL,
        offset_seconds INTEGER NOT NULL,
        created_at DATETIME NOT NULL
    );
    CREATE INDEX ix_notes_call_id ON notes (call_id);
    """,
    # 2: planning (contact role, call type, research, question origin) and
    # commitments that can be given a due date and marked kept.
    """
    ALTER TABLE contacts ADD COLUMN role VARCHAR(16) NOT NULL DEFAULT 'other';
    ALTER TABLE calls ADD COLUMN call_type VARCHAR(24) NOT NULL DEFAULT 'discovery';
    ALTER TABLE questions ADD COLUMN origin VARCHAR(16) NOT NULL DEFAULT 'own';
    ALTER TABLE notes ADD COLUMN due DATE;
    ALTER TABLE notes ADD COLUMN done_at DATETIME;
    CREATE TABLE research (
        id INTEGER NOT NULL PRIMARY KEY,
        call_id INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        area VARCHAR(16) NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX ix_research_call_id ON research (call_id);
    """,
    # 3: the live call: notes deleted with undo, and time on hold.
    """
    ALTER TABLE notes ADD COLUMN deleted_at DATETIME;
    ALTER TABLE calls ADD COLUMN paused_seconds INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE calls ADD COLUMN paused_at DATETIME;
    CREATE INDEX ix_calls_status ON calls (status);
    """,
    # 4: the close (why a No or a Maybe, which goal was met), commitments with
    # an owner, and the recap as edited.
    """
    ALTER TABLE calls ADD COLUMN reason VARCHAR(24);
    ALTER TABLE calls ADD COLUMN reason_text TEXT NOT NULL DEFAULT '';
    ALTER TABLE calls ADD COLUMN goal_result VARCHAR(16);
    ALTER TABLE calls ADD COLUMN recap_subject TEXT;
    ALTER TABLE calls ADD COLUMN recap_body TEXT;
    ALTER TABLE notes ADD COLUMN owner TEXT NOT NULL DEFAULT '';
    """,
    # 5: memory between calls. Next steps can be marked done (or moved); a call
    # can say which call's next step led to it; full-text search. One FTS5
    # table per source, each row keyed by its source row's id, so triggers
    # update them in O(log n) and results come newest first without ranking.
    """
    ALTER TABLE calls ADD COLUMN next_step_done_at DATETIME;
    ALTER TABLE calls ADD COLUMN follows_call_id INTEGER REFERENCES calls (id) ON DELETE SET NULL;
    CREATE INDEX ix_calls_open_steps ON calls (next_step_due) WHERE next_step_done_at IS NULL;
    CREATE INDEX ix_calls_follows ON calls (follows_call_id);
    ALTER TABLE contacts ADD COLUMN last_call_at DATETIME;
    UPDATE contacts SET last_call_at =
        (SELECT max(started_at) FROM calls WHERE calls.contact_id = contacts.id);
    CREATE INDEX ix_contacts_last_call_at ON contacts (last_call_at);
    CREATE TRIGGER calls_last_call_at AFTER INSERT ON calls BEGIN
        UPDATE contacts SET last_call_at = new.started_at
        WHERE id = new.contact_id
          AND (last_call_at IS NULL OR last_call_at < new.started_at);
    END;
    CREATE VIRTUAL TABLE search_notes USING fts5(text, tokenize='unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE search_calls USING fts5(text, tokenize='unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE search_research USING fts5(text, tokenize='unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE search_contacts USING fts5(text, tokenize='unicode61 remove_diacritics 2');
    INSERT INTO search_notes (rowid, text) SELECT id, text FROM notes WHERE deleted_at IS NULL;
    INSERT INTO search_calls (rowid, text)
        SELECT id, goal || ' ' || backup_goal || ' ' || coalesce(next_step_what, '') || ' '
            || reason_text FROM calls;
    INSERT INTO search_research (rowid, text) SELECT id, text FROM research;
    INSERT INTO search_contacts (rowid, text) SELECT id, name || ' ' || company FROM contacts;
    CREATE TRIGGER notes_search_insert AFTER INSERT ON notes WHEN new.deleted_at IS NULL BEGIN
        INSERT INTO search_notes (rowid, text) VALUES (new.id, new.text);
    END;
    CREATE TRIGGER notes_search_update AFTER UPDATE OF text, deleted_at ON notes BEGIN
        DELETE FROM search_notes WHERE rowid = old.id;
        INSERT INTO search_notes (rowid, text)
            SELECT new.id, new.text WHERE new.deleted_at IS NULL;
    END;
    CREATE TRIGGER notes_search_delete AFTER DELETE ON notes BEGIN
        DELETE FROM search_notes WHERE rowid = old.id;
    END;
    CREATE TRIGGER calls_search_insert AFTER INSERT ON calls BEGIN
        INSERT INTO search_calls (rowid, text) VALUES (new.id, new.goal || ' ' || new.backup_goal
            || ' ' || coalesce(new.next_step_what, '') || ' ' || new.reason_text);
    END;
    CREATE TRIGGER calls_search_update
    AFTER UPDATE OF goal, backup_goal, next_step_what, reason_text ON calls BEGIN
        DELETE FROM search_calls WHERE rowid = old.id;
        INSERT INTO search_calls (rowid, text) VALUES (new.id, new.goal || ' ' || new.backup_goal
            || ' ' || coalesce(new.next_step_what, '') || ' ' || new.reason_text);
    END;
    CREATE TRIGGER calls_search_delete AFTER DELETE ON calls BEGIN
        DELETE FROM search_calls WHERE rowid = old.id;
    END;
    CREATE TRIGGER research_search_insert AFTER INSERT ON research BEGIN
        INSERT INTO search_research (rowid, text) VALUES (new.id, new.text);
    END;
    CREATE TRIGGER research_search_delete AFTER DELETE ON research BEGIN
        DELETE FROM search_research WHERE rowid = old.id;
    END;
    CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN
        INSERT INTO search_contacts (rowid, text) VALUES (new.id, new.name || ' ' || new.company);
    END;
    CREATE TRIGGER contacts_search_update AFTER UPDATE OF name, company ON contacts BEGIN
        DELETE FROM search_contacts WHERE rowid = old.id;
        INSERT INTO search_contacts (rowid, text) VALUES (new.id, new.name || ' ' || new.company);
    END;
    CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN
        DELETE FROM search_contacts WHERE rowid = old.id;
    END;
    """,
    # 6: search as you type stays fast on a big database. The last word typed
    # is a prefix query, and without a prefix index FTS5 gathers every posting
    # of every matching term: 50 ms for one letter over 1,000,000 notes
    # (BENCHMARKS.md). Indexing prefixes of 1-3 characters makes those a
    # single lookup (under 1 ms) for about 55% more index. The triggers of
    # version 5 keep filling the rebuilt tables.
    """
    DROP TABLE search_notes;
    CREATE VIRTUAL TABLE search_notes USING fts5(
        text, tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
    INSERT INTO search_notes (rowid, text)
        SELECT id, text FROM notes WHERE deleted_at IS NULL;
    DROP TABLE search_calls;
    CREATE VIRTUAL TABLE search_calls USING fts5(
        text, tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
    INSERT INTO search_calls (rowid, text)
        SELECT id, goal || ' ' || backup_goal || ' ' || coalesce(next_step_what, '') || ' '
            || reason_text FROM calls;
    DROP TABLE search_research;
    CREATE VIRTUAL TABLE search_research USING fts5(
        text, tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
    INSERT INTO search_research (rowid, text)
        SELECT id, text FROM research;
    DROP TABLE search_contacts;
    CREATE VIRTUAL TABLE search_contacts USING fts5(
        text, tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
    INSERT INTO search_contacts (rowid, text)
        SELECT id, name || ' ' || company FROM contacts;
    """,
    # 7: a slipping date is history, not a silent overwrite. Every move of a
    # next step (note_id NULL) or of a commitment's due date keeps the date it
    # had; the triggers record it whichever code moves the date, and adding a
    # table changes no existing row.
    """
    CREATE TABLE date_moves (
        id INTEGER NOT NULL PRIMARY KEY,
        call_id INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
        note_id INTEGER REFERENCES notes (id) ON DELETE CASCADE,
        from_date DATE NOT NULL,
        to_date DATE NOT NULL,
        moved_at DATETIME NOT NULL
    );
    CREATE INDEX ix_date_moves_call_id ON date_moves (call_id);
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
    # 8: home lists every open commitment by due date. Without this index each
    # group is a scan of every note: home at 1,000,000 notes went from 1.3x to
    # 2.35x the empty home (BENCHMARKS.md). Its WHERE is, word for word, the
    # queries' (store/queries.py _OPEN_COMMITMENT), so SQLite can use it.
    """
    CREATE INDEX ix_notes_open_commitments ON notes (due)
        WHERE kind IN ('ours', 'theirs') AND done_at IS NULL AND deleted_at IS NULL;
    """,
    # 9: calls that don't connect, and calls started by mistake (issue 13).
    # Every existing call connected. A discarded call keeps its rows (Ctrl+Z
    # brings it back) but leaves every list; its notes are hidden with the
    # call's discard time as their deleted_at, so the notes' queries and
    # indexes (search, open commitments) leave them out without a join.
    # "Last called" (going cold) now counts connected calls that were not
    # discarded: the insert trigger skips the others and a change of either
    # column recomputes it from the new streak index. That index holds each
    # contact's calls in time order, so "3rd try" (the attempts since the
    # last connected call) reads only the attempts in the streak.
    """
    ALTER TABLE calls ADD COLUMN connection VARCHAR(16) NOT NULL DEFAULT 'connected';
    ALTER TABLE calls ADD COLUMN discarded_at DATETIME;
    CREATE INDEX ix_calls_discarded ON calls (discarded_at) WHERE discarded_at IS NOT NULL;
    CREATE INDEX ix_calls_streak ON calls (contact_id, started_at, connection)
        WHERE discarded_at IS NULL;
    DROP TRIGGER calls_last_call_at;
    CREATE TRIGGER calls_last_call_at AFTER INSERT ON calls
    WHEN new.connection = 'connected' AND new.discarded_at IS NULL BEGIN
        UPDATE contacts SET last_call_at = new.started_at
        WHERE id = new.contact_id
          AND (last_call_at IS NULL OR last_call_at < new.started_at);
    END;
    CREATE TRIGGER calls_last_call_at_changed AFTER UPDATE OF connection, discarded_at ON calls
    BEGIN
        UPDATE contacts SET last_call_at = (
            SELECT max(started_at) FROM calls
            WHERE contact_id = new.contact_id AND connection = 'connected'
              AND discarded_at IS NULL)
        WHERE id = new.contact_id;
    END;
    """,
    # 10: "say aloud" lines are ticked on the call, as questions are, once the
    # customer has put them into words. Existing lines were never ticked.
    """
    ALTER TABLE research ADD COLUMN said BOOLEAN NOT NULL DEFAULT 0;
    """,
    # 11: a time of day for a next step and a dated commitment (issue 14),
    # stored as 'HH:MM' text, local wall-clock time; NULL is a day without a
    # time, which every existing row is. A moved time is history too: the
    # slip triggers are replaced by ones that also fire when only the time
    # changes, and date_moves keeps the times on either side.
    """
    ALTER TABLE calls ADD COLUMN next_step_time VARCHAR(5);
    ALTER TABLE notes ADD COLUMN due_time VARCHAR(5);
    ALTER TABLE date_moves ADD COLUMN from_time VARCHAR(5);
    ALTER TABLE date_moves ADD COLUMN to_time VARCHAR(5);
    DROP TRIGGER calls_next_step_moved;
    DROP TRIGGER notes_due_moved;
    CREATE TRIGGER calls_next_step_moved AFTER UPDATE OF next_step_due, next_step_time ON calls
    WHEN old.next_step_due IS NOT NULL AND new.next_step_due IS NOT NULL
        AND (new.next_step_due <> old.next_step_due
             OR new.next_step_time IS NOT old.next_step_time)
    BEGIN
        INSERT INTO date_moves (call_id, note_id, from_date, to_date, moved_at, from_time, to_time)
        VALUES (new.id, NULL, old.next_step_due, new.next_step_due, datetime('now'),
                old.next_step_time, new.next_step_time);
    END;
    CREATE TRIGGER notes_due_moved AFTER UPDATE OF due, due_time ON notes
    WHEN old.due IS NOT NULL AND new.due IS NOT NULL
        AND (new.due <> old.due OR new.due_time IS NOT old.due_time)
    BEGIN
        INSERT INTO date_moves (call_id, note_id, from_date, to_date, moved_at, from_time, to_time)
        VALUES (new.call_id, new.id, old.due, new.due, datetime('now'), old.due_time, new.due_time);
    END;
    """,
    # 12: whether each note goes into the recap email, as the user chose
    # (issue 15). NULL, as every existing note gets, means "the default for
    # its kind" (Note.in_recap): nothing changes until the user picks.
    """
    ALTER TABLE notes ADD COLUMN in_email BOOLEAN;
    """,
    # 13: stable ids (issue 19). A call, a note and a contact get a UUID that
    # stays the same in every database they are copied to: the JSON export
    # carries it, and an import adds nothing it already holds. The rows that
    # are there get a random one (version 4) each; the app writes new ones
    # itself (time-ordered, store/stable_ids.py), and a row inserted by any
    # other writer without one gets one from the trigger (which never runs
    # for the app's own inserts). Updating only uuid fires none of the
    # search, date-move or last-called triggers (they are AFTER UPDATE OF
    # other columns). ~10 s at 1,000,000 notes, after the backup copy.
    """
    ALTER TABLE contacts ADD COLUMN uuid VARCHAR(36);
    ALTER TABLE calls ADD COLUMN uuid VARCHAR(36);
    ALTER TABLE notes ADD COLUMN uuid VARCHAR(36);
    UPDATE contacts SET uuid = {uuid};
    UPDATE calls SET uuid = {uuid};
    UPDATE notes SET uuid = {uuid};
    CREATE UNIQUE INDEX ux_contacts_uuid ON contacts (uuid);
    CREATE UNIQUE INDEX ux_calls_uuid ON calls (uuid);
    CREATE UNIQUE INDEX ux_notes_uuid ON notes (uuid);
    CREATE TRIGGER contacts_uuid AFTER INSERT ON contacts WHEN new.uuid IS NULL BEGIN
        UPDATE contacts SET uuid = {uuid} WHERE id = new.id;
    END;
    CREATE TRIGGER calls_uuid AFTER INSERT ON calls WHEN new.uuid IS NULL BEGIN
        UPDATE calls SET uuid = {uuid} WHERE id = new.id;
    END;
    CREATE TRIGGER notes_uuid AFTER INSERT ON notes WHEN new.uuid IS NULL BEGIN
        UPDATE notes SET uuid = {uuid} WHERE id = new.id;
    END;
    """.replace("{uuid}", SQLITE_NEW_UUID),
    # 14: contacts you can reach (issue 21): an e-mail, a phone and a job title,
    # '' where not known (every existing contact). Search finds a contact by
    # them too: the contacts' search triggers are replaced by ones that index
    # them (the phone also as its digits alone, so "15550102030" finds
    # "+1 (555) 010-2030"), and the index is rebuilt from the contacts (a
    # contact's row per person, not per call: quick at any size).
    """
    ALTER TABLE contacts ADD COLUMN email TEXT NOT NULL DEFAULT '';
    ALTER TABLE contacts ADD COLUMN phone TEXT NOT NULL DEFAULT '';
    ALTER TABLE contacts ADD COLUMN title TEXT NOT NULL DEFAULT '';
    DROP TRIGGER contacts_search_insert;
    DROP TRIGGER contacts_search_update;
    CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN
        INSERT INTO search_contacts (rowid, text) VALUES (new.id, {new_text});
    END;
    CREATE TRIGGER contacts_search_update
    AFTER UPDATE OF name, company, email, phone, title ON contacts BEGIN
        DELETE FROM search_contacts WHERE rowid = old.id;
        INSERT INTO search_contacts (rowid, text) VALUES (new.id, {new_text});
    END;
    DELETE FROM search_contacts;
    INSERT INTO search_contacts (rowid, text) SELECT id, {text} FROM contacts;
    """.replace("{new_text}", CONTACT_SEARCH_TEXT.format(row="new.")).replace(
        "{text}", CONTACT_SEARCH_TEXT.format(row="")
    ),
    # 15: the review's counts (issue 22). Kept promises and quotes were in no
    # index, so every review read all the notes twice (0.4 s of CPU at
    # 1,000,000 notes). Both indexes are partial: a plain note (most of them)
    # adds no entry, so typing a note costs what it did. Their WHERE is, word
    # for word, the review's queries' (store/stats_queries.py). Kept ones
    # only (done_at IS NOT NULL): open ones are migration 8's, and home's
    # queries must keep reading that smaller index.
    """
    CREATE INDEX ix_notes_commitments_kept ON notes (due, kind, done_at)
        WHERE kind IN ('ours', 'theirs') AND done_at IS NOT NULL AND deleted_at IS NULL;
    CREATE INDEX ix_notes_quotes ON notes (call_id)
        WHERE kind = 'quote' AND deleted_at IS NULL;
    """,
]

LATEST = len(MIGRATIONS)

UPGRADE_WAIT_SECONDS = 300.0
"""How long a callmate waits for another one that is creating or upgrading the
database (rebuilding the search index takes ~17 s at 1,000,000 notes)."""


class SchemaTooNewError(StoreUnavailable):
    """The database was written by a newer callmate; refuse rather than damage it."""

    def __init__(self, path: Path, version: int) -> None:
        super().__init__(
            f"{shown(path)} uses schema version {version}, newer than this callmate "
            f"understands ({LATEST}). Upgrade callmate to open it.",
            kind="too-new",
        )


def schema_version(path: Path) -> int:
    """The database's schema version: 0 for a new or empty file."""
    if not path.exists():
        return 0
    connection = sqlite3.connect(path)
    try:
        return _version(connection)
    finally:
        connection.close()


def _version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def upgrade(path: Path, target: int | None = None) -> int:
    """Bring the database at ``path`` up to ``target``; return the version it had.

    Safe when several callmates start at once: the version is read again
    inside a write transaction taken up front (``BEGIN IMMEDIATE``), so one
    of them upgrades and the others wait for it, find the new version and
    change nothing. All steps commit together or not at all.

    A database that already holds data is first copied to
    ``callmate.db.v<old>.bak`` beside it (written whole or not at all), so a
    failed upgrade loses nothing. A new database file is created ``0600``:
    SQLite gives its ``-wal`` and ``-shm`` files the same mode.
    """
    if target is None:
        target = LATEST
    if not path.parent.is_dir():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    create_private(path)
    connection = sqlite3.connect(path, isolation_level=None, timeout=UPGRADE_WAIT_SECONDS)
    try:
        current = _version(connection)
        if current > LATEST:
            raise SchemaTooNewError(path, current)
        if current >= target:
            return current
        _use_wal(connection)
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Another callmate may have finished the upgrade while we waited.
            current = _version(connection)
            if current > LATEST:
                raise SchemaTooNewError(path, current)
            if current < target:
                if current > 0:
                    _backup(path, path.with_name(f"{path.name}.v{current}.bak"))
                for version in range(current + 1, target + 1):
                    for statement in split_statements(MIGRATIONS[version - 1]):
                        connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {target}")
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    finally:
        connection.close()
    return current


def _use_wal(connection: sqlite3.Connection) -> None:
    """Switch to WAL (once per database file; it sticks), waiting out other callmates.

    The switch needs the database to itself for a moment; while another
    process holds it, SQLite may answer "database is locked" at once rather
    than wait, so this retries. A file system without WAL support keeps the
    rollback journal, which is slower but just as safe.
    """
    deadline = time.monotonic() + UPGRADE_WAIT_SECONDS
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL").fetchone()
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
        time.sleep(0.02)


def split_statements(script: str) -> list[str]:
    """Split a script into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in migration: {pending.strip()[:60]}")
    return statements


def _backup(path: Path, target: Path) -> None:
    """Copy the database to ``target``: a private file, complete or absent.

    Read through a connection of its own: the upgrading one holds the write
    lock (SQLite won't back up from a connection that is writing), and a
    reader still sees the last committed state, which is what is kept.
    """
    source = sqlite3.connect(path)
    try:
        with atomic_target(target) as temporary:
            copy = sqlite3.connect(temporary)
            try:
                source.backup(copy)
            finally:
                copy.close()
    finally:
        source.close()
