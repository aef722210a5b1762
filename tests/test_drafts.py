"""Issue 11: a plan typed on the plan screen is never lost.

It survives Esc and quitting (as ``drafts/plan.json`` in the data folder),
comes back the next time a call is planned, and is gone once the call starts.
A follow-up keeps a draft of its own. Enter walks the same fields whether or
not the contact is known.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from callmate.app import CallmateApp, make_app
from callmate.clock import FrozenClock
from callmate.domain.drafts import PlanDraft, plan_key
from callmate.domain.models import Question, QuestionOrigin, ResearchArea, ResearchLine
from callmate.drafts import PlanDrafts, wait_for_writes
from callmate.screens.dialogs.confirm import ConfirmScreen
from callmate.screens.home import HomeScreen
from callmate.screens.live_call import LiveCallScreen
from callmate.screens.precall import DRAFT_EVERY, PreCallScreen
from callmate.widgets.question_plan import QuestionPlan
from callmate.widgets.research_list import ResearchList
from tests.helpers import FakeClipboard, screen_text, settle, type_text
from tests.test_precall import seed_history, stored_calls


def draft_file(home: Path, key: str = "plan") -> Path:
    return home / "drafts" / f"{key}.json"


def value(pilot: Pilot[Any], field_id: str) -> str:
    return pilot.app.screen.query_one(f"#{field_id}", Input).value


async def new_plan(pilot: Pilot[Any]) -> PreCallScreen:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PreCallScreen)
    return screen


async def type_a_plan(pilot: Pilot[Any]) -> None:
    """Contact, company, role, type, goal, backup, a research line, a question
    and a research line still being typed (not yet Entered)."""
    await type_text(pilot, "Dana Whitfield\nNorthwind\nc\np\nBook a demo\nName of the ops lead\n")
    await type_text(pilot, "\tnews: Q3 revenue down 8%\n")
    screen = pilot.app.screen
    screen.set_focus(screen.query_one("#question-input"))
    await type_text(pilot, "pricing model\n")
    screen.set_focus(screen.query_one("#research-input"))
    await type_text(pilot, "hiring three plan")


def assert_plan_is_back(pilot: Pilot[Any]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, PreCallScreen)
    assert value(pilot, "contact-name") == "Dana Whitfield"
    assert value(pilot, "company") == "Northwind"
    assert screen.query_one("#role").value == "champion"  # type: ignore[attr-defined]
    assert screen.query_one("#call-type").value == "proposal"  # type: ignore[attr-defined]
    assert value(pilot, "goal") == "Book a demo"
    assert value(pilot, "backup-goal") == "Name of the ops lead"
    assert [(r.area, r.text) for r in screen.query_one(ResearchList).lines] == [
        (ResearchArea.NEWS, "Q3 revenue down 8%")
    ]
    assert value(pilot, "research-input") == "hiring three plan"
    assert screen.query_one(QuestionPlan).questions[-1].text == "pricing model"
    text = screen_text(pilot)
    assert "Continuing your unfinished plan for Dana Whitfield (saved 15:00)" in text
    assert "Book a demo" in text
    # The cursor is back in the line being typed: typing carries on there.
    assert pilot.app.focused is not None and pilot.app.focused.id == "research-input"


async def test_a_plan_survives_esc_and_comes_back_with_n(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 50)) as pilot:
        await new_plan(pilot)
        await type_a_plan(pilot)
        await pilot.press("escape")  # straight away: no wait for the timer
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        wait_for_writes()
        saved = json.loads(draft_file(isolated_home).read_text())
        assert saved["goal"] == "Book a demo"
        assert saved["research_typing"] == "hiring three plan"
        assert stat.S_IMODE(draft_file(isolated_home).stat().st_mode) == 0o600

        await new_plan(pilot)
        assert_plan_is_back(pilot)
        await type_text(pilot, "s")
        assert value(pilot, "research-input") == "hiring three plans"


async def test_a_plan_survives_quitting_and_comes_back_in_a_new_run(
    clock: FrozenClock, isolated_home: Path
) -> None:
    first = make_app(isolated_home, clock=clock, clipboard=FakeClipboard())
    try:
        async with first.run_test(size=(100, 50)) as pilot:
            await new_plan(pilot)
            await type_a_plan(pilot)
            await pilot.press("ctrl+q")
            await pilot.pause()
    finally:
        first.store.close()
    wait_for_writes()
    assert "hiring three plan" in draft_file(isolated_home).read_text()

    second = make_app(isolated_home, clock=clock, clipboard=FakeClipboard())
    try:
        async with second.run_test(size=(100, 50)) as pilot:
            await new_plan(pilot)
            assert_plan_is_back(pilot)
    finally:
        second.store.close()


async def test_the_draft_is_written_while_typing_without_leaving(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 50)) as pilot:
        await new_plan(pilot)
        await type_text(pilot, "Dana Whitfield\nNorthwind\n\n\nBook a d")
        await pilot.pause(DRAFT_EVERY * 2.5)
        wait_for_writes()
        saved = PlanDraft.from_json(draft_file(isolated_home).read_text())
        assert (saved.contact_name, saved.goal) == ("Dana Whitfield", "Book a d")
        await type_text(pilot, "emo")
        await pilot.pause(DRAFT_EVERY * 2.5)
        wait_for_writes()
        saved = PlanDraft.from_json(draft_file(isolated_home).read_text())
        assert saved.goal == "Book a demo"


async def test_starting_the_call_removes_the_draft(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(100, 50)) as pilot:
        await new_plan(pilot)
        await type_a_plan(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await new_plan(pilot)
        assert_plan_is_back(pilot)
        wait_for_writes()
        assert draft_file(isolated_home).exists()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
        await pilot.pause(DRAFT_EVERY * 2)
        wait_for_writes()
        assert not draft_file(isolated_home).exists()
    (call,) = stored_calls(isolated_home)
    assert call.goal == "Book a demo"
    assert call.contact.name == "Dana Whitfield"


async def test_a_call_that_fails_to_start_keeps_its_draft(
    app: CallmateApp, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from callmate.store.repository import Repository

    def broken(self: Repository, call: object) -> None:
        raise OSError("database is locked")

    monkeypatch.setattr(Repository, "start_call", broken)
    async with app.run_test(size=(100, 50), notifications=True) as pilot:
        await new_plan(pilot)
        await type_text(pilot, "Dana Whitfield\nNorthwind\n\n\nBook a demo")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PreCallScreen)
        assert "database is locked" in screen_text(pilot)
        await type_text(pilot, " soon")
        await pilot.pause(DRAFT_EVERY * 2.5)
        wait_for_writes()
        saved = PlanDraft.from_json(draft_file(isolated_home).read_text())
        assert saved.goal == "Book a demo soon"


async def test_an_untouched_plan_leaves_no_draft(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(100, 50)) as pilot:
        await new_plan(pilot)
        await pilot.pause(DRAFT_EVERY * 2)
        await pilot.press("escape")
        await settle(pilot)
        wait_for_writes()
        assert not draft_file(isolated_home).exists()
        screen = await new_plan(pilot)
        assert not screen.query_one("#draft-note").display
        assert "unfinished plan" not in screen_text(pilot)


async def test_clearing_everything_typed_removes_the_draft(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 50)) as pilot:
        await new_plan(pilot)
        await type_text(pilot, "Dana")
        await pilot.press("escape")
        await settle(pilot)
        wait_for_writes()
        assert draft_file(isolated_home).exists()
        await new_plan(pilot)
        assert value(pilot, "contact-name") == "Dana"
        await type_text(pilot, "{ctrl+u}")  # delete the line
        await pilot.press("escape")
        await settle(pilot)
        wait_for_writes()
        assert not draft_file(isolated_home).exists()


async def test_start_afresh_asks_then_clears_the_plan(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 50)) as pilot:
        await new_plan(pilot)
        await type_a_plan(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await new_plan(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Clear this plan for Dana Whitfield and start afresh?" in screen_text(pilot)
        await pilot.press("n")  # no: all still there
        await settle(pilot)
        assert_plan_is_back(pilot)

        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PreCallScreen)
        assert value(pilot, "contact-name") == value(pilot, "goal") == ""
        assert not screen.query_one(ResearchList).lines
        assert app.focused is not None and app.focused.id == "contact-name"
        wait_for_writes()
        assert not draft_file(isolated_home).exists()
        await pilot.press("escape")
        await settle(pilot)
        await new_plan(pilot)
        assert value(pilot, "contact-name") == ""


async def test_a_follow_up_keeps_its_own_draft_and_leaves_the_other_alone(
    app: CallmateApp, isolated_home: Path
) -> None:
    seed_history(isolated_home)
    last = stored_calls(isolated_home)[-1]
    async with app.run_test(size=(100, 50)) as pilot:
        await new_plan(pilot)
        await type_text(pilot, "Someone New\nAcme\n\n\nIntro call")
        await pilot.press("escape")
        await settle(pilot)

        # f on Dana's next step: pre-filled for Dana, the other plan untouched.
        listing = app.screen.query_one("#agenda")
        ids = [o.id for o in listing.options]  # type: ignore[attr-defined]
        listing.highlighted = ids.index(f"step:{last.id}")  # type: ignore[attr-defined]
        await pilot.press("f")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PreCallScreen)
        assert screen.draft_key == plan_key(follows_call_id=last.id)
        assert value(pilot, "contact-name") == "Dana Whitfield"
        assert value(pilot, "goal") == "Demo for the ops team"
        assert "unfinished plan" not in screen_text(pilot)
        carried = [
            q.text
            for q in screen.query_one(QuestionPlan).questions
            if q.origin is QuestionOrigin.CARRIED
        ]
        assert carried == ["budget cycle", "rollout date"]
        # An untouched follow-up keeps no draft ...
        await pilot.pause(DRAFT_EVERY * 2)
        wait_for_writes()
        assert not draft_file(isolated_home, f"plan-follow-{last.id}").exists()
        # ... one with something typed does.
        screen.set_focus(screen.query_one("#backup-goal"))
        await type_text(pilot, "Date for the demo")
        plan = screen.query_one(QuestionPlan)
        screen.set_focus(plan)
        plan.highlighted = len(plan.questions) - 1
        await pilot.press("delete")  # drop "rollout date"
        await pilot.press("escape")
        await settle(pilot)
        wait_for_writes()
        assert draft_file(isolated_home, f"plan-follow-{last.id}").exists()
        assert "Intro call" in draft_file(isolated_home).read_text()

        # n: the plan from scratch, not the follow-up.
        await new_plan(pilot)
        assert value(pilot, "contact-name") == "Someone New"
        assert value(pilot, "goal") == "Intro call"
        await pilot.press("escape")
        await settle(pilot)

        # f again: the follow-up as it was left, the removed question still gone.
        await pilot.press("f")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PreCallScreen)
        assert value(pilot, "backup-goal") == "Date for the demo"
        texts = [q.text for q in screen.query_one(QuestionPlan).questions]
        assert "budget cycle" in texts and "rollout date" not in texts
        assert "Continuing your unfinished plan for Dana Whitfield" in screen_text(pilot)


@pytest.mark.parametrize("known", [True, False], ids=["known contact", "new contact"])
async def test_the_same_enters_reach_the_goal_known_contact_or_not(
    app: CallmateApp, isolated_home: Path, known: bool
) -> None:
    """Typing by habit: name, Enter, company, Enter, role, Enter, type, Enter, goal."""
    seed_history(isolated_home)
    name = "Dana Whitfield" if known else "Sam Newman"
    async with app.run_test(size=(100, 50)) as pilot:
        screen = await new_plan(pilot)
        await type_text(pilot, f"{name}\nNorthwind\n\n\nBook the pilot\nA date\n")
        assert value(pilot, "goal") == "Book the pilot"
        assert value(pilot, "backup-goal") == "A date"
        assert value(pilot, "company") == "Northwind", "typed over the filled-in company"
        assert (screen.known is not None) is known
        await type_text(pilot, "{ctrl+s}")
        await settle(pilot)
        assert isinstance(app.screen, LiveCallScreen)
    call = stored_calls(isolated_home)[-1]
    assert (call.contact.name, call.contact.company, call.goal) == (
        name,
        "Northwind",
        "Book the pilot",
    )


async def test_a_known_contact_with_a_role_typed_by_habit(
    app: CallmateApp, isolated_home: Path
) -> None:
    seed_history(isolated_home)
    async with app.run_test(size=(100, 50)) as pilot:
        screen = await new_plan(pilot)
        # Contacts arrive after the first keys: recognition must not move the cursor.
        await type_text(pilot, "Dana Whitfield\n\nd\n\nBook the pilot")
        assert value(pilot, "goal") == "Book the pilot"
        assert value(pilot, "company") == "Northwind"
        assert screen.query_one("#role").value == "decision_maker"  # type: ignore[attr-defined]
        assert screen.query_one("#call-type").value == "follow_up"  # type: ignore[attr-defined]


async def test_a_draft_that_cannot_be_written_is_reported_once_and_kept_on_screen(
    app: CallmateApp, isolated_home: Path
) -> None:
    (isolated_home / "drafts").write_text("not a folder")
    async with app.run_test(size=(100, 50), notifications=True) as pilot:
        await new_plan(pilot)
        await type_text(pilot, "Dana Whitfield")
        await pilot.pause(DRAFT_EVERY * 2.5)
        wait_for_writes()
        await settle(pilot)
        await type_text(pilot, " Jr")
        await pilot.pause(DRAFT_EVERY * 2.5)
        wait_for_writes()
        await settle(pilot)
        text = screen_text(pilot)
        assert text.count("Could not keep a draft of this plan") == 1
        assert value(pilot, "contact-name") == "Dana Whitfield Jr"


# -- the pure parts -------------------------------------------------------------
def test_draft_round_trip_and_what_counts_as_content(tmp_path: Path) -> None:
    empty = PlanDraft(auto_questions=["a"], questions=[Question(text="a")])
    assert not empty.has_content()
    edited = empty.model_copy(update={"questions": [Question(text="b")]})
    assert edited.has_content()
    draft = PlanDraft(
        contact_name="Dana\x1b[2J Whitfield",
        goal="Book a demo",
        research=[ResearchLine(area=ResearchArea.SAY, text="we lose a day")],
        questions=[Question(text="verify: x", origin=QuestionOrigin.VERIFY)],
    )
    assert draft.contact_name == "Dana[2J Whitfield", "control characters never come back"
    again = PlanDraft.from_json(draft.to_json())
    assert again.same_plan(draft)
    assert not again.same_plan(draft.model_copy(update={"goal": "Other"}))

    drafts = PlanDrafts(tmp_path)
    drafts.write("plan", draft)
    assert drafts.read("plan") == draft
    assert stat.S_IMODE((tmp_path / "drafts").stat().st_mode) == 0o700
    drafts.remove("plan")
    assert drafts.read("plan") is None
    drafts.remove("plan")  # twice is fine


def test_a_broken_draft_is_set_aside_not_deleted(tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "plan.json").write_text("{half a file")
    drafts = PlanDrafts(tmp_path)
    assert drafts.read("plan") is None
    (aside,) = folder.glob("plan.*.broken")
    assert aside.read_text() == "{half a file"
    # A second broken draft is set aside beside the first, not over it.
    (folder / "plan.json").write_text('{"role": "boss"}')
    assert drafts.read("plan") is None, "a role that is no choice is not restored"
    assert sorted(p.read_text() for p in folder.glob("plan.*.broken")) == [
        '{"role": "boss"}',
        "{half a file",
    ]


def test_a_draft_that_cant_be_read_just_now_is_left_where_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    (folder / "plan.json").mkdir(parents=True)  # reading it fails with an OSError
    assert PlanDrafts(tmp_path).read("plan") is None
    assert (folder / "plan.json").is_dir()
    assert list(folder.glob("*.broken")) == []


def test_draft_keys() -> None:
    assert plan_key() == "plan"
    assert plan_key(follows_call_id=7, contact_id=3) == "plan-follow-7"
    assert plan_key(contact_id=3) == "plan-contact-3"


async def test_a_known_contacts_call_type_picked_by_hand_survives_the_draft(
    app: CallmateApp, isolated_home: Path
) -> None:
    """Recognising Dana makes it a follow-up; the user picks Discovery over that.
    Esc and n again must bring back Discovery, not the screen's own guess."""
    seed_history(isolated_home)
    async with app.run_test(size=(100, 50)) as pilot:
        screen = await new_plan(pilot)
        await type_text(pilot, "Dana Whitfield\n\n\n")
        assert screen.query_one("#call-type").value == "follow_up"  # type: ignore[attr-defined]
        await type_text(pilot, "d\nBook the pilot")
        assert screen.query_one("#call-type").value == "discovery"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
        screen = await new_plan(pilot)
        await settle(pilot)
        assert value(pilot, "goal") == "Book the pilot"
        assert screen.query_one("#call-type").value == "discovery"  # type: ignore[attr-defined]
