"""Keystroke cost in the live note line, 1,000 notes into a call, vs a bare Input.

    python -m benchmarks.keystroke [--keys 150] [--runs 3]

Each program runs on its own 80x24 pseudo-terminal (``--size 120x40``: the
size from which the live call shows its prep panel beside the notes). For every key the clock
runs from writing the key to the moment the line, with that key in it, has
been written back to the terminal: the latency a typist sees. The figure is
the median over all keys (p95 beside it); the ratio compares the two
programs measured in the same run, alternating, so machine drift cancels out.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.pty_harness import PtyProgram, median, p95, resume_open_call
from benchmarks.seed import seed

ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def type_and_time(program: PtyProgram, keys: int, gap: float = 0.03) -> list[float]:
    """Per-key latency: write a key, wait until the line shows it."""
    typed = ""
    latencies = []
    for i in range(keys):
        key = ALPHABET[i % len(ALPHABET)]
        typed += key
        since = program.mark()
        sent = program.write(key)
        shown = program.wait_for(typed[-6:], since=since, timeout=10)
        latencies.append(shown - sent)
        time.sleep(gap)
        if len(typed) >= 40:  # keep the line short and the tail unique: start over
            since = program.mark()
            program.write("\x15")  # Ctrl+U clears the line
            time.sleep(0.05)
            typed = ""
    return latencies


def bare(keys: int, size: tuple[int, int] = (80, 24)) -> list[float]:
    program = PtyProgram([sys.executable, "-m", "benchmarks.bare_input"], size=size)
    try:
        program.wait_for("ready")
        time.sleep(0.3)
        return type_and_time(program, keys)
    finally:
        program.stop()


def callmate(home: Path, keys: int, size: tuple[int, int] = (80, 24)) -> list[float]:
    program = resume_open_call(home, size)
    try:
        return type_and_time(program, keys)
    finally:
        program.stop()


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keys", type=int, default=150)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--size", default="80x24", help="columns x rows, e.g. 120x40")
    args = parser.parse_args(argv)
    columns, rows = (int(n) for n in args.size.split("x"))
    size = (columns, rows)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        seed(home, live_notes=args.notes)
        ratios, ours, floor, all_ours, all_floor = [], [], [], [], []
        for run in range(args.runs):
            bare_keys = bare(args.keys, size)
            our_keys = callmate(home, args.keys, size)
            all_floor += bare_keys
            all_ours += our_keys
            b, c = median(bare_keys), median(our_keys)
            floor.append(b)
            ours.append(c)
            ratios.append(c / b)
            print(
                f"run {run + 1}: bare Input {b * 1000:.2f} ms/key (p95 {p95(bare_keys) * 1000:.2f})"
                f" · callmate note line ({args.notes} notes) {c * 1000:.2f} ms/key "
                f"(p95 {p95(our_keys) * 1000:.2f}) · ratio {c / b:.2f}"
            )
    print(
        f"median: bare {median(floor) * 1000:.2f} ms (p95 of all keys "
        f"{p95(all_floor) * 1000:.2f}) · callmate {median(ours) * 1000:.2f} ms (p95 "
        f"{p95(all_ours) * 1000:.2f}) · ratio {median(ratios):.2f} (p95 x"
        f"{p95(all_ours) / p95(all_floor):.2f}) (target <= 1.2)"
    )
    return {
        "bare": median(floor),
        "callmate": median(ours),
        "ratio": median(ratios),
        "bare_p95": p95(all_floor),
        "callmate_p95": p95(all_ours),
        "ratio_p95": p95(all_ours) / p95(all_floor),
    }


if __name__ == "__main__":
    main()
