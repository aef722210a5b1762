"""kill -9 while planning a call: the plan typed a second before comes back.

callmate runs as a real process on a pseudo-terminal (the benchmarks' pty
harness), is driven by keystrokes, and is killed with SIGKILL: no unmount, no
exit handler, nothing but what was already on disk.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

import pytest

from benchmarks.pty_harness import PtyProgram
from tests.test_kill import type_keys

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def callmate_on(home: Path) -> PtyProgram:
    return PtyProgram(
        [sys.executable, "-m", "callmate"], env={"CALLMATE_HOME": str(home), "TEXTUAL": ""}
    )


def test_sigkill_while_planning_keeps_the_plan(tmp_path: Path) -> None:
    home = tmp_path / "home"
    terminal = callmate_on(home)
    try:
        terminal.wait_for("No calls yet")
        type_keys(terminal, "n")
        terminal.wait_for("Plan the call")
        type_keys(terminal, "Dana Whitfield\rNorthwind\r\r\rBook a demo\rOps lead name")
        terminal.wait_for("Ops lead name")
        time.sleep(1.0)
    finally:
        terminal.stop()  # SIGKILL to the whole process group: no cleanup at all
    assert terminal.process.returncode == -signal.SIGKILL

    saved = json.loads((home / "drafts" / "plan.json").read_text())
    assert (saved["contact_name"], saved["company"], saved["goal"], saved["backup_goal"]) == (
        "Dana Whitfield",
        "Northwind",
        "Book a demo",
        "Ops lead name",
    )

    again = callmate_on(home)
    try:
        again.wait_for("No calls yet")
        since = again.mark()
        type_keys(again, "n")
        again.wait_for("Continuing your unfinished plan for Dana Whitfield", since=since)
        again.wait_for("Book a demo", since=since)
        # The cursor is back in the backup goal: typing carries on there.
        type_keys(again, "s")
        again.wait_for("Ops lead names", since=since)
        type_keys(again, "\x13")  # Ctrl+S: the call starts, and the draft is done with
        again.wait_for("On call", since=since)
        deadline = time.monotonic() + 5
        while (home / "drafts" / "plan.json").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not (home / "drafts" / "plan.json").exists()
    finally:
        again.stop()
