"""Note save: from Enter to the note being durable in the database.

    python -m benchmarks.note_save [--notes 40] [--runs 3]

callmate resumes an open call that already holds 1,000 notes. For each note
the text is typed and drawn first; then the clock runs from writing Enter to
the pty until another process, reading the database file, sees the committed
row (WAL, ``synchronous=FULL``: a committed row has reached the disk and
survives ``kill -9``). The same is timed for the floor: a bare Textual Input
that does one INSERT and COMMIT with ``sqlite3`` on its UI thread
(benchmarks/bare_save.py), into a table with callmate's search index (FTS5,
filled by a trigger) that starts with as many notes; ``--plain-floor`` times
the floor without the index, as it was before issue 17. Runs alternate so
machine drift cancels out. The time until callmate's notes log shows the
note is reported too. Every figure is given as median and p95 (of the notes
of a run; the summary pools every run's notes).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bare_save import prefill
from benchmarks.pty_harness import PtyProgram, median, resume_open_call
from benchmarks.seed import seed, sentence
from callmate.locations import database_path


def wait_for_row(db_path: Path, text: str, timeout: float = 10.0) -> float:
    """The moment (perf_counter) another reader first sees ``text`` committed."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, isolation_level=None)
    try:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if db.execute("SELECT 1 FROM notes WHERE text = ? LIMIT 1", (text,)).fetchone():
                return time.perf_counter()
            time.sleep(0.001)
    finally:
        db.close()
    raise TimeoutError(f"{text!r} never reached {db_path}")


def save_and_time(
    program: PtyProgram, db_path: Path, count: int, tag: str, *, logged: bool
) -> tuple[list[float], list[float]]:
    """Per note: seconds from Enter to durable, and (``logged``) to shown in the log."""
    durable, shown = [], []
    for i in range(count):
        text = f"{tag}{i:03d}zq"
        since = program.mark()
        program.write(text)
        program.wait_for(text, since=since)
        time.sleep(0.05)
        since = program.mark()
        sent = program.write("\r")
        durable.append(wait_for_row(db_path, text) - sent)
        if logged:  # the line clears on Enter; then the notes log shows it
            shown.append(program.wait_for(text, since=since) - sent)
        time.sleep(0.05)
    return durable, shown


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def ms(values: list[float]) -> str:
    return f"{median(values) * 1000:.1f} ms (p95 {p95(values) * 1000:.1f})"


def bare(db_path: Path, count: int, existing: int, *, plain: bool) -> list[float]:
    rng = random.Random(7)
    prefill(str(db_path), [sentence(rng) for _ in range(existing)], plain=plain)
    command = [sys.executable, "-m", "benchmarks.bare_save", str(db_path)]
    program = PtyProgram([*command, "--plain"] if plain else command)
    try:
        program.wait_for("ready")
        time.sleep(0.3)
        return save_and_time(program, db_path, count, "bare", logged=False)[0]
    finally:
        program.stop()


def callmate(home: Path, count: int, run: int) -> tuple[list[float], list[float]]:
    program = resume_open_call(home)
    try:
        return save_and_time(program, database_path(home), count, f"run{run}n", logged=True)
    finally:
        program.stop()


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=40, help="notes saved per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--existing", type=int, default=1000, help="notes already in the call")
    parser.add_argument(
        "--plain-floor", action="store_true", help="the floor without a search index (before)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        seed(home, live_notes=args.existing)
        ratios, p95_ratios = [], []
        ours: list[float] = []
        floor: list[float] = []
        drawn: list[float] = []
        for run in range(args.runs):
            b = bare(Path(tmp) / f"bare{run}.db", args.notes, args.existing, plain=args.plain_floor)
            durable, shown = callmate(home, args.notes, run)
            floor += b
            ours += durable
            drawn += shown
            ratios.append(median(durable) / median(b))
            p95_ratios.append(p95(durable) / p95(b))
            print(
                f"run {run + 1}: bare Input + sqlite3 commit {ms(b)} · "
                f"callmate {ms(durable)} to durable, {ms(shown)} to shown · "
                f"ratio {ratios[-1]:.2f} (p95 {p95_ratios[-1]:.2f})",
                flush=True,
            )
    return summary(floor, ours, drawn, ratios, p95_ratios)


def summary(
    floor: list[float],
    ours: list[float],
    drawn: list[float],
    ratios: list[float],
    p95_ratios: list[float],
) -> dict[str, float]:
    """Print the all-runs line and return the figures (also for pg_note_save)."""
    print(
        f"all runs ({len(ours)} notes each): bare {ms(floor)} · callmate {ms(ours)} to durable "
        f"({ms(drawn)} to shown) · ratio {median(ratios):.2f} (p95 {median(p95_ratios):.2f}), "
        "the median of the runs' ratios"
    )
    return {
        "bare": median(floor),
        "bare_p95": p95(floor),
        "durable": median(ours),
        "durable_p95": p95(ours),
        "shown": median(drawn),
        "shown_p95": p95(drawn),
        "ratio": median(ratios),
        "ratio_p95": median(p95_ratios),
    }


if __name__ == "__main__":
    main()
