"""The store's reads and writes give the same answers on SQLite and on PostgreSQL.

Every test here runs on both backends (``store_repo`` in tests/conftest.py);
the two traps a PostgreSQL prototype fell into are tested by name: going
cold silently empty, and an id sequence left behind by an import that
writes explicit ids (the next call collided).
"""

from __future__ import annotations

import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from callmate.domain.closing import CommitmentUpdate
from callmate.domain.models import (
    Call,
    Connection,
    Contact,
    NextStep,
    Note,
    NoteKind,
    Outcome,
    Owner,
    Question,
)
from callmate.domain.promise_record import PromiseRecord, Tally
from callmate.store.repository import Repository
from tests.conftest import NOW
from tests.pg_server import PostgresServer

TODAY = NOW.date()


def call_with(name: str, started: datetime, **changes: object) -> Call:
    fields: dict[str, object] = {
        "contact": Contact(name=name, company="Northwind"),
        "goal": f"Talk to {name}",
        "questions": [Question(text="budget")],
        "started_at": started,
    }
    fields.update(changes)
    return Call(**fields)  # type: ignore[arg-type]


def closed(
    repo: Repository,
    name: str,
    started: datetime,
    due: date | None = None,
    *,
    owner: Owner = Owner.US,
    promises: list[tuple[NoteKind, str, date | None]] = (),  # type: ignore[assignment]
) -> Call:
    call = repo.start_call(call_with(name, started))
    assert call.id is not None
    notes = [
        repo.save_note(call.id, Note(kind=kind, text=text, created_at=started))
        for kind, text, _due in promises
    ]
    updates = [
        CommitmentUpdate(note.id or 0, "", due_)
        for note, (_kind, _text, due_) in zip(notes, promises, strict=True)
    ]
    step = NextStep(what=f"Next with {name}", owner=owner, due=due or TODAY + timedelta(days=30))
    return repo.finish_call(
        call.id,
        outcome=Outcome.MAYBE,
        next_step=step,
        ended_at=started + timedelta(minutes=10),
        commitments=updates,
    )


def test_going_cold_lists_who_was_not_called_within_the_cadence(store_repo: Repository) -> None:
    """The trap: on PostgreSQL "last called" must be kept by its trigger and
    compared as a moment, or going cold is silently empty."""
    repo = store_repo
    dana = closed(repo, "Dana", NOW - timedelta(days=60))
    lee = closed(repo, "Lee", NOW - timedelta(days=45))
    closed(repo, "Kim", NOW - timedelta(days=2))
    # an attempt that never reached Lee does not warm Lee up
    attempt = repo.start_call(call_with("Lee", NOW - timedelta(days=1)))
    assert attempt.id is not None
    repo.log_attempt(attempt.id, Connection.NO_ANSWER, NextStep(what="Try again", due=TODAY), NOW)
    cold, total = repo.going_cold(NOW - timedelta(days=30))
    assert [(c.name, c.last_call_at) for c in cold] == [
        ("Lee", NOW - timedelta(days=45)),
        ("Dana", NOW - timedelta(days=60)),
    ]
    assert total == 2
    assert cold[0].contact_id == lee.contact.id and cold[1].contact_id == dana.contact.id
    agenda = repo.agenda(TODAY, NOW - timedelta(days=30))
    assert [c.name for c in agenda.cold] == ["Lee", "Dana"] and agenda.cold_total == 2
    # a call with Dana today: no longer cold; discarding it makes her cold again
    live = repo.start_call(call_with("Dana", NOW))
    assert live.id is not None
    assert [c.name for c in repo.going_cold(NOW - timedelta(days=30))[0]] == ["Lee"]
    assert repo.discard_call(live.id, NOW)
    assert [c.name for c in repo.going_cold(NOW - timedelta(days=30))[0]] == ["Lee", "Dana"]
    assert repo.going_cold(NOW - timedelta(days=90)) == ([], 0)


def test_ids_go_on_after_an_import_that_kept_them(store_repo: Repository, tmp_path: Path) -> None:
    """The trap: an import into an empty database keeps the export's ids; the
    next call, note and contact must not collide with them (PostgreSQL's
    sequences are set past them)."""
    source = Repository.open(tmp_path / "source.db")
    try:
        for days in (9, 8, 7):
            closed(
                source,
                f"Person {days}",
                NOW - timedelta(days=days),
                promises=[(NoteKind.OURS, f"Promise {days}", TODAY)],
            )
        gone = source.start_call(call_with("Gone", NOW - timedelta(days=6)))
        assert gone.id is not None and source.discard_call(gone.id, NOW)
        kept = closed(source, "Last", NOW - timedelta(days=5))
        exported = source.all_calls()
    finally:
        source.close()
    assert kept.id == 5 and [c.id for c in exported] == [1, 2, 3, 5]

    repo = store_repo
    assert repo.import_calls(exported) == 4
    assert [c.id for c in repo.all_calls()] == [1, 2, 3, 5]
    after = closed(
        repo, "New", NOW, promises=[(NoteKind.THEIRS, "Numbers", TODAY + timedelta(days=1))]
    )
    assert after.id is not None and after.id > 5
    assert after.contact.id is not None
    assert {c.id for c in repo.list_contacts()} >= {after.contact.id}
    assert len(repo.list_contacts()) == 5
    assert [n.text for n in repo.get_call(after.id).notes] == ["Numbers"]
    assert repo.import_calls(exported) == 0, "a second import adds nothing"
    assert len(repo.all_calls()) == 5
    note_ids = [n.id for c in repo.all_calls() for n in c.notes]
    assert len(note_ids) == len(set(note_ids)) == 4


