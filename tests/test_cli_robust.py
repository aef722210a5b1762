"""The command line never answers with a traceback (issue 11).

Every case runs the real ``python -m callmate`` and checks what the user
sees: one line on stderr saying what is wrong and what to do, its exit code,
and that nothing was lost or left readable by others.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from callmate.cli import main
from tests.test_robust_storage import (  # noqa: F401  (fixtures)
    CORRUPTIONS,
    broken_database,
    fill,
    make_read_only,
    read_only_dir,
    seed,
    seed_old,
    small_disk,
    tiny_disk,
)

ROOT = Path(__file__).resolve().parent.parent
NO_CLIPBOARD = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "PATH": "/nonexistent"}


def cli(
    *args: str, home: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "callmate", *args],
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
        cwd=ROOT,
        env={**os.environ, "CALLMATE_HOME": str(home), **(env or {})},
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """stderr, which must be exactly one line and no traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def private_home(home: Path) -> None:
    """As callmate leaves it, so the only stderr line is the one under test."""
    os.chmod(home, 0o700)
    for path in home.iterdir():
        os.chmod(path, 0o700 if path.is_dir() else 0o600)


COMMANDS: list[tuple[str, ...]] = [
    ("export",),
    ("due",),
    ("search", "demo"),
    ("stats",),
    ("recap", "1"),
    ("ics", "1"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_every_command_explains_a_file_that_is_not_a_database(
    isolated_home: Path, command: tuple[str, ...]
) -> None:
    path, reason = broken_database(isolated_home, "random bytes")
    private_home(isolated_home)
    broken = path.read_bytes()
    result = cli(*command, home=isolated_home)
    assert result.returncode == 2
    assert one_line(result) == (
        f"callmate: {path} is not a callmate database ({reason}). Move it away to start "
        "afresh (callmate then makes a new, empty one)."
    )
    assert result.stdout == ""
    assert path.read_bytes() == broken


@pytest.mark.parametrize("how", CORRUPTIONS)
def test_each_kind_of_broken_file_is_explained(isolated_home: Path, how: str) -> None:
    path, reason = broken_database(isolated_home, how)
    private_home(isolated_home)
    result = cli("due", home=isolated_home)
    assert result.returncode == 2
    assert one_line(result).startswith(f"callmate: {path} is not a callmate database ({reason}). ")


def test_import_into_a_broken_database(isolated_home: Path, tmp_path: Path) -> None:
    private_home(isolated_home)
    source = tmp_path / "other"
    source.mkdir()
    seed(source / "callmate.db")
    exported = cli("export", home=source)
    assert exported.returncode == 0, exported.stderr
    dump = tmp_path / "calls.json"
    dump.write_text(exported.stdout)
    broken_database(isolated_home, "text file")
    private_home(isolated_home)
    result = cli("import", str(dump), home=isolated_home)
    assert result.returncode == 2
    assert "is not a callmate database (file is not a database)" in one_line(result)


def test_the_message_points_to_the_last_backup(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private_home(isolated_home)
    path = isolated_home / "callmate.db"
    seed_old(path, 5, monkeypatch)
    assert cli("due", home=isolated_home).returncode == 0  # upgrades: keeps the v5 copy
    backup = isolated_home / "callmate.db.v5.bak"
    assert mode(backup) == 0o600
    path.write_bytes(os.urandom(4096))
    result = cli("export", home=isolated_home)
    assert result.returncode == 2
    assert one_line(result) == (
        f"callmate: {path} is not a callmate database (file is not a database). Your last "
        f"backup is {backup}; move the broken file away to start afresh."
    )


def test_first_start_on_a_full_disk(tiny_disk: Path) -> None:  # noqa: F811
    home = tiny_disk / "home"
    home.mkdir(mode=0o700)
    filler = fill(tiny_disk)
    result = cli("due", home=home, env={"CALLMATE_CONFIG": str(tiny_disk / "none.toml")})
    assert result.returncode == 2
    assert one_line(result) == (
        f"callmate: the disk holding {home} is full (no space left on device). "
        "Free some space, then start callmate again."
    )
    filler.unlink()  # space freed: the next start just works
    again = cli("due", home=home, env={"CALLMATE_CONFIG": str(tiny_disk / "none.toml")})
    assert again.returncode == 0 and again.stderr == "", again.stderr
    assert again.stdout == "Nothing due in the next 7 days.\n"


def test_a_full_disk_leaves_the_earlier_export_whole(
    tiny_disk: Path,  # noqa: F811
    isolated_home: Path,
) -> None:
    private_home(isolated_home)
    out = tiny_disk / "calls.json"
    seed(isolated_home / "callmate.db", calls=1)
    first = cli("export", "--out", str(out), home=isolated_home)
    assert first.returncode == 0 and one_line(first) == f"Wrote 1 call to {out}"
    earlier = out.read_text()
    assert mode(out) == 0o600
    filler = fill(tiny_disk)
    assert filler.stat().st_size > 0
    again = cli("export", "--out", str(out), home=isolated_home)
    assert again.returncode == 1
    assert one_line(again) == f"callmate: could not write {out}: No space left on device"
    assert out.read_text() == earlier
    assert json.loads(earlier)["calls"][0]["contact"]["name"] == "Dana 0"
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["calls.json", "filler"]


def test_first_start_in_a_read_only_place(read_only_dir: Path) -> None:  # noqa: F811
    result = cli("due", home=read_only_dir, env={"CALLMATE_CONFIG": "/nonexistent.toml"})
    assert result.returncode == 2
    assert one_line(result) == (
        f"callmate: cannot write to {read_only_dir / 'callmate.db'} (read-only file system). "
        "Make it writable for you, or choose another folder with --data-dir or CALLMATE_HOME."
    )


def test_a_read_only_folder_for_a_user_without_root_powers(tmp_path: Path) -> None:
    """chmod 0500 stops nobody who is root; drop root's file powers (setpriv) to test it."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        pytest.skip("needs root and setpriv to run callmate without its file powers")
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    os.chmod(home, 0o500)
    command = [
        setpriv,
        "--bounding-set=-dac_override,-dac_read_search,-fowner",
        "--",
        sys.executable,
        "-m",
        "callmate",
        "export",
    ]
    env = {**os.environ, "CALLMATE_HOME": str(home), "CALLMATE_CONFIG": "/nonexistent.toml"}
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=120, cwd=ROOT, env=env, check=False
    )
    if "Operation not permitted" in result.stderr and "setpriv" in result.stderr:
        pytest.skip("setpriv is not allowed here")
    assert result.returncode == 2
    assert one_line(result) == (
        f"callmate: cannot write to {home / 'callmate.db'} (permission denied). "
        "Make it writable for you, or choose another folder with --data-dir or CALLMATE_HOME."
    )
    assert list(home.iterdir()) == []


def test_an_unusable_data_dir_is_one_safe_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    weird = blocker / "data\x1b]0;pwned\x07"
    result = cli("--data-dir", str(weird), "due", home=tmp_path)
    assert result.returncode == 2
    line = one_line(result)
    assert line == (
        f"callmate: cannot use the data directory {blocker}/data\\x1b]0;pwned\\x07 "
        "(Not a directory). Choose another with --data-dir or CALLMATE_HOME."
    )


# -- six at once -------------------------------------------------------------
def run_together(home: Path, processes: int) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "CALLMATE_HOME": str(home)}
    running = [
        subprocess.Popen(
            [sys.executable, "-m", "callmate", "due"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    results = []
    for process in running:
        out, err = process.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def test_six_callmates_started_at_once_on_an_empty_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for result in run_together(home, 6):
        assert result.returncode == 0, result.stderr
        assert result.stdout == "Nothing due in the next 7 days.\n"
        assert "Traceback" not in result.stderr
    with sqlite3.connect(home / "callmate.db") as db:
        from callmate.store.migrations import LATEST

        assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST
        assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == 0
    assert mode(home) == 0o700 and mode(home / "callmate.db") == 0o600


def test_six_callmates_started_at_once_on_an_old_database(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = isolated_home / "callmate.db"
    seed_old(path, 5, monkeypatch, calls=2)
    for result in run_together(isolated_home, 6):
        assert result.returncode == 0, result.stderr
        assert "Send the pilot plan" in result.stdout
    assert sorted(p.name for p in isolated_home.glob("callmate.db.v*")) == ["callmate.db.v5.bak"]
    with sqlite3.connect(isolated_home / "callmate.db.v5.bak") as db:
        assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == 2


# -- private by default -------------------------------------------------------
def test_new_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    home = tmp_path / "home"
    source = tmp_path / "source"
    source.mkdir()
    seed(source / "callmate.db")
    dump = tmp_path / "calls.json"
    dump.write_text(cli("export", home=source).stdout)
    loose = {"CALLMATE_CONFIG": str(tmp_path / "settings.toml")}
    script = "import os, sys; os.umask(0o022); from callmate.cli import main; sys.exit(main())"
    for args in (["import", str(dump)], ["export", "--out", str(home / "exports" / "x.json")]):
        if args[0] == "export":
            (home / "exports").mkdir(mode=0o700)
        result = subprocess.run(
            [sys.executable, "-c", script, *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            env={**os.environ, "CALLMATE_HOME": str(home), **loose},
        )
        assert result.returncode == 0, result.stderr
    assert mode(home) == 0o700
    assert mode(home / "callmate.db") == 0o600
    assert mode(home / "exports" / "x.json") == 0o600


def test_loose_files_are_made_private_and_it_is_said_once(isolated_home: Path) -> None:
    seed(isolated_home / "callmate.db")
    recaps = isolated_home / "recaps"
    recaps.mkdir(mode=0o755)
    recap = recaps / "call-1-recap.txt"
    recap.write_text("Hi Dana")
    for path, loose in [
        (isolated_home, 0o755),
        (recaps, 0o755),
        (recap, 0o644),
        (isolated_home / "callmate.db", 0o644),
        (isolated_home / "settings.toml", 0o644),
    ]:
        os.chmod(path, loose)
    first = cli("due", home=isolated_home)
    assert first.returncode == 0
    assert one_line(first) == (
        "Made your callmate files private (they were readable by other users)."
    )
    assert mode(isolated_home) == mode(recaps) == 0o700
    assert mode(recap) == mode(isolated_home / "callmate.db") == 0o600
    assert mode(isolated_home / "settings.toml") == 0o600
    again = cli("due", home=isolated_home)
    assert again.returncode == 0 and again.stderr == ""


@pytest.fixture
def shared_place() -> Iterator[Path]:
    """A folder other users can reach (pytest's own tmp folders are root-only)."""
    place = Path(tempfile.mkdtemp(prefix="callmate-shared-"))
    os.chmod(place, 0o755)
    try:
        yield place
    finally:
        shutil.rmtree(place, ignore_errors=True)


def as_nobody_can_read(path: Path) -> bool:
    result = subprocess.run(
        ["runuser", "-u", "nobody", "--", "cat", str(path)],
        capture_output=True,
        timeout=30,
        check=False,
    )
    return result.returncode == 0


def test_another_user_cannot_read_a_saved_recap(shared_place: Path) -> None:
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("needs root and runuser to try reading as another user")
    control = shared_place / "public.txt"
    control.write_text("anyone may read this")
    os.chmod(control, 0o644)
    if not as_nobody_can_read(control):
        pytest.skip("cannot run commands as user nobody here")
    home = shared_place / "home"
    home.mkdir()
    (home / "settings.toml").write_text('user_name = "Sam"\nsignature_asked = true\n')
    seed(home / "callmate.db")
    result = cli("recap", "1", "--copy", home=home, env=NO_CLIPBOARD)
    assert result.returncode == 0, result.stderr
    saved = list((home / "recaps").glob("*.txt"))
    assert len(saved) == 1 and "Send the pilot plan" in saved[0].read_text()
    assert mode(saved[0]) == 0o600 and mode(home / "recaps") == 0o700
    assert not as_nobody_can_read(saved[0])
    os.chmod(home, 0o755)  # even with the data folder opened up, the recap stays private
    os.chmod(home / "recaps", 0o755)
    assert not as_nobody_can_read(saved[0])


# -- nothing echoed raw --------------------------------------------------------
HOSTILE = "calls\x1b]0;pwned\x07\u202e.json"
HOSTILE_SHOWN = "calls\\x1b]0;pwned\\x07\\u202e.json"


def assert_no_control(text: str) -> None:
    for bad in ("\x1b", "\x07", "\u202e"):
        assert bad not in text, repr(text)


def test_import_of_a_missing_file_with_escape_sequences_in_its_name(
    isolated_home: Path, tmp_path: Path
) -> None:
    private_home(isolated_home)
    result = cli("import", str(tmp_path / HOSTILE), home=isolated_home)
    assert result.returncode == 2
    line = one_line(result)
    assert_no_control(line)
    assert line == f"callmate: cannot read {tmp_path}/{HOSTILE_SHOWN}: No such file or directory"


def test_import_of_a_bad_file_with_escape_sequences_in_its_name(
    isolated_home: Path, tmp_path: Path
) -> None:
    private_home(isolated_home)
    bad = tmp_path / HOSTILE
    bad.write_text("{not json")
    result = cli("import", str(bad), home=isolated_home)
    assert result.returncode == 2
    line = one_line(result)
    assert_no_control(line)
    assert line.startswith("callmate: nothing imported.") and "pwned" in line


def test_import_and_export_name_hostile_paths_safely(isolated_home: Path, tmp_path: Path) -> None:
    private_home(isolated_home)
    seed(isolated_home / "callmate.db")
    out = tmp_path / HOSTILE
    written = cli("export", "--out", str(out), home=isolated_home)
    assert written.returncode == 0
    assert one_line(written) == f"Wrote 1 call to {tmp_path}/{HOSTILE_SHOWN}"
    other = tmp_path / "other"
    other.mkdir(mode=0o700)
    (other / "settings.toml").write_text("")
    os.chmod(other / "settings.toml", 0o600)
    imported = cli("import", str(out), home=other)
    assert imported.returncode == 0, imported.stderr
    assert one_line(imported) == f"Imported 1 call from {tmp_path}/{HOSTILE_SHOWN}."
    failed = cli("export", "--out", str(tmp_path / "missing" / HOSTILE), home=isolated_home)
    assert failed.returncode == 1
    assert one_line(failed) == (
        f"callmate: could not write {tmp_path}/missing/{HOSTILE_SHOWN}: No such file or directory"
    )


def test_a_search_term_is_echoed_safely(isolated_home: Path) -> None:
    private_home(isolated_home)
    seed(isolated_home / "callmate.db")
    result = cli("search", "zzz\x1b]0;x\x07", home=isolated_home)
    assert result.returncode == 1
    assert result.stdout == "Nothing found for 'zzz\\x1b]0;x\\x07'.\n"


# -- the last resort ---------------------------------------------------------------
def test_an_unexpected_os_error_is_one_line_not_a_traceback(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import callmate.cli

    private_home(isolated_home)

    def fails(*_args: object) -> int:
        raise PermissionError(13, "Permission denied", "/x/\x1b]0;t\x07")

    monkeypatch.setattr(callmate.cli, "_command", fails)
    assert main(["due"]) == 2
    assert capsys.readouterr().err == (
        "callmate: cannot write to /x/\\x1b]0;t\\x07 (permission denied). Make it writable "
        "for you, or choose another folder with --data-dir or CALLMATE_HOME.\n"
    )

    def missing(*_args: object) -> int:
        raise FileNotFoundError(2, "No such file or directory", "/gone/\x07")

    monkeypatch.setattr(callmate.cli, "_command", missing)
    assert main(["due"]) == 1
    assert capsys.readouterr().err == (
        "callmate: could not use /gone/\\x07: No such file or directory.\n"
    )

    def odd_sqlite(*_args: object) -> int:
        raise sqlite3.OperationalError("cannot commit - no transaction is active")

    monkeypatch.setattr(callmate.cli, "_command", odd_sqlite)
    assert main(["due"]) == 1
    assert capsys.readouterr().err == (
        "callmate: the database reported a problem: cannot commit - no transaction is active.\n"
    )

    def bug(*_args: object) -> int:
        raise ValueError("a bug stays visible")

    monkeypatch.setattr(callmate.cli, "_command", bug)
    with pytest.raises(ValueError):
        main(["due"])


def wait_until_reading(pid: int) -> None:
    """Until the process sits in read(2) (x86-64 syscall 0) on its input pipe.

    The pipe, not just any read: a loaded machine can hold the process in a
    read of a module's source long enough to look like the wait for input
    (CI once sent Ctrl+C mid-import that way)."""
    syscall = Path(f"/proc/{pid}/syscall")
    deadline = time.monotonic() + 60
    steady = 0
    while time.monotonic() < deadline:
        try:
            number, fd, *_ = syscall.read_text().split()
        except (OSError, ValueError):
            time.sleep(3.0)  # no /proc: give the imports ample time
            return
        steady = steady + 1 if number == "0" and _is_pipe(pid, int(fd, 16)) else 0
        if steady >= 5:
            return
        time.sleep(0.05)
    raise AssertionError("callmate never started reading its input")


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _is_pipe(pid: int, fd: int) -> bool:
    try:
        return os.readlink(f"/proc/{pid}/fd/{fd}").startswith("pipe:")
    except OSError:
        return False


def test_ctrl_c_exits_130_quietly(isolated_home: Path) -> None:
    private_home(isolated_home)
    seed(isolated_home / "callmate.db")
    process = subprocess.Popen(  # waits on its stdin: a read Ctrl+C interrupts
        [sys.executable, "-m", "callmate", "import", "/dev/stdin"],
        cwd=ROOT,
        env={**os.environ, "CALLMATE_HOME": str(isolated_home)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl+C as a terminal delivers it: a test run started in the
        # background (`cmd &` in a script) ignores SIGINT, the child inherits
        # that, and Python then installs no KeyboardInterrupt handler at all.
        preexec_fn=_default_sigint,
    )
    wait_until_reading(process.pid)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out, err) == (130, "", "")


def test_calls_on_a_disk_that_became_read_only(small_disk: Path) -> None:  # noqa: F811
    home = small_disk / "home"
    home.mkdir(mode=0o700)
    seed(home / "callmate.db")
    make_read_only(small_disk)
    result = cli("export", home=home, env={"CALLMATE_CONFIG": "/nonexistent.toml"})
    assert result.returncode == 2
    assert one_line(result) == (
        f"callmate: cannot write to {home / 'callmate.db'} (read-only file system). "
        "Make it writable for you, or choose another folder with --data-dir or CALLMATE_HOME."
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("due", "--days", "999999999999"), "argument --days: N must be from 0 to 36,500"),
        (("due", "--days", "soon"), "argument --days: N must be a whole number"),
        (
            ("recap", "99999999999999999999"),
            "argument CALL_ID: there is no such call (see: callmate export)",
        ),
        (("ics", "-1"), "argument CALL_ID: there is no such call (see: callmate export)"),
    ],
)
def test_out_of_range_numbers_are_usage_errors(
    isolated_home: Path, args: tuple[str, ...], says: str
) -> None:
    """They overflowed a date or SQLite's integers, with a traceback."""
    private_home(isolated_home)
    result = cli(*args, home=isolated_home)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == f"callmate {args[0]}: error: {says}"


def test_export_out_follows_a_symlink_and_writes_into_a_pipe(
    isolated_home: Path, tmp_path: Path
) -> None:
    seed(isolated_home / "callmate.db", calls=1)
    real = tmp_path / "kept" / "calls.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "calls.json"
    link.symlink_to(real)
    result = cli("export", "--out", str(link), home=isolated_home)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink(), "the link is still a link"
    assert json.loads(real.read_text())["calls"][0]["id"] == 1

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        [sys.executable, "-m", "callmate", "export", "--out", str(fifo)],
        env={**os.environ, "CALLMATE_HOME": str(isolated_home)},
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    with open(fifo, encoding="utf-8") as reader:
        received = reader.read()
    assert process.wait(timeout=120) == 0, process.stderr.read() if process.stderr else ""
    assert json.loads(received)["calls"][0]["id"] == 1
