"""Pushing and importing into the team database a batch at a time (store/pg_import.py).

Against the real throwaway PostgreSQL, with the batch made two calls so a
handful of calls spans several: every call, note, date moved and follow-up
link arrives whatever batch it falls in (a link across batches, a link to a
call the team database already held), the search columns and "last called"
are filled by the server, a second push adds nothing, and a push that fails
part way leaves the team database as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import text

from callmate.domain.models import Call, Contact, Note, NoteKind
from callmate.store import bulk, pg_import
from callmate.store.database_url import parse
from callmate.store.repository import Repository
from tests.conftest import NOW
from tests.test_db_push import closed_call, counts, push


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_import, "BATCH", 2)


def _uuid(n: int) -> str:
    return f"{n:08d}-0000-4000-8000-000000000000"


def local_moves(repo: Repository) -> int:
    with repo.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM date_moves")).scalar_one())


def test_a_push_of_several_batches_brings_every_row_and_link(
    team: Repository, local: Repository, pg_store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = closed_call(local, "Dana", NOW - timedelta(days=30))
    local.reschedule_step(first.id or 0, (NOW + timedelta(days=3)).date())  # a date moved
    calls = [first]
    for days, name in ((25, "Lee"), (20, "Ann"), (15, "Lee"), (10, "Kim")):
        calls.append(closed_call(local, name, NOW - timedelta(days=days), note=f"{name} {days}"))
    last = closed_call(local, "Dana", NOW - timedelta(days=5), follows=first.id, note="quorum")
    calls.append(last)  # the sixth call, third batch: its link points into the first batch
    moves = local_moves(local)
    assert moves >= 1

    code, err = push(pg_store_url, capsys)
    assert code == 0, err
    assert err.strip() == f"Pushed 6 calls to {parse(pg_store_url).shown()}."
    held = counts(team)
    assert held == {"calls": 6, "contacts": 4, "notes": 18, "date_moves": moves}
    pushed = {call.uuid: call for call in team.all_calls()}
    assert set(pushed) == {call.uuid for call in calls}
    assert pushed[last.uuid].follows_call_id == pushed[first.uuid].id
    assert pushed[last.uuid].contact.id == pushed[first.uuid].contact.id
    step = pushed[first.uuid].next_step
    assert first.next_step is not None and step is not None
    assert list(step.moved_from) == [first.next_step.due]
    assert [hit.text for hit in team.search("quoru")] == ["quorum"]  # the search column filled
    with team.engine.connect() as connection:  # "last called", for going cold
        last_called = dict(
            (row[0], row[1])
            for row in connection.execute(text("SELECT name, last_call_at FROM contacts"))
        )
    assert last_called["Dana"] == (NOW - timedelta(days=5)).replace(tzinfo=None)
    assert last_called["Kim"] == (NOW - timedelta(days=10)).replace(tzinfo=None)

    code, err = push(pg_store_url, capsys)
    assert code == 0, err
    assert "(all 6 calls already there)" in err
    assert counts(team) == held

    fresh = team.start_call(Call(contact=Contact(name="Mo"), goal="Meet", started_at=NOW))
    assert fresh.id is not None and fresh.id > max(call.id or 0 for call in pushed.values())


def test_a_later_push_links_a_new_call_to_one_already_there(
    team: Repository, local: Repository, pg_store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = closed_call(local, "Dana", NOW - timedelta(days=30))
    for days in (25, 20):
        closed_call(local, "Lee", NOW - timedelta(days=days))
    assert push(pg_store_url, capsys)[0] == 0
    team.start_call(Call(contact=Contact(name="Ann"), goal="a rep's own call", started_at=NOW))
    later = [closed_call(local, "Kim", NOW - timedelta(days=d)) for d in (9, 8, 7)]
    follow = closed_call(local, "Dana", NOW - timedelta(days=1), follows=first.id)

    code, err = push(pg_store_url, capsys)
    assert code == 0, err
    assert "Pushed 4 calls" in err and "(3 already there)" in err
    pushed = {call.uuid: call for call in team.all_calls()}
    assert len(pushed) == 8
    assert pushed[follow.uuid].follows_call_id == pushed[first.uuid].id
    assert len({pushed[call.uuid].contact.id for call in later}) == 1
    assert counts(team)["contacts"] == 4  # Dana, Lee, Ann, Kim: none twice


def test_a_push_failing_part_way_leaves_the_team_database_unchanged(
    team: Repository, local: Repository
) -> None:
    team.import_calls([Call(contact=Contact(name="Ann"), goal="there before", started_at=NOW)])
    before = counts(team)
    made = [closed_call(local, f"Rep{i}", NOW - timedelta(days=10 - i)) for i in range(5)]

    def calls_then_a_failure() -> Iterator[Call]:
        yield from made  # three batches written to the server first
        raise ValueError("a bad record further on")

    with pytest.raises(ValueError, match="a bad record"):
        team.import_calls(calls_then_a_failure())
    assert counts(team) == before
    with team.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM questions")).scalar_one() == 0
    assert team.import_calls(made) == 5  # and the same calls go in afterwards


def test_an_import_matches_contacts_by_uuid_then_name_and_skips_calls_there(
    team: Repository,
) -> None:
    dana = Contact(name="Dana", company="Northwind", uuid="11111111-1111-4111-8111-111111111111")
    there = Call(
        contact=dana,
        goal="first",
        started_at=NOW - timedelta(days=9),
        uuid="22222222-2222-4222-8222-222222222222",
    )
    assert team.import_calls([there]) == 1
    renamed = Contact(name="Dana R.", company="Northwind", uuid=dana.uuid)
    same_name = Contact(name="DANA", company="northwind", uuid=None)
    calls = [
        there,  # already there: not added again
        Call(contact=renamed, goal="by uuid", started_at=NOW - timedelta(days=5), uuid=_uuid(3)),
        Call(contact=same_name, goal="by name", started_at=NOW - timedelta(days=4), uuid=_uuid(4)),
        Call(
            contact=Contact(name="Lee"),
            goal="new",
            started_at=NOW - timedelta(days=3),
            uuid=_uuid(5),
            notes=[Note(kind=NoteKind.NOTE, text="hello", created_at=NOW)],
        ),
    ]
    assert team.import_calls(calls) == 3
    by_goal = {call.goal: call for call in team.all_calls()}
    assert len(by_goal) == 4
    assert by_goal["by uuid"].contact.id == by_goal["first"].contact.id
    assert by_goal["by name"].contact.id == by_goal["first"].contact.id
    assert by_goal["new"].contact.id != by_goal["first"].contact.id
    assert [n.text for n in by_goal["new"].notes] == ["hello"]
    assert team.import_calls(calls) == 0, "every call has its uuid: none added twice"


def test_a_row_the_server_refuses_in_a_later_batch_undoes_the_earlier_ones(
    team: Repository,
) -> None:
    def call(n: int, note_uuid: str) -> Call:
        return Call(
            contact=Contact(name=f"Rep{n}"),
            goal=f"call {n}",
            started_at=NOW - timedelta(days=n),
            uuid=_uuid(100 + n),
            notes=[Note(kind=NoteKind.NOTE, text=f"n{n}", created_at=NOW, uuid=note_uuid)],
        )

    calls = [call(n, _uuid(200 + n)) for n in range(4)]
    calls.append(call(4, _uuid(200)))  # the third batch repeats the first call's note uuid
    with pytest.raises(bulk.DuplicateNoteError):
        team.import_calls(calls)
    assert counts(team) == {"calls": 0, "contacts": 0, "notes": 0, "date_moves": 0}
