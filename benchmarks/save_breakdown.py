"""Where Enter-to-durable goes: stamps along callmate's note save path.

    python -m benchmarks.save_breakdown [--notes 30]

callmate runs under a pty as in ``benchmarks.note_save`` (a call holding
1,000 notes, resumed), but started through this module with
``--child``, which wraps the save path's steps to take
``time.perf_counter_ns`` stamps: the screen's ``add_note``, the gateway's
``submit``, the job starting on the database thread, ``save_note``, the
SQLite call inside it, and ``_landed`` back on the event loop. The clock
(CLOCK_MONOTONIC) is shared with this process, which stamps Enter written
and the row seen by a second reader. Each step is printed as median and
p95. The wrappers cost a few microseconds; a diagnostic, not a budget.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.note_save import p95, wait_for_row
from benchmarks.pty_harness import PtyProgram, median
from benchmarks.seed import seed
from callmate.locations import database_path


def child(out: Path) -> int:
    """callmate with stamps along the save path, written to ``out`` twice a second."""
    from callmate.screens import live_call
    from callmate.store import gateway, repository

    rows: list[dict[str, int]] = []
    now: dict[str, int] = {}
    ns = time.perf_counter_ns

    def wrap(cls: Any, name: str, make: Any) -> None:
        setattr(cls, name, make(getattr(cls, name)))

    def add_note(original: Any) -> Any:
        def stamped(self: Any, line: str) -> None:
            now.clear()
            now["add_note"] = ns()
            original(self, line)

        return stamped

    def submit(original: Any) -> Any:
        def stamped(self: Any, job: Any, **options: Any) -> Any:
            now.setdefault("submit", ns())

            def timed(repo: Any) -> Any:
                now.setdefault("job", ns())
                return job(repo)

            return original(self, timed, **options)

        return stamped

    def save_note(original: Any) -> Any:
        def stamped(self: Any, call_id: int, note: Any) -> Any:
            now["save_note"] = ns()
            saved = original(self, call_id, note)
            now["save_note returned"] = ns()
            return saved

        return stamped

    class Stamped:
        def __init__(self, connection: Any) -> None:
            self.connection = connection

        def execute(self, *args: Any) -> Any:
            now["SQLite call"] = ns()
            try:
                return self.connection.execute(*args)
            finally:
                now["SQLite call returned"] = ns()

    def writer(original: Any) -> Any:
        return lambda self: Stamped(original(self))

    def landed(original: Any) -> Any:
        def stamped(self: Any, future: Any, saved: Any) -> None:
            now["_landed"] = ns()
            original(self, future, saved)
            rows.append(dict(now))

        return stamped

    wrap(live_call.LiveCallScreen, "add_note", add_note)
    wrap(live_call.LiveCallScreen, "_landed", landed)
    wrap(gateway.StoreGateway, "submit", submit)
    wrap(repository.Repository, "save_note", save_note)
    if hasattr(repository.Repository, "_writer"):  # main's ORM path has no raw writer
        wrap(repository.Repository, "_writer", writer)

    def dump() -> None:
        while True:
            time.sleep(0.5)
            out.write_text(json.dumps(rows))

    threading.Thread(target=dump, daemon=True).start()
    from callmate.cli import main as callmate_main

    sys.argv = ["callmate"]
    return callmate_main()


STEPS = [
    ("Enter", "add_note", "Enter -> add_note (keys, Input.Submitted)"),
    ("add_note", "submit", "add_note -> submit"),
    ("submit", "job", "submit -> job runs on the db thread (GIL hand-off)"),
    ("job", "save_note", "job -> save_note (Note checked)"),
    ("save_note", "SQLite call", "save_note -> SQLite call"),
    ("SQLite call", "seen", "SQLite call -> row seen by a reader"),
    ("SQLite call", "SQLite call returned", "SQLite call -> back (with the GIL)"),
    ("save_note", "save_note returned", "save_note, whole"),
    ("save_note returned", "_landed", "save_note returned -> _landed on the loop"),
    ("Enter", "seen", "Enter -> row seen by a reader"),
]


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=30)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        raise SystemExit(child(args.child))
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        seed(home, live_notes=1000)
        out = Path(tmp) / "stamps.json"
        command = [sys.executable, "-m", "benchmarks.save_breakdown", "--child", str(out)]
        program = PtyProgram(command, env={"CALLMATE_HOME": str(home)})
        try:
            program.wait_for("left open")
            program.write("r")
            program.wait_for("On call")
            time.sleep(0.5)
            sent, seen = [], []
            for i in range(args.notes):
                text = f"stamp{i:03d}zq"
                since = program.mark()
                program.write(text)
                program.wait_for(text, since=since)
                time.sleep(0.05)
                sent.append(time.perf_counter_ns())
                os.write(program.master, b"\r")
                seen.append(int(wait_for_row(database_path(home), text) * 1e9))
                time.sleep(0.1)
            time.sleep(1.0)
            rows = json.loads(out.read_text())[-args.notes :]
        finally:
            program.stop()
    results: dict[str, float] = {}
    for start, end, label in STEPS:
        spans = [
            (row[end] - row[start]) / 1e6
            for row in (
                {**row, "Enter": s, "seen": d} for row, s, d in zip(rows, sent, seen, strict=False)
            )
            if start in row and end in row
        ]
        if spans:
            results[label] = median(spans)
            print(f"{label:52s} {median(spans):7.2f} ms (p95 {p95(spans):6.2f})")
    return results


if __name__ == "__main__":
    main()
