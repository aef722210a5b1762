"""The floor for saving a note: a bare Textual Input that commits each line to SQLite.

    python -m benchmarks.bare_save DB_PATH [--plain]

Same durability as callmate (WAL, ``synchronous=FULL``), written with the
standard library's ``sqlite3`` on the UI thread: one INSERT and one COMMIT
per Enter, nothing else. The table is indexed for search the way callmate's
``notes`` is (:data:`FLOOR_SCHEMA`: the FTS5 table with the same tokenizer and
prefixes, filled by the same kind of trigger), so the floor pays the same
index update a note costs callmate. ``--plain`` drops the index (the floor
as it was measured before issue 17, kept for comparison).
"""

import sqlite3
import sys

from textual.app import App, ComposeResult
from textual.widgets import Input

FLOOR_SCHEMA = """
CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS search_notes USING fts5(
    text, tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
CREATE TRIGGER IF NOT EXISTS notes_search_insert AFTER INSERT ON notes BEGIN
    INSERT INTO search_notes (rowid, text) VALUES (new.id, new.text);
END;
"""
"""callmate's notes search index (migrations 5 and 6), on a one-column table."""


PLAIN_SCHEMA = "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);"
"""The floor before issue 17: no search index."""


def open_floor(path: str, *, plain: bool = False) -> sqlite3.Connection:
    """The floor's database: WAL, ``synchronous=FULL``, the notes table and its index."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.executescript(PLAIN_SCHEMA if plain else FLOOR_SCHEMA)
    return db


def prefill(path: str, texts: list[str], *, plain: bool = False) -> None:
    """Start the floor's table (and index) with ``texts``, as callmate's call starts full."""
    db = open_floor(path, plain=plain)
    try:
        with db:
            db.execute("BEGIN")
            db.executemany("INSERT INTO notes (text) VALUES (?)", [(t,) for t in texts])
    finally:
        db.close()


class BareSave(App[None]):
    def __init__(self, path: str, *, plain: bool = False) -> None:
        super().__init__()
        self.db = open_floor(path, plain=plain)

    def compose(self) -> ComposeResult:
        yield Input(placeholder="ready", compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("INSERT INTO notes (text) VALUES (?)", (event.value,))
        event.input.clear()


if __name__ == "__main__":
    BareSave(sys.argv[1], plain="--plain" in sys.argv[2:]).run()