def test_the_agenda_groups_every_open_promise(store_repo: Repository) -> None:
    repo = store_repo
    closed(repo, "Overdue", NOW - timedelta(days=20), TODAY - timedelta(days=3))
    today = closed(repo, "Today", NOW - timedelta(days=10), TODAY)
    closed(
        repo,
        "Later",
        NOW - timedelta(days=5),
        TODAY + timedelta(days=40),
        promises=[
            (NoteKind.OURS, "Send the SLA", None),
            (NoteKind.THEIRS, "Usage numbers", TODAY - timedelta(days=1)),
        ],
    )
    assert today.id is not None
    repo.reschedule_step(today.id, TODAY, time(9, 30))
    agenda = repo.agenda(TODAY, NOW - timedelta(days=30))
    assert [(s.contact_name, s.due) for s in agenda.overdue.steps] == [  # newest first
        ("Later", TODAY - timedelta(days=1)),
        ("Overdue", TODAY - timedelta(days=3)),
    ]
    assert [(s.contact_name, s.due_time) for s in agenda.due_today.steps] == [
        ("Today", time(9, 30))
    ]
    assert [s.what for s in agenda.later.steps] == ["Next with Later"]
    assert [s.what for s in agenda.no_date.steps] == ["Send the SLA"]
    assert [c.goal for c in agenda.recent] == ["Talk to Later", "Talk to Today", "Talk to Overdue"]
    assert repo.live_calls() == [] and agenda.restorable is None
    steps, total = repo.open_steps(before=TODAY + timedelta(days=1))
    assert [s.contact_name for s in steps] == ["Overdue", "Today"] and total == 2
    commitments = repo.open_commitments()
    assert [(c.what, c.due) for c in commitments] == [
        ("Usage numbers", TODAY - timedelta(days=1)),
        ("Send the SLA", None),
    ]


def test_a_discarded_call_is_offered_back_then_restored(store_repo: Repository) -> None:
    repo = store_repo
    call = repo.start_call(call_with("Dana", NOW))
    assert call.id is not None
    repo.save_note(call.id, Note(text="kept through the discard", created_at=NOW))
    assert [c.id for c in repo.live_calls()] == [call.id]
    assert repo.discard_call(call.id, NOW + timedelta(minutes=1))
    assert repo.live_calls() == []
    restorable = repo.restorable_discard()
    assert restorable is not None and restorable.id == call.id
    back = repo.restore_call(call.id)
    assert [n.text for n in back.notes] == ["kept through the discard"]
    assert repo.restorable_discard() is None


def test_moved_dates_are_kept_as_history(store_repo: Repository) -> None:
    """The date-move triggers (PL/pgSQL on PostgreSQL): every earlier date stays."""
    repo = store_repo
    call = closed(
        repo,
        "Dana",
        NOW - timedelta(days=3),
        TODAY + timedelta(days=1),
        promises=[(NoteKind.OURS, "Quote", TODAY + timedelta(days=2))],
    )
    assert call.id is not None
    note_id = call.notes[0].id or 0
    repo.reschedule_step(call.id, TODAY + timedelta(days=5))
    repo.reschedule_step(call.id, TODAY + timedelta(days=5), time(10, 0))
    assert repo.reschedule_commitment(note_id, TODAY + timedelta(days=7))
    again = repo.get_call(call.id)
    assert again.next_step is not None
    assert again.next_step.moved_from == [TODAY + timedelta(days=1), TODAY + timedelta(days=5)]
    assert again.notes[0].moved_from == [TODAY + timedelta(days=2)]
    repo.set_commitment_done(note_id, NOW)
    assert not repo.reschedule_commitment(note_id, TODAY), "a kept promise is not moved"


