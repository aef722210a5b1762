"""Kept on time (issue 12): per person, how many promises were kept on time,
kept late and are still open past their date, ours and theirs apart; in the
timeline and in ``callmate due --json``. The rules: callmate/domain/promise_record.py."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callmate.app import CallmateApp
from callmate.domain.closing import CommitmentUpdate
from callmate.domain.models import (
    Call,
    CallStatus,
    Contact,
    NextStep,
    Note,
    NoteKind,
    Outcome,
    Owner,
)
from callmate.domain.promise_record import PromiseRecord, Tally
from callmate.locations import database_path
from callmate.screens.timeline import TimelineScreen
from callmate.store import queries
from callmate.store.repository import Repository
from tests.conftest import NOW
from tests.helpers import screen_text, settle
from tests.test_cli_memory import TODAY, cli

Promise = tuple[NoteKind, str, int | None, int | None, bool]
"""(kind, what, due in days from today or None, kept that many days from
today or None, deleted)."""

ANA_PROMISES: list[Promise] = [
    (NoteKind.OURS, "Kept on the day", -8, -8, False),  # ours on time (the boundary)
    (NoteKind.OURS, "Kept three days late", -8, -5, False),  # ours late
    (NoteKind.OURS, "Open two days past", -2, None, False),  # ours overdue
    (NoteKind.OURS, "Open, due today", 0, None, False),  # not overdue yet: nowhere
    (NoteKind.OURS, "Undated, kept", None, -1, False),  # can't be late: on time
    (NoteKind.OURS, "Undated, open", None, None, False),  # nowhere
    (NoteKind.OURS, "Deleted, overdue", -3, None, True),  # deleted: nowhere
    (NoteKind.OURS, "Deleted, kept late", -9, -1, True),  # deleted: nowhere
    (NoteKind.THEIRS, "Sent early", -6, -7, False),  # theirs on time
    (NoteKind.THEIRS, "Sent late", -6, -1, False),  # theirs late
    (NoteKind.THEIRS, "Still not sent", -1, None, False),  # theirs overdue
]

# Next steps: (owner, due in days, kept in days or None, moved to in days or None).
ANA_STEPS: list[tuple[Owner, int, int | None, int | None]] = [
    (Owner.US, -10, -12, None),  # ours on time
    (Owner.THEM, -4, None, None),  # theirs overdue
    (Owner.BOTH, 2, None, None),  # both counts as ours; not due yet: nowhere
    (Owner.BOTH, -9, -3, None),  # ours late
    (Owner.US, -10, -5, -3),  # moved from -10 to -3, kept at -5: on time (latest date)
]

ANA = PromiseRecord(ours=Tally(4, 2, 1), theirs=Tally(1, 1, 2))
"""Ana's record, counted by hand from the lists above."""

BO = PromiseRecord(theirs=Tally(0, 1, 0))
"""Bo: a next step of ours not due yet and one "they owe" kept a day late."""


def _moment(today: date, days: int) -> datetime:
    """Noon UTC that many days from ``today``: the same date in UTC and in TZ=UTC."""
    return datetime.combine(today + timedelta(days=days), clock_time(12), tzinfo=UTC)


def _day(today: date, days: int | None) -> date | None:
    return None if days is None else today + timedelta(days=days)


