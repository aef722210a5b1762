"""Contacts you can reach (issue 21) on screen: the plan screen takes a contact's
e-mail, phone and title (filled in for a known contact, a bad e-mail refused
in one line with nothing typed lost), the timeline and the live call's prep
show them, and hostile text in them is shown literally and never reaches the
terminal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from callmate.app import CallmateApp, make_app
from callmate.clock import FrozenClock
from callmate.domain.models import (
    Call,
    Contact,
    ContactRole,
    NextStep,
    Outcome,
    Owner,
    email_problem,
)
from callmate.locations import database_path
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.precall import FollowUp, PreCallScreen
from callmate.screens.timeline import TimelineScreen
from callmate.store.repository import Repository
from tests.conftest import NOW
from tests.helpers import FakeClipboard, screen_text, settle, type_text
from tests.test_hostile_text import assert_literal

DANA = Contact(
    name="Dana Whitfield",
    company="Northwind",
    role=ContactRole.CHAMPION,
    email="dana@northwind.example",
    phone="+1 555 010 2030",
    title="Head of Operations",
)


def seed_dana(home: Path, contact: Contact = DANA, days_ago: int = 3) -> int:
    repo = Repository.open(database_path(home))
    try:
        call = repo.start_call(
            Call(contact=contact, goal="Book a demo", started_at=NOW - timedelta(days=days_ago))
        )
        assert call.id is not None and call.contact.id is not None
        step = NextStep(what="Demo", owner=Owner.US, due=NOW.date() + timedelta(days=7))
        repo.finish_call(call.id, outcome=Outcome.YES, next_step=step, ended_at=call.started_at)
        return call.contact.id
    finally:
        repo.close()


def stored_contacts(home: Path) -> list[Contact]:
    repo = Repository.open(database_path(home))
    try:
        return repo.list_contacts()
    finally:
        repo.close()


async def open_plan(pilot: Pilot[Any]) -> PreCallScreen:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PreCallScreen)
    return screen


def value(screen: Any, field: str) -> str:
    return str(screen.query_one(f"#{field}", Input).value)


def focused(pilot: Pilot[Any]) -> str | None:
    return pilot.app.focused.id if pilot.app.focused is not None else None


async def test_the_plan_takes_email_phone_and_title_at_80x24(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot)
        shown = screen_text(pilot)
        for label in ("Email", "Phone", "Title", "Goal", "Backup goal"):
            assert label in shown, f"{label} is not on the 80x24 plan screen"
        await type_text(pilot, "Lee Park\nAcme\nc")
        assert focused(pilot) == "role"
        await type_text(pilot, "{tab}lee@acme.example{tab}020 7946 0018{tab}Buyer\n")
        assert focused(pilot) == "call-type"  # Enter walks on from the title
        await type_text(pilot, "\nAgree the pilot{ctrl+s}")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
        # The live call's prep shows the number, to dial back if the line drops.
        await pilot.press("ctrl+b")  # at 80x24 the prep is over the notes, on demand
        await settle(pilot)
        assert "Phone 020 7946 0018" in screen_text(pilot)
    (lee,) = stored_contacts(isolated_home)
    assert (lee.email, lee.phone, lee.title, lee.role) == (
        "lee@acme.example",
        "020 7946 0018",
        "Buyer",
        ContactRole.CHAMPION,
    )


async def test_enter_on_the_role_steps_over_them_as_before(app: CallmateApp) -> None:
    """The habit "name, company, role, type, goal" with Enter still lands in the goal."""
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot)
        await type_text(pilot, "Lee Park\nAcme\nd\n\nAgree the pilot")
        screen = app.screen
        assert value(screen, "goal") == "Agree the pilot"
        assert [value(screen, f) for f in ("email", "phone", "title")] == ["", "", ""]


async def test_a_bad_email_is_named_in_one_line_and_nothing_typed_is_lost(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot)
        await type_text(pilot, "Lee Park\nAcme\nc{tab}lee at acme{tab}+44 20 7946{tab}Buyer\n")
        await type_text(pilot, "\nAgree the pilot{ctrl+s}")
        await settle(pilot)
        assert app.screen is screen  # not started
        problem = email_problem("lee at acme")
        assert problem is not None
        shown = screen_text(pilot)
        assert problem in " ".join(shown.split())
        assert focused(pilot) == "email"  # back where the slip is
        assert [value(screen, f) for f in ("contact-name", "company", "goal")] == [
            "Lee Park",
            "Acme",
            "Agree the pilot",
        ]
        assert [value(screen, f) for f in ("email", "phone", "title")] == [
            "lee at acme",
            "+44 20 7946",
            "Buyer",
        ]
        assert stored_contacts(isolated_home) == []
        # Fixed in place, the call starts.
        await type_text(pilot, "{ctrl+u}lee@acme.example{ctrl+s}")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
    (lee,) = stored_contacts(isolated_home)
    assert lee.email == "lee@acme.example"


async def test_a_bad_email_is_kept_in_the_draft(isolated_home: Path) -> None:
    first = make_app(isolated_home, clock=FrozenClock(NOW), clipboard=FakeClipboard())
    try:
        async with first.run_test(size=(80, 24)) as pilot:
            await open_plan(pilot)
            await type_text(pilot, "Lee Park\nAcme\nc{tab}lee@acme{tab}+44 20 7946{tab}Buyer")
            await pilot.press("escape")
            await settle(pilot)
    finally:
        first.store.close()
    again = make_app(isolated_home, clock=FrozenClock(NOW), clipboard=FakeClipboard())
    try:
        async with again.run_test(size=(80, 24)) as pilot:
            screen = await open_plan(pilot)
            assert [value(screen, f) for f in ("email", "phone", "title")] == [
                "lee@acme",
                "+44 20 7946",
                "Buyer",
            ]
            assert focused(pilot) == "title"  # the cursor where it was
    finally:
        again.store.close()


async def test_a_known_contact_fills_them_and_an_edit_updates_the_contact(
    app: CallmateApp, isolated_home: Path
) -> None:
    seed_dana(isolated_home)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot)
        await type_text(pilot, "Dana Whitfield")
        await settle(pilot)
        assert [value(screen, f) for f in ("email", "phone", "title")] == [
            DANA.email,
            DANA.phone,
            DANA.title,
        ]
        screen.set_focus(screen.query_one("#phone"))
        await type_text(pilot, "{ctrl+u}+1 555 010 9999")
        screen.set_focus(screen.query_one("#goal"))
        await type_text(pilot, "Run the demo{ctrl+s}")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
    (dana,) = stored_contacts(isolated_home)
    assert (dana.email, dana.phone, dana.title) == (DANA.email, "+1 555 010 9999", DANA.title)


async def test_another_person_clears_what_the_known_one_filled(
    app: CallmateApp, isolated_home: Path
) -> None:
    seed_dana(isolated_home)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot)
        await type_text(pilot, "Dana Whitfield")
        await settle(pilot)
        assert value(screen, "email") == DANA.email
        await type_text(pilot, " Jr")
        await settle(pilot)
        assert [value(screen, f) for f in ("email", "phone", "title")] == ["", "", ""]


async def test_the_timeline_shows_them(app: CallmateApp, isolated_home: Path) -> None:
    contact_id = seed_dana(isolated_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(TimelineScreen(contact_id))
        await settle(pilot)
        shown = screen_text(pilot)
        assert "Head of Operations · dana@northwind.example · +1 555 010 2030" in shown


HOSTILE = {
    "email": "[b]dana[/b]@acme.example\x1b[31m\x07",
    "phone": "[@click=app.quit]555[/] \x1b]52;c;aGFja2Vk\x07",
    "title": "[bold]x[/] [/] [TODO] \x1b]0;pwned\x07red",
}


async def test_hostile_text_in_them_is_literal_and_never_reaches_the_terminal(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_plan(pilot)
        await type_text(pilot, "Lee Park\nAcme\n")
        for field, text in HOSTILE.items():
            screen.query_one(f"#{field}", Input).value = text
        await type_text(pilot, "\n\nAgree the pilot")
        await settle(pilot)
        shown = screen_text(pilot)
        assert "[b]dana[/b]@acme.example" in shown and "[TODO]" in shown
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
        assert "[@click=app.quit]555[/]" in screen_text(pilot)  # the prep's phone
        (lee,) = [c for c in stored_contacts(isolated_home) if c.name == "Lee Park"]
        for stored in (lee.email, lee.phone, lee.title):
            assert "\x1b" not in stored and "\x07" not in stored
        assert lee.email == "[b]dana[/b]@acme.example[31m"
        assert lee.id is not None
        await pilot.press("ctrl+o")  # leave the call for the timeline
        await settle(pilot)
        app.push_screen(TimelineScreen(lee.id))
        await settle(pilot)
        shown = screen_text(pilot)
        assert "[bold]x[/] [/] [TODO]" in shown
        assert "[b]dana[/b]@acme.example" in shown
        assert "[@click=app.quit]555[/]" in shown
        assert_literal("[bold]x[/] [/] [TODO] [@click=app.quit]x[/] red" + shown)


async def test_a_plan_for_a_contact_picked_without_them_fills_them(
    app: CallmateApp, isolated_home: Path
) -> None:
    """Home's "going cold" row hands the plan a contact read without them (name,
    company, role): the plan fills them from the stored contact, so a save
    doesn't blank them."""
    contact_id = seed_dana(isolated_home)
    bare = Contact(id=contact_id, name=DANA.name, company=DANA.company, role=DANA.role)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(PreCallScreen(prefill=FollowUp(bare)))
        await settle(pilot)
        screen = app.screen
        assert [value(screen, f) for f in ("email", "phone", "title")] == [
            DANA.email,
            DANA.phone,
            DANA.title,
        ]
        await type_text(pilot, "Catch up{ctrl+s}")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
    (dana,) = stored_contacts(isolated_home)
    assert (dana.email, dana.phone, dana.title) == (DANA.email, DANA.phone, DANA.title)


