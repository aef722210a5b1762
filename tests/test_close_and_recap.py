"""Closing on a dated next step (reasons, cadence, commitments) and the recap after it."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from textual.pilot import Pilot

from callmate.app import CallmateApp, make_app
from callmate.clock import FrozenClock
from callmate.domain.closing import (
    MISSING_DATE,
    MISSING_OTHER_REASON,
    MISSING_OUTCOME,
    MISSING_WHAT,
    CloseField,
    ClosingDraft,
    check_closing,
    missing_reason,
)
from callmate.domain.models import Call, GoalResult, NoteKind, Outcome, Reason
from callmate.locations import database_path
from callmate.screens.closing import ClosingScreen
from callmate.screens.dialogs.confirm import ConfirmScreen
from callmate.screens.recap import RecapScreen
from callmate.screens.settings import SettingsScreen
from callmate.settings import load_settings
from callmate.store.repository import Repository
from callmate.widgets.recap_editor import RecapEditor
from tests.conftest import NOW
from tests.helpers import FakeClipboard, screen_text, settle, type_text

TODAY = NOW.date()


def stored(home: Path) -> list[Call]:
    repo = Repository.open(database_path(home))
    try:
        return repo.all_calls()
    finally:
        repo.close()


async def to_closing(pilot: Pilot[Any], notes: str = "first note\n") -> ClosingScreen:
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


# -- the gate, as a function: every combination ------------------------------
OUTCOMES = [None, Outcome.YES, Outcome.NO, Outcome.MAYBE]
REASONS = [
    (None, ""),
    (Reason.WRONG_TIME, ""),
    (Reason.OTHER, ""),
    (Reason.OTHER, "new CFO"),
    (None, "their words only"),
]


@pytest.mark.parametrize(
    ("outcome", "reason", "what", "date_text"),
    list(
        itertools.product(
            OUTCOMES, REASONS, ["", "Send the plan"], ["", "tomorrow", "flurb", "2026-11-01"]
        )
    ),
)
def test_gate_lists_exactly_what_is_missing(
    outcome: Outcome | None, reason: tuple[Reason | None, str], what: str, date_text: str
) -> None:
    draft = ClosingDraft(
        outcome=outcome,
        reason=reason[0],
        reason_text=reason[1],
        next_what=what,
        due_text=date_text,
    )
    result = check_closing(draft, TODAY)
    gaps: list[tuple[CloseField, str]] = []
    if outcome is None:
        gaps.append((CloseField.OUTCOME, MISSING_OUTCOME))
    elif outcome is not Outcome.YES:
        if reason == (None, ""):
            gaps.append((CloseField.REASON, missing_reason(outcome)))
        elif reason == (Reason.OTHER, ""):
            gaps.append((CloseField.REASON_TEXT, MISSING_OTHER_REASON))
    if not what:
        gaps.append((CloseField.NEXT_WHAT, MISSING_WHAT))
    if not date_text:
        gaps.append((CloseField.NEXT_DATE, MISSING_DATE))
    if date_text in ("flurb", "2026-11-01"):
        gaps.append((CloseField.NEXT_DATE, ""))  # the wording is checked below
    # Each gap names its field, in the form's order: the screen focuses by field.
    assert [m.field for m in result.missing] == [field for field, _ in gaps]
    expected = [text for _, text in gaps if text]
    found = [m.text for m in result.missing]
    for message in expected:
        assert message in found
    if date_text == "flurb":
        assert any('Can\'t read "flurb"' in m for m in found)
    if date_text == "2026-11-01":
        assert any("is in the past" in m for m in found)
    extra = [m for m in found if m not in expected]
    assert len(extra) == (1 if date_text in ("flurb", "2026-11-01") else 0)
    assert result.ready == (not found)
    assert (result.next_step is not None) == bool(what and date_text == "tomorrow")


def test_cadence_warning_only_beyond_the_cadence() -> None:
    def warning(days: int, cadence: int = 30) -> str | None:
        draft = ClosingDraft(
            outcome=Outcome.YES, next_what="x", due_text=(TODAY + timedelta(days=days)).isoformat()
        )
        return check_closing(draft, TODAY, cadence_days=cadence).cadence_warning

    assert warning(30) is None
    assert warning(31) is not None and "competitor" in (warning(31) or "")
    assert warning(31, cadence=45) is None


# -- the gate, on screen ------------------------------------------------------
async def test_no_needs_a_reason_and_other_needs_words(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await to_closing(pilot)
        await type_text(pilot, "n")
        screen.query_one("#next-what").value = "Send the case study"  # type: ignore[attr-defined]
        screen.query_one("#next-date").value = "fri"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "Say why it's a no: pick a reason or type one." in screen_text(pilot)
        assert app.focused is not None and app.focused.id == "reason"
        text = screen_text(pilot)
        for probe in ("No project", "Chose another supplier", "Wrong time", "Other"):
            assert probe in text
        await type_text(pilot, "o")  # other: needs words
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Say what the other reason is." in screen_text(pilot)
        assert app.focused is not None and app.focused.id == "reason-text"
        await type_text(pilot, "they're merging with Globex")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)
    (call,) = stored(isolated_home)
    assert call.outcome is Outcome.NO
    assert (call.reason, call.reason_text) == (Reason.OTHER, "they're merging with Globex")


async def test_maybe_offers_its_own_probes(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await to_closing(pilot)
        await type_text(pilot, "m\nb\n\nb\nSend budget calendar\n\nnext tue\n")
        assert isinstance(app.screen, RecapScreen)
    (call,) = stored(isolated_home)
    assert (call.outcome, call.reason, call.goal_result) == (
        Outcome.MAYBE,
        Reason.BUDGET_CYCLE,
        GoalResult.BACKUP,
    )


async def test_a_next_step_beyond_the_cadence_asks_first(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await to_closing(pilot)
        await type_text(pilot, "y\n\nQuarterly review\n\n+45d")
        text = screen_text(pilot)
        assert "45 days out, past the 30-day rhythm" in text
        assert "Ready to save" in text, "a warning, not a block"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Save with this date anyway?" in screen_text(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and app.focused is not None
        assert app.focused.id == "next-date"
        app.focused.value = "+2w"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen), "within the cadence: no question"
    assert stored(isolated_home)[0].next_step.due == TODAY + timedelta(days=14)  # type: ignore[union-attr]


async def test_confirming_a_far_date_saves_it(app: CallmateApp, isolated_home: Path) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await to_closing(pilot)
        await type_text(pilot, "y\n\nQuarterly review\n\n+45d")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)
    assert stored(isolated_home)[0].next_step.due == TODAY + timedelta(days=45)  # type: ignore[union-attr]


async def test_commitments_get_an_owner_and_a_due_date(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 60)) as pilot:
        screen = await to_closing(pilot, ">send the pricing sheet\n<intro to the ops lead\n")
        text = screen_text(pilot)
        assert "Commitments made on the call" in text
        assert "WE OWE send the pricing sheet" in text
        assert "THEY OWE intro to the ops lead" in text
        owners = list(screen.query(".owner"))
        dues = list(screen.query(".due"))
        owners[0].value = "Sam"  # type: ignore[attr-defined]
        dues[0].value = "tomorrow"  # type: ignore[attr-defined]
        dues[1].value = "soonish"  # type: ignore[attr-defined]
        await type_text(pilot, "y")
        screen.query_one("#next-what").value = "Demo"  # type: ignore[attr-defined]
        screen.query_one("#next-date").value = "fri"  # type: ignore[attr-defined]
        await settle(pilot)
        text = screen_text(pilot)
        assert "→ Mon 23 Nov 2026 · tomorrow" in text
        assert "A commitment's due date: Can't read \"soonish\"" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen, "an unreadable commitment date blocks like any other"
        dues[1].value = "next fri"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)
        body = app.screen.query_one(RecapEditor).text
        assert "- Sam will send the pricing sheet by Monday 23 November." in body
        assert "- You offered to intro to the ops lead by Friday 27 November." in body
    notes = {n.text: n for n in stored(isolated_home)[0].notes}
    assert (notes["send the pricing sheet"].owner, notes["send the pricing sheet"].due) == (
        "Sam",
        date(2026, 11, 23),
    )
    assert notes["intro to the ops lead"].due == date(2026, 11, 27)
    assert notes["intro to the ops lead"].kind is NoteKind.THEIRS


# -- the recap ------------------------------------------------------------------
async def test_first_recap_asks_for_name_and_signature_once(
    clock: FrozenClock, isolated_home: Path
) -> None:
    (isolated_home / "settings.toml").unlink()
    app = make_app(isolated_home, clock=clock, clipboard=FakeClipboard())
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await to_closing(pilot)
            await type_text(pilot, "y\n\nDemo\n\ntomorrow\n")
            await settle(pilot)
            assert isinstance(app.screen, SettingsScreen)
            assert "Your first recap: how should emails be signed?" in screen_text(pilot)
            await type_text(pilot, "Sam Rivera")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, RecapScreen)
            body = app.screen.query_one(RecapEditor).text
            assert body.rstrip().endswith("Best regards,\nSam Rivera")
    finally:
        app.store.close()
    settings, problem = load_settings(isolated_home / "settings.toml")
    assert problem is None
    assert (settings.user_name, settings.signature_asked) == ("Sam Rivera", True)

    again = make_app(isolated_home, clock=clock, clipboard=FakeClipboard())
    try:
        async with again.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            await pilot.press("enter")  # the saved call's recap: not asked again
            await settle(pilot)
            assert isinstance(again.screen, RecapScreen)
    finally:
        again.store.close()


async def test_skipping_the_signature_question_asks_again_until_declined(
    clock: FrozenClock, isolated_home: Path
) -> None:
    (isolated_home / "settings.toml").unlink()
    app = make_app(isolated_home, clock=clock, clipboard=FakeClipboard())
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await to_closing(pilot)
            await type_text(pilot, "y\n\nDemo\n\ntomorrow\n")
            await settle(pilot)
            assert isinstance(app.screen, SettingsScreen)
            await pilot.press("escape")  # not now
            await settle(pilot)
            assert isinstance(app.screen, RecapScreen)
            assert app.screen.query_one(RecapEditor).text.rstrip().endswith("Best regards,")
            await pilot.press("escape")  # home
            await settle(pilot)
            await pilot.press("enter")  # the recap again: asked again
            await settle(pilot)
            assert isinstance(app.screen, SettingsScreen)
            assert "Ctrl+N: don't ask again" in screen_text(pilot)
            await pilot.press("ctrl+n")  # the explicit no
            await settle(pilot)
            assert isinstance(app.screen, RecapScreen)
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, RecapScreen), "declined: not asked again"
    finally:
        app.store.close()
    settings = load_settings(isolated_home / "settings.toml")[0]
    assert settings.signature_asked
    assert (settings.user_name, settings.signature) == ("", "")


async def test_esc_on_the_signature_question_writes_nothing(
    clock: FrozenClock, isolated_home: Path
) -> None:
    (isolated_home / "settings.toml").unlink()
    app = make_app(isolated_home, clock=clock, clipboard=FakeClipboard())
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await to_closing(pilot)
            await type_text(pilot, "y\n\nDemo\n\ntomorrow\n")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, RecapScreen)
    finally:
        app.store.close()
    assert not load_settings(isolated_home / "settings.toml")[0].signature_asked


async def test_recap_edits_are_kept_and_can_be_rebuilt(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await to_closing(pilot, '"we lose a day a week\n')
        await type_text(pilot, "y\n\nDemo\n\ntomorrow\n")
        await settle(pilot)
        editor = app.screen.query_one(RecapEditor)
        assert '- "we lose a day a week"' in editor.text
        assert editor.text.rstrip().endswith("Best regards,\nSam Rivera")
        editor.insert("PS: great talking to you.\n", (0, 0))
        await pilot.press("escape")  # home; the edit is saved on the way out
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        editor = app.screen.query_one(RecapEditor)
        assert editor.text.startswith("PS: great talking to you.")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen), "edited: asked first"
        await pilot.press("y")
        await settle(pilot)
        assert app.screen.query_one(RecapEditor).text.startswith("Hi Dana,")
    assert stored(isolated_home)[0].recap_body.startswith("Hi Dana,")  # type: ignore[union-attr]


async def test_next_step_as_ics_and_call_as_markdown_from_the_recap(
    app: CallmateApp, isolated_home: Path
) -> None:
    async with app.run_test(size=(160, 40)) as pilot:
        await to_closing(pilot, '"we lose a day a week\n>send pricing\n')
        await type_text(pilot, "y\ng\nDemo for the ops team\nb\nfri\n")
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        ics_path = isolated_home / "exports" / "call-1-next-step.ics"
        assert f"Calendar event saved to {ics_path}" in screen_text(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        md_path = isolated_home / "exports" / "call-1.md"
        assert f"Markdown saved to {md_path}" in screen_text(pilot)

    calendar = icalendar.Calendar.from_ical(ics_path.read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Demo for the ops team · Dana Whitfield"
    assert event.decoded("DTSTART") == date(2026, 11, 27)
    assert event.decoded("DTEND") == date(2026, 11, 28)
    assert "Northwind" in str(event["DESCRIPTION"])

    markdown = md_path.read_text()
    assert markdown.startswith("# Call with Dana Whitfield, Northwind")
    assert "- **Goal reached:** primary" in markdown
    assert "- **Next step:** Demo for the ops team (both, 2026-11-27)" in markdown
    assert "**quote:** “we lose a day a week”" in markdown
    assert "## Recap email" in markdown and "> Hi Dana," in markdown


# -- from the shell ---------------------------------------------------------------
def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CALLMATE_HOME": str(home), "DISPLAY": "", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "callmate", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


async def finished_call(app: CallmateApp) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await to_closing(pilot, '"we lose a day a week\n<intro to the ops lead\n')
        await type_text(pilot, "m\nr\n\n\nSecond demo with legal\nt\nfri\n")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen)


async def test_cli_recap_ics_and_markdown(app: CallmateApp, isolated_home: Path) -> None:
    await finished_call(app)
    app.store.close()

    recap = run_cli("recap", "1", home=isolated_home)
    assert recap.returncode == 0, recap.stderr
    assert recap.stdout.startswith("Subject: Recap of our call: next step by Friday 27 November")
    assert '- "we lose a day a week"' in recap.stdout
    assert "Sam Rivera" in recap.stdout

    markdown = run_cli("recap", "1", "--format", "md", home=isolated_home)
    assert markdown.stdout.startswith("# Call with Dana Whitfield")
    assert "- **Outcome:** maybe (Others need to review it)" in markdown.stdout

    copied = run_cli("recap", "1", "--copy", home=isolated_home)
    assert copied.returncode == 0
    assert "No system clipboard here" in copied.stderr
    saved = list((isolated_home / "recaps").glob("call-1-recap-*.txt"))
    assert len(saved) == 1 and saved[0].read_text().startswith("Hi Dana,")

    ics = subprocess.run(
        [sys.executable, "-m", "callmate", "ics", "1"],
        capture_output=True,
        timeout=60,
        env={**os.environ, "CALLMATE_HOME": str(isolated_home)},
    )
    assert ics.returncode == 0
    assert ics.stdout.count(b"\r\n") == ics.stdout.count(b"\n"), "RFC 5545 wants CRLF"
    (event,) = icalendar.Calendar.from_ical(ics.stdout).walk("VEVENT")
    assert event.decoded("DTSTART") == date(2026, 11, 27)
    assert str(event["SUMMARY"]) == "Second demo with legal · Dana Whitfield"

    exported = json.loads(run_cli("export", home=isolated_home).stdout)["calls"]
    assert exported[0]["reason"] == "needs_review"
    assert exported[0]["notes"][1] == {
        "uuid": exported[0]["notes"][1]["uuid"],  # its stable id (issue 19)
        "kind": "theirs",
        "text": "intro to the ops lead",
        "offset_seconds": 0,
        "owner": "",
        "due": None,
        "time": None,
        "done_at": None,
        "moved_from": [],
    }


def test_cli_recap_of_a_missing_or_open_call(isolated_home: Path) -> None:
    missing = run_cli("recap", "42", home=isolated_home)
    assert missing.returncode == 1 and "there is no call 42" in missing.stderr
    repo = Repository.open(database_path(isolated_home))
    try:
        from callmate.domain.models import Contact

        repo.start_call(Call(contact=Contact(name="Lee"), goal="Pilot", started_at=NOW))
    finally:
        repo.close()
    open_call = run_cli("ics", "1", home=isolated_home)
    assert open_call.returncode == 1 and "has no next step yet" in open_call.stderr
