"""A time of day on a next step and a dated commitment, end to end (issue 14).

The frozen clock of every UI test reads Sunday 22 November 2026, 15:00 (TZ=UTC).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from callmate.app import CallmateApp
from callmate.domain.models import Call
from callmate.locations import database_path
from callmate.screens.closing import ClosingScreen
from callmate.screens.recap import RecapScreen
from callmate.store.repository import Repository
from tests.helpers import screen_text, settle, type_text


async def start_call_with_notes(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("n")
    await type_text(pilot, "Dana Whitfield\nNorthwind\n\n\nBook a demo\n")
    await pilot.press("ctrl+s")
    await settle(pilot)
    await type_text(pilot, "first note\n>send the pricing sheet\n")
    await pilot.press("ctrl+o")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ClosingScreen)


def stored(home: Path) -> Call:
    repo = Repository.open(database_path(home))
    try:
        (call,) = repo.all_calls()
        return call
    finally:
        repo.close()


async def test_close_keeps_the_time_typed_with_the_day(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await start_call_with_notes(pilot)
        await type_text(pilot, "y\n\nDemo\n\nfri 3pm")
        await settle(pilot)
        assert "→ Fri 27 Nov 2026 at 15:00 · in 5 days" in screen_text(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)
    step = stored(isolated_home).next_step
    assert step is not None
    assert (step.due, step.due_time) == (date(2026, 11, 27), time(15, 0))


async def test_close_refuses_a_time_already_gone_today(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await start_call_with_notes(pilot)
        await type_text(pilot, "y\n\nDemo\n\n2pm\n")
        await settle(pilot)
        assert isinstance(app.screen, ClosingScreen), "a time gone by must not be saved"
        text = screen_text(pilot)
        assert "14:00 today has passed (it's 15:00)" in text
        field = app.screen.query_one("#next-date")
        field.value = ""  # type: ignore[attr-defined]
        await type_text(pilot, "today 4pm")
        assert "→ Sun 22 Nov 2026 at 16:00 · today" in screen_text(pilot)
        field.value = ""  # type: ignore[attr-defined]
        await type_text(pilot, "today 9am\n")
        await settle(pilot)
        assert isinstance(app.screen, ClosingScreen)
        assert "Sun 22 Nov 2026 at 09:00 · today, is in the past" in screen_text(pilot)
    assert stored(isolated_home).next_step is None


def test_ics_of_a_timed_step_and_its_sequence_rises_with_each_move(tmp_path: Path) -> None:
    import icalendar

    from callmate.domain.exporters import next_step_ics
    from callmate.domain.models import Contact, NextStep, Outcome
    from tests.conftest import NOW

    repo = Repository.open(tmp_path / "callmate.db")
    try:
        call = repo.start_call(Call(contact=Contact(name="Dana"), goal="Demo", started_at=NOW))
        assert call.id is not None
        step = NextStep(what="Demo", due=date(2026, 12, 3), due_time=time(15, 0))
        repo.finish_call(call.id, outcome=Outcome.YES, next_step=step, ended_at=NOW)

        def event() -> Any:
            ics = next_step_ics(repo.get_call(call.id), NOW, minutes=45)  # type: ignore[arg-type]
            (found,) = icalendar.Calendar.from_ical(ics.encode()).walk("VEVENT")
            return found

        first = event()
        assert first.decoded("DTSTART") == datetime(2026, 12, 3, 15, 0, tzinfo=UTC)  # TZ=UTC
        assert first.decoded("DTEND") == datetime(2026, 12, 3, 15, 45, tzinfo=UTC)
        assert int(first["SEQUENCE"]) == 0
        repo.reschedule_step(call.id, date(2026, 12, 3), time(16, 0))  # only the time moves
        assert int(event()["SEQUENCE"]) == 1
        repo.reschedule_step(call.id, date(2026, 12, 4))  # a day, no time: all day
        moved = event()
        assert int(moved["SEQUENCE"]) == 2
        assert moved.decoded("DTSTART") == date(2026, 12, 4)
        assert str(moved["UID"]) == str(first["UID"])  # the same event, replaced
    finally:
        repo.close()


async def test_home_and_timeline_show_the_time_and_reschedule_sets_one(
    app: CallmateApp, isolated_home: Path
) -> None:
    from callmate.screens.dialogs.reschedule import RescheduleScreen
    from callmate.screens.home import HomeScreen
    from callmate.screens.timeline import TimelineScreen

    async with app.run_test(size=(100, 40)) as pilot:
        await start_call_with_notes(pilot)
        await type_text(pilot, "y\n\nDemo\n\ntoday 5pm\n")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "TODAY 17:00" in screen_text(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RescheduleScreen)
        assert "now due Sun 22 Nov 2026 at 17:00 · today" in screen_text(pilot)
        await type_text(pilot, "2pm")
        assert "14:00 today has passed" in screen_text(pilot)
        app.screen.query_one("#reschedule-date").value = ""  # type: ignore[attr-defined]
        await type_text(pilot, "tue 9:30am")
        assert "→ Tue 24 Nov 2026 at 09:30 · in 2 days" in screen_text(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(pilot)
        assert "Demo  at 09:30" in text and "Tue 24 Nov" in text
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        assert "Next step: Demo (us, Tue 24 Nov 09:30) OPEN · moved once" in screen_text(pilot)
    step = stored(isolated_home).next_step
    assert step is not None
    assert (step.due, step.due_time, step.moved_from) == (
        date(2026, 11, 24),
        time(9, 30),
        [date(2026, 11, 22)],
    )


async def test_a_timed_step_coming_due_is_announced_once(
    app: CallmateApp, isolated_home: Path, clock: Any
) -> None:
    from callmate.domain.models import Contact, NextStep, Outcome, Owner
    from tests.conftest import NOW

    repo = Repository.open(database_path(isolated_home))
    try:
        for name, at, owner in [
            ("Dana", time(15, 5), Owner.US),
            ("Olga", time(15, 30), Owner.BOTH),
            ("Tara", time(15, 6), Owner.THEM),  # theirs to do: not ours to be reminded of
        ]:
            call = repo.start_call(Call(contact=Contact(name=name), goal="Demo", started_at=NOW))
            assert call.id is not None
            step = NextStep(what=f"Call {name}", owner=owner, due=NOW.date(), due_time=at)
            repo.finish_call(call.id, outcome=Outcome.YES, next_step=step, ended_at=NOW)
    finally:
        repo.close()
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await settle(pilot)
        first = await app.due_soon.check()
        await pilot.pause()
        assert [s.contact_name for s in first] == ["Dana"]
        assert "In 5 minutes, at 15:05: Call Dana with Dana." in screen_text(pilot)
        assert bells == [1]
        assert await app.due_soon.check() == [], "announced once"
        clock.advance(21 * 60)  # 15:21: Olga's 15:30 is within ten minutes
        assert [s.contact_name for s in await app.due_soon.check()] == ["Olga"]
        assert await app.due_soon.check() == []
        assert bells == [1, 1]


def test_a_commitment_date_at_the_close_keeps_its_time() -> None:
    from callmate.domain.closing import CloseField, ClosingDraft, CommitmentDraft, check_closing
    from callmate.domain.models import Outcome

    draft = ClosingDraft(
        outcome=Outcome.YES,
        next_what="Demo",
        due_text="fri",
        commitments=(
            CommitmentDraft(1, "Sam", "tomorrow 10am"),
            CommitmentDraft(2, "", "noon"),  # today at 12:00: gone at 15:00
        ),
    )
    result = check_closing(draft, date(2026, 11, 22), now=time(15, 0))
    first, second = result.commitments
    assert (first.due, first.due_time) == (date(2026, 11, 23), time(10, 0))
    assert result.commitment_dates[1] == "Mon 23 Nov 2026 at 10:00 · tomorrow"
    assert (second.due, second.due_time) == (None, None)
    assert [(m.field, m.note_id) for m in result.missing] == [(CloseField.COMMITMENT_DATE, 2)]
    assert "12:00 today has passed" in result.missing[0].text
    assert result.next_step is not None and result.next_step.due_time is None


def test_the_announcement_query_reads_one_day_of_the_open_steps_index(tmp_path: Path) -> None:
    """It runs every half minute: one index range, never a scan of the calls."""
    import sqlite3

    from callmate.store import migrations, queries

    path = tmp_path / "callmate.db"
    migrations.upgrade(path)
    db = sqlite3.connect(path)
    traced: list[str] = []
    db.set_trace_callback(traced.append)
    try:
        assert queries.timed_steps_due(db, date(2026, 11, 22), time(15, 0), time(15, 10)) == []
        (sql,) = [s for s in traced if s.lstrip().startswith("SELECT")]
        plan = " ".join(str(row) for row in db.execute(f"EXPLAIN QUERY PLAN {sql}"))
    finally:
        db.close()
    assert "USING INDEX ix_calls_open_steps (next_step_due=?)" in plan
    assert "SCAN k" not in plan
