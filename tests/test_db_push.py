"""``callmate db push``: the personal SQLite history copied into the team database.

Against the real throwaway PostgreSQL (tests/pg_server.py): what the team
database holds after a push (counts, uuids, a note's text, a follow-up
link), a second push adding nothing, a call added locally pushed alone, the
id sequences past the pushed ids, hostile text kept as the local store
holds it, and each failure in one line without the password.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from callmate.cli import main
from callmate.domain.closing import CommitmentUpdate
from callmate.domain.models import (
    Call,
    Contact,
    NextStep,
    Note,
    NoteKind,
    Outcome,
    Owner,
    Question,
)
from callmate.locations import database_path
from callmate.store.database_url import parse
from callmate.store.repository import Repository
from tests.conftest import NOW
from tests.pg_server import PostgresServer

HOSTILE = "[bold red]not markup[/] \x1b[31mred\x1b[0m <b>x</b> \x07bell\x00 $(rm -rf) ✓"


def closed_call(
    repo: Repository, name: str, started: datetime, *, follows: int | None = None, note: str = ""
) -> Call:
    call = repo.start_call(
        Call(
            contact=Contact(name=name, company="Northwind"),
            goal=f"Talk to {name}",
            started_at=started,
            follows_call_id=follows,
        )
    )
    assert call.id is not None
    repo.save_note(
        call.id, Note(kind=NoteKind.NOTE, text=note or f"{name} said hi", created_at=started)
    )
    ours = repo.save_note(
        call.id, Note(kind=NoteKind.OURS, text="send the price list", created_at=started)
    )
    theirs = repo.save_note(
        call.id, Note(kind=NoteKind.THEIRS, text="share the budget", created_at=started)
    )
    due = started.date() + timedelta(days=7)
    return repo.finish_call(
        call.id,
        outcome=Outcome.MAYBE,
        next_step=NextStep(what=f"Demo for {name}", owner=Owner.US, due=due),
        ended_at=started + timedelta(minutes=10),
        commitments=[
            CommitmentUpdate(ours.id or 0, "us", due),
            CommitmentUpdate(theirs.id or 0, "them", due),
        ],
    )


def push(url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["db", "push", "--database-url", url])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def counts(repo: Repository) -> dict[str, int]:
    with repo.engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("calls", "contacts", "notes", "date_moves")
        }


def test_a_push_copies_the_history_and_a_second_push_adds_nothing(
    team: Repository, local: Repository, pg_store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = closed_call(local, "Dana", NOW - timedelta(days=20))
    second = closed_call(local, "Dana", NOW - timedelta(days=5), follows=first.id)
    other = closed_call(local, "Lee", NOW - timedelta(days=2))
    shown = parse(pg_store_url).shown()

    code, err = push(pg_store_url, capsys)
    assert code == 0, err
    assert err.strip() == f"Pushed 3 calls to {shown}."
    held = counts(team)
    assert held["calls"] == 3
    assert held["contacts"] == 2  # Dana's two calls share one contact
    assert held["notes"] == 9
    pushed = {call.uuid: call for call in team.all_calls()}
    assert set(pushed) == {first.uuid, second.uuid, other.uuid}
    dana_later = pushed[second.uuid]
    assert dana_later.follows_call_id == pushed[first.uuid].id
    assert dana_later.contact.uuid == pushed[first.uuid].contact.uuid == first.contact.uuid
    assert [n.text for n in dana_later.notes] == [n.text for n in second.notes]
    assert {n.uuid for n in dana_later.notes} == {n.uuid for n in second.notes}
    step = dana_later.next_step
    assert step is not None and step.what == "Demo for Dana"
    ours = next(n for n in dana_later.notes if n.kind == NoteKind.OURS)
    assert ours.due == (NOW - timedelta(days=5)).date() + timedelta(days=7)

    code, err = push(pg_store_url, capsys)
    assert code == 0, err
    assert err.strip() == f"Pushed 0 calls to {shown} (all 3 calls already there)."
    assert counts(team) == held


def test_a_call_added_after_a_push_is_pushed_alone(
    team: Repository, local: Repository, pg_store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = closed_call(local, "Dana", NOW - timedelta(days=20))
    assert push(pg_store_url, capsys)[0] == 0
    later = closed_call(local, "Dana", NOW - timedelta(days=1), follows=first.id, note="new one")

    code, err = push(pg_store_url, capsys)
    assert code == 0, err
    assert err.strip() == f"Pushed 1 call to {parse(pg_store_url).shown()} (1 already there)."
    calls = {call.uuid: call for call in team.all_calls()}
    assert set(calls) == {first.uuid, later.uuid}
    assert counts(team)["contacts"] == 1
    assert calls[later.uuid].follows_call_id == calls[first.uuid].id  # the link to a held call
    assert "new one" in [n.text for n in calls[later.uuid].notes]


def test_the_id_sequences_are_past_the_pushed_ids(
    team: Repository, local: Repository, pg_store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for days in (9, 8, 7):
        closed_call(local, "Dana", NOW - timedelta(days=days))
    assert push(pg_store_url, capsys)[0] == 0
    highest = max(call.id or 0 for call in team.all_calls())

    fresh = team.start_call(
        Call(contact=Contact(name="Ann", company="Contoso"), goal="Meet", started_at=NOW)
    )
    assert fresh.id is not None and fresh.id > highest
    note = team.save_note(fresh.id, Note(kind=NoteKind.NOTE, text="after the push", created_at=NOW))
    assert note.id is not None and note.id > 9  # three calls of three notes were pushed


def test_hostile_text_arrives_as_the_local_store_holds_it(
    team: Repository, local: Repository, pg_store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    call = closed_call(local, HOSTILE, NOW - timedelta(days=3), note=HOSTILE + "\nsecond line")
    held = local.get_call(call.id or 0)

    assert push(pg_store_url, capsys)[0] == 0
    (pushed,) = team.all_calls()
    assert pushed.contact.name == held.contact.name
    assert pushed.goal == held.goal
    assert [n.text for n in pushed.notes] == [n.text for n in held.notes]
    assert "[bold red]not markup[/]" in pushed.notes[0].text
    assert "\x1b" not in pushed.notes[0].text and "\x00" not in pushed.notes[0].text


def test_no_local_history_says_so_and_creates_nothing(
    team: Repository, isolated_home: Path, pg_store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = push(pg_store_url, capsys)
    assert code == 2
    assert err.count("\n") == 1
    assert "no local history to push" in err and "callmate.db" in err
    assert not database_path(isolated_home).exists()
    assert counts(team)["calls"] == 0


def test_a_team_database_without_the_schema_names_the_upgrade(
    local: Repository, pg_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    closed_call(local, "Dana", NOW - timedelta(days=3))
    code, err = push(pg_server.create_database("push_bare"), capsys)
    assert code == 2
    assert err.count("\n") == 1
    assert "`callmate db upgrade`" in err and "nothing was pushed" in err


def test_an_unreachable_server_is_one_line_without_the_password(
    local: Repository, pg_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    closed_call(local, "Dana", NOW - timedelta(days=3))
    url = "postgresql://sam:s3cr3t-pw@127.0.0.1:1/team"
    code, err = push(url, capsys)
    assert code == 2
    assert err.count("\n") == 1
    assert "127.0.0.1:1" in err and "nothing was pushed" in err
    assert "s3cr3t-pw" not in err


def team_notes(team: Repository, uuid: str | None) -> list[tuple[str, str, bool]]:
    """The team's notes of the call ``uuid``: (note uuid, text, deleted), oldest first."""
    with team.engine.connect() as connection:
        return [
            (row[0], row[1], row[2])
            for row in connection.execute(
                text(
                    "SELECT n.uuid, n.text, n.deleted_at IS NOT NULL FROM notes n"
                    " JOIN calls k ON k.id = n.call_id WHERE k.uuid = :uuid ORDER BY n.id"
                ),
                {"uuid": uuid},
            )
        ]