async def test_following_up_a_contact_going_cold_brings_them(
    app: CallmateApp, isolated_home: Path
) -> None:
    from callmate.domain.agenda import ColdRow
    from callmate.screens.home import HomeScreen

    seed_dana(isolated_home, days_ago=45)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        for _ in range(20):
            if isinstance(home._current(), ColdRow):
                break
            await pilot.press("down")
        assert isinstance(home._current(), ColdRow)
        await pilot.press("f")
        await settle(pilot)
        plan = app.screen
        assert isinstance(plan, PreCallScreen)
        assert [value(plan, f) for f in ("contact-name", "email", "phone", "title")] == [
            DANA.name,
            DANA.email,
            DANA.phone,
            DANA.title,
        ]


async def test_a_rep_planning_on_the_team_database_lands_on_the_contact_of_that_email(
    team: Repository, pg_store_url: str, isolated_home: Path
) -> None:
    """Through the outbox (the live call is written locally first, then pushed):
    another spelling of the name with the team contact's e-mail is that contact,
    and what the rep left empty (the phone) is not erased."""
    from sqlalchemy import text

    from callmate.store.database_url import parse
    from tests.test_pg_outbox import until

    held = team.start_call(
        Call(contact=DANA, goal="Book a demo", started_at=NOW - timedelta(days=40))
    )
    step = NextStep(what="Demo", owner=Owner.US, due=NOW.date() + timedelta(days=7))
    team.finish_call(held.id or 0, outcome=Outcome.YES, next_step=step, ended_at=held.started_at)
    app = make_app(
        isolated_home, clock=FrozenClock(NOW), clipboard=FakeClipboard(), team=parse(pg_store_url)
    )
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await open_plan(pilot)
            await type_text(pilot, "D. Whitfield\nNW\nc{tab}DANA@northwind.example{tab}{tab}")
            await type_text(pilot, "\n\nPricing{ctrl+s}")
            await settle(pilot)
            assert isinstance(app.screen, LiveCallScreen)

            def pushed() -> list[tuple[object, ...]]:
                with team.engine.connect() as db:
                    return [
                        tuple(row)
                        for row in db.execute(
                            text("SELECT contact_id FROM calls WHERE goal = 'Pricing'")
                        )
                    ]

            await until(pilot, lambda: bool(pushed()), "the call pushed")
            assert pushed() == [(held.contact.id,)]
    finally:
        app.store.close()
    (dana,) = team.list_contacts()
    assert (dana.name, dana.company, dana.phone, dana.title) == (
        DANA.name,
        DANA.company,
        DANA.phone,
        DANA.title,
    )
    assert dana.email == "DANA@northwind.example"


