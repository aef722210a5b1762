"""kill -9 in the middle of a call: every note already entered is in the database.

callmate runs as a real process on a pseudo-terminal, is driven by keystrokes
written to it, and is killed with SIGKILL, with no chance to clean up.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[\]P_^][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


class Terminal:
    """callmate on a pty: write keys, wait for text to be drawn."""

    def __init__(self, home: Path) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "CALLMATE_HOME": str(home)}
        env.pop("TEXTUAL", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "callmate"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.output = ""
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self.output += chunk.decode("utf-8", "replace")

    def text(self) -> str:
        with self._lock:
            return ANSI.sub("", self.output)

    def wait_for(self, needle: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} never appeared; screen ends with:\n{self.text()[-800:]}")

    def type(self, keys: str, pause: float = 0.02) -> None:
        for key in keys:
            os.write(self.master, key.encode())
            time.sleep(pause)

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        os.close(self.master)


def test_sigkill_during_a_call_loses_no_entered_note(tmp_path: Path) -> None:
    home = tmp_path / "home"
    terminal = Terminal(home)
    try:
        terminal.wait_for("No calls yet")
        terminal.type("n")
        terminal.wait_for("Plan the call")
        terminal.type("Dana Whitfield\rNorthwind\r\r\rBook a demo\r")
        terminal.type("\x13")  # Ctrl+S: start the call
        terminal.wait_for("On call")
        terminal.type('"we lose a day every week\r')
        terminal.type("ops lead is burned out\r")
        terminal.type(">send pricing\r")
        terminal.wait_for("send pricing")
        terminal.type("this line is still being typ")
        terminal.wait_for("still being typ")
    finally:
        terminal.kill()
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
