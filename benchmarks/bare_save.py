"""The floor for saving a note: a bare Textual Input that commits each line to SQLite.

    python -m benchmarks.bare_save DB_PATH

Same durability as callmate (WAL, ``synchronous=FULL``), written with the
standard library's ``sqlite3`` on the UI thread: one INSERT and one COMMIT
per Enter, nothing else.
"""

import sqlite3
import sys

from textual.app import App, ComposeResult
from textual.widgets import Input


class BareSave(App[None]):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT)")

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
    BareSave(sys.argv[1]).run()
