"""Home's agenda read (queries.agenda) of two checkouts on the same database.

    PYTHONPATH=. python benchmarks/agenda_query.py BASE/callmate/store/queries.py \
        DIR/callmate.db [label...]

Compares another checkout's ``queries.py`` (the baseline) with this one's,
median of 40 reads each, on a database seeded by ``benchmarks.seed``.
Issue 13 used it for the attempts' "3rd try" (see BENCHMARKS.md).
"""

import importlib.util
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


def load(path: str, name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


main_q = load(sys.argv[1], "base_queries")
mine_q = load(str(Path(__file__).parent.parent / "callmate/store/queries.py"), "these_queries")
db = sqlite3.connect(sys.argv[2])
now = datetime.now(UTC)
today = now.date()
cold = now - timedelta(days=30)


def measure(q, rounds: int = 40) -> float:  # type: ignore[no-untyped-def]
    q.agenda(db, today, cold)  # warm
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        q.agenda(db, today, cold)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


for label in sys.argv[3:] or ["run"]:
    m, n = measure(main_q), measure(mine_q)
    print(f"{label}: base {m:.2f} ms, this {n:.2f} ms, ratio {n / m:.2f}")