def test_promise_records_count_the_same(
    store_repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = store_repo
    ana = closed(
        repo,
        "Ana",
        NOW - timedelta(days=20),
        TODAY - timedelta(days=10),
        promises=[
            (NoteKind.OURS, "Overdue", TODAY - timedelta(days=2)),
            (NoteKind.THEIRS, "Kept late", TODAY - timedelta(days=5)),
            (NoteKind.THEIRS, "Undated kept", None),
        ],
    )
    assert ana.id is not None and ana.contact.id is not None
    repo.mark_step_done(ana.id, datetime.combine(TODAY - timedelta(days=12), time(12), UTC))
    repo.set_commitment_done(ana.notes[1].id or 0, NOW - timedelta(days=1))
    repo.set_commitment_done(ana.notes[2].id or 0, NOW)
    records = repo.promise_records([ana.contact.id, 999], TODAY)
    assert records == {
        ana.contact.id: PromiseRecord(
            ours=Tally(on_time=1, open_overdue=1), theirs=Tally(on_time=1, late=1)
        ),
        999: PromiseRecord(),
    }
    # kept at 02:00 UTC on the due day + 1 is still the due day in New York
    eve = closed(repo, "Eve", NOW - timedelta(days=30), date(2026, 11, 20))
    assert eve.id is not None and eve.contact.id is not None
    repo.mark_step_done(eve.id, datetime(2026, 11, 21, 2, tzinfo=UTC))
    assert repo.promise_records([eve.contact.id], TODAY)[eve.contact.id].ours == Tally(late=1)
    monkeypatch.setenv("TZ", "America/New_York")
    clock.tzset()
    try:
        found = repo.promise_records([eve.contact.id], TODAY)[eve.contact.id]
        assert found.ours == Tally(on_time=1)
    finally:
        monkeypatch.setenv("TZ", "UTC")
        clock.tzset()


def test_the_brief_and_the_timeline_read_the_history(store_repo: Repository) -> None:
    repo = store_repo
    first = closed(
        repo, "Dana", NOW - timedelta(days=9), promises=[(NoteKind.OURS, "Send the SLA", None)]
    )
    attempt = repo.start_call(call_with("Dana", NOW - timedelta(days=2)))
    assert attempt.id is not None and first.contact.id is not None
    repo.log_attempt(attempt.id, Connection.VOICEMAIL, NextStep(what="Again", due=TODAY), NOW)
    brief = repo.prep_brief(first.contact.id)
    assert brief is not None
    assert (brief.calls_before, brief.attempts_since, brief.last_call_id) == (1, 1, first.id)
    assert [n.text for n in brief.open_commitments] == ["Send the SLA"]
    contact, calls = repo.timeline(first.contact.id)
    assert contact.name == "Dana" and [c.id for c in calls] == [first.id, attempt.id]
    live = repo.start_call(call_with("Dana", NOW))
    assert live.id is not None
    assert [n.text for n in repo.earlier_open_commitments(live.id)] == ["Send the SLA"]


def test_search_on_each_backend(store_repo: Repository) -> None:
    """SQLite's FTS5 and PostgreSQL's tsvector find the same note, by a prefix too."""
    repo = store_repo
    call = repo.start_call(call_with("Dana", NOW))
    assert call.id is not None
    repo.save_note(call.id, Note(text="send the pricing sheet", created_at=NOW))
    assert [hit.text for hit in repo.search("pricing")] == ["send the pricing sheet"]
    assert [hit.text for hit in repo.search("pric")] == ["send the pricing sheet"]
    assert repo.search("invoice") == []


def test_a_team_database_without_the_schema_is_refused_in_one_line(
    pg_server: PostgresServer, pg_store_url: str
) -> None:
    from callmate.store.database_url import DatabaseUnavailable

    bare = pg_server.create_database("callmate_bare")
    with pytest.raises(DatabaseUnavailable) as refused:
        Repository.open_url(bare)
    message = str(refused.value)
    assert "run `callmate db upgrade`" in message and "\n" not in message
    assert pg_server.password not in message
    with pytest.raises(DatabaseUnavailable) as wrong:
        Repository.open_url(pg_server.url("callmate_store", password="not-it"))
    assert "wrong password" in str(wrong.value) and "not-it" not in str(wrong.value)


def test_tries_in_a_row_are_counted_up_to_a_cap(store_repo: Repository) -> None:
    """The home screen's try count (due_lines.TRIES, a correlated walk back) on both."""
    from callmate.domain.agenda import TRIES_COUNTED

    repo = store_repo
    closed(repo, "Dana", NOW - timedelta(days=30))
    for number in range(25):
        attempt = repo.start_call(call_with("Dana", NOW - timedelta(days=29 - number)))
        assert attempt.id is not None
        step = NextStep(what="Try again", due=TODAY + timedelta(days=1))
        repo.log_attempt(attempt.id, Connection.NO_ANSWER, step, NOW)
    (last, *_rest) = repo.recent_calls(3)
    assert last.tries == TRIES_COUNTED + 1
    assert [c.tries for c in repo.recent_calls(30)][-6:] == [5, 4, 3, 2, 1, 0]


def test_every_row_written_has_its_own_stable_id(store_repo: Repository) -> None:
    import uuid

    repo = store_repo
    call = repo.start_call(call_with("Ann", NOW))
    assert call.id is not None and call.uuid and call.contact.uuid
    saved = repo.save_note(call.id, Note(text="typed", created_at=NOW))
    assert saved.uuid and uuid.UUID(saved.uuid).version == 7
    again = repo.save_note(call.id, saved)  # a copy of a stored note is a note of its own
    assert again.uuid != saved.uuid and again.id != saved.id
    assert [n.uuid for n in repo.get_call(call.id).notes] == [saved.uuid, again.uuid]
