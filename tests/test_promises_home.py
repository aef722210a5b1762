"""Issue 12: every promise made on a call stays in view on home until it is kept.

Next steps and commitments ("we owe" / "they owe") share one agenda, grouped
by when they fall due, and every key on home acts on either kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from callmate.app import CallmateApp
from callmate.clock import FrozenClock
from callmate.domain.closing import CommitmentUpdate
from callmate.domain.models import Call, Contact, NextStep, Note, NoteKind, Outcome, Owner
from callmate.locations import database_path
from callmate.screens.dialogs.confirm import ConfirmScreen
from callmate.screens.dialogs.reschedule import RescheduleScreen
from callmate.screens.home import HomeScreen
from callmate.screens.precall import PreCallScreen
from callmate.screens.recap import RecapScreen
from callmate.screens.timeline import TimelineScreen
from callmate.store.repository import Repository
from tests.conftest import NOW
from tests.helpers import screen_text, settle, type_text
from tests.test_memory import WEDNESDAY, app_on, lines, position

SUNDAY = NOW.date()


@dataclass(frozen=True)
class Seeded:
    """Ids of what was seeded: calls by contact, commitments by their text."""

    calls: dict[str, int]
    notes: dict[str, int]
    contacts: dict[str, int]


def add(
    repo: Repository,
    name: str,
    now: datetime,
    *,
    step: tuple[str, date] | None = None,
    commitments: list[tuple[NoteKind, str, str, date | None]] = (),  # type: ignore[assignment]
    seeded: Seeded,
) -> None:
    """A call with ``name``, closed on ``step`` when given, holding ``commitments``
    (kind, text, owner, due) given their owner and date as the close does."""
    started = now - timedelta(days=3)
    call = repo.start_call(
        Call(contact=Contact(name=name, company=f"{name} Ltd"), goal="Goal", started_at=started)
    )
    assert call.id is not None and call.contact.id is not None
    updates = []
    for kind, text, owner, due in commitments:
        note = repo.save_note(call.id, Note(kind=kind, text=text, created_at=started))
        assert note.id is not None
        seeded.notes[text] = note.id
        updates.append(CommitmentUpdate(note.id, owner, due))
    if step is not None:
        repo.finish_call(
            call.id,
            outcome=Outcome.YES,
            next_step=NextStep(what=step[0], owner=Owner.US, due=step[1]),
            ended_at=started + timedelta(minutes=20),
            commitments=updates,
        )
    seeded.calls[name] = call.id
    seeded.contacts[name] = call.contact.id


def seed_promises(home: Path, now: datetime) -> Seeded:
    today = now.date()
    seeded = Seeded({}, {}, {})
    repo = Repository.open(database_path(home))
    try:
        add(
            repo,
            "Olga",
            now,
            step=("Send the contract", today - timedelta(days=2)),
            commitments=[(NoteKind.OURS, "Pricing sheet", "Sam", today - timedelta(days=1))],
            seeded=seeded,
        )
        add(
            repo,
            "Tara",
            now,
            step=("Pricing call", today),
            commitments=[(NoteKind.THEIRS, "Security answers", "Tara", today)],
            seeded=seeded,
        )
        add(
            repo,
            "Wes",
            now,
            step=("Demo for ops", today + timedelta(days=12)),
            commitments=[
                (NoteKind.THEIRS, "Usage numbers", "", today + timedelta(days=2)),
                (NoteKind.OURS, "Case study", "", None),
                (NoteKind.OURS, "Already sent", "", today),
                (NoteKind.OURS, "Deleted promise", "", today),
            ],
            seeded=seeded,
        )
        repo.set_commitment_done(seeded.notes["Already sent"], now)
        repo.delete_note(seeded.notes["Deleted promise"], now)
    finally:
        repo.close()
    return seeded


def stored_call(home: Path, call_id: int) -> Call:
    repo = Repository.open(database_path(home))
    try:
        return repo.get_call(call_id)
    finally:
        repo.close()


def stored_note(home: Path, seeded: Seeded, text: str) -> Note:
    call = stored_call(home, seeded.calls["Olga" if text == "Pricing sheet" else "Tara"])
    calls = [call, stored_call(home, seeded.calls["Wes"])]
    return next(n for c in calls for n in c.notes if n.id == seeded.notes[text])


def sunday_app(home: Path) -> CallmateApp:
    return app_on(home, FrozenClock(NOW))


# What each kind of line is, on the Sunday clock: (option id, contact, what).
KINDS = {
    "next_step": ("step", "Olga", "Send the contract"),
    "ours": ("note", "Olga", "Pricing sheet"),
    "theirs": ("note", "Tara", "Security answers"),
}


def option_id(seeded: Seeded, kind: str) -> str:
    prefix, contact, what = KINDS[kind]
    number = seeded.calls[contact] if prefix == "step" else seeded.notes[what]
    return f"{prefix}:{number}"


async def highlight(app: CallmateApp, seeded: Seeded, kind: str) -> None:
    listing = app.screen.query_one("#agenda")
    ids = [o.id for o in listing.options]  # type: ignore[attr-defined]
    listing.highlighted = ids.index(option_id(seeded, kind))  # type: ignore[attr-defined]


def due_of(home: Path, seeded: Seeded, kind: str) -> date | None:
    _prefix, contact, what = KINDS[kind]
    if kind == "next_step":
        step = stored_call(home, seeded.calls[contact]).next_step
        return step.due if step else None
    return stored_note(home, seeded, what).due


# -- the agenda ----------------------------------------------------------------
async def test_promises_of_every_kind_are_grouped_by_when_they_fall_due(
    isolated_home: Path,
) -> None:
    # A Wednesday, so "this week" has days left (on the Sunday clock it is empty).
    seed_promises(isolated_home, WEDNESDAY)
    app = app_on(isolated_home)
    try:
        async with app.run_test(size=(110, 40)) as pilot:
            await settle(pilot)
            rows = lines(pilot)
            order = [
                position(rows, "Overdue (2)"),
                position(rows, "Pricing sheet"),
                position(rows, "Send the contract"),
                position(rows, "Due today (2)"),
                position(rows, "This week (1)"),
                position(rows, "Usage numbers"),
                position(rows, "Later (1)"),
                position(rows, "Demo for ops"),
                position(rows, "No date yet (1)"),
                position(rows, "Case study"),
                position(rows, "Recent calls"),
            ]
            assert order == sorted(order)
            overdue_ours = rows[order[1]]
            assert "OVERDUE 1d" in overdue_ours and "WE OWE" in overdue_ours
            assert "Olga · Olga Ltd  Pricing sheet  (Sam)" in overdue_ours
            step = rows[order[2]]
            assert "OVERDUE 2d" in step and "NEXT STEP" in step and "Olga" in step
            today = rows[order[3] + 1 : order[4]]
            assert any("TODAY" in r and "THEY OWE" in r and "Security answers" in r for r in today)
            assert any("TODAY" in r and "NEXT STEP" in r and "Pricing call" in r for r in today)
            assert "Fri 27 Nov" in rows[order[5]] and "THEY OWE" in rows[order[5]]
            undated = rows[order[9]]
            assert "NO DATE" in undated and "WE OWE" in undated and "Wes · Wes Ltd" in undated
            text = screen_text(pilot)
            assert "Already sent" not in text and "Deleted promise" not in text
            assert (
                "Wednesday 25 November: 2 overdue, 2 due today, 1 more this week, "
                "1 with no date yet." in text
            )
    finally:
        app.store.close()


async def test_a_promise_due_friday_is_not_nothing_due_this_week(isolated_home: Path) -> None:
    """The bug of issue 12: home said "nothing due this week" over a promise due Friday."""
    seeded = Seeded({}, {}, {})
    repo = Repository.open(database_path(isolated_home))
    try:
        add(
            repo,
            "Fay",
            WEDNESDAY,
            step=("Quarterly review", WEDNESDAY.date() + timedelta(days=40)),
            commitments=[(NoteKind.OURS, "Send the SLA", "", date(2026, 11, 27))],
            seeded=seeded,
        )
    finally:
        repo.close()
    app = app_on(isolated_home)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            text = screen_text(pilot)
            assert "nothing due this week" not in text
            assert "1 more this week" in text
            row = lines(pilot)[position(lines(pilot), "Send the SLA")]
            assert "Fri 27 Nov" in row and "WE OWE" in row
    finally:
        app.store.close()


# -- keys on each kind of line -------------------------------------------------
@pytest.mark.parametrize("kind", list(KINDS))
async def test_d_marks_any_promise_kept(isolated_home: Path, kind: str) -> None:
    seeded = seed_promises(isolated_home, NOW)
    app = sunday_app(isolated_home)
    _prefix, contact, what = KINDS[kind]
    try:
        async with app.run_test(size=(100, 40), notifications=True) as pilot:
            await settle(pilot)
            assert what in screen_text(pilot)
            await highlight(app, seeded, kind)
            await pilot.press("d")
            await settle(pilot)
            text = screen_text(pilot)
            assert f"Done: {what} ({contact})." in text
            agenda = text.split("Recent calls")[0]
            assert what not in agenda.replace(f"Done: {what}", "")
    finally:
        app.store.close()
    if kind == "next_step":
        assert stored_call(isolated_home, seeded.calls[contact]).next_step_done_at == NOW
    else:
        assert stored_note(isolated_home, seeded, what).done_at == NOW
    # The other kinds are untouched.
    for other in set(KINDS) - {kind}:
        if other == "next_step":
            assert stored_call(isolated_home, seeded.calls["Olga"]).next_step_done_at is None
        else:
            assert stored_note(isolated_home, seeded, KINDS[other][2]).done_at is None


@pytest.mark.parametrize("kind", list(KINDS))
async def test_r_moves_any_promise(isolated_home: Path, kind: str) -> None:
    seeded = seed_promises(isolated_home, NOW)
    app = sunday_app(isolated_home)
    what = KINDS[kind][2]
    try:
        async with app.run_test(size=(100, 40), notifications=True) as pilot:
            await settle(pilot)
            await highlight(app, seeded, kind)
            await pilot.press("r")
            await settle(pilot)
            assert isinstance(app.screen, RescheduleScreen)
            assert f"Move “{what}”" in screen_text(pilot)
            await type_text(pilot, "2026-12-01")
            assert "→ Tue 1 Dec 2026" in screen_text(pilot)
            await type_text(pilot, "\n")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen), "within the cadence: no question"
            assert f"Moved to Tue 01 Dec: {what}." in screen_text(pilot)
            rows = lines(pilot)
            assert position(rows, "Later (") < position(rows, what)
    finally:
        app.store.close()
    assert due_of(isolated_home, seeded, kind) == date(2026, 12, 1)


@pytest.mark.parametrize("answer", ["y", "n"])
@pytest.mark.parametrize("kind", list(KINDS))
async def test_moving_past_the_cadence_asks_first(
    isolated_home: Path, kind: str, answer: str
) -> None:
    seeded = seed_promises(isolated_home, NOW)
    before = due_of(isolated_home, seeded, kind)
    app = sunday_app(isolated_home)
    what = KINDS[kind][2]
    try:
        async with app.run_test(size=(100, 40), notifications=True) as pilot:
            await settle(pilot)
            await highlight(app, seeded, kind)
            await pilot.press("r")
            await settle(pilot)
            await type_text(pilot, "2027-01-15\n")  # 54 days out; the cadence is 30
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)
            assert "54 days out, past the 30-day rhythm" in app.screen.question
            assert f"“{what}”" in app.screen.question
            assert "Move it anyway?" in screen_text(pilot)
            await pilot.press(answer)
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            text = screen_text(pilot)
            if answer == "y":
                assert f"Moved to Fri 15 Jan: {what}." in text
            else:
                assert f"Not moved: {what}." in text
    finally:
        app.store.close()
    expected = date(2027, 1, 15) if answer == "y" else before
    assert due_of(isolated_home, seeded, kind) == expected


async def test_r_gives_an_undated_commitment_its_date(isolated_home: Path) -> None:
    seeded = seed_promises(isolated_home, NOW)
    app = sunday_app(isolated_home)
    try:
        async with app.run_test(size=(100, 40), notifications=True) as pilot:
            await settle(pilot)
            listing = app.screen.query_one("#agenda")
            ids = [o.id for o in listing.options]  # type: ignore[attr-defined]
            listing.highlighted = ids.index(f"note:{seeded.notes['Case study']}")  # type: ignore[attr-defined]
            await pilot.press("r")
            await settle(pilot)
            assert "When is “Case study” due?" in screen_text(pilot)
            await type_text(pilot, "tomorrow\n")
            await settle(pilot)
            rows = lines(pilot)
            assert "No date yet" not in screen_text(pilot)
            assert "Mon 23 Nov" in rows[position(rows, "Case study")]
    finally:
        app.store.close()
    wes = stored_call(isolated_home, seeded.calls["Wes"])
    assert next(n for n in wes.notes if n.text == "Case study").due == date(2026, 11, 23)


@pytest.mark.parametrize("kind", list(KINDS))
async def test_f_follows_up_any_promise(isolated_home: Path, kind: str) -> None:
    seeded = seed_promises(isolated_home, NOW)
    app = sunday_app(isolated_home)
    _prefix, contact, what = KINDS[kind]
    try:
        async with app.run_test(size=(100, 50)) as pilot:
            await settle(pilot)
            await highlight(app, seeded, kind)
            await pilot.press("f")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, PreCallScreen)
            assert screen.query_one("#contact-name").value == contact  # type: ignore[attr-defined]
            assert screen.query_one("#goal").value == what  # type: ignore[attr-defined]
            prefill = screen.prefill
            assert prefill is not None
            # Only a next step is kept by the call that follows it.
            expected = seeded.calls[contact] if kind == "next_step" else None
            assert prefill.follows_call_id == expected
    finally:
        app.store.close()


@pytest.mark.parametrize("kind", list(KINDS))
async def test_t_opens_the_timeline_of_any_promise(isolated_home: Path, kind: str) -> None:
    seeded = seed_promises(isolated_home, NOW)
    app = sunday_app(isolated_home)
    contact = KINDS[kind][1]
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            await highlight(app, seeded, kind)
            await pilot.press("t")
            await settle(pilot)
            assert isinstance(app.screen, TimelineScreen)
            assert app.screen.contact_id == seeded.contacts[contact]
            assert f"{contact} · {contact} Ltd" in screen_text(pilot)
    finally:
        app.store.close()


@pytest.mark.parametrize("what", ["Send the contract", "Case study"])
async def test_enter_opens_the_call_a_promise_was_made_on(isolated_home: Path, what: str) -> None:
    """A commitment's line is its note, but Enter opens the call it was made on
    (the line's id once held the note's number, and Enter opened that number as a call)."""
    seeded = seed_promises(isolated_home, NOW)
    app = sunday_app(isolated_home)
    contact = "Olga" if what == "Send the contract" else "Wes"
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            await pilot.pause()
            rows = lines(pilot)
            listing = app.screen.query_one("#agenda")
            ids = [o.id for o in listing.options]  # type: ignore[attr-defined]
            wanted = (
                f"step:{seeded.calls[contact]}"
                if what == "Send the contract"
                else f"note:{seeded.notes[what]}"
            )
            assert what in rows[position(rows, what)]
            listing.highlighted = ids.index(wanted)  # type: ignore[attr-defined]
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, RecapScreen)
            assert app.screen.call_id == seeded.calls[contact]
    finally:
        app.store.close()


async def test_promise_text_is_never_markup_or_control_characters(isolated_home: Path) -> None:
    seeded = Seeded({}, {}, {})
    repo = Repository.open(database_path(isolated_home))
    try:
        add(
            repo,
            "Hal",
            NOW,
            step=("Review", NOW.date() + timedelta(days=3)),
            commitments=[(NoteKind.THEIRS, "[b]bold[/] \x1b]0;title\x07x [/]", "[red]R", None)],
            seeded=seeded,
        )
    finally:
        repo.close()
    app = sunday_app(isolated_home)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            text = screen_text(pilot)
            assert "[b]bold[/] ]0;titlex [/]" in text and "([red]R)" in text
            assert "\x1b" not in text
    finally:
        app.store.close()


def test_no_date_group_exists_even_when_empty() -> None:
    from callmate.domain.agenda import Agenda, Group

    groups = [Group(k, k) for k in ("overdue", "today", "week", "later")]
    agenda = Agenda(datetime(2026, 11, 22, tzinfo=UTC).date(), *groups)
    assert [g.key for g in agenda.groups] == ["overdue", "today", "week", "later", "nodate"]
    assert agenda.empty


def test_every_commitment_group_is_read_through_the_open_commitments_index(
    isolated_home: Path,
) -> None:
    """Home at 1,000,000 notes must not scan them: each group's count and rows
    are an index range of the partial index of migration 8."""
    import sqlite3

    from callmate.store import queries

    seed_promises(isolated_home, WEDNESDAY)
    db = sqlite3.connect(database_path(isolated_home))
    try:
        for where, order in queries._GROUP_RANGES:
            condition = f"{queries._OPEN_COMMITMENT} AND {where}"
            for sql in (
                f"SELECT count(*) FROM notes n WHERE {condition}",
                f"{queries._COMMITMENT_COLUMNS} WHERE {condition} ORDER BY {order} LIMIT 5",
            ):
                plan = db.execute(
                    f"EXPLAIN QUERY PLAN {sql}", {"today": "2026-11-25", "sunday": "2026-11-29"}
                ).fetchall()
                assert any(queries.OPEN_COMMITMENTS_INDEX in str(step) for step in plan), sql
        scanned = queries.agenda(db, WEDNESDAY.date(), WEDNESDAY - timedelta(days=30))
    finally:
        db.close()
    assert [g.total for g in scanned.groups] == [2, 2, 1, 1, 1]
