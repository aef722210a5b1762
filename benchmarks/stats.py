"""The review's figures at scale (issue 22): ``CallStore.stats`` and ``callmate stats --json``.

    python -m benchmarks.stats --big DIR [--runs 7] [--postgres]

DIR is a data dir seeded by ``python -m benchmarks.seed DIR --calls 100000
--notes 1000000`` (only read; copy it first if it must stay untouched by a
WAL file). Measured:

- the facade: ``await SqliteCallStore(DIR/callmate.db).stats(since, today,
  now=now)`` for the default twelve weeks (the issue's target: within 0.5 s
  at 100,000 calls), timed from the call to the figures in hand, as the review
  screen awaits it, with the CPU time the process used meanwhile (what other
  work on the machine does not inflate); and the same since 2000-01-01
  (every call);
- its baseline, paired round by round: a stdlib ``sqlite3`` connection running
  the same statements (recorded from one run of the function), fetching every
  row. The ratio is what the facade adds: the thread hop and the Python that
  puts the groups into weeks;
- ``callmate stats --json`` as a whole process, output to /dev/null, against
  a stdlib process running the same SQL (``benchmarks.cli_reads``' recording
  and baseline scripts).

``--postgres`` also times the facade on the team database: a throwaway
PostgreSQL (tests/pg_server.py) holding the same seeded rows
(``benchmarks.pg_search.seed_postgres``, about a minute), read through
``PostgresCallStore`` (the rows are the connected role's own).

Every figure is the median and the p95 (nearest rank) of ``--runs`` rounds
after one untimed warm-up round.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from benchmarks.cli_reads import BASELINE, CALLMATE, RECORD, ROOT, p95, timed
from benchmarks.pty_harness import median


class _Recording(sqlite3.Connection):
    """Logs every statement and its parameters (the baseline runs them again)."""

    log: list[tuple[str, Any]]

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:  # type: ignore[override]
        kept = dict(parameters) if isinstance(parameters, dict) else list(parameters)
        self.log.append((sql, kept))
        return super().execute(sql, parameters)


def record(db_path: Path, since: date, today: date, now: datetime) -> list[tuple[str, Any]]:
    from callmate.store import stats_queries

    db = sqlite3.connect(db_path, factory=_Recording)
    try:
        db.log = []
        stats_queries.stats(db, since, today, now)
        return db.log
    finally:
        db.close()


def bare(db_path: Path, statements: list[tuple[str, Any]]) -> float:
    began = time.perf_counter()
    db = sqlite3.connect(db_path)
    try:
        for sql, params in statements:
            db.execute(sql, params).fetchall()
    finally:
        db.close()
    return time.perf_counter() - began


def line(name: str, ours: list[float], base: list[float] | None = None) -> str:
    text = f"{name:<34} median {median(ours) * 1000:6.0f} ms  p95 {p95(ours) * 1000:6.0f} ms"
    if base:
        text += (
            f" · stdlib, same SQL: {median(base) * 1000:5.0f} / {p95(base) * 1000:5.0f} ms"
            f" · ratio {median(ours) / median(base):.2f} (p95 {p95(ours) / p95(base):.2f})"
        )
    return text


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", type=Path, required=True, help="a seeded data dir (only read)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", action="store_true", help="also on the team database")
    args = parser.parse_args(argv)
    big = args.big.resolve()
    db_path = big / "callmate.db"
    from callmate.clock import SystemClock, local_today
    from callmate.domain.stats import default_since
    from callmate.store.service import SqliteCallStore

    now = SystemClock().now()
    today = local_today(SystemClock())
    since = default_since(today)
    every = date(2000, 1, 1)
    statements = record(db_path, since, today, now)
    store = SqliteCallStore(db_path)
    facade: list[float] = []
    facade_base: list[float] = []
    facade_cpu: list[float] = []
    all_time: list[float] = []

    async def rounds() -> None:
        for round_ in range(args.runs + 1):  # round 0 warms the page cache, untimed
            began, cpu = time.perf_counter(), time.process_time()
            figures = await store.stats(since, today, now=now)
            ours, used = time.perf_counter() - began, time.process_time() - cpu
            base = bare(db_path, statements)
            began = time.perf_counter()
            await store.stats(every, today, now=now)
            whole = time.perf_counter() - began
            if round_:
                facade.append(ours)
                facade_cpu.append(used)
                facade_base.append(base)
                all_time.append(whole)
        assert figures.method.calls > 0, "the data dir has no calls in the twelve weeks"

    try:
        asyncio.run(rounds())
    finally:
        store.close()

    env = {**os.environ, "PYTHONPATH": str(ROOT), "CALLMATE_HOME": str(big)}
    process: list[float] = []
    process_base: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        recorded = Path(tmp) / "stats.json"
        words = ["stats", "--json"]
        subprocess.run(
            [sys.executable, "-c", RECORD, str(recorded), "--data-dir", str(big), *words],
            cwd=ROOT,
            env=env,
            check=True,
        )
        count = len(json.loads(recorded.read_text()))
        command = [*CALLMATE, "--data-dir", str(big), *words]
        baseline = [sys.executable, "-c", BASELINE, str(db_path), str(recorded), "json"]
        for round_ in range(args.runs + 1):
            pair = [(0, baseline), (1, command)]
            if round_ % 2:
                pair.reverse()
            taken = {which: timed(argv_, ROOT, env) for which, argv_ in pair}
            if round_:
                process_base.append(taken[0])
                process.append(taken[1])
    on_team = _postgres(args.runs, since, today, now) if args.postgres else []
    print(f"{args.runs} rounds, data {big}; {len(statements)} statements ({count} in the CLI)")
    print(line("stats() since " + since.isoformat(), facade, facade_base))
    print(line("  its CPU time (every thread)", facade_cpu))
    print(line("stats() since 2000-01-01", all_time))
    print(line("callmate stats --json (process)", process, process_base))
    if on_team:
        print(line("stats() on PostgreSQL, same rows", on_team))
    team_figures = {"pg": median(on_team), "pg_p95": p95(on_team)} if on_team else {}
    return {
        **team_figures,
        "facade": median(facade),
        "facade_p95": p95(facade),
        "facade_base": median(facade_base),
        "facade_base_p95": p95(facade_base),
        "facade_ratio": median(facade) / median(facade_base),
        "facade_ratio_p95": p95(facade) / p95(facade_base),
        "facade_cpu": median(facade_cpu),
        "facade_cpu_p95": p95(facade_cpu),
        "all_time": median(all_time),
        "all_time_p95": p95(all_time),
        "cli": median(process),
        "cli_p95": p95(process),
        "cli_base": median(process_base),
        "cli_base_p95": p95(process_base),
        "cli_ratio": median(process) / median(process_base),
        "cli_ratio_p95": p95(process) / p95(process_base),
    }


def _postgres(runs: int, since: date, today: date, now: datetime) -> list[float]:
    """``PostgresCallStore.stats`` on a throwaway server seeded as the data dir."""
    from benchmarks.pg_search import seed_postgres
    from callmate.store import pg_schema
    from callmate.store.database_url import make_engine, parse
    from callmate.store.service import open_store
    from tests.pg_server import PostgresServer, find_bindir, why_not_available

    reason = why_not_available()
    if reason is not None:
        print(f"skipped PostgreSQL: {reason}", flush=True)
        return []
    server = PostgresServer(find_bindir() or Path()).start()
    try:
        url = server.create_database("stats_big")
        engine = make_engine(parse(url))
        try:
            pg_schema.upgrade(engine)
            took = seed_postgres(engine, calls=100_000, notes=1_000_000)
            print(f"seeded PostgreSQL: 100,000 calls, 1,000,000 notes in {took:.0f} s", flush=True)
        finally:
            engine.dispose()
        times: list[float] = []
        with tempfile.TemporaryDirectory() as tmp:
            store = open_store(Path(tmp) / "callmate.db", team=parse(url))

            async def rounds() -> None:
                for round_ in range(runs + 1):
                    began = time.perf_counter()
                    figures = await store.stats(since, today, now=now)
                    if round_:
                        times.append(time.perf_counter() - began)
                assert figures.method.calls > 0, "no calls counted on PostgreSQL"

            try:
                asyncio.run(rounds())
            finally:
                store.close()
        return times
    finally:
        server.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
