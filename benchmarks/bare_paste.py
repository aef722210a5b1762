"""The floor for saving a paste: a bare Textual app that commits each paste to SQLite.

    python -m benchmarks.bare_paste DB_PATH

Same durability as callmate (WAL, ``synchronous=FULL``), written with the
standard library's ``sqlite3`` on the UI thread: one INSERT and one COMMIT
per paste, nothing else. What it cannot avoid is Textual reading the paste
off the terminal, so the gap to it is callmate's own cost.
"""

import sqlite3
import sys

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Static


class BarePaste(App[None]):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT)")

    def compose(self) -> ComposeResult:
        yield Static("ready", markup=False)

    def on_paste(self, event: events.Paste) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("INSERT INTO notes (text) VALUES (?)", (event.text,))


if __name__ == "__main__":
    BarePaste(sys.argv[1]).run()
