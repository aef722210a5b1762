"""Home on the team database: from launch to the agenda shown, at 100,000 calls.

    python -m benchmarks.pg_home [--runs 7] [--calls 100000] [--notes N] [--sqlite DIR]

Starts its own throwaway PostgreSQL (tests/pg_server.py: ``initdb`` + ``pg_ctl``
on a loopback port), with two databases made by ``callmate db upgrade``'s code:
one empty and one holding benchmarks.seed's rows (``--calls`` calls, ``--notes``
notes, default ten a call; COPYed as benchmarks.pg_search does, the same rows
as a ``benchmarks.seed`` data dir of that size). callmate is launched on a real
pseudo-terminal with ``CALLMATE_DATABASE_URL`` naming one or the other, and
timed as benchmarks.startup times it on SQLite: spawn until the home screen
shows the day read from the database (its agenda and going-cold, read through
the PostgreSQL path, ``queries.PgReads``). Every round launches each program
once in a rotating order; the big-vs-empty ratio is taken within each round
(paired), and each launch is also set against the bare Textual app's first
frame in the same round. ``--sqlite DIR`` (a seeded data dir of the same size,
e.g. /tmp/big copied) adds callmate on SQLite to every round, for the figures
side by side.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.pty_harness import PtyProgram, median, p95
from benchmarks.startup import DATA_SHOWN, bare, wait_any


def launch(home: Path, url: str | None) -> float:
    """Seconds from spawn until home shows the day read from the database."""
    env = {"CALLMATE_HOME": str(home)}
    if url is not None:
        env["CALLMATE_DATABASE_URL"] = url
    program = PtyProgram([sys.executable, "-m", "callmate"], env=env)
    try:
        program.wait_for("callmate — Home")
        return min(wait_any(program, DATA_SHOWN)) - program.started
    finally:
        program.stop()


def measure(launches: dict[str, Callable[[], float]], runs: int) -> dict[str, list[float]]:
    rows: dict[str, list[float]] = {}
    order = ["bare", *launches]
    for round_ in range(runs):
        turn = round_ % len(order)
        got: dict[str, float] = {}
        for label in order[turn:] + order[:turn]:
            got[label] = bare().first_frame if label == "bare" else launches[label]()
        for label, value in got.items():
            rows.setdefault(label, []).append(value)
            if label != "bare":
                rows.setdefault(f"{label}_vs_bare", []).append(value / got["bare"])
        rows.setdefault("pg_big_vs_empty", []).append(got["pg_big"] / got["pg_empty"])
        if "sqlite_big" in got:
            rows.setdefault("sqlite_big_vs_empty", []).append(
                got["sqlite_big"] / got["sqlite_empty"]
            )
            rows.setdefault("pg_big_vs_sqlite_big", []).append(got["pg_big"] / got["sqlite_big"])
        print(
            f"round {round_ + 1}: "
            + ", ".join(f"{label} {value * 1000:.0f} ms" for label, value in got.items())
            + f"; pg big/empty x{rows['pg_big_vs_empty'][-1]:.2f}",
            flush=True,
        )
    return rows


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--notes", type=int, help="default: ten a call")
    parser.add_argument("--sqlite", type=Path, help="a data dir seeded alike (SQLite beside)")
    args = parser.parse_args(argv)
    from benchmarks.pg_search import seed_postgres
    from callmate.store import pg_schema
    from callmate.store.database_url import make_engine, parse
    from tests.pg_server import PostgresServer, find_bindir, why_not_available

    reason = why_not_available()
    if reason is not None:
        raise SystemExit(f"benchmarks.pg_home: {reason}")
    notes = args.notes if args.notes is not None else args.calls * 10
    server = PostgresServer(find_bindir() or Path()).start()
    try:
        urls = {}
        for label, calls in (("pg_empty", 0), ("pg_big", args.calls)):
            urls[label] = server.create_database(label)
            engine = make_engine(parse(urls[label]))
            try:
                pg_schema.upgrade(engine)
                if calls:
                    took = seed_postgres(engine, calls=calls, notes=notes)
                    print(f"seeded {calls:,} calls, {notes:,} notes in {took:.0f} s", flush=True)
            finally:
                engine.dispose()
        with tempfile.TemporaryDirectory() as tmp:
            local = Path(tmp) / "local"  # the data dir: settings, drafts; no calls
            launches: dict[str, Callable[[], float]] = {
                label: (lambda url=url: launch(local, url)) for label, url in urls.items()
            }
            if args.sqlite:
                launches["sqlite_empty"] = lambda: launch(Path(tmp) / "sqlite-empty", None)
                launches["sqlite_big"] = lambda: launch(args.sqlite, None)
            for label, run in launches.items():  # a first launch of each, not timed
                run()
                print(f"warm-up launch: {label}", flush=True)
            rows = measure(launches, args.runs)
    finally:
        server.stop()
    result: dict[str, float] = {}
    for key, values in rows.items():
        result[key] = median(values)
        result[f"{key}_p95"] = p95(values)

    def ms(key: str) -> str:
        return f"{result[key] * 1000:.0f} ms (p95 {result[f'{key}_p95'] * 1000:.0f})"

    def times(key: str) -> str:
        return f"x{result[key]:.2f} (p95 x{result[f'{key}_p95']:.2f})"

    print(
        f"home data shown on PostgreSQL: empty {ms('pg_empty')}, {args.calls:,} calls "
        f"{ms('pg_big')}; {args.calls:,} vs empty, paired per round {times('pg_big_vs_empty')} "
        f"(SQLite's target 1.3); vs the bare first frame: empty {times('pg_empty_vs_bare')}, "
        f"big {times('pg_big_vs_bare')}; bare first frame {ms('bare')}"
    )
    if args.sqlite:
        print(
            f"SQLite in the same rounds: empty {ms('sqlite_empty')}, big {ms('sqlite_big')}, "
            f"big vs empty {times('sqlite_big_vs_empty')}; PostgreSQL big vs SQLite big "
            f"{times('pg_big_vs_sqlite_big')}"
        )
    return result


if __name__ == "__main__":
    main()
