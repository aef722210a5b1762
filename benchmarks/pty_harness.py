"""Run a terminal program on a pseudo-terminal and time what a user would see.

Public tools only (the standard library): the program gets a real 80x24 pty,
keys are written to it as a terminal would, and "shown" means the text has
been written to the terminal.
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Sequence
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[\]P_^][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")


_compiled = False


def byte_compile() -> None:
    """Compile callmate and these benchmarks to bytecode once, as installing callmate does.

    Where PYTHONDONTWRITEBYTECODE is set (it is on the 2-core benchmark
    machine) nothing run from a source checkout is ever cached, so every
    measured launch compiled each of callmate's modules from source while the
    bare Textual app read Textual's installed bytecode: 0.1x of the first
    frame's ratio, and nothing a user who installed callmate would meet.
    """
    global _compiled
    if _compiled:
        return
    import compileall
    import importlib.util

    for package in ("callmate", "benchmarks"):
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            compileall.compile_dir(folder, quiet=1)
    _compiled = True


class PtyProgram:
    def __init__(
        self,
        command: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        size: tuple[int, int] = (80, 24),
        cwd: Path | None = None,
    ) -> None:
        byte_compile()
        master, slave = pty.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        full_env = {**os.environ, "TERM": "xterm-256color", **(env or {})}
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            list(command),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full_env,
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self._raw: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                break
            if not chunk:
                break
            with self._arrived:
                self._raw.append((time.perf_counter(), chunk.decode("utf-8", "replace")))
                self._arrived.notify_all()

    def mark(self) -> int:
        """A position in the output; later waits look only at what comes after it."""
        with self._lock:
            return len(self._raw)

    def wait_for(self, needle: str, *, since: int = 0, timeout: float = 30.0) -> float:
        """Seconds (perf_counter) at which ``needle`` had been written after ``since``."""
        deadline = time.perf_counter() + timeout
        with self._arrived:
            while True:
                text = ""
                for stamp, chunk in self._raw[since:]:
                    text += chunk
                    if needle in ANSI.sub("", text):
                        return stamp
                if self.process.poll() is not None:
                    raise RuntimeError(f"program exited while waiting for {needle!r}")
                left = deadline - time.perf_counter()
                if left <= 0:
                    tail = ANSI.sub("", text)[-400:]
                    raise TimeoutError(f"{needle!r} never appeared; last output: {tail!r}")
                self._arrived.wait(min(left, 0.05))

    def write(self, data: str) -> float:
        moment = time.perf_counter()
        os.write(self.master, data.encode())
        return moment

    def peak_rss_kib(self) -> int:
        """Peak resident set size of the program so far (Linux /proc)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(match.group(1)) if match else 0

    def stop(self) -> None:
        """Kill the program, let the reader see the end, only then close the terminal.

        The reader thread must be finished before the master descriptor is
        closed: otherwise the next ``openpty`` can be given the same number
        and this thread goes on reading the next program's output (its first
        frame vanished, and the launch looked as if it never drew).
        """
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        # With every process of the session gone the slave side is closed, so
        # the reader's os.read returns (EIO) and the thread ends.
        self._reader.join(timeout=10)
        if self._reader.is_alive():
            raise RuntimeError("the pty reader thread did not end; the terminal is left open")
        os.close(self.master)


def resume_open_call(home: Path, size: tuple[int, int] = (80, 24)) -> PtyProgram:
    """callmate on ``home``, its one open call resumed and on screen."""
    program = PtyProgram(
        [sys.executable, "-m", "callmate"], env={"CALLMATE_HOME": str(home)}, size=size
    )
    try:
        program.wait_for("left open")  # the open call is offered for resume
        program.write("r")
        program.wait_for("On call")
    except BaseException:
        program.stop()
        raise
    time.sleep(0.5)
    return program


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def p95(values: Sequence[float]) -> float:
    """The 95th percentile, nearest rank: the value 95 % of the samples do not exceed.

    With fewer than 20 samples this is the slowest one, and is meant to be.
    """
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def spread(
    values: Sequence[float], scale: float = 1000.0, unit: str = "ms", digits: int = 0
) -> str:
    """``median X unit, p95 Y unit`` for a report line."""
    return (
        f"median {median(values) * scale:.{digits}f} {unit}, "
        f"p95 {p95(values) * scale:.{digits}f} {unit}"
    )