def seed(home: Path, today: date) -> dict[str, int]:
    """Ana's and Bo's calls; the contacts' ids by first name."""
    repo = Repository.open(database_path(home))
    started = _moment(today, -20)
    ids: dict[str, int] = {}
    try:

        def closed_call(
            name: str, step: NextStep, promises: list[Promise]
        ) -> tuple[Call, list[tuple[int, Promise]]]:
            call = repo.start_call(
                Call(
                    contact=Contact(name=name, company=f"{name} Ltd"),
                    goal="Pilot",
                    started_at=started,
                )
            )
            assert call.id is not None
            notes = []
            for promise in promises:
                note = repo.save_note(
                    call.id, Note(kind=promise[0], text=promise[1], created_at=started)
                )
                assert note.id is not None
                notes.append((note.id, promise))
            updates = [CommitmentUpdate(i, "", _day(today, p[2])) for i, p in notes]
            closed = repo.finish_call(
                call.id, outcome=Outcome.YES, next_step=step, ended_at=started, commitments=updates
            )
            return closed, notes

        for number, (owner, due, kept, moved) in enumerate(ANA_STEPS):
            step = NextStep(what=f"Step {number}", owner=owner, due=_day(today, due))
            call, notes = closed_call("Ana", step, ANA_PROMISES if number == 0 else [])
            assert call.id is not None
            ids["Ana"] = call.contact.id or 0
            if moved is not None:
                repo.reschedule_step(call.id, today + timedelta(days=moved))
            if kept is not None:
                repo.mark_step_done(call.id, _moment(today, kept))
            for note_id, (_kind, _what, _due, done, deleted) in notes:
                if done is not None:
                    repo.set_commitment_done(note_id, _moment(today, done))
                if deleted:
                    repo.delete_note(note_id, _moment(today, -1))
        bo_step = NextStep(what="Send the draft", owner=Owner.US, due=_day(today, 1))
        bo_late: Promise = (NoteKind.THEIRS, "Usage numbers", -3, -2, False)
        call, ((note_id, _promise),) = closed_call("Bo", bo_step, [bo_late])
        repo.set_commitment_done(note_id, _moment(today, -2))
        ids["Bo"] = call.contact.id or 0
    finally:
        repo.close()
    return ids


def test_the_store_counts_each_person_in_one_query(isolated_home: Path) -> None:
    ids = seed(isolated_home, NOW.date())
    repo = Repository.open(database_path(isolated_home))
    try:
        records = repo.promise_records([ids["Ana"], ids["Bo"], 999], NOW.date())
    finally:
        repo.close()
    assert records == {ids["Ana"]: ANA, ids["Bo"]: BO, 999: PromiseRecord()}
    statements: list[str] = []
    with closing(sqlite3.connect(database_path(isolated_home))) as db:
        db.set_trace_callback(statements.append)
        assert queries.promise_records(db, [ids["Bo"], ids["Ana"]], NOW.date())[ids["Bo"]] == BO
    assert len([s for s in statements if "promises" in s]) == 1, "one query for everyone"


@pytest.mark.parametrize("share", [0, 1_000_000], ids=["index-per-person", "one-pass"])
def test_both_ways_of_reading_count_the_same(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, share: int
) -> None:
    """A few people are read by index, many in one pass over the notes."""
    ids = seed(isolated_home, NOW.date())
    monkeypatch.setattr(queries, "_SCAN_SHARE", share)
    plans: list[str] = []
    with closing(sqlite3.connect(database_path(isolated_home))) as db:
        db.set_trace_callback(plans.append)
        records = queries.promise_records(db, [ids["Ana"], ids["Bo"]], NOW.date())
    assert records == {ids["Ana"]: ANA, ids["Bo"]: BO}
    assert ("FROM notes NOT INDEXED" in plans[-1]) is bool(share)


