"""Copying the recap: system clipboard first, then the terminal, then a file.

Three situations, measured on these machines (TECH-NOTES.md):

* a working clipboard tool (xclip, xsel, wl-copy, pbcopy): pyperclip copies;
* none at all: pyperclip raises ``PyperclipException``;
* ``DISPLAY`` set but no X server: pyperclip returns "successfully" while
  xclip prints an error on the inherited stderr, which is the TUI's screen.

So the copy runs in a child process with stderr discarded, and is verified by
reading the clipboard back. When that fails the text still goes out through
the terminal (OSC 52, which the terminal never confirms) and is written to a
file, and the report says exactly which of these happened.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Protocol, TextIO


class SystemCopy(Enum):
    COPIED = "copied"
    UNAVAILABLE = "unavailable"
    UNVERIFIED = "unverified"


class SystemClipboard(Protocol):
    def copy(self, text: str) -> SystemCopy: ...


# The child copies, then reads back (retrying: an immediate paste can still
# see the old value). Exit 0 = verified, 3 = no mechanism, 4 = not verified.
_CHILD = """
import sys, time
try:
    import pyperclip
except Exception:
    sys.exit(3)
text = sys.stdin.read()
try:
    pyperclip.copy(text)
except pyperclip.PyperclipException:
    sys.exit(3)
for _ in range(10):
    try:
        if pyperclip.paste() == text:
            sys.exit(0)
    except pyperclip.PyperclipException:
        sys.exit(4)
    time.sleep(0.02)
sys.exit(4)
"""


class PyperclipClipboard:
    """pyperclip in a child process: its tools can't scribble over the TUI."""

    def __init__(self, timeout: float = 5.0) -> None:
        self.timeout = timeout

    def copy(self, text: str) -> SystemCopy:
        try:
            result = subprocess.run(
                [sys.executable, "-c", _CHILD],
                input=text.encode("utf-8"),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=self.timeout,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return SystemCopy.UNAVAILABLE
        if result.returncode == 0:
            return SystemCopy.COPIED
        if result.returncode == 4:
            return SystemCopy.UNVERIFIED
        return SystemCopy.UNAVAILABLE


@dataclass(frozen=True)
class CopyReport:
    system: SystemCopy
    terminal: bool
    file: Path | None
    file_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.system is SystemCopy.COPIED

    @property
    def message(self) -> str:
        if self.system is SystemCopy.COPIED:
            return "Copied to the clipboard."
        if self.system is SystemCopy.UNVERIFIED:
            first = "The system clipboard did not take the text"
        else:
            first = "No system clipboard here (no display or no xclip/xsel/wl-copy)"
        parts = [first + "."]
        if self.terminal:
            parts.append(
                "Sent it to your terminal's clipboard instead (OSC 52): "
                "that works only if your terminal allows it."
            )
        if self.file is not None:
            from callmate.domain.text import shown

            parts.append(f"Saved a copy to {shown(self.file)}")
        elif self.file_error:
            parts.append(f"Could not save a copy to a file either: {self.file_error}")
        return " ".join(parts)


def copy_text(
    text: str,
    *,
    system: SystemClipboard,
    terminal: Callable[[str], None] | None,
    fallback_file: Callable[[], Path],
) -> CopyReport:
    """Copy ``text`` as well as this machine allows; never raises."""
    try:
        status = system.copy(text)
    except Exception:
        status = SystemCopy.UNAVAILABLE
    sent = False
    if terminal is not None:
        try:
            terminal(text)
            sent = True
        except Exception:
            sent = False
    if status is SystemCopy.COPIED:
        return CopyReport(system=status, terminal=sent, file=None)
    from callmate.files import private_dir, write_atomic

    try:
        path = fallback_file()
        private_dir(path.parent)
        write_atomic(path, text)  # private (0600), and whole or not at all
    except OSError as error:
        from callmate.domain.text import shown

        reason = error.strerror or type(error).__name__
        where = f" ({shown(error.filename)})" if error.filename else ""
        return CopyReport(system=status, terminal=sent, file=None, file_error=reason + where)
    return CopyReport(system=status, terminal=sent, file=path)


def osc52(text: str) -> str:
    """The OSC 52 sequence that puts ``text`` on the terminal's clipboard.

    Byte for byte what Textual's ``App.copy_to_clipboard`` writes for the TUI
    (``ESC ] 52 ; c ; base64 BEL``; tests/test_send_recap.py holds the two
    together): the TUI goes through Textual, which owns its terminal, and the
    CLI, which has no Textual app, writes this.
    """
    import base64

    return f"\x1b]52;c;{base64.b64encode(text.encode('utf-8')).decode('ascii')}\a"


def terminal_over_ssh(stream: TextIO, env: Mapping[str, str]) -> Callable[[str], None] | None:
    """A :func:`copy_text` ``terminal`` for the CLI: OSC 52 on ``stream``, or None.

    Only when ``stream`` is a terminal (never into a pipe or a file, where
    the sequence would be garbage in the output) and the session is over SSH
    (``SSH_TTY`` or ``SSH_CONNECTION``): there the system clipboard, if any,
    is the server's, and the terminal's is the one on the user's desk.
    """
    if not (env.get("SSH_TTY") or env.get("SSH_CONNECTION")):
        return None
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):  # closed, or not a real stream
        return None

    def send(text: str) -> None:
        stream.write(osc52(text))
        stream.flush()

    return send


def timestamped_name(stem: str) -> str:
    return f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}.txt"
