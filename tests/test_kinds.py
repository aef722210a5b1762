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
from callmate.domain import agenda
from callmate.domain.attempts import MISSING_KIND
from callmate.domain.kinds import (
    ATTEMPT_KINDS,
    CallType,
    Connection,
    ContactRole,
    NoteKind,
    RecapSection,
    ResearchArea,
    kind_of,
    prefix_hint,
)
from callmate.domain.models import Call, Contact, NextStep, Note, Outcome, Owner, ResearchLine
from callmate.domain.recap import compose_recap
from callmate.domain.research import parse_research_line
from callmate.locations import database_path
from callmate.screens.home import HomeScreen
from callmate.screens.live_call import PREFIX_HINT, LiveCallScreen
from callmate.screens.precall import PreCallScreen
from callmate.screens.search import SearchScreen
from callmate.store import due_lines
from callmate.store.repository import Repository
from callmate.widgets.choice_bar import ChoiceBar
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


def test_a_kind_this_version_does_not_know_is_read_back_as_a_note(isolated_home: Path) -> None:
    """The resume's raw read (store/resume.py) and the ORM's read the same table."""
    import sqlite3

    from callmate.store.resume import call_to_resume

    repo = Repository.open(database_path(isolated_home))
    try:
        call = repo.start_call(Call(contact=Contact(name="Dana"), goal="Demo", started_at=NOW))
        assert call.id is not None
        repo.save_note(call.id, Note(kind=NoteKind.PAIN, text="slow exports", created_at=NOW))
        db = sqlite3.connect(database_path(isolated_home))
        with db:  # as a newer callmate might have left it
            db.execute(
                "UPDATE notes SET kind = 'from-a-newer-version' WHERE call_id = ?", (call.id,)
            )
        db.close()
        resumed = call_to_resume(repo, call.id)
        assert [(n.kind, n.text) for n in resumed.notes] == [(NoteKind.NOTE, "slow exports")]
        assert resumed == repo.get_call(call.id)
    finally:
        repo.close()


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


# -- call types, contact roles, research areas, connection kinds ---------------
def test_the_other_tables_are_whole() -> None:
    """Every row has its words and a key of its own; the copies read the table."""
    for table in (CallType, ContactRole, ResearchArea):
        assert all(row.label and len(row.key) == 1 for row in table), table
        assert len({row.key for row in table}) == len(table), table
    assert all(kind.short for kind in CallType) and all(area.heading for area in ResearchArea)
    assert (
        CallType.INTERVIEW.label == "Customer interview" and CallType.INTERVIEW.short == "Interview"
    )
    not_connected = tuple(c for c in Connection if c is not Connection.CONNECTED)
    assert not_connected == ATTEMPT_KINDS
    assert all(len(kind.key) == 1 for kind in ATTEMPT_KINDS)
    assert len({kind.key for kind in ATTEMPT_KINDS}) == len(ATTEMPT_KINDS)
    table_words = {c.value: c.label for c in Connection}
    assert table_words == agenda.CONNECTION_WORDS
    # callmate due's plain path keeps its own copy (no import): held equal to the table.
    assert table_words == {**due_lines._CONNECTION_WORDS, "connected": "connected"}
    for kind in ATTEMPT_KINDS:
        assert f"{kind.key} {kind.label}" in MISSING_KIND, kind


def test_every_research_area_is_filed_by_its_typed_words() -> None:
    """``web: pricing page`` files the line under website, whatever area is picked."""
    typed = [prefix for area in ResearchArea for prefix in area.prefixes]
    assert len(set(typed)) == len(typed) and all(area.prefixes for area in ResearchArea)
    for area in ResearchArea:
        other = next(a for a in ResearchArea if a is not area)
        for prefix in area.prefixes:
            line = parse_research_line(f"{prefix.upper()}: pricing page", other)
            assert line is not None and (line.area, line.text) == (area, "pricing page"), prefix


async def test_every_call_type_role_and_area_is_offered_on_the_plan_screen(
    app: CallmateApp, isolated_home: Path
) -> None:
    """Each row's words are on the plan screen and its key picks it; the one picked is stored."""
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PreCallScreen)
        text = screen_text(pilot)
        for field, table, words_of in (
            ("#role", ContactRole, lambda row: row.label),
            ("#call-type", CallType, lambda row: row.short),
            ("#research-area", ResearchArea, lambda row: row.heading),
        ):
            bar = screen.query_one(field, ChoiceBar)
            for row in table:
                assert words_of(row) in text, (field, row)
                screen.set_focus(bar)
                await pilot.press(row.key)
                await settle(pilot)
                assert bar.value == row.value, (field, row)
        screen.set_focus(screen.query_one("#contact-name"))
        await type_text(pilot, "Dana Whitfield")
        screen.set_focus(screen.query_one("#goal"))
        await type_text(pilot, "Book a demo")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
    (call,) = stored_calls(isolated_home)
    assert call.call_type is list(CallType)[-1] and call.contact.role is list(ContactRole)[-1]


def test_every_call_type_role_and_area_is_stored(isolated_home: Path) -> None:
    repo = Repository.open(database_path(isolated_home))
    try:
        for kind, role in zip(CallType, [*ContactRole, *ContactRole], strict=False):
            research = [
                ResearchLine(area=area, text=f"about {area.label}") for area in ResearchArea
            ]
            contact = Contact(name=f"Dana {kind.name}", role=role)
            repo.start_call(
                Call(
                    contact=contact, goal="Demo", call_type=kind, started_at=NOW, research=research
                )
            )
    finally:
        repo.close()
    calls = stored_calls(isolated_home)
    assert [call.call_type for call in calls] == list(CallType)
    assert [call.contact.role for call in calls] == [*ContactRole, *ContactRole][: len(CallType)]
    for call in calls:
        assert [line.area for line in call.research] == list(ResearchArea)


async def test_every_connection_kind_shows_its_words(app: CallmateApp, isolated_home: Path) -> None:
    """An attempt of each kind is said in the table's words on home and by ``callmate due``."""
    repo = Repository.open(database_path(isolated_home))
    try:
        for kind in ATTEMPT_KINDS:
            call = repo.start_call(
                Call(contact=Contact(name=f"Dana {kind.name}"), goal="Demo", started_at=NOW)
            )
            assert call.id is not None
            step = NextStep(what="Try again", owner=Owner.US, due=NOW.date() + timedelta(days=1))
            repo.log_attempt(call.id, kind, step, NOW)
    finally:
        repo.close()
    expected = [f"({kind.label}, 1st try)" for kind in ATTEMPT_KINDS]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(0.1)
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(pilot)
        for line in expected:
            assert line in text, (line, text)
    due = cli("due", home=isolated_home)
    for line in expected:
        assert line in due, (line, due)