def test_kept_uses_the_local_date_of_the_moment_it_was_kept(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept at 02:00 UTC on the 21st is still the 20th in New York: on time there."""
    repo = Repository.open(database_path(isolated_home))
    try:
        started = datetime(2026, 11, 10, 15, tzinfo=UTC)
        call = repo.start_call(Call(contact=Contact(name="Eve"), goal="Demo", started_at=started))
        assert call.id is not None
        repo.finish_call(
            call.id,
            outcome=Outcome.YES,
            next_step=NextStep(what="Trial", due=date(2026, 11, 20)),
            ended_at=started,
        )
        repo.mark_step_done(call.id, datetime(2026, 11, 21, 2, tzinfo=UTC))
        contact = call.contact.id or 0
        assert repo.promise_records([contact], NOW.date())[contact].ours == Tally(late=1)
        monkeypatch.setenv("TZ", "America/New_York")
        time.tzset()
        try:
            assert repo.promise_records([contact], NOW.date())[contact].ours == Tally(on_time=1)
        finally:
            monkeypatch.setenv("TZ", "UTC")
            time.tzset()
    finally:
        repo.close()


def test_due_json_gives_each_item_its_persons_record(tmp_path: Path) -> None:
    seed(tmp_path, TODAY)
    result = cli("due", "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    keys = ["kind", "call_id", "note_id", "contact", "company", "what", "owner", "due", "time"]
    assert all(
        list(item) == [*keys, "days_overdue", "connection", "try", "contact_record"]
        for item in items
    )
    by_person = {item["contact"]: item["contact_record"] for item in items}
    assert by_person == {"Ana": ANA.as_dict(), "Bo": BO.as_dict()}
    assert by_person["Ana"] == {
        "ours": {"on_time": 4, "late": 2, "open_overdue": 1},
        "theirs": {"on_time": 1, "late": 1, "open_overdue": 2},
    }
    # Every one of Ana's open promises is listed, each with the same record.
    ana = [item for item in items if item["contact"] == "Ana"]
    assert sorted(item["what"] for item in ana) == [
        "Open two days past",
        "Open, due today",
        "Step 1",
        "Step 2",
        "Still not sent",
        "Undated, open",
    ]
    assert len({json.dumps(item["contact_record"]) for item in ana}) == 1
    # The words-only output is as it was: no record in it.
    text = cli("due", home=tmp_path).stdout
    assert "on_time" not in text and "kept on time" not in text


def test_due_json_with_nothing_due_is_an_empty_list(tmp_path: Path) -> None:
    result = cli("due", "--json", home=tmp_path)
    assert result.returncode == 0 and json.loads(result.stdout) == []


async def test_the_timeline_says_how_promises_were_kept(
    app: CallmateApp, isolated_home: Path
) -> None:
    ids = seed(isolated_home, NOW.date())
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        app.push_screen(TimelineScreen(ids["Ana"]))
        await settle(pilot)
        text = screen_text(pilot)
        assert "Our promises:   4 kept on time, 2 late, 1 overdue" in text
        assert "Their promises: 1 kept on time, 1 late, 2 overdue" in text
        # Marking the overdue "we owe" kept today makes it late, as the line says.
        lines = [str(o.prompt) for o in app.screen.query_one("#timeline").options]  # type: ignore[attr-defined]
        index = next(i for i, line in enumerate(lines) if "Open two days past" in line)
        app.screen.query_one("#timeline").highlighted = index  # type: ignore[attr-defined]
        await pilot.press("d")
        await settle(pilot)
        rows = [row.strip() for row in screen_text(pilot).splitlines()]
        assert "Our promises:   4 kept on time, 3 late" in rows
        app.pop_screen()
        await settle(pilot)
        app.push_screen(TimelineScreen(ids["Bo"]))
        await settle(pilot)
        text = screen_text(pilot)
        assert "Our promises:   none kept yet" in text
        assert "Their promises: 0 kept on time, 1 late" in text


async def test_a_person_without_promises_kept_or_overdue(
    app: CallmateApp, isolated_home: Path
) -> None:
    repo = Repository.open(database_path(isolated_home))
    try:
        call = repo.start_call(
            Call(contact=Contact(name="New Person"), goal="Intro", started_at=NOW)
        )
        assert call.id is not None  # an undated promise, still open, counts nowhere
        repo.save_note(call.id, Note(kind=NoteKind.OURS, text="send the deck", created_at=NOW))
    finally:
        repo.close()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.push_screen(TimelineScreen(call.contact.id or 0))
        await settle(pilot)
        assert "Promises: none kept or overdue yet" in screen_text(pilot)


def test_the_json_shape_and_the_line_agree() -> None:
    record = PromiseRecord(ours=Tally(4, 1, 1), theirs=Tally(2))
    assert record.lines() == (
        "Our promises:   4 kept on time, 1 late, 1 overdue\nTheir promises: 2 kept on time"
    )
    assert record.as_dict()["theirs"] == {"on_time": 2, "late": 0, "open_overdue": 0}
    assert os.environ["TZ"] == "UTC"


# -- earlier open promises in Markdown recaps --------------------------------
def seed_carry(home: Path) -> dict[str, int]:
    """Dana: four calls (two started at the same moment), promises open, kept
    and deleted; Eli: a promise of his own that must not reach Dana's."""
    repo = Repository.open(database_path(home))
    ids: dict[str, int] = {}
    try:
        for key, name, days_ago, promises in [
            (
                "first",
                "Dana",
                10,
                [
                    (NoteKind.OURS, "send pricing", 3, False, False),
                    (NoteKind.THEIRS, "intro to the CFO", None, False, False),
                    (NoteKind.OURS, "kept one", 1, True, False),
                    (NoteKind.OURS, "deleted one", 1, False, True),
                ],
            ),
            ("eli", "Eli", 7, [(NoteKind.OURS, "Eli's own promise", 2, False, False)]),
            ("second", "Dana", 5, [(NoteKind.THEIRS, "usage numbers", 1, False, False)]),
            ("twin", "Dana", 5, []),
            ("last", "Dana", 1, []),
        ]:
            started = NOW - timedelta(days=days_ago)
            call = repo.start_call(
                Call(
                    contact=Contact(name=name, company="Northwind"),
                    goal="Pilot",
                    started_at=started,
                )
            )
            assert call.id is not None
            ids[key] = call.id
            updates = []
            for kind, text, due_in, kept, deleted in promises:
                note = repo.save_note(call.id, Note(kind=kind, text=text, created_at=started))
                assert note.id is not None
                due = None if due_in is None else NOW.date() + timedelta(days=due_in)
                updates.append(
                    CommitmentUpdate(note.id, "Sam" if kind is NoteKind.OURS else "", due)
                )
                if kept:
                    repo.set_commitment_done(note.id, started)
                if deleted:
                    repo.delete_note(note.id, started)
            repo.finish_call(
                call.id,
                outcome=Outcome.YES,
                next_step=NextStep(what="Call again", due=NOW.date() + timedelta(days=7)),
                ended_at=started,
                commitments=updates,
            )
    finally:
        repo.close()
    return ids


def test_earlier_open_promises_are_worked_out_from_the_loaded_calls(isolated_home: Path) -> None:
    from callmate.domain.recap import earlier_open_by_call

    ids = seed_carry(isolated_home)
    repo = Repository.open(database_path(isolated_home))
    try:
        calls = repo.all_calls()
        carried = earlier_open_by_call(calls)
        for call in calls:  # the same as the recap email's own query, call by call
            assert call.id is not None
            expected = repo.earlier_open_commitments(call.id)
            assert [n.id for n in carried[call.id]] == [n.id for n in expected]
    finally:
        repo.close()
    texts = {key: [n.text for n in carried[ids[key]]] for key in ids}
    assert texts == {
        "first": [],
        "eli": [],
        "second": ["send pricing", "intro to the CFO"],
        "twin": ["usage numbers", "send pricing", "intro to the CFO"],
        "last": ["usage numbers", "send pricing", "intro to the CFO"],
    }


def test_markdown_export_lists_earlier_open_promises_per_call(tmp_path: Path) -> None:
    ids = seed_carry(tmp_path)
    result = cli("export", "--format", "md", home=tmp_path)
    assert result.returncode == 0, result.stderr
    documents = result.stdout.split("\n# Call with ")
    assert len(documents) == 5
    first, _eli, second, _twin, last = documents
    assert "Still open from earlier calls" not in first
    due = (NOW.date() + timedelta(days=3)).isoformat()
    section = (
        "## Still open from earlier calls\n\n"
        f"- **We owe:** send pricing (Sam, due {due})\n"
        "- **They owe:** intro to the CFO\n"
    )
    assert section in second
    assert "- **They owe:** usage numbers" in last and "Eli's own promise" not in last
    assert "kept one" not in last.split("## Still open")[1]
    assert "deleted one" not in result.stdout
    # The recap email inside repeats them, as `callmate recap` does.
    assert "Still open from our earlier calls:" in second
    recap = cli("recap", str(ids["second"]), "--format", "md", home=tmp_path)
    assert recap.returncode == 0, recap.stderr
    assert section in recap.stdout
    assert recap.stdout.split("# Call with ")[1] == second.removeprefix("# Call with ")


# -- the rules against a plain reading of them, on random histories ------------
SOON = st.integers(-6, 6).map(lambda days: NOW.date() + timedelta(days=days))
KEPT_AT = st.integers(-7 * 24 * 60, 0).map(lambda minutes: NOW + timedelta(minutes=minutes))


@st.composite
def histories(draw: st.DrawFn) -> Call:
    started = NOW - timedelta(days=draw(st.integers(1, 4)))
    notes = [
        Note(
            kind=draw(st.sampled_from([NoteKind.OURS, NoteKind.THEIRS, NoteKind.NOTE])),
            text="promise",
            created_at=started,
            due=draw(st.none() | SOON),
            done_at=draw(st.none() | KEPT_AT),
        )
        for _ in range(draw(st.integers(0, 4)))
    ]
    notes = [
        n if n.is_commitment else n.model_copy(update={"due": None, "done_at": None}) for n in notes
    ]
    return Call(
        contact=Contact(name=draw(st.sampled_from(["Ana", "Bo"]))),
        goal="Pilot",
        notes=notes,
        status=CallStatus.DONE,
        started_at=started,
        ended_at=started,
        outcome=Outcome.YES,
        next_step=NextStep(what="step", owner=draw(st.sampled_from(list(Owner))), due=draw(SOON)),
        next_step_done_at=draw(st.none() | KEPT_AT),
    )


def by_hand(calls: list[Call], today: date) -> dict[int, PromiseRecord]:
    """The rules of domain/promise_record.py read plainly, one promise at a time."""
    counts: dict[tuple[int, str], list[int]] = {}

    def count(person: int, side: str, due: date | None, kept: datetime | None) -> None:
        tally = counts.setdefault((person, side), [0, 0, 0])
        kept_on = kept.astimezone().date() if kept else None
        if kept_on is not None:
            tally[0 if due is None or kept_on <= due else 1] += 1
        elif due is not None and due < today:
            tally[2] += 1

    for call in calls:
        person = call.contact.id or 0
        if call.next_step is not None:
            side = "theirs" if call.next_step.owner is Owner.THEM else "ours"
            count(person, side, call.next_step.due, call.next_step_done_at)
        for note in call.notes_of(NoteKind.OURS, NoteKind.THEIRS):
            count(person, note.kind.value, note.due, note.done_at)
    people = {call.contact.id or 0 for call in calls}
    return {
        person: PromiseRecord(
            ours=Tally(*counts.get((person, "ours"), [0, 0, 0])),
            theirs=Tally(*counts.get((person, "theirs"), [0, 0, 0])),
        )
        for person in people
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(histories(), min_size=1, max_size=6), st.sampled_from([0, 1_000_000]))
def test_the_query_counts_as_the_rules_say(generated: list[Call], share: int) -> None:
    from callmate.domain.recap import earlier_open_by_call

    with tempfile.TemporaryDirectory() as folder:
        repo = Repository.open(Path(folder) / "callmate.db")
        try:
            repo.import_calls(generated)
            calls = repo.all_calls()
            people = {call.contact.id or 0 for call in calls}
            original = queries._SCAN_SHARE
            queries._SCAN_SHARE = share  # a few by index, or all in one pass
            try:
                assert repo.promise_records(list(people), NOW.date()) == by_hand(calls, NOW.date())
            finally:
                queries._SCAN_SHARE = original
            carried = earlier_open_by_call(calls)  # and the Markdown's carried promises
            for call in calls:
                expected = repo.earlier_open_commitments(call.id or 0)
                assert [n.id for n in carried[call.id or 0]] == [n.id for n in expected]
        finally:
            repo.close()
