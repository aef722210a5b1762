"""The benchmarks' pseudo-terminal harness: one program's output never reaches the next.

The reader thread of a stopped program must have ended before its terminal
is closed; otherwise the descriptor number is handed to the next program's
terminal and the old thread reads (steals) that program's first frame.
"""

from __future__ import annotations

import sys

from benchmarks.pty_harness import PtyProgram, p95

SAY = "import sys, time; print(sys.argv[1], flush=True); time.sleep(30)"


def test_stop_ends_the_reader_before_closing_the_terminal() -> None:
    first = PtyProgram([sys.executable, "-c", SAY, "first-program"])
    first.wait_for("first-program", timeout=60)
    first.stop()
    assert not first._reader.is_alive()


def test_each_program_sees_its_own_output() -> None:
    for n in range(5):
        program = PtyProgram([sys.executable, "-c", SAY, f"program-{n}"])
        try:
            program.wait_for(f"program-{n}", timeout=60)
        finally:
            program.stop()


def test_p95_is_the_nearest_rank() -> None:
    assert p95([5.0]) == 5.0
    assert p95([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]) == 7.0  # fewer than 20: the slowest
    assert p95([float(n) for n in range(1, 101)]) == 95.0
