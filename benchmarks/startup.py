"""Cold start against a bare Textual app, on a real pseudo-terminal.

    python -m benchmarks.startup [--runs 7] [--big DIR] [--offer-only]

Every round launches each program once (twice for callmate: see below), in
an order that rotates from round to round, and every ratio is taken within
its round; the figure is the median of those ratios (p95 beside it). So
machine drift between rounds cancels out instead of showing up as a
difference between two phases (a bare app drifting from 259 to 436 ms once
printed a false "home at 100,000 calls: 2.13x empty").

* first frame: spawn until the first screen's text is on the terminal
  (bare app: "Hello"; callmate: its home screen's header);
* first key: a key sent the moment the first frame appears, until its effect
  is drawn ("/" opens callmate's search; the bare app swaps its text);
* data shown: until the home screen shows the day read from the database;
* open call offered: callmate on a data dir holding a call left open, until
  the "A call was left open" offer is drawn (against the bare first frame).

callmate is measured on an empty data dir and, with ``--big``, on a seeded one
(100,000 calls, 1,000,000 notes; see benchmarks/seed.py), with the offer on a
copy of each holding one open call. Peak memory (VmHWM) is read once the
background warm-up (SQLAlchemy, pydantic, the repository) has loaded.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from benchmarks.pty_harness import PtyProgram, median, p95

# The home screen's first line once the day is read: "No calls yet" or the
# date and counts (long lines wrap, so only their start is looked for).
DATA_SHOWN = ("No calls yet", f"{datetime.now():%A %d %B}: ")
OFFER = "left open"
"""What the offer of a call left open says (callmate/screens/dialogs/interrupted.py)."""


@dataclass
class Start:
    first_frame: float
    first_key: float
    data_shown: float
    peak_rss_kib: int


def bare() -> Start:
    program = PtyProgram([sys.executable, "-m", "benchmarks.hello"])
    try:
        frame = program.wait_for("Hello") - program.started
        since = program.mark()
        program.write("/")
        key = program.wait_for("Got the key", since=since) - program.started
        return Start(frame, key, frame, program.peak_rss_kib())
    finally:
        program.stop()


def callmate(home: Path) -> Start:
    """Two launches: one left alone until its data shows, one given a key at once."""
    env = {"CALLMATE_HOME": str(home)}
    program = PtyProgram([sys.executable, "-m", "callmate"], env=env)
    try:
        frame = program.wait_for("callmate — Home") - program.started
        shown = min(wait_any(program, DATA_SHOWN)) - program.started
        rss = rss_after_warm_up(program)
    finally:
        program.stop()
    program = PtyProgram([sys.executable, "-m", "callmate"], env=env)
    try:
        program.wait_for("callmate — Home")
        since = program.mark()
        program.write("/")
        key = program.wait_for("callmate — Search", since=since) - program.started
    finally:
        program.stop()
    return Start(frame, key, shown, rss)


def offer(home: Path) -> float:
    """Seconds from spawn until the offer of the open call is on the terminal."""
    program = PtyProgram([sys.executable, "-m", "callmate"], env={"CALLMATE_HOME": str(home)})
    try:
        return program.wait_for(OFFER) - program.started
    finally:
        program.stop()


def rss_after_warm_up(program: PtyProgram, timeout: float = 20.0) -> int:
    """Peak RSS once the warm-up has loaded what later screens need.

    The warm-up starts a moment after the day is shown and imports
    SQLAlchemy and pydantic on a thread; read before it, the figure was
    37-41 MiB against 68-71 MiB for real. Done when pydantic's compiled core
    is mapped into the process and the peak has then held for half a second.
    """
    maps = Path(f"/proc/{program.process.pid}/maps")
    deadline = time.perf_counter() + timeout
    while "pydantic_core" not in maps.read_text():
        if time.perf_counter() > deadline:
            raise TimeoutError("the warm-up never loaded pydantic")
        time.sleep(0.05)
    peak, held_since = program.peak_rss_kib(), time.perf_counter()
    while time.perf_counter() - held_since < 0.5:
        if time.perf_counter() > deadline:
            raise TimeoutError("peak memory never settled after the warm-up")
        time.sleep(0.05)
        now = program.peak_rss_kib()
        if now != peak:
            peak, held_since = now, time.perf_counter()
    return peak


def wait_any(program: PtyProgram, needles: tuple[str, ...]) -> list[float]:
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        found = []
        for needle in needles:
            with contextlib.suppress(TimeoutError):
                found.append(program.wait_for(needle, timeout=0.05))
        if found:
            return found
    raise TimeoutError(f"none of {needles} appeared")


def with_open_call(source: Path | None, into: Path) -> Path:
    """A data dir like ``source`` (empty when None) plus one call left open."""
    from benchmarks.seed import seed
    from callmate.locations import database_path

    if source is not None:
        into.mkdir(parents=True)
        for suffix in ("", "-wal"):
            db = Path(f"{database_path(source)}{suffix}")
            if db.exists():
                shutil.copyfile(db, Path(f"{database_path(into)}{suffix}"))
    seed(into, live_notes=10)
    return into


def ms(values: list[float]) -> str:
    return f"{median(values) * 1000:.0f} ms (p95 {p95(values) * 1000:.0f})"


def times(values: list[float]) -> str:
    return f"x{median(values):.2f} (p95 x{p95(values):.2f})"


def measure(
    homes: dict[str, Path], offers: dict[str, Path], runs: int, offer_only: bool = False
) -> dict[str, float]:
    """``runs`` rounds; each launches every program once, in a rotating order.

    ``offer_only``: only the bare app and the offers (a quicker loop while
    working on the offer; the home launches are left out).
    """
    if offer_only:
        homes = {}
    rows: dict[str, list[float]] = {}

    def add(key: str, value: float) -> None:
        rows.setdefault(key, []).append(value)

    for round_number in range(runs):
        launches: list[tuple[str, Callable[[], object]]] = [("bare", bare)]
        launches += [(label, lambda home=home: callmate(home)) for label, home in homes.items()]
        launches += [(f"{label}_open", lambda h=h: offer(h)) for label, h in offers.items()]
        turn = round_number % len(launches)
        got: dict[str, object] = {}
        for label, launch in launches[turn:] + launches[:turn]:
            got[label] = launch()
        b = got["bare"]
        assert isinstance(b, Start)
        add("b_frame", b.first_frame)
        add("b_key", b.first_key)
        add("b_rss", b.peak_rss_kib)
        for label in homes:
            c = got[label]
            assert isinstance(c, Start)
            add(f"{label}_frame", c.first_frame)
            add(f"{label}_key", c.first_key)
            add(f"{label}_data", c.data_shown)
            add(f"{label}_rss", c.peak_rss_kib)
            add(f"{label}_frame_ratio", c.first_frame / b.first_frame)
            add(f"{label}_key_ratio", c.first_key / b.first_key)
            add(f"{label}_data_ratio", c.data_shown / b.first_frame)
        for label in offers:
            shown = got[f"{label}_open"]
            assert isinstance(shown, float)
            add(f"{label}_open", shown)
            add(f"{label}_open_ratio", shown / b.first_frame)
        if "big" in homes:
            add("big_vs_empty_data", rows["big_data"][-1] / rows["empty_data"][-1])
    result = {key: median(values) for key, values in rows.items()}
    result.update({f"{key}_p95": p95(values) for key, values in rows.items()})
    print(
        f"bare app: first frame {ms(rows['b_frame'])}, first key {ms(rows['b_key'])}, "
        f"peak RSS {median(rows['b_rss']) / 1024:.0f} MiB"
    )
    for label, home in homes.items():
        print(
            f"callmate, {label} data dir ({home}): first frame {ms(rows[f'{label}_frame'])} "
            f"{times(rows[f'{label}_frame_ratio'])}, first key {ms(rows[f'{label}_key'])} "
            f"{times(rows[f'{label}_key_ratio'])}, data shown {ms(rows[f'{label}_data'])} "
            f"{times(rows[f'{label}_data_ratio'])} | peak RSS after the warm-up "
            f"{median(rows[f'{label}_rss']) / 1024:.0f} MiB "
            f"(p95 {p95(rows[f'{label}_rss']) / 1024:.0f})"
        )
    for label in offers:
        print(
            f"open call offered, {label} data dir: {ms(rows[f'{label}_open'])} "
            f"{times(rows[f'{label}_open_ratio'])} the bare first frame (target 1.5)"
        )
    if offer_only:
        return result
    print(
        f"first frame vs bare: {times(rows['empty_frame_ratio'])} (target 1.15); "
        f"data shown vs bare first frame: {times(rows['empty_data_ratio'])} (target 2.5)"
    )
    if "big" in homes:
        print(
            f"home data shown, 100k vs empty, paired per round: "
            f"{times(rows['big_vs_empty_data'])} (target 1.3); per round: "
            + " ".join(f"{r:.2f}" for r in rows["big_vs_empty_data"])
        )
    return result


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--big", type=Path, help="a data dir seeded with benchmarks.seed")
    parser.add_argument(
        "--offer-only", action="store_true", help="only the open-call offer against the bare app"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        homes = {"empty": Path(tmp) / "empty"}
        offers = {"empty": with_open_call(None, Path(tmp) / "empty-open")}
        if args.big:
            homes["big"] = args.big
            offers["big"] = with_open_call(args.big, Path(tmp) / "big-open")
        return measure(homes, offers, args.runs, offer_only=args.offer_only)


if __name__ == "__main__":
    main()
