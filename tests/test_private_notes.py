"""Private notes (``#``): kept, searched, shown and exported in the user's own
JSON and Markdown, never in the recap email, the ``.ics`` or the CSV."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callmate.app import CallmateApp
from callmate.cli import main
from callmate.domain.exporters import next_step_ics, to_csv, to_json
from callmate.domain.models import Call, Note, NoteKind, split_prefix
from callmate.domain.recap import compose_recap
from callmate.screens.closing import ClosingScreen
from callmate.screens.live_call import PREFIX_HINT, LiveCallScreen
from callmate.screens.recap import RecapScreen
from callmate.screens.timeline import TimelineScreen
from callmate.widgets.notes_log import kind_styles
from callmate.widgets.recap_editor import RecapEditor
from tests.helpers import screen_text, settle, type_text
from tests.test_cli_memory import calls
from tests.test_live_call import stored

SECRET = "margin floor 12%"


def test_hash_makes_a_private_note() -> None:
    assert split_prefix(f"#{SECRET}") == (NoteKind.PRIVATE, SECRET)
    assert NoteKind.PRIVATE.label == "private" and NoteKind.PRIVATE.prefix == "#"
    assert "#private" in PREFIX_HINT and len(PREFIX_HINT) <= 80


def test_every_kind_has_a_style_even_without_its_colour() -> None:
    styles = kind_styles({})  # a theme that defines none of the colours
    assert set(styles) == set(NoteKind)


async def test_a_private_note_stays_with_the_user(
    app: CallmateApp, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with app.run_test(size=(100, 50)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Dana Whitfield\nNorthwind\n\n\nBook a demo\n")
        await pilot.press("ctrl+s")
        await settle(pilot)
        live = app.screen
        assert isinstance(live, LiveCallScreen)
        await type_text(pilot, "#")
        assert "private ▸" in str(live.query_one("#kind-label").render())
        await type_text(pilot, f"{SECRET[:-1]}")
        await type_text(pilot, f"{SECRET[-1]}\nthey run three sites\n>send pricing\n")
        await settle(pilot)
        row = next(r for r in screen_text(pilot).splitlines() if "00:00 · PRIVATE" in r)
        assert SECRET in row
        # Its own colour: no other kind is drawn like it.
        styles = live.notes_log.kind_styles
        private_style = styles[NoteKind.PRIVATE]
        assert private_style not in [s for k, s in styles.items() if k is not NoteKind.PRIVATE]

        await pilot.press("ctrl+o")
        await settle(pilot)
        closing = app.screen
        assert isinstance(closing, ClosingScreen)
        await type_text(pilot, "y")
        closing.query_one("#next-what").value = "Demo"  # type: ignore[attr-defined]
        closing.query_one("#next-date").value = "fri"  # type: ignore[attr-defined]
        for field in closing.query(".due"):
            field.value = "fri"  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecapScreen), screen_text(pilot)
        body = app.screen.query_one(RecapEditor).text
        subject = app.screen.query_one("#recap-subject").value  # type: ignore[attr-defined]
        assert "they run three sites" in body, "plain notes still go in"
        assert "margin floor" not in body and "margin floor" not in subject

        (call,) = stored(isolated_home)
        assert call.contact.id is not None
        await app.push_screen(TimelineScreen(call.contact.id))
        await settle(pilot)
        row = next(r for r in screen_text(pilot).splitlines() if "PRIVATE" in r)
        assert SECRET in row

    (call,) = stored(isolated_home)
    private = [n for n in call.notes if n.kind is NoteKind.PRIVATE]
    assert [n.text for n in private] == [SECRET]

    (exported,) = json.loads(to_json([call]))["calls"]
    without_ids = [{k: v for k, v in n.items() if k != "uuid"} for n in exported["notes"]]
    assert {"kind": "private", "text": SECRET, "offset_seconds": 0} in without_ids
    assert SECRET not in to_csv([call])

    assert main(["recap", str(call.id)]) == 0
    assert "margin floor" not in capsys.readouterr().out
    assert main(["ics", str(call.id)]) == 0
    assert "margin floor" not in capsys.readouterr().out
    assert main(["recap", str(call.id), "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert f"**private:** {SECRET}" in markdown, "the user's own Markdown keeps it"
    assert "margin floor" not in markdown.split("## Recap email")[1]
    assert main(["search", "margin"]) == 0
    assert SECRET in capsys.readouterr().out


MARKER = "PRIVMARK7Q3X"
"""In every private note generated below, and every note left out of the
email (toggled out), and by construction nowhere else."""


@st.composite
def calls_with_private_notes(draw: st.DrawFn) -> Call:
    call = draw(calls())
    secrets = draw(
        st.lists(
            st.builds(
                Note,
                kind=st.just(NoteKind.PRIVATE),
                text=st.text(max_size=40).map(lambda t: f"{MARKER} {t}"),
                offset_seconds=st.integers(0, 10_000),
            ),
            min_size=1,
            max_size=3,
        )
    )
    left_out = draw(
        st.lists(
            st.builds(
                Note,
                kind=st.sampled_from([k for k in NoteKind if k is not NoteKind.PRIVATE]),
                text=st.text(max_size=40).map(lambda t: f"{MARKER} {t}"),
                offset_seconds=st.integers(0, 10_000),
                in_email=st.just(False),
            ),
            max_size=3,
        )
    )
    notes = list(call.notes)
    for secret in [*secrets, *left_out]:
        notes.insert(draw(st.integers(0, len(notes))), secret)
    return call.model_copy(update={"notes": notes})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(call=calls_with_private_notes(), carried=st.integers(0, 2))
def test_no_private_or_left_out_note_leaves_the_users_hands(call: Call, carried: int) -> None:
    assert MARKER not in json.dumps(call_outside_the_notes(call))
    # Even handed in as "carried" promises, private notes and promises left
    # out of the email are not repeated.
    earlier = [Note(kind=NoteKind.PRIVATE, text=f"{MARKER} earlier {i}") for i in range(carried)]
    earlier += [
        Note(kind=kind, text=f"{MARKER} left out {i}", in_email=False)
        for i, kind in enumerate([NoteKind.OURS, NoteKind.THEIRS][:carried])
    ]
    recap = compose_recap(call, signature="Sam", carried=earlier)
    assert MARKER not in recap.subject and MARKER not in recap.body
    assert MARKER not in to_csv([call])
    if call.next_step is not None:
        ics = next_step_ics(call, datetime(2026, 11, 22, 15, 0, tzinfo=UTC))
        assert MARKER not in ics.replace("\r\n ", "")
    assert sum(MARKER in n["text"] for n in json.loads(to_json([call]))["calls"][0]["notes"]) >= 1


def call_outside_the_notes(call: Call) -> dict[str, object]:
    """Everything but the notes: the marker must not be there by chance."""
    return call.model_dump(mode="json", exclude={"notes"})
