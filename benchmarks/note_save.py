"""Note save: from Enter to the note being durable in the database.

    python -m benchmarks.note_save [--notes 40] [--runs 3]

callmate resumes an open call that already holds 1,000 notes. For each note
the text is typed and drawn first; then the clock runs from writing Enter to
the pty until another process, reading the database file, sees the committed
row (WAL, ``synchronous=FULL``: a committed row has reached the disk and
survives ``kill -9``). The same is timed for the floor: a bare Textual Input
that does one INSERT and COMMIT with ``sqlite3`` on its UI thread
(benchmarks/bare_save.py). Runs alternate so machine drift cancels out.
The time until callmate's notes log shows the note is reported too.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.pty_harness import PtyProgram, median, resume_open_call
from benchmarks.seed import seed
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


def bare(db_path: Path, count: int) -> list[float]:
    program = PtyProgram([sys.executable, "-m", "benchmarks.bare_save", str(db_path)])
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
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        seed(home, live_notes=args.existing)
        ratios, ours, floor, drawn = [], [], [], []
        for run in range(args.runs):
            b = median(bare(Path(tmp) / f"bare{run}.db", args.notes))
            durable, shown = callmate(home, args.notes, run)
            c = median(durable)
            floor.append(b)
            ours.append(c)
            drawn.append(median(shown))
            ratios.append(c / b)
            print(
                f"run {run + 1}: bare Input + sqlite3 commit {b * 1000:.1f} ms · "
                f"callmate {c * 1000:.1f} ms to durable, {median(shown) * 1000:.1f} ms to shown · "
                f"ratio {c / b:.2f}"
            )
    print(
        f"median: bare {median(floor) * 1000:.1f} ms · callmate {median(ours) * 1000:.1f} ms "
        f"to durable ({median(drawn) * 1000:.1f} ms to shown) · ratio {median(ratios):.2f}"
    )
    return {
        "bare": median(floor),
        "durable": median(ours),
        "shown": median(drawn),
        "ratio": median(ratios),
    }


if __name__ == "__main__":
    main()
