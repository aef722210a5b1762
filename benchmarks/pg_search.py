"""Search at scale on PostgreSQL, beside SQLite's FTS5 on the same rows.

    python -m benchmarks.pg_search [--notes 1000000] [--runs 5] [--sqlite DIR]

Starts its own throwaway PostgreSQL (tests/pg_server.py: ``initdb`` + ``pg_ctl``
on a loopback port, fsync off, shared_buffers 64 MB), makes the schema with
``callmate db upgrade``'s code, and seeds ``--notes`` notes over ``--notes / 10``
calls with :mod:`benchmarks.seed`'s generator and seed (COPY; the GIN index is
built after the load). The rows are then the same, in the same order and with
the same ids, as in a data dir made by ``python -m benchmarks.seed DIR --calls
100000 --notes 1000000``; pass that as ``--sqlite DIR`` (opened read-only,
``immutable``) for SQLite's figures in the same run, and every query's hits are
compared across the two (everything but ``started_at``, which the seeder takes
from the clock).

The query set is :mod:`benchmarks.search`'s, typed a letter at a time, every
prefix one search; per prefix the slowest of ``--runs`` after one cold run, in
this process, through :func:`callmate.store.pg_search.search` on one open
connection (loopback) and :func:`callmate.store.text_search.search`. The budget
is the slowest query: <= 50 ms. The empty database (same server, same run) is
the baseline of the ratio.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from benchmarks.pty_harness import median, p95
from benchmarks.search import QUERIES, prefixes
from benchmarks.seed import COMPANIES, FIRST, LAST, _note, sentence
from callmate.store import pg_schema, pg_search, text_search
from callmate.store.database_url import make_engine, parse
from tests.pg_server import PostgresServer, find_bindir, why_not_available

BATCH = 50_000
TEXTS = [p for query in QUERIES for p in prefixes(query)]


def _naive(moment: Any) -> Any:
    return moment.astimezone(UTC).replace(tzinfo=None) if isinstance(moment, datetime) else moment


def seed_postgres(engine: Engine, *, calls: int, notes: int, random_seed: int = 7) -> float:
    """benchmarks.seed's rows (same random draws, same order) by COPY; seconds taken."""
    began = time.perf_counter()
    rng = random.Random(random_seed)
    now = datetime.now(UTC)
    today = now.date()
    contacts = max(1, calls // 20)
    raw = engine.raw_connection()
    try:
        db: Any = raw.driver_connection
        with db.cursor() as cursor:
            index = cursor.execute("SELECT pg_get_indexdef('search_notes'::regclass)").fetchone()[0]
            cursor.execute("DROP INDEX search_notes")  # built once after the load
            with cursor.copy("COPY contacts (name, company, role, created_at) FROM STDIN") as cp:
                for i in range(contacts):
                    cp.write_row(
                        (
                            f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
                            f"{rng.choice(COMPANIES)} {i % 997}",
                            rng.choice(["decision_maker", "influencer", "champion", "user"]),
                            _naive(now - timedelta(days=800)),
                        )
                    )
            with cursor.copy(
                "COPY calls (contact_id, call_type, goal, backup_goal, status, started_at, "
                "ended_at, outcome, next_step_what, next_step_owner, next_step_due) FROM STDIN"
            ) as cp:
                for i in range(calls):
                    started = now - timedelta(minutes=rng.randint(60, 60 * 24 * 730))
                    cp.write_row(
                        (
                            1 + i % contacts,
                            rng.choice(["discovery", "follow_up", "proposal"]),
                            sentence(rng),
                            sentence(rng),
                            "done",
                            _naive(started),
                            _naive(started + timedelta(minutes=25)),
                            rng.choice(["yes", "no", "maybe"]),
                            sentence(rng),
                            rng.choice(["us", "them", "both"]),
                            today + timedelta(days=rng.randint(-60, 60)),
                        )
                    )
            columns = ("call_id", "kind", "text", "offset_seconds", "created_at", "owner")
            columns += ("due", "done_at")
            for start in range(0, notes, BATCH):
                with cursor.copy(f"COPY notes ({', '.join(columns)}) FROM STDIN") as cp:
                    for _ in range(start, min(notes, start + BATCH)):
                        row = _note(rng, 1 + rng.randrange(calls), now)
                        cp.write_row(tuple(_naive(row[c]) for c in columns))
            db.commit()
            cursor.execute("SET maintenance_work_mem = '256MB'")
            cursor.execute(index)
            db.commit()
        db.autocommit = True
        with db.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        db.autocommit = False
    finally:
        raw.close()
    return time.perf_counter() - began


def query_times(search: Callable[[str], list[Any]], runs: int) -> dict[str, tuple[float, float]]:
    """Per typed prefix: (cold, slowest warm) seconds."""
    times = {}
    for typed in TEXTS:
        began = time.perf_counter()
        search(typed)
        cold = time.perf_counter() - began
        warm = []
        for _ in range(runs):
            began = time.perf_counter()
            search(typed)
            warm.append(time.perf_counter() - began)
        times[typed] = (cold, max(warm))
    return times


def summary(label: str, times: dict[str, tuple[float, float]], runs: int) -> dict[str, float]:
    warm = [w for _, w in times.values()]
    cold = [c for c, _ in times.values()]
    worst = max(times, key=lambda typed: times[typed][1])
    print(
        f"{label}: query (slowest of {runs} per prefix) median {median(warm) * 1000:.2f} ms, "
        f"p95 {p95(warm) * 1000:.2f} ms, slowest {max(warm) * 1000:.2f} ms ({worst!r}), "
        f"slowest cold {max(cold) * 1000:.2f} ms",
        flush=True,
    )
    return {
        f"{label}_query_median": median(warm),
        f"{label}_query_p95": p95(warm),
        f"{label}_query_max": max(warm),
        f"{label}_query_cold_max": max(cold),
    }


ADVERSE = "quorum"


def adverse(conn: Any, notes: int, runs: int) -> dict[str, float]:
    """pg_search's worst case: a word in 1 % of the notes, only 20 of them among the
    newest rows (the first statement comes up short), so the GIN index's bitmap of
    every match (1 % of the table) is read and sorted. Measured after the rest."""
    share = max(1, notes // 100)
    conn.execute(
        text(
            f"UPDATE notes SET text = text || ' {ADVERSE}' WHERE id IN ("
            "(SELECT id FROM notes WHERE id <= :old ORDER BY id DESC LIMIT :share) "
            "UNION ALL (SELECT id FROM notes ORDER BY id DESC LIMIT 20))"
        ),
        {"old": notes - pg_search.WINDOW * 2, "share": share - 20},
    )
    conn.commit()
    conn.execute(text("ANALYZE notes"))
    conn.commit()
    times = {}
    for typed in prefixes(ADVERSE)[2:]:
        warm = []
        for _ in range(runs):
            began = time.perf_counter()
            hits = pg_search.search(conn, typed)
            warm.append(time.perf_counter() - began)
        times[typed] = max(warm)
    worst = max(times, key=times.__getitem__)
    middle = median(list(times.values()))
    print(
        f"pg adverse ({ADVERSE!r} in {share:,} notes, 20 of them recent; "
        f"{len([h for h in hits if h.source == 'note'])} note hits): slowest "
        f"{times[worst] * 1000:.2f} ms ({worst!r}), median {middle * 1000:.2f} ms",
        flush=True,
    )
    return {"pg_adverse_max": times[worst], "pg_adverse_median": middle}


PRIVATE_EVERY = 10
"""As a rep: one note in this many made private (another role's: hidden from the rep)."""


def as_a_rep(server: PostgresServer, database: str, admin: Any, runs: int) -> dict[str, float]:
    """The same queries as a rep (``db add-user``, team schema 6: another rep's private
    notes hidden), after one note in :data:`PRIVATE_EVERY` is made the admin's private
    note; the admin's run again beside it. Also what a conditional read policy cost
    before version 6's search function: a rare word's GIN statement read straight
    from ``notes`` as the rep (EXPLAIN ANALYZE), against the function."""
    from callmate.store.team import add_user

    admin.execute(text(f"UPDATE notes SET kind = 'private' WHERE id % {PRIVATE_EVERY} = 0"))
    admin.commit()
    raw = admin.connection.driver_connection  # VACUUM: as the seed left it (no pending GIN list)
    raw.autocommit = True
    try:
        raw.execute("VACUUM ANALYZE notes")
    finally:
        raw.autocommit = False
    add_user(parse(server.url(database)), "bench_rep", password="bench-rep-pw")
    result = summary("pg_admin_again", query_times(partial(pg_search.search, admin), runs), runs)
    rep = make_engine(parse(server.url(database, user="bench_rep", password="bench-rep-pw")))
    try:
        with rep.connect() as conn:
            result.update(
                summary("pg_rep", query_times(partial(pg_search.search, conn), runs), runs)
            )
            hidden = conn.execute(text("SELECT count(*) FROM notes WHERE kind = 'private'"))
            assert hidden.scalar_one() == 0, "the rep reads the admin's private notes"
            query = "to_tsquery('callmate_search', 'zz:*')"  # no note has it: the index's case
            for label, statement in (
                (
                    "straight from notes under the policy",
                    f"SELECT id FROM notes WHERE search_vector @@ {query} "
                    "AND deleted_at IS NULL ORDER BY id + 0 DESC LIMIT 40",
                ),
                (
                    f"through {pg_search.NOTES_MATCHING}",
                    f"SELECT id FROM {pg_search.NOTES_MATCHING}({query}, 40)",
                ),
            ):
                plan = conn.execute(text(f"EXPLAIN (ANALYZE, TIMING OFF) {statement}")).scalars()
                lines = list(plan)
                took = float(lines[-1].split()[2])  # "Execution Time: 1.234 ms"
                key = "pg_rep_policy_ms" if label.startswith("straight") else "pg_rep_function_ms"
                result[key] = took
                print(f"as a rep, 'zz' {label}: {took:.1f} ms ({lines[0].strip()})", flush=True)
    finally:
        rep.dispose()
    return result


def _same(hits: list[Any]) -> list[tuple[Any, ...]]:
    return [hit._replace(started_at=None) for hit in hits]


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, help="default: notes / 10")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sqlite", type=Path, help="a data dir seeded alike (read-only)")
    parser.add_argument(
        "--as-rep", action="store_true", help="also search as a rep, private notes hidden"
    )
    args = parser.parse_args(argv)
    reason = why_not_available()
    if reason is not None:
        raise SystemExit(f"benchmarks.pg_search: {reason}")
    calls = args.calls or max(1, args.notes // 10)
    server = PostgresServer(find_bindir() or Path()).start()
    result: dict[str, float] = {}
    try:
        for label, notes in (("pg_empty", 0), ("pg_big", args.notes)):
            engine = make_engine(parse(server.create_database(label)))
            try:
                pg_schema.upgrade(engine)
                if notes:
                    took = seed_postgres(engine, calls=calls, notes=notes)
                    result["pg_seed_seconds"] = took
                    print(f"seeded {notes:,} notes, {calls:,} calls in {took:.0f} s", flush=True)
                with engine.connect() as conn:
                    times = query_times(partial(pg_search.search, conn), args.runs)
                    result.update(summary(label, times, args.runs))
                    if notes and args.sqlite:
                        sqlite_db = sqlite3.connect(
                            f"file:{args.sqlite / 'callmate.db'}?immutable=1", uri=True
                        )
                        try:
                            times = query_times(partial(text_search.search, sqlite_db), args.runs)
                            result.update(summary("sqlite_big", times, args.runs))
                            differ = [
                                typed
                                for typed in TEXTS
                                if _same(pg_search.search(conn, typed))
                                != _same(text_search.search(sqlite_db, typed))
                            ]
                        finally:
                            sqlite_db.close()
                        result["hits_differ"] = len(differ)
                        print(
                            f"hits differ for {len(differ)} of {len(TEXTS)} queries"
                            + (f": {differ}" if differ else ""),
                            flush=True,
                        )
                    if notes:
                        size = conn.execute(
                            text(
                                "SELECT pg_total_relation_size('notes'), "
                                "pg_relation_size('search_notes')"
                            )
                        ).one()
                        result["pg_notes_bytes"], result["pg_gin_bytes"] = size
                        print(
                            f"notes table {size[0] / 2**20:.0f} MiB with its indexes, "
                            f"of which the GIN index {size[1] / 2**20:.0f} MiB",
                            flush=True,
                        )
                        if args.as_rep:
                            result.update(as_a_rep(server, label, conn, args.runs))
                        result.update(adverse(conn, notes, args.runs))
            finally:
                engine.dispose()
    finally:
        server.stop()
    print(
        f"search at scale on PostgreSQL ({args.notes:,} notes): slowest query "
        f"{result['pg_big_query_max'] * 1000:.1f} ms (target <= 50 ms), median "
        f"x{result['pg_big_query_median'] / result['pg_empty_query_median']:.1f} the empty "
        "database"
        + (
            f", x{result['pg_big_query_median'] / result['sqlite_big_query_median']:.1f} "
            "SQLite's on the same rows"
            if "sqlite_big_query_median" in result
            else ""
        )
    )
    return result


if __name__ == "__main__":
    main()
