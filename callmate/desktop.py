"""The desktop's own programs: the mail client (through the system's opener) and
the user's text editor.

Both are other programs, so both can be missing, fail or hang; each function
here says what happened in a value rather than raising, and never lets a
program write over the TUI (the opener's output goes nowhere; the editor
runs while the app is suspended and owns the terminal).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

OPEN_TIMEOUT = 5.0
"""Seconds to wait for the opener's verdict.

``open`` and most ``xdg-open`` back ends hand the link over and exit at
once; some ``xdg-open`` fall-backs run the mail client in the foreground and
only exit when it is closed. So an opener still running after this long is
taken as having opened the client, and is left running (killing it would
close the user's new email)."""


@dataclass(frozen=True)
class Opened:
    ok: bool
    problem: str = ""
    """Why not, in a few words ("no xdg-open here", "xdg-open failed (exit 3)")."""


def opener_command(platform: str | None = None) -> list[str] | None:
    """The program that opens a link with the user's chosen application, or None.

    macOS ``open``; elsewhere but Windows, ``xdg-open`` (freedesktop), found on
    PATH. Windows has ``os.startfile`` instead (see :func:`open_link`).
    """
    platform = platform or sys.platform
    name = "open" if platform == "darwin" else "xdg-open"
    found = shutil.which(name)
    return [found] if found else None


def open_link(url: str, *, timeout: float = OPEN_TIMEOUT) -> Opened:
    """Hand ``url`` to the desktop's opener; blocks up to ``timeout`` (run it in a thread)."""
    if sys.platform == "win32":  # pragma: no cover - not run on the Linux CI
        try:
            os.startfile(url)  # type: ignore[attr-defined,unused-ignore]
        except OSError as error:
            return Opened(False, f"Windows could not open it ({error.strerror or error})")
        return Opened(True)
    command = opener_command()
    if command is None:
        name = "open" if sys.platform == "darwin" else "xdg-open"
        return Opened(False, f"no {name} here")
    name = Path(command[0]).name
    try:
        process = subprocess.Popen(
            [*command, url],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # the TUI's Ctrl+C or exit doesn't reach the mail client
            close_fds=True,
        )
    except OSError as error:
        return Opened(False, f"{name} could not be run ({error.strerror or error})")
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        # Still running: it is showing the mail client. Reap it when it ends.
        threading.Thread(target=process.wait, daemon=True).start()
        return Opened(True)
    if code != 0:
        return Opened(False, f"{name} failed (exit {code})")
    return Opened(True)


FALLBACK_EDITORS = ("nano", "vi")
"""Tried in this order when neither $VISUAL nor $EDITOR is set: nano first, as
it shows its own keys and a salesperson is more likely to find their way out."""


def editor_command(env: Mapping[str, str] | None = None) -> list[str] | None:
    """``$VISUAL``, else ``$EDITOR`` (either may carry arguments, ``code --wait``),
    else nano or vi if installed; None if there is nothing to run."""
    env = os.environ if env is None else env
    for variable in ("VISUAL", "EDITOR"):
        value = env.get(variable, "").strip()
        if value:
            posix = sys.platform != "win32"
            try:
                words = shlex.split(value, posix=posix)
            except ValueError:
                words = [value]
            if not posix:  # "C:\Program Files\Notepad++\notepad++.exe" -multiInst
                words = [w[1:-1] if len(w) > 1 and w[0] == w[-1] == '"' else w for w in words]
            if words:
                return words
    for name in FALLBACK_EDITORS:
        found = shutil.which(name)
        if found:
            return [found]
    return None


@dataclass(frozen=True)
class Edited:
    text: str | None
    """The file's text after the editor closed, or None when it can't be trusted."""
    problem: str = ""


def edit_text(text: str, command: Sequence[str]) -> Edited:
    """Let the user edit ``text`` in ``command`` and return what they saved.

    The text goes to a private (0600) temporary file, the editor runs on it
    with the terminal it inherits, and the file is read back and removed.
    An editor that can't start, exits with an error, or leaves no file (or
    no UTF-8) gives ``text=None`` and the reason: the caller keeps the text
    it had.
    """
    import tempfile

    try:
        descriptor, name = tempfile.mkstemp(prefix="callmate-recap-", suffix=".txt")
    except OSError as error:
        return Edited(None, f"no temporary file could be made ({error.strerror or error})")
    path = Path(name)
    try:
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        except OSError as error:
            why = error.strerror or error
            return Edited(None, f"the temporary file could not be written ({why})")
        program = Path(command[0]).name
        try:
            result = subprocess.run([*command, str(path)], check=False)
        except OSError as error:
            return Edited(None, f"{program} could not be run ({error.strerror or error})")
        if result.returncode != 0:
            return Edited(None, f"{program} exited with an error (code {result.returncode})")
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return Edited(None, "the edited file was gone when the editor closed")
        except OSError as error:
            return Edited(None, f"the edited file could not be read ({error.strerror or error})")
        try:
            return Edited(data.decode("utf-8"))
        except UnicodeDecodeError:
            return Edited(None, "the edited file was not UTF-8 text")
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
