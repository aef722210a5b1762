"""kill -9 in the middle of a call: every note already entered is in the database.

callmate runs as a real process on a pseudo-terminal, is driven by keystrokes
written to it, and is killed with SIGKILL, with no chance to clean up.
"""

from __future__ import annotations

import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest

from benchmarks.pty_harness import PtyProgram

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def type_keys(program: PtyProgram, keys: str, pause: float = 0.02) -> None:
    """Keys one at a time, at a fast typist's pace."""
    for key in keys:
        program.write(key)
        time.sleep(pause)


def test_sigkill_during_a_call_loses_no_entered_note(tmp_path: Path) -> None:
    home = tmp_path / "home"
    # The benchmarks' pty harness: a real 80x24 terminal, keys written to it.
    terminal = PtyProgram(
        [sys.executable, "-m", "callmate"], env={"CALLMATE_HOME": str(home), "TEXTUAL": ""}
    )
    try:
        terminal.wait_for("No calls yet")
        type_keys(terminal, "n")
        terminal.wait_for("Plan the call")
        type_keys(terminal, "Dana Whitfield\rNorthwind\r\r\rBook a demo\r")
        type_keys(terminal, "\x13")  # Ctrl+S: start the call
        terminal.wait_for("On call")
        type_keys(terminal, '"we lose a day every week\r')
        type_keys(terminal, "ops lead is burned out\r")
        type_keys(terminal, ">send pricing\r")
        terminal.wait_for("send pricing")
        type_keys(terminal, "this line is still being typ")
        terminal.wait_for("still being typ")
    finally:
        terminal.stop()  # SIGKILL to the whole process group: no cleanup at all
    assert terminal.process.returncode == -signal.SIGKILL

    with sqlite3.connect(home / "callmate.db") as db:
        notes = db.execute("SELECT kind, text FROM notes ORDER BY id").fetchall()
        status = db.execute("SELECT status FROM calls").fetchall()
    assert notes == [
        ("quote", "we lose a day every week"),
        ("note", "ops lead is burned out"),
        ("ours", "send pricing"),
    ]
    assert status == [("live",)], "the call is neither dropped nor marked finished"
