"""Every action in a live call, at 10 / 100 / 1,000 / 5,000 notes, vs a bare Textual app.

    python -m benchmarks.growth [--notes 10,100,1000,5000] [--rounds 7] [--code DIR] [--bare MODULE]

Each program runs on its own 80x24 pseudo-terminal (benchmarks/pty_harness.py),
so a figure is the time from writing a key (or resizing the terminal) to the
moment the change has been written to the terminal: a frame drawn, not only
the handler run. A pty rather than Pilot because Pilot's headless driver
draws nothing and its ``press`` returns before the frame that would show the
change; only output a terminal actually receives says the user saw it.

Every note carries a marker (``n00042``, its id) so each change is seen by
the text it brings onto the screen:

- resume: from ``r`` on the "left open" offer to the last note drawn;
- delete: Delete on a note near the end, until the next note is redrawn in its place;
- undo: Ctrl+Z, until the deleted note is back;
- edit: Enter on the edited line, until the log shows the new text;
- resize and back: the terminal to 100x30 and back, until the notes are redrawn;
- home / end / page down: the log's keys, until the notes they bring are drawn;
- keystroke: a letter in the note line until it is echoed (benchmarks/keystroke.py).

The floor is benchmarks/bare_growth.py (ten lines in an OptionList under a
"left open" offer), timed the same way in the same run, round by round
alternating with callmate. ``--code DIR`` runs callmate from another checkout
(e.g. main, for before figures); the bare app always runs from here.
``--bare benchmarks.bare_live`` takes as the floor the live call screen's
widget tree in bare Textual instead (what a resize costs Textual there).

``--resize-paired`` times only "resize, then back", but paired round by
round: bare_live, then callmate from each ``--code`` (repeatable: main and
this branch) at each number of notes, all launched once and resized in turn
in every round, each after growth's delete, undo and edit of a note (so the
log has changed since the last resize, as in the full run).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import signal
import sqlite3
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

from benchmarks.keystroke import type_and_time
from benchmarks.pty_harness import ANSI, PtyProgram, median
from benchmarks.seed import seed

HERE = Path(__file__).resolve().parent.parent
ACTIONS = ("resume", "delete", "undo", "edit", "resize", "home", "end", "pagedown", "keystroke")
SIZE = (80, 24)
OTHER_SIZE = (100, 30)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def wait_re(program: PtyProgram, pattern: str, since: int, timeout: float = 30.0) -> float:
    """Seconds (perf_counter) at which output after ``since`` first matched ``pattern``."""
    compiled = re.compile(pattern)
    deadline = time.perf_counter() + timeout
    with program._arrived:
        while True:
            text = ""
            for stamp, chunk in program._raw[since:]:
                text += chunk
                if compiled.search(ANSI.sub("", text)):
                    return stamp
            if program.process.poll() is not None:
                raise RuntimeError(f"program exited while waiting for {pattern!r}")
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{pattern!r} never appeared: {ANSI.sub('', text)[-300:]!r}")
            program._arrived.wait(min(left, 0.05))


def timed(program: PtyProgram, keys: str, pattern: str) -> float:
    settle(program)
    since = program.mark()
    sent = program.write(keys)
    return wait_re(program, pattern, since) - sent


def resize(program: PtyProgram, size: tuple[int, int], pattern: str) -> float:
    columns, rows = size
    settle(program)
    since = program.mark()
    fcntl.ioctl(program.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    sent = time.perf_counter()
    os.killpg(program.process.pid, signal.SIGWINCH)
    return wait_re(program, pattern, since) - sent


def marker(note_id: int) -> str:
    return f"n{note_id:05d}"


def settle(program: PtyProgram, timeout: float = 30.0) -> None:
    """Wait until the program is idle: at most one clock tick of CPU in each of 3 polls.

    callmate loads SQLAlchemy and the models on a thread after the first
    frame; on a busy 2-core machine that can take seconds, and a key pressed
    meanwhile waits for it. And a frame still being drawn for the last key
    would be counted against the next. So every action starts from an idle
    program (its call clock ticking once a second is allowed for), as a user
    who reads the screen before the next key.
    """
    stat = Path(f"/proc/{program.process.pid}/stat")
    deadline = time.perf_counter() + timeout
    last, quiet = -1, 0
    while quiet < 3 and time.perf_counter() < deadline:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        used = int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
        quiet = quiet + 1 if 0 <= used - last <= 1 else 0
        last = used
        time.sleep(0.1)


def launch(command: list[str], env: dict[str, str]) -> PtyProgram:
    # Run from the checkout itself: ``python -m`` puts the working directory first on the path.
    program = PtyProgram(command, env=env, size=SIZE, cwd=Path(env["PYTHONPATH"]))
    try:
        program.wait_for("left open", timeout=180)  # a busy machine, a big call: take time
        settle(program)
    except BaseException:
        program.stop()
        raise
    return program


def session(
    command: list[str], env: dict[str, str], ids: list[int], rounds: int, keys: int
) -> dict[str, list[float]]:
    """One program: resumed ``rounds`` times, then every action ``rounds`` times."""
    out: dict[str, list[float]] = {action: [] for action in ACTIONS}
    last = marker(ids[-1])
    for _ in range(rounds):
        program = launch(command, env)
        try:
            out["resume"].append(timed(program, "r", last))
        finally:
            program.stop()
    target, after = ids[-3], ids[-2]

    def key(data: str) -> None:  # a key whose frame is not timed: wait until it is drawn
        program.write(data)
        settle(program)

    def into_log() -> None:
        key("\x1b[A")  # up: into the log, the last note highlighted
        key("\x1b[A\x1b[A")  # on the third note from the end

    program = launch(command, env)
    try:
        timed(program, "r", last)
        out["keystroke"] = type_and_time(program, keys)
        key("\x15")  # Ctrl+U: the line empty again
        into_log()
        for n in range(rounds):
            try:
                out["delete"].append(timed(program, "\x1b[3~", marker(after)))
                out["undo"].append(timed(program, "\x1a", marker(target)))
                key("\r")  # Enter: the note into the line to edit
                key("\x15")  # the line emptied; a burst with it would be lost
                key(f"{marker(target)} edited {n:03d}")
                out["edit"].append(timed(program, "\r", f"edited {n:03d}"))
                into_log()
                # A resize redraws the whole screen: the first note drawn is the log redrawn.
                there = resize(program, OTHER_SIZE, r"n\d{5}")
                back = resize(program, SIZE, r"n\d{5}")
                out["resize"].append(there + back)
                out["home"].append(timed(program, "\x1b[H", marker(ids[0])))
                out["end"].append(timed(program, "\x1b[F", marker(ids[-1])))
                key("\x1b[H")  # from the top again
                out["pagedown"].append(timed(program, "\x1b[6~", r"n\d{5}"))
                key("\x1b[F")  # to the end (page down may have got there)
                key("\x1b[A\x1b[A")  # back on the third from the end
            except TimeoutError as error:  # a frame missed on a busy machine: start afresh
                print(f"  round {n + 1} dropped ({error!s:.80})", flush=True)
                program.stop()
                program = launch(command, env)
                timed(program, "r", last)
                into_log()
    finally:
        program.stop()
    return out


def resize_paired(codes: list[Path], sizes: list[int], rounds: int) -> dict[str, float]:
    """bare_live and callmate (each checkout, each size) resized in turn, round by round."""
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        programs: dict[str, tuple[PtyProgram, list[int]]] = {}
        try:
            bare = launch([sys.executable, "-m", "benchmarks.bare_live"], {"PYTHONPATH": str(HERE)})
            programs["bare_live"] = (bare, list(range(1, 11)))
            for size in sizes:
                for number, code in enumerate(codes):
                    home = Path(tmp) / f"home{size}-{number}"  # a database each
                    ids = seeded(home, size)
                    env = {"CALLMATE_HOME": str(home), "PYTHONPATH": str(code)}
                    label = f"{code.resolve().name}@{size}"
                    programs[label] = (launch([sys.executable, "-m", "callmate"], env), ids)
            for program, ids in programs.values():
                timed(program, "r", marker(ids[-1]))
                for keys in ("\x1b[A", "\x1b[A\x1b[A"):  # into the log, third note from the end
                    program.write(keys)
                    settle(program)
            times: dict[str, list[float]] = {label: [] for label in programs}
            for n in range(rounds):
                for label, (program, ids) in programs.items():
                    print(f"  round {n + 1}: {label}", flush=True)
                    target = ids[-3]
                    timed(program, "\x1b[3~", marker(ids[-2]))  # delete, undo, edit: as growth
                    timed(program, "\x1a", marker(target))
                    for keys in ("\r", "\x15", f"{marker(target)} edited {n:03d}"):
                        program.write(keys)
                        settle(program)
                    timed(program, "\r", f"edited {n:03d}")
                    for keys in ("\x1b[A", "\x1b[A\x1b[A"):
                        program.write(keys)
                        settle(program)
                    there = resize(program, OTHER_SIZE, r"n\d{5}")
                    times[label].append(there + resize(program, SIZE, r"n\d{5}"))
        finally:
            for program, _ in programs.values():
                program.stop()
    floor = times["bare_live"]
    print("\nresize and back, paired per round: median / p95 ms, and the per-round ratio")
    print("to bare_live (median / p95)")
    for label, values in times.items():
        ratios = [ours / bare for ours, bare in zip(values, floor, strict=True)]
        results[f"resize_paired_{label}"] = median(values)
        results[f"resize_paired_{label}_p95"] = p95(values)
        results[f"resize_paired_{label}_ratio"] = median(ratios)
        print(
            f"| {label} | {median(values) * 1000:.1f} / {p95(values) * 1000:.1f} ms "
            f"| x{median(ratios):.2f} / {p95(ratios):.2f} |"
        )
    return results


def seeded(home: Path, notes: int) -> list[int]:
    """An open call of ``notes`` notes, each text starting with its marker; their ids."""
    seed(home, live_notes=notes)
    db = sqlite3.connect(home / "callmate.db")
    with db:
        (call_id,) = db.execute("SELECT id FROM calls WHERE status = 'live'").fetchone()
        db.execute(
            "UPDATE notes SET text = printf('n%05d ', id) || text WHERE call_id = ?", (call_id,)
        )
        ids = [
            row[0]
            for row in db.execute("SELECT id FROM notes WHERE call_id = ? ORDER BY id", (call_id,))
        ]
    db.close()
    return ids


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", default="10,100,1000,5000")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument(
        "--code",
        type=Path,
        action="append",
        help="callmate checkout to run (repeatable with --resize-paired; default: this one)",
    )
    parser.add_argument(
        "--bare",
        default="benchmarks.bare_growth",
        help="the floor program (benchmarks.bare_live: the live screen's widget tree)",
    )
    parser.add_argument(
        "--resize-paired",
        action="store_true",
        help="only resize and back, bare_live and every --code paired round by round",
    )
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.notes.split(",")]
    if args.resize_paired:
        return resize_paired(args.code or [HERE], sizes, args.rounds)
    bare_ids = list(range(1, 11))
    bare_env = {"PYTHONPATH": str(HERE)}
    bare_command = [sys.executable, "-m", args.bare]
    results: dict[str, float] = {}
    table: dict[int, dict[str, tuple[float, float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            home = Path(tmp) / f"home{size}"
            ids = seeded(home, size)
            env = {"CALLMATE_HOME": str(home), "PYTHONPATH": str((args.code or [HERE])[0])}
            command = [sys.executable, "-m", "callmate"]
            bare = session(bare_command, bare_env, bare_ids, args.rounds, args.keys)
            ours = session(command, env, ids, args.rounds, args.keys)
            row = {}
            for action in ACTIONS:
                ours_median, floor = median(ours[action]), median(bare[action])
                row[action] = (ours_median, p95(ours[action]), ours_median / floor)
                results[f"{action}_{size}"] = ours_median
                results[f"{action}_{size}_p95"] = p95(ours[action])
                results[f"{action}_{size}_bare"] = floor
                results[f"{action}_{size}_ratio"] = ours_median / floor
            table[size] = row
            print(
                f"{size:>5} notes: "
                + " · ".join(
                    f"{a} {m * 1000:.1f}/{q * 1000:.1f} ms x{r:.2f}" for a, (m, q, r) in row.items()
                ),
                flush=True,
            )
    print("\nmedian / p95 ms (xN = median vs the bare app's in the same run)")
    print("| action | " + " | ".join(f"{s:,} notes" for s in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for action in ACTIONS:
        cells = [
            f"{table[s][action][0] * 1000:.1f} / {table[s][action][1] * 1000:.1f} "
            f"(x{table[s][action][2]:.2f})"
            for s in sizes
        ]
        print(f"| {action} | " + " | ".join(cells) + " |")
    if sizes:
        small, big = min(sizes), max(sizes)
        results["flatness"] = max(
            results[f"{a}_{big}"] / results[f"{a}_{small}"]
            for a in ACTIONS
            if a not in ("resume", "keystroke")
        )
        flat = results["flatness"]
        print(f"\nflatness: slowest action at {big:,} notes vs at {small:,}: x{flat:.2f}")
    return results


if __name__ == "__main__":
    main()
