"""Search at scale: 1,000,000 notes against an empty database.

    python -m benchmarks.search --big DIR [--runs 5]

DIR is a data dir seeded by ``python -m benchmarks.seed DIR --calls 100000
--notes 1000000``. Queries are typed one letter at a time, as a user does,
and every prefix is a search. Two figures for each:

* query: time spent in ``Repository.search`` (what the database thread does
  per keystroke), in this process, the slowest of ``--runs`` after one cold
  run (the budget is for what a user may meet, not the luckiest run);
* on screen: callmate on a pseudo-terminal, from the key written until the
  search screen says how many results it found for that text.

The empty database, measured the same way in the same run, is the baseline.
Peak memory (VmHWM) of the app is read after the last query.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.pty_harness import PtyProgram, median, p95
from benchmarks.startup import DATA_SHOWN, wait_any
from callmate.locations import database_path
from callmate.store.repository import Repository

QUERIES = ("budget", "report dash", "security audit", "dana", "zz")


def prefixes(query: str) -> list[str]:
    return [query[:n] for n in range(1, len(query) + 1) if not query[:n].endswith(" ")]


def query_times(home: Path, runs: int) -> dict[str, tuple[float, float]]:
    """Per typed prefix: (cold, slowest warm) seconds in Repository.search."""
    repo = Repository.open(database_path(home))
    try:
        times = {}
        for query in QUERIES:
            for text in prefixes(query):
                began = time.perf_counter()
                repo.search(text)
                cold = time.perf_counter() - began
                warm = []
                for _ in range(runs):
                    began = time.perf_counter()
                    repo.search(text)
                    warm.append(time.perf_counter() - began)
                times[text] = (cold, max(warm))
        return times
    finally:
        repo.close()


def on_screen(home: Path) -> tuple[list[float], int]:
    """Per keystroke: seconds from the key to its results being reported."""
    program = PtyProgram([sys.executable, "-m", "callmate"], env={"CALLMATE_HOME": str(home)})
    try:
        program.wait_for("callmate — Home")
        wait_any(program, DATA_SHOWN)
        program.write("/")
        program.wait_for("Type to search")
        time.sleep(0.3)
        latencies = []
        for query in QUERIES:
            for n, char in enumerate(query, 1):
                since = program.mark()
                sent = program.write(char)
                if char != " ":
                    shown = program.wait_for(f"for {query[:n]!r}", since=since, timeout=30)
                    latencies.append(shown - sent)
                time.sleep(0.05)
            program.write("\x15")  # Ctrl+U empties the line for the next query
            program.wait_for("Type to search")
            time.sleep(0.1)
        return latencies, program.peak_rss_kib()
    finally:
        program.stop()


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--big", type=Path, required=True, help="a seeded data dir")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty"
        Repository.open(database_path(empty)).close()
        result: dict[str, float] = {}
        for label, home in (("empty", empty), ("big", args.big)):
            times = query_times(home, args.runs)
            warm = [w for _, w in times.values()]
            cold = [c for c, _ in times.values()]
            worst = max(times, key=lambda text: times[text][1])
            screen, rss = on_screen(home)
            result.update(
                {
                    f"{label}_query_median": median(warm),
                    f"{label}_query_p95": p95(warm),
                    f"{label}_query_max": max(warm),
                    f"{label}_query_cold_max": max(cold),
                    f"{label}_screen_median": median(screen),
                    f"{label}_screen_p95": p95(screen),
                    f"{label}_screen_max": max(screen),
                    f"{label}_rss_kib": rss,
                }
            )
            print(
                f"{label}: query (slowest of {args.runs} per prefix) median "
                f"{median(warm) * 1000:.1f} ms, p95 {p95(warm) * 1000:.1f} ms, slowest "
                f"{max(warm) * 1000:.1f} ms ({worst!r}), slowest cold "
                f"{max(cold) * 1000:.1f} ms | on screen per key: median "
                f"{median(screen) * 1000:.1f} ms, p95 {p95(screen) * 1000:.1f} ms, slowest "
                f"{max(screen) * 1000:.1f} ms | "
                f"peak RSS {rss / 1024:.0f} MiB"
            )
    print(
        f"search at scale: slowest query {result['big_query_max'] * 1000:.1f} ms "
        f"(target <= 50 ms), on screen median x"
        f"{result['big_screen_median'] / result['empty_screen_median']:.2f} the empty database"
    )
    return result


if __name__ == "__main__":
    main()
