"""Issue 21, the recap sent: the mail client (a real opener process on PATH), the
.eml draft (read back by email.parser), the user's editor, and OSC 52 from
``callmate recap ID --copy`` over SSH (bytes read from a real pty)."""

from __future__ import annotations

import base64
import os
import pty
import re
import stat
import subprocess
import sys
import textwrap
import threading
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from textual.pilot import Pilot

from callmate.app import CallmateApp
from callmate.clipboard import osc52, terminal_over_ssh
from callmate.desktop import edit_text, editor_command, open_link
from callmate.domain.mail import MAILTO_MAX
from callmate.domain.models import Call, Contact, NextStep, Note, NoteKind, Outcome, Owner
from callmate.domain.text import clean_line
from callmate.locations import database_path
from callmate.screens.recap import RecapScreen
from callmate.store.repository import Repository
from callmate.widgets.recap_editor import RecapEditor
from tests.conftest import NOW
from tests.helpers import screen_text, settle

WIDE = (200, 40)
HOSTILE_NAME = "Dana\r\nBcc: x@y.z [b]x[/] [@click=app.quit]q[/] \x1b]52;c;QUFB\x07 \x1b[31mred"
HOSTILE_SUBJECT = "Recap\r\nBcc: evil@y.z [/] \x1b]0;owned\x07\x07 done"
CONTROL = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]


def seed(home: Path, name: str = "Dana Whitfield", email: str = "") -> int:
    repo = Repository.open(database_path(home))
    try:
        call = repo.start_call(
            Call(
                contact=Contact(name=name, company="Northwind", email=email),
                goal="Book a demo",
                started_at=NOW,
            )
        )
        assert call.id is not None
        repo.save_note(
            call.id,
            Note(
                kind=NoteKind.OURS, text="send the pricing sheet", offset_seconds=5, created_at=NOW
            ),
        )
        repo.save_note(
            call.id,
            Note(
                kind=NoteKind.QUOTE, text="we lose a day a week", offset_seconds=9, created_at=NOW
            ),
        )
        repo.finish_call(
            call.id,
            outcome=Outcome.YES,
            next_step=NextStep(what="Demo", owner=Owner.US, due=NOW.date()),
            ended_at=NOW,
        )
        return call.id
    finally:
        repo.close()


async def open_recap(app: CallmateApp, pilot: Pilot[Any], call_id: int) -> RecapScreen:
    await settle(pilot)
    screen = RecapScreen(call_id)
    await app.push_screen(screen)
    await settle(pilot)
    assert screen.call is not None
    return screen


def status(pilot: Pilot[Any]) -> str:
    return str(pilot.app.screen.query_one("#copy-status").render())


def one_clean_line(text: str) -> None:
    assert "\n" not in text, "one line"
    assert not any(c in text for c in CONTROL), "no control character reaches the terminal"


def script(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{textwrap.dedent(body)}")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def parse_eml(path: Path) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(message, EmailMessage)
    return message


def body_of(message: EmailMessage) -> str:
    content = message.get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")


def drafts(home: Path) -> list[Path]:
    return sorted((home / "exports").glob("*.eml"))


# -- Ctrl+F: the .eml draft ----------------------------------------------------------
async def test_the_draft_holds_what_the_screen_shows(app: CallmateApp, isolated_home: Path) -> None:
    call_id = seed(isolated_home)
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_recap(app, pilot, call_id)
        editor = screen.query_one(RecapEditor)
        editor.insert("PS: ça marche, 50% & more.\n", (0, 0))
        await pilot.press("ctrl+f")
        await settle(pilot)
        shown_subject = screen.subject_field.value
        shown_body = editor.text
        (path,) = drafts(isolated_home)
        assert path.name == f"recap-dana-whitfield-2026-11-22-call-{call_id}.eml"
        assert status(pilot) == (f"Draft saved to {path}: open it in your mail client to send it.")
        assert str(path) in screen_text(pilot)
    message = parse_eml(path)
    assert message["To"] == "", "no address stored yet: the mail client asks"
    assert message["Subject"] == shown_subject
    assert shown_subject.startswith("Recap of our call")
    assert message["Date"].datetime == NOW
    assert message["X-Unsent"] == "1"
    assert body_of(message) == shown_body
    assert shown_body.startswith("PS: ça marche, 50% & more.\nHi Dana,")
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)


