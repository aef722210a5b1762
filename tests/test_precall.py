"""Before the call: goal and backup, research, the keyword plan, the bank, carry-over."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from callmate.app import CallmateApp
from callmate.domain.models import (
    Call,
    CallType,
    Contact,
    ContactRole,
    NextStep,
    Note,
    NoteKind,
    Outcome,
    Owner,
    Question,
    QuestionOrigin,
    ResearchArea,
)
from callmate.locations import database_path
from callmate.screens.dialogs.bank import BankScreen
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.precall import PreCallScreen
from callmate.store.repository import Repository
from callmate.widgets.question_plan import QuestionPlan
from tests.conftest import NOW
from tests.helpers import screen_text, settle, type_text


def stored_calls(home: Path) -> list[Call]:
    repo = Repository.open(database_path(home))
    try:
        return repo.all_calls()
    finally:
        repo.close()


def plan_texts(pilot: Pilot[Any]) -> list[str]:
    return [q.text for q in pilot.app.screen.query_one(QuestionPlan).questions]


async def open_precall(pilot: Pilot[Any]) -> PreCallScreen:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PreCallScreen)
    return screen


async def test_maintenance_goal_is_nudged_but_not_blocked(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await open_precall(pilot)
        await type_text(pilot, "Dana\nNorthwind\n")
        await pilot.press("enter", "enter")  # role and call type: keep as they are
        await type_text(pilot, "just checking in")
        text = screen_text(pilot)
        assert "A check-in alone won't grow the account" in text
        assert "If the goal slips, what would still make this call worth it?" in text

        await type_text(pilot, "\nName of their ops lead")
        text = screen_text(pilot)
        assert "what would still make this call worth it" not in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen), "a nudge never blocks"
    (call,) = stored_calls(isolated_home)
    assert call.goal == "just checking in"
    assert call.backup_goal == "Name of their ops lead"


async def test_a_real_goal_gets_no_nudge(app: CallmateApp) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await open_precall(pilot)
        app.screen.query_one("#goal").value = "Check in on the pilot and book the rollout review"  # type: ignore[attr-defined]
        app.screen.query_one("#backup-goal").value = "Date for the review"  # type: ignore[attr-defined]
        await settle(pilot)
        text = screen_text(pilot)
        assert "check-in alone" not in text
        assert "worth it?" not in text


async def test_long_list_and_scripted_entries_are_nudged_not_blocked(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(180, 50)) as pilot:
        screen = await open_precall(pilot)
        assert len(plan_texts(pilot)) == 5, "the call type pre-selects a short starter list"
        assert "questions planned" not in screen_text(pilot)

        screen.set_focus(screen.query_one("#question-input"))
        await type_text(pilot, "Can you tell me how you usually buy software like ours?\n")
        text = screen_text(pilot)
        assert "6 questions planned. Pick the 5 that matter most" in text
        assert "Reads like a script" in text
        assert 'e.g. "' in text

        # k on the highlighted (just added) entry turns it into keywords.
        plan = screen.query_one(QuestionPlan)
        screen.set_focus(plan)
        await pilot.press("k")
        await settle(pilot)
        shortened = plan_texts(pilot)[-1]
        assert shortened != "Can you tell me how you usually buy software like ours?"
        assert len(shortened.split()) <= 5
        assert "Reads like a script" not in screen_text(pilot)

        screen.query_one("#contact-name").value = "Dana"  # type: ignore[attr-defined]
        screen.query_one("#goal").value = "Learn how they buy"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
    (call,) = stored_calls(isolated_home)
    assert len(call.questions) == 6


async def test_plan_can_be_reordered_and_trimmed(app: CallmateApp) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_precall(pilot)
        before = plan_texts(pilot)
        plan = screen.query_one(QuestionPlan)
        screen.set_focus(plan)
        plan.highlighted = 1
        await pilot.press("alt+up")
        assert plan_texts(pilot)[:2] == [before[1], before[0]]
        await pilot.press("alt+down", "alt+down")
        assert plan_texts(pilot)[:3] == [before[0], before[2], before[1]]
        await pilot.press("delete")
        assert plan_texts(pilot) == [before[0], before[2], *before[3:]]


async def test_call_type_preselects_its_set_until_the_plan_is_edited(app: CallmateApp) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_precall(pilot)
        discovery = plan_texts(pilot)
        screen.set_focus(screen.query_one("#call-type"))
        await pilot.press("i")  # customer interview
        interview = plan_texts(pilot)
        assert interview != discovery
        assert "Problem they were solving" in interview
        screen.set_focus(screen.query_one("#question-input"))
        await type_text(pilot, "pricing model\n")
        screen.set_focus(screen.query_one("#call-type"))
        await pilot.press("c")  # closing: the edited plan stays
        assert plan_texts(pilot) == [*interview, "pricing model"]


async def test_bank_search_and_pick(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_precall(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert isinstance(app.screen, BankScreen)
        assert "Question bank · Discovery sets first" in screen_text(pilot)
        await type_text(pilot, "bdgt cyc")
        text = screen_text(pilot)
        assert "Budget cycle timing" in text
        await type_text(pilot, "\n")  # pick the top hit
        assert "✓ Budget cycle timing" in screen_text(pilot)
        app.screen.query_one("#bank-search").value = ""  # type: ignore[attr-defined]
        await type_text(pilot, "objectors")
        await pilot.press("enter", "escape")
        await settle(pilot)
        assert app.screen is screen
        texts = plan_texts(pilot)
        assert texts[-2:] == ["Budget cycle timing", "Possible objectors"]
        origins = [q.origin for q in screen.query_one(QuestionPlan).questions]
        assert origins[-1] is QuestionOrigin.BANK


async def test_research_line_becomes_a_question_to_verify(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_precall(pilot)
        await type_text(pilot, "Dana\nNorthwind\n\n\nBook a demo\n\n")
        assert app.focused is not None and app.focused.id == "research-area"
        await type_text(pilot, "w\t")  # heading: website, then the line
        await type_text(pilot, "hiring three dispatch planners\nnews: Q3 revenue down 8%\n")
        text = screen_text(pilot)
        assert "WEBSITE" in text and "hiring three dispatch planners" in text
        assert "NEWS" in text and "Q3 revenue down 8%" in text

        await pilot.press("tab")  # into the research list
        assert app.focused is not None and app.focused.id == "research"
        await pilot.press("v")
        await settle(pilot)
        assert "verify: Q3 revenue down 8%" in plan_texts(pilot)
        assert "verify: Q3 revenue down 8%" in screen_text(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
        assert "verify: Q3 revenue down 8%" in screen_text(pilot)
    (call,) = stored_calls(isolated_home)
    assert [(r.area, r.text) for r in call.research] == [
        (ResearchArea.WEBSITE, "hiring three dispatch planners"),
        (ResearchArea.NEWS, "Q3 revenue down 8%"),
    ]
    verify = [q for q in call.questions if q.origin is QuestionOrigin.VERIFY]
    assert [q.text for q in verify] == ["verify: Q3 revenue down 8%"]
    assert screen is not None


def seed_history(home: Path) -> None:
    """Dana: one finished discovery call with loose ends, one older call."""
    repo = Repository.open(database_path(home))
    try:
        older = repo.start_call(
            Call(
                contact=Contact(
                    name="Dana Whitfield", company="Northwind", role=ContactRole.CHAMPION
                ),
                goal="First contact",
                started_at=NOW - timedelta(days=40),
            )
        )
        assert older.id is not None
        repo.save_note(
            older.id,
            Note(
                kind=NoteKind.OURS, text="send the case study", created_at=NOW - timedelta(days=40)
            ),
        )
        repo.finish_call(
            older.id,
            outcome=Outcome.MAYBE,
            next_step=NextStep(
                what="Discovery call", owner=Owner.US, due=(NOW - timedelta(days=30)).date()
            ),
            ended_at=NOW - timedelta(days=40),
        )
        last = repo.start_call(
            Call(
                contact=Contact(
                    name="Dana Whitfield", company="Northwind", role=ContactRole.CHAMPION
                ),
                call_type=CallType.DISCOVERY,
                goal="Book a demo with the ops team",
                questions=[
                    Question(text="budget cycle"),
                    Question(text="who decides"),
                    Question(text="rollout date"),
                ],
                started_at=NOW - timedelta(days=7),
            )
        )
        assert last.id is not None
        repo.set_question_asked(last.questions[1].id or 0, True)
        for kind, text in [
            (NoteKind.QUOTE, "we lose a day every week"),
            (NoteKind.OURS, "send the pricing sheet"),
            (NoteKind.THEIRS, "intro to the ops lead"),
        ]:
            repo.save_note(last.id, Note(kind=kind, text=text, created_at=NOW - timedelta(days=7)))
        repo.finish_call(
            last.id,
            outcome=Outcome.YES,
            next_step=NextStep(
                what="Demo for the ops team", owner=Owner.BOTH, due=date(2026, 11, 24)
            ),
            ended_at=NOW - timedelta(days=7),
        )
    finally:
        repo.close()


async def test_known_contact_brings_a_prep_brief_and_carry_over(
    app: CallmateApp, isolated_home: Path
) -> None:
    seed_history(isolated_home)
    async with app.run_test(size=(100, 50)) as pilot:
        await settle(pilot)
        keys = 0

        async def press(*names: str) -> None:
            nonlocal keys
            keys += len(names)
            await pilot.press(*names)
            await settle(pilot)

        await press("n")
        await type_text(pilot, "Da")
        await press("right")  # accept the suggested name
        # Known: company, role and type are filled in; Enter walks past them
        # to the goal, as for anyone else (the same keys, known or not).
        await press("enter", "enter", "enter", "enter")
        assert app.focused is not None and app.focused.id == "goal"
        screen = app.screen
        assert screen.query_one("#company").value == "Northwind"  # type: ignore[attr-defined]
        assert screen.query_one("#role").value == "champion"  # type: ignore[attr-defined]
        assert screen.query_one("#call-type").value == "follow_up"  # type: ignore[attr-defined]

        text = screen_text(pilot)
        assert "Prep brief" in text
        assert "2 earlier calls · last Sun 15 Nov · Discovery · YES" in text
        assert "Last goal: Book a demo with the ops team" in text
        assert "Agreed next step: Demo for the ops team (both, Tue 24 Nov)" in text
        rows = [row.strip(" │") for row in text.splitlines()]
        owe = rows.index("We still owe:")
        assert rows[owe + 1 : owe + 5] == [
            "send the case study",
            "send the pricing sheet",
            "They still owe:",
            "intro to the ops lead",
        ]
        assert "“we lose a day every week”" in text
        assert "Not asked last time: budget cycle, rollout date" in text

        await type_text(pilot, "Run the demo and agree a pilot")
        await press("ctrl+l")
        assert plan_texts(pilot)[-2:] == ["budget cycle", "rollout date"]
        await press("ctrl+s")
        assert isinstance(app.screen, LiveCallScreen)
        assert keys < 10, f"{keys} keys beyond the typed text"

    calls = stored_calls(isolated_home)
    new = calls[-1]
    assert new.contact.id == calls[0].contact.id, "the same contact, not a new one"
    assert new.call_type is CallType.FOLLOW_UP
    assert new.contact.role is ContactRole.CHAMPION
    carried = [q.text for q in new.questions if q.origin is QuestionOrigin.CARRIED]
    assert carried == ["budget cycle", "rollout date"]


async def test_new_contact_has_no_brief_and_nothing_to_carry(app: CallmateApp) -> None:
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await open_precall(pilot)
        await type_text(pilot, "Someone New\n")
        assert "Prep brief" not in screen_text(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert "Nothing to carry over" in screen_text(pilot)


async def test_same_name_at_another_company_is_another_person(
    app: CallmateApp, isolated_home: Path
) -> None:
    seed_history(isolated_home)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_precall(pilot)
        await type_text(pilot, "Dana Whitfield")
        assert screen.query_one("#company").value == "Northwind"  # type: ignore[attr-defined]
        screen.query_one("#company").value = "Elsewhere Ltd"  # type: ignore[attr-defined]
        await settle(pilot)
        assert "Prep brief" not in screen_text(pilot)
        screen.query_one("#goal").value = "Intro"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
    calls = stored_calls(isolated_home)
    assert calls[-1].contact.company == "Elsewhere Ltd"
    assert calls[-1].contact.id != calls[0].contact.id


async def test_typing_in_a_list_goes_back_to_its_field(app: CallmateApp) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_precall(pilot)
        screen.set_focus(screen.query_one("#research-input"))
        await type_text(pilot, "news: merger rumours\n\tmore")  # Tab lands on the list
        assert app.focused is not None and app.focused.id == "research-input"
        assert screen.query_one("#research-input").value == "more"  # type: ignore[attr-defined]
        screen.set_focus(screen.query_one("#plan"))
        await type_text(pilot, "rollout date\n")
        assert plan_texts(pilot)[-1] == "rollout date"
