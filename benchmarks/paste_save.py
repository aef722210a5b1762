"""Paste save: from a long paste reaching callmate to the note being durable.

    python -m benchmarks.paste_save [--sizes 50000,1000000] [--pastes 5] [--runs 2]

callmate resumes an open call that already holds 1,000 notes. Each paste is
written to the pty as a terminal sends it (bracketed paste: ``ESC [200~``,
the text with CR line ends, ``ESC [201~``), and the clock runs from the last
byte written until another process, reading the database file, sees the
committed row (WAL, ``synchronous=FULL``: it survives ``kill -9``). Also
timed: until the note's first words are drawn in the notes log. The floor
(``benchmarks/bare_paste.py``) is a bare Textual app that commits the paste
with ``sqlite3`` on its UI thread, into a table that has callmate's notes
search index (FTS5 and its trigger, :data:`benchmarks.bare_save.FLOOR_SCHEMA`)
and as many notes to start with; ``--plain-floor`` leaves the index out, as
before issue 17. Both pay Textual's own reading of the paste off the
terminal, which grows with its size. Figures are medians with their p95.
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
from benchmarks.note_save import ms, p95
from benchmarks.pty_harness import PtyProgram, median, resume_open_call
from benchmarks.seed import seed, sentence
from callmate.locations import database_path

LINE = "Thanks for the call today, the ops team reviewed the pricing sheet.\r"


def paste_text(tag: str, size: int) -> str:
    """``size`` characters of email-like lines, starting with a unique ``tag``."""
    body = LINE * (size // len(LINE) + 1)
    return (tag + " " + body)[:size]


def wait_for_row(db_path: Path, tag: str, timeout: float = 30.0) -> float:
    """The moment (perf_counter) another reader first sees the note starting ``tag``."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, isolation_level=None)
    query = "SELECT 1 FROM notes WHERE substr(text, 1, ?) = ? LIMIT 1"
    try:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            try:
                if db.execute(query, (len(tag), tag)).fetchone():
                    return time.perf_counter()
            except sqlite3.OperationalError:  # the bare app has not made its table yet
                pass
            time.sleep(0.001)
    finally:
        db.close()
    raise TimeoutError(f"{tag!r} never reached {db_path}")


def paste_and_time(
    program: PtyProgram, db_path: Path, size: int, count: int, tag: str, *, logged: bool
) -> tuple[list[float], list[float]]:
    """Per paste: seconds from its last byte to durable, and (``logged``) to drawn."""
    durable, shown = [], []
    for i in range(count):
        name = f"{tag}x{i:02d}zq"
        since = program.mark()
        arrived = program.write("\x1b[200~" + paste_text(name, size) + "\x1b[201~")
        arrived = time.perf_counter()  # os.write returns once the app has read it all
        durable.append(wait_for_row(db_path, name) - arrived)
        if logged:
            shown.append(program.wait_for(name, since=since) - arrived)
        time.sleep(0.3)
    return durable, shown


def bare(
    db_path: Path, size: int, count: int, tag: str, existing: int, *, plain: bool
) -> list[float]:
    rng = random.Random(7)
    prefill(str(db_path), [sentence(rng) for _ in range(existing)], plain=plain)
    program = PtyProgram([sys.executable, "-m", "benchmarks.bare_paste", str(db_path)])
    try:
        program.wait_for("ready")
        time.sleep(0.3)
        return paste_and_time(program, db_path, size, count, tag, logged=False)[0]
    finally:
        program.stop()


def callmate(home: Path, size: int, count: int, tag: str) -> tuple[list[float], list[float]]:
    program = resume_open_call(home)
    try:
        return paste_and_time(program, database_path(home), size, count, tag, logged=True)
    finally:
        program.stop()


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="50000,1000000", help="paste sizes, in characters")
    parser.add_argument("--pastes", type=int, default=5, help="pastes of each size per run")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--existing", type=int, default=1000, help="notes already in the call")
    parser.add_argument(
        "--plain-floor", action="store_true", help="the floor without a search index (before)"
    )
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        seed(home, live_notes=args.existing)
        for size in sizes:
            floor: list[float] = []
            ours: list[float] = []
            drawn: list[float] = []
            for run in range(args.runs):
                tag = f"s{size}r{run}"
                b = bare(
                    Path(tmp) / f"bare{tag}.db",
                    size,
                    args.pastes,
                    tag,
                    args.existing,
                    plain=args.plain_floor,
                )
                durable, shown = callmate(home, size, args.pastes, tag)
                floor += b
                ours += durable
                drawn += shown
                print(
                    f"{size:,} chars, run {run + 1}: bare app + sqlite3 {ms(b)} · "
                    f"callmate {ms(durable)} to durable, {ms(shown)} to shown",
                    flush=True,
                )
            results[f"bare_{size}"] = median(floor)
            results[f"bare_{size}_p95"] = p95(floor)
            results[f"durable_{size}"] = median(ours)
            results[f"durable_{size}_p95"] = p95(ours)
            results[f"shown_{size}"] = median(drawn)
            results[f"shown_{size}_p95"] = p95(drawn)
            print(
                f"all runs, {size:,} chars: bare {ms(floor)} · callmate "
                f"{ms(ours)} to durable, {ms(drawn)} to shown",
                flush=True,
            )
    return results


if __name__ == "__main__":
    main()