async def test_the_draft_is_addressed_to_the_contact(app: CallmateApp, isolated_home: Path) -> None:
    call_id = seed(isolated_home, email="dana@northwind.example")
    async with app.run_test(size=WIDE) as pilot:
        await open_recap(app, pilot, call_id)
        assert "Dana Whitfield (Northwind) <dana@northwind.example>" in screen_text(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
    (path,) = drafts(isolated_home)
    (address,) = parse_eml(path)["To"].addresses
    assert (address.display_name, address.addr_spec) == (
        "Dana Whitfield",
        "dana@northwind.example",
    )


async def test_hostile_text_makes_no_header_and_reaches_no_terminal(
    app: CallmateApp, isolated_home: Path
) -> None:
    call_id = seed(isolated_home, name=HOSTILE_NAME, email="dana@x.example")
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        screen = await open_recap(app, pilot, call_id)
        assert screen.call is not None
        # As an older or hand-edited database could hold it (typing and import check it).
        screen.call.contact.email = "dana@x.example\r\nBcc: eve@evil.example"
        screen.subject_field.value = HOSTILE_SUBJECT
        await pilot.press("ctrl+f")
        await settle(pilot)
        message_line = status(pilot)
        one_clean_line(message_line)
        assert app.is_running, "no markup error, no action run"
        subject_shown = screen.subject_field.value
        body_shown = screen.query_one(RecapEditor).text
    (path,) = drafts(isolated_home)
    assert "/" not in path.name.removesuffix(".eml") and path.parent == isolated_home / "exports"
    one_clean_line(path.name)
    message = parse_eml(path)
    assert sorted(message.keys()) == sorted(
        [
            *("To", "Subject", "Date", "X-Unsent"),
            *("Content-Type", "Content-Transfer-Encoding", "MIME-Version"),
        ]
    ), "no Bcc, no Cc, nothing the name or subject tried to add"
    assert message["To"] == "", "an address with a line break in it is no address"
    one_clean_line(str(message["Subject"]))
    assert "Bcc: evil@y.z" in message["Subject"], "kept as words of the subject"
    assert message["Subject"] == " ".join(clean_line(subject_shown).split())
    assert body_of(message) == body_shown


async def test_a_draft_that_cant_be_written_says_why_and_loses_nothing(
    app: CallmateApp, isolated_home: Path
) -> None:
    call_id = seed(isolated_home)
    (isolated_home / "exports").write_text("in the way")
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_recap(app, pilot, call_id)
        editor = screen.query_one(RecapEditor)
        editor.insert("PS: see you Friday.\n", (0, 0))
        body = editor.text
        await pilot.press("ctrl+f")
        await settle(pilot)
        line = status(pilot)
        assert line.startswith("The draft was not saved: ")
        assert "exports is a file, where callmate needs a folder" in line
        assert "Nothing is lost" in line
        one_clean_line(line)
        assert editor.text == body
        await pilot.press("escape")
        await settle(pilot)
    assert (isolated_home / "exports").read_text() == "in the way"
    repo = Repository.open(database_path(isolated_home))
    try:
        kept = repo.get_call(call_id).recap_body
        assert kept is not None and kept.rstrip() == body.rstrip(), "the edit is kept"
    finally:
        repo.close()


# -- Ctrl+L: the mail client --------------------------------------------------------
def fake_opener(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, code: int = 0) -> Path:
    """An executable ``xdg-open`` first on PATH that writes the link it is given."""
    received = tmp_path / "opened.txt"
    script(tmp_path / "bin", "xdg-open", f'printf "%s" "$1" > "{received}"\nexit {code}\n')
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    return received


async def test_the_mail_client_gets_to_subject_and_body(
    app: CallmateApp, isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    received = fake_opener(tmp_path, monkeypatch)
    call_id = seed(isolated_home, email="dana+crm@northwind.example")
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_recap(app, pilot, call_id)
        editor = screen.query_one(RecapEditor)
        editor.insert("Prix: 50% & 2+2 #1?\n", (0, 0))
        await pilot.press("ctrl+l")
        await settle(pilot)
        subject, body = screen.subject_field.value, editor.text
        line = status(pilot)
    assert line == (
        "Opened your mail client with the email to dana+crm@northwind.example; "
        "check it and send it there."
    )
    url = received.read_text()
    parts = urlsplit(url)
    fields = parse_qs(parts.query, keep_blank_values=True)
    assert parts.scheme == "mailto" and parts.fragment == ""
    assert unquote(parts.path) == "dana+crm@northwind.example"
    assert fields == {"subject": [subject], "body": [body.replace("\n", "\r\n")]}
    assert drafts(isolated_home) == []


async def test_a_slow_opener_never_holds_up_the_screen(
    app: CallmateApp, isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    received = tmp_path / "opened.txt"
    script(tmp_path / "bin", "xdg-open", f'sleep 1.5\nprintf "%s" "$1" > "{received}"\n')
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    call_id = seed(isolated_home)
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_recap(app, pilot, call_id)
        editor = screen.query_one(RecapEditor)
        editor.move_cursor((0, 0))
        await pilot.press("ctrl+l")
        await pilot.press("P", "S")
        assert editor.text.startswith("PSHi Dana,"), "typing goes on while the opener runs"
        assert not received.exists(), "the opener is still running"
        await settle(pilot)
        assert received.exists()
        assert status(pilot).startswith("Opened your mail client with the email")


async def test_no_opener_says_so_and_offers_the_draft(
    app: CallmateApp, isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    call_id = seed(isolated_home)
    async with app.run_test(size=WIDE) as pilot:
        await open_recap(app, pilot, call_id)
        await pilot.press("ctrl+l")
        await settle(pilot)
        line = status(pilot)
        assert line == (
            "No mail client could be opened (no xdg-open here): "
            "press ^f to save the email as a draft (.eml)."
        )
        assert drafts(isolated_home) == [], "offered, not done behind the user's back"
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert len(drafts(isolated_home)) == 1


async def test_an_opener_that_fails_is_reported(
    app: CallmateApp, isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_opener(tmp_path, monkeypatch, code=3)
    call_id = seed(isolated_home)
    async with app.run_test(size=WIDE) as pilot:
        await open_recap(app, pilot, call_id)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert status(pilot) == (
            "No mail client could be opened (xdg-open failed (exit 3)): "
            "press ^f to save the email as a draft (.eml)."
        )


async def test_a_long_email_goes_to_a_draft_and_says_why(
    app: CallmateApp, isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    received = fake_opener(tmp_path, monkeypatch)
    call_id = seed(isolated_home)
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_recap(app, pilot, call_id)
        editor = screen.query_one(RecapEditor)
        editor.insert("A long paragraph about the rollout plan. " * 50, (0, 0))
        await pilot.press("ctrl+l")
        await settle(pilot)
        line = status(pilot)
        body = editor.text
    assert not received.exists(), "the link was never handed over, cut or whole"
    (path,) = drafts(isolated_home)
    assert line.startswith("Too long for a mail link (")
    assert f"mail clients cut links past {MAILTO_MAX:,}), so it was saved as a draft" in line
    assert line.endswith(f"instead: {path}")
    one_clean_line(line)
    assert body_of(parse_eml(path)) == body


def test_an_opener_that_keeps_running_has_opened_the_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some xdg-open fall-backs run the client in the foreground: not a failure, and not
    killed (that would close the user's new email)."""
    alive = tmp_path / "alive"
    script(tmp_path / "bin", "xdg-open", f'sleep 2\ntouch "{alive}"\n')
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    opened = open_link("mailto:?subject=x", timeout=0.3)
    assert opened.ok
    for _ in range(100):
        if alive.exists():
            break
        threading.Event().wait(0.05)
    assert alive.exists(), "left running to the end"


# -- F4: the user's editor ----------------------------------------------------------
def test_editor_command_prefers_visual_then_editor_with_arguments(tmp_path: Path) -> None:
    env = {"VISUAL": "code --wait", "EDITOR": "nano"}
    assert editor_command(env) == ["code", "--wait"]
    assert editor_command({"EDITOR": "'my editor' -x"}) == ["my editor", "-x"]
    assert editor_command({"VISUAL": "  ", "EDITOR": "vim"}) == ["vim"]


def test_editor_command_on_windows_keeps_backslashes_and_drops_quotes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    value = '"C:\\Program Files\\Notepad++\\notepad++.exe" -multiInst'
    assert editor_command({"EDITOR": value}) == [
        "C:\\Program Files\\Notepad++\\notepad++.exe",
        "-multiInst",
    ]


def test_editor_falls_back_to_nano_or_vi_or_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "bin"
    monkeypatch.setenv("PATH", str(folder))
    folder.mkdir()
    assert editor_command({}) is None
    vi = script(folder, "vi", "exit 0\n")
    assert editor_command({}) == [str(vi)]
    nano = script(folder, "nano", "exit 0\n")
    assert editor_command({}) == [str(nano)]


def test_edit_text_returns_what_the_editor_saved(tmp_path: Path) -> None:
    seen = tmp_path / "seen.txt"
    editor = script(tmp_path, "ed.sh", f'cp "$1" "{seen}"\nprintf "Rewritten\\n" > "$1"\n')
    result = edit_text("Hi Dana,\nça va\n", [str(editor)])
    assert result.text == "Rewritten\n" and result.problem == ""
    assert seen.read_text() == "Hi Dana,\nça va\n", "the editor got the email"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('printf "half" > "$1"\nexit 1\n', "ed.sh exited with an error (code 1)"),
        ('rm "$1"\n', "the edited file was gone when the editor closed"),
        ("printf '\\377\\376' > \"$1\"\n", "the edited file was not UTF-8 text"),
    ],
)
def test_edit_text_that_cant_be_trusted_gives_nothing(
    tmp_path: Path, body: str, problem: str
) -> None:
    result = edit_text("Hi", [str(script(tmp_path, "ed.sh", body))])
    assert result.text is None and result.problem == problem


def test_edit_text_with_a_missing_program(tmp_path: Path) -> None:
    result = edit_text("Hi", [str(tmp_path / "no-such-editor")])
    assert result.text is None
    assert result.problem.startswith("no-such-editor could not be run")


def test_edit_text_with_no_room_for_its_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A TMPDIR that can't be written: one reason, the editor never run, no traceback."""
    import tempfile

    missing = tmp_path / "no-such-dir"
    monkeypatch.setattr(tempfile, "tempdir", str(missing))
    ran = tmp_path / "ran"
    editor = script(tmp_path, "ed.sh", f'touch "{ran}"\n')
    result = edit_text("Hi", [str(editor)])
    assert result.text is None
    assert result.problem.startswith("no temporary file could be made (")
    assert not ran.exists()


async def test_a_headless_terminal_cant_hand_over_and_changes_nothing(
    app: CallmateApp, isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual's test driver can't suspend (App.suspend raises SuspendNotSupported); the
    real handover is tested on a pty below."""
    ran = tmp_path / "ran"
    monkeypatch.setenv("VISUAL", str(script(tmp_path, "ed.sh", f'touch "{ran}"\n')))
    call_id = seed(isolated_home)
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_recap(app, pilot, call_id)
        before = screen.query_one(RecapEditor).text
        await pilot.press("f4")
        await settle(pilot)
        line = status(pilot)
        assert line == (
            "This terminal can't be handed over to an editor (it can't suspend the app); "
            "edit the email here instead."
        )
        assert screen.query_one(RecapEditor).text == before
    assert not ran.exists()


async def test_no_editor_at_all_is_one_line(
    app: CallmateApp, isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    call_id = seed(isolated_home)
    async with app.run_test(size=WIDE) as pilot:
        await open_recap(app, pilot, call_id)
        await pilot.press("f4")
        await settle(pilot)
        assert status(pilot) == (
            "No editor to open: set $VISUAL or $EDITOR (nano and vi aren't installed)."
        )


# -- OSC 52 ------------------------------------------------------------------------
async def test_osc52_is_the_sequence_textual_writes(app: CallmateApp) -> None:
    """The CLI's sequence and the TUI's (Textual's copy_to_clipboard) are the same bytes."""
    text = "Hi Dana,\nça va? 50% & more\n"
    async with app.run_test() as pilot:
        driver = pilot.app._driver
        assert driver is not None
        written: list[str] = []
        monkeypatch = pytest.MonkeyPatch()
        monkeypatch.setattr(driver, "write", written.append)
        try:
            app.copy_to_clipboard(text)
        finally:
            monkeypatch.undo()
    assert written == [osc52(text)]
    assert osc52(text) == "\x1b]52;c;" + base64.b64encode(text.encode()).decode() + "\a"


def test_osc52_only_to_a_terminal_over_ssh(tmp_path: Path) -> None:
    with open(tmp_path / "out.txt", "w") as not_a_terminal:
        assert terminal_over_ssh(not_a_terminal, {"SSH_TTY": "/dev/pts/1"}) is None
    master, slave = pty.openpty()
    try:
        with open(slave, "w", closefd=False) as terminal:
            assert terminal_over_ssh(terminal, {}) is None, "local: the system clipboard's job"
            assert terminal_over_ssh(terminal, {"SSH_CONNECTION": "1 2 3 4"}) is not None
            assert terminal_over_ssh(terminal, {"SSH_TTY": "/dev/pts/1"}) is not None
    finally:
        os.close(slave)
        os.close(master)


def run_on_a_pty(args: list[str], env: dict[str, str]) -> tuple[int, bytes]:
    """Run ``args`` with stdin, stdout and stderr on a fresh pty; all it wrote, raw."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=10)  # before closing: the fd number could be reused
        os.close(master)
    return code, b"".join(chunks)


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SSH_TTY", "SSH_CONNECTION", "SSH_CLIENT", "DISPLAY", "WAYLAND_DISPLAY"}
    }
    return {**env, "CALLMATE_HOME": str(home), "PATH": "/usr/bin:/bin", **extra}


def test_cli_copy_over_ssh_sends_osc52_to_the_terminal(isolated_home: Path) -> None:
    call_id = seed(isolated_home)
    command = [sys.executable, "-m", "callmate", "recap", str(call_id), "--copy"]
    code, output = run_on_a_pty(command, cli_env(isolated_home, SSH_TTY="/dev/pts/9"))
    assert code == 0, output
    found = re.findall(rb"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07", output)
    assert len(found) == 1, output
    copied = base64.b64decode(found[0]).decode("utf-8")
    printed = output.split(b"\x1b]52")[0].decode("utf-8").replace("\r\n", "\n")
    assert printed[printed.index("Subject: ") :].startswith("Subject: Recap of our call")
    assert copied.startswith("Hi Dana,\n") and printed.endswith("\n\n" + copied)
    assert b"Sent it to your terminal's clipboard instead (OSC 52)" in output

    code, local = run_on_a_pty(command, cli_env(isolated_home))
    assert code == 0
    assert b"\x1b]52" not in local, "not over SSH: no OSC 52"

    piped = subprocess.run(
        command,
        capture_output=True,
        env=cli_env(isolated_home, SSH_CONNECTION="10.0.0.1 5 10.0.0.2 22"),
        timeout=60,
        check=True,
    )
    assert b"\x1b]52" not in piped.stdout + piped.stderr, "never into a pipe"


LAUNCH_ON_RECAP = """
import sys
from pathlib import Path

from callmate.app import CallmateApp
from callmate.screens.recap import RecapScreen


class OnRecap(CallmateApp):
    CSS_PATH = str(Path(sys.modules["callmate.app"].__file__).with_name("app.tcss"))

    def on_ready(self) -> None:
        self.push_screen(RecapScreen(int(sys.argv[2])))


OnRecap(data_dir=Path(sys.argv[1])).run()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pty")
def test_f4_hands_the_real_terminal_to_the_editor_and_takes_the_text_back(
    isolated_home: Path, tmp_path: Path
) -> None:
    """The real thing: callmate on a pty (Textual's Linux driver, which can suspend),
    F4, an editor script that rewrites the file, the text back in the recap and saved;
    F4 again, the editor fails, and the email stays as it was."""
    from benchmarks.pty_harness import PtyProgram

    call_id = seed(isolated_home)
    seen, had_terminal = tmp_path / "seen.txt", tmp_path / "tty"
    editor = script(
        tmp_path,
        "ed.sh",
        f"""\
        if [ -e "{seen}" ]; then printf 'half-written' > "$1"; exit 1; fi
        cp "$1" "{seen}"
        [ -t 0 ] && [ -t 1 ] && touch "{had_terminal}"
        printf 'Rewritten in my editor.\\nSee you Friday.\\n' > "$1"
        """,
    )
    launcher = tmp_path / "on_recap.py"  # a file: Textual finds the app's CSS from it
    launcher.write_text(LAUNCH_ON_RECAP)
    program = PtyProgram(
        [sys.executable, str(launcher), str(isolated_home), str(call_id)],
        env={"CALLMATE_HOME": str(isolated_home), "VISUAL": str(editor)},
        size=(120, 30),
    )
    try:
        program.wait_for("Edit it here")
        since = program.mark()
        program.write("\x1bOS")  # F4, as an xterm sends it
        program.wait_for("Took the email back from your editor", since=since)
        program.wait_for("Rewritten in my editor.", since=since)
        since = program.mark()
        program.write("\x1bOS")  # again: this time the editor fails (exit 1)
        program.wait_for(
            "The email is unchanged: ed.sh exited with an error (code 1).", since=since
        )
        rewritten = "Rewritten in my editor.\nSee you Friday."
        for _ in range(100):  # saved like typing: a moment after the last change
            if stored_body(isolated_home, call_id) == rewritten:
                break
            time.sleep(0.05)
        assert stored_body(isolated_home, call_id) == rewritten
        since = program.mark()
        program.write("\x1a")  # Ctrl+Z: the email from before the editor is back
        program.wait_for("Hi Dana,", since=since)
        program.write("\x11")  # Ctrl+Q: the undo, still waiting for its save, is kept
        program.process.wait(timeout=30)
    finally:
        program.stop()
    original = seen.read_text()
    assert original.startswith("Hi Dana,"), "the editor was given the email"
    assert had_terminal.exists(), "the editor had the terminal"
    assert stored_body(isolated_home, call_id) == original.rstrip()


def stored_body(home: Path, call_id: int) -> str | None:
    repo = Repository.open(database_path(home))
    try:
        return repo.get_call(call_id).recap_body
    finally:
        repo.close()