def test_a_call_pushed_open_then_continued_and_closed_arrives_closed_with_every_note_once(
    team: Repository, local: Repository, pg_store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    started = NOW - timedelta(hours=2)
    call = local.start_call(
        Call(
            contact=Contact(name="Dana", company="Northwind"),
            goal="Book a demo",
            started_at=started,
            questions=[Question(text="budget cycle")],
        )
    )
    assert call.id is not None
    first = local.save_note(call.id, Note(kind=NoteKind.NOTE, text="before", created_at=started))
    gone = local.save_note(call.id, Note(kind=NoteKind.NOTE, text="typo", created_at=started))
    shown = parse(pg_store_url).shown()
    assert push(pg_store_url, capsys) == (0, f"Pushed 1 call to {shown}.\n")
    (live,) = team.all_calls()
    assert live.status.value == "live" and live.next_step is None

    # Continued here: a note more, one deleted, a question asked, then closed.
    later = local.save_note(call.id, Note(kind=NoteKind.OURS, text="send it", created_at=started))
    local.delete_note(gone.id or 0, NOW)
    local.set_question_asked(local.get_call(call.id).questions[0].id or 0, True)
    due = NOW.date() + timedelta(days=3)
    closed = local.finish_call(
        call.id,
        outcome=Outcome.YES,
        next_step=NextStep(what="Demo on Friday", owner=Owner.US, due=due),
        ended_at=NOW - timedelta(hours=1),
        commitments=[CommitmentUpdate(later.id or 0, "us", due)],
    )
    code, err = push(pg_store_url, capsys)
    assert code == 0, err
    assert err == (
        f"Pushed 0 calls to {shown} (all 1 call already there)."
        " Since the last push: 1 note added and 1 call closed.\n"
    )
    (there,) = team.all_calls()
    assert there.uuid == closed.uuid and there.id == live.id
    assert there.status.value == "done" and there.outcome is Outcome.YES
    assert there.ended_at == closed.ended_at
    step = there.next_step
    assert step is not None and (step.what, step.due) == ("Demo on Friday", due)
    assert [q.asked for q in there.questions] == [True]
    assert [(n.uuid, n.text) for n in there.notes] == [
        (first.uuid, "before"),
        (later.uuid, "send it"),
    ]
    promise = there.notes[1]
    assert (promise.due, promise.owner) == (due, "us")
    # The note deleted here before the close is marked deleted there (kept for undo).
    assert team_notes(team, closed.uuid) == [
        (first.uuid, "before", False),
        (gone.uuid, "typo", True),
        (later.uuid, "send it", False),
    ]
    steps, _count = team.open_steps()  # home's agenda has the step now
    assert [step.what for step in steps] == ["Demo on Friday"]

    held = counts(team)
    assert push(pg_store_url, capsys) == (
        0,
        f"Pushed 0 calls to {shown} (all 1 call already there).\n",
    )
    assert counts(team) == held


def test_notes_added_to_a_pushed_call_arrive_once_and_edits_after_stay_local(
    team: Repository, local: Repository, pg_store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's rule: a push adds what is new; it never changes or removes a note
    of a call the team database holds closed."""
    call = closed_call(local, "Dana", NOW - timedelta(days=4))
    assert call.id is not None
    assert push(pg_store_url, capsys)[0] == 0
    before = team_notes(team, call.uuid)
    assert len(before) == 3

    added = local.save_note(
        call.id, Note(kind=NoteKind.NOTE, text="from the timeline", created_at=NOW)
    )
    first = call.notes[0]
    local.update_note(first.id or 0, NoteKind.NOTE, "edited here after the push")
    local.delete_note(call.notes[1].id or 0, NOW)
    code, err = push(pg_store_url, capsys)
    assert code == 0, err
    assert err.endswith(" Since the last push: 1 note added.\n")
    assert team_notes(team, call.uuid) == [*before, (added.uuid, "from the timeline", False)]

    for _ in range(2):  # and never again, though the call still differs (the delete)
        code, err = push(pg_store_url, capsys)
        assert code == 0 and "Since the last push" not in err, err
    assert team_notes(team, call.uuid) == [*before, (added.uuid, "from the timeline", False)]
    (there,) = team.all_calls()
    assert there.status.value == "done" and there.notes[0].text == first.text


def test_a_new_call_and_notes_on_a_held_one_go_in_one_push(
    team: Repository, local: Repository, pg_store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    old = closed_call(local, "Dana", NOW - timedelta(days=9))
    assert old.id is not None
    assert push(pg_store_url, capsys)[0] == 0
    local.save_note(old.id, Note(kind=NoteKind.NOTE, text="one", created_at=NOW))
    local.save_note(old.id, Note(kind=NoteKind.NOTE, text="two", created_at=NOW))
    closed_call(local, "Lee", NOW - timedelta(days=1), follows=old.id)
    code, err = push(pg_store_url, capsys)
    assert code == 0, err
    assert err == (
        f"Pushed 1 call to {parse(pg_store_url).shown()} (1 already there)."
        " Since the last push: 2 notes added.\n"
    )
    assert counts(team)["notes"] == 3 + 2 + 3
    texts = [n[1] for n in team_notes(team, old.uuid)]
    assert texts[-2:] == ["one", "two"]


def test_closing_a_call_marks_deleted_only_the_notes_deleted_here(
    team: Repository, local: Repository, pg_store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A call pushed open, then a note added to the team's copy (through the outbox,
    say) that this file never had: closing it here and pushing marks deleted the
    note deleted here, and leaves the team's own note as it is."""
    started = NOW - timedelta(hours=2)
    call = local.start_call(
        Call(contact=Contact(name="Dana", company="Northwind"), goal="Demo", started_at=started)
    )
    assert call.id is not None
    kept = local.save_note(call.id, Note(kind=NoteKind.NOTE, text="kept", created_at=started))
    gone = local.save_note(call.id, Note(kind=NoteKind.NOTE, text="typo", created_at=started))
    code, err = push(pg_store_url, capsys)
    assert code == 0, err
    (live,) = team.all_calls()
    assert live.id is not None
    theirs = team.save_note(live.id, Note(kind=NoteKind.NOTE, text="team's", created_at=NOW))

    local.delete_note(gone.id or 0, NOW)
    closed = local.finish_call(
        call.id,
        outcome=Outcome.YES,
        next_step=NextStep(what="Demo", owner=Owner.US, due=NOW.date() + timedelta(days=3)),
        ended_at=NOW - timedelta(hours=1),
    )
    code, err = push(pg_store_url, capsys)
    assert code == 0, err
    (there,) = team.all_calls()
    assert there.status.value == "done"
    assert team_notes(team, closed.uuid) == [
        (kept.uuid, "kept", False),
        (gone.uuid, "typo", True),
        (theirs.uuid, "team's", False),
    ]
