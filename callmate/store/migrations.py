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
from pathlib import Path

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
]

LATEST = len(MIGRATIONS)


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer callmate; refuse rather than damage it."""


def schema_version(path: Path) -> int:
    """The database's schema version: 0 for a new or empty file."""
    if not path.exists():
        return 0
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])
    finally:
        connection.close()


def upgrade(path: Path, target: int | None = None) -> int:
    """Bring the database at ``path`` up to ``target``; return the old version.

    A database that already holds data is first copied to
    ``callmate.db.v<old>.bak`` beside it, so a failed upgrade loses nothing.
    """
    if target is None:
        target = LATEST
    current = schema_version(path)
    if current > LATEST:
        raise SchemaTooNewError(
            f"{path} uses schema version {current}, newer than this callmate "
            f"understands ({LATEST}). Upgrade callmate to open it."
        )
    if current >= target:
        return current
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        if current > 0:
            _backup(connection, path.with_name(f"{path.name}.v{current}.bak"))
        connection.execute("PRAGMA foreign_keys=OFF")
        for version in range(current + 1, target + 1):
            statements = split_statements(MIGRATIONS[version - 1])
            connection.execute("BEGIN IMMEDIATE")
            try:
                for statement in statements:
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {version}")
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
    finally:
        connection.close()
    return current


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


def _backup(connection: sqlite3.Connection, target: Path) -> None:
    copy = sqlite3.connect(target)
    try:
        connection.backup(copy)
    finally:
        copy.close()
