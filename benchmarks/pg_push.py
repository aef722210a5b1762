"""``callmate db push`` at scale: a personal history into an empty team database.

    python -m benchmarks.pg_push [--calls 10000] [--notes N] [--home DIR] [--runs 2]
                                 [--code DIR]

A data dir of ``--calls`` calls and ``--notes`` notes (default ten a call) is
seeded with :mod:`benchmarks.seed`, or ``--home DIR`` (one made by it, e.g. the
100,000-call dir) is copied first (the push's first open may migrate it; the
copy is migrated once, before anything is timed). A throwaway PostgreSQL
(tests/pg_server.py: ``initdb`` + ``pg_ctl`` on a loopback port, fsync off) gets
a new database per round, made by ``callmate db upgrade``'s code. Each round
times three whole processes, spawned from a small launcher so their peak RSS
(``ru_maxrss`` from ``os.wait4``) is their own (as benchmarks.data_commands):

* push: ``callmate db push`` into the empty team database;
* again: the same push a second time (every call already there: nothing added);
* export: ``callmate export`` of the same data dir to a file, the baseline: the
  same rows read and checked, written to a local file instead of the server;
* touched (``--touch N``, after the export): a note added here to each of N
  calls already pushed, then the push again (those notes carried over, once).

The rows on the server are then counted against the local file's. Figures are
the median and p95 of the rounds, and push / export as a ratio per round.
``--code DIR`` runs callmate from another checkout (the "before" figures).
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from sqlalchemy import text

from benchmarks.data_commands import p95, run
from benchmarks.pty_harness import median


def local_counts(home: Path) -> tuple[int, int]:
    from callmate.locations import database_path

    db = sqlite3.connect(database_path(home))
    try:
        calls = db.execute("SELECT count(*) FROM calls WHERE discarded_at IS NULL").fetchone()[0]
        notes = db.execute(
            "SELECT count(*) FROM notes n JOIN calls c ON c.id = n.call_id"
            " WHERE c.discarded_at IS NULL AND n.deleted_at IS NULL"
        ).fetchone()[0]
    finally:
        db.close()
    return int(calls), int(notes)


def team_counts(url: str) -> tuple[int, int]:
    from callmate.store.database_url import make_engine, parse

    engine = make_engine(parse(url))
    try:
        with engine.connect() as conn:
            calls = conn.execute(text("SELECT count(*) FROM calls")).scalar_one()
            notes = conn.execute(text("SELECT count(*) FROM notes")).scalar_one()
    finally:
        engine.dispose()
    return int(calls), int(notes)


def add_notes(home: Path, count: int) -> None:
    """A note added here to each of the ``count`` newest calls (as the timeline adds
    one: the uuid and search triggers fill the rest)."""
    from callmate.locations import database_path

    db = sqlite3.connect(database_path(home))
    try:
        with db:
            db.execute(
                "INSERT INTO notes (call_id, kind, text, offset_seconds, created_at)"
                " SELECT id, 'note', 'added after the push', 0, started_at FROM calls"
                " WHERE discarded_at IS NULL ORDER BY id DESC LIMIT ?",
                (count,),
            )
    finally:
        db.close()


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--notes", type=int, help="default: ten a call")
    parser.add_argument("--home", type=Path, help="a data dir seeded with benchmarks.seed (copied)")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--code", help="run callmate from this checkout")
    parser.add_argument(
        "--touch", type=int, default=0, help="then add a note to N pushed calls, push again"
    )
    args = parser.parse_args(argv)
    from callmate.store import bulk, pg_schema
    from callmate.store.database_url import make_engine, parse
    from tests.pg_server import PostgresServer, find_bindir, why_not_available

    reason = why_not_available()
    if reason is not None:
        raise SystemExit(f"benchmarks.pg_push: {reason}")
    python = sys.executable
    env = {"PYTHONPATH": args.code} if args.code else {}
    rows: dict[str, list[float]] = {}
    peaks: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        if args.home:
            shutil.copytree(args.home, home)
        else:
            from benchmarks.seed import seed

            seed(home, calls=args.calls, notes=args.notes or args.calls * 10)
        from callmate.locations import database_path

        bulk.connect(database_path(home)).close()  # migrated before anything is timed
        calls, notes = local_counts(home)
        print(f"local history: {calls:,} calls, {notes:,} notes", flush=True)
        server = PostgresServer(find_bindir() or Path()).start()
        try:
            for round_ in range(args.runs):
                url = server.create_database(f"push{round_}")
                engine = make_engine(parse(url))
                try:
                    pg_schema.upgrade(engine)
                finally:
                    engine.dispose()
                team = {**env, "CALLMATE_DATABASE_URL": url}
                push = [python, "-m", "callmate", "--data-dir", str(home), "db", "push"]
                export = [python, "-m", "callmate", "--data-dir", str(home), "export"]
                export += ["--out", str(Path(tmp) / "export.json")]
                got = {}
                for name, command, extra in (
                    ("push", push, team),
                    ("again", push, team),
                    ("export", export, env),
                ):
                    got[name], peak = run(command, extra)
                    rows.setdefault(name, []).append(got[name])
                    peaks[name] = max(peaks.get(name, 0), peak)
                rows.setdefault("ratio", []).append(got["push"] / got["export"])
                there = team_counts(url)
                if there != (calls, notes):
                    raise RuntimeError(f"the team database holds {there}, not {(calls, notes)}")
                if args.touch:
                    add_notes(home, args.touch)
                    calls, notes = local_counts(home)
                    got["touched"], _peak = run(push, team)
                    rows.setdefault("touched", []).append(got["touched"])
                    there = team_counts(url)
                    print(
                        f"round {round_ + 1}: {args.touch} notes added to pushed calls, pushed in "
                        f"{got['touched']:.1f} s; the team holds {there[1] - notes:+,} notes "
                        "against the local history",
                        flush=True,
                    )
                print(
                    f"round {round_ + 1}: push {got['push']:.1f} s, again {got['again']:.1f} s, "
                    f"export {got['export']:.1f} s, push/export x{rows['ratio'][-1]:.2f}",
                    flush=True,
                )
        finally:
            server.stop()
    result: dict[str, float] = {}
    for name, values in rows.items():
        result[name] = median(values)
        result[f"{name}_p95"] = p95(values)
    for name, peak in peaks.items():
        result[f"{name}_rss_mib"] = peak / 1024
    print(
        f"db push of {calls:,} calls / {notes:,} notes into an empty team database: "
        f"{result['push']:.1f} s (p95 {result['push_p95']:.1f}), peak RSS "
        f"{result['push_rss_mib']:.0f} MiB; again (nothing added) {result['again']:.1f} s "
        f"(p95 {result['again_p95']:.1f}); export of the same dir {result['export']:.1f} s "
        f"(p95 {result['export_p95']:.1f}), {result['export_rss_mib']:.0f} MiB; push/export "
        f"x{result['ratio']:.2f} (p95 x{result['ratio_p95']:.2f})",
        flush=True,
    )
    return result


if __name__ == "__main__":
    main()
