"""Enter → durable on the team database: the outbox beside the direct write it replaced.

    python -m benchmarks.outbox_save [--notes 100] [--rounds 3]

Starts its own PostgreSQL (tests/pg_server.py, on loopback, with ``fsync`` on:
a commit there reaches the disk as the SQLite side's does) and opens the store
the app opens for a team URL (:class:`callmate.store.service.PostgresCallStore`).
Each note goes through ``save_note_soon`` (what Enter calls) and is timed until
its future is done, i.e. the note is durable:

* **direct** (before this branch; still the path of a call whose id is the
  team database's): one ``INSERT … RETURNING`` on PostgreSQL, committed;
* **outbox**: the commit into ``outbox.db`` (SQLite, WAL, ``synchronous=FULL``);
  then, separately, the time until a second connection sees the row in
  PostgreSQL (pushed in the background; polled every millisecond).

Notes alternate direct/outbox so machine drift cancels out; the ratio is
outbox over direct, per round. Last, the server is stopped and the outbox
path timed again (the direct one can only fail then: counted). This is the
store, in one process, not a keystroke through a terminal (benchmarks.note_save
measures that on SQLite); it isolates what the outbox changes: the wait on the
network.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, text

from benchmarks.pty_harness import median, p95
from callmate.domain.models import Call, Contact, Note
from callmate.store import database_url, pg_schema
from callmate.store.repository import Repository
from callmate.store.service import PostgresCallStore, open_store
from tests.pg_server import PostgresServer, find_bindir, why_not_available

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


def ms(values: list[float]) -> str:
    return f"{median(values) * 1000:.2f} ms (p95 {p95(values) * 1000:.2f})"


def _timed_save(store: PostgresCallStore, call_id: int, words: str) -> float:
    began = time.perf_counter()
    saved = store.save_note_soon(call_id, Note(text=words, created_at=NOW)).result()
    elapsed = time.perf_counter() - began
    assert saved is not None
    return elapsed


def _until_pushed(watcher: Connection, words: str, since: float, timeout: float = 30.0) -> float:
    """Seconds from ``since`` until ``watcher`` (a connection of its own) sees the note."""
    deadline = since + timeout
    while time.perf_counter() < deadline:
        found = watcher.execute(text("SELECT 1 FROM notes WHERE text = :t"), {"t": words}).first()
        watcher.commit()
        if found:
            return time.perf_counter() - since
        time.sleep(0.001)
    raise TimeoutError(f"{words!r} never reached the team database")


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=100, help="notes per path per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    reason = why_not_available()
    if reason is not None:
        raise SystemExit(f"no PostgreSQL here: {reason}")
    server = PostgresServer(find_bindir() or Path(), durable=True).start()
    try:
        url = server.create_database("callmate_outbox_bench")
        engine = database_url.make_engine(database_url.parse(url))
        pg_schema.upgrade(engine)
        engine.dispose()
        direct_all: list[float] = []
        outbox_all: list[float] = []
        pushed_all: list[float] = []
        ratios: list[float] = []
        p95_ratios: list[float] = []
        with tempfile.TemporaryDirectory() as tmp:
            store = open_store(Path(tmp) / "callmate.db", team=database_url.parse(url))
            assert isinstance(store, PostgresCallStore)
            repo = Repository.open_url(url)
            team_call = repo.start_call(
                Call(contact=Contact(name="Dana"), goal="g", started_at=NOW)
            )
            assert team_call.id is not None
            watcher = repo.engine.connect()
            try:
                store.outbox.gateway.submit(lambda _r: None).result()  # open the outbox
                live = asyncio.run(
                    store.start_call(Call(contact=Contact(name="Lee"), goal="g", started_at=NOW))
                )
                assert live.id is not None
                for warm in range(5):  # connections made, statements prepared
                    _timed_save(store, team_call.id, f"warm direct {warm}")
                    _timed_save(store, live.id, f"warm outbox {warm}")
                for round_ in range(args.rounds):
                    direct: list[float] = []
                    outbox: list[float] = []
                    for i in range(args.notes):
                        direct.append(_timed_save(store, team_call.id, f"d{round_}-{i}"))
                        time.sleep(0.01)
                        words = f"o{round_}-{i}"
                        began = time.perf_counter()
                        outbox.append(_timed_save(store, live.id, words))
                        if i % 10 == 0:
                            pushed_all.append(_until_pushed(watcher, words, began))
                        time.sleep(0.01)
                    ratios.append(median(outbox) / median(direct))
                    p95_ratios.append(p95(outbox) / p95(direct))
                    direct_all += direct
                    outbox_all += outbox
                    print(
                        f"round {round_ + 1}: direct {ms(direct)} · outbox {ms(outbox)} · "
                        f"ratio {ratios[-1]:.2f} (p95 {p95_ratios[-1]:.2f})",
                        flush=True,
                    )
                watcher.close()
                repo.close()
                server.halt()
                offline: list[float] = []
                failed = 0
                for i in range(20):
                    offline.append(_timed_save(store, live.id, f"offline {i}"))
                    try:
                        _timed_save(store, team_call.id, f"offline direct {i}")
                    except Exception:
                        failed += 1
                server.resume()
            finally:
                store.close()
                watcher.close()
                repo.close()
    finally:
        server.stop()
    print(
        f"all rounds ({len(outbox_all)} notes each): direct {ms(direct_all)} · "
        f"outbox {ms(outbox_all)} · ratio {median(ratios):.2f} (p95 {median(p95_ratios):.2f}), "
        f"the median of the rounds' ratios · in PostgreSQL after {ms(pushed_all)} "
        f"(every 10th note) · server stopped: outbox {ms(offline)}, direct failed {failed}/20"
    )
    return {
        "direct": median(direct_all),
        "direct_p95": p95(direct_all),
        "outbox": median(outbox_all),
        "outbox_p95": p95(outbox_all),
        "ratio": median(ratios),
        "ratio_p95": median(p95_ratios),
        "pushed": median(pushed_all),
        "pushed_p95": p95(pushed_all),
        "offline": median(offline),
        "offline_p95": p95(offline),
    }


if __name__ == "__main__":
    main()
