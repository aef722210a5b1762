"""kill -9 in the middle of a call: every note already entered is in the database.

callmate runs as a real process on a pseudo-terminal, is driven by keystrokes
written to it, and is killed with SIGKILL, with no chance to clean up.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest

from benchmarks.pty_harness import PtyProgram, resume_open_call

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def type_keys(program: PtyProgram, keys: str, pause: float = 0.02) -> None:
    """Keys one at a time, at a fast typist's pace."""
    for key in keys:
        program.write(key)
        time.sleep(pause)


def test_sigkill_during_a_call_loses_no_entered_note(tmp_path: Path) -> None:
    home = tmp_path / "home"
    terminal = start_call(home)
    try:
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


# -- pastes ---------------------------------------------------------------
PASTE_LINES = [f"line {i:04d} of their email: pricing, rollout and security" for i in range(850)]
"""About 50 KB, as a terminal pastes it: lines ending in CR."""
PASTED = "\r".join(PASTE_LINES)
STORED = "\n".join(PASTE_LINES)


def paste(program: PtyProgram, text: str) -> None:
    """A bracketed paste, as a terminal sends one."""
    program.write("\x1b[200~" + text + "\x1b[201~")


def start_call(
    home: Path, plan: str = "Dana Whitfield\rNorthwind\r\r\rBook a demo\r"
) -> PtyProgram:
    """callmate on the benchmarks' pty harness (a real 80x24 terminal), a call
    planned with ``plan`` (typed from the contact field on) and started."""
    terminal = PtyProgram(
        [sys.executable, "-m", "callmate"], env={"CALLMATE_HOME": str(home), "TEXTUAL": ""}
    )
    try:
        terminal.wait_for("No calls yet")
        type_keys(terminal, "n")
        terminal.wait_for("Plan the call")
        type_keys(terminal, plan)
        type_keys(terminal, "\x13")  # Ctrl+S: start the call
        terminal.wait_for("On call")
    except BaseException:
        terminal.stop()
        raise
    return terminal


def stored_notes(home: Path) -> list[tuple[int, str]]:
    """Every note, checked: the file is sound and the search index matches the notes."""
    with sqlite3.connect(home / "callmate.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        notes = db.execute("SELECT id, text FROM notes ORDER BY id").fetchall()
        indexed = [row[0] for row in db.execute("SELECT rowid FROM search_notes ORDER BY rowid")]
    assert indexed == [note_id for note_id, _ in notes], "every note is searchable, and only those"
    return notes


def test_a_paste_shown_as_saved_survives_sigkill(tmp_path: Path) -> None:
    home = tmp_path / "home"
    terminal = start_call(home)
    try:
        type_keys(terminal, "before the paste\r")
        terminal.wait_for("before the paste")
        since = terminal.mark()
        paste(terminal, PASTED)
        terminal.wait_for("Pasted text saved", since=since)
    finally:
        terminal.stop()
    assert terminal.process.returncode == -signal.SIGKILL
    assert [text for _, text in stored_notes(home)] == ["before the paste", STORED]


def test_a_paste_killed_at_any_moment_is_stored_whole_or_not_at_all(tmp_path: Path) -> None:
    home = tmp_path / "home"
    delays = [0.0, 0.03, 0.06, 0.1, 0.15, 0.3]
    random.Random(11).shuffle(delays)
    terminal = start_call(home)
    for round_, delay in enumerate(delays):
        try:
            if round_:
                terminal = resume_open_call(home)  # and every time, the call resumes
            type_keys(terminal, f"typed {round_}\r")
            terminal.wait_for(f"typed {round_}")
            paste(terminal, PASTED)
            time.sleep(delay)
        finally:
            terminal.stop()
        notes = [text for _, text in stored_notes(home)]
        assert notes[-1] in (f"typed {round_}", STORED), f"killed {delay} s after the paste"
        assert all(text == STORED or text.startswith("typed ") for text in notes)
    with sqlite3.connect(home / "callmate.db") as db:
        assert db.execute("SELECT status FROM calls").fetchall() == [("live",)]
