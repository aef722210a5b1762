"""The read commands at scale: ``callmate search`` and ``callmate due``, whole processes.

    python -m benchmarks.cli_reads --big DIR [--runs 7] [--word pilot] [--checkout PATH]

DIR is a data dir seeded by ``python -m benchmarks.seed DIR --calls 100000
--notes 1000000`` (it is only read). Three commands are timed from process
start to exit, output to ``/dev/null``: ``callmate search WORD``,
``callmate due`` and ``callmate due --json``.

The baseline for each is a stdlib Python process running the same SQL: the
statements the command itself ran, with the same parameters, recorded by
running it once with ``sqlite3.connect`` patched to log every
``Connection.execute`` (so it stays the same SQL whatever the command's code
is). The baseline connects, runs each statement, fetches every row and writes
them out (``repr`` lines, or one ``json.dumps`` for ``--json``).

Rounds alternate baseline and command, so machine drift hits both; each
figure is the median and the p95 (nearest rank) of ``--runs`` rounds after
one untimed warm-up, and the ratio command / baseline is taken of each.
``--checkout`` runs the callmate of another checkout (e.g. ``main``, for the
before figures); its own SQL is recorded for its baseline.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.pty_harness import median

ROOT = Path(__file__).resolve().parent.parent

COMMANDS = {
    "search": ["search", "{word}"],
    "due": ["due"],
    "due --json": ["due", "--json"],
}

SCRIPT = Path(sys.executable).parent / "callmate"
CALLMATE = [str(SCRIPT)] if SCRIPT.is_file() else [sys.executable, "-m", "callmate"]
"""What a user runs: the installed ``callmate`` script (``python -m callmate``
adds runpy's ~8 ms, which no user pays), else the module."""

RECORD = r"""
import contextlib, json, os, sqlite3, sys

log = []

class Recording(sqlite3.Connection):
    def execute(self, sql, parameters=(), /):
        kept = dict(parameters) if isinstance(parameters, dict) else list(parameters)
        log.append([sql, kept])
        return super().execute(sql, parameters)

real_connect = sqlite3.connect

def connect(*args, **kwargs):
    kwargs.setdefault("factory", Recording)
    return real_connect(*args, **kwargs)

sqlite3.connect = sqlite3.dbapi2.connect = connect  # SQLAlchemy calls the dbapi2 one
from callmate.cli import main

with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
    main(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    json.dump(log, out)
"""

BASELINE = r"""
import json, sqlite3, sys

path, recorded, fmt = sys.argv[1:4]
with open(recorded) as handle:
    statements = json.load(handle)
db = sqlite3.connect(path, timeout=5.0)
results = [db.execute(sql, params).fetchall() for sql, params in statements]
db.close()
if fmt == "json":
    sys.stdout.write(json.dumps(results) + "\n")
else:
    sys.stdout.write("\n".join(repr(row) for rows in results for row in rows) + "\n")
"""


def p95(values: Sequence[float]) -> float:
    """The nearest-rank 95th percentile (the slowest of fewer than 20)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    began = time.perf_counter()
    result = subprocess.run(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    elapsed = time.perf_counter() - began
    if result.returncode not in (0, 1) or result.stderr:
        raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}): {result.stderr}")
    return elapsed


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", type=Path, required=True, help="a seeded data dir (only read)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--word", default="pilot", help="what `callmate search` looks for")
    parser.add_argument(
        "--checkout", type=Path, default=ROOT, help="the callmate checkout to run (default: this)"
    )
    args = parser.parse_args(argv)
    checkout = args.checkout.resolve()
    big = args.big.resolve()
    env = {**os.environ, "PYTHONPATH": str(checkout), "CALLMATE_HOME": str(big)}
    db_path = big / "callmate.db"
    # As installed: where PYTHONDONTWRITEBYTECODE is set every run would
    # compile callmate from source (see pty_harness.byte_compile).
    import compileall

    compileall.compile_dir(checkout / "callmate", quiet=1)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        jobs = {}
        for name, template in COMMANDS.items():
            words = [part.format(word=args.word) for part in template]
            recorded = Path(tmp) / f"{name.replace(' ', '_')}.json"
            subprocess.run(
                [sys.executable, "-c", RECORD, str(recorded), "--data-dir", str(big), *words],
                cwd=checkout,
                env=env,
                check=True,
            )
            statements = len(json.loads(recorded.read_text()))
            fmt = "json" if "--json" in words else "text"
            jobs[name] = (
                [*CALLMATE, "--data-dir", str(big), *words],
                [sys.executable, "-c", BASELINE, str(db_path), str(recorded), fmt],
                statements,
            )
        times: dict[str, tuple[list[float], list[float]]] = {n: ([], []) for n in jobs}
        for round_ in range(args.runs + 1):  # round 0 warms the page cache, untimed
            for name, (command, baseline, _count) in jobs.items():
                pair = [(0, baseline), (1, command)]
                if round_ % 2:
                    pair.reverse()
                taken = {which: timed(argv_, checkout, env) for which, argv_ in pair}
                if round_:
                    times[name][0].append(taken[0])
                    times[name][1].append(taken[1])
    print(f"{args.runs} rounds, callmate from {checkout}, data {big}")
    for name, (base, ours) in times.items():
        key = name.replace(" --", "_").replace(" ", "_")
        figures[f"{key}_base"] = median(base)
        figures[f"{key}_base_p95"] = p95(base)
        figures[f"{key}"] = median(ours)
        figures[f"{key}_p95"] = p95(ours)
        figures[f"{key}_ratio"] = median(ours) / median(base)
        figures[f"{key}_ratio_p95"] = p95(ours) / p95(base)
        print(
            f"callmate {name:<11} median {median(ours) * 1000:7.0f} ms  p95 "
            f"{p95(ours) * 1000:7.0f} ms · stdlib, same {jobs[name][2]} statements: median "
            f"{median(base) * 1000:6.0f} ms  p95 {p95(base) * 1000:6.0f} ms · ratio "
            f"{figures[key + '_ratio']:.2f} (p95 {figures[key + '_ratio_p95']:.2f})"
        )
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
