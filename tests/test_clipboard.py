"""Copying the recap in each of the clipboard's three situations, never silently."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from callmate.app import CallmateApp
from callmate.clipboard import PyperclipClipboard, SystemCopy, copy_text
from callmate.domain.models import Call, Contact, NextStep, Outcome, Owner
from callmate.locations import database_path
from callmate.screens.recap import RecapScreen
from callmate.store.repository import Repository
from tests.conftest import NOW
from tests.helpers import FakeClipboard, screen_text, settle


def test_copied_to_the_system_clipboard(tmp_path: Path) -> None:
    fake, sent = FakeClipboard(SystemCopy.COPIED), []
    report = copy_text(
        "hello", system=fake, terminal=sent.append, fallback_file=lambda: tmp_path / "r.txt"
    )
    assert report.ok and report.file is None
    assert fake.copied == ["hello"] and sent == ["hello"]
    assert report.message == "Copied to the clipboard."
    assert not (tmp_path / "r.txt").exists()


@pytest.mark.parametrize("situation", [SystemCopy.UNAVAILABLE, SystemCopy.UNVERIFIED])
def test_no_clipboard_falls_back_to_terminal_and_file(
    tmp_path: Path, situation: SystemCopy
) -> None:
    sent: list[str] = []
    report = copy_text(
        "hello",
        system=FakeClipboard(situation),
        terminal=sent.append,
        fallback_file=lambda: tmp_path / "recaps" / "r.txt",
    )
    assert not report.ok
    assert sent == ["hello"]
    assert (tmp_path / "recaps" / "r.txt").read_text() == "hello"
    assert "OSC 52" in report.message
    assert str(tmp_path / "recaps" / "r.txt") in report.message
    expected = "did not take" if situation is SystemCopy.UNVERIFIED else "No system clipboard"
    assert expected in report.message


def test_even_a_failing_file_write_is_reported_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")

    def broken_terminal(_: str) -> None:
        raise RuntimeError("no terminal")

    class Exploding:
        def copy(self, text: str) -> SystemCopy:
            raise OSError("boom")

    report = copy_text(
        "hello",
        system=Exploding(),
        terminal=broken_terminal,
        fallback_file=lambda: blocker / "cannot" / "r.txt",
    )
    assert not report.ok and report.file is None and not report.terminal
    assert "Could not save a copy" in report.message


def test_real_pyperclip_without_a_display_reports_unavailable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On this headless machine pyperclip has no mechanism; the copy must say so, fast."""
    if any(shutil.which(tool) for tool in ("xclip", "xsel", "wl-copy", "pbcopy")):
        pytest.skip("a clipboard tool is installed here")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert PyperclipClipboard().copy("hello") is SystemCopy.UNAVAILABLE


def test_a_display_without_a_server_is_not_reported_as_copied(tmp_path: Path) -> None:
    """DISPLAY set, xclip present, no X server: xclip complains on stderr and copies
    nothing. The copy must say it did not take, and nothing may reach our stderr
    (which is the TUI's screen)."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    xclip = fake_bin / "xclip"
    xclip.write_text('#!/bin/sh\necho "Error: Can\'t open display: :99" >&2\nexit 1\n')
    xclip.chmod(0o755)
    code = (
        "from callmate.clipboard import PyperclipClipboard;"
        "print(PyperclipClipboard().copy('hello').value)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"DISPLAY": ":99", "PATH": f"{fake_bin}:/usr/bin:/bin"},
        timeout=30,
        check=True,
    )
    assert result.stderr == ""
    assert result.stdout.strip() == "unverified"


def seed_finished_call(home: Path) -> int:
    repo = Repository.open(database_path(home))
    try:
        call = repo.start_call(
            Call(contact=Contact(name="Dana"), goal="Book a demo", started_at=NOW)
        )
        assert call.id is not None
        repo.finish_call(
            call.id,
            outcome=Outcome.YES,
            next_step=NextStep(what="Demo", owner=Owner.US, due=NOW.date()),
            ended_at=NOW,
        )
        return call.id
    finally:
        repo.close()


@pytest.mark.parametrize(
    ("situation", "expected"),
    [
        (SystemCopy.COPIED, "Copied to the clipboard."),
        (SystemCopy.UNAVAILABLE, "No system clipboard here"),
        (SystemCopy.UNVERIFIED, "The system clipboard did not take the text"),
    ],
)
async def test_recap_screen_says_what_happened(
    app: CallmateApp,
    clipboard: FakeClipboard,
    isolated_home: Path,
    situation: SystemCopy,
    expected: str,
) -> None:
    clipboard.result = situation
    call_id = seed_finished_call(isolated_home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await app.push_screen(RecapScreen(call_id))
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        text = screen_text(pilot)
        assert expected in text
        body = app.screen.query_one("#recap-body").text  # type: ignore[attr-defined]
        assert app.clipboard == body, "OSC 52 is always sent"
        files = list((isolated_home / "recaps").glob("*.txt"))
        if situation is SystemCopy.COPIED:
            assert clipboard.copied == [body] and files == []
        else:
            assert len(files) == 1 and files[0].read_text() == body
            assert "OSC 52" in text
