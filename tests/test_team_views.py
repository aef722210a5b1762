"""Seeing the team (issue 20), on a real PostgreSQL, the app run as rep A (Sam)
with rep B's (Priya's) calls stored: the timeline names who made each call,
the plan says when another rep called the contact within the cadence, and
home's ``e`` switches to the team's overdue promises, by rep. A rep's display
name is shown as typed, never as markup, and no control character reaches
the terminal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from callmate.app import CallmateApp, make_app
from callmate.clock import FrozenClock
from callmate.domain.models import Call, Contact, NextStep, Outcome
from callmate.domain.models import Owner as StepOwner
from callmate.screens.dialogs.help import help_text
from callmate.screens.home import HomeScreen
from callmate.screens.precall import PreCallScreen
from callmate.screens.recap import RecapScreen
from callmate.screens.timeline import TimelineScreen
from callmate.store.database_url import make_engine, parse
from callmate.store.repository import Repository
from callmate.store.service import PostgresCallStore
from tests.conftest import NOW
from tests.helpers import FakeClipboard, screen_text, settle, type_text
from tests.test_pg_roles import Team, team  # noqa: F401  (the fixture)

SIZE = (80, 24)


def call_by(
    team: Team,  # noqa: F811
    role: str,
    name: str,
    started: datetime,
    step: str,
    due: date,
) -> int:
    """A closed call with ``name`` made by ``role``, its next step ``step`` due ``due``."""
    repo = Repository.open_url(team.url_of(role))
    try:
        call = repo.start_call(
            Call(contact=Contact(name=name, company="Acme"), goal="Book a demo", started_at=started)
        )
        assert call.id is not None
        repo.finish_call(
            call.id,
            outcome=Outcome.MAYBE,
            next_step=NextStep(what=step, owner=StepOwner.US, due=due),
            ended_at=started + timedelta(minutes=20),
        )
        return call.id
    finally:
        repo.close()


def contact_id(team: Team, name: str) -> int:  # noqa: F811
    engine = make_engine(parse(team.url))
    try:
        with engine.connect() as db:
            return int(
                db.execute(
                    text("SELECT id FROM contacts WHERE name = :n"), {"n": name}
                ).scalar_one()
            )
    finally:
        engine.dispose()


@pytest.fixture
def sam_app(
    isolated_home: Path,
    clock: FrozenClock,
    clipboard: FakeClipboard,
    team: Team,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[CallmateApp, str, str]]:
    """Sam (rep A) runs the app; Priya (rep B) made calls before. NOW is Sun 22 Nov."""
    sam = team.add(capsys, monkeypatch, "--name", "Sam Rivera")
    priya = team.add(capsys, monkeypatch, "--name", "Priya Shah")
    # Priya spoke to Dana on Friday (within the 30-day cadence); her step is due Tuesday.
    call_by(team, priya, "Dana Whitfield", NOW - timedelta(days=2), "demo", date(2026, 11, 24))
    # Sam's own call with Dana, ten days ago: his own, never announced to him.
    call_by(
        team, sam, "Dana Whitfield", NOW - timedelta(days=10), "send pricing", date(2026, 11, 15)
    )
    # Priya called Lee 45 days ago (outside the cadence); that step is overdue.
    call_by(team, priya, "Lee Park", NOW - timedelta(days=45), "trial setup", date(2026, 11, 1))
    application = make_app(
        isolated_home, clock=clock, clipboard=clipboard, team=parse(team.url_of(sam))
    )
    assert isinstance(application.store, PostgresCallStore)
    yield application, sam, priya
    application.store.close()


async def test_the_timeline_names_who_made_each_call(
    sam_app: tuple[CallmateApp, str, str],
    team: Team,  # noqa: F811
) -> None:
    app, _, _ = sam_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(TimelineScreen(contact_id(team, "Dana Whitfield")))
        await settle(pilot)
        shown = screen_text(pilot)
        assert "Dana Whitfield · Acme · 2 calls" in shown
        assert "Priya Shah · 2 days ago · Fri 20 Nov 2026" in shown
        assert "Sam Rivera · 10 days ago · Thu 12 Nov 2026" in shown
        assert "Next step: demo" in shown


async def test_the_plan_says_another_rep_called_within_the_cadence(
    sam_app: tuple[CallmateApp, str, str],
) -> None:
    app, _, _ = sam_app
    assert app.preferences.cadence_days == 30
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, PreCallScreen)
        await type_text(pilot, "Dana Whitfield")
        await settle(pilot)
        note = "Priya Shah spoke to Dana Whitfield on Friday; next step: demo, due Tuesday."
        assert str(app.screen.query_one("#team-note").render()) == f"→ {note}"
        assert "Priya Shah spoke to Dana Whitfield on Friday" in screen_text(pilot)
        # Typing on is never held up, and another contact takes the line away.
        await type_text(pilot, "{ctrl+u}Lee Park")
        await settle(pilot)
        assert app.screen.query_one("#contact-name").value == "Lee Park"  # type: ignore[attr-defined]
        assert not app.screen.query_one("#team-note").display  # 45 days ago: outside the cadence
        assert "Priya" not in screen_text(pilot)


async def test_my_own_call_within_the_cadence_is_not_announced(
    sam_app: tuple[CallmateApp, str, str],
    team: Team,  # noqa: F811
) -> None:
    app, _, _ = sam_app
    engine = make_engine(parse(team.url))
    try:
        with engine.begin() as db:  # Priya's Dana call now falls outside the cadence
            db.execute(
                text(
                    "UPDATE calls SET started_at = started_at - interval '40 days' "
                    "WHERE next_step_what = 'demo'"
                )
            )
    finally:
        engine.dispose()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Dana Whitfield")
        await settle(pilot)
        # Only Sam's own call is within the cadence: nothing to say.
        assert not app.screen.query_one("#team-note").display
        assert "spoke to" not in screen_text(pilot)


async def test_home_switches_to_the_teams_overdue_promises_by_rep(
    sam_app: tuple[CallmateApp, str, str],
) -> None:
    app, _, _ = sam_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        mine = screen_text(pilot)
        # Named on the day's line (the key line is full at 80 columns) and in the help.
        day_line = " ".join(mine.split())  # the line wraps at 80 columns
        assert "Enter opens; f follows up; v: your review; e: the team's." in day_line
        await pilot.press("e")
        await settle(pilot)
        shown = screen_text(pilot)
        assert "Home · the team" in shown  # the view is labelled
        assert "The team: 2 overdue promises of 2 reps, by rep." in shown
        lines = shown.splitlines()
        priya = next(i for i, line in enumerate(lines) if "Priya Shah (1)" in line)
        sam = next(i for i, line in enumerate(lines) if "Sam Rivera (1)" in line)
        assert "Lee Park" in lines[priya + 1] and "trial setup" in lines[priya + 1]
        assert "OVERDUE 21d" in lines[priya + 1]
        assert "Dana Whitfield" in lines[sam + 1] and "send pricing" in lines[sam + 1]
        # Marking or moving is each rep's own: not offered on the team's list.
        assert "d Done" not in shown and "r Move" not in shown
        help_lines = help_text(app.screen).plain
        assert (
            "  e" + " " * 13 + "Switch between your day and the team's overdue promises"
            in help_lines
        )
        # Enter opens the highlighted promise's call: Priya's, read by Sam.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)
        assert "Lee Park" in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "The team: 2 overdue promises" in screen_text(pilot)  # still the team's
        await pilot.press("e")
        await settle(pilot)
        back = screen_text(pilot)
        assert "Home · the team" not in back and "The team:" not in back
        assert "d Done" in back


async def test_a_hostile_display_name_is_shown_literally(
    sam_app: tuple[CallmateApp, str, str],
    team: Team,  # noqa: F811
) -> None:
    app, _, priya = sam_app
    hostile = "[bold red]Priya[/] \x1b[31m\x07Shah\x1b]0;owned\x07"
    engine = make_engine(parse(team.url))  # the admin: add-user would have cleaned it
    try:
        with engine.begin() as db:
            db.execute(
                text("UPDATE callmate_users SET display_name = :d WHERE role_name = :r"),
                {"d": hostile, "r": priya},
            )
    finally:
        engine.dispose()

    def check(shown: str) -> None:
        assert "\x1b" not in shown and "\x07" not in shown
        assert "[bold red]Priya[/]" in shown

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        check(screen_text(pilot))
        await pilot.press("e")
        await settle(pilot)
        await app.push_screen(TimelineScreen(contact_id(team, "Dana Whitfield")))
        await settle(pilot)
        check(screen_text(pilot))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Dana Whitfield")
        await settle(pilot)
        note = str(app.screen.query_one("#team-note").render())
        assert "\x1b" not in note and "\x07" not in note
        assert note.startswith("→ [bold red]Priya[/] [31mShah]0;owned spoke to Dana")
        check(screen_text(pilot))


async def test_on_sqlite_there_is_no_team(app: CallmateApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "the team" not in screen_text(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.sub_title == "Home" and not app.screen.team_view


async def test_a_kept_step_is_said_kept(
    sam_app: tuple[CallmateApp, str, str],
    team: Team,  # noqa: F811
) -> None:
    app, _, _ = sam_app
    engine = make_engine(parse(team.url))
    try:
        with engine.begin() as db:  # Priya kept her step with Dana
            db.execute(
                text("UPDATE calls SET next_step_done_at = now() WHERE next_step_what = 'demo'")
            )
    finally:
        engine.dispose()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Dana Whitfield")
        await settle(pilot)
        assert str(app.screen.query_one("#team-note").render()) == (
            "→ Priya Shah spoke to Dana Whitfield on Friday; next step kept: demo."
        )


def step_done_at(team: Team, step: str) -> object:  # noqa: F811
    engine = make_engine(parse(team.url))
    try:
        with engine.connect() as db:
            return db.execute(
                text("SELECT next_step_done_at FROM calls WHERE next_step_what = :s"), {"s": step}
            ).scalar_one()
    finally:
        engine.dispose()


def step_line(shown: str, step: str) -> str:
    return next(line for line in shown.splitlines() if f"Next step: {step}" in line)


async def test_sam_marking_priyas_step_in_the_timeline_is_refused_in_one_line(
    sam_app: tuple[CallmateApp, str, str],
    team: Team,  # noqa: F811
) -> None:
    app, _, _ = sam_app
    refusal = "That is Priya Shah's call: only Priya Shah can change it."
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await app.push_screen(TimelineScreen(contact_id(team, "Dana Whitfield")))
        await settle(pilot)
        before = screen_text(pilot)
        assert "OPEN" in step_line(before, "demo")
        # The newest line is highlighted: Priya's call, her step "demo".
        await pilot.press("d")
        await settle(pilot)
        shown = screen_text(pilot)
        # One line, wrapped by the toast at 80 columns.
        assert "That is Priya Shah's call: only" in shown and "Priya Shah can change it." in shown
        assert [n.message for n in app._notifications] == [refusal]  # one line, once
        assert step_line(shown, "demo") == step_line(before, "demo")  # still OPEN
        assert step_done_at(team, "demo") is None
        # Sam's own step, one line up, is his to mark: the same key works there.
        await pilot.press("up")
        await pilot.press("d")
        await settle(pilot)
        assert "KEPT" in step_line(screen_text(pilot), "send pricing")
        assert step_done_at(team, "send pricing") is not None


async def test_a_call_that_became_another_reps_meanwhile_is_refused_not_silently_kept(
    sam_app: tuple[CallmateApp, str, str],
    team: Team,  # noqa: F811
) -> None:
    """The list was read while the call was Sam's; the admin gave it to Priya since.
    The database changes nothing (row-level security): the screen says so and shows
    the step as it is stored, never as kept."""
    app, _, priya = sam_app
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await app.push_screen(TimelineScreen(contact_id(team, "Dana Whitfield")))
        await settle(pilot)
        assert "Sam Rivera · 10 days ago" in screen_text(pilot)
        engine = make_engine(parse(team.url))
        try:
            with engine.begin() as db:
                db.execute(
                    text("UPDATE calls SET owner_role = :p WHERE next_step_what = 'send pricing'"),
                    {"p": priya},
                )
        finally:
            engine.dispose()
        await pilot.press("up")  # Sam's call, as the list still shows it
        await pilot.press("d")
        await settle(pilot)
        await settle(pilot)  # the refusal is told once the database answered
        shown = screen_text(pilot)
        # The toast wraps the line at 80 columns.
        assert "That is Priya Shah's call: only" in shown and "Priya Shah can change it." in shown
        refusal = "That is Priya Shah's call: only Priya Shah can change it."
        assert [n.message for n in app._notifications] == [refusal]
        assert "OVERDUE" in step_line(shown, "send pricing")  # as stored: not kept
        assert "Priya Shah · 10 days ago" in shown  # the list read again: hers now
        assert step_done_at(team, "send pricing") is None


def test_the_store_refuses_changes_to_another_reps_promises(
    team: Team,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every change the screens make to a promise (keep, reopen, move; the next step or
    a commitment) raises NotYours on another rep's call, instead of changing nothing."""
    from callmate.store.service import NotYours
    from tests.test_pg_roles import made_by

    priya = team.add(capsys, monkeypatch, "--name", "Priya Shah")
    sam = team.add(capsys, monkeypatch, "--name", "Sam Rivera")
    hers = made_by(team, priya)  # a next step "demo" and a "we owe" due 20 November
    repo = Repository.open_url(team.url_of(sam))
    try:
        (owed,) = [n for n in repo.get_call(hers).notes if n.is_commitment]
        assert owed.id is not None
        attempts = [
            lambda: repo.mark_step_done(hers, NOW),
            lambda: repo.reschedule_step(hers, date(2026, 12, 1)),
            lambda: repo.set_commitment_done(owed.id or 0, NOW),
            lambda: repo.reschedule_commitment(owed.id or 0, date(2026, 12, 1)),
        ]
        for attempt in attempts:
            with pytest.raises(NotYours) as refused:
                attempt()
            assert refused.value.message == (
                "That is Priya Shah's call: only Priya Shah can change it."
            )
        assert repo.others_calls([hers]) == {hers: "Priya Shah"}
        kept = repo.get_call(hers)
        assert kept.next_step_done_at is None and kept.next_step is not None
        assert kept.next_step.due == date(2026, 11, 19)
        (still,) = [n for n in kept.notes if n.is_commitment]
        assert still.done_at is None and still.due == date(2026, 11, 20)
    finally:
        repo.close()


async def test_home_done_on_a_promise_that_became_another_reps_is_refused(
    sam_app: tuple[CallmateApp, str, str],
    team: Team,  # noqa: F811
) -> None:
    app, _, priya = sam_app
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "send pricing" in screen_text(pilot)  # Sam's own, overdue, at the top
        engine = make_engine(parse(team.url))
        try:
            with engine.begin() as db:  # the admin hands the call to Priya meanwhile
                db.execute(
                    text("UPDATE calls SET owner_role = :p WHERE next_step_what = 'send pricing'"),
                    {"p": priya},
                )
        finally:
            engine.dispose()
        await pilot.press("d")
        await settle(pilot)
        (refused,) = app._notifications
        assert refused.title == "Not changed" and refused.severity == "error"
        assert refused.message == "That is Priya Shah's call: only Priya Shah can change it."
        assert "Done:" not in screen_text(pilot)
    assert step_done_at(team, "send pricing") is None
