"""Promises stay in view: a commitment date in the past is refused at the close,
and a slipping date keeps its history."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot

from callmate.app import CallmateApp
from callmate.domain.exporters import to_json
from callmate.domain.importer import parse_export
from callmate.domain.models import Call, Contact, Note, NoteKind
from callmate.locations import database_path
from callmate.screens.closing import ClosingScreen
from callmate.screens.dialogs.reschedule import RescheduleScreen
from callmate.screens.home import HomeScreen
from callmate.screens.recap import RecapScreen
from callmate.screens.timeline import TimelineScreen
from callmate.store.repository import Repository
from tests.helpers import screen_text, settle, type_text
from tests.test_cli_memory import DAY, calls


def stored(home: Path) -> list[Call]:
    repo = Repository.open(database_path(home))
    try:
        return repo.all_calls()
    finally:
        repo.close()


async def to_closing(pilot: Pilot[Any], notes: str) -> ClosingScreen:
    await settle(pilot)
    await pilot.press("n")
    await type_text(pilot, "Dana Whitfield\nNorthwind\n\n\nBook a demo\nOps lead's name\n")
    await pilot.press("ctrl+s")
    await settle(pilot)
    await type_text(pilot, notes)
    await pilot.press("ctrl+o")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ClosingScreen)
    return screen


async def test_a_commitment_date_in_the_past_is_refused(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 60)) as pilot:
        screen = await to_closing(pilot, ">send the pricing sheet\n")
        await type_text(pilot, "y")
        screen.query_one("#next-what").value = "Demo"  # type: ignore[attr-defined]
        screen.query_one("#next-date").value = "fri"  # type: ignore[attr-defined]
        due = screen.query_one(".due")
        due.value = "2026-11-20"  # type: ignore[attr-defined]
        await settle(pilot)
        text = screen_text(pilot)
        assert "Still needed" in text
        assert "A commitment's date, Fri 20 Nov 2026" in text
        assert "is in the past" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen, "a past commitment date blocks the save"
        assert stored(isolated_home)[0].next_step is None
        # Today is fine.
        due.value = "today"  # type: ignore[attr-defined]
        await settle(pilot)
        assert "is in the past" not in screen_text(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)
    (call,) = stored(isolated_home)
    assert call.notes[0].due == date(2026, 11, 22)


# -- the export carries the history, and import reads it back -----------------
@st.composite
def calls_with_history(draw: st.DrawFn) -> Call:
    call = draw(calls())
    days = st.lists(DAY, max_size=3)
    notes = [
        n.model_copy(update={"moved_from": draw(days)}) if n.is_commitment and n.due else n
        for n in call.notes
    ]
    step = call.next_step
    if step is not None:
        step = step.model_copy(update={"moved_from": draw(days)})
    return call.model_copy(update={"notes": notes, "next_step": step})


def _history(call: Call) -> tuple[list[date], list[list[date]]]:
    step = call.next_step.moved_from if call.next_step else []
    return step, [n.moved_from for n in call.notes]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(calls_with_history(), min_size=1, max_size=3))
def test_moved_dates_round_trip_through_export_and_import(generated: list[Call]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        first = Repository.open(Path(tmp) / "a.db")
        second = Repository.open(Path(tmp) / "b.db")
        try:
            first.import_calls(generated)
            stored_calls = first.all_calls()
            oldest_first = sorted(generated, key=lambda c: c.started_at)  # as all_calls reads
            assert [_history(c) for c in stored_calls] == [_history(c) for c in oldest_first]
            exported = to_json(stored_calls)
            data = json.loads(exported)["calls"]
            for call, item in zip(oldest_first, data, strict=True):
                if call.next_step is not None:
                    assert item["next_step"]["moved_from"] == [
                        d.isoformat() for d in call.next_step.moved_from
                    ]
            second.import_calls(parse_export(exported))
            assert to_json(second.all_calls()) == exported
        finally:
            first.close()
            second.close()


def test_history_without_a_due_date_is_dropped_on_import_not_refused() -> None:
    """A commitment can lose its date after it moved; its export must import back."""
    text = json.dumps(
        [
            {
                "status": "done",
                "contact": {"name": "Dana"},
                "goal": "Demo",
                "started_at": "2026-11-22T15:00:00+00:00",
                "notes": [
                    {
                        "kind": "ours",
                        "text": "send it",
                        "offset_seconds": 5,
                        "due": None,
                        "moved_from": ["2026-12-02"],
                    }
                ],
            }
        ]
    )
    (call,) = parse_export(text)
    (note,) = call.notes
    assert (note.text, note.due, note.moved_from) == ("send it", None, [])


# -- a slipping date is history ---------------------------------------------
async def move_first_line(pilot: Pilot[Any], when: str) -> None:
    await pilot.press("r")
    await settle(pilot)
    assert isinstance(pilot.app.screen, RescheduleScreen)
    await type_text(pilot, when + "\n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, HomeScreen)


async def test_a_next_step_moved_twice_keeps_its_dates(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await to_closing(pilot, "first note\n")
        await type_text(pilot, "y")
        screen.query_one("#next-what").value = "Demo"  # type: ignore[attr-defined]
        screen.query_one("#next-date").value = "2026-12-02"  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)
        await pilot.press("escape")
        await settle(pilot)
        await move_first_line(pilot, "2026-12-09")
        await move_first_line(pilot, "2026-12-16")
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        text = screen_text(pilot)
        assert "Next step: Demo (us, Wed 16 Dec) OPEN · moved twice, first due 2 Dec" in text
    (call,) = stored(isolated_home)
    assert call.next_step is not None
    assert call.next_step.moved_from == [date(2026, 12, 2), date(2026, 12, 9)]
    exported = subprocess.run(
        [sys.executable, "-m", "callmate", "export", "--format", "json"],
        capture_output=True,
        text=True,
        env={**os.environ, "CALLMATE_HOME": str(isolated_home)},
        check=True,
    )
    (data,) = json.loads(exported.stdout)["calls"]
    assert data["next_step"]["date"] == "2026-12-16"
    assert data["next_step"]["moved_from"] == ["2026-12-02", "2026-12-09"]


def test_a_commitment_moved_keeps_its_dates_whichever_code_moves_it(
    isolated_home: Path,
) -> None:
    path = database_path(isolated_home)
    repo = Repository.open(path)
    try:
        call = repo.start_call(
            Call(contact=Contact(name="Dana"), goal="Demo", started_at=datetime.now(UTC))
        )
        assert call.id is not None
        note = repo.save_note(
            call.id,
            Note(kind=NoteKind.OURS, text="send the sheet", created_at=call.started_at),
        )
        assert note.id is not None
        with sqlite3.connect(path) as db:  # the due date set, then moved twice
            for day in ("2026-12-02", "2026-12-04", "2026-12-04", "2026-12-11"):
                db.execute("UPDATE notes SET due = ? WHERE id = ?", (day, note.id))
        (kept,) = repo.get_call(call.id).notes
        assert kept.due == date(2026, 12, 11)
        assert kept.moved_from == [date(2026, 12, 2), date(2026, 12, 4)]
        repo.reschedule_commitment(note.id, date(2026, 12, 18))  # home's `r`
        (exported,) = json.loads(to_json([repo.get_call(call.id)]))["calls"]
        assert exported["notes"][0]["moved_from"] == [
            "2026-12-02",
            "2026-12-04",
            "2026-12-11",
        ]
    finally:
        repo.close()


def test_moving_a_commitment_kept_or_deleted_meanwhile_reopens_nothing(
    isolated_home: Path,
) -> None:
    repo = Repository.open(database_path(isolated_home))
    try:
        call = repo.start_call(
            Call(contact=Contact(name="Dana"), goal="Demo", started_at=datetime.now(UTC))
        )
        assert call.id is not None
        kept, deleted, still_open = (
            repo.save_note(call.id, Note(kind=NoteKind.OURS, text=text, created_at=call.started_at))
            for text in ("kept one", "deleted one", "open one")
        )
        assert kept.id and deleted.id and still_open.id
        repo.set_commitment_done(kept.id, datetime(2026, 11, 22, tzinfo=UTC))
        with sqlite3.connect(database_path(isolated_home)) as db:
            db.execute("UPDATE notes SET deleted_at = '2026-11-22' WHERE id = ?", (deleted.id,))
        assert repo.reschedule_commitment(kept.id, date(2026, 12, 18)) is False
        assert repo.reschedule_commitment(deleted.id, date(2026, 12, 18)) is False
        assert repo.reschedule_commitment(still_open.id, date(2026, 12, 18)) is True
        with sqlite3.connect(database_path(isolated_home)) as db:
            rows = db.execute("SELECT text, due, done_at IS NULL FROM notes ORDER BY id").fetchall()
    finally:
        repo.close()
    assert rows == [
        ("kept one", None, 0),
        ("deleted one", None, 1),
        ("open one", "2026-12-18", 1),
    ]
