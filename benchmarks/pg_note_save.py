"""Note save on the team database: from Enter to the note durable on PostgreSQL.

    python -m benchmarks.pg_note_save [--notes 40] [--runs 3] [--existing 1000]

As benchmarks.note_save on SQLite, through callmate's PostgreSQL store
(``PostgresCallStore``: the note written by ``Repository.save_note`` on the
store's database thread). A throwaway PostgreSQL is started *durable*
(tests/pg_server.py with fsync, ``synchronous_commit`` and full page writes
on: a committed row has reached the disk), on a loopback port. The team
database gets an open call holding ``--existing`` notes (a benchmarks.seed data
dir pushed with ``callmate db push``'s code); callmate is launched on it with
``CALLMATE_DATABASE_URL``, resumes the call, and for each note the text is
typed and drawn first; then the clock runs from writing Enter to the pty until
another connection (autocommit, polling every millisecond) sees the committed
row. The floor, in the same runs (alternating, so drift cancels out): a bare
Textual Input doing one INSERT and COMMIT with psycopg on its UI thread
(benchmarks/bare_pg_save.py) into a table indexed as callmate's notes are on
PostgreSQL (generated tsvector, GIN), starting with as many rows. Figures:
median and p95 of every note, and the ratio of the runs' medians (p95s).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.note_save import ms, summary
from benchmarks.pty_harness import PtyProgram, median, p95
from benchmarks.seed import seed, sentence


def wait_for_row(url: str, table: str, text: str, timeout: float = 10.0) -> float:
    """The moment (perf_counter) another connection first sees ``text`` committed."""
    import psycopg

    from benchmarks.bare_pg_save import plain_url

    with psycopg.connect(plain_url(url), autocommit=True) as db:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            found = db.execute(f"SELECT 1 FROM {table} WHERE text = %s LIMIT 1", (text,))
            if found.fetchone():
                return time.perf_counter()
            time.sleep(0.001)
    raise TimeoutError(f"{text!r} never reached the team database")


def save_and_time(
    program: PtyProgram, url: str, table: str, count: int, tag: str, *, logged: bool
) -> tuple[list[float], list[float]]:
    durable, shown = [], []
    for i in range(count):
        text = f"{tag}{i:03d}zq"
        since = program.mark()
        program.write(text)
        program.wait_for(text, since=since)
        time.sleep(0.05)
        since = program.mark()
        sent = program.write("\r")
        durable.append(wait_for_row(url, table, text) - sent)
        if logged:
            shown.append(program.wait_for(text, since=since) - sent)
        time.sleep(0.05)
    return durable, shown


def bare(url: str, count: int, run: int) -> list[float]:
    program = PtyProgram([sys.executable, "-m", "benchmarks.bare_pg_save", url])
    try:
        program.wait_for("ready")
        time.sleep(0.3)
        return save_and_time(program, url, "floor_notes", count, f"bare{run}n", logged=False)[0]
    finally:
        program.stop()


def callmate(home: Path, url: str, count: int, run: int) -> tuple[list[float], list[float]]:
    env = {"CALLMATE_HOME": str(home), "CALLMATE_DATABASE_URL": url}
    program = PtyProgram([sys.executable, "-m", "callmate"], env=env)
    try:
        program.wait_for("left open")  # the open call is offered for resume
        program.write("r")
        program.wait_for("On call")
        time.sleep(0.5)
        return save_and_time(program, url, "notes", count, f"run{run}n", logged=True)
    finally:
        program.stop()


def make_team(server: Any, local: Path, existing: int) -> str:
    """A team database holding one open call of ``existing`` notes, and the floor's table."""
    from benchmarks.bare_pg_save import prefill
    from callmate.locations import database_path
    from callmate.store import pg_schema
    from callmate.store.database_url import make_engine, parse
    from callmate.store.push import push

    url = server.create_database("notes")
    engine = make_engine(parse(url))
    try:
        pg_schema.upgrade(engine)
    finally:
        engine.dispose()
    seed(local, live_notes=existing)
    push(database_path(local), parse(url))
    rng = random.Random(7)
    prefill(url, [sentence(rng) for _ in range(existing)])
    return url


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=40, help="notes saved per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--existing", type=int, default=1000, help="notes already in the call")
    args = parser.parse_args(argv)
    from tests.pg_server import PostgresServer, find_bindir, why_not_available

    reason = why_not_available()
    if reason is not None:
        raise SystemExit(f"benchmarks.pg_note_save: {reason}")
    server = PostgresServer(find_bindir() or Path(), durable=True).start()
    ratios, p95_ratios = [], []
    ours: list[float] = []
    floor: list[float] = []
    drawn: list[float] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            local = Path(tmp) / "local"
            url = make_team(server, local, args.existing)
            home = Path(tmp) / "home"  # callmate's data dir on the team database: no calls
            for run in range(args.runs):
                b = bare(url, args.notes, run)
                durable, shown = callmate(home, url, args.notes, run)
                floor += b
                ours += durable
                drawn += shown
                ratios.append(median(durable) / median(b))
                p95_ratios.append(p95(durable) / p95(b))
                print(
                    f"run {run + 1}: bare Input + psycopg commit {ms(b)} · "
                    f"callmate on PostgreSQL {ms(durable)} to durable, {ms(shown)} to shown · "
                    f"ratio {ratios[-1]:.2f} (p95 {p95_ratios[-1]:.2f})",
                    flush=True,
                )
    finally:
        server.stop()
    return summary(floor, ours, drawn, ratios, p95_ratios)


if __name__ == "__main__":
    main()
