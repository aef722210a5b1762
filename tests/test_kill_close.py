"""kill -9 on the close screen: a saved close is whole, an unsaved one leaves the call open.

callmate runs as a real process on a pseudo-terminal (the benchmarks' pty
harness), the close is typed at a fast typist's pace, and the process is
killed with SIGKILL, with no chance to clean up.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from benchmarks.pty_harness import PtyProgram, resume_open_call
from tests.test_kill import start_call

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")

NOTES = [
    ("quote", "we lose a day every week"),
    ("note", "ops lead is burned out"),
    ("ours", "send pricing"),
]
CLOSE = "m\rb\rnew budget in April\rb\rSend the April plan\rt\r+9d"
"""Maybe, budget cycle, their words, backup goal met, the next step, owned by them, in 9 days."""


def type_keys(program: PtyProgram, keys: str, seed: int = 0) -> None:
    """Keys one at a time, 8-60 ms apart: the pace at which closes used to go missing."""
    pace = random.Random(seed)
    for key in keys:
        program.write(key)
        time.sleep(pace.uniform(0.008, 0.06))


def to_the_close(home: Path) -> PtyProgram:
    """callmate with a call under way (three notes saved) and its close on screen."""
    terminal = start_call(home, "Dana Whitfield\rNorthwind\r\r\rBook a demo\rOps lead's name\r")
    try:
        type_keys(terminal, '"we lose a day every week\rops lead is burned out\r>send pricing\r')
        terminal.wait_for("send pricing")
        since = terminal.mark()
        type_keys(terminal, "\x0f")  # Ctrl+O: end the call
        terminal.wait_for("Still needed", since=since)
    except BaseException:
        terminal.stop()
        raise
    return terminal


def stored(home: Path) -> tuple[tuple[object, ...], list[tuple[str, str]]]:
    with sqlite3.connect(home / "callmate.db") as db:
        (call,) = db.execute(
            "SELECT status, outcome, reason, reason_text, goal_result, next_step_what,"
            " next_step_owner, next_step_due FROM calls"
        ).fetchall()
        notes = db.execute("SELECT kind, text FROM notes ORDER BY id").fetchall()
    return call, notes


OPEN = ("live", None, None, "", None, None, None, None)


def saved_close(today: str) -> tuple[object, ...]:
    """The close as typed in :data:`CLOSE`, stored on ``today`` (an ISO date)."""
    due = date.fromisoformat(today) + timedelta(days=9)
    return ("done", "maybe", "budget_cycle", "new budget in April", "backup",
            "Send the April plan", "them", due.isoformat())  # fmt: skip


def test_sigkill_right_after_saving_keeps_the_whole_close(tmp_path: Path) -> None:
    home = tmp_path / "home"
    terminal = to_the_close(home)
    try:
        type_keys(terminal, CLOSE, seed=1)
        terminal.wait_for("Ready to save")
        since = terminal.mark()
        today = time.strftime("%Y-%m-%d")
        type_keys(terminal, "\x13")  # Ctrl+S: save the call
        # What comes next: the first recap asks how emails are signed.
        terminal.wait_for("how should emails be signed", since=since)
    finally:
        terminal.stop()  # SIGKILL to the whole process group: no cleanup at all
    assert terminal.process.returncode == -signal.SIGKILL
    call, notes = stored(home)
    assert call == saved_close(today)
    assert notes == NOTES


def test_sigkill_before_saving_leaves_the_call_open_with_every_note(tmp_path: Path) -> None:
    home = tmp_path / "home"
    terminal = to_the_close(home)
    try:
        type_keys(terminal, CLOSE, seed=2)
        terminal.wait_for("Ready to save")
    finally:
        terminal.stop()
    assert terminal.process.returncode == -signal.SIGKILL
    assert stored(home) == (OPEN, NOTES)

    # It can be resumed: callmate offers it, and the notes are back on screen.
    again = resume_open_call(home)
    try:
        again.wait_for("ops lead is burned out")
    finally:
        again.stop()


@pytest.mark.parametrize("wait", [0.0, 0.02, 0.1])
def test_sigkill_just_as_the_close_is_saved_leaves_all_of_it_or_none(
    tmp_path: Path, wait: float
) -> None:
    """One transaction: never a call marked done without its next step, or half a close."""
    home = tmp_path / "home"
    terminal = to_the_close(home)
    try:
        type_keys(terminal, CLOSE, seed=3)
        terminal.wait_for("Ready to save")
        today = time.strftime("%Y-%m-%d")
        terminal.write("\x13")
        time.sleep(wait)
    finally:
        terminal.stop()
    call, notes = stored(home)
    assert call in (OPEN, saved_close(today))
    assert notes == NOTES
