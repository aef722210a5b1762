"""The floor for saving a note on PostgreSQL: a bare Textual Input committing each line.

    python -m benchmarks.bare_pg_save URL

One INSERT and one COMMIT per Enter with psycopg on the UI thread, over the
same loopback connection shape callmate uses (a URL as ``CALLMATE_DATABASE_URL``
takes it), nothing else. The table (:data:`FLOOR_SCHEMA`) is indexed for search
the way callmate's ``notes`` is on PostgreSQL (pg_schema version 2: a generated
``tsvector`` column and a GIN index), so the floor pays the same index update.
"""

import sys

import psycopg
from textual.app import App, ComposeResult
from textual.widgets import Input

FLOOR_SCHEMA = """
CREATE TABLE IF NOT EXISTS floor_notes (
    id serial PRIMARY KEY,
    text text NOT NULL,
    search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, text)) STORED
);
CREATE INDEX IF NOT EXISTS floor_notes_search ON floor_notes USING gin (search_vector);
"""


def plain_url(url: str) -> str:
    """A SQLAlchemy URL (postgresql+psycopg://...) as libpq takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def prefill(url: str, texts: list[str]) -> None:
    with psycopg.connect(plain_url(url)) as db:
        db.execute(FLOOR_SCHEMA)
        with db.cursor() as cursor:
            cursor.executemany("INSERT INTO floor_notes (text) VALUES (%s)", [(t,) for t in texts])


class BarePgSave(App[None]):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.db = psycopg.connect(plain_url(url))

    def compose(self) -> ComposeResult:
        yield Input(placeholder="ready", compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.db.execute("INSERT INTO floor_notes (text) VALUES (%s)", (event.value,))
        self.db.commit()
        event.input.clear()


if __name__ == "__main__":
    BarePgSave(sys.argv[1]).run()
