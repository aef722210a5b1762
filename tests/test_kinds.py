"""Every note kind in the table renders everywhere a note is shown.

callmate/domain/kinds.py is the one table of note kinds: a kind added there
must be typed with its prefix, shown in the live log in its colour, written
in the recap email (or kept out of it), labelled in search and in the
command line's exports, with nothing else to edit. These tests walk the
table, so a new row is checked without a new test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from textual.color import Color
from textual.widgets import Label

from callmate.app import CallmateApp
from callmate.domain.kinds import NoteKind, RecapSection, kind_of, prefix_hint
from callmate.domain.models import Call, Contact, NextStep, Note, Outcome, Owner
from callmate.domain.recap import compose_recap
from callmate.locations import database_path
from callmate.screens.live_call import PREFIX_HINT, LiveCallScreen
from callmate.screens.search import SearchScreen
from callmate.store.repository import Repository
from tests.conftest import NOW
from tests.helpers import screen_text, settle, type_text


def words(kind: NoteKind) -> str:
    """A note's text that names its kind and no other (``say followupzz``)."""
    return f"say {kind.name.lower().replace('_', '')}zz"


def stored_calls(home: Path) -> list[Call]:
    repo = Repository.open(database_path(home))
    try:
        return repo.all_calls()
    finally:
        repo.close()


def test_the_table_is_whole() -> None:
    """Every kind has a label; prefixes are single, distinct characters; the hint names each."""
    assert all(kind.label for kind in NoteKind)
    prefixes = [kind.prefix for kind in NoteKind if kind.prefix]
    assert all(len(p) == 1 and p != "/" for p in prefixes)  # "/" is the tick command
    assert len(set(prefixes)) == len(prefixes) == len(NoteKind) - 1  # all but the plain note
    assert prefix_hint(suffix="^T cycles") == PREFIX_HINT and len(PREFIX_HINT) <= 80
    for kind in NoteKind:
        assert (kind.prefix + kind.label in PREFIX_HINT) == bool(kind.prefix)
    assert kind_of("from-a-newer-version") is NoteKind.NOTE


async def test_every_kind_is_typed_by_its_prefix_and_shown_in_the_log(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Dana Whitfield\nNorthwind\n\n\nBook a demo\n")
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LiveCallScreen)
        label = screen.query_one("#kind-label", Label)
        variables = app.get_css_variables()
        for kind in NoteKind:
            await type_text(pilot, kind.prefix + words(kind))
            # While typing: the kind line names the kind, in its colour.
            assert str(label.render()).startswith(f"{kind.label} ▸"), kind
            if kind.colour is not None:  # a plain note is uncoloured: never colour alone
                assert label.has_class(kind.css_class), kind
                assert label.styles.color == Color.parse(variables[kind.colour]), kind
            await type_text(pilot, "\n")
        await settle(pilot)
        rows = screen_text(pilot).splitlines()
        for kind in NoteKind:
            (row,) = [row for row in rows if words(kind) in row]
            assert kind.label.upper() in row, (kind, row)
    (call,) = stored_calls(isolated_home)
    assert [(n.kind, n.text) for n in call.notes] == [(k, words(k)) for k in NoteKind]


def test_every_kind_is_in_its_recap_section_or_kept_out() -> None:
    notes = [Note(kind=kind, text=words(kind), in_email=True) for kind in NoteKind]
    call = Call(contact=Contact(name="Dana Whitfield"), goal="Demo", started_at=NOW, notes=notes)
    body = compose_recap(call).body
    for kind in NoteKind:
        if kind.recap is None:
            assert words(kind) not in body, kind  # private: never, even when asked
            continue
        heading = body.index(f"\n{kind.recap.value}\n")
        following = [body.find(f"\n{s.value}\n", heading + 1) for s in RecapSection]
        end = min([at for at in following if at > heading] or [len(body)])
        assert words(kind) in body[heading:end], (kind, body)
    # Untouched, each kind goes into the email as the table says.
    untouched = call.model_copy(update={"notes": [Note(kind=k, text=words(k)) for k in NoteKind]})
    body = compose_recap(untouched).body
    for kind in NoteKind:
        assert (words(kind) in body) == kind.emailed, kind


async def test_every_kind_is_found_and_labelled_by_search(
    app: CallmateApp, isolated_home: Path
) -> None:
    seed_every_kind(isolated_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await type_text(pilot, "say")
        await settle(pilot)
        rows = screen_text(pilot).splitlines()
        for kind in NoteKind:
            (row,) = [row for row in rows if words(kind) in row]
            assert row.strip("▊▎ ").split()[0] == "NOTE", (kind, row)


def seed_every_kind(home: Path) -> Call:
    repo = Repository.open(database_path(home))
    try:
        call = repo.start_call(
            Call(contact=Contact(name="Dana Whitfield"), goal="Book a demo", started_at=NOW)
        )
        assert call.id is not None
        for index, kind in enumerate(NoteKind):
            at = NOW + timedelta(seconds=index)
            repo.save_note(call.id, Note(kind=kind, text=words(kind), created_at=at))
        step = NextStep(what="Send the plan", owner=Owner.US, due=NOW.date())
        return repo.finish_call(call.id, outcome=Outcome.YES, next_step=step, ended_at=NOW)
    finally:
        repo.close()


def cli(*args: str, home: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "callmate", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "CALLMATE_HOME": str(home)},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_every_kind_is_labelled_by_the_command_line(isolated_home: Path) -> None:
    call = seed_every_kind(isolated_home)
    found = cli("search", "say", home=isolated_home).splitlines()
    markdown = cli("export", "--format", "md", home=isolated_home)
    spreadsheet = cli("export", "--format", "csv", home=isolated_home)
    for note in call.notes:
        kind = note.kind
        (line,) = [line for line in found if words(kind) in line]
        assert line.startswith("NOTE "), (kind, line)
        assert f"**{kind.label}:** " in markdown.split(words(kind))[0].rsplit("\n", 1)[-1], kind
        assert (f"[{kind.label} 00:00] {words(kind)}" in spreadsheet) == note.in_recap, kind
