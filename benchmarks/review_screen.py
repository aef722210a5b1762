"""The review screen at scale: from the key on home to the figures on screen.

    python -m benchmarks.review_screen --big DIR [--runs 7] [--presses 3]

DIR is a data dir seeded by ``python -m benchmarks.seed DIR --calls 100000
--notes 1000000``; it is copied first (the app may write to it: an upgrade,
a warm-up), and the copy removed at the end. callmate runs on a
pseudo-terminal, 80x24, as a user runs it. Each round launches it, waits
for the day on home, then presses ``v`` and times until the first section
("Goal results") is on the terminal; Esc and ``v`` again ``--presses - 1``
more times (the review's module and the store's ORM are loaded by then).

Two figures, each a median with its p95:

* first press: the key pressed as soon as the day shows, the review's
  module, the charts and the figures' queries all still to load;
* again: later presses in the same run.

The baseline, measured in the same rounds (paired: small, then big, each
round), is the same app on a data dir of 1,000 calls seeded the same way;
the target (issue 22) is absolute: figures within 0.5 s at 100,000 calls.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.pty_harness import PtyProgram, median, p95
from benchmarks.startup import DATA_SHOWN, OFFER, wait_any

SHOWN = "Goal results"
"""The first section's heading: drawn in the same refresh as every figure."""
HOME = "callmate — Home"
TARGET = 0.5


def presses(home: Path, count: int) -> list[float]:
    """Seconds from ``v`` to the figures, ``count`` times in one run of callmate."""
    program = PtyProgram([sys.executable, "-m", "callmate"], env={"CALLMATE_HOME": str(home)})
    try:
        program.wait_for(HOME)
        wait_any(program, (*DATA_SHOWN, OFFER))
        with contextlib.suppress(TimeoutError):
            program.wait_for(OFFER, timeout=0.01)  # a call left open is offered first
            program.write("\x1b")  # decide later: the day behind it
            wait_any(program, DATA_SHOWN)
        latencies = []
        for _ in range(count):
            since = program.mark()
            sent = program.write("v")
            latencies.append(program.wait_for(SHOWN, since=since, timeout=60) - sent)
            time.sleep(0.2)
            since = program.mark()
            program.write("\x1b")
            wait_any_after(program, since)
            time.sleep(0.2)
        return latencies
    finally:
        program.stop()


def wait_any_after(program: PtyProgram, since: int) -> None:
    """Home is back (its title line is drawn again)."""
    program.wait_for("Enter opens", since=since, timeout=30)


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", type=Path, required=True, help="a seeded data dir (copied)")
    parser.add_argument("--runs", type=int, default=7, help="launches of each data dir")
    parser.add_argument("--presses", type=int, default=3, help="v presses per launch")
    parser.add_argument(
        "--copy",
        type=Path,
        default=Path(tempfile.gettempdir()) / "review-big",
        help="where the big data dir is copied (removed at the end)",
    )
    args = parser.parse_args(argv)
    from benchmarks.seed import seed

    if args.copy.exists():
        shutil.rmtree(args.copy)
    shutil.copytree(args.big, args.copy)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            small = Path(tmp) / "small"
            seed(small, calls=1000, notes=10_000)
            # Write the copies out first, as python -m benchmarks does after
            # seeding: otherwise the first rounds read beside ~500 MB of
            # writeback, a cost no user's data dir has.
            os.sync()
            first: dict[str, list[float]] = {"small": [], "big": []}
            again: dict[str, list[float]] = {"small": [], "big": []}
            for round_ in range(args.runs):
                for label, home in (("small", small), ("big", args.copy)):
                    times = presses(home, args.presses)
                    first[label].append(times[0])
                    again[label] += times[1:]
                    print(
                        f"round {round_ + 1} {label}: "
                        + ", ".join(f"{t * 1000:.0f}" for t in times)
                        + " ms",
                        flush=True,
                    )
    finally:
        shutil.rmtree(args.copy, ignore_errors=True)
    result: dict[str, float] = {}
    for label in ("small", "big"):
        for kind, values in (("first", first[label]), ("again", again[label])):
            if values:
                result[f"{label}_{kind}"] = median(values)
                result[f"{label}_{kind}_p95"] = p95(values)
    paired = [b / s for b, s in zip(first["big"], first["small"], strict=True)]
    result["big_vs_small_first"] = median(paired)
    result["big_vs_small_first_p95"] = p95(paired)
    result["worst"] = max(first["big"] + again["big"])
    for label, name in (("small", "1,000 calls"), ("big", "100,000 calls")):
        line = (
            f"{name}: first press {result[f'{label}_first'] * 1000:.0f} ms "
            f"(p95 {result[f'{label}_first_p95'] * 1000:.0f})"
        )
        if f"{label}_again" in result:
            line += (
                f", again {result[f'{label}_again'] * 1000:.0f} ms "
                f"(p95 {result[f'{label}_again_p95'] * 1000:.0f})"
            )
        print(line)
    print(
        f"review screen: 100k calls x{result['big_vs_small_first']:.2f} 1,000 calls on the "
        f"first press (p95 x{result['big_vs_small_first_p95']:.2f}); target: figures within "
        f"{TARGET} s at 100,000 calls (2-core machine, other work beside it)"
    )
    return result


if __name__ == "__main__":
    main()
