"""The memory between calls: the day's agenda, going cold, follow-ups, timeline, search."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from callmate.app import CallmateApp, make_app
from callmate.clock import FrozenClock
from callmate.domain.agenda import week_end
from callmate.domain.models import (
    Call,
    Contact,
    NextStep,
    Note,
    NoteKind,
    Outcome,
    Owner,
    Question,
    QuestionOrigin,
)
from callmate.locations import database_path
from callmate.screens.dialogs.reschedule import RescheduleScreen
from callmate.screens.home import HomeScreen
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.precall import PreCallScreen
from callmate.screens.recap import RecapScreen
from callmate.screens.search import SearchScreen
from callmate.screens.timeline import TimelineScreen
from callmate.store.repository import Repository
from tests.helpers import FakeClipboard, screen_text, settle, type_text

# Wednesday 25 November 2026, 09:00 UTC: a weekday, so "this week" has days left.
WEDNESDAY = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
TODAY = WEDNESDAY.date()


def add_call(
    repo: Repository,
    name: str,
    *,
    days_ago: int,
    step: str | None = None,
    due: date | None = None,
    notes: list[tuple[NoteKind, str]] = (),  # type: ignore[assignment]
    questions: list[tuple[str, bool]] = (),  # type: ignore[assignment]
) -> Call:
    started = WEDNESDAY - timedelta(days=days_ago)
    call = repo.start_call(
        Call(
            contact=Contact(name=name, company=f"{name.split()[0]} Ltd"),
            goal=f"Goal with {name}",
            questions=[Question(text=t) for t, _ in questions],
            started_at=started,
        )
    )
    assert call.id is not None
    for (_text, asked), question in zip(questions, call.questions, strict=True):
        if asked:
            repo.set_question_asked(question.id or 0, True)
    for kind, text in notes:
        repo.save_note(call.id, Note(kind=kind, text=text, created_at=started))
    if step is not None and due is not None:
        call = repo.finish_call(
            call.id,
            outcome=Outcome.YES,
            next_step=NextStep(what=step, owner=Owner.US, due=due),
            ended_at=started + timedelta(minutes=20),
        )
    return call


def seed_agenda(home: Path) -> None:
    repo = Repository.open(database_path(home))
    try:
        add_call(
            repo, "Olga Overdue", days_ago=9, step="Send the contract", due=TODAY - timedelta(2)
        )
        add_call(repo, "Tara Today", days_ago=7, step="Pricing call", due=TODAY)
        add_call(repo, "Wes Week", days_ago=3, step="Demo for ops", due=TODAY + timedelta(2))
        add_call(repo, "Leo Later", days_ago=1, step="Quarterly review", due=TODAY + timedelta(12))
        add_call(repo, "Cole Cold", days_ago=45, step="Old step", due=TODAY + timedelta(20))
        add_call(
            repo,
            "Dana Whitfield",
            days_ago=5,
            step="Demo for the ops team",
            due=TODAY + timedelta(1),
            notes=[(NoteKind.QUOTE, "we lose a day every week"), (NoteKind.OURS, "send pricing")],
            questions=[("budget cycle", False), ("who decides", True)],
        )
    finally:
        repo.close()


def app_on(home: Path, clock: FrozenClock | None = None) -> CallmateApp:
    return make_app(home, clock=clock or FrozenClock(WEDNESDAY), clipboard=FakeClipboard())


def stored(home: Path) -> list[Call]:
    repo = Repository.open(database_path(home))
    try:
        return repo.all_calls()
    finally:
        repo.close()


def lines(pilot: Pilot[Any]) -> list[str]:
    return [line.strip() for line in screen_text(pilot).splitlines()]


def position(rows: list[str], needle: str) -> int:
    return next(i for i, row in enumerate(rows) if needle in row)


def test_week_end_is_the_sunday() -> None:
    assert week_end(date(2026, 11, 25)) == date(2026, 11, 29)
    assert week_end(date(2026, 11, 29)) == date(2026, 11, 29)
    assert week_end(date(2026, 11, 30)) == date(2026, 12, 6)


async def test_next_steps_are_grouped_by_when_they_fall_due(isolated_home: Path) -> None:
    seed_agenda(isolated_home)
    app = app_on(isolated_home)
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            rows = lines(pilot)
            order = [
                position(rows, "Overdue (1)"),
                position(rows, "OVERDUE 2d"),
                position(rows, "Due today (1)"),
                position(rows, "Tara Today"),
                position(rows, "This week (2)"),
                position(rows, "Dana Whitfield · Dana Ltd  Demo for the ops team"),
                position(rows, "Wes Week"),
                position(rows, "Later (2)"),
                position(rows, "Leo Later"),
                position(rows, "Going cold (1)"),
                position(rows, "Recent calls"),
            ]
            assert order == sorted(order)
            assert "Olga Overdue · Olga Ltd  Send the contract" in rows[order[1]]
            assert "TODAY" in rows[order[3]]
            assert "Fri 27 Nov" in rows[order[6]]
            # Dana's "send pricing" (we owe) was given no date at the close.
            assert (
                "Wednesday 25 November: 1 overdue, 1 due today, 2 more this week, "
                "1 with no date yet." in rows[1]
            )
    finally:
        app.store.close()


async def test_going_cold_lists_people_not_called_within_the_cadence(isolated_home: Path) -> None:
    seed_agenda(isolated_home)
    app = app_on(isolated_home)
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            rows = lines(pilot)
            cold = rows[position(rows, "Going cold (1)") + 1]
            assert "GOING COLD" in cold and "Cole Cold" in cold and "45 days ago" in cold
            assert not any("GOING COLD" in r and "Wes Week" in r for r in rows)
    finally:
        app.store.close()


async def test_done_and_reschedule_from_the_keyboard(isolated_home: Path) -> None:
    seed_agenda(isolated_home)
    app = app_on(isolated_home)
    try:
        async with app.run_test(size=(100, 40), notifications=True) as pilot:
            await settle(pilot)
            # The first line is the overdue step.
            await pilot.press("d")
            await settle(pilot)
            assert "Overdue (" not in screen_text(pilot)
            assert "Done: Send the contract (Olga Overdue)." in screen_text(pilot)
            # Now Tara's step (due today) is first: move it to next Tuesday.
            await pilot.press("r")
            await settle(pilot)
            assert isinstance(app.screen, RescheduleScreen)
            await type_text(pilot, "2026-11-01")
            assert "is in the past" in screen_text(pilot)
            await type_text(pilot, "\n")
            assert isinstance(app.screen, RescheduleScreen), "a past date is refused"
            app.screen.query_one("#reschedule-date").value = ""  # type: ignore[attr-defined]
            await type_text(pilot, "next tue")
            assert "→ Tue 1 Dec 2026" in screen_text(pilot)
            await type_text(pilot, "\n")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            rows = lines(pilot)
            assert position(rows, "Later (3)") < position(rows, "Tara Today")
    finally:
        app.store.close()
    calls = {c.contact.name: c for c in stored(isolated_home)}
    assert calls["Olga Overdue"].next_step_done_at == WEDNESDAY
    assert calls["Tara Today"].next_step.due == date(2026, 12, 1)  # type: ignore[union-attr]


async def test_follow_up_from_a_next_step_is_prefilled_and_keeps_the_step(
    isolated_home: Path,
) -> None:
    seed_agenda(isolated_home)
    app = app_on(isolated_home)
    try:
        async with app.run_test(size=(100, 50)) as pilot:
            await settle(pilot)
            listing = app.screen.query_one("#agenda")
            ids = [o.id for o in listing.options]  # type: ignore[attr-defined]
            dana = next(c for c in stored(isolated_home) if c.contact.name == "Dana Whitfield")
            listing.highlighted = ids.index(f"step:{dana.id}")  # type: ignore[attr-defined]
            await pilot.press("f")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, PreCallScreen)
            assert screen.query_one("#contact-name").value == "Dana Whitfield"  # type: ignore[attr-defined]
            assert screen.query_one("#goal").value == "Demo for the ops team"  # type: ignore[attr-defined]
            assert screen.query_one("#call-type").value == "follow_up"  # type: ignore[attr-defined]
            assert app.focused is not None and app.focused.id == "goal"
            text = screen_text(pilot)
            assert "Prep brief" in text and "“we lose a day every week”" in text
            carried = [
                q
                for q in screen.query_one("#plan").questions  # type: ignore[attr-defined]
                if q.origin is QuestionOrigin.CARRIED
            ]
            assert [q.text for q in carried] == ["budget cycle"]
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, LiveCallScreen)
            await pilot.press("ctrl+o")
            await type_text(pilot, "y\n\nContract review\n\nfri\n")
            await settle(pilot)
            assert isinstance(app.screen, RecapScreen)
    finally:
        app.store.close()
    calls = {(c.contact.name, c.goal): c for c in stored(isolated_home)}
    first = calls[("Dana Whitfield", "Goal with Dana Whitfield")]
    second = calls[("Dana Whitfield", "Demo for the ops team")]
    assert second.follows_call_id == first.id
    assert first.next_step_done_at is not None, "the step that led here was kept"


async def test_timeline_shows_every_call_and_what_was_kept(isolated_home: Path) -> None:
    repo = Repository.open(database_path(isolated_home))
    try:
        first = add_call(
            repo,
            "Dana Whitfield",
            days_ago=30,
            step="Demo",
            due=TODAY - timedelta(9),
            notes=[(NoteKind.QUOTE, "we lose a day"), (NoteKind.OURS, "send pricing")],
        )
        second = add_call(
            repo,
            "Dana Whitfield",
            days_ago=2,
            step="Pilot plan",
            due=TODAY + timedelta(5),
            notes=[(NoteKind.THEIRS, "intro to CFO")],
        )
        repo.mark_step_done(first.id or 0, WEDNESDAY - timedelta(days=9))
    finally:
        repo.close()
    app = app_on(isolated_home)
    try:
        async with app.run_test(size=(110, 40)) as pilot:
            await settle(pilot)
            await pilot.press("t")  # on the first line: Dana's open step
            await settle(pilot)
            assert isinstance(app.screen, TimelineScreen)
            rows = lines(pilot)
            header = " ".join(rows)
            assert "Dana Whitfield · Dana Ltd · 2 calls. Enter opens a call" in header
            assert "Other" not in header, "no role was chosen, so none is named"
            assert position(rows, "Next step: Demo") < position(rows, "Next step: Pilot plan")
            assert "KEPT" in rows[position(rows, "Next step: Demo")]
            assert "OPEN" in rows[position(rows, "Next step: Pilot plan")]
            assert "“we lose a day”" in screen_text(pilot)
            assert "we owe: send pricing  OPEN" in screen_text(pilot)
            listing = app.screen.query_one("#timeline")
            listing.highlighted = 1  # type: ignore[attr-defined]  # "we owe: send pricing"
            await pilot.press("d")
            await settle(pilot)
            assert "we owe: send pricing  KEPT" in screen_text(pilot)
            assert "they owe: intro to CFO  OPEN" in screen_text(pilot)
    finally:
        app.store.close()
    kept = [n for c in stored(isolated_home) for n in c.notes if n.text == "send pricing"]
    assert kept[0].done_at == WEDNESDAY
    assert second.id is not None


async def test_search_as_you_type_and_jump_to_the_call(isolated_home: Path) -> None:
    seed_agenda(isolated_home)
    app = app_on(isolated_home)
    try:
        async with app.run_test(size=(110, 40)) as pilot:
            await settle(pilot)
            await pilot.press("slash")
            await settle(pilot)
            assert isinstance(app.screen, SearchScreen)
            await type_text(pilot, "we lose")
            await settle(pilot)
            text = screen_text(pilot)
            assert "NOTE" in text and "Dana Whitfield  we lose a day every week" in text
            assert "1 result for 'we lose', newest first." in text
            await type_text(pilot, '{ctrl+u}-foo NEAR( "unbalanced')
            await settle(pilot)
            assert "Nothing found" in screen_text(pilot), "hostile queries never crash"
            app.screen.query_one("#search-input").value = ""  # type: ignore[attr-defined]
            await type_text(pilot, "cole")
            await settle(pilot)
            assert "PERSON" in screen_text(pilot) and "Cole Cold · Cole Ltd" in screen_text(pilot)
            await type_text(pilot, "\n")
            await settle(pilot)
            assert isinstance(app.screen, TimelineScreen)
            await pilot.press("escape")
            app.screen.query_one("#search-input").value = ""  # type: ignore[attr-defined]
            await type_text(pilot, "pricing call")
            await settle(pilot)
            assert "GOAL" in screen_text(pilot)
            await type_text(pilot, "\n")
            await settle(pilot)
            assert isinstance(app.screen, RecapScreen)
    finally:
        app.store.close()


def test_search_finds_notes_goals_research_and_people_newest_first(tmp_path: Path) -> None:
    repo = Repository.open(tmp_path / "callmate.db")
    try:
        older = add_call(repo, "Ann Alpha", days_ago=10, notes=[(NoteKind.NOTE, "budget frozen")])
        newer = add_call(repo, "Bob Beta", days_ago=1, notes=[(NoteKind.NOTE, "budget approved")])
        notes = [h for h in repo.search("budget") if h.source == "note"]
        assert [h.call_id for h in notes] == [newer.id, older.id]
        assert [h.text for h in repo.search("approv")] == ["budget approved"], "prefix match"
        assert repo.search("   ") == [] and repo.search("!!!") == []
        assert [h.source for h in repo.search("Alpha")] == ["contact", "call"]  # name, goal
        # Edited and deleted notes leave the index with them.
        note_id = newer.id and repo.get_call(newer.id).notes[0].id
        assert note_id is not None
        repo.update_note(note_id, NoteKind.NOTE, "budget signed")
        assert not repo.search("approved") and repo.search("signed")
        repo.delete_note(note_id, WEDNESDAY)
        assert not repo.search("signed")
        repo.restore_note(note_id)
        assert repo.search("signed")
    finally:
        repo.close()


def test_interrupted_live_call_is_not_a_due_step(tmp_path: Path) -> None:
    repo = Repository.open(tmp_path / "callmate.db")
    try:
        add_call(repo, "Live Larry", days_ago=0)
        agenda = repo.agenda(TODAY, WEDNESDAY - timedelta(days=30))
        assert not any(g.total for g in agenda.groups)
        assert agenda.recent[0].status == "live"
    finally:
        repo.close()