async def test_on_the_team_database_a_field_cleared_on_the_plan_is_cleared(
    team: Repository, pg_store_url: str, isolated_home: Path
) -> None:
    """The plan showed the team contact's title; the rep cleared it: the push
    clears it too (an empty field means "not known" only when the rep never
    saw the contact's, as in the test above)."""
    from sqlalchemy import text

    from callmate.store.database_url import parse
    from tests.test_pg_outbox import until

    held = team.start_call(
        Call(contact=DANA, goal="Book a demo", started_at=NOW - timedelta(days=40))
    )
    step = NextStep(what="Demo", owner=Owner.US, due=NOW.date() + timedelta(days=7))
    team.finish_call(held.id or 0, outcome=Outcome.YES, next_step=step, ended_at=held.started_at)
    app = make_app(
        isolated_home, clock=FrozenClock(NOW), clipboard=FakeClipboard(), team=parse(pg_store_url)
    )
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_plan(pilot)
            await type_text(pilot, "Dana Whitfield")
            await settle(pilot)
            assert value(screen, "title") == DANA.title
            screen.set_focus(screen.query_one("#title"))
            await type_text(pilot, "{ctrl+u}\n\nPricing{ctrl+s}")
            await settle(pilot)
            assert isinstance(app.screen, LiveCallScreen)

            def pushed() -> bool:
                with team.engine.connect() as db:
                    return bool(
                        db.execute(text("SELECT 1 FROM calls WHERE goal = 'Pricing'")).first()
                    )

            await until(pilot, pushed, "the call pushed")
    finally:
        app.store.close()
    (dana,) = team.list_contacts()
    assert (dana.email, dana.phone, dana.title) == (DANA.email, DANA.phone, "")
